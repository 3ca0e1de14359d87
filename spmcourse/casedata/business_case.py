"""The business case of the Kestrel Insights add-on (``financial_plan``): hand-authored, no random numbers."""
from __future__ import annotations

import pandas as pd

#: Year 0 is 2026 (build), years 1-5 are 2027-2031 (sales). Paying customers and average paying seats per year.
FIRST_YEAR, YEARS = 2026, 6
CUSTOMERS = [0, 35, 80, 125, 165, 195]
SEATS = [0, 5_600, 13_200, 21_300, 28_900, 35_100]
#: EUR per seat per month: 8, raised to 9 in year 3.
PRICE = [8.0, 8.0, 8.0, 9.0, 9.0, 9.0]
#: Costs per year in EUR.
ONE_OFF_DEVELOPMENT = [1_450_000, 150_000, 0, 0, 0, 0]
RECURRING_DEVELOPMENT = [0, 320_000, 360_000, 380_000, 400_000, 420_000]
OPERATIONS = [40_000, 110_000, 190_000, 280_000, 350_000, 410_000]
GO_TO_MARKET = [120_000, 450_000, 420_000, 400_000, 380_000, 360_000]

def financial_plan() -> pd.DataFrame:
    """Business case for the full Kestrel Insights add-on: build in 2026, sell from 2027.

    Assumptions: adoption grows to about 195 paying customers by year 5 with ~180 seats each; price 8 EUR per
    seat per month, raised to 9 EUR in year 3. Revenue uses the average number of paying seats in the year.
    """
    frame = pd.DataFrame({
        "year": range(YEARS), "calendar_year": range(FIRST_YEAR, FIRST_YEAR + YEARS), "customers": CUSTOMERS,
        "seats": SEATS, "price_per_seat_month": PRICE,
    })
    frame["revenue"] = frame["seats"] * frame["price_per_seat_month"] * 12
    frame["one_off_development"] = ONE_OFF_DEVELOPMENT
    frame["recurring_development"] = RECURRING_DEVELOPMENT
    frame["operations"] = OPERATIONS
    frame["go_to_market"] = GO_TO_MARKET
    costs = ["one_off_development", "recurring_development", "operations", "go_to_market"]
    frame[costs] = frame[costs].astype(float)
    frame["total_cost"] = frame[costs].sum(axis=1)
    frame["net_cash_flow"] = frame["revenue"] - frame["total_cost"]
    money = ["price_per_seat_month", "revenue", *costs, "total_cost", "net_cash_flow"]
    frame[money] = frame[money].round(2)
    return frame
