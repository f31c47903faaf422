"""``gtm-check schema``: print the JSON Schema of a launch file or a checklist, for editors."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from gtm_check.authoring.schema import schema_text
from gtm_check.cli.app import app
from gtm_check.cli.help import PlainCommand
from gtm_check.cli.output import write_stdout
from gtm_check.cli.values import member


class Kind(StrEnum):
    launch = "launch"
    checklist = "checklist"
    policy = "policy"


KindArg = Annotated[
    Kind,
    typer.Argument(
        metavar="KIND",
        help="launch, checklist or policy (.gtm-check.yaml).",
        show_default=False,
        parser=member("kind of file", Kind),
    ),
]


@app.command(
    "schema",
    cls=PlainCommand,
    short_help="Print the JSON Schema of launch files, checklists or policies.",
)
def schema_command(kind: KindArg) -> None:
    """Print the JSON Schema (draft 2020-12) of a launch file, a checklist or a policy.

    Editors use it to complete keys, statuses and item ids and to flag mistakes as you type:
    gtm-check schema launch > .gtm-check/launch.schema.json
    """
    write_stdout(schema_text(kind.value))
