"""Error-budget explorer (module 11): SLO and window -> budget left over time and burn-rate alerts.

Three layers, as every explorer in the course:

- :func:`compute_error_budget` returns plain data (budget left after each 5-minute slot, the alert timeline);
- :func:`plot_error_budget` draws the budget left and marks where the page and ticket alerts start;
- :func:`build_error_budget_explorer` wires the controls to them with ``interactive_output`` and returns the
  container.

Examples
--------
>>> from spmcourse import casedata
>>> result = compute_error_budget(casedata.load("slo_history"), slo=0.999, window_days=28)
>>> round(result["budget_left"], 3)
0.198
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from spmcourse import operations
from spmcourse.plots import PALETTE, decorate


def _starts(fires: pd.Series) -> pd.Index:
    """The moments an alert starts firing (it did not fire one slot earlier)."""
    return fires.index[fires & ~fires.shift(1, fill_value=False)]


def compute_error_budget(history: pd.DataFrame, slo: float = 0.999, window_days: int = 28) -> dict:
    """The last ``window_days`` of ``history`` as one SLO window.

    Returns ``budget_left`` (share of the window's budget unspent at the end), ``curve`` (a Series: budget
    left after each slot, where the budget is ``(1 - SLO) x`` all requests of the window), ``page_starts``
    and ``ticket_starts`` (moments the workbook's alerts start firing), ``pages`` and ``tickets`` (how many
    times), and the inputs.
    """
    end = history["window_start"].max() + pd.Timedelta("5min")
    part = history[history["window_start"] >= end - pd.Timedelta(days=window_days)]
    budget = (1.0 - slo) * part["requests"].sum()
    curve = pd.Series(1.0 - part["errors"].cumsum().to_numpy() / budget,
                      index=part["window_start"] + pd.Timedelta("5min"))
    timeline = operations.alert_timeline(history, slo).loc[curve.index]
    page = timeline["alert0_fires"] | timeline["alert1_fires"]
    ticket = timeline["alert2_fires"] & ~page
    page_starts, ticket_starts = _starts(page), _starts(ticket)
    return {"budget_left": float(curve.iloc[-1]), "curve": curve, "page_starts": page_starts,
            "ticket_starts": ticket_starts, "pages": len(page_starts), "tickets": len(ticket_starts),
            "slo": slo, "window_days": window_days}


def plot_error_budget(result: dict, ax=None):
    """The budget left over the window, with the alert starts marked; returns the axis."""
    ax = ax if ax is not None else plt.gca()
    curve = result["curve"]
    ax.plot(curve.index, curve.to_numpy(), color=PALETTE["kestrel"], label="error budget left")
    ax.axhline(0, color=PALETTE["neutral"], linewidth=0.8)
    for i, moment in enumerate(result["page_starts"]):
        ax.axvline(moment, color=PALETTE["bad"], linewidth=1.2, label="page" if i == 0 else None)
    for i, moment in enumerate(result["ticket_starts"]):
        ax.axvline(moment, color=PALETTE["accent"], linestyle=":", linewidth=1.2,
                   label="ticket" if i == 0 else None)
    decorate(ax, title=f"SLO {result['slo']:.2%} over {result['window_days']} days: "
                       f"{result['budget_left']:.0%} of the budget left, {result['pages']} page(s), "
                       f"{result['tickets']} ticket(s)",
             xlabel="end of 5-minute slot (UTC)", ylabel="share of budget left", legend=True)
    ax.title.set_fontsize(10)
    ax.legend(loc="lower left", fontsize=8)
    ax.figure.autofmt_xdate()
    return ax


def build_error_budget_explorer(history: pd.DataFrame, *, slo: float = 0.999, window_days: int = 28):
    """A choice of SLO and a window-length slider wired to the chart; returns the container (not shown)."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import explorer_box, plot_output, slider_maker

    style = {"description_width": "150px"}
    layout = widgets.Layout(width="420px")
    slider = slider_maker("150px", "420px")
    controls = {
        "slo": widgets.SelectionSlider(options=[("99%", 0.99), ("99.5%", 0.995), ("99.9%", 0.999),
                                                ("99.95%", 0.9995)], value=slo, description="SLO",
                                       style=style, layout=layout, continuous_update=False),
        "window_days": slider(value=window_days, min=7, max=28, step=1, description="window (days)", integer=True),
    }

    def draw(ax, slo, window_days):
        plot_error_budget(compute_error_budget(history, slo, window_days), ax)

    output = plot_output(controls, draw, (7.5, 3.8))
    return explorer_box(controls, output, widgets.HBox(list(controls.values())))
