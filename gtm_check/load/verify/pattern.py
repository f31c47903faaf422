"""A regular expression searched in a child process, so that a pattern cannot run forever.

Python's regular expressions backtrack, and some patterns (``(a+)+$``) take time exponential
in the text; the search cannot be stopped from inside the process, and it holds the
interpreter while it runs. So it runs in a child Python (isolated: no site packages, no
environment) that is killed at the deadline, on at most ``MAX_SEARCH_BYTES`` of text; it
also limits its own CPU time, so that it ends by itself if gtm-check is gone.
"""

from __future__ import annotations

import math
import subprocess
import sys

MAX_SEARCH_BYTES = 1024 * 1024
"""The most of a file a pattern is searched in (its first 1 MiB)."""

SEARCH_MEMORY = 256 * 1024 * 1024
"""The most heap a search may take (RLIMIT_DATA in the child): Python's engine keeps each
group's place on every repeat, and a 1,000-character pattern of 200 empty groups took
3.3 GB on 1 MiB of text, eight at once."""

OUT_OF_MEMORY = 3
"""The child's exit code when the search took more than SEARCH_MEMORY."""

_CHILD = (
    "import re, sys, warnings\n"
    "try:\n"
    "    import resource\n"
    f"    resource.setrlimit(resource.RLIMIT_DATA, ({SEARCH_MEMORY}, {SEARCH_MEMORY}))\n"
    "    cpu = int(sys.argv[1])\n"
    "    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))\n"
    "except (ImportError, ValueError, OSError):\n"
    "    pass\n"
    "warnings.simplefilter('ignore')\n"
    "data = sys.stdin.buffer.read()\n"
    "size = int.from_bytes(data[:4], 'big')\n"
    "pattern = data[4:4 + size].decode('utf-8')\n"
    "text = data[4 + size:].decode('utf-8', 'replace')\n"
    "try:\n"
    "    found = re.search(pattern, text, re.MULTILINE)\n"
    "except MemoryError:\n"
    f"    sys.exit({OUT_OF_MEMORY})\n"
    "sys.stdout.write('1' if found else '0')\n"
)


def search(pattern: str, data: bytes, seconds: float) -> bool | str:
    """Whether ``pattern`` matches somewhere in ``data`` (UTF-8, each line a line for ``^``
    and ``$``); or why the search did not say: it did not finish within ``seconds``, it
    took more memory than a search may, or it could not run."""
    encoded = pattern.encode("utf-8")
    payload = len(encoded).to_bytes(4, "big") + encoded + data[:MAX_SEARCH_BYTES]
    late = "did not finish in the time a check has"
    if not sys.executable or seconds <= 0:
        return late
    try:
        # The child's own bound on its CPU time, a second past the deadline: it ends by
        # itself even when gtm-check, ended by a signal, cannot kill it (it ran on, a
        # child of init, for as long as the pattern took).
        cpu = math.ceil(seconds) + 1
        child = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _CHILD, str(cpu)],
            input=payload,
            capture_output=True,
            timeout=seconds,
            env={},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return late
    except OSError:
        return "could not run"
    if child.returncode == OUT_OF_MEMORY:
        return f"took more than the {SEARCH_MEMORY // 2**20} MiB a search may"
    if child.returncode != 0 or child.stdout not in (b"0", b"1"):
        return "could not run"
    return child.stdout == b"1"
