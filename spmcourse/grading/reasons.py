"""Why a grading failed, or a test cell lost its points, in plain words that say what to do."""
from __future__ import annotations

import re

from spmcourse.grading.cellmeta import cell_meta
from spmcourse.grading.status import FAILED, TIMED_OUT, Status


def first_line(text: str, limit: int = 300) -> str:
    text = (text or "").strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def cell_label(cell) -> str:
    gid = cell_meta(cell).grade_id
    return f"cell {gid}" if gid else f"the cell starting {first_line(cell.source, 60)!r}"


def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def cell_message(cell, cell_timeout: float) -> str:
    """Why a test cell lost its points, from its outputs ("" when it passed)."""
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            if out.ename == "CellTimeoutError":
                return (f"the cell ran longer than the {cell_timeout:g} s limit and was stopped "
                        "(an endless loop or very slow code?)")
            if out.ename == "AssertionError":
                return first_line(out.evalue) or "a check failed (an assert without a message)"
            return f"{out.ename}: {first_line(out.evalue)}".rstrip(": ")
        if out.output_type == "stream" and out.name == "stderr":
            return ("the checks passed but the cell wrote to stderr, which nbgrader counts as a failure: "
                    f"{first_line(out.text, 200)!r}. Remove the print to stderr (or the warning) from the code.")
    return ""


def exception_reason(exc_type: str, message: str, nb_name: str, notebook, cell_timeout: float) -> tuple[Status, str]:
    """Map an exception from nbgrader's autograde to (status, reason)."""
    if exc_type == "DeadKernelError":
        culprit = ""
        if notebook is not None:
            for cell in notebook.cells:
                if cell.cell_type == "code" and re.search(r"\b(os\._exit|sys\.exit|exit\(|quit\(|os\.kill)",
                                                          cell.source):
                    culprit = f" ({cell_label(cell)} ends the Python process)"
                    break
        return FAILED, (f"the kernel running {nb_name} died{culprit}: the code ends Python (os._exit, exit) or "
                        "crashes it (for example by using too much memory). Remove that code, or ask the student "
                        "to, and grade again.")
    if exc_type in ("CellTimeoutError", "UnresponsiveKernelError"):
        preview = ""
        m = re.search(r"-{5,}\n(.*?)\n-{5,}", message, re.S)
        if m:
            preview = f" (the cell starting {first_line(m.group(1), 60)!r})"
            if notebook is not None:
                for cell in notebook.cells:
                    if cell.cell_type == "code" and cell.source.strip().startswith(m.group(1).strip()[:40]):
                        preview = f" ({cell_label(cell)})"
                        break
        return TIMED_OUT, (f"a cell in {nb_name}{preview} ran longer than the {cell_timeout:g} s limit and did not "
                           "stop when interrupted (a loop that ignores KeyboardInterrupt?). Fix that cell, or raise "
                           "Execute.timeout if the code is just slow, and grade again.")
    if exc_type == "SetupCellFailed":
        return FAILED, f"{nb_name} could not be graded: {message}"
    if exc_type == "ValidationError":
        return FAILED, (f"the nbgrader metadata of {nb_name} is corrupted ({first_line(message, 200)}). Replace the "
                        "notebook's cells from the released version, keeping the answers, and grade again.")
    return FAILED, (f"nbgrader could not grade {nb_name}: {exc_type}: {first_line(message, 300)}. Its log has the "
                    "details (spm grade-cohort writes it next to the CSV); fix the notebook and grade again.")


def worker_died(exit_code) -> str:
    return (f"the grading process died (exit code {exit_code}); this can happen when a notebook uses up the "
            "memory. See the log, fix the notebook and grade again.")


def took_too_long(limit: float) -> str:
    return (f"grading took longer than {limit:g} s and was stopped, with every process it started. Look for code "
            "that runs for a long time (each cell below the per-cell limit), fix it, and grade again, or allow "
            "more time (--timeout).")


def not_recorded(err: BaseException) -> str:
    return (f"the grades could not be written to the gradebook ({type(err).__name__}: {first_line(str(err))}); "
            "nothing was recorded. Grade again.")


def internal_error(err: BaseException) -> str:
    return (f"the grading process hit an internal error ({type(err).__name__}: {err}); see the log, and grade "
            "again.")
