"""``gtm-check validate``: check launch files and their checklists; report every problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from gtm_check.cli.app import AllowOutside, LaunchesArg, PlainCommand, PolicyOption, app
from gtm_check.load.checklists import ChecklistReader
from gtm_check.load.launch import LoadedLaunch, load_launch
from gtm_check.load.policy import PolicyReader
from gtm_check.load.yamltree import Finding
from gtm_check.model.problems import GtmCheckError, Problem
from gtm_check.model.safetext import visible
from gtm_check.scoring.policy import breaches


@app.command(
    "validate",
    cls=PlainCommand,
    short_help="Check launch files and their checklists; list every problem.",
)
def validate_command(
    launches: LaunchesArg, policy: PolicyOption = None, allow_outside: AllowOutside = False
) -> None:
    """Check launch files and the checklists they name; report every problem found.

    Under a policy (--policy, or .gtm-check.yaml found upward), a launch file that goes
    below it is a problem too. Exit codes: 0 valid, 2 invalid, 3 internal error.
    """
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
        typer.echo(
            visible(f"{launch}: valid ({counts[0]} in {counts[1]}, {', '.join(counts[2:])})")
        )
    if problems:
        raise GtmCheckError(problems)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _below_policy(loaded: LoadedLaunch, policies: PolicyReader, path: Path) -> list[Problem]:
    policy = policies.for_launch(path)
    if policy is None:
        return []
    items = {item.id: item for c in loaded.checklists for item in c.checklist.items}
    found = breaches(policy, loaded.launch, loaded.launch.gate, items, dt.date.today())
    return loaded.source.locate(Finding(b.loc, f"policy: {b.message}") for b in found)
