"""Product analysis (module 03): funnels, cohorts, stickiness, NPS and A/B tests, as plain pandas/numpy code.

Every convention that sources disagree on is a parameter with the course's default, and the docstring says it:

- funnel: step conversion n_{k+1} / n_k, overall conversion n_k / n_first (McClure's AARRR funnel, 2007);
- cohort retention: customers of cohort c active in period k divided by the cohort size; cells after the end of
  the observation are ``NaN`` (not 0);
- stickiness: average daily active users over all calendar days of the month divided by the month's active users;
- NPS (Reichheld 2003): unanswered scores (``NaN``) are left out of the denominator, the result is on the -100..100
  scale and is **not** rounded unless you ask for ``decimals``;
- two-proportion z-test: pooled standard error, ``treatment - control``, two-sided unless told otherwise;
- confidence interval of the difference: unpooled (Wald) standard error;
- sample size and power: Cohen's effect size h = 2 asin(sqrt(p2)) - 2 asin(sqrt(p1)) with the normal
  approximation (Cohen 1988), n per group = 2 ((z_alpha + z_power) / h)^2 rounded **up**.

Only the standard library's :class:`statistics.NormalDist` is used for normal quantiles, so no scipy is needed.

Examples
--------
>>> table = funnel_conversion([1000, 600, 300, 150])
>>> table["step_conversion"].round(2).tolist()
[1.0, 0.6, 0.5, 0.5]
>>> round(nps([10, 9, 8, 7, 6, 0, float("nan")]), 2)
0.0
>>> z, p = two_proportion_ztest(100, 1000, 130, 1000)
>>> round(z, 3), round(p, 4)
(2.103, 0.0355)
>>> sample_size_per_group(0.10, 0.12)
3835
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

_NORMAL = NormalDist()
ALTERNATIVES = ("two-sided", "larger", "smaller")


# --- funnels ---------------------------------------------------------------------------------------------------
def funnel_counts(frame: pd.DataFrame, steps: Sequence[str]) -> pd.Series:
    """How many rows reached each step: the number of ``True`` values per boolean step column, in step order."""
    return pd.Series([int(frame[step].sum()) for step in steps], index=list(steps), name="users")


def funnel_conversion(counts) -> pd.DataFrame:
    """Per-step and overall conversion of a funnel.

    ``counts`` is a sequence or Series of users reaching each step, first step first. Returns one row per step
    with ``users``, ``step_conversion`` (n_k / n_{k-1}; 1.0 for the first step), ``overall_conversion``
    (n_k / n_first) and ``lost`` (n_{k-1} - n_k; 0 for the first step).

    >>> funnel_conversion(pd.Series([200, 50], index=["visit", "buy"]))["overall_conversion"].tolist()
    [1.0, 0.25]
    """
    counts = pd.Series(counts, dtype=float) if not isinstance(counts, pd.Series) else counts.astype(float)
    if (counts.diff().dropna() > 0).any():
        raise ValueError("a funnel cannot grow from one step to the next; check the step order")
    previous = counts.shift(1).fillna(counts.iloc[0])
    return pd.DataFrame({
        "users": counts.astype(int),
        "step_conversion": counts / previous,
        "overall_conversion": counts / counts.iloc[0],
        "lost": (previous - counts).astype(int),
    })


# --- cohorts ---------------------------------------------------------------------------------------------------
def cohort_retention(subscriptions: pd.DataFrame, *, freq: str = "M", customers: Sequence[str] | None = None,
                     id_column: str = "customer_id", time_column: str = "month", absolute: bool = False,
                     ) -> pd.DataFrame:
    """Cohort retention table: rows = cohort (first period), columns = periods since the first (0, 1, ...).

    A customer belongs to the cohort of the first period in which it has a row, and is *active* in a period if
    it has at least one row in it. The cell is active customers / cohort size (``absolute=True``: the count).
    Cells the data cannot have observed yet (cohort + k after the last period in the data) are ``NaN``; observed
    cells with nobody left are 0. ``freq`` is ``"M"`` (months) or ``"Q"`` (quarters). ``customers`` keeps only
    those ids (a segment). Row labels are ``pandas.Period`` values.

    >>> rows = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-02-01"]),
    ...                      "customer_id": ["a", "a", "b"]})
    >>> cohort_retention(rows).to_dict()
    {0: {Period('2025-01', 'M'): 1.0, Period('2025-02', 'M'): 1.0}, 1: {Period('2025-01', 'M'): 1.0, Period('2025-02', 'M'): nan}}
    """
    if freq not in ("M", "Q"):
        raise ValueError("freq must be 'M' (monthly cohorts) or 'Q' (quarterly cohorts)")
    frame = subscriptions[[id_column, time_column]]
    if customers is not None:
        frame = frame[frame[id_column].isin(set(customers))]
    period = pd.to_datetime(frame[time_column]).dt.to_period(freq)
    ordinal = period.array.asi8  # consecutive integers per period, so differences are ages
    frame = pd.DataFrame({"id": frame[id_column].to_numpy(), "period": ordinal}).drop_duplicates()
    last = pd.to_datetime(subscriptions[time_column]).max().to_period(freq)
    frame["cohort"] = frame.groupby("id")["period"].transform("min")
    frame["age"] = frame["period"] - frame["cohort"]
    active = frame.groupby(["cohort", "age"])["id"].nunique().unstack(fill_value=0)
    ages = list(range(0, int(last.ordinal - active.index.min()) + 1)) if len(active) else []
    active = active.reindex(columns=ages, fill_value=0).astype(float)
    unobserved = np.asarray(ages)[None, :] > (last.ordinal - active.index.to_numpy())[:, None]
    active = active.mask(unobserved)
    active.index = pd.PeriodIndex.from_ordinals(active.index.to_numpy(), freq=freq)
    active.columns.name = f"{'months' if freq == 'M' else 'quarters'} since first"
    active.index.name = "cohort"
    if absolute:
        return active
    return active.div(active[0], axis=0)


def kaplan_meier(durations, observed) -> pd.Series:
    """Kaplan-Meier survival estimate S(t) at every distinct event time (Kaplan & Meier 1958).

    ``durations`` are times to churn (or to the end of observation), ``observed`` says whether the churn was
    seen (``False`` = censored: still a customer at the end of the data). Returns S(t) indexed by the event
    times, starting with S(0) = 1.

    >>> kaplan_meier([1, 2, 2, 3], [True, True, False, True]).round(3).tolist()
    [1.0, 0.75, 0.5, 0.0]
    """
    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    times = np.unique(durations[observed])
    survival, values = 1.0, [1.0]
    for t in times:
        at_risk = np.sum(durations >= t)
        events = np.sum((durations == t) & observed)
        survival *= 1 - events / at_risk
        values.append(survival)
    return pd.Series(values, index=np.concatenate([[0.0], times]), name="survival")


# --- engagement ------------------------------------------------------------------------------------------------
def stickiness(events: pd.DataFrame, *, user_column: str = "user_id", time_column: str = "timestamp"
               ) -> pd.DataFrame:
    """DAU/MAU per calendar month.

    ``dau`` is the mean number of distinct active users per day over **every calendar day** of the month (days
    without events count as 0), ``mau`` the number of distinct users active in the month, ``stickiness`` = dau /
    mau. Any tracked event counts as activity.
    """
    stamp = pd.to_datetime(events[time_column])
    frame = pd.DataFrame({"user": events[user_column].to_numpy(), "day": stamp.dt.normalize().to_numpy(),
                          "month": stamp.dt.to_period("M").to_numpy()})
    rows = []
    for month, part in frame.groupby("month"):
        daily = part.groupby("day")["user"].nunique().sum()
        dau = daily / month.days_in_month
        mau = part["user"].nunique()
        rows.append({"month": month, "dau": dau, "mau": mau, "stickiness": dau / mau})
    return pd.DataFrame(rows).set_index("month")


def feature_adoption(events: pd.DataFrame, feature: str, *, by: str = "customer_id",
                     event_column: str = "event") -> float:
    """Share of the active units (``by``: customers or users with any event) that used ``feature`` at least once."""
    active = events[by].nunique()
    users = events.loc[events[event_column] == feature, by].nunique()
    return users / active


# --- NPS -------------------------------------------------------------------------------------------------------
def nps(scores, *, decimals: int | None = None) -> float:
    """Net Promoter Score: % promoters (9-10) minus % detractors (0-6), on the -100..100 scale (Reichheld 2003).

    Missing answers (``NaN``/``None``) are left out of the denominator. Rounded to ``decimals`` only if given.

    >>> nps([10, 10, 6, None])
    33.33333333333333
    """
    values = pd.Series(scores, dtype=float).dropna()
    if values.empty:
        raise ValueError("NPS needs at least one answered score")
    if ((values < 0) | (values > 10)).any():
        raise ValueError("NPS scores run from 0 to 10")
    score = 100 * ((values >= 9).mean() - (values <= 6).mean())
    return round(score, decimals) if decimals is not None else float(score)


# --- A/B tests -------------------------------------------------------------------------------------------------
def _check_alternative(alternative: str) -> None:
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}")


def _p_value(z: float, alternative: str) -> float:
    if alternative == "two-sided":
        return 2 * (1 - _NORMAL.cdf(abs(z)))
    if alternative == "larger":
        return 1 - _NORMAL.cdf(z)
    return _NORMAL.cdf(z)


def two_proportion_ztest(x_control: int, n_control: int, x_treatment: int, n_treatment: int,
                         alternative: str = "two-sided") -> tuple[float, float]:
    """Two-proportion z-test with the pooled proportion; returns ``(z, p_value)``.

    z = (p_t - p_c) / sqrt(p (1 - p) (1/n_c + 1/n_t)) with p = (x_c + x_t) / (n_c + n_t). ``alternative``:
    ``"two-sided"``, ``"larger"`` (treatment higher) or ``"smaller"``.
    """
    _check_alternative(alternative)
    p_c, p_t = x_control / n_control, x_treatment / n_treatment
    pooled = (x_control + x_treatment) / (n_control + n_treatment)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_control + 1 / n_treatment))
    z = (p_t - p_c) / se
    return z, _p_value(z, alternative)


def diff_confidence_interval(x_control: int, n_control: int, x_treatment: int, n_treatment: int,
                             level: float = 0.95) -> tuple[float, float]:
    """Two-sided Wald interval of p_t - p_c with the unpooled standard error; returns ``(low, high)``."""
    p_c, p_t = x_control / n_control, x_treatment / n_treatment
    se = math.sqrt(p_c * (1 - p_c) / n_control + p_t * (1 - p_t) / n_treatment)
    half = _NORMAL.inv_cdf(0.5 + level / 2) * se
    return p_t - p_c - half, p_t - p_c + half


def cohens_h(p_control: float, p_treatment: float) -> float:
    """Cohen's effect size for two proportions, h = 2 asin(sqrt(p_t)) - 2 asin(sqrt(p_c))."""
    return 2 * math.asin(math.sqrt(p_treatment)) - 2 * math.asin(math.sqrt(p_control))


