"""Finds and reads the repository's policy: --policy FILE and .gtm-check.yaml files upward.

Every ``.gtm-check.yaml`` from the launch file's folder up to the repository's root counts.
"""

from __future__ import annotations

import os
from pathlib import Path

from gtm_check.load.document import parse_model
from gtm_check.load.files import confine, read_text, repository_root
from gtm_check.load.yamltree import Source
from gtm_check.model.inputs import Policy, RepositoryFile
from gtm_check.model.problems import GtmCheckError

REPOSITORY_FILE = ".gtm-check.yaml"


def policy_files(launch: Path) -> list[Path]:
    """``.gtm-check.yaml`` in the launch file's folder and each folder above it, up to the
    repository's root (``files.repository_root``) or the file system's root.

    Found from where the launch file is named, not from where a link points: a link cannot
    take a launch file out from under its repository's policy, nor lend it another's.
    """
    found = []
    folder = Path(os.path.abspath(launch)).parent
    root = repository_root(folder)
    while True:
        candidate = folder / REPOSITORY_FILE
        if os.path.lexists(candidate):
            found.append(candidate)
        if folder == root or folder.parent == folder:
            return found
        folder = folder.parent


class PolicyReader:
    """Reads policy files, each once for as long as the reader lives (one run)."""

    def __init__(self, explicit: Path | None = None, *, allow_outside: bool = False) -> None:
        self._explicit = explicit
        self._allow_outside = allow_outside
        self._read: dict[Path, Policy] = {}

    def for_launch(self, launch: Path) -> Policy | None:
        """The policy that holds for this launch file: all that apply, the strictest of each
        rule (a nearer file can add to a policy, never relax it); None when there is none."""
        found = policy_files(launch)
        for path in found:
            # The file named with --policy is the user's choice; one found is the tree's.
            confine(path, str(path), "the policy file", allow_outside=self._allow_outside)
        paths = [*([self._explicit] if self._explicit else []), *found]
        policies = [self.read(path) for path in dict.fromkeys(paths)]
        if not policies:
            return None
        combined = policies[0]
        for policy in policies[1:]:
            combined = combined.tightened(policy)
        return combined

    @property
    def files(self) -> list[Path]:
        """Every policy file read so far (--policy FILE and each .gtm-check.yaml found)."""
        return list(self._read)

    def read(self, path: Path) -> Policy:
        if path not in self._read:
            self._read[path] = _read_policy(path)
        return self._read[path]


def _read_policy(path: Path) -> Policy:
    source = Source(str(path), read_text(path, str(path)))
    repository, _, problems = parse_model(source, RepositoryFile)
    if problems or repository is None:
        raise GtmCheckError(problems)
    return repository.policy
