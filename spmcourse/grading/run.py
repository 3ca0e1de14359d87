"""The grading core: autograde submissions with nbgrader, robustly and in parallel.

Used by ``spm grade-cohort`` (an instructor grading a class) and by ``spm grade`` (a learner grading their own
work). Everything is real nbgrader: its ``Autograde`` converter executes and scores the notebooks, its
``SaveAutoGrades`` and ``AssignLatePenalties`` preprocessors write the gradebook, its ``GenerateFeedback``
converter writes the feedback.

How a run works
---------------
``grade_submissions(course_root, assignment)`` grades ``<course_root>/submitted/<student>/<assignment>/``:

1. The parent process takes a *snapshot* of the gradebook's assignment tables (assignment, notebooks, source and
   graded cells, students) into a private SQLite file, and starts ``jobs`` worker processes.
2. Each worker grades one student at a time in its own private course folder: it copies the submission there
   (skipping files over ``CourseDirectory.max_file_size``), checks it (notebooks missing, renamed or not valid
   JSON; duplicated ``grade_id``\\s, which nbgrader 0.9.6 cannot grade with ``add_missing_cells``), and runs
   nbgrader's unmodified ``Autograde`` converter against its own copy of the snapshot. Workers never touch the
   real gradebook, so they cannot corrupt it whatever a notebook does.
3. The parent *commits* each graded student into the real gradebook, one at a time and in one transaction: it
   creates the submission with its timestamp and runs nbgrader's own ``SaveAutoGrades`` and
   ``AssignLatePenalties`` on the executed notebook (so scores are exactly what ``nbgrader autograde`` records,
   and manual grades already entered are kept), then moves the autograded folder into place. A failed grading
   commits nothing. A worker that finishes gets its next student before the parent records the last one.
4. Feedback (``generate_feedback``) is then produced by a free worker from the real gradebook.

Every student has a wall-time limit (``timeout``); a worker that exceeds it is killed with every process it
started (kernels, and whatever the student's code spawned: workers are child subreapers), the student is
recorded as ``timed out``, and a fresh worker takes over. A failed grading is never a score of 0: its score is
``None`` and its reason says what went wrong and what to do.

The outcome of every student is also recorded in ``autograded/.spm-grading-status.json``, which
:class:`StatusCsvExport` (``nbgrader export --exporter=spmcourse.grading.StatusCsvExport``) reads to mark failed
gradings in the exported CSV instead of showing them as 0.
"""
from __future__ import annotations

import contextlib
import copy
import ctypes
import datetime
import json
import logging
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from spmcourse.authoring.lab import ensure_tools_on_path
from spmcourse.grading import compat, safefiles
from spmcourse.errors import CourseError

GRADED, FAILED, TIMED_OUT = "graded", "failed", "timed out"

#: Longest text kept from one cell output in the autograded notebook (nbgrader's LimitOutput counts lines only).
MAX_OUTPUT_CHARS = 100_000
#: Wall-time limit for generating one student's feedback.
FEEDBACK_TIMEOUT = 180.0
STATUS_FILE = ".spm-grading-status.json"
#: The run's scratch folder (workers' private course folders) is ``<tmp>/spm-grading-<pid>.<start>-...``.
SCRATCH_PREFIX = "spm-grading-"
_LOG_LINES = 400


@dataclass
class Outcome:
    """What grading one student's submission of one assignment gave."""
    student: str
    assignment: str
    status: str            # "graded" | "failed" | "timed out"
    reason: str            # "" when graded; otherwise what went wrong and what to do, in plain words
    score: float | None    # None unless graded: a failed grading is never 0
    max_score: float
    cells: dict            # grade_id -> {"score": float|None, "max": float, "kind": "auto"|"manual", "message": str}
    feedback: list         # paths of feedback HTML files (may be empty)
    timestamp: str         # the submission's timestamp
    warnings: list = field(default_factory=list)  # worth knowing although graded: restored cells, skipped files
    seconds_late: float = 0.0
    seconds: float = 0.0   # wall time spent on this student
    log: str = ""          # nbgrader's log for this student (warnings and errors)
    sandboxed: bool | None = None  # whether the student's code ran in the sandbox (None: not known)

    @property
    def ok(self) -> bool:
        return self.status == GRADED

    @property
    def manual_grading(self) -> str:
        """"needed" while a written answer of a graded submission has no score yet, "done" once every one has,
        "" when there is nothing to grade by hand (or the grading failed)."""
        manual = [c for c in self.cells.values() if c.get("kind") == "manual"]
        if not self.ok or not manual:
            return ""
        return "needed" if any(c.get("score") is None for c in manual) else "done"


# --- Configuration -----------------------------------------------------------------------------------------------

def load_config(course_root: str | Path):
    """The nbgrader config the ``nbgrader`` command would use in ``course_root``, with its root set to it.

    Like nbgrader: the ``nbgrader_config.py`` files of Jupyter's config path (system, then user), then the
    course's own, which wins.
    """
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    course_root = Path(course_root).resolve()
    cfg = Config()
    for folder in [*reversed(jupyter_config_path()), str(course_root)]:
        if (Path(folder) / "nbgrader_config.py").is_file():
            cfg.merge(PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config())
    cfg.CourseDirectory.root = str(course_root)
    return cfg


def open_gradebook(course_root: str | Path = "."):
    """nbgrader's ``Gradebook`` for a course (its ``db_url`` and ``course_id``, SQLite or PostgreSQL).

    Use it as a context manager: ``with open_gradebook(".") as gb: ...``.
    """
    from nbgrader.api import Gradebook
    cd = _coursedir(load_config(course_root))
    with _quiet_sqlalchemy():
        return Gradebook(cd.db_url, cd.course_id)


def _coursedir(cfg):
    from nbgrader.coursedir import CourseDirectory
    return CourseDirectory(config=cfg)


def _cell_timeout(cfg) -> float:
    from nbgrader.preprocessors import Execute
    return float(Execute(config=cfg).timeout or 30)


# --- Process helpers ---------------------------------------------------------------------------------------------

