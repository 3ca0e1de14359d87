"""The progress page in a real browser names each state plainly: not started, in progress, graded with its score
(a first 0/7 included), grading failed; no empty box on the page; the chart is there from the first grading, and
not before; a started module's Open opens the learner's copy in JupyterLab."""
from __future__ import annotations

import pytest

from spmcourse.authoring import curriculum
from spmcourse.learner import selfgrade, workspace
from spmcourse.learner.selfgrade import Attempt

from .test_learner_journey import ACTIVE, wait_kernel_idle, wait_progress_view

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _attempt(key: str, status: str, score: float | None, reason: str = "") -> Attempt:
    return Attempt(key, status, reason, "2026-01-01T10:00:00+00:00", score, 7.0, score, 7.0, 0.0)


def test_progress_page_names_each_state(lab, page):
    root = lab.course.root
    # modules after the first (which the learner journey works through) are set up in each state
    modules = [m.key for m in curriculum.available_modules()][1:5]
    not_started, in_progress, graded, failed = modules
    for key in (in_progress, graded, failed):
        workspace.start(key, root)
    selfgrade.record(_attempt(graded, "graded", 0.0), root)
    selfgrade.record(_attempt(failed, "failed", None, "your notebook is damaged"), root)

    view = wait_progress_view(lab, page)
    cells = view.locator(".widget-gridbox > *:not(.spm-row-output)").all_inner_texts()
    rows = {cells[i].split(" · ")[0].strip(): cells[i + 1].strip() for i in range(5, len(cells), 5)}
    number = {m.key: m.number for m in curriculum.available_modules()}
    assert rows[number[not_started]] == "not started", rows
    assert rows[number[in_progress]] == "in progress", rows
    assert rows[number[graded]] == "graded 0/7", rows
    assert rows[number[failed]] == "grading failed", rows
    assert "submitted" not in " ".join(rows.values())

    view.locator(".widget-output img").first.wait_for()  # the chart, from the first grading on
    empty = page.evaluate("""(view) => Array.from(view.children).filter(el =>
        el.offsetHeight > 0 && !el.innerText.trim() && !el.querySelector('img')).map(el => el.className)""",
        view.element_handle())
    assert empty == [], f"empty elements on the progress page: {empty}"

    copy = workspace.notebook_names(in_progress, root)[0]
    page.locator(f"{ACTIVE} .spm-open-{in_progress}").click()
    wait_kernel_idle(page, copy)  # Open opened the learner's copy in a tab of its own
    path = page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path")
    assert path == f"work/{in_progress}/{copy}", path


def test_no_chart_before_the_first_grading(lab, page):
    history = lab.course.root / "work" / ".course" / "grades.json"
    aside = history.with_name("grades.json.aside")
    if history.exists():  # earlier tests of the session graded: this learner has not, yet
        history.rename(aside)
    try:
        view = wait_progress_view(lab, page)
        view.locator(".widget-gridbox .widget-button").first.wait_for()
        page.wait_for_timeout(1000)
        assert view.locator(".widget-output img").count() == 0, "a chart before the first grading"
    finally:
        if aside.exists():
            aside.rename(history)
