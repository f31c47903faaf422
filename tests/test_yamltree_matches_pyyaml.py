"""The event walker reads generated documents as PyYAML's own CSafeLoader does.

Same data and the same accept-or-refuse decision, except where gtm-check means to differ:
keys are always the text written (so keys here are ones PyYAML reads as that text too);
timestamps other than a bare YYYY-MM-DD date are kept as the text written; duplicate keys,
aliases and tags other than the standard scalar ones are refused.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from gtm_check.load.yamltree import Source, parse
from gtm_check.model.problems import GtmCheckError

# Plain scalars at the edges of every implicit YAML 1.1 type, and near misses.
EDGES = [
    *"yes Yes YES no No NO on On ON off Off OFF true True TRUE false False FALSE".split(),
    *"y Y n N yes! onn nul".split(),
    *"null Null NULL ~".split(),
    "",
    *"0 00 09 017 0o17 0x1F -0x1f 0x 0b101 0b12 1_000 1__0 +12 -0 190:20:30 1:30 1:70".split(),
    *"3.14 -.5 0. ._ 1.5e+3 1e3 1_0.5 190:20:30.15 .inf -.Inf +.INF .NaN .nan .Nan".split(),
    *"2027-03-01 2027-3-1 2027-02-30 2028-02-29 0000-01-01 2027-13-01 2027-00-10".split(),
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "2027-03-01T10:00:00Z",
    *"<< = =x - + . .. 1- -1 +-1 0x_1 1.2.3 12:".split(),
]
TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null"]
REFUSED_TAGS = ["!!binary", "!custom", "!!python/none"]

words = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12)
scalars = st.one_of(
    st.sampled_from(EDGES),
    words,
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True).map(repr),
    st.dates().map(dt.date.isoformat),
)


def _is_text_key(key: str) -> bool:
    try:
        return bool(yaml.load(key, Loader=yaml.CSafeLoader) == key)
    except Exception:  # noqa: BLE001 - anything PyYAML does not read as this text
        return False


keys = st.from_regex(r"[a-z][a-z0-9_.-]{0,6}", fullmatch=True).filter(_is_text_key)


MAKES_A_KEY = re.compile(r":(\s|$)|^\?(\s|$)")


@st.composite
def leaves(draw: st.DrawFn) -> tuple[str, str, bool]:
    """A scalar as written, and whether gtm-check refuses it for its tag alone."""
    value = draw(scalars)
    style = draw(st.sampled_from(["plain", "plain", "plain", "single", "double"]))
    if style == "single":
        text = "'" + value.replace("'", "''") + "'"
    elif style == "double":
        text = json.dumps(value, ensure_ascii=False)
    elif MAKES_A_KEY.search(value):
        text = json.dumps(value, ensure_ascii=False)  # plain, it would be a mapping's key
    else:
        text = value
    tag = draw(st.sampled_from([None] * 8 + TAGS + REFUSED_TAGS))
    return "leaf", (text if tag is None else f"{tag} {text}"), tag in REFUSED_TAGS


nodes = st.recursive(
    leaves(),
    lambda children: st.one_of(
        st.tuples(st.just("seq"), st.lists(children, max_size=4)),
        st.tuples(st.just("map"), st.lists(st.tuples(keys, children), max_size=4)),
    ),
    max_leaves=12,
)


def render(node: Any, indent: int, lines: list[str]) -> bool:
    """Block-style YAML lines for a non-empty mapping or sequence; whether gtm-check must
    refuse it (a duplicate key, a refused tag)."""
    kind, entries = node
    pad = " " * indent
    refused = False
    if kind == "map":
        names = [name for name, _ in entries]
        refused = len(names) != len(set(names))
        pairs = [(f"{pad}{name}:", child) for name, child in entries]
    else:
        pairs = [(f"{pad}-", child) for child in entries]
    for prefix, child in pairs:
        if child[0] == "leaf":
            lines.append(f"{prefix} {child[1]}")
            refused |= child[2]
        elif not child[1]:
            lines.append(f"{prefix} {{}}" if child[0] == "map" else f"{prefix} []")
        else:
            lines.append(prefix)
            refused |= render(child, indent + 2, lines)
    return refused


def document(node: Any, alias: bool) -> tuple[str, bool]:
    """The YAML text of ``node`` (an alias added at its end when asked and it is a mapping),
    and whether gtm-check must refuse it."""
    if node[0] == "leaf":
        node = ("seq", [node])
    if not node[1]:
        return ("{}" if node[0] == "map" else "[]") + "\n", False
    lines: list[str] = []
    refused = render(node, 0, lines)
    if alias and node[0] == "map":
        lines = ["anchored: &a x", *lines, "again: *a"]
        refused = True
    return "\n".join(lines) + "\n", refused


def same(ours: Any, theirs: Any) -> bool:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return list(ours) == list(theirs) and all(same(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, list) and isinstance(theirs, list):
        return len(ours) == len(theirs) and all(map(same, ours, theirs))
    if isinstance(ours, str) and isinstance(theirs, dt.date) and not isinstance(theirs, str):
        # A timestamp gtm-check keeps as the text written: that text is PyYAML's value.
        return bool(yaml.load(ours, Loader=yaml.CSafeLoader) == theirs)
    return (type(ours), repr(ours)) == (type(theirs), repr(theirs))


@given(nodes, st.booleans())
def test_the_walker_reads_what_pyyaml_reads(node: Any, alias: bool) -> None:
    text, must_refuse = document(node, alias)
    try:
        theirs: Any = yaml.load(text, Loader=yaml.CSafeLoader)
        they_refuse = False
    except Exception:  # noqa: BLE001 - any failure to load is a refusal
        they_refuse = True
    try:
        parsed = parse(text, "f.yaml")
        we_refuse = bool(parsed.problems)
    except GtmCheckError:
        we_refuse = True
    if must_refuse:
        assert we_refuse, text
        return
    # An empty document is data to PyYAML (None) and nothing to gtm-check.
    assert we_refuse == they_refuse or (theirs is None and we_refuse), text
    if not we_refuse:
        assert same(parsed.data, theirs), text


@given(nodes, st.data())
def test_positions_asked_for_alone_match_every_position(node: Any, data: st.DataObject) -> None:
    """``Source.positions(values=, keys=)`` (the walk that builds nothing and records only
    what is asked) finds what the full walk finds, for any paths asked, written or not."""
    text, _ = document(node, alias=False)  # duplicate keys too: the first one is kept
    source = Source("f.yaml", text)
    try:
        full = source.positions()
    except GtmCheckError:
        return
    # Not the stand-ins the full walk writes a duplicate key's entry under.
    written = sorted(
        (p for p in {*full.values, *full.keys} if not any("\0" in str(part) for part in p)),
        key=repr,
    )
    paths = st.sampled_from(written).flatmap(
        lambda path: st.sampled_from([path, (*path, "unwritten"), (*path, 0, "deeper")])
    )
    values = data.draw(st.lists(paths, max_size=6))
    keys = data.draw(st.lists(paths, max_size=6))
    some = source.positions(values=values, keys=keys)
    for path in values:
        assert some.of(path) == full.of(path), (text, path)
    for path in keys:
        assert (path in some.keys) == (path in full.keys), (text, path)
        if path in full.keys:
            assert some.of(path, key=True) == full.of(path, key=True), (text, path)
