"""GitHub Actions workflow commands: an annotation per open item, on the line that sets it.

``::error`` for blockers, ``::warning`` for the rest, each with ``file=`` and ``line=``
pointing at the item's entry in the launch file (or, for an item the launch file does not
mention, at the item in its team checklist, or at where the launch file names the built-in
checklist). Then one summary line.
"""

from __future__ import annotations

from collections.abc import Sequence

from gtm_check.model.results import ItemResult, Report, Warning
from gtm_check.model.safetext import visible
from gtm_check.model.vocabulary import Severity
from gtm_check.report import RenderOptions
from gtm_check.report.shared import score_text


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(reports: Sequence[Report], options: RenderOptions | None = None) -> str:
    lines = []
    for report in reports:
        for gap in report.gaps:
            lines.append(annotation(gap, report))
    for report in reports:
        lines += [caution(warning, report) for warning in report.warnings]
    for report in reports:
        lines.append(summary(report))
    return "\n".join(lines) + "\n"


def annotation(gap: ItemResult, report: Report) -> str:
    command = "error" if gap.severity is Severity.BLOCKER else "warning"
    properties = []
    if gap.location is not None:
        properties += [
            f"file={escape_property(visible(gap.location.path))}",
            f"line={gap.location.line}",
            f"col={gap.location.column}",
        ]
    properties.append(f"title={escape_property(f'{gap.severity} gap: {gap.id}')}")
    if gap.overdue_days is not None:
        due = f"{gap.overdue_days} days overdue (due {gap.due})"
    else:
        due = (
            f"due {gap.due}{' (lead time)' if gap.due_from_lead else ''}"
            if gap.due
            else "no due date"
        )
    message = (
        f"{gap.title} [{report.launch.name}, {gap.stage.value}, "
        f"owner {gap.owner or 'none'}, {gap.status.value}, {due}]"
    )
    return f"::{command} {','.join(properties)}::{escape_data(visible(message))}"


def caution(warning: Warning, report: Report) -> str:
    """A warning as an annotation: not a failure, but never silent."""
    title = escape_property(f"gtm-check warning: {warning.code}")
    message = f"{warning.message} [{report.launch.title}]"
    return f"::warning title={title}::{escape_data(visible(message))}"


def summary(report: Report) -> str:
    gate = report.gate
    verdict = "gate passed" if gate.passed else "gate failed: " + "; ".join(gate.failures)
    filtered = f", filtered: {report.filters.describe()}" if report.filters.active else ""
    shown = len(report.gaps)
    text = (
        f"gtm-check: {report.launch.title}: {verdict} (overall "
        f"{score_text(report.overall.score)}, {shown} open item{'' if shown == 1 else 's'} "
        f"shown{filtered})"
    )
    # A plain line in the log, not a workflow command: one line, nothing a runner obeys.
    return visible(" ".join(text.split()))
