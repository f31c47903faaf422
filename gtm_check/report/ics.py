"""The calendar (``--format ics``): launch day, milestones and open items' due dates (RFC 5545).

All-day events that Google Calendar, Outlook and Apple Calendar import. Each event's UID comes
from the launch's name and what the event is (the launch, a milestone's name, an item's id),
never from a date, so a calendar imported again after the launch moved updates its events
rather than adding new ones. DTSTAMP is the as-of date at midnight UTC and SEQUENCE its day
number, so the same files and ``--as-of`` give the same bytes, and a later export is a newer
revision of each event.

User text reaches the file only as the value of a TEXT property the renderer names: shown
with ``visible`` (no control character, no line break of any kind survives), then escaped
(``\\``, ``;``, ``,``), then folded at 75 octets; lines end in CRLF. A title can therefore
neither end its property nor start another one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Sequence

from gtm_check.model.plan import Plan, PlannedItem, days
from gtm_check.model.results import ItemResult, MilestoneResult, Report
from gtm_check.model.safetext import visible
from gtm_check.report import RenderOptions
from gtm_check.report.shared import status_text, verification_text

LINE_OCTETS = 75
"""RFC 5545 3.1: lines longer than this many octets are folded."""
PRODID = "-//gtm-check//launch readiness//EN"
EPOCH = dt.date(1970, 1, 1)


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    """One calendar for one launch or a portfolio: every launch's events."""
    name = reports[0].launch.name if len(reports) == 1 else f"{len(reports)} launches"
    # Two launches of one name in a portfolio (in its order) would share every UID, and a
    # calendar keeps one event of each: the later ones are told apart by their number.
    seen: dict[str, int] = {}
    events: list[list[str]] = []
    for report in reports:
        n = seen[report.launch.name] = seen.get(report.launch.name, 0) + 1
        events += _events(report, None, "" if n == 1 else f"-{n}")
    return _calendar(f"gtm-check: {name}", events)


def render_plan(plan: Plan, options: RenderOptions) -> str:
    """The plan's calendar: the audit's events, each item's with its slack, the launch
    day's with where the critical path ends."""
    return _calendar(f"gtm-check: {plan.launch.name}", list(_events(plan.report, plan)))


def _calendar(name: str, events: Sequence[list[str]]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{text(name)}",
    ]
    for event in events:
        lines += event
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _events(report: Report, plan: Plan | None, again: str = "") -> Iterator[list[str]]:
    """The launch day, each milestone by date, each open item with a due date by date (the
    gap list's: with a filter, only the items it keeps); ``again``: what tells a launch
    from an earlier one of the same name in the same calendar."""
    key = _key(report.launch.name) + again
    yield _launch_event(report, plan, key)
    for milestone in report.milestones:
        yield _milestone_event(report, milestone, key)
    planned = {p.item.id: p for p in plan.path.items} if plan is not None else {}
    dated = sorted((g for g in report.gaps if g.due), key=lambda g: (g.due, g.id))
    for item in dated:
        yield _item_event(report, item, planned.get(item.id), key)


