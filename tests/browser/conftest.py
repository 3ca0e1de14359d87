"""Browser fixtures: a copy of the course, JupyterLab started the way `make lab` starts it, headless Chromium.

- The course is copied (the files a fresh clone would have: tracked plus untracked-but-not-ignored, so no
  ``work/``) into a temporary folder, and JupyterLab and its kernels import the copy's ``spmcourse``
  (``PYTHONPATH``): the tests never touch the real ``work/``. If the copy has no assignment for the first module
  yet, a small stand-in is generated into the copy.
- One JupyterLab server per session (``spmcourse.authoring.lab.lab_command`` and ``lab_env``, on a free port of
  127.0.0.1, with a token), with its own settings, workspaces and runtime folders.
- Debian's Chromium driven by the ``playwright`` pip package (never ``playwright install``).
- A failing test leaves a screenshot in ``tests/artifacts/``; ``SPM_SCREENSHOTS=1`` also writes the learner
  guide's screenshots into ``docs/img/``.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from spmcourse import COURSE_ROOT
from spmcourse.authoring import curriculum
from spmcourse.authoring.build import generate_release
from spmcourse.authoring.lab import install_overrides, lab_command, lab_env
from spmcourse.authoring.notebooks import write

from coursekit import tiny_assignment

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = bool(os.environ.get("SPM_SCREENSHOTS"))
ARTIFACTS = COURSE_ROOT / "tests" / "artifacts"
DOC_IMAGES = COURSE_ROOT / "docs" / "img"
FIRST = curriculum.available_modules()[0]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- The course copy --------------------------------------------------------------------------------------------

_NOT_IN_A_CLONE = {".git", ".venv", "work", "tests/artifacts", "exchange", "submitted", "autograded", "feedback"}


def _clone_like_files(root: Path) -> list[str]:
    """What a fresh clone would hold: tracked files plus new ones git does not ignore (never ``work/``)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                             capture_output=True, check=True).stdout.decode()
        return [f for f in out.split("\0") if f and (root / f).is_file()]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (a downloaded archive)
        return [p.relative_to(root).as_posix() for p in root.rglob("*")
                if p.is_file() and not any(p.relative_to(root).as_posix().startswith(x) for x in _NOT_IN_A_CLONE)
                and "__pycache__" not in p.parts and p.suffix != ".db"]


@dataclass
class CourseCopy:
    root: Path
    assignment: str
    notebook: str
    lesson: Path


@pytest.fixture(scope="session")
def course_copy(tmp_path_factory) -> CourseCopy:
    root = tmp_path_factory.mktemp("course-copy")
    for rel in _clone_like_files(COURSE_ROOT):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(COURSE_ROOT / rel, root / rel)
    if not (root / FIRST.source_notebook).exists():
        (root / FIRST.source_notebook).parent.mkdir(parents=True, exist_ok=True)
        write(tiny_assignment(), root / FIRST.source_notebook)
    if not (root / FIRST.release_notebook).exists():
        env_path = os.environ.get("PATH", "")
        os.environ["PATH"] = lab_env()["PATH"]  # nbgrader calls `alembic`
        try:
            generate_release(FIRST.key, root=root)
        finally:
            os.environ["PATH"] = env_path
    return CourseCopy(root, FIRST.key, FIRST.release_notebook.name, FIRST.lesson)


# --- JupyterLab -------------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    url: str
    token: str
    course: CourseCopy
    seconds_to_ready: float
    timings: dict = field(default_factory=dict)
    pages: int = 0

    def open(self, page, path: str = "") -> None:
        """Open the course's address (no ``path``: the server's default page, as `make lab` does), or ``path`` in
        a workspace of its own: a new page on the workspace a just-closed page used can make JupyterLab move to
        a fresh workspace and reload, and a notebook whose kernel was starting then loses it."""
        if not path:
            page.goto(f"{self.url}/?token={self.token}")
            return
        self.pages += 1
        page.goto(f"{self.url}/lab/workspaces/page{self.pages}/tree/{path}?token={self.token}")


