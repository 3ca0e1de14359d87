"""Release planning (spmcourse.planning) agrees with independent implementations: exhaustive search over every
subset on small random backlogs, and a dynamic programme over the case backlog; the scores follow their published
formulas; the validity checks name what is wrong; the prioritisation explorer computes, plots and wires its
controls."""
from __future__ import annotations

import importlib
import itertools
import math
import random

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from spmcourse import planning  # noqa: E402
from spmcourse.explorers import prioritisation  # noqa: E402


# --- Independent references -----------------------------------------------------------------------------------

def exhaustive_best(value: pd.Series, cost: pd.Series, capacity: float, requires: dict) -> float:
    """The best total value over every subset that fits and is closed under prerequisites."""
    items = list(value.index)
    best = 0.0
    for r in range(len(items) + 1):
        for subset in itertools.combinations(items, r):
            chosen = set(subset)
            if sum(cost[i] for i in subset) > capacity + 1e-9:
                continue
            if any(p not in chosen for i in subset for p in requires.get(i, ())):
                continue
            best = max(best, float(sum(value[i] for i in subset)))
    return best


def dp_best(value: pd.Series, cost: pd.Series, capacity: float, requires: dict) -> float:
    """Dynamic programme over items in a networkx topological order. The state is (cost used, the chosen items
    that later items still depend on); integer-valued costs keep the number of states small."""
    graph = nx.DiGraph()
    graph.add_nodes_from(value.index)
    graph.add_edges_from((p, i) for i, ps in requires.items() for p in ps)
    # Component by component, so that few decided items are still needed later (a small state).
    components = sorted(nx.weakly_connected_components(graph), key=lambda c: sorted(c)[0])
    order = [n for c in components for n in nx.topological_sort(graph.subgraph(c))]
    pos = {n: k for k, n in enumerate(order)}
    last_use = {n: max((pos[d] for d in graph.successors(n)), default=-1) for n in order}
    states = {(0.0, frozenset()): 0.0}
    for k, item in enumerate(order):
        new: dict = {}

        def keep(used, front, val):
            key = (used, frozenset(f for f in front if last_use[f] > k))
            if val > new.get(key, -math.inf):
                new[key] = val

        for (used, front), val in states.items():
            keep(used, front, val)                                   # leave the item out
            if used + cost[item] <= capacity + 1e-9 and all(p in front for p in requires.get(item, ())):
                keep(used + float(cost[item]), front | {item}, val + float(value[item]))
        states = new
    return max(states.values())


def random_backlog(rng: random.Random, n: int):
    items = [f"R{k:02d}" for k in range(n)]
    value = pd.Series({i: float(rng.randint(0, 30)) for i in items})
    cost = pd.Series({i: float(rng.randint(1, 10)) for i in items})
    requires = {i: [items[j] for j in range(k) if rng.random() < 0.25] for k, i in enumerate(items)}
    shuffled = items[:]
    rng.shuffle(shuffled)                       # ids no longer follow the dependency order
    rename = dict(zip(items, shuffled))
    return (value.rename(rename), cost.rename(rename),
            {rename[i]: [rename[p] for p in ps] for i, ps in requires.items()})


# --- Release selection ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(60))
def test_release_is_optimal_against_exhaustive_search(seed):
    rng = random.Random(seed)
    value, cost, requires = random_backlog(rng, rng.randint(1, 12))
    capacity = rng.randint(0, 45)
    chosen = planning.select_release(value, cost, capacity, requires)
    assert planning.selection_problems(chosen, cost, capacity, requires) == []
    assert value[chosen].sum() == pytest.approx(exhaustive_best(value, cost, capacity, requires))


@pytest.mark.parametrize("seed", range(30))
def test_commitments_go_in_first_and_the_rest_is_optimal(seed):
    rng = random.Random(1000 + seed)
    value, cost, requires = random_backlog(rng, rng.randint(2, 11))
    must = rng.choice(list(value.index))
    forced = {must} | planning.ancestors(must, requires)
    capacity = float(cost[list(forced)].sum()) + rng.randint(0, 30)
    chosen = planning.select_release(value, cost, capacity, requires, include=[must])
    assert forced <= set(chosen)
    assert planning.selection_problems(chosen, cost, capacity, requires) == []
    # the same as the best closed subset that contains the commitment: give it an overwhelming value
    boosted = value.copy()
    boosted[must] += 10_000
    assert value[chosen].sum() + 10_000 == pytest.approx(exhaustive_best(boosted, cost, capacity, requires))


def test_commitments_that_do_not_fit_are_refused(backlog, requires):
    with pytest.raises(ValueError, match="commitments alone cost 29"):      # K05 (16) needs K04 (10), K12 (3)
        planning.select_release(backlog["value_eur"], backlog["effort_weeks"], 13, requires, include=["K05"])


