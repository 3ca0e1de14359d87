"""Are the course's notebooks committed clean: no outputs, no execution counts, kernelspec python3?"""
from __future__ import annotations

import pytest

from conftest import ROOT
from spmcourse.notebooks import clean_notebook, dumps, read, tracked_notebooks

NOTEBOOKS = tracked_notebooks(ROOT)


def test_there_are_notebooks():
    assert any(p.parts[-2] == "notebooks" for p in NOTEBOOKS) or NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_clean(path):
    """Would `make clean-notebooks` leave this file unchanged?"""
    text = path.read_text(encoding="utf-8")
    nb = read(path)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"cell {i} has outputs: run `make clean-notebooks`"
            assert cell.execution_count is None, f"cell {i} has an execution count: run `make clean-notebooks`"
    assert nb.metadata.kernelspec.name == "python3"
    assert dumps(clean_notebook(nb)) == text, "not in the course's clean format: run `make clean-notebooks`"


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
