"""A class under load (tests/loadtest.py): 20 students fetch and submit through a real exchange concurrently,
some resubmit, some after the due date; one ``nbgrader collect``; cohort grading. Every latest submission must be
collected exactly once, byte for byte, late flags right, every student graded with the expected score.
``make bench`` runs the same with 300 students (``--load-class``).
"""
from __future__ import annotations

import time

import pytest

import loadtest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading")]


def test_the_plan_has_resubmissions_and_late_students():
    attempts = loadtest.plan(20)
    assert len(attempts) == 20
    assert [s for s, t in attempts.items() if len(t) > 1] == ["s0000", "s0007", "s0011", "s0014"]
    assert sorted(s for s, t in attempts.items() if t[-1][0] == 2) == ["s0000", "s0005", "s0011", "s0018"]


def test_a_class_under_load_loses_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SPM_EXCHANGE", str(tmp_path / "exchange"))  # restored after the test
    monkeypatch.delenv("SPM_GRADEBOOK_URL", raising=False)
    result = loadtest.simulate(tmp_path, 20, workers=8, grade_jobs=2)
    assert loadtest.check(result) == []
    info = loadtest.summary(result)
    assert info | {"burst1_s": 0, "burst2_s": 0, "collect_s": 0, "grade_s": 0} == {
        "students": 20, "submissions": 25, "resubmitted": 4, "late": 4, "graded": 20,
        "burst1_s": 0, "burst2_s": 0, "collect_s": 0, "grade_s": 0}

    # the check sees what would go wrong: a truncated notebook, a lost student, an older attempt collected
    course, a = result.course, "ps-fixture"
    notebook = course / "submitted" / "s0001" / a / "exercises.ipynb"
    notebook.write_bytes(notebook.read_bytes()[:-100])
    lost = course / "submitted" / "s0002"
    for p in sorted(lost.rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() else p.unlink()
    lost.rmdir()
    result.latest["s0003"] = {**result.latest["s0003"], "burst": 2, "timestamp": time.strftime("%Y")}
    problems = loadtest.check(result)
    assert any(p.startswith("s0001: the collected notebook is not the latest") for p in problems)
    assert any("missing ['s0002']" in p for p in problems)
    assert any(p.startswith("s0003: collected timestamp") for p in problems)
    assert any(p.startswith("s0003: late flag False") for p in problems)
