"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

A rule per check and a result per finding (report/findings.py), at the line of the launch
file that decides it.

One run holds every launch of a portfolio: GitHub's upload-sarif refuses a file with two
runs of one tool in one category. GitHub tells alerts apart by rule, file and the text of
the line, so the findings of one rule on one line are one result that lists each. Levels
come from severity: blocker and high items and the gate's failures are errors, medium
items and warnings warnings, low items notes. The run's properties hold each launch's
verdict, failures and stage scores. GitHub's limits are kept: at most 25,000 results a run
(the least urgent are left out, and a notification says how many), 1,024 characters for a
rule's descriptions and 255 for its name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from gtm_check import __version__
from gtm_check.model.results import Location, Report
from gtm_check.model.safetext import sarif_lines, sarif_text, visible
from gtm_check.model.vocabulary import WARNINGS, Severity
from gtm_check.report import RenderOptions
from gtm_check.report.findings import (
    GATE,
    MILESTONE,
    POLICY,
    Finding,
    findings,
    launch_path,
    repository_path,
)
from gtm_check.report.json import dumps

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
"""The address GitHub's documentation gives for the SARIF 2.1.0 schema."""
SOURCE_ROOT = "%SRCROOT%"
MAX_RESULTS = 25_000
"""GitHub code scanning refuses a run with more results than this."""
MAX_DESCRIPTION = 1024
"""GitHub's limit on a rule's short and full description, in characters (UTF-16 units)."""
MAX_NAME = 255
"""GitHub's limit on a rule's name."""

