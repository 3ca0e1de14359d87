"""Roadmapping: dependency order, critical path, packing work into quarters, and life-cycle stages.

Dependencies are a mapping ``item -> prerequisites`` (the items that must be done first), as built by
:func:`spmcourse.planning.parse_requires`. Nothing here needs a graph library: the algorithms are short enough to
read, and ``tests/content/test_roadmap.py`` checks them against networkx.

Examples
--------
>>> requires = {"A": [], "B": ["A"], "C": ["A"], "D": ["B", "C"]}
>>> topological_order(requires)
['A', 'B', 'C', 'D']
>>> topological_order(requires, key={"A": 0, "B": 2, "C": 1, "D": 3}.get)
['A', 'C', 'B', 'D']
>>> import pandas as pd
>>> cp = critical_path(pd.Series({"A": 2, "B": 5, "C": 1, "D": 3}), requires)
>>> cp.loc["C", "slack"], critical_chain(cp, requires)
(np.float64(4.0), ['A', 'B', 'D'])
"""
from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

Requires = Mapping[str, Iterable[str]]

#: The life-cycle stages in order.
STAGES = ("Introduction", "Growth", "Maturity", "Decline")


class CycleError(ValueError):
    """The dependencies contain a cycle, so no order exists; ``cycle`` lists the items on it."""

    def __init__(self, cycle: list):
        self.cycle = cycle
        super().__init__("the dependencies contain a cycle: " + " -> ".join(map(str, cycle + cycle[:1]))
                         + " (each item needs the next); remove one of these dependencies")


def _graph(requires: Requires, items: Iterable | None = None) -> tuple[list, dict, dict]:
    nodes = list(dict.fromkeys(list(items) if items is not None else list(requires)))
    reqs = {n: list(dict.fromkeys(requires.get(n, ()))) for n in nodes}
    unknown = sorted({str(p) for ps in reqs.values() for p in ps if p not in reqs})
    if unknown:
        raise ValueError(f"prerequisites not among the items: {unknown}")
    dependents: dict = {n: [] for n in nodes}
    for n, ps in reqs.items():
        for p in ps:
            dependents[p].append(n)
    return nodes, reqs, dependents


def find_cycle(requires: Requires) -> list | None:
    """One dependency cycle as a list ``[x0, x1, ...]`` where each item requires the next (and the last requires
    the first), or ``None`` when there is no cycle. Searches from items in sorted order, so the answer is stable.

    >>> find_cycle({"A": ["C"], "B": ["A"], "C": ["B"]})
    ['A', 'C', 'B']
    >>> find_cycle({"A": [], "B": ["A"]}) is None
    True
    """
    nodes, reqs, _ = _graph(requires)
    colour = dict.fromkeys(nodes, 0)                 # 0 unseen, 1 on the current path, 2 finished
    for start in sorted(nodes, key=str):
        if colour[start]:
            continue
        path = [start]
        stacks = [iter(sorted(reqs[start], key=str))]
        colour[start] = 1
        while stacks:
            nxt = next(stacks[-1], None)
            if nxt is None:
                colour[path.pop()] = 2
                stacks.pop()
            elif colour[nxt] == 1:
                return path[path.index(nxt):]
            elif colour[nxt] == 0:
                colour[nxt] = 1
                path.append(nxt)
                stacks.append(iter(sorted(reqs[nxt], key=str)))
    return None


