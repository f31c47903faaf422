"""YAML text to plain Python data plus the position of every key and value.

Built from the C parser's event stream rather than PyYAML's constructors, so that:
- every value keeps its line and column for error messages;
- what YAML allows but gtm-check must refuse is refused where it is written: duplicate keys
  (PyYAML silently keeps the last, so a status written twice would be lost), aliases (an
  alias bomb costs nothing to parse but explodes whatever walks the data), tags other than
  the standard scalar ones (never constructed), several documents in one file.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import yaml

from gtm_check.model.problems import MAX_PROBLEMS, GtmCheckError, Problem, parse_date, quoted

try:  # The C parser is 8-10x faster; the pure-Python one gives identical events.
    from yaml import CSafeLoader as _Loader

    C_PARSER = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    C_PARSER = False
"""Whether PyYAML has its C parser. Without it gtm-check still works, 8-10x slower on
large files, and the command line says so rather than being slow in silence."""

SLOW_PARSER_WARNING = (
    "warning: PyYAML was installed without its C parser (libyaml), so large files parse "
    "8-10x slower; reinstall PyYAML from a wheel that includes it: "
    "pip install --force-reinstall pyyaml"
)

PathKey = tuple[str | int, ...]

MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences accepted; gtm-check's formats need 4."""

LARGE = 4_000
"""A mapping or list of more entries is noted (``Parsed.large``): it is validated in parts."""

MAX_FILE_VALUES = 3_000_000
"""Most values (keys, scalars, mappings and lists) one file may hold. Each becomes a Python
object of 30 to 100 bytes, and more when validated: a 64 MiB file of one-line checklist
items holds 10.8 million and took 2 GB. A 100,000-item launch of benchmarks/generate.py
holds 1.5 million in its checklist, 0.6 million in its launch file."""

MAX_RUN_VALUES = 6_000_000
"""Most values all the files one run keeps loaded may hold together (``ValueBudget``)."""


class ValueBudget:
    """How many more values the files one run keeps loaded may hold (launch files,
    checklists, policies; not the revisions read from git, each let go once scored)."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_RUN_VALUES if limit is None else limit
        self.used = 0

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)


_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


Position = tuple[int, int]
"""1-based (line, column)."""


@dataclass(frozen=True)
class Parsed:
    """A document's plain data (dicts, lists, scalars), and what was wrong with single values."""

    data: Any
    problems: tuple[Problem, ...] = ()
    """Problems with single values (a bad date, a duplicate key); the rest of the data is
    still whole and worth validating, so these are reported along with what that finds."""
    broken: frozenset[PathKey] = frozenset()
    """Paths whose value was replaced by None because of a problem above."""
    large: tuple[PathKey, ...] = ()
    """Paths of the mappings and lists of more than LARGE entries, innermost first."""


@dataclass(frozen=True)
class Positions:
    """Where each value (by its path) and each mapping key (by its entry's path) was written:
    all of them, or those asked for and their ancestors' values (``Source.positions``)."""

    values: Mapping[PathKey, Position]
    keys: Mapping[PathKey, Position]

    def of(self, loc: PathKey, *, key: bool = False) -> Position:
        """Where ``loc`` was written, or where its closest written ancestor was."""
        if key and loc in self.keys:
            return self.keys[loc]
        for end in range(len(loc), -1, -1):
            found = self.values.get(loc[:end])
            if found is not None:
                return found
        return (1, 1)


@dataclass(frozen=True)
class Finding:
    """A problem known by the path of the value it is about, before it is located."""

    loc: PathKey
    message: str
    key: bool = False
    """Point at the mapping key of ``loc`` rather than at its value."""
    hint: str | None = None
    more: int = 0
    """Above 0: stands for this many findings from ``loc`` on, counted, not described."""


class Capped:
    """Findings of one kind in file order, the first MAX_PROBLEMS + 1 described and the rest
    only counted: no more can be listed for a file (``GtmCheckError``), and one more than
    that shows where the unlisted ones start. Describing one (a message, a did-you-mean,
    its position) costs far more than finding it, so the rest cost a count each.

    ``room(loc)`` before describing a finding at ``loc``: True, then ``add`` it; False, it
    was counted."""

    __slots__ = ("_first", "_more", "findings")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self._more = 0
        self._first: PathKey = ()

    def room(self, loc: PathKey) -> bool:
        if len(self.findings) <= MAX_PROBLEMS:
            return True
        if not self._more:
            self._first = loc
        self._more += 1
        return False

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def all(self) -> list[Finding]:
        """The findings described, and one that stands for the rest."""
        if not self._more:
            return self.findings
        return [*self.findings, counted(self._first, self._more)]


