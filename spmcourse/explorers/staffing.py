"""Staffing explorer (module 11): arrival rate, handling time and target -> agents needed and service level.

Three layers, as every explorer in the course:

- :func:`compute_staffing` returns plain data (the Erlang C table and the smallest team meeting the target);
- :func:`plot_staffing` draws the service level for each team size against the target;
- :func:`build_staffing_explorer` wires sliders to them with ``interactive_output`` and returns the container.

Examples
--------
>>> result = compute_staffing(arrivals_per_hour=24.85, aht_seconds=384, target_seconds=20, target_level=0.8)
>>> result["agents_needed"]
5
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from spmcourse import service
from spmcourse.plots import PALETTE, decorate


def compute_staffing(arrivals_per_hour: float, aht_seconds: float, target_seconds: float = 20.0,
                     target_level: float = 0.8) -> dict:
    """Erlang C for every team size from just above the load to a few agents past the answer.

    Returns ``load`` (Erlangs), ``agents_needed``, ``table`` (DataFrame indexed by agents: p_wait,
    service_level, asa_seconds, occupancy) and the inputs.
    """
    load = service.offered_load(arrivals_per_hour, aht_seconds)
    needed = service.agents_needed(arrivals_per_hour, aht_seconds, target_seconds, target_level)
    low = max(1, math.floor(load))
    table = service.staffing_table(arrivals_per_hour, aht_seconds, target_seconds,
                                   agents=range(low, max(needed + 4, low + 6)))
    return {"load": load, "agents_needed": needed, "table": table, "arrivals_per_hour": arrivals_per_hour,
            "aht_seconds": aht_seconds, "target_seconds": target_seconds, "target_level": target_level}


def plot_staffing(result: dict, ax=None):
    """Bars: service level per team size (the smallest team meeting the target highlighted); line: occupancy."""
    ax = ax if ax is not None else plt.gca()
    table = result["table"]
    agents = table.index.to_numpy()
    colours = np.where(agents == result["agents_needed"], PALETTE["good"],
                       np.where(table["service_level"] >= result["target_level"], PALETTE["light"],
                                PALETTE["kestrel"]))
    ax.bar(agents, table["service_level"], color=colours, label="service level")
    ax.plot(agents, table["occupancy"], marker="o", color=PALETTE["accent"], label="agent occupancy")
    ax.axhline(result["target_level"], color=PALETTE["bad"], linestyle="--", linewidth=1,
               label=f"target {result['target_level']:.0%} in {result['target_seconds']:.0f} s")
    ax.set_ylim(0, 1.05)
    ax.set_xticks(agents)
    decorate(ax, title=f"Load {result['load']:.2f} Erlangs: {result['agents_needed']} agents meet the target",
             xlabel="agents on the phones", ylabel="share", legend=True)
    ax.legend(loc="lower right", fontsize=8)
    return ax


def build_staffing_explorer(*, arrivals_per_hour: float = 24.85, aht_seconds: float = 384.0,
                            target_seconds: float = 20.0, target_level: float = 0.8):
    """Sliders for arrivals, handling time and the target wired to the chart; returns the container."""
    from spmcourse.explorers._widgets import columns, explorer_box, plot_output, slider_maker

    slider = slider_maker("150px", "420px")
    controls = {
        "arrivals_per_hour": slider(value=arrivals_per_hour, min=2, max=120, step=0.5,
                                    description="calls per hour"),
        "aht_seconds": slider(value=aht_seconds, min=60, max=1200, step=6, description="handling time (s)"),
        "target_seconds": slider(value=target_seconds, min=5, max=120, step=5, description="answer within (s)"),
        "target_level": slider(value=target_level, min=0.5, max=0.99, step=0.01, description="share answered",
                               readout_format=".0%"),
    }

    def draw(ax, arrivals_per_hour, aht_seconds, target_seconds, target_level):
        plot_staffing(compute_staffing(arrivals_per_hour, aht_seconds, target_seconds, target_level), ax)

    output = plot_output(controls, draw, (7.5, 3.8))
    values = list(controls.values())
    return explorer_box(controls, output, columns(values[:2], values[2:]))
