"""Case-study data for Kestrel Software, the fictional company used throughout the course.

Kestrel Software (founded 2016, head office in Utrecht) sells in the EU, the UK and North America. Its main
product is **Kestrel Shifts**, a workforce-scheduling SaaS for clinics, retail chains, hospitality and
logistics, sold per seat per month on three plans (Starter, Growth, Scale). Smaller lines are the legacy
on-premise **Kestrel Timeclock**, the **Payroll Connect** integration add-on and the young **Kestrel
Insights** analytics add-on. All amounts are in EUR.

Every dataset is fictional. It is produced by seeded code in this module, so that the files in
``spmcourse/data/`` are byte-identical each time they are regenerated. Each CSV comes with a data card
(``spmcourse/data/<name>.md``) that describes its columns, its grain and its deliberate quirks.

Typical use in a lesson::

    from spmcourse.casedata import load, show_card
    show_card("customers")
    customers = load("customers")

Regenerate all files with ``python -m spmcourse.casedata``.
"""
from __future__ import annotations

import argparse
import math
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["DATASETS", "card", "generate", "load", "main", "show_card"]

#: Dataset names, in the order in which they are generated and presented.
DATASETS: tuple[str, ...] = (
    "customers",
    "subscriptions",
    "mrr_movements",
    "usage_events",
    "trial_funnel",
    "backlog",
    "survey_responses",
    "pipeline",
    "pipeline_stages",
    "support_tickets",
    "market",
    "competitors",
    "product_lines",
    "financial_plan",
    "sales_marketing_spend",
    "risk_register",
    "sbom",
    "swap_experiment",
    "portfolio_markets",
    "initiatives",
    "entry_markets",
    "cloud_adoption",
    "perceptions",
    "delivery_models",
    "service_components",
    "vendor_offers",
    "pairwise_judgements",
    "partners",
    "requirements",
    "feature_requests",
    "feature_importance",
    "campaigns",
    "touchpoints",
    "price_book",
    "deals",
    "support_holidays",
    "support_contacts",
    "ticket_handling",
    "slo_history",
    "raci_draft",
    "deployments", "incidents", "throughput", "project_status", "sus_responses", "defects", "modules",
    "care_buyer_needs", "care_price_test", "care_plan", "care_risks", "care_work", "care_launch_gates",
)

# One fixed seed per dataset. customers, subscriptions and mrr_movements come out of one simulation of the
# customer base, so they share one seed. Hand-authored tables (backlog, pipeline_stages, financial_plan)
# draw no random numbers at all.
_SEEDS: dict[str, int] = {
    "customer_base": 2016_0101,
    "usage_events": 2025_1001,
    "trial_funnel": 2025_0102,
    "survey_responses": 2025_0901,
    "pipeline": 2024_0101,
    "support_tickets": 2025_0115,
    "market": 2021_0101,
    "competitors": 2021_0102,
    "sales_marketing_spend": 2022_0106,
    "swap_experiment": 2025_1103,  # generator in casedata_experiments.py
    "cloud_adoption": 2015_0101,  # module 02: spmcourse/casedata_strategy.py (ADOPTION_SEED)
    "perceptions": 2025_0401,
    "partners": 2025_0402,
    "feature_requests": 2025_0701,
    "feature_importance": 2025_0902,
    "campaigns": 2025_1010,
    "touchpoints": 2025_1011,
    "deals": 2025_1012,
    "support_contacts": 2025_1006,
    "ticket_handling": 2025_0116,
    "slo_history": 2025_1204,
    "deployments": 2025_0209, "throughput": 2025_0709, "project_status": 2025_0731, "sus_responses": 2025_1104,
    "defects": 2025_0409,  # module 09 (spmcourse/casedata_development.py)
}

# Columns that load() turns into datetimes.
_DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "customers": ("signup_date", "churn_date"),
    "subscriptions": ("month",),
    "mrr_movements": ("month",),
    "usage_events": ("timestamp",),
    "trial_funnel": ("signup_date",),
    "survey_responses": ("response_date",),
    "pipeline": ("created_date", "stage_entered_date", "close_date"),
    "support_tickets": ("opened_at", "first_response_at", "resolved_at"),
    "sales_marketing_spend": ("month",),
    "swap_experiment": ("assigned_date",),
    "feature_requests": ("received_date",),
    "campaigns": ("start_date",),
    "touchpoints": ("touch_date",),
    "deals": ("close_date",),
    "support_holidays": ("date",),
    "support_contacts": ("interval_start",),
    "slo_history": ("window_start",),
    "deployments": ("deployed_at", "first_commit_at"), "incidents": ("started_at", "resolved_at"),
    "throughput": ("week_start",), "project_status": ("status_date",),
}

_DATE_FMT = "%Y-%m-%d"
_TIMESTAMP_FMT = "%Y-%m-%d %H:%M:%S"

# --- Shared business facts -------------------------------------------------------------------------------------
SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
INDUSTRIES = ("clinic", "retail", "hospitality", "logistics")
REGIONS = ("EU", "UK", "NA")
PLANS = ("Starter", "Growth", "Scale")

#: The first month covered by the subscription history and the last one.
_FIRST_MONTH = pd.Timestamp("2022-01-01")
_LAST_MONTH = pd.Timestamp("2025-12-01")
_MONTHS = pd.date_range(_FIRST_MONTH, _LAST_MONTH, freq="MS")

#: List prices per seat per month. The increase took effect on 1 April 2024 for new and existing customers.
_PRICE_INCREASE = pd.Timestamp("2024-04-01")
_LIST_PRICE_BEFORE = {"Starter": 5.0, "Growth": 8.0, "Scale": 12.0}
_LIST_PRICE_AFTER = {"Starter": 6.0, "Growth": 9.0, "Scale": 14.0}

#: Seats per customer at signup, by segment: (median, lower bound, upper bound).
_SEAT_RANGE = {"SMB": (20, 10, 60), "Mid-Market": (120, 60, 400), "Enterprise": (600, 400, 3000)}

#: Data snapshot: everything after this moment has not happened yet.
_SNAPSHOT = pd.Timestamp("2025-12-31 23:59:59")


# ==============================================================================================================
# Public API
# ==============================================================================================================
def load(name: str, parse_dates: bool = True) -> pd.DataFrame:
    """Load one case-study dataset as a DataFrame.

    The CSV is read from the package data folder through :mod:`importlib.resources`, so this works from any
    working directory and without a network connection.

    Parameters
    ----------
    name : str
        Dataset name, one of :data:`DATASETS`, for example ``"customers"``.
    parse_dates : bool, default True
        Convert the dataset's date and timestamp columns to ``datetime64``. Empty cells become ``NaT``.
        With ``False`` they stay ISO strings.

    Returns
    -------
    pandas.DataFrame
        One row per record; the data card (:func:`card`) describes the columns.

    Raises
    ------
    ValueError
        If `name` is not a known dataset; the message lists the available names.

    Examples
    --------
    >>> customers = load("customers")
    >>> customers.columns[:4].tolist()
    ['customer_id', 'company_name', 'segment', 'industry']
    >>> sorted(customers["segment"].unique())
    ['Enterprise', 'Mid-Market', 'SMB']
    >>> int(customers["signup_date"].dt.year.min())
    2022
    >>> load("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Unknown dataset 'nope'. Available datasets: customers, subscriptions, ...
    """
    _check_name(name)
    source = resources.files("spmcourse").joinpath("data", f"{name}.csv")
    with source.open("r", encoding="utf-8", newline="") as handle:
        # keep_default_na=False: the region code "NA" (North America) must stay a string, not a missing value.
        frame = pd.read_csv(handle, keep_default_na=False, na_values=[""])
    if parse_dates:
        for column in _DATE_COLUMNS.get(name, ()):
            frame[column] = pd.to_datetime(frame[column], format="ISO8601")
    return frame


def card(name: str) -> str:
    """Return the markdown data card of a dataset.

    Parameters
    ----------
    name : str
        Dataset name, one of :data:`DATASETS`.

    Returns
    -------
    str
        Markdown text: origin, one table row per column, grain, size and caveats.

    Raises
    ------
    ValueError
        If `name` is not a known dataset.
    """
    _check_name(name)
    return resources.files("spmcourse").joinpath("data", f"{name}.md").read_text(encoding="utf-8")


def show_card(name: str) -> None:
    """Display the data card of a dataset as rendered Markdown in a notebook.

    Parameters
    ----------
    name : str
        Dataset name, one of :data:`DATASETS`.
    """
    from IPython.display import Markdown, display

    display(Markdown(card(name)))


