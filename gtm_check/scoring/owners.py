"""Who the launch waits on: open weight, blockers, overdue items and dependants per owner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gtm_check.model.inputs import Checklist
from gtm_check.model.results import ItemResult, Report
from gtm_check.model.vocabulary import Severity


@dataclass(frozen=True, slots=True)
class OwnerLoad:
    owner: str
    open: int
    open_weight: float
    open_blockers: int
    overdue: int
    waiting: int
    """Other open items that require one of this owner's open items."""


@dataclass(frozen=True)
class OwnersReport:
    report: Report
    owners: list[OwnerLoad]
    unowned_blockers: list[ItemResult]


def owner_loads(report: Report, checklists: Sequence[Checklist]) -> OwnersReport:
    """Owners ranked by open weight, then open blockers, overdue items and dependants."""
    open_items = {i.id: i for i in report.items if i.open}
    requires = {item.id: item.requires for c in checklists for item in c.items}
    waiting: dict[str, int] = {}
    for item in open_items.values():
        owners = {open_items[r].owner for r in requires.get(item.id, []) if r in open_items} - {
            None,
            item.owner,
        }
        for owner in owners:
            assert owner is not None
            waiting[owner] = waiting.get(owner, 0) + 1
    by_owner: dict[str, list[ItemResult]] = {}
    for item in open_items.values():
        if item.owner:
            by_owner.setdefault(item.owner, []).append(item)
    loads = [
        OwnerLoad(
            owner,
            len(mine),
            float(sum(i.weight for i in mine)),
            sum(i.severity is Severity.BLOCKER for i in mine),
            sum(i.overdue_days is not None for i in mine),
            waiting.get(owner, 0),
        )
        for owner, mine in by_owner.items()
    ]
    loads.sort(key=lambda o: (-o.open_weight, -o.open_blockers, -o.overdue, -o.waiting, o.owner))
    unowned = [i for i in report.gaps if i.severity is Severity.BLOCKER and not i.owner]
    return OwnersReport(report, loads, unowned)
