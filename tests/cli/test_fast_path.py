"""The entry point's fast path (``cli/fast.py``) runs a command line exactly as Typer would.

Each command line of the table runs twice in a fresh process, through ``main``: once as
users run it, once with the fast path turned off (every command line then goes to Typer).
The exit code, standard output, standard error and any file written must be the same, byte
for byte; and the lines the fast path reads must really skip Typer, the others go to it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gtm_check.cli.fast import Audit, Validate, read
from gtm_check.cli.main_help import MAIN_HELP, main_help
from tests.conftest import MINI_CHECKLIST, ROOT

PROBE = """
import json, os, sys
fast = sys.argv[1] == "fast"
sys.argv = ["gtm-check", *sys.argv[2:]]
if not fast:
    import gtm_check.cli.fast
    gtm_check.cli.fast.read = lambda args: None
if os.environ.get("PROBE_BREAK"):
    import gtm_check.load.launch
    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    gtm_check.load.launch.load_launch = broken
from gtm_check.main import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
sys.stdout.flush()
with open("probe.json", "w") as out:
    json.dump({"code": code, "typer": "typer" in sys.modules}, out)
"""

GOOD = "launch: Mini\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n"
BAD = GOOD + "items:\n  legal.trademarks: finished\n  legal.nope: done\n"
POLICY = "policy:\n  min_score: 90\n"

# The command lines the fast path reads: each runs without Typer.
READ = [
    ["validate", "good.yaml"],
    ["validate", "good.yaml", "good.yaml", "other/good.yaml"],
    ["validate", "bad.yaml", "good.yaml"],
    ["validate", "missing.yaml"],
    ["validate", "--allow-outside", "good.yaml"],
    ["validate", "good.yaml", "--policy", "policy.yaml"],
    ["validate", "--policy=policy.yaml", "good.yaml"],
    ["validate", "--", "good.yaml"],
    ["validate", "-"],
    ["audit", "good.yaml", "--as-of", "2027-01-15"],
    ["audit", "good.yaml", "--as-of=2027-01-15", "-f", "json"],
    ["audit", "-fjson", "good.yaml", "--as-of", "2027-01-15"],
    ["audit", "good.yaml", "--format", "markdown", "--as-of", "2027-01-15"],
    ["audit", "good.yaml", "-f", "github", "--as-of", "2027-01-15"],
    ["audit", "good.yaml", "-f", "junit", "--warn-only", "--as-of", "2027-01-15"],
    ["audit", "good.yaml", "--limit", "1", "--as-of", "2027-01-15"],
    ["audit", "good.yaml", "--all", "--limit", "2", "--as-of", "2027-01-15"],
    ["audit", "good.yaml", "other/good.yaml", "-f", "json", "--as-of", "2027-01-15"],
    ["audit", "good.yaml", "-f", "json", "-o", "-", "--as-of", "2027-01-15"],
    ["audit", "good.yaml", "-f", "json", "-o", "report.json", "--as-of", "2027-01-15"],
    ["audit", "good.yaml", "-f", "json", "--output", "good.yaml", "--as-of", "2027-01-15"],
    ["audit", "good.yaml", "--policy", "policy.yaml", "-f", "json", "--as-of", "2027-01-15"],
    ["audit", "bad.yaml", "-f", "json"],
    ["audit", "bad.yaml", "-f", "github"],
    ["audit", "missing.yaml", "--as-of", "2027-01-15"],
    ["audit", "-", "-f", "json", "--as-of", "2027-01-15"],
    ["audit", "good.yaml", "-f", "json", "--", "other/good.yaml"],
    ["audit", "good.yaml", "-f", "json", "--as-of", "2027-01-15", "--as-of", "2026-12-01"],
]

# Command lines left to Typer: help, mistakes, options the fast path does not read.
LEFT = [
    ["validate"],
    ["validate", "--help"],
    ["validate", "-h"],
    ["validate", "good.yaml", "--allow-outside=yes"],
    ["validate", "good.yaml", "--policy"],
    ["validate", "good.yaml", "--policy", ""],
    ["validate", ""],
    ["validate", " "],
    ["--debug", "validate", "good.yaml"],
    ["validate", "good.yaml", "--frobnicate"],
    ["validate", "good.yaml", "-f", "json"],
    ["audit", "good.yaml", "--as-of", "2027-13-01"],
    ["audit", "good.yaml", "--as-of", ""],
    ["audit", "good.yaml", "--as-of"],
    ["audit", "good.yaml", "-f", "xml"],
    ["audit", "good.yaml", "-f=json"],
    ["audit", "good.yaml", "--format", "JSON"],
    ["audit", "good.yaml", "--limit", "0"],
    ["audit", "good.yaml", "--limit", " 3"],
    ["audit", "good.yaml", "--limit", "three"],
    ["audit", "good.yaml", "-o", ""],
    ["audit", "good.yaml", "--all=1"],
    ["audit", "good.yaml", "--stage", "learn"],
    ["audit", "good.yaml", "-x"],
    ["audit", "-f", "json"],
    ["audit", "good.yaml", "--history"],
    ["audits", "good.yaml"],
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for where in (tmp_path, tmp_path / "other"):
        where.mkdir(exist_ok=True)
        (where / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
        (where / "good.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    return tmp_path


def run(
    folder: Path, args: list[str], *, fast: bool, env: dict[str, str] | None = None
) -> tuple[int, str, str, bool, dict[str, str]]:
    """Exit code, output, errors, whether Typer was imported, and the files written."""
    before = set(folder.rglob("*"))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "fast" if fast else "typer", *args],
        cwd=folder,
        input=GOOD,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "COLUMNS": "80",
            "NO_COLOR": "1",
            **(env or {}),
        },
    )
    probe = json.loads((folder / "probe.json").read_text(encoding="utf-8"))
    written = {
        str(p.relative_to(folder)): p.read_text(encoding="utf-8")
        for p in set(folder.rglob("*")) - before
        if p.is_file() and p.name != "probe.json"
    }
    for name in written:
        (folder / name).unlink()
    return probe["code"], result.stdout, result.stderr, probe["typer"], written


@pytest.mark.parametrize("args", READ, ids=" ".join)
def test_the_fast_path_runs_as_typer_does(folder: Path, args: list[str]) -> None:
    *fast, fast_imported_typer, fast_wrote = run(folder, args, fast=True)
    *typer, typer_imported_typer, typer_wrote = run(folder, args, fast=False)
    assert (fast, fast_wrote) == (typer, typer_wrote)
    assert not fast_imported_typer and typer_imported_typer


@pytest.mark.parametrize("args", LEFT, ids=" ".join)
def test_what_the_fast_path_does_not_read_goes_to_typer(folder: Path, args: list[str]) -> None:
    assert read(args) is None
    *_, imported_typer, _ = run(folder, args, fast=True)
    assert imported_typer


def test_the_step_summary_is_written_alike(folder: Path) -> None:
    args = ["audit", "good.yaml", "-f", "github", "--as-of", "2027-01-15"]
    summaries = []
    for fast in (True, False):
        summary = folder / f"summary-{fast}.md"
        summary.write_text("", encoding="utf-8")  # the runner's file, there before the step
        run(folder, args, fast=fast, env={"GITHUB_STEP_SUMMARY": str(summary)})
        summaries.append(summary.read_text(encoding="utf-8"))
    assert summaries[0] == summaries[1] and "Mini" in summaries[0]


@pytest.mark.parametrize("command", ["validate", "audit"])
def test_an_internal_error_is_said_alike(folder: Path, command: str) -> None:
    fast = run(folder, [command, "good.yaml"], fast=True, env={"PROBE_BREAK": "1"})
    typer = run(folder, [command, "good.yaml"], fast=False, env={"PROBE_BREAK": "1"})
    assert fast[:3] == typer[:3]
    assert fast[0] == 3 and "internal error (RuntimeError)" in fast[2]


def test_an_unreadable_checklist_is_said_alike(folder: Path) -> None:
    (folder / "legal.yaml").write_bytes(b"\xff\xfe\x00")
    fast = run(folder, ["validate", "good.yaml"], fast=True)
    typer = run(folder, ["validate", "good.yaml"], fast=False)
    assert fast[:3] == typer[:3] and fast[0] == 2


def test_the_fast_path_reads_values_as_the_typer_command_would() -> None:
    call = read(["audit", "a.yaml", "-fjson", "--limit", "007", "-o", "-", "b.yaml", "--all"])
    assert call == Audit(
        (Path("a.yaml"), Path("b.yaml")), None, "json", Path("-"), 7, all=True, warn_only=False
    )
    assert read(["validate", "-", "--allow-outside"]) == Validate((Path("-"),), None, True)


def test_an_ascii_standard_output_goes_to_typer(folder: Path) -> None:
    # Click re-wraps a standard stream whose encoding is ASCII; the fast path leaves it.
    *_, imported_typer, _ = run(
        folder, ["validate", "good.yaml"], fast=True, env={"PYTHONIOENCODING": "ascii"}
    )
    assert imported_typer


def test_shell_completion_goes_to_typer(folder: Path) -> None:
    *_, imported_typer, _ = run(
        folder, ["validate", "good.yaml"], fast=True, env={"_GTM_CHECK_COMPLETE": "bash_source"}
    )
    assert imported_typer


@pytest.mark.parametrize("columns", ["80", "200"])
def test_the_main_help_is_the_one_typer_prints(folder: Path, columns: str) -> None:
    from typer.testing import CliRunner

    from gtm_check.cli.commands import app

    typer = CliRunner().invoke(app, ["--help"], prog_name="gtm-check", env={"COLUMNS": columns})
    assert typer.exit_code == 0
    for flag in ("--help", "-h"):
        code, out, err, imported_typer, _ = run(folder, [flag], fast=True, env={"COLUMNS": columns})
        assert (code, out, err) == (0, typer.output, "")
        assert not imported_typer
    assert MAIN_HELP == typer.output


@pytest.mark.parametrize("columns", ["60", "79"])
def test_a_narrow_terminal_gets_the_help_from_typer(folder: Path, columns: str) -> None:
    code, out, _, imported_typer, _ = run(folder, ["--help"], fast=True, env={"COLUMNS": columns})
    assert code == 0 and out.startswith("Usage: gtm-check [OPTIONS]")
    assert imported_typer


def test_the_main_help_is_given_only_where_typer_would_give_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "argv", ["gtm-check", "--help"])
    monkeypatch.setenv("COLUMNS", "80")
    assert main_help() == MAIN_HELP
    monkeypatch.setenv("COLUMNS", "79")
    assert main_help() is None
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("_GTM_CHECK_COMPLETE", "bash_source")
    assert main_help() is None
    monkeypatch.delenv("_GTM_CHECK_COMPLETE")
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/gtm", "--help"])
    assert main_help() is None


def test_the_help_of_python_m_gtm_check_names_it_so(folder: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gtm_check", "--help"],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"},
    )
    assert result.stdout.startswith("Usage: python -m gtm_check [OPTIONS] COMMAND")
