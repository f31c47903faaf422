"""The gtm-check command line: parse options, call the core, choose the exit code."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from gtm_check import __version__, yamltree
from gtm_check.errors import GtmCheckError, Problem, did_you_mean, quoted
from gtm_check.exits import EXIT_INTERNAL, EXIT_INVALID
from gtm_check.files import write_atomic
from gtm_check.loader import builtin_names, load_builtin, load_launch
from gtm_check.vocabulary import TRAITS, Severity, Stage

if TYPE_CHECKING:
    from gtm_check.report import RenderOptions

app = typer.Typer(
    name="gtm-check",
    help="Go-to-market readiness across the customer journey: learn, buy, use, grow.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain (not Rich) help and usage errors: one readable line on stderr, and no Rich import
    # for commands that do not draw tables.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(StrEnum):
    # The names of gtm_check.report.FORMATS (a test keeps the two in step).
    table = "table"
    json = "json"
    markdown = "markdown"
    junit = "junit"
    github = "github"


class FailOn(StrEnum):
    blocker = "blocker"
    high = "high"
    medium = "medium"
    low = "low"
    never = "never"


class ListFormat(StrEnum):
    table = "table"
    json = "json"


_debug = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gtm-check {__version__}")
        raise typer.Exit()


def _parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{quoted(value)} is not a date in the form YYYY-MM-DD", param_hint=f"'{option}'"
        ) from None


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback for internal errors.")
    ] = False,
) -> None:
    global _debug
    _debug = debug
    if not yamltree.C_PARSER:
        typer.echo(f"gtm-check: {yamltree.SLOW_PARSER_WARNING}", err=True)


LaunchesArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="LAUNCH...", help="One or more launch files (YAML).", show_default=False
    ),
]
AllowOutside = Annotated[
    bool,
    typer.Option(
        "--allow-outside",
        help="Let the launch file name checklists outside its own folder.",
    ),
]


@app.command("audit")
def audit_command(
    launches: LaunchesArg,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Score as on this date (default: today).",
            show_default=False,
        ),
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the report to FILE (atomically) instead of standard output.",
        ),
    ] = None,
    min_score: Annotated[
        float | None,
        typer.Option(
            "--min-score",
            min=0,
            max=100,
            metavar="N",
            help="Gate: minimum score (0-100) each gated stage needs (overrides the file).",
        ),
    ] = None,
    gate_stage: Annotated[
        list[Stage] | None,
        typer.Option(
            "--gate-stage",
            metavar="STAGE",
            help="Gate: on this stage, learn, buy, use or grow (repeatable; overrides the file).",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Gate: fail on any open item at or above this severity in a gated stage "
            "(default: blocker; never: only scores count).",
            show_default=False,
        ),
    ] = None,
    ignore_waivers: Annotated[
        bool, typer.Option("--ignore-waivers", help="Gate: audit as if no waiver existed.")
    ] = False,
    warn_only: Annotated[
        bool,
        typer.Option("--warn-only", help="Report the verdict but exit 0 even if the gate fails."),
    ] = False,
    stage: Annotated[
        list[Stage] | None,
        typer.Option("--stage", metavar="STAGE", help="Filter: gaps in this stage (repeatable)."),
    ] = None,
    department: Annotated[
        list[str] | None,
        typer.Option("--department", metavar="DEPARTMENT", help="Filter: gaps of this department."),
    ] = None,
    owner: Annotated[
        list[str] | None,
        typer.Option("--owner", metavar="OWNER", help="Filter: gaps owned by OWNER."),
    ] = None,
    severity: Annotated[
        list[Severity] | None,
        typer.Option("--severity", metavar="SEVERITY", help="Filter: gaps of this severity."),
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Filter: overdue gaps only.")] = False,
    allow_outside: AllowOutside = False,
) -> None:
    """Score readiness per journey stage and report the gaps, for one launch or several.

    Filters narrow the gap list; scores always cover the whole launch. Exit codes: 0 gate
    passed, 1 gate failed (any launch), 2 invalid input or usage, 3 internal error.
    """
    # Imported here, not at the top: scoring and reports are not needed to validate, and
    # every command pays for what the module imports.
    from gtm_check.audit import AuditRequest, audit
    from gtm_check.files import append_step_summary, refuse_to_overwrite
    from gtm_check.results import Filters

    request = AuditRequest(
        launches=tuple(launches),
        as_of=_parse_date(as_of) or dt.date.today(),
        format=format.value,
        min_score=min_score,
        gate_stages=tuple(gate_stage or ()),
        fail_on=fail_on.value if fail_on else None,
        ignore_waivers=ignore_waivers,
        warn_only=warn_only,
        filters=Filters(
            stages=list(dict.fromkeys(stage or [])),
            departments=list(dict.fromkeys(department or [])),
            owners=list(dict.fromkeys(owner or [])),
            severities=list(dict.fromkeys(severity or [])),
            overdue=overdue,
        ),
        allow_outside=allow_outside,
        render=_render_options(file_output=output is not None),
    )
    with _guard():
        outcome = audit(request)
        if output is not None:
            refuse_to_overwrite(output, outcome.inputs)
            write_atomic(output, outcome.output, overwrite=True)
        else:
            sys.stdout.write(outcome.output)
        if format is Format.github and os.environ.get("GITHUB_STEP_SUMMARY"):
            append_step_summary(Path(os.environ["GITHUB_STEP_SUMMARY"]), outcome.reports)
    raise typer.Exit(outcome.exit_code)


@app.command("validate")
def validate_command(launches: LaunchesArg, allow_outside: AllowOutside = False) -> None:
    """Check launch files and the checklists they name; report every problem found.

    Exit codes: 0 valid, 2 invalid, 3 internal error.
    """
    problems: list[Problem] = []
    for launch in dict.fromkeys(launches):
        try:
            with _guard(report=False):
                loaded = load_launch(launch, allow_outside=allow_outside)
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
        with _guard():
            raise GtmCheckError(problems)


checklists_app = typer.Typer(
    help="Browse the built-in checklists: departments, items per stage, traits.",
    no_args_is_help=False,
    rich_markup_mode=None,
)
app.add_typer(checklists_app, name="checklists")


@checklists_app.callback(invoke_without_command=True)
def checklists_command(
    ctx: typer.Context,
    format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.table,
) -> None:
    """List the built-in departments with their items per journey stage, and the traits."""
    if ctx.invoked_subcommand is not None:
        return
    from gtm_check import catalog

    with _guard():
        checklists = [c.checklist for c in load_builtin()]
    if format is ListFormat.json:
        sys.stdout.write(catalog.to_json(catalog.summary_dict(checklists)))
    else:
        from gtm_check.report.catalog import render_summary

        sys.stdout.write(render_summary(checklists, _render_options()))


@checklists_app.command("show")
def checklists_show_command(
    department: Annotated[
        str, typer.Argument(metavar="DEPARTMENT", help="A department key, e.g. legal.")
    ],
    stage: Annotated[
        Stage | None, typer.Option("--stage", metavar="STAGE", help="Only this stage.")
    ] = None,
    format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.table,
) -> None:
    """Show a department's items: question, guidance, severity, weight and traits."""
    from gtm_check import catalog

    if department not in builtin_names():
        _unknown_choice("built-in department", department, builtin_names(), "DEPARTMENT")
    with _guard():
        (loaded,) = load_builtin([department])
    if format is ListFormat.json:
        sys.stdout.write(catalog.to_json(catalog.department_dict(loaded.checklist, stage)))
    else:
        from gtm_check.report.catalog import render_department

        sys.stdout.write(render_department(loaded.checklist, stage, _render_options()))


