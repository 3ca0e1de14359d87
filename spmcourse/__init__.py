"""Helper package for the Software Product Management course.

Importing the package changes nothing: lessons call ``use_course_style()`` for plot styling, and load the
case-study data through ``spmcourse.casedata``.

It has two halves (docs/architecture.md):

- the course content, imported by lessons and hidden tests: ``casedata`` (the case company's data), ``checks``
  (the messages test cells give), one module per product-management topic (``finance``, ``pricing``,
  ``planning``, ...), and ``explorers`` (the lessons' interactive widgets);
- the platform, which learners never import: ``grading`` (grading a class or one learner, sandboxed),
  ``learner`` (workspace, self-grading, progress) and ``authoring`` (build, curriculum, lab, execution);

plus a small base both use (``errors``, ``plots``, ``framework``) and ``cli``, the ``spm`` command.
"""
from pathlib import Path

__version__ = "0.1.0"

#: The course folder: this package lives directly inside it.
COURSE_ROOT = Path(__file__).resolve().parent.parent
