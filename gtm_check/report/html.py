"""The self-contained HTML page: verdict, charts, gaps by stage, waivers, for any browser.

One file that loads nothing (its Content-Security-Policy forbids it), reads without
JavaScript, and prints as a handout. User text reaches it only through ``markup.esc`` and
``markup.evidence_link``; the charts come from ``svg``, the stylesheet from ``html_style``.

The open items are grouped by stage, not by owner: the page is read stage first (the bars
and the heat map say which stage is behind, the table then says what is open there), and
owners are often not written down, so an owner grouping would put most items under "no
owner". Each row names its owner, and the filter box finds one owner's items.
"""

from __future__ import annotations

from collections.abc import Sequence

from gtm_check.model.results import ItemResult, Report, next_milestone
from gtm_check.model.vocabulary import DEPARTMENTS, Stage
from gtm_check.report import RenderOptions
from gtm_check.report.history import drawn_stages, history_lines
from gtm_check.report.html_style import CSP, SCRIPT, STYLE
from gtm_check.report.markup import esc, evidence_link
from gtm_check.report.shared import (
    SUGGESTION,
    checks_summary,
    plan_lines,
    score_text,
    status_text,
    verification_text,
    warning_groups,
    warning_summary,
)
from gtm_check.report.svg import (
    band,
    heat_map,
    mini_bars,
    stage_bars,
    trend_line,
    verdict_text,
)

SEVERITY_ICON = {"blocker": "◆", "high": "▲", "medium": "●", "low": "○"}
"""Marks every system font has, so the badge never shows an empty box."""


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    if len(reports) == 1:
        title = f"Launch readiness: {esc(reports[0].launch.title)}"
        body = _launch(reports[0], "l1", 1)
    else:
        title = f"Launch readiness: {len(reports)} launches"
        body = _portfolio(reports)
    return "\n".join([*_head(title), "<main>", *body, *_tail()]) + "\n"


def _head(title: str) -> list[str]:
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>\n{STYLE}</style>",
        "</head>",
        "<body>",
    ]


def _tail() -> list[str]:
    return [
        '<footer><p class="muted">Made by gtm-check.</p></footer>',
        "</main>",
        f"<script>\n{SCRIPT}</script>",
        "</body>",
        "</html>",
    ]


# --- a portfolio ------------------------------------------------------------------------------


def _portfolio(reports: Sequence[Report]) -> list[str]:
    passed = sum(r.gate.passed for r in reports)
    lines = [
        f"<h1>Launch readiness: {len(reports)} launches</h1>",
        f'<p class="meta">{passed} of {len(reports)} pass their gate · as of '
        f"{reports[0].launch.as_of}</p>",
        '<div class="scroll"><table>',
        "<caption>One row per launch: stage scores against each gate</caption>",
        '<thead><tr><th scope="col">Launch</th><th scope="col">Launch date</th>'
        '<th scope="col">Stages</th><th scope="col" class="n">Overall</th>'
        '<th scope="col">Gate</th></tr></thead>',
        "<tbody>",
    ]
    for n, report in enumerate(reports, 1):
        launch = report.launch
        lines.append(
            f'<tr><th scope="row"><a href="#l{n}">{esc(launch.title)}</a></th>'
            f'<td><span class="nw">{launch.launch_date}</span><br>{launch.when}</td>'
            f"<td>{mini_bars(report)}</td>"
            f'<td class="n">{score_text(report.overall.score)}</td><td>{_gate_word(report)}</td>'
            "</tr>"
        )
    lines += ["</tbody></table></div>"]
    for n, report in enumerate(reports, 1):
        lines += [f'<section id="l{n}">', *_launch(report, f"l{n}", 2), "</section>"]
    return lines


# --- one launch -------------------------------------------------------------------------------


def _launch(report: Report, uid: str, level: int) -> list[str]:
    """One launch's whole report; ``level`` is its title's heading level (1 alone, 2 in a
    portfolio), its sections one below."""
    sub = level + 1
    return [
        *_header(report, level),
        *_stages(report, uid, sub),
        *_departments(report, uid, sub),
        *_trend(report, uid, sub),
        *_warnings(report, sub),
        *_expiring(report, sub),
        *_gaps(report, uid, sub),
        *_checks(report, sub),
        *_waivers(report, sub),
    ]


