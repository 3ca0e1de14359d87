"""The practice exam (assignment ``12-practice-exam``), drawn from the question bank.

A paper is 40 questions of the bank (:mod:`spmcourse.authoring.questionbank`) drawn by a seed, in proportion to the
chapters of the ISPMA Foundation Level syllabus. Each module belongs to one chapter::

    1 Introduction          01
    2 Product strategy      04 05 06
    3 Product planning      07 08
    4 Strategic management  02 03
    5 Orchestration         09 10 11

The weights are the contact hours the IIT CS5625 course gives each chapter's topics (shared/syllabus-map.md,
section 2.3; the official time per chapter is not public): 4.5, 15, 6, 3 and 7.5 hours. The 40 questions are
shared out by the largest-remainder rule (each chapter gets the whole part of 40 x its share; the questions left
go to the largest remainders, ties to the earlier chapter): 5, 17, 7, 3 and 8 questions.

Within a chapter the questions are a random sample (``random.Random(seed)``) of the chapter's questions, shown in
id order. Each question is one graded cell worth 1 point; the answer is a set of option letters (``{"B"}``,
``{"A", "C"}``); the pass mark is 65 % (26 of 40). 60 minutes are suggested.

- ``spm exam --master`` writes the assignment's master ``source/12-practice-exam/12-practice-exam.ipynb`` with
  the fixed seed :data:`MASTER_SEED` (``--check`` only says whether the committed one is in sync with the bank);
  release it with ``spm release 12-practice-exam``.
- ``spm exam --seed N`` draws a fresh paper into the learner's workspace: its master goes to
  ``work/.course/exam/``, where ``spm grade 12-practice-exam`` finds its hidden tests, and the learner's copy
  to ``work/12-practice-exam/`` (an earlier paper is kept in ``work/12-practice-exam/earlier/``).
- After a grading, :func:`write_review` writes ``work/feedback/12-practice-exam/review.md``: the score per
  chapter and per sub-area, and for every question the answer, the correct letters and every option's
  explanation, with a link to the lesson section to revisit. The hidden tests themselves stay hidden.
"""
from __future__ import annotations

import ast
import random
import re
import shutil
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from spmcourse import COURSE_ROOT
from spmcourse.errors import CourseError

ASSIGNMENT = "12-practice-exam"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
MASTER_SEED = 2026
QUESTIONS = 40
PASS_MARK = 0.65
MINUTES = 60
CHAPTERS = {  # chapter -> (title, modules, weight in contact hours)
    1: ("Introduction to software product management", ("01",), 4.5),
    2: ("Product strategy", ("04", "05", "06"), 15.0),
    3: ("Product planning", ("07", "08"), 6.0),
    4: ("Strategic management", ("02", "03"), 3.0),
    5: ("Orchestration", ("09", "10", "11"), 7.5),
}


def chapter_of(module: str) -> int:
    for number, (_, modules, _) in CHAPTERS.items():
        if module in modules:
            return number
    raise KeyError(f"module {module} belongs to no chapter of the exam")


def quotas(total: int = QUESTIONS) -> dict[int, int]:
    """Questions per chapter: largest remainder of ``total`` x weight share, ties to the earlier chapter."""
    weights = {c: w for c, (_, _, w) in CHAPTERS.items()}
    exact = {c: total * w / sum(weights.values()) for c, w in weights.items()}
    out = {c: int(x) for c, x in exact.items()}
    by_remainder = sorted(exact, key=lambda c: (-(round(exact[c] - out[c], 9)), c))
    for c in by_remainder[:total - sum(out.values())]:
        out[c] += 1
    return out


def draw(questions: list, seed: int, total: int = QUESTIONS) -> list:
    """``total`` questions of the bank, by chapter quota, sampled with ``seed``; in chapter, then id order."""
    rng = random.Random(seed)
    paper = []
    for chapter, n in quotas(total).items():
        pool = sorted((q for q in questions if chapter_of(q.module) == chapter), key=lambda q: q.id)
        if len(pool) < n:
            raise CourseError(f"the question bank has {len(pool)} questions for chapter {chapter} "
                              f"({CHAPTERS[chapter][0]}, modules {', '.join(CHAPTERS[chapter][1])}); a paper "
                              f"needs {n}. Add questions to spmcourse/questions/ first.")
        paper += sorted(rng.sample(pool, n), key=lambda q: q.id)
    return paper


# --- Checks the graded cells call -------------------------------------------------------------------------------

