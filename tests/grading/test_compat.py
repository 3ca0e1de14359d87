"""The course's reaches into nbgrader and jupyter_client (spmcourse/grading/compat.py): they apply to the pinned
versions, they stop with a clear message when upstream code changes shape, and nothing else reaches in."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT
from spmcourse.grading import compat

# nbgrader / nbclient / jupyter_client internals the course relies on; only compat.py may name them
INTERNALS = re.compile(r"\b(_format_source|_format_dest|_input_directory|_check_late_penalty|_cleanup_kernel|"
                       r"AsyncKernelManager\s*=|init_assignment\s*=|create_engine\s*=|jsonschema\s*=|"
                       r"super\(SaveAutoGrades)")


def test_nothing_outside_compat_reaches_into_nbgrader():
    offenders = []
    for path in sorted((ROOT / "spmcourse").rglob("*.py")):
        if path.name == "compat.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if INTERNALS.search(line.split("#")[0]):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "move these into spmcourse/grading/compat.py:\n" + "\n".join(offenders)


def test_the_course_configuration_applies_every_patch(monkeypatch):
    """Loading the course's nbgrader_config.py installs the sandbox, the link checks and the feedback folder."""
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.preprocessors import execute
    from traitlets.config.loader import PyFileConfigLoader

    from spmcourse.grading import feedback, sandbox

    # undone after the test: other tests in this process use plain nbgrader
    monkeypatch.setattr(execute, "AsyncKernelManager", execute.AsyncKernelManager)
    for cls in (Autograde, GenerateFeedback):
        monkeypatch.setattr(cls, "init_assignment", cls.init_assignment)
    monkeypatch.setattr(Autograde, "init_notebooks", Autograde.init_notebooks)
    PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert execute.Execute().kernel_manager_class is sandbox.SandboxKernelManager
    assert getattr(Autograde.init_assignment, "spm_checked", False)
    from spmcourse.grading import safefiles, submission_checks
    assert Autograde.init_assignment.spm_refusals == [safefiles.refusal, submission_checks.refusal]
    assert Autograde.init_assignment.spm_after == [submission_checks.remove_oversized]
    assert getattr(Autograde.init_notebooks, "spm_empty", False)
    assert GenerateFeedback.init_assignment is feedback.init_feedback_folder


def test_a_changed_nbgrader_stops_with_what_to_do(monkeypatch):
    from nbgrader.preprocessors import execute

    from spmcourse.grading import sandbox

    monkeypatch.delattr(execute, "AsyncKernelManager")
    with pytest.raises(compat.UpstreamChanged) as caught:
        compat.use_kernel_manager(sandbox.SandboxKernelManager)
    message = str(caught.value)
    assert "AsyncKernelManager" in message and "make setup" in message and "compat.py" in message


def test_a_changed_converter_signature_is_refused():
    class Converter:  # a converter whose init_assignment takes other arguments than nbgrader 0.9.6's
        def init_assignment(self, assignment):
            return assignment

    with pytest.raises(compat.UpstreamChanged, match="init_assignment"):
        compat.check_before_copy([Converter], lambda *args: "")
    with pytest.raises(compat.UpstreamChanged, match="init_assignment"):
        compat.replace_init_assignment(Converter, lambda converter, assignment_id, student_id: None)


def test_a_changed_kernel_manager_is_refused():
    class Manager:
        pass

    with pytest.raises(compat.UpstreamChanged, match=compat.PRE_START_KERNEL):
        compat.check_kernel_manager(Manager)
