"""Indentation mistakes in a launch file, said in plain words at the line that goes wrong.

Each case is a hand-written broken file (after the mini launch's three header lines) with the
one message expected: its line and column, and which way the line is off.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gtm_check.model.problems import GtmCheckError
from tests.conftest import load

Mini = Callable[[str], Path]
HELP = "(indent it exactly as far as the one it belongs with)"

CASES: dict[str, tuple[str, str]] = {
    "a state key indented less than its sibling": (
        "items:\n  legal.trademarks:\n    status: done\n   owner: a@b\n",
        "7:4: 'owner' is indented 3 spaces: less than 'status' on line 6 (4 spaces), more than "
        f"'legal.trademarks' on line 5 (2 spaces) {HELP}",
    ),
    "a comment and a blank line between": (
        "items:\n  legal.trademarks:\n    status: done\n   # who\n\n   owner: a@b\n",
        "9:4: 'owner' is indented 3 spaces: less than 'status' on line 6 (4 spaces), more than "
        f"'legal.trademarks' on line 5 (2 spaces) {HELP}",
    ),
    "a gate key indented less than the one above": (
        "gate:\n  stages: [learn]\n min_score: 80\n",
        "6:2: 'min_score' is indented 1 space: less than 'stages' on line 5 (2 spaces), more "
        f"than 'gate' on line 4 (0 spaces) {HELP}",
    ),
    "an item id indented less than the one above": (
        "items:\n    legal.trademarks: done\n  legal.sla-terms: todo\n",
        "6:3: 'legal.sla-terms' is indented 2 spaces: less than 'legal.trademarks' on line 5 "
        f"(4 spaces), more than 'items' on line 4 (0 spaces) {HELP}",
    ),
    "a waiver key indented less than the ones above it": (
        "waivers:\n  - item: legal.trademarks\n    reason: r\n   approved_by: a\n",
        "7:4: 'approved_by' is indented 3 spaces: less than 'reason' on line 6 (4 spaces), more "
        f"than '- item' on line 5 (2 spaces) {HELP}",
    ),
    "a list entry indented less than the one above": (
        "checklists:\n  - ./legal.yaml\n - ./more.yaml\n",
        "6:2: '- ./more.yaml' is indented 1 space: less than '- ./legal.yaml' on line 5 "
        f"(2 spaces), more than 'checklists' on line 4 (0 spaces) {HELP}",
    ),
    "a key indented deeper than a key with a value": (
        "items:\n  legal.trademarks:\n    status: done\n      owner: a@b\n",
        "7:7: 'owner' is indented deeper than 'status' on the line above, which already has a "
        "value (indent 'owner' exactly as far as 'status')",
    ),
    "a key indented deeper than a list entry": (
        "gate:\n  stages:\n  - learn\n    min_score: 80\n",
        "7:5: 'min_score' is indented deeper than the list entry '- learn' on the line above, "
        "so it reads as part of it (indent it exactly as far as the key it belongs with)",
    ),
    "a list entry without its space, found where it is, not a line late": (
        "traits:\n  - saas\n  -channel-sales\nitems: {}\n",
        "6:3: '-channel-sales' is neither 'key: value' nor a list entry '- value' (a list entry "
        "needs a space after '-')",
    ),
    "an item's key indented as far as the item ids": (
        "items:\n  legal.trademarks:\n    status: done\n  note: a@b\n",
        "7:3: 'note' is not a valid item id; ids look like <department>.<slug> (indented too "
        "little? 'note' belongs under an item, indented deeper than its id)",
    ),
    "a key that is the launch's and an item's, at the items' level": (
        "items:\n  legal.trademarks:\n    status: done\n  owner: a@b\n",
        "7:3: 'owner' is not a valid item id; ids look like <department>.<slug> (indented too "
        "little or too far? 'owner' belongs under an item, indented deeper than its id, or at "
        "the top level)",
    ),
    "a key indented deeper than a key whose value is a list": (
        "gate:\n  stages: [learn, buy]\n    min_score: 80\n",
        "6:5: 'min_score' is indented deeper than 'stages' on the line above, which already has "
        "a value (indent 'min_score' exactly as far as 'stages')",
    ),
    "a colon inside a value": (
        "items:\n  legal.trademarks: {status: done, note: Filed: 2027}\n",
        "5:21: the '{…}' mapping that starts here needs ',' between its entries and '}' at its "
        "end (text that contains ': ', ',' or brackets must be put in quotes)",
    ),
    "a colon inside a plain value": (
        "items:\n  legal.trademarks:\n    note: Filed: 2027\n",
        "6:16: a ': ' inside this value reads as the start of another key (text that contains "
        "': ' must be put in quotes)",
    ),
    "a tab": (
        "gate:\n\tmin_score: 80\n",
        "5:1: a tab indents this line, and YAML indents with spaces only (use spaces)",
    ),
    "a top-level key indented into items": (
        "items:\n  legal.trademarks: done\n  waivers:\n    - item: legal.sla-terms\n",
        "6:3: 'waivers' is not a valid item id; ids look like <department>.<slug> (indented too "
        "far? 'waivers' belongs at the top level)",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_indentation_mistake_is_named_at_its_line_and_direction(mini: Mini, case: str) -> None:
    body, expected = CASES[case]
    path = mini(body)
    with pytest.raises(GtmCheckError) as caught:
        load(path)
    rendered = [problem.render() for problem in caught.value.problems]
    assert rendered == [f"{path}:{expected}"]
