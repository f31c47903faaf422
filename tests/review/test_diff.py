"""gtm-check diff over a scripted git history: the lists, the stages and the exit codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from gtm_check.load.checklists import ChecklistReader
from gtm_check.model.problems import OptionError
from gtm_check.review.diff import DiffRequest, compare
from tests.review.gitrepo import CHECKLIST, GitRepo, launch

V1 = launch("""
    legal.trademarks: {status: todo, owner: ann, due: 2027-01-20}
    legal.privacy: done
    legal.contracts: {status: in-progress, owner: bob, due: 2027-02-01}
    legal.sla-terms: todo
""")
V2 = launch(
    """
    legal.trademarks: {status: done, owner: ann}
    legal.privacy: todo
    legal.contracts: {status: blocked, owner: carol, due: 2027-02-15}
    legal.sla-terms: n/a
    """,
    traits="[hardware]",
    waivers="[{item: legal.privacy, reason: r, approved_by: x, expires: 2027-06-01}]",
)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": V1})
    repo.commit("2027-01-06", {"launch.yaml": "items: [\n"})
    repo.commit("2027-01-11", {"launch.yaml": V2})
    return repo


def test_diff_since_a_date_lists_every_change(repo: GitRepo) -> None:
    path = repo.root / "launch.yaml"
    result = compare(DiffRequest(str(path), since="2027-01-05", as_of=dt.date(2027, 1, 11)))
    ids = {key: [c.id for c in changes] for key, _, changes in result.lists()}
    assert ids == {
        "done": ["legal.trademarks"],
        "reopened": ["legal.privacy"],
        "blocked": ["legal.contracts"],
        "overdue": [],
        "waived": ["legal.privacy"],
        "unwaived": [],
        "slipped": ["legal.contracts"],
        "owners": ["legal.contracts"],
        "added": ["legal.export"],
        "removed": ["legal.sla-terms"],
    }
    assert (result.slipped[0].old, result.slipped[0].new) == ("2027-02-01", "2027-02-15")
    assert (result.owners[0].old, result.owners[0].new) == ("bob", "carol")
    assert result.traits_added == ["hardware"]
    # learn: 3 of 8 → trademarks (5) done and privacy (3) waived: 8 of 8.
    learn = result.stages[0]
    assert (learn.old_score, learn.new_score, learn.delta) == (37.5, 100.0, 62.5)
    assert (learn.old_verdict, learn.new_verdict) == ("blocked", "ready")
    assert result.regressions == [
        "legal.privacy reopened",
        "blocker legal.contracts slipped 2027-02-01 → 2027-02-15",
    ]


def test_diff_of_two_revisions_scores_both_on_today(repo: GitRepo) -> None:
    first = repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    path = repo.root / "launch.yaml"
    request = DiffRequest(f"HEAD:{path}", old=f"{first}:{path}", today=dt.date(2027, 1, 15))
    result = compare(request)
    assert (result.new.launch.as_of, result.new_side.date) == (
        dt.date(2027, 1, 15), dt.date(2027, 1, 11),
    )  # fmt: skip
    assert result.new_side.commit == repo.git("rev-parse", "HEAD").strip()
    # The old trademarks item, due 2027-01-20, is not overdue on 2027-01-15.
    assert result.overdue == []


@pytest.mark.parametrize("today", ["2027-01-08", "2027-02-01"], ids=["ahead", "behind"])
def test_a_commit_date_does_not_choose_the_day_a_diff_judges_on(repo: GitRepo, today: str) -> None:
    # The newer commit is dated 2027-01-11: ahead of today, it would judge waivers later;
    # behind it, it would credit an attestation or a waiver that has run out since. Both
    # sides are judged today, as audit judges.
    first = repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    path = repo.root / "launch.yaml"
    day = dt.date.fromisoformat(today)
    result = compare(DiffRequest(f"HEAD:{path}", old=f"{first}:{path}", today=day))
    assert (result.new.launch.as_of, result.old.launch.as_of) == (day, day)
    late = DiffRequest(f"HEAD:{path}", old=f"{first}:{path}", today=day, as_of=dt.date(2027, 3, 1))
    assert compare(late).new.launch.as_of == dt.date(2027, 3, 1)  # --as-of, when given


def test_a_revision_starting_with_a_dash_is_refused(repo: GitRepo) -> None:
    path = repo.root / "launch.yaml"
    with pytest.raises(OptionError, match="is not a revision"):
        compare(DiffRequest(str(path), since="--output=/tmp/x"))


def test_cli_exit_codes_and_formats(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo.root)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    runner = CliRunner()
    args = ["diff", "launch.yaml", "--since", "2027-01-05", "--as-of", "2027-01-11"]
    plain = runner.invoke(app, args)
    assert plain.exit_code == 0, plain.output
    assert "Reopened (1)" in plain.output
    failing = runner.invoke(app, [*args, "--fail-on-regression", "-f", "markdown"])
    assert failing.exit_code == 1
    assert failing.output.startswith("### Demo (tier 1): overall 20.0 → 53.3")
    data = json.loads(runner.invoke(app, [*args, "-f", "json"]).output)
    assert data["stages"]["learn"] == {
        "old": 37.5,
        "new": 100.0,
        "change": 62.5,
        "old_verdict": "blocked",
        "new_verdict": "ready",
        "gated": True,
    }
    assert runner.invoke(app, ["diff", "launch.yaml", "--since", "nope"]).exit_code == 2


def test_ci_compares_with_the_merge_base_of_the_default_branch(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("2027-01-12", {"launch.yaml": V1})
    result = compare(
        DiffRequest(str(repo.root / "launch.yaml"), ci=True, as_of=dt.date(2027, 1, 12))
    )
    assert result.old_side.commit == base
    assert [c.id for c in result.reopened] == ["legal.trademarks"]


def checked_out_like_a_pull_request(repo: GitRepo, *bases: str) -> str:
    """The refs actions/checkout leaves for a pull request with fetch-depth 0: each base
    fetched as origin/NAME, no origin/HEAD, no local branch, HEAD detached. The launch
    file is V1 at the base and V2 in the pull request."""
    base = repo.git("rev-parse", "HEAD~2").strip()
    for name in bases:
        repo.git("update-ref", f"refs/remotes/origin/{name}", base)
    repo.git("checkout", "-q", "--detach")
    repo.git("branch", "-q", "-D", "main")
    return base


def test_ci_compares_with_the_pull_requests_base_as_actions_checkout_fetches_it(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only refs/remotes/origin/main: "no default branch (origin/HEAD, main or master)",
    # so the comment never compared and diff --fail-on-regression failed every run.
    base = checked_out_like_a_pull_request(repo, "main")
    path = str(repo.root / "launch.yaml")
    result = compare(DiffRequest(path, ci=True, as_of=dt.date(2027, 1, 12)))
    assert result.old_side.commit == base
    # The pull request's own base comes first: one into release-2 is compared with it.
    release = repo.commit("2027-01-12", {"launch.yaml": V1})
    repo.git("update-ref", "refs/remotes/origin/release-2", release)
    to_release = DiffRequest(path, ci=True, bases=("release-2",), as_of=dt.date(2027, 1, 12))
    assert compare(to_release).old_side.commit == release
    monkeypatch.chdir(repo.root)
    for name in ("GITHUB_ACTIONS", "GITHUB_BASE_REF", "CI_DEFAULT_BRANCH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "release-2")
    args = ["diff", "launch.yaml", "-f", "json", "--as-of", "2027-01-12"]
    shown = CliRunner().invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["old"]["commit"] == release


def test_a_base_branch_name_is_never_read_as_revision_syntax(repo: GitRepo) -> None:
    # origin/main^ would name the commit before the base: a name git would not allow for a
    # branch is passed over, and the default branch is taken.
    base = checked_out_like_a_pull_request(repo, "main")
    path = str(repo.root / "launch.yaml")
    hostile = ("main^", "main~1", "-x", "main@{1}", "..", "a b", "main:x", "x.lock", "\x1b[1m")
    for name in hostile:
        found = compare(DiffRequest(path, ci=True, bases=(name,), as_of=dt.date(2027, 1, 12)))
        assert found.old_side.commit == base, name
    repo.git("update-ref", "-d", "refs/remotes/origin/main")
    with pytest.raises(OptionError) as raised:
        compare(DiffRequest(path, ci=True, bases=("release",), as_of=dt.date(2027, 1, 12)))
    assert raised.value.message == (
        "no base branch to compare with (looked for origin/release, origin/HEAD, main, "
        "master, origin/main, origin/master): fetch it (actions/checkout: fetch-depth: 0) "
        "or name a revision"
    )


def test_a_stdout_that_cannot_encode_the_arrows_gets_them_in_ascii(repo: GitRepo) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COLUMNS", "CI"))}
    env.pop("GITHUB_ACTIONS", None)
    args = ["diff", "launch.yaml", "--since", "2027-01-05", "--as-of", "2027-01-11"]
    child = subprocess.run(
        [sys.executable, "-m", "gtm_check", *args],
        cwd=repo.root,
        env={**env, "PYTHONIOENCODING": "cp1252", "NO_COLOR": "1"},
        capture_output=True,
        check=False,
    )
    assert (child.returncode, child.stderr) == (0, b"")
    out = child.stdout.decode("ascii")  # nothing but ASCII
    assert "overall 20.0 -> 53.3 - " in out  # not "overall 20.0 ? 53.3 ? "
    assert "learn       37.5   100.0   +62.5  blocked -> ready" in out


LEAD_CHECKLIST = """\
department: legal
name: Legal
items:
  - {id: legal.trademarks, stage: learn, title: Marks, severity: blocker, lead_days: 30}
  - {id: legal.contracts, stage: buy, title: Contracts, severity: blocker, lead_days: 14}
