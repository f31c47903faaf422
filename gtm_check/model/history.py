"""A launch's readiness over its git history: revisions by period, trend points, projection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from gtm_check.model.inputs import Launch
from gtm_check.model.vocabulary import Stage


class Every(StrEnum):
    week = "week"
    day = "day"
    commit = "commit"


def period_end(day: dt.date, every: Every) -> dt.date:
    """The last day of the period ``day`` falls in: its Sunday for a week (9999-12-31 at the
    latest), itself otherwise."""
    if every is Every.week:
        return day + dt.timedelta(days=min(6 - day.weekday(), (dt.date.max - day).days))
    return day


@dataclass(frozen=True, slots=True)
class PastLaunch:
    """The launch file as a revision had it: the newest readable one of its period."""

    commit: str
    date: dt.date
    launch: Launch


@dataclass(frozen=True)
class Skipped:
    """A revision that could not be read as a launch file, and why."""

    commit: str
    date: dt.date | None
    """None for a commit git gives no date gtm-check can read."""
    why: str


@dataclass(frozen=True)
class Revisions:
    """A launch file's git history read as launches, oldest first, one per period."""

    launches: list[PastLaunch]
    skipped: list[Skipped]
    """The revisions that could not be read, by date."""
    shallow: bool
    """Whether the clone is shallow, so that older revisions are missing."""


@dataclass(frozen=True, slots=True)
class StagePoint:
    score: float | None
    open_weight: float
    """Applicable weight not credited."""
    needed: float
    """Weight still to close for the stage to pass: its open blockers, and enough to reach
    the minimum score."""


@dataclass(frozen=True, slots=True)
class TrendPoint:
    date: dt.date
    commit: str
    stages: dict[Stage, StagePoint]
    overall: float | None


@dataclass(frozen=True, slots=True)
class Projection:
    stage: Stage
    needed: float
    rate: float
    """Open weight closed per day over the window."""
    date: dt.date | None
    """When the stage would pass at that rate; None: no progress."""
    verdict: str
    """"ready now", "on track", "late by N days" or "no progress in 4 weeks"."""


@dataclass(frozen=True, slots=True)
class History:
    """What ``audit --history`` adds to a report: the weekly trend and the projection, or
    ``note`` saying why there is none (not in a git repository, too little history)."""

    points: list[TrendPoint] = field(default_factory=list)
    projections: list[Projection] = field(default_factory=list)
    method: str = ""
    note: str | None = None
