"""Edits to a launch file's text that change only the lines they must: pure text to text.

Each edit finds what it changes by the parser's own positions (``yamlspans``) and replaces
those characters, or inserts whole lines: comments, blank lines, key order, quoting, flow
style, indentation and line endings elsewhere stay as they were, byte for byte. Each then
parses its result and compares it with the data it meant to write; any difference (a form
of YAML it did not foresee) is refused rather than written.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from gtm_check.authoring.yamlspans import Entry, Lines, Node, spans
from gtm_check.load.yamltree import Source
from gtm_check.model.problems import GtmCheckError, quoted

Value = str | dt.date
STATE_KEYS = ("status", "owner", "due", "evidence", "note", "done_on")
WAIVER_KEYS = ("item", "reason", "approved_by", "expires")
INDENT = "  "
"""For the first entry of a list or mapping the file does not have yet."""
CANNOT_EDIT = (
    "gtm-check cannot make this change without touching other lines of this file (a form "
    "of YAML it does not edit); nothing was written: edit the file by hand"
)
UNEDITABLE = (
    "gtm-check cannot read the value it would change in the form this file writes it (a "
    "%TAG directive, a block scalar); nothing was written: edit the file by hand"
)


@dataclass(frozen=True)
class Placement:
    """Where a new item goes under ``items:``: by rank (stage, then checklist order, as
    ``init`` writes them; ``ranks`` holds every loaded item's), with the comment ``init``
    gives it."""

    ranks: Mapping[str, tuple[int, int]]
    comment: str = ""


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


class _Doc:
    """The text being edited, its lines, its top node and its line break."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.root = spans(text, path)
        self.lines = Lines(text)
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.above: dict[int, int] = {}
        """Where the comment lines above each line start begin (``_above_comments``)."""
        self.given = text
        """The text as given (``text`` is what the edits read)."""
        self._data: Any = None
        self.inner: dict[tuple[int, int], int] = {}
        """Where the comment lines inside the entry above a place end (``new_lines``)."""
        if self.root.kind != "map" or self.root.flow:
            raise GtmCheckError.single(
                path, "the launch file is not a block mapping at the top; edit it by hand"
            )

    @property
    def data(self) -> Any:
        """The text's data, as the loader reads it: parsed once, for the waivers' items and
        for the check of the result (shared: a caller that changes it works on a copy)."""
        if self._data is None:
            self._data = Source(self.path, self.given).parse().data
        return self._data

    def refusal(self, offset: int, message: str) -> GtmCheckError:
        """An edit refused at the value that makes it so (``offset`` into the text)."""
        line = self.lines.line_of(offset)
        column = offset - self.lines.starts[line] + 1
        return GtmCheckError.single(self.path, message, line=line + 1, column=column)

    def apply(self, edits: Sequence[_Edit]) -> str:
        """The text with every edit made; edits at the same place land in the order given.
        One pass over the text, however many edits (each edit copying the whole text made
        an edit of every item of a large file take minutes); edits do not overlap."""
        ordered = sorted(enumerate(edits), key=lambda e: (e[1].start, e[1].end, e[0]))
        pieces, at = [], 0
        for _, edit in ordered:
            if edit.start < at:
                raise self.refusal(edit.start, CANNOT_EDIT)
            pieces += [self.text[at : edit.start], edit.text]
            at = edit.end
        pieces.append(self.text[at:])
        return "".join(pieces)

    def new_lines(self, after: int, lines: Sequence[str]) -> _Edit:
        """Whole lines inserted after the line holding offset ``after``, and after the
        comment lines right below it indented deeper than the first new line: written
        inside the entry above, they stay with it rather than go into the new one."""
        at = self.lines.after_line(after)
        if lines and at < len(self.text):
            at = self._past_inner_comments(at, len(lines[0]) - len(lines[0].lstrip(" ")))
        block = "".join(line + self.newline for line in lines)
        if at == len(self.text) and self.text and not self.text.endswith(("\n", "\r")):
            block = self.newline + block
        return _Edit(at, at, block)

    def _past_inner_comments(self, at: int, indent: int) -> int:
        """The start of the first line from ``at`` on that is not a comment indented deeper
        than ``indent``: walked once for each place and indentation."""
        if (at, indent) not in self.inner:
            line = self.lines.line_of(at)
            while line < len(self.lines.starts):
                text = self.lines.line_text(line)
                content = text.lstrip(" ")
                if not content.startswith("#") or len(text) - len(content) <= indent:
                    break
                line += 1
            end = self.lines.starts[line] if line < len(self.lines.starts) else len(self.text)
            self.inner[(at, indent)] = end
        return self.inner[(at, indent)]

    def at_end(self, lines: Sequence[str]) -> _Edit:
        return self.new_lines(len(self.text), lines)


def scalar(value: Value, *, flow: bool = False, quote: str = "") -> str:
    """``value`` as a YAML scalar that reads back as exactly that text (or date): plain
    where plain is safe, else in double quotes (a JSON string is a YAML one)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if quote == "'" and "'" not in value and _printable(value):
        return f"'{value}'"
    if quote != '"' and _plain_is_safe(value, flow=flow):
        return value
    text = json.dumps(value, ensure_ascii=False)
    # What JSON leaves raw and YAML does not read: its line breaks (U+0085, U+2028, U+2029),
    # DEL, C1 controls, lone surrogates and U+FFFE/U+FFFF, each as an escape.
    return _UNREADABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_UNREADABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


_PLAIN = re.compile(r"^[A-Za-z0-9_./+~(][^\n\r\t#]*$")
"""What may be written plain: not starting with an indicator (``@`` and a backtick are
reserved: YAML reads neither at the start of a plain scalar)."""
_RESOLVER = yaml.resolver.Resolver()


def _printable(value: str) -> bool:
    return value.isprintable() and value == value.strip()


def _plain_is_safe(value: str, *, flow: bool) -> bool:
    if not _PLAIN.match(value) or not _printable(value) or ": " in value or value.endswith(":"):
        return False
    if flow and any(c in value for c in ",[]{}:"):
        return False
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == "tag:yaml.org,2002:str")


def _mapping_text(fields: Mapping[str, Value]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in fields.items()) + "}"


def _set_in_mapping(doc: _Doc, node: Node, fields: Mapping[str, Value]) -> list[_Edit]:
    """Each field's value replaced where it is written, or the field added after the last."""
    edits = []
    added: dict[str, Value] = {}
    for key, value in fields.items():
        entry = node.get(key)
        if entry is None:
            added[key] = value
            continue
        old = entry.value
        text = scalar(value, flow=node.flow, quote=old.style if old.kind == "scalar" else "")
        edits.append(_replace_value(doc, old, text))
    if added and node.flow:
        pairs = ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in added.items())
        if node.entries:
            edits.append(
                _Edit(node.entries[-1].value.end, node.entries[-1].value.end, ", " + pairs)
            )
        else:
            edits.append(_Edit(node.start + 1, node.start + 1, pairs))
    elif added:
        indent = " " * node.entries[0].key_column
        lines = [f"{indent}{k}: {scalar(v)}" for k, v in added.items()]
        edits.append(doc.new_lines(node.end, lines))
    return edits


