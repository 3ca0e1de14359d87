"""Sales arithmetic (module 10): pipeline, planning, pricing to the pocket, quotes and commissions.

Examples
--------
>>> deals = pd.DataFrame({"stage": ["Demo", "Proposal"], "amount_arr": [100.0, 200.0]})
>>> weighted_pipeline(deals, {"Demo": 0.3, "Proposal": 0.5})
130.0
>>> win_rate(won=20, lost=60)
0.25
>>> ramped_capacity([0, 1, 2, 6], ramp=(0.25, 0.5, 0.75), full_quota=100.0)
250.0
>>> waterfall = price_waterfall(100.0, volume_discount=0.05, sales_discount=0.10, partner_margin=0.20,
...                             free_months=1, payment_days=60, cost_of_capital=0.08)
>>> round(waterfall["pocket"], 2)
60.15
>>> approver(0.12, thresholds=APPROVAL_THRESHOLDS)
'sales manager'
>>> commission(attainment_arr=150_000, quota=100_000, tiers=COMMISSION_TIERS)
16000.0
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

#: Open stages of Kestrel's sales process, in order.
OPEN_STAGES = ("Lead", "Qualified", "Demo", "Proposal", "Negotiation")

#: Discount approval: the highest discount each role may grant alone (inclusive), in order of seniority.
APPROVAL_THRESHOLDS = (("sales rep", 0.10), ("sales manager", 0.20), ("VP sales", 0.30), ("CFO", 1.0))

#: Commission tiers on ARR closed in a year: (attainment from, attainment to, rate) as shares of quota.
#: The rate applies to the ARR inside the band (marginal, like income-tax brackets).
COMMISSION_TIERS = ((0.0, 1.0, 0.10), (1.0, 1.5, 0.12), (1.5, float("inf"), 0.16))


def weighted_pipeline(open_deals: pd.DataFrame, probabilities: Mapping[str, float], *,
                      amount: str = "amount_arr", stage: str = "stage") -> float:
    """Sum of deal value x stage probability."""
    return float((open_deals[amount] * open_deals[stage].map(probabilities).astype(float)).sum())


def win_rate(won: float, lost: float) -> float:
    """Win rate = won / (won + lost): closed deals only; open deals are not yet decided."""
    return float(won) / float(won + lost)


def reached_stage(pipeline: pd.DataFrame, stages: Sequence[str] = OPEN_STAGES) -> pd.Series:
    """How many opportunities reached each open stage, from the current stage and ``lost_at_stage``.

    An open deal has reached its current stage and every earlier one; a won deal every open stage; a lost deal
    every stage up to ``lost_at_stage``.
    """
    order = {s: i for i, s in enumerate(stages)}
    last = pipeline["stage"].map(order)
    last = last.where(pipeline["stage"] != "Closed Won", len(stages) - 1)
    last = last.where(pipeline["stage"] != "Closed Lost", pipeline["lost_at_stage"].map(order))
    return pd.Series({s: int((last >= i).sum()) for s, i in order.items()})


def stage_conversion(pipeline: pd.DataFrame, stages: Sequence[str] = OPEN_STAGES) -> pd.Series:
    """Decided stage-to-stage conversion: of the deals that reached a stage and left it, the share that moved on.

    Deals still sitting in a stage have not been decided there and are left out of that stage's denominator.
    The last entry is Negotiation -> Closed Won.
    """
    order = {s: i for i, s in enumerate(stages)}
    reached = reached_stage(pipeline, stages)
    sitting = pipeline["stage"].value_counts()
    result = {}
    for s, i in order.items():
        decided = reached[s] - int(sitting.get(s, 0))
        moved_on = reached[stages[i + 1]] if i + 1 < len(stages) else int((pipeline["stage"] == "Closed Won").sum())
        result[s] = moved_on / decided if decided else float("nan")
    return pd.Series(result)


def quota_coverage(pipeline_value: float, quota: float) -> float:
    """Coverage = pipeline / quota (use the weighted pipeline for an expected-value coverage)."""
    return float(pipeline_value) / float(quota)


def ramped_capacity(months_in_seat: Sequence[int], *, ramp: Sequence[float], full_quota: float) -> float:
    """Capacity of a team for one period: each rep's full quota x their ramp factor.

    ``months_in_seat`` is each rep's tenure in whole periods at the start of the period; a rep with tenure k
    below ``len(ramp)`` delivers ``ramp[k]`` of a full quota, others the full quota.
    """
    factors = [ramp[k] if k < len(ramp) else 1.0 for k in months_in_seat]
    return float(sum(factors) * full_quota)


def price_waterfall(list_price: float, *, volume_discount: float = 0.0, sales_discount: float = 0.0,
                    partner_margin: float = 0.0, free_months: int = 0, contract_months: int = 12,
                    payment_days: int = 0, cost_of_capital: float = 0.0) -> dict[str, float]:
    """Marn & Rosiello's waterfall for one seat-month, from list price to pocket price.

    Order (the course's convention): volume band, then the negotiated discount give the *invoice* price; the
    partner's margin, the free months spread over the contract, and the cost of waiting for the money
    (invoice x cost_of_capital x payment_days / 365) come off the invoice price and give the *pocket* price.
    """
    invoice = list_price * (1 - volume_discount) * (1 - sales_discount)
    partner = invoice * partner_margin
    free = invoice * free_months / contract_months
    financing = invoice * cost_of_capital * payment_days / 365
    return {"list": float(list_price), "volume": float(list_price * volume_discount),
            "discount": float(list_price * (1 - volume_discount) * sales_discount), "invoice": float(invoice),
            "partner": float(partner), "free_months": float(free), "payment_terms": float(financing),
            "pocket": float(invoice - partner - free - financing)}


def band_price(book: pd.DataFrame, sku: str, quantity: int) -> float:
    """Unit price of ``sku`` for ``quantity`` units: the band with the largest ``min_qty`` <= quantity."""
    rows = book[(book["sku"] == sku) & (book["min_qty"] <= quantity)]
    if rows.empty:
        raise ValueError(f"no price for {sku} at quantity {quantity}")
    return float(rows.sort_values("min_qty")["unit_price"].iloc[-1])


def approver(discount: float, thresholds: Sequence[tuple[str, float]] = APPROVAL_THRESHOLDS) -> str:
    """The most junior role allowed to grant ``discount`` (thresholds inclusive)."""
    for role, limit in thresholds:
        if discount <= limit + 1e-12:
            return role
    raise ValueError(f"no role may grant a discount of {discount}")


def commission(attainment_arr: float, quota: float,
               tiers: Sequence[tuple[float, float, float]] = COMMISSION_TIERS) -> float:
    """Commission on ``attainment_arr`` with marginal accelerator bands expressed as shares of ``quota``."""
    total = 0.0
    for low, high, rate in tiers:
        inside = min(attainment_arr, high * quota) - low * quota
        if inside > 0:
            total += inside * rate
    return float(total)
