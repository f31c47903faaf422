"""The JSON report: the stable machine contract of PRODUCT.md (``schema_version`` 1)."""

from __future__ import annotations

import json
from typing import Any

from gtm_check.report import RenderOptions
from gtm_check.results import ItemResult, Report

SCHEMA_VERSION = 1


def render(report: Report, options: RenderOptions | None = None) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"


def to_dict(report: Report) -> dict[str, Any]:
    """The report as the documented JSON object, keys in the documented order."""
    launch = report.launch
    return {
        "schema_version": SCHEMA_VERSION,
        "launch": {
            "name": launch.name,
            "launch_date": launch.launch_date.isoformat(),
            "as_of": launch.as_of.isoformat(),
            "days_to_launch": launch.days_to_launch,
            "traits": list(launch.traits),
        },
        "overall": report.overall.model_dump(mode="json"),
        "stages": [
            {
                "key": s.key.value,
                "name": s.name,
                "score": s.score,
                "verdict": s.verdict.value,
                "open": s.open,
                "open_blockers": s.open_blockers,
                "overdue": s.overdue,
            }
            for s in report.stages
        ],
        "departments": [
            {
                "key": d.key,
                "name": d.name,
                "score": d.score,
                "open": d.open,
                "stages": {stage.value: score for stage, score in d.stages.items()},
            }
            for d in report.departments
        ],
        "gaps": [_gap(item) for item in report.gaps],
        "gate": {
            "passed": report.gate.passed,
            "stages": [s.value for s in report.gate.stages],
            "min_score": report.gate.min_score,
            "failures": list(report.gate.failures),
        },
    }


def _gap(item: ItemResult) -> dict[str, Any]:
    waiver = item.waiver
    return {
        "id": item.id,
        "title": item.title,
        "stage": item.stage.value,
        "department": item.department,
        "severity": item.severity.value,
        "weight": item.weight,
        "status": item.status.value,
        "owner": item.owner,
        "due": item.due.isoformat() if item.due else None,
        "overdue_days": item.overdue_days,
        # An open item can only carry an expired waiver: an active one would credit it.
        "waiver": None
        if waiver is None
        else {
            "reason": waiver.reason,
            "approved_by": waiver.approved_by,
            "expires": waiver.expires.isoformat(),
            "expired": waiver.expired,
        },
    }
