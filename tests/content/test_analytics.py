"""Module 03 (product analysis): the analytics helpers against independent implementations, the explorers, and
the properties of the swap_experiment data that the lesson and the assignment rely on."""
from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402
from statsmodels.stats.contingency_tables import StratifiedTable  # noqa: E402
from statsmodels.stats.power import NormalIndPower  # noqa: E402
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_effectsize,  # noqa: E402
                                          proportions_ztest)

from spmcourse import analytics  # noqa: E402
from spmcourse.casedata import load  # noqa: E402
from spmcourse.explorers import cohorts, experiment  # noqa: E402

STEPS = ["signed_up", "invited_team", "created_first_schedule", "published_schedule", "converted_to_paid"]
SM_ALTERNATIVE = {"two-sided": "two-sided", "larger": "larger", "smaller": "smaller"}


@pytest.fixture(scope="module")
def swap():
    return load("swap_experiment")


# --- funnel ----------------------------------------------------------------------------------------------------
def test_funnel_matches_a_plain_loop():
    trials = load("trial_funnel")
    table = analytics.funnel_conversion(analytics.funnel_counts(trials, STEPS))
    counts = [sum(1 for value in trials[step] if value) for step in STEPS]
    for k, step in enumerate(STEPS):
        assert table.loc[step, "users"] == counts[k]
        assert table.loc[step, "overall_conversion"] == pytest.approx(counts[k] / counts[0])
        if k:
            assert table.loc[step, "step_conversion"] == pytest.approx(counts[k] / counts[k - 1])
            assert table.loc[step, "lost"] == counts[k - 1] - counts[k]
    # the overall conversion is the product of the step conversions
    assert table["step_conversion"].prod() == pytest.approx(table["overall_conversion"].iloc[-1])


def test_funnel_refuses_a_growing_step():
    with pytest.raises(ValueError):
        analytics.funnel_conversion([10, 20])


# --- cohorts ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("freq", ["M", "Q"])
def test_cohort_retention_matches_a_set_based_recount(freq):
    subs = load("subscriptions")
    table = analytics.cohort_retention(subs, freq=freq)
    periods = subs.assign(p=subs["month"].dt.to_period(freq))
    active = periods.groupby("customer_id")["p"].apply(set)
    first = {cid: min(ps) for cid, ps in active.items()}
    last = periods["p"].max()
    rng = np.random.default_rng(0)
    for cohort in rng.choice(table.index, 6, replace=False):
        members = [cid for cid, f in first.items() if f == cohort]
        for age in range(0, (last - cohort).n + 1):
            expected = sum(1 for cid in members if cohort + age in active[cid]) / len(members)
            assert table.loc[cohort, age] == pytest.approx(expected)
        assert table.loc[cohort, (last - cohort).n + 1:].isna().all()


def test_cohort_segment_filter_and_explorer_curve():
    subs, customers = load("subscriptions"), load("customers")
    smb = customers.loc[customers["segment"] == "SMB", "customer_id"]
    counts = analytics.cohort_retention(subs, freq="Q", customers=smb, absolute=True)
    assert counts[0].sum() == subs.loc[subs["customer_id"].isin(smb), "customer_id"].nunique()
    result = cohorts.compute_cohorts(subs, customers, freq="Q", segment="SMB")
    age = 4
    seen = counts[age].notna()
    assert result["curve"][age] == pytest.approx(counts.loc[seen, age].sum() / counts.loc[seen, 0].sum())


def test_kaplan_meier_without_censoring_is_the_empirical_survival():
    durations = np.array([3, 1, 4, 1, 5, 9, 2, 6])
    km = analytics.kaplan_meier(durations, np.ones(durations.size, bool))
    for t, s in km.items():
        assert s == pytest.approx(np.mean(durations > t))


def test_kaplan_meier_textbook_example_with_censoring():
    # 6 customers: churn at 2, 3 (censored), 4, 4, 6 (censored), 7 -> S = 5/6, 5/6*2/4, ... by hand
    km = analytics.kaplan_meier([2, 3, 4, 4, 6, 7], [True, False, True, True, False, True])
    assert km[2] == pytest.approx(5 / 6)
    assert km[4] == pytest.approx(5 / 6 * 2 / 4)
    assert km[7] == pytest.approx(0.0)


