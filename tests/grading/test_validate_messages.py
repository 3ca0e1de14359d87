"""Does Validate (nbgrader's Validator with the course's configuration, as the Validate button runs it) name an
unanswered question in the course's words, one line with what to do and no traceback, while other errors keep
their traceback and lessons' kernels keep Python's usual messages?"""
from __future__ import annotations

import pytest
from nbgrader.validator import Validator
from traitlets.config.loader import PyFileConfigLoader

from conftest import execute
from coursekit import LEARNER_ASSIGNMENT as ASSIGNMENT, LEARNER_NOTEBOOK as NOTEBOOK, RIGHT, answer, course, learner_template  # noqa: F401
from spmcourse.grading import validate_messages
from spmcourse.authoring.notebooks import new_notebook, read

pytestmark = pytest.mark.xdist_group("course")


def validate(course, path) -> dict:
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    return Validator(config=config).validate(str(path))


def test_an_unanswered_question_reads_as_the_courses_message(course):
    path = course / "release" / ASSIGNMENT / NOTEBOOK
    answer(path, {"q1_total": RIGHT["q1_total"]})  # question 1 answered, question 2 left as released
    errors = [f["error"] for f in validate(course, path)["failed"]]
    assert validate_messages.not_answered() in errors, errors
    assert validate_messages.not_defined("doubled") in errors, errors
    assert not any("Traceback" in e or "NotImplementedError" in e.replace("`raise NotImplementedError()`", "")
                   for e in errors), errors


def test_other_errors_keep_their_traceback_and_other_kernels_are_untouched(course):
    path = course / "release" / ASSIGNMENT / NOTEBOOK
    answer(path, {"q1_total": "total = 1 / 0", "q2_double": RIGHT["q2_double"]})
    errors = [f["error"] for f in validate(course, path)["failed"]]
    assert any("ZeroDivisionError" in e and "Traceback" in e for e in errors), errors

    # outside Validate (a lesson, grading), the extension changes nothing
    from nbformat.v4 import new_code_cell
    nb = new_notebook([new_code_cell("%load_ext spmcourse.grading.validate_messages\nraise NotImplementedError()")])
    run = execute(nb, cwd=course)
    assert any("Traceback" in "".join(o.get("traceback", [])) for c in run.nb.cells for o in c.outputs)
