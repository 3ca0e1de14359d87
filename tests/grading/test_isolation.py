"""Answers cross from the student's kernel to the clean test kernel as data: exactly, and nothing else does."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spmcourse.grading.answers import AnswerNotData, decode, encode, rebuild
from spmcourse.grading.isolation import answer_names, setup_cells


def round_trip(value):
    return decode(json.loads(json.dumps(encode(value), allow_nan=True)))


def same(a, b) -> bool:
    """Equal in value and in exact type, all the way down (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text())
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.tuples(children, children),
                               st.dictionaries(st.one_of(st.text(max_size=5), st.integers()), children, max_size=4)),
    max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(values)
def test_plain_values_cross_exactly(value):
    assert same(round_trip(value), value)


@settings(max_examples=50, deadline=None)
@given(st.frozensets(st.integers(), max_size=6), st.sets(st.text(max_size=4), max_size=6))
def test_sets_cross_exactly(fs, s):
    assert round_trip(fs) == fs and type(round_trip(fs)) is frozenset
    assert round_trip(s) == s and type(round_trip(s)) is set


def test_numpy_values_keep_their_dtype():
    for value in (np.float64(0.1), np.int64(-3), np.bool_(True), np.float32(2.5), np.datetime64("2025-12-01")):
        back = round_trip(value)
        assert type(back) is type(value) and back == value
    array = np.arange(12, dtype="int32").reshape(3, 4)
    back = round_trip(array)
    assert back.dtype == array.dtype and back.shape == array.shape and (back == array).all()
    text = np.array(["a", "bc"])
    assert list(round_trip(text)) == ["a", "bc"]


def test_pandas_values_cross_with_index_dtypes_and_names():
    frame = pd.DataFrame({
        "segment": ["SMB", "Mid-Market", None],
        "mrr": [1.5, float("nan"), 3.25],
        "seats": np.array([1, 2, 3], dtype="int64"),
        "month": pd.to_datetime(["2025-01-01", None, "2025-03-01"]),
        "plan": pd.Categorical(["Starter", "Scale", "Starter"], categories=["Starter", "Growth", "Scale"],
                               ordered=True),
        "won": [True, False, True],
    }, index=pd.Index(["c1", "c2", "c3"], name="customer_id"))
    back = round_trip(frame)
    pd.testing.assert_frame_equal(back, frame)
    series = frame.groupby("plan", observed=True)["mrr"].sum().rename("total")
    pd.testing.assert_series_equal(round_trip(series), series)
    multi = frame.set_index(["segment", "seats"])["mrr"]
    pd.testing.assert_series_equal(round_trip(multi), multi)
    assert round_trip(pd.Timestamp("2025-12-31 23:59")) == pd.Timestamp("2025-12-31 23:59")
    # a cohort table: months as a PeriodIndex, ages as named integer columns
    cohorts = pd.DataFrame([[1.0, 0.5], [1.0, 0.75]], columns=pd.Index([0, 1], name="age"),
                           index=pd.PeriodIndex(["2024-01", "2024-02"], freq="M", name="cohort"))
    pd.testing.assert_frame_equal(round_trip(cohorts), cohorts)
    assert round_trip(pd.Period("2024Q1", freq="Q")) == pd.Period("2024Q1", freq="Q")


@pytest.mark.parametrize("value,why", [
    (lambda x: x, "function"),
    (type("Mine", (float,), {})(0.5), "Mine"),
    (type("MyStr", (str,), {"__eq__": lambda s, o: True, "__hash__": str.__hash__})("x"), "MyStr"),
    ([1, object()], "object"),
    (range(3), "range"),
])
def test_anything_else_is_refused(value, why):
    with pytest.raises(AnswerNotData, match=why):
        encode(value)


def test_rebuild_defines_answers_drops_missing_ones_and_explains_refusals():
    ns = {"old": 1, "gone": 2}
    payload = json.dumps({"x": {"value": encode([1, 2.5])}, "gone": {"missing": True}})
    rebuild(payload, ns)
    assert ns == {"old": 1, "x": [1, 2.5]}
    bad = json.dumps({"f": {"error": "is a function"}})
    with pytest.raises(AnswerNotData, match=r"`f` is a function\. An answer must be data"):
        rebuild(bad, ns)


@pytest.mark.parametrize("payload", [
    {"t": "float", "v": "__import__('os')"}, {"t": "ndarray", "dtype": "object", "shape": [1], "v": [{"t": "x"}]},
    {"t": "npscalar", "dtype": "O", "v": {"t": "none"}}, {"t": "frame", "columns": {"t": "nope"}}, [], "text",
])
def test_damaged_payloads_are_refused_not_evaluated(payload):
    with pytest.raises((AnswerNotData, ValueError, KeyError, TypeError)):
        decode(payload)


def test_answer_names_are_what_the_test_reads_and_nothing_it_defines():
    test = ("check_close(npv, _expected, 'npv')\n_expected = 3\nfor _k, _v in npv_by_year.items():\n"
            "    check_number(_v, _k)\nprint(len([x for x in shares]))\n")
    assert answer_names(test, {"check_close", "check_number"}) == ["npv", "npv_by_year", "shares"]
    assert answer_names("%matplotlib inline\nassert x == 1") == ["x"]


