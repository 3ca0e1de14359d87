"""Strategic management helpers (module 02): portfolio, innovation, resources and compliance.

Pure functions on numbers and DataFrames, each with the convention it uses stated:

- **Ansoff** growth options (Ansoff 1957) and the **BCG growth-share matrix** (Henderson 1970) with the
  thresholds as arguments (high = strictly above the cut-off);
- **expected commercial value** ECV = (NPV x P_cs - C) x P_ts - D and the productivity index ECV / D
  (Cooper, Edgett & Kleinschmidt), and the best portfolio under a development budget (exact, by dynamic
  programming over the costs) next to the greedy ranking by productivity index;
- **stage-gate** funnel yield, the **Bass** diffusion model (Bass 1969) with its peak time and two fits
  (Bass's own regression and non-linear least squares), Rogers' adopter categories;
- **capacity**, utilisation and **Little's law** (Little 1961);
- the **GDPR** maximum administrative fines of Art. 83(4) and 83(5).

Examples
--------
>>> ansoff("existing", "new")
'market development'
>>> bcg_quadrant(1.2, 0.15)
'Star'
>>> bcg_quadrant(1.0, 0.10)  # exactly at both cut-offs: low share, low growth
'Dog'
>>> round(ecv(1_000_000, p_technical=0.8, p_commercial=0.5, launch_cost=100_000, development_cost=200_000))
120000
>>> round(bass_peak_time(0.03, 0.38), 2)
6.19
>>> gdpr_max_fine(100_000_000, tier="83(5)")
20000000.0
"""
from __future__ import annotations

import math
from functools import reduce

import numpy as np
import pandas as pd

# --- Corporate strategy: Ansoff --------------------------------------------------------------------------------
ANSOFF = {
    ("existing", "existing"): "market penetration",
    ("new", "existing"): "product development",
    ("existing", "new"): "market development",
    ("new", "new"): "diversification",
}


def ansoff(product: str, market: str) -> str:
    """Ansoff's growth option for a product (``"existing"``/``"new"``) in a market (``"existing"``/``"new"``)."""
    return ANSOFF[(product, market)]


# --- Portfolio: BCG ---------------------------------------------------------------------------------------------
BCG_SHARE_CUTOFF = 1.0     # relative market share: own share / largest rival's share
BCG_GROWTH_CUTOFF = 0.10   # market growth per year, as a decimal


def bcg_quadrant(relative_share: float, market_growth: float, *, share_cutoff: float = BCG_SHARE_CUTOFF,
                 growth_cutoff: float = BCG_GROWTH_CUTOFF) -> str:
    """The BCG quadrant; a value counts as *high* only if it is strictly above its cut-off."""
    high_share = relative_share > share_cutoff
    high_growth = market_growth > growth_cutoff
    return {(True, True): "Star", (True, False): "Cash Cow", (False, True): "Question Mark",
            (False, False): "Dog"}[(high_share, high_growth)]


def bcg_table(portfolio_markets: pd.DataFrame, product_lines: pd.DataFrame, year: int = 2025, *,
              share_cutoff: float = BCG_SHARE_CUTOFF, growth_cutoff: float = BCG_GROWTH_CUTOFF) -> pd.DataFrame:
    """One row per product line: revenue, relative market share, market growth and BCG quadrant.

    Relative share = the line's revenue in ``year`` / the largest rival's revenue in the same market; market
    growth = market revenue in ``year`` / the year before - 1 (the ``portfolio_markets`` columns for 2024 and
    2025).
    """
    revenue = product_lines[product_lines["year"] == year].set_index("product_line")["revenue_eur"]
    table = portfolio_markets.set_index("product_line")
    out = pd.DataFrame({"revenue": revenue.reindex(table.index)})
    out["relative_share"] = out["revenue"] / table["rival_revenue_2025_eur"]
    out["market_growth"] = table["market_revenue_2025_eur"] / table["market_revenue_2024_eur"] - 1
    out["quadrant"] = [bcg_quadrant(s, g, share_cutoff=share_cutoff, growth_cutoff=growth_cutoff)
                       for s, g in zip(out["relative_share"], out["market_growth"])]
    return out


