"""Requirements lint, story check, traceability and triage (module 07), each against a re-computation by a
different method, and the properties of the module's datasets."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from spmcourse import casedata, requirements_quality as rq


def _tokens_hits(text: str) -> set[str]:
    """Weak terms found by padding and token matching instead of regular expressions."""
    norm = " " + " ".join(re.sub(r"[^\w\-/.]", " ", text.lower()).split()) + " "
    found = set()
    for term in rq.WEAK_TERM_CATEGORY:
        t = term.lower()
        if t.endswith("."):
            if f" {t}" in norm:
                found.add(term)
        elif f" {t} " in norm.replace(". ", " ").replace(".", " ") + " ":
            found.add(term)
    # a term inside a longer listed term found at the same place counts as the longer term
    for long_term in list(found):
        for short in list(found):
            if short != long_term and re.search(rf"\b{re.escape(short)}\b", long_term):
                found.discard(short)
    return found


@pytest.fixture(scope="module")
def reqs():
    return casedata.load("requirements")


def test_weak_terms_agree_with_token_matching(reqs):
    for text in reqs["text"]:
        assert set(rq.weak_terms_in(text)) == _tokens_hits(text), text


def test_lint_flags_of_the_case_requirements(reqs):
    flags = rq.lint_table(reqs)["flags"].to_dict()
    flagged = {k: v for k, v in flags.items() if v}
    assert flagged == {
        "R04": ["ambiguous", "unmeasurable"], "R07": ["compound"], "R10": ["no_end", "not_atomic"],
        "R13": ["ambiguous", "no_shall", "unmeasurable"], "R14": ["not_a_story"], "R16": ["ambiguous"],
        "R18": ["unmeasurable"], "R21": ["ambiguous"], "R23": ["ambiguous", "unmeasurable"]}
    # recompute by hand: shall statements without 'shall', several 'shall', quality without digit
    for r in reqs.itertuples():
        words = r.text.lower().replace(".", " ").replace(",", " ").split()
        assert ("no_shall" in flags[r.req_id]) == (r.form == "shall" and "shall" not in words)
        assert ("compound" in flags[r.req_id]) == (words.count("shall") > 1)
        assert ("unmeasurable" in flags[r.req_id]) == (r.kind == "quality" and not any(c.isdigit() for c in r.text))


def test_story_check_by_splitting():
    cases = {
        "As a shift manager, I want to copy last week's rota, so that I save time.": [],
        "As an employee, I want to swap shifts or sell them, so that I am flexible.": ["not_atomic"],
        "As a planner, I want exports in PDF/CSV.": ["no_end", "not_atomic"],
        "Export the rota to PDF.": ["not_a_story"],
        "As a nurse I want to see my shifts": ["not_a_story"],
    }
    for text, expected in cases.items():
        assert rq.check_story(text)["flags"] == expected, text
    parsed = rq.check_story("As an IT admin, I want leavers removed, so that access ends.")
    head, _, end = parsed["role"], None, parsed["end"]
    assert head == "IT admin" and parsed["means"] == "leavers removed" and end == "access ends"


def test_trace_coverage_by_counting(reqs):
    low = reqs[reqs["level"].isin(["function", "component"])]
    got = rq.trace_coverage(low)
    n_test = sum(isinstance(t, str) and len(t) > 0 for t in low["test_ids"])
    n_item = sum(isinstance(t, str) and len(t) > 0 for t in low["item_id"])
    assert len(low) == 18 and n_test == 13 and n_item == 17
    assert got["forward"] == pytest.approx(n_test / 18) and got["backward"] == pytest.approx(n_item / 18)
    # every parent exists and sits one level up
    levels = ["product", "feature", "function", "component"]
    level = reqs.set_index("req_id")["level"]
    for r in reqs.dropna(subset=["parent_id"]).itertuples():
        assert levels.index(level[r.parent_id]) < levels.index(r.level)
    items = set(casedata.load("backlog")["item_id"])
    assert set(reqs["item_id"].dropna()) <= items


def test_triage_against_a_plain_loop():
    req = casedata.load("feature_requests")
    customers_per_theme: dict[str, set] = {}
    for r in req.itertuples():
        if r.kind == "feature":
            customers_per_theme.setdefault(r.theme, set()).add(r.customer_id)
    expected = []
    for r in req.itertuples():
        if r.kind in ("bug", "question"):
            expected.append("route")
        elif isinstance(r.item_id, str):
            expected.append("merge")
        elif r.theme in {"crm", "accounting_ledger", "inventory"}:
            expected.append("decline")
        elif len(customers_per_theme[r.theme]) >= 5:
            expected.append("evaluate")
        else:
            expected.append("park")
    got = rq.triage(req)
    assert list(got) == expected
    assert got.value_counts().to_dict() == {"merge": 97, "route": 23, "evaluate": 14, "park": 9, "decline": 9}


def test_feature_requests_properties():
    req = casedata.load("feature_requests")
    customers = casedata.load("customers").set_index("customer_id")
    tickets = casedata.load("support_tickets").set_index("ticket_id")
    assert req["request_id"].is_unique and set(req["customer_id"]) <= set(customers.index)
    assert (req["segment"] == req["customer_id"].map(customers["segment"])).all()
    assert customers.loc[req["customer_id"], "churn_date"].isna().all() or \
        (customers.loc[req["customer_id"], "churn_date"].dropna() > pd.Timestamp("2025-12-31")).all()
    sup = req[req["channel"] == "support"]
    assert sup["ticket_id"].notna().all() and req.loc[req["channel"] != "support", "ticket_id"].isna().all()
    assert (tickets.loc[sup["ticket_id"], "customer_id"].to_numpy() == sup["customer_id"].to_numpy()).all()
    assert (tickets.loc[sup["ticket_id"], "opened_at"].dt.normalize().to_numpy()
            == sup["received_date"].to_numpy()).all()
    by_theme = req[req["kind"] == "feature"].groupby("theme")["customer_id"].agg(["size", "nunique"])
    assert tuple(by_theme.loc["break_planning"]) == (7, 4), "requests >= 5 but customers < 5"
    assert by_theme.loc["shift_bidding", "nunique"] == 5, "exactly at the evaluate threshold"
    assert by_theme["size"].idxmax() == "dark_mode"


def test_explain_gives_one_reason_per_flag():
    text = "The app should be fast etc."
    flags = rq.lint(text, "quality")
    reasons = rq.explain(flags, text)
    assert len(reasons) == len(flags) == 3 and "'fast'" in reasons[0] and "'etc.'" in reasons[0]