def _replace_value(doc: _Doc, old: Node, text: str) -> _Edit:
    if old.empty:  # `key:` with nothing after it
        return _Edit(
            old.start, old.end, text if doc.text[old.start - 1 : old.start] == " " else f" {text}"
        )
    if old.style in ("|", ">"):
        # A block scalar's comment is on its header line (`note: >-  # ...`), inside the
        # span replaced: it follows the new value, as a plain value's would.
        header = doc.text[old.start : doc.lines.after_line(old.start)].rstrip("\r\n")
        comment = _HEADER_COMMENT.search(header)
        return _Edit(old.start, old.end, text + (comment.group() if comment else ""))
    # Keep a comment after the value where it was, as far as the spaces before it allow
    # (two are kept; one, as YAML allows, is kept as it is).
    spaces = _SPACES.match(doc.text, old.end)
    gap = spaces.end() - old.end if spaces else 0
    longer = len(text) - (old.end - old.start)
    if longer > 0 and doc.text[old.end + gap : old.end + gap + 1] == "#":
        return _Edit(old.start, old.end + min(longer, max(0, gap - 2)), text)
    return _Edit(old.start, old.end, text)


_SPACES = re.compile(" *")
_HEADER_COMMENT = re.compile(r"[ \t]+#.*$")


def _top(doc: _Doc, key: str) -> Node | None:
    entry = doc.root.get(key)
    return None if entry is None else entry.value