"""


def test_a_moved_launch_date_comes_first_and_its_dates_did_not_slip(tmp_path: Path) -> None:
    (tmp_path / "legal.yaml").write_text(LEAD_CHECKLIST, encoding="utf-8")
    head = "launch: Demo\nchecklists: [./legal.yaml]\nitems:\n"
    old = tmp_path / "old.yaml"
    old.write_text(head + "  legal.contracts: {due: 2027-02-01}\nlaunch_date: 2027-03-01\n")
    new = tmp_path / "new.yaml"
    new.write_text(head + "  legal.contracts: {due: 2027-02-10}\nlaunch_date: 2027-05-03\n")
    result = compare(DiffRequest(str(new), old=str(old), as_of=dt.date(2027, 1, 15)))
    assert result.launch_date == (dt.date(2027, 3, 1), dt.date(2027, 5, 3))
    # legal.trademarks' date came from its lead time and moved with the launch: not a slip;
    # legal.contracts' due: was changed in the file: a slip.
    assert [c.id for c in result.slipped] == ["legal.contracts"]
    moved = (
        "launch date moved 2027-03-01 → 2027-05-03 (63 days later); due dates from lead times "
        "moved with it"
    )
    args = ["diff", str(old), str(new), "--as-of", "2027-01-15"]
    table = CliRunner().invoke(app, args).output
    assert table.splitlines()[1] == moved  # under the launch's name, before anything else
    markdown = CliRunner().invoke(app, [*args, "-f", "markdown"]).output
    assert markdown.splitlines()[2] == f"**{moved[0].upper()}{moved[1:]}.**"
    data = json.loads(CliRunner().invoke(app, [*args, "-f", "json"]).output)
    assert data["launch_date"] == {"old": "2027-03-01", "new": "2027-05-03"}
    same = json.loads(CliRunner().invoke(app, ["diff", str(old), str(old), "-f", "json"]).output)
    assert same["launch_date"] is None


def test_a_due_date_taken_away_slips_to_launch_day(tmp_path: Path) -> None:
    # A blocker's due: removed makes it due on launch day, three years on: diff said "no
    # item changed" and --fail-on-regression passed.
    (tmp_path / "legal.yaml").write_text(CHECKLIST, encoding="utf-8")
    head = "launch: Demo\nchecklists: [./legal.yaml]\nlaunch_date: 2030-01-01\nitems:\n"
    old = tmp_path / "old.yaml"
    old.write_text(head + "  legal.contracts: {status: todo, due: 2027-01-01}\n")
    new = tmp_path / "new.yaml"
    new.write_text(head + "  legal.contracts: todo\n")
    result = compare(DiffRequest(str(new), old=str(old), as_of=dt.date(2026, 12, 1)))
    assert [(c.id, c.old, c.new) for c in result.slipped] == [
        ("legal.contracts", "2027-01-01", "2030-01-01 (launch day)")
    ]
    assert result.regressions == [
        "blocker legal.contracts slipped 2027-01-01 → 2030-01-01 (launch day)"
    ]
    args = ["diff", str(old), str(new), "--as-of", "2026-12-01", "--fail-on-regression"]
    assert CliRunner().invoke(app, args).exit_code == 1
    # A due date set after launch day slipped from launch day; one set before it did not.
    back = compare(DiffRequest(str(old), old=str(new), as_of=dt.date(2026, 12, 1)))
    assert back.slipped == []
    new.write_text(head + "  legal.contracts: {status: todo, due: 2030-02-01}\n")
    late = compare(DiffRequest(str(new), old=str(old), as_of=dt.date(2026, 12, 1)))
    assert [(c.old, c.new) for c in late.slipped] == [("2027-01-01", "2030-02-01")]
    old.write_text(head + "  legal.contracts: todo\n")
    later = compare(DiffRequest(str(new), old=str(old), as_of=dt.date(2026, 12, 1)))
    assert [(c.old, c.new) for c in later.slipped] == [("2030-01-01 (launch day)", "2030-02-01")]
    # Neither side dated: a moved launch is listed as such, not as each item's slip.
    new.write_text(head.replace("2030-01-01", "2030-06-01") + "  legal.contracts: todo\n")
    moved = compare(DiffRequest(str(new), old=str(old), as_of=dt.date(2026, 12, 1)))
    assert moved.slipped == [] and moved.launch_date is not None


# --- Which file each side names ---------------------------------------------------------------


def diff_cli(folder: Path, *args: str) -> tuple[int, str, str]:
    here = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(app, ["diff", *args])
    finally:
        os.chdir(here)
    return result.exit_code, result.stdout, result.stderr


def test_a_side_that_is_a_file_and_a_revision_is_refused_as_ambiguous(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pull request adds a file named like the revision's file, to stand in for it.
    planted = repo.write("HEAD:launch.yaml", V2)
    code, out, err = diff_cli(repo.root, "HEAD:launch.yaml", "launch.yaml")
    assert (code, out) == (2, "")
    assert err == (
        "gtm-check diff: OLD: 'HEAD:launch.yaml' is both a file and a revision's file: write "
        "'./HEAD:launch.yaml' for the file on disk, or 'HEAD:./launch.yaml' for the file in "
        "the revision\n"
    )
    monkeypatch.chdir(repo.root)
    with pytest.raises(OptionError, match="both a file and a revision") as refused:
        compare(DiffRequest("launch.yaml", old=planted.name))
    assert refused.value.option == "OLD"


def test_a_name_that_does_not_read_as_rev_path_gets_the_form_to_write(repo: GitRepo) -> None:
    # "sub/::x.yaml" would be the revision "sub/": no revision's spelling to offer.
    (repo.root / "sub").mkdir()
    repo.write("sub/::x.yaml", V2)
    code, out, err = diff_cli(repo.root, "sub/::x.yaml", "--since", "HEAD")
    assert (code, out) == (2, "")
    assert err == (
        "gtm-check diff: LAUNCH: 'sub/::x.yaml' is both a file and a revision's file: write "
        "'./sub/::x.yaml' for the file on disk, or REV:./PATH for the file in the revision\n"
    )


def test_dot_slash_names_the_file_and_rev_dot_slash_the_revision(repo: GitRepo) -> None:
    repo.write("HEAD~1:launch.yaml", V1)
    args = ("--as-of", "2027-01-11", "-f", "json")
    code, out, err = diff_cli(repo.root, "./HEAD~1:launch.yaml", "launch.yaml", *args)
    assert code == 0, err
    assert json.loads(out)["stages"]["learn"]["old"] == 37.5  # V1, from the file on disk
    code, _, err = diff_cli(repo.root, "HEAD~1:./launch.yaml", "launch.yaml", *args)
    assert code == 2  # the revision's file: the broken one of 2027-01-06
    assert err.startswith(f"{repo.git('rev-parse', '--short=7', 'HEAD~1').strip()}:launch.yaml:")


def test_a_side_starting_with_a_colon_is_a_file(repo: GitRepo) -> None:
    # No revision is empty: ":launch.yaml" can only be a file, never refused as ambiguous
    # with a hint (":./launch.yaml") that names an empty revision.
    repo.write(":launch.yaml", V1)
    args = ("--as-of", "2027-01-11", "-f", "json")
    code, out, err = diff_cli(repo.root, ":launch.yaml", "launch.yaml", *args)
    assert (code, err) == (0, "")
    assert json.loads(out)["stages"]["learn"]["old"] == 37.5  # V1, from the file on disk


def test_a_revision_whose_file_is_a_symbolic_link_is_refused(repo: GitRepo) -> None:
    outside = repo.root.parent / "outside.yaml"
    outside.write_text(V1, encoding="utf-8")
    (repo.root / "launch.yaml").unlink()
    (repo.root / "launch.yaml").symlink_to(outside)
    repo.git("add", "-A", date="2027-01-12")
    repo.git("commit", "-q", "-m", "link", date="2027-01-12")
    assert repo.git("ls-tree", "HEAD", "launch.yaml").startswith("120000 ")
    (repo.root / "launch.yaml").unlink()
    repo.write("launch.yaml", V2)  # the working file is a file again
    short = repo.git("rev-parse", "--short=7", "HEAD").strip()
    code, out, err = diff_cli(repo.root, "HEAD:launch.yaml", "./launch.yaml")
    assert (code, out) == (2, "")
    assert err == (
        f"{short}:launch.yaml:1:1: the file is a symbolic link in this revision; gtm-check "
        "does not read a link's text as a launch file\n"
    )


STRONG = launch("legal.trademarks: done\nlegal.privacy: done\n")
WEAK = launch("legal.trademarks: todo\nlegal.privacy: todo\n")


@pytest.mark.parametrize("linked", ["launch.yaml", "team"])
def test_a_launch_file_made_a_link_has_its_own_history_read_not_the_targets(
    tmp_path: Path, linked: str
) -> None:
    # The base has a strong team/launch.yaml and a weak other/launch.yaml. The pull request
    # reopens an item in the weak one and makes the launch file (or the folder holding it) a
    # link to it: the older side must still be the base's team/launch.yaml.
    repo = GitRepo(tmp_path / "repo")
    for folder in ("team", "other"):
        (repo.root / folder).mkdir()
    base = repo.commit(
        "2027-01-04",
        {
            "team/legal.yaml": CHECKLIST,
            "team/launch.yaml": STRONG,
            "other/legal.yaml": CHECKLIST,
            "other/launch.yaml": WEAK,
        },
    )
    repo.write("other/launch.yaml", launch("legal.trademarks: done\nlegal.privacy: todo\n"))
    if linked == "team":
        for name in ("launch.yaml", "legal.yaml"):
            (repo.root / "team" / name).unlink()
        (repo.root / "team").rmdir()
        (repo.root / "team").symlink_to("other")
    else:
        (repo.root / "team" / "launch.yaml").unlink()
        (repo.root / "team" / "launch.yaml").symlink_to("../other/launch.yaml")
    repo.git("add", "-A", date="2027-01-08")
    repo.git("commit", "-q", "-m", "pr", date="2027-01-08")
    args = ["team/launch.yaml", "--since", base[:7], "--as-of", "2027-01-11"]
    code, out, err = diff_cli(repo.root, *args, "--fail-on-regression")
    assert (code, err) == (1, "")
    assert f"\n{base[:7]}:team/launch.yaml (2027-01-04) → team/launch.yaml (" in out
    assert "legal.privacy reopened" in out
    code, out, err = diff_cli(repo.root, "HEAD:team/launch.yaml", "team/launch.yaml")
    assert (code, out) == (2, "")
    short = repo.git("rev-parse", "--short=7", "HEAD").strip()
    assert err.startswith(
        f"{short}:team/launch.yaml:1:1: the file is a symbolic link in this revision"
        if linked == "launch.yaml"
        else f"{short}:team/launch.yaml:1:1: the file is absent in this revision"
    )


def test_a_commit_dated_before_its_parent_cannot_be_the_older_side_by_date(
    tmp_path: Path,
) -> None:
    # The base is all done; the pull request adds a commit dated 2001 with everything open,
    # then one that reopens an item. By date, the 2001 commit would be the older side and the
    # reopened item no regression.
    repo = GitRepo(tmp_path / "repo")
    base = repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": STRONG})
    forged = repo.commit("2001-09-09", {"launch.yaml": WEAK})
    repo.commit(
        "2027-01-10", {"launch.yaml": launch("legal.trademarks: done\nlegal.privacy: todo\n")}
    )
    for since in ("2027-01-08", "3d"):
        code, out, err = diff_cli(
            repo.root, "launch.yaml", "--since", since, "--as-of", "2027-01-11",
            "--fail-on-regression",
        )  # fmt: skip
        assert (code, out) == (2, "")
        assert err == (
            f"gtm-check diff: --since: commit {forged[:7]} is dated 2001-09-09, before commit "
            f"{base[:7]} (2027-01-04) in its own history: a date cannot say which commit is the "
            "older side when the history's dates run backwards; name a revision (--since main)\n"
        )
    code, out, err = diff_cli(
        repo.root, "launch.yaml", "--since", base[:7], "--as-of", "2027-01-11",
        "--fail-on-regression",
    )  # fmt: skip
    assert (code, err) == (1, "")
    assert "legal.privacy reopened" in out


def _commit_tree(repo: GitRepo, raw_date: str, files: dict[str, str], *parents: str) -> str:
    """A commit of ``files`` on ``parents`` with git's raw committer date, made with
    plumbing: any parents in any order, any date a commit can claim."""
    for name, text in files.items():
        repo.write(name, text)
    repo.git("add", "-A")
    tree = repo.git("write-tree").strip()
    args = [arg for parent in parents for arg in ("-p", parent)]
    done = subprocess.run(
        ["git", "commit-tree", tree, *args, "-m", "c"],
        cwd=repo.root,
        env={**os.environ, "GIT_COMMITTER_DATE": raw_date, "GIT_AUTHOR_DATE": raw_date},
        check=True,
        capture_output=True,
        text=True,
    )
    commit = done.stdout.strip()
    repo.git("reset", "-q", "--soft", commit)
    return commit


def _raw(day: str) -> str:
    return f"{int(dt.datetime.fromisoformat(f'{day}T12:00:00+00:00').timestamp())} +0000"


def _regression_or_refusal(repo: GitRepo) -> tuple[int, str, str]:
    return diff_cli(
        repo.root, "launch.yaml", "--since", "2027-01-08", "--as-of", "2027-01-11",
        "--fail-on-regression",
    )  # fmt: skip


def test_a_commit_back_dated_further_down_its_history_cannot_be_the_older_side(
    tmp_path: Path,
) -> None:
    # The base, all done, is dated 2027-01-09; the pull request's first commit (weak) is
    # dated 2027-01-02 on it, and a second one 2027-01-07 on that: the second is dated
    # after its own parent, and only the first runs backwards.
    repo = GitRepo(tmp_path / "repo")
    base = _commit_tree(repo, _raw("2027-01-09"), {"legal.yaml": CHECKLIST, "launch.yaml": STRONG})
    weak = _commit_tree(repo, _raw("2027-01-02"), {"launch.yaml": WEAK}, base)
    chosen = _commit_tree(repo, _raw("2027-01-07"), {"launch.yaml": WEAK + "# 2\n"}, weak)
    _commit_tree(repo, _raw("2027-01-10"), {"launch.yaml": WEAK + "# 3\n"}, chosen)
    code, out, err = _regression_or_refusal(repo)
    assert (code, out) == (2, "")
    assert err == (
        f"gtm-check diff: --since: commit {chosen[:7]} is dated 2027-01-07, before commit "
        f"{base[:7]} (2027-01-09) in its own history: a date cannot say which commit is the "
        "older side when the history's dates run backwards; name a revision (--since main)\n"
    )


def test_a_commit_standing_on_one_dated_past_9999_cannot_be_the_older_side(
    tmp_path: Path,
) -> None:
    # A date past 9999 is no day gtm-check can use, but it is still after the commit on it.
    repo = GitRepo(tmp_path / "repo")
    stream = b"commit refs/heads/main\ncommitter T <t@e> 253402300800 +0000\ndata 0\n"
    for name, text in (("legal.yaml", CHECKLIST), ("launch.yaml", STRONG)):
        data = text.encode()
        stream += b"M 100644 inline %s\ndata %d\n%s\n" % (name.encode(), len(data), data)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo.root, input=stream, check=True)
    repo.git("reset", "-q", "--hard", "main")  # git commit-tree refuses such a date
    base = repo.git("rev-parse", "HEAD").strip()
    chosen = _commit_tree(repo, _raw("2027-01-07"), {"launch.yaml": WEAK}, base)
    _commit_tree(repo, _raw("2027-01-10"), {"launch.yaml": WEAK + "# 3\n"}, chosen)
    code, out, err = _regression_or_refusal(repo)
    assert (code, out) == (2, "")
    assert f"commit {chosen[:7]} is dated 2027-01-07, before commit {base[:7]} (10000-01-01)" in err


@pytest.mark.parametrize("first", ["branch", "merged"])
def test_a_history_merged_in_makes_a_date_name_no_one_state(tmp_path: Path, first: str) -> None:
    # An unrelated history holding the weak file, dated 2027-01-07, merged into the branch
    # (all done since 2027-01-01) on 2027-01-10, its parents in either order: on 2027-01-08
    # the two lines of work hold different files, and no commit by then joins them.
    repo = GitRepo(tmp_path / "repo")
    base = _commit_tree(repo, _raw("2027-01-01"), {"legal.yaml": CHECKLIST, "launch.yaml": STRONG})
    repo.git("checkout", "-q", "--orphan", "other")
    other = _commit_tree(repo, _raw("2027-01-07"), {"launch.yaml": WEAK})
    repo.git("checkout", "-q", "-f", "main")
    repo.git("reset", "-q", "--hard", base)
    parents = (base, other) if first == "branch" else (other, base)
    _commit_tree(repo, _raw("2027-01-10"), {"launch.yaml": WEAK}, *parents)
    code, out, err = _regression_or_refusal(repo)
    assert (code, out) == (2, "")
    assert err.startswith(
        "gtm-check diff: --since: on 2027-01-08, HEAD's history holds 2 lines of work that no "
        "commit by then joins, with 'launch.yaml' not the same in each: "
    )
    assert f"{base[:7]} (2027-01-01)" in err and f"{other[:7]} (2027-01-07)" in err
    assert err.endswith(
        "a date cannot say which is the older side; name a revision (--since main)\n"
    )


def test_lines_of_work_that_all_lack_the_file_name_one_state(tmp_path: Path) -> None:
    # Absent from both lines on 2027-01-08 is one state: the file did not exist yet.
    repo = GitRepo(tmp_path / "repo")
    base = _commit_tree(repo, _raw("2027-01-01"), {"legal.yaml": CHECKLIST})
    repo.git("checkout", "-q", "--orphan", "other")
    other = _commit_tree(repo, _raw("2027-01-07"), {"notes.txt": "n\n"})
    repo.git("checkout", "-q", "-f", "main")
    repo.git("reset", "-q", "--hard", base)
    _commit_tree(repo, _raw("2027-01-10"), {"launch.yaml": WEAK}, base, other)
    code, out, err = _regression_or_refusal(repo)
    assert (code, out) == (2, "")
    assert "lines of work" not in err
    assert f"{other[:7]}:launch.yaml:1:1: the file is absent in this revision" in err


def test_a_merge_naming_an_old_commit_first_does_not_make_it_the_state_on_a_date(
    tmp_path: Path,
) -> None:
    # Honest dates throughout: a year-old commit (weak), the base on 2027-01-08 on top of it
    # (all done), and the pull request's merge of the two with the old commit as its first
    # parent (git checkout OLD; git merge main). On 2027-01-08 the state was the base's.
    repo = GitRepo(tmp_path / "repo")
    old = _commit_tree(repo, _raw("2026-01-05"), {"legal.yaml": CHECKLIST, "launch.yaml": WEAK})
    base = _commit_tree(repo, _raw("2027-01-08"), {"launch.yaml": STRONG}, old)
    _commit_tree(repo, _raw("2027-01-10"), {"launch.yaml": WEAK}, old, base)
    code, out, err = _regression_or_refusal(repo)
    assert (code, err) == (1, "")
    assert f"{base[:7]}:launch.yaml (2027-01-08)" in out and "legal.privacy reopened" in out


def test_a_date_is_refused_in_a_shallow_clone(tmp_path: Path) -> None:
    # A shallow clone cannot show a back-dated commit's base: the 2001 commit would be taken.
    repo = GitRepo(tmp_path / "repo")
    base = _commit_tree(repo, _raw("2027-01-04"), {"legal.yaml": CHECKLIST, "launch.yaml": STRONG})
    forged = _commit_tree(repo, _raw("2001-09-09"), {"launch.yaml": WEAK}, base)
    _commit_tree(repo, _raw("2027-01-10"), {"launch.yaml": WEAK + "# 3\n"}, forged)
    repo.git("reset", "-q", "--hard")
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo.root}", str(shallow)], check=True
    )
    code, out, err = diff_cli(
        shallow, "launch.yaml", "--since", "2027-01-08", "--as-of", "2027-01-11",
        "--fail-on-regression",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert err == (
        "gtm-check diff: --since: the clone is shallow: without the whole history a date "
        "cannot say which commit is the older side; fetch it all (git fetch --unshallow, or "
        "fetch-depth: 0 in actions/checkout) or name a revision (--since main)\n"
    )
    # A revision still works there.
    code, out, _ = diff_cli(shallow, "launch.yaml", "--since", "HEAD~1", "--as-of", "2027-01-11")
    assert code == 0 and f"{forged[:7]}:launch.yaml" in out


def test_the_dates_of_a_commit_with_thousands_of_parents_are_read_in_one_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each parent's date was one git process: 5,000 parents took 25 s.
    from gtm_check.load import history

    repo = GitRepo(tmp_path / "repo")
    base = repo.commit("2027-01-01", {"legal.yaml": CHECKLIST, "launch.yaml": STRONG})
    stream = b"".join(
        b"commit refs/s/%d\ncommitter T <t@e> %d +0000\ndata 0\n" % (n, 1_790_000_000 + n)
        for n in range(300)
    )  # 300 roots dated 2026-09
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo.root, input=stream, check=True)
    roots = repo.git("for-each-ref", "--format=%(objectname)", "refs/s/").split()
    _commit_tree(repo, _raw("2027-01-07"), {}, base, *roots)  # the base's file, all done
    _commit_tree(
        repo,
        _raw("2027-01-10"),
        {"launch.yaml": WEAK + "# 3\n"},
        repo.git("rev-parse", "HEAD").strip(),
    )
    started: list[Sequence[str]] = []
    command = history.Repository._command

    def counted(self: history.Repository, args: Sequence[str]) -> list[str]:
        started.append(args)
        return command(self, args)

    monkeypatch.setattr(history.Repository, "_command", counted)
    code, out, err = _regression_or_refusal(repo)
    assert (code, err) == (1, "")
    assert "legal.privacy reopened" in out
    assert len(started) < 20  # a fixed number of git processes, not one per parent


def test_a_side_reads_the_repository_where_it_is_named_not_where_a_link_points(
    tmp_path: Path, repo: GitRepo
) -> None:
    other = GitRepo(tmp_path / "other")
    other.commit("2027-01-02", {"legal.yaml": CHECKLIST, "launch.yaml": V1})
    (repo.root / "theirs.yaml").symlink_to(other.root / "launch.yaml")
    code, out, err = diff_cli(repo.root, "HEAD:theirs.yaml", "./launch.yaml")
    assert (code, out) == (2, "")
    # The revision's own theirs.yaml is read (there is none), never the other repository's.
    short = repo.git("rev-parse", "--short=7", "HEAD").strip()
    assert err == f"{short}:theirs.yaml:1:1: the file is absent in this revision\n"
    code, out, err = diff_cli(repo.root, "theirs.yaml", "--since", "2027-01-05")
    assert (code, out) == (2, "")
    assert "leads outside its repository" in err


def test_a_folder_linked_to_another_repository_does_not_lend_it(
    tmp_path: Path, repo: GitRepo
) -> None:
    other = GitRepo(tmp_path / "other")
    other.commit("2027-01-02", {"legal.yaml": CHECKLIST, "launch.yaml": V1})
    (repo.root / "sub").symlink_to(other.root)
    code, out, err = diff_cli(repo.root, "HEAD:sub/launch.yaml", "./launch.yaml")
    assert (code, out) == (2, "")
    short = repo.git("rev-parse", "--short=7", "HEAD").strip()
    assert err == f"{short}:sub/launch.yaml:1:1: the file is absent in this revision\n"


def test_a_checkout_reached_through_a_link_of_the_users_own_is_read(
    tmp_path: Path, repo: GitRepo
) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(repo.root)
    result = compare(
        DiffRequest(str(alias / "launch.yaml"), since="2027-01-05", as_of=dt.date(2027, 1, 11))
    )
    assert [c.id for c in result.done] == ["legal.trademarks"]


# --- The policy: the one audit finds, now, for both sides --------------------------------------

POLICY = "policy:\n  waiver_approvers: ['@acme.example']\n  waive_blockers: false\n"
BASE = launch("""
    legal.trademarks: todo
    legal.privacy: done
