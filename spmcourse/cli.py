"""The ``spm`` command line: one entry point, one thin module per group of subcommands.

Each module listed in :data:`COMMAND_MODULES` has a ``register(subparsers)`` function that adds its subcommands;
each subcommand's handler takes the parsed arguments and returns an exit code. ``make`` targets call these.

Run ``spm --help`` (or ``python -m spmcourse.cli --help``) for the list.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from spmcourse.errors import CourseError

#: Modules that contribute subcommands, in the order ``--help`` lists them.
COMMAND_MODULES = (
    "spmcourse.authoring.lab",         # setup-lab, lab
    "spmcourse.authoring.build",       # release, clean
    "spmcourse.authoring.curriculum",  # nav
    "spmcourse.learner.workspace",     # start
    "spmcourse.learner.selfgrade",     # grade
    "spmcourse.learner.progress",      # progress
    "spmcourse.learner.exam",          # exam (practice exam papers)
    "spmcourse.grading.cohort",        # grade-cohort (instructor)
    "spmcourse.learner.update",        # update (learner)
    "spmcourse.grading.report",        # report (instructor)
    "spmcourse.learner.portfolio",     # portfolio (learner)
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spm", description="Software Product Management course: set up, build, study and grade.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except CourseError as err:
        print(f"spm {args.command}: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # the file system refused (disk full, a file where a folder belongs, permissions)
        where = f" ({err.filename})" if err.filename else ""
        print(f"spm {args.command}: {err.strerror or err}{where}. Fix that, then run the command again.",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
