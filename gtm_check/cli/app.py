"""The Typer application, its global options, and what every command shares."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from gtm_check import __version__
from gtm_check.cli.exits import EXIT_INTERNAL, EXIT_INVALID
from gtm_check.cli.output import StandardOutputFailed
from gtm_check.load import yamltree
from gtm_check.model.problems import GtmCheckError, OptionError, did_you_mean, quoted
from gtm_check.model.problems import parse_date as parse_calendar_date
from gtm_check.report import GLYPHS, RenderOptions


@dataclass(frozen=True)
class Settings:
    """The global options, kept on the Typer context for the commands and the error guard."""

    debug: bool = False


class PlainCommand(TyperCommand):
    """Help that reads like the README: no Python type names beside the arguments, and
    ``LAUNCH...`` rather than ``{LAUNCH}...`` in the usage line."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:  # typer.Context, as in its base
        return [_BRACED.sub(r"\1", piece) for piece in super().collect_usage_pieces(ctx)]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"argument": [], "option": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None and param.param_type_name in sections:
                name, text = record
                sections[param.param_type_name].append((_TYPE_NAME.sub("", name), text))
        for title, kind in (("Arguments", "argument"), ("Options", "option")):
            if sections[kind]:
                with formatter.section(title):
                    formatter.write_dl(sections[kind])


_TYPE_NAME = re.compile(r" <(?:list\[\w+\]|path|str|int|float)>", re.IGNORECASE)
_BRACED = re.compile(r"^\{(\w+)\}")


class GuardedGroup(TyperGroup):
    """Runs every command under one guard: bad input exits 2 with one located line per
    problem; any other exception is a bug in gtm-check and exits 3."""

    def invoke(self, ctx: Any) -> Any:  # typer.Context; typed as its own base class
        try:
            return super().invoke(ctx)
        except GtmCheckError as exc:
            for problem in exc.problems:
                typer.echo(problem.render(), err=True)
            raise typer.Exit(EXIT_INVALID) from None
        except OptionError as exc:
            raise typer.BadParameter(exc.message, param_hint=f"'{exc.option}'") from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            # Typer's own signals (exit, abort, usage errors) carry an exit code: its own
            # handling prints them.
            if hasattr(exc, "exit_code") or isinstance(exc, typer.Abort):
                raise
            # Not a bug either: the entry point ends the run as the environment requires.
            if isinstance(exc, StandardOutputFailed):
                raise
            settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
            if settings.debug:
                raise
            internal_error(exc)


def internal_error(exc: BaseException) -> NoReturn:
    typer.echo(
        f"gtm-check: internal error ({type(exc).__name__}). This is a bug in gtm-check, "
        "not in your files; please report it with the command you ran "
        "(run again with --debug for the traceback).",
        err=True,
    )
    raise typer.Exit(EXIT_INTERNAL)


app = typer.Typer(
    name="gtm-check",
    cls=GuardedGroup,
    help="Go-to-market readiness across the customer journey: learn, buy, use, grow.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain (not Rich) help and usage errors: one readable line on stderr, and no Rich import
    # for commands that do not draw tables.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gtm-check {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback for internal errors.")
    ] = False,
) -> None:
    ctx.obj = Settings(debug=debug)
    if not yamltree.C_PARSER:
        typer.echo(f"gtm-check: {yamltree.SLOW_PARSER_WARNING}", err=True)


LaunchesArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="LAUNCH",
        help="One or more launch files (YAML); - reads one from standard input.",
        show_default=False,
    ),
]
PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        metavar="FILE",
        help="A policy the launch files may not go below, in the form of .gtm-check.yaml "
        "(added to every .gtm-check.yaml found upward from each launch file).",
    ),
]
AllowOutside = Annotated[
    bool,
    typer.Option(
        "--allow-outside",
        help="Let the launch file name checklists outside its own folder, and read a launch "
        "file or policy file that links out of its repository.",
    ),
]


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    if not value:
        return None
    date, why = parse_calendar_date(value)
    if date is None:
        raise typer.BadParameter(why, param_hint=f"'{option}'")
    return date


def unknown_choice(kind: str, value: str, choices: list[str], option: str) -> NoReturn:
    hint = did_you_mean(value, choices) or f"choose from {', '.join(choices)}"
    raise typer.BadParameter(f"unknown {kind} {quoted(value)} ({hint})", param_hint=f"'{option}'")


def render_options(*, file_output: bool = False, limit: int | None = 10) -> RenderOptions:
    """A report written to a file is never coloured, has the standard width and is UTF-8;
    on standard output the table draws in ASCII when its encoding cannot take our glyphs."""
    if file_output:
        return RenderOptions(limit=limit)
    return RenderOptions(width=_width(), color=_color(), ascii=not _encodes(GLYPHS), limit=limit)


MIN_WIDTH = 40
MAX_WIDTH = 1000
"""Widths beyond this are a mistake (COLUMNS=99999999999), not a terminal: clamped."""


def _width() -> int:
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit():  # not "-5", "80px" or "": those fall through
        return _clamp(int(columns))
    if sys.stdout.isatty():
        return _clamp(shutil.get_terminal_size().columns)
    return 80


def _clamp(width: int) -> int:
    return min(MAX_WIDTH, max(MIN_WIDTH, width))


def _encodes(text: str) -> bool:
    try:
        text.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
