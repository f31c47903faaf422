"""Warnings: what a launch file may legally do that relaxes its own gate, named every time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

from gtm_check.model.addresses import same_person
from gtm_check.model.inputs import UNSTATED, ChecklistItem, Gate, Launch, Waiver
from gtm_check.model.results import ItemResult, StageResult, Warning
from gtm_check.model.safetext import blank
from gtm_check.model.vocabulary import (
    HEAVY_WEIGHT_FACTOR,
    LONG_WAIVER_DAYS,
    WARNINGS,
    Severity,
    Status,
)


def find_warnings(
    launch: Launch,
    items: Mapping[str, ChecklistItem],
    results: Sequence[ItemResult],
    stages: Sequence[StageResult],
    gate: Gate,
    waivers: Sequence[Waiver],
    as_of: dt.date,
    *,
    evidence_checked: bool = False,
    verification_checked: bool = False,
) -> list[Warning]:
    """Every warning for this launch, in the order of ``WARNINGS``, then by item id."""
    found = [
        *_empty_gated_stages(stages, gate),
        *_waiver_warnings(launch, items, waivers, as_of),
        *_item_warnings(launch, items, results),
        *_attestation_warnings(launch, items, results, as_of, evidence_checked),
        *_idle_waivers(results, waivers, as_of, evidence_checked),
        *_verification_warnings(launch, results, verification_checked),
    ]
    order = list(WARNINGS)
    return sorted(found, key=lambda w: (order.index(w.code), w.item or "", w.message))


def _empty_gated_stages(stages: Sequence[StageResult], gate: Gate) -> Iterator[Warning]:
    for stage in stages:
        if stage.key in gate.stages and stage.score is None:
            yield Warning(
                "empty-gated-stage",
                f"the gate checks {stage.key}, but nothing applies there: it passes by default",
                stage=stage.key,
            )


def _waiver_warnings(
    launch: Launch, items: Mapping[str, ChecklistItem], waivers: Sequence[Waiver], as_of: dt.date
) -> Iterator[Warning]:
    for waiver in waivers:
        yield from waiver_warnings(launch, items, waiver, as_of)


def waiver_warnings(
    launch: Launch, items: Mapping[str, ChecklistItem], waiver: Waiver, as_of: dt.date
) -> Iterator[Warning]:
    """What one waiver is warned of: on a blocker, approved by the item's owner, too long."""
    if waiver.expires < as_of:
        return  # an expired waiver credits nothing: it relaxes nothing
    item = items.get(waiver.item)
    if item is not None and item.severity is Severity.BLOCKER:
        yield Warning("waiver-on-blocker", f"blocker {waiver.item} is waived", waiver.item)
    by_owner = _approved_by_owner(launch, waiver)
    if by_owner is not None:
        yield Warning(
            "waiver-by-owner",
            f"the waiver for {waiver.item} is approved by {by_owner}",
            waiver.item,
        )
    if (waiver.expires - as_of).days > LONG_WAIVER_DAYS:
        yield Warning(
            "long-waiver",
            f"the waiver for {waiver.item} runs until {waiver.expires}, more than a year",
            waiver.item,
        )


def _approved_by_owner(launch: Launch, waiver: Waiver) -> str | None:
    """Whose approval made the waiver self-approved, in words: the item's own owner, or its
    department's default owner (``owners:``, who owns every item of it without one).
    Compared as the same person (``same_person``): case, width, invisible characters and
    the form an address is written in cannot make an owner's approval look like someone
    else's."""
    approver = waiver.approved_by
    owner = launch.items.get(waiver.item, UNSTATED).owner
    if owner is not None and same_person(owner, approver):
        return "the item's own owner"
    department = waiver.item.partition(".")[0]
    default = launch.owners.get(department)
    if default is not None and same_person(default, approver):
        return f"the default owner of {department}, the item's owner"
    return None


