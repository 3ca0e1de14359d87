"""The gradebook: the snapshot the workers grade against, and committing a graded student into the real one.

Workers never touch the real gradebook. The parent records each graded student in it, one at a time and in one
transaction, with nbgrader's own ``SaveAutoGrades`` and ``AssignLatePenalties`` (so scores are exactly what
``nbgrader autograde`` records, and manual grades already entered are kept).
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path

from spmcourse.errors import CourseError
from spmcourse.grading import compat, safefiles
from spmcourse.grading.config import coursedir, load_config
from spmcourse.grading.protocol import GradeReply
from spmcourse.grading.reasons import duration
from spmcourse.grading.status import GRADED, CellResult, Outcome

_SUBMISSION_TABLES = {"submitted_assignment", "submitted_notebook", "grade", "comment"}
#: nbgrader's preprocessors that write the gradebook: they run in the parent (``commit``), not in the workers.
GRADEBOOK_WRITERS = {"SaveAutoGrades", "AssignLatePenalties"}


def open_gradebook(course_root: str | Path = "."):
    """nbgrader's ``Gradebook`` for a course (its ``db_url`` and ``course_id``, SQLite or PostgreSQL).

    Use it as a context manager: ``with open_gradebook(".") as gb: ...``.
    """
    from nbgrader.api import Gradebook
    cd = coursedir(load_config(course_root))
    with quiet_sqlalchemy():
        return Gradebook(cd.db_url, cd.course_id)


@contextlib.contextmanager
def quiet_sqlalchemy():
    """nbgrader's add_submission triggers harmless SQLAlchemy 2 'not in session' warnings: keep them off screen."""
    import warnings
    from sqlalchemy.exc import SAWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        yield


def _safe_url(db_url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", db_url)


def known_assignments(gb) -> list[str]:
    """Names of the assignments in the gradebook (ends the read transaction)."""
    names = sorted(a.name for a in gb.assignments)
    gb.db.commit()
    return names


def snapshot_gradebook(db_url: str, dest: Path) -> str:
    """Copy the gradebook's assignment tables (not its submissions) into a new SQLite file; return its URL.

    Works from any database nbgrader supports (SQLite, PostgreSQL), with SQLAlchemy Core.
    """
    from nbgrader.api import Base
    from sqlalchemy import create_engine, inspect, text

    dest = Path(dest)
    dest.unlink(missing_ok=True)
    url = f"sqlite:///{dest}"
    src = create_engine(db_url, future=True)
    dst = create_engine(url, future=True)
    try:
        if "alembic_version" not in inspect(src).get_table_names():
            raise CourseError(f"the gradebook {_safe_url(db_url)} has no assignments: run "
                              "`nbgrader generate_assignment <assignment>` in the course folder first.")
        Base.metadata.create_all(bind=dst)
        with src.connect() as s, dst.begin() as d:
            for table in Base.metadata.sorted_tables:
                if table.name in _SUBMISSION_TABLES:
                    continue
                rows = [dict(r) for r in s.execute(table.select()).mappings()]
                if rows:
                    d.execute(table.insert(), rows)
            version = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
            d.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            d.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
    finally:
        src.dispose()
        dst.dispose()
    return url


def commit(gb, cfg, cd, assignment: str, reply: GradeReply, log) -> Outcome:
    """Record one graded student in the real gradebook ``gb``, with nbgrader's own grading logic, and move the
    worker's autograded folder into place. Nothing is recorded if anything fails (the error is raised)."""
    import nbformat
    from nbgrader.utils import parse_utc

    student = reply.student
    staged = Path(reply.autograded)
    dest = Path(cd.format_path(cd.autograded_directory, student, assignment))
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.spm-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    # The folder the student's code ran in: take no link, nothing special, nothing past the course's limits
    # (the sandbox's clean-up already removed them; this copy does not rely on it). The notebooks are exempt
    # from the size limits, as when they were staged.
    caps = safefiles.Caps(max_file=1000 * (cd.max_file_size or 0), max_total=1000 * (cd.max_dir_size or 0))
    reply.warnings.extend(safefiles.copy_tree(
        staged, tmp, caps, exempt=lambda rel: "/" not in rel and rel.endswith(".ipynb"), verb="not kept:"))
    try:
        timestamp = None
        if reply.timestamp:
            with contextlib.suppress(Exception):
                timestamp = parse_utc(reply.timestamp)
        with quiet_sqlalchemy(), compat.one_transaction(gb):
            # what Autograde.init_assignment records
            gb.update_or_create_student(student)
            if timestamp is not None:
                gb.update_or_create_submission(assignment, student, timestamp=timestamp)
            else:
                gb.update_or_create_submission(assignment, student)
            for path in sorted(tmp.glob("*.ipynb")):
                nb = nbformat.read(path, as_version=4)
                resources = {"nbgrader": {"student": student, "assignment": assignment,
                                          "notebook": path.stem, "db_url": cd.db_url}}
                compat.save_autogrades(nb, resources, gb=gb, config=cfg, log=log, notebook_id=path.stem,
                                       assignment_id=assignment, student_id=student, db_url=cd.db_url)
                compat.assign_late_penalty(gb, config=cfg, log=log, assignment_id=assignment,
                                           student_id=student, notebook_id=path.stem)
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)
    except BaseException:
        gb.db.rollback()
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(staged, ignore_errors=True)  # the worker's copy, taken (or given up): free the space
    return _read_back(gb, assignment, reply)


def _read_back(gb, assignment: str, reply: GradeReply) -> Outcome:
    """The graded student's :class:`Outcome`, as the gradebook now has it."""
    from nbgrader.api import TaskCell

    student = reply.student
    cells = {}
    sub = gb.find_submission(assignment, student)
    penalty = sub.late_submission_penalty or 0.0
    score = max(0.0, float(sub.score) - float(penalty))
    max_score = float(sub.assignment.max_score)
    late = float(sub.total_seconds_late or 0.0)
    several = len(sub.notebooks) > 1
    for snb in sub.notebooks:
        solutions = {c.name for c in snb.notebook.solution_cells}
        for grade in snb.grades:
            name = grade.cell.name
            manual = isinstance(grade.cell, TaskCell) or name in solutions
            value = None
            if grade.manual_score is not None or grade.auto_score is not None:
                value = float(grade.score)
            key = f"{snb.notebook.name}/{name}" if several else name
            cells[key] = CellResult(score=value, max=float(grade.max_score), kind="manual" if manual else "auto",
                                    message=reply.messages.get(f"{snb.notebook.name}/{name}", "")).as_dict()
    gb.db.commit()  # end the read transaction: SQLite must not stay locked between students
    warnings = list(reply.warnings)
    if late > 0:
        warnings.append(f"submitted {duration(late)} after the due date")
    return Outcome(student=student, assignment=assignment, status=GRADED, reason="", score=score,
                   max_score=max_score, cells=cells, feedback=[], timestamp=reply.timestamp, warnings=warnings,
                   seconds_late=late, seconds=reply.seconds, log=reply.log)
