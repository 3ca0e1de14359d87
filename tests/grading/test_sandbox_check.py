"""Grading checks the sandbox before it starts (docs/sandbox.md, "Where the sandbox cannot start"): `spm
grade-cohort` stops with the fix where bubblewrap cannot run, unless opted out; `spm grade` (a learner grading
their own code) grades without the sandbox there and says so; every result says whether it was sandboxed (the
status file, both CSVs, the learner's attempt history).

Bubblewrap is made unavailable the way a machine lacks it: a PATH without it.
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import coursekit as kit  # noqa: E402
from coursekit import course_template, make_course  # noqa: E402,F401  (pytest fixtures)
from coursekit import LEARNER_ASSIGNMENT, LEARNER_NOTEBOOK as NOTEBOOK, RIGHT, answer  # noqa: E402
from coursekit import course, learner_template  # noqa: E402,F401  (pytest fixtures)

from spmcourse import cli, grading  # noqa: E402
from spmcourse.grading import sandbox  # noqa: E402
from spmcourse.learner import selfgrade, workspace  # noqa: E402

A = kit.ASSIGNMENT
#: The environment's tools and nothing else: no bwrap.
NO_BWRAP_PATH = str(Path(sys.executable).parent)
FIX = ("apt-get install bubblewrap", "SPM_UNSANDBOXED=1")

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")


def without_bwrap(**extra) -> dict:
    env = kit.env(**extra)
    env["PATH"] = NO_BWRAP_PATH
    for name in (sandbox.BWRAP_ENV, *(() if sandbox.OPT_OUT_ENV in extra else (sandbox.OPT_OUT_ENV,))):
        env.pop(name, None)
    return env


def grade_cohort(course: Path, *args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "spmcourse.cli", "grade-cohort", A, "--no-feedback", *args],
                          cwd=course, env=env, capture_output=True, text=True, timeout=600)


def read_csv(path: Path, key: str) -> dict:
    with open(path, newline="") as fh:
        return {row[key]: row for row in csv.DictReader(fh)}


@pytest.mark.xdist_group("grading")
def test_grade_cohort_stops_with_the_fix_when_bubblewrap_is_missing(make_course):
    course = make_course()
    kit.submit(course, "ada", kit.student_notebook(course, "right"))
    assert shutil.which("bwrap", path=NO_BWRAP_PATH) is None

    stopped = grade_cohort(course, env=without_bwrap())
    assert stopped.returncode == 2, stopped.stdout + stopped.stderr
    for hint in FIX:
        assert hint in stopped.stderr, stopped.stderr[-3000:]
    # stopped before any submission was touched: nothing graded, recorded or written
    assert not (course / "autograded").exists()
    assert grading.read_status(course) == {}


@pytest.mark.xdist_group("grading")
def test_opting_out_grades_and_every_result_says_it_was_not_sandboxed(make_course, tmp_path):
    course = make_course()
    kit.submit(course, "ada", kit.student_notebook(course, "right"))
    kit.submit(course, "cat", "{ not json")
    out = tmp_path / "grades.csv"

    done = grade_cohort(course, "--unsandboxed", "--csv", out, env=without_bwrap())
    assert done.returncode == 1, done.stdout + done.stderr  # cat failed; ada was graded
    assert "WITHOUT the sandbox" in done.stdout
    rows = read_csv(out, "student")
    assert (rows["ada"]["status"], rows["ada"]["sandboxed"]) == ("graded", "no")
    assert (rows["cat"]["status"], rows["cat"]["sandboxed"]) == ("failed", "no")
    status = grading.read_status(course)[A]
    assert {s: r["sandboxed"] for s, r in status.items()} == {"ada": False, "cat": False}

    export = tmp_path / "export.csv"  # nbgrader's own export, with the course's status columns
    kit.nbgrader(course, "export", f"--to={export}", "--exporter=spmcourse.grading.StatusCsvExport")
    assert read_csv(export, "student_id")["ada"]["sandboxed"] == "no"


@needs_bwrap
@pytest.mark.xdist_group("grading")
def test_a_sandboxed_grading_is_recorded_as_sandboxed(make_course):
    course = make_course()
    kit.submit(course, "ada", kit.student_notebook(course, "right"))
    [outcome] = grading.grade_submissions(course, A, jobs=1, feedback=False)
    assert outcome.ok and outcome.sandboxed is True
    assert grading.read_status(course)[A]["ada"]["sandboxed"] is True


def test_spm_grade_grades_without_the_sandbox_where_bubblewrap_is_missing(course, monkeypatch, capsys):
    """A learner grades their own code, which already ran in their own kernel: without bubblewrap (macOS, Linux
    without it) `spm grade` grades all the same, says so in one line and records it; grade-cohort stays strict."""
    workspace.start(LEARNER_ASSIGNMENT, course)
    answer(course / "work" / LEARNER_ASSIGNMENT / NOTEBOOK, RIGHT)
    monkeypatch.setenv("PATH", NO_BWRAP_PATH)
    monkeypatch.delenv(sandbox.BWRAP_ENV, raising=False)
    monkeypatch.delenv(sandbox.OPT_OUT_ENV, raising=False)
    monkeypatch.setattr(selfgrade, "COURSE_ROOT", course)

    assert cli.main(["grade", LEARNER_ASSIGNMENT]) == 0
    out = capsys.readouterr().out
    assert "5 of 5 points" in out and "Graded without the sandbox (bubblewrap is not available here" in out, out
    assert "apt-get" not in out and "sysctl" not in out  # no installation advice for the learner
    [attempt] = selfgrade.load_history(course)[LEARNER_ASSIGNMENT]
    assert attempt.graded and attempt.sandboxed is False
    assert sandbox.OPT_OUT_ENV not in os.environ  # the choice was for that grading only

    monkeypatch.setenv(sandbox.OPT_OUT_ENV, "1")  # the explicit opt-out is recorded the same way
    answer(course / "work" / LEARNER_ASSIGNMENT / NOTEBOOK, {"q1_total": "total = 0"})
    attempt = selfgrade.grade(LEARNER_ASSIGNMENT, course)
    assert attempt.graded and attempt.sandboxed is False
    assert [a.sandboxed for a in selfgrade.load_history(course)[LEARNER_ASSIGNMENT]] == [False, False]


@needs_bwrap
def test_spm_grade_uses_the_sandbox_where_it_starts(course, monkeypatch):
    monkeypatch.delenv(sandbox.OPT_OUT_ENV, raising=False)
    workspace.start(LEARNER_ASSIGNMENT, course)
    answer(course / "work" / LEARNER_ASSIGNMENT / NOTEBOOK, RIGHT)
    attempt = selfgrade.grade(LEARNER_ASSIGNMENT, course)
    assert attempt.graded and attempt.sandboxed is True
    assert "without the sandbox" not in selfgrade.report(attempt, course)
