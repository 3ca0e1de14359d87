"""Module dependency metrics (module 09): fan-in, fan-out, instability and dependency cycles.

A dependency ``a -> b`` means module ``a`` calls or imports module ``b``. **Fan-out** of a module is the number
of modules it depends on, **fan-in** the number of modules that depend on it (Henry & Kafura 1981 counted
information flows; the course counts module dependencies, as most architecture tools do). **Instability**
``fan_out ÷ (fan_in + fan_out)`` is Robert C. Martin's measure (2003): near 1 the module is easy to change
and depends on much; near 0 many modules lean on it, so changing it is expensive.

A **cycle** is a set of modules that depend on each other in a loop; they cannot be built, tested, released
or replaced one at a time. :func:`cycles` finds them as the strongly connected components with more than one
module (Tarjan 1972).

Examples
--------
>>> deps = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": []}
>>> fan_in_out(deps).loc[["c", "d"]].to_dict("index")
{'c': {'fan_in': 1, 'fan_out': 2, 'instability': 0.6666666666666666}, 'd': {'fan_in': 1, 'fan_out': 0, 'instability': 0.0}}
>>> cycles(deps)
[['a', 'b', 'c']]
"""
from __future__ import annotations

import pandas as pd

__all__ = ["cycles", "dependencies", "fan_in_out"]


def dependencies(modules: pd.DataFrame) -> dict[str, list[str]]:
    """``module -> [modules it depends on]`` from a frame with ``module`` and ``depends_on`` ("a;b", or empty).

    >>> dependencies(pd.DataFrame({"module": ["x", "y"], "depends_on": ["y", None]}))
    {'x': ['y'], 'y': []}
    """
    result = {}
    for module, text in zip(modules["module"], modules["depends_on"]):
        result[module] = [] if not isinstance(text, str) or not text else [t.strip() for t in text.split(";")]
    return result


def fan_in_out(deps: dict[str, list[str]]) -> pd.DataFrame:
    """Fan-in, fan-out and instability per module (index: module, in the order of ``deps``)."""
    fan_out = {m: len(set(targets)) for m, targets in deps.items()}
    fan_in = {m: 0 for m in deps}
    for targets in deps.values():
        for target in set(targets):
            fan_in[target] = fan_in.get(target, 0) + 1
    frame = pd.DataFrame({"fan_in": pd.Series(fan_in), "fan_out": pd.Series(fan_out)}).fillna(0).astype(int)
    total = frame["fan_in"] + frame["fan_out"]
    frame["instability"] = (frame["fan_out"] / total.where(total > 0)).fillna(0.0)
    frame.index.name = "module"
    return frame


def cycles(deps: dict[str, list[str]]) -> list[list[str]]:
    """The groups of modules caught in dependency cycles (sorted names per group, groups sorted).

    Tarjan's strongly connected components; a module that depends on itself is a group of one.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]
    nodes = list(dict.fromkeys([*deps, *(t for ts in deps.values() for t in ts)]))

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in deps.get(node, []):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1 or node in deps.get(node, []):
                groups.append(sorted(group))

    for node in nodes:
        if node not in index:
            visit(node)
    return sorted(groups)
