"""Reading the user's files safely: regular files only, bounded in size, UTF-8 text."""

from __future__ import annotations

import os
import stat
from enum import Enum
from pathlib import Path

from gtm_check.model.problems import GtmCheckError, Problem, quoted

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest launch or checklist file read (64 MiB, room for about 400,000 items)."""


class Kind(Enum):
    """What a path names, from one ``stat`` call."""

    MISSING = "does not exist"
    DIRECTORY = "is a directory, not a file"
    SPECIAL = "is not a regular file"
    """A FIFO, a device or a socket: reading one could block forever or never end."""
    FILE = "is a file"


def kind_of_path(path: Path) -> Kind:
    try:
        return _kind(path.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return Kind.MISSING


def _kind(mode: int) -> Kind:
    if stat.S_ISDIR(mode):
        return Kind.DIRECTORY
    return Kind.FILE if stat.S_ISREG(mode) else Kind.SPECIAL


def read_text(path: Path, display: str) -> str:
    """The file's text, or a located error saying why it cannot be read."""
    try:
        raw = _read_bytes(path, display)
    except FileNotFoundError:
        raise GtmCheckError.single(display, "no such file") from None
    except PermissionError:
        raise GtmCheckError.single(display, "permission denied") from None
    except OSError as exc:
        raise GtmCheckError.single(display, f"cannot read: {exc.strerror or exc}") from None
    try:
        # utf-8-sig: a byte-order mark, which some editors write, is not part of the text.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GtmCheckError(
            [Problem.at_offset(display, raw, exc.start, "not valid UTF-8 text")]
        ) from None


def _read_bytes(path: Path, display: str) -> bytes:
    # Opened without blocking and checked on the open file, so that a FIFO cannot hang the
    # run and what is checked is what is read.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as stream:
        status = os.fstat(fd)
        kind = _kind(status.st_mode)
        if kind is not Kind.FILE:
            raise GtmCheckError.single(display, kind.value)
        if status.st_size > MAX_FILE_BYTES:
            raise GtmCheckError.single(
                display, f"file is {status.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
            )
        return stream.read()


def confined(folder: Path, ref: str, *, allow_outside: bool) -> Path:
    """The path ``ref`` names relative to ``folder``; ValueError if it leads out of it."""
    candidate = Path(ref)
    if allow_outside:
        return candidate if candidate.is_absolute() else folder / candidate
    if candidate.is_absolute():
        raise ValueError(
            f"checklist path {quoted(ref)} is absolute; use a path relative to the launch file "
            "(or pass --allow-outside)"
        )
    base = folder.resolve()
    target = (folder / candidate).resolve()
    if not target.is_relative_to(base):
        raise ValueError(
            f"checklist path {quoted(ref)} leads outside the launch file's folder "
            "(pass --allow-outside to read it anyway)"
        )
    return folder / candidate
