"""Open-source licence classes and their obligations, as rules (module 06).

**Not legal advice.** This is a teaching simplification of how open-source compliance teams triage a software
bill of materials. Real obligations depend on the exact licence text and version, on how a component is combined
with your code, on exceptions (such as the GCC runtime or classpath exceptions) and on the law of the country;
a lawyer decides the hard cases.

The course sorts licences, by their SPDX identifier (https://spdx.org/licenses/), into four classes:

- ``permissive``: use, modify and redistribute, also inside closed-source products, provided the copyright notice
  and licence text travel with the copies you distribute (MIT, BSD, Apache-2.0, ...);
- ``weak copyleft``: changes to the *component itself* must be shared under the same licence when you distribute
  it, but your own code that merely uses it may stay closed (LGPL, MPL-2.0, EPL-2.0, ...);
- ``strong copyleft``: when you distribute the component *combined* into your program (linked statically or
  dynamically), the whole combined work must be offered under the same licence, with its source (GPL);
- ``network copyleft``: as strong copyleft, and in addition users who interact with a *modified* version over a
  network must be offered its source (AGPL-3.0, section 13).

The trigger for copyleft obligations is **distribution** (conveying copies). Running software as a service
does not distribute it, so GPL and LGPL obligations are not triggered by SaaS alone; AGPL closes that gap for
modified versions. An on-premise edition is distributed to every customer, so every copyleft licence applies.

Examples
--------
>>> licence_class("MIT"), licence_class("LGPL-2.1-only"), licence_class("AGPL-3.0-or-later")
('permissive', 'weak copyleft', 'network copyleft')
>>> obligations("GPL-3.0-only", linking="dynamic", distribution="on-premise")["source_scope"]
'whole program'
>>> obligations("GPL-3.0-only", linking="dynamic", distribution="saas")["source_scope"]
'none'
"""
from __future__ import annotations

import pandas as pd

__all__ = ["LICENCE_CLASSES", "CLASSES", "LINKING", "DISTRIBUTIONS", "licence_class", "is_distributed",
           "obligations", "sbom_obligations"]

#: The four classes, from least to most demanding.
CLASSES: tuple[str, ...] = ("permissive", "weak copyleft", "strong copyleft", "network copyleft")

#: SPDX licence identifier -> course class. Only licences that occur in the course's data and in common
#: practice are listed; an unknown identifier raises, because guessing a licence class is how compliance fails.
LICENCE_CLASSES: dict[str, str] = {
    # permissive
    "MIT": "permissive",
    "Apache-2.0": "permissive",
    "BSD-2-Clause": "permissive",
    "BSD-3-Clause": "permissive",
    "ISC": "permissive",
    "Zlib": "permissive",
    "PostgreSQL": "permissive",
    "BSL-1.0": "permissive",
    "0BSD": "permissive",
    # weak copyleft (file- or library-level)
    "LGPL-2.1-only": "weak copyleft",
    "LGPL-2.1-or-later": "weak copyleft",
    "LGPL-3.0-only": "weak copyleft",
    "LGPL-3.0-or-later": "weak copyleft",
    "MPL-2.0": "weak copyleft",
    "EPL-2.0": "weak copyleft",
    # strong copyleft
    "GPL-2.0-only": "strong copyleft",
    "GPL-2.0-or-later": "strong copyleft",
    "GPL-3.0-only": "strong copyleft",
    "GPL-3.0-or-later": "strong copyleft",
    # network copyleft
    "AGPL-3.0-only": "network copyleft",
    "AGPL-3.0-or-later": "network copyleft",
}

#: How a component is combined with Kestrel's own code.
LINKING: tuple[str, ...] = ("static", "dynamic", "separate process", "build tool")

#: How the product that contains the component reaches customers.
DISTRIBUTIONS: tuple[str, ...] = ("saas", "on-premise")


