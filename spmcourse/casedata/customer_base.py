"""The customer base of Kestrel Software, simulated month by month from January 2022 to December 2025.

One simulation gives three datasets: ``customers``, ``subscriptions`` and ``mrr_movements`` (they share the seed
``casedata._SEEDS["customer_base"]``). Several other families build on it (usage, survey, pipeline, support,
product lines), through :func:`simulate`'s result.
"""
from __future__ import annotations

import pandas as pd

from spmcourse.casedata import PLANS
from spmcourse.casedata._common import (bounded_lognormal, company_name, iso_dates, pick, seeded_rng,
                                        weekday_in_month)

#: The first month covered by the subscription history and the last one.
FIRST_MONTH = pd.Timestamp("2022-01-01")
LAST_MONTH = pd.Timestamp("2025-12-01")
MONTHS = pd.date_range(FIRST_MONTH, LAST_MONTH, freq="MS")

#: List prices per seat per month. The increase took effect on 1 April 2024 for new and existing customers.
PRICE_INCREASE = pd.Timestamp("2024-04-01")
LIST_PRICE_BEFORE = {"Starter": 5.0, "Growth": 8.0, "Scale": 12.0}
LIST_PRICE_AFTER = {"Starter": 6.0, "Growth": 9.0, "Scale": 14.0}

#: Seats per customer at signup, by segment: (median, lower bound, upper bound).
SEAT_RANGE = {"SMB": (20, 10, 60), "Mid-Market": (120, 60, 400), "Enterprise": (600, 400, 3000)}

# --- new customers ----------------------------------------------------------------------------------------------
#: New logos per month stay roughly flat (a maturing product) with seasonality: slow in July, August and
#: December, strong after New Year and in September. Expected signups in month m (0 = January 2022):
#: (SIGNUPS_PER_MONTH + SIGNUPS_TREND * m) * SIGNUP_SEASON[calendar month - 1].
SIGNUPS_PER_MONTH, SIGNUPS_TREND = 10.0, 0.02
SIGNUP_SEASON = [1.2, 1.1, 1.15, 1.0, 1.0, 0.95, 0.7, 0.7, 1.15, 1.1, 1.0, 0.75]
#: Kestrel moves up-market: the Enterprise share of new logos grows from 5 % by 3 points over the period; the
#: Mid-Market share stays fixed and SMB takes the rest of SMB_PLUS_ENTERPRISE.
ENTERPRISE_SHARE_START, ENTERPRISE_SHARE_GROWTH = 0.05, 0.03
SMB_PLUS_ENTERPRISE, MID_MARKET_SHARE = 0.62, 0.31
INDUSTRY_MIX = {
    "SMB": {"clinic": 0.35, "retail": 0.25, "hospitality": 0.30, "logistics": 0.10},
    "Mid-Market": {"clinic": 0.25, "retail": 0.30, "hospitality": 0.25, "logistics": 0.20},
    "Enterprise": {"clinic": 0.20, "retail": 0.35, "hospitality": 0.15, "logistics": 0.30},
}
#: North America opened in 2022 and grows from 10 % to 35 % of new customers; the UK stays at 20 %.
NA_SHARE_START, NA_SHARE_GROWTH = 0.10, 0.25
EU_PLUS_NA, UK_SHARE = 0.80, 0.20
PLAN_MIX = {
    "SMB": {"Starter": 0.55, "Growth": 0.40, "Scale": 0.05},
    "Mid-Market": {"Starter": 0.10, "Growth": 0.55, "Scale": 0.35},
    "Enterprise": {"Starter": 0.0, "Growth": 0.20, "Scale": 0.80},
}
#: Spread (lognormal sigma) of the seats at signup around the segment's median (SEAT_RANGE).
SEATS_SIGMA = 0.5
#: The partner programme started in January 2023: no partner-sourced customers before that.
PARTNER_START = pd.Timestamp("2023-01-01")
PARTNER_SHARE = {"SMB": 0.17, "Mid-Market": 0.20, "Enterprise": 0.20}
#: Acquisition channel weights; the partner weight (PARTNER_SHARE) is added per segment.
CHANNEL_MIX = {
    "SMB": {"inbound": 0.75, "outbound": 0.08},
    "Mid-Market": {"inbound": 0.45, "outbound": 0.35},
    "Enterprise": {"inbound": 0.20, "outbound": 0.60},
}
#: Negotiated discount off list price, kept for the customer's lifetime; larger deals get more.
DISCOUNT_MIX = {
    "SMB": {"0": 1.0},
    "Mid-Market": {"0": 0.5, "0.05": 0.3, "0.1": 0.2},
    "Enterprise": {"0.1": 0.4, "0.15": 0.4, "0.2": 0.2},
}

