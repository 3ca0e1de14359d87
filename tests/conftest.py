"""Shared by every test: the course's modules, notebook execution in fresh kernels, the spreading of test files
over xdist workers and the check that the suite leaves the checkout as it found it.

The courses that tests build (the grading fixture course, the learner course, the repo's course) are in the one
course kit, ``tests/coursekit.py``; ``built_course`` is available everywhere, and ``make_course`` and ``nbgrader``
here are the kit's :func:`~coursekit.repo_course` and :func:`~coursekit.repo_nbgrader`.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from coursekit import ASSIGNMENTS, AVAILABLE, MODULE_IDS, built_course  # noqa: F401 (built_course: a fixture for every test)
from coursekit import repo_course as make_course, repo_nbgrader as nbgrader  # noqa: F401 (imported by tests)
from spmcourse import COURSE_ROOT
from spmcourse.authoring.execution import execute_notebook

ROOT = COURSE_ROOT


@dataclass
class Executed:
    """A notebook after execution in a fresh kernel."""
    nb: nbformat.NotebookNode
    seconds: float

    def errors(self) -> list[tuple[int, str]]:
        """(cell index, error text) for every cell that raised."""
        found = []
        for i, cell in enumerate(self.nb.cells):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    found.append((i, f"{out['ename']}: {out['evalue']}"))
        return found

    def stderr(self) -> list[tuple[int, str]]:
        return [(i, out["text"]) for i, cell in enumerate(self.nb.cells)
                for out in cell.get("outputs", [])
                if out.get("output_type") == "stream" and out.get("name") == "stderr"]

    def cell(self, grade_id: str) -> nbformat.NotebookNode:
        for cell in self.nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                return cell
        raise KeyError(grade_id)


def execute(nb: nbformat.NotebookNode, cwd: Path, env: dict | None = None, timeout: int = 60) -> Executed:
    """Run a notebook top to bottom in a fresh ``python3`` kernel (over IPC), keeping going after errors."""
    executed, seconds = execute_notebook(nb, cwd, env=env, timeout=timeout)
    return Executed(executed, seconds)


def graded_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Autograded test cells (nbgrader ``grade`` code cells)."""
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]


def grade_ids(nb: nbformat.NotebookNode, *, tasks: bool = True) -> list[str]:
    """grade_ids of every graded cell: test cells, manually graded answers and (optionally) tasks."""
    ids = []
    for c in nb.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("grade") or (tasks and meta.get("task")):
            ids.append(meta["grade_id"])
    return ids


@pytest.fixture(autouse=True)
def _no_figures_carried_over():
    """Each test starts without open matplotlib figures, so a test can check that it closes its own."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


@pytest.fixture(scope="module")
def backlog():
    """Kestrel's backlog, indexed by item_id (release planning and roadmap tests)."""
    from spmcourse.casedata import load

    return load("backlog").set_index("item_id")


@pytest.fixture(scope="module")
def requires(backlog) -> dict:
    """item_id -> the items it depends on."""
    from spmcourse import planning

    return planning.parse_requires(backlog["depends_on"])


# --- Parallel runs ---------------------------------------------------------------------------------------------
# Most test files share expensive session fixtures (a built course, a JupyterLab server, a grading run), so under
# pytest-xdist a file's tests stay on one worker. These files have many independent, kernel-heavy tests, which
# are spread over the workers one by one. (xdist's own `--dist loadgroup` marks do not group under pytest 9.2.)
SPREAD_FILES = {"test_mistakes.py", "test_lessons.py"}


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return nodeid if Path(module).name in SPREAD_FILES else module

    return CourseScheduling(config, log)


# --- The suite leaves the checkout as it found it --------------------------------------------------------------
# A learner may run `make test` in the checkout they study in: their saved lessons (outputs included), their
# workspace (work/) and anything else in the folder must come out byte for byte as they went in. The controller
# process (not the xdist workers) fingerprints the checkout before the run and compares after it; a change fails
# the run and names the files.
_SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".ipynb_checkpoints", "artifacts", "bench-results",
              ".hypothesis"}