def _descendants(pid: int) -> list:
    import psutil
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def kill_tree(pid: int, *, include_root: bool = True, timeout: float = 5.0, spare: frozenset = frozenset()) -> None:
    """SIGKILL ``pid`` and every process below it (kernels run in sessions of their own, so not a process group).

    ``spare``: pids of descendants to leave alone (processes that existed before the work being cleaned up).
    """
    import psutil
    for _ in range(3):  # a process may fork while we collect: go round until nothing is left
        procs = [p for p in _descendants(pid) if p.pid not in spare]
        if include_root:
            with contextlib.suppress(psutil.Error):
                procs.append(psutil.Process(pid))
        procs = [p for p in procs if p.is_running()]
        if not procs:
            return
        for p in procs:
            with contextlib.suppress(psutil.Error):
                p.kill()
        psutil.wait_procs(procs, timeout=timeout)


def _linux_prctl(option: int, value: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


_PR_SET_PDEATHSIG, _PR_SET_CHILD_SUBREAPER = 1, 36


# --- The gradebook snapshot --------------------------------------------------------------------------------------

_SUBMISSION_TABLES = {"submitted_assignment", "submitted_notebook", "grade", "comment"}
_GRADEBOOK_WRITERS = {"SaveAutoGrades", "AssignLatePenalties"}


def snapshot_gradebook(db_url: str, dest: Path) -> str:
    """Copy the gradebook's assignment tables (not its submissions) into a new SQLite file; return its URL.

    Works from any database nbgrader supports (SQLite, PostgreSQL), with SQLAlchemy Core.
    """
    from nbgrader.api import Base
    from sqlalchemy import create_engine, inspect, text

    dest = Path(dest)
    dest.unlink(missing_ok=True)
    url = f"sqlite:///{dest}"
    src = create_engine(db_url, future=True)
    dst = create_engine(url, future=True)
    try:
        if "alembic_version" not in inspect(src).get_table_names():
            raise CourseError(f"the gradebook {_safe_url(db_url)} has no assignments: run "
                              "`nbgrader generate_assignment <assignment>` in the course folder first.")
        Base.metadata.create_all(bind=dst)
        with src.connect() as s, dst.begin() as d:
            for table in Base.metadata.sorted_tables:
                if table.name in _SUBMISSION_TABLES:
                    continue
                rows = [dict(r) for r in s.execute(table.select()).mappings()]
                if rows:
                    d.execute(table.insert(), rows)
            version = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
            d.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            d.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
    finally:
        src.dispose()
        dst.dispose()
    return url


@contextlib.contextmanager
def _quiet_sqlalchemy():
    """nbgrader's add_submission triggers harmless SQLAlchemy 2 'not in session' warnings: keep them off screen."""
    import warnings
    from sqlalchemy.exc import SAWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        yield


def _safe_url(db_url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", db_url)


# --- Reasons in plain words --------------------------------------------------------------------------------------

def _first_line(text: str, limit: int = 300) -> str:
    text = (text or "").strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _cell_label(cell) -> str:
    gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"cell {gid}" if gid else f"the cell starting {_first_line(cell.source, 60)!r}"


def _cell_message(cell, cell_timeout: float) -> str:
    """Why a test cell lost its points, from its outputs ("" when it passed)."""
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            if out.ename == "CellTimeoutError":
                return (f"the cell ran longer than the {cell_timeout:g} s limit and was stopped "
                        "(an endless loop or very slow code?)")
            if out.ename == "AssertionError":
                return _first_line(out.evalue) or "a check failed (an assert without a message)"
            return f"{out.ename}: {_first_line(out.evalue)}".rstrip(": ")
        if out.output_type == "stream" and out.name == "stderr":
            return ("the checks passed but the cell wrote to stderr, which nbgrader counts as a failure: "
                    f"{_first_line(out.text, 200)!r}. Remove the print to stderr (or the warning) from the code.")
    return ""


def _exception_reason(exc_type: str, message: str, nb_name: str, notebook, cell_timeout: float) -> tuple[str, str]:
    """Map an exception from nbgrader's autograde to (status, reason)."""
    if exc_type == "DeadKernelError":
        culprit = ""
        if notebook is not None:
            for cell in notebook.cells:
                if cell.cell_type == "code" and re.search(r"\b(os\._exit|sys\.exit|exit\(|quit\(|os\.kill)",
                                                          cell.source):
                    culprit = f" ({_cell_label(cell)} ends the Python process)"
                    break
        return FAILED, (f"the kernel running {nb_name} died{culprit}: the code ends Python (os._exit, exit) or "
                        "crashes it (for example by using too much memory). Remove that code, or ask the student "
                        "to, and grade again.")
    if exc_type in ("CellTimeoutError", "UnresponsiveKernelError"):
        preview = ""
        m = re.search(r"-{5,}\n(.*?)\n-{5,}", message, re.S)
        if m:
            preview = f" (the cell starting {_first_line(m.group(1), 60)!r})"
            if notebook is not None:
                for cell in notebook.cells:
                    if cell.cell_type == "code" and cell.source.strip().startswith(m.group(1).strip()[:40]):
                        preview = f" ({_cell_label(cell)})"
                        break
        return TIMED_OUT, (f"a cell in {nb_name}{preview} ran longer than the {cell_timeout:g} s limit and did not "
                           "stop when interrupted (a loop that ignores KeyboardInterrupt?). Fix that cell, or raise "
                           "Execute.timeout if the code is just slow, and grade again.")
    if exc_type == "SetupCellFailed":
        return FAILED, f"{nb_name} could not be graded: {message}"
    if exc_type == "ValidationError":
        return FAILED, (f"the nbgrader metadata of {nb_name} is corrupted ({_first_line(message, 200)}). Replace the "
                        "notebook's cells from the released version, keeping the answers, and grade again.")
    return FAILED, (f"nbgrader could not grade {nb_name}: {exc_type}: {_first_line(message, 300)}. Its log has the "
                    "details (spm grade-cohort writes it next to the CSV); fix the notebook and grade again.")


# =================================================================================================================
# Worker process
# =================================================================================================================

def _rewrite(nb, path: Path) -> None:
    """Write ``nb`` over ``path``, even a read-only file (nbgrader makes its output read-only), keeping its mode."""
    import nbformat
    mode = path.stat().st_mode
    os.chmod(path, 0o644)
    nbformat.write(nb, path)
    os.chmod(path, mode)


class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))

    def emit(self, record):
        with contextlib.suppress(Exception):
            self.lines.append(self.format(record))

    def text(self) -> str:
        lines = self.lines
        if len(lines) > _LOG_LINES:
            lines = lines[: _LOG_LINES // 2] + ["... log truncated ..."] + lines[-_LOG_LINES // 2:]
        return "\n".join(lines)


def _recording_autograde():
    """nbgrader's Autograde converter, unchanged except that it remembers the exceptions it handles."""
    from nbgrader.converters import Autograde

    class RecordingAutograde(Autograde):
        errors: list

        def init_assignment(self, assignment_id, student_id):
            try:
                super().init_assignment(assignment_id, student_id)
            except BaseException as err:
                self.errors.append((None, err, traceback.format_exc()))
                raise

        def convert_single_notebook(self, notebook_filename):
            try:
                super().convert_single_notebook(notebook_filename)
            except BaseException as err:
                self.errors.append((notebook_filename, err, traceback.format_exc()))
                raise

    return RecordingAutograde


class _Worker:
    """Grades students one at a time in a private course folder (runs inside a worker process)."""

    def __init__(self, spec: dict):
        import nbformat  # noqa: F401  (import cost paid once, before the first student)
        from nbgrader.api import Gradebook

        self.course_root = Path(spec["course_root"])
        self.assignment = spec["assignment"]
        self.home = Path(spec["home"])
        self.cfg = load_config(self.course_root)
        self.real = _coursedir(self.cfg)
        self.cell_timeout = _cell_timeout(self.cfg)

        self.home.mkdir(parents=True, exist_ok=True)
        db = self.home / "gradebook.db"
        shutil.copyfile(spec["snapshot"], db)
        self.private_cfg = copy.deepcopy(self.cfg)
        self.private_cfg.CourseDirectory.root = str(self.home)
        self.private_cfg.CourseDirectory.db_url = f"sqlite:///{db}"
        # The gradebook writers run in the parent, on the real gradebook (see _Run._commit): not here.
        from nbgrader.converters import Autograde
        pipeline = Autograde(config=self.cfg).autograde_preprocessors
        self.private_cfg.Autograde.autograde_preprocessors = [
            pp for pp in pipeline
            if (pp if isinstance(pp, str) else pp.__name__).rsplit(".", 1)[-1] not in _GRADEBOOK_WRITERS]
        self._released_cache: dict = {}
        self.private = _coursedir(self.private_cfg)
        src = Path(self.real.format_path(self.real.source_directory, ".", ".")).resolve()
        link = self.home / self.private.source_directory
        if not link.exists():
            link.symlink_to(src, target_is_directory=True)
        with Gradebook(self.private.db_url, self.private.course_id) as gb:
            self.notebook_ids = sorted(nb.name for nb in gb.find_assignment(self.assignment).notebooks)

        self.log = logging.getLogger(f"spmcourse.grading.worker.{os.getpid()}")
        self.log.propagate = False
        self.log.setLevel(logging.INFO)

    # -- helpers --
    def _path(self, cd, step: str, student: str) -> Path:
        return Path(cd.format_path(step, student, self.assignment))

    def _released(self, notebook_id: str):
        import nbformat
        if notebook_id not in self._released_cache:
            path = self._path(self.real, self.real.release_directory, ".") / f"{notebook_id}.ipynb"
            try:
                self._released_cache[notebook_id] = nbformat.read(path, as_version=4)
            except Exception:
                self._released_cache[notebook_id] = None
        return self._released_cache[notebook_id]

    def _stage(self, src: Path, dest: Path, warnings: list) -> str:
        """Copy a submission into the private course folder; return why it cannot be graded ("" if it can).

        A student or submission folder that is a symbolic link, or a notebook of the assignment that is one, is
        refused: graded, it would be someone else's work (the solutions in source/, another student's). Other
        links, pipes and devices, and files over the course's size limits, are skipped with a note; the copy
        follows no link (safefiles.copy_tree).
        """
        from nbgrader.utils import ignore_patterns

        submitted = Path(self.real.format_path(self.real.submitted_directory, ".", "."))
        notebooks = {f"{n}.ipynb" for n in self.notebook_ids}
        link = safefiles.linked_part(submitted, src) or next(
            (src / name for name in sorted(notebooks) if (src / name).is_symlink()), None)
        if link is not None:
            return (f"{safefiles.describe_link(link)}, not the student's own work, so it was not graded. Ask the "
                    "student to submit the files themselves (or replace the link with them), and grade again.")
        caps = safefiles.Caps(max_file=1000 * (self.real.max_file_size or 0),
                              max_total=1000 * (self.real.max_dir_size or 0))
        dest.parent.mkdir(parents=True, exist_ok=True)
        warnings += safefiles.copy_tree(src, dest, caps, ignore=ignore_patterns(exclude=self.real.ignore),
                                        exempt=lambda rel: rel in notebooks, verb="skipped")
        return ""

    def _check_notebook(self, path: Path, nb, warnings: list):
        """Report tampering in a staged notebook; make duplicated grade_ids and edited grading metadata gradable
        (submission_checks.restore). Returns the notebook."""
        from spmcourse.grading import submission_checks

        if submission_checks.restore(nb, self._released(path.stem), name=path.name, warnings=warnings,
                                     add_missing=submission_checks.add_missing_cells(self.cfg)):
            _rewrite(nb, path)
        return nb

    def _post_process(self, path: Path, warnings: list, messages: dict) -> None:
        """Read an autograded notebook: why each test cell failed, which cells timed out; cap huge outputs."""
        import nbformat
        nb = nbformat.read(path, as_version=4)
        changed = False
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            for out in cell.get("outputs", []):
                if out.output_type == "stream" and len(out.text) > MAX_OUTPUT_CHARS:
                    size = len(out.text)
                    out.text = out.text[:MAX_OUTPUT_CHARS] + f"\n... output truncated ({size:,} characters) ...\n"
                    changed = True
                    warnings.append(f"{path.name}: {_cell_label(cell)} printed {size / 1e6:.1f} MB; the autograded "
                                    f"notebook keeps the first {MAX_OUTPUT_CHARS // 1000} kB")
                for key, value in list(out.get("data", {}).items()):
                    if isinstance(value, str) and len(value) > MAX_OUTPUT_CHARS and key.startswith("text/"):
                        out.data[key] = value[:MAX_OUTPUT_CHARS] + "\n... output truncated ...\n"
                        changed = True
                if out.get("ename") == "CellTimeoutError" and not meta.get("grade"):
                    warnings.append(f"{path.name}: {_cell_label(cell)} ran longer than the "
                                    f"{self.cell_timeout:g} s limit and was interrupted")
            if meta.get("grade") and cell.cell_type == "code" and not meta.get("solution"):
                messages[f"{path.stem}/{meta['grade_id']}"] = _cell_message(cell, self.cell_timeout)
        if changed:
            _rewrite(nb, path)

    def _reset(self, student: str) -> None:
        """Remove what an earlier attempt at this student left. Only this student's folders: the parent may still
        be copying the previous student's autograded folder (it deletes it when it has taken it)."""
        for step in (self.private.submitted_directory, self.private.autograded_directory):
            shutil.rmtree(self._path(self.private, step, student), ignore_errors=True)

    # -- operations --
    def grade(self, student: str) -> dict:
        from spmcourse.grading import submission_checks

        result = {"student": student, "ok": False, "warnings": [], "log": "", "timestamp": "", "cells": {},
                  "autograded": ""}
        warnings = result["warnings"]
        self._reset(student)
        src = self._path(self.real, self.real.submitted_directory, student)
        staged = self._path(self.private, self.private.submitted_directory, student)
        if not src.is_dir():
            result.update(status=FAILED, reason=f"there is no submission in {src}. Collect it first "
                                                f"(`nbgrader collect {self.assignment}`).")
            return result
        refused = self._stage(src, staged, warnings)
        if refused:
            result.update(status=FAILED, reason=refused)
            return result
        ts_file = staged / "timestamp.txt"
        result["timestamp"] = ts_file.read_text(errors="replace").strip() if ts_file.is_file() else ""

        reason, extra = submission_checks.missing_notebooks(staged, self.notebook_ids, src)
        if reason:
            result.update(status=FAILED, reason=reason)
            return result
        for n in extra:
            warnings.append(f"{n}.ipynb is not part of the assignment and was not graded")
            (staged / f"{n}.ipynb").unlink()

        notebooks = {}
        for n in self.notebook_ids:
            path = staged / f"{n}.ipynb"
            nb, reason = submission_checks.read_notebook(path, src)
            if reason:
                result.update(status=FAILED, reason=reason)
                return result
            notebooks[n] = self._check_notebook(path, nb, warnings)

        handler = _ListHandler()
        self.log.handlers[:] = [handler]
        coursedir = _coursedir(self.private_cfg)
        coursedir.assignment_id = self.assignment
        coursedir.student_id = student
        converter = _recording_autograde()(coursedir=coursedir, config=self.private_cfg, log=self.log)
        converter.errors = []
        converter.force = True
        crash = None
        before = frozenset(p.pid for p in _descendants(os.getpid()))
        try:
            converter.start()
        except Exception as err:  # nbgrader raises NbGraderException after logging the cause
            crash = err
        finally:
            result["log"] = handler.text()
            # nothing the student's code started may outlive the grading (orphans come back to the worker: it is
            # a child subreaper); the clean kernel that runs the tests stays for the next student
            from spmcourse.grading.isolation import clean_kernel_processes
            kill_tree(os.getpid(), include_root=False, spare=before | clean_kernel_processes())

        out_dir = self._path(self.private, self.private.autograded_directory, student)
        # what the sandbox removed from the folder the student's code ran in (links, files over the limits)
        from spmcourse.grading import sandbox
        warnings += sandbox.take_notes(out_dir)
        made = all((out_dir / f"{n}.ipynb").is_file() for n in self.notebook_ids)
        if converter.errors or crash is not None or not made:
            if converter.errors:
                filename, err, _tb = converter.errors[-1]
                nb_name = Path(filename).name if filename else f"{self.assignment}"
                nb = notebooks.get(Path(filename).stem) if filename else None
                status, reason = _exception_reason(type(err).__name__, str(err), nb_name, nb, self.cell_timeout)
            else:
                status, reason = FAILED, (f"nbgrader did not grade the submission ({crash or 'no output'}); "
                                          "see its log, fix the notebook and grade again.")
            result.update(status=status, reason=reason)
            return result

        for n in self.notebook_ids:
            self._post_process(out_dir / f"{n}.ipynb", warnings, result["cells"])
        result.update(ok=True, status=GRADED, reason="", autograded=str(out_dir))
        return result

    def feedback(self, student: str) -> dict:
        from nbgrader.converters import GenerateFeedback

        handler = _ListHandler()
        self.log.handlers[:] = [handler]
        coursedir = _coursedir(self.cfg)
        coursedir.assignment_id = self.assignment
        coursedir.student_id = student
        converter = GenerateFeedback(coursedir=coursedir, config=self.cfg, log=self.log)
        converter.force = True
        error = ""
        try:
            converter.start()
        except Exception as err:
            error = f"{type(err).__name__}: {_first_line(str(err))}"
        out = self._path(self.real, self.real.feedback_directory, student)
        paths = sorted(str(out / f"{n}.html") for n in self.notebook_ids if (out / f"{n}.html").is_file())
        if len(paths) < len(self.notebook_ids) and not error:
            error = "no feedback file was written"
        return {"student": student, "paths": paths, "error": error, "log": handler.text()}


def _worker_main() -> int:
    """Entry point of a worker process: JSON requests on stdin, one JSON reply per line on the original stdout."""
    # jsonschema imports rfc3987_syntax, which builds a grammar for about 2 s, only to check "iri" formats that
    # notebooks never use: skip it (jsonschema treats it as not installed).
    sys.modules.setdefault("rfc3987_syntax", None)
    _linux_prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    _linux_prctl(_PR_SET_CHILD_SUBREAPER, 1)
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything printed by libraries goes to the worker's log, not into the protocol
    sys.stdout = sys.stderr

    def _terminate(signum, frame):
        kill_tree(os.getpid(), include_root=False, timeout=2)
        os._exit(1)

    signal.signal(signal.SIGTERM, _terminate)
    ensure_tools_on_path()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    import warnings
    from sqlalchemy.exc import SAWarning
    warnings.simplefilter("ignore", SAWarning)
    import nbformat  # noqa: F401  (the imports take seconds: do them before the parent sends the work)
    import nbgrader.converters  # noqa: F401
    spec = json.loads(sys.stdin.readline().strip() or "null")
    if spec is None:
        return 0
    compat.cache_engines(scratch=spec["home"])
    compat.cache_metadata_validator()
    try:
        worker = _Worker(spec)
        reply = {"ready": True}
    except Exception as err:
        reply = {"ready": False, "error": f"{type(err).__name__}: {err}", "traceback": traceback.format_exc()}
    proto.write(json.dumps(reply) + "\n")
    proto.flush()
    if not reply["ready"]:
        return 1
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("op") == "exit":
            break
        started = time.monotonic()
        try:
            reply = getattr(worker, request["op"])(request["student"])
        except Exception as err:
            reply = {"student": request.get("student"), "ok": False, "status": FAILED,
                     "reason": f"the grading process hit an internal error ({type(err).__name__}: {err}); "
                               "see the log, and grade again.", "log": traceback.format_exc(), "warnings": [],
                     "cells": {}}
        reply["seconds"] = time.monotonic() - started
        proto.write(json.dumps(reply) + "\n")
        proto.flush()
    from spmcourse.grading.isolation import _discard_clean_kernel
    _discard_clean_kernel()  # shut down properly: its scratch folders go with it
    kill_tree(os.getpid(), include_root=False)
    # Everything is written and every child is gone: skip the interpreter's teardown of nbgrader's modules
    # (half a second per worker, which the parent would wait for at the end of every run).
    logging.shutdown()
    sys.stderr.flush()
    proto.close()
    os._exit(0)


# =================================================================================================================
# Parent process
# =================================================================================================================

class _WorkerHandle:
    """A worker process seen from the parent. It starts importing nbgrader at once; ``configure`` gives it work."""

    def __init__(self, stderr_path: Path):
        self.stderr_path = stderr_path
        self.stderr = open(stderr_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from spmcourse.grading.run import _worker_main; sys.exit(_worker_main())"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, start_new_session=True)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.buffer = b""
        self.ready = False
        self.task = None       # ("grade"|"feedback", student)
        self.deadline = None
        self.started = 0.0

    def send(self, obj) -> None:
        self.proc.stdin.write((json.dumps(obj) + "\n").encode())
        self.proc.stdin.flush()

    def read_lines(self) -> list[dict] | None:
        """Replies available now; None on end of file (the worker died)."""
        try:
            chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
        except BlockingIOError:
            return []
        if not chunk:
            return None
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]

    def stderr_tail(self, n: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.stderr_path.read_text(errors="replace").splitlines()[-n:])
        return ""

    def kill(self) -> None:
        kill_tree(self.proc.pid)
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=5)
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(Exception):
                stream.close()
        self.stderr.close()

    def request_exit(self) -> None:
        """Ask the worker to finish (it ends its own processes and exits); ``stop`` waits for it."""
        with contextlib.suppress(Exception):
            self.send({"op": "exit"})
        with contextlib.suppress(Exception):
            self.proc.stdin.close()

    def stop(self) -> None:
        """Ask the worker to finish, then make sure everything is gone."""
        self.request_exit()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self.kill()


