"""The worker process: grades students one at a time in a private course folder.

It copies a submission there (skipping files over ``CourseDirectory.max_file_size``), checks it (notebooks
missing, renamed or not valid JSON; duplicated ``grade_id``\\s, which nbgrader 0.9.6 cannot grade with
``add_missing_cells``), and runs nbgrader's unmodified ``Autograde`` converter against its own copy of the
gradebook snapshot, without the preprocessors that write the gradebook (the parent runs those: see
``gradebook.commit``). It also generates feedback from the real gradebook. It talks to the parent in the
messages of :mod:`spmcourse.grading.protocol`; the parent starts it with
``python -c "from spmcourse.grading.worker import main; ..."``.
"""
from __future__ import annotations

import contextlib
import copy
import logging
import os
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path

from spmcourse.authoring.lab import ensure_tools_on_path
from spmcourse.grading import compat, protocol, safefiles
from spmcourse.grading.cellmeta import cell_meta
from spmcourse.grading.config import cell_timeout, coursedir, load_config
from spmcourse.grading.gradebook import GRADEBOOK_WRITERS
from spmcourse.grading.processes import (PR_SET_CHILD_SUBREAPER, PR_SET_PDEATHSIG, descendants, kill_tree,
                                         linux_prctl)
from spmcourse.grading.protocol import FeedbackReply, GradeReply, Ready, Task, WorkerSpec
from spmcourse.grading.reasons import cell_label, cell_message, exception_reason, first_line, internal_error
from spmcourse.grading.status import FAILED, GRADED

#: Longest text kept from one cell output in the autograded notebook (nbgrader's LimitOutput counts lines only).
MAX_OUTPUT_CHARS = 100_000
_LOG_LINES = 400

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
                self.errors.append((None, err))
                raise

        def convert_single_notebook(self, notebook_filename):
            try:
                super().convert_single_notebook(notebook_filename)
            except BaseException as err:
                self.errors.append((notebook_filename, err))
                raise

    return RecordingAutograde


