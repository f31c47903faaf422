"""Mistakes on the command line: one line in gtm-check's words, at the option or argument.

Every command's every option is tried with an empty value, and every option with a closed
set of values (a choice, a number, a date) with a wrong one; the autouse fixture in
tests/conftest.py checks each line for the framework's and the validation library's words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from tests.conftest import FRAMEWORK_WORDING, LIBRARY_WORDING, MINI_CHECKLIST, speaks

LAUNCH = """\
launch: Mini
launch_date: 2027-03-01
checklists: [./legal.yaml]
items:
  legal.trademarks: todo
waivers:
  - item: legal.sla-terms
    reason: Not this quarter
    approved_by: vp@example.com
    expires: 2027-02-01
"""
MISTAKE = re.compile(r"^gtm-check(?: [a-z]+)*: \S.*\n$")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
    (tmp_path / "launch.yaml").write_text(LAUNCH, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # nothing a run writes lands outside the temporary folder
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "80"}).invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# A valid command line for each command, to which each case adds one option.
VALID: dict[str, list[str]] = {
    "audit": ["audit", "launch.yaml", "--as-of", "2027-01-15"],
    "validate": ["validate", "launch.yaml"],
    "diff": ["diff", "launch.yaml", "launch.yaml"],
    "trend": ["trend", "launch.yaml"],
    "owners": ["owners", "launch.yaml", "--as-of", "2027-01-15"],
    "init": ["init", "new.yaml", "--name", "New", "--launch-date", "2027-03-01"],
    "set": ["set", "launch.yaml", "legal.trademarks", "--status", "done"],
    "waive": [
        *("waive", "launch.yaml", "legal.trademarks", "--reason", "r", "--approved-by", "a"),
        *("--expires", "2027-02-01", "--as-of", "2027-01-15"),
    ],
    "unwaive": ["unwaive", "launch.yaml", "legal.sla-terms"],
    "plan": ["plan", "launch.yaml", "--as-of", "2027-01-15"],
    "schema": ["schema", "launch"],
    "checklists": ["checklists"],
    "checklists show": ["checklists", "show", "legal"],
}
CLOSED_METAVARS = {"YYYY-MM-DD", "N", "DAYS", "STATUS"}
"""Options that take a date, a number or a status: a closed set of values, like a choice."""


def options() -> Iterator[tuple[str, Any]]:
    """Every option of every command that takes a value, with the command's name."""
    root = typer.main.get_command(app)
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:
        name, command = stack.pop()
        for sub, child in getattr(command, "commands", {}).items():
            stack.append((f"{name} {sub}".strip(), child))
        for param in command.params if name else ():
            if param.param_type_name == "option" and not param.is_flag:
                yield name, param


def long_name(param: Any) -> str:
    return str(max(param.opts, key=len))


def closed(param: Any) -> bool:
    return bool(param.type_descriptor.is_choice) or param.metavar in CLOSED_METAVARS


ALL = sorted((name, long_name(param)) for name, param in options())
CLOSED = sorted((name, long_name(param)) for name, param in options() if closed(param))


def test_the_cases_cover_what_the_issue_names() -> None:
    assert set(VALID) == {name for name, _ in ALL} | {"validate", "schema"}
    named = {("audit", "--stage"), ("audit", "--fail-on"), ("audit", "--severity")}
    named |= {("audit", "--format"), ("trend", "--every"), ("set", "--status")}
    named |= {("audit", "--min-score"), ("init", "--tier"), ("unwaive", "--as-of")}
    assert named <= set(CLOSED)
    as_of = {name for name, option in ALL if option == "--as-of"}
    assert as_of == {"audit", "diff", "trend", "owners", "plan", "set", "waive", "unwaive"}


def assert_one_line_at(err: str, command: str, option: str) -> None:
    assert MISTAKE.match(err), err
    assert err.startswith(f"gtm-check {command}: {option}: "), err
    assert not speaks(err, FRAMEWORK_WORDING + LIBRARY_WORDING), err


@pytest.mark.parametrize(("command", "option"), ALL)
def test_an_empty_value_is_refused_at_its_option(folder: Path, command: str, option: str) -> None:
    code, out, err = run(*VALID[command], option, "")
    assert (code, out) == (2, ""), err
    assert_one_line_at(err, command, option)
    assert "empty" in err or "missing" in err, err


@pytest.mark.parametrize(("command", "option"), CLOSED)
def test_a_wrong_value_is_refused_at_its_option(folder: Path, command: str, option: str) -> None:
    code, out, err = run(*VALID[command], option, "zzz")
    assert (code, out) == (2, ""), err
    assert_one_line_at(err, command, option)


