"""Trend points from past launches, and the projection to the gate: pure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from gtm_check.model.history import (
    Every,
    History,
    Projection,
    Revisions,
    Skipped,
    StagePoint,
    TrendPoint,
    left_out_text,
    period_end,
)
from gtm_check.model.inputs import Checklist, Gate, Launch, Policy
from gtm_check.model.results import Breach, CheckResult, ItemResult, MilestoneResult, Report
from gtm_check.model.vocabulary import Severity, Stage
from gtm_check.scoring.policy import REQUIRED_SCORE, counted, required_floor
from gtm_check.scoring.score import GateOptions, exact_weight, score_counted, score_launch

SHALLOW_HINT = (
    "this is a shallow clone, so older revisions are missing: fetch the whole history "
    "(actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
)

__all__ = [
    "SHALLOW_HINT",
    "Every",
    "Judging",
    "Projection",
    "Skipped",
    "StagePoint",
    "TrendPoint",
    "TrendResult",
    "period_end",
    "history_of",
    "left_out_text",
    "project",
    "trend",
    "trend_point",
]

READY_NOW = "ready now"
"""The projection of a stage that passes the gate today."""
PERIODS = 4
"""How many periods back the projection measures the closing rate over."""


def _floor(policy: Policy | None, report: Report) -> float | None:
    """What the required checklists' items must score on their own (``required_floor``)."""
    return None if policy is None else required_floor(policy, report.gate.min_score)


def trend_point(
    report: Report, commit: str, required: frozenset[str] = frozenset(), floor: float | None = None
) -> TrendPoint:
    """One point: each stage's score and the weight still open and still needed. With
    ``required`` (the items of the checklists a policy requires) and its ``floor``
    (``scoring.policy.required_floor``), the same of those items alone, as ``audit`` judges them
    (``scoring.policy.breaches``): the projection follows them too, so that done items of a
    launch's own checklists do not make a stage look on track."""
    stages = {}
    fail_on = report.gate.fail_on
    bars = _bars(report)
    for stage in report.stages:
        mine = [i for i in report.items if i.stage is stage.key and i.applicable]
        open_weight, to_score = _shortfall(mine, bars.get(stage.key, report.gate.min_score))
        blockers = _total(i.weight for i in mine if _failing(i, fail_on))
        own = None
        if required and floor is not None:
            own_open, own_to_score = _shortfall([i for i in mine if i.id in required], floor)
            own = (_weight(own_open), _weight(max(0, own_to_score)))
        needed = _weight(max(0, blockers, _whole_items(mine, to_score)))
        stages[stage.key] = StagePoint(stage.score, _weight(open_weight), needed, own)
    return TrendPoint(report.launch.as_of, commit, stages, report.overall.score)


def _whole_items(items: Sequence[ItemResult], to_score: Exact) -> Exact:
    """The weight still to credit, as items are closed whole: at least the lightest open
    item's (0.0035 of weight to close, where the one open item weighs 2, was "passes
    tomorrow" at a pace that closes it in 80 days)."""
    if to_score <= 0:
        return to_score
    open_weights = [exact_weight(i.weight) for i in items if not i.credited]
    return max(to_score, min(open_weights)) if open_weights else to_score


def _bars(report: Report) -> dict[Stage, float]:
    """The score each stage must reach to pass the gate and stay past it: the gate's, or a
    milestone's higher bar on the stage (missed, or falling before the day the gate's would
    be reached, ``audit`` fails the gate on it there)."""
    bars: dict[Stage, float] = {}
    for milestone in report.milestones:
        for stage in milestone.stages:
            bars[stage] = max(bars.get(stage, report.gate.min_score), milestone.min_score)
    return bars


def _failing(item: ItemResult, fail_on: Severity | None) -> bool:
    """Whether the open ``item`` alone fails its stage, as the gate judges (``--fail-on``):
    the stage's weight still needed counts it whatever the score."""
    return item.open and fail_on is not None and item.severity.rank <= fail_on.rank


def _shortfall(items: Sequence[ItemResult], floor: float) -> tuple[Exact, Exact]:
    """The weight of ``items`` not credited, and the weight still to credit for their score
    to reach ``floor`` as the gate judges it, on the score to one decimal (negative past
    it): 79.95 passes 80, 33.33 does not pass 33.33 (it is 33.3). Exact, as the gate's
    score is (``score_percent``): a shortfall of a ten-billionth is not nothing."""
    applicable = _total(i.weight for i in items)
    credited = _total(i.weight for i in items if i.credited)
    return applicable - credited, _passing(floor) * applicable / 100 - credited


