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

# What the research says each department owes at each stage (shared/research).
RESEARCH_PAIRS = {
    Stage.LEARN: {
        "product-management", "marketing", "sales-enablement", "project-management",
        "engineering", "legal",
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
    blockers = sum(item.severity is Severity.BLOCKER for item in ITEMS)
    assert 0 < blockers <= len(ITEMS) // 6


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
    assert len(owed(["saas", "subscription", "sales-led", "channel-sales"], 1)) >= 150


@pytest.mark.parametrize(
    "traits",
    [
        [],
        ["saas", "self-serve"],
        ["saas", "subscription", "sales-led", "channel-sales", "personal-data"],
        ["physical-product", "self-serve", "operated-service", "multi-region", "channel-sales"],
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
