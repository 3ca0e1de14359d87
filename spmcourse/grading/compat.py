"""Every change the course makes to nbgrader, nbclient or jupyter_client, in one place.

The course pins nbgrader 0.9.6 (requirements.txt). Where it needs more than nbgrader's configuration offers, it
reaches into nbgrader's (or jupyter_client's) code; those reaches are all here, each one first checking that the
code still has the shape it was written against. If an upgrade changed it, the course stops with
:class:`UpstreamChanged`, which names what changed and what to do, instead of silently grading without a
safeguard (an unsandboxed kernel, a submission copied through a link).

What is changed, and why:

- :func:`use_kernel_manager`: nbgrader's ``Execute`` starts kernels with the sandboxed manager (``sandbox``);
- :func:`check_before_copy` and :func:`replace_init_assignment`: a step before nbgrader copies a student's folder
  (``safefiles`` refuses links; ``submission_checks`` refuses missing and unreadable notebooks; ``feedback`` copies
  only what feedback needs); :func:`after_copy`: a step after it (``submission_checks`` removes files over the size
  limits); :func:`include_empty_submissions`: a submission without any notebook is checked too;
- :func:`submission_folder`, :func:`output_folder`, :func:`input_root`: where a converter reads and writes;
- :func:`cache_engines`, :func:`cache_metadata_validator`: speed in grading workers (same checks, fewer rebuilds);
- :func:`save_autogrades`, :func:`assign_late_penalty`, :func:`one_transaction`: record a graded notebook with
  nbgrader's own logic on one gradebook session, all or nothing;
- :data:`PRE_START_KERNEL`, :func:`check_kernel_manager`: the jupyter_client hook the sandboxed kernel manager overrides;
- :func:`poll_in_slices`, :func:`cleanup_kernel`: jupyter_client and nbclient details for the course's own kernels.
"""
from __future__ import annotations

import contextlib
import inspect
import json
import time
import types
from queue import Empty

from spmcourse.errors import CourseError

SUPPORTED = "nbgrader 0.9.6 with jupyter_client 8 and nbclient 0.10 (requirements.txt)"


class UpstreamChanged(CourseError):
    """nbgrader or jupyter_client no longer has the shape the course relies on."""


def expect(condition: bool, what: str) -> None:
    """Stop with a clear message unless ``condition``: ``what`` names the upstream code that changed."""
    if not condition:
        raise UpstreamChanged(
            f"The installed nbgrader/jupyter_client changed: {what}. The course was written for {SUPPORTED}. "
            "Install the pinned versions (`make setup`, or `pip install -r requirements.txt`), or adapt "
            "spmcourse/grading/compat.py to the new version.")


def _params(func) -> list[str]:
    return list(inspect.signature(func).parameters)


# --- nbgrader: the Execute preprocessor's kernel manager ---------------------------------------------------------

def use_kernel_manager(manager_class) -> None:
    """Make nbgrader's ``Execute`` start its kernels with ``manager_class``.

    ``Execute.__init__`` passes ``kernel_manager_class=AsyncKernelManager`` as an argument, which outranks the
    configuration; so the module-level name it reads is pointed at ``manager_class``, and the result is checked.
    """
    from nbgrader.preprocessors import execute

    expect(hasattr(execute, "AsyncKernelManager"),
           "nbgrader.preprocessors.execute no longer imports AsyncKernelManager")
    execute.AsyncKernelManager = manager_class
    expect(execute.Execute().kernel_manager_class is manager_class,
           "nbgrader's Execute no longer takes its kernel manager from nbgrader.preprocessors.execute."
           "AsyncKernelManager")


# --- nbgrader: converters ----------------------------------------------------------------------------------------

def _init_assignment(cls):
    current = cls.__dict__.get("init_assignment") or getattr(cls, "init_assignment", None)
    # the converter is called self in nbgrader, converter in the course's replacement (feedback.py)
    expect(current is not None and _params(current)[1:3] == ["assignment_id", "student_id"],
           f"{cls.__name__}.init_assignment(self, assignment_id, student_id) is gone or has a new signature")
    return current


