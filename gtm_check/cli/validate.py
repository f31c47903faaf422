"""``gtm-check validate``: check launch files and their checklists; report every problem."""

from __future__ import annotations

import typer

from gtm_check.cli.app import app
from gtm_check.cli.help import PlainCommand
from gtm_check.cli.params import AllowOutside, LaunchesArg, PolicyOption
from gtm_check.cli.validate_policy import below_policy
from gtm_check.cli.validating import validate


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
    validate(launches, policy, allow_outside, typer.echo, below_policy)
