"""Text edits of launch files: only the intended lines change, checked against hand-worked
texts and by a line diff of before and after."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable

import pytest

from gtm_check.authoring.edit import (
    Placement,
    Value,
    drop_due,
    scalar,
    set_item,
    set_items,
    set_launch_date,
    unwaive,
    waive,
)
from gtm_check.load.yamltree import Source
from gtm_check.model.problems import GtmCheckError

RANKS = Placement(
    {
        "legal.trademarks": (0, 0),
        "legal.new-thing": (1, 1),
        "legal.channel-contracts": (1, 2),
        "legal.sla-terms": (2, 3),
        "support.sla": (2, 4),
    },
    "high: A new thing",
)

A_B_WAIVER: dict[str, Value] = {
    "item": "a.b",
    "reason": "r",
    "approved_by": "a",
    "expires": dt.date(2027, 5, 1),
}
"""A waiver of item a.b, as ``waive`` takes it."""

ODD = """\
# Launch file, hand-written
launch: 'Mini'      # the name, quoted
launch_date: 2027-03-01
checklists: [ ./legal.yaml ]

items:

   # --- Legal ---
   legal.trademarks:   "todo"   # blocker: marks
   legal.channel-contracts: {status: todo,  due: 2027-01-01}
   legal.sla-terms:
         status: in-progress   # three-space then nine-space indentation
         owner: 'x@y.example'
         note: |
           Two lines
           of note.

   # --- Support ---
   support.sla: blocked
