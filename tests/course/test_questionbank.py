"""The question bank (spmcourse/questions/*.yml): its schema, and every rule of issue 19 and the authors' brief.

The rules run on every question file that exists; every available module 01-11 must have one, so a module that
becomes available later has to add its questions. The loader's messages and the rules themselves are proven on a
small fixture bank (tests/fixtures/questions/) and on broken copies of it.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from spmcourse import COURSE_ROOT, framework
from spmcourse.authoring import curriculum
from spmcourse.authoring import questionbank as qb

FIXTURE = Path(__file__).parent.parent / "fixtures" / "questions"
BANK_FILES = qb.files()
QUIZ_MODULES = [m for m in curriculum.available_modules() if "01" <= m.number <= "11"]
MIN_PER_MODULE, MIN_PER_AREA = 15, 3
FILE_SPREAD, BANK_SPREAD = 0.30, 0.35  # the authors' brief (per file) and the issue (over the bank)


# --- The rules, as functions that return what is wrong (so that they can be shown to catch it) -------------------

def spread_problem(questions, limit: float, where: str) -> str:
    pos = qb.position_counts(questions)
    total = sum(pos.values())
    if total and max(pos.values()) > limit * total + 1e-9:
        letter, n = pos.most_common(1)[0]
        return (f"{where}: {n} of {total} single-answer questions have their correct option at {letter} "
                f"(more than {limit:.0%}); move some")
    return ""


def section_problems(questions, root: Path = COURSE_ROOT) -> list[str]:
    heads: dict[str, set[str]] = {}
    wrong = []
    for q in questions:
        if q.key not in heads:
            heads[q.key] = qb.lesson_headings(q.key, root)
        if q.section not in heads[q.key]:
            wrong.append(f"{q.id}: section {q.section!r} is not a heading of notebooks/{q.key}.ipynb")
    return wrong


def duplicate_stems(questions) -> list[str]:
    norm = Counter(re.sub(r"\s+", " ", q.stem).strip().lower() for q in questions)
    return [q.id for q in questions if norm[re.sub(r"\s+", " ", q.stem).strip().lower()] > 1]


def area_shortfalls(questions, areas) -> dict[str, int]:
    per = Counter(a for q in questions for a in q.sub_areas)
    return {a: per[a] for a in areas if per[a] < MIN_PER_AREA}


# --- Every available module 01-11 has a file --------------------------------------------------------------------

@pytest.mark.parametrize("module", QUIZ_MODULES, ids=lambda m: m.key)
def test_every_available_module_has_a_question_file(module):
    path = qb.folder() / f"{module.key}.yml"
    assert path.is_file(), (f"module {module.key} is available but has no question file {path.relative_to(COURSE_ROOT)}"
                            "; write at least 15 questions (docs/authoring.md, \"Question bank\")")


def test_no_stray_question_files():
    keys = {m.key for m in curriculum.modules()}
    stray = [p.name for p in BANK_FILES if p.stem not in keys]
    assert not stray, f"question files not named after a module's NN-slug: {stray}"


# --- Per file ---------------------------------------------------------------------------------------------------

# (with no file at all the one parameter is a missing file, which fails: never an empty, skipped set)
@pytest.mark.parametrize("path", BANK_FILES or [qb.folder() / "no-question-files.yml"], ids=lambda p: p.stem)
def test_file_follows_the_schema_and_the_rules(path):
    questions = qb.load_file(path)  # the schema: raises naming the file and question
    module = curriculum.module(path.stem)
    assert len(questions) >= MIN_PER_MODULE, f"{path.name}: {len(questions)} questions, at least {MIN_PER_MODULE}"
    assert not area_shortfalls(questions, module.areas), \
        f"{path.name}: fewer than {MIN_PER_AREA} questions for {area_shortfalls(questions, module.areas)}"
    assert not spread_problem(questions, FILE_SPREAD, path.name)
    assert not section_problems(questions)
    assert not duplicate_stems(questions), f"{path.name}: duplicate stems {duplicate_stems(questions)}"
    ids = [q.id for q in questions]
    assert ids == sorted(ids), f"{path.name}: ids must be in order"


# --- Over the bank ----------------------------------------------------------------------------------------------

def test_bank_loads_and_its_rules_hold():
    questions = qb.load()
    assert not duplicate_stems(questions), f"duplicate stems: {duplicate_stems(questions)}"
    assert not spread_problem(questions, BANK_SPREAD, "the bank")
    # every sub-area of every available module 01-11 (together: the whole framework) has 3 questions
    areas = sorted({a for m in QUIZ_MODULES for a in m.areas})
    assert not area_shortfalls(questions, areas), f"sub-areas short of questions: {area_shortfalls(questions, areas)}"


def test_the_modules_cover_the_whole_framework():
    """So that the per-module minimums give every framework sub-area its questions."""
    covered = {a for m in curriculum.modules() if "01" <= m.number <= "11" for a in m.areas}
    assert covered == set(framework.sub_areas()["sub_area"])


# --- The loader and the rules on the fixture bank ----------------------------------------------------------------

def test_fixture_bank_loads_with_letters_and_access():
    questions = qb.load(FIXTURE)
    assert [q.id for q in questions] == ["05-01", "05-02", "05-03"]
    assert questions[0].correct == {"B"} and questions[1].correct == {"A", "C"}
    assert [o.letter for o in questions[1].options] == ["A", "B", "C", "D"]
    assert questions[0].key == "05-business-case-and-pricing"
    assert [q.id for q in qb.for_sub_area("Pricing", questions)] == ["05-02", "05-03"]
    assert [q.id for q in qb.for_module("05", FIXTURE)] == ["05-01", "05-02", "05-03"]
    assert qb.for_module("06", FIXTURE) == []
    assert not section_problems(questions)


def _broken(tmp_path, change) -> Path:
    data = yaml.safe_load((FIXTURE / "05-business-case-and-pricing.yml").read_text())
    change(data)
    path = tmp_path / "05-business-case-and-pricing.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _set(i, key, value):
    return lambda d: d["questions"][i].__setitem__(key, value)


def _option(i, j, key, value):
    return lambda d: d["questions"][i]["options"][j].__setitem__(key, value)


BROKEN = {
    "two correct in a single": (_option(0, 0, "correct", True), "05-01", "exactly one correct option"),
    "no correct in a single": (_option(2, 2, "correct", False), "05-03", "exactly one correct option"),
    "choose two with three correct": (_option(1, 1, "correct", True), "05-02", "Choose three."),
    "stem does not say how many": (_set(0, "stem", "What is the NPV?"), "05-01", "Choose one."),
    "duplicate option": (_option(0, 3, "text", "10"), "05-01", "same text"),
    "three options": (lambda d: d["questions"][2]["options"].pop(), "05-03", "4 or 5 options"),
    "unknown sub-area": (_set(1, "sub_areas", ["Prices"]), "05-02", "unknown sub-area 'Prices'"),
    "bad level": (_set(1, "level", "K4"), "05-02", "level must be"),
    "bad answer kind": (_set(1, "answer", "several"), "05-02", "single or multiple"),
    "missing why": (_option(2, 1, "why", ""), "05-03", "option B has no why"),
    "id of another module": (_set(2, "id", "06-03"), "06-03", 'id must be "05-NN"'),
    "missing section": (lambda d: d["questions"][0].pop("section"), "05-01", "missing section"),
    "id twice": (_set(2, "id", "05-01"), "05-01", "used twice"),
    "correct not a boolean": (_option(0, 1, "correct", "yes"), "05-01", "true or false"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_loader_names_file_question_and_problem(tmp_path, case):
    change, qid, problem = BROKEN[case]
    with pytest.raises(qb.QuestionBankError) as err:
        qb.load_file(_broken(tmp_path, change))
    message = str(err.value)
    assert "05-business-case-and-pricing.yml" in message and f"question {qid}" in message and problem in message


def test_loader_rejects_a_file_that_is_not_a_bank(tmp_path):
    path = tmp_path / "05-business-case-and-pricing.yml"
    path.write_text("module: '05'\nquestions: [\n")
    with pytest.raises(qb.QuestionBankError, match="not valid YAML"):
        qb.load_file(path)
    path.write_text("module: '06'\nquestions: []\n")
    with pytest.raises(qb.QuestionBankError, match='module: "05"'):
        qb.load_file(path)
    (tmp_path / "99-nothing.yml").write_text("module: '99'\nquestions: []\n")
    with pytest.raises(qb.QuestionBankError, match="99-nothing.yml.*not NN-slug"):
        qb.load_file(tmp_path / "99-nothing.yml")


def test_rules_catch_what_they_are_for(tmp_path):
    questions = qb.load(FIXTURE)
    # correct answers at B and C: each 50 % of the single-answer questions
    assert "more than 30%" in spread_problem(questions, FILE_SPREAD, "fixture")
    assert not spread_problem(questions, 0.5, "fixture")
    moved = qb.load_file(_broken(tmp_path, _set(0, "section", "How much is the plan worth?")))
    assert section_problems(moved) == ["05-01: section 'How much is the plan worth?' is not a heading of "
                                       "notebooks/05-business-case-and-pricing.ipynb"]
    twin = qb.load_file(_broken(tmp_path, _set(2, "stem", questions[0].stem.replace("A plan", "A  plan"))))
    assert duplicate_stems(twin) == ["05-01", "05-03"]
    assert area_shortfalls(questions, ["Pricing", "Financial Management"]) == {"Pricing": 2,
                                                                                "Financial Management": 1}
