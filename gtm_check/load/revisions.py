"""A launch file's git history read as launches: per period, the newest revision that loads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

from gtm_check.load.checklists import LoadedChecklist
from gtm_check.load.files import ByteBudget
from gtm_check.load.history import Repository, Revision, decode
from gtm_check.load.launch import load_launch_text
from gtm_check.load.yamltree import Source
from gtm_check.model import history
from gtm_check.model.history import Every, PastLaunch, Revisions, Skipped, period_end
from gtm_check.model.inputs import Launch
from gtm_check.model.problems import GtmCheckError, Suggestions
from gtm_check.model.safetext import visible


def read_revisions(
    repo: Repository,
    path: Path,
    checklists: Sequence[LoadedChecklist],
    suggestions: Suggestions,
    budget: ByteBudget,
    every: Every,
    since: dt.date | None,
    until: dt.date | None,
    now: dt.date | None = None,
    scores: history.ItemPeriods | None = None,
) -> Revisions:
    """The revisions of ``path`` committed from ``since`` to ``until``, by period: of the
    newest periods (as many as ``scores``, the run's item scores left, allows for today's
    checklist items; a budget of its own without it), each one's newest that
    reads as a launch file with today's checklists. Texts are read lazily, one at a time,
    as the launches are iterated, each counted against ``budget``, and only as many parsed
    as it takes. Commits git gives no usable date are skipped and named.

    A revision dated after ``now`` counts in ``now``'s period, as if committed then: a
    commit date is the committer's word, and one dated ahead must not move the date the
    trend is judged on (a waiver's length, its expiry) past the date ``audit`` judges."""
    revisions = repo.history(repo.relative(path), since, until)
    revisions.reverse()  # oldest first
    dated = [r for r in revisions if r.commit.date is not None]
    undated = [Skipped(r.commit.id, None, r.commit.undated) for r in revisions if not r.commit.date]
    periods = _by_period(dated, every, now)
    items = sum(len(c.checklist.items) for c in checklists)
    scores = scores or history.ItemPeriods()
    most = scores.most(items)
    why = history.items_limit(most) if most < history.MAX_PERIODS else None
    latest = [(key, periods[key]) for key in sorted(periods)[-most:]]
    sizes = repo.sizes(list(dict.fromkeys(r.blob for _, found in latest for r in found if r.blob)))
    newest, cut = _within_text(latest, sizes)
    if cut:
        why = history.text_limit(len(newest))
    scores.take(len(newest), items)
    # By period, oldest first (a commit dated before its parent comes in its own period's
    # place, not in the order of history); each period's revisions newest first.
    kept = [newest[key][::-1] for key in sorted(newest)]
    launches = _read(repo, kept, checklists, suggestions, budget, sizes)
    left_out = len(periods) - len(newest)
    return Revisions(launches, undated, repo.is_shallow(), left_out, why)


def _by_period(
    dated: Sequence[Revision], every: Every, now: dt.date | None
) -> dict[tuple[dt.date, int], list[Revision]]:
    """The revisions by the period each is in (oldest first, as given); each its own with
    ``Every.commit``."""
    periods: dict[tuple[dt.date, int], list[Revision]] = {}
    for index, revision in enumerate(dated):
        key = (
            (dt.date.min, index)
            if every is Every.commit
            else (
                period_end(_date(revision) if now is None else min(_date(revision), now), every),
                0,
            )
        )
        periods.setdefault(key, []).append(revision)
    return periods


def _within_text(
    periods: list[tuple[tuple[dt.date, int], list[Revision]]], sizes: dict[str, int]
) -> tuple[dict[tuple[dt.date, int], list[Revision]], bool]:
    """The newest of ``periods`` (oldest first, each its revisions oldest first) whose
    revisions hold at most MAX_HISTORY_TEXT bytes, and whether any was cut: each revision of
    a period may have to be read before one loads. A content counts in each period, as each
    period scores it again, whether it came back after another (two large contents taking
    turns over 366 weeks took four minutes) or stayed the same (commits that only change the
    file's mode, week after week: 60 of them held a 6.8 MB launch for three minutes); it is
    parsed once. Within a period a revision repeating the one after it costs nothing (it
    would not load either). The newest period is kept, with as many of its newest revisions
    as fit (one at least)."""
    total = 0
    kept: dict[tuple[dt.date, int], list[Revision]] = {}
    for key, found in reversed(periods):
        taken: list[Revision] = []
        previous: str | None = None
        for revision in reversed(found):  # newest first
            again = revision.blob is not None and revision.blob == previous
            size = 0 if again or not revision.blob else sizes.get(revision.blob, 0)
            if (kept or taken) and total + size > history.MAX_HISTORY_TEXT:
                if taken:
                    kept[key] = taken[::-1]
                return kept, True
            total += size
            previous = revision.blob
            taken.append(revision)
        kept[key] = taken[::-1]
    return kept, False


def _read(
    repo: Repository,
    periods: list[list[Revision]],
    checklists: Sequence[LoadedChecklist],
    suggestions: Suggestions,
    budget: ByteBudget,
    sizes: dict[str, int],
) -> Iterator[PastLaunch | Skipped]:
    """Each period's revisions, newest first, until one reads as a launch file: one text
    read and parsed at a time. Contents that could not be read are remembered by blob id
    (small: the reason), and the launches read, up to MAX_KEPT_TEXT of their text and the
    last one whatever its size, so that a revision whose contents came before is neither
    read nor parsed again."""
    every_revision = [r for found in periods for r in found]
    unreadable: dict[str, tuple[str, str]] = {}
    kept = _Kept()
    with repo.contents(every_revision, budget, sizes) as reader:
        for found in periods:
            for revision in found:
                commit, blob = revision.commit, revision.blob or ""
                seen = kept.get(blob)
                if seen is not None:
                    yield PastLaunch(commit.id, _date(revision), seen, blob)
                    break
                known = unreadable.get(blob) if blob else None
                launch: Launch | str = (
                    _relocated(known, revision)
                    if known is not None
                    else _launch(revision, reader.read(revision), checklists, suggestions)
                )
                if isinstance(launch, str):
                    if blob:
                        unreadable[blob] = (revision.where, launch)
                    yield Skipped(commit.id, commit.date, launch)
                    continue
                kept.add(blob, launch, sizes.get(blob, 0))
                yield PastLaunch(commit.id, _date(revision), launch, blob)
                break


MAX_KEPT_TEXT = 8 * 1024 * 1024
"""Most text of launches read from a history that are kept to be met again (a content that
comes back after another: a revert, two branches' versions taking turns)."""


class _Kept:
    """Launches read, by blob id: those that fit MAX_KEPT_TEXT of text together, and the
    last one read whatever its size."""

    def __init__(self) -> None:
        self._launches: dict[str, Launch] = {}
        self._text = 0
        self._last: tuple[str, Launch] | None = None

    def get(self, blob: str) -> Launch | None:
        if not blob:
            return None
        if self._last is not None and self._last[0] == blob:
            return self._last[1]
        return self._launches.get(blob)

    def add(self, blob: str, launch: Launch, size: int) -> None:
        if not blob:
            self._last = None
            return
        self._last = (blob, launch)
        if self._text + size <= MAX_KEPT_TEXT:
            self._launches[blob] = launch
            self._text += size


def _relocated(known: tuple[str, str], revision: Revision) -> str:
    """Why contents met before could not be read, located in ``revision`` instead. The
    reason is a line as shown, its place escaped (``tab\\there.yaml``): the place is
    compared and replaced as shown."""
    where, why = known
    shown = visible(where)
    return visible(revision.where) + why.removeprefix(shown) if why.startswith(shown) else why


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
        return load_launch_text(Source(revision.where, text), checklists, suggestions)
    except GtmCheckError as exc:  # located, as diff and every other skip say it
        return exc.problems[0].render() if exc.problems else "the file is not a launch file"
