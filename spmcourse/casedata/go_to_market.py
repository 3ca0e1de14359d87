"""Go-to-market datasets for Kestrel Software (module 10): campaigns, touchpoints, price_book and deals.

They are built from the customer base and the pipeline that :mod:`spmcourse.casedata` simulates, so that
every marketing touch belongs to a real 2025 customer and every deal to a won opportunity. The functions are
called by :func:`spmcourse.casedata.build.build_all` with a seeded generator; every number that shapes the data is
a named constant below.

Examples
--------
>>> from spmcourse import casedata
>>> sorted(casedata.load("price_book")["unit"].unique())
['one-off', 'seat-month', 'site-month']
>>> casedata.load("campaigns")["channel"].nunique()
6
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: Marketing channels with paid campaigns in 2025, in the order the data cards list them.
CHANNELS = ("paid_search", "social_ads", "content", "webinar", "events", "email")

#: Quarterly spend per channel in EUR (Q1..Q4 2025). Events are few and expensive; email is cheap.
_SPEND = {
    "paid_search": (21_000, 23_000, 22_000, 26_000),
    "social_ads": (18_000, 20_000, 19_000, 22_000),
    "content": (9_000, 9_500, 10_000, 10_500),
    "webinar": (6_000, 6_500, 6_000, 7_500),
    "events": (42_000, 18_000, 47_000, 21_000),
    "email": (2_500, 2_500, 2_800, 3_000),
}
#: Reach per euro (impressions or page views per EUR) and click-through rates of the digital channels.
_REACH_PER_EUR = {"paid_search": 9.0, "social_ads": 45.0, "content": 30.0, "email": 120.0}
_CTR = {"paid_search": 0.042, "social_ads": 0.006, "content": 0.018, "email": 0.031}
#: Share of clicks (digital) that become a lead; leads per EUR for the channels without clicks.
_LEAD_RATE = {"paid_search": 0.055, "social_ads": 0.08, "content": 0.045, "email": 0.012}
_LEADS_PER_EUR = {"webinar": 1 / 38.0, "events": 1 / 160.0}

#: Where each touch position of a journey comes from (relative weights). First touches discover Kestrel,
#: middle touches nurture, the last touch is what happened just before the customer signed.
_FIRST = {"paid_search": 0.34, "social_ads": 0.10, "content": 0.26, "events": 0.22, "webinar": 0.05,
          "email": 0.03}
_MIDDLE = {"paid_search": 0.10, "social_ads": 0.30, "content": 0.16, "events": 0.04, "webinar": 0.22,
           "email": 0.18}
_LAST = {"paid_search": 0.30, "social_ads": 0.06, "content": 0.04, "events": 0.04, "webinar": 0.26,
         "email": 0.30}
#: Enterprise buyers meet Kestrel at trade fairs far more often.
_FIRST_ENTERPRISE = {"paid_search": 0.15, "social_ads": 0.05, "content": 0.20, "events": 0.52, "webinar": 0.05,
                     "email": 0.03}
#: Number of touches in a journey (1..6) by segment: bigger buyers take more steps.
_TOUCHES = {"SMB": (0.30, 0.30, 0.22, 0.12, 0.06, 0.0), "Mid-Market": (0.10, 0.22, 0.28, 0.22, 0.12, 0.06),
            "Enterprise": (0.0, 0.08, 0.22, 0.30, 0.24, 0.16)}
_JOURNEY_DAYS = {"SMB": 35, "Mid-Market": 75, "Enterprise": 120}  # longest gap from first touch to signup

#: Price book (EUR, excluding VAT). Volume bands: all units at the price of the band the quantity falls in.
_PRICE_BOOK = [
    ("SHF-STA", "Kestrel Shifts Starter", "seat-month", 1, 6.00),
    ("SHF-GRO", "Kestrel Shifts Growth", "seat-month", 1, 9.00),
    ("SHF-GRO", "Kestrel Shifts Growth", "seat-month", 200, 8.55),
    ("SHF-GRO", "Kestrel Shifts Growth", "seat-month", 1000, 8.10),
    ("SHF-SCA", "Kestrel Shifts Scale", "seat-month", 1, 14.00),
    ("SHF-SCA", "Kestrel Shifts Scale", "seat-month", 500, 13.30),
    ("SHF-SCA", "Kestrel Shifts Scale", "seat-month", 2000, 12.60),
    ("INS-ADD", "Kestrel Insights add-on", "seat-month", 1, 8.00),
    ("INS-ADD", "Kestrel Insights add-on", "seat-month", 500, 7.20),
    ("PAY-CON", "Payroll Connect", "site-month", 1, 120.00),
    ("ONB-STD", "Onboarding package", "one-off", 1, 2_500.00),
    ("ONB-ENT", "Enterprise onboarding", "one-off", 1, 9_500.00),
]

#: Plans of won deals by segment, and the per-seat price the pipeline used to estimate amount_arr.
_DEAL_PLAN = {"SMB": {"Starter": 0.4, "Growth": 0.6}, "Mid-Market": {"Growth": 0.8, "Scale": 0.2},
              "Enterprise": {"Scale": 1.0}}
_PIPELINE_PRICE = {"SMB": 7.5, "Mid-Market": 9.0, "Enterprise": 14.0 * 0.85}
#: Negotiated discount: median by segment; end-of-quarter deals get more. Reps round to whole percents.
_DISCOUNT_MEDIAN = {"SMB": 0.03, "Mid-Market": 0.09, "Enterprise": 0.16}
_QUARTER_END_EXTRA = 0.05
PARTNER_MARGIN = 0.20  # resellers keep 20 % of the invoice
_FREE_MONTHS = {"SMB": (0.8, 0.2, 0.0), "Mid-Market": (0.55, 0.35, 0.10), "Enterprise": (0.3, 0.4, 0.3)}
_PAYMENT_DAYS = {"SMB": (30,), "Mid-Market": (30, 60), "Enterprise": (30, 60, 90)}


def _pick(rng: np.random.Generator, options: dict[str, float]) -> str:
    keys = list(options)
    weights = np.array([options[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=weights / weights.sum()))]


def campaigns(rng: np.random.Generator) -> pd.DataFrame:
    """One row per channel and quarter of 2025: spend, reach, clicks and leads."""
    rows = []
    for q in range(4):
        for channel in CHANNELS:
            spend = float(_SPEND[channel][q])
            noise = float(np.exp(0.08 * rng.standard_normal()))
            if channel in _REACH_PER_EUR:
                impressions = int(round(spend * _REACH_PER_EUR[channel] * noise))
                clicks = int(rng.binomial(impressions, _CTR[channel]))
                leads = int(rng.binomial(clicks, _LEAD_RATE[channel]))
            else:
                impressions = clicks = None
                leads = int(rng.poisson(spend * _LEADS_PER_EUR[channel] * noise))
            rows.append({"campaign_id": f"CMP{len(rows) + 1:02d}", "channel": channel, "quarter": f"2025-Q{q + 1}",
                         "start_date": f"2025-{3 * q + 1:02d}-01", "spend": spend, "impressions": impressions,
                         "clicks": clicks, "leads": leads})
    frame = pd.DataFrame(rows)
    frame["impressions"] = frame["impressions"].astype("Int64")
    frame["clicks"] = frame["clicks"].astype("Int64")
    return frame


def touchpoints(rng: np.random.Generator, customers: pd.DataFrame, campaign_table: pd.DataFrame) -> pd.DataFrame:
    """Marketing touches of the customers who signed up in 2025 through inbound or a partner.

    Every journey ends with the signup; touches fall in 2025 on or before the signup day. Partner customers'
    last touch is the partner's referral (channel ``partner``, no campaign).
    """
    signup = pd.to_datetime(customers["signup_date"])
    won = customers[(signup.dt.year == 2025) & customers["acquisition_channel"].isin(["inbound", "partner"])]
    campaign_of = {(r.channel, r.quarter): r.campaign_id for r in campaign_table.itertuples()}
    rows = []
    for customer in won.itertuples():
        day = pd.Timestamp(customer.signup_date)
        n = 1 + int(rng.choice(6, p=np.array(_TOUCHES[customer.segment])))
        start = max(pd.Timestamp("2025-01-01"), day - pd.Timedelta(days=_JOURNEY_DAYS[customer.segment]))
        span = (day - start).days
        offsets = sorted(int(x) for x in rng.integers(0, span + 1, size=n))
        first = _FIRST_ENTERPRISE if customer.segment == "Enterprise" else _FIRST
        for k, offset in enumerate(offsets):
            when = start + pd.Timedelta(days=offset)
            if k == n - 1 and customer.acquisition_channel == "partner":
                channel = "partner"
            elif k == 0:
                channel = _pick(rng, first)
            elif k == n - 1:
                channel = _pick(rng, _LAST)
            else:
                channel = _pick(rng, _MIDDLE)
            quarter = f"{when.year}-Q{(when.month - 1) // 3 + 1}"
            rows.append({"customer_id": customer.customer_id, "touch_number": k + 1, "touch_date": when,
                         "channel": channel, "campaign_id": campaign_of.get((channel, quarter))})
    frame = pd.DataFrame(rows)
    frame.insert(0, "touch_id", [f"T{i:04d}" for i in range(1, len(frame) + 1)])
    frame["touch_date"] = frame["touch_date"].dt.strftime("%Y-%m-%d")
    return frame


def price_book() -> pd.DataFrame:
    """Kestrel's price book: one row per SKU and volume band."""
    return pd.DataFrame(_PRICE_BOOK, columns=["sku", "product", "unit", "min_qty", "unit_price"])


