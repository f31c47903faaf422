"""The audit pipeline: load each launch, score it (with its history if asked), narrow its gaps.

What an audit adds only when asked, its checks run (``--verify``) and its history read
(``--history``), lives in ``pipeline/extras.py`` and comes in as ``Extras``: an audit without
them imports no git, network or check cache (8 ms of a 210 ms audit of a 300-item launch).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from gtm_check.load.checklists import ChecklistReader, required_items
from gtm_check.load.launch import LoadedLaunch, load_launch
from gtm_check.load.locations import gate_locations, locations
from gtm_check.load.policy import PolicyReader
from gtm_check.load.verify.options import CheckOptions
from gtm_check.model.addresses import same_person_key
from gtm_check.model.filters import Filters
from gtm_check.model.inputs import Checklist, Gate, Policy
from gtm_check.model.problems import (
    GtmCheckError,
    OptionError,
    Problem,
    closest,
    did_you_mean,
    quoted,
)
from gtm_check.model.results import CheckResult, Report
from gtm_check.model.vocabulary import Severity, Stage
from gtm_check.scoring.critical_path import critical_path, outlook
from gtm_check.scoring.filters import apply_filters
from gtm_check.scoring.policy import counted
from gtm_check.scoring.score import GateOptions, score_launch

if TYPE_CHECKING:  # the trend's types: built only by audit --history
    from gtm_check.model.history import History


class FailOn(StrEnum):
    """The least severe open item that fails the gate; ``never``: only scores count."""

    blocker = "blocker"
    high = "high"
    medium = "medium"
    low = "low"
    never = "never"

    @property
    def severity(self) -> Severity | None:
        return None if self is FailOn.never else Severity(self.value)


@dataclass(frozen=True)
class AuditRequest:
    launches: tuple[Path, ...]
    as_of: dt.date
    min_score: float | None = None
    gate_stages: tuple[Stage, ...] = ()
    fail_on: FailOn | None = None
    """None keeps the default: open blockers fail the gate."""
    ignore_waivers: bool = False
    require_evidence: bool = False
    expiring_within: int = 14
    filters: Filters = Filters()
    allow_outside: bool = False
    policy: Path | None = None
    """A policy file on top of every .gtm-check.yaml found upward from each launch file."""
    locations: bool = False
    """Whether each item carries where it is written, for formats that point at lines:
    finding it parses the files a second time."""
    history: bool = False
    """With ``audit --history``: each launch's weekly trend from its git history up to the
    as-of date, and the projection."""
    critical_path: bool = False
    """Whether each report carries its critical path (and, with ``history``, which of it
    and the pace decides), for the formats that show it."""
    verify: bool = False
    """With ``audit --verify``: run the items' checks (files, and addresses the policy
    allows); without it nothing is read but the launch's files, nothing fetched."""
    require_verified: bool = False
    """A done item whose check failed counts as open."""
    checks: CheckOptions = CheckOptions()


RunChecks = Callable[[Path, LoadedLaunch, Policy | None], dict[str, CheckResult]]
"""What each owed item's check of one launch finds, by item id."""


class Extras(Protocol):
    """What an audit adds when asked: ``pipeline.extras.EXTRAS``."""

    def checks(self, options: CheckOptions) -> RunChecks:
        """One run's checks (``--verify``), every launch's within its time."""
        ...

    def history(
        self,
        path: Path,
        loaded: LoadedLaunch,
        as_of: dt.date,
        reader: ChecklistReader,
        policy: Policy | None,
        gate: Gate | None = None,
        options: GateOptions | None = None,
        checks: Mapping[str, CheckResult] | None = None,
    ) -> History:
        """A launch's weekly trend from git and its projection (``--history``), every
        revision scored under the launch's policy (the audit's), and judged by the audit's
        ``gate`` and ``options`` (its command line's overrides) and what its ``checks``
        found (``--verify``)."""
        ...


