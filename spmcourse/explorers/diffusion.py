"""Diffusion explorer (module 02): Bass p, q and m -> adoption curve, peak and saturation.

- :func:`compute_diffusion` returns plain data (new and cumulative adopters per year, the peak);
- :func:`plot_diffusion` draws new adopters per year (with an observed history if given) and the peak;
- :func:`build_diffusion_explorer` wires p, q and m sliders and returns the container.

Examples
--------
>>> r = compute_diffusion(0.03, 0.38, 1000, years=20, start_year=2024)
>>> round(r["peak_time"], 2), r["peak_year"]
(6.19, 2030)
>>> int(r["table"]["cumulative"].iloc[-1])
996
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from spmcourse import strategy
from spmcourse.plots import PALETTE, decorate


def compute_diffusion(p: float, q: float, m: float, *, years: int = 20, start_year: int = 2015) -> dict:
    """Adopters per calendar year from the Bass model, t = 0 at the start of ``start_year``.

    ``peak_time`` is t* = ln(q/p)/(p+q) in years from the start; ``peak_year`` the calendar year it falls in.
    """
    new = strategy.bass_per_period(years, p, q, m)
    table = pd.DataFrame({"year": np.arange(start_year, start_year + years), "new": new,
                          "cumulative": np.cumsum(new)})
    peak = strategy.bass_peak_time(p, q)
    return {"table": table, "peak_time": peak, "peak_year": start_year + int(math.floor(peak)),
            "peak_share": (q - p) / (2 * q) if q > p else 0.0, "p": p, "q": q, "m": m, "start_year": start_year}


def plot_diffusion(result: dict, ax=None, history: pd.DataFrame | None = None):
    """New adopters per year as bars, the observed ``history`` (year, new_adopters) as dots, the peak as a line."""
    ax = ax if ax is not None else plt.gca()
    table = result["table"]
    ax.bar(table["year"], table["new"], color=PALETTE["light"], edgecolor=PALETTE["kestrel"], label="Bass model")
    if history is not None:
        ax.plot(history["year"], history["new_adopters"], "o", color=PALETTE["accent"], label="observed")
    peak = result["start_year"] + result["peak_time"] - 0.5  # bars are centred on the middle of the year
    ax.axvline(peak, color=PALETTE["bad"], linestyle="--", linewidth=1, label="peak of new adopters")
    decorate(ax, title=f"p = {result['p']:.3f}, q = {result['q']:.2f}, m = {result['m']:,.0f}: "
                       f"peak in {result['peak_year']} ({result['peak_share']:.0%} of m adopted by then)",
             xlabel="year", ylabel="new adopters per year", legend=True)
    ax.title.set_fontsize(10)
    return ax


def build_diffusion_explorer(history: pd.DataFrame | None = None, *, p: float = 0.01, q: float = 0.4,
                             m: float = 240_000, start_year: int = 2015, years: int = 20):
    """Sliders for p, q and m wired to the adoption chart; returns the container (not displayed)."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import explorer_box, plot_output, slider_maker

    slider = slider_maker("160px", "420px")
    controls = {
        "p": slider(value=p, min=0.001, max=0.1, step=0.001, readout_format=".3f", description="p (innovation)"),
        "q": slider(value=q, min=0.05, max=0.9, step=0.01, description="q (imitation)"),
        "m": slider(value=int(m), min=50_000, max=500_000, step=10_000, description="m (potential)", integer=True),
    }

    def draw(ax, p, q, m):
        plot_diffusion(compute_diffusion(p, q, m, years=years, start_year=start_year), ax, history)

    output = plot_output(controls, draw, (7.5, 3.6))
    return explorer_box(controls, output, widgets.VBox(list(controls.values())))
