"""Market-sizing explorer (module 02): segments, regions, price and winnable share -> TAM / SAM / SOM funnel.

Bottom-up sizing on the ``market`` table: every organisation counts with a typical number of seats for its
segment, at a price per seat per month, for 12 months.

- :func:`compute_market_funnel` returns plain data (the three sizes, today's spend in the served cells, the
  table per cell);
- :func:`plot_market_funnel` draws the funnel on one axis;
- :func:`build_market_explorer` wires the controls with ``interactive_output`` and returns the container.

Examples
--------
>>> import pandas as pd
>>> cells = pd.DataFrame({"year": [2025, 2025], "segment": ["SMB", "Enterprise"], "region": ["EU", "EU"],
...                       "potential_customers": [1000, 10], "market_revenue_eur": [200_000.0, 400_000.0]})
>>> r = compute_market_funnel(cells, segments=["Enterprise"], regions=["EU"], price=10.0, obtainable_share=0.1)
>>> r["tam"], r["sam"], r["som"]
(3120000.0, 720000.0, 72000.0)
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from spmcourse.plots import PALETTE, decorate

#: Typical seats per organisation by segment: the median seats at signup of Kestrel's customers.
DEFAULT_SEATS = {"SMB": 20, "Mid-Market": 120, "Enterprise": 600}


def compute_market_funnel(market: pd.DataFrame, *, segments, regions, price: float, obtainable_share: float,
                          year: int = 2025, seats: dict | None = None) -> dict:
    """Bottom-up TAM (every organisation in the table), SAM (the chosen segments and regions) and SOM.

    Revenue per organisation = seats for its segment x ``price`` (EUR per seat per month) x 12. Also returns
    ``spend_today``, the ``market_revenue_eur`` of the served cells (what they spend now, a top-down check).
    """
    seats = {**DEFAULT_SEATS, **(seats or {})}
    cells = market[market["year"] == year].copy()
    cells["potential_revenue"] = cells["potential_customers"] * cells["segment"].map(seats) * price * 12
    served = cells["segment"].isin(list(segments)) & cells["region"].isin(list(regions))
    tam = float(cells["potential_revenue"].sum())
    sam = float(cells.loc[served, "potential_revenue"].sum())
    return {"tam": tam, "sam": sam, "som": sam * obtainable_share,
            "spend_today": float(cells.loc[served, "market_revenue_eur"].sum()), "table": cells[served],
            "price": price, "obtainable_share": obtainable_share, "year": year}


def plot_market_funnel(result: dict, ax=None):
    """Centred horizontal bars, widest on top: TAM, SAM, SOM, with what the served cells spend today."""
    ax = ax if ax is not None else plt.gca()
    labels = ["TAM", "SAM", "SOM"]
    values = [result["tam"], result["sam"], result["som"]]
    colours = [PALETTE["light"], PALETTE["kestrel"], PALETTE["accent"]]
    widest = max(values) or 1.0
    for y, (label, value, colour) in enumerate(zip(labels, values, colours)):
        ax.barh(2 - y, value, left=-value / 2, color=colour, height=0.7)
        text = f"{label} €{value / 1e6:,.1f}M"
        if value >= 0.3 * widest:  # room for the label inside the bar
            ax.text(0, 2 - y, text, ha="center", va="center", fontsize=10,
                    color="black" if label == "TAM" else "white", fontweight="bold")
        else:  # a narrow bar (the SOM at a few per cent): the label goes beside it
            ax.text(value / 2 + 0.02 * widest, 2 - y, text, ha="left", va="center", fontsize=10,
                    color="black", fontweight="bold")
    spend = result["spend_today"]
    ax.plot([-spend / 2, spend / 2], [1.45, 1.45], color=PALETTE["bad"], linewidth=2,
            label=f"served cells spend today: €{spend / 1e6:,.0f}M")
    ax.set_yticks([])
    ax.grid(axis="y", visible=False)
    decorate(ax, title=f"Bottom-up market size at €{result['price']:.2f} per seat-month, "
                       f"{result['obtainable_share']:.0%} winnable", xlabel="bar width: EUR per year",
             legend=True)
    ax.legend(loc="lower right", fontsize=8)
    ax.title.set_fontsize(10)
    ax.set_xticks([])  # the bars are centred: their widths, written on them, are the measure
    ax.set_xlim(-0.55 * widest, 0.55 * widest)
    return ax


def build_market_explorer(market: pd.DataFrame, *, segments=("Mid-Market", "Enterprise"), regions=("EU", "UK", "NA"),
                          price: float = 9.0, obtainable_share: float = 0.05):
    """Segment and region pickers, price and winnable-share sliders wired to the funnel; returns the container."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import columns, explorer_box, plot_output

    style = {"description_width": "140px"}
    controls = {
        "segments": widgets.SelectMultiple(options=["SMB", "Mid-Market", "Enterprise"], value=tuple(segments),
                                           description="segments (SAM)", style=style, rows=3),
        "regions": widgets.SelectMultiple(options=["EU", "UK", "NA"], value=tuple(regions),
                                          description="regions (SAM)", style=style, rows=3),
        "price": widgets.FloatSlider(value=price, min=3, max=15, step=0.5, description="€ per seat-month",
                                     style=style, continuous_update=False),
        "obtainable_share": widgets.FloatSlider(value=obtainable_share, min=0.01, max=0.3, step=0.01,
                                                readout_format=".0%", description="winnable share (SOM)",
                                                style=style, continuous_update=False),
    }

    def draw(ax, segments, regions, price, obtainable_share):
        plot_market_funnel(compute_market_funnel(market, segments=segments, regions=regions, price=price,
                                                 obtainable_share=obtainable_share), ax)

    output = plot_output(controls, draw, (7.5, 3.4))
    return explorer_box(controls, output, columns([controls["segments"], controls["regions"]],
                                                  [controls["price"], controls["obtainable_share"]]))
