"""The lessons' quiz (spmcourse/learner/quiz.py): right and wrong answers explained, a score, answers kept in the workspace.

The widgets are real ipywidgets driven through their own API (values set, buttons clicked); the browser test
(tests/browser/test_quiz_browser.py) answers a quiz in JupyterLab.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT
from spmcourse.authoring import curriculum
from spmcourse.learner import quiz, workspace
from spmcourse.authoring.notebooks import read

FIXTURE = Path(__file__).parent.parent / "fixtures" / "questions"


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("SPM_WORKSPACE", raising=False)
    return tmp_path


def test_a_quiz_answered_right_and_wrong_explains_scores_and_keeps_the_answers(root):
    view = quiz.build_quiz("05", root, bank=FIXTURE)
    first, second, third = view.questions
    assert len(first.chooser.options) == 4 and first.chooser.value is None  # radio buttons, nothing chosen
    first.check.click()
    assert "Choose 1 option first" in first.result.value
    first.chooser.value = first.chooser.options[1]  # B, right
    first.check.click()
    assert "Right." in first.result.value and "110 / 1.1 = 100" in first.result.value
    second.chooser.children[0].value = second.chooser.children[1].value = True  # A and B: B is wrong
    second.check.click()
    assert "Not quite." in second.result.value and "The answer is A, C." in second.result.value
    assert all(why in second.result.value for why in ("Each named user pays.", "Nothing the customer values"))
    assert "Score: 1 of 3 right" in view.score.value and "2 of 3 answered" in view.score.value
    saved = json.loads((workspace.state_dir(root) / "quiz.json").read_text())["answers"]
    assert {k: (v["chosen"], v["right"]) for k, v in saved.items()} == {"05-01": (["B"], True),
                                                                         "05-02": (["A", "B"], False)}
    # shown again: the choices and the score come back
    again = quiz.build_quiz("05", root, bank=FIXTURE)
    assert again.questions[0].chooser.value.startswith("B.") and "Last time: right" in again.questions[0].result.value
    assert [c.value for c in again.questions[1].chooser.children] == [True, True, False, False]
    assert "Score: 1 of 3 right" in again.score.value


def test_a_damaged_answers_file_is_set_aside(root):
    path = workspace.state_dir(root) / "quiz.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"answers": {"05-01": {"chosen": "B", "right": true}}}')
    assert quiz.load_answers(root) == {}
    assert not path.exists() and list(path.parent.glob("quiz.json.damaged-*"))
    view = quiz.build_quiz("05", root, bank=FIXTURE)
    view.questions[2].chooser.value = view.questions[2].chooser.options[2]
    view.questions[2].check.click()
    assert quiz.load_answers(root)["05-03"]["right"] is True


def test_a_module_without_questions_says_so(root):
    assert "No quiz questions" in quiz.build_quiz("06", root, bank=FIXTURE).value


@pytest.mark.parametrize("module", [m for m in curriculum.available_modules() if "01" <= m.number <= "11"],
                         ids=lambda m: m.key)
def test_every_lesson_shows_its_quiz_in_check_yourself(module):
    cells = read(ROOT / module.lesson).cells
    heads = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "## Check yourself" in c.source.splitlines()]
    assert len(heads) == 1, f"{module.lesson}: one '## Check yourself' section"
    text = cells[heads[0]].source.split("## Check yourself", 1)[1]
    assert "\n## " not in text, "the quiz cell follows the section's own text, before the next section"
    assert cells[heads[0] + 1].cell_type == "code" and cells[heads[0] + 1].source == quiz.lesson_cell(module.number)
    assert sum(c.source == quiz.lesson_cell(module.number) for c in cells) == 1
