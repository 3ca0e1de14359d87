"""SaaS-metrics explorer (module 06): period, segment and gross margin -> KPI tree and MRR trend.

Three layers, as every explorer in the course:

- :func:`compute_saas_metrics` returns plain data (the metrics of :func:`spmcourse.saas_metrics.metric_tree`
  and the monthly MRR trend);
- :func:`plot_saas_metrics` draws the trend and the KPI tree;
- :func:`build_saas_metrics_explorer` wires the controls with ``interactive_output`` and returns the container.

Examples
--------
>>> result = compute_saas_metrics("2025", "SMB")
>>> round(result["metrics"]["mrr"], 2), result["metrics"]["customers"]
(33413.0, 167)
>>> PERIODS["2025 Q3"]
('2025-07', '2025-09')
"""
from __future__ import annotations

import math
from functools import lru_cache

import matplotlib.pyplot as plt
import pandas as pd

from spmcourse import casedata
from spmcourse import saas_metrics as sm
from spmcourse.plots import PALETTE, decorate, euro_axis

#: The periods the explorer offers: label -> (first month, last month).
PERIODS: dict[str, tuple[str, str]] = {
    "2023": ("2023-01", "2023-12"), "2024": ("2024-01", "2024-12"), "2025": ("2025-01", "2025-12"),
    "2025 Q1": ("2025-01", "2025-03"), "2025 Q2": ("2025-04", "2025-06"), "2025 Q3": ("2025-07", "2025-09"),
    "2025 Q4": ("2025-10", "2025-12"),
}
SEGMENT_CHOICES = ("all", "SMB", "Mid-Market", "Enterprise")


@lru_cache(maxsize=1)
def _data() -> tuple[pd.DataFrame, ...]:
    return tuple(casedata.load(name) for name in
                 ("subscriptions", "mrr_movements", "customers", "sales_marketing_spend"))


def compute_saas_metrics(period: str = "2025", segment: str = "all", gross_margin: float = 0.80) -> dict:
    """The metrics of one period and segment (``"all"`` for every customer) and the MRR trend.

    Returns ``{"metrics": dict, "trend": Series of MRR per month, "period": label, "first": .., "last": ..}``.
    """
    first, last = PERIODS[period]
    subs, moves, customers, spend = _data()
    seg = None if segment == "all" else segment
    metrics = sm.metric_tree(subs, moves, customers, spend, first, last, segment=seg, gross_margin=gross_margin)
    trend = sm.mrr_trend(subs, customers, seg)
    return {"metrics": metrics, "trend": trend, "period": period, "first": sm.month_start(first),
            "last": sm.month_start(last)}


def _fmt(value: float, kind: str) -> str:
    if not math.isfinite(value):
        return "∞ (no churn)"
    return {"eur": f"€{value:,.0f}", "pct": f"{value:.1%}", "x": f"{value:.1f}x", "mo": f"{value:.1f} months",
            "n": f"{value:,.0f}"}[kind]


