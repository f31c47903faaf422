"""The critical path of a launch: when it can be ready, what decides it, each open item's slack."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gtm_check.model.results import ItemResult, LaunchSummary, Report
from gtm_check.model.vocabulary import Stage

if TYPE_CHECKING:  # the trend's types: built only by audit --history
    from gtm_check.model.history import History

CHAIN_SHOWN = 5
"""The most item ids a one-line summary of the chain names before it says "…"."""


def days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def open_items(n: int) -> str:
    """``n`` open items in words: "1 open item", "3 open items"."""
    return f"{n} open item{'' if n == 1 else 's'}"


def relative(n: int, to: str = "launch") -> str:
    """``n`` days from a date in words: "11 days after launch", "3 days before launch"."""
    if n == 0:
        return f"on {to} day" if to == "launch" else f"on {to}"
    return f"{days(abs(n))} {'after' if n > 0 else 'before'} {to}"


@dataclass(frozen=True, slots=True)
class PlannedItem:
    """An open item on the plan: when it is needed, when it can be done at the earliest, and
    how many days it can slip without making the launch, or an item that needs it, late."""

    item: ItemResult
    needed_by: dt.date
    """Its due date, or launch day when it has none."""
    earliest: dt.date
    """Today at the earliest, and no earlier than the open items it requires allow."""
    latest: dt.date
    """The last day it can be done without making itself or an open item needing it late."""
    waits_on: str | None
    """The open item it requires that holds it back the most (None: nothing holds it)."""
    gated: bool
    """Whether its stage is gated: only those decide when the launch can be ready."""

    @property
    def slack(self) -> int:
        """Days it can slip; negative: how late it will be at the earliest."""
        return (self.latest - self.earliest).days

    @property
    def late(self) -> int:
        """Days it will be done after its own due date at the earliest (0: in time)."""
        return max(0, (self.earliest - self.needed_by).days)


@dataclass(frozen=True)
class CriticalPath:
    """When the launch can be ready, and the chain of open items that decides it."""

    launch_date: dt.date
    as_of: dt.date
    ready: dt.date
    """The earliest date the launch can be ready (the as-of date when nothing is open)."""
    chain: list[PlannedItem]
    """The open items that decide ``ready``, first to be done first; empty: nothing open."""
    items: list[PlannedItem] = field(default_factory=list)
    """Every open item, least slack first (then by due date, severity and id)."""

    @property
    def days_after_launch(self) -> int:
        """Days from the launch date to ``ready``: positive when the launch cannot be ready."""
        return (self.ready - self.launch_date).days

    @property
    def late(self) -> bool:
        return self.ready > self.launch_date

    def ids(self, limit: int | None = CHAIN_SHOWN) -> str:
        """The chain's ids joined by arrows, the first ``limit`` of them and then "…"."""
        return self.joined([p.item.id for p in self.chain], " → ", limit)

    @staticmethod
    def joined(ids: list[str], between: str, limit: int | None = CHAIN_SHOWN) -> str:
        """``ids`` joined, the first ``limit`` of them and then "…"."""
        if limit is not None and len(ids) > limit:
            ids = [*ids[:limit], "…"]
        return between.join(ids)

    @property
    def empty(self) -> str:
        """Why the chain is empty: no open gated item, or only ones due after launch day
        (which the chain leaves out)."""
        if any(p.gated for p in self.items):
            return "nothing is on the critical path"
        return "nothing is open in the gated stages"

    @property
    def summary(self) -> str:
        """One line: "critical path ends 2027-03-12, 11 days after launch: a → b"."""
        if not self.chain:
            return f"{self.empty}: ready {self.ready}"
        return f"critical path ends {self.ready}, {relative(self.days_after_launch)}: {self.ids()}"


