"""JUnit XML: one testsuite per stage, one testcase per applicable item.

Open items fail, done items pass, waived items are skipped with the waiver's reason, and
items that do not apply (traits or n/a) are left out. Read by Jenkins, GitLab and GitHub
test reporters.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from gtm_check.model.results import ItemResult, Report
from gtm_check.model.safetext import xml_lines, xml_text
from gtm_check.model.vocabulary import Stage
from gtm_check.report import RenderOptions


def render(reports: Sequence[Report], options: RenderOptions | None = None) -> str:
    name = f"gtm-check: {reports[0].launch.title}" if len(reports) == 1 else "gtm-check"
    root = ET.Element("testsuites", name=name)
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for report in reports:
        prefix = f"{report.launch.title} · " if len(reports) > 1 else ""
        for stage in Stage:
            items = [i for i in report.items if i.stage is stage and i.applicable]
            suite = ET.SubElement(root, "testsuite", name=f"{prefix}{stage.value}: {stage.label}")
            counts = {"tests": len(items), "failures": 0, "skipped": 0}
            for item in items:
                outcome = _testcase(suite, item)
                if outcome:
                    counts[outcome] += 1
            for key, value in counts.items():
                suite.set(key, str(value))
                totals[key] += value
            suite.set("errors", "0")
        if report.warnings:
            _warnings(root, report, prefix, totals)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    _make_safe(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _warnings(root: ET.Element, report: Report, prefix: str, totals: dict[str, int]) -> None:
    """Warnings as skipped test cases: visible in the test tab, never a failure."""
    suite = ET.SubElement(root, "testsuite", name=f"{prefix}warnings")
    for warning in report.warnings:
        case = ET.SubElement(suite, "testcase", classname="gtm-check.warnings", name=warning.code)
        ET.SubElement(case, "skipped", message=f"warning: {warning.message}")
    count = len(report.warnings)
    for key, value in (("tests", count), ("failures", 0), ("skipped", count), ("errors", 0)):
        suite.set(key, str(value))
    totals["tests"] += count
    totals["skipped"] += count


def _make_safe(root: ET.Element) -> None:
    """User text in every attribute and element of the tree, made valid XML 1.0 that shows
    every control character rather than passing it to the CI's test tab."""
    for element in root.iter():
        for key, value in element.attrib.items():
            element.set(key, xml_text(value))
        if element.text:
            element.text = xml_lines(element.text)


def _testcase(suite: ET.Element, item: ItemResult) -> str | None:
    case = ET.SubElement(
        suite, "testcase", classname=item.department, name=f"{item.id}: {item.title}"
    )
    if item.open:
        details = [item.severity.value, f"owner {item.owner or 'none'}"]
        if item.overdue_days is not None:
            details.append(f"due {item.due}, {item.overdue_days} days overdue")
        else:
            lead = " (lead time)" if item.due_from_lead else ""
            details.append(f"due {item.due}{lead}" if item.due else "due not set")
        details.append(f"status {item.status.value}")
        failure = ET.SubElement(
            case, "failure", message=" · ".join(details), type=item.severity.value
        )
        failure.text = "\n".join(
            part
            for part in (
                f"Ask: {item.question}" if item.question else "",
                f"Done when: {item.guidance}" if item.guidance else "",
                f"Waiver expired {item.waiver.expires}: {item.waiver.reason}"
                if item.waiver and item.waiver.expired
                else "",
            )
            if part
        )
        return "failures"
    if item.waiver is not None and not item.waiver.expired and item.status.value != "done":
        ET.SubElement(
            case,
            "skipped",
            message=f"waived until {item.waiver.expires} by {item.waiver.approved_by}: "
            f"{item.waiver.reason}",
        )
        return "skipped"
    return None
