"""What several formats show the same way: scores as text, a portfolio's combined gaps."""

from __future__ import annotations

import json
from collections.abc import Sequence

from gtm_check.model.results import ItemResult, Report, Warning, urgency
from gtm_check.model.safetext import command_free, json_safe
from gtm_check.model.vocabulary import WARNINGS
from gtm_check.report import ASCII_GLYPHS, RenderOptions


def score_text(score: float | None) -> str:
    """A score as every format shows it: one decimal, or an em dash for "no score"."""
    return "—" if score is None else f"{score:.1f}"


def filled(score: float, cells: int) -> int:
    """How many of ``cells`` a score fills: rounded down, so that only 100 fills them all
    (95.1 of 10 cells is 9, not 10); counted in tenths, as scores are, so that no float
    error takes one away."""
    return min(cells, max(0, round(score * 10) * cells // 1000))


def combined_gaps(reports: Sequence[Report]) -> list[ItemResult]:
    """Every launch's gaps in one list, most urgent first (ties keep launch order)."""
    return sorted((g for r in reports for g in r.gaps), key=urgency)


def launch_names(reports: Sequence[Report]) -> dict[int, str]:
    """The launch each gap belongs to, by the gap's identity, for portfolio views."""
    return {id(g): r.launch.label for r in reports for g in r.gaps}


def warning_groups(warnings: Sequence[Warning]) -> list[tuple[str, list[Warning]]]:
    """Warnings by code, in the report's order: one line each in the short formats, so that
    sixty undocumented sign-offs read as one finding rather than a screenful."""
    groups: dict[str, list[Warning]] = {}
    for warning in warnings:
        groups.setdefault(warning.code, []).append(warning)
    return list(groups.items())


def warning_summary(code: str, group: Sequence[Warning], *, examples: bool = True) -> str:
    """One warning's message, or for several of one kind: how many, what, and (with
    ``examples``) the first ids."""
    if len(group) == 1:
        return group[0].message
    summary = f"{len(group)}× {WARNINGS[code]}"
    items = [w.item for w in group if w.item]
    if examples and items:
        summary += " (" + ", ".join(items[:3]) + (", …" if len(items) > 3 else "") + ")"
    return summary


def status_text(gap: ItemResult) -> str:
    """An open item's status as every format shows it: why a ``done`` does not count, and
    an expired waiver."""
    text = gap.uncounted or gap.status.value
    if gap.check is not None and not gap.unverified:
        text += ", verified" if gap.check.passed else ", verification failed"
    if gap.waiver is not None and gap.waiver.expired:
        text += f", waiver expired {gap.waiver.expires}"
    return text


def verification_text(item: ItemResult) -> str:
    """What an item's check found, as every format words it: ``verified (answered 200)``,
    ``verification failed (answered 404)`` or ``not checked``."""
    check = item.check
    if check is None:
        return "not checked"
    return f"{'verified' if check.passed else 'verification failed'} ({check.why})"


def checks_summary(report: Report) -> str:
    """The checks of an ``audit --verify`` in one line, e.g. "checks: 4 verified, 1 failed;
    2 open items pass theirs: mark them done"."""
    checks = report.checks
    passed = sum(1 for item in checks if item.check is not None and item.check.passed)
    text = f"checks: {passed} verified, {len(checks) - passed} failed"
    if not checks:
        text = "checks: no item of this launch has a check (verify:)"
    suggested = len(report.suggestions)
    if suggested:
        plural = "s pass their checks" if suggested > 1 else " passes its check"
        text += f"; {suggested} open item{plural}: mark {'them' if suggested > 1 else 'it'} done"
    return text


POLICY_HEADING = "Below the policy (audit fails the gate on these)"
"""The heading of the breaches a view lists beside its own findings (``diff``, ``trend``,
``plan``): what ``audit``'s gate fails on."""
MISSED_HEADING = "Missed milestones (audit fails the gate on these)"
"""Likewise, of the milestones missed."""


SUGGESTION = (
    "gtm-check set LAUNCH ITEM --status done --verify marks one done with its check as evidence"
)
"""How to take up a suggestion: ``audit`` never writes the launch file itself."""


def json_text(data: object) -> str:
    """Indented UTF-8 JSON and a final newline, as the smaller JSON views print it (the
    readiness report has its own encoder: report/json.py); every hidden character a
    ``\\uXXXX`` escape (``json_safe``): the same value, nothing raw for a terminal or log."""
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def drawn(text: str, options: RenderOptions) -> str:
    """A plain-text view as the output can show it: no line that starts with "::" or holds
    "##[" where wrapping broke user text (``command_free``); with ``options.ascii``, every
    drawing character in ASCII, and arrows as "->"."""
    text = command_free(text)
    return text.replace("→", "->").translate(ASCII_GLYPHS) if options.ascii else text


def plan_lines(report: Report) -> list[str]:
    """What the audit says of its critical path: where it ends, when that is after launch
    day; and with a trend, which of it and the pace decides."""
    lines = []
    if report.critical_path is not None and report.critical_path.late:
        lines.append(report.critical_path.summary)
    if report.outlook is not None:
        lines.append(report.outlook.sentence)
    return lines
