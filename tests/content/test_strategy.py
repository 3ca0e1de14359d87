"""Module 02's references (spmcourse.strategy, spmcourse.market) agree with independent implementations
(scipy for the Bass fit, brute force for portfolio selection, plain re-computation for the rest), and the
module's datasets have the properties the lesson and the assignment rely on."""
from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import curve_fit

from spmcourse import casedata, market, strategy

BUDGET = 2_000_000


@pytest.fixture(scope="module")
def initiatives():
    return strategy.ecv_table(casedata.load("initiatives"))


# --- portfolio -------------------------------------------------------------------------------------------------
def test_bcg_gives_each_line_the_quadrant_the_lesson_discusses():
    table = strategy.bcg_table(casedata.load("portfolio_markets"), casedata.load("product_lines"))
    assert table["quadrant"].to_dict() == {"Kestrel Shifts": "Question Mark", "Kestrel Timeclock": "Dog",
                                           "Payroll Connect": "Star", "Kestrel Insights": "Question Mark"}
    # no line sits within a rounding error of a cut-off, so one defensible answer per line
    assert (abs(table["relative_share"] - 1.0) > 0.1).all()
    assert (abs(table["market_growth"] - 0.10) > 0.005).all()
    # the trap the assignment records: with 2024's growth (9.2 %) Shifts would be a Dog
    market = casedata.load("market").groupby("year")["market_revenue_eur"].sum()
    assert market[2024] / market[2023] - 1 < 0.10 < market[2025] / market[2024] - 1
    # the Shifts row is the scheduling market and its leader, as in market and competitors
    row = casedata.load("portfolio_markets").set_index("product_line").loc["Kestrel Shifts"]
    assert row["market_revenue_2025_eur"] == pytest.approx(market[2025], abs=0.01)


def test_quadrant_thresholds_are_strict():
    assert strategy.bcg_quadrant(1.0, 0.2) == "Question Mark"
    assert strategy.bcg_quadrant(1.01, 0.10) == "Cash Cow"
    assert strategy.bcg_quadrant(0.5, 0.5, growth_cutoff=0.6) == "Dog"


def test_ecv_recomputed_by_hand(initiatives):
    for row in initiatives.itertuples():
        expected = (row.npv_if_success_eur * row.p_commercial - row.launch_cost_eur) * row.p_technical \
            - row.development_cost_eur
        assert row.ecv == pytest.approx(expected, abs=1e-6)
    swapped = strategy.ecv(5_000_000, 0.55, 0.85, 550_000, 1_450_000)  # P_ts and P_cs swapped
    assert swapped != pytest.approx(initiatives.loc[0, "ecv"])


def _brute_force(values, costs, budget):
    best, best_set = 0.0, ()
    for k in range(len(values) + 1):
        for subset in combinations(range(len(values)), k):
            if sum(costs[i] for i in subset) <= budget:
                total = sum(values[i] for i in subset)
                if total > best + 1e-9:
                    best, best_set = total, subset
    return best, best_set


def test_portfolio_selection_matches_brute_force_on_the_case(initiatives):
    values, costs = initiatives["ecv"].tolist(), initiatives["development_cost_eur"].tolist()
    best, best_set = _brute_force(values, costs, BUDGET)
    chosen = strategy.select_portfolio(values, costs, BUDGET)
    assert sum(values[i] for i in chosen) == pytest.approx(best, abs=1e-6)
    assert sum(costs[i] for i in chosen) <= BUDGET
    # the optimum is unique, and the lesson's point holds: greedy by productivity index is worse,
    # and the optimum leaves out the initiative with the best index
    optima = [s for k in range(9) for s in combinations(range(8), k)
              if sum(costs[i] for i in s) <= BUDGET and abs(sum(values[i] for i in s) - best) < 1]
    assert len(optima) == 1
    greedy = strategy.greedy_portfolio(values, costs, BUDGET)
    assert sum(values[i] for i in greedy) < best - 100_000
    top = int(initiatives["productivity_index"].idxmax())
    assert top in greedy and top not in chosen
    # judgement question: the highest NPV has a negative ECV
    assert initiatives.loc[initiatives["npv_if_success_eur"].idxmax(), "ecv"] < 0


