"""Positioning helpers (module 04): Moore's positioning template and distances on a perceptual map.

Examples
--------
>>> slots = {"target_customer": "Mid-Market chains", "need": "plan shifts across sites",
...          "product_name": "Kestrel Shifts", "category": "workforce-scheduling SaaS",
...          "key_benefit": "rotas in minutes", "main_competitor": "Shiftora",
...          "differentiator": "ready-made payroll integrations"}
>>> missing_slots(slots)
[]
>>> missing_slots({**slots, "differentiator": " "})
['differentiator']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["MOORE_SLOTS", "missing_slots", "positioning_statement", "perceptual_distances", "nearest"]

#: The slots of the positioning template in G. A. Moore, *Crossing the Chasm* (1991; 3rd ed. 2014), ch. 6.
MOORE_SLOTS = ("target_customer", "need", "product_name", "category", "key_benefit", "main_competitor",
               "differentiator")


def missing_slots(slots: dict) -> list[str]:
    """The slots of :data:`MOORE_SLOTS` that are absent or blank in ``slots``, in template order."""
    return [name for name in MOORE_SLOTS if not str(slots.get(name) or "").strip()]


def positioning_statement(slots: dict) -> str:
    """Fill Moore's template; raises ``ValueError`` naming any blank slot.

    >>> positioning_statement({"target_customer": "A", "need": "b", "product_name": "C", "category": "d",
    ...                        "key_benefit": "e", "main_competitor": "F", "differentiator": "g"})
    'For A who b, C is a d that e. Unlike F, our product g.'
    """
    missing = missing_slots(slots)
    if missing:
        raise ValueError(f"blank slots: {', '.join(missing)}")
    s = slots
    return (f"For {s['target_customer']} who {s['need']}, {s['product_name']} is a {s['category']} that "
            f"{s['key_benefit']}. Unlike {s['main_competitor']}, our product {s['differentiator']}.")


def perceptual_distances(ratings: pd.DataFrame, focal: str, attributes, *, index: str = "vendor",
                         standardise: bool = False) -> pd.Series:
    """Euclidean distance from ``focal`` to every other row on ``attributes``, nearest first.

    ``standardise=True`` first turns each attribute into z-scores (mean 0, population standard deviation 1),
    so that an attribute with a wide spread does not dominate.

    >>> r = pd.DataFrame({"vendor": ["K", "A", "B"], "x": [1.0, 4.0, 1.0], "y": [1.0, 5.0, 2.0]})
    >>> perceptual_distances(r, "K", ["x", "y"]).to_dict()
    {'B': 1.0, 'A': 5.0}
    """
    table = ratings.set_index(index)[list(attributes)].astype(float)
    if standardise:
        table = (table - table.mean()) / table.std(ddof=0)
    diff = table - table.loc[focal]
    distances = np.sqrt((diff ** 2).sum(axis=1)).drop(focal)
    return distances.sort_values(kind="stable").rename("distance")


def nearest(ratings: pd.DataFrame, focal: str, attributes, **kwargs) -> str:
    """The name of the row nearest to ``focal`` (see :func:`perceptual_distances`)."""
    return str(perceptual_distances(ratings, focal, attributes, **kwargs).index[0])
