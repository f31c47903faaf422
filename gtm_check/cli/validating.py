"""``gtm-check validate`` once its command line is read: every launch checked, each valid one said.

No Typer here: the Typer command (``cli/validate.py``) and the entry point's fast path
(``cli/fast.py``) both run this, each with its own ``echo``, and each with its way to judge a
launch under a policy (``cli/validate_policy.py``, which the fast path imports only when a
launch has a policy).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from gtm_check.cli.exits import EXIT_PASSED
from gtm_check.cli.fast import Echo, Validate, echo
from gtm_check.load.checklists import ChecklistReader
from gtm_check.load.launch import LoadedLaunch, load_launch
from gtm_check.load.policy import PolicyReader
from gtm_check.model.inputs import Policy
from gtm_check.model.problems import GtmCheckError, Problem
from gtm_check.model.safetext import visible

BelowPolicy = Callable[[LoadedLaunch, Policy], list[Problem]]
"""What of a launch goes below its policy, located: ``validate_policy.below_policy``."""


def validate(
    launches: Sequence[Path],
    policy: Path | None,
    allow_outside: bool,
    say: Echo,
    below_policy: BelowPolicy,
) -> None:
    """Each valid launch file said on a line as it is checked; GtmCheckError at the end with
    the problems of every other one."""
    reader = ChecklistReader()
    policies = PolicyReader(policy, allow_outside=allow_outside, budget=reader.budget)
    problems: list[Problem] = []
    for launch in dict.fromkeys(launches):
        try:
            loaded = load_launch(launch, reader, allow_outside=allow_outside)
            found = policies.for_launch(launch)
            below = [] if found is None else below_policy(loaded, found)
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


def run(call: Validate, below_policy: BelowPolicy) -> int:
    """The fast path's ``validate``: its exit code (0: every file valid)."""
    validate(call.launches, call.policy, call.allow_outside, echo, below_policy)
    return EXIT_PASSED