@dataclass(frozen=True)
class AuditOutcome:
    reports: list[Report]
    passed: bool
    """Whether every launch passed its gate."""
    inputs: list[Path] = field(default_factory=list)
    """Every file read (launch files, checklists, policy files), so that the caller never
    writes over one of them."""


def effective_gate(loaded: LoadedLaunch, request: AuditRequest) -> Gate:
    """The launch file's gate with the command line's overrides applied."""
    gate = loaded.launch.gate
    updates: dict[str, object] = {}
    if request.min_score is not None:
        updates["min_score"] = request.min_score
    if request.gate_stages:
        updates["stages"] = list(dict.fromkeys(request.gate_stages))
    return gate.model_copy(update=updates) if updates else gate


def gate_options(request: AuditRequest) -> GateOptions:
    """How the gate judges, with the overriding flags written as the user typed them."""
    overrides = []
    if request.min_score is not None:
        overrides.append(f"--min-score {request.min_score:g}")
    overrides += [f"--gate-stage {s}" for s in dict.fromkeys(request.gate_stages)]
    fail_on: Severity | None = Severity.BLOCKER
    if request.fail_on is not None:
        overrides.append(f"--fail-on {request.fail_on}")
        fail_on = request.fail_on.severity
    if request.ignore_waivers:
        overrides.append("--ignore-waivers")
    if request.require_evidence:
        overrides.append("--require-evidence")
    if request.require_verified:
        overrides.append("--require-verified")
    return GateOptions(
        fail_on=fail_on,
        ignore_waivers=request.ignore_waivers,
        overrides=tuple(overrides),
        require_evidence=request.require_evidence,
        expiring_within=request.expiring_within,
        require_verified=request.require_verified,
    )


def check_filters(filters: Filters, reports: Sequence[Report]) -> None:
    """A filter that names no department or owner the launches have is a typo, not a wish:
    it would hide every gap and say nothing."""
    departments = {d.key for r in reports for d in r.departments}
    for department in filters.departments:
        if department not in departments:
            hint = did_you_mean(department, departments) or "choose from " + ", ".join(
                sorted(departments)
            )
            raise OptionError("--department", f"no department {quoted(department)} ({hint})")
    owners = {i.owner.casefold(): i.owner for r in reports for i in r.items if i.owner}
    for owner in filters.owners:
        if owner.casefold() not in owners:
            match = closest(owner.casefold(), owners)
            hint = f"did you mean {quoted(owners[match])}?" if match else "no item names them"
            raise OptionError("--owner", f"no item is owned by {quoted(owner)} ({hint})")


def audit(request: AuditRequest, extras: Extras | None = None) -> AuditOutcome:
    """Load and score every launch, or raise GtmCheckError with the problems of all of them;
    ``extras`` for a request with checks or history.

    Each launch is scored as soon as it is loaded and its files are let go, so a portfolio
    holds one launch's models at a time, not all of them.
    """
    if (request.verify or request.history) and extras is None:
        raise ValueError("checks and history need the pipeline's extras")
    options = gate_options(request)
    checker = extras.checks(request.checks) if extras is not None and request.verify else None
    reader = ChecklistReader()
    policies = PolicyReader(
        request.policy, allow_outside=request.allow_outside, budget=reader.budget
    )
    reports: list[tuple[Report, str]] = []
    inputs: list[Path] = []
    problems: list[Problem] = []
    for path in dict.fromkeys(request.launches):
        try:
            loaded = load_launch(path, reader, allow_outside=request.allow_outside)
            policy = policies.for_launch(path)
        except GtmCheckError as exc:
            problems.extend(exc.problems)
            continue
        if problems:
            continue  # nothing will be reported; the rest are loaded only for their problems
        report = _report(request, path, loaded, policy, options, checker, reader, extras)
        reports.append((apply_filters(report, request.filters), str(path)))
        inputs += loaded.files
        # A file a check read is an input too: -o CHANGELOG.md must not replace it.
        inputs += [i.check.read for i in report.items if i.check and i.check.read]
    if problems:
        raise GtmCheckError(problems)
    inputs += policies.files  # inputs too: a report never replaces one
    # A portfolio lists its launches in one order in every format: by launch date, then
    # name, then the path given (the same launch twice in two files).
    ordered = _told_apart(sorted(reports, key=lambda pair: (*_launch_order(pair[0]), pair[1])))
    check_filters(request.filters, ordered)
    return AuditOutcome(ordered, all(r.gate.passed for r in ordered), inputs)