def _attestation_warnings(
    launch: Launch,
    items: Mapping[str, ChecklistItem],
    results: Sequence[ItemResult],
    as_of: dt.date,
    evidence_checked: bool,
) -> Iterator[Warning]:
    for result in results:
        item = items[result.id]
        state = launch.items.get(result.id, UNSTATED)
        if not result.applicable or state.status is not Status.DONE:
            continue
        if item.valid_for is not None and state.done_on is None:
            yield Warning(
                "undated-attestation",
                f"{result.id} is done but has no done_on: it stays valid for {item.valid_for} "
                "days from the day it was done, and nobody knows which day that was",
                result.id,
            )
        if item.valid_for is not None and state.done_on is not None and state.done_on > as_of:
            yield Warning(
                "attestation-in-the-future",
                f"{result.id} is done on {state.done_on}, after the as-of date {as_of}: an "
                "attestation that has not happened yet counts for nothing",
                result.id,
            )
        severe = item.severity in (Severity.BLOCKER, Severity.HIGH)
        verified = result.check is not None and result.check.passed
        if severe and blank(state.evidence) and not verified and not evidence_checked:
            yield Warning(
                "done-without-evidence",
                f"{item.severity} {result.id} is done, no evidence",
                result.id,
            )


def _verification_warnings(
    launch: Launch, results: Sequence[ItemResult], checked: bool
) -> Iterator[Warning]:
    """A done item whose check failed (``audit --verify``); open instead, and no warning,
    with --require-verified."""
    if checked:
        return
    for result in results:
        state = launch.items.get(result.id, UNSTATED)
        check = result.check
        if result.applicable and state.status is Status.DONE and check and not check.passed:
            yield Warning(
                "verification-failed",
                f"{result.id} is done, but its check failed: {check.target}: {check.why}",
                result.id,
            )


def _item_warnings(
    launch: Launch, items: Mapping[str, ChecklistItem], results: Sequence[ItemResult]
) -> Iterator[Warning]:
    for result in results:
        item = items[result.id]
        state = launch.items.get(result.id, UNSTATED)
        if item.severity is Severity.BLOCKER and state.status is Status.NOT_APPLICABLE:
            # With a note or without, a blocker marked n/a leaves the gate: always said, so
            # that a policy can fail it (fail_on_warnings: [blocker-na]).
            if blank(state.note):
                yield Warning(
                    "blocker-na-without-note",
                    f"blocker {result.id} is marked n/a with no note saying why",
                    result.id,
                )
            else:
                yield Warning(
                    "blocker-na",
                    f"blocker {result.id} is marked n/a (its note gives why)",
                    result.id,
                )
        heavy = HEAVY_WEIGHT_FACTOR * item.severity.default_weight
        if result.applicable and item.weight is not None and item.weight > heavy:
            yield Warning(
                "heavy-weight",
                f"{result.id} weighs {item.weight:g}, more than {HEAVY_WEIGHT_FACTOR}x a "
                f"{item.severity} item's {item.severity.default_weight}",
                result.id,
            )


def idle(result: ItemResult | None, as_of: dt.date, require_evidence: bool) -> str | None:
    """Why a waiver on this item credits nothing even before it expires, or None: an item
    that does not apply owes nothing, and a done one is credited already (unless its
    attestation ran out or is dated after the as-of date, or it lacks the evidence
    --require-evidence asks for)."""
    if result is None or not result.applicable:
        return "the item does not apply to this launch"
    if result.status is not Status.DONE:
        return None
    stale = _not_counting(result, as_of)
    severe = result.severity in (Severity.BLOCKER, Severity.HIGH)
    unproven = require_evidence and severe and blank(result.evidence)
    return None if stale or unproven else "the item is already done"


def _not_counting(result: ItemResult, as_of: dt.date) -> bool:
    """Whether a done attestation does not count on ``as_of``: it ran out, or its
    ``done_on`` is still to come."""
    until, done_on = result.valid_until, result.done_on
    return until is not None and done_on is not None and (until < as_of or done_on > as_of)


def _idle_waivers(
    results: Sequence[ItemResult], waivers: Sequence[Waiver], as_of: dt.date, evidence: bool
) -> Iterator[Warning]:
    """Waivers that credit nothing: not an active waiver, and worth removing."""
    by_id = {result.id: result for result in results}
    for waiver in waivers:
        why = idle(by_id.get(waiver.item), as_of, evidence) if waiver.expires >= as_of else None
        if why is not None:
            code = "waiver-on-done" if "done" in why else "waiver-not-applicable"
            yield Warning(code, f"the waiver for {waiver.item} credits nothing: {why}", waiver.item)
