"""Each item's check: the checklist's template with the launch file's target filled in."""

from __future__ import annotations

from collections.abc import Iterable

from gtm_check.model.inputs import UNSTATED, ChecklistItem, Launch
from gtm_check.model.verify import AnyCheck, merged
from gtm_check.model.vocabulary import Status


def checks_of(launch: Launch, items: Iterable[ChecklistItem]) -> dict[str, AnyCheck]:
    """Every item's complete check, by item id, in the order given: a template the launch
    file does not fill in is no check yet, and runs nothing."""
    found: dict[str, AnyCheck] = {}
    for item in items:
        state = launch.items.get(item.id)
        check = merged(item.verify, state.verify if state else None)
        if check is not None:
            found[item.id] = check
    return found


def checks_to_run(launch: Launch, items: Iterable[ChecklistItem]) -> dict[str, AnyCheck]:
    """The checks ``audit --verify`` runs: those of the items this launch owes (its traits
    and tier, and not ``n/a``): a check on an item that does not apply fetches nothing."""
    traits = frozenset(launch.traits)
    owed = [
        item
        for item in items
        if item.owed_by(traits, launch.tier)
        and launch.items.get(item.id, UNSTATED).status is not Status.NOT_APPLICABLE
    ]
    return checks_of(launch, owed)