def _list_students(cd, assignment: str) -> list[str]:
    import glob
    pattern = cd.format_path(cd.submitted_directory, "*", assignment)
    regexp = re.compile(cd.format_path(cd.submitted_directory, "(?P<student_id>[^/]+)", re.escape(assignment),
                                       escape=True) + "$")
    found = set()
    for path in glob.glob(pattern):
        m = regexp.match(path)
        if m and os.path.isdir(path):
            found.add(m.group("student_id"))
    return sorted(found)


def _known_assignments(gb) -> list[str]:
    names = sorted(a.name for a in gb.assignments)
    gb.db.commit()
    return names


def _default_timeout(cfg, assignment: str, cd) -> float:
    """Generous wall time for one student: every code cell may use the cell limit, plus kernel starts."""
    cell_timeout = _cell_timeout(cfg)
    cells = 0
    src = Path(cd.format_path(cd.source_directory, ".", assignment))
    for path in src.glob("*.ipynb"):
        with contextlib.suppress(Exception):
            cells += sum(1 for c in json.loads(path.read_text())["cells"] if c.get("cell_type") == "code")
    return 60.0 + (cell_timeout + 5.0) * max(cells, 4)


class _Run:
    """One call of :func:`grade_submissions` in the parent process."""

    def __init__(self, course_root: Path, assignment: str, students, jobs: int, feedback: bool,
                 timeout: float | None, progress: Callable | None, tmpdir: Path):
        self.course_root = course_root
        self.assignment = assignment
        self.requested = students
        self.jobs = jobs
        self.want_feedback = feedback
        self.timeout = timeout
        self.progress = progress
        self.tmpdir = tmpdir
        self.log = logging.getLogger("spmcourse.grading")
        self.outcomes: dict[str, Outcome] = {}
        self.workers: list[_WorkerHandle] = []
        self.gb = None
        self.spawned = 0
        self.sandboxed: bool | None = None  # whether the kernels run in the sandbox (checked before the run)

    def spawn(self) -> _WorkerHandle:
        self.spawned += 1
        w = _WorkerHandle(self.tmpdir / f"w{self.spawned}.stderr")
        w.home = self.tmpdir / f"w{self.spawned}"
        return w

    def configure(self, w: _WorkerHandle) -> None:
        with contextlib.suppress(OSError):
            w.send({"course_root": str(self.course_root), "assignment": self.assignment,
                    "home": str(w.home), "snapshot": str(self.snapshot)})

    def prepare(self) -> None:
        """Read the config, check the assignment, list the students, open the gradebook, take the snapshot."""
        from nbgrader.api import Gradebook

        self.cfg = load_config(self.course_root)
        self.cd = _coursedir(self.cfg)
        self.db_url = self.cd.db_url
        self.course_id = self.cd.course_id
        with _quiet_sqlalchemy():
            self.gb = Gradebook(self.db_url, self.course_id)
        known = _known_assignments(self.gb)
        if self.assignment not in known:
            src = Path(self.cd.format_path(self.cd.source_directory, ".", "."))
            pending = sorted({p.parent.name for p in src.glob("*/*.ipynb")} - set(known))
            hint = (f"; in source/ but not generated yet: {', '.join(pending)} "
                    "(run `nbgrader generate_assignment <assignment>`)") if pending else ""
            raise CourseError(f"unknown assignment {self.assignment!r}. Assignments in the gradebook: "
                              f"{', '.join(known) or 'none'}{hint}.")
        if self.requested is None:
            self.students = _list_students(self.cd, self.assignment)
            if not self.students:
                where = self.cd.format_path(self.cd.submitted_directory, "*", self.assignment)
                raise CourseError(f"no submissions of {self.assignment} in {where}: collect them first "
                                  f"(`nbgrader collect {self.assignment}`).")
        else:
            self.students = list(dict.fromkeys(str(s) for s in self.requested))
        self.timeout = self.timeout or _default_timeout(self.cfg, self.assignment, self.cd)
        self.max_score = float(self.gb.find_assignment(self.assignment).max_score)
        self.gb.db.commit()
        self.snapshot = self.tmpdir / "snapshot.db"
        snapshot_gradebook(self.db_url, self.snapshot)

    # -- commit into the real gradebook (serial, in this process) --
    def _commit(self, reply: dict) -> Outcome:
        """Record one graded student in the real gradebook, with nbgrader's own grading logic."""
        import nbformat
        from nbgrader.utils import parse_utc

        gb = self.gb
        student = reply["student"]
        staged = Path(reply["autograded"])
        dest = Path(self.cd.format_path(self.cd.autograded_directory, student, self.assignment))
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.parent / f".{dest.name}.spm-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        # The folder the student's code ran in: take no link, nothing special, nothing past the course's limits
        # (the sandbox's clean-up already removed them; this copy does not rely on it). The notebooks are exempt
        # from the size limits, as when they were staged.
        caps = safefiles.Caps(max_file=1000 * (self.cd.max_file_size or 0),
                              max_total=1000 * (self.cd.max_dir_size or 0))
        reply.setdefault("warnings", []).extend(safefiles.copy_tree(
            staged, tmp, caps, exempt=lambda rel: "/" not in rel and rel.endswith(".ipynb"), verb="not kept:"))
        try:
            timestamp = None
            if reply.get("timestamp"):
                with contextlib.suppress(Exception):
                    timestamp = parse_utc(reply["timestamp"])
            with _quiet_sqlalchemy(), compat.one_transaction(gb):
                # what Autograde.init_assignment records
                gb.update_or_create_student(student)
                if timestamp is not None:
                    gb.update_or_create_submission(self.assignment, student, timestamp=timestamp)
                else:
                    gb.update_or_create_submission(self.assignment, student)
                for path in sorted(tmp.glob("*.ipynb")):
                    nb = nbformat.read(path, as_version=4)
                    resources = {"nbgrader": {"student": student, "assignment": self.assignment,
                                              "notebook": path.stem, "db_url": self.db_url}}
                    compat.save_autogrades(nb, resources, gb=gb, config=self.cfg, log=self.log,
                                           notebook_id=path.stem, assignment_id=self.assignment,
                                           student_id=student, db_url=self.db_url)
                    self._late_penalty(student, path.stem)
            if dest.exists():
                shutil.rmtree(dest)
            tmp.rename(dest)
        except BaseException:
            gb.db.rollback()
            raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(staged, ignore_errors=True)  # the worker's copy, taken (or given up): free the space
        return self._read_back(student, reply)

    def _late_penalty(self, student: str, notebook_id: str) -> None:
        compat.assign_late_penalty(self.gb, config=self.cfg, log=self.log, assignment_id=self.assignment,
                                   student_id=student, notebook_id=notebook_id)

    def _read_back(self, student: str, reply: dict) -> Outcome:
        from nbgrader.api import TaskCell

        messages = reply.get("cells", {})
        cells = {}
        gb = self.gb
        sub = gb.find_submission(self.assignment, student)
        penalty = sub.late_submission_penalty or 0.0
        score = max(0.0, float(sub.score) - float(penalty))
        max_score = float(sub.assignment.max_score)
        late = float(sub.total_seconds_late or 0.0)
        several = len(sub.notebooks) > 1
        for snb in sub.notebooks:
            solutions = {c.name for c in snb.notebook.solution_cells}
            for grade in snb.grades:
                name = grade.cell.name
                manual = isinstance(grade.cell, TaskCell) or name in solutions
                value = None
                if grade.manual_score is not None or grade.auto_score is not None:
                    value = float(grade.score)
                key = f"{snb.notebook.name}/{name}" if several else name
                cells[key] = {"score": value, "max": float(grade.max_score),
                              "kind": "manual" if manual else "auto",
                              "message": messages.get(f"{snb.notebook.name}/{name}", "")}
        gb.db.commit()  # end the read transaction: SQLite must not stay locked between students
        warnings = list(reply.get("warnings", []))
        if late > 0:
            warnings.append(f"submitted {_duration(late)} after the due date")
        return Outcome(student=student, assignment=self.assignment, status=GRADED, reason="", score=score,
                       max_score=max_score, cells=cells, feedback=[], timestamp=reply.get("timestamp", ""),
                       warnings=warnings, seconds_late=late, seconds=reply.get("seconds", 0.0),
                       log=reply.get("log", ""))

    def _failed(self, student: str, status: str, reason: str, reply: dict | None = None) -> Outcome:
        reply = reply or {}
        return Outcome(student=student, assignment=self.assignment, status=status, reason=reason, score=None,
                       max_score=self.max_score, cells={}, feedback=[], timestamp=reply.get("timestamp", ""),
                       warnings=list(reply.get("warnings", [])), seconds=reply.get("seconds", 0.0),
                       log=reply.get("log", ""))

    def _finish(self, outcome: Outcome) -> None:
        outcome.sandboxed = self.sandboxed
        self.outcomes[outcome.student] = outcome
        if self.progress and (outcome.status != GRADED or not self.want_feedback):
            self.progress(outcome)

    # -- the scheduler --
    def run(self) -> list[Outcome]:
        """Grade every student; the workers given in ``self.workers`` are already starting."""
        self.prepare()
        workers = self.workers
        wanted = max(1, min(self.jobs, len(self.students)))
        while len(workers) > wanted:
            workers.pop().stop()
        while len(workers) < wanted:
            workers.append(self.spawn())
        for w in workers:
            self.configure(w)
        grade_queue = list(self.students)
        feedback_queue: list[str] = []
        sel = selectors.DefaultSelector()
        for w in workers:
            sel.register(w.proc.stdout, selectors.EVENT_READ, w)
        startup_failures = 0

        def replace(w: _WorkerHandle) -> None:
            with contextlib.suppress(Exception):
                sel.unregister(w.proc.stdout)
            w.kill()
            new = self.spawn()
            workers[workers.index(w)] = new
            self.configure(new)
            sel.register(new.proc.stdout, selectors.EVENT_READ, new)

        def dispatch(w: _WorkerHandle) -> None:
            if not w.ready or w.task is not None:
                return
            if feedback_queue:
                w.task, limit = ("feedback", feedback_queue.pop(0)), FEEDBACK_TIMEOUT
            elif grade_queue:
                w.task, limit = ("grade", grade_queue.pop(0)), self.timeout
            else:
                return
            w.started = time.monotonic()
            w.deadline = w.started + limit
            with contextlib.suppress(OSError):  # a dead worker is noticed (end of file) by the loop
                w.send({"op": w.task[0], "student": w.task[1]})

        def lost(w: _WorkerHandle, status: str, reason: str) -> None:
            op, student = w.task
            w.task = None
            if op == "grade":
                out = self._failed(student, status, reason)
                out.seconds = time.monotonic() - w.started
                out.log = w.stderr_tail()
                self._finish(out)
            else:
                out = self.outcomes[student]
                out.warnings.append(f"feedback was not generated: {reason}")
                if self.progress:
                    self.progress(out)

        to_record: list[tuple[str, str, dict]] = []

        def received(w: _WorkerHandle, reply: dict) -> None:
            if "ready" in reply:
                if not reply["ready"]:
                    raise CourseError("a grading worker could not start: "
                                      f"{reply.get('error')}\n{reply.get('traceback', '')}")
                w.ready = True
                return
            op, student = w.task
            w.task = None
            dispatch(w)  # the worker goes on with the next student while this one is recorded
            to_record.append((op, student, reply))

        def record(op: str, student: str, reply: dict) -> None:
            if op == "feedback":
                out = self.outcomes[student]
                out.feedback = reply.get("paths", [])
                if reply.get("error"):
                    out.warnings.append(f"feedback was not generated: {reply['error']}")
                if self.progress:
                    self.progress(out)
            elif reply.get("ok"):
                try:
                    out = self._commit(reply)
                except Exception as err:
                    out = self._failed(student, FAILED, (
                        f"the grades could not be written to the gradebook ({type(err).__name__}: "
                        f"{_first_line(str(err))}); nothing was recorded. Grade again."), reply)
                    out.log += "\n" + traceback.format_exc()
                self._finish(out)
                if out.ok and self.want_feedback:
                    feedback_queue.append(student)
            else:
                self._finish(self._failed(student, reply.get("status", FAILED),
                                          reply.get("reason", "unknown error"), reply))

        def handle_events(timeout: float) -> None:
            nonlocal startup_failures
            for key, _ in sel.select(timeout=timeout):
                w = key.data
                replies = w.read_lines()
                if replies is None:  # the worker ended
                    code = w.proc.poll()
                    if not w.ready:
                        startup_failures += 1
                        if startup_failures >= 3:
                            raise CourseError("the grading workers cannot start:\n" + w.stderr_tail())
                    elif w.task is not None:
                        lost(w, FAILED, f"the grading process died (exit code {code}); this can happen when a "
                                        "notebook uses up the memory. See the log, fix the notebook and grade again.")
                    replace(w)
                    continue
                for reply in replies:
                    received(w, reply)

        while grade_queue or feedback_queue or to_record or any(w.task for w in workers):
            deadlines = [w.deadline for w in workers if w.task is not None]
            wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else 30.0
            handle_events(min(wait, 30.0))
            while to_record:
                record(*to_record.pop(0))
                handle_events(0)  # a worker that finished meanwhile gets its next student before the next record
            now = time.monotonic()
            for w in list(workers):
                if w.task is not None and now > w.deadline:
                    limit = self.timeout if w.task[0] == "grade" else FEEDBACK_TIMEOUT
                    lost(w, TIMED_OUT, (
                        f"grading took longer than {limit:g} s and was stopped, with every process it started. "
                        "Look for code that runs for a long time (each cell below the per-cell limit), fix it, "
                        "and grade again, or allow more time (--timeout)."))
                    replace(w)
            for w in workers:
                dispatch(w)
        outcomes = [self.outcomes[s] for s in self.students if s in self.outcomes]
        record_status(self.course_root, self.cd, outcomes)
        return outcomes

    def close(self, *, now: bool = False) -> None:
        """Stop the workers (idle ones exit by themselves; ``now``: kill them, as on Ctrl-C or an error)."""
        if not now:
            for w in self.workers:  # all at once: they exit in parallel
                w.request_exit()
        for w in self.workers:
            w.kill() if now else w.stop()
        if self.gb is not None:
            self.gb.close()


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def cpu_count() -> int:
    """CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def default_jobs() -> int:
    """Worker processes by default: one per CPU, plus one.

    A worker spends about a sixth of its time waiting (for its kernel to start, to answer, to die) and the parent
    records grades between students: with exactly one worker per CPU the CPUs sit idle that long. One more worker
    fills the gaps: 40 submissions on 2 CPUs grade about 15 % faster with 3 workers than with 2, and 4 are slower
    again (docs/benchmark.md).
    """
    return cpu_count() + 1


def grade_submissions(course_root, assignment, students=None, *, jobs=None, feedback=True,
                      timeout=None, progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Autograde the submissions in ``<course_root>/submitted/<student>/<assignment>/`` and record the grades.

    ``students``: ids to grade (default: every student with a submission of the assignment). ``jobs``: worker
    processes (default: :func:`default_jobs`, one per CPU plus one). ``feedback``: also generate the feedback
    HTML. ``timeout``: wall-time limit in seconds per student (default: generous, from ``Execute.timeout`` and the
    number of code cells).
    ``progress`` is called with each :class:`Outcome` as soon as it is final.

    Returns one :class:`Outcome` per student, in the order of ``students`` (sorted ids by default). Raises
    :class:`CourseError` when the assignment is unknown or nothing can be graded, and
    ``sandbox.SandboxUnavailable`` (one) with the fix when bubblewrap cannot start here, unless the sandbox is
    opted out (``SPM_UNSANDBOXED=1``, ``SandboxKernelManager.enabled = False``). Each outcome records
    whether the kernels ran in the sandbox (``Outcome.sandboxed``, also in the status file).
    """
    ensure_tools_on_path()
    course_root = Path(course_root).resolve()
    if not (course_root / "nbgrader_config.py").is_file():
        raise CourseError(f"{course_root} is not a course folder (it has no nbgrader_config.py).")
    jobs = max(1, int(default_jobs() if jobs is None else jobs))
    sandboxed = _sandboxed(course_root)
    if sandboxed:  # stop with the fix before any submission is touched, instead of failing every one of them
        from spmcourse.grading import sandbox
        sandbox.ensure_available()
    # Start the workers first: they import nbgrader (seconds) while this process reads the gradebook.
    guess = len(students) if students is not None else len(list(course_root.glob(f"submitted/*/{assignment}")))
    tmpdir = safefiles.scratch_folder(SCRATCH_PREFIX)  # also removes those of runs that were killed
    run = _Run(course_root, assignment, students, jobs, feedback, timeout, progress, tmpdir)
    run.sandboxed = sandboxed
    failed = True
    try:
        run.workers = [run.spawn() for _ in range(max(1, min(jobs, guess)))]
        outcomes = run.run()
        failed = False
        return outcomes
    finally:
        run.close(now=failed)
        shutil.rmtree(tmpdir, ignore_errors=True)


