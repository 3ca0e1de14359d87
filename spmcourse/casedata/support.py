"""The support desk's tickets of 2025 (``support_tickets``), with the desk's hours, holidays and SLAs."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from spmcourse.casedata._common import SNAPSHOT, iso_timestamps, pick, seeded_rng
from spmcourse.casedata.customer_base import active_on

SLA_HOURS = {"P1": 1, "P2": 4, "P3": 8, "P4": 24}
DESK_OPEN, DESK_CLOSE = 7, 20  # support desk hours, Monday to Friday, Central European Time
DESK_HOLIDAYS = {"2025-01-01", "2025-04-18", "2025-04-21", "2025-12-25", "2025-12-26"}
# Platform incidents: start (CET) and duration in minutes. Affected customers open outage tickets.
INCIDENTS = [("2025-03-12 09:40", 50), ("2025-06-18 14:05", 130), ("2025-11-04 07:30", 180)]

FIRST_MONTH, LAST_MONTH = "2025-01-01", "2025-12-01"
#: Tickets per customer per month: TICKET_RATE * (seats / REFERENCE_SEATS) ** SEATS_ELASTICITY, by plan, and
#: more in the last CHURN_WARNING_DAYS before a customer leaves (unhappy customers contact support more often).
TICKET_RATE, REFERENCE_SEATS, SEATS_ELASTICITY = 0.9, 50, 0.35
PLAN_FACTOR = {"Starter": 1.1, "Growth": 1.0, "Scale": 0.9}
CHURN_WARNING_DAYS, CHURN_WARNING_FACTOR = 100, 2.0
#: When tickets arrive: local working hours 07:00-19:00 (weights), shifted to CET per region, and weekdays.
LOCAL_HOURS = (7, 20)
HOUR_WEIGHTS = [2, 6, 10, 11, 10, 6, 8, 10, 9, 7, 4, 2, 1]
WEEKDAY_WEIGHTS = [1.2, 1.1, 1.0, 1.0, 0.9, 0.25, 0.2]
CET_OFFSET = {"EU": 0, "UK": 1, "NA": 6}
#: Share of North American tickets from the west coast, three more hours behind.
WEST_COAST_SHARE, WEST_COAST_HOURS = 0.4, 3
#: Ticket categories; billing peaks in January (annual invoices), integration in May (a connector release).
CATEGORY_MIX = {"how-to": 0.40, "bug": 0.25, "billing": 0.12, "integration": 0.15, "outage": 0.015}
CATEGORY_PEAK = {"billing": (1, 2.5), "integration": (5, 1.8)}  # category: (month, factor)
#: Outage tickets during an incident: the chance that an active customer opens one grows with its size and the
#: incident's length, capped.
OUTAGE_BASE, OUTAGE_PER_LOG_SEAT, OUTAGE_CAP = 0.1, 0.04, 0.6
OUTAGE_REFERENCE_MINUTES, OUTAGE_ELASTICITY = 180, 0.3
#: Impact and urgency by category; the sum of their levels gives the priority.
LEVEL = {"high": 3, "medium": 2, "low": 1}
IMPACT_URGENCY = {
    "outage": ({"high": 0.85, "medium": 0.15, "low": 0.0}, {"high": 0.9, "medium": 0.1, "low": 0.0}),
    "bug": ({"high": 0.2, "medium": 0.5, "low": 0.3}, {"high": 0.2, "medium": 0.5, "low": 0.3}),
    "integration": ({"high": 0.15, "medium": 0.55, "low": 0.3}, {"high": 0.15, "medium": 0.45, "low": 0.4}),
    "billing": ({"high": 0.05, "medium": 0.35, "low": 0.6}, {"high": 0.1, "medium": 0.5, "low": 0.4}),
    "how-to": ({"high": 0.02, "medium": 0.2, "low": 0.78}, {"high": 0.05, "medium": 0.35, "low": 0.6}),
}
PRIORITY_BY_SCORE = {6: "P1", 5: "P2", 4: "P3"}  # anything lower is P4
OUTAGE_CHANNELS = {"email": 0.25, "chat": 0.35, "phone": 0.40}
OTHER_CHANNELS = {"email": 0.50, "chat": 0.33, "phone": 0.17}
#: First response in hours, (median, lognormal sigma): on call for P1; at once on the phone while the desk is
#: open; otherwise in desk hours by priority, chat four times faster.
P1_RESPONSE, PHONE_RESPONSE = (0.35, 0.7), (0.05, 0.5)
DESK_RESPONSE = {"P2": 0.5, "P3": 1.0, "P4": 3.0}
DESK_RESPONSE_SIGMA, CHAT_FACTOR = 0.8, 0.25
#: Resolution in desk hours, (median, lognormal sigma) by category, faster for P1; an outage outside an incident
#: takes OUTAGE_RESOLUTION hours; incident tickets close INCIDENT_CLOSE_MINUTES after the incident ends.
RESOLUTION = {"how-to": (2, 1.1), "billing": (6, 1.0), "integration": (14, 1.2), "bug": (30, 1.4)}
P1_RESOLUTION_FACTOR = 0.3
OUTAGE_RESOLUTION = (3, 0.8)
INCIDENT_CLOSE_MINUTES = (5, 120)


def _desk_open(moment: pd.Timestamp) -> bool:
    return (moment.day_of_week < 5 and moment.strftime("%Y-%m-%d") not in DESK_HOLIDAYS
            and DESK_OPEN <= moment.hour < DESK_CLOSE)


def _next_desk_opening(moment: pd.Timestamp) -> pd.Timestamp:
    if _desk_open(moment):
        return moment
    day = moment.normalize()
    if moment.hour >= DESK_CLOSE or moment.day_of_week >= 5 or moment.strftime("%Y-%m-%d") in DESK_HOLIDAYS:
        day += pd.Timedelta(days=1)
    while day.day_of_week >= 5 or day.strftime("%Y-%m-%d") in DESK_HOLIDAYS:
        day += pd.Timedelta(days=1)
    return day + pd.Timedelta(hours=DESK_OPEN)


def _add_desk_hours(moment: pd.Timestamp, hours: float) -> pd.Timestamp:
    """Move forward by `hours` of support-desk working time."""
    moment = _next_desk_opening(moment)
    while True:
        left_today = (moment.normalize() + pd.Timedelta(hours=DESK_CLOSE) - moment).total_seconds() / 3600
        if hours <= left_today:
            return moment + pd.Timedelta(seconds=round(hours * 3600))
        hours -= left_today
        moment = _next_desk_opening(moment.normalize() + pd.Timedelta(hours=DESK_CLOSE))


def _category_weights(month: pd.Timestamp) -> dict[str, float]:
    weights = dict(CATEGORY_MIX)
    for category, (peak_month, factor) in CATEGORY_PEAK.items():
        weights[category] *= factor if month.month == peak_month else 1.0
    return weights


def _lognormal(rng, median: float, sigma: float) -> float:
    return median * math.exp(sigma * rng.standard_normal())


def support_tickets(base) -> pd.DataFrame:
    """Support tickets opened in 2025, with timestamps in CET (the desk's time zone).

    First responses wait for the desk to open, except P1 tickets, which an on-call engineer answers at any
    hour; North American tickets therefore often arrive after hours. Resolution times are log-normal
    with long tails; tickets unresolved at the snapshot have no resolved_at.
    """
    rng = seeded_rng("support_tickets")
    customers = base["customers"].set_index("customer_id")
    subs = base["subscriptions"]
    hour_values = np.arange(*LOCAL_HOURS)
    hour_weights = np.array(HOUR_WEIGHTS, dtype=float)
    weekday_weight = np.array(WEEKDAY_WEIGHTS)
    raw = []
    for month in pd.date_range(FIRST_MONTH, LAST_MONTH, freq="MS"):
        days = pd.date_range(month, month + pd.offsets.MonthEnd(0), freq="D")
        day_p = weekday_weight[days.day_of_week]
        day_p = day_p / day_p.sum()
        active = subs[subs["month"] == month]
        for sub in active.itertuples():
            info = customers.loc[sub.customer_id]
            rate = TICKET_RATE * (sub.seats / REFERENCE_SEATS) ** SEATS_ELASTICITY * PLAN_FACTOR[sub.plan]
            churn = info["churn_date"]
            if isinstance(churn, pd.Timestamp) and (churn - month).days < CHURN_WARNING_DAYS:
                rate *= CHURN_WARNING_FACTOR
            for _ in range(rng.poisson(rate)):
                day = days[int(rng.choice(len(days), p=day_p))]
                hour = int(rng.choice(hour_values, p=hour_weights / hour_weights.sum())) + CET_OFFSET[info["region"]]
                if info["region"] == "NA" and rng.random() < WEST_COAST_SHARE:
                    hour += WEST_COAST_HOURS
                opened = day + pd.Timedelta(hours=hour, seconds=int(rng.integers(0, 3600)))
                if opened < info["signup_date"] or opened > SNAPSHOT:
                    continue
                category = pick(rng, _category_weights(month))
                raw.append((sub.customer_id, opened, category, None))
    for start, minutes in INCIDENTS:  # bursts of outage tickets
        begin = pd.Timestamp(start)
        active = active_on(base["customers"], begin.normalize())
        for customer_id, seats in zip(base["customers"].loc[active, "customer_id"],
                                      base["customers"].loc[active, "seats_at_signup"]):
            chance = min(OUTAGE_CAP, OUTAGE_BASE + OUTAGE_PER_LOG_SEAT * math.log(seats))
            if rng.random() < chance * (minutes / OUTAGE_REFERENCE_MINUTES) ** OUTAGE_ELASTICITY:
                opened = begin + pd.Timedelta(seconds=int(rng.integers(60, (minutes + 30) * 60)))
                raw.append((customer_id, opened, "outage", begin + pd.Timedelta(minutes=minutes)))

    rows = []
    for customer_id, opened, category, incident_end in raw:
        impact, urgency = IMPACT_URGENCY[category]
        impact, urgency = pick(rng, impact), pick(rng, urgency)
        score = LEVEL[impact] + LEVEL[urgency]
        priority = PRIORITY_BY_SCORE.get(score, "P4")
        channel = pick(rng, OUTAGE_CHANNELS if category == "outage" else OTHER_CHANNELS)
        # First response.
        if priority == "P1":
            first = opened + pd.Timedelta(hours=_lognormal(rng, *P1_RESPONSE))
        elif channel == "phone" and _desk_open(opened):
            first = opened + pd.Timedelta(hours=_lognormal(rng, *PHONE_RESPONSE))
        else:
            typical = DESK_RESPONSE[priority] * (CHAT_FACTOR if channel == "chat" else 1.0)
            first = _add_desk_hours(opened, _lognormal(rng, typical, DESK_RESPONSE_SIGMA))
        first = max(first, opened + pd.Timedelta(minutes=1)).floor("s")
        # Resolution.
        if incident_end is not None:
            resolved = max(first, incident_end) + pd.Timedelta(minutes=int(rng.integers(*INCIDENT_CLOSE_MINUTES)))
        elif category == "outage":
            resolved = first + pd.Timedelta(hours=_lognormal(rng, *OUTAGE_RESOLUTION))
        else:
            median, sigma = RESOLUTION[category]
            if priority == "P1":
                median *= P1_RESOLUTION_FACTOR
            resolved = _add_desk_hours(first, _lognormal(rng, median, sigma))
        resolved = max(resolved, first + pd.Timedelta(minutes=1)).floor("s")
        rows.append({"customer_id": customer_id, "opened_at": opened, "first_response_at": first,
                     "resolved_at": resolved if resolved <= SNAPSHOT else pd.NaT, "channel": channel,
                     "category": category, "impact": impact, "urgency": urgency, "priority": priority,
                     "sla_first_response_hours": SLA_HOURS[priority]})
    frame = pd.DataFrame(rows).sort_values(["opened_at", "customer_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "ticket_id", [f"TK{i:05d}" for i in range(1, len(frame) + 1)])
    for column in ["opened_at", "first_response_at", "resolved_at"]:
        frame[column] = iso_timestamps(frame[column])
    return frame
