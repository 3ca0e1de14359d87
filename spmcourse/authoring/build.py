"""Build the course: generate ``release/`` from ``source/`` with nbgrader, and keep notebooks clean.

``release/`` is only ever produced here, by ``nbgrader generate_assignment``; ``tests/test_assignments.py`` proves
that the committed ``release/`` equals a fresh build.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from spmcourse import COURSE_ROOT
from spmcourse.errors import CourseError
from spmcourse.authoring.lab import path_with_tools
from spmcourse.authoring.notebooks import clean_file, clean_tree


def assignments(root: Path = COURSE_ROOT) -> list[str]:
    """Assignment ids: the folders of ``source/`` that hold a notebook, sorted."""
    source = root / "source"
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def generate_release(assignment: str, root: Path = COURSE_ROOT) -> list[Path]:
    """Run ``nbgrader generate_assignment`` for one assignment in the course at ``root``; clean the output.

    Returns the released notebooks. Raises :class:`CourseError` with nbgrader's log when it fails.
    """
    if not (root / "source" / assignment).is_dir():
        raise CourseError(f"no assignment {assignment!r} in {root / 'source'}; "
                          f"available: {', '.join(assignments(root)) or 'none'}")
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
         f"--CourseDirectory.root={root}"],
        cwd=root, capture_output=True, text=True,
        env=dict(os.environ, PATH=path_with_tools(os.environ.get("PATH", ""))),  # nbgrader runs `alembic`
    )
    if result.returncode != 0:
        raise CourseError(f"nbgrader could not generate {assignment}:\n{result.stdout}{result.stderr}")
    released = sorted((root / "release" / assignment).glob("*.ipynb"))
    for path in released:
        clean_file(path)
    return released


def _release(args) -> int:
    ids = args.assignments or assignments()
    for assignment in ids:
        for path in generate_release(assignment):
            print(f"released {path.relative_to(COURSE_ROOT)}")
    return 0


def _clean(args) -> int:
    root = Path(args.root).resolve() if args.root else COURSE_ROOT
    changed = clean_tree(root, write=not args.check)
    for path in changed:
        print(f"{'not clean' if args.check else 'cleaned'}: {path.relative_to(root)}")
    if args.check and changed:
        print(f"{len(changed)} notebook(s) are not clean (nothing was changed); run `make clean-notebooks` to "
              "clean them.", file=sys.stderr)
        return 1
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("release", help="regenerate release/ from source/ with nbgrader")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all in source/)")
    p.set_defaults(handler=_release)
    p = subparsers.add_parser("clean", help="strip outputs and execution counts; kernelspec python3")
    p.add_argument("--check", action="store_true",
                   help="change nothing; list the notebooks that are not clean and exit 1 if there are any")
    p.add_argument("--root", help="the course folder (default: this checkout)")
    p.set_defaults(handler=_clean)
