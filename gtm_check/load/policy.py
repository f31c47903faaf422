"""Finds and reads the repository's policy: --policy FILE and .gtm-check.yaml files upward.

Every ``.gtm-check.yaml`` from the launch file's folder up to the repository's root counts.
"""

from __future__ import annotations

from pathlib import Path

from gtm_check.load.document import parse_model
from gtm_check.load.files import Kind, kind_of_path, read_text
from gtm_check.load.yamltree import Source
from gtm_check.model.inputs import Policy, RepositoryFile
from gtm_check.model.problems import GtmCheckError

REPOSITORY_FILE = ".gtm-check.yaml"


def policy_files(launch: Path) -> list[Path]:
    """``.gtm-check.yaml`` in the launch file's folder and each folder above it, up to the
    first one holding ``.git`` (the repository's root) or the file system's root."""
    found = []
    folder = launch.resolve().parent
    while True:
        candidate = folder / REPOSITORY_FILE
        if kind_of_path(candidate) is not Kind.MISSING:
            found.append(candidate)
        if kind_of_path(folder / ".git") is not Kind.MISSING or folder.parent == folder:
            return found
        folder = folder.parent


class PolicyReader:
    """Reads policy files, each once for as long as the reader lives (one run)."""

    def __init__(self, explicit: Path | None = None) -> None:
        self._explicit = explicit
        self._read: dict[Path, Policy] = {}

    def for_launch(self, launch: Path) -> Policy | None:
        """The policy that holds for this launch file: all that apply, the strictest of each
        rule (a nearer file can add to a policy, never relax it); None when there is none."""
        paths = [*([self._explicit] if self._explicit else []), *policy_files(launch)]
        policies = [self.read(path) for path in dict.fromkeys(paths)]
        if not policies:
            return None
        combined = policies[0]
        for policy in policies[1:]:
            combined = combined.tightened(policy)
        return combined

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
