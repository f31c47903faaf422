"""A launch file's git history read as launches: per period, the newest revision that loads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from gtm_check.load.checklists import LoadedChecklist
from gtm_check.load.history import Repository, Revision, decode
from gtm_check.load.launch import load_launch_text
from gtm_check.load.yamltree import Source
from gtm_check.model.history import Every, PastLaunch, Revisions, Skipped, period_end
from gtm_check.model.inputs import Launch
from gtm_check.model.problems import GtmCheckError, Suggestions


def read_revisions(
    repo: Repository,
    path: Path,
    checklists: Sequence[LoadedChecklist],
    suggestions: Suggestions,
    every: Every,
    since: dt.date | None,
    until: dt.date,
) -> Revisions:
    """The revisions of ``path`` committed from ``since`` to ``until``, each period's newest
    that reads as a launch file with today's checklists; every text from one git process,
    and only as many of them parsed as it takes."""
    revisions = [
        r
        for r in repo.history(repo.relative(path))
        if (since is None or r.commit.date >= since) and r.commit.date <= until
    ]
    revisions.reverse()  # oldest first
    texts = list(repo.texts(revisions))
    periods: dict[object, list[int]] = {}
    for index, revision in enumerate(revisions):
        key = index if every is Every.commit else period_end(revision.commit.date, every)
        periods.setdefault(key, []).append(index)
    launches, skipped = [], []
    for indexes in periods.values():
        for index in reversed(indexes):
            commit = revisions[index].commit
            launch = _launch(revisions[index], texts[index], checklists, suggestions)
            if isinstance(launch, str):
                skipped.append(Skipped(commit.id, commit.date, launch))
                continue
            launches.append(PastLaunch(commit.id, commit.date, launch))
            break
    skipped.sort(key=lambda s: s.date)
    return Revisions(launches, skipped, repo.is_shallow())


def _launch(
    revision: Revision,
    data: bytes | None,
    checklists: Sequence[LoadedChecklist],
    suggestions: Suggestions,
) -> Launch | str:
    """The revision's launch, or why it cannot be read."""
    where = f"{revision.commit.short}:{revision.path}"
    if data is None:
        return "the file is absent in this revision"
    try:
        text = decode(data, where)
    except GtmCheckError as exc:
        return exc.problems[0].message
    try:
        return load_launch_text(Source(where, text), checklists, suggestions)
    except GtmCheckError as exc:
        return exc.problems[0].render() if exc.problems else "the file is not a launch file"
