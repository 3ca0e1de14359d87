"""Roadmapping (spmcourse.roadmap) agrees with networkx: topological order (with the same tie-break as
networkx's lexicographical sort), cycle detection, and the critical path length; quarter packing keeps its
promises; life-cycle stages follow the stated cut-offs; the roadmap explorer computes, plots and wires its
controls."""
from __future__ import annotations

import importlib
import random

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from spmcourse import planning, roadmap  # noqa: E402
from spmcourse.casedata import load  # noqa: E402
from spmcourse.explorers import roadmap as roadmap_explorer  # noqa: E402


def to_graph(requires: dict) -> nx.DiGraph:
    """Edges point from a prerequisite to the item that needs it."""
    graph = nx.DiGraph()
    graph.add_nodes_from(requires)
    graph.add_edges_from((p, i) for i, ps in requires.items() for p in ps)
    return graph


def random_requires(rng: random.Random, n: int, p: float = 0.2, cycle: bool = False) -> dict:
    items = [f"N{k:02d}" for k in range(n)]
    reqs = {i: [items[j] for j in range(k) if rng.random() < p] for k, i in enumerate(items)}
    if cycle and n >= 2:
        a, b = sorted(rng.sample(range(n), 2))
        if items[a] not in reqs[items[b]]:
            reqs[items[b]].append(items[a])
        reqs[items[a]].append(items[b])                  # b needs a and a needs b: a cycle
    shuffled = items[:]
    rng.shuffle(shuffled)
    rename = dict(zip(items, shuffled))
    return {rename[i]: [rename[q] for q in ps] for i, ps in reqs.items()}


# --- Topological order and cycles -----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(40))
def test_topological_order_matches_networkx(seed):
    rng = random.Random(seed)
    reqs = random_requires(rng, rng.randint(1, 25))
    graph = to_graph(reqs)
    order = roadmap.topological_order(reqs)
    assert sorted(order) == sorted(reqs)
    pos = {n: k for k, n in enumerate(order)}
    assert all(pos[u] < pos[v] for u, v in graph.edges)
    # the same rule (smallest ready id first) is networkx's lexicographical topological sort
    assert order == list(nx.lexicographical_topological_sort(graph))
    priority = {n: rng.random() for n in reqs}
    assert roadmap.topological_order(reqs, key=priority.get) == list(
        nx.lexicographical_topological_sort(graph, key=priority.get))
    assert planning.order_problems(order, reqs, reqs) == []


def test_topological_order_of_the_case_backlog(backlog, requires):
    order = roadmap.topological_order(requires, items=backlog.index)
    assert nx.is_directed_acyclic_graph(to_graph(requires))
    assert order == list(nx.lexicographical_topological_sort(to_graph(requires)))
    assert order.index("K12") < order.index("K05") and order.index("K04") < order.index("K05")


@pytest.mark.parametrize("seed", range(40))
def test_cycles_are_found_exactly_when_networkx_finds_one(seed):
    rng = random.Random(seed)
    reqs = random_requires(rng, rng.randint(2, 20), cycle=seed % 2 == 0)
    graph = to_graph(reqs)
    cycle = roadmap.find_cycle(reqs)
    assert (cycle is None) == nx.is_directed_acyclic_graph(graph)
    if cycle is not None:
        for k, item in enumerate(cycle):                # each item requires the next one
            assert cycle[(k + 1) % len(cycle)] in reqs[item]
        with pytest.raises(roadmap.CycleError) as err:
            roadmap.topological_order(reqs)
        assert err.value.cycle and "cycle" in str(err.value)


def test_a_cycle_added_to_the_case_backlog_is_reported(requires):
    reqs = {**requires, "K01": ("K29",)}            # SSO made to wait for the Teams integration
    assert sorted(roadmap.find_cycle(reqs)) == ["K01", "K28", "K29"]
    with pytest.raises(roadmap.CycleError, match="K01"):
        roadmap.topological_order(reqs)
    assert roadmap.find_cycle({"A": ["A"]}) == ["A"]


def test_unknown_prerequisites_are_refused():
    with pytest.raises(ValueError, match="not among the items"):
        roadmap.topological_order({"A": ["B"]})


# --- Critical path --------------------------------------------------------------------------------------------

def longest_path_networkx(duration: pd.Series, requires: dict) -> tuple[float, list]:
    """Project length as networkx's longest path: each edge weighs the duration of the item it leaves, and
    every item has an edge to an END node."""
    graph = nx.DiGraph()
    for item, ps in requires.items():
        for p in ps:
            graph.add_edge(p, item, weight=float(duration[p]))
        graph.add_edge(item, "END", weight=float(duration[item]))
    path = nx.dag_longest_path(graph, weight="weight")
    return nx.dag_longest_path_length(graph, weight="weight"), [n for n in path if n != "END"]


