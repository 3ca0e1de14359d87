"""nbgrader configuration for the Software Product Management course.

The course root is this folder: ``source/`` holds the instructor masters, ``release/`` the generated student
versions. Per-student state (``submitted/``, ``autograded/``, ``feedback/``, ``gradebook.db``) and the exchange
are created here on demand and never committed.

Every section below names a real nbgrader class and every option exists on it:
``tests/grading/test_config.py`` proves it, because traitlets silently ignores a misspelt section. Loading this file also
calls ``spmcourse.grading.sandbox.install()``, which makes nbgrader start its kernels inside the sandbox (configuration
alone cannot: nbgrader passes its kernel manager class as an argument); the sandbox's own limits are options of
``SandboxKernelManager``, given on the command line (``--SandboxKernelManager.wall_time=600``).
"""
import os
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parent
c = get_config()  # noqa: F821 (injected by traitlets)

# --- Course ---------------------------------------------------------------------------------------------------
c.CourseDirectory.course_id = "spm-course"
c.CourseDirectory.root = str(COURSE_ROOT)
# A gradebook URL from the environment lets several graders share PostgreSQL; SQLite stays the default.
c.CourseDirectory.db_url = os.environ.get("SPM_GRADEBOOK_URL", f"sqlite:///{COURSE_ROOT / 'gradebook.db'}")
# Student files are small; refuse anything large instead of filling the disk (sizes in KB).
c.CourseDirectory.max_file_size = 5_000
c.CourseDirectory.max_dir_size = 20_000
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.md~"]

# --- Exchange: a folder the course owns (git-ignored), created on demand ------------------------------------
_exchange = Path(os.environ.get("SPM_EXCHANGE", COURSE_ROOT / "exchange"))
try:
    _exchange.mkdir(parents=True, exist_ok=True)
except OSError:  # read-only clone: nbgrader reports the missing folder itself
    pass
c.Exchange.root = str(_exchange)
c.ExchangeSubmit.strict = True

# --- Execution during validate and autograde -----------------------------------------------------------------
c.Execute.timeout = 60  # seconds per cell
c.Execute.interrupt_on_timeout = True
c.Execute.raise_on_iopub_timeout = True
c.ExecutePreprocessor.kernel_name = "python3"
c.ExecutePreprocessor.shutdown_kernel = "immediate"
# Every kernel nbgrader starts (autograde, validate, the Validate button) runs in a bubblewrap sandbox: no network,
# nothing of the course but the submission's own folder, limits on memory, processes and time (docs/sandbox.md).
# Where bubblewrap cannot start, grading stops and says how to fix it; SPM_UNSANDBOXED=1 opts out explicitly.
from spmcourse.grading import sandbox  # noqa: E402

sandbox.install()

# Hidden tests run where the student's code cannot reach them: each test cell runs in a second, clean kernel
# that receives the student's answers as plain data (spmcourse/grading/isolation.py). A failing locked set-up cell is a
# grading failure, never a score of 0.
c.Autograde.autograde_preprocessors = [
    "spmcourse.grading.isolation.IsolatedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# --- Files a submission leaves: refused links (spmcourse/grading/safefiles.py, docs/sandbox.md) -------------------------
# A student folder that is a symbolic link, holds a notebook that is one, or contains links or special files, is
# refused with a reason before nbgrader copies anything from it (autograde, generate_feedback). What a grading
# kernel leaves in its folder is cleaned by the sandbox as soon as the kernel stops.
from spmcourse.grading import safefiles  # noqa: E402

safefiles.install()
# --- end of the block ----------------------------------------------------------------------------------------

# --- Submission checks and restorations (spmcourse/grading/submission_checks.py) -----------------------------
# The same checks as `spm grade-cohort`, for plain `nbgrader autograde` and the formgrader's Autograde button: a
# student whose notebook is missing, renamed or not valid JSON fails with a reason that says what to do, before
# nbgrader records anything (never a score of 0); the others are graded. Edited grading cells (duplicated
# grade_ids, changed grading settings, broken metadata) are repaired first, each repair logged as a warning;
# nbgrader 0.9.6 cannot grade a duplicated grade_id with add_missing_cells. nbgrader's defaults follow.
c.Autograde.sanitize_preprocessors = [
    "spmcourse.grading.submission_checks.RestoreGradingCells",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
from spmcourse.grading import submission_checks  # noqa: E402

submission_checks.install()
# --- end of the submission checks ----------------------------------------------------------------------------

# Library warnings written to stderr would zero a passing test cell during autograde.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r".*(FutureWarning|DeprecationWarning|PendingDeprecationWarning|UserWarning|RuntimeWarning|SAWarning).*"

# A learner who deletes a graded cell gets it back, with a note, instead of a silent empty grade.
c.OverwriteCells.add_missing_cells = True
c.OverwriteCells.missing_cell_notification = (
    "This cell was missing from your notebook (it may have been deleted). The course restored it so that the "
    "question could be graded. Re-insert your answer above it if your answer cell was deleted too."
)

# --- Generating the student version ---------------------------------------------------------------------------
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.IncludeHeaderFooter.header = str(COURSE_ROOT / "source" / "header.ipynb")
c.LockCells.lock_solution_cells = True
c.LockCells.lock_grade_cells = True
c.LockCells.lock_readonly_cells = True

# --- Validate button ------------------------------------------------------------------------------------------
c.Validator.validate_all = True
# An unanswered question reads as one line that says what to do, not as tracebacks (spmcourse/grading/validate_messages.py;
# the extension does nothing unless nbgrader is validating).
c.Execute.extra_arguments = ["--InteractiveShellApp.extensions=spmcourse.grading.validate_messages"]

# --- Self-study: no deadlines, so no late penalty ------------------------------------------------------------
c.LateSubmissionPlugin.penalty_method = "none"

# --- Feedback (spmcourse/grading/feedback.py) -------------------------------------------------------------------------
# Feedback shows each failed check's message, never a test cell's code (hidden tests included), and no mark scheme
# or model answer. To show written questions' mark schemes and model answers in the feedback, add
#     c.HideMarkScheme.show_in_feedback = True
# nbgrader's default preprocessors (GetGrades, CSSHTMLHeaderPreprocessor) are kept, around the course's two.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "spmcourse.grading.feedback.HideTestCode",
    "spmcourse.grading.feedback.HideMarkScheme",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# The feedback folder gets the notebooks' HTML and nbgrader's two bookkeeping files only, copied without
# following links (nbgrader's own copy follows them and copies every other file of the autograded folder).
from spmcourse.grading import feedback  # noqa: E402

feedback.install()
# --- end of feedback ------------------------------------------------------------------------------------------
