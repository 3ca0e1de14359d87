"""Sourcing helpers (module 04): make-or-buy break-even, weighted scoring, AHP weights and consistency.

AHP follows T. L. Saaty, *The Analytic Hierarchy Process* (McGraw-Hill, 1980): the weights are the principal
right eigenvector of the reciprocal pairwise matrix, normalised to sum 1; CI = (λmax − n)/(n − 1);
CR = CI / RI(n), with Saaty's random index RI; CR < 0.10 is acceptable.

Examples
--------
>>> break_even_volume(fixed_make=420_000, variable_make=18, fixed_buy=90_000, variable_buy=120)
3235.294117647059
>>> A = [[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]]
>>> [round(w, 4) for w in ahp_weights(A)]
[0.5714, 0.2857, 0.1429]
>>> abs(round(consistency_ratio(A), 6))
0.0
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["RANDOM_INDEX", "annual_cost", "break_even_volume", "weighted_scores", "pairwise_matrix",
           "ahp_weights", "lambda_max", "consistency_index", "consistency_ratio"]

#: Saaty's random consistency index by matrix size n (Saaty 1980); n = 1, 2 are always consistent.
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45}


def annual_cost(fixed: float, variable: float, volume: float) -> float:
    """Fixed cost plus variable cost times volume."""
    return float(fixed) + float(variable) * float(volume)


def break_even_volume(fixed_make: float, variable_make: float, fixed_buy: float, variable_buy: float) -> float:
    """Volume at which make and buy cost the same: (FC_make − FC_buy) / (VC_buy − VC_make).

    Above it the option with the lower variable cost (usually make) is cheaper. Raises ``ValueError`` if the
    variable costs are equal (the lines never cross).
    """
    if variable_buy == variable_make:
        raise ValueError("equal variable costs: the cost lines are parallel and never cross")
    return (fixed_make - fixed_buy) / (variable_buy - variable_make)


def weighted_scores(scores: pd.DataFrame, weights: dict) -> pd.Series:
    """Σ weight × score per row, for the columns named in ``weights`` (weights are used as given)."""
    columns = list(weights)
    return scores[columns].astype(float) @ pd.Series(weights, dtype=float)[columns]


def pairwise_matrix(judgements: pd.DataFrame, criteria) -> np.ndarray:
    """The reciprocal AHP matrix from rows with ``criterion_a``, ``criterion_b``, ``preferred``, ``intensity``."""
    criteria = list(criteria)
    n = len(criteria)
    matrix = np.ones((n, n))
    for row in judgements.itertuples(index=False):
        i, j = criteria.index(row.criterion_a), criteria.index(row.criterion_b)
        value = float(row.intensity) if row.preferred == row.criterion_a else 1.0 / float(row.intensity)
        matrix[i, j], matrix[j, i] = value, 1.0 / value
    return matrix


def _principal(matrix):
    matrix = np.asarray(matrix, dtype=float)
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    return float(values[k].real), vector / vector.sum()


def ahp_weights(matrix) -> list[float]:
    """Priority weights: the principal right eigenvector of ``matrix``, normalised to sum 1."""
    return [float(w) for w in _principal(matrix)[1]]


def lambda_max(matrix) -> float:
    """The principal eigenvalue λmax (equal to n for a perfectly consistent matrix)."""
    return _principal(matrix)[0]


def consistency_index(matrix) -> float:
    """CI = (λmax − n) / (n − 1)."""
    n = len(matrix)
    return (lambda_max(matrix) - n) / (n - 1)


def consistency_ratio(matrix) -> float:
    """CR = CI / RI(n), with Saaty's random index; 0 for n ≤ 2."""
    n = len(matrix)
    if n <= 2:
        return 0.0
    return consistency_index(matrix) / RANDOM_INDEX[n]
