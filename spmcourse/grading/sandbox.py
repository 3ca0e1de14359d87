"""Sandboxed grading kernels: every notebook that nbgrader executes runs inside a bubblewrap sandbox.

nbgrader runs a submission's code in a local kernel with the grader's own permissions. This module replaces that
kernel's launch: :class:`SandboxKernelManager` starts ``python -m ipykernel_launcher`` inside ``bwrap`` (Debian's
``bubblewrap``) so that the submission

- sees a read-only system (``/usr``, ``/etc``, the Python installation, the course's virtual environment and the
  ``spmcourse`` package) and nothing else of the machine: not ``source/``, ``release/``, ``gradebook.db``, the
  exchange, other students' folders, the grader's home folder or other temporary files;
- can write only to its own working folder (the folder nbgrader executes it in) and a private scratch folder
  (``HOME``, ``/tmp``, ``IPYTHONDIR``) that is deleted afterwards;
- has no network (its own network namespace; it talks to the grader over IPC sockets in the scratch folder), its
  own process namespace, and limits on memory, processes, file size, CPU and wall time;
- leaves nothing running: when the kernel stops, every process of its namespace is killed;
- leaves nothing the grader would trust: during ``autograde``, as soon as the kernel stops, its working folder keeps
  only ordinary files and folders within the course's limits, with safe permissions (:mod:`spmcourse.grading.safefiles`;
  :func:`take_notes` says what was removed);
- inherits nothing of the grader but a short list of environment variables, by exact name: no file descriptor
  (its stdout and stderr go to a file of its own, not the grader's log).

When the grader runs as root, the kernel itself runs as an unprivileged user id of its own (a fresh one per
kernel), with no capabilities, so that the process limit holds (Linux does not apply RLIMIT_NPROC to root) and
root-only files stay unreadable even where they are visible.

How it plugs in: the course's ``nbgrader_config.py`` calls :func:`install`, which makes nbgrader's ``Execute``
preprocessor (used by ``nbgrader autograde``, ``nbgrader validate``, the Validate button and the course's own
grading commands) start its kernels through :class:`SandboxKernelManager`. nbgrader passes its kernel manager
class as a constructor argument, which configuration cannot override, hence the hook.

If the sandbox cannot start (no bubblewrap, no user namespaces), starting a kernel raises
:class:`SandboxUnavailable`, whose message says how to fix it. Grading without the sandbox is an explicit choice:
``SPM_UNSANDBOXED=1`` in the environment (or ``--SandboxKernelManager.enabled=False``); every kernel started that
way logs a warning, and :func:`status` describes the choice for the grading output.

Limits are options of :class:`SandboxKernelManager`, set on nbgrader's command line
(``--SandboxKernelManager.memory_limit=1024``); ``docs/sandbox.md`` explains the design, the limits and the
measured cost.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Bool, Int, List, Unicode, default

from spmcourse import COURSE_ROOT
from spmcourse.grading import compat, safefiles
from spmcourse.errors import CourseError

#: Environment variable that opts out of the sandbox (``1``, ``true`` or ``yes``).
OPT_OUT_ENV = "SPM_UNSANDBOXED"
#: Environment variable naming the bubblewrap binary (default: ``bwrap`` on ``PATH``).
BWRAP_ENV = "SPM_BWRAP"

#: Kernels started as root run as ``UID_BASE + 16 * (pid of the grader) + n``: unique per running kernel, far
#: above any real account, below 2**31.
UID_BASE = 2_000_000_000

#: Environment variables a sandboxed kernel keeps, by exact name. Everything else (database URLs, tokens, the
#: grader's paths, and any variable that merely starts like one of these) is dropped.
ENV_KEEP = frozenset({
    "PATH", "LANG", "LANGUAGE", "TZ", "TERM", "JPY_SESSION_NAME", "MPLBACKEND", "PYTHONPATH", "PYTHONHASHSEED",
    "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONWARNINGS", "PYTHONDONTWRITEBYTECODE",
    # the locale
    "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES", "LC_PAPER",
    "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION",
    # what nbgrader tells the notebook (autograde or validate)
    "NBGRADER_EXECUTION", "NBGRADER_VALIDATING",
    # thread counts of the numeric libraries
    "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "NUMEXPR_MAX_THREADS",
})

# Runs inside the sandbox, before the kernel: sets the resource limits, drops to the kernel's own user id when
# the sandbox was started as root, then becomes the kernel. argv: [config as JSON, kernel argv...].
_CHILD = """\
import json, os, resource, sys
cfg = json.loads(sys.argv[1])
for name, value in cfg["limits"].items():
    resource.setrlimit(getattr(resource, name), (value, value))
