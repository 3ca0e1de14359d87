"""Case data for module 09 (orchestrating development): Kestrel's engineering signals.

Seven small datasets, generated from fixed seeds (registered in :mod:`spmcourse.casedata`, which writes and
loads them):

- ``deployments``: every production deployment of Kestrel Shifts in 2025, by team, with the first commit it
  carried and whether it caused an incident;
- ``incidents``: every production incident of 2025 (start, end, severity, cause). The three platform outages
  that ``support_tickets`` shows as bursts of outage tickets are here with the same start and duration;
- ``throughput``: backlog items the Scheduling team finished per week in the second half of 2025;
- ``project_status``: earned-value status of the Shifts 5.0 project per work package at each month end;
- ``sus_responses``: System Usability Scale answers plus one timed task from a usability test of the current
  and the redesigned schedule editor;
- ``defects``: defects of the four 2025 releases, where they were found, how severe, and the ISO/IEC 25010
  quality characteristic they affect;
- ``modules``: the modules of Kestrel Shifts with their size and dependencies (exactly one cycle:
  ``scheduling -> rules -> time_tracking -> scheduling``).

Every number that shapes the data is a named constant below.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: Dataset names this module builds, in presentation order.
NAMES = ("deployments", "incidents", "throughput", "project_status", "sus_responses", "defects", "modules")

#: Seed keys (values live in ``casedata._SEEDS``).
SEED_KEYS = ("deployments", "throughput", "project_status", "sus_responses", "defects")

_TS = "%Y-%m-%d %H:%M:%S"
_YEAR_START, _YEAR_END = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31 23:59:59")
_HOLIDAYS = {"2025-01-01", "2025-04-18", "2025-04-21", "2025-12-25", "2025-12-26"}

# ==============================================================================================================
# deployments and incidents
# ==============================================================================================================
#: Per team: deployments per working day (probability), median lead time in hours and its log-sigma,
#: probability that a deployment causes an incident, median restore time in hours and its log-sigma.
TEAMS = {
    "Scheduling": {"per_day": 0.62, "lead_h": 26.0, "lead_sigma": 0.8, "fail": 0.11, "restore_h": 1.2,
                   "restore_sigma": 0.9},
    "Mobile": {"per_day": 0.22, "lead_h": 110.0, "lead_sigma": 0.6, "fail": 0.19, "restore_h": 6.0,
               "restore_sigma": 0.8},
    "Integrations": {"per_day": 0.40, "lead_h": 50.0, "lead_sigma": 0.9, "fail": 0.07, "restore_h": 2.5,
                     "restore_sigma": 1.0},
}
#: The three platform outages of support_tickets (start in CET, minutes), with their cause.
OUTAGES = [("2025-03-12 09:40:00", 50, "deployment", "Scheduling", "2025-03-12 09:31:00"),
           ("2025-06-18 14:05:00", 130, "infrastructure", None, None),
           ("2025-11-04 07:30:00", 180, "deployment", "Integrations", "2025-11-04 07:12:00")]
#: Incidents not caused by a deployment, besides the outages: how many, and median duration in hours.
OTHER_INCIDENTS = {"infrastructure": (6, 1.5), "third-party": (5, 3.0)}
#: Severity shares of ordinary incidents (outages are SEV1).
SEVERITY = {"SEV2": 0.35, "SEV3": 0.65}


def _working_days() -> pd.DatetimeIndex:
    days = pd.date_range(_YEAR_START, "2025-12-31", freq="D")
    return days[(days.day_of_week < 5) & ~days.strftime("%Y-%m-%d").isin(sorted(_HOLIDAYS))]


def _deployments_and_incidents(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    deploys, incidents = [], []
    outage_deploys = {team: pd.Timestamp(at) for _, _, cause, team, at in OUTAGES if cause == "deployment"}
    for day in _working_days():
        for team, p in TEAMS.items():
            if rng.random() >= p["per_day"]:
                continue
            at = day + pd.Timedelta(hours=9) + pd.Timedelta(minutes=int(rng.integers(0, 8 * 60)))
            deploys.append(_deploy(rng, team, at, p))
    for team, at in outage_deploys.items():
        deploys.append(_deploy(rng, team, at, TEAMS[team], fail=False))
    frame = pd.DataFrame(deploys).sort_values(["deployed_at", "team"], kind="stable").reset_index(drop=True)
    frame.insert(0, "deployment_id", [f"D{i:04d}" for i in range(1, len(frame) + 1)])

    # Incidents caused by deployments: start minutes to hours after the deployment.
    frame["incident_id"] = None
    for k, row in frame.iterrows():
        outage = next((o for o in OUTAGES if o[4] is not None and pd.Timestamp(o[4]) == row["deployed_at"]), None)
        if outage is not None:
            start, minutes, cause, team, _ = outage
            incidents.append({"started_at": pd.Timestamp(start), "minutes": minutes, "severity": "SEV1",
                              "cause": cause, "deployment_id": row["deployment_id"], "_row": k})
        elif row["_fail"]:
            p = TEAMS[row["team"]]
            start = row["deployed_at"] + pd.Timedelta(minutes=int(rng.integers(3, 240)))
            hours = p["restore_h"] * math.exp(p["restore_sigma"] * rng.standard_normal())
            incidents.append({"started_at": start, "minutes": max(10, round(hours * 60)),
                              "severity": _pick(rng, SEVERITY), "cause": "deployment",
                              "deployment_id": row["deployment_id"], "_row": k})
    for start, minutes, cause, team, _ in OUTAGES:
        if cause != "deployment":
            incidents.append({"started_at": pd.Timestamp(start), "minutes": minutes, "severity": "SEV1",
                              "cause": cause, "deployment_id": None, "_row": None})
    for cause, (count, median_h) in OTHER_INCIDENTS.items():
        for _ in range(count):
            day = _YEAR_START + pd.Timedelta(days=int(rng.integers(0, 365)))
            start = day + pd.Timedelta(minutes=int(rng.integers(0, 24 * 60)))
            hours = median_h * math.exp(0.8 * rng.standard_normal())
            incidents.append({"started_at": start, "minutes": max(15, round(hours * 60)),
                              "severity": _pick(rng, SEVERITY), "cause": cause, "deployment_id": None,
                              "_row": None})
    inc = pd.DataFrame(incidents).sort_values("started_at", kind="stable").reset_index(drop=True)
    inc.insert(0, "incident_id", [f"INC{i:03d}" for i in range(1, len(inc) + 1)])
    inc["resolved_at"] = inc["started_at"] + pd.to_timedelta(inc["minutes"], unit="min")
    for incident_id, row in zip(inc["incident_id"], inc["_row"]):
        if row is not None and not (isinstance(row, float) and math.isnan(row)):
            frame.loc[int(row), "incident_id"] = incident_id
    frame["caused_incident"] = frame["incident_id"].notna()
    deployments = frame[["deployment_id", "team", "deployed_at", "first_commit_at", "changes", "caused_incident",
                         "incident_id"]].copy()
    for column in ("deployed_at", "first_commit_at"):
        deployments[column] = deployments[column].dt.strftime(_TS)
    incidents = inc[["incident_id", "started_at", "resolved_at", "severity", "cause", "deployment_id"]].copy()
    for column in ("started_at", "resolved_at"):
        incidents[column] = incidents[column].dt.strftime(_TS)
    return deployments, incidents


def _deploy(rng, team: str, at: pd.Timestamp, p: dict, fail: bool | None = None) -> dict:
    hours = p["lead_h"] * math.exp(p["lead_sigma"] * rng.standard_normal())
    first = (at - pd.Timedelta(minutes=max(20, round(hours * 60)))).floor("min")
    failed = bool(rng.random() < p["fail"]) if fail is None else fail
    return {"team": team, "deployed_at": at, "first_commit_at": first, "changes": 1 + int(rng.poisson(3)),
            "_fail": failed}


def _pick(rng, options: dict) -> str:
    keys = list(options)
    weights = np.array([options[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=weights / weights.sum()))]


# ==============================================================================================================
# throughput
# ==============================================================================================================
#: Weeks of history (Mondays), mean items per week, and weeks with reduced capacity (share of normal).
THROUGHPUT_WEEKS = pd.date_range("2025-07-07", periods=26, freq="7D")
THROUGHPUT_MEAN = 5.0
REDUCED_WEEKS = {"2025-08-04": 0.4, "2025-08-11": 0.4, "2025-08-18": 0.6, "2025-12-22": 0.3}
#: Items left in the Shifts 5.0 backlog on 5 January 2026 (stated in the data card and the lesson).
SHIFTS5_REMAINING_ITEMS = 58


def _throughput(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for week in THROUGHPUT_WEEKS:
        mean = THROUGHPUT_MEAN * REDUCED_WEEKS.get(week.strftime("%Y-%m-%d"), 1.0)
        rows.append({"week_start": week.strftime("%Y-%m-%d"), "team": "Scheduling",
                     "items_done": int(rng.poisson(mean))})
    return pd.DataFrame(rows)


# ==============================================================================================================
# project_status (earned value)
# ==============================================================================================================
#: Work packages of the Shifts 5.0 project: budget (EUR), planned first and last month (inclusive),
#: actual progress speed relative to plan, and cost per unit of progress relative to budget.
WORK_PACKAGES = [
    ("WP1", "Requirements and design", 90_000, "2025-07", "2025-08", 1.00, 1.05),
    ("WP2", "Rules engine", 220_000, "2025-08", "2025-12", 0.86, 1.18),
    ("WP3", "Solver integration", 260_000, "2025-09", "2026-01", 0.80, 1.12),
    ("WP4", "Data migration", 120_000, "2025-10", "2026-02", 0.90, 1.00),
    ("WP5", "Web schedule editor", 180_000, "2025-09", "2026-01", 0.95, 1.06),
    ("WP6", "Mobile schedule view", 110_000, "2025-11", "2026-02", 0.85, 1.10),
    ("WP7", "Performance and load testing", 70_000, "2026-01", "2026-03", 1.00, 1.00),
    ("WP8", "Rollout and training", 50_000, "2026-02", "2026-03", 1.00, 1.00),
]
STATUS_DATES = pd.date_range("2025-07-31", "2025-12-31", freq="ME")


def _project_status(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    noise = {wp[0]: rng.normal(0, 0.02, len(STATUS_DATES)) for wp in WORK_PACKAGES}
    for k, date in enumerate(STATUS_DATES):
        for wp, name, budget, first, last, speed, cost in WORK_PACKAGES:
            months = pd.period_range(first, last, freq="M")
            elapsed = sum(1 for m in months if m.end_time <= date + pd.Timedelta(hours=23, minutes=59, seconds=59))
            planned = elapsed / len(months)
            complete = min(1.0, max(0.0, planned * speed + (noise[wp][k] if 0 < planned < 1 else 0.0)))
            actual = budget * complete * (cost + (0.0 if complete == 0 else 0.03 * noise[wp][k] * 10))
            rows.append({"status_date": date.strftime("%Y-%m-%d"), "work_package": wp, "name": name,
                         "budget_eur": float(budget), "planned_pct": round(100 * planned, 1),
                         "complete_pct": round(100 * complete, 1), "actual_cost_eur": round(actual, 2)})
    frame = pd.DataFrame(rows)
    # Actual cost is cumulative: it never decreases from one month to the next.
    frame["actual_cost_eur"] = frame.groupby("work_package")["actual_cost_eur"].cummax()
    frame["complete_pct"] = frame.groupby("work_package")["complete_pct"].cummax()
    return frame


# ==============================================================================================================
# sus_responses
# ==============================================================================================================
#: Participants per design, mean latent attitude (in answer steps away from neutral), task medians in seconds.
SUS_DESIGNS = {"current": (20, 0.45, 0.60, 250.0), "redesign": (20, 1.05, 0.85, 170.0)}
#: Participant who ticked 5 on every item (a straight-liner); the lesson discusses what that does to SUS.
STRAIGHT_LINER = "U17"


def _sus_responses(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    n = 0
    for design, (count, mean, success_p, median_s) in SUS_DESIGNS.items():
        for _ in range(count):
            n += 1
            pid = f"U{n:02d}"
            latent = mean + 0.7 * rng.standard_normal()
            answers = {}
            for item in range(1, 11):
                sign = 1 if item % 2 == 1 else -1
                answers[f"q{item}"] = int(np.clip(round(3 + sign * latent + 0.7 * rng.standard_normal()), 1, 5))
            if pid == STRAIGHT_LINER:
                answers = {f"q{item}": 5 for item in range(1, 11)}
            success = bool(rng.random() < success_p + 0.08 * latent)
            seconds = median_s * math.exp(0.35 * rng.standard_normal()) * (1.0 if success else 1.4)
            rows.append({"participant_id": pid, "design": design,
                         "role": "scheduler" if rng.random() < 0.6 else "team lead", **answers,
                         "task_success": success, "task_seconds": int(round(seconds))})
    return pd.DataFrame(rows)


# ==============================================================================================================
# defects
# ==============================================================================================================
RELEASES = ("2025-R1", "2025-R2", "2025-R3", "2025-R4")
PHASES = ("code review", "unit test", "system test", "acceptance test", "production")
#: Defects per release and the share found in each phase (the last is production, after the release).
DEFECTS_PER_RELEASE = {"2025-R1": 118, "2025-R2": 126, "2025-R3": 131, "2025-R4": 140}
PHASE_SHARES = {"2025-R1": (0.22, 0.30, 0.26, 0.12, 0.10), "2025-R2": (0.22, 0.29, 0.27, 0.11, 0.11),
                "2025-R3": (0.20, 0.28, 0.26, 0.12, 0.14), "2025-R4": (0.17, 0.24, 0.25, 0.12, 0.22)}
#: ISO/IEC 25010:2011 characteristics and their weight before and in production.
CHARACTERISTICS = {
    "functional suitability": (0.46, 0.22), "performance efficiency": (0.07, 0.30),
    "compatibility": (0.07, 0.07), "usability": (0.16, 0.08), "reliability": (0.10, 0.22),
    "security": (0.04, 0.03), "maintainability": (0.08, 0.05), "portability": (0.02, 0.03),
}
#: Module weights for where defects are found (roughly size, more in the cycle's modules).
DEFECT_MODULE_WEIGHT = {"scheduling": 3.0, "rules": 2.6, "time_tracking": 2.4, "staff": 1.0,
                        "notifications": 0.8, "payroll_connect": 1.2, "reporting": 1.0, "forecasting": 0.6,
                        "web_app": 1.8, "mobile_api": 1.2, "auth": 0.4, "billing": 0.5, "storage": 0.5}


def _defects(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for release in RELEASES:
        total = DEFECTS_PER_RELEASE[release]
        counts = np.round(np.array(PHASE_SHARES[release]) * total).astype(int)
        for phase, count in zip(PHASES, counts):
            production = phase == "production"
            for _ in range(int(count)):
                characteristic = _pick(rng, {c: w[1 if production else 0] for c, w in CHARACTERISTICS.items()})
                severe = {"performance efficiency": 0.55, "reliability": 0.45}.get(characteristic, 0.15)
                severity = _pick(rng, {"critical": 0.25 * severe, "major": 0.75 * severe, "minor": 1 - severe})
                rows.append({"release": release, "module": _pick(rng, DEFECT_MODULE_WEIGHT), "found_in": phase,
                             "severity": severity, "characteristic": characteristic})
    frame = pd.DataFrame(rows)
    frame.insert(0, "defect_id", [f"DF{i:04d}" for i in range(1, len(frame) + 1)])
    return frame


# ==============================================================================================================
# modules (hand-authored)
# ==============================================================================================================
#: module, owning team, size in thousands of lines of code, modules it depends on (calls or imports).
MODULES = [
    ("web_app", "Scheduling", 48.0, "scheduling;staff;reporting;notifications;auth;billing"),
    ("mobile_api", "Mobile", 21.5, "scheduling;staff;time_tracking;notifications;auth"),
    ("scheduling", "Scheduling", 62.0, "rules;staff;storage"),
    ("rules", "Scheduling", 27.5, "time_tracking;staff"),
    ("time_tracking", "Mobile", 24.0, "scheduling;staff;storage"),
    ("staff", "Scheduling", 15.0, "auth;storage"),
    ("notifications", "Mobile", 9.5, "staff;storage"),
    ("payroll_connect", "Integrations", 31.0, "time_tracking;staff;storage"),
    ("reporting", "Integrations", 18.0, "time_tracking;storage"),
    ("forecasting", "Integrations", 12.5, "reporting;storage"),
    ("auth", "Scheduling", 8.0, "storage"),
    ("billing", "Integrations", 11.0, "auth;storage"),
    ("storage", "Scheduling", 6.5, ""),
]
#: The one dependency cycle, as the lesson discusses it.
CYCLE = ("scheduling", "rules", "time_tracking")


def _modules() -> pd.DataFrame:
    frame = pd.DataFrame(MODULES, columns=["module", "team", "kloc", "depends_on"])
    frame["depends_on"] = frame["depends_on"].replace("", np.nan)
    return frame


# ==============================================================================================================
def build(seeds: dict[str, int]) -> dict[str, pd.DataFrame]:
    """Build the seven datasets from ``seeds`` (keys :data:`SEED_KEYS`)."""
    deployments, incidents = _deployments_and_incidents(seeds["deployments"])
    return {"deployments": deployments, "incidents": incidents, "throughput": _throughput(seeds["throughput"]),
            "project_status": _project_status(seeds["project_status"]),
            "sus_responses": _sus_responses(seeds["sus_responses"]), "defects": _defects(seeds["defects"]),
            "modules": _modules()}
