"""``spm portfolio``: the learner's capstone (answered and run in a real kernel), own-product notebooks and written
answers become one self-contained HTML page: no check cells, no mark schemes, no scripts, nothing fetched; a file it
did not write is never replaced; an empty workspace gets a message that says what to do."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT, execute
from spmcourse import cli
from spmcourse.learner import portfolio, workspace
from spmcourse.errors import CourseError
from spmcourse.authoring.notebooks import read, write

OTHER_ANSWER = "Promise P1 first response within **two hours**, staffed from 07:00."
ANSWER = "Launch after fixes: support needs **four** trained agents. <script>alert('x')</script>"


@pytest.fixture()
def learner(tmp_path, monkeypatch):
    """A workspace with the capstone started, every answer cell filled with the master's solution and run in a
    fresh kernel, and the one-pager written."""
    monkeypatch.setenv("SPM_WORKSPACE", str(tmp_path / "work"))
    workspace.start(portfolio.CAPSTONE, ROOT)
    copy = workspace.assignment_dir(portfolio.CAPSTONE, ROOT) / "12-exercises.ipynb"
    master = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source
              for c in read(ROOT / "source" / "12-capstone" / "12-exercises.ipynb").cells}
    nb = read(copy)
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            cell.source = re.sub(r"### (BEGIN|END) SOLUTION\n?", "", master[meta["grade_id"]])
        if meta.get("task"):
            nb.cells[i + 1].source = ANSWER
    run = execute(nb, cwd=copy.parent)
    assert run.errors() == []
    write(run.nb, copy)
    workspace.start("00-orientation", ROOT)  # a written answer in another module
    other = workspace.assignment_dir("00-orientation", ROOT) / "00-exercises.ipynb"
    nb = read(other)
    task = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("task"))
    nb.cells[task + 1].source = OTHER_ANSWER
    write(nb, other)
    return tmp_path


def test_the_page_holds_the_capstone_and_the_written_answer(learner):
    out, notes = portfolio.export(root=ROOT, name="Ada Lovelace")
    assert out == learner / "work" / "portfolio.html" and notes == []
    page = out.read_text(encoding="utf-8")
    assert "<title>Ada Lovelace: software product management portfolio</title>" in page
    assert "Capstone: should Kestrel launch a care edition?" in page
    assert "Question 12 (3 points): the launch decision" in page and "care_npv" in page  # questions and code
    assert page.count("<strong>four</strong>") == 1  # the capstone's one-pager, shown once, with the capstone
    assert "Written answers" in page and "00-orientation" in page and "<strong>two hours</strong>" in page
    assert page.index("Capstone:") < page.index("<strong>four</strong>") < page.index("Written answers")
    # what an employer should not see, and what would make the page depend on anything else
    assert "visible checks passed" not in page and "BEGIN HIDDEN TESTS" not in page
    assert "MARK SCHEME" not in page and "Before you start" not in page
    assert "<script" not in page and "&lt;script&gt;" in page  # the learner's raw HTML is shown as text
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_own_product_notebooks_are_included(learner):
    own = learner / "work" / portfolio.OWN_FOLDER
    own.mkdir()
    nb = read(ROOT / "notebooks" / "12-your-own-product.ipynb")
    run = execute(nb, cwd=ROOT / "notebooks")
    write(run.nb, own / "pantry-pilot.ipynb")
    page = portfolio.export(root=ROOT)[0].read_text(encoding="utf-8")
    assert "My own product: pantry-pilot" in page and "data:image/png;base64," in page
    assert page.index("My own product") < page.index("Written answers")


def test_a_file_it_did_not_write_is_left_alone(learner, capsys):
    mine = learner / "cv.html"
    mine.write_text("<html>my CV</html>")
    assert cli.main(["portfolio", "--out", str(mine)]) == 2
    assert "was not written by `spm portfolio`" in capsys.readouterr().err
    assert mine.read_text() == "<html>my CV</html>"
    again = learner / "again.html"
    assert cli.main(["portfolio", "--out", str(again)]) == 0
    assert cli.main(["portfolio", "--out", str(again)]) == 0  # its own earlier page is replaced
    assert "Portfolio written to" in capsys.readouterr().out


def test_an_empty_workspace_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SPM_WORKSPACE", str(tmp_path / "work"))
    with pytest.raises(CourseError, match="make start A=12-capstone"):
        portfolio.export(root=ROOT)
    assert cli.main(["portfolio"]) == 2
    assert not (tmp_path / "work" / "portfolio.html").exists()


def test_a_damaged_capstone_copy_is_named_and_the_rest_still_exports(learner):
    copy = learner / "work" / portfolio.CAPSTONE / "12-exercises.ipynb"
    text = copy.read_text()
    copy.write_text(text[: len(text) // 2])
    own = learner / "work" / portfolio.OWN_FOLDER
    own.mkdir()
    write(read(ROOT / "notebooks" / "12-your-own-product.ipynb"), own / "mine.ipynb")
    out, notes = portfolio.export(root=ROOT)
    assert any("12-exercises.ipynb was left out" in n and "not a valid notebook" in n for n in notes)
    page = out.read_text()
    assert "Capstone:" not in page and "My own product: mine" in page and "two hours" in page
    assert copy.read_text() == text[: len(text) // 2]  # the damaged copy is left as it was, for the learner


def test_only_a_damaged_capstone_gives_an_error_that_names_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SPM_WORKSPACE", str(tmp_path / "work"))
    workspace.start(portfolio.CAPSTONE, ROOT)
    copy = workspace.assignment_dir(portfolio.CAPSTONE, ROOT) / "12-exercises.ipynb"
    copy.write_text("{ not json")
    with pytest.raises(CourseError, match="12-exercises.ipynb was left out.*not a valid notebook"):
        portfolio.export(root=ROOT)
    assert copy.read_text() == "{ not json"
