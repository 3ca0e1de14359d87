"""Case data for module 06 (performance, risk, legal and IP): sales and marketing spend, a risk register and a
software bill of materials of Kestrel's product.

Registered in :mod:`spmcourse.casedata` (``DATASETS``, ``_SEEDS``, ``_DATE_COLUMNS``, ``build.build_all``), so that
``casedata.load("sales_marketing_spend")`` works like every other dataset and ``python -m spmcourse.casedata``
regenerates the files. ``sales_marketing_spend`` draws seeded random noise; the risk register and the bill of
materials are hand-written tables (no random numbers), like ``backlog``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["sales_marketing_spend", "risk_register", "sbom"]

# --- sales_marketing_spend -------------------------------------------------------------------------------------
#: Sales and marketing spend (EUR) per segment and calendar year, for winning the customers in ``customers``.
_SPEND_PER_YEAR = {
    "SMB": {2022: 140_000, 2023: 170_000, 2024: 205_000, 2025: 250_000},
    "Mid-Market": {2022: 420_000, 2023: 440_000, 2024: 590_000, 2025: 480_000},
    "Enterprise": {2022: 880_000, 2023: 900_000, 2024: 1_000_000, 2025: 1_080_000},
}
#: Share of a segment's spend that is marketing (campaigns, content, events); the rest is sales (people, tools,
#: commissions). Small customers are won by marketing and self-serve, large ones by account executives.
_MARKETING_SHARE = {"SMB": 0.75, "Mid-Market": 0.45, "Enterprise": 0.20}
#: Seasonal weight per calendar month (events in spring and autumn, quiet summer and December).
_SEASON = np.array([1.00, 1.05, 1.15, 1.10, 1.05, 0.95, 0.75, 0.70, 1.10, 1.15, 1.10, 0.90])
_SPEND_NOISE = 0.08  # relative standard deviation of a month's spend


def sales_marketing_spend(rng: np.random.Generator) -> pd.DataFrame:
    """One row per month (2022-01 .. 2025-12) and segment: marketing and sales spend in EUR.

    Each year's spend per segment is fixed (``_SPEND_PER_YEAR``) and spread over the months by the seasonal
    weights with a little noise, then rescaled so that the year adds up exactly to the fixed total.
    """
    rows = []
    for segment, years in _SPEND_PER_YEAR.items():
        for year, total in years.items():
            weights = _SEASON * (1 + _SPEND_NOISE * rng.standard_normal(12))
            monthly = np.round(total * weights / weights.sum(), 2)
            monthly[-1] = round(total - monthly[:-1].sum(), 2)  # the year adds up to the cent
            for month, amount in enumerate(monthly, start=1):
                marketing = round(amount * _MARKETING_SHARE[segment], 2)
                rows.append({"month": f"{year}-{month:02d}-01", "segment": segment,
                             "marketing_eur": marketing, "sales_eur": round(amount - marketing, 2)})
    frame = pd.DataFrame(rows).sort_values(["month", "segment"], kind="stable").reset_index(drop=True)
    return frame


# --- risk_register ----------------------------------------------------------------------------------------------
_RISK_COLUMNS = ("risk_id", "title", "category", "owner", "probability", "impact_eur", "mitigation",
                 "mitigation_cost_eur", "probability_after", "impact_after_eur")
#: Kestrel's product risk register for 2026, as the product manager keeps it. Probabilities are for the next
#: twelve months; impacts are the loss in EUR if the risk occurs. The *_after columns are the estimates once the
#: proposed mitigation is done.
_RISKS = [
    ("R01", "Lead scheduling-engine engineer leaves", "people", "Head of Engineering", 0.30, 250_000,
     "Pair programming and written design notes for the solver", 30_000, 0.30, 80_000),
    ("R02", "Cloud region outage over 4 hours triggers SLA credits", "operations", "Head of Operations", 0.15,
     400_000, "Active-active failover to a second region", 180_000, 0.05, 400_000),
    ("R03", "Breach of customers' employee data (GDPR)", "security", "CISO", 0.05, 3_000_000,
     "Penetration test, encryption of exports, SSO hardening", 120_000, 0.02, 3_000_000),
    ("R04", "AGPL component forces source disclosure of the on-premise edition", "legal", "Product Manager",
     0.60, 800_000, "Replace the PDF library before the on-premise release", 90_000, 0.05, 800_000),
    ("R05", "Shiftora undercuts Kestrel's SMB prices", "market", "Product Manager", 0.40, 600_000,
     "Annual SMB plans with a discount", 150_000, 0.40, 400_000),
    ("R06", "Insights add-on adoption far below the business case", "market", "Product Manager", 0.35,
     1_500_000, "Paid pilot with ten customers before the full build", 200_000, 0.25, 1_200_000),
    ("R07", "Payroll partner changes its API and breaks Payroll Connect", "partner", "Partner Manager", 0.50,
     120_000, "Contract clause on API notice and automated contract tests", 15_000, 0.15, 120_000),
    ("R08", "On-premise edition misses the Cyber Resilience Act reporting duties", "legal", "Product Manager",
     0.25, 800_000, "Vulnerability-handling process, SBOM tooling and a security contact", 60_000, 0.05,
     800_000),
    ("R09", "Timeclock customers leave instead of migrating at end of life", "market", "Product Manager", 0.40,
     300_000, "Migration offer with a first-year discount", 70_000, 0.20, 300_000),
    ("R10", "On-premise edition ships a quarter late", "delivery", "Head of Engineering", 0.50, 350_000,
     "Two contractors for the installer and upgrade tooling", 80_000, 0.30, 350_000),
    ("R11", "Trademark conflict over the Kestrel name in the US", "legal", "General Counsel", 0.10, 150_000,
     "Clearance search and US trademark registration", 10_000, 0.02, 150_000),
    ("R12", "Price increase in 2026 triggers an SMB churn wave", "market", "Product Manager", 0.20, 450_000,
     "Grandfather existing SMB customers for six months", 95_000, 0.10, 300_000),
]


def risk_register() -> pd.DataFrame:
    """The risk register: one row per risk, hand-written (no random numbers)."""
    frame = pd.DataFrame(_RISKS, columns=_RISK_COLUMNS)
    for column in ("impact_eur", "mitigation_cost_eur", "impact_after_eur"):
        frame[column] = frame[column].astype(float)
    return frame


# --- sbom ---------------------------------------------------------------------------------------------------------
_SBOM_COLUMNS = ("component", "version", "spdx_license_id", "linking", "editions", "modified", "purpose")
#: Third-party components of Kestrel Shifts (SaaS) and of the planned on-premise edition. Component names are
#: invented; the licences are real SPDX identifiers. ``linking``: how the component is combined with Kestrel's
#: code; ``editions``: which product ships it (``both`` = SaaS and on-premise).
_SBOM = [
    ("lumen-ui", "18.3.1", "MIT", "static", "both", False, "web user-interface framework (bundled)"),
    ("datewise", "3.6.0", "MIT", "static", "both", False, "dates, time zones and shift arithmetic"),
    ("jsonfast", "2.1.4", "Apache-2.0", "static", "both", False, "JSON parsing"),
    ("tinyorm", "4.2.0", "BSD-3-Clause", "dynamic", "both", False, "database access layer"),
    ("cryptlib", "3.0.13", "Apache-2.0", "dynamic", "both", False, "TLS and encryption"),
    ("zpack", "1.3.1", "Zlib", "static", "both", False, "compression of exports"),
    ("hashkit", "1.0.2", "ISC", "static", "both", False, "short ids in URLs"),
    ("mailkit", "3.2.0", "BSD-3-Clause", "dynamic", "both", False, "e-mail notifications"),
    ("pgserver", "16.4", "PostgreSQL", "separate process", "on-premise", False,
     "database server bundled with the on-premise installer"),
    ("mathcore", "1.85.0", "BSL-1.0", "static", "on-premise", False, "numeric routines for the offline solver"),
    ("widgetkit", "6.7.2", "LGPL-3.0-only", "dynamic", "on-premise", False, "desktop admin console toolkit"),
    ("icalparse", "2.0.5", "LGPL-2.1-or-later", "static", "both", False, "calendar (iCal) import"),
    ("localise", "0.22.1", "LGPL-2.1-only", "dynamic", "both", False, "translations and plural rules"),
    ("chartgen", "1.9.0", "MPL-2.0", "static", "both", True, "charts in reports (two files patched)"),
    ("pdfforge", "5.4.0", "AGPL-3.0-only", "dynamic", "both", True, "PDF rota export (patched fonts)"),
    ("tcdriver", "2.6.1", "GPL-2.0-only", "dynamic", "on-premise", False, "driver for Timeclock hardware terminals"),
    ("routesolver", "2.3.0", "GPL-3.0-or-later", "separate process", "on-premise", False,
     "route optimiser, called as a command-line program"),
    ("rulesengine", "7.7.1", "EPL-2.0", "dynamic", "saas", False, "billing rules in the hosted service"),
    ("searchd", "8.11.0", "AGPL-3.0-or-later", "separate process", "saas", False,
     "search server in the hosted service (unmodified)"),
    ("barcodelib", "0.9.4", "GPL-2.0-only", "static", "saas", False, "badge barcodes in the hosted service"),
    ("logship", "2.4.0", "Apache-2.0", "separate process", "saas", False, "log shipping in the hosted service"),
    ("buildgen", "4.1.0", "GPL-3.0-or-later", "build tool", "both", False, "code generator used at build time"),
    ("testrunner", "8.3.2", "MIT", "build tool", "both", False, "test framework"),
]


def sbom() -> pd.DataFrame:
    """The software bill of materials: one row per third-party component, hand-written (no random numbers)."""
    return pd.DataFrame(_SBOM, columns=_SBOM_COLUMNS)