# --- engagement and NPS ----------------------------------------------------------------------------------------
def test_stickiness_matches_a_user_day_recount():
    events = load("usage_events")
    table = analytics.stickiness(events)
    pairs = {(u, t.date()) for u, t in zip(events["user_id"], events["timestamp"])}
    for month, row in table.iterrows():
        days = [d for _, d in pairs if d.year == month.year and d.month == month.month]
        users = {u for u, d in pairs if d.year == month.year and d.month == month.month}
        assert row["dau"] == pytest.approx(len(days) / month.days_in_month)
        assert row["mau"] == len(users)


def test_feature_adoption_matches_sets():
    events = load("usage_events")
    swappers = set(events.loc[events["event"] == "shift_swap_requested", "customer_id"])
    assert analytics.feature_adoption(events, "shift_swap_requested") == pytest.approx(
        len(swappers) / len(set(events["customer_id"])))


def test_nps_counts_by_hand_and_skips_missing_answers():
    scores = load("survey_responses")["nps"]
    answered = [s for s in scores if s == s]
    promoters = sum(1 for s in answered if s >= 9)
    detractors = sum(1 for s in answered if s <= 6)
    assert analytics.nps(scores) == pytest.approx(100 * (promoters - detractors) / len(answered))
    assert analytics.nps(scores, decimals=1) == round(100 * (promoters - detractors) / len(answered), 1)
    with pytest.raises(ValueError):
        analytics.nps([float("nan")])


# --- A/B tests against statsmodels and scipy -------------------------------------------------------------------
CASES = [(120, 1000, 150, 1000), (300, 4000, 260, 3900), (57, 700, 79, 720), (1771, 8867, 913, 5133)]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("alternative", ["two-sided", "larger", "smaller"])
def test_ztest_matches_statsmodels(case, alternative):
    x_c, n_c, x_t, n_t = case
    z, p = analytics.two_proportion_ztest(x_c, n_c, x_t, n_t, alternative=alternative)
    z_sm, p_sm = proportions_ztest([x_t, x_c], [n_t, n_c], alternative=SM_ALTERNATIVE[alternative])
    assert z == pytest.approx(z_sm, rel=1e-9)
    assert p == pytest.approx(p_sm, rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_confidence_interval_matches_statsmodels_wald(case):
    x_c, n_c, x_t, n_t = case
    low, high = analytics.diff_confidence_interval(x_c, n_c, x_t, n_t)
    low_sm, high_sm = confint_proportions_2indep(x_t, n_t, x_c, n_c, method="wald", compare="diff")
    assert (low, high) == (pytest.approx(low_sm, rel=1e-9), pytest.approx(high_sm, rel=1e-9))


@pytest.mark.parametrize("p_c,p_t,alpha,power,alternative", [
    (0.10, 0.12, 0.05, 0.80, "two-sided"), (0.20, 0.215, 0.05, 0.80, "two-sided"),
    (0.05, 0.06, 0.01, 0.90, "two-sided"), (0.30, 0.33, 0.05, 0.80, "larger"), (0.15, 0.165, 0.10, 0.80, "larger"),
])
def test_sample_size_and_power_match_statsmodels(p_c, p_t, alpha, power, alternative):
    n = analytics.sample_size_per_group(p_c, p_t, alpha=alpha, power=power, alternative=alternative)
    h = proportion_effectsize(p_t, p_c)
    n_sm = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1.0,
                                        alternative=alternative)
    assert n == math.ceil(n_sm)
    for size in (500, 3000, n):
        assert analytics.power_two_proportions(p_c, p_t, size, alpha=alpha, alternative=alternative) == \
            pytest.approx(NormalIndPower().power(h, size, alpha, ratio=1.0, alternative=alternative), rel=1e-9)
    mde = analytics.minimum_detectable_effect(p_c, n_sm, alpha=alpha, power=power, alternative=alternative)
    assert mde == pytest.approx(p_t - p_c, rel=1e-3)


def test_srm_matches_scipy_chisquare():
    for n_c, n_t in [(5000, 5100), (8867, 5133), (1838, 1762)]:
        expected = stats.chisquare([n_c, n_t]).pvalue
        assert analytics.srm_pvalue(n_c, n_t) == pytest.approx(expected, rel=1e-6, abs=1e-300)


def test_simulated_p_values_are_uniform_under_the_null_and_peeking_inflates_false_positives():
    p_values = analytics.simulate_p_values(0.2, 0.2, 5000, runs=4000)
    assert stats.kstest(p_values, "uniform").pvalue > 0.001
    assert abs(np.mean(p_values < 0.05) - 0.05) < 0.015
    assert analytics.peeking_false_positive_rate(0.15, 4000, 1) == pytest.approx(0.05, abs=0.015)
    assert analytics.peeking_false_positive_rate(0.15, 4000, 10) > 0.12


