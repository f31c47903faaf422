"""How long ``audit --verify``'s checks may take and what they may read (``CheckOptions``).

Apart from ``run.py`` so that an audit request can carry the options without importing what
runs the checks (the network, the cache, git): most audits run none.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckOptions:
    """How long checks may take, how old a cached pass may be, and what they may read."""

    timeout: float = 10.0
    """Seconds one check may take."""
    total: float = 60.0
    """Seconds all the checks of a run may take together."""
    max_age: float = 3600.0
    """Seconds a cached pass counts (0: every url check is fetched again)."""
    allow_outside: bool = False
    """Whether a file check may follow a link out of the repository."""
