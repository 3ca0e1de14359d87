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
the sandbox like every other grading kernel.

A locked set-up cell (restored from the master by nbgrader) that fails, in either kernel, is a grading failure
(:class:`SetupCellFailed`), never a score of 0: it means the grading environment is broken (the course package not
importable, a data file missing), not that the student's answers are wrong.
"""
from __future__ import annotations

import ast
import atexit
import builtins
import json
import math
import os
import shutil
import tempfile
import time

from nbclient.exceptions import DeadKernelError

#: MIME type of the display output that carries the answers out of the student's kernel.
ANSWERS_MIME = "application/vnd.spm.answers+json"
#: Largest answer payload accepted from one test cell's answers (characters of JSON).
MAX_PAYLOAD = 20_000_000
#: Deepest nesting of containers accepted in an answer.
MAX_DEPTH = 32
#: A clean kernel is replaced after this many notebooks or seconds (the sandbox's wall time is 900 s).
RECYCLE_AFTER_NOTEBOOKS = 200
RECYCLE_AFTER_SECONDS = 600
#: Seconds the clean kernel may take to reset, run the set-up cells or take in the answers (course code only; the
#: test cells themselves have nbgrader's cell time limit).
SETUP_TIMEOUT = 120
#: Seconds the student's kernel may take to hand over the answers of one test cell.
PROBE_TIMEOUT = 30

_BUILTIN_NAMES = frozenset(dir(builtins)) | {"__builtins__", "__name__", "get_ipython", "display", "In", "Out", "_",
                                             "__", "___", "exit", "quit"}


class SetupCellFailed(RuntimeError):
    """A locked set-up cell failed: the grading environment is broken, the submission cannot be graded."""


class AnswerNotData(TypeError):
    """An answer that cannot be handed to the tests as plain data."""


# --- Which names a test cell reads ------------------------------------------------------------------------------

def _names(source: str) -> tuple[set[str], set[str]]:
    """(names read, names bound) anywhere in ``source``; empty sets if it is not valid Python."""
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return set(), set()
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
    return read, bound


def _strip_magics(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def bound_names(source: str) -> set[str]:
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


# --- Answers as data (runs in the student's kernel) --------------------------------------------------------------

def encode(value, depth: int = 0):
    """A JSON-able description of ``value`` built from exact types only; raises AnswerNotData otherwise."""
    import numpy as np
    import pandas as pd

    if depth > MAX_DEPTH:
        raise AnswerNotData("is nested too deeply")
    kind = type(value)
    if value is None:
        return {"t": "none"}
    if kind is bool:
        return {"t": "bool", "v": value}
    if kind is int:
        return {"t": "int", "v": str(value)}
    if kind is float:
        return {"t": "float", "v": repr(value)}
    if kind is complex:
        return {"t": "complex", "v": [repr(value.real), repr(value.imag)]}
    if kind is str:
        return {"t": "str", "v": value}
    if kind in (list, tuple, set, frozenset):
        items = sorted(value, key=repr) if kind in (set, frozenset) else value
        return {"t": kind.__name__, "v": [encode(v, depth + 1) for v in items]}
    if kind is dict:
        return {"t": "dict", "v": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    if isinstance(value, np.generic) and kind is np.dtype(kind).type:
        if value.dtype.kind in "biuf":
            return {"t": "npscalar", "dtype": value.dtype.str, "v": encode(value.item(), depth + 1)}
        if value.dtype.kind in "mM":
            return {"t": "npscalar", "dtype": value.dtype.str, "v": {"t": "int", "v": str(value.view("i8"))}}
        raise AnswerNotData(f"is a numpy {value.dtype} value")
    if kind is np.ndarray:
        return {"t": "ndarray", "dtype": _array_dtype(value.dtype), "shape": list(value.shape),
                "v": [encode(v, depth + 1) for v in _flat_values(value)]}
    if kind is pd.Timestamp:
        return {"t": "timestamp", "v": value.isoformat()}
    if kind is pd.Period:
        return {"t": "period", "v": str(value), "freq": value.freqstr}
    if kind is pd.Timedelta:
        return {"t": "timedelta", "v": str(value.value)}
    if kind is pd.Series:
        return {"t": "series", "name": encode(value.name, depth + 1), "index": _encode_index(value.index, depth),
                "values": _encode_column(value, depth)}
    if kind is pd.DataFrame:
        return {"t": "frame", "columns": _encode_index(value.columns, depth),
                "index": _encode_index(value.index, depth),
                "data": [_encode_column(value.iloc[:, i], depth) for i in range(value.shape[1])]}
    if isinstance(value, pd.Index) and kind in (pd.Index, pd.RangeIndex, pd.DatetimeIndex, pd.MultiIndex,
                                                pd.CategoricalIndex):
        return {"t": "index", "v": _encode_index(value, depth)}
    raise AnswerNotData(f"is a {kind.__module__}.{kind.__qualname__}" if kind.__module__ != "builtins"
                        else f"is a {kind.__name__}")


def _array_dtype(dtype) -> str:
    if dtype.kind in "biufmM":
        return dtype.str
    if dtype.kind in "UO":
        return "object" if dtype.kind == "O" else "str"
    raise AnswerNotData(f"is a numpy array of {dtype}")


def _flat_values(array):
    if array.dtype.kind in "mM":
        return [int(x) for x in array.view("i8").ravel()]
    return array.ravel().tolist()


def _encode_column(series, depth: int) -> dict:
    """One column (or a Series' values) with its dtype."""
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return {"dtype": "category", "ordered": bool(dtype.ordered),
                "categories": _encode_index(dtype.categories, depth),
                "codes": [int(c) for c in series.cat.codes]}
    if isinstance(dtype, pd.DatetimeTZDtype):
        raise AnswerNotData("holds dates with a time zone; use dates without one")
    if isinstance(dtype, pd.PeriodDtype):
        return {"dtype": str(dtype), "periods": [None if _is_missing(v) else str(v) for v in series.tolist()]}
    kind = getattr(dtype, "kind", "O")
    if kind in "mM" and not isinstance(dtype, pd.ArrowDtype):
        values = series.to_numpy()
        return {"dtype": str(dtype), "i8": [None if pd.isna(x) else int(x) for x in values.view("i8")]}
    if kind in "biuf" and type(dtype).__module__.startswith("numpy"):
        return {"dtype": dtype.str, "v": [encode(v, depth + 2) for v in series.to_numpy().tolist()]}
    # text, nullable and object columns: element by element, each an exact type
    values = [None if _is_missing(v) else v for v in series.tolist()]
    return {"dtype": str(dtype), "v": [encode(v, depth + 2) for v in values]}


def _is_missing(v) -> bool:
    import pandas as pd
    try:
        return v is pd.NA or v is pd.NaT or (v is None)
    except Exception:  # noqa: BLE001 (a student's object with an odd __eq__ is caught by encode)
        return False


def _encode_index(index, depth: int) -> dict:
    import pandas as pd

    if type(index) is pd.RangeIndex:
        return {"t": "range", "start": index.start, "stop": index.stop, "step": index.step,
                "name": encode(index.name, depth + 1)}
    if type(index) is pd.MultiIndex:
        return {"t": "multi", "names": [encode(n, depth + 1) for n in index.names],
                "levels": [_encode_column(index.get_level_values(i).to_series(), depth)
                           for i in range(index.nlevels)]}
    return {"t": "plain", "name": encode(index.name, depth + 1), "values": _encode_column(index.to_series(), depth)}


def capture(names: list[str], namespace: dict) -> None:
    """Display the answers ``names`` of ``namespace`` as one JSON payload (runs in the student's kernel)."""
    from IPython.display import display

    answers = {}
    for name in names:
        if name not in namespace:
            answers[name] = {"missing": True}
            continue
        try:
            answers[name] = {"value": encode(namespace[name])}
        except AnswerNotData as err:
            answers[name] = {"error": str(err)}
        except RecursionError:
            answers[name] = {"error": "is nested too deeply"}
        except Exception as err:  # noqa: BLE001 (any object that breaks while being read is not an answer)
            answers[name] = {"error": f"could not be read ({type(err).__name__})"}
    display({ANSWERS_MIME: json.dumps(answers, allow_nan=True)}, raw=True)


# --- Answers rebuilt (runs in the clean kernel) ------------------------------------------------------------------

def decode(obj, depth: int = 0):
    """Rebuild a value from :func:`encode`'s description, with exact types only."""
    import numpy as np
    import pandas as pd

    if depth > MAX_DEPTH + 4 or not isinstance(obj, dict):
        raise AnswerNotData("arrived damaged")
    t = obj.get("t")
    if t == "none":
        return None
    if t == "bool":
        return bool(obj["v"] is True)
    if t == "int":
        return int(str(obj["v"]))
    if t == "float":
        return float(str(obj["v"]))
    if t == "complex":
        return complex(float(obj["v"][0]), float(obj["v"][1]))
    if t == "str":
        return str(obj["v"])
    if t in ("list", "tuple", "set", "frozenset"):
        items = [decode(v, depth + 1) for v in obj["v"]]
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[t](items)
    if t == "dict":
        return {decode(k, depth + 1): decode(v, depth + 1) for k, v in obj["v"]}
    if t == "npscalar":
        dtype = _safe_dtype(obj["dtype"])
        inner = decode(obj["v"], depth + 1)
        if dtype.kind in "mM":
            return np.array([inner], dtype="i8").view(dtype)[0]
        return dtype.type(inner)
    if t == "ndarray":
        values = [decode(v, depth + 1) for v in obj["v"]]
        shape = tuple(int(s) for s in obj["shape"])
        if obj["dtype"] in ("object", "str"):
            array = np.empty(len(values), dtype=object)
            array[:] = values
            if obj["dtype"] == "str":
                array = array.astype(str)
            return array.reshape(shape)
        dtype = _safe_dtype(obj["dtype"])
        if dtype.kind in "mM":
            return np.array(values, dtype="i8").view(dtype).reshape(shape)
        return np.array(values, dtype=dtype).reshape(shape)
    if t == "timestamp":
        return pd.Timestamp(str(obj["v"]))
    if t == "period":
        return pd.Period(str(obj["v"]), freq=str(obj["freq"]))
    if t == "timedelta":
        return pd.Timedelta(int(obj["v"]))
    if t == "series":
        index = _decode_index(obj["index"], depth)
        return pd.Series(_decode_column(obj["values"], depth), index=index, name=decode(obj["name"], depth + 1))
    if t == "frame":
        columns = _decode_index(obj["columns"], depth)
        index = _decode_index(obj["index"], depth)
        data = [_decode_column(c, depth) for c in obj["data"]]
        if len(data) != len(columns):
            raise AnswerNotData("arrived damaged")
        frame = pd.DataFrame({i: col for i, col in enumerate(data)}, index=index)
        if not data:
            frame = pd.DataFrame(index=index)
        frame.columns = columns
        return frame
    if t == "index":
        return _decode_index(obj["v"], depth)
    raise AnswerNotData("arrived damaged")


def _safe_dtype(text: str):
    import numpy as np

    dtype = np.dtype(str(text))
    if dtype.kind not in "biufmM":
        raise AnswerNotData("arrived damaged")
    return dtype


def _decode_column(col: dict, depth: int):
    import numpy as np
    import pandas as pd

    dtype = str(col["dtype"])
    if dtype == "category":
        categories = _decode_index(col["categories"], depth)
        codes = [int(c) for c in col["codes"]]
        return pd.Categorical.from_codes(codes, categories=categories, ordered=bool(col["ordered"]))
    if "periods" in col:
        if not dtype.startswith("period["):
            raise AnswerNotData("arrived damaged")
        return pd.array([None if v is None else str(v) for v in col["periods"]], dtype=dtype)
    if "i8" in col:
        values = np.array([np.iinfo("i8").min if v is None else int(v) for v in col["i8"]], dtype="i8")
        return pd.array(values.view(np.dtype(dtype)))
    values = [decode(v, depth + 2) for v in col["v"]]
    if dtype in ("object",):
        array = np.empty(len(values), dtype=object)
        array[:] = values
        return array
    try:
        return pd.array(values, dtype=dtype)
    except TypeError:
        array = np.empty(len(values), dtype=object)
        array[:] = values
        return pd.array(array, dtype=dtype)


def _decode_index(obj: dict, depth: int):
    import pandas as pd

    t = obj.get("t")
    if t == "range":
        return pd.RangeIndex(int(obj["start"]), int(obj["stop"]), int(obj["step"]), name=decode(obj["name"], depth))
    if t == "multi":
        levels = [_decode_column(level, depth) for level in obj["levels"]]
        names = [decode(n, depth) for n in obj["names"]]
        return pd.MultiIndex.from_arrays(levels, names=names)
    if t == "plain":
        return pd.Index(_decode_column(obj["values"], depth), name=decode(obj["name"], depth))
    raise AnswerNotData("arrived damaged")


def rebuild(payload: str, namespace: dict) -> None:
    """Define the answers of ``payload`` in ``namespace`` (the clean kernel's). Answers the student did not
    define are removed (so the test fails as it would have: NameError); an answer that is not data raises
    :class:`AnswerNotData` naming it and saying what an answer must be."""
    answers = json.loads(payload)
    problems = []
    for name, entry in answers.items():
        namespace.pop(name, None)
        if "value" in entry:
            try:
                namespace[name] = decode(entry["value"])
            except (AnswerNotData, KeyError, TypeError, ValueError, OverflowError) as err:
                problems.append(f"`{name}` {getattr(err, 'args', [''])[0] or 'arrived damaged'}")
        elif "error" in entry:
            problems.append(f"`{name}` {entry['error']}")
    if problems:
        raise AnswerNotData(
            f"{'; '.join(problems)}. An answer must be data: a number, text, True/False, None, a list, tuple, "
            "set or dict of those, a numpy array, or a pandas Series or DataFrame (not a function, a class or an "
            "object of your own). Store the value itself in the variable the question names.")


# --- The preprocessor ---------------------------------------------------------------------------------------------

def _is(cell, flag: str) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return isinstance(meta, dict) and bool(meta.get(flag))


def is_test_cell(cell) -> bool:
    return cell.cell_type == "code" and _is(cell, "grade") and not _is(cell, "solution")


def setup_cells(nb) -> list:
    """The locked code cells before the first answer or test cell: the notebook's set-up."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if _is(cell, "solution") or _is(cell, "grade"):
            break
        if _is(cell, "locked"):
            found.append(cell)
    return found


def _error_of(cell) -> str:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename')}: {str(out.get('evalue'))[:300]}"
    return ""


class _CleanKernel:
    """One kernel that runs only course code: set-up cells and test cells, on answers rebuilt from data."""

    def __init__(self, parent):
        from nbclient import NotebookClient
        import nbformat

        self.workdir = tempfile.mkdtemp(prefix="spm-tests-")
        self.client = NotebookClient(
            nbformat.v4.new_notebook(), km=None, kernel_name=parent.kernel_name or "python3",
            timeout=parent.timeout, interrupt_on_timeout=True, allow_errors=True, config=parent.config,
            kernel_manager_class=parent.kernel_manager_class, shutdown_kernel="immediate",
            resources={"metadata": {"path": self.workdir}}, extra_arguments=list(parent.extra_arguments or []),
            log=parent.log)
        self.client.km = self.client.create_kernel_manager()
        self.client.start_new_kernel(cwd=self.workdir)
        self.client.start_new_kernel_client()
        self.started = time.monotonic()
        self.notebooks = 0
        self.count = 0

    def alive(self) -> bool:
        km = self.client.km
        try:
            from jupyter_core.utils import run_sync
            return bool(run_sync(km.is_alive)())
        except Exception:  # noqa: BLE001
            return False

    def worn_out(self) -> bool:
        # the sandbox kills a kernel at its wall time: replace it well before that
        wall_time = getattr(self.client.km, "wall_time", None) or RECYCLE_AFTER_SECONDS
        age = time.monotonic() - self.started
        return (self.notebooks >= RECYCLE_AFTER_NOTEBOOKS or age > min(RECYCLE_AFTER_SECONDS, wall_time / 3)
                or not self.alive())

    def run(self, source: str, timeout: float | None = None):
        """Execute ``source`` (with the test cells' time limit, or ``timeout``); return the executed cell."""
        import nbformat

        self.count += 1
        cell = nbformat.v4.new_code_cell(source)
        self.client.nb.cells = [cell]
        limit = self.client.timeout
        if timeout is not None:
            self.client.timeout = max(timeout, limit or 0)
        try:
            self.client.execute_cell(cell, 0, execution_count=self.count)
        finally:
            self.client.timeout = limit
        return cell

    def shutdown(self) -> None:
        try:
            self.client._cleanup_kernel()
        except Exception:  # noqa: BLE001 (shutting down a kernel that is gone already)
            pass
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


def clean_kernel_processes() -> frozenset[int]:
    """The processes of this process's clean kernel (its sandbox and the kernel in it). Code that kills whatever a
    submission left running spares them: they only ever ran course code, and starting a new one costs a second."""
    if _clean is None:
        return frozenset()
    pid = getattr(getattr(_clean.client.km, "provisioner", None), "pid", None)
    if not pid:
        return frozenset()
    import psutil
    try:
        root = psutil.Process(pid)
        return frozenset([pid] + [p.pid for p in root.children(recursive=True)])
    except psutil.Error:
        return frozenset()


@atexit.register
def _discard_clean_kernel() -> None:
    global _clean
    if _clean is not None:
        _clean.shutdown()
        _clean = None


_RESET = "get_ipython().reset(new_session=False)\nimport gc; gc.collect()"


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
        clean.notebooks += 1
        reset = clean.run(_RESET, timeout=SETUP_TIMEOUT)
        if _error_of(reset):
            raise SetupCellFailed(f"the clean kernel for the tests could not be reset ({_error_of(reset)})")
        for cell in setup_cells(nb):
            ran = clean.run(cell.source, timeout=SETUP_TIMEOUT)
            if _error_of(ran):
                raise SetupCellFailed(_setup_message(cell, _error_of(ran), "the kernel that runs the tests"))
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
        return self._run_test(cell, resources, index)

    def _run_test(self, cell, resources, index):
        import nbformat

        names = answer_names(cell.source, self._given)
        payload = json.dumps({n: {"missing": True} for n in names})
        if names:
            probe = nbformat.v4.new_code_cell(
                f"__import__('spmcourse.isolation', fromlist=['capture']).capture({names!r}, globals())")
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


    def _test_in_clean_kernel(self, payload: str, source: str) -> list:
        """Run one test cell in the clean kernel on the answers ``payload``; return its outputs."""
        if not self._tests_ready:
            self._clean = self._prepare_clean(self.nb)
            self._tests_ready = True
        injected = self._clean.run(
            f"__import__('spmcourse.isolation', fromlist=['rebuild']).rebuild({payload!r}, globals())",
            timeout=SETUP_TIMEOUT)
        if _error_of(injected):
            return [o for o in injected.outputs if o.get("output_type") == "error"]
        return self._clean.run(source).outputs


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

        from spmcourse.grading import Outcome, record_status

        outcome = Outcome(student=student, assignment=assignment, status=status, reason=reason, score=None,
                          max_score=0.0, cells={}, feedback=[], timestamp="")
        record_status(None, CourseDirectory(config=config), [outcome])
    except Exception:  # noqa: BLE001 (the record is a courtesy to the export; grading itself goes on)
        pass


def _setup_message(cell, error: str, where: str) -> str:
    gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "set-up")
    return (f"the locked set-up cell '{gid}' failed in {where} ({error}). The set-up cell comes from the assignment "
            "itself, so this is a problem of the grading environment, not of the student's answers: check that "
            "the course package (spmcourse) and its data are installed where the grader's Python finds them "
            "(`python -c 'import spmcourse'`), then grade again.")
