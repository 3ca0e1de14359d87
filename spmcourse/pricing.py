"""Pricing arithmetic for module 05: elasticity, tiered bills, Van Westendorp, Gabor-Granger and optimal prices.

The lesson computes each of these from first principles with pandas; these functions are the course's tested
reference (``tests/content/test_pricing.py``) and the engine of the price explorer.

Conventions (pinned in the lesson and the assignment):

- **Elasticity** keeps its sign: for ordinary demand it is negative (price up, quantity down). "Elastic" means
  ``abs(E) > 1``. The **arc (midpoint)** formula divides each change by the average of its two values, so the
  answer is the same whichever point you start from (Mankiw, *Principles of Economics*).
- **Tiers** are ``(up_to, unit_price)`` or ``(up_to, unit_price, flat_fee)`` with ``up_to`` the last unit of the
  tier (inclusive) and ``None`` for the open last tier, as in Stripe's ``tiers`` parameter. *Graduated*: each
  unit is charged at the price of the tier it falls in. *Volume*: every unit is charged at the price of the tier
  the total falls in.
- **Van Westendorp** curves are cumulative shares on a price grid: "too cheap" and "cheap" count respondents
  whose threshold is at or above the price (they fall as the price rises), "expensive" and "too expensive" count
  those whose threshold is at or below it (they rise). Crossings are interpolated linearly between grid prices.
  PMC and PME use the "not cheap / not expensive" definition (see :func:`van_westendorp_points`).

Examples
--------
>>> round(arc_elasticity(10, 1000, 12, 800), 4)
-1.2222
>>> tiers = [(1_000, 0.10), (10_000, 0.05), (None, 0.01)]
>>> tier_bill(15_000, tiers, "graduated"), tier_bill(15_000, tiers, "volume")
(600.0, 150.0)
>>> round(break_even_volume_change(-0.10, 0.80), 4)
0.1429
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "arc_elasticity", "start_point_elasticity", "linear_point_elasticity", "break_even_volume_change",
    "tier_bill", "tier_bills", "tier_breakdown", "van_westendorp_curves", "crossing", "van_westendorp_points",
    "gabor_granger", "revenue_maximising_price", "optimal_price_linear", "optimal_price_constant_elasticity",
    "demand_table",
]

# --- Elasticity --------------------------------------------------------------------------------------------------


def arc_elasticity(p1: float, q1: float, p2: float, q2: float) -> float:
    """Arc (midpoint) price elasticity of demand, signed.

    E = [(q2 - q1) / ((q1 + q2) / 2)] / [(p2 - p1) / ((p1 + p2) / 2)]. Swapping the two points gives the same E.

    >>> arc_elasticity(12, 800, 10, 1000) == arc_elasticity(10, 1000, 12, 800)
    True
    """
    if p1 == p2:
        raise ValueError("the two prices are equal, so elasticity is undefined")
    dq = (q2 - q1) / ((q1 + q2) / 2)
    dp = (p2 - p1) / ((p1 + p2) / 2)
    return dq / dp


def start_point_elasticity(p1: float, q1: float, p2: float, q2: float) -> float:
    """Percentage changes measured from the first point: ((q2 - q1) / q1) / ((p2 - p1) / p1).

    The common shortcut; it gives a different answer for a price rise than for the same price cut, which is why
    the course uses :func:`arc_elasticity`.

    >>> round(start_point_elasticity(10, 1000, 12, 800), 4), round(start_point_elasticity(12, 800, 10, 1000), 4)
    (-1.0, -1.5)
    """
    if p1 == p2:
        raise ValueError("the two prices are equal, so elasticity is undefined")
    return ((q2 - q1) / q1) / ((p2 - p1) / p1)


def linear_point_elasticity(a: float, b: float, price: float) -> float:
    """Point elasticity of the linear demand Q = a - bP at ``price``: dQ/dP x P/Q = -b P / (a - b P).

    >>> linear_point_elasticity(100, 2, 25)
    -1.0
    """
    quantity = a - b * price
    if quantity <= 0:
        raise ValueError(f"demand is zero or negative at price {price}")
    return -b * price / quantity


def break_even_volume_change(price_change: float, contribution_margin: float) -> float:
    """The change in unit sales that keeps total contribution unchanged after a price change (Nagle, Hogan & Zale).

    Both arguments are decimals: ``price_change`` = dP / P (e.g. -0.10 for a 10 % cut) and ``contribution_margin``
    = (P - VC) / P before the change. Returns -dP% / (CM% + dP%): a price cut needs this much *more* volume to
    break even, a price rise can lose this much volume (a negative number) and still break even.

    >>> round(break_even_volume_change(0.05, 0.80), 4)
    -0.0588
    """
    denominator = contribution_margin + price_change
    if denominator <= 0:
        raise ValueError("after this price change each unit no longer contributes anything: no volume breaks even")
    return -price_change / denominator


# --- Tiered pricing ----------------------------------------------------------------------------------------------


def _normalise_tiers(tiers) -> list[tuple[float, float, float]]:
    out = []
    previous = 0.0
    for i, tier in enumerate(tiers):
        if len(tier) not in (2, 3):
            raise ValueError("each tier is (up_to, unit_price) or (up_to, unit_price, flat_fee)")
        up_to = math.inf if tier[0] is None else float(tier[0])
        if up_to <= previous:
            raise ValueError(f"tier {i + 1}: up_to must increase (got {tier[0]} after {previous:g})")
        out.append((up_to, float(tier[1]), float(tier[2]) if len(tier) == 3 else 0.0))
        previous = up_to
    if not out or out[-1][0] != math.inf:
        raise ValueError("the last tier must be open-ended (up_to None)")
    return out


def tier_bill(units: float, tiers, mode: str = "graduated") -> float:
    """The bill for ``units`` under a tier table, in ``"graduated"`` or ``"volume"`` mode.

    A tier's flat fee is charged once when any unit falls in it (graduated) or when the total falls in it
    (volume). Zero units cost nothing.

    >>> tiers = [(5, 10.0), (None, 8.0, 20.0)]
    >>> tier_bill(7, tiers, "graduated"), tier_bill(7, tiers, "volume")
    (86.0, 76.0)
    """
    return float(tier_bills([units], tiers, mode)[0])


def tier_bills(units, tiers, mode: str = "graduated") -> np.ndarray:
    """Vectorised :func:`tier_bill`: one bill per element of ``units`` (fast enough for an explorer's curve)."""
    if mode not in ("graduated", "volume"):
        raise ValueError(f"mode must be 'graduated' or 'volume', not {mode!r}")
    table = _normalise_tiers(tiers)
    q = np.asarray(units, dtype=float)
    if np.any(q < 0):
        raise ValueError("units cannot be negative")
    bills = np.zeros_like(q)
    lower = 0.0
    for up_to, price, flat in table:
        if mode == "graduated":
            in_tier = np.clip(q - lower, 0, up_to - lower)
            bills += in_tier * price + np.where(in_tier > 0, flat, 0.0)
        else:
            here = (q > lower) & (q <= up_to)
            bills += np.where(here, q * price + flat, 0.0)
        lower = up_to
    return bills


def tier_breakdown(units: float, tiers) -> pd.DataFrame:
    """The graduated bill line by line: one row per tier with its range, the units in it and their charge."""
    rows, lower = [], 0.0
    for up_to, price, flat in _normalise_tiers(tiers):
        in_tier = float(np.clip(units - lower, 0, up_to - lower))
        rows.append({"from_unit": lower + 1, "to_unit": up_to, "unit_price": price, "units": in_tier,
                     "charge": in_tier * price + (flat if in_tier > 0 else 0.0)})
        lower = up_to
    return pd.DataFrame(rows)


# --- Van Westendorp price-sensitivity meter ----------------------------------------------------------------------


def van_westendorp_curves(too_cheap, cheap, expensive, too_expensive, prices=None) -> pd.DataFrame:
    """The four cumulative Van Westendorp curves (and their complements) on a price grid.

    Each argument is one answer per respondent (the price at which the product starts to seem too cheap, a
    bargain, expensive, too expensive). ``prices`` is the grid; by default every distinct price any respondent
    named. Returns a DataFrame indexed by ``price`` with the shares (0-1) ``too_cheap``, ``cheap``,
    ``expensive``, ``too_expensive``, ``not_cheap`` (= 1 - cheap) and ``not_expensive`` (= 1 - expensive).

    >>> c = van_westendorp_curves([5, 10], [10, 20], [20, 30], [30, 40], prices=[10, 30])
    >>> c.loc[10, "too_cheap"], c.loc[30, "too_expensive"]
    (np.float64(0.5), np.float64(0.5))
    """
    answers = {name: np.asarray(values, dtype=float) for name, values in
               [("too_cheap", too_cheap), ("cheap", cheap), ("expensive", expensive),
                ("too_expensive", too_expensive)]}
    if prices is None:
        prices = np.unique(np.concatenate(list(answers.values())))
    grid = np.asarray(prices, dtype=float)
    curves = pd.DataFrame(index=pd.Index(grid, name="price"))
    for name in ("too_cheap", "cheap"):
        curves[name] = (answers[name][None, :] >= grid[:, None]).mean(axis=1)
    for name in ("expensive", "too_expensive"):
        curves[name] = (answers[name][None, :] <= grid[:, None]).mean(axis=1)
    curves["not_cheap"] = 1 - curves["cheap"]
    curves["not_expensive"] = 1 - curves["expensive"]
    return curves


def crossing(prices, falling, rising) -> float:
    """The first price where the ``falling`` curve meets or drops below the ``rising`` one, interpolated linearly.

    Both curves are sampled on the same increasing ``prices``. If they touch at a grid price, that price is the
    answer; otherwise the crossing lies on the straight lines between the two grid prices around it. Returns
    ``nan`` if the curves never cross on the grid.

    >>> crossing([10, 20], [0.8, 0.2], [0.2, 0.6])
    16.0
    """
    x = np.asarray(prices, dtype=float)
    gap = np.asarray(falling, dtype=float) - np.asarray(rising, dtype=float)
    below = np.flatnonzero(gap <= 0)
    if below.size == 0:
        return math.nan
    i = int(below[0])
    if gap[i] == 0 or i == 0:
        return float(x[i])
    # gap[i-1] > 0 > gap[i]: the straight line between them is zero at this price
    return float(x[i - 1] + (x[i] - x[i - 1]) * gap[i - 1] / (gap[i - 1] - gap[i]))



def crossing_share(prices, falling, rising) -> float:
    """The height of the first crossing of two curves: the share of respondents on each curve where they meet.

    A Van Westendorp point is evidence only if a real share of respondents stands on both curves where they cross.
    When "too cheap" and "too expensive" barely overlap, they "cross" where both shares are close to zero, and the
    optimal price point is only the first price at which almost nobody objects either way: a degenerate case,
    recognised by a share of a few percent (or a handful of people). Returns ``nan`` if the curves never cross.

    >>> round(crossing_share([10, 20], [0.8, 0.2], [0.2, 0.6]), 4)
    0.44
    """
    x = np.asarray(prices, dtype=float)
    price = crossing(x, falling, rising)
    if math.isnan(price):
        return math.nan
    return float(np.interp(price, x, np.asarray(rising, dtype=float)))

def van_westendorp_points(curves: pd.DataFrame) -> dict[str, float]:
    """The four Van Westendorp price points from :func:`van_westendorp_curves`.

    - ``PMC`` (point of marginal cheapness) = too cheap meets not cheap;
    - ``OPP`` (optimal price point) = too cheap meets too expensive;
    - ``IPP`` (indifference price point) = cheap meets expensive (the same price as not cheap meets not expensive);
    - ``PME`` (point of marginal expensiveness) = not expensive meets too expensive.

    Other published definitions of PMC and PME exist (e.g. too cheap x expensive); this is the one the course pins.
    """
    p = curves.index.to_numpy(dtype=float)
    return {
        "PMC": crossing(p, curves["too_cheap"], curves["not_cheap"]),
        "OPP": crossing(p, curves["too_cheap"], curves["too_expensive"]),
        "IPP": crossing(p, curves["cheap"], curves["expensive"]),
        "PME": crossing(p, curves["not_expensive"], curves["too_expensive"]),
    }


# --- Gabor-Granger and optimal prices ----------------------------------------------------------------------------


def gabor_granger(prices, share_buying) -> pd.DataFrame:
    """The Gabor-Granger buy-response table: ``share`` willing to buy at each price and ``revenue_index`` =
    price x share (revenue per respondent asked). Indexed by ``price``, sorted ascending."""
    table = pd.DataFrame({"price": np.asarray(prices, dtype=float),
                          "share": np.asarray(share_buying, dtype=float)})
    table["revenue_index"] = table["price"] * table["share"]
    return table.sort_values("price").set_index("price")


def revenue_maximising_price(table: pd.DataFrame, column: str = "revenue_index") -> float:
    """The price with the largest ``column``; on a tie, the lowest such price (more buyers for the same revenue).

    >>> revenue_maximising_price(gabor_granger([10, 20, 40], [0.8, 0.4, 0.2]))
    10.0
    """
    best = table[column].max()
    return float(table.index[np.isclose(table[column].to_numpy(), best, rtol=1e-12, atol=1e-12)].min())


def optimal_price_linear(a: float, b: float, unit_cost: float = 0.0) -> float:
    """For linear demand Q = a - bP: the profit-maximising price (a + b c) / (2b); with c = 0, revenue-maximising.

    >>> optimal_price_linear(1000, 10), optimal_price_linear(1000, 10, unit_cost=20)
    (50.0, 60.0)
    """
    if b <= 0:
        raise ValueError("demand must fall as price rises (b > 0)")
    return (a + b * unit_cost) / (2 * b)


def optimal_price_constant_elasticity(elasticity: float, unit_cost: float) -> float:
    """For constant-elasticity demand, the profit-maximising price c E / (1 + E) (the Lerner condition).

    Needs E < -1: with inelastic demand a higher price always raises profit, so there is no interior optimum.

    >>> optimal_price_constant_elasticity(-3.0, 10.0)
    15.0
    """
    if elasticity >= -1:
        raise ValueError("the Lerner mark-up needs elastic demand (elasticity < -1)")
    return unit_cost * elasticity / (1 + elasticity)


def demand_table(prices, quantities, unit_cost: float = 0.0, fixed_cost: float = 0.0) -> pd.DataFrame:
    """Revenue and profit at each candidate price: revenue = P x Q, profit = (P - c) x Q - fixed cost."""
    table = pd.DataFrame({"price": np.asarray(prices, dtype=float),
                          "quantity": np.asarray(quantities, dtype=float)})
    table["revenue"] = table["price"] * table["quantity"]
    table["profit"] = (table["price"] - unit_cost) * table["quantity"] - fixed_cost
    return table.set_index("price")