_counts = itertools.count()


def counted(loc: PathKey, more: int) -> Finding:
    """A finding that stands for ``more`` counted from ``loc`` on. Each is told apart from
    every other by its message, though it is never shown: problems are told apart by their
    place and message, and two counts at one place are both to be added up."""
    return Finding(loc, f"counted {next(_counts)}", more=more)


MAX_TAG_DIRECTIVES = 100
"""The most ``%TAG`` directives a file may hold (a launch file needs none)."""

_TAG_DIRECTIVE = re.compile(r"^%TAG[ \t]", re.MULTILINE)


class Source:
    """A YAML file's text and the name it is shown under in messages.

    A file that can be read again (``reread``) lets its text go once it is parsed
    (``release``): the text is wanted again only for positions, to report a problem or to
    point at a line, and is read again then. At 100,000 items the texts of a launch file
    and its checklist are 40 MB of the run's peak memory (benchmarks/README.md).
    """

    __slots__ = ("_length", "_reread", "_text", "_values", "path")

    def __init__(
        self,
        path: str,
        text: str,
        reread: Callable[[], str] | None = None,
        values: ValueBudget | None = None,
    ) -> None:
        self.path = path
        self._text: str | None = text
        self._length = len(text)
        self._reread = reread
        self._values = values
        """The run's budget its values count against, until they are counted (once)."""

    def __repr__(self) -> str:
        return f"Source({self.path!r})"

    @property
    def text(self) -> str:
        """The text, read again if it was let go; a problem if the file changed meanwhile."""
        if self._text is not None:
            return self._text
        assert self._reread is not None  # only a source that can read it again lets it go
        text = self._reread()
        if len(text) != self._length:
            raise GtmCheckError.single(
                self.path, "changed while gtm-check was reading it; run gtm-check again"
            )
        return text

    def release(self) -> None:
        """Let the text go, if it can be read again."""
        if self._reread is not None:
            self._text = None

    def parse(self) -> Parsed:
        """The document's data; raises GtmCheckError when it is not a usable document.

        Inside ``parsed_once()``, a text parsed before is not parsed again: its data is
        shared, so a caller that changes it works on a copy.
        """
        key = (self.path, self.text)
        if _remembered is not None and key in _remembered:
            return _remembered[key]
        self._refuse_many_directives()
        budget, self._values = self._values, None
        limit = MAX_FILE_VALUES if budget is None else min(MAX_FILE_VALUES, budget.left)
        try:
            try:
                parsed, count, _ = _parse(self, positions=False, limit=limit)
            except _Duplicate:
                parsed, count, _ = _parse(self, positions=True, limit=limit)
        except _TooMany as exc:
            raise GtmCheckError([self._too_many(exc.at, budget)]) from None
        if budget is not None:
            budget.used += count
        if _remembered is not None:
            _remembered[key] = parsed
        return parsed

    def _refuse_many_directives(self) -> None:
        """At most ``MAX_TAG_DIRECTIVES`` ``%TAG`` lines: the parser compares each with every
        one before it (160,000 in 4 MB took 51 s to read, a file that was then valid)."""
        found = _TAG_DIRECTIVE.finditer(self.text)
        past = next(itertools.islice(found, MAX_TAG_DIRECTIVES, None), None)
        if past is not None:
            line = self.text.count("\n", 0, past.start())
            raise GtmCheckError.single(
                self.path,
                f"more than {MAX_TAG_DIRECTIVES} %TAG directives; gtm-check reads at most "
                f"{MAX_TAG_DIRECTIVES} in a file",
                line=line + 1,
                column=1,
            )

    def _too_many(self, at: Position, budget: ValueBudget | None) -> Problem:
        """The problem at the first value past the file's limit or the run's."""
        what = "(keys, values, lists and mappings)"
        if budget is None or budget.left >= MAX_FILE_VALUES:
            message = (
                f"the file holds more than {MAX_FILE_VALUES:,} values {what}; "
                f"gtm-check reads at most {MAX_FILE_VALUES:,} from one file"
            )
        else:
            message = (
                f"reading this file takes the run past its limit of {budget.limit:,} values "
                f"{what} for all files together"
            )
        return Problem(self.path, *at, message)

    def positions(
        self, values: Collection[PathKey] | None = None, keys: Collection[PathKey] = ()
    ) -> Positions:
        """Where every key and value was written; or, given ``values`` or ``keys``, only
        where those values and those mapping keys were written, and the value of every
        ancestor of them (what ``Positions.of`` falls back to).

        Recording positions costs memory on every run while they are needed only to report
        a problem or point at a line, so they are found by parsing the text again, here.
        Asked for some, the walk builds no data and steps over every mapping and list
        that holds none of them. ``audit -f github`` of a 100,000-item launch asks for
        each item's key: recording every position and building the data again raised its
        peak from the load's, 0.58x the lean floor's, to 1.21x (benchmarks/README.md);
        now the load's is its peak.
        """
        source = self if self._text is not None else Source(self.path, self.text)
        if values is None and not keys:
            found = _parse(source, positions=True, limit=MAX_FILE_VALUES)[2]
            assert found is not None
            return found
        return _positions_of(source, set(values or ()), set(keys))

    def locate(self, findings: Iterable[Finding]) -> list[Problem]:
        """The findings as located problems (the text is parsed again only if there are any)."""
        findings = list(findings)
        if not findings:
            return []
        # Only the places asked for: recording every position of a large file costs memory
        # in proportion to the file, not to the (at most a few thousand) findings.
        positions = self.positions([f.loc for f in findings], [f.loc for f in findings if f.key])
        return [
            Problem(self.path, *positions.of(f.loc, key=f.key), f.message, f.hint, f.more)
            for f in findings
        ]


