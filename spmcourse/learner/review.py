"""Where to review: the learner's weakest framework sub-areas, with the lesson sections to revisit.

Only what the learner has attempted counts: the latest graded attempt of each assignment (each answered graded
cell's points count for the sub-areas ``curriculum.yml`` lists for it; a practice exam question counts for its bank
question's sub-areas; a question still as released counts for nothing) and the last check of each quiz question
(1 point, right or not). A sub-area's share is its points over its maximum; the weakest are those with the lowest
share below 100 %. The sections to revisit are those of the questions the learner got wrong, then the sections of
that sub-area in the lessons where they lost points: never a lesson the learner has not worked on.
The progress page (:mod:`spmcourse.learner.progress`) shows :func:`markdown` (with links to the lesson
sections); ``spm progress`` prints :func:`text`, plain text.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from spmcourse import COURSE_ROOT
from spmcourse.authoring import curriculum, questionbank
from spmcourse.learner import quiz, selfgrade


@dataclass
class Weak:
    sub_area: str
    got: float
    of: float
    sections: list[tuple[str, str]] = field(default_factory=list)  # (lesson key, heading)

    @property
    def share(self) -> float:
        return self.got / self.of if self.of else 0.0


def _points(root: Path) -> tuple[dict, dict, set[str], dict]:
    got: dict[str, float] = defaultdict(float)
    of: dict[str, float] = defaultdict(float)
    wrong: set[str] = set()  # bank question ids answered wrong (quiz or exam)
    lost_in: dict[str, set[str]] = defaultdict(set)  # sub-area -> lesson keys where an assignment cell lost points

    def add(areas, score: float, top: float) -> None:
        for area in areas:
            got[area] += score
            of[area] += top

    bank = questionbank.by_id(questionbank.load(None, root))
    history = selfgrade.load_history(root)
    for a in curriculum.assignments(root):
        graded = [x for x in history.get(a.key, []) if x.graded]
        if not graded:
            continue
        paper = {}
        if a.key == "12-practice-exam":
            from spmcourse.learner import exam

            paper = exam.paper_questions(root)
        for gid, cell in graded[-1].cells.items():
            if cell.get("kind") != "auto" or not cell.get("max") or cell.get("unanswered"):
                continue  # a question not answered yet is not a weakness
            score, top = float(cell.get("score") or 0.0), float(cell["max"])
            q = bank.get(paper.get(gid, ""))
            areas = q.sub_areas if q else a.areas_of(gid)
            add(areas, score, top)
            if q and score < top:
                wrong.add(q.id)
            elif score < top:
                for area in areas:
                    lost_in[area].add(a.key)
    for qid, answer in quiz.load_answers(root).items():
        q = bank.get(qid)
        if q:
            add(q.sub_areas, 1.0 if answer["right"] else 0.0, 1.0)
            if not answer["right"]:
                wrong.add(qid)
    return got, of, wrong, lost_in


def weakest(root: Path = COURSE_ROOT, n: int = 3, per_area: int = 2) -> list[Weak]:
    """Up to ``n`` sub-areas below 100 %, weakest first, each with up to ``per_area`` sections to revisit."""
    got, of, wrong, lost_in = _points(Path(root))
    bank = questionbank.load(None, root)
    found = [Weak(a, got[a], of[a]) for a in of if of[a] and got[a] < of[a]]
    found.sort(key=lambda w: (w.share, -w.of, w.sub_area))
    for w in found[:n]:
        questions = [q for q in questionbank.for_sub_area(w.sub_area, bank)
                     if q.id in wrong or q.key in lost_in[w.sub_area]]
        for q in sorted(questions, key=lambda q: (q.id not in wrong, q.id)):
            if (q.key, q.section) not in w.sections and len(w.sections) < per_area:
                w.sections.append((q.key, q.section))
        for key in sorted(lost_in[w.sub_area]):  # no section of the bank covers it: the lesson itself
            if not any(k == key for k, _ in w.sections) and len(w.sections) < per_area:
                w.sections.append((key, ""))
    return found[:n]


def link(key: str, section: str, prefix: str = "") -> str:
    """A markdown link to a lesson section (``prefix``: the path from the page to ``notebooks/``), or to the lesson."""
    if not section:
        return f"[lesson {key[:2]}]({prefix}{key}.ipynb)"
    return f"[{section}]({prefix}{key}.ipynb#{questionbank.anchor(section)})"


_TITLE = "Where to review (your weakest sub-areas, from your grades and quiz answers)"


def markdown(root: Path = COURSE_ROOT, prefix: str = "") -> str:
    """The "where to review" lines, or "" when there is nothing to review yet."""
    lines = [f"- **{w.sub_area}** ({w.got:g} of {w.of:g} points, {w.share:.0%}): revisit "
             + ", ".join(link(k, s, prefix) + (f" ({k[:2]})" if s else "") for k, s in w.sections)
             for w in weakest(root)]
    # JupyterLab 4.6 opens a lesson that is not open yet at its top; once open, a link goes to the section
    note = "\n\n<small>A link opens the lesson; if it shows the lesson's top, click the link again.</small>"
    return f"**{_TITLE}**:\n\n" + "\n".join(lines) + note if lines else ""


def text(root: Path = COURSE_ROOT, prefix: str = "notebooks/") -> str:
    """The same as plain text for a terminal, or "" when there is nothing to review yet."""
    lines = []
    for w in weakest(root):
        lines.append(f"- {w.sub_area} ({w.got:g} of {w.of:g} points, {w.share:.0%}): revisit")
        lines += [f'    "{s}" in {prefix}{k}.ipynb' if s else f"    {prefix}{k}.ipynb" for k, s in w.sections]
    return f"{_TITLE}:\n" + "\n".join(lines) if lines else ""
