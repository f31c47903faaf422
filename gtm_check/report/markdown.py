"""The Markdown gap report people forward: GitHub-flavoured, with a Mermaid chart.

All user text goes through ``text()`` or ``cell()``, so that ``|``, backticks, HTML or
Markdown syntax in a title, owner or reason can neither break a table nor inject markup.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from gtm_check.model.results import ItemResult, Report, WaiverResult, next_milestone
from gtm_check.model.safetext import no_autolink, visible
from gtm_check.model.vocabulary import DEPARTMENTS, Severity, Stage, Verdict
from gtm_check.report import RenderOptions
from gtm_check.report.history import drawn_stages, history_lines
from gtm_check.report.shared import (
    SUGGESTION,
    checks_summary,
    combined_gaps,
    launch_names,
    plan_lines,
    score_text,
    status_text,
    verification_text,
    warning_groups,
    warning_summary,
)

VERDICT = {Verdict.READY: "✅ ready", Verdict.AT_RISK: "⚠️ at-risk", Verdict.BLOCKED: "⛔ blocked"}
THIS_WEEK_DAYS = 7
# Inline Markdown syntax that could change how user text renders: code spans, emphasis,
# links, strikethrough, table cells and GitHub's math ($...$, $$...$$). Text never starts a
# line, so block syntax (#, -, 1.) cannot take effect; HTML is neutralised separately.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]|~$])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def text(value: object) -> str:
    """User text for running Markdown: one line, no control character, no HTML, no Markdown
    syntax, and no bare address GitHub would turn into a link."""
    flat = visible(" ".join(str(value).split()))
    flat = _ENTITY.sub("&amp;", flat).replace("<", "&lt;").replace(">", "&gt;")
    return no_autolink(_MARKDOWN_SYNTAX.sub(r"\\\1", flat))


def cell(value: object) -> str:
    """User text for a table cell (``text`` already escapes ``|``)."""
    return text(value) or " "


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    if len(reports) == 1:
        lines = _single(reports[0])
    else:
        lines = _portfolio(reports)
    return "\n".join(lines).rstrip("\n") + "\n"


def _single(report: Report) -> list[str]:
    launch = report.launch
    lines = [
        f"# Launch readiness: {text(launch.title)}",
        "",
        f"**{_gate_word(report)}** · launch {launch.launch_date} · {launch.when} · "
        f"as of {launch.as_of} · overall score **{score_text(report.overall.score)}** · "
        f"{report.overall.open} open · {report.overall.overdue} overdue",
        "",
        *_gate_lines(report),
        "## Stages",
        "",
        "| Stage | Score | Verdict | Open | Blockers | Overdue |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for stage in report.stages:
        gated = "" if stage.key in report.gate.stages else " (not gated)"
        lines.append(
            f"| {stage.name}{gated} | {score_text(stage.score)} | {VERDICT[stage.verdict]} "
            f"| {stage.open} | {stage.open_blockers} | {stage.overdue} |"
        )
    lines += ["", *_chart([report]), "", *_history(report), "## Departments by stage", ""]
    lines += [
        "| Department | Learn | Buy | Use | Grow | All | Open |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    owing = [d for d in report.departments if d.score is not None]
    for dept in owing:
        scores = " | ".join(score_text(dept.stages[s]) for s in Stage)
        lines.append(f"| {cell(dept.name)} | {scores} | {score_text(dept.score)} | {dept.open} |")
    lines += ["", "Scores are percentages; — means the department owes nothing there.", ""]
    idle = [d.name for d in report.departments if d.score is None]
    if idle:
        lines += [f"Nothing applies to this launch for: {text(', '.join(idle))}.", ""]
    lines += _expiring(report)
    lines += _this_week(report.gaps, report.launch.as_of, [report])
    lines += _gap_sections(report.gaps, report, [report])
    lines += _checks(report)
    lines += _waivers(report.waivers)
    return lines


def _portfolio(reports: Sequence[Report]) -> list[str]:
    passed = sum(r.gate.passed for r in reports)
    lines = [
        f"# Launch readiness: {len(reports)} launches",
        "",
        f"**{passed} of {len(reports)} pass their gate.**",
        "",
        "| Launch | Launch date | Days | Learn | Buy | Use | Grow | Overall | Gate |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for report in reports:
        by_stage = {s.key: s for s in report.stages}
        stages = " | ".join(
            f"{score_text(by_stage[s].score)} {VERDICT[by_stage[s].verdict].split()[0]}"
            for s in Stage
        )
        lines.append(
            f"| {cell(report.launch.title)} | {report.launch.launch_date} "
            f"| {report.launch.days_to_launch} | {stages} | {score_text(report.overall.score)} "
            f"| {_gate_word(report)} |"
        )
    lines.append("")
    for report in reports:
        if report.gate.failures:
            lines.append(f"- **{text(report.launch.label)}**: " + "; ".join(
                text(f) for f in report.gate.failures
            ))  # fmt: skip
    for report in reports:
        if (upcoming := next_milestone(report.milestones)) is not None:
            lines.append(f"- **{text(report.launch.label)}**: ⏳ {text(upcoming.countdown)}")
        lines += [
            f"- **{text(report.launch.label)}**: 📅 {text(line)}" for line in plan_lines(report)
        ]
    lines += ["", *_chart(reports), ""]
    gaps = combined_gaps(reports)
    lines += _this_week(gaps, reports[0].launch.as_of, reports)
    lines += _gap_sections(gaps, reports[0], reports)
    for report in reports:
        lines += _checks(report, f" — {text(report.launch.label)}")
    for report in reports:
        if report.waivers:
            lines += _waivers(report.waivers, f" — {text(report.launch.label)}")
    return lines


def _gate_word(report: Report) -> str:
    return "Gate passed" if report.gate.passed else "Gate failed"


def _gate_lines(report: Report) -> list[str]:
    lines = [f"Gate: {text(report.gate.describe())}.", ""]
    if report.verified:
        lines += [f"🔎 {text(checks_summary(report))}.", ""]
    if report.gate.failures:
        lines += [f"- ❌ {text(failure)}" for failure in report.gate.failures] + [""]
    if (upcoming := next_milestone(report.milestones)) is not None:
        lines += [f"⏳ {text(upcoming.countdown)}", ""]
    for line in plan_lines(report):
        lines += [f"📅 {text(line)}", ""]
    if report.warnings:
        lines += [f"**Warnings ({len(report.warnings)})**: legal, but they relax the gate.", ""]
        for code, group in warning_groups(report.warnings):
            lines.append(f"- ⚠️ {text(warning_summary(code, group))} (`{code}`)")
        lines.append("")
    return lines


def _chart(reports: Sequence[Report]) -> list[str]:
    """A Mermaid xychart, which GitHub draws itself: stage scores for one launch, overall
    scores for a portfolio. A set with no score is drawn at 0."""
    if len(reports) == 1:
        title = "Readiness by stage (%)"
        labels = [s.value.capitalize() for s in Stage]
        values = [s.score for s in reports[0].stages]
    else:
        title = "Overall readiness by launch (%)"
        labels = [_chart_label(r.launch.label) for r in reports]
        values = [r.overall.score for r in reports]
    return [
        "```mermaid",
        "xychart-beta",
        f'    title "{title}"',
        f"    x-axis [{', '.join(f'{chr(34)}{label}{chr(34)}' for label in labels)}]",
        '    y-axis "Score" 0 --> 100',
        f"    bar [{', '.join(f'{v or 0:.1f}' for v in values)}]",
        "```",
    ]


def _history(report: Report) -> list[str]:
    """With ``audit --history``: the weekly stage scores as a Mermaid line chart, then the
    projection and its method."""
    history = report.history
    if history is None:
        return []
    lines = ["## Trend", ""]
    drawn = drawn_stages(history)
    if len(history.points) >= 2 and drawn:
        labels = ", ".join(f'"{p.date.isoformat()}"' for p in history.points)
        lines += ["```mermaid", "xychart-beta", '    title "Stage scores by week (%)"']
        lines += [f"    x-axis [{labels}]", '    y-axis "Score" 0 --> 100']
        for stage in drawn:
            values = ", ".join(f"{p.stages[stage].score or 0:.1f}" for p in history.points)
            lines.append(f"    line [{values}]")
        lines += ["```", "", "Lines, in order: " + ", ".join(str(s) for s in drawn) + ".", ""]
    lines += [f"- {text(line)}" for line in history_lines(history)]
    return [*lines, ""]


def _chart_label(name: str) -> str:
    # Inside a Mermaid string: no quotes, brackets or line breaks, and short enough to read.
    label = re.sub(r"[\"\[\]`<>#;\\]", "", visible(" ".join(name.split())))
    return label if len(label) <= 24 else label[:23] + "…"


def _this_week(gaps: Sequence[ItemResult], as_of: dt.date, reports: Sequence[Report]) -> list[str]:
    # Clamped: a week after 9999-12-28 is past the last date Python can hold.
    soon = as_of + dt.timedelta(days=min(THIS_WEEK_DAYS, (dt.date.max - as_of).days))
    urgent = [g for g in gaps if g.overdue_days is not None or (g.due and g.due <= soon)]
    lines = ["## This week", ""]
    if not urgent:
        return [*lines, "Nothing is overdue or due within 7 days.", ""]
    lines.append(f"Overdue, or due by {soon}:")
    lines.append("")
    launch_of = launch_names(reports)
    for gap in urgent:
        where = f"{text(launch_of[id(gap)])}: " if len(reports) > 1 else ""
        lines.append(
            f"- {where}**{gap.severity}** `{gap.id}` {text(gap.title)} — "
            f"{text(gap.owner or 'no owner')} — {_due(gap)}"
        )
    return [*lines, ""]


def _expiring(report: Report) -> list[str]:
    if not report.expiring:
        return []
    lines = [
        f"## Expiring within {report.expiring_within} days",
        "",
        "| Item | What | Last day | Days left |",
        "|---|---|---|---:|",
    ]
    for soon in report.expiring:
        lines.append(f"| `{soon.item}` | {soon.kind} | {soon.until} | {soon.days_left} |")
    return [*lines, ""]


def _gap_sections(
    gaps: Sequence[ItemResult], report: Report, reports: Sequence[Report]
) -> list[str]:
    lines = [f"## Open items ({len(gaps)})", ""]
    if report.filters.active:
        lines += [
            f"Filtered: {text(report.filters.describe())}. Scores cover the whole launch.",
            "",
        ]
    if not gaps:
        return [*lines, "No open items.", ""]
    portfolio = len(reports) > 1
    launch_of = launch_names(reports)
    names = DEPARTMENTS | {d.key: d.name for r in reports for d in r.departments}
    for severity in Severity:
        group = [g for g in gaps if g.severity is severity]
        if not group:
            continue
        lines += [f"### {severity.value.capitalize()} ({len(group)})", ""]
        head = "| Launch " if portfolio else ""
        lines.append(f"{head}| Item | Title | Stage | Department | Owner | Status | Due |")
        lines.append(("|---" if portfolio else "") + "|---|---|---|---|---|---|---|")
        for gap in group:
            first = f"| {cell(launch_of[id(gap)])} " if portfolio else ""
            lines.append(
                f"{first}| `{gap.id}` | {cell(gap.title)} | {gap.stage.value} "
                f"| {cell(names.get(gap.department, gap.department))} "
                f"| {cell(gap.owner or '—')} | {_status(gap)} | {_due(gap)} |"
            )
        lines += ["", *_details(group), ""]
    return lines


def _details(group: Iterable[ItemResult]) -> list[str]:
    entries = [g for g in group if g.question or g.guidance]
    if not entries:
        return []
    lines = [
        "<details>",
        f"<summary>Questions and guidance ({len(entries)})</summary>",
        "",
    ]
    for gap in entries:
        lines.append(f"- `{gap.id}`")
        if gap.question:
            lines.append(f"  - **Ask:** {text(gap.question)}")
        if gap.guidance:
            lines.append(f"  - **Done when:** {text(gap.guidance)}")
    return [*lines, "", "</details>"]


def _checks(report: Report, suffix: str = "") -> list[str]:
    """With ``--verify``: every check that ran, and the open items it suggests are done."""
    if not report.verified:
        return []
    lines = [f"## Checks{suffix}", "", f"{text(checks_summary(report))}.", ""]
    if not report.checks:
        return lines
    lines += ["| Item | Status | Checked | Result |", "|---|---|---|---|"]
    for item in report.checks:
        check = item.check
        assert check is not None
        status = item.status.value + (" (suggested: done)" if item.suggest_done else "")
        mark = "✅" if check.passed else "❌"
        lines.append(
            f"| `{item.id}` | {status} | {check.kind} {cell(check.target)} "
            f"| {mark} {text(verification_text(item))} |"
        )
    if report.suggestions:
        lines += ["", f"{text(SUGGESTION)}; `audit` never writes the launch file."]
    return [*lines, ""]


def _waivers(waivers: Sequence[WaiverResult], suffix: str = "") -> list[str]:
    if not waivers:
        return []
    lines = [
        f"## Waivers{suffix}",
        "",
        "| Item | State | Reason | Approved by | Expires |",
        "|---|---|---|---|---|",
    ]
    for waiver in waivers:
        state = (
            "expired: credits nothing"
            if waiver.expired
            else f"credits nothing: {waiver.idle}"
            if waiver.idle
            else "active"
        )
        lines.append(
            f"| `{waiver.item}` | {state} | {cell(waiver.reason)} "
            f"| {cell(waiver.approved_by)} | {waiver.expires} |"
        )
    return [*lines, ""]


def _status(gap: ItemResult) -> str:
    return status_text(gap)


def _due(gap: ItemResult) -> str:
    if gap.overdue_days is not None:
        days = gap.overdue_days
        return f"**{days} day{'' if days == 1 else 's'} late** (due {gap.due})"
    if gap.due is None:
        return "—"
    return f"{gap.due} (lead time)" if gap.due_from_lead else str(gap.due)
