"""Is the curriculum map complete, consistent with the files, and are the generated pages in sync with it?"""
from __future__ import annotations

import pytest

from conftest import ASSIGNMENTS, AVAILABLE, ROOT, grade_ids
from spmcourse.authoring import curriculum
from spmcourse import framework
from spmcourse.authoring.notebooks import read

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


@pytest.mark.parametrize("module", ASSIGNMENTS, ids=lambda m: m.key)
def test_every_graded_cell_is_mapped(module):
    """Does the map list exactly the graded cells of the assignment, each with real sub-areas?"""
    nb = read(ROOT / module.source_notebook)
    in_notebook = grade_ids(nb)
    assert sorted(module.graded) == sorted(in_notebook), (
        f"{module.key}: curriculum.yml lists {sorted(module.graded)}, the notebook has {sorted(in_notebook)}")
    for grade_id in in_notebook:
        assert module.kind_of(grade_id) in curriculum.KINDS, \
            f"{module.key}:{grade_id}: kind must be one of {curriculum.KINDS}"
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
    assert curriculum.readme_coverage() in readme, "README coverage summary is out of date: run `make nav`"
    page = (ROOT / curriculum.COVERAGE_PAGE).read_text(encoding="utf-8")
    assert curriculum.coverage_table() in page, "docs/coverage.md is out of date: run `make nav`"
    assert "docs/coverage.md" in readme, "the README links the coverage page"
    welcome = read(ROOT / curriculum.WELCOME)
    assert any(curriculum.modules_table("") in c.source for c in welcome.cells), \
        "welcome page module list is out of date: run `make nav`"


def test_nav_generation_is_idempotent(tmp_path):
    """Does `spm nav` change nothing on a tree it has just generated?"""
    import shutil

    for rel in (["curriculum.yml", "README.md", str(curriculum.WELCOME), str(curriculum.COVERAGE_PAGE)]
                + [str(m.lesson) for m in AVAILABLE]):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    assert curriculum.generate(tmp_path) == []
    (tmp_path / "README.md").write_text((tmp_path / "README.md").read_text().replace("| 00 |", "| 0 |"))
    assert curriculum.generate(tmp_path) == [tmp_path / "README.md"]


def test_coverage_names_the_graded_cells():
    cov = curriculum.coverage(kind="practised")
    assert set(cov) >= V2_NAMES
    listed = {cell for kind in curriculum.KINDS for cells in curriculum.coverage(kind=kind).values()
              for cell in cells}
    for m in AVAILABLE:
        for grade_id in m.graded:
            if m.areas_of(grade_id):
                assert f"{m.key}:{grade_id}" in listed


def test_generated_text_has_no_nan_or_none():
    """Does no generated page print a missing value as "nan" or "None" (pandas turns a missing name into NaN)?"""
    import re

    texts = curriculum.generated_texts()
    texts["README.md"] = (ROOT / "README.md").read_text(encoding="utf-8")
    texts[str(curriculum.COVERAGE_PAGE)] = (ROOT / curriculum.COVERAGE_PAGE).read_text(encoding="utf-8")
    bad = {name: sorted(set(re.findall(r"\b(?:nan|NaN|None|null)\b", text))) for name, text in texts.items()}
    bad = {name: words for name, words in bad.items() if words}
    assert not bad, f"generated text prints a missing value: {bad}"


def test_coverage_counts_practised_and_classified_apart():
    """Are the totals honest: a sub-area only classified never counts as practised, and the totals add up?"""
    practised, classified = curriculum.coverage(kind="practised"), curriculum.coverage(kind="classified")
    totals = curriculum.coverage_totals()
    assert totals["practised"] == sum(1 for cells in practised.values() if cells)
    assert totals["practised"] + totals["classified_only"] + totals["untouched"] == len(V2_NAMES) == 40
    for m in AVAILABLE:
        for grade_id in m.graded:
            cell = f"{m.key}:{grade_id}"
            for area in m.areas_of(grade_id):
                assert (cell in practised[area]) == (m.kind_of(grade_id) == "practised")
                assert (cell in classified[area]) == (m.kind_of(grade_id) == "classified")
    assert f"**{totals['practised']} of 40**" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_nan_would_be_caught(tmp_path):
    """The no-"nan" test is not vacuous: a V1.3 name that pandas turned into NaN would show up in the table."""
    grid = framework.sub_areas()
    assert grid["v13_name"].isna().sum() == len(framework.NEW_IN_V2)
    assert "| Operations | (new in v2) |" in curriculum.coverage_table()
