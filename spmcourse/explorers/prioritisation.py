"""Prioritisation explorer (module 08): weights on the cost-of-delay components -> ranking and chosen release.

Move the weights of business value, time criticality and risk reduction and the release capacity; the explorer
ranks the backlog by weighted WSJF (weighted cost of delay ÷ job size) and picks two releases within the
capacity (in person-weeks of ``effort_weeks``): the greedy one that walks down the ranking, and the optimal one
that maximises the total weighted cost of delay with every dependency respected
(:func:`spmcourse.planning.select_release`). With all weights at 1 the score is SAFe's WSJF.

Examples
--------
>>> import pandas as pd
>>> backlog = pd.DataFrame({"item_id": ["A", "B", "C"], "business_value": [8, 3, 5],
...     "time_criticality": [2, 3, 1], "risk_reduction": [1, 1, 2], "job_size": [5, 2, 3],
...     "effort_weeks": [6, 2, 3], "depends_on": [None, None, "B"]})
>>> r = compute_prioritisation(backlog, capacity=5)
>>> r["ranking"], r["release"], r["greedy"]
(['B', 'C', 'A'], ['B', 'C'], ['B', 'C'])
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from spmcourse import planning
from spmcourse.plots import PALETTE, decorate


def compute_prioritisation(backlog: pd.DataFrame, w_value: float = 1.0, w_time: float = 1.0,
                           w_risk: float = 1.0, capacity: float = 40.0) -> dict:
    """Score, rank and select. Returns ``table`` (per item: ``cod``, ``score``, ``rank``, ``in_release``,
    ``in_greedy``, ``effort_weeks``, sorted best first), ``ranking``, ``release`` and ``greedy`` (sorted ids),
    and the totals ``release_cod``, ``greedy_cod``, ``release_weeks``, ``greedy_weeks``."""
    items = backlog.set_index("item_id")
    requires = planning.parse_requires(items["depends_on"])
    cod = (w_value * items["business_value"] + w_time * items["time_criticality"]
           + w_risk * items["risk_reduction"]).astype(float)
    score = cod / items["job_size"]
    ranking = planning.rank(score)
    effort = items["effort_weeks"].astype(float)
    release = planning.select_release(cod, effort, capacity, requires)
    greedy = planning.select_greedy(cod, effort, capacity, requires, ranking=ranking)
    table = pd.DataFrame({"cod": cod, "score": score, "effort_weeks": effort}).loc[ranking]
    table["rank"] = range(1, len(table) + 1)
    table["in_release"] = table.index.isin(release)
    table["in_greedy"] = table.index.isin(greedy)
    return {"table": table, "ranking": ranking, "release": release, "greedy": greedy, "capacity": capacity,
            "release_cod": float(cod[release].sum()), "greedy_cod": float(cod[greedy].sum()),
            "release_weeks": float(effort[release].sum()), "greedy_weeks": float(effort[greedy].sum()),
            "weights": (w_value, w_time, w_risk)}


def plot_prioritisation(result: dict, ax=None, top: int = 30):
    """Horizontal bars of the score, best at the top; the optimal release in blue, the greedy picks marked."""
    ax = ax if ax is not None else plt.gca()
    table = result["table"].head(top).iloc[::-1]
    colours = [PALETTE["kestrel"] if r else PALETTE["light"] for r in table["in_release"]]
    y = np.arange(len(table))
    ax.hlines(y, 0, table["score"], colors=colours, linewidth=7)      # one collection: fast to redraw
    label_rows(ax, [f"{i} ({w:g} wk)" for i, w in zip(table.index, table["effort_weeks"])])
    greedy = table["in_greedy"].to_numpy()
    ax.plot(table["score"][greedy] + table["score"].max() * 0.03, y[greedy], "o", color=PALETTE["accent"],
            markersize=4, label="greedy pick (down the ranking)")
    ax.set_xlim(0, table["score"].max() * 1.08)
    w = result["weights"]
    decorate(ax, title=(f"Optimal: cost of delay {result['release_cod']:g} in {result['release_weeks']:g} wk · "
                        f"greedy: {result['greedy_cod']:g} in {result['greedy_weeks']:g} wk"),
             xlabel=f"score = ({w[0]:g}·value + {w[1]:g}·time + {w[2]:g}·risk) ÷ job size")
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(handles=[Patch(color=PALETTE["kestrel"], label="optimal release"), *handles], loc="lower right",
              fontsize=8)
    return ax


def label_rows(ax, labels: list[str], fontsize: float = 7) -> None:
    """Label rows 0, 1, ... of a horizontal chart left of the axis, with plain text instead of tick labels
    (many ticks are slow to build, and the explorers redraw on every change)."""
    ax.set_yticks([])
    ax.set_ylim(-0.7, len(labels) - 0.3)
    ax.grid(axis="y", visible=False)
    transform = ax.get_yaxis_transform()                # x in axes fraction, y in data
    for k, label in enumerate(labels):
        ax.text(-0.01, k, label, transform=transform, ha="right", va="center", fontsize=fontsize)


def build_prioritisation_explorer(backlog: pd.DataFrame | None = None, capacity: float = 40.0):
    """Weight and capacity sliders wired to the ranking chart; returns the container (not displayed).

    ``backlog`` defaults to the case company's (``casedata.load("backlog")``)."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import explorer_box, plot_output, slider_maker

    if backlog is None:
        from spmcourse.casedata import load
        backlog = load("backlog")

    slider = slider_maker("150px", "400px")

    def weight(description):
        return slider(value=1.0, min=0.0, max=3.0, step=0.5, description=description)

    controls = {
        "w_value": weight("weight: business value"),
        "w_time": weight("weight: time criticality"),
        "w_risk": weight("weight: risk reduction"),
        "capacity": slider(value=capacity, min=10, max=120, step=2, description="capacity (person-weeks)"),
    }

    def draw(ax, w_value, w_time, w_risk, capacity):
        plot_prioritisation(compute_prioritisation(backlog, w_value, w_time, w_risk, capacity), ax)

    output = plot_output(controls, draw, (7.5, 6.0))
    return explorer_box(controls, output, widgets.VBox(list(controls.values())))
