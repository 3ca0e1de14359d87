"""``spm grade-cohort``: autograde a class's submissions of one assignment, safely and in parallel.

Prints one row per student (graded / failed with the reason / timed out, and the score), writes a CSV in which a
failed grading is marked ``failed`` with an empty score (never 0), and exits 1 if any grading failed, 2 on bad
arguments. Safe to run again: it regrades, and manual grades entered in the formgrader in between are kept.
The work is done by :func:`spmcourse.grading.run.grade_submissions`.
"""
from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

from spmcourse import COURSE_ROOT
from spmcourse.errors import CourseError


def default_course_root() -> Path:
    """The current folder if it is a course folder (has ``nbgrader_config.py``), otherwise this repository."""
    cwd = Path.cwd()
    return cwd if (cwd / "nbgrader_config.py").is_file() else COURSE_ROOT


def default_csv(course_root: Path, assignment: str) -> Path:
    """``autograded/<assignment>-grades.csv``: next to the grades it reports, and git-ignored."""
    return Path(course_root) / "autograded" / f"{assignment}-grades.csv"


def check_arguments(course_root: Path, assignment: str, students: list[str] | None) -> None:
    """Raise :class:`CourseError` (exit 2) for an unknown assignment or a student without a submission."""
    from nbgrader.api import Gradebook

    from spmcourse.grading.config import coursedir, list_students, load_config
    from spmcourse.grading.gradebook import quiet_sqlalchemy

    if not (course_root / "nbgrader_config.py").is_file():
        raise CourseError(f"{course_root} is not a course folder (it has no nbgrader_config.py); "
                          "pass --course-root.")
    cd = coursedir(load_config(course_root))
    with quiet_sqlalchemy(), Gradebook(cd.db_url, cd.course_id) as gb:
        known = sorted(a.name for a in gb.assignments)
    if assignment not in known:
        raise CourseError(f"unknown assignment {assignment!r}; the gradebook has: {', '.join(known) or 'none'} "
                          "(generate an assignment with `nbgrader generate_assignment <assignment>`).")
    if students:
        have = list_students(cd, assignment)
        unknown = [s for s in students if s not in have]
        if unknown:
            raise CourseError(f"no submission of {assignment} for {', '.join(unknown)}; submissions exist for: "
                              f"{', '.join(have) or 'nobody'} (collect with `nbgrader collect {assignment}`).")


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def format_table(outcomes) -> str:
    rows = [("student", "status", "score", "reason")]
    for o in outcomes:
        score = f"{_fmt(o.score)} / {o.max_score:g}" if o.score is not None else f"- / {o.max_score:g}"
        status = "graded, written answers to grade" if o.manual_grading == "needed" else o.status
        rows.append((o.student, status, score, o.reason))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(r[j].ljust(widths[j]) for j in range(3)) + "  " + r[3])
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 6)
        else:
            for w in outcomes[i - 1].warnings:
                lines.append(" " * (widths[0] + 2) + f"note: {w}")
    return "\n".join(line.rstrip() for line in lines)


def write_csv(outcomes, path: Path) -> Path:
    """One row per student. A failed or timed-out grading has its status, its reason and an EMPTY score;
    ``manual_grading`` says whether written answers still wait for a grader ("needed") or are graded ("done")."""
    cells: list[str] = []
    for o in outcomes:
        cells += [c for c in o.cells if c not in cells]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "assignment", "status", "manual_grading", "score", "max_score", "reason",
                         "timestamp", "seconds_late", "sandboxed", "notes", *cells])
        for o in outcomes:
            writer.writerow([o.student, o.assignment, o.status, o.manual_grading, _fmt(o.score), f"{o.max_score:g}",
                             o.reason, o.timestamp, f"{o.seconds_late:g}",
                             "" if o.sandboxed is None else ("yes" if o.sandboxed else "no"), " | ".join(o.warnings),
                             *[_fmt(o.cells[c]["score"]) if c in o.cells else "" for c in cells]])
    return path


