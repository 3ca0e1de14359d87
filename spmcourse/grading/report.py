"""``spm report <assignment>``: what an assignment's grades say about its questions.

Written for the instructor after ``spm grade-cohort``: a self-contained HTML page (styles and the plot inline, no
network) and the same content as a notebook, next to the grades in ``autograded/``. It holds

- the distribution of the students' total scores (a histogram, inline PNG);
- per question (every graded cell: autograded tests and manually graded answers): its **difficulty**, the mean
  fraction of its points the students earned, and its **discrimination**, the *corrected item-total
  correlation*: the Pearson correlation, over the students, between the question's score and the student's total
  on the *other* questions (the question itself left out of the total, so that it does not correlate with itself);
- how often each failure message was shown per test cell, read from the autograded notebooks' error outputs;
  messages that match a recorded mistake of the course (``tests/mistakes/<assignment>.yml``, see
  docs/authoring.md) are named by that mistake;
- the students whose grading failed or timed out (from ``spm grade-cohort``'s status file), with the reason;
- the questions flagged for revision: difficulty above 0.95 (nearly everyone gets it) or below 0.2 (nearly
  nobody does), discrimination below 0.2 (it does not separate students who do well from those who do not).

Scores come from nbgrader's ``Gradebook`` API, so the course's gradebook may be SQLite or PostgreSQL
(``SPM_GRADEBOOK_URL``). Students whose latest grading failed are left out of the statistics (the gradebook may
still hold an older grading of theirs); a manually graded answer without a score yet is left out of that
question's figures, and out of the totals (the page says how many students each figure is based on).
"""
from __future__ import annotations

import base64
import datetime
import html
import io
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from spmcourse.errors import CourseError

#: Flag thresholds (see the module docstring).
TOO_EASY, TOO_HARD, LOW_DISCRIMINATION = 0.95, 0.2, 0.2
#: Fewer graded students than this: no correlation is computed (it would be noise).
MIN_STUDENTS = 5


@dataclass
class Question:
    name: str             # grade_id of the graded cell
    notebook: str
    max_score: float
    kind: str             # "auto" (a test cell) or "manual" (a written answer graded by hand)
    scores: dict = field(default_factory=dict)  # student -> score, only students with a score
    difficulty: float | None = None
    discrimination: float | None = None
    n: int = 0                                   # students the figures are based on
    flags: list = field(default_factory=list)
    messages: dict = field(default_factory=dict)  # failure message -> how many students saw it


@dataclass
class Report:
    assignment: str
    max_score: float
    questions: list
    totals: dict          # student -> total score (questions scored for every student only)
    failed: dict          # student -> (status, reason)
    pending: int          # manually graded answers still without a score
    generated: str


# --- Statistics --------------------------------------------------------------------------------------------------

def corrected_item_total(item: list[float], rest: list[float]) -> float | None:
    """Pearson correlation of an item's scores with the rest of the total; None where it is undefined (fewer
    than MIN_STUDENTS students, or one of the two does not vary)."""
    if len(item) < MIN_STUDENTS or len(set(item)) < 2 or len(set(rest)) < 2:
        return None
    return statistics.correlation(item, rest)


def analyse(questions: list[Question], students: list[str]) -> dict:
    """Fill difficulty, discrimination and flags of every question; return the students' totals.

    The total counts the questions that every student in ``students`` has a score for (a written answer not yet
    graded would otherwise count as 0); a question's discrimination uses the students it has a score for.
    """
    complete = [q for q in questions if all(s in q.scores for s in students)]
    totals = {s: sum(q.scores[s] for q in complete) for s in students}
    for q in questions:
        scored = [s for s in students if s in q.scores]
        q.n = len(scored)
        if not scored:
            q.flags = ["no scores yet"]
            continue
        q.difficulty = sum(q.scores[s] for s in scored) / (q.max_score * len(scored)) if q.max_score else None
        counted = q in complete
        rest = [totals[s] - (q.scores[s] if counted else 0.0) for s in scored]
        q.discrimination = corrected_item_total([q.scores[s] for s in scored], rest)
        q.flags = []
        if q.difficulty is not None and q.difficulty > TOO_EASY:
            q.flags.append(f"too easy (difficulty above {TOO_EASY:g})")
        if q.difficulty is not None and q.difficulty < TOO_HARD:
            q.flags.append(f"too hard (difficulty below {TOO_HARD:g})")
        if q.discrimination is not None and q.discrimination < LOW_DISCRIMINATION:
            q.flags.append(f"does not discriminate (below {LOW_DISCRIMINATION:g})")
    return totals


# --- Reading the course ------------------------------------------------------------------------------------------

def recorded_mistakes(course_root: Path, assignment: str) -> dict:
    """test cell -> [(mistake, message)] from ``tests/mistakes/<assignment>.yml``, or {} without that file."""
    path = Path(course_root) / "tests" / "mistakes" / f"{assignment}.yml"
    if not path.is_file():
        return {}
    import yaml
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {cell: [(m.get("mistake", ""), str(m.get("message", ""))) for m in entries or [] if m.get("message")]
            for cell, entries in data.items()}


