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
from tests.conftest import MINI_CHECKLIST, git_folder, load

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


def test_unwaive_names_a_few_waived_items_each_cut_short(launch: Path) -> None:
    # The hint listed every waived id in full: with 50,000 waivers one 489 KB line, and an
    # id of 100,000 characters printed whole.
    long_id = "legal.t" + "x" * 100_000
    team = MINI_CHECKLIST + "".join(
        f"  - {{id: {i}, stage: learn, title: T, severity: low}}\n"
        for i in [long_id, *(f"legal.w{n}" for n in range(400))]
    )
    (launch.parent / "legal.yaml").write_text(team, encoding="utf-8")
    waivers = "".join(
        f"  - {{item: {i}, reason: r, approved_by: a, expires: 2027-06-01}}\r\n"
        for i in [long_id, *(f"legal.w{n}" for n in range(400))]
    )
    launch.write_bytes(launch.read_bytes() + waivers.encode("utf-8"))
    code, _, err = run("unwaive", launch, "legal.trademarks", "--as-of", "2027-01-15")
    assert code == 2
    assert len(err) < 1_000, len(err)
    assert f"waived: {long_id[:59]}…, legal.w0, legal.w1, legal.w2, legal.w3 and 396 more)" in err


@pytest.mark.parametrize(
    "args",
    [
        ["set", "-", "legal.trademarks", "--status", "done"],
        ["set", "-", "--launch-date", "2027-06-01"],
        [
            "waive",
            "-",
            "legal.trademarks",
            "--reason",
            "r",
            "--approved-by",
            "a",
            "--expires",
            "2027-02-28",
            "--as-of",
            "2027-01-15",
        ],
        ["unwaive", "-", "legal.trademarks"],
    ],
)
def test_an_edit_of_dash_is_refused(
    launch: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    # "-" is standard input to every command; the edits edited a file named "-" there.
    monkeypatch.chdir(launch.parent)
    dash = launch.parent / "-"
    dash.write_bytes(launch.read_bytes())
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert err.endswith(
        "LAUNCH: '-' means standard input, which an edit cannot write back: write ./- for a "
        "file named '-'\n"
    ), err
    assert dash.read_bytes() == launch.read_bytes()


# --- edits under the policy: an edit may not add a breach --------------------------------------


def policed(launch: Path, policy: str) -> Path:
    """The launch's folder made a repository whose .gtm-check.yaml holds ``policy``."""
    git_folder(launch.parent)
    found = launch.parent / ".gtm-check.yaml"
    found.write_text(f"policy:\n{policy}", encoding="utf-8")
    return found


WAIVE = ["--reason", "r", "--expires", "2027-02-28", "--as-of", "2027-01-15"]


@pytest.mark.parametrize(
    "by",
    ["vp@acme.example.evil.io", "vp@evil.acme.example", '"VP" <vp@acme.example>', "VP"],
)
def test_waive_refuses_an_approver_the_policy_does_not_allow(launch: Path, by: str) -> None:
    policed(launch, "  waiver_approvers: ['@acme.example']\n")
    code, out, err = run("waive", launch, "legal.trademarks", "--approved-by", by, *WAIVE)
    assert (code, out) == (2, "")
    assert err.startswith(f"{launch}:11:")  # the approver, in the text the edit would write
    assert "policy: the waiver for legal.trademarks is approved by " in err
    assert err.rstrip().endswith("the edit would add this, so nothing was written")
    assert launch.read_bytes() == LAUNCH.encode("utf-8")
    allowed = ["--approved-by", "VP@acme.example"]
    code, _, err = run("waive", launch, "legal.trademarks", *allowed, *WAIVE)
    assert code == 0, err


def test_waive_and_unwaive_take_policy_like_audit(launch: Path, tmp_path: Path) -> None:
    ci = tmp_path / "ci-policy.yaml"
    ci.write_text("policy: {max_waiver_days: 30, waive_blockers: false}\n", encoding="utf-8")
    code, _, err = run(
        "waive", launch, "legal.sla-terms", "--approved-by", "a@b", *WAIVE, "--policy", ci
    )
    assert code == 2
    assert "policy: the waiver for legal.sla-terms runs 44 days; the longest allowed is 30" in err
    short = ["--reason", "r", "--expires", "2027-01-20", "--as-of", "2027-01-15"]
    code, _, err = run(
        "waive", launch, "legal.trademarks", "--approved-by", "a@b", *short, "--policy", ci
    )
    assert code == 2 and "legal.trademarks is a blocker; blockers may not be waived" in err
    assert launch.read_bytes() == LAUNCH.encode("utf-8")
    code, _, err = run("waive", launch, "legal.trademarks", "--approved-by", "a@b", *WAIVE)
    assert code == 0, err  # without --policy, nothing forbids it here
    code, _, err = run("unwaive", launch, "legal.trademarks", "--policy", ci)
    assert code == 0, err  # removing a breach is never refused


def test_set_refuses_an_na_that_crosses_max_na_share(launch: Path) -> None:
    policed(launch, "  max_na_share: 0.5\n")
    code, out, err = run("set", launch, "legal.trademarks", "--status", "n/a", "--note", "no")
    assert (code, out) == (2, "")
    assert err == (
        f"{launch}:6:23: policy: learn: 1 of the 1 items the launch owes are marked n/a "
        "(100%); the policy allows at most 50%; the edit would add this, so nothing was "
        "written\n"
    )
    assert launch.read_bytes() == LAUNCH.encode("utf-8")


def test_a_breach_already_in_the_file_does_not_block_unrelated_edits(launch: Path) -> None:
    launch.write_bytes(
        LAUNCH.replace("{status: in-progress, owner: 'a@b'}", "n/a")
        .replace("waivers:\r\n", "waivers:\r\n  - {item: legal.trademarks, reason: r, "
                 "approved_by: eve@evil.io, expires: 2027-02-01}\r\n")
        .encode("utf-8")
    )  # fmt: skip
    policed(launch, "  max_na_share: 0.5\n  waiver_approvers: ['@acme.example']\n")
    assert run("validate", launch)[0] == 2  # both breaches are there
    code, _, err = run("set", launch, "legal.trademarks", "--owner", "pat@acme.example")
    assert code == 0, err
    code, _, err = run("waive", launch, "legal.sla-terms", "--approved-by", "vp@acme.example",
                       *WAIVE)  # fmt: skip
    assert code == 0, err
    code, _, err = run("set", launch, "--launch-date", "2027-03-08", "--as-of", "2027-01-15")
    assert code == 0, err
    # An edit that adds a breach is refused even when others are there already.
    before = launch.read_bytes()
    code, _, err = run("set", launch, "legal.trademarks", "--status", "n/a", "--note", "x")
    assert code == 2 and "policy: learn: 1 of the 1 items" in err
    assert launch.read_bytes() == before
    code, _, err = run("set", launch, "legal.sla-terms", "--status", "todo")
    assert code == 0, err  # lessening a breach is never refused


def test_set_launch_date_reads_the_policy(launch: Path) -> None:
    policed(launch, "  min_scroe: 80\n")
    code, _, err = run("set", launch, "--launch-date", "2027-03-08")
    assert code == 2 and "unknown key 'min_scroe'" in err
    assert launch.read_bytes() == LAUNCH.encode("utf-8")


def test_renewing_a_waiver_the_policy_does_not_allow_is_refused(launch: Path) -> None:
    launch.write_bytes(
        LAUNCH.replace("waivers:\r\n", "waivers:\r\n  - {item: legal.sla-terms, reason: r, "
                       "approved_by: eve@evil.io, expires: 2027-02-01}\r\n").encode("utf-8")
    )  # fmt: skip
    policed(launch, "  waiver_approvers: ['@acme.example']\n")
    before = launch.read_bytes()
    code, _, err = run("waive", launch, "legal.sla-terms", "--approved-by", "eve@evil.io", *WAIVE)
    assert code == 2 and "approved by eve@evil.io, who may not approve waivers" in err
    assert launch.read_bytes() == before
    code, _, err = run(
        "waive", launch, "legal.sla-terms", "--approved-by", "vp@acme.example", *WAIVE
    )
    assert code == 0, err  # renewed by someone allowed: the breach is gone


def test_shortening_a_waiver_longer_than_the_policy_allows_is_an_edit_it_takes(
    launch: Path,
) -> None:
    # An edit that lessens a breach is never refused: the waiver's breach was known by its
    # whole text, expiry included, so a renewal to 91 days of a 120-day waiver "added" one.
    launch.write_bytes(
        LAUNCH.replace("waivers:\r\n", "waivers:\r\n  - {item: legal.sla-terms, reason: r, "
                       "approved_by: vp@acme.example, expires: 2027-05-15}\r\n").encode("utf-8")
    )  # fmt: skip
    policed(launch, "  max_waiver_days: 60\n")
    as_of = ["--reason", "r", "--approved-by", "vp@acme.example", "--as-of", "2027-01-15"]
    before = launch.read_bytes()
    code, _, err = run("waive", launch, "legal.sla-terms", "--expires", "2027-06-01", *as_of)
    assert code == 2, err  # longer still: adds to the breach
    assert "runs 137 days; the longest allowed is 60; the edit would add this" in err
    assert launch.read_bytes() == before
    code, _, err = run("waive", launch, "legal.sla-terms", "--expires", "2027-04-16", *as_of)
    assert code == 0, err  # 120 days to 91: less far past the rule
    assert "expires: 2027-04-16}" in launch.read_text(encoding="utf-8")
    code, _, err = run("waive", launch, "legal.sla-terms", "--expires", "2027-03-01", *as_of)
    assert code == 0, err  # within it: the breach is gone


def test_control_characters_in_a_value_or_a_title_are_written_as_escapes(tmp_path: Path) -> None:
    # DEL and C1 controls, which JSON leaves raw and YAML does not read, made the edit
    # refused as "a form of YAML it does not edit"; a control character in a checklist
    # title, written into the new item's comment, kept the item from being added at all.
    (tmp_path / "team.yaml").write_text(
        "department: team\nname: Team\nitems:\n"
        '  - {id: team.task, stage: use, title: "Task \\x07 bell", severity: low}\n'
        "  - {id: team.other, stage: use, title: Other, severity: low}\n",
        encoding="utf-8",
    )
    launch = tmp_path / "launch.yaml"
    launch.write_text(
        "launch: W\nlaunch_date: 2027-03-01\ntier: 3\nchecklists: [./team.yaml]\n"
        "items:\n  team.other: todo # waiting on legal\n",
        encoding="utf-8",
    )
    assert run("set", launch, "team.other", "--note", "a\x7fb\x80c")[0] == 0
    assert run("set", launch, "team.task", "--status", "in-progress")[0] == 0
    code, _, err = run(
        "waive", launch, "team.other", "--reason", "x\x9f", "--approved-by", "a@b.c",
        "--expires", "2027-02-01", "--as-of", "2027-01-01",
    )  # fmt: skip
    assert code == 0, err
    text = launch.read_text(encoding="utf-8")
    assert '  team.other: {status: todo, note: "a\\u007fb\\u0080c"} # waiting on legal\n' in text
    assert "  team.task: in-progress  # low: Task \\x07 bell\n" in text
    assert '    reason: "x\\u009f"\n' in text
    assert run("validate", launch)[0] == 0


@pytest.mark.parametrize(
    "args", [["team.task", "--status", "todo"], ["--launch-date", "2027-03-01"]]
)
def test_nothing_to_change_shows_the_file_name_escaped(tmp_path: Path, args: list[str]) -> None:
    # A file name a pull request chose: a terminal escape (OSC 52 writes the clipboard), a
    # bell, a line break and a workflow command must not reach standard output raw.
    (tmp_path / "team.yaml").write_text(
        "department: team\nname: Team\nitems:\n"
        "  - {id: team.task, stage: use, title: T, severity: low}\n",
        encoding="utf-8",
    )
    launch = tmp_path / "l\x1b]52;c;eA==\x07\n::error::x.yaml"
    launch.write_text(
        "launch: W\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
        "items:\n  team.task: todo\n",
        encoding="utf-8",
    )
    code, out, _ = run("set", launch, *args)
    assert code == 0
    shown = str(launch).replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace("\n", "\\n")
    assert out == f"{shown}: nothing to change\n"


WAIVED_AS_BLOCK = """\
launch: L
launch_date: 2027-06-01
checklists: [./legal.yaml]
waivers:
  - item: |2-
      legal.trademarks
    reason: r
    approved_by: a@b.c
    expires: 2027-05-01
"""
TAGGED = """\
%TAG ! tag:yaml.org,2002:
---
launch: L
launch_date: 2027-06-01
checklists: [./legal.yaml]
items:
  legal.trademarks: !str todo
waivers:
  - {item: !str legal.sla-terms, reason: r, approved_by: a@b.c, expires: 2027-05-01}
"""


@pytest.mark.parametrize(
    ("text", "item", "left"),
    [
        (WAIVED_AS_BLOCK, "legal.trademarks", "waivers:\n"),
        (TAGGED, "legal.sla-terms", "waivers:\n"),
    ],
    ids=["a block scalar", "a %TAG tag"],
)
def test_a_waiver_whose_item_only_its_document_reads_is_taken_out(
    launch: Path, text: str, item: str, left: str
) -> None:
    # The item a waiver names was read on its own, out of its document: a tag a %TAG
    # directive defines was invalid YAML there (every waive and unwaive of the file failed,
    # placed at 1:4), and a block scalar's indentation indicator was refused.
    launch.write_text(text, encoding="utf-8")
    code, out, err = run("unwaive", launch, item, "--as-of", "2027-01-15")
    assert (code, out) == (0, f"{item}: waiver removed\n"), err
    assert launch.read_text(encoding="utf-8").endswith(left)
    assert run("validate", launch)[0] == 0
    launch.write_text(text, encoding="utf-8")
    code, _, err = run(
        "waive", launch, "legal.channel-contracts", "--reason", "r", "--approved-by", "a@b.c",
        "--expires", "2027-02-01", "--as-of", "2027-01-15",
    )  # fmt: skip
    assert code == 0, err  # another item's waiver: added beside it


@pytest.mark.parametrize(
    ("text", "args", "where"),
    [
        (TAGGED, ["set", "legal.trademarks", "--owner", "x@y.z"], "7:21"),  # the value
        (TAGGED, ["set", "legal.trademarks", "--note", "n"], "7:21"),
    ],
)
def test_a_value_an_edit_cannot_read_alone_is_refused_not_a_crash(
    launch: Path, text: str, args: list[str], where: str
) -> None:
    # An edit reads the value it changes on its own, out of its document: a block scalar
    # with an indentation indicator, or a tag a %TAG directive defines, made unwaive and
    # set exit 3 (AssertionError, ConstructorError) on files validate accepts. The refusal
    # is placed where that value is (it was at 1:1).
    launch.write_text(text, encoding="utf-8")
    assert run("validate", launch)[0] == 0
    code, out, err = run(args[0], launch, *args[1:], "--as-of", "2027-01-15")
    assert (code, out) == (2, "")
    assert err == (
        f"{launch}:{where}: gtm-check cannot read the value it would change in the form this file "
        "writes it (a %TAG directive, a block scalar); nothing was written: edit the file by "
        "hand\n"
    )
    assert launch.read_text(encoding="utf-8") == text