def write_log(outcomes, path: Path) -> Path:
    """nbgrader's log of every student whose grading failed or left notes, for the details behind a reason."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for o in outcomes:
            if o.ok and not o.warnings:
                continue
            fh.write(f"=== {o.student}: {o.status} {o.reason}\n")
            for w in o.warnings:
                fh.write(f"note: {w}\n")
            fh.write((o.log or "(no log)").rstrip() + "\n\n")
    return path


def _grade_cohort(args) -> int:
    sys.modules.setdefault("rfc3987_syntax", None)  # see grading.worker.main: 2 s of import for nothing
    from spmcourse.authoring.lab import ensure_tools_on_path
    from spmcourse.grading.run import grade_submissions
    from spmcourse.grading.status import FAILED, TIMED_OUT

    if args.jobs is not None and args.jobs < 1:
        raise CourseError("--jobs must be at least 1")
    if args.timeout is not None and args.timeout <= 0:
        raise CourseError("--timeout must be a positive number of seconds")
    course_root = Path(args.course_root).resolve() if args.course_root else default_course_root()
    ensure_tools_on_path()
    if args.unsandboxed:
        from spmcourse.grading import sandbox
        sandbox.set_sandboxed(False)
    check_arguments(course_root, args.assignment, args.student)

    started = time.monotonic()
    from spmcourse.grading.config import coursedir, list_students, load_config
    from spmcourse.grading.eta import Progress
    total = len(args.student) if args.student else len(
        list_students(coursedir(load_config(course_root)), args.assignment))
    if not args.quiet:
        print(f"Grading {total} submission(s) of {args.assignment}; a line per student as each finishes.",
              file=sys.stderr, flush=True)
    tracker = Progress(total, "students")

    def progress(o) -> None:  # students done and left, and about how long the rest takes
        score = f"{_fmt(o.score)}/{o.max_score:g}" if o.score is not None else o.status
        tracker.say(f"{o.student}: {score} ({o.seconds:.1f} s)")

    outcomes = grade_submissions(course_root, args.assignment, args.student or None, jobs=args.jobs,
                                 feedback=not args.no_feedback, timeout=args.timeout,
                                 progress=None if args.quiet else progress)
    print(format_table(outcomes))
    csv_path = write_csv(outcomes, Path(args.csv) if args.csv else default_csv(course_root, args.assignment))
    log_path = write_log(outcomes, csv_path.with_name(f"{csv_path.stem}.log"))
    failed = [o for o in outcomes if not o.ok]
    graded = len(outcomes) - len(failed)
    summary = (f"\n{graded} graded, {sum(o.status == FAILED for o in failed)} failed, "
               f"{sum(o.status == TIMED_OUT for o in failed)} timed out "
               f"in {time.monotonic() - started:.1f} s. CSV: {os.path.relpath(csv_path)}")
    if failed or any(o.warnings for o in outcomes):
        summary += f"; details: {os.path.relpath(log_path)}"
    if any(o.sandboxed is False for o in outcomes):
        summary += "\nGraded WITHOUT the sandbox (SPM_UNSANDBOXED=1 or --unsandboxed); the CSV says so."
    print(summary)
    if failed:
        print("Failed gradings have no score (not 0) in the CSV and the gradebook; fix the cause shown and run "
              "again for those students with --student.", file=sys.stderr)
        return 1
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "grade-cohort", help="autograde every collected submission of an assignment (failures never count as 0)",
        description="Autograde the submissions in submitted/<student>/<assignment>/ in parallel, record them in "
                    "the gradebook, generate feedback, print a table and write a CSV. Exit 1 if any grading "
                    "failed, 2 on bad arguments.")
    p.add_argument("assignment", help="assignment id, as in source/<assignment>/")
    p.add_argument("--student", action="append", metavar="S",
                   help="grade only this student (repeat for several)")
    p.add_argument("--jobs", type=int, metavar="N",
                   help="parallel grading processes (default: one per CPU, plus one)")
    p.add_argument("--csv", metavar="PATH",
                   help="where to write the CSV (default: autograded/<assignment>-grades.csv)")
    p.add_argument("--course-root", metavar="DIR",
                   help="the course folder (default: the current folder if it has nbgrader_config.py, "
                        "otherwise this repository)")
    p.add_argument("--no-feedback", action="store_true", help="do not generate feedback HTML")
    p.add_argument("--timeout", type=float, metavar="SEC",
                   help="wall-time limit per student (default: from Execute.timeout and the notebook's length)")
    p.add_argument("--quiet", action="store_true", help="no progress lines while grading")
    p.add_argument("--unsandboxed", action="store_true",
                   help="grade without the bubblewrap sandbox (only code you trust; as SPM_UNSANDBOXED=1)")
    p.set_defaults(handler=_grade_cohort)