@pytest.mark.parametrize("seed", range(25))
def test_portfolio_selection_matches_brute_force_on_random_cases(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 10))
    values = rng.normal(100, 80, n).round(2).tolist()
    costs = (rng.integers(1, 20, n) * 1000).tolist()
    budget = int(rng.integers(1, 60)) * 1000
    best, _ = _brute_force(values, costs, budget)
    chosen = strategy.select_portfolio(values, costs, budget)
    assert sum(costs[i] for i in chosen) <= budget
    assert sum(values[i] for i in chosen) == pytest.approx(best, abs=1e-6)


def test_ansoff_of_the_initiatives(initiatives):
    options = [strategy.ansoff(p, m) for p, m in zip(initiatives["product"], initiatives["market"])]
    assert set(options) == set(strategy.ANSOFF.values())  # every option appears at least once


# --- innovation ------------------------------------------------------------------------------------------------
def _bass_per_year(t, p, q, m):
    F = lambda x: (1 - np.exp(-(p + q) * x)) / (1 + q / p * np.exp(-(p + q) * x))  # noqa: E731
    return m * (F(t) - F(t - 1))


def test_bass_nls_fit_agrees_with_scipy_curve_fit():
    n = casedata.load("cloud_adoption")["new_adopters"].to_numpy(dtype=float)
    t = np.arange(1, n.size + 1)
    (p, q, m), _ = curve_fit(_bass_per_year, t, n, p0=[0.01, 0.4, 2 * n.sum()], maxfev=20_000)
    ours = strategy.fit_bass_nls(n)
    assert ours["p"] == pytest.approx(p, rel=1e-4)
    assert ours["q"] == pytest.approx(q, rel=1e-4)
    assert ours["m"] == pytest.approx(m, rel=1e-4)


def test_bass_ols_is_bass_regression_recomputed_with_lstsq():
    n = casedata.load("cloud_adoption")["new_adopters"].to_numpy(dtype=float)
    prev = np.concatenate([[0], np.cumsum(n)[:-1]])
    X = np.column_stack([np.ones_like(prev), prev, prev ** 2])
    a, b, c = np.linalg.lstsq(X, n, rcond=None)[0]
    roots = np.roots([c, b, a])
    m = float(roots[roots > 0].max())
    ols = strategy.fit_bass_ols(n)
    assert ols["m"] == pytest.approx(m, rel=1e-6)
    assert ols["p"] == pytest.approx(a / m, rel=1e-6)
    assert ols["q"] == pytest.approx(-c * m, rel=1e-6)


def test_cloud_adoption_peaks_inside_the_history_and_the_two_fits_disagree_on_the_peak():
    n = casedata.load("cloud_adoption")["new_adopters"]
    nls = strategy.fit_bass_nls(n)
    ols = strategy.fit_bass_ols(n)
    peak_nls = strategy.bass_peak_time(nls["p"], nls["q"])
    peak_ols = strategy.bass_peak_time(ols["p"], ols["q"])
    assert 7 < peak_nls < 10 and 6 < peak_ols < 8 and peak_nls - peak_ols > 1  # the lesson's point
    assert 0.6 < n.sum() / nls["m"] < 0.85  # most, not all, of the potential has adopted by 2025


def test_bass_peak_is_the_maximum_of_the_rate_and_cumulative_integrates_it():
    p, q, m = 0.03, 0.38, 1000
    t = np.linspace(0, 30, 300_001)
    rate = strategy.bass_rate(t, p, q, m)
    assert t[np.argmax(rate)] == pytest.approx(strategy.bass_peak_time(p, q), abs=1e-3)
    integral = np.sum((rate[1:] + rate[:-1]) / 2 * np.diff(t))
    assert integral == pytest.approx(strategy.bass_cumulative(30, p, q, m), rel=1e-6)
    assert strategy.bass_cumulative(strategy.bass_peak_time(p, q), p, q, m) == pytest.approx(m * (q - p) / (2 * q))


def test_rogers_shares_are_the_normal_curve_cuts():
    phi = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa: E731
    cuts = [phi(-2), phi(-1) - phi(-2), phi(0) - phi(-1), phi(1) - phi(0), 1 - phi(1)]
    assert np.allclose(list(strategy.ROGERS.values()), cuts, atol=0.003)


