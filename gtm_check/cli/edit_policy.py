"""Edits under the policy: ``set``, ``waive`` and ``unwaive`` may not add a breach.

The policy that ``audit`` and ``validate`` apply holds for an edit too: an edit that would
add a breach (a waiver approved by someone the policy does not allow, an n/a that takes a
stage past ``max_na_share``) is refused before anything is written. A breach the file
already had does not block an unrelated edit: only what the edit adds counts, so a team can
still fix one thing at a time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gtm_check.cli.validate_policy import judged
from gtm_check.load.launch import LoadedLaunch
from gtm_check.load.policy import PolicyReader
from gtm_check.load.yamltree import Finding
from gtm_check.model.inputs import Policy
from gtm_check.model.problems import GtmCheckError
from gtm_check.scoring.policy import added


class EditPolicy:
    """The policy over one edit, and the breaches the file had before it."""

    def __init__(self, policy: Policy | None, before: LoadedLaunch, day: dt.date) -> None:
        self.policy = policy
        self.day = day
        self.before = judged(before, policy, day) if policy is not None else []

    @classmethod
    def of(
        cls,
        launch: Path,
        before: LoadedLaunch,
        policy_file: Path | None,
        day: dt.date,
        *,
        allow_outside: bool,
    ) -> EditPolicy:
        """The policy that holds for ``launch`` (``--policy`` and ``.gtm-check.yaml`` files
        found upward, as ``audit`` finds them), judged on the file as read."""
        policy = PolicyReader(policy_file, allow_outside=allow_outside).for_launch(launch)
        return cls(policy, before, day)

    def check(self, after: LoadedLaunch) -> None:
        """Refuse the edited launch, located in the edited text, when it breaks the policy
        where the file as read did not, or further than it did."""
        if self.policy is None:
            return
        new = added(self.before, judged(after, self.policy, self.day))
        if new:
            raise GtmCheckError(
                after.source.locate(
                    Finding(
                        b.loc,
                        f"policy: {b.message}; the edit would add this, so nothing was written",
                    )
                    for b in new
                )
            )
