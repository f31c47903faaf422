"""gtm-check trend over a scripted history: points, a broken revision, a rename, a shallow
clone, the projection, and a constant number of git processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from gtm_check.load.checklists import ChecklistReader
from gtm_check.model.vocabulary import Stage
from gtm_check.review.trend import trend
from gtm_check.scoring.trend import Every, TrendResult
from tests.review.gitrepo import CHECKLIST, GitRepo, launch

TODO = launch("""
    legal.trademarks: todo
    legal.privacy: todo
    legal.contracts: todo
""")
PRIVACY_DONE = launch("""
    legal.trademarks: todo
    legal.privacy: done
    legal.contracts: todo
""")
NEW_OWNER = launch("""
    legal.trademarks: {status: todo, owner: ann}
    legal.privacy: done
    legal.contracts: todo
""")
TODAY = dt.date(2027, 2, 10)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": TODO})
    repo.commit("2027-01-06", {"launch.yaml": "items: [\n"})  # broken, last of its week
    repo.commit("2027-01-12", {"launch.yaml": PRIVACY_DONE})
    repo.rename("2027-01-19", "launch.yaml", "plan.yaml")
    repo.commit("2027-01-26", {"plan.yaml": NEW_OWNER})
    repo.commit("2027-02-02", {"plan.yaml": NEW_OWNER + "  legal.sla-terms: todo\n"})
    return repo


def test_weekly_points_follow_the_rename_and_skip_the_broken_revision(repo: GitRepo) -> None:
    result = trend(repo.root / "plan.yaml", every=Every.week, today=TODAY)
    dates = [p.date.isoformat() for p in result.points]
    assert dates == ["2027-01-10", "2027-01-17", "2027-01-24", "2027-01-31", "2027-02-07"]
    assert [p.stages[Stage.LEARN].score for p in result.points] == [0.0, 37.5, 37.5, 37.5, 37.5]
    assert [p.stages[Stage.BUY].score for p in result.points] == [0.0] * 5
    first = repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    assert result.points[0].commit == first
    [skipped] = result.skipped
    assert skipped.date == dt.date(2027, 1, 6) and "invalid YAML" in skipped.why
    assert not result.shallow


def test_a_revision_that_is_not_utf8_is_skipped_where_it_is(tmp_path: Path) -> None:
    # The skip said only "the file is not UTF-8 text", where every other skip, and diff,
    # give the revision's rev:path:1:1.
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST})
    (repo.root / "launch.yaml").write_bytes(b"\xff\xfe")
    bad = repo.commit("2027-01-05", {})
    repo.commit("2027-01-06", {"launch.yaml": TODO})
    result = trend(repo.root / "launch.yaml", every=Every.commit, today=dt.date(2027, 1, 20))
    [skipped] = result.skipped
    assert skipped.why == f"{bad[:7]}:launch.yaml:1:1: the file is not UTF-8 text"


def test_projection_from_the_last_four_weeks(repo: GitRepo) -> None:
    # On Sunday 2027-02-07, the end of the last revision's week: the window is 01-10..02-07.
    result = trend(repo.root / "plan.yaml", every=Every.week, today=dt.date(2027, 2, 7))
    learn, buy = result.projections
    # learn closed 8 → 5 open weight in 28 days; its open blocker (5) is what is left.
    assert learn.needed == 5 and learn.rate == pytest.approx(3 / 28)
    assert learn.date == dt.date(2027, 2, 7) + dt.timedelta(days=47)  # ceil(5 * 28 / 3)
    assert learn.verdict == "late by 25 days"
    assert (buy.date, buy.verdict) == (None, "no progress in 4 weeks")
    assert "last 4 weeks" in result.method


def test_the_projection_ends_on_the_as_of_date_not_at_the_last_revision(repo: GitRepo) -> None:
    # Three days on, the launch file as it stands is this week's point: the window is
    # 01-17..02-10, and privacy's close on 01-12 is before it.
    learn, buy = trend(repo.root / "plan.yaml", every=Every.week, today=TODAY).projections
    assert (learn.needed, learn.rate, learn.date, learn.verdict) == (
        5,
        0,
        None,
        "no progress in 4 weeks",
    )
    # Months on, nothing committed since: no date already past, "on track" or not.
    late = trend(repo.root / "plan.yaml", every=Every.week, today=dt.date(2027, 6, 30))
    assert [(p.date, p.verdict) for p in late.projections] == [(None, "no progress in 4 weeks")] * 2


def test_every_commit_and_since(repo: GitRepo) -> None:
    result = trend(
        repo.root / "plan.yaml", since=dt.date(2027, 1, 12), every=Every.commit, today=TODAY
    )
    assert [p.date.isoformat() for p in result.points] == [
        "2027-01-12",
        "2027-01-19",
        "2027-01-26",
        "2027-02-02",
    ]
    assert result.skipped == []


def test_a_shallow_clone_is_named(repo: GitRepo, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True
    )
    result = trend(clone / "plan.yaml", today=TODAY)
    assert result.shallow and len(result.points) == 1
    out = CliRunner().invoke(app, ["trend", str(clone / "plan.yaml"), "--as-of", "2027-02-10"])
    assert "fetch-depth: 0" in out.output


def test_the_history_is_read_by_a_fixed_number_of_git_processes(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    popen = subprocess.Popen  # subprocess.run starts its process through Popen too

    class CountedPopen(popen):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            calls.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", CountedPopen)
    trend(repo.root / "plan.yaml", every=Every.commit, today=TODAY)
    assert [subcommand(c) for c in calls] == [
        *("rev-list", "diff-tree"),  # piped: the revisions, following the rename
        "cat-file",  # --batch-check: the sizes, to read at most so many bytes of them
        "rev-parse",  # --is-shallow-repository
        "cat-file",  # --batch: the texts, as they are scored
    ]


def subcommand(command: list[str]) -> str:
    """The git command a command line runs, past git's own options and ``-c`` settings."""
    args = iter(command[1:])
    for arg in args:
        if arg == "-c":
            next(args)
        elif not arg.startswith("-"):
            return arg
    return ""


