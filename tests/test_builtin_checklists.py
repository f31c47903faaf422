"""The built-in checklists: complete, consistent, and usable on their own."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from gtm_check.authoring.scaffold import applicable_items
from gtm_check.load.checklists import ChecklistReader, LoadedChecklist, builtin_names
from gtm_check.model.inputs import ITEM_ID_PATTERN
from gtm_check.model.vocabulary import DEPARTMENTS, TRAITS, Severity, Stage
from tests.conftest import ROOT

BUILTIN = ChecklistReader().builtin()
ITEMS = [item for c in BUILTIN for item in c.checklist.items]

# What the research says each department owes at each stage (shared/research). The source
# also puts engineering's "what ifs" in learn, but they protect using the product, so they
# sit in use: a blocked learn stage means prospects cannot learn about the product.
RESEARCH_PAIRS = {
    Stage.LEARN: {
        "product-management", "marketing", "sales-enablement", "project-management", "legal",
    },
    Stage.BUY: {
        "product-management", "marketing", "sales", "systems-engineering", "manufacturing",
        "finance-operations", "legal",
    },
    Stage.USE: {
        "product-management", "marketing", "cloud-operations", "support", "customer-success",
        "engineering", "services",
    },
    Stage.GROW: {
        "product-management", "marketing", "support", "customer-success", "cloud-operations",
        "sales", "systems-engineering", "services",
    },
}  # fmt: skip


def test_one_file_per_documented_department() -> None:
    assert builtin_names() == list(DEPARTMENTS)
    assert [c.checklist.department for c in BUILTIN] == list(DEPARTMENTS)


def test_at_least_180_items() -> None:
    assert len(ITEMS) >= 180


def test_ids_are_unique_and_follow_department_dot_slug() -> None:
    ids = [item.id for item in ITEMS]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    for loaded in BUILTIN:
        for item in loaded.checklist.items:
            assert re.match(ITEM_ID_PATTERN, item.id)
            assert item.department == loaded.checklist.department


@pytest.mark.parametrize("stage", list(Stage))
def test_every_research_pair_has_items(stage: Stage) -> None:
    covered = {item.department for item in ITEMS if item.stage is stage}
    assert RESEARCH_PAIRS[stage] - covered == set()


def test_every_item_has_a_question_and_guidance() -> None:
    missing = [item.id for item in ITEMS if not item.question or not item.guidance]
    assert missing == []
    assert all(item.question and item.question.endswith("?") for item in ITEMS)


def test_no_two_items_share_a_title() -> None:
    titles = Counter(item.title.lower() for item in ITEMS)
    assert [t for t, n in titles.items() if n > 1] == []


def test_applies_if_uses_only_the_documented_traits() -> None:
    used = {trait for item in ITEMS for trait in item.applies_if.traits}
    assert used <= set(TRAITS)
    assert used == set(TRAITS), "every documented trait should select some item"


def test_blockers_are_rare() -> None:
    # Most blockers carry the traits under which the law or a contract makes them one, so a
    # launch meets far fewer than the catalogue holds (tests/test_archetypes.py counts them).
    blockers = sum(item.severity is Severity.BLOCKER for item in ITEMS)
    assert 0 < blockers <= len(ITEMS) // 5
    untraited = [i for i in ITEMS if i.severity is Severity.BLOCKER and not i.applies_if.traits]
    assert len(untraited) <= len(ITEMS) // 12


def test_no_stage_but_learn_holds_what_prospects_learn_from_and_learn_holds_no_engineering() -> (
    None
):
    assert [i.id for i in ITEMS if i.stage is Stage.LEARN and i.department == "engineering"] == []
    assert {i.stage for i in ITEMS if i.department == "cloud-operations"} <= {Stage.USE, Stage.GROW}


@pytest.mark.parametrize(
    "item_id",
    [
        "legal.customer-agreement",
        "finance-operations.order-to-cash",
        "support.escalation-path",
        "engineering.security-review",
        "legal.trademarks",
    ],
)
def test_what_must_never_launch_open_is_a_blocker(item_id: str) -> None:
    assert next(i for i in ITEMS if i.id == item_id).severity is Severity.BLOCKER


def test_requirements_exist_and_never_point_to_a_later_stage() -> None:
    by_id = {item.id: item for item in ITEMS}
    for item in ITEMS:
        for required in item.requires:
            assert required in by_id, (item.id, required)
            assert by_id[required].stage.order <= item.stage.order, (item.id, required)


def test_learning_never_waits_on_a_later_stage_through_a_chain() -> None:
    by_id = {item.id: item for item in ITEMS}

    def prerequisites(item_id: str, seen: frozenset[str] = frozenset()) -> set[str]:
        found: set[str] = set()
        for required in by_id[item_id].requires:
            assert required not in seen, f"cycle through {required}"
            found |= {required} | prerequisites(required, seen | {item_id})
        return found

    for item in ITEMS:
        later = [r for r in prerequisites(item.id) if by_id[r].stage.order > item.stage.order]
        assert later == [], item.id


def test_docs_list_exactly_the_trait_vocabulary() -> None:
    for doc in (ROOT / "README.md", ROOT / "checklists" / "README.md"):
        text = doc.read_text(encoding="utf-8")
        for trait in TRAITS:
            assert f"`{trait}`" in text, (doc.name, trait)


def test_severity_rule_is_written_at_the_top_of_the_checklist_readme() -> None:
    text = (ROOT / "checklists" / "README.md").read_text(encoding="utf-8")
    assert text.index("## How severity is chosen") < text.index("## Traits")


def test_loaded_checklists_are_builtin() -> None:
    assert all(isinstance(c, LoadedChecklist) and c.builtin for c in BUILTIN)


def test_a_blocker_never_waits_on_a_less_severe_item() -> None:
    # Otherwise the gate would hold a launch on work its own checklist calls optional.
    by_id = {item.id: item for item in ITEMS}
    weaker = [
        (item.id, required)
        for item in ITEMS
        if item.severity is Severity.BLOCKER
        for required in item.requires
        if by_id[required].severity is not Severity.BLOCKER
    ]
    assert weaker == []


def test_every_blocker_says_why() -> None:
    assert [i.id for i in ITEMS if i.severity is Severity.BLOCKER and not i.why] == []


CHECKLISTS = [c.checklist for c in BUILTIN]


def owed(traits: list[str], tier: int) -> list[str]:
    return [item.id for item in applicable_items(CHECKLISTS, traits, tier)]


def test_a_minor_self_serve_saas_launch_owes_a_few_dozen_items_and_no_sales_blocker() -> None:
    items = applicable_items(CHECKLISTS, ["saas", "subscription", "self-serve"], 3)
    assert 20 <= len(items) <= 60
    field_sales = {"sales", "sales-enablement", "systems-engineering"}
    blockers = [
        i.id for i in items if i.department in field_sales and i.severity is Severity.BLOCKER
    ]
    assert blockers == []


def test_a_flagship_sales_led_channel_saas_launch_keeps_the_full_breadth() -> None:
    assert len(owed(["saas", "subscription", "sales-led", "channel-sales"], 1)) >= 140


@pytest.mark.parametrize(
    "traits",
    [
        [],
        ["saas", "self-serve"],
        ["saas", "subscription", "sales-led", "channel-sales", "personal-data"],
        ["physical-product", "self-serve", "operated-service", "multi-region", "channel-sales"],
        ["physical-product", "consumer", "retail", "self-serve", "operated-service"],
        ["saas", "subscription", "cloud-marketplace", "sales-led"],
        ["services-offering", "sales-led"],
        ["on-prem", "licensed-software", "sales-led", "replaces-existing", "regulated"],
    ],
)
def test_smaller_tiers_owe_a_subset(traits: list[str]) -> None:
    minor, standard, flagship = (set(owed(traits, tier)) for tier in (3, 2, 1))
    assert minor <= standard <= flagship
    assert minor < flagship  # tiers make a difference for every kind of launch


def test_field_sales_items_need_a_sales_team() -> None:
    for item_id in (
        "sales.team-ready",
        "systems-engineering.poc-kit",
        "systems-engineering.demo-ready",
        "sales-enablement.sales-kit",
    ):
        item = next(i for i in ITEMS if i.id == item_id)
        assert not item.applies_if.holds({"saas", "self-serve"}), item_id
        assert item.applies_if.holds({"saas", "sales-led"}), item_id


def test_a_connected_device_gets_monitoring_and_a_signed_update_channel() -> None:
    device = ["physical-product", "operated-service", "self-serve"]
    ids = set(owed(device, 1))
    assert "engineering.upgrade-path" in ids
    assert any(i.startswith("cloud-operations.") and "monitor" in i for i in ids)


LEAD_TIERS = (1, 2, 3)


def test_lead_times_scale_with_tier_so_a_minor_launch_can_start_three_weeks_out() -> None:
    # The rule checklists/README.md states: at tier 3 nothing but the tier and the plan (21
    # days) is due more than 14 days out, so a three-week feature launch written by init has
    # nothing overdue on the day it is written, and the tier and plan come before the rest.
    scope = {"product-management.launch-tier", "product-management.launch-plan"}
    assert {i.lead_time(3) for i in ITEMS if i.id in scope} == {21}
    late = [
        (i.id, i.lead_time(3))
        for i in ITEMS
        if i.tier == 3 and i.id not in scope and (i.lead_time(3) or 0) > 14
    ]
    assert late == []


@pytest.mark.parametrize(
    "scope", ["product-management.launch-tier", "product-management.launch-plan"]
)
@pytest.mark.parametrize("tier", LEAD_TIERS)
def test_the_items_that_decide_scope_are_due_before_everything_they_scope(
    scope: str, tier: int
) -> None:
    lead = next(i for i in ITEMS if i.id == scope).lead_time(tier)
    assert lead is not None
    earlier = [
        (i.id, i.lead_time(tier))
        for i in ITEMS
        if i.tier >= tier and (i.lead_time(tier) or 0) > lead
    ]
    assert earlier == []


def test_every_prerequisite_is_due_no_later_than_what_needs_it() -> None:
    # The loader refuses the opposite (tests/test_loader.py); this says why the built-ins load.
    by_id = {item.id: item for item in ITEMS}
    late = [
        (item.id, required, tier)
        for item in ITEMS
        for required in item.requires
        for tier in range(1, min(item.tier, by_id[required].tier) + 1)
        if (item.lead_time(tier) or 0) > (by_id[required].lead_time(tier) or -1)
    ]
    assert late == []


@pytest.mark.parametrize(
    ("item_id", "traits"),
    [
        ("legal.services-terms", ["services-offering"]),
        ("legal.services-terms", ["paid-services"]),
        ("legal.dpa", ["personal-data", "sales-led"]),
        ("legal.channel-contracts", ["channel-sales"]),
        ("legal.channel-contracts", ["retail"]),
        ("manufacturing.packaging-labelling", ["physical-product"]),
        ("manufacturing.logistics", ["physical-product"]),
        ("services.statement-of-work", ["services-offering"]),
        ("services.delivery-capacity", ["services-offering"]),
    ],
)
def test_breaking_the_law_or_a_contract_is_a_blocker_under_the_traits_where_it_applies(
    item_id: str, traits: list[str]
) -> None:
    item = next(i for i in ITEMS if i.id == item_id)
    assert item.severity is Severity.BLOCKER
    assert item.applies_if.holds(set(traits))


def test_the_website_is_a_blocker_only_where_it_is_the_way_to_buy() -> None:
    website = next(i for i in ITEMS if i.id == "marketing.website")
    checkout = next(i for i in ITEMS if i.id == "marketing.checkout-qa")
    assert website.severity is Severity.HIGH
    assert checkout.severity is Severity.BLOCKER
    assert checkout.applies_if.holds({"self-serve"})
    assert not checkout.applies_if.holds({"cloud-marketplace", "app-store", "sales-led"})


def test_ids_and_titles_use_one_spelling() -> None:
    # The checklists write British English: localisation, fulfilment, catalogue, licence key.
    american = re.compile(
        r"\w{2,}(?<!s)iz(?:e|ed|es|ing|ation)\b|fulfill|\bcatalog\b|behavior|license[ -]key",
        re.IGNORECASE,
    )
    text = [f"{i.id} {i.title} {i.question} {i.guidance} {i.why or ''}" for i in ITEMS]
    assert [t.split()[0] for t in text if american.search(t)] == []
