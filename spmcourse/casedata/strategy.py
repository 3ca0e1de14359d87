"""Case data for module 02 (strategic management and market analysis).

Four small tables, registered in :mod:`spmcourse.casedata` like every other dataset:

- ``portfolio_markets``: the market each Kestrel product line competes in (size in 2024 and 2025, the largest
  rival and its revenue), the input of a BCG growth-share matrix;
- ``initiatives``: eight proposed initiatives with the inputs of Cooper's expected commercial value;
- ``entry_markets``: four new verticals Kestrel could enter with Kestrel Shifts, with bottom-up sizing
  inputs, growth and the shares of the three largest vendors;
- ``cloud_adoption``: organisations in Kestrel's markets adopting cloud workforce scheduling for the first
  time, per year, 2015-2025 (a diffusion history for the Bass model).

All numbers are fictional. Hand-set numbers are named constants; only ``cloud_adoption`` draws random noise,
from a fixed seed. ``portfolio_markets`` takes the scheduling market and its leader from the ``market`` and
``competitors`` tables, so that the two never disagree.

Examples
--------
>>> bass = _ADOPTION_BASS
>>> sorted(bass)
['m', 'p', 'q']
>>> len(_INITIATIVES)
8
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: Seed of the one random table (noise on the adoption history).
ADOPTION_SEED = 2015_0101  # also listed in casedata._SEEDS

# --- portfolio_markets ---------------------------------------------------------------------------------------
#: Hand-set markets of the three lines that do not sell into the whole scheduling market:
#: line: (market description, market revenue 2024, market revenue 2025, largest rival, rival's 2025 revenue)
_LINE_MARKETS = {
    "Kestrel Timeclock": ("on-premise time clocks and scheduling licences", 121_400_000.0, 108_900_000.0,
                          "Timberline WFM", 70_900_000.0),
    "Payroll Connect": ("payroll connectors for scheduling tools", 19_600_000.0, 24_800_000.0,
                        "Shiftora", 1_520_000.0),
    "Kestrel Insights": ("workforce analytics for frontline operations", 61_000_000.0, 73_000_000.0,
                         "Shiftora", 9_800_000.0),
}


def portfolio_markets(market: pd.DataFrame, competitors: pd.DataFrame) -> pd.DataFrame:
    """One row per product line: its market in 2024 and 2025 and the largest rival's 2025 revenue.

    Kestrel Shifts competes in the whole scheduling market of ``market``; its largest rival is the vendor with
    the largest 2025 share in ``competitors`` (excluding Kestrel and the ``Others`` remainder).
    """
    totals = market.groupby("year")["market_revenue_eur"].sum()
    rivals = competitors[(competitors["year"] == 2025)
                         & ~competitors["competitor"].isin(["Kestrel Software", "Others"])]
    leader = rivals.loc[rivals["market_share"].idxmax()]
    rows = [{"product_line": "Kestrel Shifts", "market": "workforce scheduling software (EU, UK, NA)",
             "market_revenue_2024_eur": float(totals[2024]), "market_revenue_2025_eur": float(totals[2025]),
             "largest_rival": leader["competitor"],
             "rival_revenue_2025_eur": float(leader["market_share"] * totals[2025])}]
    for line, (name, rev24, rev25, rival, rival_rev) in _LINE_MARKETS.items():
        rows.append({"product_line": line, "market": name, "market_revenue_2024_eur": rev24,
                     "market_revenue_2025_eur": rev25, "largest_rival": rival, "rival_revenue_2025_eur": rival_rev})
    frame = pd.DataFrame(rows)
    money = ["market_revenue_2024_eur", "market_revenue_2025_eur", "rival_revenue_2025_eur"]
    frame[money] = frame[money].round(2)
    return frame


# --- initiatives ---------------------------------------------------------------------------------------------
#: id: (name, product new?, market new?, NPV if successful, P(technical), P(commercial), launch cost C,
#:      remaining development cost D). Money in EUR.
_INITIATIVES = {
    "I1": ("Insights full build", True, False, 5_000_000, 0.85, 0.55, 550_000, 1_450_000),
    "I2": ("Shifts for home-care providers", False, True, 3_000_000, 0.95, 0.50, 400_000, 500_000),
    "I3": ("Mid-Market sales push in North America", False, False, 2_200_000, 1.00, 0.60, 600_000, 200_000),
    "I4": ("Earned-wage access for shift workers", True, True, 8_000_000, 0.60, 0.30, 1_000_000, 1_200_000),
    "I5": ("AI auto-scheduling", True, False, 6_500_000, 0.50, 0.70, 500_000, 1_000_000),
    "I6": ("Shifts in Australia and New Zealand", False, True, 3_500_000, 0.90, 0.45, 900_000, 600_000),
    "I7": ("Timeclock-to-Shifts migration tool", False, False, 1_500_000, 0.90, 0.80, 100_000, 400_000),
    "I8": ("Clinic compliance pack", True, False, 1_800_000, 0.90, 0.60, 150_000, 500_000),
}


def initiatives() -> pd.DataFrame:
    rows = []
    for key, (name, new_product, new_market, npv, p_ts, p_cs, launch, dev) in _INITIATIVES.items():
        rows.append({"initiative_id": key, "initiative": name,
                     "product": "new" if new_product else "existing", "market": "new" if new_market else "existing",
                     "npv_if_success_eur": float(npv), "p_technical": p_ts, "p_commercial": p_cs,
                     "launch_cost_eur": float(launch), "development_cost_eur": float(dev)})
    return pd.DataFrame(rows)


# --- entry_markets -------------------------------------------------------------------------------------------
#: vertical: (organisations, seats per organisation, serviceable share, obtainable share,
#:            market revenue 2022, market revenue 2025, shares of the three largest vendors in %)
_ENTRY_MARKETS = {
    "home care": (28_000, 45, 0.55, 0.050, 31_000_000, 40_300_000, (38.0, 22.0, 10.0)),
    "manufacturing": (40_000, 80, 0.35, 0.030, 88_000_000, 99_000_000, (16.0, 12.0, 9.0)),
    "education": (18_000, 60, 0.50, 0.035, 18_500_000, 28_600_000, (18.0, 14.0, 9.0)),
    "security services": (9_000, 120, 0.50, 0.050, 15_000_000, 22_000_000, (22.0, 20.0, 15.0)),
}


def entry_markets() -> pd.DataFrame:
    rows = []
    for vertical, (orgs, seats, sam, som, rev22, rev25, shares) in _ENTRY_MARKETS.items():
        rows.append({"vertical": vertical, "organisations": orgs, "seats_per_organisation": seats,
                     "serviceable_share": sam, "obtainable_share": som,
                     "market_revenue_2022_eur": float(rev22), "market_revenue_2025_eur": float(rev25),
                     "vendor1_share_pct": shares[0], "vendor2_share_pct": shares[1], "vendor3_share_pct": shares[2]})
    return pd.DataFrame(rows)


# --- cloud_adoption ------------------------------------------------------------------------------------------
#: The Bass parameters the history is drawn from (per year, t = 0 at the start of 2015), and the noise.
_ADOPTION_BASS = {"p": 0.011, "q": 0.42, "m": 240_000}
_ADOPTION_FIRST_YEAR, _ADOPTION_LAST_YEAR = 2015, 2025
_ADOPTION_NOISE = 0.03


def _bass_F(t: float, p: float, q: float) -> float:
    e = math.exp(-(p + q) * t)
    return (1 - e) / (1 + (q / p) * e)


def cloud_adoption() -> pd.DataFrame:
    rng = np.random.default_rng(ADOPTION_SEED)
    p, q, m = _ADOPTION_BASS["p"], _ADOPTION_BASS["q"], _ADOPTION_BASS["m"]
    rows, cumulative = [], 0
    for i, year in enumerate(range(_ADOPTION_FIRST_YEAR, _ADOPTION_LAST_YEAR + 1)):
        expected = m * (_bass_F(i + 1, p, q) - _bass_F(i, p, q))
        new = int(round(expected * (1 + _ADOPTION_NOISE * rng.standard_normal()), -1))
        cumulative += new
        rows.append({"year": year, "new_adopters": new, "cumulative_adopters": cumulative})
    return pd.DataFrame(rows)


def build(market: pd.DataFrame, competitors: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every module-02 dataset, by name."""
    return {"portfolio_markets": portfolio_markets(market, competitors), "initiatives": initiatives(),
            "entry_markets": entry_markets(), "cloud_adoption": cloud_adoption()}