@dataclass(frozen=True, slots=True)
class Outlook:
    """Which is later, the critical path or the pace of the trend, and so which decides."""

    path: dt.date
    """When the critical path ends."""
    pace: dt.date | None
    """When the last gated stage passes at the current rate; None: it does not, at that rate."""
    stage: Stage
    """The gated stage that passes last at the current rate (or never)."""
    verdict: str
    """That stage's projection, e.g. "late by 12 days" or "no progress in 4 weeks"."""

    @property
    def decides(self) -> str:
        """``critical path``, ``pace`` or ``both`` (the same day)."""
        if self.pace is None or self.pace > self.path:
            return "pace"
        return "both" if self.pace == self.path else "critical path"

    @property
    def sentence(self) -> str:
        if self.pace is None:
            return (
                f"the pace decides: at the current rate {self.stage} does not pass "
                f"({self.verdict}), whatever the critical path allows ({self.path})"
            )
        gap = (self.pace - self.path).days
        if gap > 0:
            return (
                f"the pace decides: at the current rate {self.stage} passes on {self.pace}, "
                f"{relative(gap, 'the end of the critical path')} ({self.path})"
            )
        if gap < 0:
            return (
                f"the critical path decides: it ends {self.path}, "
                f"{relative(-gap, 'the pace')} ({self.stage} passes on {self.pace} at the "
                "current rate)"
            )
        return f"the critical path and the pace agree: both end {self.path}"


@dataclass(frozen=True)
class Plan:
    """``gtm-check plan``: the launch's report, its critical path, and with ``--history`` the
    pace it is compared with."""

    report: Report
    path: CriticalPath
    history: History | None = None
    outlook: Outlook | None = None

    @property
    def launch(self) -> LaunchSummary:
        return self.report.launch

    @property
    def policy(self) -> list[str]:
        """Where the launch goes below its policy: ``audit`` fails the gate on each, however
        soon the critical path ends."""
        return [breach.message for breach in self.report.gate.refused]

    @property
    def missed(self) -> list[str]:
        """Each milestone missed, as ``audit`` fails the gate on it: its stages may be ones
        the gate does not check, so the critical path need not reach them."""
        return self.report.gate.missed

    @property
    def after_launch(self) -> list[PlannedItem]:
        """Open items due after launch day in gated stages that fail the gate: the critical
        path leaves them out (launch day does not need them), yet the gate fails on their
        stage until they are done (an open blocker, a score short of the minimum)."""
        failed = self.report.gate.failed_stages
        launch = self.launch.launch_date
        return [
            p
            for p in self.path.items
            if p.gated and p.item.stage in failed and p.needed_by > launch
        ]

    @property
    def headline(self) -> str:
        """When the launch can be ready against its date, in words; never "ready" while the
        launch goes below its policy, has missed a milestone, or fails the gate on items due
        after launch (no item the critical path finishes mends those)."""
        path = self.path
        held = []
        if n := len(self.policy):
            held.append(f"the launch goes below its policy ({n} breach{'' if n == 1 else 'es'})")
        if n := len(self.missed):
            held.append(f"it missed {n} milestone{'' if n == 1 else 's'}")
        if later := self.after_launch:
            ids = CriticalPath.joined([p.item.id for p in later], ", ")
            held.append(f"the gate fails on {open_items(len(later))} due after launch ({ids})")
        nothing = path.empty
        ends = f"the critical path ends {path.ready}, {relative(path.days_after_launch)}"
        if held:  # the chain's end is no date the launch can be ready on
            return f"{ends if path.chain else nothing}, but {' and '.join(held)}: not ready"
        if not path.chain:
            return f"{nothing}: ready now ({path.ready})"
        return ends

    @property
    def ready(self) -> dt.date | None:
        """When the launch can be ready: where its critical path ends, and no date while it
        goes below its policy, has missed a milestone or fails the gate on items due after
        launch."""
        return None if self.policy or self.missed or self.after_launch else self.path.ready

    @classmethod
    def of(cls, report: Report) -> Plan:
        """The plan of a report that carries its critical path."""
        assert report.critical_path is not None, "the report was scored without its plan"
        return cls(report, report.critical_path, report.history, report.outlook)
