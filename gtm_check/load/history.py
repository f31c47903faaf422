"""Reads launch files from git: the repository, revisions, commit dates and one file's history."""

# The checked-out tree may come from a pull request, so nothing in it chooses what git reads
# or runs:
# - The repository is found here, not by git: the nearest ``.git`` above where the launch
#   file is named (not where a link points), or the one GTM_CHECK_GIT_DIR names. A folder
#   that merely looks like a bare repository (``HEAD``, ``objects/``, ``refs/``, ``config``)
#   is never adopted, and a ``.git`` file is followed only into a ``.git`` folder, where git
#   keeps linked worktrees and submodules and where no checkout can write. Every call names
#   the repository (``--git-dir``, ``--work-tree``), so git does no discovery of its own.
#   A submodule's history is not read (``load.submodules``): a pull request can choose the
#   repository a submodule is, and its history would be the older side of ``diff``.
# - git is found on PATH by absolute entries only, and runs with every inherited GIT_*
#   variable dropped, no system or global config, and ``-c`` settings that switch off what
#   a repository's own config could use to start a program: signature display (gpg.program),
#   fsmonitor, hooks, pagers, and every transport (a partial clone's lazy fetch would run
#   ssh, an ``ext::`` command or an upload-pack program).
# - Only plumbing runs (rev-list, diff-tree, cat-file, ls-tree, rev-parse, merge-base): no
#   porcelain configuration (log.*, format.*, diff.external, textconv, aliases) applies.
# - A file that is a symbolic link in a revision (mode 120000) is never read: its blob is
#   the link's target, not a launch file.
# - What is read is bounded: at most MAX_REVISIONS revisions of a file; each blob's size is
#   asked (``cat-file --batch-check``) and counted against the run's ByteBudget before one
#   ``cat-file --batch`` reads it, one blob at a time, so a small repository whose history
#   unpacks to gigabytes stops with a message before git inflates anything, and no more
#   than one revision's text is held at once.
# - No git process runs for ever: each is stopped (with the processes it started) once it
#   has run GIT_TIMEOUT seconds; the contents reader, which waits on gtm-check between
#   files, once it has taken that long over one file.
# A file's history costs four git processes however long it is: rev-list piped into
# diff-tree (which follows renames), then the two cat-file calls.

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from gtm_check.load.files import (
    MAX_FILE_BYTES,
    ByteBudget,
    git_folder_of,
    gitdir_of,
    inside_git_folder,
    real_path,
    why_unreachable,
)
from gtm_check.load.submodules import superproject_of
from gtm_check.model.problems import GtmCheckError, OptionError, Problem, parse_date, quoted
from gtm_check.model.safetext import visible

if sys.platform != "win32":
    import resource

GIT_DIR_VARIABLE = "GTM_CHECK_GIT_DIR"
"""Names the repository to read history from (a ``.git`` folder or a bare repository)."""

MAX_REVISIONS = 10_000
"""Most revisions of one launch file read from git in one run."""

GIT_MEMORY = 1024 * 1024 * 1024
"""Most memory one git process may allocate (1 GiB): following a rename, git compares whole
contents, which a small repository can make gigabytes; packs it maps from disk are apart."""

_LINK_MODE = "120000"
"""The mode git gives a symbolic link: its blob is the link's target, not a file's text."""

_FILE_MODES = ("100644", "100755")
"""The modes git gives a file: only an entry with one of them holds a launch file's text."""

GIT_TIMEOUT = 120.0
"""Seconds a git process may run before it is stopped (the contents reader: seconds for
one file's contents), so that a hung or very slow git never holds a run for ever."""

_MESSAGE_LIMIT = 200
"""Characters of git's own message quoted in ours."""

# Set on every call: a repository's config cannot turn these back on (``-c`` comes last).
_CONFIG = (
    "safe.bareRepository=explicit",
    "core.fsmonitor=false",
    f"core.hooksPath={os.devnull}",
    "log.showSignature=false",
    # Commit ids and dates as gtm-check reads them: a repository's UTF-16 made them hold
    # NUL bytes (exit 3), its UTF-7 dropped the dates of commits ahead of UTC (diff chose
    # an older base and let a regression through).
    "i18n.logOutputEncoding=UTF-8",
    "core.pager=cat",
    "color.ui=never",
    "protocol.allow=never",
    "credential.helper=",
    # Reading a long history's contents from its packs, git caches delta bases up to 96 MiB
    # by default; 8 MiB halves its peak on the 600-week benchmark at no cost in time.
    "core.deltaBaseCacheLimit=8m",
)

_STREAMED_FROM = "1m"
"""The size from which git streams a blob it is asked for the head of, rather than unpacking
it whole first (``Repository.head_of``)."""

_ENVIRONMENT = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_SYSTEM": os.devnull,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_ATTR_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_PAGER": "cat",
    # An empty allow-list allows no transport whatever the config says (protocol.<name>.allow
    # in a repository's config outranks protocol.allow); GIT_NO_LAZY_FETCH, where git knows
    # it, stops a partial clone from fetching at all.
    "GIT_ALLOW_PROTOCOL": "",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_NO_REPLACE_OBJECTS": "1",
    "LC_ALL": "C",
}


def _problem(where: str, message: str) -> GtmCheckError:
    return GtmCheckError([Problem(where, 1, 1, message)])


