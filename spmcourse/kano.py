"""The Kano model: the evaluation table, the category of a feature, Berger's coefficients, and top-2-box.

A Kano questionnaire asks two questions per feature: the *functional* one ("How would you feel if the product
had it?") and the *dysfunctional* one ("... if it did not have it?"), each answered on the scale
``like``, ``must-be``, ``neutral``, ``live-with``, ``dislike`` (Kano, Seraku, Takahashi & Tsuji 1984). The
evaluation table turns each answer pair into one of six categories:

A attractive, O one-dimensional, M must-be, I indifferent, R reverse, Q questionable.

Conventions pinned in this course (the literature varies):

* The category of a feature is the most frequent category among the **valid** answers, A, O, M, I and R;
  questionable (Q) answers are left out, because they say the respondent misread the question.
* Ties are broken by the order M > O > A > I > R (:data:`TIE_BREAK`): the rule "if in doubt, M > O > A > I" of
  Matzler & Hinterhuber (1998). It favours the category whose neglect hurts most.
* Berger et al. (1993): satisfaction coefficient CS+ = (A + O) / (A + O + M + I) and dissatisfaction coefficient
  CS- = -(O + M) / (A + O + M + I). R and Q are not in the denominator.
* Top-2-box of a 1-5 rating: the share of ratings of 4 or 5, among the people who answered.

Examples
--------
>>> kano_category("like", "dislike"), kano_category("must-be", "dislike"), kano_category("like", "neutral")
('O', 'M', 'A')
>>> counts = category_counts(["like", "like", "neutral", "must-be"], ["dislike", "neutral", "dislike", "dislike"])
>>> counts
{'A': 1, 'O': 1, 'M': 2, 'I': 0, 'R': 0, 'Q': 0}
>>> majority_category(counts)
'M'
>>> berger(counts)
(0.5, -0.75)
>>> top_two_box([5, 4, 3, 2, 5])
0.6
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

#: The five answers, in the order of the evaluation table's rows and columns.
ANSWERS: tuple[str, ...] = ("like", "must-be", "neutral", "live-with", "dislike")
#: The six categories, in the order the course reports them.
CATEGORIES: tuple[str, ...] = ("A", "O", "M", "I", "R", "Q")
CATEGORY_NAMES: dict[str, str] = {"A": "attractive", "O": "one-dimensional", "M": "must-be", "I": "indifferent",
                                  "R": "reverse", "Q": "questionable"}
#: Tie-break among the valid categories (Matzler & Hinterhuber 1998: M > O > A > I; R last).
TIE_BREAK: tuple[str, ...] = ("M", "O", "A", "I", "R")

#: The evaluation table: row = functional answer, column = dysfunctional answer (Kano et al. 1984).
EVALUATION_TABLE: dict[str, dict[str, str]] = {
    "like":      {"like": "Q", "must-be": "A", "neutral": "A", "live-with": "A", "dislike": "O"},
    "must-be":   {"like": "R", "must-be": "I", "neutral": "I", "live-with": "I", "dislike": "M"},
    "neutral":   {"like": "R", "must-be": "I", "neutral": "I", "live-with": "I", "dislike": "M"},
    "live-with": {"like": "R", "must-be": "I", "neutral": "I", "live-with": "I", "dislike": "M"},
    "dislike":   {"like": "R", "must-be": "R", "neutral": "R", "live-with": "R", "dislike": "Q"},
}


def kano_category(functional: str, dysfunctional: str) -> str:
    """The category (A, O, M, I, R or Q) of one answer pair, looked up in :data:`EVALUATION_TABLE`."""
    try:
        return EVALUATION_TABLE[functional][dysfunctional]
    except KeyError:
        raise ValueError(f"Kano answers must be one of {ANSWERS}; got {functional!r}, {dysfunctional!r}") from None


def categorise(functional: Iterable[str], dysfunctional: Iterable[str]) -> list[str]:
    """The category of every answer pair."""
    return [kano_category(f, d) for f, d in zip(functional, dysfunctional)]


def category_counts(functional: Iterable[str], dysfunctional: Iterable[str]) -> dict[str, int]:
    """How many answer pairs fall into each of the six categories (all six keys, in :data:`CATEGORIES` order)."""
    cats = categorise(functional, dysfunctional)
    return {c: cats.count(c) for c in CATEGORIES}


def majority_category(counts: Mapping[str, int]) -> str:
    """The most frequent valid category (Q ignored); ties broken by :data:`TIE_BREAK` (M > O > A > I > R).

    >>> majority_category({"A": 10, "O": 10, "M": 3, "I": 10, "R": 0, "Q": 20})
    'O'
    """
    top = max(counts.get(c, 0) for c in TIE_BREAK)
    return next(c for c in TIE_BREAK if counts.get(c, 0) == top)


def berger(counts: Mapping[str, int]) -> tuple[float, float]:
    """Berger et al. (1993): (CS+, CS-) = ((A+O)/(A+O+M+I), -(O+M)/(A+O+M+I))."""
    a, o, m, i = (counts.get(c, 0) for c in "AOMI")
    total = a + o + m + i
    if total == 0:
        raise ValueError("Berger's coefficients need at least one A, O, M or I answer")
    return (a + o) / total, -(o + m) / total


def top_two_box(ratings: Iterable[float], top: int = 5) -> float:
    """Share of the answered ratings that are ``top`` or ``top - 1`` (missing answers left out)."""
    values = pd.Series(list(ratings), dtype=float).dropna()
    if values.empty:
        raise ValueError("no ratings")
    return float((values >= top - 1).mean())


def kano_table(survey: pd.DataFrame, features: Iterable[str]) -> pd.DataFrame:
    """One row per feature: the six counts, the majority ``category``, ``cs_plus`` and ``cs_minus``.

    ``survey`` has the columns ``kano_<feature>_functional`` and ``kano_<feature>_dysfunctional``.
    """
    rows = []
    for feature in features:
        counts = category_counts(survey[f"kano_{feature}_functional"], survey[f"kano_{feature}_dysfunctional"])
        cs_plus, cs_minus = berger(counts)
        rows.append({"feature": feature, **counts, "n": sum(counts.values()),
                     "category": majority_category(counts), "cs_plus": cs_plus, "cs_minus": cs_minus})
    return pd.DataFrame(rows).set_index("feature")
