"""Explorer for module 01: the ISPMA framework grid, coloured by band, with a selection highlighted.

Three layers, as for every explorer:

- :func:`grid_layout` (compute) returns one row per sub-area of a framework version, with its position in the
  grid, the product manager's role in it and whether the current selection highlights it;
- :func:`plot_grid` (plot) draws that table as a grid of coloured cells and returns the axes;
- :func:`build_framework_explorer` (wiring) joins a version toggle, band and column filters and a Kestrel
  activity picker to them with ``interactive_output`` and returns the container, not displayed.

Examples
--------
>>> layout = grid_layout("v2", band="Core")
>>> int(layout["highlighted"].sum())
13
>>> layout.set_index("sub_area").loc["Market Analysis", "pm_role"]
'owns'
"""
from __future__ import annotations

import textwrap

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, display
from matplotlib.patches import Patch, Rectangle

from spmcourse import framework
from spmcourse.explorers._widgets import explorer_box
from spmcourse.plots import PALETTE

VERSIONS = ("v2", "V1.3")
ALL_BANDS, ALL_COLUMNS, NO_ACTIVITY = "all bands", "all columns", "(no activity)"

#: Cell colours: the product manager's own cells in the course blue, the other two bands in quieter tones.
BAND_COLOURS = {"Participation": "#b9c3c9", "Core": PALETTE["kestrel"], "Orchestration": "#f3c892"}
#: Sub-areas of the Participation band that the product manager owns: a lighter shade of the Core colour.
OWNED_IN_PARTICIPATION_COLOUR = "#4f86ad"
#: Band labels under the grid, darker than the cells so that they read on white.
BAND_LABEL_COLOURS = {"Participation": "#5d6d75", "Core": PALETTE["kestrel"], "Orchestration": PALETTE["accent"]}
LEGEND = (
    ("Participation: executives own, the PM takes part", BAND_COLOURS["Participation"]),
    ("Owned by the PM inside Participation", OWNED_IN_PARTICIPATION_COLOUR),
    ("Core: the PM owns", BAND_COLOURS["Core"]),
    ("Orchestration: other functions own, the PM coordinates", BAND_COLOURS["Orchestration"]),
)


