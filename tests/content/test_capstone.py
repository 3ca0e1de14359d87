"""The capstone (module 12): the combining helpers (spmcourse.capstone) agree with independent re-computations
(numpy-financial for the business case, networkx for the dependency order, a separate first-fit packer and a
brute-force search for the scope cut, plain loops for scores, prices and gates), the care datasets have the
properties the lesson and the assignment rely on, and the launch explorer computes, plots and reacts."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy_financial as npf  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from spmcourse import capstone, casedata  # noqa: E402
from spmcourse.explorers import capstone as explorer  # noqa: E402

CAPACITY, START = 20.0, "2026Q3"


@pytest.fixture(scope="module")
def data():
    names = ["perceptions", "entry_markets", "care_buyer_needs", "care_price_test", "care_plan", "care_risks",
             "care_work", "care_launch_gates"]
    return {n: casedata.load(n) for n in names}


# --- positioning -------------------------------------------------------------------------------------------------
def _scores_by_hand(perceptions, needs):
    weights = dict(zip(needs["attribute"], needs["weight"]))
    return {row["vendor"]: sum(row[a] * w for a, w in weights.items()) for _, row in perceptions.iterrows()}


def test_weighted_scores_by_hand_and_the_story(data):
    needs = data["care_buyer_needs"]
    assert needs["weight"].sum() == pytest.approx(1.0)
    got = capstone.weighted_scores(data["perceptions"], needs.set_index("attribute")["weight"])
    by_hand = _scores_by_hand(data["perceptions"], needs)
    assert got.to_dict() == pytest.approx(by_hand)
    assert list(got.index[:3]) == ["Timberline WFM", "Planwerk", "Kestrel Software"]
    equal = data["perceptions"].set_index("vendor")[list(needs["attribute"])].mean(axis=1)
    assert equal.idxmax() == "Kestrel Software"  # the weights change the ranking: that is the lesson's point


def test_weighted_gap_differs_from_the_raw_gap(data):
    weights = data["care_buyer_needs"].set_index("attribute")["weight"]
    gaps = capstone.weighted_gaps(data["perceptions"], weights, "Kestrel Software", "Timberline WFM")
    ratings = data["perceptions"].set_index("vendor")
    raw = ratings.loc["Timberline WFM", weights.index] - ratings.loc["Kestrel Software", weights.index]
    assert gaps.idxmax() == "scheduling_depth" and raw.idxmax() == "data_control"
    assert gaps["ease_of_use"] < 0  # Kestrel's differentiator against the leader


# --- pricing -----------------------------------------------------------------------------------------------------
def test_best_prices_by_brute_force(data):
    test = data["care_price_test"]
    share = test["would_buy"] / test["respondents"]
    table = capstone.price_table(test["price_per_seat_month"], share, 1.5)
    rows = list(zip(test["price_per_seat_month"], share))
    assert capstone.best_price(table, "revenue_index") == max(rows, key=lambda r: r[0] * r[1])[0] == 9.0
    assert capstone.best_price(table) == max(rows, key=lambda r: (r[0] - 1.5) * r[1])[0] == 11.0
    assert share.is_monotonic_decreasing
    assert float(data["care_plan"]["price_per_seat_month"].iloc[0]) == 11.0


# --- business case -----------------------------------------------------------------------------------------------
def test_plan_flows_agree_with_numpy_financial(data):
    plan = data["care_plan"]
    flows = capstone.plan_flows(plan)["net_cash_flow"].to_numpy()
    by_hand = (plan["seats"] * plan["price_per_seat_month"] * 12
               - plan[list(capstone.COST_COLUMNS)].sum(axis=1)).to_numpy()
    assert flows == pytest.approx(by_hand)
    assert npf.npv(0.10, flows) == pytest.approx(2_091_434.85, abs=0.01)
    assert npf.irr(flows) == pytest.approx(0.36026, abs=1e-4)
    cumulative = by_hand.cumsum()
    year = int((cumulative < 0).sum())  # the first year with a non-negative cumulative flow
    assert year - 1 + (-cumulative[year - 1]) / by_hand[year] == pytest.approx(3.2748, abs=1e-4)


def test_delay_and_price_change_move_the_flows(data):
    plan = data["care_plan"]
    late = capstone.plan_flows(plan, delay_years=0.25)
    assert late.loc[1, "seats"] == pytest.approx(2700 * 0.75)  # three quarters of the way from 0 to 2,700
    assert late["total_cost"].equals(capstone.plan_flows(plan)["total_cost"])
    more = capstone.plan_flows(plan, seat_factor=2.0, unit_cost=1.5)
    assert more.loc[5, "total_cost"] - 1_030_000 == pytest.approx(27_000 * 1.5 * 12)


def test_the_plan_fits_the_obtainable_market(data):
    care = data["entry_markets"].set_index("vertical").loc["home care"]
    som = care["organisations"] * care["seats_per_organisation"] * 11 * 12 * care["serviceable_share"] \
        * care["obtainable_share"]
    revenue = capstone.plan_flows(data["care_plan"])["revenue"]
    assert som == pytest.approx(4_573_800)
    assert revenue.loc[3] / som == pytest.approx(0.42857, abs=1e-5)
    assert (care["market_revenue_2025_eur"] / care["market_revenue_2022_eur"]) ** (1 / 3) - 1 > 0.08


# --- risk --------------------------------------------------------------------------------------------------------
def test_risk_plan_by_hand(data):
    table = capstone.risk_plan(data["care_risks"]).set_index("risk_id")
    funded, residual, cost = [], 0.0, 0.0
    for row in data["care_risks"].itertuples():
        before, after = row.probability * row.impact_eur, row.probability_after * row.impact_after_eur
        fund = (before - after) / row.mitigation_cost_eur > 1 or bool(row.mandatory)
        funded += [row.risk_id] if fund else []
        residual += after if fund else before
        cost += row.mitigation_cost_eur if fund else 0
    assert sorted(table.index[table["funded"]]) == funded == ["C1", "C2", "C3", "C5"]
    assert table["residual"].sum() == pytest.approx(residual) == pytest.approx(317_000)
    assert cost == 240_000
    assert table.loc["C1", "leverage"] < 1 and table.loc["C1", "mandatory"]  # the trap of a leverage-only rule
    npv = npf.npv(0.10, capstone.plan_flows(data["care_plan"])["net_cash_flow"])
    assert capstone.risk_adjusted_npv(npv, cost, residual, 0.10) == pytest.approx(npv - 240_000 - 317_000 / 1.1)


# --- roadmap -----------------------------------------------------------------------------------------------------
def _first_fit(work: pd.DataFrame, drop=()) -> dict:
    """A separate first-fit packer: networkx's lexicographic topological order, quarters of 20 person-weeks."""
    crit = work[work["launch_critical"] & ~work["item_id"].isin(list(drop))].set_index("item_id")
    graph = nx.DiGraph()
    graph.add_nodes_from(crit.index)
    for item, deps in crit["depends_on"].fillna("").items():
        graph.add_edges_from((d, item) for d in deps.split(";") if d in crit.index)
    used, placed = {}, {}
    for item in nx.lexicographical_topological_sort(graph):
        q = max([placed[p] for p in graph.predecessors(item)], default=1)
        while used.get(q, 0) + crit.loc[item, "effort_weeks"] > CAPACITY:
            q += 1
        used[q] = used.get(q, 0) + crit.loc[item, "effort_weeks"]
        placed[item] = q
    return placed


