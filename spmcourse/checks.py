"""Checks that graded test cells call.

Each check raises ``AssertionError`` with a message that says what is wrong and what to look at, without
revealing the expected value. A check can recognise a known mistake (the value a learner gets when they make
it) and name that mistake instead of a generic message.

Examples
--------
>>> check_number(12.5, "payback_years")
>>> check_close(101.0, 100.0, "npv", rel=0.05)
>>> try:
...     check_close(90.0, 100.0, "npv", rel=0.01, mistakes={"Did you discount year 0?": 90.0})
... except AssertionError as err:
...     print(err)
npv: Did you discount year 0?
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd


def _fail(name: str, message: str) -> None:
    raise AssertionError(f"{name}: {message}")


def _type_name(value) -> str:
    return type(value).__name__


def check_number(value, name: str) -> None:
    """Fail unless ``value`` is a finite real number (a Python or numpy number, not a bool, Series or string)."""
    if isinstance(value, (bool, np.bool_)):
        _fail(name, "should be a number, but it is True/False. Return the computed value, not a comparison.")
    if isinstance(value, (pd.Series, pd.DataFrame, np.ndarray, list, tuple)):
        _fail(name, f"should be a single number, but it is a {_type_name(value)}. "
                    "Select the one value you need (for example with .iloc[0], .sum() or float(...)).")
    if isinstance(value, str):
        _fail(name, f"should be a number, but it is the text {value!r}. Compute it instead of formatting it.")
    if not isinstance(value, (numbers.Real, np.number)):
        _fail(name, f"should be a number, but it is a {_type_name(value)}.")
    if not math.isfinite(float(value)):
        _fail(name, "is not a finite number (NaN or infinity). Check for a division by zero or missing data.")


def check_close(value, expected: float, name: str, *, rel: float = 1e-6, abs_tol: float = 0.0,
                mistakes: Mapping[str, float] | None = None, hint: str = "") -> None:
    """Fail unless ``value`` is within ``rel`` (relative) or ``abs_tol`` of ``expected``.

    ``mistakes`` maps a message to the value a known mistake produces; when the learner's value matches one,
    that message is the failure. Otherwise the message says the value is off, and adds ``hint``.
    """
    check_number(value, name)
    value = float(value)
    if math.isclose(value, expected, rel_tol=rel, abs_tol=abs_tol):
        return
    for message, wrong in (mistakes or {}).items():
        if math.isclose(value, float(wrong), rel_tol=max(rel, 1e-9), abs_tol=abs_tol):
            _fail(name, message)
    direction = "too high" if value > expected else "too low"
    _fail(name, f"{value:,.6g} is {direction}. {hint}".rstrip())


def check_columns(df, required: Iterable[str], name: str) -> None:
    """Fail unless ``df`` is a DataFrame with every column in ``required``."""
    if not isinstance(df, pd.DataFrame):
        _fail(name, f"should be a pandas DataFrame, but it is a {_type_name(df)}.")
    missing = [c for c in required if c not in df.columns]
    if missing:
        _fail(name, f"is missing the column(s) {missing}; it has {list(df.columns)}.")


def check_type(value, kind, name: str, what: str | None = None) -> None:
    """Fail unless ``value`` is an instance of ``kind``; ``what`` names the kind in the message."""
    if not isinstance(value, kind):
        wanted = what or getattr(kind, "__name__", str(kind))
        _fail(name, f"should be a {wanted}, but it is a {_type_name(value)}.")


def check_same_items(value: Iterable, expected: Iterable, name: str, *, what: str = "items") -> None:
    """Fail unless ``value`` holds exactly the ``expected`` items (order ignored), naming how many are off."""
    got, want = list(value), list(expected)
    if len(got) != len(set(map(str, got))):
        _fail(name, f"lists some {what} more than once.")
    extra = set(map(str, got)) - set(map(str, want))
    missing = set(map(str, want)) - set(map(str, got))
    if extra or missing:
        _fail(name, f"{len(extra)} of your {what} should not be there and {len(missing)} are missing.")


def check_true(condition: bool, name: str, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        _fail(name, message)
