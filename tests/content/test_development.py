"""Module 09 helpers agree with independent re-computations, and the case data has the properties the lesson
and the assignment rely on.

- DORA metrics: pandas (spmcourse.delivery_metrics) vs a plain loop over the raw CSV strings;
- Monte Carlo: the vectorised forecast vs a week-by-week loop with the same draws, and its percentiles vs a
  sorted-list count;
- earned value: vectorised sums vs a per-package loop;
- SUS: formula vs a lookup table of contributions per item and answer;
- architecture: fan-in, fan-out and cycles vs networkx;
- MTBF/MTTR vs a loop over raw timestamps.
"""
from __future__ import annotations

import csv
import math
import random
from datetime import datetime
from importlib import resources

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from spmcourse import architecture, delivery_metrics as dm, quality  # noqa: E402
from spmcourse.casedata import development as casedata_development, load  # noqa: E402

FMT = "%Y-%m-%d %H:%M:%S"


def raw_rows(name: str) -> list[dict]:
    with resources.files("spmcourse").joinpath("data", f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- DORA -----------------------------------------------------------------------------------------------------
def dora_by_loop(start: str, end: str, team: str | None = None) -> dict:
    """The four metrics from the raw CSV strings, with the standard library only."""
    lo = datetime.strptime(start, "%Y-%m-%d")
    hi = datetime.strptime(end, "%Y-%m-%d")
    incidents = {r["incident_id"]: r for r in raw_rows("incidents")}
    leads, restores, n, failed = [], [], 0, 0
    for row in raw_rows("deployments"):
        at = datetime.strptime(row["deployed_at"], FMT)
        if not (lo.date() <= at.date() <= hi.date()) or (team and row["team"] != team):
            continue
        n += 1
        leads.append((at - datetime.strptime(row["first_commit_at"], FMT)).total_seconds() / 3600)
        if row["caused_incident"] == "True":
            failed += 1
            inc = incidents[row["incident_id"]]
            restores.append((datetime.strptime(inc["resolved_at"], FMT)
                             - datetime.strptime(inc["started_at"], FMT)).total_seconds() / 3600)

    def median(values):
        values = sorted(values)
        mid = len(values) // 2
        return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2

    days = (hi - lo).days + 1
    return {"deployments": n, "days": days, "deployment_frequency": n / days * 7, "lead_time_hours": median(leads),
            "change_failure_rate": failed / n, "time_to_restore_hours": median(restores)}


PERIODS = [("2025-01-01", "2025-12-31"), ("2025-10-01", "2025-12-31"), ("2025-04-01", "2025-06-30"),
           ("2025-07-01", "2025-12-31")]


@pytest.mark.parametrize("team", [None, "Scheduling", "Mobile", "Integrations"])
@pytest.mark.parametrize("period", PERIODS)
def test_dora_matches_a_loop_over_raw_timestamps(period, team):
    got = dm.dora_metrics(load("deployments"), load("incidents"), *period, team=team)
    want = dora_by_loop(*period, team=team)
    assert got.keys() == want.keys()
    for key in want:
        assert math.isclose(got[key], want[key], rel_tol=1e-12), key


def test_dora_case_figures_the_lesson_quotes():
    dep, inc = load("deployments"), load("incidents")
    year = dm.dora_metrics(dep, inc, "2025-01-01", "2025-12-31")
    q1 = dm.dora_metrics(dep, inc, "2025-01-01", "2025-03-31")
    q4 = dm.dora_metrics(dep, inc, "2025-10-01", "2025-12-31")
    assert year["deployments"] == 328
    assert q4["change_failure_rate"] > q1["change_failure_rate"] + 0.04  # the fourth-quarter rise
    mobile = dm.dora_metrics(dep, inc, "2025-01-01", "2025-12-31", "Mobile")
    assert mobile["time_to_restore_hours"] > 5 * year["time_to_restore_hours"]


def test_outages_agree_with_support_tickets():
    inc = load("incidents").set_index("started_at")
    for start, minutes, *_ in casedata_development.OUTAGES:
        row = inc.loc[pd.Timestamp(start)]
        assert row["severity"] == "SEV1"
        assert row["resolved_at"] - pd.Timestamp(start) == pd.Timedelta(minutes=minutes)
    tickets = load("support_tickets")
    outage_days = set(tickets.loc[tickets["category"] == "outage", "opened_at"].dt.strftime("%Y-%m-%d"))
    assert {"2025-03-12", "2025-06-18", "2025-11-04"} <= outage_days


def test_deployment_and_incident_links_are_consistent():
    dep, inc = load("deployments"), load("incidents")
    linked = dep.dropna(subset=["incident_id"])
    assert linked["caused_incident"].all() and not dep.loc[dep["incident_id"].isna(), "caused_incident"].any()
    by_id = inc.set_index("incident_id")
    assert (by_id.loc[linked["incident_id"], "deployment_id"].to_numpy() == linked["deployment_id"].to_numpy()).all()
    assert (by_id.loc[linked["incident_id"], "started_at"].to_numpy() >= linked["deployed_at"].to_numpy()).all()
    assert (dep["first_commit_at"] < dep["deployed_at"]).all()
    assert (inc["resolved_at"] > inc["started_at"]).all()


# --- Monte Carlo forecast -------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_monte_carlo_matches_a_week_by_week_loop(seed):
    rng = random.Random(seed)
    history = [rng.randint(0, 9) for _ in range(rng.randint(5, 30))]
    history[0] = max(history[0], 1)
    remaining = rng.randint(1, 80)
    weeks = dm.monte_carlo_weeks(history, remaining, trials=300, seed=seed)
    draws = np.random.default_rng(seed).choice(np.asarray(history, dtype=float), size=(300, 200))
    for trial in range(300):
        done, week = 0.0, 0
        while done < remaining and week < 200:
            done += draws[trial, week]
            week += 1
        assert weeks[trial] == (week if done >= remaining else 201)


@pytest.mark.parametrize("q", [0.5, 0.85, 0.95])
def test_percentile_is_the_smallest_week_count_reaching_q(q):
    weeks = dm.monte_carlo_weeks(load("throughput")["items_done"], 58)
    ordered = sorted(weeks.tolist())
    brute = next(w for w in ordered if sum(x <= w for x in ordered) >= q * len(ordered))
    assert dm.weeks_percentile(weeks, q) == brute


def test_case_forecast_and_the_judgement_it_supports():
    weeks = dm.monte_carlo_weeks(load("throughput")["items_done"], casedata_development.SHIFTS5_REMAINING_ITEMS)
    assert dm.weeks_percentile(weeks, 0.85) == 17
    assert dm.forecast_date("2026-01-05", 17) == pd.Timestamp("2026-05-01")
    # the plan's date (Friday 3 April, 13 weeks) is far from safe; candidate dates are far from 85 %
    assert 0.2 < (weeks <= 13).mean() < 0.45
    assert (weeks <= 15).mean() < 0.75 and (weeks <= 17).mean() >= 0.85 and (weeks <= 16).mean() < 0.83


# --- Earned value ---------------------------------------------------------------------------------------------
def test_earned_value_matches_a_loop_and_the_pinned_formula():
    status = load("project_status")
    for date in sorted(status["status_date"].unique())[1:]:
        rows = dm.status_on(status, date)
        got = dm.earned_value(rows["budget_eur"], rows["planned_pct"], rows["complete_pct"], rows["actual_cost_eur"])
        pv = ev = ac = bac = 0.0
        for r in rows.itertuples():
            pv += r.budget_eur * r.planned_pct / 100
            ev += r.budget_eur * r.complete_pct / 100
            ac += r.actual_cost_eur
            bac += r.budget_eur
        assert math.isclose(got["PV"], pv) and math.isclose(got["EV"], ev) and math.isclose(got["AC"], ac)
        assert math.isclose(got["EAC"], bac * ac / ev)
        assert math.isclose(got["CV"], ev - ac) and math.isclose(got["SV"], ev - pv)


def test_project_is_behind_and_over_budget_at_year_end():
    rows = dm.status_on(load("project_status"), "2025-12-31")
    ev = dm.earned_value(rows["budget_eur"], rows["planned_pct"], rows["complete_pct"], rows["actual_cost_eur"])
    assert ev["BAC"] == 1_100_000
    assert 0.85 < ev["CPI"] < 0.95 and 0.85 < ev["SPI"] < 0.95
    variants = dm.eac_variants(ev)
    assert variants["budget rate"] < variants["cpi"] < variants["cpi and spi"]


def test_project_status_is_cumulative():
    status = load("project_status").sort_values(["work_package", "status_date"])
    for _, rows in status.groupby("work_package"):
        assert rows["actual_cost_eur"].is_monotonic_increasing and rows["complete_pct"].is_monotonic_increasing
        assert rows["planned_pct"].is_monotonic_increasing


# --- SUS ------------------------------------------------------------------------------------------------------
#: Contribution of each answer, looked up per item position (odd items, even items).
SUS_TABLE = {"odd": {1: 0, 2: 1, 3: 2, 4: 3, 5: 4}, "even": {1: 4, 2: 3, 3: 2, 4: 1, 5: 0}}


def sus_by_table(answers) -> float:
    return 2.5 * sum(SUS_TABLE["odd" if k % 2 == 0 else "even"][a] for k, a in enumerate(answers))


def test_sus_formula_matches_the_lookup_table():
    rng = random.Random(9)
    for _ in range(500):
        answers = [rng.randint(1, 5) for _ in range(10)]
        assert quality.sus_score(answers) == sus_by_table(answers)
    responses = load("sus_responses")
    vectorised = quality.sus_scores(responses)
    for k, row in responses.iterrows():
        assert vectorised[k] == sus_by_table([row[f"q{i}"] for i in range(1, 11)])
    with pytest.raises(ValueError):
        quality.sus_score([6] * 10)


def test_sus_case_properties():
    responses = load("sus_responses")
    responses["sus"] = quality.sus_scores(responses)
    means = responses.groupby("design")["sus"].mean()
    assert means["current"] < 68 < means["redesign"]  # the redesign crosses Sauro's average of 68
    assert responses.set_index("participant_id").loc[casedata_development.STRAIGHT_LINER, "sus"] == 50.0
    success = responses.groupby("design")["task_success"].mean()
    assert success["redesign"] > success["current"]


# --- Quality --------------------------------------------------------------------------------------------------
def test_defect_removal_efficiency_falls_in_the_last_release():
    defects = load("defects")
    dre = {}
    for release, rows in defects.groupby("release"):
        before = (rows["found_in"] != "production").sum()
        dre[release] = quality.defect_removal_efficiency(before, len(rows) - before)
    assert dre["2025-R4"] < 0.8 < min(dre["2025-R1"], dre["2025-R2"], dre["2025-R3"])


def test_defects_point_to_performance_once_severity_and_phase_count():
    defects = load("defects")
    assert defects["characteristic"].value_counts().idxmax() == "functional suitability"
    severe = defects[(defects["found_in"] == "production") & defects["severity"].isin(["critical", "major"])]
    counts = severe["characteristic"].value_counts()
    assert counts.idxmax() == "performance efficiency" and counts.iloc[0] > counts.iloc[1]


def test_cycle_modules_have_the_highest_defect_density():
    defects, modules = load("defects"), load("modules").set_index("module")
    density = defects.groupby("module").size() / modules["kloc"]
    assert set(density.nlargest(2).index) == {"time_tracking", "rules"}
    assert math.isclose(quality.defect_density(31, 24.0), 31 / 24)


def test_reliability_matches_a_loop():
    got = quality.reliability(load("incidents"), "2025-01-01", "2025-12-31")
    durations = []
    for row in raw_rows("incidents"):
        if row["severity"] in ("SEV1", "SEV2"):
            durations.append((datetime.strptime(row["resolved_at"], FMT)
                              - datetime.strptime(row["started_at"], FMT)).total_seconds() / 3600)
    mttr = sum(durations) / len(durations)
    mtbf = (365 * 24 - sum(durations)) / len(durations)
    assert got["failures"] == len(durations)
    assert math.isclose(got["mttr_hours"], mttr) and math.isclose(got["mtbf_hours"], mtbf)
    assert math.isclose(got["availability"], mtbf / (mtbf + mttr))


def test_failures_do_not_overlap():
    """SEV1 and SEV2 incidents never overlap, so summed durations are hours of downtime."""
    inc = load("incidents")
    inc = inc[inc["severity"].isin(["SEV1", "SEV2"])].sort_values("started_at")
    assert (inc["started_at"].iloc[1:].to_numpy() >= inc["resolved_at"].iloc[:-1].to_numpy()).all()


# --- Architecture ---------------------------------------------------------------------------------------------
def graph_of(deps: dict) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(deps)
    graph.add_edges_from((m, t) for m, ts in deps.items() for t in ts)
    return graph


def random_deps(rng: random.Random, n: int) -> dict:
    nodes = [f"m{k:02d}" for k in range(n)]
    return {m: sorted({rng.choice(nodes) for _ in range(rng.randint(0, 3))}) for m in nodes}


@pytest.mark.parametrize("seed", range(30))
def test_fan_in_out_and_cycles_match_networkx(seed):
    deps = random_deps(random.Random(seed), random.Random(seed).randint(1, 15))
    graph = graph_of(deps)
    table = architecture.fan_in_out(deps)
    for node in graph:
        assert table.loc[node, "fan_in"] == graph.in_degree(node)
        assert table.loc[node, "fan_out"] == graph.out_degree(node)
    want = sorted(sorted(c) for c in nx.strongly_connected_components(graph)
                  if len(c) > 1 or graph.has_edge(next(iter(c)), next(iter(c))))
    assert architecture.cycles(deps) == want


def test_case_graph_has_exactly_the_cycle_the_lesson_discusses():
    deps = architecture.dependencies(load("modules"))
    graph = graph_of(deps)
    assert [sorted(c) for c in nx.simple_cycles(graph)] == [sorted(casedata_development.CYCLE)]
    assert architecture.cycles(deps) == [sorted(casedata_development.CYCLE)]
    table = architecture.fan_in_out(deps)
    assert table["fan_in"].idxmax() == "storage" and table["fan_out"].idxmax() == "web_app"
    assert set(graph.nodes) == set(deps)  # every dependency names a known module


# --- Explorers ------------------------------------------------------------------------------------------------
def test_forecast_explorer_computes_plots_and_builds():
    from spmcourse.explorers import forecast

    result = forecast.compute_forecast(load("throughput"), remaining=58, history_weeks=26)
    assert result["p85_weeks"] == 17 and result["p85_date"] == pd.Timestamp("2026-05-01")
    fig, ax = plt.subplots()
    forecast.plot_forecast(result, ax)
    assert ax.get_title()
    plt.close(fig)
    box = forecast.build_forecast_explorer()
    box.controls["remaining"].value = 30
    box.controls["history_weeks"].value = 12
    plt.close("all")


def test_dora_explorer_computes_plots_and_builds():
    from spmcourse.explorers import dora

    result = dora.compute_dora(load("deployments"), load("incidents"), "2025-Q4", "Mobile")
    want = dm.dora_metrics(load("deployments"), load("incidents"), "2025-10-01", "2025-12-31", "Mobile")
    assert result["metrics"] == want
    assert result["weekly"].sum() == want["deployments"]
    fig, ax = plt.subplots()
    dora.plot_dora(result, ax)
    assert ax.get_title()
    plt.close(fig)
    box = dora.build_dora_explorer()
    box.controls["period"].value = "2025-Q1"
    box.controls["team"].value = "Integrations"
    plt.close("all")
