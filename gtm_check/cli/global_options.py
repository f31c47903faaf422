"""The options before the command (``--version``, ``--debug``) and the settings they leave."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer

from gtm_check import __version__
from gtm_check.load import yamltree


@dataclass(frozen=True)
class Settings:
    """The global options, kept on the Typer context for the commands and the error guard."""

    debug: bool = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gtm-check {__version__}")
        raise typer.Exit()


def global_options(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback for internal errors.")
    ] = False,
) -> None:
    """Runs before every command: keeps the settings, warns when YAML is read slowly."""
    ctx.obj = Settings(debug=debug)
    if not yamltree.C_PARSER:
        typer.echo(f"gtm-check: {yamltree.SLOW_PARSER_WARNING}", err=True)
