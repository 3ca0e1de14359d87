"""The practice exam (spmcourse/learner/exam.py): the draw, the committed master, and a drawn paper graded end to end.

The end-to-end test draws a paper from a made-up bank (6 questions per module, in a temporary course), answers
some questions right and some wrong, grades it with the real self-grading path (nbgrader, clean kernels) and
reads the review: the score per chapter and sub-area, every option's explanation, and no hidden test shown.
"""
from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from coursekit import answer
from spmcourse.authoring import curriculum
from spmcourse.learner import exam, selfgrade
from spmcourse.authoring import questionbank as qb
from spmcourse.errors import CourseError
from spmcourse.authoring.notebooks import dumps, read

pytestmark = pytest.mark.xdist_group("exam")
MODULES = [m for m in curriculum.modules() if "01" <= m.number <= "11"]


def test_chapter_quotas_are_pinned():
    assert exam.quotas() == {1: 5, 2: 17, 3: 7, 4: 3, 5: 8}
    assert sum(exam.quotas(40).values()) == 40 and sum(exam.quotas(23).values()) == 23
    assert sorted(m for _, ms, _ in exam.CHAPTERS.values() for m in ms) == [m.number for m in MODULES]


def _made_up_bank(folder: Path, per_module: int = 6) -> Path:
    """A bank of valid questions for every module 01-11, each with its right answer at a known letter."""
    folder.mkdir(parents=True, exist_ok=True)
    for m in MODULES:
        questions = []
        for i in range(1, per_module + 1):
            right = i % 4
            options = [{"text": f"Option {k} of {m.number}-{i:02d}", "correct": k == right,
                        "why": f"Why option {'ABCD'[k]} of {m.number}-{i:02d} is {'right' if k == right else 'wrong'}."}
                       for k in range(4)]
            questions.append({"id": f"{m.number}-{i:02d}", "sub_areas": list(m.areas[:1]), "level": "K1",
                              "answer": "single", "stem": f"Made-up question {i} of module {m.number}. Choose one.",
                              "options": options, "section": "Summary"})
        (folder / f"{m.key}.yml").write_text(yaml.safe_dump({"module": m.number, "questions": questions}))
    return folder


def test_draw_follows_the_quotas_and_the_seed(tmp_path):
    questions = qb.load(_made_up_bank(tmp_path / "bank"))
    paper = exam.draw(questions, 7)
    assert len(paper) == 40 and len({q.id for q in paper}) == 40
    assert Counter(exam.chapter_of(q.module) for q in paper) == exam.quotas()
    assert [q.id for q in exam.draw(questions, 7)] == [q.id for q in paper]
    assert [q.id for q in exam.draw(questions, 8)] != [q.id for q in paper]
    with pytest.raises(CourseError, match="chapter 4 .*needs 3"):
        exam.draw([q for q in questions if q.module != "02" and q.id not in ("03-01", "03-02", "03-03", "03-04")], 7)


def test_committed_master_is_in_sync_with_the_bank():
    fresh = exam.notebook(exam.draw(qb.load(), exam.MASTER_SEED), exam.MASTER_SEED)
    assert dumps(read(exam.master_path())) == dumps(fresh), (
        "source/12-practice-exam is not the paper the bank draws: run `spm exam --master`, then "
        "`python -m spmcourse.cli release 12-practice-exam`, and commit both")


def test_master_lists_its_graded_cells_in_the_curriculum():
    extra = curriculum.find_assignment(exam.ASSIGNMENT)
    nb = read(ROOT / extra.source_notebook)
    graded = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded == sorted(extra.graded) and len(graded) == exam.QUESTIONS


