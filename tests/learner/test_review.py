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


def _later_module_question(root: Path) -> None:
    """A Pricing question of module 11 in the bank: a lesson the learner in these tests has not worked on."""
    text = (FIXTURE / f"{LESSON}.yml").read_text()
    text = text.replace('module: "05"', 'module: "11"').replace('id: "05-', 'id: "11-')
    (root / "spmcourse" / "questions" / "11-orchestrating-services-and-support.yml").write_text(text)


def test_questions_not_answered_yet_are_no_weakness(root):
    # graded after answering only the price question (wrong): the NPV question is still as released
    selfgrade.record(_attempt(LESSON, {
        "q1_npv_test": {"kind": "auto", "score": 0.0, "max": 3.0, "unanswered": True},
        "q6_elasticity_test": {"kind": "auto", "score": 0.0, "max": 2.0}}), root)
    assert {w.sub_area: (w.got, w.of) for w in review.weakest(root)} == {"Pricing": (0.0, 2.0)}


def test_sections_only_in_lessons_the_learner_worked_on(root):
    _later_module_question(root)
    quiz.record("05-03", {"A"}, False, root)   # Pricing: wrong
    weak = review.weakest(root, per_area=5)
    assert [(w.sub_area, w.sections) for w in weak] == [
        ("Pricing", [(LESSON, "What are customers willing to pay? The Van Westendorp meter")])]
    # points lost on the module's assignment: that lesson's Pricing sections, still none of module 11
    selfgrade.record(_attempt(LESSON, {"q6_elasticity_test": {"kind": "auto", "score": 0.0, "max": 2.0}}), root)
    sections = review.weakest(root, per_area=5)[0].sections
    assert sections[0] == (LESSON, "What are customers willing to pay? The Van Westendorp meter")
    assert {k for k, _ in sections} == {LESSON} and len(sections) == 2


def test_the_terminal_gets_plain_text(root):
    quiz.record("05-03", {"A"}, False, root)
    text = review.text(root)
    assert text == ("Where to review (your weakest sub-areas, from your grades and quiz answers):\n"
                    "- Pricing (0 of 1 points, 0%): revisit\n"
                    '    "What are customers willing to pay? The Van Westendorp meter" in '
                    "notebooks/05-business-case-and-pricing.ipynb")
    assert "**" not in text and "](" not in text


def test_progress_lists_the_practice_exam_after_its_module(root):
    rows = progress.module_progress(root)
    keys = [p.key for p in rows]
    assert keys[-2:] == ["12-capstone", "12-practice-exam"]
    exam_row = rows[-1]
    assert exam_row.title == "Practice exam" and exam_row.status == progress.NOT_STARTED
