"""Requirements quality: a rule-based lint, a user-story template check, traceability coverage and triage.

Everything here is a *rule*, pinned so that two people applying it get the same answer. The rules catch the
cheap, common defects; they do not prove that a requirement is good.

* **Lint** (:func:`lint`). Four flags:

  - ``ambiguous``: the text contains a word or phrase of :data:`WEAK_TERMS` (whole words, case ignored);
  - ``no_shall``: a requirement statement without "shall", the keyword ISO/IEC/IEEE 29148:2018 uses for a
    binding requirement ("will", "should", "must" and "can" are not binding in its convention);
  - ``compound``: "shall" more than once, so several requirements share one statement (not singular);
  - ``unmeasurable``: a quality requirement with no number in it, so there is no fit criterion to test.

* **User stories** (:func:`check_story`): the template "As a <role>, I want <means>, so that <end>" (the
  Connextra template; Cohn 2004). Flags ``not_a_story`` (no role or no means), ``no_end`` (the course requires
  the end; the Quality User Story framework of Lucassen et al. 2016 treats it as optional) and ``not_atomic``
  (the means joins two wishes with "and", "or" or "/", QUS's *atomic* criterion).

* **Traceability** (:func:`trace_coverage`): the share of requirements that trace back to a backlog item (a
  market need) and forward to at least one acceptance test.

* **Triage** (:func:`triage`): rules applied in order to each incoming request, first match wins (see
  :data:`TRIAGE_RULES`).

Examples
--------
>>> lint("The schedule page shall load quickly.", kind="quality")
['ambiguous', 'unmeasurable']
>>> weak_terms_in("Managers shall export rotas as PDF and/or CSV, etc.")
['and/or', 'etc.']
>>> lint("The system shall export the rota as PDF within 5 seconds for 500 shifts.", kind="quality")
[]
>>> check_story("As a shift manager, I want to copy last week's rota, so that I save time on Mondays.")["flags"]
[]
>>> check_story("As a nurse, I want to swap shifts and see my payslip.")["flags"]
['no_end', 'not_atomic']
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

#: The weak terms the lint flags, by the kind of vagueness. The categories follow the requirements-language
#: criteria of ISO/IEC/IEEE 29148:2018 (subjective terms, vague adverbs and adjectives, superlatives, loopholes,
#: open-ended terms); the weak phrases and options go back to NASA's Automated Requirement Measurement tool
#: (Wilson, Rosenberg & Hyatt 1997). The selection of words is this course's own and deliberately short.
WEAK_TERMS: dict[str, tuple[str, ...]] = {
    "subjective": ("user-friendly", "user friendly", "easy", "easy to use", "intuitive", "simple", "seamless",
                   "seamlessly", "flexible", "robust", "modern"),
    "vague quantity or speed": ("fast", "quick", "quickly", "efficient", "efficiently", "minimal", "significant",
                                "sufficient", "adequate", "reasonable", "several", "many", "timely", "large"),
    "superlative": ("best", "optimal", "state-of-the-art"),
    "loophole": ("if possible", "where possible", "as appropriate", "as applicable", "as required", "as needed"),
    "open-ended": ("etc.", "and/or", "and so on", "but not limited to"),
    "weak phrase or option": ("be able to", "be capable of", "may", "optionally", "normal"),
}
#: Every weak term, with its category.
WEAK_TERM_CATEGORY: dict[str, str] = {term: cat for cat, terms in WEAK_TERMS.items() for term in terms}

FLAG_REASONS: dict[str, str] = {
    "ambiguous": "contains vague words a tester cannot check ({terms})",
    "no_shall": "is not stated with 'shall', so it is not clear that it binds (ISO/IEC/IEEE 29148 keyword)",
    "compound": "holds several requirements ('shall' appears {n} times); split it so each can pass or fail alone",
    "unmeasurable": "is a quality requirement without a number: there is no fit criterion to test against",
    "not_a_story": "does not follow 'As a <role>, I want <means>, ...': the role or the means is missing",
    "no_end": "has no 'so that <end>': the reason, which lets the team find a cheaper way, is missing",
    "not_atomic": "asks for more than one thing in its means ('and', 'or' or '/'); split the story",
}


def _pattern(term: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", re.IGNORECASE)


_PATTERNS = {term: _pattern(term) for term in WEAK_TERM_CATEGORY}
_SHALL = re.compile(r"\bshall\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def weak_terms_in(text: str) -> list[str]:
    """The weak terms of :data:`WEAK_TERMS` that occur in ``text``, in order of first occurrence.

    A term inside a longer listed term counts once, as the longer term ("easy to use", not also "easy").
    """
    hits = []
    for term, pattern in _PATTERNS.items():
        for match in pattern.finditer(text):
            hits.append((match.start(), -len(term), match.end(), term))
    hits.sort()
    found, covered_to = [], -1
    for start, _, end, term in hits:
        if start < covered_to:
            continue
        if term not in found:
            found.append(term)
        covered_to = end
    return found


def lint(text: str, kind: str = "feature", form: str = "shall") -> list[str]:
    """The lint flags of one requirement, in the order ambiguous, no_shall, compound, unmeasurable.

    ``kind`` is ``feature``, ``quality`` or ``constraint``; ``form`` is ``shall`` (a requirement statement) or
    ``story`` (a user story, which is not expected to say "shall").
    """
    flags = []
    if weak_terms_in(text):
        flags.append("ambiguous")
    shalls = len(_SHALL.findall(text))
    if form == "shall" and shalls == 0:
        flags.append("no_shall")
    if shalls > 1:
        flags.append("compound")
    if kind == "quality" and not _DIGIT.search(text):
        flags.append("unmeasurable")
    return flags


_STORY = re.compile(
    r"^\s*as an?\s+(?P<role>[^,]+?)\s*,\s*i (?:want|need|would like)\s+(?:to\s+)?(?P<means>.+?)"
    r"(?:\s*,?\s*so that\s+(?P<end>.+?))?\s*\.?\s*$",
    re.IGNORECASE)
_JOINER = re.compile(r"\b(?:and|or)\b|/", re.IGNORECASE)


def check_story(text: str) -> dict:
    """Parse a user story: ``role``, ``means``, ``end`` (None when missing) and ``flags``."""
    match = _STORY.match(text)
    if not match:
        return {"role": None, "means": None, "end": None, "flags": ["not_a_story"]}
    role, means, end = match.group("role"), match.group("means"), match.group("end")
    flags = []
    if not end:
        flags.append("no_end")
    if _JOINER.search(means):
        flags.append("not_atomic")
    return {"role": role, "means": means, "end": end, "flags": flags}


def explain(flags: Iterable[str], text: str = "") -> list[str]:
    """One sentence per flag saying why it was raised."""
    terms = ", ".join(f"'{t}'" for t in weak_terms_in(text))
    n = len(_SHALL.findall(text))
    return [FLAG_REASONS[f].format(terms=terms, n=n) for f in flags]


def lint_table(requirements: pd.DataFrame) -> pd.DataFrame:
    """The flags of every requirement: one boolean column per flag, plus ``flags`` (a list) and ``n_flags``.

    ``requirements`` has ``req_id``, ``kind``, ``form`` and ``text``. Story flags apply to stories only.
    """
    rows = []
    for r in requirements.itertuples(index=False):
        flags = lint(r.text, r.kind, r.form)
        if r.form == "story":
            flags += check_story(r.text)["flags"]
        rows.append({"req_id": r.req_id, "flags": flags})
    table = pd.DataFrame(rows).set_index("req_id")
    for flag in FLAG_REASONS:
        table[flag] = table["flags"].map(lambda fs, f=flag: f in fs)
    table["n_flags"] = table["flags"].map(len)
    return table


def trace_coverage(requirements: pd.DataFrame) -> dict[str, float]:
    """Shares of requirements with a backlog item (``backward``), with a test (``forward``), and with both.

    Empty cells (NaN or "") count as missing links.

    >>> reqs = pd.DataFrame({"item_id": ["K01", None, "K02", "K03"], "test_ids": ["T1", "T2", None, ""]})
    >>> trace_coverage(reqs)
    {'backward': 0.75, 'forward': 0.5, 'both': 0.25}
    """
    has_item = requirements["item_id"].fillna("").astype(str).str.strip() != ""
    has_test = requirements["test_ids"].fillna("").astype(str).str.strip() != ""
    return {"backward": float(has_item.mean()), "forward": float(has_test.mean()),
            "both": float((has_item & has_test).mean())}


#: Triage rules, applied in this order; the first that matches decides.
TRIAGE_RULES: tuple[tuple[str, str], ...] = (
    ("route", "the request is a bug report or a how-to question, not a feature request: route it to support"),
    ("merge", "it matches an existing backlog item: add it as evidence to that item"),
    ("decline", "its theme is outside the product scope (OUT_OF_SCOPE): decline politely and say why"),
    ("evaluate", "at least EVALUATE_MIN_CUSTOMERS different customers asked for this theme: evaluate it"),
    ("park", "anything else: park it and look again when more customers ask"),
)
#: Themes Kestrel has decided not to build (its product scope is workforce scheduling and time tracking).
OUT_OF_SCOPE: frozenset[str] = frozenset({"accounting_ledger", "crm", "inventory"})
#: Distinct customers needed for a new theme to be evaluated.
EVALUATE_MIN_CUSTOMERS: int = 5


def triage(requests: pd.DataFrame, out_of_scope: Iterable[str] = OUT_OF_SCOPE,
           min_customers: int = EVALUATE_MIN_CUSTOMERS) -> pd.Series:
    """The triage decision of every request (a Series indexed like ``requests``).

    ``requests`` has ``kind`` (feature, bug or question), ``item_id`` (empty if no backlog item matches),
    ``theme`` and ``customer_id``. Distinct customers are counted per theme over all feature requests.

    >>> req = pd.DataFrame({"kind": ["bug", "feature", "feature", "feature", "feature"],
    ...     "item_id": [None, "K01", None, None, None], "theme": ["x", "sso", "crm", "swap", "swap"],
    ...     "customer_id": ["C1", "C1", "C2", "C3", "C4"]})
    >>> list(triage(req, min_customers=2))
    ['route', 'merge', 'decline', 'evaluate', 'evaluate']
    """
    out_of_scope = set(out_of_scope)
    features = requests[requests["kind"] == "feature"]
    reach: Mapping[str, int] = features.groupby("theme")["customer_id"].nunique().to_dict()
    has_item = requests["item_id"].fillna("").astype(str).str.strip() != ""

    def decide(kind, item, theme):
        if kind != "feature":
            return "route"
        if item:
            return "merge"
        if theme in out_of_scope:
            return "decline"
        if reach.get(theme, 0) >= min_customers:
            return "evaluate"
        return "park"

    return pd.Series([decide(k, i, t) for k, i, t in zip(requests["kind"], has_item, requests["theme"])],
                     index=requests.index, name="decision")
