"""The YAML layer: positions kept, and what YAML allows but gtm-check refuses, refused."""

from __future__ import annotations

import datetime as dt

import pytest

from gtm_check.load.yamltree import MAX_DEPTH, Source, parse
from gtm_check.model.problems import GtmCheckError


def messages(text: str) -> list[str]:
    try:
        document = parse(text, "f.yaml")
    except GtmCheckError as exc:
        return [p.render() for p in exc.problems]
    return [p.render() for p in document.problems]


def test_positions_of_values_and_keys_are_one_based() -> None:
    source = Source("f.yaml", "a: 1\nitems:\n  x.y: done\nlist:\n  - first\n  - second\n")
    assert source.parse().data == {"a": 1, "items": {"x.y": "done"}, "list": ["first", "second"]}
    positions = source.positions()
    assert positions.values[("a",)] == (1, 4)
    assert positions.keys[("items", "x.y")] == (3, 3)
    assert positions.values[("items", "x.y")] == (3, 8)
    assert positions.values[("list", 1)] == (6, 5)


def test_position_falls_back_to_the_closest_ancestor() -> None:
    positions = Source("f.yaml", "items:\n  x.y: done\n").positions()
    assert positions.of(("items", "x.y", "status")) == (2, 8)


def test_positions_asked_for_alone_are_where_every_position_puts_them() -> None:
    source = Source("f.yaml", "a: 1\nitems:\n  x.y: done\n  z.w:\n    status: todo\nlist:\n  - x\n")
    some = source.positions(
        values=[("list", 0), ("items", "z.w", "owner")], keys=[("items", "x.y")]
    )
    assert some.keys == {("items", "x.y"): (3, 3)}
    assert some.of(("list", 0)) == (7, 5)
    # Not written: the closest written ancestor, as with every position recorded.
    assert (
        some.of(("items", "z.w", "owner"))
        == source.positions().of(("items", "z.w", "owner"))
        == (5, 5)
    )
    # Nothing else is recorded: not the values of ``a`` or ``x.y``, nothing under z.w.
    assert set(some.values) == {(), ("items",), ("items", "z.w"), ("list",), ("list", 0)}


def test_keys_asked_for_alone_record_no_other_key() -> None:
    some = Source("f.yaml", "gate:\n  min_score: 80\nlaunch: L\n").positions(keys=[("launch",)])
    assert some.keys == {("launch",): (3, 1)} and some.values == {(): (1, 1)}


def test_positions_asked_for_keep_the_first_of_a_duplicate_key() -> None:
    source = Source("f.yaml", "items:\n  x.y: done\n  x.y:\n    status: todo\n")
    some = source.positions(values=[("items", "x.y", "status")], keys=[("items", "x.y")])
    assert some.keys[("items", "x.y")] == (2, 3)
    assert some.of(("items", "x.y", "status")) == (2, 8)


def test_positions_asked_for_step_over_a_complex_key() -> None:
    # Refused when loaded; met here only if the file changed since: no crash, no path.
    some = Source("f.yaml", "? [a, b]\n: 1\nc: 2\n").positions(values=[("c",)])
    assert some.of(("c",)) == (3, 4)


def test_duplicate_key_is_reported_at_the_second_one() -> None:
    assert messages("a: 1\nb: 2\na: 3\n") == [
        "f.yaml:3:1: duplicate key 'a' (first written on line 1)"
    ]


def test_duplicate_key_keeps_the_first_value() -> None:
    doc = parse("items:\n  x.y: done\n  x.y: todo\n", "f.yaml")
    assert doc.data == {"items": {"x.y": "done"}}
    assert len(doc.problems) == 1


def test_duplicate_keys_nested_anywhere() -> None:
    assert messages("w:\n  - item: a\n    item: b\n") == [
        "f.yaml:3:5: duplicate key 'item' (first written on line 2)"
    ]


def test_alias_is_refused_where_it_is_used() -> None:
    assert messages("a: &x [1]\nb: *x\n") == [
        "f.yaml:2:4: aliases are not supported (*x) (write the value out in full)"
    ]


def test_billion_laughs_is_refused_at_the_first_alias() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    problems = messages("\n".join(lines) + "\n")
    assert problems == ["f.yaml:2:8: aliases are not supported (*a) (write the value out in full)"]


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object:os.system x\n",
        "a: !custom x\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!set {x}\n",
    ],
)
def test_non_standard_tags_are_never_constructed(text: str) -> None:
    (problem,) = messages(text)
    assert problem.startswith("f.yaml:1:4: unsupported YAML tag")


def test_explicit_str_tag_is_allowed() -> None:
    assert parse("a: !!str 3\n", "f.yaml").data == {"a": "3"}


def test_dates_are_dates_and_invalid_dates_are_located() -> None:
    assert parse("d: 2027-02-28\n", "f.yaml").data == {"d": dt.date(2027, 2, 28)}
    assert messages("d: 2027-02-30\n") == [
        "f.yaml:1:4: '2027-02-30' is not a date: February 2027 has 28 days"
    ]


def test_date_with_time_stays_text() -> None:
    assert parse("d: 2027-02-28 10:00:00\n", "f.yaml").data == {"d": "2027-02-28 10:00:00"}


def test_yes_no_are_booleans_but_keys_stay_text() -> None:
    assert parse("yes: no\n", "f.yaml").data == {"yes": False}


