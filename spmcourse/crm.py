"""Customer-relationship arithmetic (module 10): RFM quintile scores and a rule-based health score.

Quintile scores follow the course's pinned rule: with n customers, a customer whose value is at least as good
as that of r customers (counting itself and every tie) scores ceil(5 r / n). Ties therefore share the higher
score, and the best customer always scores 5.

Examples
--------
>>> quintile_score(pd.Series([10, 20, 30, 40, 50])).tolist()
[1, 2, 3, 4, 5]
>>> quintile_score(pd.Series([0, 0, 0, 0, 7])).tolist()
[4, 4, 4, 4, 5]
>>> quintile_score(pd.Series([1, 2, 3, 4, 5]), higher_is_better=False).tolist()
[5, 4, 3, 2, 1]
>>> rfm_segment(5, 4)
'Champions'
>>> health_score(seat_trend=-0.3, p1_tickets=1, nps=6, months_since_growth=3)
25
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: RFM segments from the recency and frequency scores, checked in this order (the first that matches wins).
SEGMENT_RULES = (
    ("Champions", lambda r, f: r >= 4 and f >= 4),
    ("Loyal", lambda r, f: r >= 3 and f >= 3),
    ("At risk", lambda r, f: r <= 2 and f >= 3),
    ("New or promising", lambda r, f: r >= 4),
    ("Hibernating", lambda r, f: True),
)


def quintile_score(values: pd.Series, *, higher_is_better: bool = True) -> pd.Series:
    """Score 1-5 by quintile with ties sharing the higher score (see the module docstring)."""
    ranks = values.rank(method="max", ascending=higher_is_better)
    return np.ceil(5 * ranks / len(values)).astype(int)


def rfm_segment(recency_score: int, frequency_score: int) -> str:
    """The segment of :data:`SEGMENT_RULES` that a (recency, frequency) score pair falls in."""
    for name, rule in SEGMENT_RULES:
        if rule(recency_score, frequency_score):
            return name
    raise AssertionError("the last rule matches everything")


def health_score(*, seat_trend: float, p1_tickets: int, nps: float | None, months_since_growth: float) -> int:
    """A simple additive health score, 0-100: four signals of 25 points each (the course's rule).

    - usage: 25 if paid seats grew or held over the last quarter (trend >= 0), 10 if they fell by less than
      20 %, else 0;
    - support: 25 with no P1 (critical) ticket in the last quarter, else 0;
    - sentiment: 25 for a promoter (NPS 9-10), 15 for a passive (7-8) or no answer, 0 for a detractor (0-6);
    - growth: 25 if the customer added seats or upgraded in the last 6 months, 10 within 12 months, else 0.
    """
    usage = 25 if seat_trend >= 0 else 10 if seat_trend > -0.2 else 0
    support = 25 if p1_tickets == 0 else 0
    if nps is None or (isinstance(nps, float) and np.isnan(nps)):
        sentiment = 15
    else:
        sentiment = 25 if nps >= 9 else 15 if nps >= 7 else 0
    growth = 25 if months_since_growth <= 6 else 10 if months_since_growth <= 12 else 0
    return int(usage + support + sentiment + growth)
