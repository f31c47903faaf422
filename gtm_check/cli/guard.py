"""The error guard around every command: exit 2 for bad input or no memory left, 3 for a bug."""

from __future__ import annotations

import sys
import traceback
from typing import Any, NoReturn

import typer

from gtm_check.cli.exits import EXIT_INTERNAL, EXIT_INVALID
from gtm_check.cli.fast import OUT_OF_MEMORY, internal_error_message
from gtm_check.cli.global_options import Settings
from gtm_check.cli.help import PlainGroup
from gtm_check.cli.output import StandardOutputFailed
from gtm_check.model.problems import GtmCheckError


class GuardedGroup(PlainGroup):
    """Runs every command under one guard: bad input exits 2 with one located line per
    problem; any other exception is a bug in gtm-check and exits 3."""

    def invoke(self, ctx: Any) -> Any:  # typer.Context; typed as its own base class
        try:
            return super().invoke(ctx)
        except GtmCheckError as exc:
            for problem in exc.problems:
                typer.echo(problem.render(), err=True)
            raise typer.Exit(EXIT_INVALID) from None
        except MemoryError:
            typer.echo(OUT_OF_MEMORY, err=True)
            raise typer.Exit(EXIT_INVALID) from None
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
                # The traceback, and still exit 3: re-raised, it left the interpreter with
                # exit 1, which a pipeline reads as a failed gate.
                traceback.print_exception(exc, file=sys.stderr)
            internal_error(exc)


def internal_error(exc: BaseException) -> NoReturn:
    typer.echo(internal_error_message(exc), err=True)
    raise typer.Exit(EXIT_INTERNAL)
