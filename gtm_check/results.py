"""The computed readiness report: what scoring produces and every output format reads."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from gtm_check.vocabulary import Severity, Stage, Status, Verdict


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class LaunchSummary(_Result):
    name: str
    launch_date: dt.date
    as_of: dt.date
    days_to_launch: int
    traits: list[str]
    owner: str | None = None


class Overall(_Result):
    score: float | None
    applicable: int
    credited: int
    open: int
    overdue: int


class StageResult(_Result):
    key: Stage
    name: str
    score: float | None
    verdict: Verdict
    open: int
    open_blockers: int
    overdue: int


class DepartmentResult(_Result):
    key: str
    name: str
    score: float | None
    open: int
    stages: dict[Stage, float | None]


class WaiverResult(_Result):
    item: str
    reason: str
    approved_by: str
    expires: dt.date
    expired: bool


class ItemResult(_Result):
    """One checklist item as it stands in this launch."""

    id: str
    title: str
    stage: Stage
    department: str
    severity: Severity
    weight: int | float
    status: Status
    owner: str | None
    due: dt.date | None
    evidence: str | None
    question: str | None
    guidance: str | None
    applicable: bool
    credited: bool
    overdue_days: int | None
    waiver: WaiverResult | None
    """The waiver that credits the item, or else the expired one that no longer does."""

    @property
    def open(self) -> bool:
        return self.applicable and not self.credited


class GateResult(_Result):
    passed: bool
    stages: list[Stage]
    min_score: int | float
    failures: list[str]


class Report(_Result):
    launch: LaunchSummary
    overall: Overall
    stages: list[StageResult]
    departments: list[DepartmentResult]
    gaps: list[ItemResult]
    """Every open item, most urgent first."""
    gate: GateResult
    items: list[ItemResult]
    """Every item loaded, applicable or not, in checklist order."""
    waivers: list[WaiverResult]