def test_stage_gate_yield():
    table = strategy.stage_gate_yield([200, 60, 24, 12, 6])
    assert table["pass_rate"].iloc[1:].tolist() == pytest.approx([0.3, 0.4, 0.5, 0.5])
    assert table["cumulative"].iloc[-1] == pytest.approx(np.prod([0.3, 0.4, 0.5, 0.5]))


# --- resources and compliance ----------------------------------------------------------------------------------
def test_capacity_littles_law_and_gdpr():
    assert strategy.capacity_hours(6, 10, 7.5, 0.7) == pytest.approx(6 * 10 * 7.5 * 0.7)
    assert strategy.littles_law(throughput=4, cycle_time=2.5) == pytest.approx(10)
    assert strategy.littles_law(wip=10, cycle_time=2.5) == pytest.approx(4)
    assert strategy.gdpr_max_fine(1e9, "83(5)") == pytest.approx(4e7)
    assert strategy.gdpr_max_fine(1e8, "83(4)") == pytest.approx(1e7)
    assert strategy.gdpr_max_fine(1e9, "83(4)") == pytest.approx(2e7)


# --- market ----------------------------------------------------------------------------------------------------
def test_cagr_and_hhi_recomputed():
    totals = casedata.load("market").groupby("year")["market_revenue_eur"].sum()
    growth = market.cagr(totals[2021], totals[2025], 4)
    assert (1 + growth) ** 4 * totals[2021] == pytest.approx(totals[2025])
    assert np.prod(1 + totals.pct_change().dropna()) ** 0.25 - 1 == pytest.approx(growth)
    shares = casedata.load("competitors").query("year == 2025 and competitor != 'Others'")
    s = shares.set_index("competitor")["market_share"] * 100
    assert market.hhi(s) == pytest.approx(sum(x * x for x in s))
    merged = s.drop(["Shiftora", "Rotaflow"]).tolist() + [s["Shiftora"] + s["Rotaflow"]]
    assert market.hhi(s) + market.hhi_delta(s["Shiftora"], s["Rotaflow"]) == pytest.approx(market.hhi(merged))


def test_competitor_concentration_has_the_properties_the_assignment_uses():
    c = casedata.load("competitors").query("year == 2025").set_index("competitor")["market_share"] * 100
    named = c.drop("Others")
    assert market.hhi(named) < 1_000 < 1_800 < market.hhi(c)  # leaving "Others" out changes the reading
    i, j = list(named.index).index("Shiftora"), list(named.index).index("Rotaflow")
    assert market.merger_presumption(named, i, j) == "presumed (share test)"
    assert market.merger_presumption(named, i, j, guidelines=2010) == "not presumed"
    assert market.merger_presumption(c, list(c.index).index("Shiftora"), list(c.index).index("Rotaflow")) \
        == "presumed (HHI test)"


def test_entry_markets_give_one_answer_by_the_pinned_rule_and_the_traps_give_others():
    e = casedata.load("entry_markets").set_index("vertical")
    som = e["organisations"] * e["seats_per_organisation"] * 9.0 * 12 * e["serviceable_share"] * e["obtainable_share"]
    growth = (e["market_revenue_2025_eur"] / e["market_revenue_2022_eur"]) ** (1 / 3) - 1
    concentration = e[["vendor1_share_pct", "vendor2_share_pct", "vendor3_share_pct"]].pow(2).sum(axis=1)
    eligible = (growth >= 0.08) & (concentration <= 1_800)
    assert som[eligible].idxmax() == "security services"
    assert som.idxmax() == "home care"                                  # ignoring both rules
    assert som[(growth >= 0.08) & (concentration <= 2_500)].idxmax() == "home care"  # 2010 reading
    assert som[concentration <= 1_800].idxmax() == "manufacturing"      # ignoring growth
    assert growth.idxmax() == "education"                                # fastest growth is not the answer
    assert 1_800 < concentration["home care"] < 2_500
    assert (abs(growth - 0.08) > 0.005).all() and (abs(concentration - 1_800) > 50).all()


