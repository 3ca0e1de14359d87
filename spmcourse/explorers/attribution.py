"""Attribution explorer (module 10): attribution rule -> credit, CAC and marketing ROI per channel.

- :func:`compute_attribution` returns one row per channel (plain data);
- :func:`plot_attribution` draws the credit per channel as bars, with the other rules' credit as markers;
- :func:`build_attribution_explorer` wires a rule and a measure to the chart and returns the container.

Examples
--------
>>> import pandas as pd
>>> touches = pd.DataFrame({"customer_id": ["A", "A", "B"], "touch_number": [1, 2, 1],
...                         "channel": ["search", "email", "search"]})
>>> table = compute_attribution(touches, "last", spend={"search": 100.0, "email": 10.0})
>>> table[["customers", "cac"]].to_dict("index")
{'email': {'customers': 1.0, 'cac': 10.0}, 'search': {'customers': 1.0, 'cac': 100.0}}
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from spmcourse import marketing
from spmcourse.plots import PALETTE, decorate

GROSS_MARGIN = 0.80  # Kestrel's gross margin on subscription revenue (the course's assumption)


def compute_attribution(touches: pd.DataFrame, rule: str, *, spend=None, value: pd.Series | None = None,
                        gross_margin: float = GROSS_MARGIN) -> pd.DataFrame:
    """One row per channel: customers credited (and ``value`` credited) under ``rule``, spend, CAC and ROI.

    ``spend`` maps channel -> EUR (channels without spend get NaN CAC and ROI); ``value`` is indexed by
    ``customer_id`` (for example first-year ARR). ROI = (credited value x gross_margin - spend) / spend.
    """
    table = pd.DataFrame({"customers": marketing.attribution_credit(touches, rule)})
    table["value"] = (marketing.attribution_credit(touches, rule, value=value) if value is not None
                      else np.nan)
    table["spend"] = pd.Series(dict(spend) if spend is not None else {}, dtype=float).reindex(table.index)
    table["cac"] = table["spend"] / table["customers"].replace(0, np.nan)
    table["roi"] = (table["value"] * gross_margin - table["spend"]) / table["spend"]
    return table


def plot_attribution(touches: pd.DataFrame, rule: str, measure: str = "customers", *, spend=None,
                     value: pd.Series | None = None, ax=None):
    """Bars: ``measure`` per channel under ``rule``; markers: the same measure under the other rules."""
    ax = ax if ax is not None else plt.gca()
    tables = {r: compute_attribution(touches, r, spend=spend, value=value) for r in marketing.RULES}
    order = tables["linear"].index.tolist()
    x = np.arange(len(order))
    ax.bar(x, tables[rule][measure].reindex(order), color=PALETTE["kestrel"], alpha=0.85, label=f"{rule} touch")
    markers = {"first": "v", "last": "^", "linear": "o"}
    for other in marketing.RULES:
        if other != rule:
            ax.plot(x, tables[other][measure].reindex(order), markers[other], color=PALETTE["accent"]
                    if other == "first" else PALETTE["neutral"], label=f"{other} touch", linestyle="none")
    if measure == "roi":
        ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, order, rotation=20)
    labels = {"customers": "customers credited", "value": "first-year ARR credited (EUR)",
              "cac": "CAC (EUR per customer)", "roi": "marketing ROI"}
    decorate(ax, title=f"{labels[measure].capitalize()} by channel, {rule}-touch rule", ylabel=labels[measure],
             legend=True)
    return ax


def build_attribution_explorer(touches: pd.DataFrame, *, spend=None, value: pd.Series | None = None,
                               rule: str = "linear", measure: str = "customers"):
    """A rule and a measure wired to the channel chart; returns the container (not displayed)."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import explorer_box, plot_output

    measures = ["customers", "cac"] + (["value", "roi"] if value is not None else [])
    controls = {
        "rule": widgets.ToggleButtons(options=list(marketing.RULES), value=rule, description="rule"),
        "measure": widgets.Dropdown(options=measures, value=measure, description="measure"),
    }

    def draw(ax, rule, measure):
        plot_attribution(touches, rule, measure, spend=spend, value=value, ax=ax)

    output = plot_output(controls, draw, (7.5, 3.8))
    return explorer_box(controls, output, widgets.HBox(list(controls.values())))
