"""The weekly commands read as sentences: counts in the right number, the moved launch date
first, each new owner once, and a trend with nothing to draw that says why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gtm_check.model.history import Every, period_end
from gtm_check.model.vocabulary import Stage
from gtm_check.report import RenderOptions
from gtm_check.report.registry import DIFF, TREND, render
from gtm_check.review.diff import DiffRequest, compare
from gtm_check.review.trend import trend
from gtm_check.scoring.diff import _counted
from tests.review.gitrepo import CHECKLIST, GitRepo, launch

BEFORE = launch("""
    legal.trademarks: todo
    legal.privacy: todo
    legal.contracts: todo
""")
AFTER = launch("""
    legal.trademarks: {status: todo, owner: ann}
    legal.privacy: {status: done, owner: ann}
    legal.contracts: todo
""").replace("launch_date: 2027-03-01", "launch_date: 2027-03-15")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": BEFORE})
    repo.commit("2027-01-11", {"launch.yaml": AFTER})
    return repo


def diff_table(repo: GitRepo) -> str:
    path = repo.root / "launch.yaml"
    result = compare(DiffRequest(str(path), since="2027-01-05", as_of=dt.date(2027, 1, 11)))
    return render(DIFF, "table", result, RenderOptions())


def test_the_headline_names_the_moved_launch_date_first_and_each_new_owner_once(
    repo: GitRepo,
) -> None:
    lines = diff_table(repo).splitlines()
    assert lines[1] == (
        "launch date moved 2027-03-01 → 2027-03-15 (14 days later); due dates from lead "
        "times moved with it"
    )
    assert lines[4] == "overall 0.0 → 20.0 · 1 done, 1 new owner"


def test_an_owner_change_names_the_owner_once(repo: GitRepo) -> None:
    table = diff_table(repo)
    (line,) = [x for x in table.splitlines() if x.startswith("  legal.privacy") and "→ ann" in x]
    assert line.count("ann") == 1, line


def test_plural_forms() -> None:
    assert [_counted(1, "waiver lost"), _counted(2, "waiver lost")] == [
        "1 waiver lost",
        "2 waivers lost",
    ]
    assert [_counted(1, "new owner"), _counted(3, "new owner"), _counted(2, "done")] == [
        "1 new owner",
        "3 new owners",
        "2 done",
    ]


def test_a_trend_with_no_revision_in_range_says_why(repo: GitRepo) -> None:
    path = repo.root / "launch.yaml"
    cases = {
        (dt.date(2027, 2, 1), dt.date(2027, 3, 1)): "no points: its last commit is of "
        "2027-01-11, before --since 2027-02-01",
        (None, dt.date(2026, 12, 1)): "no points: its first commit is of 2027-01-04, after "
        "2026-12-01, the date it is scored as of",
    }
    for (since, as_of), said in cases.items():
        text = render(TREND, "table", trend(path, since, today=as_of), RenderOptions())
        assert text.splitlines()[1] == f"{said} · launch 2027-03-15", text
        assert "None" not in text


def test_revisions_dated_after_today_count_as_todays(tmp_path: Path) -> None:
    """Without --as-of, a revision dated ahead (a clock behind, a committer's choice) is
    not left out, nor does it move the date the trend judges on past today: it counts in
    today's period, scored as of today, as audit scores the file."""
    today = dt.date.today()
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        str(today - dt.timedelta(days=14)), {"legal.yaml": CHECKLIST, "launch.yaml": BEFORE}
    )
    repo.commit(str(today + dt.timedelta(days=30)), {"launch.yaml": BEFORE + "# ahead\n"})
    repo.commit(str(today + dt.timedelta(days=60)), {"launch.yaml": AFTER})
    result = trend(repo.root / "launch.yaml")
    assert [p.date for p in result.points] == [
        period_end(today - dt.timedelta(days=14), Every.week),
        today,
    ]
    assert [p.stages[Stage.LEARN].score for p in result.points] == [0.0, 37.5]  # the newest


def test_a_waiver_that_credits_nothing_is_not_newly_waived(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    waiver = "[{item: legal.privacy, reason: r, approved_by: x, expires: 2027-06-01}]"
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": BEFORE})
    repo.commit("2027-01-11", {"launch.yaml": AFTER.replace("waivers: []", f"waivers: {waiver}")})
    path = repo.root / "launch.yaml"
    result = compare(DiffRequest(str(path), since="2027-01-05", as_of=dt.date(2027, 1, 11)))
    assert [c.id for c in result.done] == ["legal.privacy"]
    assert result.waived == []
