"""``spm report``: item analysis on a synthetic class whose flagged questions are known in advance.

Ten students answer the fixture assignment (real nbgrader grading, a real SQLite gradebook) in a pattern chosen so
that: question 1 is right for everyone (too easy); question 2 is right for the five strongest students, who also
get the best manual grades on the written question (it discriminates); question 3 is right for two strong and two
weak students (its corrected item-total correlation is 0.11: it does not discriminate). An eleventh student's
notebook is not valid JSON: the report lists the failed grading and leaves it out of the statistics.
The PostgreSQL gradebook is covered in tests/test_postgres.py.
"""
from __future__ import annotations

import base64
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import coursekit as kit  # noqa: E402
from coursekit import course_template, make_course  # noqa: E402,F401  (pytest fixtures)

from spmcourse.grading import report  # noqa: E402

A = kit.ASSIGNMENT
STUDENTS = [f"s{i:02d}" for i in range(1, 11)]
Q2_RIGHT = set(STUDENTS[:5])
Q3_RIGHT = {"s01", "s02", "s06", "s07"}
W1 = dict(zip(STUDENTS, [2, 2, 2, 2, 1, 1, 0, 0, 0, 0]))


def test_corrected_item_total_correlation_leaves_the_item_out():
    item = [1, 1, 1, 0, 0, 0]
    rest = [5, 4, 1, 3, 2, 0]
    assert report.corrected_item_total(item, rest) == pytest.approx(statistics.correlation(item, rest))
    assert report.corrected_item_total([1] * 6, rest) is None       # the item does not vary
    assert report.corrected_item_total(item[:4], rest[:4]) is None  # too few students
    q = report.Question("q", "nb", 1.0, "auto", scores={"a": 1.0, "b": 1.0, "c": 0.0, "d": 0.0, "e": 1.0})
    r = report.Question("r", "nb", 2.0, "auto", scores={"a": 2.0, "b": 0.0, "c": 2.0, "d": 0.0, "e": 2.0})
    totals = report.analyse([q, r], list("abcde"))
    assert totals == {"a": 3.0, "b": 1.0, "c": 2.0, "d": 0.0, "e": 3.0}
    # q against r only (its own score is not in the "rest")
    assert q.discrimination == pytest.approx(statistics.correlation([1, 1, 0, 0, 1], [2, 0, 2, 0, 2]))
    assert q.difficulty == pytest.approx(0.6) and r.difficulty == pytest.approx(0.6)


@pytest.mark.xdist_group("grading")
def test_report_flags_the_questions_known_to_need_revision(make_course, tmp_path):
    from spmcourse import grading

    course = make_course()
    for s in STUDENTS:
        answers = {"q1_mrr": "right", "q2_margin": "right" if s in Q2_RIGHT else "wrong",
                   "q3_payback": "right" if s in Q3_RIGHT else "wrong"}
        kit.submit(course, s, kit.student_notebook(course, answers))
    kit.submit(course, "zed", "{ not json")
    outcomes = {o.student: o for o in grading.grade_submissions(course, A, jobs=2, feedback=False)}
    assert outcomes["zed"].status == "failed" and all(outcomes[s].ok for s in STUDENTS)
    with grading.open_gradebook(course) as gb:  # the instructor's manual grades for the written question
        for s, points in W1.items():
            grade = gb.find_grade("w1_plan", "exercises", A, s)
            grade.manual_score = float(points)
            grade.needs_manual_grade = False
        gb.db.commit()
    # the course's recorded mistake for question 2, as tests/mistakes/<assignment>.yml holds them
    (course / "tests" / "mistakes").mkdir(parents=True)
    (course / "tests" / "mistakes" / f"{A}.yml").write_text(
        "q2_margin_test:\n- mistake: divides by the cost\n  message: divided by the cost\n")

    result = subprocess.run([sys.executable, "-m", "spmcourse.cli", "report", A], cwd=course, env=kit.env(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "10 students, 1 failed gradings; flagged: q1_mrr_test, q3_payback_test." in result.stdout

    rep = report.build(course, A)
    q = {x.name: x for x in rep.questions}
    assert set(q) == {"q1_mrr_test", "q2_margin_test", "q3_payback_test", "w1_plan"}
    assert q["q1_mrr_test"].difficulty == 1.0 and q["q1_mrr_test"].flags == ["too easy (difficulty above 0.95)"]
    assert q["q1_mrr_test"].discrimination is None  # a score nobody misses correlates with nothing
    assert q["q2_margin_test"].difficulty == pytest.approx(0.5) and q["q2_margin_test"].flags == []
    assert q["q2_margin_test"].discrimination == pytest.approx(0.424, abs=0.001)
    assert q["q3_payback_test"].discrimination == pytest.approx(0.111, abs=0.001)
    assert q["q3_payback_test"].flags == ["does not discriminate (below 0.2)"]
    assert q["w1_plan"].kind == "manual" and q["w1_plan"].flags == [] and q["w1_plan"].n == 10
    assert rep.totals["s01"] == 8.0 and rep.totals["s10"] == 1.0 and "zed" not in rep.totals
    assert rep.failed == {"zed": ("failed", outcomes["zed"].reason)}
    # failure messages, read from the autograded notebooks; question 2's is named by the recorded mistake
    assert q["q2_margin_test"].messages == {
        "divides by the cost — growth_margin: is divided by the cost instead of the price.": 5}
    assert sum(q["q3_payback_test"].messages.values()) == 6
    assert q["q1_mrr_test"].messages == {}

    page = (course / "autograded" / f"{A}-report.html").read_text()
    assert "corrected item-total correlation" in page and "zed" in page and "not valid JSON" in page
    assert re.search(r"<td>q3_payback_test</td><td>does not discriminate", page)
    png = re.search(r"src='data:image/png;base64,([^']+)'", page).group(1)
    assert base64.b64decode(png).startswith(b"\x89PNG")
    assert "http://" not in page and "https://" not in page  # self-contained
    nb = nbformat.read(course / "autograded" / f"{A}-report.ipynb", as_version=4)
    nbformat.validate(nb)
    text = json.dumps(nb)
    assert "scores.png" in nb.cells[0].attachments and "does not discriminate" in text and "zed" in text


def test_report_refuses_an_unknown_assignment_or_an_ungraded_one(make_course, capsys, monkeypatch):
    from spmcourse import cli

    course = make_course()
    monkeypatch.chdir(course)
    assert cli.main(["report", "nope"]) == 2
    assert "unknown assignment 'nope'" in capsys.readouterr().err
    assert cli.main(["report", A]) == 2
    assert "grade first with `spm grade-cohort ps-fixture`" in capsys.readouterr().err