def generate(out_dir: str | Path | None = None) -> list[Path]:
    """Regenerate every case-study CSV from the fixed seeds.

    Only the CSV files are written; the data cards are maintained by hand. Running this twice gives
    byte-identical files.

    Parameters
    ----------
    out_dir : str or Path, optional
        Folder to write into; created if needed. Defaults to the package data folder ``spmcourse/data/``.

    Returns
    -------
    list of Path
        The written files, in the order of :data:`DATASETS`.
    """
    target = Path(out_dir) if out_dir is not None else Path(__file__).resolve().parent / "data"
    target.mkdir(parents=True, exist_ok=True)
    frames = _build_all()
    written = []
    for name in DATASETS:
        path = target / f"{name}.csv"
        text = frames[name].to_csv(index=False, lineterminator="\n")
        path.write_bytes(text.encode("utf-8"))  # bytes: no newline translation on any platform
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m spmcourse.casedata [--out-dir DIR]``."""
    parser = argparse.ArgumentParser(description="Regenerate the Kestrel Software case-study CSV files.")
    parser.add_argument("--out-dir", type=Path, default=None, help="folder to write to (default: package data)")
    args = parser.parse_args(argv)
    paths = generate(args.out_dir)
    total = 0
    for path in paths:
        size = path.stat().st_size
        total += size
        rows = path.read_bytes().count(b"\n") - 1
        print(f"{path.name:<24} {rows:>7} rows {size / 1024:>9.1f} KiB")
    print(f"{'total':<24} {'':>12} {total / 1024:>9.1f} KiB")
    return 0


def _check_name(name: str) -> None:
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}. Available datasets: {', '.join(DATASETS)}.")


# ==============================================================================================================
# Assembly
# ==============================================================================================================
def _build_all() -> dict[str, pd.DataFrame]:
    """Build every dataset. The customer base is simulated once and shared by the datasets that need it."""
    base = _customer_base()
    frames: dict[str, pd.DataFrame] = {
        "customers": _customers(base),
        "subscriptions": _subscriptions(base),
        "mrr_movements": _mrr_movements(base),
        "usage_events": _usage_events(base),
        "trial_funnel": _trial_funnel(),
        "backlog": _backlog(),
        "survey_responses": _survey_responses(base),
        "pipeline": _pipeline(base),
        "pipeline_stages": _pipeline_stages(),
        "support_tickets": _support_tickets(base),
        "market": _market(),
    }
    frames["product_lines"] = _product_lines(base)
    frames["competitors"] = _competitors(frames["market"], frames["product_lines"])
    frames["financial_plan"] = _financial_plan()
    from spmcourse import casedata_performance as performance  # module 06
    frames["sales_marketing_spend"] = performance.sales_marketing_spend(_rng("sales_marketing_spend"))
    frames["risk_register"] = performance.risk_register()
    frames["sbom"] = performance.sbom()
    from spmcourse import casedata_experiments  # module 03's experiment data

    frames["swap_experiment"] = casedata_experiments.swap_experiment(_SEEDS["swap_experiment"])
    from spmcourse import casedata_strategy  # module 02's datasets
    frames.update(casedata_strategy.build(frames["market"], frames["competitors"]))
    frames.update(_strategy_options())
    from spmcourse import casedata_requirements as _req  # module 07
    frames["requirements"] = _req.requirements()
    frames["feature_requests"] = _req.feature_requests(_rng("feature_requests"), frames["customers"],
                                                       frames["support_tickets"], frames["backlog"])
    frames["feature_importance"] = _req.feature_importance(_rng("feature_importance"), frames["survey_responses"],
                                                           _KANO_FEATURES)
    from spmcourse import casedata_go_to_market as gtm  # module 10's datasets, built on the ones above
    frames["campaigns"] = gtm.campaigns(_rng("campaigns"))
    frames["touchpoints"] = gtm.touchpoints(_rng("touchpoints"), frames["customers"], frames["campaigns"])
    frames["price_book"] = gtm.price_book()
    frames["deals"] = gtm.deals(_rng("deals"), frames["pipeline"], frames["price_book"])
    from spmcourse import casedata_services as services  # module 11: services, support and operations
    frames["support_holidays"] = services.support_holidays()
    frames["support_contacts"] = services.support_contacts(_rng("support_contacts"))
    frames["ticket_handling"] = services.ticket_handling(frames["support_tickets"], _rng("ticket_handling"))
    frames["slo_history"] = services.slo_history(_rng("slo_history"))
    frames["raci_draft"] = services.raci_draft()
    from spmcourse import casedata_development  # module 09's datasets
    frames.update(casedata_development.build(_SEEDS))
    from spmcourse import casedata_capstone  # module 12: the care-edition decision (hand-set, no seed)
    frames.update(casedata_capstone.build())
    missing = set(DATASETS) - set(frames)
    assert not missing, missing
    return frames


def _strategy_options() -> dict[str, pd.DataFrame]:
    """Module 04's datasets (positioning, delivery, sourcing, ecosystem): see casedata_strategy_options."""
    from spmcourse import casedata_strategy_options as options

    return {"perceptions": options.perceptions(_rng("perceptions")), "delivery_models": options.delivery_models(),
            "service_components": options.service_components(), "vendor_offers": options.vendor_offers(),
            "pairwise_judgements": options.pairwise_judgements(), "partners": options.partners(_rng("partners"))}


# --- small helpers --------------------------------------------------------------------------------------------
def _rng(key: str) -> np.random.Generator:
    return np.random.default_rng(_SEEDS[key])


def _pick(rng: np.random.Generator, options: dict[str, float]) -> str:
    """Draw one key of `options` with probabilities proportional to the values."""
    keys = list(options)
    weights = np.array([options[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=weights / weights.sum()))]


def _bounded_lognormal(rng: np.random.Generator, median: float, sigma: float, low: float, high: float) -> float:
    """Skewed draw from a log-normal, redrawn until it falls inside [low, high] (no pile-up at the bounds)."""
    while True:
        value = median * math.exp(sigma * rng.standard_normal())
        if low <= value <= high:
            return value


def _dates(values) -> pd.Series:
    """ISO date strings; missing values stay empty."""
    return pd.Series(pd.to_datetime(pd.Series(values)).dt.strftime(_DATE_FMT), dtype=object)


def _timestamps(values) -> pd.Series:
    return pd.Series(pd.to_datetime(pd.Series(values)).dt.strftime(_TIMESTAMP_FMT), dtype=object)


def _weekday_in_month(rng: np.random.Generator, month: pd.Timestamp, weekend_weight: float = 0.15) -> pd.Timestamp:
    """A day of `month`, with weekend days `weekend_weight` times as likely as weekdays."""
    days = pd.date_range(month, month + pd.offsets.MonthEnd(0), freq="D")
    weights = np.where(days.day_of_week >= 5, weekend_weight, 1.0)
    return days[int(rng.choice(len(days), p=weights / weights.sum()))]


# Invented company names: a root that sounds local to the region plus an industry word and a legal form.
_NAME_ROOTS = {
    "EU": ["Lindehof", "Zonneveld", "Beukenrode", "Waterlinie", "Kempenland", "Rijnoever", "Heuvelrand",
           "Duinzicht", "Vechtdal", "Polderhaven", "Maasbrug", "Elbtal", "Sonnenhang", "Nordlys", "Fjellheim",
           "Costa Serena", "Val d'Oro", "Bergwald", "Amstelkade", "Lindenau", "Ostwind", "Marktplein",
           "Vierstroom", "Eikenlaan", "Solvika", "Alpenrose"],
    "UK": ["Thamesbank", "Pennine", "Cotswold Vale", "Harbourside", "Kingsmead", "Ashcombe", "Fernhill",
           "Marlowe", "Oakridge", "Saltmarsh", "Wrenfield", "Brackenby", "Hollowgate", "Larkspur", "Millbrook",
           "Tyneside", "Westcliff", "Glenmore", "Stonebridge", "Hawthorne"],
    "NA": ["Maple Ridge", "Cedar Point", "Lakeshore", "Prairie Rose", "Blue Mesa", "Redwood Bay", "Summit Trail",
           "Hudson Bend", "Pinecrest", "Silver Creek", "Granite Peak", "Juniper", "Bayfront", "Clearwater",
           "Ironwood", "Sagebrush", "Northstar", "Willow Creek", "Canyon Gate", "Evergreen Row"],
}
_NAME_WORDS = {
    "clinic": ["Medical Centre", "Health", "Clinics", "Physio", "Dental Group", "Care Group", "Eye Clinic",
               "Family Practice"],
    "retail": ["Stores", "Market", "Outfitters", "Home & Garden", "Pharmacy", "Bakeries", "Books", "Fashion"],
    "hospitality": ["Hotels", "Hospitality", "Bistro Group", "Inns", "Coffee Co", "Resorts", "Catering",
                    "Brasserie"],
    "logistics": ["Logistics", "Freight", "Transport", "Distribution", "Couriers", "Warehousing", "Cargo",
                  "Fulfilment"],
}
_LEGAL_FORMS = {"EU": ["B.V.", "GmbH", "BV", "S.L.", "AB", "ApS", "SAS"], "UK": ["Ltd", "Ltd", "plc"],
                "NA": ["Inc.", "LLC", "Inc.", "Corp."]}


def _company_name(rng: np.random.Generator, region: str, industry: str, taken: set[str]) -> str:
    while True:
        root = _NAME_ROOTS[region][int(rng.integers(len(_NAME_ROOTS[region])))]
        word = _NAME_WORDS[industry][int(rng.integers(len(_NAME_WORDS[industry])))]
        legal = _LEGAL_FORMS[region][int(rng.integers(len(_LEGAL_FORMS[region])))]
        name = f"{root} {word} {legal}"
        if name not in taken:
            taken.add(name)
            return name


def _list_price(plan: str, month: pd.Timestamp) -> float:
    return (_LIST_PRICE_AFTER if month >= _PRICE_INCREASE else _LIST_PRICE_BEFORE)[plan]


