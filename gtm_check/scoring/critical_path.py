"""The critical path from ``requires``, lead times and today's state: pure (README: "Plan").

The model, in the README's words:

- An open item is needed by its due date (its ``due``, its milestone's date, or the launch
  date less its lead time), or on launch day when it has none.
- It can be done today at the earliest. When it requires open items, it can be done no
  earlier than each of them plus the days the checklist gives it after that one: the
  prerequisite's lead time less its own (at the launch's tier; none counts as 0, and the
  gap is never negative). Credited items are done: they hold nothing back.
- Its latest date is its due date, or earlier when an open item that requires it needs it
  sooner: that item's latest date less the days between them. Its slack is its latest date
  less its earliest; a negative slack is how late it will be.
- The launch can be ready when every open item of the gated stages due by launch day can
  be: launch day plus the most days any of them will be done after its due date (or, when
  none is late, launch day less the least such margin; the as-of date when nothing is
  open). The chain that decides it runs from that item back through the prerequisite that
  holds each one back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from gtm_check.model.inputs import Checklist
from gtm_check.model.plan import CriticalPath, Outlook, PlannedItem
from gtm_check.model.results import Report

if TYPE_CHECKING:  # the trend's types: built only by audit --history
    from gtm_check.model.history import History


def _gap(lead: Mapping[str, int], before: str, after: str) -> int:
    """The days the checklist gives ``after`` once ``before``, which it requires, is done."""
    return max(0, lead.get(before, 0) - lead.get(after, 0))


def _order(open_ids: Sequence[str], requires: Mapping[str, Sequence[str]]) -> list[str]:
    """The open items, each after the open items it requires (a circle, which the loader
    refuses, would be cut where it closes rather than loop)."""
    done: set[str] = set()
    walking: set[str] = set()
    order: list[str] = []
    for start in open_ids:
        if start in done:
            continue
        stack = [(start, iter(requires.get(start, ())))]
        walking.add(start)
        while stack:
            node, rest = stack[-1]
            nxt = next((r for r in rest if r not in done and r not in walking), None)
            if nxt is None:
                stack.pop()
                walking.discard(node)
                done.add(node)
                order.append(node)
            else:
                walking.add(nxt)
                stack.append((nxt, iter(requires.get(nxt, ()))))
    return order


def critical_path(report: Report, checklists: Sequence[Checklist]) -> CriticalPath:
    """The launch's critical path on the report's as-of date, for its gated stages."""
    launch, as_of = report.launch.launch_date, report.launch.as_of
    tier = report.launch.tier
    items = {i.id: i for i in report.items if i.open}
    requires: dict[str, list[str]] = {}
    lead: dict[str, int] = {}
    for checklist in checklists:
        for item in checklist.items:
            if item.id in items:
                requires[item.id] = [r for r in item.requires if r in items]
                lead[item.id] = item.lead_time(tier) or 0
    needed = {i: item.due or launch for i, item in items.items()}
    order = _order(list(items), requires)
    earliest: dict[str, dt.date] = {}
    waits_on: dict[str, str | None] = {}
    for i in order:
        required = requires.get(i, [])
        earliest[i], waits_on[i] = _earliest(i, required, earliest, needed, lead, as_of)
    latest = dict(needed)
    for i in reversed(order):
        for r in requires.get(i, []):
            latest[r] = min(latest[r], _shift(latest[i], -_gap(lead, r, i)))
    gated = set(report.gate.stages)
    planned = {
        i: PlannedItem(
            items[i], needed[i], earliest[i], latest[i], waits_on[i], items[i].stage in gated
        )
        for i in order
    }
    end = _end(planned.values(), launch)
    chain = _chain(end, planned) if end is not None else []
    ready = as_of if end is None else _shift(launch, (end.earliest - end.needed_by).days)
    ranked = sorted(
        planned.values(), key=lambda p: (p.slack, p.needed_by, p.item.severity.rank, p.item.id)
    )
    return CriticalPath(launch, as_of, max(ready, as_of), chain, ranked)


def _earliest(
    item: str,
    required: Sequence[str],
    earliest: Mapping[str, dt.date],
    needed: Mapping[str, dt.date],
    lead: Mapping[str, int],
    as_of: dt.date,
) -> tuple[dt.date, str | None]:
    """When ``item`` can be done at the earliest, and the prerequisite that decides it: of
    those that hold it to that day, the latest against its own due date, then by id."""
    after = {r: _shift(earliest[r], _gap(lead, r, item)) for r in required}
    day = max([as_of, *after.values()])
    holding = [r for r, d in after.items() if d == day]
    if not holding:
        return day, None
    return day, min(holding, key=lambda r: (-(earliest[r] - needed[r]).days, r))


def _end(planned: Iterable[PlannedItem], launch: dt.date) -> PlannedItem | None:
    """The gated open item, due by launch day, that will be done latest against its due
    date: the end of the critical path. Ties: the one done later, then the more severe."""
    candidates = [p for p in planned if p.gated and p.needed_by <= launch]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda p: (
            -(p.earliest - p.needed_by).days,
            -p.earliest.toordinal(),
            p.item.severity.rank,
            p.item.id,
        ),
    )


def _chain(end: PlannedItem, planned: Mapping[str, PlannedItem]) -> list[PlannedItem]:
    """From ``end`` back through what holds each item back, returned first to last."""
    chain = [end]
    while chain[-1].waits_on is not None and len(chain) <= len(planned):
        chain.append(planned[chain[-1].waits_on])
    return chain[::-1]


def _shift(day: dt.date, by: int) -> dt.date:
    """``day`` moved by ``by`` days, held at the ends of the calendar."""
    try:
        return day + dt.timedelta(days=by)
    except OverflowError:
        return dt.date.max if by > 0 else dt.date.min


def outlook(path: CriticalPath, history: History | None) -> Outlook | None:
    """With a trend: whichever ends later, the critical path or the pace at which the gated
    stages close their open weight; None when there is no projection to compare with."""
    if history is None or not history.projections:
        return None
    never = [p for p in history.projections if p.date is None]
    if never:
        return Outlook(path.ready, None, never[0].stage, never[0].verdict)
    last = max(history.projections, key=lambda p: (p.date or dt.date.max, p.stage.order))
    return Outlook(path.ready, last.date, last.stage, last.verdict)
