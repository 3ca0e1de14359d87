"""Are the course's notebooks committed clean: no outputs, no execution counts, kernelspec python3?

What counts is what git holds (the index, which is what gets committed): a learner's lessons saved with their
outputs in the working tree are theirs, and neither make them fail these tests nor get touched by them.
"""
from __future__ import annotations

import subprocess

import nbformat
import pytest

from conftest import ROOT
from spmcourse.authoring.notebooks import clean_notebook, dumps, read, tracked_notebooks

NOTEBOOKS = tracked_notebooks(ROOT)


def test_there_are_notebooks():
    assert any(p.parts[-2] == "notebooks" for p in NOTEBOOKS) or NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_clean(path):
    """Would `make clean-notebooks` leave this file unchanged?"""
    text = _committed_text(path)
    nb = nbformat.reads(text, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"cell {i} has outputs: run `make clean-notebooks`"
            assert cell.execution_count is None, f"cell {i} has an execution count: run `make clean-notebooks`"
    assert nb.metadata.kernelspec.name == "python3"
    assert dumps(clean_notebook(nb)) == text, "not in the course's clean format: run `make clean-notebooks`"


def _committed_text(path) -> str:
    """The notebook as git's index holds it; the file itself when it is not tracked (or there is no git)."""
    try:
        shown = subprocess.run(["git", "show", f":{path.relative_to(ROOT).as_posix()}"], cwd=ROOT,
                               capture_output=True, check=True)
        return shown.stdout.decode("utf-8")
    except (OSError, subprocess.CalledProcessError):
        return path.read_text(encoding="utf-8")


def test_cleaning_strips_outputs_and_fixes_kernelspec():
    """Does the cleaner itself do its job (so the test above can fail)?"""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=1)]
    nb.cells[0].execution_count = 1
    nb.metadata["kernelspec"] = {"name": "python", "display_name": "Python", "language": "python"}
    nb.metadata["vscode"] = {"interpreter": {"hash": "abc"}}
    cleaned = clean_notebook(nb)
    assert cleaned.cells[0].outputs == [] and cleaned.cells[0].execution_count is None
    assert cleaned.metadata.kernelspec.name == "python3" and "vscode" not in cleaned.metadata


def test_the_checkout_guard_sees_a_saved_lesson(tmp_path):
    """The guard in conftest.py (the suite must not change the checkout) notices a lesson saved with outputs,
    a new file in the workspace and a removed file."""
    from conftest import checkout_fingerprint, fingerprint_changes

    (tmp_path / "notebooks").mkdir()
    lesson = tmp_path / "notebooks" / "00-orientation.ipynb"
    lesson.write_text('{"cells": []}')
    (tmp_path / "old.txt").write_text("x")
    before = checkout_fingerprint(tmp_path)
    lesson.write_text('{"cells": [{"outputs": ["saved"]}]}')
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "workspace.json").write_text("{}")
    (tmp_path / "old.txt").unlink()
    assert fingerprint_changes(before, checkout_fingerprint(tmp_path)) == [
        "changed: notebooks/00-orientation.ipynb", "created: work/workspace.json", "removed: old.txt"]