@pytest.mark.parametrize("capacity", [0, 1, 5, 10, 20, 25, 30, 40, 55, 80, 120, 210, 300])
def test_release_is_optimal_on_the_case_backlog_against_a_dynamic_programme(backlog, requires, capacity):
    for value in (backlog["value_eur"],
                  planning.cost_of_delay(backlog["business_value"], backlog["time_criticality"],
                                         backlog["risk_reduction"]),
                  backlog["reach"] * backlog["impact"]):
        chosen = planning.select_release(value, backlog["effort_weeks"], capacity, requires)
        assert planning.selection_problems(chosen, backlog["effort_weeks"], capacity, requires) == []
        assert value[chosen].sum() == pytest.approx(dp_best(value, backlog["effort_weeks"], capacity, requires))


@pytest.mark.parametrize("weights", list(itertools.product([0.0, 0.5, 1.0, 3.0], repeat=3)))
def test_release_stays_optimal_for_every_weighting_the_explorer_offers(backlog, requires, weights):
    cod = (weights[0] * backlog["business_value"] + weights[1] * backlog["time_criticality"]
           + weights[2] * backlog["risk_reduction"]).astype(float)
    for capacity in (10, 40, 84):
        chosen = planning.select_release(cod, backlog["effort_weeks"], capacity, requires)
        assert cod[chosen].sum() == pytest.approx(dp_best(cod, backlog["effort_weeks"], capacity, requires))


def test_greedy_is_beaten_on_the_case_backlog_and_ignoring_dependencies_breaks_them(backlog, requires):
    value, effort = backlog["value_eur"], backlog["effort_weeks"]
    greedy = planning.select_greedy(value, effort, 40, requires)
    best = planning.select_release(value, effort, 40, requires)
    assert planning.selection_problems(greedy, effort, 40, requires) == []
    assert value[greedy].sum() < value[best].sum()
    naive = planning.select_greedy(value, effort, 40)
    problems = planning.selection_problems(naive, effort, 40, requires)
    assert any("K05 is selected without K04" in p for p in problems)


def test_release_inputs_are_checked():
    value, cost = pd.Series({"A": 1.0, "B": 2.0}), pd.Series({"A": 1.0, "B": 1.0})
    with pytest.raises(ValueError, match="not among the items"):
        planning.select_release(value, cost, 5, {"A": ["Z"]})
    with pytest.raises(ValueError, match="positive"):
        planning.select_release(value, pd.Series({"A": 0.0, "B": 1.0}), 5)
    assert planning.select_release(value, cost, 0.5) == []


# --- Scores ---------------------------------------------------------------------------------------------------

def test_scores_follow_their_formulas(backlog):
    b = backlog
    w = planning.wsjf(b["business_value"], b["time_criticality"], b["risk_reduction"], b["job_size"])
    assert w["K01"] == pytest.approx((8 + 8 + 5) / 5)
    assert w["K23"] == pytest.approx((1 + 8 + 3) / 1)
    r = planning.rice(b["reach"], b["impact"], b["confidence"], b["effort_weeks"])
    assert r["K05"] == pytest.approx(120 * 3 * 0.5 / 16)
    c = planning.cd3(b["value_eur"] / 52, b["effort_weeks"])
    assert c["K01"] == pytest.approx(180_000 / 52 / 6)
    v = planning.value_per_cost(b["value_eur"], b["effort_weeks"])
    assert v["K05"] == pytest.approx(650_000 / 16)


def test_wiegers_matrix_uses_relative_percentages_and_default_weights():
    table = planning.wiegers(pd.Series({"A": 9, "B": 3}), pd.Series({"A": 3, "B": 1}),
                             pd.Series({"A": 4, "B": 4}), pd.Series({"A": 1, "B": 3}))
    # value A = 9*2 + 3 = 21, B = 7 -> 75 % and 25 %; cost 50 % each; risk 25 % and 75 %
    assert table.loc["A", "value_pct"] == pytest.approx(0.75)
    assert table.loc["A", "priority"] == pytest.approx(0.75 / (0.5 * 1 + 0.25 * 0.5))
    assert table.loc["B", "priority"] == pytest.approx(0.25 / (0.5 * 1 + 0.75 * 0.5))
    custom = planning.wiegers(pd.Series({"A": 1}), pd.Series({"A": 1}), pd.Series({"A": 1}), pd.Series({"A": 1}),
                              weights={"risk": 1.0})
    assert custom.loc["A", "priority"] == pytest.approx(1 / 2)


