"""Self-grading (``spm grade <assignment>``): grade the learner's copy with the real nbgrader pipeline.

The learner's copy in ``work/<assignment>/`` is only ever read. It is copied as the submission of the single
student ``me`` (with a ``timestamp.txt``) into a local nbgrader course folder, ``work/.grading/``, whose gradebook
holds the assignment as generated from the course's ``source/``; the grading core (:mod:`spmcourse.grading`)
autogrades it against the hidden tests and writes the feedback HTML. Then:

- the attempt is recorded in ``work/.course/grades.json`` (every attempt; latest and best are derived);
- the score per question is printed, with the message of each check that lost points (the last line of its
  error, never the hidden test's code);
- the feedback is copied to ``work/feedback/<assignment>/`` (visible in JupyterLab's file browser);
- the mark scheme (with its model answer) of each written question the learner has answered, with their answer
  beside it, is printed and written to ``work/feedback/<assignment>/mark-schemes.md``, so a self-study learner can
  assess their text; an unanswered question's mark scheme stays hidden until it is answered.

The learner's notebooks and the state files are checked before they are read (:func:`notebook_cells`,
:func:`spmcourse.learner.workspace.read_state`): a damaged notebook is a failed attempt with what to do, a damaged state
file is set aside under a dated name.

A grading that fails (a missing notebook, broken JSON, a dead kernel, a time-out) is reported and recorded as
failed, with its reason and what to do; it never counts as a score of 0.

What is graded is the copy as saved on disk: the report says when it was saved (an open notebook's unsaved changes
are not in it). The learner's code runs in the bubblewrap sandbox where it starts; elsewhere (macOS, Linux without
bubblewrap) without it, which the report says and the attempt records: it is the learner's own code, which already
ran in their own kernel with their own permissions, so there is nothing to protect (docs/sandbox.md). Grading a
class (``spm grade-cohort``) never does this.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from contextlib import closing
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timezone
from pathlib import Path

from spmcourse import COURSE_ROOT
from spmcourse.authoring.build import generate_release
from spmcourse.errors import CourseError
from spmcourse.authoring.lab import ensure_tools_on_path
from spmcourse.authoring.notebooks import read
from spmcourse.grading.cellmeta import CellMeta, cell_meta, nbgrader_metadata
from spmcourse.learner.workspace import (
    assignment_dir, display_path, file_hash, is_started, notebook_names, now, read_state, resolve, set_aside,
    shape_problem, state_dir, tree_files, workspace, write_json,
)

STUDENT = "me"
HISTORY_FILE = "grades.json"
MARK_SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===(.*?)=== END MARK SCHEME ===", re.S)


def grading_root(root: Path = COURSE_ROOT) -> Path:
    return workspace(root) / ".grading"


def feedback_dir(assignment: str, root: Path = COURSE_ROOT) -> Path:
    return workspace(root) / "feedback" / assignment


def work_hash(assignment: str, root: Path = COURSE_ROOT) -> str:
    """A hash of the learner's graded notebooks, to tell whether they changed since an attempt."""
    folder = assignment_dir(assignment, root)
    parts = {rel: file_hash(folder / rel) for rel in notebook_names(assignment, root) if (folder / rel).is_file()}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:12]


# --- The local nbgrader course ----------------------------------------------------------------------------------

def _config_text(root: Path) -> str:
    """The course's nbgrader config, pinned to the folder it is copied into (the local grading course: its own
    gradebook, header and exchange, whatever ``SPM_GRADEBOOK_URL`` or ``SPM_EXCHANGE`` say)."""
    return ((root / "nbgrader_config.py").read_text(encoding="utf-8") + """

# --- Added by `spm grade`: this folder is the learner's own one-student course. -----------------------------------
from pathlib import Path as _Path  # noqa: E402

_here = _Path(__file__).resolve().parent
c.CourseDirectory.root = str(_here)
c.CourseDirectory.db_url = f"sqlite:///{_here / 'gradebook.db'}"
c.IncludeHeaderFooter.header = str(_here / "source" / "header.ipynb")
c.Exchange.root = str(_here / "exchange")
c.HideMarkScheme.self_study = True  # the feedback says why its total counts the written questions as 0
""")


