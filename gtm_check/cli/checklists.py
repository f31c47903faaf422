"""``gtm-check checklists``: browse the built-in departments, their items and the traits."""

from __future__ import annotations

from typing import Annotated

import typer

from gtm_check.cli.app import app
from gtm_check.cli.help import PlainCommand, PlainGroup
from gtm_check.cli.output import write_stdout
from gtm_check.cli.params import ChecklistsFormat, DepartmentFormat, format_option, unknown_choice
from gtm_check.cli.terminal import render_options
from gtm_check.cli.values import member, text
from gtm_check.load.checklists import ChecklistReader, builtin_names
from gtm_check.model.vocabulary import Stage
from gtm_check.report.registry import CHECKLISTS, DEPARTMENT, render

checklists_app = typer.Typer(
    help="Browse the built-in checklists: departments, items per stage, traits.",
    short_help="Browse the built-in checklists and the launch traits.",
    no_args_is_help=False,
    rich_markup_mode=None,
    cls=PlainGroup,
)
app.add_typer(checklists_app, name="checklists")


@checklists_app.callback(invoke_without_command=True)
def checklists_command(
    ctx: typer.Context,
    format: Annotated[ChecklistsFormat, format_option(CHECKLISTS)] = "table",
) -> None:
    """List the built-in departments with their items per journey stage, and the traits."""
    if ctx.invoked_subcommand is not None:
        return
    checklists = [c.checklist for c in ChecklistReader().builtin()]
    write_stdout(render(CHECKLISTS, format, checklists, render_options()))


@checklists_app.command("show", cls=PlainCommand)
def checklists_show_command(
    department: Annotated[
        str,
        typer.Argument(
            metavar="DEPARTMENT",
            help="A department key, e.g. legal.",
            parser=text("a department key, e.g. legal"),
        ),
    ],
    stage: Annotated[
        Stage | None,
        typer.Option(
            "--stage", metavar="STAGE", help="Only this stage.", parser=member("stage", Stage)
        ),
    ] = None,
    format: Annotated[DepartmentFormat, format_option(DEPARTMENT)] = "table",
) -> None:
    """Show a department's items: question, guidance, severity, weight and traits."""
    if department not in builtin_names():
        unknown_choice("built-in department", department, builtin_names(), "DEPARTMENT")
    (loaded,) = ChecklistReader().builtin([department])
    write_stdout(render(DEPARTMENT, format, loaded.checklist.only(stage), render_options()))
