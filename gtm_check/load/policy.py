"""Finds and reads the repository's policy: --policy FILE and .gtm-check.yaml files upward.

Every ``.gtm-check.yaml`` from the launch file's folder up to the repository's root counts.
"""

from __future__ import annotations

import os
from pathlib import Path

from gtm_check.load.checklists import BUILTIN, builtin_names
from gtm_check.load.document import parse_model
from gtm_check.load.files import (
    ByteBudget,
    as_file,
    confine,
    holds_repository,
    read_text,
    refuse_too_long,
    repository_root,
    repository_roots,
)
from gtm_check.load.submodules import MODULES_FILE, superproject_of
from gtm_check.load.yamltree import Capped, Finding, PathKey, Source
from gtm_check.model.inputs import Policy, RepositoryFile
from gtm_check.model.problems import GtmCheckError, Problem, Suggestions, quoted

REPOSITORY_FILE = ".gtm-check.yaml"


def policy_files(launch: Path, consulted: list[Path] | None = None) -> list[Path]:
    """``.gtm-check.yaml`` in the launch file's folder and each folder above it, up to the
    repository's root (``files.repository_root``; for a submodule, the root of the
    repository that holds it) or the file system's root. ``consulted`` gets each
    ``.gitmodules`` on the way, which decides where the search ends: an input of the run
    too, which no report may replace (one written over made the next run stop short of the
    outer repository's policy).

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
        if consulted is not None and os.path.lexists(folder / MODULES_FILE):
            consulted.append(folder / MODULES_FILE)
        if folder == root and not holds_repository(root):
            # A .git git would not keep (an empty file, a link) ends no search.
            root = repository_root(root.parent) if root.parent != root else None
        elif folder == root:
            # A submodule is part of the repository that holds it: a pull request that
            # makes the launch file's folder one cannot leave the repository's policy.
            # The .gitmodules that says no ends the search: an input too (written over, it
            # could say so where it said yes).
            root = superproject_of(root, consulted)
            if root is None:
                return found
        if folder.parent == folder:
            return found
        folder = folder.parent


class PolicyReader:
    """Reads policy files, each once for as long as the reader lives (one run)."""

    def __init__(
        self,
        explicit: Path | None = None,
        *,
        allow_outside: bool = False,
        budget: ByteBudget | None = None,
    ) -> None:
        self._explicit = explicit
        self._allow_outside = allow_outside
        # The run's read budget: policy files count with launch files and checklists.
        self._budget = budget or ByteBudget()
        self._read: dict[Path, tuple[Policy, Source]] = {}
        self._consulted: list[Path] = []
        self._combined: dict[tuple[Path, ...], Policy | None] = {}

    def for_launch(self, launch: Path) -> Policy | None:
        """The policy that holds for this launch file: all that apply, the strictest of each
        rule (a nearer file can add to a policy, never relax it); None when there is none.

        Policies whose ``allowed_tiers`` share no tier are an error at the file that leaves
        none: no launch could pass them, and the files, not the launch, need changing.
        """
        refuse_too_long(launch, str(launch))
        found = policy_files(launch, self._consulted)
        roots = repository_roots(Path(os.path.abspath(launch)).parent)

        def root_of(folder: Path) -> Path | None:
            return roots[folder] if folder in roots else repository_root(folder)

        explicit = [self._explicit] if self._explicit else []
        # Each is read only where it is named: the file named with --policy too (a link the
        # checkout holds there, as the Action's `policy` input may name, was followed out of
        # the repository and into .git, and its keys shown in messages).
        for path in [*explicit, *found]:
            confine(
                path,
                str(path),
                "the policy file",
                allow_outside=self._allow_outside,
                root_of=root_of,
            )
        # From the outermost in: --policy FILE, then the repository's root down to the
        # launch file's folder, so that a conflict is reported at the nearer file.
        outermost_first = [*explicit, *reversed(found)]
        key = tuple(outermost_first)
        if key not in self._combined:
            self._combined[key] = self._combine(outermost_first)
        return self._combined[key]

    def _combine(self, outermost_first: list[Path]) -> Policy | None:
        """The policy the files hold together, from the outermost in (``for_launch``); the
        same files combine once a run: combining compares their approvers and hosts, and
        was done again for each launch file."""
        combined: Policy | None = None
        for path in dict.fromkeys(outermost_first):
            policy = self.read(path)
            if combined is None:
                combined = policy
                continue
            before = combined.allowed_tiers
            combined = combined.tightened(policy)
            if combined.allowed_tiers == [] and before and policy.allowed_tiers:
                raise GtmCheckError(_no_tier_left(self._read[path][1], policy, before))
        # Hosts are fetched only where a file the pull request cannot have written lists
        # them. With --policy FILE, that file: a .gtm-check.yaml narrows what it lists, never
        # lists its own. Without, any .gtm-check.yaml may be the pull request's, the
        # outermost too (one added above the team's, where the root had none), so each one
        # that applies must list a host for it to be fetched: one that lists none allows none.
        deciding = outermost_first[:1] if self._explicit else outermost_first
        if combined is not None and any(self.read(p).verify_hosts is None for p in deciding):
            combined = combined.model_copy(update={"verify_hosts": None})
        return combined

    @property
    def files(self) -> list[Path]:
        """Every file read so far to find the policy: --policy FILE, each .gtm-check.yaml
        found, and each .gitmodules that decided where the search ends."""
        return [*(as_file(path) for path in self._read), *dict.fromkeys(self._consulted)]

    def read(self, path: Path) -> Policy:
        if path not in self._read:
            self._read[path] = _read_policy(path, self._budget)
        return self._read[path][0]


def _read_policy(path: Path, budget: ByteBudget) -> tuple[Policy, Source]:
    text = read_text(path, str(path), budget, one_of_many=False)  # --policy takes one file
    source = Source(str(path), text, values=budget.values)
    repository, _, problems = parse_model(source, RepositoryFile)
    if problems or repository is None:
        raise GtmCheckError(problems)
    policy = repository.policy
    names = builtin_names()
    known = {*names, BUILTIN}
    # Each unknown name costs a finding, and only the first few a did-you-mean: a policy of
    # 520,000 unknown names (4 MB) took 15 s and 455 MB, each compared with every checklist.
    unknown = Capped()
    suggestions = Suggestions()
    for index, name in enumerate(policy.required_checklists):
        loc: PathKey = ("policy", "required_checklists", index)
        if name in known or not unknown.room(loc):
            continue
        unknown.add(
            Finding(
                loc,
                f"no built-in checklist named {quoted(name)}",
                hint=suggestions.hint(name, [*names, BUILTIN]),
            )
        )
    if unknown.findings:
        raise GtmCheckError(source.locate(unknown.all()))
    required = [
        n for name in policy.required_checklists for n in (names if name == BUILTIN else [name])
    ]
    return policy.model_copy(update={"required_checklists": list(dict.fromkeys(required))}), source


def _no_tier_left(source: Source, policy: Policy, before: list[int]) -> list[Problem]:
    allows = ", ".join(str(tier) for tier in policy.allowed_tiers or [])
    others = ", ".join(str(tier) for tier in before)
    return source.locate(
        [
            Finding(
                ("policy", "allowed_tiers"),
                "allowed_tiers: no tier is allowed by every policy that holds here (this "
                f"file allows {allows}; together the others allow {others})",
            )
        ]
    )
