"""Price explorers (module 05): tiered bills (graduated vs volume) and a demand curve's best price.

Each explorer is a compute function returning plain data, a plot function taking that data, and a ``build_*``
function that wires controls with ``interactive_output`` and returns the container without displaying it.

Examples
--------
>>> r = compute_tier_bills(15_000, [(1_000, 0.10), (10_000, 0.05), (None, 0.01)])
>>> r["graduated"], r["volume"]
(600.0, 150.0)
>>> d = compute_demand(a=1_000, b=10, unit_cost=20)
>>> d["revenue_price"], d["profit_price"]
(50.0, 60.0)
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from spmcourse import pricing
from spmcourse.plots import PALETTE, decorate, euro_axis

#: A three-tier usage price list (EUR per unit), the bounds being the last unit of each tier.
DEFAULT_TIERS = [(1_000, 0.10), (10_000, 0.05), (None, 0.01)]


def compute_tier_bills(usage: float, tiers, max_usage: float | None = None, points: int = 400) -> dict:
    """Bills for ``usage`` under both tier modes, and both bill curves on a usage grid for the chart.

    Returns ``graduated`` and ``volume`` (EUR), their ``effective_graduated`` / ``effective_volume`` prices per
    unit, ``usage``, ``tiers`` and ``grid`` / ``graduated_curve`` / ``volume_curve`` (NumPy arrays).
    """
    bounds = [t[0] for t in tiers if t[0] is not None]
    top = max_usage or max(usage * 1.3, (bounds[-1] if bounds else usage) * 1.5, 1.0)
    grid = np.linspace(0, top, points)
    grid = np.unique(np.concatenate([grid, bounds, np.nextafter(np.asarray(bounds, dtype=float), np.inf)]))
    graduated = pricing.tier_bill(usage, tiers, "graduated")
    volume = pricing.tier_bill(usage, tiers, "volume")
    return {
        "usage": float(usage), "tiers": list(tiers),
        "graduated": graduated, "volume": volume,
        "effective_graduated": graduated / usage if usage else float("nan"),
        "effective_volume": volume / usage if usage else float("nan"),
        "grid": grid,
        "graduated_curve": pricing.tier_bills(grid, tiers, "graduated"),
        "volume_curve": pricing.tier_bills(grid, tiers, "volume"),
    }


def plot_tier_bills(result: dict, ax=None):
    """Both bill curves against usage, tier bounds as dotted lines, and the chosen usage marked; returns the axis."""
    ax = ax if ax is not None else plt.gca()
    ax.plot(result["grid"], result["graduated_curve"], color=PALETTE["kestrel"], label="graduated")
    ax.plot(result["grid"], result["volume_curve"], color=PALETTE["accent"], label="volume")
    for tier in result["tiers"][:-1]:
        ax.axvline(tier[0], color=PALETTE["neutral"], linestyle=":", linewidth=1)
    u = result["usage"]
    ax.plot([u, u], [result["graduated"], result["volume"]], "o", color="black")
    decorate(ax, title=f"{u:,.0f} units: graduated €{result['graduated']:,.2f} · volume €{result['volume']:,.2f}",
             xlabel="units in the month", ylabel="bill", legend=True)
    euro_axis(ax, "y")
    return ax


def build_tier_explorer(tiers=None, usage: float = 15_000):
    """Controls for usage and a three-tier price list wired to the bill chart; returns the container (not shown)."""
    import ipywidgets as widgets
    from IPython.display import display
    from spmcourse.explorers._widgets import columns, explorer_box, slider_maker

    tiers = list(tiers or DEFAULT_TIERS)
    if len(tiers) != 3:
        raise ValueError("the tier explorer takes exactly three tiers (the last one open-ended)")
    style = {"description_width": "140px"}
    slider = slider_maker("140px", "380px")
    controls = {
        "usage": slider(value=int(usage), min=0, max=60_000, step=500, description="usage (units)", integer=True),
        "bound1": slider(value=int(tiers[0][0]), min=100, max=20_000, step=100, description="tier 1 ends at",
                         integer=True),
        "bound2": slider(value=int(tiers[1][0]), min=200, max=40_000, step=100, description="tier 2 ends at",
                         integer=True),
        "price1": widgets.FloatText(value=tiers[0][1], step=0.01, description="tier 1 €/unit", style=style),
        "price2": widgets.FloatText(value=tiers[1][1], step=0.01, description="tier 2 €/unit", style=style),
        "price3": widgets.FloatText(value=tiers[2][1], step=0.01, description="tier 3 €/unit", style=style),
    }
    message = widgets.HTML()

    def update(usage, bound1, bound2, price1, price2, price3):
        if bound2 <= bound1:  # no chart, only the message
            message.value = "<b>Tier 2 must end after tier 1.</b>"
            return
        message.value = ""
        table = [(bound1, price1), (bound2, price2), (None, price3)]
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
        plot_tier_bills(compute_tier_bills(usage, table, max_usage=60_000), ax)
        display(fig)
        plt.close(fig)

    output = widgets.interactive_output(update, controls)
    c = controls
    return explorer_box(controls, output, columns([c["usage"], c["bound1"], c["bound2"]], [c["price1"], c["price2"],
                        c["price3"]]), message)


def compute_demand(a: float, b: float, unit_cost: float = 0.0, points: int = 200) -> dict:
    """Linear demand Q = a - bP: revenue and profit curves over the prices where demand is positive, and the
    revenue- and profit-maximising prices (:func:`spmcourse.pricing.optimal_price_linear`)."""
    prices = np.linspace(0, a / b, points)
    table = pricing.demand_table(prices, a - b * prices, unit_cost=unit_cost)
    best_revenue = pricing.optimal_price_linear(a, b)
    best_profit = pricing.optimal_price_linear(a, b, unit_cost)
    return {"table": table, "revenue_price": best_revenue, "profit_price": best_profit,
            "max_revenue": best_revenue * (a - b * best_revenue),
            "max_profit": (best_profit - unit_cost) * (a - b * best_profit), "unit_cost": unit_cost}


def plot_demand(result: dict, ax=None):
    """Revenue and profit against price with both optima marked; returns the axis."""
    ax = ax if ax is not None else plt.gca()
    table = result["table"]
    ax.plot(table.index, table["revenue"], color=PALETTE["kestrel"], label="revenue")
    ax.plot(table.index, table["profit"], color=PALETTE["good"], label="profit (after unit cost)")
    ax.axvline(result["revenue_price"], color=PALETTE["kestrel"], linestyle=":")
    ax.axvline(result["profit_price"], color=PALETTE["good"], linestyle=":")
    title = f"Revenue peaks at €{result['revenue_price']:,.2f}, profit at €{result['profit_price']:,.2f}"
    decorate(ax, title=title, xlabel="price (€)", ylabel="revenue and profit", legend=True)
    euro_axis(ax, "y")
    return ax


def build_demand_explorer(a: float = 1_000, b: float = 50, unit_cost: float = 2.0):
    """Sliders for the demand line and the unit cost wired to the revenue/profit chart; returns the container."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import explorer_box, plot_output, slider_maker

    slider = slider_maker("140px", "380px")
    controls = {
        "a": slider(value=a, min=10, max=2_000, step=1, description="demand at price 0"),
        "b": slider(value=b, min=0.5, max=100, step=0.1, description="units lost per €1"),
        "unit_cost": slider(value=unit_cost, min=0, max=20, step=0.05, description="unit cost (€)"),
    }

    def draw(ax, a, b, unit_cost):
        plot_demand(compute_demand(a, b, unit_cost), ax)

    output = plot_output(controls, draw, (7.5, 3.6))
    return explorer_box(controls, output, widgets.VBox(list(controls.values())))
