"""``gtm-check validate`` once its command line is read: every launch checked, each valid one said.

No Typer here: the Typer command (``cli/validate.py``) and the entry point's fast path
(``cli/fast.py``) both run this, each with its own ``echo``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from gtm_check.cli.exits import EXIT_PASSED
from gtm_check.cli.fast import Echo, Validate, echo
from gtm_check.load.checklists import ChecklistReader
from gtm_check.load.launch import LoadedLaunch, load_launch
from gtm_check.load.policy import PolicyReader
from gtm_check.load.yamltree import Finding
from gtm_check.model.problems import GtmCheckError, Problem
from gtm_check.model.safetext import visible
from gtm_check.scoring.policy import breaches
from gtm_check.scoring.score import score_launch


def validate(launches: Sequence[Path], policy: Path | None, allow_outside: bool, say: Echo) -> None:
    """Each valid launch file said on a line as it is checked; GtmCheckError at the end with
    the problems of every other one."""
    reader = ChecklistReader()
    policies = PolicyReader(policy, allow_outside=allow_outside)
    problems: list[Problem] = []
    for launch in dict.fromkeys(launches):
        try:
            loaded = load_launch(launch, reader, allow_outside=allow_outside)
            below = _below_policy(loaded, policies, launch)
        except GtmCheckError as exc:
            problems.extend(exc.problems)
            continue
        if below:
            problems.extend(below)
            continue
        counts = (
            _count(loaded.item_count, "item"),
            _count(len(loaded.checklists), "checklist"),
            _count(len(loaded.launch.items), "item state"),
            _count(len(loaded.launch.waivers), "waiver"),
        )
        say(visible(f"{launch}: valid ({counts[0]} in {counts[1]}, {', '.join(counts[2:])})"))
    if problems:
        raise GtmCheckError(problems)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _below_policy(loaded: LoadedLaunch, policies: PolicyReader, path: Path) -> list[Problem]:
    """Every rule of the policy, the warnings it makes fail too, judged as ``audit`` judges
    them on today's date (the waivers active today, the longest one counted from today)."""
    policy = policies.for_launch(path)
    if policy is None:
        return []
    today = dt.date.today()
    checklists = [c.checklist for c in loaded.checklists]
    items = {item.id: item for checklist in checklists for item in checklist.items}
    warnings = score_launch(loaded.launch, checklists, today).warnings
    found = breaches(policy, loaded.launch, loaded.launch.gate, items, today, warnings)
    return loaded.source.locate(Finding(b.loc, f"policy: {b.message}") for b in found)


def run(call: Validate) -> int:
    """The fast path's ``validate``: its exit code (0: every file valid)."""
    validate(call.launches, call.policy, call.allow_outside, echo)
    return EXIT_PASSED
