"""Where a report goes: standard output, or a file written atomically; the step summary."""

from __future__ import annotations

import os
import signal
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from gtm_check.load.files import Kind, Unreachable, examine, kind_of_path
from gtm_check.model.problems import GtmCheckError


class StandardOutputFailed(Exception):
    """The report could not be written to standard output: it is closed, the reader went
    away, or the device is full. Not a problem with the input and not a bug: the entry
    point ends the run the way a Unix tool does."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def write_stdout(text: str) -> None:
    """Write the report to standard output and flush it, so that a failure shows here."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        raise StandardOutputFailed(exc) from None


def write_atomic(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    A reader sees the old file or the new one, never half of one; on any error, and on
    SIGTERM or SIGHUP while writing, the old file (or no file) is left as it was and the
    temporary file is removed. Only regular files are written: a device, a FIFO, a socket
    or a folder is refused. A symbolic link to a regular file is written through (the file
    it points to gets the report; the link stays a link). A new file gets the usual
    ``0o666 & ~umask``; a file written over keeps its permission bits (set-user-id and
    the like are not carried over to new content).
    """
    display = str(path)
    try:
        kind, status = examine(path)  # one stat, following links
    except Unreachable as exc:
        raise GtmCheckError.single(display, f"cannot write: {exc.reason}") from None
    if kind is Kind.DIRECTORY:
        raise GtmCheckError.single(display, kind.value)
    if kind is Kind.SPECIAL:
        raise GtmCheckError.single(
            display,
            "is not a regular file (a device, FIFO or socket); write the report to a file, "
            "or to standard output with -o -",
        )
    if kind is Kind.FILE and not overwrite:
        raise GtmCheckError.single(display, "already exists (pass --force to overwrite it)")
    if kind is Kind.MISSING and path.is_symlink():
        raise GtmCheckError.single(display, "is a symbolic link to a file that does not exist")
    # The rename replaces the file at the real path: replacing ``path`` itself would turn a
    # link into a file.
    target = Path(os.path.realpath(path))
    folder = target.parent
    if kind_of_path(folder) is not Kind.DIRECTORY:
        raise GtmCheckError.single(display, f"folder '{path.parent}' does not exist")
    mode = stat.S_IMODE(status.st_mode) & 0o777 if status is not None else 0o666 & ~_umask()
    with _signals_end_the_write():
        _write_through_temporary(display, target, text, mode)


def _write_through_temporary(display: str, target: Path, text: str, mode: int) -> None:
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            os.fchmod(handle, mode)
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise GtmCheckError.single(display, f"cannot write: {exc.strerror or exc}") from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _umask() -> int:
    # The only portable way to read the umask is to set it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""Signals that end gtm-check while it writes a file (CI cancellation, docker stop, a
closed terminal): the temporary file is removed first."""


class Interrupted(SystemExit):
    """SIGTERM or SIGHUP arrived while a file was being written: exit 128 + the signal."""


def _end_the_write(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(128 + signum)


@contextmanager
def _signals_end_the_write() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception while the block runs, so that the write's
    clean-up runs before gtm-check exits; the previous handlers come back afterwards."""
    previous = {signum: signal.signal(signum, _end_the_write) for signum in ENDING_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def refuse_to_overwrite(path: Path, inputs: Sequence[Path]) -> None:
    """gtm-check never writes over a file it read."""
    target = os.path.realpath(path)
    for source in inputs:
        if os.path.realpath(source) == target:
            raise GtmCheckError.single(
                str(path), "is one of the input files; choose another output file"
            )


def append_step_summary(path: Path, text: str) -> None:
    """Append the Markdown report to GitHub Actions' step summary file.

    Appended, not written atomically: the file belongs to the runner, and other steps'
    summaries are in it.
    """
    try:
        with path.open("a", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        raise GtmCheckError.single(
            str(path), f"cannot write the step summary: {exc.strerror or exc}"
        ) from None
