"""Case data for module 12, the capstone: should Kestrel launch a care edition of Kestrel Shifts?

Six small hand-set tables (no random numbers), registered in :mod:`spmcourse.casedata` like every other dataset.
They extend the home-care vertical of ``entry_markets`` (module 02) and initiative I2 of ``initiatives`` into
one launch decision:

- ``care_buyer_needs``: how much home-care buyers weigh each attribute of the ``perceptions`` survey;
- ``care_price_test``: a Gabor-Granger buy-response test among home-care prospects;
- ``care_plan``: the edition's business case, 2026-2031, at the proposed price;
- ``care_risks``: the edition's risk register, with a mandatory flag for legal obligations;
- ``care_work``: the engineering work of the edition, with dependencies and what pilots need;
- ``care_launch_gates``: the readiness gates of the launch review, with the values measured at the review.

All numbers are fictional. Every number is a named constant below.

>>> sorted(build())[:2]
['care_buyer_needs', 'care_launch_gates']
"""
from __future__ import annotations

import pandas as pd

#: Attribute weights from 24 interviews with home-care operations managers (columns of ``perceptions``).
BUYER_NEEDS = {  # attribute: (weight, what the buyers said)
    "ease_of_use": (0.15, "carers plan and check in on a phone between visits"),
    "scheduling_depth": (0.35, "qualifications, continuity of carer and travel time between clients"),
    "integrations": (0.10, "payroll and the local authority's care-commissioning portal"),
    "data_control": (0.20, "visit notes hold health data about clients"),
    "value_for_money": (0.10, "margins are thin and set by public funding rates"),
    "support_quality": (0.10, "small offices with no IT staff"),
}

#: Gabor-Granger test: respondents asked, and how many would buy at each price (EUR per seat per month).
PRICE_TEST_RESPONDENTS = 400
PRICE_TEST = {8.0: 248, 9.0: 232, 10.0: 208, 11.0: 188, 12.0: 144, 13.0: 108, 14.0: 80}

#: The business case at the proposed price. Year 0 (2026) is the build year.
PLAN_PRICE = 11.0
PLAN_SEATS_PER_CUSTOMER = 45
PLAN = [  # year, customers, one-off development, recurring development, operations, compliance, go-to-market
    (0, 0, 900_000.0, 0.0, 20_000.0, 150_000.0, 100_000.0),
    (1, 60, 200_000.0, 250_000.0, 60_000.0, 80_000.0, 400_000.0),
    (2, 180, 0.0, 280_000.0, 130_000.0, 80_000.0, 350_000.0),
    (3, 330, 0.0, 300_000.0, 210_000.0, 90_000.0, 300_000.0),
    (4, 480, 0.0, 320_000.0, 290_000.0, 90_000.0, 280_000.0),
    (5, 600, 0.0, 330_000.0, 350_000.0, 90_000.0, 260_000.0),
]

RISKS = [  # id, title, owner, p, impact, mitigation, cost, p after, impact after, mandatory
    ("C1", "Breach of clients' health data in visit notes", "CISO", 0.04, 2_500_000.0,
     "Data-protection impact assessment, field-level encryption review, penetration test", 90_000.0,
     0.015, 2_500_000.0, True),
    ("C2", "Travel-time rules wrong for a country: rotas break working-time law", "Product Manager", 0.30,
     400_000.0, "Rule review with a labour lawyer per country and a rule test suite", 40_000.0, 0.08, 400_000.0,
     False),
    ("C3", "The vertical's leader cuts its price for new home-care customers", "Head of Sales", 0.35, 600_000.0,
     "Two-year contracts with a launch discount for the first customers", 60_000.0, 0.35, 300_000.0, False),
    ("C4", "Pilot customers leave for lack of electronic visit verification", "Product Manager", 0.25,
     300_000.0, "Integration with an electronic-visit-verification partner", 80_000.0, 0.10, 300_000.0, False),
    ("C5", "No care-domain expert hired: the launch slips two quarters", "Head of Engineering", 0.40,
     250_000.0, "Contract a care-sector consultant for the build", 50_000.0, 0.15, 250_000.0, False),
    ("C6", "The first care-regulator audit of the hosting fails", "Head of Operations", 0.20, 150_000.0,
     "Pre-audit by a specialist consultancy", 25_000.0, 0.05, 150_000.0, False),
]