Exact = int | Fraction
"""A sum of weights, exact: whole weights (the usual case) add as ints, at an int's cost."""


def _total(weights: Iterable[int | float]) -> Exact:
    total: Exact = 0
    for weight in weights:
        total += exact_weight(weight)
    return total


def _weight(exact: Exact) -> float:
    """``exact`` as a float that keeps its sign: the least positive float for a weight too
    small to show, never 0 for something still needed."""
    value = float(exact)
    return math.ulp(0.0) if exact > 0 and value <= 0 else value


def _passing(floor: float) -> Fraction:
    """The least score whose one-decimal rounding (half up, ``score_percent``) reaches
    ``floor``."""
    return Fraction(math.ceil(exact_weight(floor) * 10), 10) - Fraction(1, 20)


METHOD = (
    "projection: the open weight each gated stage closed per day over the last {n} {unit}s, "
    "carried forward until the stage has no open item that fails the gate (a blocker, unless "
    "--fail-on says otherwise) and reaches the minimum score (a milestone's, where it is higher)"
)


@dataclass(frozen=True)
class _Window:
    """What one projection needs beyond the stage: the window (its ``days`` up to
    ``last``), the launch date, and the window in words ("4 weeks")."""

    days: int
    last: dt.date
    launch_date: dt.date
    window: str

    def projection(self, stage: Stage, needed: float, closed: float) -> Projection:
        """The date ``needed`` weight is closed at the rate ``closed`` weight a window."""
        rate = closed / self.days if self.days > 0 else 0.0
        if needed <= 0:
            return Projection(stage, 0.0, rate, self.last, READY_NOW)
        if rate <= 0:
            return Projection(stage, needed, rate, None, f"no progress in {self.window}")
        days_needed = max(round(needed / rate, 9), 1)  # anything still needed: not today
        if not days_needed <= (dt.date.max - self.last).days:  # past the calendar, or inf
            verdict = f"late: not passing by {dt.date.max} at this rate"
            return Projection(stage, needed, rate, None, verdict)
        when = self.last + dt.timedelta(days=math.ceil(days_needed))
        late = (when - self.launch_date).days
        verdict = "on track" if late <= 0 else f"late by {late} day{'' if late == 1 else 's'}"
        return Projection(stage, needed, rate, when, verdict)


def _lateness(projection: Projection) -> tuple[bool, dt.date]:
    """Later projections sort last; one with no date (no progress) latest of all."""
    return projection.date is None, projection.date or dt.date.max


def project(
    points: Sequence[TrendPoint],
    stages: Sequence[Stage],
    launch_date: dt.date,
    unit: str = "week",
    current: TrendPoint | None = None,
) -> list[Projection]:
    """For each gated stage, the date it passes at the rate of the last ``PERIODS`` periods.

    Needs two points at least; the window is ``_window``'s, measured in days. ``current``:
    the launch file as it stands on the as-of date, as ``audit`` judges it, which ends the
    window: the projection starts from the file the gate reads, not from the newest
    revision git gave (one a link, a commit date or a skip kept out), and counts the days
    since that revision.
    """
    if len(points) < 2:
        return []
    if current is not None:
        # The file today is the newest state: the point of today's period, in place of the
        # revision that ends that period if there is one.
        newest = points[-1].date >= current.date
        points = [*points[:-1], current] if newest else [*points, current]
    first, last, days, n = _window(points, unit)
    wait = _Window(days, last.date, launch_date, f"{n} {unit}{'' if n == 1 else 's'}")
    found = []
    for stage in stages:
        now, then = last.stages[stage], first.stages[stage]
        projection = wait.projection(stage, now.needed, then.open_weight - now.open_weight)
        if now.required is not None and then.required is not None and now.required[1] > 0:
            own = wait.projection(stage, now.required[1], then.required[0] - now.required[0])
            projection = max(projection, own, key=_lateness)
        found.append(projection)
    return found


_PERIOD_DAYS = {"week": 7, "day": 1}
"""The days of a period that has them (a commit has none)."""


