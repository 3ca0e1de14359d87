"""The dataset browser of lesson 00: compute, plot and builder, without a browser."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")


import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import spmcourse.explorers.casedata as explorer_module  # noqa: E402
from spmcourse.explorers.casedata import (  # noqa: E402
    TOP_CATEGORIES,
    build_dataset_browser,
    plot_column_summary,
    summarise_column,
)


@pytest.fixture()
def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [f"C{i:03d}" for i in range(8)],
        "segment": ["SMB", "SMB", "Mid-market", "SMB", "Enterprise", "Mid-market", "SMB", None],
        "seats": [5, 12, 40, 8, 300, 55, 3, 10],
        "mrr_eur": [60.0, 144.0, 640.0, np.nan, 4500.0, 880.0, 36.0, 120.0],
        "signup_date": pd.to_datetime(["2023-01-10", "2023-01-20", "2023-02-01", "2023-04-15",
                                       "2023-04-30", "2023-05-02", "2023-05-03", "2023-05-31"]),
        "active": [True, True, False, True, True, True, False, True],
    })


def _stat(result: dict, name: str) -> str:
    table = result["summary"].set_index("statistic")["value"]
    return table[name]


def test_numbers_get_a_histogram_that_counts_every_present_value(frame):
    result = summarise_column(frame, "mrr_eur", bins=5)
    assert result["kind"] == "number"
    counts = result["counts"]
    assert list(counts.columns) == ["label", "count", "left", "right"]
    assert len(counts) == 5
    assert counts["count"].sum() == 7  # one value is missing
    assert counts["left"].iloc[0] == pytest.approx(36.0)
    assert counts["right"].iloc[-1] == pytest.approx(4500.0)
    assert _stat(result, "missing") == "1"
    assert _stat(result, "median") == "144"


def test_a_constant_number_column_still_gets_one_filled_bin():
    result = summarise_column(pd.DataFrame({"x": [7, 7, 7]}), "x", bins=4)
    assert result["counts"]["count"].sum() == 3


def test_categories_are_counted_most_common_first_and_missing_is_reported(frame):
    result = summarise_column(frame, "segment")
    assert result["kind"] == "category"
    assert result["counts"]["label"].tolist() == ["SMB", "Mid-market", "Enterprise"]
    assert result["counts"]["count"].tolist() == [4, 2, 1]
    assert _stat(result, "missing") == "1"
    assert _stat(result, "most common") == "SMB"
    assert _stat(result, "share of most common") == "57.1%"


def test_rare_categories_are_folded_into_other():
    df = pd.DataFrame({"id": [f"x{i}" for i in range(TOP_CATEGORIES + 5)]})
    counts = summarise_column(df, "id")["counts"]
    assert len(counts) == TOP_CATEGORIES + 1
    assert counts["label"].iloc[-1] == "(other)"
    assert counts["count"].iloc[-1] == 5
    assert counts["count"].sum() == TOP_CATEGORIES + 5


def test_booleans_are_categories(frame):
    result = summarise_column(frame, "active")
    assert result["kind"] == "category"
    assert dict(zip(result["counts"]["label"], result["counts"]["count"])) == {"True": 6, "False": 2}


def test_dates_are_counted_per_month_over_a_short_span(frame):
    result = summarise_column(frame, "signup_date")
    assert result["kind"] == "date"
    assert result["counts"]["label"].tolist() == ["2023-01", "2023-02", "2023-04", "2023-05"]
    assert result["counts"]["count"].tolist() == [2, 1, 2, 3]
    assert _stat(result, "first") == "2023-01-10"


def test_dates_are_counted_per_year_over_a_long_span():
    df = pd.DataFrame({"d": pd.to_datetime(["2015-03-01", "2019-07-01", "2019-08-01", "2025-12-01"])})
    assert summarise_column(df, "d")["counts"]["label"].tolist() == ["2015", "2019", "2025"]


def test_unknown_column_and_bad_bins_are_refused(frame):
    with pytest.raises(KeyError, match="segment"):
        summarise_column(frame, "segmnet")
    with pytest.raises(ValueError):
        summarise_column(frame, "seats", bins=0)


@pytest.mark.parametrize("column", ["seats", "segment", "signup_date"])
def test_plot_draws_one_bar_per_count(frame, column):
    result = summarise_column(frame, column, bins=4)
    fig, ax = plt.subplots()
    assert plot_column_summary(result, ax, dataset="customers") is ax
    assert len(ax.patches) == len(result["counts"])
    assert ax.get_title() == f"customers: {column}"
    plt.close(fig)


def test_plot_of_an_empty_column_says_so():
    result = summarise_column(pd.DataFrame({"x": [np.nan, np.nan]}), "x")
    fig, ax = plt.subplots()
    plot_column_summary(result, ax)
    assert "no values" in ax.texts[0].get_text()
    plt.close(fig)


def test_builder_swaps_the_columns_when_the_dataset_changes(frame):
    other = pd.DataFrame({"ticket_id": [1, 2], "category": ["Billing", "Login"]})
    loaded = []

    def loader(name):
        loaded.append(name)
        return frame if name == "customers" else other

    box = build_dataset_browser(["customers", "support_tickets"], loader=loader, bins=6)
    controls = box.controls
    assert controls["column"].options == tuple(frame.columns)
    assert controls["column"].value == "seats" and not controls["bins"].disabled  # a quantity, not the id
    controls["column"].value = "customer_id"
    assert controls["bins"].disabled  # bins mean nothing for an id
    controls["dataset"].value = "support_tickets"
    assert controls["column"].options == ("ticket_id", "category")
    assert controls["column"].value == "category"  # the id is skipped
    assert controls["bins"].disabled  # bins mean nothing for a category
    controls["bins"].value = 12
    controls["dataset"].value = "customers"
    assert loaded == ["customers", "support_tickets"]  # each dataset is loaded once
    assert plt.get_fignums() == []


def test_each_dataset_opens_on_a_column_that_shows_something():
    """Not an id, a name or a title: a quantity, else a category with a few values."""
    from spmcourse.explorers.casedata import default_column
    assert default_column(pd.DataFrame({"id": ["a", "b", "c"], "kind": ["x", "y", "x"]})) == "kind"
    people = pd.DataFrame({"name": [f"n{i}" for i in range(12)], "year": range(2013, 2025),
                           "team": ["a", "b"] * 6, "salary": [float(40 + i) for i in range(12)]})
    assert default_column(people) == "salary"
    assert default_column(people.drop(columns="salary")) == "team"
    casedata = pytest.importorskip("spmcourse.casedata")
    for name in casedata.DATASETS:
        df = casedata.load(name)
        chosen = default_column(df)
        assert not chosen.endswith("_id") and df[chosen].nunique() > 1 or len(df) < 6, (name, chosen)


def test_builder_browses_the_real_case_data():
    casedata = pytest.importorskip("spmcourse.casedata")
    box = build_dataset_browser()
    names = box.controls["dataset"].options
    assert set(names) == set(casedata.DATASETS)
    picks = {"customers": ["segment", "seats_at_signup", "churn_date", "region"], "support_tickets": ["category"]}
    for name, columns in picks.items():
        box.controls["dataset"].value = name
        df = casedata.load(name)
        assert box.controls["column"].options == tuple(df.columns)
        for col in columns:
            box.controls["column"].value = col
            summary = summarise_column(df, col)
            assert summary["rows"] == len(df)
            assert summary["counts"]["count"].sum() <= len(df)
    # North America's region code "NA" must not be read as a missing value
    assert _stat(summarise_column(casedata.load("customers"), "region"), "missing") == "0"
    assert plt.get_fignums() == []  # every rendered figure was closed
