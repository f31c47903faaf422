"""``gtm-check plan`` in each format: the critical path, the chain, each open item's slack."""

from __future__ import annotations

import textwrap
from typing import Any

from gtm_check.model.plan import Plan, PlannedItem, days
from gtm_check.model.safetext import visible
from gtm_check.report import RenderOptions
from gtm_check.report.history import history_lines
from gtm_check.report.history import to_dict as history_dict
from gtm_check.report.markdown import cell, text
from gtm_check.report.shared import (
    MISSED_HEADING,
    POLICY_HEADING,
    drawn,
    json_text,
    status_text,
)

SCHEMA_VERSION = 1

MODEL = (
    "An open item can be done today at the earliest, and no earlier than each open item it "
    "requires allows: that item's earliest date plus the days its lead time gives after it. "
    "It is needed by its due date (launch day without one); its slack is the days it can "
    "slip without making itself, or an open item that needs it, late. The launch can be "
    "ready when every open item of the gated stages due by launch day can be, unless the "
    "gate fails on an open item due after it."
)
"""The model in one paragraph (the README's "The critical path" says it in full)."""


def _late(planned: PlannedItem) -> str:
    return f"{days(planned.late)} late" if planned.late else "in time"


def _slack(planned: PlannedItem) -> str:
    return f"{planned.slack:+d}" if planned.slack else "0"


def _waits(planned: PlannedItem) -> str:
    return f"waits on {planned.waits_on}" if planned.waits_on else ""


def _history(plan: Plan) -> list[str]:
    """With ``--history``: the projection, its method, and which of the two decides."""
    if plan.history is None:
        return []
    lines = history_lines(plan.history)
    return [*lines, plan.outlook.sentence] if plan.outlook is not None else lines


# --- the terminal --------------------------------------------------------------------------


