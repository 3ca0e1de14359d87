"""The ISPMA framework grids (spmcourse.framework) and the framework explorer of lesson 01, without a browser."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from spmcourse import framework  # noqa: E402
from spmcourse.explorers import framework as explorer  # noqa: E402

V2 = framework.sub_areas("v2")
V13 = framework.sub_areas("V1.3")


# --- The grids as the syllabus map records them (shared/syllabus-map.md section 3) ------------------------------

def test_grids_have_the_published_size_per_column():
    assert [len(names) for _, names in framework.GRID_V2.values()] == [7, 8, 5, 6, 6, 4, 4]
    assert [len(names) for _, names in framework.GRID_V13.values()] == [6, 8, 4, 5, 6, 5, 5]
    assert len(V2) == 40 and len(V13) == 39
    assert V2["sub_area"].is_unique and V13["sub_area"].is_unique


def test_columns_sit_in_their_bands():
    for grid in (framework.GRID_V2, framework.GRID_V13):
        bands = [band for band, _ in grid.values()]
        assert bands == ["Participation", "Core", "Core"] + ["Orchestration"] * 4
    assert set(V2["band"]) == set(framework.BANDS) == {"Participation", "Core", "Orchestration"}


def test_lookups_keep_their_documented_behaviour():
    assert framework.band_of("Pricing") == "Core"
    assert framework.column_of("Release Planning") == "Product Planning"
    assert framework.band_of("Market Analysis") == "Participation"
    assert framework.v13_name("Financial Management") == "Business Case and Costing"
    assert framework.v13_name("Roadmapping") == "Roadmapping"
    assert framework.v13_name("Operations") is None
    with pytest.raises(KeyError, match="not a v2 sub-area"):
        framework.band_of("Business Case and Costing")


def test_every_alias_and_new_name_is_consistent_with_the_grids():
    v2, v13 = set(V2["sub_area"]), set(V13["sub_area"])
    assert set(framework.V13_ALIASES) <= v2
    assert set(framework.V13_ALIASES.values()) <= v13
    assert set(framework.NEW_IN_V2) <= v2 and not set(framework.NEW_IN_V2) & v13
    counterparts = set(V2["v13_name"].dropna())
    assert counterparts <= v13
    # the V1.3 sub-areas v2 has no counterpart for: dropped in the update
    assert v13 - counterparts == {"Customer Analysis", "Marketing Support", "Sales Support"}
    for name in v2 - set(framework.NEW_IN_V2) - set(framework.V13_ALIASES):
        assert name in v13, f"{name} keeps its name, so V1.3 must have it"


def test_only_two_columns_were_renamed():
    assert list(framework.GRID_V2)[:5] == list(framework.GRID_V13)[:5]
    renamed = set(framework.GRID_V2) - set(framework.GRID_V13)
    assert renamed == {"Sales and Fulfillment", "Delivery Services and Support"}


def test_spm_responsibility_follows_the_v2_colours():
    owned = {name for name in V2["sub_area"] if framework.spm_responsible(name)}
    core = set(V2.loc[V2["band"] == "Core", "sub_area"])
    assert owned == core | {"Market Analysis", "Product Analysis"}
    assert set(framework.SPM_OWNED_IN_PARTICIPATION) <= set(V2.loc[V2["band"] == "Participation", "sub_area"])
    assert framework.BAND_ROLE == {"Participation": "participates", "Core": "owns", "Orchestration": "orchestrates"}
    assert {n for n in V13["sub_area"] if framework.spm_responsible(n)} == (
        set(V13.loc[V13["band"] == "Core", "sub_area"]) | {"Market Analysis", "Product Analysis"})
    with pytest.raises(KeyError, match="not a sub-area"):
        framework.spm_responsible("Backlog Grooming")


def test_kestrel_examples_name_v2_sub_areas_and_cover_every_band():
    bands = {framework.band_of(area) for _, area in framework.ACTIVITY_EXAMPLES}
    assert bands == set(framework.BANDS)
    activities = [a for a, _ in framework.ACTIVITY_EXAMPLES]
    assert len(activities) == len(set(activities))


def test_raci_has_one_accountable_function_per_activity():
    table = framework.raci()
    assert list(table.columns) == ["sub_area", *framework.FUNCTIONS]
    letters = table[list(framework.FUNCTIONS)]
    assert set(letters.to_numpy().ravel()) <= set("RACI-")
    assert (letters == "A").sum(axis=1).eq(1).all()
    for activity, row in table.iterrows():
        pm_accountable = row["Product management"] == "A"
        assert pm_accountable == framework.spm_responsible(row["sub_area"]), activity


# --- Explorer: compute ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("version", explorer.VERSIONS)
def test_layout_has_one_row_per_sub_area_and_a_unique_position(version):
    layout = explorer.grid_layout(version)
    expected = V2 if version == "v2" else V13
    assert layout["sub_area"].tolist() == expected["sub_area"].tolist()
    assert not layout.duplicated(["x", "y"]).any()
    assert layout["highlighted"].all()
    assert set(layout["pm_role"]) == {"owns", "participates", "orchestrates"}


def test_roles_follow_the_bands_with_the_two_analysis_exceptions():
    layout = explorer.grid_layout("v2").set_index("sub_area")
    assert layout.loc["Corporate Strategy", "pm_role"] == "participates"
    assert layout.loc["Market Analysis", "pm_role"] == "owns"
    assert layout.loc["Product Analysis", "pm_role"] == "owns"
    assert layout.loc["Pricing", "pm_role"] == "owns"
    assert layout.loc["Technical Support", "pm_role"] == "orchestrates"
    assert (layout["pm_role"] == "owns").sum() == 15
    v13 = explorer.grid_layout("V1.3").set_index("sub_area")
    assert v13.loc["Market Analysis", "pm_role"] == "owns" and (v13["pm_role"] == "owns").sum() == 14


def test_filters_highlight_the_matching_rows():
    assert explorer.grid_layout("v2", band="Core")["highlighted"].sum() == 13
    assert explorer.grid_layout("v2", band="Orchestration")["highlighted"].sum() == 20
    assert explorer.grid_layout("V1.3", column="Service & Support")["highlighted"].sum() == 5
    both = explorer.grid_layout("v2", band="Core", column="Marketing")
    assert both["highlighted"].sum() == 0


def test_a_sub_area_is_found_in_either_version():
    v2 = explorer.selection_table(explorer.grid_layout("v2", sub_area="Financial Management"))
    assert v2.to_dict("records") == [{"column": "Product Strategy", "band": "Core",
                                      "sub_area": "Financial Management", "pm_role": "owns",
                                      "counterpart": "Business Case and Costing"}]
    v13 = explorer.selection_table(explorer.grid_layout("V1.3", sub_area="Financial Management"))
    assert v13["sub_area"].tolist() == ["Business Case and Costing"]
    assert v13["counterpart"].tolist() == ["Financial Management"]
    assert explorer.selection_table(explorer.grid_layout("V1.3", sub_area="Operations")).empty


def test_dropped_v13_sub_areas_have_no_counterpart():
    layout = explorer.grid_layout("V1.3").set_index("sub_area")
    assert pd.isna(layout.loc["Customer Analysis", "counterpart"])
    assert layout.loc["Service Provisioning", "counterpart"] == "Service Execution"


def test_bad_filters_are_refused_with_the_valid_choices():
    with pytest.raises(ValueError, match="version"):
        explorer.grid_layout("v3")
    with pytest.raises(ValueError, match="band"):
        explorer.grid_layout("v2", band="Strategy")
    with pytest.raises(ValueError, match="Sales and Fulfillment"):
        explorer.grid_layout("v2", column="Sales & Distribution")


# --- Explorer: plot and builder ---------------------------------------------------------------------------------

@pytest.mark.parametrize("version", explorer.VERSIONS)
def test_plot_draws_one_cell_per_sub_area_and_fades_the_rest(version):
    layout = explorer.grid_layout(version, band="Core")
    fig, ax = plt.subplots()
    assert explorer.plot_grid(layout, ax=ax, title="grid") is ax
    cells = [p for p in ax.patches]
    assert len(cells) == len(layout)
    bright = [p for p in cells if p.get_alpha() == 1.0]
    assert len(bright) == layout["highlighted"].sum()
    labels = {t.get_text().replace("\n", " ") for t in ax.texts}
    assert {"Participation", "Core", "Orchestration"} <= labels
    assert ax.get_title() == "grid"
    plt.close(fig)


def test_builder_swaps_columns_with_the_version_and_redraws(monkeypatch):
    drawn = []
    real_plot = explorer.plot_grid

    def spy(layout, ax=None, title=None):
        drawn.append((title, int(layout["highlighted"].sum())))
        return real_plot(layout, ax=ax, title=title)

    monkeypatch.setattr(explorer, "plot_grid", spy)
    box = explorer.build_framework_explorer()
    c = box.controls
    assert set(c) == {"version", "band", "column", "activity"}
    assert drawn[-1] == ("ISPMA SPM framework v2", 40)
    c["column"].value = "Sales and Fulfillment"
    assert drawn[-1] == ("ISPMA SPM framework v2", 4)
    c["version"].value = "V1.3"
    assert "Sales & Distribution" in c["column"].options and "Sales and Fulfillment" not in c["column"].options
    assert c["column"].value == explorer.ALL_COLUMNS
    assert drawn[-1] == ("ISPMA SPM framework V1.3", 39)
    c["band"].value = "Core"
    assert drawn[-1][1] == 12
    c["band"].value = explorer.ALL_BANDS
    c["activity"].value = "Build the business case for Kestrel Insights"
    assert drawn[-1] == ("ISPMA SPM framework V1.3", 1)
    c["version"].value = "v2"
    assert drawn[-1] == ("ISPMA SPM framework v2", 1)
    plt.close("all")
