"""Canvas and Moodle grade import files, through ``nbgrader export --exporter=spmcourse.grading.lms....``.

A real gradebook after real grading: ada (right, written answer graded: 8), ben (all wrong, written answer graded
0: a real 0), cat (notebook not valid JSON: her grading failed), dan (right, written answer not graded yet), eve
(on the roster, no submission). Only ada's and ben's grades are final; every other cell must be empty, never 0.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

import coursekit as kit  # noqa: E402
from coursekit import course_template, make_course  # noqa: E402,F401  (pytest fixtures)

A = kit.ASSIGNMENT


@pytest.fixture
def graded_course(make_course):
    from spmcourse import grading

    course = make_course()
    kit.nbgrader(course, "db", "student", "add", "ada", "--first-name=Ada", "--last-name=Lovelace",
                 "--email=ada@example.org")
    kit.nbgrader(course, "db", "student", "add", "eve", "--first-name=Eve", "--last-name=Noether")
    kit.submit(course, "ada", kit.student_notebook(course, "right"))
    kit.submit(course, "ben", kit.student_notebook(course, "wrong"))
    kit.submit(course, "cat", "{ not json")
    kit.submit(course, "dan", kit.student_notebook(course, "right"))
    outcomes = {o.student: o for o in grading.grade_submissions(course, A, jobs=2, feedback=False)}
    assert outcomes["cat"].status == "failed" and outcomes["ben"].score == 0.0
    with grading.open_gradebook(course) as gb:
        for student, points in (("ada", 2.0), ("ben", 0.0)):
            grade = gb.find_grade("w1_plan", "exercises", A, student)
            grade.manual_score = points
            grade.needs_manual_grade = False
        gb.db.commit()
    return course


def read(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.mark.xdist_group("grading")
def test_canvas_and_moodle_files_leave_failed_gradings_empty(graded_course, tmp_path):
    course = graded_course
    out = tmp_path / "canvas.csv"
    result = kit.nbgrader(course, "export", "--exporter=spmcourse.grading.lms.CanvasExport", f"--to={out}",
                          f'--CanvasExport.assignment_ids={{"{A}": 4711}}')
    assert "cat, ps-fixture: grading failed" in result.stderr
    assert "dan, ps-fixture: written answers still wait for a manual grade" in result.stderr
    rows = read(out)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{A} (4711)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "8"]
    by_login = {r[3]: r for r in rows[2:]}
    assert set(by_login) == {"ada", "ben", "cat", "dan", "eve"}
    assert by_login["ada"] == ["Lovelace, Ada", "", "", "ada", "", "8"]
    assert by_login["ben"][5] == "0"           # a real zero stays a zero
    assert by_login["cat"][5] == ""            # failed grading: no grade, never 0
    assert by_login["dan"][5] == ""            # written answer not graded yet
    assert by_login["eve"][0] == "Noether, Eve" and by_login["eve"][5] == ""  # no submission

    out = tmp_path / "canvas-sis.csv"
    kit.nbgrader(course, "export", "--exporter=spmcourse.grading.lms.CanvasExport", f"--to={out}",
                 "--CanvasExport.id_column=SIS User ID", "--student=ada")
    assert read(out)[2] == ["Lovelace, Ada", "", "ada", "", "", "8"] and len(read(out)) == 3

    out = tmp_path / "moodle.csv"
    kit.nbgrader(course, "export", "--exporter=spmcourse.grading.lms.MoodleExport", f"--to={out}")
    rows = read(out)
    assert rows[0] == ["First name", "Last name", "ID number", A]
    grades = {r[2]: r[3] for r in rows[1:]}
    assert grades == {"ada": "8", "ben": "0", "cat": "", "dan": "", "eve": ""}

    out = tmp_path / "moodle-email.csv"
    result = kit.nbgrader(course, "export", "--exporter=spmcourse.grading.lms.MoodleExport", f"--to={out}",
                          "--MoodleExport.identifier=email")
    rows = read(out)
    assert rows == [["First name", "Last name", "Email address", A], ["Ada", "Lovelace", "ada@example.org", "8"]]
    assert "ben has no Email address in the gradebook: left out" in result.stderr
