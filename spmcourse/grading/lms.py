"""Grades for a learning platform: nbgrader export plugins that write Canvas's and Moodle's grade import files.

    nbgrader export --exporter=spmcourse.grading.lms.CanvasExport --to=canvas-grades.csv
    nbgrader export --exporter=spmcourse.grading.lms.MoodleExport --to=moodle-grades.csv

Both write one row per student and one column per assignment (the score after nbgrader's late penalty). A grade
cell is left **empty, never 0**, when that student's grading failed or timed out (``spm grade-cohort``'s status
file), when there is no submission, and while a written answer still waits for its manual grade; the log says
which and why. Both platforms read an empty cell as "no grade".

Columns, as each platform documents its import:

- **Canvas** (Instructure, "How do I import grades in the Gradebook?", Canvas Instructor Guide,
  https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807): the
  student columns ``Student`` (name as "Last, First"), ``ID``, ``SIS User ID``, ``SIS Login ID`` and ``Section``
  come first, then one column per assignment headed by its name, or "Name (Canvas assignment id)" to update an
  existing assignment (a name without an id creates a new assignment on import). Canvas's own export has a second
  row, ``Points Possible``, which its import accepts; this file has it too. Canvas matches rows to students by one
  of the id columns: nbgrader's student id goes into ``CanvasExport.id_column`` (``SIS Login ID`` by default) and
  the other id columns stay empty. Assignment ids: ``CanvasExport.assignment_ids = {"01-foundations": 1234}``.
- **Moodle** (Moodle docs, "Grade import", https://docs.moodle.org/en/Grade_import, CSV file): a header row,
  then one row per user; at import the teacher maps one column to a user field ("Map from" / "Map to": user id,
  ID number, email address or username) and each grade column to a grade item or a new grade item. Moodle reads
  an empty cell or ``-`` as "no grade" (``gradeimport_csv_load_data::update_grade_item``), and stops the whole
  import at a row whose user it cannot find. This file has ``First name``, ``Last name``, the identifier column
  (``MoodleExport.identifier``: ``idnumber`` -> ``ID number`` holding nbgrader's student id, the default;
  ``email`` -> ``Email address``; ``username`` -> ``Username`` holding the student id) and the assignment columns.
  A row without a value for the identifier is left out (and logged): Moodle keeps the previous row's user for a row
  whose user field is blank, so such a row would give its grades to someone else.
"""
from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import MissingEntry
from nbgrader.plugins.export import ExportPlugin
from traitlets import Dict, Enum

from spmcourse.grading import status as grading_status


def _grade_table(plugin: ExportPlugin, gradebook) -> tuple[list, list, dict]:
    """(assignments, students, {(student, assignment): score or None}) for the plugin's filters.

    ``students`` are nbgrader Student objects, plus plain ids of students known only from the status file (a
    first grading that failed leaves no trace in the gradebook).
    """
    root = Path(getattr(getattr(plugin.parent, "coursedir", None), "root", None) or ".")
    status = grading_status.read_status(root)
    wanted_a = [str(a) for a in plugin.assignment]
    wanted_s = [str(s) for s in plugin.student]
    assignments = [a for a in sorted(gradebook.assignments, key=lambda a: (a.duedate is None, a.duedate, a.name))
                   if not wanted_a or a.name in wanted_a]
    students = {s.id: s for s in gradebook.students if not wanted_s or s.id in wanted_s}
    for a in assignments:
        for sid in status.get(a.name, {}):
            if sid not in students and (not wanted_s or sid in wanted_s):
                students[sid] = sid
    scores = {}
    for a in assignments:
        for sid in students:
            rec = status.get(a.name, {}).get(sid)
            if rec is not None and rec["status"] != grading_status.GRADED:
                plugin.log.warning("%s, %s: grading %s (%s); exported without a grade", sid, a.name, rec["status"],
                                   rec.get("reason", ""))
                scores[sid, a.name] = None
                continue
            try:
                sub = gradebook.find_submission(a.name, sid)
            except MissingEntry:
                scores[sid, a.name] = None  # no submission: no grade (the platform's own rules apply)
                continue
            if sub.needs_manual_grade:
                plugin.log.warning("%s, %s: written answers still wait for a manual grade; exported without a "
                                   "grade", sid, a.name)
                scores[sid, a.name] = None
                continue
            scores[sid, a.name] = float(sub.score)
    ordered = sorted(students.values(), key=lambda s: s if isinstance(s, str) else s.id)
    return assignments, ordered, scores


def _sid(student) -> str:
    return student if isinstance(student, str) else student.id


def _attr(student, name: str) -> str:
    return "" if isinstance(student, str) else (getattr(student, name, None) or "")


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _write(dest: str, header: list, rows: list) -> None:
    with open(dest, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


class CanvasExport(ExportPlugin):
    """Canvas Gradebook import CSV (see the module docstring)."""

    id_column = Enum(["SIS Login ID", "SIS User ID", "ID"], default_value="SIS Login ID",
                     help="The Canvas column that receives nbgrader's student id").tag(config=True)
    assignment_ids = Dict(help="nbgrader assignment name -> Canvas assignment id (to update existing "
                               "assignments; without one, Canvas creates a new assignment)").tag(config=True)

    def export(self, gradebook) -> None:
        dest = self.to or "canvas-grades.csv"
        assignments, students, scores = _grade_table(self, gradebook)
        ids = ["ID", "SIS User ID", "SIS Login ID"]
        titles = [f"{a.name} ({self.assignment_ids[a.name]})" if a.name in self.assignment_ids else a.name
                  for a in assignments]
        header = ["Student", *ids, "Section", *titles]
        rows = [["Points Possible", "", "", "", "", *[_num(a.max_score) for a in assignments]]]
        for s in students:
            last, first = _attr(s, "last_name"), _attr(s, "first_name")
            name = f"{last}, {first}" if last and first else (last or first or _sid(s))
            rows.append([name, *[_sid(s) if col == self.id_column else "" for col in ids], "",
                         *[_num(scores[_sid(s), a.name]) for a in assignments]])
        _write(dest, header, rows)
        self.log.info("Canvas grades for %d students written to %s", len(students), dest)


class MoodleExport(ExportPlugin):
    """Moodle grade import CSV (see the module docstring)."""

    identifier = Enum(["idnumber", "email", "username"], default_value="idnumber",
                      help="The Moodle user field the rows are matched on").tag(config=True)

    def export(self, gradebook) -> None:
        dest = self.to or "moodle-grades.csv"
        assignments, students, scores = _grade_table(self, gradebook)
        label = {"idnumber": "ID number", "email": "Email address", "username": "Username"}[self.identifier]
        header = ["First name", "Last name", label, *[a.name for a in assignments]]
        rows = []
        for s in students:
            key = _attr(s, "email") if self.identifier == "email" else _sid(s)
            if not key:
                self.log.warning("%s has no %s in the gradebook: left out (Moodle would give the row's grades to "
                                 "the previous row's user); add it with `nbgrader db student add`", _sid(s), label)
                continue
            rows.append([_attr(s, "first_name"), _attr(s, "last_name"), key,
                         *[_num(scores[_sid(s), a.name]) for a in assignments]])
        _write(dest, header, rows)
        self.log.info("Moodle grades for %d students written to %s", len(rows), dest)
