"""Files a submission's code left behind, handled without trusting them.

After a student's kernel stops, the grader (often root) reads, copies and changes the working folder the kernel
wrote to. Anything there may be a trap: a symbolic link to ``/etc/shadow``, to ``source/`` or to the gradebook
(followed by ``chmod``, ``shutil.copytree`` and feedback generation), a link to ``/dev/zero`` (a copy that never
ends), a named pipe (a read that never returns), huge files, a world-writable folder. This module

- :func:`sanitize_tree`: right after the kernel stops, keeps only regular files and folders, normalises
  permissions, and removes new or changed files over the size, total and count limits; says what it removed;
- :func:`copy_tree`: copies a folder without following any link, refusing anything that is not a regular file,
  within size and count limits;
- :func:`linked_part`: finds a symbolic link on the way to a submission (a folder or notebook that is a link);
- :func:`scratch_folder`: makes a temporary folder named after this process and removes those of dead processes;
- :func:`install`: makes plain ``nbgrader autograde`` and ``generate_feedback`` refuse a submission that is (or
  contains) a link, before nbgrader copies anything from it.

Everything works on file descriptors opened with ``O_NOFOLLOW``: a name is never looked up twice, so a link put in
place of a file between a check and its use is refused, not followed.
"""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from spmcourse.grading import compat

#: Most entries (files and folders) a working folder may gain, and a copy may take.
MAX_FILES = 1000
#: Deepest folder nesting kept (deeper folders are removed or not copied).
MAX_DEPTH = 20
#: Notes listed one by one per reason; the rest are counted.
_NOTES_SHOWN = 5

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass(frozen=True)
class Caps:
    """Limits on what a folder may hold: bytes per file, bytes in all, number of entries (0: no limit)."""
    max_file: int = 0
    max_total: int = 0
    max_files: int = MAX_FILES

    @classmethod
    def from_course(cls, coursedir_cfg) -> "Caps":
        """The course's ``CourseDirectory.max_file_size`` and ``max_dir_size`` (kB, as nbgrader counts them;
        nbgrader's default of 100000 where unset)."""
        get = coursedir_cfg.get if hasattr(coursedir_cfg, "get") else lambda k, d: getattr(coursedir_cfg, k, d)
        return cls(max_file=1000 * int(get("max_file_size", 100000) or 0),
                   max_total=1000 * int(get("max_dir_size", 100000) or 0))


def shown(rel: str | Path) -> str:
    """A path as the notes show it: control characters escaped (a name cannot forge a line), at most 120 chars."""
    text = str(rel)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= 120 else text[:117] + "..."


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file or folder"


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"


class _Notes:
    """What was removed, grouped by reason, for the student and the grader's log."""

    def __init__(self) -> None:
        self._by_reason: dict[str, list[str]] = {}

    def add(self, rel: str, reason: str) -> None:
        self._by_reason.setdefault(reason, []).append(shown(rel))

    def lines(self, verb: str) -> list[str]:
        out = []
        for reason, names in self._by_reason.items():
            more = f" and {len(names) - _NOTES_SHOWN} more" if len(names) > _NOTES_SHOWN else ""
            out.append(f"{verb} {', '.join(names[:_NOTES_SHOWN])}{more}: {reason}")
        return out


# --- What a folder held before the kernel ran -------------------------------------------------------------------

Snapshot = dict  # relative path -> (inode, size, mtime_ns, ctime_ns) of each regular file


def snapshot(top: Path) -> Snapshot:
    """The regular files under ``top`` now, to tell later which ones the kernel created or changed."""
    found: Snapshot = {}
    for folder, dirs, files in os.walk(top, followlinks=False):
        for name in files:
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                st = os.lstat(path)
                if stat.S_ISREG(st.st_mode):
                    found[os.path.relpath(path, top)] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return found


# --- Cleaning a working folder after the kernel -----------------------------------------------------------------