def test_formats(repo: GitRepo) -> None:
    runner = CliRunner()
    args = ["trend", str(repo.root / "plan.yaml"), "--as-of", "2027-02-10"]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "learn  ▁▄▄▄▄ 37.5" in table.output
    markdown = runner.invoke(app, [*args, "-f", "markdown"]).output
    assert "xychart-beta" in markdown and "  line [0, 37.5, 37.5, 37.5, 37.5]" in markdown
    data = json.loads(runner.invoke(app, [*args, "-f", "json"]).output)
    assert data["points"][1]["stages"]["learn"] == 37.5
    assert set(data["points"][0]) == {"date", "commit", "stages", "overall"}
    assert data["projection"]["learn"]["verdict"] == "no progress in 4 weeks"


def test_a_stdout_that_cannot_encode_the_sparklines_gets_them_in_ascii(repo: GitRepo) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COLUMNS"))}
    command = [sys.executable, "-m", "gtm_check", "trend", "plan.yaml", "--as-of", "2027-02-10"]
    child = subprocess.run(
        command,
        cwd=repo.root,
        env={**env, "PYTHONIOENCODING": "cp1252", "NO_COLOR": "1"},
        capture_output=True,
        check=False,
    )
    assert (child.returncode, child.stderr) == (0, b"")
    out = child.stdout.decode("ascii")  # nothing but ASCII
    assert "learn  _---- 37.5" in out  # the sparkline, drawn in ASCII rather than as "?"
    assert "2027-01-10 -> 2027-02-07 - launch" in out


def test_a_revision_where_the_file_was_a_symbolic_link_is_skipped_unread(
    repo: GitRepo, tmp_path: Path
) -> None:
    # A commit that made the launch file a link (to a file outside, here): its text is the
    # link's target, never read as the launch file.
    (tmp_path / "outside.yaml").write_text(PRIVACY_DONE, encoding="utf-8")
    (repo.root / "plan.yaml").unlink()
    (repo.root / "plan.yaml").symlink_to(tmp_path / "outside.yaml")
    repo.git("add", "-A", date="2027-02-03")
    repo.git("commit", "-q", "-m", "link", date="2027-02-03")
    (repo.root / "plan.yaml").unlink()
    repo.commit("2027-02-04", {"plan.yaml": NEW_OWNER})
    result = trend(repo.root / "plan.yaml", every=Every.commit, today=TODAY)
    linked = [s for s in result.skipped if s.date == dt.date(2027, 2, 3)]
    assert len(linked) == 1
    assert "symbolic link" in linked[0].why
    assert dt.date(2027, 2, 3) not in [p.date for p in result.points]


def test_a_launch_file_that_is_a_link_has_its_own_history_read(repo: GitRepo) -> None:
    # The working tree's plan.yaml made a link to another file with a history of its own:
    # trend reads plan.yaml's history, never the file the link points to.
    repo.commit("2027-02-03", {"other.yaml": PRIVACY_DONE})
    repo.commit("2027-02-04", {"other.yaml": TODO})
    (repo.root / "plan.yaml").unlink()
    (repo.root / "plan.yaml").symlink_to("other.yaml")
    result = trend(repo.root / "plan.yaml", every=Every.commit, today=TODAY)
    dates = [p.date for p in result.points]
    assert dt.date(2027, 2, 2) in dates
    assert dt.date(2027, 2, 3) not in dates
    assert dt.date(2027, 2, 4) not in dates


def test_a_revision_where_the_path_was_a_folder_is_absent_not_a_file_inside_it(
    repo: GitRepo,
) -> None:
    # git lists the files inside a folder named like the launch file under its path: none of
    # them is the launch file, so those commits are revisions where it is absent, as diff says.
    (repo.root / "plan.yaml").unlink()
    (repo.root / "plan.yaml").mkdir()
    repo.commit("2027-02-03", {"plan.yaml/other.yaml": PRIVACY_DONE}, "a folder")
    repo.commit("2027-02-04", {"plan.yaml/other.yaml": NEW_OWNER}, "a file in the folder")
    repo.git("rm", "-q", "-r", "plan.yaml", date="2027-02-05")
    repo.commit("2027-02-05", {"plan.yaml": TODO}, "the file again")
    result = trend(repo.root / "plan.yaml", every=Every.commit, today=TODAY)
    folder = {dt.date(2027, 2, 3), dt.date(2027, 2, 4)}
    absent = dict.fromkeys(folder, "the file is absent in this revision")
    assert {s.date: s.why for s in result.skipped if s.date in folder} == absent
    assert not folder & {p.date for p in result.points}
    assert result.points[-1].date == dt.date(2027, 2, 5)
    # The weekly point for that week is the file as the last commit left it, not the folder's.
    weekly = trend(repo.root / "plan.yaml", every=Every.week, today=TODAY)
    assert weekly.points[-1].stages[Stage.LEARN].score == 0.0


# --- The policy: today's, for every revision ---------------------------------------------------

POLICY = "policy:\n  waiver_approvers: ['@acme.example']\n  waive_blockers: false\n"
OUTSIDER = (
    "[{item: legal.trademarks, reason: r, approved_by: evil@evil.example, expires: 2027-06-01}]"
)


@pytest.fixture
def waived(tmp_path: Path) -> GitRepo:
    """A history whose blocker is waived by an outsider from the second week on."""
    repo = GitRepo(tmp_path / "waived")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": PRIVACY_DONE})
    items = PRIVACY_DONE.split("items:\n")[1]
    repo.commit("2027-01-11", {"launch.yaml": launch(items, waivers=OUTSIDER)})
    return repo


