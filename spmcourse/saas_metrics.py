"""SaaS metrics for module 06: MRR, ARR, logo and revenue churn, GRR, NRR, CAC, LTV, LTV:CAC and CAC payback.

The formulas follow D. Skok, "SaaS Metrics 2.0" (forEntrepreneurs.com). Sources disagree on periods and
denominators, so the course pins them (the lesson and the assignment state the same conventions):

- **Period.** A period is a range of whole months ``[first, last]`` (``"2025-01"`` .. ``"2025-12"`` for 2025).
  The **start** of the period is the month before ``first`` (December 2024 for 2025), the **end** is ``last``.
- **MRR of a month** = the sum of ``subscriptions.mrr`` in that month; **ARR** = 12 x MRR.
- **Logo churn of a period** (cohort form) = customers active at the start who are no longer active at the end,
  divided by the customers active at the start. Customers won during the period do not count, in numerator or
  denominator.
- **Monthly logo churn** (pooled) = customers who churned in the period's months / the sum, over those months,
  of the customers active at the start of each month (the month before). This is the rate LTV needs.
- **Gross revenue churn, GRR and NRR** use the movements (``mrr_movements``) of the customers active at the
  start, booked in the period's months: gross revenue churn = (churn + contraction) / starting MRR,
  GRR = 1 - gross revenue churn, NRR = (start + expansion - contraction - churn) / start.
- **CAC** = sales and marketing spend in the period / new customers won in the period (same months, no lag).
- **ARPA** = MRR at the end of the period / customers active at the end.
- **LTV** = ARPA x gross margin / monthly logo churn; **CAC payback** (months) = CAC / (ARPA x gross margin).

Every function takes the case DataFrames and an optional ``segment`` (``None`` = all customers).

Examples
--------
>>> from spmcourse import casedata
>>> subs = casedata.load("subscriptions")
>>> round(mrr(subs, "2025-12"), 2)
708571.45
"""
from __future__ import annotations

import math

import pandas as pd

__all__ = ["month_start", "previous_month", "mrr", "arr", "active_customers", "logo_churn",
           "monthly_logo_churn", "revenue_retention", "cac", "arpa", "ltv", "cac_payback_months",
           "metric_tree", "mrr_trend"]


def month_start(month) -> pd.Timestamp:
    """The first day of a month given as ``"2025-12"``, ``"2025-12-01"`` or a timestamp.

    >>> month_start("2025-12")
    Timestamp('2025-12-01 00:00:00')
    """
    return pd.Timestamp(month).to_period("M").to_timestamp()


def previous_month(month) -> pd.Timestamp:
    """The month before ``month`` (the start of a period that begins in ``month``).

    >>> previous_month("2025-01")
    Timestamp('2024-12-01 00:00:00')
    """
    return month_start(month) - pd.offsets.MonthBegin(1)


def _segment_ids(customers: pd.DataFrame | None, segment: str | None) -> set | None:
    if segment is None:
        return None
    if customers is None:
        raise ValueError("pass `customers` to filter by segment")
    return set(customers.loc[customers["segment"] == segment, "customer_id"])


def _filter(frame: pd.DataFrame, ids: set | None) -> pd.DataFrame:
    return frame if ids is None else frame[frame["customer_id"].isin(ids)]


def active_customers(subscriptions: pd.DataFrame, month, customers=None, segment=None) -> set:
    """The customer ids with a subscription row in ``month``."""
    subs = _filter(subscriptions, _segment_ids(customers, segment))
    return set(subs.loc[subs["month"] == month_start(month), "customer_id"])


def mrr(subscriptions: pd.DataFrame, month, customers=None, segment=None) -> float:
    """Monthly recurring revenue in ``month``: the sum of ``mrr`` over that month's rows."""
    subs = _filter(subscriptions, _segment_ids(customers, segment))
    return float(subs.loc[subs["month"] == month_start(month), "mrr"].sum())


def arr(subscriptions: pd.DataFrame, month, customers=None, segment=None) -> float:
    """Annual recurring revenue: 12 x the MRR of ``month`` (a run rate, not the revenue of a year)."""
    return 12 * mrr(subscriptions, month, customers, segment)


def logo_churn(subscriptions: pd.DataFrame, first, last, customers=None, segment=None) -> float:
    """Cohort logo churn of the period: share of the customers active at the start who are gone at the end."""
    start = active_customers(subscriptions, previous_month(first), customers, segment)
    end = active_customers(subscriptions, last, customers, segment)
    if not start:
        return math.nan
    return len(start - end) / len(start)


def monthly_logo_churn(subscriptions: pd.DataFrame, first, last, customers=None, segment=None) -> float:
    """Pooled monthly logo churn: churned customers / customer-months at risk, over the period's months."""
    subs = _filter(subscriptions, _segment_ids(customers, segment))
    months = pd.date_range(previous_month(first), month_start(last), freq="MS")
    active = subs[subs["month"].isin(months)].groupby("month")["customer_id"].agg(set)
    lost, at_risk = 0, 0
    for before, now in zip(months[:-1], months[1:]):
        was, is_ = active.get(before, set()), active.get(now, set())
        lost += len(was - is_)
        at_risk += len(was)
    return lost / at_risk if at_risk else math.nan


