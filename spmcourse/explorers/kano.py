"""Kano explorer (module 07): feature and segment -> answer distribution, category, Berger coefficients, plot.

Pick a feature and a segment of respondents; the explorer classifies every answer pair with the Kano evaluation
table, counts the categories, names the majority category (ties M > O > A > I > R, see :mod:`spmcourse.kano`)
and places every feature on Berger's satisfaction/dissatisfaction plot, the chosen one highlighted.

Examples
--------
>>> import pandas as pd
>>> survey = pd.DataFrame({"segment": ["SMB", "SMB", "Enterprise"],
...     "kano_x_functional": ["like", "neutral", "neutral"], "kano_x_dysfunctional": ["dislike", "dislike", "neutral"]})
>>> r = compute_kano(survey, "x", features=("x",))
>>> r["category"], r["counts"]["M"], r["n"], round(r["cs_plus"], 3), round(r["cs_minus"], 3)
('M', 1, 3, 0.333, -0.667)
>>> compute_kano(survey, "x", "SMB", features=("x",))["category"]    # one O and one M: the tie-break says M
'M'
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from spmcourse import kano
from spmcourse.plots import PALETTE, decorate

SEGMENT_CHOICES = ("All", "SMB", "Mid-Market", "Enterprise")
_COLOURS = {"A": PALETTE["good"], "O": PALETTE["kestrel"], "M": PALETTE["bad"], "I": PALETTE["neutral"],
            "R": PALETTE["accent"], "Q": PALETTE["light"]}


def _features(survey: pd.DataFrame) -> tuple[str, ...]:
    return tuple(c[len("kano_"):-len("_functional")] for c in survey.columns
                 if c.startswith("kano_") and c.endswith("_functional"))


def compute_kano(survey: pd.DataFrame, feature: str, segment: str = "All", features=None) -> dict:
    """Counts, shares, category and coefficients of ``feature`` among the respondents of ``segment``.

    Returns ``feature``, ``segment``, ``n``, ``counts`` and ``shares`` (dicts over A, O, M, I, R, Q),
    ``category``, ``category_name``, ``cs_plus``, ``cs_minus`` and ``table`` (all features, as
    :func:`spmcourse.kano.kano_table`)."""
    rows = survey if segment == "All" else survey[survey["segment"] == segment]
    table = kano.kano_table(rows, features or _features(survey))
    row = table.loc[feature]
    counts = {c: int(row[c]) for c in kano.CATEGORIES}
    n = sum(counts.values())
    return {"feature": feature, "segment": segment, "n": n, "counts": counts,
            "shares": {c: counts[c] / n for c in kano.CATEGORIES}, "category": row["category"],
            "category_name": kano.CATEGORY_NAMES[row["category"]], "cs_plus": float(row["cs_plus"]),
            "cs_minus": float(row["cs_minus"]), "table": table}


def plot_kano(result: dict, ax=None):
    """Berger plot of every feature (x = CS+, y = |CS-|), the chosen feature highlighted, and its answer
    distribution as an inset bar chart."""
    ax = ax if ax is not None else plt.gca()
    table = result["table"]
    ax.axvline(0.5, color=PALETTE["neutral"], linewidth=0.8)
    ax.axhline(0.5, color=PALETTE["neutral"], linewidth=0.8)
    for quadrant, x, y in (("attractive", 0.98, 0.02), ("one-dimensional", 0.98, 0.98),
                           ("must-be", 0.02, 0.98), ("indifferent", 0.02, 0.02)):
        ax.text(x, y, quadrant, transform=ax.transAxes, ha="right" if x > 0.5 else "left",
                va="top" if y > 0.5 else "bottom", fontsize=8, color=PALETTE["neutral"], style="italic")
    for k, (name, r) in enumerate(table.iterrows()):
        chosen = name == result["feature"]
        ax.scatter(r["cs_plus"], -r["cs_minus"], s=90 if chosen else 40, zorder=3,
                   color=_COLOURS[r["category"]], edgecolor="black" if chosen else "none")
        ax.annotate(name, (r["cs_plus"], -r["cs_minus"]), xytext=(5, 4 if k % 2 == 0 else -11), textcoords="offset points",
                    fontsize=8, fontweight="bold" if chosen else "normal")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    decorate(ax, title=(f"{result['feature']} ({result['segment']}, n = {result['n']}): "
                        f"{result['category_name']}, CS+ {result['cs_plus']:.2f}, CS- {result['cs_minus']:.2f}"),
             xlabel="satisfaction coefficient CS+ (better if present)",
             ylabel="|CS-| (worse if absent)")
    inset = ax.inset_axes([1.05, 0.05, 0.25, 0.3])   # beside the plot: a feature can fall anywhere on it
    cats = list(kano.CATEGORIES)
    inset.bar(range(len(cats)), [result["shares"][c] for c in cats], color=[_COLOURS[c] for c in cats])
    inset.set_xticks(range(len(cats)), cats)
    inset.set_ylim(0, 1)
    inset.set_title("answer categories", fontsize=7)
    inset.tick_params(labelsize=7)
    inset.grid(False)
    return ax


def build_kano_explorer(survey: pd.DataFrame | None = None, feature: str = "sso", segment: str = "Enterprise"):
    """Feature and segment dropdowns wired to the Berger plot; returns the container (not displayed).

    ``survey`` defaults to the case company's (``casedata.load("survey_responses")``). It opens on the lesson's
    headline case, single sign-on for Enterprise buyers (a must-be), when the survey has that feature."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import explorer_box, plot_output

    if survey is None:
        from spmcourse.casedata import load
        survey = load("survey_responses")
    features = _features(survey)
    controls = {
        "feature": widgets.Dropdown(options=list(features), value=feature if feature in features else features[0],
                                    description="feature"),
        "segment": widgets.Dropdown(options=list(SEGMENT_CHOICES),
                                    value=segment if segment in SEGMENT_CHOICES else "All", description="segment"),
    }

    def draw(ax, feature, segment):
        plot_kano(compute_kano(survey, feature, segment, features), ax)

    output = plot_output(controls, draw, (7.5, 5.5))
    return explorer_box(controls, output, widgets.HBox(list(controls.values())))
