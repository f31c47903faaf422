"""A regular expression searched in a child process, so that a pattern cannot run forever.

Python's regular expressions backtrack, and some patterns (``(a+)+$``) take time exponential
in the text; the search cannot be stopped from inside the process, and it holds the
interpreter while it runs. So it runs in a child Python (isolated: no site packages, no
environment) that is killed at the deadline, on at most ``MAX_SEARCH_BYTES`` of text.
"""

from __future__ import annotations

import subprocess
import sys

MAX_SEARCH_BYTES = 1024 * 1024
"""The most of a file a pattern is searched in (its first 1 MiB)."""

_CHILD = (
    "import re, sys, warnings\n"
    "warnings.simplefilter('ignore')\n"
    "data = sys.stdin.buffer.read()\n"
    "size = int.from_bytes(data[:4], 'big')\n"
    "pattern = data[4:4 + size].decode('utf-8')\n"
    "text = data[4 + size:].decode('utf-8', 'replace')\n"
    "sys.stdout.write('1' if re.search(pattern, text, re.MULTILINE) else '0')\n"
)


def search(pattern: str, data: bytes, seconds: float) -> bool | None:
    """Whether ``pattern`` matches somewhere in ``data`` (UTF-8, each line a line for ``^``
    and ``$``); None when it did not finish within ``seconds`` or could not run."""
    encoded = pattern.encode("utf-8")
    payload = len(encoded).to_bytes(4, "big") + encoded + data[:MAX_SEARCH_BYTES]
    if not sys.executable or seconds <= 0:
        return None
    try:
        child = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _CHILD],
            input=payload,
            capture_output=True,
            timeout=seconds,
            env={},
            check=False,
        )
    except (subprocess.TimeoutExpired, OSError):
        return None
    if child.returncode != 0 or child.stdout not in (b"0", b"1"):
        return None
    return child.stdout == b"1"