_remembered: dict[tuple[str, str], Parsed] | None = None
"""Texts parsed inside ``parsed_once()``, by name and text; None outside it."""


@contextmanager
def parsed_once() -> Iterator[None]:
    """Within the block, each text is parsed once. An edit reads the launch file, checks its
    new text reads back as meant, and validates it: the same two texts, each wanted several
    times. Only for a short block: what it parses stays in memory until the block ends."""
    global _remembered
    outer = _remembered
    _remembered = {} if outer is None else outer
    try:
        yield
    finally:
        _remembered = outer


@dataclass
class _Walked:
    """What a walk found: the data, and the problems that stop the run or only a value."""

    data: Any = None
    done: bool = False
    problems: list[Problem] = field(default_factory=list)
    value_problems: _ValueProblems = field(default_factory=lambda: _ValueProblems())
    broken: set[PathKey] = field(default_factory=set)
    large: list[PathKey] = field(default_factory=list)
    count: int = 0
    """The values built: keys, scalars, mappings and lists."""


class _ValueProblems(list[Problem]):
    """Problems with single values in file order: the first MAX_PROBLEMS + 1 kept, the rest
    counted (``Capped``), so that a file of a million duplicate keys does not hold a
    million messages."""

    more = 0
    first: Problem | None = None

    def append(self, problem: Problem) -> None:
        if len(self) <= MAX_PROBLEMS:
            super().append(problem)
            return
        self.first = self.first or problem
        self.more += 1

    def all(self) -> tuple[Problem, ...]:
        if self.first is None:
            return tuple(self)
        at = self.first
        return (
            *self,
            Problem(at.path, at.line, at.column, f"counted {next(_counts)}", more=self.more),
        )


class _TooMany(Exception):
    """The walk passed the values it may build; ``at`` is where the first one past is."""

    def __init__(self, at: Position) -> None:
        super().__init__(at)
        self.at = at


class _Duplicate(Exception):
    """A duplicate key found while positions are not recorded: its message names the line
    of the first, so the text is walked again, recording them (an error run, never hot)."""


def parse(text: str, path: str) -> Parsed:
    """Parse one YAML document: ``Source(path, text).parse()``."""
    return Source(path, text).parse()


def _parse(source: Source, *, positions: bool, limit: int) -> tuple[Parsed, int, Positions | None]:
    """The data, how many values it holds, and the positions when recorded.

    Raises GtmCheckError when the text is not a usable document at all (a syntax error,
    an alias, too deep), _TooMany at the value past ``limit``; problems with single values
    are left in ``Parsed.problems``."""
    walked = _Walked()
    values: dict[PathKey, Position] | None = {} if positions else None
    keys: dict[PathKey, Position] = {}
    _events(
        source,
        walked.problems,
        lambda loader: _walk(loader, source.path, walked, values, keys, limit),
    )
    parsed = Parsed(
        walked.data, walked.value_problems.all(), frozenset(walked.broken), tuple(walked.large)
    )
    found = None if values is None else Positions(values, keys)
    return parsed, walked.count, found


_HIDDEN_BREAKS = {
    "\u2028": ("U+2028 (line separator)", "\\u2028"),
    "\u2029": ("U+2029 (paragraph separator)", "\\u2029"),
    "\x85": ("U+0085 (next line)", "\\x85"),
}
_LONE_CR = re.compile(r"\r(?!\n)")


