"""The learner's workspace: their own copies of the assignments (``spm start``).

The copies live in the git-ignored ``work/`` folder (``$SPM_WORKSPACE`` if set), one folder per assignment,
``work/<assignment>/``. Starting an assignment copies ``release/<assignment>/`` there and never overwrites a
file that exists: a learner's work is never replaced, by this command, by ``git pull`` or by ``make release``.

What was copied, and from which release, is recorded in ``work/.course/workspace.json``: the release version
(a hash of the released files) and the hash of each file as released. When ``release/`` later holds a different
version, :func:`update_available` says so, and ``spm start <a> --update`` puts each changed file *beside* the
learner's copy (``00-exercises.v2.ipynb``), files that are new in the release straight in, and touches nothing
else.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from spmcourse import COURSE_ROOT
from spmcourse.authoring import curriculum
from spmcourse.errors import CourseError

STATE_FILE = "workspace.json"
_SKIPPED = {".ipynb_checkpoints", "__pycache__"}


# --- Where things are ------------------------------------------------------------------------------------------

def workspace(root: Path = COURSE_ROOT) -> Path:
    """The folder holding the learner's copies: ``$SPM_WORKSPACE``, else ``<course>/work``."""
    env = os.environ.get("SPM_WORKSPACE")
    return Path(env) if env else Path(root) / "work"


def state_dir(root: Path = COURSE_ROOT) -> Path:
    """The course's own small state files (workspace record, grade history), inside the workspace."""
    return workspace(root) / ".course"


def assignment_dir(assignment: str, root: Path = COURSE_ROOT) -> Path:
    return workspace(root) / assignment


