"""JUnit XML that means the gate: the test tab is red exactly when the gate fails.

Per launch: a ``gate`` suite with one test case per gated stage (failing when the stage
fails its gate) and, when the launch goes below the policy, a failing ``policy`` case; then a
suite per stage with one test case per applicable item. An open item that alone fails the
gate (at or above ``--fail-on`` in a gated stage) is a failure; every other open item is
skipped with its status and why it does not fail the gate; credited items pass. Warnings are
skipped cases of their own. Read by Jenkins, GitLab and GitHub test reporters.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from gtm_check.model.results import (
    GateResult,
    ItemResult,
    MilestoneResult,
    Report,
    next_milestone,
)
from gtm_check.model.safetext import xml_lines, xml_text
from gtm_check.model.vocabulary import Stage
from gtm_check.report import RenderOptions
from gtm_check.report.shared import status_text

COUNTS = ("tests", "failures", "skipped", "errors")


def render(reports: Sequence[Report], options: RenderOptions | None = None) -> str:
    name = f"gtm-check: {reports[0].launch.title}" if len(reports) == 1 else "gtm-check"
    root = ET.Element("testsuites", name=name)
    for report in reports:
        prefix = f"{report.launch.title} · " if len(reports) > 1 else ""
        _gate_suite(
            ET.SubElement(root, "testsuite", name=f"{prefix}gate"), report.gate, report.milestones
        )
        for stage in Stage:
            suite = ET.SubElement(root, "testsuite", name=f"{prefix}{stage.value}: {stage.label}")
            for item in report.items:
                if item.stage is stage and item.applicable:
                    _item_case(suite, item, report.gate)
        if report.warnings:
            suite = ET.SubElement(root, "testsuite", name=f"{prefix}warnings")
            for warning in report.warnings:
                case = _case(suite, "gtm-check.warnings", warning.code)
                ET.SubElement(case, "skipped", message=f"warning: {warning.message}")
    _count(root)
    _make_safe(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=classname, name=name)


def _upcoming(milestone: MilestoneResult, following: MilestoneResult | None) -> str:
    """The next milestone's countdown (``following``); a later one's date."""
    if milestone is following:
        return milestone.countdown
    return f"upcoming: {milestone.name} on {milestone.date}"


def _gate_suite(
    suite: ET.Element, gate: GateResult, milestones: Sequence[MilestoneResult] = ()
) -> None:
    for stage in gate.stages:
        case = _case(suite, "gate", f"{stage.value}: {stage.label}")
        if stage in gate.failed_stages:
            ET.SubElement(case, "failure", message=gate.failed_stages[stage], type="gate")
    following = next_milestone(list(milestones))
    for milestone in milestones:
        case = _case(suite, "gate", f"milestone {milestone.name} ({milestone.date})")
        if milestone.status == "missed":
            ET.SubElement(case, "failure", message=milestone.reason, type="milestone")
        elif milestone.status == "upcoming":
            ET.SubElement(case, "skipped", message=_upcoming(milestone, following))
    if gate.breaches:
        case = _case(suite, "gate", "policy")
        failure = ET.SubElement(case, "failure", message=gate.breaches[0], type="policy")
        failure.text = "\n".join(gate.breaches)


def _item_case(suite: ET.Element, item: ItemResult, gate: GateResult) -> None:
    case = _case(suite, item.department, f"{item.id}: {item.title}")
    if not item.open:
        if item.waiver is not None and not item.waiver.expired and item.status.value != "done":
            waiver = item.waiver
            out = ET.SubElement(case, "system-out")
            out.text = f"waived until {waiver.expires} by {waiver.approved_by}: {waiver.reason}"
        return
    details = _details(item)
    if gate.fails_on(item):
        failure = ET.SubElement(case, "failure", message=details, type=item.severity.value)
        failure.text = _explanation(item)
    else:
        why = "not gated" if item.stage not in gate.stages else "does not fail the gate alone"
        ET.SubElement(case, "skipped", message=f"open, {why}: {details}")


def _details(item: ItemResult) -> str:
    details = [item.severity.value, f"owner {item.owner or 'none'}"]
    if item.overdue_days is not None:
        details.append(f"due {item.due}, {item.overdue_days} days overdue")
    else:
        lead = " (lead time)" if item.due_from_lead else ""
        details.append(f"due {item.due}{lead}" if item.due else "due not set")
    details.append(f"status {status_text(item)}")
    return " · ".join(details)


def _explanation(item: ItemResult) -> str:
    parts = [
        f"Ask: {item.question}" if item.question else "",
        f"Done when: {item.guidance}" if item.guidance else "",
        f"Waiver expired {item.waiver.expires}: {item.waiver.reason}"
        if item.waiver and item.waiver.expired
        else "",
    ]
    return "\n".join(part for part in parts if part)


def _count(root: ET.Element) -> None:
    """Each suite's and the whole file's tests, failures and skipped cases."""
    totals = dict.fromkeys(COUNTS, 0)
    for suite in root.iter("testsuite"):
        cases = list(suite.iter("testcase"))
        counts = {
            "tests": len(cases),
            "failures": sum(c.find("failure") is not None for c in cases),
            "skipped": sum(c.find("skipped") is not None for c in cases),
            "errors": 0,
        }
        for key in COUNTS:
            suite.set(key, str(counts[key]))
            totals[key] += counts[key]
    for key in COUNTS:
        root.set(key, str(totals[key]))


def _make_safe(root: ET.Element) -> None:
    """User text in every attribute and element of the tree, made valid XML 1.0 that shows
    every control character rather than passing it to the CI's test tab."""
    for element in root.iter():
        for key, value in element.attrib.items():
            element.set(key, xml_text(value))
        if element.text:
            element.text = xml_lines(element.text)
