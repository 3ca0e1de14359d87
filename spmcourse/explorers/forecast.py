"""Delivery-forecast explorer (module 09): backlog size and throughput history -> completion-date distribution.

Choose how many items remain and how many recent weeks of throughput to resample. The explorer runs the
seeded Monte Carlo forecast (:func:`spmcourse.delivery_metrics.monte_carlo_weeks`), draws the distribution of
completion dates and marks the 50th, 85th and 95th percentiles.

Examples
--------
>>> import pandas as pd
>>> history = pd.DataFrame({"week_start": pd.date_range("2025-01-06", periods=4, freq="7D"),
...                         "items_done": [4, 4, 4, 4]})
>>> r = compute_forecast(history, remaining=10, history_weeks=4, start="2026-01-05")
>>> r["p50_weeks"], r["p85_weeks"], r["p85_date"].date()
(3, 3, datetime.date(2026, 1, 23))
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from spmcourse import delivery_metrics as dm
from spmcourse.plots import PALETTE, decorate

#: The first week of the forecast: Monday 5 January 2026.
FORECAST_START = "2026-01-05"


def compute_forecast(throughput: pd.DataFrame, remaining: int = 58, history_weeks: int = 26,
                     start: str = FORECAST_START, trials: int = dm.FORECAST_TRIALS,
                     seed: int = dm.FORECAST_SEED) -> dict:
    """Forecast from the last ``history_weeks`` rows of ``throughput`` (column ``items_done``).

    Returns ``weeks`` (one number per trial), ``history`` (the throughputs used), the percentiles
    ``p50_weeks``, ``p85_weeks``, ``p95_weeks`` and the matching Friday dates ``p50_date`` … ``p95_date``,
    plus ``remaining`` and ``start``.
    """
    history = throughput.sort_values("week_start")["items_done"].to_numpy()[-int(history_weeks):]
    weeks = dm.monte_carlo_weeks(history, int(remaining), trials=trials, seed=seed)
    result = {"weeks": weeks, "history": history, "remaining": int(remaining), "start": pd.Timestamp(start)}
    for q in (50, 85, 95):
        n = dm.weeks_percentile(weeks, q / 100)
        result[f"p{q}_weeks"] = n
        result[f"p{q}_date"] = dm.forecast_date(start, n)
    return result


def plot_forecast(result: dict, ax=None, promise: str | None = "2026-04-03"):
    """Histogram of completion weeks with the percentile dates; ``promise`` marks a date under discussion."""
    ax = ax if ax is not None else plt.gca()
    weeks = result["weeks"]
    values, counts = np.unique(weeks, return_counts=True)
    ax.bar(values, counts / counts.sum() * 100, color=PALETTE["light"], edgecolor=PALETTE["kestrel"], width=0.8)
    for q, colour in ((50, PALETTE["neutral"]), (85, PALETTE["accent"]), (95, PALETTE["bad"])):
        n = result[f"p{q}_weeks"]
        ax.axvline(n, color=colour, linewidth=1.8, zorder=3, label=f"{q} %: {result[f'p{q}_date']:%d %b %Y} (week {n})")
    if promise is not None:
        n = (pd.Timestamp(promise) - result["start"]).days // 7 + 1
        share = float((weeks <= n).mean())
        ax.axvline(n, color=PALETTE["kestrel"], linestyle="--",
                   label=f"promise {pd.Timestamp(promise):%d %b}: {share:.0%} of trials")
    decorate(ax, title=f"When will {result['remaining']} items be done? "
                       f"({len(result['history'])} weeks of history)",
             xlabel=f"weeks from {result['start']:%d %b %Y}", ylabel="share of trials (%)")
    ax.legend(fontsize=8, loc="upper right")
    return ax


def build_forecast_explorer(throughput: pd.DataFrame | None = None):
    """Sliders for the remaining items and the weeks of history, wired to the forecast plot; returns the
    container (not shown). ``throughput`` defaults to ``casedata.load("throughput")``."""
    from spmcourse.explorers._widgets import explorer_box, plot_output, slider_maker

    if throughput is None:
        from spmcourse.casedata import load
        throughput = load("throughput")
    slider = slider_maker("170px", "450px")
    controls = {
        "remaining": slider(value=58, min=5, max=150, step=1, description="items remaining", integer=True),
        "history_weeks": slider(value=len(throughput), min=4, max=len(throughput), step=1,
                                description="weeks of history used", integer=True),
    }

    def draw(ax, remaining, history_weeks):
        plot_forecast(compute_forecast(throughput, remaining, history_weeks), ax)

    output = plot_output(controls, draw, (7.5, 4.0))
    return explorer_box(controls, output, controls["remaining"], controls["history_weeks"])
