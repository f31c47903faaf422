"""The ``file`` check: a path in the launch file's repository exists, holding a text or a match.

The path is confined as checklist paths are: it may not lead out of the repository through
a symbolic link (nor, from the loader, be absolute or climb out with ``..``) unless the
person running the command passes ``--allow-outside``. Only a regular file is read (a FIFO or
a device is refused unread), and only its first ``MAX_SEARCH_BYTES``.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from gtm_check.load.files import Kind, Unreachable, examine, why_unreachable
from gtm_check.load.verify.pattern import MAX_SEARCH_BYTES, search
from gtm_check.model.problems import quoted
from gtm_check.model.verify import FileCheck


def check_file(
    check: FileCheck, root: Path, *, deadline: float, allow_outside: bool
) -> tuple[bool, str]:
    """Whether the check passes, and what was found, in words."""
    assert check.path is not None
    path = root / check.path
    if not allow_outside:
        base = Path(os.path.realpath(root))
        if not Path(os.path.realpath(path)).is_relative_to(base):
            return False, "it leads outside the repository through a symbolic link"
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
    try:
        data, whole = _head(path)
    except OSError as exc:
        return False, f"it cannot be read: {why_unreachable(exc)}"
    return _seek(check, data, whole, deadline)


def _seek(check: FileCheck, data: bytes, whole: bool, deadline: float) -> tuple[bool, str]:
    where = "it" if whole else f"its first {MAX_SEARCH_BYTES:,} bytes"
    found = []
    if check.contains is not None:
        if check.contains.encode("utf-8") not in data:
            return False, f"{quoted(check.contains)} is not in {where}"
        found.append(f"holds {quoted(check.contains)}")
    if check.matches is not None:
        matched = search(check.matches, data, deadline - time.monotonic())
        if matched is None:
            return False, (
                f"searching for {quoted(check.matches)} did not finish in the time a check has"
            )
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
