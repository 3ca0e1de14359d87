"""The two ways JupyterLab opens on the course: for a learner (``make lab``) and for an instructor
(``make instructor``).

nbgrader installs its instructor tooling for everyone: the Nbgrader menu, the formgrader, the Create Assignment
side panel, and the Assignment and Course Lists, which say "No courses found" to a learner who studies alone. The
learner's lab turns them off and keeps only the Validate button; the instructor's lab keeps them all.

Each mode has its own folders inside the course's state folder (``work/.course/jupyterlab/<mode>/``, git-ignored),
given to JupyterLab on its command line, so nothing is written into the user's home folder and nothing from
another project served at the same address leaks in:

- ``settings/``: JupyterLab's application settings folder (``--LabApp.app_settings_dir``) with the course's
  settings overrides and, for the learner, a ``page_config.json`` that disables nbgrader's instructor plugins
  (the file ``jupyter labextension disable`` writes);
- ``workspaces/``: JupyterLab's workspaces (the open tabs), so a first start opens the welcome page alone, and
  the instructor's tabs (the formgrader) never reappear in the learner's lab.

The server extensions behind the instructor tooling are disabled on the command line
(``--ServerApp.jpserver_extensions``, which wins over the ``jupyter_server_config.d`` files that enable them).

Both modes load the course's own small JupyterLab plugin (``spmcourse/authoring/labextension/remoteEntry.js``, a
federated extension written by hand, found through ``--LabApp.extra_labextensions_path``):

- a course page (a notebook flagged ``"spm": {"course_page": true}`` in its metadata: the welcome and progress
  pages) without code (the welcome page) opens without a kernel; in the learner's lab a course page behaves as a
  page, not a document: with code (the progress page) it runs itself when it opens; it never shows as modified,
  so closing it asks nothing, and it is never saved, so its outputs never reach the course's files (``git
  status`` stays clean). In the instructor's lab course pages stay documents to edit and save;
- nbgrader's Validate button shows only on assignments (notebooks with nbgrader cells): on a lesson or a course
  page it could only fail;
- no other notebook shows as modified when it opens (the kernel's language information written into its
  metadata is then the only change);
- links with a ``data-spm-open`` attribute (the progress page's Open) open their notebooks in JupyterLab.

Lessons start their kernel on open, as usual; the course's settings shut a notebook's kernel down when its tab
closes.
(JupyterLab's own ``notebook_starts_kernel=False`` is no answer: Run All on a notebook without a kernel then
runs only the first cell.)
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from spmcourse import COURSE_ROOT

LEARNER, INSTRUCTOR = "learner", "instructor"
MODES = (LEARNER, INSTRUCTOR)

#: nbgrader's JupyterLab plugins a learner studying alone has no use for (Validate stays).
INSTRUCTOR_PLUGINS = (
    "@jupyter/nbgrader:menu",
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:course-list",
)
#: ... and the server extensions that serve them (``validate_assignment`` serves the Validate button).
INSTRUCTOR_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
)


#: A notebook's metadata flag that makes it a course page: ``"spm": {"course_page": true}``.
COURSE_PAGE_FLAG = "course_page"


def _notebook(path: Path) -> dict:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return nb if isinstance(nb, dict) else {}


def course_pages(root: Path = COURSE_ROOT) -> list[str]:
    """The course's own pages (the welcome and progress pages, not lessons): the notebooks in ``notebooks/``
    whose metadata carries the course-page flag."""
    return [p.relative_to(root).as_posix() for p in sorted((Path(root) / "notebooks").glob("*.ipynb"))
            if ((_notebook(p).get("metadata") or {}).get("spm") or {}).get(COURSE_PAGE_FLAG)]


def _has_code(path: Path) -> bool:
    cells = _notebook(path).get("cells")
    if not isinstance(cells, list):
        return True  # unreadable: let JupyterLab open it as it would any notebook
    return any(c.get("cell_type") == "code" for c in cells if isinstance(c, dict))


def install_extension(folder: Path, root: Path = COURSE_ROOT, mode: str = LEARNER) -> Path:
    """Copy the course's JupyterLab plugin into ``folder``/spm-course with the course pages filled in. In the
    instructor's lab the course pages are documents to edit: they neither run on open nor refuse to be saved."""
    source = resources.files("spmcourse.authoring").joinpath("labextension")
    pages = course_pages(root)
    pages = {"pages": pages, "without_code": [p for p in pages if not _has_code(Path(root) / p)],
             "editable": mode == INSTRUCTOR}
    target = folder / "spm-course"
    (target / "static").mkdir(parents=True, exist_ok=True)
    (target / "package.json").write_text(source.joinpath("package.json").read_text())
    script = source.joinpath("remoteEntry.js").read_text()
    script = script.replace('/*PAGES*/{"pages": [], "without_code": [], "editable": false}/*END*/',
                            json.dumps(pages))
    (target / "static" / "remoteEntry.js").write_text(script)
    return folder


def mode_dir(mode: str, root: Path = COURSE_ROOT) -> Path:
    from spmcourse.learner.workspace import state_dir
    return state_dir(root) / "jupyterlab" / mode


def settings_overrides() -> dict:
    return json.loads(resources.files("spmcourse").joinpath("lab_overrides.json").read_text())


def prepare(mode: str, root: Path = COURSE_ROOT) -> list[str]:
    """Write ``mode``'s settings folder; return the JupyterLab command-line options that use it."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
    settings = mode_dir(mode, root) / "settings"
    workspaces = mode_dir(mode, root) / "workspaces"
    settings.mkdir(parents=True, exist_ok=True)
    workspaces.mkdir(parents=True, exist_ok=True)
    (settings / "overrides.json").write_text(json.dumps(settings_overrides(), indent=2) + "\n")
    disabled = list(INSTRUCTOR_PLUGINS) if mode == LEARNER else []
    (settings / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}, indent=2) + "\n")
    extensions = install_extension(mode_dir(mode, root) / "labextensions", root, mode)
    args = [f"--LabApp.app_settings_dir={settings}", f"--LabApp.workspaces_dir={workspaces}",
            f"--LabApp.extra_labextensions_path={extensions}"]
    if mode == LEARNER:
        args += [f"--ServerApp.jpserver_extensions={name}=False" for name in INSTRUCTOR_SERVER_EXTENSIONS]
    return args
