"""The grading core (spmcourse/grading/) with real nbgrader, real kernels and a real gradebook.

Every test builds its own course in tmp_path from tests/fixtures/course (see its coursekit.py).
"""
from __future__ import annotations

import csv
import dataclasses
import inspect
import json
from pathlib import Path

import nbformat
import pytest

import coursekit as kit  # noqa: E402
from coursekit import course_template, make_course  # noqa: E402,F401  (pytest fixtures)

from nbgrader.api import Grade, Gradebook, MissingEntry  # noqa: E402

from spmcourse import grading  # noqa: E402
from spmcourse.grading import protocol  # noqa: E402
from spmcourse.grading.cellmeta import CellMeta, cell_meta, nbgrader_metadata  # noqa: E402
from spmcourse.grading.protocol import WorkerSpec  # noqa: E402
from spmcourse.grading.worker import Worker  # noqa: E402
from spmcourse.errors import CourseError  # noqa: E402

A = kit.ASSIGNMENT
MIXED = {"q1_mrr": "right", "q2_margin": "wrong", "q3_payback": "right"}
COHORT = {
    "ada": "right",
    "ben": "wrong",
    "cy": "blank",
    "dee": MIXED,
    "eve": {"q1_mrr": "wrong", "q2_margin": "right", "q3_payback": "right"},
}


def submit_cohort(course: Path, cohort: dict = COHORT) -> None:
    for student, answers in cohort.items():
        kit.submit(course, student, kit.student_notebook(course, answers))


def gradebook_state(course: Path) -> dict:
    """student -> {"total": score, grade_id: (auto_score, manual_score, needs_manual_grade)}."""
    state = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "spm-course") as gb:
        for sub in gb.find_assignment(A).submissions:
            row = {"total": sub.score}
            for nb in sub.notebooks:
                for g in nb.grades:
                    row[g.name] = (g.auto_score, g.manual_score, g.needs_manual_grade)
            state[sub.student.id] = row
    return state


def test_outcome_matches_the_contract():
    names = [f.name for f in dataclasses.fields(grading.Outcome)]
    assert names[:9] == ["student", "assignment", "status", "reason", "score", "max_score", "cells", "feedback",
                         "timestamp"]
    params = inspect.signature(grading.grade_submissions).parameters
    assert list(params)[:3] == ["course_root", "assignment", "students"]
    for name in ("jobs", "feedback", "timeout"):
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY


def test_status_values_are_the_strings_in_status_files_and_csvs():
    """Files written before the enum, and readers that compare with plain strings, keep working."""
    assert [s.value for s in grading.Status] == ["graded", "failed", "timed out"]
    assert grading.TIMED_OUT == "timed out" and f"{grading.TIMED_OUT}" == "timed out"
    assert json.dumps({"status": grading.FAILED}) == '{"status": "failed"}'
    reply = protocol.decode(protocol.GradeReply, protocol.encode(protocol.GradeReply("ada", status=grading.TIMED_OUT)))
    assert reply.status is grading.TIMED_OUT and reply.student == "ada"


def test_cell_metadata_is_read_the_same_from_nodes_dicts_and_damaged_cells():
    graded = {"cell_type": "code", "source": "", "metadata": {"nbgrader": {
        "grade": True, "solution": False, "locked": True, "points": 2, "grade_id": "q1_test"}}}
    meta = cell_meta(nbformat.from_dict(graded))
    assert meta == cell_meta(graded) == CellMeta(grade=True, locked=True, points=2.0, grade_id="q1_test")
    assert meta.graded and not CellMeta(solution=True).graded
    for damaged in ({"metadata": {"nbgrader": ["grade"]}}, {"metadata": "x"}, {}, {"metadata": {"nbgrader": {
            "grade": True, "points": "many"}}}):
        assert cell_meta(damaged).grade_id == "" and cell_meta(damaged).points == 0.0
    assert nbgrader_metadata({"metadata": {"nbgrader": ["grade"]}}) == {}


