"""Do the tests catch the mistakes learners really make, and say what kind of mistake it is?

Each assignment records plausible mistakes in ``tests/mistakes/<assignment>.yml`` (format in
docs/authoring.md). For every one, the master runs in a fresh kernel with the mistaken answer in place of the
solution: the named test cell must fail (so it scores 0 in autograde) with a message that names the mistake and
does not give the answer away. Every autograded test cell must have at least one recorded mistake.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import AVAILABLE, ROOT, execute, graded_cells
from spmcourse.authoring.notebooks import read

MISTAKES_DIR = Path(__file__).parent.parent / "mistakes"


def _load(module) -> dict:
    path = MISTAKES_DIR / f"{module.key}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


CASES = [
    pytest.param(module, test_id, i, entry, id=f"{module.key}:{test_id}:{i}")
    for module in AVAILABLE
    for test_id, entries in _load(module).items()
    for i, entry in enumerate(entries)
]


@pytest.mark.parametrize("module", AVAILABLE, ids=lambda m: m.key)
def test_every_test_cell_has_a_recorded_mistake(module):
    recorded = _load(module)
    nb = read(ROOT / module.source_notebook)
    ids = [c.metadata.nbgrader.grade_id for c in graded_cells(nb)]
    missing = [i for i in ids if not recorded.get(i)]
    assert not missing, f"no recorded mistake for {missing} in tests/mistakes/{module.key}.yml"
    unknown = sorted(set(recorded) - set(ids))
    assert not unknown, f"tests/mistakes/{module.key}.yml names test cells that do not exist: {unknown}"


def _error_text(cell) -> str:
    return "\n".join(f"{o.get('ename')}: {o.get('evalue')}" for o in cell.get("outputs", [])
                     if o.get("output_type") == "error")


@pytest.mark.parametrize("module,test_id,index,entry", CASES)
def test_mistake_fails_with_a_teaching_message(module, test_id, index, entry):
    nb = read(ROOT / module.source_notebook)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    for solution_id, source in entry["replace"].items():
        assert solution_id in by_id, f"mistake replaces {solution_id!r}, which is not a cell of the master"
        assert by_id[solution_id].metadata.nbgrader.get("solution"), f"{solution_id} is not an answer cell"
        by_id[solution_id].source = source
    run = execute(nb, cwd=(ROOT / module.source_notebook).parent, env={"NBGRADER_EXECUTION": "autograde"})
    error = _error_text(run.cell(test_id))
    assert error, f"{test_id} passes although the answer {entry['mistake']!r}"
    assert entry["message"].lower() in error.lower(), (
        f"{test_id} fails, but its message does not name the mistake ({entry['message']!r}): {error}")
    for secret in entry.get("not_in_message", []):
        assert str(secret) not in error, f"{test_id}'s failure message gives the answer away: {error}"
