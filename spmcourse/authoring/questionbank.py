"""The question bank: our own multiple-choice questions, one YAML file per module (``spmcourse/questions/``).

Each file is ``NN-slug.yml`` (named like the lesson ``notebooks/NN-slug.ipynb``) and holds ``module: "NN"`` and
a list of ``questions``; the format is described in docs/authoring.md ("Question bank"). This module loads and
checks the files: anything that does not have the shape the quiz and the practice exam rely on raises
:class:`QuestionBankError`, naming the file and the question and saying what to fix. The rules about the bank as
a whole (spread of the correct positions, minimum counts, links to the lesson's headings) are proven by
``tests/test_questionbank.py``; the helpers they use are here.

Options are shown as A, B, C, D, (E) in the order of the file.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from spmcourse import COURSE_ROOT, framework
from spmcourse.authoring import curriculum
from spmcourse.errors import CourseError

QUESTIONS = Path("spmcourse") / "questions"
LETTERS = "ABCDE"
LEVELS = ("K1", "K2", "K3")
CHOOSE = {1: "Choose one.", 2: "Choose two.", 3: "Choose three."}
_ID = re.compile(r"^(\d\d)-(\d\d)$")


class QuestionBankError(CourseError):
    """A question file that does not follow the format; the message names the file and the question."""


@dataclass(frozen=True)
class Option:
    letter: str
    text: str
    correct: bool
    why: str


@dataclass(frozen=True)
class Question:
    id: str
    module: str            # "NN"
    key: str               # the module's NN-slug (also the lesson's name)
    sub_areas: tuple[str, ...]
    level: str
    answer: str            # "single" | "multiple"
    stem: str
    options: tuple[Option, ...]
    section: str           # a heading of the lesson, without its #'s

    @property
    def correct(self) -> frozenset[str]:
        """The letters of the correct options."""
        return frozenset(o.letter for o in self.options if o.correct)

    @property
    def choose(self) -> int:
        return len(self.correct)


# --- Loading, checked -------------------------------------------------------------------------------------------

def folder(root: Path = COURSE_ROOT) -> Path:
    return Path(root) / QUESTIONS


def files(where: Path | None = None, root: Path = COURSE_ROOT) -> list[Path]:
    """The question files in ``where`` (default: the course's ``spmcourse/questions/``), sorted."""
    where = folder(root) if where is None else Path(where)
    return sorted(where.glob("*.yml")) if where.is_dir() else []


def _fail(path: Path, qid: str | None, problem: str) -> QuestionBankError:
    where = f"{path.name}" + (f", question {qid}" if qid else "")
    return QuestionBankError(f"question bank {where}: {problem}. Fix the file (the format is in "
                             "docs/authoring.md, \"Question bank\").")


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _option(path: Path, qid: str, i: int, raw) -> Option:
    letter = LETTERS[i]
    if not isinstance(raw, dict):
        raise _fail(path, qid, f"option {letter} is not a mapping with text, correct and why")
    for key in ("text", "why"):
        if not _text(raw.get(key)):
            raise _fail(path, qid, f"option {letter} has no {key}")
    if not isinstance(raw.get("correct"), bool):
        raise _fail(path, qid, f"option {letter}: correct must be true or false")
    return Option(letter, raw["text"].strip(), raw["correct"], raw["why"].strip())


def _question(path: Path, module: curriculum.Module, raw, names: set[str]) -> Question:
    if not isinstance(raw, dict):
        raise _fail(path, None, "an entry of questions is not a mapping")
    qid = raw.get("id")
    if not isinstance(qid, str) or not _ID.match(qid) or not qid.startswith(module.number + "-"):
        raise _fail(path, str(qid), f'id must be "{module.number}-NN" (a text in quotes)')
    missing = [k for k in ("sub_areas", "level", "answer", "stem", "options", "section") if k not in raw]
    if missing:
        raise _fail(path, qid, f"missing {', '.join(missing)}")
    areas = raw["sub_areas"]
    if not isinstance(areas, list) or not all(isinstance(a, str) for a in areas):
        raise _fail(path, qid, "sub_areas must be a list of sub-area names ([] for none)")
    unknown = [a for a in areas if a not in names]
    if unknown:
        raise _fail(path, qid, f"unknown sub-area {unknown[0]!r}; use the v2 names of spmcourse.framework")
    if raw["level"] not in LEVELS:
        raise _fail(path, qid, f"level must be one of {', '.join(LEVELS)}")
    if raw["answer"] not in ("single", "multiple"):
        raise _fail(path, qid, "answer must be single or multiple")
    if not _text(raw["stem"]) or not _text(raw["section"]):
        raise _fail(path, qid, "stem and section must be non-empty texts")
    raw_options = raw["options"]
    if not isinstance(raw_options, list) or not 4 <= len(raw_options) <= 5:
        raise _fail(path, qid, "there must be 4 or 5 options")
    options = tuple(_option(path, qid, i, o) for i, o in enumerate(raw_options))
    texts = [o.text for o in options]
    if len(set(texts)) != len(texts):
        raise _fail(path, qid, "two options have the same text")
    n = sum(o.correct for o in options)
    if raw["answer"] == "single" and n != 1:
        raise _fail(path, qid, f"a single-answer question needs exactly one correct option, not {n}")
    if raw["answer"] == "multiple" and not (2 <= n <= 3 and n < len(options)):
        raise _fail(path, qid, f"a multiple-answer question needs 2 or 3 correct options (never all), not {n}")
    stem = raw["stem"].strip()
    if not stem.endswith(CHOOSE[n]):
        raise _fail(path, qid, f"the stem must end \"{CHOOSE[n]}\" ({n} correct option{'s' * (n > 1)})")
    return Question(qid, module.number, module.key, tuple(areas), raw["level"], raw["answer"], stem, options,
                    raw["section"].strip())


def load_file(path: Path, root: Path = COURSE_ROOT) -> list[Question]:
    """The questions of one file, checked; raises :class:`QuestionBankError` naming the file and question."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise _fail(path, None, f"it cannot be read ({err})") from err
    except yaml.YAMLError as err:
        raise _fail(path, None, f"it is not valid YAML ({str(err).splitlines()[0]})") from err
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise _fail(path, None, 'it must hold module: "NN" and a list of questions')
    try:
        module = curriculum.module(path.stem, root)
    except KeyError:
        raise _fail(path, None, "its name is not NN-slug of a module in curriculum.yml") from None
    if module.key != path.stem or str(data.get("module")) != module.number or not isinstance(data["module"], str):
        raise _fail(path, None, f'the file must be named {module.key}.yml and say module: "{module.number}"')
    names = set(framework.sub_areas()["sub_area"])
    questions = [_question(path, module, raw, names) for raw in data["questions"]]
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise _fail(path, q.id, "this id is used twice")
        seen.add(q.id)
    return questions


def load(where: Path | None = None, root: Path = COURSE_ROOT) -> list[Question]:
    """Every question of the bank, in file and file order (module order)."""
    questions: list[Question] = []
    for path in files(where, root):
        questions += load_file(path, root)
    ids = Counter(q.id for q in questions)
    twice = [i for i, n in ids.items() if n > 1]
    if twice:
        raise QuestionBankError(f"question bank: id {twice[0]} is used in two files; ids must be unique.")
    return questions


def for_module(module: str, where: Path | None = None, root: Path = COURSE_ROOT) -> list[Question]:
    """The questions of one module (``NN``, ``NN-slug`` or slug); [] when it has no file yet."""
    m = curriculum.module(module, root)
    path = (folder(root) if where is None else Path(where)) / f"{m.key}.yml"
    return load_file(path, root) if path.is_file() else []


def for_sub_area(sub_area: str, questions: list[Question]) -> list[Question]:
    return [q for q in questions if sub_area in q.sub_areas]


def by_id(questions: list[Question]) -> dict[str, Question]:
    return {q.id: q for q in questions}


# --- Helpers for the rules --------------------------------------------------------------------------------------

def position_counts(questions: list[Question]) -> Counter:
    """Letter -> how many single-answer questions have their correct option there."""
    return Counter(next(iter(q.correct)) for q in questions if q.answer == "single")


def lesson_headings(key: str, root: Path = COURSE_ROOT) -> set[str]:
    """The markdown headings of the lesson ``notebooks/<key>.ipynb``, without their #'s."""
    import nbformat

    nb = nbformat.read(Path(root) / "notebooks" / f"{key}.ipynb", as_version=4)
    return {line.lstrip("#").strip() for cell in nb.cells if cell.cell_type == "markdown"
            for line in cell.source.splitlines() if line.startswith("#")}


def anchor(heading: str) -> str:
    """The id JupyterLab gives a heading (spaces become hyphens), for a link ``lesson.ipynb#anchor``."""
    return heading.strip().replace(" ", "-")
