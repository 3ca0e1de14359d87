"""Set up and start JupyterLab for the course (``make lab``).

``setup-lab`` installs the course's JupyterLab settings overrides into the course's own environment
(``<venv>/share/jupyter/lab/settings/overrides.json``), never into the learner's home folder: no news or update
pop-ups, the default kernel starts without asking, no extension manager. It also builds matplotlib's font cache
once, so that no lesson's first plot prints "Matplotlib is building the font cache". ``lab`` starts JupyterLab
on 127.0.0.1 at the welcome page, with this environment's ``bin`` folder on ``PATH``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

from spmcourse import COURSE_ROOT
from spmcourse.authoring import labmodes

START_PAGE = "notebooks/welcome.ipynb"


def overrides_path() -> Path:
    return Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def install_overrides() -> Path:
    """Write the course's settings overrides into this environment; return the file."""
    wanted = json.loads(resources.files("spmcourse").joinpath("lab_overrides.json").read_text())
    path = overrides_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(wanted, indent=2) + "\n")
    return path


def lab_command(port: int = 8888, open_browser: bool = True, root: Path = COURSE_ROOT,
                mode: str = labmodes.LEARNER) -> list[str]:
    """The command that starts JupyterLab on the course in ``root``; run it with ``cwd=root`` and :func:`lab_env`
    (nbgrader's Validate handler reads ``nbgrader_config.py`` from the server's working directory). ``mode`` is
    ``learner`` (without nbgrader's instructor tooling) or ``instructor`` (see :mod:`spmcourse.authoring.labmodes`)."""
    cmd = [
        sys.executable, "-m", "jupyter", "lab",
        # the port is chosen before the start (free_port) and printed: JupyterLab must not move to another one
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url=/lab/tree/{START_PAGE}",
        *labmodes.prepare(mode, root),
    ]
    if not open_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def path_with_tools(path: str) -> str:
    """``path`` (a ``PATH`` value) with this environment's ``bin`` folder first, unless it is already there.

    ``make`` runs the course's Python without activating the environment, and nbgrader runs the ``alembic``
    command when it creates a gradebook: without this it would not be found.
    """
    bindir = str(Path(sys.executable).parent)
    parts = [p for p in path.split(os.pathsep) if p]
    return path if bindir in parts else os.pathsep.join([bindir, *parts])


def ensure_tools_on_path() -> None:
    """Put this environment's ``bin`` folder on this process's own ``PATH`` (see :func:`path_with_tools`)."""
    os.environ["PATH"] = path_with_tools(os.environ.get("PATH", ""))


def lab_env(base: dict | None = None) -> dict:
    """The environment for JupyterLab: this environment's Jupyter paths first, and its ``bin`` folder on ``PATH``
    (kernels and terminals then find ``spm`` and ``nbgrader``, and nbgrader finds ``alembic``)."""
    env = dict(os.environ if base is None else base, JUPYTER_PREFER_ENV_PATH="1")
    env["PATH"] = path_with_tools(env.get("PATH", ""))
    return env


def warm_font_cache() -> None:
    """Build matplotlib's font cache now rather than in a learner's first plot (it warns on stderr then)."""
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], capture_output=True, check=False)


def _setup(args) -> int:
    print(f"JupyterLab settings for the course: {install_overrides()}")
    warm_font_cache()
    return 0


def free_port(preferred: int = 8888, tries: int = 50) -> int:
    """``preferred`` if nothing listens on it at 127.0.0.1, else the next free port after it."""
    import socket

    for port in range(preferred, preferred + tries):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    from spmcourse.errors import CourseError
    raise CourseError(f"ports {preferred}-{preferred + tries - 1} are all in use; start with another PORT "
                      f"(`make lab PORT=9000`).")


def _lab(args) -> int:
    install_overrides()
    port = free_port(args.port)
    if port != args.port:
        print(f"Port {args.port} is in use (another JupyterLab?); using {port}.")
    args.port = port
    mode = labmodes.INSTRUCTOR if args.instructor else labmodes.LEARNER
    print(f"Starting the course ({mode}) at http://127.0.0.1:{port}/lab/tree/{START_PAGE}")
    print("JupyterLab prints the full address with its access token below. Stop it with Ctrl-C.", flush=True)
    return subprocess.call(lab_command(args.port, not args.no_browser, mode=mode), cwd=COURSE_ROOT, env=lab_env())


def register(subparsers) -> None:
    p = subparsers.add_parser("setup-lab", help="install the course's JupyterLab settings into .venv")
    p.set_defaults(handler=_setup)
    p = subparsers.add_parser("lab", help="start JupyterLab at the course's start page")
    p.add_argument("--port", type=int, default=8888)
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--instructor", action="store_true",
                   help="with nbgrader's instructor tooling (formgrader, Create Assignment, Nbgrader menu)")
    p.set_defaults(handler=_lab)
