"""Feedback shows each failed check's message, never the test code or (unless turned on) the mark scheme.

Real nbgrader on a real assignment of the course (01-foundations): ``generate_assignment``, ``autograde`` of two
students (the solutions with one known mistake in question 4, and the untouched release), then
``generate_feedback`` with the course's configuration. The same feedback made with nbgrader's default
preprocessors is the control: it does show the hidden tests and the mark scheme, so the checks below can fail.

The second part plants what a kernel could leave in the autograded folder (links to the solutions master and to
the gradebook, a named pipe, a large file, a notebook that is a link) and checks that feedback copies none of it.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, make_course, nbgrader

import coursekit as kit  # noqa: E402
from coursekit import course_template  # noqa: E402,F401  (pytest fixture)
from coursekit import make_course as make_fixture_course  # noqa: E402,F401  (pytest fixture)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("feedback")]

A, NB = "01-foundations", "01-exercises"
STOCK = ("--GenerateFeedback.preprocessors=['nbgrader.preprocessors.GetGrades',"
         "'nbconvert.preprocessors.CSSHTMLHeaderPreprocessor']")
#: Question 4 with a known mistake: cost of revenue is hosting only. The hidden test names this mistake.
Q4_CORRECT = 'cost_of_revenue = shifts_month[["hosting", "third_party_services", "payment_fees", "customer_support"]].sum()'
Q4_WRONG = 'cost_of_revenue = shifts_month[["hosting"]].sum()'
Q4_MESSAGE = "AssertionError: gross_margin: cost of revenue is more than hosting: include every line the question lists."


def _cells(nb, *, tests: bool):
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if tests and cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            yield cell
        if not tests and meta.get("task"):
            yield cell


def _code_lines(text: str) -> list[str]:
    """Lines of test code long enough to be unmistakable in the feedback's text."""
    return [ln.strip() for ln in text.splitlines() if len(ln.strip()) > 15 and "HIDDEN TESTS" not in ln]