def _is_none(doc: _Doc, key: str, node: Node) -> bool:
    """Whether the top-level ``key``'s value ``node`` holds nothing: ``key:``, ``key: ~``,
    ``key: null``, ``key: {}``, ``key: []``; a null as the document reads it, with a tag
    or an anchor too (``key: !!null``, ``key: &none``)."""
    if node.kind == "scalar":
        return isinstance(doc.data, dict) and doc.data.get(key) is None
    return not node.entries and not node.items


def _first_entries(doc: _Doc, key: str, node: Node, lines: Sequence[str]) -> list[_Edit]:
    """The first entries of a top-level mapping or list that has none yet: on the lines
    after its key, with whatever was written as its value (``{}``, ``~``) removed."""
    entry = doc.root.get(key)
    assert entry is not None
    if "#" in doc.text[node.start : node.end]:  # `{ # none yet\n}`: the comment would go
        raise doc.refusal(node.start, CANNOT_EDIT)
    edits = [doc.new_lines(entry.key_start, lines)]
    if not node.empty:
        start = node.start
        while start > 0 and doc.text[start - 1] in " \t":
            start -= 1
        edits.append(_Edit(start, node.end, ""))
    return edits


def set_item(
    text: str,
    item_id: str,
    fields: Mapping[str, Value],
    placement: Placement,
    path: str = "<text>",
) -> str:
    """The launch file with these fields of ``item_id``'s state set (an item it does not
    mention yet is added under ``items:``, in stage and department order)."""
    return set_items(text, {item_id: fields}, {item_id: placement}, path)


def set_items(
    text: str,
    changes: Mapping[str, Mapping[str, Value]],
    placements: Mapping[str, Placement],
    path: str = "<text>",
) -> str:
    """The launch file with the fields of each item's state in ``changes`` set, in one
    pass over the text: items it does not mention yet are added under ``items:``, in
    stage and department order, each with its ``placements`` comment."""
    doc = _Doc(text, path)
    items = _top(doc, "items")
    empty = items is None or _is_none(doc, "items", items)
    known = {} if empty or items is None else {e.key: e for e in items.entries}
    added = sorted(
        (item_id for item_id in changes if item_id not in known),
        key=lambda i: placements[i].ranks.get(i, (len(placements[i].ranks) + 1, 0)),
    )
    lines = [f"{INDENT}{i}: {_entry_text(changes[i])}{_comment(placements[i])}" for i in added]
    if items is None:
        edits = [doc.at_end(["items:", *lines])]
    elif empty:
        edits = _first_entries(doc, "items", items, lines)
    else:
        edits = []
        for item_id, entry in known.items():
            if item_id in changes:
                edits += _set_state(doc, entry.value, changes[item_id])
        orders: dict[int, _Order] = {}
        for i in added:
            ranks = placements[i].ranks
            order = orders.get(id(ranks)) or orders.setdefault(id(ranks), _Order.of(items, ranks))
            edits.append(_new_item(doc, items, i, changes[i], placements[i], order))
    new = doc.apply(edits)

    def expected(data: dict[str, Any]) -> None:
        states = dict(data.get("items") or {})
        for item_id, fields in changes.items():
            states[item_id] = {**_state(states.get(item_id)), **fields}
        data["items"] = states

    _check(doc, new, expected)
    return new


