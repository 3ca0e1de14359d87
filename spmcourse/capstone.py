"""Putting the parts together (module 12): one launch decision from the methods of modules 02-10.

Each function is a thin layer over a topic module, so that the capstone uses the same conventions as the lesson
that taught the method:

- positioning: :func:`weighted_scores`, :func:`weighted_gaps` (a weighted-attribute fit, module 04's ratings);
- pricing: :func:`price_table`, :func:`best_price` (Gabor-Granger, :mod:`spmcourse.pricing`, with a unit cost);
- business case: :func:`plan_flows` (the yearly cash flows that :mod:`spmcourse.finance` discounts);
- risk: :func:`risk_plan`, :func:`risk_adjusted_npv` (Boehm's exposure and leverage, :mod:`spmcourse.risk`);
- roadmap: :func:`quarter_label`, :func:`launch_ready_quarter`, :func:`cut_candidates` (:mod:`spmcourse.roadmap`);
- launch: :func:`failing_gates`, :func:`decide`.

Examples
--------
>>> quarter_label("2026Q3", 3)
'2027Q1'
>>> decide(market_growth=0.09, risk_adjusted_npv=1.0, plan_within_som=True, failed_must_gates=[])
'launch'
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from spmcourse import finance, planning, pricing, risk, roadmap

__all__ = ["weighted_scores", "weighted_gaps", "price_table", "best_price", "plan_flows", "risk_plan",
           "risk_adjusted_npv", "quarter_label", "launch_ready_quarter", "cut_candidates", "failing_gates",
           "decide", "DECISIONS", "MIN_MARKET_GROWTH"]

#: The three answers of the launch decision, in the order the rule tests them.
DECISIONS = ("do not launch", "launch after fixes", "launch")
#: The board's growth hurdle for a new vertical (module 02, question 9).
MIN_MARKET_GROWTH = 0.08


# --- positioning ------------------------------------------------------------------------------------------------
def weighted_scores(ratings: pd.DataFrame, weights: pd.Series, *, index: str = "vendor") -> pd.Series:
    """Each vendor's rating averaged with the buyers' attribute weights, highest first.

    ``weights`` is indexed by attribute (columns of ``ratings``); it is normalised to sum to 1.

    >>> r = pd.DataFrame({"vendor": ["A", "B"], "x": [5.0, 3.0], "y": [1.0, 4.0]})
    >>> weighted_scores(r, pd.Series({"x": 1, "y": 3})).round(2).to_dict()
    {'B': 3.75, 'A': 2.0}
    """
    w = weights / weights.sum()
    table = ratings.set_index(index)[list(w.index)]
    return (table * w).sum(axis=1).sort_values(ascending=False).rename("score")


def weighted_gaps(ratings: pd.DataFrame, weights: pd.Series, focal: str, rival: str, *,
                  index: str = "vendor") -> pd.Series:
    """Per attribute, weight x (rival's rating - focal's rating): positive where the focal vendor trails."""
    w = weights / weights.sum()
    table = ratings.set_index(index)[list(w.index)]
    return ((table.loc[rival] - table.loc[focal]) * w).rename("weighted_gap")


# --- pricing ----------------------------------------------------------------------------------------------------
def price_table(prices, share_buying, unit_cost: float) -> pd.DataFrame:
    """Gabor-Granger table with ``contribution_index`` = (price - unit cost) x share, per respondent asked."""
    table = pricing.gabor_granger(prices, share_buying)
    table["contribution_index"] = (table.index - float(unit_cost)) * table["share"]
    return table


def best_price(table: pd.DataFrame, column: str = "contribution_index") -> float:
    """The price with the largest ``column`` (ties: the lower price), as :func:`pricing.revenue_maximising_price`."""
    return pricing.revenue_maximising_price(table, column)


# --- business case ----------------------------------------------------------------------------------------------
COST_COLUMNS = ("one_off_development", "recurring_development", "operations", "compliance", "go_to_market")


def plan_flows(plan: pd.DataFrame, price: float | None = None, *, seat_factor: float = 1.0,
               delay_years: float = 0.0, unit_cost: float = 0.0) -> pd.DataFrame:
    """The plan's yearly ``revenue``, ``total_cost`` and ``net_cash_flow``, indexed by ``year``.

    ``price`` replaces the plan's price per seat and month; ``seat_factor`` scales every year's seats;
    ``delay_years`` shifts the seat curve later (0.25 = one quarter) by linear interpolation between years,
    while the costs stay where they are (a late launch still pays its team). ``unit_cost`` (EUR per seat and
    month) is added for every seat above the plan and saved for every seat below it: the plan's cost lines
    already carry its own seats.
    """
    table = plan.set_index("year")
    years = table.index.to_numpy(dtype=float)
    # linear between the plan's years; before year 0 there are no seats
    shifted = np.interp(years - delay_years, years, table["seats"].to_numpy(dtype=float), left=0.0)
    p = table["price_per_seat_month"].astype(float) if price is None else float(price)
    out = pd.DataFrame(index=table.index)
    out["seats"] = [s * seat_factor for s in shifted]
    out["revenue"] = out["seats"] * p * 12
    extra_seats = out["seats"] - table["seats"].astype(float)
    out["total_cost"] = table[list(COST_COLUMNS)].sum(axis=1) + float(unit_cost) * 12 * extra_seats
    out["net_cash_flow"] = out["revenue"] - out["total_cost"]
    return out


# --- risk -------------------------------------------------------------------------------------------------------
def risk_plan(risks: pd.DataFrame) -> pd.DataFrame:
    """The register with ``exposure``, ``exposure_after``, ``leverage`` and ``funded``.

    A mitigation is funded if its leverage is above 1 or the risk is ``mandatory`` (a legal obligation, whatever
    its leverage). ``residual`` is the exposure that remains: after the mitigation if funded, before otherwise.
    """
    table = risk.register_table(risks)
    table["funded"] = (table["leverage"] > 1) | table["mandatory"].astype(bool)
    table["residual"] = table["exposure_after"].where(table["funded"], table["exposure"])
    return table


def risk_adjusted_npv(npv: float, mitigation_cost: float, residual_exposure: float, rate: float) -> float:
    """NPV minus the funded mitigations (paid in year 0) and the residual exposure (an expected loss in year 1)."""
    return float(npv) - float(mitigation_cost) - float(residual_exposure) / (1 + rate)


# --- roadmap ----------------------------------------------------------------------------------------------------
def quarter_label(start: str, n: int) -> str:
    """The label of the n-th quarter (1 = ``start``), e.g. ``quarter_label("2026Q3", 2) == "2026Q4"``."""
    period = pd.Period(start, freq="Q") + (int(n) - 1)
    return f"{period.year}Q{period.quarter}"


def _critical(work: pd.DataFrame, drop=()) -> tuple[pd.Series, dict]:
    items = work[work["launch_critical"].astype(bool) & ~work["item_id"].isin(list(drop))]
    effort = items.set_index("item_id")["effort_weeks"].astype(float)
    requires = planning.parse_requires(items.set_index("item_id")["depends_on"].fillna(""))
    requires = {k: tuple(p for p in v if p in effort.index) for k, v in requires.items()}
    return effort, requires


def launch_ready_quarter(work: pd.DataFrame, capacity: float, start: str, drop=()) -> str:
    """The quarter in which the last launch-critical item is done, packed first-fit in topological order (ties
    by item id) into quarters of ``capacity`` person-weeks from ``start``; items in ``drop`` are left out."""
    effort, requires = _critical(work, drop)
    return quarter_label(start, int(roadmap.pack_quarters(effort, capacity, requires).max()))


def cut_candidates(work: pd.DataFrame, risks: pd.DataFrame, capacity: float, start: str, deadline: str) -> pd.Series:
    """Launch-critical items that could move after the launch, with their ``pilot_need``, lowest first.

    A candidate is an item no other launch-critical item depends on, that mitigates no mandatory risk, and whose
    removal alone lets the rest be done by ``deadline``.
    """
    effort, requires = _critical(work)
    needed = {p for v in requires.values() for p in v}
    mandatory = set(risks.loc[risks["mandatory"].astype(bool), "risk_id"])
    rows = work.set_index("item_id")
    keep = [i for i in effort.index
            if i not in needed and rows.loc[i, "mitigates"] not in mandatory
            and pd.Period(launch_ready_quarter(work, capacity, start, drop=[i]), freq="Q")
            <= pd.Period(deadline, freq="Q")]
    return rows.loc[keep, "pilot_need"].sort_values(kind="stable")


# --- launch -----------------------------------------------------------------------------------------------------
def failing_gates(gates: pd.DataFrame) -> list[str]:
    """The ids of the gates whose value at the review misses the target (``at least`` or ``at most``)."""
    at_least = gates["rule"] == "at least"
    passed = (at_least & (gates["at_review"] >= gates["target"])) | (
        ~at_least & (gates["at_review"] <= gates["target"]))
    return sorted(gates.loc[~passed, "gate_id"])


def decide(*, market_growth: float, risk_adjusted_npv: float, plan_within_som: bool, failed_must_gates) -> str:
    """The launch rule of the capstone, one of :data:`DECISIONS`.

    "do not launch" if the market grows less than :data:`MIN_MARKET_GROWTH`, the risk-adjusted NPV is not
    positive, or the plan needs more than the obtainable market; otherwise "launch after fixes" if a must gate
    fails; otherwise "launch".
    """
    if market_growth < MIN_MARKET_GROWTH or risk_adjusted_npv <= 0 or not plan_within_som:
        return "do not launch"
    return "launch after fixes" if list(failed_must_gates) else "launch"
