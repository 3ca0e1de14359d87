"""Delivery signals a product manager reads (module 09): DORA metrics, Monte Carlo forecasts, earned value.

Every definition that practitioners vary is pinned here and in the lesson:

- **DORA four key metrics** (Forsgren, Humble & Kim, *Accelerate*, 2018) over a period of whole days
  ``[start, end]`` (both inclusive), for deployments whose ``deployed_at`` falls in it:
  *deployment frequency* = deployments ÷ (days ÷ 7), per week; *lead time for changes* = the median over
  deployments of ``deployed_at − first_commit_at``, in hours (the oldest change a deployment carries);
  *change failure rate* = deployments that caused an incident ÷ deployments; *time to restore* = the median over
  those incidents of ``resolved_at − started_at``, in hours.
- **Monte Carlo forecast** (resampling the throughput history, as in Vacanti, *When Will It Be Done?*, 2020):
  each trial draws weekly throughputs uniformly with replacement from the history until the backlog is done;
  the result is the number of weeks per trial. Percentiles use the inverted empirical distribution
  (the smallest number of weeks that at least q of the trials finish within).
- **Earned value** (PMI, *PMBOK Guide*; ANSI/EIA-748): PV = Σ budget × planned share, EV = Σ budget × complete
  share, AC = Σ actual cost; CV = EV − AC, SV = EV − PV, CPI = EV ÷ AC, SPI = EV ÷ PV, and **EAC = BAC ÷ CPI**
  (the "current cost performance continues" variant; the other variants are in :func:`eac_variants`).

Examples
--------
>>> ev = earned_value([100.0, 200.0], [50, 100], [40, 80], [60.0, 170.0])
>>> ev["PV"], ev["EV"], ev["AC"], ev["CPI"], ev["SPI"], round(ev["EAC"], 1)
(250.0, 200.0, 230.0, 0.8695652173913043, 0.8, 345.0)
>>> weeks = monte_carlo_weeks([3, 5, 4], remaining=12, trials=1000, seed=1)
>>> int(weeks.min()) >= 3 and int(weeks.max()) <= 4
True
>>> weeks_percentile([3, 3, 4, 4, 5], 0.85)
5
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["dora_metrics", "eac_variants", "earned_value", "forecast_date", "monte_carlo_weeks",
           "status_on", "weeks_percentile"]

#: The seed and number of trials the lesson and the assignment use.
FORECAST_SEED = 2026
FORECAST_TRIALS = 10_000


def dora_metrics(deployments: pd.DataFrame, incidents: pd.DataFrame, start, end, team: str | None = None) -> dict:
    """The four DORA metrics for deployments in the whole days ``start`` … ``end`` (inclusive).

    ``deployments`` needs ``deployed_at``, ``first_commit_at``, ``caused_incident``, ``incident_id`` (and
    ``team`` when ``team`` is given); ``incidents`` needs ``incident_id``, ``started_at``, ``resolved_at``.
    Returns ``deployments`` (count), ``days``, ``deployment_frequency`` (per week), ``lead_time_hours``
    (median), ``change_failure_rate`` (share) and ``time_to_restore_hours`` (median; NaN without failures).

    Examples
    --------
    >>> dep = pd.DataFrame({"deployed_at": pd.to_datetime(["2025-01-01 10:00", "2025-01-03 10:00"]),
    ...     "first_commit_at": pd.to_datetime(["2024-12-31 10:00", "2025-01-03 08:00"]),
    ...     "caused_incident": [False, True], "incident_id": [None, "I1"]})
    >>> inc = pd.DataFrame({"incident_id": ["I1"], "started_at": pd.to_datetime(["2025-01-03 11:00"]),
    ...     "resolved_at": pd.to_datetime(["2025-01-03 12:30"])})
    >>> dora_metrics(dep, inc, "2025-01-01", "2025-01-07")
    {'deployments': 2, 'days': 7, 'deployment_frequency': 2.0, 'lead_time_hours': 13.0, 'change_failure_rate': 0.5, 'time_to_restore_hours': 1.5}
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    days = (end - start).days + 1
    deployed = pd.to_datetime(deployments["deployed_at"])
    mask = (deployed >= start) & (deployed < end + pd.Timedelta(days=1))
    if team is not None:
        mask &= deployments["team"] == team
    chosen = deployments[mask]
    n = len(chosen)
    lead = (pd.to_datetime(chosen["deployed_at"]) - pd.to_datetime(chosen["first_commit_at"]))
    failed = chosen[chosen["caused_incident"].astype(bool)]
    inc = incidents.set_index("incident_id").loc[failed["incident_id"]]
    restore = (pd.to_datetime(inc["resolved_at"]) - pd.to_datetime(inc["started_at"]))
    return {
        "deployments": int(n),
        "days": int(days),
        "deployment_frequency": n / (days / 7),
        "lead_time_hours": float(lead.dt.total_seconds().median() / 3600) if n else math.nan,
        "change_failure_rate": len(failed) / n if n else math.nan,
        "time_to_restore_hours": float(restore.dt.total_seconds().median() / 3600) if len(failed) else math.nan,
    }