if cfg["uid"] is not None:
    os.setgroups([])
    os.setgid(cfg["uid"])
    os.setuid(cfg["uid"])
os.execv(sys.argv[2], sys.argv[2:])
"""


class SandboxUnavailable(CourseError):
    """The sandbox cannot start on this machine; the message says how to fix it or how to opt out."""


def opted_out(env: Mapping[str, str] | None = None) -> bool:
    """Has the grader explicitly asked for unsandboxed grading (``SPM_UNSANDBOXED=1``)?"""
    env = os.environ if env is None else env
    return env.get(OPT_OUT_ENV, "").strip().lower() in {"1", "true", "yes"}


def bwrap_path(env: Mapping[str, str] | None = None) -> str:
    """The bubblewrap binary to use: ``$SPM_BWRAP``, else ``bwrap`` on ``PATH``."""
    env = os.environ if env is None else env
    return env.get(BWRAP_ENV) or shutil.which("bwrap") or "bwrap"


# --- Status, opt-out and the pre-flight check ------------------------------------------------------------------

@dataclass(frozen=True)
class SandboxStatus:
    """Whether grading kernels are sandboxed, in words fit for the grading output."""
    sandboxed: bool
    detail: str

    def describe(self) -> str:
        return f"sandbox: {'on' if self.sandboxed else 'OFF'} ({self.detail})"


def status(env: Mapping[str, str] | None = None) -> SandboxStatus:
    """What grading will do, without starting anything: sandboxed, or explicitly opted out."""
    if opted_out(env):
        return SandboxStatus(False, f"{OPT_OUT_ENV}=1: submissions run with the grader's own permissions")
    return SandboxStatus(True, f"bubblewrap {bwrap_path(env)}")


def ensure_available(env: Mapping[str, str] | None = None) -> SandboxStatus:
    """Check, before grading, that the sandbox starts here; raise :class:`SandboxUnavailable` if it cannot.

    Returns the :class:`SandboxStatus` to record in the grading output. Opted out: returns at once.
    """
    current = status(env)
    if current.sandboxed:
        version = _preflight(bwrap_path(env))
        current = SandboxStatus(True, f"{version}, {bwrap_path(env)}")
    return current


def grading_env(sandboxed: bool, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a grading subprocess (``nbgrader autograde``), with the sandbox on or off."""
    env = dict(os.environ if base is None else base)
    if sandboxed:
        env.pop(OPT_OUT_ENV, None)
    else:
        env[OPT_OUT_ENV] = "1"
    return env


def set_sandboxed(enabled: bool) -> None:
    """Turn the sandbox on or off for this process and the grading subprocesses it starts (benchmarks, tests)."""
    if enabled:
        os.environ.pop(OPT_OUT_ENV, None)
    else:
        os.environ[OPT_OUT_ENV] = "1"


@contextlib.contextmanager
def sandboxed(enabled: bool) -> Iterator[None]:
    """``with sandboxed(False): ...`` grades without the sandbox inside the block (for the benchmark)."""
    saved = os.environ.get(OPT_OUT_ENV)
    set_sandboxed(enabled)
    try:
        yield
    finally:
        os.environ.pop(OPT_OUT_ENV, None)
        if saved is not None:
            os.environ[OPT_OUT_ENV] = saved


_PREFLIGHT: dict[str, str] = {}
_PREFLIGHT_LOCK = threading.Lock()


def _fix_hint() -> str:
    return (
        "Fix it, then grade again:\n"
        "  - install bubblewrap: `sudo apt-get install bubblewrap` (Debian, Ubuntu; or `make system-deps`), "
        "`sudo dnf install bubblewrap` (Fedora);\n"
        "  - if bwrap is installed but cannot create namespaces, enable unprivileged user namespaces: "
        "`sudo sysctl -w kernel.unprivileged_userns_clone=1` (older Debian), "
        "`sudo sysctl -w user.max_user_namespaces=15000`, and on Ubuntu 23.10 or later "
        "`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`; inside a container, grade as root or "
        "give the container user namespaces.\n"
        f"To grade without the sandbox anyway (only code you trust: it then runs with your permissions), set "
        f"{OPT_OUT_ENV}=1 in the environment (`{OPT_OUT_ENV}=1 nbgrader autograde ...`); the grading output "
        f"records that choice. See docs/sandbox.md."
    )


