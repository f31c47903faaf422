"""The common command lines read without Typer: ``validate`` and ``audit`` as most runs type them.

A pre-commit hook or a CI step runs ``gtm-check validate FILE`` or ``gtm-check audit FILE -f
json`` on every commit. Importing Typer and building its commands takes longer than
validating a 300-item launch (benchmarks/README.md), so the entry point asks ``read``
first. A command line it reads whole runs without Typer, as Typer would run it: the same
output, messages and exit codes (tests/cli/test_fast_path.py runs a table of command lines
both ways). Anything else it leaves to Typer, which says it in its words: help, a mistake,
an option not read here, ``--debug``, shell completion, an output that Click would re-wrap.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from gtm_check.cli.exits import EXIT_INTERNAL, EXIT_INVALID
from gtm_check.cli.main_help import completing, program_name
from gtm_check.cli.output import StandardOutputFailed
from gtm_check.load.files import folder_ending, named
from gtm_check.load.yamltree import C_PARSER, SLOW_PARSER_WARNING
from gtm_check.model.problems import GtmCheckError, OptionError, parse_date
from gtm_check.model.safetext import visible
from gtm_check.report.registry import AUDIT, formats

LIMIT = 10
"""How many gaps the table lists without ``--limit`` or ``--all``."""
EXPIRING_WITHIN = 14
"""Days ahead ``audit`` lists expiring waivers and attestations without ``--expiring-within``."""
EXIT_INTERRUPTED = 130
"""Ctrl-C: the exit code Typer gives."""

Echo = Callable[..., Any]
"""``echo(text, err=False, nl=True)``: Typer's, or ``echo`` below."""


# Named tuples, not dataclasses: a frozen dataclass takes four times as long to build at
# import (0.5 ms against 0.1), and these are built on every run.
class Validate(NamedTuple):
    """``gtm-check validate``, read."""

    launches: tuple[Path, ...]
    policy: Path | None = None
    allow_outside: bool = False


class Audit(NamedTuple):
    """``gtm-check audit`` with the options read here; the others keep their defaults."""

    launches: tuple[Path, ...]
    as_of: dt.date | None = None
    format: str = "table"
    output: Path | None = None
    """As typed: ``-`` is standard output."""
    limit: int = LIMIT
    all: bool = False
    warn_only: bool = False
    policy: Path | None = None
    allow_outside: bool = False


_FLAGS = {
    "validate": {"--allow-outside"},
    "audit": {"--allow-outside", "--all", "--warn-only"},
}
_VALUED = {
    "validate": {"--policy"},
    "audit": {"--policy", "--as-of", "--format", "--output", "--limit"},
}
_SHORT = {"validate": {}, "audit": {"-f": "--format", "-o": "--output"}}


def read(args: list[str]) -> Validate | Audit | None:
    """The command line, if it is one this module runs as Typer would; else None."""
    if not args or args[0] not in _FLAGS or not _plain_streams() or completing():
        return None
    command = args[0]
    found = _options(command, args[1:])
    if found is None:
        return None
    launches, options = found
    paths = [_path(value) for value in launches]
    if not paths or None in paths:
        return None
    policy = _path(options.get("--policy"))
    if policy is None and "--policy" in options:
        return None
    given = tuple(p for p in paths if p is not None)
    allow_outside = "--allow-outside" in options
    if command == "validate":
        return Validate(given, policy, allow_outside)
    return _audit(given, options, policy, allow_outside)


def _audit(
    launches: tuple[Path, ...], options: dict[str, str], policy: Path | None, allow_outside: bool
) -> Audit | None:
    as_of = None
    if "--as-of" in options:
        as_of = parse_date(options["--as-of"])[0]
        if as_of is None:
            return None
    format = options.get("--format", "table")
    output = _path(options.get("--output"))
    limit = options.get("--limit", str(LIMIT))
    if (
        format not in formats(AUDIT)
        or (output is None and "--output" in options)
        or folder_ending(options.get("--output", "")) is not None  # refused in Typer's words
        or not _DIGITS.match(limit)
        or int(limit) < 1
    ):
        return None
    return Audit(
        launches,
        as_of,
        format,
        output,
        int(limit),
        all="--all" in options,
        warn_only="--warn-only" in options,
        policy=policy,
        allow_outside=allow_outside,
    )