""")
OUTSIDER = (
    "{item: legal.trademarks, reason: r, approved_by: evil@evil.example, expires: 2027-06-01}"
)


def test_a_waiver_the_repositorys_policy_refuses_credits_nothing_in_diff(tmp_path: Path) -> None:
    # A pull request waives a blocker, approved by an outsider: audit fails it on the policy,
    # and diff must not show the stage as ready (it did: blocked → ready, the blocker waived).
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        "2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": BASE, ".gtm-check.yaml": POLICY}
    )
    repo.write(
        "launch.yaml",
        launch("legal.trademarks: todo\nlegal.privacy: done\n", waivers=f"[{OUTSIDER}]"),
    )
    code, out, err = diff_cli(
        repo.root, "launch.yaml", "--since", "HEAD", "--as-of", "2027-01-11", "-f", "json"
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    learn = {k: data["stages"]["learn"][k] for k in ("old", "new", "old_verdict", "new_verdict")}
    assert learn == {"old": 37.5, "new": 37.5, "old_verdict": "blocked", "new_verdict": "blocked"}
    assert data["waived"] == []
    code, out, _ = diff_cli(repo.root, "launch.yaml", "--since", "HEAD", "--as-of", "2027-01-11")
    assert "learn       37.5    37.5          blocked\n" in out
    assert "Newly waived" not in out


def test_fail_on_regression_sees_a_waiver_the_policy_file_refuses(tmp_path: Path) -> None:
    # The base's waiver is approved by someone the policy allows; the pull request hands it
    # to an outsider. Under --policy (a file the pull request cannot edit) learn drops.
    allowed = "{item: legal.privacy, reason: r, approved_by: vp@acme.example, expires: 2027-06-01}"
    repo = GitRepo(tmp_path / "repo")
    items = "legal.trademarks: todo\nlegal.privacy: todo\n"
    repo.commit(
        "2027-01-04",
        {"legal.yaml": CHECKLIST, "launch.yaml": launch(items, waivers=f"[{allowed}]")},
    )
    repo.write("launch.yaml", launch(items, waivers=f"[{allowed.replace('vp@acme', 'vp@evil')}]"))
    trusted = tmp_path / "trusted.yaml"
    trusted.write_text(POLICY, encoding="utf-8")
    args = ["launch.yaml", "--since", "HEAD", "--as-of", "2027-01-11", "--fail-on-regression"]
    assert diff_cli(repo.root, *args)[0] == 0  # without the policy: nothing moved
    code, out, err = diff_cli(repo.root, *args, "--policy", str(trusted))
    assert (code, err) == (1, "")
    assert "Regressions: learn dropped 37.5 → 0.0" in out


@pytest.mark.parametrize(
    ("policy", "items", "edit", "breaches"),
    [
        (  # a pull request lowers the gate below the policy's floors
            "policy:\n  min_score: 80\n  gate_stages: [learn, buy]\n",
            "legal.trademarks: done\nlegal.privacy: done\n",
            {"[learn, buy], min_score: 80": "[learn], min_score: 10"},
            ["the gate's min_score 10 is below the policy's 80", "the gate must include buy"],
        ),
        (  # an outsider waives an item already done: no score moves
            POLICY + "  max_waiver_days: 30\n",
            "legal.trademarks: done\nlegal.privacy: done\n",
            {"waivers: []": f"waivers: [{OUTSIDER}]"},
            [
                "the waiver for legal.trademarks is approved by evil@evil.example, who may not "
                "approve waivers",
                "the waiver for legal.trademarks runs 141 days; the longest allowed is 30",
                "legal.trademarks is a blocker; blockers may not be waived",
            ],
        ),
    ],
    ids=["gate below the floor", "refused waiver on a done item"],
)
def test_a_breach_counting_under_the_policy_hides_is_listed_and_a_regression(
    tmp_path: Path, policy: str, items: str, edit: dict[str, str], breaches: list[str]
) -> None:
    """diff counts a launch as the policy lets it (the gate raised, refused waivers
    dropped), which leaves these breaches nothing to show on: audit fails the gate on
    them all the same, so diff lists them and --fail-on-regression fails."""
    repo = GitRepo(tmp_path / "repo")
    base = launch(items)
    repo.commit(
        "2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": base, ".gtm-check.yaml": policy}
    )
    changed = base
    for old, new in edit.items():
        assert old in changed, changed
        changed = changed.replace(old, new)
    repo.write("launch.yaml", changed)
    code, out, err = diff_cli(repo.root, *AGAINST_HEAD)
    assert (code, err) == (1, ""), out
    listed = "".join(f"  {b} (new)\n" for b in breaches)
    assert f"Below the policy (audit fails the gate on these) ({len(breaches)})\n{listed}" in out
    data = json.loads(diff_cli(repo.root, *AGAINST_HEAD, "-f", "json")[1])
    assert data["policy"] == {"new": breaches, "added": breaches}
    assert data["regressions"] == [f"policy: {b}" for b in breaches]
    audit = CliRunner().invoke(app, ["audit", str(repo.root / "launch.yaml"), "-f", "json",
                                     "--as-of", "2027-01-11"])  # fmt: skip
    failures = json.loads(audit.stdout)["gate"]["failures"]
    assert [f for f in failures if f.startswith("policy: ")] == [f"policy: {b}" for b in breaches]


def test_both_sides_are_scored_under_the_working_trees_policy(tmp_path: Path) -> None:
    # The policy is read from disk now, never from the revision: a waiver it refuses
    # credits nothing on the old side either, so adding the policy moves no score.
    repo = GitRepo(tmp_path / "repo")
    waived = launch(BASE.split("items:\n")[1], waivers=f"[{OUTSIDER}]")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": waived})
    repo.write(".gtm-check.yaml", POLICY)
    result = compare(
        DiffRequest(str(repo.root / "launch.yaml"), since="HEAD", as_of=dt.date(2027, 1, 11))
    )
    learn = result.stages[0]
    assert (learn.old_score, learn.new_score, learn.old_verdict, learn.new_verdict) == (
        37.5, 37.5, "blocked", "blocked",
    )  # fmt: skip
    assert not result.changed


@pytest.mark.parametrize("where", ["--policy", ".gtm-check.yaml"])
def test_a_broken_policy_file_stops_diff_with_its_line(tmp_path: Path, where: str) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": BASE})
    broken = repo.write(
        "bad.yaml" if where == "--policy" else ".gtm-check.yaml",
        "policy:\n  waive_blokers: false\n",
    )
    extra = ["--policy", "bad.yaml"] if where == "--policy" else []
    code, out, err = diff_cli(repo.root, "launch.yaml", "--since", "HEAD", *extra)
    assert (code, out) == (2, "")
    shown = broken.name if where == "--policy" else str(broken)
    assert err == f"{shown}:2:3: unknown key 'waive_blokers' (did you mean 'waive_blockers'?)\n"


# --- Every rule audit applies, on both sides -----------------------------------------------------


def _na_share_diff(tmp_path: Path, items: str, old: str, new: str) -> GitRepo:
    """A repository whose policy allows a quarter of a stage n/a, with ``items`` committed
    and ``old`` replaced by ``new`` in the working file."""
    repo = GitRepo(tmp_path / "repo")
    policy = "policy:\n  max_na_share: 0.25\n"
    repo.commit(
        "2027-01-04",
        {"legal.yaml": CHECKLIST, "launch.yaml": launch(items), ".gtm-check.yaml": policy},
    )
    repo.write("launch.yaml", launch(items.replace(old, new)))
    return repo


AGAINST_HEAD = ["launch.yaml", "--since", "HEAD", "--as-of", "2027-01-11", "--fail-on-regression"]


def test_n_a_past_the_policys_share_holds_the_stage_back_and_is_a_regression(
    tmp_path: Path,
) -> None:
    # Marking the stage's other item n/a takes learn to 100 on its score: audit fails the
    # gate on max_na_share, so diff must not show learn ready, and the new breach regresses.
    items = "legal.trademarks: done\nlegal.privacy: todo\nlegal.contracts: done\n"
    repo = _na_share_diff(tmp_path, items, "privacy: todo", "privacy: n/a")
    args = AGAINST_HEAD
    code, out, err = diff_cli(repo.root, *args)
    assert (code, err) == (1, "")
    breach = (
        "learn: 1 of the 2 items the launch owes are marked n/a (50%); the policy allows at "
        "most 25%"
    )
    assert "learn       62.5   100.0   +37.5  at-risk\n" in out
    assert f"Below the policy (audit fails the gate on these) (1)\n  {breach} (new)\n" in out
    assert out.endswith(f"Regressions: policy: {breach}\n")
    data = json.loads(diff_cli(repo.root, *args, "-f", "json")[1])
    assert data["stages"]["learn"]["new_verdict"] == "at-risk"
    assert data["policy"] == {"new": [breach], "added": [breach]}
    assert data["regressions"] == [f"policy: {breach}"]
    markdown = diff_cli(repo.root, *args, "-f", "markdown")[1]
    assert f"#### Below the policy (audit fails the gate on these) (1)\n\n- {breach} (new)\n" in (
        markdown
    )


def test_a_breach_both_sides_have_is_shown_and_not_a_regression(tmp_path: Path) -> None:
    items = "legal.trademarks: done\nlegal.privacy: n/a\nlegal.contracts: todo\n"
    repo = _na_share_diff(tmp_path, items, "contracts: todo", "contracts: done")
    code, out, _ = diff_cli(repo.root, *AGAINST_HEAD)
    assert code == 0
    assert "learn      100.0   100.0          at-risk\n" in out
    assert "marked n/a (50%); the policy allows at most 25%\n" in out  # shown, without (new)
    assert "Regressions" not in out


def test_a_breach_that_names_fewer_is_not_new_and_one_naming_another_is(tmp_path: Path) -> None:
    # The older side lacked two required traits and two gated stages; the newer side mends
    # one of each. Matched by the whole message, each shorter breach was "(new)" and a
    # regression.
    (tmp_path / "legal.yaml").write_text(CHECKLIST, encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "policy:\n  required_traits: [regulated, saas]\n  gate_stages: [learn, buy]\n"
        "  allowed_traits: [saas, regulated, hardware]\n",
        encoding="utf-8",
    )
    head = "launch: Demo\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n"
    old = tmp_path / "old.yaml"
    old.write_text(head + "gate: {stages: [use]}\nitems: {}\n", encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(head + "traits: [saas]\ngate: {stages: [use, learn]}\nitems: {}\n")
    args = ["diff", str(old), str(new), "--as-of", "2027-01-15", "--policy", str(policy)]
    shown = CliRunner().invoke(app, [*args, "--fail-on-regression"])
    assert shown.exit_code == 0, shown.output
    assert "the gate must include buy\n" in shown.output
    assert "the launch must declare the trait regulated\n" in shown.output
    assert "(new)" not in shown.output and "Regressions" not in shown.output
    # The same rule naming one it did not name before is new: a regression.
    new.write_text(head + "traits: [saas]\ngate: {stages: [buy]}\nitems: {}\n")
    old.write_text(head + "traits: [saas]\ngate: {stages: [learn]}\nitems: {}\n")
    worse = CliRunner().invoke(app, [*args, "--fail-on-regression"])
    assert worse.exit_code == 1
    assert "the gate must include learn (new)\n" in worse.output


WORSE_CHECKLIST = """\
department: team
name: Team
items:
  - {id: team.a, stage: learn, title: A, severity: medium}
  - {id: team.b, stage: learn, title: B, severity: medium}
  - {id: team.c, stage: learn, title: C, severity: medium}
  - {id: team.x, stage: learn, title: X, severity: blocker, applies_if: {all: [regulated]}}
  - {id: team.y, stage: buy, title: Y, severity: medium}
  - {id: team.z, stage: buy, title: Z, severity: blocker, applies_if: {all: [regulated]}}
