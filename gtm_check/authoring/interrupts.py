"""Signals that end gtm-check while it changes a file: its clean-up runs first.

SIGTERM and SIGHUP (CI cancellation, ``docker stop``, a closed terminal) would end the
process where it stands, leaving a temporary file, a half-appended step summary or an
edit's lock file in the user's folder. While ``signals_end_the_block`` holds, each becomes
an exception (``Interrupted``, exit 128 + the signal), so every ``finally`` on the way out
runs: SIGINT does this already (KeyboardInterrupt). A clean-up that must not itself be cut
short (the old bytes written back, files renamed into place together) runs inside
``signals_held``: a signal then waits until it is done.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""Signals that end gtm-check while it changes a file: its clean-up runs first."""


class Interrupted(SystemExit):
    """SIGTERM or SIGHUP arrived while a file was being changed: exit 128 + the signal."""


def _end_the_block(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(128 + signum)


@contextmanager
def signals_end_the_block() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception while the block runs, so that its clean-up
    runs before gtm-check exits; the previous handlers come back afterwards."""
    with _handled(ENDING_SIGNALS, _end_the_block):
        yield


@contextmanager
def _handled(
    signums: Sequence[int], handler: Callable[[int, FrameType | None], None]
) -> Iterator[None]:
    """``handler`` for each of ``signums`` while the block runs, the previous ones after."""
    previous = {signum: signal.signal(signum, handler) for signum in signums}
    try:
        yield
    finally:
        for signum, before in previous.items():
            signal.signal(signum, before)


HELD_SIGNALS = (signal.SIGINT, *ENDING_SIGNALS)
"""What ``signals_held`` keeps waiting: Ctrl-C too, whose second press cut a write-back."""


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back while the block runs: the first that arrives is
    raised again when it ends, to the handler it had before. For what must not stop
    halfway: a file's old bytes written back after a first signal (a second one left it
    half old, half new), several files renamed into place together. (Handlers rather than
    a signal mask: a mask holds a signal back from one thread only, and any thread of the
    process may take it.)"""
    caught: list[int] = []

    def later(signum: int, _frame: FrameType | None) -> None:
        caught.append(signum)

    try:
        with _handled(HELD_SIGNALS, later):
            yield
    finally:
        if caught:
            signal.raise_signal(caught[0])