def licence_class(spdx_id: str) -> str:
    """The course class of an SPDX licence identifier; ``ValueError`` for an identifier not in the table.

    >>> licence_class("Apache-2.0")
    'permissive'
    """
    try:
        return LICENCE_CLASSES[spdx_id]
    except KeyError:
        raise ValueError(f"{spdx_id!r} is not in the course's licence table. Look it up on spdx.org/licenses "
                         "and ask the compliance owner; do not guess a licence class.") from None


def is_distributed(linking: str, distribution: str) -> bool:
    """Whether copies of the component reach customers: only in an on-premise product, and not for build tools.

    >>> is_distributed("dynamic", "saas"), is_distributed("dynamic", "on-premise"), is_distributed("build tool", "on-premise")
    (False, True, False)
    """
    if linking not in LINKING:
        raise ValueError(f"linking must be one of {LINKING}, not {linking!r}")
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {DISTRIBUTIONS}, not {distribution!r}")
    return distribution == "on-premise" and linking != "build tool"


def obligations(spdx_id: str, *, linking: str, distribution: str, modified: bool = False) -> dict:
    """The course's obligation rules for one component in one product.

    Returns a dict with

    - ``cls``: the licence class;
    - ``attribution``: the copyright notices and licence text must ship with the product;
    - ``source_scope``: whose source code must be offered: ``"none"``, ``"component"`` (the component and
      changes to it) or ``"whole program"`` (the combined work, Kestrel's own code included);
    - ``relink``: for LGPL linked statically, recipients must be able to relink with a changed library
      (ship object files or link dynamically instead);
    - ``blocks_closed_source``: the product cannot ship as closed source with this component as it is combined.

    The rules (a simplification; not legal advice):

    1. Nothing is triggered unless copies are distributed (:func:`is_distributed`), except that a **modified**
       network-copyleft component used in a SaaS product must have its source offered to its network users.
    2. Distributed permissive: attribution only.
    3. Distributed weak copyleft: attribution and the component's source (with any changes); LGPL linked
       statically also needs relinking.
    4. Distributed strong or network copyleft: linked (static or dynamic) into the program, the whole program's
       source under the same licence, which blocks a closed-source product; run as a separate process that
       communicates at arm's length, the component's source only.

    >>> obligations("AGPL-3.0-only", linking="separate process", distribution="saas", modified=True)["source_scope"]
    'component'
    """
    cls = licence_class(spdx_id)
    result = {"cls": cls, "attribution": False, "source_scope": "none", "relink": False,
              "blocks_closed_source": False}
    if not is_distributed(linking, distribution):
        if cls == "network copyleft" and modified and linking != "build tool":
            result["source_scope"] = "component"
        return result
    result["attribution"] = True
    if cls == "weak copyleft":
        result["source_scope"] = "component"
        result["relink"] = spdx_id.startswith("LGPL") and linking == "static"
    elif cls in ("strong copyleft", "network copyleft"):
        if linking in ("static", "dynamic"):
            result["source_scope"] = "whole program"
            result["blocks_closed_source"] = True
        else:
            result["source_scope"] = "component"
    return result


def sbom_obligations(sbom: pd.DataFrame, distribution: str) -> pd.DataFrame:
    """Apply :func:`obligations` to every component of a bill of materials shipped in ``distribution``.

    ``sbom`` needs the columns ``component``, ``spdx_license_id``, ``linking``, ``modified`` and ``editions``
    (``"saas"``, ``"on-premise"`` or ``"both"``). Components not in that edition are left out. Returns one row per
    component with the columns of :func:`obligations`.
    """
    editions = {"saas": ("saas", "both"), "on-premise": ("on-premise", "both")}[distribution]
    rows = []
    for row in sbom[sbom["editions"].isin(editions)].itertuples(index=False):
        rows.append({"component": row.component, "spdx_license_id": row.spdx_license_id, "linking": row.linking,
                     **obligations(row.spdx_license_id, linking=row.linking, distribution=distribution,
                                   modified=bool(row.modified))})
    return pd.DataFrame(rows)