def _report(
    request: AuditRequest,
    path: Path,
    loaded: LoadedLaunch,
    policy: Policy | None,
    options: GateOptions,
    checker: RunChecks | None,
    reader: ChecklistReader,
    extras: Extras | None,
) -> Report:
    """One launch scored, with what the request asks for beside the score: its checks run,
    its gate's lines, its history, its critical path."""
    checklists = [c.checklist for c in loaded.checklists]
    checks = None if checker is None else checker(path, loaded, policy)
    gate = effective_gate(loaded, request)
    report = score_launch(
        loaded.launch,
        checklists,
        request.as_of,
        gate,
        options,
        locations(loaded) if request.locations else None,
        policy,
        checks,
        required_items(policy.required_checklists, loaded.checklists) if policy else frozenset(),
    )
    if request.locations:
        where = gate_locations(loaded, report.gate, report.milestones)
        report = dataclasses.replace(report, gate_locations=where)
    if request.history and extras is not None:
        history = extras.history(path, loaded, request.as_of, reader, policy, gate, options, checks)
        report = dataclasses.replace(report, history=history)
    if request.critical_path:
        basis = (
            report
            if policy is None
            else _counted_report(request.as_of, loaded, gate, policy, options, checks)
        )
        report = with_critical_path(report, checklists, basis)
    return report


def _counted_report(
    as_of: dt.date,
    loaded: LoadedLaunch,
    gate: Gate,
    policy: Policy,
    options: GateOptions,
    checks: Mapping[str, CheckResult] | None,
) -> Report:
    """The launch scored as the policy lets it count (``scoring.policy.counted``: a waiver
    it refuses credits nothing, the gate is raised to its floors), for the critical path:
    an item ``audit`` fails the gate on is never left off the plan."""
    gated = loaded.launch.model_copy(update={"gate": gate})
    checklists = [c.checklist for c in loaded.checklists]
    launch = counted(policy, gated, checklists, as_of)
    return score_launch(launch, checklists, as_of, options=options, checks=checks)


def _told_apart(reports: Sequence[tuple[Report, str]]) -> list[Report]:
    """The reports, each knowing its launch file, and each launch whose title reads the same
    as another's of the run (compared as a reader sees them: invisible characters, spacing,
    case and compatibility forms aside) named with its file as well: a pull request adding a
    failing launch under a passing one's name left a reader no way to tell which failed."""
    titles = Counter(_as_seen(report.launch.title) for report, _ in reports)
    return [
        dataclasses.replace(
            report,
            launch=dataclasses.replace(
                report.launch, file=path, same_title=titles[_as_seen(report.launch.title)] > 1
            ),
        )
        for report, path in reports
    ]


def _as_seen(title: str) -> str:
    return " ".join(same_person_key(title).split())


def _launch_order(report: Report) -> tuple[dt.date, str]:
    return report.launch.launch_date, report.launch.name


def with_critical_path(
    report: Report, checklists: Sequence[Checklist], basis: Report | None = None
) -> Report:
    """The report with its critical path, and with a trend, which of the two decides.
    ``basis``: the report the path is found in, when not ``report`` itself (the launch as
    its policy lets it count)."""
    path = critical_path(basis or report, checklists)
    return dataclasses.replace(report, critical_path=path, outlook=outlook(path, report.history))