_DIGITS = re.compile(r"^[0-9]+$")


def _options(command: str, args: list[str]) -> tuple[list[str], dict[str, str]] | None:
    """The arguments and the options given, read as Click reads them: ``--name value``,
    ``--name=value``, ``-fvalue``, options between arguments, ``--`` before arguments only;
    a repeated option's last value. None for anything else."""
    flags, valued, short = _FLAGS[command], _VALUED[command], _SHORT[command]
    arguments: list[str] = []
    options: dict[str, str] = {}
    rest = iter(args)
    for token in rest:
        if token == "--":
            arguments += rest
            break
        if token[:1] != "-" or token == "-":
            arguments.append(token)
            continue
        name, equals, value = token.partition("=")
        if name in flags and not equals:
            options[name] = ""
            continue
        if name in valued:
            pass
        elif token[:2] in short:  # -fjson, -f json; never -f=json (its value is "=json")
            name, value, equals = short[token[:2]], token[2:], "=" * (len(token) > 2)
        else:
            return None
        if not equals:
            following = next(rest, None)
            if following is None:
                return None
            value = following
        options[name] = value
    return arguments, options


def _path(value: str | None) -> Path | None:
    """A path as the command line's parser reads one; None for an empty one (refused)."""
    return named(value) if value is not None and value.strip() else None


def _plain_streams() -> bool:
    """Whether Click would write to the standard streams as they are: it re-wraps one whose
    encoding is ASCII (a misconfigured locale) in UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        try:
            if not encoding or codecs.lookup(encoding).name == "ascii":
                return False
        except LookupError:
            return False
    return True


_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")
"""The escape codes Click's ``echo`` removes from text that does not go to a terminal."""


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    """A line on standard output (or error) as ``typer.echo`` writes one, then flushed."""
    stream = sys.stderr if err else sys.stdout
    out = text + "\n" if nl else text
    if not out:
        stream.flush()
        return
    if not stream.isatty():
        out = _ANSI.sub("", out)
    stream.write(out)
    stream.flush()


def guarded(command: str, work: Callable[[], int]) -> int:
    """``work``'s exit code, with the command's error guard: a mistake on the command line or
    in the files ends with exit 2 and its lines, anything else with exit 3 (a bug)."""
    try:
        if not C_PARSER:
            echo(f"gtm-check: {SLOW_PARSER_WARNING}", err=True)
        return work()
    except OptionError as exc:
        echo(visible(f"{program_name()} {command}: {exc.option}: {exc.message}"), err=True)
        return EXIT_INVALID
    except GtmCheckError as exc:
        for problem in exc.problems:
            echo(problem.render(), err=True)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except StandardOutputFailed:
        raise
    except MemoryError:
        echo(OUT_OF_MEMORY, err=True)
        return EXIT_INVALID
    except Exception as exc:  # noqa: BLE001 - the last line of defence, as cli/guard.py
        echo(internal_error_message(exc), err=True)
        return EXIT_INTERNAL


OUT_OF_MEMORY = (
    "gtm-check: out of memory: the files of this run need more memory than the process "
    "was given (ulimit -v, a container's limit)"
)
"""Said for a MemoryError, with exit 2: the limits (SECURITY.md) keep what any input costs
within a few hundred MB, so running out says how the process was started or how large the
input is, not that gtm-check has a bug."""


def internal_error_message(exc: BaseException) -> str:
    return (
        f"gtm-check: internal error ({type(exc).__name__}). This is a bug in gtm-check, "
        "not in your files; please report it with the command you ran "
        "(run again with --debug for the traceback)."
    )
