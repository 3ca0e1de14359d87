"""What grading a student gave (:class:`Outcome`), the run's status file, and the status-aware CSV export.

Every outcome is recorded in ``autograded/.spm-grading-status.json``, which :class:`StatusCsvExport`
(``nbgrader export --exporter=spmcourse.grading.StatusCsvExport``) reads to mark failed gradings in the exported
CSV instead of showing them as 0.
"""
from __future__ import annotations

import contextlib
import datetime
import enum
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

STATUS_FILE = ".spm-grading-status.json"


class Status(enum.StrEnum):
    """How grading one submission ended. The values are what the status file and the CSV say."""
    GRADED = "graded"
    FAILED = "failed"
    TIMED_OUT = "timed out"


GRADED, FAILED, TIMED_OUT = Status.GRADED, Status.FAILED, Status.TIMED_OUT


@dataclass
class CellResult:
    """One graded cell of a graded submission (``Outcome.cells`` holds these as plain dicts)."""
    score: float | None    # None while a written answer has no score yet
    max: float
    kind: str              # "auto" | "manual"
    message: str = ""      # why a test cell lost its points ("" when it passed)

    def as_dict(self) -> dict:
        return {"score": self.score, "max": self.max, "kind": self.kind, "message": self.message}


@dataclass
class Outcome:
    """What grading one student's submission of one assignment gave."""
    student: str
    assignment: str
    status: Status         # Status.GRADED | FAILED | TIMED_OUT (equal to the strings "graded", …)
    reason: str            # "" when graded; otherwise what went wrong and what to do, in plain words
    score: float | None    # None unless graded: a failed grading is never 0
    max_score: float
    cells: dict            # grade_id -> CellResult.as_dict(): {"score", "max", "kind", "message"}
    feedback: list         # paths of feedback HTML files (may be empty)
    timestamp: str         # the submission's timestamp
    warnings: list = field(default_factory=list)  # worth knowing although graded: restored cells, skipped files
    seconds_late: float = 0.0
    seconds: float = 0.0   # wall time spent on this student
    log: str = ""          # nbgrader's log for this student (warnings and errors)
    sandboxed: bool | None = None  # whether the student's code ran in the sandbox (None: not known)

    @property
    def ok(self) -> bool:
        return self.status == GRADED

    @property
    def manual_grading(self) -> str:
        """"needed" while a written answer of a graded submission has no score yet, "done" once every one has,
        "" when there is nothing to grade by hand (or the grading failed)."""
        manual = [c for c in self.cells.values() if c.get("kind") == "manual"]
        if not self.ok or not manual:
            return ""
        return "needed" if any(c.get("score") is None for c in manual) else "done"


# --- The status file ---------------------------------------------------------------------------------------------

def _status_path(cd) -> Path:
    return Path(cd.format_path(cd.autograded_directory, ".", ".")).resolve() / STATUS_FILE


def record_status(cd, outcomes: list[Outcome]) -> Path:
    """Merge outcomes into ``autograded/.spm-grading-status.json`` (assignment -> student -> status).

    ``cd``: the course's nbgrader ``CourseDirectory``.
    """
    path = _status_path(cd)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = read_status_file(path)
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    for o in outcomes:
        data.setdefault(o.assignment, {})[o.student] = {
            "status": str(o.status), "reason": o.reason, "timestamp": o.timestamp, "graded_at": now,
            "sandboxed": o.sandboxed}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def read_status_file(path: Path) -> dict:
    with contextlib.suppress(OSError, ValueError):
        return json.loads(Path(path).read_text(encoding="utf-8"))
    return {}


def read_status(course_root) -> dict:
    """``assignment -> student -> {"status", "reason", "timestamp", "graded_at", "sandboxed"}`` as last
    recorded (``sandboxed``: None where not known)."""
    from spmcourse.grading.config import coursedir, load_config
    return read_status_file(_status_path(coursedir(load_config(course_root))))


# --- The export plugin -------------------------------------------------------------------------------------------

def _manual_grading(gradebook, assignment: str, student: str) -> str:
    """"needed" while a submission has written answers without a score, "done" once graded, "" otherwise."""
    from nbgrader.api import MissingEntry
    try:
        sub = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return ""
    manual = [g for nb in sub.notebooks for g in nb.grades if g.cell_type == "markdown" or g.auto_score is None]
    if not manual:
        return ""
    return "needed" if sub.needs_manual_grade else "done"


def _status_export_class():
    from nbgrader.plugins.export import CsvExportPlugin

    class StatusCsvExport(CsvExportPlugin):
        """nbgrader's CSV export plus ``grading_status`` and ``grading_reason``; failed gradings get no score.

        Use: ``nbgrader export --exporter=spmcourse.grading.StatusCsvExport``.
        """

        def export(self, gradebook) -> None:
            import csv
            super().export(gradebook)
            dest = self.to or "grades.csv"
            root = Path(getattr(getattr(self.parent, "coursedir", None), "root", None) or os.getcwd())
            status = read_status(root)
            with open(dest, newline="", encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
            fields = (list(rows[0].keys()) if rows else
                      ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                       "raw_score", "late_submission_penalty", "score", "max_score"])
            fields += ["grading_status", "grading_reason", "manual_grading", "sandboxed"]
            for row in rows:
                rec = status.get(row["assignment"], {}).get(row["student_id"])
                row["manual_grading"] = _manual_grading(gradebook, row["assignment"], row["student_id"])
                if rec is None:
                    row["grading_status"] = "" if row.get("timestamp") else "no submission"
                    row["grading_reason"] = row["sandboxed"] = ""
                    continue
                flag = rec.get("sandboxed")
                row["sandboxed"] = "" if flag is None else ("yes" if flag else "no")
                row["grading_status"] = rec["status"]
                row["grading_reason"] = rec["reason"]
                if rec["status"] != GRADED:
                    row["raw_score"] = row["score"] = row["late_submission_penalty"] = row["manual_grading"] = ""
            with open(dest, "w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=fields)
                writer.writeheader()
                writer.writerows(rows)

    return StatusCsvExport


def __getattr__(name):  # the export plugin subclasses nbgrader's: build it only when nbgrader asks for it
    if name == "StatusCsvExport":
        cls = _status_export_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