@contextlib.contextmanager
def serve(course_copy: CourseCopy, home: Path, mode: str = "learner"):
    """A JupyterLab server on ``course_copy`` started as `make lab` (``mode="learner"``) or `make instructor`
    (``"instructor"``) start it, on a free port with a token; yields a :class:`Lab`."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium)")
    install_overrides()  # what `make lab` does first
    port, token = _free_port(), secrets.token_hex(16)
    env = lab_env(dict(os.environ, PYTHONPATH=str(course_copy.root),
                       JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
                       JUPYTER_RUNTIME_DIR=str(home / "runtime")))
    env.pop("SPM_WORKSPACE", None)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    log_path = ARTIFACTS / f"jupyterlab-{mode}-{worker}.log"
    log = open(log_path, "w")
    # Exposing the app lets the tests read JupyterLab's cell models (cells off screen are not rendered).
    cmd = lab_command(port, open_browser=False, root=course_copy.root, mode=mode) + [
        f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True"]
    start = time.perf_counter()
    server = subprocess.Popen(cmd, cwd=course_copy.root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start; see {log_path}")
                time.sleep(0.2)
        the_lab = Lab(url, token, course_copy, time.perf_counter() - start)
        the_lab.timings["server ready"] = round(the_lab.seconds_to_ready, 1)
        yield the_lab
        (ARTIFACTS / f"browser-timings-{mode}-{worker}.json").write_text(json.dumps(the_lab.timings, indent=2) + "\n")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
        log.close()


@pytest.fixture(scope="session")
def lab(course_copy, tmp_path_factory):
    with serve(course_copy, tmp_path_factory.mktemp("jupyter-home")) as the_lab:
        yield the_lab


# --- Chromium ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            viewport={"width": 1200, "height": 760})
        context.set_default_timeout(30_000)
        yield context
        context.close()


@pytest.fixture
def page(browser_context, request):
    page = browser_context.new_page()
    problems = []
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.problems = problems
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    page.close()


def run_command(page, command: str, *, wait: bool = True, timeout_ms: int = 30_000) -> None:
    """Execute the JupyterLab command ``command`` (as a menu item does) in ``page``.

    ``page.evaluate`` waits for the command's promise with no time limit, and some commands wait on the learner:
    closing a notebook with unsaved changes waits for the dialog's answer, Run All for every cell. So with
    ``wait``, the command gets ``timeout_ms`` to finish and a command that has not fails the test with the
    dialog it shows; without, the command is started and the test goes on (and checks what it does itself).
    """
    if not wait:
        page.evaluate("(command) => { window.jupyterapp.commands.execute(command).catch(() => {}); }", command)
        return
    finished = page.evaluate(
        """([command, ms]) => Promise.race([
               window.jupyterapp.commands.execute(command).then(() => true),
               new Promise(done => setTimeout(() => done(false), ms))])""", [command, timeout_ms])
    if not finished:
        dialogs = page.locator(".jp-Dialog").all_inner_texts()
        raise AssertionError(f"JupyterLab's {command} did not finish within {timeout_ms / 1000:.0f} s"
                             + (f"; it shows a dialog: {dialogs}" if dialogs else ""))


def wait_saveable(page, timeout_ms: int = 30_000) -> None:
    """Wait until the current tab's document has loaded its file's details from the server. Until then
    JupyterLab's Save finds no ``writable`` flag and answers "Cannot Save: Document is read-only" in a dialog."""
    page.wait_for_function(
        """() => { const w = window.jupyterapp.shell.currentWidget;
                   return !!(w && w.context && w.context.isReady && w.context.contentsModel
                             && w.context.contentsModel.writable); }""", timeout=timeout_ms)


def doc_screenshot(page, name: str, *, clip: dict | None = None, colours: int = 96) -> Path | None:
    """With ``SPM_SCREENSHOTS=1``, save a small palette PNG for the learner guide into ``docs/img/``."""
    if not SCREENSHOTS:
        return None
    from PIL import Image

    DOC_IMAGES.mkdir(parents=True, exist_ok=True)
    path = DOC_IMAGES / f"{name}.png"
    page.screenshot(path=str(path), clip=clip)
    with Image.open(path) as img:
        small = img.convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)
    return path
