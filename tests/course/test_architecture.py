"""The package's layers (docs/architecture.md): content never imports the platform, the platform never imports
the content, and the shared base imports neither. Read from the source with ``ast``, imports inside functions
included."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "spmcourse"
PLATFORM = ("grading", "learner", "authoring")
BASE = {"spmcourse", "spmcourse.errors", "spmcourse.plots", "spmcourse.framework"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(name: str) -> str:
    if name in BASE:
        return "base"
    if name == "spmcourse.cli":
        return "cli"
    if name.split(".")[1] in PLATFORM:
        return "platform"
    return "content"


def imported(path: Path) -> set[str]:
    """The spmcourse modules ``path`` imports (``from spmcourse import x`` counts as ``spmcourse.x`` when x is a
    module, else as ``spmcourse``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("spmcourse")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("spmcourse"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                is_module = (ROOT / Path(*sub.split("."))).with_suffix(".py").exists() or \
                    (ROOT / Path(*sub.split("."))).is_dir()
                found.add(sub if is_module else node.module)
    return found


FILES = sorted(PACKAGE.rglob("*.py"))
ALLOWED = {  # importer layer -> layers it may import
    "base": {"base"},
    "content": {"base", "content"},
    "platform": {"base", "platform"},
    "cli": {"base", "platform"},
}


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_layers(path):
    own = layer(module_name(path))
    wrong = sorted(name for name in imported(path) if layer(name) not in ALLOWED[own])
    assert not wrong, (f"{path.relative_to(ROOT)} is {own} and must not import {wrong}; "
                       f"see docs/architecture.md for what may import what")


def test_the_rule_sees_a_violation(tmp_path):
    """The checker itself: imports inside a function, and ``from spmcourse.x import module``, are both seen."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from spmcourse.grading import run\n    import spmcourse.learner.progress\n")
    found = imported(probe)
    assert found == {"spmcourse.grading.run", "spmcourse.learner.progress"}
    assert {layer(n) for n in found} == {"platform"} and "platform" not in ALLOWED["content"]


def test_every_file_has_a_layer():
    names = {module_name(p) for p in FILES}
    assert {"spmcourse.grading.run", "spmcourse.learner.selfgrade", "spmcourse.authoring.build",
            "spmcourse.casedata", "spmcourse.checks"} <= names
    assert not (PACKAGE / "bench.py").exists(), "the benchmark lives in tests/ (it reads the recorded mistakes)"