def test_launch_ready_quarter_agrees_with_a_separate_packer(data):
    work = data["care_work"]
    assert max(_first_fit(work).values()) == 3
    assert capstone.launch_ready_quarter(work, CAPACITY, START) == "2027Q1"
    assert work.loc[work["launch_critical"], "effort_weeks"].sum() == 43  # three more than two quarters hold


def test_cut_candidates_by_brute_force(data):
    work, risks = data["care_work"], data["care_risks"]
    crit = work[work["launch_critical"]]
    needed = {d for deps in crit["depends_on"].fillna("") for d in deps.split(";") if d}
    mandatory = set(risks.loc[risks["mandatory"], "risk_id"])
    expected = [i for i in crit["item_id"] if i not in needed
                and crit.set_index("item_id").loc[i, "mitigates"] not in mandatory
                and max(_first_fit(work, drop=[i]).values()) <= 2]
    got = capstone.cut_candidates(work, risks, CAPACITY, START, "2026Q4")
    assert sorted(got.index) == sorted(expected) == ["W03", "W06", "W08"]
    assert got.index[0] == "W08"
    # the trap: the leaf with the lowest pilot need that is not mandatory does not make the rest fit
    assert max(_first_fit(work, drop=["W07"]).values()) == 3


def test_quarter_label():
    assert [capstone.quarter_label("2026Q3", n) for n in (1, 2, 3, 6)] == ["2026Q3", "2026Q4", "2027Q1", "2027Q4"]


# --- launch ------------------------------------------------------------------------------------------------------
def test_failing_gates_by_hand(data):
    gates = data["care_launch_gates"]
    by_hand = [g.gate_id for g in gates.itertuples()
               if not (g.at_review >= g.target if g.rule == "at least" else g.at_review <= g.target)]
    assert capstone.failing_gates(gates) == by_hand == ["G2", "G6"]
    assert gates.set_index("gate_id").loc["G2", "must"] and not gates.set_index("gate_id").loc["G6", "must"]


@pytest.mark.parametrize("growth, adjusted, within, failed, expected", [
    (0.09, 1.0, True, ["G2"], "launch after fixes"),
    (0.09, 1.0, True, [], "launch"),
    (0.07, 1.0, True, [], "do not launch"),
    (0.09, 0.0, True, [], "do not launch"),
    (0.09, 1.0, False, [], "do not launch"),
])
def test_decide(growth, adjusted, within, failed, expected):
    assert capstone.decide(market_growth=growth, risk_adjusted_npv=adjusted, plan_within_som=within,
                           failed_must_gates=failed) == expected


# --- explorer ----------------------------------------------------------------------------------------------------
def test_explorer_computes_and_plots(data):
    at_plan = explorer.compute_launch_case(data, 11.0, 1.0, 0, 0.10)
    assert at_plan["npv"] == pytest.approx(2_091_434.85, abs=0.01)
    assert at_plan["decision"] == "launch after fixes"
    assert explorer.compute_launch_case(data, 9.0, 1.0, 0, 0.10)["npv"] < at_plan["npv"]  # €9 earns less
    assert explorer.compute_launch_case(data, 11.0, 0.7, 0, 0.10)["decision"] == "do not launch"
    fig, ax = plt.subplots()
    explorer.plot_launch_case(at_plan, ax)
    assert "launch after fixes" in ax.get_title() and len(ax.patches) == 6
    plt.close(fig)


def test_explorer_builder_reacts_to_its_controls(data, capsys):
    box = explorer.build_launch_explorer(data)
    assert set(box.controls) == {"price", "volume", "delay_quarters", "discount_rate"}
    capsys.readouterr()
    box.controls["delay_quarters"].value = 2
    box.controls["volume"].value = 0.6
    assert capsys.readouterr().out.count("Figure") == 2
    plt.close("all")