def test_tam_sam_som():
    sizes = market.tam_sam_som(18_000, 60 * 9.0 * 12, serviceable_share=0.5, obtainable_share=0.035)
    assert sizes["som"] == pytest.approx(18_000 * 60 * 108 * 0.5 * 0.035)
    assert sizes["tam"] > sizes["sam"] > sizes["som"]


# --- explorers -------------------------------------------------------------------------------------------------
import time  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from spmcourse.explorers import diffusion, portfolio  # noqa: E402
from spmcourse.explorers import market as market_explorer  # noqa: E402


def test_market_funnel_is_the_bottom_up_count():
    m = casedata.load("market")
    r = market_explorer.compute_market_funnel(m, segments=["Mid-Market"], regions=["EU", "UK"], price=9.0,
                                              obtainable_share=0.05)
    cells = m[(m["year"] == 2025) & (m["segment"] == "Mid-Market") & m["region"].isin(["EU", "UK"])]
    assert r["sam"] == pytest.approx(cells["potential_customers"].sum() * 120 * 9 * 12)
    assert r["som"] == pytest.approx(r["sam"] * 0.05)
    assert r["spend_today"] == pytest.approx(cells["market_revenue_eur"].sum())
    everything = m[m["year"] == 2025]
    tam = sum(everything.loc[everything["segment"] == s, "potential_customers"].sum() * n * 108
              for s, n in market_explorer.DEFAULT_SEATS.items())
    assert r["tam"] == pytest.approx(tam)
    fig, ax = plt.subplots()
    market_explorer.plot_market_funnel(r, ax)
    assert "€9.00" in ax.get_title()
    plt.close(fig)


def test_diffusion_compute_and_plot():
    r = diffusion.compute_diffusion(0.011, 0.42, 240_000, years=20, start_year=2015)
    assert r["table"]["new"].idxmax() == math.floor(r["peak_time"])
    assert r["table"]["cumulative"].iloc[-1] == pytest.approx(strategy.bass_cumulative(20, 0.011, 0.42, 240_000))
    fig, ax = plt.subplots()
    diffusion.plot_diffusion(r, ax, casedata.load("cloud_adoption"))
    assert f"peak in {r['peak_year']}" in ax.get_title()
    plt.close(fig)


def test_portfolio_compute_and_plot():
    table = strategy.bcg_table(casedata.load("portfolio_markets"), casedata.load("product_lines"))
    loose = portfolio.compute_portfolio(table, growth_cutoff=0.12)
    assert loose.loc["Kestrel Shifts", "quadrant"] == "Dog"
    fig, ax = plt.subplots()
    portfolio.plot_portfolio(portfolio.compute_portfolio(table), ax)
    assert ax.get_xscale() == "log" and ax.get_xlim()[0] > ax.get_xlim()[1]
    plt.close(fig)


def test_builders_react_to_their_controls(capsys):
    box = market_explorer.build_market_explorer(casedata.load("market"))
    capsys.readouterr()
    box.controls["price"].value = 12.0
    assert capsys.readouterr().out.count("Figure") == 1
    box.controls["regions"].value = ("NA",)
    assert capsys.readouterr().out.count("Figure") == 1
    box = diffusion.build_diffusion_explorer(casedata.load("cloud_adoption"))
    capsys.readouterr()
    box.controls["q"].value = 0.6
    assert capsys.readouterr().out.count("Figure") == 1
    table = strategy.bcg_table(casedata.load("portfolio_markets"), casedata.load("product_lines"))
    box = portfolio.build_portfolio_explorer(table)
    capsys.readouterr()
    box.controls["growth_cutoff"].value = 0.2
    assert capsys.readouterr().out.count("Figure") == 1
    plt.close("all")


def test_explorer_updates_are_fast():
    m = casedata.load("market")
    table = strategy.bcg_table(casedata.load("portfolio_markets"), casedata.load("product_lines"))
    cases = [
        lambda ax: market_explorer.plot_market_funnel(market_explorer.compute_market_funnel(
            m, segments=["SMB"], regions=["EU"], price=9.0, obtainable_share=0.05), ax),
        lambda ax: diffusion.plot_diffusion(diffusion.compute_diffusion(0.01, 0.4, 240_000), ax),
        lambda ax: portfolio.plot_portfolio(portfolio.compute_portfolio(table), ax),
    ]
    for case in cases:
        best = math.inf
        for _ in range(5):
            start = time.perf_counter()
            fig, ax = plt.subplots(figsize=(7.5, 3.6))
            case(ax)
            best = min(best, time.perf_counter() - start)
            plt.close(fig)
        assert best < 0.15, f"the fastest update took {best * 1000:.0f} ms"