# ==============================================================================================================
# customers, subscriptions, mrr_movements: one simulation of the customer base
# ==============================================================================================================
def _customer_base() -> dict[str, pd.DataFrame]:
    """Simulate every customer who signed up 2022-01 .. 2025-12, month by month.

    MRR is kept in integer cents during the simulation, so the movements add up exactly to the MRR.
    A customer counts in a month if subscribed at the end of that month (the month is labelled by its
    first day): the signup month is the first month with MRR and the churn month the first without.
    """
    rng = _rng("customer_base")
    # New logos per month stay roughly flat (a maturing product) with seasonality: slow in July, August and
    # December, strong after New Year and in September.
    season = [1.2, 1.1, 1.15, 1.0, 1.0, 0.95, 0.7, 0.7, 1.15, 1.1, 1.0, 0.75]
    signups = []
    for m, month in enumerate(_MONTHS):
        for _ in range(rng.poisson((10.0 + 0.02 * m) * season[month.month - 1])):
            signups.append((month, _weekday_in_month(rng, month)))
    signups.sort(key=lambda item: item[1])

    taken: set[str] = set()
    customers, subscriptions, movements = [], [], []
    for number, (month, signup_date) in enumerate(signups, start=1):
        progress = (month - _FIRST_MONTH).days / (_LAST_MONTH - _FIRST_MONTH).days  # 0 .. 1 over the period
        # Kestrel moves up-market over time: the Enterprise share of new logos grows.
        enterprise = 0.05 + 0.03 * progress
        segment = _pick(rng, {"SMB": 0.62 - enterprise, "Mid-Market": 0.31, "Enterprise": enterprise})
        industry = _pick(rng, {
            "SMB": {"clinic": 0.35, "retail": 0.25, "hospitality": 0.30, "logistics": 0.10},
            "Mid-Market": {"clinic": 0.25, "retail": 0.30, "hospitality": 0.25, "logistics": 0.20},
            "Enterprise": {"clinic": 0.20, "retail": 0.35, "hospitality": 0.15, "logistics": 0.30},
        }[segment])
        # North America opened in 2022 and grows from 10 % to 35 % of new customers.
        na_share = 0.10 + 0.25 * progress
        region = _pick(rng, {"EU": 0.80 - na_share, "UK": 0.20, "NA": na_share})
        plan = _pick(rng, {
            "SMB": {"Starter": 0.55, "Growth": 0.40, "Scale": 0.05},
            "Mid-Market": {"Starter": 0.10, "Growth": 0.55, "Scale": 0.35},
            "Enterprise": {"Starter": 0.0, "Growth": 0.20, "Scale": 0.80},
        }[segment])
        median, low, high = _SEAT_RANGE[segment]
        seats = int(round(_bounded_lognormal(rng, median, 0.5, low, high)))
        # The partner programme started in January 2023: no partner-sourced customers before that.
        partner = 0.0 if month < pd.Timestamp("2023-01-01") else {"SMB": 0.17, "Mid-Market": 0.20,
                                                                   "Enterprise": 0.20}[segment]
        channel = _pick(rng, {
            "SMB": {"inbound": 0.75, "outbound": 0.08, "partner": partner},
            "Mid-Market": {"inbound": 0.45, "outbound": 0.35, "partner": partner},
            "Enterprise": {"inbound": 0.20, "outbound": 0.60, "partner": partner},
        }[segment])
        # Negotiated discount off list price, kept for the customer's lifetime; larger deals get more.
        discount = float(_pick(rng, {
            "SMB": {"0": 1.0},
            "Mid-Market": {"0": 0.5, "0.05": 0.3, "0.1": 0.2},
            "Enterprise": {"0.1": 0.4, "0.15": 0.4, "0.2": 0.2},
        }[segment]))
        customer_id = f"C{number:04d}"
        name = _company_name(rng, region, industry, taken)
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
    base = {"SMB": 0.019, "Mid-Market": 0.008, "Enterprise": 0.0035}[segment]
    base *= {"Starter": 1.25, "Growth": 1.0, "Scale": 0.85}[plan]
    if age <= 3:  # customers who never get properly onboarded leave early
        base *= 1.5
    # The April 2024 price increase was announced in February: churn rises in March and peaks in April-June.
    shock = {"2024-03": 1.6, "2024-04": 4.5, "2024-05": 4.0, "2024-06": 2.5, "2024-07": 1.5}.get(
        month.strftime("%Y-%m"), 1.0)
    sensitivity = {"SMB": 1.0, "Mid-Market": 0.7, "Enterprise": 0.4}[segment]
    return base * (1.0 + (shock - 1.0) * sensitivity)


def _simulate_customer(rng, customer_id, segment, industry, plan, seats, discount, signup_month,
                       subscriptions, movements):
    """Walk one customer through the months; append subscription and movement rows; return churn date."""
    start = _MONTHS.get_loc(signup_month)
    previous_cents = 0
    for m in range(start, len(_MONTHS)):
        month = _MONTHS[m]
        age = m - start
        reason = "new"
        if age > 0:
            if rng.random() < _churn_hazard(segment, plan, age, month):
                churn_date = _weekday_in_month(rng, month, weekend_weight=0.3)
                movements.append(_movement(month, customer_id, "churn", -previous_cents, 0, "cancelled"))
                return churn_date
            reason = _monthly_change(rng, segment, industry, plan, month)
            if month == _PRICE_INCREASE:
                reason = "price_increase"  # the list price rise replaces any other change that month
            elif reason == "plan_upgrade":
                plan = PLANS[PLANS.index(plan) + 1]
            elif reason == "plan_downgrade":
                plan = PLANS[PLANS.index(plan) - 1]
            elif reason == "seats_added":
                seasonal = _seasonal_bump(industry, month) > 0
                share = rng.uniform(0.10, 0.30) if seasonal else rng.uniform(0.04, 0.18)
                seats += max(1, int(round(seats * share)))
            elif reason == "seats_removed":
                seasonal = _seasonal_bump(industry, month) < 0
                share = rng.uniform(0.10, 0.25) if seasonal else rng.uniform(0.04, 0.15)
                seats = max(3, seats - max(1, int(round(seats * share))))
        price_cents = int(round(_list_price(plan, month) * (1 - discount) * 100))
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
    return {
        "retail": {11: 0.30, 1: -0.30},       # holiday staff in November, gone in January
        "hospitality": {5: 0.25, 9: -0.25},   # summer season
        "logistics": {10: 0.15, 1: -0.15},    # peak parcel season
    }.get(industry, {}).get(month.month, 0.0)