waivers: [{item: legal.sla-terms, reason: "Old", approved_by: a, expires: 2027-06-30}]
"""


def changed_lines(before: str, after: str) -> list[str]:
    """The lines a diff of before and after touches, marked - and +."""
    diff = difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True))
    return [line for line in diff if line[:1] in "-+"]


def test_a_shorthand_status_changes_in_place_keeping_its_quotes_and_comment() -> None:
    after = set_item(ODD, "legal.trademarks", {"status": "done"}, RANKS)
    assert changed_lines(ODD, after) == [
        '-    legal.trademarks:   "todo"   # blocker: marks\n',
        '+    legal.trademarks:   "done"   # blocker: marks\n',
    ]


def test_more_than_a_status_turns_a_shorthand_into_a_flow_mapping_on_its_line() -> None:
    after = set_item(
        ODD, "legal.trademarks", {"status": "done", "done_on": dt.date(2027, 1, 15)}, RANKS
    )
    assert changed_lines(ODD, after) == [
        '-    legal.trademarks:   "todo"   # blocker: marks\n',
        "+    legal.trademarks:   {status: done, done_on: 2027-01-15}  # blocker: marks\n",
    ]


def test_a_flow_mapping_keeps_its_spacing_and_gets_new_keys_at_its_end() -> None:
    after = set_item(
        ODD, "legal.channel-contracts", {"status": "done", "owner": "a b@c.example"}, RANKS
    )
    assert changed_lines(ODD, after) == [
        "-    legal.channel-contracts: {status: todo,  due: 2027-01-01}\n",
        "+    legal.channel-contracts: {status: done,  due: 2027-01-01, owner: a b@c.example}\n",
    ]


def test_a_block_mapping_keeps_its_odd_indentation_and_its_block_note() -> None:
    after = set_item(
        ODD,
        "legal.sla-terms",
        {"status": "done", "evidence": "https://wiki.example/sla#signed", "owner": "z@y"},
        RANKS,
    )
    assert changed_lines(ODD, after) == [
        "-          status: in-progress   # three-space then nine-space indentation\n",
        "+          status: done   # three-space then nine-space indentation\n",
        "-          owner: 'x@y.example'\n",
        "+          owner: 'z@y'\n",
        '+          evidence: "https://wiki.example/sla#signed"\n',
    ]
    assert Source("x", after).parse().data["items"]["legal.sla-terms"]["note"] == (
        "Two lines\nof note.\n"
    )


def test_a_new_item_goes_in_stage_and_department_order_with_its_title() -> None:
    after = set_item(ODD, "legal.new-thing", {"status": "done"}, RANKS)
    assert changed_lines(ODD, after) == ["+    legal.new-thing: done  # high: A new thing\n"]
    lines = after.splitlines()
    assert lines.index("   legal.new-thing: done  # high: A new thing") == (
        lines.index('   legal.trademarks:   "todo"   # blocker: marks') + 1
    )


def test_a_new_item_of_a_department_goes_above_the_next_departments_heading() -> None:
    text = "launch: X\nlaunch_date: 2027-03-01\nitems:\n  # --- Support ---\n  support.sla: done\n"
    after = set_item(text, "legal.trademarks", {"status": "todo"}, RANKS)
    assert after == (
        "launch: X\nlaunch_date: 2027-03-01\nitems:\n"
        "  legal.trademarks: todo  # high: A new thing\n"
        "  # --- Support ---\n  support.sla: done\n"
    )


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ("", "items:\n  legal.trademarks: done  # high: A new thing\n"),
        ("items:\n", "items:\n  legal.trademarks: done  # high: A new thing\n"),
        (
            "items: {}  # none yet\n",
            "items:  # none yet\n  legal.trademarks: done  # high: A new thing\n",
        ),
        ("items: {support.sla: done}\n", "items: {support.sla: done, legal.trademarks: done}\n"),
    ],
)
def test_the_first_item_of_a_file(items: str, expected: str) -> None:
    head = "launch: X\nlaunch_date: 2027-03-01\n"
    assert set_item(head + items, "legal.trademarks", {"status": "done"}, RANKS) == head + expected


def test_crlf_line_endings_stay_crlf_and_only_the_line_changes() -> None:
    text = ODD.replace("\n", "\r\n")
    after = set_item(text, "legal.new-thing", {"status": "todo", "owner": "o"}, RANKS)
    after = set_item(after, "legal.sla-terms", {"note": "Short now"}, RANKS)
    assert "\n" not in after.replace("\r\n", "")
    assert sorted(changed_lines(text, after)) == sorted(
        [
            "+    legal.new-thing: {status: todo, owner: o}  # high: A new thing\r\n",
            "-          note: |\r\n",
            "-            Two lines\r\n",
            "+          note: Short now\r\n",
            "-            of note.\r\n",
        ]
    )


def test_waive_adds_to_a_flow_list_and_renews_in_place() -> None:
    fields: dict[str, Value] = {
        "item": "legal.trademarks",
        "reason": "Name: pending",
        "approved_by": "vp@x",
        "expires": dt.date(2027, 5, 1),
    }
    after = waive(ODD, fields)
    assert changed_lines(ODD, after) == [
        '- waivers: [{item: legal.sla-terms, reason: "Old", approved_by: a, expires: 2027-06-30}]\n',  # noqa: E501
        '+ waivers: [{item: legal.sla-terms, reason: "Old", approved_by: a, expires: 2027-06-30}, '
        '{item: legal.trademarks, reason: "Name: pending", approved_by: vp@x, expires: 2027-05-01}]\n',  # noqa: E501
    ]
    renewed = waive(ODD, {**fields, "item": "legal.sla-terms", "reason": "New"})
    assert renewed.splitlines()[-1] == (
        'waivers: [{item: legal.sla-terms, reason: "New", approved_by: vp@x, expires: 2027-05-01}]'
    )


BLOCK_WAIVERS = """\
launch: X
launch_date: 2027-03-01
waivers:
    # the first one
    - item: legal.sla-terms
      reason: Old
      approved_by: a
      expires: 2027-06-30   # end of June
    # the second one
    - {item: support.sla, reason: r, approved_by: a, expires: 2027-07-01}
