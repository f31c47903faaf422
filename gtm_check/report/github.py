"""GitHub Actions workflow commands: annotations on the lines that matter, then a summary.

GitHub shows at most 10 error and 10 warning annotations per step and drops the rest
silently, so gtm-check chooses: ``::error`` for each open item that alone fails the gate
(at or above ``--fail-on`` in a gated stage), most urgent first; ``::warning`` for the
report's warnings, then for overdue high items in gated stages; at most 10 of each across a
portfolio. One ``::notice`` says how many open items were not annotated and where to see
them all. Each annotation points (``file=``, ``line=``) at the item's entry in the launch
file or, for an item the launch file does not mention, at the item in its team checklist, or
at where the launch file names the built-in checklist. Then one summary line per launch.
"""

from __future__ import annotations

from collections.abc import Sequence

from gtm_check.model.problems import Problem
from gtm_check.model.results import (
    ItemResult,
    MilestoneResult,
    Report,
    Warning,
    next_milestone,
    urgency,
)
from gtm_check.model.safetext import visible
from gtm_check.model.vocabulary import Severity
from gtm_check.report import RenderOptions
from gtm_check.report.shared import score_text, status_text, warning_groups, warning_summary

PER_STEP = 10
"""GitHub's limit on error annotations, and on warning annotations, shown per step."""


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    failing = [(g, r) for r in reports for g in r.gaps if r.gate.fails_on(g)]
    failing.sort(key=lambda pair: urgency(pair[0]))
    overdue = [
        (g, r)
        for r in reports
        for g in r.gaps
        if not r.gate.fails_on(g)
        and g.stage in r.gate.stages
        and g.severity is Severity.HIGH
        and g.overdue_days is not None
    ]
    overdue.sort(key=lambda pair: urgency(pair[0]))
    cautions = [(code, group, r) for r in reports for code, group in warning_groups(r.warnings)]
    missed = [milestone_annotation(m, r) for r in reports for m in r.milestones
              if m.status == "missed"]  # fmt: skip
    errors = [*missed[:PER_STEP]]
    errors += [annotation(g, r, "error") for g, r in failing[: PER_STEP - len(errors)]]
    warnings = [caution(code, group, r) for code, group, r in cautions[:PER_STEP]]
    warnings += [annotation(g, r, "warning") for g, r in overdue[: PER_STEP - len(warnings)]]
    lines = [*errors, *warnings]
    shown = len(errors) - len(missed[:PER_STEP]) + len(warnings) - min(len(cautions), PER_STEP)
    hidden = sum(len(r.gaps) for r in reports) - shown
    if hidden or len(cautions) > PER_STEP:
        lines.append(_notice(hidden, max(0, len(cautions) - PER_STEP)))
    lines += [countdown(r) for r in reports if next_milestone(r.milestones) is not None]
    lines += [summary(report) for report in reports]
    return "\n".join(lines) + "\n"


def _notice(items: int, warnings: int) -> str:
    parts = [f"{items} open item{'' if items == 1 else 's'}"] if items else []
    if warnings:
        parts.append(f"{warnings} warning{'' if warnings == 1 else 's'}")
    message = (
        f"{' and '.join(parts)} not annotated here: GitHub shows at most {PER_STEP} errors and "
        f"{PER_STEP} warnings per step. The job summary lists every one "
        "(or run gtm-check audit --format markdown)."
    )
    return f"::notice title={escape_property('gtm-check')}::{escape_data(message)}"


def problem_annotation(problem: Problem) -> str:
    """An input problem as an error annotation on the line that caused it."""
    properties = [
        f"file={escape_property(visible(problem.path))}",
        f"line={problem.line}",
        f"col={problem.column}",
        f"title={escape_property('gtm-check: invalid input')}",
    ]
    message = problem.message + (f" ({problem.hint})" if problem.hint else "")
    return f"::error {','.join(properties)}::{escape_data(visible(message))}"


def render_problems(problems: Sequence[Problem], options: RenderOptions) -> str:
    """Input problems as error annotations, so that a pull request that breaks a launch
    file shows where."""
    return "".join(problem_annotation(problem) + "\n" for problem in problems)


def annotation(gap: ItemResult, report: Report, command: str) -> str:
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
        f"owner {gap.owner or 'none'}, {status_text(gap)}, {due}]"
    )
    return f"::{command} {','.join(properties)}::{escape_data(visible(message))}"


def milestone_annotation(milestone: MilestoneResult, report: Report) -> str:
    """A missed milestone fails the gate: an error, as an item that fails it is."""
    title = escape_property(f"gtm-check: milestone {milestone.name} missed")
    message = f"{milestone.reason} [{report.launch.title}]"
    return f"::error title={title}::{escape_data(visible(message))}"


def countdown(report: Report) -> str:
    """The next milestone, as a notice: what the launch needs by when."""
    upcoming = next_milestone(report.milestones)
    assert upcoming is not None
    title = escape_property(f"gtm-check: milestone {upcoming.name}")
    message = f"{upcoming.countdown} [{report.launch.title}]"
    return f"::notice title={title}::{escape_data(visible(message))}"


def caution(code: str, group: Sequence[Warning], report: Report) -> str:
    """Warnings of one kind as an annotation: not a failure, but never silent."""
    title = escape_property(f"gtm-check warning: {code}")
    message = f"{warning_summary(code, group)} [{report.launch.title}]"
    return f"::warning title={title}::{escape_data(visible(message))}"


def summary(report: Report) -> str:
    gate = report.gate
    verdict = "gate passed" if gate.passed else "gate failed: " + "; ".join(gate.failures)
    filtered = f", filtered: {report.filters.describe()}" if report.filters.active else ""
    shown = len(report.gaps)
    text = (
        f"gtm-check: {report.launch.title}: {verdict} (overall "
        f"{score_text(report.overall.score)}, {shown} open item{'' if shown == 1 else 's'}"
        f"{filtered})"
    )
    # A plain line in the log, not a workflow command: one line, nothing a runner obeys.
    return visible(" ".join(text.split()))
