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
    """Every milestone by date, judged as the gate judges: its stages need its minimum
    score and no open item at or above ``fail_on``.

    The items are counted once, by stage, whatever the number of milestones: the work is
    items + milestones, never items x milestones."""
    scores = {s.key: s.score for s in stages}
    counts = _open_counts(items, fail_on)
    reasons = {stage: _open_reason(stage, count, fail_on) for stage, count in counts.items()}
    results = []
    for milestone in sorted(milestones, key=lambda m: (m.date, m.name)):
        blocking = [reason for stage in milestone.stages if (reason := reasons[stage]) is not None]
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


def _open_counts(items: Sequence[ItemResult], fail_on: Severity | None) -> dict[Stage, int]:
    """How many open items at or above ``fail_on`` each stage has, in one pass."""
    counts = dict.fromkeys(Stage, 0)
    if fail_on is None:
        return counts
    failing = {severity for severity in Severity if severity.rank <= fail_on.rank}
    for item in items:
        if item.severity in failing and item.open:
            counts[item.stage] += 1
    return counts


def _open_reason(stage: Stage, count: int, fail_on: Severity | None) -> str | None:
    """Why the open items of a stage fail a milestone, or None when none do."""
    if fail_on is None or not count:
        return None
    plural = "" if count == 1 else "s"
    if fail_on is Severity.BLOCKER:
        return f"{stage} blocked by {count} open blocker{plural}"
    return f"{stage} has {count} open item{plural} at {fail_on} severity or above"
