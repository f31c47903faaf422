"""``owners``, end to end: load and score the launch, rank who it waits on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gtm_check.load.checklists import ChecklistReader
from gtm_check.load.launch import load_launch
from gtm_check.load.policy import PolicyReader
from gtm_check.scoring.owners import OwnersReport, owner_loads
from gtm_check.scoring.policy import counted
from gtm_check.scoring.score import score_launch


def owners(
    path: Path, as_of: dt.date, *, allow_outside: bool = False, policy: Path | None = None
) -> OwnersReport:
    """Who the launch waits on, with the launch counted as the policy ``audit`` finds lets
    it (``scoring.policy.counted``): an item waived on a word the policy refuses still
    waits on its owner, and a stage the policy gates is gated."""
    reader = ChecklistReader()
    loaded = load_launch(path, reader, allow_outside=allow_outside)
    rules = PolicyReader(policy, allow_outside=allow_outside, budget=reader.budget)
    checklists = [c.checklist for c in loaded.checklists]
    launch = counted(rules.for_launch(path), loaded.launch, checklists, as_of)
    return owner_loads(score_launch(launch, checklists, as_of), checklists)
