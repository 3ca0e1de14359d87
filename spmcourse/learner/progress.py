"""The learner's progress (``spm progress`` and ``notebooks/progress.ipynb``).

For every module of the curriculum: its status (coming, not started, in progress, graded with its score, grading
failed), the latest and the best score of the learner's self-gradings, and what to do next. The data comes from the workspace record
(:mod:`spmcourse.learner.workspace`) and the grade history (:mod:`spmcourse.learner.selfgrade`); nothing here writes anything.

Three layers, as for every explorer in the course: :func:`module_progress` returns plain data,
:func:`plot_scores` draws it, and :func:`build_progress_view` wires an ipywidgets view with Start and Grade
buttons (it returns the container; the notebook displays it).
"""
from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass
from pathlib import Path

from spmcourse import COURSE_ROOT
from spmcourse.authoring import curriculum
from spmcourse.learner import exam, review, selfgrade, workspace
from spmcourse.learner.selfgrade import Attempt

COMING, NOT_STARTED, IN_PROGRESS, GRADED, FAILED = "coming", "not started", "in progress", "graded", "grading failed"
SUBMITTED = GRADED  # the former name of the graded state


@dataclass
class ModuleProgress:
    number: str
    key: str
    title: str
    status: str
    attempts: int = 0
    latest: Attempt | None = None
    best: Attempt | None = None
    update_available: bool = False
    changed_since_graded: bool = False
    written_points: float = 0.0
    written_open: bool = False  # a written question was not answered at the last grading (its scheme is hidden)
    next_step: str = ""

    @property
    def latest_text(self) -> str:
        return self.latest.score_text() if self.latest else "—"

    @property
    def best_text(self) -> str:
        return self.best.score_text() if self.best else "—"

    @property
    def status_text(self) -> str:
        """The state in plain words: "graded 5/7" carries the latest score."""
        return f"{GRADED} {self.latest_text}" if self.status == GRADED else self.status

    @property
    def full_marks(self) -> bool:
        return bool(self.best and self.best.auto_max and (self.best.auto_score or 0) >= self.best.auto_max)


def _next_step(p: ModuleProgress, lesson: Path, root: Path) -> str:
    a = p.key
    mine = workspace.display_path(workspace.assignment_dir(a, root), root)
    feedback = workspace.display_path(selfgrade.feedback_dir(a, root), root)
    if p.status == COMING:
        return "coming in a later update"
    if p.status == NOT_STARTED:
        # whether the lesson was read is not known: the step stays true before and after
        return f"once you have worked through the lesson {lesson.as_posix()}, Start the exercises (make start A={a})"
    if p.update_available:
        return f"a new version was released: get it beside yours with make start A=\"{a} --update\""
    if p.status == FAILED:
        return f"your last grading failed: {p.latest.reason}"
    if p.status == IN_PROGRESS:
        return f"answer the questions in {mine}/, press Validate, then Grade (make grade A={a})"
    if p.changed_since_graded:
        return f"you changed your notebook since it was graded: Grade again (make grade A={a})"
    written = (f"; assess your written answers with the mark schemes in {feedback}/mark-schemes.md"
               if p.written_points else "")
    if p.written_open:
        written = "; answer the written questions, then Grade again to see their mark schemes"
    if not p.full_marks and a == exam.ASSIGNMENT:  # a paper is not fixed and regraded: its review says what to revisit
        review_md = workspace.display_path(exam.review_path(root), root)
        return f"read your exam review {review_md}: the weakest parts first, with the lessons to revisit"
    if not p.full_marks:
        return f"read the feedback in {feedback}/, fix what lost points, Grade again{written}"
    return f"all auto-graded points: on to the next module{written}"


def module_progress(root: Path = COURSE_ROOT) -> list[ModuleProgress]:
    """One row per module of the curriculum, in course order."""
    root = Path(root)
    history = selfgrade.load_history(root)
    rows = []
    # a module's extra assignments (module 12's practice exam) get rows of their own, after the module's
    for m, x in ((m, x) for m in curriculum.modules(root) for x in (m, *m.extras)):
        attempts = history.get(x.key, [])
        if not x.available:
            status = COMING
        elif not workspace.is_started(x.key, root):
            status = NOT_STARTED
        elif attempts and not attempts[-1].graded:
            status = FAILED
        elif any(a.graded for a in attempts):
            status = GRADED
        else:
            status = IN_PROGRESS
        p = ModuleProgress(m.number, x.key, x.title, status, len(attempts),
                           selfgrade.latest(attempts), selfgrade.best(attempts))
        if status in (IN_PROGRESS, GRADED, FAILED):
            p.update_available = workspace.update_available(x.key, root)
            graded = [a for a in attempts if a.graded]
            p.changed_since_graded = bool(graded) and graded[-1].work_hash != selfgrade.work_hash(x.key, root)
            p.written_points = graded[-1].written_max if graded else 0.0
            p.written_open = bool(graded) and any(c.get("kind") == "manual" and c.get("unanswered")
                                                  for c in graded[-1].cells.values())
        p.next_step = _next_step(p, m.lesson, root)
        rows.append(p)
    return rows