"""


def test_a_gate_already_failing_that_fails_further_is_a_regression(tmp_path: Path) -> None:
    # learn already failed on its score, beta was already missed on learn. The newer side
    # declares a trait that brings two open blockers into scope and closes one item, so
    # learn's score rises: audit newly fails learn on a blocker and beta on buy, yet the
    # diff had no regression and exited 0.
    (tmp_path / "team.yaml").write_text(WORSE_CHECKLIST, encoding="utf-8")
    head = (
        "launch: T\nlaunch_date: 2030-01-01\nchecklists: [./team.yaml]\n"
        "gate: {stages: [learn], min_score: 90}\n"
        "milestones: [{name: beta, date: 2026-06-01, stages: [learn, buy], min_score: 60}]\n"
    )
    old = tmp_path / "old.yaml"
    old.write_text(head + "items: {team.a: done, team.b: todo, team.c: todo, team.y: done}\n")
    new = tmp_path / "new.yaml"
    new.write_text(
        head + "traits: [regulated]\n"
        "items: {team.a: done, team.b: done, team.c: todo, team.y: done}\n"
    )
    result = compare(DiffRequest(str(new), old=str(old), as_of=dt.date(2026, 12, 1)))
    assert result.regressions == [
        "blocker team.x newly fails the gate on learn",
        "milestone beta missed by 183 days: learn 36.4 < 60; buy 28.6 < 60",
    ]
    args = ["diff", str(old), str(new), "--as-of", "2026-12-01", "--fail-on-regression"]
    assert CliRunner().invoke(app, args).exit_code == 1
    # Both sides the same: nothing fails further.
    same = compare(DiffRequest(str(new), old=str(new), as_of=dt.date(2026, 12, 1)))
    assert same.regressions == []
    # The blocker closed on the newer side instead: learn and beta fail no further.
    new.write_text(
        head + "traits: [regulated]\n"
        "items: {team.a: done, team.b: done, team.c: todo, team.y: done, team.x: done,"
        " team.z: done}\n"
    )
    assert (
        compare(DiffRequest(str(new), old=str(old), as_of=dt.date(2026, 12, 1))).regressions == []
    )


def test_a_milestone_missed_further_on_the_same_stage_is_a_regression(tmp_path: Path) -> None:
    # beta, already missed on buy (not gated), drops the waiver of a second blocker due by
    # it ("1 open blocker" becomes 2), or its buy score falls further below the bar: diff
    # exited 0, where the same on a gated stage is a regression.
    checklist = (
        "department: team\nname: Team\nitems:\n"
        "  - {id: team.a, stage: learn, title: A, severity: low}\n"
        "  - {id: team.b, stage: buy, title: B, severity: blocker}\n"
        "  - {id: team.c, stage: buy, title: C, severity: blocker}\n"
        "  - {id: team.d, stage: buy, title: D, severity: low}\n"
    )
    (tmp_path / "team.yaml").write_text(checklist, encoding="utf-8")
    head = (
        "launch: T\nlaunch_date: 2030-01-01\nchecklists: [./team.yaml]\n"
        "gate: {stages: [learn], min_score: 10}\n"
        "milestones: [{name: beta, date: 2026-06-01, stages: [buy], min_score: 10}]\n"
    )
    waiver = "waivers: [{item: team.c, reason: r, approved_by: vp, expires: 2027-06-01}]\n"
    items = "items: {team.a: done, team.b: {status: todo, due: 2026-05-01}, team.d: done, "
    old = tmp_path / "old.yaml"
    old.write_text(head + waiver + items + "team.c: {status: todo, due: 2026-05-01}}\n")
    new = tmp_path / "new.yaml"
    new.write_text(head + items + "team.c: {status: todo, due: 2026-05-01}}\n")
    day = dt.date(2026, 12, 1)
    result = compare(DiffRequest(str(new), old=str(old), as_of=day))
    assert result.regressions == [
        "milestone beta missed by 183 days: buy 9.1 < 10; buy blocked by 2 open blockers"
    ]
    # Nothing changed on either side: not missed further.
    assert compare(DiffRequest(str(old), old=str(old), as_of=day)).regressions == []
    # Fewer open blockers due by it: less far, not a regression.
    assert compare(DiffRequest(str(old), old=str(new), as_of=day)).regressions == []


TEAM = "department: team\nname: Team\nitems:\n" + "".join(
    f"  - id: team.i{n}\n    stage: learn\n    title: Thing {n}\n    severity: low\n"
    for n in range(200)
)


def test_items_of_a_checklist_of_its_own_do_not_make_the_required_ones_ready_in_diff(
    tmp_path: Path,
) -> None:
    # The pull request drops the waivers the required items passed on, and loads a
    # checklist of its own with 200 done items: learn's score rises, audit fails the gate
    # (the required items on their own fall below min_score), and so must the diff.
    repo = GitRepo(tmp_path / "repo")
    policy = (
        "policy:\n  min_score: 90\n  required_checklists: [product-management]\n"
        "  waiver_approvers: ['@acme.example']\n"
    )
    open_ = ["product-management.launch-tier", "product-management.customer-notifications"]
    waivers = ", ".join(
        f"{{item: {i}, reason: r, approved_by: vp@acme.example, expires: 2027-02-01}}"
        for i in open_
    )
    header = (
        "launch: Demo\nlaunch_date: 2027-03-01\ntier: 3\ngate: {stages: [learn], min_score: 90}\n"
    )
    learn = _learn_items("product-management")
    done = "".join(f"  {i}: {'todo' if i in open_ else 'done'}\n" for i in learn)
    repo.commit(
        "2027-01-04",
        {
            "launch.yaml": f"{header}checklists: [product-management]\nwaivers: [{waivers}]\n"
            f"items:\n{done}",
            ".gtm-check.yaml": policy,
        },
    )
    padded = "".join(f"  team.i{n}: done\n" for n in range(200))
    repo.write("team.yaml", TEAM)
    repo.write(
        "launch.yaml",
        f"{header}checklists: [product-management, ./team.yaml]\nwaivers: []\n"
        f"items:\n{done}{padded}",
    )
    code, out, err = diff_cli(repo.root, *AGAINST_HEAD, "-f", "json")
    assert (code, err) == (1, "")
    data = json.loads(out)
    stage = data["stages"]["learn"]
    assert stage["new"] > 90 and stage["new_verdict"] == "at-risk"
    [breach] = data["policy"]["added"]
    assert breach.startswith("learn: the items of the required checklists score ")
    assert data["regressions"] == [f"policy: {breach}"]


def _learn_items(department: str) -> list[str]:
    """The ids of a built-in checklist's learn items that a tier 3 launch owes."""
    [loaded] = ChecklistReader().builtin([department])
    return [i.id for i in loaded.checklist.items if i.stage == "learn" and i.owed_by(set(), 3)]