def _gate_word(report: Report) -> str:
    if report.gate.passed:
        return '<span class="verdict pass">✓ Gate passed</span>'
    return '<span class="verdict fail">✗ Gate failed</span>'


def _header(report: Report, level: int) -> list[str]:
    launch, overall, gate = report.launch, report.overall, report.gate
    lines = [
        f"<header><h{level}>{esc(launch.title)}</h{level}>",
        f'<p class="meta">Launch <span class="nw">{launch.launch_date}</span> · '
        f'<strong>{launch.when}</strong> · as of <span class="nw">{launch.as_of}</span>'
        + (f" · owner {esc(launch.owner)}" if launch.owner else "")
        + "</p>",
        f"<p>{_gate_word(report)} overall <strong>{score_text(overall.score)}</strong> · "
        f"{overall.open} open · {overall.overdue} overdue</p>",
        f"<p>Gate: {esc(gate.describe())}.</p>",
    ]
    if gate.failures:
        lines += ['<ul class="fails">', *(f"<li>✗ {esc(f)}</li>" for f in gate.failures), "</ul>"]
    if (upcoming := next_milestone(report.milestones)) is not None:
        lines.append(f"<p>⏳ {esc(upcoming.countdown)}</p>")
    lines += [f"<p>📅 {esc(line)}</p>" for line in plan_lines(report)]
    if report.verified:
        lines.append(f"<p>{esc(checks_summary(report))}.</p>")
    if report.filters.active:
        lines.append(
            f"<p><strong>Filtered:</strong> {esc(report.filters.describe())}. "
            "Scores cover the whole launch.</p>"
        )
    return [*lines, "</header>"]


def _stages(report: Report, uid: str, level: int) -> list[str]:
    lines = [
        f"<section><h{level}>Stages</h{level}>",
        '<div class="pair">',
        f"<figure>{stage_bars(report, f'{uid}-sb')}",
        "<figcaption>Each stage's score out of 100; the dashed line is the gate's minimum. "
        "The table gives the same numbers.</figcaption></figure>",
        '<div class="scroll"><table class="stages"><thead><tr><th scope="col">Stage</th>'
        '<th scope="col" class="n">Score</th><th scope="col">Verdict</th>'
        '<th scope="col" class="n">Open</th><th scope="col" class="n">Blockers</th>'
        '<th scope="col" class="n">Overdue</th></tr></thead><tbody>',
    ]
    for stage in report.stages:
        gated = "" if stage.key in report.gate.stages else ' <span class="muted">(not gated)</span>'
        lines.append(
            f'<tr><th scope="row">{stage.name}{gated}</th>'
            f'<td class="n">{score_text(stage.score)}</td>'
            f'<td class="nw t-{stage.verdict.value}">{verdict_text(stage)}</td>'
            f'<td class="n">{stage.open}</td><td class="n">{stage.open_blockers}</td>'
            f'<td class="n">{stage.overdue}</td></tr>'
        )
    return [*lines, "</tbody></table></div></div></section>"]


def _departments(report: Report, uid: str, level: int) -> list[str]:
    owing = [d for d in report.departments if d.score is not None]
    idle = [esc(d.name) for d in report.departments if d.score is None]
    lines = [f"<section><h{level}>Departments by stage</h{level}>"]
    if owing:
        lines += [
            f"<figure>{heat_map(report, f'{uid}-hm')}",
            "<figcaption>Who is behind: each department's score in each stage. Green: at or "
            f"above the gate's {report.gate.min_score:g}; amber: below it; red: below 50; "
            "grey (—): nothing owed there.</figcaption></figure>",
            *_department_table(report),
        ]
    if idle:
        lines.append(f'<p class="muted">Nothing applies to this launch for: {", ".join(idle)}.</p>')
    return [*lines, "</section>"]


def _department_table(report: Report) -> list[str]:
    threshold = float(report.gate.min_score)
    head = "".join(f'<th scope="col" class="n">{s.value.capitalize()}</th>' for s in Stage)
    lines = [
        "<details><summary>The heat map as a table</summary>",
        '<div class="scroll"><table><thead><tr><th scope="col">Department</th>'
        f'{head}<th scope="col" class="n">All</th><th scope="col" class="n">Open</th>'
        "</tr></thead><tbody>",
    ]
    for dept in report.departments:
        if dept.score is None:
            continue
        cells = "".join(
            f'<td class="n {band(v, threshold)}">{score_text(v)}</td>'
            for v in [*(dept.stages[s] for s in Stage), dept.score]
        )
        lines.append(f'<tr><th scope="row">{esc(dept.name)}</th>{cells}'
                     f'<td class="n">{dept.open}</td></tr>')  # fmt: skip
    return [*lines, "</tbody></table></div></details>"]


