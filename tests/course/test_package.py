"""Do the helper package's documented examples work, and does importing it change nothing?"""
from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys

import pytest

import matplotlib

matplotlib.use("Agg")

import spmcourse  # noqa: E402

#: Every module of the package: their docstring examples must all pass.
MODULES = sorted(info.name for info in pkgutil.walk_packages(spmcourse.__path__, "spmcourse."))
#: Modules whose public functions are documented by example: they must have examples, not just pass.
DOCUMENTED = {"spmcourse.checks", "spmcourse.framework", "spmcourse.plots", "spmcourse.casedata",
              "spmcourse.explorers.casedata", "spmcourse.finance", "spmcourse.explorers.business_case",
              "spmcourse.pricing", "spmcourse.explorers.pricing", "spmcourse.planning",
              "spmcourse.explorers.prioritisation", "spmcourse.roadmap", "spmcourse.explorers.roadmap",
              # modules 02, 03, 04 and 06
              "spmcourse.strategy", "spmcourse.market", "spmcourse.casedata.strategy", "spmcourse.explorers.market",
              "spmcourse.explorers.diffusion", "spmcourse.explorers.portfolio", "spmcourse.analytics",
              "spmcourse.explorers.cohorts", "spmcourse.explorers.experiment", "spmcourse.positioning",
              "spmcourse.delivery", "spmcourse.sourcing", "spmcourse.ecosystem", "spmcourse.explorers.tco",
              "spmcourse.explorers.ahp", "spmcourse.saas_metrics", "spmcourse.risk", "spmcourse.licensing",
              "spmcourse.explorers.saas_metrics", "spmcourse.explorers.monte_carlo", "spmcourse.grading.isolation",
              "spmcourse.kano", "spmcourse.requirements_quality", "spmcourse.explorers.kano",
              "spmcourse.explorers.requirement_checker", "spmcourse.marketing", "spmcourse.sales", "spmcourse.crm",
              "spmcourse.casedata.go_to_market", "spmcourse.explorers.attribution", "spmcourse.explorers.pipeline",
              "spmcourse.service", "spmcourse.operations", "spmcourse.explorers.staffing",
              "spmcourse.explorers.error_budget", "spmcourse.delivery_metrics", "spmcourse.quality",
              "spmcourse.architecture", "spmcourse.explorers.forecast", "spmcourse.explorers.dora"}


def test_documented_modules_exist():
    assert DOCUMENTED <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failures, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
    if name in DOCUMENTED:
        assert attempted > 0, f"{name} is documented by example but has no examples"


def test_import_has_no_side_effects():
    """Importing the package must not touch matplotlib's style (lessons call use_course_style)."""
    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); import spmcourse, spmcourse.plots, "
            "spmcourse.casedata; assert dict(mpl.rcParams) == before")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_check_messages_name_the_mistake_without_the_answer():
    from spmcourse.checks import check_close, check_number

    with pytest.raises(AssertionError, match="discounted the first"):
        check_close(90.0, 123.456, "npv", mistakes={"You discounted the first cash flow.": 90.0})
    with pytest.raises(AssertionError) as err:
        check_close(50.0, 123.456, "npv", rel=1e-3)
    assert "123" not in str(err.value) and "too low" in str(err.value)
    import pandas as pd
    with pytest.raises(AssertionError, match="single number"):
        check_number(pd.Series([1.0]), "x")
    with pytest.raises(AssertionError, match="True/False"):
        check_number(True, "x")