def recommended(rows: list[ModuleProgress]) -> ModuleProgress | None:
    """The module to work on next: the first available one that is not finished."""
    for p in rows:
        if p.status != COMING and not (p.status == GRADED and p.full_marks and not p.changed_since_graded
                                       and not p.update_available):
            return p
    return None


def text_report(rows: list[ModuleProgress], review_text: str = "") -> str:
    """The progress as text, for ``spm progress``."""
    lines = [f"{'#':<3} {'module':<44} {'status':<14} {'latest':<9} {'best':<9} next step"]
    coming = [p for p in rows if p.status == COMING]
    for p in rows:
        if p.status == COMING:
            continue
        title = p.title if len(p.title) <= 44 else p.title[:41] + "..."
        lines.append(f"{p.number:<3} {title:<44} {p.status_text:<14} {p.latest_text:<9} {p.best_text:<9} "
                     f"{p.next_step}")
    if coming:
        lines.append(f"Coming in later updates: modules {', '.join(p.number for p in coming)}.")
    nxt = recommended(rows)
    if nxt is not None:
        lines.append(f"Next: {nxt.number} {nxt.title}: {nxt.next_step}.")
    for p in rows:
        if p.update_available:
            lines.append(workspace.update_notice(p.key))
    if review_text:
        lines.append(review_text)
    return "\n".join(lines)


def _score_label(p: ModuleProgress) -> str:
    if p.best is None or not p.best.graded:
        return "last grading failed" if p.status == FAILED else "not graded yet"
    label = f"best {p.best_text}"
    if p.attempts > 1:
        label += f" · latest {p.latest_text}" if p.latest and p.latest.graded else " · latest failed"
        label += f" · {p.attempts} gradings"
    return label


def _short(title: str, width: int = 40) -> str:
    """A chart label: the title whole, or cut at a word with an ellipsis (never mid-word)."""
    short = textwrap.shorten(title, width, placeholder="…")
    return short if short == title else short[:-1].rstrip(",;:") + "…"


def plot_scores(rows: list[ModuleProgress], ax=None):
    """One row per started module: the best share of the auto-graded points as a bar, the latest as a marker,
    and the scores written beside it (a first 0/7 is a labelled row, not an invisible bar); returns the axis."""
    import matplotlib.pyplot as plt
    import numpy as np

    from spmcourse.plots import PALETTE, decorate

    ax = ax if ax is not None else plt.gca()
    shown = [p for p in rows if p.status in (IN_PROGRESS, GRADED, FAILED)]
    y = np.arange(len(shown))
    best = [(p.best.percent or 0.0) if p.best and p.best.graded else 0.0 for p in shown]
    ax.barh(y, best, height=0.55, color=PALETTE["kestrel"], label="best")
    latest = [(i, p.latest.percent or 0.0) for i, p in enumerate(shown)
              if p.latest and p.latest.graded and p.attempts > 1]
    if latest:
        ax.plot([v for _, v in latest], [i for i, _ in latest], "D", color=PALETTE["neutral"], label="latest")
    for i, p in enumerate(shown):
        ax.text(min(best[i], 100) + 2, i, _score_label(p), va="center", fontsize=9)
    ax.axvline(100, color=PALETTE["neutral"], linestyle="--", linewidth=1)
    ax.set_yticks(y, [f"{p.number} {_short(p.title)}" for p in shown])
    ax.set_ylim(max(len(shown), 3) - 0.5, -0.5)  # first module on top; rows keep their height with one module
    ax.set_xlim(0, 160)  # room for the labels right of a full bar
    ax.set_xticks([0, 25, 50, 75, 100])
    if not shown:
        ax.text(0.5, 0.5, "No module started yet: press Start on module 00.", ha="center", va="center",
                transform=ax.transAxes, color=PALETTE["neutral"])
        ax.set_yticks([])
    decorate(ax, title="Your best score per module (auto-graded questions)", xlabel="% of the points (dashed: all)",
             ylabel="", legend=False)
    if latest:
        ax.legend(loc="lower right", fontsize=8)
    return ax


