"""Where each key and value of a YAML document starts and ends in its text, for editing.

The loader's positions (``yamltree``) say where a value starts, which is all an error
message needs; an edit needs where it ends too, and whether a collection is written in
block or flow style. Read from the same parser's events, as character offsets into the text
(the same text, without a byte-order mark, that the loader reads).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from gtm_check.load.yamltree import Source

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What YAML counts as a line break: its line numbers are counted the same way."""


@dataclass
class Node:
    """A scalar, mapping or sequence, and the text it spans."""

    kind: str
    """"scalar", "map" or "seq"."""
    start: int
    end: int
    """Just past its last character: a flow collection's closing bracket, a block
    collection's last value, a scalar's last character (a block scalar's trailing line
    breaks are not part of it)."""
    column: int
    """0-based column of its first character (for a block sequence, of its first dash)."""
    flow: bool = False
    style: str = ""
    """A scalar's quoting: "" plain, "'" or '"' quoted, "|" or ">" block."""
    entries: list[Entry] = field(default_factory=list)
    """A mapping's entries, in the order written."""
    items: list[Node] = field(default_factory=list)
    """A sequence's items, in the order written."""
    _keys: tuple[int, dict[str, Entry]] | None = field(default=None, repr=False, compare=False)
    """``entries`` by key (the first of each), and how many entries that holds: built at
    the first ``get``, again if entries were added since."""

    @property
    def empty(self) -> bool:
        """An empty scalar: nothing written at all (``key:`` with no value)."""
        return self.kind == "scalar" and self.start == self.end

    def get(self, key: str) -> Entry | None:
        """The first entry of ``key``: one look, however many entries (an edit of every
        item of a large launch file looks up each one)."""
        if self._keys is None or self._keys[0] != len(self.entries):
            keys: dict[str, Entry] = {}
            for entry in self.entries:
                keys.setdefault(entry.key, entry)
            self._keys = (len(self.entries), keys)
        return self._keys[1].get(key)


@dataclass
class Entry:
    """One ``key: value`` of a mapping."""

    key: str
    key_start: int
    key_column: int
    value: Node


class Lines:
    """Offsets of the text's lines, counted the way YAML counts them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in _BREAK.finditer(text))]

    def offset(self, mark: Any) -> int:
        return int(self.starts[mark.line] + mark.column)

    def line_of(self, offset: int) -> int:
        low, high = 0, len(self.starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low

    def start_of_line(self, offset: int) -> int:
        return self.starts[self.line_of(offset)]

    def after_line(self, offset: int) -> int:
        """Where the line holding ``offset`` ends, past its line break (the text's end on
        a last line without one)."""
        line = self.line_of(offset)
        return self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)

    def line_text(self, line: int) -> str:
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[line] : end].rstrip("\r\n\x85\u2028\u2029")


def spans(text: str, path: str = "<text>") -> Node:
    """The document's top node. The text must be one document the loader accepts (parsed
    by it first, so that a broken file is reported as ``validate`` reports it)."""
    Source(path, text).parse()
    lines = Lines(text)
    stack: list[Node] = []
    keys: list[tuple[str, int, int] | None] = []
    root: Node | None = None
    events: Iterable[Any] = yaml.parse(text, Loader=_Loader)
    for event in events:
        kind = type(event)
        if kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
            start = lines.offset(event.start_mark)
            node = Node(
                "map" if kind is yaml.MappingStartEvent else "seq",
                start,
                start,
                event.start_mark.column,
                flow=bool(event.flow_style),
            )
            root = _attach(stack, keys, node) or root
            stack.append(node)
            keys.append(None)
        elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
            node = stack.pop()
            keys.pop()
            if node.flow:
                node.end = lines.offset(event.end_mark)
            else:
                children = [e.value for e in node.entries] or node.items
                node.end = max((c.end for c in children), default=node.start)
        elif kind is yaml.ScalarEvent:
            start, end = lines.offset(event.start_mark), lines.offset(event.end_mark)
            if stack and stack[-1].kind == "map" and keys[-1] is None:
                keys[-1] = (event.value, start, event.start_mark.column)
                continue
            style = event.style or ""
            if style in ("|", ">"):
                end = start + len(text[start:end].rstrip())
            node = Node("scalar", start, end, event.start_mark.column, style=style)
            root = _attach(stack, keys, node) or root
    assert root is not None
    return root


def _attach(stack: list[Node], keys: list[tuple[str, int, int] | None], node: Node) -> Node | None:
    """Add ``node`` to the collection being read; return it when it is the top node."""
    if not stack:
        return node
    parent = stack[-1]
    if parent.kind == "seq":
        parent.items.append(node)
        return None
    key = keys[-1]
    assert key is not None
    parent.entries.append(Entry(key[0], key[1], key[2], node))
    keys[-1] = None
    return None
