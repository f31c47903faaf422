"""Scores a launch against its checklists: the rules of the README's "Scoring" section."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from fractions import Fraction

from gtm_check.model.inputs import (
    UNSTATED,
    Checklist,
    ChecklistItem,
    Gate,
    ItemState,
    Launch,
    Milestone,
    Policy,
    Waiver,
)
from gtm_check.model.results import (
    Breach,
    CheckResult,
    DepartmentResult,
    Expiring,
    GateResult,
    ItemResult,
    LaunchSummary,
    Location,
    MilestoneResult,
    Overall,
    Report,
    StageResult,
    WaiverResult,
    Warning,
    urgency,
)
from gtm_check.model.safetext import blank
from gtm_check.model.vocabulary import Severity, Stage, Status, Verdict, department_rank
from gtm_check.scoring.milestones import milestone_results
from gtm_check.scoring.policy import allowed_waivers, breaches, counted
from gtm_check.scoring.warnings import find_warnings, idle


def exact_weight(weight: int | float) -> int | Fraction:
    """A weight as the checklist wrote it: an int as itself, a float as the shortest decimal
    that reads back as it (``repr``), so 0.7995 counts as 7995/10000, not as the binary
    float just below it (79.95 then shows 80.0 whether the weights were 7.995 or 0.7995)."""
    return weight if isinstance(weight, int) else Fraction(repr(weight))


def score_percent(items: Iterable[ItemResult]) -> float | None:
    """100 x credited weight / applicable weight, to one decimal (half up); None if none apply."""
    # Exact arithmetic, so the score does not depend on the order weights are added in.
    # Whole weights (the usual case) add as ints; a fractional one makes the sum a Fraction.
    applicable: int | Fraction = 0
    credited: int | Fraction = 0
    for item in items:
        if item.applicable:
            weight = exact_weight(item.weight)
            applicable += weight
            if item.credited:
                credited += weight
    if applicable == 0:
        return None
    # Rounded half up from the exact ratio: a division to Decimal's 28 digits first rounded
    # 79.94999… (thirty nines, from a weight of 1e-300) up to 79.95, and so to 80.0.
    tenths = math.floor(Fraction(credited * 1000) / applicable + Fraction(1, 2))
    return tenths / 10


def evaluate_item(
    item: ChecklistItem,
    state: ItemState,
    waivers: Sequence[Waiver],
    launch: Launch,
    as_of: dt.date,
    location: Location | None = None,
    *,
    require_evidence: bool = False,
    traits: Set[str],
    milestone_dates: Mapping[str, dt.date],
    check: CheckResult | None = None,
    require_verified: bool = False,
) -> ItemResult:
    """One item's applicability, credit and lateness on the as-of date (``traits`` and
    ``milestone_dates``: the launch's, worked out once for all its items; ``check``: what
    its check found, with ``audit --verify``). Long because its result has a field for
    each of these, named one per line."""
    applicable = item.owed_by(traits, launch.tier) and state.status is not Status.NOT_APPLICABLE
    active, shown = _waivers_on(waivers, as_of)
    done = state.status is Status.DONE
    until = valid_until(item, state)
    stale = done and until is not None and until < as_of
    # An attestation dated after the as-of date has not happened yet on that date: it
    # credits nothing (and ``attestation-in-the-future`` says so), or it would never expire.
    early = done and until is not None and state.done_on is not None and state.done_on > as_of
    unproven, unverified = _unconfirmed(item, state, check, require_evidence, require_verified)
    credited = (done and not stale and not early and not unproven and not unverified) or active
    due = due_date(item, state, launch.launch_date, milestone_dates, tier=launch.tier)
    is_open = applicable and not credited
    overdue_days = (as_of - due).days if is_open and due is not None and due < as_of else None
    return ItemResult(
        id=item.id,
        title=item.title,
        stage=item.stage,
        department=item.department,
        severity=item.severity,
        weight=item.effective_weight,
        status=state.status,
        owner=state.owner or launch.owners.get(item.department),
        due=due,
        due_from_lead=state.due is None and state.by is None and due is not None,
        question=item.question,
        guidance=item.guidance,
        applicable=applicable,
        credited=credited,
        overdue_days=overdue_days,
        waiver=_waiver_result(shown, as_of) if shown else None,
        location=location,
        done_on=state.done_on,
        valid_until=until,
        expired=stale and not active,
        dated_ahead=early and not active,
        unproven=unproven and not active,
        evidence=state.evidence,
        why=item.why,
        by=state.by,
        check=check,
        unverified=unverified and not active,
    )


def _unconfirmed(
    item: ChecklistItem,
    state: ItemState,
    check: CheckResult | None,
    require_evidence: bool,
    require_verified: bool,
) -> tuple[bool, bool]:
    """Whether a ``done`` does not count for want of evidence (with --require-evidence; a
    check that passed is evidence), and for a check that failed (with --require-verified)."""
    if state.status is not Status.DONE:
        return False, False
    proven = not blank(state.evidence) or (check is not None and check.passed)
    unproven = require_evidence and needs_evidence(item) and not proven
    unverified = require_verified and check is not None and not check.passed
    return unproven, unverified


def _waivers_on(waivers: Sequence[Waiver], as_of: dt.date) -> tuple[bool, Waiver | None]:
    """Whether a waiver credits the item, and the one to show: the one that credits it
    (latest expiry first) or, when none does, the most recently expired one."""
    active = [w for w in waivers if w.expires >= as_of]
    expired = [w for w in waivers if w.expires < as_of]
    return bool(active), max(active or expired, key=lambda w: w.expires, default=None)


def needs_evidence(item: ChecklistItem) -> bool:
    """Blockers and high items: a ``done`` that matters should say where the proof is."""
    return item.severity in (Severity.BLOCKER, Severity.HIGH)


def valid_until(item: ChecklistItem, state: ItemState) -> dt.date | None:
    """The last day a dated attestation counts: ``done_on + valid_for``."""
    if item.valid_for is None or state.done_on is None:
        return None
    return _shift(state.done_on, item.valid_for)


def _shift(date: dt.date, days: int) -> dt.date:
    """``date`` moved by ``days``, held at the ends of the calendar rather than overflowing."""
    try:
        return date + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def dates_of(milestones: Sequence[Milestone]) -> dict[str, dt.date]:
    """Each milestone's date by its name (the first, should a name be listed twice)."""
    dates: dict[str, dt.date] = {}
    for milestone in milestones:
        dates.setdefault(milestone.name, milestone.date)
    return dates


