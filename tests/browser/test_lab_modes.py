"""The two labs in a real browser. `make lab` (the learner's): the welcome page opens alone, with no kernel and not
shown as modified; none of nbgrader's instructor tooling (no Nbgrader menu, no Create Assignment, no Assignment
or Course List, nothing saying "No courses found"), Validate loaded but shown only on assignments; JupyterLab's
workspace is the course's own; the progress page runs itself when it opens, and neither running it, nor saving,
nor closing it changes its file or asks anything; a lesson has no Validate button and its kernel stops when its
tab is closed. `make instructor`: the
Nbgrader menu, Create Assignment and the formgrader are there, and the course pages can be edited and saved."""
from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from .conftest import run_command, serve, wait_saveable
from .test_learner_journey import ACTIVE, sessions, wait_kernel_idle, wait_open

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TABS = "#jp-main-dock-panel .lm-TabBar-tab"


def menus(page) -> list[str]:
    return page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()


def commands(page) -> set[str]:
    return set(page.evaluate("() => window.jupyterapp.commands.listCommands()"))


def status(lab, path: str) -> int:
    try:
        with urllib.request.urlopen(f"{lab.url}/{path}?token={lab.token}", timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as err:
        return err.code


def test_learner_lab_opens_the_welcome_page_alone_without_instructor_tooling(lab, page):
    lab.open(page)
    wait_open(page, "welcome.ipynb")
    page.wait_for_timeout(2000)  # restored tabs, sidebars and kernels would show by now
    assert page.locator(TABS).count() == 1, page.locator(TABS).all_inner_texts()
    assert page.locator(f"{TABS}.jp-mod-dirty").count() == 0, "the welcome page shows as modified"
    assert "notebooks/welcome.ipynb" not in sessions(lab), "the welcome page started a kernel"

    assert "Nbgrader" not in menus(page), menus(page)
    assert page.locator("#nbgrader-create_assignemnt").count() == 0
    assert page.locator(".jp-SideBar .lm-TabBar-tab", has_text="Assignment").count() == 0
    assert page.get_by_text("No courses found").count() == 0
    nbgrader = {c for c in commands(page) if c.startswith("nbgrader:")}
    assert not nbgrader & {"nbgrader:open-formgrader", "nbgrader:open-create-assignment",
                           "nbgrader:open-assignment-list", "nbgrader:open-course-list"}, nbgrader
    validate = page.locator(f"{ACTIVE} .jp-Toolbar .validate-button")
    assert validate.count() == 1 and validate.is_hidden()  # nbgrader's Validate is loaded, shown on assignments
    assert status(lab, "formgrader") == 404 and status(lab, "assignments") == 404

    # the open tabs are remembered in the course's own state folder, not in the user's home
    workspaces = lab.course.root / "work" / ".course" / "jupyterlab" / "learner" / "workspaces"
    page.wait_for_timeout(1000)
    assert any(workspaces.glob("*.jupyterlab-workspace")), f"no workspace saved in {workspaces}"


def close_current(page) -> list[str]:
    """Close the current tab the way File > Close Tab does; return the texts of any dialog that asks."""
    run_command(page, "application:close", wait=False)  # a dialog that asks would hold the command open
    page.wait_for_timeout(1000)
    return page.locator(".jp-Dialog").all_inner_texts()


def test_progress_page_runs_itself_on_open_and_is_never_saved(lab, page):
    path = lab.course.root / "notebooks" / "progress.ipynb"
    before = path.read_bytes()
    lab.open(page, "notebooks/progress.ipynb")
    wait_kernel_idle(page, "progress.ipynb")
    page.locator(f"{ACTIVE} .widget-gridbox").wait_for(timeout=60_000)  # it ran by itself: no Run All needed
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
                           " === 'idle'")
    page.wait_for_timeout(1000)
    assert page.locator(f"{TABS}.jp-mod-dirty").count() == 0, "the progress page shows as modified"
    assert page.locator(f"{ACTIVE} .jp-Toolbar .validate-button").is_hidden(), "Validate on the progress page"
    wait_saveable(page)
    run_command(page, "docmanager:save")  # even Ctrl+S writes nothing
    page.wait_for_timeout(1500)
    assert path.read_bytes() == before, "the progress page was saved with its outputs"
    assert close_current(page) == [], "closing the progress page asks something"
    page.wait_for_timeout(1000)
    assert path.read_bytes() == before


def test_a_lesson_has_no_validate_and_its_kernel_stops_when_its_tab_closes(lab, page):
    lesson = lab.course.lesson.as_posix()
    lab.open(page, lesson)
    wait_kernel_idle(page, lab.course.lesson.name)
    assert page.locator(f"{TABS}.jp-mod-dirty").count() == 0, "the lesson shows as modified on open"
    assert page.locator(f"{ACTIVE} .jp-Toolbar .validate-button").is_hidden(), "Validate on a lesson"
    assert lesson in sessions(lab)
    assert close_current(page) == []  # nothing ran, nothing to save
    page.wait_for_function(f"""async () => {{
        const r = await fetch('/api/sessions?token={lab.token}');
        return !(await r.json()).some(s => s.path === {lesson!r}); }}""", timeout=15_000)


@pytest.fixture(scope="module")
def instructor_lab(course_copy, tmp_path_factory):
    with serve(course_copy, tmp_path_factory.mktemp("instructor-home"), "instructor") as the_lab:
        yield the_lab


def test_instructor_lab_has_the_formgrader_and_create_assignment(instructor_lab, page):
    instructor_lab.open(page)
    wait_open(page, "welcome.ipynb")
    welcome = instructor_lab.course.root / "notebooks" / "welcome.ipynb"
    before = welcome.stat().st_mtime_ns
    wait_saveable(page)
    run_command(page, "docmanager:save")  # the author's course pages save
    page.wait_for_function("() => !document.querySelector('.jp-Dialog')")
    page.wait_for_timeout(1500)
    assert welcome.stat().st_mtime_ns > before, "the instructor could not save the welcome page"
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for()
    assert {"nbgrader:open-formgrader", "nbgrader:open-create-assignment"} <= commands(page)
    run_command(page, "nbgrader:open-create-assignment")
    page.locator("#nbgrader-create_assignemnt").wait_for()
    assert status(instructor_lab, "formgrader") == 200
    run_command(page, "nbgrader:open-formgrader")
    page.frame_locator("iframe").first.get_by_text("Manage Assignments").first.wait_for(timeout=30_000)
