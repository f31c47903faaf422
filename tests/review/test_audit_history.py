"""``audit --history``: the weekly trend and the projection in every format, from a
scripted git history with hand-computed figures; a note, never an error, without one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from tests.review.gitrepo import CHECKLIST, GitRepo, launch

HEADER = (
    "launch: Demo\nlaunch_date: 2027-01-25\nchecklists: [./legal.yaml]\n"
    "gate: {stages: [learn, buy], min_score: 80}\nitems:\n"
)
TODO = HEADER + "  legal.trademarks: todo\n  legal.privacy: todo\n"
PRIVACY_DONE = HEADER + "  legal.trademarks: todo\n  legal.privacy: done\n"
ALL_DONE = HEADER + "  legal.trademarks: done\n  legal.privacy: done\n"
AS_OF = "2027-01-20"

# Learn weighs 8 (trademarks, a blocker: 5; privacy, high: 3), buy 5 (contracts, a blocker).
# Week ending 2027-01-10: learn open 8; week ending 2027-01-17: open 5; the file on the
# as-of date, 2027-01-20, this week's point: open 5. So 3 closed in 10 days. Learn still
# needs 5 (its open blocker), at 0.3 a day: ceil(16.67) = 17 days after 2027-01-20,
# 2027-02-06, 12 days after the launch date. Buy closed nothing in the two weeks.
LEARN = "learn: late by 12 days at the current rate (passes 2027-02-06)"
BUY = "buy: no progress in 2 weeks"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": TODO})
    repo.commit("2027-01-11", {"launch.yaml": PRIVACY_DONE})
    repo.commit("2027-01-22", {"launch.yaml": ALL_DONE})  # after the as-of date: not seen
    repo.write("launch.yaml", PRIVACY_DONE)  # the file as it was on the as-of date
    return repo


def audit(path: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["audit", str(path), "--as-of", AS_OF, *args])
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_table_projects_each_gated_stage_with_the_method(repo: GitRepo) -> None:
    out = audit(repo.root / "launch.yaml", "--history")
    assert f"git history)\n{LEARN}\n{BUY}\nprojection: the open weight" in out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_without_the_flag_the_report_is_the_files_alone(repo: GitRepo) -> None:
    out = audit(repo.root / "launch.yaml")
    assert "Projection" not in out
    data = json.loads(audit(repo.root / "launch.yaml", "-f", "json"))
    assert "history" not in data


def test_json_points_and_projection(repo: GitRepo) -> None:
    data = json.loads(audit(repo.root / "launch.yaml", "--history", "-f", "json"))
    history = data["history"]
    assert [p["date"] for p in history["points"]] == ["2027-01-10", "2027-01-17"]
    assert [p["stages"]["learn"] for p in history["points"]] == [0.0, 37.5]
    assert history["projection"]["learn"] == {
        "verdict": "late by 12 days",
        "date": "2027-02-06",
        "needed": 5.0,
        "rate_per_day": 0.3,
    }
    assert history["projection"]["buy"]["verdict"] == "no progress in 2 weeks"
    assert history["note"] is None


def test_markdown_draws_a_mermaid_line_chart(repo: GitRepo) -> None:
    out = audit(repo.root / "launch.yaml", "--history", "-f", "markdown")
    assert '    x-axis ["2027-01-10", "2027-01-17"]' in out
    assert "    line [0.0, 37.5]" in out
    assert f"- {LEARN}" in out and f"- {BUY}" in out


def test_html_draws_the_trend_with_the_launch_date_and_a_table(repo: GitRepo) -> None:
    out = audit(repo.root / "launch.yaml", "--history", "-f", "html")
    assert '<title id="l1-tr-t">Readiness by week, with the projection</title>' in out
    assert "launch 2027-01-25</text>" in out
    assert 'class="tl tl-learn proj"' in out
    assert f"<li>{LEARN}</li>" in out
    assert "<summary>The trend as a table</summary>" in out


def test_outside_a_git_repository_one_line_says_so(repo: GitRepo, tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(repo.root / "legal.yaml", alone)
    shutil.copy(repo.root / "launch.yaml", alone)
    out = audit(alone / "launch.yaml", "--history")
    assert "history: the launch file is not in a git repository" in out


def test_too_little_history_is_one_line(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "new")
    repo.commit("2027-01-18", {"legal.yaml": CHECKLIST, "launch.yaml": TODO})
    out = audit(repo.root / "launch.yaml", "--history")
    assert "history: too little to project from (1 weekly point up to the as-of" in out
    data = json.loads(audit(repo.root / "launch.yaml", "--history", "-f", "json"))
    assert data["history"]["projection"] == {} and data["history"]["points"][0]["date"] == (
        "2027-01-20"
    )


def test_the_history_is_scored_under_the_audits_policy(tmp_path: Path) -> None:
    # The second week waives the blocker, approved by an outsider: under the policy the audit
    # fails on, that waiver credits nothing in the trend either, and learn is not "ready now".
    outsider = (
        "{item: legal.trademarks, reason: r, approved_by: x@evil.example, expires: 2027-06-01}"
    )
    waived = PRIVACY_DONE.replace("items:\n", f"waivers: [{outsider}]\nitems:\n")
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": TODO})
    repo.commit("2027-01-11", {"launch.yaml": waived})
    loose = json.loads(audit(repo.root / "launch.yaml", "--history", "-f", "json"))["history"]
    assert [p["stages"]["learn"] for p in loose["points"]] == [0.0, 100.0]
    assert loose["projection"]["learn"]["verdict"] == "ready now"
    trusted = tmp_path / "trusted.yaml"
    trusted.write_text("policy:\n  waiver_approvers: ['@acme.example']\n", encoding="utf-8")
    args = ("--history", "-f", "json", "--policy", str(trusted))
    strict = json.loads(audit(repo.root / "launch.yaml", *args))["history"]
    assert [p["stages"]["learn"] for p in strict["points"]] == [0.0, 37.5]
    # The refused waiver fails the gate on learn however fast its items close.
    assert strict["projection"]["learn"]["verdict"] == "held back by the policy"


def test_the_projection_judges_as_the_audits_gate_and_flags_do(tmp_path: Path) -> None:
    # The launch file gates learn alone and waives its learn blocker: its projection said
    # "ready now" for learn, and nothing of buy, while --gate-stage buy and --ignore-waivers
    # failed the same audit's gate on them.
    waiver = "[{item: legal.trademarks, reason: r, approved_by: vp, expires: 2027-06-01}]"
    items = "legal.trademarks: todo\nlegal.privacy: {status: done, evidence: x}\n"
    states = launch(items, waivers=waiver).replace("stages: [learn, buy]", "stages: [learn]")
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": states})
    repo.commit("2027-01-11", {"launch.yaml": states + "# again\n"})
    path = str(repo.root / "launch.yaml")
    args = ["audit", path, "--history", "--as-of", "2027-01-20", "-f", "json"]

    def projection(*flags: str) -> dict[str, str]:
        result = CliRunner().invoke(app, [*args, *flags])
        found = json.loads(result.stdout)["history"]["projection"]
        return {stage: p["verdict"] for stage, p in found.items()}

    assert projection() == {"learn": "ready now"}
    assert projection("--gate-stage", "learn", "--gate-stage", "buy") == {
        "learn": "ready now",
        "buy": "no progress in 2 weeks",
    }
    assert projection("--ignore-waivers") == {"learn": "no progress in 2 weeks"}


TEAM = """\
department: team
name: Team
items:
  - {id: team.notes, stage: learn, title: Notes, severity: blocker, verify: {path: NOTES.md}}
  - {id: team.other, stage: learn, title: Other, severity: low}
