"""Delivery-model helpers (module 04): total cost of ownership over years, crossover year, availability.

Timing convention (pinned, as in the lesson): one-off amounts are paid at the start of year 1; yearly amounts
(maintenance, subscription, the customer's own IT cost) at the start of every year, year 1 included. The
cumulative cost of year n therefore includes n yearly payments. With ``rate`` > 0 the payment at the start of
year n is discounted by (1 + rate) ** (n - 1).

Examples
--------
>>> tco_by_year(one_off=100, yearly=10, years=3)
[110.0, 120.0, 130.0]
>>> crossover_year([110, 120, 130], [50, 100, 150])
3
>>> round(downtime_minutes(0.999, days=30), 1)
43.2
>>> round(series([0.99, 0.99]), 4), round(parallel([0.99, 0.99]), 4)
(0.9801, 0.9999)
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["tco_by_year", "model_tco", "crossover_year", "series", "parallel", "system_availability",
           "downtime_minutes", "MINUTES_PER_DAY"]

MINUTES_PER_DAY = 24 * 60


def tco_by_year(one_off: float, yearly: float, years: int, *, rate: float = 0.0,
                maintenance_from_year: int = 1) -> list[float]:
    """Cumulative cost at the end of years 1..``years``: the one-off at the start of year 1, then ``yearly``
    at the start of every year from ``maintenance_from_year`` (1 = year 1 included), discounted at ``rate``.
    """
    total, out = float(one_off), []
    for n in range(1, years + 1):
        if n >= maintenance_from_year:
            total += yearly / (1 + rate) ** (n - 1)
        out.append(total)
    return out


def model_tco(row, years: int, *, rate: float = 0.0) -> list[float]:
    """Cumulative customer cost of one row of the ``delivery_models`` dataset, years 1..``years``."""
    one_off = float(row["licence_eur"]) + float(row["implementation_eur"])
    yearly = (float(row["maintenance_rate"]) * float(row["licence_eur"]) + float(row["subscription_eur_per_year"])
              + float(row["customer_it_eur_per_year"]))
    return tco_by_year(one_off, yearly, years, rate=rate)


def crossover_year(challenger, incumbent) -> int | None:
    """The first year (1-based) in which the cumulative cost of ``challenger`` is at or below ``incumbent``'s.

    ``None`` if it never is within the years given. A challenger that is cheaper from year 1 gives 1.
    """
    for n, (a, b) in enumerate(zip(challenger, incumbent), start=1):
        if a <= b:
            return n
    return None


def series(availabilities) -> float:
    """Availability of components that are all needed: the product of their availabilities."""
    return float(np.prod(np.asarray(list(availabilities), dtype=float)))


def parallel(availabilities) -> float:
    """Availability of redundant components (at least one must be up), failures independent: 1 - Π(1 - A)."""
    return float(1 - np.prod(1 - np.asarray(list(availabilities), dtype=float)))


def system_availability(components: pd.DataFrame, *, critical_only: bool = True) -> float:
    """Availability of a service from a ``service_components``-like table: instances of a layer in parallel,
    layers in series; non-critical layers left out unless ``critical_only`` is False.
    """
    table = components[components["critical"]] if critical_only else components
    return series(parallel(group["availability"]) for _, group in table.groupby("layer_order"))


def downtime_minutes(availability: float, *, days: float = 30) -> float:
    """Expected (or allowed) downtime in minutes over ``days`` days: (1 - A) × days × 1,440."""
    if not 0 <= availability <= 1 or math.isnan(availability):
        raise ValueError("availability must be a fraction between 0 and 1 (99.9 % is 0.999)")
    return (1 - availability) * days * MINUTES_PER_DAY
