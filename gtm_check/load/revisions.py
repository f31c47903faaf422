"""A launch file's git history read as launches: per period, the newest revision that loads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from gtm_check.load.checklists import LoadedChecklist
from gtm_check.load.files import ByteBudget
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
    budget: ByteBudget,
    every: Every,
    since: dt.date | None,
    until: dt.date | None,
) -> Revisions:
    """The revisions of ``path`` committed from ``since`` to ``until``, each period's newest
    that reads as a launch file with today's checklists; every text from one git process,
    counted against ``budget``, and only as many of them parsed as it takes. Commits git
    gives no usable date are skipped and named."""
    revisions = repo.history(repo.relative(path), since, until)
    revisions.reverse()  # oldest first
    dated = [r for r in revisions if r.commit.date is not None]
    undated = [Skipped(r.commit.id, None, r.commit.undated) for r in revisions if not r.commit.date]
    texts = repo.texts(dated, budget)
    periods: dict[object, list[int]] = {}
    for index, revision in enumerate(dated):
        key = index if every is Every.commit else period_end(_date(revision), every)
        periods.setdefault(key, []).append(index)
    launches, skipped = [], []
    for indexes in periods.values():
        for index in reversed(indexes):
            commit = dated[index].commit
            launch = _launch(dated[index], texts[index], checklists, suggestions)
            if isinstance(launch, str):
                skipped.append(Skipped(commit.id, commit.date, launch))
                continue
            launches.append(PastLaunch(commit.id, _date(dated[index]), launch))
            break
    skipped.sort(key=lambda s: s.date or dt.date.max)
    return Revisions(launches, skipped + undated, repo.is_shallow())


def _date(revision: Revision) -> dt.date:
    assert revision.commit.date is not None, "undated revisions are set aside before"
    return revision.commit.date


def _launch(
    revision: Revision,
    data: bytes | str,
    checklists: Sequence[LoadedChecklist],
    suggestions: Suggestions,
) -> Launch | str:
    """The revision's launch, or why it cannot be read (``data`` is that reason already
    when git had no text to give)."""
    if isinstance(data, str):
        return data
    try:
        text = decode(data, revision.where)
    except GtmCheckError as exc:
        return exc.problems[0].message
    try:
        return load_launch_text(Source(revision.where, text), checklists, suggestions)
    except GtmCheckError as exc:
        return exc.problems[0].render() if exc.problems else "the file is not a launch file"
