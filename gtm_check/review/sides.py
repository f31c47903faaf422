"""The launch file as it stands on disk or in a git revision, loaded with today's checklists."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gtm_check.load.checklists import ChecklistReader, LoadedChecklist
from gtm_check.load.files import STDIN, ByteBudget, named
from gtm_check.load.history import Commit, Repository
from gtm_check.load.launch import load_launch, load_launch_text
from gtm_check.load.yamltree import Source
from gtm_check.model.inputs import Launch
from gtm_check.model.problems import GtmCheckError, OptionError, Problem, parse_date, quoted
from gtm_check.scoring.diff import Side

_DAYS_AGO = re.compile(r"^(\d{1,5})d$")


_FILE_PREFIXES = ("./", "../", "/", ":")
"""A side starting with one of these is a file: no revision starts so (nor is one empty)."""


@dataclass(frozen=True)
class SideSpec:
    """``path`` (the working file) or ``REV:path``."""

    path: Path
    rev: str | None = None

    @classmethod
    def parse(cls, text: str, option: str) -> SideSpec:
        """The side ``text`` names for the argument ``option``: a file without a colon or
        after ``./``; else ``REV:path``. A text that names a file on disk and could be a
        revision too is refused: a pull request could add a file named ``HEAD:launch.yaml``
        to stand in for the revision."""
        if ":" not in text or text.startswith(_FILE_PREFIXES):
            return cls(named(text))
        rev, _, path = text.partition(":")
        if os.path.lexists(text):
            where = path if path.startswith(_FILE_PREFIXES) else f"./{path}"
            # The revision's own spelling only where the name reads as REV:PATH at all (not
            # "sub/::x.yaml", whose "revision" would be "sub/"): else the form to write.
            revision = (
                quoted(f"{rev}:{where}")
                if rev and path and not path.startswith(":")
                else "REV:./PATH"
            )
            raise OptionError(
                option,
                f"{quoted(text)} is both a file and a revision's file: write "
                f"{quoted('./' + text)} for the file on disk, or {revision} for the file in "
                "the revision",
            )
        if not path.strip("/.") or not rev:
            missing = "no file after the ':'" if rev else "no revision before the ':'"
            raise OptionError(
                option, f"{quoted(text)} names {missing}: write REV:path, e.g. HEAD:launch.yaml"
            )
        return cls(Path(path), rev)


@dataclass(frozen=True)
class LoadedSide:
    launch: Launch
    side: Side
    checklists: tuple[LoadedChecklist, ...]


def repository(path: Path) -> Repository:
    """The repository whose history holds ``path``; none for standard input, whose launch
    has no history (a committed file named ``-`` is another file: ``./-`` names it)."""
    if str(path) == STDIN:
        raise GtmCheckError(
            [Problem(STDIN, 1, 1, "the launch file came from standard input, which has no history")]
        )
    repo = Repository.of(path)
    if repo is None:
        raise GtmCheckError([Problem(str(path), 1, 1, "not in a git repository")])
    return repo


def read_revision(repo: Repository, commit: Commit, path: Path, budget: ByteBudget) -> Source:
    revision = repo.revision(commit, repo.relative(path))
    return Source(revision.where, repo.text(revision, budget))


def side(source: Source, commit: Commit) -> Side:
    """The side a revision makes; a commit git gives no usable date cannot be one."""
    if commit.date is None:
        raise GtmCheckError([Problem(source.path, 1, 1, commit.undated)])
    return Side(source.path, commit.id, commit.date)


def load_newer(
    spec: SideSpec, reader: ChecklistReader, today: dt.date, *, allow_outside: bool
) -> LoadedSide:
    """The newer side, which names the checklists both sides are scored with: those on disk."""
    if spec.rev is None:
        loaded = load_launch(spec.path, reader, allow_outside=allow_outside)
        return LoadedSide(loaded.launch, Side(str(spec.path), None, today), loaded.checklists)
    repo = repository(spec.path)
    commit = repo.commit(spec.rev, "NEW")
    source = read_revision(repo, commit, spec.path, reader.budget)
    loaded = load_launch(spec.path, reader, allow_outside=allow_outside, source=source)
    return LoadedSide(loaded.launch, side(source, commit), loaded.checklists)


def load_older(
    spec: SideSpec,
    newer: LoadedSide,
    reader: ChecklistReader,
    today: dt.date,
    *,
    allow_outside: bool = False,
) -> LoadedSide:
    """The older side, checked against the newer side's checklists."""
    if spec.rev is None:
        text = reader.text(spec.path, str(spec.path), allow_outside=allow_outside)
        source = Source(str(spec.path), text)
        older = Side(str(spec.path), None, today)
    else:
        repo = repository(spec.path)
        commit = repo.commit(spec.rev, "OLD")
        source = read_revision(repo, commit, spec.path, reader.budget)
        older = side(source, commit)
    launch = load_launch_text(source, newer.checklists, reader.suggestions)
    return LoadedSide(launch, older, newer.checklists)


def _days_before(today: dt.date, days: int, since: str | None) -> dt.date:
    """``days`` before ``today``; an option error where that is before the calendar's first
    day (``--as-of 0001-01-03``, ``--since 99999d``)."""
    try:
        return today - dt.timedelta(days=days)
    except OverflowError:
        option = "--since" if since is not None else "--as-of"
        raise OptionError(
            option, f"{days} days before {today} is before the first day of the calendar"
        ) from None


def since_commit(
    path: Path, since: str | None, today: dt.date, *, ci: bool, bases: Sequence[str] = ()
) -> Commit:
    """The commit ``--since`` names: a revision, a date (the last commit on or before it),
    ``Nd`` (N days ago); by default in CI the merge-base with the branch the change goes
    into (the first of ``bases`` there is, else the default branch), else the last commit
    from 7 days ago or before."""
    repo = repository(path)
    if since is None and ci:
        return repo.default_branch_base(bases)
    day: dt.date | None = _days_before(today, 7, since) if since is None else None
    if since is not None:
        ago = _DAYS_AGO.match(since)
        day = _days_before(today, int(ago.group(1)), since) if ago else parse_date(since)[0]
    if day is None:
        assert since is not None
        return repo.commit(since, "--since")
    found = repo.last_on_or_before(day, repo.relative(path))
    if found is None:
        why = f"no commit on or before {day}" + (f" (--since {quoted(since)})" if since else "")
        raise GtmCheckError([Problem(str(path), 1, 1, why)])
    return found
