"""Terminal views of the checklists for `gtm-check checklists` (Rich)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.text import Text

from gtm_check.model.inputs import Checklist
from gtm_check.model.verify import TARGETS, AnyCheck, describe
from gtm_check.model.vocabulary import STAGE_NAMES, Stage
from gtm_check.report import RenderOptions
from gtm_check.report.catalog import stage_counts, traits_used
from gtm_check.report.table import SEVERITY_STYLE, make_table, print_to_string


def render_summary(checklists: Sequence[Checklist], options: RenderOptions) -> str:
    table = make_table("Built-in checklists: items per journey stage", expand=False)
    table.add_column("Department", no_wrap=True)
    table.add_column("Key", no_wrap=True)
    for stage in Stage:
        table.add_column(stage.value.capitalize(), justify="right")
    table.add_column("All", justify="right")
    totals = dict.fromkeys(Stage, 0)
    for checklist in checklists:
        counts = stage_counts(checklist)
        for stage, count in counts.items():
            totals[stage] += count
        table.add_row(
            checklist.name,
            checklist.department,
            *(str(counts[s]) if counts[s] else "—" for s in Stage),
            str(len(checklist.items)),
        )
    table.add_section()
    table.add_row(
        "All departments", "", *(str(totals[s]) for s in Stage), str(sum(totals.values()))
    )

    traits = make_table("Launch traits (an item's applies_if says which it needs)", expand=True)
    traits.add_column("Trait", no_wrap=True)
    traits.add_column("Meaning", ratio=1)
    for trait, meaning in traits_used(checklists).items():
        traits.add_row(trait, meaning)

    hint = Text("Show one department's items: gtm-check checklists show DEPARTMENT", style="dim")
    return print_to_string(Group(table, Text(""), traits, Text(""), hint), options)


def render_department(checklist: Checklist, options: RenderOptions) -> str:
    parts: list[RenderableType] = [Text(checklist.name, style="bold")]
    if checklist.description:
        parts.append(Text(checklist.description))
    for current in Stage:
        items = [item for item in checklist.items if item.stage is current]
        if not items:
            continue
        parts.append(Text(""))
        parts.append(Text(f"{STAGE_NAMES[current]} ({current.value})", style="bold underline"))
        for item in items:
            head = Text.assemble(
                ("\n", ""),
                (item.severity.value.upper(), SEVERITY_STYLE[item.severity]),
                "  ",
                (item.id, "bold"),
                f"  weight {item.effective_weight:g}",
            )
            if item.applies_if.traits:
                head.append(f"  if {item.applies_if.describe()}", style="cyan")
            if item.tier < 3:
                head.append(f"  tier {item.tier}{' only' if item.tier == 1 else ' and 1'}")
            if item.lead_days is not None:
                head.append(f"  {_due(item.lead_days)}", style="dim")
            parts.append(head)
            parts.append(Text(item.title, style="bold"))
            if item.question:
                parts.append(Text.assemble(("Ask: ", "dim"), item.question))
            if item.guidance:
                parts.append(Text.assemble(("Done when: ", "dim"), item.guidance))
            if item.requires:
                parts.append(Text.assemble(("Needs first: ", "dim"), ", ".join(item.requires)))
            if item.verify is not None:
                parts.append(Text.assemble(("Check: ", "dim"), _check(item.verify)))
            if item.why:
                parts.append(Text.assemble(("Why: ", "dim"), item.why))
    return print_to_string(Group(*parts), options)


def _check(check: AnyCheck) -> str:
    """An item's check in words: what it confirms, and what a launch file fills in."""
    if check.target is not None:
        return f"{describe(check)} (audit --verify confirms it)"
    key = TARGETS[check.kind]
    given = f" {describe(check).removeprefix('?').strip()}" if check.contains else ""
    return (
        f"a {check.kind} check{given}: give this launch's {key} in the launch file "
        f"(verify: {{{key}: ...}}) and audit --verify confirms it"
    )


def _due(lead_days: int | dict[int, int]) -> str:
    """When the item is due, e.g. "due 30 days before launch", or per tier "due 90 days
    before launch at tier 1, 45 at tier 2, 14 at tier 3"."""
    if not isinstance(lead_days, dict):
        return f"due {lead_days} days before launch"
    (tier, days), *rest = lead_days.items()
    return f"due {days} days before launch at tier {tier}" + "".join(
        f", {d} at tier {t}" for t, d in rest
    )