@pytest.mark.parametrize("seed", range(30))
def test_critical_path_matches_networkx(seed):
    rng = random.Random(seed)
    reqs = random_requires(rng, rng.randint(1, 20), p=0.25)
    duration = pd.Series({n: float(rng.randint(1, 12)) for n in reqs})
    cp = roadmap.critical_path(duration, reqs)
    length, path = longest_path_networkx(duration, reqs)
    assert cp["ef"].max() == pytest.approx(length)
    assert cp.loc[path, "critical"].all()                # networkx's longest path runs through zero slack
    assert (cp["slack"] >= -1e-9).all()
    assert (cp["lf"] - cp["es"] >= cp["duration"] - 1e-9).all()
    chain = roadmap.critical_chain(cp, reqs)
    assert sum(duration[chain]) == pytest.approx(length)
    for a, b in zip(chain, chain[1:]):
        assert a in reqs[b]


def test_critical_path_of_the_case_backlog(backlog, requires):
    cp = roadmap.critical_path(backlog["effort_weeks"], requires)
    length, _ = longest_path_networkx(backlog["effort_weeks"], requires)
    assert cp["ef"].max() == length == 26
    assert sorted(cp.index[cp["critical"]]) == ["K04", "K05", "K07"]   # two critical paths tie
    assert roadmap.critical_chain(cp, requires) == ["K04", "K05"]
    assert cp.loc["K12", "slack"] == 7                                 # K12 (3 wk) may start by week 7
    assert cp.loc["K24", ["es", "ef", "ls", "lf"]].tolist() == [16, 21, 21, 26]


@pytest.mark.parametrize("seed", range(20))
def test_inherited_priority_is_the_best_score_among_descendants(seed):
    rng = random.Random(seed)
    reqs = random_requires(rng, rng.randint(1, 20), p=0.25)
    scores = pd.Series({n: float(rng.randint(0, 50)) for n in reqs})
    graph = to_graph(reqs)
    inherited = roadmap.inherit_priority(scores, reqs)
    for n in reqs:
        assert inherited[n] == max([scores[n]] + [scores[d] for d in nx.descendants(graph, n)])


def test_inherited_priority_brings_the_forecasting_bet_into_the_year(backlog):
    plain = roadmap_explorer.compute_roadmap(backlog.reset_index(), [40] * 4, "wsjf")
    inherited = roadmap_explorer.compute_roadmap(backlog.reset_index(), [40] * 4, "wsjf", inherit=True)
    assert "K05" in plain["later"] and "K05" not in inherited["later"]
    assert inherited["table"].loc["K05", "quarter"] == 3
    assert "inherit" in inherited["priority"]


# --- Quarters -------------------------------------------------------------------------------------------------

def test_quarter_packing_respects_capacity_and_dependencies(backlog, requires):
    effort = backlog["effort_weeks"]
    for caps in ([40, 40, 40, 40], [20, 60, 30, 50], [10, 10, 10, 10], [100, 100, 100, 100]):
        quarters = roadmap.pack_quarters(effort, caps, requires)
        assert roadmap.quarter_problems(quarters, effort, caps, requires) == []
        assert set(quarters) <= set(range(1, len(caps) + 2))
        later = quarters[quarters == len(caps) + 1]
        for item in later.index:                        # nothing "later" would have fitted where it could go
            earliest = max((quarters[p] for p in requires[item]), default=1)
            load = effort.groupby(quarters).sum()
            assert all(load.get(q, 0) + effort[item] > caps[q - 1] for q in range(earliest, len(caps) + 1))


def test_quarter_packing_with_one_capacity_grows_the_roadmap(backlog, requires):
    quarters = roadmap.pack_quarters(backlog["effort_weeks"], 40, requires)
    assert quarters.max() == 6                          # 210 person-weeks need at least six quarters of 40
    assert roadmap.quarter_problems(quarters, backlog["effort_weeks"], 40, requires) == []
    with pytest.raises(ValueError, match="split it"):
        roadmap.pack_quarters(backlog["effort_weeks"], 20, requires)     # K07 alone needs 26


def test_quarter_packing_of_the_case_backlog_in_wsjf_order(backlog, requires):
    w = planning.wsjf(backlog["business_value"], backlog["time_criticality"], backlog["risk_reduction"],
                      backlog["job_size"])
    position = {item: k for k, item in enumerate(planning.rank(w))}
    order = roadmap.topological_order(requires, key=position.get)
    quarters = roadmap.pack_quarters(backlog["effort_weeks"], [40] * 4, requires, order)
    assert sorted(quarters[quarters == 5].index) == ["K04", "K05", "K06", "K07", "K24"]
    assert quarters["K01"] == 1 and quarters["K21"] == 3
    table = roadmap.roadmap_table(backlog["effort_weeks"], [40] * 4, requires, order, theme=backlog["theme"])
    inside = table.dropna(subset=["start"])
    assert ((inside["start"] >= inside["quarter"] - 1) & (inside["finish"] <= inside["quarter"] + 1e-9)).all()


