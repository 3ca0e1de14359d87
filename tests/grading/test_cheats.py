"""Cheats that used to give full marks with every answer wrong now score 0 on the cheated questions.

Each bot answers every question of module 00 wrongly and adds one cheat that worked while nbgrader ran the hidden
tests in the student's own kernel (issue 12). The tests now run in a clean kernel on the answers as data
(spmcourse/grading/isolation.py), so every bot scores 0, while the solutions, answered with numpy and pandas types as a
learner would, still score full marks. Graded through plain `nbgrader autograde` with the course's configuration.
"""
from __future__ import annotations

import shutil

import pytest
from nbgrader.api import Gradebook

from conftest import make_course, nbgrader
from spmcourse.authoring.notebooks import read, write

pytestmark = pytest.mark.xdist_group("cheats")

ASSIGNMENT = "00-orientation"

# Every answer wrong, but of the right type, so only a cheat could make the checks pass.
WRONG = {
    "q1_active_customers": "active_customers = 1",
    "q2_mrr_by_segment": ("mrr_by_segment = pd.Series({'SMB': 1.0, 'Mid-Market': 1.0, 'Enterprise': 1.0})"),
    "q3_churned_share": "churned_share = 0.5",
    "q4_top_ticket_category": "top_ticket_category = 'no such category'",
    "q5_median_first_response": "median_first_response_hours = 1.0",
}

_NOTHING = "lambda *args, **kwargs: None"
CHEATS = {
    "replaces the check functions": (
        f"check_close = check_number = check_true = check_type = {_NOTHING}\n"),
    "patches spmcourse.checks": (
        "import spmcourse.checks as _c\n"
        f"for _n in [n for n in dir(_c) if n.startswith('check')]:\n"
        f"    setattr(_c, _n, {_NOTHING})\n"
        "    globals()[_n] = getattr(_c, _n)\n"),
    "wraps every later cell in try/except": (
        "def _swallow(lines):\n"
        "    body = ''.join(lines) or 'pass'\n"
        "    return ['try:\\n'] + ['    ' + ln + '\\n' for ln in body.splitlines()] + "
        "['except BaseException:\\n', '    pass\\n']\n"
        "get_ipython().input_transformers_post.append(_swallow)\n"),
    "answers with objects that equal anything": (
        "import sys\n"
        "class _Anything(float):\n"
        "    def __eq__(self, other): return True\n"
        "    def __ne__(self, other): return False\n"
        "    __hash__ = float.__hash__\n"
        "    def __sub__(self, other): return 0.0\n"
        "    def __rsub__(self, other): return 0.0\n"
        "    def __abs__(self): return 0.0\n"
        "    def __float__(self):\n"  # reads the expected value out of the checking frame
        "        frame = sys._getframe(1)\n"
        "        for value in frame.f_locals.values():\n"
        "            if type(value) is float: return value\n"
        "        return 0.0\n"
        "class _AnyText(str):\n"
        "    def __eq__(self, other): return True\n"
        "    __hash__ = str.__hash__\n"),
}
ANYTHING_ANSWERS = {
    "q1_active_customers": "active_customers = _Anything(1)",
    "q3_churned_share": "churned_share = _Anything(0.5)",
    "q4_top_ticket_category": "top_ticket_category = _AnyText('Billing')",
    "q5_median_first_response": "median_first_response_hours = _Anything(1.0)",
}


def _submission(course, student: str, answers: dict[str, str], first_extra: str = "") -> None:
    nb = read(course / "release" / ASSIGNMENT / "00-exercises.ipynb")
    first = True
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = (first_extra if first else "") + answers[gid]
            first = False
    dest = course / "submitted" / student / ASSIGNMENT
    dest.mkdir(parents=True)
    write(nb, dest / "00-exercises.ipynb")
    (dest / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from spmcourse.authoring.build import generate_release

    course = make_course(tmp_path_factory.mktemp("cheats"), [ASSIGNMENT])
    generate_release(ASSIGNMENT, root=course)
    solved = course / "submitted" / "solution-bot" / ASSIGNMENT
    shutil.copytree(course / "source" / ASSIGNMENT, solved)
    (solved / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")
    _submission(course, "wrong-bot", WRONG)
    for i, (name, cheat) in enumerate(CHEATS.items()):
        answers = dict(WRONG, **ANYTHING_ANSWERS) if "equal anything" in name else WRONG
        _submission(course, f"cheat-{i}", answers, first_extra=cheat)
    nbgrader(course, "autograde", ASSIGNMENT, "--force")
    return course


def _scores(course, student: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(ASSIGNMENT, student)
        return {g.name: g.score for nb in sub.notebooks for g in nb.grades if g.cell_type == "code"}


def test_solutions_score_full_marks(graded):
    with Gradebook(f"sqlite:///{graded / 'gradebook.db'}") as gb:
        sub = gb.find_submission(ASSIGNMENT, "solution-bot")
        assert sub.code_score == sub.max_code_score > 0


def test_wrong_answers_score_zero(graded):
    assert set(_scores(graded, "wrong-bot").values()) == {0}


@pytest.mark.parametrize("index,cheat", list(enumerate(CHEATS)), ids=list(CHEATS))
def test_cheat_scores_zero(graded, index, cheat):
    scores = _scores(graded, f"cheat-{index}")
    assert scores and all(s == 0 for s in scores.values()), f"the cheat that {cheat} scored: {scores}"


def test_objects_that_are_not_data_are_refused_with_a_reason(graded):
    nb = read(graded / "autograded" / "cheat-3" / ASSIGNMENT / "00-exercises.ipynb")
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q3_churned_share_test")
    errors = [o for o in test.outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "AnswerNotData", test.outputs
    assert "`churned_share` is a" in errors[0].evalue and "An answer must be data" in errors[0].evalue