"""


def test_waive_and_unwaive_in_a_block_list() -> None:
    fields: dict[str, Value] = {
        "item": "legal.trademarks",
        "reason": "Because",
        "approved_by": "vp@x",
        "expires": dt.date(2027, 5, 1),
    }
    after = waive(BLOCK_WAIVERS, fields)
    assert after == BLOCK_WAIVERS + (
        "    - item: legal.trademarks\n      reason: Because\n      approved_by: vp@x\n"
        "      expires: 2027-05-01\n"
    )
    assert unwaive(after, "legal.trademarks") == BLOCK_WAIVERS
    assert changed_lines(BLOCK_WAIVERS, unwaive(BLOCK_WAIVERS, "legal.sla-terms")) == [
        "-     - item: legal.sla-terms\n",
        "-       reason: Old\n",
        "-       approved_by: a\n",
        "-       expires: 2027-06-30   # end of June\n",
    ]


def test_unwaive_in_a_flow_list() -> None:
    text = "launch: X\nlaunch_date: 2027-03-01\nwaivers: [{item: a.b, reason: r, approved_by: a, expires: 2027-06-30}, {item: c.d, reason: r, approved_by: a, expires: 2027-06-30}]\n"  # noqa: E501
    assert unwaive(text, "c.d").endswith(
        "waivers: [{item: a.b, reason: r, approved_by: a, expires: 2027-06-30}]\n"
    )
    assert unwaive(unwaive(text, "c.d"), "a.b").endswith("waivers: []\n")


FLOW_HEAD = "launch: X\nlaunch_date: 2027-03-01\nwaivers: [\n"
A_FLOW = "{item: a.b, reason: r, approved_by: a, expires: 2027-06-30}"
C_FLOW = "{item: c.d, reason: r, approved_by: a, expires: 2027-06-30}"


@pytest.mark.parametrize(
    ("body", "item", "left"),
    [
        # The last waiver: the comment beside the one before it went, and its own stayed
        # there, beside a waiver it was not about.
        (f"  {A_FLOW},  # a.b: VP approved\n  {C_FLOW}  # c.d: TEMPORARY\n]\n", "c.d",
         f"  {A_FLOW},  # a.b: VP approved\n]\n"),
        # Not the last: a comment line heading the next waiver went with it.
        (f"  {A_FLOW},\n  # c.d below: approved by the CFO\n  {C_FLOW},\n]\n", "a.b",
         f"  # c.d below: approved by the CFO\n  {C_FLOW},\n]\n"),
        # The closing bracket on the last waiver's line: its comma goes, the comment stays.
        (f"  {A_FLOW},  # about a.b\n  {C_FLOW}]\n", "c.d", f"  {A_FLOW}  # about a.b\n  ]\n"),
        # Alone on its line: the comment after it is its own, and goes with it.
        (f"{A_FLOW}, # about a.b\n  {C_FLOW}]\n", "a.b", f"  {C_FLOW}]\n"),
    ],
    ids=["last", "first", "bracket after", "its own comment"],
)  # fmt: skip
def test_unwaive_in_a_flow_list_keeps_the_other_waivers_comments(
    body: str, item: str, left: str
) -> None:
    text = FLOW_HEAD + body
    assert unwaive(text, item) == FLOW_HEAD + left


@pytest.mark.parametrize(
    ("items", "left"),
    [
        (["a.b", "a.b"], []),
        (["c.d", "a.b", "a.b"], ["c.d"]),
        (["a.b", "a.b", "c.d"], ["c.d"]),
        (["a.b", "c.d", "a.b", "a.b"], ["c.d"]),
    ],
)
def test_unwaive_takes_out_neighbours_in_a_one_line_flow_list(
    items: list[str], left: list[str]
) -> None:
    # Two waivers of one item side by side on one line: the two edits met, and the change
    # was refused as one that touched "other lines".
    def listed(names: list[str]) -> str:
        waivers = ", ".join(A_FLOW.replace("a.b", name) for name in names)
        return f"launch: X\nlaunch_date: 2027-03-01\nwaivers: [{waivers}]  # all\n"

    assert unwaive(listed(items), "a.b") == listed(left)


def test_unwaive_takes_out_a_waiver_whose_dash_is_on_a_line_of_its_own() -> None:
    # validate accepts it and waive renews it; unwaive refused it, at 1:1.
    head = "launch: X\nlaunch_date: 2027-03-01\nwaivers:\n"
    other = "  - {item: c.d, reason: r, approved_by: a, expires: 2027-06-30}\n"
    lone = "  -   # the dash alone\n    item: a.b\n    reason: r\n    approved_by: a\n"
    assert unwaive(head + lone + other, "a.b") == head + other
    assert unwaive(head + other + lone, "a.b") == head + other


def test_an_edit_refused_is_placed_at_the_value_that_refuses_it() -> None:
    # Each of these used to be at 1:1, whatever line the value was on.
    head = "launch: X\nlaunch_date: 2027-03-01\n"
    waiver = "  - item: a.b\n    reason: r\n    approved_by: a\n    expires: 2027-06-30\n"
    cases: list[tuple[Callable[[], str], str, tuple[int, int]]] = [
        (lambda: waive(f"{head}waivers:\n{waiver}{waiver}", A_B_WAIVER), "has 2 waivers", (8, 5)),
        (lambda: waive(f"{head}waivers: nope\n", A_B_WAIVER), "waivers: is not a list", (3, 10)),
        (
            lambda: unwaive(f"{head}waivers:\n  -\n\n    item: a.b\n", "a.b"),
            "is not written as `- item: ...`",
            (6, 5),
        ),
        (
            lambda: set_item(f"{head}items:\n  a.b: [todo]\n", "a.b", {"owner": "x"}, RANKS),
            "an item's state is a list",
            (4, 8),
        ),
        (
            lambda: drop_due(f"{head}items:\n  a.b:\n    due: 2027-01-01\n", ["a.b"]),
            "holds only its due date",
            (5, 5),
        ),
        (  # where the edit would write: the form it cannot edit is what came before
            lambda: set_item(
                f"{head}items:\n  a.b:\n    ? status\n    : todo\n", "a.b", {"owner": "x"}, RANKS
            ),
            "cannot make this change without touching other lines",
            (7, 1),
        ),
    ]
    for edit, message, where in cases:
        with pytest.raises(GtmCheckError, match=message) as refused:
            edit()
        problem = refused.value.problems[0]
        assert (problem.line, problem.column) == where, message


def test_a_waiver_into_a_file_without_one() -> None:
    text = "launch: X\nlaunch_date: 2027-03-01\nwaivers: []  # none\n"
    assert waive(text, A_B_WAIVER) == (
        "launch: X\nlaunch_date: 2027-03-01\nwaivers:  # none\n  - item: a.b\n    reason: r\n"
        "    approved_by: a\n    expires: 2027-05-01\n"
    )
    assert waive("launch: X\nlaunch_date: 2027-03-01", A_B_WAIVER).endswith(
        "2027-03-01\nwaivers:\n  - item: a.b\n    reason: r\n    approved_by: a\n    expires: 2027-05-01\n"  # noqa: E501
    )


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "a: b",
        "# not a comment",
        "yes",
        "123",
        "2027-01-01",
        "null",
        "'quoted'",
        'say "hi"',
        " padded ",
        "line\nbreak",
        "tab\there",
        "ü € 漢",
        "x\u2028y",
        "@acme/web-team",  # "@" may not start a plain scalar
        "del\x7f",  # DEL and C1 controls JSON leaves raw, YAML does not read
        "c1\x80\x9f",
        "nel\x85",
        "\ufffe",
        "[list]",
        "-",
        "",
    ],
)
def test_a_scalar_reads_back_as_the_same_text(value: str) -> None:
    for flow in (False, True):
        text = scalar(value, flow=flow)
        wrapped = f"k: {{v: {text}}}" if flow else f"k: {text}"
        data = Source("x", wrapped).parse().data
        assert (data["k"]["v"] if flow else data["k"]) == value, text


@pytest.mark.parametrize("gap", [" ", "  ", "   "])
def test_a_comment_one_space_after_a_status_stays(gap: str) -> None:
    # One space before "#" (YAML's least): the longer value took a character of its own.
    text = f"launch: X\nlaunch_date: 2027-03-01\nitems:\n  legal.trademarks: todo{gap}# marks\n"
    after = set_item(text, "legal.trademarks", {"status": "in-progress"}, RANKS)
    keep = gap[:2]  # spaces past two go to the longer value; one or two stay
    assert after.endswith(f"  legal.trademarks: in-progress{keep}# marks\n"), after


def test_an_edit_it_cannot_make_cleanly_is_refused_not_written() -> None:
    # A waiver whose dash is apart from its keys, a comment between: removing the keys
    # would leave the dash.
    text = "launch: X\nlaunch_date: 2027-03-01\nwaivers:\n  -\n    # why\n    item: a.b\n    reason: r\n    approved_by: a\n    expires: 2027-06-30\n"  # noqa: E501
    with pytest.raises(GtmCheckError, match="not written as `- item: ...`"):
        unwaive(text, "a.b")


def test_the_launch_date_changes_where_it_is_written() -> None:
    after = set_launch_date(ODD, dt.date(2027, 5, 3))
    assert changed_lines(ODD, after) == [
        "- launch_date: 2027-03-01\n",
        "+ launch_date: 2027-05-03\n",
    ]


def test_due_dates_are_dropped_from_flow_and_block_mappings_alone() -> None:
    text = ODD.replace(
        "         owner: 'x@y.example'\n",
        "         owner: 'x@y.example'\n         due: 2027-02-01  # set by hand\n",
    )
    # legal.trademarks has no due date: nothing to drop there
    after = drop_due(text, ["legal.channel-contracts", "legal.sla-terms", "legal.trademarks"])
    assert changed_lines(text, after) == [
        "-    legal.channel-contracts: {status: todo,  due: 2027-01-01}\n",
        "+    legal.channel-contracts: todo\n",
        "-          due: 2027-02-01  # set by hand\n",
    ]


def test_a_flow_mapping_keeps_its_other_keys_and_a_comment_its_column() -> None:
    text = (
        "launch: M\nlaunch_date: 2027-03-01\nitems:\n"
        "  a.b: {due: 2027-01-01, owner: 'x', status: done}  # c\n"
    )
    after = drop_due(text, ["a.b"])
    assert after.endswith("  a.b: {owner: 'x', status: done}                   # c\n")
    assert after.index("# c") == text.index("# c")


@pytest.mark.parametrize(
    ("state", "left"),
    [
        ("{status: todo,   # blocked on the vendor, LEGAL-12\n        due: 2027-05-02}",
         "{status: todo   # blocked on the vendor, LEGAL-12\n        }"),
        ("{status: todo, due: 2027-05-02,  # blocked\n        owner: x}",
         "{status: todo,   # blocked\n        owner: x}"),
    ],
)  # fmt: skip
def test_dropping_a_due_date_keeps_a_comment_inside_the_braces(state: str, left: str) -> None:
    # The state was written again from its entries, and a comment about the item went.
    head = "launch: M\nlaunch_date: 2027-03-01\nitems:\n  a.b: "
    assert drop_due(head + state + "\n", ["a.b"]) == head + left + "\n"


@pytest.mark.parametrize("style", ["|", ">-", "|-"])
def test_a_block_scalar_replaced_keeps_the_comment_on_its_header(style: str) -> None:
    # A plain value kept its comment; a block scalar's went with the text it replaced.
    head = "launch: M\nlaunch_date: 2027-03-01\n"
    note = f"items:\n  a.b:\n    status: todo\n    note: {style}   # legal's words\n      Old.\n"
    after = set_item(head + note, "a.b", {"note": "New"}, RANKS)
    assert after.endswith("    note: New   # legal's words\n")
    waiver = f"waivers:\n  - item: a.b\n    reason: {style}  # steering, 30 Nov\n      Old.\n"
    waiver += "    approved_by: a\n    expires: 2027-06-30\n"
    after = waive(head + waiver, A_B_WAIVER)
    assert "    reason: r  # steering, 30 Nov\n    approved_by: a\n" in after
    if not style.endswith("-"):
        return  # a status of "todo\n": no status at all
    status = f"items:\n  a.b: {style}  # the status\n    todo\n"
    after = set_item(head + status, "a.b", {"owner": "x"}, RANKS)
    assert after.endswith("  a.b: {status: todo, owner: x}  # the status\n")


@pytest.mark.parametrize("written", ["!!null", "&none", "&none ~", "!!null ~", "! ~"])
def test_a_null_with_a_tag_or_an_anchor_takes_the_first_entries(written: str) -> None:
    # validate reads `items: !!null` as no items; set took it for a mapping with entries and
    # ended in an IndexError (exit 3), and waive refused `waivers: !!null` as no list.
    text = f"launch: M\nlaunch_date: 2027-03-01\nitems: {written}\nwaivers: {written}\n"
    after = set_item(text, "legal.trademarks", {"status": "done"}, RANKS)
    assert after == text.replace(
        f"items: {written}\n", "items:\n  legal.trademarks: done  # high: A new thing\n"
    )
    after = waive(text, A_B_WAIVER)
    assert after.endswith(
        "waivers:\n  - item: a.b\n    reason: r\n    approved_by: a\n    expires: 2027-05-01\n"
    )


@pytest.mark.parametrize(
    "written", ["\n  { # none yet\n  }", "\n  [\n    # none yet\n  ]", " !!map { # none\n  }"]
)
def test_an_empty_collection_holding_a_comment_is_refused_not_emptied(written: str) -> None:
    # The first entries replaced the brackets and the comment inside them, exit 0.
    head = "launch: M\nlaunch_date: 2027-03-01\n"
    key = "waivers" if "[" in written else "items"
    text = f"{head}{key}:{written}\n"
    with pytest.raises(GtmCheckError, match="cannot make this change") as refused:
        if key == "items":
            set_item(text, "legal.trademarks", {"status": "done"}, RANKS)
        else:
            waive(text, A_B_WAIVER)
    assert (refused.value.problems[0].line, refused.value.problems[0].column) in {(4, 3), (3, 8)}


def test_a_comment_written_inside_an_entry_stays_with_it_when_one_is_added_below() -> None:
    # A new item or waiver went right after the last value of the entry before it, above
    # the comment lines written inside that entry, which then sat inside the new one.
    head = "launch: M\nlaunch_date: 2027-03-01\n"
    inner = "    # TODO(ana): ask legal before marking this done\n"
    text = f"{head}items:\n  legal.trademarks:\n    status: todo\n{inner}  support.sla: done\n"
    after = set_item(text, "legal.new-thing", {"status": "done"}, RANKS)
    assert f"    status: todo\n{inner}  legal.new-thing: done  # high: A new thing\n" in after
    waiver = "  - item: c.d\n    reason: r\n    approved_by: a\n    expires: 2027-06-30\n"
    text = f"{head}waivers:\n{waiver}    # the CFO reviews this one in January\n"
    after = waive(text, A_B_WAIVER)
    assert after.startswith(text)  # the comment stays where it was, the new waiver below
    assert after[len(text) :].startswith("  - item: a.b\n")


def test_a_state_of_its_due_date_alone_is_left_to_the_user() -> None:
    text = "launch: M\nlaunch_date: 2027-03-01\nitems:\n  a.b:\n    due: 2027-01-01\n"
    with pytest.raises(GtmCheckError, match="holds only its due date; edit it by hand"):
        drop_due(text, ["a.b"])


# --- Edits of many items: fixed work per item ----------------------------------------------


class _Walked(list[object]):
    """A list of a parsed node's entries or items that counts the elements walks through it
    pass (each walk counted whole)."""

    walks = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        _Walked.walks += len(self)
        return super().__iter__()


class _Copied(str):
    """A file's text that counts the characters taken from it by slicing."""

    copied = 0

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        part = super().__getitem__(key)
        _Copied.copied += len(part)
        return part


