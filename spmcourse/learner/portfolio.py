"""``spm portfolio``: the learner's capstone, own-product notebooks and written answers as one HTML page.

The page is built from the learner's own copies in the workspace (``work/``, see :mod:`spmcourse.learner.workspace`):

1. the capstone assignment ``work/12-capstone/``: every cell except the check cells, with the learner's outputs
   (tables and plots embedded, so the page needs no other file);
2. every notebook in ``work/own-product/`` (the template ``notebooks/12-your-own-product.ipynb`` saved there);
3. the written answers of every other assignment the learner started: each question and the answer below it.

It is one self-contained file: inline CSS, images as data URIs, no scripts, nothing fetched from the network. A file
at the output path is replaced only if an earlier ``spm portfolio`` wrote it; anything else is left alone.
"""
from __future__ import annotations

import base64
import html
import re
from datetime import date
from pathlib import Path

import mistune

from spmcourse import COURSE_ROOT
from spmcourse.authoring import curriculum, notebooks
from spmcourse.learner import workspace
from spmcourse.errors import CourseError

CAPSTONE = "12-capstone"
OWN_FOLDER = "own-product"


def own_folder(root: Path = COURSE_ROOT) -> Path:
    """Where the learner's own product's files go: ``own-product/`` in their workspace (``work/``, git-ignored)."""
    return workspace.workspace(root) / OWN_FOLDER
