"""GitHub Actions workflow commands: annotations on the lines that matter, then a summary.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step and drops the
rest silently, so gtm-check chooses, most important first. Each launch whose gate failed gets
an ``::error`` saying why (its failed stages, scores included, and policy breaches; each
missed milestone one of its own), so a red step always names its reason. Then, most urgent
first: ``::error`` for each open item that alone fails the gate (at or above ``--fail-on`` in
a gated stage); ``::warning`` for the report's warnings (one per kind), then for the other
open items of gated stages; ``::notice`` for each next milestone's countdown, then for the
open items of stages the gate does not check. What does not fit its own kind takes a free
slot of a milder one rather than being left out; only when those are full is anything left
out, and one ``::notice`` says how many and that the slots were full. Each item's annotation
points (``file=``, ``line=``) at the item's entry in the launch file or, for an item the
launch file does not mention, at the item in its team checklist, or at where the launch file
names the built-in checklist. Then one summary line per launch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
from gtm_check.report import RenderOptions
from gtm_check.report.shared import (
    SUGGESTION,
    plan_lines,
    score_text,
    status_text,
    warning_groups,
    warning_summary,
)

PER_STEP = 10
"""GitHub's limit on error, on warning and on notice annotations shown per step."""

COMMANDS = ("error", "warning", "notice")
"""The annotation commands, most severe first: a slot's kind is its index here."""


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


@dataclass(frozen=True)
class _Candidate:
    """An annotation that wants a slot of its kind, or else of a milder one."""

    kind: int
    """The index in COMMANDS of the command it is written with when there is room."""
    what: str
    """What it is, to count what is left out: ``item``, ``warning``, ``countdown`` or
    ``plan``."""
    line: Callable[[str], str]
    """The annotation, written with the given command."""


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    candidates = _candidates(reports)
    shown, left = _allocate(candidates, reserve=0)
    if left:  # keep a notice slot to say what was left out, and why
        shown, left = _allocate(candidates, reserve=1)
    lines = [candidate.line(COMMANDS[kind]) for kind, candidate in sorted(shown, key=_by_kind)]
    if left:
        lines.append(_notice(left))
    lines += [summary(report) for report in reports]
    return "\n".join(lines) + "\n"


def _by_kind(slot: tuple[int, _Candidate]) -> int:
    return slot[0]


def _candidates(reports: Sequence[Report]) -> list[_Candidate]:
    """Every annotation gtm-check would make, most important first within each kind."""
    gaps = sorted(((g, r) for r in reports for g in r.gaps), key=lambda pair: urgency(pair[0]))
    failing = [(g, r) for g, r in gaps if r.gate.fails_on(g)]
    gated = [(g, r) for g, r in gaps if g.stage in r.gate.stages and not r.gate.fails_on(g)]
    ungated = [(g, r) for g, r in gaps if g.stage not in r.gate.stages]
    return [
        *(
            _Candidate(0, "gate", functools.partial(gate_annotation, r))
            for r in reports
            if _stage_and_policy_failures(r)
        ),  # fmt: skip
        *(
            _Candidate(0, "gate", functools.partial(milestone_annotation, m, r))
            for r in reports
            for m in r.milestones
            if m.status == "missed"
        ),  # fmt: skip
        *(_Candidate(0, "item", functools.partial(annotation, g, r)) for g, r in failing),
        *(
            _Candidate(1, "plan", functools.partial(plan_annotation, r))
            for r in reports
            if plan_lines(r)
        ),  # fmt: skip
        *(
            _Candidate(1, "warning", functools.partial(caution, code, group, r))
            for r in reports
            for code, group in warning_groups(r.warnings)
        ),  # fmt: skip
        *(_Candidate(1, "item", functools.partial(annotation, g, r)) for g, r in gated),
        *(
            _Candidate(2, "countdown", functools.partial(countdown, r))
            for r in reports
            if next_milestone(r.milestones) is not None
        ),  # fmt: skip
        *(_Candidate(2, "item", functools.partial(annotation, g, r)) for g, r in ungated),
        *(
            _Candidate(2, "suggestion", functools.partial(suggestion, r))
            for r in reports
            if r.suggestions
        ),  # fmt: skip
    ]