def due_date(
    item: ChecklistItem,
    state: ItemState,
    launch_date: dt.date,
    milestone_dates: Mapping[str, dt.date] | None = None,
    *,
    tier: int,
) -> dt.date | None:
    """The launch file's due date, else the date of the milestone it is due ``by``, else the
    launch date less the item's lead time for the launch's tier, else none."""
    if state.due is not None:
        return state.due
    if state.by is not None and milestone_dates and state.by in milestone_dates:
        return milestone_dates[state.by]
    lead = item.lead_time(tier)
    if lead is None:
        return None
    return _shift(launch_date, -lead)


def _waiver_result(
    waiver: Waiver,
    as_of: dt.date,
    results: Mapping[str, ItemResult] | None = None,
    require_evidence: bool = False,
    *,
    counts: bool = True,
) -> WaiverResult:
    """``counts``: whether the policy lets the waiver credit its item (it refuses it: the
    gate fails on it, and it credits nothing)."""
    expired = waiver.expires < as_of
    if not counts and not expired:
        why: str | None = "the policy refuses it"
    elif results is None or expired:
        why = None
    else:
        why = idle(results.get(waiver.item), as_of, require_evidence)
    return WaiverResult(
        item=waiver.item,
        reason=waiver.reason,
        approved_by=waiver.approved_by,
        expires=waiver.expires,
        expired=expired,
        idle=why,
    )


