"""The quiz in each lesson's "Check yourself" section: the module's questions of the bank, ungraded and offline.

``show_quiz("05")`` returns an ipywidgets view: per question its stem, radio buttons (one answer) or checkboxes
(several), and a **Check** button that says right or wrong and explains every option; a score line at the end
counts the questions checked right. Each checked answer is kept in the learner's workspace,
``work/.course/quiz.json`` (question id -> the letters chosen, right or not, when), read back when the quiz is
shown again and by the progress page (:mod:`spmcourse.learner.progress`) to find the sub-areas to review. A damaged file is
set aside like every state file (:func:`spmcourse.learner.workspace.read_state`).

Three layers, as for the explorers: :func:`load_answers` / :func:`record` are plain data, :func:`feedback_html`
formats one check, and :func:`build_quiz` wires the widgets.
"""
from __future__ import annotations

import html
from pathlib import Path

from spmcourse import COURSE_ROOT
from spmcourse.authoring import questionbank
from spmcourse.learner import workspace

QUIZ_FILE = "quiz.json"
SHAPE = {"answers": {"*": {"chosen": ["str"], "right": "bool", "at?": "str"}}}


def state_file(root: Path = COURSE_ROOT) -> Path:
    return workspace.state_dir(root) / QUIZ_FILE


def load_answers(root: Path = COURSE_ROOT) -> dict[str, dict]:
    """Question id -> {"chosen": [letters], "right": bool, "at": time} of the learner's last check."""
    return workspace.read_state(state_file(root), lambda: {"answers": {}}, SHAPE,
                                "your quiz answers start again empty (nothing else is affected)", root)["answers"]


def record(qid: str, chosen: set[str], right: bool, root: Path = COURSE_ROOT) -> None:
    """Keep the learner's latest check of question ``qid`` (a damaged file is set aside first)."""
    answers = load_answers(root)
    answers[qid] = {"chosen": sorted(chosen), "right": right, "at": workspace.now()}
    workspace.write_json(state_file(root), {"answers": answers})


def feedback_html(q: questionbank.Question, chosen: set[str]) -> str:
    """Right or wrong, and every option's explanation (the chosen ones marked)."""
    right = set(chosen) == set(q.correct)
    head = ("<b style='color:#2e8b57'>Right.</b>" if right else
            f"<b style='color:#b03a2e'>Not quite.</b> The answer is {', '.join(sorted(q.correct))}.")
    items = "".join(
        f"<li><b>{o.letter}</b>{' (your choice)' if o.letter in chosen else ''}: "
        f"{'correct' if o.correct else 'wrong'}. {html.escape(o.why)}</li>" for o in q.options)
    return f"<div class='spm-quiz-feedback'>{head}<ul>{items}</ul></div>"


def build_quiz(module: str, root: Path = COURSE_ROOT, *, bank: Path | None = None):
    """The quiz of ``module`` (``NN`` or ``NN-slug``) as an ipywidgets container (the notebook displays it)."""
    import ipywidgets as widgets

    questions = questionbank.for_module(module, bank)
    if not questions:
        return widgets.HTML("<i>No quiz questions for this module yet.</i>")
    saved = load_answers(root)
    score = widgets.HTML()
    score.add_class("spm-quiz-score")
    results: dict[str, bool] = {qid: a["right"] for qid, a in saved.items() if qid in {q.id for q in questions}}
    boxes = []

    def show_score() -> None:
        right = sum(results.values())
        score.value = (f"<b>Score: {right} of {len(questions)} right</b> "
                       f"({len(results)} of {len(questions)} answered)")

    for i, q in enumerate(questions, 1):
        labels = [f"{o.letter}. {o.text}" for o in q.options]
        before = set(saved.get(q.id, {}).get("chosen", []))
        if q.answer == "single":
            chooser = widgets.RadioButtons(options=labels, value=None, layout=widgets.Layout(width="auto"))
            if len(before) == 1 and next(iter(before)) in "ABCDE"[:len(labels)]:
                chooser.value = labels["ABCDE".index(next(iter(before)))]
            chosen = lambda c=chooser: {c.value[0]} if c.value else set()  # noqa: E731
        else:
            checks = [widgets.Checkbox(description=label, value=label[0] in before, indent=False,
                                       layout=widgets.Layout(width="auto")) for label in labels]
            chooser = widgets.VBox(checks)
            chosen = lambda cs=checks: {c.description[0] for c in cs if c.value}  # noqa: E731
        button = widgets.Button(description="Check", button_style="primary")
        result = widgets.HTML()
        if q.id in results:
            result.value = f"<small>Last time: {'right' if results[q.id] else 'not right'}.</small>"
        stem = html.escape(q.stem).replace("\n", " ")

        def check(_, q=q, chosen=chosen, result=result) -> None:
            letters = chosen()
            if not letters:
                result.value = f"<i>Choose {q.choose} option{'s' * (q.choose > 1)} first.</i>"
                return
            right = letters == set(q.correct)
            results[q.id] = right
            result.value = feedback_html(q, letters)
            show_score()
            try:
                record(q.id, letters, right, root)
            except OSError as err:  # the quiz still works; the answer is only not kept
                result.value += f"<small>Your answer could not be saved ({html.escape(str(err))}).</small>"

        button.on_click(check)
        box = widgets.VBox([widgets.HTML(f"<b>Question {i}.</b> {stem}"), chooser, button, result],
                           layout=widgets.Layout(margin="0 0 12px 0"))
        box.add_class(f"spm-quiz-{q.id}")
        box.check, box.chooser, box.result = button, chooser, result
        boxes.append(box)
    show_score()
    container = widgets.VBox(boxes + [score])
    container.add_class("spm-quiz")
    container.questions, container.score = boxes, score
    return container


def show_quiz(module: str, root: Path = COURSE_ROOT):
    """What a lesson's "Check yourself" cell calls."""
    return build_quiz(module, root)


def lesson_cell(number: str) -> str:
    """The code cell each lesson's "Check yourself" section holds."""
    return f"from spmcourse.learner.quiz import show_quiz\n\nshow_quiz(\"{number}\")"
