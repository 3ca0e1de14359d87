"""The portfolio in a real browser: a learner with a started, answered capstone runs `spm portfolio`; the page
opens from disk in Chromium with every network request blocked and shows the one-pager and an embedded plot (it is
self-contained), and JupyterLab's HTML viewer shows it too."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from spmcourse.authoring.notebooks import read, write

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ONE_PAGER = "Launch Kestrel Shifts Care on 1 January 2027, after support has four trained agents."


def _spm(course, env, *args):
    run = subprocess.run([sys.executable, "-m", "spmcourse.cli", *args], cwd=course, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_portfolio_is_exported_and_opens_offline(lab, page, tmp_path):
    course = lab.course.root
    env = dict(os.environ, PYTHONPATH=str(course), SPM_WORKSPACE=str(tmp_path / "work"))
    _spm(course, env, "start", "12-capstone")
    copy = tmp_path / "work" / "12-capstone" / "12-exercises.ipynb"
    nb = read(copy)
    task = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("task"))
    nb.cells[task + 1].source = ONE_PAGER
    write(nb, copy)
    own = tmp_path / "work" / "own-product"
    own.mkdir()
    executed = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                               "--output-dir", str(own), "--output", "pantry-pilot.ipynb",
                               str(course / "notebooks" / "12-your-own-product.ipynb")],
                              cwd=course / "notebooks", env=env, capture_output=True, text=True, timeout=300)
    assert executed.returncode == 0, executed.stderr
    out = course / "portfolio-browser-test.html"  # inside the lab's root, so that JupyterLab can open it
    assert "Portfolio written to" in _spm(course, env, "portfolio", "--name", "Ada Lovelace", "--out", str(out))

    requests = []

    def only_the_file(route):
        requests.append(route.request.url)
        route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()

    page.route("**/*", only_the_file)
    page.goto(out.as_uri())
    assert page.title() == "Ada Lovelace: software product management portfolio"
    page.get_by_text(ONE_PAGER).wait_for(timeout=10_000)
    image = page.locator("img[src^='data:image/png']").first
    image.wait_for(timeout=10_000)
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    page.unroute("**/*")

    lab.open(page, out.name)
    frame = page.frame_locator(".jp-HTMLViewer iframe").first
    frame.get_by_text("My own product: pantry-pilot").wait_for(timeout=60_000)
    frame.get_by_text(ONE_PAGER).wait_for(timeout=10_000)
