"""The sales pipeline: ``pipeline_stages`` (the CRM's stages, hand-authored) and ``pipeline`` (the opportunities
created in 2024 and 2025, as the CRM showed them on 31 December 2025)."""
from __future__ import annotations

import math

import pandas as pd

from spmcourse.casedata import INDUSTRIES
from spmcourse.casedata._common import bounded_lognormal, company_name, iso_dates, pick, seeded_rng, weekday_in_month
from spmcourse.casedata.customer_base import SEAT_RANGE

STAGES = ("Lead", "Qualified", "Demo", "Proposal", "Negotiation", "Closed Won", "Closed Lost")
WIN_PROBABILITY = (0.05, 0.15, 0.30, 0.50, 0.75, 1.0, 0.0)


def pipeline_stages() -> pd.DataFrame:
    return pd.DataFrame({"stage": STAGES, "stage_order": range(1, len(STAGES) + 1),
                         "win_probability": [round(p, 4) for p in WIN_PROBABILITY]})


REPS = {  # sales rep: (region, first day, closing skill)
    "Anouk Visser": ("EU", "2023-01-01", 1.10),
    "Jeroen Bakker": ("EU", "2023-01-01", 0.95),
    "Lena Hoffmann": ("EU", "2025-03-01", 0.88),
    "Oliver Grant": ("UK", "2023-01-01", 1.00),
    "Maya Thompson": ("NA", "2023-01-01", 1.05),
    "Daniel Reyes": ("NA", "2024-09-01", 0.90),
}

# --- pipeline -------------------------------------------------------------------------------------------------
SNAPSHOT = pd.Timestamp("2025-12-31")
FIRST_MONTH, LAST_MONTH = "2024-01-01", "2025-12-01"
#: New opportunities in month m (0 = January 2024): (PER_MONTH + TREND * m) * SEASON[calendar month - 1].
PER_MONTH, TREND = 22, 0.45
SEASON = [1.2, 1.05, 1.1, 1.0, 1.0, 0.9, 0.7, 0.7, 1.2, 1.2, 1.05, 0.6]
CREATED_WEEKEND_WEIGHT = 0.05
SEGMENT_MIX = {"SMB": 0.2, "Mid-Market": 0.5, "Enterprise": 0.3}
#: The North American share of new opportunities grows from 20 % to 35 % over the 24 months; the UK has 20 %.
NA_SHARE_START, NA_SHARE_GROWTH, EU_PLUS_NA, UK_SHARE = 0.20, 0.15, 0.8, 0.2
SOURCE_MIX = {"inbound": 0.40, "outbound": 0.35, "partner": 0.15, "event": 0.10}
#: Deal size: seats drawn around the segment's median (lognormal sigma), times a price per seat per month.
SEATS_SIGMA = 0.6
PRICE_PER_SEAT = {"SMB": 7.5, "Mid-Market": 9.0, "Enterprise": 14.0 * 0.85}
#: Historical stage-to-stage conversion, Lead->Qualified ... Negotiation->Closed Won. It is better than the CRM's
#: default win probabilities (pipeline_stages) suggest for the early stages: a calibration exercise for learners.
#: The first step depends on the source; the last two on the rep's skill (capped).
ADVANCE = (0.60, 0.75, 0.70, 0.75, 0.72)
QUALIFY_BY_SOURCE = {"inbound": 0.65, "outbound": 0.45, "partner": 0.70, "event": 0.55}
ADVANCE_CAP, ENTERPRISE_CLOSING = 0.95, 0.95
#: Median days in each stage for a Mid-Market deal, scaled by segment (lognormal sigma STAGE_SIGMA).
STAGE_DAYS = (14, 21, 18, 25, 21)
STAGE_SIGMA = 0.6
SIZE_FACTOR = {"SMB": 0.4, "Mid-Market": 0.85, "Enterprise": 1.6}
#: Some deals stall (nobody moves them on or closes them); losing a deal takes a while to admit.
STALL_PROBABILITY, STALL_FACTOR, LOSING_FACTOR = 0.2, 4, 1.5
#: End-of-quarter push: this share of won deals is signed in the last days (0 .. QUARTER_PUSH_DAYS) of the quarter.
QUARTER_PUSH_SHARE, QUARTER_PUSH_DAYS = 0.3, 8
#: Open deals: expected close after a sales cycle (days, lognormal sigma); reps update a past date with this
#: probability to between 10 and 100 days after the snapshot, otherwise it stays stale, in the past.
CYCLE_DAYS = {"SMB": 35, "Mid-Market": 80, "Enterprise": 150}
CYCLE_SIGMA = 0.3
DATE_UPDATED, UPDATED_DAYS = 0.65, (10, 100)
#: Why deals were lost, by the stage they were lost at.
EARLY_LOSS = {"no_decision": 0.45, "timing": 0.30, "missing_feature": 0.15, "price": 0.05, "competitor": 0.05}
LOST_REASONS = {
    "Lead": EARLY_LOSS,
    "Qualified": EARLY_LOSS,
    "Demo": {"missing_feature": 0.30, "no_decision": 0.25, "competitor": 0.20, "price": 0.15, "timing": 0.10},
}
LATE_LOSS = {"price": 0.35, "competitor": 0.35, "no_decision": 0.15, "timing": 0.10, "missing_feature": 0.05}


