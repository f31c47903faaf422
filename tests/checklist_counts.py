"""The numbers checklists/README.md gives about the built-in checklists, measured rather than
typed: items per department and stage, per severity, trait and tier, and what each kind of
launch the README recommends traits for owes.

    .venv/bin/python tests/checklist_counts.py

rewrites the README's generated blocks (between ``<!-- counts:NAME -->`` and
``<!-- /counts:NAME -->``) and shows the diff; tests/test_checklist_counts.py fails when the
README and this script disagree.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gtm_check.authoring.scaffold import applicable_items  # noqa: E402
from gtm_check.load.checklists import ChecklistReader  # noqa: E402
from gtm_check.model.inputs import Checklist, ChecklistItem  # noqa: E402
from gtm_check.model.vocabulary import TIERS, TRAITS, Severity, Stage  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "checklists" / "README.md"


@dataclass(frozen=True)
class Archetype:
    """A kind of launch, with the tier and traits the README's table recommends for it."""

    key: str
    launch: str
    tier: int
    traits: tuple[str, ...]


ARCHETYPES = [
    Archetype(
        "feature",
        "a feature in an existing self-serve SaaS product",
        3,
        ("saas", "subscription", "self-serve"),
    ),
    Archetype(
        "enterprise",
        "a new enterprise SaaS product sold by a field sales team",
        1,
        (
            "saas", "subscription", "sales-led", "personal-data", "multi-region",
            "third-party-components", "paid-services",
        ),
    ),
    Archetype(
        "consumer-device",
        "a connected consumer device sold online and in retail",
        1,
        (
            "physical-product", "consumer", "retail", "self-serve", "operated-service",
            "personal-data", "multi-region", "third-party-components",
        ),
    ),
    Archetype(
        "cloud-marketplace",
        "a SaaS product listed on a cloud marketplace, with private offers",
        2,
        ("saas", "subscription", "cloud-marketplace", "sales-led", "personal-data"),
    ),
    Archetype(
        "services-offering",
        "a packaged professional-services offering sold by a sales team",
        2,
        ("services-offering", "sales-led"),
    ),
]  # fmt: skip


def builtin() -> list[Checklist]:
    return [loaded.checklist for loaded in ChecklistReader().builtin()]


def owed(checklists: Sequence[Checklist], archetype: Archetype) -> list[ChecklistItem]:
    return applicable_items(checklists, archetype.traits, archetype.tier)


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _rule(count: int) -> str:
    return "|" + "---|" * count


def departments(checklists: Sequence[Checklist]) -> str:
    lines = [_row("department", *(s.value for s in Stage), "items"), _rule(len(Stage) + 2)]
    for checklist in checklists:
        counts = [sum(i.stage is s for i in checklist.items) for s in Stage]
        lines.append(_row(f"`{checklist.department}`", *counts, len(checklist.items)))
    items = [i for c in checklists for i in c.items]
    totals = [sum(i.stage is s for i in items) for s in Stage]
    lines.append(_row("**total**", *totals, len(items)))
    return "\n".join(lines)


def severities(checklists: Sequence[Checklist]) -> str:
    items = [i for c in checklists for i in c.items]
    counts = ", ".join(f"{sum(i.severity is s for i in items)} {s.value}" for s in Severity)
    return f"Severities of all {len(items)} items: {counts}."


def traits(checklists: Sequence[Checklist]) -> str:
    items = [i for c in checklists for i in c.items]
    lines = [_row("trait", "the launch…", "items it adds", "items it drops"), _rule(4)]
    for trait, meaning in TRAITS.items():
        adds = sum(trait in [*i.applies_if.all, *i.applies_if.any] for i in items)
        drops = sum(trait in i.applies_if.none for i in items)
        lines.append(_row(f"`{trait}`", meaning, adds, drops or ""))
    lines.append("")
    untraited = sum(not i.applies_if.traits for i in items)
    lines.append(f"{untraited} items carry no trait and apply to every launch of their tier.")
    return "\n".join(lines)


_TIER_NEEDED = {1: "tier-1 launches only", 2: "tier-1 and tier-2 launches", 3: "every launch"}


def tiers(checklists: Sequence[Checklist]) -> str:
    items = [i for c in checklists for i in c.items]
    lines = [_row("item `tier`", "needed by", "what it means", "items"), _rule(4)]
    for tier, meaning in TIERS.items():
        label = f"`{tier}`" + (" (default, omitted)" if tier == 3 else "")
        count = sum(i.tier == tier for i in items)
        lines.append(_row(label, _TIER_NEEDED[tier], meaning, count))
    return "\n".join(lines)


def lead_times(checklists: Sequence[Checklist]) -> str:
    items = [i for c in checklists for i in c.items]
    before = [i for i in items if i.stage is not Stage.GROW]
    dated = sum(i.lead_days is not None for i in before)
    per_tier = sum(isinstance(i.lead_days, dict) for i in items)
    why = sum(i.why is not None for i in items)
    return (
        f"{dated} of the {len(before)} `learn`, `buy` and `use` items have a lead time, "
        f"{per_tier} of them one per tier; {why} items say `why`."
    )


def archetypes(checklists: Sequence[Checklist]) -> str:
    header = _row("the launch", "tier", "traits", "items", "blockers", "learn / buy / use / grow")
    lines = [header, _rule(6)]
    for archetype in ARCHETYPES:
        items = owed(checklists, archetype)
        blockers = sum(i.severity is Severity.BLOCKER for i in items)
        stages = " / ".join(str(sum(i.stage is s for i in items)) for s in Stage)
        traits = ", ".join(f"`{t}`" for t in archetype.traits)
        lines.append(_row(archetype.launch, archetype.tier, traits, len(items), blockers, stages))
    return "\n".join(lines)


BLOCKS: dict[str, Callable[[Sequence[Checklist]], str]] = {
    "departments": departments,
    "severities": severities,
    "traits": traits,
    "tiers": tiers,
    "lead-times": lead_times,
    "archetypes": archetypes,
}


def block_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- counts:{name} -->\n)(.*?)(<!-- /counts:{name} -->)", re.S)


def rewritten(text: str, checklists: Sequence[Checklist]) -> str:
    """The README's text with every generated block measured again."""
    for name, measure in BLOCKS.items():
        match = block_pattern(name).search(text)
        if match is None:
            raise SystemExit(f"checklists/README.md has no block counts:{name}")
        body = measure(checklists) + "\n"
        text = text[: match.start(2)] + body + text[match.end(2) :]
    return text


def main() -> None:
    README.write_text(rewritten(README.read_text(encoding="utf-8"), builtin()), encoding="utf-8")
    subprocess.run(["git", "diff", "--stat", "--", str(README)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
