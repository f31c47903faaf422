"""Budgets a hostile launch file cannot exceed: suggestions, bytes read, scoring work.

Work is counted, never timed: a test that times would be slow and flaky, and a count
shows the shape of the cost (linear or quadratic) on any machine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from gtm_check.cli import auditing, fast
from gtm_check.cli.commands import app
from gtm_check.load import checklists as checklists_module
from gtm_check.load import document, files, parts, validation_errors, yamltree
from gtm_check.load import launch as launch_module
from gtm_check.load.checklists import ChecklistReader
from gtm_check.load.launch import load_launch
from gtm_check.load.yamltree import Positions, Source
from gtm_check.model import addresses
from gtm_check.model.inputs import Checklist, ChecklistItem, Launch, Milestone, Policy, Waiver
from gtm_check.model.problems import (
    MAX_CANDIDATES,
    MAX_PROBLEMS,
    SUGGESTION_LIMIT,
    GtmCheckError,
    Problem,
)
from gtm_check.model.results import ItemResult, Warning
from gtm_check.model.vocabulary import Stage
from gtm_check.pipeline import AuditRequest, audit
from gtm_check.report import RenderOptions, registry
from gtm_check.scoring import score as score_module
from gtm_check.scoring.policy import breaches
from tests.conftest import MINI_CHECKLIST, WriteFile, git_folder

TEAM_ITEMS = 1_000


def team_checklist(write: WriteFile) -> None:
    """One department, ``team``, with TEAM_ITEMS items (about 60 KB)."""
    lines = ["department: team", "name: Team", "items:"]
    lines += [
        f"  - {{id: team.task-{n:04d}-step, stage: use, title: T{n}, severity: low}}"
        for n in range(TEAM_ITEMS)
    ]
    write("team.yaml", "\n".join(lines) + "\n")


def misspelt_launch(write: WriteFile, name: str, count: int, department: str = "team") -> Path:
    lines = ["launch: L", "launch_date: 2027-03-01", "checklists: [./team.yaml]", "items:"]
    lines += [f"  {department}.tsak-{n:04d}-stpe: done" for n in range(count)]
    return write(name, "\n".join(lines) + "\n")


@pytest.fixture
def close_matches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of candidates of every difflib.get_close_matches call, in order."""
    calls: list[int] = []
    real = difflib.get_close_matches

    def counting(
        word: str, possibilities: Sequence[str], n: int = 3, cutoff: float = 0.6
    ) -> list[str]:
        calls.append(len(possibilities))
        return real(word, possibilities, n, cutoff)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    return calls


def problems_of(*paths: Path) -> list[Problem]:
    reader = ChecklistReader()
    found: list[Problem] = []
    for path in paths:
        with pytest.raises(GtmCheckError) as info:
            load_launch(path, reader)
        found += info.value.problems
    return found


def test_a_thousand_misspelt_ids_get_twenty_suggestions_and_every_problem_counted(
    write: WriteFile, close_matches: list[int]
) -> None:
    team_checklist(write)
    launch = misspelt_launch(write, "launch.yaml", 1_200)
    *found, rest = problems_of(launch)
    assert len(found) == MAX_PROBLEMS  # the first thousand listed, the rest counted
    assert all(p.message.startswith("unknown item id 'team.tsak-") for p in found)
    assert (rest.line, rest.more) == (found[-1].line + 1, 200)
    assert rest.message.startswith("… and 200 more problems from here on, not listed")
    assert len(close_matches) == SUGGESTION_LIMIT  # not one per problem
    assert max(close_matches) <= MAX_CANDIDATES  # and each against a bounded list
    hinted = [p for p in found if p.hint]
    assert len(hinted) == SUGGESTION_LIMIT
    assert hinted[0].hint == "did you mean 'team.task-0000-step'?"


def test_the_suggestion_budget_is_shared_by_every_launch_of_a_run(
    write: WriteFile, close_matches: list[int]
) -> None:
    team_checklist(write)
    first = misspelt_launch(write, "first.yaml", 15)
    second = misspelt_launch(write, "second.yaml", 15)
    found = problems_of(first, second)
    assert len(found) == 30
    assert len(close_matches) == SUGGESTION_LIMIT
    assert sum(p.hint is not None for p in found) == SUGGESTION_LIMIT


def test_traits_waivers_and_requires_count_against_the_same_budget(
    write: WriteFile, close_matches: list[int]
) -> None:
    write(
        "ours.yaml",
        "department: ours\nname: Ours\nitems:\n"
        + "".join(
            f"  - {{id: ours.i{n}, stage: use, title: T, severity: low, requires: [ours.x{n}]}}\n"
            for n in range(10)
        ),
    )
    text = "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./ours.yaml]\n"
    text += "traits: [" + ", ".join(f"sas-{n}" for n in range(10)) + "]\n"
    text += "waivers:\n" + "".join(
        f"  - {{item: ours.j{n}, reason: R, approved_by: A, expires: 2027-12-31}}\n"
        for n in range(10)
    )
    found = problems_of(write("launch.yaml", text))
    assert len(found) == 30
    assert len(close_matches) == SUGGESTION_LIMIT


def test_an_id_of_a_department_not_loaded_says_so_and_suggests_a_department(
    write: WriteFile, close_matches: list[int]
) -> None:
    team_checklist(write)
    launch = misspelt_launch(write, "launch.yaml", 3, department="taem")
    found = problems_of(launch)
    assert {p.message.split(":", 1)[1] for p in found} == {
        " 'taem' is not a department of the loaded checklists"
    }
    assert {p.hint for p in found} == {"did you mean 'team'?"}
    assert close_matches == [1, 1, 1]  # compared with the departments, not with 1,000 ids