def test_a_launch_link_out_of_a_repository_with_no_commits_is_refused_as_a_link(
    tmp_path: Path,
) -> None:
    # The link is what is wrong, whatever the history: it is said first, not "no commits".
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "launch.yaml").write_text(BASE, encoding="utf-8")
    repo = GitRepo(tmp_path / "repo")
    (repo.root / "launch.yaml").symlink_to(outside / "launch.yaml")
    code, out, err = diff_cli(repo.root, "launch.yaml")
    assert (code, out) == (2, "")
    assert err == (
        "launch.yaml:1:1: the launch file leads outside its repository through a symbolic "
        "link (pass --allow-outside to read it anyway)\n"
    )


def test_a_warning_the_policy_fails_on_holds_its_items_stage_back_in_diff(tmp_path: Path) -> None:
    # buy's only blocker marked n/a: the stage scores nothing owed and shows ready, but
    # fail_on_warnings fails the gate on blocker-na, so diff shows it held back.
    repo = GitRepo(tmp_path / "repo")
    items = "legal.trademarks: done\nlegal.privacy: done\nlegal.contracts: todo\n"
    repo.commit(
        "2027-01-04",
        {
            "legal.yaml": CHECKLIST,
            "launch.yaml": launch(items),
            ".gtm-check.yaml": "policy: {fail_on_warnings: [blocker-na]}\n",
        },
    )
    repo.write("launch.yaml", launch(items.replace("todo", "{status: n/a, note: not sold}")))
    code, out, _ = diff_cli(repo.root, *AGAINST_HEAD, "-f", "json")
    data = json.loads(out)
    assert code == 1
    buy = data["stages"]["buy"]
    assert (buy["old_verdict"], buy["new_verdict"]) == ("blocked", "at-risk")
    breach = "warning blocker-na: blocker legal.contracts is marked n/a (its note gives why)"
    assert data["regressions"] == [f"policy: {breach}"]


