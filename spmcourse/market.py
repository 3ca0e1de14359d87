"""Market analysis helpers (module 02): market size, growth and concentration.

- **TAM / SAM / SOM** bottom-up: customers x revenue per customer, narrowed by the serviceable and the
  obtainable share (Blank & Dorf 2012); top-down starts from a published market total instead;
- **CAGR** = (end / start)^(1/years) - 1, with ``years`` the number of yearly steps (2021 to 2025 is 4);
- **HHI** = the sum of squared market shares in percent (0-10,000), and the US merger-guideline readings:
  the **2023 Merger Guidelines** (highly concentrated above 1,800; a merger raising the HHI by more than 100
  there, or creating a firm with more than 30 % share while raising it by more than 100, is presumed to lessen
  competition) and the **2010 Horizontal Merger Guidelines** (below 1,500 unconcentrated, 1,500-2,500
  moderately, above 2,500 highly concentrated).

Examples
--------
>>> sizes = tam_sam_som(1_000, 1_200.0, serviceable_share=0.5, obtainable_share=0.1)
>>> sizes
{'tam': 1200000.0, 'sam': 600000.0, 'som': 60000.0}
>>> round(cagr(100.0, 146.41, 4), 4)
0.1
>>> hhi([50, 30, 20])
3800.0
>>> hhi_band(1_200, guidelines=2010), hhi_band(2_000, guidelines=2023)
('unconcentrated', 'highly concentrated')
>>> merger_presumption([30, 25, 10, 5], 0, 1)
'presumed (HHI test)'
"""
from __future__ import annotations

import numpy as np


def tam_sam_som(customers: float, revenue_per_customer: float, *, serviceable_share: float,
                obtainable_share: float) -> dict:
    """Bottom-up market sizes in currency per year: TAM = customers x revenue per customer,
    SAM = TAM x serviceable share, SOM = SAM x obtainable share."""
    tam = float(customers * revenue_per_customer)
    sam = tam * serviceable_share
    return {"tam": tam, "sam": sam, "som": sam * obtainable_share}


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate over ``years`` yearly steps (2021 -> 2025 is 4 steps)."""
    return (end / start) ** (1 / years) - 1


def hhi(shares_percent) -> float:
    """Herfindahl-Hirschman index: the sum of the squared shares, shares in percent (so 0 to 10,000).

    Leave out a remainder such as "Others" that stands for many small firms: squared as one firm it would count
    as a large competitor.
    """
    s = np.asarray(list(shares_percent), dtype=float)
    return float((s ** 2).sum())


def hhi_delta(share_a: float, share_b: float) -> float:
    """The HHI increase when two firms merge: (a + b)^2 - a^2 - b^2 = 2ab (shares in percent)."""
    return 2.0 * share_a * share_b


def hhi_band(value: float, guidelines: int = 2023) -> str:
    """The concentration reading of an HHI under the 2023 or the 2010 US guidelines.

    2023 names one threshold: above 1,800 "highly concentrated", otherwise "not highly concentrated".
    2010: below 1,500 "unconcentrated", 1,500-2,500 "moderately concentrated", above 2,500 "highly
    concentrated".
    """
    if guidelines == 2023:
        return "highly concentrated" if value > 1_800 else "not highly concentrated"
    if guidelines == 2010:
        if value < 1_500:
            return "unconcentrated"
        return "moderately concentrated" if value <= 2_500 else "highly concentrated"
    raise ValueError("guidelines must be 2023 or 2010")


def merger_presumption(shares_percent, a: int, b: int, guidelines: int = 2023) -> str:
    """Does a merger of firms ``a`` and ``b`` (indices into the shares) trigger the structural presumption?

    2023 (Guideline 1): ``"presumed (HHI test)"`` if the post-merger HHI is above 1,800 and rises by more
    than 100; else ``"presumed (share test)"`` if the merged firm's share is above 30 % and the HHI rises by
    more than 100; else ``"not presumed"``. 2010: presumed if the post-merger HHI is above 2,500 and rises by
    more than 200.
    """
    s = [float(x) for x in shares_percent]
    delta = hhi_delta(s[a], s[b])
    post = hhi(s) + delta
    if guidelines == 2010:
        return "presumed (HHI test)" if post > 2_500 and delta > 200 else "not presumed"
    if post > 1_800 and delta > 100:
        return "presumed (HHI test)"
    if s[a] + s[b] > 30 and delta > 100:
        return "presumed (share test)"
    return "not presumed"
