"""Hidden tests run where the student's code cannot reach them.

nbgrader runs a notebook's test cells in the same kernel as the student's answers, so an answer cell can change
what the tests see: replace the check functions, patch ``spmcourse.checks``, install an input transformer that
wraps every later cell in ``try/except``, or hand over an object whose ``__eq__`` is always true or whose
conversion to ``float`` reads the expected value from the test's frame.

:class:`IsolatedExecute` replaces nbgrader's ``Execute`` in the autograde pipeline (``nbgrader_config.py``). It
runs every cell in the student's kernel as usual, except the test cells. At a test cell it asks the student's
kernel for the values the test reads (the *answers*: the names the test cell reads that neither the test itself
nor the locked set-up cells define) as plain data, and runs the test cell in a second, clean kernel that has run
only the locked set-up cells. The test cell's outputs are then written back into the notebook, so that nbgrader
scores it as usual.

Answers travel as JSON of exact built-in types: numbers, strings, booleans, None, lists, tuples, sets, dicts,
numpy scalars and arrays of numbers, booleans or text, pandas Series, Index and DataFrames (columns of numbers,
booleans, text, dates or categories). Never a pickle: loading one would run the student's code again. Whatever
the student's kernel sends is only data; the clean kernel rebuilds it with this module's own code. A value that
cannot be handed over fails that question with a reason that says what an answer must be.

The clean kernel runs only course code (the set-up cells and the tests) on rebuilt data, so one clean kernel
serves every notebook a process grades; it is reset before each notebook, and replaced after a while. It runs in
the sandbox like every other grading kernel. A grading worker starts it, and has it reset and run the set-up cells
for the next student (:func:`get_ready`), while the student's own kernel starts and runs the answers: the tests
then find it ready instead of waiting a second for it.

A locked set-up cell (restored from the master by nbgrader) that fails, in either kernel, is a grading failure
(:class:`SetupCellFailed`), never a score of 0: it means the grading environment is broken (the course package not
importable, a data file missing), not that the student's answers are wrong.
"""
from __future__ import annotations

import ast
import atexit
import builtins
import contextlib
import functools
import json
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

from nbclient.exceptions import DeadKernelError

from spmcourse.grading import compat, safefiles
from spmcourse.grading.answers import ANSWERS_MIME
from spmcourse.grading.cellmeta import cell_meta

#: The clean kernel's working folder starts with this (then the owner's tag, see safefiles.scratch_folder).
WORKDIR_PREFIX = "spm-tests-"
#: Largest answer payload accepted from one test cell's answers (characters of JSON).
MAX_PAYLOAD = 20_000_000
#: A clean kernel is replaced after this many notebooks or seconds (the sandbox's wall time is 900 s).
RECYCLE_AFTER_NOTEBOOKS = 200
RECYCLE_AFTER_SECONDS = 600
#: Seconds the clean kernel may take to reset, run the set-up cells or take in the answers (course code only; the
#: test cells themselves have nbgrader's cell time limit).
SETUP_TIMEOUT = 120
#: Seconds the student's kernel may take to hand over the answers of one test cell.
PROBE_TIMEOUT = 30
#: The file in the clean kernel's working folder that carries one test cell's answers to it.
ANSWERS_FILE = ".spm-answers.json"

_BUILTIN_NAMES = frozenset(dir(builtins)) | {"__builtins__", "__name__", "get_ipython", "display", "In", "Out", "_",
                                             "__", "___", "exit", "quit"}


class SetupCellFailed(RuntimeError):
    """A locked set-up cell failed: the grading environment is broken, the submission cannot be graded."""


# --- Which names a test cell reads ------------------------------------------------------------------------------

@functools.lru_cache(maxsize=512)  # every student's notebook has the same test and set-up cells
def _names(source: str) -> tuple[frozenset[str], frozenset[str]]:
    """(names read, names bound) anywhere in ``source``; empty sets if it is not valid Python."""
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return frozenset(), frozenset()
    read, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return frozenset(read), frozenset(bound)


