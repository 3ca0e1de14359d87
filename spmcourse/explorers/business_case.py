"""Business-case explorer (module 05): price, growth, churn and discount rate -> NPV, payback, cash-flow chart.

Three layers, as every explorer in the course:

- :func:`compute_business_case` returns plain data (the yearly table and the headline numbers);
- :func:`plot_business_case` draws that data on one axis;
- :func:`build_business_case_explorer` wires sliders to them with ``interactive_output`` and returns the container.

:func:`plot_tornado` draws the sensitivity table of :func:`spmcourse.finance.sensitivity`.

Examples
--------
>>> result = compute_business_case(price=6.0, growth=0.30, churn=0.10, discount_rate=0.10)
>>> {"npv", "irr", "payback", "discounted_payback", "table"} <= set(result)
True
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from spmcourse import finance
from spmcourse.plots import PALETTE, decorate, euro_axis

#: The assumptions the sliders do not move. The lesson replaces them with values read from ``financial_plan``.
DEFAULT_ASSUMPTIONS = {
    "customers_year1": 60.0,        # new customers in year 1
    "seats_per_customer": 40.0,     # seats that carry the add-on, per customer
    "unit_cost": 1.0,               # EUR per seat-month: hosting and data processing
    "build_cost": 400_000.0,        # EUR, year 0
    "fixed_cost_per_year": 150_000.0,  # EUR per year: operations, support, go-to-market
    "years": 5,
}


def compute_business_case(price: float, growth: float, churn: float, discount_rate: float,
                          assumptions: dict | None = None) -> dict:
    """The business case for one set of slider values.

    Returns a dict with ``table`` (one row per year, from :func:`spmcourse.finance.project_business_case`, plus
    ``discounted`` and ``cumulative_discounted`` columns), ``npv``, ``irr`` (``nan`` when the flows have no IRR
    in the bracket), ``payback`` and ``discounted_payback`` (fractional years, ``inf`` if never), and the inputs.
    """
    params = {**DEFAULT_ASSUMPTIONS, **(assumptions or {})}
    table = finance.project_business_case(price=price, growth=growth, churn=churn, **params)
    flows = table["net_cash_flow"].to_numpy()
    table["discounted"] = flows * finance.discount_factors(discount_rate, flows.size)
    table["cumulative_discounted"] = table["discounted"].cumsum()
    try:
        rate_of_return = finance.irr(flows)
    except ValueError:
        rate_of_return = math.nan
    return {
        "table": table,
        "npv": finance.npv(discount_rate, flows),
        "irr": rate_of_return,
        "payback": finance.payback_period(flows),
        "discounted_payback": finance.discounted_payback_period(discount_rate, flows),
        "price": price, "growth": growth, "churn": churn, "discount_rate": discount_rate,
    }


def _years(value: float) -> str:
    return "never" if not math.isfinite(value) else f"{value:.1f} y"


def plot_business_case(result: dict, ax=None):
    """Bars of the yearly net cash flow and a line of the cumulative discounted cash flow; returns the axis."""
    ax = ax if ax is not None else plt.gca()
    table = result["table"]
    years = table.index.to_numpy()
    flows = table["net_cash_flow"].to_numpy()
    colours = np.where(flows >= 0, PALETTE["good"], PALETTE["bad"])
    ax.bar(years, flows, color=colours, alpha=0.75, label="net cash flow")
    ax.plot(years, table["cumulative_discounted"], marker="o", color=PALETTE["kestrel"],
            label="cumulative discounted")
    ax.axhline(0, color=PALETTE["neutral"], linewidth=0.8)
    irr_text = "n/a" if not math.isfinite(result["irr"]) else f"{result['irr']:.1%}"
    decorate(ax, title=f"NPV €{result['npv']:,.0f} · IRR {irr_text} · payback {_years(result['payback'])} "
                       f"(discounted {_years(result['discounted_payback'])})",
             xlabel="year (0 = build, flows at year end)", ylabel="cash flow", legend=True)
    ax.title.set_fontsize(10)
    ax.set_xticks(years)
    euro_axis(ax, "y", "k")
    return ax


def plot_tornado(table: pd.DataFrame, ax=None, *, labels: dict | None = None, value: str = "NPV"):
    """A tornado chart of a :func:`spmcourse.finance.sensitivity` table: widest bar (most sensitive) on top."""
    ax = ax if ax is not None else plt.gca()
    rows = table.iloc[::-1]
    base = float(table["base"].iloc[0])
    names = [(labels or {}).get(name, name) for name in rows.index]
    y = np.arange(len(rows))
    ax.barh(y, rows["at_low"] - base, left=base, color=PALETTE["kestrel"], alpha=0.85,
            label="input at its low value")
    ax.barh(y, rows["at_high"] - base, left=base, color=PALETTE["accent"], alpha=0.85,
            label="input at its high value")
    ax.axvline(base, color="black", linewidth=1)
    ax.set_yticks(y, names)
    ax.grid(axis="y", visible=False)
    decorate(ax, title=f"Which assumption moves {value} most?", xlabel=f"{value} (base case at the black line)",
             legend=False)
    ax.legend(loc="lower right", fontsize=8)
    euro_axis(ax, "x", "k")
    return ax


def build_business_case_explorer(assumptions: dict | None = None, *, price: float = 6.0, growth: float = 0.30,
                                 churn: float = 0.10, discount_rate: float = 0.10):
    """Sliders for price, growth, churn and discount rate wired to the chart; returns the container (not shown)."""
    from spmcourse.explorers._widgets import columns, explorer_box, plot_output, slider_maker

    slider = slider_maker("150px", "420px")
    controls = {
        "price": slider(value=price, min=1, max=15, step=0.5, description="price (€/seat/month)"),
        "growth": slider(value=growth, min=-0.2, max=1.0, step=0.05, description="new-customer growth",
                         readout_format=".0%"),
        "churn": slider(value=churn, min=0.0, max=0.5, step=0.01, description="annual churn", readout_format=".0%"),
        "discount_rate": slider(value=discount_rate, min=0.0, max=0.3, step=0.01, description="discount rate",
                                readout_format=".0%"),
    }

    def draw(ax, price, growth, churn, discount_rate):
        plot_business_case(compute_business_case(price, growth, churn, discount_rate, assumptions), ax)

    output = plot_output(controls, draw, (7.5, 3.8))
    values = list(controls.values())
    return explorer_box(controls, output, columns(values[:2], values[2:]))
