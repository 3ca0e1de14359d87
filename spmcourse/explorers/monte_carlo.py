"""Monte Carlo explorer (module 06): ranges of the business-case assumptions -> distribution of the NPV.

- :func:`compute_monte_carlo` returns plain data (the scenarios' NPVs and summary numbers), from
  :func:`spmcourse.risk.simulate_business_case` on the ``financial_plan`` of module 05;
- :func:`plot_monte_carlo` draws the histogram, with the loss side in red and the plan's single NPV marked;
- :func:`build_monte_carlo_explorer` wires range sliders to them and returns the container.

Examples
--------
>>> result = compute_monte_carlo(n=2_000)
>>> 0 < result["p_negative"] < 1, round(result["plan_npv"])
(True, 2094823)
"""
from __future__ import annotations

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np

from spmcourse import casedata, finance, risk
from spmcourse.plots import PALETTE, decorate, euro_axis

#: The most likely value of each input, kept inside the range the sliders set.
MODES = {name: bounds[1] for name, bounds in risk.MC_DEFAULTS.items()}


@lru_cache(maxsize=1)
def _plan():
    return casedata.load("financial_plan")


def compute_monte_carlo(adoption=(0.50, 1.20), price=(7.0, 9.0), overrun=(0.95, 1.60), *, rate: float = 0.10,
                        n: int = 10_000, seed: int = 2026) -> dict:
    """Simulate the business case with triangular ranges (low, high); the most likely values are :data:`MODES`,
    moved into the range when it excludes them. Returns the NPVs and their summary."""
    ranges = {}
    for name, (low, high) in {"adoption": adoption, "price": price, "overrun": overrun}.items():
        low, high = float(min(low, high)), float(max(low, high))
        ranges[name] = (low, min(max(MODES[name], low), high), high)
    plan = _plan()
    npvs = risk.simulate_business_case(plan, n=n, seed=seed, rate=rate, ranges=ranges)["npv"].to_numpy()
    return {
        "npvs": npvs, "ranges": ranges, "rate": rate, "n": n,
        "p_negative": risk.probability_negative(npvs), "mean": float(npvs.mean()),
        "p5": float(np.percentile(npvs, 5)), "p50": float(np.percentile(npvs, 50)),
        "p95": float(np.percentile(npvs, 95)),
        "plan_npv": finance.npv(rate, plan["net_cash_flow"].to_numpy()),
    }


def plot_monte_carlo(result: dict, ax=None):
    """Histogram of the simulated NPVs: losses red, gains blue; the plan's NPV and the mean as lines."""
    ax = ax if ax is not None else plt.gca()
    npvs = result["npvs"]
    width = (npvs.max() - npvs.min()) / 50 or 1.0
    bins = np.arange(np.floor(npvs.min() / width), np.ceil(npvs.max() / width) + 1) * width  # 0 is a bin edge
    ax.hist(npvs[npvs < 0], bins=bins, color=PALETTE["bad"], alpha=0.8, label="NPV < 0")
    ax.hist(npvs[npvs >= 0], bins=bins, color=PALETTE["kestrel"], alpha=0.8, label="NPV ≥ 0")
    ax.axvline(result["plan_npv"], color=PALETTE["accent"], linestyle="--", label="the plan's single NPV")
    ax.axvline(result["mean"], color="black", linewidth=1, label="mean of the scenarios")
    decorate(ax, title=f"P(NPV < 0) = {result['p_negative']:.1%} · 90 % of scenarios between "
                       f"€{result['p5'] / 1e6:,.1f}M and €{result['p95'] / 1e6:,.1f}M",
             xlabel=f"NPV at {result['rate']:.0%} ({result['n']:,} scenarios)", ylabel="scenarios", legend=True)
    ax.title.set_fontsize(10)
    ax.legend(fontsize=7, loc="upper left")
    euro_axis(ax, "x", "M")
    return ax


def build_monte_carlo_explorer(*, n: int = 10_000):
    """Range sliders for adoption, price and development overrun, and a discount-rate slider; returns the
    container."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import columns, explorer_box, plot_output, slider_maker

    style = {"description_width": "170px"}
    layout = widgets.Layout(width="460px")
    slider = slider_maker("170px", "460px")
    controls = {
        "adoption": widgets.FloatRangeSlider(value=(0.50, 1.20), min=0.2, max=1.6, step=0.05,
                                             description="adoption (× planned seats)", style=style,
                                             layout=layout, continuous_update=False),
        "price": widgets.FloatRangeSlider(value=(7.0, 9.0), min=5.0, max=11.0, step=0.25,
                                          description="year-1 price (€/seat/month)", style=style, layout=layout,
                                          continuous_update=False),
        "overrun": widgets.FloatRangeSlider(value=(0.95, 1.60), min=0.8, max=2.5, step=0.05,
                                            description="build cost (× plan)", style=style, layout=layout,
                                            continuous_update=False),
        "rate": slider(value=0.10, min=0.0, max=0.25, step=0.01, description="discount rate", readout_format=".0%"),
    }

    def draw(ax, adoption, price, overrun, rate):
        plot_monte_carlo(compute_monte_carlo(adoption, price, overrun, rate=rate, n=n), ax)

    output = plot_output(controls, draw, (7.5, 3.8))
    values = list(controls.values())
    return explorer_box(controls, output, columns(values[:2], values[2:]))
