"""``gtm-check audit``: score launches, print or write the report, exit with the gate's verdict."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from gtm_check.cli.app import app
from gtm_check.cli.auditing import report
from gtm_check.cli.dates import parse_date
from gtm_check.cli.fast import EXPIRING_WITHIN, LIMIT
from gtm_check.cli.help import PlainCommand
from gtm_check.cli.params import (
    AllowOutside,
    AuditFormat,
    LaunchesArg,
    PolicyOption,
    as_of_option,
    format_option,
)
from gtm_check.cli.values import Written, count, member, number, output_path, text, written
from gtm_check.cli.verify_options import (
    RequireVerified,
    VerifyMaxAge,
    VerifyOption,
    VerifyTimeout,
    VerifyTotal,
    verify_request,
)
from gtm_check.model.filters import Filters
from gtm_check.model.vocabulary import Severity, Stage
from gtm_check.pipeline import AuditRequest, FailOn
from gtm_check.pipeline.extras import EXTRAS
from gtm_check.report.registry import AUDIT, formats

AsOf = Annotated[str | None, as_of_option("Score as on this date (default: today).")]
FormatOption = Annotated[AuditFormat, format_option(AUDIT, "Report format.")]
Output = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report to FILE (atomically) instead of standard output; "
        "'-' is standard output.",
        parser=output_path("a file to write, or - for standard output"),
    ),
]
Also = Annotated[
    list[Written] | None,
    typer.Option(
        "--also",
        metavar="FORMAT=FILE",
        help="Also write the report in FORMAT to FILE, from the same run (repeatable, e.g. "
        "--also json=report.json --also html=report.html): every file shows the verdict "
        "the exit code gives. Written like --output, all or none.",
        parser=written(formats(AUDIT)),
    ),
]
MinScore = Annotated[
    float | None,
    typer.Option(
        "--min-score",
        metavar="N",
        help="Gate: minimum score (0-100) each gated stage needs (overrides the file).",
        parser=number("score", 0, 100),
    ),
]
GateStages = Annotated[
    list[Stage] | None,
    typer.Option(
        "--gate-stage",
        metavar="STAGE",
        help="Gate: on this stage, learn, buy, use or grow (repeatable; overrides the file).",
        parser=member("stage", Stage),
    ),
]
FailOnOption = Annotated[
    FailOn | None,
    typer.Option(
        "--fail-on",
        help="Gate: fail on any open item at or above this severity in a gated stage "
        "(default: blocker; never: only scores count).",
        show_default=False,
        parser=member("severity", FailOn),
    ),
]
IgnoreWaivers = Annotated[
    bool, typer.Option("--ignore-waivers", help="Gate: audit as if no waiver existed.")
]
WarnOnly = Annotated[
    bool,
    typer.Option("--warn-only", help="Report the verdict but exit 0 even if the gate fails."),
]
StageFilter = Annotated[
    list[Stage] | None,
    typer.Option(
        "--stage",
        metavar="STAGE",
        help="Filter: gaps in this stage (repeatable).",
        parser=member("stage", Stage),
    ),
]
DepartmentFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--department",
        metavar="DEPARTMENT",
        help="Filter: gaps of this department (repeatable).",
        parser=text("a department key, e.g. legal"),
    ),
]
OwnerFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--owner",
        metavar="OWNER",
        help="Filter: gaps owned by OWNER (repeatable; any case).",
        parser=text("an owner, as the launch file names them"),
    ),
]
SeverityFilter = Annotated[
    list[Severity] | None,
    typer.Option(
        "--severity",
        metavar="SEVERITY",
        help="Filter: gaps of this severity (repeatable).",
        parser=member("severity", Severity),
    ),
]
OverdueFilter = Annotated[bool, typer.Option("--overdue", help="Filter: overdue gaps only.")]
Limit = Annotated[
    int,
    typer.Option(
        "--limit",
        metavar="N",
        parser=count("gaps", 1),
        help="The table lists the N most urgent gaps (default 10); the other formats list all.",
    ),
]
All = Annotated[bool, typer.Option("--all", help="The table lists every gap.")]
RequireEvidence = Annotated[
    bool,
    typer.Option(
        "--require-evidence",
        help="Gate: a done blocker or high item without evidence counts as open.",
    ),
]
HistoryOption = Annotated[
    bool,
    typer.Option(
        "--history",
        help="Add each launch's weekly trend from git and when each gated stage will pass "
        "(opt-in: without it the report depends only on the files and --as-of).",
    ),
]
ExpiringWithin = Annotated[
    int,
    typer.Option(
        "--expiring-within",
        metavar="DAYS",
        parser=count("days", 0),
        help="List waivers and attestations that stop counting within DAYS (default 14).",
    ),
]


@app.command(
    "audit",
    cls=PlainCommand,
    short_help="Score launches and list their gaps; exit 1 when a gate fails.",
)
def audit_command(
    launches: LaunchesArg,
    as_of: AsOf = None,
    format: FormatOption = "table",
    output: Output = None,
    also: Also = None,
    min_score: MinScore = None,
    gate_stage: GateStages = None,
    fail_on: FailOnOption = None,
    ignore_waivers: IgnoreWaivers = False,
    require_evidence: RequireEvidence = False,
    warn_only: WarnOnly = False,
    stage: StageFilter = None,
    department: DepartmentFilter = None,
    owner: OwnerFilter = None,
    severity: SeverityFilter = None,
    overdue: OverdueFilter = False,
    limit: Limit = LIMIT,
    all: All = False,
    expiring_within: ExpiringWithin = EXPIRING_WITHIN,
    policy: PolicyOption = None,
    allow_outside: AllowOutside = False,
    with_history: HistoryOption = False,
    verify: VerifyOption = False,
    require_verified: RequireVerified = False,
    verify_timeout: VerifyTimeout = 10.0,
    verify_total: VerifyTotal = 60.0,
    verify_max_age: VerifyMaxAge = "1h",
) -> None:
    """Score readiness per journey stage and report the gaps, for one launch or several.

    Filters narrow the gap list; scores always cover the whole launch. Exit codes: 0 gate
    passed, 1 gate failed (any launch), 2 invalid input or usage, 3 internal error.
    \f
    Long because every option is a parameter; the work is in cli/auditing.py.
    """
    day = parse_date(as_of) or dt.date.today()
    request = AuditRequest(
        launches=tuple(launches),
        as_of=day,
        min_score=min_score,
        gate_stages=tuple(gate_stage or ()),
        fail_on=fail_on,
        ignore_waivers=ignore_waivers,
        require_evidence=require_evidence,
        expiring_within=expiring_within,
        filters=_filters(stage, department, owner, severity, overdue),
        allow_outside=allow_outside,
        policy=policy,
        history=with_history,
        **verify_request(
            verify,
            require_verified,
            verify_timeout,
            verify_total,
            verify_max_age,
            allow_outside=allow_outside,
        ),  # fmt: skip
    )
    limit_shown = None if all else limit
    code = report(
        request,
        format,
        output,
        limit=limit_shown,
        warn_only=warn_only,
        say=typer.echo,
        extras=EXTRAS,
        also=tuple(also or ()),
    )
    raise typer.Exit(code)


def _filters(
    stages: list[Stage] | None,
    departments: list[str] | None,
    owners: list[str] | None,
    severities: list[Severity] | None,
    overdue: bool,
) -> Filters:
    """The filter flags, each value once, in the order typed."""
    return Filters(
        stages=list(dict.fromkeys(stages or [])),
        departments=list(dict.fromkeys(departments or [])),
        owners=list(dict.fromkeys(owners or [])),
        severities=list(dict.fromkeys(severities or [])),
        overdue=overdue,
    )
