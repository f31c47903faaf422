"""``trend``, end to end: read the launch file's history from git, score each period, project."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gtm_check.load.checklists import ChecklistReader
from gtm_check.load.launch import load_launch
from gtm_check.load.revisions import read_revisions
from gtm_check.review.sides import repository
from gtm_check.scoring.trend import Every, TrendResult
from gtm_check.scoring.trend import trend as trend_of


def trend(
    path: Path,
    since: dt.date | None = None,
    every: Every = Every.week,
    today: dt.date | None = None,
    *,
    allow_outside: bool = False,
) -> TrendResult:
    """Score the last readable revision of each period as of the period's end (today at
    the latest), with the checklists the launch file names today."""
    today = today or dt.date.today()
    reader = ChecklistReader()
    current = load_launch(path, reader, allow_outside=allow_outside)
    repo = repository(path)
    revisions = read_revisions(
        repo, path, current.checklists, reader.suggestions, reader.budget, every, since, today
    )
    return trend_of(
        current.launch, [c.checklist for c in current.checklists], revisions, every, today
    )