@app.command("init")
def init_command(
    name: Annotated[str, typer.Option("--name", help="The launch's name.", show_default=False)],
    launch_date: Annotated[
        str,
        typer.Option(
            "--launch-date", metavar="YYYY-MM-DD", help="The launch date.", show_default=False
        ),
    ],
    path: Annotated[
        Path,
        typer.Argument(metavar="PATH", help="Where to write the launch file.", show_default=True),
    ] = Path("launch.yaml"),
    trait: Annotated[
        list[str] | None,
        typer.Option("--trait", metavar="TRAIT", help="A launch trait (repeatable)."),
    ] = None,
    department: Annotated[
        list[str] | None,
        typer.Option(
            "--department",
            metavar="DEPARTMENT",
            help="Only this built-in department (repeatable; default: all of them).",
        ),
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="The launch owner (e.g. an e-mail address).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a ready-to-edit launch file listing every item that applies, as todo."""
    from gtm_check.scaffold import applicable_items, launch_file

    if not name.strip():
        raise typer.BadParameter("give the launch a name", param_hint="'--name'")
    date = _parse_date(launch_date, "--launch-date")
    if date is None:
        raise typer.BadParameter("give the launch date as YYYY-MM-DD", param_hint="'--launch-date'")
    traits = list(dict.fromkeys(trait or []))
    for value in traits:
        if value not in TRAITS:
            _unknown_choice("trait", value, list(TRAITS), "--trait")
    names = builtin_names()
    departments = list(dict.fromkeys(department or []))
    for value in departments:
        if value not in names:
            _unknown_choice("built-in department", value, names, "--department")
    with _guard():
        loaded = load_builtin(departments or None)
        checklists = [c.checklist for c in loaded]
        text = launch_file(
            name=name.strip(),
            launch_date=date,
            traits=traits,
            checklists=checklists,
            checklist_refs=departments or ["builtin"],
            owner=owner,
        )
        write_atomic(path, text, overwrite=force)
    count = len(applicable_items(checklists, traits))
    typer.echo(
        f"Wrote {path}: {count} items as todo. Set their status as work progresses, then run: "
        f"gtm-check audit {path}"
    )


def _unknown_choice(kind: str, value: str, choices: list[str], option: str) -> NoReturn:
    hint = did_you_mean(value, choices) or f"choose from {', '.join(choices)}"
    raise typer.BadParameter(f"unknown {kind} {quoted(value)} ({hint})", param_hint=f"'{option}'")


@contextmanager
def _guard(*, report: bool = True) -> Iterator[None]:
    """Bad input exits 2 with one located line per problem; anything else is our bug: 3.

    With ``report=False`` a GtmCheckError passes through for the caller to collect.
    """
    try:
        yield
    except GtmCheckError as exc:
        if not report:
            raise
        for problem in exc.problems:
            typer.echo(problem.render(), err=True)
        raise typer.Exit(EXIT_INVALID) from None
    except (typer.Exit, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        _internal_error(exc)


def _internal_error(exc: Exception) -> NoReturn:
    if _debug:
        raise exc
    typer.echo(
        f"gtm-check: internal error ({type(exc).__name__}). This is a bug in gtm-check, "
        "not in your files; please report it with the command you ran "
        "(run again with --debug for the traceback).",
        err=True,
    )
    raise typer.Exit(EXIT_INTERNAL)


def _render_options(*, file_output: bool = False) -> RenderOptions:
    from gtm_check.report import RenderOptions

    # A report written to a file is never coloured and has the standard width.
    if file_output:
        return RenderOptions()
    return RenderOptions(width=_width(), color=_color())


def _width() -> int:
    columns = os.environ.get("COLUMNS")
    if columns and columns.isdigit():
        return max(40, int(columns))
    if sys.stdout.isatty():
        return max(40, shutil.get_terminal_size().columns)
    return 80


def _color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
