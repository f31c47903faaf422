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
    checklist. Reports that point at lines (GitHub annotations) use this."""
    launch = loaded.positions
    path = loaded.source.path
    found: dict[str, Location] = {}
    for checklist in loaded.checklists:
        team = None if checklist.builtin else checklist.source.positions()
        for index, item in enumerate(checklist.checklist.items):
            if ("items", item.id) in launch.keys:
                found[item.id] = Location(path, *launch.of(("items", item.id), key=True))
            elif team is None:
                found[item.id] = Location(path, *launch.of(checklist.reference))
            else:
                found[item.id] = Location(checklist.source.path, *team.of(("items", index)))
    return found


def gate_locations(
    loaded: LoadedLaunch, gate: GateResult, milestones: Sequence[MilestoneResult]
) -> GateLocations:
    """The lines a failed gate points at: ``gate:`` (or ``launch:`` for the default gate)
    for a failed stage, a missed milestone's entry, the value that goes below the policy."""
    positions = loaded.positions
    path = loaded.source.path
    top = Location(path, *positions.of(("launch",), key=True))
    at_gate = (
        Location(path, *positions.of(("gate",), key=True)) if ("gate",) in positions.keys else top
    )
    failures = dict.fromkeys(gate.failed_stages.values(), at_gate)
    index = {m.name: i for i, m in enumerate(loaded.launch.milestones)}
    for milestone in milestones:
        if milestone.status == "missed":
            where = positions.of(("milestones", index[milestone.name]))
            failures[milestone.reason] = Location(path, *where)
    for breach in gate.refused:
        failures[f"policy: {breach.message}"] = Location(path, *positions.of(breach.loc))
    return GateLocations(top, at_gate, failures)