GENERATOR = '<meta name="generator" content="spm portfolio">'
_MARK_SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===.*?=== END MARK SCHEME ===", re.S)
_UNANSWERED = {"", "YOUR ANSWER HERE"}
# escape=True: raw HTML in a learner's markdown is shown as text, so no script can get into the page
_markdown = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.5}
h1{color:#1f5f8b}h2{border-bottom:2px solid #d5e3ee;padding-bottom:.2rem;margin-top:2.5rem}
pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;font-size:.85rem;border-radius:4px}
.out pre{background:#fff;border-left:3px solid #d5e3ee}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem}
img{max-width:100%}.question{color:#555;border-left:4px solid #e07a1f;padding-left:.8rem}
.answer{border-left:4px solid #2e8b57;padding-left:.8rem}.note{color:#7f8c8d;font-size:.9rem}
"""


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_check_cell(cell) -> bool:
    meta = _nbgrader(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _is_header(cell) -> bool:
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith("# Before you start")


def _output_html(output) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return f"<pre>{html.escape(output.get('text', ''))}</pre>"
    if kind == "error":
        return f"<pre>{html.escape(output.get('ename', ''))}: {html.escape(output.get('evalue', ''))}</pre>"
    data = output.get("data", {})
    if "image/png" in data:
        png = data["image/png"]
        png = png if isinstance(png, str) else base64.b64encode(png).decode()
        return f'<img alt="plot" src="data:image/png;base64,{png.strip()}">'
    table = data.get("text/html", "")
    table = "".join(table) if isinstance(table, list) else table
    if table and "<table" in table and not re.search(r"<\s*(script|iframe|object|embed|link)|\son\w+\s*=", table, re.I):
        return table  # a pandas table: its own HTML, checked to hold no script or external resource
    if "text/plain" in data:
        return f"<pre>{html.escape(str(data['text/plain']))}</pre>"
    return ""


def notebook_html(path: Path, *, drop_checks: bool = True) -> str:
    """The cells of one notebook as HTML: markdown rendered, code in ``<pre>``, outputs embedded."""
    nb = notebooks.read(path)
    parts = []
    for cell in nb.cells:
        if _is_header(cell) or (drop_checks and _is_check_cell(cell)):
            continue
        if cell.cell_type == "markdown":
            parts.append(_markdown(_MARK_SCHEME.sub("", cell.source)))
        elif cell.cell_type == "code" and cell.source.strip():
            parts.append(f"<pre>{html.escape(cell.source)}</pre>")
            outs = "".join(_output_html(o) for o in cell.get("outputs", []))
            if outs:
                parts.append(f'<div class="out">{outs}</div>')
    return "\n".join(parts)


def written_answers(root: Path = COURSE_ROOT) -> list[dict]:
    """Every answered written question in the learner's copies: ``assignment``, ``title``, ``question`` (without
    any mark scheme) and ``answer`` (markdown), in course order."""
    found = []
    for module in curriculum.available_modules(root):
        folder = workspace.assignment_dir(module.key, root)
        for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
            try:
                cells = notebooks.read(path).cells
            except (ValueError, OSError):
                continue  # a damaged copy: the capstone part names it; the rest of the page still builds
            for cell, nxt in zip(cells, cells[1:]):
                if _nbgrader(cell).get("task") and nxt.cell_type == "markdown" \
                        and nxt.source.strip() not in _UNANSWERED:
                    found.append({"assignment": module.key, "title": module.title,
                                  "question": _MARK_SCHEME.sub("", cell.source).strip(), "answer": nxt.source})
    return found


def render(root: Path = COURSE_ROOT, *, name: str = "") -> tuple[str, list[str]]:
    """The page, and notes on what was left out (for the command's output)."""
    notes, sections = [], []
    capstone_dir = workspace.assignment_dir(CAPSTONE, root)
    capstone_nbs = sorted(capstone_dir.glob("*.ipynb")) if capstone_dir.is_dir() else []
    main = [p for p in capstone_nbs if not re.search(r"\.v\d+\.ipynb$", p.name)]
    if not main:
        notes.append(f"no capstone yet: run `make start A={CAPSTONE}`, answer it, then export again.")
    for path in main:
        try:
            sections.append(f"<h2>Capstone: should Kestrel launch a care edition?</h2>\n{notebook_html(path)}")
        except ValueError as err:
            notes.append(f"{workspace.display_path(path, root)} was left out: {err}")
    own = workspace.workspace(root) / OWN_FOLDER
    for path in sorted(own.glob("*.ipynb")) if own.is_dir() else []:
        try:
            sections.append(f"<h2>My own product: {html.escape(path.stem)}</h2>\n"
                            f"{notebook_html(path, drop_checks=False)}")
        except ValueError as err:
            notes.append(f"{workspace.display_path(path, root)} was left out: {err}")
    shown = {CAPSTONE} if any(s.startswith("<h2>Capstone") for s in sections) else set()
    answers = [a for a in written_answers(root) if a["assignment"] not in shown]  # not twice on one page
    if answers:
        items = [f"<h3>{html.escape(a['assignment'])} · {html.escape(a['title'])}</h3>\n"
                 f'<div class="question">{_markdown(a["question"])}</div>\n'
                 f'<div class="answer">{_markdown(a["answer"])}</div>' for a in answers]
        sections.append("<h2>Written answers</h2>\n" + "\n".join(items))
    else:
        notes.append("no written answers yet: answer the written question below a task in any assignment.")
    if not sections:
        damaged = [n for n in notes if "was left out" in n]
        raise CourseError("there is nothing to export yet: no capstone, own-product notebook or written answer in "
                          f"{workspace.display_path(workspace.workspace(root), root)}. "
                          + (" ".join(damaged) if damaged else f"Start with `make start A={CAPSTONE}`."))
    who = html.escape(name) if name else "Product-management portfolio"
    title = f"{who}: software product management portfolio" if name else who
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">{GENERATOR}'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title><style>{CSS}</style></head><body>\n<h1>{title}</h1>\n"
            f'<p class="note">Exported on {date.today().isoformat()} from the course "Software Product Management, '
            "hands-on\". The case company, Kestrel Software, and its data are fictional.</p>\n"
            + "\n".join(sections) + "\n</body></html>\n")
    return page, notes


def export(out: Path | None = None, root: Path = COURSE_ROOT, *, name: str = "") -> tuple[Path, list[str]]:
    """Write the page to ``out`` (default ``work/portfolio.html``); return the path and the notes."""
    out = Path(out) if out else workspace.workspace(root) / "portfolio.html"
    if out.exists() and (out.is_dir() or GENERATOR not in out.read_text(encoding="utf-8", errors="replace")):
        raise CourseError(f"{out} exists and was not written by `spm portfolio`; it is left alone. "
                          "Choose another file with --out, or move that one away.")
    page, notes = render(root, name=name)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)  # never a half-written page
    return out, notes


def _portfolio(args) -> int:
    path, notes = export(Path(args.out) if args.out else None, COURSE_ROOT, name=args.name or "")
    for note in notes:
        print(f"Note: {note}")
    print(f"Portfolio written to {workspace.display_path(path, COURSE_ROOT)}: open it in a browser, or send it "
          "as one file.")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("portfolio", help="export your capstone and written answers to one HTML page")
    p.add_argument("--out", help="the HTML file to write (default: work/portfolio.html)")
    p.add_argument("--name", help="your name, for the page's title")
    p.set_defaults(handler=_portfolio)
