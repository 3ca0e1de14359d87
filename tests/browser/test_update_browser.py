"""`spm update` on the learner's real path, in a real JupyterLab and a real browser.

The course is a real git clone of an "upstream" repository made from the course's own files. The learner runs a
lesson in JupyterLab and saves it (its outputs are now in the tracked file); the upstream then publishes a new
version of that lesson. While JupyterLab still runs, the update stops and changes nothing: a lesson open in it
holds the old version, and at the next save JupyterLab's "File Changed" dialog offers to overwrite the new
version with it. Once JupyterLab is stopped, the update brings the new version; in a JupyterLab started again,
the lesson shows the new sentence, and the learner's saved copy under ``work/saved-lessons/<date-time>/`` opens
with their outputs; the rest of the workspace is byte-for-byte as it was.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coursekit import git
from spmcourse.learner import workspace

from .conftest import ARTIFACTS, CourseCopy, serve
from .test_learner_journey import ACTIVE, run_all, wait_kernel_idle

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SENTENCE = "New in this version: a worked example of the first pricing decision."


def spm_update(course: Path, home: Path) -> subprocess.CompletedProcess:
    """`make update` as the learner runs it, from the shell that started JupyterLab (same runtime folder)."""
    env = {k: v for k, v in os.environ.items() if k != "SPM_WORKSPACE"}
    env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    return subprocess.run([sys.executable, "-m", "spmcourse.cli", "update", "--root", str(course)],
                          capture_output=True, text=True, env=env, timeout=120)


def snapshot(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).as_posix().startswith(skip)}


def tracked_state(clone: Path) -> tuple[str, str, dict[str, bytes]]:
    """HEAD, ``git status`` and every file of the checkout outside ``.git`` and ``work/``."""
    return (git(clone, "rev-parse", "HEAD"), git(clone, "status", "--porcelain"),
            snapshot(clone, (".git/", "work/")))


@pytest.fixture
def learner_clone(course_copy, tmp_path) -> tuple[Path, CourseCopy]:
    """(the course's upstream repository, the learner's clone of it as a course copy JupyterLab can serve)."""
    upstream = tmp_path / "upstream"
    shutil.copytree(course_copy.root, upstream,
                    ignore=shutil.ignore_patterns("work", ".ipynb_checkpoints", "__pycache__"))
    git(upstream, "init", "--quiet", "--initial-branch=main")
    git(upstream, "add", "-A")
    git(upstream, "commit", "--quiet", "-m", "v1")
    clone = tmp_path / "learner"
    git(tmp_path, "clone", "--quiet", str(upstream), str(clone))
    return upstream, CourseCopy(clone, course_copy.assignment, course_copy.notebook, course_copy.lesson)


def publish_new_version(upstream: Path, lesson: str) -> None:
    """The upstream adds a markdown cell with :data:`SENTENCE` under the lesson's title and commits it."""
    nb = json.loads((upstream / lesson).read_text(encoding="utf-8"))
    nb["cells"].insert(1, {"cell_type": "markdown", "id": "new-in-v2", "metadata": {}, "source": [SENTENCE]})
    (upstream / lesson).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    git(upstream, "commit", "--quiet", "-am", "v2: a new paragraph in the first lesson")


def first_text_output(path: Path) -> str:
    """A line of the first text output saved in the notebook at ``path`` (what the learner's run printed)."""
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain")
            if text:
                lines = [line.strip() for line in "".join(text).splitlines() if line.strip()]
                if lines:
                    return lines[0]
    raise AssertionError(f"no text output saved in {path}")


def wait_current(page, path: str) -> None:
    """Wait until the current tab is the notebook at ``path``, loaded (the lesson and its saved copy have the
    same name, so the tab's title cannot tell them apart)."""
    page.wait_for_function(
        """(path) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                       return !!(w && w.context && w.context.path === path && w.context.isReady
                                 && w.content && w.content.widgets && w.content.widgets.length); }""",
        arg=path, timeout=60_000)
    page.wait_for_selector(f"{ACTIVE} .jp-Notebook .jp-Cell")


def shown(page, text: str) -> dict:
    """The current notebook, from JupyterLab's model: how many outputs its code cells hold, and the index of the
    first cell whose source or text output contains ``text`` (-1: none)."""
    return page.evaluate(
        """(text) => { const cells = window.jupyterapp.shell.currentWidget.content.widgets;
             const outputs = c => c.model.type === 'code' ? c.model.outputs.toJSON() : [];
             const said = o => [].concat(o.text || (o.data && o.data['text/plain']) || []).join('');
             return {outputs: cells.reduce((n, c) => n + outputs(c).length, 0),
                     source: cells.findIndex(c => c.model.sharedModel.getSource().includes(text)),
                     output: cells.findIndex(c => outputs(c).some(o => said(o).includes(text)))}; }""", text)


def scroll_to(page, index: int) -> None:
    """Bring cell ``index`` of the current notebook on screen (cells off screen are not rendered)."""
    page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.scrollToItem(i, 'center')", index)


