"""Making and running the course: ``build`` (release assignments with nbgrader), ``notebooks`` (read, write,
clean and draft notebooks), ``curriculum`` (the curriculum map and the navigation generated from it), ``lab``
(the JupyterLab launcher), ``execution`` (run a notebook top to bottom in a fresh kernel).
"""
