"""Product-usage datasets (module 03, product analysis): ``usage_events`` of a customer sample in Q4 2025 and the
``trial_funnel`` of the free trials started in 2025."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from spmcourse.casedata import PLANS
from spmcourse.casedata._common import iso_dates, iso_timestamps, pick, seeded_rng, weekday_in_month
from spmcourse.casedata.customer_base import plan_in

EVENT_NAMES = ("login", "shift_created", "schedule_published", "shift_swap_requested", "report_exported",
                "mobile_checkin", "insights_dashboard_viewed")

# --- usage_events ------------------------------------------------------------------------------------------------
QUARTER_START, QUARTER_END = pd.Timestamp("2025-10-01"), pd.Timestamp("2025-12-31")
#: Stratified sample: this many customers per plan, including this many who churn during the quarter.
CUSTOMERS_PER_PLAN, CHURNERS_IN_SAMPLE = 10, 3
#: Web use by managers per weekday (Monday first), and when they publish schedules (Thursday and Friday).
WEEKDAY_WEB = (1.15, 1.05, 1.0, 1.0, 0.9, 0.2, 0.12)
PUBLISH_DAY = (0.5, 0.4, 0.6, 2.0, 2.2, 0.1, 0.1)
#: Employees check in on weekdays, and at weekends too in retail and hospitality (shift work).
CHECKIN_WEEKDAYS = [1.0, 1.0, 1.0, 1.0, 1.0]
CHECKIN_WEEKEND = {"shift work": [0.9, 0.8], "office": [0.35, 0.25]}
WEEKEND_SHIFT_INDUSTRIES = ("retail", "hospitality")
#: Quiet days for everyone (month-day), and Thanksgiving for North American customers.
HOLIDAYS = ["12-24", "12-25", "12-26", "12-31"]
THANKSGIVING = pd.Timestamp("2025-11-27")
#: Activity on a holiday, relative to a normal day: office work, check-ins, publishing.
HOLIDAY_OFFICE, HOLIDAY_FLOOR, HOLIDAY_PUBLISH = 0.15, 0.6, 0.2
#: Users per customer: min(seats, USERS_BASE + round(USERS_PER_LOG_SEAT * ln(seats))); a fifth are managers.
USERS_BASE, USERS_PER_LOG_SEAT, MANAGER_SHARE = 3, 2.5, 0.2
#: Share of customers with the Insights add-on, by plan.
INSIGHTS_SHARE = {"Starter": 0.0, "Growth": 0.15, "Scale": 0.6}
#: Activity fades over this many days before a churn and stops on the churn date.
FADE_DAYS = 42
#: How much more active users of each plan are, and how much users differ (lognormal sigma of keenness).
PLAN_ACTIVITY = {"Starter": 0.8, "Growth": 1.0, "Scale": 1.15}
KEENNESS_SIGMA = 0.45
#: Reports are exported mostly on the first business days of the month.
REPORT_RATE = {"Starter": 0.02, "Growth": 0.08, "Scale": 0.15}
REPORT_DAYS, REPORT_PEAK = 3, 4.0
#: Events per manager per day (times the office profile) and the share of them on mobile; the hours they work.
MANAGER_RATE = {"login": 0.9, "shift_created": 1.1, "schedule_published": 0.22, "insights_dashboard_viewed": 0.35}
MANAGER_MOBILE = {"login": 0.2, "shift_created": 0.05, "schedule_published": 0.02, "report_exported": 0.0,
                  "insights_dashboard_viewed": 0.1}
MANAGER_HOURS = ([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
                 [2, 8, 12, 11, 9, 5, 8, 9, 8, 6, 4, 2, 1, 1])
#: The same for employees (shift swaps need the Growth plan or higher).
EMPLOYEE_RATE = {"login": 0.25, "mobile_checkin": 0.32, "shift_swap_requested": 0.05}
EMPLOYEE_MOBILE = {"login": 0.85, "mobile_checkin": 1.0, "shift_swap_requested": 0.9}
EMPLOYEE_HOURS = ([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22],
                  [2, 8, 10, 7, 4, 3, 3, 4, 6, 7, 5, 4, 5, 4, 3, 2, 1, 1])

# --- trial_funnel ------------------------------------------------------------------------------------------------
TRIAL_YEAR_START, TRIAL_YEAR_LAST_MONTH = "2025-01-01", "2025-12-01"
TRIAL_SNAPSHOT = pd.Timestamp("2025-12-31")
#: Expected trials in month m (0 = January): TRIALS_PER_MONTH * TRIAL_SEASON[month] * (1 + TRIALS_TREND * m).
TRIALS_PER_MONTH, TRIALS_TREND = 172, 0.012
TRIAL_SEASON = [1.25, 1.1, 1.1, 1.0, 1.0, 0.9, 0.75, 0.75, 1.2, 1.1, 1.0, 0.7]
TRIAL_WEEKEND_WEIGHT = 0.45
TRIAL_SEGMENTS = {"SMB": 0.72, "Mid-Market": 0.24, "Enterprise": 0.04}
TRIAL_CHANNELS = {"organic": 0.40, "paid": 0.30, "referral": 0.15, "partner": 0.15}
#: Step probabilities: sign up (paid traffic less often), invite the team (lifted by the onboarding wizard),
#: create the first schedule, publish it, convert to paid (by channel and segment, capped).
SIGNUP_PAID, SIGNUP_OTHER = 0.80, 0.88
INVITE = {"SMB": 0.45, "Mid-Market": 0.52, "Enterprise": 0.58}
WIZARD_RELEASE, WIZARD_LIFT = pd.Timestamp("2025-06-02"), 0.13
FIRST_SCHEDULE, PUBLISH = 0.66, 0.70
CONVERT = 0.34
CONVERT_CHANNEL = {"organic": 1.0, "paid": 0.75, "referral": 1.35, "partner": 1.15}
CONVERT_SEGMENT = {"SMB": 1.0, "Mid-Market": 1.1, "Enterprise": 1.2}
CONVERT_CAP = 0.95
TRIAL_DAYS = 14


def usage_events(base) -> pd.DataFrame:
    """Product events of a sample of customers in Q4 2025.

    Managers plan the rota on the web during office hours (publishing peaks on Thursday and Friday);
    employees use the mobile app to check in and to request swaps, also at weekends in retail and
    hospitality. Shift swaps need the Growth plan or higher; the Insights dashboard exists only for
    customers who bought the Insights add-on (mostly Scale).
    """
    rng = seeded_rng("usage_events")
    customers = base["customers"]
    plans = plan_in(base, "2025-10-01")
    start, end = QUARTER_START, QUARTER_END
    days = pd.date_range(start, end, freq="D")
    eligible = customers[(customers["signup_date"] < start) & customers["customer_id"].isin(plans.index)]
    eligible = eligible.assign(current_plan=eligible["customer_id"].map(plans["plan"]),
                               seats=eligible["customer_id"].map(plans["seats"]))
    # Stratified sample: ten customers per plan, including three customers who churn during the quarter.
    churners = eligible.loc[eligible["churn_date"].notna(), "customer_id"].to_numpy()
    chosen = list(rng.choice(churners, size=min(CHURNERS_IN_SAMPLE, len(churners)), replace=False))
    for plan in PLANS:
        pool = eligible[(eligible["current_plan"] == plan) & ~eligible["customer_id"].isin(chosen)]
        already = int((eligible["customer_id"].isin(chosen) & (eligible["current_plan"] == plan)).sum())
        need = max(0, CUSTOMERS_PER_PLAN - already)
        chosen += list(rng.choice(pool["customer_id"].to_numpy(), size=min(need, len(pool)), replace=False))
    sample = eligible[eligible["customer_id"].isin(chosen)].sort_values("customer_id")

    weekday_web = np.array(WEEKDAY_WEB)
    publish_day = np.array(PUBLISH_DAY)
    holiday = np.isin(days.strftime("%m-%d"), HOLIDAYS)
    rows = []
    user_number = 0
    for customer in sample.itertuples():
        plan, seats, industry = customer.current_plan, int(customer.seats), customer.industry
        n_users = int(min(seats, USERS_BASE + round(USERS_PER_LOG_SEAT * math.log(seats))))
        n_managers = max(1, round(n_users * MANAGER_SHARE))
        has_insights = rng.random() < INSIGHTS_SHARE[plan]
        weekend_shift = industry in WEEKEND_SHIFT_INDUSTRIES
        checkin_day = np.array(CHECKIN_WEEKDAYS + CHECKIN_WEEKEND["shift work" if weekend_shift else "office"])
        dow = days.day_of_week.to_numpy()
        alive = np.ones(len(days))
        if isinstance(customer.churn_date, pd.Timestamp):
            left = (customer.churn_date - days).days.to_numpy()
            alive = np.clip(left / FADE_DAYS, 0.0, 1.0)
        local_holiday = holiday | ((customer.region == "NA") & (days == THANKSGIVING))
        office = weekday_web[dow] * np.where(local_holiday, HOLIDAY_OFFICE, 1.0) * alive
        floor = checkin_day[dow] * np.where(local_holiday, HOLIDAY_FLOOR, 1.0) * alive
        first_business_days = (days.day <= REPORT_DAYS) & (dow < 5)
        plan_factor = PLAN_ACTIVITY[plan]
        for u in range(n_users):
            user_number += 1
            user_id = f"U{user_number:04d}"
            keen = rng.lognormal(0.0, KEENNESS_SIGMA)
            if u < n_managers:
                rate = MANAGER_RATE
                rates = {
                    "login": rate["login"] * office,
                    "shift_created": rate["shift_created"] * plan_factor * office,
                    "schedule_published": rate["schedule_published"] * publish_day[dow]
                    * np.where(local_holiday, HOLIDAY_PUBLISH, 1.0) * alive,
                    "report_exported": REPORT_RATE[plan] * office * np.where(first_business_days, REPORT_PEAK, 1.0),
                    "insights_dashboard_viewed": (rate["insights_dashboard_viewed"] if has_insights else 0.0) * office,
                }
                mobile_share, hours = MANAGER_MOBILE, MANAGER_HOURS
            else:
                rate = EMPLOYEE_RATE
                rates = {
                    "login": rate["login"] * floor,
                    "mobile_checkin": rate["mobile_checkin"] * plan_factor * floor,
                    "shift_swap_requested": (0.0 if plan == "Starter" else rate["shift_swap_requested"]) * floor,
                }
                mobile_share, hours = EMPLOYEE_MOBILE, EMPLOYEE_HOURS
            hour_values, hour_weights = np.array(hours[0]), np.array(hours[1], dtype=float)
            for event, rate in rates.items():
                counts = rng.poisson(rate * keen)
                total = int(counts.sum())
                if total == 0:
                    continue
                event_days = np.repeat(days.to_numpy(), counts)
                hour = rng.choice(hour_values, size=total, p=hour_weights / hour_weights.sum())
                seconds = rng.integers(0, 3600, size=total)
                stamps = event_days + (hour * 3600 + seconds).astype("timedelta64[s]")
                platform = np.where(rng.random(total) < mobile_share[event], "mobile", "web")
                for stamp, device in zip(stamps, platform):
                    rows.append((stamp, customer.customer_id, user_id, event, device))
    frame = pd.DataFrame(rows, columns=["timestamp", "customer_id", "user_id", "event", "platform"])
    if len(frame):
        churn = frame["customer_id"].map(customers.set_index("customer_id")["churn_date"])
        frame = frame[churn.isna() | (frame["timestamp"] < churn)]
    frame = frame.sort_values(["timestamp", "customer_id", "user_id", "event"], kind="stable").reset_index(drop=True)
    frame.insert(0, "event_id", [f"E{i:06d}" for i in range(1, len(frame) + 1)])
    frame["timestamp"] = iso_timestamps(frame["timestamp"])
    return frame


def trial_funnel() -> pd.DataFrame:
    """Free 14-day trials started in 2025 and how far each one got.

    Each step is only possible after the previous one, so the booleans are monotone. An onboarding
    wizard released on 2 June 2025 lifts the invite step; trials of the last two weeks of December were
    still running at the snapshot, so fewer of them have converted yet.
    """
    rng = seeded_rng("trial_funnel")
    rows = []
    for m, month in enumerate(pd.date_range(TRIAL_YEAR_START, TRIAL_YEAR_LAST_MONTH, freq="MS")):
        for _ in range(rng.poisson(TRIALS_PER_MONTH * TRIAL_SEASON[month.month - 1] * (1 + TRIALS_TREND * m))):
            day = weekday_in_month(rng, month, weekend_weight=TRIAL_WEEKEND_WEIGHT)
            segment = pick(rng, TRIAL_SEGMENTS)
            channel = pick(rng, TRIAL_CHANNELS)
            p_signup = SIGNUP_PAID if channel == "paid" else SIGNUP_OTHER
            p_invite = INVITE[segment] + (WIZARD_LIFT if day >= WIZARD_RELEASE else 0)
            p_convert = CONVERT * CONVERT_CHANNEL[channel]
            p_convert *= CONVERT_SEGMENT[segment]
            running_days = (TRIAL_SNAPSHOT - day).days
            if running_days < TRIAL_DAYS:  # right-censored: the trial has not ended yet
                p_convert *= running_days / TRIAL_DAYS
            steps = [p_signup, p_invite, FIRST_SCHEDULE, PUBLISH, min(p_convert, CONVERT_CAP)]
            reached = []
            ok = True
            for p in steps:
                ok = ok and bool(rng.random() < p)
                reached.append(ok)
            rows.append([day, segment, channel, *reached])
    frame = pd.DataFrame(rows, columns=["signup_date", "segment", "channel", "signed_up", "invited_team",
                                        "created_first_schedule", "published_schedule", "converted_to_paid"])
    frame = frame.sort_values("signup_date", kind="stable").reset_index(drop=True)
    frame.insert(0, "trial_id", [f"TR{i:05d}" for i in range(1, len(frame) + 1)])
    frame["signup_date"] = iso_dates(frame["signup_date"])
    return frame
