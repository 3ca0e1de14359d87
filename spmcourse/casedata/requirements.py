"""Case data for module 07 (customer insight and product requirements): generators registered in casedata.

* ``requirements``: Kestrel Shifts' requirements for the 2026 releases, hand-authored (no random numbers), with
  their abstraction level, parent, backlog item and acceptance tests. Some are deliberately weak.
* ``feature_requests``: the requests that reached product management in 2025, from customers, through support
  tickets, sales and customer success. Seeded.
* ``feature_importance``: the importance ratings (1-5) the September 2025 survey respondents gave the six Kano
  features. Seeded, and consistent with each respondent's Kano answers.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# ==============================================================================================================
# requirements (hand-authored)
# ==============================================================================================================
REQUIREMENT_COLUMNS = ("req_id", "level", "parent_id", "item_id", "kind", "form", "text", "test_ids")
_S, _U = "shall", "story"
REQUIREMENTS = (
    ("R01", "product", "", "", "feature", _S,
     "Kestrel Shifts shall help employers with more than one site plan shifts that are legal, covered and "
     "affordable.", ""),
    ("R02", "feature", "R01", "K01", "feature", _S,
     "The product shall support single sign-on with the customer's identity provider.", "T01"),
    ("R03", "function", "R02", "K01", "feature", _S,
     "The system shall authenticate users through SAML 2.0 and OpenID Connect identity providers.", "T01;T02"),
    ("R04", "function", "R02", "K01", "quality", _S, "Single sign-on shall be fast and user-friendly.", ""),
    ("R05", "component", "R03", "K01", "constraint", _S,
     "The SAML integration shall use the OpenSAML 4 library.", "T03"),
    ("R06", "feature", "R01", "K18", "feature", _S, "The product shall generate a draft schedule automatically.",
     "T04"),
    ("R07", "function", "R06", "K18", "feature", _S,
     "The scheduler shall fill every open shift with an available employee who holds the required skill and "
     "shall respect each employee's contracted hours.", "T04"),
    ("R08", "function", "R06", "K18", "quality", _S,
     "The scheduler shall produce a draft schedule for 200 employees and one week in at most 30 seconds.", "T05"),
    ("R09", "function", "R06", "K18", "feature", _U,
     "As a shift manager, I want to lock shifts before the scheduler runs, so that agreed arrangements stay in "
     "place.", "T06"),
    ("R10", "function", "R06", "K18", "feature", _U,
     "As a shift manager, I want the scheduler to suggest and explain alternatives.", ""),
    ("R11", "feature", "R01", "K07", "feature", _S, "The mobile app shall let employees see and swap their shifts.",
     "T07"),
    ("R12", "function", "R11", "K10", "feature", _U,
     "As an employee, I want to offer my shift to qualified colleagues, so that I can take time off without "
     "calling my manager.", "T08"),
    ("R13", "function", "R11", "K07", "quality", _S, "The mobile app should work offline where possible.", ""),
    ("R14", "function", "R11", "K09", "feature", _U,
     "I want a push notification when an open shift matches my skills.", "T09"),
    ("R15", "function", "R11", "K07", "quality", _S,
     "The mobile app shall open the employee's next shift in at most 2 seconds on the reference devices of the "
     "test plan.", "T10"),
    ("R16", "feature", "R01", "K11", "feature", _S,
     "The product shall export approved hours to payroll systems (DATEV, ADP, Gusto, Sage etc.).", ""),
    ("R17", "function", "R16", "K11", "feature", _S,
     "The system shall export approved hours to DATEV Lohn und Gehalt in its ASCII import format.", "T11"),
    ("R18", "function", "R16", "K14", "quality", _S, "Payroll exports shall be accurate.", "T12"),
    ("R19", "feature", "R01", "K16", "constraint", _S,
     "The scheduler shall warn the planner before publishing a schedule that breaks the EU Working Time "
     "Directive (Directive 2003/88/EC).", "T13"),
    ("R20", "function", "R19", "K16", "constraint", _S,
     "The scheduler shall block publishing a schedule that gives an employee less than 11 consecutive hours of "
     "rest in a 24-hour period, unless a manager overrides it.", "T13"),
    ("R21", "function", "R01", "", "feature", _S,
     "The system shall be able to show the weather forecast for each site on the rota.", "T14"),
    ("R22", "function", "R06", "K20", "feature", _U,
     "As a clinic manager, I want open shifts filled by skill, so that every shift has a certified nurse.", ""),
    ("R23", "component", "R08", "K18", "quality", _S,
     "The constraint solver shall handle a large number of constraints efficiently.", ""),
    ("R24", "function", "R02", "K02", "feature", _U,
     "As an IT administrator, I want leavers deactivated automatically when they leave our directory, so that "
     "they lose access the same day.", "T15"),
)


def requirements() -> pd.DataFrame:
    frame = pd.DataFrame(REQUIREMENTS, columns=REQUIREMENT_COLUMNS)
    for column in ("parent_id", "item_id", "test_ids"):
        frame[column] = frame[column].replace("", np.nan)
    return frame


# ==============================================================================================================
# feature_requests (seeded)
# ==============================================================================================================
#: Requests per new theme (no backlog item yet): (requests, distinct customers). break_planning has many requests
#: from few customers: counting requests instead of customers changes its triage decision.
NEW_THEMES = {
    "overtime_alerts": (9, 7),
    "shift_bidding": (5, 5),
    "break_planning": (7, 4),
    "apple_watch_app": (2, 2),
    "crm": (4, 4),
    "accounting_ledger": (3, 3),
    "inventory": (2, 2),
}
#: Requests that match an existing backlog item: item -> number of requests.
MATCHED_ITEMS = {"K01": 14, "K05": 10, "K07": 12, "K10": 9, "K14": 8, "K18": 11, "K21": 18, "K29": 5, "K16": 6,
                 "K02": 4}
#: The theme name of each matched backlog item.
ITEM_THEMES = {"K01": "sso", "K05": "ai_forecasting", "K07": "mobile_app", "K10": "shift_swap", "K14": "payroll_na",
               "K18": "auto_scheduling", "K21": "dark_mode", "K29": "teams", "K16": "eu_working_time",
               "K02": "scim"}
N_BUGS, N_QUESTIONS = 14, 9
CHANNELS = ("support", "sales", "customer_success", "in_app")
CHANNEL_P = (0.35, 0.25, 0.25, 0.15)
_YEAR_START, _YEAR_END = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31")

_SUMMARY = {
    "overtime_alerts": "Alert the manager before a schedule pushes someone into overtime",
    "shift_bidding": "Let employees bid for open shifts",
    "break_planning": "Plan breaks inside shifts",
    "apple_watch_app": "Clock in from an Apple Watch",
    "crm": "Track our clients and sales leads in Kestrel",
    "accounting_ledger": "Post labour costs to our general ledger",
    "inventory": "Track stock levels per site",
    "bug": "Something does not work as expected",
    "question": "How do I do this in Kestrel?",
}


def feature_requests(rng: np.random.Generator, customers: pd.DataFrame, tickets: pd.DataFrame,
                     backlog: pd.DataFrame) -> pd.DataFrame:
    """Requests received in 2025. Support requests come from a real ticket of that customer."""
    titles = backlog.set_index("item_id")["title"]
    live = customers[customers["churn_date"].isna() | (pd.to_datetime(customers["churn_date"]) > _YEAR_END)]
    pool = list(live["customer_id"])
    segment = customers.set_index("customer_id")["segment"]
    opened = pd.to_datetime(tickets["opened_at"])
    tickets = tickets.assign(opened=opened)
    rows = []

    def add(kind, theme, item, customer, summary):
        channel = "support" if kind != "feature" else CHANNELS[int(rng.choice(len(CHANNELS), p=CHANNEL_P))]
        ticket, date = np.nan, None
        if channel == "support":
            own = tickets[tickets["customer_id"] == customer]
            if len(own):
                pick = own.iloc[int(rng.integers(len(own)))]
                ticket, date = pick["ticket_id"], pick["opened"].normalize()
            else:
                channel = "customer_success"
        if date is None:
            date = _YEAR_START + pd.Timedelta(days=int(rng.integers(365)))
        rows.append({"received_date": date, "customer_id": customer, "segment": segment[customer],
                     "channel": channel, "ticket_id": ticket, "kind": kind, "theme": theme, "item_id": item,
                     "summary": summary})

    for theme, (n_requests, n_customers) in NEW_THEMES.items():
        who = list(rng.choice(pool, size=n_customers, replace=False))
        who += list(rng.choice(who, size=n_requests - n_customers, replace=True))
        for customer in who:
            add("feature", theme, np.nan, customer, _SUMMARY[theme])
    for item, n in MATCHED_ITEMS.items():
        for customer in rng.choice(pool, size=n, replace=False):
            add("feature", ITEM_THEMES[item], item, customer, titles[item])
    for kind, n in (("bug", N_BUGS), ("question", N_QUESTIONS)):
        for customer in rng.choice(pool, size=n, replace=False):
            add(kind, kind, np.nan, customer, _SUMMARY[kind])
    frame = pd.DataFrame(rows).sort_values(["received_date", "customer_id", "theme"], kind="stable")
    frame.insert(0, "request_id", [f"FR{k:03d}" for k in range(1, len(frame) + 1)])
    frame["received_date"] = frame["received_date"].dt.strftime("%Y-%m-%d")
    return frame.reset_index(drop=True)


# ==============================================================================================================
# feature_importance (seeded)
# ==============================================================================================================
#: P(rating 1..5) given the Kano category of the respondent's answer pair for that feature.
IMPORTANCE_GIVEN_CATEGORY = {
    "M": (0.02, 0.05, 0.15, 0.35, 0.43),
    "O": (0.02, 0.05, 0.18, 0.40, 0.35),
    "A": (0.08, 0.22, 0.35, 0.25, 0.10),
    "I": (0.25, 0.32, 0.28, 0.12, 0.03),
    "R": (0.40, 0.30, 0.20, 0.07, 0.03),
    "Q": (0.20, 0.20, 0.20, 0.20, 0.20),
}
P_SKIPPED = 0.03


def feature_importance(rng: np.random.Generator, survey: pd.DataFrame, features: tuple[str, ...]) -> pd.DataFrame:
    from spmcourse.kano import kano_category

    frame = survey[["respondent_id", "segment"]].copy()
    for feature in features:
        ratings = []
        for f, d in zip(survey[f"kano_{feature}_functional"], survey[f"kano_{feature}_dysfunctional"]):
            rating = float(rng.choice(5, p=IMPORTANCE_GIVEN_CATEGORY[kano_category(f, d)]) + 1)
            ratings.append(np.nan if rng.random() < P_SKIPPED else rating)
        frame[f"importance_{feature}"] = ratings
    return frame.reset_index(drop=True)