def _allocate(
    candidates: Sequence[_Candidate], reserve: int
) -> tuple[list[tuple[int, _Candidate]], list[_Candidate]]:
    """Each candidate in the first slot free at its kind or a milder one; the rest left out.

    ``reserve`` notice slots are kept back for the notice that says what was left out.
    """
    free = [PER_STEP, PER_STEP, PER_STEP - reserve]
    shown: list[tuple[int, _Candidate]] = []
    left: list[_Candidate] = []
    for candidate in candidates:
        kind = next((k for k in range(candidate.kind, len(COMMANDS)) if free[k]), None)
        if kind is None:
            left.append(candidate)
        else:
            free[kind] -= 1
            shown.append((kind, candidate))
    return shown, left


NAMES = {
    "gate": ("gate failure", "gate failures"),
    "item": ("open item", "open items"),
    "warning": ("kind of warning", "kinds of warning"),
    "countdown": ("milestone countdown", "milestone countdowns"),
    "plan": ("critical path", "critical paths"),
    "suggestion": ("suggestion", "suggestions"),
}
"""What a candidate is, in words, one and several: for the notice of what was left out."""


def _notice(left: Sequence[_Candidate]) -> str:
    """What was left out, and the true reason: every slot it could have taken was full."""
    counts = {what: sum(c.what == what for c in left) for what in NAMES}
    parts = [f"{n} {NAMES[what][n != 1]}" for what, n in counts.items() if n]
    full = COMMANDS[min(c.kind for c in left) :]
    slots = " and ".join(f"{PER_STEP} {command}" for command in full)
    message = (
        f"{_and(parts)} not annotated here: GitHub shows at most {slots} annotations per "
        "step, and more urgent ones fill them. The job summary lists them, up to GitHub's "
        "1 MiB for a summary; gtm-check audit --format markdown lists every one."
    )
    return f"::notice title={escape_property('gtm-check')}::{escape_data(message)}"


def _and(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _stage_and_policy_failures(report: Report) -> list[str]:
    """Why the gate failed, but for missed milestones, which have annotations of their own."""
    missed = set(report.gate.missed)  # a set: a launch may miss thousands of milestones
    return [f for f in report.gate.failures if f not in missed]


def gate_annotation(report: Report, command: str = "error") -> str:
    """Why the launch's gate failed: its failed stages (a score is a reason too) and policy."""
    title = escape_property("gtm-check: gate failed")
    message = f"{'; '.join(_stage_and_policy_failures(report))} [{report.launch.title}]"
    return f"::{command} title={title}::{escape_data(visible(message))}"


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
        f"{gap.title} [{report.launch.label}, {gap.stage.value}, "
        f"owner {gap.owner or 'none'}, {status_text(gap)}, {due}]"
    )
    return f"::{command} {','.join(properties)}::{escape_data(visible(message))}"


def milestone_annotation(milestone: MilestoneResult, report: Report, command: str = "error") -> str:
    """A missed milestone fails the gate: an error, as an item that fails it is."""
    title = escape_property(f"gtm-check: milestone {milestone.name} missed")
    message = f"{milestone.reason} [{report.launch.title}]"
    return f"::{command} title={title}::{escape_data(visible(message))}"


def countdown(report: Report, command: str = "notice") -> str:
    """The next milestone, as a notice: what the launch needs by when."""
    upcoming = next_milestone(report.milestones)
    assert upcoming is not None
    title = escape_property(f"gtm-check: milestone {upcoming.name}")
    message = f"{upcoming.countdown} [{report.launch.title}]"
    return f"::{command} title={title}::{escape_data(visible(message))}"


def plan_annotation(report: Report, command: str = "warning") -> str:
    """The critical path ends after launch day (or, with a trend, what decides the date)."""
    title = escape_property("gtm-check: critical path")
    message = f"{'; '.join(plan_lines(report))} [{report.launch.title}]"
    return f"::{command} title={title}::{escape_data(visible(message))}"


def suggestion(report: Report, command: str = "notice") -> str:
    """Open items whose checks pass, as a notice: mark them done (``audit`` never does)."""
    items = [item.id for item in report.suggestions]
    title = escape_property("gtm-check: verified but not done")
    shown = ", ".join(items[:5]) + (", …" if len(items) > 5 else "")
    passes = "s pass their checks" if len(items) > 1 else " passes its check"
    message = f"{len(items)} open item{passes}: {shown}; {SUGGESTION} [{report.launch.title}]"
    return f"::{command} title={title}::{escape_data(visible(message))}"


def caution(code: str, group: Sequence[Warning], report: Report, command: str = "warning") -> str:
    """Warnings of one kind as an annotation: not a failure, but never silent."""
    title = escape_property(f"gtm-check warning: {code}")
    message = f"{warning_summary(code, group)} [{report.launch.title}]"
    return f"::{command} title={title}::{escape_data(visible(message))}"


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