def _hidden_break(source: Source) -> Problem | None:
    """A line break YAML reads where editors, diffs and grep see none: U+2028, U+2029 and
    U+0085 (line breaks in YAML 1.1, which the parser follows) and a carriage return not
    followed by a line feed. A pull request could hide ``release-gate: done`` behind a
    comment on what every reviewer sees as one line, so the file is refused at the first
    one. Written as an escape (``"\\u2028"``) in a double-quoted string, it is a character
    like any other. Plain searches: 0.3 ms for a 100,000-item (9 MB) launch file."""
    text = source.text
    found: list[tuple[int, str, str]] = []
    for character, (name, escape) in _HIDDEN_BREAKS.items():
        at = text.find(character)
        if at >= 0:
            found.append((at, name, escape))
    if "\r" in text and (match := _LONE_CR.search(text)) is not None:
        found.append((match.start(), "a carriage return not followed by a line feed", "\\r"))
    if (bom := text.find("\n\ufeff")) >= 0:
        found.append((bom + 1, _LINE_BOM, "\\ufeff"))
    if not found:
        return None
    at, name, escape = min(found)
    if name == _LINE_BOM:
        # The parser skips it: a line after a key with no value then reads as nested
        # under that key while every reviewer sees it at the top level.
        message = (
            "a byte-order mark (U+FEFF) starts this line: YAML skips it, editors show "
            "nothing, so the line is not read as a reviewer sees it; remove it, or write it as "
            'an escape in a double-quoted string ("\\ufeff")'
        )
    else:
        message = (
            f"{name} is a line break to YAML but not to editors, diffs or grep, so what is "
            "read here is not the line a reviewer sees; remove it, or write it as an escape "
            f'in a double-quoted string ("{escape}")'
        )
    return Problem.at_offset(source.path, text, at, message)


_LINE_BOM = "a byte-order mark at the start of a line"


def _events(source: Source, problems: list[Problem], walk: Callable[[Any], None]) -> None:
    """Run ``walk`` over the parser of ``source``'s text; raises GtmCheckError when the
    text is not a usable document (into ``problems``, with what the walk found)."""
    hidden = _hidden_break(source)
    if hidden is not None:
        raise GtmCheckError([hidden])
    try:
        loader = _Loader(source.text)
    except UnicodeEncodeError as exc:
        # A lone surrogate: text no file can hold (bytes that were not UTF-8, kept by the
        # system as they came), which only an edit could bring here.
        problem = Problem.at_offset(source.path, source.text, exc.start, "not valid UTF-8 text")
        raise GtmCheckError([problem]) from None
    try:
        walk(loader)
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(exc, source))
    except yaml.reader.ReaderError as exc:  # characters YAML does not allow in a file
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = f"character U+{ord(character):04X} is not allowed in YAML ({exc.reason})"
        problems.append(Problem.at_offset(source.path, source.text, exc.position, message))
    except yaml.YAMLError as exc:
        problems.append(Problem(source.path, 1, 1, f"invalid YAML: {exc}"))
    finally:
        loader.dispose()
    if problems:
        raise GtmCheckError(problems)


def _syntax_problem(exc: yaml.MarkedYAMLError, source: Source) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    message = "invalid YAML: " + " ".join(part for part in (exc.context, exc.problem) if part)
    if mark is None:
        return Problem(source.path, 1, 1, message)
    if _char_at(source.text, mark.line, mark.column) == "\t":
        return Problem(
            source.path,
            mark.line + 1,
            mark.column + 1,
            "a tab indents this line, and YAML indents with spaces only",
            "use spaces",
        )
    if found := _misindented(source, exc):
        return found
    if "mapping values are not allowed" in message:
        return _indented_too_far(source, mark.line) or Problem(
            source.path,
            mark.line + 1,
            mark.column + 1,
            "a ': ' inside this value reads as the start of another key",
            "text that contains ': ' must be put in quotes",
        )
    for context, (what, end) in _FLOW.items():
        start = exc.context_mark
        if (exc.context or "").startswith(context) and start is not None:
            # Said where the brackets open: PyYAML notices the missing one lines later.
            return Problem(
                source.path,
                start.line + 1,
                start.column + 1,
                f"the {what} that starts here needs ',' between its entries and '{end}' at its end",
                "text that contains ': ', ',' or brackets must be put in quotes",
            )
    return Problem(source.path, mark.line + 1, mark.column + 1, message)


_FLOW = {
    "while parsing a flow mapping": ("'{…}' mapping", "}"),
    "while parsing a flow sequence": ("'[…]' list", "]"),
}


