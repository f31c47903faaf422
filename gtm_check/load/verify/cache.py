"""The cache of url checks that passed: one small file per check, outside any repository.

Only passes are kept, so a failure is always checked again, and only url checks (a file
check reads the checkout, which is what is audited). An entry is keyed by the check (its
address and text) and the address it was fetched from, and names every host and address its
redirects went to; it is used only while it is younger than ``--verify-max-age`` and every
one of those hops is still allowed by the policy that holds now.

Where: ``GTM_CHECK_CACHE_DIR`` if set (empty: no cache), else ``$XDG_CACHE_HOME/gtm-check/
checks``, else ``~/.cache/gtm-check/checks``. A folder that is a symbolic link, that another
user owns, that others may write to, or that lies inside a launch file's repository (where a
pull request could commit entries) is not used at all; nor is an entry that is a link, is
another user's, is too large, is not a well-formed entry (unreadable as JSON, nested too deep,
its time no number), or does not name the check it is filed under.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gtm_check.load.files import real_path

CACHE_ENV = "GTM_CHECK_CACHE_DIR"
FORMAT = 1
"""Bumped when an entry's meaning changes: older entries then name no check."""
MAX_ENTRY_BYTES = 4096
MAX_ENTRIES = 1000
"""The most entries kept; past it the oldest go."""


def cache_folder() -> Path | None:
    """Where the cache lives, by the environment; None when it is turned off."""
    if CACHE_ENV in os.environ:
        value = os.environ[CACHE_ENV]
        return Path(value) if value else None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "gtm-check" / "checks"
    try:
        return Path.home() / ".cache" / "gtm-check" / "checks"
    except (RuntimeError, KeyError):
        return None


def key_of(fields: dict[str, Any]) -> str:
    """The text an entry is filed under and must name: the check and where it went."""
    return json.dumps({"format": FORMAT, **fields}, sort_keys=True, ensure_ascii=True)


class Cache:
    """Passed url checks no older than ``max_age`` seconds, in ``folder``."""

    def __init__(self, folder: Path, max_age: float, repositories: Sequence[Path]) -> None:
        self.folder = folder
        self.max_age = max_age
        self.usable = _usable(folder, repositories)

    def get(self, key: str, allowed: Callable[[str, str], bool]) -> str | None:
        """What the passed check found, if an entry for ``key`` is young enough and each of
        its hops (host, address) is ``allowed`` now; else None."""
        if not self.usable or self.max_age <= 0:
            return None
        entry = _read_entry(self.folder / entry_name(key))
        if entry is None or entry.get("key") != key:
            return None
        at, why, hops = entry.get("at"), entry.get("why"), entry.get("hops")
        age = _age(at)
        if age is None or not isinstance(why, str) or not isinstance(hops, list):
            return None
        if not 0 <= age <= self.max_age:
            return None
        for hop in hops:
            if not (
                isinstance(hop, list)
                and len(hop) == 2
                and all(isinstance(part, str) for part in hop)
                and allowed(hop[0], hop[1])
            ):
                return None
        return why

    def put(self, key: str, why: str, hops: Sequence[tuple[str, str]]) -> None:
        """Keep a pass; a cache that cannot be written is no error (it is a cache)."""
        if not self.usable:
            return
        entry = {"key": key, "why": why, "hops": [list(h) for h in hops], "at": time.time()}
        text = json.dumps(entry, ensure_ascii=True).encode("ascii")
        if len(text) > MAX_ENTRY_BYTES:
            return
        with contextlib.suppress(OSError):
            fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".entry-")
            try:
                with os.fdopen(fd, "wb") as stream:
                    stream.write(text)
                os.replace(temporary, self.folder / entry_name(key))
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
            _prune(self.folder)


def entry_name(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest() + ".json"


def _usable(folder: Path, repositories: Sequence[Path]) -> bool:
    """Whether ``folder`` may hold the cache: made if missing (for this user only), a real
    folder this user owns that nobody else may write to, in no launch's repository."""
    with contextlib.suppress(OSError):
        os.makedirs(folder, mode=0o700, exist_ok=True)
    try:
        status = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid():
        return False
    if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    real = Path(real_path(folder))
    return not any(real.is_relative_to(real_path(repo)) for repo in repositories)


def _read_entry(path: Path) -> dict[str, Any] | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        if (
            not stat.S_ISREG(status.st_mode)
            or status.st_uid != os.getuid()
            or status.st_size > MAX_ENTRY_BYTES
        ):
            return None
        data = os.read(fd, MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        entry = json.loads(data.decode("ascii"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError; RecursionError:
        return None  # nested deeper than the JSON reader goes ("[" * 4000 is under 4 KiB)
    return entry if isinstance(entry, dict) else None


def _age(at: object) -> float | None:
    """Seconds since an entry's time ``at``; None when it is no time (not a number, or a
    number too large to be one: ``time.time() - 10**400`` raises OverflowError)."""
    if isinstance(at, bool) or not isinstance(at, int | float):
        return None
    try:
        return time.time() - at
    except OverflowError:
        return None


def _prune(folder: Path) -> None:
    """The oldest entries removed while there are more than MAX_ENTRIES."""
    with contextlib.suppress(OSError):
        names = [entry for entry in os.scandir(folder) if entry.name.endswith(".json")]
        if len(names) <= MAX_ENTRIES:
            return
        names.sort(key=lambda entry: entry.stat(follow_symlinks=False).st_mtime)
        for entry in names[: len(names) - MAX_ENTRIES]:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
