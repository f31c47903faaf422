"""Trend points from past launches, and the projection to the gate: pure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

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
from gtm_check.model.inputs import Checklist, Launch, Policy
from gtm_check.model.results import Report
from gtm_check.model.vocabulary import Severity, Stage
from gtm_check.scoring.policy import counted
from gtm_check.scoring.score import score_launch

SHALLOW_HINT = (
    "this is a shallow clone, so older revisions are missing: fetch the whole history "
    "(actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
)

__all__ = [
    "SHALLOW_HINT",
    "Every",
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

PERIODS = 4
"""How many periods back the projection measures the closing rate over."""


def trend_point(report: Report, commit: str) -> TrendPoint:
    """One point: each stage's score and the weight still open and still needed."""
    stages = {}
    for stage in report.stages:
        mine = [i for i in report.items if i.stage is stage.key and i.applicable]
        applicable = sum(float(i.weight) for i in mine)
        credited = sum(float(i.weight) for i in mine if i.credited)
        blockers = sum(float(i.weight) for i in mine if i.open and i.severity is Severity.BLOCKER)
        to_score = report.gate.min_score * applicable / 100 - credited
        stages[stage.key] = StagePoint(
            stage.score, applicable - credited, max(0.0, blockers, round(to_score, 9))
        )
    return TrendPoint(report.launch.as_of, commit, stages, report.overall.score)


METHOD = (
    "projection: the open weight each gated stage closed per day over the last {n} {unit}s, "
    "carried forward until the stage has no open blocker and reaches the minimum score"
)


def project(
    points: Sequence[TrendPoint],
    stages: Sequence[Stage],
    launch_date: dt.date,
    unit: str = "week",
) -> list[Projection]:
    """For each gated stage, the date it passes at the rate of the last ``PERIODS`` periods.

    Needs two points at least; the window is the last ``PERIODS + 1`` of them (four
    intervals), measured in days between their dates.
    """
    if len(points) < 2:
        return []
    window = points[-(PERIODS + 1) :]
    first, last = window[0], window[-1]
    days = (last.date - first.date).days
    found = []
    for stage in stages:
        now = last.stages[stage]
        closed = first.stages[stage].open_weight - now.open_weight
        rate = closed / days if days > 0 else 0.0
        if now.needed <= 0:
            found.append(Projection(stage, 0.0, rate, last.date, "ready now"))
            continue
        if rate <= 0:
            n = len(window) - 1
            verdict = f"no progress in {n} {unit}{'' if n == 1 else 's'}"
            found.append(Projection(stage, now.needed, rate, None, verdict))
            continue
        days_needed = round(now.needed / rate, 9)
        if not days_needed <= (dt.date.max - last.date).days:  # past the calendar, or inf
            verdict = f"late: not passing by {dt.date.max} at this rate"
            found.append(Projection(stage, now.needed, rate, None, verdict))
            continue
        when = last.date + dt.timedelta(days=math.ceil(days_needed))
        late = (when - launch_date).days
        verdict = "on track" if late <= 0 else f"late by {late} day{'' if late == 1 else 's'}"
        found.append(Projection(stage, now.needed, rate, when, verdict))
    return found


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

    @property
    def method(self) -> str:
        return METHOD.format(n=PERIODS, unit=self.every.value)


def trend(
    current: Launch,
    checklists: Sequence[Checklist],
    revisions: Revisions,
    every: Every,
    today: dt.date,
    policy: Policy | None = None,
) -> TrendResult:
    """Each past launch scored as of its period's end (today at the latest) with today's
    checklists, and the projection of the stages the launch file gates on today. The past
    launches are taken one at a time; contents already scored on the same day (the same
    blob) are scored once. ``policy``: today's, which every revision is scored under
    (``scoring.policy.counted``), never one of its own."""
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
            launch = counted(policy, past.launch, checklists, day)
            point = trend_point(score_launch(launch, checklists, day), past.commit)
            if past.blob:
                scored[past.blob, day] = point
        else:
            point = dataclasses.replace(point, commit=past.commit)
        points.append(point)
    skipped.sort(key=lambda s: s.date or dt.date.max)
    gated = list(counted(policy, current, checklists, today).gate.stages)
    return TrendResult(
        current.launch,
        current.launch_date,
        every,
        points,
        skipped + revisions.skipped,
        revisions.shallow,
        gated,
        project(points, gated, current.launch_date, every.value),
        left_out=revisions.left_out,
        why=revisions.why,
    )


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
