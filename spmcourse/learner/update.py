"""Bring the new version of the course into this checkout (``make update`` / ``spm update``).

The course is a git clone, and the lessons are tracked files that JupyterLab saves outputs and edits into: a plain
``git pull`` refuses to run as soon as one of them changed upstream. This command does what a learner needs
without any git knowledge:

1. it reads ``git status``; if a file other than a notebook was changed (course code, a config file), it stops
   and changes nothing: those are not the learner's study work and the learner decides what to do with them;
2. it fetches the upstream; offline, it stops and changes nothing;
3. if the new version changes files and a JupyterLab (or any Jupyter server) serving this course is running, it
   stops and changes nothing: a lesson open in it still holds the old version, and at the next save (Ctrl-S or
   autosave) JupyterLab asks "File Changed": *Overwrite* writes the old lesson over the new one (the update is
   lost, and a second update says "already up to date"), *Revert* drops what the learner did since the update;
4. each lesson the learner saved that the new version also changes is copied, as it is, to
   ``<workspace>/saved-lessons/<date and time>/<its path>``, then put back to the committed version;
   lessons the new version does not change keep the learner's version in place;
5. it fast-forwards the checkout to the upstream (``git merge --ff-only``).

The workspace (``work/``, git-ignored) is never touched by git, so the learner's assignment copies, grades and
settings stay as they are.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from spmcourse import COURSE_ROOT
from spmcourse.errors import CourseError
from spmcourse.learner.workspace import display_path, workspace

SAVED = "saved-lessons"


def _git(root: Path, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=timeout,
                              env=_git_env())
    except FileNotFoundError:
        raise CourseError("git is not installed. Install it (Debian/Ubuntu: `sudo apt-get install git`; "
                          "macOS: `xcode-select --install`), then run `make update` again.") from None
    except subprocess.TimeoutExpired:
        raise CourseError(f"`git {args[0]}` took more than {timeout:.0f} s (a slow or broken connection?). "
                          f"Nothing was changed; run `make update` again later.") from None
    if check and done.returncode != 0:
        raise CourseError(f"`git {' '.join(args)}` failed: {_last_line(done.stderr)}")
    return done


def _git_env() -> dict:
    import os
    # never ask for a password or a passphrase on the terminal: a public course needs none, and a prompt would hang
    return dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="true", LC_ALL="C")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _changed_paths(root: Path) -> tuple[list[str], list[str]]:
    """(tracked files changed in the checkout, untracked files), as paths relative to ``root``."""
    out = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all").stdout
    changed, untracked = [], []
    entries = out.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if not entry:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":  # a rename carries its old name in the next entry
            i += 1
        (untracked if code == "??" else changed).append(path)
    return changed, untracked


def _is_notebook(path: str) -> bool:
    return path.endswith(".ipynb")


def _other_changes_message(paths: list[str]) -> str:
    shown = "\n  ".join(paths[:10]) + ("\n  ..." if len(paths) > 10 else "")
    return ("this checkout has changes that are not lessons, so the update stopped and changed nothing:\n  "
            f"{shown}\n"
            "If you changed these on purpose, copy them somewhere safe first. To put them back as the course "
            "ships them, run `git checkout -- <file>` for each (or ask your instructor); then run `make update` "
            "again. Your lessons and your workspace are untouched.")


def _serves(folder: str | None, root: Path) -> bool:
    """Does a server whose root folder is ``folder`` serve the course in ``root`` (the course or a parent)?"""
    if not folder:
        return False
    try:
        served, course = Path(folder).expanduser().resolve(), root.resolve()
    except (OSError, RuntimeError):
        return False
    return served == course or served in course.parents


def running_labs(root: Path = COURSE_ROOT) -> list[str]:
    """The Jupyter servers running now that serve the course in ``root``, each described for the learner.

    Two ways to find one, so that neither a server started by hand nor one started with another runtime folder
    is missed: the info files every Jupyter server writes into the runtime folder (``jpserver-<pid>.json``, with
    its root folder and address; those of dead processes are ignored), and the command line of `make lab` and
    `make instructor` (``--ServerApp.root_dir=<the course>``).
    """
    import psutil

    root = Path(root)
    found: dict[int, str] = {}
    try:
        from jupyter_core.paths import jupyter_runtime_dir
        infos = sorted(Path(jupyter_runtime_dir()).glob("jpserver-*.json"))
    except (ImportError, OSError):
        infos = []
    for info_file in infos:
        try:
            info = json.loads(info_file.read_text(encoding="utf-8"))
            pid = int(info["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if pid != os.getpid() and psutil.pid_exists(pid) and _serves(info.get("root_dir"), root):
            found[pid] = info.get("url") or ""
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            cmdline = proc.info["cmdline"] or []
        except (psutil.Error, KeyError):
            continue
        if proc.info["pid"] in found or proc.info["pid"] == os.getpid():
            continue
        if not any(part in ("lab", "server", "notebook") or part.endswith(("jupyter-lab", "jupyter-server"))
                   for part in cmdline):
            continue
        for part in cmdline:
            if part.startswith(("--ServerApp.root_dir=", "--notebook-dir=", "--ServerApp.notebook_dir=")) and \
                    _serves(part.split("=", 1)[1], root):
                found[proc.info["pid"]] = ""
    return [f"{url} (process {pid})" if url else f"process {pid}" for pid, url in sorted(found.items())]


def _lab_running_message(labs: list[str]) -> str:
    return ("JupyterLab is running on this course, so the update stopped and changed nothing:\n  "
            + "\n  ".join(labs) + "\n"
            "A lesson open in it still holds the old version: at your next save JupyterLab would ask whether to "
            "overwrite the new version with the old one. Save your notebooks, stop JupyterLab (File > Shut Down, "
            "or Ctrl-C in its terminal), then run `make update` again, and `make lab` after it.")


def update(root: Path = COURSE_ROOT, *, say=print) -> list[Path]:
    """Bring the upstream's new version into ``root``; return the dated copies made of the learner's lessons."""
    root = Path(root)
    inside = _git(root, "rev-parse", "--show-toplevel", check=False)
    if inside.returncode != 0:
        raise CourseError(f"{root} is not a git clone of the course (was it downloaded as a zip?), so it cannot be "
                          "updated in place. Download the new version into a new folder and copy your `work/` "
                          "folder into it: that is all your work.")
    upstream = _git(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
    if upstream.returncode != 0:
        raise CourseError("this checkout does not follow a branch of the course's repository, so there is nothing "
                          "to update from. Clone the course again with `git clone <its address>`, then copy your "
                          "`work/` folder into the new clone.")
    upstream_ref = upstream.stdout.strip()
    remote = upstream_ref.split("/", 1)[0]

    changed, untracked = _changed_paths(root)
    others = [p for p in changed if not _is_notebook(p)]
    if others:
        raise CourseError(_other_changes_message(others))

    url = _git(root, "remote", "get-url", remote, check=False).stdout.strip() or remote
    say(f"Fetching the new version from {url} ...")
    fetched = _git(root, "fetch", "--quiet", remote, check=False)
    if fetched.returncode != 0:
        raise CourseError(f"could not reach the course's repository ({url}): {_last_line(fetched.stderr)}\n"
                          "Are you offline? Nothing was changed; run `make update` again once you are connected.")

    ahead = _git(root, "rev-list", "--count", f"{upstream_ref}..HEAD").stdout.strip()
    if ahead != "0":
        raise CourseError(f"this checkout has {ahead} commit(s) of its own that the course's repository does not "
                          "have, so it cannot simply move to the new version. Nothing was changed. Ask your "
                          "instructor, or clone the course again and copy your `work/` folder into the new clone.")
    incoming = set(_git(root, "diff", "--name-only", "-z", "HEAD", upstream_ref).stdout.split("\0")) - {""}
    if not incoming:
        say("The course is already up to date. Nothing was changed.")
        return []

    labs = running_labs(root)
    if labs:
        raise CourseError(_lab_running_message(labs))

    blocking = sorted(p for p in untracked if p in incoming)
    if blocking:
        raise CourseError(_other_changes_message(blocking).replace(
            "To put them back as the course ships them, run `git checkout -- <file>` for each (or ask your "
            "instructor)", "The new version brings files with the same names: move yours elsewhere"))

    saved_dir = workspace(root) / SAVED / datetime.now().strftime("%Y-%m-%d-%H%M%S")
    saved, restore = [], sorted(p for p in changed if p in incoming)
    for path in restore:
        if not (root / path).is_file():  # deleted by the learner: nothing to keep
            continue
        copy = saved_dir / path
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / path, copy)
        saved.append(copy)
    if restore:
        # only once every copy is safely written are the lessons put back to the committed version
        _git(root, "checkout", "HEAD", "--", *restore)

    merged = _git(root, "merge", "--ff-only", "--quiet", upstream_ref, check=False)
    if merged.returncode != 0:
        raise CourseError(f"moving to the new version failed: {_last_line(merged.stderr)}\n"
                          + (f"Your saved lessons are in {display_path(saved_dir, root)}. " if saved else "")
                          + "Nothing else was changed.")
    say(f"Updated the course: {len(incoming)} file(s) changed.")
    if saved:
        say(f"You had saved {len(saved)} lesson(s) that the new version changes; your copies are in "
            f"{display_path(saved_dir, root)}/:")
        for copy in saved:
            say(f"  {display_path(copy, root)}")
    kept = [p for p in changed if p not in incoming]
    if kept:
        say(f"{len(kept)} other lesson(s) you saved are unchanged by the new version and stay as you left them.")
    say("Your workspace (work/) is untouched. Start JupyterLab again with `make lab`: the lessons open in their "
        "new version.")
    return saved


def _update(args) -> int:
    from spmcourse.learner import workspace as ws
    root = Path(args.root) if args.root else COURSE_ROOT
    update(root)
    for assignment in ws.pending_updates(root):
        print(ws.update_notice(assignment))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("update", help="bring the new version of the course, keeping your saved lessons "
                                             "and your workspace")
    p.add_argument("--root", help="the course folder (default: this checkout)")
    p.set_defaults(handler=_update)