def checkout_fingerprint(root: Path = ROOT) -> dict[str, tuple[int, int]]:
    """relative path -> (size, content hash) for every file of the checkout, bar caches and the environment."""
    import hashlib

    prints = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.endswith(".egg-info")]
        for name in files:
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            data = path.read_bytes()
            prints[str(path.relative_to(root))] = (len(data), int(hashlib.blake2b(data, digest_size=8).hexdigest(), 16))
    return prints


def fingerprint_changes(before: dict, after: dict) -> list[str]:
    return sorted(f"{'changed' if p in before and p in after else 'created' if p in after else 'removed'}: {p}"
                  for p in set(before) | set(after) if before.get(p) != after.get(p))


# --- ... and the real home's course folders as it found them ---------------------------------------------------
# Simulated students submit with nbgrader's exchange code, which keeps a copy of every submission in its cache
# (by default the real home's ~/.local/share/jupyter/nbgrader_cache): a leak there shows up in the instructor's
# Assignment List. nbgrader's and Jupyter's user configuration and nbgrader's default exchange are guarded too.
# (The kernels' ~/.ipython history, Jupyter's trust database and runtime folder are not: the learner's own
# JupyterLab writes there while the suite runs. The suite's own go to a temporary folder: pytest_configure.)
def home_folders() -> list[Path]:
    """The real home's folders (and nbgrader's default exchange) that the suite must leave as they were."""
    home = Path.home()
    return [home / ".local" / "share" / "jupyter" / "nbgrader_cache", home / ".jupyter",
            Path("/srv/nbgrader/exchange")]


def home_fingerprint() -> dict[str, tuple[int, int]]:
    """path -> (size, content hash) for every file and folder (folders: (-1, 0)) of :func:`home_folders`."""
    prints = {}
    for top in home_folders():
        if top.is_dir():
            prints[str(top) + "/"] = (-1, 0)
            for path, (size, digest) in checkout_fingerprint(top).items():
                prints[str(top / path)] = (size, digest)
            for folder, dirs, _ in os.walk(top):
                prints.update({str(Path(folder) / d) + "/": (-1, 0) for d in dirs})
    return prints


def pytest_configure(config):
    """Jupyter's data folder and IPython's folder of the whole run are temporary (the xdist workers and every
    process the tests start inherit them): servers sign notebooks into ``nbsignatures.db`` there, kernels write
    their history there, and nbgrader's default exchange cache is there."""
    if hasattr(config, "workerinput"):
        return
    import tempfile

    config._spm_private = tempfile.mkdtemp(prefix="spm-test-home-")
    os.environ["JUPYTER_DATA_DIR"] = os.path.join(config._spm_private, "jupyter")
    os.environ["IPYTHONDIR"] = os.path.join(config._spm_private, "ipython")


def pytest_unconfigure(config):
    private = getattr(config, "_spm_private", None)
    if private:
        import shutil

        shutil.rmtree(private, ignore_errors=True)


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):
        session.config._spm_checkout = checkout_fingerprint()
        session.config._spm_home = home_fingerprint()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_spm_checkout", None)
    if before is None:
        return
    changes = fingerprint_changes(before, checkout_fingerprint())
    if changes:
        session.config._spm_changes = changes
        session.exitstatus = 1
    home_changes = fingerprint_changes(session.config._spm_home, home_fingerprint())
    if home_changes:
        session.config._spm_home_changes = home_changes
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    changes = getattr(config, "_spm_changes", None)
    if changes:
        terminalreporter.section("the test suite changed the checkout", red=True)
        for line in changes[:50]:
            terminalreporter.write_line(line)
        terminalreporter.write_line("Tests must work on copies (tmp_path) and never write into the checkout.")
    changes = getattr(config, "_spm_home_changes", None)
    if changes:
        terminalreporter.section("the test suite changed the real home's course folders", red=True)
        for line in changes[:50]:
            terminalreporter.write_line(line)
        if len(changes) > 50:
            terminalreporter.write_line(f"... and {len(changes) - 50} more")
        terminalreporter.write_line("Tests must give nbgrader and Jupyter temporary folders (a student's home in "
                                    "tmp_path, Exchange.cache, JUPYTER_CONFIG_DIR) and never write into the real home.")
