"""JUnit XML that means the gate: the test tab is red exactly when the gate fails.

Per launch: a ``gate`` suite with one test case per gated stage (failing when the stage
fails its gate) and, when the launch goes below the policy, a failing ``policy`` case; then a
suite per stage with one test case per applicable item. An open item that alone fails the
gate (at or above ``--fail-on`` in a gated stage) is a failure; every other open item is
skipped with its status and why it does not fail the gate; credited items pass, and the
waivers that credit them are listed in their suite's ``system-out``. Warnings are skipped
cases of their own. Read by Jenkins, GitLab and GitHub test reporters.

The file is valid against both schemas those readers follow: Jenkins' ``junit-10.xsd`` (the
xUnit plugin drops a file that is not) and the Ant JUnit schema. So ``testsuites`` carries
no attribute (the Ant schema allows none; Jenkins refuses ``skipped`` there), every suite
has the attributes and elements the Ant schema requires (``package``, ``id``, a
``timestamp`` taken from the as-of date so the output stays deterministic, ``hostname``,
``time``, ``properties``, ``system-out``, ``system-err``), and a test case holds at most one
of ``failure`` or ``skipped`` and nothing else.
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
from gtm_check.report.shared import status_text, verification_text

COUNTS = ("tests", "failures", "errors", "skipped")


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    root = ET.Element("testsuites")
    for report in reports:
        prefix = f"{report.launch.title} · " if len(reports) > 1 else ""
        gate = _suite(root, f"{prefix}gate", report)
        _properties(gate, report)
        _gate_suite(gate, report.gate, report.milestones)
        _close(gate)
        for stage in Stage:
            suite = _suite(root, f"{prefix}{stage.value}: {stage.label}", report)
            waived = []
            for item in report.items:
                if item.stage is stage and item.applicable:
                    _item_case(suite, item, report.gate)
                    waived += _waived(item)
            _close(suite, waived)
        if report.verified:
            _checks_suite(_suite(root, f"{prefix}checks", report), report)
        if report.warnings:
            suite = _suite(root, f"{prefix}warnings", report)
            for warning in report.warnings:
                case = _case(suite, "gtm-check.warnings", warning.code)
                ET.SubElement(case, "skipped", message=f"warning: {warning.message}")
            _close(suite)
    _make_safe(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suite(root: ET.Element, name: str, report: Report) -> ET.Element:
    """A suite with the identity the Ant schema requires; its counts come in ``_close``."""
    suite = ET.SubElement(root, "testsuite", name=name, package=report.launch.title)
    suite.set("id", str(len(root) - 1))
    suite.set("timestamp", f"{report.launch.as_of.isoformat()}T00:00:00")
    suite.set("hostname", "localhost")
    ET.SubElement(suite, "properties")
    return suite


def _properties(suite: ET.Element, report: Report) -> None:
    """The launch and its verdict, for a reader that looks past the test cases."""
    properties = suite.find("properties")
    assert properties is not None
    for name, value in (
        ("launch", report.launch.title),
        ("as-of", report.launch.as_of.isoformat()),
        ("gate", "passed" if report.gate.passed else "failed"),
    ):
        ET.SubElement(properties, "property", name=name, value=value)


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=classname, name=name, time="0")


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


def _checks_suite(suite: ET.Element, report: Report) -> None:
    """With ``--verify``: a case per check that ran. A failed one is skipped, not failed:
    it fails the gate only through its item, open under --require-verified."""
    for item in report.checks:
        check = item.check
        assert check is not None
        case = _case(suite, "gtm-check.checks", f"{item.id}: {check.kind} {check.target}")
        if not check.passed:
            ET.SubElement(
                case, "skipped", message=f"{verification_text(item)}, status {item.status}"
            )
    suggested = [
        f"{item.id}: {verification_text(item)}: suggested done" for item in report.suggestions
    ]
    _close(suite, suggested)


def _waived(item: ItemResult) -> list[str]:
    """The waiver that credits an item, as a line of its suite's ``system-out`` (the Ant
    schema allows nothing but a failure or a skip inside a test case)."""
    waiver = item.waiver
    if item.open or waiver is None or waiver.expired or item.status.value == "done":
        return []
    return [f"{item.id}: waived until {waiver.expires} by {waiver.approved_by}: {waiver.reason}"]


def _item_case(suite: ET.Element, item: ItemResult, gate: GateResult) -> None:
    case = _case(suite, item.department, f"{item.id}: {item.title}")
    if not item.open:
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


def _close(suite: ET.Element, out: Sequence[str] = ()) -> None:
    """The suite's counts and time, then its ``system-out`` (the waivers it lists) and an
    empty ``system-err``, which the Ant schema requires after the test cases."""
    cases = suite.findall("testcase")
    counts = {
        "tests": len(cases),
        "failures": sum(c.find("failure") is not None for c in cases),
        "errors": 0,
        "skipped": sum(c.find("skipped") is not None for c in cases),
    }
    for key in COUNTS:
        suite.set(key, str(counts[key]))
    suite.set("time", "0")
    ET.SubElement(suite, "system-out").text = "\n".join(out) or None
    ET.SubElement(suite, "system-err")


def _make_safe(root: ET.Element) -> None:
    """User text in every attribute and element of the tree, made valid XML 1.0 that shows
    every control character rather than passing it to the CI's test tab."""
    for element in root.iter():
        for key, value in element.attrib.items():
            element.set(key, xml_text(value))
        if element.text:
            element.text = xml_lines(element.text)
