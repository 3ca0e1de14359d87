"""Grade a class or one learner: autograde submissions with nbgrader, robustly and in parallel.

Used by ``spm grade-cohort`` (an instructor grading a class) and by ``spm grade`` (a learner grading their own
work). Everything is real nbgrader: its ``Autograde`` converter executes and scores the notebooks, its
``SaveAutoGrades`` and ``AssignLatePenalties`` preprocessors write the gradebook, its ``GenerateFeedback``
converter writes the feedback.

How a run works
---------------
``grade_submissions(course_root, assignment)`` grades ``<course_root>/submitted/<student>/<assignment>/``:

1. The parent process takes a *snapshot* of the gradebook's assignment tables (assignment, notebooks, source and
   graded cells, students) into a private SQLite file (``gradebook.py``), and starts ``jobs`` worker processes
   (``scheduler.py``).
2. Each worker (``worker.py``) grades one student at a time in its own private course folder: it copies the
   submission there, checks it, and runs nbgrader's unmodified ``Autograde`` converter against its own copy of
   the snapshot. Workers never touch the real gradebook, so they cannot corrupt it whatever a notebook does.
3. The parent *commits* each graded student into the real gradebook, one at a time and in one transaction
   (``gradebook.commit``), then moves the autograded folder into place. A failed grading commits nothing. A
   worker that finishes gets its next student before the parent records the last one.
4. Feedback is then produced by a free worker from the real gradebook.

Every student has a wall-time limit (``timeout``); a worker that exceeds it is killed with every process it
started (kernels, and whatever the student's code spawned: workers are child subreapers), the student is
recorded as ``timed out``, and a fresh worker takes over. A failed grading is never a score of 0: its score is
``None`` and its reason (``reasons.py``) says what went wrong and what to do.

The outcome of every student is also recorded in ``autograded/.spm-grading-status.json`` (``status.py``), which
``StatusCsvExport`` reads to mark failed gradings in the exported CSV instead of showing them as 0.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from spmcourse.authoring.lab import ensure_tools_on_path
from spmcourse.errors import CourseError
from spmcourse.grading import safefiles
from spmcourse.grading.config import load_config
from spmcourse.grading.processes import cpu_count
from spmcourse.grading.scheduler import Scheduler
from spmcourse.grading.status import Outcome

#: The run's scratch folder (workers' private course folders) is ``<tmp>/spm-grading-<pid>.<start>-...``.
SCRATCH_PREFIX = "spm-grading-"


def default_jobs() -> int:
    """Worker processes by default: one per CPU, plus one.

    A worker spends about a sixth of its time waiting (for its kernel to start, to answer, to die) and the parent
    records grades between students: with exactly one worker per CPU the CPUs sit idle that long. One more worker
    fills the gaps: 40 submissions on 2 CPUs grade about 15 % faster with 3 workers than with 2, and 4 are slower
    again (docs/benchmark.md).
    """
    return cpu_count() + 1


def grade_submissions(course_root, assignment, students=None, *, jobs=None, feedback=True,
                      timeout=None, progress: Callable[[Outcome], None] | None = None,
                      scored: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Autograde the submissions in ``<course_root>/submitted/<student>/<assignment>/`` and record the grades.

    ``students``: ids to grade (default: every student with a submission of the assignment). ``jobs``: worker
    processes (default: :func:`default_jobs`, one per CPU plus one). ``feedback``: also generate the feedback
    HTML. ``timeout``: wall-time limit in seconds per student (default: generous, from ``Execute.timeout`` and the
    number of code cells).
    ``progress`` is called with each :class:`Outcome` as soon as it is final; ``scored`` as soon as its grading is
    recorded, before its feedback is generated (its ``feedback`` is still empty then).

    Returns one :class:`Outcome` per student, in the order of ``students`` (sorted ids by default). Raises
    :class:`CourseError` when the assignment is unknown or nothing can be graded, and
    ``sandbox.SandboxUnavailable`` (one) with the fix when bubblewrap cannot start here, unless the sandbox is
    opted out (``SPM_UNSANDBOXED=1``, ``SandboxKernelManager.enabled = False``). Each outcome records
    whether the kernels ran in the sandbox (``Outcome.sandboxed``, also in the status file).
    """
    ensure_tools_on_path()
    course_root = Path(course_root).resolve()
    if not (course_root / "nbgrader_config.py").is_file():
        raise CourseError(f"{course_root} is not a course folder (it has no nbgrader_config.py).")
    jobs = max(1, int(default_jobs() if jobs is None else jobs))
    sandboxed = _sandboxed(course_root)
    if sandboxed:  # stop with the fix before any submission is touched, instead of failing every one of them
        from spmcourse.grading import sandbox
        sandbox.ensure_available()
    # Start the workers first: they import nbgrader (seconds) while this process reads the gradebook.
    guess = len(students) if students is not None else len(list(course_root.glob(f"submitted/*/{assignment}")))
    tmpdir = safefiles.scratch_folder(SCRATCH_PREFIX)  # also removes those of runs that were killed
    # and the clean test kernels' working folders of killed runs (a worker makes its own only when it needs one)
    from spmcourse.grading.isolation import WORKDIR_PREFIX
    safefiles.remove_stale(tmpdir.parent, WORKDIR_PREFIX)
    run = Scheduler(course_root, assignment, students, jobs, feedback, timeout, progress, tmpdir)
    run.scored = scored
    run.sandboxed = sandboxed
    failed = True
    try:
        run.workers = [run.spawn() for _ in range(max(1, min(jobs, guess)))]
        outcomes = run.run()
        failed = False
        return outcomes
    finally:
        run.close(now=failed)
        shutil.rmtree(tmpdir, ignore_errors=True)


def _sandboxed(course_root: Path) -> bool:
    """Did the course's configuration run the kernels in the sandbox (not opted out by SPM_UNSANDBOXED=1 or
    SandboxKernelManager.enabled=False)?"""
    from spmcourse.grading import sandbox
    enabled = load_config(course_root).get("SandboxKernelManager", {}).get("enabled")
    return (not sandbox.opted_out()) if enabled is None else bool(enabled)