def learn(result: TrendResult) -> list[float | None]:
    return [p.stages[Stage.LEARN].score for p in result.points]


def test_trend_scores_every_revision_under_the_policy_found_now(waived: GitRepo) -> None:
    path = waived.root / "launch.yaml"
    # Without a policy the waived blocker credits learn fully, and the stage "passes".
    loose = trend(path, today=dt.date(2027, 1, 20))
    assert learn(loose) == [37.5, 100.0]
    assert loose.projections[0].verdict == "ready now"
    # The policy on disk now refuses the waiver, in every revision (none had a policy).
    waived.write(".gtm-check.yaml", POLICY)
    strict = trend(path, today=dt.date(2027, 1, 20))
    assert learn(strict) == [37.5, 37.5]
    # The waiver of a blocker it refuses fails the gate on learn until it goes.
    assert strict.projections[0].verdict == "held back by the policy"
    out = CliRunner().invoke(app, ["trend", str(path), "--as-of", "2027-01-20", "-f", "json"])
    assert json.loads(out.stdout)["projection"]["learn"]["verdict"] == "held back by the policy"


def test_trend_takes_a_policy_file_and_stops_on_a_broken_one(
    waived: GitRepo, tmp_path: Path
) -> None:
    path = str(waived.root / "launch.yaml")
    trusted = tmp_path / "trusted.yaml"
    trusted.write_text(POLICY, encoding="utf-8")
    runner = CliRunner()
    args = ["trend", path, "--as-of", "2027-01-20"]
    assert "learn  ▄█ 100.0" in runner.invoke(app, args).stdout
    assert "learn  ▄▄ 37.5" in runner.invoke(app, [*args, "--policy", str(trusted)]).stdout
    trusted.write_text("policy:\n  min_score: 180\n", encoding="utf-8")
    broken = runner.invoke(app, [*args, "--policy", str(trusted)])
    assert (broken.exit_code, broken.stdout) == (2, "")
    assert broken.stderr.startswith(f"{trusted}:2:14: ")


def test_items_of_a_checklist_of_its_own_do_not_put_the_required_ones_on_track(
    tmp_path: Path,
) -> None:
    # Week one: two required learn items open. Week two: a checklist of the launch's own with
    # 200 learn items, all done: learn's score and its closing rate soar, while the required
    # items, which audit holds to min_score on their own, did not move.
    required = [
        i.id
        for i in ChecklistReader().builtin(["product-management"])[0].checklist.items
        if i.stage == "learn" and i.owed_by(set(), 3)
    ]
    open_ = {"product-management.launch-tier", "product-management.customer-notifications"}
    # (the gate at the policy's min_score below: one set lower is a breach of its own)
    header = "launch: Demo\nlaunch_date: 2027-03-01\ntier: 3\n"
    header += "gate: {stages: [learn], min_score: 90}\n"
    states = "".join(f"  {i}: {'todo' if i in open_ else 'done'}\n" for i in required)
    team = "department: team\nname: Team\nitems:\n" + "".join(
        f"  - {{id: team.i{n}, stage: learn, title: Thing {n}, severity: low}}\n"
        for n in range(200)
    )
    before = f"{header}checklists: [product-management, ./team.yaml]\nitems:\n{states}"
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"team.yaml": team, "launch.yaml": before})
    padded = "".join(f"  team.i{n}: done\n" for n in range(200))
    repo.commit("2027-01-11", {"launch.yaml": before + padded})
    path = repo.root / "launch.yaml"
    loose = trend(path, today=dt.date(2027, 1, 20))
    assert loose.projections[0].verdict == "ready now"  # no policy: the padding counts
    # (the checklist the launch loads: `builtin` would ask for every built-in, a breach of
    # its own that holds the stage back whatever its pace)
    policy = "  required_checklists: [product-management]\n"
    repo.write(".gtm-check.yaml", f"policy:\n  min_score: 90\n{policy}")
    strict = trend(path, today=dt.date(2027, 1, 20))
    [projection] = strict.projections
    assert (projection.verdict, projection.date, projection.rate) == (
        "no progress in 2 weeks", None, 0.0,
    )  # fmt: skip
    assert projection.needed > 0
    audit = ["audit", str(path), "--as-of", "2027-01-20", "--history", "-f", "json"]
    result = CliRunner().invoke(app, audit)
    assert result.exit_code == 1  # audit fails the same launch, and --history agrees
    projected = json.loads(result.stdout)["history"]["projection"]["learn"]
    assert projected["verdict"] == "no progress in 2 weeks"
    # A policy that sets no min_score holds the required items to the gate's: they were
    # held to nothing, and the padding put learn "ready now".
    repo.write(".gtm-check.yaml", f"policy:\n{policy}")
    [projection] = trend(path, today=dt.date(2027, 1, 20)).projections
    assert (projection.verdict, projection.rate) == ("no progress in 2 weeks", 0.0)


def test_a_commit_dated_ahead_does_not_move_the_date_a_waiver_is_judged_on(
    tmp_path: Path,
) -> None:
    # The waiver runs 130 days from today; the policy allows 90. A commit dated 100 days
    # ahead made the trend judge the waiver then (30 days left) and credit it.
    today = dt.date.today()
    expires = today + dt.timedelta(days=130)
    waiver = f"[{{item: legal.privacy, reason: r, approved_by: vp, expires: {expires}}}]"
    state = launch("legal.trademarks: done\nlegal.privacy: todo\n", waivers=waiver)
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        str(today - dt.timedelta(days=10)),
        {
            "legal.yaml": CHECKLIST,
            "launch.yaml": state,
            ".gtm-check.yaml": "policy:\n  max_waiver_days: 90\n",
        },
    )
    repo.commit(str(today + dt.timedelta(days=100)), {"launch.yaml": state + "# ahead\n"})
    result = trend(repo.root / "launch.yaml")
    assert result.points[-1].date == today
    assert learn(result)[-1] == 62.5  # the waiver credits nothing, as audit judges it
    assert result.projections[0].verdict != "ready now"