def test_update_from_jupyterlab_keeps_the_learners_run_and_brings_the_new_lesson(learner_clone, tmp_path, page):
    upstream, course = learner_clone
    clone, lesson = course.root, course.lesson.as_posix()
    name = Path(lesson).name
    home = tmp_path / "jupyter-home"
    timings = {}
    workspace.start(course.assignment, clone)  # the learner's exercises copy in work/, which must stay as it is

    # 1. The learner runs the lesson in JupyterLab and saves it: its outputs are now in the tracked file.
    begin = time.perf_counter()
    with serve(course, home) as lab:
        timings["server ready (s)"] = round(lab.seconds_to_ready, 1)
        lab.open(page, lesson)
        wait_kernel_idle(page, name)
        states = run_all(page)
        assert not states["errors"], states
        page.keyboard.press("Control+s")
        page.wait_for_function(
            "() => !document.querySelector('.lm-TabBar-tab.lm-mod-current.jp-mod-dirty')", timeout=15_000)
        assert git(clone, "status", "--porcelain").strip() == f"M {lesson}"
        learners_run = (clone / lesson).read_bytes()
        printed = first_text_output(clone / lesson)

        # 2. The upstream publishes a new version of that lesson.
        publish_new_version(upstream, lesson)

        # 3. `make update` while JupyterLab still runs with the lesson open: it stops and changes nothing.
        before = tracked_state(clone)
        start = time.perf_counter()
        refused = spm_update(clone, home)
        timings["update refused (s)"] = round(time.perf_counter() - start, 1)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "JupyterLab is running on this course" in refused.stderr, refused.stderr
        assert f":{lab.url.rsplit(':', 1)[1]}/" in refused.stderr  # the address of the lab to stop
        assert "File > Shut Down" in refused.stderr and "Traceback" not in refused.stderr
        assert tracked_state(clone) == before
        assert not (clone / "work" / "saved-lessons").exists()
        assert page.locator(".jp-Dialog").count() == 0  # nothing changed on disk under the open lesson
        stopping = time.perf_counter()
    # (leaving `serve` stops JupyterLab as Ctrl-C in its terminal does)
    timings["run, save, refused update (s)"] = round(stopping - begin, 1)
    timings["JupyterLab stopped (s)"] = round(time.perf_counter() - stopping, 1)

    # 4. JupyterLab stopped: the update brings the new version and keeps the learner's run.
    work_before = snapshot(clone / "work", (".course/jupyterlab/",))
    start = time.perf_counter()
    done = spm_update(clone, home)
    timings["update (s)"] = round(time.perf_counter() - start, 1)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Updated the course: 1 file(s) changed." in done.stdout, done.stdout
    copies = sorted((clone / "work" / "saved-lessons").glob(f"*/{lesson}"))
    assert len(copies) == 1, done.stdout
    saved = copies[0].relative_to(clone).as_posix()
    assert saved in done.stdout and "untouched" in done.stdout, done.stdout
    assert copies[0].read_bytes() == learners_run
    assert SENTENCE in (clone / lesson).read_text(encoding="utf-8")
    assert git(clone, "status", "--porcelain") == ""
    assert git(clone, "rev-parse", "HEAD") == git(upstream, "rev-parse", "HEAD")
    after = snapshot(clone / "work", (".course/jupyterlab/", "saved-lessons/"))
    assert after == work_before, "the update changed the workspace"

    # 5. JupyterLab started again: the lesson shows the new sentence, the saved copy shows the learner's run.
    begin = time.perf_counter()
    with serve(course, home) as lab:
        lab.open(page, lesson)
        wait_current(page, lesson)
        page.locator(f"{ACTIVE} .jp-RenderedMarkdown", has_text=SENTENCE).wait_for(timeout=15_000)
        assert shown(page, SENTENCE)["outputs"] == 0, "the new lesson shows the old run's outputs"

        lab.open(page, saved)
        wait_current(page, saved)
        copy = shown(page, printed)
        assert copy["outputs"] > 0 and copy["output"] >= 0, f"the saved copy has lost the learner's run: {copy}"
        assert shown(page, SENTENCE)["source"] == -1  # the learner's version, not the new one
        scroll_to(page, copy["output"])
        page.locator(f"{ACTIVE} .jp-OutputArea-output", has_text=printed).first.wait_for(timeout=15_000)

        lab.open(page, f"work/{course.assignment}/{course.notebook}")
        wait_current(page, f"work/{course.assignment}/{course.notebook}")
        assert page.locator(".jp-Dialog").count() == 0, page.locator(".jp-Dialog").all_inner_texts()
        timings["restart, new lesson, saved copy, exercises (s)"] = round(time.perf_counter() - begin, 1)
        stopping = time.perf_counter()
    timings["JupyterLab stopped again (s)"] = round(time.perf_counter() - stopping, 1)
    # opening a notebook makes JupyterLab write its checkpoint; every file the learner had is as it was
    reopened = snapshot(clone / "work", (".course/jupyterlab/", "saved-lessons/"))
    assert {k: v for k, v in reopened.items() if ".ipynb_checkpoints/" not in k} == work_before
    (ARTIFACTS / "browser-timings-update.json").write_text(json.dumps(timings, indent=2) + "\n")
