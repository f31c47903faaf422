"""The critical path of a small launch whose every date was worked out by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gtm_check.model.history import History, Projection
from gtm_check.model.inputs import Checklist, Launch
from gtm_check.model.plan import CriticalPath, Outlook
from gtm_check.model.vocabulary import Stage
from gtm_check.scoring.critical_path import critical_path, outlook
from gtm_check.scoring.score import score_launch

LAUNCH = dt.date(2027, 3, 1)
AS_OF = dt.date(2027, 1, 31)


def _item(key: str, stage: str, **extra: Any) -> dict[str, Any]:
    return {"id": f"a.{key}", "stage": stage, "title": key.title(), "severity": "high"} | extra


# Launch 2027-03-01, tier 2, as of 2027-01-31; the gate: learn, buy, use. By hand:
#
# item         lead      requires     due (needed by)         earliest                latest  slack
# a.legal      30        -            01-30                   01-31 (today)           01-22    -9
# a.contracts  20        a.legal      02-01 (launch file)     01-31 + 30-20 = 02-10   02-01    -9
# a.undated    -         a.contracts  03-01 (launch day)      02-10 + 20-0  = 03-02   03-01    -1
# a.post       -         a.legal      03-10 (launch file)     01-31 + 30-0  = 03-02   03-10     8
# a.kit        30        -            done: holds nothing back
# a.train      21        a.kit        02-08                   01-31                   02-08     8
# a.site       {1:14, 2:7, 3:3}       02-22 (tier 2: 7)       01-31                   02-22    22
# a.grow       45 (grow: not gated)   01-15                   01-31                   01-15   -16
#
# a.legal's latest: a.contracts needs it by 02-01 - 10 = 01-22 (before its own 01-30).
# The launch can be ready when a.contracts, 9 days late, can be: 2027-03-10. a.grow is later
# against its date but its stage is not gated; a.post is due after launch day.
CHECKLIST = Checklist.model_validate(
    {
        "department": "a",
        "name": "A",
        "items": [
            _item("legal", "learn", lead_days=30),
            _item("contracts", "buy", lead_days=20, requires=["a.legal"]),
            _item("undated", "use", requires=["a.contracts"]),
            _item("post", "use", requires=["a.legal"]),
            _item("kit", "learn", lead_days=30),
            _item("train", "learn", lead_days=21, requires=["a.kit"]),
            _item("site", "learn", lead_days={1: 14, 2: 7, 3: 3}),
            _item("grow", "grow", lead_days=45),
        ],
    }
)


def small_launch(states: dict[str, Any] | None = None) -> Launch:
    """The launch of the table above (its states unless ``states`` replaces them)."""
    return Launch.model_validate(
        {
            "launch": "Small",
            "launch_date": LAUNCH,
            "tier": 2,
            "items": states
            if states is not None
            else {
                "a.contracts": {"due": dt.date(2027, 2, 1)},
                "a.post": {"due": dt.date(2027, 3, 10)},
                "a.kit": "done",
            },
        }
    )


def plan(states: dict[str, Any] | None = None, as_of: dt.date = AS_OF) -> CriticalPath:
    return critical_path(score_launch(small_launch(states), [CHECKLIST], as_of), [CHECKLIST])


def test_the_chain_that_decides_the_date_and_when_it_ends() -> None:
    path = plan()
    assert path.ready == dt.date(2027, 3, 10) and path.days_after_launch == 9
    assert [p.item.id for p in path.chain] == ["a.legal", "a.contracts"]
    assert [(p.late, p.item.owner) for p in path.chain] == [(1, None), (9, None)]
    assert path.summary == (
        "critical path ends 2027-03-10, 9 days after launch: a.legal → a.contracts"
    )


def test_every_open_item_has_the_slack_worked_out_by_hand() -> None:
    path = plan()
    found = {p.item.id: (p.needed_by, p.earliest, p.latest, p.slack) for p in path.items}
    d = dt.date
    assert found == {
        "a.legal": (d(2027, 1, 30), d(2027, 1, 31), d(2027, 1, 22), -9),
        "a.contracts": (d(2027, 2, 1), d(2027, 2, 10), d(2027, 2, 1), -9),
        "a.undated": (d(2027, 3, 1), d(2027, 3, 2), d(2027, 3, 1), -1),
        "a.post": (d(2027, 3, 10), d(2027, 3, 2), d(2027, 3, 10), 8),
        "a.train": (d(2027, 2, 8), d(2027, 1, 31), d(2027, 2, 8), 8),
        "a.site": (d(2027, 2, 22), d(2027, 1, 31), d(2027, 2, 22), 22),
        "a.grow": (d(2027, 1, 15), d(2027, 1, 31), d(2027, 1, 15), -16),
    }
    # least slack first; then by due date, severity (all high here) and id
    assert [p.item.id for p in path.items] == [
        "a.grow", "a.legal", "a.contracts", "a.undated", "a.train", "a.post", "a.site",
    ]  # fmt: skip
    waits = {p.item.id: p.waits_on for p in path.items}
    assert waits["a.contracts"] == "a.legal" and waits["a.undated"] == "a.contracts"
    assert waits["a.post"] == "a.legal" and waits["a.train"] is None  # a.kit is done


def test_a_done_prerequisite_frees_what_needs_it() -> None:
    path = plan({"a.legal": "done", "a.contracts": {"due": dt.date(2027, 2, 1)}, "a.kit": "done"})
    # a.contracts can be done today (01-31), a day before its due date; a.undated 20 days
    # later (02-20), 9 days before launch day.
    by_id = {p.item.id: p for p in path.items}
    assert by_id["a.contracts"].slack == 1 and by_id["a.undated"].slack == 9
    # Nothing is late: the least margin (a.contracts, 1 day) says how early the launch
    # could be ready.
    assert path.ready == dt.date(2027, 2, 28) and not path.late
    assert [p.item.id for p in path.chain] == ["a.contracts"]
    assert path.summary == "critical path ends 2027-02-28, 1 day before launch: a.contracts"


def test_nothing_open_in_the_gated_stages_is_ready_on_the_as_of_date() -> None:
    done = ("legal", "contracts", "undated", "post", "kit", "train", "site")
    path = plan({f"a.{k}": "done" for k in done})
    assert (path.ready, path.chain) == (AS_OF, [])
    assert [p.item.id for p in path.items] == ["a.grow"]  # still open, still has a slack
    assert path.summary == "nothing is open in the gated stages: ready 2027-01-31"


def test_a_path_left_empty_by_items_due_after_launch_does_not_say_nothing_is_open() -> None:
    # The calendar said "nothing open in the gated stages" beside an open gated item due
    # after launch day (which the chain leaves out), one line after counting it open.
    done = ("legal", "contracts", "undated", "kit", "train", "site")
    path = plan({**{f"a.{k}": "done" for k in done}, "a.post": {"due": dt.date(2027, 3, 10)}})
    assert (path.ready, path.chain) == (AS_OF, [])
    assert [p.item.id for p in path.items if p.gated] == ["a.post"]
    assert path.summary == "nothing is on the critical path: ready 2027-01-31"


def test_after_launch_day_the_path_ends_no_earlier_than_today() -> None:
    path = plan(as_of=dt.date(2027, 4, 1))
    # a.legal can be done on 04-01 at the earliest, a.contracts then on 04-11: 69 days
    # after its 02-01, the most of any gated item.
    assert path.ready == dt.date(2027, 5, 9) and path.days_after_launch == 69


def test_the_chain_is_cut_where_it_would_show_too_much() -> None:
    path = plan()
    long = CriticalPath(path.launch_date, path.as_of, path.ready, path.chain * 3)
    assert long.ids() == "a.legal → a.contracts → a.legal → a.contracts → a.legal → …"


# --- the pace of the trend against the critical path -----------------------------------------


def projection(stage: Stage, date: dt.date | None, verdict: str = "on track") -> Projection:
    return Projection(stage, 1.0, 0.5, date, verdict)


def test_the_later_of_the_pace_and_the_critical_path_decides() -> None:
    path = plan()  # ends 2027-03-10
    pace = History(
        projections=[
            projection(Stage.LEARN, dt.date(2027, 3, 20), "late by 19 days"),
            projection(Stage.BUY, dt.date(2027, 2, 1)),
        ]
    )
    found = outlook(path, pace)
    assert found == Outlook(
        dt.date(2027, 3, 10), dt.date(2027, 3, 20), Stage.LEARN, "late by 19 days"
    )
    assert found.decides == "pace"
    assert found.sentence == (
        "the pace decides: at the current rate learn passes on 2027-03-20, 10 days after "
        "the end of the critical path (2027-03-10)"
    )
    early = outlook(path, History(projections=[projection(Stage.BUY, dt.date(2027, 3, 1))]))
    assert early is not None and early.decides == "critical path"
    assert early.sentence == (
        "the critical path decides: it ends 2027-03-10, 9 days after the pace (buy passes on "
        "2027-03-01 at the current rate)"
    )


def test_a_stage_that_does_not_progress_makes_the_pace_decide() -> None:
    stalled = History(projections=[projection(Stage.USE, None, "no progress in 4 weeks")])
    found = outlook(plan(), stalled)
    assert found is not None and found.decides == "pace"
    assert found.sentence == (
        "the pace decides: at the current rate use does not pass (no progress in 4 weeks), "
        "whatever the critical path allows (2027-03-10)"
    )


@pytest.mark.parametrize("history", [None, History(note="history: too little to project from")])
def test_no_projection_no_outlook(history: History | None) -> None:
    assert outlook(plan(), history) is None
