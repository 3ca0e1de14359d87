"""Run a notebook top to bottom in a fresh kernel: the one executor the tests and the benchmark share.

Two details matter on a busy machine:

- The kernel can talk over IPC sockets instead of TCP ports, so that many kernels started at once do not race
  for free ports ("Address already in use").
- nbclient waits for a cell's reply with one long ``poll`` on the shell socket. After a cell that displays
  ipywidgets, that poll sometimes misses the wake-up and returns only when the whole cell timeout has passed,
  with the reply ready all along (nbclient issue #312). :class:`CourseNotebookClient` polls in short slices, so
  a missed wake-up costs a fraction of a second instead of the timeout.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

from spmcourse.grading import compat

POLL_SLICE_S = 0.25


class CourseNotebookClient(NotebookClient):
    """An nbclient ``NotebookClient`` whose shell channel polls in short slices (see the module docstring)."""

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        compat.poll_in_slices(kc.shell_channel, POLL_SLICE_S)
        return kc


@contextmanager
def _environment(env: dict | None):
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def execute_notebook(nb: nbformat.NotebookNode, cwd: str | Path, *, env: dict | None = None, timeout: int = 60,
                     ipc: bool = True) -> tuple[nbformat.NotebookNode, float]:
    """Execute a copy of ``nb`` in a fresh ``python3`` kernel in folder ``cwd``, going on after errors.

    Returns the executed notebook and the wall time in seconds, kernel start and shutdown included.
    ``env`` adds environment variables for the kernel (for example ``NBGRADER_EXECUTION``).
    """
    nb = nbformat.from_dict(nb)
    config = Config()
    sockets = tempfile.mkdtemp(prefix="spm-k-") if ipc else None
    if sockets:
        config.ConnectionFileMixin.transport = "ipc"
        config.ConnectionFileMixin.ip = os.path.join(sockets, "k")
    # The client owns its kernel manager, so it shuts the kernel down when the notebook is done.
    client = CourseNotebookClient(nb, kernel_name="python3", timeout=timeout, allow_errors=True,
                                  shutdown_kernel="immediate", config=config,
                                  resources={"metadata": {"path": str(cwd)}})
    try:
        with _environment(env):
            start = time.perf_counter()
            client.execute()
            return nb, time.perf_counter() - start
    finally:
        if sockets:
            shutil.rmtree(sockets, ignore_errors=True)
