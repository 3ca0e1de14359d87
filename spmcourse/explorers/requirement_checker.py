"""Requirement checker (module 07): type a requirement -> the lint flags and why.

The checker applies the course's pinned rules (:mod:`spmcourse.requirements_quality`): the weak-word list, the
"shall" keyword, one requirement per statement, a number in every quality requirement, and for user stories the
role-means-end template and atomicity. It shows each flag with its reason. No flag does not mean the requirement
is good: the rules cannot see whether it is the right requirement, feasible or complete.

Examples
--------
>>> r = check_requirement("The rota page shall load fast.", kind="quality")
>>> r["flags"], r["weak_terms"]
(['ambiguous', 'unmeasurable'], ['fast'])
>>> check_requirement("As a planner, I want to copy a week, so that I save time.", form="story")["flags"]
[]
>>> "No flags" in render_check(check_requirement("The system shall log every login.", kind="feature"))
True
"""
from __future__ import annotations

import html

from spmcourse import requirements_quality as rq

EXAMPLE = "The mobile app should be fast and user-friendly, and shall work offline where possible."


def check_requirement(text: str, kind: str = "feature", form: str = "shall") -> dict:
    """Flags, reasons, weak terms (with their category) and, for stories, the parsed role, means and end."""
    flags = rq.lint(text, kind, form)
    story = rq.check_story(text) if form == "story" else None
    if story:
        flags = flags + story["flags"]
    terms = rq.weak_terms_in(text)
    return {"text": text, "kind": kind, "form": form, "flags": flags, "reasons": rq.explain(flags, text),
            "weak_terms": terms, "term_categories": {t: rq.WEAK_TERM_CATEGORY[t] for t in terms},
            "story": story}


def render_check(result: dict) -> str:
    """The check as a small HTML report (the checker's 'plot')."""
    parts = [f"<p><b>Requirement</b> ({result['kind']}, {result['form']}): <i>{html.escape(result['text'])}</i></p>"]
    if result["flags"]:
        items = "".join(f"<li><b>{f}</b>: it {html.escape(r)}</li>" for f, r in zip(result["flags"], result["reasons"]))
        parts.append(f"<p style='color:#c0392b'><b>{len(result['flags'])} flag(s)</b></p><ul>{items}</ul>")
    else:
        parts.append("<p style='color:#2e8b57'><b>No flags.</b> The rules found nothing; a reviewer still "
                     "checks that it is the right requirement, feasible and complete.</p>")
    if result["term_categories"]:
        terms = ", ".join(f"'{html.escape(t)}' ({c})" for t, c in result["term_categories"].items())
        parts.append(f"<p>Weak terms: {terms}</p>")
    story = result["story"]
    if story and story["role"]:
        parts.append(f"<p>Role: {html.escape(story['role'])} · Means: {html.escape(story['means'])} · "
                     f"End: {html.escape(story['end'] or '(missing)')}</p>")
    return "\n".join(parts)


def build_requirement_checker(text: str = EXAMPLE):
    """A text box and two dropdowns wired to the report; returns the container (not displayed)."""
    import ipywidgets as widgets
    from IPython.display import HTML, display
    from spmcourse.explorers._widgets import explorer_box

    controls = {
        "text": widgets.Textarea(value=text, description="requirement",
                                 layout=widgets.Layout(width="95%", height="70px"), continuous_update=False),
        "kind": widgets.Dropdown(options=["feature", "quality", "constraint"], value="quality", description="kind"),
        "form": widgets.Dropdown(options=["shall", "story"], value="shall", description="form"),
    }

    def update(text, kind, form):
        display(HTML(render_check(check_requirement(text, kind, form))))

    output = widgets.interactive_output(update, controls)
    return explorer_box(controls, output, controls["text"], widgets.HBox([controls["kind"], controls["form"]]))
