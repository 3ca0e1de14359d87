"""Does every lesson (and the start and progress pages) run top to bottom in a fresh kernel, cleanly?"""
from __future__ import annotations

import pytest

from conftest import AVAILABLE, ROOT, execute
from spmcourse.authoring.notebooks import read

PAGES = [ROOT / m.lesson for m in AVAILABLE] + sorted(
    p for p in (ROOT / "notebooks").glob("*.ipynb") if p.name in ("welcome.ipynb", "progress.ipynb"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_lesson_runs_clean(path, tmp_path):
    """No error, nothing on stderr (warnings included), offline, in a fresh kernel."""
    # The progress page reads the learner's workspace; SPM_WORKSPACE points it at an empty one.
    run = execute(read(path), cwd=path.parent, env={"SPM_WORKSPACE": str(tmp_path / "work")})
    assert run.errors() == [], f"{path.name}: {run.errors()}"
    assert run.stderr() == [], f"{path.name} writes to stderr: {run.stderr()}"


@pytest.mark.parametrize("module", AVAILABLE, ids=lambda m: m.key)
def test_lesson_follows_the_skeleton(module):
    """Title, driving question, a widget explorer, a plot, summary, check-yourself, going further, references."""
    nb = read(ROOT / module.lesson)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for heading in ("## Summary", "## Check yourself", "## Going further", "## References"):
        assert heading in markdown, f"{module.lesson} has no '{heading}' section"
    assert "explorer" in code.lower(), "a lesson shows at least one ipywidgets explorer"
    assert "plt." in code or "plot" in code, "a lesson has at least one plot"
    words = len(markdown.split())
    assert words >= 2000, f"{module.lesson} has {words} words of prose; a lesson is a chapter, not a slide deck"