def revenue_retention(subscriptions: pd.DataFrame, movements: pd.DataFrame, first, last, customers=None,
                      segment=None) -> dict:
    """Starting MRR, expansion, contraction, churn, gross revenue churn, GRR and NRR of the starting cohort.

    Only the movements of customers active at the start count, booked in the months ``first`` .. ``last``.
    """
    start_month = previous_month(first)
    cohort = active_customers(subscriptions, start_month, customers, segment)
    start_mrr = float(subscriptions.loc[(subscriptions["month"] == start_month)
                                        & subscriptions["customer_id"].isin(cohort), "mrr"].sum())
    moves = movements[movements["customer_id"].isin(cohort)
                      & movements["month"].between(month_start(first), month_start(last))]
    by_type = moves.groupby("movement")["mrr_change"].sum()
    expansion = float(by_type.get("expansion", 0.0))
    contraction = 0.0 - float(by_type.get("contraction", 0.0))
    churn = 0.0 - float(by_type.get("churn", 0.0))
    gross_churn = (contraction + churn) / start_mrr
    return {"start_mrr": start_mrr, "expansion": expansion, "contraction": contraction, "churn": churn,
            "gross_revenue_churn": gross_churn, "grr": 1 - gross_churn,
            "nrr": (start_mrr + expansion - contraction - churn) / start_mrr}


def cac(spend: pd.DataFrame, customers: pd.DataFrame, first, last, segment=None) -> float:
    """Customer acquisition cost: sales + marketing spend in the period / customers who signed up in it."""
    lo, hi = month_start(first), month_start(last)
    rows = spend[spend["month"].between(lo, hi)]
    won = customers[customers["signup_date"].dt.to_period("M").dt.to_timestamp().between(lo, hi)]
    if segment is not None:
        rows = rows[rows["segment"] == segment]
        won = won[won["segment"] == segment]
    total = float(rows["marketing_eur"].sum() + rows["sales_eur"].sum())
    return total / len(won) if len(won) else math.nan


def arpa(subscriptions: pd.DataFrame, month, customers=None, segment=None) -> float:
    """Average revenue per account in ``month``: MRR / active customers (EUR per month)."""
    n = len(active_customers(subscriptions, month, customers, segment))
    return mrr(subscriptions, month, customers, segment) / n if n else math.nan


def ltv(arpa_value: float, gross_margin: float, monthly_churn: float) -> float:
    """Customer lifetime value in EUR: ARPA x gross margin / monthly churn (an expected lifetime of 1/churn).

    >>> ltv(200.0, 0.8, 0.02)
    8000.0
    """
    if monthly_churn <= 0:
        return math.inf
    return arpa_value * gross_margin / monthly_churn


def cac_payback_months(cac_value: float, arpa_value: float, gross_margin: float) -> float:
    """Months of gross margin needed to earn back the CAC: CAC / (ARPA x gross margin).

    >>> cac_payback_months(1920.0, 200.0, 0.8)
    12.0
    """
    return cac_value / (arpa_value * gross_margin)


def metric_tree(subscriptions, movements, customers, spend, first, last, *, segment=None,
                gross_margin: float = 0.80) -> dict:
    """Every metric of the period in one flat dict (the data of the SaaS-metrics explorer and its KPI tree)."""
    ids = _segment_ids(customers, segment)
    subs, moves = _filter(subscriptions, ids), _filter(movements, ids)  # filter once, then work on all rows
    retention = revenue_retention(subs, moves, first, last)
    churn_m = monthly_logo_churn(subs, first, last)
    arpa_end = arpa(subs, last)
    cac_value = cac(spend, customers, first, last, segment)
    ltv_value = ltv(arpa_end, gross_margin, churn_m)
    return {
        "segment": segment or "all", "first": month_start(first), "last": month_start(last),
        "mrr": mrr(subs, last), "arr": arr(subs, last),
        "customers": len(active_customers(subs, last)),
        "logo_churn": logo_churn(subs, first, last),
        "monthly_logo_churn": churn_m, **retention, "arpa": arpa_end, "cac": cac_value, "ltv": ltv_value,
        "ltv_to_cac": ltv_value / cac_value if cac_value else math.nan,
        "cac_payback_months": cac_payback_months(cac_value, arpa_end, gross_margin),
        "gross_margin": gross_margin,
    }


def mrr_trend(subscriptions: pd.DataFrame, customers=None, segment=None) -> pd.Series:
    """MRR per month (indexed by month), optionally for one segment."""
    subs = _filter(subscriptions, _segment_ids(customers, segment))
    return subs.groupby("month")["mrr"].sum()
