"""The risk arithmetic (spmcourse.risk) agrees with plain re-computations: exposure and leverage by hand, the
matrix rule table against its band edges, EMV against brute-force enumeration of every policy, and the
vectorised Monte Carlo against a scenario-by-scenario loop over spmcourse.finance.npv. The risk register has
the properties module 06's exercises rely on."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from spmcourse import casedata, finance, risk


@pytest.fixture(scope="module")
def register():
    return casedata.load("risk_register")


def test_exposure_and_leverage_by_hand(register):
    table = risk.register_table(register)
    for row in register.itertuples():
        got = table.set_index("risk_id").loc[row.risk_id]
        before = row.probability * row.impact_eur
        after = row.probability_after * row.impact_after_eur
        assert got["exposure"] == pytest.approx(before)
        assert got["leverage"] == pytest.approx((before - after) / row.mitigation_cost_eur)
        assert risk.leverage(before, after, row.mitigation_cost_eur) == pytest.approx(got["leverage"])
    assert list(table["exposure"]) == sorted(table["exposure"], reverse=True)


def test_register_tells_the_lessons_story(register):
    """Largest exposure and largest leverage are different risks; the 200k budget greedy plan skips one that
    just does not fit; the top five by exposure have no ties."""
    table = risk.register_table(register)
    assert table.iloc[0]["risk_id"] == "R06"
    assert table.sort_values("leverage", ascending=False).iloc[0]["risk_id"] == "R04"
    assert len(set(table["exposure"].iloc[:6])) == 6
    funded, left = [], 200_000
    for row in table.sort_values(["leverage", "risk_id"], ascending=[False, True]).itertuples():
        if row.leverage > 1 and row.mitigation_cost_eur <= left:
            funded.append(row.risk_id)
            left -= row.mitigation_cost_eur
    assert funded == ["R04", "R07", "R08", "R01"]
    assert {"low", "medium", "high"} <= set(table["rating"])
    assert register["risk_id"].is_unique and register["probability"].between(0, 1).all()
    assert (register["probability_after"] <= register["probability"]).all()
    assert (register["impact_after_eur"] <= register["impact_eur"]).all()


def test_matrix_bands_are_contiguous_and_monotone():
    for bands in (risk.LIKELIHOOD_BANDS, risk.IMPACT_BANDS):
        for (_, _, _, upper), (_, _, lower, _) in zip(bands, bands[1:]):
            assert upper == lower
    order = {"low": 0, "medium": 1, "high": 2, "extreme": 3}
    m = np.array([[order[x] for x in row] for row in risk.RISK_MATRIX])
    assert (np.diff(m, axis=0) >= 0).all() and (np.diff(m, axis=1) >= 0).all()  # never lower for a worse risk
    assert risk.classify(0.049, 49_999) == "low" and risk.classify(0.8, 1_000_000) == "extreme"
    assert risk.likelihood_band(0.2) == 3 and risk.impact_band(200_000) == 3  # lower edge belongs to the band


def _policies(node, path=()):
    """Every way of choosing at each decision node: yields (policy, expected value) by enumerating outcomes."""
    decisions = []

    def collect(n, p=()):
        if isinstance(n, dict) and "decision" in n:
            decisions.append((p, list(n["decision"])))
            for k, child in n["decision"].items():
                collect(child, p + (k,))
        elif isinstance(n, dict):
            for i, (_, child) in enumerate(n["chance"]):
                collect(child, p + (i,))
    collect(node)
    for choice in itertools.product(*[opts for _, opts in decisions]):
        policy = {p: c for (p, _), c in zip(decisions, choice)}

        def value(n, p=()):
            if isinstance(n, dict) and "decision" in n:
                k = policy[p]
                return value(n["decision"][k], p + (k,))
            if isinstance(n, dict):
                return sum(q * value(child, p + (i,)) for i, (q, child) in enumerate(n["chance"]))
            return n
        yield policy, value(node)


TREES = [
    {"decision": {"replace now": {"chance": [(0.9, -90_000), (0.1, -290_000)]},
                  "buy licence": -120_000,
                  "ship as is": {"chance": [(0.5, 0), (0.5, {"chance": [(0.6, -150_000), (0.4, -900_000)]})]}}},
    {"decision": {"pilot": {"chance": [(0.6, {"decision": {"build": 1_500_000, "stop": -200_000}}),
                                       (0.4, {"decision": {"build": -900_000, "stop": -200_000}})]},
                  "build now": {"chance": [(0.6, 1_700_000), (0.4, -700_000)]}}},
]


@pytest.mark.parametrize("tree", TREES)
def test_emv_is_the_best_policy_by_brute_force(tree):
    best = max(v for _, v in _policies(tree))
    assert risk.emv(tree) == pytest.approx(best)
    name, value = risk.best_option(tree)
    assert value == pytest.approx(best) and name in tree["decision"]


def test_emv_rejects_bad_probabilities():
    with pytest.raises(ValueError, match="adding up to 1"):
        risk.emv({"chance": [(0.5, 1), (0.4, 2)]})


def test_monte_carlo_matches_a_loop_over_finance_npv():
    plan = casedata.load("financial_plan")
    sim = risk.simulate_business_case(plan, n=200, seed=7)
    seats, price0 = plan["seats"].to_numpy(float), plan["price_per_seat_month"].to_numpy(float)
    for row in sim.itertuples():
        price = price0 - price0[1] + row.price
        revenue = seats * row.adoption * price * 12
        ops = plan["operations"].to_numpy(float) * (0.6 + 0.4 * row.adoption)
        dev = plan["one_off_development"].to_numpy(float) * row.overrun
        flows = revenue - ops - dev - plan["recurring_development"] - plan["go_to_market"]
        assert row.npv == pytest.approx(finance.npv(0.10, flows.to_numpy()), rel=1e-9)


def test_monte_carlo_reproduces_the_plan_and_the_lessons_probability():
    plan = casedata.load("financial_plan")
    fixed = risk.simulate_business_case(plan, n=5, ranges={"adoption": (1, 1, 1), "price": (8, 8, 8),
                                                           "overrun": (1, 1, 1)})
    assert np.allclose(fixed["npv"], finance.npv(0.10, plan["net_cash_flow"]))
    sim = risk.simulate_business_case(plan)  # the lesson's run: 10,000 scenarios, seed 2026
    p = risk.probability_negative(sim["npv"])
    assert p == pytest.approx(0.1994, abs=1e-9)
    assert sim.equals(risk.simulate_business_case(plan))  # seeded
    # another seed lands within three standard errors: the estimate is stable
    other = risk.probability_negative(risk.simulate_business_case(plan, seed=99, n=40_000)["npv"])
    assert abs(other - p) < 3 * np.sqrt(p * (1 - p) / 10_000)
    assert sim["npv"].mean() < finance.npv(0.10, plan["net_cash_flow"])  # the ranges are skewed to the downside
