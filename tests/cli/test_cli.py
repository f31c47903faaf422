"""The command line: exit codes, stdout for the report only, stderr for located problems."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gtm_check import __version__
from gtm_check.cli.commands import app
from tests.conftest import EXAMPLES, MINI_CHECKLIST, ROOT

Mini = Callable[[str], Path]
EXAMPLE = str(EXAMPLES / "launch.yaml")
LOCATED = re.compile(r"^[^\s:][^:]*:\d+:\d+: \S.*$")


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "80", **(env or {})}).invoke(
        app, list(args)
    )
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert (code, out) == (0, f"gtm-check {__version__}\n")


def test_example_fails_its_gate_with_exit_1() -> None:
    code, out, err = run("audit", EXAMPLE, "--as-of", "2027-01-15")
    assert code == 1
    assert err == ""
    assert "GATE FAILED" in out


def test_json_on_stdout_parses_and_nothing_else_is_printed() -> None:
    code, out, err = run("audit", EXAMPLE, "--as-of", "2027-01-15", "--format", "json")
    assert code == 1 and err == ""
    assert json.loads(out)["gate"]["passed"] is False


def test_passing_gate_exits_0(mini: Mini) -> None:
    path = mini("items:\n  legal.trademarks: done\n  legal.sla-terms: done\n")
    code, out, _ = run("audit", str(path), "--as-of", "2027-01-01", "-f", "json")
    assert code == 0
    assert json.loads(out)["gate"]["passed"] is True


def test_min_score_flag_overrides_the_file(mini: Mini) -> None:
    # legal.trademarks (5) done, sla-terms (2) open: learn 100, use 0.
    path = mini("gate: {stages: [learn], min_score: 80}\nitems:\n  legal.trademarks: done\n")
    assert run("audit", str(path), "--as-of", "2027-01-01")[0] == 0
    code, out, _ = run(
        "audit", str(path), "--as-of", "2027-01-01", "--gate-stage", "use", "-f", "json"
    )
    assert code == 1
    assert json.loads(out)["gate"]["stages"] == ["use"]
    code, out, _ = run(
        "audit", str(path), "--as-of", "2027-01-01", "--gate-stage", "use", "--min-score", "0"
    )
    assert code == 0


def test_gate_stage_is_repeatable(mini: Mini) -> None:
    path = mini("items:\n  legal.trademarks: done\n")
    code, out, _ = run(
        "audit", str(path), "--as-of", "2027-01-01", "--gate-stage", "learn",
        "--gate-stage", "grow", "-f", "json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["gate"]["stages"] == ["learn", "grow"]


def test_invalid_launch_exits_2_with_located_lines_and_no_stdout(mini: Mini) -> None:
    path = mini("items:\n  legal.trademark: done\n  legal.sla-terms: dnoe\n")
    code, out, err = run("audit", str(path), "--as-of", "2027-01-01")
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 2
    assert all(LOCATED.match(line) for line in lines), lines
    assert "Traceback" not in err


def test_validate_reports_valid_file(mini: Mini) -> None:
    path = mini("items:\n  legal.trademarks: done\n")
    code, out, err = run("validate", str(path))
    assert code == 0
    assert out == f"{path}: valid (3 items in 1 checklist, 1 item state, 0 waivers)\n"


def test_validate_invalid_exits_2(mini: Mini) -> None:
    path = mini("traits: [sas]\n")
    code, out, err = run("validate", str(path))
    assert (code, out) == (2, "")
    assert err == f"{path}:4:10: unknown trait 'sas' (did you mean 'saas'?)\n"


@pytest.mark.parametrize(
    "args",
    [
        ["audit", EXAMPLE, "--as-of", "2027-02-30"],
        ["audit", EXAMPLE, "--format", "xml"],
        ["audit", EXAMPLE, "--min-score", "101"],
        ["audit", EXAMPLE, "--gate-stage", "launch"],
        ["audit"],
        ["frobnicate"],
    ],
)
def test_bad_command_line_exits_2(args: list[str]) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert err.startswith("gtm-check") and err.count("\n") == 1, err  # tests/cli/test_usage.py


def test_internal_error_exits_3_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("gtm_check.pipeline.score_launch", broken)
    code, out, err = run("audit", EXAMPLE)
    assert code == 3
    assert out == ""
    assert "internal error (RuntimeError)" in err and "please report" in err
    assert "Traceback" not in err


def test_no_color_means_no_escape_codes() -> None:
    _, out, _ = run("audit", EXAMPLE, "--as-of", "2027-01-15", env={"FORCE_COLOR": ""})
    assert "\x1b[" not in out


def test_force_color_colours_the_table() -> None:
    _, out, _ = run(
        "audit", EXAMPLE, "--as-of", "2027-01-15", env={"NO_COLOR": "", "FORCE_COLOR": "1"}
    )
    assert "\x1b[" in out


def test_table_fits_80_columns() -> None:
    _, out, _ = run("audit", EXAMPLE, "--as-of", "2027-01-15")
    assert max(len(line) for line in out.splitlines()) <= 80


def test_module_entry_point_runs() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "gtm_check", "--version"], capture_output=True, text=True
    )
    assert result.stdout == f"gtm-check {__version__}\n"


def test_entry_point_audits_like_the_cli() -> None:
    # The entry point pauses garbage collection while it imports: the report and the exit
    # code must be the ones the CLI gives.
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "gtm_check", "audit", "examples/launch.yaml"]
        + ["--as-of", "2027-01-15", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (ROOT / "tests" / "golden" / "launch.json").read_text()


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_the_table_fits_every_width_and_never_breaks_an_identifier(width: int) -> None:
    _, out, _ = run("audit", EXAMPLE, "--as-of", "2027-01-15", env={"COLUMNS": str(width)})
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= width
    assert "…" not in out.split("Open items", 1)[0]  # no label or number cut short
    for label in ("Learn about it", "Stay and grow", "Product Management", "Customer Success"):
        assert label in out  # labels stay, at 40 columns too
    _, data, _ = run("audit", EXAMPLE, "--as-of", "2027-01-15", "-f", "json")
    for gap in json.loads(data)["gaps"][:10]:
        assert any(gap["id"] in line for line in lines), gap["id"]  # whole, on one line
    # the scores against the gate where they fit, the verdicts alone where they do not
    scored = " GATE FAILED  buy blocked · use 78.6 < 80"
    assert lines[-1] == (
        scored if width > len(scored) else " GATE FAILED  buy blocked · use at-risk"
    )


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_each_example_fits_a_screen_at_80_columns(example: Path) -> None:
    _, out, _ = run("audit", str(example), "--as-of", "2027-01-15")
    # 70, and two for the line that says the critical path ends after launch day (wrapped
    # when its chain is long), which the header gains when the date cannot be made.
    assert len(out.splitlines()) <= 72
    assert out.splitlines()[-1].startswith((" GATE PASSED ", " GATE FAILED "))


def test_all_and_limit_choose_how_many_gaps_the_table_lists() -> None:
    def listed(*flags: str) -> int:
        _, out, _ = run("audit", EXAMPLE, "--as-of", "2027-01-15", *flags)
        return len(re.findall(r"^(blocker|high|medium|low) ", out, flags=re.MULTILINE))

    assert (listed(), listed("--limit", "3"), listed("--all")) == (10, 3, 55)
    _, out, _ = run("audit", EXAMPLE, "--as-of", "2027-01-15", "--limit", "3")
    assert "… 52 more (" in out and "--all lists them" in out


def test_debug_shows_the_traceback_of_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("gtm_check.pipeline.score_launch", broken)
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(app, ["--debug", "audit", EXAMPLE])
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "RuntimeError: boom\n" in result.stderr
    # and still exit 3: re-raised, it left Python with 1, the code of a failed gate
    assert result.exit_code == 3 and "internal error (RuntimeError)" in result.stderr


def test_a_slow_yaml_parser_is_named_not_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    # A PyYAML built without libyaml still works, 8-10x slower: the user is told why.
    monkeypatch.setattr("gtm_check.load.yamltree.C_PARSER", False)
    code, out, err = run("audit", EXAMPLE, "--as-of", "2027-01-15")
    assert code == 1
    assert "GATE FAILED" in out
    assert err.startswith("gtm-check: warning: PyYAML was installed without its C parser")
    assert err.count("\n") == 1


def test_dash_reads_the_launch_from_standard_input(tmp_path: Path) -> None:
    (tmp_path / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
    text = "launch: Piped\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n"
    result = subprocess.run(
        [sys.executable, "-m", "gtm_check", "audit", "-", "--as-of", "2027-01-15", "-f", "json"],
        input=text, capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["launch"]["name"] == "Piped"  # checklists resolved from the working folder
    assert [d["key"] for d in data["departments"]] == ["legal"]
    broken = subprocess.run(
        [sys.executable, "-m", "gtm_check", "validate", "-"],
        input="launch: X\nlaunch_date: 2027-13-01\n", capture_output=True, text=True,
        cwd=tmp_path, check=False,
    )  # fmt: skip
    assert (broken.returncode, broken.stderr) == (
        2,
        "<stdin>:2:14: '2027-13-01' is not a date: there is no month 13\n",
    )


def test_a_folder_where_a_launch_file_belongs_says_how_to_name_its_files() -> None:
    code, out, err = run("audit", str(EXAMPLES))
    assert (code, out) == (2, "")
    assert err.endswith(
        f"is a directory, not a file (to name every YAML file in it, write {EXAMPLES}/*.yaml)\n"
    )


def test_validate_counts_in_words(mini: Mini) -> None:
    path = mini(
        "items:\n  legal.trademarks: done\nwaivers:\n  - {item: legal.sla-terms, reason: r,"
        " approved_by: v, expires: 2027-06-01}\n"
    )
    code, out, _ = run("validate", str(path))
    assert code == 0
    assert out.endswith(": valid (3 items in 1 checklist, 1 item state, 1 waiver)\n")


@pytest.mark.parametrize(
    "command", [[], ["audit"], ["validate"], ["init"], ["checklists"], ["checklists", "show"]]
)
def test_help_reads_like_the_readme(command: list[str]) -> None:
    _, out, _ = run(*command, "--help")
    assert not re.search(r"<(list\[|path|str|int|float)", out, re.IGNORECASE), out
    assert "{" not in out.split("\n", 1)[0]  # the usage line: LAUNCH..., not {LAUNCH}...


def test_the_command_list_has_whole_sentences() -> None:
    _, out, _ = run("--help")
    listed = out.split("Commands:", 1)[1].strip().splitlines()
    assert len(listed) >= 4 and all(line.rstrip().endswith(".") for line in listed)


def test_shell_completion_is_offered() -> None:
    script = Path(sys.executable).with_name("gtm-check")
    result = subprocess.run(
        [str(script), "--show-completion", "bash"],
        capture_output=True, text=True, check=False, env={"SHELL": "/bin/bash", "PATH": ""},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "_GTM_CHECK_COMPLETE" in result.stdout and "complete " in result.stdout


def test_the_terminal_portfolio_names_why_each_launch_failed_in_launch_date_order() -> None:
    examples = [str(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    _, out, _ = run("audit", *examples, "--as-of", "2027-01-15", env={"COLUMNS": "120"})
    rows = [line.split("  ")[0] for line in out.splitlines() if " (tier " in line]
    assert rows[:5] == [
        "Scheduled exports (Acme Insights) (tier 3)",  # 2027-02-10
        "Acme Insights 2.0 (tier 1)",  # 2027-03-01
        "Acme Ledger Enterprise (tier 1)",  # 2027-03-15
        "Acme Close Health Check (tier 2)",  # 2027-03-22
        "Acme Thermostat Pro (tier 1)",  # 2027-04-15
    ]
    assert "✗ Acme Insights 2.0 (tier 1): buy: blocked by 2 open blockers" in out
    assert "✗ Acme Close Health Check (tier 2): buy: blocked by 1 open blocker" in out
    assert "✗ Acme Thermostat Pro (tier 1): buy: score 78.6 is below 80" in out
    assert "coloured" not in out  # no colour legend without colour


def test_the_table_names_departments_that_owe_nothing_and_active_waivers() -> None:
    _, out, _ = run("audit", EXAMPLE, "--as-of", "2027-01-15")
    heat_map = out.split("Departments by stage", 1)[1].split("Open items", 1)[0]
    assert "Manufacturing" not in heat_map.split("Nothing applies")[0]
    assert "Nothing applies to this launch for: Manufacturing." in heat_map
    assert "  waived until 2027-04-30: marketing.press-and-analysts" in out


def test_the_github_summary_has_no_missing_score_and_counts_in_words(mini: Mini) -> None:
    path = mini(
        "gate: {stages: [learn]}\nitems:\n  legal.trademarks: n/a\n  legal.sla-terms: n/a\n"
    )
    _, out, _ = run("audit", str(path), "--as-of", "2027-01-01", "-f", "github")
    summary = out.splitlines()[-1]
    assert "None" not in summary and "overall —" in summary
    path = mini("gate: {stages: [learn]}\nitems:\n  legal.trademarks: done\n")
    _, out, _ = run("audit", str(path), "--as-of", "2027-01-01", "-f", "github")
    assert out.splitlines()[-1].endswith("1 open item)")
