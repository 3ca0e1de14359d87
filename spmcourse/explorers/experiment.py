"""Experiment explorer (module 03): baseline rate, true effect, sample size and alpha -> power and p-values.

- :func:`compute_experiment` returns plain data: the analytic power, the sample size needed for 80 % power, the
  minimum detectable effect at this sample size, and the p-values of simulated experiments;
- :func:`plot_experiment` draws the p-value distribution with the significance threshold;
- :func:`build_experiment_explorer` wires sliders to them and returns the container.

Examples
--------
>>> result = compute_experiment(baseline=0.10, effect=0.02, n_per_group=2000, runs=400)
>>> 0.5 < result["power"] < 0.9 and abs(result["simulated_power"] - result["power"]) < 0.1
True
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from spmcourse import analytics
from spmcourse.plots import PALETTE, decorate


def compute_experiment(baseline: float, effect: float, n_per_group: int, *, alpha: float = 0.05,
                       runs: int = 1000, seed: int = 3) -> dict:
    """One experiment design: control rate ``baseline``, treatment rate ``baseline + effect`` (absolute).

    ``effect = 0`` is an A/A test: then ``power`` is the false-positive rate, alpha.
    """
    treatment = min(max(baseline + effect, 0.0), 1.0)
    p_values = analytics.simulate_p_values(baseline, treatment, n_per_group, runs=runs, seed=seed)
    power = (analytics.power_two_proportions(baseline, treatment, n_per_group, alpha=alpha) if effect
             else alpha)
    required = analytics.sample_size_per_group(baseline, treatment, alpha=alpha) if effect else None
    return {"baseline": baseline, "effect": effect, "n_per_group": n_per_group, "alpha": alpha,
            "power": power, "simulated_power": float(np.mean(p_values < alpha)), "p_values": p_values,
            "required_n": required,
            "mde": analytics.minimum_detectable_effect(baseline, n_per_group, alpha=alpha)}


def plot_experiment(result: dict, ax=None):
    """Histogram of the simulated p-values; the bars left of alpha are the experiments that 'win'."""
    ax = ax if ax is not None else plt.gca()
    bins = np.linspace(0, 1, 41)
    counts, edges = np.histogram(result["p_values"], bins=bins)
    colours = [PALETTE["good"] if left < result["alpha"] else PALETTE["neutral"] for left in edges[:-1]]
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color=colours, alpha=0.85)
    ax.axvline(result["alpha"], color=PALETTE["bad"], linestyle="--", label=f"alpha = {result['alpha']:.2f}")
    needed = "n/a (no effect)" if result["required_n"] is None else f"{result['required_n']:,}"
    decorate(ax, title=f"power {result['power']:.0%} (simulated {result['simulated_power']:.0%}) · "
                       f"n for 80 %: {needed} · MDE {result['mde']:.1%} pts",
             xlabel="p-value of a simulated experiment", ylabel="experiments", legend=True)
    ax.title.set_fontsize(10)
    return ax


def build_experiment_explorer(*, baseline: float = 0.15, effect: float = 0.015, n_per_group: int = 2000,
                              alpha: float = 0.05):
    """Sliders for baseline, effect, users per group and alpha wired to the p-value chart; returns the container."""
    from spmcourse.explorers._widgets import columns, explorer_box, plot_output, slider_maker

    slider = slider_maker("140px", "420px")
    controls = {
        "baseline": slider(value=baseline, min=0.01, max=0.60, step=0.01, readout_format=".0%",
                           description="control rate"),
        "effect": slider(value=effect, min=0.0, max=0.10, step=0.0025, readout_format=".2%",
                         description="true effect (abs.)"),
        "n_per_group": slider(value=n_per_group, min=200, max=20_000, step=200, description="users per group",
                              integer=True),
        "alpha": slider(value=alpha, min=0.01, max=0.10, step=0.01, description="alpha"),
    }

    def draw(ax, baseline, effect, n_per_group, alpha):
        plot_experiment(compute_experiment(baseline, effect, n_per_group, alpha=alpha), ax)

    output = plot_output(controls, draw, (7.5, 3.8))
    values = list(controls.values())
    return explorer_box(controls, output, columns(values[:2], values[2:]))
