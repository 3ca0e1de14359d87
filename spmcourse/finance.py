"""Business-case arithmetic for module 05: cash flows, NPV, IRR, payback, break-even, ROI and sensitivity.

The lesson teaches each computation from first principles with pandas; these functions are the course's tested
reference (``tests/content/test_finance.py`` checks them against ``numpy_financial``) and the engine of the business-case
explorer.

Conventions (the ones the lesson and the assignment pin):

- **Timing.** ``flows[0]`` is year 0 and falls *today* (t = 0, not discounted); ``flows[t]`` falls at the end
  of year t and is divided by ``(1 + rate) ** t``. This is the textbook convention (Brealey, Myers & Allen) and
  the one ``numpy_financial.npv`` uses. Excel's ``NPV()`` discounts its first argument by one full period;
  :func:`excel_npv` reproduces that, so the lesson can show the trap.
- **Payback.** Fractional, assuming each year's cash arrives evenly through the year: if the cumulative flow
  first turns non-negative in year t, payback = (t - 1) + |cumulative at t - 1| / flow in year t.
- **Rates** are decimals (0.10 for 10 %).

Examples
--------
>>> flows = [-1000, 300, 400, 500]
>>> round(npv(0.10, flows), 2)
-21.04
>>> round(irr(flows), 4)
0.089
>>> payback_period(flows)
2.6
>>> break_even_volume(fixed_costs=120_000, price=50, unit_variable_cost=10)
3000.0
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "npv", "excel_npv", "discount_factors", "irr", "sign_changes", "payback_period", "discounted_payback_period",
    "break_even_volume", "break_even_revenue", "roi", "project_business_case", "sensitivity",
]


def _as_array(flows: Sequence[float]) -> np.ndarray:
    arr = np.asarray(flows, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("cash flows must be a non-empty one-dimensional sequence (year 0 first)")
    return arr


def discount_factors(rate: float, years: int) -> np.ndarray:
    """The factors ``1 / (1 + rate) ** t`` for t = 0 .. years - 1.

    >>> discount_factors(0.10, 3).round(4).tolist()
    [1.0, 0.9091, 0.8264]
    """
    if rate <= -1:
        raise ValueError(f"a discount rate of {rate} is not meaningful (it must be above -100 %)")
    return 1.0 / (1.0 + rate) ** np.arange(years)


def npv(rate: float, flows: Sequence[float]) -> float:
    """Net present value, with ``flows[0]`` at t = 0 (undiscounted) and ``flows[t]`` at the end of year t.

    >>> npv(0.0, [-100, 60, 60])
    20.0
    """
    arr = _as_array(flows)
    return float(np.sum(arr * discount_factors(rate, arr.size)))


def excel_npv(rate: float, flows: Sequence[float]) -> float:
    """What Excel's ``=NPV(rate, flows)`` returns: every flow, the first included, is discounted one period more.

    Equal to ``npv(rate, flows) / (1 + rate)``. The correct spreadsheet formula for a year-0 outlay is
    ``=flows[0] + NPV(rate, flows[1:])``.

    >>> round(excel_npv(0.10, [-100, 110]), 4)
    0.0
    """
    return npv(rate, flows) / (1.0 + rate)


def sign_changes(flows: Sequence[float]) -> int:
    """How many times the sign of the cash flows changes (zeros skipped).

    Descartes' rule of signs: there can be as many IRRs as sign changes, so more than one change is a warning.

    >>> sign_changes([-100, 230, -132])
    2
    """
    signs = [math.copysign(1, f) for f in _as_array(flows) if f != 0]
    return sum(a != b for a, b in zip(signs, signs[1:]))


def irr(flows: Sequence[float], lo: float = -0.99, hi: float = 10.0, tol: float = 1e-12,
        max_iter: int = 500) -> float:
    """Internal rate of return by bisection: the rate in ``[lo, hi]`` at which :func:`npv` is zero.

    Bisection needs NPV to have opposite signs at ``lo`` and ``hi``; if it does not, there is no IRR in the
    bracket (or an even number of them) and a ``ValueError`` says so. With more than one sign change in the
    flows there may be several IRRs; bisection returns one of them, so look at the NPV profile.

    >>> round(irr([-100, 110]), 10)
    0.1
    """
    arr = _as_array(flows)
    f_lo, f_hi = npv(lo, arr), npv(hi, arr)
    if f_lo == 0:
        return lo
    if f_hi == 0:
        return hi
    if (f_lo > 0) == (f_hi > 0):
        raise ValueError(
            f"NPV has the same sign at {lo:.0%} and {hi:.0%}, so there is no IRR to bracket there. "
            "Check that the flows contain both an outlay and a return, or widen the bracket.")
    for _ in range(max_iter):
        mid = (lo + hi) / 2
        f_mid = npv(mid, arr)
        if f_mid == 0 or (hi - lo) / 2 < tol:
            return mid
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return (lo + hi) / 2


def payback_period(flows: Sequence[float], fractional: bool = True) -> float:
    """Years until the cumulative cash flow first becomes non-negative; ``math.inf`` if it never does.

    With ``fractional=True`` (the course's convention) the last year is split pro rata:
    (t - 1) + |cumulative at t - 1| / flow in year t. With ``fractional=False`` the whole year t is returned.
    A project whose year-0 flow is already non-negative pays back at 0.

    >>> payback_period([-1000, 300, 400, 500], fractional=False)
    3.0
    """
    arr = _as_array(flows)
    cumulative = np.cumsum(arr)
    reached = np.flatnonzero(cumulative >= 0)
    if reached.size == 0:
        return math.inf
    t = int(reached[0])
    if t == 0:
        return 0.0
    if not fractional:
        return float(t)
    return float((t - 1) + abs(cumulative[t - 1]) / arr[t])


def discounted_payback_period(rate: float, flows: Sequence[float], fractional: bool = True) -> float:
    """:func:`payback_period` of the discounted flows ``flows[t] / (1 + rate) ** t``.

    >>> round(discounted_payback_period(0.10, [-1000, 500, 500, 500]), 4)
    2.352
    """
    arr = _as_array(flows)
    return payback_period(arr * discount_factors(rate, arr.size), fractional=fractional)


def break_even_volume(fixed_costs: float, price: float, unit_variable_cost: float) -> float:
    """Units at which contribution covers fixed costs: ``fixed_costs / (price - unit_variable_cost)``.

    Raises ``ValueError`` when each unit loses money (no volume breaks even).
    """
    margin = price - unit_variable_cost
    if margin <= 0:
        raise ValueError(f"price {price} does not exceed the unit variable cost {unit_variable_cost}: "
                         "every unit adds to the loss, so there is no break-even volume")
    return fixed_costs / margin


def break_even_revenue(fixed_costs: float, contribution_margin_ratio: float) -> float:
    """Revenue at which the business breaks even: ``fixed_costs / CM%`` with CM% = (P - VC) / P.

    >>> break_even_revenue(120_000, 0.8)
    150000.0
    """
    if contribution_margin_ratio <= 0:
        raise ValueError("the contribution margin ratio must be positive to break even")
    return fixed_costs / contribution_margin_ratio


def roi(benefits: float, costs: float) -> float:
    """Return on investment, ``(benefits - costs) / costs`` (undiscounted unless you pass present values).

    >>> roi(150, 100)
    0.5
    """
    if costs == 0:
        raise ValueError("ROI is undefined when the costs are zero")
    return (benefits - costs) / costs


def project_business_case(*, price: float, customers_year1: float, growth: float, churn: float,
                          seats_per_customer: float, unit_cost: float, build_cost: float,
                          fixed_cost_per_year: float, years: int = 5) -> pd.DataFrame:
    """A simple subscription business case, one row per year (year 0 is the build).

    The customer base follows ``customers[t] = customers[t-1] * (1 - churn) + new[t]`` with new customers
    ``customers_year1 * (1 + growth) ** (t - 1)`` in year t >= 1. Revenue is customers (average of start and end
    of the year) x seats x ``price`` x 12 months; variable cost is ``unit_cost`` per seat-month; the fixed cost
    (operations, support, go-to-market) is paid every year from year 1. ``build_cost`` is the year-0 outlay.

    Returns a DataFrame indexed by ``year`` with customers, revenue, costs and ``net_cash_flow``.
    """
    t = np.arange(years + 1)
    new = np.where(t >= 1, customers_year1 * (1 + growth) ** np.maximum(t - 1, 0), 0.0)
    end = np.zeros(years + 1)
    for year in range(1, years + 1):
        end[year] = end[year - 1] * (1 - churn) + new[year]
    start = np.concatenate([[0.0], end[:-1]])
    average = (start + end) / 2
    seat_months = average * seats_per_customer * 12
    revenue = seat_months * price
    variable = seat_months * unit_cost
    fixed = np.where(t >= 1, fixed_cost_per_year, 0.0)
    build = np.where(t == 0, build_cost, 0.0)
    table = pd.DataFrame({
        "year": t, "new_customers": new, "customers_end": end, "revenue": revenue,
        "variable_cost": variable, "fixed_cost": fixed, "build_cost": build,
    })
    table["net_cash_flow"] = table["revenue"] - table["variable_cost"] - table["fixed_cost"] - table["build_cost"]
    return table.set_index("year")


def sensitivity(model: Callable[..., float], base: Mapping[str, float],
                swings: Mapping[str, tuple[float, float]]) -> pd.DataFrame:
    """One-at-a-time sensitivity: the model's output with each input set to its low and its high value.

    ``model(**inputs)`` returns one number (say, NPV); ``base`` holds every input; ``swings`` maps some inputs
    to ``(low, high)``. Returns one row per swung input, sorted by ``range`` (largest first), with columns
    ``low_input``, ``high_input``, ``at_low``, ``at_high``, ``range`` and ``base`` (the base output): the data
    of a tornado chart.

    >>> table = sensitivity(lambda a, b: a * b, {"a": 2, "b": 3}, {"a": (1, 3), "b": (2, 6)})
    >>> table.index.tolist(), table["range"].tolist()
    (['b', 'a'], [8.0, 6.0])
    """
    missing = set(swings) - set(base)
    if missing:
        raise ValueError(f"swings name inputs the base case does not have: {sorted(missing)}")
    base_value = float(model(**base))
    rows = []
    for name, (low, high) in swings.items():
        at_low = float(model(**{**base, name: low}))
        at_high = float(model(**{**base, name: high}))
        rows.append({"input": name, "low_input": low, "high_input": high, "at_low": at_low,
                     "at_high": at_high, "range": abs(at_high - at_low), "base": base_value})
    table = pd.DataFrame(rows).set_index("input")
    return table.sort_values("range", ascending=False, kind="stable")