def display_path(path: Path, root: Path = COURSE_ROOT) -> str:
    """``path`` relative to the course folder when it is inside it (how the learner sees it), else absolute."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


# --- State files, checked on read -------------------------------------------------------------------------------
# A state file is JSON the course wrote, but a learner (or an editor, a sync tool, a full disk) may have changed it.
# Each is checked against the shape its readers rely on. A damaged one is moved aside under a dated name (so
# nothing is lost), a one-line notice says so, and the command carries on with the empty state.
#
# Shapes: "str", "int", "num" (finite, not a bool), "bool", None (null); a tuple is one of several shapes;
# [shape] is a list of it; {"*": shape} maps any key to it; {"key": shape, "other?": shape} is an object with
# those keys (a trailing "?" marks one that may be missing; other keys are allowed and ignored).

#: Notices about damaged state files set aside by this process, for a view that shows them (the progress page).
NOTICES: list[str] = []


def _text_ok(text: str) -> bool:
    try:
        text.encode("utf-8")  # JSON can carry lone surrogates, which no terminal or file can print
        return True
    except UnicodeEncodeError:
        return False


def _where(where: str) -> str:
    return where or "the whole file"


def shape_problem(value, shape, where: str = "") -> str:
    """What in ``value`` does not have ``shape`` (see above), or "" when it all does."""
    if isinstance(shape, tuple):
        problems = [shape_problem(value, s, where) for s in shape]
        return "" if "" in problems else problems[0]
    if shape is None:
        return "" if value is None else f"{_where(where)} is not null"
    if shape == "str":
        if not isinstance(value, str):
            return f"{_where(where)} is not a text"
        return "" if _text_ok(value) else f"{_where(where)} holds characters that cannot be printed"
    if shape == "bool":
        return "" if isinstance(value, bool) else f"{_where(where)} is not true or false"
    if shape in ("int", "num"):
        # bool is an int in Python; huge or infinite numbers break float() and formatting
        number = isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < 1e15
        if number and (shape == "num" or isinstance(value, int)):
            return ""
        return f"{_where(where)} is not {'a whole number' if shape == 'int' else 'a number'}"
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{_where(where)} is not a list"
        for i, item in enumerate(value):
            problem = shape_problem(item, shape[0], f"{where}[{i}]")
            if problem:
                return problem
        return ""
    if not isinstance(value, dict):
        return f"{_where(where)} is not an object"
    if "*" in shape:
        for key, item in value.items():
            label = f"{where}[{key[:40]!r}]"
            if not _text_ok(key):
                return f"{where or 'the file'} has a key that is not a text"
            problem = shape_problem(item, shape["*"], label)
            if problem:
                return problem
        return ""
    for key, item_shape in shape.items():
        name = key.rstrip("?")
        if name not in value:
            if key.endswith("?"):
                continue
            return f"{where + '.' if where else ''}{name} is missing"
        problem = shape_problem(value[name], item_shape, f"{where + '.' if where else ''}{name}")
        if problem:
            return problem
    return ""


def set_aside(path: Path, problem: str, carry_on: str, root: Path = COURSE_ROOT) -> Path:
    """Move a damaged state file to ``<name>.damaged-<date>`` and say so in one line; return the new path."""
    stamp = datetime.now().strftime("%Y-%m-%dT%H%M%S")
    dest = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while dest.exists() or dest.is_symlink():
        n += 1
        dest = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        path.rename(dest)
    except OSError as err:
        raise CourseError(f"{display_path(path, root)} is damaged ({problem}) and could not be moved aside "
                          f"({err.strerror}). Rename or delete it yourself; your notebooks are not in it.") from err
    notice = (f"Note: {display_path(path, root)} was damaged ({problem}); it is kept as {dest.name} beside it, "
              f"and {carry_on}.")
    NOTICES.append(notice)
    print(notice, file=sys.stderr, flush=True)
    return dest


def take_notices() -> list[str]:
    """The notices not shown yet (and forget them)."""
    taken = NOTICES[:]
    NOTICES.clear()
    return taken


def read_state(path: Path, default, shape, carry_on: str, root: Path = COURSE_ROOT, check=None):
    """A JSON state file checked against ``shape`` (and ``check(data)``, which returns a problem or ""), or
    ``default()`` when it does not exist yet or is damaged (then it is set aside: see :func:`set_aside`)."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):  # not written yet (or its folder cannot exist: see start())
        return default()
    except OSError as err:  # a folder, or unreadable
        problem = f"it cannot be read: {err.strerror}"
    else:
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            problem = "it is not valid JSON"
        else:
            problem = shape_problem(data, shape) or (check(data) if check else "")
            if not problem:
                return data
    set_aside(path, problem, carry_on, root)
    return default()


