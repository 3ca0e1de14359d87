"""The market around Kestrel Software: ``market`` (potential customers and spend per segment and region),
``competitors`` (market shares and list prices) and ``product_lines`` (revenue and units per line and year)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from spmcourse.casedata import REGIONS, SEGMENTS
from spmcourse.casedata._common import seeded_rng
from spmcourse.casedata.customer_base import list_price

# Organisations in Kestrel's four industries per segment and region in 2025, and their average yearly spend
# on scheduling software (averaged over all organisations, so it grows as more of them adopt software).
MARKET_2025 = {
    ("SMB", "EU"): (150_000, 290), ("SMB", "UK"): (46_000, 310), ("SMB", "NA"): (185_000, 330),
    ("Mid-Market", "EU"): (14_000, 4_800), ("Mid-Market", "UK"): (4_300, 5_000), ("Mid-Market", "NA"): (17_500, 5_600),
    ("Enterprise", "EU"): (1_400, 44_000), ("Enterprise", "UK"): (520, 46_000), ("Enterprise", "NA"): (2_300, 52_000),
}
#: Yearly growth of (the number of organisations, their average spend), by segment.
MARKET_GROWTH = {"SMB": (0.015, 0.14), "Mid-Market": (0.012, 0.10), "Enterprise": (0.008, 0.07)}
#: The years covered; earlier years are the 2025 figures discounted by the growth, with noise (relative sigma).
FIRST_YEAR, LAST_YEAR = 2021, 2025
COUNT_NOISE, SPEND_NOISE, SHARE_NOISE = 0.01, 0.02, 0.01
#: Counts above this are rounded to tens.
ROUND_TO_TENS_ABOVE = 10_000


def market() -> pd.DataFrame:
    rng = seeded_rng("market")
    rows = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        back = LAST_YEAR - year
        for segment in SEGMENTS:
            count_growth, spend_growth = MARKET_GROWTH[segment]
            for region in REGIONS:
                count, spend = MARKET_2025[(segment, region)]
                noise = 1 + COUNT_NOISE * rng.standard_normal() if back else 1.0
                digits = -1 if count > ROUND_TO_TENS_ABOVE else 0
                potential = int(round(count / (1 + count_growth) ** back * noise, digits))
                avg_spend = round(spend / (1 + spend_growth) ** back * (1 + SPEND_NOISE * rng.standard_normal()), 2)
                rows.append({"year": year, "segment": segment, "region": region, "potential_customers": potential,
                             "avg_annual_spend_eur": avg_spend,
                             "market_revenue_eur": round(potential * avg_spend, 2)})
    return pd.DataFrame(rows)


# Competitor shares of the market revenue per year (2021..2025); Kestrel's follows from its revenue and
# 'Others' takes the rest. All competitor names are invented.
COMPETITORS = {
    "Shiftora": ("SaaS", [0.140, 0.158, 0.176, 0.191, 0.206], [10.0, 10.0, 10.5, 11.0, 11.0]),
    "Timberline WFM": ("on-premise", [0.240, 0.216, 0.191, 0.166, 0.141], [7.5, 7.5, 7.5, 7.5, 7.5]),
    "Rotaflow": ("SaaS", [0.090, 0.101, 0.109, 0.116, 0.121], [7.0, 7.0, 7.5, 8.0, 8.0]),
    "Planwerk": ("hybrid", [0.081, 0.080, 0.078, 0.075, 0.072], [9.0, 9.0, 9.0, 9.5, 9.5]),
    "CrewClock": ("SaaS", [0.030, 0.046, 0.061, 0.075, 0.089], [4.0, 4.0, 4.5, 4.5, 5.0]),
}


def competitors(market: pd.DataFrame, product_lines: pd.DataFrame) -> pd.DataFrame:
    rng = seeded_rng("competitors")
    totals = market.groupby("year")["market_revenue_eur"].sum()
    scheduling = product_lines[product_lines["product_line"].isin(["Kestrel Shifts", "Kestrel Timeclock"])]
    kestrel_revenue = scheduling.groupby("year")["revenue_eur"].sum()
    rows = []
    for i, year in enumerate(range(FIRST_YEAR, LAST_YEAR + 1)):
        shares = {}
        for name, (deployment, share, price) in COMPETITORS.items():
            shares[name] = round(share[i] * (1 + SHARE_NOISE * rng.standard_normal()), 4)
        shares["Kestrel Software"] = round(kestrel_revenue[year] / totals[year], 4)
        shares["Others"] = round(1.0 - sum(shares.values()), 4)
        for name, share in shares.items():
            if name in COMPETITORS:
                deployment, price = COMPETITORS[name][0], COMPETITORS[name][2][i]
            elif name == "Kestrel Software":  # Growth plan list price at year end
                deployment, price = "SaaS", list_price("Growth", pd.Timestamp(f"{year}-12-01"))
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
SHIFTS_LEGACY = {  # year: (revenue of pre-2022 customers, their number at year end)
    2016: (300_000, 12), 2017: (1_200_000, 45), 2018: (2_900_000, 110), 2019: (5_400_000, 210),
    2020: (8_600_000, 330), 2021: (11_800_000, 450), 2022: (13_650_000, 431), 2023: (14_510_000, 407),
    2024: (14_450_000, 362), 2025: (13_440_000, 331),
}
OTHER_LINES = {
    "Kestrel Timeclock": ("licences", {2016: (420_000, 60), 2017: (1_590_000, 210), 2018: (2_080_000, 268),
                                       2019: (2_190_000, 284), 2020: (1_930_000, 262), 2021: (1_610_000, 226),
                                       2022: (1_310_000, 191), 2023: (1_050_000, 155), 2024: (810_000, 121),
                                       2025: (600_000, 92)}),
    "Payroll Connect": ("customers", {2021: (80_000, 38), 2022: (320_000, 146), 2023: (700_000, 297),
                                      2024: (1_190_000, 478), 2025: (1_740_000, 655)}),
    "Kestrel Insights": ("customers", {2024: (30_000, 12), 2025: (110_000, 35)}),
}


def product_lines(base) -> pd.DataFrame:
    subs = base["subscriptions"]
    year = subs["month"].dt.year
    simulated_revenue = subs.groupby(year)["mrr"].sum()
    simulated_customers = subs[subs["month"].dt.month == 12].groupby(year[subs["month"].dt.month == 12]).size()
    rows = []
    for y, (revenue, units) in SHIFTS_LEGACY.items():
        rows.append({"product_line": "Kestrel Shifts", "year": y,
                     "revenue_eur": revenue + float(simulated_revenue.get(y, 0.0)),
                     "units": units + int(simulated_customers.get(y, 0)), "unit": "customers"})
    for line, (unit, values) in OTHER_LINES.items():
        for y, (revenue, units) in values.items():
            rows.append({"product_line": line, "year": y, "revenue_eur": float(revenue), "units": units,
                         "unit": unit})
    frame = pd.DataFrame(rows)
    frame["revenue_eur"] = frame["revenue_eur"].round(2)
    return frame
