"""Release planning: prioritisation scores and choosing what goes into a release.

Scores take pandas Series indexed by item id and return a Series with the same index, so they line up with a
backlog table (``backlog.set_index("item_id")``). Release selection is the "next release problem" (Bagnall,
Rayward-Smith & Whittley 2001): choose items that maximise total value within a capacity, where an item may only
go in if everything it depends on goes in too (a 0/1 knapsack with precedence constraints).

Dependencies are a mapping ``item -> prerequisites`` (the items it needs first); :func:`parse_requires` builds it
from a text column such as ``"B03;B11"``.

Examples
--------
>>> import pandas as pd
>>> value = pd.Series({"A": 10, "B": 7, "C": 7})
>>> cost = pd.Series({"A": 5, "B": 4, "C": 3})
>>> rank(value_per_cost(value, cost))
['C', 'A', 'B']
>>> select_release(value, cost, capacity=8, requires={"C": ["B"]})
['B', 'C']
>>> selection_problems(["A", "C"], cost, capacity=8, requires={"C": ["B"]})
['C is selected without B, which it depends on']
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pandas as pd

from spmcourse.roadmap import topological_order

#: Wiegers' default relative weights: benefit, penalty, cost, risk (Wiegers 1999).
WIEGERS_WEIGHTS = {"benefit": 2.0, "penalty": 1.0, "cost": 1.0, "risk": 0.5}

#: The modified Fibonacci scale SAFe uses for the WSJF components and job size.
FIBONACCI = (1, 2, 3, 5, 8, 13, 20)

Requires = Mapping[str, Iterable[str]]


# --- Dependencies ----------------------------------------------------------------------------------------------

def parse_requires(column: pd.Series, sep: str = ";") -> dict[str, tuple[str, ...]]:
    """Turn a text column of prerequisites (``"B03;B11"``, empty or NaN for none) into ``item -> prerequisites``.

    >>> parse_requires(pd.Series({"B01": "", "B02": "B01", "B03": "B01; B02"}))
    {'B01': (), 'B02': ('B01',), 'B03': ('B01', 'B02')}
    """
    out: dict[str, tuple[str, ...]] = {}
    for item, text in column.items():
        if text is None or (isinstance(text, float) and math.isnan(text)) or pd.isna(text):
            out[item] = ()
        else:
            out[item] = tuple(p.strip() for p in str(text).split(sep) if p.strip())
    return out


def ancestors(item: str, requires: Requires) -> set[str]:
    """Everything ``item`` depends on, directly or through other items (not ``item`` itself)."""
    seen: set[str] = set()
    stack = list(requires.get(item, ()))
    while stack:
        p = stack.pop()
        if p not in seen:
            seen.add(p)
            stack.extend(requires.get(p, ()))
    return seen


# --- Scores ----------------------------------------------------------------------------------------------------

def value_per_cost(value: pd.Series, cost: pd.Series) -> pd.Series:
    """Value divided by cost (the cost-value ratio, "bang for the buck")."""
    return (value / cost).rename("value_per_cost")


def cost_of_delay(business_value: pd.Series, time_criticality: pd.Series, risk_reduction: pd.Series) -> pd.Series:
    """SAFe's relative cost of delay: user/business value + time criticality + risk reduction/opportunity enablement."""
    return (business_value + time_criticality + risk_reduction).rename("cost_of_delay")


def wsjf(business_value: pd.Series, time_criticality: pd.Series, risk_reduction: pd.Series,
         job_size: pd.Series) -> pd.Series:
    """Weighted shortest job first, SAFe's relative variant: cost of delay ÷ job size (all on Fibonacci scales).

    >>> wsjf(pd.Series([8]), pd.Series([5]), pd.Series([2]), pd.Series([5])).iloc[0]
    np.float64(3.0)
    """
    return (cost_of_delay(business_value, time_criticality, risk_reduction) / job_size).rename("wsjf")


def cd3(cost_of_delay_per_week: pd.Series, duration_weeks: pd.Series) -> pd.Series:
    """Reinertsen's economic CD3: cost of delay (money per week) ÷ duration (weeks)."""
    return (cost_of_delay_per_week / duration_weeks).rename("cd3")


def rice(reach: pd.Series, impact: pd.Series, confidence: pd.Series, effort: pd.Series) -> pd.Series:
    """Intercom's RICE: reach × impact × confidence ÷ effort (confidence as a fraction, e.g. 0.8).

    >>> rice(pd.Series([400]), pd.Series([2]), pd.Series([0.5]), pd.Series([4])).iloc[0]
    np.float64(100.0)
    """
    return (reach * impact * confidence / effort).rename("rice")


