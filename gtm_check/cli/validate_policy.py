"""``validate`` under a policy: the launch judged as ``audit`` judges it, what goes below located.

Apart from ``cli/validating.py`` because judging scores the launch: the result types and the
scoring rules take 15 ms to import, which a launch with no policy does not pay (``main.py``
imports this module when a launch has one).
"""

from __future__ import annotations

import datetime as dt

from gtm_check.load.checklists import required_items
from gtm_check.load.launch import LoadedLaunch
from gtm_check.load.yamltree import Finding
from gtm_check.model.inputs import Policy
from gtm_check.model.problems import Problem
from gtm_check.model.results import Breach
from gtm_check.scoring.policy import breaches
from gtm_check.scoring.score import required_scores, score_launch


def below_policy(loaded: LoadedLaunch, policy: Policy) -> list[Problem]:
    """Every rule of the policy, the warnings it makes fail too, judged as ``audit`` judges
    them on today's date (the waivers active today, the longest one counted from today)."""
    found = judged(loaded, policy, dt.date.today())
    return loaded.source.locate(Finding(b.loc, f"policy: {b.message}") for b in found)


def judged(loaded: LoadedLaunch, policy: Policy, day: dt.date) -> list[Breach]:
    """What of the launch goes below ``policy`` on ``day``: its rules and its warnings."""
    checklists = [c.checklist for c in loaded.checklists]
    items = {item.id: item for checklist in checklists for item in checklist.items}
    report = score_launch(loaded.launch, checklists, day)
    required = required_items(policy.required_checklists, loaded.checklists)
    scores = required_scores(report.items, required)
    gate = loaded.launch.gate
    return breaches(policy, loaded.launch, gate, items, day, report.warnings, required, scores)
