"""Is the curriculum map complete, consistent with the files, and are the generated pages in sync with it?"""
from __future__ import annotations

import pytest

from conftest import AVAILABLE, ROOT, grade_ids
from spmcourse import curriculum, framework
from spmcourse.notebooks import read

V2_NAMES = set(framework.sub_areas()["sub_area"])
PLAN_NUMBERS = [f"{n:02d}" for n in range(13)]


def test_map_lists_every_planned_module_in_order():
    assert [m.number for m in curriculum.modules()] == PLAN_NUMBERS


@pytest.mark.parametrize("module", curriculum.modules(), ids=lambda m: m.key)
def test_module_files_exist_when_available(module):
    files = [module.lesson, module.source_notebook, module.release_notebook]
    if module.available:
        missing = [str(f) for f in files if not (ROOT / f).exists()]
        assert not missing, f"{module.key} is 'available' but these files are missing: {missing}"
    else:
        assert module.status == "coming", f"{module.key}: status must be 'available' or 'coming'"
        assert not module.graded, f"{module.key} is 'coming' but lists graded cells"
    for area in module.areas:
        assert area in V2_NAMES, f"{module.key}: {area!r} is not a v2 framework sub-area"


@pytest.mark.parametrize("module", AVAILABLE, ids=lambda m: m.key)
def test_every_graded_cell_is_mapped(module):
    """Does the map list exactly the graded cells of the assignment, each with real sub-areas?"""
    nb = read(ROOT / module.source_notebook)
    in_notebook = grade_ids(nb)
    assert sorted(module.graded) == sorted(in_notebook), (
        f"{module.key}: curriculum.yml lists {sorted(module.graded)}, the notebook has {sorted(in_notebook)}")
    for grade_id in in_notebook:
        for area in module.areas_of(grade_id):
            assert area in V2_NAMES, f"{module.key}:{grade_id}: {area!r} is not a v2 sub-area"


@pytest.mark.parametrize("module", AVAILABLE, ids=lambda m: m.key)
def test_lesson_navigation_is_generated(module):
    """Do the lesson's first and last navigation cells match what `spm nav` writes?"""
    nb = read(ROOT / module.lesson)
    assert nb.cells[0].source.startswith("# "), "a lesson's first cell is its H1 title"
    nav = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith(curriculum.NAV_SENTINEL)]
    assert nb.cells[1] in nav and nb.cells[-1] in nav, "navigation cells belong second and last"
    expected = curriculum.nav_markdown(module)
    assert all(c.source == expected for c in nav), "navigation is out of date: run `make nav`"


def test_readme_and_welcome_tables_are_generated():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert curriculum.modules_table("notebooks/") in readme, "README module list is out of date: run `make nav`"
    assert curriculum.coverage_table() in readme, "README coverage table is out of date: run `make nav`"
    welcome = read(ROOT / curriculum.WELCOME)
    assert any(curriculum.modules_table("") in c.source for c in welcome.cells), \
        "welcome page module list is out of date: run `make nav`"


def test_nav_generation_is_idempotent(tmp_path):
    """Does `spm nav` change nothing on a tree it has just generated?"""
    import shutil

    for rel in ["curriculum.yml", "README.md", str(curriculum.WELCOME)] + [str(m.lesson) for m in AVAILABLE]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    assert curriculum.generate(tmp_path) == []
    (tmp_path / "README.md").write_text((tmp_path / "README.md").read_text().replace("| 00 |", "| 0 |"))
    assert curriculum.generate(tmp_path) == [tmp_path / "README.md"]


def test_coverage_names_the_graded_cells():
    cov = curriculum.coverage()
    assert set(cov) >= V2_NAMES
    listed = {cell for cells in cov.values() for cell in cells}
    for m in AVAILABLE:
        for grade_id in m.graded:
            if m.areas_of(grade_id):
                assert f"{m.key}:{grade_id}" in listed
