"""Operational-marketing arithmetic (module 10): funnel rates, cost per lead, CAC, marketing ROI, attribution.

Every function takes plain numbers or a DataFrame and returns plain data. Conventions the sources disagree on
are parameters with the course's default stated.

Examples
--------
>>> ctr(clicks=42, impressions=1_000)
0.042
>>> cost_per_lead(spend=5_000, leads=125)
40.0
>>> marketing_roi(incremental_revenue=100_000, gross_margin=0.8, cost=40_000)
1.0
>>> journeys = pd.DataFrame({"customer_id": ["A", "A", "A", "B"], "touch_number": [1, 2, 3, 1],
...                          "channel": ["search", "webinar", "email", "search"]})
>>> attribution_credit(journeys, "first").to_dict()
{'email': 0.0, 'search': 2.0, 'webinar': 0.0}
>>> attribution_credit(journeys, "linear").round(3).to_dict()
{'email': 0.333, 'search': 1.333, 'webinar': 0.333}
"""
from __future__ import annotations

import pandas as pd

#: The attribution rules the course teaches.
RULES = ("first", "last", "linear")


def ctr(clicks: float, impressions: float) -> float:
    """Click-through rate = clicks / impressions."""
    return float(clicks) / float(impressions)


def conversion_rate(converted: float, entered: float) -> float:
    """Share of those who entered a funnel step who converted, e.g. leads / clicks."""
    return float(converted) / float(entered)


def cost_per_lead(spend: float, leads: float) -> float:
    """CPL = spend / leads."""
    return float(spend) / float(leads)


def cac(spend: float, customers: float) -> float:
    """Customer acquisition cost = spend / customers acquired (``inf`` when none were acquired)."""
    return float(spend) / float(customers) if customers else float("inf")


def marketing_roi(incremental_revenue: float, gross_margin: float, cost: float) -> float:
    """Marketing ROI = (incremental gross profit - marketing cost) / marketing cost.

    Gross profit, not revenue: a euro of revenue that costs 20 cents to serve returns 80 cents.
    """
    profit = float(incremental_revenue) * float(gross_margin)
    return (profit - float(cost)) / float(cost)


def touch_weights(touches: pd.DataFrame, rule: str, *, journey: str = "customer_id",
                  order: str = "touch_number") -> pd.Series:
    """Each touch's share of its journey's one conversion under ``rule`` (``first``, ``last`` or ``linear``).

    Touches are ordered by ``order`` within each journey (the course pins ``touch_number``, so two touches on
    the same day keep the order the CRM logged them in). Weights of a journey add up to 1.
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, not {rule!r}")
    ranked = touches.sort_values([journey, order], kind="stable")
    position = ranked.groupby(journey).cumcount()
    size = ranked.groupby(journey)[order].transform("size")
    if rule == "first":
        weight = (position == 0).astype(float)
    elif rule == "last":
        weight = (position == size - 1).astype(float)
    else:
        weight = 1.0 / size
    return weight.reindex(touches.index)


def attribution_credit(touches: pd.DataFrame, rule: str, *, value: pd.Series | None = None,
                       channel: str = "channel", journey: str = "customer_id",
                       order: str = "touch_number") -> pd.Series:
    """Credit per channel under ``rule``: conversions (default) or ``value`` (indexed by journey) split.

    The result is indexed by channel, sorted by name, and its total equals the number of journeys (or the total
    value): attribution divides credit, it never creates it.
    """
    weight = touch_weights(touches, rule, journey=journey, order=order)
    if value is not None:
        weight = weight * touches[journey].map(value).astype(float)
    return weight.groupby(touches[channel]).sum().sort_index()