def write_json(path: Path, data) -> None:
    """Write a state file atomically (a crash never leaves half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


# --- Which assignment ------------------------------------------------------------------------------------------

def resolve(name: str, root: Path = COURSE_ROOT) -> str:
    """The assignment id for ``NN``, ``NN-slug`` or ``slug``, checked against the curriculum and ``release/``.

    Raises :class:`CourseError` saying what exists when the name is unknown, the module is not written yet, or
    its release is missing.
    """
    root = Path(root)
    try:
        m = curriculum.find_assignment(str(name).strip(), root)
    except KeyError:
        available = ", ".join(x.key for x in curriculum.assignments(root)) or "none yet"
        raise CourseError(f"there is no assignment {name!r}. Available: {available} "
                          "(a module number such as 00 works too).") from None
    if not m.available:
        raise CourseError(f"module {m.key} ({m.title}) is not available yet; it is coming in a later update.")
    if not released_files(m.key, root):
        raise CourseError(f"the release of {m.key} is missing (no release/{m.key}/ folder with notebooks). "
                          "Update the course (`make update`), or an instructor runs `make release`.")
    return m.key


# --- Versions ---------------------------------------------------------------------------------------------------

def tree_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not _SKIPPED.intersection(p.relative_to(folder).parts))


def released_files(assignment: str, root: Path = COURSE_ROOT) -> dict[str, Path]:
    """Relative path -> file, for everything in ``release/<assignment>/``."""
    folder = Path(root) / "release" / assignment
    files = {p.relative_to(folder).as_posix(): p for p in tree_files(folder)}
    return files if any(k.endswith(".ipynb") for k in files) else {}


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def release_hashes(assignment: str, root: Path = COURSE_ROOT) -> dict[str, str]:
    return {rel: file_hash(p) for rel, p in released_files(assignment, root).items()}


def release_version(assignment: str, root: Path = COURSE_ROOT, hashes: dict | None = None) -> str:
    """A short hash identifying the current release of ``assignment`` (its file names and contents)."""
    hashes = release_hashes(assignment, root) if hashes is None else hashes
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:12]


def notebook_names(assignment: str, root: Path = COURSE_ROOT) -> list[str]:
    """The released notebooks of an assignment (the ones that are graded), relative to its folder."""
    return [rel for rel in released_files(assignment, root) if rel.endswith(".ipynb") and "/" not in rel]


# --- State ------------------------------------------------------------------------------------------------------

_VERSION = {"number": "int", "version": "str", "received": "str", "files": {"*": "str"}, "beside?": {"*": "str"}}
STATE_SHAPE = {"assignments": {"*": {"started": "str", "versions": [_VERSION]}}}


def _no_empty_history(state: dict) -> str:
    for assignment, record in state["assignments"].items():
        if not record["versions"]:
            return f"assignments[{assignment[:40]!r}].versions is empty"
    return ""


def load_state(root: Path = COURSE_ROOT) -> dict:
    """The workspace record, checked; a damaged one is set aside and the record starts again."""
    return read_state(state_dir(root) / STATE_FILE, lambda: {"assignments": {}}, STATE_SHAPE,
                      "the course goes on without a record of which releases you received (your copies in work/ "
                      "are untouched; Start finds them again)", root, check=_no_empty_history)


def save_state(state: dict, root: Path = COURSE_ROOT) -> None:
    write_json(state_dir(root) / STATE_FILE, state)


def is_started(assignment: str, root: Path = COURSE_ROOT) -> bool:
    return assignment_dir(assignment, root).is_dir()


def update_available(assignment: str, root: Path = COURSE_ROOT) -> bool:
    """True when the learner started ``assignment`` and ``release/`` now holds a version they have not received."""
    record = load_state(root)["assignments"].get(assignment)
    if not record or not is_started(assignment, root) or not released_files(assignment, root):
        return False
    return record["versions"][-1]["version"] != release_version(assignment, root)


def pending_updates(root: Path = COURSE_ROOT) -> list[str]:
    """Started assignments with a newer release than the learner's copy."""
    return [a for a in sorted(load_state(root)["assignments"]) if update_available(a, root)]


def update_notice(assignment: str) -> str:
    return (f"A newer version of {assignment} has been released since you started it. Your work is untouched. "
            f"To get the new version beside yours: make start A=\"{assignment} --update\" "
            f"(or .venv/bin/spm start {assignment} --update).")


# --- Start and update -------------------------------------------------------------------------------------------