"""


def test_the_projection_judges_with_the_checks_the_audit_ran(tmp_path: Path) -> None:
    # team.notes is done, but NOTES.md was never committed: its check fails. The gate fails
    # on it under --require-verified, and under fail_on_warnings: [verification-failed];
    # the projection, scoring each revision with no check, said "ready now".
    head = "launch: X\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
    head += "gate: {stages: [learn], min_score: 50}\nitems:\n  team.other: todo\n"
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"team.yaml": TEAM, "launch.yaml": head + "  team.notes: todo\n"})
    repo.commit("2027-01-11", {"launch.yaml": head + "  team.notes: done\n"})
    policy = tmp_path / "policy.yaml"
    policy.write_text("policy:\n  fail_on_warnings: [verification-failed]\n", encoding="utf-8")
    args = ["audit", str(repo.root / "launch.yaml"), "--verify", "--history"]
    args += ["--as-of", "2027-01-20", "-f", "json"]
    for flags, verdict in (
        (["--require-verified"], "no progress in 2 weeks"),
        (["--policy", str(policy)], "held back by the policy"),
    ):
        result = CliRunner().invoke(app, [*args, *flags])
        assert result.exit_code == 1, result.stderr
        assert json.loads(result.stdout)["history"]["projection"]["learn"]["verdict"] == verdict
