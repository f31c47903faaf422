"""Milestones on the as-of date: each one's stages against its bar, and the ones missed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

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
    at or above ``fail_on`` may be due by it (due on or before its date, or ``by:`` it)."""
    scores = {s.key: s.score for s in stages}
    results = []
    for milestone in sorted(milestones, key=lambda m: (m.date, m.name)):
        due = _due_by(milestone, items, fail_on)
        blocking = [
            reason
            for stage in Stage
            if (reason := _open_reason(stage, [i for i in due if i.stage is stage], fail_on))
        ]
        low = [
            f"{stage} {score:.1f} < {milestone.min_score:g}"
            for stage in milestone.stages
            if (score := scores[stage]) is not None and score < milestone.min_score
        ]
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
            )
        )
    return results


def _due_by(
    milestone: Milestone, items: Sequence[ItemResult], fail_on: Severity | None
) -> list[ItemResult]:
    """The open items at or above ``fail_on`` that the milestone waits on: those of its
    stages due on or before its date, and any the launch file puts ``by:`` it. A blocker
    due after the milestone (or with no due date: launch day) is not its business."""
    if fail_on is None:
        return []
    return [
        i
        for i in items
        if i.open
        and i.severity.rank <= fail_on.rank
        and (
            i.by == milestone.name
            or (i.stage in milestone.stages and i.due is not None and i.due <= milestone.date)
        )
    ]


def _open_reason(stage: Stage, items: Sequence[ItemResult], fail_on: Severity | None) -> str:
    """Why these open items of ``stage`` fail a milestone ("" when there are none)."""
    count = len(items)
    if not count or fail_on is None:
        return ""
    plural = "" if count == 1 else "s"
    if fail_on is Severity.BLOCKER:
        return f"{stage} blocked by {count} open blocker{plural}"
    return f"{stage} has {count} open item{plural} at {fail_on} severity or above"