def _policy_warnings(
    launch: Launch,
    checklists: Sequence[Checklist],
    by_id: Mapping[str, ChecklistItem],
    as_of: dt.date,
    gate: Gate,
    options: GateOptions,
    checks: Mapping[str, CheckResult] | None,
    policy: Policy,
    found: list[Warning],
) -> list[Warning]:
    """The warnings the policy judges: those of the launch scored without the flags that
    make the gate stricter (--require-evidence, --require-verified, --ignore-waivers),
    which count an item open rather than warn of it. A stricter flag only adds failures:
    it must not take away the one ``fail_on_warnings`` makes of a done item without
    evidence or with a failed check, or of a waiver."""
    strict = options.require_evidence or options.require_verified or options.ignore_waivers
    if not policy.fail_on_warnings or not strict:
        return found
    plain = replace(options, require_evidence=False, require_verified=False, ignore_waivers=False)
    items = _item_results(launch, checklists, launch.waivers, as_of, {}, plain, checks)
    stages = [_stage_result(stage, items, gate.min_score, options.fail_on) for stage in Stage]
    return find_warnings(launch, by_id, items, stages, gate, launch.waivers, as_of)


def stage_verdict(score: float | None, holding: int, min_score: float) -> Verdict:
    """``holding``: the stage's open items the gate fails on (its open blockers, unless
    ``--fail-on`` says another severity, or never)."""
    if holding:
        return Verdict.BLOCKED
    if score is not None and score < min_score:
        return Verdict.AT_RISK
    return Verdict.READY


@dataclass(frozen=True)
class GateOptions:
    """How the gate judges, beyond the launch file's stages and minimum score.

    The defaults are the README's rules: an open blocker in a gated stage fails the gate.
    """

    fail_on: Severity | None = Severity.BLOCKER
    ignore_waivers: bool = False
    overrides: tuple[str, ...] = ()
    require_evidence: bool = False
    """A done blocker or high item without evidence counts as open."""
    expiring_within: int = 14
    """Days ahead in which a waiver or attestation that runs out is listed as expiring."""
    require_verified: bool = False
    """A done item whose check failed counts as open."""


def score_launch(
    launch: Launch,
    checklists: Sequence[Checklist],
    as_of: dt.date,
    gate: Gate | None = None,
    options: GateOptions = GateOptions(),
    locations: Mapping[str, Location] | None = None,
    policy: Policy | None = None,
    checks: Mapping[str, CheckResult] | None = None,
    required: frozenset[str] = frozenset(),
) -> Report:
    """The whole readiness report for ``launch`` on ``as_of``, judged by ``gate``.

    ``gate`` defaults to the launch file's own; the command line passes its overrides here.
    ``locations`` says where each item's state is written, for reports that point at it.
    ``policy`` is the repository's: where the launch goes below it, the gate fails.
    ``checks``: what each item's check found, by item id, when they ran (``--verify``).
    ``required``: the items of the checklists the policy requires, which must meet its
    floors on their own (``policy.breaches``).
    Long because it assembles the report from each part's result, one per line.
    """
    gate = gate or launch.gate
    waivers = [] if options.ignore_waivers else launch.waivers
    # A waiver the policy refuses credits nothing (the gate fails on it, as a breach of the
    # launch as written, below): the stage scores, the gaps and every output that shows
    # them count the item open, as diff, plan and owners do.
    credits = allowed_waivers(policy, launch, checklists, as_of) if policy and waivers else waivers
    items = _item_results(launch, checklists, credits, as_of, locations or {}, options, checks)
    stages = [_stage_result(stage, items, gate.min_score, options.fail_on) for stage in Stage]
    by_id = {item.id: item for checklist in checklists for item in checklist.items}
    found = find_warnings(
        launch,
        by_id,
        items,
        stages,
        gate,
        waivers,
        as_of,
        evidence_checked=options.require_evidence,
        verification_checked=options.require_verified,
    )
    refused = (
        breaches(
            policy,
            launch,
            gate,
            by_id,
            as_of,
            _policy_warnings(
                launch, checklists, by_id, as_of, gate, options, checks, policy, found
            ),
            required,
            required_scores(items, required),
        )
        if policy
        else []
    )
    milestones = milestone_results(launch.milestones, stages, items, as_of, options.fail_on)
    results = {item.id: item for item in items}  # once: 227 waivers x 100,000 items took 9 s
    counting = {id(w) for w in credits}  # the waivers the policy lets credit, looked up once
    return Report(
        launch=_summary(launch, as_of),
        overall=_overall(items),
        stages=stages,
        departments=_department_results(checklists, items),
        gaps=sorted((i for i in items if i.open), key=urgency),
        gate=_gate_result(gate, options, stages, items, refused, milestones),
        items=items,
        waivers=[
            _waiver_result(w, as_of, results, options.require_evidence, counts=id(w) in counting)
            for w in sorted(waivers, key=lambda w: (w.item, w.expires))
        ],
        warnings=found,
        expiring=expiring(items, waivers, as_of, options.expiring_within),
        expiring_within=options.expiring_within,
        milestones=milestones,
        verified=checks is not None,
    )