def _trend(report: Report, uid: str, level: int) -> list[str]:
    """With ``audit --history``: the weekly trend with its projection and the launch date,
    the projection in words, and the points as a table (the chart's text alternative)."""
    history = report.history
    if history is None:
        return []
    lines = [f"<section><h{level}>Trend</h{level}>"]
    drawn = drawn_stages(history)
    if len(history.points) >= 2 and drawn:
        lines += [
            f'<figure class="wide">{trend_line(report, history, drawn, f"{uid}-tr")}',
            "<figcaption>Solid: each stage's score at the end of each week, from the launch "
            "file's git history, named on the right; dotted: each gated stage carried forward "
            "at its recent rate to the day it passes; dashed, the only dashed line: the gate's "
            f"{report.gate.min_score:g}; red upright: the launch date; grey upright: the as-of "
            "date; triangles: milestones. The table below gives the same numbers."
            "</figcaption></figure>",
        ]
    lines += ["<ul>", *(f"<li>{esc(line)}</li>" for line in history_lines(history)), "</ul>"]
    if history.points:
        head = "".join(f'<th scope="col" class="n">{s.value.capitalize()}</th>' for s in drawn)
        lines += [
            "<details><summary>The trend as a table</summary>",
            '<div class="scroll"><table><thead><tr><th scope="col">Week ending</th>'
            f'<th scope="col">Commit</th>{head}</tr></thead><tbody>',
            *(
                f'<tr><th scope="row" class="nw">{p.date}</th>'
                f"<td><code>{esc(p.commit[:7])}</code></td>"
                + "".join(f'<td class="n">{score_text(p.stages[s].score)}</td>' for s in drawn)
                + "</tr>"
                for p in history.points
            ),
            "</tbody></table></div></details>",
        ]
    return [*lines, "</section>"]


def _warnings(report: Report, level: int) -> list[str]:
    if not report.warnings:
        return []
    lines = [
        f"<section><h{level}>Warnings ({len(report.warnings)})</h{level}>",
        "<p>Legal, but each relaxes the gate.</p>",
        '<ul class="warns">',
    ]
    for code, group in warning_groups(report.warnings):
        lines.append(f"<li>⚠ {esc(warning_summary(code, group))} <code>{esc(code)}</code></li>")
    return [*lines, "</ul></section>"]


def _expiring(report: Report, level: int) -> list[str]:
    if not report.expiring:
        return []
    lines = [
        f"<section><h{level}>Expiring within {report.expiring_within} days</h{level}>",
        '<div class="scroll"><table><thead><tr><th scope="col">Item</th>'
        '<th scope="col">What</th><th scope="col">Last day</th>'
        '<th scope="col" class="n">Days left</th></tr></thead><tbody>',
    ]
    for soon in report.expiring:
        lines.append(
            f"<tr><td><code>{esc(soon.item)}</code></td><td>{esc(soon.kind)}</td>"
            f'<td class="nw">{soon.until}</td><td class="n">{soon.days_left}</td></tr>'
        )
    return [*lines, "</tbody></table></div></section>"]


def _gaps(report: Report, uid: str, level: int) -> list[str]:
    gaps = report.gaps
    lines = [f"<section><h{level}>Open items ({len(gaps)})</h{level}>"]
    if not gaps:
        return [*lines, "<p>No open items.</p></section>"]
    names = DEPARTMENTS | {d.key: d.name for d in report.departments}
    lines += [
        "<p>Grouped by stage, most urgent first within each.</p>",
        f'<p class="find" hidden><label for="{uid}-find">Filter: </label>'
        f'<input id="{uid}-find" type="search" placeholder="owner, id, word…"></p>',
        '<div class="scroll"><table class="gaps"><thead><tr><th scope="col">Severity</th>'
        '<th scope="col">Item</th><th scope="col">Owner</th><th scope="col">Status</th>'
        '<th scope="col">Due</th><th scope="col">Evidence</th></tr></thead>',
    ]
    for stage in Stage:
        group = [g for g in gaps if g.stage is stage]
        if group:
            lines.append(
                f'<tbody><tr><th colspan="6" scope="colgroup">{stage.label} ({len(group)})'
                "</th></tr>"
            )
            lines += [_gap_row(g, names) for g in group]
            lines.append("</tbody>")
    return [*lines, "</table></div></section>"]


