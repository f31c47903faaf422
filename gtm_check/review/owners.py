"""``owners``, end to end: load and score the launch, rank who it waits on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gtm_check.load.checklists import ChecklistReader
from gtm_check.load.launch import load_launch
from gtm_check.scoring.owners import OwnersReport, owner_loads
from gtm_check.scoring.score import score_launch


def owners(path: Path, as_of: dt.date, *, allow_outside: bool = False) -> OwnersReport:
    loaded = load_launch(path, ChecklistReader(), allow_outside=allow_outside)
    checklists = [c.checklist for c in loaded.checklists]
    return owner_loads(score_launch(loaded.launch, checklists, as_of), checklists)