@dataclass
class StartResult:
    assignment: str
    folder: Path
    copied: list[str] = field(default_factory=list)       # files copied into an empty place
    kept: list[str] = field(default_factory=list)         # learner files left exactly as they were
    beside: dict[str, str] = field(default_factory=dict)  # changed released file -> name it was put under
    first_start: bool = False
    update_pending: bool = False
    updated_to: int | None = None                         # version number received by --update

    def lines(self, root: Path = COURSE_ROOT) -> list[str]:
        """What happened, for the learner."""
        where = Path(display_path(self.folder, root))
        out = []
        if self.first_start:
            out.append(f"Started {self.assignment}: your copy is in {where}/")
        for rel in self.copied:
            out.append(f"  copied   {rel}" + ("" if self.first_start else "  (it was missing)"))
        for rel in self.kept:
            out.append(f"  kept     {rel}  (your work; never overwritten)")
        for rel, new in self.beside.items():
            out.append(f"  new      {new}  (the new version of {rel}, beside your copy)")
        if self.updated_to:
            out.append(f"You now have version {self.updated_to} of {self.assignment}. Your own notebooks are "
                       "unchanged and are what `spm grade` grades; the grader restores the current questions and "
                       "tests itself. Compare with the new copy, and move your answers into it if you prefer it "
                       "(then rename it to the original name, after renaming your old copy).")
        elif self.update_pending:
            out.append(update_notice(self.assignment))
        notebooks = [rel for rel in self.copied + self.kept if rel.endswith(".ipynb")]
        if notebooks:
            out.append(f"Open {where / notebooks[0]} in JupyterLab, answer the questions, press Validate, "
                       f"then grade it: make grade A={self.assignment}")
        return out


def _beside_name(rel: str, number: int, taken) -> str:
    path = Path(rel)
    candidate = path.with_name(f"{path.stem}.v{number}{path.suffix}")
    n = 1
    while candidate.as_posix() in taken:
        n += 1
        candidate = path.with_name(f"{path.stem}.v{number}-{n}{path.suffix}")
    return candidate.as_posix()


def start(name: str, root: Path = COURSE_ROOT, *, update: bool = False) -> StartResult:
    """Copy an assignment into the workspace, never overwriting; with ``update``, add a newer release beside it."""
    root = Path(root)
    assignment = resolve(name, root)
    folder = assignment_dir(assignment, root)
    released = released_files(assignment, root)
    hashes = {rel: file_hash(p) for rel, p in released.items()}
    version = release_version(assignment, root, hashes)
    state = load_state(root)
    record = state["assignments"].get(assignment)
    for place in (workspace(root), folder):
        if place.exists() and not place.is_dir():
            raise CourseError(f"{display_path(place, root)} is a file, not a folder, so your copy cannot go there. "
                              "Rename that file (or point SPM_WORKSPACE elsewhere), then Start again.")
    result = StartResult(assignment, folder, first_start=not folder.is_dir())

    if record is None or result.first_start:
        # New start (or a workspace folder the course has no record of): the current release is the baseline.
        record = {"started": now(), "versions": [{"number": 1, "version": version, "received": now(),
                                                   "files": hashes}]}
    latest = record["versions"][-1]
    newer = latest["version"] != version

    taken = {p.relative_to(folder).as_posix() for p in tree_files(folder)}
    for rel, src in released.items():
        dest = folder / rel
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dest)
            result.copied.append(rel)
        elif update and newer and dest.is_file() and hashes[rel] not in (latest["files"].get(rel), file_hash(dest)):
            new = _beside_name(rel, latest["number"] + 1, taken)
            shutil.copy(src, folder / new)
            taken.add(new)
            result.beside[rel] = new
        else:
            result.kept.append(rel)

    if update and newer:
        record["versions"].append({"number": latest["number"] + 1, "version": version, "received": now(),
                                   "files": hashes, "beside": result.beside})
        result.updated_to = latest["number"] + 1
    elif newer:
        result.update_pending = True
    state["assignments"][assignment] = record
    save_state(state, root)
    return result


# --- Command line -----------------------------------------------------------------------------------------------

def _start(args) -> int:
    result = start(args.assignment, COURSE_ROOT, update=args.update)
    print("\n".join(result.lines(COURSE_ROOT)))
    if args.update and not result.updated_to:
        print(f"No newer release of {result.assignment}: you already have the current version.")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("start", help="copy an assignment into your workspace work/ (never overwrites)")
    p.add_argument("assignment", help="assignment id or module number, e.g. 00 or 00-orientation")
    p.add_argument("--update", action="store_true",
                   help="if a newer version was released, put it beside your copy (yours is never replaced)")
    p.set_defaults(handler=_start)
