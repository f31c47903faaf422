"""The fixed words of gtm-check: journey stages, severities, statuses, departments and traits."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """The four stages of the customer journey, in journey order."""

    LEARN = "learn"
    BUY = "buy"
    USE = "use"
    GROW = "grow"

    @property
    def label(self) -> str:
        return STAGE_NAMES[self]

    @property
    def order(self) -> int:
        return _STAGE_ORDER[self]


_STAGE_ORDER: dict[Stage, int] = {stage: n for n, stage in enumerate(Stage)}
"""Looked up, not found by ``list(Stage).index``: sorting a portfolio's gaps asks it
hundreds of thousands of times (about 0.4 s of a 10-launch, 10,000-item table)."""

STAGE_NAMES: dict[Stage, str] = {
    Stage.LEARN: "Learn about it",
    Stage.BUY: "Buy it",
    Stage.USE: "Use it (and get it fixed)",
    Stage.GROW: "Stay and grow",
}


class Severity(StrEnum):
    """How bad it is to launch with an item open, most severe first."""

    BLOCKER = "blocker"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def default_weight(self) -> int:
        return DEFAULT_WEIGHTS[self]

    @property
    def rank(self) -> int:
        """0 for the most severe."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK: dict[Severity, int] = {severity: n for n, severity in enumerate(Severity)}
"""As ``_STAGE_ORDER``: about 1.6 s of the same table went to ``list(Severity).index``."""

DEFAULT_WEIGHTS: dict[Severity, int] = {
    Severity.BLOCKER: 5,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
}


class Status(StrEnum):
    """The state of one checklist item in one launch."""

    TODO = "todo"
    IN_PROGRESS = "in-progress"
    BLOCKED = "blocked"
    DONE = "done"
    NOT_APPLICABLE = "n/a"


class Verdict(StrEnum):
    READY = "ready"
    AT_RISK = "at-risk"
    BLOCKED = "blocked"


# The built-in departments, in the order reports list them. Teams may add their own.
DEPARTMENTS: dict[str, str] = {
    "product-management": "Product Management",
    "marketing": "Marketing",
    "sales-enablement": "Sales Enablement",
    "project-management": "Project Management",
    "engineering": "Engineering & QA",
    "legal": "Legal",
    "sales": "Sales",
    "systems-engineering": "Systems Engineering",
    "manufacturing": "Manufacturing",
    "finance-operations": "Finance & Operations",
    "cloud-operations": "Network & Cloud Operations",
    "support": "Support",
    "customer-success": "Customer Success",
    "services": "Professional Services",
}


def department_rank(key: str) -> tuple[int, str]:
    """Sort key for departments: the built-in ones in report order, then teams' own by name."""
    order = list(DEPARTMENTS)
    return (order.index(key) if key in order else len(order), key)


# Launch traits say what kind of launch this is; an item's ``applies_if`` decides which
# traits it needs. This is the one place the built-in vocabulary lives: the loader's
# did-you-mean, ``init`` and the docs all read it from here.
TRAITS: dict[str, str] = {
    "saas": "Delivered as a hosted service that we operate for the customer.",
    "subscription": "Sold as a recurring subscription (renewals, churn and expansion matter).",
    "on-prem": "Installed and run in the customer's own environment.",
    "physical-product": "Includes hardware or goods that are manufactured, shipped and returned.",
    "services-offering": (
        "Is itself a professional service: a packaged engagement, not a product with services."
    ),
    "consumer": "Sold to consumers, people buying for themselves: consumer law applies.",
    "channel-sales": "Sold partly or wholly through resellers, distributors or other partners.",
    "retail": "Sold through retailers' stores or web shops: item set-up, sell-in, shelf, returns.",
    "licensed-software": "Activated with licence keys or entitlements the customer must receive.",
    "third-party-components": "Includes components, services or content from other vendors.",
    "personal-data": "Collects or processes personal data of customers or their users.",
    "regulated": "Sold into a regulated sector (health, finance, public sector, ...).",
    "multi-region": "Launched in several countries or regions, languages or currencies.",
    "paid-services": "Comes with paid onboarding, implementation or other professional services.",
    "sales-led": "Sold by a sales team: demos, proposals, negotiated contracts.",
    "self-serve": "Bought on our own website without talking to anyone: sign-up, checkout, trial.",
    "cloud-marketplace": (
        "Sold through a cloud provider's marketplace (AWS, Azure, Google Cloud): listing, "
        "private offers, co-sell."
    ),
    "app-store": "Sold or distributed through a mobile or desktop app store, which takes payment.",
    "marketplace": (
        "Listed and sold on a marketplace or store someone else runs: the listing, its fee, "
        "the seller account and payouts (add cloud-marketplace or app-store for their own items)."
    ),
    "replaces-existing": "Customers move to it from an older product or version.",
    "operated-service": (
        "Depends on a service we operate: a SaaS platform, or a connected device's cloud."
    ),
}

TIERS: dict[int, str] = {
    1: "flagship: a new product, or a new market",
    2: "standard: a significant release of an existing product",
    3: "minor: a feature or an update",
}
"""Launch tiers: a checklist item with ``tier: N`` is owed by launches of tier N or lower."""

LONG_WAIVER_DAYS = 365
HEAVY_WEIGHT_FACTOR = 10

WARNINGS: dict[str, str] = {
    "empty-gated-stage": "a gated stage with nothing applicable passes by default",
    "waiver-on-blocker": "a waiver credits a blocker",
    "waiver-by-owner": "a waiver was approved by the owner of the item it waives",
    "long-waiver": f"a waiver runs more than {LONG_WAIVER_DAYS} days past the as-of date",
    "blocker-na-without-note": "a blocker marked n/a without a note saying why",
    "blocker-na": "a blocker marked n/a, with a note saying why",
    "heavy-weight": f"an explicit weight above {HEAVY_WEIGHT_FACTOR}x its severity's default",
    "undated-attestation": "a done item whose checklist says valid_for, with no done_on",
    "attestation-in-the-future": (
        "a done item whose checklist says valid_for, with a done_on after the as-of date"
    ),
    "done-without-evidence": "a blocker or high item done without evidence",
    "waiver-not-applicable": "a waiver on an item that does not apply to the launch",
    "waiver-on-done": "a waiver on an item that is already done",
    "verification-failed": "a done item whose check failed (audit --verify)",
}
"""Every warning code, with what it means: things a launch file may do that relax its gate."""