# --- churn -----------------------------------------------------------------------------------------------------
#: Monthly probability of cancelling, by segment, scaled by plan.
CHURN_BASE = {"SMB": 0.019, "Mid-Market": 0.008, "Enterprise": 0.0035}
CHURN_PLAN_FACTOR = {"Starter": 1.25, "Growth": 1.0, "Scale": 0.85}
#: Customers who never get properly onboarded leave early: higher churn in the first months.
EARLY_MONTHS, EARLY_CHURN_FACTOR = 3, 1.5
#: The April 2024 price increase was announced in February: churn rises in March and peaks in April-June.
PRICE_SHOCK = {"2024-03": 1.6, "2024-04": 4.5, "2024-05": 4.0, "2024-06": 2.5, "2024-07": 1.5}
PRICE_SENSITIVITY = {"SMB": 1.0, "Mid-Market": 0.7, "Enterprise": 0.4}
#: Churned customers leave on a weekday more often than at the weekend (weekend days get this weight).
CHURN_WEEKEND_WEIGHT = 0.3

# --- expansion and contraction ----------------------------------------------------------------------------------
#: Extra probability of a seat change driven by the industry's season (+ adds seats, - removes), by month.
SEASONAL_SEAT_CHANGE = {
    "retail": {11: 0.30, 1: -0.30},       # holiday staff in November, gone in January
    "hospitality": {5: 0.25, 9: -0.25},   # summer season
    "logistics": {10: 0.15, 1: -0.15},    # peak parcel season
}
#: Monthly probabilities of a plan change (not possible from the top or the bottom plan) and of seat changes.
UPGRADE_RATE, DOWNGRADE_RATE = 0.010, 0.004
SEATS_ADDED_RATE = {"SMB": 0.04, "Mid-Market": 0.06, "Enterprise": 0.07}
SEATS_REMOVED_RATE = {"SMB": 0.025, "Mid-Market": 0.025, "Enterprise": 0.02}
#: Share of seats added or removed: (low, high) of a uniform draw, in the industry's season and otherwise.
SEATS_ADDED_SHARE = {"season": (0.10, 0.30), "otherwise": (0.04, 0.18)}
SEATS_REMOVED_SHARE = {"season": (0.10, 0.25), "otherwise": (0.04, 0.15)}
#: No customer goes below this many seats.
MIN_SEATS = 3


def list_price(plan: str, month: pd.Timestamp) -> float:
    return (LIST_PRICE_AFTER if month >= PRICE_INCREASE else LIST_PRICE_BEFORE)[plan]


