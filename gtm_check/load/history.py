"""Reads launch files from git: revisions, commit dates and one file's history (no shell)."""

# Every git call goes through ``_git``: the arguments are a list, never a shell line, and a
# revision the user typed is refused when it could be read as an option. A file's history
# is read with two git processes whatever its length: ``git log`` lists the revisions, one
# ``git cat-file --batch`` streams their contents.

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from gtm_check.model.problems import GtmCheckError, Problem, quoted

_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"}


def _problem(where: str, message: str) -> GtmCheckError:
    return GtmCheckError([Problem(where, 1, 1, message)])


@dataclass(frozen=True)
class Commit:
    """A commit: its full id and its committer date in the committer's own time zone."""

    id: str
    date: dt.date

    @property
    def short(self) -> str:
        return self.id[:7]


@dataclass(frozen=True)
class Revision:
    """A launch file as one commit left it."""

    commit: Commit
    path: str
    """The file's path in that commit, from the repository's top (it may have been renamed)."""


class Repository:
    """The git repository a launch file lives in."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def of(cls, path: Path) -> Repository | None:
        """The repository holding ``path``, or None when it is in none (or git is missing)."""
        folder = path.parent if path.parent != Path("") else Path(".")
        try:
            done = subprocess.run(
                ["git", "rev-parse", "--show-toplevel"],
                cwd=folder,
                capture_output=True,
                env={**os.environ, **_ENV},
                check=False,
            )
        except (OSError, ValueError):
            return None
        if done.returncode != 0:
            return None
        return cls(Path(os.fsdecode(done.stdout.rstrip(b"\n"))))

    def _git(self, args: Sequence[str], where: str = "git") -> bytes:
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=self.root,
                capture_output=True,
                env={**os.environ, **_ENV},
                check=False,
            )
        except OSError as exc:
            raise _problem(where, f"git cannot be run: {exc.strerror or exc}") from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise _problem(where, f"git: {message[-1] if message else 'failed'}")
        return done.stdout

    def relative(self, path: Path) -> str:
        """``path`` from the repository's top, with forward slashes."""
        return Path(os.path.realpath(path)).relative_to(os.path.realpath(self.root)).as_posix()

    def is_shallow(self) -> bool:
        return self._git(["rev-parse", "--is-shallow-repository"]).strip() == b"true"

    def commit(self, rev: str) -> Commit:
        """The commit ``rev`` names; a revision that starts with "-" is refused, never run."""
        if not rev or rev.startswith("-") or "\0" in rev:
            raise _problem(rev or "''", f"{quoted(rev)} is not a revision")
        out = self._git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], rev)
        return self._dated(out.decode().strip())

    def _dated(self, commit_id: str) -> Commit:
        out = self._git(["show", "-s", "--format=%H %cs", commit_id]).decode().split()
        return Commit(out[0], dt.date.fromisoformat(out[1]))

    def text(self, revision: Revision) -> str:
        """The file's text in that revision (UTF-8)."""
        where = f"{revision.commit.short}:{revision.path}"
        data = self._git(["cat-file", "blob", f"{revision.commit.id}:{revision.path}"], where)
        return decode(data, where)

    def last_on_or_before(self, date: dt.date) -> Commit | None:
        """The newest commit of HEAD dated on or before ``date`` (None: none that old)."""
        for line in self._git(["log", "--format=%H %cs", "HEAD"]).decode().splitlines():
            commit_id, day = line.split()
            if dt.date.fromisoformat(day) <= date:
                return Commit(commit_id, dt.date.fromisoformat(day))
        return None

    def default_branch_base(self) -> Commit:
        """Where HEAD left the default branch: origin/HEAD, else main, else master."""
        for ref in ("refs/remotes/origin/HEAD", "refs/heads/main", "refs/heads/master"):
            try:
                self._git(["rev-parse", "--verify", "--quiet", ref])
            except GtmCheckError:
                continue
            base = self._git(["merge-base", "HEAD", ref], "merge-base").decode().strip()
            return self._dated(base)
        raise _problem("--since", "no default branch (origin/HEAD, main or master) to compare with")

    def history(self, path: str) -> list[Revision]:
        """Every commit that changed the file, newest first, following renames."""
        out = self._git(
            ["log", "--follow", "--name-only", "-z", "--format=%x01%H %cs", "HEAD", "--", path],
            path,
        ).decode("utf-8", "replace")
        revisions = []
        for record in out.split("\x01")[1:]:
            header, _, names = record.partition("\0")
            commit_id, day = header.split()
            name = next((n for n in names.strip("\n\0").split("\0") if n), path)
            revisions.append(Revision(Commit(commit_id, dt.date.fromisoformat(day)), name))
        return revisions

    def texts(self, revisions: Sequence[Revision]) -> Iterator[bytes | None]:
        """Each revision's bytes, in order (None where the file is absent), from one
        ``git cat-file --batch`` process fed every name at once."""
        if not revisions:
            return
        request = "".join(f"{r.commit.id}:{r.path}\n" for r in revisions).encode()
        with subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=self.root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **_ENV},
        ) as process:
            out, _ = process.communicate(request)
        at = 0
        for _ in revisions:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            at = end + 1
            if len(header) != 3 or header[1] != b"blob":
                yield None
                continue
            size = int(header[2])
            yield out[at : at + size]
            at += size + 1


def decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _problem(where, "the file is not UTF-8 text") from None
