"""The repository's policy against one launch: every place the launch file goes below it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

from gtm_check.model.addresses import parse_address
from gtm_check.model.inputs import (
    UNSTATED,
    Checklist,
    ChecklistItem,
    Gate,
    Launch,
    Policy,
    Waiver,
)
from gtm_check.model.problems import quoted, some_of
from gtm_check.model.results import Breach, Warning
from gtm_check.model.verify import AllowedHosts, host_of
from gtm_check.model.vocabulary import Severity, Stage, Status
from gtm_check.scoring.verification import checks_to_run
from gtm_check.scoring.warnings import waiver_warnings


def breaches(
    policy: Policy,
    launch: Launch,
    gate: Gate,
    items: Mapping[str, ChecklistItem],
    as_of: dt.date,
    warnings: Sequence[Warning] = (),
    required: frozenset[str] = frozenset(),
    required_scores: Mapping[Stage, float | None] | None = None,
) -> list[Breach]:
    """What the policy refuses: a gate below its floor, waivers it does not allow, and the
    warnings it makes fail. Only active waivers count: an expired one credits nothing.

    ``required``: the ids of the items of the built-in checklists the policy requires, and
    ``required_scores`` each gated stage's score on those items alone: a launch file that
    loads a checklist of its own must not lift a stage past ``min_score``, nor under
    ``max_na_share``, with items it wrote for the purpose while the required ones stay open.

    Linear in the launch and the policy: every lookup is in a set or a dict built once,
    never a walk of one list for each entry of another."""
    failing = set(policy.fail_on_warnings)
    if "blocker-na" in failing:  # any blocker marked n/a: the one without a note is worse
        failing.add("blocker-na-without-note")
    waived_at = _active_waivers(launch, as_of) if failing else {}
    scores = required_scores or {}
    found = [
        *_gate_breaches(policy, gate),
        *_launch_breaches(policy, launch),
        *_na_breaches(policy, launch, gate, items),
        *_diluted(policy, launch, gate, items, required, scores),
        *_waiver_breaches(policy, launch, items, as_of),
        *_host_breaches(policy, launch, items),
        *(
            Breach(
                _warning_loc(w, waived_at, launch),
                f"warning {w.code}: {w.message}",
                stage=items[w.item].stage if w.item is not None and w.item in items else w.stage,
            )
            for w in warnings
            if w.code in failing
        ),
    ]
    return [_by_waiver(breach, launch) for breach in found]


def added(before: Sequence[Breach], after: Sequence[Breach]) -> list[Breach]:
    """The breaches of ``after`` that ``before`` does not have, or has to a lesser degree
    (an n/a share or a shortfall that grew): what an edit may not add, and what ``diff``
    counts as a regression."""
    had: dict[str, float] = {}
    named: dict[str, frozenset[str]] = {}
    for breach in before:
        had[breach.identity] = max(breach.degree, had.get(breach.identity, breach.degree))
        named[breach.identity] = named.get(breach.identity, frozenset()) | breach.names
    return [
        b
        for b in after
        if b.identity not in had or b.degree > had[b.identity] or not b.names <= named[b.identity]
    ]


def counted(
    policy: Policy | None, launch: Launch, checklists: Sequence[Checklist], as_of: dt.date
) -> Launch:
    """The launch as the policy lets it count, for ``diff`` and ``trend``: every waiver it
    refuses dropped, so that it credits nothing (an approver it does not list, a blocker it
    does not let be waived, a waiver longer than it allows, one its ``fail_on_warnings``
    fails), and the gate raised to its floors (its ``min_score``, its ``gate_stages``).
    Without a policy, the launch as written.

    ``audit`` fails the gate on such a waiver instead; a comparison has no gate to fail, so
    the waiver must not move a stage's score or verdict there either."""
    if policy is None:
        return launch
    update: dict[str, object] = {}
    waivers = allowed_waivers(policy, launch, checklists, as_of)
    if len(waivers) != len(launch.waivers):
        update["waivers"] = waivers
    gate = launch.gate
    stages = [*gate.stages, *(s for s in policy.gate_stages if s not in gate.stages)]
    floor = max(gate.min_score, policy.min_score or 0)
    if stages != gate.stages or floor != gate.min_score:
        update["gate"] = gate.model_copy(update={"stages": stages, "min_score": floor})
    return launch.model_copy(update=update) if update else launch


def allowed_waivers(
    policy: Policy, launch: Launch, checklists: Sequence[Checklist], as_of: dt.date
) -> list[Waiver]:
    """The launch's waivers but those the policy refuses, each on its own: a breach of a
    waiver rule, or a warning ``fail_on_warnings`` names (every waiver of that item goes)."""
    failing = set(policy.fail_on_warnings) & set(_WAIVER_WARNINGS)
    loose = policy.waiver_approvers is None and policy.max_waiver_days is None
    if not launch.waivers or (loose and policy.waive_blockers and not failing):
        return launch.waivers
    items = {item.id: item for checklist in checklists for item in checklist.items}
    refused = {b.loc[1] for b in _waiver_breaches(policy, launch, items, as_of)}
    warned = {
        w.item
        for waiver in launch.waivers
        for w in waiver_warnings(launch, items, waiver, as_of)
        if w.code in failing
    }
    return [w for i, w in enumerate(launch.waivers) if i not in refused and w.item not in warned]