@dataclass(frozen=True)
class Commit:
    """A commit: its full id and its committer date in the committer's own time zone."""

    id: str
    date: dt.date | None
    """None when the date is outside 0001-01-01..9999-12-31, before 1970 in the committer's
    time zone (git cannot give it as a day), or not there at all."""
    shown: str = ""
    """The date as a day (YYYY-MM-DD, of any year), or git's raw date for one before 1970 in
    the committer's time zone; empty when git gives none gtm-check can read."""

    @classmethod
    def parse(cls, commit_id: str, raw: str) -> Commit:
        """The commit with git's raw committer date (``--date=raw``, ``%cd``): seconds since
        1970 and the committer's offset (``+hhmm``). git gives that for every commit, where
        asking it for the day (``%cs``) is fatal (exit 128) when the day is before 1970 in
        the committer's own time zone, as a commit can claim ("1 -9999")."""
        local = _local_seconds(raw)
        if local is None:
            return cls(commit_id, None)
        if local < 0:
            return cls(commit_id, None, raw)
        shown = _day(local // 86_400)
        return cls(commit_id, parse_date(shown)[0], shown)

    @property
    def short(self) -> str:
        return self.id[:7]

    @property
    def undated(self) -> str:
        """Why the commit has no date gtm-check can use."""
        if not self.shown[:1].isdigit():
            return "git gives no commit date for it that gtm-check can read"
        if " " in self.shown:
            return (
                f"its commit date ({quoted(self.shown)}: seconds since 1970 and the "
                "committer's offset) is before 1970-01-01 in the committer's own time zone, "
                "which git cannot give as a day"
            )
        return (
            f"git gives its commit date as {quoted(self.shown)}, outside the dates "
            f"gtm-check reads ({dt.date.min} to {dt.date.max})"
        )


def _dated_lines(lines: Iterable[bytes]) -> Iterator[tuple[str, str, str]]:
    """Each commit's id, parents and raw date from ``rev-list --format=%H%x09%P%x09%cd``,
    whose lines alternate with git's own ``commit ID`` lines."""
    for line in lines:
        if line.startswith(b"commit "):
            continue
        found, _, rest = line.decode("utf-8", "replace").rstrip("\n").partition("\t")
        parents, _, shown = rest.partition("\t")
        yield found, parents, shown


def _local_seconds(raw: str) -> int | None:
    """Seconds since 1970 in the committer's own time zone, from git's raw date; None when
    git gives no raw date."""
    found = _RAW_DATE.fullmatch(raw)
    if found is None:
        return None
    seconds, sign, zone = found.groups()
    minutes = int(zone) // 100 * 60 + int(zone) % 100  # as git reads an offset
    return int(seconds) + (minutes if sign == "+" else -minutes) * 60


def _day_of(raw: str) -> int | None:
    """The proleptic ordinal of the day git's raw date falls on in the committer's own time
    zone, any year (past 9999 too); None when git gives no raw date."""
    local = _local_seconds(raw)
    return None if local is None else _EPOCH + local // 86_400


_EPOCH = dt.date(1970, 1, 1).toordinal()

_RAW_DATE = re.compile(r"([0-9]+) ([+-])([0-9]+)")
"""git's raw date: seconds since 1970, then the offset as git wrote it (``+hhmm``)."""


def _day(days: int) -> str:
    """The day ``days`` after 1970-01-01 as YYYY-MM-DD, for any year after it (proleptic
    Gregorian, as git shows it; Howard Hinnant's civil_from_days)."""
    z = days + 719_468
    era, rest = divmod(z, 146_097)
    year_of_era = (rest - rest // 1460 + rest // 36_524 - rest // 146_096) // 365
    day_of_year = rest - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted = (5 * day_of_year + 2) // 153  # months from March
    day = day_of_year - (153 * shifted + 2) // 5 + 1
    month = shifted + 3 if shifted < 10 else shifted - 9
    year = year_of_era + era * 400 + (month <= 2)
    return f"{year:04}-{month:02}-{day:02}"


@dataclass(frozen=True)
class Revision:
    """A launch file as one commit left it."""

    commit: Commit
    path: str
    """The file's path in that commit, from the repository's top (it may have been renamed)."""
    blob: str | None = None
    """The id of the file's contents; None where the commit deleted it."""
    link: bool = False
    """Whether the commit has a symbolic link there (mode 120000): never read as a file."""

    @property
    def where(self) -> str:
        return f"{self.commit.short}:{self.path}"


class Repository:
    """The git repository a launch file lives in."""

    def __init__(self, git_dir: Path, root: Path, where: str = "git") -> None:
        self.git_dir = git_dir
        self.root = root
        """The top of the working tree, which the launch file's path is taken from."""
        self.where = where
        """The launch file as the user named it: where problems with git are located."""

    @classmethod
    def of(cls, path: Path) -> Repository | None:
        """The repository holding ``path`` (None when there is none): the one
        GTM_CHECK_GIT_DIR names, else the nearest ``.git`` above the file where it is named
        (a link is not followed to find it: a launch file linked to another repository
        would read that repository's history), in a folder that is not itself a link (a
        linked folder in the checkout could lend the file another repository). Only when
        no such folder holds one is a linked folder's taken: a checkout the user reaches
        through a link of their own."""
        where = str(path)
        named = os.environ.get(GIT_DIR_VARIABLE)
        if named:
            return cls._named(Path(os.path.abspath(named)), where)
        folder = Path(os.path.dirname(os.path.abspath(path)))
        linked: Path | None = None
        for candidate in (folder, *folder.parents):
            if _mode(candidate / ".git") is None:
                continue
            if not os.path.islink(candidate):
                return cls._at(candidate, where)
            linked = linked or candidate
        return None if linked is None else cls._at(linked, where)

    @classmethod
    def _at(cls, top: Path, where: str) -> Repository:
        """The repository whose working tree is ``top``, which holds ``.git``."""
        dot = top / ".git"
        mode = _mode(dot) or 0
        if os.path.islink(dot):
            raise _problem(
                where,
                f"{dot} is a symbolic link: git keeps a repository in a .git folder or a .git "
                f"file, never a link, and a link would lend this folder another repository; "
                f"set {GIT_DIR_VARIABLE} to read it anyway",
            )
        if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
            raise _problem(where, f"{dot} is neither a folder nor a file")
        outer = superproject_of(top)
        if outer is not None:
            raise _problem(
                where,
                f"{top} is a submodule of {outer}: its history is the submodule's own "
                f"repository, which the checkout of {outer} does not vouch for; read the "
                f"launch file's history in a checkout of that repository, or set "
                f"{GIT_DIR_VARIABLE} to read it here",
            )
        git_dir = dot if stat.S_ISDIR(mode) else _linked(dot, where, named=False)
        _check_owner(where, top, dot, git_dir)
        return cls(git_dir, top, where)

    @classmethod
    def _named(cls, named: Path, where: str) -> Repository:
        mode = _mode(named)
        if mode is not None and stat.S_ISREG(mode):
            return cls(_linked(named, where, named=True), named.parent, where)
        if mode is None or not stat.S_ISDIR(mode):
            raise _problem(where, f"{GIT_DIR_VARIABLE} names {named}, which is not a folder")
        # A .git folder's working tree is the folder holding it; a bare repository has none,
        # so the launch file's path is taken from the current folder, as git does.
        root = named.parent if named.name == ".git" else Path(os.path.abspath("."))
        return cls(named, root, where)

    # Running git.

    def _command(self, args: Sequence[str]) -> list[str]:
        settings = [part for setting in _CONFIG for part in ("-c", setting)]
        return [
            _program(self.where, self.root),
            "--no-pager",
            "--no-replace-objects",
            "--literal-pathspecs",
            f"--git-dir={self.git_dir}",
            f"--work-tree={self.root}",
            *settings,
            *args,
        ]

    def _environment(self) -> dict[str, str]:
        kept = {k: v for k, v in os.environ.items() if not k.upper().startswith("GIT_")}
        ceiling = os.path.dirname(os.path.abspath(self.root))
        return {**kept, **_ENVIRONMENT, "GIT_CEILING_DIRECTORIES": ceiling}

    def _cwd(self) -> Path:
        return self.root if os.path.isdir(self.root) else self.git_dir

    def _run(self, args: Sequence[str], request: bytes = b"") -> subprocess.CompletedProcess[bytes]:
        return _complete(self._command(args), self._environment(), self._cwd(), request, self.where)

    def _git(self, args: Sequence[str], request: bytes = b"") -> bytes:
        """git's standard output, or a problem at the launch file saying what git said. Only
        for commands whose output is small or already bounded."""
        done = self._run(args, request)
        if done.returncode != 0:
            raise _failed(self.where, done.stderr)
        return done.stdout

    def _lookup(self, name: str) -> str | None:
        """The object ``name`` names (``rev-parse --verify``), or None when there is none."""
        done = self._run(["rev-parse", "--verify", "--quiet", name])
        if done.returncode == 1 and not done.stderr.strip():
            return None
        if done.returncode != 0:
            raise _failed(self.where, done.stderr)
        return done.stdout.decode("ascii", "replace").strip()

    @contextmanager
    def _stream(self, args: Sequence[str], stdin: IO[bytes] | int) -> Iterator[_Process]:
        """git with its output read as it comes; stopped when the block ends, or once it
        has run GIT_TIMEOUT seconds."""
        with tempfile.TemporaryFile() as errors:
            try:
                process = subprocess.Popen(
                    self._command(args),
                    cwd=self._cwd(),
                    stdin=stdin,
                    stdout=subprocess.PIPE,
                    stderr=errors,
                    env=self._environment(),
                    preexec_fn=_BEFORE_GIT,
                    start_new_session=_GROUPS,
                )
            except OSError as exc:
                raise _problem(self.where, f"git cannot be run: {exc.strerror or exc}") from None
            running = _Process(process, errors, self.where)
            try:
                yield running
            finally:
                running.stop()

    # Questions about the repository.

    def relative(self, path: Path) -> str:
        """``path`` from the repository's top as it is named, with forward slashes: the
        path read in each revision. No link in the working tree is followed to find it: a
        pull request that made ``launch.yaml`` (or a folder on its way) a link to a weaker
        file would otherwise have that file's history read as the launch file's, its older
        side too. In a revision where the path is a link it is refused or skipped, as ever.
        Only a top the user named (GTM_CHECK_GIT_DIR) spelt through other links than the
        file has its folders' links followed to relate the two."""
        named = Path(os.path.abspath(path))
        top = Path(os.path.abspath(self.root))
        if not named.is_relative_to(top):
            named = Path(real_path(named.parent), named.name)
            top = Path(real_path(top))
        if not named.is_relative_to(top) or named == top:
            raise _problem(self.where, f"the file is not in the working tree of {self.root}")
        return named.relative_to(top).as_posix()

    def tracked(self, paths: Sequence[str]) -> dict[str, str | None]:
        """Which of ``paths`` (from the top, forward slashes) are files or folders of the
        commit HEAD: what git tracks, not what a build step wrote into the working tree.
        Each with the blob it holds there (None: a folder, a link or a submodule)."""
        found: dict[str, str | None] = {}
        for level in _nesting_levels(paths):
            for batch in _within_arguments(level):
                found |= self._listed(batch)
        return found

    def _listed(self, batch: Sequence[str]) -> dict[str, str | None]:
        """``tracked`` of one batch of paths, at one nesting level."""
        found: dict[str, str | None] = {}
        if batch:  # always: an ls-tree without a path would list the whole top
            asked = set(batch)
            listed = self._git(["ls-tree", "-z", "--full-tree", "HEAD", "--", *batch])
            for entry in listed.split(b"\0"):
                info, tab, raw = entry.partition(b"\t")
                fields = info.split(b" ")
                name = os.fsdecode(raw)
                if not tab or len(fields) != 3 or name not in asked:
                    continue
                mode, kind, object_id = fields
                blob = kind == b"blob" and mode in (b"100644", b"100755")
                found[name] = object_id.decode("ascii") if blob else None
        return found

    def head_of(self, blob: str, limit: int) -> bytes:
        """The first ``limit`` bytes of ``blob`` (all of it when shorter), read as it comes:
        a large blob is never read whole, nor unpacked whole by git (``bigFileThreshold``:
        git streams a blob past it; below its default, 512 MiB, it inflates the whole blob
        in memory first, and 256 MiB of zeros packs to 256 KiB)."""
        streamed = ["-c", f"core.bigFileThreshold={_STREAMED_FROM}", "cat-file", "blob", blob]
        with self._stream(streamed, subprocess.DEVNULL) as git:
            data = git.stdout.read(limit)
            if len(data) < limit:
                git.check()
        return data

    def is_shallow(self) -> bool:
        return self._git(["rev-parse", "--is-shallow-repository"]).strip() == b"true"

    def commit(self, rev: str, option: str) -> Commit:
        """The commit ``rev`` names; a revision that starts with "-" is refused, never run.
        A problem with it is a problem with ``option``, the argument that named it."""
        if not rev or rev.startswith("-") or "\0" in rev:
            raise OptionError(option, f"{quoted(rev)} is not a revision")
        peeled = f"{rev}^{{commit}}"
        done = self._run(["rev-parse", "--verify", "--quiet", peeled])
        if done.returncode != 0:
            # A tree, a blob or an upstream that is not set is as wrong a revision as a
            # name that does not exist: said at its argument, in the words the user wrote.
            said = re.sub(r"^(fatal|error): ", "", _said(done.stderr)).replace(peeled, rev)
            raise OptionError(
                option,
                f"{quoted(rev)} names no commit: git says {said}"
                if said
                else f"unknown revision {quoted(rev)}",
            )
        return self._dated(done.stdout.decode("ascii", "replace").strip())

    def _dated(self, commit_id: str) -> Commit:
        out = self._git(["rev-list", "-n", "1", "--date=raw", "--format=%H %cd", commit_id, "--"])
        found, _, shown = out.decode("utf-8", "replace").rstrip("\n").split("\n")[-1].partition(" ")
        return Commit.parse(found, shown)

    def last_on_or_before(self, date: dt.date, path: str) -> Commit | None:
        """The commit of HEAD's history that was the state of ``path`` on ``date``: the
        newest dated on or before it (None: none that old; commits git gives no date are
        passed over).

        Whoever makes a commit sets its date, and the parents of a merge in any order, so a
        date is taken only when it names one state. Where HEAD's history holds several
        lines of work on that day that no commit on or before it joins (a history merged in,
        in either order), their ``path`` must be the same file, or the date is refused
        naming them. The commit taken is refused when a commit in its own history is dated
        on a later day (a pull request's commit dated 2001 on top of last week's base), and
        in a shallow clone, whose history cannot show either. A revision is then the way to
        say which side is meant."""
        if self.is_shallow():
            raise OptionError(
                "--since",
                "the clone is shallow: without the whole history a date cannot say which "
                "commit is the older side; fetch it all (git fetch --unshallow, or "
                "fetch-depth: 0 in actions/checkout) or name a revision (--since main)",
            )
        lines = self._lines_on(date)
        if not lines:
            return None
        newest = max(lines, key=lambda commit: (commit.date or dt.date.min, commit.id))
        if len(lines) > 1:
            self._check_one_state(lines, path, date)
        self._check_not_back_dated(newest)
        return newest

    def _lines_on(self, date: dt.date) -> list[Commit]:
        """The commits of HEAD's history dated on or before ``date`` that no other such
        commit has as a parent: the tips of its lines of work on that day. One walk, children
        before parents, holding only the parents still to come."""
        walk = ["rev-list", "--topo-order", "--date=raw", "--format=%H%x09%P%x09%cd", "HEAD", "--"]
        joined: set[str] = set()  # parents of commits on or before the date, still to come
        tips: list[Commit] = []
        with self._stream(walk, subprocess.DEVNULL) as git:
            for found, parents, shown in _dated_lines(git.stdout):
                commit = Commit.parse(found, shown)
                if commit.date is not None and commit.date <= date:
                    if found not in joined:
                        tips.append(commit)
                    joined.update(parents.split())
                joined.discard(found)
            self._check_walk(git)
        return tips

    def _check_one_state(self, tips: Sequence[Commit], path: str, date: dt.date) -> None:
        """Refuse ``date`` when the tips of its lines of work hold ``path`` differently."""
        request = "".join(f"{tip.id}:{path}\n" for tip in tips)
        kinds: set[bytes] = set()
        if "\n" not in path:
            answer = self._git(
                ["cat-file", "--batch-check"], request.encode("utf-8", "surrogateescape")
            )
            # "<id> <type> <size>" for what is there, "<tip>:<path> missing" where it is not.
            kinds = {b"missing" if k.endswith(b" missing") else k for k in answer.splitlines()}
        if len(kinds) == 1:
            return
        named = ", ".join(f"{tip.short} ({tip.shown})" for tip in tips[:3])
        more = f" and {len(tips) - 3:,} more" if len(tips) > 3 else ""
        raise OptionError(
            "--since",
            f"on {date}, HEAD's history holds {len(tips):,} lines of work that no commit "
            f"by then joins, with {quoted(path)} not the same in each: {named}{more}; a date "
            "cannot say which is the older side; name a revision (--since main)",
        )

    def _check_not_back_dated(self, commit: Commit) -> None:
        """Refuse ``commit`` when a commit in its own history is dated on a later day: one
        walk of its history, however many parents each commit has."""
        assert commit.date is not None
        walk = ["rev-list", "--date=raw", "--format=%H%x09%P%x09%cd", commit.id, "--"]
        with self._stream(walk, subprocess.DEVNULL) as git:
            for found, _, shown in _dated_lines(git.stdout):
                later = _day_of(shown)
                if later is not None and later > commit.date.toordinal():
                    earlier = Commit.parse(found, shown)
                    raise OptionError(
                        "--since",
                        f"commit {commit.short} is dated {commit.date}, before commit "
                        f"{earlier.short} ({earlier.shown}) in its own history: a date cannot "
                        "say which commit is the older side when the history's dates run "
                        "backwards; name a revision (--since main)",
                    )
            git.check()

    def default_branch_base(self, bases: Sequence[str] = ()) -> Commit:
        """Where HEAD left the branch it goes into: the first of ``bases`` (branch names the
        CI gives, e.g. a pull request's base) fetched as ``origin/NAME``, else the default
        branch: origin/HEAD, main, master, origin/main, origin/master. A CI checkout of a
        pull request (actions/checkout) has only ``origin/NAME`` refs and a detached HEAD."""
        named = [f"refs/remotes/origin/{b}" for b in bases if _branch_name(b)]
        for ref in (*named, *_DEFAULT_BRANCHES):
            if self._lookup(ref) is None:
                continue
            done = self._run(["merge-base", "HEAD", ref])
            if done.returncode == 1 and not done.stderr.strip():
                raise OptionError("--since", f"HEAD and {ref} have no commit in common")
            if done.returncode != 0:
                raise _failed(self.where, done.stderr)
            return self._dated(done.stdout.decode("ascii", "replace").strip())
        looked = ", ".join(
            ref.removeprefix("refs/remotes/").removeprefix("refs/heads/")
            for ref in (*named, *_DEFAULT_BRANCHES)
        )
        raise OptionError(
            "--since",
            f"no base branch to compare with (looked for {visible(looked)}): fetch it "
            "(actions/checkout: fetch-depth: 0) or name a revision",
        )

    def revision(self, commit: Commit, path: str) -> Revision:
        """The file as ``commit`` left it (no blob when the commit has no such file, or a
        folder there); a symbolic link there is marked, never read as the file."""
        listed = self._git(["ls-tree", "-z", "--full-tree", commit.id, "--", path])
        entry = listed.split(b"\0", 1)[0]
        fields = entry.partition(b"\t")[0].decode("ascii", "replace").split()
        if len(fields) != 3:
            return Revision(commit, path)
        mode, kind, object_id = fields
        if mode == _LINK_MODE:
            return Revision(commit, path, link=True)
        return Revision(commit, path, object_id if mode in _FILE_MODES else None)

    def history(
        self, path: str, since: dt.date | None = None, until: dt.date | None = None
    ) -> list[Revision]:
        """Every commit of HEAD that changed the file, newest first, following renames: those
        dated from ``since`` to ``until``, and those git gives no usable date (for the caller
        to name). More than MAX_REVISIONS of them is a problem at the launch file."""
        walk_args = ["rev-list", "HEAD", "--"]  # "--": a file named HEAD is no revision
        diff_args = [
            *("diff-tree", "--stdin", "--root", "-r", "--follow", "--raw", "--no-abbrev"),
            *("-z", "--no-ext-diff", "--no-textconv", "--date=raw", "--format=%x01%H %cd"),
            *("--", path),
        ]
        revisions: list[Revision] = []
        with (
            self._stream(walk_args, subprocess.DEVNULL) as walk,
            self._stream(diff_args, walk.stdout) as diff,
        ):
            walk.stdout.close()  # diff-tree has it now: rev-list stops when diff-tree does
            for revision in _revisions(_fields(diff.stdout), path):
                day = revision.commit.date
                if day is not None and (
                    (since is not None and day < since) or (until is not None and day > until)
                ):
                    continue
                if len(revisions) == MAX_REVISIONS:
                    raise _problem(
                        self.where,
                        f"the file has more than {MAX_REVISIONS:,} revisions in git to read; "
                        f"gtm-check reads at most {MAX_REVISIONS:,}",
                    )
                revisions.append(revision)
            diff.check()  # first: when diff-tree fails, rev-list dies writing to it
            self._check_walk(walk)
        return revisions

    def _check_walk(self, walk: _Process) -> None:
        """A walk of HEAD that failed: in a repository with no commits, say so."""
        try:
            walk.check()
        except GtmCheckError:
            if not walk.expired and self._lookup("HEAD^{commit}") is None:
                raise _problem(self.where, "the repository has no commits yet") from None
            raise

    # Reading files.

    @contextmanager
    def contents(
        self,
        revisions: Sequence[Revision],
        budget: ByteBudget,
        sizes: dict[str, int] | None = None,
    ) -> Iterator[Contents]:
        """A reader of the revisions' texts, one at a time, from one ``cat-file --batch``:
        every blob's size is asked first (one ``cat-file --batch-check``, unless ``sizes``
        has them), and each is counted against ``budget`` before it is read."""
        if sizes is None:
            sizes = self.sizes(list(dict.fromkeys(r.blob for r in revisions if r.blob)))
        if not sizes:
            yield Contents(sizes, budget, None)
            return
        with self._stream(["cat-file", "--batch"], subprocess.PIPE) as git:
            yield Contents(sizes, budget, git)

    def text(self, revision: Revision, budget: ByteBudget) -> str:
        """The file's text in that revision (UTF-8), counted against ``budget``."""
        with self.contents([revision], budget) as reader:
            data = reader.read(revision)
        if isinstance(data, str):
            raise _problem(revision.where, data)
        return decode(data, revision.where)

    def sizes(self, blobs: Sequence[str]) -> dict[str, int]:
        """The size of each blob that exists, from one ``cat-file --batch-check``."""
        if not blobs:
            return {}
        request = "".join(f"{blob}\n" for blob in blobs).encode("ascii")
        sizes = {}
        for line in self._git(["cat-file", "--batch-check"], request).splitlines():
            parts = line.decode("ascii", "replace").split()
            if len(parts) == 3 and parts[1] == "blob" and parts[2].isdigit():
                sizes[parts[0]] = int(parts[2])
        return sizes


class Contents:
    """Revisions' texts read one at a time from a running ``cat-file --batch``: only the
    one asked for is held, and each distinct blob counts against the budget once."""

    def __init__(self, sizes: dict[str, int], budget: ByteBudget, git: _Process | None) -> None:
        self.sizes = sizes
        self.budget = budget
        self.git = git
        self.counted: set[str] = set()

    def read(self, revision: Revision) -> bytes | str:
        """The revision's bytes, or why there are none (a blob larger than a file may be is
        never read; nor is a symbolic link's)."""
        if revision.link:
            return (
                "the file is a symbolic link in this revision; gtm-check does not read "
                "a link's text as a launch file"
            )
        size = self.sizes.get(revision.blob or "")
        if size is None:
            return "the file is absent in this revision"
        if size > MAX_FILE_BYTES:
            return f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
        blob = revision.blob or ""
        if blob not in self.counted:
            self.budget.take(size, revision.where)
            self.counted.add(blob)
        assert self.git is not None, "a blob with a size has a reader"
        return self.git.ask(blob, size)


class _Process:
    """A git process whose output is read as it comes, and its standard error; stopped,
    with the processes it started, once it has run GIT_TIMEOUT seconds (``ask`` gives it
    that long again for each request)."""

    def __init__(self, process: subprocess.Popen[bytes], errors: IO[bytes], where: str) -> None:
        assert process.stdout is not None
        self.process = process
        self.stdout: IO[bytes] = process.stdout
        self.errors = errors
        self.where = where
        self.expired = False
        self._lock = threading.Lock()
        self._watch: threading.Timer | None = None
        self._arm()

    def _arm(self) -> None:
        with self._lock:
            if self._watch is not None:
                self._watch.cancel()
            self._watch = threading.Timer(GIT_TIMEOUT, self._expire)
            self._watch.daemon = True
            self._watch.start()

    def _expire(self) -> None:
        with self._lock:
            if self.process.returncode is None:
                self.expired = True
                _kill(self.process)

    def ask(self, blob: str, size: int) -> bytes:
        """``size`` bytes of ``blob`` from ``cat-file --batch``, which this process runs."""
        assert self.process.stdin is not None
        self._arm()
        try:
            self.process.stdin.write(f"{blob}\n".encode("ascii"))
            self.process.stdin.flush()
        except OSError:
            self.check()
            raise _problem(self.where, "git: cat-file stopped reading") from None
        header = self.stdout.readline()
        data = self.stdout.read(size)
        end = self.stdout.read(1)
        if header.split() != [blob.encode(), b"blob", b"%d" % size] or end != b"\n":
            if self.expired or self.process.poll() is not None:
                self.check()  # git ended early: say why, if it says
            raise _problem(self.where, "git: cat-file gave what was not asked for")
        return data

    def check(self) -> None:
        """Wait for git to end; a problem saying what git said when it failed, or that it
        was stopped."""
        code = self.process.wait()
        if self.expired:
            raise _problem(self.where, _timed_out())
        if code != 0:
            self.errors.seek(0)
            raise _failed(self.where, self.errors.read(64 * 1024))

    def stop(self) -> None:
        with self._lock:
            if self._watch is not None:
                self._watch.cancel()
            if self.process.poll() is None:
                _kill(self.process)
        if self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except OSError:  # git stopped reading first
                pass
        self.stdout.close()
        self.process.wait()


def _timed_out() -> str:
    """What a git that ran too long is told with (GIT_TIMEOUT as it is now)."""
    return (
        f"git did not finish within {GIT_TIMEOUT:g} seconds, so gtm-check stopped it "
        "(is the repository on a slow or hung file system?)"
    )


_GROUPS = sys.platform != "win32"
"""Whether each git starts its own process group, so that stopping it stops what it started."""


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Stop git and every process it started (they could hold its output open)."""
    if _GROUPS:
        try:
            os.killpg(process.pid, signal.SIGKILL)
            return
        except OSError:  # the group is gone already
            pass
    process.kill()


def _complete(
    command: list[str], env: dict[str, str], cwd: Path | None, request: bytes, where: str
) -> subprocess.CompletedProcess[bytes]:
    """git run to its end with ``request`` as its input, its output captured; stopped with
    a problem at ``where`` once it has run GIT_TIMEOUT seconds."""
    try:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            preexec_fn=_BEFORE_GIT,
            start_new_session=_GROUPS,
        )
    except OSError as exc:
        raise _problem(where, f"git cannot be run: {exc.strerror or exc}") from None
    with process:
        try:
            out, err = process.communicate(request, timeout=GIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill(process)
            process.communicate()
            raise _problem(where, _timed_out()) from None
        except BaseException:
            # A signal that ends gtm-check (SIGTERM in an edit, Ctrl-C): git goes too, before
            # the wait on leaving this block, which a hung git would make endless.
            _kill(process)
            raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def _limit_memory() -> None:
    """In each git process before it starts: at most GIT_MEMORY bytes of heap (RLIMIT_DATA,
    which leaves out the read-only maps of packs and indexes, so large repositories work)."""
    if sys.platform == "win32":
        return
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        limit = GIT_MEMORY if hard == resource.RLIM_INFINITY else min(hard, GIT_MEMORY)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ValueError, OSError):  # a system that refuses the limit runs git without it
        pass


_BEFORE_GIT = None if sys.platform == "win32" else _limit_memory


def _program(where: str, checkout: Path | None = None) -> str:
    """git, found on PATH by its absolute entries only, and none inside ``checkout`` (the
    working tree read): a relative entry, or a workflow's ``$PWD/bin`` or
    ``node_modules/.bin``, would find a program the pull request checked in."""
    inside = Path(real_path(checkout)) if checkout is not None else None
    for folder in os.get_exec_path():
        if not os.path.isabs(folder):
            continue
        if inside is not None and Path(real_path(folder)).is_relative_to(inside):
            continue
        candidate = os.path.join(folder, "git")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise _problem(where, "git is not on PATH; gtm-check runs it to read the launch file's history")


_DEFAULT_BRANCHES = (
    "refs/remotes/origin/HEAD",
    "refs/heads/main",
    "refs/heads/master",
    "refs/remotes/origin/main",
    "refs/remotes/origin/master",
)
"""Where the default branch may be, in this order, when the CI names no base branch."""

_NOT_IN_A_BRANCH_NAME = re.compile(r"\.\.|@\{|//|/\.|[\x00-\x20\x7f~^:?*\[\\]")


def _branch_name(name: str) -> bool:
    """Whether ``name`` is a branch name as git allows one (``git check-ref-format``), so
    that ``refs/remotes/origin/NAME`` names a ref and no revision syntax (``main^``)."""
    return bool(
        name
        and not name.startswith(("-", "/", "."))
        and not name.endswith(("/", ".", ".lock"))
        and name != "@"
        and not _NOT_IN_A_BRANCH_NAME.search(name)
    )


def _failed(where: str, stderr: bytes) -> GtmCheckError:
    """One problem saying what git said: its first error line (else its first line), made
    safe to print."""
    text = _said(stderr)
    if "Out of memory" in text:
        text += f" (gtm-check lets git take at most {GIT_MEMORY:,} bytes)"
    return _problem(where, f"git: {text}" if text else "git failed and said nothing")


def _said(stderr: bytes) -> str:
    """git's first error line (else its first line), made safe to print and cut short."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith((b"fatal:", b"error:"))]
    said = (errors or lines or [b""])[0]
    text = visible(said.decode("utf-8", "replace"))
    if len(text) > _MESSAGE_LIMIT:
        text = text[: _MESSAGE_LIMIT - 1] + "…"
    return text


def _mode(path: Path) -> int | None:
    try:
        return os.stat(path).st_mode
    except (OSError, ValueError):
        return None


def _check_owner(where: str, top: Path, *paths: Path) -> None:
    """Refuse, as git does, a repository found above the launch file that another user owns
    (it may be a trap laid in a shared folder such as /tmp), unless safe.directory in the
    user's own git config admits it."""
    foreign = next((p for p in (top, *paths) if not _owned(p)), None)
    if foreign is None or _safe_directory(top, where):
        return
    raise _problem(
        where,
        f"{foreign} belongs to another user, so the repository may not be this checkout's "
        f"(git refuses it too); add it to safe.directory in your git config, or set "
        f"{GIT_DIR_VARIABLE} to it, to read it anyway",
    )


def _owned(path: Path) -> bool:
    """Whether the current user owns ``path``: git's rule, where root run through sudo
    counts as the user who ran sudo."""
    if not hasattr(os, "geteuid"):  # not a POSIX system: no owners to compare this way
        return True
    try:
        owner = os.lstat(path).st_uid
    except (OSError, ValueError):
        return False
    user = os.geteuid()
    if user == 0 and owner != 0 and os.environ.get("SUDO_UID", "").isdigit():
        user = int(os.environ["SUDO_UID"])
    return owner == user


def _safe_directory(top: Path, where: str) -> bool:
    """Whether safe.directory in the user's system or global git config (the only ones git
    takes it from) admits ``top``: ``*``, the folder itself, or a folder above it with
    ``/*``; an empty value forgets the ones before it."""
    kept = ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in kept}
    env["GIT_DIR"] = os.path.join(os.path.abspath(os.sep), "nonexistent-gtm-check-git-dir")
    values: list[str] = []
    for scope in ("--system", "--global"):
        command = [_program(where, top), "config", scope, "--get-all", "--null", "safe.directory"]
        done = _complete(command, env, None, b"", where)
        for raw in done.stdout.split(b"\0")[:-1] if done.returncode == 0 else []:
            values = [*values, os.fsdecode(raw)] if raw else []
    here = real_path(top)
    for value in values:
        folder = real_path(os.path.expanduser(value.removesuffix("/*")))
        if value == "*" or here == folder or (value.endswith("/*") and here.startswith(folder)):
            return True
    return False


def _linked(dot: Path, where: str, *, named: bool) -> Path:
    """The git folder a ``.git`` file leads to ("gitdir: PATH"). Unless the user named it,
    it must lie in a ``.git`` folder, as a linked worktree's and a submodule's do."""
    try:
        written = gitdir_of(dot)
    except OSError as exc:
        raise _problem(where, f"{dot} cannot be read: {why_unreachable(exc)}") from None
    if written is None:
        raise _problem(where, f"{dot} is a file that does not name a git folder ('gitdir: ')")
    target = Path(real_path(dot.parent / written))
    if not named and not inside_git_folder(target):
        raise _problem(
            where,
            f"{dot} leads to {target}, which is not inside a .git folder as a worktree's or a "
            f"submodule's git folder is; set {GIT_DIR_VARIABLE} to read that repository anyway",
        )
    if not target.is_dir():
        raise _problem(where, f"{dot} leads to {target}, which is not a folder")
    if not named and not git_folder_of(dot, target):
        raise _problem(
            where,
            f"{dot} leads to {target}, which git does not keep for this folder (no HEAD, or a "
            f"worktree's that names another folder); set {GIT_DIR_VARIABLE} to read it anyway",
        )
    return target


def _nesting_levels(paths: Sequence[str]) -> list[list[str]]:
    """``paths`` in batches none of which holds a path and another inside it, for
    ``ls-tree``: given a folder and a path inside it, git lists what is in the folder, never
    the folder itself. A path goes in the batch of the number of paths asked that hold it
    (``docs``: 0, ``docs/sub``: 1, ``docs/sub/a.md``: 2), so there are as many batches as
    folders asked inside one another, however many paths."""
    asked = set(paths)
    levels: list[list[str]] = []
    for path in dict.fromkeys(paths):
        parts = path.split("/")
        level = sum("/".join(parts[:end]) in asked for end in range(1, len(parts)))
        levels.extend([] for _ in range(level + 1 - len(levels)))
        levels[level].append(path)
    return levels


ARGUMENT_BYTES = 64 * 1024
"""Most bytes of paths given to one git command: the system refuses a command line past
its limit (2 MiB on Linux, 32 KiB on Windows), and 1,000 file checks of 1,020 characters
in a script of three bytes a character are 3 MB."""


def _within_arguments(paths: Sequence[str]) -> Iterator[list[str]]:
    """``paths`` in batches of at most ARGUMENT_BYTES (one path at least)."""
    batch: list[str] = []
    size = 0
    for path in paths:
        length = len(os.fsencode(path)) + 1
        if batch and size + length > ARGUMENT_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(path)
        size += length
    if batch:
        yield batch


def _fields(stream: IO[bytes]) -> Iterator[bytes]:
    """The NUL-terminated fields of git's ``-z`` output, as they come."""
    pending = b""
    for chunk in iter(lambda: stream.read(64 * 1024), b""):
        *done, pending = (pending + chunk).split(b"\0")
        yield from done
    if pending:
        yield pending


def _revisions(fields: Iterator[bytes], path: str) -> Iterator[Revision]:
    """Revisions of the file at ``path`` from ``diff-tree -z --raw --date=raw`` with
    ``--format=%x01%H %cd``: a header per commit, then ``:mode mode old new STATUS`` and one
    path (two for a rename or a copy). Only an entry for the file's own path is a revision
    of it; git also lists the files inside a folder of that name, and a commit that changed
    only those has a folder, not the file, there: it is a revision where the file is absent.
    A rename or a copy (``--follow``) gives the path the file had in older commits."""
    commit: Commit | None = None
    found: Revision | None = None
    inside = False
    for field in fields:
        if field.startswith(b"\x01"):
            if commit is not None and (found is not None or inside):
                yield found or Revision(commit, path)
            found, inside = None, False
            hash_, _, shown = field[1:].decode("utf-8", "replace").partition(" ")
            commit = Commit.parse(hash_, shown)
            continue
        parts = field.lstrip(b"\n").removeprefix(b":").split()
        if len(parts) != 5:
            continue
        names = [os.fsdecode(next(fields, b""))]
        if parts[4][:1] in (b"R", b"C"):
            names.append(os.fsdecode(next(fields, b"")))
        if commit is None or found is not None:
            continue  # one revision per commit: the first change to the file itself
        if names[-1] != path:
            inside = inside or names[-1].startswith(f"{path}/")
            continue
        blob, mode = parts[3].decode("ascii", "replace"), parts[1].decode("ascii", "replace")
        deleted = parts[4] == b"D" or not blob.strip("0")
        if not deleted and mode == _LINK_MODE:
            found = Revision(commit, path, link=True)
        else:  # a file's text is a blob of mode 100644 or 100755; a submodule's is no text
            found = Revision(commit, path, None if deleted or mode not in _FILE_MODES else blob)
        if len(names) == 2:
            path = names[0]  # renamed or copied: older commits have it under its old name
    if commit is not None and (found is not None or inside):
        yield found or Revision(commit, path)


def decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _problem(where, "the file is not UTF-8 text") from None
