"""What the parent and a worker process say to each other: one JSON object a line, each one of these types.

parent -> worker: a :class:`WorkerSpec` (once), then :class:`Task`\\s; worker -> parent: a :class:`Ready`
(once), then a :class:`GradeReply` or :class:`FeedbackReply` for each task, in order.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from spmcourse.grading.status import FAILED, Status

GRADE, FEEDBACK, EXIT = "grade", "feedback", "exit"


@dataclass
class WorkerSpec:
    """What a worker grades, and where it keeps its private course folder."""
    course_root: str
    assignment: str
    home: str
    snapshot: str          # the SQLite copy of the gradebook's assignment tables


@dataclass
class Task:
    op: str                # GRADE | FEEDBACK | EXIT
    student: str = ""


@dataclass
class Ready:
    """The worker's answer to its spec: it can work, or why not."""
    ready: bool
    error: str = ""
    traceback: str = ""


@dataclass
class GradeReply:
    """One student graded (``ok``) in the worker's private folder, or why not."""
    student: str
    ok: bool = False
    status: Status = FAILED
    reason: str = ""
    timestamp: str = ""    # the submission's timestamp.txt
    warnings: list = field(default_factory=list)
    messages: dict = field(default_factory=dict)  # "<notebook>/<grade_id>" -> why the test cell lost points
    autograded: str = ""   # the worker's autograded folder of this student, for the parent to take
    log: str = ""
    seconds: float = 0.0

    def __post_init__(self):
        self.status = Status(self.status)  # a plain string after a trip through JSON


@dataclass
class FeedbackReply:
    student: str
    paths: list = field(default_factory=list)  # the feedback HTML files written
    error: str = ""
    log: str = ""
    seconds: float = 0.0


def encode(message) -> str:
    return json.dumps(asdict(message)) + "\n"


def decode(cls, line: str | bytes):
    """A message of type ``cls`` from one line (keys it does not know are ignored)."""
    data = json.loads(line)
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})