def _sandboxed(course_root: Path) -> bool:
    """Did the course's configuration run the kernels in the sandbox (not opted out by SPM_UNSANDBOXED=1 or
    SandboxKernelManager.enabled=False)?"""
    from spmcourse.grading import sandbox
    enabled = load_config(course_root).get("SandboxKernelManager", {}).get("enabled")
    return (not sandbox.opted_out()) if enabled is None else bool(enabled)


# --- Recorded status and the export plugin -----------------------------------------------------------------------

def _status_path(course_root: Path, cd) -> Path:
    return Path(cd.format_path(cd.autograded_directory, ".", ".")).resolve() / STATUS_FILE


def record_status(course_root: Path, cd, outcomes: list[Outcome]) -> Path:
    """Merge outcomes into ``autograded/.spm-grading-status.json`` (assignment -> student -> status)."""
    path = _status_path(course_root, cd)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = read_status_file(path)
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    for o in outcomes:
        data.setdefault(o.assignment, {})[o.student] = {
            "status": o.status, "reason": o.reason, "timestamp": o.timestamp, "graded_at": now,
            "sandboxed": o.sandboxed}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def read_status_file(path: Path) -> dict:
    with contextlib.suppress(OSError, ValueError):
        return json.loads(Path(path).read_text(encoding="utf-8"))
    return {}