def _entry_text(fields: Mapping[str, Value]) -> str:
    if list(fields) == ["status"]:
        return scalar(fields["status"])
    return _mapping_text(fields)


def _comment(placement: Placement) -> str:
    return f"  # {placement.comment}" if placement.comment else ""


def _set_state(doc: _Doc, node: Node, fields: Mapping[str, Value]) -> list[_Edit]:
    if node.kind == "map":
        return _set_in_mapping(doc, node, fields)
    if node.kind != "scalar":
        raise doc.refusal(node.start, "an item's state is a list; edit it by hand")
    old = doc.text[node.start : node.end]
    if list(fields) == ["status"]:
        return [_replace_value(doc, node, scalar(fields["status"], quote=node.style))]
    try:  # the value alone, out of its document: a %TAG directive there does not reach it
        status = yaml.safe_load(old) if old else None
    except yaml.YAMLError:
        raise doc.refusal(node.start, UNEDITABLE) from None
    merged = {"status": status, **fields} if isinstance(status, str) else dict(fields)
    ordered = {k: merged[k] for k in STATE_KEYS if k in merged}
    return [_replace_value(doc, node, _mapping_text(ordered))]


def _new_item(
    doc: _Doc,
    items: Node,
    item_id: str,
    fields: Mapping[str, Value],
    placement: Placement,
    order: _Order,
) -> _Edit:
    value = _entry_text(fields)
    if items.flow:
        return _Edit(
            items.entries[-1].value.end, items.entries[-1].value.end, f", {item_id}: {value}"
        )
    indent = " " * items.entries[0].key_column
    line = f"{indent}{item_id}: {value}{_comment(placement)}"
    return _place(doc, items, item_id, placement, line, order)


@dataclass(frozen=True)
class _Order:
    """The entries of ``items:`` by rank (then as written), sorted once for every item an
    edit adds, so that placing each is a binary search, not a look at every entry."""

    keys: list[tuple[tuple[int, int], int]]
    entries: list[Entry]

    @classmethod
    def of(cls, items: Node, ranks: Mapping[str, tuple[int, int]]) -> _Order:
        unknown = (len(ranks) + 1, 0)
        ranked = sorted(((ranks.get(e.key, unknown), n), e) for n, e in enumerate(items.entries))
        return cls([key for key, _ in ranked], [entry for _, entry in ranked])

    def around(self, rank: tuple[int, int]) -> tuple[Entry | None, Entry | None]:
        """The entry ranked just before ``rank`` (the first written of that rank) and the
        one just after it (likewise)."""
        low = bisect.bisect_left(self.keys, (rank, -1))
        high = bisect.bisect_right(self.keys, (rank, len(self.keys)))
        previous = None
        if low > 0:
            previous = self.entries[bisect.bisect_left(self.keys, (self.keys[low - 1][0], -1))]
        following = self.entries[high] if high < len(self.entries) else None
        return previous, following


def _place(
    doc: _Doc, items: Node, item_id: str, placement: Placement, line: str, order: _Order
) -> _Edit:
    """The new line after the item ranked just before it, or, when that one is in another
    department and the one just after is in its own, right above that one."""
    rank = placement.ranks.get(item_id)
    entries = items.entries
    if rank is None:
        return doc.new_lines(entries[-1].value.end, [line])
    department = item_id.split(".", 1)[0]
    previous, following = order.around(rank)

    def same(entry: Entry | None) -> bool:
        return entry is not None and entry.key.split(".", 1)[0] == department

    if previous is not None and (same(previous) or not same(following)):
        return doc.new_lines(previous.value.end, [line])
    assert following is not None
    at = doc.lines.start_of_line(following.key_start)
    if not same(following):
        at = _above_comments(doc, at)
    block = line + doc.newline
    return _Edit(at, at, block)