def _band_price(book: pd.DataFrame, sku: str, qty: int) -> tuple[float, float]:
    rows = book[(book["sku"] == sku) & (book["min_qty"] <= qty)].sort_values("min_qty")
    return float(rows["unit_price"].iloc[0]), float(rows["unit_price"].iloc[-1])


def deals(rng: np.random.Generator, pipeline: pd.DataFrame, book: pd.DataFrame) -> pd.DataFrame:
    """The contract terms of every won opportunity: plan, seats, volume band, discounts and terms."""
    won = pipeline[pipeline["stage"] == "Closed Won"].sort_values(["close_date", "opportunity_id"], kind="stable")
    sku = {"Starter": "SHF-STA", "Growth": "SHF-GRO", "Scale": "SHF-SCA"}
    rows = []
    for deal in won.itertuples():
        plan = _pick(rng, _DEAL_PLAN[deal.segment])
        seats = max(10, int(round(deal.amount_arr / (12 * _PIPELINE_PRICE[deal.segment]))))
        list_price, band_price = _band_price(book, sku[plan], seats)
        close = pd.Timestamp(deal.close_date)
        quarter_end = (close + pd.offsets.QuarterEnd(0) - close).days <= 7
        median = _DISCOUNT_MEDIAN[deal.segment] + (_QUARTER_END_EXTRA if quarter_end else 0.0)
        discount = float(np.clip(round(median * np.exp(0.45 * rng.standard_normal()), 2), 0.0, 0.35))
        if deal.segment == "SMB" and rng.random() < 0.5:
            discount = 0.0
        free = int(rng.choice(3, p=np.array(_FREE_MONTHS[deal.segment])))
        days = int(rng.choice(np.array(_PAYMENT_DAYS[deal.segment])))
        rows.append({"opportunity_id": deal.opportunity_id, "owner": deal.owner, "segment": deal.segment,
                     "region": deal.region, "source": deal.source, "close_date": deal.close_date, "plan": plan,
                     "seats": seats, "list_price": list_price,
                     "volume_discount": round(1 - band_price / list_price, 4), "sales_discount": discount,
                     "partner_margin": PARTNER_MARGIN if deal.source == "partner" else 0.0,
                     "free_months": free, "payment_days": days})
    return pd.DataFrame(rows).reset_index(drop=True)
