"""Helper package for the Software Product Management course.

Importing the package changes nothing: lessons call ``use_course_style()`` for plot styling, and load the
case-study data through ``spmcourse.casedata``.

Modules, one concern each:

- ``casedata``: the fictional case company's datasets (generate, load, data cards);
- ``plots``: plot styling and small shared plot helpers;
- ``checks``: the failure-message helpers that graded test cells call;
- ``notebooks``: cleaning and authoring notebooks (outputs, kernelspec, nbgrader cell metadata);
- ``curriculum``: the machine-readable curriculum map and the navigation generated from it;
- ``cli``: the ``spm`` command line.
"""
from pathlib import Path

__version__ = "0.1.0"

#: The course folder: this package lives directly inside it.
COURSE_ROOT = Path(__file__).resolve().parent.parent