def _safe_mode(mode: int, is_dir: bool) -> int:
    """No world-writable bit, no setuid/setgid/sticky; the owner can always read (and enter, and write) it."""
    return (stat.S_IMODE(mode) & 0o775) | (0o700 if is_dir else 0o600)


def remove_entry(dfd: int, name: str) -> None:
    """Remove ``name`` in the folder open as ``dfd`` (a file, a link or a whole tree), never following a link.

    Iterative, with at most two folders open at a time: any depth of nesting is removed.
    """
    st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
    if not stat.S_ISDIR(st.st_mode):
        os.unlink(name, dir_fd=dfd)
        return
    names = [name]
    cur = _open_own(dfd, name, _DIR_FLAGS, True)
    try:
        while names:
            with contextlib.suppress(OSError):
                os.fchmod(cur, 0o700)  # a folder the kernel made unreadable (it is ours again by now)
            sub = None
            with os.scandir(cur) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        sub = entry.name
                        break
                    os.unlink(entry.name, dir_fd=cur)
            if sub is not None:
                nxt = _open_own(cur, sub, _DIR_FLAGS, True)
                os.close(cur)
                cur = nxt
                names.append(sub)
                continue
            parent = os.open("..", _DIR_FLAGS, dir_fd=cur) if len(names) > 1 else os.dup(dfd)
            os.close(cur)
            cur = parent
            os.rmdir(names.pop(), dir_fd=cur)
    finally:
        os.close(cur)


def sanitize_tree(top: str | Path, caps: Caps, before: Snapshot | None = None) -> list[str]:
    """Make the folder a kernel worked in safe for the grader; return notes on what was removed.

    Removes everything that is not a regular file or folder (links, named pipes, sockets, devices) and folders
    nested deeper than :data:`MAX_DEPTH`; removes files the kernel created or changed (not in ``before``) that are
    over ``caps.max_file``, or past ``caps.max_total`` bytes or ``caps.max_files`` entries in all; gives every
    file and folder safe permissions (:func:`_safe_mode`). Files unchanged since ``before`` are kept whatever
    their size (the assignment's own data). ``top`` itself is kept.
    """
    before = before or {}
    notes = _Notes()
    state = {"entries": 0, "bytes": 0}
    top_fd = os.open(str(top), _DIR_FLAGS)
    try:
        _fix_mode(top_fd, True)
        _sanitize_dir(top_fd, "", 1, caps, before, notes, state)
    finally:
        os.close(top_fd)
    return notes.lines("removed")


def _fix_mode(fd: int, is_dir: bool) -> None:
    mode = os.fstat(fd).st_mode
    if _safe_mode(mode, is_dir) != stat.S_IMODE(mode):
        os.fchmod(fd, _safe_mode(mode, is_dir))


def _sanitize_dir(dfd: int, rel: str, depth: int, caps: Caps, before: Snapshot, notes: _Notes,
                  state: dict) -> None:
    with os.scandir(dfd) as it:
        names = sorted(entry.name for entry in it)
    for name in names:
        path = os.path.join(rel, name)
        try:
            _sanitize_entry(dfd, name, path, depth, caps, before, notes, state)
        except FileNotFoundError:
            continue
        except OSError as err:  # whatever it is, it does not stay
            with contextlib.suppress(OSError):
                remove_entry(dfd, name)
            notes.add(path, f"could not be checked ({err.strerror or type(err).__name__})")