def check_before_copy(classes, refusal) -> None:
    """Before each of ``classes`` (nbgrader converters) copies a student's folder, call
    ``refusal(converter, assignment_id, student_id)``; a non-empty reason fails that student as nbgrader fails
    one (logged, output removed, the others processed, exit code 1).

    nbgrader's ``pre_convert_hook`` runs at the right moment but cannot fail a student (nbgrader logs its exceptions
    and carries on, then copies), so the check wraps ``init_assignment``, the step that copies.
    """
    from nbgrader.converters.base import NbGraderException

    for cls in classes:
        current = _init_assignment(cls)
        if getattr(current, "spm_checked", False):  # already checked: add this check after the others
            if refusal not in current.spm_refusals:
                current.spm_refusals.append(refusal)
            continue

        def init_assignment(self, assignment_id, student_id, _original=current, _refusals=[refusal]):
            for check in _refusals:
                reason = check(self, assignment_id, student_id)
                if reason:
                    self.log.error(reason)
                    raise NbGraderException(reason)
            return _original(self, assignment_id, student_id)

        init_assignment.spm_checked = True
        init_assignment.spm_refusals = init_assignment.__defaults__[-1]  # the list the checks are read from
        cls.init_assignment = init_assignment


def after_copy(cls, step) -> None:
    """After ``cls`` (an nbgrader converter) has copied a student's files (``init_assignment``), call
    ``step(converter, assignment_id, student_id)``. The checks of :func:`check_before_copy` stay in place."""
    import functools

    current = _init_assignment(cls)
    if step in getattr(current, "spm_after", ()):
        return

    @functools.wraps(current)  # keeps the checks' attributes, so that check_before_copy finds them
    def init_assignment(self, assignment_id, student_id, _original=current):
        _original(self, assignment_id, student_id)
        step(self, assignment_id, student_id)

    init_assignment.spm_after = [*getattr(current, "spm_after", ()), step]
    cls.init_assignment = init_assignment


def include_empty_submissions(cls) -> None:
    """Make ``cls`` (nbgrader's ``Autograde``) process a student folder that holds no notebook at all, so that the
    check of :func:`check_before_copy` fails that student with a reason.

    nbgrader's ``init_notebooks`` lists only folders with a notebook in them: a submission whose notebook was
    deleted is skipped with a warning, and when it is the only one, nbgrader stops before any check runs.
    """
    import glob
    import os

    from nbgrader.converters.base import NbGraderException

    current = getattr(cls, "init_notebooks", None)
    if getattr(current, "spm_empty", False):
        return
    expect(callable(current) and _params(current) == ["self"],
           f"{cls.__name__}.init_notebooks(self) is gone or has a new signature")

    def init_notebooks(self, _original=current):
        try:
            _original(self)
            stopped = None
        except NbGraderException as err:  # nothing matched: empty folders may still be there
            stopped = err
        expect(isinstance(getattr(self, "assignments", None), dict),
               f"{cls.__name__}.init_notebooks no longer fills .assignments")
        if self.coursedir.notebook_id == "*":  # only notebooks of one name asked for: nothing is missing
            pattern = self._format_source(self.coursedir.assignment_id, self.coursedir.student_id)
            for folder in glob.glob(pattern):
                if os.path.isdir(folder):
                    self.assignments.setdefault(folder, [])
        if stopped is not None and not self.assignments:
            raise stopped

    init_notebooks.spm_empty = True
    cls.init_notebooks = init_notebooks


def replace_init_assignment(cls, replacement) -> None:
    """``BaseConverter.init_assignment`` is not configurable: give ``cls`` (only) ``replacement`` instead."""
    _init_assignment(cls)
    expect(_params(replacement)[:3] == ["converter", "assignment_id", "student_id"],
           "the replacement's signature")
    cls.init_assignment = replacement