@pytest.mark.xdist_group("grading")
def test_parallel_grading_equals_sequential_nbgrader_autograde(make_course):
    sequential, parallel = make_course("sequential"), make_course("parallel")
    submit_cohort(sequential)
    submit_cohort(parallel)

    kit.nbgrader(sequential, "autograde", A, "--force")
    outcomes = grading.grade_submissions(parallel, A, jobs=2, feedback=True)

    assert gradebook_state(parallel) == gradebook_state(sequential)
    by = {o.student: o for o in outcomes}
    assert list(by) == sorted(COHORT)
    for student, answers in COHORT.items():
        o = by[student]
        assert o.status == "graded" and o.reason == "", o
        assert o.score == kit.expected_auto_score(answers)
        assert o.max_score == kit.MAX_SCORE
        assert o.timestamp.startswith("2026-01-12 10:00:00")
        assert set(o.cells) == {*kit.POINTS, kit.TASK[0]}
        assert o.cells[kit.TASK[0]] == {"score": None, "max": 2.0, "kind": "manual", "message": ""}
        for grade_id, points in kit.POINTS.items():
            assert o.cells[grade_id]["kind"] == "auto" and o.cells[grade_id]["max"] == points
        # the autograded notebook is in place and the feedback was generated from the real gradebook
        assert (parallel / "autograded" / student / A / "exercises.ipynb").is_file()
        assert o.feedback == [str(parallel / "feedback" / student / A / "exercises.html")]
        html = Path(o.feedback[0]).read_text()
        assert f"{o.score:g}" in html and "q1_mrr_test" in html

    # the test cells' own failure messages reach the learner (spmcourse.checks makes them informative)
    ben = by["ben"].cells
    assert ben["q1_mrr_test"]["message"] == "mrr: counts only the Growth plan; sum over all three plans."
    assert ben["q2_margin_test"]["message"] == "growth_margin: is divided by the cost instead of the price."
    assert "round up" in ben["q3_payback_test"]["message"]
    assert by["cy"].cells["q1_mrr_test"]["message"] == "NameError: name 'mrr' is not defined"
    assert all(c["message"] == "" for c in by["ada"].cells.values())
    assert kit.leftover_processes() == []


@pytest.mark.xdist_group("grading")
def test_regrading_is_idempotent_and_keeps_manual_grades(make_course):
    course = make_course()
    submit_cohort(course, {"ada": "right", "ben": "wrong"})
    first = {o.student: o for o in grading.grade_submissions(course, A, jobs=2, feedback=False)}
    assert first["ada"].score == 6 and first["ben"].score == 0

    # a grader marks the written answer and overrides an autograded cell, as in the formgrader
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "spm-course") as gb:
        gb.find_grade("w1_plan", "exercises", A, "ada").manual_score = 1.5
        override = gb.find_grade("q2_margin_test", "exercises", A, "ben")
        override.manual_score = 1.0
        gb.find_comment("w1_plan", "exercises", A, "ada").manual_comment = "Good argument, no numbers."
        gb.db.commit()
    before = gradebook_state(course)

    again = {o.student: o for o in grading.grade_submissions(course, A, jobs=2, feedback=True)}
    after = gradebook_state(course)
    assert after["ada"]["w1_plan"][1] == 1.5
    assert after["ben"]["q2_margin_test"][:2] == (0.0, 1.0)
    # nbgrader flags an overridden autograded cell for review again when it regrades: the rest is unchanged
    assert after["ben"]["q2_margin_test"][2] is True
    before["ben"]["q2_margin_test"] = (*before["ben"]["q2_margin_test"][:2], True)
    assert after == before
    assert again["ada"].score == 7.5 and again["ada"].cells["w1_plan"]["score"] == 1.5
    assert again["ben"].score == 1.0
    assert "Good argument" in Path(again["ada"].feedback[0]).read_text()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "spm-course") as gb:
        assert len(gb.find_assignment(A).submissions) == 2
        assert gb.db.query(Grade).count() == 2 * 4


@pytest.mark.xdist_group("grading")
def test_wall_time_limit_kills_everything_and_others_are_graded(make_course):
    course = make_course(cell_timeout=30)
    slow = "import time\ntime.sleep(9)\n"
    kit.submit(course, "slow", kit.student_notebook(course, {
        "q1_mrr": slow + kit.ANSWERS["q1_mrr"]["right"],
        "q2_margin": slow + kit.ANSWERS["q2_margin"]["right"],
        "q3_payback": slow + kit.ANSWERS["q3_payback"]["right"]}))
    kit.submit(course, "spawner", kit.student_notebook(course, {
        "q1_mrr": "import subprocess\n_bg = subprocess.Popen(['sleep', '300'])\n" + kit.ANSWERS["q1_mrr"]["right"],
        "q2_margin": "right", "q3_payback": "right"}))
    kit.submit(course, "ok", kit.student_notebook(course, "right"))

    outcomes = {o.student: o for o in grading.grade_submissions(course, A, jobs=2, feedback=False, timeout=15)}

    assert outcomes["slow"].status == "timed out"
    assert outcomes["slow"].score is None and "15 s" in outcomes["slow"].reason
    assert outcomes["spawner"].status == "graded" and outcomes["spawner"].score == 6
    assert outcomes["ok"].status == "graded" and outcomes["ok"].score == 6
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "spm-course") as gb:
        with pytest.raises(MissingEntry):
            gb.find_submission(A, "slow")  # nothing half-written
    assert not (course / "autograded" / "slow").exists()
    assert kit.leftover_processes() == []  # the killed worker's kernel and the student's `sleep 300` are gone