def test_a_stage_the_policy_holds_back_is_not_projected_ready_and_each_breach_is_listed(
    tmp_path: Path,
) -> None:
    # learn: its other item marked n/a (past max_na_share); buy: its blocker marked n/a, a
    # warning fail_on_warnings fails. Both score 100 and closed all their weight, yet audit
    # fails the gate on them; a tier the policy does not allow holds back no one stage.
    policy = (
        "policy:\n  max_na_share: 0.25\n  fail_on_warnings: [blocker-na]\n  allowed_tiers: [2]\n"
    )
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        "2027-01-04",
        {"legal.yaml": CHECKLIST, "launch.yaml": TODO, ".gtm-check.yaml": policy},
    )
    repo.commit(
        "2027-01-11",
        {
            "launch.yaml": launch(
                "legal.trademarks: done\nlegal.privacy: n/a\n"
                "legal.contracts: {status: n/a, note: not sold}\n"
            )
        },
    )
    path = repo.root / "launch.yaml"
    result = trend(path, today=dt.date(2027, 1, 20))
    assert [(p.stage, p.verdict, p.date) for p in result.projections] == [
        (Stage.LEARN, "held back by the policy", None),
        (Stage.BUY, "held back by the policy", None),
    ]
    breaches = [
        "tier 1 (no tier: in the file) is not allowed; the policy allows 2",
        "learn: 1 of the 2 items the launch owes are marked n/a (50%); the policy allows at "
        "most 25%",
        "buy: 1 of the 1 items the launch owes are marked n/a (100%); the policy allows at "
        "most 25%",
        "warning blocker-na: blocker legal.contracts is marked n/a (its note gives why)",
    ]
    assert [b.message for b in result.policy] == breaches
    args = ["trend", str(path), "--as-of", "2027-01-20"]
    out = CliRunner().invoke(app, args).stdout
    assert "learn: held back by the policy (no date: it passes when the policy is met)\n" in out
    listed = "".join(f"  {b}\n" for b in breaches)
    assert f"\nBelow the policy (audit fails the gate on these):\n{listed}" in out
    data = json.loads(CliRunner().invoke(app, [*args, "-f", "json"]).stdout)
    assert data["policy"] == breaches
    assert data["projection"]["buy"]["verdict"] == "held back by the policy"
    audit = CliRunner().invoke(app, ["audit", str(path), "--as-of", "2027-01-20", "--history"])
    assert audit.exit_code == 1
    assert "learn: held back by the policy\nbuy: held back by the policy\n" in audit.stdout


SMALL_LOW = """\
department: ours
name: Ours
items:
  - {id: ours.a, stage: learn, title: A, severity: blocker}
  - {id: ours.f, stage: learn, title: F, severity: low}
"""


@pytest.mark.parametrize(
    ("policy", "approver", "expires"),
    [
        ("waiver_approvers: ['@ok.example']", "x@evil.example", "2027-02-01"),
        ("max_waiver_days: 10", "x@ok.example", "2027-06-01"),
    ],
)
def test_a_waiver_the_policy_refuses_holds_its_stage_back_in_trend_and_diff(
    tmp_path: Path, policy: str, approver: str, expires: str
) -> None:
    # learn scores 83.3 with ours.f open, so only the refused waiver fails the gate; trend
    # said "learn: ready now" and diff "ready" beside it, as for a breach of no stage.
    done = "launch: V\nlaunch_date: 2027-03-01\nchecklists: [./ours.yaml]\n"
    done += "gate: {stages: [learn]}\nitems:\n  ours.a: done\n"
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        "2027-01-01",
        {
            "ours.yaml": SMALL_LOW,
            "launch.yaml": done + "  ours.f: done\n",
            ".gtm-check.yaml": f"policy:\n  {policy}\n",
        },
    )
    waiver = f"waivers: [{{item: ours.f, reason: r, approved_by: {approver}, expires: {expires}}}]"
    repo.commit("2027-01-10", {"launch.yaml": done + "  ours.f: todo\n" + waiver + "\n"})
    path = str(repo.root / "launch.yaml")
    as_of = ["--as-of", "2027-01-15"]
    assert CliRunner().invoke(app, ["audit", path, *as_of]).exit_code == 1
    out = CliRunner().invoke(app, ["trend", path, *as_of]).stdout
    assert "learn: held back by the policy (no date: it passes when the policy is met)\n" in out
    history = CliRunner().invoke(app, ["audit", path, *as_of, "--history"]).stdout
    assert "learn: held back by the policy\n" in history
    diff = CliRunner().invoke(app, ["diff", path, "--since", "HEAD~1", *as_of, "-f", "json"])
    assert json.loads(diff.stdout)["stages"]["learn"]["new_verdict"] == "at-risk"


def test_a_file_name_in_why_there_are_no_points_is_shown_escaped(tmp_path: Path) -> None:
    # "git has no commit of NAME yet" printed the name raw: a terminal escape and line
    # breaks from a file name reached the terminal or the CI log.
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST})
    name = "n\nFORGED\x1b[2J.yaml"
    (repo.root / name).write_text(TODO, encoding="utf-8")
    out = CliRunner().invoke(app, ["trend", "--as-of", "2027-01-20", "--", str(repo.root / name)])
    assert out.exit_code == 0
    second = out.stdout.splitlines()[1]
    assert second.startswith("no points: git has no commit of ")
    assert "n\\nFORGED\\x1b[2J.yaml yet" in second
    assert "\x1b" not in out.stdout and "\nFORGED" not in out.stdout


