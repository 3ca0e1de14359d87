"""Processes of a grading run: CPUs available, killing a process with everything it started, Linux prctl."""
from __future__ import annotations

import contextlib
import ctypes
import os
import sys

PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36


def cpu_count() -> int:
    """CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def descendants(pid: int) -> list:
    """Every process below ``pid`` (psutil processes; empty when ``pid`` is gone)."""
    import psutil
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def kill_tree(pid: int, *, include_root: bool = True, timeout: float = 5.0, spare: frozenset = frozenset()) -> None:
    """SIGKILL ``pid`` and every process below it (kernels run in sessions of their own, so not a process group).

    ``spare``: pids of descendants to leave alone (processes that existed before the work being cleaned up).
    """
    import psutil
    for _ in range(3):  # a process may fork while we collect: go round until nothing is left
        procs = [p for p in descendants(pid) if p.pid not in spare]
        if include_root:
            with contextlib.suppress(psutil.Error):
                procs.append(psutil.Process(pid))
        procs = [p for p in procs if p.is_running()]
        if not procs:
            return
        for p in procs:
            with contextlib.suppress(psutil.Error):
                p.kill()
        psutil.wait_procs(procs, timeout=timeout)


def linux_prctl(option: int, value: int) -> None:
    """``prctl(option, value)`` on Linux; nothing elsewhere or if it fails."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
