"""The JSON report: the stable machine contract of PRODUCT.md (``schema_version`` 1)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from gtm_check.report import RenderOptions
from gtm_check.results import ItemResult, Report

SCHEMA_VERSION = 1


def render(reports: Sequence[Report], options: RenderOptions | None = None) -> str:
    """One launch: its report object. Several: ``{"launches": [report, ...]}``."""
    if len(reports) == 1:
        data = to_dict(reports[0])
    else:
        data = {
            "schema_version": SCHEMA_VERSION,
            "passed": all(r.gate.passed for r in reports),
            "launches": [to_dict(r) for r in reports],
        }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


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
        "overall": dataclasses.asdict(report.overall),
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
        "gate": _gate(report),
    } | _filters(report)


def _gate(report: Report) -> dict[str, Any]:
    gate = report.gate
    data: dict[str, Any] = {
        "passed": gate.passed,
        "stages": [s.value for s in gate.stages],
        "min_score": gate.min_score,
        "failures": list(gate.failures),
    }
    # Present only when the command line changed the launch file's gate, so that the
    # default report is exactly the documented shape.
    if gate.overrides:
        data["fail_on"] = gate.fail_on.value if gate.fail_on else "never"
        data["ignore_waivers"] = gate.ignore_waivers
        data["overrides"] = list(gate.overrides)
    return data


def _filters(report: Report) -> dict[str, Any]:
    # Present only when the gap list was filtered.
    if not report.filters.active:
        return {}
    return {"filters": dataclasses.asdict(report.filters)}


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
