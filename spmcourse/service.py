"""Service planning, service execution and technical support (module 11).

Staffing with Erlang C (Erlang 1917; the tutorial of Gans, Koole and Mandelbaum 2003), SLA compliance on a
business-hours clock with a holiday calendar, the ITIL impact x urgency priority matrix, first-contact
resolution, mean time to resolve and backlog ageing.

Conventions (pinned, and repeated in the lesson and the assignment):

- the offered load is ``A = arrival rate x average handling time`` in Erlangs, both in the same time unit;
- Erlang C assumes Poisson arrivals, exponential handling times, ``N`` identical agents, an infinite queue and
  no abandonment; with ``N <= A`` the queue grows without bound and everybody waits;
- service level = share of contacts answered within ``T`` seconds = ``1 - P(wait) * exp(-(N - A) * T / AHT)``;
- the business clock runs Monday to Friday between the opening and the closing hour, not on holidays.

Examples
--------
>>> round(erlang_c(2, 1.0), 4)
0.3333
>>> agents_needed(arrivals_per_hour=24, aht_seconds=390, target_seconds=20, target_level=0.8)
5
>>> priority_itil("high", "medium")
2
"""
from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = [
    "offered_load", "erlang_b", "erlang_c", "service_level", "average_speed_of_answer", "occupancy",
    "agents_needed", "staffing_table", "business_hours_between", "business_hours", "priority_itil",
    "priority_kestrel", "first_contact_resolution", "mttr_hours", "backlog_ageing", "LEVELS",
]

#: Impact and urgency levels, as scores (ITIL's matrix counts 1 = high).
LEVELS = {"high": 1, "medium": 2, "low": 3}


# --- Erlang C -------------------------------------------------------------------------------------------------
def offered_load(arrivals_per_hour: float, aht_seconds: float) -> float:
    """Offered load in Erlangs: arrivals per hour x average handling time in hours.

    >>> offered_load(24, 390)
    2.6
    """
    return arrivals_per_hour * aht_seconds / 3600.0


