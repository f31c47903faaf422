"""One test per scoring rule of the README's "Scoring" section; each fails if its rule breaks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gtm_check.model.inputs import Checklist, Gate, Launch
from gtm_check.model.results import Report
from gtm_check.model.vocabulary import Stage, Verdict
from gtm_check.scoring.score import GateOptions, score_launch, score_percent

AS_OF = dt.date(2027, 1, 15)


def item(
    item_id: str, stage: str = "learn", severity: str = "medium", **extra: Any
) -> dict[str, Any]:
    return {
        "id": item_id,
        "stage": stage,
        "title": f"Title of {item_id}",
        "severity": severity,
    } | extra


def audit(
    items: list[dict[str, Any]],
    states: dict[str, Any] | None = None,
    *,
    traits: list[str] | None = None,
    waivers: list[dict[str, Any]] | None = None,
    gate: dict[str, Any] | None = None,
    as_of: dt.date = AS_OF,
    tier: int | None = None,
    options: GateOptions | None = None,
) -> Report:
    by_department: dict[str, list[dict[str, Any]]] = {}
    for entry in items:
        by_department.setdefault(entry["id"].split(".")[0], []).append(entry)
    checklists = [
        Checklist.model_validate({"department": d, "name": d.title(), "items": entries})
        for d, entries in by_department.items()
    ]
    launch = Launch.model_validate(
        {
            "launch": "Test",
            "launch_date": dt.date(2027, 3, 1),
            "traits": traits or [],
            "items": states or {},
            "waivers": waivers or [],
            "gate": gate or {},
        }
        | ({} if tier is None else {"tier": tier})
    )
    return score_launch(launch, checklists, as_of, options=options or GateOptions())


def stage(report: Report, key: str) -> Any:
    return next(s for s in report.stages if s.key == Stage(key))


def waiver(item_id: str, expires: dt.date) -> dict[str, Any]:
    return {"item": item_id, "reason": "r", "approved_by": "vp", "expires": expires}


# --- weights -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "weight"), [("blocker", 5), ("high", 3), ("medium", 2), ("low", 1)]
)
def test_default_weight_comes_from_severity(severity: str, weight: int) -> None:
    report = audit([item("a.x", severity=severity)])
    assert report.items[0].weight == weight


def test_explicit_weight_wins_over_severity() -> None:
    report = audit(
        [item("a.x", severity="low", weight=7), item("a.y", severity="blocker")],
        {"a.x": "done"},
    )
    assert report.items[0].weight == 7
    assert report.overall.score == pytest.approx(100 * 7 / 12, abs=0.05)


def test_score_is_weighted_credited_over_applicable() -> None:
    # high (3) done, medium (2) open, low (1) done: 4 / 6
    report = audit(
        [item("a.x", severity="high"), item("a.y"), item("a.z", severity="low")],
        {"a.x": "done", "a.z": "done"},
    )
    assert report.overall.score == 66.7


def test_score_rounds_half_up_to_one_decimal() -> None:
    # 1 / 16 = 6.25 exactly: half up gives 6.3 where banker's rounding would give 6.2.
    report = audit(
        [item("a.x", severity="low", weight=1), item("a.y", severity="low", weight=15)],
        {"a.x": "done"},
    )
    assert report.overall.score == 6.3


@pytest.mark.parametrize(
    ("credited", "score", "verdict"),
    [(1_599, 80.0, Verdict.READY), (1_598, 79.9, Verdict.AT_RISK)],
)
def test_the_gate_compares_the_score_the_report_shows(
    credited: int, score: float, verdict: Verdict
) -> None:
    # 1,599 of 2,000 is 79.95: shown as 80.0, and an 80.0 meets a min_score of 80. A report
    # that showed 80.0 beside "at-risk, below 80" would contradict itself.
    items = [
        item("a.x", severity="low", weight=credited),
        item("a.y", severity="low", weight=2_000 - credited),
    ]
    report = audit(items, {"a.x": "done"}, gate={"stages": ["learn"], "min_score": 80})
    (stage,) = [s for s in report.stages if s.key == Stage.LEARN]
    assert (stage.score, stage.verdict) == (score, verdict)
    assert report.gate.passed is (verdict == Verdict.READY)


@pytest.mark.parametrize("weights", [(0.7995, 0.2005), (7.995, 2.005), (1_599, 401)])
def test_decimal_weights_score_as_written(weights: tuple[float, float]) -> None:
    # Each pair is exactly 79.95%: 0.7995 as a binary float is just below 0.7995, so that
    # pair showed 79.9 and failed min_score 80 while 7.995/2.005 showed 80.0 and passed.
    items = [
        item("a.x", severity="low", weight=weights[0]),
        item("a.y", severity="low", weight=weights[1]),
    ]
    report = audit(items, {"a.x": "done"}, gate={"stages": ["learn"], "min_score": 80})
    (stage,) = [s for s in report.stages if s.key == Stage.LEARN]
    assert (stage.score, stage.verdict, report.gate.passed) == (80.0, Verdict.READY, True)


def test_a_score_just_below_a_half_rounds_down_however_small_the_gap() -> None:
    # 79.95 x (1 - 1e-300): dividing to Decimal's 28 digits first made it 79.95, shown 80.0
    # and passing an 80 gate, while the trend's exact projection said it did not pass.
    items = [
        item("a.x", severity="low", weight=0.7995),
        item("a.y", severity="low", weight=0.2005),
        item("a.z", severity="low", weight=1e-300),
    ]
    report = audit(items, {"a.x": "done"}, gate={"stages": ["learn"], "min_score": 80})
    (stage,) = [s for s in report.stages if s.key == Stage.LEARN]
    assert (stage.score, stage.verdict, report.gate.passed) == (79.9, Verdict.AT_RISK, False)


def test_fractional_and_whole_weights_score_together_in_any_order() -> None:
    # 0.5 + 0.25 credited of 0.5 + 0.25 + 1.25 + 2 = 0.75 / 4 = 18.75 exactly: 18.8 half up.
    weights = [0.5, 0.25, 1.25, 2]
    done = {"a.w0": "done", "a.w1": "done"}
    forward = [item(f"a.w{n}", weight=w) for n, w in enumerate(weights)]
    assert audit(forward, done).overall.score == 18.8
    assert audit(forward[::-1], done).overall.score == 18.8


# --- applicability -------------------------------------------------------------------------


def test_item_applies_only_when_launch_has_every_trait() -> None:
    items = [item("a.x", applies_if=["saas", "channel-sales"]), item("a.y")]
    assert not audit(items, traits=["saas"]).items[0].applicable
    assert audit(items, traits=["saas", "channel-sales"]).items[0].applicable
    assert audit(items, traits=["saas"]).overall.applicable == 1


def test_not_applicable_status_removes_item_from_scores() -> None:
    report = audit([item("a.x"), item("a.y")], {"a.x": "n/a", "a.y": "done"})
    assert report.overall.score == 100.0
    assert report.overall.applicable == 1
    assert report.gaps == []


def test_unmentioned_item_is_todo_and_open() -> None:
    report = audit([item("a.x")])
    assert report.items[0].status.value == "todo"
    assert [g.id for g in report.gaps] == ["a.x"]


# --- credit ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["todo", "in-progress", "blocked"])
def test_only_done_credits(status: str) -> None:
    report = audit([item("a.x")], {"a.x": status})
    assert report.overall.score == 0.0
    assert report.overall.open == 1


def test_waiver_credits_until_and_including_its_expiry_date() -> None:
    on_the_day = audit([item("a.x")], waivers=[waiver("a.x", AS_OF)])
    assert on_the_day.overall.score == 100.0
    assert on_the_day.gaps == []


def test_expired_waiver_credits_nothing_and_is_reported_expired() -> None:
    report = audit([item("a.x")], waivers=[waiver("a.x", AS_OF - dt.timedelta(days=1))])
    assert report.overall.score == 0.0
    (gap,) = report.gaps
    assert gap.waiver is not None and gap.waiver.expired
    assert report.waivers[0].expired


@pytest.mark.parametrize(
    ("states", "traits", "code", "why"),
    [
        ({"a.x": "done"}, [], "waiver-on-done", "the item is already done"),
        ({"a.x": "n/a"}, [], "waiver-not-applicable", "the item does not apply to this launch"),
        ({}, ["saas"], "waiver-not-applicable", "the item does not apply to this launch"),
    ],
)
def test_a_waiver_that_credits_nothing_is_a_warning_not_an_active_waiver(
    states: dict[str, Any], traits: list[str], code: str, why: str
) -> None:
    report = audit(
        [item("a.x", applies_if={"none": ["saas"]}), item("a.y")],
        states,
        traits=traits,
        waivers=[waiver("a.x", AS_OF + dt.timedelta(days=30)), waiver("a.y", AS_OF)],
    )
    assert [(w.code, w.message) for w in report.warnings if w.code.startswith("waiver-")] == [
        (code, f"the waiver for a.x credits nothing: {why}")
    ]
    assert [(w.item, w.idle) for w in report.waivers] == [("a.x", why), ("a.y", None)]


def test_a_waiver_on_a_done_item_whose_attestation_ran_out_still_credits_it() -> None:
    report = audit(
        [item("a.x", valid_for=30)],
        {"a.x": {"status": "done", "done_on": AS_OF - dt.timedelta(days=31)}},
        waivers=[waiver("a.x", AS_OF)],
    )
    assert report.overall.score == 100.0 and report.waivers[0].idle is None
    assert not [w for w in report.warnings if w.code.startswith("waiver-")]


def test_renewed_waiver_credits_even_beside_an_expired_one() -> None:
    report = audit(
        [item("a.x")],
        waivers=[waiver("a.x", AS_OF - dt.timedelta(days=30)), waiver("a.x", AS_OF)],
    )
    assert report.items[0].credited
    assert report.items[0].waiver is not None and not report.items[0].waiver.expired


# --- overdue -------------------------------------------------------------------------------


def test_overdue_when_open_and_due_before_as_of() -> None:
    report = audit(
        [item("a.x"), item("a.y"), item("a.z")],
        {
            "a.x": {"status": "todo", "due": AS_OF - dt.timedelta(days=3)},
            "a.y": {"status": "todo", "due": AS_OF},
            "a.z": {"status": "done", "due": AS_OF - dt.timedelta(days=3)},
        },
    )
    overdue = {i.id: i.overdue_days for i in report.items}
    assert overdue == {"a.x": 3, "a.y": None, "a.z": None}
    assert report.overall.overdue == 1


# --- sets without applicable items ---------------------------------------------------------


def test_set_with_no_applicable_item_has_no_score_and_is_ready() -> None:
    report = audit([item("a.x", stage="learn")], {"a.x": "done"})
    assert stage(report, "buy").score is None
    assert stage(report, "buy").verdict is Verdict.READY
    assert report.departments[0].stages[Stage.BUY] is None
    assert score_percent([]) is None


# --- verdicts ------------------------------------------------------------------------------


def test_open_blocker_blocks_the_stage_whatever_the_score() -> None:
    items = [item("a.x", severity="blocker", weight=1)] + [
        item(f"a.y{i}", severity="high", weight=100) for i in range(3)
    ]
    report = audit(items, {f"a.y{i}": "done" for i in range(3)})
    learn = stage(report, "learn")
    assert learn.score is not None and learn.score > 99
    assert learn.verdict is Verdict.BLOCKED
    assert learn.open_blockers == 1


def test_score_below_min_score_is_at_risk_and_at_it_is_ready() -> None:
    items = [item("a.x", weight=4), item("a.y", weight=1)]
    assert stage(audit(items, {"a.x": "done"}, gate={"min_score": 80}), "learn").verdict is (
        Verdict.READY
    )
    assert stage(audit(items, {"a.x": "done"}, gate={"min_score": 80.1}), "learn").verdict is (
        Verdict.AT_RISK
    )


def test_waived_blocker_does_not_block() -> None:
    report = audit([item("a.x", severity="blocker")], waivers=[waiver("a.x", AS_OF)])
    assert stage(report, "learn").verdict is Verdict.READY


# --- gate ------------------------------------------------------------------------------------


def test_gate_defaults_to_learn_buy_use_at_80() -> None:
    report = audit([item("a.x", stage="grow")])
    assert report.gate.stages == [Stage.LEARN, Stage.BUY, Stage.USE]
    assert report.gate.min_score == 80
    assert report.gate.passed  # grow is at 0 but not gated


def test_gate_fails_when_a_gated_stage_is_not_ready() -> None:
    report = audit([item("a.x", stage="grow")], gate={"stages": ["grow"]})
    assert not report.gate.passed
    assert report.gate.failures == ["grow: score 0.0 is below 80"]


def test_gate_failure_names_open_blockers() -> None:
    report = audit([item("a.x", stage="buy", severity="blocker"), item("a.y", stage="buy")])
    assert report.gate.failures == ["buy: blocked by 1 open blocker"]


def test_gate_override_replaces_the_launch_gate() -> None:
    items = [item("a.x", stage="grow")]
    launch = Launch.model_validate(
        {"launch": "T", "launch_date": dt.date(2027, 3, 1), "gate": {"stages": ["grow"]}}
    )
    checklist = Checklist.model_validate({"department": "a", "name": "A", "items": items})
    report = score_launch(launch, [checklist], AS_OF, Gate(stages=[Stage.LEARN], min_score=50))
    assert report.gate.passed
    assert report.gate.stages == [Stage.LEARN]
    assert report.gate.min_score == 50


# --- gap order -----------------------------------------------------------------------------


def test_gaps_order_severity_overdue_due_stage_id() -> None:
    items = [
        item("a.low", severity="low"),
        item("a.late2"),
        item("a.late9"),
        item("a.due-soon"),
        item("a.due-later"),
        item("a.no-due-buy", stage="buy"),
        item("a.no-due-learn-b"),
        item("a.no-due-learn-a"),
        item("a.blocker", stage="grow", severity="blocker"),
    ]
    states = {
        "a.late2": {"due": AS_OF - dt.timedelta(days=2)},
        "a.late9": {"due": AS_OF - dt.timedelta(days=9)},
        "a.due-soon": {"due": AS_OF + dt.timedelta(days=1)},
        "a.due-later": {"due": AS_OF + dt.timedelta(days=20)},
    }
    report = audit(items, states)
    assert [g.id for g in report.gaps] == [
        "a.blocker",
        "a.late9",
        "a.late2",
        "a.due-soon",
        "a.due-later",
        "a.no-due-learn-a",
        "a.no-due-learn-b",
        "a.no-due-buy",
        "a.low",
    ]


# --- scores per set and days ---------------------------------------------------------------


def test_department_by_stage_scores() -> None:
    items = [
        item("a.x", stage="learn"),
        item("a.y", stage="buy"),
        item("b.x", stage="learn", severity="high"),
    ]
    report = audit(items, {"a.x": "done", "b.x": "done"})
    a, b = report.departments
    assert (a.key, a.score, a.open) == ("a", 50.0, 1)
    assert a.stages == {Stage.LEARN: 100.0, Stage.BUY: 0.0, Stage.USE: None, Stage.GROW: None}
    assert b.stages[Stage.LEARN] == 100.0
    assert stage(report, "learn").score == 100.0


def test_days_to_launch_from_as_of() -> None:
    assert audit([item("a.x")]).launch.days_to_launch == 45
    assert audit([item("a.x")], as_of=dt.date(2027, 3, 11)).launch.days_to_launch == -10


def test_custom_departments_are_listed_after_builtin_ones() -> None:
    report = audit([item("zeta.x"), item("legal.x"), item("alpha.x")])
    assert [d.key for d in report.departments] == ["legal", "alpha", "zeta"]


# --- tiers, any/none conditions, lead times -------------------------------------------------


def applicable_ids(report: Report) -> list[str]:
    return [i.id for i in report.items if i.applicable]


TIERED = [item("a.every"), item("a.standard", tier=2), item("a.flagship", tier=1)]


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        (None, ["a.every", "a.standard", "a.flagship"]),  # no tier: 1, as before tiers
        (1, ["a.every", "a.standard", "a.flagship"]),
        (2, ["a.every", "a.standard"]),
        (3, ["a.every"]),
    ],
)
def test_an_item_applies_to_launches_of_its_tier_and_larger(
    tier: int | None, expected: list[str]
) -> None:
    assert applicable_ids(audit(TIERED, tier=tier)) == expected


def test_a_tier_does_not_change_the_score_of_what_stays_in_scope() -> None:
    # a.every (2) done, a.standard (2) open: tier 2 scores 50; at tier 3 only a.every: 100.
    states = {"a.every": "done"}
    assert audit(TIERED[:2], states, tier=2).overall.score == 50.0
    assert audit(TIERED[:2], states, tier=3).overall.score == 100.0


CONDITIONS = [
    item("a.list", applies_if=["saas", "subscription"]),
    item("a.all", applies_if={"all": ["saas", "subscription"]}),
    item("a.any", applies_if={"any": ["on-prem", "physical-product"]}),
    item("a.none", applies_if={"none": ["self-serve"]}),
    item("a.mixed", applies_if={
        "all": ["saas"], "any": ["sales-led", "marketplace"], "none": ["regulated"]
    }),
]  # fmt: skip


@pytest.mark.parametrize(
    ("traits", "expected"),
    [
        ([], ["a.none"]),
        (["saas"], ["a.none"]),
        (["saas", "subscription"], ["a.list", "a.all", "a.none"]),
        (["physical-product"], ["a.any", "a.none"]),
        (["on-prem", "physical-product", "self-serve"], ["a.any"]),
        (["saas", "marketplace"], ["a.none", "a.mixed"]),
        (["saas", "sales-led", "regulated"], ["a.none"]),
        (["sales-led", "marketplace"], ["a.none"]),
    ],
)
def test_all_any_and_none_conditions(traits: list[str], expected: list[str]) -> None:
    assert applicable_ids(audit(CONDITIONS, traits=traits)) == expected


def test_the_list_form_means_all_of_these_traits() -> None:
    (listed, mapped) = Checklist.model_validate(
        {"department": "a", "name": "A", "items": CONDITIONS[:2]}
    ).items
    assert listed.applies_if == mapped.applies_if


def test_an_item_out_of_scope_by_tier_and_condition_weighs_nothing() -> None:
    items = [item("a.x", severity="blocker", tier=1, applies_if={"any": ["on-prem"]}), item("a.y")]
    report = audit(items, {"a.y": "done"}, traits=["on-prem"], tier=2)
    assert (report.overall.score, stage(report, "learn").verdict) == (100.0, Verdict.READY)


# The launch is on 2027-03-01; AS_OF is 2027-01-15, 45 days before it.


def test_a_lead_time_gives_the_due_date_when_the_launch_file_gives_none() -> None:
    report = audit([item("a.x", lead_days=42)])
    (gap,) = report.gaps
    assert (gap.due, gap.due_from_lead) == (dt.date(2027, 1, 18), True)
    assert gap.overdue_days is None  # due in 3 days


def test_a_lead_time_makes_an_item_overdue_once_its_date_has_passed() -> None:
    report = audit([item("a.x", lead_days=50)])  # due 2027-01-10, 5 days before AS_OF
    (gap,) = report.gaps
    assert (gap.due, gap.overdue_days) == (dt.date(2027, 1, 10), 5)
    assert report.overall.overdue == 1


def test_the_launch_files_due_date_wins_over_the_lead_time() -> None:
    report = audit([item("a.x", lead_days=50)], {"a.x": {"due": dt.date(2027, 2, 1)}})
    (gap,) = report.gaps
    assert (gap.due, gap.due_from_lead, gap.overdue_days) == (dt.date(2027, 2, 1), False, None)


@pytest.mark.parametrize(
    ("tier", "due", "overdue"),
    [
        (1, dt.date(2026, 12, 1), 45),
        (2, dt.date(2027, 1, 15), None),
        (3, dt.date(2027, 2, 22), None),
    ],
)
def test_a_lead_time_per_tier_dates_the_item_by_the_launchs_tier(
    tier: int, due: dt.date, overdue: int | None
) -> None:
    (gap,) = audit([item("a.x", lead_days={1: 90, 2: 45, 3: 7})], tier=tier).gaps
    assert (gap.due, gap.due_from_lead, gap.overdue_days) == (due, True, overdue)


def test_lead_time_zero_is_due_on_launch_day() -> None:
    (gap,) = audit([item("a.x", lead_days=0)]).gaps
    assert gap.due == dt.date(2027, 3, 1)


def test_a_done_item_with_a_passed_lead_time_is_not_overdue() -> None:
    report = audit([item("a.x", lead_days=50)], {"a.x": "done"})
    assert report.overall.overdue == 0 and report.gaps == []


# --- warnings: legal, but they relax the gate ------------------------------------------------


def codes(report: Report) -> list[tuple[str, str | None]]:
    return [(w.code, w.item) for w in report.warnings]


def learn_gate(
    items: list[dict[str, Any]], states: dict[str, Any] | None = None, **kw: Any
) -> Report:
    """A launch gated on learn only, where every item below is: no empty gated stage."""
    return audit(items, states, gate={"stages": ["learn"]}, **kw)


def test_no_warning_for_an_ordinary_launch() -> None:
    done = {"status": "done", "owner": "o", "evidence": "https://wiki.example/x"}
    report = learn_gate([item("a.x", severity="blocker")], {"a.x": done})
    assert report.warnings == []


def test_a_gated_stage_with_nothing_applicable_is_a_warning() -> None:
    report = audit([item("a.x", stage="learn")], gate={"stages": ["learn", "use"]})
    assert codes(report) == [("empty-gated-stage", None)]
    assert "use" in report.warnings[0].message


def test_a_waiver_on_a_blocker_by_its_own_owner_for_years_gives_three_warnings() -> None:
    report = learn_gate(
        [item("a.x", severity="blocker")],
        {"a.x": {"owner": "Pat@Acme.example"}},
        waivers=[{"item": "a.x", "reason": "r", "approved_by": "pat@acme.example",
                  "expires": dt.date(9999, 12, 31)}],
    )  # fmt: skip
    assert report.gate.passed  # the waiver credits the blocker: the gate passes...
    assert codes(report) == [  # ...and the report says how
        ("waiver-on-blocker", "a.x"),
        ("waiver-by-owner", "a.x"),
        ("long-waiver", "a.x"),
    ]


def test_a_waiver_of_exactly_a_year_is_not_long_and_an_expired_one_warns_nothing() -> None:
    year = AS_OF + dt.timedelta(days=365)
    assert learn_gate([item("a.x")], waivers=[waiver("a.x", year)]).warnings == []
    expired = learn_gate(
        [item("a.x", severity="blocker")], waivers=[waiver("a.x", AS_OF - dt.timedelta(days=1))]
    )
    assert expired.warnings == []


def test_a_blocker_marked_na_is_always_said_and_needs_a_note() -> None:
    # a.y keeps the gated stage from being empty: only the n/a is warned about.
    silent = learn_gate([item("a.x", severity="blocker"), item("a.y")], {"a.x": "n/a"})
    assert codes(silent) == [("blocker-na-without-note", "a.x")]
    noted = learn_gate(
        [item("a.x", severity="blocker"), item("a.y")],
        {"a.x": {"status": "n/a", "note": "No EU sales"}},
    )
    # A note says why, but the blocker still leaves the gate: a policy can fail it.
    assert codes(noted) == [("blocker-na", "a.x")]
    high = learn_gate([item("a.x", severity="high"), item("a.y")], {"a.x": "n/a"})
    assert high.warnings == []


@pytest.mark.parametrize(("weight", "warned"), [(30, False), (31, True), (1000000, True)])
def test_an_explicit_weight_above_ten_times_the_default_is_a_warning(
    weight: int, warned: bool
) -> None:
    report = learn_gate([item("a.x", severity="high", weight=weight), item("a.y")])  # high: 3
    assert codes(report) == ([("heavy-weight", "a.x")] if warned else [])


def test_gate_stages_and_checklists_may_not_be_empty() -> None:
    with pytest.raises(ValueError, match="at least one stage"):
        Gate.model_validate({"stages": []})
    with pytest.raises(ValueError, match="at least one checklist"):
        Launch.model_validate({"launch": "L", "launch_date": AS_OF, "checklists": []})


# --- attestations that expire, evidence, expiring soon -------------------------------------------

SIGN_OFF = item("a.review", severity="high", valid_for=180)  # AS_OF is 2027-01-15


def done_on(day: dt.date, **extra: Any) -> dict[str, Any]:
    return {"status": "done", "done_on": day, "evidence": "https://wiki.example/r"} | extra


def test_an_attestation_counts_through_its_last_day() -> None:
    last_day = AS_OF - dt.timedelta(days=180)  # done 2026-07-19, valid until 2027-01-15
    report = learn_gate([SIGN_OFF], {"a.review": done_on(last_day)})
    assert report.gaps == [] and report.overall.score == 100.0
    assert report.items[0].valid_until == AS_OF


def test_an_attestation_one_day_past_its_last_day_is_open_and_expired() -> None:
    report = learn_gate([SIGN_OFF], {"a.review": done_on(AS_OF - dt.timedelta(days=181))})
    (gap,) = report.gaps
    assert (gap.status.value, gap.expired, gap.valid_until) == (
        "done",
        True,
        AS_OF - dt.timedelta(days=1),
    )
    assert report.overall.score == 0.0


@pytest.mark.parametrize("day", [AS_OF + dt.timedelta(days=1), dt.date(9999, 12, 31)])
def test_an_attestation_dated_after_the_as_of_date_is_open_with_a_warning(day: dt.date) -> None:
    report = learn_gate([SIGN_OFF], {"a.review": done_on(day)})
    (gap,) = report.gaps
    assert (gap.id, gap.dated_ahead, gap.credited, gap.expired) == ("a.review", True, False, False)
    assert report.overall.score == 0.0 and not report.gate.passed
    assert codes(report) == [("attestation-in-the-future", "a.review")]
    assert report.expiring == []


def test_an_attestation_dated_on_the_as_of_date_counts() -> None:
    report = learn_gate([SIGN_OFF], {"a.review": done_on(AS_OF)})
    assert report.gaps == [] and codes(report) == []


def test_a_waiver_on_an_attestation_dated_ahead_credits_it_and_is_not_idle() -> None:
    waiver = {"item": "a.review", "reason": "r", "approved_by": "vp@x.example"}
    report = learn_gate(
        [SIGN_OFF],
        {"a.review": done_on(dt.date(9999, 12, 31))},
        waivers=[waiver | {"expires": AS_OF + dt.timedelta(days=30)}],
    )
    assert report.gaps == []
    assert codes(report) == [("attestation-in-the-future", "a.review")]


def test_an_undated_attestation_is_credited_with_a_warning() -> None:
    report = learn_gate([SIGN_OFF], {"a.review": {"status": "done", "evidence": "x"}})
    assert report.gaps == []
    assert codes(report) == [("undated-attestation", "a.review")]


def test_a_done_blocker_or_high_item_without_evidence_is_a_warning_or_with_the_flag_open() -> None:
    items = [item("a.b", severity="blocker"), item("a.h", severity="high"), item("a.m")]
    states = {"a.b": "done", "a.h": {"status": "done", "evidence": "x"}, "a.m": "done"}
    report = learn_gate(items, states)
    assert report.gaps == [] and codes(report) == [("done-without-evidence", "a.b")]
    checked = audit(
        items, states, gate={"stages": ["learn"]}, options=GateOptions(require_evidence=True)
    )
    assert [(g.id, g.unproven) for g in checked.gaps] == [("a.b", True)]
    assert checked.warnings == [] and not checked.gate.passed


@pytest.mark.parametrize("nothing", [" ", "\t", "\u200b", "\u3164", "\u2800", " \u2060 "])
def test_evidence_or_a_note_that_shows_nothing_is_none(nothing: str) -> None:
    # A diff shows `evidence: " "` as if it were something; the rules do not.
    items = [item("a.b", severity="blocker"), item("a.n", severity="blocker")]
    states = {
        "a.b": {"status": "done", "evidence": nothing},
        "a.n": {"status": "n/a", "note": nothing},
    }
    report = learn_gate(items, states)
    assert codes(report) == [
        ("blocker-na-without-note", "a.n"),
        ("done-without-evidence", "a.b"),
    ]
    checked = audit(
        items, states, gate={"stages": ["learn"]}, options=GateOptions(require_evidence=True)
    )
    assert [(g.id, g.unproven) for g in checked.gaps] == [("a.b", True)]


def test_waivers_and_attestations_expiring_within_the_window_are_listed() -> None:
    items = [item("a.w"), item("a.x"), SIGN_OFF, item("a.late")]
    states = {"a.review": done_on(AS_OF - dt.timedelta(days=177))}  # valid 3 more days
    waivers = [
        waiver("a.w", AS_OF + dt.timedelta(days=14)),  # the window's last day: listed
        waiver("a.x", AS_OF),  # expires today: still counts today, listed with 0 days
        waiver("a.late", AS_OF + dt.timedelta(days=15)),  # outside the window
    ]
    report = learn_gate(items, states, waivers=waivers)
    assert [(e.kind, e.item, e.days_left) for e in report.expiring] == [
        ("waiver", "a.x", 0),
        ("attestation", "a.review", 3),
        ("waiver", "a.w", 14),
    ]
