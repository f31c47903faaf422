"""Runs an audit from a plain request: load, score, filter, render. The CLI's way into the core."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from gtm_check.errors import GtmCheckError, Problem
from gtm_check.exits import EXIT_GATE_FAILED, EXIT_PASSED
from gtm_check.filters import apply_filters
from gtm_check.loader import LoadedLaunch, load_launch
from gtm_check.models import Gate
from gtm_check.report import RenderOptions, needs_locations, renderer
from gtm_check.results import Filters, Report
from gtm_check.scoring import GatePolicy, score_launch
from gtm_check.vocabulary import Severity, Stage

NEVER = "never"


@dataclass(frozen=True)
class AuditRequest:
    launches: tuple[Path, ...]
    as_of: dt.date
    format: str = "table"
    min_score: float | None = None
    gate_stages: tuple[Stage, ...] = ()
    fail_on: str | None = None
    """A severity or "never"; None keeps the default (blockers fail the gate)."""
    ignore_waivers: bool = False
    warn_only: bool = False
    filters: Filters = Filters()
    allow_outside: bool = False
    render: RenderOptions = RenderOptions()


@dataclass(frozen=True)
class AuditOutcome:
    reports: list[Report]
    output: str
    exit_code: int
    inputs: list[Path] = field(default_factory=list)
    """Every file read, so that the caller never writes over one of them."""


def effective_gate(loaded: LoadedLaunch, request: AuditRequest) -> Gate:
    """The launch file's gate with the command line's overrides applied."""
    gate = loaded.launch.gate
    updates: dict[str, object] = {}
    if request.min_score is not None:
        updates["min_score"] = request.min_score
    if request.gate_stages:
        updates["stages"] = list(dict.fromkeys(request.gate_stages))
    return gate.model_copy(update=updates) if updates else gate


def gate_policy(request: AuditRequest) -> GatePolicy:
    overrides = []
    if request.min_score is not None:
        overrides.append(f"--min-score {request.min_score:g}")
    overrides += [f"--gate-stage {s}" for s in dict.fromkeys(request.gate_stages)]
    fail_on: Severity | None = Severity.BLOCKER
    if request.fail_on is not None:
        overrides.append(f"--fail-on {request.fail_on}")
        fail_on = None if request.fail_on == NEVER else Severity(request.fail_on)
    if request.ignore_waivers:
        overrides.append("--ignore-waivers")
    return GatePolicy(
        fail_on=fail_on, ignore_waivers=request.ignore_waivers, overrides=tuple(overrides)
    )


def audit(request: AuditRequest) -> AuditOutcome:
    """Load and score every launch, or raise GtmCheckError with the problems of all of them.

    Each launch is scored as soon as it is loaded and its files are let go, so a portfolio
    holds one launch's models at a time, not all of them.
    """
    policy = gate_policy(request)
    locate = needs_locations(request.format)
    reports: list[Report] = []
    inputs: list[Path] = []
    problems: list[Problem] = []
    for path in dict.fromkeys(request.launches):
        try:
            loaded = load_launch(path, allow_outside=request.allow_outside)
        except GtmCheckError as exc:
            problems.extend(exc.problems)
            continue
        if problems:
            continue  # nothing will be reported; the rest are loaded only for their problems
        report = score_launch(
            loaded.launch,
            [c.checklist for c in loaded.checklists],
            request.as_of,
            effective_gate(loaded, request),
            policy,
            loaded.locations() if locate else None,
        )
        reports.append(apply_filters(report, request.filters))
        inputs += loaded.files
    if problems:
        raise GtmCheckError(problems)
    output = renderer(request.format)(reports, request.render)
    passed = all(report.gate.passed for report in reports)
    exit_code = EXIT_PASSED if passed or request.warn_only else EXIT_GATE_FAILED
    return AuditOutcome(reports, output, exit_code, inputs)