def grader_stamp(assignment: str, root: Path = COURSE_ROOT) -> str:
    """A hash of what grades ``assignment``: the course's nbgrader config, header and the assignment's source."""
    source = Path(root) / "source" / assignment
    stamp_input = {"config": _config_text(root), "header": file_hash(Path(root) / "source" / "header.ipynb"),
                   "source": {p.relative_to(source).as_posix(): file_hash(p) for p in tree_files(source)}}
    return hashlib.sha256(json.dumps(stamp_input, sort_keys=True).encode()).hexdigest()


def prepare_course(assignment: str, root: Path = COURSE_ROOT) -> Path:
    """Make ``work/.grading/`` a course with ``assignment`` generated into its gradebook (skipped if current)."""
    from spmcourse.learner import exam  # a practice exam paper drawn by the learner is graded against its own master

    root = Path(root)
    source = exam.source_folder(assignment, root)
    if not source.is_dir():
        raise CourseError(f"the course's source/{assignment}/ is missing, so its hidden tests cannot run. "
                          "Update the course (`make update`).")
    course = grading_root(root)
    (course / "source").mkdir(parents=True, exist_ok=True)
    config = _config_text(root)
    stamp = grader_stamp(assignment, root)
    stamps_file = course / "generated.json"
    stamps = read_state(stamps_file, dict, {"*": "str"}, "the grader's course is generated again", root)
    config_file = course / "nbgrader_config.py"
    current = config_file.is_file() and config_file.read_bytes() == config.encode("utf-8")
    has_assignment = _gradebook_has(course, assignment, root)  # (sets a damaged gradebook aside)
    if stamps.get(assignment) == stamp and current and has_assignment:
        return course
    (course / "nbgrader_config.py").write_text(config, encoding="utf-8")
    shutil.copy2(root / "source" / "header.ipynb", course / "source" / "header.ipynb")
    shutil.rmtree(course / "source" / assignment, ignore_errors=True)
    shutil.copytree(source, course / "source" / assignment,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    generate_release(assignment, root=course)
    stamps[assignment] = stamp
    write_json(stamps_file, stamps)
    return course


def _gradebook_has(course: Path, assignment: str, root: Path) -> bool:
    """Whether the local gradebook holds ``assignment``; a damaged gradebook is set aside (it holds nothing of the
    learner's own: their attempts are in grades.json)."""
    import sqlite3

    path = course / "gradebook.db"
    if not path.is_file():
        return False
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return bool(db.execute("SELECT 1 FROM assignment WHERE name = ?", (assignment,)).fetchone())
    except sqlite3.Error as err:
        set_aside(path, f"not a readable gradebook: {err}", "the grader's course is generated again", root)
        return False


def submit_copy(assignment: str, course: Path, root: Path = COURSE_ROOT) -> Path:
    """Copy the learner's folder (read-only) as the submission of ``me``, with a timestamp."""
    dest = course / "submitted" / STUDENT / assignment
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(assignment_dir(assignment, root), dest,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    (dest / "timestamp.txt").write_text(stamp + "\n", encoding="utf-8")
    return dest


# --- Reading notebooks, checked ---------------------------------------------------------------------------------
# The learner's notebooks are whatever is on disk: checked here before anything reads a cell, never modified.

@dataclass
class Cell:
    """The parts of a notebook cell the learner commands read."""
    kind: str       # "code" | "markdown" | "raw"
    source: str
    meta: CellMeta  # how nbgrader grades it (all false for an ordinary cell)


_NBGRADER_SHAPE = {"grade_id?": "str", "points?": ("num", None)}


def _cell_problem(i: int, cell) -> str:
    if not isinstance(cell, dict):
        return f"cell {i + 1} is not a cell"
    if cell.get("cell_type") not in ("code", "markdown", "raw"):
        return f"cell {i + 1} has no valid cell_type"
    problem = shape_problem(cell, {"source": ("str", ["str"]), "metadata": {"nbgrader?": _NBGRADER_SHAPE}},
                            f"cell {i + 1}")
    meta = nbgrader_metadata(cell) if not problem else {}
    if not problem and any(meta.get(k) for k in ("grade", "solution", "task")) and "grade_id" not in meta:
        problem = f"cell {i + 1} is graded but has no grade_id"
    return problem


def notebook_cells(path: Path) -> tuple[list[Cell], str]:
    """The cells of the notebook at ``path`` and "", or [] and what is wrong with it (missing, not JSON, not a
    version 4 notebook, a cell of the wrong shape)."""
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return [], "it is missing"
    except OSError as err:
        return [], f"it cannot be read ({err.strerror})"
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return [], "it is not valid notebook JSON"
    if not isinstance(data, dict) or data.get("nbformat") != 4 or not isinstance(data.get("cells"), list):
        return [], "its JSON is not a notebook (no list of cells in nbformat 4)"
    for i, cell in enumerate(data["cells"]):
        problem = _cell_problem(i, cell)
        if problem:
            return [], problem
    return [Cell(c["cell_type"], "".join(c["source"]), cell_meta(c)) for c in data["cells"]], ""


# --- Questions and mark schemes from the source -----------------------------------------------------------------

@dataclass
class Written:
    grade_id: str
    title: str
    points: float
    question: str
    scheme: str


def _heading(text: str) -> str:
    for line in text.splitlines():
        if line.strip().startswith("#"):
            return line.strip().lstrip("#").strip()
    return ""


def question_titles(assignment: str, root: Path = COURSE_ROOT) -> dict[str, str]:
    """grade_id -> the title of its question (the nearest heading above it in the master)."""
    titles, last = {}, ""
    for path in sorted((Path(root) / "source" / assignment).glob("*.ipynb")):
        for cell in read(path).cells:
            meta = cell_meta(cell)
            if cell.cell_type == "markdown" and _heading(cell.source):
                last = _heading(cell.source)
            if meta.graded:
                titles[meta.grade_id] = _heading(cell.source) if cell.cell_type == "markdown" else last
    return titles


def written_questions(assignment: str, root: Path = COURSE_ROOT) -> list[Written]:
    """Every cell of the master that carries a mark scheme (manually graded tasks and answers)."""
    found = []
    for path in sorted((Path(root) / "source" / assignment).glob("*.ipynb")):
        for cell in read(path).cells:
            schemes = MARK_SCHEME.findall(cell.source)
            if not schemes:
                continue
            meta = cell_meta(cell)
            question = MARK_SCHEME.sub("", cell.source).strip()
            gid = meta.grade_id or "?"
            found.append(Written(gid, _heading(question) or gid, meta.points, question,
                                 "\n\n".join(s.strip() for s in schemes)))
    return found


def _written_answers(path: Path) -> dict[str, str]:
    """grade_id of a written question -> the text of its answer in the notebook at ``path``: a manually graded
    markdown answer cell, or the plain markdown cells after a task cell, up to the next nbgrader cell."""
    answers: dict[str, str] = {}
    current = None
    for cell in notebook_cells(path)[0]:
        meta = cell.meta
        if meta.task:
            current = meta.grade_id
            answers[current] = ""
        elif meta.solution and cell.kind == "markdown":
            answers[meta.grade_id] = cell.source.strip()
            current = None
        elif meta.grade_id or meta.locked:
            current = None
        elif current and cell.kind == "markdown":
            answers[current] = (answers[current] + "\n\n" + cell.source.strip()).strip()
    return answers


def learner_answers(assignment: str, root: Path = COURSE_ROOT) -> dict[str, str]:
    """grade_id -> the learner's written answer; "" where it is still the text the release came with."""
    answers: dict[str, str] = {}
    for rel in notebook_names(assignment, root):
        given = _written_answers(Path(root) / "release" / assignment / rel)
        for gid, text in _written_answers(assignment_dir(assignment, root) / rel).items():
            answers[gid] = "" if text == given.get(gid, "") else text
    return answers


def unanswered(assignment: str, root: Path = COURSE_ROOT) -> set[str]:
    """grade_ids of the test cells whose answer cells the learner has not touched yet (still as released)."""
    found: set[str] = set()
    for rel in notebook_names(assignment, root):
        released = notebook_cells(Path(root) / "release" / assignment / rel)[0]
        mine, problem = notebook_cells(assignment_dir(assignment, root) / rel)
        if problem:
            continue
        current = {c.meta.grade_id: c.source for c in mine if c.meta.solution}
        group, after_test = [], False
        for cell in released:
            meta = cell.meta
            if meta.solution and cell.kind == "code":
                group = [] if after_test else group
                group.append((meta.grade_id, cell.source))
                after_test = False
            elif meta.grade and cell.kind == "code":
                if group and all(current.get(gid, src) == src for gid, src in group):
                    found.add(meta.grade_id)
                after_test = True
    return found


def mark_scheme_markdown(assignment: str, root: Path = COURSE_ROOT) -> str:
    written = written_questions(assignment, root)
    if not written:
        return ""
    answers = learner_answers(assignment, root)
    parts = [f"# {assignment}: mark schemes of the written questions\n",
             "Score your own answer against each criterion; the course cannot grade written text for you.\n"]
    for w in written:
        answer = answers.get(w.grade_id, "").strip()
        title = w.title if "point" in w.title else f"{w.title} ({w.points:g} points)"
        if not answer:  # the mark scheme holds the model answer: shown only once the learner has written theirs
            parts += [f"## {title}\n", "*(no answer yet: write your answer in the notebook and grade again; its "
                      "mark scheme appears here then)*\n"]
            continue
        parts += [f"## {title}\n", f"**Your answer**\n\n{answer}\n", f"**Mark scheme**\n\n{w.scheme}\n"]
    return "\n".join(parts)


# --- Attempts and history ---------------------------------------------------------------------------------------

@dataclass
class Attempt:
    """One grading of the learner's copy, as recorded in the history."""
    assignment: str
    status: str                 # "graded" | "failed" | "timed out"
    reason: str
    timestamp: str
    score: float | None         # the nbgrader total (written answers count 0 until assessed by a person)
    max_score: float
    auto_score: float | None    # points on the auto-graded questions
    auto_max: float
    written_max: float          # points of the written questions, for the learner to self-assess
    cells: dict = field(default_factory=dict)
    feedback: list = field(default_factory=list)  # course-relative paths
    work_hash: str = ""
    sandboxed: bool | None = None  # whether the learner's code ran in the sandbox; None: not known (or never ran)
    grader: str = ""            # grader_stamp() of the hidden tests it was graded with ("": not known)
    saved_at: str = ""          # when the graded notebooks were last saved (local ISO time; "": not known)
    # not recorded: this result was given again because the copy had not changed since (see `grade`)
    reused: bool = field(default=False, compare=False)

    @property
    def graded(self) -> bool:
        return self.status == "graded"

    @property
    def percent(self) -> float | None:
        if not self.graded or not self.auto_max:
            return None
        return 100.0 * (self.auto_score or 0.0) / self.auto_max

    def score_text(self) -> str:
        if not self.graded:
            return self.status
        return f"{self.auto_score:g}/{self.auto_max:g}"


_NUMBER = ("num", None)
_CELL_SHAPE = {"score?": _NUMBER, "max?": _NUMBER, "kind?": "str", "message?": ("str", None),
               "unanswered?": "bool"}
#: What one recorded attempt must look like (keys added by later versions of the course are ignored).
ATTEMPT_SHAPE = {"assignment": "str", "status": "str", "reason": "str", "timestamp": "str", "score": _NUMBER,
                 "max_score": "num", "auto_score": _NUMBER, "auto_max": "num", "written_max": "num",
                 "cells?": {"*": _CELL_SHAPE}, "feedback?": ["str"], "work_hash?": "str",
                 "sandboxed?": ("bool", None), "grader?": "str", "saved_at?": "str"}
_ATTEMPT_FIELDS = [f.name for f in fields(Attempt) if f.name != "reused"]


def _stored(attempt: Attempt) -> dict:
    return {k: v for k, v in asdict(attempt).items() if k in _ATTEMPT_FIELDS}


def _graded_have_scores(history: dict) -> str:
    for assignment, attempts in history.items():
        for i, x in enumerate(attempts):
            if x["status"] == "graded" and x["auto_score"] is None:
                return f"[{assignment[:40]!r}][{i}] is graded but has no auto_score"
    return ""


def _read_history(root: Path) -> dict:
    return read_state(state_dir(root) / HISTORY_FILE, dict, {"*": [ATTEMPT_SHAPE]},
                      "your grade history starts again empty (your notebooks are not affected)", root,
                      check=_graded_have_scores)


def load_history(root: Path = COURSE_ROOT) -> dict[str, list[Attempt]]:
    """assignment -> its attempts, oldest first, from the checked history file."""
    return {a: [Attempt(**{k: x[k] for k in _ATTEMPT_FIELDS if k in x}) for x in attempts]
            for a, attempts in _read_history(root).items()}


def record(attempt: Attempt, root: Path = COURSE_ROOT) -> None:
    """Add ``attempt`` to the history (a damaged history is set aside first, so the attempt is never lost)."""
    raw = _read_history(root)
    raw.setdefault(attempt.assignment, []).append(_stored(attempt))
    write_json(state_dir(root) / HISTORY_FILE, raw)


def _replace_latest(attempt: Attempt, root: Path) -> None:
    """Put ``attempt`` in place of the latest recorded one (the same grading, now with its feedback)."""
    raw = _read_history(root)
    attempts = raw.setdefault(attempt.assignment, [])
    if attempts and attempts[-1].get("timestamp") == attempt.timestamp:
        attempts[-1] = _stored(attempt)
    else:  # the history was set aside meanwhile: keep the attempt all the same
        attempts.append(_stored(attempt))
    write_json(state_dir(root) / HISTORY_FILE, raw)


def latest(attempts: list[Attempt]) -> Attempt | None:
    return attempts[-1] if attempts else None


def best(attempts: list[Attempt]) -> Attempt | None:
    graded = [a for a in attempts if a.graded]
    return max(graded, key=lambda a: (a.auto_score or 0.0, a.timestamp)) if graded else None


def _failed(assignment: str, reason: str, root: Path, saved: str = "") -> Attempt:
    return Attempt(assignment, "failed", reason, now(), None, 0.0, None, 0.0, 0.0,
                   work_hash=work_hash(assignment, root), saved_at=saved)


def saved_at(assignment: str, root: Path = COURSE_ROOT) -> str:
    """When the learner's notebooks of ``assignment`` were last saved (the newest, local ISO time), or ""."""
    folder = assignment_dir(assignment, root)
    times = [(folder / rel).stat().st_mtime for rel in notebook_names(assignment, root) if (folder / rel).is_file()]
    if not times:
        return ""
    return datetime.fromtimestamp(max(times), timezone.utc).astimezone().isoformat(timespec="seconds")


def when(iso: str, current: datetime | None = None) -> str:
    """A recorded time as the learner reads it: "03:12 (5 minutes ago)", "4 Dec 03:12 (2 days ago)"."""
    try:
        then = datetime.fromisoformat(iso).astimezone()
    except (TypeError, ValueError):
        return iso or "an unknown time"
    current = (current or datetime.now(timezone.utc)).astimezone()
    minutes = int((current - then).total_seconds() // 60)
    if minutes < 1:
        ago = "just now"
    elif minutes < 120:
        ago = f"{minutes} minute{'s' * (minutes != 1)} ago"
    elif minutes < 48 * 60:
        ago = f"{minutes // 60} hours ago"
    else:
        ago = f"{minutes // (24 * 60)} days ago"
    day = "" if then.date() == current.date() else f"{then.day} {then:%b} "
    return f"{day}{then:%H:%M} ({ago})"


def _learner_sandbox() -> bool:
    """Whether self-grading uses the sandbox: yes where bubblewrap starts, unless opted out (SPM_UNSANDBOXED=1).

    Elsewhere it grades without: the code is the learner's own and already ran in their kernel with their own
    permissions, so the sandbox would protect nothing (docs/sandbox.md, "Learners' machines").
    """
    from spmcourse.grading import sandbox

    if sandbox.opted_out():
        return False
    try:
        sandbox.ensure_available()
    except sandbox.SandboxUnavailable:
        return False
    return True


def _attempt_from(outcome, assignment: str, root: Path, saved: str = "") -> Attempt:
    cells = {gid: dict(c) for gid, c in (outcome.cells or {}).items()}
    written = learner_answers(assignment, root)
    for gid in (unanswered(assignment, root) | {g for g, text in written.items() if not text}) & set(cells):
        cells[gid]["unanswered"] = True
    auto = [c for c in cells.values() if c.get("kind") == "auto"]
    graded = outcome.status == "graded"
    feedback = _copy_feedback(outcome, assignment, root) if graded else []
    return Attempt(
        assignment=assignment, status=outcome.status, reason=outcome.reason, timestamp=now(),
        score=outcome.score if graded else None, max_score=float(outcome.max_score or 0.0),
        auto_score=sum(float(c.get("score") or 0.0) for c in auto) if graded else None,
        auto_max=sum(float(c.get("max") or 0.0) for c in auto),
        written_max=sum(float(c.get("max") or 0.0) for c in cells.values() if c.get("kind") == "manual"),
        cells=cells, feedback=feedback, work_hash=work_hash(assignment, root),
        grader=grader_stamp(assignment, root), sandboxed=outcome.sandboxed, saved_at=saved)


def unchanged_attempt(assignment: str, root: Path = COURSE_ROOT) -> Attempt | None:
    """The latest attempt, if it was graded from the very notebooks the learner has now, by the same hidden tests,
    and its feedback is still there: grading again would only give the same result."""
    last = latest(load_history(root).get(assignment, []))
    if last is None or not last.graded or not last.work_hash or not last.grader:
        return None
    if any(not (Path(root) / path).is_file() for path in last.feedback):
        return None
    if last.work_hash != work_hash(assignment, root) or last.grader != grader_stamp(assignment, root):
        return None
    return last


def _copy_feedback(outcome, assignment: str, root: Path) -> list[str]:
    """Put the feedback of a grading in work/feedback/<assignment>/ (replacing the previous); its paths."""
    feedback = []
    dest = feedback_dir(assignment, root)
    if outcome.feedback:
        for old in dest.glob("*.html"):
            old.unlink()
        dest.mkdir(parents=True, exist_ok=True)
    for src in outcome.feedback:
        shutil.copy2(src, dest / Path(src).name)
        feedback.append(display_path(dest / Path(src).name, root))
    return feedback


def _unreadable(assignment: str, root: Path) -> str:
    """Why the learner's notebooks cannot be graded at all (missing, not valid JSON), in their terms; or ""."""
    folder = assignment_dir(assignment, root)
    where = display_path(folder, root)
    for rel in notebook_names(assignment, root):
        path = folder / rel
        if not path.is_file():
            return (f"your notebook {where}/{rel} is missing. If you renamed or moved it, put it back under that "
                    f"name; if you deleted it, Start (make start A={assignment}) copies a fresh one and keeps "
                    "your other files.")
        problem = notebook_cells(path)[1]
        if problem:
            return (f"your notebook {where}/{rel} is damaged ({problem}), so the grader cannot open it. If you "
                    f"edited it outside JupyterLab, undo that edit; otherwise rename it (for example to "
                    f"{Path(rel).stem}.damaged.ipynb), press Start (make start A={assignment}) to get a fresh copy, "
                    "and copy your answers over from the damaged file (it is plain text).")
    return ""


def grade(name: str, root: Path = COURSE_ROOT, *, timeout: float | None = None, announce=None,
          scored=None) -> Attempt:
    """Grade the learner's copy of an assignment; record and return the attempt (graded or failed).

    Raises :class:`CourseError` only for bad input (unknown assignment, not started): those are not attempts.
    ``announce(text)``, if given, is called once the input is checked, before the grading starts.
    ``scored(attempt)``, if given, is called once with the recorded attempt as soon as there is a result: a graded
    attempt before its feedback HTML is written (its ``feedback`` is empty then; the returned attempt has it).
    """
    from spmcourse import grading  # the grading core; imported here so that `spm start` never needs nbgrader
    from spmcourse.grading import sandbox

    ensure_tools_on_path()
    root = Path(root)
    assignment = resolve(name, root)
    if not is_started(assignment, root):
        raise CourseError(f"you have not started {assignment} yet: run `make start A={assignment}` "
                          "(or press Start in notebooks/progress.ipynb), answer the questions, then grade.")
    previous = unchanged_attempt(assignment, root)
    if previous is not None:  # the report says that this result stands (``reused``)
        previous = replace(previous, reused=True)
        _write_mark_schemes(previous, root)
        if scored:
            scored(previous)
        return previous
    if announce:
        announce(f"Grading your copy of {assignment} against the hidden tests (this takes a few seconds)...")
    saved = saved_at(assignment, root)
    problem = _unreadable(assignment, root)
    if problem:
        attempt = _failed(assignment, problem, root, saved)
        record(attempt, root)
        return attempt
    course = prepare_course(assignment, root)
    submit_copy(assignment, course, root)
    early: list[Attempt] = []

    def on_scored(outcome) -> None:  # the score first: the feedback HTML takes another second to write
        if outcome.student != STUDENT or not outcome.ok:
            return
        attempt = _attempt_from(outcome, assignment, root, saved)
        record(attempt, root)
        _write_mark_schemes(attempt, root)
        early.append(attempt)
        if scored:
            scored(attempt)

    with sandbox.sandboxed(_learner_sandbox()):  # the grading's workers inherit the choice
        outcomes = grading.grade_submissions(course, assignment, [STUDENT], feedback=True, timeout=timeout,
                                             scored=on_scored)
    mine = [o for o in outcomes if o.student == STUDENT]
    if early:  # recorded already: add its feedback
        attempt = replace(early[0], feedback=_copy_feedback(mine[0], assignment, root) if mine else [])
        _replace_latest(attempt, root)
        return attempt
    if not mine:
        attempt = _failed(assignment, "the grader returned no result for your submission; run the command "
                                      "again, and report it if it persists.", root, saved)
    else:
        attempt = _attempt_from(mine[0], assignment, root, saved)
    record(attempt, root)  # first: whatever goes wrong afterwards, the attempt is kept
    _write_mark_schemes(attempt, root)
    if scored:
        scored(attempt)
    return attempt


def _write_mark_schemes(attempt: Attempt, root: Path) -> None:
    scheme_file = feedback_dir(attempt.assignment, root) / "mark-schemes.md"
    if attempt.graded:
        schemes = mark_scheme_markdown(attempt.assignment, root)
        scheme_file.unlink(missing_ok=True)
        if schemes:
            scheme_file.parent.mkdir(parents=True, exist_ok=True)
            scheme_file.write_text(schemes, encoding="utf-8")
        from spmcourse.learner import exam

        exam.write_review(attempt, root)  # the practice exam's score per chapter and sub-area, and explanations


# --- Report -----------------------------------------------------------------------------------------------------

def check_message(message) -> str:
    """A failed check as the learner sees it: the last line of its message (an error's type and message), never
    more: the code of a hidden test and its traceback are not shown."""
    lines = [line.strip() for line in str(message or "").splitlines() if line.strip()]
    text = lines[-1] if lines else ""
    return text if len(text) <= 300 else text[:299] + "…"


_SAVE_HINT = "Unsaved changes in an open notebook are not included: save it (Ctrl+S) and grade again."
_SANDBOX_OFF = ("Graded without the sandbox (bubblewrap is not available here, as on macOS, or SPM_UNSANDBOXED=1 "
                "is set): fine for your own work, which ran with your permissions in your notebook already.")


def _version_note(attempt: Attempt) -> str:
    """Which saved version of the copy the result is for, and that unsaved changes are not in it."""
    saved = f"as saved at {when(attempt.saved_at)}" if attempt.saved_at else "as saved on disk"
    if attempt.reused:
        return (f"Your copy of {attempt.assignment} {saved} has not changed since it was graded at "
                f"{when(attempt.timestamp)}, so that result stands. {_SAVE_HINT}")
    return f"Graded your copy {saved}. {_SAVE_HINT}"


def _written_note(attempt: Attempt) -> str:
    """What the written questions' points are, and why the feedback page's total is larger."""
    manual = [c for c in attempt.cells.values() if c.get("kind") == "manual"]
    if not attempt.written_max or not manual:
        return ""
    what = ("The written question ({:g} points) is not auto-graded: once answered, assess your answer yourself "
            "with the mark scheme" if len(manual) == 1 else
            f"The {len(manual)} written questions ({{:g}} points) are not auto-graded: once answered, assess your "
            "answers yourself with the mark schemes").format(attempt.written_max)
    return (f" {what}. The feedback page counts them as 0, so its total reads {attempt.score or 0:g} / "
            f"{attempt.max_score:g}.")


def _code_link(path: str, text: str) -> str:
    return f"`{path}`"


def report(attempt: Attempt, root: Path = COURSE_ROOT, *, link=_code_link, schemes: bool = True) -> str:
    """The learner's report of one attempt, as markdown (readable as plain text too).

    ``link(path, text)`` formats a link to a course-relative file (default: the path in backticks). With
    ``schemes`` the mark schemes are included in full; otherwise linked.
    """
    a = attempt.assignment
    if not attempt.graded:
        return (f"**Grading {a} failed** ({attempt.status}): it is recorded as a failed attempt, not as a score."
                f"\n\n{attempt.reason}")
    lines = [f"**{a}: {attempt.auto_score:g} of {attempt.auto_max:g} points** on the auto-graded questions."
             + _written_note(attempt), "", _version_note(attempt)]
    if attempt.sandboxed is False:
        lines += ["", _SANDBOX_OFF]
    lines.append("")
    titles = question_titles(a, root)
    for gid, cell in attempt.cells.items():
        title, top = titles.get(gid) or gid, float(cell.get("max") or 0)
        if cell.get("kind") == "manual":
            lines.append(f"- {title}: written answer, not answered yet ({top:g} points; its mark scheme is shown "
                         "once you have answered it)" if cell.get("unanswered") else
                         f"- {title}: written answer, assess it yourself with the mark scheme ({top:g} points)")
            continue
        score = cell.get("score")
        if score is not None and score >= top:
            lines.append(f"- {title}: {score:g}/{top:g} ✓")
        else:
            got = "not graded" if score is None else f"{score:g}/{top:g}"
            why = ("not answered yet (in the saved notebook, its answer cell is still as released)"
                   if cell.get("unanswered")
                   else check_message(cell.get("message")))
            lines.append(f"- {title}: {got}, lost points" + (f": {why}" if why else ""))
    lines.append("")
    for path in attempt.feedback:
        lines.append(f"Feedback, with your notebook and the result of each check: {link(path, path)}")
    review = feedback_dir(a, root) / "review.md"
    if a == "12-practice-exam" and review.is_file():
        rel = display_path(review, root)
        lines.append(f"Your exam review, with the score per chapter and sub-area and every option explained: "
                     f"{link(rel, rel)}")
    history = load_history(root).get(a, [])
    top_attempt = best(history)
    if top_attempt is not None and sum(x.graded for x in history) > 1:
        lines.append(f"\nBest so far: {top_attempt.score_text()}, graded at {when(top_attempt.timestamp)}; "
                     f"{len(history)} attempts.")
    scheme_file = feedback_dir(a, root) / "mark-schemes.md"
    answered = [c for c in attempt.cells.values() if c.get("kind") == "manual" and not c.get("unanswered")]
    if answered and scheme_file.exists():
        rel = display_path(scheme_file, root)
        if schemes:
            lines += ["", f"Mark schemes of the written questions (also in {link(rel, rel)}):", "",
                      scheme_file.read_text(encoding="utf-8", errors="replace")]
        else:
            lines.append(f"\nWritten questions: assess your answers with {link(rel, 'the mark schemes')}.")
    return "\n".join(lines)


def _grade(args) -> int:
    shown: list[Attempt] = []

    def show(attempt: Attempt) -> None:  # as soon as there is a score; the feedback's path follows when written
        print(report(attempt, COURSE_ROOT), flush=True)
        shown.append(attempt)

    attempt = grade(args.assignment, COURSE_ROOT, timeout=args.timeout, announce=lambda text: print(text, flush=True),
                    scored=show)
    if not shown:  # a copy that cannot be graded at all
        print(report(attempt, COURSE_ROOT))
    for path in attempt.feedback if shown and not shown[-1].feedback else []:
        print(f"Feedback, with your notebook and the result of each check: {_code_link(path, path)}")
    return 0 if attempt.graded else 1


def register(subparsers) -> None:
    p = subparsers.add_parser("grade", help="grade your copy of an assignment: scores, feedback, mark schemes")
    p.add_argument("assignment", help="assignment id or module number, e.g. 00 or 00-orientation")
    p.add_argument("--timeout", type=float, default=None,
                   help="give up grading after this many seconds (default: the course's limit)")
    p.set_defaults(handler=_grade)