def monte_carlo_weeks(history, remaining: int, trials: int = FORECAST_TRIALS, seed: int = FORECAST_SEED,
                      max_weeks: int = 200) -> np.ndarray:
    """Weeks needed to finish ``remaining`` items, one number per trial.

    Each trial draws ``max_weeks`` weekly throughputs uniformly with replacement from ``history``
    (``np.random.default_rng(seed).choice(history, size=(trials, max_weeks))``) and counts the weeks until the
    running total reaches ``remaining``. Trials that never finish get ``max_weeks + 1``.
    """
    history = np.asarray(history, dtype=float)
    if remaining <= 0:
        return np.zeros(trials, dtype=int)
    draws = np.random.default_rng(seed).choice(history, size=(trials, max_weeks))
    done = np.cumsum(draws, axis=1) >= remaining
    weeks = np.where(done.any(axis=1), done.argmax(axis=1) + 1, max_weeks + 1)
    return weeks.astype(int)


def weeks_percentile(weeks, q: float) -> int:
    """The smallest number of weeks that at least a share ``q`` of the trials finish within."""
    return int(np.quantile(np.asarray(weeks), q, method="inverted_cdf"))


def forecast_date(start, weeks: int) -> pd.Timestamp:
    """The Friday of week ``weeks`` when week 1 starts on the Monday ``start``.

    >>> forecast_date("2026-01-05", 1).date(), forecast_date("2026-01-05", 10).date()
    (datetime.date(2026, 1, 9), datetime.date(2026, 3, 13))
    """
    return pd.Timestamp(start) + pd.Timedelta(days=7 * int(weeks) - 3)


def status_on(project_status: pd.DataFrame, date) -> pd.DataFrame:
    """The work packages' rows at one status date."""
    dates = pd.to_datetime(project_status["status_date"])
    return project_status[dates == pd.Timestamp(date)]


def earned_value(budget, planned_pct, complete_pct, actual_cost) -> dict:
    """Earned-value figures from per-work-package budgets, planned and complete percentages and actual costs.

    Returns PV, EV, AC, BAC, CV, SV, CPI, SPI, EAC (= BAC ÷ CPI), ETC (= EAC − AC) and VAC (= BAC − EAC).
    """
    budget = np.asarray(budget, dtype=float)
    pv = float(np.sum(budget * np.asarray(planned_pct, dtype=float) / 100))
    ev = float(np.sum(budget * np.asarray(complete_pct, dtype=float) / 100))
    ac = float(np.sum(np.asarray(actual_cost, dtype=float)))
    bac = float(budget.sum())
    cpi, spi = ev / ac, ev / pv
    eac = bac / cpi
    return {"PV": pv, "EV": ev, "AC": ac, "BAC": bac, "CV": ev - ac, "SV": ev - pv, "CPI": cpi, "SPI": spi,
            "EAC": eac, "ETC": eac - ac, "VAC": bac - eac}


def eac_variants(ev: dict) -> dict:
    """The usual estimate-at-completion variants from :func:`earned_value`'s result.

    ``cpi`` BAC ÷ CPI (the course's pinned one); ``budget rate`` AC + (BAC − EV) (remaining work at the
    budgeted rate); ``cpi and spi`` AC + (BAC − EV) ÷ (CPI × SPI) (schedule pressure also costs money).

    >>> v = eac_variants(earned_value([100.0], [50], [40], [50.0]))
    >>> v["cpi"], v["budget rate"], round(v["cpi and spi"], 2)
    (125.0, 110.0, 143.75)
    """
    rest = ev["BAC"] - ev["EV"]
    return {"cpi": ev["BAC"] / ev["CPI"], "budget rate": ev["AC"] + rest,
            "cpi and spi": ev["AC"] + rest / (ev["CPI"] * ev["SPI"])}
