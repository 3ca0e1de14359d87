"""A dataset browser for the case company's data (lesson 00).

Pick a dataset and one of its columns; the browser shows a summary table and a chart of how the column's values
are distributed: a histogram for numbers, a bar chart of the most common values for categories, and counts per
month or year for dates.

Three layers, as every explorer in the course:

- :func:`summarise_column` (compute): a DataFrame and a column name in, plain data out;
- :func:`plot_column_summary` (plot): draws that data on a matplotlib axis;
- :func:`build_dataset_browser` (builder): wires the controls with ``interactive_output`` and returns the
  container without displaying it.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"plan": ["Starter", "Growth", "Starter", None], "seats": [5, 40, 12, 8]})
>>> s = summarise_column(df, "plan")
>>> s["kind"], s["counts"]["label"].tolist(), s["counts"]["count"].tolist()
('category', ['Starter', 'Growth'], [2, 1])
>>> summarise_column(df, "seats", bins=2)["counts"]["count"].tolist()
[3, 1]
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

#: Categories shown in the bar chart; rarer values are added up under "(other)".
TOP_CATEGORIES = 12


def _kind(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "category"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    if pd.api.types.is_numeric_dtype(series):
        return "number"
    return "category"


def _format(value) -> str:
    """A summary-table cell as text, so that the table has one column of one type."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):,.4g}" if abs(value) < 1e4 else f"{float(value):,.0f}"
    return str(value)


def summarise_column(df: pd.DataFrame, column: str, *, bins: int = 10, top: int = TOP_CATEGORIES) -> dict:
    """Summarise one column of a dataset.

    Parameters
    ----------
    df : the dataset.
    column : the column to summarise.
    bins : number of equal-width bins for a numeric column.
    top : how many of the most common values of a category column to list before "(other)".

    Returns
    -------
    dict with
      ``kind``: "number", "category" or "date";
      ``summary``: a DataFrame with columns ``statistic`` and ``value`` (values as text);
      ``counts``: a DataFrame with columns ``label`` and ``count`` (histogram bins, top categories, or periods),
      plus ``left`` and ``right`` bin edges for numbers;
      ``column`` and ``rows`` (rows in the dataset).
    """
    if column not in df.columns:
        raise KeyError(f"no column {column!r}; the dataset has {list(df.columns)}")
    if bins < 1:
        raise ValueError("bins must be at least 1")
    series = df[column]
    present = series.dropna()
    kind = _kind(series)
    stats: list[tuple[str, object]] = [("rows", len(series)), ("missing", int(series.isna().sum()))]

    if kind == "number":
        values = present.astype(float)
        stats += [("mean", values.mean()), ("std", values.std()), ("min", values.min()),
                  ("25%", values.quantile(0.25)), ("median", values.median()),
                  ("75%", values.quantile(0.75)), ("max", values.max())]
        if len(values):
            lo, hi = float(values.min()), float(values.max())
            if lo == hi:
                lo, hi = lo - 0.5, hi + 0.5
            counts, edges = np.histogram(values, bins=bins, range=(lo, hi))
        else:
            counts, edges = np.zeros(0, dtype=int), np.zeros(1)
        table = pd.DataFrame({
            "label": [f"{_format(a)} to {_format(b)}" for a, b in zip(edges[:-1], edges[1:])],
            "count": counts.astype(int),
            "left": edges[:-1],
            "right": edges[1:],
        })
    elif kind == "date":
        stats += [("distinct", present.nunique()), ("first", present.min() if len(present) else None),
                  ("last", present.max() if len(present) else None)]
        span_months = 0 if present.empty else (present.max().year - present.min().year) * 12 + (
            present.max().month - present.min().month)
        freq, fmt = ("M", "%Y-%m") if span_months <= 36 else ("Y", "%Y")
        periods = present.dt.to_period(freq).value_counts().sort_index()
        table = pd.DataFrame({"label": [p.strftime(fmt) for p in periods.index],
                              "count": periods.to_numpy(dtype=int)})
    else:
        freq_table = present.astype(str).value_counts()
        stats += [("distinct", len(freq_table))]
        if len(freq_table):
            stats += [("most common", freq_table.index[0]),
                      ("share of most common", f"{freq_table.iloc[0] / len(present):.1%}")]
        shown = freq_table.iloc[:top]
        labels, numbers = list(shown.index), [int(n) for n in shown.to_numpy()]
        if len(freq_table) > top:
            labels.append("(other)")
            numbers.append(int(freq_table.iloc[top:].sum()))
        table = pd.DataFrame({"label": labels, "count": numbers})

    summary = pd.DataFrame({"statistic": [s for s, _ in stats], "value": [_format(v) for _, v in stats]})
    return {"column": column, "kind": kind, "rows": len(series), "summary": summary,
            "counts": table.reset_index(drop=True)}


