"""Mistakes on the command line in gtm-check's words: one line, naming where the mistake is.

Never the command-line framework's own sentences.

``gtm-check audit: --stage: unknown stage 'lern' (did you mean 'learn'?)``: like a problem in
a file (``path:line:column: message``), the line starts with where the mistake is. The
framework's usage errors are read here by kind (Typer vendors its own copy of Click; the
version is pinned in pyproject.toml and tests/cli/test_usage.py holds every kind to this).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import typer
from typer._click import exceptions as framework

from gtm_check.model.problems import OptionError, did_you_mean, quoted
from gtm_check.model.safetext import visible


class CommandLineMistake(typer.BadParameter):
    """A usage error already in our words: shown as its one line, exit 2."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = visible(line)

    def format_message(self) -> str:
        return self.line

    def show(self, file: IO[Any] | None = None) -> None:
        typer.echo(self.line, file=file, err=file is None)


def mistake(ctx: Any, where: str | None, message: str) -> CommandLineMistake:
    """The line for a mistake in ``ctx``'s command (``where``: an option or an argument)."""
    command = ctx.command_path if ctx is not None else "gtm-check"
    return CommandLineMistake(
        f"{command}: {where}: {message}" if where else f"{command}: {message}"
    )


@contextmanager
def said_plainly(ctx: Any) -> Iterator[None]:
    """Usage errors raised in the block (parsing ``ctx``'s command line, or running it) come
    out as a CommandLineMistake; the help shown for a bare group stays as it is."""
    try:
        yield
    except (CommandLineMistake, framework.NoArgsIsHelpError):
        raise
    except OptionError as exc:
        raise mistake(ctx, exc.option, exc.message) from None
    except framework.UsageError as exc:
        raise translated(exc, exc.ctx or ctx) from None


def translated(exc: Any, ctx: Any) -> CommandLineMistake:
    """A framework usage error as one line in our words."""
    if isinstance(exc, framework.MissingParameter) and exc.param is not None:
        return mistake(ctx, name_of(exc.param), f"missing: {_described(exc.param)}")
    if isinstance(exc, framework.BadParameter):
        where = _hinted(exc.param_hint) or (name_of(exc.param) if exc.param else None)
        return mistake(ctx, where, exc.message)
    if isinstance(exc, framework.NoSuchOption):
        hint = did_you_mean(exc.option_name, exc.possibilities or ()) or _help(ctx, "options")
        return mistake(ctx, exc.option_name, f"unknown option ({hint})")
    if isinstance(exc, framework.BadOptionUsage):
        wrong = "takes no value" if "does not take" in exc.message else "needs a value"
        return mistake(ctx, exc.option_name, wrong)
    extra = _EXTRA.match(exc.message)
    if extra:
        return mistake(ctx, None, f"unexpected argument {quoted(extra['value'])} ({_usage(ctx)})")
    if exc.message.startswith("Missing command"):
        return mistake(ctx, None, f"say which command to run ({_help(ctx, 'commands')})")
    return mistake(ctx, None, exc.message)


def no_such_command(ctx: Any, name: str, commands: list[str]) -> CommandLineMistake:
    hint = did_you_mean(name, commands) or f"commands: {', '.join(commands)}"
    return mistake(ctx, None, f"no command {quoted(name)} ({hint})")


def name_of(param: Any) -> str:
    """An option by its long name; an argument by the name the help shows."""
    if getattr(param, "param_type_name", "") == "option":
        return str(max(param.opts, key=len))
    return str(param.metavar or param.name.upper()).removesuffix("...")


def _hinted(hint: object) -> str | None:
    """The option or argument an error raised by our own code names (``"'--expires'"``)."""
    if not isinstance(hint, str):
        return None
    return hint.split(" / ")[0].strip("'").removesuffix("...")


def _described(param: Any) -> str:
    help_text = " ".join(str(getattr(param, "help", None) or "").split()).rstrip(".")
    if not help_text:
        return "it is required"
    return help_text[0].lower() + help_text[1:]


def _usage(ctx: Any) -> str:
    if ctx is None:
        return _help(ctx, "options")
    usage = str(ctx.get_usage()).removeprefix("Usage: ").removeprefix(ctx.command_path + " ")
    return f"{ctx.command_path} takes {usage}"


def _help(ctx: Any, what: str) -> str:
    command = ctx.command_path if ctx is not None else "gtm-check"
    return f"{command} -h lists the {what}"


_EXTRA = re.compile(r"^Got unexpected extra arguments?(?:\(s\))? \((?P<value>.*)\)$", re.DOTALL)