@pytest.mark.xdist_group("grading")
def test_a_failed_grading_is_never_a_zero(make_course, tmp_path):
    course = make_course()
    kit.nbgrader(course, "db", "student", "add", "broken", "--first-name=Bo", "--last-name=Roken")
    kit.submit(course, "ok", kit.student_notebook(course, "right"))
    kit.submit(course, "broken", "{ this is not a notebook")

    outcomes = {o.student: o for o in grading.grade_submissions(course, A, jobs=2, feedback=False)}

    broken = outcomes["broken"]
    assert broken.status == "failed" and broken.score is None and broken.cells == {}
    assert "not valid JSON" in broken.reason and "grade again" in broken.reason
    assert outcomes["ok"].score == 6
    status = grading.read_status(course)[A]
    assert status["broken"]["status"] == "failed" and status["ok"]["status"] == "graded"

    # nbgrader's own export cannot tell: it shows 0.0 for the student whose grading failed ...
    plain = tmp_path / "plain.csv"
    kit.nbgrader(course, "export", f"--to={plain}")
    rows = {r["student_id"]: r for r in csv.DictReader(plain.open())}
    assert rows["broken"]["score"] == "0.0"
    # ... the course's exporter marks it failed, with the reason and no score
    marked = tmp_path / "marked.csv"
    kit.nbgrader(course, "export", f"--to={marked}", "--exporter=spmcourse.grading.StatusCsvExport")
    rows = {r["student_id"]: r for r in csv.DictReader(marked.open())}
    assert rows["broken"]["grading_status"] == "failed" and rows["broken"]["score"] == ""
    assert "JSON" in rows["broken"]["grading_reason"]
    assert rows["ok"]["grading_status"] == "graded" and rows["ok"]["score"] == "6.0"
    assert rows["ok"]["manual_grading"] == "needed" and rows["broken"]["manual_grading"] == ""


def test_unknown_assignment_and_empty_cohort_are_clear_errors(make_course):
    course = make_course()
    with pytest.raises(CourseError, match=r"unknown assignment 'nope'.*ps-fixture"):
        grading.grade_submissions(course, "nope")
    with pytest.raises(CourseError, match="no submissions of ps-fixture.*nbgrader collect"):
        grading.grade_submissions(course, A)
    with pytest.raises(CourseError, match="not a course folder"):
        grading.grade_submissions(course / "source", A)
    assert kit.leftover_processes() == []


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
def test_snapshot_copies_the_assignment_not_the_submissions(make_course, tmp_path):
    course = make_course()
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url, "spm-course") as gb:
        gb.add_student("zoe")
        gb.add_submission(A, "zoe")
    snap = grading.snapshot_gradebook(url, tmp_path / "snap.db")
    with Gradebook(snap, "spm-course") as gb:
        assignment = gb.find_assignment(A)
        assert [nb.name for nb in assignment.notebooks] == ["exercises"]
        assert assignment.max_score == kit.MAX_SCORE
        assert gb.find_student("zoe").id == "zoe"
        assert assignment.submissions == []


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
def test_a_worker_leaves_the_previous_students_output_for_the_parent(make_course, tmp_path):
    """The parent copies a student's autograded folder while the worker already grades the next student."""
    course = make_course()
    submit_cohort(course, {"ada": "right", "ben": "wrong"})
    snapshot = tmp_path / "snap.db"
    grading.snapshot_gradebook(f"sqlite:///{course / 'gradebook.db'}", snapshot)
    worker = Worker(WorkerSpec(course_root=str(course), assignment=A, home=str(tmp_path / "w"),
                               snapshot=str(snapshot)))
    first = worker.grade("ada")
    second = worker.grade("ben")
    assert first.ok and second.ok
    assert (Path(first.autograded) / "exercises.ipynb").is_file()  # still there for the parent to take
    assert second.messages["exercises/q1_mrr_test"].startswith("mrr: counts only the Growth plan")
    assert kit.leftover_processes() == []
