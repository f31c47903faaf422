"""`gtm-check set`, `waive` and `unwaive` on files: byte-exact, validated, atomic, race-safe."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gtm_check.cli.editing as editing
from gtm_check.authoring import launchfile
from gtm_check.cli.commands import app
from tests.conftest import MINI_CHECKLIST, load

LAUNCH = (
    "\ufeff# Mini launch\r\n"
    'launch: "Mini"\r\n'
    "launch_date: 2027-03-01\r\n"
    "checklists: [./legal.yaml]\r\n"
    "items:\r\n"
    "    legal.trademarks: todo   # blocker\r\n"
    "    legal.sla-terms: {status: in-progress, owner: 'a@b'}\r\n"
    "waivers:\r\n"
)


@pytest.fixture
def launch(tmp_path: Path) -> Path:
    (tmp_path / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
    path = tmp_path / "launch.yaml"
    path.write_bytes(LAUNCH.encode("utf-8"))
    return path


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_set_changes_one_line_keeps_the_bom_and_crlf_and_says_what_changed(launch: Path) -> None:
    code, out, err = run(
        "set", launch, "legal.trademarks", "--status", "done", "--as-of", "2027-01-15"
    )
    assert code == 0, err
    assert out == "legal.trademarks: todo → done\nlegal.trademarks: done_on (none) → 2027-01-15\n"
    assert launch.read_bytes() == LAUNCH.replace(
        "legal.trademarks: todo   # blocker",
        "legal.trademarks: {status: done, done_on: 2027-01-15}  # blocker",
    ).encode("utf-8")
    state = load(launch).launch.items["legal.trademarks"]
    assert state.status == "done" and str(state.done_on) == "2027-01-15"


def test_set_adds_an_item_the_file_does_not_mention_in_stage_order(launch: Path) -> None:
    code, out, err = run(
        "set", launch, "legal.channel-contracts", "--owner", "ops@x", "--due", "2027-02-01"
    )
    assert code == 0, err
    text = launch.read_bytes().decode("utf-8")
    assert text == LAUNCH.replace(
        "    legal.sla-terms",
        "    legal.channel-contracts: {owner: ops@x, due: 2027-02-01}  # high: Channel contracts\r\n"  # noqa: E501
        "    legal.sla-terms",
    )
    assert load(launch).launch.items["legal.channel-contracts"].owner == "ops@x"


def test_set_several_items_and_fields(launch: Path) -> None:
    code, out, err = run(
        "set",
        launch,
        "legal.trademarks",
        "legal.sla-terms",
        "--evidence",
        "https://x.example/a",
        "--note",
        "Signed: see link",
    )
    assert code == 0, err
    loaded = load(launch).launch.items
    assert loaded["legal.sla-terms"].owner == "a@b"
    assert {loaded[i].note for i in ("legal.trademarks", "legal.sla-terms")} == {"Signed: see link"}


def test_done_again_does_not_restamp_without_as_of(launch: Path) -> None:
    assert (
        run("set", launch, "legal.trademarks", "--status", "done", "--as-of", "2027-01-15")[0] == 0
    )
    before = launch.read_bytes()
    code, out, _ = run("set", launch, "legal.trademarks", "--status", "done")
    assert (code, out) == (0, f"{launch}: nothing to change\n")
    assert launch.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["legal.trademark", "--status", "done"],
            "ITEM: unknown item id 'legal.trademark' (did you mean 'legal.trademarks'?)",
        ),
        (["legal.trademarks", "--status", "dnoe"], "--status: unknown status 'dnoe' (did you"),
    ],
)
def test_unknown_ids_and_statuses_are_mistakes_on_the_command_line(
    launch: Path, args: list[str], expected: str
) -> None:
    """Said at the argument or the option that holds them, never at a line of the file."""
    code, out, err = run("set", launch, *args)
    assert code == 2 and out == ""
    assert err.startswith(f"gtm-check set: {expected}"), err
    assert launch.read_bytes() == LAUNCH.encode("utf-8")


def test_the_file_mode_is_kept(launch: Path) -> None:
    os.chmod(launch, 0o640)
    assert run("set", launch, "legal.trademarks", "--status", "blocked")[0] == 0
    assert stat.S_IMODE(launch.stat().st_mode) == 0o640


def test_a_change_made_meanwhile_is_detected_and_nothing_is_written(
    launch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original: Callable[..., object] = launchfile.load_text

    def someone_else_edits(*args: object, **kwargs: object) -> object:
        launch.write_text("launch: Theirs\nlaunch_date: 2027-03-01\n", encoding="utf-8")
        return original(*args, **kwargs)

    monkeypatch.setattr(editing, "load_text", someone_else_edits)
    code, out, err = run("set", launch, "legal.trademarks", "--status", "done")
    assert code == 2 and out == ""
    assert "changed on disk" in err
    assert launch.read_text("utf-8") == "launch: Theirs\nlaunch_date: 2027-03-01\n"
    assert not [p for p in launch.parent.iterdir() if p.name.endswith(".tmp")]


def test_an_invalid_file_is_not_edited(launch: Path) -> None:
    launch.write_text("launch: X\nlaunch_date: 2027-13-01\n", encoding="utf-8")
    code, _, err = run("set", launch, "legal.trademarks", "--status", "done")
    assert code == 2 and "no month 13" in err


def test_waive_then_unwaive_gives_back_the_same_bytes(launch: Path) -> None:
    code, out, err = run(
        "waive",
        launch,
        "legal.trademarks",
        "--reason",
        "Pending: registry",
        "--approved-by",
        "vp@x",
        "--expires",
        "2027-04-30",
        "--as-of",
        "2027-01-15",
    )
    assert code == 0, err
    assert out == "legal.trademarks: waived until 2027-04-30 (approved by vp@x)\n"
    assert launch.read_bytes().decode("utf-8") == LAUNCH + (
        '  - item: legal.trademarks\r\n    reason: "Pending: registry"\r\n'
        "    approved_by: vp@x\r\n    expires: 2027-04-30\r\n"
    )
    waiver = load(launch).launch.waivers[0]
    assert (waiver.reason, str(waiver.expires)) == ("Pending: registry", "2027-04-30")
    code, out, err = run("unwaive", launch, "legal.trademarks")
    assert (code, out) == (0, "legal.trademarks: waiver removed\n"), err
    assert launch.read_bytes() == LAUNCH.encode("utf-8")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--reason", "r"], "missing: --approved-by, --expires"),
        (["--reason", "r", "--approved-by", "a", "--expires", "2027-01-14"], "in the past"),
        (["--reason", "r", "--approved-by", "a", "--expires", "2028-01-16"], "--long"),
        (
            ["--reason", "r", "--approved-by", "a", "--expires", "2027-02-30"],
            "February 2027 has 28 days",
        ),
    ],
)
def test_waive_refuses(launch: Path, args: list[str], expected: str) -> None:
    code, out, err = run("waive", launch, "legal.trademarks", *args, "--as-of", "2027-01-15")
    assert code == 2 and out == "" and expected in err
    assert launch.read_bytes() == LAUNCH.encode("utf-8")


def test_waive_on_the_boundaries(launch: Path) -> None:
    base: list[str | Path] = [
        "waive",
        launch,
        "legal.trademarks",
        "--reason",
        "r",
        "--approved-by",
        "a",
        "--as-of",
        "2027-01-15",
    ]
    assert run(*base, "--expires", "2027-01-15")[0] == 0  # today: still credits today
    assert run(*base, "--expires", "2028-01-15")[0] == 0  # 365 days: renewed in place
    assert run(*base, "--expires", "2028-01-16", "--long")[0] == 0
    assert [str(w.expires) for w in load(launch).launch.waivers] == ["2028-01-16"]


def test_unwaive_an_item_without_a_waiver(launch: Path) -> None:
    code, _, err = run("unwaive", launch, "legal.trademarks")
    assert code == 2 and "no waiver for 'legal.trademarks'" in err
