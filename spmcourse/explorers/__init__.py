"""Interactive explorers for the lessons, one module per topic.

Each explorer is three layers: a compute function returning plain data, a plot function taking that data, and a
``build_*`` function that wires ipywidgets controls to them with ``interactive_output`` and returns the
container without displaying it. Tests drive the compute and plot functions directly and the builders by
setting control values. What the builders share (a figure per update, the sliders' look, the returned
container with its ``controls`` and ``output``) is in :mod:`spmcourse.explorers._widgets`.
"""
