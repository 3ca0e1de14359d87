"""The pricing reference (spmcourse.pricing) agrees with independent, deliberately naive implementations, and the
price explorers compute, plot, wire their controls and update fast enough to feel live."""
from __future__ import annotations

import math
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from spmcourse import casedata, pricing  # noqa: E402
from spmcourse.explorers import pricing as explorer  # noqa: E402

STRIPE_EXAMPLE = [(1_000, 0.10), (10_000, 0.05), (None, 0.01)]


# --- The assignment's reference answers, on the case data -----------------------------------------------------------

def test_survey_answers_agree_with_independent_computations():
    """Questions 6 and 7 of the assignment, and the lesson's Gabor-Granger optimum."""
    survey = casedata.load("survey_responses")
    buyers10, buyers12 = int(survey["gg_buy_at_10"].sum()), int(survey["gg_buy_at_12"].sum())
    # counts give the same arc elasticity as shares
    assert pricing.arc_elasticity(10, buyers10, 12, buyers12) == pytest.approx(
        pricing.arc_elasticity(10, survey["gg_buy_at_10"].mean(), 12, survey["gg_buy_at_12"].mean()))
    # Gabor-Granger answers never switch from no back to yes (the data card's promise the lesson relies on)
    answers = survey[[f"gg_buy_at_{p}" for p in (6, 8, 10, 12, 14)]].to_numpy()
    assert (np.diff(answers.astype(int), axis=1) <= 0).all()
    mid = survey[survey["segment"] == "Mid-Market"]
    grid = np.arange(0.5, 25.01, 0.5)
    curves = pricing.van_westendorp_curves(mid["vw_too_cheap"], mid["vw_cheap"], mid["vw_expensive"],
                                           mid["vw_too_expensive"], prices=grid)
    points = pricing.van_westendorp_points(curves)
    fine = np.linspace(0.5, 25, 490_001)
    for point, (falling, rising) in {"OPP": ("too_cheap", "too_expensive"),
                                     "PME": ("not_expensive", "too_expensive")}.items():
        gap = np.interp(fine, grid, curves[falling]) - np.interp(fine, grid, curves[rising])
        assert points[point] == pytest.approx(fine[np.argmax(gap <= 0)], abs=1e-4)



def test_crossing_share_by_brute_force():
    """The height of a crossing, found on a fine grid of the straight lines between the grid points."""
    survey = casedata.load("survey_responses")
    grid = np.arange(0.5, 25.01, 0.5)
    fine = np.linspace(0.5, 25, 490_001)
    for frame in (survey, survey[survey["segment"] == "Enterprise"]):
        c = pricing.van_westendorp_curves(frame["vw_too_cheap"], frame["vw_cheap"], frame["vw_expensive"],
                                          frame["vw_too_expensive"], prices=grid)
        gap = np.interp(fine, grid, c["too_cheap"]) - np.interp(fine, grid, c["too_expensive"])
        at = int(np.argmax(gap <= 0))
        height = np.interp(fine[at], grid, c["too_expensive"])
        assert pricing.crossing_share(grid, c["too_cheap"], c["too_expensive"]) == pytest.approx(height, abs=1e-4)
        assert height > 0.10
    # the degenerate case: two curves that only meet where both are zero
    assert pricing.crossing_share([1, 2, 3], [0.5, 0.0, 0.0], [0.0, 0.0, 0.5]) == 0.0
    assert math.isnan(pricing.crossing_share([1, 2], [0.9, 0.8], [0.1, 0.2]))

def test_hospital_tier_bills_match_a_naive_count():
    """Question 5: the largest clinic customer's bill under both modes, unit by unit."""
    subs, customers = casedata.load("subscriptions"), casedata.load("customers")
    clinics = set(customers.loc[customers["industry"] == "clinic", "customer_id"])
    december = subs[(subs["month"] == "2025-12-01") & subs["customer_id"].isin(clinics)]
    seats = int(december["seats"].max())
    tiers = [(250, 8.0), (1_000, 6.0), (None, 4.5)]
    for mode in ("graduated", "volume"):
        assert pricing.tier_bill(seats, tiers, mode) == pytest.approx(naive_bill(seats, tiers, mode))


