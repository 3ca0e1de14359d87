"""What the generators of the big case-study families share: the seeded generators, weighted draws, ISO
date formatting and invented company names. Not imported by lessons (they use :func:`spmcourse.casedata.load`)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from spmcourse.casedata import _SEEDS

DATE_FMT = "%Y-%m-%d"
TIMESTAMP_FMT = "%Y-%m-%d %H:%M:%S"
#: Data snapshot: everything after this moment has not happened yet.
SNAPSHOT = pd.Timestamp("2025-12-31 23:59:59")


# --- small helpers --------------------------------------------------------------------------------------------
def seeded_rng(key: str) -> np.random.Generator:
    return np.random.default_rng(_SEEDS[key])


def pick(rng: np.random.Generator, options: dict[str, float]) -> str:
    """Draw one key of `options` with probabilities proportional to the values."""
    keys = list(options)
    weights = np.array([options[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=weights / weights.sum()))]


def bounded_lognormal(rng: np.random.Generator, median: float, sigma: float, low: float, high: float) -> float:
    """Skewed draw from a log-normal, redrawn until it falls inside [low, high] (no pile-up at the bounds)."""
    while True:
        value = median * math.exp(sigma * rng.standard_normal())
        if low <= value <= high:
            return value


def iso_dates(values) -> pd.Series:
    """ISO date strings; missing values stay empty."""
    return pd.Series(pd.to_datetime(pd.Series(values)).dt.strftime(DATE_FMT), dtype=object)


def iso_timestamps(values) -> pd.Series:
    return pd.Series(pd.to_datetime(pd.Series(values)).dt.strftime(TIMESTAMP_FMT), dtype=object)


def weekday_in_month(rng: np.random.Generator, month: pd.Timestamp, weekend_weight: float = 0.15) -> pd.Timestamp:
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


def company_name(rng: np.random.Generator, region: str, industry: str, taken: set[str]) -> str:
    while True:
        root = _NAME_ROOTS[region][int(rng.integers(len(_NAME_ROOTS[region])))]
        word = _NAME_WORDS[industry][int(rng.integers(len(_NAME_WORDS[industry])))]
        legal = _LEGAL_FORMS[region][int(rng.integers(len(_LEGAL_FORMS[region])))]
        name = f"{root} {word} {legal}"
        if name not in taken:
            taken.add(name)
            return name