def _z_alpha(alpha: float, alternative: str) -> float:
    _check_alternative(alternative)
    return _NORMAL.inv_cdf(1 - alpha / 2) if alternative == "two-sided" else _NORMAL.inv_cdf(1 - alpha)


def sample_size_per_group(p_control: float, p_treatment: float, *, alpha: float = 0.05, power: float = 0.80,
                          alternative: str = "two-sided") -> int:
    """Users per group to detect p_control -> p_treatment: n = 2 ((z_alpha + z_power) / h)^2, rounded **up**."""
    h = abs(cohens_h(p_control, p_treatment))
    if h == 0:
        raise ValueError("the two rates are equal: no sample is large enough")
    n = 2 * ((_z_alpha(alpha, alternative) + _NORMAL.inv_cdf(power)) / h) ** 2
    return math.ceil(n - 1e-9)


def power_two_proportions(p_control: float, p_treatment: float, n_per_group: float, *, alpha: float = 0.05,
                          alternative: str = "two-sided") -> float:
    """Power of the z-test with ``n_per_group`` users in each group (normal approximation on Cohen's h).

    Two-sided power counts both rejection regions, as statsmodels does.
    """
    h = cohens_h(p_control, p_treatment)
    shift = h * math.sqrt(n_per_group / 2)
    z_a = _z_alpha(alpha, alternative)
    if alternative == "two-sided":
        return _NORMAL.cdf(shift - z_a) + _NORMAL.cdf(-shift - z_a)
    if alternative == "larger":
        return _NORMAL.cdf(shift - z_a)
    return _NORMAL.cdf(-shift - z_a)


