"""Where to review (spmcourse/learner/review.py) on the progress page: the weakest sub-areas from grades and quiz answers."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from spmcourse.learner import progress, quiz, review, selfgrade

FIXTURE = Path(__file__).parent.parent / "fixtures" / "questions"
LESSON = "05-business-case-and-pricing"


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """A course folder with the curriculum and the small fixture bank (module 05's three questions)."""
    monkeypatch.delenv("SPM_WORKSPACE", raising=False)
    shutil.copy(ROOT / "curriculum.yml", tmp_path / "curriculum.yml")
    shutil.copytree(FIXTURE, tmp_path / "spmcourse" / "questions")
    return tmp_path


def _attempt(assignment: str, cells: dict) -> selfgrade.Attempt:
    return selfgrade.Attempt(assignment, "graded", "", "2026-12-04T12:00:00+00:00", 1.0, 5.0, 1.0, 5.0, 0.0,
                             cells=cells)


def test_nothing_done_means_nothing_to_review(root):
    assert review.weakest(root) == [] and review.markdown(root) == ""


def test_weakest_sub_areas_from_quiz_answers_and_grades_with_sections(root):
    quiz.record("05-01", {"A"}, False, root)   # Financial Management: wrong
    quiz.record("05-02", {"A", "C"}, True, root)  # Pricing: right
    quiz.record("05-03", {"A"}, False, root)   # Pricing: wrong
    # the module 05 assignment: the NPV (Financial Management) right, the price question (Pricing) wrong
    selfgrade.record(_attempt(LESSON, {"q1_npv_test": {"kind": "auto", "score": 3.0, "max": 3.0},
                                       "q6_elasticity_test": {"kind": "auto", "score": 0.0, "max": 2.0}}), root)
    weak = review.weakest(root)
    areas = {w.sub_area: (w.got, w.of) for w in weak}
    assert areas == {"Pricing": (1.0, 4.0), "Financial Management": (3.0, 4.0)}  # quiz 1 point, cells their points
    assert weak[0].sub_area == "Pricing"
    assert weak[0].sections[0] == (LESSON, "What are customers willing to pay? The Van Westendorp meter")  # wrong first
    text = review.markdown(root, prefix="notebooks/")
    assert ("[How much is the plan worth today?](notebooks/05-business-case-and-pricing.ipynb"
            "#How-much-is-the-plan-worth-today?)") in text
    rows = progress.module_progress(root)
    assert "Where to review" in progress.text_report(rows, text)
    # the progress page (in notebooks/) links the lessons beside it; the browser test clicks such a link
    assert "(05-business-case-and-pricing.ipynb#What-are-customers-willing-to-pay?-The-Van-Westendorp-meter)" \
        in review.markdown(root)


def test_progress_lists_the_practice_exam_after_its_module(root):
    rows = progress.module_progress(root)
    keys = [p.key for p in rows]
    assert keys[-2:] == ["12-capstone", "12-practice-exam"]
    exam_row = rows[-1]
    assert exam_row.title == "Practice exam" and exam_row.status == progress.NOT_STARTED
