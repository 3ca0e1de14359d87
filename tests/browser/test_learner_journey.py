"""The learner's path in a real JupyterLab and a real browser: the start page opens clean; a lesson runs, its
widget responds and its plot appears; an assignment is started from the progress page, answered, validated
with nbgrader's Validate button, and graded from the progress page with score and feedback."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from spmcourse.authoring.notebooks import read

from .conftest import SCREENSHOTS, doc_screenshot, run_command

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ACTIVE = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def wait_kernel_idle(page, name: str, timeout=60_000):
    """Wait until the notebook ``name`` is the current tab and its kernel is started and idle (the status bar
    describes the current notebook; before its kernel starts it reads "No Kernel | Initializing")."""
    page.wait_for_selector(f"{ACTIVE} .jp-Notebook", timeout=timeout)
    page.wait_for_function(
        """(name) => {
             const tab = document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current');
             const bar = document.querySelector('#jp-main-statusbar');
             return tab && tab.textContent.includes(name) && bar && bar.innerText.includes('(ipykernel) | Idle');
           }""", arg=name, timeout=timeout)


def open_from_progress(page, link, name: str) -> None:
    """Click a link the progress page wrote and wait for its notebook's tab. On a loaded machine a click can land
    while the page's output is being redrawn and do nothing, as a learner would see: then click once more."""
    for attempt in (1, 2):
        link.click()
        try:
            page.wait_for_function(
                """(name) => [...document.querySelectorAll('#jp-main-dock-panel .lm-TabBar-tab')]
                              .some(tab => tab.textContent.includes(name))""", arg=name, timeout=20_000)
            return
        except Exception:  # noqa: BLE001 (playwright's TimeoutError)
            if attempt == 2:
                raise


def wait_open(page, name: str, timeout=60_000):
    """Wait until the notebook ``name`` is the current tab and rendered (for a page that starts no kernel)."""
    page.wait_for_selector(f"{ACTIVE} .jp-Notebook .jp-Cell", timeout=timeout)
    page.wait_for_function(
        """(name) => {
             const tab = document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current');
             return tab && tab.textContent.includes(name);
           }""", arg=name, timeout=timeout)


def wait_progress_view(lab, page):
    """Open the progress page and wait until it ran by itself (it needs no Run All); return its view."""
    lab.open(page, "notebooks/progress.ipynb")
    wait_kernel_idle(page, "progress.ipynb")
    view = page.locator(f"{ACTIVE} .widget-vbox").first
    view.locator(".widget-gridbox").wait_for(timeout=60_000)
    return view


def sessions(lab) -> list[str]:
    """The notebooks that have a kernel on the server now."""
    import json
    import urllib.request
    with urllib.request.urlopen(f"{lab.url}/api/sessions?token={lab.token}", timeout=10) as reply:
        return [s["path"] for s in json.load(reply)]


