"""checklists/README.md states the numbers tests/checklist_counts.py measures, and names
every retired built-in id with the item that replaced it."""

from __future__ import annotations

import re

import pytest

from gtm_check.load.checklists import RETIRED_BUILTIN_IDS
from tests.checklist_counts import BLOCKS, README, block_pattern, builtin, rewritten
from tests.conftest import ROOT

CHECKLISTS = builtin()
TEXT = README.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(BLOCKS))
def test_each_generated_block_is_what_the_script_measures(name: str) -> None:
    match = block_pattern(name).search(TEXT)
    assert match, f"checklists/README.md lost its counts:{name} block"
    assert match.group(2) == BLOCKS[name](CHECKLISTS) + "\n", (
        "run .venv/bin/python tests/checklist_counts.py and read the diff"
    )


def test_the_script_leaves_an_up_to_date_readme_as_it_is() -> None:
    assert rewritten(TEXT, CHECKLISTS) == TEXT


def test_the_main_readme_gives_the_same_number_of_items() -> None:
    total = sum(len(c.items) for c in CHECKLISTS)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"({total} items across {len(CHECKLISTS)} departments)" in readme


def test_every_retired_id_is_listed_with_what_replaced_it() -> None:
    current = {item.id for c in CHECKLISTS for item in c.items}
    assert set(RETIRED_BUILTIN_IDS) & current == set()
    assert set(RETIRED_BUILTIN_IDS.values()) <= current
    table = TEXT.split("## Merged and renamed items", 1)[1]
    rows = re.findall(r"^\| (.*) \| `([^`]+)` \|$", table, flags=re.M)
    listed = {old: new for olds, new in rows for old in re.findall(r"`([^`]+)`", olds)}
    assert listed == RETIRED_BUILTIN_IDS
