"""Generated inputs: no launch file can crash gtm-check, and scores behave.

The properties call the core in-process (the profile in conftest.py sets how many examples);
a handful of whole-command examples check the same through the command line.
"""

from __future__ import annotations

import datetime as dt
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from gtm_check.model.inputs import Checklist, Launch
from gtm_check.model.problems import GtmCheckError
from gtm_check.model.vocabulary import Stage, Status
from gtm_check.scoring.score import score_launch
from tests.conftest import MINI_CHECKLIST
from tests.report.audits import audit_text

LOCATED = re.compile(r"^[^\s:][^:]*:\d+:\d+: \S.*$")

VALID: dict[str, Any] = {
    "launch": "Generated",
    "launch_date": "2027-03-01",
    "traits": ["channel-sales"],
    "checklists": ["./legal.yaml"],
    "gate": {"stages": ["learn", "buy"], "min_score": 75},
    "items": {
        "legal.trademarks": "done",
        "legal.sla-terms": {"status": "in-progress", "owner": "a@b", "due": "2027-01-01"},
    },
    "waivers": [
        {
            "item": "legal.channel-contracts",
            "reason": "r",
            "approved_by": "v",
            "expires": "2027-06-01",
        }
    ],
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["done", "n/a", "todo", "yes", "2027-02-30", "legal.trademarks", "saas"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


@st.composite
def mutated_launches(draw: st.DrawFn) -> str:
    """A valid launch document with a few random changes, as YAML text."""
    import copy

    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        targets = [p for p in paths(data) if p]
        if not targets:
            break
        path = draw(st.sampled_from(targets))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(values)
        else:
            parent.append(draw(values))
    return yaml.safe_dump(data, allow_unicode=True)


@st.composite
def with_aliases(draw: st.DrawFn) -> str:
    """A valid launch whose items are shared through an anchor and aliases, sometimes a bomb."""
    fan = draw(st.integers(1, 9))
    depth = draw(st.integers(1, 6))
    lines = [
        "launch: Bomb",
        "launch_date: 2027-03-01",
        "checklists: [./legal.yaml]",
        'traits: &t ["saas", "saas"]',
    ]
    for level in range(depth):
        previous = "t" if level == 0 else f"l{level - 1}"
        lines.append(f"x{level}: &l{level} [" + ", ".join([f"*{previous}"] * fan) + "]")
    lines.append(f"items: *l{depth - 1}")
    return "\n".join(lines) + "\n"


deep_nesting = st.integers(1, 3000).map(
    lambda n: "launch: x\nlaunch_date: 2027-01-01\nitems: " + "[" * n + "]" * n + "\n"
) | st.integers(1, 300).map(
    lambda n: (
        "launch: x\nlaunch_date: 2027-01-01\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(n))
    )
)

raw_texts = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    st.lists(
        st.sampled_from(
            ["launch: x", "launch_date: 2027-01-01", "  - a", "items:", "\t", "&a", "*a",
             "---", "{", "[", "!!python/name:os.system", "? x", ": y", "legal.trademarks: done"]
        ),
        max_size=8,
    ).map("\n".join),
)  # fmt: skip


HANG_SECONDS = 20
"""Not a speed target: a run this long means gtm-check hangs on the input."""


@contextmanager
def no_hang() -> Iterator[None]:
    def hung(*_: object) -> None:
        raise AssertionError(f"gtm-check ran for {HANG_SECONDS}s on one input: it hangs")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check_core(folder: Path, text: str | bytes, checklist: str | bytes = MINI_CHECKLIST) -> None:
    """Loading and auditing either succeed or raise GtmCheckError with located problems;
    nothing else escapes, and nothing hangs."""
    write_file(folder / "legal.yaml", checklist)
    launch = folder / "launch.yaml"
    write_file(launch, text)
    with no_hang():
        try:
            audit_text((launch,), dt.date(2027, 1, 15), "json")
        except GtmCheckError as exc:
            lines = [problem.render() for problem in exc.problems]
            assert lines and all(LOCATED.match(line) for line in lines), lines


def check_cli(folder: Path, text: str | bytes, checklist: str | bytes = MINI_CHECKLIST) -> None:
    """validate and audit either succeed or exit 2 with located lines, never crash or hang."""
    write_file(folder / "legal.yaml", checklist)
    launch = folder / "launch.yaml"
    write_file(launch, text)
    for command in (["validate"], ["audit", "--as-of", "2027-01-15", "-f", "json"]):
        with no_hang():
            result = CliRunner(env={"NO_COLOR": "1"}).invoke(app, [*command, str(launch)])
        assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr, result.exception)
        if result.exit_code == 2:
            lines = result.stderr.splitlines()
            assert lines and all(LOCATED.match(line) for line in lines), result.stderr
            assert result.stdout == ""
        else:
            assert result.stderr == ""


def write_file(path: Path, content: str | bytes) -> None:
    if isinstance(content, str):
        content = content.encode("utf-8", errors="surrogateescape")
    path.write_bytes(content)


@given(text=mutated_launches())
def test_mutated_launch_never_crashes(tmp_path: Path, text: str) -> None:
    check_core(tmp_path, text)


@given(text=raw_texts)
def test_arbitrary_text_never_crashes(tmp_path: Path, text: str) -> None:
    check_core(tmp_path, text)


@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(tmp_path: Path, data: bytes) -> None:
    check_core(tmp_path, b"launch: x\nlaunch_date: 2027-01-01\nowner: " + data)