def plot_column_summary(result: dict, ax=None, *, dataset: str | None = None):
    """Draw the distribution in ``result`` (from :func:`summarise_column`); return the axis."""
    import matplotlib.pyplot as plt

    from spmcourse.plots import PALETTE, decorate

    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 3.6))
    counts = result["counts"]
    title = f"{dataset}: {result['column']}" if dataset else result["column"]
    if counts.empty:
        ax.text(0.5, 0.5, "no values to show", ha="center", va="center", transform=ax.transAxes)
        return decorate(ax, title=title)
    if result["kind"] == "number":
        ax.bar(counts["left"], counts["count"], width=counts["right"] - counts["left"], align="edge",
               color=PALETTE["kestrel"], edgecolor="white")
        decorate(ax, title=title, xlabel=result["column"], ylabel="rows")
    elif result["kind"] == "date":
        ax.bar(range(len(counts)), counts["count"], color=PALETTE["kestrel"])
        step = max(1, len(counts) // 8)
        slanted = len(counts) > 8
        ax.set_xticks(range(0, len(counts), step), counts["label"].iloc[::step],
                      rotation=45 if slanted else 0, ha="right" if slanted else "center")
        decorate(ax, title=title, ylabel="rows")
    else:
        shown = counts.iloc[::-1]
        colours = [PALETTE["neutral"] if label == "(other)" else PALETTE["kestrel"] for label in shown["label"]]
        ax.barh(shown["label"], shown["count"], color=colours)
        decorate(ax, title=title, xlabel="rows")
    return ax


def _identifier(series: pd.Series) -> bool:
    """An id, a name or a title: named ``*_id``, or a text column with a different value in (nearly) every row of
    a table long enough for that to mean something."""
    name = str(series.name).lower()
    if name == "id" or name.endswith("_id"):
        return True
    present = series.notna().sum()
    return _kind(series) == "category" and present > 10 and series.nunique() >= 0.9 * present


def default_column(df: pd.DataFrame) -> str:
    """The column the browser opens on: one whose distribution shows something, not an id.

    The first quantity (a number with more than five distinct values, not a year or an order), else the first
    category with a few values, else the first column that is not an identifier, else the first column.
    """
    candidates = [c for c in df.columns if not _identifier(df[c])]
    for c in candidates:
        name = str(c).lower()
        if (_kind(df[c]) == "number" and df[c].nunique() > 5 and "year" not in name
                and not name.endswith("_order")):
            return c
    for c in candidates:
        if _kind(df[c]) == "category" and 2 <= df[c].nunique() <= TOP_CATEGORIES:
            return c
    return candidates[0] if candidates else df.columns[0]


def _names() -> list[str]:
    from spmcourse import casedata

    for attr in ("DATASETS", "NAMES"):
        names = getattr(casedata, attr, None)
        if names:
            return list(names)
    if hasattr(casedata, "names"):
        return list(casedata.names())
    return sorted(p.stem for p in casedata.DATA_FOLDER.glob("*.csv"))


def build_dataset_browser(datasets: list[str] | None = None,
                          loader: Callable[[str], pd.DataFrame] | None = None, *, bins: int = 10):
    """Build the browser: a dataset picker, a column picker, a bins slider and the output.

    ``datasets`` defaults to every case-study dataset and ``loader`` to ``casedata.load``; tests pass their own.
    Returns the container (an ``ipywidgets.VBox``) without displaying it. Its ``controls`` attribute holds the
    widgets by name (``dataset``, ``column``, ``bins``) and ``output`` the output area. Each dataset opens on
    :func:`default_column`. The bins slider is disabled while the column is not a number.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display
    from spmcourse.explorers._widgets import explorer_box

    if loader is None:
        from spmcourse import casedata

        loader = casedata.load
    names = list(datasets) if datasets is not None else _names()
    if not names:
        raise ValueError("no datasets to browse")
    frames: dict[str, pd.DataFrame] = {}

    def frame(name: str) -> pd.DataFrame:
        if name not in frames:
            frames[name] = loader(name)
        return frames[name]

    style = {"description_width": "initial"}
    dataset = widgets.Dropdown(options=names, value=names[0], description="Dataset", style=style)
    first_columns = list(frame(names[0]).columns)
    column = widgets.Dropdown(options=first_columns, value=default_column(frame(names[0])), description="Column",
                              style=style)
    n_bins = widgets.IntSlider(value=bins, min=3, max=40, description="Bins (numbers)", style=style,
                               continuous_update=False)

    def on_dataset(change) -> None:
        cols = list(frame(change["new"]).columns)
        column.options = cols
        column.value = default_column(frame(change["new"]))

    dataset.observe(on_dataset, names="value")

    def show(name: str, col: str, nb: int) -> None:
        df = frame(name)
        if col not in df.columns:  # the column list is being swapped for the new dataset's
            return
        result = summarise_column(df, col, bins=nb)
        n_bins.disabled = result["kind"] != "number"  # bins only shape a histogram
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
        plot_column_summary(result, ax, dataset=name)
        fig.tight_layout()
        display(result["summary"].set_index("statistic").T)
        display(fig)  # this figure itself: plt.show() shows whatever pyplot holds open at the time, if anything
        plt.close(fig)  # never let figures pile up

    output = widgets.interactive_output(show, {"name": dataset, "col": column, "nb": n_bins})
    controls = {"dataset": dataset, "column": column, "bins": n_bins}
    return explorer_box(controls, output, widgets.HBox([dataset, column, n_bins]))