def test_dot_slash_dash_is_the_file_called_dash_on_either_side(tmp_path: Path) -> None:
    # Path("./-") is "-": the newer side was standard input, the older the committed file.
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "-": V1})
    repo.write("-", V2)
    with (repo.root / "launch.yaml").open("w") as stdin_text:
        stdin_text.write(V1)
    with (repo.root / "launch.yaml").open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "gtm_check", "diff", "--since", "HEAD", "-f", "json"]
            + ["--as-of", "2027-01-11", "--", "./-"],
            cwd=repo.root,
            stdin=stdin,
            capture_output=True,
            text=True,
        )
    assert (done.returncode, done.stderr) == (0, "")
    assert [c["id"] for c in json.loads(done.stdout)["done"]] == ["legal.trademarks"]


def test_a_milestone_the_newer_side_misses_is_listed_and_a_regression(tmp_path: Path) -> None:
    # Raising a past milestone's bar above where learn stands moves no score and no item,
    # but audit now fails the gate on the missed milestone: diff lists it, and it regresses.
    repo = GitRepo(tmp_path / "repo")
    items = "legal.trademarks: done\nlegal.privacy: todo\nlegal.contracts: done\n"
    beta = "milestones: [{{name: beta, date: 2027-01-05, stages: [learn], min_score: {}}}]\n"
    repo.commit(
        "2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": launch(items, extra=beta.format(50))}
    )
    repo.write("launch.yaml", launch(items, extra=beta.format(70)))
    missed = "beta missed by 6 days: learn 62.5 < 70"
    code, out, err = diff_cli(repo.root, *AGAINST_HEAD)
    assert (code, err) == (1, ""), out
    assert f"Missed milestones (audit fails the gate on these) (1)\n  {missed} (new)\n" in out
    assert f"Regressions: milestone {missed}\n" in out
    data = json.loads(diff_cli(repo.root, *AGAINST_HEAD, "-f", "json")[1])
    assert data["missed_milestones"] == {"new": [missed], "added": [missed]}
    assert data["regressions"] == [f"milestone {missed}"]
    markdown = diff_cli(repo.root, *AGAINST_HEAD, "-f", "markdown")[1]
    shown = missed.replace("<", "&lt;")
    assert f"**Regressions:** milestone {shown}\n" in markdown
    assert f"#### Missed milestones (audit fails the gate on these) (1)\n\n- {shown} (new)\n" in (
        markdown
    )
    # Missed on both sides: listed, and no regression.
    repo.commit("2027-01-05", {})
    code, out, _ = diff_cli(repo.root, *AGAINST_HEAD)
    assert code == 0, out
    assert f"  {missed}\n" in out and "(new)" not in out and "Regressions" not in out


