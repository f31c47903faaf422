"""Where a loaded launch's items and gate are written, for the formats that point at lines.

Apart from ``load/launch.py`` so that loading a launch does not import the result types:
``validate`` of a launch without a policy needs none of them (15 ms of a 170 ms run on a
300-item launch, benchmarks/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from gtm_check.load.launch import LoadedLaunch
from gtm_check.model.results import GateLocations, GateResult, Location, MilestoneResult


def locations(loaded: LoadedLaunch) -> dict[str, Location]:
    """Where each item's state is set: its entry in the launch file if it has one, else
    the item in a team checklist, else (built-in items) where the launch file names the
    checklist. Reports that point at lines (GitHub annotations) use this.

    Each file is walked again for these positions alone (``Source.positions``), a team
    checklist only for the items the launch file does not set."""
    path = loaded.source.path
    launch = loaded.source.positions(
        values=[checklist.reference for checklist in loaded.checklists],
        keys={("items", item.id) for c in loaded.checklists for item in c.checklist.items},
    )
    found: dict[str, Location] = {}
    for checklist in loaded.checklists:
        unset: list[int] = []
        for index, item in enumerate(checklist.checklist.items):
            if ("items", item.id) in launch.keys:
                found[item.id] = Location(path, *launch.keys[("items", item.id)])
            elif checklist.builtin:
                found[item.id] = Location(path, *launch.of(checklist.reference))
            else:
                unset.append(index)
        if unset:
            team = checklist.source.positions(values=[("items", index) for index in unset])
            for index in unset:
                where = team.of(("items", index))
                found[checklist.checklist.items[index].id] = Location(checklist.source.path, *where)
    return found


def gate_locations(
    loaded: LoadedLaunch, gate: GateResult, milestones: Sequence[MilestoneResult]
) -> GateLocations:
    """The lines a failed gate points at: ``gate:`` (or ``launch:`` for the default gate)
    for a failed stage, a missed milestone's entry, the value that goes below the policy."""
    index = {m.name: i for i, m in enumerate(loaded.launch.milestones)}
    missed = {m.reason: ("milestones", index[m.name]) for m in milestones if m.status == "missed"}
    breaches = {f"policy: {breach.message}": breach.loc for breach in gate.refused}
    positions = loaded.source.positions(
        values=[*missed.values(), *breaches.values()], keys=[("launch",), ("gate",)]
    )
    path = loaded.source.path
    top = Location(path, *positions.of(("launch",), key=True))
    at_gate = (
        Location(path, *positions.of(("gate",), key=True)) if ("gate",) in positions.keys else top
    )
    failures = dict.fromkeys(gate.failed_stages.values(), at_gate)
    for reason, loc in [*missed.items(), *breaches.items()]:
        failures[reason] = Location(path, *positions.of(loc))
    return GateLocations(top, at_gate, failures)