_KEY_VALUE = re.compile(r"^(\s*)(?:- )?([^\s:#][^:#]*):\s+\S")
_KEY = re.compile(r"^(\s*)([^\s:#][^:#]*):")
_ENTRY = re.compile(r"^(\s*)(- [^:#]*)$")


def _indented_too_far(source: Source, line: int) -> Problem | None:
    """The usual cause of "mapping values are not allowed": a key indented deeper than the
    line above, which already has a value, so the key reads as part of that value."""
    lines = source.text.splitlines()
    if not 0 < line < len(lines):
        return None
    here = _KEY.match(lines[line])
    above = next((text for text in reversed(lines[:line]) if text.strip()), "")
    parent = _KEY_VALUE.match(above)
    entry = _ENTRY.match(above)
    if here is not None and parent is None and entry and len(here[1]) > len(entry[1]):
        return Problem(
            source.path,
            line + 1,
            len(here[1]) + 1,
            f"{quoted(here[2].strip())} is indented deeper than the list entry "
            f"{quoted(entry[2].strip())} on the line above, so it reads as part of it",
            "indent it exactly as far as the key it belongs with",
        )
    if here is None or parent is None or len(here[1]) <= len(parent[1]):
        return None
    key, other = here[2].strip(), parent[2].strip()
    return Problem(
        source.path,
        line + 1,
        len(here[1]) + 1,
        f"{quoted(key)} is indented deeper than {quoted(other)} on the line above, which "
        f"already has a value",
        f"indent {quoted(key)} exactly as far as {quoted(other)}",
    )


@dataclass(frozen=True)
class _Level:
    """A line that opens a block the lines below it may belong to: its indentation and name."""

    line: int  # 1-based
    indent: int
    name: str


def _misindented(source: Source, exc: yaml.MarkedYAMLError) -> Problem | None:
    """A block that did not end where PyYAML expected, said as what the person did: a line
    indented between two levels (less than the line above, more than the one it would
    otherwise belong to), or a line that is neither ``key: value`` nor ``- entry``.

    PyYAML finds the second kind one line late (where it gave up looking for the ':'): its
    context mark is the line at fault.
    """
    lines = source.text.splitlines()
    context = exc.context or ""
    if context.startswith("while scanning a simple key") and exc.context_mark is not None:
        return _not_a_key(source, lines, exc.context_mark.line)
    mark = exc.problem_mark
    if not context.startswith(_BLOCKS) or mark is None or not 0 <= mark.line < len(lines):
        return None
    text = lines[mark.line]
    indent = len(text) - len(text.lstrip(" "))
    levels = _levels_above(lines, mark.line)
    deeper = [level for level in levels if level.indent > indent]
    shallower = [level for level in levels if level.indent < indent]
    if mark.column == indent and not deeper:  # deeper than every line above it
        return _indented_too_far(source, mark.line)
    if mark.column != indent or not deeper or not shallower:
        return None
    upper, lower = deeper[-1], shallower[0]
    return Problem(
        source.path,
        mark.line + 1,
        indent + 1,
        f"{_name(text)} is indented {_spaces(indent)}: less than {upper.name} on line "
        f"{upper.line} ({_spaces(upper.indent)}), more than {lower.name} on line {lower.line} "
        f"({_spaces(lower.indent)})",
        "indent it exactly as far as the one it belongs with",
    )


_BLOCKS = ("while parsing a block mapping", "while parsing a block collection")


def _levels_above(lines: list[str], line: int) -> list[_Level]:
    """The lines above ``line`` whose blocks are still open there, deepest first: the
    nearest line with content, then each line above it indented less than the last."""
    levels: list[_Level] = []
    for number in range(line - 1, -1, -1):
        text = lines[number]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text) - len(text.lstrip(" "))
        if levels and indent >= levels[-1].indent:
            continue
        entry = re.match(r"^(\s*-\s+)(?=\S)", text)
        if entry and (not levels or len(entry[1]) < levels[-1].indent):
            levels.append(_Level(number + 1, len(entry[1]), _name(text[len(entry[1]) :])))
        levels.append(_Level(number + 1, indent, _name(text)))
        if indent == 0:
            break
    return levels


def _not_a_key(source: Source, lines: list[str], line: int) -> Problem:
    text = lines[line].strip() if 0 <= line < len(lines) else ""
    hint = "a list entry needs a space after '-'" if re.match(r"^-[^\s-]", text) else None
    return Problem(
        source.path,
        line + 1,
        len(lines[line]) - len(lines[line].lstrip(" ")) + 1 if text else 1,
        f"{quoted(text)} is neither 'key: value' nor a list entry '- value'",
        hint or "is the ':' after the key missing?",
    )