def _text(path: Path) -> str:
    """The feedback as a reader sees it: tags (including the code highlighter's spans) removed, entities decoded."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("feedback") / "course", [A])
    nbgrader(course, "generate_assignment", A, "--force")
    master = nbformat.read(course / "source" / A / f"{NB}.ipynb", as_version=4)
    q4 = next(c for c in master.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q4_gross_margin")
    assert Q4_CORRECT in q4.source
    wrong = nbformat.from_dict(master)
    next(c for c in wrong.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q4_gross_margin").source = \
        q4.source.replace(Q4_CORRECT, Q4_WRONG)
    for student, nb in (("wrong-q4", wrong),
                        ("blank", nbformat.read(course / "release" / A / f"{NB}.ipynb", as_version=4))):
        folder = course / "submitted" / student / A
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{NB}.ipynb")
        (folder / "timestamp.txt").write_text("2026-01-12 10:00:00.000000 UTC")
    nbgrader(course, "autograde", A, "--force")
    return course, master


def _feedback(course: Path, student: str, *options: str) -> str:
    nbgrader(course, "generate_feedback", A, "--force", "--student", student, *options)
    return _text(course / "feedback" / student / A / f"{NB}.html")


def _leaks(text: str, master) -> dict:
    hidden = [ln for cell in _cells(master, tests=True)
              for block in re.findall(r"BEGIN HIDDEN TESTS(.*?)END HIDDEN TESTS", cell.source, re.S)
              for ln in _code_lines(block)]
    visible = [ln for cell in _cells(master, tests=True)
               for ln in _code_lines(cell.source.split("### BEGIN HIDDEN TESTS")[0]) if not ln.startswith("print(")]
    assert len(hidden) > 30 and len(visible) > 20  # the assignment has real tests to leak
    return {"hidden": [ln for ln in hidden if ln in text], "visible": [ln for ln in visible if ln in text],
            "BEGIN HIDDEN TESTS": "BEGIN HIDDEN TESTS" in text,
            "mark scheme": [s for s in ("BEGIN MARK SCHEME", "Score each of the five criteria",
                                        "Model answer (Kestrel, abridged)") if s in text]}


def test_feedback_shows_messages_but_no_test_code_and_no_mark_scheme(graded):
    course, master = graded
    text = _feedback(course, "wrong-q4")
    leaks = _leaks(text, master)
    assert leaks == {"hidden": [], "visible": [], "BEGIN HIDDEN TESTS": False, "mark scheme": []}
    # each test cell is there, as one neutral line; the failed check's message is kept, without traceback frames
    for n in range(1, 7):
        assert f"# Checks for question {n} (code hidden)" in text
    assert Q4_MESSAGE in text
    assert "Traceback" not in text and "---->" not in text and "Cell In[" not in text
    assert "Written question (5 points)" in text  # the task itself stays, only its mark scheme goes
    assert "About the score above" not in text  # a note for self-study learners only (spm grade)
    # each verdict is plain: a failed check shows its message, not "visible checks passed" right above it
    assert "# Checks for question 4 (code hidden): failed, the message below says why" in text
    assert "Question 4: visible checks passed." not in text
    assert "# Checks for question 1 (code hidden): passed" in text
    assert "Question 1, item 1: visible checks passed." in text  # what a passing check printed stays

    # the untouched release: every failure still explains itself, and says it was not answered
    blank = _feedback(course, "blank")
    assert _leaks(blank, master)["hidden"] == []
    assert "NameError: name 'activity_band' is not defined" in blank
    # an answer cell handed in as released says so in one line, not with the stub's traceback
    assert "Not answered: this cell was handed in as released" in blank
    assert "Traceback" not in blank and "---->" not in blank and "Cell In[" not in blank
    assert "# Checks for question 1 (code hidden): not answered yet" in blank
    # the contents list no bare "Comment" (nbgrader's automatic "No response." on each untouched answer)
    page = (course / "feedback" / "blank" / A / f"{NB}.html").read_text(encoding="utf-8")
    assert ">Comment</a>" not in page and "No response." not in page


def test_mark_scheme_is_shown_only_when_the_instructor_turns_it_on(graded):
    course, master = graded
    text = _feedback(course, "wrong-q4", "--HideMarkScheme.show_in_feedback=True")
    leaks = _leaks(text, master)
    assert leaks["mark scheme"] == ["BEGIN MARK SCHEME", "Score each of the five criteria",
                                    "Model answer (Kestrel, abridged)"]
    assert leaks["hidden"] == [] and leaks["visible"] == []


def test_control_nbgraders_own_feedback_leaks_what_the_course_hides(graded):
    """Without the course's preprocessors the same checks find the leaks: the tests above can fail."""
    course, master = graded
    leaks = _leaks(_feedback(course, "wrong-q4", STOCK), master)
    assert len(leaks["hidden"]) > 30 and len(leaks["visible"]) > 20 and leaks["BEGIN HIDDEN TESTS"]
    assert len(leaks["mark scheme"]) == 3
    _feedback(course, "blank", STOCK)  # and lists a bare "Comment" for every untouched answer
    assert ">Comment</a>" in (course / "feedback" / "blank" / A / f"{NB}.html").read_text(encoding="utf-8")


# --- What generate_feedback copies from the autograded folder --------------------------------------------------

