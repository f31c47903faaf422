"""Command-line values that are not text: bytes that are not UTF-8 in an option or a file name.

The system passes such bytes on as they came (Python keeps them as lone surrogates): a value
gtm-check would write into a launch file is refused as a usage error (exit 2), a file name
is used as the system gave it and shown escaped. Never exit 3, never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from gtm_check.authoring.edit import Placement, set_item
from gtm_check.cli.commands import app
from gtm_check.load.yamltree import Source
from gtm_check.model.problems import GtmCheckError
from tests.conftest import MINI_CHECKLIST, ROOT

NOT_UTF8 = b"a\xffb"
SURROGATE = os.fsdecode(NOT_UTF8)  # what Python makes of those bytes in argv
LAUNCH = "launch: Mini\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n"


@pytest.fixture
def launch(tmp_path: Path) -> Path:
    (tmp_path / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
    path = tmp_path / "launch.yaml"
    path.write_text(LAUNCH, encoding="utf-8")
    return path


def gtm_check(*args: str | bytes | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[bytes]:
    """A real process, its arguments as bytes; standard output strict UTF-8, as in a CI log."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONIOENCODING"] = "utf-8:strict"
    return subprocess.run(
        [sys.executable, "-m", "gtm_check", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["set", "LAUNCH", "legal.trademarks", "--note", NOT_UTF8],
        ["waive", "LAUNCH", "legal.sla-terms", "--reason", NOT_UTF8, "--approved-by", "vp"]
        + ["--expires", "2027-01-31", "--as-of", "2027-01-15"],
    ],
    ids=["set --note", "waive --reason"],
)
def test_bytes_that_are_not_utf8_in_a_value_to_write_are_a_usage_error(
    launch: Path, args: list[str | bytes]
) -> None:
    before = launch.read_bytes()
    child = gtm_check(*[launch if a == "LAUNCH" else a for a in args])
    option = "--note" if "--note" in args else "--reason"
    assert child.returncode == 2, child.stderr
    assert f"{option}: holds bytes that are not UTF-8 text".encode() in child.stderr
    assert b"internal error" not in child.stderr and b"Traceback" not in child.stderr
    assert launch.read_bytes() == before


def test_init_refuses_a_name_that_is_not_utf8_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    child = gtm_check("init", "--name", NOT_UTF8, "--launch-date", "2027-03-01", target)
    assert child.returncode == 2
    assert b"--name: holds bytes that are not UTF-8 text" in child.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_file_name_that_is_not_utf8_is_used_and_shown_escaped(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/launch-" + NOT_UTF8 + b".yaml"
    child = gtm_check("init", "--name", "Mini", "--launch-date", "2027-03-01", "--no-schema", name)
    assert child.returncode == 0, child.stderr
    assert b"launch-a\\udcffb.yaml: " in child.stdout  # escaped, never the raw byte
    assert os.path.exists(name)
    runs: list[list[str]] = [
        ["validate"],
        ["set", "--status", "done"],
        ["audit", "--as-of", "2027-01-15"],
    ]
    for args in runs:
        command: list[str | bytes] = [args[0], name]
        command += ["product-management.launch-plan"] if args[0] == "set" else []
        child = gtm_check(*command, *args[1:])
        assert child.returncode in (0, 1), child.stderr
        assert b"\xff" not in child.stdout + child.stderr
    # The formats that hash a finding's place, or give it as a URI (they crashed: exit 3).
    for format in ("sarif", "gitlab"):
        child = gtm_check("audit", name, "--as-of", "2027-01-15", "-f", format)
        assert child.returncode == 1, child.stderr
        assert json.loads(child.stdout)
    sarif = gtm_check("audit", name, "--as-of", "2027-01-15", "-f", "sarif").stdout
    assert b"launch-a%FFb.yaml" in sarif  # the name's own bytes, percent-encoded


@pytest.mark.parametrize(
    "args",
    [
        ["set", "ITEM", "--owner", SURROGATE],
        ["set", "ITEM", "--evidence", SURROGATE],
        ["set", "ITEM", "--status", SURROGATE],
        ["set", SURROGATE, "--status", "done"],
        ["waive", "ITEM", "--reason", "r", "--approved-by", SURROGATE, "--expires", "2027-01-31"],
        ["waive", SURROGATE, "--reason", "r", "--approved-by", "a", "--expires", "2027-01-31"],
        ["unwaive", SURROGATE],
    ],
)
def test_every_value_to_write_is_checked(launch: Path, args: list[str]) -> None:
    command, *rest = args
    before = launch.read_bytes()
    code, out, err = run(
        command,
        launch,
        *["legal.trademarks" if a == "ITEM" else a for a in rest],
        *(["--as-of", "2027-01-15"] if command == "waive" else []),
    )
    assert code == 2, err
    assert "holds bytes that are not UTF-8 text" in err
    assert launch.read_bytes() == before


@given(note=st.text(st.characters(exclude_categories=()), max_size=12))
def test_any_note_is_written_back_exactly_or_refused(note: str) -> None:
    # The edit itself, generated text with lone surrogates too: what the command line would
    # let through is written so that it reads back exactly, or refused with a problem.
    try:
        text = set_item(LAUNCH, "legal.trademarks", {"note": note}, Placement({}), "l.yaml")
    except GtmCheckError:
        return
    assert Source("l.yaml", text).parse().data["items"]["legal.trademarks"]["note"] == note


def test_diff_takes_a_file_name_that_is_not_utf8_and_shows_it_escaped(tmp_path: Path) -> None:
    # As audit and trend do: a side is a file name, used as the system gave it, and shown
    # escaped in every message and report; a REV:path side too.
    (tmp_path / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
    name = os.fsencode(tmp_path) + b"/launch-" + NOT_UTF8 + b".yaml"
    with open(name, "w", encoding="utf-8") as file:
        file.write(LAUNCH)
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "one"], cwd=tmp_path, check=True)
    older = os.fsencode(tmp_path) + b"/older-" + NOT_UTF8 + b".yaml"
    with open(older, "w", encoding="utf-8") as file:
        file.write(LAUNCH)
    edited = gtm_check("set", name, "legal.trademarks", "--status", "done", cwd=tmp_path)
    assert edited.returncode == 0, edited.stderr
    shown = b"launch-a\\udcffb.yaml"
    sides: dict[str, list[str | bytes]] = {
        "--since": [name, "--since", "HEAD"],
        "REV:path": [b"HEAD:" + name, name],
        "OLD NEW": [older, name],
    }
    for what, args in sides.items():
        child = gtm_check("diff", *args, "--as-of", "2027-01-15", cwd=tmp_path)
        assert (child.returncode, child.stderr) == (0, b""), what
        old_label = b"older-a\\udcffb.yaml" if what == "OLD NEW" else shown
        assert old_label in child.stdout and shown in child.stdout, (what, child.stdout)
        assert b"legal.trademarks" in child.stdout and b"todo \xe2\x86\x92 done" in child.stdout
        assert b"\xff" not in child.stdout + child.stderr, what


@pytest.mark.parametrize("command", ["validate", "owners"])  # the fast path, and Typer's
def test_dot_slash_dash_names_the_file_called_dash_not_standard_input(
    tmp_path: Path, command: str
) -> None:
    (tmp_path / "-").write_bytes((ROOT / "examples" / "feature.yaml").read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "gtm_check", command, "./-"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stderr) == (0, "")
    shown = {"validate": f"{tmp_path}/-: valid (", "owners": "Scheduled exports (Acme Insights)"}
    assert done.stdout.startswith(shown[command])