def _key(name: str) -> str:
    """What makes a launch's UIDs its own: a digest of its name (user text stays out)."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]


def _event(uid: str, day: dt.date, as_of: dt.date, summary: str, description: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}@gtm-check",
        f"DTSTAMP:{_date(as_of)}T000000Z",
        f"SEQUENCE:{(as_of - EPOCH).days if as_of >= EPOCH else 0}",
        f"DTSTART;VALUE=DATE:{_date(day)}",
    ]
    if day < dt.date.max:  # an all-day event: until the next day (RFC 5545 3.6.1)
        lines.append(f"DTEND;VALUE=DATE:{_date(day + dt.timedelta(days=1))}")
    lines += [
        f"SUMMARY:{text(summary)}",
        f"DESCRIPTION:{_lines(description)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]
    return lines


def _launch_event(report: Report, plan: Plan | None, key: str) -> list[str]:
    launch, gate = report.launch, report.gate
    verdict = "gate passed" if gate.passed else "gate failed: " + "; ".join(gate.failures)
    description = [
        launch.title,
        f"launch day; the gate: {gate.describe()}",
        f"as of {launch.as_of}: {verdict}",
        f"open items: {report.overall.open}, overdue: {report.overall.overdue}",
    ]
    if plan is not None:  # "ready" would be wrong while anything holds it back: say why
        description.append(plan.path.summary if plan.ready is not None else plan.headline)
    return _event(
        f"launch-{key}",
        launch.launch_date,
        launch.as_of,
        f"Launch: {launch.label}",
        "\n".join(description),
    )


def _milestone_event(report: Report, milestone: MilestoneResult, key: str) -> list[str]:
    stages = ", ".join(milestone.stages)
    description = [
        f"milestone {milestone.name} of {report.launch.title}",
        f"{stages} {'needs' if len(milestone.stages) == 1 else 'each need'} "
        f"{milestone.min_score:g}, and no open blocker due by it",
        f"as of {report.launch.as_of}: {milestone.status}"
        + (f" ({'; '.join(milestone.shortfalls)})" if milestone.shortfalls else ""),
    ]
    return _event(
        f"milestone-{milestone.name}-{key}",
        milestone.date,
        report.launch.as_of,
        f"Milestone {milestone.name}: {report.launch.label}",
        "\n".join(description),
    )


def _item_event(
    report: Report, item: ItemResult, planned: PlannedItem | None, key: str
) -> list[str]:
    assert item.due is not None
    if item.overdue_days is not None:
        due = f"due {item.due}, {days(item.overdue_days)} overdue as of {report.launch.as_of}"
    else:
        due = f"due {item.due}" + (" (lead time)" if item.due_from_lead else "")
    description = [
        f"item {item.id} of {report.launch.title}",
        f"owner {item.owner or 'none'}",
        f"{item.severity}, {item.stage}, {status_text(item)}",
        due,
    ]
    if planned is not None:
        description.append(
            f"slack {planned.slack:+d} days; done {planned.earliest} at the earliest"
            + (f", waits on {planned.waits_on}" if planned.waits_on else "")
        )
    if report.verified:  # audit --verify
        passes = "; it passes: mark it done" if item.suggest_done else ""
        description.append(f"check: {verification_text(item)}{passes}")
    return _event(
        f"item-{item.id}-{key}",
        item.due,
        report.launch.as_of,
        f"Due: {item.title} ({item.id})",
        "\n".join(description),
    )


def _date(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def text(value: str) -> str:
    """User text as one TEXT value: every hidden character and line break shown, not acted
    on (``visible``), then ``\\``, ``;`` and ``,`` escaped (RFC 5545 3.3.11)."""
    shown = visible(value)
    return shown.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")


def _lines(value: str) -> str:
    """Lines of our own (each through ``text``) as one TEXT value, joined by its ``\\n``."""
    return "\\n".join(text(line) for line in value.split("\n"))


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1): each continuation starts with a
    space, no UTF-8 character is cut in two, and no continuation's text starts with "::"
    after white space: the GitHub runner trims a log line's leading white space before it
    looks for a workflow command, so " ::error ..." would be one. Unfolding gives ``line``
    back exactly."""
    data = line.encode("utf-8")
    if len(data) <= LINE_OCTETS:
        return line
    parts = []
    start, room = 0, LINE_OCTETS
    while len(data) - start > room:
        end = _cut(data, start, start + room)
        if end == len(data):
            break
        parts.append(data[start:end].decode("utf-8"))
        start, room = end, LINE_OCTETS - 1  # the leading space counts
    parts.append(data[start:].decode("utf-8"))
    return "\r\n ".join(parts)


def _cut(data: bytes, start: int, end: int) -> int:
    """Where to fold the line ``data[start:]``: the last good place at or before ``end``.
    A good place is a character boundary that splits no escape ("\\,") and does not put
    "::" at the start of the next line. Only a run of colons and white space as long as a
    line has none; then the line runs on to the first good place after ``end`` (RFC 5545
    says lines SHOULD NOT be longer than 75 octets: a rare long line beats a command)."""
    for cut in range(end, start, -1):
        if _good_cut(data, start, cut):
            return cut
    cut = end + 1
    while cut < len(data) and not _good_cut(data, start, cut):
        cut += 1
    return cut


def _good_cut(data: bytes, start: int, cut: int) -> bool:
    return (
        data[cut] & 0xC0 != 0x80  # not a continuation byte: a character starts here
        and not _escaping(data, start, cut)
        and not _COMMAND_AHEAD.match(data[cut : cut + _AHEAD].decode("utf-8", "ignore"))
    )


_AHEAD = 64
"""Octets looked at after a fold: the white space the runner trims, then "::"."""
_COMMAND_AHEAD = re.compile(r"\s*(?::(?::|\s*$)|$)")
"""A continuation that starts (after white space) with "::", or might: one whose window
ends in white space, or in ":" after white space only, is refused too (on the safe side)."""


def _escaping(data: bytes, start: int, end: int) -> bool:
    """Whether the byte before ``end`` is a backslash that escapes the byte at ``end``: the
    last of an odd run of backslashes."""
    run = 0
    while end - run - 1 >= start and data[end - run - 1] == ord("\\"):
        run += 1
    return run % 2 == 1