_CELLS_JS = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.content || !panel.content.widgets) return null;
    const code = panel.content.widgets.filter(c => c.model.type === 'code');
    const outputs = code.flatMap(c => c.model.outputs.toJSON());
    return {kernel: panel.sessionContext.session && panel.sessionContext.session.kernel
                    ? panel.sessionContext.session.kernel.status : null,
            running: code.filter(c => c.model.executionState === 'running').length,
            unexecuted: code.filter(c => c.model.executionCount === null).length,
            errors: outputs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue),
            stderr: outputs.filter(o => o.output_type === 'stream' && o.name === 'stderr').map(o => o.text)};
}"""


def cell_states(page) -> dict:
    """Every code cell of the current notebook, from JupyterLab's model (cells off screen are not rendered, so
    the page alone cannot tell): kernel status, cells running or never run, error and stderr outputs."""
    return page.evaluate(_CELLS_JS)


def run_all(page, timeout=90_000) -> dict:
    """Run All Cells (the command behind Run → Run All Cells); wait until every code cell ran (or one failed)
    and the kernel is idle. The command is called directly: clicking the menu right after the notebook opened
    sometimes did nothing."""
    run_command(page, "notebook:run-all-cells", wait=False)  # the wait below has the time limit and the message
    done = f"""() => {{ const s = ({_CELLS_JS})();
                       return s && s.kernel === 'idle' && !s.running && (!s.unexecuted || s.errors.length); }}"""
    try:
        page.wait_for_function(done, timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(f"Run All did not finish: {cell_states(page)}") from None
    return cell_states(page)


def answers_from_master(course, release_cells) -> dict[int, tuple[str, str]]:
    """Cell index in the released notebook -> (cell type, the master's answer without solution markers)."""
    master = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in read(course.root / "source" /
              course.assignment / course.notebook).cells if c.metadata.get("nbgrader", {}).get("solution")}
    out = {}
    for i, cell in enumerate(release_cells):
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in master:
            text = "\n".join(line for line in master[gid].source.splitlines()
                             if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
            out[i] = (cell.cell_type, text)
    return out


def test_start_page_opens_clean(lab, page):
    """`make lab`'s address opens the welcome page: no kernel (it has no code), not modified, no kernel dialog,
    no pop-ups."""
    start = time.perf_counter()
    lab.open(page)
    page.wait_for_url(re.compile(r"/lab/tree/notebooks/welcome\.ipynb"))
    wait_open(page, "welcome.ipynb")
    lab.timings["start page open (s)"] = round(time.perf_counter() - start, 1)
    page.wait_for_timeout(1500)  # pop-ups (news, updates, kernel choice) would show by now
    assert "notebooks/welcome.ipynb" not in sessions(lab), "the welcome page started a kernel"
    assert page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-dirty").count() == 0, "shown as modified"
    assert page.locator(".jp-Dialog").count() == 0, page.locator(".jp-Dialog").all_inner_texts()
    toasts = page.locator(".jp-toast-message, .Toastify__toast").all_inner_texts()
    assert toasts == [], f"notifications on first start: {toasts}"
    assert page.locator(f"{ACTIVE} h1", has_text="Software Product Management").count() == 1
    assert page.locator(f"{ACTIVE} table a", has_text=re.compile("Orientation")).count() == 1
    doc_screenshot(page, "welcome")


def test_lesson_runs_and_its_explorer_responds(lab, page):
    """Run All on the first lesson: no error, nothing on stderr. Its dataset browser opens on a quantity (not an
    id), redraws its own plot when the learner moves the bins slider, and again when they pick a category (the
    slider is then disabled)."""
    lab.open(page, lab.course.lesson.as_posix())
    wait_kernel_idle(page, lab.course.lesson.name)
    start = time.perf_counter()
    state = run_all(page)
    lab.timings["lesson run all (s)"] = round(time.perf_counter() - start, 1)
    assert state["errors"] == [] and state["stderr"] == [], state

    explorer = page.locator(f"{ACTIVE} .jp-CodeCell").filter(has=page.locator(".widget-slider")).first
    explorer.scroll_into_view_if_needed()
    plot = explorer.locator(".jp-OutputArea-output img")
    plot.wait_for()
    slider = explorer.locator(".widget-slider")
    column = explorer.locator(".widget-dropdown select").nth(1)

    def redrawn_after(action) -> None:
        old = plot.get_attribute("src")
        action()
        page.wait_for_function(
            """([cell, old]) => { const img = cell.querySelector('.jp-OutputArea-output img');
                                  return img && img.getAttribute('src') !== old; }""",
            arg=[explorer.element_handle(), old], timeout=45_000)

    assert column.input_value() == "seats_at_signup", "the browser should open on a quantity, not an id"
    slider.locator(".noUi-target:not([disabled])").wait_for()
    readout = slider.locator(".widget-readout")
    before = readout.inner_text()

    def move_slider() -> None:
        slider.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")

    redrawn_after(move_slider)
    assert readout.inner_text() != before
    redrawn_after(lambda: column.select_option("segment"))
    slider.locator(".noUi-target[disabled]").wait_for()  # bins mean nothing for a category
    assert explorer.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    if SCREENSHOTS:
        explorer.scroll_into_view_if_needed()
        page.wait_for_function(  # the redrawn plot is decoded and painted, not an empty frame
            """(cell) => { const img = cell.querySelector('.jp-OutputArea-output img');
                           return img && img.complete && img.naturalWidth > 0 && img.offsetHeight > 0; }""",
            arg=explorer.element_handle())
        page.wait_for_timeout(800)
        doc_screenshot(page, "lesson-explorer", clip=explorer.bounding_box())


def _just_below(page, button: str, output) -> bool:
    """Is ``output`` the next thing under the row of ``button`` (within 60 px, nothing in between)?"""
    below = page.locator(button).bounding_box()
    box = output.bounding_box()
    return bool(box and below) and 0 <= box["y"] - (below["y"] + below["height"]) < 60


def test_start_validate_and_grade_from_jupyterlab(lab, page):
    course, a = lab.course, lab.course.assignment
    work_copy = course.root / "work" / a / course.notebook

    # 1. The progress page (it runs by itself): Start; the report and the link appear right under the row.
    wait_progress_view(lab, page)
    page.locator(f".spm-start-{a}").click()
    row = page.locator(f"{ACTIVE} .spm-row-output-{a}")
    link = row.get_by_role("link", name=f"work/{a}/{course.notebook}")
    link.wait_for()
    assert _just_below(page, f"{ACTIVE} .spm-grade-{a}", row), "Start's report is not under its row"
    assert work_copy.exists(), "Start did not copy the assignment into work/"

    # 2. Open the copy, answer, save.
    open_from_progress(page, link, course.notebook)
    wait_kernel_idle(page, course.notebook)
    cells = page.locator(f"{ACTIVE} .jp-Notebook .jp-Cell")
    for index, (kind, text) in answers_from_master(course, read(work_copy).cells).items():
        cell = cells.nth(index)
        cell.scroll_into_view_if_needed()
        if kind == "markdown":
            cell.dblclick()
        else:
            cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(text)
        page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !document.querySelector('.lm-TabBar-tab.lm-mod-current.jp-mod-dirty')", timeout=15_000)

    # 3. Validate (nbgrader's toolbar button, served by its validate handler with the course's config).
    start = time.perf_counter()
    page.locator(f"{ACTIVE} .jp-Toolbar").get_by_text("Validate", exact=True).click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=60_000)
    dialog.get_by_text(re.compile("passes all the tests|failed|error", re.I)).first.wait_for(timeout=60_000)
    lab.timings["validate (s)"] = round(time.perf_counter() - start, 1)
    result = dialog.inner_text()
    assert "Success! Your notebook passes all the tests." in result, result
    doc_screenshot(page, "validate")
    dialog.locator(".jp-Dialog-button").last.click()

    # 4. Grade from the progress page; read the score; open the feedback.
    page.locator(".lm-TabBar-tab", has_text="progress.ipynb").click()
    start = time.perf_counter()
    page.locator(f".spm-grade-{a}").click()
    row = page.locator(f"{ACTIVE} .spm-row-output-{a}")  # the score and the feedback link where the learner clicked
    summary = row.get_by_text(re.compile(r"points on the auto-graded questions"))
    summary.wait_for(timeout=120_000)
    assert _just_below(page, f"{ACTIVE} .spm-grade-{a}", row), "Grade's report is not under its row"
    lab.timings["grade from the progress page (s)"] = round(time.perf_counter() - start, 1)
    got, top = re.search(r"([\d.]+) of ([\d.]+) points", summary.inner_text()).groups()
    assert float(got) == float(top) > 0, summary.inner_text()
    page.locator(f"{ACTIVE} .widget-gridbox", has_text=re.compile(r"graded \d")).wait_for()
    page.locator(f"{ACTIVE} .widget-output img").first.wait_for()  # the score plot
    if SCREENSHOTS:
        page.set_viewport_size({"width": 1200, "height": 1250})
        page.locator(f"{ACTIVE} .widget-vbox").first.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        doc_screenshot(page, "progress-graded")
        page.set_viewport_size({"width": 1200, "height": 760})
    row.locator("a", has_text=re.compile(r"work/feedback/.*\.html")).first.click()
    frame = page.frame_locator(".jp-HTMLViewer iframe").first
    frame.get_by_text(re.compile(r"Score", re.I)).first.wait_for(timeout=30_000)
    doc_screenshot(page, "feedback")
    assert read(work_copy).cells  # the learner's copy is still a valid notebook, untouched by grading


