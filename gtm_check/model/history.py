"""A launch's readiness over its git history: revisions by period, trend points, projection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from gtm_check.model.inputs import Launch
from gtm_check.model.vocabulary import Stage


class Every(StrEnum):
    week = "week"
    day = "day"
    commit = "commit"


MAX_PERIODS = 366
"""Most periods of a history scored in one run (``trend``, ``audit --history``): the
newest; older ones are counted and said to be left out."""

MAX_ITEM_PERIODS = 500_000
"""Most item scores a history takes, all its periods together: each period scores every
checklist item of the launch (about 15 microseconds each), so a launch of many items has
fewer of its newest periods scored. 366 daily revisions of a launch with 100,000 items
took over five minutes; a launch of the built-in checklists (a few hundred items) has its
366 periods whatever this is."""


class ItemPeriods:
    """The item scores one run's histories may still take, all its launch files together
    (``MAX_ITEM_PERIODS``): each launch file's history had a budget of its own, so 100
    launch files of 1,000 items each scored 366 weeks, 73 times the bound."""

    def __init__(self, limit: int | None = None) -> None:
        self.left = MAX_ITEM_PERIODS if limit is None else limit

    def most(self, items: int) -> int:
        """How many of the newest periods a launch of ``items`` checklist items has
        scored: MAX_PERIODS, or fewer where their item scores would pass what is left
        (1 at least: the newest is always scored)."""
        return max(1, min(MAX_PERIODS, self.left // max(items, 1)))

    def take(self, periods: int, items: int) -> None:
        self.left = max(0, self.left - periods * items)


MAX_HISTORY_TEXT = 32 * 1024 * 1024
"""Most bytes of a launch file's revisions (a content again each time it comes back after
another, once for a run of it) a history may have
to read, the newest periods' first: a revision is read until one of its period's loads, and
366 weeks of 680 KB revisions that never load took 84 s to parse."""


def left_out_text(left_out: int, every: Every, why: str | None = None) -> str:
    """The sentence saying how many older periods were not scored, and why (``why``, from
    ``read_revisions``; None: the MAX_PERIODS limit)."""
    unit = every.value if left_out == 1 else f"{every.value}s"
    return f"{left_out:,} older {unit} not scored ({why or f'at most {MAX_PERIODS:,} are'})"


def items_limit(most: int) -> str:
    """Why only ``most`` periods are scored: the launch's checklist items."""
    return (
        f"at most {most:,} are for a launch of this many checklist items: gtm-check scores "
        f"at most {MAX_ITEM_PERIODS:,} items over all periods of all the launch files of "
        "a run"
    )


def text_limit(most: int) -> str:
    """Why only ``most`` periods are read: their revisions' text."""
    return (
        f"at most {most:,} are: gtm-check takes at most {MAX_HISTORY_TEXT:,} bytes of a "
        "launch file's revisions, and the newest ones hold that"
    )


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
    blob: str = ""
    """The id of the file's contents in git: the same contents scored on the same day give
    the same point. Empty: not known."""


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

    launches: Iterable[PastLaunch | Skipped]
    """Each period's revisions as they are read, newest first, until one reads as a launch
    file: those that could not be read (Skipped), then the one that could (PastLaunch).
    Read lazily and once: one revision's text is held at a time."""
    skipped: list[Skipped]
    """Revisions set aside before reading: commits git gives no date gtm-check can read."""
    shallow: bool
    """Whether the clone is shallow, so that older revisions are missing."""
    left_out: int = 0
    """Older periods not read, past the ``most`` newest."""
    why: str | None = None
    """Why older periods were left out, when not for MAX_PERIODS (``left_out_text``)."""


@dataclass(frozen=True, slots=True)
class StagePoint:
    score: float | None
    open_weight: float
    """Applicable weight not credited."""
    needed: float
    """Weight still to close for the stage to pass: its open blockers, and enough to reach
    the minimum score."""
    required: tuple[float, float] | None = None
    """The open weight and the weight still needed of the items of the checklists a policy
    requires, which must reach its ``min_score`` on their own; None: no such rule."""


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