def read_status(course_root) -> dict:
    """``assignment -> student -> {"status", "reason", "timestamp", "graded_at", "sandboxed"}`` as last recorded
    (``sandboxed``: None where not known)."""
    course_root = Path(course_root).resolve()
    return read_status_file(_status_path(course_root, _coursedir(load_config(course_root))))


def outcome_dict(outcome: Outcome) -> dict:
    return asdict(outcome)


def _manual_grading(gradebook, assignment: str, student: str) -> str:
    """"needed" while a submission has written answers without a score, "done" once graded, "" otherwise."""
    from nbgrader.api import MissingEntry
    try:
        sub = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return ""
    manual = [g for nb in sub.notebooks for g in nb.grades if g.cell_type == "markdown" or g.auto_score is None]
    if not manual:
        return ""
    return "needed" if sub.needs_manual_grade else "done"


def _status_export_class():
    from nbgrader.plugins.export import CsvExportPlugin

    class StatusCsvExport(CsvExportPlugin):
        """nbgrader's CSV export plus ``grading_status`` and ``grading_reason``; failed gradings get no score.

        Use: ``nbgrader export --exporter=spmcourse.grading.StatusCsvExport``.
        """

        def export(self, gradebook) -> None:
            import csv
            super().export(gradebook)
            dest = self.to or "grades.csv"
            root = Path(getattr(getattr(self.parent, "coursedir", None), "root", None) or os.getcwd())
            status = read_status(root)
            with open(dest, newline="", encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
            fields = (list(rows[0].keys()) if rows else
                      ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                       "raw_score", "late_submission_penalty", "score", "max_score"])
            fields += ["grading_status", "grading_reason", "manual_grading", "sandboxed"]
            for row in rows:
                rec = status.get(row["assignment"], {}).get(row["student_id"])
                row["manual_grading"] = _manual_grading(gradebook, row["assignment"], row["student_id"])
                if rec is None:
                    row["grading_status"] = "" if row.get("timestamp") else "no submission"
                    row["grading_reason"] = row["sandboxed"] = ""
                    continue
                flag = rec.get("sandboxed")
                row["sandboxed"] = "" if flag is None else ("yes" if flag else "no")
                row["grading_status"] = rec["status"]
                row["grading_reason"] = rec["reason"]
                if rec["status"] != GRADED:
                    row["raw_score"] = row["score"] = row["late_submission_penalty"] = row["manual_grading"] = ""
            with open(dest, "w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=fields)
                writer.writeheader()
                writer.writerows(rows)

    return StatusCsvExport


def __getattr__(name):  # the export plugin subclasses nbgrader's: build it only when nbgrader asks for it
    if name == "StatusCsvExport":
        cls = _status_export_class()
        globals()[name] = cls
        return cls
    raise AttributeError(name)