#: Engineering capacity per quarter (person-weeks) from 2026Q3, after the team finishes its 2026 commitments.
WORK_START_QUARTER = "2026Q3"
WORK = [  # id, title, effort weeks, depends on, launch-critical, mitigates, share of pilots that need it
    ("W01", "Care data model: clients, visits, care plans", 6, "", True, "", 1.00),
    ("W02", "Qualification and skill matching", 5, "W01", True, "", 0.95),
    ("W03", "Travel-time rules between client visits", 8, "W01", True, "C2", 0.85),
    ("W04", "Field-level encryption of visit notes", 4, "", True, "C1", 0.60),
    ("W05", "Audit trail of visit edits", 3, "W04", True, "C1", 0.15),
    ("W06", "Carer mobile check-in at the client's door", 7, "W01", True, "", 0.90),
    ("W07", "Care-plan import from CSV", 3, "W01", True, "", 0.20),
    ("W08", "Staffing reports for the care regulator", 7, "W02", True, "", 0.55),
    ("W09", "Electronic-visit-verification partner integration", 6, "W06", False, "C4", 0.45),
    ("W10", "Family portal", 8, "W06", False, "", 0.30),
]

GATES = [  # id, function, criterion, unit, target, at review, rule, must
    ("G1", "Engineering", "launch-critical roadmap items done", "share", 1.0, 1.0, "at least", True),
    ("G2", "Support", "support agents trained on care workflows", "agents", 4.0, 2.0, "at least", True),
    ("G3", "Documentation", "care help articles published", "articles", 25.0, 27.0, "at least", False),
    ("G4", "Legal", "DPIA signed off by the data-protection officer", "yes = 1", 1.0, 1.0, "at least", True),
    ("G5", "Operations", "95th-percentile rota publish time at 3x pilot load", "ms", 800.0, 640.0, "at most",
     True),
    ("G6", "Marketing", "reference customers willing to be named", "customers", 3.0, 2.0, "at least", False),
    ("G7", "Sales", "account executives certified on the care demo", "people", 6.0, 7.0, "at least", False),
    ("G8", "Pilot", "share of pilot planners active every week", "share", 0.70, 0.74, "at least", True),
]


def care_buyer_needs() -> pd.DataFrame:
    return pd.DataFrame([(a, w, why) for a, (w, why) in BUYER_NEEDS.items()],
                        columns=["attribute", "weight", "what_buyers_said"])


def care_price_test() -> pd.DataFrame:
    return pd.DataFrame({"price_per_seat_month": list(PRICE_TEST),
                         "respondents": PRICE_TEST_RESPONDENTS,
                         "would_buy": list(PRICE_TEST.values())})


def care_plan() -> pd.DataFrame:
    rows = []
    for year, customers, one_off, recurring, operations, compliance, gtm in PLAN:
        rows.append({"year": year, "calendar_year": 2026 + year, "customers": customers,
                     "seats": customers * PLAN_SEATS_PER_CUSTOMER, "price_per_seat_month": PLAN_PRICE,
                     "one_off_development": one_off, "recurring_development": recurring,
                     "operations": operations, "compliance": compliance, "go_to_market": gtm})
    return pd.DataFrame(rows)


def care_risks() -> pd.DataFrame:
    return pd.DataFrame(RISKS, columns=["risk_id", "title", "owner", "probability", "impact_eur", "mitigation",
                                        "mitigation_cost_eur", "probability_after", "impact_after_eur",
                                        "mandatory"])


def care_work() -> pd.DataFrame:
    return pd.DataFrame(WORK, columns=["item_id", "title", "effort_weeks", "depends_on", "launch_critical",
                                       "mitigates", "pilot_need"])


def care_launch_gates() -> pd.DataFrame:
    return pd.DataFrame(GATES, columns=["gate_id", "function", "criterion", "unit", "target", "at_review",
                                        "rule", "must"])


def build() -> dict[str, pd.DataFrame]:
    """Every module-12 dataset, by name."""
    return {"care_buyer_needs": care_buyer_needs(), "care_price_test": care_price_test(),
            "care_plan": care_plan(), "care_risks": care_risks(), "care_work": care_work(),
            "care_launch_gates": care_launch_gates()}