def _name(text: str) -> str:
    """A line as a message names it: its key, or its list entry."""
    key = _KEY.match(text)
    return quoted(key[2].strip() if key else text.strip())


def _spaces(count: int) -> str:
    return f"{count} space" + ("" if count == 1 else "s")


_RESOLVED_FIRST = frozenset(_Loader.yaml_implicit_resolvers)
"""First characters (and '' for the empty value) where some implicit YAML 1.1 type (bool,
null, int, float, timestamp, merge, value) may match: a plain scalar starting with any other
character is text, as PyYAML's resolver would say, without asking it."""
_RESOLVE_ALL = None in _RESOLVED_FIRST  # a resolver for any first character: ask every time
_REMEMBERED = 40
"""Plain scalars up to this long that needed the resolver have their value remembered for
the rest of the file (statuses, dates, owners repeat): one dictionary look-up next time."""
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _walk(
    loader: Any,
    name: str,
    out: _Walked,
    values: dict[PathKey, Position] | None,
    keys: dict[PathKey, Position],
    limit: int,
) -> None:
    """Build the data from the parser's events into ``out``; ``values`` and ``keys`` get
    positions when they are recorded (``values`` is None when they are not). Raises
    _TooMany at the value past ``limit``: before it is built, so that what a file holds
    cannot take the run's memory past a bound.

    Long because it is the hot path of every run: one loop over every event with the
    state of the open mapping or sequence in local variables, each step written inline.
    """
    problems, value_problems = out.problems, out.value_problems
    get_event = loader.get_event
    remembered: dict[str, tuple[Any, str | None]] = {}
    stack: list[tuple[Any, PathKey, bool, bool]] = []
    # The mapping or sequence being built (None: the top), its path, whether it is a
    # mapping, whether it holds stand-in keys to drop, and a mapping's key waiting.
    cont: Any = None
    cpath: PathKey = ()
    cdict = False
    dirty = False
    ckey: str | None = None
    depth = 0
    documents = 0
    left = limit
    while True:
        event = get_event()
        kind = type(event)
        if kind is yaml.ScalarEvent:
            left -= 1
            if left < 0:
                _past(event, out, limit)
            value = event.value
            if cdict and ckey is None:
                # Keys are always names (fields, item ids): take what was written, so `no:`
                # or `2027:` is the text the user typed rather than a boolean or a number.
                tag = event.tag
                if tag is not None and tag != "!" and tag != _STR:
                    mark = event.start_mark
                    problems.append(
                        Problem(
                            name,
                            mark.line + 1,
                            mark.column + 1,
                            f"unsupported YAML tag {quoted(tag)}",
                        )
                    )
                if value in cont:
                    if values is None:
                        raise _Duplicate
                    mark = event.start_mark
                    first = keys[(*cpath, value)][0]
                    # Keep the first value; the error stops the run before anything is scored.
                    value_problems.append(
                        Problem(
                            name,
                            mark.line + 1,
                            mark.column + 1,
                            f"duplicate key {quoted(value)} (first written on line {first})",
                        )
                    )
                    value = f"\0duplicate:{value}:{mark.line}:{mark.column}"
                    dirty = True
                ckey = value
                if values is not None:
                    mark = event.start_mark
                    keys[(*cpath, value)] = (mark.line + 1, mark.column + 1)
                continue
            tag = event.tag
            why: str | None = None
            if tag is None and value and not _RESOLVE_ALL and value[0] not in _RESOLVED_FIRST:
                pass  # text, plain or quoted
            elif tag is None and not event.implicit[0]:
                pass  # quoted: text whatever it looks like
            elif tag is None and value in remembered:
                value, why = remembered[value]
            else:
                text = value
                value, why = _scalar(loader, event)
                if tag is None and len(text) <= _REMEMBERED:
                    remembered[text] = (value, why)
            if cont is None:
                path: PathKey = ()
            elif cdict:
                path = (*cpath, ckey)  # type: ignore[arg-type]  # ckey is set: not a key
            else:
                path = (*cpath, len(cont))
            if why is not None:
                mark = event.start_mark
                out.broken.add(path)
                value_problems.append(Problem(name, mark.line + 1, mark.column + 1, why))
            if values is not None:
                mark = event.start_mark
                values[path] = (mark.line + 1, mark.column + 1)
            if cdict:
                cont[ckey] = value
                ckey = None
            elif cont is not None:
                cont.append(value)
            else:
                out.data = value
                out.done = True
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            left -= 1
            if left < 0:
                _past(event, out, limit)
            depth += 1
            mark = event.start_mark
            if depth > MAX_DEPTH:
                problems.append(
                    Problem(
                        name,
                        mark.line + 1,
                        mark.column + 1,
                        f"nested deeper than {MAX_DEPTH} levels",
                    )
                )
                return
            mapping = kind is yaml.MappingStartEvent
            tag = event.tag
            if tag is not None and tag != "!" and tag != (_MAP if mapping else _SEQ):
                if cont is None:
                    out.broken.add(())
                elif not cdict:
                    out.broken.add((*cpath, len(cont)))
                elif ckey is not None:
                    out.broken.add((*cpath, ckey))
                value_problems.append(
                    Problem(
                        name, mark.line + 1, mark.column + 1, f"unsupported YAML tag {quoted(tag)}"
                    )
                )
            new: Any = {} if mapping else []
            if cont is None:
                path = ()
                out.data = new
                out.done = True
            elif cdict:
                if ckey is None:
                    problems.append(
                        Problem(
                            name,
                            mark.line + 1,
                            mark.column + 1,
                            "a mapping key must be plain text, not a mapping or list",
                        )
                    )
                    ckey = f"\0complex:{mark.line}"
                    dirty = True
                path = (*cpath, ckey)
                cont[ckey] = new
                ckey = None
            else:
                path = (*cpath, len(cont))
                cont.append(new)
            if values is not None:
                values[path] = (mark.line + 1, mark.column + 1)
            stack.append((cont, cpath, cdict, dirty))
            cont, cpath, cdict, dirty = new, path, mapping, False
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            depth -= 1
            if dirty:
                for key in [k for k in cont if k.startswith("\0")]:
                    del cont[key]
            if len(cont) > LARGE:
                out.large.append(cpath)
            cont, cpath, cdict, dirty = stack.pop()
            ckey = None
            if cont is None:
                out.done = True
        elif kind is yaml.AliasEvent:
            mark = event.start_mark
            problems.append(
                Problem(
                    name,
                    mark.line + 1,
                    mark.column + 1,
                    f"aliases are not supported (*{event.anchor})",
                    "write the value out in full",
                )
            )
            return
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                mark = event.start_mark
                problems.append(
                    Problem(
                        name,
                        mark.line + 1,
                        mark.column + 1,
                        "a file holds one YAML document; found a second ('---')",
                    )
                )
                return
        elif event is None or kind is yaml.StreamEndEvent:
            break
    out.count = limit - left
    if documents == 0 or not out.done:
        problems.append(Problem(name, 1, 1, "the file is empty"))