def erlang_b(agents: int, load: float) -> float:
    """Erlang B blocking probability by the stable recursion ``B(k) = A B(k-1) / (k + A B(k-1))``."""
    if agents < 0 or load < 0:
        raise ValueError("agents and load must not be negative")
    b = 1.0
    for k in range(1, int(agents) + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(agents: int, load: float) -> float:
    """Probability that a contact has to wait (Erlang C); 1.0 when ``agents <= load`` (the queue explodes).

    Computed from Erlang B: ``C = N B / (N - A (1 - B))``, which equals the textbook ratio of sums.

    >>> round(erlang_c(5, 2.6), 4)
    0.1487
    """
    n = int(agents)
    if n <= load:
        return 1.0
    b = erlang_b(n, load)
    return n * b / (n - load * (1.0 - b))


def service_level(agents: int, load: float, aht_seconds: float, target_seconds: float) -> float:
    """Share of contacts answered within ``target_seconds``: ``1 - C exp(-(N - A) T / AHT)``; 0 if ``N <= A``."""
    n = int(agents)
    if n <= load:
        return 0.0
    return 1.0 - erlang_c(n, load) * math.exp(-(n - load) * target_seconds / aht_seconds)


def average_speed_of_answer(agents: int, load: float, aht_seconds: float) -> float:
    """Mean wait in seconds over all contacts (waiting or not): ``C x AHT / (N - A)``; inf if ``N <= A``."""
    n = int(agents)
    if n <= load:
        return math.inf
    return erlang_c(n, load) * aht_seconds / (n - load)


def occupancy(agents: int, load: float) -> float:
    """Share of agent time spent handling contacts: ``A / N`` (capped at 1)."""
    return min(1.0, load / int(agents))


def agents_needed(arrivals_per_hour: float, aht_seconds: float, target_seconds: float = 20.0,
                  target_level: float = 0.8, max_agents: int = 500) -> int:
    """The smallest number of agents whose service level reaches ``target_level`` (e.g. 80 % in 20 s)."""
    load = offered_load(arrivals_per_hour, aht_seconds)
    n = max(1, math.floor(load) + 1)
    while service_level(n, load, aht_seconds, target_seconds) < target_level:
        n += 1
        if n > max_agents:
            raise ValueError("no staffing up to max_agents meets the target")
    return n


def staffing_table(arrivals_per_hour: float, aht_seconds: float, target_seconds: float = 20.0,
                   agents: Iterable[int] | None = None) -> pd.DataFrame:
    """One row per team size: P(wait), service level, average speed of answer (s) and occupancy."""
    load = offered_load(arrivals_per_hour, aht_seconds)
    sizes = list(agents) if agents is not None else list(range(max(1, math.floor(load) + 1),
                                                                 math.floor(load) + 8))
    rows = [{"agents": n, "p_wait": erlang_c(n, load),
             "service_level": service_level(n, load, aht_seconds, target_seconds),
             "asa_seconds": average_speed_of_answer(n, load, aht_seconds), "occupancy": occupancy(n, load)}
            for n in sizes]
    return pd.DataFrame(rows).set_index("agents")


# --- business-hours clock -------------------------------------------------------------------------------------
def business_hours_between(start, end, *, open_hour: int = 7, close_hour: int = 20,
                           holidays: Iterable = ()) -> float:
    """Hours of the business clock between ``start`` and ``end``.

    The clock runs Monday to Friday from ``open_hour`` to ``close_hour`` (local time, the timestamps' time
    zone), and not on the dates in ``holidays``. Returns 0.0 when ``end <= start``.

    >>> business_hours_between(pd.Timestamp("2025-01-03 19:00"), pd.Timestamp("2025-01-06 08:30"))
    2.5
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if end <= start:
        return 0.0
    closed = {pd.Timestamp(d).date() for d in holidays}
    total = 0.0
    day = start.normalize()
    while day <= end:
        if day.day_of_week < 5 and day.date() not in closed:
            lo = max(start, day + pd.Timedelta(hours=open_hour))
            hi = min(end, day + pd.Timedelta(hours=close_hour))
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += pd.Timedelta(days=1)
    return total / 3600.0


def business_hours(starts: pd.Series, ends: pd.Series, *, open_hour: int = 7, close_hour: int = 20,
                   holidays: Iterable = ()) -> pd.Series:
    """:func:`business_hours_between` for two aligned Series of timestamps (NaN where ``end`` is missing).

    Vectorised: the business clock's reading at a moment is (open weekdays before its day) x (hours per day)
    plus the open time already passed on its own day; the result is the difference of the two readings.
    """
    closed = np.array(sorted({pd.Timestamp(d).date() for d in holidays}), dtype="datetime64[D]")
    day_length = 3600.0 * (close_hour - open_hour)

    def reading(moments: pd.Series) -> np.ndarray:
        moments = pd.to_datetime(moments)
        days = moments.dt.normalize().to_numpy().astype("datetime64[D]")
        ok = ~np.isnat(days)
        days_filled = np.where(ok, days, np.datetime64("2000-01-03"))
        before = np.busday_count(np.datetime64("2000-01-03"), days_filled, holidays=closed).astype(float)
        seconds = (moments - moments.dt.normalize()).dt.total_seconds().to_numpy()
        today = np.clip(seconds, open_hour * 3600.0, close_hour * 3600.0) - open_hour * 3600.0
        today = np.where(np.is_busday(days_filled, holidays=closed), today, 0.0)
        return np.where(ok, before * day_length + today, np.nan)

    hours = (reading(ends) - reading(starts)) / 3600.0
    return pd.Series(np.maximum(hours, 0.0), index=starts.index, dtype=float)


# --- priority -------------------------------------------------------------------------------------------------
def priority_itil(impact: str, urgency: str) -> int:
    """ITIL's example matrix: priority 1 (critical) .. 5 (planning) = impact score + urgency score - 1.

    Scores: high 1, medium 2, low 3. High/high is 1, high/low and medium/medium are 3, low/low is 5.
    """
    return LEVELS[impact] + LEVELS[urgency] - 1


def priority_kestrel(impact: str, urgency: str) -> str:
    """Kestrel's four-level matrix (``support_tickets``): ITIL's 1, 2, 3 are P1, P2, P3; ITIL 4 and 5 are P4."""
    return f"P{min(priority_itil(impact, urgency), 4)}"


# --- support measures -----------------------------------------------------------------------------------------
def first_contact_resolution(handling: pd.DataFrame) -> float:
    """Share of all tickets closed in their first contact and not reopened (``contacts == 1``, not reopened)."""
    once = (handling["contacts"] == 1) & ~handling["reopened"].astype(bool)
    return float(once.mean())


def mttr_hours(tickets: pd.DataFrame, *, start: str = "opened_at", end: str = "resolved_at") -> float:
    """Mean time to resolve in calendar hours over the resolved tickets (open tickets are left out)."""
    done = tickets.dropna(subset=[end])
    return float(((done[end] - done[start]).dt.total_seconds() / 3600).mean())


def backlog_ageing(tickets: pd.DataFrame, at, bins=(0, 7, 30, 90, math.inf),
                   labels=("< 7 days", "7-29 days", "30-89 days", "90+ days")) -> pd.Series:
    """Open tickets at moment ``at`` (opened before it, not resolved by it), counted per age bucket in days.

    Buckets are closed on the left: an age of exactly 7 days falls in "7-29 days".
    """
    at = pd.Timestamp(at)
    open_ = tickets[(tickets["opened_at"] <= at) & ~(tickets["resolved_at"] <= at)]
    age = (at - open_["opened_at"]).dt.total_seconds() / 86400
    buckets = pd.cut(age, bins=list(bins), labels=list(labels), right=False)
    return buckets.value_counts().reindex(list(labels), fill_value=0).astype(int)
