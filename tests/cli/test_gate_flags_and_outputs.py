"""Gate flags, filters, --output, portfolios and the GitHub step summary, by exit code."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from gtm_check.cli.output import append_step_summary, fit_step_summary
from gtm_check.model.problems import GtmCheckError
from tests.conftest import EXAMPLES

Mini = Callable[[str], Path]
EXAMPLE = str(EXAMPLES / "launch.yaml")
DEVICE = str(EXAMPLES / "device.yaml")
ROLLOUT = str(EXAMPLES / "enterprise-rollout.yaml")
AS_OF = ("--as-of", "2027-01-15")
SUPPORT = "support-lead@acme.example"
TOP = {"blocker", "high"}


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1", **(env or {})}).invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def audit_json(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code, out, err = run("audit", *args, *AS_OF, "-f", "json")
    assert err == ""
    return code, json.loads(out)


# The mini launch: legal.trademarks (blocker, learn) done; channel-contracts (high, buy)
# does not apply; sla-terms (medium, use) open.


def test_fail_on_high_fails_where_the_default_passes(mini: Mini) -> None:
    path = mini("gate: {stages: [learn, use], min_score: 0}\nitems:\n  legal.trademarks: done\n")
    assert run("audit", str(path), *AS_OF)[0] == 0
    code, data = audit_json(str(path), "--fail-on", "medium")
    assert code == 1
    assert data["gate"]["failures"] == ["use: 1 open item at medium severity or above"]
    assert data["gate"]["fail_on"] == "medium"
    assert data["gate"]["overrides"] == ["--fail-on medium"]
    assert run("audit", str(path), *AS_OF, "--fail-on", "high")[0] == 0


def test_fail_on_never_lets_blockers_pass_when_scores_do(mini: Mini) -> None:
    path = mini("gate: {stages: [learn], min_score: 0}\n")
    assert run("audit", str(path), *AS_OF)[0] == 1  # open blocker
    code, data = audit_json(str(path), "--fail-on", "never")
    assert code == 0
    # The verdict follows the gate's rule (a passing gate beside a stage shown "blocked"
    # said two things); the open blocker is still counted.
    assert (data["stages"][0]["verdict"], data["stages"][0]["open_blockers"]) == ("ready", 1)
    assert data["gate"]["fail_on"] == "never"


def test_fail_on_a_severity_shows_a_stage_it_fails_as_blocked(mini: Mini) -> None:
    # learn's open blocker is done; its open medium item fails --fail-on medium: the table's
    # last line said "GATE FAILED  learn ready", JSON, Markdown, HTML and SARIF "ready".
    path = mini(
        "gate: {stages: [learn, use], min_score: 0}\n"
        "items: {legal.trademarks: {status: done, evidence: e}}\n"
    )
    code, data = audit_json(str(path), "--fail-on", "medium")
    assert code == 1
    assert [(s["key"], s["verdict"]) for s in data["stages"][::2]] == [
        ("learn", "ready"),
        ("use", "blocked"),
    ]
    code, out, _ = run("audit", str(path), *AS_OF, "--fail-on", "medium")
    assert code == 1 and out.rstrip().endswith("GATE FAILED  use blocked")
    markdown = run("audit", str(path), *AS_OF, "--fail-on", "medium", "-f", "markdown")[1]
    assert "| Use it (and get it fixed) | 0.0 | ⛔ blocked |" in markdown
    assert audit_json(str(path))[1]["stages"][2]["verdict"] == "ready"  # blockers alone


def test_ignore_waivers_audits_as_if_none_existed(mini: Mini) -> None:
    path = mini(
        "gate: {stages: [learn]}\n"
        "waivers:\n  - {item: legal.trademarks, reason: r, approved_by: v, expires: 2027-12-31}\n"
    )
    assert run("audit", str(path), *AS_OF)[0] == 0
    code, data = audit_json(str(path), "--ignore-waivers")
    assert code == 1
    assert data["gate"]["ignore_waivers"] is True
    assert [g["id"] for g in data["gaps"]] == ["legal.trademarks", "legal.sla-terms"]


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "junit", "github"])
def test_warn_only_reports_the_failure_but_exits_0(fmt: str) -> None:
    code, out, _ = run("audit", EXAMPLE, *AS_OF, "--warn-only", "-f", fmt)
    strict_code, strict_out, _ = run("audit", EXAMPLE, *AS_OF, "-f", fmt)
    assert (code, strict_code) == (0, 1)
    assert out == strict_out  # the same report, failure and all: only the exit code differs


def test_flags_override_the_launch_file_and_the_report_says_so() -> None:
    code, data = audit_json(ROLLOUT, "--min-score", "95")
    assert code == 1
    assert data["gate"]["min_score"] == 95
    assert data["gate"]["overrides"] == ["--min-score 95"]
    _, out, _ = run("audit", ROLLOUT, *AS_OF, "--min-score", "95")
    assert "(set by --min-score 95)" in " ".join(out.split())


@pytest.mark.parametrize(
    ("flags", "check"),
    [
        (["--stage", "buy"], lambda g: g["stage"] == "buy"),
        (["--department", "legal"], lambda g: g["department"] == "legal"),
        (["--owner", "SUPPORT-LEAD@acme.example"], lambda g: g["owner"] == SUPPORT),
        (["--severity", "blocker", "--severity", "high"], lambda g: g["severity"] in TOP),
        (["--overdue"], lambda g: g["overdue_days"] is not None),
    ],
)  # fmt: skip
def test_filters_narrow_gaps_but_not_scores_or_exit(flags: list[str], check: object) -> None:
    _, full = audit_json(EXAMPLE)
    code, filtered = audit_json(EXAMPLE, *flags)
    assert code == 1  # the gate is judged on the whole launch
    assert filtered["stages"] == full["stages"] and filtered["overall"] == full["overall"]
    assert filtered["gaps"] and all(check(g) for g in filtered["gaps"])  # type: ignore[operator]
    assert len(filtered["gaps"]) < len(full["gaps"])
    assert filtered["filters"]
    assert "filters" not in full


@pytest.mark.parametrize("fmt", ["table", "markdown", "github"])
def test_filtered_reports_say_so(fmt: str) -> None:
    _, out, _ = run("audit", EXAMPLE, *AS_OF, "--overdue", "-f", fmt)
    assert "filtered" in out.lower()


def test_filters_apply_to_every_format() -> None:
    _, out, _ = run("audit", EXAMPLE, *AS_OF, "--stage", "buy", "-f", "github")
    annotated = [
        line for line in out.splitlines() if line.startswith(("::error file", "::warning file"))
    ]
    stages = {
        re.search(r", (learn|buy|use|grow), owner ", line)[1]  # type: ignore[index]
        for line in annotated
    }
    assert annotated and stages == {"buy"}
    assert "filtered: stage buy" in out.splitlines()[-1]


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "junit", "github"])
def test_output_writes_the_same_report_and_keeps_the_exit_code(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"report.{fmt}"
    code, out, err = run("audit", EXAMPLE, *AS_OF, "-f", fmt, "--output", str(target))
    assert (code, out, err) == (1, "", "")
    assert target.read_text(encoding="utf-8") == run("audit", EXAMPLE, *AS_OF, "-f", fmt)[1]
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_output_never_overwrites_an_input(mini: Mini) -> None:
    path = mini("")
    before = path.read_text(encoding="utf-8")
    code, out, err = run("audit", str(path), *AS_OF, "--output", str(path))
    assert code == 2
    assert "is one of the input files" in err
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    "output", ["policy", "found", "found-link", "hard-link"], ids=lambda o: f"output is {o}"
)
def test_output_never_overwrites_a_policy_file_or_another_name_of_an_input(
    mini: Mini, tmp_path: Path, output: str
) -> None:
    path = mini("")
    policy = tmp_path / "ci-policy.yaml"
    policy.write_text("policy: {min_score: 50}\n", encoding="utf-8")
    found = tmp_path / ".gtm-check.yaml"
    found.write_text("policy: {gate_stages: [learn]}\n", encoding="utf-8")
    target = {"policy": policy, "found": found, "found-link": tmp_path / "out.yaml"}.get(
        output, tmp_path / "again.yaml"
    )
    if output == "found-link":
        target.symlink_to(found.name)
    if output == "hard-link":
        os.link(path, target)
    before = {p: p.read_bytes() for p in (path, policy, found)}
    code, _, err = run("audit", str(path), *AS_OF, "--policy", str(policy), "-o", str(target))
    assert code == 2
    assert err == f"{target}:1:1: is one of the input files; choose another output file\n"
    assert {p: p.read_bytes() for p in before} == before
    assert target.exists()


def test_output_is_not_written_when_the_input_is_invalid(mini: Mini, tmp_path: Path) -> None:
    path = mini("traits: [nonsense]\n")
    target = tmp_path / "report.md"
    code, _, _ = run("audit", str(path), *AS_OF, "-f", "markdown", "-o", str(target))
    assert code == 2
    assert not target.exists()


def test_portfolio_one_row_per_launch_and_combined_gaps() -> None:
    code, out, _ = run("audit", EXAMPLE, DEVICE, ROLLOUT, *AS_OF)
    assert code == 1  # two of the three fail their gate
    assert "Portfolio: 3 launches, 1 passing their gate" in out
    for name in ("Acme Insights 2.0", "Acme Thermostat Pro", "Acme Ledger Enterprise"):
        assert name in out


def test_portfolio_json_lists_every_report() -> None:
    code, out, _ = run("audit", EXAMPLE, ROLLOUT, *AS_OF, "-f", "json")
    data = json.loads(out)
    assert code == 1 and data["passed"] is False
    assert [r["launch"]["name"] for r in data["launches"]] == [
        "Acme Insights 2.0",
        "Acme Ledger Enterprise",
    ]


def test_portfolio_passes_only_when_every_launch_passes() -> None:
    assert run("audit", ROLLOUT, ROLLOUT, *AS_OF)[0] == 0  # the same file counts once
    assert run("audit", ROLLOUT, DEVICE, *AS_OF)[0] == 1


def test_portfolio_reports_problems_in_every_file(mini: Mini, tmp_path: Path) -> None:
    bad = mini("traits: [nonsense]\n")
    other = tmp_path / "other.yaml"
    other.write_text("launch: x\n", encoding="utf-8")
    code, out, err = run("audit", str(bad), str(other), *AS_OF)
    assert code == 2 and out == ""
    assert str(bad) in err and str(other) in err


def test_github_appends_the_markdown_report_to_the_step_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    code, out, _ = run(
        "audit", EXAMPLE, *AS_OF, "-f", "github", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert code == 1 and out.startswith("::")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n# Launch readiness: Acme Insights 2.0")


STEP_SUMMARY_LIMIT = 1_048_576
"""GitHub shows no step summary over 1 MiB: not a line of it."""
CUT_NOTE = (
    "*gtm-check cut this report short here: GitHub shows no step summary over 1 MiB. "
    "`gtm-check audit --format markdown` or `--format json` (with `--output FILE`) writes "
    "the whole report.*\n"
)


def huge_title_launch(tmp_path: Path) -> Path:
    """A launch whose team checklist has one item titled with 1.1 MB of text, on one line."""
    title = "Harmless looking title " * 48_000
    (tmp_path / "team.yaml").write_text(
        "department: t\nname: T\nitems:\n"
        f"  - {{id: t.big, stage: learn, title: '{title}', severity: blocker}}\n",
        encoding="utf-8",
    )
    launch = tmp_path / "launch.yaml"
    launch.write_text(
        "launch: x\nlaunch_date: 2027-02-10\nchecklists: [builtin, ./team.yaml]\n",
        encoding="utf-8",
    )
    return launch


def test_a_step_summary_over_githubs_limit_is_cut_at_a_line_with_a_note(tmp_path: Path) -> None:
    launch = huge_title_launch(tmp_path)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    code, out, _ = run(
        "audit", str(launch), *AS_OF, "-f", "github", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert code == 1 and out.startswith("::")
    data = summary.read_bytes()
    assert len(data) < STEP_SUMMARY_LIMIT
    text = data.decode("utf-8")
    assert text.startswith("earlier step\n# Launch readiness: x (tier ")  # the start is kept
    assert text.endswith("\n\n" + CUT_NOTE)  # one line, after a blank one: no table takes it
    assert "Harmless looking title" not in text  # the huge line is left out whole, not halved
    kept = text.removeprefix("earlier step\n").removesuffix("\n" + CUT_NOTE)
    full = run("audit", str(launch), *AS_OF, "-f", "markdown")[1]
    assert full.startswith(kept) and "## " in kept  # the report's start, to a line's end


def test_the_step_summary_cut_counts_what_the_step_already_wrote(tmp_path: Path) -> None:
    launch = huge_title_launch(tmp_path)
    summary = tmp_path / "summary.md"
    earlier = "earlier step\n" * 70_000  # 910,000 bytes of the step's own summary
    summary.write_text(earlier, encoding="utf-8")
    run("audit", str(launch), *AS_OF, "-f", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < STEP_SUMMARY_LIMIT
    assert text.startswith(earlier + "# Launch readiness: x (tier ") and text.endswith(CUT_NOTE)


def test_the_cut_closes_a_code_block_or_details_it_leaves_open() -> None:
    report = "# R\n<details>\n\n```mermaid\n" + "x\n" * 1_000 + "```\n\n</details>\n"
    cut = fit_step_summary(report, 600)
    assert len(cut.encode("utf-8")) <= 600
    assert cut.startswith("# R\n<details>\n\n```mermaid\nx\n")
    assert cut.endswith("x\n```\n\n</details>\n\n" + CUT_NOTE)
    assert fit_step_summary(report, 250) == "\n" + CUT_NOTE  # no line fits beside the note
    assert fit_step_summary(report, 100) == ""  # nor the note itself: nothing is appended
    assert fit_step_summary(report, 10_000) == report


@pytest.mark.parametrize("written", [999_990, 1_048_500])
def test_a_step_summary_with_no_room_for_the_note_is_left_as_it_was(
    tmp_path: Path, written: int
) -> None:
    # The note alone (186 bytes) took a summary 10 bytes short of the limit over it, and
    # one that GitHub still showed (1,048,500 bytes) over 1 MiB, so that GitHub showed
    # none of what the step had written.
    launch = huge_title_launch(tmp_path)
    summary = tmp_path / "summary.md"
    earlier = "x" * (written - 1) + "\n"
    summary.write_text(earlier, encoding="utf-8")
    code, out, err = run(
        "audit", str(launch), *AS_OF, "-f", "github", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert code == 1 and out.startswith("::")
    assert summary.read_text(encoding="utf-8") == earlier
    assert err == (
        "gtm-check: the step summary is full (GitHub shows none over 1 MiB), so this report "
        "was not added to it; --format markdown writes it\n"
    )


def test_a_step_summary_that_fits_is_appended_whole(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    code, _, _ = run(
        "audit", EXAMPLE, *AS_OF, "-f", "github", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert code == 1
    assert summary.read_text(encoding="utf-8") == run("audit", EXAMPLE, *AS_OF, "-f", "markdown")[1]


def test_a_step_summary_naming_an_input_or_gits_folder_is_refused(tmp_path: Path) -> None:
    # GITHUB_STEP_SUMMARY was appended to whatever it named: the policy file (the next run
    # exited 2) or a hook in .git, where -o refuses to write.
    folder = tmp_path / "repo"
    (folder / ".git" / "hooks").mkdir(parents=True)
    policy = folder / ".gtm-check.yaml"
    policy.write_text("policy: {min_score: 80}\n", encoding="utf-8")
    launch = folder / "launch.yaml"
    launch.write_text(Path(EXAMPLE).read_text(encoding="utf-8"), encoding="utf-8")
    hook = folder / ".git" / "hooks" / "post-commit"
    hook.write_text("#!/bin/sh\n", encoding="utf-8")
    for target, said in (
        (policy, "GITHUB_STEP_SUMMARY is one of the input files"),
        (launch, "GITHUB_STEP_SUMMARY is one of the input files"),
        (hook, "GITHUB_STEP_SUMMARY is in git's own folder (.git)"),
    ):
        before = target.read_bytes()
        env = {"GITHUB_STEP_SUMMARY": str(target)}
        code, out, err = run("audit", str(launch), *AS_OF, "-f", "github", env=env)
        assert (code, out) == (2, "")
        assert err.startswith(f"{target}:1:1: {said}"), err
        assert target.read_bytes() == before
    report = tmp_path / "report.md"
    env = {"GITHUB_STEP_SUMMARY": str(report)}
    args = ("audit", str(launch), *AS_OF, "-f", "github", "--also", f"markdown={report}")
    code, _, err = run(*args, env=env)
    assert code == 2 and "GITHUB_STEP_SUMMARY is named twice as an output" in err
    assert not report.exists()
    # two report files of one name are that, not the step summary's fault
    summary = tmp_path / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    args = ("audit", str(launch), *AS_OF, "-f", "github", "--also", f"html={report}")
    code, _, err = run(*args, "--also", f"sarif={report}", env=env)
    assert code == 2 and err.startswith(f"{report}:1:1: is named twice as an output"), err
    assert not report.exists() and not summary.exists()


def test_report_files_are_not_put_in_place_when_the_step_summary_fails(
    tmp_path: Path,
) -> None:
    # The summary was appended after -o and --also were in place: a summary that could not
    # be written (here /dev/full) exited 2 beside a JSON report saying "passed".
    report = tmp_path / "r.json"
    page = tmp_path / "r.html"
    code, out, err = run(
        "audit",
        EXAMPLE,
        *AS_OF,
        "-f",
        "github",
        "-o",
        str(page.with_suffix(".txt")),
        "--also",
        f"json={report}",
        env={"GITHUB_STEP_SUMMARY": "/dev/full"},
    )
    assert (code, out) == (2, "")
    assert "cannot write the step summary" in err
    assert not report.exists() and not page.with_suffix(".txt").exists()
    assert list(tmp_path.iterdir()) == []


def test_a_step_summary_append_that_fails_is_taken_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A disk that filled after the first 100 bytes left them in the runner's file: a report
    # cut mid-word, with no note saying so.
    summary = tmp_path / "summary.md"
    summary.write_text("an earlier step's summary\n", encoding="utf-8")
    inode = summary.stat().st_ino
    real_write = os.write

    def full_after_100(fd: int, data: bytes) -> int:
        if os.fstat(fd).st_ino != inode:
            return real_write(fd, data)
        if os.fstat(fd).st_size > 100:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, bytes(data[:100]))

    monkeypatch.setattr(os, "write", full_after_100)
    with pytest.raises(GtmCheckError) as raised:
        append_step_summary(summary, "# Launch readiness\n" * 50)
    assert [p.render() for p in raised.value.problems] == [
        f"{summary}:1:1: cannot write the step summary: No space left on device"
    ]
    assert summary.read_text(encoding="utf-8") == "an earlier step's summary\n"


def test_validate_takes_several_files_and_reports_all_problems(mini: Mini) -> None:
    good = EXAMPLE
    bad = str(mini("traits: [nonsense]\n"))
    code, out, err = run("validate", good, bad)
    assert code == 2
    assert "launch.yaml: valid" in out
    assert "unknown trait 'nonsense'" in err


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--department", "legl", "no department 'legl' (did you mean 'legal'?)"),
        ("--department", "zzz", "no department 'zzz' (choose from "),
        ("--owner", "Counsel@acme.exampl", "(did you mean 'counsel@acme.example'?)"),
        ("--owner", "nobody", "no item is owned by 'nobody' (no item names them)"),
    ],
)
def test_a_filter_that_matches_nothing_loaded_is_refused(
    flag: str, value: str, message: str
) -> None:
    code, out, err = run("audit", EXAMPLE, *AS_OF, flag, value)
    assert (code, out) == (2, "")
    assert message in " ".join(err.split())


@pytest.mark.parametrize("fmt", ["github", "json"])
def test_input_problems_are_annotations_in_the_github_format_only(mini: Mini, fmt: str) -> None:
    path = mini("traits: [sas]\n")
    code, out, err = run("audit", str(path), *AS_OF, "-f", fmt)
    assert (code, out) == (2, "")
    plain = f"{path}:4:10: unknown trait 'sas' (did you mean 'saas'?)\n"
    annotation = (
        f"::error file={path},line=4,col=10,title=gtm-check%3A invalid input::"
        "unknown trait 'sas' (did you mean 'saas'?)\n"
    )
    assert err == (annotation if fmt == "github" else plain)


@pytest.mark.parametrize("fmt", ["github", "json"])
def test_the_problems_past_a_files_first_thousand_are_one_line_in_every_format(
    mini: Mini, fmt: str
) -> None:
    path = mini("traits: [" + ", ".join(f"zz-{n}" for n in range(1_003)) + "]\n")
    code, out, err = run("audit", str(path), *AS_OF, "-f", fmt)
    lines = err.splitlines()
    assert (code, out, len(lines)) == (2, "", 1_001)
    rest = (
        "… and 3 more problems from here on, not listed (gtm-check lists the first 1,000 of a file)"
    )
    if fmt == "github":
        assert all(line.startswith(f"::error file={path},line=4,col=") for line in lines)
        assert lines[-1].endswith(f",title=gtm-check%3A invalid input::{rest}")
    else:
        assert lines[-1].startswith(f"{path}:4:")
        assert lines[-1].endswith(f": {rest}")


@pytest.mark.parametrize("via", ["link", "dev-stdin"])
def test_output_never_overwrites_the_file_standard_input_reads(
    mini: Mini, tmp_path: Path, via: str
) -> None:
    # A pull request commits report.md -> /dev/stdin; CI runs `audit - -o report.md` with
    # the launch file as standard input: the report would replace the launch file.
    path = mini("")
    before = path.read_bytes()
    target = tmp_path / "report.md"
    target.symlink_to("/dev/stdin")
    output = str(target) if via == "link" else "/dev/stdin"
    with path.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "gtm_check", "audit", "-", *AS_OF, "-f", "markdown"]
            + ["-o", output, "--allow-outside"],
            stdin=stdin,
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"{output}:1:1: is one of the input files; choose another output file\n"
    assert path.read_bytes() == before


def test_a_step_summary_that_is_a_fifo_with_no_reader_does_not_hang(tmp_path: Path) -> None:
    # Opening it to append blocked for ever, where -o refuses the same FIFO.
    fifo = tmp_path / "summary"
    os.mkfifo(fifo)
    child = subprocess.run(
        [sys.executable, "-m", "gtm_check", "audit", EXAMPLE, *AS_OF, "-f", "github"],
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(fifo)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == 2
    assert child.stderr.startswith(f"{fifo}:1:1: cannot write the step summary: "), child.stderr
