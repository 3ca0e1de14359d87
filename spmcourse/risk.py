"""Risk arithmetic for module 06: exposure, risk-reduction leverage, a risk matrix as a rule table, expected
monetary value in a decision tree, and a seeded Monte Carlo simulation of the module 05 business case.

Sources: B. Boehm, "Software Risk Management: Principles and Practices", *IEEE Software* 8(1), 1991 (risk
exposure and risk-reduction leverage); ISO 31000:2018 and IEC 31010:2019 (risk matrices as one assessment
technique); PMI, *PMBOK Guide* (expected monetary value and decision trees); D. Hubbard, *How to Measure
Anything* (Monte Carlo simulation of business cases).

Examples
--------
>>> exposure(0.30, 250_000)
75000.0
>>> leverage(75_000, 24_000, 30_000)
1.7
>>> classify(0.50, 800_000)
'high'
>>> emv({"decision": {"wait": 0.0, "build": {"chance": [(0.6, 100.0), (0.4, -50.0)]}}})
40.0
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from spmcourse import finance

__all__ = ["exposure", "leverage", "register_table", "LIKELIHOOD_BANDS", "IMPACT_BANDS", "RISK_MATRIX",
           "likelihood_band", "impact_band", "classify", "emv", "best_option", "MC_DEFAULTS",
           "simulate_business_case", "probability_negative"]


def exposure(probability: float, impact: float) -> float:
    """Risk exposure (Boehm 1991): probability of the loss x size of the loss, in EUR."""
    return float(probability) * float(impact)


def leverage(exposure_before: float, exposure_after: float, cost: float) -> float:
    """Risk-reduction leverage (Boehm 1991): (RE before - RE after) / cost of the reduction.

    Above 1, each euro spent on the mitigation removes more than a euro of expected loss.
    """
    if cost <= 0:
        raise ValueError("the cost of a risk reduction must be positive")
    return round((exposure_before - exposure_after) / cost, 12)


def register_table(register: pd.DataFrame) -> pd.DataFrame:
    """The risk register with ``exposure``, ``exposure_after``, ``leverage`` and ``rating`` added.

    Sorted by exposure, largest first; ties by ``risk_id``.
    """
    table = register.copy()
    table["exposure"] = table["probability"] * table["impact_eur"]
    table["exposure_after"] = table["probability_after"] * table["impact_after_eur"]
    table["leverage"] = (table["exposure"] - table["exposure_after"]) / table["mitigation_cost_eur"]
    table["rating"] = [classify(p, i) for p, i in zip(table["probability"], table["impact_eur"])]
    return table.sort_values(["exposure", "risk_id"], ascending=[False, True], kind="stable")


# --- the risk matrix as a rule table ---------------------------------------------------------------------------
#: Likelihood bands: a probability p falls in band k when lower_k <= p < upper_k (12-month probability).
LIKELIHOOD_BANDS: tuple[tuple[int, str, float, float], ...] = (
    (1, "rare", 0.0, 0.05), (2, "unlikely", 0.05, 0.20), (3, "possible", 0.20, 0.50),
    (4, "likely", 0.50, 0.80), (5, "almost certain", 0.80, 1.0000001),
)
#: Impact bands in EUR: an impact i falls in band k when lower_k <= i < upper_k.
IMPACT_BANDS: tuple[tuple[int, str, float, float], ...] = (
    (1, "minor", 0.0, 50_000), (2, "moderate", 50_000, 200_000), (3, "major", 200_000, 500_000),
    (4, "severe", 500_000, 1_000_000), (5, "critical", 1_000_000, float("inf")),
)
#: Rating by (likelihood band, impact band): rows are likelihood 1..5, columns impact 1..5. A lookup table,
#: not a product of scores, so the organisation can make a rare-but-critical risk "high" on purpose.
RISK_MATRIX: tuple[tuple[str, ...], ...] = (
    ("low", "low", "low", "medium", "high"),          # rare
    ("low", "low", "medium", "medium", "high"),       # unlikely
    ("low", "medium", "medium", "high", "high"),      # possible
    ("medium", "medium", "high", "high", "extreme"),  # likely
    ("medium", "high", "high", "extreme", "extreme"),  # almost certain
)


def _band(value: float, bands) -> int:
    for number, _name, lower, upper in bands:
        if lower <= value < upper:
            return number
    raise ValueError(f"{value} lies outside every band")


def likelihood_band(probability: float) -> int:
    """The likelihood band 1..5 of a probability.

    >>> likelihood_band(0.05), likelihood_band(0.5)
    (2, 4)
    """
    return _band(probability, LIKELIHOOD_BANDS)


def impact_band(impact: float) -> int:
    """The impact band 1..5 of a loss in EUR.

    >>> impact_band(49_999), impact_band(1_000_000)
    (1, 5)
    """
    return _band(impact, IMPACT_BANDS)


def classify(probability: float, impact: float) -> str:
    """The rating from :data:`RISK_MATRIX` for a probability and an impact in EUR."""
    return RISK_MATRIX[likelihood_band(probability) - 1][impact_band(impact) - 1]


# --- decision trees ----------------------------------------------------------------------------------------------
def emv(node) -> float:
    """Expected monetary value of a decision tree, rolled back from the leaves.

    A node is a number (a payoff in EUR, costs negative), ``{"chance": [(probability, node), ...]}`` (the
    probabilities must add up to 1) or ``{"decision": {option: node, ...}}`` (the best option's EMV counts).
    """
    if isinstance(node, Mapping):
        if "chance" in node:
            branches = node["chance"]
            total = sum(p for p, _ in branches)
            if abs(total - 1) > 1e-9:
                raise ValueError(f"chance branches must have probabilities adding up to 1, not {total}")
            return float(sum(p * emv(child) for p, child in branches))
        if "decision" in node:
            return max(emv(child) for child in node["decision"].values())
        raise ValueError("a tree node must have a 'chance' or a 'decision' key")
    return float(node)


def best_option(tree: Mapping) -> tuple[str, float]:
    """The option of the root decision with the highest EMV, and that EMV (first option wins ties)."""
    values = {name: emv(child) for name, child in tree["decision"].items()}
    name = max(values, key=values.get)
    return name, values[name]


# --- Monte Carlo of the business case ------------------------------------------------------------------------------
#: Triangular ranges (low, most likely, high) for the uncertain inputs of the Insights business case
#: (``financial_plan``): a factor on the planned seats, the year-1 price per seat and month (the plan's one-euro
#: rise from year 3 is kept), and a factor on the one-off development cost (overrun).
MC_DEFAULTS: dict[str, tuple[float, float, float]] = {
    "adoption": (0.50, 1.00, 1.20),
    "price": (7.0, 8.0, 9.0),
    "overrun": (0.95, 1.10, 1.60),
}
#: Share of the plan's operations cost that grows with the seats (hosting, data processing); the rest is fixed.
VARIABLE_OPERATIONS_SHARE = 0.4


def _triangular(rng: np.random.Generator, bounds: Sequence[float], n: int) -> np.ndarray:
    low, mode, high = map(float, bounds)
    if not low <= mode <= high:
        raise ValueError(f"a range must satisfy low <= most likely <= high, not {bounds}")
    if low == high:  # a fixed value (numpy's triangular needs low < high); still draws, so seeds stay aligned
        rng.random(n)
        return np.full(n, low)
    return rng.triangular(low, mode, high, size=n)


def simulate_business_case(plan: pd.DataFrame, *, n: int = 10_000, seed: int = 2026, rate: float = 0.10,
                           ranges: Mapping[str, Sequence[float]] | None = None) -> pd.DataFrame:
    """Draw ``n`` scenarios of the business case and return their inputs and NPVs (one row per scenario).

    Each scenario draws an adoption factor, a year-1 price and a development overrun from triangular
    distributions (:data:`MC_DEFAULTS`, overridden by ``ranges``), rebuilds the plan's cash flows (revenue =
    seats x adoption x price x 12; operations partly variable with the seats; one-off development x overrun;
    other costs as planned) and discounts them with :func:`spmcourse.finance.discount_factors` (year 0
    undiscounted). The same seed gives the same scenarios.
    """
    params = {**MC_DEFAULTS, **(ranges or {})}
    rng = np.random.default_rng(seed)
    draws = {name: _triangular(rng, params[name], n) for name in ("adoption", "price", "overrun")}
    seats = plan["seats"].to_numpy(float)
    price_step = plan["price_per_seat_month"].to_numpy(float) - float(plan["price_per_seat_month"].iloc[1])
    price = draws["price"][:, None] + price_step[None, :]
    adoption = draws["adoption"][:, None]
    revenue = seats[None, :] * adoption * price * 12
    operations = plan["operations"].to_numpy(float)[None, :] * (
        1 - VARIABLE_OPERATIONS_SHARE + VARIABLE_OPERATIONS_SHARE * adoption)
    development = plan["one_off_development"].to_numpy(float)[None, :] * draws["overrun"][:, None]
    other = (plan["recurring_development"] + plan["go_to_market"]).to_numpy(float)[None, :]
    flows = revenue - operations - development - other
    npvs = flows @ finance.discount_factors(rate, flows.shape[1])
    return pd.DataFrame({**draws, "npv": npvs})


def probability_negative(npvs) -> float:
    """Share of scenarios whose NPV is below zero."""
    return float(np.mean(np.asarray(npvs) < 0))
