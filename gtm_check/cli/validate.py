"""``gtm-check validate``: check launch files and their checklists; report every problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from gtm_check.cli.app import AllowOutside, LaunchesArg, PolicyOption, app
from gtm_check.load.checklists import ChecklistReader
from gtm_check.load.launch import LoadedLaunch, load_launch
from gtm_check.load.policy import PolicyReader
from gtm_check.load.yamltree import Finding
from gtm_check.model.problems import GtmCheckError, Problem
from gtm_check.model.safetext import visible
from gtm_check.scoring.policy import breaches


@app.command("validate")
def validate_command(
    launches: LaunchesArg, policy: PolicyOption = None, allow_outside: AllowOutside = False
) -> None:
    """Check launch files and the checklists they name; report every problem found.

    Under a policy (--policy, or .gtm-check.yaml found upward), a launch file that goes
    below it is a problem too. Exit codes: 0 valid, 2 invalid, 3 internal error.
    """
    reader = ChecklistReader()
    policies = PolicyReader(policy)
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
        count = len(loaded.checklists)
        typer.echo(
            visible(
                f"{launch}: valid ({loaded.item_count} items in {count} checklist"
                f"{'' if count == 1 else 's'}, {len(loaded.launch.items)} item states, "
                f"{len(loaded.launch.waivers)} waivers)"
            )
        )
    if problems:
        raise GtmCheckError(problems)


def _below_policy(loaded: LoadedLaunch, policies: PolicyReader, path: Path) -> list[Problem]:
    policy = policies.for_launch(path)
    if policy is None:
        return []
    items = {item.id: item for c in loaded.checklists for item in c.checklist.items}
    found = breaches(policy, loaded.launch, loaded.launch.gate, items, dt.date.today())
    return loaded.source.locate(Finding(b.loc, f"policy: {b.message}") for b in found)
