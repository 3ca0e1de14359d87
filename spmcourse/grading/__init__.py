"""The grading platform: everything between a submitted notebook and a score an instructor can trust.

- ``run``: ``grade_submissions``, grading a class or one learner with nbgrader in parallel worker processes;
  ``scheduler`` (the parent's run loop), ``worker`` (the worker process) and ``protocol`` (what they say to each
  other), ``gradebook`` (the snapshot and the commits), ``status`` (outcomes, the status file and the
  status-aware CSV export), ``reasons`` (failures in plain words), ``config`` (nbgrader's config and folders),
  ``processes`` (killing a process tree), ``cellmeta`` (a cell's nbgrader metadata);
- ``sandbox``: nbgrader's kernels inside bubblewrap (no network, no view of the course, resource limits);
- ``isolation``: hidden tests in a clean kernel that receives the student's answers as data (``answers``);
- ``safefiles``: what a submission leaves behind, copied without following links; scratch folders;
- ``feedback``: feedback that shows neither hidden test code nor mark schemes;
- ``cohort``: ``spm grade-cohort``, the instructor's command;
- ``compat``: every reach into nbgrader's and jupyter_client's internals.

This package's ``__init__`` imports nothing heavy: ``spmcourse.grading.answers`` runs inside students' kernels.
The main public names of these modules are available here, each loaded when first used.
"""
from __future__ import annotations

import importlib

_PUBLIC = {
    "spmcourse.grading.run": ("SCRATCH_PREFIX", "grade_submissions", "default_jobs"),
    "spmcourse.grading.status": ("GRADED", "FAILED", "TIMED_OUT", "Status", "STATUS_FILE", "Outcome",
                                 "CellResult", "StatusCsvExport", "read_status", "read_status_file",
                                 "record_status"),
    "spmcourse.grading.config": ("load_config",),
    "spmcourse.grading.gradebook": ("open_gradebook", "snapshot_gradebook"),
    "spmcourse.grading.processes": ("cpu_count", "kill_tree"),
}
_HOME = {name: module for module, names in _PUBLIC.items() for name in names}


def __getattr__(name):
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'spmcourse.grading' has no attribute {name!r}")