class Worker:
    """Grades students one at a time in a private course folder (runs inside a worker process)."""

    def __init__(self, spec: WorkerSpec):
        import nbformat  # noqa: F401  (import cost paid once, before the first student)
        from nbgrader.api import Gradebook

        self.course_root = Path(spec.course_root)
        self.assignment = spec.assignment
        self.home = Path(spec.home)
        self.cfg = load_config(self.course_root)
        self.real = coursedir(self.cfg)
        self.cell_timeout = cell_timeout(self.cfg)

        self.home.mkdir(parents=True, exist_ok=True)
        db = self.home / "gradebook.db"
        shutil.copyfile(spec.snapshot, db)
        self.private_cfg = copy.deepcopy(self.cfg)
        self.private_cfg.CourseDirectory.root = str(self.home)
        self.private_cfg.CourseDirectory.db_url = f"sqlite:///{db}"
        # The gradebook writers run in the parent, on the real gradebook (see gradebook.commit): not here.
        from nbgrader.converters import Autograde
        pipeline = Autograde(config=self.cfg).autograde_preprocessors
        self.private_cfg.Autograde.autograde_preprocessors = [
            pp for pp in pipeline
            if (pp if isinstance(pp, str) else pp.__name__).rsplit(".", 1)[-1] not in GRADEBOOK_WRITERS]
        self._released_cache: dict = {}
        self.private = coursedir(self.private_cfg)
        src = Path(self.real.format_path(self.real.source_directory, ".", ".")).resolve()
        link = self.home / self.private.source_directory
        if not link.exists():
            link.symlink_to(src, target_is_directory=True)
        with Gradebook(self.private.db_url, self.private.course_id) as gb:
            self.notebook_ids = sorted(nb.name for nb in gb.find_assignment(self.assignment).notebooks)

        self.log = logging.getLogger(f"spmcourse.grading.worker.{os.getpid()}")
        self.log.propagate = False
        self.log.setLevel(logging.INFO)
        self._tests_get_ready()  # the kernel for the hidden tests starts while the parent sends the first student

    def _tests_get_ready(self) -> None:
        """Have the clean kernel that runs the hidden tests (isolation) reset and run the assignment's set-up cells
        in the background, while this student's own kernel starts and runs the answers."""
        from spmcourse.grading import isolation
        released = self._released(self.notebook_ids[0]) if self.notebook_ids else None
        if released is not None:
            isolation.get_ready(self.private_cfg, released)

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
            meta = cell_meta(cell)
            for out in cell.get("outputs", []):
                if out.output_type == "stream" and len(out.text) > MAX_OUTPUT_CHARS:
                    size = len(out.text)
                    out.text = out.text[:MAX_OUTPUT_CHARS] + f"\n... output truncated ({size:,} characters) ...\n"
                    changed = True
                    warnings.append(f"{path.name}: {cell_label(cell)} printed {size / 1e6:.1f} MB; the autograded "
                                    f"notebook keeps the first {MAX_OUTPUT_CHARS // 1000} kB")
                for key, value in list(out.get("data", {}).items()):
                    if isinstance(value, str) and len(value) > MAX_OUTPUT_CHARS and key.startswith("text/"):
                        out.data[key] = value[:MAX_OUTPUT_CHARS] + "\n... output truncated ...\n"
                        changed = True
                if out.get("ename") == "CellTimeoutError" and not meta.grade:
                    warnings.append(f"{path.name}: {cell_label(cell)} ran longer than the "
                                    f"{self.cell_timeout:g} s limit and was interrupted")
            if meta.grade and cell.cell_type == "code" and not meta.solution:
                messages[f"{path.stem}/{meta.grade_id}"] = cell_message(cell, self.cell_timeout)
        if changed:
            _rewrite(nb, path)

    def _reset(self, student: str) -> None:
        """Remove what an earlier attempt at this student left. Only this student's folders: the parent may still
        be copying the previous student's autograded folder (it deletes it when it has taken it)."""
        for step in (self.private.submitted_directory, self.private.autograded_directory):
            shutil.rmtree(self._path(self.private, step, student), ignore_errors=True)

    # -- operations --
    def grade(self, student: str) -> GradeReply:
        from spmcourse.grading import submission_checks

        result = GradeReply(student)
        warnings = result.warnings
        self._tests_get_ready()
        self._reset(student)
        src = self._path(self.real, self.real.submitted_directory, student)
        staged = self._path(self.private, self.private.submitted_directory, student)
        if not src.is_dir():
            result.reason = f"there is no submission in {src}. Collect it first (`nbgrader collect {self.assignment}`)."
            return result
        refused = self._stage(src, staged, warnings)
        if refused:
            result.reason = refused
            return result
        ts_file = staged / "timestamp.txt"
        result.timestamp = ts_file.read_text(errors="replace").strip() if ts_file.is_file() else ""

        reason, extra = submission_checks.missing_notebooks(staged, self.notebook_ids, src)
        if reason:
            result.reason = reason
            return result
        for n in extra:
            warnings.append(f"{n}.ipynb is not part of the assignment and was not graded")
            (staged / f"{n}.ipynb").unlink()

        notebooks = {}
        for n in self.notebook_ids:
            path = staged / f"{n}.ipynb"
            nb, reason = submission_checks.read_notebook(path, src)
            if reason:
                result.reason = reason
                return result
            notebooks[n] = self._check_notebook(path, nb, warnings)

        handler = _ListHandler()
        self.log.handlers[:] = [handler]
        cdir = coursedir(self.private_cfg)
        cdir.assignment_id = self.assignment
        cdir.student_id = student
        converter = _recording_autograde()(coursedir=cdir, config=self.private_cfg, log=self.log)
        converter.errors = []
        converter.force = True
        crash = None
        before = frozenset(p.pid for p in descendants(os.getpid()))
        try:
            converter.start()
        except Exception as err:  # nbgrader raises NbGraderException after logging the cause
            crash = err
        finally:
            result.log = handler.text()
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
                filename, err = converter.errors[-1]
                nb_name = Path(filename).name if filename else f"{self.assignment}"
                nb = notebooks.get(Path(filename).stem) if filename else None
                status, reason = exception_reason(type(err).__name__, str(err), nb_name, nb, self.cell_timeout)
            else:
                status, reason = FAILED, (f"nbgrader did not grade the submission ({crash or 'no output'}); "
                                          "see its log, fix the notebook and grade again.")
            result.status, result.reason = status, reason
            return result

        for n in self.notebook_ids:
            self._post_process(out_dir / f"{n}.ipynb", warnings, result.messages)
        result.ok, result.status, result.autograded = True, GRADED, str(out_dir)
        return result

    def feedback(self, student: str) -> FeedbackReply:
        from nbgrader.converters import GenerateFeedback

        handler = _ListHandler()
        self.log.handlers[:] = [handler]
        cdir = coursedir(self.cfg)
        cdir.assignment_id = self.assignment
        cdir.student_id = student
        converter = GenerateFeedback(coursedir=cdir, config=self.cfg, log=self.log)
        converter.force = True
        error = ""
        try:
            converter.start()
        except Exception as err:
            error = f"{type(err).__name__}: {first_line(str(err))}"
        out = self._path(self.real, self.real.feedback_directory, student)
        paths = sorted(str(out / f"{n}.html") for n in self.notebook_ids if (out / f"{n}.html").is_file())
        if len(paths) < len(self.notebook_ids) and not error:
            error = "no feedback file was written"
        return FeedbackReply(student, paths=paths, error=error, log=handler.text())