def _converter_method(converter, name: str):
    method = getattr(converter, name, None)
    expect(callable(method), f"nbgrader converters no longer have {name}()")
    return method


def submission_folder(converter, assignment_id: str, student_id: str) -> str:
    """The folder ``converter`` reads one student's assignment from."""
    return _converter_method(converter, "_format_source")(assignment_id, student_id)


def output_folder(converter, assignment_id: str, student_id: str) -> str:
    """The folder ``converter`` writes one student's result to."""
    return _converter_method(converter, "_format_dest")(assignment_id, student_id)


def input_root(converter) -> str:
    """The folder that holds every student's input folder (``submitted/``, ``autograded/``, …)."""
    step = getattr(converter, "_input_directory", None)
    expect(isinstance(step, str), "nbgrader converters no longer have _input_directory")
    return converter.coursedir.format_path(step, ".", ".")


# --- nbgrader: the gradebook -------------------------------------------------------------------------------------

def cache_engines(scratch: str | None = None) -> None:
    """In a grading worker: one SQLAlchemy engine per URL, so compiled queries are cached across students.

    nbgrader opens a new ``Gradebook`` (a new engine, an empty query cache) for nearly every step. SQLite files
    under ``scratch`` (the worker's private gradebook, thrown away after the run) skip fsync.
    """
    import nbgrader.api as api
    from sqlalchemy import event

    expect(callable(getattr(api, "create_engine", None)), "nbgrader.api no longer calls create_engine")
    if getattr(api.create_engine, "_spm_cached", False):
        return
    real, cache = api.create_engine, {}

    def create_engine(url, **kwargs):
        key = (str(url), tuple(sorted(kwargs.items())))
        if key not in cache:
            engine = cache[key] = real(url, **kwargs)
            if scratch and str(url).startswith(f"sqlite:///{scratch}"):
                @event.listens_for(engine, "connect")
                def _no_sync(dbapi_conn, record):
                    dbapi_conn.execute("PRAGMA synchronous = OFF")
                    dbapi_conn.execute("PRAGMA journal_mode = MEMORY")
        return cache[key]

    create_engine._spm_cached = True
    api.create_engine = create_engine


def cache_metadata_validator() -> None:
    """In a grading worker: check nbgrader's cell metadata with one validator per schema.

    nbgrader checks every cell with ``jsonschema.validate``, which first checks the schema itself and builds a new
    validator, for each cell: about a third of a worker's own CPU time. Same checks, same errors, built once.
    """
    import jsonschema
    from nbgrader.nbgraderformat import common

    expect(getattr(common, "jsonschema", None) is not None,
           "nbgrader.nbgraderformat.common no longer validates with jsonschema")
    if getattr(common.jsonschema, "_spm_cached", False):
        return
    validators: dict[str, object] = {}

    def validate(instance, schema):
        key = json.dumps(schema, sort_keys=True)
        if key not in validators:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validators[key] = cls(schema)
        error = jsonschema.exceptions.best_match(validators[key].iter_errors(instance))
        if error is not None:
            raise error

    common.jsonschema = types.SimpleNamespace(validate=validate, _spm_cached=True)


class _DeferredCommits:
    """A gradebook session whose ``commit()`` only flushes (and expires, as a commit does)."""

    def __init__(self, session):
        self._session = session

    def commit(self) -> None:
        self._session.flush()
        self._session.expire_all()  # what commit would do: computed scores are read afresh

    def __getattr__(self, name):
        return getattr(self._session, name)


@contextlib.contextmanager
def one_transaction(gb):
    """Record one student in one transaction: all of it, or (on any error) nothing.

    nbgrader's ``Gradebook`` commits after every step (about 15 commits per student, each a few fsyncs on
    SQLite); its methods reach the session as ``gb.db``, which is swapped for one that only flushes.
    """
    expect(hasattr(gb, "db"), "nbgrader's Gradebook no longer keeps its session as .db")
    session = gb.db
    gb.db = _DeferredCommits(session)
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        gb.db = session


