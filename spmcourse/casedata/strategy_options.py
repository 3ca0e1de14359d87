"""Case data for module 04: Kestrel's strategic options (positioning, delivery model, sourcing, ecosystem).

The story: Timberline WFM, the on-premise incumbent, loses about two and a half points of market share a year,
and its customers are choosing a successor. Kestrel asks how to position Kestrel Shifts for them, how to
deliver it, what to build or buy to win them, and which partners should help. Six small datasets:

- ``perceptions``: mean buyer ratings of the six named vendors on six attributes (1-7), from a 2025 survey;
- ``delivery_models``: what one reference customer (300 seats) pays, and what Kestrel bears, under four delivery
  models;
- ``service_components``: the components of the Kestrel Shifts SaaS service with their measured availability;
- ``vendor_offers``: the options for a labour-demand forecasting engine (make, open source, three vendors);
- ``pairwise_judgements``: two judges' AHP pairwise comparisons of the four selection criteria;
- ``partners``: Kestrel's partners and what flowed through them in 2025.

Numbers are named constants; the two datasets with random draws (``perceptions``, ``partners``) use fixed
seeds from :data:`spmcourse.casedata._SEEDS`. The generators are called from
:func:`spmcourse.casedata.build.build_all`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["delivery_models", "pairwise_judgements", "partners", "perceptions", "service_components",
           "vendor_offers"]

# --- perceptions ----------------------------------------------------------------------------------------------
#: Attributes rated by buyers on a 1 (poor) to 7 (excellent) scale.
PERCEPTION_ATTRIBUTES = ("ease_of_use", "scheduling_depth", "integrations", "data_control", "value_for_money",
                         "support_quality")
#: The central mean ratings; the generator adds a little sampling noise.
_PERCEPTION_MEANS = {
    "Kestrel Software": (5.9, 4.6, 5.7, 3.9, 4.9, 5.3),
    "Shiftora": (5.5, 5.3, 5.0, 3.6, 4.4, 4.8),
    "Timberline WFM": (3.2, 6.1, 4.1, 6.4, 3.6, 4.4),
    "Rotaflow": (5.6, 4.4, 4.0, 3.5, 5.6, 3.9),
    "Planwerk": (4.1, 5.4, 4.9, 5.7, 4.4, 4.8),
    "CrewClock": (6.2, 3.1, 3.4, 3.0, 6.1, 3.7),
}
_PERCEPTION_NOISE = 0.04          # standard deviation of the noise on each mean rating
_RESPONDENTS = (180, 260)         # respondents who rated a vendor: uniform integer in this range


def perceptions(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for vendor, means in _PERCEPTION_MEANS.items():
        row = {"vendor": vendor, "respondents": int(rng.integers(*_RESPONDENTS))}
        for attribute, mean in zip(PERCEPTION_ATTRIBUTES, means):
            row[attribute] = round(float(np.clip(mean + _PERCEPTION_NOISE * rng.standard_normal(), 1, 7)), 2)
        rows.append(row)
    return pd.DataFrame(rows)


# --- delivery_models (hand-authored) --------------------------------------------------------------------------
#: A Mid-Market customer with 300 seats leaving Timberline WFM. Amounts in EUR.
REFERENCE_SEATS = 300
_DELIVERY_MODELS = [
    # model, licence, implementation, maintenance rate, subscription/yr, customer IT/yr, Kestrel cost/yr,
    # releases/yr, data location, SLA availability
    ("SaaS", 0, 12_000, 0.0, 32_400, 2_000, 7_800, 26, "Kestrel's EU cloud region (Frankfurt)", 0.995),
    ("on-premise", 60_000, 25_000, 0.20, 0, 9_000, 6_500, 2, "customer's own data centre", None),
    ("hybrid", 0, 18_000, 0.0, 36_000, 5_000, 10_400, 26, "personal data on site, schedules in the EU cloud",
     0.995),
    ("managed", 0, 20_000, 0.0, 54_000, 1_000, 21_000, 4, "single tenant in the customer's chosen country",
     0.999),
]


def delivery_models() -> pd.DataFrame:
    columns = ["model", "licence_eur", "implementation_eur", "maintenance_rate", "subscription_eur_per_year",
               "customer_it_eur_per_year", "kestrel_cost_eur_per_year", "releases_per_year", "data_location",
               "sla_availability"]
    frame = pd.DataFrame(_DELIVERY_MODELS, columns=columns)
    frame.insert(1, "seats", REFERENCE_SEATS)
    return frame


# --- service_components (hand-authored) -----------------------------------------------------------------------
#: Measured availability over 2025, one row per running instance. Layers are in series; instances of one layer
#: are redundant (in parallel). ``critical`` False: the service counts as up without it.
_COMPONENTS = [
    (1, "edge", "load balancer (cloud-managed)", "lb", 0.9999, True),
    (2, "application", "app server", "app-1", 0.995, True),
    (2, "application", "app server", "app-2", 0.995, True),
    (3, "database", "PostgreSQL primary", "db-primary", 0.9995, True),
    (3, "database", "PostgreSQL standby", "db-standby", 0.9995, True),
    (4, "identity", "single sign-on provider (third party)", "sso", 0.999, True),
    (5, "notifications", "SMS gateway (third party)", "sms", 0.998, False),
]


def service_components() -> pd.DataFrame:
    return pd.DataFrame(_COMPONENTS, columns=["layer_order", "layer", "component", "instance", "availability",
                                              "critical"])


# --- vendor_offers (hand-authored) ----------------------------------------------------------------------------
#: Options for the labour-demand forecasting engine. Costs per year; volume is customer sites forecast per year.
#: Scores 1-10 on the four selection criteria, from a two-week evaluation.
_OFFERS = [
    ("Make (in-house team)", "make", 420_000, 18.0, True, 8, 9, 9, 6),
    ("Open-source library + own pipeline", "open source", 400_000, 22.0, True, 6, 7, 8, 5),
    ("Foresight API", "buy", 60_000, 140.0, False, 9, 8, 7, 8),
    ("Demandly", "buy", 90_000, 120.0, True, 7, 8, 8, 7),
    ("Prognos Cloud", "buy", 40_000, 160.0, True, 8, 7, 7, 9),
]
SOURCING_CRITERIA = ("accuracy", "integration", "compliance", "viability")


def vendor_offers() -> pd.DataFrame:
    columns = ["option", "kind", "fixed_cost_eur_per_year", "variable_cost_eur_per_site", "eu_data_residency",
               *[f"score_{c}" for c in SOURCING_CRITERIA]]
    return pd.DataFrame(_OFFERS, columns=columns)


# --- pairwise_judgements (hand-authored) ----------------------------------------------------------------------
#: (judge, criterion_a, criterion_b, preferred, intensity on Saaty's 1-9 scale)
_JUDGEMENTS = [
    ("product_manager", "accuracy", "integration", "accuracy", 2),
    ("product_manager", "accuracy", "compliance", "compliance", 2),
    ("product_manager", "accuracy", "viability", "accuracy", 3),
    ("product_manager", "integration", "compliance", "compliance", 3),
    ("product_manager", "integration", "viability", "integration", 2),
    ("product_manager", "compliance", "viability", "compliance", 5),
    ("sales_director", "accuracy", "integration", "accuracy", 3),
    ("sales_director", "accuracy", "compliance", "compliance", 2),
    ("sales_director", "accuracy", "viability", "viability", 2),
    ("sales_director", "integration", "compliance", "integration", 2),
    ("sales_director", "integration", "viability", "viability", 4),
    ("sales_director", "compliance", "viability", "viability", 2),
]


def pairwise_judgements() -> pd.DataFrame:
    return pd.DataFrame(_JUDGEMENTS, columns=["judge", "criterion_a", "criterion_b", "preferred", "intensity"])


# --- partners (seeded) ----------------------------------------------------------------------------------------
#: Partner types and how many of each; amounts are drawn per partner.
_PARTNER_TYPES = {"reseller": 8, "referral": 6, "technology": 5, "app developer": 7}
_PARTNER_REGIONS = ("EU", "UK", "NA")
_PARTNER_WORDS = ("Alder", "Brightwater", "Cobalt", "Dunmore", "Elmstead", "Fenwick", "Greystone", "Halden",
                  "Ironbridge", "Juniper", "Kingsmere", "Larchfield", "Marlow", "Northgate", "Oakhurst",
                  "Pinecrest", "Quayside", "Redfern", "Saltmarsh", "Thornbury", "Upton", "Valemont", "Westbrook",
                  "Yarrow", "Zennor", "Ashcombe")
_PARTNER_SUFFIX = {"reseller": "Solutions", "referral": "Advisory", "technology": "Payroll",
                   "app developer": "Apps"}
_RESELLER_NEW_ARR = (30_000, 240_000)       # first-year ARR of deals a reseller sourced in 2025, uniform
_RESELLER_RENEWAL_ARR = (20_000, 400_000)   # ARR renewed in 2025 on deals it sourced earlier, uniform
_REFERRAL_NEW_ARR = (5_000, 90_000)
_APP_SALES = (8_000, 160_000)               # gross 2025 sales of the partner's app on the marketplace
_JOINED = (2018, 2025)
_SHARED_CUSTOMERS = (3, 120)                # Kestrel customers who also use the partner (uniform integer)


def partners(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    names = iter(_PARTNER_WORDS)
    number = 0
    for kind, count in _PARTNER_TYPES.items():
        for _ in range(count):
            number += 1
            joined = int(rng.integers(_JOINED[0], _JOINED[1] + 1))
            new_arr = renewal = sales = 0.0
            if kind == "reseller":
                new_arr = round(float(rng.uniform(*_RESELLER_NEW_ARR)), -2)
                renewal = round(float(rng.uniform(*_RESELLER_RENEWAL_ARR)), -2) if joined < 2025 else 0.0
            elif kind == "referral":
                new_arr = round(float(rng.uniform(*_REFERRAL_NEW_ARR)), -2)
            elif kind == "app developer":
                sales = round(float(rng.uniform(*_APP_SALES)), -2)
            shared = int(rng.integers(*_SHARED_CUSTOMERS))
            rows.append({"partner_id": f"P{number:02d}", "partner": f"{next(names)} {_PARTNER_SUFFIX[kind]}",
                         "type": kind, "region": _PARTNER_REGIONS[int(rng.integers(0, 3))], "joined_year": joined,
                         "sourced_new_arr_eur": new_arr, "renewal_arr_eur": renewal, "app_sales_eur": sales,
                         "shared_customers": shared})
    return pd.DataFrame(rows)
