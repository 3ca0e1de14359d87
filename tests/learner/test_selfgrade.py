"""Does `spm grade` grade the learner's copy with real nbgrader against the hidden tests, report the score per
question with the reason for lost points, keep feedback, latest and best, show the mark schemes, and report a
grading that cannot run as failed (never 0) without modifying anything in the learner's workspace?"""
from __future__ import annotations

import html
import json
from datetime import datetime, timedelta, timezone

import pytest

from coursekit import (  # noqa: F401 (fixtures)
    RIGHT, WRITTEN_MAX, WRONG, answer, course, learner_template, tree_snapshot,
    LEARNER_ASSIGNMENT as ASSIGNMENT, LEARNER_AUTO_MAX as AUTO_MAX, LEARNER_NOTEBOOK as NOTEBOOK,
)
from spmcourse import cli
from spmcourse.learner import progress, selfgrade, workspace
from spmcourse.errors import CourseError
from spmcourse.authoring.notebooks import read, write

#: What the hidden tests of the tiny assignment look like, and a line of its mark scheme: never shown too early.
HIDDEN_CODE = ("BEGIN HIDDEN", "total == 5", "doubled == [8, 42]", "assert ", "Traceback")
SCHEME = "visible checks alone can be gamed"


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
    # the page's total (5 / 7) says why it is not the 5 of 5 the learner sees everywhere else
    assert "counts the written questions' 2 points as 0" in html.unescape(feedback.read_text())
    schemes = (course / "work" / "feedback" / ASSIGNMENT / "mark-schemes.md").read_text()
    assert "visible checks alone can be gamed" in schemes and "nobody sees them" in schemes
    text = selfgrade.report(first, course)
    assert "5 of 5 points" in text and "Question 1 (2 points): add: 2/2 ✓" in text and "Mark schemes" in text

    answer(copy, {"q2_double": WRONG["q2_double"]})
    second = selfgrade.grade(ASSIGNMENT, course)
    assert second.auto_score == 2.0 and second.cells["q2_double_test"]["score"] == 0
    assert "a value is not twice its number" in second.cells["q2_double_test"]["message"]
    text = selfgrade.report(second, course)
    assert "Question 2 (3 points): double: 0/3, lost points: doubled: a value is not twice its number" in text
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
    from coursekit import FIRST
    from spmcourse import COURSE_ROOT

    if not (COURSE_ROOT / "source" / FIRST.key).is_dir():
        pytest.skip("no source for the first module yet")
    for w in selfgrade.written_questions(FIRST.key):
        assert w.scheme and "MARK SCHEME" not in w.question


def test_self_study_feedback_shows_no_hidden_test_and_no_mark_scheme_before_an_answer(started, capsys,
                                                                                       monkeypatch):
    """Grading a blank attempt reveals neither the hidden tests' code nor the mark scheme (with its model
    answer); answering the written question then reveals its mark scheme, and a wrong answer shows the failed
    check's message, not its code."""
    course, copy = started
    monkeypatch.setattr(selfgrade, "COURSE_ROOT", course)
    scheme_file = course / "work" / "feedback" / ASSIGNMENT / "mark-schemes.md"

    def everything_shown() -> list[str]:
        out = capsys.readouterr().out
        attempt = selfgrade.load_history(course)[ASSIGNMENT][-1]
        shown = [out, selfgrade.report(attempt, course), selfgrade.report(attempt, course, schemes=False)]
        return shown + ([scheme_file.read_text()] if scheme_file.exists() else [])

    assert cli.main(["grade", ASSIGNMENT]) == 0
    blank = everything_shown()
    view = progress.build_progress_view(course)
    view.buttons[f"grade:{ASSIGNMENT}"].click()  # what the Grade button shows
    blank.append(view.last_report)
    for text in blank:
        for secret in HIDDEN_CODE + (SCHEME,):
            assert secret not in text, (secret, text)
    assert "Question 3 (2 points): reflect: written answer, not answered yet" in blank[0]

    answer(copy, {"q1_total": WRONG["q1_total"]})
    nb = read(copy)
    nb.cells[-2].source = "Visible checks can be gamed."
    write(nb, copy)
    assert cli.main(["grade", ASSIGNMENT]) == 0
    answered = everything_shown()
    assert SCHEME in answered[0] and SCHEME in answered[-1] and "Visible checks can be gamed." in answered[-1]
    assert "total: not the sum; add BASE to 2" in answered[0]
    for text in answered:
        for secret in HIDDEN_CODE:
            assert secret not in text, (secret, text)


