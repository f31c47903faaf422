"""``gtm-check validate``: check launch files and their checklists; report every problem."""

from __future__ import annotations

import typer

from gtm_check.cli.app import AllowOutside, LaunchesArg, app
from gtm_check.load.checklists import ChecklistReader
from gtm_check.load.launch import load_launch
from gtm_check.model.problems import GtmCheckError, Problem


@app.command("validate")
def validate_command(launches: LaunchesArg, allow_outside: AllowOutside = False) -> None:
    """Check launch files and the checklists they name; report every problem found.

    Exit codes: 0 valid, 2 invalid, 3 internal error.
    """
    reader = ChecklistReader()
    problems: list[Problem] = []
    for launch in dict.fromkeys(launches):
        try:
            loaded = load_launch(launch, reader, allow_outside=allow_outside)
        except GtmCheckError as exc:
            problems.extend(exc.problems)
            continue
        count = len(loaded.checklists)
        typer.echo(
            f"{launch}: valid ({loaded.item_count} items in {count} checklist"
            f"{'' if count == 1 else 's'}, {len(loaded.launch.items)} item states, "
            f"{len(loaded.launch.waivers)} waivers)"
        )
    if problems:
        raise GtmCheckError(problems)
