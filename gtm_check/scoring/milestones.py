"""Milestones on the as-of date: each one's stages against its bar, and the ones missed."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from gtm_check.model.inputs import Milestone
from gtm_check.model.results import ItemResult, MilestoneResult, StageResult
from gtm_check.model.vocabulary import Severity, Stage


def milestone_results(
    milestones: Sequence[Milestone],
    stages: Sequence[StageResult],
    items: Sequence[ItemResult],
    as_of: dt.date,
    fail_on: Severity | None,
) -> list[MilestoneResult]:
    """Every milestone by date, judged as the gate judges but only on what is due by it:
    its stages need its minimum score (as they stand on the as-of date), and no open item
    at or above ``fail_on`` may be due by it (due on or before its date, or ``by:`` it).

    The open items are sorted once, by stage and due date, whatever the number of
    milestones: each milestone then counts what is due by it with a binary search, so the
    work grows with items + milestones, never items x milestones."""
    scores = {s.key: s.score for s in stages}
    due = _DueDates.of(items, fail_on)
    results = []
    for milestone in sorted(milestones, key=lambda m: (m.date, m.name)):
        holding = {stage: n for stage in Stage if (n := due.count(milestone, stage))}
        reasons = {
            stage: reason
            for stage, n in holding.items()
            if (reason := _open_reason(stage, n, fail_on))
        }
        below = {
            stage: f"{stage} {score:.1f} < {milestone.min_score:g}"
            for stage in milestone.stages
            if (score := scores[stage]) is not None and score < milestone.min_score
        }
        blocking, low = list(reasons.values()), list(below.values())
        results.append(
            MilestoneResult(
                name=milestone.name,
                date=milestone.date,
                stages=list(milestone.stages),
                min_score=milestone.min_score,
                scores={stage: scores[stage] for stage in milestone.stages},
                shortfalls=[*low, *blocking],
                blocking=blocking,
                days=(milestone.date - as_of).days,
                short=[stage for stage in Stage if stage in below or stage in reasons],
                holding={stage: holding[stage] for stage in reasons},
            )
        )
    return results


@dataclass
class _DueDates:
    """The due dates of the open items at or above ``fail_on``, sorted per stage, and apart
    per milestone for the items the launch file puts ``by:`` one."""

    dated: dict[Stage, list[dt.date]] = field(default_factory=lambda: defaultdict(list))
    by: dict[tuple[str, Stage], list[dt.date | None]] = field(
        default_factory=lambda: defaultdict(list)
    )

    @classmethod
    def of(cls, items: Sequence[ItemResult], fail_on: Severity | None) -> _DueDates:
        found = cls()
        if fail_on is None:
            return found
        for item in items:
            if not item.open or item.severity.rank > fail_on.rank:
                continue
            if item.due is not None:
                found.dated[item.stage].append(item.due)
            if item.by is not None:
                found.by[item.by, item.stage].append(item.due)
        for dates in found.dated.values():
            dates.sort()
        return found

    def count(self, milestone: Milestone, stage: Stage) -> int:
        """How many of ``stage``'s open items the milestone waits on: those ``by:`` it, and,
        in its own stages, those due on or before its date (each item once). A blocker due
        after the milestone (or with no due date: launch day) is not its business."""
        by = self.by.get((milestone.name, stage), [])
        if stage not in milestone.stages:
            return len(by)
        dated = bisect.bisect_right(self.dated.get(stage, []), milestone.date)
        counted_twice = sum(1 for due in by if due is not None and due <= milestone.date)
        return len(by) + dated - counted_twice


def _open_reason(stage: Stage, count: int, fail_on: Severity | None) -> str:
    """Why ``count`` open items of ``stage`` fail a milestone ("" when there are none)."""
    if not count or fail_on is None:
        return ""
    plural = "" if count == 1 else "s"
    if fail_on is Severity.BLOCKER:
        return f"{stage} blocked by {count} open blocker{plural}"
    return f"{stage} has {count} open item{plural} at {fail_on} severity or above"
