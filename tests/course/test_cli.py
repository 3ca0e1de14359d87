"""Does the `spm` command line answer help, refuse bad arguments with a clear message, and build releases?"""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, make_course
from coursekit import course, learner_template  # noqa: F401 (fixtures)
from spmcourse.authoring import build
from spmcourse import cli
from spmcourse.errors import CourseError


def spm(*args):
    return subprocess.run([sys.executable, "-m", "spmcourse.cli", *args], cwd=ROOT, capture_output=True,
                          text=True)


def test_help_lists_subcommands():
    result = spm("--help")
    assert result.returncode == 0
    for name in ("lab", "release", "clean", "nav"):
        assert name in result.stdout


def test_no_command_prints_help_and_fails():
    result = spm()
    assert result.returncode == 2 and "usage" in result.stdout


def test_unknown_command_fails():
    result = spm("frobnicate")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_release_of_unknown_assignment_says_what_exists():
    result = spm("release", "99-nothing")
    assert result.returncode == 2
    assert "no assignment '99-nothing'" in result.stderr and "available:" in result.stderr


def test_generate_release_reports_nbgrader_failure(tmp_path):
    """A broken master is reported with nbgrader's log, not a traceback."""
    course = make_course(tmp_path / "course", assignments=[])
    broken = course / "source" / "broken"
    broken.mkdir()
    (broken / "broken.ipynb").write_text("{ this is not json")
    with pytest.raises(CourseError, match="could not generate broken"):
        build.generate_release("broken", root=course)


def test_clean_check_changes_nothing(tmp_path, capsys):
    """`spm clean --check` is a dry run: it names the unclean notebook, exits 1 and leaves every file as it was
    (a learner's saved outputs are theirs)."""
    import nbformat

    from spmcourse.authoring.notebooks import code, new_notebook, write

    course = tmp_path / "course"
    (course / "notebooks").mkdir(parents=True)
    nb = new_notebook([code("print(1)")])
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    nb.cells[0].execution_count = 1
    write(nb, course / "notebooks" / "saved.ipynb")
    before = (course / "notebooks" / "saved.ipynb").read_bytes()
    assert cli.main(["clean", "--check", "--root", str(course)]) == 1
    assert (course / "notebooks" / "saved.ipynb").read_bytes() == before
    assert "saved.ipynb" in capsys.readouterr().out
    assert cli.main(["clean", "--root", str(course)]) == 0
    assert cli.main(["clean", "--check", "--root", str(course)]) == 0


def test_a_file_system_refusal_is_a_message_not_a_traceback(course, monkeypatch, capsys):
    """A file where the course keeps its state folder (work/.course): `spm start` says what is in the way."""
    from coursekit import LEARNER_ASSIGNMENT as ASSIGNMENT
    from spmcourse.learner import workspace

    monkeypatch.setattr(workspace, "COURSE_ROOT", course)
    (course / "work" / ".course").write_text("not a folder")
    assert cli.main(["start", ASSIGNMENT]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spm start: ") and "work/.course" in err and "run the command again" in err, err
    assert (course / "work" / ".course").read_text() == "not a folder"


def test_lab_announces_the_port_it_really_uses(tmp_path):
    """`make lab` prints its address before JupyterLab starts: with the preferred port taken, it picks the next
    free one and tells JupyterLab not to move elsewhere."""
    import socket

    from spmcourse.authoring.lab import free_port, lab_command

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        chosen = free_port(busy)
        assert chosen != busy and chosen > busy
    assert "--ServerApp.port_retries=0" in lab_command(chosen, open_browser=False, root=tmp_path)
