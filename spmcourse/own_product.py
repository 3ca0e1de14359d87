"""Your own product (module 12): the course's methods on your own product idea, from your own CSV files.

Every function takes plain pandas DataFrames (read them with ``pd.read_csv``) and checks their columns first, so a
typo in a CSV header gives a message that names the file's missing column instead of a KeyError deep inside.
The functions are the capstone's chain (:mod:`spmcourse.capstone`), one per part:

=====================  =========================================================================  ==================
function               DataFrame columns (one row per ...)                                         returns
=====================  =========================================================================  ==================
:func:`market_size`    segment, organisations, seats_per_organisation, serviceable_share,         TAM, SAM, SOM per
                       obtainable_share (segment)                                                   segment + total
:func:`fit`            ratings: vendor + one column per attribute (vendor);                        scores, your rank,
                       weights: attribute, weight (attribute)                                       gaps to the leader
:func:`price`          price, respondents, would_buy (tested price)                                price table, best
                                                                                                    prices
:func:`business_case`  year, seats, price_per_seat_month + any cost columns named ``cost_*``       flows, NPV, IRR,
                       (year; year 0 = the build year, today)                                      payback
:func:`risks`          risk_id, probability, impact_eur, mitigation_cost_eur, probability_after,   funded mitigations,
                       impact_after_eur, mandatory (risk)                                           residual exposure
:func:`roadmap_plan`   item_id, effort_weeks, depends_on (``;``-separated), launch_critical (item)  quarter per item,
                                                                                                    ready quarter
:func:`gates`          gate_id, function, target, at_review, rule (at least / at most), must        failing gates
:func:`decision`       the results above                                                           the launch rule
=====================  =========================================================================  ==================

>>> seg = pd.DataFrame({"segment": ["A"], "organisations": [100], "seats_per_organisation": [10],
...                     "serviceable_share": [0.5], "obtainable_share": [0.1]})
>>> float(market_size(seg, price=10.0).loc["total", "som"])
6000.0
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from spmcourse import capstone, finance, planning, roadmap

__all__ = ["OwnDataError", "EXAMPLE_DIR", "copy_example", "load_folder", "market_size", "fit", "price",
           "business_case", "risks", "roadmap_plan", "gates", "decision", "FILES"]

#: The shipped example: a second fictional product, Pantry Pilot (stock and waste tracking for restaurants).
EXAMPLE_DIR = Path(__file__).resolve().parent.parent / "notebooks" / "own-product-example"
#: The CSV files the template reads, by the name the template uses.
FILES = ("segments", "ratings", "weights", "price_test", "plan", "risks", "work", "gates")


class OwnDataError(ValueError):
    """Your data does not have the shape a helper needs; the message says what to change."""


def _need(frame, columns, what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise OwnDataError(f"{what}: expected a pandas DataFrame (read your CSV with pd.read_csv), got "
                           f"{type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise OwnDataError(f"{what}: the column(s) {missing} are missing; the file has {list(frame.columns)}. "
                           "Rename the header row of your CSV (names are case-sensitive).")
    if frame.empty:
        raise OwnDataError(f"{what}: the table has no rows. Add at least one.")
    for column in columns:
        if frame[column].isna().any() and column not in ("depends_on",):
            rows = list(frame.index[frame[column].isna()][:3])
            raise OwnDataError(f"{what}: column {column!r} is empty in row(s) {rows}. Fill it in.")
    return frame


def _numeric(frame: pd.DataFrame, columns, what: str) -> None:
    for column in columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise OwnDataError(f"{what}: column {column!r} must hold numbers (write 0.05, not 5 % or '0,05').")


def copy_example(dest: str | Path) -> Path:
    """Copy the example CSV files into ``dest`` (created if needed) to start your own; an existing file is never
    overwritten, so running it twice keeps your edits. Returns ``dest``."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        target = dest / f"{name}.csv"
        if not target.exists():
            shutil.copyfile(EXAMPLE_DIR / f"{name}.csv", target)
    return dest


