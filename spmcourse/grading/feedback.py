"""What a student's feedback may show: the failed checks' messages, never the test code or the mark scheme.

nbgrader's ``generate_feedback`` renders the autograded notebook as it is, so by default the feedback shows every
test cell's source, hidden tests included (how each expected value is computed: grading once with blank answers
would reveal every answer), and every task cell's mark scheme with its model answer. Two preprocessors, named in
``c.GenerateFeedback.preprocessors`` (``nbgrader_config.py``), change that for every path that makes feedback:
plain ``nbgrader generate_feedback``, the formgrader and ``spm grade-cohort``.

- :class:`HideTestCode`: the source of every autograded test cell becomes one line with its verdict (passed,
  failed, not answered yet); of its outputs only the error's type and message of a failed check are kept, and
  what a passing cell printed (no traceback frames, which quote code, no warnings on stderr, which quote the line
  that raised them, no line of the cell's code that the student's code made it print or raise, and nothing a
  failed cell printed before failing: "visible checks passed" above an error reads as a contradiction). nbgrader's
  automatic "No response." comment on an untouched answer cell, which the page's contents list as an unlabelled
  "Comment", is dropped: the verdict of the checks below it says "not answered yet" instead. An answer cell handed
  in as released shows one line that says it was not answered (:func:`not_answered_outputs`), not the stub's
  ``NotImplementedError`` traceback.
- :class:`HideMarkScheme`: removes everything between ``=== BEGIN MARK SCHEME ===`` and ``=== END MARK SCHEME ===``
  (model answers included) unless the instructor sets ``c.HideMarkScheme.show_in_feedback = True``. For a
  self-study learner (``c.HideMarkScheme.self_study = True``, set by ``spm grade``) it also says at the top why the
  page's total counts the written questions as 0: nobody grades them but the learner, with the mark schemes.

:func:`install` (called from ``nbgrader_config.py``) also replaces what ``GenerateFeedback`` copies next to the
HTML: nbgrader copies every other file of the autograded folder with ``shutil.copy``, which follows symbolic links
and reads devices to the end. The feedback folder gets only nbgrader's two bookkeeping files, copied without
following links and capped in size; a notebook that is a link is refused.
"""
from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool

from spmcourse.grading import compat
from spmcourse.grading.cellmeta import cell_meta

BEGIN_MARK_SCHEME = "BEGIN MARK SCHEME"
END_MARK_SCHEME = "END MARK SCHEME"

#: Files of the autograded folder that the feedback folder needs: ``release_feedback`` reads both, and
#: ``generate_feedback`` compares timestamps to skip unchanged students. Nothing else is copied.
BOOKKEEPING = ("timestamp.txt", "submission_secret.txt")
#: Largest bookkeeping file copied (bytes); nbgrader writes a few dozen.
MAX_BOOKKEEPING_BYTES = 4096


class FeedbackRefused(Exception):
    """The autograded folder holds something feedback must not be made from (a link instead of a notebook)."""


def _question(grade_id: str) -> str:
    m = re.match(r"q(\d+)(?:_|$)", grade_id)
    return f"question {m.group(1)}" if m else grade_id


def _plain_output(output, code_lines: set):
    """What of one output of a test cell a student may see, or None: printed text and error messages only.

    The student's code runs in the same kernel and can make the cell print or raise anything, its own source
    included (an IPython ``pre_run_cell`` hook): lines of the cell's code are dropped from what it printed, and a
    message that quotes one is withheld. Code encoded some other way is not recognised (docs/sandbox.md).
    """
    kind = output.get("output_type")
    if kind == "stream" and output.get("name") == "stdout":
        kept = [ln for ln in output.get("text", "").splitlines(keepends=True) if ln.strip() not in code_lines]
        return {**output, "text": "".join(kept)} if kept else None
    if kind == "error":
        ename, evalue = output.get("ename", "Error"), output.get("evalue", "")
        if any(line in evalue for line in code_lines):
            evalue = "(message not shown: it quotes the test's code)"
        return {"output_type": "error", "ename": ename, "evalue": evalue,
                "traceback": [f"{ename}: {evalue}" if evalue else ename]}
    if kind == "stream":  # stderr: warnings quote the source line that raised them
        return {"output_type": "stream", "name": "stderr",
                "text": "The checks wrote a warning or an error message (not shown); it counts as a failure.\n"}
    return None  # displayed values: a bare expression in a test cell could be an expected value


#: The comment nbgrader's autograder gives an answer cell the student left as released.
NO_RESPONSE = "No response."


class HideTestCode(NbGraderPreprocessor):
    """Replace each autograded test cell's code with its verdict and keep only its messages (see module)."""

    def preprocess(self, nb, resources):
        self._unanswered = False  # the answer cell above the next test cell was left as released
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        meta = cell_meta(cell)
        nbgrader = cell.metadata.get("nbgrader", {})
        if meta.solution:
            self._unanswered = nbgrader.get("comment") == NO_RESPONSE
            if self._unanswered:  # GetGrades put it there; the contents would list it as a bare "Comment"
                nbgrader["comment"] = None
            if cell.cell_type == "code":
                cell.outputs = not_answered_outputs(cell.get("outputs", []))
        elif cell.cell_type == "code" and meta.grade:
            code_lines = {ln.strip() for ln in cell.source.splitlines() if len(ln.strip()) >= 8}
            outputs = [out for out in (_plain_output(o, code_lines) for o in cell.get("outputs", [])) if out]
            failed = any(out["output_type"] == "error" for out in outputs)
            if self._unanswered:
                verdict = "not answered yet (the answer cell above is as it was released)"
            else:
                verdict = "failed, the message below says why" if failed else "passed"
            cell.source = f"# Checks for {_question(meta.grade_id)} (code hidden): {verdict}"
            # what a failed cell printed before it failed ("visible checks passed") is not shown
            cell.outputs = [out for out in outputs if not failed or out.get("name") != "stdout"]
            self._unanswered = False
        return cell, resources