# --- Elasticity ---------------------------------------------------------------------------------------------------

def test_arc_elasticity_by_hand_and_symmetric():
    # 10 -> 12 EUR, 1000 -> 800 units: quantity -200/900, price +2/11
    expected = (-200 / 900) / (2 / 11)
    assert pricing.arc_elasticity(10, 1000, 12, 800) == pytest.approx(expected)
    assert pricing.arc_elasticity(12, 800, 10, 1000) == pytest.approx(expected)
    assert expected < -1  # elastic, and negative by the course's sign convention


def test_start_point_elasticity_depends_on_direction():
    up = pricing.start_point_elasticity(10, 1000, 12, 800)
    down = pricing.start_point_elasticity(12, 800, 10, 1000)
    arc = pricing.arc_elasticity(10, 1000, 12, 800)
    assert up == pytest.approx(-1.0) and down == pytest.approx(-1.5)
    assert min(up, down) < arc < max(up, down)


def test_linear_point_elasticity_matches_a_numerical_derivative():
    a, b, p, h = 1000.0, 10.0, 30.0, 1e-6
    q = lambda price: a - b * price  # noqa: E731
    numeric = (q(p + h) - q(p - h)) / (2 * h) * p / q(p)
    assert pricing.linear_point_elasticity(a, b, p) == pytest.approx(numeric, rel=1e-6)


@pytest.mark.parametrize("dp, cm", [(-0.10, 0.80), (-0.05, 0.30), (0.10, 0.60), (0.20, 0.25)])
def test_break_even_volume_change_keeps_contribution_unchanged(dp, cm):
    price, units = 100.0, 1000.0
    vc = price * (1 - cm)
    dq = pricing.break_even_volume_change(dp, cm)
    before = (price - vc) * units
    after = (price * (1 + dp) - vc) * units * (1 + dq)
    assert after == pytest.approx(before)
    assert (dq > 0) == (dp < 0)


def test_break_even_volume_change_refuses_a_cut_below_variable_cost():
    with pytest.raises(ValueError):
        pricing.break_even_volume_change(-0.5, 0.4)


# --- Tiers ----------------------------------------------------------------------------------------------------------

def naive_bill(units: int, tiers, mode: str) -> float:
    """Unit by unit (graduated) or by looking up the tier of the total (volume)."""
    bounds = [math.inf if t[0] is None else t[0] for t in tiers]
    def tier_of(k):
        return next(i for i, b in enumerate(bounds) if k <= b)
    if units == 0:
        return 0.0
    if mode == "volume":
        i = tier_of(units)
        return units * tiers[i][1] + (tiers[i][2] if len(tiers[i]) == 3 else 0.0)
    total, seen = 0.0, set()
    for k in range(1, units + 1):
        i = tier_of(k)
        total += tiers[i][1]
        seen.add(i)
    return total + sum(tiers[i][2] for i in seen if len(tiers[i]) == 3)


def test_the_published_tier_example():
    """15,000 units over tiers 1-1,000 at 0.10, 1,001-10,000 at 0.05, above at 0.01: 100 + 450 + 50 = 600 graduated;
    all 15,000 at 0.01 = 150 by volume."""
    assert pricing.tier_bill(15_000, STRIPE_EXAMPLE, "graduated") == pytest.approx(600)
    assert pricing.tier_bill(15_000, STRIPE_EXAMPLE, "volume") == pytest.approx(150)
    lines = pricing.tier_breakdown(15_000, STRIPE_EXAMPLE)
    assert lines["units"].tolist() == [1_000, 9_000, 5_000]
    assert lines["charge"].tolist() == pytest.approx([100, 450, 50])