# --- the swap_experiment data: the properties the lesson and the assignment state ------------------------------
def test_swap_experiment_randomisation_failed_only_for_enterprise(swap):
    for segment, part in swap.groupby("segment"):
        n_t = int((part["variant"] == "treatment").sum())
        p = analytics.srm_pvalue(len(part) - n_t, n_t)
        assert (p < 0.001) if segment == "Enterprise" else (p > 0.05), segment
    assert analytics.srm_pvalue(int((swap["variant"] == "control").sum()),
                                int((swap["variant"] == "treatment").sum())) < 1e-6


def test_swap_experiment_shows_simpsons_paradox(swap):
    pooled = analytics.ab_summary(swap, "requested_swap")
    by_segment = analytics.ab_summary(swap, "requested_swap", by="segment")
    # pooled: the treatment looks significantly worse ...
    assert pooled.loc["all", "difference"] < 0 and pooled.loc["all", "p_value"] < 0.001
    # ... but it is better in every segment; significantly so (alpha 0.05, two-sided) only in Mid-Market
    assert (by_segment["difference"] > 0).all()
    assert list(by_segment.index[by_segment["p_value"] < 0.05]) == ["Mid-Market"]
    # the stratified estimate is positive and significant at 5 %, and the CMH test agrees
    diff, z, p = analytics.stratified_difference(by_segment)
    assert diff > 0 and p < 0.05
    tables = [pd.crosstab(part["variant"], part["requested_swap"]).to_numpy() for _, part in swap.groupby("segment")]
    cmh = StratifiedTable(tables)
    assert cmh.oddsratio_pooled > 1  # rows control/treatment, columns False/True: OR > 1 means treatment higher
    assert cmh.test_null_odds().pvalue < 0.05


def test_swap_experiment_guardrail_is_worse_everywhere(swap):
    by_segment = analytics.ab_summary(swap, "notifications_off", by="segment")
    assert (by_segment["difference"] > 0).all() and (by_segment["p_value"] < 0.05).all()
    pooled = analytics.ab_summary(swap, "notifications_off")
    assert pooled.loc["all", "p_value"] < 0.001
    x = swap.groupby("variant")["notifications_off"].agg(["sum", "count"])
    z_sm, _ = proportions_ztest(x["sum"][["treatment", "control"]], x["count"][["treatment", "control"]])
    assert pooled.loc["all", "z"] == pytest.approx(z_sm)


# --- explorers -------------------------------------------------------------------------------------------------
def test_cohort_explorer_compute_plot_build(capsys):
    subs, customers = load("subscriptions"), load("customers")
    for freq in ("M", "Q"):
        result = cohorts.compute_cohorts(subs, customers, freq=freq, segment="Enterprise")
        assert result["table"][0].eq(1).all()
        fig, ax = plt.subplots()
        cohorts.plot_cohorts(result, ax)
        assert len(fig.axes) >= 2
        plt.close(fig)
    box = cohorts.build_cohort_explorer(subs, customers)
    capsys.readouterr()
    box.controls["freq"].value = "M"
    box.controls["segment"].value = "SMB"
    # outside a kernel the Output widget cannot capture, so the figure's repr reaches stdout
    assert capsys.readouterr().out.count("Figure") == 2
    plt.close("all")


def test_experiment_explorer_compute_plot_build(capsys):
    result = experiment.compute_experiment(0.15, 0.0, 3000, runs=2000)
    assert result["power"] == 0.05 and abs(result["simulated_power"] - 0.05) < 0.02
    result = experiment.compute_experiment(0.15, 0.02, 3000, runs=2000)
    assert abs(result["simulated_power"] - result["power"]) < 0.04
    assert result["required_n"] == analytics.sample_size_per_group(0.15, 0.17)
    fig, ax = plt.subplots()
    experiment.plot_experiment(result, ax)
    plt.close(fig)
    box = experiment.build_experiment_explorer()
    capsys.readouterr()
    box.controls["n_per_group"].value = 8000
    box.controls["effect"].value = 0.0
    assert capsys.readouterr().out.count("Figure") == 2
    plt.close("all")