#: What an answer cell submitted as released shows in the feedback, instead of its NotImplementedError traceback.
NOT_ANSWERED = ("Not answered: this cell was handed in as released (`raise NotImplementedError()`), so its checks "
                "fail.")


def not_answered_outputs(outputs: list) -> list:
    """An answer cell's outputs, with the released stub's bare ``NotImplementedError`` as the course's one line."""
    return [{"output_type": "error", "ename": "NotImplementedError", "evalue": "", "traceback": [NOT_ANSWERED]}
            if out.get("output_type") == "error" and out.get("ename") == "NotImplementedError"
            and not out.get("evalue") else out for out in outputs]


def remove_mark_scheme(text: str) -> tuple[str, bool]:
    """``text`` without the lines from a BEGIN MARK SCHEME line to the next END MARK SCHEME line (inclusive);
    a region left open runs to the end. Returns the new text and whether anything was removed."""
    kept, inside, removed = [], False, False
    for line in text.split("\n"):
        if not inside and BEGIN_MARK_SCHEME in line:
            inside = removed = True
        elif inside:
            inside = END_MARK_SCHEME not in line
        else:
            kept.append(line)
    return "\n".join(kept).rstrip("\n"), removed


class HideMarkScheme(NbGraderPreprocessor):
    """Remove mark schemes (and the model answers inside them) from every cell, unless turned on for feedback.

    Unlike nbgrader's ``ClearMarkScheme`` (used when releasing), it never raises: a student who types the
    delimiter in an answer only loses the text after it from their own feedback.
    """

    show_in_feedback = Bool(
        False, help="Show the mark scheme and model answer of written questions in students' feedback."
    ).tag(config=True)
    self_study = Bool(
        False, help="Self-study (spm grade): say at the top that the written questions count 0 in the total."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        nb, resources = super().preprocess(nb, resources)
        written = sum(m.points for m in map(cell_meta, nb.cells) if m.task or (m.grade and m.solution))
        if self.self_study and written:
            from nbformat.v4 import new_markdown_cell

            nb.cells.insert(0, new_markdown_cell(
                f"**About the score above:** it counts the written questions' {written:g} points as 0. Written "
                "answers are not auto-graded: once you have answered, assess yours with the mark schemes in "
                "`mark-schemes.md`, beside this page. The progress page shows your points on the auto-graded "
                "questions only."))
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        if self.show_in_feedback:
            return cell, resources
        cell.source, removed = remove_mark_scheme(cell.source)
        if removed and cell.get("attachments"):  # images that only the mark scheme showed
            cell.attachments = {name: data for name, data in cell.attachments.items() if name in cell.source}
        return cell, resources


# --- What generate_feedback copies ----------------------------------------------------------------------------

def _copy_small_regular_file(src: Path, dest: Path, limit: int) -> str:
    """Copy ``src`` to ``dest`` if it is a regular file (not a link) of at most ``limit`` bytes; else say why not."""
    try:
        fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return "missing"
    except OSError as err:
        return "a symbolic link" if err.errno == errno.ELOOP else f"unreadable ({err.strerror})"
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        data = fh.read(limit + 1)
    if len(data) > limit:
        return f"larger than {limit} bytes"
    if dest.is_symlink() or dest.exists():
        dest.unlink()
    out = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(out, "wb") as fh:
        fh.write(data)
    return ""


def init_feedback_folder(converter, assignment_id: str, student_id: str) -> None:
    """Replacement for ``GenerateFeedback.init_assignment``: see the module docstring."""
    source = Path(compat.submission_folder(converter, assignment_id, student_id))
    dest = Path(compat.output_folder(converter, assignment_id, student_id))
    for folder in (source.parent, source):
        if folder.is_symlink():
            raise FeedbackRefused(f"{folder} is a symbolic link, not the autograded folder: no feedback is made "
                                  "from it. Remove the link and autograde the submission again.")
    for notebook in converter.notebooks:
        if not stat.S_ISREG(os.lstat(notebook).st_mode):
            raise FeedbackRefused(f"{notebook} is not a regular file (a symbolic link?): no feedback is made from "
                                  "it. Remove it and autograde the submission again.")
    dest.mkdir(parents=True, exist_ok=True)
    for name in BOOKKEEPING:
        why = _copy_small_regular_file(source / name, dest / name, MAX_BOOKKEEPING_BYTES)
        if why and why != "missing":
            converter.log.warning("Not copied into the feedback folder: %s (%s)", source / name, why)
    others = sorted(p.name for p in source.iterdir()
                    if p.name not in BOOKKEEPING and not (p.suffix == ".ipynb" and str(p) in converter.notebooks))
    if others:
        converter.log.info("Feedback holds only the notebooks' HTML; not copied from %s: %s", source,
                           ", ".join(others[:10]) + (f" and {len(others) - 10} more" if len(others) > 10 else ""))


def install() -> None:
    """Make nbgrader's ``GenerateFeedback`` use :func:`init_feedback_folder` (called from nbgrader_config.py).

    ``BaseConverter.init_assignment`` is not configurable, so the method is replaced on ``GenerateFeedback``
    only (autograde and generate_assignment keep theirs).
    """
    from nbgrader.converters import GenerateFeedback

    compat.replace_init_assignment(GenerateFeedback, init_feedback_folder)