def test_trend_lists_the_breaches_counting_under_the_policy_hides(tmp_path: Path) -> None:
    """trend counts the launch as the policy lets it (the gate raised, refused waivers
    dropped); a gate below the floor and an outsider's waiver on a done item are breaches
    audit fails the gate on all the same, and trend lists them."""
    policy = (
        "policy:\n  min_score: 80\n  gate_stages: [learn, buy]\n"
        "  waiver_approvers: [vp@x.example]\n"
    )
    waiver = (
        "[{item: legal.privacy, reason: r, approved_by: evil@evil.example, expires: 2027-06-01}]"
    )
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        "2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": TODO, ".gtm-check.yaml": policy}
    )
    done = launch("legal.trademarks: done\nlegal.privacy: done\n", waivers=waiver)
    repo.commit(
        "2027-01-11",
        {"launch.yaml": done.replace("[learn, buy], min_score: 80", "[learn], min_score: 10")},
    )
    result = trend(repo.root / "launch.yaml", today=dt.date(2027, 1, 20))
    breaches = [
        "the gate's min_score 10 is below the policy's 80",
        "the gate must include buy",
        "the waiver for legal.privacy is approved by evil@evil.example, who may not approve "
        "waivers",
    ]
    assert [b.message for b in result.policy] == breaches
    audit = CliRunner().invoke(app, ["audit", str(repo.root / "launch.yaml"), "-f", "json",
                                     "--as-of", "2027-01-20"])  # fmt: skip
    failures = json.loads(audit.stdout)["gate"]["failures"]
    assert [f for f in failures if f.startswith("policy: ")] == [f"policy: {b}" for b in breaches]


def test_a_stage_short_of_a_missed_milestone_is_not_projected_ready_now(tmp_path: Path) -> None:
    # A milestone missed on 2027-01-15 holds back the stages it finds short, and only them.
    repo = GitRepo(tmp_path / "repo")
    beta = "milestones: [{name: beta, date: 2027-01-15, stages: [buy], min_score: 90}]\n"
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": TODO})
    repo.commit(
        "2027-01-11",
        {
            "launch.yaml": launch(
                "legal.trademarks: done\nlegal.privacy: done\n"
                "legal.contracts: {status: todo, due: 2027-01-14}\n",
                extra=beta,
            )
        },
    )
    path = repo.root / "launch.yaml"
    audit = CliRunner().invoke(app, ["audit", str(path), "--as-of", "2027-01-20", "-f", "json"])
    assert json.loads(audit.stdout)["gate"]["failures"][-1] == (
        "beta missed by 5 days: buy 0.0 < 90; buy blocked by 1 open blocker"
    )
    result = trend(path, today=dt.date(2027, 1, 20))
    # learn falls short of nothing beta asks: it stays ready now.
    assert [(p.stage, p.verdict) for p in result.projections][0] == (Stage.LEARN, "ready now")
    # learn alone, at a bar it does not reach: ready for the gate's 60 at 62.5, short of the
    # milestone's 70. It passes when it reaches 70, as audit then finds beta met: the
    # projection carries it to that bar (it was "on track" to the gate's alone, on a day
    # audit still failed on beta).
    repo.commit(
        "2027-01-12",
        {
            "launch.yaml": launch(
                "legal.trademarks: done\nlegal.privacy: todo\nlegal.contracts: done\n",
                extra=beta.replace("[buy], min_score: 90", "[learn], min_score: 70"),
            ).replace("min_score: 80", "min_score: 60")
        },
    )
    result = trend(path, today=dt.date(2027, 1, 20))
    learn = result.projections[0]
    assert (learn.stage, learn.verdict, learn.date) == (
        Stage.LEARN,
        "on track",
        dt.date(2027, 1, 26),
    )
    assert learn.needed == 3  # 0.596 of 8 short of 70%: closed as the one open item, 3
    history = CliRunner().invoke(
        app, ["audit", str(path), "--as-of", "2027-01-20", "--history", "-f", "json"]
    )
    projection = json.loads(history.stdout)["history"]["projection"]
    assert (projection["learn"]["verdict"], projection["learn"]["date"]) == (
        "on track", "2027-01-26",
    )  # fmt: skip
    # Reached on that day, beta is met late and the gate passes; short of it, it fails.
    text = path.read_text(encoding="utf-8")
    on_the_day = ["audit", str(path), "--as-of", "2027-01-26"]
    assert CliRunner().invoke(app, on_the_day).exit_code == 1
    path.write_text(text.replace("legal.privacy: todo", "legal.privacy: done"), "utf-8")
    assert CliRunner().invoke(app, on_the_day).exit_code == 0


BLOCKER_DONE = launch("legal.trademarks: done\nlegal.privacy: done\nlegal.contracts: done\n")
BLOCKER_OPEN = launch("legal.trademarks: todo\nlegal.privacy: done\nlegal.contracts: done\n")


def _history_says(path: Path, *flags: str) -> tuple[str, dict[str, Any]]:
    """``audit --history`` on 2027-01-20 in JSON: the gate's first failure and the
    projection."""
    args = ["audit", str(path), "--history", "--as-of", "2027-01-20", "-f", "json", *flags]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.stderr
    data = json.loads(result.stdout)
    return (data["gate"]["failures"] or ["passed"])[0], data["history"]["projection"]