def _by_waiver(breach: Breach, launch: Launch) -> Breach:
    """A breach of a waiver known by the waiver as written, not only by its message: a
    waiver renewed (a new expiry) by an approver the policy does not allow is a new breach
    of its own, which an edit may not add (``cli/edit_policy.py``)."""
    if breach.key is not None or breach.loc[:1] != ("waivers",):
        return breach
    waiver = launch.waivers[int(breach.loc[1])]
    written = f"{waiver.item} {waiver.approved_by} {waiver.expires} {waiver.reason}"
    return dataclasses.replace(breach, key=f"{breach.message} [{written}]")


REQUIRED_SCORE = "required score"
"""The key of a breach of the required checklists' own score, with its stage: one that
closing items mends, which ``trend`` projects rather than holds back."""

BUILTIN = "builtin"
"""The launch file's name for every built-in checklist (``load.checklists.BUILTIN``)."""


def _launch_breaches(policy: Policy, launch: Launch) -> Iterator[Breach]:
    """Checklists the launch must load and does not; traits it must or may not declare;
    a tier it may not declare."""
    named = set(launch.checklists)
    missing = [] if BUILTIN in named else [c for c in policy.required_checklists if c not in named]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        yield Breach(
            ("checklists",),
            f"the launch file must load the built-in checklist{plural} {some_of(missing)}",
            key="required_checklists",
            names=frozenset(missing),
        )
    declared = set(launch.traits)
    lacking = [t for t in policy.required_traits if t not in declared]
    if lacking:
        plural = "s" if len(lacking) > 1 else ""
        yield Breach(
            ("traits",) if "traits" in launch.model_fields_set else (),
            f"the launch must declare the trait{plural} {some_of(lacking)}",
            key="required_traits",
            names=frozenset(lacking),
        )
    if policy.allowed_traits is not None:
        permitted = set(policy.allowed_traits)
        extra = [t for t in launch.traits if t not in permitted]
        if extra:
            plural = "s" if len(extra) > 1 else ""
            yield Breach(
                ("traits",),
                f"the launch may not declare the trait{plural} {some_of(extra)}; the policy "
                f"allows {some_of(policy.allowed_traits)}",
                key="allowed_traits",
                names=frozenset(extra),
            )
    allowed = policy.allowed_tiers
    if allowed is not None and launch.tier not in allowed:
        listed = ", ".join(str(tier) for tier in allowed) or "none"
        default = "" if "tier" in launch.model_fields_set else " (no tier: in the file)"
        yield Breach(
            ("tier",), f"tier {launch.tier}{default} is not allowed; the policy allows {listed}"
        )


_WAIVER_WARNINGS = ("waiver-on-blocker", "waiver-by-owner", "long-waiver")


def _active_waivers(launch: Launch, as_of: dt.date) -> dict[str, int]:
    """Each waived item's first active waiver, by index in the launch file."""
    found: dict[str, int] = {}
    for index, waiver in enumerate(launch.waivers):
        if waiver.expires >= as_of:
            found.setdefault(waiver.item, index)
    return found


_AT_THE_WAIVER = frozenset({*_WAIVER_WARNINGS, "waiver-on-done", "waiver-not-applicable"})
"""Warnings whose cause is a waiver: shown at the waiver, not at the item's state."""


def _warning_loc(
    warning: Warning, waived_at: Mapping[str, int], launch: Launch
) -> tuple[str | int, ...]:
    """Where in the launch file a warning's cause is written: the waiver, the item's
    state, the gate's stages; ``checklists:`` for an item's weight, which its checklist
    sets; the top when the launch file writes none of these."""
    if warning.code in _AT_THE_WAIVER and warning.item is not None and warning.item in waived_at:
        return ("waivers", waived_at[warning.item])
    if warning.code == "empty-gated-stage":
        return ("gate", "stages")
    if warning.code == "heavy-weight":
        return ("checklists",) if "checklists" in launch.model_fields_set else ()
    return ("items", warning.item) if warning.item in launch.items else ()


def _host_breaches(
    policy: Policy, launch: Launch, items: Mapping[str, ChecklistItem]
) -> Iterator[Breach]:
    """url checks of owed items whose host ``verify_hosts`` does not list: a launch file
    may not name what CI fetches beyond what the repository allows, even without
    ``--verify`` (nothing is fetched here)."""
    hosts = policy.verify_hosts or []
    allowed = AllowedHosts(hosts)
    for item_id, check in checks_to_run(launch, items.values()).items():
        host = host_of(check)
        if host is None or allowed.allows(host):
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
        yield Breach(
            ("gate", "stages"),
            f"the gate must include {', '.join(missing)}",
            key="gate_stages",
            names=frozenset(missing),
        )