def minimum_detectable_effect(p_control: float, n_per_group: float, *, alpha: float = 0.05, power: float = 0.80,
                              alternative: str = "two-sided") -> float:
    """The smallest upward change of the rate (absolute, in rate units) detectable with ``n_per_group`` users."""
    h = (_z_alpha(alpha, alternative) + _NORMAL.inv_cdf(power)) * math.sqrt(2 / n_per_group)
    angle = math.asin(math.sqrt(p_control)) + h / 2
    return min(math.sin(angle), 1.0) ** 2 - p_control


def srm_pvalue(n_control: int, n_treatment: int, expected_share_treatment: float = 0.5) -> float:
    """Sample-ratio-mismatch check: chi-square goodness-of-fit p-value (1 df) of the split against the plan."""
    total = n_control + n_treatment
    expected = np.array([total * (1 - expected_share_treatment), total * expected_share_treatment])
    chi2 = float((((np.array([n_control, n_treatment]) - expected) ** 2) / expected).sum())
    return math.erfc(math.sqrt(chi2 / 2))


def ab_summary(frame: pd.DataFrame, metric: str, *, variant: str = "variant", control: str = "control",
               treatment: str = "treatment", by: str | None = None) -> pd.DataFrame:
    """Per group (or pooled if ``by`` is None): users, conversions and rate of each arm, difference, z, p."""
    groups = [("all", frame)] if by is None else list(frame.groupby(by, sort=True))
    rows = []
    for key, part in groups:
        c = part.loc[part[variant] == control, metric]
        t = part.loc[part[variant] == treatment, metric]
        z, p = two_proportion_ztest(int(c.sum()), len(c), int(t.sum()), len(t))
        rows.append({"group": key, "n_control": len(c), "n_treatment": len(t),
                     "rate_control": c.mean(), "rate_treatment": t.mean(),
                     "difference": t.mean() - c.mean(), "z": z, "p_value": p})
    return pd.DataFrame(rows).set_index("group")


