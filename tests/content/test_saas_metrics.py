"""The SaaS metrics (spmcourse.saas_metrics) agree with a re-computation by a different route: MRR and churn
from the customers and movements tables instead of the subscriptions, NRR from the cohort's end-of-period MRR
instead of the movements; and the sales-and-marketing spend data has the properties module 06 relies on."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from spmcourse import casedata
from spmcourse import saas_metrics as sm

SEGMENTS = [None, "SMB", "Mid-Market", "Enterprise"]
PERIODS = [("2024-01", "2024-12"), ("2025-01", "2025-12"), ("2025-07", "2025-09")]


@pytest.fixture(scope="module")
def data():
    return {name: casedata.load(name) for name in
            ("subscriptions", "mrr_movements", "customers", "sales_marketing_spend")}


def _ids(customers, segment):
    return set(customers["customer_id"] if segment is None
               else customers.loc[customers["segment"] == segment, "customer_id"])


def _mrr_from_movements(movements, month, ids):
    """MRR of a month as the last mrr_after of each customer up to that month (0 after a churn)."""
    upto = movements[(movements["month"] <= pd.Timestamp(month)) & movements["customer_id"].isin(ids)]
    return float(upto.sort_values("month").groupby("customer_id")["mrr_after"].last().sum())


def _active_from_customers(customers, month, ids):
    """Customers active in a month from signup and churn dates: signed up by its end, not churned by then."""
    start = pd.Timestamp(month)
    end = start + pd.offsets.MonthEnd(0)
    c = customers[customers["customer_id"].isin(ids)]
    alive = (c["signup_date"] <= end) & (c["churn_date"].isna() | (c["churn_date"] > end))
    return set(c.loc[alive, "customer_id"])


@pytest.mark.parametrize("segment", SEGMENTS)
@pytest.mark.parametrize("month", ["2023-06", "2024-12", "2025-12"])
def test_mrr_agrees_with_the_movements(data, segment, month):
    ids = _ids(data["customers"], segment)
    got = sm.mrr(data["subscriptions"], month, data["customers"], segment)
    assert got == pytest.approx(_mrr_from_movements(data["mrr_movements"], month + "-01", ids), abs=0.01)
    assert sm.arr(data["subscriptions"], month, data["customers"], segment) == pytest.approx(12 * got)


@pytest.mark.parametrize("segment", SEGMENTS)
@pytest.mark.parametrize("first,last", PERIODS)
def test_logo_churn_agrees_with_the_customer_dates(data, segment, first, last):
    c = data["customers"]
    ids = _ids(c, segment)
    start = _active_from_customers(c, sm.previous_month(first), ids)
    end = _active_from_customers(c, sm.month_start(last), ids)
    expected = len(start - end) / len(start)
    assert sm.logo_churn(data["subscriptions"], first, last, c, segment) == pytest.approx(expected, abs=1e-12)
    # pooled monthly churn: churn movements in the months over the customers active the month before
    moves = data["mrr_movements"]
    months = pd.date_range(sm.month_start(first), sm.month_start(last), freq="MS")
    lost = int(((moves["movement"] == "churn") & moves["month"].isin(months) & moves["customer_id"].isin(ids)).sum())
    at_risk = sum(len(_active_from_customers(c, m - pd.offsets.MonthBegin(1), ids)) for m in months)
    assert sm.monthly_logo_churn(data["subscriptions"], first, last, c, segment) == pytest.approx(lost / at_risk)


@pytest.mark.parametrize("segment", SEGMENTS)
@pytest.mark.parametrize("first,last", PERIODS)
def test_nrr_equals_the_cohorts_end_mrr_over_its_start_mrr(data, segment, first, last):
    s, c = data["subscriptions"], data["customers"]
    r = sm.revenue_retention(s, data["mrr_movements"], first, last, c, segment)
    start_month, end_month = sm.previous_month(first), sm.month_start(last)
    cohort = set(s.loc[s["month"] == start_month, "customer_id"]) & _ids(c, segment)
    start = s[(s["month"] == start_month) & s["customer_id"].isin(cohort)]["mrr"].sum()
    end = s[(s["month"] == end_month) & s["customer_id"].isin(cohort)]["mrr"].sum()
    assert r["start_mrr"] == pytest.approx(start)
    assert r["nrr"] == pytest.approx(end / start, abs=1e-9)
    # GRR by a plain loop over the movements
    lost = 0.0
    for row in data["mrr_movements"].itertuples():
        if row.customer_id in cohort and sm.month_start(first) <= row.month <= end_month \
                and row.movement in ("churn", "contraction"):
            lost -= row.mrr_change
    assert r["grr"] == pytest.approx(1 - lost / start, abs=1e-9)
    assert r["grr"] <= r["nrr"] + r["contraction"] / start + 1e-9


def test_cac_ltv_and_payback_by_hand(data):
    spend, c = data["sales_marketing_spend"], data["customers"]
    smb = spend[(spend["segment"] == "SMB") & (spend["month"].dt.year == 2025)]
    won = c[(c["segment"] == "SMB") & (c["signup_date"].dt.year == 2025)]
    cac = (smb["marketing_eur"] + smb["sales_eur"]).sum() / len(won)
    assert sm.cac(spend, c, "2025-01", "2025-12", "SMB") == pytest.approx(cac)
    tree = sm.metric_tree(data["subscriptions"], data["mrr_movements"], c, spend, "2025-01", "2025-12",
                          segment="SMB")
    assert tree["ltv"] == pytest.approx(tree["arpa"] * 0.8 / tree["monthly_logo_churn"])
    assert tree["cac_payback_months"] == pytest.approx(cac / (tree["arpa"] * 0.8))
    assert sm.ltv(100, 0.8, 0.0) == math.inf


def test_the_numbers_the_lesson_teaches(data):
    """The lesson's story: the blended LTV:CAC looks healthy while SMB is below 3 and pays back in over a year;
    NRR above 100 % overall in 2025 but below 100 % for SMB; 2024 NRR lifted by the price increase."""
    s, m, c, spend = (data[k] for k in ("subscriptions", "mrr_movements", "customers", "sales_marketing_spend"))
    assert sm.mrr(s, "2025-12") == pytest.approx(708_571.45, abs=0.005)
    all25 = sm.metric_tree(s, m, c, spend, "2025-01", "2025-12")
    smb25 = sm.metric_tree(s, m, c, spend, "2025-01", "2025-12", segment="SMB")
    assert all25["ltv_to_cac"] > 3 and all25["cac_payback_months"] < 12
    assert smb25["ltv_to_cac"] < 3 and smb25["cac_payback_months"] > 12
    assert all25["nrr"] > 1 > smb25["nrr"]
    assert sm.revenue_retention(s, m, "2024-01", "2024-12")["nrr"] > all25["nrr"]


def test_spend_data(data):
    spend = data["sales_marketing_spend"]
    assert len(spend) == 48 * 3 and not spend.isna().any().any()
    assert (spend[["marketing_eur", "sales_eur"]] > 0).all().all()
    yearly = (spend["marketing_eur"] + spend["sales_eur"]).groupby([spend["month"].dt.year, spend["segment"]]).sum()
    assert yearly[(2025, "SMB")] == pytest.approx(250_000, abs=0.01)
    assert yearly[(2025, "Enterprise")] == pytest.approx(1_080_000, abs=0.01)