def _sanitize_entry(dfd: int, name: str, path: str, depth: int, caps: Caps, before: Snapshot, notes: _Notes,
                    state: dict) -> None:
    st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
    if stat.S_ISDIR(st.st_mode):
        reason = (f"folders nested more than {MAX_DEPTH} deep are not kept" if depth >= MAX_DEPTH else
                  f"over the limit of {caps.max_files} files and folders"
                  if caps.max_files and state["entries"] >= caps.max_files else "")
        if reason:
            remove_entry(dfd, name)
            notes.add(path, reason)
            return
        state["entries"] += 1
        fd = _open_own(dfd, name, _DIR_FLAGS, True)
        try:
            _fix_mode(fd, True)
            _sanitize_dir(fd, path, depth + 1, caps, before, notes, state)
        finally:
            os.close(fd)
    elif stat.S_ISREG(st.st_mode):
        old = before.get(path)
        if old is None or old != (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns):
            state["entries"] += 1  # created or changed by the kernel: within the limits, or removed
            reason = _over_caps(st.st_size, caps, state)
            if reason:
                state["entries"] -= 1  # only what is kept counts
                os.unlink(name, dir_fd=dfd)
                notes.add(path, reason)
                return
            state["bytes"] += st.st_size
        fd = _open_own(dfd, name, _FILE_FLAGS, False)
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                _fix_mode(fd, False)
        finally:
            os.close(fd)
    else:
        os.unlink(name, dir_fd=dfd)
        notes.add(path, f"{_kind(st.st_mode)}; the grader keeps only ordinary files and folders")


def _open_own(dfd: int, name: str, flags: int, is_dir: bool) -> int:
    """Open a file or folder just checked with lstat, never following a link. Not root: a kernel running as the
    grader's own user may have taken the permissions off it; give them back (it is the grader's own) and retry."""
    try:
        return os.open(name, flags, dir_fd=dfd)
    except PermissionError:
        os.chmod(name, 0o700 if is_dir else 0o600, dir_fd=dfd)  # nothing of the kernel runs any more
        return os.open(name, flags, dir_fd=dfd)


def _over_caps(size: int, caps: Caps, state: dict) -> str:
    if caps.max_file and size > caps.max_file:
        return (f"{_mb(size)} is over the course's limit of {_mb(caps.max_file)} per file "
                "(CourseDirectory.max_file_size)")
    if caps.max_total and state["bytes"] + size > caps.max_total:
        return f"over the course's limit of {_mb(caps.max_total)} in all (CourseDirectory.max_dir_size)"
    if caps.max_files and state["entries"] > caps.max_files:
        return f"over the limit of {caps.max_files} files and folders"
    return ""


# --- Copying without following links ----------------------------------------------------------------------------

def copy_tree(src: str | Path, dest: str | Path, caps: Caps, *,
              ignore: Callable[[str, list[str]], Iterable[str]] | None = None,
              exempt: Callable[[str], bool] = lambda rel: False, verb: str = "did not copy") -> list[str]:
    """Copy the folder ``src`` to ``dest`` (created; must not exist), following no link; return notes on what was
    not copied.

    Only regular files and folders are copied; links, pipes, sockets and devices are skipped with a note, and so
    are files over ``caps.max_file`` and files or folders past ``caps.max_total`` bytes or ``caps.max_files``
    entries (``exempt(relative path)`` files are copied whatever their size, and not counted). ``verb`` starts
    each note (``"<verb> <paths>: <reason>"``). ``ignore`` works as
    ``shutil.copytree``'s. Each file is opened with ``O_NOFOLLOW`` and copied from that descriptor, at most as many
    bytes as it had when checked. ``src`` itself must be a real folder (see :func:`linked_part`).
    """
    notes = _Notes()
    state = {"entries": 0, "bytes": 0}
    src_fd = os.open(str(src), _DIR_FLAGS)
    try:
        os.mkdir(dest, 0o700)
        _copy_dir(src_fd, str(src), Path(dest), "", 1, caps, ignore, exempt, notes, state)
    finally:
        os.close(src_fd)
    return notes.lines(verb)


def _copy_dir(dfd: int, where: str, dest: Path, rel: str, depth: int, caps: Caps, ignore, exempt, notes: _Notes,
              state: dict) -> None:
    with os.scandir(dfd) as it:
        names = sorted(entry.name for entry in it)
    skipped = set(ignore(where, names)) if ignore else set()
    for name in names:
        if name in skipped:
            continue
        path = os.path.join(rel, name)
        try:
            _copy_entry(dfd, name, where, dest, path, depth, caps, ignore, exempt, notes, state)
        except FileNotFoundError:
            continue
        except PermissionError:  # not root, and the folder's owner took the permissions off it
            notes.add(path, "it could not be read")


