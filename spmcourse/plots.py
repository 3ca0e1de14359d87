"""Plot styling and small helpers shared by every lesson.

Lessons call :func:`use_course_style` once; importing this module changes nothing.
"""
from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

#: The course palette: one colour per role, so that "Kestrel" is the same colour in every lesson.
PALETTE = {
    "kestrel": "#1f5f8b",
    "accent": "#e07a1f",
    "good": "#2e8b57",
    "bad": "#c0392b",
    "neutral": "#7f8c8d",
    "light": "#d5e3ee",
}


def use_course_style() -> None:
    """Apply the course's plot style (readable sizes, no top/right spines, a light grid)."""
    mpl.rcParams.update({
        "figure.figsize": (7.5, 4.0),
        "figure.dpi": 100,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        "axes.labelsize": 10,
        "legend.frameon": False,
        "axes.prop_cycle": mpl.cycler(color=[PALETTE["kestrel"], PALETTE["accent"], PALETTE["good"],
                                             PALETTE["bad"], PALETTE["neutral"]]),
    })


def decorate(ax=None, *, title: str | None = None, xlabel: str | None = None, ylabel: str | None = None,
             legend: bool | None = None, **kwargs):
    """Label an axis in one call and return it.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = decorate(title="MRR by month", ylabel="EUR")
    >>> ax.get_title()
    'MRR by month'
    """
    ax = ax if ax is not None else plt.gca()
    if title is not None:
        ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if kwargs:
        ax.set(**kwargs)
    handles, _ = ax.get_legend_handles_labels()
    if legend or (legend is None and handles):
        ax.legend()
    return ax


def euro_axis(ax, axis: str = "y", scale: str = "") -> None:
    """Format an axis as euros; ``scale`` is ``""``, ``"k"`` (thousands) or ``"M"`` (millions)."""
    divisor = {"": 1, "k": 1e3, "M": 1e6}[scale]
    fmt = mpl.ticker.FuncFormatter(lambda v, _: f"€{v / divisor:,.0f}{scale}" if divisor != 1 else f"€{v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)
