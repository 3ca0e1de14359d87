"""Ecosystem helpers (module 04): graduated revenue shares, marketplace take rate, a stylised network value.

Examples
--------
>>> graduated_share(142_900, [(100_000, 0.15), (None, 0.20)])
23580.0
>>> take_rate(platform_revenue=20, gross_sales=100)
0.2
>>> network_links(10)
45
"""
from __future__ import annotations

__all__ = ["graduated_share", "take_rate", "network_links"]


def graduated_share(amount: float, tiers) -> float:
    """Share of ``amount`` under graduated tiers ``[(upper_bound, rate), ..., (None, rate)]``.

    Each part of the amount is paid at the rate of the tier it falls in (as graduated price tiers in module 05).
    """
    paid, lower = 0.0, 0.0
    for upper, rate in tiers:
        top = amount if upper is None else min(amount, upper)
        if top > lower:
            paid += (top - lower) * rate
        if upper is None or amount <= upper:
            break
        lower = upper
    return paid


def take_rate(platform_revenue: float, gross_sales: float) -> float:
    """The share of gross marketplace sales the platform keeps."""
    return platform_revenue / gross_sales


def network_links(n: int) -> int:
    """n(n − 1)/2 possible pairwise links among n participants: the stylised 'Metcalfe' network value."""
    return n * (n - 1) // 2
