"""Answers as data: how a learner's answers cross from their kernel to the clean kernel that runs the tests.

Runs inside kernels (the student's and the clean one), so it imports nothing heavy: only the standard library,
and numpy and pandas when a value needs them. :func:`capture` describes the named answers as JSON of exact types
and displays it; :func:`rebuild` turns that JSON back into values. ``spmcourse.grading.isolation`` (the grader's side)
explains the design.
"""
from __future__ import annotations

import json

#: MIME type of the display output that carries the answers out of the student's kernel.
ANSWERS_MIME = "application/vnd.spm.answers+json"
#: Deepest nesting of containers accepted in an answer.
MAX_DEPTH = 32


class AnswerNotData(TypeError):
    """An answer that cannot be handed to the tests as plain data."""


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


def rebuild_file(path: str, namespace: dict) -> None:
    """:func:`rebuild` from the answers the grader wrote to ``path`` (a file in the clean kernel's folder)."""
    with open(path, encoding="utf-8") as f:
        rebuild(f.read(), namespace)


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
