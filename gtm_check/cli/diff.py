"""``gtm-check diff``: what changed in a launch file since a revision, a date or N days ago."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from gtm_check.cli.app import app
from gtm_check.cli.dates import parse_date
from gtm_check.cli.exits import EXIT_GATE_FAILED, EXIT_PASSED
from gtm_check.cli.help import PlainCommand
from gtm_check.cli.output import write_stdout
from gtm_check.cli.params import (
    AllowOutside,
    DiffFormat,
    PolicyOption,
    as_of_option,
    format_option,
)
from gtm_check.cli.terminal import render_options
from gtm_check.cli.values import name, text
from gtm_check.report.registry import DIFF, render
from gtm_check.review.diff import DiffRequest, compare

AsOfOption = Annotated[
    str | None,
    as_of_option("Score both sides on this date (default: today)."),
]


SidesArg = Annotated[
    list[str],
    typer.Argument(
        metavar="LAUNCH | OLD NEW",
        help="A launch file, or two sides: each a path or REV:path.",
        show_default=False,
        parser=name("a launch file, or REV:path"),
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="REF|DATE|Nd",
        help="Compare with the file at this revision, on this date or N days ago "
        "(default: in CI the merge-base with the branch the change goes into, else 7 days "
        "ago).",
        show_default=False,
        parser=text("a revision, a date (YYYY-MM-DD) or a number of days (7d)"),
    ),
]
FailOnRegression = Annotated[
    bool,
    typer.Option(
        "--fail-on-regression",
        help="Exit 1 when a gated stage's score drops, a done item is reopened, a "
        "blocker's due date slips or the launch goes below the policy where it did not.",
    ),
]


def in_ci() -> bool:
    return bool(os.environ.get("GITHUB_ACTIONS") or os.environ.get("CI"))


BASE_BRANCH_VARIABLES = (
    "GITHUB_BASE_REF",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    "CI_DEFAULT_BRANCH",
)
"""Where GitHub Actions and GitLab CI name the branch a change goes into, first first:
a pull request's base, a merge request's target, GitLab's default branch."""


def ci_bases() -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for v in BASE_BRANCH_VARIABLES if (n := os.environ.get(v))))


@app.command(
    "diff",
    cls=PlainCommand,
    short_help="What changed since a date or revision: scores, items, dates.",
)
def diff_command(
    sides: SidesArg,
    since: SinceOption = None,
    output_format: Annotated[DiffFormat, format_option(DIFF)] = "table",
    fail_on_regression: FailOnRegression = False,
    as_of: AsOfOption = None,
    policy: PolicyOption = None,
    allow_outside: AllowOutside = False,
) -> None:
    """Compare a launch file with an earlier version of itself, both scored on the same date
    with the same checklists and under the policy that holds now. Exit codes: 0, 1 (a
    regression, with --fail-on-regression), 2 bad input."""
    if len(sides) > 2:
        raise typer.BadParameter(
            "give one launch file, or two sides OLD NEW", param_hint="'LAUNCH'"
        )
    if len(sides) == 2 and since is not None:
        raise typer.BadParameter("--since compares one launch file; give OLD NEW or --since")
    request = DiffRequest(
        new=sides[-1],
        old=sides[0] if len(sides) == 2 else None,
        since=since,
        as_of=parse_date(as_of),
        ci=in_ci(),
        bases=ci_bases(),
        allow_outside=allow_outside,
        policy=policy,
    )
    result = compare(request)
    write_stdout(render(DIFF, output_format, result, render_options()))
    regressed = fail_on_regression and bool(result.regressions)
    raise typer.Exit(EXIT_GATE_FAILED if regressed else EXIT_PASSED)