def _gap_row(gap: ItemResult, names: dict[str, str]) -> str:
    severity = gap.severity.value
    department = esc(names.get(gap.department, gap.department))
    notes = [f"<b>Ask:</b> {esc(gap.question)}"] if gap.question else []
    notes += [f"<b>Done when:</b> {esc(gap.guidance)}"] if gap.guidance else []
    about = f"<details><summary>Ask / done when</summary>{'<br>'.join(notes)}</details>"
    about = about if notes else ""
    return (
        f'<tr class="gap"><td><span class="sev sev-{severity}">{SEVERITY_ICON[severity]} '
        f"{severity}</span></td><td><code>{esc(gap.id)}</code> {esc(gap.title)}"
        f'<br><span class="muted">{department}</span>{about}</td>'
        f"<td>{esc(gap.owner) if gap.owner else '—'}</td><td>{esc(status_text(gap))}</td>"
        f'<td class="nw">{_due(gap)}</td><td>{evidence_link(gap.evidence)}</td></tr>'
    )


def _due(gap: ItemResult) -> str:
    if gap.overdue_days is not None:
        days = gap.overdue_days
        return (
            f'<span class="late">{days} day{"" if days == 1 else "s"} late</span>'
            f'<br><span class="muted">due {gap.due}</span>'
        )
    if gap.due is None:
        return "—"
    return (
        f'{gap.due}<br><span class="muted">lead time</span>' if gap.due_from_lead else str(gap.due)
    )


def _checks(report: Report, level: int) -> list[str]:
    """With ``--verify``: every check that ran, and the open items it suggests are done."""
    if not report.verified:
        return []
    lines = [f"<section><h{level}>Checks ({len(report.checks)})</h{level}>"]
    if not report.checks:
        return [*lines, f"<p>{esc(checks_summary(report))}.</p></section>"]
    lines += [
        '<div class="scroll"><table><thead><tr><th scope="col">Item</th>'
        '<th scope="col">Status</th><th scope="col">Checked</th>'
        '<th scope="col">Result</th></tr></thead><tbody>',
    ]
    for item in report.checks:
        check = item.check
        assert check is not None
        status = esc(item.status.value)
        if item.suggest_done:
            status += " <strong>(suggested: done)</strong>"
        result = "✓ " if check.passed else '<span class="late">✗</span> '
        lines.append(
            f"<tr><td><code>{esc(item.id)}</code></td><td>{status}</td>"
            f"<td>{esc(check.kind)} {evidence_link(check.target)}</td>"
            f"<td>{result}{esc(verification_text(item))}</td></tr>"
        )
    lines.append("</tbody></table></div>")
    if report.suggestions:
        lines.append(f'<p class="muted">{esc(SUGGESTION)}; audit never writes the launch file.</p>')
    return [*lines, "</section>"]


def _waivers(report: Report, level: int) -> list[str]:
    if not report.waivers:
        return []
    lines = [
        f"<section><h{level}>Waivers ({len(report.waivers)})</h{level}>",
        '<div class="scroll"><table><thead><tr><th scope="col">Item</th>'
        '<th scope="col">State</th><th scope="col">Reason</th>'
        '<th scope="col">Approved by</th><th scope="col">Expires</th></tr></thead><tbody>',
    ]
    for waiver in report.waivers:
        state = (
            '<span class="late">✗ expired: credits nothing</span>'
            if waiver.expired
            else f"credits nothing: {esc(waiver.idle)}"
            if waiver.idle
            else "✓ active"
        )
        lines.append(
            f"<tr><td><code>{esc(waiver.item)}</code></td><td>{state}</td>"
            f"<td>{esc(waiver.reason)}</td><td>{esc(waiver.approved_by)}</td>"
            f'<td class="nw">{waiver.expires}</td></tr>'
        )
    return [*lines, "</tbody></table></div></section>"]