def test_unknown_traits_among_many_known_ones_are_not_listed(
    write: WriteFile, close_matches: list[int]
) -> None:
    write(
        "ours.yaml",
        "department: ours\nname: Ours\nitems:\n"
        + "".join(
            f"  - {{id: ours.i{n}, stage: use, title: T, severity: low, applies_if: [t-{n}]}}\n"
            for n in range(500)
        ),
    )
    text = "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./ours.yaml]\n"
    text += "traits: [" + ", ".join(f"zz-{n}" for n in range(100)) + "]\n"
    found = problems_of(write("launch.yaml", text))
    assert len(found) == 100
    assert all(p.hint is None or len(p.hint) < 100 for p in found)
    assert max(close_matches) <= MAX_CANDIDATES


# --- Bytes read by one run ----------------------------------------------------------------


def test_the_run_stops_reading_at_its_total_budget(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("legal.yaml", MINI_CHECKLIST)
    launch = "launch: Mini\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n"
    paths = [write(f"launch-{n}.yaml", launch) for n in range(3)]
    per_run = paths[0].stat().st_size + len(MINI_CHECKLIST) + paths[0].stat().st_size
    monkeypatch.setattr(files, "MAX_RUN_BYTES", per_run + 10)  # two launch files fit, not three
    with pytest.raises(GtmCheckError) as info:
        audit(AuditRequest(launches=tuple(paths), as_of=dt.date(2027, 1, 1)))
    (problem,) = info.value.problems
    assert (problem.path, problem.line, problem.column) == (str(paths[2]), 1, 1)
    assert "past its limit of" in problem.message
    assert "for all files together" in problem.message


def test_a_checklist_that_crosses_the_budget_is_the_one_named(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    team_checklist(write)
    launch = write("launch.yaml", "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n")
    monkeypatch.setattr(files, "MAX_RUN_BYTES", launch.stat().st_size + 100)
    (problem,) = problems_of(launch)
    assert (Path(problem.path).name, problem.line, problem.column) == ("team.yaml", 1, 1)


def test_a_checklist_read_twice_in_a_run_is_counted_once(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("legal.yaml", MINI_CHECKLIST)
    launch = "launch: Mini\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n"
    paths = [write(f"launch-{n}.yaml", launch) for n in range(5)]
    fits = len(MINI_CHECKLIST) + 5 * paths[0].stat().st_size
    monkeypatch.setattr(files, "MAX_RUN_BYTES", fits)
    outcome = audit(AuditRequest(launches=tuple(paths), as_of=dt.date(2027, 1, 1)))
    assert len(outcome.reports) == 5


@pytest.mark.parametrize("command", ["audit", "validate"])
def test_policy_files_count_against_the_run_budget(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    write("legal.yaml", MINI_CHECKLIST)
    launch = write(
        "launch.yaml", "launch: Mini\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n"
    )
    found = write(".gtm-check.yaml", "policy: {min_score: 0}\n" + "# padding\n" * 100)
    explicit = write("ci-policy.yaml", "policy: {min_score: 0}\n" + "# padding\n" * 100)
    inputs = launch.stat().st_size + len(MINI_CHECKLIST)
    cases = [
        (inputs + found.stat().st_size - 1, [], found),  # the policy found upward
        (
            inputs + found.stat().st_size + explicit.stat().st_size - 1,
            ["--policy", str(explicit)],
            found,  # --policy is read first, then the files found from the root down
        ),
    ]
    for limit, options, crossing in cases:
        monkeypatch.setattr(files, "MAX_RUN_BYTES", limit)
        code, _, err = run_cli(command, str(launch), "--as-of", "2027-01-15", *options)
        assert code == 2
        assert err.startswith(f"{crossing}:1:1: reading this file (")
        assert "past its limit of" in err
    monkeypatch.setattr(files, "MAX_RUN_BYTES", cases[-1][0] + 1)
    code, _, err = run_cli(command, str(launch), "--as-of", "2027-01-15", "--policy", str(explicit))
    assert code in (0, 1) and err == ""  # one byte more: every file read (audit: gate result)


def run_cli(*args: str) -> tuple[int, str, str]:
    if args[0] == "validate":
        args = tuple(a for a in args if a not in ("--as-of", "2027-01-15"))
    result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"}).invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# --- Scoring ------------------------------------------------------------------------------


def test_ten_thousand_one_item_checklists_score_in_linear_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    departments = 10_000
    checklists = [
        Checklist(
            department=f"team-{n}",
            name=f"Team {n}",
            items=[
                ChecklistItem(id=f"team-{n}.only", stage="use", title="T", severity="low")  # type: ignore[arg-type]
            ],
        )
        for n in range(departments)
    ]
    launch = Launch(launch="L", launch_date=dt.date(2027, 3, 1))
    looked_at = 0
    real = score_module.score_percent

    def counting(items: Iterable[ItemResult]) -> float | None:
        nonlocal looked_at
        listed = list(items)
        looked_at += len(listed)
        return real(listed)

    monkeypatch.setattr(score_module, "score_percent", counting)
    report = score_module.score_launch(launch, checklists, dt.date(2027, 1, 1))
    assert len(report.departments) == departments
    # Overall, four stages, and each department once in all and once per stage: a fixed
    # number of looks per item. A pass over every item per department would be 10,000 x.
    assert looked_at <= 12 * departments


class _Counted(list[Milestone]):
    """A launch's milestones that count how often anything walks through them."""

    walks = 0

    def __iter__(self) -> Iterator[Milestone]:
        _Counted.walks += 1
        return super().__iter__()


def test_milestones_times_items_is_not_the_cost_of_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    milestone_count, item_count = 200, 1_000
    stages = list(Stage)
    checklist = Checklist(
        department="team",
        name="Team",
        items=[
            ChecklistItem(id=f"team.t{n}", stage=stages[n % 4], title="T", severity="blocker")  # type: ignore[arg-type]
            for n in range(item_count)
        ],
    )
    milestones = _Counted(
        Milestone(
            name=f"m{n}",
            date=dt.date(2026, 1, 1) + dt.timedelta(days=n),
            stages=[Stage.LEARN, Stage.BUY, Stage.USE],
            min_score=50,
        )
        for n in range(milestone_count)
    )
    launch = Launch.model_validate(
        {
            "launch": "L",
            "launch_date": dt.date(2027, 3, 1),
            "items": {f"team.t{n}": {"by": f"m{n % milestone_count}"} for n in range(item_count)},
        }
    ).model_copy(update={"milestones": milestones})
    looks = 0
    real_open = ItemResult.open

    def counting(self: ItemResult) -> bool:
        nonlocal looks
        looks += 1
        return bool(real_open.fget(self))  # type: ignore[attr-defined]

    monkeypatch.setattr(ItemResult, "open", property(counting))
    _Counted.walks = 0
    report = score_module.score_launch(launch, [checklist], dt.date(2027, 1, 1))
    assert len(report.milestones) == milestone_count
    assert all(m.status == "missed" for m in report.milestones)  # open blockers everywhere
    # A fixed number of looks per item and per milestone: a look at every item for each
    # milestone would be 200 x 1,000 x 3 stages.
    assert looks <= 10 * (item_count + milestone_count)
    assert _Counted.walks <= 5  # not once per item that names its milestone with `by:`


def test_waivers_times_the_owners_length_is_not_the_cost_of_a_policy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each waiver on an item compares its approver with the item's owners: a long owner was
    # folded again for every waiver (300 KB of owner, 2,000 waivers: minutes).
    folded: list[int] = []
    real = addresses.same_person_key

    def counting(text: str) -> str:
        folded.append(len(text))
        return real(text)

    monkeypatch.setattr(addresses, "same_person_key", counting)
    addresses._person.cache_clear()
    checklist = Checklist.model_validate(
        {"department": "legal", "name": "L", "items": [{"id": "legal.x", "stage": "learn",
         "title": "X", "severity": "blocker"}]}
    )  # fmt: skip
    owner = "pm@acme.example " * 62  # 992 characters: the longest owner is 1,000
    launch = Launch.model_validate(
        {
            "launch": "L",
            "launch_date": dt.date(2027, 3, 1),
            "owners": {"legal": owner},
            "items": {"legal.x": {"owner": owner}},
            "waivers": [
                {"item": "legal.x", "reason": "r", "approved_by": f"vp{n}@acme.example",
                 "expires": dt.date(2027, 2, 1)}
                for n in range(2_000)
            ],
        }
    )  # fmt: skip
    report = score_module.score_launch(launch, [checklist], dt.date(2027, 1, 1))
    assert report.gaps == []
    assert sum(folded) <= 2 * len(owner) + 2_000 * 40  # the owner once, each approver once
    addresses._person.cache_clear()


class _Walked(list[object]):
    """A list that counts how often anything walks through it or searches it."""

    walks = 0

    def __iter__(self) -> Iterator[object]:
        _Walked.walks += 1
        return super().__iter__()

    def __contains__(self, value: object) -> bool:
        _Walked.walks += 1
        return super().__contains__(value)


def test_policy_rules_times_items_is_not_the_cost_of_a_policy() -> None:
    count = 2_000
    checklist = Checklist(
        department="team",
        name="Team",
        items=[
            ChecklistItem(id=f"team.t{n}", stage="use", title="T", severity="low")  # type: ignore[arg-type]
            for n in range(count)
        ],
    )
    as_of = dt.date(2027, 1, 1)
    far = as_of + dt.timedelta(days=400)
    waivers = _Walked(
        Waiver(item=f"team.t{n}", reason="r", approved_by=f"vp@d{n}.example", expires=far)
        for n in range(count)
    )
    launch = Launch.model_validate(
        {
            "launch": "L",
            "checklists": [f"team-{n}" for n in range(count)],
            "launch_date": dt.date(2027, 3, 1),
            "gate": {"stages": ["use"]},
            "items": {f"team.t{n}": "n/a" for n in range(count)},
        }
    ).model_copy(update={"waivers": waivers, "traits": _Walked(f"trait-{n}" for n in range(count))})
    policy = Policy().model_copy(
        update={
            "waiver_approvers": _Walked(f"@d{n}.example" for n in range(count)),
            "required_traits": _Walked(f"trait-{n}" for n in range(count)),
            "required_checklists": _Walked(f"team-{n}" for n in range(count)),
            "fail_on_warnings": _Walked(["long-waiver", "waiver-by-owner"]),
            "verify_hosts": _Walked(f"h{n}.example" for n in range(count)),
            "max_na_share": 0.5,
            "max_waiver_days": 1_000,
        }
    )
    warnings = [
        Warning("long-waiver", f"the waiver for team.t{n} runs long", f"team.t{n}")
        for n in range(count)
    ]
    items = {item.id: item for item in checklist.items}
    _Walked.walks = 0
    found = breaches(policy, launch, launch.gate, items, as_of, warnings)
    # A fixed number of walks of each list: a look through the approvers for each waiver,
    # or through the waivers for each warning, would be 2,000 x 2,000.
    assert _Walked.walks <= 20
    assert len(found) == count + 1  # each warning, and the n/a share
    assert not any("may not approve" in b.message for b in found)  # each in its domain


@pytest.mark.parametrize("format", registry.formats(registry.AUDIT))
def test_missed_milestones_and_breaches_times_themselves_is_not_the_cost_of_a_report(
    write: WriteFile, format: str
) -> None:
    """A launch may miss thousands of milestones (the values limit allows 270,000): no
    format looks each of the gate's reasons up in the list of them."""
    count = 300
    write("legal.yaml", MINI_CHECKLIST)
    lines = ["launch: L", "launch_date: 2027-03-01", "checklists: [./legal.yaml]", "milestones:"]
    lines += [
        f"  - {{name: m{n}, date: 2026-01-01, stages: [use], min_score: 1}}" for n in range(count)
    ]
    outcome = audit(
        AuditRequest(
            launches=(write("launch.yaml", "\n".join(lines) + "\n"),),
            as_of=dt.date(2027, 1, 1),
            locations=registry.needs_locations(registry.AUDIT, format),
            critical_path=registry.needs_critical_path(registry.AUDIT, format),
        )
    )
    (report,) = outcome.reports
    gate = report.gate
    assert len(gate.missed) == count
    breached = [f"policy: breach {n}" for n in range(count)]
    walked = dataclasses.replace(
        gate,
        failures=[*gate.failures, *breached],
        missed=_Walked(gate.missed),  # type: ignore[arg-type]
        breaches=_Walked(breached),  # type: ignore[arg-type]
    )
    _Walked.walks = 0
    text = registry.render(
        registry.AUDIT, format, [dataclasses.replace(report, gate=walked)], RenderOptions()
    )
    # A fixed number of walks of each list: a look through the missed milestones for each
    # of the gate's reasons would be 600 x 300.
    assert _Walked.walks <= 20
    assert "m299" in text or format in {"table", "ics"}  # the table lists the first ten


# --- Problems in one file -----------------------------------------------------------------


def unknown_traits_launch(write: WriteFile, count: int) -> Path:
    """A launch file whose one line lists ``count`` different unknown traits."""
    traits = ", ".join(f"zz-{n}" for n in range(count))
    return write("launch.yaml", f"launch: L\nlaunch_date: 2027-03-01\ntraits: [{traits}]\n")


def test_a_file_lists_its_first_thousand_problems_and_counts_the_rest(write: WriteFile) -> None:
    launch = unknown_traits_launch(write, 1_500)
    code, out, err = run_cli("validate", str(launch))
    lines = err.splitlines()
    assert (code, out) == (2, "")
    assert len(lines) == MAX_PROBLEMS + 1
    assert all(": unknown trait 'zz-" in line for line in lines[:-1])
    assert ": unknown trait 'zz-999' (" in lines[MAX_PROBLEMS - 1]
    # The line for the rest stands where the first of them is written: 'zz-1000'.
    column = len("traits: [") + len(", ".join(f"zz-{n}" for n in range(1_000))) + 3
    assert lines[-1] == (
        f"{launch}:3:{column}: … and 500 more problems from here on, not listed "
        "(gtm-check lists the first 1,000 of a file)"
    )


def test_the_cap_is_per_file_and_a_capped_list_raised_again_keeps_its_count() -> None:
    problems = [Problem(f"{name}.yaml", n + 1, 1, "bad") for name in "ab" for n in range(1_200)]
    first = GtmCheckError(problems).problems
    assert [p.more for p in first if p.more] == [200, 200]
    assert len(first) == 2 * (MAX_PROBLEMS + 1)
    again = GtmCheckError([*first, *first]).problems  # as validate gathers every launch's
    assert again == first


def test_a_file_with_exactly_the_cap_lists_every_problem(write: WriteFile) -> None:
    found = problems_of(unknown_traits_launch(write, MAX_PROBLEMS))
    assert len(found) == MAX_PROBLEMS
    assert not any(p.more for p in found)


@settings(max_examples=8, deadline=None)
@given(st.integers(min_value=0, max_value=3 * MAX_PROBLEMS), st.integers(0, 1_200))
def test_listed_and_counted_problems_add_up_to_every_problem(traits: int, items: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        text = "launch: L\nlaunch_date: 2027-03-01\n"
        text += "traits: [" + ", ".join(f"zz-{n}" for n in range(traits)) + "]\n"
        text += "items:\n" + "".join(f"  x.i{n}: nope\n" for n in range(items))
        path = Path(folder, "launch.yaml")
        path.write_text(text)
        found = problems_of(path) if traits or items else []
    listed = [p for p in found if not p.more]
    # Each item: an unknown id and a status that is none.
    assert len(listed) == min(traits + 2 * items, MAX_PROBLEMS)
    assert sum(p.more for p in found) == max(traits + 2 * items - MAX_PROBLEMS, 0)
    assert listed == sorted(listed, key=lambda p: (p.line, p.column, p.message))


class _Described:
    """Counts what describing problems costs: a Pydantic error turned into a message, a
    place looked up in the file, the longest list of Pydantic errors read at once."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.errors = 0
        self.places = 0
        self.read_at_once = 0
        real_error, real_positions = validation_errors._Error, Source.positions
        counter = self

        class Counting(real_error):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any) -> None:
                counter.errors += 1
                super().__init__(*args)

        def positions(source: Source, *args: Any, **kwargs: Any) -> Positions:
            found = real_positions(source, *args, **kwargs)
            counter.places += len(found.values) + len(found.keys)
            return found

        def errors_of(exc: ValidationError) -> list[Any]:
            found = validation_errors.errors_of(exc)
            counter.read_at_once = max(counter.read_at_once, len(found))
            return found

        monkeypatch.setattr(validation_errors, "_Error", Counting)
        monkeypatch.setattr(Source, "positions", positions)
        monkeypatch.setattr(document, "errors_of", errors_of)
        monkeypatch.setattr(parts, "errors_of", errors_of)


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("unknown traits", lambda n: f"traits: [{', '.join(f'zz-{i}' for i in range(n))}]"),
        ("bad traits", lambda n: f"traits: [{', '.join(f'Z{i}' for i in range(n))}]"),
        ("bad item ids", lambda n: "items:\n" + "".join(f"  Z{i}: nope\n" for i in range(n))),
        ("unknown departments", lambda n: "owners:\n" + "".join(f"  d{i}: x\n" for i in range(n))),
        ("waivers", lambda n: "waivers:\n" + "".join(f"  - {{item: x.i{i}}}\n" for i in range(n))),
        ("gate stages", lambda n: f"gate: {{stages: [{', '.join(['lern'] * n)}]}}"),
        (
            "milestone stages",
            lambda n: (
                f"milestones: [{{name: m, date: 2027-01-01, min_score: 1, "
                f"stages: [{', '.join(['lern'] * n)}]}}]"
            ),
        ),
        ("unknown top-level keys", lambda n: "".join(f"k{i}: 1\n" for i in range(n))),
    ],
)
def test_the_work_of_describing_problems_does_not_grow_with_their_number(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch, name: str, entry: Callable[[int], str]
) -> None:
    count = 12_000  # past the size validated in parts, and twelve times the cap
    launch = write("launch.yaml", f"launch: L\nlaunch_date: 2027-03-01\n{entry(count)}\n")
    described = _Described(monkeypatch)
    found = problems_of(launch)
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1].more >= count - MAX_PROBLEMS
    # Every problem described and located: 12,000 or more of each.
    assert described.errors <= 2 * (MAX_PROBLEMS + 1)
    assert described.places <= 4 * (MAX_PROBLEMS + 1) * 3
    # Pydantic's errors are made and read a part at a time (a waiver has three), never all
    # 12,000 or more at once.
    assert described.read_at_once <= 3 * parts.PART


def test_a_large_mapping_validated_in_parts_loads_as_a_whole_and_places_its_one_error(
    write: WriteFile,
) -> None:
    count = 4 * 1_000 + 500  # above the size that is validated a thousand entries at a time
    lines = ["department: team", "name: Team", "items:"]
    lines += [f"  - {{id: team.t{n}, stage: use, title: T, severity: low}}" for n in range(count)]
    write("team.yaml", "\n".join(lines) + "\n")
    head = "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
    states = [
        f"  team.t{n}: {'done' if n % 2 else '{status: blocked, owner: o}'}" for n in range(count)
    ]
    launch = write("launch.yaml", head + "items:\n" + "\n".join(states) + "\n")
    loaded = load_launch(launch, ChecklistReader())
    assert len(loaded.launch.items) == count
    assert loaded.launch.items["team.t4401"].status == "done"
    assert loaded.launch.items["team.t4400"].owner == "o"
    states[4_400] = "  team.t4400: {status: finished}"
    write("launch.yaml", head + "items:\n" + "\n".join(states) + "\n")
    (problem,) = problems_of(launch)
    assert (problem.line, problem.column) == (5 + 4_400, 24)
    assert problem.message.startswith("status: 'finished' is not one of todo")


@pytest.mark.parametrize(
    ("field", "line"),
    [
        ("owners: {{legal: {}}}\n", 4),
        ("items:\n  legal.trademarks: {{owner: {}}}\n", 5),
        (
            "waivers:\n  - {{item: legal.trademarks, reason: r, approved_by: {}, "
            "expires: 2027-02-01}}\n",
            5,
        ),
    ],
)
def test_an_owner_or_approver_is_at_most_a_thousand_characters(
    write: WriteFile, field: str, line: int
) -> None:
    # Comparing approver and owner normalizes both (NFKC makes U+FDFA eighteen characters):
    # a 4.5 MB owner took 2 GB. Past the limit it is a located error, never compared.
    write("legal.yaml", MINI_CHECKLIST)
    head = "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n"
    fits = write("fits.yaml", head + field.format("a" * 1_000))
    assert CliRunner().invoke(app, ["validate", str(fits)]).exit_code == 0
    long = write("long.yaml", head + field.format("\ufdfa" * 100_000))
    result = CliRunner().invoke(app, ["validate", str(long)])
    assert result.exit_code == 2
    (message,) = result.stderr.splitlines()
    assert message.startswith(f"{long}:{line}:")
    assert message.endswith(": is 100,000 characters; the limit is 1,000")


def test_an_unknown_department_lists_the_departments_only_when_they_are_few(
    write: WriteFile,
) -> None:
    # Team checklists can name thousands of departments: each unknown owners: key carried
    # the whole list, 24 MB of messages for a thousand keys against 5,000 departments.
    many = 200
    for n in range(many):
        write(
            f"t{n}.yaml",
            f"department: team-{n}\nname: T\nitems:\n"
            f"  - {{id: team-{n}.a, stage: use, title: A, severity: low}}\n",
        )
    listed = ", ".join(f"./t{n}.yaml" for n in range(many))
    owners = "".join(f"  zz-{n}: someone\n" for n in range(MAX_PROBLEMS + 5))
    launch = write(
        "launch.yaml",
        f"launch: L\nlaunch_date: 2027-03-01\nchecklists: [{listed}]\nowners:\n{owners}",
    )
    found = problems_of(launch)
    assert len(found) == MAX_PROBLEMS + 1
    assert found[0].message == "unknown department 'zz-0'"
    assert found[0].hint is None
    assert sum(len(p.render()) for p in found) < 200_000
    # A few departments are still listed in full.
    few = write(
        "few.yaml",
        "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./t0.yaml]\nowners:\n  zz-0: someone\n",
    )
    (problem,) = problems_of(few)
    assert problem.hint is not None
    assert problem.hint.startswith("the departments: cloud-operations, customer-success")
    assert "team-0" in problem.hint


def test_a_long_key_is_cut_short_where_a_message_names_it(write: WriteFile) -> None:
    # The key a wrong value is under is named like any value a message quotes.
    key = "x" * 1_000  # YAML's longest plain key is 1,024 characters
    head = "launch: L\nlaunch_date: 2027-03-01\nchecklists: [builtin]\n"
    launch = write("launch.yaml", f"{head}owners:\n  {key}: 3\n")
    messages = [p.message for p in problems_of(launch)]
    assert f"{'x' * 59}…: expected text, got a number" in messages[-1]
    assert all(len(message) < 200 for message in messages)


# --- Values and items a run holds ---------------------------------------------------------


def one_line_items(write: WriteFile, name: str, count: int) -> Path:
    """A team checklist of ``count`` one-line items, the first on line 4."""
    items = "".join(
        f"  - {{id: team.i{n}, stage: learn, title: T, severity: low}}\n" for n in range(count)
    )
    return write(name, f"department: team\nname: Team\nitems:\n{items}")


def launch_of(write: WriteFile, name: str, *checklists: str) -> str:
    """A launch file of no item states; its name, relative to the working folder."""
    text = f"launch: L\nlaunch_date: 2027-03-01\nchecklists: [{', '.join(checklists)}]\n"
    return write(name, text + "items: {}\n").name


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work in tmp_path, so that messages name files as written."""
    monkeypatch.chdir(tmp_path)


def test_a_file_of_more_values_than_the_limit_is_refused_at_the_first_past_it(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch, here: None
) -> None:
    # Each one-line item is 9 values (its mapping, 4 keys, 4 values); the top mapping, 3
    # keys and 2 values and the items list come first: 7 values, then 9 per item.
    monkeypatch.setattr(yamltree, "MAX_FILE_VALUES", 7 + 9 * 3)
    one_line_items(write, "team.yaml", 3)
    fits = launch_of(write, "fits.yaml", "./team.yaml")
    assert run_cli("validate", fits)[0] == 0
    one_line_items(write, "team.yaml", 4)
    code, out, err = run_cli("validate", fits)
    assert (code, out) == (2, "")
    assert err == (
        "team.yaml:7:5: the file holds more than 34 values (keys, values, lists and "
        "mappings); gtm-check reads at most 34 from one file\n"
    )


def test_the_files_a_run_keeps_share_one_budget_of_values(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch, here: None
) -> None:
    monkeypatch.setattr(yamltree, "MAX_RUN_VALUES", 100)
    one_line_items(write, "team.yaml", 5)  # 52 values
    launch = launch_of(write, "launch.yaml", "./team.yaml")  # 10 values
    other = launch_of(write, "other.yaml", "./team.yaml")  # 10; the checklist counted once
    assert run_cli("validate", launch, other)[0] == 0
    third = launch_of(write, "third.yaml", "./team.yaml", "./more.yaml")  # 11: 83 in all
    one_line_items(write, "more.yaml", 4)  # its 18th value, item 2's first key, is the 101st
    code, out, err = run_cli("validate", launch, other, third)
    valid = "valid (5 items in 1 checklist, 0 item states, 0 waivers)"
    assert (code, out) == (2, f"launch.yaml: {valid}\nother.yaml: {valid}\n")
    assert err == (
        "more.yaml:5:6: reading this file takes the run past its limit of 100 values "
        "(keys, values, lists and mappings) for all files together\n"
    )


def test_a_run_judges_at_most_so_many_items_and_refuses_more_before_validating_them(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch, here: None
) -> None:
    validated: list[str] = []
    real = document._validate

    def counting(parsed: Any, model: Any) -> Any:
        validated.append(model.__name__)
        return real(parsed, model)

    monkeypatch.setattr(document, "_validate", counting)
    monkeypatch.setattr(checklists_module, "MAX_RUN_ITEMS", 3)
    one_line_items(write, "team.yaml", 3)
    launch = launch_of(write, "launch.yaml", "./team.yaml")
    assert run_cli("validate", launch)[0] == 0
    one_line_items(write, "team.yaml", 5)
    validated.clear()
    code, out, err = run_cli("validate", launch)
    assert (code, out) == (2, "")
    assert err == (
        "team.yaml:7:5: this item takes the run past its limit of 3 checklist items "
        "(each launch counts the items of its checklists)\n"
    )
    assert "Checklist" not in validated  # refused from the parsed data, no model built


def test_each_launch_counts_the_items_of_the_checklists_it_shares(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch, here: None
) -> None:
    # Scoring a portfolio costs launches x items: ten launches of one 100,000-item
    # checklist took 57 s and 1.2 GB. The checklist is read once and counted per launch.
    monkeypatch.setattr(checklists_module, "MAX_RUN_ITEMS", 5)
    one_line_items(write, "team.yaml", 2)
    launches = [launch_of(write, f"l{n}.yaml", "./team.yaml") for n in range(3)]
    assert run_cli("validate", *launches[:2])[0] == 0
    code, out, err = run_cli("validate", *launches)
    valid = "valid (2 items in 1 checklist, 0 item states, 0 waivers)"
    assert (code, out) == (2, f"l0.yaml: {valid}\nl1.yaml: {valid}\n")
    assert err == (
        "team.yaml:5:5: this item takes the run past its limit of 5 checklist items "
        "(each launch counts the items of its checklists)\n"
    )


@pytest.mark.parametrize(
    "edit",
    [
        ["set", "l.yaml", "team.i0", "--status", "done"],
        ["waive", "l.yaml", "team.i0", "--reason", "r", "--approved-by", "a@b.c", "--expires"]
        + ["2027-02-01", "--as-of", "2027-01-01"],
        ["set", "l.yaml", "--launch-date", "2027-04-01"],
    ],
)
def test_an_edit_counts_its_launchs_checklists_once(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch, here: None, edit: list[str]
) -> None:
    # An edit reads its launch file before and after the change: counting its checklists
    # each time refused an edit of a launch whose checklists held over half the limit.
    monkeypatch.setattr(checklists_module, "MAX_RUN_ITEMS", 5)
    one_line_items(write, "team.yaml", 4)
    launch_of(write, "l.yaml", "./team.yaml")
    code, out, err = run_cli(*edit)
    assert (code, err) == (0, ""), err
    assert out.startswith(("team.i0: ", "launch_date: "))


def test_running_out_of_memory_is_one_line_and_exit_2_not_an_internal_error(
    write: WriteFile,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    here: None,
) -> None:
    def exhausted(*args: Any, **kwargs: Any) -> Any:
        raise MemoryError

    launch = launch_of(write, "launch.yaml", "builtin")
    monkeypatch.setattr(document, "parse_model", exhausted)
    monkeypatch.setattr(launch_module, "parse_model", exhausted)
    line = (
        "gtm-check: out of memory: the files of this run need more memory than the "
        "process was given (ulimit -v, a container's limit)\n"
    )
    assert run_cli("audit", launch) == (2, "", line)  # every command, through Typer
    call = fast.read(["audit", launch])  # audit and validate, without it
    assert isinstance(call, fast.Audit)
    assert fast.guarded("audit", lambda: auditing.run(call)) == 2
    assert capsys.readouterr() == ("", line)


@pytest.mark.parametrize("entry", ["builtin", "legal", "./team.yaml", "nope"])
def test_a_long_checklists_list_resolves_each_name_once_and_at_most_so_many(
    write: WriteFile, entry: str, monkeypatch: pytest.MonkeyPatch, close_matches: list[int]
) -> None:
    # 200,000 x builtin took two and a half minutes and 1.5 GB: each expanded to every
    # built-in checklist and each found on disk again.
    write("team.yaml", MINI_CHECKLIST.replace("legal", "team"))
    looked: list[Path] = []
    real = files.examine

    def counting(path: Path) -> Any:
        looked.append(path)
        return real(path)

    monkeypatch.setattr(checklists_module, "examine", counting)
    path = write(
        "launch.yaml",
        f"launch: L\nlaunch_date: 2027-03-01\nchecklists: [{', '.join([entry] * 5_000)}]\n",
    )
    found = problems_of(path)
    messages = [p.message for p in found]
    assert "a launch file names at most 1,000 checklists; this one 5,000" in messages
    assert f"{entry!r} is listed twice" in " ".join(messages)
    assert len(looked) <= len(checklists_module.builtin_names())  # each name found once
    assert len(close_matches) <= 1  # an unknown name gets one did-you-mean, not 5,000


def test_a_policy_of_many_unknown_checklist_names_costs_its_problems_only(
    write: WriteFile, close_matches: list[int]
) -> None:
    # 520,000 unknown required_checklists (4 MB) took 15 s and 455 MB: a did-you-mean and a
    # located problem for each. The first thousand are described, twenty with a hint.
    write("legal.yaml", MINI_CHECKLIST)
    launch = write(
        "launch.yaml", "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n"
    )
    policy = write(
        "policy.yaml",
        "policy:\n  required_checklists: [" + ", ".join(f"c{n}" for n in range(5_000)) + "]\n",
    )
    result = CliRunner().invoke(app, ["validate", str(launch), "--policy", str(policy)])
    lines = result.stderr.splitlines()
    assert result.exit_code == 2
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[0] == f"{policy}:2:25: no built-in checklist named 'c0'"
    assert lines[-1].endswith(
        "… and 4,000 more problems from here on, not listed (gtm-check "
        "lists the first 1,000 of a file)"
    )
    assert len(close_matches) <= SUGGESTION_LIMIT


# --- Paths --------------------------------------------------------------------------------


def lstats_seen(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each path the run asks the system about one name at a time (``os.lstat``: what
    ``os.path.realpath``, ``islink`` and ``lexists`` ask), in order."""
    seen: list[str] = []
    lstat = os.lstat

    def counted(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        seen.append(str(path))
        return lstat(path, *args, **kwargs)

    monkeypatch.setattr(os, "lstat", counted)
    return seen


def deep(top: Path, depth: int) -> Path:
    folder = top.joinpath(*["d"] * depth)
    folder.mkdir(parents=True)
    return folder


def test_checklists_deep_in_folders_are_found_in_work_that_does_not_grow_with_the_depth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each checklist's real path was found five times, each by a look at every folder of
    # it, each look walking the path from the top: 1,000 checklists 1,000 folders deep
    # took 145 s to audit.
    depth, count = 60, 30
    folder = deep(tmp_path, depth)
    names = []
    for n in range(count):
        (folder / f"c{n}.yaml").write_text(MINI_CHECKLIST.replace("legal", f"dep{n}"))
        names.append("./" + "d/" * depth + f"c{n}.yaml")
    launch = tmp_path / "launch.yaml"
    launch.write_text(f"launch: L\nlaunch_date: 2027-03-01\nchecklists: [{', '.join(names)}]\n")
    seen = lstats_seen(monkeypatch)
    code, out, err = run_cli("validate", str(launch))
    assert (code, err) == (0, ""), err
    assert f"{launch}: valid" in out
    assert len(seen) < count * depth // 4  # it was 5 x count x depth


def test_a_policy_in_each_of_many_nested_folders_is_confined_in_work_linear_in_the_depth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each policy file found was confined to its repository by looking for the repository
    # from its own folder up, and by real paths found a folder at a time: 1,200 folders
    # with a policy each took 112 s to audit, 1,600 took 290 s to validate.
    depth = 60
    git_folder(tmp_path)
    folder = tmp_path
    for _ in range(depth):
        (folder / ".gtm-check.yaml").write_text("policy: {min_score: 0}\n")
        folder = folder / "d"
        folder.mkdir()
    launch = folder / "launch.yaml"
    launch.write_text("launch: L\nlaunch_date: 2027-03-01\nchecklists: [builtin]\n")
    seen = lstats_seen(monkeypatch)
    code, out, err = run_cli("validate", str(launch))
    assert (code, err) == (0, ""), err
    assert f"{launch}: valid" in out
    assert len(seen) < 20 * depth  # it was about 5 x depth x depth


def test_a_name_longer_than_the_system_opens_is_refused_before_it_is_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Named through a link to its own folder 60,000 times (l/l/…/launch.yaml), a launch
    # file took a minute to be refused: each folder up the name was built again and
    # looked at to find its repository and its policy. -o and init the same.
    (tmp_path / "launch.yaml").write_text("launch: L\nlaunch_date: 2027-03-01\n")
    (tmp_path / "l").symlink_to(".")
    long = str(tmp_path / ("l/" * 3_000))
    seen = lstats_seen(monkeypatch)
    for args, doing in (
        (["validate", f"{long}launch.yaml"], "read"),
        (["audit", f"{long}launch.yaml"], "read"),
        (["init", f"{long}new.yaml", "--name", "N", "--launch-date", "2027-03-01"], "write"),
    ):
        code, _, err = run_cli(*args)
        assert code == 2 and err.endswith(
            f":1:1: cannot {doing}: its name is too long for the file system\n"
        ), err
    assert len(seen) < 100  # it was 57,045 for the three


def test_a_pattern_shared_by_many_launch_files_is_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each launch file parsed every matches: pattern of a team checklist it loads again: one
    # checklist of 1,000 patterns of 1,000 characters cost 1.2 s of each of 100 launches.
    from re import _parser as re_parser  # type: ignore[attr-defined]

    tag = tmp_path.name  # patterns no other test has parsed in this process
    rows = "".join(
        f"  - {{id: team.i{n}, stage: learn, title: T, severity: low, "
        f"verify: {{path: CHANGELOG.md, matches: 'v{n}-{tag}-[0-9]+'}}}}\n"
        for n in range(20)
    )
    (tmp_path / "team.yaml").write_text(f"department: team\nname: Team\nitems:\n{rows}")
    launches = []
    for n in range(5):
        launch = tmp_path / f"launch{n}.yaml"
        launch.write_text("launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n")
        launches.append(str(launch))
    parsed: list[str] = []
    parse = re_parser.parse

    def counted(pattern: str, *args: Any) -> Any:
        if tag in pattern:
            parsed.append(pattern)
        return parse(pattern, *args)

    monkeypatch.setattr(re_parser, "parse", counted)
    code, _, err = run_cli("validate", *launches)
    assert (code, err) == (0, ""), err
    assert sorted(parsed) == sorted(f"v{n}-{tag}-[0-9]+" for n in range(20))  # was 5 times


def test_a_policys_approvers_are_read_once_however_many_launch_files_it_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Who may approve waivers was looked up afresh twice for each launch file: a policy of
    # 100,000 approvers over 200 launch files took 21 s to audit. With a --policy file
    # beside the .gtm-check.yaml, the two were combined again for each launch file too.
    from gtm_check.model import inputs
    from gtm_check.model.addresses import Approvers

    built: list[int] = []

    class Counted(Approvers):
        def __init__(self, entries: list[str]) -> None:
            built.append(len(entries))
            super().__init__(entries)

    monkeypatch.setattr(inputs, "Approvers", Counted)
    git_folder(tmp_path)
    approvers = "".join(f"    - a{n}@example.com\n" for n in range(50))
    (tmp_path / ".gtm-check.yaml").write_text(f"policy:\n  waiver_approvers:\n{approvers}")
    explicit = tmp_path / "ci-policy.yaml"
    explicit.write_text(f"policy:\n  min_score: 50\n  waiver_approvers:\n{approvers}")
    waiver = "waivers: [{item: legal.privacy, reason: r, approved_by: a1@example.com, expires: 2027-02-01}]\n"  # noqa: E501
    launches = []
    for n in range(20):
        launch = tmp_path / f"launch{n}.yaml"
        launch.write_text(f"launch: L{n}\nlaunch_date: 2027-03-01\nchecklists: [legal]\n{waiver}")
        launches.append(str(launch))
    code, _, err = run_cli("audit", *launches, "--as-of", "2027-01-15", "--policy", str(explicit))
    assert code == 1 and err == "", err
    assert len(built) <= 4, built  # was 2 for each launch file, and 2 more to combine


def test_combining_policies_validates_no_rule_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each folder's .gtm-check.yaml combined with the root's built a new policy and
    # validated every rule again: a root policy of 100,000 approvers and a 2-line policy in
    # each of 80 launch folders took 74 s and 940 MB.
    from gtm_check.model import inputs

    validated: list[int] = []
    init = inputs.Policy.__init__

    def counted(self: inputs.Policy, **data: Any) -> None:
        validated.append(len(data.get("waiver_approvers") or []))
        init(self, **data)

    monkeypatch.setattr(inputs.Policy, "__init__", counted)
    git_folder(tmp_path)
    approvers = "".join(f"    - a{n}@example.com\n" for n in range(50))
    (tmp_path / ".gtm-check.yaml").write_text(f"policy:\n  waiver_approvers:\n{approvers}")
    launches = []
    for n in range(10):
        folder = tmp_path / f"team{n}"
        folder.mkdir()
        (folder / ".gtm-check.yaml").write_text(f"policy:\n  min_score: {50 + n}\n")
        launch = folder / "launch.yaml"
        launch.write_text("launch: L\nlaunch_date: 2027-03-01\nchecklists: [legal]\n")
        launches.append(str(launch))
    code, _, err = run_cli("audit", *launches, "--as-of", "2027-01-15")
    assert code == 1 and err == "", err
    assert validated == []  # was one for each launch folder, its 50 approvers again


@pytest.mark.parametrize("count", [100, 101])
def test_a_file_holds_at_most_so_many_tag_directives(tmp_path: Path, count: int) -> None:
    # The parser compares each %TAG directive with every one before it: 160,000 in a 4 MB
    # launch file took 51 s to read, and the file was then valid.
    directives = "".join(f"%TAG !t{n}! tag:example.com,2027:{n}:\n" for n in range(count))
    launch = tmp_path / "launch.yaml"
    launch.write_text(
        directives + "---\nlaunch: X\nlaunch_date: 2027-03-01\nchecklists: [legal]\n", "utf-8"
    )
    result = CliRunner().invoke(app, ["validate", str(launch)])
    if count == 100:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 2
        assert result.stderr == (
            f"{launch}:101:1: more than 100 %TAG directives; gtm-check reads at most 100 in a "
            "file\n"
        )