def stratified_difference(summary: pd.DataFrame, weights=None) -> tuple[float, float, float]:
    """Post-stratified difference from an :func:`ab_summary` table by segment.

    The segment differences are averaged with ``weights`` (default: each segment's share of all users), and the
    unpooled variances combine as sum(w^2 var). Returns ``(difference, z, two_sided_p)``.
    """
    n = summary["n_control"] + summary["n_treatment"]
    w = (n / n.sum()) if weights is None else pd.Series(weights, index=summary.index, dtype=float)
    var = (summary["rate_control"] * (1 - summary["rate_control"]) / summary["n_control"]
           + summary["rate_treatment"] * (1 - summary["rate_treatment"]) / summary["n_treatment"])
    diff = float((w * summary["difference"]).sum())
    se = math.sqrt(float((w ** 2 * var).sum()))
    z = diff / se
    return diff, z, _p_value(z, "two-sided")


# --- simulations for the explorers and the peeking demonstration ------------------------------------------------
def _p_values_vectorised(x_c, x_t, n: int) -> np.ndarray:
    pooled = (x_c + x_t) / (2 * n)
    se = np.sqrt(pooled * (1 - pooled) * 2 / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (x_t - x_c) / n / np.where(se > 0, se, 1), 0.0)
    erfc = np.frompyfunc(math.erfc, 1, 1)
    return erfc(np.abs(z) / math.sqrt(2)).astype(float)


def simulate_p_values(p_control: float, p_treatment: float, n_per_group: int, *, runs: int = 2000,
                      seed: int = 3) -> np.ndarray:
    """Two-sided p-values of ``runs`` simulated experiments with these true rates (seeded, reproducible)."""
    rng = np.random.default_rng(seed)
    x_c = rng.binomial(n_per_group, p_control, runs)
    x_t = rng.binomial(n_per_group, p_treatment, runs)
    return _p_values_vectorised(x_c, x_t, n_per_group)


def peeking_false_positive_rate(p: float, n_per_group: int, looks: int, *, alpha: float = 0.05,
                                runs: int = 2000, seed: int = 7) -> float:
    """Share of A/A tests (no true difference) declared significant at **any** of ``looks`` equally spaced
    interim analyses, each at the nominal ``alpha`` (the peeking problem)."""
    rng = np.random.default_rng(seed)
    checkpoints = np.linspace(n_per_group / looks, n_per_group, looks).round().astype(int)
    increments = np.diff(np.concatenate([[0], checkpoints]))
    x_c = np.cumsum(rng.binomial(increments, p, (runs, looks)), axis=1)
    x_t = np.cumsum(rng.binomial(increments, p, (runs, looks)), axis=1)
    significant = np.zeros(runs, dtype=bool)
    for k, n in enumerate(checkpoints):
        significant |= _p_values_vectorised(x_c[:, k], x_t[:, k], int(n)) < alpha
    return float(significant.mean())
