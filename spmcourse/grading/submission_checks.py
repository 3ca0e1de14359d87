"""What the course checks and repairs in a submission before nbgrader grades it, for every way of grading.

One implementation, used twice:

- by the grading core's workers (``worker.Worker.grade``), which call these functions on their private copy of a
  submission and turn a problem into the student's recorded outcome;
- by plain ``nbgrader autograde`` and the formgrader's Autograde button, through the course's
  ``nbgrader_config.py`` (:func:`install` and the :class:`RestoreGradingCells` preprocessor), so that a bad
  submission fails there too, with the same reason in nbgrader's log, instead of getting a score of 0 or stopping
  nbgrader with a traceback.

The checks:

- :func:`missing_notebooks`: a notebook of the assignment is missing (deleted, or renamed: nbgrader would grade it
  as 0). The student fails with a reason that names the file to rename.
- :func:`read_notebook`: a notebook that is not valid JSON or not a notebook fails the student (nbgrader would
  record an empty submission and stop on a traceback).
- :func:`restore`: what a student's editing did to the grading cells, repaired so that nbgrader can grade the rest:
  broken or edited grading metadata, a cell that claims to be part of the assignment and is not, and duplicated
  ``grade_id``\\s (a copied or split cell), which nbgrader 0.9.6 cannot grade with ``add_missing_cells``
  (``OverwriteCells`` crashes on the duplicate that ``DeduplicateIds`` empties). Each repair is a note.

Files over the course's size limits (``CourseDirectory.max_file_size``, ``max_dir_size``) are left out: the grading
core does not copy them from a submission (``safefiles.copy_tree``); plain nbgrader copies them, and
:func:`remove_oversized` removes them right after, before any kernel runs; the sandbox removes those a kernel
writes.
"""
from __future__ import annotations

import copy
from pathlib import Path

from spmcourse.grading import compat
from spmcourse.grading.reasons import cell_label as _cell_label, first_line as _first_line

# nbgrader metadata that decides how a cell is graded
_GRADING_KEYS = ("grade", "solution", "locked", "task", "points", "schema_version")


def _is_assignment_cell(cell) -> bool:
    """Does the cell's nbgrader metadata make it part of the assignment (graded, answer, locked or task)?"""
    from nbgrader import utils
    return bool(utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell) or utils.is_task(cell))


# --- The folder: which notebooks are there ------------------------------------------------------------------------

def missing_notebooks(folder: Path, notebook_ids: list[str], shown: Path | None = None) -> tuple[str, list[str]]:
    """(why the submission in ``folder`` cannot be graded, or "", the notebooks it has that the assignment has
    not). ``shown``: the folder to name in the reason (the one the instructor knows; default ``folder``)."""
    present = sorted(p.stem for p in Path(folder).glob("*.ipynb"))
    missing = [n for n in notebook_ids if n not in present]
    extra = [n for n in present if n not in notebook_ids]
    if not missing:
        return "", extra
    wanted = ", ".join(f"{n}.ipynb" for n in missing)
    found = f"; it has {', '.join(f'{n}.ipynb' for n in extra)} instead (renamed?)" if extra else ""
    return (f"the submission has no {wanted}{found}. Rename the notebook to {wanted} in {shown or folder}, or ask "
            "the student to submit it, and grade again."), extra


def read_notebook(path: Path, shown: Path | None = None):
    """(the notebook at ``path``, "") or (None, why it cannot be graded)."""
    import nbformat
    try:
        return nbformat.read(path, as_version=4), ""
    except Exception as err:  # NotJSONError, JSONDecodeError, nbformat validation, unreadable
        detail = _first_line(str(err), 200)
        if isinstance(err, (ValueError, nbformat.reader.NotJSONError)) and "JSON" in f"{type(err)}{err}":
            what = "is not valid JSON (truncated, or edited outside Jupyter)"
        else:
            what = f"cannot be read as a notebook ({type(err).__name__}: {detail})"
        return None, (f"{Path(path).name} {what}. Ask the student to submit a copy that opens in JupyterLab, or "
                      f"repair the file in {shown or Path(path).parent}, and grade again.")