def _letters(value, name: str, letters: str) -> set[str]:
    if not isinstance(value, (set, frozenset)):
        raise AssertionError(f"{name}: should be a set of option letters such as {{\"B\"}} or {{\"A\", \"C\"}}, "
                             f"not a {type(value).__name__}.")
    if not all(isinstance(x, str) for x in value):
        raise AssertionError(f"{name}: every element should be a letter in quotes, such as \"B\".")
    chosen = {x.strip().upper() for x in value}
    unknown = sorted(chosen - set(letters))
    if unknown:
        raise AssertionError(f"{name}: {', '.join(unknown)} is not an option of this question (options: "
                             f"{', '.join(letters)}).")
    return chosen


def check_form(value, name: str, letters: str, choose: int) -> None:
    """The visible check: a set of as many of the question's letters as the stem asks for."""
    chosen = _letters(value, name, letters)
    if len(chosen) != choose:
        raise AssertionError(f"{name}: the question asks you to choose {choose}; you chose {len(chosen)}.")


def check_answer(value, name: str, correct: set[str], letters: str) -> None:
    """The hidden check: right or wrong, with a message that does not give the answer away."""
    if _letters(value, name, letters) != set(correct):
        raise AssertionError(f"{name}: not the right option(s). After grading, your exam review explains every "
                             "option.")


# --- The master -------------------------------------------------------------------------------------------------

def _var(i: int) -> str:
    return f"q{i:02d}"


def notebook(paper: list, seed: int):
    """The nbgrader master of a paper: an introduction, then per question its text, answer cell and test cell."""
    from spmcourse.authoring.notebooks import new_notebook, readonly, solution, tests

    per = defaultdict(int)
    for q in paper:
        per[chapter_of(q.module)] += 1
    table = "\n".join(f"| {c} | {CHAPTERS[c][0]} | {', '.join(CHAPTERS[c][1])} | {per[c]} |" for c in CHAPTERS)
    need = round(PASS_MARK * len(paper))
    cells = [readonly(
        f"# Practice exam (paper {seed})\n\n"
        f"{len(paper)} multiple-choice questions from the whole course, drawn from the course's question bank in "
        f"proportion to the chapters of the syllabus. **Suggested time: {MINUTES} minutes**, without the lessons. "
        f"Each question is worth 1 point; **the pass mark is {PASS_MARK:.0%}** ({need} of {len(paper)} points), "
        "our own mark for this practice paper, not an official one.\n\n"
        "| Chapter | Topic | Modules | Questions |\n|---|---|---|---|\n" + table + "\n\n"
        "**How to answer.** Each question says how many options to choose. In the answer cell, set the variable "
        'to the set of the letters you choose, for example `q01 = {"B"}` or `q07 = {"A", "C"}`, and run the check '
        "cell below it: it checks only the form of your answer. Grade the paper (`make grade A=12-practice-exam` "
        "or **Grade** in the progress page) for your score per chapter and sub-area and the explanation of every "
        "option (`work/feedback/12-practice-exam/review.md`). A fresh paper: `.venv/bin/spm exam --seed 7` (any "
        "number).", "intro")]
    for i, q in enumerate(paper, 1):
        name, letters = _var(i), "".join(o.letter for o in q.options)
        options = "\n".join(f"- **{o.letter}.** {o.text}" for o in q.options)
        cells.append(readonly(f"## Question {i} (1 point)\n\n{q.stem}\n\n{options}\n\n"
                              f"<small>Module {q.module} · question {q.id}</small>", f"{name}_question"))
        wanted = "{" + ", ".join(f'"{x}"' for x in sorted(q.correct)) + "}"
        cells.append(solution(f"# Your letters, e.g. {{\"B\"}} or {{\"A\", \"C\"}}\n### BEGIN SOLUTION\n"
                              f"{name} = {wanted}\n### END SOLUTION", name))
        test = tests(f"# Checks `{name}`: a set of {q.choose} of the letters {', '.join(letters)}.\n"
                     f"check_form({name}, \"{name}\", \"{letters}\", {q.choose})\n"
                     f"print(\"Question {i}: the form is right. Grading checks the letters.\")\n"
                     f"### BEGIN HIDDEN TESTS\ncheck_answer({name}, \"{name}\", {wanted}, \"{letters}\")\n"
                     "### END HIDDEN TESTS", f"{name}_test", 1)
        cells.append(test)
    setup = readonly("from spmcourse.learner.exam import check_answer, check_form", "setup", markdown=False)
    nb = new_notebook(cells[:1] + [setup] + cells[1:])
    for cell in nb.cells:  # ids from the grade ids, so that the same paper gives the same file
        cell.id = cell.metadata["nbgrader"]["grade_id"].replace("_", "-")
    return nb


