"""What a large launch keeps in memory: no file's text once parsed, one object for repeated states.

The peak of ``audit`` at 100,000 items is where a launch and its checklist are both loaded;
these are the choices that keep it at 0.6x the lean floor's (benchmarks/README.md).
"""

from __future__ import annotations

import copy
import datetime as dt
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gtm_check.load.checklists import ChecklistReader
from gtm_check.load.launch import load_launch
from gtm_check.load.locations import locations
from gtm_check.load.yamltree import Source
from gtm_check.model.inputs import UNSTATED, Condition, ItemState, Launch
from gtm_check.model.problems import GtmCheckError
from gtm_check.model.results import Location
from gtm_check.model.vocabulary import Status
from gtm_check.pipeline import AuditRequest, audit
from tests.conftest import MINI_CHECKLIST, WriteFile, load

Mini = Callable[[str], Path]


def test_a_loaded_launch_reads_its_files_again_for_positions(mini: Mini) -> None:
    path = mini("items:\n  legal.trademarks: done\n")
    loaded = load(path)
    assert locations(loaded)["legal.trademarks"].line == 5
    # The texts were let go once parsed: a file that changed since shows, rather than
    # positions that no longer match it.
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "owner: someone\n", encoding="utf-8")
    with pytest.raises(GtmCheckError) as info:
        loaded.source.positions()
    assert "changed while gtm-check was reading it" in info.value.problems[0].message
    path.write_text(text, encoding="utf-8")
    assert loaded.source.positions().of(("items", "legal.trademarks"), key=True) == (5, 3)


def test_a_checklist_reads_again_too(mini: Mini, write: WriteFile) -> None:
    path = mini("")
    loaded = load(path)
    write("legal.yaml", MINI_CHECKLIST.replace("Marks cleared", "Marks cleared everywhere"))
    with pytest.raises(GtmCheckError):
        loaded.checklists[0].source.positions()


def test_text_that_cannot_be_read_again_is_kept() -> None:
    source = Source("-", "launch: Piped\n")  # standard input, or a git revision
    source.parse()
    source.release()
    assert source.text == "launch: Piped\n"
    assert source.positions().of(("launch",)) == (1, 9)


def test_a_problem_is_located_in_the_text_read_again(mini: Mini) -> None:
    path = mini("items:\n  legal.nope: done\n")
    with pytest.raises(GtmCheckError) as info:
        load_launch(path, ChecklistReader())
    assert [(p.line, p.column) for p in info.value.problems] == [(5, 3)]


def test_a_status_written_alone_is_one_shared_state() -> None:
    launch = Launch.model_validate(
        {"launch": "L", "launch_date": dt.date(2027, 3, 1), "items": {"a.b": "done", "a.c": "done"}}
    )
    assert launch.items["a.b"] is launch.items["a.c"]
    assert launch.items["a.b"].model_fields_set == {"status"}
    assert launch.items["a.b"] == ItemState(status=Status.DONE)


def test_a_misspelt_status_is_still_refused_where_it_is() -> None:
    with pytest.raises(ValueError, match="status"):
        Launch.model_validate(
            {"launch": "L", "launch_date": dt.date(2027, 3, 1), "items": {"a.b": "Done"}}
        )


def test_an_unconditional_item_shares_its_condition() -> None:
    condition = Condition()
    assert copy.deepcopy(condition) is condition  # frozen: a copy is the same value


def test_an_item_the_launch_does_not_mention_is_the_one_unstated_state() -> None:
    assert UNSTATED == ItemState() and UNSTATED.status is Status.TODO


def test_an_audit_asking_for_history_needs_the_extras(mini: Mini) -> None:
    request = AuditRequest((mini(""),), dt.date(2027, 1, 15), history=True)
    with pytest.raises(ValueError, match="extras"):
        audit(request)


def test_pointing_at_lines_allocates_a_small_part_of_what_loading_does(write: WriteFile) -> None:
    """``audit -f github`` finds each item's line by walking its files again for those
    positions alone, building no data: recording every position and building the data
    again took its peak at 100,000 items from 0.58x to 1.21x the lean floor's
    (benchmarks/README.md). Measured here as what each step allocates at its peak."""
    size = 3_000
    checklist = ["department: bench", "name: Bench", "items:"]
    launch = ["launch: Bench", "launch_date: 2027-03-01", "checklists: [./bench.yaml]", "items:"]
    for i in range(size):
        item = f"bench.item-{i:05d}"
        checklist += [f"  - id: {item}", "    stage: learn", f"    title: Item {i}"]
        checklist += ["    severity: high", f"    question: Is item {i} ready for launch?"]
        if i % 3 == 0:
            launch.append(f"  {item}: done")
        elif i % 3 == 1:  # the long form; the third third is set by no entry
            launch += [f"  {item}:", "    status: in-progress", "    owner: a@example.com"]
    write("bench.yaml", "\n".join(checklist) + "\n")
    path = write("launch.yaml", "\n".join(launch) + "\n")
    tracemalloc.start()
    try:
        loaded = load(path)
        loading = tracemalloc.get_traced_memory()[1]
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        found = locations(loaded)
        pointing = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert found["bench.item-00001"] == Location(str(path), 6, 3)  # its entry in the launch
    assert found["bench.item-00002"] == Location(str(path.parent / "bench.yaml"), 14, 5)
    # 0.22x with only the positions asked for; 1.41x when every one was recorded.
    assert pointing < 0.5 * loading, (pointing, loading)


def test_a_number_parsed_is_not_kept_by_the_yaml_loader() -> None:
    # PyYAML keeps each node it constructs (for aliases, which gtm-check refuses) until the
    # loader goes: 3 million whole numbers in one file took 1.7 GB, 757 MB without them.
    import yaml

    from gtm_check.load import yamltree

    loader: Any = yaml.SafeLoader("[1, 2.5, true, null, 0x1f]")
    try:
        values = []
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.ScalarEvent):
                values.append(yamltree._scalar(loader, event))
        assert values == [(1, None), (2.5, None), (True, None), (None, None), (31, None)]
        assert loader.constructed_objects == {}
    finally:
        loader.dispose()
