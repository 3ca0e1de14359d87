"""Does `spm grade` grade the learner's copy with real nbgrader against the hidden tests, report the score per
question with the reason for lost points, keep feedback, latest and best, show the mark schemes, and report a
grading that cannot run as failed (never 0) without modifying anything in the learner's workspace?"""
from __future__ import annotations

import pytest

from learner_course import (  # noqa: F401 (fixtures)
    ASSIGNMENT, AUTO_MAX, NOTEBOOK, RIGHT, WRITTEN_MAX, WRONG, answer, course, learner_template, tree_snapshot,
)
from spmcourse import cli, selfgrade, workspace
from spmcourse.errors import CourseError
from spmcourse.notebooks import read, write

@pytest.fixture
def started(course):
    workspace.start(ASSIGNMENT, course)
    return course, course / "work" / ASSIGNMENT / NOTEBOOK


def test_grading_scores_each_question_keeps_latest_and_best_and_leaves_the_work_alone(started):
    course, copy = started
    answer(copy, RIGHT)
    nb = read(copy)
    nb.cells[-2].source = "Visible checks can be gamed, so the values are tested where nobody sees them."
    write(nb, copy)
    before = tree_snapshot(course / "work" / ASSIGNMENT)

    first = selfgrade.grade(ASSIGNMENT, course)
    assert first.status == "graded", first.reason
    assert (first.auto_score, first.auto_max, first.written_max) == (AUTO_MAX, AUTO_MAX, WRITTEN_MAX)
    assert first.cells["w1_reflect"]["kind"] == "manual"
    feedback = course / first.feedback[0]
    assert feedback.parent == course / "work" / "feedback" / ASSIGNMENT and "q1_total_test" in feedback.read_text()
    schemes = (course / "work" / "feedback" / ASSIGNMENT / "mark-schemes.md").read_text()
    assert "visible checks alone can be gamed" in schemes and "nobody sees them" in schemes
    text = selfgrade.report(first, course)
    assert "5 of 5 points" in text and "Question 1 (2 points): add: 2/2 ✓" in text and "Mark schemes" in text

    answer(copy, {"q2_double": WRONG["q2_double"]})
    second = selfgrade.grade(ASSIGNMENT, course)
    assert second.auto_score == 2.0 and second.cells["q2_double_test"]["score"] == 0
    assert "double(4) is not twice 4" in second.cells["q2_double_test"]["message"]
    text = selfgrade.report(second, course)
    assert "Question 2 (3 points): double: 0/3, lost points: double: double(4) is not twice 4" in text
    assert "Best so far: 5/5" in text

    history = selfgrade.load_history(course)[ASSIGNMENT]
    assert [a.auto_score for a in history] == [5.0, 2.0]
    assert selfgrade.latest(history).auto_score == 2.0 and selfgrade.best(history).auto_score == 5.0
    after = tree_snapshot(course / "work" / ASSIGNMENT)
    assert set(after) == set(before)  # grading added nothing to the learner's folder ...
    assert after[NOTEBOOK] != before[NOTEBOOK]  # ... and only the learner's own edit changed it
    answer(copy, {"q2_double": RIGHT["q2_double"]})
    assert tree_snapshot(course / "work" / ASSIGNMENT) == before


def test_a_damaged_notebook_is_a_failed_attempt_not_a_zero(started, capsys, monkeypatch):
    course, copy = started
    copy.write_text('{"cells": [', encoding="utf-8")
    before = tree_snapshot(course / "work" / ASSIGNMENT)
    monkeypatch.setattr(selfgrade, "COURSE_ROOT", course)
    assert cli.main(["grade", "00"]) == 1
    out = capsys.readouterr().out
    assert "failed" in out and "not valid notebook JSON" in out and "fresh copy" in out
    [attempt] = selfgrade.load_history(course)[ASSIGNMENT]
    assert attempt.status == "failed" and attempt.score is None and attempt.auto_score is None
    assert tree_snapshot(course / "work" / ASSIGNMENT) == before


def test_a_missing_notebook_is_failed_with_what_to_do(started):
    course, copy = started
    copy.rename(copy.with_name("renamed.ipynb"))
    attempt = selfgrade.grade(ASSIGNMENT, course)
    assert attempt.status == "failed" and "is missing" in attempt.reason and "make start" in attempt.reason


def test_a_kernel_that_dies_is_failed_not_zero(started):
    course, copy = started
    answer(copy, {"q1_total": "import os\nos._exit(1)"})
    attempt = selfgrade.grade(ASSIGNMENT, course)
    assert attempt.status == "failed" and attempt.score is None, attempt
    assert "died" in attempt.reason
    assert "failed" in selfgrade.report(attempt, course)


def test_edited_and_deleted_test_cells_are_restored_before_grading(started):
    course, copy = started
    answer(copy, {"q1_total": WRONG["q1_total"], "q2_double": RIGHT["q2_double"], "q1_total_test": "pass"})
    nb = read(copy)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "q2_double_test"]
    write(nb, copy)
    before = tree_snapshot(course / "work" / ASSIGNMENT)
    attempt = selfgrade.grade(ASSIGNMENT, course)
    assert attempt.status == "graded", attempt.reason
    assert attempt.cells["q1_total_test"]["score"] == 0  # the original test ran, not `pass`
    assert attempt.cells["q2_double_test"]["score"] == 3  # the deleted test was put back and passed
    assert tree_snapshot(course / "work" / ASSIGNMENT) == before  # the tampered copy itself is left as it was


@pytest.mark.slow
def test_code_that_never_finishes_is_timed_out(started):
    course, copy = started
    answer(copy, {"q1_total": "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                              "while True:\n    time.sleep(0.1)"})
    attempt = selfgrade.grade(ASSIGNMENT, course, timeout=8)
    assert attempt.status == "timed out" and attempt.score is None, attempt


def test_not_started_and_unknown_assignments_are_clear_errors(course, capsys, monkeypatch):
    with pytest.raises(CourseError, match="not started"):
        selfgrade.grade(ASSIGNMENT, course)
    monkeypatch.setattr(selfgrade, "COURSE_ROOT", course)
    assert cli.main(["grade", "42"]) == 2
    assert "there is no assignment '42'" in capsys.readouterr().err
    assert selfgrade.load_history(course) == {}


def test_untouched_answers_are_named_as_not_answered(started):
    course, copy = started
    assert selfgrade.unanswered(ASSIGNMENT, course) == {"q1_total_test", "q2_double_test"}
    answer(copy, {"q1_total": WRONG["q1_total"]})
    assert selfgrade.unanswered(ASSIGNMENT, course) == {"q2_double_test"}


def test_mark_schemes_come_from_the_source():
    from learner_course import FIRST
    from spmcourse import COURSE_ROOT

    if not (COURSE_ROOT / "source" / FIRST.key).is_dir():
        pytest.skip("no source for the first module yet")
    for w in selfgrade.written_questions(FIRST.key):
        assert w.scheme and "MARK SCHEME" not in w.question