def simulate() -> dict[str, pd.DataFrame]:
    """Simulate every customer who signed up 2022-01 .. 2025-12, month by month.

    MRR is kept in integer cents during the simulation, so the movements add up exactly to the MRR.
    A customer counts in a month if subscribed at the end of that month (the month is labelled by its
    first day): the signup month is the first month with MRR and the churn month the first without.
    """
    rng = seeded_rng("customer_base")
    signups = []
    for m, month in enumerate(MONTHS):
        for _ in range(rng.poisson((SIGNUPS_PER_MONTH + SIGNUPS_TREND * m) * SIGNUP_SEASON[month.month - 1])):
            signups.append((month, weekday_in_month(rng, month)))
    signups.sort(key=lambda item: item[1])

    taken: set[str] = set()
    customers, subscriptions, movements = [], [], []
    for number, (month, signup_date) in enumerate(signups, start=1):
        progress = (month - FIRST_MONTH).days / (LAST_MONTH - FIRST_MONTH).days  # 0 .. 1 over the period
        enterprise = ENTERPRISE_SHARE_START + ENTERPRISE_SHARE_GROWTH * progress
        segment = pick(rng, {"SMB": SMB_PLUS_ENTERPRISE - enterprise, "Mid-Market": MID_MARKET_SHARE,
                             "Enterprise": enterprise})
        industry = pick(rng, INDUSTRY_MIX[segment])
        na_share = NA_SHARE_START + NA_SHARE_GROWTH * progress
        region = pick(rng, {"EU": EU_PLUS_NA - na_share, "UK": UK_SHARE, "NA": na_share})
        plan = pick(rng, PLAN_MIX[segment])
        median, low, high = SEAT_RANGE[segment]
        seats = int(round(bounded_lognormal(rng, median, SEATS_SIGMA, low, high)))
        partner = 0.0 if month < PARTNER_START else PARTNER_SHARE[segment]
        channel = pick(rng, {**CHANNEL_MIX[segment], "partner": partner})
        discount = float(pick(rng, DISCOUNT_MIX[segment]))
        customer_id = f"C{number:04d}"
        name = company_name(rng, region, industry, taken)
        churn_date = _simulate_customer(rng, customer_id, segment, industry, plan, seats, discount, month,
                                        subscriptions, movements)
        customers.append({
            "customer_id": customer_id, "company_name": name, "segment": segment, "industry": industry,
            "region": region, "signup_date": signup_date, "plan": plan, "seats_at_signup": seats,
            "acquisition_channel": channel, "churn_date": churn_date, "discount_rate": discount,
        })
    return {
        "customers": pd.DataFrame(customers),
        "subscriptions": pd.DataFrame(subscriptions),
        "mrr_movements": pd.DataFrame(movements),
    }


def _churn_hazard(segment: str, plan: str, age: int, month: pd.Timestamp) -> float:
    """Monthly probability of cancelling."""
    base = CHURN_BASE[segment]
    base *= CHURN_PLAN_FACTOR[plan]
    if age <= EARLY_MONTHS:
        base *= EARLY_CHURN_FACTOR
    shock = PRICE_SHOCK.get(month.strftime("%Y-%m"), 1.0)
    sensitivity = PRICE_SENSITIVITY[segment]
    return base * (1.0 + (shock - 1.0) * sensitivity)


def _simulate_customer(rng, customer_id, segment, industry, plan, seats, discount, signup_month,
                       subscriptions, movements):
    """Walk one customer through the months; append subscription and movement rows; return churn date."""
    start = MONTHS.get_loc(signup_month)
    previous_cents = 0
    for m in range(start, len(MONTHS)):
        month = MONTHS[m]
        age = m - start
        reason = "new"
        if age > 0:
            if rng.random() < _churn_hazard(segment, plan, age, month):
                churn_date = weekday_in_month(rng, month, weekend_weight=CHURN_WEEKEND_WEIGHT)
                movements.append(_movement(month, customer_id, "churn", -previous_cents, 0, "cancelled"))
                return churn_date
            reason = _monthly_change(rng, segment, industry, plan, month)
            if month == PRICE_INCREASE:
                reason = "price_increase"  # the list price rise replaces any other change that month
            elif reason == "plan_upgrade":
                plan = PLANS[PLANS.index(plan) + 1]
            elif reason == "plan_downgrade":
                plan = PLANS[PLANS.index(plan) - 1]
            elif reason == "seats_added":
                seasonal = _seasonal_bump(industry, month) > 0
                share = rng.uniform(*SEATS_ADDED_SHARE["season" if seasonal else "otherwise"])
                seats += max(1, int(round(seats * share)))
            elif reason == "seats_removed":
                seasonal = _seasonal_bump(industry, month) < 0
                share = rng.uniform(*SEATS_REMOVED_SHARE["season" if seasonal else "otherwise"])
                seats = max(MIN_SEATS, seats - max(1, int(round(seats * share))))
        price_cents = int(round(list_price(plan, month) * (1 - discount) * 100))
        mrr_cents = seats * price_cents
        subscriptions.append({
            "month": month, "customer_id": customer_id, "plan": plan, "seats": seats,
            "price_per_seat": price_cents / 100, "mrr": mrr_cents / 100,
        })
        change = mrr_cents - previous_cents
        if change != 0:
            kind = "new" if age == 0 else ("expansion" if change > 0 else "contraction")
            movements.append(_movement(month, customer_id, kind, change, mrr_cents, reason))
        previous_cents = mrr_cents
    return pd.NaT