# --- the assignment's reference answers, recomputed with the package and statsmodels ----------------------------
def test_assignment_reference_answers_agree_with_independent_implementations(swap):
    trials = load("trial_funnel")
    smb = trials[(trials["segment"] == "SMB") & (trials["signup_date"] <= "2025-12-17")].assign(started=True)
    table = analytics.funnel_conversion(analytics.funnel_counts(smb, ["started"] + STEPS))
    assert table["step_conversion"].iloc[1:].round(4).tolist() == [0.8572, 0.5377, 0.6764, 0.7248, 0.3541]
    # question 2: +5 points at the last step brings the most paying customers; the biggest leak is elsewhere
    assert table["lost"].idxmax() == "invited_team"
    users, rates = table["users"].to_numpy(), table["step_conversion"].to_numpy()
    gains = {STEPS[k - 1]: users[k - 1] * 0.05 * rates[k + 1:].prod() for k in range(1, 6)}
    assert max(gains, key=gains.get) == "converted_to_paid"
    brute = {}  # brute force: rebuild the funnel with one step raised and count paying customers
    for k in range(1, 6):
        lifted = rates.copy()
        lifted[k] += 0.05
        brute[STEPS[k - 1]] = users[0] * lifted[1:].prod() - users[-1]
    assert all(math.isclose(brute[s], gains[s]) for s in STEPS)
    # question 3: the package's cohort table for the 2024 monthly cohorts, ages 0-12, is fully observed
    retention = analytics.cohort_retention(load("subscriptions"), freq="M")
    block = retention.loc[pd.Period("2024-01", "M"):pd.Period("2024-12", "M"), 0:12]
    assert block.shape == (12, 13) and block.notna().all().all()
    # question 4
    survey = load("survey_responses")
    assert analytics.nps(survey.loc[survey["segment"] == "SMB", "nps"], decimals=1) == 19.5
    # question 6: Enterprise guardrail, pooled two-sided z-test
    ent = swap[swap["segment"] == "Enterprise"]
    counts = ent.groupby("variant")["notifications_off"].agg(["sum", "count"])
    z_sm, p_sm = proportions_ztest(counts["sum"][["treatment", "control"]], counts["count"][["treatment", "control"]])
    assert (round(z_sm, 4), round(p_sm, 5)) == (2.7721, 0.00557)
    # question 7: ceil of statsmodels' sample size
    n_sm = NormalIndPower().solve_power(proportion_effectsize(0.077, 0.067), alpha=0.05, power=0.8, ratio=1.0)
    assert math.ceil(n_sm) == analytics.sample_size_per_group(0.067, 0.077) == 10477


@pytest.mark.parametrize("name,counts,decision", [
    ("bulk_copy", (5000, 600, 150, 5000, 700, 160), "ship"),
    ("dark_default", (3000, 450, 90, 3000, 470, 60), "stop"),
    ("auto_reminders", (4000, 800, 120, 4000, 900, 170), "iterate"),
    ("overtime_warning", (6000, 600, 180, 6000, 660, 185), "stop"),
    ("shift_templates", (2500, 500, 100, 2500, 575, 60), "ship"),
])
def test_assignment_ship_rule_with_statsmodels(name, counts, decision):
    n_c, x_c, g_c, n_t, x_t, g_t = counts
    z_p, p_p = proportions_ztest([x_t, x_c], [n_t, n_c])
    z_g, p_g = proportions_ztest([g_t, g_c], [n_t, n_c])
    got = "stop" if not (z_p > 0 and p_p < 0.05) else ("iterate" if (z_g > 0 and p_g < 0.05) else "ship")
    assert got == decision, name
    if name == "overtime_warning":  # the trap: significant one-sided, not two-sided
        assert proportions_ztest([x_t, x_c], [n_t, n_c], alternative="larger")[1] < 0.05 < p_p
    if name == "shift_templates":  # the guardrail moves significantly, but down
        assert z_g < 0 and p_g < 0.05


def test_assignment_autofill_regions_show_simpsons_reversal():
    regions = {"EU": (3000, 900, 600, 192), "UK": (1000, 150, 1000, 160), "NA": (600, 54, 3000, 240)}
    own = {r: x_t / n_t - x_c / n_c for r, (n_c, x_c, n_t, x_t) in regions.items()}
    totals = np.sum(list(regions.values()), axis=0)
    pooled = totals[3] / totals[2] - totals[1] / totals[0]
    assert pooled < 0 and own["EU"] > 0 and own["UK"] > 0 and own["NA"] < 0
