"""One edit of a launch file at a time: an advisory lock in a file beside it, a bounded wait.

``set``, ``waive`` and ``unwaive`` each read the file, check the edit and write it; two of
them at once would each write the file as they read it, and the one that wrote first would
lose its edit without a word. The lock file is ``.<name>.lock`` beside the file's real
path (so a link and its target share it). It is created, never followed when it is a link,
refused at once when it was planted (a hard link, another user's), and removed again while
it is still held, so nothing is left in the user's folder; whoever waited on a lock file
that was removed meanwhile takes the new one instead (after each lock, the name must still
be the file locked).
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from gtm_check.load.files import why_unreachable
from gtm_check.model.problems import GtmCheckError

if sys.platform == "win32":  # pragma: no cover - the suite runs on POSIX systems
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


_FLAGS = (
    os.O_RDONLY
    | os.O_CREAT
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
"""Created if missing; never through a link; a FIFO planted there cannot block the open."""

_PAUSES = (0.005, 0.01, 0.02, 0.05)
"""Seconds between tries while another edit holds the lock: short at first, then 50 ms."""


def lock_path(path: Path) -> Path:
    """The lock file of the launch file ``path``: beside its real path."""
    real = Path(os.path.realpath(path))
    return real.parent / f".{real.name}.lock"


@contextlib.contextmanager
def locked(path: Path, display: str, wait: float, *, also: Path | None = None) -> Iterator[None]:
    """Hold the lock of ``path`` for the block, waiting at most ``wait`` seconds for it;
    ``also``: a file to lock itself as well, with the same deadline (a file with several
    names has a lock file beside each name, and only the file is common to them)."""
    lock = lock_path(path)
    deadline = time.monotonic() + wait
    fd = _take(lock, display, deadline, wait)
    try:
        if also is None:
            yield
        else:
            with _file_lock(also, display, deadline, wait, lock):
                yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)  # still held: whoever waits on it sees it gone and retries
        os.close(fd)


def _take(lock: Path, display: str, deadline: float, wait: float) -> int:
    """The descriptor of ``lock``, locked, once its name still names it."""
    while True:
        fd = _open(lock, display)
        try:
            if not _wait_for(fd, deadline):
                raise _busy(display, lock, wait)
            if _still_named(fd, lock):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # removed by the edit that held it: take the lock file there now


@contextlib.contextmanager
def _file_lock(
    path: Path, display: str, deadline: float, wait: float, lock: Path
) -> Iterator[None]:
    try:
        fd = os.open(os.path.realpath(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise GtmCheckError.single(display, f"cannot read: {why_unreachable(exc)}") from None
    try:
        if not _wait_for(fd, deadline):
            raise _busy(display, lock, wait)
        yield
    finally:
        os.close(fd)


def _open(lock: Path, display: str) -> int:
    try:
        fd = os.open(lock, _FLAGS, 0o600)
    except OSError as exc:
        if os.path.islink(lock):
            why = "it is a symbolic link; gtm-check does not follow it: remove it"
        else:
            why = why_unreachable(exc)
        raise GtmCheckError.single(
            display, f"cannot take the lock file {lock}: {why}; nothing was written"
        ) from None
    planted = _planted(os.fstat(fd))
    if planted is not None:
        os.close(fd)
        raise GtmCheckError.single(
            display, f"cannot take the lock file {lock}: {planted}; nothing was written"
        )
    return fd


def _planted(status: os.stat_result) -> str | None:
    """Why the lock file is not one an edit of this user made: not a regular file, another
    name of some other file (a hard link), or another user's. Such a file is refused at
    once: never waited on (its owner could hold it for ever) and never written to."""
    if not stat.S_ISREG(status.st_mode):
        return "it is not a regular file"
    if status.st_nlink > 1:
        return (
            f"it has {status.st_nlink} names (a hard link to another file); gtm-check does "
            "not use it: remove it"
        )
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        return (
            f"it belongs to another user (uid {status.st_uid}); gtm-check does not use it: "
            "remove it"
        )
    return None


def _wait_for(fd: int, deadline: float) -> bool:
    """Lock ``fd``, trying again until ``deadline``; False when it is still held then."""
    tries = 0
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            return False
        time.sleep(_PAUSES[min(tries, len(_PAUSES) - 1)])
        tries += 1
    return True


def _still_named(fd: int, lock: Path) -> bool:
    try:
        named = os.lstat(lock)
    except OSError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _busy(display: str, lock: Path, wait: float) -> GtmCheckError:
    return GtmCheckError.single(
        display,
        f"another gtm-check is editing this file (it held {lock} for {wait:g} seconds); "
        "nothing was written: run the command again",
    )
