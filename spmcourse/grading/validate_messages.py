"""Validate's messages for an unanswered question, in the course's words rather than as raw tracebacks.

nbgrader's Validate button (and ``nbgrader validate``) runs the learner's notebook from the top and shows, for each
failing cell, the error's traceback. For a question not answered yet that is two screens of red: the released
stub's ``NotImplementedError`` and then, in each check below it, a ``NameError`` for the answer variable. This
IPython extension, loaded into the kernels nbgrader starts (``c.Execute.extra_arguments`` in
``nbgrader_config.py``), replaces those two tracebacks with one line each that says what to do, like the
course's checks do (``name: what is wrong, what to do``). It does nothing unless nbgrader is validating
(``NBGRADER_VALIDATING=1``): grading, lessons and the learner's own kernels keep Python's usual tracebacks, and
every other error keeps its traceback in Validate too.
"""
from __future__ import annotations

import os

#: The kernel option that loads this extension (nbgrader_config.py passes it to the kernels nbgrader starts).
KERNEL_ARGUMENT = "--InteractiveShellApp.extensions=spmcourse.grading.validate_messages"


def not_answered() -> str:
    return ("Not answered yet: replace `raise NotImplementedError()` in this cell with your answer, "
            "run the cell, then validate again.")


def not_defined(name: str) -> str:
    return (f"{name}: has no value yet. Answer the question above this cell and store the answer in `{name}` "
            "(check the spelling), run that cell, then validate again.")


def _raised_in_the_cell(tb) -> bool:
    """True when the innermost frame is the notebook cell itself (the stub), not code the cell called."""
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_filename.startswith("<") or "ipykernel" in tb.tb_frame.f_code.co_filename


def message(etype, value, tb) -> str | None:
    """The course's message for this error, or None to keep the usual traceback."""
    if issubclass(etype, NotImplementedError) and not str(value) and tb is not None and _raised_in_the_cell(tb):
        return not_answered()
    if etype is NameError and getattr(value, "name", None):
        return not_defined(value.name)
    return None


def _handler(shell, etype, value, tb, tb_offset=None):
    text = message(etype, value, tb)
    if text is None:
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    else:
        stb = [text]
    shell._showtraceback(etype, value, stb)  # IPython 8/9 leave showing it to the handler
    return stb


def load_ipython_extension(shell) -> None:
    if os.environ.get("NBGRADER_VALIDATING") == "1":
        shell.set_custom_exc((NotImplementedError, NameError), _handler)
