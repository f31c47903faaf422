"""The terminal report: header, stage bars, department x stage heat map, gap list (Rich)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from gtm_check.model.results import ItemResult, Report
from gtm_check.model.vocabulary import Severity, Stage, Verdict
from gtm_check.report import GLYPHS, RenderOptions
from gtm_check.report.shared import combined_gaps, launch_names, score_text

BAR_WIDTH = 10
VERDICT_STYLE = {Verdict.READY: "green", Verdict.AT_RISK: "yellow", Verdict.BLOCKED: "bold red"}
SEVERITY_STYLE = {
    Severity.BLOCKER: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "dim",
}


def render(reports: Sequence[Report], options: RenderOptions | None = None) -> str:
    options = options or RenderOptions()
    if len(reports) == 1:
        (report,) = reports
        view: RenderableType = Group(
            _header(report),
            _stages(report, options.width),
            Text(""),
            _heat_map(report, options.width),
            Text(""),
            _filtered(report),
            _gaps(report.gaps, report.filters.active),
        )
    else:
        view = Group(
            _portfolio(reports, options.width),
            Text(""),
            _filtered(reports[0]),
            _gaps(combined_gaps(reports), reports[0].filters.active, launches=reports),
        )
    return print_to_string(view, options)


def print_to_string(renderable: RenderableType, options: RenderOptions) -> str:
    """Draw ``renderable`` at the given width, with or without colour, as text."""
    console = Console(
        file=io.StringIO(),
        width=options.width,
        color_system="standard" if options.color else None,
        force_terminal=options.color,
        no_color=not options.color,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    if options.ascii:
        output = output.translate(ASCII_GLYPHS)
    if options.color:
        return output
    # Rich pads every line to the full width; without colour the padding is noise.
    return "\n".join(line.rstrip() for line in output.split("\n"))


ASCII_GLYPHS = str.maketrans(dict(zip(GLYPHS, "-#.-x-.", strict=True)))
"""Each drawing character for one ASCII character of the same width, so columns stay put."""


def _header(report: Report) -> RenderableType:
    launch = report.launch
    gate = report.gate
    title = Text(launch.name, style="bold")
    title.append(
        f"  launch {launch.launch_date.isoformat()} · {launch.when} · as of {launch.as_of}"
    )
    verdict = (
        Text(" GATE PASSED ", style="bold black on green")
        if gate.passed
        else Text(" GATE FAILED ", style="bold white on red")
    )
    line = Text.assemble(
        verdict,
        "  overall ",
        (score_text(report.overall.score), "bold"),
        f" · {report.overall.open} open · {report.overall.overdue} overdue",
    )
    rule = Text(f"gate: {gate.describe()}", style="dim")
    lines: list[RenderableType] = [title, line, rule]
    for failure in gate.failures:
        lines.append(Text(f"  ✗ {failure}", style="red"))
    lines.append(Text(""))
    return Group(*lines)


def _stages(report: Report, width: int) -> RenderableType:
    ungated = [s.key.value for s in report.stages if s.key not in report.gate.stages]
    table = make_table("Customer journey", expand=False)
    if ungated:
        table.caption = f"not gated: {', '.join(ungated)}"
        table.caption_justify = "left"
    # Below 80 columns the bars go and long stage names wrap, so the numbers stay whole.
    wide = width >= 80
    table.add_column("Stage", no_wrap=wide)
    table.add_column("Score", justify="right", no_wrap=True)
    if wide:
        table.add_column("", no_wrap=True)
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Open", justify="right", no_wrap=True)
    table.add_column("Blockers", justify="right", no_wrap=True)
    table.add_column("Overdue", justify="right", no_wrap=True)
    for stage in report.stages:
        gated = stage.key in report.gate.stages
        cells: list[RenderableType] = [
            Text(stage.name, style="" if gated else "dim"),
            score_text(stage.score),
        ]
        if wide:
            cells.append(_bar(stage.score, VERDICT_STYLE[stage.verdict]))
        cells += [
            Text(stage.verdict.value, style=VERDICT_STYLE[stage.verdict]),
            str(stage.open),
            str(stage.open_blockers),
            str(stage.overdue),
        ]
        table.add_row(*cells)
    return table


def make_table(title: str, *, expand: bool) -> Table:
    return Table(
        box=box.SIMPLE_HEAD,
        title=title,
        title_justify="left",
        title_style="bold",
        expand=expand,
        pad_edge=False,
        show_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )


def _heat_map(report: Report, width: int) -> RenderableType:
    table = make_table("Departments by stage (score %)", expand=False)
    table.add_column("Department", no_wrap=width >= 80)
    for stage in Stage:
        table.add_column(stage.value.capitalize(), justify="right", no_wrap=True)
    table.add_column("All", justify="right", no_wrap=True)
    table.add_column("Open", justify="right", no_wrap=True)
    threshold = report.gate.min_score
    for dept in report.departments:
        table.add_row(
            Text(dept.name),
            *(_heat(dept.stages[stage], threshold) for stage in Stage),
            _heat(dept.score, threshold),
            str(dept.open),
        )
    return table


def _filtered(report: Report) -> RenderableType:
    if not report.filters.active:
        return Group()
    return Text(
        f"Gap list filtered: {report.filters.describe()} (scores cover the whole launch)",
        style="yellow",
    )


def _gaps(
    gaps: Sequence[ItemResult], filtered: bool, launches: Sequence[Report] = ()
) -> RenderableType:
    if not gaps:
        return Text("No open items match." if filtered else "No open items.", style="green")
    table = make_table(f"Open items ({len(gaps)}), most urgent first", expand=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Item · owner", ratio=1, overflow="fold")
    table.add_column("Stage", no_wrap=True)
    table.add_column("Due", no_wrap=True)
    launch_of = launch_names(launches)
    for gap in gaps:
        item = Text(gap.id, style="bold")
        item.append(f"\n{gap.title}")
        details = [gap.owner or "no owner", gap.status.value]
        if gap.waiver is not None and gap.waiver.expired:
            details.append(f"waiver expired {gap.waiver.expires}")
        if launches:
            details.insert(0, launch_of[id(gap)])
        item.append("\n" + " · ".join(details), style="dim")
        table.add_row(
            Text(gap.severity.value, style=SEVERITY_STYLE[gap.severity]),
            item,
            gap.stage.value,
            _due(gap),
        )
    return table


def _portfolio(reports: Sequence[Report], width: int) -> RenderableType:
    passed = sum(r.gate.passed for r in reports)
    title = f"Portfolio: {len(reports)} launches, {passed} passing their gate"
    table = make_table(title, expand=False)
    table.add_column("Launch", no_wrap=width >= 80)
    table.add_column("Date", no_wrap=True)
    for stage in Stage:
        table.add_column(stage.value.capitalize(), justify="right", no_wrap=True)
    table.add_column("All", justify="right", no_wrap=True)
    table.add_column("Gate", no_wrap=True)
    for report in reports:
        verdicts = {s.key: s for s in report.stages}
        table.add_row(
            Text(report.launch.name),
            report.launch.launch_date.isoformat(),
            *(
                Text(score_text(verdicts[s].score), style=VERDICT_STYLE[verdicts[s].verdict])
                for s in Stage
            ),
            score_text(report.overall.score),
            Text("passed", style="green")
            if report.gate.passed
            else Text("FAILED", style="bold red"),
        )
    table.caption = "scores coloured by stage verdict"
    table.caption_justify = "left"
    return table


def _due(gap: ItemResult) -> Text:
    if gap.overdue_days is not None:
        return Text(f"{gap.overdue_days}d late", style="bold red")
    if gap.due is not None:
        return Text(gap.due.isoformat())
    return Text("—", style="dim")


def _bar(score: float | None, style: str) -> Text:
    if score is None:
        return Text("·" * BAR_WIDTH, style="dim")
    filled = round(score / 100 * BAR_WIDTH)
    return Text.assemble(("█" * filled, style), ("░" * (BAR_WIDTH - filled), "dim"))


def _heat(score: float | None, threshold: float) -> Text:
    if score is None:
        return Text("—", style="dim")
    if score >= threshold:
        style = "green"
    elif score >= threshold / 2:
        style = "yellow"
    else:
        style = "red"
    return Text(f"{score:.1f}", style=style)