def _preflight(bwrap: str) -> str:
    """Start a trivial sandbox exactly as a kernel would; return bwrap's version or raise SandboxUnavailable.

    Done once per process and bwrap path (about 50 ms).
    """
    with _PREFLIGHT_LOCK:
        if bwrap in _PREFLIGHT:
            return _PREFLIGHT[bwrap]
        try:
            version = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10,
                                     check=False).stdout.strip() or "bubblewrap"
        except (FileNotFoundError, PermissionError, NotADirectoryError) as err:
            raise SandboxUnavailable(
                f"Grading runs every submission in a bubblewrap sandbox, but bubblewrap ({bwrap}) is not "
                f"installed or cannot be run: {err}.\n{_fix_hint()}") from None
        scratch = _run_folder("check-")
        try:
            plan = _Plan.build(bwrap=bwrap, run=scratch, workdir=scratch / "tmp", protected=[],
                               extra_ro=[], limits=Limits(), uid=_kernel_uid())
            plan.prepare()
            cmd = plan.command([shutil.which("true") or "/bin/true"])
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=30, env=plan.env({}),
                                    **plan.popen_kwargs())
        except subprocess.TimeoutExpired:
            raise SandboxUnavailable(f"The bubblewrap sandbox ({bwrap}) did not start within 30 s.\n"
                                     f"{_fix_hint()}") from None
        finally:
            _remove_tree(scratch)
        if result.returncode != 0:
            raise SandboxUnavailable(
                f"Grading runs every submission in a bubblewrap sandbox, but the sandbox cannot start here: "
                f"{bwrap} exited with {result.returncode}: {(result.stderr or result.stdout).strip()}\n"
                f"{_fix_hint()}")
        _PREFLIGHT[bwrap] = version
        return version


# --- The sandbox of one kernel ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed kernel (memory and file size in MiB, times in seconds)."""
    memory: int = 8192
    processes: int = 256
    wall_time: int = 900
    cpu_time: int = 0          # 0: same as wall_time
    file_size: int = 256

    def rlimits(self, nproc_in_use: int = 0) -> dict[str, int]:
        mib = 1024 * 1024
        return {"RLIMIT_AS": self.memory * mib,
                "RLIMIT_NPROC": nproc_in_use + self.processes,
                "RLIMIT_CPU": self.cpu_time or self.wall_time,
                "RLIMIT_FSIZE": self.file_size * mib,
                "RLIMIT_CORE": 0}


_uid_counter = 0
_uid_lock = threading.Lock()


def _kernel_uid() -> int | None:
    """A fresh unprivileged user id for the next kernel when we are root; None otherwise."""
    global _uid_counter
    if os.geteuid() != 0:
        return None
    with _uid_lock:
        _uid_counter += 1
        return UID_BASE + ((os.getpid() & 0x3FFFFF) << 4) + (_uid_counter & 0xF)


#: Run folders are ``<tmp>/spm-sandbox-<grader pid>.<its start time>-...``.
RUN_PREFIX = "spm-sandbox-"


def _run_folder(kind: str = "") -> Path:
    """A fresh run folder; those of graders that died (killed runs) are removed first."""
    return safefiles.scratch_folder(RUN_PREFIX, _short_tmp(), kind)


def _short_tmp() -> str:
    """The temporary folder for run folders: IPC socket paths must stay under 107 bytes."""
    tmp = tempfile.gettempdir()
    return tmp if len(tmp) <= 60 else "/tmp"


def _is_within(path: Path, parent: Path) -> bool:
    return path == parent or parent in path.parents


def _remove_tree(path: Path) -> None:
    """Remove a run folder, even where the kernel took the permissions off its own folders or nested them
    thousands deep; links in it are removed, never followed."""
    with contextlib.suppress(FileNotFoundError):
        parent = os.open(str(path.parent), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            safefiles.remove_entry(parent, path.name)
        finally:
            os.close(parent)


def _tasks_of_uid(uid: int) -> int:
    """How many tasks (processes and threads) ``uid`` runs now: RLIMIT_NPROC counts them all."""
    import psutil

    count = 0
    for proc in psutil.process_iter(["uids", "num_threads"]):
        try:
            if proc.info["uids"] and proc.info["uids"].real == uid:
                count += proc.info["num_threads"] or 1
        except (psutil.Error, TypeError):
            continue
    return count


def _system_mounts() -> list[tuple[str, ...]]:
    """The read-only system: ``/usr``, ``/etc`` and the top-level links or folders into them."""
    ops: list[tuple[str, ...]] = [("--ro-bind", "/usr", "/usr"), ("--ro-bind", "/etc", "/etc")]
    for name in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(name):
            ops.append(("--symlink", os.readlink(name), name))
        elif os.path.isdir(name):
            ops.append(("--ro-bind", name, name))
    return ops


def _python_paths() -> list[Path]:
    """Folders the kernel's Python needs: the installation, the virtual environment, the course package (where
    this process imported it from, and wherever the environment's editable installs point)."""
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix), Path(sys.base_exec_prefix),
             Path(os.path.realpath(sys.executable)).parent.parent,
             Path(__file__).resolve().parents[1]}  # the spmcourse package: this file is spmcourse/grading/sandbox.py
    site_dirs = [p for p in sys.path if p.endswith("site-packages")]
    # a site folder a .pth adds (site.addsitedir) lies outside the prefixes: the kernel imports from it too
    paths |= {Path(p) for p in site_dirs if os.path.isdir(p)}
    paths |= set(installed_package_dirs(site_dirs))
    return sorted({Path(os.path.realpath(p)) for p in paths})