def main() -> int:
    """Entry point of a worker process: messages on stdin, one reply per line on the original stdout."""
    # jsonschema imports rfc3987_syntax, which builds a grammar for about 2 s, only to check "iri" formats that
    # notebooks never use: skip it (jsonschema treats it as not installed).
    sys.modules.setdefault("rfc3987_syntax", None)
    linux_prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    linux_prctl(PR_SET_CHILD_SUBREAPER, 1)
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything printed by libraries goes to the worker's log, not into the protocol
    sys.stdout = sys.stderr

    def _terminate(signum, frame):
        kill_tree(os.getpid(), include_root=False, timeout=2)
        os._exit(1)

    def reply(message) -> None:
        proto.write(protocol.encode(message))
        proto.flush()

    signal.signal(signal.SIGTERM, _terminate)
    ensure_tools_on_path()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    import warnings
    from sqlalchemy.exc import SAWarning
    warnings.simplefilter("ignore", SAWarning)
    import nbformat  # noqa: F401  (the imports take seconds: do them before the parent sends the work)
    import nbgrader.converters  # noqa: F401
    line = sys.stdin.readline().strip()
    if not line:
        return 0
    spec = protocol.decode(WorkerSpec, line)
    compat.cache_engines(scratch=spec.home)
    compat.cache_metadata_validator()
    try:
        worker = Worker(spec)
    except Exception as err:
        reply(Ready(False, error=f"{type(err).__name__}: {err}", traceback=traceback.format_exc()))
        return 1
    reply(Ready(True))
    for line in sys.stdin:
        task = protocol.decode(Task, line)
        if task.op == protocol.EXIT:
            break
        started = time.monotonic()
        try:
            result = worker.grade(task.student) if task.op == protocol.GRADE else worker.feedback(task.student)
        except Exception as err:
            if task.op == protocol.GRADE:
                result = GradeReply(task.student, status=FAILED, reason=internal_error(err),
                                    log=traceback.format_exc())
            else:
                result = FeedbackReply(task.student, error=internal_error(err), log=traceback.format_exc())
        result.seconds = time.monotonic() - started
        reply(result)
    from spmcourse.grading.isolation import _discard_clean_kernel
    _discard_clean_kernel()  # shut down properly: its scratch folders go with it
    kill_tree(os.getpid(), include_root=False)
    # Everything is written and every child is gone: skip the interpreter's teardown of nbgrader's modules
    # (half a second per worker, which the parent would wait for at the end of every run).
    logging.shutdown()
    sys.stderr.flush()
    proto.close()
    os._exit(0)
