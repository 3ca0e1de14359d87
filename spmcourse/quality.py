"""Usability and quality measures (module 09): SUS, defect density, defect removal efficiency, MTBF and MTTR.

Pinned definitions:

- **System Usability Scale** (Brooke 1996): ten items answered 1 … 5; odd items contribute ``answer − 1``,
  even items ``5 − answer``; the sum times 2.5 is the score (0 … 100) of one respondent.
- **Defect density** = defects ÷ KLOC (thousand lines of code).
- **Defect removal efficiency** (Capers Jones) = defects found before release ÷ (before + after release).
- **MTTR** = mean incident duration (start to resolution); **MTBF** = (hours in the period − hours of the
  incidents) ÷ number of incidents; **availability** = MTBF ÷ (MTBF + MTTR). Which incidents count as failures
  (the course: severities SEV1 and SEV2) is a convention the caller pins.

Examples
--------
>>> sus_score([5, 1, 5, 1, 5, 1, 5, 1, 5, 1]), sus_score([3] * 10), sus_score([5] * 10)
(100.0, 50.0, 50.0)
>>> defect_removal_efficiency(90, 10)
0.9
>>> round(defect_density(31, 24.0), 3)
1.292
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SUS_ITEMS", "defect_density", "defect_removal_efficiency", "reliability", "sus_score", "sus_scores"]

SUS_ITEMS = [f"q{k}" for k in range(1, 11)]


def sus_score(answers) -> float:
    """The SUS score of one respondent from the ten answers (1 … 5) in questionnaire order."""
    answers = [int(a) for a in answers]
    if len(answers) != 10 or not all(1 <= a <= 5 for a in answers):
        raise ValueError("SUS needs ten answers between 1 and 5")
    odd = sum(a - 1 for a in answers[0::2])
    even = sum(5 - a for a in answers[1::2])
    return 2.5 * (odd + even)


def sus_scores(responses: pd.DataFrame) -> pd.Series:
    """One SUS score per row of a frame with columns ``q1`` … ``q10``.

    >>> sus_scores(pd.DataFrame([[4, 2] * 5], columns=SUS_ITEMS)).tolist()
    [75.0]
    """
    items = responses[SUS_ITEMS].to_numpy(dtype=float)
    contribution = np.where(np.arange(10) % 2 == 0, items - 1, 5 - items)
    return pd.Series(2.5 * contribution.sum(axis=1), index=responses.index, name="sus")


def defect_density(defects: float, kloc: float) -> float:
    """Defects per thousand lines of code."""
    return defects / kloc


def defect_removal_efficiency(found_before: float, found_after: float) -> float:
    """Share of all known defects that were removed before the release."""
    return found_before / (found_before + found_after)


def reliability(incidents: pd.DataFrame, start, end, severities=("SEV1", "SEV2")) -> dict:
    """MTBF, MTTR (hours) and availability over the whole days ``start`` … ``end`` (inclusive).

    Failures are the incidents with a severity in ``severities`` that start in the period.

    >>> inc = pd.DataFrame({"started_at": pd.to_datetime(["2025-01-02 10:00", "2025-01-05 10:00"]),
    ...     "resolved_at": pd.to_datetime(["2025-01-02 12:00", "2025-01-05 14:00"]), "severity": ["SEV1", "SEV2"]})
    >>> r = reliability(inc, "2025-01-01", "2025-01-10")
    >>> r["failures"], r["mttr_hours"], r["mtbf_hours"], round(r["availability"], 5)
    (2, 3.0, 117.0, 0.975)
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize() + pd.Timedelta(days=1)
    began = pd.to_datetime(incidents["started_at"])
    chosen = incidents[(began >= start) & (began < end) & incidents["severity"].isin(list(severities))]
    hours = (pd.to_datetime(chosen["resolved_at"]) - pd.to_datetime(chosen["started_at"])).dt.total_seconds() / 3600
    period = (end - start).total_seconds() / 3600
    n = len(chosen)
    mttr = float(hours.mean()) if n else 0.0
    mtbf = (period - float(hours.sum())) / n if n else period
    return {"failures": n, "period_hours": period, "downtime_hours": float(hours.sum()), "mttr_hours": mttr,
            "mtbf_hours": mtbf, "availability": mtbf / (mtbf + mttr)}
