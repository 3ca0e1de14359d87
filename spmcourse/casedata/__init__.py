"""Case-study data for Kestrel Software, the fictional company used throughout the course.

Kestrel Software (founded 2016, head office in Utrecht) sells in the EU, the UK and North America. Its main
product is **Kestrel Shifts**, a workforce-scheduling SaaS for clinics, retail chains, hospitality and
logistics, sold per seat per month on three plans (Starter, Growth, Scale). Smaller lines are the legacy
on-premise **Kestrel Timeclock**, the **Payroll Connect** integration add-on and the young **Kestrel
Insights** analytics add-on. All amounts are in EUR.

Every dataset is fictional. It is produced by seeded code, one module per dataset family beside this one
(``spmcourse/casedata/<family>.py``, numbers as named constants at the top), so that the files in
``spmcourse/data/`` are byte-identical each time they are regenerated. Each CSV comes with a data card
(``spmcourse/data/<name>.md``) that describes its columns, its grain and its deliberate quirks.

This module is the loader and the registry (names, seeds, date columns): lessons import only this, and the
generators are imported only to regenerate the files.

Typical use in a lesson::

    from spmcourse.casedata import load, show_card
    show_card("customers")
    customers = load("customers")

Regenerate all files with ``python -m spmcourse.casedata``.
"""
from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

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
    "swap_experiment": 2025_1103,  # generator in casedata/experiments.py
    "cloud_adoption": 2015_0101,  # module 02: spmcourse/casedata/strategy.py (ADOPTION_SEED)
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
    "defects": 2025_0409,  # module 09 (spmcourse/casedata/development.py)
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

#: The package data folder that :func:`generate` writes to (lessons read it through :func:`load`).
DATA_FOLDER = Path(__file__).resolve().parent.parent / "data"

# --- Shared business facts -------------------------------------------------------------------------------------
SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
INDUSTRIES = ("clinic", "retail", "hospitality", "logistics")
REGIONS = ("EU", "UK", "NA")
PLANS = ("Starter", "Growth", "Scale")


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
    stamp = _stamp(source)
    kept = _loaded.get((name, parse_dates))
    if kept is not None and stamp is not None and kept[0] == stamp:
        return kept[1].copy()
    with source.open("r", encoding="utf-8", newline="") as handle:
        # keep_default_na=False: the region code "NA" (North America) must stay a string, not a missing value.
        frame = pd.read_csv(handle, keep_default_na=False, na_values=[""])
    if parse_dates:
        for column in _DATE_COLUMNS.get(name, ()):
            frame[column] = pd.to_datetime(frame[column], format="ISO8601")
    if stamp is not None:
        _loaded[(name, parse_dates)] = (stamp, frame.copy())
    return frame


# Datasets already read in this process, each with the size and time of the file it came from. Lessons and hidden
# tests load the same dataset many times; a copy of the frame read before costs a twentieth of reading the CSV
# again. load() hands out copies, so changing a loaded frame never changes what the next load returns.
_loaded: dict[tuple[str, bool], tuple[tuple[int, int], pd.DataFrame]] = {}


def _stamp(source) -> tuple[int, int] | None:
    """(modification time, size) of a dataset's file; None when it is not a plain file (then it is not kept)."""
    try:
        info = Path(source).stat()
    except (TypeError, OSError):
        return None
    return info.st_mtime_ns, info.st_size


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
    from spmcourse.casedata.build import build_all  # the generators: only needed here, not by lessons

    target = Path(out_dir) if out_dir is not None else DATA_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    frames = build_all()
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
