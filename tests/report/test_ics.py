"""``--format ics``: read back by the icalendar library, the events round-trip, nothing injects.

icalendar (a dev dependency) is a well-kept RFC 5545 parser and generator; what it reads
here is what a calendar application reads. A second, stricter reading is our own: every
line ends in CRLF and holds at most 75 octets, and each event holds only the properties the
renderer writes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from gtm_check.model.problems import GtmCheckError
from gtm_check.model.safetext import visible
from gtm_check.report import RenderOptions
from gtm_check.report.ics import fold, text
from gtm_check.report.registry import AUDIT, render
from gtm_check.scoring.score import score_launch
from tests.conftest import EXAMPLES
from tests.report.audits import audit_text, plan_text
from tests.test_critical_path import CHECKLIST, small_launch
from tests.test_hostile_text import FRAGMENTS, hostile, write_case

AS_OF = dt.date(2027, 1, 15)
PROPERTIES = {
    "UID", "DTSTAMP", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "TRANSP",
}  # fmt: skip


def events(ics: str) -> list[Any]:
    calendar = icalendar.Calendar.from_ical(ics)
    return list(calendar.walk("VEVENT"))


def check_lines(ics: str) -> None:
    """CRLF after every line, none longer than 75 octets, folded lines start with a space."""
    assert ics.endswith("\r\n") and "\n" not in ics.replace("\r\n", "")
    assert "\r" not in ics.replace("\r\n", "")
    for line in ics.split("\r\n")[:-1]:
        assert len(line.encode("utf-8")) <= 75, line


def test_the_example_as_a_calendar_of_all_day_events() -> None:
    ics = audit_text((EXAMPLES / "launch.yaml",), AS_OF, "ics")
    check_lines(ics)
    found = events(ics)
    gaps = json.loads(audit_text((EXAMPLES / "launch.yaml",), AS_OF, "json"))["gaps"]
    dated = sorted((g["due"], g["id"]) for g in gaps if g["due"])
    assert len(dated) == 32 and len(gaps) == 55  # the others have no due date
    assert len(found) == 1 + len(dated)
    assert [(str(e.decoded("DTSTART")), str(e["UID"]).split("-", 1)[1]) for e in found[1:]] == [
        (due, f"{item}-8e286e9f7f9aa506@gtm-check") for due, item in dated
    ]  # by due date
    launch = found[0]
    assert launch.decoded("DTSTART") == dt.date(2027, 3, 1)
    assert launch.decoded("DTEND") == dt.date(2027, 3, 2)
    assert str(launch["SUMMARY"]) == "Launch: Acme Insights 2.0"
    assert launch.decoded("DTSTAMP") == dt.datetime(2027, 1, 15, tzinfo=dt.UTC)
    contracts = next(e for e in found if "legal.channel-contracts" in str(e["UID"]))
    assert contracts.decoded("DTSTART") == dt.date(2027, 1, 5)
    description = str(contracts["DESCRIPTION"])
    assert "item legal.channel-contracts of Acme Insights 2.0 (tier 1)" in description
    assert "owner counsel@acme.example" in description
    assert "10 days overdue as of 2027-01-15" in description.replace("\n", " ")
    assert all(set(e) <= PROPERTIES for e in found)
    assert len({str(e["UID"]) for e in found}) == len(found)


def test_events_round_trip_through_the_library() -> None:
    ics = plan_text(EXAMPLES / "device.yaml", AS_OF, "ics")
    first = events(ics)
    again = events(icalendar.Calendar.from_ical(ics).to_ical().decode("utf-8"))

    def key(event: Any) -> tuple[str, ...]:
        return tuple(str(event.decoded(p)) for p in ("UID", "DTSTART", "SUMMARY", "DESCRIPTION"))

    assert [key(e) for e in again] == [key(e) for e in first]
    planned = next(e for e in first if "manufacturing.production-validation" in str(e["UID"]))
    assert "slack -5 days; done 2027-01-15 at the earliest" in str(planned["DESCRIPTION"])


def test_milestones_are_events(tmp_path: Path) -> None:
    beta = "  - {name: beta, date: 2027-01-29, stages: [learn], min_score: 70}\n"
    text_ = (EXAMPLES / "feature.yaml").read_text(encoding="utf-8")
    text_ = text_.replace("\nitems:", f"\nmilestones:\n{beta}items:", 1)
    path = tmp_path / "feature.yaml"
    path.write_text(text_, encoding="utf-8")
    found = events(audit_text((path,), AS_OF, "ics"))
    event = [e for e in found if str(e["SUMMARY"]).startswith("Milestone beta")]
    assert len(event) == 1 and event[0].decoded("DTSTART") == dt.date(2027, 1, 29)
    assert "learn needs 70" in str(event[0]["DESCRIPTION"])


def test_uids_stay_when_the_launch_moves_and_the_days_pass() -> None:
    checklists = [CHECKLIST]
    before = score_launch(small_launch(), checklists, dt.date(2027, 1, 31))
    moved = small_launch().model_copy(update={"launch_date": dt.date(2027, 5, 3)})
    after = score_launch(moved, checklists, dt.date(2027, 2, 7))
    old = {str(e["UID"]): e for e in events(render(AUDIT, "ics", [before], RenderOptions()))}
    new = {str(e["UID"]): e for e in events(render(AUDIT, "ics", [after], RenderOptions()))}
    assert set(old) == set(new)
    launch = next(uid for uid in new if uid.startswith("launch-"))
    assert new[launch].decoded("DTSTART") == dt.date(2027, 5, 3)  # the same event, moved
    # a later export is a newer revision of each event
    assert all(int(new[u]["SEQUENCE"]) > int(old[u]["SEQUENCE"]) for u in new)


def test_the_same_inputs_give_the_same_bytes() -> None:
    first = audit_text(tuple(sorted(EXAMPLES.glob("*.yaml"))), AS_OF, "ics")
    assert audit_text(tuple(sorted(EXAMPLES.glob("*.yaml"))), AS_OF, "ics") == first
    uids = [str(e["UID"]) for e in events(first)]
    assert len(uids) == len(set(uids))  # five launches in one calendar, no UID twice


@pytest.mark.parametrize(
    ("line", "folded"),
    [
        ("A" * 75, "A" * 75),
        ("A" * 76, "A" * 75 + "\r\n A"),
        ("A" * 74 + "é", "A" * 74 + "\r\n é"),  # é is two octets: never cut in half
        ("A" * 74 + "\\,", "A" * 74 + "\r\n \\,"),  # an escape stays whole
        ("A" * 73 + "\\\\,", "A" * 73 + "\\\\\r\n ,"),  # an escaped backslash is whole
        ("B" * 200, "B" * 75 + "\r\n " + "B" * 74 + "\r\n " + "B" * 51),
    ],
)
def test_folding_at_75_octets(line: str, folded: str) -> None:
    assert fold(line) == folded


LEADING_COMMAND = re.compile(r"^\s*::")
"""What the GitHub runner runs once it has trimmed a log line's leading white space."""