@pytest.mark.parametrize("units", [0, 1, 999, 1_000, 1_001, 9_999, 10_000, 10_001, 12_345])
def test_tier_bounds_are_inclusive_and_match_a_naive_count(units):
    for mode in ("graduated", "volume"):
        assert pricing.tier_bill(units, STRIPE_EXAMPLE, mode) == pytest.approx(naive_bill(units, STRIPE_EXAMPLE, mode))
    assert pricing.tier_bill(1_000, STRIPE_EXAMPLE, "volume") == pytest.approx(100)  # the 1,000th unit is tier 1
    assert pricing.tier_bill(1_001, STRIPE_EXAMPLE, "volume") == pytest.approx(50.05)  # the volume cliff


def test_flat_fees_match_a_naive_count():
    tiers = [(5, 10.0, 0.0), (20, 8.0, 20.0), (None, 6.0, 50.0)]
    for units in (0, 3, 5, 6, 20, 21, 40):
        for mode in ("graduated", "volume"):
            assert pricing.tier_bill(units, tiers, mode) == pytest.approx(naive_bill(units, tiers, mode))


def test_graduated_bills_never_fall_as_usage_rises_but_volume_bills_can():
    grid = np.arange(0, 20_001)
    graduated = pricing.tier_bills(grid, STRIPE_EXAMPLE, "graduated")
    volume = pricing.tier_bills(grid, STRIPE_EXAMPLE, "volume")
    assert np.all(np.diff(graduated) >= 0)
    assert np.any(np.diff(volume) < 0)


def test_bad_tier_tables_are_rejected():
    with pytest.raises(ValueError, match="open-ended"):
        pricing.tier_bill(5, [(10, 1.0)])
    with pytest.raises(ValueError, match="increase"):
        pricing.tier_bill(5, [(10, 1.0), (5, 0.5), (None, 0.1)])
    with pytest.raises(ValueError, match="mode"):
        pricing.tier_bill(5, STRIPE_EXAMPLE, "stepped")


# --- Van Westendorp -------------------------------------------------------------------------------------------------

def survey(n=400, seed=7):
    rng = np.random.default_rng(seed)
    centre = rng.normal(8, 2, n).clip(2)
    return dict(too_cheap=np.round(centre * 0.45, 0), cheap=np.round(centre * 0.75, 0),
                expensive=np.round(centre * 1.2, 0), too_expensive=np.round(centre * 1.6, 0))


def test_curves_match_a_respondent_by_respondent_count():
    answers = survey()
    grid = np.arange(1, 21)
    curves = pricing.van_westendorp_curves(**answers, prices=grid)
    for price in (3, 8, 13):
        assert curves.loc[price, "too_cheap"] == pytest.approx(sum(a >= price for a in answers["too_cheap"]) / 400)
        assert curves.loc[price, "expensive"] == pytest.approx(sum(a <= price for a in answers["expensive"]) / 400)
    assert curves["too_cheap"].is_monotonic_decreasing and curves["too_expensive"].is_monotonic_increasing
    assert np.allclose(curves["not_cheap"] + curves["cheap"], 1)


def test_crossings_by_interpolation_and_by_a_fine_grid_agree():
    answers = survey()
    coarse = pricing.van_westendorp_points(pricing.van_westendorp_curves(**answers, prices=np.arange(1, 31)))
    # independent check: on each coarse interval, walk a fine grid of the straight lines between the curves
    curves = pricing.van_westendorp_curves(**answers, prices=np.arange(1, 31))
    fine = np.linspace(1, 30, 290_001)
    pairs = {"PMC": ("too_cheap", "not_cheap"), "OPP": ("too_cheap", "too_expensive"),
             "IPP": ("cheap", "expensive"), "PME": ("not_expensive", "too_expensive")}
    for point, (falling, rising) in pairs.items():
        gap = np.interp(fine, curves.index, curves[falling]) - np.interp(fine, curves.index, curves[rising])
        assert coarse[point] == pytest.approx(fine[np.argmax(gap <= 0)], abs=2e-4), point
    assert coarse["PMC"] < coarse["OPP"] <= coarse["IPP"] < coarse["PME"]


def test_ipp_is_also_where_not_cheap_meets_not_expensive():
    curves = pricing.van_westendorp_curves(**survey(seed=11), prices=np.arange(1, 31))
    p = curves.index.to_numpy()
    assert pricing.crossing(p, curves["not_expensive"], curves["not_cheap"]) == pytest.approx(
        pricing.van_westendorp_points(curves)["IPP"])


