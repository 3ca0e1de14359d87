"""Plain ``nbgrader autograde`` (what the formgrader's Autograde button runs) checks and repairs a submission as
``spm grade-cohort`` does (spmcourse/grading/submission_checks.py, configured in nbgrader_config.py).

A bad submission fails that student with the reason the grading core gives, before nbgrader records anything
(never a score of 0); edited grading cells are repaired with a note; the other students are graded. The cases are
those of tests/test_bad_submissions.py (tests/fixtures/course/coursekit.py).
"""
from __future__ import annotations

from pathlib import Path

import pytest

import coursekit as kit  # noqa: E402
from coursekit import course_template, make_course  # noqa: E402,F401  (pytest fixtures)

from nbgrader.api import Gradebook  # noqa: E402

from spmcourse import grading  # noqa: E402

A = kit.ASSIGNMENT
REFUSED = ["missing", "renamed", "badjson"]
REPAIRED = ["dupid", "badmeta", "celltype", "edittest", "bigfile"]


def _scores(course: Path) -> dict:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "spm-course") as gb:
        return {s.student.id: s.score for s in gb.find_assignment(A).submissions}


@pytest.mark.xdist_group("grading")
def test_plain_nbgrader_fails_bad_submissions_as_the_grading_core_does(make_course):
    course = make_course(cell_timeout=10)
    cases = kit.bad_submissions(course)
    for student in REFUSED + REPAIRED:
        case = cases[student]
        kit.submit(course, student, case["nb"], name=case.get("name", "exercises.ipynb"), files=case.get("files"))
    kit.submit(course, "good", kit.student_notebook(course, "right"))
    kit.submit(course, "dupid-only", cases["dupid"]["nb"])  # the one bad submission of a run: still graded

    # what the grading core says about the refused ones (they fail before any kernel starts)
    core = {o.student: o for o in grading.grade_submissions(course, A, REFUSED, jobs=1, feedback=False)}
    assert {s: o.status for s, o in core.items()} == dict.fromkeys(REFUSED, "failed")

    run = kit.nbgrader(course, "autograde", A, "--force", check=False, timeout=600)
    log = run.stdout + run.stderr
    assert run.returncode == 1, log[-3000:]  # nbgrader's own exit code when a student failed

    for student in REFUSED:  # the same reason, in plain words, naming the student
        assert f"Not grading {student}'s {A}: {core[student].reason}" in log, (student, core[student].reason)
        assert not (course / "autograded" / student).exists()
    assert "no exercises.ipynb" in core["missing"].reason and "renamed" in core["renamed"].reason
    assert "not valid JSON" in core["badjson"].reason

    scores = _scores(course)
    assert not set(REFUSED) & set(scores), "a refused submission must not be recorded (as 0 or otherwise)"
    expected = {s: cases[s]["expect"]["auto"] for s in REPAIRED}
    assert {s: scores.get(s) for s in [*REPAIRED, "good", "dupid-only"]} == {
        **expected, "good": kit.AUTO_MAX, "dupid-only": kit.AUTO_MAX}

    # each repair is a warning in nbgrader's log, as it is a note of spm grade-cohort
    for student, note in [("dupid", "cell q1_mrr appears more than once"),
                          ("badmeta", "the grading settings of cell q2_margin_test were edited"),
                          ("celltype", "cell q2_margin_test was changed from code to markdown"),
                          ("edittest", "locked cell q3_payback_test was edited")]:
        assert f"{student}: exercises.ipynb: {note}" in log, note
    # a file over CourseDirectory.max_file_size is not kept (spm grade-cohort does not copy it)
    assert "bigfile: removed dataset.bin: 52.4 MB is over the course's limit" in log
    assert not (course / "autograded" / "bigfile" / A / "dataset.bin").exists()


def test_a_folder_without_any_notebook_fails_with_the_reason(make_course):
    """A submission whose notebook was deleted, alone in the run: nbgrader itself would stop with "No notebooks
    were matched"; the student fails with the reason instead."""
    course = make_course()
    kit.submit(course, "missing", None)
    run = kit.nbgrader(course, "autograde", A, "--force", check=False)
    log = run.stdout + run.stderr
    assert run.returncode == 1
    assert f"Not grading missing's {A}: the submission has no exercises.ipynb. Rename" in log, log[-3000:]
    assert _scores(course) == {}