def installed_package_dirs(site_dirs: list[str], package: str = "spmcourse") -> list[Path]:
    """Where the kernel's Python will import ``package`` from when it is an editable install: the folder named by
    setuptools' editable finder (``__editable___*_finder.py``, its ``MAPPING``) or by a ``.pth`` line. The
    grading process may have imported another copy (say from the course folder it runs in), so the sandbox must
    show this one too, or the set-up cell cannot import the course's helpers."""
    import ast
    import re

    found = []
    for site_dir in site_dirs:
        folder = Path(site_dir)
        for finder in folder.glob("__editable___*_finder.py"):
            with contextlib.suppress(OSError, ValueError, SyntaxError):
                m = re.search(r"^MAPPING\s*(?::[^=]*)?=\s*(\{.*?\})\s*$", finder.read_text(encoding="utf-8"), re.M | re.S)
                mapping = ast.literal_eval(m.group(1)) if m else {}
                if isinstance(mapping, dict) and isinstance(mapping.get(package), str):
                    found.append(Path(mapping[package]))
        for pth in folder.glob("*.pth"):
            with contextlib.suppress(OSError, ValueError):
                for line in pth.read_text(encoding="utf-8").splitlines():
                    line = line.strip()
                    if line and not line.startswith(("#", "import")) and (Path(line) / package).is_dir():
                        found.append(Path(line) / package)  # the package folder only, never the folder holding it
    return [p for p in found if p.is_dir()]


