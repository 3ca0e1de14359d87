"""Does `spm start` copy an assignment into the learner's workspace without ever overwriting their work, tell
them about a newer release, and put that release beside their copy on request?"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from coursekit import FIRST, RIGHT, answer, course, learner_template, tree_snapshot  # noqa: F401
from coursekit import LEARNER_ASSIGNMENT as ASSIGNMENT, LEARNER_NOTEBOOK as NOTEBOOK
from spmcourse import cli
from spmcourse.learner import workspace
from spmcourse.errors import CourseError
from spmcourse.authoring.notebooks import read, write


def test_start_copies_the_release_and_records_its_version(course):
    result = workspace.start(FIRST.number, course)
    assert result.assignment == ASSIGNMENT and result.first_start
    copy = course / "work" / ASSIGNMENT / NOTEBOOK
    assert copy.read_bytes() == (course / "release" / ASSIGNMENT / NOTEBOOK).read_bytes()
    state = json.loads((course / "work" / ".course" / "workspace.json").read_text())
    assert state["assignments"][ASSIGNMENT]["versions"][-1]["version"] == workspace.release_version(ASSIGNMENT,
                                                                                                    course)
    assert not workspace.update_available(ASSIGNMENT, course)
    assert any("Started" in line for line in result.lines(course))


def test_start_again_never_overwrites_and_restores_a_missing_file(course):
    workspace.start(ASSIGNMENT, course)
    folder = course / "work" / ASSIGNMENT
    answer(folder / NOTEBOOK, {"q1_total": "total = 5  # my work"})
    (folder / "notes.txt").write_text("mine")
    before = tree_snapshot(folder)
    result = workspace.start(ASSIGNMENT, course)
    assert tree_snapshot(folder) == before and result.kept == [NOTEBOOK] and not result.copied
    (folder / NOTEBOOK).unlink()
    result = workspace.start(ASSIGNMENT, course)
    assert result.copied == [NOTEBOOK] and (folder / "notes.txt").read_text() == "mine"


def _new_release(course):
    """Simulate a course update: the instructor changed a question's text in the release."""
    path = course / "release" / ASSIGNMENT / NOTEBOOK
    nb = read(path)
    nb.cells[-1].source = "print('the end, version 2')"
    write(nb, path)
    (course / "release" / ASSIGNMENT / "data.csv").write_text("a,b\n1,2\n")


def test_newer_release_is_announced_and_put_beside_the_learners_copy(course):
    workspace.start(ASSIGNMENT, course)
    folder = course / "work" / ASSIGNMENT
    answer(folder / NOTEBOOK, {"q1_total": "total = 5  # my work"})
    mine = (folder / NOTEBOOK).read_bytes()
    _new_release(course)

    assert workspace.update_available(ASSIGNMENT, course)
    assert workspace.pending_updates(course) == [ASSIGNMENT]
    plain = workspace.start(ASSIGNMENT, course)  # without --update: says so, changes nothing of the learner's
    assert plain.update_pending and (folder / NOTEBOOK).read_bytes() == mine
    assert any("--update" in line for line in plain.lines(course))
    assert plain.copied == ["data.csv"]  # a file the learner does not have is simply added

    updated = workspace.start(ASSIGNMENT, course, update=True)
    v2 = NOTEBOOK.replace(".ipynb", ".v2.ipynb")
    assert updated.updated_to == 2 and updated.beside == {NOTEBOOK: v2}
    assert (folder / NOTEBOOK).read_bytes() == mine
    assert "version 2" in (folder / v2).read_text()
    assert not workspace.update_available(ASSIGNMENT, course)

    _new_release(course)  # the same content again: nothing new
    assert not workspace.update_available(ASSIGNMENT, course)
    path = course / "release" / ASSIGNMENT / NOTEBOOK
    nb = read(path)
    nb.cells[-1].source = "print('version 3')"
    write(nb, path)
    third = workspace.start(ASSIGNMENT, course, update=True)
    assert third.beside == {NOTEBOOK: NOTEBOOK.replace(".ipynb", ".v3.ipynb")}
    assert (folder / NOTEBOOK).read_bytes() == mine and (folder / v2).exists()


@pytest.mark.parametrize("name, message", [
    ("99", "there is no assignment '99'"),
    ("nonsense", "Available:"),
])
def test_unknown_assignment_is_a_clear_error(course, name, message):
    with pytest.raises(CourseError, match=message):
        workspace.start(name, course)


def test_module_not_yet_available_is_a_clear_error(course):
    import yaml

    plan = yaml.safe_load((course / "curriculum.yml").read_text())  # every module is out: plan one as coming
    module = next(m for m in plan["modules"] if m["number"] == "12")
    module.update(status="coming", graded={})
    module.pop("extra_assignments", None)
    (course / "curriculum.yml").write_text(yaml.safe_dump(plan, sort_keys=False))
    with pytest.raises(CourseError, match="not available yet"):
        workspace.start("12", course)


def test_missing_release_is_a_clear_error(course):
    import shutil

    shutil.rmtree(course / "release" / ASSIGNMENT)
    with pytest.raises(CourseError, match="release of .* is missing"):
        workspace.start(ASSIGNMENT, course)


def test_cli_start_bad_input_exits_2_with_a_message(capsys):
    assert cli.main(["start", "99-nothing"]) == 2
    assert "there is no assignment '99-nothing'" in capsys.readouterr().err


def test_spm_workspace_env_moves_the_workspace(course, tmp_path, monkeypatch):
    monkeypatch.setenv("SPM_WORKSPACE", str(tmp_path / "elsewhere"))
    workspace.start(ASSIGNMENT, course)
    assert (tmp_path / "elsewhere" / ASSIGNMENT / NOTEBOOK).exists() and not (course / "work" / ASSIGNMENT).exists()


def test_validate_works_on_the_learners_copy(course):
    """The Validate button's server handler loads nbgrader_config.py from the server's working directory (the
    course root) and runs nbgrader's Validator on the notebook; do the same on a copy in work/."""
    workspace.start(ASSIGNMENT, course)
    copy = course / "work" / ASSIGNMENT / NOTEBOOK
    script = (
        "import json, os, sys\n"
        "from jupyter_core.paths import jupyter_config_path\n"
        "from nbgrader.apps import NbGrader\n"
        "from nbgrader.validator import Validator\n"
        "app = NbGrader(); app.config_file_paths.append([os.getcwd()] + jupyter_config_path()); "
        "app.load_config_file()\n"
        "print(json.dumps(Validator(config=app.config).validate(sys.argv[1])))\n")

    def validate():
        run = subprocess.run([sys.executable, "-c", script, str(copy)], cwd=course, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout.strip().splitlines()[-1])

    answer(copy, {"q2_double": RIGHT["q2_double"]})  # question 1 left as released
    result = validate()
    failed = " ".join(str(f) for f in result.get("failed", []))
    assert "NotImplementedError" in failed and "doubled" not in failed, result
