"""Operations: SLOs, error budgets, burn rates, multi-window alerts, and RACI checks (module 11).

Sources: Beyer, Jones, Petoff and Murphy (eds.), *Site Reliability Engineering* (2016), ch. 3-4 (SLOs and error
budgets); Beyer, Murphy, Rensin, Kawahara and Thorne (eds.), *The Site Reliability Workbook* (2018), ch. 5
("Alerting on SLOs": burn rate and the multi-window, multi-burn-rate alerts).

Conventions (pinned):

- a request-based SLI: good requests / all requests; the error budget is ``1 - SLO`` of the requests;
- burn rate over a window = (failed / all requests in the window) / (1 - SLO): 1 spends the budget exactly
  over the SLO window, 14.4 spends 2 % of a 30-day budget in one hour;
- a window "ending at t" holds the 5-minute slots that start at or after ``t - window`` and before ``t``;
- an alert fires when the burn rate over the long window **and** over the short window both reach the
  threshold (the workbook's policy in :data:`ALERT_POLICY`).

Examples
--------
>>> round(burn_rate(requests=100_000, errors=300, slo=0.999), 6)
3.0
>>> round(budget_left(requests=1_000_000, errors=400, slo=0.999), 6)
0.6
"""
from __future__ import annotations

import pandas as pd

__all__ = ["ALERT_POLICY", "error_budget", "budget_left", "burn_rate", "window_burn_rate", "evaluate_alerts",
           "alert_timeline", "raci_faults"]

#: The workbook's recommended policy: (severity, long window, short window, burn-rate threshold).
ALERT_POLICY = (
    ("page", "1h", "5min", 14.4),
    ("page", "6h", "30min", 6.0),
    ("ticket", "3D", "6h", 1.0),
)


def error_budget(slo: float) -> float:
    """The share of requests allowed to fail: ``1 - SLO``."""
    return 1.0 - slo


def budget_left(requests: float, errors: float, slo: float) -> float:
    """Share of the window's error budget still unspent: ``1 - errors / ((1 - SLO) x requests)`` (can be < 0)."""
    return 1.0 - errors / (error_budget(slo) * requests)


def burn_rate(requests: float, errors: float, slo: float) -> float:
    """Observed error rate divided by the error budget rate ``1 - SLO``."""
    return (errors / requests) / error_budget(slo)


def window_burn_rate(history: pd.DataFrame, at, window: str, slo: float) -> float:
    """Burn rate over the slots of ``history`` (columns window_start, requests, errors) in ``[at - window, at)``."""
    at = pd.Timestamp(at)
    inside = (history["window_start"] >= at - pd.Timedelta(window)) & (history["window_start"] < at)
    part = history.loc[inside]
    return burn_rate(part["requests"].sum(), part["errors"].sum(), slo)


def evaluate_alerts(history: pd.DataFrame, at, slo: float, policy=ALERT_POLICY) -> pd.DataFrame:
    """One row per alert of ``policy`` at moment ``at``: both burn rates and whether the alert fires."""
    rows = []
    for severity, long_w, short_w, threshold in policy:
        long_b = window_burn_rate(history, at, long_w, slo)
        short_b = window_burn_rate(history, at, short_w, slo)
        rows.append({"severity": severity, "long_window": long_w, "short_window": short_w,
                     "threshold": threshold, "long_burn": long_b, "short_burn": short_b,
                     "fires": bool(long_b >= threshold and short_b >= threshold)})
    return pd.DataFrame(rows)


def alert_timeline(history: pd.DataFrame, slo: float, policy=ALERT_POLICY) -> pd.DataFrame:
    """For every 5-minute slot end, the long- and short-window burn rates and whether each alert fires.

    Uses cumulative sums, so it is fast; :func:`window_burn_rate` is the slow, plain definition.
    """
    frame = history.sort_values("window_start").set_index("window_start")
    step = frame.index[1] - frame.index[0]
    ends = frame.index + step
    cum_req = frame["requests"].cumsum()
    cum_err = frame["errors"].cumsum()
    out = pd.DataFrame(index=ends)
    for i, (severity, long_w, short_w, threshold) in enumerate(policy):
        fires = None
        for name, window in (("long", long_w), ("short", short_w)):
            k = int(pd.Timedelta(window) / step)
            req = cum_req - cum_req.shift(k, fill_value=0)
            err = cum_err - cum_err.shift(k, fill_value=0)
            burn = (err / req / (1.0 - slo)).to_numpy()
            out[f"alert{i}_{name}"] = burn
            fires = (burn >= threshold) if fires is None else fires & (burn >= threshold)
        out[f"alert{i}_fires"] = fires
    out.index.name = "at"
    return out


def raci_faults(raci: pd.DataFrame, activity: str = "activity") -> dict[str, str]:
    """Activities whose row does not have exactly one ``A``: ``{activity: "no A" | "several A"}``.

    Cells hold one letter (R, A, C, I) or are empty (NaN). Only the accountability rule is checked here.
    """
    roles = [c for c in raci.columns if c != activity]
    faults = {}
    for _, row in raci.iterrows():
        count = sum(str(row[r]).strip().upper() == "A" for r in roles)
        if count == 0:
            faults[row[activity]] = "no A"
        elif count > 1:
            faults[row[activity]] = "several A"
    return faults
