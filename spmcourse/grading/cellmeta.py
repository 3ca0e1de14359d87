"""A cell's nbgrader metadata, read in one place.

Works on nbformat's notebook nodes and on plain JSON dicts. Metadata that is missing, or not even a mapping (a
hand-edited notebook), reads as an ordinary cell. Imports nothing: safe anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass


def nbgrader_metadata(cell) -> dict:
    """The cell's ``metadata.nbgrader`` mapping as it is ({} when there is none or it is not a mapping)."""
    metadata = cell.get("metadata") if hasattr(cell, "get") else None
    meta = metadata.get("nbgrader") if hasattr(metadata, "get") else None
    return meta if isinstance(meta, dict) else {}


@dataclass(frozen=True)
class CellMeta:
    """How nbgrader treats a cell: its flags, points and id."""
    grade: bool = False      # scored (automatically, or by hand when also a solution)
    solution: bool = False   # the learner writes the answer here
    locked: bool = False     # the learner may not change it
    task: bool = False       # a written task, graded by hand
    points: float = 0.0
    grade_id: str = ""

    @property
    def graded(self) -> bool:
        """Does the cell carry points (a graded cell or a task)?"""
        return self.grade or self.task


def cell_meta(cell) -> CellMeta:
    """The nbgrader flags, points and ``grade_id`` of a cell (all false/empty for an ordinary cell)."""
    meta = nbgrader_metadata(cell)
    try:
        points = float(meta.get("points") or 0)
    except (TypeError, ValueError):
        points = 0.0
    return CellMeta(grade=bool(meta.get("grade")), solution=bool(meta.get("solution")),
                    locked=bool(meta.get("locked")), task=bool(meta.get("task")), points=points,
                    grade_id=str(meta.get("grade_id") or ""))