def _copy_entry(dfd: int, name: str, where: str, dest: Path, path: str, depth: int, caps: Caps, ignore, exempt,
                notes: _Notes, state: dict) -> None:
    st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
    if stat.S_ISDIR(st.st_mode):
        if depth >= MAX_DEPTH:
            notes.add(path, f"folders nested more than {MAX_DEPTH} deep are not copied")
            return
        if caps.max_files and state["entries"] >= caps.max_files:
            notes.add(path, f"over the limit of {caps.max_files} files and folders")
            return
        fd = os.open(name, _DIR_FLAGS, dir_fd=dfd)
        try:
            if not os.path.samestat(st, os.fstat(fd)):
                return  # replaced between the check and the open: not what was checked
            state["entries"] += 1
            os.mkdir(dest / name, 0o700)
            _copy_dir(fd, os.path.join(where, name), dest / name, path, depth + 1, caps, ignore, exempt, notes,
                      state)
            os.chmod(dest / name, _safe_mode(st.st_mode, True))
        finally:
            os.close(fd)
    elif stat.S_ISREG(st.st_mode):
        if not exempt(path):
            state["entries"] += 1
            reason = _over_caps(st.st_size, caps, state)
            if reason:
                state["entries"] -= 1  # only what is copied counts
                notes.add(path, reason)
                return
            state["bytes"] += st.st_size
        _copy_file(dfd, name, st, dest / name)
    else:
        notes.add(path, f"{_kind(st.st_mode)}; only ordinary files and folders are copied")


def _copy_file(dfd: int, name: str, st: os.stat_result, dest: Path) -> None:
    fd = os.open(name, _FILE_FLAGS, dir_fd=dfd)
    try:
        got = os.fstat(fd)
        if not (stat.S_ISREG(got.st_mode) and os.path.samestat(st, got)):
            return  # replaced between the check and the open: not what was checked
        left = st.st_size
        with open(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                          _safe_mode(st.st_mode, False)), "wb") as out:
            while left > 0:
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    break
                out.write(chunk)
                left -= len(chunk)
        os.utime(dest, ns=(st.st_atime_ns, st.st_mtime_ns))
    finally:
        os.close(fd)


# --- Submissions that are links ---------------------------------------------------------------------------------

def linked_part(root: str | Path, path: str | Path) -> Path | None:
    """The first part of ``path`` below ``root`` that is a symbolic link (or ``path`` itself); None if none is.

    ``root`` itself (say the course's ``submitted/`` folder) may be a link: that is the course's own choice.
    """
    root, path = Path(os.path.abspath(root)), Path(os.path.abspath(path))
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = path.parts[1:]
        root = Path(path.anchor)
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def describe_link(path: Path) -> str:
    """``'<path> is a symbolic link (to <target>)'``, the target shown safely."""
    try:
        target = f" (to {shown(os.readlink(path))})"
    except OSError:
        target = ""
    return f"{shown(path)} is a symbolic link{target}"


def links_inside(top: str | Path, limit: int = 5, ignore: Iterable[str] = ()) -> list[Path]:
    """Symbolic links (and other non-regular files) under the real folder ``top``, skipping names that match the
    ``ignore`` globs (as nbgrader's ``CourseDirectory.ignore``); at most ``limit``."""
    import fnmatch

    found = []
    for folder, dirs, files in os.walk(top, followlinks=False):
        dirs[:] = [d for d in dirs if not any(fnmatch.fnmatch(d, g) for g in ignore)]
        for name in sorted(dirs + files):
            if any(fnmatch.fnmatch(name, g) for g in ignore):
                continue
            path = Path(folder) / name
            with contextlib.suppress(OSError):
                mode = os.lstat(path).st_mode
                if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                    found.append(path)
                    if len(found) >= limit:
                        return found
    return found


