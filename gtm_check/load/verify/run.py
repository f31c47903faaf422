"""Runs a launch's checks together: in threads, each within its time, all within the run's.

Each check has ``timeout`` seconds, and every check of the run (every launch of a portfolio)
ends within ``total`` seconds of the first: a check not started by then fails as not run, and
one still running then fails as unanswered (its thread is a daemon, left to end on its own;
its socket is shut by its own deadline). Identical checks run once. One run runs at most
``MAX_CHECKS`` checks; the rest fail as not run.
"""

from __future__ import annotations

import collections
import functools
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gtm_check.load.files import STDIN, real_path, repository_root
from gtm_check.load.history import Repository
from gtm_check.load.verify.cache import Cache, cache_folder
from gtm_check.load.verify.file import Committed, check_file
from gtm_check.load.verify.options import CheckOptions
from gtm_check.load.verify.url import check_url
from gtm_check.model.problems import GtmCheckError
from gtm_check.model.results import CheckResult
from gtm_check.model.verify import AnyCheck, FileCheck, HostList, UrlCheck

if TYPE_CHECKING:
    import ssl

WORKERS = 8
MAX_CHECKS = 1000
GRACE = 0.5
"""Seconds past the total a run waits for a check whose socket its watchdog just shut."""


def git_of(launch: Path) -> Callable[[], Repository | None]:
    """How to find the launch's git repository when a file check needs it (GtmCheckError
    when what is there cannot be trusted: see load/history.py)."""
    return functools.partial(Repository.of, launch)


def repository_of(launch: Path) -> Path:
    """The folder a launch's file checks read from: its repository's root (the nearest
    folder above it holding ``.git``), else its own folder; from standard input, the
    working folder's."""
    folder = Path.cwd() if str(launch) == STDIN else Path(os.path.abspath(launch)).parent
    return repository_root(folder) or folder


