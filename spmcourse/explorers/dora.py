"""DORA explorer (module 09): period and team -> the four key metrics and the weekly deployments behind them.

Pick a quarter (or the whole year) and a team (or all teams). The explorer computes the four metrics with
the course's pinned definitions (:func:`spmcourse.delivery_metrics.dora_metrics`) and draws the deployments
per week, split into those that caused an incident and those that did not.

Examples
--------
>>> period_bounds("2025-Q2")
('2025-04-01', '2025-06-30')
>>> period_bounds("2025")
('2025-01-01', '2025-12-31')
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from spmcourse import delivery_metrics as dm
from spmcourse.plots import PALETTE, decorate

PERIODS = ("2025", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")
TEAMS = ("all teams", "Scheduling", "Mobile", "Integrations")


def period_bounds(period: str) -> tuple[str, str]:
    """First and last day of a year (``"2025"``) or a quarter (``"2025-Q3"``)."""
    if "-Q" in period:
        p = pd.Period(period.replace("-", ""), freq="Q")
    else:
        p = pd.Period(period, freq="Y")
    return p.start_time.strftime("%Y-%m-%d"), p.end_time.strftime("%Y-%m-%d")


def compute_dora(deployments: pd.DataFrame, incidents: pd.DataFrame, period: str = "2025",
                 team: str = "all teams") -> dict:
    """The four metrics (``metrics``) plus ``weekly`` (deployments per week) and ``weekly_failed``."""
    start, end = period_bounds(period)
    chosen_team = None if team == "all teams" else team
    metrics = dm.dora_metrics(deployments, incidents, start, end, chosen_team)
    at = pd.to_datetime(deployments["deployed_at"])
    mask = (at >= start) & (at < pd.Timestamp(end) + pd.Timedelta(days=1))
    if chosen_team is not None:
        mask &= deployments["team"] == chosen_team
    rows = deployments[mask]
    week = pd.to_datetime(rows["deployed_at"]).dt.to_period("W-SUN").dt.start_time
    weeks = pd.date_range(pd.Timestamp(start) - pd.Timedelta(days=pd.Timestamp(start).day_of_week), end, freq="7D")
    weekly = rows.groupby(week).size().reindex(weeks, fill_value=0)
    failed = rows[rows["caused_incident"].astype(bool)].groupby(week[rows["caused_incident"].astype(bool)]).size()
    return {"metrics": metrics, "weekly": weekly, "weekly_failed": failed.reindex(weeks, fill_value=0),
            "period": period, "team": team}


def plot_dora(result: dict, ax=None):
    """Stacked weekly bars (deployments without / with an incident) and the four metrics in the title."""
    ax = ax if ax is not None else plt.gca()
    weekly, failed = result["weekly"], result["weekly_failed"]
    ok = weekly - failed
    ax.bar(weekly.index, ok, width=5, color=PALETTE["kestrel"], label="no incident")
    ax.bar(weekly.index, failed, width=5, bottom=ok, color=PALETTE["bad"], label="caused an incident")
    m = result["metrics"]
    restore = "n/a" if m["time_to_restore_hours"] != m["time_to_restore_hours"] else f"{m['time_to_restore_hours']:.1f} h"
    decorate(ax, title=f"{result['team']}, {result['period']}: {m['deployment_frequency']:.1f} deploys/week, "
                       f"lead time {m['lead_time_hours']:.0f} h,\nchange failure rate "
                       f"{m['change_failure_rate']:.0%}, time to restore {restore}",
             ylabel="deployments per week")
    ax.title.set_fontsize(10)
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    return ax


def build_dora_explorer(deployments: pd.DataFrame | None = None, incidents: pd.DataFrame | None = None,
                        period: str = "2025-Q4"):
    """A period and a team menu wired to the weekly chart and the four metrics; returns the container.

    It opens on the quarter the lesson worries about (Q4: stability fell while the pace held); step back to Q1 to
    compare the team with itself."""
    import ipywidgets as widgets
    from spmcourse.explorers._widgets import explorer_box, plot_output

    if deployments is None or incidents is None:
        from spmcourse.casedata import load
        deployments, incidents = load("deployments"), load("incidents")
    controls = {"period": widgets.Dropdown(options=list(PERIODS), value=period if period in PERIODS else PERIODS[0],
                                          description="period"),
                "team": widgets.Dropdown(options=list(TEAMS), value="all teams", description="team")}

    def draw(ax, period, team):
        plot_dora(compute_dora(deployments, incidents, period, team), ax)

    output = plot_output(controls, draw, (7.5, 4.0))
    return explorer_box(controls, output, widgets.HBox([controls["period"], controls["team"]]))