def save_autogrades(nb, resources, *, gb, config, log, notebook_id: str, assignment_id: str, student_id: str,
                    db_url: str) -> None:
    """nbgrader's ``SaveAutoGrades`` per-cell logic (auto scores, needs-manual-grade, "No response."), on the
    open gradebook ``gb`` instead of a new connection per notebook."""
    from nbgrader.preprocessors import SaveAutoGrades

    expect("preprocess_cell" in SaveAutoGrades.__dict__ and "preprocess" in SaveAutoGrades.__dict__,
           "SaveAutoGrades no longer grades cell by cell after opening its gradebook in preprocess()")
    saver = SaveAutoGrades(config=config, log=log)
    saver.notebook_id, saver.assignment_id = notebook_id, assignment_id
    saver.student_id, saver.db_url, saver.gradebook = student_id, db_url, gb
    # SaveAutoGrades.preprocess opens its own Gradebook and then runs the per-cell loop of its parent class, which
    # reads self.gradebook: skip the first, keep the second
    super(SaveAutoGrades, saver).preprocess(nb, resources)


def assign_late_penalty(gb, *, config, log, assignment_id: str, student_id: str, notebook_id: str) -> None:
    """``AssignLatePenalties.preprocess`` on the open gradebook ``gb``: nbgrader's configured late-submission
    plugin decides the penalty, nbgrader's own check caps it."""
    from nbgrader.preprocessors import AssignLatePenalties

    expect(callable(getattr(AssignLatePenalties, "_check_late_penalty", None)),
           "AssignLatePenalties no longer has _check_late_penalty()")
    pp = AssignLatePenalties(config=config, log=log)
    pp.init_plugin()
    assignment = gb.find_submission(assignment_id, student_id)
    notebook = gb.find_submission_notebook(notebook_id, assignment_id, student_id)
    notebook.late_submission_penalty = None
    if assignment.total_seconds_late > 0:
        penalty = pp.plugin_inst.late_submission_penalty(student_id, notebook.score, assignment.total_seconds_late)
        if penalty is not None:
            notebook.late_submission_penalty = pp._check_late_penalty(notebook, penalty)
    gb.db.commit()


# --- jupyter_client and nbclient ---------------------------------------------------------------------------------

#: The jupyter_client method a kernel manager runs before it starts a kernel (it builds the command line).
PRE_START_KERNEL = "_async_pre_start_kernel"


def check_kernel_manager(base_class) -> None:
    """The sandboxed kernel manager overrides :data:`PRE_START_KERNEL` of ``base_class``: is it still there?"""
    expect(callable(getattr(base_class, PRE_START_KERNEL, None)),
           f"jupyter_client's {base_class.__name__} no longer has {PRE_START_KERNEL}()")


def poll_in_slices(channel, slice_s: float) -> None:
    """Make ``channel.get_msg(timeout)`` poll in slices of ``slice_s`` seconds until ``timeout``."""
    original = getattr(channel, "get_msg", None)
    expect(callable(original) and "timeout" in _params(original),
           "jupyter_client channels no longer have get_msg(timeout)")

    async def get_msg(timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else deadline - time.monotonic()
            wait = slice_s if remaining is None else max(0.0, min(slice_s, remaining))
            try:
                return await original(timeout=wait)
            except Empty:
                if remaining is not None and remaining <= slice_s:
                    raise

    channel.get_msg = get_msg


def cleanup_kernel(client) -> None:
    """Shut down an nbclient ``NotebookClient``'s kernel now (nbclient's own clean-up, also used at its exit)."""
    cleanup = getattr(client, "_cleanup_kernel", None)
    expect(callable(cleanup), "nbclient's NotebookClient no longer has _cleanup_kernel()")
    cleanup()