@pytest.mark.parametrize("how", ["a link in the newest revision", "the newest commit back-dated"])
def test_the_projection_starts_from_the_file_audit_reads(tmp_path: Path, how: str) -> None:
    # learn's blocker was done a week ago and is open in the file audit reads now; the newest
    # revision git gives is the week-old one: the link is skipped, or the back-dated commit
    # joins the first week. The projection must not call learn "ready now".
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": BLOCKER_OPEN})
    repo.commit("2027-01-11", {"launch.yaml": BLOCKER_DONE})
    if how.startswith("a link"):
        (repo.root / "drafts").mkdir()
        (repo.root / "launch.yaml").unlink()
        repo.write("drafts/launch.yaml", BLOCKER_OPEN)  # its checklists: where it is named
        (repo.root / "launch.yaml").symlink_to("drafts/launch.yaml")
        repo.commit("2027-01-18", {})
    else:
        repo.commit("2027-01-05", {"launch.yaml": BLOCKER_OPEN})
    path = repo.root / "launch.yaml"
    failure, projection = _history_says(path)
    assert failure == "learn: blocked by 1 open blocker"
    assert projection["learn"]["verdict"] != "ready now"
    assert projection["learn"]["needed"] == 5.0  # the open blocker of the file audit read
    [learn, _] = trend(path, today=dt.date(2027, 1, 20)).projections
    assert (learn.verdict, learn.needed) == (projection["learn"]["verdict"], 5.0)


def test_the_projection_waits_on_what_fail_on_fails_the_gate_on(tmp_path: Path) -> None:
    # learn's open item is high, not a blocker: under --fail-on high audit fails learn on it,
    # and the projection waits for it; under --fail-on never it waits for the score alone.
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": TODO})
    high_open = launch("legal.trademarks: done\nlegal.privacy: todo\nlegal.contracts: done\n")
    repo.commit("2027-01-11", {"launch.yaml": high_open.replace("min_score: 80", "min_score: 50")})
    path = repo.root / "launch.yaml"
    failure, projection = _history_says(path, "--fail-on", "high")
    assert failure == "learn: 1 open item at high severity or above"
    # 8 open on 01-10, 3 on 01-17 and today: 5 closed in 10 days, 3 to go: 6 days more.
    learn = projection["learn"]
    assert (learn["verdict"], learn["needed"], learn["date"]) == ("on track", 3.0, "2027-01-26")
    passed, projection = _history_says(path)  # by default only a blocker fails it alone
    assert (passed, projection["learn"]["verdict"]) == ("passed", "ready now")


THIRDS = """\
department: team
name: Team
items:
  - {id: team.a, stage: learn, title: A, severity: medium}
  - {id: team.b, stage: learn, title: B, severity: medium}
  - {id: team.c, stage: learn, title: C, severity: medium}
"""


ALMOST = """\
department: team
name: Team
items:
  - {id: team.a, stage: learn, title: A, severity: medium, weight: 1599}
  - {id: team.b, stage: learn, title: B, severity: medium, weight: 401}
"""
"""team.a done is 1,599 of 2,000: 79.95%, which the gate judges as 80.0."""
PRECISE = ALMOST.replace("weight: 1599", "weight: 1").replace(
    "weight: 401", "weight: 0.25078173858661673"
)
"""team.a done is 1 of 1.2507817…: 79.9499999…%, which the gate judges as 79.9, a shortfall
of some 8e-17 weight that the projection, in floats rounded to 9 places, took for none."""


@pytest.mark.parametrize(
    ("checklist", "min_score", "failure", "verdict"),
    [
        (THIRDS, 33.33, "learn: score 33.3 is below 33.33", "on track"),  # 33.33…% is 33.3
        (THIRDS, 33.35, "learn: score 33.3 is below 33.35", "on track"),
        (THIRDS, 33.3, "passed", "ready now"),
        (ALMOST, 80, "passed", "ready now"),
        (PRECISE, 80, "learn: score 79.9 is below 80", "on track"),
    ],
)
def test_the_projection_judges_the_score_to_one_decimal_as_the_gate_does(
    tmp_path: Path, checklist: str, min_score: float, failure: str, verdict: str
) -> None:
    # team.a done: a score the gate judges to one decimal (half up), and so the projection.
    head = "launch: T\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
    head += f"gate: {{stages: [learn], min_score: {min_score}}}\nitems:\n"
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"team.yaml": checklist, "launch.yaml": head + "  team.a: todo\n"})
    repo.commit("2027-01-11", {"launch.yaml": head + "  team.a: done\n"})
    said, projection = _history_says(repo.root / "launch.yaml")
    assert (said, projection["learn"]["verdict"]) == (failure, verdict)


@pytest.mark.parametrize(
    ("policy", "said"),
    [
        ("fail_on_warnings: [done-without-evidence]",
         "policy: warning done-without-evidence: high team.c is done, no evidence"),
        ("allowed_tiers: [1]", "policy: tier 2 is not allowed; the policy allows 1"),
        ("min_score: 90", "policy: the gate's min_score 80 is below the policy's 90"),
        ("gate_stages: [buy]", "policy: the gate must include buy"),
    ],
    ids=[
        "a warning on an ungated stage's item", "a tier not allowed",
        "a gate below the policy's min_score", "a gate without a stage the policy gates",
    ],
)  # fmt: skip
def test_a_breach_of_no_projected_stage_holds_back_every_one(
    tmp_path: Path, policy: str, said: str
) -> None:
    # audit fails the gate on a breach whatever the stages' pace: trend and audit --history
    # said "learn: ready now" beside it, as the breach named buy, which is not gated, or no
    # stage at all.
    team = (
        "department: team\nname: Team\nitems:\n"
        "  - {id: team.a, stage: learn, title: A, severity: high}\n"
        "  - {id: team.c, stage: buy, title: C, severity: high}\n"
    )
    head = "launch: T\nlaunch_date: 2027-03-01\ntier: 2\nchecklists: [./team.yaml]\n"
    head += "gate: {stages: [learn]}\nitems:\n"
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"team.yaml": team, "launch.yaml": head + "  team.a: todo\n"})
    done = "  team.a: {status: done, evidence: https://x.example/a}\n  team.c: done\n"
    repo.commit(
        "2027-01-11", {"launch.yaml": head + done, ".gtm-check.yaml": f"policy:\n  {policy}\n"}
    )
    first, projection = _history_says(repo.root / "launch.yaml")
    assert first == said
    assert "learn" in projection  # and buy, where the policy gates it
    for verdict in projection.values():
        assert (verdict["verdict"], verdict["date"]) == ("held back by the policy", None)