# --- The ipywidgets view ----------------------------------------------------------------------------------------

def _status_html(p: ModuleProgress) -> str:
    colour = {IN_PROGRESS: "#e07a1f", FAILED: "#b03a2e", NOT_STARTED: "#7f8c8d"}.get(p.status, "#7f8c8d")
    if p.status == GRADED:  # green only for all the auto-graded points
        colour = "#2e8b57" if p.full_marks and p.latest_text == p.best_text else "#1f5f8b"
    extra = " · update available" if p.update_available else ""
    return f"<span style='color:{colour};font-weight:bold'>{html.escape(p.status_text)}</span>{extra}"


def _open_link(paths: list[str], link_prefix: str, key: str) -> str:
    """The Open button: a link that opens the learner's copy in JupyterLab (the course's JupyterLab plugin opens
    the ``data-spm-open`` paths in a tab; the ``href`` is the fallback without it)."""
    first = html.escape(link_prefix + paths[0], quote=True)
    return (f"<a class='spm-open spm-open-{key} jupyter-button widget-button' "
            f"data-spm-open='{html.escape(';'.join(paths), quote=True)}' href='{first}' "
            f"title='open your copy of {html.escape(key)}'>Open</a>")


#: The view's own rules: a row's report spans the whole row (ipywidgets' ``grid_column`` layout does not reach the
#: grid item); the Open link looks like the buttons beside it.
_STYLE = """<style>
.spm-row-output { grid-column: 1 / -1; }
a.spm-open { display: inline-block; box-sizing: border-box; width: 68px; margin: 0; padding: 0;
             text-align: center; text-decoration: none; color: inherit; }
</style>"""


