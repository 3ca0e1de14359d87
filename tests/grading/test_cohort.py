"""``spm grade-cohort``: the table, the CSV (a failed grading is never 0), exit codes 0 / 1 / 2."""
from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

import coursekit as kit  # noqa: E402
from coursekit import course_template, make_course  # noqa: E402,F401  (pytest fixtures)

from spmcourse import cli
from spmcourse.grading import cohort  # noqa: E402
from spmcourse.grading import Outcome  # noqa: E402

A = kit.ASSIGNMENT


def spm(course: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "spmcourse.cli", "grade-cohort", *map(str, args)],
                          cwd=course, env=kit.env(), capture_output=True, text=True, timeout=600)


def read_csv(path: Path) -> dict:
    with open(path, newline="") as fh:
        return {row["student"]: row for row in csv.DictReader(fh)}


@pytest.mark.xdist_group("grading")
def test_grade_cohort_prints_a_table_writes_a_csv_and_exits_1_on_failure(make_course, tmp_path):
    course = make_course()
    kit.submit(course, "ada", kit.student_notebook(course, "right"))
    kit.submit(course, "ben", kit.student_notebook(course, "wrong"))
    kit.submit(course, "cat", "{ not json")
    out = tmp_path / "grades.csv"

    result = spm(course, A, "--jobs", "2", "--csv", out, "--no-feedback")

    assert result.returncode == 1, result.stderr
    table = result.stdout
    assert "student" in table and "status" in table and "score" in table
    lines = {line.split()[0]: line for line in table.splitlines() if line.strip()}
    assert "graded" in lines["ada"] and "6 / 8" in lines["ada"]
    assert "graded" in lines["ben"] and "0 / 8" in lines["ben"]
    assert "failed" in lines["cat"] and "- / 8" in lines["cat"] and "not valid JSON" in lines["cat"]
    assert "2 graded, 1 failed, 0 timed out" in table
    # progress lines while grading: students done and left, with an estimate of the time the rest takes
    assert "Grading 3 submission(s)" in result.stderr
    assert re.search(r"\[1/3 students\] \w+: .* · 2 left, about \d+ (s|min)", result.stderr), result.stderr
    assert "[3/3 students]" in result.stderr and "all done in" in result.stderr
    rows = read_csv(out)
    assert rows["cat"]["status"] == "failed" and rows["cat"]["score"] == "" and "JSON" in rows["cat"]["reason"]
    assert rows["cat"]["q1_mrr_test"] == ""
    assert rows["ada"]["score"] == "6" and rows["ada"]["q3_payback_test"] == "3" and rows["ada"]["w1_plan"] == ""
    assert rows["ben"]["score"] == "0" and rows["ben"]["status"] == "graded"
    # the written answer still waits for a grader: "graded" alone would say the grade is final
    assert rows["ada"]["manual_grading"] == "needed" and "written answers to grade" in lines["ada"]
    assert rows["cat"]["manual_grading"] == "" and rows["ada"]["sandboxed"] == "yes"
    assert not (course / "feedback").exists()
    details = (tmp_path / "grades.log").read_text()
    assert "=== cat: failed" in details and "=== ada" not in details

    # the student fixes the notebook; grading just that student succeeds; the default CSV lands in autograded/
    kit.submit(course, "cat", kit.student_notebook(course, "right"))
    result = spm(course, A, "--student", "cat", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = read_csv(course / "autograded" / f"{A}-grades.csv")
    assert list(rows) == ["cat"] and rows["cat"]["score"] == "6"
    assert (course / "feedback" / "cat" / A / "exercises.html").is_file()
    assert kit.leftover_processes() == []


def test_bad_arguments_exit_2_with_a_useful_message(make_course, capsys, monkeypatch):
    course = make_course()
    kit.submit(course, "ada", kit.student_notebook(course, "right"))
    monkeypatch.chdir(course)

    assert cli.main(["grade-cohort", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown assignment 'nope'" in err and "ps-fixture" in err

    assert cli.main(["grade-cohort", A, "--student", "zed"]) == 2
    err = capsys.readouterr().err
    assert "no submission of ps-fixture for zed" in err and "ada" in err

    assert cli.main(["grade-cohort", A, "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err

    assert cli.main(["grade-cohort", A, "--course-root", str(course / "source")]) == 2
    assert "not a course folder" in capsys.readouterr().err

    with pytest.raises(SystemExit) as exc:
        cli.main(["grade-cohort"])
    assert exc.value.code == 2


def _outcome(student, status, score, reason="", cells=None, warnings=()):
    return Outcome(student=student, assignment=A, status=status, reason=reason, score=score, max_score=8.0,
                   cells=cells or {}, feedback=[], timestamp="2026-01-12 10:00:00 UTC", warnings=list(warnings))


def test_table_and_csv_never_show_a_failure_as_zero(tmp_path):
    cells = {"q1": {"score": 0.0, "max": 1.0, "kind": "auto", "message": "wrong"},
             "w1": {"score": None, "max": 2.0, "kind": "manual", "message": ""}}
    outcomes = [_outcome("ada", "graded", 0.0, cells=cells, warnings=["submitted 2 min after the due date"]),
                _outcome("bob", "failed", None, "the kernel died"),
                _outcome("cy", "timed out", None, "took too long")]
    table = cohort.format_table(outcomes)
    assert "0 / 8" in table and "note: submitted 2 min after the due date" in table
    assert table.count("- / 8") == 2
    rows = read_csv(cohort.write_csv(outcomes, tmp_path / "x.csv"))
    assert rows["ada"]["score"] == "0" and rows["ada"]["q1"] == "0" and rows["ada"]["w1"] == ""
    assert rows["bob"]["score"] == "" and rows["bob"]["status"] == "failed" and rows["bob"]["reason"]
    assert rows["cy"]["score"] == "" and rows["cy"]["status"] == "timed out"
