"""The course's nbgrader configuration and folders, as the ``nbgrader`` command would see them."""
from __future__ import annotations

import glob
import os
import re
from pathlib import Path


def load_config(course_root: str | Path):
    """The nbgrader config the ``nbgrader`` command would use in ``course_root``, with its root set to it.

    Like nbgrader: the ``nbgrader_config.py`` files of Jupyter's config path (system, then user), then the
    course's own, which wins.
    """
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    course_root = Path(course_root).resolve()
    cfg = Config()
    for folder in [*reversed(jupyter_config_path()), str(course_root)]:
        if (Path(folder) / "nbgrader_config.py").is_file():
            cfg.merge(PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config())
    cfg.CourseDirectory.root = str(course_root)
    return cfg


def coursedir(cfg):
    """nbgrader's ``CourseDirectory`` for a config: the course's folders, gradebook URL and limits."""
    from nbgrader.coursedir import CourseDirectory
    return CourseDirectory(config=cfg)


def cell_timeout(cfg) -> float:
    """The per-cell time limit nbgrader's ``Execute`` applies, in seconds."""
    from nbgrader.preprocessors import Execute
    return float(Execute(config=cfg).timeout or 30)


def list_students(cd, assignment: str) -> list[str]:
    """Ids of the students with a submission folder of ``assignment``, sorted."""
    pattern = cd.format_path(cd.submitted_directory, "*", assignment)
    regexp = re.compile(cd.format_path(cd.submitted_directory, "(?P<student_id>[^/]+)", re.escape(assignment),
                                       escape=True) + "$")
    found = set()
    for path in glob.glob(pattern):
        m = regexp.match(path)
        if m and os.path.isdir(path):
            found.add(m.group("student_id"))
    return sorted(found)