@dataclass
class _Plan:
    """Everything about one sandbox: its run folder, what it binds, the limits and the user id it runs as."""
    bwrap: str
    run: Path
    workdir: Path
    limits: Limits
    uid: int | None
    mounts: list[tuple[str, ...]] = field(default_factory=list)
    masks: list[Path] = field(default_factory=list)
    owners: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def build(cls, *, bwrap: str, run: Path, workdir: Path, protected: list[Path], extra_ro: list[Path],
              limits: Limits, uid: int | None) -> "_Plan":
        plan = cls(bwrap=bwrap, run=run, workdir=workdir, limits=limits, uid=uid)
        for p in protected:
            if _is_within(p, workdir):
                raise SandboxUnavailable(
                    f"Refusing to run a notebook in {workdir}: that folder contains {p}, which a submission must "
                    f"not see. Move the notebook into a folder of its own (for example its assignment folder).")
        system = _system_mounts()
        ro = [p for p in _python_paths() + extra_ro
              if p.exists() and not any(_is_within(p, Path(m[1])) for m in system if m[0] == "--ro-bind")]
        binds: list[tuple[str, ...]] = list(system)
        binds += [("--ro-bind", str(p), str(p)) for p in ro]
        binds += [("--bind", str(run / "tmp"), "/tmp"), ("--bind", str(run), str(run)),
                  ("--bind", str(workdir), str(workdir))]
        # A protected path that a bind would show (say an exchange under /usr/local) is covered by an empty,
        # read-only folder; binds deeper than it (the working folder) are mounted after it and stay visible.
        for p in protected:
            for op in binds:
                if op[0] in ("--ro-bind", "--bind") and _is_within(p, Path(op[1])) and p.is_dir():
                    dest = Path(op[2]) / p.relative_to(op[1])
                    binds.append(("--tmpfs", str(dest)))
                    plan.masks.append(dest)
                    break
        # bwrap creates the folders leading to a mount point as root-only (0700): create them readable first.
        dests = {op[-1] for op in binds}
        parents = {str(a) for op in binds if op[0] != "--symlink" for a in Path(op[-1]).parents} - dests - {"/"}
        binds += [("--perms", "0755", "--dir", a) for a in parents]
        binds.sort(key=lambda op: 0 if op[0] == "--symlink" else len(Path(op[-1]).parts))
        plan.mounts = binds
        return plan

    def prepare(self) -> None:
        """Create the run folder's layout and hand it (and the working folder) to the kernel's user id."""
        for sub in ("home", "tmp", "home/.ipython", "home/.config/matplotlib", "home/.cache"):
            (self.run / sub).mkdir(parents=True, exist_ok=True)
        self.workdir.mkdir(parents=True, exist_ok=True)
        _seed_matplotlib_cache(self.run / "home/.config/matplotlib")
        if self.uid is not None:
            self._chown_tree(self.run, self.uid, self.uid, record=False)
            self._chown_tree(self.workdir, self.uid, self.uid, record=True)

    def _chown_tree(self, top: Path, uid: int, gid: int, *, record: bool) -> None:
        for path in [top, *_walk(top)]:
            try:
                if record:
                    st = os.lstat(path)
                    self.owners[str(path)] = (st.st_uid, st.st_gid)
                os.chown(path, uid, gid, follow_symlinks=False)
            except OSError:
                continue

    def restore_owners(self) -> None:
        """Give the working folder back to its owners; files the kernel created go to the folder's owner."""
        if self.uid is None or not self.owners:
            return
        fallback = self.owners.get(str(self.workdir), (0, 0))
        for path in [self.workdir, *_walk(self.workdir)]:
            uid, gid = self.owners.get(str(path), fallback)
            try:
                os.chown(path, uid, gid, follow_symlinks=False)
            except OSError:
                continue
        self.owners.clear()

    def env(self, env: Mapping[str, str]) -> dict[str, str]:
        """The kernel's environment: the allowed variables of ``env`` plus private HOME, TMPDIR and IPYTHONDIR."""
        kept = {k: v for k, v in env.items() if k in ENV_KEEP}
        home = self.run / "home"
        kept.update(HOME=str(home), TMPDIR="/tmp", IPYTHONDIR=str(home / ".ipython"),
                    MPLCONFIGDIR=str(home / ".config/matplotlib"), XDG_CACHE_HOME=str(home / ".cache"),
                    XDG_CONFIG_HOME=str(home / ".config"), USER="student", LOGNAME="student")
        kept.setdefault("PATH", os.defpath)
        return kept

    def command(self, kernel_cmd: list[str]) -> list[str]:
        """``bwrap ... python -c <limits, drop to uid> <kernel_cmd>``."""
        nproc = 0 if self.uid is not None else _tasks_of_uid(os.getuid())
        child = json.dumps({"limits": self.limits.rlimits(nproc), "uid": self.uid})
        cmd = [self.bwrap]
        if self.uid is None:  # unprivileged bwrap: a user namespace, and none further inside
            cmd += ["--unshare-user"]
            if _bwrap_supports(self.bwrap, "--disable-userns"):
                cmd += ["--disable-userns"]
        cmd += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--hostname", "sandbox",
                "--unshare-cgroup-try", "--die-with-parent"]
        for op in self.mounts:
            cmd += list(op)
        cmd += ["--proc", "/proc", "--dev", "/dev",  # and a small shared-memory folder (multiprocessing needs it)
                "--perms", "1777", "--size", str(64 * 1024 * 1024), "--tmpfs", "/dev/shm"]
        for mask in self.masks:
            cmd += ["--remount-ro", str(mask)]
        cmd += ["--remount-ro", "/", "--setenv", "JPY_PARENT_PID", "1", "--chdir", str(self.workdir), "--",
                sys.executable, "-I", "-S", "-c", _CHILD, child, *kernel_cmd]
        return cmd

    def popen_kwargs(self) -> dict:
        return {"cwd": str(self.workdir)}


def _walk(top: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(top, followlinks=False):
        for name in dirs + files:
            yield Path(root) / name


_BWRAP_HELP: dict[str, str] = {}


def _bwrap_supports(bwrap: str, option: str) -> bool:
    if bwrap not in _BWRAP_HELP:
        try:
            _BWRAP_HELP[bwrap] = subprocess.run([bwrap, "--help"], capture_output=True, text=True,
                                                timeout=10, check=False).stdout
        except OSError:
            _BWRAP_HELP[bwrap] = ""
    return option in _BWRAP_HELP[bwrap]


def _seed_matplotlib_cache(dest: Path) -> None:
    """Copy the grader's matplotlib font list, so a fresh kernel does not rebuild it (seconds) on import."""
    candidates = [os.environ.get("MPLCONFIGDIR"), os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"),
                                                               "matplotlib"), "~/.matplotlib"]
    for folder in filter(None, candidates):
        for src in Path(os.path.expanduser(folder)).glob("fontlist-*.json"):
            with contextlib.suppress(OSError):
                shutil.copy2(src, dest / src.name)