def test_checks_say_what_is_wrong_without_the_answer():
    exam.check_form({"b"}, "q01", "ABCD", 1)
    for value, message in [("B", "should be a set"), ({"B", "C"}, "choose 1; you chose 2"),
                           ({"F"}, "F is not an option"), ({1}, "a letter in quotes")]:
        with pytest.raises(AssertionError, match=message):
            exam.check_form(value, "q01", "ABCD", 1)
    exam.check_answer({"A", "c"}, "q02", {"A", "C"}, "ABCD")
    with pytest.raises(AssertionError) as err:
        exam.check_answer({"A", "B"}, "q02", {"A", "C"}, "ABCD")
    assert "q02: not the right option(s)" in str(err.value) and "C" not in str(err.value).replace("After", "")


@pytest.fixture
def exam_course(tmp_path, monkeypatch) -> Path:
    """A course with the config, curriculum, header, the exam's release and a made-up bank."""
    monkeypatch.delenv("SPM_WORKSPACE", raising=False)
    root = tmp_path / "course"
    for rel in ("nbgrader_config.py", "curriculum.yml", "source/header.ipynb"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, root / rel)
    shutil.copytree(ROOT / "release" / exam.ASSIGNMENT, root / "release" / exam.ASSIGNMENT)
    _made_up_bank(root / qb.QUESTIONS)
    return root


def test_a_drawn_paper_is_graded_with_a_review(exam_course):
    root = exam_course
    mine = exam.new_paper(7, root)
    assert mine == root / "work" / exam.ASSIGNMENT / exam.NOTEBOOK
    paper = exam.paper_questions(root)  # q01_test -> question id
    bank = qb.by_id(qb.load(None, root))
    assert [paper[f"q{i:02d}_test"] for i in range(1, 41)] == [q.id for q in exam.draw(list(bank.values()), 7)]
    # right for the first 30 questions, wrong for 31-39, 40 left unanswered
    answers = {}
    for i, qid in enumerate(paper.values(), 1):
        right = sorted(bank[qid].correct)[0]
        wrong = next(x for x in "ABCD" if x != right)
        if i <= 39:
            answers[f"q{i:02d}"] = f'q{i:02d} = {{"{right if i <= 30 else wrong}"}}'
    answer(mine, answers)
    attempt = selfgrade.grade(exam.ASSIGNMENT, root)
    assert attempt.graded, attempt.reason
    assert (attempt.auto_score, attempt.auto_max) == (30, 40)
    review = exam.review_path(root).read_text()
    assert review.startswith("# Practice exam: 30 of 40 points, passed (pass mark 65%)")
    assert "| chapter 5: Orchestration | 0 of 8 | 0% |" in review  # questions 33-40 are chapter 5's
    assert "| chapter 1: Introduction to software product management | 5 of 5 | 100% |" in review
    q31 = paper["q31_test"]
    assert f"## Question 31 ({q31}): wrong" in review and f"## Question 1 ({paper['q01_test']}): right" in review
    assert all(o.why in review for q in paper.values() for o in bank[q].options)
    assert "Your answer: no answer." in review  # question 40
    assert "notebooks/" in review and "#Summary" in review  # the link to the lesson section
    shown = selfgrade.report(attempt, root) + "".join(p.read_text() for p in (root / "work" / "feedback").rglob("*.html"))
    assert "check_answer(" not in shown and "review.md" in shown
    # a second paper keeps the first one's answers in earlier/
    exam.new_paper(8, root)
    kept = list((mine.parent / "earlier").glob("*.ipynb"))
    assert len(kept) == 1 and any(c.source.startswith('q01 = {"') for c in read(kept[0]).cells)


def test_command_says_which_paper_and_whether_the_master_is_in_sync():
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "spmcourse.cli", "exam"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2 and "spm exam --seed N" in run.stderr
    check = subprocess.run([sys.executable, "-m", "spmcourse.cli", "exam", "--master", "--check"], cwd=ROOT,
                           capture_output=True, text=True)
    in_sync = "is in sync" in check.stdout
    assert (check.returncode == 0) == in_sync and ("in sync" in check.stdout or "spm exam" in check.stderr)
