"""Cohort explorer (module 03): cohort granularity and segment -> retention heatmap and retention curves.

- :func:`compute_cohorts` returns plain data (the retention table, the size-weighted average curve, cohort sizes);
- :func:`plot_cohorts` draws the heatmap and the curves side by side;
- :func:`build_cohort_explorer` wires a granularity and a segment control to them and returns the container.

Examples
--------
>>> from spmcourse.casedata import load
>>> result = compute_cohorts(load("subscriptions"), load("customers"), freq="Q", segment="SMB")
>>> bool(result["table"].shape[0] == len(result["sizes"]) and result["curve"].iloc[0] == 1.0)
True
"""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
import pandas as pd

from spmcourse import analytics
from spmcourse.plots import PALETTE, decorate

SEGMENTS = ("All", "SMB", "Mid-Market", "Enterprise")
#: The average curve is drawn only for ages that at least this many cohorts have reached.
MIN_COHORTS = 3


def compute_cohorts(subscriptions: pd.DataFrame, customers: pd.DataFrame, *, freq: str = "Q",
                    segment: str = "All") -> dict:
    """Retention table for one granularity (``"M"``/``"Q"``) and segment (``"All"`` or a segment name).

    Returns ``table`` (share retained, cohorts x periods since first, ``NaN`` where not yet observed),
    ``sizes`` (customers per cohort), ``curve`` (average retention per period, weighted by cohort size over the
    cohorts that have reached that period; ``NaN`` where fewer than :data:`MIN_COHORTS` have) and the inputs.
    """
    ids = None if segment == "All" else customers.loc[customers["segment"] == segment, "customer_id"]
    counts = analytics.cohort_retention(subscriptions, freq=freq, customers=ids, absolute=True)
    table = counts.div(counts[0], axis=0)
    sizes = counts[0].astype(int)
    reached = counts.notna().mul(sizes, axis=0)  # cohort size where the period is observed, else 0
    curve = (counts.sum() / reached.sum()).where(counts.notna().sum() >= MIN_COHORTS)
    return {"table": table, "sizes": sizes, "curve": curve.astype(float), "freq": freq, "segment": segment}


def plot_cohorts(result: dict, ax=None):
    """Heatmap of the table on ``ax`` and, on a second axis to its right, each cohort's curve and the average."""
    ax = ax if ax is not None else plt.gca()
    fig = ax.figure
    ax.set_position([0.08, 0.14, 0.38, 0.74])
    colour_axis = fig.add_axes([0.475, 0.14, 0.012, 0.74])
    curves = fig.add_axes([0.60, 0.14, 0.37, 0.74])
    table = result["table"]
    unit = "month" if result["freq"] == "M" else "quarter"
    # not yet observed: white; 0 % retained is pale blue (vmin below 0), not white
    cmap = plt.get_cmap("Blues").with_extremes(bad="white")
    image = ax.imshow(table.to_numpy(dtype=float), aspect="auto", cmap=cmap, vmin=-0.15, vmax=1,
                      interpolation="nearest")
    step = max(1, len(table) // 8)
    ax.set_yticks(range(0, len(table), step), [str(p) for p in table.index[::step]])
    ax.grid(False)
    fig.colorbar(image, cax=colour_axis).ax.set_ylim(0, 1)
    decorate(ax, title=f"Retention by cohort ({result['segment']})", xlabel=f"{unit}s since first",
             ylabel="cohort")
    for _, row in table.iterrows():
        curves.plot(row.index, row.to_numpy(dtype=float), color=PALETTE["light"], linewidth=0.8)
    curves.plot(result["curve"].index, result["curve"].to_numpy(), color=PALETTE["kestrel"], linewidth=2.2,
                label="size-weighted average")
    curves.set_ylim(0, 1.02)
    curves.xaxis.set_major_locator(MaxNLocator(integer=True))
    decorate(curves, title="Retention curves", xlabel=f"{unit}s since first", ylabel="share still active",
             legend=False)
    curves.legend(loc="lower left", fontsize=8)
    ax.title.set_fontsize(10)
    curves.title.set_fontsize(10)
    return ax


def build_cohort_explorer(subscriptions: pd.DataFrame, customers: pd.DataFrame, *, freq: str = "Q",
                          segment: str = "All"):
    """A granularity toggle and a segment dropdown wired to the heatmap and curves; returns the container."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import explorer_box, plot_output

    controls = {
        "freq": widgets.ToggleButtons(options=[("monthly", "M"), ("quarterly", "Q")], value=freq,
                                      description="cohorts"),
        "segment": widgets.Dropdown(options=list(SEGMENTS), value=segment, description="segment"),
    }

    def draw(ax, freq, segment):
        plot_cohorts(compute_cohorts(subscriptions, customers, freq=freq, segment=segment), ax)

    output = plot_output(controls, draw, (10.0, 4.2))
    return explorer_box(controls, output, widgets.HBox(list(controls.values())))
