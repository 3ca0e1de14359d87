"""Does `spm update` bring a new version of the course from a real git remote, keeping every lesson the learner
saved (as a dated copy when the new version changes it) and the whole workspace, and does it stop with a clear
message, changing nothing, when offline or when the checkout has other local changes?"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coursekit import git


LESSON = "notebooks/01-lesson.ipynb"
OTHER = "notebooks/02-lesson.ipynb"


def notebook(text: str) -> str:
    return ('{"cells": [{"cell_type": "markdown", "metadata": {}, "source": "%s"}], "metadata": {}, '
            '"nbformat": 4, "nbformat_minor": 5}\n' % text)


def spm_update(course: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SPM_WORKSPACE"}
    return subprocess.run([sys.executable, "-m", "spmcourse.cli", "update", "--root", str(course)],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def course(tmp_path) -> tuple[Path, Path]:
    """(the course's repository, a learner's clone of it with saved lessons and a workspace)."""
    upstream = tmp_path / "upstream"
    (upstream / "notebooks").mkdir(parents=True)
    git(upstream, "init", "--quiet", "--initial-branch=main")
    (upstream / LESSON).write_text(notebook("lesson one"))
    (upstream / OTHER).write_text(notebook("lesson two"))
    (upstream / "Makefile").write_text("all:\n")
    (upstream / ".gitignore").write_text("work/\n")
    git(upstream, "add", "-A")
    git(upstream, "commit", "--quiet", "-m", "v1")
    clone = tmp_path / "learner"
    git(tmp_path, "clone", "--quiet", str(upstream), str(clone))
    # the learner ran both lessons (JupyterLab saved outputs into them) and has a workspace
    (clone / LESSON).write_text(notebook("lesson one, with my outputs"))
    (clone / OTHER).write_text(notebook("lesson two, with my outputs"))
    (clone / "work" / "01-a").mkdir(parents=True)
    (clone / "work" / "01-a" / "answers.ipynb").write_text(notebook("my answers"))
    (clone / "work" / ".course").mkdir()
    (clone / "work" / ".course" / "history.json").write_text('{"01-a": []}\n')
    return upstream, clone


def new_version(upstream: Path) -> None:
    (upstream / LESSON).write_text(notebook("lesson one, version 2"))
    (upstream / "notebooks" / "03-lesson.ipynb").write_text(notebook("lesson three"))
    git(upstream, "add", "-A")
    git(upstream, "commit", "--quiet", "-m", "v2")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def checkout_files(clone: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(clone).items() if not k.startswith(".git/")}


def test_update_brings_the_new_lesson_and_keeps_the_learners_copies_and_workspace(course):
    upstream, clone = course
    work = snapshot(clone / "work")
    new_version(upstream)

    done = spm_update(clone)
    assert done.returncode == 0, done.stderr
    assert (clone / LESSON).read_text() == notebook("lesson one, version 2")
    assert (clone / "notebooks" / "03-lesson.ipynb").exists()
    # the lesson the new version does not change keeps the learner's outputs in place
    assert (clone / OTHER).read_text() == notebook("lesson two, with my outputs")
    # the changed lesson, as the learner saved it, sits in a dated folder of the workspace
    copies = list((clone / "work" / "saved-lessons").glob(f"*/{LESSON}"))
    assert len(copies) == 1 and copies[0].read_text() == notebook("lesson one, with my outputs")
    assert "saved-lessons" in done.stdout and "untouched" in done.stdout
    # everything that was in the workspace is byte-for-byte the same
    after = {k: v for k, v in snapshot(clone / "work").items() if not k.startswith("saved-lessons/")}
    assert after == work
    assert git(clone, "rev-parse", "HEAD") == git(upstream, "rev-parse", "HEAD")

    again = spm_update(clone)
    assert again.returncode == 0 and "already up to date" in again.stdout


def test_offline_says_so_and_changes_nothing(course):
    upstream, clone = course
    new_version(upstream)
    git(clone, "remote", "set-url", "origin", "https://course.invalid/spm.git")
    before = checkout_files(clone)
    done = spm_update(clone)
    assert done.returncode == 2
    assert "offline" in done.stderr and "Nothing was changed" in done.stderr and "Traceback" not in done.stderr
    assert checkout_files(clone) == before


def test_other_local_changes_stop_the_update_and_change_nothing(course):
    upstream, clone = course
    new_version(upstream)
    (clone / "Makefile").write_text("all:\n\techo mine\n")
    before = checkout_files(clone)
    done = spm_update(clone)
    assert done.returncode == 2
    assert "Makefile" in done.stderr and "changed nothing" in done.stderr
    assert checkout_files(clone) == before
    assert not (clone / "work" / "saved-lessons").exists()


def test_a_folder_that_is_not_a_clone_is_told_what_to_do(tmp_path):
    done = spm_update(tmp_path)
    assert done.returncode == 2 and "not a git clone" in done.stderr and "work/" in done.stderr


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("started", ["in the course folder", "by make lab, with another runtime folder"])
def test_a_running_jupyter_server_on_the_course_stops_the_update(course, tmp_path, started):
    """A lesson open in a running JupyterLab holds the old version, and at its next save JupyterLab offers to
    overwrite the new one with it: while a Jupyter server serves the course, the update changes nothing. The
    server is found by its runtime info file (started by hand in the course folder, same runtime folder as the
    update) or by `make lab`'s command line (``--ServerApp.root_dir``, whatever its runtime folder)."""
    upstream, clone = course
    runtime = tmp_path / "runtime"
    port = _free_port()
    cmd = [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=t"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    by_make_lab = started.startswith("by make lab")
    if by_make_lab:
        cmd.append(f"--ServerApp.root_dir={clone}")
    env = {k: v for k, v in os.environ.items() if k != "SPM_WORKSPACE"}
    server = subprocess.Popen(cmd, cwd=tmp_path if by_make_lab else clone,
                              env=dict(env, JUPYTER_RUNTIME_DIR=str(runtime)),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    update_env = dict(env, JUPYTER_RUNTIME_DIR=str(tmp_path / ("other-runtime" if by_make_lab else "runtime")))

    def update() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "spmcourse.cli", "update", "--root", str(clone)],
                              capture_output=True, text=True, env=update_env, timeout=120)
    try:
        deadline = time.monotonic() + 60
        while not list(runtime.glob("jpserver-*.json")):
            assert server.poll() is None and time.monotonic() < deadline, "the Jupyter server did not start"
            time.sleep(0.2)

        already = update()  # nothing new upstream: the running server is no obstacle
        assert already.returncode == 0 and "already up to date" in already.stdout, already.stderr

        new_version(upstream)
        before = checkout_files(clone)
        done = update()
        assert done.returncode == 2, done.stdout
        assert "JupyterLab is running on this course" in done.stderr and f"process {server.pid}" in done.stderr
        assert (f":{port}/" in done.stderr) != by_make_lab  # the info file gives the address
        assert "File > Shut Down" in done.stderr and "Traceback" not in done.stderr
        assert checkout_files(clone) == before
        assert not (clone / "work" / "saved-lessons").exists()
    finally:
        server.terminate()
        server.wait(30)

    done = update()  # stopped: the update goes ahead
    assert done.returncode == 0, done.stderr
    assert (clone / LESSON).read_text() == notebook("lesson one, version 2")
