"""Quality gates for every assignment, against real nbgrader and real kernels.

- the master (solutions) passes every test through nbgrader's Validator, with the course's configuration;
- the untouched release fails every graded test, and scores 0 in autograde;
- the committed release equals a fresh nbgrader build of source/;
- the release leaks no solution, hidden test, mark scheme or output;
- a submission made of the solutions scores full marks in autograde.
"""
from __future__ import annotations

import re
import shutil

import pytest
from nbgrader.api import Gradebook
from nbgrader.validator import Validator
from traitlets.config.loader import PyFileConfigLoader

from conftest import ASSIGNMENTS, ROOT, execute, graded_cells, nbgrader
from spmcourse.authoring.notebooks import read

pytestmark = pytest.mark.xdist_group("course")

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "BEGIN MARK SCHEME", "END MARK SCHEME", "AUTOTEST")


def _config():
    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()


def _between(text: str, begin: str, end: str) -> list[str]:
    """The meaningful lines between two markers (those a leak check can look for)."""
    lines = []
    for block in re.findall(re.escape(begin) + r"(.*?)" + re.escape(end), text, re.S):
        lines += [ln.strip() for ln in block.splitlines()
                  if len(ln.strip()) > 12 and not ln.strip().startswith(("#", "print(", "import "))]
    return lines


@pytest.mark.parametrize("module", ASSIGNMENTS, ids=lambda m: m.key)
def test_master_passes_validator(module):
    """Do the solutions pass every test (visible and hidden) through nbgrader's own Validator?"""
    result = Validator(config=_config()).validate(str(ROOT / module.source_notebook))
    assert result == {}, f"{module.source_notebook} does not validate: {result}"


@pytest.mark.parametrize("module", ASSIGNMENTS, ids=lambda m: m.key)
def test_master_runs_clean_in_fresh_kernel(module):
    """Does the master run top to bottom with no error and nothing on stderr?"""
    run = execute(read(ROOT / module.source_notebook), cwd=(ROOT / module.source_notebook).parent,
                  env={"NBGRADER_EXECUTION": "autograde"})
    assert run.errors() == [], f"errors: {run.errors()}"
    assert run.stderr() == [], f"stderr (zeroes a test cell in autograde): {run.stderr()}"


@pytest.mark.parametrize("module", ASSIGNMENTS, ids=lambda m: m.key)
def test_untouched_release_fails_every_graded_test(module):
    """Does every autograded test cell fail on the student version as released?"""
    path = ROOT / module.release_notebook
    run = execute(read(path), cwd=path.parent, env={"NBGRADER_EXECUTION": "validate"})
    tests = graded_cells(run.nb)
    assert len(tests) >= 4, "each assignment has at least 4 autograded questions"
    passing = [c.metadata.nbgrader.grade_id for c in tests
               if not any(o.get("output_type") == "error" for o in c.outputs)]
    assert passing == [], f"these test cells pass on the untouched release: {passing}"
    assert Validator(config=_config(), invert=True).validate(str(path)) == {}


@pytest.mark.parametrize("module", ASSIGNMENTS, ids=lambda m: m.key)
def test_release_has_no_leaks(module):
    """Is the student version free of solutions, hidden tests, mark schemes and outputs?"""
    master = read(ROOT / module.source_notebook)
    release_dir = ROOT / "release" / module.key
    secrets = []
    for cell in master.cells:
        secrets += _between(cell.source, "### BEGIN SOLUTION", "### END SOLUTION")
        secrets += _between(cell.source, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
        secrets += _between(cell.source, "=== BEGIN MARK SCHEME ===", "=== END MARK SCHEME ===")
    for path in release_dir.rglob("*"):
        if path.is_dir():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for marker in MARKERS:
            assert marker not in text, f"{path.name} contains {marker!r}"
        for secret in secrets:
            assert secret not in text, f"{path.name} leaks {secret!r}"
        if path.suffix == ".ipynb":
            nb = read(path)
            assert all(not c.get("outputs") for c in nb.cells), f"{path.name} has outputs"
            manual = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("task")]
            master_tasks = [c for c in master.cells if c.metadata.get("nbgrader", {}).get("task")]
            assert len(manual) == len(master_tasks)


def _comparable(nb):
    return [(c.cell_type, c.source, c.metadata.get("nbgrader"), c.metadata.get("editable"),
             c.metadata.get("deletable")) for c in nb.cells]


@pytest.mark.parametrize("module", ASSIGNMENTS, ids=lambda m: m.key)
def test_committed_release_equals_fresh_build(module, built_course):
    """Is release/ exactly what nbgrader generates from source/ (so nobody edited it by hand)?"""
    fresh_dir = built_course / "release" / module.key
    committed_dir = ROOT / "release" / module.key
    fresh = sorted(p.relative_to(fresh_dir) for p in fresh_dir.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(committed_dir) for p in committed_dir.rglob("*") if p.is_file())
    assert fresh == committed, "release/ has other files than a fresh build: run `make release`"
    for rel in fresh:
        if rel.suffix == ".ipynb":
            assert _comparable(read(fresh_dir / rel)) == _comparable(read(committed_dir / rel)), \
                f"release/{module.key}/{rel} differs from a fresh build: run `make release`"
        else:
            assert (fresh_dir / rel).read_bytes() == (committed_dir / rel).read_bytes()


@pytest.fixture(scope="session")
def autograded(built_course):
    """Autograde two bots for every assignment: the solutions and the untouched release."""
    for module in ASSIGNMENTS:
        for student, folder in (("solution-bot", "source"), ("blank-bot", "release")):
            dest = built_course / "submitted" / student / module.key
            shutil.copytree(built_course / folder / module.key, dest, dirs_exist_ok=True)
            (dest / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")
        nbgrader(built_course, "autograde", module.key, "--force")
    return built_course


@pytest.mark.parametrize("module", ASSIGNMENTS, ids=lambda m: m.key)
def test_autograde_round_trip(module, autograded):
    """Do the solutions score full autograded marks and the untouched release 0?"""
    with Gradebook(f"sqlite:///{autograded / 'gradebook.db'}") as gb:
        solved = gb.find_submission(module.key, "solution-bot")
        blank = gb.find_submission(module.key, "blank-bot")
        assert solved.max_code_score > 0
        assert solved.code_score == solved.max_code_score, (
            f"solutions score {solved.code_score} of {solved.max_code_score}: "
            + ", ".join(f"{g.name}={g.score}/{g.max_score}" for nb in solved.notebooks for g in nb.grades
                        if g.score != g.max_score and g.cell_type == "code"))
        assert blank.score == 0, f"the untouched release scores {blank.score}"