def load_folder(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Read the eight CSV files of :data:`FILES` from ``folder``; a missing file is named in the message."""
    folder = Path(folder)
    missing = [f"{n}.csv" for n in FILES if not (folder / f"{n}.csv").is_file()]
    if missing:
        raise OwnDataError(f"{folder}: missing {', '.join(missing)}. Start from the example with "
                           f"own_product.copy_example({str(folder)!r}).")
    return {n: pd.read_csv(folder / f"{n}.csv") for n in FILES}


# --- the parts ---------------------------------------------------------------------------------------------------
def market_size(segments: pd.DataFrame, *, price: float) -> pd.DataFrame:
    """Bottom-up TAM, SAM and SOM per segment at ``price`` per seat and month (module 02), plus a ``total`` row."""
    cols = ["segment", "organisations", "seats_per_organisation", "serviceable_share", "obtainable_share"]
    _need(segments, cols, "segments")
    _numeric(segments, cols[1:], "segments")
    t = segments.set_index("segment")[cols[1:]].astype(float)
    out = pd.DataFrame(index=t.index)
    out["tam"] = t["organisations"] * t["seats_per_organisation"] * float(price) * 12
    out["sam"] = out["tam"] * t["serviceable_share"]
    out["som"] = out["sam"] * t["obtainable_share"]
    out.loc["total"] = out.sum()
    return out


def fit(ratings: pd.DataFrame, weights: pd.DataFrame, *, focal: str) -> dict:
    """Weighted scores of every vendor, the focal product's rank (1 = best), the leader, and the weighted gaps to
    the leader (positive where the focal product trails), as in the capstone (module 04's ratings)."""
    _need(weights, ["attribute", "weight"], "weights")
    _numeric(weights, ["weight"], "weights")
    w = weights.set_index("attribute")["weight"].astype(float)
    _need(ratings, ["vendor", *w.index], "ratings")
    _numeric(ratings, list(w.index), "ratings")
    if focal not in set(ratings["vendor"]):
        raise OwnDataError(f"ratings: no vendor named {focal!r}; the vendors are {list(ratings['vendor'])}.")
    scores = capstone.weighted_scores(ratings, w)
    leader = scores.index[0] if scores.index[0] != focal else (scores.index[1] if len(scores) > 1 else focal)
    return {"scores": scores, "rank": int(list(scores.index).index(focal) + 1), "leader": leader,
            "gaps": capstone.weighted_gaps(ratings, w, focal, leader)}


def price(price_test: pd.DataFrame, *, unit_cost: float) -> dict:
    """Gabor-Granger table with revenue and contribution per respondent, and the best price by each (module 05)."""
    _need(price_test, ["price", "respondents", "would_buy"], "price_test")
    _numeric(price_test, ["price", "respondents", "would_buy"], "price_test")
    if (price_test["would_buy"] > price_test["respondents"]).any():
        raise OwnDataError("price_test: would_buy is larger than respondents in some row; it counts people.")
    table = capstone.price_table(price_test["price"], price_test["would_buy"] / price_test["respondents"], unit_cost)
    return {"table": table, "revenue_price": capstone.best_price(table, "revenue_index"),
            "contribution_price": capstone.best_price(table)}


def business_case(plan: pd.DataFrame, *, rate: float) -> dict:
    """Yearly flows (revenue = seats x price x 12, minus every ``cost_*`` column), NPV at ``rate`` with year 0
    undiscounted, IRR (NaN if none) and simple payback in years (module 05)."""
    _need(plan, ["year", "seats", "price_per_seat_month"], "plan")
    costs = [c for c in plan.columns if c.startswith("cost_")]
    if not costs:
        raise OwnDataError("plan: no cost columns. Name each cost column with the prefix cost_ (cost_development, "
                           "cost_marketing, ...).")
    _numeric(plan, ["year", "seats", "price_per_seat_month", *costs], "plan")
    if list(plan["year"]) != list(range(len(plan))):
        raise OwnDataError(f"plan: the years must run 0, 1, 2, ... in order; they are {list(plan['year'])}.")
    table = plan.set_index("year")
    out = pd.DataFrame({"revenue": table["seats"] * table["price_per_seat_month"] * 12,
                        "total_cost": table[costs].sum(axis=1)})
    out["net_cash_flow"] = out["revenue"] - out["total_cost"]
    flows = out["net_cash_flow"].to_numpy(dtype=float)
    try:
        irr = finance.irr(flows)
    except ValueError:
        irr = float("nan")
    return {"table": out, "npv": finance.npv(rate, flows), "irr": irr, "payback": finance.payback_period(flows)}


def risks(register: pd.DataFrame) -> dict:
    """Exposure, leverage, the mitigations to fund (leverage above 1 or mandatory) and what it all costs and
    leaves (module 06)."""
    cols = ["risk_id", "probability", "impact_eur", "mitigation_cost_eur", "probability_after", "impact_after_eur",
            "mandatory"]
    _need(register, cols, "risks")
    _numeric(register, cols[1:6], "risks")
    if ((register["probability"] < 0) | (register["probability"] > 1)).any():
        raise OwnDataError("risks: probabilities are fractions between 0 and 1 (0.05, not 5).")
    if (register["mitigation_cost_eur"] <= 0).any():
        raise OwnDataError("risks: every mitigation needs a positive cost; leave out risks you will not mitigate.")
    table = capstone.risk_plan(register.assign(mandatory=register["mandatory"].astype(bool)))
    return {"table": table, "funded": sorted(table.loc[table["funded"], "risk_id"]),
            "mitigation_cost": float(table.loc[table["funded"], "mitigation_cost_eur"].sum()),
            "residual": float(table["residual"].sum())}


def roadmap_plan(work: pd.DataFrame, *, capacity: float, start: str) -> dict:
    """Quarter of each launch-critical item, first-fit from quarter ``start`` (e.g. "2026Q3") with ``capacity``
    person-weeks a quarter, and the quarter the last one is done (module 08)."""
    _need(work, ["item_id", "effort_weeks", "depends_on", "launch_critical"], "work")
    _numeric(work, ["effort_weeks"], "work")
    crit = work[work["launch_critical"].astype(bool)].set_index("item_id")
    if crit.empty:
        raise OwnDataError("work: no item has launch_critical True; mark what the launch needs.")
    if (crit["effort_weeks"] > capacity).any():
        big = list(crit.index[crit["effort_weeks"] > capacity])
        raise OwnDataError(f"work: {big} need more than a quarter's capacity of {capacity:g}; split them.")
    requires = planning.parse_requires(crit["depends_on"].fillna("").astype(str))
    unknown = sorted({d for v in requires.values() for d in v} - set(crit.index))
    if unknown:
        raise OwnDataError(f"work: launch-critical items depend on {unknown}, which are not launch-critical "
                           "items. Mark them launch-critical or remove the dependency.")
    try:
        quarters = roadmap.pack_quarters(crit["effort_weeks"].astype(float), capacity, requires)
    except roadmap.CycleError as err:
        raise OwnDataError(f"work: the dependencies go round in a circle ({err}). Break the cycle.") from None
    labels = quarters.map(lambda n: capstone.quarter_label(start, n))
    return {"quarters": labels, "ready": capstone.quarter_label(start, int(quarters.max()))}


def gates(readiness: pd.DataFrame) -> dict:
    """The failing gates and the failing must gates (module 10's launch review)."""
    _need(readiness, ["gate_id", "target", "at_review", "rule", "must"], "gates")
    bad = sorted(set(readiness["rule"]) - {"at least", "at most"})
    if bad:
        raise OwnDataError(f"gates: rule must be 'at least' or 'at most', not {bad}.")
    failing = capstone.failing_gates(readiness)
    must = set(readiness.loc[readiness["must"].astype(bool), "gate_id"])
    return {"failing": failing, "failing_must": [g for g in failing if g in must]}


def decision(*, market_growth: float, som: float, business: dict, risk: dict, gate: dict, rate: float,
             year: int = 3) -> dict:
    """The capstone's launch rule on your numbers, with the risk-adjusted NPV and the plan's share of the SOM."""
    adjusted = capstone.risk_adjusted_npv(business["npv"], risk["mitigation_cost"], risk["residual"], rate)
    table = business["table"]
    if year not in table.index:
        raise OwnDataError(f"plan: no year {year}; the SOM check compares year {year}'s revenue with the SOM.")
    share = float(table.loc[year, "revenue"]) / som if som > 0 else np.inf
    verdict = capstone.decide(market_growth=market_growth, risk_adjusted_npv=adjusted, plan_within_som=share <= 1,
                              failed_must_gates=gate["failing_must"])
    return {"decision": verdict, "risk_adjusted_npv": adjusted, "share_of_som": share}
