"""The grading platform: everything between a submitted notebook and a score an instructor can trust.

- ``run``: grade a class or one learner with nbgrader, in parallel worker processes (scheduler, workers,
  gradebook commits, status file and the status-aware CSV export);
- ``sandbox``: nbgrader's kernels inside bubblewrap (no network, no view of the course, resource limits);
- ``isolation``: hidden tests in a clean kernel that receives the student's answers as data (``answers``);
- ``safefiles``: what a submission leaves behind, copied without following links; scratch folders;
- ``feedback``: feedback that shows neither hidden test code nor mark schemes;
- ``cohort``: ``spm grade-cohort``, the instructor's command.

This package's ``__init__`` imports nothing heavy: ``spmcourse.grading.answers`` runs inside students' kernels.
The main entry points of ``run`` are available here, loaded when first used.
"""
from __future__ import annotations

import importlib

_FROM_RUN = {
    "GRADED", "FAILED", "TIMED_OUT", "STATUS_FILE", "SCRATCH_PREFIX", "Outcome", "StatusCsvExport",
    "grade_submissions", "default_jobs", "cpu_count", "kill_tree", "load_config", "open_gradebook",
    "read_status", "read_status_file", "record_status", "snapshot_gradebook",
}


def __getattr__(name):
    if name in _FROM_RUN:
        return getattr(importlib.import_module("spmcourse.grading.run"), name)
    raise AttributeError(f"module 'spmcourse.grading' has no attribute {name!r}")