def test_feedback_copies_no_link_and_nothing_but_the_html(make_fixture_course):
    course = make_fixture_course()
    for student in ("ada", "eve"):
        kit.submit(course, student, kit.student_notebook(course, "right"))
        (course / "submitted" / student / kit.ASSIGNMENT / "submission_secret.txt").write_text("s3cret")
    kit.nbgrader(course, "autograde", kit.ASSIGNMENT, "--force")
    master = course / "source" / kit.ASSIGNMENT / f"{kit.NOTEBOOK}.ipynb"
    # what a kernel could have left in ada's folder (P3's clean-up removes it first; this is the second line)
    ada = course / "autograded" / "ada" / kit.ASSIGNMENT
    (ada / "answers.html").symlink_to(master)
    (ada / "stolen_source").symlink_to(course / "source")
    (ada / "submission_secret.txt").unlink()
    (ada / "submission_secret.txt").symlink_to(course / "gradebook.db")
    os.mkfifo(ada / "pipe")
    (ada / "big.csv").write_bytes(b"x" * 3_000_000)
    (ada / "data").mkdir()
    (ada / "data" / "notes.txt").write_text("student file")
    # eve's autograded notebook is a link to the solutions master
    eve = course / "autograded" / "eve" / kit.ASSIGNMENT / f"{kit.NOTEBOOK}.ipynb"
    eve.unlink()
    eve.symlink_to(master)

    result = kit.nbgrader(course, "generate_feedback", kit.ASSIGNMENT, "--force", check=False)

    log = result.stdout + result.stderr
    out = course / "feedback" / "ada" / kit.ASSIGNMENT
    assert sorted(p.name for p in out.iterdir()) == [f"{kit.NOTEBOOK}.html", "timestamp.txt"], log
    assert (out / "timestamp.txt").read_text() == "2026-01-12 10:00:00.000000 UTC"
    assert "submission_secret.txt (a symbolic link)" in log
    assert not (course / "feedback" / "eve").exists()
    assert "exercises.ipynb is not a regular file" in log and result.returncode == 1
    shutil.rmtree(course / "feedback")
    # an untouched folder gives both bookkeeping files, so release_feedback can publish the feedback
    (ada / "submission_secret.txt").unlink()
    (ada / "submission_secret.txt").write_text("s3cret")
    kit.nbgrader(course, "generate_feedback", kit.ASSIGNMENT, "--force", "--student", "ada")
    assert sorted(p.name for p in out.iterdir()) == [f"{kit.NOTEBOOK}.html", "submission_secret.txt",
                                                     "timestamp.txt"]
    assert (out / "submission_secret.txt").read_text() == "s3cret"


def test_the_course_grading_command_writes_the_same_feedback(make_fixture_course):
    """``spm grade-cohort`` makes feedback through nbgrader's GenerateFeedback with the course's config: the same
    preprocessors apply."""
    import subprocess

    course = make_fixture_course()
    kit.submit(course, "ben", kit.student_notebook(course, "wrong"))
    result = subprocess.run([sys.executable, "-m", "spmcourse.cli", "grade-cohort", kit.ASSIGNMENT], cwd=course,
                            env=kit.env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    text = _text(course / "feedback" / "ben" / kit.ASSIGNMENT / f"{kit.NOTEBOOK}.html")
    assert "growth_margin: is divided by the cost instead of the price." in text
    assert "# Checks for question 2 (code hidden)" in text
    for code in ("_expected_q1", "check_close(growth_margin, (9.0 - 3.6) / 9.0", "payback == math.ceil(1000 / 300)",
                 'check_number(growth_margin, "growth_margin")', "Model answer", "MARK SCHEME"):
        assert code not in text
    assert sorted(p.name for p in (course / "feedback" / "ben" / kit.ASSIGNMENT).iterdir()) == \
        [f"{kit.NOTEBOOK}.html", "timestamp.txt"]
    assert kit.leftover_processes() == []


def test_test_code_printed_by_the_students_code_is_not_shown(make_fixture_course):
    """A hook in the student's kernel that prints every cell's source used to carry the test code into the
    outputs. The tests now run in a clean kernel of their own (spmcourse/grading/isolation.py), so the hook never sees
    them; and the feedback shows no test code either way."""
    course = make_fixture_course()
    leaky = {
        "q1_mrr": kit.ANSWERS["q1_mrr"]["right"] + "\nget_ipython().events.register("
                                                   "'pre_run_cell', lambda info: print(info.raw_cell))",
        "q2_margin": "right", "q3_payback": "right",
    }
    kit.submit(course, "mal", kit.student_notebook(course, leaky))
    kit.nbgrader(course, "autograde", kit.ASSIGNMENT, "--force")
    autograded = (course / "autograded" / "mal" / kit.ASSIGNMENT / f"{kit.NOTEBOOK}.ipynb").read_text()
    outputs = json.dumps([c.get("outputs", []) for c in json.loads(autograded)["cells"]])
    assert "_expected_q1" not in outputs and "payback == math.ceil" not in outputs
    kit.nbgrader(course, "generate_feedback", kit.ASSIGNMENT, "--force")
    text = _text(course / "feedback" / "mal" / kit.ASSIGNMENT / f"{kit.NOTEBOOK}.html")
    for code in ("_expected_q1", "check_close(growth_margin, (9.0 - 3.6) / 9.0", "payback == math.ceil(1000 / 300)",
                 'check_number(growth_margin, "growth_margin")', "BEGIN HIDDEN TESTS"):
        assert code not in text
    assert "Question 1: visible checks passed." in text  # what the test itself printed stays