def test_setup_cells_are_the_locked_code_cells_before_the_first_answer():
    from spmcourse.authoring.notebooks import read
    from conftest import ROOT

    nb = read(ROOT / "source" / "05-business-case-and-pricing" / "05-exercises.ipynb")
    cells = setup_cells(nb)
    assert [c.metadata["nbgrader"]["grade_id"] for c in cells] == ["setup"]


# --- A broken set-up cell is a failed grading, never a 0 --------------------------------------------------------

import csv  # noqa: E402
from pathlib import Path  # noqa: E402

import coursekit as kit  # noqa: E402
from coursekit import course_template, make_course  # noqa: E402,F401  (pytest fixtures)


def _hide_the_course_package(course: Path) -> None:
    """The grader's kernels cannot import spmcourse: the sandbox hides it (as when the package is installed
    somewhere the sandbox does not show)."""
    import spmcourse

    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as fh:
        fh.write(f"c.SandboxKernelManager.hidden_paths = [{str(Path(spmcourse.__file__).parent)!r}]\n")


@pytest.mark.xdist_group("grading")
def test_failing_setup_cell_is_a_failure_in_plain_nbgrader_and_the_export(make_course):
    course = make_course()
    _hide_the_course_package(course)
    kit.submit(course, "ada", kit.student_notebook(course, "right"))
    result = kit.nbgrader(course, "autograde", kit.ASSIGNMENT, "--force", check=False)
    assert result.returncode != 0
    assert "SetupCellFailed" in result.stdout + result.stderr
    kit.nbgrader(course, "export", "--exporter=spmcourse.grading.StatusCsvExport", "--to=grades.csv")
    rows = {r["student_id"]: r for r in csv.DictReader(open(course / "grades.csv", encoding="utf-8"))}
    assert rows["ada"]["grading_status"] == "failed" and rows["ada"]["score"] == ""
    assert "set-up cell" in rows["ada"]["grading_reason"] and "spmcourse" in rows["ada"]["grading_reason"]


@pytest.mark.xdist_group("grading")
def test_failing_setup_cell_is_a_failure_in_the_course_grading(make_course):
    from spmcourse import grading

    course = make_course()
    _hide_the_course_package(course)
    kit.submit(course, "ada", kit.student_notebook(course, "right"))
    [outcome] = grading.grade_submissions(course, kit.ASSIGNMENT, jobs=1, feedback=False)
    assert outcome.status == "failed" and outcome.score is None
    assert "set-up cell 'setup' failed" in outcome.reason and "grading environment" in outcome.reason


# --- The clean kernel forgets each notebook before the next --------------------------------------------------------

def test_no_name_of_a_previous_notebook_survives_into_the_next_ones_tests():
    """The clean kernel serves one notebook after another, and gets ready for the next one (reset, set-up cells)
    ahead of time, on a thread of its own: whatever the previous notebook's tests left is gone all the same."""
    import nbformat

    from spmcourse.grading import isolation

    setup = [nbformat.v4.new_code_cell("BASE = 3")]
    kernel = isolation._CleanKernel(isolation.IsolatedExecute(timeout=60))
    try:
        kernel.ready_for(setup)
        kernel.run("_passed_q1 = True\nBASE = 99")  # a test of student A leaves a name and changes a set-up one
        kernel.prepare(setup)  # asked ahead, as a grading worker does when it takes the next student
        kernel.ready_for(setup)
        seen = kernel.run("print('_passed_q1' in globals(), BASE)")
        assert seen.outputs[0]["text"].strip() == "False 3"
        kernel.run("_passed_q1 = True")
        kernel.ready_for(setup)  # nothing asked ahead: ready_for resets all the same
        assert kernel.run("print('_passed_q1' in globals())").outputs[0]["text"].strip() == "False"
    finally:
        kernel.shutdown()


def test_a_test_cell_runs_in_one_request_on_its_answers_and_reports_answers_that_are_not_data():
    """The answers reach the clean kernel through a file that the test's first line rebuilds; a test that starts
    with a cell magic gets them in a cell of its own; an answer that is not data fails the test with its reason."""
    import nbformat

    from spmcourse.grading import isolation

    kernel = isolation._CleanKernel(isolation.IsolatedExecute(timeout=60))
    answers = json.dumps({"npv": {"value": encode(12.5)}, "unset": {"missing": True}})
    try:
        kernel.ready_for([nbformat.v4.new_code_cell("unset = 'left by the set-up'")])
        before = kernel.count
        ran = kernel.test("print(type(npv).__name__, npv * 2, 'unset' in globals())", answers)
        assert kernel.count == before + 1  # one request to the kernel
        assert ran.outputs[0]["text"].strip() == "float 25.0 False"
        magic = kernel.test("%%capture shown\nprint(npv)", answers)
        assert not isolation._error_of(magic)
        assert kernel.run("print(shown.stdout.strip())").outputs[0]["text"].strip() == "12.5"
        refused = kernel.test("print('the test ran')",
                              json.dumps({"npv": {"error": "is a function, not data"}}))
        assert isolation._error_of(refused).startswith("AnswerNotData: `npv` is a function, not data")
        assert not any(o.get("name") == "stdout" for o in refused.outputs)
        assert kernel.test("print('no answers')", None).outputs[0]["text"].strip() == "no answers"
        kernel.ready_for([])  # the reset skips IPython's full collection, and puts gc.collect back after it
        assert kernel.run("import gc; print(gc.collect.__name__)").outputs[0]["text"].strip() == "collect"
    finally:
        kernel.shutdown()
