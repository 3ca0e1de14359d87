"""Does nbgrader_config.py configure what it says? traitlets ignores a misspelt section or option silently."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from traitlets.config import Config, HasTraits
from traitlets.config.loader import PyFileConfigLoader

from conftest import ROOT


def _load_config() -> Config:
    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()


def _configurable_classes() -> dict[str, list[type]]:
    """Every class in nbgrader (and the nbconvert/nbclient classes it builds on) by name.

    A name can belong to several classes (the abstract and the default ``Exchange``); config by name reaches all.
    """
    import nbclient
    import nbconvert.preprocessors
    import nbgrader

    classes: dict[str, list[type]] = {}
    modules = [nbconvert.preprocessors, nbclient.client]
    for info in pkgutil.walk_packages(nbgrader.__path__, "nbgrader."):
        if ".tests" in info.name or info.name.endswith("__main__"):
            continue
        try:
            modules.append(importlib.import_module(info.name))
        except Exception:  # optional server/lab modules that need a running app
            continue
    for module in modules:
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, HasTraits) and obj not in classes.get(name, []):
                classes.setdefault(name, []).append(obj)
    return classes


CONFIG = _load_config()
CLASSES = _configurable_classes()


@pytest.mark.parametrize("section", sorted(CONFIG.keys()))
def test_section_names_a_real_class(section):
    """Is every section of nbgrader_config.py the name of a real nbgrader (or nbconvert) class?"""
    assert section in CLASSES, f"nbgrader_config.py configures {section!r}, which is not an nbgrader class"


@pytest.mark.parametrize("section,option", sorted((s, o) for s in CONFIG for o in CONFIG[s]))
def test_option_exists_on_its_class(section, option):
    """Is every option a configurable trait of its class?"""
    owners = [cls for cls in CLASSES[section] if option in cls.class_traits(config=True)]
    assert owners, f"{section}.{option} is not a configurable option of any nbgrader class named {section}"


def test_key_settings():
    """Are the settings the course relies on (see shared nbgrader notes) in place?"""
    assert CONFIG.CourseDirectory.course_id == "spm-course"
    assert CONFIG.OverwriteCells.add_missing_cells is True
    assert CONFIG.IgnorePattern.enabled is True
    assert CONFIG.Execute.interrupt_on_timeout is True
    assert CONFIG.ExecutePreprocessor.kernel_name == "python3"
    assert "NotImplementedError" in CONFIG.ClearSolutions.code_stub["python"]
    assert CONFIG.IncludeHeaderFooter.header.endswith("source/header.ipynb")
    assert CONFIG.Exchange.root.endswith("exchange")


def test_ignore_pattern_matches_library_warnings():
    """Does the stderr pattern drop the warnings pandas and numpy print, and keep real errors?"""
    import re

    pattern = CONFIG.IgnorePattern.pattern
    assert re.search(pattern, "/x/y.py:3: FutureWarning: Downcasting object dtype arrays is deprecated")
    assert re.search(pattern, "<stdin>:1: DeprecationWarning: old api")
    assert not re.search(pattern, "Traceback (most recent call last):\nValueError: bad input")