def _window(points: Sequence[TrendPoint], unit: str) -> tuple[TrendPoint, TrendPoint, int, int]:
    """The window the pace is measured over: the point it starts from, the last point, its
    days and its periods. A calendar window is the last ``PERIODS`` weeks (or days) up to
    the last point: from its oldest point in them; or, with none, from the state before
    them, carried over the whole window (periods with no commit are periods of no
    progress). It was the last ``PERIODS`` points, which months apart made a launch that
    had closed nothing for ten weeks "on track". ``every commit``: the last ``PERIODS``
    commits."""
    last = points[-1]
    length = _PERIOD_DAYS.get(unit)
    if length is None:
        window = points[-(PERIODS + 1) :]
        return window[0], last, (last.date - window[0].date).days, len(window) - 1
    start = last.date - dt.timedelta(days=PERIODS * length)
    inside = [p for p in points[:-1] if p.date >= start]
    if not inside:
        return points[-2], last, PERIODS * length, PERIODS
    days = (last.date - inside[0].date).days
    return inside[0], last, days, max(1, math.ceil(days / length))


@dataclass(frozen=True)
class TrendResult:
    name: str
    launch_date: dt.date
    every: Every
    points: list[TrendPoint]
    skipped: list[Skipped]
    shallow: bool
    gated: list[Stage]
    projections: list[Projection] = field(default_factory=list)
    empty: str | None = None
    """Why there are no points, when there are none."""
    left_out: int = 0
    """Older periods not scored, past the ``most`` newest."""
    why: str | None = None
    """Why older periods were left out, when not for MAX_PERIODS (``left_out_text``)."""
    policy: list[Breach] = field(default_factory=list)
    """Where the launch file goes below the policy today, as ``audit`` fails its gate."""
    missed: list[str] = field(default_factory=list)
    """Each milestone the launch file has missed today, as ``audit`` fails its gate on it
    (its stages need not be gated, so no projection need show it)."""
    now: dict[Stage, float | None] = field(default_factory=dict)
    """Each stage's score in the launch file as ``audit`` reads it on the as-of date, where
    the projection starts: an edit not committed yet differs from the last point."""

    @property
    def method(self) -> str:
        return METHOD.format(n=PERIODS, unit=self.every.value)


@dataclass(frozen=True)
class Judging:
    """How a trend judges each revision beyond the policy: ``required``, the items of the
    checklists the policy requires (which must reach its ``min_score`` on their own:
    ``trend_point``); and for ``audit --history``, the audit's ``gate`` (with its command
    line's overrides, in place of each revision's own), ``options`` (--ignore-waivers,
    --require-evidence...) and ``checks``, so that its projection judges as its gate does."""

    required: frozenset[str] = frozenset()
    gate: Gate | None = None
    options: GateOptions = GateOptions()
    checks: Mapping[str, CheckResult] | None = None
    """What the audit's checks found (``--verify``): every revision is judged by them, as
    the launch file is (a check that fails now failed then too, as far as the gate knows)."""

    def launch(self, launch: Launch) -> Launch:
        """``launch`` with the gate it is judged by."""
        return launch if self.gate is None else launch.model_copy(update={"gate": self.gate})


def trend(
    current: Launch,
    checklists: Sequence[Checklist],
    revisions: Revisions,
    every: Every,
    today: dt.date,
    policy: Policy | None = None,
    judging: Judging | None = None,
) -> TrendResult:
    """Each past launch scored as of its period's end (today at the latest) with today's
    checklists, and the projection of the stages the launch file gates on today. The past
    launches are taken one at a time; contents already scored on the same day (the same
    blob) are scored once. ``policy``: today's, which every revision is scored under
    (``scoring.policy.counted``), never one of its own, and which judges the launch file
    today as ``audit`` does (``TrendResult.policy``, ``held_back``); ``judging``: how else."""
    judging = judging or Judging()
    points, skipped = _points(checklists, revisions, every, today, policy, judging)
    now = counted(policy, judging.launch(current), checklists, today)
    gated = list(now.gate.stages)
    judged = score_counted(
        judging.launch(current),
        checklists,
        today,
        policy,
        options=judging.options,
        checks=judging.checks,
        required=judging.required,
    )
    refused = judged.gate.refused if policy else []
    missed = [m for m in judged.milestones if m.status == "missed"]
    # The launch file as audit judges it today: the point the projection starts from.
    standing = trend_point(judged, "", judging.required, _floor(policy, judged))
    return TrendResult(
        current.launch,
        current.launch_date,
        every,
        points,
        skipped + revisions.skipped,
        revisions.shallow,
        gated,
        held_back(
            project(points, gated, current.launch_date, every.value, standing), refused, missed
        ),
        left_out=revisions.left_out,
        why=revisions.why,
        policy=refused,
        missed=judged.gate.missed,
        now={stage: point.score for stage, point in standing.stages.items()},
    )


