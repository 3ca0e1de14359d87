"""Module 06's explorers compute what the helpers compute, draw, react to their controls and update fast."""
from __future__ import annotations

import math
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from spmcourse import casedata, finance, risk  # noqa: E402
from spmcourse import saas_metrics as sm  # noqa: E402
from spmcourse.explorers import monte_carlo, saas_metrics  # noqa: E402


@pytest.mark.parametrize("period", list(saas_metrics.PERIODS))
@pytest.mark.parametrize("segment", saas_metrics.SEGMENT_CHOICES)
def test_saas_explorer_compute_and_plot(period, segment):
    result = saas_metrics.compute_saas_metrics(period, segment)
    first, last = saas_metrics.PERIODS[period]
    subs = casedata.load("subscriptions")
    customers = casedata.load("customers")
    seg = None if segment == "all" else segment
    assert result["metrics"]["mrr"] == pytest.approx(sm.mrr(subs, last, customers, seg))
    assert result["trend"].loc[sm.month_start(last)] == pytest.approx(result["metrics"]["mrr"])
    fig, ax = plt.subplots()
    saas_metrics.plot_saas_metrics(result, ax)
    assert len(fig.axes) == 2
    plt.close(fig)


def test_saas_explorer_shows_infinite_ltv_without_churn():
    result = saas_metrics.compute_saas_metrics("2024", "Enterprise")
    assert math.isinf(result["metrics"]["ltv"])
    fig, ax = plt.subplots()
    saas_metrics.plot_saas_metrics(result, ax)
    assert any("no churn" in t.get_text() for t in fig.axes[1].texts)
    plt.close(fig)


def test_monte_carlo_compute_and_plot():
    result = monte_carlo.compute_monte_carlo()
    assert result["plan_npv"] == pytest.approx(finance.npv(0.10, casedata.load("financial_plan")["net_cash_flow"]))
    assert result["p_negative"] == pytest.approx(
        risk.probability_negative(risk.simulate_business_case(casedata.load("financial_plan"))["npv"]))
    assert result["p5"] < result["p50"] < result["p95"]
    narrow = monte_carlo.compute_monte_carlo(adoption=(1.0, 1.0), price=(8.0, 8.0), overrun=(1.0, 1.0), n=10)
    assert narrow["p_negative"] == 0 and narrow["mean"] == pytest.approx(narrow["plan_npv"])
    swapped = monte_carlo.compute_monte_carlo(adoption=(1.2, 0.5), n=100)  # low and high in any order
    assert swapped["ranges"]["adoption"] == (0.5, 1.0, 1.2)
    fig, ax = plt.subplots()
    monte_carlo.plot_monte_carlo(result, ax)
    assert "P(NPV < 0)" in ax.get_title()
    plt.close(fig)


def test_builders_react_to_their_controls(capsys):
    box = saas_metrics.build_saas_metrics_explorer()
    assert set(box.controls) == {"period", "segment", "gross_margin"}
    capsys.readouterr()
    box.controls["segment"].value = "SMB"
    box.controls["period"].value = "2024"
    assert capsys.readouterr().out.count("Figure") == 2
    box = monte_carlo.build_monte_carlo_explorer(n=2_000)
    assert set(box.controls) == {"adoption", "price", "overrun", "rate"}
    capsys.readouterr()
    box.controls["adoption"].value = (0.3, 1.0)
    box.controls["rate"].value = 0.15
    assert capsys.readouterr().out.count("Figure") == 2
    plt.close("all")


def test_explorer_updates_are_fast():
    saas_metrics.compute_saas_metrics("2025", "all")  # warm the data cache
    start = time.perf_counter()
    saas_metrics.compute_saas_metrics("2024", "Mid-Market")
    monte_carlo.compute_monte_carlo(adoption=(0.4, 1.3))
    assert time.perf_counter() - start < 1.0
