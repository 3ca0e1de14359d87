"""Do `spm progress` and the progress notebook's view show, per module, the status (coming, not started, in
progress, graded with its score, grading failed), the latest and best score and the next step, and do its Start and Grade buttons work?"""
from __future__ import annotations

import matplotlib

from coursekit import (  # noqa: F401 (fixtures)
    FIRST, RIGHT, WRONG, answer, course, learner_template,
    LEARNER_ASSIGNMENT as ASSIGNMENT, LEARNER_NOTEBOOK as NOTEBOOK,
)
from spmcourse import cli
from spmcourse.authoring import curriculum
from spmcourse.learner import progress, selfgrade, workspace
from spmcourse.learner.selfgrade import Attempt

matplotlib.use("Agg")


def _row(course, key=ASSIGNMENT):
    return next(p for p in progress.module_progress(course) if p.key == key)


def _attempt(score: float | None, status: str = "graded", reason: str = "", work_hash: str = "") -> Attempt:
    return Attempt(ASSIGNMENT, status, reason, "2026-01-01T10:00:00+00:00", score, 7.0, score, 5.0, 2.0,
                   work_hash=work_hash)


def test_fresh_learner_sees_what_to_do_first(course):
    rows = progress.module_progress(course)
    assert all(p.status in (progress.NOT_STARTED, progress.COMING) for p in rows)
    coming = {p.key for p in rows if p.status == progress.COMING}
    assert coming == {m.key for m in curriculum.modules(course) if not m.available}  # every module is there now
    first = _row(course)
    assert first.latest_text == first.best_text == "—"
    assert FIRST.lesson.as_posix() in first.next_step and "Start" in first.next_step
    assert progress.recommended(rows).key == ASSIGNMENT


def test_started_then_graded_then_changed(course):
    workspace.start(ASSIGNMENT, course)
    row = _row(course)
    assert row.status == progress.IN_PROGRESS and "Validate" in row.next_step

    selfgrade.record(_attempt(None, "failed", "your notebook is damaged"), course)
    row = _row(course)
    assert row.status == progress.FAILED and row.status_text == "grading failed"
    assert "failed: your notebook is damaged" in row.next_step

    current = selfgrade.work_hash(ASSIGNMENT, course)
    selfgrade.record(_attempt(5.0, work_hash=current), course)
    selfgrade.record(_attempt(2.0, work_hash=current), course)
    row = _row(course)
    assert row.status == progress.GRADED and (row.latest_text, row.best_text) == ("2/5", "5/5")
    assert row.status_text == "graded 2/5"
    assert row.attempts == 3 and "feedback" in row.next_step and "mark schemes" in row.next_step

    answer(course / "work" / ASSIGNMENT / NOTEBOOK, {"q1_total": "total = 5"})
    row = _row(course)
    assert row.changed_since_graded and "Grade again" in row.next_step

    text = progress.text_report(progress.module_progress(course))
    assert f"{FIRST.number:<3} " in text and "graded 2/5" in text
    assert ("Coming in later updates" in text) == any(not m.available for m in curriculum.modules(course))


def test_a_newer_release_is_the_next_step(course):
    workspace.start(ASSIGNMENT, course)
    release = course / "release" / ASSIGNMENT / NOTEBOOK
    release.write_text(release.read_text().replace("the end", "the end, v2"))
    row = _row(course)
    assert row.update_available and "--update" in row.next_step
    assert "--update" in progress.text_report(progress.module_progress(course))


def test_plot_shows_latest_and_best_per_started_module(course):
    import matplotlib.pyplot as plt

    workspace.start(ASSIGNMENT, course)
    fig, ax = plt.subplots()
    progress.plot_scores(progress.module_progress(course), ax)
    assert [t.get_text() for t in ax.texts] == ["not graded yet"]
    plt.close(fig)

    selfgrade.record(_attempt(0.0), course)  # a first attempt with no point is a labelled row, not nothing
    fig, ax = plt.subplots()
    progress.plot_scores(progress.module_progress(course), ax)
    assert [round(bar.get_width()) for bar in ax.patches] == [0] and ax.texts[0].get_text() == "best 0/5"
    plt.close(fig)

    selfgrade.record(_attempt(5.0), course)
    selfgrade.record(_attempt(2.0), course)
    fig, ax = plt.subplots()
    progress.plot_scores(progress.module_progress(course), ax)
    assert [round(bar.get_width()) for bar in ax.patches] == [100]  # best 5/5
    assert list(ax.lines[0].get_xdata()) == [40.0]  # latest 2/5
    assert ax.texts[0].get_text() == "best 5/5 · latest 2/5 · 3 gradings"
    plt.close(fig)
    fig, ax = plt.subplots()
    progress.plot_scores([], ax)  # nothing started: a hint instead of empty axes
    assert "Start" in ax.texts[0].get_text()
    plt.close(fig)


