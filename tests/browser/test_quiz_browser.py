"""A lesson quiz in a real JupyterLab and browser: one question answered right, one wrong, the score, the answers
kept in the learner's workspace. The quiz shows the small fixture bank (tests/fixtures/questions/), so that what
is right is known whatever the course's bank holds."""
from __future__ import annotations

import json

import pytest

from spmcourse.authoring.notebooks import code, new_notebook, write

from .test_learner_journey import ACTIVE, run_all, wait_kernel_idle

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_quiz_answered_right_and_wrong(lab, page):
    root = lab.course.root
    write(new_notebook([code("from pathlib import Path\nfrom spmcourse.learner.quiz import build_quiz\n\n"
                             "build_quiz('05', bank=Path('../tests/fixtures/questions'))")]),
          root / "notebooks" / "quiz-check.ipynb")
    lab.open(page, "notebooks/quiz-check.ipynb")
    wait_kernel_idle(page, "quiz-check.ipynb")
    state = run_all(page)
    assert state["errors"] == [] and state["stderr"] == [], state
    first = page.locator(f"{ACTIVE} .spm-quiz-05-01")
    first.get_by_text("B. 0", exact=True).click()  # a radio button
    first.get_by_role("button", name="Check").click()
    first.locator(".spm-quiz-feedback", has_text="Right.").wait_for()
    assert "110 / 1.1 = 100" in first.inner_text()
    second = page.locator(f"{ACTIVE} .spm-quiz-05-02")
    second.get_by_text("A. Per seat", exact=True).click()  # checkboxes: A right, B wrong
    second.get_by_text("B. Per office plant", exact=True).click()
    second.get_by_role("button", name="Check").click()
    feedback = second.locator(".spm-quiz-feedback", has_text="Not quite.")
    feedback.wait_for()
    assert "The answer is A, C." in feedback.inner_text() and "Nothing the customer values" in feedback.inner_text()
    score = page.locator(f"{ACTIVE} .spm-quiz-score")
    assert "Score: 1 of 3 right" in score.inner_text() and "2 of 3 answered" in score.inner_text()
    saved = json.loads((root / "work" / ".course" / "quiz.json").read_text())["answers"]
    assert (saved["05-01"]["right"], saved["05-02"]["chosen"]) == (True, ["A", "B"])
    assert page.problems == []