def _counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every node an edit parses keeps its entries and items in a ``_Walked``."""
    from gtm_check.authoring import edit, yamlspans

    def walked(text: str, path: str = "<text>") -> yamlspans.Node:
        root = yamlspans.spans(text, path)
        nodes = [root]
        while nodes:
            node = nodes.pop()
            node.entries = _Walked(node.entries)  # type: ignore[assignment]
            node.items = _Walked(node.items)  # type: ignore[assignment]
            nodes += [e.value for e in list.__iter__(node.entries)]
            nodes += list.__iter__(node.items)
        return root

    begin = edit._Doc.__init__

    def copied(doc: edit._Doc, text: str, path: str) -> None:
        begin(doc, text, path)
        doc.text = _Copied(text)  # the parsers have had theirs: a plain str

    read = yamlspans.Lines.line_text

    def line_read(lines: yamlspans.Lines, line: int) -> str:
        _Read.lines += 1
        return read(lines, line)

    monkeypatch.setattr(edit, "spans", walked)
    monkeypatch.setattr(edit._Doc, "__init__", copied)
    monkeypatch.setattr(yamlspans.Lines, "line_text", line_read)
    _Walked.walks = _Copied.copied = _Read.lines = 0


class _Read:
    lines = 0
    """Lines of the file read one at a time (``Lines.line_text``)."""


COUNT = 2_000
HEAD = "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./t.yaml]\n"


@pytest.mark.parametrize(
    "what",
    [
        "set listed", "set new", "set new under comments", "drop due", "drop due flow",
        "unwaive", "unwaive flow", "unwaive flow on one line",
    ],
)  # fmt: skip
def test_an_edit_of_many_items_is_not_items_times_entries(
    monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    # 2,000 items of a 2,000-entry file took each a walk of every entry (a look-up, a place
    # among the entries by rank, a waiver's index) or a copy of the rest of the text: 77 s
    # for 64,000 items. Now each entry is passed a few times, and the text copied a few.
    ranks = {f"t.i{n}": (0, n) for n in range(2 * COUNT)}
    waiver = "{item: t.iN, reason: r, approved_by: a@b.c, expires: 2027-02-01}"
    kept = [waiver.replace("N", "1")] * (COUNT // 2)  # a waiver of another item beside each
    if what == "unwaive":
        text = HEAD + "waivers:\n" + f"  - {waiver.replace('N', '0')}  # w\n" * COUNT
    elif what == "unwaive flow":  # 20,000 waivers of a flow list took 60 s to unwaive
        pair = f"  {waiver.replace('N', '0')},  # w\n  {waiver.replace('N', '1')},\n"
        text = HEAD + "waivers: [\n" + pair * (COUNT // 2) + "]\n"
    elif what == "unwaive flow on one line":
        pair = f"{waiver.replace('N', '0')}, {waiver.replace('N', '1')}"
        text = HEAD + "waivers: [" + ", ".join([pair] * (COUNT // 2)) + "]\n"
    elif what == "set new under comments":  # new items go above a heading of comment lines
        ranks = {f"t.i{n}": (0, n) for n in range(COUNT)} | {"u.x": (1, 0)}
        text = HEAD + "items:\n" + "  # ---\n" * COUNT + "  u.x: todo\n"
    elif what == "drop due flow":  # every item on the one line of items:
        states = ", ".join(f"t.i{n}: {{status: todo, due: 2027-02-19}}" for n in range(COUNT))
        text = HEAD + "items: {" + states + "}\n"
    else:
        text = (
            HEAD
            + "items:\n"
            + "".join(
                f"  t.i{n}: {{status: todo, due: 2027-02-19}}  # note\n"
                for n in range(0, 2 * COUNT, 2)
            )
        )
    _counted(monkeypatch)
    if what == "set listed":
        changes = {f"t.i{n}": {"status": "in-progress"} for n in range(0, 2 * COUNT, 2)}
        placements = dict.fromkeys(changes, Placement(ranks))
        new = set_items(text, changes, placements)
        assert new.count("in-progress") == COUNT
    elif what == "set new":
        changes = {f"t.i{n}": {"status": "done"} for n in range(1, 2 * COUNT, 2)}
        new = set_items(text, changes, dict.fromkeys(changes, Placement(ranks)))
        lines = new.splitlines()
        assert lines[4:7] == [
            "  t.i0: {status: todo, due: 2027-02-19}  # note",
            "  t.i1: done",
            "  t.i2: {status: todo, due: 2027-02-19}  # note",
        ]
    elif what == "set new under comments":
        changes = {f"t.i{n}": {"status": "done"} for n in range(COUNT)}
        new = set_items(text, changes, dict.fromkeys(changes, Placement(ranks)))
        assert new.endswith("  t.i1999: done\n" + "  # ---\n" * COUNT + "  u.x: todo\n")
    elif what == "drop due":
        new = drop_due(text, [f"t.i{n}" for n in range(0, 2 * COUNT, 2)])
        assert "due:" not in new and new.count("  t.i2: todo") == 1
    elif what == "drop due flow":
        new = drop_due(text, [f"t.i{n}" for n in range(COUNT)])
        assert "due:" not in new and "{t.i0: todo, t.i1: todo," in new
    elif what == "unwaive":
        new = unwaive(text, "t.i0")
        assert new == HEAD + "waivers:\n"
    elif what == "unwaive flow":
        new = unwaive(text, "t.i0")
        assert new == HEAD + "waivers: [\n" + "".join(f"  {w},\n" for w in kept) + "]\n"
    else:
        new = unwaive(text, "t.i0")
        assert new == HEAD + "waivers: [" + ", ".join(kept) + "]\n"
    assert _Walked.walks < 20 * COUNT, _Walked.walks
    assert _Copied.copied < 10 * len(text), (_Copied.copied, len(text))
    assert _Read.lines < 10 * COUNT, _Read.lines
