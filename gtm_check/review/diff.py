"""``diff``, end to end: load both sides, score them on one date, compare."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from gtm_check.load.checklists import ChecklistReader, required_items
from gtm_check.load.policy import PolicyReader
from gtm_check.review.sides import SideSpec, load_newer, load_older, since_commit
from gtm_check.scoring.diff import LaunchDiff, diff_reports
from gtm_check.scoring.score import score_counted


@dataclass(frozen=True)
class DiffRequest:
    new: str
    """LAUNCH, or NEW: a path or ``REV:path``."""
    old: str | None = None
    """OLD; None: the launch file at ``since``."""
    since: str | None = None
    today: dt.date = field(default_factory=dt.date.today)
    as_of: dt.date | None = None
    """Score both sides on this date rather than today."""
    ci: bool = False
    bases: tuple[str, ...] = ()
    """In CI, the branches the change goes into as the CI names them, first first."""
    allow_outside: bool = False
    policy: Path | None = None
    """A policy file on top of every .gtm-check.yaml found upward from the launch file."""


def compare(request: DiffRequest) -> LaunchDiff:
    """Both sides scored under the policy that holds now, as ``audit`` finds it: --policy
    FILE and the .gtm-check.yaml files on disk upward from where the newer side is named,
    never a policy from a revision (a pull request's old side could not relax it, nor its
    new side, beyond what ``audit`` lets it). Each side is judged by every rule ``audit``
    applies (``scoring.policy.breaches``), the required checklists' items on their own
    among them, so that neither side looks better than ``audit`` lets it."""
    reader = ChecklistReader()
    new_spec = SideSpec.parse(request.new, "NEW" if request.old is not None else "LAUNCH")
    old_spec = None if request.old is None else SideSpec.parse(request.old, "OLD")
    # The newer side first: a launch file refused (a link out of the repository) is refused
    # as such, before git is asked about its history.
    newer = load_newer(new_spec, reader, request.today, allow_outside=request.allow_outside)
    if old_spec is None:
        # "7d", a date and the default week count back from the day both sides are judged
        # on: a past week's review (--as-of) compares that week.
        day = request.as_of or request.today
        commit = since_commit(new_spec.path, request.since, day, ci=request.ci, bases=request.bases)
        old_spec = SideSpec(new_spec.path, commit.id)
    older = load_older(old_spec, newer, reader, request.today, allow_outside=request.allow_outside)
    policies = PolicyReader(
        request.policy, allow_outside=request.allow_outside, budget=reader.budget
    )
    policy = policies.for_launch(new_spec.path)
    # Today, as audit judges: a commit date is the committer's word, and must not move the
    # day a waiver's length, an attestation's or a waiver's expiry is judged on.
    as_of = request.as_of or request.today
    checklists = [c.checklist for c in newer.checklists]
    required = required_items(policy.required_checklists, newer.checklists) if policy else None
    old, new = (
        score_counted(side.launch, checklists, as_of, policy, required=required or frozenset())
        for side in (older, newer)
    )
    return diff_reports(old, new, older.side, newer.side)
