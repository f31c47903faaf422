"""``gtm-check trend``: a launch's readiness over its git history, and when it will pass."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gtm_check.cli.app import app
from gtm_check.cli.dates import parse_date
from gtm_check.cli.help import PlainCommand
from gtm_check.cli.output import write_stdout
from gtm_check.cli.params import (
    AllowOutside,
    PolicyOption,
    TrendFormat,
    as_of_option,
    format_option,
)
from gtm_check.cli.terminal import render_options
from gtm_check.cli.values import date, member, path
from gtm_check.report.registry import TREND, render
from gtm_check.review.trend import trend
from gtm_check.scoring.trend import Every


@app.command(
    "trend",
    cls=PlainCommand,
    short_help="Readiness over the launch file's git history, and a projection.",
)
def trend_command(
    launch: Annotated[
        Path,
        typer.Argument(
            metavar="LAUNCH", help="A launch file in git.", parser=path("a launch file")
        ),
    ],
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="YYYY-MM-DD", help="Only revisions from this date on.", parser=date
        ),
    ] = None,
    every: Annotated[
        Every,
        typer.Option(
            "--every", help="One point per week, day or commit.", parser=member("period", Every)
        ),
    ] = Every.week,
    output_format: Annotated[TrendFormat, format_option(TREND)] = "table",
    as_of: Annotated[
        str | None,
        as_of_option(
            "Score on this date (default: today; a revision dated later counts as today's)."
        ),
    ] = None,
    policy: PolicyOption = None,
    allow_outside: AllowOutside = False,
) -> None:
    """Score the last revision of each period as of the period's end, under the policy that
    holds now, draw each stage's line and project when each gated stage passes. Exit codes:
    0, 2 bad input."""
    day = parse_date(as_of)  # None: today; a revision dated later counts as today's
    start = parse_date(since, "--since")
    result = trend(launch, start, every, day, allow_outside=allow_outside, policy=policy)
    write_stdout(render(TREND, output_format, result, render_options()))