def master_path(root: Path = COURSE_ROOT) -> Path:
    return Path(root) / "source" / ASSIGNMENT / NOTEBOOK


def write_master(root: Path = COURSE_ROOT, seed: int = MASTER_SEED, bank: Path | None = None) -> Path:
    from spmcourse.authoring import questionbank
    from spmcourse.authoring.notebooks import write

    path = master_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    write(notebook(draw(questionbank.load(bank, root), seed), seed), path)
    return path


# --- A fresh paper in the learner's workspace -------------------------------------------------------------------

def drawn_source(root: Path = COURSE_ROOT) -> Path:
    """Where ``spm exam --seed N`` keeps the master of the learner's paper (with its hidden tests)."""
    from spmcourse.learner.workspace import state_dir

    return state_dir(root) / "exam" / "source" / ASSIGNMENT


def source_folder(assignment: str, root: Path = COURSE_ROOT) -> Path:
    """The master the learner's copy of ``assignment`` is graded against: a drawn paper's, else the course's."""
    drawn = drawn_source(root)
    if assignment == ASSIGNMENT and (drawn / NOTEBOOK).is_file():
        return drawn
    return Path(root) / "source" / assignment


def new_paper(seed: int, root: Path = COURSE_ROOT, bank: Path | None = None) -> Path:
    """Draw paper ``seed`` into the workspace; an earlier paper of the learner is moved to ``earlier/``."""
    from spmcourse.authoring import questionbank
    from spmcourse.learner import selfgrade
    from spmcourse.authoring.notebooks import write
    from spmcourse.learner.workspace import assignment_dir

    root = Path(root)
    nb = notebook(draw(questionbank.load(bank, root), seed), seed)
    source = drawn_source(root)
    source.mkdir(parents=True, exist_ok=True)
    write(nb, source / NOTEBOOK)
    selfgrade.ensure_tools_on_path()
    course = selfgrade.prepare_course(ASSIGNMENT, root)  # generates the student version with nbgrader
    mine = assignment_dir(ASSIGNMENT, root) / NOTEBOOK
    if mine.exists():
        earlier = mine.parent / "earlier"
        earlier.mkdir(exist_ok=True)
        mine.rename(earlier / f"{mine.stem}.{datetime.now():%Y-%m-%dT%H%M%S}.ipynb")
    mine.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(course / "release" / ASSIGNMENT / NOTEBOOK, mine)
    return mine


# --- The review after grading -----------------------------------------------------------------------------------

def paper_questions(root: Path = COURSE_ROOT) -> dict[str, str]:
    """grade_id of each test cell -> the id of its question, for the paper the learner is graded on."""
    from spmcourse.authoring.notebooks import read

    found = {}
    for cell in read(source_folder(ASSIGNMENT, root) / NOTEBOOK).cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        match = re.search(r"question (\d\d-\d\d)</small>", cell.source)
        if gid.endswith("_question") and match:
            found[gid.replace("_question", "_test")] = match.group(1)
    return found


def learner_letters(root: Path = COURSE_ROOT) -> dict[str, str]:
    """Variable -> the letters the learner wrote (as text), read from their notebook without running it."""
    from spmcourse.learner.selfgrade import notebook_cells
    from spmcourse.learner.workspace import assignment_dir

    found = {}
    for cell in notebook_cells(assignment_dir(ASSIGNMENT, root) / NOTEBOOK)[0]:
        gid = cell.meta.grade_id or ""
        if cell.meta.solution and re.fullmatch(r"q\d\d", gid):
            match = re.search(rf"^{gid}\s*=\s*(.+)$", cell.source, re.M)
            try:
                value = ast.literal_eval(match.group(1).strip()) if match else None
            except (ValueError, SyntaxError):
                value = None
            found[gid] = (", ".join(sorted(str(x) for x in value)) if isinstance(value, (set, frozenset))
                          else "no answer")
    return found


