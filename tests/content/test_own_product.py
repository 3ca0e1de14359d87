"""Your own product (module 12): the helpers take plain DataFrames, agree with hand computations and with the
capstone's chain, say which column of which file to fix when the data is wrong, never overwrite the learner's files,
and the template notebook runs top to bottom on the shipped example (Pantry Pilot)."""
from __future__ import annotations

import numpy_financial as npf
import pandas as pd
import pytest

from conftest import ROOT, execute
from spmcourse import casedata, own_product
from spmcourse.authoring.notebooks import read


@pytest.fixture()
def example():
    return own_product.load_folder(own_product.EXAMPLE_DIR)


def test_market_size_by_hand(example):
    got = own_product.market_size(example["segments"], price=25.0)
    s = example["segments"].iloc[0]
    assert got.iloc[0]["som"] == pytest.approx(s.organisations * s.seats_per_organisation * 25 * 12
                                               * s.serviceable_share * s.obtainable_share)
    assert got.loc["total", "som"] == pytest.approx(got["som"].iloc[:-1].sum())


def test_the_chain_matches_the_capstone_on_kestrels_data():
    """Fed with the care edition's tables in this interface's column names, the helpers give the capstone's
    numbers: the interface is the same chain, not a second implementation."""
    plan = casedata.load("care_plan")
    own_plan = plan[["year", "seats", "price_per_seat_month"]].assign(
        cost_all=plan[["one_off_development", "recurring_development", "operations", "compliance",
                       "go_to_market"]].sum(axis=1))
    case = own_product.business_case(own_plan, rate=0.10)
    assert case["npv"] == pytest.approx(npf.npv(0.10, case["table"]["net_cash_flow"]))
    assert case["npv"] == pytest.approx(2_091_434.85, abs=0.01)
    risk = own_product.risks(casedata.load("care_risks"))
    assert risk["funded"] == ["C1", "C2", "C3", "C5"] and risk["residual"] == pytest.approx(317_000)
    work = casedata.load("care_work")
    assert own_product.roadmap_plan(work, capacity=20, start="2026Q3")["ready"] == "2027Q1"
    gates = own_product.gates(casedata.load("care_launch_gates"))
    assert gates == {"failing": ["G2", "G6"], "failing_must": ["G2"]}
    test = casedata.load("care_price_test").rename(columns={"price_per_seat_month": "price"})
    assert own_product.price(test, unit_cost=1.5)["contribution_price"] == 11.0
    ratings = casedata.load("perceptions")
    weights = casedata.load("care_buyer_needs")[["attribute", "weight"]]
    fit = own_product.fit(ratings, weights, focal="Kestrel Software")
    assert (fit["rank"], fit["leader"], fit["gaps"].idxmax()) == (3, "Timberline WFM", "scheduling_depth")


@pytest.mark.parametrize("table, call, message", [
    ("segments", lambda d: own_product.market_size(d.drop(columns="obtainable_share"), price=10),
     "'obtainable_share'] are missing"),
    ("segments", lambda d: own_product.market_size(d.assign(serviceable_share="40 %"), price=10), "must hold numbers"),
    ("risks", lambda d: own_product.risks(d.assign(probability=d["probability"] * 100)), "fractions between 0 and 1"),
    ("plan", lambda d: own_product.business_case(d[["year", "seats", "price_per_seat_month"]], rate=0.1), "cost_"),
    ("plan", lambda d: own_product.business_case(d.assign(year=[1, 2, 3, 4]), rate=0.1), "run 0, 1, 2"),
    ("work", lambda d: own_product.roadmap_plan(d.assign(depends_on=["A4", "A1", "", "A2", "A1"]), capacity=12,
                                                start="2026Q3"), "circle"),
    ("work", lambda d: own_product.roadmap_plan(d, capacity=5, start="2026Q3"), "split them"),
    ("gates", lambda d: own_product.gates(d.assign(rule="minimum")), "'at least' or 'at most'"),
    ("ratings", lambda d: own_product.fit(d, pd.DataFrame({"attribute": ["ease_of_use"], "weight": [1.0]}),
                                          focal="Nobody"), "no vendor named 'Nobody'"),
    ("price_test", lambda d: own_product.price(d.assign(would_buy=d["respondents"] + 1), unit_cost=1),
     "counts people"),
])
def test_bad_data_gets_a_message_that_says_what_to_fix(example, table, call, message):
    with pytest.raises(own_product.OwnDataError, match=message.replace("[", r"\[").replace("]", r"\]")):
        call(example[table])


def test_copy_example_never_overwrites(tmp_path):
    folder = own_product.copy_example(tmp_path / "mine")
    assert sorted(p.stem for p in folder.glob("*.csv")) == sorted(own_product.FILES)
    (folder / "plan.csv").write_text("my own plan\n")
    own_product.copy_example(folder)
    assert (folder / "plan.csv").read_text() == "my own plan\n"
    (folder / "gates.csv").unlink()
    with pytest.raises(own_product.OwnDataError, match="missing gates.csv"):
        own_product.load_folder(folder)


def test_template_notebook_runs_on_the_example(tmp_path):
    path = ROOT / "notebooks" / "12-your-own-product.ipynb"
    run = execute(read(path), cwd=path.parent, env={"SPM_WORKSPACE": str(tmp_path / "work")})
    assert run.errors() == [] and run.stderr() == []
    text = "\n".join(o.get("text", "") for c in run.nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "decision by the capstone's rule: launch" in text
    assert not (tmp_path / "work").exists()  # the template writes nothing until the learner asks it to
