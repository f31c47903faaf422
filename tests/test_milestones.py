"""Milestones: loading, gating on their dates, the countdown, ``by:``, and every format."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gtm_check.model.inputs import Checklist, Launch
from gtm_check.model.problems import GtmCheckError, closest
from gtm_check.model.results import Report
from gtm_check.model.vocabulary import Stage
from gtm_check.report import RenderOptions
from gtm_check.report.registry import AUDIT, render
from gtm_check.scoring.score import score_launch
from tests.conftest import load

Mini = Callable[[str], Path]

BETA = dt.date(2027, 1, 15)

# learn: a.x blocker 5 done, a.y medium 2 todo, a.z high 3 done: 8 of 10 = 80.0.
CHECKLIST = Checklist.model_validate(
    {
        "department": "a",
        "name": "A",
        "items": [
            {"id": "a.x", "stage": "learn", "title": "X", "severity": "blocker"},
            {"id": "a.y", "stage": "learn", "title": "Y", "severity": "medium"},
            {"id": "a.z", "stage": "learn", "title": "Z", "severity": "high"},
        ],
    }
)


def launch(min_score: float = 90, states: dict[str, Any] | None = None, **extra: Any) -> Launch:
    return Launch.model_validate(
        {
            "launch": "Test",
            "launch_date": dt.date(2027, 3, 1),
            "gate": {"stages": ["learn"], "min_score": 50},
            "milestones": [
                {"name": "beta", "date": BETA, "stages": ["learn"], "min_score": min_score}
            ],
            "items": states or {"a.x": "done", "a.z": "done"},
        }
        | extra
    )


def audit(as_of: dt.date, **kwargs: Any) -> Report:
    return score_launch(launch(**kwargs), [CHECKLIST], as_of)


# --- gating at the boundary dates ------------------------------------------------------------


def test_on_the_milestone_day_it_is_still_upcoming_and_counts_down() -> None:
    report = audit(BETA)
    (beta,) = report.milestones
    assert (beta.status, beta.days, beta.passed) == ("upcoming", 0, False)
    assert report.gate.passed
    assert beta.countdown == "next: beta today; learn 80.0, needs 90"


def test_the_day_after_a_milestone_missed_fails_the_gate() -> None:
    report = audit(BETA + dt.timedelta(days=1))
    (beta,) = report.milestones
    assert (beta.status, beta.days) == ("missed", -1)
    assert not report.gate.passed
    assert report.gate.failures == ["beta missed by 1 day: learn 80.0 < 90"]
    assert report.gate.missed == report.gate.failures


def test_missed_by_three_days() -> None:
    report = audit(BETA + dt.timedelta(days=3))
    assert report.gate.failures == ["beta missed by 3 days: learn 80.0 < 90"]


def test_a_milestone_met_passes() -> None:
    report = audit(BETA + dt.timedelta(days=1), min_score=80)
    (beta,) = report.milestones
    assert (beta.status, beta.passed) == ("met", True)
    assert report.gate.passed and report.gate.failures == []


def test_an_open_blocker_due_by_it_misses_a_milestone_whatever_the_score() -> None:
    states = {"a.y": "done", "a.x": {"due": BETA}}
    report = audit(BETA + dt.timedelta(days=1), min_score=10, states=states)
    assert report.gate.missed == ["beta missed by 1 day: learn blocked by 1 open blocker"]


def test_an_open_blocker_due_after_the_milestone_is_not_its_business() -> None:
    # Due the day after beta, or with no due date at all (launch day): only the gate waits.
    for state in ({"due": BETA + dt.timedelta(days=1)}, "todo"):
        states = {"a.x": state, "a.y": "done", "a.z": "done"}
        report = audit(BETA + dt.timedelta(days=1), min_score=10, states=states)
        (beta,) = report.milestones
        assert (beta.status, beta.shortfalls) == ("met", [])
        assert report.gate.missed == [] and report.stages[0].open_blockers == 1


def test_a_blocker_by_a_milestone_counts_in_any_stage() -> None:
    checklist = CHECKLIST.model_copy(
        update={
            "items": [
                *CHECKLIST.items,
                CHECKLIST.items[0].model_copy(update={"id": "a.w", "stage": Stage.BUY}),
            ]
        }
    )
    states = {"a.x": "done", "a.z": "done", "a.w": {"by": "beta"}}
    report = score_launch(launch(min_score=10, states=states), [checklist], BETA)
    (beta,) = report.milestones
    assert beta.blocking == ["buy blocked by 1 open blocker"]
    assert beta.countdown == "next: beta today; learn 80.0, needs 10; buy blocked by 1 open blocker"


def test_the_countdown_names_each_stage_in_a_sentence() -> None:
    two = [{"name": "beta", "date": BETA, "stages": ["learn", "grow"], "min_score": 50}]
    report = score_launch(launch(milestones=two), [CHECKLIST], BETA - dt.timedelta(days=1))
    assert report.milestones[0].countdown == (
        "next: beta tomorrow; learn 80.0, needs 50; grow owes nothing"
    )


def test_the_countdown_names_the_next_milestone_only() -> None:
    two = [
        {"name": "alpha", "date": dt.date(2027, 1, 3), "stages": ["learn"], "min_score": 50},
        {"name": "beta", "date": BETA, "stages": ["learn"], "min_score": 90},
        {"name": "rc", "date": dt.date(2027, 2, 1), "stages": ["learn"], "min_score": 95},
    ]
    report = score_launch(launch(milestones=two), [CHECKLIST], dt.date(2027, 1, 3))
    assert [m.status for m in report.milestones] == ["upcoming"] * 3
    later = score_launch(launch(milestones=two), [CHECKLIST], dt.date(2027, 1, 4))
    assert [m.status for m in later.milestones] == ["met", "upcoming", "upcoming"]
    assert later.milestones[1].countdown == "next: beta in 11 days; learn 80.0, needs 90"


# --- by: a milestone's date as the due date --------------------------------------------------


def test_an_item_due_by_a_milestone_takes_its_date() -> None:
    states = {"a.x": "done", "a.z": "done", "a.y": {"by": "beta"}}
    on_the_day = audit(BETA, states=states)
    item = next(i for i in on_the_day.items if i.id == "a.y")
    assert (item.due, item.due_from_lead, item.overdue_days) == (BETA, False, None)
    next_day = audit(BETA + dt.timedelta(days=1), states=states)
    assert next(i for i in next_day.items if i.id == "a.y").overdue_days == 1


# --- loading: located problems -----------------------------------------------------------------


def problems(path: Path) -> list[str]:
    with pytest.raises(GtmCheckError) as info:
        load(path)
    folder = str(path.parent) + os.sep
    return [p.render().replace(folder, "") for p in info.value.problems]


MILESTONES = """\
milestones:
  - {name: beta, date: 2027-01-15, stages: [learn], min_score: 70}
