"""``gtm-check validate``: check launch files and their checklists; report every problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from gtm_check.cli.app import app
from gtm_check.cli.help import PlainCommand
from gtm_check.cli.params import AllowOutside, LaunchesArg, PolicyOption
from gtm_check.load.checklists import ChecklistReader
from gtm_check.load.launch import LoadedLaunch, load_launch
from gtm_check.load.policy import PolicyReader
from gtm_check.load.yamltree import Finding
from gtm_check.model.problems import GtmCheckError, Problem
from gtm_check.model.safetext import visible
from gtm_check.scoring.policy import breaches
from gtm_check.scoring.score import score_launch


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