def topological_order(requires: Requires, items: Iterable | None = None,
                      key: Callable | None = None) -> list:
    """Kahn's algorithm (1962): a build order in which every item comes after everything it requires.

    Among the items that are ready (all prerequisites placed), the one with the smallest ``key(item)`` goes next;
    by default the smallest item id. Raises :class:`CycleError` if the dependencies contain a cycle.
    """
    nodes, reqs, dependents = _graph(requires, items)
    sort_key = key or (lambda n: n)
    missing = {n: len(ps) for n, ps in reqs.items()}
    ready = [(sort_key(n), str(n), n) for n in nodes if missing[n] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        *_, n = heapq.heappop(ready)
        order.append(n)
        for d in dependents[n]:
            missing[d] -= 1
            if missing[d] == 0:
                heapq.heappush(ready, (sort_key(d), str(d), d))
    if len(order) < len(nodes):
        left = {n: [p for p in reqs[n] if missing[p] > 0] for n in nodes if missing[n] > 0}
        raise CycleError(find_cycle(left) or sorted(left))
    return order


def inherit_priority(scores: pd.Series, requires: Requires) -> pd.Series:
    """Each item's score raised to the best score of anything that depends on it, directly or indirectly.

    Kahn's algorithm only compares items that are ready, so a low-scoring enabler holds back the valuable item
    that needs it. Letting enablers inherit the priority of what they enable fixes that.

    >>> inherit_priority(pd.Series({"A": 1.0, "B": 5.0, "C": 2.0}), {"B": ["A"]}).to_dict()
    {'A': 5.0, 'B': 5.0, 'C': 2.0}
    """
    order = topological_order(requires, items=scores.index)
    _, _, dependents = _graph(requires, scores.index)
    best = scores.astype(float).to_dict()
    for n in reversed(order):                        # dependents are final before their prerequisites
        best[n] = max([best[n]] + [best[d] for d in dependents[n]])
    return pd.Series(best, name=scores.name).reindex(scores.index)


# --- Critical path ---------------------------------------------------------------------------------------------

def critical_path(duration: pd.Series, requires: Requires) -> pd.DataFrame:
    """The critical path method (Kelley & Walker 1959) on items with ``duration`` and dependencies.

    Forward pass: earliest start ES = latest EF of the prerequisites (0 if none), EF = ES + duration.
    Backward pass: latest finish LF = earliest LS of the dependents (project length if none), LS = LF − duration.
    Slack = LS − ES; ``critical`` marks zero-slack items. Rows in topological order (ties by item id).
    """
    order = topological_order(requires, items=duration.index)
    _, reqs, dependents = _graph(requires, duration.index)
    d = duration.astype(float)
    es: dict = {}
    ef: dict = {}
    for n in order:
        es[n] = max((ef[p] for p in reqs[n]), default=0.0)
        ef[n] = es[n] + d[n]
    length = max(ef.values(), default=0.0)
    lf: dict = {}
    ls: dict = {}
    for n in reversed(order):
        lf[n] = min((ls[s] for s in dependents[n]), default=length)
        ls[n] = lf[n] - d[n]
    out = pd.DataFrame({"duration": d[order], "es": pd.Series(es)[order], "ef": pd.Series(ef)[order],
                        "ls": pd.Series(ls)[order], "lf": pd.Series(lf)[order]})
    out["slack"] = (out["ls"] - out["es"]).round(9)
    out["critical"] = out["slack"].abs() < 1e-9
    out.index.name = duration.index.name
    return out


def critical_chain(schedule: pd.DataFrame, requires: Requires) -> list:
    """One critical path through a :func:`critical_path` table, from a start item to the last finish.

    Follows zero-slack items whose start equals the previous item's finish; where two qualify, the smaller id.
    """
    crit = schedule[schedule["critical"]]
    if crit.empty:
        return []
    _, reqs, dependents = _graph(requires, schedule.index)
    starts = sorted((n for n in crit.index if crit.loc[n, "es"] == 0 and not reqs[n]), key=str)
    chain = [starts[0]]
    length = schedule["ef"].max()
    while crit.loc[chain[-1], "ef"] < length - 1e-9:
        here = crit.loc[chain[-1], "ef"]
        nxt = sorted((s for s in dependents[chain[-1]] if s in crit.index and abs(crit.loc[s, "es"] - here) < 1e-9),
                     key=str)
        chain.append(nxt[0])
    return chain


# --- Packing into quarters -------------------------------------------------------------------------------------

def _pack(effort: pd.Series, capacity, requires: Requires, order: Sequence | None):
    order = list(order) if order is not None else topological_order(requires, items=effort.index)
    reqs = {n: list(requires.get(n, ())) for n in effort.index}
    fixed = not isinstance(capacity, (int, float))
    caps = [float(c) for c in capacity] if fixed else []
    later = len(caps) + 1
    used: list[float] = [0.0] * len(caps)
    placed: dict = {}
    start: dict = {}
    for n in order:
        e = float(effort[n])
        first = max((placed[p] for p in reqs[n] if p in placed), default=1)
        if any(p not in placed for p in reqs[n]):
            raise ValueError(f"{n} comes before one of its prerequisites in the packing order")
        q = first
        while True:
            if fixed and q >= later:
                placed[n], start[n] = later, None
                break
            if not fixed and q > len(caps):
                if e > capacity:
                    raise ValueError(f"{n} needs {e:g} but a quarter holds only {capacity:g}: split it")
                caps.append(float(capacity))
                used.append(0.0)
            if used[q - 1] + e <= caps[q - 1] + 1e-9:
                placed[n], start[n] = q, used[q - 1]
                used[q - 1] += e
                break
            q += 1
    return order, placed, start, caps


def pack_quarters(effort: pd.Series, capacity, requires: Requires, order: Sequence | None = None) -> pd.Series:
    """The quarter (1, 2, ...) of each item when work is packed first-fit into quarters of limited capacity.

    Items are taken in ``order`` (by default the topological order with ties by item id). Each goes into the
    earliest quarter that is no earlier than the quarter of any of its prerequisites and still has room for its
    effort. ``capacity`` is one number for every quarter (the roadmap grows as needed) or a list with one number
    per quarter; with a list, items that fit in none of them get quarter ``len(capacity) + 1`` ("later").

    >>> effort = pd.Series({"A": 5, "B": 4, "C": 3})
    >>> pack_quarters(effort, 8, {"C": ["A"]}).to_dict()
    {'A': 1, 'B': 2, 'C': 1}
    """
    order, placed, _, _ = _pack(effort, capacity, requires, order)
    return pd.Series(placed, name="quarter").reindex(effort.index).astype(int)


def roadmap_table(effort: pd.Series, capacity, requires: Requires, order: Sequence | None = None,
                  theme: pd.Series | None = None) -> pd.DataFrame:
    """The packed roadmap as a timeline: ``quarter``, ``start`` and ``finish`` in quarters from the start of the
    roadmap (items of a quarter one after another, in packing order, scaled by the quarter's capacity) and
    ``theme``. Items that do not fit (``quarter == len(capacity) + 1``) have no start or finish."""
    order, placed, start, caps = _pack(effort, capacity, requires, order)
    rows = []
    for n in order:
        q = placed[n]
        s = None if start[n] is None else q - 1 + start[n] / caps[q - 1]
        f = None if s is None else s + float(effort[n]) / caps[q - 1]
        rows.append({"item": n, "quarter": q, "start": s, "finish": f,
                     "effort": float(effort[n]), "theme": None if theme is None else theme[n]})
    return pd.DataFrame(rows).set_index("item").astype({"start": float, "finish": float})


def quarter_problems(quarters: pd.Series, effort: pd.Series, capacity: float | Sequence[float],
                     requires: Requires) -> list[str]:
    """What is wrong with a quarter plan, as sentences (empty when valid): an item in an earlier quarter than one
    of its prerequisites, or a quarter whose items need more than its capacity."""
    problems = []
    for n, q in quarters.items():
        for p in requires.get(n, ()):
            if p in quarters.index and quarters[p] > q:
                problems.append(f"{n} is planned for a quarter before {p}, which it depends on")
    caps = capacity if not isinstance(capacity, (int, float)) else None
    for q, load in effort.groupby(quarters).sum().items():
        cap = capacity if caps is None else (caps[q - 1] if 1 <= q <= len(caps) else float("inf"))
        if load > cap + 1e-9:
            problems.append(f"quarter {q} holds {load:g} of work, {load - cap:g} over its capacity of {cap:g}")
    return problems


# --- Product life cycle ----------------------------------------------------------------------------------------

def plc_stage(growth: float, *, years_on_market: int | None = None, revenue_share: float | None = None,
              intro_years: int = 3, intro_share: float = 0.02, growth_above: float = 0.10,
              decline_below: float = 0.0) -> str:
    """The life-cycle stage of a product line from its yearly revenue growth (a fraction: 0.12 is +12 %).

    The course's cut-offs, applied in this order:

    1. Introduction: in its first ``intro_years`` calendar years (the launch year counts as year 1) **and**
       earning less than ``intro_share`` of company revenue (each test applies only if its input is given);
    2. Growth: growth above ``growth_above`` (more than +10 %);
    3. Decline: growth below ``decline_below`` (revenue fell);
    4. Maturity: anything in between, both cut-offs included.

    >>> plc_stage(0.35), plc_stage(0.03), plc_stage(-0.15), plc_stage(2.5, years_on_market=2, revenue_share=0.01)
    ('Growth', 'Maturity', 'Decline', 'Introduction')
    """
    young = years_on_market is None or years_on_market <= intro_years
    small = revenue_share is None or revenue_share < intro_share
    if (years_on_market is not None or revenue_share is not None) and young and small:
        return "Introduction"
    if growth > growth_above:
        return "Growth"
    if growth < decline_below:
        return "Decline"
    return "Maturity"


def plc_table(product_lines: pd.DataFrame, year: int | None = None, **cutoffs) -> pd.DataFrame:
    """Life-cycle stage of every product line in ``year`` (default: the latest year in the table).

    ``product_lines`` has one row per line and year (``product_line``, ``year``, ``revenue_eur``). Growth is the
    revenue of ``year`` over the revenue of the year before, minus 1; ``years_on_market`` counts the line's years
    up to ``year``; ``revenue_share`` is the line's share of all lines' revenue in ``year``. ``cutoffs`` go to
    :func:`plc_stage`. One row per line, in name order.
    """
    year = int(product_lines["year"].max()) if year is None else year
    upto = product_lines[product_lines["year"] <= year]
    revenue = upto.pivot_table(index="product_line", columns="year", values="revenue_eur", aggfunc="sum")
    out = pd.DataFrame({"revenue": revenue[year], "previous": revenue.get(year - 1)})
    out["growth"] = out["revenue"] / out["previous"] - 1
    out["years_on_market"] = upto.groupby("product_line")["year"].nunique()
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    out["stage"] = [plc_stage(g, years_on_market=n, revenue_share=sh, **cutoffs)
                    for g, n, sh in zip(out["growth"].fillna(float("inf")), out["years_on_market"],
                                        out["revenue_share"])]
    return out.sort_index()
