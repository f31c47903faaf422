"""The JSON report: the stable machine contract in the README (``schema_version`` 1)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from gtm_check.model.results import ItemResult, Report
from gtm_check.model.safetext import json_safe
from gtm_check.report import RenderOptions
from gtm_check.report.history import to_dict as history_dict

SCHEMA_VERSION = 1


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    """One launch: its report object. Several: ``{"launches": [report, ...]}``."""
    if len(reports) == 1:
        return dumps(to_dict(reports[0])) + "\n"
    # The same text as encoding the whole portfolio at once, but each launch's dictionary
    # is built, encoded and let go in turn. Nesting one level deeper indents every line by
    # four spaces; a JSON string never holds a raw line break, so every line is the JSON's.
    passed = json.dumps(all(r.gate.passed for r in reports))
    parts = [f'{{\n  "schema_version": {SCHEMA_VERSION},\n  "passed": {passed},\n  "launches": [']
    for index, report in enumerate(reports):
        separator = ",\n    " if index else "\n    "
        data = to_dict(report)
        data["launch"]["file"] = report.launch.file  # which launch file: names can repeat
        parts.append(separator + dumps(data).replace("\n", "\n    "))
    parts.append("\n  ]\n}\n")
    return "".join(parts)  # one copy of the text: a portfolio's can be hundreds of MB


def dumps(data: Any) -> str:
    """``json_safe(json.dumps(data, indent=2, ensure_ascii=False))``, through the C encoder.

    With an indent json.dumps always takes the pure-Python encoder. A list or mapping that
    holds no list or mapping (a gap, a stage: nearly all of a report) is one call to the C
    encoder instead, its separators carrying the indent of its level; only the levels
    above them are walked here. A JSON string never holds a raw line break, so only the
    separators add them. Each piece the C encoder writes passes ``json_safe`` (no raw C1,
    bidi or U+2028 character, no "##["): a piece that is ASCII, nearly all of them, costs
    two substring searches; a string is always whole within one piece.
    """
    parts: list[str] = []
    _encode(data, 0, parts)
    return "".join(parts)


_FLAT: dict[int, json.JSONEncoder] = {}


def _flat(level: int) -> json.JSONEncoder:
    """The C encoder for a flat list or mapping whose items are indented ``level`` deep."""
    if level not in _FLAT:
        separator = ",\n" + "  " * level
        _FLAT[level] = json.JSONEncoder(ensure_ascii=False, separators=(separator, ": "))
    return _FLAT[level]


def _encode(data: Any, level: int, parts: list[str]) -> None:
    mapping = isinstance(data, dict)
    if not mapping and not isinstance(data, list | tuple):
        parts.append(json_safe(_flat(0).encode(data)))
        return
    if not data:
        parts.append("{}" if mapping else "[]")
        return
    inner = "\n" + "  " * (level + 1)
    values = data.values() if mapping else data
    if not any(isinstance(value, dict | list | tuple) for value in values):
        text = json_safe(_flat(level + 1).encode(data))
        parts.append(text[0] + inner + text[1:-1] + "\n" + "  " * level + text[-1])
        return
    parts.append("{" if mapping else "[")
    separator = inner
    for key, value in data.items() if mapping else zip(data, data, strict=True):
        parts.append(separator)
        separator = "," + inner
        if mapping:
            # The key as json.dumps writes it (a number or a boolean as a string).
            parts.append(json_safe(_flat(0).encode({key: 0}))[1:-2])
        _encode(value, level + 1, parts)
    parts.append("\n" + "  " * level + ("}" if mapping else "]"))


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
            "tier": launch.tier,
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
        "gaps": [_gap(item) | _verification(item, report) for item in report.gaps],
        "gate": _gate(report),
        "warnings": [
            {"code": w.code, "message": w.message, "item": w.item} for w in report.warnings
        ],
        "expiring": [
            {"kind": e.kind, "item": e.item, "until": e.until.isoformat(), "days_left": e.days_left}
            for e in report.expiring
        ],
    } | _asked_for(report)


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


def _asked_for(report: Report) -> dict[str, Any]:
    """The keys present only when asked for: milestones, when the launch file lists them;
    filters, when the gap list was filtered; history, with ``audit --history``; checks,
    with ``audit --verify``."""
    history = {} if report.history is None else {"history": history_dict(report.history)}
    return _milestones(report) | _filters(report) | history | _checks(report)


def _checks(report: Report) -> dict[str, Any]:
    if not report.verified:
        return {}
    checks = report.checks
    passed = sum(1 for item in checks if item.check is not None and item.check.passed)
    return {
        "checks": {
            "verified": passed,
            "failed": len(checks) - passed,
            "suggested_done": [item.id for item in report.suggestions],
            "items": [
                {"id": item.id, "status": item.status.value}
                | _verification(item, report)["verification"]
                | {"suggested_done": item.suggest_done}
                for item in checks
            ],
        }
    }


def _verification(item: ItemResult, report: Report) -> dict[str, Any]:
    """With ``audit --verify``: what the item's check found (``not-checked``: it has none)."""
    if not report.verified:
        return {}
    check = item.check
    return {
        "verification": {
            "result": item.verification,
            "kind": check.kind if check else None,
            "target": check.target if check else None,
            "why": check.why if check else None,
        }
    }


def _milestones(report: Report) -> dict[str, Any]:
    if not report.milestones:
        return {}
    return {
        "milestones": [
            {
                "name": m.name,
                "date": m.date.isoformat(),
                "stages": [s.value for s in m.stages],
                "min_score": m.min_score,
                "passed": m.passed,
                "status": m.status,
                "days": m.days,
            }
            for m in report.milestones
        ]
    }


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
        "expired": item.expired,
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