# --- Scratch folders of dead processes --------------------------------------------------------------------------

def _start_time(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), or None if it does not exist or has exited (a zombie
    that its parent has not reaped yet: a killed run's workers, until the subreaper that adopted them waits)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    if len(fields) < 20 or fields[0] in (b"Z", b"X"):
        return None
    return fields[19].decode()


def owner_tag(pid: int | None = None) -> str:
    """``<pid>.<start time>``: names this process uniquely, even after its pid is reused."""
    pid = os.getpid() if pid is None else pid
    return f"{pid}.{_start_time(pid) or 0}"


def _tag_alive(tag: str) -> bool:
    pid, _, started = tag.partition(".")
    if not pid.isdigit():
        return True  # not one of ours: leave it
    now = _start_time(int(pid))
    if now is None:
        return False
    return not started or started == now or not started.isdigit()


def remove_stale(parent: str | Path, prefix: str) -> list[Path]:
    """Remove ``<parent>/<prefix><pid>.<start>-*`` folders whose process is gone; return what was removed."""
    removed = []
    for stale in Path(parent).glob(f"{prefix}*-*"):
        tag = stale.name[len(prefix):].split("-", 1)[0]
        if tag and not _tag_alive(tag) and stale.is_dir() and not stale.is_symlink():
            with contextlib.suppress(OSError):
                parent_fd = os.open(str(stale.parent), _DIR_FLAGS)
                try:
                    remove_entry(parent_fd, stale.name)
                finally:
                    os.close(parent_fd)
                removed.append(stale)
    return removed


def scratch_folder(prefix: str, parent: str | Path | None = None, kind: str = "") -> Path:
    """A fresh private folder ``<parent>/<prefix><pid>.<start>-<kind>XXXX`` (default parent: the temporary
    folder), after removing those left by processes that died (killed runs)."""
    parent = Path(parent or tempfile.gettempdir())
    remove_stale(parent, prefix)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{owner_tag()}-{kind}", dir=parent))


# --- Plain nbgrader: refuse linked submissions before nbgrader copies them -------------------------------------

def refusal(converter, assignment_id: str, student_id: str) -> str:
    """Why nbgrader must not process this student's folder (a link, or links inside it); "" if it may."""
    cd = converter.coursedir
    folder = Path(compat.submission_folder(converter, assignment_id, student_id))
    base = Path(compat.input_root(converter))
    link = linked_part(base, folder)
    if link is None:
        link = next((Path(nb) for nb in converter.notebooks if Path(nb).is_symlink()), None)
    if link is not None:
        return (f"Refusing to grade {student_id}'s {assignment_id}: {describe_link(link)}, not the student's own "
                f"work. Replace the link with the submitted files themselves (or remove it), then grade again.")
    inside = links_inside(folder, ignore=cd.ignore)
    if inside:
        names = ", ".join(describe_link(p) if p.is_symlink() else f"{shown(p)} is not an ordinary file"
                          for p in inside)
        return (f"Refusing to grade {student_id}'s {assignment_id}: {names}; nbgrader would read what it points "
                f"to. Remove it from {shown(folder)} (or replace it with the file itself), then grade again.")
    return ""


def install() -> None:
    """Make nbgrader's ``Autograde`` and ``GenerateFeedback`` refuse, with a reason, a student folder that is a
    symbolic link, holds a notebook that is one, or contains links or special files.

    Called from the course's ``nbgrader_config.py``. nbgrader's ``pre_convert_hook`` runs at the right moment but
    cannot fail a student (nbgrader logs its exceptions and carries on, then copies the folder, following links),
    so the check wraps ``init_assignment``, the step that copies: an exception there is nbgrader's own per-student
    failure (logged, the student's output removed, the others graded, exit code 1).
    """
    from nbgrader.converters import Autograde, GenerateFeedback

    compat.check_before_copy((Autograde, GenerateFeedback), refusal)