"""


def test_unknown_milestone_in_by_has_a_did_you_mean(mini: Mini) -> None:
    path = mini(MILESTONES + "items:\n  legal.trademarks: {by: betta}\n")
    assert problems(path) == ["launch.yaml:7:26: unknown milestone 'betta' (did you mean 'beta'?)"]


def test_by_without_milestones_says_there_are_none(mini: Mini) -> None:
    path = mini("items:\n  legal.trademarks: {by: beta}\n")
    assert problems(path) == [
        "launch.yaml:5:26: unknown milestone 'beta' (the launch file has none)"
    ]


def test_an_unknown_by_names_the_milestones_each_cut_short(mini: Mini) -> None:
    # The hint joined every name whole, on each of up to 1,000 problems: 20 names of 50,000
    # characters made a 1 MB launch print 500 MB of one-megabyte lines.
    long = "m" + "a" * 5_000
    milestones = "milestones:\n" + "".join(
        f"  - {{name: {long}{n}, date: 2027-01-15, stages: [learn], min_score: 70}}\n"
        for n in range(2)
    )
    path = mini(milestones + "items:\n  legal.trademarks: {by: zz}\n")
    [said] = problems(path)
    shown = long[:59] + "…"
    assert said.endswith(f"unknown milestone 'zz' (the milestones: {shown}, {shown})")


def test_a_name_too_long_to_mistype_gets_no_did_you_mean() -> None:
    # Comparing two texts costs the square of their length: 20 hints against names of
    # 10,000 characters took 82 s. A name that long gets no hint, nor is it one.
    long = "m" + "a" * 200
    assert closest(long + "x", [long]) is None
    assert closest("beta", ["betta" + "a" * 200, "bet"]) == "bet"
    assert closest("betta", ["beta"]) == "beta"


def test_due_and_by_together_are_refused(mini: Mini) -> None:
    path = mini(MILESTONES + "items:\n  legal.trademarks: {due: 2027-01-01, by: beta}\n")
    assert problems(path) == [
        "launch.yaml:7:43: legal.trademarks has both due and by: give one due date"
    ]


def test_milestone_names_are_unique_and_dates_before_launch(mini: Mini) -> None:
    path = mini(MILESTONES + "  - {name: beta, date: 2027-03-01, stages: [buy], min_score: 70}\n")
    assert problems(path) == [
        "launch.yaml:6:12: milestone 'beta' is listed twice (first as milestone 1)",
        "launch.yaml:6:24: milestone 'beta' is on 2027-03-01, not before the launch date "
        "2027-03-01: launch day is the gate's",
    ]


def test_a_milestone_needs_stages_and_knows_its_keys(mini: Mini) -> None:
    path = mini(
        "milestones:\n  - {name: beta, date: 2027-01-15, stages: [], min_score: 70, when: x}\n"
    )
    found = problems(path)
    assert len(found) == 2
    assert any("name at least one stage" in p for p in found)
    assert any("unknown key 'when'" in p for p in found)


def test_a_launch_with_milestones_loads(mini: Mini) -> None:
    loaded = load(mini(MILESTONES + "items:\n  legal.trademarks: {by: beta}\n"))
    assert loaded.launch.milestones[0].date == BETA
    assert loaded.launch.items["legal.trademarks"].by == "beta"


# --- every format ------------------------------------------------------------------------------


def rendered(fmt: str, as_of: dt.date) -> str:
    return render(AUDIT, fmt, [audit(as_of)], RenderOptions(width=100))


MISSED = "beta missed by 3 days: learn 80.0 < 90"
COUNTDOWN = "next: beta in 12 days; learn 80.0, needs 90"


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "github"])
def test_every_format_shows_a_missed_milestone_and_the_countdown(fmt: str) -> None:
    escaped = MISSED.replace("<", "&lt;") if fmt in ("markdown", "html") else MISSED
    assert escaped in rendered(fmt, BETA + dt.timedelta(days=3))
    assert COUNTDOWN in rendered(fmt, BETA - dt.timedelta(days=12))


def test_github_annotates_a_missed_milestone_as_an_error() -> None:
    out = rendered("github", BETA + dt.timedelta(days=3))
    assert f"::error title=gtm-check%3A milestone beta missed::{MISSED} [Test (tier 1)]" in out


def test_junit_has_a_failing_case_for_a_missed_milestone() -> None:
    out = rendered("junit", BETA + dt.timedelta(days=3))
    assert 'name="milestone beta (2027-01-15)"' in out
    assert f'<failure message="{MISSED.replace("<", "&lt;")}" type="milestone"' in out
    early = rendered("junit", BETA - dt.timedelta(days=12))
    assert f'<skipped message="{COUNTDOWN}"' in early


def test_json_lists_milestones_only_when_the_launch_has_them() -> None:
    data = json.loads(rendered("json", BETA + dt.timedelta(days=3)))
    assert data["milestones"] == [
        {
            "name": "beta",
            "date": "2027-01-15",
            "stages": ["learn"],
            "min_score": 90,
            "passed": False,
            "status": "missed",
            "days": -3,
        }
    ]
    plain = score_launch(launch(milestones=[]), [CHECKLIST], BETA)
    assert "milestones" not in json.loads(render(AUDIT, "json", [plain], RenderOptions()))


def test_a_portfolio_in_markdown_counts_down_each_launch() -> None:
    reports = [audit(BETA - dt.timedelta(days=12)), audit(BETA + dt.timedelta(days=3))]
    out = render(AUDIT, "markdown", reports, RenderOptions())
    assert f"- **Test**: ⏳ {COUNTDOWN}" in out


def many_missed(count: int, **extra: Any) -> Report:
    """A launch that missed ``count`` milestones, m00, m01 ..., three days ago."""
    milestones = [
        {"name": f"m{n:02d}", "date": BETA, "stages": ["learn"], "min_score": 90}
        for n in range(count)
    ]
    later = BETA + dt.timedelta(days=3)
    return score_launch(launch(milestones=milestones, **extra), [CHECKLIST], later)


def missed_line(n: int) -> str:
    return f"✗ m{n:02d} missed by 3 days: learn 80.0 < 90"


def test_the_table_lists_missed_milestones_up_to_the_limit_and_counts_the_rest() -> None:
    """A launch may miss thousands of milestones: the table lists as many as it lists gaps."""
    report = many_missed(14)
    table = render(AUDIT, "table", [report], RenderOptions(width=120, limit=3))
    reasons = [line.strip() for line in table.splitlines() if line.startswith("  ✗ ")]
    assert reasons == [missed_line(n) for n in range(3)]
    more = "  … 11 more missed milestones: --all lists them, --format markdown lists every one"
    assert more in table.splitlines()
    every = render(AUDIT, "table", [report], RenderOptions(width=120, limit=None))  # --all
    assert [line.strip() for line in every.splitlines() if "✗ m" in line] == [
        missed_line(n) for n in range(14)
    ]
    assert "more missed" not in every
    assert missed_line(13).removeprefix("✗ ").replace("<", "&lt;") in render(
        AUDIT, "markdown", [report], RenderOptions()
    )


def test_a_portfolio_lists_each_launchs_missed_milestones_up_to_the_limit() -> None:
    table = render(
        AUDIT, "table", [many_missed(5), many_missed(2)], RenderOptions(width=400, limit=3)
    )
    first, second = [line for line in table.splitlines() if line.startswith("✗ ")]
    assert first.endswith(
        "m02 missed by 3 days: learn 80.0 < 90; … 2 more missed milestones: "
        "--all lists them, --format markdown lists every one"
    )
    assert "m03" not in first
    assert second.endswith("m01 missed by 3 days: learn 80.0 < 90")


def test_a_gate_failure_of_a_stage_is_listed_whatever_the_limit() -> None:
    blocked = many_missed(4, states={"a.z": "done"})  # a.x, the blocker, open
    table = render(AUDIT, "table", [blocked], RenderOptions(width=120, limit=1))
    reasons = [line.strip() for line in table.splitlines() if line.startswith("  ✗ ")]
    assert reasons == [
        f"✗ {blocked.gate.failed_stages[Stage.LEARN]}",
        "✗ m00 missed by 3 days: learn 30.0 < 90",
    ]
    assert "  … 3 more missed milestones: --all lists them" in table


def test_the_table_counts_what_it_left_out_by_kind() -> None:
    report = many_missed(3)
    breached = ["policy: one", "policy: two"]
    gate = dataclasses.replace(
        report.gate, failures=[*report.gate.failures, *breached], breaches=breached
    )
    table = render(
        AUDIT, "table", [dataclasses.replace(report, gate=gate)], RenderOptions(width=120, limit=2)
    )
    reasons = [line.strip() for line in table.splitlines() if line.startswith("  ✗ ")]
    assert reasons == [missed_line(0), missed_line(1)]
    assert "  … 3 more (1 missed milestone, 2 policy breaches): --all lists them" in table