def _past(event: Any, out: _Walked, limit: int) -> None:
    """Stop the walk at ``event``, the first value past ``limit``; what was built goes."""
    out.data = None
    mark = event.start_mark
    raise _TooMany((mark.line + 1, mark.column + 1))


def _positions_of(source: Source, values: set[PathKey], keys: set[PathKey]) -> Positions:
    """The positions of ``values`` and ``keys`` alone (``Source.positions``)."""
    inner = {path[:end] for path in (*values, *keys) for end in range(len(path))}
    found_values: dict[PathKey, Position] = {}
    found_keys: dict[PathKey, Position] = {}

    def walk(loader: Any) -> None:
        _walk_positions(loader, values | inner, keys, inner, found_values, found_keys)

    _events(source, [], walk)
    return Positions(found_values, found_keys)


_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _walk_positions(
    loader: Any,
    values: set[PathKey],
    keys: set[PathKey],
    inner: set[PathKey],
    found_values: dict[PathKey, Position],
    found_keys: dict[PathKey, Position],
) -> None:
    """Record where each value in ``values`` and each key in ``keys`` was written, entering
    only the mappings and lists on the way to one (``inner``); the rest is stepped over,
    its events counted, nothing built. The file was walked in full when it was loaded,
    so what that refused is not looked for again; where a value is written twice (a
    duplicate key), the first is kept, as there.

    Long because, like ``_walk``, it is one loop over every event of the file with its
    state in local variables, each step inline."""
    get_event = loader.get_event
    stack: list[tuple[PathKey | None, bool, int]] = []
    # The open mapping or list's path (None: the top), whether it is a mapping, the next
    # entry's index in a list, and in a mapping the path of the key waiting for its value.
    cpath: PathKey | None = None
    cdict = False
    index = 0
    kpath: PathKey | None = None
    skip = 0  # how deep inside a mapping or list that is stepped over
    # Once each place asked for is found, the rest of the file cannot hold one: a few
    # problems near the top of a large file are located without walking all of it.
    wanted = len(values) + len(keys)
    while True:
        event = get_event()
        kind = type(event)
        if skip:
            if kind in _OPEN:
                skip += 1
            elif kind in _CLOSE:
                skip -= 1
            continue
        if kind is yaml.ScalarEvent or kind in _OPEN:
            mark = event.start_mark
            if cdict and kpath is None:
                assert cpath is not None  # a mapping is open
                if kind is not yaml.ScalarEvent:  # a mapping or list as a key: no path
                    kpath, skip = (*cpath, "\0complex"), 1
                    continue
                kpath = (*cpath, event.value)
                if kpath in keys and kpath not in found_keys:
                    found_keys[kpath] = (mark.line + 1, mark.column + 1)
                    wanted -= 1
                    if not wanted:
                        break
                continue
            if cpath is None:
                path: PathKey = ()
            elif cdict:
                assert kpath is not None
                path, kpath = kpath, None
            else:
                path = (*cpath, index)
                index += 1
            first = path not in found_values  # else a duplicate key's: stepped over
            if first and path in values:
                found_values[path] = (mark.line + 1, mark.column + 1)
                wanted -= 1
                if not wanted:
                    break
            if kind is yaml.ScalarEvent:
                continue
            if first and path in inner:
                stack.append((cpath, cdict, index))
                cpath, cdict, index = path, kind is yaml.MappingStartEvent, 0
            else:
                skip = 1
        elif kind in _CLOSE:
            cpath, cdict, index = stack.pop()
            kpath = None
        elif event is None or kind is yaml.StreamEndEvent:
            break


