"""GitLab Code Quality: the JSON array that GitLab shows in merge requests.

One object per finding (report/findings.py), at the line of the launch file that decides it.

GitLab reads ``description``, ``check_name``, ``fingerprint``, ``severity``,
``location.path`` and ``location.lines.begin``, stops at the first object it cannot read,
and shows findings with the same fingerprint as one. So every object has all six, and each
fingerprint is unique and the same from run to run while its finding stands. Severities in
GitLab's words: the gate's failures and blocker items ``blocker``, high items ``critical``,
medium items ``major``, low items and warnings ``minor``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gtm_check.model.results import Report
from gtm_check.model.safetext import visible
from gtm_check.model.vocabulary import Severity
from gtm_check.report import RenderOptions
from gtm_check.report.findings import Finding, findings, launch_path, repository_path
from gtm_check.report.json import dumps

SEVERITIES = {
    Severity.BLOCKER: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
}
CHECK_PREFIX = "gtm-check/"
"""GitLab merges the reports of every job of a pipeline: the prefix says whose check it is."""


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    return dumps([_issue(finding) for finding in findings(reports)]) + "\n"


def severity(finding: Finding) -> str:
    if finding.kind == "gate":
        return "blocker"
    if finding.kind == "warning":
        return "minor"
    assert finding.severity is not None
    return SEVERITIES[finding.severity]


def _issue(finding: Finding) -> dict[str, Any]:
    location = finding.location
    if location is None:  # no locations asked for: the launch, at its first line
        path, line = launch_path(finding.report), 1
    else:
        path, line = repository_path(location.path), location.line
    return {
        "type": "issue",
        "description": visible(finding.message),
        "check_name": CHECK_PREFIX + finding.check,
        "fingerprint": finding.fingerprint,
        "severity": severity(finding),
        "location": {"path": path, "lines": {"begin": line}},  # the name itself: GitLab finds it
    }