def _waiver_breaches(
    policy: Policy, launch: Launch, items: Mapping[str, ChecklistItem], as_of: dt.date
) -> Iterator[Breach]:
    approvers = policy.approvers()
    for index, waiver in enumerate(launch.waivers):
        if waiver.expires < as_of:
            continue
        item = items.get(waiver.item)
        # The waived item's stage: the gate fails on it, so trend and diff hold it back.
        stage = item.stage if item is not None else None
        if approvers is not None and parse_address(waiver.approved_by) is None:
            yield Breach(
                ("waivers", index, "approved_by"),
                f"the waiver for {waiver.item} is approved by {quoted(waiver.approved_by)}, "
                "which is not one plain e-mail address (name@example.com): the policy lists "
                "who may approve waivers",
                stage=stage,
            )
        elif approvers is not None and not approvers.allows(waiver.approved_by):
            yield Breach(
                ("waivers", index, "approved_by"),
                f"the waiver for {waiver.item} is approved by {waiver.approved_by}, "
                "who may not approve waivers",
                stage=stage,
            )
        days = (waiver.expires - as_of).days
        if policy.max_waiver_days is not None and days > policy.max_waiver_days:
            yield Breach(
                ("waivers", index, "expires"),
                f"the waiver for {waiver.item} runs {days} days; the longest allowed is "
                f"{policy.max_waiver_days}",
                # Known by its item, however renewed: a shorter one lessens the breach (an
                # edit may make it), a longer one adds to it (an edit may not).
                key=f"max_waiver_days {waiver.item}",
                degree=days,
                stage=stage,
            )
        if not policy.waive_blockers and item is not None and item.severity is Severity.BLOCKER:
            yield Breach(
                ("waivers", index, "item"),
                f"{waiver.item} is a blocker; blockers may not be waived",
                stage=stage,
            )


def required_floor(policy: Policy, gate_min_score: float) -> float:
    """The score the required checklists' items must reach on their own in each gated
    stage: the policy's ``min_score``, or where it sets none, the gate's (which the launch
    file may set as it likes, in the open, where done items of its own checklists would
    lift a stage unseen)."""
    return policy.min_score if policy.min_score is not None else gate_min_score


def _diluted(
    policy: Policy,
    launch: Launch,
    gate: Gate,
    items: Mapping[str, ChecklistItem],
    required: frozenset[str],
    scores: Mapping[Stage, float | None],
) -> Iterator[Breach]:
    """The policy's floors held by the required checklists' items on their own, where the
    launch loads items of other checklists beside them (padding raises a score and the
    number of items owed, not what the repository requires). Each stage's n/a share of the
    required items is a breach of its own beside that of all the items: either can be past
    the policy while the other is not, and each can grow."""
    if not required or len(required) == len(items):
        return
    floor = required_floor(policy, gate.min_score)
    whose = "the gate's" if policy.min_score is None else "the policy's"
    for stage in Stage:
        score = scores.get(stage)
        gated = stage in gate.stages or stage in policy.gate_stages
        if gated and score is not None and score < floor:
            yield Breach(
                ("checklists",),
                f"{stage.value}: the items of the required checklists score {score:.1f} on "
                f"their own, below {whose} min_score {floor:g} (items of other "
                "checklists do not count toward it)",
                key=f"{REQUIRED_SCORE} {stage.value}",
                degree=floor - score,
                stage=stage,
            )
    own = {i: item for i, item in items.items() if i in required}
    for breach in _na_breaches(policy, launch, gate, own):
        yield dataclasses.replace(
            breach,
            message=breach.message.replace(
                " items the launch owes", " items the launch owes from the required checklists"
            ),
            key=f"required {breach.key}",  # its own: neither hides the other, nor its growth
        )


def _na_breaches(
    policy: Policy, launch: Launch, gate: Gate, items: Mapping[str, ChecklistItem]
) -> Iterator[Breach]:
    """Gated stages where more of the items the launch owes are marked ``n/a`` than the
    policy allows: marking items n/a is how a launch file could shrink its own gate."""
    limit = policy.max_na_share
    if limit is None:
        return
    traits = set(launch.traits)
    owed = dict.fromkeys(gate.stages, 0)
    na = dict.fromkeys(gate.stages, 0)
    first: dict[Stage, str] = {}  # where the breach is shown: the stage's first n/a item
    for item in items.values():
        if item.stage not in owed or not item.owed_by(traits, launch.tier):
            continue
        owed[item.stage] += 1
        if launch.items.get(item.id, UNSTATED).status is Status.NOT_APPLICABLE:
            na[item.stage] += 1
            first.setdefault(item.stage, item.id)
    for stage in Stage:
        if stage in owed and owed[stage] and na[stage] > limit * owed[stage]:
            yield Breach(
                ("items", first[stage]),
                f"{stage.value}: {na[stage]} of the {owed[stage]} items the launch owes are "
                f"marked n/a ({100 * na[stage] / owed[stage]:.4g}%); the policy allows at most "
                f"{100 * limit:.4g}%",
                key=f"max_na_share {stage.value}",
                degree=na[stage] / owed[stage],
                stage=stage,
            )