def review(cells: dict, root: Path = COURSE_ROOT, bank: Path | None = None) -> str:
    """The review of a graded attempt (``cells``: grade_id -> {"score", "max"}), as markdown."""
    from spmcourse.authoring import questionbank

    questions = questionbank.by_id(questionbank.load(bank, root))
    paper = paper_questions(root)
    letters = learner_letters(root)
    got, of = defaultdict(float), defaultdict(float)
    rows = []
    for i, (gid, qid) in enumerate(paper.items(), 1):
        q = questions.get(qid)
        score = float((cells.get(gid) or {}).get("score") or 0.0)
        if q is None:
            rows.append(f"## Question {i}: {qid} is no longer in the question bank\n")
            continue
        keys = [f"chapter {chapter_of(q.module)}: {CHAPTERS[chapter_of(q.module)][0]}"]
        keys += [f"sub-area: {a}" for a in q.sub_areas] or ["sub-area: the framework as a whole"]
        for key in keys:
            got[key] += score
            of[key] += 1
        mark = "right" if score >= 1 else "wrong"
        lines = [f"## Question {i} ({qid}): {mark}\n", q.stem, "",
                 f"Your answer: {letters.get(gid.removesuffix('_test'), 'no answer')}. "
                 f"Correct: {', '.join(sorted(q.correct))}.", ""]
        lines += [f"- **{o.letter}** ({'correct' if o.correct else 'wrong'}): {o.text}. {o.why}" for o in q.options]
        lines += ["", f"Revisit: [{q.section}](../../../notebooks/{q.key}.ipynb#{questionbank.anchor(q.section)}) "
                      f"in lesson {q.key}.", ""]
        rows.append("\n".join(lines))
    total = sum(float((cells.get(g) or {}).get("score") or 0.0) for g in paper)
    verdict = "passed" if total >= PASS_MARK * len(paper) - 1e-9 else "not passed yet"
    head = [f"# Practice exam: {total:g} of {len(paper)} points, {verdict} (pass mark {PASS_MARK:.0%})\n",
            "| Part | Points | Share |", "|---|---|---|"]
    for key in sorted(of, key=lambda k: (not k.startswith("chapter"), got[k] / of[k], k)):
        head.append(f"| {key} | {got[key]:g} of {of[key]:g} | {got[key] / of[key]:.0%} |")
    return "\n".join(head) + "\n\nWeakest parts first (chapters, then sub-areas).\n\n" + "\n".join(rows)


def review_path(root: Path = COURSE_ROOT) -> Path:
    from spmcourse.learner.selfgrade import feedback_dir

    return feedback_dir(ASSIGNMENT, root) / "review.md"


def write_review(attempt, root: Path = COURSE_ROOT) -> Path | None:
    """After a graded attempt of the exam: write the review beside the feedback; return its path."""
    if attempt.assignment != ASSIGNMENT or not attempt.graded:
        return None
    path = review_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(review(attempt.cells, root), encoding="utf-8")
    return path


# --- Command line -----------------------------------------------------------------------------------------------

def _exam(args) -> int:
    from spmcourse.authoring.notebooks import dumps, read
    from spmcourse.learner.workspace import display_path

    if args.master:
        path = master_path(COURSE_ROOT)
        if args.check:
            from spmcourse.authoring import questionbank

            fresh = notebook(draw(questionbank.load(), MASTER_SEED), MASTER_SEED)
            same = path.is_file() and dumps(read(path)) == dumps(fresh)
            print(f"{display_path(path)} is {'in sync with' if same else 'NOT in sync with'} the question bank.")
            return 0 if same else 1
        write_master(COURSE_ROOT)
        print(f"wrote {display_path(path)}; now release it: python -m spmcourse.cli release {ASSIGNMENT}")
        return 0
    if args.seed is None:
        raise CourseError("say which paper: spm exam --seed N (any whole number; each gives another paper).")
    mine = new_paper(args.seed, COURSE_ROOT)
    print(f"Paper {args.seed}: {QUESTIONS} questions, {MINUTES} minutes suggested, pass mark {PASS_MARK:.0%}. "
          f"Open {display_path(mine)}; grade it with make grade A={ASSIGNMENT}.")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("exam", help="draw a practice exam paper into your workspace (--seed N)")
    p.add_argument("--seed", type=int, help="which paper to draw (any whole number)")
    p.add_argument("--master", action="store_true",
                   help=f"(authors) write the assignment's master from the bank with seed {MASTER_SEED}")
    p.add_argument("--check", action="store_true", help="with --master: only say whether it is in sync")
    p.set_defaults(handler=_exam)
