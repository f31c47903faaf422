"""YAML text to plain Python data plus the position of every key and value.

Built from the C parser's event stream rather than PyYAML's constructors, so that:
- every value keeps its line and column for error messages;
- what YAML allows but gtm-check must refuse is refused where it is written: duplicate keys
  (PyYAML silently keeps the last, so a status written twice would be lost), aliases (an
  alias bomb costs nothing to parse but explodes whatever walks the data), tags other than
  the standard scalar ones (never constructed), several documents in one file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from gtm_check.model.problems import GtmCheckError, Problem, parse_date, quoted

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


@dataclass(frozen=True)
class Positions:
    """Where each value (by its path) and each mapping key (by its entry's path) was written."""

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


@dataclass(frozen=True)
class Source:
    """A YAML file's text and the name it is shown under in messages."""

    path: str
    text: str

    def parse(self) -> Parsed:
        """The document's data; raises GtmCheckError when it is not a usable document."""
        return _parse(self, positions=False)[0]

    def positions(self) -> Positions:
        """Where every key and value was written.

        Recording positions costs memory on every run while they are needed only to report
        a problem or point at a line, so they are found by parsing the text again, here.
        """
        found = _parse(self, positions=True)[1]
        assert found is not None
        return found

    def locate(self, findings: Iterable[Finding]) -> list[Problem]:
        """The findings as located problems (the text is parsed again only if there are any)."""
        findings = list(findings)
        if not findings:
            return []
        positions = self.positions()
        return [
            Problem(self.path, *positions.of(f.loc, key=f.key), f.message, f.hint) for f in findings
        ]


@dataclass
class _Open:
    """A mapping or sequence being built."""

    container: dict[str, Any] | list[Any]
    path: PathKey
    key: str | None = None  # a mapping's key waiting for its value
    key_lines: dict[str, int] = field(default_factory=dict)


class _Builder:
    def __init__(self, path: str, *, positions: bool) -> None:
        self.path = path
        self.data: Any = None
        self.value_problems: list[Problem] = []
        self.broken: set[PathKey] = set()
        self.values: dict[PathKey, Position] | None = {} if positions else None
        self.keys: dict[PathKey, Position] = {}
        self.problems: list[Problem] = []
        self.stack: list[_Open] = []
        self.done = False

    def fail(self, mark: Any, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.path, mark.line + 1, mark.column + 1, message, hint))

    def fail_value(self, mark: Any, message: str) -> None:
        """A problem with the value starting at ``mark``; the document is still whole."""
        path = self.next_path(mark)
        if path is not None:
            self.broken.add(path)
        self.value_problems.append(Problem(self.path, mark.line + 1, mark.column + 1, message))

    def expecting_key(self) -> bool:
        if not self.stack:
            return False
        top = self.stack[-1]
        return top.key is None and isinstance(top.container, dict)

    def next_path(self, mark: Any) -> PathKey | None:
        """The path of the value that starts here, or None when it is a mapping key."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.container, list):
            return (*top.path, len(top.container))
        if top.key is None:
            return None
        return (*top.path, top.key)

    def add(self, value: Any, mark: Any) -> None:
        if self.values is not None:
            path = self.next_path(mark)
            assert path is not None
            self.values[path] = (mark.line + 1, mark.column + 1)
        if not self.stack:
            self.data = value
            self.done = True
            return
        top = self.stack[-1]
        if isinstance(top.container, list):
            top.container.append(value)
        else:
            assert top.key is not None
            top.container[top.key] = value
            top.key = None

    def add_key(self, key: str, mark: Any) -> None:
        top = self.stack[-1]
        assert isinstance(top.container, dict)
        first = top.key_lines.get(key)
        if first is not None:
            # Keep the first value; the error stops the run before anything is scored.
            self.value_problems.append(
                Problem(
                    self.path,
                    mark.line + 1,
                    mark.column + 1,
                    f"duplicate key {quoted(key)} (first written on line {first})",
                )
            )
            key = f"\0duplicate:{key}:{mark.line}:{mark.column}"
        top.key_lines[key] = mark.line + 1
        top.key = key
        if self.values is not None:
            self.keys[(*top.path, key)] = (mark.line + 1, mark.column + 1)

    def open(self, container: dict[str, Any] | list[Any], mark: Any) -> None:
        path = self.next_path(mark)
        if path is None:
            self.fail(mark, "a mapping key must be plain text, not a mapping or list")
            path = (*self.stack[-1].path, f"\0complex:{mark.line}")
            self.stack[-1].key = str(path[-1])
        self.add(container, mark)
        self.stack.append(_Open(container, path))

    def close(self) -> None:
        top = self.stack.pop()
        if isinstance(top.container, dict):
            for key in [k for k in top.container if k.startswith("\0")]:
                del top.container[key]
        if not self.stack:
            self.done = True


def parse(text: str, path: str) -> Parsed:
    """Parse one YAML document: ``Source(path, text).parse()``."""
    return Source(path, text).parse()


def _parse(source: Source, *, positions: bool) -> tuple[Parsed, Positions | None]:
    """Raises GtmCheckError when the text is not a usable document at all (a syntax error,
    an alias, too deep); problems with single values are left in ``Parsed.problems``."""
    builder = _Builder(source.path, positions=positions)
    loader = _Loader(source.text)
    try:
        _walk(loader, builder)
    except yaml.MarkedYAMLError as exc:
        builder.problems.append(_syntax_problem(exc, source))
    except yaml.reader.ReaderError as exc:  # characters YAML does not allow in a file
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = f"character U+{ord(character):04X} is not allowed in YAML ({exc.reason})"
        builder.problems.append(Problem.at_offset(source.path, source.text, exc.position, message))
    except yaml.YAMLError as exc:
        builder.problems.append(Problem(source.path, 1, 1, f"invalid YAML: {exc}"))
    finally:
        loader.dispose()
    if builder.problems:
        raise GtmCheckError(builder.problems)
    parsed = Parsed(builder.data, tuple(builder.value_problems), frozenset(builder.broken))
    found = None if builder.values is None else Positions(builder.values, builder.keys)
    return parsed, found


def _syntax_problem(exc: yaml.MarkedYAMLError, source: Source) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    message = "invalid YAML: " + " ".join(part for part in (exc.context, exc.problem) if part)
    if mark is None:
        return Problem(source.path, 1, 1, message)
    hint = None
    if _char_at(source.text, mark.line, mark.column) == "\t":
        hint = "YAML does not allow tabs for indentation; use spaces"
    elif "mapping values are not allowed" in message:
        return _indented_too_far(source, mark.line) or Problem(
            source.path,
            mark.line + 1,
            mark.column + 1,
            message,
            "text that contains ': ' must be put in quotes",
        )
    return Problem(source.path, mark.line + 1, mark.column + 1, message, hint)


_KEY_VALUE = re.compile(r"^(\s*)(?:- )?([^\s:#][^:#]*):\s+\S")
_KEY = re.compile(r"^(\s*)([^\s:#][^:#]*):")


def _indented_too_far(source: Source, line: int) -> Problem | None:
    """The usual cause of "mapping values are not allowed": a key indented deeper than the
    line above, which already has a value, so the key reads as part of that value."""
    lines = source.text.splitlines()
    if not 0 < line < len(lines):
        return None
    here = _KEY.match(lines[line])
    above = next((text for text in reversed(lines[:line]) if text.strip()), "")
    parent = _KEY_VALUE.match(above)
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


def _walk(loader: Any, builder: _Builder) -> None:
    documents = 0
    depth = 0
    while loader.check_event():
        event = loader.get_event()
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if builder.expecting_key():
                builder.add_key(_key_text(event, builder), event.start_mark)
            else:
                builder.add(_scalar(loader, event, builder), event.start_mark)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            depth += 1
            if depth > MAX_DEPTH:
                builder.fail(event.start_mark, f"nested deeper than {MAX_DEPTH} levels")
                return
            mapping = kind is yaml.MappingStartEvent
            expected = _MAP if mapping else _SEQ
            if event.tag not in (None, "!", expected):
                builder.fail_value(event.start_mark, f"unsupported YAML tag {quoted(event.tag)}")
            builder.open({} if mapping else [], event.start_mark)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            depth -= 1
            builder.close()
        elif kind is yaml.AliasEvent:
            builder.fail(
                event.start_mark,
                f"aliases are not supported (*{event.anchor})",
                "write the value out in full",
            )
            return
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                builder.fail(
                    event.start_mark, "a file holds one YAML document; found a second ('---')"
                )
                return
    if documents == 0 or not builder.done:
        builder.problems.append(Problem(builder.path, 1, 1, "the file is empty"))


def _key_text(event: Any, builder: _Builder) -> str:
    # Keys are always names (fields, item ids): take what was written, so `no:` or `2027:`
    # is the text the user typed rather than a boolean or a number.
    if event.tag not in (None, "!", _STR):
        builder.fail(event.start_mark, f"unsupported YAML tag {quoted(event.tag)}")
    return str(event.value)


def _scalar(loader: Any, event: Any, builder: _Builder) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag not in _SCALAR_TAGS:
        builder.fail_value(event.start_mark, f"unsupported YAML tag {quoted(tag)}")
        return None
    value: str = event.value
    if tag == _STR:
        return value
    if tag == "tag:yaml.org,2002:timestamp":
        if not _DATE.match(value):
            return value  # a date with a time: kept as text, refused where a date is due
        date, why = parse_date(value)
        if date is None:
            builder.fail_value(event.start_mark, why)
        return date
    node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark)
    try:
        return loader.construct_object(node)
    except (ValueError, yaml.YAMLError) as exc:
        builder.fail_value(event.start_mark, f"invalid value {quoted(value)}: {exc}")
        return None


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""