def failure_messages(course_root: Path, cd, assignment: str, students: list[str], cell_timeout: float) -> dict:
    """test cell -> {message -> count}, from the error outputs of the autograded notebooks."""
    import nbformat

    from spmcourse.grading import reasons

    counts: dict = {}
    for student in students:
        folder = Path(cd.format_path(cd.autograded_directory, student, assignment))
        for path in sorted(folder.glob("*.ipynb")):
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception:  # noqa: BLE001 (an unreadable notebook only costs its messages)
                continue
            for cell in nb.cells:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if cell.cell_type != "code" or not meta.get("grade"):
                    continue
                message = reasons.cell_message(cell, cell_timeout)
                if message:
                    per_cell = counts.setdefault(meta.get("grade_id"), {})
                    per_cell[message] = per_cell.get(message, 0) + 1
    return counts


def _label(message: str, mistakes: list) -> str:
    """The recorded mistake whose message the failure contains, as "mistake: message"; else the message."""
    for mistake, expected in mistakes:
        if expected.lower() in message.lower():
            return f"{mistake} — {message}" if mistake else message
    return message


def build(course_root, assignment: str) -> Report:
    """Read the gradebook, the status file and the autograded notebooks of one assignment."""
    from nbgrader.api import MissingEntry

    from spmcourse.grading import config, gradebook
    from spmcourse.grading import status as status_file

    course_root = Path(course_root).resolve()
    cfg = config.load_config(course_root)
    cd = config.coursedir(cfg)
    recorded = status_file.read_status(course_root).get(assignment, {})
    failed = {s: (r["status"], r.get("reason", "")) for s, r in sorted(recorded.items())
              if r["status"] != status_file.GRADED}
    with gradebook.open_gradebook(course_root) as gb:
        try:
            a = gb.find_assignment(assignment)
        except MissingEntry:
            known = ", ".join(sorted(x.name for x in gb.assignments)) or "none"
            raise CourseError(f"unknown assignment {assignment!r}; the gradebook has: {known}") from None
        questions = []
        for nb in a.notebooks:
            for cell in list(nb.grade_cells) + list(nb.task_cells):
                kind = "auto" if cell.type == "GradeCell" and cell.cell_type == "code" else "manual"
                questions.append(Question(cell.name, nb.name, float(cell.max_score), kind))
        by_key = {(q.notebook, q.name): q for q in questions}
        pending = 0
        students = []
        for sub in gb.assignment_submissions(assignment):
            sid = sub.student.id
            if sid in failed:
                continue
            students.append(sid)
            for snb in sub.notebooks:
                for g in snb.grades:
                    q = by_key.get((snb.name, g.name))
                    if q is None:
                        continue
                    if g.manual_score is None and g.auto_score is None:
                        pending += 1  # a written answer nobody has graded yet
                        continue
                    q.scores[sid] = float(g.score)
        max_score = float(a.max_score)
    students.sort()
    totals = analyse(questions, students)
    messages = failure_messages(course_root, cd, assignment, students, config.cell_timeout(cfg))
    mistakes = recorded_mistakes(course_root, assignment)
    for q in questions:
        for message, count in messages.get(q.name, {}).items():
            label = _label(message, mistakes.get(q.name, []))
            q.messages[label] = q.messages.get(label, 0) + count
    return Report(assignment, max_score, questions, totals, failed, pending,
                  datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


# --- Rendering ---------------------------------------------------------------------------------------------------

def histogram_png(report: Report) -> bytes:
    """The total scores as a histogram, PNG bytes."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure  # no pyplot: nothing global is left open

    fig = Figure(figsize=(7, 3.2), dpi=100)
    ax = fig.add_subplot()
    totals = list(report.totals.values())
    top = max([report.max_score, *totals, 1.0])
    bins = min(20, max(5, int(math.ceil(top))))
    ax.hist(totals, bins=bins, range=(0, top), color="#1f5f8b", edgecolor="white")
    ax.set_xlabel(f"total score (of the {sum(q.max_score for q in report.questions if len(q.scores) == len(report.totals)):g} "
                  "points scored for every student)")
    ax.set_ylabel("students")
    ax.set_title(f"{report.assignment}: score distribution ({len(totals)} students)")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _f(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def sections(report: Report) -> list[tuple[str, list[str], list[list[str]] | str]]:
    """(title, table header, rows) or (title, [], paragraph) in the page's order, shared by HTML and notebook."""
    n = len(report.totals)
    mean = statistics.fmean(report.totals.values()) if report.totals else None
    intro = (f"{n} students graded, {len(report.failed)} gradings failed; mean total {_f(mean)}. "
             f"{report.pending} written answers still wait for a manual grade. "
             "Difficulty: the mean fraction of the question's points earned. Discrimination: the corrected "
             "item-total correlation (Pearson correlation of the question's score with the total of the other "
             f"questions; n/a with fewer than {MIN_STUDENTS} students or when a score does not vary). Flagged: "
             f"difficulty above {TOO_EASY:g} or below {TOO_HARD:g}, discrimination below {LOW_DISCRIMINATION:g}.")
    out = [("Summary", [], intro)]
    out.append(("Questions", ["question", "notebook", "kind", "points", "students", "difficulty", "discrimination",
                              "flags"],
                [[q.name, q.notebook, q.kind, f"{q.max_score:g}", str(q.n), _f(q.difficulty),
                  _f(q.discrimination), "; ".join(q.flags)] for q in report.questions]))
    flagged = [[q.name, "; ".join(q.flags)] for q in report.questions if q.flags and q.n]
    out.append(("Questions flagged for revision", ["question", "why"], flagged or "None."))
    shown = [[q.name, message, str(count)] for q in report.questions
             for message, count in sorted(q.messages.items(), key=lambda kv: (-kv[1], kv[0]))]
    out.append(("Failure messages shown (how many students saw each)", ["test cell", "message", "students"],
                shown or "No test cell failed."))
    out.append(("Gradings that failed (no score; fix and regrade with spm grade-cohort --student)",
                ["student", "status", "reason"],
                [[s, status, reason] for s, (status, reason) in report.failed.items()] or "None."))
    return out


_CSS = ("body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}"
        "table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
        "text-align:left;vertical-align:top}th{background:#eef3f7}img{max-width:100%}")


def to_html(report: Report, png: bytes) -> str:
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Report: {e(report.assignment)}"
             f"</title><style>{_CSS}</style></head><body>",
             f"<h1>Instructor report: {e(report.assignment)}</h1><p>Generated {e(report.generated)}.</p>",
             f"<img alt='score distribution' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"]
    for title, header, body in sections(report):
        parts.append(f"<h2>{e(title)}</h2>")
        if isinstance(body, str):
            parts.append(f"<p>{e(body)}</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in body]
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_notebook(report: Report, png: bytes):
    import nbformat
    from nbformat.v4 import new_markdown_cell, new_notebook

    head = new_markdown_cell(f"# Instructor report: {report.assignment}\n\nGenerated {report.generated}.\n\n"
                             "![score distribution](attachment:scores.png)")
    head["attachments"] = {"scores.png": {"image/png": base64.b64encode(png).decode()}}
    cells = [head]
    for title, header, body in sections(report):
        if isinstance(body, str):
            cells.append(new_markdown_cell(f"## {title}\n\n{body}"))
            continue
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in body]
        cells.append(new_markdown_cell(f"## {title}\n\n" + "\n".join(lines)))
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    nbformat.validate(nb)
    return nb


