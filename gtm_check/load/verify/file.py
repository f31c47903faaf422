"""The ``file`` check: a path in the launch file's repository exists, holding a text or a match.

The path is confined as checklist paths are: it may not lead out of the repository through
a symbolic link (nor, from the loader, be absolute or climb out with ``..``) unless the
person running the command passes ``--allow-outside``. It may not lead into git's own
folder (``.git``, where CI keeps the token it fetched with), and in a git repository it must
be a file or folder of the commit checked out (HEAD): a check is an oracle for what a file
holds, a bit per check, so it may ask only about the repository's own files, never about
what a build step wrote beside or into them: the text sought is sought in the file as HEAD
holds it (its blob), not as the working tree holds it now. Only a regular file is read (a
FIFO or a device is refused unread), and only its first ``MAX_SEARCH_BYTES``.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gtm_check.load.files import (
    Kind,
    Unreachable,
    examine,
    out_of_bounds,
    real_path,
    why_unreachable,
)
from gtm_check.load.verify.pattern import MAX_SEARCH_BYTES, search
from gtm_check.model.problems import GtmCheckError, quoted
from gtm_check.model.verify import FileCheck

NOT_TRACKED = (
    "no such file in the commit checked out (a check reads only what git tracks, never what "
    "a build step wrote beside it)"
)
"""Whether the file is missing or only untracked, the same words: a check says nothing of
what a build step wrote."""


@dataclass(frozen=True)
class Committed:
    """What the commit checked out (HEAD) holds at the paths the checks ask about: each
    path (as ``real_relative`` gives it) with its blob (None: a folder, a link or a
    submodule), and how to read a blob's first bytes."""

    paths: Mapping[str, str | None]
    head_of: Callable[[str, int], bytes]
    sizes: Mapping[str, int] = field(default_factory=dict)
    """Each blob's size, where git gave it."""


MAX_SEARCHED_BLOB = 32 * 1024 * 1024
"""The largest committed file a text is sought in. Git streams a large blob stored whole,
but rebuilds one stored as a delta in memory (about twice its size) before it gives a
byte, and eight checks run at once: two 200 MiB files of zeros, one a delta of the other,
pack to 207 KiB, and eight checks on it took 3 GB."""


def real_relative(root: Path, path: str) -> str | None:
    """Where ``path`` really is, from the repository's top (links followed), with forward
    slashes; None when that is outside it."""
    base = Path(real_path(root))
    real = Path(real_path(root / path))
    return real.relative_to(base).as_posix() if real.is_relative_to(base) else None


def check_file(
    check: FileCheck,
    root: Path,
    *,
    deadline: float,
    allow_outside: bool,
    committed: Committed | None = None,
) -> tuple[bool, str]:
    """Whether the check passes, and what was found, in words. ``committed``: what git
    tracks among the paths asked for; None: no git to ask."""
    assert check.path is not None
    path = root / check.path
    blob: str | None = None
    relative = real_relative(root, check.path)
    if relative is None and not allow_outside:
        return False, "it leads outside the repository through a symbolic link"
    # Git's own folder (where a checkout keeps the token it fetched with) and a file of the
    # repository that HEAD does not hold are never asked about, --allow-outside or not: it
    # lets a check read outside the repository, not around these.
    real = Path(real_path(path))
    if any(part.casefold() == ".git" for part in real.parts):
        return False, "it leads into git's own folder, which a check may not read"
    barred = out_of_bounds(path) if relative is None else None
    if barred is not None:  # a bare repository's config, /proc/self/environ
        return False, f"it leads into {barred}, which a check may not read"
    if relative is not None and committed is not None:
        if relative not in committed.paths:
            return False, NOT_TRACKED
        blob = committed.paths[relative]
    try:
        kind, _ = examine(path)
    except Unreachable as exc:
        return False, f"it cannot be read: {exc.reason}"
    seeks = check.contains is not None or check.matches is not None
    if kind is Kind.MISSING:
        return False, "no such file"
    if kind is Kind.SPECIAL:
        return False, "it is not a regular file"
    if kind is Kind.DIRECTORY:
        return (False, "it is a folder, not a file") if seeks else (True, "the folder exists")
    if not seeks:
        return True, "the file exists"
    if relative is not None and committed is not None:
        return _seek_committed(check, committed, blob, deadline)
    try:
        data, whole = _head(path)
    except OSError as exc:
        return False, f"it cannot be read: {why_unreachable(exc)}"
    return _seek(check, data, whole, deadline)


def _seek_committed(
    check: FileCheck, committed: Committed, blob: str | None, deadline: float
) -> tuple[bool, str]:
    """The check's text sought in the file as HEAD holds it (``blob``), never as a build
    step left it on disk."""
    if blob is None:
        return False, "it is not a file in the commit checked out"
    size = committed.sizes.get(blob)
    if size is not None and size > MAX_SEARCHED_BLOB:
        return False, (
            f"it is {size:,} bytes in the commit; gtm-check seeks text in committed files "
            f"of at most {MAX_SEARCHED_BLOB:,}"
        )
    try:
        data = committed.head_of(blob, MAX_SEARCH_BYTES + 1)
    except GtmCheckError as exc:
        return False, f"git could not read it: {exc.problems[0].message}"
    return _seek(check, data[:MAX_SEARCH_BYTES], len(data) <= MAX_SEARCH_BYTES, deadline)


def _seek(check: FileCheck, data: bytes, whole: bool, deadline: float) -> tuple[bool, str]:
    where = "it" if whole else f"its first {MAX_SEARCH_BYTES:,} bytes"
    found = []
    if check.contains is not None:
        if check.contains.encode("utf-8") not in data:
            return False, f"{quoted(check.contains)} is not in {where}"
        found.append(f"holds {quoted(check.contains)}")
    if check.matches is not None:
        matched = search(check.matches, data, deadline - time.monotonic())
        if isinstance(matched, str):
            return False, f"searching for {quoted(check.matches)} {matched}"
        if not matched:
            return False, f"nothing in {where} matches {quoted(check.matches)}"
        found.append(f"matches {quoted(check.matches)}")
    return True, "the file " + " and ".join(found)


def _head(path: Path) -> tuple[bytes, bool]:
    """The file's first MAX_SEARCH_BYTES, and whether that is all of it. Opened without
    blocking and checked on the open file, so that what is checked is what is read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IsADirectoryError(21, "not a regular file")
        with os.fdopen(fd, "rb") as stream:
            fd = -1
            data = stream.read(MAX_SEARCH_BYTES + 1)
    finally:
        if fd >= 0:
            os.close(fd)
    return data[:MAX_SEARCH_BYTES], len(data) <= MAX_SEARCH_BYTES