# --- Portfolio: expected commercial value -------------------------------------------------------------------------
def ecv(npv: float, p_technical: float, p_commercial: float, launch_cost: float, development_cost: float) -> float:
    """Expected commercial value: ECV = (NPV x P_cs - C) x P_ts - D.

    The launch cost C is only spent if development succeeds (hence inside the P_ts bracket); the remaining
    development cost D is spent either way. Swapping P_ts and P_cs gives a different number.
    """
    return (npv * p_commercial - launch_cost) * p_technical - development_cost


def ecv_table(initiatives: pd.DataFrame) -> pd.DataFrame:
    """The ``initiatives`` table with ``ecv`` and ``productivity_index`` (ECV / D) columns added."""
    out = initiatives.copy()
    out["ecv"] = ecv(out["npv_if_success_eur"], out["p_technical"], out["p_commercial"],
                     out["launch_cost_eur"], out["development_cost_eur"])
    out["productivity_index"] = out["ecv"] / out["development_cost_eur"]
    return out


def select_portfolio(values, costs, budget: float) -> list[int]:
    """Indices of the subset with the largest total value whose costs fit ``budget`` (0/1 knapsack).

    Exact: dynamic programming over the costs divided by their greatest common divisor, so the costs must be
    whole numbers (euros). Items with a value <= 0 are never chosen. Ties: the first optimum found in index order.

    >>> select_portfolio([10, 7, 7], [6, 4, 4], 8)
    [1, 2]
    """
    values = [float(v) for v in values]
    costs = [int(round(c)) for c in costs]
    unit = reduce(math.gcd, [c for c in costs if c > 0] + [int(budget)]) or 1
    units = [c // unit for c in costs]
    cap = int(budget) // unit
    best = np.zeros(cap + 1)
    keep = np.zeros((len(values), cap + 1), dtype=bool)
    for i, (v, w) in enumerate(zip(values, units)):
        if v <= 0 or w > cap:
            continue
        candidate = np.full(cap + 1, -np.inf)
        candidate[w:] = best[: cap + 1 - w] + v
        better = candidate > best + 1e-9
        keep[i] = better
        best = np.where(better, candidate, best)
    chosen, c = [], cap
    for i in range(len(values) - 1, -1, -1):
        if keep[i, c]:
            chosen.append(i)
            c -= units[i]
    return sorted(chosen)


def greedy_portfolio(values, costs, budget: float) -> list[int]:
    """Indices chosen by ranking on value / cost and taking each item that still fits (skipping value <= 0).

    >>> greedy_portfolio([10, 7, 7], [6, 4, 4], 8)
    [1, 2]
    """
    order = sorted(range(len(values)), key=lambda i: -values[i] / costs[i])
    chosen, spent = [], 0.0
    for i in order:
        if values[i] > 0 and spent + costs[i] <= budget:
            chosen.append(i)
            spent += costs[i]
    return sorted(chosen)


# --- Innovation: stage-gate, Bass, Rogers -------------------------------------------------------------------------
def stage_gate_yield(counts) -> pd.DataFrame:
    """Pass rate at each gate (survivors / entrants) and the cumulative yield from the first stage.

    >>> stage_gate_yield([100, 40, 20, 10])["cumulative"].round(2).tolist()
    [1.0, 0.4, 0.2, 0.1]
    """
    counts = pd.Series(counts, dtype=float).reset_index(drop=True)
    return pd.DataFrame({"count": counts, "pass_rate": counts / counts.shift(1),
                         "cumulative": counts / counts.iloc[0]})


def bass_cumulative_share(t, p: float, q: float):
    """Bass (1969) F(t) = (1 - e^-(p+q)t) / (1 + (q/p) e^-(p+q)t): the share of m adopted by time t."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1 - e) / (1 + (q / p) * e)


def bass_cumulative(t, p: float, q: float, m: float):
    """Cumulative adopters N(t) = m F(t)."""
    return m * bass_cumulative_share(t, p, q)


def bass_rate(t, p: float, q: float, m: float):
    """Adoptions per unit of time at time t: n(t) = m f(t), f(t) = (p+q)^2/p e^-(p+q)t / (1 + (q/p) e^-(p+q)t)^2."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return m * ((p + q) ** 2 / p) * e / (1 + (q / p) * e) ** 2


def bass_peak_time(p: float, q: float) -> float:
    """Time of the peak of new adoptions, t* = ln(q/p) / (p + q); no interior peak (returns 0) when q <= p."""
    return math.log(q / p) / (p + q) if q > p else 0.0


def bass_per_period(periods: int, p: float, q: float, m: float) -> np.ndarray:
    """New adopters in periods 1..periods: m (F(k) - F(k-1)), with t = 0 at the start of period 1."""
    k = np.arange(periods + 1)
    return np.diff(bass_cumulative(k, p, q, m))


def fit_bass_ols(new_adopters) -> dict:
    """Bass's own estimate: regress n_t on N_{t-1} and N_{t-1}^2 (ordinary least squares).

    n_t = a + b N_{t-1} + c N_{t-1}^2 with a = pm, b = q - p, c = -q/m, so m solves c m^2 + b m + a = 0
    (the positive root), p = a / m and q = -c m.
    """
    n = np.asarray(new_adopters, dtype=float)
    previous = np.concatenate([[0.0], np.cumsum(n)[:-1]])
    c, b, a = np.polyfit(previous, n, 2)
    m = (-b - math.sqrt(b * b - 4 * a * c)) / (2 * c)
    return {"p": float(a / m), "q": float(-c * m), "m": float(m)}


def fit_bass_nls(new_adopters, start: dict | None = None, iterations: int = 200) -> dict:
    """Non-linear least squares fit of m (F(k) - F(k-1)) to the per-period adopters (Srinivasan & Mason 1986).

    A small Levenberg-Marquardt loop in numpy (the tests check it against scipy's ``curve_fit``); it starts
    from Bass's OLS estimate unless ``start`` is given.
    """
    n = np.asarray(new_adopters, dtype=float)
    guess = start or fit_bass_ols(n)
    theta = np.array([guess["p"], guess["q"], guess["m"] / n.sum()])  # m scaled to keep the steps balanced
    scale = n.sum()

    def residuals(th):
        return bass_per_period(n.size, th[0], th[1], th[2] * scale) - n

    lam = 1e-3
    r = residuals(theta)
    for _ in range(iterations):
        jac = np.empty((n.size, 3))
        for j in range(3):
            step = np.zeros(3)
            step[j] = 1e-7 * max(abs(theta[j]), 1e-3)
            jac[:, j] = (residuals(theta + step) - r) / step[j]
        a = jac.T @ jac
        g = jac.T @ r
        delta = np.linalg.solve(a + lam * np.diag(np.diag(a)), -g)
        candidate = theta + delta
        if np.all(candidate > 0) and (rc := residuals(candidate)) @ rc < r @ r:
            theta, r, lam = candidate, rc, lam / 3
            if np.max(np.abs(delta / theta)) < 1e-10:
                break
        else:
            lam *= 4
    return {"p": float(theta[0]), "q": float(theta[1]), "m": float(theta[2] * scale)}


#: Rogers' adopter categories and their shares, cut at the mean and +/- 1 and 2 standard deviations of the
#: adoption time of a normal curve.
ROGERS = {"innovators": 0.025, "early adopters": 0.135, "early majority": 0.34, "late majority": 0.34,
          "laggards": 0.16}


# --- Resources -----------------------------------------------------------------------------------------------------
def capacity_hours(people: float, working_days: float, hours_per_day: float, focus_factor: float) -> float:
    """Capacity = people x working days x hours per day x focus factor (the share of time spent on planned work)."""
    return people * working_days * hours_per_day * focus_factor


def littles_law(*, wip: float | None = None, throughput: float | None = None,
                cycle_time: float | None = None) -> float:
    """Little's law L = lambda W: give two of work in progress, throughput and cycle time, get the third.

    >>> littles_law(wip=30, throughput=6)
    5.0
    """
    if wip is None:
        return throughput * cycle_time
    if throughput is None:
        return wip / cycle_time
    return wip / throughput


# --- Compliance ----------------------------------------------------------------------------------------------------
GDPR_TIERS = {"83(4)": (10_000_000.0, 0.02), "83(5)": (20_000_000.0, 0.04)}


def gdpr_max_fine(worldwide_turnover: float, tier: str = "83(5)") -> float:
    """The GDPR's maximum fine for an undertaking: the fixed amount or the share of the preceding financial
    year's total worldwide annual turnover, whichever is higher (Art. 83(4): EUR 10 M or 2 %;
    Art. 83(5): EUR 20 M or 4 %)."""
    fixed, share = GDPR_TIERS[tier]
    return max(fixed, share * worldwide_turnover)