def _processes_in(pidns: str | None, uid: int | None) -> list[int]:
    """Processes that belong to a sandbox: in its PID namespace, or running as its user id."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                if f.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X"):  # dead, not yet reaped
                    continue
            if pidns and os.readlink(f"/proc/{pid}/ns/pid") == pidns:
                found.append(pid)
            elif uid is not None and os.stat(f"/proc/{pid}").st_uid == uid:
                found.append(pid)
        except OSError:
            continue
    return found


# --- What the clean-up removed, for the grader to report ---------------------------------------------------------

_NOTES: dict[str, list[str]] = {}
_NOTES_LOCK = threading.Lock()


def take_notes(workdir: str | Path) -> list[str]:
    """What the clean-up after grading kernels removed from ``workdir`` (links, pipes, files over the course's
    limits), one line each, fit to show the student; forgotten once taken. Empty if nothing was removed.

    Only kernels started during ``autograde`` clean their working folder (``NBGRADER_EXECUTION=autograde``).
    """
    with _NOTES_LOCK:
        return _NOTES.pop(os.path.realpath(workdir), [])


def _add_notes(workdir: Path, notes: list[str]) -> None:
    with _NOTES_LOCK:
        _NOTES.setdefault(os.path.realpath(workdir), []).extend(notes)


def _autograding(env: Mapping[str, str] | None) -> bool:
    """Is this kernel part of ``nbgrader autograde`` (not Validate, which runs in the learner's own folder)?"""
    return (env or {}).get("NBGRADER_EXECUTION", os.environ.get("NBGRADER_EXECUTION")) == "autograde"


class SandboxProvisioner(LocalProvisioner):
    """Launches the kernel inside bubblewrap and cleans up after it (stray processes, what the kernel left in its
    working folder, owners, run folder)."""

    _plan: _Plan | None = None
    _timer: threading.Timer | None = None
    _pidns: str | None = None
    _output = None               # the kernel's stdout and stderr: a file of its own, never the grader's
    _clean: safefiles.Caps | None = None  # autograde: clean the working folder with these limits afterwards
    _before: safefiles.Snapshot | None = None

    async def pre_launch(self, **kwargs):
        km = self.parent
        _preflight(km.bwrap)
        workdir = Path(os.path.realpath(kwargs.get("cwd") or os.getcwd()))
        run = _run_folder()
        try:
            self._plan = _Plan.build(bwrap=km.bwrap, run=run, workdir=workdir, protected=km.protected_paths(),
                                     extra_ro=[Path(os.path.realpath(p)) for p in km.extra_ro_paths],
                                     limits=km.limits(), uid=_kernel_uid())
            # The kernel's sockets live in the run folder: IPC, not TCP, since the sandbox has no network.
            km.transport = "ipc"
            km.cache_ports = False
            km.connection_file = str(run / "kernel.json")
            km.ip = str(run / "kernel-ipc")
            kwargs["cwd"] = str(workdir)
            kwargs = await super().pre_launch(**kwargs)
            self._plan.prepare()
            if _autograding(kwargs.get("env")):
                self._clean = km.caps()
                self._before = safefiles.snapshot(workdir)
            kwargs["cmd"] = self._plan.command(kwargs["cmd"])
        except BaseException:
            if self._plan is None:
                _remove_tree(run)
            self._cleanup_plan()
            raise
        return kwargs

    def _finalize_env(self, env: dict[str, str]) -> None:
        super()._finalize_env(env)
        kept = self._plan.env(env) if self._plan else dict(env)
        env.clear()
        env.update(kept)

    async def launch_kernel(self, cmd: list[str], **kwargs):
        # No descriptor of the grader reaches the kernel: not its log on stdout/stderr (the kernel could forge
        # lines in it), nothing else (close_fds). What the kernel prints there goes to a file of its own.
        self._output = tempfile.TemporaryFile(prefix="spm-kernel-output-")
        kwargs.update(stdin=subprocess.DEVNULL, stdout=self._output, stderr=self._output, close_fds=True,
                      pass_fds=())
        info = await super().launch_kernel(cmd, **kwargs)
        plan = self._plan
        km = self.parent
        km.log.info("Sandbox: kernel %s in bubblewrap as uid %s (%s MiB, %s processes, %s s; writes only %s)",
                    self.kernel_id, plan.uid if plan.uid is not None else os.getuid(), plan.limits.memory,
                    plan.limits.processes, plan.limits.wall_time, plan.workdir)
        self._timer = threading.Timer(plan.limits.wall_time, self._wall_time_exceeded)
        self._timer.daemon = True
        self._timer.start()
        return info

    async def post_launch(self, **kwargs) -> None:
        await super().post_launch(**kwargs)
        # Remember the sandbox's PID namespace (that of bwrap's child) to find every process of it later.
        import asyncio

        import psutil

        for _ in range(100):
            try:
                children = psutil.Process(self.pid).children()
            except psutil.Error:
                break
            if children:
                with contextlib.suppress(OSError):
                    self._pidns = os.readlink(f"/proc/{children[0].pid}/ns/pid")
                break
            await asyncio.sleep(0.01)

    def _wall_time_exceeded(self) -> None:
        self.parent.log.error("Sandbox: kernel %s ran longer than %s s; killed.", self.kernel_id,
                              self._plan.limits.wall_time if self._plan else "?")
        self._kill_all()

    def _kill_all(self) -> None:
        if self.pgid:
            with contextlib.suppress(OSError):
                os.killpg(self.pgid, signal.SIGKILL)
        uid = self._plan.uid if self._plan else None
        for pid in _processes_in(self._pidns, uid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    async def send_signal(self, signum: int) -> None:
        """Interrupts go to the kernel and its children, not to bwrap (which would die and take the kernel)."""
        if signum in (signal.SIGKILL, signal.SIGTERM) or not self.pid:
            return await super().send_signal(signum)
        import psutil

        try:
            inside = psutil.Process(self.pid).children(recursive=True)
        except psutil.Error:
            return None
        for proc in inside:
            with contextlib.suppress(psutil.Error, OSError):
                if proc.ppid() != self.pid and os.getpgid(proc.pid) == self.pgid:  # bwrap's init ignores it
                    os.kill(proc.pid, signum)
        return None

    async def kill(self, restart: bool = False) -> None:
        await super().kill(restart=restart)
        self._kill_all()

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart=restart)
        self._cleanup_plan()  # a restart builds a new sandbox in pre_launch

    def _cleanup_plan(self) -> None:
        """Kill what is left of the sandbox, give the working folder back, delete the run folder. Idempotent."""
        plan, self._plan = self._plan, None
        if self._timer:
            self._timer.cancel()
            self._timer = None
        if plan is None:
            return
        uid = plan.uid
        # Nothing of the sandbox may outlive it: kill what is left, and wait until it is gone.
        deadline = time.monotonic() + 5
        while True:
            left = _processes_in(self._pidns, uid) if (self._pidns or uid is not None) else []
            if not left or time.monotonic() > deadline:
                break
            for pid in left:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)
        self._pidns = None
        self._log_output()
        if self._clean is not None:
            self._clean_workdir(plan.workdir)
        plan.restore_owners()
        _remove_tree(plan.run)

    def _clean_workdir(self, workdir: Path) -> None:
        """Nothing of the kernel runs any more: make what it left safe for the grader (safefiles.sanitize_tree)."""
        caps, before = self._clean, self._before
        self._clean = self._before = None
        log = self.parent.log
        started = time.perf_counter()
        try:
            notes = safefiles.sanitize_tree(workdir, caps, before)
        except OSError as err:  # the folder itself is gone or unreadable: nothing of it will be used
            notes = [f"the grader could not check the working folder ({err})"]
        log.debug("Sandbox: cleaned %s in %.1f ms", workdir, 1000 * (time.perf_counter() - started))
        for note in notes:
            log.warning("Sandbox: after kernel %s in %s: %s", self.kernel_id, safefiles.shown(workdir), note)
        if notes:
            _add_notes(workdir, notes)

    def _log_output(self) -> None:
        """The end of what the kernel wrote to its stdout/stderr, at debug level and escaped (one record)."""
        out, self._output = self._output, None
        if out is None:
            return
        with out:
            size = out.seek(0, os.SEEK_END)
            out.seek(max(0, size - 2000))
            tail = out.read()
        if tail.strip():
            self.parent.log.debug("Sandbox: kernel %s wrote to its stdout/stderr (last 2000 bytes): %r",
                                  self.kernel_id, tail)


