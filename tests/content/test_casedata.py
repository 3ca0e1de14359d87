"""The case-study data: reproducible, loadable from anywhere, documented, and internally consistent."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kano_rules import category_by_rules as _by_rules
from spmcourse import casedata, pricing
from spmcourse.casedata import DATASETS, card, customer_base, generate, load, pipeline, survey, usage

DATA = Path(casedata.__file__).resolve().parent.parent / "data"
FIBONACCI = {1, 2, 3, 5, 8, 13, 20}


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return {name: load(name) for name in DATASETS}


# --- reproducibility, packaging, documentation ----------------------------------------------------------------
def test_regenerating_gives_byte_identical_files(tmp_path):
    written = generate(tmp_path)
    assert [p.name for p in written] == [f"{name}.csv" for name in DATASETS]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{name}.csv" for name in DATASETS)
    for path in written:
        committed = DATA / path.name
        assert committed.exists(), f"{path.name} is missing from {DATA}"
        assert path.read_bytes() == committed.read_bytes(), f"{path.name} differs: run python -m spmcourse.casedata"


def test_files_use_unix_newlines_and_no_index():
    for name in DATASETS:
        raw = (DATA / f"{name}.csv").read_bytes()
        assert b"\r" not in raw, name
        assert raw.endswith(b"\n"), name
        assert not raw.startswith(b","), f"{name} has an index column"


def test_every_dataset_loads_from_another_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in DATASETS:
        frame = load(name)
        assert len(frame) > 0, name
        for column in casedata._DATE_COLUMNS.get(name, ()):
            assert pd.api.types.is_datetime64_any_dtype(frame[column]), (name, column)
        raw = load(name, parse_dates=False)
        for column in casedata._DATE_COLUMNS.get(name, ()):
            assert not pd.api.types.is_datetime64_any_dtype(raw[column]), (name, column)


def test_loading_again_gives_an_equal_frame_of_its_own():
    """load() keeps what it read; a frame it handed out can be changed without changing the next load."""
    casedata._loaded.clear()
    loads = [load("customers") for _ in range(3)]  # the first reads the file, the others come from what it kept
    original_segment = loads[0].loc[0, "segment"]
    for frame in loads[:2]:
        frame.loc[0, "segment"] = "changed"
        frame["extra"] = 1
    assert "extra" not in loads[2].columns and loads[2].loc[0, "segment"] == original_segment
    casedata._loaded.clear()
    pd.testing.assert_frame_equal(loads[2], load("customers"))  # the kept frame is what a fresh read gives


def test_total_size_is_below_five_megabytes():
    total = sum((DATA / f"{name}.csv").stat().st_size for name in DATASETS)
    assert total < 5 * 1024 * 1024, f"{total / 1e6:.2f} MB"


@pytest.mark.parametrize("name", DATASETS)
def test_every_dataset_has_a_card_that_documents_every_column(name, frames):
    text = card(name)
    assert text.startswith("# "), "the card starts with a title"
    assert "Fictional data" in text
    generators = re.findall(r"`spmcourse/casedata/(\w+)\.py`", text)
    assert generators, "the card names the file that generates the data"
    assert all((DATA.parent / "casedata" / f"{g}.py").exists() for g in generators), generators
    for heading in ("## Columns", "## Grain", "## Size", "## Caveats"):
        assert heading in text, f"{name} card lacks {heading!r}"
    table_columns = re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE)
    assert table_columns == list(frames[name].columns), f"{name}: card table rows != CSV columns"
    rows = re.search(r"\*\*([\d,]+) rows\*\*", text)
    assert rows and int(rows.group(1).replace(",", "")) == len(frames[name]), f"{name}: card states a wrong size"


def test_show_card_displays_markdown(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    casedata.show_card("customers")
    assert isinstance(shown[0], IPython.display.Markdown) and shown[0].data == card("customers")


def test_unknown_names_raise_a_helpful_error():
    for function in (load, card):
        with pytest.raises(ValueError) as err:
            function("nope")
        message = str(err.value)
        assert "nope" in message and all(name in message for name in DATASETS)


# --- customers, subscriptions, mrr_movements ------------------------------------------------------------------
def test_customers(frames):
    c = frames["customers"]
    assert 400 <= len(c) <= 600
    assert c["customer_id"].is_unique and c["customer_id"].str.fullmatch(r"C\d{4}").all()
    assert c["company_name"].is_unique
    assert set(c["segment"]) == set(casedata.SEGMENTS)
    assert set(c["industry"]) == set(casedata.INDUSTRIES)
    assert set(c["region"]) == set(casedata.REGIONS)  # "NA" must not be read as missing
    assert set(c["plan"]) == set(casedata.PLANS)
    assert set(c["acquisition_channel"]) == {"inbound", "outbound", "partner"}
    assert c["signup_date"].between("2022-01-01", "2025-12-31").all()
    churned = c.dropna(subset=["churn_date"])
    assert (churned["churn_date"] > churned["signup_date"]).all()
    assert (churned["churn_date"] <= "2025-12-31").all()
    for segment, (_, low, high) in customer_base.SEAT_RANGE.items():
        assert c.loc[c["segment"] == segment, "seats_at_signup"].between(low, high).all(), segment
    rate = c.groupby("segment")["churn_date"].apply(lambda s: s.notna().mean())
    assert rate["SMB"] > rate["Mid-Market"] > rate["Enterprise"], "SMB churns most"


def test_subscriptions_follow_the_customers(frames):
    c, s = frames["customers"].set_index("customer_id"), frames["subscriptions"]
    assert set(s["customer_id"]) <= set(c.index)
    assert (s["month"].dt.day == 1).all() and s["month"].between("2022-01-01", "2025-12-01").all()
    assert not s.duplicated(["month", "customer_id"]).any()
    assert np.allclose(s["mrr"], (s["seats"] * s["price_per_seat"]).round(2))
    for customer_id, rows in s.groupby("customer_id"):
        first = c.loc[customer_id, "signup_date"].to_period("M").to_timestamp()
        churn = c.loc[customer_id, "churn_date"]
        last = (churn.to_period("M") - 1).to_timestamp() if pd.notna(churn) else pd.Timestamp("2025-12-01")
        expected = pd.date_range(first, last, freq="MS")
        assert list(rows["month"]) == list(expected), customer_id


def test_mrr_movements_reconcile_exactly_with_subscriptions(frames):
    s, m, c = frames["subscriptions"], frames["mrr_movements"], frames["customers"]
    assert set(m["customer_id"]) <= set(c["customer_id"])
    assert set(m["movement"]) == {"new", "expansion", "contraction", "churn"}
    # Cumulative changes in cents, per customer and month, on the full month grid.
    grid = pd.MultiIndex.from_product([sorted(c["customer_id"]), customer_base.MONTHS], names=["customer_id", "month"])
    change = (m.assign(cents=(m["mrr_change"] * 100).round().astype(int))
              .groupby(["customer_id", "month"])["cents"].sum().reindex(grid, fill_value=0))
    cumulative = change.groupby(level="customer_id").cumsum()
    mrr = (s.assign(cents=(s["mrr"] * 100).round().astype(int))
           .set_index(["customer_id", "month"])["cents"].reindex(grid, fill_value=0))
    assert (cumulative == mrr).all(), "sum of movements up to a month must equal that month's MRR"
    after = (m["mrr_after"] * 100).round().astype(int)
    assert (after.to_numpy() == cumulative.loc[list(zip(m["customer_id"], m["month"]))].to_numpy()).all()
    assert (m.loc[m["movement"] == "expansion", "mrr_change"] > 0).all()
    assert (m.loc[m["movement"] == "contraction", "mrr_change"] < 0).all()
    assert (m.loc[m["movement"] == "churn", "mrr_after"] == 0).all()
    # new in the signup month, churn in the churn-date month, once per customer
    ids = c.set_index("customer_id")
    new = m[m["movement"] == "new"].set_index("customer_id")["month"]
    assert new.index.is_unique and len(new) == len(c)
    assert (new == ids.loc[new.index, "signup_date"].dt.to_period("M").dt.to_timestamp()).all()
    churn = m[m["movement"] == "churn"].set_index("customer_id")["month"]
    assert churn.index.is_unique and set(churn.index) == set(ids.dropna(subset=["churn_date"]).index)
    assert (churn == ids.loc[churn.index, "churn_date"].dt.to_period("M").dt.to_timestamp()).all()


def test_price_increase_causes_a_churn_spike(frames):
    m = frames["mrr_movements"]
    churns = m[m["movement"] == "churn"].groupby("month").size().reindex(customer_base.MONTHS[12:], fill_value=0)
    spike = churns.loc["2024-04-01":"2024-06-01"].mean()
    usual = churns.drop(pd.date_range("2024-03-01", "2024-07-01", freq="MS")).mean()
    assert spike > 2 * usual
    prices = frames["subscriptions"].groupby(["month", "plan"])["price_per_seat"].max().unstack()
    assert prices.loc["2024-03-01", ["Starter", "Growth", "Scale"]].tolist() == [5.0, 8.0, 12.0]
    assert prices.loc["2024-04-01", ["Starter", "Growth", "Scale"]].tolist() == [6.0, 9.0, 14.0]


# --- usage_events and trial_funnel ----------------------------------------------------------------------------
def test_usage_events(frames):
    u, c, s = frames["usage_events"], frames["customers"].set_index("customer_id"), frames["subscriptions"]
    assert 25_000 <= len(u) <= 40_000
    assert u["event_id"].is_unique and u["timestamp"].is_monotonic_increasing
    assert u["timestamp"].between("2025-10-01", "2026-01-01").all() and (u["timestamp"] < "2026-01-01").all()
    assert set(u["event"]) == set(usage.EVENT_NAMES)
    assert set(u["platform"]) == {"web", "mobile"}
    assert set(u["customer_id"]) <= set(c.index)
    churn = u["customer_id"].map(c["churn_date"])
    assert (churn.isna() | (u["timestamp"] < churn)).all(), "no events after a churn"
    assert (u.loc[u["event"] == "mobile_checkin", "platform"] == "mobile").all()
    # each user belongs to one customer
    assert (u.groupby("user_id")["customer_id"].nunique() == 1).all()
    # weekly pattern
    per_day = u.groupby(u["timestamp"].dt.normalize()).size()
    weekend = per_day.index.day_of_week >= 5
    assert per_day[~weekend].mean() > 1.5 * per_day[weekend].mean()
    # feature adoption differs by plan
    plan = u["customer_id"].map(s[s["month"] == "2025-10-01"].set_index("customer_id")["plan"])
    by_plan = pd.crosstab(u["event"], plan)
    assert by_plan.loc["shift_swap_requested", "Starter"] == 0
    assert by_plan.loc["insights_dashboard_viewed", "Starter"] == 0
    assert by_plan.loc["insights_dashboard_viewed", "Scale"] > by_plan.loc["insights_dashboard_viewed", "Growth"]


def test_trial_funnel_is_monotone(frames):
    t = frames["trial_funnel"]
    steps = ["signed_up", "invited_team", "created_first_schedule", "published_schedule", "converted_to_paid"]
    assert 2_000 <= len(t) <= 4_000 and t["trial_id"].is_unique
    assert t["signup_date"].dt.year.eq(2025).all()
    assert all(t[step].dtype == bool for step in steps)
    for earlier, later in zip(steps, steps[1:]):
        assert not (t[later] & ~t[earlier]).any(), f"{later} without {earlier}"
    rates = t[steps].mean()
    assert (rates.diff().dropna() < 0).all() and 0.03 < rates["converted_to_paid"] < 0.2


# --- backlog --------------------------------------------------------------------------------------------------
def _dependencies(backlog: pd.DataFrame) -> dict[str, list[str]]:
    return {row.item_id: (row.depends_on.split(";") if isinstance(row.depends_on, str) else [])
            for row in backlog.itertuples()}


def test_backlog_values_are_valid(frames):
    b = frames["backlog"]
    assert 24 <= len(b) <= 30
    assert list(b["item_id"]) == [f"K{i:02d}" for i in range(1, len(b) + 1)]
    for column in ("business_value", "time_criticality", "risk_reduction", "job_size"):
        assert set(b[column]) <= FIBONACCI, column
    assert set(b["impact"]) <= {0.25, 0.5, 1, 2, 3}
    assert set(b["confidence"]) <= {0.5, 0.8, 1.0}
    assert set(b["risk"]) <= {"low", "medium", "high"}
    assert set(b["moscow"]) == {"Must", "Should", "Could", "Won't"}
    assert set(b["product_line"]) <= {"Kestrel Shifts", "Kestrel Timeclock", "Payroll Connect", "Kestrel Insights"}
    assert (b["effort_weeks"] > 0).all() and (b["value_eur"] > 0).all() and (b["requested_by"] >= 0).all()


def test_backlog_dependencies_form_a_dag_with_chains(frames):
    b = frames["backlog"]
    deps = _dependencies(b)
    for item, needs in deps.items():
        assert set(needs) <= set(deps), f"{item} depends on unknown items {needs}"
        assert item not in needs
    depth: dict[str, int] = {}

    def chain_length(item: str, visiting: frozenset = frozenset()) -> int:
        assert item not in visiting, f"dependency cycle through {item}"
        if item not in depth:
            depth[item] = 1 + max((chain_length(d, visiting | {item}) for d in deps[item]), default=0)
        return depth[item]

    lengths = [chain_length(item) for item in deps]
    assert max(lengths) == 3 and sum(length == 3 for length in lengths) >= 2, "several chains of depth 2-3"


def test_backlog_has_deliberate_trade_offs(frames):
    b = frames["backlog"].set_index("item_id")
    wsjf = (b["business_value"] + b["time_criticality"] + b["risk_reduction"]) / b["job_size"]
    assert wsjf.round(6).duplicated().any(), "at least two items share a WSJF score"
    top = b["value_eur"].idxmax()
    enablers = _dependencies(b.reset_index())[top]
    assert enablers and (b.loc[enablers, "value_eur"] < b["value_eur"].median()).all()
    assert b["requested_by"].idxmax() == b.index[b["moscow"] == "Won't"][0], "most requested item is a Won't"


# --- survey_responses -----------------------------------------------------------------------------------------
def test_survey_responses(frames):
    r, c = frames["survey_responses"], frames["customers"].set_index("customer_id")
    assert 300 <= len(r) <= 500 and r["respondent_id"].is_unique
    customers = r.dropna(subset=["customer_id"])
    assert set(customers["customer_id"]) <= set(c.index)
    assert (customers["segment"] == customers["customer_id"].map(c["segment"])).all()
    assert r["customer_id"].isna().sum() > 50, "prospects have no customer_id"
    assert not customers.duplicated(["customer_id", "role"]).any()
    assert set(r["role"]) == {"owner", "ops_manager", "hr", "it"}
    nps = r["nps"].dropna()
    assert nps.between(0, 10).all() and (nps == nps.round()).all() and r["nps"].isna().any()
    assert r.loc[r["customer_id"].isna(), "nps"].isna().all()
    assert r["response_date"].dt.strftime("%Y-%m").eq("2025-09").all()
    answers = {"like", "must-be", "neutral", "live-with", "dislike"}
    for feature in survey.KANO_FEATURES:
        for side in ("functional", "dysfunctional"):
            assert set(r[f"kano_{feature}_{side}"]) <= answers
    vw = r[["vw_too_cheap", "vw_cheap", "vw_expensive", "vw_too_expensive"]].to_numpy()
    assert (np.diff(vw, axis=1) > 0).all(), "too_cheap < cheap < expensive < too_expensive"
    gg = r[[f"gg_buy_at_{p}" for p in (6, 8, 10, 12, 14)]].to_numpy().astype(int)
    assert (np.diff(gg, axis=1) <= 0).all(), "Gabor-Granger answers never return to yes at a higher price"



@pytest.mark.parametrize("segment", ["all", "SMB", "Mid-Market", "Enterprise"])
def test_van_westendorp_curves_cross_at_a_real_share(frames, segment):
    """Do "too cheap" and "too expensive" cross where a real share of respondents stands on each curve?

    In every segment the course grades (lesson: all respondents; exercise: Enterprise; assignment: Mid-Market),
    the optimal price point must rest on at least 10 % of the segment's respondents, and at least 5 people, on
    each of the two curves; otherwise the "optimal" price is only the first price where both shares are about
    zero (the degenerate case the lesson shows). Checked with an independent computation: counts of
    respondents on either side of the crossing, found by brute force over every half-euro price.
    """
    r = frames["survey_responses"]
    if segment != "all":
        r = r[r["segment"] == segment]
    tc, te = r["vw_too_cheap"].to_numpy(), r["vw_too_expensive"].to_numpy()
    grid = np.arange(0.5, 25.01, 0.5)
    n_tc = np.array([(tc >= p).sum() for p in grid])
    n_te = np.array([(te <= p).sum() for p in grid])
    first = int(np.flatnonzero(n_tc <= n_te)[0])      # the crossing lies between grid[first - 1] and grid[first]
    assert first > 0, "the curves must start apart"
    for i in (first - 1, first):
        low = min(n_tc[i], n_te[i])
        assert low >= max(5, 0.10 * len(r)) or max(n_tc[i], n_te[i]) >= 0.10 * len(r), (
            f"{segment}: only {n_tc[i]} (too cheap) and {n_te[i]} (too expensive) of {len(r)} respondents at "
            f"EUR {grid[i]:.2f}")
    share = (n_tc[first - 1] + n_te[first]) / 2 / len(r)
    assert 0.10 <= share <= 0.30, f"{segment}: the curves cross at a share of {share:.3f}"
    opp = pricing.van_westendorp_points(pricing.van_westendorp_curves(
        r["vw_too_cheap"], r["vw_cheap"], r["vw_expensive"], r["vw_too_expensive"], prices=grid))
    assert grid[first - 1] <= opp["OPP"] <= grid[first]
    assert opp["PMC"] < opp["OPP"] < opp["PME"] and opp["PMC"] < opp["IPP"] < opp["PME"]


def test_kano_features_land_in_different_categories(frames):
    r = frames["survey_responses"]

    def mode(feature, rows=r):
        categories = [_by_rules(f, d) for f, d in
                      zip(rows[f"kano_{feature}_functional"], rows[f"kano_{feature}_dysfunctional"])]
        return pd.Series(categories).mode()[0]

    assert mode("auto_scheduling") == "O" and mode("payroll_export") == "O"
    assert mode("mobile_app") == "M"
    assert mode("ai_forecasting") == "A"
    assert mode("dark_mode") == "I"
    assert mode("sso") == "I" and mode("sso", r[r["segment"] == "Enterprise"]) == "M"


# --- pipeline -------------------------------------------------------------------------------------------------
def test_pipeline_stages(frames):
    st = frames["pipeline_stages"]
    assert list(st["stage"]) == list(pipeline.STAGES) and list(st["stage_order"]) == list(range(1, 8))
    open_probabilities = st["win_probability"].iloc[:5]
    assert open_probabilities.is_monotonic_increasing and open_probabilities.iloc[0] == 0.05
    assert open_probabilities.iloc[-1] == 0.75
    assert st.set_index("stage").loc[["Closed Won", "Closed Lost"], "win_probability"].tolist() == [1.0, 0.0]


def test_pipeline(frames):
    p, stages = frames["pipeline"], frames["pipeline_stages"]
    assert 400 <= len(p) <= 800 and p["opportunity_id"].is_unique
    assert set(p["stage"]) == set(stages["stage"]), "every stage occurs and only valid stages"
    assert p["created_date"].dt.year.isin([2024, 2025]).all()
    assert (p["stage_entered_date"] >= p["created_date"]).all()
    assert (p["stage_entered_date"] <= "2025-12-31").all()
    closed = p["stage"].isin(["Closed Won", "Closed Lost"])
    assert (p.loc[closed, "close_date"] == p.loc[closed, "stage_entered_date"]).all()
    assert (p.loc[~closed, "close_date"] >= p.loc[~closed, "stage_entered_date"]).all()
    assert (p.loc[~closed, "close_date"] < "2025-12-31").any(), "some open deals have stale close dates"
    lost = p["stage"] == "Closed Lost"
    assert p.loc[lost, "lost_at_stage"].isin(stages["stage"].iloc[:5]).all()
    assert p.loc[~lost, "lost_at_stage"].isna().all()
    assert p.loc[lost, "lost_reason"].notna().all() and p.loc[~lost, "lost_reason"].isna().all()
    assert (p["amount_arr"] > 0).all() and p["amount_arr"].mean() > 1.5 * p["amount_arr"].median(), "skewed deals"
    assert set(p["region"]) == set(casedata.REGIONS)


# --- support_tickets ------------------------------------------------------------------------------------------
def test_support_tickets(frames):
    t, c = frames["support_tickets"], frames["customers"].set_index("customer_id")
    assert 3_000 <= len(t) <= 5_000 and t["ticket_id"].is_unique
    assert set(t["customer_id"]) <= set(c.index)
    assert t["opened_at"].dt.year.eq(2025).all()
    assert (t["opened_at"] >= t["customer_id"].map(c["signup_date"])).all()
    churn = t["customer_id"].map(c["churn_date"])
    assert (churn.isna() | (t["opened_at"] < churn)).all(), "no tickets from former customers"
    assert (t["first_response_at"] > t["opened_at"]).all()
    resolved = t.dropna(subset=["resolved_at"])
    assert (resolved["resolved_at"] >= resolved["first_response_at"]).all()
    assert 0 < t["resolved_at"].isna().sum() < 0.05 * len(t)
    assert set(t["channel"]) == {"email", "chat", "phone"}
    assert set(t["category"]) == {"bug", "how-to", "billing", "integration", "outage"}
    level = {"high": 3, "medium": 2, "low": 1}
    score = t["impact"].map(level) + t["urgency"].map(level)
    assert (t["priority"] == score.map({6: "P1", 5: "P2", 4: "P3", 3: "P4", 2: "P4"})).all()
    assert (t["sla_first_response_hours"] == t["priority"].map({"P1": 1, "P2": 4, "P3": 8, "P4": 24})).all()
    hours = (t["first_response_at"] - t["opened_at"]).dt.total_seconds() / 3600
    breach = (hours > t["sla_first_response_hours"]).mean()
    assert 0.03 < breach < 0.30, f"some but not most tickets breach the SLA ({breach:.0%})"
    duration = (resolved["resolved_at"] - resolved["opened_at"]).dt.total_seconds()
    assert duration.mean() > 2 * duration.median(), "long-tailed resolution times"


# --- market, competitors, product_lines, financial_plan -------------------------------------------------------
def test_market(frames):
    m = frames["market"]
    assert len(m) == 45 and not m.duplicated(["year", "segment", "region"]).any()
    assert set(m["year"]) == set(range(2021, 2026))
    assert np.allclose(m["market_revenue_eur"], m["potential_customers"] * m["avg_annual_spend_eur"], atol=0.01)
    totals = m.groupby("year")["market_revenue_eur"].sum()
    assert totals.is_monotonic_increasing


def test_competitor_shares_sum_to_one(frames):
    k = frames["competitors"]
    assert set(k["year"]) == set(range(2021, 2026))
    sums = k.groupby("year")["market_share"].sum()
    assert np.allclose(sums, 1.0, atol=1e-9)
    assert (k["market_share"] > 0).all()
    for year, rows in k.groupby("year"):
        assert {"Kestrel Software", "Others"} <= set(rows["competitor"]), year
    named = k[k["competitor"] != "Others"]
    assert set(named["deployment"]) == {"SaaS", "on-premise", "hybrid"}
    assert named["list_price_per_seat_eur"].notna().all()


def test_product_lines_show_four_life_cycle_stages(frames):
    pl = frames["product_lines"]
    assert not pl.duplicated(["product_line", "year"]).any()
    revenue = pl.pivot(index="year", columns="product_line", values="revenue_eur")
    growth = revenue.pct_change(fill_method=None).loc[2025]
    assert 0 < growth["Kestrel Shifts"] < 0.10, "Shifts is mature"
    assert growth["Kestrel Timeclock"] < -0.05, "Timeclock declines"
    assert growth["Payroll Connect"] > 0.20, "Payroll Connect grows"
    assert revenue["Kestrel Insights"].first_valid_index() == 2024, "Insights is new"
    assert revenue.loc[2025, "Kestrel Insights"] < 0.02 * revenue.loc[2025].sum()
    assert revenue["Kestrel Timeclock"].idxmax() < 2020 and revenue["Kestrel Shifts"].is_monotonic_increasing
    # Shifts includes the simulated 2022+ customers plus the customers won before 2022
    subs = frames["subscriptions"]
    simulated = subs.groupby(subs["month"].dt.year)["mrr"].sum()
    assert (revenue.loc[2022:2025, "Kestrel Shifts"] > simulated).all()


def _npv(rate: float, flows) -> float:
    return sum(flow / (1 + rate) ** t for t, flow in enumerate(flows))


def test_financial_plan_is_a_sensible_business_case(frames):
    f = frames["financial_plan"]
    assert list(f["year"]) == list(range(6)) and list(f["calendar_year"]) == list(range(2026, 2032))
    costs = f[["one_off_development", "recurring_development", "operations", "go_to_market"]].sum(axis=1)
    assert np.allclose(f["total_cost"], costs)
    assert np.allclose(f["revenue"], f["seats"] * f["price_per_seat_month"] * 12)
    assert np.allclose(f["net_cash_flow"], f["revenue"] - f["total_cost"])
    assert 1_200_000 <= f["one_off_development"].sum() <= 1_800_000
    flows = f["net_cash_flow"].to_numpy()
    assert flows[0] < 0 and flows[-1] > 0
    cumulative = flows.cumsum()
    turn = int(np.argmax(cumulative > 0))
    payback = turn - 1 + -cumulative[turn - 1] / flows[turn]
    assert 2 < payback < 4 and payback != round(payback), "fractional payback"
    low, high = 0.0, 1.0  # IRR by bisection: NPV falls as the rate rises
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if _npv(middle, flows) > 0 else (low, middle)
    assert 0.15 < low < 0.60, f"IRR {low:.1%}"


def test_lessons_load_data_without_importing_the_generators():
    """A lesson imports the loader only: the seeded generators are imported to regenerate the files, not to read."""
    code = ("import sys; from spmcourse import casedata; casedata.load('customers'); "
            "print(sorted(m for m in sys.modules if m.startswith('spmcourse.casedata.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out
