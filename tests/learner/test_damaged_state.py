"""Do the learner commands survive damaged state files and notebooks? A damaged state file is moved aside under a
dated name (its bytes kept), a one-line notice says so, and the command carries on; a damaged notebook is a
failed attempt, left as it is; nothing the learner did is lost and no input gives a Python traceback.

Property-based: hypothesis generates damaged files (random JSON, random bytes, and the real file with one part
removed or replaced by a value of any type) and the real commands run on them in a copy of the tiny course.
"""
from __future__ import annotations

import copy
import json
import shutil

import matplotlib
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from coursekit import RIGHT, answer, course, learner_template  # noqa: F401 (fixtures)
from coursekit import LEARNER_ASSIGNMENT as ASSIGNMENT, LEARNER_NOTEBOOK as NOTEBOOK
from spmcourse import cli
from spmcourse.learner import progress, selfgrade, workspace

matplotlib.use("Agg")

RUNS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])

# --- Damaged JSON documents -------------------------------------------------------------------------------------

TEXT = st.text(st.characters() | st.sampled_from(["\ud800", "\udfff", "\x00"]), max_size=8)
SCALAR = st.none() | st.booleans() | st.integers() | st.floats() | TEXT | st.just(10 ** 400)
ANY_JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                        max_leaves=8)


def _paths(doc, at=()):
    """Every place in a JSON document (as a tuple of keys and indexes)."""
    yield at
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for key, value in items:
        yield from _paths(value, at + (key,))


@st.composite
def damaged(draw, valid) -> bytes:
    """The bytes of a damaged version of the JSON document ``valid`` (some draws leave it valid: fine too)."""
    kind = draw(st.sampled_from(["one part", "one part", "one part", "any JSON", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=40))
    if kind == "any JSON":
        return json.dumps(draw(ANY_JSON)).encode()
    doc = copy.deepcopy(valid)
    at = draw(st.sampled_from(sorted(_paths(doc), key=repr)))
    if not at:
        return json.dumps(draw(ANY_JSON)).encode()
    parent = doc
    for key in at[:-1]:
        parent = parent[key]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[at[-1]]
    else:
        parent[at[-1]] = draw(ANY_JSON)
    return json.dumps(doc).encode()


# --- Running the real commands ----------------------------------------------------------------------------------

@pytest.fixture
def spm(course, monkeypatch, capsys):
    """Run ``spm <args>`` in the tiny course; returns (exit code, stdout, stderr)."""
    for module in (workspace, selfgrade, progress):
        monkeypatch.setattr(module, "COURSE_ROOT", course)

    def run(*args):
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return run


def _progress_page(course) -> None:
    """What the progress page computes and shows (its data, plot and view), all from the state files."""
    rows = progress.module_progress(course)
    progress.text_report(rows)
    progress.build_progress_view(course)
    import matplotlib.pyplot as plt
    plt.close("all")


def _check_set_aside(path, written: bytes, err: str) -> bool:
    """Either the file was set aside (byte for byte, under a dated name, with a notice), or it was usable and
    stayed. Returns whether it was set aside; leaves no set-aside file behind for the next example."""
    aside = sorted(path.parent.glob(f"{path.name}.damaged-*"))
    workspace.take_notices()
    if not aside:
        assert "was damaged" not in err, err
        return False
    [kept] = aside
    assert kept.read_bytes() == written
    [notice] = [line for line in err.splitlines() if f"{path.name} was damaged" in line]
    assert kept.name in notice  # one line says what happened and where the file is kept
    kept.unlink()
    return True


STATE_CONTENTS = [b"", b"[]", b"{}", b"null", b'"text"', b"42", b"\x00\xff\xfe binary", b'{"assignments": []}',
                  b'{"assignments": {"00-x": {"started": "t", "versions": []}}}', b"[" * 100_000,
                  b'{"a": [{"assignment": "\\ud800"}]}', b'{"a": [{"score": 1e999}]}']


def test_a_damaged_workspace_record_is_set_aside_and_start_carries_on(course, spm):
    path = course / "work" / ".course" / "workspace.json"
    assert spm("start", ASSIGNMENT)[0] == 0
    mine = course / "work" / ASSIGNMENT / NOTEBOOK
    answer(mine, {"q1_total": "total = 5  # my work"})
    for content in STATE_CONTENTS:
        path.write_bytes(content)
        code, out, err = spm("start", ASSIGNMENT)
        assert code == 0 and "kept" in out and "Traceback" not in err, (content, err)
        assert _check_set_aside(path, content, err), content
        assert "my work" in mine.read_text()  # the learner's copy is never touched
        assert workspace.load_state(course)["assignments"][ASSIGNMENT]["versions"]  # a fresh, usable record


def test_a_damaged_grade_history_keeps_the_new_attempt(course, spm):
    """The case that used to record the attempt and then crash: valid JSON, wrong shape."""
    spm("start", ASSIGNMENT)
    answer(course / "work" / ASSIGNMENT / NOTEBOOK, RIGHT)
    path = course / "work" / ".course" / "grades.json"
    damaged_history = json.dumps({ASSIGNMENT: [{"score": "full marks"}]}).encode()
    path.write_bytes(damaged_history)
    code, out, err = spm("grade", ASSIGNMENT)
    assert code == 0 and "5 of 5 points" in out, (out, err)
    assert _check_set_aside(path, damaged_history, err)
    [attempt] = selfgrade.load_history(course)[ASSIGNMENT]
    assert attempt.status == "graded" and attempt.auto_score == 5.0
    assert spm("progress")[0] == 0


def test_a_damaged_grader_cache_is_rebuilt(course, spm):
    """The local grading course (work/.grading) is the course's cache: damaged, it is set aside and generated
    again, and the grading goes on."""
    spm("start", ASSIGNMENT)
    answer(course / "work" / ASSIGNMENT / NOTEBOOK, RIGHT)
    damage = {"generated.json": b"[]", "gradebook.db": b"not a database"}
    for name, content in damage.items():
        (course / "work" / ".grading" / name).write_bytes(content)
    code, out, err = spm("grade", ASSIGNMENT)
    assert code == 0 and "5 of 5 points" in out, (out, err)
    for name, content in damage.items():
        assert _check_set_aside(course / "work" / ".grading" / name, content, err), name


def test_any_damaged_workspace_record(course, spm):
    path = course / "work" / ".course" / "workspace.json"
    assert spm("start", ASSIGNMENT)[0] == 0
    valid = json.loads(path.read_bytes())

    @given(content=damaged(valid))
    @RUNS
    def check(content):
        path.write_bytes(content)
        code, out, err = spm("progress")
        assert code == 0 and "Next:" in out, err
        _check_set_aside(path, content, err)
        path.write_bytes(content)
        code, out, err = spm("start", ASSIGNMENT)
        assert code == 0 and "kept" in out, err
        _check_set_aside(path, content, err)
        _progress_page(course)
        assert not workspace.take_notices()  # the record that start wrote is read without complaint
    check()


def test_any_damaged_grade_history(course, spm):
    """`spm grade` on a notebook it cannot open (a quick failed attempt) with a damaged history: the attempt is
    recorded, the damaged history set aside; then the progress page works."""
    path = course / "work" / ".course" / "grades.json"
    spm("start", ASSIGNMENT)
    selfgrade.record(selfgrade.Attempt(
        ASSIGNMENT, "graded", "", "2026-01-01T10:00:00+00:00", 5.0, 7.0, 5.0, 5.0, 2.0,
        cells={"q1_total_test": {"score": 2.0, "max": 2.0, "kind": "auto", "message": ""},
               "w1_reflect": {"score": None, "max": 2.0, "kind": "manual", "message": "", "unanswered": True}},
        feedback=["work/feedback/x.html"], work_hash="abc", sandboxed=True), course)
    valid = json.loads(path.read_bytes())
    (course / "work" / ASSIGNMENT / NOTEBOOK).write_text("[]")

    @given(content=damaged(valid))
    @RUNS
    def check(content):
        path.write_bytes(content)
        code, out, err = spm("progress")
        assert code == 0 and "Next:" in out, err
        _check_set_aside(path, content, err)
        path.write_bytes(content)
        code, out, err = spm("grade", ASSIGNMENT)
        assert code == 1 and "failed" in out and "damaged" in out, (out, err)
        _check_set_aside(path, content, err)
        assert selfgrade.load_history(course)[ASSIGNMENT][-1].status == "failed"  # the new attempt is kept
        _progress_page(course)
        assert not workspace.take_notices()
    check()


# --- Damaged notebooks ------------------------------------------------------------------------------------------

def _notebook_json(course) -> dict:
    return json.loads((course / "release" / ASSIGNMENT / NOTEBOOK).read_bytes())


NOTEBOOKS = [b"[]", b"{}", b"null", b'"a notebook"', b"\x89PNG\r\n\x1a\n\x00\x00", b"",
             b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": "cells"}',
             b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [1, null, []]}',
             b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code"}]}',
             b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": 1, '
             b'"metadata": {}}]}',
             b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "markdown", '
             b'"source": "", "metadata": {"nbgrader": "x"}}]}',
             b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": "", '
             b'"metadata": {"nbgrader": {"solution": true, "grade_id": [1]}}}]}',
             b'{"nbformat": 3, "cells": []}']


