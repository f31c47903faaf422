"""Command-line values read with the care given to file contents: in gtm-check's words.

Each option that takes a choice, a number, a date, a path or a text reads its value through
one of these parsers (Typer's ``parser=``), so that a wrong value gets a did-you-mean and the
choices, an empty value is refused instead of standing for a default, and no message repeats
the command-line framework's own wording. A parser raises ``typer.BadParameter``; the
framework attaches the option, and ``cli/usage.py`` says it as one line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple, NoReturn, TypeVar

import typer

from gtm_check.load.files import STDIN, folder_ending, named
from gtm_check.model.problems import did_you_mean, parse_date, quoted

E = TypeVar("E", bound=Enum)

EMPTY = "the value is empty"


def refuse(message: str) -> NoReturn:
    raise typer.BadParameter(message)


def given(value: object, what: str) -> str:
    """``value`` as text, refused when it is empty or only spaces."""
    text = str(value)
    if not text.strip():
        refuse(f"{EMPTY}; give {what}")
    return text


def writable(value: str) -> str:
    """``value``, if it is text gtm-check can write into a file or a report.

    The system passes bytes that are not UTF-8 on as they came (Python keeps them as lone
    surrogates); written into a launch file they would fail half-way, so they are a usage
    error here, before anything is read or written.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        refuse("holds bytes that are not UTF-8 text")
    return value


def unknown(kind: str, value: str, choices: Sequence[str]) -> NoReturn:
    """A value the option does not offer: the closest choice, or all of them."""
    hint = did_you_mean(value, choices) or f"choose from {', '.join(choices)}"
    refuse(f"unknown {kind} {quoted(value)} ({hint})")


def choice(kind: str, choices: Sequence[str]) -> Callable[[Any], str]:
    """One of ``choices``, spelt exactly."""

    def parse(value: Any) -> str:
        text = writable(given(value, f"a {kind}: {', '.join(choices)}"))
        if text not in choices:
            unknown(kind, text, choices)
        return text

    return parse


def member(kind: str, enum: type[E]) -> Callable[[Any], E]:
    """A member of ``enum``, named by its value."""
    values = [str(item.value) for item in enum]
    pick = choice(kind, values)

    def parse(value: Any) -> E:
        return value if isinstance(value, enum) else enum(pick(value))

    return parse


def number(kind: str, low: float, high: float) -> Callable[[Any], float]:
    """A number from ``low`` to ``high``."""

    def parse(value: Any) -> float:
        text = given(value, f"a {kind} from {low:g} to {high:g}")
        try:
            result = float(text)
        except ValueError:
            result = math.nan
        if not low <= result <= high:  # nan and inf too
            refuse(f"{quoted(text)} is not a {kind} from {low:g} to {high:g}")
        return result

    return parse


def count(kind: str, low: int) -> Callable[[Any], int]:
    """A whole number, ``low`` or more."""

    def parse(value: Any) -> int:
        if isinstance(value, int):
            return value
        text = given(value, f"a whole number of {kind}, {low} or more")
        if not text.strip().isdigit() or int(text) < low:
            refuse(f"{quoted(text)} is not a whole number of {kind}, {low} or more")
        return int(text)

    return parse


def date(value: Any) -> str:
    """A ``YYYY-MM-DD`` date, kept as typed (``cli/dates.py`` turns it into a date)."""
    text = given(value, "a date as YYYY-MM-DD, e.g. 2027-03-01")
    if parse_date(text)[0] is None:
        refuse(parse_date(text)[1])
    return text


def text(what: str) -> Callable[[Any], str]:
    """Any text but an empty one."""

    def parse(value: Any) -> str:
        return writable(given(value, what))

    return parse


def name(what: str) -> Callable[[Any], str]:
    """A file's name (or ``REV:path``): any text but an empty one, kept as the system gave
    it. A name that is not UTF-8 names its file all the same (messages show it escaped):
    only a value written into a file must be text (``writable``)."""

    def parse(value: Any) -> str:
        return given(value, what)

    return parse


def path(what: str) -> Callable[[Any], Path]:
    """A path (``files.named``: ``./-`` is the file ``-``); an empty one would name the
    current folder, and is refused."""

    def parse(value: Any) -> Path:
        if isinstance(value, Path):
            return value
        return named(given(value, what))

    return parse


def output_path(what: str) -> Callable[[Any], Path]:
    """A file to write (``path``), refused when its name ends in a folder (``/``, ``/.``):
    ``Path`` would drop the ending and write the file before it (through a link the
    Action's check of the name as written would not see)."""
    plain = path(what)

    def parse(value: Any) -> Path:
        if isinstance(value, Path):
            return value
        text = str(value)
        ending = folder_ending(text)
        if ending is not None:
            refuse(
                f"{quoted(text)} ends in {quoted(ending)}, which names a folder: give the "
                "report's file"
            )
        return plain(text)

    return parse


class Written(NamedTuple):
    """One more report of the same run (``--also FORMAT=FILE``): its format and its file."""

    format: str
    path: Path


def written(choices: Sequence[str]) -> Callable[[Any], Written]:
    """``FORMAT=FILE``: one of the formats ``choices``, and a file (never ``-``: standard
    output is for the report ``--format`` draws)."""
    pick = choice("format", choices)

    def parse(value: Any) -> Written:
        if isinstance(value, Written):
            return value
        text = given(value, "FORMAT=FILE, e.g. json=report.json")
        format, equals, file = text.partition("=")
        if not equals:
            refuse(f"{quoted(text)} is not FORMAT=FILE (e.g. json=report.json)")
        if file == STDIN:
            refuse("standard output takes the --format report; give --also a file")
        return Written(pick(format), output_path(f"the file to write the {format} report to")(file))

    return parse
