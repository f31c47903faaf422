"""``gtm-check plan``: can the launch still make its date, and what decides it."""

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
    PlanFormat,
    PolicyOption,
    as_of_option,
    format_option,
)
from gtm_check.cli.terminal import render_options
from gtm_check.cli.values import path
from gtm_check.model.plan import Plan
from gtm_check.pipeline import AuditRequest, audit
from gtm_check.pipeline.extras import EXTRAS
from gtm_check.report.registry import PLAN, render

AsOf = Annotated[str | None, as_of_option("Plan as on this date (default: today).")]
HistoryOption = Annotated[
    bool,
    typer.Option(
        "--history",
        help="Compare the critical path with the pace of the launch file's git history, "
        "and say which decides the date.",
    ),
]


@app.command(
    "plan",
    cls=PlainCommand,
    short_help="When the launch can be ready, and what decides it.",
)
def plan_command(
    launch: Annotated[
        Path, typer.Argument(metavar="LAUNCH", help="A launch file.", parser=path("a launch file"))
    ],
    output_format: Annotated[PlanFormat, format_option(PLAN)] = "table",
    as_of: AsOf = None,
    with_history: HistoryOption = False,
    policy: PolicyOption = None,
    allow_outside: AllowOutside = False,
) -> None:
    """The critical path, from requires, lead times and what is done today: the earliest
    date the launch can be ready, the chain of open items that decides it, and the slack of
    every open item. Exit codes: 0, 2 bad input."""
    request = AuditRequest(
        launches=(launch,),
        as_of=parse_date(as_of) or dt.date.today(),
        allow_outside=allow_outside,
        policy=policy,
        history=with_history,
        critical_path=True,
    )
    (report,) = audit(request, EXTRAS).reports
    write_stdout(render(PLAN, output_format, Plan.of(report), render_options()))
