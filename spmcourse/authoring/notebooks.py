"""Clean and author the course's notebooks.

Cleaning is the course's one hygiene policy: no outputs, no execution counts, kernelspec ``python3``, and only
the metadata the course needs (``nbgrader``, ``tags``, and nbgrader's lock flags in generated releases).
``make clean-notebooks`` runs :func:`clean_tree`, and ``tests/course/test_hygiene.py`` proves the tree is clean.

The authoring helpers (:func:`md`, :func:`code`, :func:`solution`, :func:`tests`, :func:`readonly`, :func:`task`) build cells
with correct nbgrader metadata, so a script that drafts a notebook never writes that metadata by hand.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

# nbformat's validator imports jsonschema, which imports rfc3987_syntax if installed: it builds a grammar for about
# 2 s on 2 cores, only to check "iri" formats that notebooks never use. Skipped (jsonschema treats it as absent);
# the grading workers do the same (grading.run._worker_main).
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}
_CELL_METADATA_KEPT = ("nbgrader", "tags", "editable", "deletable")
# "spm": the course's own flags, e.g. {"course_page": true} for the welcome and progress pages (labextension)
_NB_METADATA_KEPT = ("kernelspec", "language_info", "spm")


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip outputs, execution counts and editor metadata; fix the kernelspec to ``python3``."""
    nb.metadata = nbformat.from_dict(
        {k: v for k, v in nb.metadata.items() if k in _NB_METADATA_KEPT}
    )
    nb.metadata["kernelspec"] = nbformat.from_dict(KERNELSPEC)
    nb.metadata["language_info"] = nbformat.from_dict(LANGUAGE_INFO)
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.metadata.items() if k in _CELL_METADATA_KEPT}
        )
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
        if cell.cell_type == "markdown" and not cell.get("attachments"):
            cell.pop("attachments", None)
    return nb


def dumps(nb: nbformat.NotebookNode) -> str:
    """Serialise a notebook the way nbformat (and so nbgrader) stores it: sources split into lines."""
    return nbformat.writes(nb) + "\n"


def read(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook, with a message that says what to do when it is not valid JSON."""
    path = Path(path)
    try:
        return nbformat.read(path, as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as err:
        raise ValueError(
            f"{path} is not a valid notebook (its JSON does not parse: {err}). "
            "Restore it from git (`git checkout -- <file>`) or from the course's release/ folder."
        ) from err


def write(nb: nbformat.NotebookNode, path: str | Path) -> None:
    Path(path).write_text(dumps(nb), encoding="utf-8")


def clean_file(path: str | Path, *, write: bool = True) -> bool:
    """Clean one notebook in place (only check it with ``write=False``); return True if it was not clean."""
    path = Path(path)
    before = path.read_text(encoding="utf-8")
    after = dumps(clean_notebook(read(path)))
    if after != before:
        if write:
            path.write_text(after, encoding="utf-8")
        return True
    return False


def tracked_notebooks(root: str | Path) -> list[Path]:
    """The notebooks the course keeps clean: lessons, sources and releases."""
    root = Path(root)
    found: list[Path] = []
    for folder in ("notebooks", "source", "release"):
        found += sorted(p for p in (root / folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return found


def clean_tree(root: str | Path, *, write: bool = True) -> list[Path]:
    """Clean every course notebook under ``root`` (only check them with ``write=False``); return the ones that
    were not clean."""
    return [p for p in tracked_notebooks(root) if clean_file(p, write=write)]


# --- Authoring helpers -----------------------------------------------------------------------------------------

def new_notebook(cells: list) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=cells)
    return clean_notebook(nb)


def md(text: str, **meta) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text.strip("\n"), metadata=meta)


def code(source: str, **meta) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source.strip("\n"), metadata=meta)


def _nbgrader(grade_id: str, *, solution=False, grade=False, locked=False, points=None, task=False) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": task}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def solution(source: str, grade_id: str) -> nbformat.NotebookNode:
    """An autograded answer cell: wrap the answer in ``### BEGIN SOLUTION`` / ``### END SOLUTION``."""
    return code(source, **_nbgrader(grade_id, solution=True))


def tests(source: str, grade_id: str, points: float) -> nbformat.NotebookNode:
    """A locked autograder test cell worth ``points``."""
    return code(source, **_nbgrader(grade_id, grade=True, locked=True, points=points))


def readonly(source: str, grade_id: str, *, markdown: bool = True) -> nbformat.NotebookNode:
    """A locked cell the learner cannot edit (question text, set-up code)."""
    maker = md if markdown else code
    return maker(source, **_nbgrader(grade_id, locked=True))


def task(text: str, grade_id: str, points: float) -> nbformat.NotebookNode:
    """A manually graded task: the question plus a mark scheme between ``=== BEGIN/END MARK SCHEME ===``.

    The learner answers in the (plain, unlocked) markdown cell that follows it.
    """
    return md(text, **_nbgrader(grade_id, locked=True, points=points, task=True))