def score_counted(
    launch: Launch,
    checklists: Sequence[Checklist],
    as_of: dt.date,
    policy: Policy | None,
    *,
    options: GateOptions = GateOptions(),
    checks: Mapping[str, CheckResult] | None = None,
    required: frozenset[str] = frozenset(),
) -> Report:
    """The launch scored as ``policy`` lets it count (``policy.counted``: a waiver it
    refuses credits nothing, the gate is raised to its floors), for the views that compare
    or project (``diff``, ``trend``), and judged by every breach ``audit`` finds on the
    launch as written: ``counted`` has already raised a gate below the floor and dropped a
    refused waiver, so neither would be a breach of the counted launch, and a refused
    waiver on an item already done moves no score. The written launch's breaches first, in
    ``audit``'s order, then any only the counted launch has (a required score that fell
    with a waiver it no longer credits)."""
    allowed = counted(policy, launch, checklists, as_of)
    report = score_launch(
        allowed, checklists, as_of, options=options, policy=policy, checks=checks, required=required
    )
    if policy is None or allowed is launch:
        return report
    written = score_launch(
        launch, checklists, as_of, options=options, policy=policy, checks=checks, required=required
    ).gate.refused
    known = {breach.identity for breach in written}
    refused = [*written, *(b for b in report.gate.refused if b.identity not in known)]
    gate = report.gate
    if refused == gate.refused:
        return report
    said = [f"policy: {breach.message}" for breach in refused]
    return replace(
        report,
        gate=replace(
            gate,
            passed=False,
            failures=[*gate.failed_stages.values(), *gate.missed, *said],
            breaches=said,
            refused=refused,
        ),
    )


def expiring(
    items: Sequence[ItemResult], waivers: Sequence[Waiver], as_of: dt.date, within: int
) -> list[Expiring]:
    """Waivers and attestations still counting today that stop within ``within`` days,
    soonest first: next week's red gate, named this week."""
    found = [
        Expiring("waiver", w.item, w.expires, (w.expires - as_of).days)
        for w in waivers
        if 0 <= (w.expires - as_of).days <= within
    ]
    found += [
        Expiring("attestation", i.id, i.valid_until, (i.valid_until - as_of).days)
        for i in items
        if i.applicable
        and i.valid_until is not None
        and not _dated_ahead(i, as_of)
        and 0 <= (i.valid_until - as_of).days <= within
    ]
    return sorted(found, key=lambda e: (e.until, e.item, e.kind))


def _dated_ahead(item: ItemResult, as_of: dt.date) -> bool:
    """Whether the item's attestation is dated after ``as_of``: not counting yet."""
    return item.done_on is not None and item.done_on > as_of


def _item_results(
    launch: Launch,
    checklists: Sequence[Checklist],
    waivers: Sequence[Waiver],
    as_of: dt.date,
    locations: Mapping[str, Location],
    options: GateOptions,
    checks: Mapping[str, CheckResult] | None = None,
) -> list[ItemResult]:
    waivers_by_item: dict[str, list[Waiver]] = {}
    for waiver in waivers:
        waivers_by_item.setdefault(waiver.item, []).append(waiver)
    traits = frozenset(launch.traits)
    milestone_dates = dates_of(launch.milestones)
    return [
        evaluate_item(
            item,
            launch.items.get(item.id, UNSTATED),
            waivers_by_item.get(item.id, []),
            launch,
            as_of,
            locations.get(item.id),
            require_evidence=options.require_evidence,
            traits=traits,
            milestone_dates=milestone_dates,
            check=checks.get(item.id) if checks else None,
            require_verified=options.require_verified,
        )
        for checklist in checklists
        for item in checklist.items
    ]