def build_progress_view(root: Path = COURSE_ROOT, *, link_prefix: str = "../"):
    """Per-module rows with Start (or Open) and Grade buttons, and the score plot; returns the container.

    ``link_prefix`` is the path from the notebook showing the view to the course folder (for links).
    Button handlers call :func:`spmcourse.learner.workspace.start` and :func:`spmcourse.learner.selfgrade.grade`;
    their report appears right under the module's row, as markdown, with links that open in JupyterLab.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display

    root = Path(root)
    plot_out = widgets.Output()
    summary = widgets.HTML()
    grid = widgets.GridBox(layout=widgets.Layout(
        grid_template_columns="minmax(0, 1fr) 110px 52px 52px 148px", grid_gap="6px 10px", align_items="center"))
    review_out = widgets.Output()  # where to review: markdown, so that its links open the lessons in JupyterLab
    review_out.add_class("spm-review")
    container = widgets.VBox([summary, review_out, grid, plot_out])
    container.buttons = {}
    container.row_outputs = {}  # one per module, kept across refreshes: a button's report stays under its row
    container.opens = {}  # the Open links of started modules
    container.last_report = ""

    def link(path: str, text: str) -> str:
        return f"[{text}]({path if Path(path).is_absolute() else link_prefix + path})"

    def show_report(text: str) -> None:
        container.last_report = text
        display(Markdown(text))

    def row_output(assignment: str):
        if assignment not in container.row_outputs:
            # spans the whole row; shows only once a button put something in it: no empty box on a fresh page
            out = widgets.Output(layout=widgets.Layout(border="1px solid #d5e3ee", padding="4px 8px", display="none"))
            out.add_class(f"spm-row-output-{assignment}")
            out.add_class("spm-row-output")
            container.row_outputs[assignment] = out
        return container.row_outputs[assignment]

    def run(action, assignment: str, button) -> None:
        for b in container.buttons.values():
            b.disabled = True
        out = row_output(assignment)
        out.clear_output()
        out.layout.display = None
        with out:
            try:
                action(assignment, out)
            except Exception as err:  # noqa: BLE001 (any failure is shown to the learner, not swallowed)
                show_report(f"**Could not {button.description.lower()} {assignment}:** {html.escape(str(err))}")
        refresh()

    def copies(assignment: str) -> list[str]:
        folder = workspace.display_path(workspace.assignment_dir(assignment, root), root)
        return [f"{folder}/{r}" for r in workspace.notebook_names(assignment, root)]

    def do_start(assignment: str, out) -> None:
        result = workspace.start(assignment, root, update=workspace.update_available(assignment, root))
        lines = [f"- {line.strip()}" for line in result.lines(root) if not line.startswith("Open ")]
        opens = ", ".join(link(c, c) for c in copies(assignment))
        show_report("\n".join(lines) + f"\n\n**Open {opens}**, answer the questions, press **Validate** in its "
                    "toolbar, then come back here and press **Grade**.")

    def do_grade(assignment: str, out) -> None:
        def show(attempt) -> None:  # the score as soon as it is known; again with the feedback link once written
            out.clear_output()
            show_report(selfgrade.report(attempt, root, link=link, schemes=False))

        show(selfgrade.grade(assignment, root, announce=lambda text: display(Markdown(text)), scored=show))

    def refresh() -> None:
        rows = module_progress(root)
        header = ["module and next step", "state", "latest", "best", ""]
        children = [widgets.HTML(f"<b>{h}</b>") for h in header]
        children[0].value = _STYLE + children[0].value
        container.buttons.clear()
        container.opens.clear()
        for p in rows:
            if p.status == COMING:
                continue
            start = widgets.Button(description="Start", layout=widgets.Layout(width="68px"),
                                   tooltip=f"copy {p.key} into work/ (never overwrites your work)")
            grade = widgets.Button(description="Grade", layout=widgets.Layout(width="68px"),
                                   button_style="primary", tooltip=f"grade your copy of {p.key}",
                                   disabled=p.status == NOT_STARTED)
            if p.update_available:
                start.description, start.tooltip = "Update", "put the new version beside your copy"
            start.on_click(lambda b, a=p.key: run(do_start, a, b))
            grade.on_click(lambda b, a=p.key: run(do_grade, a, b))
            start.add_class(f"spm-start-{p.key}")
            grade.add_class(f"spm-grade-{p.key}")
            first = start
            if p.status != NOT_STARTED and not p.update_available and copies(p.key):
                first = container.opens[p.key] = widgets.HTML(_open_link(copies(p.key), link_prefix, p.key),
                                                              layout=widgets.Layout(width="72px"))
            else:
                container.buttons[f"start:{p.key}"] = start
            container.buttons[f"grade:{p.key}"] = grade
            module = (f"<b>{p.number} · {html.escape(p.title)}</b><br>"
                      f"<small style='line-height:1.3'>{html.escape(p.next_step)}</small>")
            children += [widgets.HTML(module, layout=widgets.Layout(overflow="hidden")),
                         widgets.HTML(_status_html(p)), widgets.HTML(p.latest_text), widgets.HTML(p.best_text),
                         widgets.HBox([first, grade]), row_output(p.key)]
        grid.children = children
        coming = [p for p in rows if p.status == COMING]
        nxt = recommended(rows)
        summary.value = (f"<b>Next:</b> {nxt.number} · {html.escape(nxt.title)}: {html.escape(nxt.next_step)}"
                         if nxt else "<b>Every available module is done.</b>")
        if coming:
            summary.value += (f"<br><small>Coming in later updates: modules {', '.join(p.number for p in coming)}."
                              "</small>")
        review_out.clear_output()
        with review_out:  # the weakest sub-areas, with the lesson sections to revisit
            text = review.markdown(root)
            if text:
                display(Markdown(text))
        for notice in workspace.take_notices():  # damaged state files set aside while reading
            summary.value += f"<br><small style='color:#b03a2e'>{html.escape(notice)}</small>"
        plot_out.clear_output(wait=True)
        graded = [p for p in rows if p.attempts]
        plot_out.layout.display = None if graded else "none"  # no empty chart before the first grading
        if graded:
            with plot_out:
                started = sum(p.status in (IN_PROGRESS, GRADED, FAILED) for p in rows)
                fig, ax = plt.subplots(figsize=(7.5, 1.3 + 0.4 * max(started, 3)))
                plot_scores(rows, ax)
                fig.tight_layout()
                display(fig)
                plt.close(fig)

    container.refresh = refresh
    refresh()
    return container


def show(root: Path = COURSE_ROOT):
    """What the progress notebook calls: the interactive view of the learner's progress."""
    return build_progress_view(root)


# --- Command line -----------------------------------------------------------------------------------------------

def _progress(args) -> int:
    print(text_report(module_progress(COURSE_ROOT), review.text(COURSE_ROOT)))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("progress", help="show your progress per module and what to do next")
    p.set_defaults(handler=_progress)