@pytest.mark.parametrize("content", NOTEBOOKS, ids=range(len(NOTEBOOKS)))
def test_a_damaged_notebook_is_a_failed_attempt_left_as_it_is(course, spm, content):
    spm("start", ASSIGNMENT)
    mine = course / "work" / ASSIGNMENT / NOTEBOOK
    mine.write_bytes(content)
    code, out, err = spm("grade", ASSIGNMENT)
    assert code == 1 and "failed" in out and "damaged" in out and "Start" in out, (out, err)
    assert mine.read_bytes() == content
    [attempt] = selfgrade.load_history(course)[ASSIGNMENT]
    assert attempt.status == "failed" and attempt.score is None
    assert spm("progress")[0] == 0
    _progress_page(course)


@pytest.mark.slow
def test_any_damaged_notebook(course, spm):
    """A notebook with one part removed or replaced (some of these still grade: then nbgrader runs for real)."""
    mine = course / "work" / ASSIGNMENT / NOTEBOOK
    spm("start", ASSIGNMENT)

    @given(content=damaged(_notebook_json(course)))
    @settings(RUNS, max_examples=15)
    def check(content):
        before = len(selfgrade.load_history(course).get(ASSIGNMENT, []))
        mine.write_bytes(content)
        code, out, err = spm("grade", ASSIGNMENT)
        assert code in (0, 1) and "Traceback" not in out + err, (out, err)
        assert mine.read_bytes() == content  # the learner's notebook is only ever read
        history = selfgrade.load_history(course)[ASSIGNMENT]
        assert len(history) == before + 1 and (history[-1].graded or history[-1].score is None)
        assert spm("progress")[0] == 0
        _progress_page(course)
        shutil.rmtree(course / "work" / "feedback", ignore_errors=True)
    check()
