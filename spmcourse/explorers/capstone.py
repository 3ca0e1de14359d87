"""Launch-decision explorer (module 12): price, volume, launch delay and discount rate -> the care edition's
NPV, risk-adjusted NPV and the launch rule's answer.

Three layers, as every explorer in the course: :func:`compute_launch_case` returns plain data,
:func:`plot_launch_case` draws it, :func:`build_launch_explorer` wires sliders to them and returns the container.

The price moves the volumes too: the plan's seats are scaled by the price test's share of buyers at the new
price over the share at the plan's price (linear between the tested prices). That is the point of the explorer:
in the combined model a price is never only a price.

>>> from spmcourse.casedata import capstone as cc
>>> data = {name: frame for name, frame in cc.build().items()}
>>> r = compute_launch_case(data, price=11.0, volume=1.0, delay_quarters=0, discount_rate=0.10)
>>> round(r["npv"])
2091435
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from spmcourse import capstone, finance
from spmcourse.plots import PALETTE, decorate, euro_axis

#: The inputs of the launch rule that the sliders do not move (values from the lesson).
FIXED = {"market_growth": 0.0914, "som_eur": 4_573_800.0, "failed_must_gates": ["G2"], "unit_cost": 1.5}


def share_at(price_test, price: float) -> float:
    """Share of respondents who would buy at ``price``, linear between the tested prices (flat outside them)."""
    prices = price_test["price_per_seat_month"].to_numpy(dtype=float)
    shares = (price_test["would_buy"] / price_test["respondents"]).to_numpy(dtype=float)
    return float(np.interp(price, prices, shares))


def compute_launch_case(data: dict, price: float, volume: float, delay_quarters: int, discount_rate: float,
                        fixed: dict | None = None) -> dict:
    """The care edition for one set of slider values.

    ``data`` holds the ``care_plan``, ``care_price_test`` and ``care_risks`` frames. Returns ``table`` (yearly
    flows), ``npv``, ``risk_adjusted_npv``, ``year3_share_of_som`` and ``decision`` (the lesson's rule), plus
    the inputs.
    """
    fx = {**FIXED, **(fixed or {})}
    plan, test = data["care_plan"], data["care_price_test"]
    plan_price = float(plan["price_per_seat_month"].iloc[0])
    factor = volume * share_at(test, price) / share_at(test, plan_price)
    table = capstone.plan_flows(plan, price, seat_factor=factor, delay_years=delay_quarters / 4,
                               unit_cost=fx["unit_cost"])
    flows = table["net_cash_flow"].to_numpy()
    table["cumulative_discounted"] = (flows * finance.discount_factors(discount_rate, flows.size)).cumsum()
    npv = finance.npv(discount_rate, flows)
    risks = capstone.risk_plan(data["care_risks"])
    adjusted = capstone.risk_adjusted_npv(npv, risks.loc[risks["funded"], "mitigation_cost_eur"].sum(),
                                          risks["residual"].sum(), discount_rate)
    som_share = float(table["revenue"].loc[3]) / fx["som_eur"]
    decision = capstone.decide(market_growth=fx["market_growth"], risk_adjusted_npv=adjusted,
                               plan_within_som=som_share <= 1, failed_must_gates=fx["failed_must_gates"])
    return {"table": table, "npv": npv, "risk_adjusted_npv": adjusted, "year3_share_of_som": som_share,
            "decision": decision, "price": price, "volume": volume, "delay_quarters": delay_quarters,
            "discount_rate": discount_rate}


def plot_launch_case(result: dict, ax=None):
    """Bars of the yearly net cash flow, a line of the cumulative discounted flow, the decision in the title."""
    ax = ax if ax is not None else plt.gca()
    table = result["table"]
    years = table.index.to_numpy()
    flows = table["net_cash_flow"].to_numpy()
    ax.bar(years, flows, color=np.where(flows >= 0, PALETTE["good"], PALETTE["bad"]), alpha=0.75,
           label="net cash flow")
    ax.plot(years, table["cumulative_discounted"], marker="o", color=PALETTE["kestrel"],
            label="cumulative discounted")
    ax.axhline(0, color=PALETTE["neutral"], linewidth=0.8)
    decorate(ax, title=(f"NPV €{result['npv']:,.0f} · risk-adjusted €{result['risk_adjusted_npv']:,.0f} · "
                        f"year 3 = {result['year3_share_of_som']:.0%} of SOM → {result['decision']}"),
             xlabel="project year (0 = 2026, the build year)", ylabel="cash flow", legend=True)
    ax.title.set_fontsize(9)
    ax.set_xticks(years)
    euro_axis(ax, "y", "k")
    return ax


def build_launch_explorer(data: dict, *, price: float = 11.0, volume: float = 1.0, delay_quarters: int = 0,
                          discount_rate: float = 0.10):
    """Sliders for price, volume, launch delay and discount rate wired to the chart; returns the container."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import figure_updater

    style = {"description_width": "150px"}
    layout = widgets.Layout(width="420px")
    controls = {
        "price": widgets.FloatSlider(value=price, min=8, max=14, step=0.5, description="price (€/seat/month)",
                                     style=style, layout=layout, continuous_update=False),
        "volume": widgets.FloatSlider(value=volume, min=0.3, max=1.5, step=0.05, description="volume vs plan",
                                      readout_format=".0%", style=style, layout=layout, continuous_update=False),
        "delay_quarters": widgets.IntSlider(value=delay_quarters, min=0, max=6, description="launch delay (quarters)",
                                            style=style, layout=layout, continuous_update=False),
        "discount_rate": widgets.FloatSlider(value=discount_rate, min=0.0, max=0.3, step=0.01,
                                             description="discount rate", readout_format=".0%", style=style,
                                             layout=layout, continuous_update=False),
    }

    def draw(ax, price, volume, delay_quarters, discount_rate):
        plot_launch_case(compute_launch_case(data, price, volume, delay_quarters, discount_rate), ax)

    output = widgets.interactive_output(figure_updater(draw, (7.5, 3.8)), controls)
    box = widgets.VBox([widgets.HBox([widgets.VBox(list(controls.values())[:2]),
                                      widgets.VBox(list(controls.values())[2:])]), output])
    box.controls = controls
    box.output = output
    return box
