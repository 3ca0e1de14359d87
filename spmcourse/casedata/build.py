"""Build every case-study dataset from its family's seeded generator (``python -m spmcourse.casedata``).

The order matters only where one family builds on another: the customer base is simulated once and shared, the
competitors need the product lines, the go-to-market and services data need the pipeline and the tickets. Each
generator draws from its own seeded stream (``casedata._SEEDS``), so the order does not change any numbers.
"""
from __future__ import annotations

import pandas as pd

from spmcourse.casedata import _SEEDS, DATASETS
from spmcourse.casedata import (backlog, business_case, capstone, customer_base, development, experiments, go_to_market,
                                market, performance, pipeline, requirements, services, strategy, strategy_options,
                                support, survey, usage)
from spmcourse.casedata._common import seeded_rng


def build_all() -> dict[str, pd.DataFrame]:
    """Every dataset by name. The customer base is simulated once and shared by the datasets that need it."""
    base = customer_base.simulate()
    frames: dict[str, pd.DataFrame] = {
        "customers": customer_base.customers(base),
        "subscriptions": customer_base.subscriptions(base),
        "mrr_movements": customer_base.mrr_movements(base),
        "usage_events": usage.usage_events(base),
        "trial_funnel": usage.trial_funnel(),
        "backlog": backlog.backlog(),
        "survey_responses": survey.survey_responses(base),
        "pipeline": pipeline.pipeline(base),
        "pipeline_stages": pipeline.pipeline_stages(),
        "support_tickets": support.support_tickets(base),
        "market": market.market(),
    }
    frames["product_lines"] = market.product_lines(base)
    frames["competitors"] = market.competitors(frames["market"], frames["product_lines"])
    frames["financial_plan"] = business_case.financial_plan()
    # module 06
    frames["sales_marketing_spend"] = performance.sales_marketing_spend(seeded_rng("sales_marketing_spend"))
    frames["risk_register"] = performance.risk_register()
    frames["sbom"] = performance.sbom()
    # module 03's experiment
    frames["swap_experiment"] = experiments.swap_experiment(_SEEDS["swap_experiment"])
    # module 02
    frames.update(strategy.build(frames["market"], frames["competitors"]))
    # module 04: positioning, delivery, sourcing, ecosystem
    frames.update({"perceptions": strategy_options.perceptions(seeded_rng("perceptions")),
                   "delivery_models": strategy_options.delivery_models(),
                   "service_components": strategy_options.service_components(),
                   "vendor_offers": strategy_options.vendor_offers(),
                   "pairwise_judgements": strategy_options.pairwise_judgements(),
                   "partners": strategy_options.partners(seeded_rng("partners"))})
    # module 07
    frames["requirements"] = requirements.requirements()
    frames["feature_requests"] = requirements.feature_requests(seeded_rng("feature_requests"), frames["customers"],
                                                               frames["support_tickets"], frames["backlog"])
    frames["feature_importance"] = requirements.feature_importance(
        seeded_rng("feature_importance"), frames["survey_responses"], survey.KANO_FEATURES)
    # module 10, built on the customers and the pipeline
    frames["campaigns"] = go_to_market.campaigns(seeded_rng("campaigns"))
    frames["touchpoints"] = go_to_market.touchpoints(seeded_rng("touchpoints"), frames["customers"],
                                                     frames["campaigns"])
    frames["price_book"] = go_to_market.price_book()
    frames["deals"] = go_to_market.deals(seeded_rng("deals"), frames["pipeline"], frames["price_book"])
    # module 11: services, support and operations
    frames["support_holidays"] = services.support_holidays()
    frames["support_contacts"] = services.support_contacts(seeded_rng("support_contacts"))
    frames["ticket_handling"] = services.ticket_handling(frames["support_tickets"], seeded_rng("ticket_handling"))
    frames["slo_history"] = services.slo_history(seeded_rng("slo_history"))
    frames["raci_draft"] = services.raci_draft()
    # module 09
    frames.update(development.build(_SEEDS))
    # module 12: the care-edition decision (hand-set, no seed)
    frames.update(capstone.build())
    missing = set(DATASETS) - set(frames)
    assert not missing, f"no generator builds {sorted(missing)}: add it to build_all()"
    return frames
