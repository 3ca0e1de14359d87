"""The ISPMA software product management framework grids, as data.

Two versions are in use: the V1.3 grid (used with the Foundation Level syllabus V1.3) and the "reference
architecture" v2 (about 2020/21). Each grid has columns (areas) grouped into three bands: Participation
(strategic management, owned by executive management), Core (product strategy and planning, owned by the
product manager) and Orchestration (functions the product manager coordinates).

The course keys its coverage to v2 sub-area names; :data:`V13_ALIASES` maps each v2 name to its V1.3 name where
they differ.

Lesson 01 reads the grid with :data:`BAND_ROLE` and :func:`spm_responsible` (what the product manager does in
each sub-area), and uses course data that is not part of the framework: Kestrel activities placed on the grid
(:data:`ACTIVITY_EXAMPLES`) and a RACI sketch across :data:`FUNCTIONS` (:data:`RESPONSIBILITIES`, :func:`raci`).

Examples
--------
>>> band_of("Pricing")
'Core'
>>> column_of("Release Planning")
'Product Planning'
>>> v13_name("Financial Management")
'Business Case and Costing'
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where a table is built: the `spm` command reads the grid without it
    import pandas as pd

BANDS = ("Participation", "Core", "Orchestration")

#: v2 grid: column -> (band, sub-areas in the order of the framework image)
GRID_V2: dict[str, tuple[str, tuple[str, ...]]] = {
    "Strategic Management": ("Participation", (
        "Corporate Strategy", "Portfolio Management", "Innovation Management", "Resource Management",
        "Compliance Management", "Market Analysis", "Product Analysis")),
    "Product Strategy": ("Core", (
        "Positioning and Product Definition", "Delivery Model and Service Strategy", "Ecosystem Management",
        "Sourcing", "Pricing", "Financial Management", "Legal and IPR Management",
        "Performance and Risk Management")),
    "Product Planning": ("Core", (
        "Customer Insight", "Product Life Cycle Management", "Roadmapping", "Release Planning",
        "Product Requirements Engineering")),
    "Development": ("Orchestration", (
        "Product Architecture Management", "Development Environment Management", "Development Execution",
        "User Experience Design", "Detailed Requirements Engineering", "Quality Management")),
    "Marketing": ("Orchestration", (
        "Marketing Planning", "Value Communication", "Product Launches", "Opportunity Management",
        "Channel Preparation", "Operational Marketing")),
    "Sales and Fulfillment": ("Orchestration", (
        "Sales Planning", "Customer Relationship Management", "Operational Sales", "Operational Fulfillment")),
    "Delivery Services and Support": ("Orchestration", (
        "Service Planning and Preparation", "Service Execution", "Technical Support", "Operations")),
}

#: V1.3 grid: column -> (band, sub-areas)
GRID_V13: dict[str, tuple[str, tuple[str, ...]]] = {
    "Strategic Management": ("Participation", (
        "Corporate Strategy", "Portfolio Management", "Innovation Management", "Resource Management",
        "Market Analysis", "Product Analysis")),
    "Product Strategy": ("Core", (
        "Positioning and Product Definition", "Delivery Model and Service Strategy", "Sourcing",
        "Business Case and Costing", "Pricing", "Ecosystem Management", "Legal and IPR Management",
        "Performance and Risk Management")),
    "Product Planning": ("Core", (
        "Product Life-Cycle Management", "Roadmapping", "Release Planning", "Product Requirements Engineering")),
    "Development": ("Orchestration", (
        "Engineering Management", "Project Management", "Project Requirements Engineering",
        "User Experience Design", "Quality Management")),
    "Marketing": ("Orchestration", (
        "Marketing Planning", "Customer Analysis", "Opportunity Management", "Marketing Mix Optimization",
        "Product Launches", "Operational Marketing")),
    "Sales & Distribution": ("Orchestration", (
        "Sales Planning", "Channel Preparation", "Customer Relationship Management", "Operational Sales",
        "Operational Distribution")),
    "Service & Support": ("Orchestration", (
        "Service Planning and Preparation", "Service Provisioning", "Technical Support", "Marketing Support",
        "Sales Support")),
}

#: v2 sub-area -> V1.3 name, where the V1.3 grid has a counterpart under another name. v2 sub-areas missing
#: here either keep their name in V1.3 or are new in v2 (see :data:`NEW_IN_V2`).
V13_ALIASES: dict[str, str] = {
    "Financial Management": "Business Case and Costing",
    "Product Life Cycle Management": "Product Life-Cycle Management",
    "Product Architecture Management": "Engineering Management",
    "Development Execution": "Project Management",
    "Detailed Requirements Engineering": "Project Requirements Engineering",
    "Value Communication": "Marketing Mix Optimization",
    "Operational Fulfillment": "Operational Distribution",
    "Service Execution": "Service Provisioning",
}

#: v2 sub-areas with no V1.3 counterpart.
NEW_IN_V2 = ("Compliance Management", "Customer Insight", "Development Environment Management", "Operations")

#: The SPM itself owns these even though they sit in the Participation band (dark blue in the v2 image).
SPM_OWNED_IN_PARTICIPATION = ("Market Analysis", "Product Analysis")


def sub_areas(version: str = "v2") -> pd.DataFrame:
    """One row per sub-area: ``column``, ``band``, ``sub_area`` (and ``v13_name`` for v2)."""
    grid = GRID_V2 if version == "v2" else GRID_V13
    rows = [
        {"column": column, "band": band, "sub_area": name}
        for column, (band, names) in grid.items()
        for name in names
    ]
    import pandas as pd

    df = pd.DataFrame(rows)
    if version == "v2":
        # object dtype keeps None for the sub-areas new in v2 (a str column would turn it into NaN, printed "nan")
        df["v13_name"] = pd.Series([v13_name(n) for n in df["sub_area"]], index=df.index, dtype=object)
    return df


def _lookup(name: str) -> tuple[str, str]:
    for column, (band, names) in GRID_V2.items():
        if name in names:
            return column, band
    raise KeyError(f"{name!r} is not a v2 sub-area; known: {', '.join(sub_areas()['sub_area'])}")


def column_of(name: str) -> str:
    """The framework column (area) a v2 sub-area belongs to."""
    return _lookup(name)[0]


def band_of(name: str) -> str:
    """The band (Participation, Core, Orchestration) of a v2 sub-area."""
    return _lookup(name)[1]


def v13_name(name: str) -> str | None:
    """The V1.3 name of a v2 sub-area, or ``None`` if the sub-area is new in v2."""
    _lookup(name)
    if name in NEW_IN_V2:
        return None
    return V13_ALIASES.get(name, name)


# --- Reading the grid: what the product manager does in each band ---------------------------------------------

#: What the product manager does with the sub-areas of each band, as one verb.
BAND_ROLE: dict[str, str] = {"Participation": "participates", "Core": "owns", "Orchestration": "orchestrates"}


def spm_responsible(name: str) -> bool:
    """Whether a sub-area (v2 or V1.3 name) is the software product manager's own responsibility.

    True for the Core band and for the two SPM-owned sub-areas of the Participation band: the dark blue cells of
    the v2 image and the shaded cells of the V1.3 image.

    >>> spm_responsible("Roadmapping"), spm_responsible("Market Analysis"), spm_responsible("Corporate Strategy")
    (True, True, False)
    >>> spm_responsible("Business Case and Costing")
    True
    """
    for grid in (GRID_V2, GRID_V13):
        for band, names in grid.values():
            if name in names:
                return band == "Core" or name in SPM_OWNED_IN_PARTICIPATION
    raise KeyError(f"{name!r} is not a sub-area of the v2 or the V1.3 grid")


# --- Kestrel examples (course data, not part of the ISPMA framework) -------------------------------------------

#: Things people at Kestrel Software do in a typical quarter, each with the v2 sub-area it belongs to. The lesson
#: uses them to show how the grid sorts real work; the assignment asks about other activities.
ACTIVITY_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("Agree the three-year growth targets with the board", "Corporate Strategy"),
    ("Decide whether Timeclock still gets investment next year", "Portfolio Management"),
    ("Count how many mid-size retail chains in the DACH region schedule shifts in spreadsheets",
     "Market Analysis"),
    ("Read the weekly usage of the shift-swap feature by plan", "Product Analysis"),
    ("Write the positioning statement for Shifts in logistics", "Positioning and Product Definition"),
    ("Set the per-seat prices of the Starter, Growth and Scale plans", "Pricing"),
    ("Build the business case for Kestrel Insights", "Financial Management"),
    ("Interview clinic managers about rota changes at short notice", "Customer Insight"),
    ("Update the four-quarter roadmap of Shifts", "Roadmapping"),
    ("Choose which backlog items go into the next release", "Release Planning"),
    ("Run the sprints that build the payroll export", "Development Execution"),
    ("Design the mobile screen for swapping a shift", "User Experience Design"),
    ("Brief the sales team on the new Scale plan before launch", "Product Launches"),
    ("Negotiate a 40-location deal with a pharmacy chain", "Operational Sales"),
    ("Answer a customer's ticket about a failed schedule export", "Technical Support"),
    ("Keep the Shifts service within its 99.9 % availability target", "Operations"),
)

#: The business functions around a software product, in the order tables list them.
FUNCTIONS = ("Executive management", "Product management", "Development", "Marketing", "Sales", "Support")

#: A RACI sketch for a B2B SaaS scale-up like Kestrel: activity -> (v2 sub-area, one letter per function in
#: :data:`FUNCTIONS` order). A = accountable (owns the outcome and usually does the work; exactly one per row),
#: R = responsible for part of the work, C = consulted, I = informed, "-" = not involved. A course example, not an
#: ISPMA prescription: the split differs between companies; the pattern (one A per row, the product manager
#: accountable for the Core rows and for market and product analysis, consulted or informed elsewhere) is what
#: the lesson teaches.
RESPONSIBILITIES: dict[str, tuple[str, str]] = {
    # activity: (v2 sub-area, "Executive PM Development Marketing Sales Support")
    "Set company goals and the budget per product": ("Corporate Strategy", "A C C C C I"),
    "Size and segment the target market": ("Market Analysis", "I A - R C -"),
    "Measure feature adoption and churn drivers": ("Product Analysis", "I A R I I C"),
    "Define positioning and target segments": ("Positioning and Product Definition", "C A I C C I"),
    "Set list prices and discount rules": ("Pricing", "C A I C C I"),
    "Maintain the product roadmap": ("Roadmapping", "C A C C C C"),
    "Decide the scope of the next release": ("Release Planning", "I A C I I C"),
    "Deliver the release with agreed quality": ("Development Execution", "I C A I I C"),
    "Plan and run the launch campaign": ("Product Launches", "I C I A C C"),
    "Close deals and forecast bookings": ("Operational Sales", "I C - I A -"),
    "Resolve customer incidents within the SLA": ("Technical Support", "- I R - I A"),
}


def raci() -> pd.DataFrame:
    """:data:`RESPONSIBILITIES` as a table: one row per activity, its v2 sub-area, one column per function.

    >>> raci().loc["Maintain the product roadmap", "Product management"]
    'A'
    """
    rows = [{"activity": activity, "sub_area": area, **dict(zip(FUNCTIONS, letters.split()))}
            for activity, (area, letters) in RESPONSIBILITIES.items()]
    import pandas as pd

    return pd.DataFrame(rows).set_index("activity")
