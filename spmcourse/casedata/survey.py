"""The customer and prospect survey of September 2025 (``survey_responses``): NPS, Kano pairs and price questions."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from spmcourse.casedata import _SEEDS
from spmcourse.casedata._common import iso_dates, pick, seeded_rng
from spmcourse.casedata.customer_base import active_on, plan_in

KANO_FEATURES = ("auto_scheduling", "mobile_app", "payroll_export", "ai_forecasting", "dark_mode", "sso")
KANO_ANSWERS = ("like", "must-be", "neutral", "live-with", "dislike")

# Probability of each respondent's true Kano category (Attractive, One-dimensional, Must-be, Indifferent).
# sso depends on the segment: a must-be for Enterprise buyers, indifferent for small businesses.
KANO_PROFILE = {
    "auto_scheduling": {"A": 0.20, "O": 0.45, "M": 0.20, "I": 0.15},
    "mobile_app": {"A": 0.05, "O": 0.25, "M": 0.50, "I": 0.20},
    "payroll_export": {"A": 0.15, "O": 0.42, "M": 0.25, "I": 0.18},
    "ai_forecasting": {"A": 0.48, "O": 0.14, "M": 0.05, "I": 0.33},
    "dark_mode": {"A": 0.14, "O": 0.05, "M": 0.02, "I": 0.79},
    "sso": {
        "SMB": {"A": 0.04, "O": 0.06, "M": 0.10, "I": 0.80},
        "Mid-Market": {"A": 0.05, "O": 0.15, "M": 0.40, "I": 0.40},
        "Enterprise": {"A": 0.03, "O": 0.15, "M": 0.67, "I": 0.15},
    },
}


def _kano_pair(rng, category: str) -> tuple[str, str]:
    """An answer pair (functional, dysfunctional) that the standard Kano table maps to `category`."""
    tolerant = ["must-be", "neutral", "live-with"]
    if category == "A":
        return "like", tolerant[int(rng.integers(3))]
    if category == "O":
        return "like", "dislike"
    if category == "M":
        return tolerant[int(rng.integers(3))], "dislike"
    if category == "I":
        return tolerant[int(rng.integers(3))], tolerant[int(rng.integers(3))]
    if category == "Q":  # questionable: contradictory answers
        return ("like", "like") if rng.random() < 0.5 else ("dislike", "dislike")
    return tolerant[int(rng.integers(3))], "like"  # reverse


# Van Westendorp answers, relative to a respondent's reference price (log scale). People differ in how wide their
# range of acceptable prices is (VW_SPREAD_SIGMA) and in where they anchor it (VW_SHIFT_SIGMA); without that
# spread every "too cheap" answer would lie below every "too expensive" one and the two curves would not cross at
# a real share of respondents (tests/content/test_casedata.py asserts that they do, in every segment).
VW_STREAM = 1976                                     # a separate seeded stream: the other columns keep their values
VW_LOG_OFFSETS = (-0.70, -0.20, 0.30, 0.50)           # too cheap, cheap, expensive, too expensive
VW_OFFSET_JITTER = 0.15                               # each answer's own noise around its offset
VW_SPREAD_SIGMA = 0.60                                # personal width of the range (lognormal factor)
VW_SHIFT_SIGMA = 0.35                                 # personal anchor shift


# --- who answered, and when ------------------------------------------------------------------------------------
SURVEY_START, SURVEY_END = pd.Timestamp("2025-09-01"), pd.Timestamp("2025-09-30")
#: Roles of the people who answer, by segment (one answer per role per customer).
ROLES = {"SMB": {"owner": 0.55, "ops_manager": 0.30, "hr": 0.10, "it": 0.05},
         "Mid-Market": {"owner": 0.15, "ops_manager": 0.45, "hr": 0.25, "it": 0.15},
         "Enterprise": {"owner": 0.03, "ops_manager": 0.40, "hr": 0.30, "it": 0.27}}
#: Larger customers are more likely to answer, sometimes with several people: drawn from these counts.
ANSWERS_PER_CUSTOMER = {"SMB": [0, 0, 1, 1, 1], "Mid-Market": [0, 1, 1, 1], "Enterprise": [0, 1, 1, 2]}
#: Prospects from the newsletter list, and their segments.
PROSPECTS = 130
PROSPECT_SEGMENTS = {"SMB": 0.6, "Mid-Market": 0.3, "Enterprise": 0.1}
#: Invitations went out on 2 September with a reminder on 16 September: two waves of answers, fewer at weekends.
INVITATION_DAY, REMINDER_DAY = 2, 16
WAVE_FLOOR, WAVE_BEFORE, INVITATION_PEAK, INVITATION_DECAY = 0.3, 0.1, 3.0, 2.5
REMINDER_PEAK, REMINDER_DECAY, WEEKEND_ANSWERS = 2.0, 2.0, 0.4

# --- NPS, Kano and prices ----------------------------------------------------------------------------------------
#: NPS is only asked of customers; a few skip it. Mean score by segment, lower for Starter, IT people and
#: customers who churn later; spread and range of the scale.
NPS_SKIPPED = 0.06
NPS_MEAN = {"SMB": 8.5, "Mid-Market": 8.7, "Enterprise": 8.2}
NPS_STARTER, NPS_IT, NPS_CHURNER = 0.5, 0.4, 2.8
NPS_SIGMA = 1.6
#: IT people insist on single sign-on.
SSO_PROFILE_IT = {"A": 0.05, "O": 0.2, "M": 0.6, "I": 0.15}
#: Shares of questionable and reverse answer pairs.
QUESTIONABLE, REVERSE = 0.02, 0.035
#: The reference price for the add-on (EUR per seat per month, lognormal sigma); prospects and small
#: businesses anchor lower.
REFERENCE_PRICE, REFERENCE_SIGMA = 8.0, 0.25
REFERENCE_SEGMENT = {"SMB": 0.9, "Mid-Market": 1.0, "Enterprise": 1.08}
REFERENCE_PROSPECT = 0.9
#: Gabor-Granger: the price points asked, the share not interested at any price, and the willingness to pay
#: relative to the reference price (log-scale mean and sigma).
GG_PRICES = (6, 8, 10, 12, 14)
NOT_INTERESTED = 0.08
WILLINGNESS_LOG_MEAN, WILLINGNESS_LOG_SIGMA = 0.3, 0.2


def _vw_answers(rng: np.random.Generator, reference: float) -> list[float]:
    """Four Van Westendorp prices, increasing, around a respondent's reference price (not yet rounded)."""
    spread = math.exp(VW_SPREAD_SIGMA * rng.standard_normal())
    anchor = math.log(reference) + VW_SHIFT_SIGMA * rng.standard_normal()
    offsets = sorted(o + VW_OFFSET_JITTER * rng.standard_normal() for o in VW_LOG_OFFSETS)
    return [math.exp(anchor + spread * o) for o in offsets]


