"""A launch's readiness over its git history: trend points and the projection to the gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gtm_check.model.vocabulary import Stage


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
