"""Loading launch files and checklists: what is accepted, and every problem located."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gtm_check.load import checklists as checklists_module
from gtm_check.load import yamltree
from gtm_check.load.checklists import ChecklistReader, LoadedChecklist, builtin_dir, builtin_names
from gtm_check.load.launch import load_launch
from gtm_check.model.inputs import Launch
from gtm_check.model.problems import MAX_PROBLEMS, GtmCheckError
from gtm_check.model.vocabulary import DEPARTMENTS, Status
from tests.conftest import EXAMPLES, MINI_CHECKLIST, WriteFile, load, read_checklist

Mini = Callable[[str], Path]


def problems(path: Path, **kwargs: bool) -> list[str]:
    with pytest.raises(GtmCheckError) as info:
        load(path, **kwargs)
    folder = str(path.parent) + os.sep
    return [p.render().replace(folder, "") for p in info.value.problems]


def test_example_loads_with_builtin_checklists() -> None:
    loaded = load(EXAMPLES / "launch.yaml")
    assert loaded.launch.launch == "Acme Insights 2.0"
    assert {c.checklist.department for c in loaded.checklists} == set(DEPARTMENTS)
    assert loaded.launch.items["finance-operations.order-to-cash"].status is Status.BLOCKED


def test_every_documented_department_has_a_builtin_checklist() -> None:
    assert builtin_names() == list(DEPARTMENTS)
    for name in builtin_names():
        loaded = read_checklist(builtin_dir() / f"{name}.yaml", name)
        assert loaded.checklist.department == name


def test_shorthand_status_and_full_state(mini: Mini) -> None:
    loaded = load(
        mini(
            """\
            items:
              legal.trademarks: done
              legal.sla-terms:
                status: in-progress
                owner: a@b
                due: 2027-01-01
            """
        )
    )
    items = loaded.launch.items
    assert items["legal.trademarks"].status is Status.DONE
    assert items["legal.sla-terms"].owner == "a@b"


def test_json_schema_states_the_shorthand_status() -> None:
    # Editors and schema validators read this schema: an item's state may be its status alone.
    schema = Launch.model_json_schema(mode="validation")
    [entry] = schema["properties"]["items"]["patternProperties"].values()
    assert entry == {"anyOf": [{"$ref": "#/$defs/Status"}, {"$ref": "#/$defs/ItemState"}]}
    assert schema["$defs"]["Status"]["enum"] == [s.value for s in Status]


def test_unknown_item_id_with_did_you_mean(mini: Mini) -> None:
    path = mini("items:\n  legal.trademark: done\n")
    assert problems(path) == [
        "launch.yaml:5:3: unknown item id 'legal.trademark' (did you mean 'legal.trademarks'?)"
    ]


def test_unknown_waiver_item(mini: Mini) -> None:
    path = mini(
        "waivers:\n  - item: legal.sla-term\n    reason: r\n    approved_by: v\n"
        "    expires: 2027-01-01\n"
    )
    assert problems(path) == [
        "launch.yaml:5:11: waiver for unknown item id 'legal.sla-term' "
        "(did you mean 'legal.sla-terms'?)"
    ]


@pytest.mark.parametrize("missing", ["reason", "approved_by", "expires", "item"])
def test_waiver_needs_all_four_fields(mini: Mini, missing: str) -> None:
    fields = {
        "item": "legal.sla-terms",
        "reason": "r",
        "approved_by": "v",
        "expires": "2027-01-01",
    }
    del fields[missing]
    body = "waivers:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in fields.items()) + "\n"
    assert problems(mini(body)) == [f"launch.yaml:5:5: missing required key '{missing}'"]


def test_unknown_status_with_did_you_mean(mini: Mini) -> None:
    assert problems(mini("items:\n  legal.trademarks: in-progres\n")) == [
        "launch.yaml:5:21: status: 'in-progres' is not one of todo, in-progress, blocked, "
        "done, n/a (did you mean 'in-progress'?)"
    ]


def test_boolean_status_explains_yaml(mini: Mini) -> None:
    (problem,) = problems(mini("items:\n  legal.trademarks: yes\n"))
    assert problem.startswith("launch.yaml:5:21: status: a boolean is not one of")
    assert "YAML reads yes/no" in problem


def test_unknown_key_with_did_you_mean(mini: Mini) -> None:
    assert problems(mini("trait: [saas]\n")) == [
        "launch.yaml:4:1: unknown key 'trait' (did you mean 'traits'?)"
    ]


def test_unknown_key_in_item_state(mini: Mini) -> None:
    assert problems(mini("items:\n  legal.trademarks:\n    stauts: done\n")) == [
        "launch.yaml:6:5: unknown key 'stauts' (did you mean 'status'?)"
    ]


def test_unknown_trait_with_did_you_mean(mini: Mini) -> None:
    assert problems(mini("traits: [saas, chanel-sales]\n")) == [
        "launch.yaml:4:16: unknown trait 'chanel-sales' (did you mean 'channel-sales'?)"
    ]


def test_trait_used_by_a_loaded_checklist_is_known(write: WriteFile) -> None:
    write(
        "ours.yaml",
        """\
        department: ours
        name: Ours
        items:
          - {id: ours.x, stage: learn, title: X, severity: low, applies_if: [kiosk]}
        """,
    )
    path = write(
        "launch.yaml",
        "launch: L\nlaunch_date: 2027-01-01\nchecklists: [./ours.yaml]\ntraits: [kiosk]\n",
    )
    assert load(path).launch.traits == ["kiosk"]


def test_traits_a_checklist_uses_in_any_or_none_are_known(write: WriteFile) -> None:
    write(
        "ours.yaml",
        """\
        department: ours
        name: Ours
        items:
          - id: ours.x
            stage: learn
            title: X
            severity: low
            applies_if: {any: [kiosk, booth], none: [pop-up]}
        """,
    )
    for trait in ("kiosk", "booth", "pop-up"):
        path = write(
            "launch.yaml",
            f"launch: L\nlaunch_date: 2027-01-01\nchecklists: [./ours.yaml]\ntraits: [{trait}]\n",
        )
        assert load(path).launch.traits == [trait]


def test_a_condition_with_an_unknown_key_is_located(write: WriteFile) -> None:
    write(
        "ours.yaml",
        """\
        department: ours
        name: Ours
        items:
          - id: ours.x
            stage: learn
            title: X
            severity: low
            applies_if: {all: [saas], nnone: [kiosk]}
        """,
    )
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [./ours.yaml]\n")
    assert problems(path) == ["ours.yaml:8:31: unknown key 'nnone' (did you mean 'none'?)"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tier", "4", "tier: must be 1 (flagship), 2 (standard) or 3 (minor)"),
        ("tier", "true", "tier: must be 1 (flagship), 2 (standard) or 3 (minor)"),
        ("lead_days", "-3", "lead_days: must be a whole number of days, 0 or more"),
        ("lead_days", "1.5", "lead_days: must be a whole number of days, 0 or more"),
    ],
)
def test_tier_and_lead_days_are_checked(
    write: WriteFile, field: str, value: str, message: str
) -> None:
    write(
        "ours.yaml",
        f"department: ours\nname: Ours\nitems:\n"
        f"  - {{id: ours.x, stage: learn, title: X, severity: low, {field}: {value}}}\n",
    )
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [./ours.yaml]\n")
    (problem,) = problems(path)
    assert problem.startswith("ours.yaml:4:") and problem.endswith(message)


def test_a_launch_tier_outside_1_to_3_is_located(mini: Mini) -> None:
    assert problems(mini("tier: 0\n")) == [
        "launch.yaml:4:7: tier: must be 1 (flagship), 2 (standard) or 3 (minor)"
    ]


def test_duplicate_mapping_key_in_launch(mini: Mini) -> None:
    assert problems(mini("items:\n  legal.trademarks: done\n  legal.trademarks: todo\n")) == [
        "launch.yaml:6:3: duplicate key 'legal.trademarks' (first written on line 5)"
    ]


def test_duplicate_item_ids_across_checklists(write: WriteFile) -> None:
    item = "  - {id: legal.trademarks, stage: learn, title: X, severity: low}\n"
    write("one.yaml", "department: legal\nname: Legal\nitems:\n" + item)
    write("two.yaml", "department: legal\nname: Legal\nitems:\n" + item)
    path = write(
        "launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [one.yaml, two.yaml]\n"
    )
    (problem,) = problems(path)
    assert problem == (
        "two.yaml:4:10: duplicate item id 'legal.trademarks' (first defined at one.yaml:4)"
    )


def test_a_valid_launch_is_parsed_once(mini: Mini, monkeypatch: pytest.MonkeyPatch) -> None:
    # Positions cost a second parse of each file: only a problem or a format that points at
    # lines may ask for them.
    parses: list[bool] = []
    real = yamltree._parse

    def counting(source: yamltree.Source, *, positions: bool, limit: int) -> object:
        parses.append(positions)
        return real(source, positions=positions, limit=limit)

    monkeypatch.setattr(yamltree, "_parse", counting)
    load(mini("items:\n  legal.trademarks: done\n"))
    assert parses == [False, False]  # the launch file and its one checklist, no positions


def test_item_id_must_carry_its_department(write: WriteFile) -> None:
    path = write(
        "c.yaml",
        "department: legal\nname: Legal\nitems:\n"
        "  - {id: sales.x, stage: learn, title: X, severity: low}\n",
    )
    with pytest.raises(GtmCheckError) as info:
        read_checklist(path, "c.yaml")
    assert [p.render() for p in info.value.problems] == [
        "c.yaml:4:10: item id 'sales.x' must start with its department 'legal.'"
    ]


def test_checklist_errors_are_located_in_the_checklist(write: WriteFile) -> None:
    write(
        "c.yaml",
        "department: legal\nname: Legal\nitems:\n"
        "  - {id: legal.x, stage: lern, title: X, severity: huge, weight: 0}\n",
    )
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [c.yaml]\n")
    assert problems(path) == [
        "c.yaml:4:26: stage: 'lern' is not one of learn, buy, use, grow (did you mean 'learn'?)",
        "c.yaml:4:52: severity: 'huge' is not one of blocker, high, medium, low",
        "c.yaml:4:66: weight: must be greater than 0",
    ]


def test_every_problem_in_a_file_is_reported(mini: Mini) -> None:
    path = mini(
        """\
        launch_date: 2027-02-30
        traits: [saas, chanel-sales]
        gate: {stages: [learn, bye], min_score: 120}
        items:
          legal.trademark: done
          legal.sla-terms: {status: dnoe, owner: 42, due: soon}
        """
    )
    found = problems(path)
    assert len(found) == 9, found
    assert found[0] == "launch.yaml:4:1: duplicate key 'launch_date' (first written on line 2)"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("../outside.yaml", "leads outside the launch file's folder"),
        ("/etc/passwd", "is absolute"),
        ("lgal", "no built-in checklist named 'lgal' (did you mean 'legal'?)"),
        ("./missing.yaml", "checklist './missing.yaml' does not exist"),
        ("./folder.yaml", "is a directory, not a file"),
    ],
)
def test_checklist_references(write: WriteFile, ref: str, message: str) -> None:
    write("../outside.yaml", "department: x\nname: X\nitems: []\n")
    (write("x", "").parent / "folder.yaml").mkdir()
    path = write("launch.yaml", f"launch: L\nlaunch_date: 2027-01-01\nchecklists: ['{ref}']\n")
    (problem,) = problems(path)
    assert problem.startswith("launch.yaml:3:14: ")
    assert message in problem


def test_symlink_out_of_the_folder_is_refused(write: WriteFile, tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text("department: legal\nname: L\nitems: []\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "link.yaml").symlink_to(outside)
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [sub/link.yaml]\n")
    (problem,) = problems(path)
    assert "leads outside the launch file's folder" in problem


def test_allow_outside_reads_a_checklist_elsewhere(write: WriteFile, tmp_path: Path) -> None:
    from tests.conftest import MINI_CHECKLIST

    write("shared/legal.yaml", MINI_CHECKLIST)
    path = write(
        "team/launch.yaml",
        "launch: L\nlaunch_date: 2027-01-01\nchecklists: [../shared/legal.yaml]\n",
    )
    assert problems(path)  # refused by default
    loaded = load(path, allow_outside=True)
    assert loaded.checklists[0].checklist.department == "legal"


def test_builtin_and_named_builtin_load_once(write: WriteFile) -> None:
    path = write(
        "launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [builtin, legal]\n"
    )
    loaded = load(path)
    departments = [c.checklist.department for c in loaded.checklists]
    assert departments.count("legal") == 1


def test_missing_launch_file(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope.yaml") == ["nope.yaml:1:1: no such file"]


def test_invalid_utf8_is_located(write: WriteFile, tmp_path: Path) -> None:
    path = tmp_path / "launch.yaml"
    path.write_bytes(b"launch: L\nlaunch_date: 2027-01-01\nowner: caf\xe9\n")
    assert problems(path) == ["launch.yaml:3:11: not valid UTF-8 text"]


def test_byte_order_mark_is_ignored(mini: Mini) -> None:
    path = mini("")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load(path).launch.launch == "Mini"


def test_top_level_must_be_a_mapping(write: WriteFile) -> None:
    path = write("launch.yaml", "- a\n- b\n")
    assert problems(path) == [
        "launch.yaml:1:1: expected a mapping of keys to values at the top, got a list"
    ]


def test_number_where_text_is_expected(mini: Mini) -> None:
    assert problems(mini("owner: 42\n")) == [
        "launch.yaml:4:8: owner: expected text, got a number (put it in quotes to make it text)"
    ]


def test_text_where_a_number_is_expected(mini: Mini) -> None:
    assert problems(mini("gate: {min_score: high}\n")) == [
        "launch.yaml:4:19: min_score: expected a number"
    ]


def test_invalid_item_id_key(mini: Mini) -> None:
    (problem,) = problems(mini("items:\n  Legal Trademarks: done\n"))
    assert problem.startswith("launch.yaml:5:3: 'Legal Trademarks' is not a valid item id")


def test_empty_status_says_no_value_given(mini: Mini) -> None:
    assert problems(mini("items:\n  legal.trademarks:\n")) == [
        "launch.yaml:5:20: status: no value given; expected one of todo, in-progress, blocked, "
        "done, n/a"
    ]


def test_top_level_key_indented_into_items_gets_one_message(mini: Mini) -> None:
    path = mini("items:\n  legal.trademarks: done\n  waivers:\n    - item: legal.sla-terms\n")
    assert problems(path) == [
        "launch.yaml:6:3: 'waivers' is not a valid item id; ids look like <department>.<slug> "
        "(indented too far? 'waivers' belongs at the top level)"
    ]


def test_requires_must_name_a_loaded_item(write: WriteFile) -> None:
    write(
        "c.yaml",
        "department: ours\nname: Ours\nitems:\n"
        "  - {id: ours.x, stage: use, title: X, severity: low, requires: [ours.y]}\n",
    )
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [c.yaml]\n")
    assert problems(path) == ["c.yaml:4:66: ours.x requires unknown item id 'ours.y'"]


def test_requires_may_not_point_to_a_later_stage(write: WriteFile) -> None:
    write(
        "c.yaml",
        "department: ours\nname: Ours\nitems:\n"
        "  - {id: ours.x, stage: learn, title: X, severity: low, requires: [ours.y]}\n"
        "  - {id: ours.y, stage: buy, title: Y, severity: low}\n",
    )
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [c.yaml]\n")
    assert problems(path) == [
        "c.yaml:4:68: ours.x (learn) requires ours.y, which is in the later stage 'buy'; "
        "a stage cannot wait on a later one"
    ]


def test_requires_may_not_be_due_after_the_item_that_needs_it(write: WriteFile) -> None:
    write(
        "c.yaml",
        "department: ours\nname: Ours\nitems:\n"
        "  - {id: ours.x, stage: buy, title: X, severity: low, lead_days: 42, requires: [ours.y]}\n"
        "  - {id: ours.y, stage: learn, title: Y, severity: low, lead_days: 14}\n",
    )
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [c.yaml]\n")
    assert problems(path) == [
        "c.yaml:4:81: ours.x is due 42 days before launch but requires ours.y, due only 14 "
        "days before; a prerequisite cannot be due after the item that needs it"
    ]


def test_requires_compares_lead_times_at_every_tier_that_owes_both(write: WriteFile) -> None:
    write(
        "c.yaml",
        "department: ours\nname: Ours\nitems:\n"
        "  - id: ours.x\n    stage: use\n    title: X\n    severity: low\n"
        "    lead_days: {1: 60, 2: 30, 3: 7}\n    requires: [ours.y, ours.z]\n"
        "  - {id: ours.y, stage: use, title: Y, severity: low, lead_days: {1: 90, 2: 21, 3: 7}}\n"
        # Owed by tier 1 only: only tier 1's lead times are compared.
        "  - {id: ours.z, stage: use, title: Z, severity: low, tier: 1, lead_days: 60}\n",
    )
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [c.yaml]\n")
    assert problems(path) == [
        "c.yaml:9:16: ours.x is due 30 days before launch at tier 2 but requires ours.y, due "
        "only 21 days before; a prerequisite cannot be due after the item that needs it"
    ]


def test_a_prerequisite_without_a_lead_time_is_never_due(write: WriteFile) -> None:
    write(
        "c.yaml",
        "department: ours\nname: Ours\nitems:\n"
        "  - {id: ours.x, stage: use, title: X, severity: low, lead_days: 7, requires: [ours.y]}\n"
        "  - {id: ours.y, stage: use, title: Y, severity: low}\n"
        "  - {id: ours.z, stage: use, title: Z, severity: low, requires: [ours.y, ours.x]}\n",
    )
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [c.yaml]\n")
    assert problems(path) == [
        "c.yaml:4:80: ours.x is due 7 days before launch but requires ours.y, which has no "
        "lead time; give ours.y lead_days of 7 or more"
    ]


@pytest.mark.parametrize(
    ("lead_days", "message"),
    [
        ("{1: 30, 2: 14}", "no lead time for tier 3: give days for every tier that owes the "
         "item (1, 2, 3)"),
        ("{1: 30, 4: 14}", "days per tier take the tiers 1, 2 and 3 as keys"),
        ("{1: 30, 2: -1, 3: 7}", "the lead time for tier 2 must be a whole number of days, 0 or "
         "more"),
        ("{}", "give a number of days, or days per tier such as {1: 90, 2: 45, 3: 14}"),
    ],
)  # fmt: skip
def test_lead_days_per_tier_names_each_owing_tier_once(
    write: WriteFile, lead_days: str, message: str
) -> None:
    write(
        "c.yaml",
        "department: ours\nname: Ours\nitems:\n"
        f"  - {{id: ours.x, stage: use, title: X, severity: low, lead_days: {lead_days}}}\n",
    )
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [c.yaml]\n")
    (problem,) = problems(path)
    assert problem.startswith("c.yaml:4:") and problem.endswith(f"lead_days: {message}")


def test_lead_days_per_tier_may_not_name_a_tier_the_item_is_not_owed_by(
    write: WriteFile,
) -> None:
    write(
        "c.yaml",
        "department: ours\nname: Ours\nitems:\n"
        "  - {id: ours.x, stage: use, title: X, severity: low, tier: 2, lead_days: "
        "{1: 30, 2: 14, 3: 7}}\n",
    )
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [c.yaml]\n")
    (problem,) = problems(path)
    assert problem.endswith(
        "lead_days: tier 3 does not owe this item (tier: 2): give days for tiers 1, 2 only"
    )


def test_empty_lists_mean_none(mini: Mini) -> None:
    loaded = load(mini("traits:\nitems:\nwaivers:\n"))
    assert (loaded.launch.traits, loaded.launch.items, loaded.launch.waivers) == ([], {}, [])


def test_a_fifo_is_refused_instead_of_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "launch.yaml"
    os.mkfifo(fifo)
    assert problems(fifo) == ["launch.yaml:1:1: is not a regular file"]


def test_file_size_limit(mini: Mini, monkeypatch: pytest.MonkeyPatch) -> None:
    path = mini("")
    monkeypatch.setattr("gtm_check.load.files.MAX_FILE_BYTES", 10)
    (problem,) = problems(path)
    assert problem.startswith("launch.yaml:1:1: file is ") and "the limit is 10" in problem


def test_unreadable_file(mini: Mini, monkeypatch: pytest.MonkeyPatch) -> None:
    path = mini("")
    real = os.open

    def refuse(name: str | os.PathLike[str], flags: int, *args: int) -> int:
        if Path(name) == path:
            raise PermissionError(13, "Permission denied")
        return real(name, flags, *args)

    monkeypatch.setattr(os, "open", refuse)
    assert problems(path) == ["launch.yaml:1:1: permission denied"]


def test_long_user_text_is_cut_short_in_messages(mini: Mini) -> None:
    (problem,) = problems(mini("traits: [" + "x" * 5000 + "]\n"))
    assert "'" + "x" * 59 + "…'" in problem and "x" * 60 not in problem


def test_control_characters_cannot_forge_lines(mini: Mini) -> None:
    (problem,) = problems(mini('items:\n  "legal.x\\n::error::forged": done\n'))
    assert "\n" not in problem and "\\n::error::forged" in problem


def test_each_checklist_is_read_once_however_many_launches_name_it(
    mini: Mini, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    real = checklists_module._read_checklist

    def counting(path: Path, display: str, *args: Any, **kwargs: Any) -> LoadedChecklist:
        reads.append(display)
        return real(path, display, *args, **kwargs)

    monkeypatch.setattr(checklists_module, "_read_checklist", counting)
    first = mini("")
    second = first.with_name("second.yaml")
    second.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    reader = ChecklistReader()
    for path in (first, second, EXAMPLES / "launch.yaml", EXAMPLES / "device.yaml"):
        load_launch(path, reader)
    assert len(reads) == len(set(reads)) == 1 + len(DEPARTMENTS)


def test_a_new_reader_reads_again(mini: Mini, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    real = checklists_module._read_checklist

    def counting(path: Path, display: str, *args: Any, **kwargs: Any) -> LoadedChecklist:
        reads.append(display)
        return real(path, display, *args, **kwargs)

    monkeypatch.setattr(checklists_module, "_read_checklist", counting)
    path = mini("")
    load(path)
    load(path)
    assert len(reads) == 2


def test_a_changed_checklist_is_read_again(mini: Mini) -> None:
    path = mini("")
    reader = ChecklistReader()
    assert len(load_launch(path, reader).checklists[0].checklist.items) == 3
    checklist = path.with_name("legal.yaml")
    text = checklist.read_text(encoding="utf-8")
    checklist.write_text(text + "  - {id: legal.extra, stage: grow, title: E, severity: low}\n")
    assert len(load_launch(path, reader).checklists[0].checklist.items) == 4


def test_a_misspelt_checklist_name_hides_no_other_problem(write: WriteFile) -> None:
    path = write(
        "launch.yaml",
        """\
        launch: L
        launch_date: 2027-03-01
        checklists: [marketing, legl]
        traits: [saas, chanel-sales]
        items:
          legal.trademarks: done
          marketing.positioning: dnoe
          marketing.webiste: done
          qa.regression-suite: done
        """,
    )
    assert problems(path) == [
        "launch.yaml:3:25: no built-in checklist named 'legl' (did you mean 'legal'?)",
        "launch.yaml:4:16: unknown trait 'chanel-sales' (did you mean 'channel-sales'?)",
        "launch.yaml:7:26: status: 'dnoe' is not one of todo, in-progress, blocked, done, n/a "
        "(did you mean 'done'?)",
        "launch.yaml:8:3: unknown item id 'marketing.webiste' (did you mean 'marketing.website'?)",
        "launch.yaml:9:3: unknown item id 'qa.regression-suite': 'qa' is not a department of the "
        "loaded checklists",
    ]  # legal.trademarks is not reported: the missing built-in legal checklist explains it


def test_some_builtin_checklists_alone_load_though_they_require_others(write: WriteFile) -> None:
    # marketing's items require legal's; a launch that names only marketing still loads.
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-03-01\nchecklists: [marketing]\n")
    assert [c.checklist.department for c in load(path).checklists] == ["marketing"]


def test_a_retired_builtin_id_names_the_item_that_replaced_it(write: WriteFile) -> None:
    path = write(
        "launch.yaml",
        "launch: L\nlaunch_date: 2027-01-01\nitems:\n"
        "  sales.promotions: done\n  marketing.localization: todo\n",
    )
    assert problems(path) == [
        "launch.yaml:4:3: unknown item id 'sales.promotions' (the built-in checklists now call "
        "it marketing.launch-incentives: move its state there)",
        "launch.yaml:5:3: unknown item id 'marketing.localization' (the built-in checklists now "
        "call it marketing.localisation: move its state there)",
    ]


def test_marketplace_is_a_known_trait_with_the_generic_marketplace_items(mini: Mini) -> None:
    # PRODUCT.md names `marketplace` among the built-in traits; it brings the listing, the
    # store's fee, the seller account and payouts, not a cloud marketplace's own items.
    loaded = load(mini("traits: [saas, marketplace]\n"))
    assert loaded.launch.traits == ["saas", "marketplace"]


def test_requires_in_a_circle_is_refused_where_it_closes(write: WriteFile) -> None:
    write(
        "c.yaml",
        "department: ours\nname: Ours\nitems:\n"
        "  - {id: ours.x, stage: use, title: X, severity: low, requires: [ours.y]}\n"
        "  - {id: ours.y, stage: use, title: Y, severity: low, requires: [ours.z]}\n"
        "  - {id: ours.z, stage: use, title: Z, severity: low,"
        " requires: [legal.sla-terms, ours.x]}\n"
        "  - {id: ours.w, stage: use, title: W, severity: low, requires: [ours.x]}\n",
    )
    write("legal.yaml", MINI_CHECKLIST)
    path = write(
        "launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [c.yaml, legal.yaml]\n"
    )
    assert problems(path) == [
        "c.yaml:6:83: ours.z requires ours.x, which waits on it in turn "
        "(ours.x → ours.y → ours.z → ours.x): items cannot wait on each other in a circle"
    ]


def test_an_item_that_requires_itself_is_a_circle(write: WriteFile) -> None:
    write(
        "c.yaml",
        "department: ours\nname: Ours\nitems:\n"
        "  - {id: ours.x, stage: use, title: X, severity: low, requires: [ours.x]}\n",
    )
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [c.yaml]\n")
    assert problems(path) == [
        "c.yaml:4:66: ours.x requires ours.x, which waits on it in turn (ours.x → ours.x): "
        "items cannot wait on each other in a circle"
    ]


def _chain(write: WriteFile, count: int, closing: str) -> Path:
    """A team checklist of ``count`` items, each requiring the next; the last requires
    ``closing``."""
    rows = [
        f"  - {{id: ours.i{n}, stage: use, title: I, severity: low, requires: [ours.i{n + 1}]}}\n"
        for n in range(count - 1)
    ]
    rows.append(
        f"  - {{id: ours.i{count - 1}, stage: use, title: I, severity: low, "
        f"requires: [{closing}]}}\n"
    )
    write("c.yaml", "department: ours\nname: Ours\nitems:\n" + "".join(rows))
    return write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [c.yaml]\n")


def test_a_long_circle_is_named_by_its_ends_and_its_length(write: WriteFile) -> None:
    path = _chain(write, 12, "ours.i0")
    assert problems(path) == [
        "c.yaml:15:68: ours.i11 requires ours.i0, which waits on it in turn (ours.i0 → ours.i1 "
        "→ ours.i2 → ours.i3 → ours.i4 → … 2 more … → ours.i7 → ours.i8 → ours.i9 → ours.i10 "
        "→ ours.i11 → ours.i0): items cannot wait on each other in a circle"
    ]


def test_circles_through_a_long_chain_stay_short_and_counted(write: WriteFile) -> None:
    # The last of a long chain requires every item before it: each entry closes a circle
    # as long as the chain. Naming every item of each took minutes and gigabytes (a
    # 4,000-item checklist printed 70 MB); now each line is short and past the first
    # 1,000 they are counted.
    count = MAX_PROBLEMS + 200
    path = _chain(write, count, ", ".join(f"ours.i{n}" for n in range(count - 1)))
    found = problems(path)
    assert len(found) == MAX_PROBLEMS + 1
    assert max(len(line) for line in found) < 300
    assert found[-1].endswith(
        "… and 199 more problems from here on, not listed (gtm-check lists the first 1,000 of a "
        "file)"
    )


def test_a_long_item_id_is_cut_short_in_a_circle(write: WriteFile) -> None:
    long_id = "ours." + "x" * 900
    write(
        "c.yaml",
        "department: ours\nname: Ours\nitems:\n"
        f"  - {{id: {long_id}, stage: use, title: X, severity: low, requires: [{long_id}]}}\n",
    )
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [c.yaml]\n")
    (line,) = problems(path)
    shown = "ours." + "x" * 54 + "…"
    assert f"{shown} requires {shown}, which waits on it in turn ({shown} → {shown})" in line
    assert len(line) < 400


def test_a_circle_across_two_team_checklists_is_located_in_the_one_that_closes_it(
    write: WriteFile,
) -> None:
    write(
        "a.yaml",
        "department: one\nname: One\nitems:\n"
        "  - {id: one.x, stage: buy, title: X, severity: low, requires: [two.y]}\n",
    )
    write(
        "b.yaml",
        "department: two\nname: Two\nitems:\n"
        "  - {id: two.y, stage: buy, title: Y, severity: low, requires: [one.x]}\n",
    )
    path = write(
        "launch.yaml", "launch: L\nlaunch_date: 2027-01-01\nchecklists: [a.yaml, b.yaml]\n"
    )
    assert problems(path) == [
        "b.yaml:4:65: two.y requires one.x, which waits on it in turn (one.x → two.y → one.x): "
        "items cannot wait on each other in a circle"
    ]
