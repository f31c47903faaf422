"""What an audit adds only when asked: its items' checks run, its history read from git.

Apart from the pipeline (``pipeline/__init__.py``), which gets them as ``EXTRAS`` from the
commands that offer ``--verify`` and ``--history``: an audit without them imports no git,
network or check cache.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from gtm_check.load.checklists import ChecklistReader, required_items
from gtm_check.load.files import STDIN
from gtm_check.load.history import Repository
from gtm_check.load.launch import LoadedLaunch
from gtm_check.load.policy import PolicyReader
from gtm_check.load.revisions import read_revisions
from gtm_check.load.verify.options import CheckOptions
from gtm_check.load.verify.run import Checker, git_of, repository_of
from gtm_check.model.history import Every, History
from gtm_check.model.inputs import Gate, Policy
from gtm_check.model.problems import GtmCheckError, OptionError
from gtm_check.model.results import CheckResult
from gtm_check.pipeline import RunChecks
from gtm_check.scoring.score import GateOptions
from gtm_check.scoring.trend import Judging, history_of, trend
from gtm_check.scoring.verification import checks_of, checks_to_run


class _Extras:
    """``pipeline.Extras``: checks and history, as ``audit --verify --history`` runs them."""

    def checks(self, options: CheckOptions) -> RunChecks:
        checker = Checker(options)
        return lambda path, loaded, policy: run_checks(checker, path, loaded, policy)

    def history(
        self,
        path: Path,
        loaded: LoadedLaunch,
        as_of: dt.date,
        reader: ChecklistReader,
        policy: Policy | None,
        gate: Gate | None = None,
        options: GateOptions | None = None,
        checks: Mapping[str, CheckResult] | None = None,
    ) -> History:
        judging = Judging(gate=gate, options=options or GateOptions(), checks=checks)
        return launch_history(path, loaded, as_of, reader, policy, judging)


EXTRAS = _Extras()


def run_checks(
    checker: Checker, path: Path, loaded: LoadedLaunch, policy: Policy | None
) -> dict[str, CheckResult]:
    """What each owed item's check finds, by item id: files from the launch's repository,
    addresses from the hosts its policy lists (none without a policy)."""
    items = [item for c in loaded.checklists for item in c.checklist.items]
    hosts = (policy.verify_hosts or []) if policy is not None else []
    return checker.run(
        checks_to_run(loaded.launch, items), repository_of(path), hosts, git_of(path)
    )


def check_items(
    path: Path,
    loaded: LoadedLaunch,
    items: Sequence[str],
    policy: Path | None,
    *,
    allow_outside: bool = False,
) -> dict[str, CheckResult]:
    """``set --verify``: each named item's check, run afresh (no cached pass counts);
    OptionError for an item that has none."""
    checks = checks_of(loaded.launch, [i for c in loaded.checklists for i in c.checklist.items])
    missing = [item for item in items if item not in checks]
    if missing:
        raise OptionError(
            "--verify",
            f"{missing[0]} has no check to run: give it verify: {{url: ...}} or {{path: ...}} "
            "in the launch file",
        )
    found = PolicyReader(policy, allow_outside=allow_outside).for_launch(path)
    hosts = (found.verify_hosts or []) if found is not None else []
    checker = Checker(CheckOptions(max_age=0, allow_outside=allow_outside))
    wanted = {item: checks[item] for item in items}
    return checker.run(wanted, repository_of(path), hosts, git_of(path))


def launch_history(
    path: Path,
    loaded: LoadedLaunch,
    as_of: dt.date,
    reader: ChecklistReader,
    policy: Policy | None = None,
    judging: Judging | None = None,
) -> History:
    """The launch file's weekly trend up to the as-of date and the projection, scored with
    the checklists already loaded, under the audit's policy and judged as the audit is
    (``judging``: its gate, options and checks); or a note saying why there is none.
    Never an error: the audit stands without it. Revisions count against the read budget
    of the run's histories, apart from its files'."""
    if str(path) == STDIN:
        return History(note="history: the launch file came from standard input")
    try:
        repo = Repository.of(path)
        if repo is None:
            return History(note="history: the launch file is not in a git repository")
        revisions = read_revisions(
            repo,
            path,
            loaded.checklists,
            reader.suggestions,
            reader.revisions,
            Every.week,
            None,
            as_of,
            scores=reader.scores,
        )
        checklists = [c.checklist for c in loaded.checklists]
        # The revisions are read as they are scored: a problem reading one stops it here.
        required = required_items(policy.required_checklists, loaded.checklists) if policy else None
        judged = dataclasses.replace(judging or Judging(), required=required or frozenset())
        result = trend(loaded.launch, checklists, revisions, Every.week, as_of, policy, judged)
    except GtmCheckError as exc:
        why = exc.problems[0].message if exc.problems else "git failed"
        return History(note=f"history: not read ({why})")
    return history_of(result)