def test_a_gated_stage_with_nothing_to_judge_is_held_back_under_fail_on_warnings(
    tmp_path: Path,
) -> None:
    # use owes nothing (its one item needs a trait), so it passes by default: a warning the
    # policy fails on. The breach names no item, and so no stage: trend and diff said use
    # was ready beside audit failing the gate on it.
    team = (
        "department: team\nname: Team\nitems:\n"
        "  - {id: team.a, stage: learn, title: A, severity: low}\n"
        "  - {id: team.u, stage: use, title: U, severity: low, applies_if: [hardware]}\n"
    )
    head = "launch: T\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
    head += "gate: {stages: [learn, use]}\nitems:\n"
    repo = GitRepo(tmp_path / "repo")
    policy = "policy:\n  fail_on_warnings: [empty-gated-stage]\n"
    repo.commit(
        "2027-01-04",
        {"team.yaml": team, "launch.yaml": head + "  team.a: todo\n", ".gtm-check.yaml": policy},
    )
    repo.commit("2027-01-11", {"launch.yaml": head + "  team.a: done\n"})
    said, projection = _history_says(repo.root / "launch.yaml")
    assert said == (
        "policy: warning empty-gated-stage: the gate checks use, but nothing applies there: "
        "it passes by default"
    )
    assert projection["use"]["verdict"] == "held back by the policy"
    assert projection["learn"]["verdict"] == "ready now"
    repo.write("launch.yaml", head + "  team.a: todo\n")
    args = ["diff", str(repo.root / "launch.yaml"), "--since", "HEAD", "--as-of", "2027-01-20"]
    stages = json.loads(CliRunner().invoke(app, [*args, "-f", "json"]).stdout)["stages"]
    assert (stages["use"]["old_verdict"], stages["use"]["new_verdict"]) == ("at-risk", "at-risk")


def test_trend_lists_a_missed_milestone_of_a_stage_the_gate_does_not_check(
    tmp_path: Path,
) -> None:
    # beta wanted use, which the gate does not check, while audit fails the gate on it: trend
    # lists it, as it lists breaches of the policy, and no gated stage is "ready now" beside
    # it (trend, audit --history and plan --history said so of each).
    repo = GitRepo(tmp_path / "repo")
    beta = "milestones: [{name: beta, date: 2027-01-15, stages: [use], min_score: 50}]\n"
    done = "legal.trademarks: done\nlegal.privacy: done\nlegal.contracts: done\n"
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": TODO})
    repo.commit("2027-01-11", {"launch.yaml": launch(done, extra=beta)})
    path = repo.root / "launch.yaml"
    missed = "beta missed by 5 days: use 0.0 < 50"
    result = trend(path, today=dt.date(2027, 1, 20))
    assert [p.verdict for p in result.projections] == ["short of missed milestone beta"] * 2
    assert [p.date for p in result.projections] == [None, None]
    assert result.missed == [missed]
    plan = ["plan", str(path), "--history", "--as-of", "2027-01-20", "-f", "json"]
    planned = json.loads(CliRunner().invoke(app, plan).stdout)
    assert planned["critical_path"]["ready"] is None
    assert {p["verdict"] for p in planned["history"]["projection"].values()} == {
        "short of missed milestone beta"
    }
    args = ["trend", str(path), "--as-of", "2027-01-20"]
    out = CliRunner().invoke(app, args).stdout
    assert f"\nMissed milestones (audit fails the gate on these):\n  {missed}\n" in out
    data = json.loads(CliRunner().invoke(app, [*args, "-f", "json"]).stdout)
    assert data["missed_milestones"] == [missed]
    markdown = CliRunner().invoke(app, [*args, "-f", "markdown"]).stdout
    assert f"- {missed.replace('<', '&lt;')}" in markdown


def test_a_stage_on_track_beside_a_milestone_missed_on_an_ungated_stage_gets_no_date(
    tmp_path: Path,
) -> None:
    # learn closes an item a week and is on track to the gate's 50 (2026-06-23); beta,
    # missed on grow (not gated), fails the gate until grow meets its bar, which nothing
    # projects: "on track (passes 2026-06-23)" named a day audit still failed on.
    team = "department: team\nname: Team\nitems:\n" + "".join(
        f"  - {{id: team.l{n}, stage: learn, title: L{n}, severity: medium}}\n" for n in range(10)
    )
    team += "  - {id: team.g, stage: grow, title: G, severity: medium}\n"
    head = "launch: D\nlaunch_date: 2026-09-01\nchecklists: [./team.yaml]\n"
    head += "gate: {stages: [learn], min_score: 50}\n"
    head += "milestones: [{name: beta, date: 2026-05-15, stages: [grow], min_score: 50}]\n"
    repo = GitRepo(tmp_path / "repo")
    for done, day in enumerate(["2026-04-27", "2026-05-04", "2026-05-11", "2026-05-18"]):
        items = "".join(f"  team.l{n}: done\n" for n in range(done))
        repo.commit(day, {"team.yaml": team, "launch.yaml": head + "items:\n" + items})
    path = repo.root / "launch.yaml"
    [learn] = trend(path, today=dt.date(2026, 6, 1)).projections
    assert (learn.verdict, learn.date) == ("short of missed milestone beta", None)
    assert learn.rate > 0  # the pace is still there: it names no day


