"""The ISPMA software product management framework grids, as data.

Two versions are in use: the V1.3 grid (used with the Foundation Level syllabus V1.3) and the "reference
architecture" v2 (about 2020/21). Each grid has columns (areas) grouped into three bands: Participation
(strategic management, owned by executive management), Core (product strategy and planning, owned by the
product manager) and Orchestration (functions the product manager coordinates).

The course keys its coverage to v2 sub-area names; :data:`V13_ALIASES` maps each v2 name to its V1.3 name where
they differ.

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
    df = pd.DataFrame(rows)
    if version == "v2":
        df["v13_name"] = [v13_name(n) for n in df["sub_area"]]
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
