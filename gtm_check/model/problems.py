"""Problems a user can cause, each located at path:line:column, and the error that carries them."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import heapq
import itertools
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

from gtm_check.model.safetext import visible


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows.

    ``line`` and ``column`` are 1-based; a problem with the file as a whole is at 1:1.
    """

    path: str
    line: int
    column: int
    message: str
    hint: str | None = None
    more: int = 0
    """Above 0: this stands for that many problems found from here on in the file and only
    counted, not described (``Capped``, or the line ``GtmCheckError`` ends a file's list
    with); ``GtmCheckError`` adds them up into one line."""

    @classmethod
    def at_offset(cls, path: str, text: str | bytes, offset: int, message: str) -> Problem:
        """A problem at a character (or byte) offset into a file's text."""
        newline = b"\n" if isinstance(text, bytes) else "\n"
        line = text.count(newline, 0, offset) + 1  # type: ignore[arg-type]
        column = offset - (text.rfind(newline, 0, offset) + 1) + 1  # type: ignore[arg-type]
        return cls(path, line, column, message)

    def render(self) -> str:
        """One line, whatever the message holds: ``path:line:column: message (hint)``."""
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return visible(text)


class GtmCheckError(Exception):
    """Raised for anything wrong with the user's input or command line: exit code 2."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("GtmCheckError needs at least one problem")
        self.problems = tuple(_capped(sorted(set(problems), key=_problem_order)))
        super().__init__("\n".join(p.render() for p in self.problems))

    @classmethod
    def single(
        cls, path: str, message: str, *, line: int = 1, column: int = 1, hint: str | None = None
    ) -> GtmCheckError:
        return cls([Problem(path, line, column, message, hint)])


class OptionError(Exception):
    """A command-line value that does not fit what was loaded (exit 2, like any usage error)."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option
        self.message = message


def _problem_order(problem: Problem) -> tuple[str, int, int, str]:
    return (problem.path, problem.line, problem.column, problem.message)


MAX_PROBLEMS = 1_000
"""Problems listed per file, the first in file order; one more line counts the rest. A
hostile file can hold millions (a list of a million unknown traits is 2 MB): describing,
locating and printing them all took minutes and gigabytes for nothing a person reads."""


def _capped(problems: Sequence[Problem]) -> Iterator[Problem]:
    """The first MAX_PROBLEMS problems of each file (``problems`` in order), then one line
    at the first left out that says how many more there are."""
    for _, group in itertools.groupby(problems, key=lambda problem: problem.path):
        shown = 0
        first: Problem | None = None
        more = 0
        for problem in group:
            if not problem.more and shown < MAX_PROBLEMS:
                shown += 1
                yield problem
                continue
            more += problem.more or 1
            first = first or problem
        if first is not None:
            yield left_out(first, more)


def left_out(at: Problem, count: int) -> Problem:
    """The line that stands for ``count`` problems not listed, at the first of them."""
    return Problem(
        at.path,
        at.line,
        at.column,
        f"… and {count:,} more problem{'' if count == 1 else 's'} from here on, not listed "
        f"(gtm-check lists the first {MAX_PROBLEMS:,} of a file)",
        more=count,
    )


QUOTE_LIMIT = 60


NAMED_AT_MOST = 5
"""Names a message lists before it counts the rest (``some_of``)."""


def some_of(names: Sequence[str], empty: str = "none") -> str:
    """The first NAMED_AT_MOST of ``names``, each ``clipped``, then how many more: a
    message that listed every name a policy holds was megabytes long, once for each launch
    file of a run."""
    shown = ", ".join(clipped(name) for name in names[:NAMED_AT_MOST]) or empty
    more = len(names) - NAMED_AT_MOST
    return shown if more <= 0 else f"{shown} and {more:,} more"


def clipped(value: object) -> str:
    """A user's value for a message, on one line and cut short when long: an id or key in a
    model has no length limit, and a message names it as often as it needs to."""
    text = visible(str(value))
    if len(text) > QUOTE_LIMIT:
        text = text[: QUOTE_LIMIT - 1] + "…"
    return text


def quoted(value: object) -> str:
    """A user's value for a message: quoted, on one line, and cut short when long."""
    return f"'{clipped(value)}'"


SUGGESTED_LENGTH = 100
"""The longest word, and choice, a did-you-mean compares: comparing two texts costs the
square of their length (20 hints against 300 milestone names of 20,000 characters took
82 s), and nobody mistypes a name that long into one close to another."""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word``, or None when nothing is close."""
    if len(word) > SUGGESTED_LENGTH:
        return None
    near = sorted({c for c in choices if len(c) <= SUGGESTED_LENGTH})
    matches = difflib.get_close_matches(word, near, n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A "did you mean" hint naming the closest choice, or None when nothing is close."""
    match = closest(word, choices)
    return f"did you mean {quoted(match)}?" if match else None


_DATE_SHAPE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(text: str) -> tuple[dt.date | None, str]:
    """A YYYY-MM-DD date, or None and what is wrong with it, in words a person can act on."""
    shape = _DATE_SHAPE.match(text)
    if shape is None:
        return None, f"{quoted(text)} is not a date: write it as YYYY-MM-DD, e.g. 2027-03-01"
    year, month, day = (int(part) for part in shape.groups())
    if year == 0:
        return None, f"{quoted(text)} is not a date: there is no year 0000"
    if not 1 <= month <= 12:
        return None, f"{quoted(text)} is not a date: there is no month {month:02}"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return None, (
            f"{quoted(text)} is not a date: {calendar.month_name[month]} {year} has {last} days"
        )
    return dt.date(year, month, day), ""


SUGGESTION_LIMIT = 20
"""Unknown names in one run that get a did-you-mean; later ones are reported without."""

MAX_CANDIDATES = 300
"""Most names one did-you-mean compares against."""


class Suggestions:
    """did-you-mean hints on a budget, so that a file full of unknown names costs time in
    proportion to its problems, not to its problems times the names loaded.

    The first ``limit`` names asked about get a hint, compared against at most
    MAX_CANDIDATES choices (those closest in length); every later one gets none.
    """

    def __init__(self, limit: int = SUGGESTION_LIMIT) -> None:
        self.left = limit

    def hint(self, word: str, choices: Collection[str]) -> str | None:
        if self.left <= 0:
            return None
        self.left -= 1
        if len(choices) > MAX_CANDIDATES:
            choices = heapq.nsmallest(
                MAX_CANDIDATES, choices, key=lambda choice: abs(len(choice) - len(word))
            )
        return did_you_mean(word, choices)
