"""Kano helpers (module 07) against an independent re-computation, and the survey properties the module uses."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from spmcourse import casedata, kano
from spmcourse.casedata import survey

from kano_rules import category_by_rules as _by_rules

FEATURES = survey.KANO_FEATURES


def test_table_lookup_agrees_with_the_rules_for_all_25_pairs():
    for f in kano.ANSWERS:
        for d in kano.ANSWERS:
            assert kano.kano_category(f, d) == _by_rules(f, d), (f, d)
    with pytest.raises(ValueError):
        kano.kano_category("love", "dislike")


@pytest.fixture(scope="module")
def survey():
    return casedata.load("survey_responses")


def _independent(rows: pd.DataFrame, feature: str) -> dict:
    cats = Counter(_by_rules(f, d) for f, d in zip(rows[f"kano_{feature}_functional"],
                                                   rows[f"kano_{feature}_dysfunctional"]))
    valid = {c: cats.get(c, 0) for c in "AOMIR"}
    best = max(valid.values())
    # tie-break M > O > A > I > R by sorting on (count, priority)
    priority = {"M": 4, "O": 3, "A": 2, "I": 1, "R": 0}
    category = sorted(valid, key=lambda c: (valid[c], priority[c]))[-1]
    assert valid[category] == best
    a, o, m, i = (cats.get(c, 0) for c in "AOMI")
    n = np.array([a, o, m, i], dtype=float)
    return {"category": category, "cs_plus": n[:2].sum() / n.sum(), "cs_minus": -(n[1:3].sum()) / n.sum(),
            "counts": dict(cats)}


@pytest.mark.parametrize("segment", [None, "SMB", "Mid-Market", "Enterprise"])
def test_kano_table_matches_the_independent_count(survey, segment):
    rows = survey if segment is None else survey[survey["segment"] == segment]
    table = kano.kano_table(rows, FEATURES)
    for feature in FEATURES:
        ref = _independent(rows, feature)
        assert table.loc[feature, "category"] == ref["category"]
        assert table.loc[feature, "cs_plus"] == pytest.approx(ref["cs_plus"])
        assert table.loc[feature, "cs_minus"] == pytest.approx(ref["cs_minus"])
        for c in kano.CATEGORIES:
            assert table.loc[feature, c] == ref["counts"].get(c, 0)


def test_tie_break_and_questionable_answers():
    assert kano.majority_category({"A": 5, "O": 5, "M": 5, "I": 5}) == "M"
    assert kano.majority_category({"A": 5, "O": 5, "M": 4, "I": 5}) == "O"
    assert kano.majority_category({"A": 5, "O": 4, "M": 4, "I": 5}) == "A"
    assert kano.majority_category({"A": 1, "I": 2, "Q": 9}) == "I"
    with pytest.raises(ValueError):
        kano.berger({"R": 3, "Q": 1})


def test_top_two_box_against_value_counts():
    ratings = pd.Series([5, 4, 4, 3, 1, np.nan, 2, 5])
    shares = ratings.value_counts(normalize=True)
    assert kano.top_two_box(ratings) == pytest.approx(shares.get(4.0, 0) + shares.get(5.0, 0))
    assert kano.top_two_box([7, 6, 1], top=7) == pytest.approx(2 / 3)


def test_the_survey_gives_every_category_the_lesson_uses(survey):
    """The lesson and assignment rely on: A, O, M and I all occur; SSO is I overall but M for Enterprise and
    Mid-Market; for Enterprise, SSO has the strongest dissatisfaction coefficient of the must-be features."""
    table = kano.kano_table(survey, FEATURES)
    assert dict(table["category"]) == {"auto_scheduling": "O", "mobile_app": "M", "payroll_export": "O",
                                       "ai_forecasting": "A", "dark_mode": "I", "sso": "I"}
    ent = kano.kano_table(survey[survey["segment"] == "Enterprise"], FEATURES)
    assert ent.loc["sso", "category"] == "M" and ent.loc["mobile_app", "category"] == "M"
    assert ent["cs_minus"].idxmin() == "sso"
    mid = kano.kano_table(survey[survey["segment"] == "Mid-Market"], FEATURES)
    assert mid.loc["sso", "category"] == "M"
    # No feature's majority is decided by the tie-break (so a learner's tie-break cannot change the answer).
    for t in (table, ent, mid):
        for f in FEATURES:
            top = sorted(t.loc[f, list("AOMIR")], reverse=True)
            assert top[0] > top[1]


def test_importance_ratings_rank_features_differently_by_mean_and_top_two_box():
    imp = casedata.load("feature_importance")
    survey = casedata.load("survey_responses")
    assert list(imp["respondent_id"]) == list(survey["respondent_id"])
    cols = [f"importance_{f}" for f in FEATURES]
    values = imp[cols]
    assert pd.Series(values.to_numpy().ravel()).dropna().isin([1, 2, 3, 4, 5]).all() and values.isna().any().all()
    means = values.mean()
    t2b = values.apply(kano.top_two_box)
    assert means.idxmax() == "importance_mobile_app"
    assert t2b.idxmax() == "importance_auto_scheduling"
    assert means.idxmin() == t2b.idxmin() == "importance_dark_mode"


def test_kano_explorer_compute_plot_and_builder(survey):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from spmcourse.explorers import kano as explorer

    r = explorer.compute_kano(survey, "sso", "Enterprise")
    assert r["category"] == "M" and r["n"] == (survey["segment"] == "Enterprise").sum()
    assert sum(r["shares"].values()) == pytest.approx(1.0)
    fig, ax = plt.subplots()
    explorer.plot_kano(r, ax)
    assert len(ax.collections) == len(FEATURES)
    plt.close(fig)
    box = explorer.build_kano_explorer(survey)
    box.controls["feature"].value = "dark_mode"
    box.controls["segment"].value = "SMB"
    assert box.output is not None


def test_requirement_checker_compute_render_and_builder():
    from spmcourse.explorers import requirement_checker as checker

    r = checker.check_requirement(checker.EXAMPLE, "quality", "shall")
    assert r["flags"] == ["ambiguous", "unmeasurable"]
    assert set(r["weak_terms"]) == {"fast", "user-friendly", "where possible"}
    assert "unmeasurable" in checker.render_check(r)
    s = checker.check_requirement("As a nurse, I want to swap shifts and see pay.", "feature", "story")
    assert s["flags"] == ["no_end", "not_atomic"] and "(missing)" in checker.render_check(s)
    box = checker.build_requirement_checker()
    box.controls["text"].value = "The system shall log every login within 1 second."
    box.controls["form"].value = "story"
    assert box.output is not None