def submission_problem(folder: Path, notebook_ids: list[str], shown: Path | None = None) -> str:
    """Why the submission in ``folder`` cannot be graded at all (a notebook missing or unreadable), or ""."""
    reason, _extra = missing_notebooks(folder, notebook_ids, shown)
    for n in notebook_ids:
        if reason:
            break
        reason = read_notebook(Path(folder) / f"{n}.ipynb", shown)[1]
    return reason


# --- The cells: what editing did to the grading cells -------------------------------------------------------------

def restore(nb, released, *, name: str, add_missing: bool, warnings: list) -> bool:
    """Make a student's notebook ``nb`` gradable; append a note per repair to ``warnings``; return whether ``nb``
    changed. ``released``: the assignment's released notebook (None if unknown: only ``nb``'s own metadata is
    repaired). ``add_missing``: ``OverwriteCells.add_missing_cells``, which decides what a deleted cell gives."""
    changed = False
    for cell in nb.cells:
        if "nbgrader" in cell.get("metadata", {}) and not isinstance(cell.metadata["nbgrader"], dict):
            del cell.metadata["nbgrader"]  # not even a mapping: nbgrader would crash on it
            changed = True
            warnings.append(f"{name}: {_cell_label(cell)} had broken grading metadata, which was removed")
    # duplicated grade_id: keep the last cell with it, as nbgrader's DeduplicateIds does, but drop the
    # duplicates' nbgrader metadata entirely (an empty dict crashes OverwriteCells.add_missing_task_cells)
    seen = set()
    for cell in reversed(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader")
        if not meta or not _is_assignment_cell(cell):
            continue
        gid = meta.get("grade_id")
        if gid in seen:
            del cell.metadata["nbgrader"]
            changed = True
            warnings.append(f"{name}: cell {gid} appears more than once (a copied or split cell); the last "
                            "one was graded, the others ran as ordinary cells")
        else:
            seen.add(gid)
    if released is None:
        return changed

    originals = {}
    for cell in released.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id"):
            originals[meta["grade_id"]] = (cell, meta)
    submitted = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if gid in originals:
            submitted.setdefault(gid, cell)
            # grading settings edited (points, the grade/solution/locked/task flags, the schema version):
            # the assignment's own settings count, as OverwriteCells does for sources and points
            original = originals[gid][1]
            if any(meta.get(k) != original.get(k) for k in _GRADING_KEYS):
                cell.metadata["nbgrader"] = copy.deepcopy(original)
                changed = True
                warnings.append(f"{name}: the grading settings of cell {gid} were edited; the grader "
                                "restored the assignment's own")
        elif meta and _is_assignment_cell(cell):
            # a cell claiming to be part of the assignment that the assignment does not have
            del cell.metadata["nbgrader"]
            changed = True
            warnings.append(f"{name}: {_cell_label(cell)} is not part of the assignment but was marked as "
                            "one of its cells; it ran as an ordinary cell")
    for gid, (cell, meta) in originals.items():
        mine = submitted.get(gid)
        graded = meta.get("grade") or meta.get("task")
        if mine is None:
            if graded and add_missing:
                warnings.append(f"{name}: cell {gid} was deleted; the grader put it back and graded it")
            elif graded:
                warnings.append(f"{name}: cell {gid} was deleted and is not graded "
                                "(set OverwriteCells.add_missing_cells = True to restore it)")
            elif meta.get("solution"):
                warnings.append(f"{name}: answer cell {gid} was deleted")
            continue
        if mine.cell_type != cell.cell_type:
            warnings.append(f"{name}: cell {gid} was changed from {cell.cell_type} to {mine.cell_type}; "
                            f"the grader changed it back")
        elif meta.get("locked") and mine.source != cell.source:
            warnings.append(f"{name}: locked cell {gid} was edited; the grader restored the original")
    return changed


def add_missing_cells(config) -> bool:
    """``OverwriteCells.add_missing_cells`` as configured."""
    return bool(config.OverwriteCells.get("add_missing_cells", False))


# --- Plain nbgrader -----------------------------------------------------------------------------------------------

def _released_notebook(config, assignment_id: str, notebook_id: str):
    import nbformat
    from nbgrader.coursedir import CourseDirectory

    cd = CourseDirectory(config=config)
    path = Path(cd.format_path(cd.release_directory, ".", assignment_id)) / f"{notebook_id}.ipynb"
    try:
        return nbformat.read(path, as_version=4)
    except Exception:  # not released here (a grading worker's private course): only nb's own metadata counts
        return None


def _restore_preprocessor_class():
    from nbconvert.preprocessors import Preprocessor
    from traitlets import Bool

    class RestoreGradingCells(Preprocessor):
        """The first of ``Autograde.sanitize_preprocessors``: :func:`restore` on each submitted notebook, each
        repair logged as a warning."""

        enabled = Bool(True, help="repair the grading cells before nbgrader sanitizes them").tag(config=True)

        def preprocess(self, nb, resources):
            info = resources.get("nbgrader", {})
            notes: list[str] = []
            restore(nb, _released_notebook(self.config, info.get("assignment", ""), info.get("notebook", "")),
                    name=f"{info.get('notebook', '')}.ipynb", add_missing=add_missing_cells(self.config),
                    warnings=notes)
            for note in notes:
                self.log.warning("%s: %s", info.get("student", ""), note)
            return nb, resources

    return RestoreGradingCells


def __getattr__(name):  # the preprocessor subclasses nbconvert's: build it only when nbgrader asks for it
    if name == "RestoreGradingCells":
        cls = _restore_preprocessor_class()
        globals()[name] = cls
        return cls
    raise AttributeError(name)


def refusal(converter, assignment_id: str, student_id: str) -> str:
    """Why plain ``nbgrader autograde`` must not grade this student's submission (see :func:`submission_problem`);
    "" if it may. The assignment's notebooks are those of the gradebook, as nbgrader's own."""
    from nbgrader.api import Gradebook, MissingEntry

    cd = converter.coursedir
    try:
        with Gradebook(cd.db_url, cd.course_id) as gb:
            notebook_ids = sorted(nb.name for nb in gb.find_assignment(assignment_id).notebooks)
    except MissingEntry:
        return ""  # nbgrader says itself that the assignment is unknown
    folder = Path(compat.submission_folder(converter, assignment_id, student_id))
    reason = submission_problem(folder, notebook_ids)
    return f"Not grading {student_id}'s {assignment_id}: {reason}" if reason else ""


def remove_oversized(converter, assignment_id: str, student_id: str) -> None:
    """After plain nbgrader copied a student's files: remove those over the course's size limits, with a warning
    (nbgrader's own copy ignores ``CourseDirectory.max_file_size``)."""
    from spmcourse.grading import safefiles

    folder = compat.output_folder(converter, assignment_id, student_id)
    if Path(folder).is_dir():
        for note in safefiles.sanitize_tree(folder, safefiles.Caps.from_course(converter.coursedir)):
            converter.log.warning("%s: %s", student_id, note)


def install() -> None:
    """Make nbgrader's ``Autograde`` fail, with the reason, a student whose submission :func:`refusal` refuses,
    before it records anything (so never as a score of 0); a submission folder without any notebook is one of
    them (nbgrader itself would skip it without a word). After nbgrader's copy, files over the size limits are
    removed (:func:`remove_oversized`).

    Called from the course's ``nbgrader_config.py``, which also puts :class:`RestoreGradingCells` first in
    ``Autograde.sanitize_preprocessors``.
    """
    from nbgrader.converters import Autograde

    compat.include_empty_submissions(Autograde)
    compat.check_before_copy((Autograde,), refusal)
    compat.after_copy(Autograde, remove_oversized)