LEVELS = {
    Severity.BLOCKER: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
"""GitHub's ``problem.severity`` for each level (most severe first): how it ranks a rule's
alerts."""

GATE_RULES = {
    GATE: (
        "GatedStageFails",
        "A stage the gate checks fails it.",
        "A stage the gate checks has an open item at or above the gate's fail-on severity "
        "(a blocker, unless --fail-on says otherwise), or its score is below the gate's "
        "min_score: the gate fails.",
        "The gate passes when every stage it checks has no open item at or above its "
        "fail-on severity and scores at least its min_score. Close the stage's open items, "
        "most urgent first; the launch file's gate: key sets the stages and min_score.",
    ),
    MILESTONE: (
        "MilestoneMissed",
        "A milestone's date has passed with its stages short of its bar.",
        "A milestone in the launch file's milestones: has passed, and its stages are "
        "blocked or score below its min_score: the gate fails until they meet it.",
        "A missed milestone fails the gate until its stages meet its bar. Close their open "
        "items, or move the milestone in the launch file if the plan has changed.",
    ),
    POLICY: (
        "PolicyBreached",
        "The launch file goes below the repository's policy.",
        "The launch file sets its gate or its waivers below a floor that the repository's "
        "policy (.gtm-check.yaml, or --policy) sets: the gate fails.",
        "A policy sets what no launch file may go below: the lowest min_score, the stages "
        "every gate checks, who may approve waivers and for how long. Bring the launch file "
        "up to the policy at the line shown.",
    ),
}
"""Each gate check's rule: name, short description, full description, help."""


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    groups = grouped(findings(reports))
    shown = groups[:MAX_RESULTS]
    rules: dict[str, int] = {}
    descriptors: list[dict[str, Any]] = []
    results = []
    for group in shown:
        check = group[0].check
        if check not in rules:
            rules[check] = len(descriptors)
            descriptors.append(_rule(group[0]))
        results.append(_result(group, rules[check]))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "gtm-check",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": descriptors,
            }
        },
    }
    if len(groups) > len(shown):
        left = sum(len(group) for group in groups[len(shown) :])
        run["invocations"] = [_left_out(left, sum(len(group) for group in groups))]
    run |= {
        "originalUriBaseIds": {
            SOURCE_ROOT: {
                "description": {
                    "text": "The folder gtm-check ran in, which the launch files are named "
                    "relative to: in CI, the root of the repository."
                }
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": _verdicts(reports),
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return dumps(log) + "\n"


def level(finding: Finding) -> str:
    """Errors for the gate's failures and for blocker and high items, warnings for medium
    items and for warnings, notes for low items."""
    if finding.kind == "gate":
        return "error"
    if finding.kind == "warning":
        return "warning"
    assert finding.severity is not None
    return LEVELS[finding.severity]


def _rule(finding: Finding) -> dict[str, Any]:
    if finding.kind == "item":
        assert finding.item is not None
        item = finding.item
        name, short, full = _pascal(item.id), item.title, item.question or item.title
        parts = [f"Question: {item.question}" if item.question else item.title]
        parts += [f"Guidance: {item.guidance}"] if item.guidance else []
        parts += [f"Why: {item.why}"] if item.why else []
        help_text = "\n\n".join(parts)
        tags = [item.stage.value, item.department, item.severity.value]
    elif finding.kind == "warning":
        name = _pascal(finding.check)
        short = f"{WARNINGS[finding.check].capitalize()}."
        full = help_text = (
            f"{short} A launch file may do this, but it relaxes the launch's own gate, so "
            "gtm-check always reports it; it fails the gate only where a policy's "
            "fail_on_warnings names it."
        )
        tags = ["warning"]
    else:
        name, short, full, help_text = GATE_RULES[finding.check]
        tags = ["gate"]
    rule_level = level(finding)
    return {
        "id": finding.check,
        "name": name[:MAX_NAME],
        "shortDescription": {"text": _clipped(short, sarif_text, MAX_DESCRIPTION)},
        "fullDescription": {"text": _clipped(full, sarif_text, MAX_DESCRIPTION)},
        "help": {"text": sarif_lines(help_text)},
        "defaultConfiguration": {"level": rule_level},
        "properties": {
            "tags": [visible(tag) for tag in tags],
            "precision": "very-high",
            "problem.severity": PROBLEM_SEVERITY[rule_level],
        },
    }


def grouped(found: Sequence[Finding]) -> list[list[Finding]]:
    """The findings as results, in order: GitHub tells alerts apart by rule, file and the
    text of the line, so the findings of one rule on one line (two launches' open item in
    the team checklist they share, two milestones written on one line) are one result that
    lists each, rather than alerts that would hide one another."""
    groups: dict[tuple[object, ...], list[Finding]] = {}
    for finding in found:
        where = finding.location
        key = (finding.fingerprint,) if where is None else (finding.check, where.path, where.line)
        groups.setdefault(key, []).append(finding)
    return list(groups.values())


def _result(group: Sequence[Finding], rule_index: int) -> dict[str, Any]:
    first = group[0]
    result: dict[str, Any] = {
        "ruleId": first.check,
        "ruleIndex": rule_index,
        "level": min((level(f) for f in group), key=list(PROBLEM_SEVERITY).index),
        "message": {"text": sarif_text(" ".join(f.message for f in group))},
    }
    if first.location is not None:
        result["locations"] = [_location(first.location)]
    fingerprint = first.fingerprint
    if len(group) > 1:  # the set's: it changes when a finding joins or leaves the line
        fingerprint = hashlib.sha256(" ".join(f.fingerprint for f in group).encode()).hexdigest()
    result["partialFingerprints"] = {"gtmCheckFinding/v1": fingerprint}
    result["properties"] = _properties(first) | ({"findings": len(group)} if len(group) > 1 else {})
    return result


def _properties(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {"launch": visible(finding.report.launch.name), "kind": finding.kind}
    item = finding.item
    if finding.kind == "item" and item is not None:
        data |= {
            "stage": item.stage.value,
            "department": item.department,
            "status": item.status.value,
            "owner": None if item.owner is None else visible(item.owner),
            "due": item.due.isoformat() if item.due else None,
            "overdueDays": item.overdue_days,
            "failsGate": finding.report.gate.fails_on(item),
        }
    return data


def _location(location: Location) -> dict[str, Any]:
    path = PurePath(location.path)
    if path.is_absolute():
        artifact = {"uri": path.as_uri()}
    else:
        # A name that is not UTF-8: its own bytes, percent-encoded (%FF), as a URI holds them.
        artifact = {
            "uri": quote(repository_path(location.path), errors="surrogateescape"),
            "uriBaseId": SOURCE_ROOT,
        }
    return {
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {"startLine": location.line, "startColumn": location.column},
        }
    }


def _verdicts(reports: Sequence[Report]) -> dict[str, Any]:
    """The gate's verdict for the whole run and each launch's, with its stage scores."""
    return {
        "passed": all(r.gate.passed for r in reports),
        "launches": [
            {
                "name": visible(r.launch.name),
                "file": None if r.gate_locations is None else launch_path(r),
                "asOf": r.launch.as_of.isoformat(),
                "passed": r.gate.passed,
                "failures": [visible(f) for f in r.gate.failures],
                "gate": {"stages": [s.value for s in r.gate.stages], "minScore": r.gate.min_score},
                "overall": r.overall.score,
                "stages": {
                    s.key.value: {"score": s.score, "verdict": s.verdict.value} for s in r.stages
                },
            }
            for r in reports
        ],
    }


def _left_out(left: int, total: int) -> dict[str, Any]:
    message = (
        f"{left} of {total} findings are left out, the least urgent: GitHub code scanning "
        f"refuses a run of more than {MAX_RESULTS:,} results. gtm-check audit --format json "
        "lists every open item."
    )
    return {
        "executionSuccessful": True,
        "toolExecutionNotifications": [{"level": "warning", "message": {"text": message}}],
    }


def _pascal(words: str) -> str:
    """``legal.trademarks`` as ``LegalTrademarks``: the friendly rule name SARIF suggests."""
    return "".join(part.capitalize() for part in words.replace(".", "-").split("-") if part)


def _clipped(text: str, escape: Callable[[str], str], limit: int) -> str:
    """``escape(text)``, shortened with an ellipsis to at most ``limit`` UTF-16 code units
    (how GitHub counts) without cutting an escape in two."""
    whole = escape(text)
    if _units(whole) <= limit:
        return whole
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _units(escape(text[:middle].rstrip() + "…")) <= limit:
            low = middle
        else:
            high = middle - 1
    return escape(text[:low].rstrip() + "…")


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