@pytest.mark.parametrize("command", sorted(VALID))
def test_each_valid_command_line_is_valid(folder: Path, command: str) -> None:
    """The cases above fail on the option they add, not on the rest of the line."""
    code, _, err = run(*VALID[command])
    assert code in (0, 1) or "git" in err, err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["audit", "launch.yaml", "--stage", "lern"], "audit: --stage: unknown stage 'lern' "),
        (["audit", "launch.yaml", "--fail-on", "hihg"], "audit: --fail-on: unknown severity "),
        (["audit", "launch.yaml", "-f", "jsn"], "audit: --format: unknown format 'jsn' (did "),
        (["audit", "launch.yaml", "--min-score", "101"], "audit: --min-score: '101' is not a "),
        (["audit", "launch.yaml", "--limit", "0"], "audit: --limit: '0' is not a whole number"),
        (["audit", "launch.yaml", "--as-of", ""], "audit: --as-of: the value is empty; give "),
        (["audit", "launch.yaml", "--stagee", "x"], "audit: --stagee: unknown option (did you "),
        (["audit", "launch.yaml", "--stage"], "audit: --stage: needs a value\n"),
        (["audit", "launch.yaml", "--overdue=1"], "audit: --overdue: takes no value\n"),
        (["audit"], "audit: LAUNCH: missing: one or more launch files (YAML); - reads one "),
        (["audti"], ": no command 'audti' (did you mean 'audit'?)\n"),
        (["--bogus"], ": --bogus: unknown option (gtm-check -h lists the options)\n"),
        (
            ["checklists", "show", "legal", "x"],
            " show: unexpected argument 'x' (gtm-check checklists show takes [OPTIONS] DEPARTMENT)",
        ),
        (["schema", "lunch"], " schema: KIND: unknown kind of file 'lunch' (did you mean 'l"),
        (["init", "--launch-date", "2027-01-01"], " init: --name: missing: the launch's name\n"),
        (["set", "launch.yaml", "legal.trademarks", "--due", ""], " set: --due: the value is "),
        (["set", "launch.yaml", "legal.trademarks"], " set: say what to change: --status, "),
        (
            ["set", "launch.yaml", "legal.trademark", "--status", "done"],
            " set: ITEM: unknown item id 'legal.trademark' (did you mean 'legal.trademarks'?)\n",
        ),
        (
            ["waive", "launch.yaml", "legal.trademark", "--reason", "r", "--approved-by", "a"],
            " waive: --expires: a waiver needs a reason, an approver and an expiry; missing: ",
        ),
        (
            ["unwaive", "launch.yaml", "legal.trademarks"],
            " unwaive: ITEM: no waiver for 'legal.trademarks' (waived: legal.sla-terms)\n",
        ),
    ],
)
def test_mistakes_in_our_words(folder: Path, args: list[str], said: str) -> None:
    code, out, err = run(*args)
    assert (code, out) == (2, ""), err
    assert MISTAKE.match(err) and said in err, err
    assert not speaks(err, FRAMEWORK_WORDING + LIBRARY_WORDING), err


def test_a_mistake_on_the_command_line_leaves_the_file_as_it_was(folder: Path) -> None:
    before = (folder / "launch.yaml").read_bytes()
    for args in (["--due", ""], ["--status", "dne"], ["--owner", " "]):
        code, _, _ = run("set", "launch.yaml", "legal.trademarks", *args)
        assert code == 2
    assert (folder / "launch.yaml").read_bytes() == before


def test_unwaive_takes_as_of_and_says_when_the_waiver_had_expired(folder: Path) -> None:
    code, out, err = run("unwaive", "launch.yaml", "legal.sla-terms", "--as-of", "2027-02-02")
    assert (code, out) == (0, "legal.sla-terms: waiver removed (it had expired on 2027-02-01)\n")


def test_each_command_describes_its_own_as_of() -> None:
    _, out, _ = run("owners", "-h")
    assert "Count lateness as on this date (default: today)." in " ".join(out.split())
    assert "newer side" not in out
    _, out, _ = run("trend", "-h")
    assert "(default: today; a revision dated later counts as today's)" in " ".join(out.split())


def test_usage_lines_name_each_argument_once() -> None:
    _, out, _ = run("set", "-h")
    assert "Usage: gtm-check set [OPTIONS] LAUNCH [ITEM...]\n" in out
    _, out, _ = run("audit", "-h")
    assert "Usage: gtm-check audit [OPTIONS] LAUNCH...\n" in out
