"""The practice exam in a real JupyterLab and browser: started and graded from the progress page; the report links
the review with the score per chapter and sub-area, and the progress page then says where to review; the exam's
row points to its review, not to grading the same paper again."""
from __future__ import annotations

import re

import pytest

from coursekit import answer
from spmcourse.learner import exam
from spmcourse.authoring.notebooks import read

from .test_learner_journey import ACTIVE, wait_progress_view

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_exam_graded_with_the_chapter_breakdown(lab, page):
    root, a = lab.course.root, exam.ASSIGNMENT
    view = wait_progress_view(lab, page)
    page.locator(f".spm-start-{a}").click()
    page.get_by_role("link", name=f"work/{a}/{exam.NOTEBOOK}").wait_for()
    # the answers (the master's letters; questions 1-4 answered with a wrong letter), written as a learner saves them
    master = read(root / "source" / a / exam.NOTEBOOK)
    answers = {}
    for cell in master.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            letters = re.search(r"= (\{.*\})", cell.source).group(1)
            answers[gid] = f"{gid} = {letters}" if gid > "q04" else f'{gid} = {{"E"}}' if "E" not in letters \
                else f'{gid} = {{"A"}}'
    answer(root / "work" / a / exam.NOTEBOOK, answers)
    page.locator(f".spm-grade-{a}").click()
    summary = page.get_by_text(re.compile(r"points on the auto-graded questions"))
    summary.wait_for(timeout=240_000)
    assert "36 of 40 points" in summary.inner_text(), summary.inner_text()
    row = view.locator(".widget-gridbox > .widget-html", has_text=re.compile(r"· Practice exam")).first
    row.get_by_text("review.md").wait_for()  # the row is refreshed once the grading is recorded
    step = row.inner_text()
    assert f"work/feedback/{a}/review.md" in step and "Grade again" not in step, step
    where = page.locator(f"{ACTIVE} .spm-review", has_text="Where to review")
    where.wait_for()
    href = where.locator("a").first.get_attribute("href")
    lesson = re.search(r"(\d\d-[a-z-]+)\.ipynb", href)
    assert lesson, href
    page.locator(f"{ACTIVE} a", has_text=re.compile(r"work/feedback/12-practice-exam/review\.md")).first.click()
    page.locator(".lm-TabBar-tab.lm-mod-current", has_text="review.md").wait_for()
    shown = page.locator(".jp-MainAreaWidget:not(.lm-mod-hidden)", has_text="Practice exam: 36 of 40 points")
    shown.wait_for()
    assert "chapter 1: Introduction to software product management" in shown.inner_text()
    assert "passed (pass mark 65%)" in shown.inner_text()
    # a link of the where-to-review list opens the lesson in JupyterLab
    page.locator(".lm-TabBar-tab", has_text="progress.ipynb").click()
    where.locator("a").first.click()
    page.locator(".lm-TabBar-tab.lm-mod-current", has_text=lesson.group(1)).wait_for()
