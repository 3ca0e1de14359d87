"""The product backlog of Kestrel Software (``backlog``): hand-authored, no random numbers."""
from __future__ import annotations

import numpy as np
import pandas as pd

BACKLOG_COLUMNS = ["item_id", "title", "theme", "product_line", "business_value", "time_criticality",
                    "risk_reduction", "job_size", "effort_weeks", "value_eur", "reach", "impact", "confidence",
                    "risk", "depends_on", "requested_by", "moscow"]

# Written by hand so that the prioritisation exercises have deliberate trade-offs:
# - K05 (AI forecasting, the highest value) needs the low-value enablers K04 and K12 first;
# - WSJF ties: K11 = K15 = K29 = 2.0, K08 = K19 = 2.6, K25 = K26 = 3.0;
# - K21 (dark mode) is the most requested item yet worth little; K23 has the highest WSJF because it is tiny;
# - dependency chains of depth three: K04 -> K06 -> K24 and K01 -> K28 -> K29.
BACKLOG = [
    ("K01", "Single sign-on (SAML and OpenID Connect)", "Platform", "Kestrel Shifts",
     8, 8, 5, 5, 6, 180000, 40, 2, 1.0, "low", "", 34, "Must"),
    ("K02", "Automatic user provisioning (SCIM)", "Platform", "Kestrel Shifts",
     5, 3, 3, 5, 5, 70000, 25, 1, 0.8, "low", "K01", 12, "Should"),
    ("K03", "Audit log export", "Compliance", "Kestrel Shifts",
     3, 5, 8, 3, 3, 40000, 30, 0.5, 1.0, "low", "", 9, "Should"),
    ("K04", "Event data pipeline to the analytics warehouse", "Platform", "Kestrel Insights",
     2, 3, 5, 8, 10, 15000, 5, 0.25, 1.0, "medium", "", 0, "Must"),
    ("K05", "AI demand forecasting for staffing levels", "Analytics", "Kestrel Insights",
     20, 8, 2, 13, 16, 650000, 120, 3, 0.5, "high", "K04;K12", 41, "Should"),
    ("K06", "Labour cost dashboard", "Analytics", "Kestrel Insights",
     8, 5, 1, 5, 6, 210000, 90, 2, 0.8, "low", "K04", 27, "Should"),
    ("K07", "Rewrite of the native mobile apps", "Mobile", "Kestrel Shifts",
     13, 5, 5, 20, 26, 400000, 300, 1, 0.8, "high", "", 55, "Could"),
    ("K08", "Offline mobile check-in", "Mobile", "Kestrel Shifts",
     8, 3, 2, 5, 5, 120000, 140, 1, 0.8, "medium", "", 22, "Should"),
    ("K09", "Push notifications for open shifts", "Mobile", "Kestrel Shifts",
     5, 2, 1, 2, 2, 60000, 250, 0.5, 1.0, "low", "", 18, "Should"),
    ("K10", "Shift swap marketplace", "Mobile", "Kestrel Shifts",
     8, 3, 1, 8, 9, 150000, 180, 1, 0.5, "medium", "K09", 30, "Could"),
    ("K11", "DATEV payroll connector (Germany)", "Integrations", "Payroll Connect",
     8, 5, 3, 8, 8, 160000, 45, 2, 0.8, "medium", "K13", 16, "Should"),
    ("K12", "Historical data import API", "Platform", "Kestrel Shifts",
     3, 2, 3, 3, 3, 20000, 20, 0.5, 1.0, "low", "", 6, "Could"),
    ("K13", "Refactor the payroll mapping engine", "Integrations", "Payroll Connect",
     2, 2, 8, 5, 6, 10000, 10, 0.25, 1.0, "medium", "", 0, "Should"),
    ("K14", "ADP and Gusto payroll connectors (North America)", "Integrations", "Payroll Connect",
     13, 8, 2, 8, 9, 300000, 60, 2, 0.8, "medium", "K13", 24, "Must"),
    ("K15", "Sage payroll connector (UK)", "Integrations", "Payroll Connect",
     5, 3, 2, 5, 5, 90000, 30, 1, 1.0, "low", "K13", 11, "Could"),
    ("K16", "EU Working Time Directive rule checks", "Compliance", "Kestrel Shifts",
     5, 13, 8, 5, 6, 80000, 200, 1, 1.0, "low", "", 19, "Must"),
    ("K17", "US predictive scheduling (fair workweek) rules", "Compliance", "Kestrel Shifts",
     8, 13, 5, 8, 8, 140000, 35, 2, 0.8, "medium", "K16", 8, "Must"),
    ("K18", "Auto-scheduling v2 with a constraint solver", "Core scheduling", "Kestrel Shifts",
     13, 5, 3, 13, 14, 380000, 220, 2, 0.5, "high", "", 38, "Should"),
    ("K19", "Skills and certification matching", "Core scheduling", "Kestrel Shifts",
     8, 3, 2, 5, 6, 130000, 110, 1, 0.8, "low", "", 21, "Should"),
    ("K20", "Auto-fill open shifts by skill", "Core scheduling", "Kestrel Shifts",
     13, 3, 1, 8, 8, 260000, 150, 2, 0.5, "medium", "K18;K19", 26, "Could"),
    ("K21", "Dark mode", "Mobile", "Kestrel Shifts",
     1, 1, 1, 3, 3, 5000, 400, 0.25, 1.0, "low", "", 62, "Won't"),
    ("K22", "Timeclock-to-Shifts migration tool", "Platform", "Kestrel Timeclock",
     5, 8, 5, 5, 5, 110000, 25, 2, 0.8, "low", "", 7, "Must"),
    ("K23", "Timeclock end-of-life notices in the product", "Platform", "Kestrel Timeclock",
     1, 8, 3, 1, 1, 5000, 90, 0.25, 1.0, "low", "K22", 0, "Must"),
    ("K24", "Industry benchmark reports", "Analytics", "Kestrel Insights",
     5, 2, 1, 5, 5, 90000, 70, 1, 0.5, "medium", "K06", 9, "Could"),
    ("K25", "Clinic rota templates", "Core scheduling", "Kestrel Shifts",
     3, 2, 1, 2, 2, 35000, 80, 0.5, 1.0, "low", "", 14, "Could"),
    ("K26", "Multi-location budget view", "Analytics", "Kestrel Shifts",
     5, 3, 1, 3, 3, 70000, 50, 1, 0.8, "low", "", 13, "Should"),
    ("K27", "EU data residency (hosting region choice)", "Compliance", "Kestrel Shifts",
     8, 8, 13, 13, 15, 220000, 25, 3, 0.8, "high", "", 10, "Should"),
    ("K28", "Public REST API v2", "Integrations", "Kestrel Shifts",
     5, 3, 5, 8, 10, 100000, 40, 1, 0.8, "medium", "K01", 17, "Should"),
    ("K29", "Microsoft Teams integration", "Integrations", "Kestrel Shifts",
     3, 2, 1, 3, 3, 45000, 70, 0.5, 0.8, "low", "K28", 15, "Could"),
    ("K30", "Two-factor authentication in the mobile app", "Mobile", "Kestrel Shifts",
     3, 5, 8, 2, 2, 25000, 300, 0.5, 1.0, "low", "", 5, "Must"),
]


def backlog() -> pd.DataFrame:
    frame = pd.DataFrame(BACKLOG, columns=BACKLOG_COLUMNS)
    frame["value_eur"] = frame["value_eur"].astype(float).round(2)
    frame["impact"] = frame["impact"].astype(float).round(4)
    frame["confidence"] = frame["confidence"].astype(float).round(4)
    frame["depends_on"] = frame["depends_on"].replace("", np.nan)
    return frame