def unfold(folded: str) -> str:
    return folded.replace("\r\n ", "")


@pytest.mark.parametrize(
    ("line", "folded"),
    [
        ("A" * 74 + "::error::x", "A" * 74 + ":\r\n :error::x"),  # between the colons: fine
        ("A" * 75 + "::e", "A" * 74 + "\r\n A::e"),  # not before "::": one character earlier
        ("A" * 74 + " ::e", "A" * 73 + "\r\n A ::e"),  # nor before white space and "::"
        ("A" * 74 + "\\,::e", "A" * 74 + "\r\n \\,::e"),
        ("X" + ":" * 100, "X" + ":" * 100),  # no good place: one long line, never " ::"
    ],
)
def test_no_continuation_starts_with_a_workflow_command(line: str, folded: str) -> None:
    assert fold(line) == folded
    assert unfold(fold(line)) == line


@given(
    st.lists(
        st.sampled_from(["A", "é", "中", "👩", ":", "::", " ", "\u3000", "\\", "\\,", "::error::"]),
        max_size=120,
    ).map("".join)
)
def test_folding_keeps_the_value_and_starts_no_line_with_a_command(line: str) -> None:
    folded = fold("DESCRIPTION:" + line)
    assert unfold(folded) == "DESCRIPTION:" + line
    for continuation in folded.split("\r\n")[1:]:
        assert continuation.startswith(" ")
        assert not LEADING_COMMAND.match(continuation), continuation


