"""Each kind of launch the README recommends traits for gets the list a launch lead would
adopt: the items it needs apply, the items that do not fit it do not, and its blockers are
the ones the severity rule gives it (the five archetypes of the second content review)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from gtm_check.model.vocabulary import Severity
from tests.checklist_counts import ARCHETYPES, Archetype, builtin, owed
from tests.conftest import ROOT

CHECKLISTS = builtin()


@dataclass(frozen=True)
class Expected:
    must: frozenset[str]
    must_not: frozenset[str]
    blockers: frozenset[str]


def expected(must: str, must_not: str, blockers: str) -> Expected:
    return Expected(
        frozenset(must.split()), frozenset(must_not.split()), frozenset(blockers.split())
    )


EXPECTED = {
    # A tier-3 feature in a self-serve SaaS product: a few dozen items, the change's own risks.
    "feature": expected(
        must="""
            product-management.launch-tier product-management.launch-plan
            product-management.pricing-reviewed product-management.customer-notifications
            project-management.release-notes engineering.entitlements engineering.rollback
            engineering.security-review engineering.user-documentation support.knowledge-base
        """,
        must_not="""
            engineering.accessibility-law marketing.website marketing.checkout-qa
            sales-enablement.sales-kit legal.trademarks finance-operations.order-to-cash
        """,
        blockers="""
            product-management.pricing-reviewed project-management.release-gate
            legal.customer-agreement engineering.qa-signoff engineering.security-review
            cloud-operations.monitoring support.escalation-path
        """,
    ),
    # A tier-1 enterprise SaaS product sold by field sales: enterprise readiness at tier 1.
    "enterprise": expected(
        must="""
            engineering.enterprise-identity engineering.security-attestation
            engineering.security-pack finance-operations.procurement-pack
            marketing.customer-references legal.dpa legal.services-terms
            services.statement-of-work sales.routes-to-market sales-enablement.deal-desk
            marketing.advisory-board marketing.customer-community
        """,
        must_not="""
            marketing.checkout-qa marketing.trial-experience legal.consumer-terms
            manufacturing.certifications services.service-description
            finance-operations.seller-account engineering.accessibility-law
        """,
        blockers="""
            product-management.pricing-reviewed project-management.release-gate
            legal.trademarks legal.privacy project-management.skus legal.customer-agreement
            legal.services-terms legal.export-control legal.dpa sales.contracts-available
            finance-operations.order-to-cash finance-operations.price-book
            finance-operations.tax services.statement-of-work services.delivery-capacity
            engineering.qa-signoff engineering.security-review engineering.data-protection
            engineering.disaster-recovery legal.breach-notification cloud-operations.monitoring
            support.escalation-path
        """,
    ),
    # A connected consumer device sold online and in retail: retail and consumer law, no B2B.
    "consumer-device": expected(
        must="""
            finance-operations.retail-vendor-setup sales.retail-sell-in
            marketing.retail-merchandising sales-enablement.associate-training
            marketing.street-date legal.advertised-price-policy manufacturing.retail-returns
            legal.consumer-terms manufacturing.product-safety manufacturing.take-back
            manufacturing.recall-plan manufacturing.certifications engineering.out-of-box
            engineering.accessibility-law legal.channel-contracts
        """,
        must_not="""
            engineering.security-pack legal.dpa legal.liability legal.contract-scope
            sales.crm-ready sales-enablement.deal-desk services.data-migration
            services.integrations marketing.advisory-board cloud-operations.uptime-history
            cloud-operations.billing-alerts engineering.demo-environment
            product-management.launch-stage-terms product-management.value-reports
            marketing.partner-program
        """,
        blockers="""
            product-management.pricing-reviewed project-management.release-gate
            legal.trademarks legal.privacy marketing.checkout-qa project-management.skus
            engineering.vulnerability-disclosure legal.customer-agreement legal.consumer-terms
            legal.channel-contracts legal.export-control manufacturing.packaging-labelling
            manufacturing.certifications manufacturing.product-safety manufacturing.take-back
            manufacturing.logistics finance-operations.retail-vendor-setup
            finance-operations.order-to-cash finance-operations.price-book
            finance-operations.tax engineering.qa-signoff engineering.security-review
            engineering.data-protection engineering.disaster-recovery
            engineering.accessibility-law legal.breach-notification cloud-operations.monitoring
            support.escalation-path
        """,
    ),
    # A SaaS product on a cloud marketplace with private offers: the marketplace pack.
    "cloud-marketplace": expected(
        must="""
            finance-operations.seller-account product-management.marketplace-fee
            legal.marketplace-contract engineering.marketplace-integration
            marketing.marketplace-listing sales.private-offers sales.co-sell
            marketing.marketplace-leads finance-operations.marketplace-payouts
        """,
        must_not="""
            marketing.checkout-qa marketing.trial-experience engineering.accessibility-law
            legal.consumer-terms
        """,
        blockers="""
            product-management.pricing-reviewed project-management.release-gate
            legal.trademarks legal.privacy marketing.marketplace-listing project-management.skus
            engineering.marketplace-integration legal.customer-agreement legal.dpa
            sales.contracts-available finance-operations.seller-account
            finance-operations.order-to-cash finance-operations.price-book
            finance-operations.tax engineering.qa-signoff engineering.security-review
            engineering.data-protection engineering.disaster-recovery legal.breach-notification
            cloud-operations.monitoring support.escalation-path
        """,
    ),
    # A packaged professional-services offering: the services pack, none of the software.
    "services-offering": expected(
        must="""
            services.service-description services.effort-model services.statement-of-work
            services.delivery-capacity services.change-orders services.delivery-method
            services.consultant-certification finance-operations.services-billing
            services.pilot-engagement services.close-out services.standard-first
            services.phased-packages services.catalogue-workshop legal.services-terms
        """,
        must_not="""
            engineering.qa-signoff engineering.security-review project-management.release-notes
            engineering.user-documentation engineering.accessibility
            engineering.demo-environment legal.customer-agreement
            systems-engineering.demo-ready systems-engineering.poc-kit
            finance-operations.catalogue-model finance-operations.returns-and-upgrades
            product-management.launch-stage-terms product-management.dependent-partners
            product-management.beta-exit services.onboarding-package
        """,
        blockers="""
            product-management.pricing-reviewed project-management.release-gate
            legal.trademarks project-management.skus legal.services-terms
            sales.contracts-available finance-operations.order-to-cash
            finance-operations.price-book finance-operations.tax services.statement-of-work
            services.delivery-capacity support.escalation-path
        """,
    ),
}


def test_every_archetype_is_pinned() -> None:
    assert [a.key for a in ARCHETYPES] == list(EXPECTED)


@pytest.mark.parametrize("archetype", ARCHETYPES, ids=lambda a: a.key)
def test_the_items_it_needs_apply(archetype: Archetype) -> None:
    ids = {item.id for item in owed(CHECKLISTS, archetype)}
    assert EXPECTED[archetype.key].must - ids == set()


@pytest.mark.parametrize("archetype", ARCHETYPES, ids=lambda a: a.key)
def test_the_items_that_do_not_fit_it_do_not_apply(archetype: Archetype) -> None:
    ids = {item.id for item in owed(CHECKLISTS, archetype)}
    assert EXPECTED[archetype.key].must_not & ids == set()


@pytest.mark.parametrize("archetype", ARCHETYPES, ids=lambda a: a.key)
def test_its_blockers_are_the_ones_the_severity_rule_gives_it(archetype: Archetype) -> None:
    items = owed(CHECKLISTS, archetype)
    blockers = {item.id for item in items if item.severity is Severity.BLOCKER}
    assert blockers == EXPECTED[archetype.key].blockers
    assert len(blockers) <= len(items) // 3


def test_the_services_offering_blocks_the_sale_on_its_terms_sow_and_capacity() -> None:
    services = next(a for a in ARCHETYPES if a.key == "services-offering")
    buy = {
        i.id for i in owed(CHECKLISTS, services) if i.severity is Severity.BLOCKER
        and i.stage.value == "buy"
    }  # fmt: skip
    assert {"legal.services-terms", "services.statement-of-work"} | {
        "services.delivery-capacity"
    } <= buy


def test_the_readme_recommends_the_traits_and_tier_pinned_here() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Picking a tier and traits", 1)[1].split("\n#", 1)[0]
    recommended = {}
    for row in re.findall(r"^\| (.+) \|$", section, flags=re.M):
        launch, tier, traits, *_ = row.split(" | ")
        recommended[launch] = (tier.strip("`"), re.findall(r"`([a-z-]+)`", traits))
    for archetype in ARCHETYPES:
        assert recommended[archetype.launch] == (str(archetype.tier), list(archetype.traits))