SIGNED = """\
department: team
name: Team
items:
  - {id: team.b, stage: learn, title: B, severity: blocker, valid_for: 365}
  - {id: team.x, stage: learn, title: X, severity: blocker, applies_if: [extra]}
  - {id: team.m, stage: learn, title: M, severity: medium}
  - {id: team.n, stage: learn, title: N, severity: medium}
  - {id: team.o, stage: learn, title: O, severity: medium}
  - {id: team.p, stage: learn, title: P, severity: medium}
"""
SIGNED_BASE = """\
launch: T
launch_date: 2027-03-01
checklists: [./team.yaml]
traits: []
gate: {stages: [learn], min_score: 30}
waivers: []
items:
  team.b: {status: done, done_on: 2026-12-01, evidence: https://x.example/b}
"""
SIGNED_DONE = "team.b: {status: done, done_on: 2026-12-01, evidence: https://x.example/b}"
WAIVER = "waivers: [{item: team.b, reason: r, approved_by: a@x.example, expires: 2027-06-01}]"
MEDIUMS_DONE = "  team.m: done\n  team.n: done\n  team.o: done\n  team.p: done\n"


@pytest.mark.parametrize(
    ("edit", "listed"),
    [
        (  # the blocker's sign-off re-dated past its valid_for: done as written, not counted
            {"done_on: 2026-12-01": "done_on: 2025-06-01"},
            "Reopened (1)\n  team.b [blocker, learn] B: done → expired (done 2025-06-01, "
            "valid until 2026-06-01)\n",
        ),
        (  # a trait brings an open blocker into scope
            {"traits: []": "traits: [extra]"},
            "Added to scope (1)\n  team.x [blocker, learn] X\n",
        ),
        (  # the waiver that credited the open blocker removed
            {WAIVER: "waivers: []"},
            "Waivers expired or removed (1)\n  team.b [blocker, learn] B: removed\n",
        ),
    ],
)
def test_a_gated_stage_that_newly_fails_the_gate_is_a_regression_whatever_its_score(
    tmp_path: Path, edit: dict[str, str], listed: str
) -> None:
    # Four medium items closed in the same change lift learn's score, so it does not drop;
    # but audit's gate newly fails on learn's open blocker, and so must the diff's.
    repo = GitRepo(tmp_path / "repo")
    base = SIGNED_BASE
    if WAIVER in edit:
        base = base.replace("waivers: []", WAIVER).replace(SIGNED_DONE, "team.b: todo")
    repo.commit("2027-01-04", {"team.yaml": SIGNED, "launch.yaml": base})
    changed = base + MEDIUMS_DONE
    for old, new in edit.items():
        assert old in changed
        changed = changed.replace(old, new)
    repo.write("launch.yaml", changed)
    args = ["launch.yaml", "--since", "HEAD", "--as-of", "2027-01-23", "--fail-on-regression"]
    code, out, err = diff_cli(repo.root, *args)
    assert (code, err) == (1, ""), out
    assert "learn      " in out and "ready → blocked\n" in out
    assert listed in out
    regression = "learn newly fails the gate: learn: blocked by 1 open blocker"
    assert regression in json.loads(diff_cli(repo.root, *args, "-f", "json")[1])["regressions"]
    audit = CliRunner().invoke(app, ["audit", str(repo.root / "launch.yaml"), "--as-of",
                                     "2027-01-23"])  # fmt: skip
    assert audit.exit_code == 1 and "✗ learn: blocked by 1 open blocker" in audit.stdout


