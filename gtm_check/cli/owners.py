"""``gtm-check owners``: who the launch waits on, ranked, and open blockers nobody owns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from gtm_check.cli.app import app
from gtm_check.cli.dates import parse_date
from gtm_check.cli.help import PlainCommand
from gtm_check.cli.output import write_stdout
from gtm_check.cli.params import (
    AllowOutside,
    OwnersFormat,
    PolicyOption,
    as_of_option,
    format_option,
)
from gtm_check.cli.terminal import render_options
from gtm_check.cli.values import path
from gtm_check.report.registry import OWNERS, render
from gtm_check.review.owners import owners


@app.command(
    "owners",
    cls=PlainCommand,
    short_help="Rank owners by open weight, blockers and what waits on them.",
)
def owners_command(
    launch: Annotated[
        Path, typer.Argument(metavar="LAUNCH", help="A launch file.", parser=path("a launch file"))
    ],
    output_format: Annotated[OwnersFormat, format_option(OWNERS)] = "table",
    as_of: Annotated[
        str | None, as_of_option("Count lateness as on this date (default: today).")
    ] = None,
    policy: PolicyOption = None,
    allow_outside: AllowOutside = False,
) -> None:
    """Rank owners by open weight, open blockers, overdue items and the open items waiting
    on theirs; flag open blockers with no owner; under the policy audit applies (a waiver
    it refuses leaves its item waiting). Exit codes: 0, 2 bad input."""
    day = parse_date(as_of) or dt.date.today()
    result = owners(launch, day, allow_outside=allow_outside, policy=policy)
    write_stdout(render(OWNERS, output_format, result, render_options()))