def _grid(version: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {VERSIONS}, not {version!r}")
    return framework.GRID_V2 if version == "v2" else framework.GRID_V13


def _counterparts(version: str) -> dict[str, str | None]:
    """Sub-area of ``version`` -> its name in the other version (None if it has no counterpart)."""
    v2_to_v13 = {name: framework.v13_name(name) for name in framework.sub_areas("v2")["sub_area"]}
    if version == "v2":
        return v2_to_v13
    v13_to_v2 = {old: new for new, old in v2_to_v13.items() if old is not None}
    return {name: v13_to_v2.get(name) for name in framework.sub_areas("V1.3")["sub_area"]}


def grid_layout(version: str = "v2", band: str | None = None, column: str | None = None,
                sub_area: str | None = None) -> pd.DataFrame:
    """One row per sub-area of the ``version`` grid, with what :func:`plot_grid` needs.

    Columns: ``column``, ``band``, ``sub_area``, ``x`` (column position), ``y`` (position in the column),
    ``pm_role`` ("owns", "participates" or "orchestrates"), ``counterpart`` (the name in the other version;
    missing where there is none), ``highlighted`` (True when the row matches every filter given).

    ``band`` and ``column`` filter by band and column; ``sub_area`` (a v2 name, as in
    :data:`spmcourse.framework.ACTIVITY_EXAMPLES`) highlights that one sub-area, or in V1.3 its counterpart.
    """
    grid = _grid(version)
    if band is not None and band not in framework.BANDS:
        raise ValueError(f"band must be one of {framework.BANDS}, not {band!r}")
    if column is not None and column not in grid:
        raise ValueError(f"{column!r} is not a column of the {version} grid; columns: {', '.join(grid)}")
    rows = []
    for x, (col, (col_band, names)) in enumerate(grid.items()):
        for y, name in enumerate(names):
            role = "owns" if framework.spm_responsible(name) else framework.BAND_ROLE[col_band]
            rows.append({"column": col, "band": col_band, "sub_area": name, "x": x, "y": y, "pm_role": role})
    df = pd.DataFrame(rows)
    df["counterpart"] = df["sub_area"].map(_counterparts(version))
    keep = pd.Series(True, index=df.index)
    if band is not None:
        keep &= df["band"] == band
    if column is not None:
        keep &= df["column"] == column
    if sub_area is not None:
        target = sub_area if version == "v2" else framework.v13_name(sub_area)
        keep &= df["sub_area"] == target
    df["highlighted"] = keep
    return df


def plot_grid(layout: pd.DataFrame, ax=None, title: str | None = None):
    """Draw a :func:`grid_layout` table as the framework grid; cells not highlighted are faded. Returns the axes."""
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 5.6))
    n_cols = int(layout["x"].max()) + 1
    n_rows = int(layout["y"].max()) + 1
    for row in layout.itertuples():
        owned_here = row.band == "Participation" and row.pm_role == "owns"
        colour = OWNED_IN_PARTICIPATION_COLOUR if owned_here else BAND_COLOURS[row.band]
        alpha = 1.0 if row.highlighted else 0.18
        ax.add_patch(Rectangle((row.x + 0.03, -row.y - 0.95), 0.94, 0.9, facecolor=colour, alpha=alpha,
                               edgecolor=PALETTE["kestrel"] if owned_here else "white",
                               linewidth=2.0 if owned_here else 1.0))
        dark = row.band == "Core" or owned_here
        ax.text(row.x + 0.5, -row.y - 0.5, textwrap.fill(row.sub_area, 17), ha="center", va="center",
                fontsize=7, color="white" if dark and row.highlighted else "#222222",
                alpha=1.0 if row.highlighted else 0.45, fontweight="bold" if row.highlighted else "normal")
    headers = layout.drop_duplicates("column")
    for row in headers.itertuples():
        ax.text(row.x + 0.5, 0.15, textwrap.fill(row.column, 14), ha="center", va="bottom", fontsize=8.5,
                fontweight="bold")
    for band in framework.BANDS:
        xs = headers.loc[headers["band"] == band, "x"]
        if len(xs):
            ax.text((xs.min() + xs.max() + 1) / 2, -n_rows - 0.35, band, ha="center", va="top", fontsize=10,
                    fontweight="bold", color=BAND_LABEL_COLOURS[band])
            ax.plot([xs.min() + 0.05, xs.max() + 0.95], [-n_rows - 0.2] * 2, color="#555555", linewidth=1)
    ax.set_xlim(0, n_cols)
    ax.set_ylim(-n_rows - 1.0, 1.1)
    ax.set_axis_off()
    ax.legend(handles=[Patch(facecolor=colour, label=label) for label, colour in LEGEND],
              loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=2, fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def selection_table(layout: pd.DataFrame) -> pd.DataFrame:
    """The highlighted rows of a :func:`grid_layout` table, ready to show under the plot."""
    cols = ["column", "band", "sub_area", "pm_role", "counterpart"]
    return layout.loc[layout["highlighted"], cols].reset_index(drop=True)


def build_framework_explorer() -> widgets.VBox:
    """Controls (version, band, column, a Kestrel activity) wired to the grid plot and the sub-area list.

    Returns the container (an ``ipywidgets.VBox``) without displaying it. Its ``controls`` attribute holds the
    widgets by name (``version``, ``band``, ``column``, ``activity``) and ``output`` the output area.
    """
    version = widgets.ToggleButtons(options=list(VERSIONS), value="v2", description="Version")
    band = widgets.Dropdown(options=[ALL_BANDS, *framework.BANDS], value=ALL_BANDS, description="Band")
    column = widgets.Dropdown(options=[ALL_COLUMNS, *framework.GRID_V2], value=ALL_COLUMNS, description="Column")
    activity = widgets.Dropdown(options=[NO_ACTIVITY, *(a for a, _ in framework.ACTIVITY_EXAMPLES)],
                                value=NO_ACTIVITY, description="Activity", layout=widgets.Layout(width="640px"))
    areas = dict(framework.ACTIVITY_EXAMPLES)

    def on_version(change) -> None:
        columns = list(_grid(change["new"]))
        keep = column.value if column.value in columns else ALL_COLUMNS
        column.options = [ALL_COLUMNS, *columns]
        column.value = keep

    version.observe(on_version, names="value")

    def show(version: str, band: str, column: str, activity: str) -> None:
        if column != ALL_COLUMNS and column not in _grid(version):  # the column list is being swapped
            return
        layout = grid_layout(version, band=None if band == ALL_BANDS else band,
                             column=None if column == ALL_COLUMNS else column, sub_area=areas.get(activity))
        fig, ax = plt.subplots(figsize=(11, 5.6))
        plot_grid(layout, ax=ax, title=f"ISPMA SPM framework {version}")
        display(fig)
        plt.close(fig)
        chosen = selection_table(layout)
        if activity != NO_ACTIVITY:
            where = (f"sits in <b>{chosen.at[0, 'sub_area']}</b> ({chosen.at[0, 'column']}, "
                     f"{chosen.at[0, 'band']}): the product manager <b>{chosen.at[0, 'pm_role']}</b>."
                     if len(chosen) else "has no place in this selection: its sub-area is new in v2, or "
                     "outside the band or column you chose.")
            display(HTML(f"<p>“{activity}” {where}</p>"))
        if len(chosen) == len(layout):
            display(HTML(f"<p>{len(layout)} sub-areas. Pick a band, a column or an activity to list some.</p>"))
            return
        other = "V1.3 name" if version == "v2" else "v2 name"
        table = chosen.rename(columns={"sub_area": "sub-area", "pm_role": "PM role", "counterpart": other})
        display(HTML(table.fillna("(none)").to_html(index=False)))

    output = widgets.interactive_output(show, {"version": version, "band": band, "column": column,
                                               "activity": activity})
    controls = {"version": version, "band": band, "column": column, "activity": activity}
    return explorer_box(controls, output, widgets.HBox([version, band, column]), activity)