def plot_metric_tree(result: dict, ax=None):
    """The KPI tree as boxes: ARR from MRR, MRR from customers and ARPA, NRR from its movements, LTV:CAC from
    LTV and CAC. Boxes that miss the usual thresholds (NRR < 100 %, LTV:CAC < 3, payback > 12 months) are red."""
    ax = ax if ax is not None else plt.gca()
    m = result["metrics"]
    ax.set_axis_off()
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 5)

    def box(x, y, label, value, ok=None):
        colour = PALETTE["light"] if ok is None else ("#d8f0e0" if ok else "#f6d5d1")
        ax.text(x, y, f"{label}\n{value}", ha="center", va="center", fontsize=8,
                bbox={"boxstyle": "round,pad=0.3", "facecolor": colour, "edgecolor": PALETTE["neutral"]})

    def line(x1, y1, x2, y2):
        ax.plot([x1, x2], [y1, y2], color=PALETTE["neutral"], linewidth=0.8)

    box(0.5, 4.5, "ARR", _fmt(m["arr"], "eur"))
    box(0.5, 3.5, "MRR", _fmt(m["mrr"], "eur"))
    box(0.2, 2.4, "customers", _fmt(m["customers"], "n"))
    box(0.8, 2.4, "ARPA", _fmt(m["arpa"], "eur"))
    for x in (0.2, 0.8):
        line(0.5, 3.3, x, 2.6)
    line(0.5, 3.7, 0.5, 4.3)
    box(1.5, 4.5, "NRR", _fmt(m["nrr"], "pct"), m["nrr"] >= 1)
    box(1.5, 3.5, "GRR", _fmt(m["grr"], "pct"))
    box(1.5, 2.4, "logo churn", _fmt(m["logo_churn"], "pct"))
    box(1.5, 1.4, "monthly churn", _fmt(m["monthly_logo_churn"], "pct"))
    line(1.5, 4.3, 1.5, 3.7)
    line(1.5, 2.2, 1.5, 1.6)
    box(2.5, 4.5, "LTV:CAC", _fmt(m["ltv_to_cac"], "x"), m["ltv_to_cac"] >= 3)
    box(2.2, 3.4, "LTV", _fmt(m["ltv"], "eur"))
    box(2.8, 3.4, "CAC", _fmt(m["cac"], "eur"))
    box(2.5, 2.2, "CAC payback", _fmt(m["cac_payback_months"], "mo"), m["cac_payback_months"] <= 12)
    for x in (2.2, 2.8):
        line(2.5, 4.3, x, 3.6)
    line(2.2, 3.2, 1.65, 1.55)
    ax.text(1.5, 0.4, f"gross margin {m['gross_margin']:.0%}; red = misses the rule of thumb", ha="center",
            fontsize=7, color=PALETTE["neutral"])
    return ax


def plot_saas_metrics(result: dict, ax=None):
    """MRR per month with the period shaded on ``ax``; the KPI tree in a second axis to its right."""
    ax = ax if ax is not None else plt.gca()
    fig = ax.figure
    ax.set_position([0.08, 0.14, 0.36, 0.74])
    trend = result["trend"]
    ax.plot(trend.index, trend.to_numpy(), color=PALETTE["kestrel"])
    ax.axvspan(result["first"] - pd.offsets.MonthBegin(1), result["last"], color=PALETTE["accent"], alpha=0.15,
               label="period (from its start month)")
    segment = result["metrics"]["segment"]
    decorate(ax, title=f"MRR, {segment}", ylabel="MRR", legend=True)
    ax.legend(fontsize=7, loc="upper left")
    ax.tick_params(axis="x", labelsize=7, rotation=30)
    euro_axis(ax, "y", "k")
    tree_ax = fig.add_axes([0.47, 0.02, 0.52, 0.88])
    plot_metric_tree(result, tree_ax)
    tree_ax.set_title(f"KPI tree, {result['period']}", fontsize=10)
    return ax


def build_saas_metrics_explorer(*, period: str = "2025", segment: str = "all", gross_margin: float = 0.80):
    """Dropdowns for period and segment and a gross-margin slider, wired to the chart; returns the container."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import explorer_box, plot_output

    style = {"description_width": "110px"}
    controls = {
        "period": widgets.Dropdown(options=list(PERIODS), value=period, description="period", style=style),
        "segment": widgets.Dropdown(options=list(SEGMENT_CHOICES), value=segment, description="segment",
                                    style=style),
        "gross_margin": widgets.FloatSlider(value=gross_margin, min=0.5, max=0.95, step=0.01,
                                            description="gross margin", readout_format=".0%", style=style,
                                            continuous_update=False),
    }

    def draw(ax, period, segment, gross_margin):
        plot_saas_metrics(compute_saas_metrics(period, segment, gross_margin), ax)

    output = plot_output(controls, draw, (9.5, 4.2))
    return explorer_box(controls, output, widgets.HBox(list(controls.values())))