def write(report: Report, out_dir: Path) -> tuple[Path, Path]:
    import nbformat

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    png = histogram_png(report)
    page = out_dir / f"{report.assignment}-report.html"
    page.write_text(to_html(report, png), encoding="utf-8")
    notebook = out_dir / f"{report.assignment}-report.ipynb"
    nbformat.write(to_notebook(report, png), notebook)
    return page, notebook


# --- Command line ------------------------------------------------------------------------------------------------

def _report(args) -> int:
    import os

    from spmcourse.authoring.lab import ensure_tools_on_path
    from spmcourse.grading import cohort
    course_root = Path(args.course_root).resolve() if args.course_root else cohort.default_course_root()
    if not (course_root / "nbgrader_config.py").is_file():
        raise CourseError(f"{course_root} is not a course folder (it has no nbgrader_config.py); pass --course-root.")
    ensure_tools_on_path()
    report = build(course_root, args.assignment)
    if not report.totals and not report.failed:
        raise CourseError(f"no graded submission of {args.assignment} yet: grade first with "
                          f"`spm grade-cohort {args.assignment}`.")
    out_dir = Path(args.out) if args.out else course_root / "autograded"
    page, notebook = write(report, out_dir)
    flagged = [q.name for q in report.questions if q.flags and q.n]
    print(f"{len(report.totals)} students, {len(report.failed)} failed gradings; flagged: "
          f"{', '.join(flagged) or 'none'}.\nReport: {os.path.relpath(page)} and {os.path.relpath(notebook)}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report", help="item analysis of an assignment's grades (HTML page and notebook)",
        description="Write autograded/<assignment>-report.html and .ipynb: score distribution, difficulty and "
                    "discrimination per question, failure messages shown, failed gradings, questions to revise.")
    p.add_argument("assignment", help="assignment id, as in source/<assignment>/")
    p.add_argument("--course-root", metavar="DIR", help="the course folder (default: as for grade-cohort)")
    p.add_argument("--out", metavar="DIR", help="where to write the report (default: autograded/)")
    p.set_defaults(handler=_report)