def test_quarter_problems_name_the_violations(backlog, requires):
    effort = backlog["effort_weeks"]
    quarters = pd.Series(1, index=effort.index)
    quarters["K04"] = 2
    problems = roadmap.quarter_problems(quarters, effort, [40] * 4, requires)
    assert "K05 is planned for a quarter before K04, which it depends on" in problems
    assert any(p.startswith("quarter 1 holds 200 of work, 160 over") for p in problems)
    with pytest.raises(ValueError, match="before one of its prerequisites"):
        roadmap.pack_quarters(effort, [40] * 4, requires, order=list(effort.index))


# --- Life cycle -----------------------------------------------------------------------------------------------

def test_life_cycle_stages_follow_the_cut_offs():
    assert roadmap.plc_stage(0.101) == "Growth"
    assert roadmap.plc_stage(0.10) == "Maturity"          # both cut-offs belong to maturity
    assert roadmap.plc_stage(0.0) == "Maturity"
    assert roadmap.plc_stage(-0.001) == "Decline"
    assert roadmap.plc_stage(5.0, years_on_market=3, revenue_share=0.019) == "Introduction"
    assert roadmap.plc_stage(5.0, years_on_market=4, revenue_share=0.01) == "Growth"
    assert roadmap.plc_stage(5.0, years_on_market=2, revenue_share=0.02) == "Growth"


def test_life_cycle_stages_of_the_case_product_lines():
    table = roadmap.plc_table(load("product_lines"))
    assert table["stage"].to_dict() == {"Kestrel Insights": "Introduction", "Kestrel Shifts": "Maturity",
                                        "Kestrel Timeclock": "Decline", "Payroll Connect": "Growth"}
    assert table.loc["Kestrel Shifts", "growth"] == pytest.approx(20_903_847.65 / 19_795_545.9 - 1)
    assert table.loc["Kestrel Insights", "years_on_market"] == 2
    assert table["revenue_share"].sum() == pytest.approx(1.0)


# --- Explorer -------------------------------------------------------------------------------------------------

def test_explorer_compute(backlog, requires):
    result = roadmap_explorer.compute_roadmap(backlog.reset_index(), [40, 40, 40, 40])
    assert planning.order_problems(result["order"], backlog.index, requires) == []
    assert result["later"] == [i for i in result["order"] if i in {"K04", "K05", "K06", "K07", "K24"}]
    assert (result["load"] <= 40).all() and result["load"].sum() == 210 - 63
    by_id = roadmap_explorer.compute_roadmap(backlog.reset_index(), [40] * 4, "item id")
    assert by_id["order"] == roadmap.topological_order(requires, items=backlog.index)
    with pytest.raises(ValueError, match="priority"):
        roadmap_explorer.priority_scores(backlog.reset_index(), "votes")


def test_explorer_plot_and_builder(backlog):
    result = roadmap_explorer.compute_roadmap(backlog.reset_index(), [30, 50, 40, 20], "value per week")
    fig, ax = plt.subplots()
    roadmap_explorer.plot_roadmap(result, ax)
    scheduled = result["table"]["start"].notna().sum()
    bars = ax.collections[0].get_segments()
    assert len(bars) == scheduled == len(ax.texts)
    assert all(0 <= seg[0][0] < seg[1][0] <= 4 for seg in bars)            # inside the four quarters
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"]
    plt.close(fig)
    box = roadmap_explorer.build_roadmap_explorer(backlog.reset_index())
    for name, value in (("q1", 20), ("q2", 60), ("q3", 0), ("q4", 100), ("priority", "item id"),
                        ("inherit", True)):
        box.controls[name].value = value
        assert box.controls[name].value == value
    plt.close("all")
    default = roadmap_explorer.build_roadmap_explorer(inherit=True)     # loads the case backlog itself
    assert default.controls["inherit"].value is True
    default.controls["q1"].value = 10
    plt.close("all")


# --- Documented examples and independence from networkx -------------------------------------------------------

@pytest.mark.parametrize("name", ['spmcourse.roadmap', 'spmcourse.explorers.roadmap'])
def test_the_package_does_not_need_networkx(name):
    """networkx is a test-only dependency: the reference code must not import it."""
    source = importlib.import_module(name).__file__
    text = open(source, encoding="utf-8").read()
    assert "import networkx" not in text and "from networkx" not in text