def survey_responses(base) -> pd.DataFrame:
    """Customer and prospect survey of September 2025: NPS, Kano pairs and price questions.

    The price questions are about the proposed Kestrel Insights add-on, in EUR per seat per month.
    Van Westendorp answers are anchored on a personal reference price and rounded to half euros, as people
    answer; the Gabor-Granger answers follow from a willingness-to-pay, so they never go from "no" back to "yes".
    """
    rng = seeded_rng("survey_responses")
    vw_rng = np.random.default_rng([_SEEDS["survey_responses"], VW_STREAM])  # Van Westendorp answers only
    customers = base["customers"]
    active = customers[active_on(customers, SURVEY_START) & active_on(customers, SURVEY_END)]
    plans = plan_in(base, SURVEY_START.strftime("%Y-%m-%d"))
    roles = ROLES
    people = []  # (customer_id or None, segment, role, plan, churns_soon)
    for customer in active.itertuples():
        count = int(rng.choice(ANSWERS_PER_CUSTOMER[customer.segment]))
        options = dict(roles[customer.segment])
        churns_soon = isinstance(customer.churn_date, pd.Timestamp)
        for _ in range(count):
            role = pick(rng, options)
            options[role] = 0.0  # one answer per role per customer
            people.append((customer.customer_id, customer.segment, role,
                           plans.loc[customer.customer_id, "plan"], churns_soon))
    for _ in range(PROSPECTS):
        segment = pick(rng, PROSPECT_SEGMENTS)
        people.append((None, segment, pick(rng, roles[segment]), None, False))
    order = rng.permutation(len(people))  # mix customers and prospects before numbering

    september = pd.date_range(SURVEY_START, SURVEY_END, freq="D")
    wave = np.array([WAVE_FLOOR + INVITATION_PEAK * math.exp(-(d - INVITATION_DAY) / INVITATION_DECAY)
                     if d >= INVITATION_DAY else WAVE_BEFORE for d in september.day])
    wave += np.array([REMINDER_PEAK * math.exp(-(d - REMINDER_DAY) / REMINDER_DECAY) if d >= REMINDER_DAY else 0.0
                      for d in september.day])
    wave *= np.where(september.day_of_week >= 5, WEEKEND_ANSWERS, 1.0)

    rows = []
    for number, index in enumerate(order, start=1):
        customer_id, segment, role, plan, churns_soon = people[index]
        row = {"respondent_id": f"R{number:04d}", "customer_id": customer_id, "segment": segment, "role": role,
               "response_date": september[int(rng.choice(len(september), p=wave / wave.sum()))]}
        if customer_id is None or rng.random() < NPS_SKIPPED:
            row["nps"] = pd.NA
        else:
            mean = NPS_MEAN[segment]
            mean -= NPS_STARTER if plan == "Starter" else 0.0
            mean -= NPS_IT if role == "it" else 0.0
            mean -= NPS_CHURNER if churns_soon else 0.0
            row["nps"] = int(np.clip(round(rng.normal(mean, NPS_SIGMA)), 0, 10))
        for feature in KANO_FEATURES:
            profile = KANO_PROFILE[feature]
            profile = profile.get(segment, profile)
            if feature == "sso" and role == "it":
                profile = SSO_PROFILE_IT
            u = rng.random()
            category = "Q" if u < QUESTIONABLE else ("R" if u < REVERSE else pick(rng, profile))
            functional, dysfunctional = _kano_pair(rng, category)
            row[f"kano_{feature}_functional"] = functional
            row[f"kano_{feature}_dysfunctional"] = dysfunctional
        reference = REFERENCE_PRICE * math.exp(REFERENCE_SIGMA * rng.standard_normal())
        reference *= REFERENCE_SEGMENT[segment]
        reference *= REFERENCE_PROSPECT if customer_id is None else 1.0
        rng.uniform(size=4)  # the draws of the first survey version, kept so that every other column is unchanged
        answers = _vw_answers(vw_rng, reference)
        rounded = []
        for value in answers:  # to half euros, strictly increasing
            value = max(0.5, round(value * 2) / 2)
            if rounded and value <= rounded[-1]:
                value = rounded[-1] + 0.5
            rounded.append(value)
        row.update(zip(["vw_too_cheap", "vw_cheap", "vw_expensive", "vw_too_expensive"], rounded))
        not_interested = rng.random() < NOT_INTERESTED
        willingness = 0.0 if not_interested else reference * math.exp(
            WILLINGNESS_LOG_MEAN + WILLINGNESS_LOG_SIGMA * rng.standard_normal())
        for price in GG_PRICES:
            row[f"gg_buy_at_{price}"] = bool(price <= willingness)
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["nps"] = frame["nps"].astype("Int64")
    frame["response_date"] = iso_dates(frame["response_date"])
    for column in ["vw_too_cheap", "vw_cheap", "vw_expensive", "vw_too_expensive"]:
        frame[column] = frame[column].round(2)
    kano = [f"kano_{f}_{side}" for f in KANO_FEATURES for side in ("functional", "dysfunctional")]
    return frame[["respondent_id", "customer_id", "segment", "role", "nps", *kano, "vw_too_cheap", "vw_cheap",
                  "vw_expensive", "vw_too_expensive", "gg_buy_at_6", "gg_buy_at_8", "gg_buy_at_10",
                  "gg_buy_at_12", "gg_buy_at_14", "response_date"]]