def _above_comments(doc: _Doc, at: int) -> int:
    """The start of the comment lines right above offset ``at`` (a line's start): walked
    once for each place, however many new items go there (a heading of a million comment
    lines above the first entry was walked again for every item added)."""
    if at not in doc.above:
        line = doc.lines.line_of(at)
        while line > 0 and doc.lines.line_text(line - 1).lstrip().startswith("#"):
            line -= 1
        doc.above[at] = doc.lines.starts[line]
    return doc.above[at]


def _state(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"status": value}
    return dict(value) if isinstance(value, dict) else {"status": value}


def _check(doc: _Doc, new: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Refuse an edit of ``doc`` whose result does not read back as the data it meant to
    write, at the first character it changed: the form of YAML it met is there."""
    expected = doc.data
    if isinstance(expected, dict):
        expected = dict(expected)  # the parsed data may be shared (parsed_once): a copy
    change(expected)
    try:
        actual = Source(doc.path, new).parse().data
    except GtmCheckError:
        actual = None
    if _normal(actual) != _normal(expected):
        raise doc.refusal(_first_difference(doc.given, new), CANNOT_EDIT)


def _first_difference(old: str, new: str) -> int:
    """The offset of the first character where ``new`` differs from ``old``."""
    low, high = 0, min(len(old), len(new))
    while low < high:  # halving: comparing slices is done in C, a loop over characters is not
        middle = (low + high + 1) // 2
        if old[:middle] == new[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _normal(data: Any) -> Any:
    """Forms the loader reads alike made alike: a status alone, an empty list or mapping."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    data["items"] = {k: _state(v) for k, v in (data.get("items") or {}).items()}
    data["waivers"] = data.get("waivers") or []
    data["traits"] = data.get("traits") or []
    return data


def waive(text: str, fields: Mapping[str, Value], path: str = "<text>") -> str:
    """The launch file with a waiver for ``fields["item"]`` (its waiver renewed if it has
    one already)."""
    item_id = str(fields["item"])
    doc = _Doc(text, path)
    waivers = _top(doc, "waivers")
    existing = [waivers.items[i] for i in _waivers_of(doc, waivers, item_id)] if waivers else []
    if len(existing) > 1:
        raise doc.refusal(
            existing[1].start,
            f"{quoted(item_id)} has {len(existing)} waivers; edit the file by hand",
        )
    ordered = {k: fields[k] for k in WAIVER_KEYS}
    if existing:
        edits = _set_in_mapping(doc, existing[0], {k: v for k, v in ordered.items() if k != "item"})
    elif waivers is None:
        edits = [doc.at_end(["waivers:", *_waiver_lines(ordered, INDENT)])]
    elif _is_none(doc, "waivers", waivers):
        edits = _first_entries(doc, "waivers", waivers, _waiver_lines(ordered, INDENT))
    elif waivers.kind != "seq":
        raise doc.refusal(waivers.start, "waivers: is not a list; edit it by hand")
    elif waivers.flow:
        end = waivers.items[-1].end
        edits = [_Edit(end, end, ", " + _mapping_text(ordered))]
    else:
        edits = [doc.new_lines(waivers.end, _waiver_lines(ordered, " " * waivers.column))]
    new = doc.apply(edits)

    def expected(data: dict[str, Any]) -> None:
        listed = list(data.get("waivers") or [])
        for index, waiver in enumerate(listed):
            if isinstance(waiver, dict) and waiver.get("item") == item_id:
                listed[index] = {**waiver, **ordered}
                break
        else:
            listed.append(dict(ordered))
        data["waivers"] = listed

    _check(doc, new, expected)
    return new


def _waiver_lines(fields: Mapping[str, Value], indent: str) -> list[str]:
    lines = [f"{indent}- {k}: {scalar(v)}" for k, v in list(fields.items())[:1]]
    return lines + [f"{indent}  {k}: {scalar(v)}" for k, v in list(fields.items())[1:]]


def _waivers_of(doc: _Doc, waivers: Node | None, item_id: str) -> list[int]:
    """Where the waivers of ``item_id`` are among ``waivers``' items, by the item each
    names as the whole document reads it (read alone, a value a %TAG directive tags was
    invalid YAML, and every waive and unwaive of the file failed)."""
    if waivers is None or waivers.kind != "seq":
        return []
    listed = doc.data.get("waivers") if isinstance(doc.data, dict) else None
    if not isinstance(listed, list) or len(listed) != len(waivers.items):
        raise doc.refusal(waivers.start, UNEDITABLE)
    return [
        index
        for index, (node, waiver) in enumerate(zip(waivers.items, listed, strict=True))
        if node.kind == "map" and isinstance(waiver, dict) and waiver.get("item") == item_id
    ]


def unwaive(text: str, item_id: str, path: str = "<text>") -> str:
    """The launch file without the waivers of ``item_id`` (there must be at least one)."""
    doc = _Doc(text, path)
    waivers = _top(doc, "waivers")
    found = _waivers_of(doc, waivers, item_id)
    if waivers is None or not found:  # waived, but in a form read here as another item's
        raise doc.refusal(waivers.start if waivers else 0, UNEDITABLE)
    if waivers.flow:  # each run of neighbours taken out at once: their edits would meet
        spans = [(node.start, node.end) for node in waivers.items]
        edits = [e for run in _runs(found) for e in _out_of_flow(doc, spans, run, waivers)]
    else:
        edits = [_without_block_item(doc, waivers.items[index]) for index in found]
    new = doc.apply(edits)

    def expected(data: dict[str, Any]) -> None:
        data["waivers"] = [
            w
            for w in data.get("waivers") or []
            if not (isinstance(w, dict) and w.get("item") == item_id)
        ]

    _check(doc, new, expected)
    return new


def _without_block_item(doc: _Doc, node: Node) -> _Edit:
    """``node``, an item of a block sequence, taken out with its line."""
    start = doc.lines.start_of_line(node.start)
    before = doc.text[start : node.start]
    line = doc.lines.line_of(node.start)
    if not before.strip() and line > 0 and _dash_alone(doc.lines.line_text(line - 1)):
        # `-` on a line of its own, the waiver's keys below it
        start = doc.lines.starts[line - 1]
    elif before.strip() != "-":
        raise doc.refusal(
            node.start, "this waiver is not written as `- item: ...`; edit it by hand"
        )
    return _Edit(start, doc.lines.after_line(node.end), "")


def _runs(indices: Sequence[int]) -> list[range]:
    """Ascending ``indices`` as runs of neighbours: [1, 2, 5] is 1..2 and 5."""
    runs: list[range] = []
    for index in indices:
        if runs and runs[-1].stop == index:
            runs[-1] = range(runs[-1].start, index + 1)
        else:
            runs.append(range(index, index + 1))
    return runs


def _out_of_flow(
    doc: _Doc, entries: Sequence[tuple[int, int]], run: range, collection: Node
) -> list[_Edit]:
    """The ``run`` of neighbours among a flow ``collection``'s ``entries`` (where each
    starts and ends) taken out with one comma beside them, and nothing else: the comments
    and line breaks around them stay (taking the text between two entries took the comments
    there, and one that headed the next entry). Entries alone on their lines go with those
    lines, the comment after them too: it is theirs. Only the text between the run and its
    neighbours is read, never the rest of a line (a list of 20,000 waivers on one line was
    read again for each one taken out)."""
    first, last = run.start, run.stop - 1
    start, end = entries[first][0], entries[last][1]
    lines = doc.lines
    comma = _COMMA.match(doc.text, end)
    stop = comma.end() if comma else end
    before = entries[first - 1][1] if first else collection.start + 1  # after `[` or `{`
    after = entries[last + 1][0] if last + 1 < len(entries) else collection.end - 1
    own_line = lines.line_of(before) != lines.line_of(start)
    own_line = own_line and not doc.text[lines.start_of_line(start) : start].strip()
    rest = "…"  # something else on the line after the run
    if lines.line_of(stop) != lines.line_of(after):
        rest = doc.text[stop : lines.after_line(stop)].strip()
    if own_line and (not rest or rest.startswith("#")):
        return [_Edit(lines.start_of_line(start), lines.after_line(stop), "")]
    if comma:  # `a, b`: `a, ` goes; before a comment, the spaces stay (they make it one)
        return [_Edit(start, comma.end(1) if rest.startswith("#") else stop, "")]
    if not first:
        return [_Edit(start, end, "")]
    previous = _COMMA.match(doc.text, entries[first - 1][1])
    if previous is None:
        raise doc.refusal(start, CANNOT_EDIT)  # `a\n, b`: a form not edited here
    if "#" in doc.text[previous.end() : start]:  # `a,  # c\n b`: the comma and b go
        return [_Edit(previous.start(1), previous.end(1), ""), _Edit(start, end, "")]
    return [_Edit(previous.start(), end, "")]


_COMMA = re.compile(r"[ \t]*(,)[ \t]*")
"""A flow entry's comma, with the spaces around it on its line."""


def _dash_alone(line: str) -> bool:
    """Whether ``line`` is a list entry's dash with nothing after it but a comment."""
    dash, _, rest = line.strip().partition(" ")
    return dash == "-" and (not rest.strip() or rest.lstrip().startswith("#"))


def set_launch_date(text: str, date: dt.date, path: str = "<text>") -> str:
    """The launch file with ``launch_date`` set to ``date``, where it is written."""
    doc = _Doc(text, path)
    new = doc.apply(_set_in_mapping(doc, doc.root, {"launch_date": date}))

    def expected(data: dict[str, Any]) -> None:
        data["launch_date"] = date

    _check(doc, new, expected)
    return new


def drop_due(text: str, item_ids: Sequence[str], path: str = "<text>") -> str:
    """The launch file without the ``due:`` of these items. A flow mapping left with its
    status alone becomes the status (``{status: todo, due: …}`` becomes ``todo``), padded so
    that a comment after it stays in its column; a block mapping loses the ``due:`` line."""
    doc = _Doc(text, path)
    items = _top(doc, "items")
    edits = []
    for item_id in item_ids:
        entry = items.get(item_id) if items is not None else None
        if entry is not None and entry.value.kind == "map" and entry.value.get("due"):
            edits += _without_due(doc, entry.value)
    new = doc.apply(edits)

    def expected(data: dict[str, Any]) -> None:
        states = dict(data.get("items") or {})  # the parsed data is shared: a copy
        for item_id in item_ids:
            state = _state(states.get(item_id))
            state.pop("due", None)
            states[item_id] = state
        data["items"] = states

    _check(doc, new, expected)
    return new


def _without_due(doc: _Doc, node: Node) -> list[_Edit]:
    due = node.get("due")
    assert due is not None
    rest = [e for e in node.entries if e.key != "due"]
    if not node.flow:
        if not rest:
            raise doc.refusal(
                due.key_start, "an item's state holds only its due date; edit it by hand"
            )
        start = doc.lines.start_of_line(due.key_start)
        return [_Edit(start, doc.lines.after_line(due.value.end), "")]
    if "#" in doc.text[node.start : node.end]:
        # A comment inside the braces stays: only `due: …` and a comma beside it go.
        spans = [(e.key_start, e.value.end) for e in node.entries]
        index = node.entries.index(due)
        return _out_of_flow(doc, spans, range(index, index + 1), node)
    if [e.key for e in rest] == ["status"]:
        written = doc.text[rest[0].value.start : rest[0].value.end]
    else:
        pairs = [doc.text[e.key_start : e.value.end] for e in rest]
        written = "{" + ", ".join(pairs) + "}"
    return [_padded(doc, node, written)]


def _padded(doc: _Doc, node: Node, written: str) -> _Edit:
    """``node`` replaced by ``written``; when a comment follows on its line, padded with
    spaces so that the comment stays where it was."""
    if _COMMENT_NEXT.match(doc.text, node.end):  # not a copy of the rest of the line
        written = written.ljust(node.end - node.start)
    return _Edit(node.start, node.end, written)


_COMMENT_NEXT = re.compile(" *#")