def _other_lessons():
    from spmcourse.authoring import curriculum
    return [m for m in curriculum.available_modules()][1:]


@pytest.mark.parametrize("module", _other_lessons(), ids=lambda m: m.key)
def test_every_lesson_runs_plots_and_its_explorer_responds(lab, page, module):
    """Run All on every other lesson: no error, nothing on stderr, plots rendered; the first explorer redraws its
    plot when the learner moves one of its sliders (or, with no slider, picks another option)."""
    lab.open(page, module.lesson.as_posix())
    wait_kernel_idle(page, module.lesson.name)
    state = run_all(page, timeout=120_000)
    assert state["errors"] == [] and state["stderr"] == [], state
    outputs = page.evaluate("""() => window.jupyterapp.shell.currentWidget.content.widgets
        .filter(c => c.model.type === 'code').flatMap(c => c.model.outputs.toJSON())
        .filter(o => o.data && (o.data['image/png'] || o.data['application/vnd.jupyter.widget-view+json']))
        .map(o => o.data['image/png'] ? 'png' : 'widget')""")
    assert "png" in outputs and "widget" in outputs, f"{module.key}: plots and explorers expected, got {outputs}"

    explorer = page.locator(f"{ACTIVE} .jp-CodeCell").filter(
        has=page.locator(".widget-slider .noUi-target:not([disabled]), .widget-dropdown select")).first
    explorer.scroll_into_view_if_needed()
    plot = explorer.locator(".jp-OutputArea-output img").first
    plot.wait_for(timeout=30_000)
    old = plot.get_attribute("src")
    sliders = explorer.locator(".widget-slider .noUi-target:not([disabled]) .noUi-handle")
    if sliders.count():
        sliders.first.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
    else:
        select = explorer.locator(".widget-dropdown select").first
        current = select.evaluate("s => s.selectedIndex")
        select.select_option(index=1 if current == 0 else 0)
    page.wait_for_function(
        """([cell, old]) => { const img = cell.querySelector('.jp-OutputArea-output img');
                              return img && img.getAttribute('src') !== old; }""",
        arg=[explorer.element_handle(), old], timeout=30_000)
    assert explorer.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
