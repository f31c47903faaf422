"""``trend``, end to end: walk the launch file's history, score each period, project."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gtm_check.load.checklists import ChecklistReader, LoadedChecklist
from gtm_check.load.files import STDIN
from gtm_check.load.history import Repository, Revision
from gtm_check.load.launch import load_launch, load_launch_text
from gtm_check.model.history import History
from gtm_check.model.inputs import Launch
from gtm_check.model.problems import GtmCheckError
from gtm_check.review.sides import decode_revision, repository
from gtm_check.scoring.score import score_launch
from gtm_check.scoring.trend import (
    SHALLOW_HINT,
    Every,
    Skipped,
    TrendPoint,
    TrendResult,
    period_end,
    project,
    trend_point,
)


def trend(
    path: Path,
    since: dt.date | None = None,
    every: Every = Every.week,
    today: dt.date | None = None,
    *,
    allow_outside: bool = False,
    reader: ChecklistReader | None = None,
) -> TrendResult:
    """Score the last readable revision of each period as of the period's end (today at
    the latest), with the checklists the launch file names today. Revisions are read
    within ``reader``'s budget (a new reader's by default)."""
    today = today or dt.date.today()
    reader = reader or ChecklistReader()
    current = load_launch(path, reader, allow_outside=allow_outside)
    repo = repository(path)
    revisions = repo.history(repo.relative(path), since, today)
    revisions.reverse()  # oldest first
    dated = [r for r in revisions if r.commit.date is not None]
    undated = [Skipped(r.commit.id, None, r.commit.undated) for r in revisions if not r.commit.date]
    points, skipped = _walk(repo, dated, current.checklists, reader, every, today)
    gated = list(current.launch.gate.stages)
    return TrendResult(
        current.launch.launch,
        current.launch.launch_date,
        every,
        points,
        skipped + undated,
        repo.is_shallow(),
        gated,
        project(points, gated, current.launch.launch_date, every.value),
    )


def _walk(
    repo: Repository,
    revisions: list[Revision],
    checklists: tuple[LoadedChecklist, ...],
    reader: ChecklistReader,
    every: Every,
    today: dt.date,
) -> tuple[list[TrendPoint], list[Skipped]]:
    """Every revision's text from one git process; per period, the newest that loads."""
    texts = repo.texts(revisions, reader.budget)
    periods: dict[object, list[int]] = {}
    for index, revision in enumerate(revisions):
        key = index if every is Every.commit else period_end(_date(revision), every)
        periods.setdefault(key, []).append(index)
    plain = [c.checklist for c in checklists]
    points, skipped = [], []
    for indexes in periods.values():
        for index in reversed(indexes):
            revision = revisions[index]
            launch = _launch(revision, texts[index], checklists, reader)
            if isinstance(launch, str):
                skipped.append(Skipped(revision.commit.id, revision.commit.date, launch))
                continue
            as_of = min(period_end(_date(revision), every), today)
            report = score_launch(launch, plain, as_of)
            points.append(trend_point(report, revision.commit.id))
            break
    skipped.sort(key=lambda s: s.date or dt.date.max)
    return points, skipped


def _date(revision: Revision) -> dt.date:
    assert revision.commit.date is not None, "undated revisions are set aside before"
    return revision.commit.date


def _launch(
    revision: Revision,
    data: bytes | str,
    checklists: tuple[LoadedChecklist, ...],
    reader: ChecklistReader,
) -> Launch | str:
    """The revision's launch, or why it cannot be read."""
    source = decode_revision(data, revision.where)
    if isinstance(source, str):
        return source
    try:
        return load_launch_text(source, checklists, reader.suggestions)
    except GtmCheckError as exc:
        return exc.problems[0].render() if exc.problems else "the file is not a launch file"


def history(
    path: Path, reader: ChecklistReader, *, as_of: dt.date, allow_outside: bool = False
) -> History:
    """``audit --history``: the weekly trend up to ``as_of`` and the projection, or a note
    saying why there is none. Never an error: the audit stands without it. Revisions count
    against the audit's read budget (``reader``'s)."""
    if str(path) == STDIN:
        return History(note="history: the launch file came from standard input")
    try:
        if Repository.of(path) is None:
            return History(note="history: the launch file is not in a git repository")
        result = trend(path, today=as_of, allow_outside=allow_outside, reader=reader)
    except GtmCheckError as exc:
        why = exc.problems[0].message if exc.problems else "git failed"
        return History(note=f"history: not read ({why})")
    note = None
    if len(result.points) < 2:
        count = len(result.points)
        note = (
            f"history: too little to project from ({count} weekly point{'' if count == 1 else 's'}"
            " up to the as-of date; 2 are needed)"
        )
    if result.shallow:
        note = f"{note}; {SHALLOW_HINT}" if note else f"history: {SHALLOW_HINT}"
    return History(result.points, result.projections, result.method, note)
