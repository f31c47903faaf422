"""One edit of a launch file at a time: an advisory lock in a file beside it, a bounded wait.

``set``, ``waive`` and ``unwaive`` each read the file, check the edit and write it; two of
them at once would each write the file as they read it, and the one that wrote first would
lose its edit without a word. The lock file is ``.<name>.lock`` beside the file's real
path (so a link and its target share it). It is created holding ``MARK``, never followed
when it is a link, refused at once when it was planted (a hard link, another user's), and
removed again while it is still held, so nothing is left in the user's folder; whoever
waited on a lock file that was removed meanwhile takes the new one instead (after each
lock, the name must still be the file locked). A file of that name that gtm-check did not
make (the user's, without the mark) is used as the lock and left as it was: never removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from gtm_check.authoring.interrupts import signals_held
from gtm_check.load.files import lock_path, real_path, why_unreachable
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


_FLAGS = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
"""Never through a link; a FIFO planted there cannot block the open."""

_CREATE = os.O_RDWR | os.O_CREAT | os.O_EXCL | _FLAGS
"""A new lock file, only if there is none (then it is this edit's, and takes ``MARK``)."""

MARK = b"gtm-check: an edit of the file beside this one holds this lock\n"
"""What a lock file gtm-check made holds: whoever holds one with it may remove it (its
maker may have given up waiting). A file of that name without it is not removed."""

_PAUSES = (0.005, 0.01, 0.02, 0.05)
"""Seconds between tries while another edit holds the lock: short at first, then 50 ms."""


@contextlib.contextmanager
def locked(path: Path, display: str, wait: float, *, also: Path | None = None) -> Iterator[None]:
    """Hold the lock of ``path`` for the block, waiting at most ``wait`` seconds for it;
    ``also``: a file to lock itself as well, with the same deadline (a file with several
    names has a lock file beside each name, and only the file is common to them)."""
    lock = lock_path(path)
    deadline = time.monotonic() + wait
    fd, made = -1, False
    try:  # taken inside: a signal as it is taken still removes it
        fd, made = _take(lock, display, deadline, wait)
        if also is None:
            yield
        else:
            with _file_lock(also, display, deadline, wait, lock):
                yield
    finally:
        if fd >= 0:
            if (made or _marked(fd)) and _still_named(fd, lock):
                # Still held: whoever waits on it sees it gone and retries.
                with contextlib.suppress(OSError):
                    os.unlink(lock)
            os.close(fd)


def _take(lock: Path, display: str, deadline: float, wait: float) -> tuple[int, bool]:
    """The descriptor of ``lock``, locked, once its name still names it; whether this
    edit made the file."""
    while True:
        fd, made = _open(lock, display)
        try:
            if not _wait_for(fd, deadline):
                raise _busy(display, lock, wait)
            if _still_named(fd, lock):
                return fd, made
        except BaseException:
            # Made here and held by no one (a signal as it waited): not left behind.
            if made and _try_lock(fd) and _still_named(fd, lock):
                with contextlib.suppress(OSError):
                    os.unlink(lock)
            os.close(fd)
            raise
        os.close(fd)  # removed by the edit that held it: take the lock file there now


@contextlib.contextmanager
def _file_lock(
    path: Path, display: str, deadline: float, wait: float, lock: Path
) -> Iterator[None]:
    try:
        fd = os.open(real_path(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise GtmCheckError.single(display, f"cannot read: {why_unreachable(exc)}") from None
    try:
        if not _wait_for(fd, deadline):
            raise _busy(display, lock, wait)
        yield
    finally:
        os.close(fd)


def _open(lock: Path, display: str) -> tuple[int, bool]:
    """``lock`` opened, made with ``MARK`` if there was none; whether this call made it."""
    while True:
        made: list[int] = []
        try:
            # Made and marked as one step: one left unmarked would be taken for the user's
            # own and never removed. A signal held back meanwhile takes it away again.
            with signals_held():
                made.append(os.open(lock, _CREATE, 0o600))
                fd = _checked(made[0], lock, display, made=True)
            return fd, True
        except FileExistsError:
            pass
        except OSError as exc:
            raise _untaken(lock, display, exc) from None
        except (KeyboardInterrupt, SystemExit):
            if made:
                if _still_named(made[0], lock):
                    with contextlib.suppress(OSError):
                        os.unlink(lock)
                os.close(made[0])
            raise
        try:
            return _checked(os.open(lock, os.O_RDONLY | _FLAGS), lock, display), False
        except FileNotFoundError:
            continue  # removed since: make it
        except OSError as exc:
            raise _untaken(lock, display, exc) from None


def _checked(fd: int, lock: Path, display: str, *, made: bool = False) -> int:
    """``fd``, once it is a lock file this edit may use; a new one is given ``MARK``."""
    planted = _planted(os.fstat(fd))
    if planted is not None:
        os.close(fd)
        raise GtmCheckError.single(
            display, f"cannot take the lock file {_shown(lock)}: {planted}; nothing was written"
        )
    if made:
        with contextlib.suppress(OSError):  # unmarked (a full disk): its maker removes it
            os.write(fd, MARK)
            os.lseek(fd, 0, os.SEEK_SET)  # Windows locks from the position: the same for all
    return fd


def _untaken(lock: Path, display: str, exc: OSError) -> GtmCheckError:
    if os.path.islink(lock):
        why = "it is a symbolic link; gtm-check does not follow it: remove it"
    elif exc.errno == errno.ENXIO:  # a socket (or a device with nothing behind it)
        why = "it is not a regular file"
    else:
        why = why_unreachable(exc)
    return GtmCheckError.single(
        display, f"cannot take the lock file {_shown(lock)}: {why}; nothing was written"
    )


def _shown(lock: Path) -> str:
    """The lock file's path for a message: its end, where it is too long to read (a folder
    thousands of characters deep), since its name says which file to remove."""
    text = str(lock)
    return text if len(text) <= SHOWN_PATH else "…" + text[-(SHOWN_PATH - 1) :]


SHOWN_PATH = 200
"""The longest lock file path a message shows whole."""


def _marked(fd: int) -> bool:
    """Whether the lock file holds ``MARK`` exactly: one that gtm-check made."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, len(MARK) + 1) == MARK
    except OSError:
        return False


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