def render_table(plan: Plan, options: RenderOptions) -> str:
    """The headline, the deciding chain, then every open item by slack, each with its title
    and owner on a line below (wrapped to the width)."""
    launch = plan.launch
    wrap = textwrap.TextWrapper(
        width=max(options.width, 40),
        initial_indent="    ",
        subsequent_indent="    ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    lines = []
    for line in (
        visible(launch.title),
        f"launch {launch.launch_date} · {launch.when} · as of {launch.as_of}",
        plan.headline,
    ):
        lines += textwrap.wrap(line, max(options.width, 40), subsequent_indent="  ") or [""]
    lines.append("")
    for heading, held in ((POLICY_HEADING, plan.policy), (MISSED_HEADING, plan.missed)):
        if held:
            lines += textwrap.wrap(f"{heading}:", max(options.width, 40), subsequent_indent="  ")
            for reason in held:
                lines += wrap.wrap(visible(reason))
            lines.append("")
    if plan.path.chain:
        lines.append("What decides it, first to be done first:")
        for n, planned in enumerate(plan.path.chain, 1):
            lines += textwrap.wrap(
                f"{n}. {planned.item.id}: due {planned.needed_by}, done {planned.earliest} "
                f"at the earliest, {_late(planned)}",
                max(options.width, 40),
                initial_indent="  ",
                subsequent_indent="    ",
                break_long_words=False,
                break_on_hyphens=False,
            )
            lines += wrap.wrap(visible(f"{planned.item.title} · {_owner(planned)}"))
        lines.append("")
    for line in _history(plan):
        lines += textwrap.wrap(visible(line), options.width, subsequent_indent="  ") or [""]
    if plan.history is not None:
        lines.append("")
    lines += _slack_table(plan, wrap)
    lines += ["", *textwrap.wrap(MODEL, options.width)]
    return drawn("\n".join(lines) + "\n", options)


def _owner(planned: PlannedItem) -> str:
    return f"owner {planned.item.owner}" if planned.item.owner else "no owner"


def _slack_table(plan: Plan, wrap: textwrap.TextWrapper) -> list[str]:
    items = plan.path.items
    if not items:
        return ["No open items."]
    width = max(len(p.item.id) for p in items)
    lines = [
        *textwrap.wrap(f"Open items by slack ({len(items)}): days each can slip", wrap.width),
        f"{'Slack':>5}  {'Due':<10}  {'Earliest':<10}  Item",
    ]
    for planned in items:
        gated = "" if planned.gated else " (not gated)"
        dates = f"{_slack(planned):>5}  {planned.needed_by!s:<10}  {planned.earliest!s:<10}  "
        row = f"{dates}{planned.item.id.ljust(width)}{gated}".rstrip()
        if len(row) > wrap.width:  # "(not gated)" in line with the others only where it fits
            row = f"{dates}{planned.item.id}{gated}"
        if len(row) <= wrap.width:
            lines.append(row)
        else:  # a narrow terminal: the id on a line of its own rather than cut by the terminal
            lines += [dates.rstrip(), *wrap.wrap(f"{planned.item.id}{gated}")]
        detail = [planned.item.title, _owner(planned), status_text(planned.item)]
        detail += [_waits(planned)] if planned.waits_on else []
        lines += wrap.wrap(visible(" · ".join(detail)))
    return lines


# --- Markdown ------------------------------------------------------------------------------


def render_markdown(plan: Plan, options: RenderOptions) -> str:
    launch = plan.launch
    lines = [
        f"### {text(launch.title)}: the plan",
        "",
        f"**{text(_sentence_case(plan.headline))}** (launch {launch.launch_date}, "
        f"{launch.when}, as of {launch.as_of}).",
        "",
    ]
    for heading, held in ((POLICY_HEADING, plan.policy), (MISSED_HEADING, plan.missed)):
        if held:
            lines += [f"{heading}:", "", *(f"- {text(reason)}" for reason in held), ""]
    if plan.path.chain:
        lines += [
            "What decides it, first to be done first:",
            "",
            "| # | Item | Owner | Due | Done at the earliest | Late |",
            "|---:|---|---|---|---|---|",
        ]
        for n, planned in enumerate(plan.path.chain, 1):
            lines.append(
                f"| {n} | `{planned.item.id}` {cell(planned.item.title)} "
                f"| {cell(planned.item.owner or 'no owner')} | {planned.needed_by} "
                f"| {planned.earliest} | {_late(planned)} |"
            )
        lines.append("")
    history = _history(plan)
    if history:
        lines += [*(f"- {text(line)}" for line in history), ""]
    lines += _markdown_slack(plan)
    lines += ["", f"_{MODEL}_"]
    return "\n".join(lines) + "\n"


def _sentence_case(line: str) -> str:
    return line[:1].upper() + line[1:]


def _markdown_slack(plan: Plan) -> list[str]:
    items = plan.path.items
    if not items:
        return ["No open items."]
    lines = [
        f"#### Open items by slack ({len(items)})",
        "",
        "Slack: the days an item can slip without making itself, or an item that needs it, "
        "late; negative: how late it will be.",
        "",
        "| Slack | Item | Owner | Due | Earliest | Waits on |",
        "|---:|---|---|---|---|---|",
    ]
    for planned in items:
        gated = "" if planned.gated else " (not gated)"
        waits = f"`{planned.waits_on}`" if planned.waits_on else " "
        lines.append(
            f"| {_slack(planned)} | `{planned.item.id}`{gated} {cell(planned.item.title)} "
            f"| {cell(planned.item.owner or 'no owner')} | {planned.needed_by} "
            f"| {planned.earliest} | {waits} |"
        )
    return lines


# --- JSON ----------------------------------------------------------------------------------


def _item(planned: PlannedItem) -> dict[str, Any]:
    item = planned.item
    return {
        "id": item.id,
        "title": item.title,
        "stage": item.stage.value,
        "severity": item.severity.value,
        "owner": item.owner,
        "status": item.status.value,
        "expired": item.expired,
        "due": item.due.isoformat() if item.due else None,
        "needed_by": planned.needed_by.isoformat(),
        "earliest": planned.earliest.isoformat(),
        "latest": planned.latest.isoformat(),
        "slack": planned.slack,
        "late": planned.late,
        "waits_on": planned.waits_on,
        "gated": planned.gated,
    }


def to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as the documented JSON object (README: "The plan in JSON")."""
    launch, path = plan.launch, plan.path
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "launch": {
            "name": launch.name,
            "launch_date": launch.launch_date.isoformat(),
            "as_of": launch.as_of.isoformat(),
            "days_to_launch": launch.days_to_launch,
            "tier": launch.tier,
        },
        "critical_path": {
            "ready": None if plan.ready is None else plan.ready.isoformat(),
            "days_after_launch": None if plan.ready is None else path.days_after_launch,
            "late": path.late,
            "chain": [p.item.id for p in path.chain],
        },
        "items": [_item(p) for p in path.items],
    }
    if plan.policy:  # only then: a launch within its policy keeps the shape above
        data["policy"] = plan.policy
    if plan.missed:  # likewise
        data["missed_milestones"] = plan.missed
    if plan.history is not None:  # asked for with --history
        outlook = plan.outlook
        data["history"] = history_dict(plan.history) | {
            "outlook": None
            if outlook is None
            else {
                "decides": outlook.decides,
                "critical_path": outlook.path.isoformat(),
                "pace": outlook.pace.isoformat() if outlook.pace else None,
                "stage": outlook.stage.value,
                "verdict": outlook.verdict,
                "message": outlook.sentence,
            }
        }
    return data


def render_json(plan: Plan, options: RenderOptions) -> str:
    return json_text(to_dict(plan))
