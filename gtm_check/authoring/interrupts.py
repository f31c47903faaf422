"""Signals that end gtm-check while it changes a file: its clean-up runs first.

SIGTERM and SIGHUP (CI cancellation, ``docker stop``, a closed terminal) would end the
process where it stands, leaving a temporary file, a half-appended step summary or an
edit's lock file in the user's folder. While ``signals_end_the_block`` holds, each becomes
an exception (``Interrupted``, exit 128 + the signal), so every ``finally`` on the way out
runs: SIGINT does this already (KeyboardInterrupt).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
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
    previous = {signum: signal.signal(signum, _end_the_block) for signum in ENDING_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
