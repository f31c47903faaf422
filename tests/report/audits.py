"""Audits and plans drawn in a format as the command line draws them, for tests that read
the text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from gtm_check.model.plan import Plan
from gtm_check.pipeline import AuditRequest, audit
from gtm_check.report import RenderOptions
from gtm_check.report.registry import (
    AUDIT,
    PLAN,
    formats,
    needs_critical_path,
    needs_locations,
    render,
)

FORMATS = formats(AUDIT)
"""The audit's formats, as ``--format`` offers them."""


def audit_text(
    launches: Sequence[Path],
    as_of: dt.date,
    format: str = "table",
    options: RenderOptions | None = None,
) -> str:
    """``gtm-check audit LAUNCH... --as-of AS_OF -f FORMAT`` as the report's text."""
    request = AuditRequest(
        tuple(launches),
        as_of,
        locations=needs_locations(AUDIT, format),
        critical_path=needs_critical_path(AUDIT, format),
    )
    return render(AUDIT, format, audit(request).reports, options or RenderOptions())


def plan_text(
    launch: Path, as_of: dt.date, format: str = "table", options: RenderOptions | None = None
) -> str:
    """``gtm-check plan LAUNCH --as-of AS_OF -f FORMAT`` as the report's text."""
    (report,) = audit(AuditRequest((launch,), as_of, critical_path=True)).reports
    return render(PLAN, format, Plan.of(report), options or RenderOptions())
