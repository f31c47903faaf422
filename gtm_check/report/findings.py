"""The findings the code-review formats (SARIF, GitLab Code Quality) list, and their identity.

A finding per reason the gate fails, per open item and per warning, each at a line of the
launch file and with an identity that stays the same from run to run while it stands.

Both formats feed tools that compare one run with the last (GitHub code scanning, GitLab's
merge request widget) and track each finding by its fingerprint. So a fingerprint is a hash
of the launch file's path, the check and what the finding is about (a stage, a milestone,
an item), never of its line, its wording or its scores, which change while it stays open.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from gtm_check.model.results import ItemResult, Location, Report, urgency
from gtm_check.model.vocabulary import Severity
from gtm_check.report.shared import SUGGESTION, status_text, verification_text

GATE = "gate"
"""The check of the gated stages that fail: blocked by an open item, or a score too low."""
MILESTONE = "milestone"
"""The check of a milestone whose date has passed with its stages short of its bar."""
POLICY = "policy"
"""The check of a launch file that goes below the repository's policy. (Item ids always
hold a dot and warning codes are known words: no check of theirs is one of these three.)"""


@dataclass(frozen=True)
class Finding:
    """One thing the launch is short of, where it is written and how to know it again."""

    kind: str
    """``gate`` (a reason the gate fails), ``item`` (an open item) or ``warning``."""
    check: str
    """What found it: GATE, MILESTONE or POLICY, an item's id, or a warning's code."""
    report: Report
    message: str
    """What is wrong, in plain words (the user's text not yet made safe for a format); its
    first sentence says it alone."""
    location: Location | None
    fingerprint: str
    """64 hex digits, unique among the findings of one output."""
    item: ItemResult | None = None
    """The open item (``item``), or the item a warning is about."""

    @property
    def severity(self) -> Severity | None:
        """The open item's severity; None for a gate failure or a warning."""
        return self.item.severity if self.kind == "item" and self.item else None


def findings(reports: Sequence[Report]) -> list[Finding]:
    """Every finding: the gate's failures launch by launch, then the open items of all
    launches, most urgent first, then the warnings."""
    gaps = sorted(((g, r) for r in reports for g in r.gaps), key=lambda pair: urgency(pair[0]))
    drafts = [
        *(draft for report in reports for draft in _gate_failures(report)),
        *(_open_item(gap, report) for gap, report in gaps),
        *(draft for report in reports for draft in _warnings(report)),
    ]
    seen: dict[str, int] = {}
    found = []
    for kind, check, report, message, location, subject, item in drafts:
        identity = "\0".join(["gtm-check", launch_path(report), check, subject])
        seen[identity] = count = seen.get(identity, 0) + 1
        if count > 1:  # two findings about the same thing (a policy naming it twice)
            identity += f"\0{count}"
        # A file name that is not UTF-8 holds its bytes as surrogates: hashed as those bytes.
        fingerprint = hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()
        found.append(Finding(kind, check, report, message, location, fingerprint, item))
    return found


_Draft = tuple[str, str, Report, str, Location | None, str, ItemResult | None]
"""A finding before its fingerprint: kind, check, report, message, location, subject (what
it is about, for its identity) and item."""


def launch_path(report: Report) -> str:
    """The launch file as a relative path in the repository's own spelling (forward
    slashes, no ``./``), or the launch's name when its locations were not asked for."""
    if report.gate_locations is None:
        return report.launch.name
    return repository_path(report.gate_locations.launch.path)


def repository_path(path: str) -> str:
    """A path as the user gave it, with forward slashes and without ``.`` segments: the
    name a repository's files go by, when gtm-check runs in the repository's root."""
    posix = PurePath(path).as_posix()
    return posixpath.normpath(posix) if posix else posix


def _gate_failures(report: Report) -> Iterator[_Draft]:
    """Why the gate fails: one finding for the gated stages that fail it (all at ``gate:``,
    so that a tool telling findings apart by their line sees every reason in one), then one
    per missed milestone and one per breach of the policy, each at its own line."""
    gate = report.gate
    where = report.gate_locations
    stages = list(gate.failed_stages.values())
    if stages:
        location = None if where is None else where.failures.get(stages[0], where.gate)
        message = (
            f"Gate failed: {'; '.join(stages)}. The gate of {report.launch.title}: "
            f"{gate.describe()}."
        )
        yield "gate", GATE, report, message, location, "", None
    milestones = {m.reason: m.name for m in report.milestones if m.status == "missed"}
    breaches = set(gate.breaches)  # a set: a launch may have thousands of breaches
    for failure in gate.failures:
        location = None if where is None else where.failures.get(failure, where.gate)
        if failure in milestones:
            message = f"Milestone missed: {failure}. {report.launch.title}."
            yield "gate", MILESTONE, report, message, location, milestones[failure], None
        elif failure in breaches:
            message = (
                f"Below the policy: {failure.removeprefix('policy: ')}. {report.launch.title}."
            )
            yield "gate", POLICY, report, message, location, failure, None


def _open_item(gap: ItemResult, report: Report) -> _Draft:
    fails = " that fails the gate" if report.gate.fails_on(gap) else ""
    message = (
        f"{_sentence(gap.title)} Open {gap.severity} item in {gap.stage.value}{fails}: "
        f"{status_text(gap)}, owner {gap.owner or 'none'}, {due_text(gap)}; "
        f"{report.launch.title}."
    )
    if report.verified:  # audit --verify: what its check found, and a passing one's hint
        message += f" Check: {verification_text(gap)}."
        if gap.suggest_done:
            message += f" It passes: {SUGGESTION}."
    return "item", gap.id, report, message, gap.location, "", gap


def _warnings(report: Report) -> Iterator[_Draft]:
    items = {item.id: item for item in report.items}
    where = report.gate_locations
    for warning in report.warnings:
        item = items.get(warning.item) if warning.item else None
        if item is not None:
            location = item.location
        else:
            location = None if where is None else where.gate
        message = (
            f"Warning {warning.code}: {_sentence(warning.message)} It relaxes the gate of "
            f"{report.launch.title}."
        )
        subject = warning.item or warning.message
        yield "warning", warning.code, report, message, location, subject, item


def due_text(gap: ItemResult) -> str:
    """When an open item is due, or how late it is."""
    if gap.overdue_days is not None:
        return f"{gap.overdue_days} days overdue (due {gap.due})"
    if gap.due is None:
        return "no due date"
    return f"due {gap.due}{' (lead time)' if gap.due_from_lead else ''}"


def _sentence(text: str) -> str:
    """The user's text as a sentence of its own, ending with its own mark or a full stop."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