# --- the assignment's data properties (revised estimates, the board's 12 % cut-off) ------------------------------
def _revised():
    table = casedata.load("initiatives").set_index("initiative_id")
    table.loc["I5", "p_technical"] = 0.4
    table.loc["I2", "development_cost_eur"] = 600_000.0
    return strategy.ecv_table(table.reset_index()).set_index("initiative_id")


def test_assignment_bcg_with_the_boards_cutoff_is_unambiguous():
    table = strategy.bcg_table(casedata.load("portfolio_markets"), casedata.load("product_lines"), growth_cutoff=0.12)
    assert table["quadrant"].to_dict() == {"Kestrel Shifts": "Dog", "Kestrel Timeclock": "Dog",
                                           "Payroll Connect": "Star", "Kestrel Insights": "Question Mark"}
    assert (abs(table["market_growth"] - 0.12) > 0.01).all()


def test_assignment_portfolio_is_unique_and_beats_the_ranking():
    t = _revised()
    values, costs = t["ecv"].tolist(), t["development_cost_eur"].tolist()
    best, best_set = _brute_force(values, costs, 2_200_000)
    optima = [s for k in range(9) for s in combinations(range(8), k)
              if sum(costs[i] for i in s) <= 2_200_000 and abs(sum(values[i] for i in s) - best) < 1]
    assert len(optima) == 1 and [t.index[i] for i in best_set] == ["I2", "I3", "I5", "I7"]
    assert best == pytest.approx(2_175_000)
    greedy = strategy.greedy_portfolio(values, costs, 2_200_000)
    assert sum(values[i] for i in greedy) == pytest.approx(1_892_000)


def test_assignment_fund_rule_differs_from_every_shortcut():
    t = _revised()
    ok = (t["development_cost_eur"] <= 1_300_000) & (t["p_technical"] * t["p_commercial"] >= 0.30) & (t["ecv"] > 0)
    chosen = t.loc[ok, "ecv"].idxmax()
    assert chosen == "I7"
    assert t["npv_if_success_eur"].idxmax() != chosen                                          # the CEO's pick
    assert t.loc[t["development_cost_eur"] <= 1_300_000, "ecv"].idxmax() != chosen             # no risk policy
    assert t.loc[ok, "productivity_index"].idxmax() != chosen                                  # ratio instead of ECV
    margin = (t["p_technical"] * t["p_commercial"] - 0.30).abs()
    assert (margin > 0.01).all()


def test_assignment_merger_verdict_depends_on_leaving_out_others():
    c = casedata.load("competitors").query("year == 2025").set_index("competitor")["market_share"] * 100
    named = c.drop("Others")
    i, j = list(named.index).index("Shiftora"), list(named.index).index("Planwerk")
    assert market.merger_presumption(named, i, j) == "not presumed"
    assert 25 < named["Shiftora"] + named["Planwerk"] < 30
    k, l = list(c.index).index("Shiftora"), list(c.index).index("Planwerk")
    assert market.merger_presumption(c, k, l) == "presumed (HHI test)"


def test_assignment_bass_and_cagr_answers():
    assert strategy.bass_peak_time(0.04, 0.45) == pytest.approx(math.log(0.45 / 0.04) / 0.49)
    assert float(strategy.bass_cumulative(5, 0.04, 0.45, 400)) == pytest.approx(185.4486, abs=1e-3)
    assert strategy.bass_per_period(5, 0.04, 0.45, 400).sum() == pytest.approx(185.4486, abs=1e-3)
    m = casedata.load("market")
    na = m[m["region"] == "NA"].groupby("year")["market_revenue_eur"].sum()
    rate = market.cagr(na[2022], na[2025], 3)
    assert na[2022] * (1 + rate) ** 3 == pytest.approx(na[2025])