compat.check_kernel_manager(AsyncKernelManager)  # SandboxKernelManager overrides its pre-start step


class SandboxKernelManager(AsyncKernelManager):
    """nbgrader's kernel manager, with every kernel started in a bubblewrap sandbox (unless opted out)."""

    enabled = Bool(help=f"Run kernels in the sandbox. Default: yes, unless {OPT_OUT_ENV}=1.").tag(config=True)
    bwrap = Unicode(help=f"The bubblewrap binary. Default: ${BWRAP_ENV}, else bwrap on PATH.").tag(config=True)
    memory_limit = Int(Limits.memory, help="Address space per process, in MiB (RLIMIT_AS).").tag(config=True)
    max_processes = Int(Limits.processes,
                        help="Processes and threads the kernel may run (RLIMIT_NPROC).").tag(config=True)
    wall_time = Int(Limits.wall_time, help="Seconds a kernel may live; then it is killed.").tag(config=True)
    cpu_time = Int(Limits.cpu_time, help="CPU seconds per process (0: the wall time).").tag(config=True)
    max_file_size = Int(Limits.file_size, help="Largest file the kernel may write, in MiB.").tag(config=True)
    extra_ro_paths = List(Unicode(), help="More folders the kernel may read (for example a data folder).").tag(
        config=True)
    hidden_paths = List(Unicode(), help="More folders to hide even where a bind would show them.").tag(config=True)

    @default("enabled")
    def _enabled_default(self) -> bool:
        return not opted_out()

    @default("bwrap")
    def _bwrap_default(self) -> str:
        return bwrap_path()

    def limits(self) -> Limits:
        return Limits(memory=self.memory_limit, processes=self.max_processes, wall_time=self.wall_time,
                      cpu_time=self.cpu_time, file_size=self.max_file_size)

    def caps(self) -> safefiles.Caps:
        """What a grading kernel may leave in its working folder: the course's CourseDirectory.max_file_size and
        max_dir_size, and at most safefiles.MAX_FILES new files and folders."""
        return safefiles.Caps.from_course(self.config.get("CourseDirectory", {}))

    def protected_paths(self) -> list[Path]:
        """Folders a submission must never see: the course (both the configured one and this package's), the
        exchange, the gradebook's folder and the grader's home."""
        cfg = self.config
        paths = [COURSE_ROOT] + [Path(p) for p in self.hidden_paths]
        with contextlib.suppress(RuntimeError, KeyError):
            paths.append(Path.home())
        root = cfg.get("CourseDirectory", {}).get("root")
        if root:
            paths.append(Path(root))
        exchange = cfg.get("Exchange", {}).get("root")
        if exchange:
            paths.append(Path(exchange))
        db_url = cfg.get("CourseDirectory", {}).get("db_url", "")
        if isinstance(db_url, str) and db_url.startswith("sqlite:///"):
            paths.append(Path(db_url[len("sqlite:///"):]).parent)
        return sorted({Path(os.path.realpath(p)) for p in paths if str(p) not in ("", "/")})

    def _sandbox_starts(self) -> bool:
        try:
            _preflight(self.bwrap)
            return True
        except SandboxUnavailable:
            return False

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # After SIGKILL the kernel is gone within milliseconds; jupyter_client looks every 0.1 s, which leaves the
        # grader idle for about 0.05 s per notebook. Look every 0.01 s.
        await super()._async_wait(pollinterval=min(pollinterval, 0.01))

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            if self.enabled and os.environ.get("NBGRADER_VALIDATING") == "1" and not self._sandbox_starts():
                # Validate runs the learner's own notebook with the visible tests only, for the learner: on a
                # machine without bubblewrap (macOS, Windows) the button must still work. Grading never does this.
                self.log.warning("Sandbox: OFF for Validate (bubblewrap cannot start here); kernel %s runs with "
                                 "your own permissions. Grading still requires the sandbox.", self.kernel_id)
            elif self.enabled:
                self.provisioner = SandboxProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                      parent=self)
            else:
                why = f"{OPT_OUT_ENV}=1" if opted_out() else "SandboxKernelManager.enabled=False"
                self.log.warning("Sandbox: OFF (%s): kernel %s runs with your own permissions.", why, self.kernel_id)
        return await super()._async_pre_start_kernel(**kw)


# --- The hook into nbgrader -------------------------------------------------------------------------------------

def install() -> None:
    """Make nbgrader's ``Execute`` preprocessor start its kernels with :class:`SandboxKernelManager`.

    Called from the course's ``nbgrader_config.py``, so every process that loads the course's configuration
    (``nbgrader autograde``/``validate``, the Validate button, the course's grading commands) is covered.
    ``Execute.__init__`` passes ``kernel_manager_class=AsyncKernelManager`` as an argument, which outranks
    configuration; so the name it reads is pointed at the sandboxed manager, and the result is checked.
    """
    compat.use_kernel_manager(SandboxKernelManager)