def _scalar(loader: Any, event: Any) -> tuple[Any, str | None]:
    """A scalar's value the way PyYAML's resolver and constructors read it, and what is
    wrong with it (None: nothing)."""
    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag not in _SCALAR_TAGS:
        return None, f"unsupported YAML tag {quoted(tag)}"
    value: str = event.value
    if tag == _STR:
        return value, None
    if tag == _TIMESTAMP:
        if not _DATE.match(value):
            return value, None  # a date with a time: kept as text, refused where a date is due
        date, why = parse_date(value)
        return date, (why if date is None else None)
    if len(value) > MAX_BASE_60 and tag in _NUMBERS and ":" in value:
        return None, _unreadable(tag, value)
    node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark)
    try:
        number = loader.construct_object(node)
        if isinstance(number, int) and MAX_DIGITS and abs(number) >= _TOO_LONG:
            # Hex (0x…) and YAML 1.1 octal (0…) of any length are read, but such a number
            # cannot be shown in decimal: a message naming it was an internal error.
            return None, (
                f"invalid whole number {quoted(value)}: it has more than {MAX_DIGITS:,} "
                "digits written in decimal"
            )
        return number, None
    except (ValueError, LookupError, OverflowError, yaml.YAMLError):
        # `!!bool y` (KeyError), an empty `!!int` (IndexError) and a whole number longer
        # than Python reads (ValueError) too: refused in our words, not a crash.
        return None, _unreadable(tag, value)
    finally:
        # PyYAML keeps every node it constructs, marks and all, until the loader goes (for
        # aliases, which gtm-check refuses): 3 million numbers took 1.7 GB.
        loader.constructed_objects.pop(node, None)


_KINDS = {
    "tag:yaml.org,2002:int": "whole number",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:bool": "true/false value",
    "tag:yaml.org,2002:null": "null",
}
MAX_DIGITS = sys.get_int_max_str_digits() or None
"""The longest whole number Python reads from text (4,300 digits unless changed)."""
_TOO_LONG = 10**MAX_DIGITS if MAX_DIGITS else 0
"""The least whole number of more than MAX_DIGITS decimal digits."""


_NUMBERS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
MAX_BASE_60 = 100
"""The longest YAML 1.1 base-60 number read (``1:30`` is 90): reading one costs time
quadratic in its length (a 600 KB one took 17 s) and a long float one overflows."""


def _unreadable(tag: str, value: str) -> str:
    """Why a scalar of a known tag cannot be read, in plain words."""
    message = f"invalid {_KINDS.get(tag, 'value')} {quoted(value)}"
    if tag in _NUMBERS and ":" in value and len(value) > MAX_BASE_60:
        return message + f": a base-60 number (with ':') is read up to {MAX_BASE_60} characters"
    digits = sum(character.isdigit() for character in value)
    if tag == "tag:yaml.org,2002:int" and MAX_DIGITS and digits > MAX_DIGITS:
        message += f": it has more than {MAX_DIGITS:,} digits"
    return message


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""
