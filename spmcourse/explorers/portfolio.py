"""Portfolio explorer (module 02): the BCG growth-share bubble chart, with the cut-offs as sliders.

- :func:`compute_portfolio` classifies each line for given cut-offs and returns a plain table;
- :func:`plot_portfolio` draws the bubble chart (bubble area = revenue; relative share on a log axis, high
  share on the left as in Henderson's original);
- :func:`build_portfolio_explorer` wires the two cut-offs and returns the container.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"revenue": [5.0, 1.0], "relative_share": [1.5, 0.2], "market_growth": [0.03, 0.2]},
...                  index=["A", "B"])
>>> compute_portfolio(t)["quadrant"].tolist()
['Cash Cow', 'Question Mark']
>>> compute_portfolio(t, growth_cutoff=0.25)["quadrant"].tolist()
['Cash Cow', 'Dog']
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from spmcourse import strategy
from spmcourse.plots import PALETTE, decorate

QUADRANT_COLOURS = {"Star": PALETTE["good"], "Cash Cow": PALETTE["kestrel"], "Question Mark": PALETTE["accent"],
                    "Dog": PALETTE["neutral"]}


def compute_portfolio(table: pd.DataFrame, *, share_cutoff: float = strategy.BCG_SHARE_CUTOFF,
                      growth_cutoff: float = strategy.BCG_GROWTH_CUTOFF) -> pd.DataFrame:
    """A copy of ``table`` (columns revenue, relative_share, market_growth) with the ``quadrant`` for these cut-offs."""
    out = table[["revenue", "relative_share", "market_growth"]].copy()
    out["quadrant"] = [strategy.bcg_quadrant(s, g, share_cutoff=share_cutoff, growth_cutoff=growth_cutoff)
                       for s, g in zip(out["relative_share"], out["market_growth"])]
    return out


def plot_portfolio(table: pd.DataFrame, ax=None, *, share_cutoff: float = strategy.BCG_SHARE_CUTOFF,
                   growth_cutoff: float = strategy.BCG_GROWTH_CUTOFF):
    """Bubble chart of a :func:`compute_portfolio` table; returns the axis."""
    ax = ax if ax is not None else plt.gca()
    sizes = 3000 * table["revenue"] / table["revenue"].max()
    colours = [QUADRANT_COLOURS[q] for q in table["quadrant"]]
    ax.scatter(table["relative_share"], table["market_growth"], s=np.maximum(sizes, 30), c=colours, alpha=0.6,
               edgecolors="black", linewidths=0.5)
    for name, row in table.iterrows():
        ax.annotate(f"{name}\n{row['quadrant']}", (row["relative_share"], row["market_growth"]), fontsize=8,
                    ha="center", va="bottom", xytext=(0, 8), textcoords="offset points")
    ax.axvline(share_cutoff, color="black", linewidth=0.8)
    ax.axhline(growth_cutoff, color="black", linewidth=0.8)
    ax.set_xscale("log")
    low = min(table["relative_share"].min(), share_cutoff) / 2
    high = max(table["relative_share"].max(), share_cutoff) * 2
    ax.set_xlim(high, low)  # high share on the left
    span = table["market_growth"]
    ax.set_ylim(min(span.min(), growth_cutoff) - 0.08, max(span.max(), growth_cutoff) + 0.1)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    decorate(ax, title="BCG growth-share matrix (bubble area = 2025 revenue)",
             xlabel="relative market share (log scale; high on the left)", ylabel="market growth 2025")
    return ax


def build_portfolio_explorer(table: pd.DataFrame, *, share_cutoff: float = strategy.BCG_SHARE_CUTOFF,
                             growth_cutoff: float = strategy.BCG_GROWTH_CUTOFF):
    """Sliders for the two cut-offs wired to the bubble chart; returns the container (not displayed)."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import explorer_box, plot_output, slider_maker

    style = {"description_width": "170px"}
    layout = widgets.Layout(width="420px")
    slider = slider_maker("170px", "420px")
    controls = {
        "share_cutoff": widgets.FloatLogSlider(value=share_cutoff, base=10, min=-2, max=0.5, step=0.05,
                                               description="high share above", style=style, layout=layout,
                                               continuous_update=False),
        "growth_cutoff": slider(value=growth_cutoff, min=0.0, max=0.3, step=0.005, readout_format=".1%",
                                description="high growth above"),
    }

    def draw(ax, share_cutoff, growth_cutoff):
        result = compute_portfolio(table, share_cutoff=share_cutoff, growth_cutoff=growth_cutoff)
        plot_portfolio(result, ax, share_cutoff=share_cutoff, growth_cutoff=growth_cutoff)

    output = plot_output(controls, draw, (7.5, 4.2))
    return explorer_box(controls, output, widgets.VBox(list(controls.values())))