def wiegers(benefit: pd.Series, penalty: pd.Series, cost: pd.Series, risk: pd.Series,
            weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Wiegers' prioritisation matrix (1999).

    value = benefit × w_benefit + penalty × w_penalty; value, cost and risk are turned into percentages of their
    column totals; priority = value% ÷ (cost% × w_cost + risk% × w_risk). Returns a table with ``value``,
    ``value_pct``, ``cost_pct``, ``risk_pct`` and ``priority`` (percentages as fractions of 1).
    """
    w = {**WIEGERS_WEIGHTS, **(weights or {})}
    value = benefit * w["benefit"] + penalty * w["penalty"]
    out = pd.DataFrame({
        "value": value,
        "value_pct": value / value.sum(),
        "cost_pct": cost / cost.sum(),
        "risk_pct": risk / risk.sum(),
    })
    out["priority"] = out["value_pct"] / (out["cost_pct"] * w["cost"] + out["risk_pct"] * w["risk"])
    return out


def rank(scores: pd.Series, *, ascending: bool = False) -> list:
    """Item ids from best to worst score (highest first unless ``ascending``); ties broken by item id.

    >>> rank(pd.Series({"B2": 3.0, "B1": 3.0, "B3": 5.0}))
    ['B3', 'B1', 'B2']
    """
    table = pd.DataFrame({"score": scores.astype(float), "item": scores.index})
    return list(table.sort_values(["score", "item"], ascending=[ascending, True])["item"])


# --- Release selection -----------------------------------------------------------------------------------------

def _check_inputs(value: pd.Series, cost: pd.Series, requires: Requires | None) -> dict[str, tuple[str, ...]]:
    if set(value.index) != set(cost.index):
        raise ValueError("value and cost must be indexed by the same items")
    if (cost <= 0).any():
        raise ValueError("every cost must be positive")
    reqs = {i: tuple(requires.get(i, ())) if requires else () for i in value.index}
    unknown = {p for ps in reqs.values() for p in ps if p not in reqs}
    if unknown:
        raise ValueError(f"prerequisites not among the items: {sorted(unknown)}")
    return reqs


def select_greedy(value: pd.Series, cost: pd.Series, capacity: float, requires: Requires | None = None,
                  ranking: Iterable | None = None) -> list:
    """The greedy heuristic: walk down a ranking (by default value per cost, ties by id), taking items that fit.

    With ``requires``, an item is taken together with any prerequisites not yet in the release, if that bundle
    fits; without it, dependencies are ignored (the common trap). Fast, but not optimal in general.
    """
    reqs = _check_inputs(value, cost, requires)
    chosen: set = set()
    used = 0.0
    for item in (rank(value_per_cost(value, cost)) if ranking is None else ranking):
        if item in chosen:
            continue
        bundle = ({item} | ancestors(item, reqs)) - chosen
        extra = float(sum(cost[b] for b in bundle))
        if used + extra <= capacity + 1e-9:
            chosen |= bundle
            used += extra
    return sorted(chosen)


def select_release(value: pd.Series, cost: pd.Series, capacity: float, requires: Requires | None = None,
                   include: Iterable = ()) -> list:
    """An optimal release: the items of greatest total value whose cost fits ``capacity`` and that include every
    prerequisite of every chosen item (0/1 knapsack with precedence; exact, by branch and bound).

    ``include`` lists commitments (a regulatory deadline, a signed contract): they and their prerequisites go in
    first, and the rest of the capacity is optimised. Where several selections reach the optimum, the one found
    first is returned (the search tries including each item, in dependency order, before leaving it out).
    Returns sorted item ids.
    """
    reqs = _check_inputs(value, cost, requires)
    fixed = set(include)
    for item in list(fixed):
        fixed |= ancestors(item, reqs)
    if fixed:
        room = capacity - float(cost[list(fixed)].sum())
        if room < -1e-9:
            raise ValueError(f"the commitments alone cost {capacity - room:g}, more than the capacity of {capacity:g}")
        rest = [i for i in value.index if i not in fixed]
        rest_reqs = {i: [p for p in reqs[i] if p not in fixed] for i in rest}
        return sorted(fixed | set(select_release(value[rest], cost[rest], room, rest_reqs)))
    order = topological_order(reqs)                 # prerequisites are decided before their dependents
    pos = {item: k for k, item in enumerate(order)}
    val = [float(value[i]) for i in order]
    cst = [float(cost[i]) for i in order]
    pre = [[pos[p] for p in reqs[i]] for i in order]
    dependents: list[list[int]] = [[] for _ in order]
    for k, ps in enumerate(pre):
        for p in ps:
            dependents[p].append(k)
    # Items by value density for the fractional (LP-relaxation) bound; items of no value never raise the bound.
    by_ratio = sorted((k for k in range(len(order)) if val[k] > 0), key=lambda k: (-val[k] / cst[k], k))

    n = len(order)
    state = [0] * n                                  # 0 undecided, 1 in, -1 out (or blocked)
    best = {"value": -1.0, "set": []}
    eps = 1e-9

    def bound(room: float) -> float:
        total = 0.0
        for k in by_ratio:
            if state[k] == 0:
                if cst[k] <= room:
                    room -= cst[k]
                    total += val[k]
                else:
                    return total + val[k] * room / cst[k]
        return total

    def block(k: int, changed: list[int]) -> None:
        stack = [k]
        while stack:
            j = stack.pop()
            if state[j] == 0:
                state[j] = -1
                changed.append(j)
                stack.extend(dependents[j])

    def search(k: int, used: float, got: float) -> None:
        while k < n and state[k] != 0:
            k += 1
        if got > best["value"] + eps:
            best.update(value=got, set=[order[j] for j in range(n) if state[j] == 1])
        if k == n or got + bound(capacity - used) <= best["value"] + eps:
            return                                   # nothing below this node can do strictly better
        if used + cst[k] <= capacity + eps and all(state[p] == 1 for p in pre[k]):
            state[k] = 1
            search(k + 1, used + cst[k], got + val[k])
            state[k] = 0
        changed: list[int] = []
        block(k, changed)                            # leaving k out leaves out everything that needs it
        search(k + 1, used, got)
        for j in changed:
            state[j] = 0

    search(0, 0.0, 0.0)
    return sorted(best["set"])


# --- Validity checks -------------------------------------------------------------------------------------------

def selection_problems(selection: Iterable, cost: pd.Series, capacity: float,
                       requires: Requires | None = None) -> list[str]:
    """What is wrong with a proposed release, as sentences (empty when it is valid).

    Checks: every item is known and listed once; total cost within ``capacity``; every prerequisite of a chosen
    item is chosen too.
    """
    chosen = list(selection)
    problems: list[str] = []
    unknown = [i for i in chosen if i not in cost.index]
    if unknown:
        problems.append(f"{', '.join(map(str, unknown))} {'is' if len(unknown) == 1 else 'are'} not in the backlog")
    dupes = sorted({str(i) for i in chosen if chosen.count(i) > 1})
    if dupes:
        problems.append(f"{', '.join(dupes)} {'is' if len(dupes) == 1 else 'are'} listed more than once")
    known = [i for i in dict.fromkeys(chosen) if i in cost.index]
    total = float(cost[known].sum()) if known else 0.0
    if total > capacity + 1e-9:
        problems.append(f"the selection costs {total:g}, which is {total - capacity:g} over the capacity of {capacity:g}")
    if requires:
        inside = set(known)
        for item in known:
            for p in requires.get(item, ()):
                if p not in inside:
                    problems.append(f"{item} is selected without {p}, which it depends on")
    return problems


def order_problems(order: Iterable, items: Iterable, requires: Requires) -> list[str]:
    """What is wrong with a proposed build order, as sentences (empty when it is valid).

    A valid order lists every item exactly once and puts every item after everything it depends on.
    """
    seq = list(order)
    expected = list(items)
    problems: list[str] = []
    dupes = sorted({str(i) for i in seq if seq.count(i) > 1})
    if dupes:
        problems.append(f"{', '.join(dupes)} {'appears' if len(dupes) == 1 else 'appear'} more than once")
    missing = [i for i in expected if i not in set(seq)]
    if missing:
        problems.append(f"{len(missing)} item(s) are missing from the order")
    extra = [i for i in seq if i not in set(expected)]
    if extra:
        problems.append(f"{', '.join(map(str, extra))} {'is' if len(extra) == 1 else 'are'} not in the backlog")
    where = {}
    for k, item in enumerate(seq):
        where.setdefault(item, k)
    for item in seq:
        for p in requires.get(item, ()):
            if p in where and where[p] > where[item]:
                problems.append(f"{item} is scheduled before {p}, which it depends on")
    return list(dict.fromkeys(problems))
