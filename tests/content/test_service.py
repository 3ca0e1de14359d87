"""Module 11 helpers (service.py, operations.py) and datasets, checked against independent implementations.

- Erlang C against a seeded discrete-event simulation of an M/M/N FIFO queue (tolerance stated below) and
  against published table values;
- the business-hours clock against a minute-by-minute count;
- the priority matrices, FCR, MTTR and backlog ageing against plain re-computations;
- burn rates and alerts against a plain loop over the 5-minute slots; RACI faults against a count.
"""
from __future__ import annotations

import heapq
import math

import numpy as np
import pandas as pd
import pytest

from spmcourse import casedata, operations, service
from spmcourse.explorers import error_budget as error_budget_explorer
from spmcourse.explorers import staffing as staffing_explorer


# --- Erlang C -------------------------------------------------------------------------------------------------
def _textbook_erlang_c(n: int, a: float) -> float:
    """The ratio of sums as printed in Gans, Koole and Mandelbaum (2003), with factorials."""
    top = a ** n / math.factorial(n) * n / (n - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(n)) + top)


def _simulate_mmn(n: int, arrivals_per_s: float, aht_s: float, customers: int, seed: int) -> np.ndarray:
    """Waiting times of a FIFO M/M/N queue: the next customer takes the server that frees up first."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1 / arrivals_per_s, customers))
    services = rng.exponential(aht_s, customers)
    free = [0.0] * n
    waits = np.empty(customers)
    for i, (t, s) in enumerate(zip(arrivals, services)):
        earliest = heapq.heappop(free)
        start = max(t, earliest)
        waits[i] = start - t
        heapq.heappush(free, start + s)
    return waits[customers // 10:]  # drop the warm-up


@pytest.mark.parametrize("n,a", [(1, 0.5), (2, 1.0), (3, 2.0), (5, 2.6), (7, 3.97), (12, 10.0), (30, 25.0)])
def test_erlang_c_equals_the_textbook_formula(n, a):
    assert service.erlang_c(n, a) == pytest.approx(_textbook_erlang_c(n, a), rel=1e-12)


def test_erlang_c_small_cases_by_hand():
    assert service.erlang_c(1, 0.5) == pytest.approx(0.5)          # M/M/1: P(wait) = utilisation
    assert service.erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert service.erlang_c(3, 2.0) == pytest.approx(4 / 9)
    assert service.erlang_c(2, 2.0) == 1.0 and service.service_level(2, 2.0, 300, 20) == 0.0


def test_erlang_c_against_published_values():
    # Call Centre Helper, "Erlang C formula - made simple": 100 calls per 30 minutes, AHT 180 s (A = 10 Erlangs);
    # P(wait) for 11..14 agents is printed as 0.6821, 0.4494, 0.2853 and 0.1741.
    for n, published in [(11, 0.6821), (12, 0.4494), (13, 0.2853), (14, 0.1741)]:
        assert service.erlang_c(n, 10.0) == pytest.approx(published, abs=5e-5)
    assert service.agents_needed(200, 180, 20, 0.8) == 14
    # Erlang B table (grade of service 1 %): 5 lines carry 1.361 E, 10 lines 4.461 E, 20 lines 12.031 E.
    for n, a in [(5, 1.361), (10, 4.461), (20, 12.031)]:
        assert service.erlang_b(n, a) == pytest.approx(0.01, abs=2e-5)


@pytest.mark.parametrize("n,arrivals_per_hour,aht", [(5, 24.85, 384.0), (7, 37.3, 384.0)])
def test_erlang_c_agrees_with_a_discrete_event_simulation(n, arrivals_per_hour, aht):
    """200,000 simulated calls: P(wait) and the 20-second service level agree within 0.01 (absolute).

    The standard error of a share near 0.5 from ~180,000 correlated waits is a few thousandths, so 0.01 is
    a stated tolerance of roughly three standard errors.
    """
    waits = _simulate_mmn(n, arrivals_per_hour / 3600, aht, 200_000, seed=11)
    load = service.offered_load(arrivals_per_hour, aht)
    assert (waits > 0).mean() == pytest.approx(service.erlang_c(n, load), abs=0.01)
    assert (waits <= 20).mean() == pytest.approx(service.service_level(n, load, aht, 20), abs=0.01)
    assert waits.mean() == pytest.approx(service.average_speed_of_answer(n, load, aht), rel=0.08)


def test_agents_needed_is_the_smallest_team_meeting_the_target():
    for rate, aht in [(24.85, 384), (37.3, 384), (120, 300), (5, 600)]:
        n = service.agents_needed(rate, aht, 20, 0.8)
        load = service.offered_load(rate, aht)
        assert service.service_level(n, load, aht, 20) >= 0.8
        assert n == 1 or service.service_level(n - 1, load, aht, 20) < 0.8


# --- business-hours clock -------------------------------------------------------------------------------------
HOLIDAYS = casedata.load("support_holidays")["date"]


def _minutes_open(start: pd.Timestamp, end: pd.Timestamp) -> int:
    minutes = pd.date_range(start, end, freq="1min", inclusive="left")
    closed = set(HOLIDAYS.dt.date)
    is_open = (minutes.day_of_week < 5) & (minutes.hour >= 7) & (minutes.hour < 20) \
        & ~pd.Index(minutes.date).isin(closed)
    return int(is_open.sum())


def test_business_hours_against_a_minute_by_minute_count():
    rng = np.random.default_rng(3)
    base = pd.Timestamp("2025-04-14")
    for _ in range(60):
        start = base + pd.Timedelta(minutes=int(rng.integers(0, 14 * 24 * 60)))
        end = start + pd.Timedelta(minutes=int(rng.integers(0, 6 * 24 * 60)))
        got = service.business_hours_between(start, end, holidays=HOLIDAYS)
        assert got * 60 == pytest.approx(_minutes_open(start, end), abs=1e-9)


def test_vectorised_business_hours_equal_the_day_by_day_walk():
    tickets = casedata.load("support_tickets").iloc[::7]
    fast = service.business_hours(tickets["opened_at"], tickets["resolved_at"], holidays=HOLIDAYS)
    slow = [service.business_hours_between(s, e, holidays=HOLIDAYS) if pd.notna(e) else np.nan
            for s, e in zip(tickets["opened_at"], tickets["resolved_at"])]
    np.testing.assert_allclose(fast.to_numpy(), np.array(slow), rtol=0, atol=1e-9)
    assert fast.isna().sum() == tickets["resolved_at"].isna().sum()


def test_business_hours_examples():
    # Friday 19:00 to Monday 08:30: one hour on Friday, 1.5 on Monday.
    assert service.business_hours_between("2025-01-03 19:00", "2025-01-06 08:30") == 2.5
    # Over Easter: Thursday 17 April 18:00 to Tuesday 22 April 09:00: 2 h + 2 h (Good Friday, Easter Monday closed)
    assert service.business_hours_between("2025-04-17 18:00", "2025-04-22 09:00", holidays=HOLIDAYS) == 4.0


# --- priority, FCR, MTTR, backlog -----------------------------------------------------------------------------
ITIL_TABLE = {  # ITIL Service Operation (2011), the example impact x urgency matrix
    ("high", "high"): 1, ("high", "medium"): 2, ("high", "low"): 3,
    ("medium", "high"): 2, ("medium", "medium"): 3, ("medium", "low"): 4,
    ("low", "high"): 3, ("low", "medium"): 4, ("low", "low"): 5,
}


def test_priority_matrices():
    for (impact, urgency), p in ITIL_TABLE.items():
        assert service.priority_itil(impact, urgency) == p
        assert service.priority_kestrel(impact, urgency) == f"P{min(p, 4)}"


def test_kestrel_matrix_reproduces_the_priorities_in_support_tickets():
    tickets = casedata.load("support_tickets")
    derived = [service.priority_kestrel(i, u) for i, u in zip(tickets["impact"], tickets["urgency"])]
    assert derived == tickets["priority"].tolist()


def test_fcr_mttr_and_backlog_against_plain_recomputation():
    handling = casedata.load("ticket_handling")
    tickets = casedata.load("support_tickets")
    fcr = sum(1 for c, r in zip(handling["contacts"], handling["reopened"]) if c == 1 and not r) / len(handling)
    assert service.first_contact_resolution(handling) == pytest.approx(fcr)
    hours = [(r - o).total_seconds() / 3600 for o, r in zip(tickets["opened_at"], tickets["resolved_at"])
             if not pd.isna(r)]
    assert service.mttr_hours(tickets) == pytest.approx(sum(hours) / len(hours))
    at = pd.Timestamp("2025-12-31 23:59:59")
    ages = [(at - o).total_seconds() / 86400 for o, r in zip(tickets["opened_at"], tickets["resolved_at"])
            if pd.isna(r)]
    counts = service.backlog_ageing(tickets, at)
    assert counts.tolist() == [sum(lo <= a < hi for a in ages) for lo, hi in [(0, 7), (7, 30), (30, 90),
                                                                               (90, 1e9)]]
    assert counts.sum() == tickets["resolved_at"].isna().sum()


# --- datasets: the properties the lesson and the assignment rely on -------------------------------------------
def test_support_data_properties():
    tickets = casedata.load("support_tickets")
    handling = casedata.load("ticket_handling")
    assert handling["ticket_id"].tolist() == tickets["ticket_id"].tolist()
    assert not (handling["reopened"] & (handling["contacts"] == 1)).any()
    assert 0.40 < service.first_contact_resolution(handling) < 0.55
    holidays = set(casedata.load("support_holidays")["date"].dt.strftime("%Y-%m-%d"))
    from spmcourse.casedata.support import DESK_HOLIDAYS
    assert holidays == set(DESK_HOLIDAYS)
    contacts = casedata.load("support_contacts")
    aht = contacts["handle_seconds"].sum() / contacts["calls"].sum()
    peak = contacts.groupby(contacts["interval_start"].dt.hour)["calls"].sum() / 20
    # The staffing story: 5 agents in the peak hour, 7 in a launch week with 50 % more calls.
    assert peak.idxmax() == 9
    assert service.agents_needed(peak.max(), aht) == 5
    assert service.agents_needed(1.5 * peak.max(), aht) == 7


def test_properties_the_assignment_relies_on():
    tickets = casedata.load("support_tickets")
    holidays = casedata.load("support_holidays")["date"]
    calendar = (tickets["first_response_at"] - tickets["opened_at"]).dt.total_seconds() / 3600
    business = service.business_hours(tickets["opened_at"], tickets["first_response_at"], holidays=holidays)
    no_holidays = service.business_hours(tickets["opened_at"], tickets["first_response_at"])
    p1, target = tickets["priority"] == "P1", tickets["sla_first_response_hours"]
    contract = (calendar.where(p1, business) <= target).mean()
    # the contract, the calendar clock and the forgotten holidays give three clearly different numbers
    assert contract > 0.99 and (calendar <= target).mean() < 0.90
    assert (calendar.where(p1, no_holidays) <= target).mean() < contract - 0.005
    # the backlog on 30 November: resolved-later tickets matter (counting only never-resolved ones is wrong)
    at = pd.Timestamp("2025-11-30 23:59:59")
    open_then = tickets[(tickets["opened_at"] <= at) & ~(tickets["resolved_at"] <= at)]
    old = (at - open_then["opened_at"]) >= pd.Timedelta(days=7)
    assert old.sum() > 3 * (old & open_then["resolved_at"].isna()).sum() and old.sum() < len(open_then)
    # exactly one of the four alerting policies of question 11 meets the three criteria
    history = casedata.load("slo_history")
    policies = {"A": (("page", "5min", "5min", 10.0),), "B": operations.ALERT_POLICY,
                "C": (("page", "1h", "1h", 2.0),), "D": (("page", "3D", "3D", 1.0),)}
    meets = {}
    for letter, policy in policies.items():
        timeline = operations.alert_timeline(history, 0.999, policy)
        page = timeline[[f"alert{i}_fires" for i, a in enumerate(policy) if a[0] == "page"]].any(axis=1)
        anything = timeline[[f"alert{i}_fires" for i in range(len(policy))]].any(axis=1)
        meets[letter] = (page["2025-12-16 08:05":"2025-12-16 08:15"].any()
                         and anything["2025-12-22 06:05":"2025-12-22 18:00"].any()
                         and not page["2025-12-22 06:05":"2025-12-24 06:00"].any())
    assert meets == {"A": False, "B": True, "C": False, "D": False}


def test_slo_history_properties():
    history = casedata.load("slo_history")
    assert len(history) == 28 * 24 * 12
    left = operations.budget_left(history["requests"].sum(), history["errors"].sum(), 0.999)
    assert 0.10 < left < 0.30  # most of the budget is spent, but not all
    timeline = operations.alert_timeline(history, 0.999)
    day = timeline.index.normalize()
    pages = timeline["alert0_fires"] | timeline["alert1_fires"]
    assert set(day[pages].strftime("%m-%d")) == {"12-09", "12-16"}        # the spike and the outage page
    slow = timeline.loc["2025-12-22":"2025-12-24"]
    assert not (slow["alert0_fires"] | slow["alert1_fires"]).any()         # the slow burn never pages
    assert slow["alert2_fires"].any()                                      # but it raises a ticket


# --- operations -----------------------------------------------------------------------------------------------
def test_window_burn_rates_match_a_plain_loop_and_the_fast_timeline():
    history = casedata.load("slo_history")
    timeline = operations.alert_timeline(history, 0.999)
    for at in ["2025-12-09 13:30", "2025-12-16 08:30", "2025-12-23 12:00", "2025-12-31 23:00"]:
        at = pd.Timestamp(at)
        for i, (_, long_w, short_w, threshold) in enumerate(operations.ALERT_POLICY):
            for name, w in (("long", long_w), ("short", short_w)):
                req = err = 0
                for start, r, e in zip(history["window_start"], history["requests"], history["errors"]):
                    if at - pd.Timedelta(w) <= start < at:
                        req, err = req + r, err + e
                plain = err / req / 0.001
                assert operations.window_burn_rate(history, at, w, 0.999) == pytest.approx(plain)
                assert timeline.loc[at, f"alert{i}_{name}"] == pytest.approx(plain)
        table = operations.evaluate_alerts(history, at, 0.999)
        assert table["fires"].tolist() == [bool(timeline.loc[at, f"alert{i}_fires"]) for i in range(3)]


def test_budget_and_burn_rate_definitions():
    assert operations.error_budget(0.999) == pytest.approx(0.001)
    assert operations.burn_rate(1_000, 1, 0.999) == pytest.approx(1.0)
    assert operations.budget_left(1_000_000, 1_000, 0.999) == pytest.approx(0.0)
    # 14.4 over one hour spends 2 % of a 30-day budget: 14.4 x 1 h / 720 h
    assert 14.4 * 1 / (30 * 24) == pytest.approx(0.02)


def test_raci_faults_against_a_count():
    raci = casedata.load("raci_draft")
    roles = [c for c in raci.columns if c != "activity"]
    counts = {row["activity"]: sum(row[r] == "A" for r in roles) for _, row in raci.iterrows()}
    expected = {a: ("no A" if c == 0 else "several A") for a, c in counts.items() if c != 1}
    assert operations.raci_faults(raci) == expected
    assert sorted(expected.values()) == ["no A", "no A", "several A", "several A"]


# --- explorers ------------------------------------------------------------------------------------------------
def test_staffing_explorer_layers():
    import matplotlib.pyplot as plt

    result = staffing_explorer.compute_staffing(arrivals_per_hour=24.85, aht_seconds=384, target_seconds=20,
                                                target_level=0.8)
    assert result["agents_needed"] == 5
    ax = staffing_explorer.plot_staffing(result)
    assert ax.get_title()
    plt.close("all")
    box = staffing_explorer.build_staffing_explorer()
    box.controls["arrivals_per_hour"].value = 40.0
    assert box.controls["arrivals_per_hour"].value == 40.0
    plt.close("all")


def test_error_budget_explorer_layers():
    import matplotlib.pyplot as plt

    history = casedata.load("slo_history")
    result = error_budget_explorer.compute_error_budget(history, slo=0.999, window_days=28)
    assert 0.10 < result["budget_left"] < 0.30
    assert result["pages"] >= 2
    ax = error_budget_explorer.plot_error_budget(result)
    assert ax.get_title()
    plt.close("all")
    box = error_budget_explorer.build_error_budget_explorer(history)
    box.controls["slo"].value = 0.995
    plt.close("all")
