"""AHP explorer (module 04): six pairwise judgements of four criteria -> weights and consistency ratio.

:func:`compute_ahp` returns plain data, :func:`plot_ahp` draws the weights with the consistency verdict, and
:func:`build_ahp_explorer` wires one slider per pair and returns the container. A slider value v > 0 means
"the first criterion is v + 1 times as important", v < 0 "the second is |v| + 1 times as important", 0 "equal":
the Saaty 1-9 scale folded onto one axis.

Examples
--------
>>> result = compute_ahp({("a", "b"): 2, ("a", "c"): 4, ("b", "c"): 2}, ["a", "b", "c"])
>>> [round(w, 3) for w in result["weights"].values()]
[0.571, 0.286, 0.143]
>>> result["acceptable"]
True
>>> slider_to_ratio(-2), slider_to_ratio(0), slider_to_ratio(4)
(0.3333333333333333, 1.0, 5.0)
"""
from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np

from spmcourse import sourcing
from spmcourse.plots import PALETTE, decorate

CR_THRESHOLD = 0.10


def slider_to_ratio(value: int) -> float:
    """Map a slider position -8..8 to a Saaty ratio 1/9..9 (0 is 1, 2 is 3, -2 is 1/3)."""
    return float(value + 1) if value >= 0 else 1.0 / (1 - value)


def compute_ahp(ratios: dict, criteria) -> dict:
    """Weights, λmax, CI and CR from ``ratios[(a, b)]`` = how many times ``a`` is as important as ``b``."""
    criteria = list(criteria)
    n = len(criteria)
    matrix = np.ones((n, n))
    for (a, b), value in ratios.items():
        i, j = criteria.index(a), criteria.index(b)
        matrix[i, j], matrix[j, i] = float(value), 1.0 / float(value)
    weights = sourcing.ahp_weights(matrix)
    cr = sourcing.consistency_ratio(matrix)
    return {"matrix": matrix, "weights": dict(zip(criteria, weights)), "lambda_max": sourcing.lambda_max(matrix),
            "ci": sourcing.consistency_index(matrix), "cr": cr, "acceptable": bool(cr < CR_THRESHOLD)}


def plot_ahp(result: dict, ax=None):
    """Horizontal bars of the weights; the title gives CR and whether it is below 0.10. Returns the axis."""
    ax = ax if ax is not None else plt.gca()
    names = list(result["weights"])[::-1]
    values = [result["weights"][k] for k in names]
    colour = PALETTE["kestrel"] if result["acceptable"] else PALETTE["bad"]
    ax.barh(names, values, color=colour, alpha=0.85)
    for y, v in enumerate(values):
        ax.text(v + 0.01, y, f"{v:.1%}", va="center", fontsize=9)
    verdict = "consistent enough" if result["acceptable"] else "too inconsistent: revisit the judgements"
    decorate(ax, title=f"CR = {result['cr']:.3f}, {verdict}", xlabel="weight (sums to 100 %)")
    ax.title.set_fontsize(10)
    ax.set_xlim(0, max(0.7, max(values) + 0.1))
    ax.grid(axis="y", visible=False)
    return ax


def build_ahp_explorer(criteria=("accuracy", "integration", "compliance", "viability"), initial: dict | None = None):
    """One slider per pair of criteria (-8..8, see :func:`slider_to_ratio`); returns the container.

    ``initial`` maps (a, b) to a starting ratio (for example the product manager's judgements).
    """
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import columns, explorer_box, plot_output, slider_maker

    criteria = list(criteria)
    pairs = list(itertools.combinations(criteria, 2))

    def to_slider(ratio: float) -> int:
        return int(round(ratio - 1)) if ratio >= 1 else -int(round(1 / ratio - 1))

    slider = slider_maker("190px", "440px")
    controls = {}
    for k, (a, b) in enumerate(pairs):
        start = to_slider((initial or {}).get((a, b), 1.0))
        controls[f"p{k}"] = slider(value=start, min=-8, max=8, description=f"{a} vs {b}", integer=True)

    def draw(ax, **values):
        ratios = {pair: slider_to_ratio(values[f"p{k}"]) for k, pair in enumerate(pairs)}
        plot_ahp(compute_ahp(ratios, criteria), ax)

    output = plot_output(controls, draw, (6.5, 3.2))
    note = widgets.HTML("<small>Right of 0: the first criterion matters more (2 = 3 times, 4 = 5 times, "
                        "8 = 9 times); left of 0: the second matters more.</small>")
    values = list(controls.values())
    return explorer_box(controls, output, note, columns(values[:3], values[3:]))