def _seasonal_bump(industry: str, month: pd.Timestamp) -> float:
    """Extra probability of a seat change driven by the industry's season (+ adds seats, - removes)."""
    return SEASONAL_SEAT_CHANGE.get(industry, {}).get(month.month, 0.0)


def _monthly_change(rng, segment: str, industry: str, plan: str, month: pd.Timestamp) -> str | None:
    """At most one change per customer per month: plan up/down or seats up/down."""
    bump = _seasonal_bump(industry, month)
    options = {
        "plan_upgrade": UPGRADE_RATE if plan != PLANS[-1] else 0.0,
        "plan_downgrade": DOWNGRADE_RATE if plan != PLANS[0] else 0.0,
        "seats_added": SEATS_ADDED_RATE[segment] + max(bump, 0.0),
        "seats_removed": SEATS_REMOVED_RATE[segment] + max(-bump, 0.0),
    }
    u = rng.random()
    for reason, probability in options.items():
        if u < probability:
            return reason
        u -= probability
    return None


def _movement(month, customer_id, kind, change_cents, after_cents, reason) -> dict:
    return {"month": month, "customer_id": customer_id, "movement": kind, "mrr_change": change_cents / 100,
            "mrr_after": after_cents / 100, "reason": reason}


def customers(base) -> pd.DataFrame:
    frame = base["customers"].copy()
    frame["signup_date"] = iso_dates(frame["signup_date"])
    frame["churn_date"] = iso_dates(frame["churn_date"])
    frame["discount_rate"] = frame["discount_rate"].round(4)
    return frame[["customer_id", "company_name", "segment", "industry", "region", "signup_date", "plan",
                  "seats_at_signup", "acquisition_channel", "churn_date", "discount_rate"]]


def subscriptions(base) -> pd.DataFrame:
    frame = base["subscriptions"].sort_values(["month", "customer_id"], kind="stable").reset_index(drop=True)
    frame["month"] = iso_dates(frame["month"])
    frame["price_per_seat"] = frame["price_per_seat"].round(2)
    frame["mrr"] = frame["mrr"].round(2)
    return frame[["month", "customer_id", "plan", "seats", "price_per_seat", "mrr"]]


def mrr_movements(base) -> pd.DataFrame:
    frame = base["mrr_movements"].sort_values(["month", "customer_id"], kind="stable").reset_index(drop=True)
    frame["month"] = iso_dates(frame["month"])
    frame["mrr_change"] = frame["mrr_change"].round(2)
    frame["mrr_after"] = frame["mrr_after"].round(2)
    return frame[["month", "customer_id", "movement", "mrr_change", "mrr_after", "reason"]]


def active_on(customers: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Boolean mask: signed up on or before `day` and not yet churned."""
    churn = pd.to_datetime(customers["churn_date"])
    return (pd.to_datetime(customers["signup_date"]) <= day) & (churn.isna() | (churn > day))


def plan_in(base, month: str) -> pd.DataFrame:
    subs = base["subscriptions"]
    return subs[subs["month"] == pd.Timestamp(month)].set_index("customer_id")[["plan", "seats"]]
