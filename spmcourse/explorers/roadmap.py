"""Roadmap explorer (module 08): capacity per quarter -> a quarterly roadmap timeline.

Set how many person-weeks each of the next four quarters holds and which score orders the work (optionally
letting enablers inherit the priority of what they enable). The explorer builds the dependency order (Kahn's
algorithm, the best-scoring ready item first, ties by item id), packs the
items first-fit into the quarters (:func:`spmcourse.roadmap.pack_quarters`) and draws a Gantt-like timeline,
one bar per item coloured by theme; items that do not fit go to "later".

Examples
--------
>>> import pandas as pd
>>> backlog = pd.DataFrame({"item_id": ["A", "B", "C"], "theme": ["X", "Y", "X"],
...     "business_value": [8, 3, 5], "time_criticality": [2, 3, 1], "risk_reduction": [1, 1, 2],
...     "job_size": [5, 2, 3], "effort_weeks": [6, 2, 3], "value_eur": [9e4, 2e4, 5e4],
...     "depends_on": [None, None, "B"]})
>>> r = compute_roadmap(backlog, [5, 5, 5, 5])
>>> r["order"], r["table"]["quarter"].to_dict(), r["later"]
(['B', 'C', 'A'], {'B': 1, 'C': 1, 'A': 5}, ['A'])
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch

from spmcourse import planning, roadmap
from spmcourse.explorers.prioritisation import label_rows
from spmcourse.plots import PALETTE, decorate

#: Scores the explorer can order the work by (higher first).
PRIORITIES = ("wsjf", "value per week", "item id")

_THEME_COLOURS = [PALETTE["kestrel"], PALETTE["accent"], PALETTE["good"], PALETTE["bad"], "#8e6bb0",
                  PALETTE["neutral"], "#b8860b"]


def priority_scores(backlog: pd.DataFrame, priority: str = "wsjf") -> pd.Series:
    """The score that breaks ties among ready items (higher first), indexed by item id."""
    items = backlog.set_index("item_id")
    if priority == "wsjf":
        return planning.wsjf(items["business_value"], items["time_criticality"], items["risk_reduction"],
                             items["job_size"])
    if priority == "value per week":
        return planning.value_per_cost(items["value_eur"], items["effort_weeks"])
    if priority == "item id":
        return pd.Series(0.0, index=items.index)
    raise ValueError(f"priority must be one of {PRIORITIES}, not {priority!r}")


def compute_roadmap(backlog: pd.DataFrame, capacities, priority: str = "wsjf", inherit: bool = False) -> dict:
    """Order and pack the backlog. With ``inherit``, enablers take the best score of what depends on them
    (:func:`spmcourse.roadmap.inherit_priority`). Returns ``table`` (:func:`spmcourse.roadmap.roadmap_table`, in
    packing order), ``order``, ``later`` (ids that fit in no quarter), ``load`` (person-weeks used per quarter),
    ``capacities`` and ``titles`` (item id -> title, for the chart's labels)."""
    items = backlog.set_index("item_id")
    requires = planning.parse_requires(items["depends_on"])
    scores = priority_scores(backlog, priority)
    if inherit:
        scores = roadmap.inherit_priority(scores, requires)
    position = {item: k for k, item in enumerate(planning.rank(scores))}
    order = roadmap.topological_order(requires, items=items.index, key=position.get)
    capacities = [float(c) for c in capacities]
    table = roadmap.roadmap_table(items["effort_weeks"], capacities, requires, order, theme=items["theme"])
    later = [i for i in order if table.loc[i, "quarter"] > len(capacities)]
    load = table.groupby("quarter")["effort"].sum().reindex(range(1, len(capacities) + 1), fill_value=0.0)
    return {"table": table, "order": order, "later": later, "load": load, "capacities": capacities,
            "titles": items["title"].to_dict() if "title" in items else {},
            "priority": priority + (", enablers inherit" if inherit else "")}


def plot_roadmap(result: dict, ax=None, first_quarter: str = "2026-Q1"):
    """A Gantt-like timeline: one row per scheduled item, bars inside their quarter, coloured by theme."""
    ax = ax if ax is not None else plt.gca()
    table = result["table"].dropna(subset=["start"]).sort_values(["start"], ascending=False)
    themes = sorted(result["table"]["theme"].dropna().unique())
    colour = {t: _THEME_COLOURS[k % len(_THEME_COLOURS)] for k, t in enumerate(themes)}
    ax.hlines(range(len(table)), table["start"], table["finish"], linewidth=7,     # one collection: fast
              colors=[colour.get(t, PALETTE["neutral"]) for t in table["theme"]])
    titles = result.get("titles", {})
    label_rows(ax, [f"{i} {_short(titles.get(i, ''))}".rstrip() for i in table.index])
    n = len(result["capacities"])
    year, q = int(first_quarter[:4]), int(first_quarter[-1])
    labels = []
    for k in range(n):
        labels.append(f"Q{(q - 1 + k) % 4 + 1} {year + (q - 1 + k) // 4}")
        ax.axvline(k, color=PALETTE["neutral"], linewidth=0.8)
    ax.set_xticks([k + 0.5 for k in range(n)], labels)
    ax.set_xlim(0, n)
    ax.grid(axis="x", visible=False)
    later = result["later"]
    text = "later: " + (", ".join(later) if later else "nothing")
    decorate(ax, title=f"Roadmap by quarter ({len(later)} items later)",
             xlabel=text if len(text) < 110 else text[:107] + "...")
    ax.legend(handles=[Patch(color=colour[t], label=t) for t in themes], loc="upper right", fontsize=7, ncol=2,
              title=f"ordered by {result['priority']}", title_fontsize=7)
    return ax


def _short(title: str, width: int = 26) -> str:
    return title if len(title) <= width else title[: width - 1] + "…"


def build_roadmap_explorer(backlog: pd.DataFrame | None = None, capacity: float = 40.0, inherit: bool = False):
    """Four capacity sliders, a priority choice and an inheritance switch wired to the timeline; returns the
    container (not shown).

    ``backlog`` defaults to the case company's (``casedata.load("backlog")``); ``inherit`` is the switch's
    starting position."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import columns, explorer_box, plot_output, slider_maker

    if backlog is None:
        from spmcourse.casedata import load
        backlog = load("backlog")

    style = {"description_width": "150px"}
    layout = widgets.Layout(width="400px")
    slider = slider_maker("150px", "400px")
    controls = {f"q{k}": slider(value=int(capacity), min=0, max=100, step=2,
                                description=f"quarter {k} (person-weeks)", integer=True) for k in range(1, 5)}
    controls["priority"] = widgets.Dropdown(options=list(PRIORITIES), value="wsjf", description="order by",
                                            style=style, layout=layout)
    controls["inherit"] = widgets.Checkbox(value=inherit, description="enablers inherit the priority of what they enable",
                                           style={"description_width": "initial"}, layout=layout)

    def draw(ax, q1, q2, q3, q4, priority, inherit):
        plot_roadmap(compute_roadmap(backlog, [q1, q2, q3, q4], priority, inherit), ax)

    output = plot_output(controls, draw, (7.5, 6.0))
    quarters = columns([controls[f"q{k}"] for k in (1, 2)], [controls[f"q{k}"] for k in (3, 4)])
    return explorer_box(controls, output, quarters, widgets.HBox([controls["priority"], controls["inherit"]]))