def _points(
    checklists: Sequence[Checklist],
    revisions: Revisions,
    every: Every,
    today: dt.date,
    policy: Policy | None,
    judging: Judging,
) -> tuple[list[TrendPoint], list[Skipped]]:
    """Each past launch's point, and the revisions that could not be read (by date)."""
    points: list[TrendPoint] = []
    skipped: list[Skipped] = []
    scored: dict[tuple[str, dt.date], TrendPoint] = {}
    for past in revisions.launches:
        if isinstance(past, Skipped):
            skipped.append(past)
            continue
        day = min(period_end(past.date, every), today)
        point = scored.get((past.blob, day)) if past.blob else None
        if point is None:
            launch = counted(policy, judging.launch(past.launch), checklists, day)
            report = score_launch(
                launch, checklists, day, options=judging.options, checks=judging.checks
            )
            point = trend_point(report, past.commit, judging.required, _floor(policy, report))
            if past.blob:
                scored[past.blob, day] = point
        else:
            point = dataclasses.replace(point, commit=past.commit)
        points.append(point)
    skipped.sort(key=lambda s: s.date or dt.date.max)
    return points, skipped


HELD_BACK = "held back by the policy"
SHORT_OF = "short of missed milestone"
"""A stage ready for the gate but short of a milestone already missed: "short of missed
milestone beta"."""


def held_back(
    projections: Sequence[Projection],
    refused: Sequence[Breach],
    missed: Sequence[MilestoneResult] = (),
) -> list[Projection]:
    """The projections, but a stage a policy rule on its items holds back today (its n/a
    share, a warning on one of its items) is not ready or on track at any closing rate:
    ``audit`` fails the gate on it until the rule is met. The required checklists' own score
    is projected instead (``trend_point``): closing items mends it. Nor is a stage "ready
    now" while it falls short of a milestone already missed (a bar above the gate's, an
    open item due by it): ``audit`` fails the gate on that milestone.

    A breach that holds back no stage projected here (a tier not allowed, a missing required
    checklist, a warning on an item of an ungated stage) holds back every one: ``audit``
    fails the gate on it whatever the stages' pace, so none is ready now or on track; and a
    milestone missed on none of them keeps every one from being ready now. So does a gate
    the launch file sets below the policy's floors (its ``min_score``, its stages): the
    projection holds the stages to those floors, but ``audit`` fails the gate until the file
    says so."""
    projected = {p.stage for p in projections}
    stages = {b.stage for b in refused if not _projected_already(b)}
    held = projected if stages - projected else stages
    short = {stage: m.name for m in reversed(missed) for stage in m.short}
    # A milestone missed on stages none projected here (ungated): every one falls short, on
    # track or not, as audit fails the gate on it until those stages meet its bar.
    elsewhere = next((m.name for m in missed if not set(m.short) & projected), None)
    return [
        dataclasses.replace(p, date=None, verdict=HELD_BACK)
        if p.stage in held
        else dataclasses.replace(p, date=None, verdict=f"{SHORT_OF} {elsewhere}")
        if elsewhere  # its stages are not projected: no date here can be the launch's
        else dataclasses.replace(p, date=None, verdict=f"{SHORT_OF} {short[p.stage]}")
        if p.verdict == READY_NOW and p.stage in short
        else p
        for p in projections
    ]


def _projected_already(breach: Breach) -> bool:
    """A breach the projection mends by itself: the required checklists' own score, which it
    projects (``trend_point``)."""
    return (breach.key or "").startswith(REQUIRED_SCORE)


def history_of(result: TrendResult) -> History:
    """``audit --history``'s part of the report: the weekly trend and the projection, with a
    note when there is too little to project from or the clone is shallow."""
    note = None
    if len(result.points) < 2:
        count = len(result.points)
        note = (
            f"history: too little to project from ({count} weekly point{'' if count == 1 else 's'}"
            " up to the as-of date; 2 are needed)"
        )
    if result.left_out:
        said = left_out_text(result.left_out, result.every, result.why)
        note = f"{note}; {said}" if note else f"history: {said}"
    if result.shallow:
        note = f"{note}; {SHALLOW_HINT}" if note else f"history: {SHALLOW_HINT}"
    return History(result.points, result.projections, result.method, note)