def pipeline(base) -> pd.DataFrame:
    """Sales opportunities created 2024-2025, as the CRM showed them on 31 December 2025.

    Each opportunity walks through the stages; at every stage it either moves on or is lost. Time in a
    stage is log-normal and longer for bigger deals. Opportunities still open at the snapshot keep their
    current stage and an expected close date, which sales reps do not always update (stale dates).
    """
    rng = seeded_rng("pipeline")
    snapshot = SNAPSHOT
    taken = set(base["customers"]["company_name"])
    rows = []
    for m, month in enumerate(pd.date_range(FIRST_MONTH, LAST_MONTH, freq="MS")):
        for _ in range(rng.poisson((PER_MONTH + TREND * m) * SEASON[month.month - 1])):
            created = weekday_in_month(rng, month, weekend_weight=CREATED_WEEKEND_WEIGHT)
            segment = pick(rng, SEGMENT_MIX)
            na = NA_SHARE_START + NA_SHARE_GROWTH * m / 23
            region = pick(rng, {"EU": EU_PLUS_NA - na, "UK": UK_SHARE, "NA": na})
            source = pick(rng, SOURCE_MIX)
            reps = [r for r, (reg, first, _) in REPS.items() if reg == region and pd.Timestamp(first) <= created]
            owner = reps[int(rng.integers(len(reps)))]
            skill = REPS[owner][2]
            industry = INDUSTRIES[int(rng.integers(len(INDUSTRIES)))]
            median, low, high = SEAT_RANGE[segment]
            seats = bounded_lognormal(rng, median, SEATS_SIGMA, low, high)
            price = PRICE_PER_SEAT[segment]
            amount = round(seats * price * 12, -1)
            # Walk through the open stages.
            probabilities = list(ADVANCE)
            probabilities[0] = QUALIFY_BY_SOURCE[source]
            probabilities[3] = min(ADVANCE_CAP, probabilities[3] * skill)
            probabilities[4] = min(ADVANCE_CAP, probabilities[4] * skill
                                   * (ENTERPRISE_CLOSING if segment == "Enterprise" else 1.0))
            entered, stage, lost_at, close = created, None, None, None
            for index in range(5):
                days = STAGE_DAYS[index] * SIZE_FACTOR[segment] * math.exp(STAGE_SIGMA * rng.standard_normal())
                if rng.random() < STALL_PROBABILITY:
                    days *= STALL_FACTOR
                moves_on = rng.random() < probabilities[index]
                if not moves_on:
                    days *= LOSING_FACTOR
                days = max(1, int(round(days)))
                if entered + pd.Timedelta(days=days) > snapshot:
                    stage = STAGES[index]
                    break
                if not moves_on:
                    stage, lost_at = "Closed Lost", STAGES[index]
                    entered = close = entered + pd.Timedelta(days=days)
                    break
                entered = entered + pd.Timedelta(days=days)
                if index == 4:
                    stage, close = "Closed Won", entered
            if stage == "Closed Won" and rng.random() < QUARTER_PUSH_SHARE:
                quarter_end = close + pd.offsets.QuarterEnd(0)
                pushed = quarter_end - pd.Timedelta(days=int(rng.integers(0, QUARTER_PUSH_DAYS)))
                if close <= pushed <= snapshot:
                    entered = close = pushed
            if stage not in ("Closed Won", "Closed Lost"):
                expected = created + pd.Timedelta(
                    days=int(CYCLE_DAYS[segment] * math.exp(CYCLE_SIGMA * rng.standard_normal())))
                if expected <= snapshot and rng.random() < DATE_UPDATED:
                    expected = snapshot + pd.Timedelta(days=int(rng.integers(*UPDATED_DAYS)))  # date was updated
                close = max(expected, entered)  # otherwise it stays stale, in the past
            reason = None
            if stage == "Closed Lost":
                reason = pick(rng, LOST_REASONS.get(lost_at, LATE_LOSS))
            rows.append({
                "account_name": company_name(rng, region, industry, taken), "segment": segment,
                "region": region, "source": source, "owner": owner, "created_date": created, "stage": stage,
                "stage_entered_date": entered, "close_date": close, "amount_arr": float(amount),
                "lost_at_stage": lost_at, "lost_reason": reason,
            })
    frame = pd.DataFrame(rows).sort_values("created_date", kind="stable").reset_index(drop=True)
    frame.insert(0, "opportunity_id", [f"OP{i:04d}" for i in range(1, len(frame) + 1)])
    for column in ["created_date", "stage_entered_date", "close_date"]:
        frame[column] = iso_dates(frame[column])
    frame["amount_arr"] = frame["amount_arr"].round(2)
    return frame