def test_a_history_from_before_sandboxing_was_recorded_still_loads(course):
    """Attempts record whether the grading was sandboxed; older attempts without it load as "not known"."""
    path = course / "work" / ".course" / "grades.json"
    path.parent.mkdir(parents=True)
    old = {"assignment": ASSIGNMENT, "status": "graded", "reason": "", "timestamp": "2026-01-01T10:00:00+00:00",
           "score": 5.0, "max_score": 7.0, "auto_score": 5.0, "auto_max": 5.0, "written_max": 2.0, "cells": {},
           "feedback": [], "work_hash": "abc", "added_by_a_later_version": 1}
    path.write_text(json.dumps({ASSIGNMENT: [old]}))
    [attempt] = selfgrade.load_history(course)[ASSIGNMENT]
    assert attempt.sandboxed is None and attempt.auto_score == 5.0
    assert not list(path.parent.glob("grades.json.damaged-*"))
    selfgrade.record(attempt, course)
    assert json.loads(path.read_text())[ASSIGNMENT][-1]["sandboxed"] is None


def test_grading_an_unchanged_copy_again_gives_the_recorded_result_at_once(started):
    course, copy = started
    answer(copy, RIGHT)
    first = selfgrade.grade(ASSIGNMENT, course)
    assert first.status == "graded" and first.grader, first.reason
    again = selfgrade.grade(ASSIGNMENT, course)
    assert again == first and again.reused  # no kernel ran: the recorded result, and the report says so
    assert "has not changed since it was graded" in selfgrade.report(again, course)
    assert "has not changed" not in selfgrade.report(first, course)
    assert "reused" not in json.loads((course / "work" / ".course" / "grades.json").read_text())[ASSIGNMENT][0]
    assert len(selfgrade.load_history(course)[ASSIGNMENT]) == 1
    answer(copy, {"q2_double": WRONG["q2_double"]})  # a changed answer is graded again
    assert selfgrade.grade(ASSIGNMENT, course).auto_score == 2.0
    answer(copy, RIGHT)  # back to the first answers: graded again, as the latest attempt was of other work
    assert selfgrade.grade(ASSIGNMENT, course).auto_score == 5.0
    assert len(selfgrade.load_history(course)[ASSIGNMENT]) == 3


def test_the_result_says_which_saved_version_it_graded_on_the_command_line_and_the_button(started, capsys,
                                                                                         monkeypatch):
    """Grading reads the notebook as saved: the result says when that was and that unsaved changes are not in it;
    pressed again on an unchanged copy, the Grade button says the recorded result stands, as the command does."""
    course, copy = started
    answer(copy, RIGHT)
    saved = datetime.fromtimestamp(copy.stat().st_mtime).astimezone()
    monkeypatch.setattr(selfgrade, "COURSE_ROOT", course)
    assert cli.main(["grade", ASSIGNMENT]) == 0
    out = capsys.readouterr().out
    assert f"Graded your copy as saved at {saved:%H:%M} (" in out
    assert "Unsaved changes in an open notebook are not included: save it (Ctrl+S) and grade again." in out
    assert "has not changed" not in out
    # the written question's points: what they are, and why the feedback page's total is larger than 5 of 5
    assert ("The written question (2 points) is not auto-graded: once answered, assess your answer yourself with "
            "the mark scheme. The feedback page counts them as 0, so its total reads 5 / 7.") in out

    view = progress.build_progress_view(course)
    view.buttons[f"grade:{ASSIGNMENT}"].click()  # nothing changed since: the recorded result, said so
    assert f"Your copy of {ASSIGNMENT} as saved at {saved:%H:%M} (" in view.last_report
    assert "has not changed since it was graded at" in view.last_report and "Ctrl+S" in view.last_report
    assert cli.main(["grade", ASSIGNMENT]) == 0
    assert "has not changed since it was graded at" in capsys.readouterr().out
    assert len(selfgrade.load_history(course)[ASSIGNMENT]) == 1


def test_recorded_times_read_as_clock_time_and_age():
    now = datetime(2026, 12, 5, 3, 17, tzinfo=timezone.utc)
    local = now.astimezone()
    assert selfgrade.when((now - timedelta(minutes=5)).isoformat(), now) == \
        f"{(local - timedelta(minutes=5)):%H:%M} (5 minutes ago)"
    assert selfgrade.when(now.isoformat(), now).endswith("(just now)")
    assert selfgrade.when((now - timedelta(minutes=1)).isoformat(), now).endswith("(1 minute ago)")
    three_days = (local - timedelta(days=3))
    assert selfgrade.when(three_days.isoformat(), now) == f"{three_days.day} {three_days:%b %H:%M} (3 days ago)"
    assert selfgrade.when("", now) == "an unknown time"