def test_crossing_edge_cases():
    assert pricing.crossing([1, 2, 3], [0.9, 0.5, 0.5], [0.1, 0.5, 0.9]) == 2.0  # touching at a grid price
    assert math.isnan(pricing.crossing([1, 2], [0.9, 0.8], [0.1, 0.2]))        # never crosses


# --- Gabor-Granger and optimal prices ------------------------------------------------------------------------------

def test_gabor_granger_picks_the_revenue_maximising_price_and_breaks_ties_low():
    table = pricing.gabor_granger([10, 5, 15, 20], [0.6, 0.9, 0.4, 0.25])
    assert list(table.index) == [5, 10, 15, 20]
    assert pricing.revenue_maximising_price(table) == 10.0  # 6.0 beats 4.5, 6.0 (tie at 15 -> lower) and 5.0
    assert table.loc[15, "revenue_index"] == pytest.approx(6.0)


def test_optimal_prices_agree_with_a_brute_force_search():
    a, b, c = 1_200.0, 30.0, 8.0
    prices = np.linspace(0, a / b, 400_001)
    profit = (prices - c) * (a - b * prices)
    assert pricing.optimal_price_linear(a, b, c) == pytest.approx(prices[np.argmax(profit)], abs=1e-3)
    revenue = prices * (a - b * prices)
    assert pricing.optimal_price_linear(a, b) == pytest.approx(prices[np.argmax(revenue)], abs=1e-3)
    e = -2.5
    grid = np.linspace(c * 1.001, c * 5, 400_001)
    assert pricing.optimal_price_constant_elasticity(e, c) == pytest.approx(
        grid[np.argmax((grid - c) * grid ** e)], rel=1e-4)
    with pytest.raises(ValueError):
        pricing.optimal_price_constant_elasticity(-0.8, c)


# --- Explorers ------------------------------------------------------------------------------------------------------

def test_tier_explorer_compute_and_plot():
    result = explorer.compute_tier_bills(15_000, STRIPE_EXAMPLE)
    assert (result["graduated"], result["volume"]) == (600.0, 150.0)
    assert result["effective_graduated"] == pytest.approx(0.04)
    fig, ax = plt.subplots()
    explorer.plot_tier_bills(result, ax)
    assert "graduated €600.00" in ax.get_title()
    plt.close(fig)


def test_demand_explorer_compute_and_plot():
    result = explorer.compute_demand(1_000, 50, 2.0)
    assert result["revenue_price"] == 10.0 and result["profit_price"] == 11.0
    assert result["table"]["revenue"].max() == pytest.approx(result["max_revenue"], rel=1e-3)
    fig, ax = plt.subplots()
    explorer.plot_demand(result, ax)
    assert "€10.00" in ax.get_title()
    plt.close(fig)


def test_builders_react_to_their_controls(capsys):
    box = explorer.build_tier_explorer()
    capsys.readouterr()
    box.controls["usage"].value = 20_000
    assert capsys.readouterr().out.count("Figure") == 1
    box.controls["bound2"].value = 500  # before tier 1 ends: refused with a message, no chart
    assert "must end after" in box.children[1].value
    box = explorer.build_demand_explorer()
    capsys.readouterr()
    box.controls["unit_cost"].value = 5.0
    assert capsys.readouterr().out.count("Figure") == 1
    plt.close("all")


@pytest.mark.parametrize("compute, plot, args", [
    (explorer.compute_tier_bills, explorer.plot_tier_bills, (15_000, STRIPE_EXAMPLE, 60_000)),
    (explorer.compute_demand, explorer.plot_demand, (1_000, 50, 2.0)),
])
def test_explorer_update_is_fast(compute, plot, args):
    """One control change (compute + plot) well under 100 ms, best of five runs (see test_finance)."""
    compute(*args)
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
        plot(compute(*args), ax)
        best = min(best, time.perf_counter() - start)
        plt.close(fig)
    assert best < 0.1, f"the fastest update took {best * 1000:.0f} ms"
