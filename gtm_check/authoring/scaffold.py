"""Writes a ready-to-edit launch file for ``gtm-check init``: pure text, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from gtm_check.authoring.edit import scalar
from gtm_check.authoring.schema import modeline
from gtm_check.model.inputs import Checklist, ChecklistItem, Gate
from gtm_check.model.safetext import visible
from gtm_check.model.vocabulary import STAGE_NAMES, TIERS, Stage


def applicable_items(
    checklists: Sequence[Checklist], traits: Sequence[str], tier: int
) -> list[ChecklistItem]:
    """The items a launch with these traits and this tier owes, in checklist order."""
    have = set(traits)
    return [item for c in checklists for item in c.items if item.owed_by(have, tier)]


def launch_file(
    *,
    name: str,
    launch_date: dt.date,
    traits: Sequence[str],
    checklists: Sequence[Checklist],
    checklist_refs: Sequence[str],
    tier: int = 1,
    owner: str | None = None,
    schema: str | None = None,
) -> str:
    """The text of a launch file listing every applicable item as todo, with its title and
    its lead time at this tier in a comment. No due date is written: an item with a lead
    time is due that many days before ``launch_date``, so moving the launch moves it. With a
    ``schema`` path, the first line is the modeline that names it to editors."""
    names = {c.department: c.name for c in checklists}
    items = applicable_items(checklists, traits, tier)
    lines = [
        *([modeline(schema)] if schema else []),
        *_header_help(name),
        f"launch: {_scalar(name)}",
        f"launch_date: {launch_date.isoformat()}",
        *([f"owner: {_scalar(owner)}"] if owner else []),
        f"tier: {tier}  # {TIERS[tier]}",
        f"traits: [{', '.join(traits)}]",
        f"checklists: [{', '.join(checklist_refs)}]",
        *_gate_lines(Gate()),
        *_item_lines(items, names, tier),
        *_WAIVER_HELP,
    ]
    return "\n".join(lines) + "\n"


def _header_help(name: str) -> list[str]:
    return [
        f"# Launch file for {comment_text(name)}, written by gtm-check init.",
        "# Set each item's status as work progresses: todo, in-progress, blocked, done or n/a.",
        "# An item can also take an owner, a due date, evidence and a note:",
        "#   legal.trademarks:",
        "#     status: in-progress",
        "#     owner: counsel@example.com",
        "#     due: 2027-01-31",
        '# An item whose comment says "due N days before launch" is due then unless it is',
        "# given a due date, so its date follows launch_date: move the launch with",
        "# `gtm-check set FILE --launch-date DATE`. Give an item due: only to fix its date.",
        "# Check it with `gtm-check validate` and score it with `gtm-check audit`.",
    ]


_WAIVER_HELP = [
    "",
    "# Waivers credit an item until they expire; all four keys are required:",
    "# waivers:",
    "#   - item: <item id>",
    "#     reason: Why launching without it is acceptable",
    "#     approved_by: someone@example.com",
    "#     expires: 2027-06-30",
    "waivers: []",
]


def _gate_lines(gate: Gate) -> list[str]:
    return [
        "gate:",
        f"  stages: [{', '.join(stage.value for stage in gate.stages)}]",
        f"  min_score: {gate.min_score}",
    ]


def _lead(item: ChecklistItem, tier: int) -> str:
    """The item's lead time in words, for its comment: derived, never written as a date."""
    lead = item.lead_time(tier)
    return "" if lead is None else f" (due {lead} days before launch)"


def _item_lines(items: Sequence[ChecklistItem], names: dict[str, str], tier: int) -> list[str]:
    """``items:`` with one ``id: todo`` line per item, grouped under stage and department
    comments, each line ending with the item's severity, title and lead time as a comment."""
    if not items:
        return ["items: {}"]
    lines = ["items:"]
    width = max(len(f"{item.id}: todo") for item in items)
    for stage in Stage:
        in_stage = [item for item in items if item.stage is stage]
        if not in_stage:
            continue
        lines += ["", f"  # === {STAGE_NAMES[stage]} ({stage.value}) ==="]
        department = None
        for item in in_stage:
            if item.department != department:
                department = item.department
                lines.append(f"  # --- {comment_text(names.get(department, department))} ---")
            entry = f"{item.id}: todo".ljust(width)
            comment = f"{item.severity.value}: {comment_text(item.title)}{_lead(item, tier)}"
            lines.append(f"  {entry}  # {comment}")
    return lines


def _scalar(text: str) -> str:
    """A double-quoted scalar that reads back as ``text``, every character YAML does not
    read raw (DEL, C1, its line breaks) an escape, as ``set`` writes values."""
    return scalar(text, quote='"')


def comment_text(text: str) -> str:
    """``text`` on one line of a comment: no control character or line break, which a
    comment cannot hold (or a terminal would act on), but its escape, as reports show it."""
    return visible(" ".join(text.split()))