class Checker:
    """The checks of one run; its time bound starts with its first check."""

    def __init__(
        self,
        options: CheckOptions = CheckOptions(),  # noqa: B008 - frozen, shared as a default
        *,
        cache: Path | None | bool = True,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.options = options
        self.folder = cache_folder() if cache is True else (cache or None)
        self.tls = tls
        self.deadline: float | None = None
        self.started = 0

    def run(
        self,
        checks: Mapping[str, AnyCheck],
        root: Path,
        hosts: Sequence[str],
        git: Callable[[], Repository | None] | None = None,
    ) -> dict[str, CheckResult]:
        """Each item's result, by item id: ``checks`` run from the repository at ``root``,
        fetching only from ``hosts`` (the policy's ``verify_hosts``); a file check reads
        only what the git repository ``git`` finds tracks (none found: no such rule)."""
        if not checks:
            return {}
        if self.deadline is None:
            self.deadline = time.monotonic() + self.options.total
        cache = (
            None
            if self.folder is None
            else Cache(self.folder, self.options.max_age, repositories=[root])
        )
        unique = list(dict.fromkeys(checks.values()))
        allowed = max(0, MAX_CHECKS - self.started)
        self.started += len(unique)
        run = unique[:allowed]
        outcomes: dict[AnyCheck, tuple[bool, str]] = {}
        tracked: Committed | None = None
        try:
            tracked = _tracked(run, root, git)
        except GtmCheckError as exc:
            # No file check can be judged: each fails, saying what git said.
            why = f"git could not say which files it tracks: {exc.problems[0].message}"
            outcomes = {c: (False, why) for c in run if isinstance(c, FileCheck)}
            run = [c for c in run if not isinstance(c, FileCheck)]
        listed = HostList(hosts)
        listed.allowed  # noqa: B018 - built once, before the checks' threads share it
        outcomes |= _together(
            run, lambda check: self._one(check, root, listed, cache, tracked), self.deadline
        )
        for check in unique[allowed:]:
            outcomes[check] = (False, f"not run: one run runs at most {MAX_CHECKS:,} checks")
        return {
            item: CheckResult(
                check.kind,
                check.target or "",
                *outcomes[check],
                read=root / check.path if isinstance(check, FileCheck) and check.path else None,
            )
            for item, check in checks.items()
        }

    def _one(
        self,
        check: AnyCheck,
        root: Path,
        hosts: Sequence[str],
        cache: Cache | None,
        tracked: Committed | None,
    ) -> tuple[bool, str]:
        assert self.deadline is not None
        now = time.monotonic()
        if now >= self.deadline:
            return False, f"not run: the checks' {self.options.total:g} seconds had run out"
        deadline = min(now + self.options.timeout, self.deadline)
        if isinstance(check, FileCheck):
            return check_file(
                check,
                root,
                deadline=deadline,
                allow_outside=self.options.allow_outside,
                committed=tracked,
            )
        if isinstance(check, UrlCheck):
            return check_url(check, hosts, deadline=deadline, cache=cache, tls=self.tls)
        raise AssertionError(f"no checker for the kind {check.kind}")


def _tracked(
    checks: Sequence[AnyCheck], root: Path, find: Callable[[], Repository | None] | None
) -> Committed | None:
    """What the commit HEAD holds at the paths the file checks ask about (one git command
    for each depth of paths asked inside one another: ``Repository.tracked``); None without a
    git repository, where nothing can be asked."""
    if find is None or not any(isinstance(check, FileCheck) for check in checks):
        return None
    git = find()
    if git is None:
        return None
    top = Path(real_path(git.root))
    wanted = []
    seeking = set()
    for check in checks:
        if isinstance(check, FileCheck) and check.path is not None:
            real = Path(real_path(root / check.path))
            if real.is_relative_to(top) and real != top:
                wanted.append(real.relative_to(top).as_posix())
                if check.contains is not None or check.matches is not None:
                    seeking.add(wanted[-1])
    found = git.tracked(wanted)
    # Paths as check_file sees them: from ``root``, which is normally git's top.
    base = Path(real_path(root))
    paths = {
        (top / name).relative_to(base).as_posix(): blob
        for name, blob in found.items()
        if (top / name).is_relative_to(base)
    }
    # The size of each blob a text is sought in, in one more git process: none too large
    # is read (``check_file``).
    blobs = (found.get(name) for name in sorted(seeking))
    sizes = git.sizes(list(dict.fromkeys(b for b in blobs if b is not None)))
    return Committed(paths, git.head_of, sizes)


class _Pending:
    """Checks waiting for a worker, and what the finished ones found."""

    def __init__(self, checks: Sequence[AnyCheck]) -> None:
        self.lock = threading.Lock()
        self.queue = collections.deque(checks)
        self.left = len(checks)
        self.done = threading.Event()
        self.outcomes: dict[AnyCheck, tuple[bool, str]] = {}
        self.error: BaseException | None = None

    def take(self) -> AnyCheck | None:
        with self.lock:
            return self.queue.popleft() if self.queue else None

    def finish(
        self, check: AnyCheck, outcome: tuple[bool, str] | None, error: BaseException | None
    ) -> None:
        with self.lock:
            if outcome is not None:
                self.outcomes[check] = outcome
            if error is not None and self.error is None:
                self.error = error
            self.left -= 1
            if self.left == 0:
                self.done.set()


def _together(
    checks: Sequence[AnyCheck], run: Callable[[AnyCheck], tuple[bool, str]], deadline: float
) -> dict[AnyCheck, tuple[bool, str]]:
    """Every check run by up to WORKERS daemon threads; what has not finished by the
    deadline (and a moment's grace) fails as unanswered. A checker's own error (a bug)
    is raised here, in the caller's thread."""
    pending = _Pending(checks)

    def worker() -> None:
        while (check := pending.take()) is not None:
            try:
                pending.finish(check, run(check), None)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                pending.finish(check, None, exc)

    for _ in range(min(WORKERS, len(checks))):
        threading.Thread(target=worker, name="gtm-check-verify", daemon=True).start()
    if checks:
        pending.done.wait(max(0.0, deadline - time.monotonic()) + GRACE)
    with pending.lock:
        if pending.error is not None:
            raise pending.error
        outcomes = dict(pending.outcomes)
    for check in checks:
        outcomes.setdefault(check, (False, "no answer in the time the checks have"))
    return outcomes