def test_contents_met_again_are_skipped_at_their_own_commit_whatever_the_first_name(
    tmp_path: Path,
) -> None:
    # The reason remembered for contents that do not read named the first revision's commit
    # and path whenever that path held a character messages escape (a tab): the later
    # revision of the same contents was said to be at the earlier one.
    repo = GitRepo(tmp_path / "repo")
    first = repo.commit("2026-12-01", {"tab\there.yaml": "launch: [\n"})
    repo.git("mv", "tab\there.yaml", "launch.yaml")
    repo.git("commit", "-q", "-m", "rename", date="2026-12-02")
    moved = repo.git("rev-parse", "HEAD").strip()
    repo.commit("2026-12-20", {"launch.yaml": "launch: A\nlaunch_date: 2027-03-01\n"})
    result = trend(repo.root / "launch.yaml", today=dt.date(2027, 1, 1), every=Every.commit)
    assert [s.why.split(":")[:2] for s in result.skipped] == [
        [first[:7], "tab\\there.yaml"],
        [moved[:7], "launch.yaml"],
    ]


def test_a_stage_scored_otherwise_today_than_in_the_last_commit_says_so(tmp_path: Path) -> None:
    # The score beside the sparkline was the last commit's (100.0) while audit, reading the
    # file as edited since, said 37.5 and blocked, and the projection started from 37.5.
    team = (
        "department: ops\nname: Ops\nitems:\n"
        "  - {id: ops.a, stage: learn, title: A, severity: blocker}\n"
        "  - {id: ops.b, stage: learn, title: B, severity: high}\n"
    )

    def state(a: str) -> str:
        return (
            "launch: T\nlaunch_date: 2027-06-01\nchecklists: [./team.yaml]\n"
            f"gate: {{stages: [learn]}}\nitems:\n  ops.a: {a}\n  ops.b: done\n"
        )

    repo = GitRepo(tmp_path / "repo")
    repo.commit("2026-10-01", {"team.yaml": team, "launch.yaml": state("todo")})
    repo.commit("2026-10-08", {"launch.yaml": state("done")})
    path = repo.write("launch.yaml", state("todo"))  # not committed
    runner = CliRunner(env={"NO_COLOR": "1"})
    args = ["trend", str(path), "--as-of", "2027-01-15"]
    table = runner.invoke(app, args).stdout
    assert "learn  ▄█ 100.0 · now 37.5\n" in table
    assert "buy    " in table and "· now" not in table.split("buy    ", 1)[1].split("\n")[0]
    data = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    assert data["now"]["learn"] == 37.5 and data["points"][-1]["stages"]["learn"] == 100.0
    markdown = runner.invoke(app, [*args, "-f", "markdown"]).stdout
    assert "Now, in the launch file as audit reads it: learn 37.5\n" in markdown
    # committed as it stands: nothing more to say
    repo.commit("2026-10-15", {"launch.yaml": state("todo")})
    assert "· now" not in runner.invoke(app, args).stdout


def test_the_pace_is_that_of_the_last_four_periods_however_far_apart_the_commits(
    tmp_path: Path,
) -> None:
    # Four monthly commits, the last ten weeks before the as-of date: the pace was taken
    # over the last four points (February to July), and a launch that had closed nothing
    # since May was "on track".
    team = "department: team\nname: Team\nitems:\n" + "".join(
        f"  - {{id: team.i{n}, stage: learn, title: Item {n}, severity: medium}}\n"
        for n in range(10)
    )

    def state(done: int) -> str:
        items = "".join(f"  team.i{n}: {'done' if n < done else 'todo'}\n" for n in range(10))
        return (
            "launch: Demo\nlaunch_date: 2026-12-01\nchecklists: [./team.yaml]\n"
            f"gate: {{stages: [learn], min_score: 80}}\nitems:\n{items}"
        )

    repo = GitRepo(tmp_path / "repo")
    for day, done in (("2026-02-02", 0), ("2026-03-02", 2), ("2026-04-06", 4), ("2026-05-04", 6)):
        repo.commit(day, {"team.yaml": team, "launch.yaml": state(done)})
    path = repo.root / "launch.yaml"
    [learn] = trend(path, every=Every.week, today=dt.date(2026, 7, 15)).projections
    assert (learn.rate, learn.date, learn.verdict) == (0.0, None, "no progress in 4 weeks")
    # An item closed in the last week is the pace of the four weeks that end today.
    repo.commit("2026-07-13", {"launch.yaml": state(7)})
    [learn] = trend(path, every=Every.week, today=dt.date(2026, 7, 15)).projections
    assert learn.rate == pytest.approx(2 / 28)  # one medium item (weight 2) in 28 days
    assert learn.verdict == "on track"


def test_points_are_in_date_order_when_a_commit_is_dated_before_its_parent(
    tmp_path: Path,
) -> None:
    # A newest commit dated before its parents (back-dated, or a clock behind) came last:
    # "2026-11-22 → 2026-10-25", and the last point, its value beside the sparkline, was
    # the oldest week's.
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2026-11-02", {"legal.yaml": CHECKLIST, "launch.yaml": launch("")})
    repo.commit("2026-11-16", {"launch.yaml": launch("legal.trademarks: done\n")})
    repo.commit("2026-10-20", {"launch.yaml": launch("legal.privacy: done\n")})
    result = trend(repo.root / "launch.yaml", every=Every.week, today=dt.date(2026, 12, 1))
    dates = [p.date for p in result.points]
    assert (
        dates
        == sorted(dates)
        == [
            dt.date(2026, 10, 25),
            dt.date(2026, 11, 8),
            dt.date(2026, 11, 22),
        ]
    )
