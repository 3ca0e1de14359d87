"""TCO explorer (module 04): licence, maintenance rate, subscription and years -> cumulative cost and crossover.

Three layers, as every explorer in the course: :func:`compute_tco` returns plain data, :func:`plot_tco` draws
it, :func:`build_tco_explorer` wires sliders to them and returns the container. Timing convention of
:mod:`spmcourse.delivery`: one-off costs at the start of year 1, yearly costs at the start of every year.

Examples
--------
>>> result = compute_tco(licence=60_000, implementation=25_000, maintenance_rate=0.20, customer_it=9_000,
...                      subscription=32_400, saas_onboarding=12_000, saas_it=2_000, years=10)
>>> result["crossover_year"]
6
>>> result["table"].loc[6, ["on_premise", "saas"]].tolist()
[211000.0, 218400.0]
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from spmcourse import delivery
from spmcourse.plots import PALETTE, decorate, euro_axis


def compute_tco(licence: float, implementation: float, maintenance_rate: float, customer_it: float,
                subscription: float, saas_onboarding: float, saas_it: float, years: int = 10,
                rate: float = 0.0) -> dict:
    """Cumulative cost of on-premise and SaaS for years 1..``years`` and the year on-premise becomes cheaper.

    Returns ``table`` (index: year; columns ``on_premise``, ``saas``, ``difference`` = SaaS − on-premise),
    ``crossover_year`` (``None`` if on-premise never catches up within ``years``) and the inputs.
    """
    on_prem = delivery.tco_by_year(licence + implementation, maintenance_rate * licence + customer_it, years,
                                   rate=rate)
    saas = delivery.tco_by_year(saas_onboarding, subscription + saas_it, years, rate=rate)
    table = pd.DataFrame({"on_premise": on_prem, "saas": saas}, index=pd.RangeIndex(1, years + 1, name="year"))
    table["difference"] = table["saas"] - table["on_premise"]
    return {"table": table, "crossover_year": delivery.crossover_year(on_prem, saas), "years": years,
            "rate": rate, "licence": licence, "maintenance_rate": maintenance_rate, "subscription": subscription}


def plot_tco(result: dict, ax=None):
    """Two cumulative-cost lines and a marker at the crossover year; returns the axis."""
    ax = ax if ax is not None else plt.gca()
    table = result["table"]
    ax.plot(table.index, table["on_premise"], marker="o", color=PALETTE["accent"], label="on-premise")
    ax.plot(table.index, table["saas"], marker="o", color=PALETTE["kestrel"], label="SaaS")
    year = result["crossover_year"]
    if year is not None:
        ax.axvline(year, color=PALETTE["neutral"], linestyle="--", linewidth=1)
        title = f"On-premise becomes cheaper in year {year}"
    else:
        title = f"On-premise never becomes cheaper within {result['years']} years"
    if result.get("rate"):
        title += f" (discounted at {result['rate']:.0%})"
    decorate(ax, title=title, xlabel="year (payments at the start of each year)", ylabel="cumulative cost",
             legend=True)
    ax.title.set_fontsize(10)
    ax.set_xticks(np.asarray(table.index))
    euro_axis(ax, "y", "k")
    return ax


def build_tco_explorer(defaults: dict | None = None):
    """Sliders for licence, maintenance rate, subscription, discount rate and years; returns the container.

    ``defaults`` may set any argument of :func:`compute_tco`; those without a slider stay fixed.
    """
    from spmcourse.explorers._widgets import columns, explorer_box, plot_output, slider_maker

    params = {"licence": 60_000.0, "implementation": 25_000.0, "maintenance_rate": 0.20, "customer_it": 9_000.0,
              "subscription": 32_400.0, "saas_onboarding": 12_000.0, "saas_it": 2_000.0, "years": 10,
              "rate": 0.0, **(defaults or {})}
    slider = slider_maker("150px", "420px")
    controls = {
        "licence": slider(value=params["licence"], min=0, max=200_000, step=5_000,
                          description="licence (€)", readout_format=",.0f"),
        "maintenance_rate": slider(value=params["maintenance_rate"], min=0, max=0.4, step=0.01,
                                   description="maintenance (% of licence)", readout_format=".0%"),
        "subscription": slider(value=params["subscription"], min=5_000, max=80_000, step=600,
                               description="subscription (€/year)", readout_format=",.0f"),
        "rate": slider(value=params["rate"], min=0, max=0.15, step=0.01, description="discount rate",
                       readout_format=".0%"),
        "years": slider(value=params["years"], min=3, max=15, description="years", integer=True),
    }
    fixed = {k: v for k, v in params.items() if k not in controls}

    def draw(ax, **values):
        plot_tco(compute_tco(**fixed, **values), ax)

    output = plot_output(controls, draw, (7.5, 3.8))
    values = list(controls.values())
    return explorer_box(controls, output, columns(values[:3], values[3:]))