def test_cli_progress(course, capsys, monkeypatch):
    monkeypatch.setattr(progress, "COURSE_ROOT", course)
    assert cli.main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "not started" in out and f"Next: {FIRST.number}" in out


def test_view_start_and_grade_buttons(course):
    """The ipywidgets view, driven the way a click drives it: real start, real grading."""
    view = progress.build_progress_view(course)
    row_out = view.row_outputs[ASSIGNMENT]
    assert row_out.layout.display == "none"  # no empty output box before a button is pressed
    assert view.children[3].layout.display == "none"  # no empty chart before the first grading
    start, grade = view.buttons[f"start:{ASSIGNMENT}"], view.buttons[f"grade:{ASSIGNMENT}"]
    assert start.description == "Start" and grade.disabled
    start.click()
    copy = course / "work" / ASSIGNMENT / NOTEBOOK
    assert copy.exists() and f"(../work/{ASSIGNMENT}/{NOTEBOOK})" in view.last_report
    grid = view.children[2].children
    # the report is right under the module's row (the output spans the row), not below all the rows
    at = next(i for i, c in enumerate(grid) if c is row_out)
    assert row_out.layout.display is None and any(b is view.buttons[f"grade:{ASSIGNMENT}"]
                                                  for b in grid[at - 1].children)
    grade = view.buttons[f"grade:{ASSIGNMENT}"]
    assert not grade.disabled and f"start:{ASSIGNMENT}" not in view.buttons
    # Open: a link that opens the learner's copy in JupyterLab (the course's plugin opens data-spm-open paths)
    assert f"data-spm-open='work/{ASSIGNMENT}/{NOTEBOOK}'" in view.opens[ASSIGNMENT].value
    assert f"href='../work/{ASSIGNMENT}/{NOTEBOOK}'" in view.opens[ASSIGNMENT].value

    answer(copy, {"q1_total": RIGHT["q1_total"], "q2_double": WRONG["q2_double"]})
    grade.click()
    assert "2 of 5 points" in view.last_report, view.last_report
    assert view.children[3].layout.display is None  # the chart, from the first grading on
    assert f"(../work/feedback/{ASSIGNMENT}/{NOTEBOOK.replace('.ipynb', '.html')})" in view.last_report
    assert "not answered yet (2 points; its mark scheme is shown once you have answered it)" in view.last_report
    assert "mark schemes" not in view.last_report  # nothing to assess yet: the written question is unanswered
    assert "answer the written questions, then Grade again" in _row(course).next_step
    cells = [getattr(c, "value", "") for c in view.children[2].children]  # summary, review, grid, ...
    assert any("graded 2/5" in v for v in cells) and "2/5" in cells
    assert not view.buttons[f"grade:{ASSIGNMENT}"].disabled  # buttons are enabled again after the grading


def test_view_reports_errors_instead_of_raising(course):
    view = progress.build_progress_view(course)
    view.buttons[f"grade:{ASSIGNMENT}"].click()  # not started: the error is shown, nothing raised
    assert "Could not grade" in view.last_report and "not started" in view.last_report


def test_view_says_when_a_damaged_state_file_was_set_aside(course):
    workspace.start(ASSIGNMENT, course)
    workspace.take_notices()
    (course / "work" / ".course" / "grades.json").write_text("[]")
    view = progress.build_progress_view(course)
    summary = view.children[0].value
    assert "work/.course/grades.json was damaged" in summary and "grades.json.damaged-" in summary, summary
    assert _row(course).status == progress.IN_PROGRESS  # and the page carries on with an empty history


def test_the_practice_exam_points_to_its_review_not_to_grading_again(course):
    from spmcourse.learner import exam

    attempt = Attempt(exam.ASSIGNMENT, "graded", "", "2026-01-01T10:00:00+00:00", 3.0, 10.0, 3.0, 10.0, 0.0)
    row = progress.ModuleProgress("12", exam.ASSIGNMENT, "Practice exam", progress.GRADED, 1, attempt, attempt)
    step = progress._next_step(row, FIRST.lesson, course)
    assert f"work/feedback/{exam.ASSIGNMENT}/review.md" in step and "Grade again" not in step, step


def test_the_chart_labels_shorten_long_titles_at_a_word():
    import matplotlib.pyplot as plt

    attempt = Attempt(ASSIGNMENT, "graded", "", "2026-01-01T10:00:00+00:00", 1.0, 7.0, 1.0, 7.0, 0.0)
    rows = [progress.ModuleProgress("00", ASSIGNMENT, "Orientation: how this course works", progress.GRADED, 1,
                                    attempt, attempt),
            progress.ModuleProgress("01", ASSIGNMENT, "Foundations: software as a business, the product manager's "
                                    "role, the framework", progress.GRADED, 1, attempt, attempt)]
    fig, ax = plt.subplots()
    progress.plot_scores(rows, ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["00 Orientation: how this course works",
                                                             "01 Foundations: software as a business…"]
    plt.close(fig)
