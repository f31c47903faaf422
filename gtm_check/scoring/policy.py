"""The repository's policy against one launch: every place the launch file goes below it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

from gtm_check.model.inputs import ChecklistItem, Gate, Launch, Policy
from gtm_check.model.results import Breach, Warning
from gtm_check.model.verify import host_allowed, host_of
from gtm_check.model.vocabulary import Severity
from gtm_check.scoring.verification import checks_to_run


def breaches(
    policy: Policy,
    launch: Launch,
    gate: Gate,
    items: Mapping[str, ChecklistItem],
    as_of: dt.date,
    warnings: Sequence[Warning] = (),
) -> list[Breach]:
    """What the policy refuses: a gate below its floor, waivers it does not allow, and the
    warnings it makes fail. Only active waivers count: an expired one credits nothing."""
    return [
        *_gate_breaches(policy, gate),
        *_launch_breaches(policy, launch),
        *_waiver_breaches(policy, launch, items, as_of),
        *_host_breaches(policy, launch, items),
        *(
            Breach(_warning_loc(w, launch, as_of), f"warning {w.code}: {w.message}")
            for w in warnings
            if w.code in policy.fail_on_warnings
        ),
    ]


BUILTIN = "builtin"
"""The launch file's name for every built-in checklist (``load.checklists.BUILTIN``)."""


def _launch_breaches(policy: Policy, launch: Launch) -> Iterator[Breach]:
    """Checklists the launch must load and does not; a tier it may not declare."""
    named = set(launch.checklists)
    missing = [] if BUILTIN in named else [c for c in policy.required_checklists if c not in named]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        yield Breach(
            ("checklists",),
            f"the launch file must load the built-in checklist{plural} {', '.join(missing)}",
        )
    allowed = policy.allowed_tiers
    if allowed is not None and launch.tier not in allowed:
        listed = ", ".join(str(tier) for tier in allowed) or "none"
        default = "" if "tier" in launch.model_fields_set else " (no tier: in the file)"
        yield Breach(
            ("tier",), f"tier {launch.tier}{default} is not allowed; the policy allows {listed}"
        )


_WAIVER_WARNINGS = ("waiver-on-blocker", "waiver-by-owner", "long-waiver")


def _warning_loc(warning: Warning, launch: Launch, as_of: dt.date) -> tuple[str | int, ...]:
    """Where in the launch file a warning's cause is written: the waiver, the item's
    state, the gate's stages; the top when the launch file does not write it (an item's
    weight is in its checklist)."""
    if warning.code in _WAIVER_WARNINGS:
        for index, waiver in enumerate(launch.waivers):
            if waiver.item == warning.item and waiver.expires >= as_of:
                return ("waivers", index)
    if warning.code == "empty-gated-stage":
        return ("gate", "stages")
    return ("items", warning.item) if warning.item else ()


def _host_breaches(
    policy: Policy, launch: Launch, items: Mapping[str, ChecklistItem]
) -> Iterator[Breach]:
    """url checks of owed items whose host ``verify_hosts`` does not list: a launch file
    may not name what CI fetches beyond what the repository allows, even without
    ``--verify`` (nothing is fetched here)."""
    hosts = policy.verify_hosts or []
    for item_id, check in checks_to_run(launch, items.values()).items():
        host = host_of(check)
        if host is None or host_allowed(hosts, host):
            continue
        state = launch.items.get(item_id)
        fill = state.verify if state is not None else None
        loc: tuple[str | int, ...] = (
            ("items", item_id, "verify", "url")
            if fill is not None and fill.target is not None
            else ("items", item_id)
            if state is not None
            else ("checklists",)
        )
        listed = "does not list it" if hosts else "lists no host"
        yield Breach(loc, f"{item_id} is checked at {host}, and verify_hosts {listed}")


def _gate_breaches(policy: Policy, gate: Gate) -> Iterator[Breach]:
    if policy.min_score is not None and gate.min_score < policy.min_score:
        yield Breach(
            ("gate", "min_score"),
            f"the gate's min_score {gate.min_score:g} is below the policy's {policy.min_score:g}",
        )
    missing = [stage.value for stage in policy.gate_stages if stage not in gate.stages]
    if missing:
        yield Breach(("gate", "stages"), f"the gate must include {', '.join(missing)}")


def _waiver_breaches(
    policy: Policy, launch: Launch, items: Mapping[str, ChecklistItem], as_of: dt.date
) -> Iterator[Breach]:
    for index, waiver in enumerate(launch.waivers):
        if waiver.expires < as_of:
            continue
        item = items.get(waiver.item)
        if not policy.may_approve(waiver.approved_by):
            yield Breach(
                ("waivers", index, "approved_by"),
                f"the waiver for {waiver.item} is approved by {waiver.approved_by}, "
                "who may not approve waivers",
            )
        days = (waiver.expires - as_of).days
        if policy.max_waiver_days is not None and days > policy.max_waiver_days:
            yield Breach(
                ("waivers", index, "expires"),
                f"the waiver for {waiver.item} runs {days} days; the longest allowed is "
                f"{policy.max_waiver_days}",
            )
        if not policy.waive_blockers and item is not None and item.severity is Severity.BLOCKER:
            yield Breach(
                ("waivers", index, "item"),
                f"{waiver.item} is a blocker; blockers may not be waived",
            )