def _monthly_change(rng, segment: str, industry: str, plan: str, month: pd.Timestamp) -> str | None:
    """At most one change per customer per month: plan up/down or seats up/down."""
    bump = _seasonal_bump(industry, month)
    options = {
        "plan_upgrade": 0.010 if plan != "Scale" else 0.0,
        "plan_downgrade": 0.004 if plan != "Starter" else 0.0,
        "seats_added": {"SMB": 0.04, "Mid-Market": 0.06, "Enterprise": 0.07}[segment] + max(bump, 0.0),
        "seats_removed": {"SMB": 0.025, "Mid-Market": 0.025, "Enterprise": 0.02}[segment] + max(-bump, 0.0),
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


def _customers(base) -> pd.DataFrame:
    frame = base["customers"].copy()
    frame["signup_date"] = _dates(frame["signup_date"])
    frame["churn_date"] = _dates(frame["churn_date"])
    frame["discount_rate"] = frame["discount_rate"].round(4)
    return frame[["customer_id", "company_name", "segment", "industry", "region", "signup_date", "plan",
                  "seats_at_signup", "acquisition_channel", "churn_date", "discount_rate"]]


def _subscriptions(base) -> pd.DataFrame:
    frame = base["subscriptions"].sort_values(["month", "customer_id"], kind="stable").reset_index(drop=True)
    frame["month"] = _dates(frame["month"])
    frame["price_per_seat"] = frame["price_per_seat"].round(2)
    frame["mrr"] = frame["mrr"].round(2)
    return frame[["month", "customer_id", "plan", "seats", "price_per_seat", "mrr"]]


def _mrr_movements(base) -> pd.DataFrame:
    frame = base["mrr_movements"].sort_values(["month", "customer_id"], kind="stable").reset_index(drop=True)
    frame["month"] = _dates(frame["month"])
    frame["mrr_change"] = frame["mrr_change"].round(2)
    frame["mrr_after"] = frame["mrr_after"].round(2)
    return frame[["month", "customer_id", "movement", "mrr_change", "mrr_after", "reason"]]


def _active_on(customers: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Boolean mask: signed up on or before `day` and not yet churned."""
    churn = pd.to_datetime(customers["churn_date"])
    return (pd.to_datetime(customers["signup_date"]) <= day) & (churn.isna() | (churn > day))


def _plan_in(base, month: str) -> pd.DataFrame:
    subs = base["subscriptions"]
    return subs[subs["month"] == pd.Timestamp(month)].set_index("customer_id")[["plan", "seats"]]


# ==============================================================================================================
# usage_events
# ==============================================================================================================
_EVENT_NAMES = ("login", "shift_created", "schedule_published", "shift_swap_requested", "report_exported",
                "mobile_checkin", "insights_dashboard_viewed")


def _usage_events(base) -> pd.DataFrame:
    """Product events of a sample of customers in Q4 2025.

    Managers plan the rota on the web during office hours (publishing peaks on Thursday and Friday);
    employees use the mobile app to check in and to request swaps, also at weekends in retail and
    hospitality. Shift swaps need the Growth plan or higher; the Insights dashboard exists only for
    customers who bought the Insights add-on (mostly Scale).
    """
    rng = _rng("usage_events")
    customers = base["customers"]
    plans = _plan_in(base, "2025-10-01")
    start, end = pd.Timestamp("2025-10-01"), pd.Timestamp("2025-12-31")
    days = pd.date_range(start, end, freq="D")
    eligible = customers[(customers["signup_date"] < start) & customers["customer_id"].isin(plans.index)]
    eligible = eligible.assign(current_plan=eligible["customer_id"].map(plans["plan"]),
                               seats=eligible["customer_id"].map(plans["seats"]))
    # Stratified sample: ten customers per plan, including three customers who churn during the quarter.
    churners = eligible.loc[eligible["churn_date"].notna(), "customer_id"].to_numpy()
    chosen = list(rng.choice(churners, size=min(3, len(churners)), replace=False))
    for plan in PLANS:
        pool = eligible[(eligible["current_plan"] == plan) & ~eligible["customer_id"].isin(chosen)]
        need = max(0, 10 - int((eligible["customer_id"].isin(chosen) & (eligible["current_plan"] == plan)).sum()))
        chosen += list(rng.choice(pool["customer_id"].to_numpy(), size=min(need, len(pool)), replace=False))
    sample = eligible[eligible["customer_id"].isin(chosen)].sort_values("customer_id")

    weekday_web = np.array([1.15, 1.05, 1.0, 1.0, 0.9, 0.2, 0.12])
    publish_day = np.array([0.5, 0.4, 0.6, 2.0, 2.2, 0.1, 0.1])
    holiday = np.isin(days.strftime("%m-%d"), ["12-24", "12-25", "12-26", "12-31"])
    rows = []
    user_number = 0
    for customer in sample.itertuples():
        plan, seats, industry = customer.current_plan, int(customer.seats), customer.industry
        n_users = int(min(seats, 3 + round(2.5 * math.log(seats))))
        n_managers = max(1, round(n_users * 0.2))
        has_insights = rng.random() < {"Starter": 0.0, "Growth": 0.15, "Scale": 0.6}[plan]
        weekend_shift = industry in ("retail", "hospitality")
        checkin_day = np.array([1.0, 1.0, 1.0, 1.0, 1.0] + ([0.9, 0.8] if weekend_shift else [0.35, 0.25]))
        dow = days.day_of_week.to_numpy()
        # Activity fades over the six weeks before a churn and stops on the churn date.
        alive = np.ones(len(days))
        if isinstance(customer.churn_date, pd.Timestamp):
            left = (customer.churn_date - days).days.to_numpy()
            alive = np.clip(left / 42, 0.0, 1.0)
        # Thanksgiving is a quiet day for North American customers.
        local_holiday = holiday | ((customer.region == "NA") & (days == pd.Timestamp("2025-11-27")))
        office = weekday_web[dow] * np.where(local_holiday, 0.15, 1.0) * alive
        floor = checkin_day[dow] * np.where(local_holiday, 0.6, 1.0) * alive
        first_business_days = (days.day <= 3) & (dow < 5)
        plan_factor = {"Starter": 0.8, "Growth": 1.0, "Scale": 1.15}[plan]
        for u in range(n_users):
            user_number += 1
            user_id = f"U{user_number:04d}"
            keen = rng.lognormal(0.0, 0.45)  # some users are much more active than others
            if u < n_managers:
                rates = {
                    "login": 0.9 * office,
                    "shift_created": 1.1 * plan_factor * office,
                    "schedule_published": 0.22 * publish_day[dow] * np.where(local_holiday, 0.2, 1.0) * alive,
                    "report_exported": {"Starter": 0.02, "Growth": 0.08, "Scale": 0.15}[plan] * office
                    * np.where(first_business_days, 4.0, 1.0),
                    "insights_dashboard_viewed": (0.35 if has_insights else 0.0) * office,
                }
                mobile_share = {"login": 0.2, "shift_created": 0.05, "schedule_published": 0.02,
                                "report_exported": 0.0, "insights_dashboard_viewed": 0.1}
                hours = ([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
                         [2, 8, 12, 11, 9, 5, 8, 9, 8, 6, 4, 2, 1, 1])
            else:
                rates = {
                    "login": 0.25 * floor,
                    "mobile_checkin": 0.32 * plan_factor * floor,
                    "shift_swap_requested": (0.0 if plan == "Starter" else 0.05) * floor,
                }
                mobile_share = {"login": 0.85, "mobile_checkin": 1.0, "shift_swap_requested": 0.9}
                hours = ([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22],
                         [2, 8, 10, 7, 4, 3, 3, 4, 6, 7, 5, 4, 5, 4, 3, 2, 1, 1])
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
    frame["timestamp"] = _timestamps(frame["timestamp"])
    return frame


# ==============================================================================================================
# trial_funnel
# ==============================================================================================================
def _trial_funnel() -> pd.DataFrame:
    """Free 14-day trials started in 2025 and how far each one got.

    Each step is only possible after the previous one, so the booleans are monotone. An onboarding
    wizard released on 2 June 2025 lifts the invite step; trials of the last two weeks of December were
    still running at the snapshot, so fewer of them have converted yet.
    """
    rng = _rng("trial_funnel")
    season = [1.25, 1.1, 1.1, 1.0, 1.0, 0.9, 0.75, 0.75, 1.2, 1.1, 1.0, 0.7]
    wizard = pd.Timestamp("2025-06-02")
    rows = []
    for m, month in enumerate(pd.date_range("2025-01-01", "2025-12-01", freq="MS")):
        for _ in range(rng.poisson(172 * season[month.month - 1] * (1 + 0.012 * m))):
            day = _weekday_in_month(rng, month, weekend_weight=0.45)
            segment = _pick(rng, {"SMB": 0.72, "Mid-Market": 0.24, "Enterprise": 0.04})
            channel = _pick(rng, {"organic": 0.40, "paid": 0.30, "referral": 0.15, "partner": 0.15})
            p_signup = 0.80 if channel == "paid" else 0.88
            p_invite = {"SMB": 0.45, "Mid-Market": 0.52, "Enterprise": 0.58}[segment] + (0.13 if day >= wizard else 0)
            p_schedule = 0.66
            p_publish = 0.70
            p_convert = 0.34 * {"organic": 1.0, "paid": 0.75, "referral": 1.35, "partner": 1.15}[channel]
            p_convert *= {"SMB": 1.0, "Mid-Market": 1.1, "Enterprise": 1.2}[segment]
            running_days = (pd.Timestamp("2025-12-31") - day).days
            if running_days < 14:  # right-censored: the trial has not ended yet
                p_convert *= running_days / 14
            steps = [p_signup, p_invite, p_schedule, p_publish, min(p_convert, 0.95)]
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
    frame["signup_date"] = _dates(frame["signup_date"])
    return frame


# ==============================================================================================================
# backlog (hand-authored)
# ==============================================================================================================
_BACKLOG_COLUMNS = ["item_id", "title", "theme", "product_line", "business_value", "time_criticality",
                    "risk_reduction", "job_size", "effort_weeks", "value_eur", "reach", "impact", "confidence",
                    "risk", "depends_on", "requested_by", "moscow"]

# Written by hand so that the prioritisation exercises have deliberate trade-offs:
# - K05 (AI forecasting, the highest value) needs the low-value enablers K04 and K12 first;
# - WSJF ties: K11 = K15 = K29 = 2.0, K08 = K19 = 2.6, K25 = K26 = 3.0;
# - K21 (dark mode) is the most requested item yet worth little; K23 has the highest WSJF because it is tiny;
# - dependency chains of depth three: K04 -> K06 -> K24 and K01 -> K28 -> K29.
_BACKLOG = [
    ("K01", "Single sign-on (SAML and OpenID Connect)", "Platform", "Kestrel Shifts",
     8, 8, 5, 5, 6, 180000, 40, 2, 1.0, "low", "", 34, "Must"),
    ("K02", "Automatic user provisioning (SCIM)", "Platform", "Kestrel Shifts",
     5, 3, 3, 5, 5, 70000, 25, 1, 0.8, "low", "K01", 12, "Should"),
    ("K03", "Audit log export", "Compliance", "Kestrel Shifts",
     3, 5, 8, 3, 3, 40000, 30, 0.5, 1.0, "low", "", 9, "Should"),
    ("K04", "Event data pipeline to the analytics warehouse", "Platform", "Kestrel Insights",
     2, 3, 5, 8, 10, 15000, 5, 0.25, 1.0, "medium", "", 0, "Must"),
    ("K05", "AI demand forecasting for staffing levels", "Analytics", "Kestrel Insights",
     20, 8, 2, 13, 16, 650000, 120, 3, 0.5, "high", "K04;K12", 41, "Should"),
    ("K06", "Labour cost dashboard", "Analytics", "Kestrel Insights",
     8, 5, 1, 5, 6, 210000, 90, 2, 0.8, "low", "K04", 27, "Should"),
    ("K07", "Rewrite of the native mobile apps", "Mobile", "Kestrel Shifts",
     13, 5, 5, 20, 26, 400000, 300, 1, 0.8, "high", "", 55, "Could"),
    ("K08", "Offline mobile check-in", "Mobile", "Kestrel Shifts",
     8, 3, 2, 5, 5, 120000, 140, 1, 0.8, "medium", "", 22, "Should"),
    ("K09", "Push notifications for open shifts", "Mobile", "Kestrel Shifts",
     5, 2, 1, 2, 2, 60000, 250, 0.5, 1.0, "low", "", 18, "Should"),
    ("K10", "Shift swap marketplace", "Mobile", "Kestrel Shifts",
     8, 3, 1, 8, 9, 150000, 180, 1, 0.5, "medium", "K09", 30, "Could"),
    ("K11", "DATEV payroll connector (Germany)", "Integrations", "Payroll Connect",
     8, 5, 3, 8, 8, 160000, 45, 2, 0.8, "medium", "K13", 16, "Should"),
    ("K12", "Historical data import API", "Platform", "Kestrel Shifts",
     3, 2, 3, 3, 3, 20000, 20, 0.5, 1.0, "low", "", 6, "Could"),
    ("K13", "Refactor the payroll mapping engine", "Integrations", "Payroll Connect",
     2, 2, 8, 5, 6, 10000, 10, 0.25, 1.0, "medium", "", 0, "Should"),
    ("K14", "ADP and Gusto payroll connectors (North America)", "Integrations", "Payroll Connect",
     13, 8, 2, 8, 9, 300000, 60, 2, 0.8, "medium", "K13", 24, "Must"),
    ("K15", "Sage payroll connector (UK)", "Integrations", "Payroll Connect",
     5, 3, 2, 5, 5, 90000, 30, 1, 1.0, "low", "K13", 11, "Could"),
    ("K16", "EU Working Time Directive rule checks", "Compliance", "Kestrel Shifts",
     5, 13, 8, 5, 6, 80000, 200, 1, 1.0, "low", "", 19, "Must"),
    ("K17", "US predictive scheduling (fair workweek) rules", "Compliance", "Kestrel Shifts",
     8, 13, 5, 8, 8, 140000, 35, 2, 0.8, "medium", "K16", 8, "Must"),
    ("K18", "Auto-scheduling v2 with a constraint solver", "Core scheduling", "Kestrel Shifts",
     13, 5, 3, 13, 14, 380000, 220, 2, 0.5, "high", "", 38, "Should"),
    ("K19", "Skills and certification matching", "Core scheduling", "Kestrel Shifts",
     8, 3, 2, 5, 6, 130000, 110, 1, 0.8, "low", "", 21, "Should"),
    ("K20", "Auto-fill open shifts by skill", "Core scheduling", "Kestrel Shifts",
     13, 3, 1, 8, 8, 260000, 150, 2, 0.5, "medium", "K18;K19", 26, "Could"),
    ("K21", "Dark mode", "Mobile", "Kestrel Shifts",
     1, 1, 1, 3, 3, 5000, 400, 0.25, 1.0, "low", "", 62, "Won't"),
    ("K22", "Timeclock-to-Shifts migration tool", "Platform", "Kestrel Timeclock",
     5, 8, 5, 5, 5, 110000, 25, 2, 0.8, "low", "", 7, "Must"),
    ("K23", "Timeclock end-of-life notices in the product", "Platform", "Kestrel Timeclock",
     1, 8, 3, 1, 1, 5000, 90, 0.25, 1.0, "low", "K22", 0, "Must"),
    ("K24", "Industry benchmark reports", "Analytics", "Kestrel Insights",
     5, 2, 1, 5, 5, 90000, 70, 1, 0.5, "medium", "K06", 9, "Could"),
    ("K25", "Clinic rota templates", "Core scheduling", "Kestrel Shifts",
     3, 2, 1, 2, 2, 35000, 80, 0.5, 1.0, "low", "", 14, "Could"),
    ("K26", "Multi-location budget view", "Analytics", "Kestrel Shifts",
     5, 3, 1, 3, 3, 70000, 50, 1, 0.8, "low", "", 13, "Should"),
    ("K27", "EU data residency (hosting region choice)", "Compliance", "Kestrel Shifts",
     8, 8, 13, 13, 15, 220000, 25, 3, 0.8, "high", "", 10, "Should"),
    ("K28", "Public REST API v2", "Integrations", "Kestrel Shifts",
     5, 3, 5, 8, 10, 100000, 40, 1, 0.8, "medium", "K01", 17, "Should"),
    ("K29", "Microsoft Teams integration", "Integrations", "Kestrel Shifts",
     3, 2, 1, 3, 3, 45000, 70, 0.5, 0.8, "low", "K28", 15, "Could"),
    ("K30", "Two-factor authentication in the mobile app", "Mobile", "Kestrel Shifts",
     3, 5, 8, 2, 2, 25000, 300, 0.5, 1.0, "low", "", 5, "Must"),
]


def _backlog() -> pd.DataFrame:
    frame = pd.DataFrame(_BACKLOG, columns=_BACKLOG_COLUMNS)
    frame["value_eur"] = frame["value_eur"].astype(float).round(2)
    frame["impact"] = frame["impact"].astype(float).round(4)
    frame["confidence"] = frame["confidence"].astype(float).round(4)
    frame["depends_on"] = frame["depends_on"].replace("", np.nan)
    return frame


# ==============================================================================================================
# survey_responses
# ==============================================================================================================
_KANO_FEATURES = ("auto_scheduling", "mobile_app", "payroll_export", "ai_forecasting", "dark_mode", "sso")
_KANO_ANSWERS = ("like", "must-be", "neutral", "live-with", "dislike")

# Probability of each respondent's true Kano category (Attractive, One-dimensional, Must-be, Indifferent).
# sso depends on the segment: a must-be for Enterprise buyers, indifferent for small businesses.
_KANO_PROFILE = {
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
# a real share of respondents (tests/test_casedata.py asserts that they do, in every segment).
_VW_STREAM = 1976                                     # a separate seeded stream: the other columns keep their values
VW_LOG_OFFSETS = (-0.70, -0.20, 0.30, 0.50)           # too cheap, cheap, expensive, too expensive
VW_OFFSET_JITTER = 0.15                               # each answer's own noise around its offset
VW_SPREAD_SIGMA = 0.60                                # personal width of the range (lognormal factor)
VW_SHIFT_SIGMA = 0.35                                 # personal anchor shift


def _vw_answers(rng: np.random.Generator, reference: float) -> list[float]:
    """Four Van Westendorp prices, increasing, around a respondent's reference price (not yet rounded)."""
    spread = math.exp(VW_SPREAD_SIGMA * rng.standard_normal())
    anchor = math.log(reference) + VW_SHIFT_SIGMA * rng.standard_normal()
    offsets = sorted(o + VW_OFFSET_JITTER * rng.standard_normal() for o in VW_LOG_OFFSETS)
    return [math.exp(anchor + spread * o) for o in offsets]


def _survey_responses(base) -> pd.DataFrame:
    """Customer and prospect survey of September 2025: NPS, Kano pairs and price questions.

    The price questions are about the proposed Kestrel Insights add-on, in EUR per seat per month.
    Van Westendorp answers are anchored on a personal reference price and rounded to half euros, as people
    answer; the Gabor-Granger answers follow from a willingness-to-pay, so they never go from "no" back to "yes".
    """
    rng = _rng("survey_responses")
    vw_rng = np.random.default_rng([_SEEDS["survey_responses"], _VW_STREAM])  # Van Westendorp answers only
    customers = base["customers"]
    active = customers[_active_on(customers, pd.Timestamp("2025-09-01"))
                       & _active_on(customers, pd.Timestamp("2025-09-30"))]
    plans = _plan_in(base, "2025-09-01")
    roles = {"SMB": {"owner": 0.55, "ops_manager": 0.30, "hr": 0.10, "it": 0.05},
             "Mid-Market": {"owner": 0.15, "ops_manager": 0.45, "hr": 0.25, "it": 0.15},
             "Enterprise": {"owner": 0.03, "ops_manager": 0.40, "hr": 0.30, "it": 0.27}}
    people = []  # (customer_id or None, segment, role, plan, churns_soon)
    for customer in active.itertuples():
        # Larger customers are more likely to answer, sometimes with several people in different roles.
        answers_per_customer = {"SMB": [0, 0, 1, 1, 1], "Mid-Market": [0, 1, 1, 1], "Enterprise": [0, 1, 1, 2]}
        count = int(rng.choice(answers_per_customer[customer.segment]))
        options = dict(roles[customer.segment])
        churns_soon = isinstance(customer.churn_date, pd.Timestamp)
        for _ in range(count):
            role = _pick(rng, options)
            options[role] = 0.0  # one answer per role per customer
            people.append((customer.customer_id, customer.segment, role,
                           plans.loc[customer.customer_id, "plan"], churns_soon))
    for _ in range(130):  # prospects from the newsletter list
        segment = _pick(rng, {"SMB": 0.6, "Mid-Market": 0.3, "Enterprise": 0.1})
        people.append((None, segment, _pick(rng, roles[segment]), None, False))
    order = rng.permutation(len(people))  # mix customers and prospects before numbering

    # Invitations went out on 2 September with a reminder on 16 September: two waves of answers.
    september = pd.date_range("2025-09-01", "2025-09-30", freq="D")
    wave = np.array([0.3 + 3.0 * math.exp(-(d - 2) / 2.5) if d >= 2 else 0.1 for d in september.day])
    wave += np.array([2.0 * math.exp(-(d - 16) / 2.0) if d >= 16 else 0.0 for d in september.day])
    wave *= np.where(september.day_of_week >= 5, 0.4, 1.0)

    rows = []
    for number, index in enumerate(order, start=1):
        customer_id, segment, role, plan, churns_soon = people[index]
        row = {"respondent_id": f"R{number:04d}", "customer_id": customer_id, "segment": segment, "role": role,
               "response_date": september[int(rng.choice(len(september), p=wave / wave.sum()))]}
        # NPS is only asked of customers; a few customers skip it. Later churners are clearly less happy.
        if customer_id is None or rng.random() < 0.06:
            row["nps"] = pd.NA
        else:
            mean = {"SMB": 8.5, "Mid-Market": 8.7, "Enterprise": 8.2}[segment]
            mean -= 0.5 if plan == "Starter" else 0.0
            mean -= 0.4 if role == "it" else 0.0
            mean -= 2.8 if churns_soon else 0.0
            row["nps"] = int(np.clip(round(rng.normal(mean, 1.6)), 0, 10))
        for feature in _KANO_FEATURES:
            profile = _KANO_PROFILE[feature]
            profile = profile.get(segment, profile)
            if feature == "sso" and role == "it":  # IT people insist on single sign-on
                profile = {"A": 0.05, "O": 0.2, "M": 0.6, "I": 0.15}
            u = rng.random()
            category = "Q" if u < 0.02 else ("R" if u < 0.035 else _pick(rng, profile))
            functional, dysfunctional = _kano_pair(rng, category)
            row[f"kano_{feature}_functional"] = functional
            row[f"kano_{feature}_dysfunctional"] = dysfunctional
        # Reference price for the add-on; prospects and small businesses anchor lower.
        reference = 8.0 * math.exp(0.25 * rng.standard_normal())
        reference *= {"SMB": 0.9, "Mid-Market": 1.0, "Enterprise": 1.08}[segment]
        reference *= 0.9 if customer_id is None else 1.0
        rng.uniform(size=4)  # the draws of the first survey version, kept so that every other column is unchanged
        answers = _vw_answers(vw_rng, reference)
        rounded = []
        for value in answers:  # to half euros, strictly increasing
            value = max(0.5, round(value * 2) / 2)
            if rounded and value <= rounded[-1]:
                value = rounded[-1] + 0.5
            rounded.append(value)
        row.update(zip(["vw_too_cheap", "vw_cheap", "vw_expensive", "vw_too_expensive"], rounded))
        not_interested = rng.random() < 0.08
        willingness = 0.0 if not_interested else reference * math.exp(0.3 + 0.2 * rng.standard_normal())
        for price in (6, 8, 10, 12, 14):
            row[f"gg_buy_at_{price}"] = bool(price <= willingness)
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["nps"] = frame["nps"].astype("Int64")
    frame["response_date"] = _dates(frame["response_date"])
    for column in ["vw_too_cheap", "vw_cheap", "vw_expensive", "vw_too_expensive"]:
        frame[column] = frame[column].round(2)
    kano = [f"kano_{f}_{side}" for f in _KANO_FEATURES for side in ("functional", "dysfunctional")]
    return frame[["respondent_id", "customer_id", "segment", "role", "nps", *kano, "vw_too_cheap", "vw_cheap",
                  "vw_expensive", "vw_too_expensive", "gg_buy_at_6", "gg_buy_at_8", "gg_buy_at_10",
                  "gg_buy_at_12", "gg_buy_at_14", "response_date"]]


# ==============================================================================================================
# pipeline and pipeline_stages
# ==============================================================================================================
_STAGES = ("Lead", "Qualified", "Demo", "Proposal", "Negotiation", "Closed Won", "Closed Lost")
_WIN_PROBABILITY = (0.05, 0.15, 0.30, 0.50, 0.75, 1.0, 0.0)


def _pipeline_stages() -> pd.DataFrame:
    return pd.DataFrame({"stage": _STAGES, "stage_order": range(1, len(_STAGES) + 1),
                         "win_probability": [round(p, 4) for p in _WIN_PROBABILITY]})


_REPS = {  # sales rep: (region, first day, closing skill)
    "Anouk Visser": ("EU", "2023-01-01", 1.10),
    "Jeroen Bakker": ("EU", "2023-01-01", 0.95),
    "Lena Hoffmann": ("EU", "2025-03-01", 0.88),
    "Oliver Grant": ("UK", "2023-01-01", 1.00),
    "Maya Thompson": ("NA", "2023-01-01", 1.05),
    "Daniel Reyes": ("NA", "2024-09-01", 0.90),
}


def _pipeline(base) -> pd.DataFrame:
    """Sales opportunities created 2024-2025, as the CRM showed them on 31 December 2025.

    Each opportunity walks through the stages; at every stage it either moves on or is lost. Time in a
    stage is log-normal and longer for bigger deals. Opportunities still open at the snapshot keep their
    current stage and an expected close date, which sales reps do not always update (stale dates).
    """
    rng = _rng("pipeline")
    snapshot = pd.Timestamp("2025-12-31")
    season = [1.2, 1.05, 1.1, 1.0, 1.0, 0.9, 0.7, 0.7, 1.2, 1.2, 1.05, 0.6]
    # Historical stage-to-stage conversion. It is better than the CRM's default win probabilities
    # (pipeline_stages) suggest for the early stages: a calibration exercise for learners.
    advance = (0.60, 0.75, 0.70, 0.75, 0.72)  # Lead->Qualified ... Negotiation->Closed Won
    stage_days = (14, 21, 18, 25, 21)  # median days in each stage for a Mid-Market deal
    size = {"SMB": 0.4, "Mid-Market": 0.85, "Enterprise": 1.6}
    cycle = {"SMB": 35, "Mid-Market": 80, "Enterprise": 150}
    taken = set(base["customers"]["company_name"])
    rows = []
    for m, month in enumerate(pd.date_range("2024-01-01", "2025-12-01", freq="MS")):
        for _ in range(rng.poisson((22 + 0.45 * m) * season[month.month - 1])):
            created = _weekday_in_month(rng, month, weekend_weight=0.05)
            segment = _pick(rng, {"SMB": 0.2, "Mid-Market": 0.5, "Enterprise": 0.3})
            na = 0.20 + 0.15 * m / 23
            region = _pick(rng, {"EU": 0.8 - na, "UK": 0.2, "NA": na})
            source = _pick(rng, {"inbound": 0.40, "outbound": 0.35, "partner": 0.15, "event": 0.10})
            reps = [r for r, (reg, first, _) in _REPS.items() if reg == region and pd.Timestamp(first) <= created]
            owner = reps[int(rng.integers(len(reps)))]
            skill = _REPS[owner][2]
            industry = INDUSTRIES[int(rng.integers(len(INDUSTRIES)))]
            median, low, high = _SEAT_RANGE[segment]
            seats = _bounded_lognormal(rng, median, 0.6, low, high)
            price = {"SMB": 7.5, "Mid-Market": 9.0, "Enterprise": 14.0 * 0.85}[segment]
            amount = round(seats * price * 12, -1)
            # Walk through the open stages.
            probabilities = list(advance)
            probabilities[0] = {"inbound": 0.65, "outbound": 0.45, "partner": 0.70, "event": 0.55}[source]
            probabilities[3] = min(0.95, probabilities[3] * skill)
            probabilities[4] = min(0.95, probabilities[4] * skill * (0.95 if segment == "Enterprise" else 1.0))
            entered, stage, lost_at, close = created, None, None, None
            for index in range(5):
                days = stage_days[index] * size[segment] * math.exp(0.6 * rng.standard_normal())
                if rng.random() < 0.2:
                    days *= 4  # the deal stalls: nobody moves it on or closes it
                moves_on = rng.random() < probabilities[index]
                if not moves_on:
                    days *= 1.5  # losing a deal takes a while to admit
                days = max(1, int(round(days)))
                if entered + pd.Timedelta(days=days) > snapshot:
                    stage = _STAGES[index]
                    break
                if not moves_on:
                    stage, lost_at = "Closed Lost", _STAGES[index]
                    entered = close = entered + pd.Timedelta(days=days)
                    break
                entered = entered + pd.Timedelta(days=days)
                if index == 4:
                    stage, close = "Closed Won", entered
            if stage == "Closed Won" and rng.random() < 0.3:
                # End-of-quarter push: some deals are signed in the last days of the quarter.
                quarter_end = close + pd.offsets.QuarterEnd(0)
                pushed = quarter_end - pd.Timedelta(days=int(rng.integers(0, 8)))
                if close <= pushed <= snapshot:
                    entered = close = pushed
            if stage not in ("Closed Won", "Closed Lost"):
                expected = created + pd.Timedelta(days=int(cycle[segment] * math.exp(0.3 * rng.standard_normal())))
                if expected <= snapshot and rng.random() < 0.65:
                    expected = snapshot + pd.Timedelta(days=int(rng.integers(10, 100)))  # date was updated
                close = max(expected, entered)  # otherwise it stays stale, in the past
            reason = None
            if stage == "Closed Lost":
                reason = _pick(rng, {
                    "Lead": {"no_decision": 0.45, "timing": 0.30, "missing_feature": 0.15, "price": 0.05,
                             "competitor": 0.05},
                    "Qualified": {"no_decision": 0.45, "timing": 0.30, "missing_feature": 0.15, "price": 0.05,
                                  "competitor": 0.05},
                    "Demo": {"missing_feature": 0.30, "no_decision": 0.25, "competitor": 0.20, "price": 0.15,
                             "timing": 0.10},
                }.get(lost_at, {"price": 0.35, "competitor": 0.35, "no_decision": 0.15, "timing": 0.10,
                                "missing_feature": 0.05}))
            rows.append({
                "account_name": _company_name(rng, region, industry, taken), "segment": segment,
                "region": region, "source": source, "owner": owner, "created_date": created, "stage": stage,
                "stage_entered_date": entered, "close_date": close, "amount_arr": float(amount),
                "lost_at_stage": lost_at, "lost_reason": reason,
            })
    frame = pd.DataFrame(rows).sort_values("created_date", kind="stable").reset_index(drop=True)
    frame.insert(0, "opportunity_id", [f"OP{i:04d}" for i in range(1, len(frame) + 1)])
    for column in ["created_date", "stage_entered_date", "close_date"]:
        frame[column] = _dates(frame[column])
    frame["amount_arr"] = frame["amount_arr"].round(2)
    return frame


# ==============================================================================================================
# support_tickets
# ==============================================================================================================
_SLA_HOURS = {"P1": 1, "P2": 4, "P3": 8, "P4": 24}
_DESK_OPEN, _DESK_CLOSE = 7, 20  # support desk hours, Monday to Friday, Central European Time
_DESK_HOLIDAYS = {"2025-01-01", "2025-04-18", "2025-04-21", "2025-12-25", "2025-12-26"}
# Platform incidents: start (CET) and duration in minutes. Affected customers open outage tickets.
_INCIDENTS = [("2025-03-12 09:40", 50), ("2025-06-18 14:05", 130), ("2025-11-04 07:30", 180)]


def _desk_open(moment: pd.Timestamp) -> bool:
    return (moment.day_of_week < 5 and moment.strftime("%Y-%m-%d") not in _DESK_HOLIDAYS
            and _DESK_OPEN <= moment.hour < _DESK_CLOSE)


def _next_desk_opening(moment: pd.Timestamp) -> pd.Timestamp:
    if _desk_open(moment):
        return moment
    day = moment.normalize()
    if moment.hour >= _DESK_CLOSE or moment.day_of_week >= 5 or moment.strftime("%Y-%m-%d") in _DESK_HOLIDAYS:
        day += pd.Timedelta(days=1)
    while day.day_of_week >= 5 or day.strftime("%Y-%m-%d") in _DESK_HOLIDAYS:
        day += pd.Timedelta(days=1)
    return day + pd.Timedelta(hours=_DESK_OPEN)


def _add_desk_hours(moment: pd.Timestamp, hours: float) -> pd.Timestamp:
    """Move forward by `hours` of support-desk working time."""
    moment = _next_desk_opening(moment)
    while True:
        left_today = (moment.normalize() + pd.Timedelta(hours=_DESK_CLOSE) - moment).total_seconds() / 3600
        if hours <= left_today:
            return moment + pd.Timedelta(seconds=round(hours * 3600))
        hours -= left_today
        moment = _next_desk_opening(moment.normalize() + pd.Timedelta(hours=_DESK_CLOSE))


def _support_tickets(base) -> pd.DataFrame:
    """Support tickets opened in 2025, with timestamps in CET (the desk's time zone).

    First responses wait for the desk to open, except P1 tickets, which an on-call engineer answers at any
    hour; North American tickets therefore often arrive after hours. Resolution times are log-normal
    with long tails; tickets unresolved at the snapshot have no resolved_at.
    """
    rng = _rng("support_tickets")
    customers = base["customers"].set_index("customer_id")
    subs = base["subscriptions"]
    level = {"high": 3, "medium": 2, "low": 1}
    hour_values = np.arange(7, 20)
    hour_weights = np.array([2, 6, 10, 11, 10, 6, 8, 10, 9, 7, 4, 2, 1], dtype=float)
    weekday_weight = np.array([1.2, 1.1, 1.0, 1.0, 0.9, 0.25, 0.2])
    offset = {"EU": 0, "UK": 1, "NA": 6}  # local working hours shifted to CET
    raw = []
    for month in pd.date_range("2025-01-01", "2025-12-01", freq="MS"):
        days = pd.date_range(month, month + pd.offsets.MonthEnd(0), freq="D")
        day_p = weekday_weight[days.day_of_week]
        day_p = day_p / day_p.sum()
        active = subs[subs["month"] == month]
        for sub in active.itertuples():
            info = customers.loc[sub.customer_id]
            rate = 0.9 * (sub.seats / 50) ** 0.35 * {"Starter": 1.1, "Growth": 1.0, "Scale": 0.9}[sub.plan]
            churn = info["churn_date"]
            if isinstance(churn, pd.Timestamp) and (churn - month).days < 100:
                rate *= 2.0  # unhappy customers contact support more often before they leave
            for _ in range(rng.poisson(rate)):
                day = days[int(rng.choice(len(days), p=day_p))]
                hour = int(rng.choice(hour_values, p=hour_weights / hour_weights.sum())) + offset[info["region"]]
                if info["region"] == "NA" and rng.random() < 0.4:
                    hour += 3  # west-coast customers
                opened = day + pd.Timedelta(hours=hour, seconds=int(rng.integers(0, 3600)))
                if opened < info["signup_date"] or opened > _SNAPSHOT:
                    continue
                category = _pick(rng, {"how-to": 0.40, "bug": 0.25,
                                       "billing": 0.12 * (2.5 if month.month == 1 else 1.0),  # annual invoices
                                       "integration": 0.15 * (1.8 if month.month == 5 else 1.0),  # connector release
                                       "outage": 0.015})
                raw.append((sub.customer_id, opened, category, None))
    for start, minutes in _INCIDENTS:  # bursts of outage tickets
        begin = pd.Timestamp(start)
        active = _active_on(base["customers"], begin.normalize())
        for customer_id, seats in zip(base["customers"].loc[active, "customer_id"],
                                      base["customers"].loc[active, "seats_at_signup"]):
            if rng.random() < min(0.6, 0.1 + 0.04 * math.log(seats)) * (minutes / 180) ** 0.3:
                opened = begin + pd.Timedelta(seconds=int(rng.integers(60, (minutes + 30) * 60)))
                raw.append((customer_id, opened, "outage", begin + pd.Timedelta(minutes=minutes)))

    rows = []
    for customer_id, opened, category, incident_end in raw:
        impact, urgency = {
            "outage": ({"high": 0.85, "medium": 0.15, "low": 0.0}, {"high": 0.9, "medium": 0.1, "low": 0.0}),
            "bug": ({"high": 0.2, "medium": 0.5, "low": 0.3}, {"high": 0.2, "medium": 0.5, "low": 0.3}),
            "integration": ({"high": 0.15, "medium": 0.55, "low": 0.3}, {"high": 0.15, "medium": 0.45, "low": 0.4}),
            "billing": ({"high": 0.05, "medium": 0.35, "low": 0.6}, {"high": 0.1, "medium": 0.5, "low": 0.4}),
            "how-to": ({"high": 0.02, "medium": 0.2, "low": 0.78}, {"high": 0.05, "medium": 0.35, "low": 0.6}),
        }[category]
        impact, urgency = _pick(rng, impact), _pick(rng, urgency)
        score = level[impact] + level[urgency]
        priority = {6: "P1", 5: "P2", 4: "P3"}.get(score, "P4")
        channel = _pick(rng, {"email": 0.25, "chat": 0.35, "phone": 0.40} if category == "outage"
                        else {"email": 0.50, "chat": 0.33, "phone": 0.17})
        # First response.
        if priority == "P1":
            first = opened + pd.Timedelta(hours=0.35 * math.exp(0.7 * rng.standard_normal()))
        elif channel == "phone" and _desk_open(opened):
            first = opened + pd.Timedelta(hours=0.05 * math.exp(0.5 * rng.standard_normal()))
        else:
            typical = {"P2": 0.5, "P3": 1.0, "P4": 3.0}[priority] * (0.25 if channel == "chat" else 1.0)
            first = _add_desk_hours(opened, typical * math.exp(0.8 * rng.standard_normal()))
        first = max(first, opened + pd.Timedelta(minutes=1)).floor("s")
        # Resolution.
        if incident_end is not None:
            resolved = max(first, incident_end) + pd.Timedelta(minutes=int(rng.integers(5, 120)))
        elif category == "outage":
            resolved = first + pd.Timedelta(hours=3 * math.exp(0.8 * rng.standard_normal()))
        else:
            median, sigma = {"how-to": (2, 1.1), "billing": (6, 1.0), "integration": (14, 1.2),
                             "bug": (30, 1.4)}[category]
            if priority == "P1":
                median *= 0.3
            resolved = _add_desk_hours(first, median * math.exp(sigma * rng.standard_normal()))
        resolved = max(resolved, first + pd.Timedelta(minutes=1)).floor("s")
        rows.append({"customer_id": customer_id, "opened_at": opened, "first_response_at": first,
                     "resolved_at": resolved if resolved <= _SNAPSHOT else pd.NaT, "channel": channel,
                     "category": category, "impact": impact, "urgency": urgency, "priority": priority,
                     "sla_first_response_hours": _SLA_HOURS[priority]})
    frame = pd.DataFrame(rows).sort_values(["opened_at", "customer_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "ticket_id", [f"TK{i:05d}" for i in range(1, len(frame) + 1)])
    for column in ["opened_at", "first_response_at", "resolved_at"]:
        frame[column] = _timestamps(frame[column])
    return frame


# ==============================================================================================================
# market, competitors, product_lines
# ==============================================================================================================
# Organisations in Kestrel's four industries per segment and region in 2025, and their average yearly spend
# on scheduling software (averaged over all organisations, so it grows as more of them adopt software).
_MARKET_2025 = {
    ("SMB", "EU"): (150_000, 290), ("SMB", "UK"): (46_000, 310), ("SMB", "NA"): (185_000, 330),
    ("Mid-Market", "EU"): (14_000, 4_800), ("Mid-Market", "UK"): (4_300, 5_000), ("Mid-Market", "NA"): (17_500, 5_600),
    ("Enterprise", "EU"): (1_400, 44_000), ("Enterprise", "UK"): (520, 46_000), ("Enterprise", "NA"): (2_300, 52_000),
}
_MARKET_GROWTH = {"SMB": (0.015, 0.14), "Mid-Market": (0.012, 0.10), "Enterprise": (0.008, 0.07)}


def _market() -> pd.DataFrame:
    rng = _rng("market")
    rows = []
    for year in range(2021, 2026):
        back = 2025 - year
        for segment in SEGMENTS:
            count_growth, spend_growth = _MARKET_GROWTH[segment]
            for region in REGIONS:
                count, spend = _MARKET_2025[(segment, region)]
                noise = 1 + 0.01 * rng.standard_normal() if back else 1.0
                potential = int(round(count / (1 + count_growth) ** back * noise, -1 if count > 10_000 else 0))
                avg_spend = round(spend / (1 + spend_growth) ** back * (1 + 0.02 * rng.standard_normal()), 2)
                rows.append({"year": year, "segment": segment, "region": region, "potential_customers": potential,
                             "avg_annual_spend_eur": avg_spend,
                             "market_revenue_eur": round(potential * avg_spend, 2)})
    return pd.DataFrame(rows)


# Competitor shares of the market revenue per year (2021..2025); Kestrel's follows from its revenue and
# 'Others' takes the rest. All competitor names are invented.
_COMPETITORS = {
    "Shiftora": ("SaaS", [0.140, 0.158, 0.176, 0.191, 0.206], [10.0, 10.0, 10.5, 11.0, 11.0]),
    "Timberline WFM": ("on-premise", [0.240, 0.216, 0.191, 0.166, 0.141], [7.5, 7.5, 7.5, 7.5, 7.5]),
    "Rotaflow": ("SaaS", [0.090, 0.101, 0.109, 0.116, 0.121], [7.0, 7.0, 7.5, 8.0, 8.0]),
    "Planwerk": ("hybrid", [0.081, 0.080, 0.078, 0.075, 0.072], [9.0, 9.0, 9.0, 9.5, 9.5]),
    "CrewClock": ("SaaS", [0.030, 0.046, 0.061, 0.075, 0.089], [4.0, 4.0, 4.5, 4.5, 5.0]),
}


def _competitors(market: pd.DataFrame, product_lines: pd.DataFrame) -> pd.DataFrame:
    rng = _rng("competitors")
    totals = market.groupby("year")["market_revenue_eur"].sum()
    scheduling = product_lines[product_lines["product_line"].isin(["Kestrel Shifts", "Kestrel Timeclock"])]
    kestrel_revenue = scheduling.groupby("year")["revenue_eur"].sum()
    rows = []
    for i, year in enumerate(range(2021, 2026)):
        shares = {}
        for name, (deployment, share, price) in _COMPETITORS.items():
            shares[name] = round(share[i] * (1 + 0.01 * rng.standard_normal()), 4)
        shares["Kestrel Software"] = round(kestrel_revenue[year] / totals[year], 4)
        shares["Others"] = round(1.0 - sum(shares.values()), 4)
        for name, share in shares.items():
            if name in _COMPETITORS:
                deployment, price = _COMPETITORS[name][0], _COMPETITORS[name][2][i]
            elif name == "Kestrel Software":  # Growth plan list price at year end
                deployment, price = "SaaS", _list_price("Growth", pd.Timestamp(f"{year}-12-01"))
            else:
                deployment, price = None, np.nan
            rows.append({"year": year, "competitor": name, "market_share": share,
                         "list_price_per_seat_eur": price, "deployment": deployment})
    frame = pd.DataFrame(rows)
    frame["list_price_per_seat_eur"] = frame["list_price_per_seat_eur"].round(2)
    return frame


# Revenue (EUR) and units per year for the lines that are not simulated customer by customer.
# Kestrel Shifts before 2022 and the customers who signed up before 2022 ("legacy base") are also set here;
# from 2022 the Shifts line adds the subscription revenue of the simulated 2022+ customers.
# The legacy base still grows in 2022 (customers won during 2021 count for a full year), expands a little in
# 2023, and then shrinks: churn after the 2024 price increase and an ageing customer base.
_SHIFTS_LEGACY = {  # year: (revenue of pre-2022 customers, their number at year end)
    2016: (300_000, 12), 2017: (1_200_000, 45), 2018: (2_900_000, 110), 2019: (5_400_000, 210),
    2020: (8_600_000, 330), 2021: (11_800_000, 450), 2022: (13_650_000, 431), 2023: (14_510_000, 407),
    2024: (14_450_000, 362), 2025: (13_440_000, 331),
}
_OTHER_LINES = {
    "Kestrel Timeclock": ("licences", {2016: (420_000, 60), 2017: (1_590_000, 210), 2018: (2_080_000, 268),
                                       2019: (2_190_000, 284), 2020: (1_930_000, 262), 2021: (1_610_000, 226),
                                       2022: (1_310_000, 191), 2023: (1_050_000, 155), 2024: (810_000, 121),
                                       2025: (600_000, 92)}),
    "Payroll Connect": ("customers", {2021: (80_000, 38), 2022: (320_000, 146), 2023: (700_000, 297),
                                      2024: (1_190_000, 478), 2025: (1_740_000, 655)}),
    "Kestrel Insights": ("customers", {2024: (30_000, 12), 2025: (110_000, 35)}),
}


def _product_lines(base) -> pd.DataFrame:
    subs = base["subscriptions"]
    year = subs["month"].dt.year
    simulated_revenue = subs.groupby(year)["mrr"].sum()
    simulated_customers = subs[subs["month"].dt.month == 12].groupby(year[subs["month"].dt.month == 12]).size()
    rows = []
    for y, (revenue, units) in _SHIFTS_LEGACY.items():
        rows.append({"product_line": "Kestrel Shifts", "year": y,
                     "revenue_eur": revenue + float(simulated_revenue.get(y, 0.0)),
                     "units": units + int(simulated_customers.get(y, 0)), "unit": "customers"})
    for line, (unit, values) in _OTHER_LINES.items():
        for y, (revenue, units) in values.items():
            rows.append({"product_line": line, "year": y, "revenue_eur": float(revenue), "units": units,
                         "unit": unit})
    frame = pd.DataFrame(rows)
    frame["revenue_eur"] = frame["revenue_eur"].round(2)
    return frame


# ==============================================================================================================
# financial_plan (hand-authored business case)
# ==============================================================================================================
def _financial_plan() -> pd.DataFrame:
    """Business case for the full Kestrel Insights add-on: build in 2026, sell from 2027.

    Assumptions: adoption grows to about 195 paying customers by year 5 with ~180 seats each; price 8 EUR per
    seat per month, raised to 9 EUR in year 3. Revenue uses the average number of paying seats in the year.
    """
    customers = [0, 35, 80, 125, 165, 195]
    seats = [0, 5_600, 13_200, 21_300, 28_900, 35_100]
    price = [8.0, 8.0, 8.0, 9.0, 9.0, 9.0]
    one_off = [1_450_000, 150_000, 0, 0, 0, 0]
    recurring = [0, 320_000, 360_000, 380_000, 400_000, 420_000]
    operations = [40_000, 110_000, 190_000, 280_000, 350_000, 410_000]
    go_to_market = [120_000, 450_000, 420_000, 400_000, 380_000, 360_000]
    frame = pd.DataFrame({
        "year": range(6), "calendar_year": range(2026, 2032), "customers": customers, "seats": seats,
        "price_per_seat_month": price,
    })
    frame["revenue"] = frame["seats"] * frame["price_per_seat_month"] * 12
    frame["one_off_development"] = one_off
    frame["recurring_development"] = recurring
    frame["operations"] = operations
    frame["go_to_market"] = go_to_market
    costs = ["one_off_development", "recurring_development", "operations", "go_to_market"]
    frame[costs] = frame[costs].astype(float)
    frame["total_cost"] = frame[costs].sum(axis=1)
    frame["net_cash_flow"] = frame["revenue"] - frame["total_cost"]
    money = ["price_per_seat_month", "revenue", *costs, "total_cost", "net_cash_flow"]
    frame[money] = frame[money].round(2)
    return frame


if __name__ == "__main__":
    raise SystemExit(main())
