"""Moving a launch, and the due dates an earlier ``init`` froze into its file: what changes.

Pure: a launch and its checklists in, what a move or a clean-up would do out. The text edits
are ``edit.set_launch_date`` and ``edit.drop_due``; the command line reports and writes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from gtm_check.model.inputs import Checklist, ChecklistItem, Launch
from gtm_check.model.plan import days
from gtm_check.model.vocabulary import Status


@dataclass(frozen=True)
class Derived:
    """A ``due:`` equal to the date a lead time the item's checklist states gives."""

    item: str
    due: dt.date
    lead: int
    """The lead time it equals, in days before launch."""
    follows: dt.date | None
    """The date it follows once dropped: the lead time of the launch's tier (None: the item
    is not owed at this tier, so it has none)."""

    def describe(self, verb: str) -> str:
        """What dropping it does, e.g. "legal.dpa: due 2027-01-15 dropped (45 days before
        launch, what its lead time gives)"."""
        line = f"{self.item}: due {self.due} {verb} ({days(self.lead)} before launch"
        if self.follows == self.due:
            return line + ", what its lead time gives)"
        if self.follows is None:
            return line + "; no lead time at this launch's tier now)"
        return line + f"; now it follows its tier's lead time: {self.follows})"


def stated_leads(item: ChecklistItem) -> list[int]:
    """Every lead time the checklist states for the item: its one number, or each tier's."""
    if isinstance(item.lead_days, dict):
        return sorted(set(item.lead_days.values()))
    return [] if item.lead_days is None else [item.lead_days]


def derived_dues(launch: Launch, checklists: Sequence[Checklist]) -> list[Derived]:
    """The items whose ``due:`` equals the launch date less a lead time their checklist
    states (at any tier), in checklist order: what ``init`` used to write, and what
    ``--drop-derived-dates`` drops."""
    found = []
    for item in (i for c in checklists for i in c.items):
        state = launch.items.get(item.id)
        if state is None or state.due is None:
            continue
        for lead in stated_leads(item):
            if _before(launch.launch_date, lead) == state.due:
                own = item.lead_time(launch.tier)
                follows = None if own is None else _before(launch.launch_date, own)
                found.append(Derived(item.id, state.due, lead, follows))
                break
    return found


def written_for(launch: Launch, checklists: Sequence[Checklist]) -> dt.date | None:
    """The launch date most ``due:`` dates were derived from, when it is not the file's
    own: an earlier ``init`` wrote them, and ``launch_date`` was changed by hand since. At
    least three dates must agree on it."""
    votes: Counter[dt.date] = Counter()
    for item in (i for c in checklists for i in c.items):
        state = launch.items.get(item.id)
        if state is not None and state.due is not None:
            votes.update({_after(state.due, lead) for lead in stated_leads(item)})
    best = sorted(votes.items(), key=lambda vote: (-vote[1], vote[0]))
    if not best or best[0][1] < 3 or best[0][0] == launch.launch_date:
        return None
    return best[0][0]


@dataclass(frozen=True)
class Move:
    """What moving the launch to ``to`` does to its dates."""

    old: dt.date
    to: dt.date
    following: int
    """Owed items whose due date comes from their lead time: they move with the launch."""
    after_launch: list[tuple[str, dt.date]]
    """Items whose ``due:`` the file keeps that fall after the new launch date."""
    before_today: list[tuple[str, dt.date]]
    """Items whose ``due:`` the file keeps that fall before today, still open."""
    milestones: list[tuple[int, str, dt.date]]
    """Milestones (index, name, date) that would no longer be before launch day."""

    @property
    def shift(self) -> str:
        n = (self.to - self.old).days
        return "the same day" if n == 0 else f"{days(abs(n))} {'later' if n > 0 else 'earlier'}"


def move(
    launch: Launch,
    checklists: Sequence[Checklist],
    to: dt.date,
    today: dt.date,
    *,
    dropping: Sequence[str] = (),
) -> Move:
    """The launch moved to ``to``, with the ``due:`` of ``dropping`` gone first."""
    following, after, before = 0, [], []
    dropped = set(dropping)
    for item in (i for c in checklists for i in c.items):
        state = launch.items.get(item.id)
        owed = item.owed_by(frozenset(launch.traits), launch.tier)
        due = None if state is None or item.id in dropped else state.due
        if due is None:
            by = state is not None and state.by is not None
            following += owed and not by and item.lead_time(launch.tier) is not None
            continue
        done = state is not None and state.status in (Status.DONE, Status.NOT_APPLICABLE)
        if due > to:
            after.append((item.id, due))
        elif due < today and not done:
            before.append((item.id, due))
    clashes = [(n, m.name, m.date) for n, m in enumerate(launch.milestones) if m.date >= to]
    return Move(launch.launch_date, to, following, after, before, clashes)


def _before(day: dt.date, lead: int) -> dt.date | None:
    try:
        return day - dt.timedelta(days=lead)
    except OverflowError:
        return None


def _after(day: dt.date, lead: int) -> dt.date:
    try:
        return day + dt.timedelta(days=lead)
    except OverflowError:
        return dt.date.max
