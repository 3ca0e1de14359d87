"""Pipeline explorer (module 10): stage probabilities and a period -> weighted pipeline against quota.

- :func:`compute_pipeline` returns the open deals of a period weighted by stage (plain data);
- :func:`plot_pipeline` draws the weighted pipeline per stage as a stacked bar next to the quota;
- :func:`build_pipeline_explorer` wires probability sliders, a period and a quota to the chart.

Examples
--------
>>> import pandas as pd
>>> deals = pd.DataFrame({"stage": ["Demo", "Proposal", "Closed Won"], "amount_arr": [100.0, 200.0, 50.0],
...                       "close_date": pd.to_datetime(["2026-01-15", "2026-04-02", "2025-12-01"])})
>>> r = compute_pipeline(deals, {"Demo": 0.3, "Proposal": 0.5}, period="2026-Q1", quota=60.0)
>>> r["weighted"], r["unweighted"], round(r["coverage"], 2)
(30.0, 100.0, 0.5)
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from spmcourse import sales
from spmcourse.plots import PALETTE, decorate, euro_axis

#: Periods the explorer offers: a quarter by its expected close dates, or every open deal.
PERIODS = ("2026-Q1", "2026-Q2", "all open")


def _in_period(close: pd.Series, period: str) -> pd.Series:
    if period == "all open":
        return pd.Series(True, index=close.index)
    year, quarter = period.split("-Q")
    return (close.dt.year == int(year)) & (close.dt.quarter == int(quarter))


def compute_pipeline(pipeline: pd.DataFrame, probabilities: dict, *, period: str = "2026-Q1",
                     quota: float = 900_000.0) -> dict:
    """Open deals whose expected ``close_date`` falls in ``period``, weighted by ``probabilities``.

    Returns ``by_stage`` (a DataFrame: deals, unweighted and weighted ARR per open stage), ``weighted``,
    ``unweighted``, ``quota``, ``coverage`` (weighted / quota) and ``raw_coverage`` (unweighted / quota).
    """
    open_deals = pipeline[pipeline["stage"].isin(sales.OPEN_STAGES)]
    chosen = open_deals[_in_period(open_deals["close_date"], period)]
    probs = pd.Series({s: float(probabilities.get(s, 0.0)) for s in sales.OPEN_STAGES})
    grouped = chosen.groupby("stage")["amount_arr"].agg(["size", "sum"]).reindex(list(sales.OPEN_STAGES),
                                                                                   fill_value=0)
    by_stage = pd.DataFrame({"deals": grouped["size"].astype(int), "unweighted": grouped["sum"].astype(float),
                             "probability": probs})
    by_stage["weighted"] = by_stage["unweighted"] * by_stage["probability"]
    weighted, unweighted = float(by_stage["weighted"].sum()), float(by_stage["unweighted"].sum())
    return {"by_stage": by_stage, "weighted": weighted, "unweighted": unweighted, "quota": float(quota),
            "coverage": weighted / quota, "raw_coverage": unweighted / quota, "period": period}


def plot_pipeline(result: dict, ax=None):
    """A stacked bar of the weighted pipeline by stage, the unweighted total, and the quota line."""
    ax = ax if ax is not None else plt.gca()
    table = result["by_stage"]
    bottom = 0.0
    colours = plt.cm.Blues(np.linspace(0.35, 0.9, len(table)))
    for (stage, row), colour in zip(table.iterrows(), colours):
        ax.bar(0, row["weighted"], bottom=bottom, color=colour, width=0.6, label=f"{stage} ({row['probability']:.0%})")
        bottom += row["weighted"]
    ax.bar(1, result["unweighted"], color=PALETTE["light"], width=0.6, label="unweighted")
    ax.axhline(result["quota"], color=PALETTE["bad"], linestyle="--", label="quota")
    ax.set_xticks([0, 1], ["weighted", "unweighted"])
    ax.set_xlim(-0.6, 2.4)
    decorate(ax, title=f"{result['period']}: weighted €{result['weighted']:,.0f} = {result['coverage']:.2f}x quota "
                       f"(unweighted {result['raw_coverage']:.2f}x)", ylabel="ARR", legend=True)
    ax.title.set_fontsize(10)
    ax.legend(loc="upper right", fontsize=8)
    euro_axis(ax, "y", "k")
    return ax


def build_pipeline_explorer(pipeline: pd.DataFrame, probabilities: dict, *, period: str = "2026-Q1",
                            quota: float = 900_000.0):
    """Sliders for each open stage's probability, a period and a quota; returns the container (not shown)."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import columns, explorer_box, plot_output, slider_maker

    style = {"description_width": "110px"}
    layout = widgets.Layout(width="330px")
    slider = slider_maker("110px", "330px")
    controls = {f"p_{s}": widgets.FloatSlider(value=float(probabilities.get(s, 0.0)), min=0, max=1, step=0.05,
                                               description=f"{s}", readout_format=".0%", style=style,
                                               layout=layout, continuous_update=False)
                for s in sales.OPEN_STAGES}
    controls["period"] = widgets.Dropdown(options=list(PERIODS), value=period, description="close in",
                                          style=style, layout=layout)
    controls["quota"] = slider(value=int(quota), min=100_000, max=3_000_000, step=50_000,
                               description="quota (€ ARR)", integer=True)

    def draw(ax, period, quota, **stage_probabilities):
        probs = {name[2:]: value for name, value in stage_probabilities.items()}
        plot_pipeline(compute_pipeline(pipeline, probs, period=period, quota=quota), ax)

    output = plot_output(controls, draw, (7.5, 4.0))
    values = list(controls.values())
    return explorer_box(controls, output, columns(values[:5], values[5:]))