@given(text=st.one_of(with_aliases(), deep_nesting))
def test_aliases_and_deep_nesting_are_refused_not_expanded(tmp_path: Path, text: str) -> None:
    check_core(tmp_path, text)


@st.composite
def mutated_checklists(draw: st.DrawFn) -> str:
    import copy

    data = copy.deepcopy(yaml.safe_load(MINI_CHECKLIST))
    for _ in range(draw(st.integers(1, 3))):
        targets = [p for p in paths(data) if p]
        path = draw(st.sampled_from(targets))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if draw(st.booleans()):
            parent[path[-1]] = draw(values)
        else:
            del parent[path[-1]]
    return yaml.safe_dump(data, allow_unicode=True)


@given(checklist=mutated_checklists())
def test_mutated_checklist_never_crashes(tmp_path: Path, checklist: str) -> None:
    check_core(tmp_path, yaml.safe_dump(VALID), checklist)


CLI_EXAMPLES = {
    "valid": yaml.safe_dump(VALID),
    "syntax error": "launch: [x\nlaunch_date: 2027-01-01\n",
    "alias bomb": "launch: x\nlaunch_date: 2027-01-01\na: &a [1]\nitems: *a\n",
    "control bytes": b"launch: x\x1b[2J\nlaunch_date: 2027-01-01\nowner: \xff\n",
    "wrong types": "launch: [1]\nlaunch_date: yes\nitems: {legal.trademarks: {status: 3}}\n",
}


@pytest.mark.parametrize("text", CLI_EXAMPLES.values(), ids=CLI_EXAMPLES.keys())
def test_whole_command_line_on_generated_shapes(tmp_path: Path, text: str | bytes) -> None:
    check_cli(tmp_path, text)


# --- score properties --------------------------------------------------------------------

STATUSES = [s.value for s in Status]


@st.composite
def scored_launches(draw: st.DrawFn) -> tuple[Launch, list[Checklist]]:
    count = draw(st.integers(1, 12))
    items = [
        {
            "id": f"dept.item-{i}",
            "stage": draw(st.sampled_from([s.value for s in Stage])),
            "title": f"Item {i}",
            "severity": draw(st.sampled_from(["blocker", "high", "medium", "low"])),
            "weight": draw(st.one_of(st.none(), st.integers(1, 20), st.floats(0.1, 10))),
            "applies_if": draw(st.sampled_from([[], ["saas"], ["on-prem"]])),
        }
        for i in range(count)
    ]
    for entry in items:
        if entry["weight"] is None:
            del entry["weight"]
    checklist = Checklist.model_validate({"department": "dept", "name": "Dept", "items": items})
    states = {
        f"dept.item-{i}": draw(st.sampled_from(STATUSES))
        for i in range(count)
        if draw(st.booleans())
    }
    launch = Launch.model_validate(
        {
            "launch": "P",
            "launch_date": dt.date(2027, 3, 1),
            "traits": draw(st.sampled_from([[], ["saas"], ["saas", "on-prem"]])),
            "items": states,
        }
    )
    return launch, [checklist]


def all_scores(launch: Launch, checklists: list[Checklist]) -> list[float | None]:
    report = score_launch(launch, checklists, dt.date(2027, 1, 15))
    scores: list[float | None] = [report.overall.score]
    scores += [s.score for s in report.stages]
    for dept in report.departments:
        scores += [dept.score, *dept.stages.values()]
    return scores


@given(case=scored_launches())
def test_scores_stay_within_0_and_100(case: tuple[Launch, list[Checklist]]) -> None:
    for score in all_scores(*case):
        assert score is None or 0 <= score <= 100


@given(case=scored_launches(), data=st.data())
def test_marking_an_open_item_done_never_lowers_a_score(
    case: tuple[Launch, list[Checklist]], data: st.DataObject
) -> None:
    launch, checklists = case
    report = score_launch(launch, checklists, dt.date(2027, 1, 15))
    if not report.gaps:
        return
    gap = data.draw(st.sampled_from(report.gaps))
    items = {k: v.model_dump() for k, v in launch.items.items()} | {gap.id: {"status": "done"}}
    done = launch.model_copy(update={"items": Launch.model_validate(
        {"launch": "P", "launch_date": launch.launch_date, "items": items}
    ).items})  # fmt: skip
    for before, after in zip(
        all_scores(launch, checklists), all_scores(done, checklists), strict=True
    ):
        assert (before is None) == (after is None)
        if before is not None and after is not None:
            assert after >= before


@given(case=scored_launches(), stage=st.sampled_from([s.value for s in Stage]))
def test_adding_a_not_applicable_item_changes_no_score(
    case: tuple[Launch, list[Checklist]], stage: str
) -> None:
    launch, checklists = case
    extra = {"id": "dept.extra", "stage": stage, "title": "Extra", "severity": "blocker"}
    more = Checklist.model_validate(
        checklists[0].model_dump(exclude_none=True) | {
            "items": [*checklists[0].model_dump(exclude_none=True)["items"], extra]
        }
    )  # fmt: skip
    items = dict(launch.items) | {"dept.extra": Launch.model_validate(
        {"launch": "P", "launch_date": launch.launch_date, "items": {"dept.extra": "n/a"}}
    ).items["dept.extra"]}  # fmt: skip
    with_na = launch.model_copy(update={"items": items})
    assert all_scores(with_na, [more]) == all_scores(launch, checklists)