@pytest.mark.parametrize("side", ["HEAD:", "HEAD:.", "HEAD:./"])
def test_a_revision_side_with_no_file_says_so(repo: GitRepo, side: str) -> None:
    code, out, err = diff_cli(repo.root, side, "launch.yaml")
    assert (code, out) == (2, "")
    assert err == (
        f"gtm-check diff: OLD: '{side}' names no file after the ':': write REV:path, e.g. "
        "HEAD:launch.yaml\n"
    )


@pytest.mark.parametrize("since", [["--since", "7d"], []])
def test_days_ago_count_back_from_the_as_of_date(
    repo: GitRepo, since: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A past week's review: "7d" (and the default week, outside CI) is 7 days before the
    # day both sides are judged on, not before the clock's today (where no commit was yet).
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    first = repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    args = ["launch.yaml", *since, "--as-of", "2027-01-12", "-f", "json"]
    code, out, err = diff_cli(repo.root, *args)
    assert code == 0, err
    assert json.loads(out)["old"]["commit"] == first  # 2027-01-04, the last by 2027-01-05


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--as-of", "0001-01-03"], "--as-of: 7 days before 0001-01-03"),
        (["--since", "99999d", "--as-of", "0100-01-01"], "--since: 99999 days before 0100-01-01"),
    ],
)
def test_days_before_the_calendar_are_an_option_error(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, args: list[str], said: str
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code, out, err = diff_cli(repo.root, "launch.yaml", *args)
    assert (code, out) == (2, "")
    assert err == f"gtm-check diff: {said} is before the first day of the calendar\n"
