"""``trend``, end to end: read the launch file's history from git, score each period, project."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from gtm_check.load.checklists import ChecklistReader, required_items
from gtm_check.load.history import Repository
from gtm_check.load.launch import load_launch
from gtm_check.load.policy import PolicyReader
from gtm_check.load.revisions import read_revisions
from gtm_check.model.problems import GtmCheckError
from gtm_check.review.sides import repository
from gtm_check.scoring.trend import Every, Judging, TrendResult
from gtm_check.scoring.trend import trend as trend_of


def trend(
    path: Path,
    since: dt.date | None = None,
    every: Every = Every.week,
    today: dt.date | None = None,
    *,
    allow_outside: bool = False,
    policy: Path | None = None,
) -> TrendResult:
    """Score the last readable revision of each period as of the period's end (the as-of
    date at the latest), with the checklists the launch file names today.

    Without an as-of date (``today``), the revisions are scored up to today, as ``audit``
    scores the file; one dated later (a commit dated ahead, a clock behind) counts as
    today's (``read_revisions``).

    Every revision is scored under the policy that holds now, as ``audit`` finds it
    (``policy``: --policy FILE, and the .gtm-check.yaml files on disk upward from where the
    launch file is named), never under one a revision had.
    """
    reader = ChecklistReader()
    current = load_launch(path, reader, allow_outside=allow_outside)
    rules = PolicyReader(policy, allow_outside=allow_outside, budget=reader.budget)
    found = rules.for_launch(path)
    repo = repository(path)
    as_of = today or dt.date.today()
    revisions = read_revisions(
        repo,
        path,
        current.checklists,
        reader.suggestions,
        reader.budget,
        every,
        since,
        today,
        as_of,
    )
    checklists = [c.checklist for c in current.checklists]
    required = required_items(found.required_checklists, current.checklists) if found else None
    judging = Judging(required or frozenset())
    result = trend_of(current.launch, checklists, revisions, every, as_of, found, judging)
    if result.points:
        return result
    return dataclasses.replace(result, empty=_why_empty(repo, path, since, as_of, result))


def _why_empty(
    repo: Repository, path: Path, since: dt.date | None, as_of: dt.date, result: TrendResult
) -> str:
    """Why no revision gave a point, in words that say what to do."""
    if result.skipped:
        return "no revision in that range reads as a launch file (each is named below)"
    try:
        dates = [r.commit.date for r in repo.history(repo.relative(path)) if r.commit.date]
    except GtmCheckError:  # past the revisions a run reads: the range alone says enough
        return f"no commit changed it from {since or 'its first'} to {as_of}"
    if not dates:
        return f"git has no commit of {path} yet: commit it, then run trend again"
    if since is not None and max(dates) < since:
        return f"its last commit is of {max(dates)}, before --since {since}"
    if min(dates) > as_of:
        return f"its first commit is of {min(dates)}, after {as_of}, the date it is scored as of"
    return f"no commit changed it from {since or 'its first'} to {as_of}"