def test_a_command_at_the_fold_is_not_a_line_of_its_own(tmp_path: Path) -> None:
    """/work/hostile/repro-2.sh: "::" after a letter, right at the 75th octet."""
    launch = tmp_path / "launch.yaml"
    name = "L" + "a" * 50 + "::error title=Forged::gtm-check never wrote this"
    launch.write_text(
        f'launch: "{name}"\nlaunch_date: 2027-02-10\ntier: 3\ntraits: [saas]\n', "utf-8"
    )
    for ics in (audit_text((launch,), AS_OF, "ics"), plan_text(launch, AS_OF, "ics")):
        check_lines(ics)
        assert not any(LEADING_COMMAND.match(line) for line in ics.split("\r\n")), ics
        assert name in unfold(ics)


def test_text_escapes_what_rfc_5545_says() -> None:
    assert text("a,b;c\\d") == "a\\,b\\;c\\\\d"
    assert text("one\ntwo\r\nBEGIN:VEVENT") == "one\\\\ntwo\\\\r\\\\nBEGIN:VEVENT"


def _titles(ics: str) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in events(ics))


def check_hostile(path: Path, texts: list[str]) -> None:
    ics = audit_text((path,), AS_OF, "ics")
    check_lines(ics)
    found = events(ics)
    # the launch day alone (neither item has a due date), whatever the text held
    assert len(found) == 1
    assert all(set(e) <= PROPERTIES for e in found)
    name = yaml.safe_load(yaml.safe_dump(texts[0], allow_unicode=True))
    assert str(found[0]["SUMMARY"]) == visible(f"Launch: {name}")  # the whole value made safe


@given(texts=st.lists(hostile, min_size=6, max_size=6))
def test_hostile_text_cannot_add_a_property_or_an_event(tmp_path: Path, texts: list[str]) -> None:
    path = write_case(tmp_path, texts)
    try:
        check_hostile(path, texts)
    except GtmCheckError:
        assume(False)  # YAML refuses some characters outright


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_each_hostile_fragment_in_a_dated_item(tmp_path: Path, fragment: str) -> None:
    path = write_case(tmp_path, [f"x{fragment}y,;\\\nEND:VEVENT\nBEGIN:VEVENT"] * 6)
    text_ = path.read_text(encoding="utf-8")
    text_ = text_.replace("status: todo", "status: todo\n    due: 2027-02-01")
    path.write_text(text_, encoding="utf-8")
    try:
        ics = audit_text((path,), AS_OF, "ics")
    except GtmCheckError:
        return  # YAML refuses some characters outright
    check_lines(ics)
    found = events(ics)
    assert len(found) == 2 and all(set(e) <= PROPERTIES for e in found)
    item = found[1]
    checklist = yaml.safe_load((tmp_path / "odd.yaml").read_text(encoding="utf-8"))
    title = checklist["items"][0]["title"]
    assert str(item["SUMMARY"]) == visible(f"Due: {title} (odd.first)")
    assert "BEGIN:VEVENT" in str(item["SUMMARY"])  # shown as text, on the same line


def test_written_to_a_file_the_calendar_keeps_its_crlf(tmp_path: Path) -> None:
    target = tmp_path / "launch.ics"
    args = ["audit", str(EXAMPLES / "launch.yaml"), "--as-of", "2027-01-15", "-f", "ics"]
    result = CliRunner().invoke(app, [*args, "-o", str(target)])
    assert result.exit_code == 1  # the gate's verdict, as for every format
    assert target.read_bytes() == audit_text((EXAMPLES / "launch.yaml",), AS_OF, "ics").encode()


def test_two_launches_of_one_name_keep_their_own_events(tmp_path: Path) -> None:
    # Two launch files with the same launch: name shared every UID in a portfolio's
    # calendar: one launch day said "gate failed", the other "gate passed", and a calendar
    # that imports the file keeps one.
    text_ = (EXAMPLES / "feature.yaml").read_text(encoding="utf-8")
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(text_, encoding="utf-8")
    second.write_text(text_.replace("launch_date:", "# the same launch\nlaunch_date:"), "utf-8")
    both = events(audit_text((first, second), AS_OF, "ics"))
    alone = events(audit_text((first,), AS_OF, "ics"))
    uids = [str(e["UID"]) for e in both]
    assert len(set(uids)) == len(uids) == 2 * len(alone)
    # The first keeps the UIDs it has alone: importing it again updates the same events.
    assert {str(e["UID"]) for e in alone} <= set(uids)