def _strip_magics(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def bound_names(source: str) -> frozenset[str]:
    """Names a cell defines (assignments, imports, functions, classes)."""
    return _names(source)[1]


def answer_names(test_source: str, given: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The names a test cell reads that it does not define itself and that are not ``given`` (defined by the
    set-up cells) or Python's builtins: the answers it checks.

    >>> answer_names("check_close(npv, _expected, 'npv')\\n_expected = 3", {"check_close"})
    ['npv']
    """
    read, bound = _names(test_source)
    return sorted(read - bound - set(given) - _BUILTIN_NAMES)


# --- The preprocessor ---------------------------------------------------------------------------------------------

def is_test_cell(cell) -> bool:
    meta = cell_meta(cell)
    return cell.cell_type == "code" and meta.grade and not meta.solution


def setup_cells(nb) -> list:
    """The locked code cells before the first answer or test cell: the notebook's set-up."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell_meta(cell)
        if meta.solution or meta.grade:
            break
        if meta.locked:
            found.append(cell)
    return found


def code_cell(source: str):
    """A code cell to run, built directly: ``nbformat.v4.new_code_cell`` checks each new cell against the whole
    notebook schema, which costs more than running a short cell."""
    from nbformat import NotebookNode

    return NotebookNode(cell_type="code", id=f"spm-{time.monotonic_ns():x}", metadata=NotebookNode(),
                        source=source, outputs=[], execution_count=None)


def _error_of(cell) -> str:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename')}: {str(out.get('evalue'))[:300]}"
    return ""


class _CleanKernel:
    """One kernel that runs only course code: set-up cells and test cells, on answers rebuilt from data.

    Everything it does runs on one thread of its own, in the order asked: so it can start, and reset and run the
    set-up cells for the next notebook (:meth:`prepare`), while the student's kernel runs the answers; and a
    notebook's reset always comes after every test of the notebook before it.
    """

    def __init__(self, parent):
        # named after this process, so that the next run removes it if this one is killed
        self.workdir = str(safefiles.scratch_folder(WORKDIR_PREFIX))
        self.client = None
        self.started = time.monotonic()
        self.notebooks = 0
        self.count = 0
        self._ahead = None  # (set-up cells, Future) of a reset and set-up asked for ahead of the notebook
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="spm-clean-kernel")
        settings = dict(kernel_name=parent.kernel_name or "python3", timeout=parent.timeout,
                        config=parent.config, kernel_manager_class=parent.kernel_manager_class,
                        extra_arguments=list(parent.extra_arguments or []), log=parent.log)
        self._starting = self._thread.submit(self._start, settings)

    def _start(self, settings: dict) -> None:
        from nbclient import NotebookClient
        import nbformat

        client = NotebookClient(nbformat.v4.new_notebook(), km=None, interrupt_on_timeout=True, allow_errors=True,
                                shutdown_kernel="immediate", resources={"metadata": {"path": self.workdir}},
                                **settings)
        client.km = client.create_kernel_manager()
        self.client = client
        # as when nbgrader's autograde starts it, whenever it is started (the sandbox cleans up after it then)
        client.start_new_kernel(cwd=self.workdir, env=dict(os.environ, NBGRADER_EXECUTION="autograde"))
        client.start_new_kernel_client()

    def _call(self, fn, *args):
        """Run ``fn`` on the kernel's thread, after what was asked before; return its result or raise its error."""
        return self._thread.submit(fn, *args).result()

    def _alive(self) -> bool:
        self._starting.result()
        from jupyter_core.utils import run_sync
        return bool(run_sync(self.client.km.is_alive)())

    def worn_out(self) -> bool:
        # the sandbox kills a kernel at its wall time: replace it well before that
        try:
            alive = self._call(self._alive)
        except Exception:  # noqa: BLE001 (a kernel that did not start or is gone)
            return True
        wall_time = getattr(self.client.km, "wall_time", None) or RECYCLE_AFTER_SECONDS
        age = time.monotonic() - self.started
        return self.notebooks >= RECYCLE_AFTER_NOTEBOOKS or age > min(RECYCLE_AFTER_SECONDS, wall_time / 3) or not alive

    def run(self, source: str, timeout: float | None = None):
        """Execute ``source`` (with the test cells' time limit, or ``timeout``); return the executed cell."""
        return self._call(self._run, source, timeout)

    def _run(self, source: str, timeout: float | None):
        self._starting.result()
        self.count += 1
        cell = code_cell(source)
        self.client.nb.cells = [cell]
        limit = self.client.timeout
        if timeout is not None:
            self.client.timeout = max(timeout, limit or 0)
        try:
            self.client.execute_cell(cell, 0, execution_count=self.count)
        finally:
            self.client.timeout = limit
        return cell

    def test(self, source: str, payload: str | None):
        """Run the test cell ``source`` on the answers ``payload`` (None: it reads none); return the executed cell.

        The answers go to a file in the kernel's working folder, and one line that rebuilds them from it comes
        before the test's own lines, so each test is a single request to the kernel."""
        return self._call(self._test, source, payload)

    def _test(self, source: str, payload: str | None):
        if payload is None:
            return self._run(source, None)
        path = os.path.join(self.workdir, ANSWERS_FILE)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(payload)
        rebuild = (f"__import__('spmcourse.grading.answers', fromlist=['rebuild_file']).rebuild_file({path!r}, "
                   "globals())")
        if source.lstrip().startswith("%%"):  # a cell magic must be the first line: the answers get a cell of their own
            injected = self._run(rebuild, SETUP_TIMEOUT)
            return injected if _error_of(injected) else self._run(source, None)
        return self._run(f"{rebuild}\n{source}", SETUP_TIMEOUT)

    def _reset_and_set_up(self, setup: list) -> None:
        """Forget every name of the notebook before, then run the set-up cells; SetupCellFailed if one fails."""
        reset = self._run(_RESET, SETUP_TIMEOUT)
        if _error_of(reset):
            raise SetupCellFailed(f"the clean kernel for the tests could not be reset ({_error_of(reset)})")
        for cell in setup:
            ran = self._run(cell.source, SETUP_TIMEOUT)
            if _error_of(ran):
                raise SetupCellFailed(_setup_message(cell, _error_of(ran), "the kernel that runs the tests"))

    def prepare(self, setup: list) -> None:
        """Reset the kernel and run the ``setup`` cells on its thread, ahead of the notebook that needs them."""
        self._ahead = (setup, self._thread.submit(self._reset_and_set_up, setup))

    def ready_for(self, setup: list) -> None:
        """Wait until the kernel is reset and has run ``setup`` (a notebook's set-up cells) for one notebook."""
        ahead, self._ahead = self._ahead, None
        if ahead is None or [c.source for c in ahead[0]] != [c.source for c in setup]:
            ahead = (setup, self._thread.submit(self._reset_and_set_up, setup))
        self.notebooks += 1
        ahead[1].result()

    def pids(self) -> frozenset[int]:
        """Its sandbox and the kernel in it, once started."""
        try:
            self._starting.result(timeout=SETUP_TIMEOUT)
        except Exception:  # noqa: BLE001 (not started: nothing of it to spare)
            return frozenset()
        pid = getattr(getattr(self.client.km, "provisioner", None), "pid", None)
        if not pid:
            return frozenset()
        import psutil
        try:
            root = psutil.Process(pid)
            return frozenset([pid] + [p.pid for p in root.children(recursive=True)])
        except psutil.Error:
            return frozenset()

    def shutdown(self) -> None:
        def stop():
            if self.client is not None and self.client.km is not None:
                compat.cleanup_kernel(self.client)
        try:
            self._call(stop)
        except RuntimeError:  # the interpreter is exiting (its thread takes no more work): stop it from here
            with contextlib.suppress(Exception):
                stop()
        except Exception:  # noqa: BLE001 (shutting down a kernel that is gone already)
            pass
        self._thread.shutdown(wait=True)
        shutil.rmtree(self.workdir, ignore_errors=True)


_clean: _CleanKernel | None = None


def _clean_kernel(parent) -> _CleanKernel:
    """This process's clean kernel, started or replaced when needed."""
    global _clean
    if _clean is not None and _clean.worn_out():
        _clean.shutdown()
        _clean = None
    if _clean is None:
        _clean = _CleanKernel(parent)
    return _clean


def get_ready(config, notebook) -> None:
    """Start this process's clean kernel if needed, and have it reset and run ``notebook``'s set-up cells in the
    background, so that the next notebook graded with those set-up cells finds it ready. A grading process calls
    this before it starts a student's kernel; nothing happens unless the configuration grades with
    :class:`IsolatedExecute`."""
    pipeline = config.Autograde.get("autograde_preprocessors") or []  # unset: nbgrader's own, without this module
    names = [pp if isinstance(pp, str) else f"{pp.__module__}.{pp.__name__}" for pp in pipeline]
    if f"{__name__}.IsolatedExecute" not in names:
        return
    if _clean is not None and _clean._ahead is not None:
        return  # getting ready already (checking whether it is worn out would wait for that)
    _clean_kernel(IsolatedExecute(config=config)).prepare(setup_cells(notebook))


def clean_kernel_processes() -> frozenset[int]:
    """The processes of this process's clean kernel (its sandbox and the kernel in it). Code that kills whatever a
    submission left running spares them: they only ever ran course code, and starting a new one costs a second."""
    return frozenset() if _clean is None else _clean.pids()


@atexit.register
def _discard_clean_kernel() -> None:
    global _clean
    if _clean is not None:
        _clean.shutdown()
        _clean = None


# Forgets every name of the notebook graded before. IPython's reset ends with a full gc.collect(), which costs
# more than the rest of the reset and frees nothing the kernel's next automatic collection would not: skip it.
_RESET = """\
def _spm_reset(shell=get_ipython()):
    import gc
    collect, gc.collect = gc.collect, lambda generation=2: 0
    try:
        shell.reset(new_session=False)
    finally:
        gc.collect = collect
_spm_reset()
"""


def _execute_base():
    from nbgrader.preprocessors import Execute
    return Execute


class IsolatedExecute(_execute_base()):
    """nbgrader's ``Execute``, with every test cell run in a clean kernel on the student's answers as data."""

    def preprocess(self, nb, resources=None, km=None):
        self._setup = [id(c) for c in setup_cells(nb)]
        given: set[str] = set()
        for cell in setup_cells(nb):
            given |= bound_names(cell.source)
        self._given = given
        self._tests_ready = False
        try:
            result = super().preprocess(nb, resources, km)
        except SetupCellFailed as err:
            _record(self.config, resources, "failed", str(err))
            raise
        _record(self.config, resources, "graded", "")
        return result

    def _prepare_clean(self, nb) -> _CleanKernel:
        clean = _clean_kernel(self)
        clean.ready_for(setup_cells(nb))
        return clean

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return super().preprocess_cell(cell, resources, index)
        if id(cell) in self._setup:
            limit = self.timeout  # course code: the cell time limit is for the student's code
            self.timeout = max(limit or 0, SETUP_TIMEOUT)
            try:
                cell, resources = super().preprocess_cell(cell, resources, index)
            finally:
                self.timeout = limit
            if _error_of(cell):
                raise SetupCellFailed(_setup_message(cell, _error_of(cell), "the student's kernel"))
            return cell, resources
        if not is_test_cell(cell):
            return super().preprocess_cell(cell, resources, index)
        return self._run_test(cell, index)

    def _run_test(self, cell, index):
        names = answer_names(cell.source, self._given)
        payload = None  # the test reads no answers
        if names:
            probe = code_cell(
                f"__import__('spmcourse.grading.answers', fromlist=['capture']).capture({names!r}, globals())")
            limit = self.timeout
            self.timeout = max(limit or 0, PROBE_TIMEOUT)  # reading big answers on a busy machine takes time
            try:
                self.execute_cell(probe, index, store_history=False)
            finally:
                self.timeout = limit
                self.nb.cells[index] = cell  # nbclient stores the cell it ran at that index
            payload = _payload_of(probe, names)
        for attempt in (1, 2):
            try:
                outputs = self._test_in_clean_kernel(payload, cell.source)
                break
            except (DeadKernelError, RuntimeError, TimeoutError) as err:
                # the clean kernel died (the sandbox's wall time on a very busy machine, say): a fresh one, once
                self.log.warning("The kernel that runs the tests failed (%s); starting a fresh one.", err)
                _discard_clean_kernel()
                self._tests_ready = False
                if attempt == 2:
                    raise
        cell.outputs = outputs
        cell.execution_count = index
        return cell, self.resources


    def _test_in_clean_kernel(self, payload: str | None, source: str) -> list:
        """Run one test cell in the clean kernel on the answers ``payload`` (None: none); return its outputs."""
        if not self._tests_ready:
            self._clean = self._prepare_clean(self.nb)
            self._tests_ready = True
        return self._clean.test(source, payload).outputs


def _payload_of(probe, names: list[str]) -> str:
    """The answers the student's kernel displayed, checked; any name it did not send counts as missing."""
    text = None
    for out in probe.get("outputs", []):
        data = out.get("data", {}) if out.get("output_type") in ("display_data", "execute_result") else {}
        if ANSWERS_MIME in data:
            text = data[ANSWERS_MIME]
    answers = {}
    if isinstance(text, str) and len(text) <= MAX_PAYLOAD:
        try:
            sent = json.loads(text)
        except ValueError:
            sent = {}
        if isinstance(sent, dict):
            answers = sent
    elif isinstance(text, str):
        return json.dumps({n: {"error": "is too large to grade (over "
                                        f"{MAX_PAYLOAD // 1_000_000} million characters as data)"} for n in names})
    checked = {}
    for name in names:
        entry = answers.get(name)
        if isinstance(entry, dict) and ("value" in entry or "error" in entry):
            checked[name] = {k: entry[k] for k in ("value", "error") if k in entry}
            if "error" in checked[name]:
                checked[name]["error"] = str(checked[name]["error"])[:200]
        else:
            checked[name] = {"missing": True}
    return json.dumps(checked, allow_nan=True)


_failed_here: set[tuple[str, str]] = set()


def _record(config, resources, status: str, reason: str) -> None:
    """Record the grading's status where the course's CSV export finds it (``autograded/.spm-grading-status.json``)
    so that a failure in plain ``nbgrader autograde`` never looks like a score of 0. Within one run a failure of
    any notebook of a student stands; a later run that grades the student replaces it."""
    info = (resources or {}).get("nbgrader", {})
    assignment, student = info.get("assignment"), info.get("student")
    if not assignment or not student:
        return
    if status == "failed":
        _failed_here.add((assignment, student))
    elif (assignment, student) in _failed_here:
        return
    try:
        from nbgrader.coursedir import CourseDirectory

        from spmcourse.grading.status import Outcome, record_status

        outcome = Outcome(student=student, assignment=assignment, status=status, reason=reason, score=None,
                          max_score=0.0, cells={}, feedback=[], timestamp="")
        record_status(CourseDirectory(config=config), [outcome])
    except Exception:  # noqa: BLE001 (the record is a courtesy to the export; grading itself goes on)
        pass


def _setup_message(cell, error: str, where: str) -> str:
    gid = cell_meta(cell).grade_id or "set-up"
    return (f"the locked set-up cell '{gid}' failed in {where} ({error}). The set-up cell comes from the assignment "
            "itself, so this is a problem of the grading environment, not of the student's answers: check that "
            "the course package (spmcourse) and its data are installed where the grader's Python finds them "
            "(`python -c 'import spmcourse'`), then grade again.")