def _summary(launch: Launch, as_of: dt.date) -> LaunchSummary:
    return LaunchSummary(
        name=launch.launch,
        launch_date=launch.launch_date,
        as_of=as_of,
        days_to_launch=(launch.launch_date - as_of).days,
        traits=list(launch.traits),
        owner=launch.owner,
        tier=launch.tier,
    )


def _overall(items: Sequence[ItemResult]) -> Overall:
    return Overall(
        score=score_percent(items),
        applicable=sum(i.applicable for i in items),
        credited=sum(i.applicable and i.credited for i in items),
        open=sum(i.open for i in items),
        overdue=sum(i.overdue_days is not None for i in items),
    )


def required_scores(
    items: Sequence[ItemResult], required: frozenset[str]
) -> dict[Stage, float | None]:
    """Each stage's score on the ``required`` items alone (none: an empty dict)."""
    if not required:
        return {}
    mine = [i for i in items if i.id in required]
    return {stage: score_percent(i for i in mine if i.stage is stage) for stage in Stage}


def _stage_result(
    stage: Stage, items: Sequence[ItemResult], min_score: float, fail_on: Severity | None
) -> StageResult:
    """The stage's score and verdict: ``blocked`` by what the gate's ``fail_on`` fails on,
    as the gate judges it, so that no stage the gate fails on open items shows ready."""
    in_stage = [i for i in items if i.stage is stage]
    score = score_percent(in_stage)
    open_blockers = sum(i.open and i.severity is Severity.BLOCKER for i in in_stage)
    holding = (
        open_blockers
        if fail_on is Severity.BLOCKER
        else sum(
            i.open and fail_on is not None and i.severity.rank <= fail_on.rank for i in in_stage
        )
    )
    return StageResult(
        key=stage,
        name=stage.label,
        score=score,
        verdict=stage_verdict(score, holding, min_score),
        open=sum(i.open for i in in_stage),
        open_blockers=open_blockers,
        overdue=sum(i.overdue_days is not None for i in in_stage),
    )


def _department_results(
    checklists: Sequence[Checklist], items: Sequence[ItemResult]
) -> list[DepartmentResult]:
    names: dict[str, str] = {}
    for checklist in checklists:
        names.setdefault(checklist.department, checklist.name)
    by_department: dict[str, list[ItemResult]] = {key: [] for key in names}
    for item in items:
        by_department[item.department].append(item)
    return [
        DepartmentResult(
            key=key,
            name=names[key],
            score=score_percent(mine),
            open=sum(i.open for i in mine),
            stages={s: score_percent(i for i in mine if i.stage is s) for s in Stage},
        )
        for key, mine in sorted(by_department.items(), key=lambda entry: department_rank(entry[0]))
    ]


def _gate_result(
    gate: Gate,
    options: GateOptions,
    stages: Sequence[StageResult],
    items: Sequence[ItemResult],
    refused: Sequence[Breach] = (),
    milestones: Sequence[MilestoneResult] = (),
) -> GateResult:
    by_key = {s.key: s for s in stages}
    failed: dict[Stage, str] = {}
    for key in gate.stages:
        stage = by_key[key]
        failing = (
            []
            if options.fail_on is None
            else [
                i
                for i in items
                if i.open and i.stage is key and i.severity.rank <= options.fail_on.rank
            ]
        )
        if failing and options.fail_on is Severity.BLOCKER:
            plural = "" if len(failing) == 1 else "s"
            failed[key] = f"{key}: blocked by {len(failing)} open blocker{plural}"
        elif failing:
            plural = "" if len(failing) == 1 else "s"
            failed[key] = (
                f"{key}: {len(failing)} open item{plural} at {options.fail_on} severity or above"
            )
        elif stage.score is not None and stage.score < gate.min_score:
            failed[key] = f"{key}: score {stage.score} is below {gate.min_score}"
    policy = [f"policy: {breach.message}" for breach in refused]
    missed = [m.reason for m in milestones if m.status == "missed"]
    return GateResult(
        passed=not failed and not missed and not policy,
        stages=list(gate.stages),
        min_score=gate.min_score,
        failures=[*failed.values(), *missed, *policy],
        fail_on=options.fail_on,
        ignore_waivers=options.ignore_waivers,
        overrides=list(options.overrides),
        failed_stages=failed,
        breaches=policy,
        missed=missed,
        refused=list(refused),
    )