def test_second_document_is_refused() -> None:
    assert messages("a: 1\n---\nb: 2\n") == [
        "f.yaml:2:1: a file holds one YAML document; found a second ('---')"
    ]


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n"])
def test_empty_file(text: str) -> None:
    assert messages(text) == ["f.yaml:1:1: the file is empty"]


def test_syntax_error_is_located() -> None:
    assert messages("a: [1, 2\nb: 3\n") == [
        "f.yaml:1:4: the '[…]' list that starts here needs ',' between its entries and ']' at "
        "its end (text that contains ': ', ',' or brackets must be put in quotes)"
    ]


def test_tab_indentation_gets_a_hint() -> None:
    assert messages("a: 1\n\tb: 2\n") == [
        "f.yaml:2:1: a tab indents this line, and YAML indents with spaces only (use spaces)"
    ]


def test_crlf_line_endings_parse_with_the_same_positions() -> None:
    source = Source("f.yaml", "a: 1\r\nb: two\r\n")
    assert source.parse().data == {"a": 1, "b": "two"}
    assert source.positions().values[("b",)] == (2, 4)


def test_nesting_depth_is_limited() -> None:
    text = "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
    (problem,) = messages(text)
    assert f"nested deeper than {MAX_DEPTH} levels" in problem


def test_complex_key_is_refused() -> None:
    (problem,) = messages("? [a, b]\n: 1\n")
    assert "mapping key must be plain text" in problem


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("2027-13-01", "'2027-13-01' is not a date: there is no month 13"),
        ("2027-00-10", "'2027-00-10' is not a date: there is no month 00"),
        ("2027-04-31", "'2027-04-31' is not a date: April 2027 has 30 days"),
        ("2028-02-30", "'2028-02-30' is not a date: February 2028 has 29 days"),
        ("0000-01-01", "'0000-01-01' is not a date: there is no year 0000"),
    ],
)
def test_an_impossible_date_says_what_is_wrong(written: str, why: str) -> None:
    assert messages(f"d: {written}\n") == [f"f.yaml:1:4: {why}"]


def test_a_key_indented_under_a_line_that_has_a_value_names_the_indentation() -> None:
    text = "items:\n  legal.trademarks:\n    status: done\n      owner: me\n"
    assert messages(text) == [
        "f.yaml:4:7: 'owner' is indented deeper than 'status' on the line above, which already "
        "has a value (indent 'owner' exactly as far as 'status')"
    ]


def test_a_colon_inside_a_value_still_says_to_quote_it() -> None:
    (problem,) = messages("title: Pricing: approved\n")
    assert problem.endswith("(text that contains ': ' must be put in quotes)")


@pytest.mark.parametrize(
    ("hidden", "named"),
    [
        ("\u2028", "U+2028 (line separator)"),
        ("\u2029", "U+2029 (paragraph separator)"),
        ("\x85", "U+0085 (next line)"),
        ("\r", "a carriage return not followed by a line feed"),
    ],
)
def test_a_line_break_only_yaml_sees_is_refused_where_it_is(hidden: str, named: str) -> None:
    """What every reviewer sees as one line holding a comment, YAML read as two entries: a
    blocker marked done where a diff shows nothing. Refused at the character."""
    text = f"items:\n  a: todo   # see the ticket{hidden}  b: done\n"
    problems = messages(text)
    assert len(problems) == 1 and named in problems[0]
    assert problems[0].startswith("f.yaml:2:29: "), problems[0]


def test_a_byte_order_mark_starting_a_line_is_refused_where_it_is() -> None:
    # The parser skips it: the line after a key with no value read as nested under that
    # key (a blocker's state inside another's) while every reviewer sees it at the top.
    text = "items:\n  a: todo\n  b:\n\ufeff  release-gate: done\n"
    problems = messages(text)
    assert len(problems) == 1 and "byte-order mark (U+FEFF) starts this line" in problems[0]
    assert problems[0].startswith("f.yaml:4:1: "), problems[0]
    assert parse('a: "x\\ufeffy"\n', "t.yaml").data == {"a": "x\ufeffy"}  # as an escape


def test_crlf_files_and_escaped_separators_are_read() -> None:
    assert parse("a: 1\r\nb: two\r\n", "t.yaml").data == {"a": 1, "b": "two"}
    assert parse('a: "x\\u2028y\\ry"\n', "t.yaml").data == {"a": "x\u2028y\ry"}


def test_a_short_base_60_number_is_read_as_yaml_1_1_reads_it() -> None:
    assert parse("a: 1:30\nb: 190:20:30.5\n", "f.yaml").data == {"a": 90, "b": 685230.5}


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("1" + ":59" * 200 + ".5", "number"),  # overflowed a float: an internal error
        ("1" + ":59" * 50_000, "whole number"),  # took time quadratic in its length
        ("!!int 1" + ":59" * 40, "whole number"),
    ],
)
def test_a_long_base_60_number_is_refused_where_it_is(written: str, kind: str) -> None:
    value = written.removeprefix("!!int ")
    (message,) = messages(f"launch: X\nnote: {written}\n")
    assert message == (
        f"f.yaml:2:7: invalid {kind} '{value[:59]}…': a base-60 number (with ':') is read up "
        "to 100 characters"
    )