def test_rank_puts_the_best_first_and_breaks_ties_by_id(backlog):
    w = planning.wsjf(backlog["business_value"], backlog["time_criticality"], backlog["risk_reduction"],
                      backlog["job_size"])
    ranking = planning.rank(w)
    assert ranking[:5] == ["K23", "K30", "K03", "K16", "K01"]
    # the data's deliberate ties come out in id order
    for a, b in (("K11", "K15"), ("K15", "K29"), ("K08", "K19"), ("K25", "K26")):
        assert w[a] == pytest.approx(w[b]) and ranking.index(a) < ranking.index(b)
    assert planning.rank(w, ascending=True)[0] == "K21"


# --- Dependencies and validity checks ---------------------------------------------------------------------------

def test_parse_requires_reads_the_depends_on_column(requires):
    assert requires["K05"] == ("K04", "K12")
    assert requires["K01"] == ()
    assert len(requires) == 30
    assert planning.ancestors("K29", requires) == {"K28", "K01"}


def test_selection_problems_say_what_is_wrong(backlog, requires):
    effort = backlog["effort_weeks"]
    problems = planning.selection_problems(["K05", "K05", "K99", "K07", "K18"], effort, 40, requires)
    assert any("K99 is not in the backlog" in p for p in problems)
    assert any("K05 is listed more than once" in p for p in problems)
    assert any("16 over the capacity of 40" in p for p in problems)         # 16 + 26 + 14 = 56
    assert any("K05 is selected without K04" in p for p in problems)
    assert planning.selection_problems(["K04", "K12", "K05"], effort, 40, requires) == []


def test_order_problems_say_what_is_wrong(backlog, requires):
    items = list(backlog.index)
    by_depth = sorted(items, key=lambda i: len(planning.ancestors(i, requires)))  # fewer ancestors first
    assert planning.order_problems(by_depth, items, requires) == []
    problems = planning.order_problems(items, items, requires)               # id order: K05 before K12
    assert "K05 is scheduled before K12, which it depends on" in problems
    problems = planning.order_problems(items[:-1] + ["K01"], items, requires)
    assert any("K01 appears more than once" in p for p in problems)
    assert any("1 item(s) are missing" in p for p in problems)


# --- Explorer -------------------------------------------------------------------------------------------------

def test_explorer_compute_with_default_weights_is_wsjf(backlog):
    result = prioritisation.compute_prioritisation(backlog.reset_index(), capacity=40)
    w = planning.wsjf(backlog["business_value"], backlog["time_criticality"], backlog["risk_reduction"],
                      backlog["job_size"])
    assert result["ranking"] == planning.rank(w)
    table = result["table"]
    assert list(table.index) == result["ranking"]
    assert result["release_weeks"] <= 40 and result["greedy_weeks"] <= 40
    assert result["release_cod"] >= result["greedy_cod"]
    requires = planning.parse_requires(backlog["depends_on"])
    for chosen in (result["release"], result["greedy"]):
        assert planning.selection_problems(chosen, backlog["effort_weeks"], 40, requires) == []


def test_explorer_weights_change_the_ranking(backlog):
    time_only = prioritisation.compute_prioritisation(backlog.reset_index(), 0, 1, 0, 40)
    assert time_only["ranking"][0] == "K23"          # time criticality 8 for one point of job size
    value_only = prioritisation.compute_prioritisation(backlog.reset_index(), 1, 0, 0, 40)
    assert value_only["ranking"][0] == "K09"         # business value 5 for job size 2 (2.5)


def test_explorer_plot_and_builder(backlog):
    result = prioritisation.compute_prioritisation(backlog.reset_index(), 2, 1, 0.5, 60)
    fig, ax = plt.subplots()
    prioritisation.plot_prioritisation(result, ax)
    assert len(ax.collections[0].get_segments()) == len(backlog)          # one bar per item
    assert len(ax.texts) == len(backlog)                                    # and one label
    assert "Optimal" in ax.get_title()
    plt.close(fig)
    box = prioritisation.build_prioritisation_explorer(backlog.reset_index())
    for name, value in (("w_value", 2.0), ("w_time", 0.0), ("w_risk", 3.0), ("capacity", 80.0)):
        box.controls[name].value = value
        assert box.controls[name].value == value
    assert box.output is not None
    plt.close("all")
    default = prioritisation.build_prioritisation_explorer()    # loads the case backlog itself
    default.controls["capacity"].value = 20.0
    plt.close("all")


# --- Documented examples and independence from networkx -------------------------------------------------------

@pytest.mark.parametrize("name", ['spmcourse.planning', 'spmcourse.explorers.prioritisation'])
def test_the_package_does_not_need_networkx(name):
    """networkx is a test-only dependency: the reference code must not import it."""
    source = importlib.import_module(name).__file__
    text = open(source, encoding="utf-8").read()
    assert "import networkx" not in text and "from networkx" not in text
