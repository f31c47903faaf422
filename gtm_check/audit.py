"""Runs an audit from a plain request: load, score, render. The CLI's only way into the core."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from gtm_check.loader import LoadedLaunch, load_launch
from gtm_check.models import Gate
from gtm_check.report import RenderOptions, renderer
from gtm_check.results import Report
from gtm_check.scoring import score_launch
from gtm_check.vocabulary import Stage

EXIT_PASSED = 0
EXIT_GATE_FAILED = 1
EXIT_INVALID = 2
EXIT_INTERNAL = 3


@dataclass(frozen=True)
class AuditRequest:
    launch: Path
    as_of: dt.date
    format: str = "table"
    min_score: float | None = None
    gate_stages: tuple[Stage, ...] = ()
    allow_outside: bool = False
    render: RenderOptions = RenderOptions()


@dataclass(frozen=True)
class AuditOutcome:
    report: Report
    output: str
    exit_code: int


def effective_gate(loaded: LoadedLaunch, request: AuditRequest) -> Gate:
    """The launch file's gate with the command line's overrides applied."""
    gate = loaded.launch.gate
    updates: dict[str, object] = {}
    if request.min_score is not None:
        updates["min_score"] = request.min_score
    if request.gate_stages:
        updates["stages"] = list(dict.fromkeys(request.gate_stages))
    return gate.model_copy(update=updates) if updates else gate


def audit(request: AuditRequest) -> AuditOutcome:
    loaded = load_launch(request.launch, allow_outside=request.allow_outside)
    report = score_launch(
        loaded.launch,
        [c.checklist for c in loaded.checklists],
        request.as_of,
        effective_gate(loaded, request),
    )
    output = renderer(request.format)(report, request.render)
    exit_code = EXIT_PASSED if report.gate.passed else EXIT_GATE_FAILED
    return AuditOutcome(report, output, exit_code)
