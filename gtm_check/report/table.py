"""The terminal report: verdict, stages, departments, the most urgent gaps, verdict again.

Sized for a screen: the gap list shows the most urgent gaps up to ``RenderOptions.limit``
and says what it left out; the verdict is repeated as the last line, so it is what stays in
view when the command ends. Rich lays out the small tables; the gap list, which can hold
100,000 rows, is laid out here in one pass with fixed column widths. Below the width where a
table's labels and identifiers fit, each table is stacked instead: a label line, then its
values, so nothing is cut and no identifier is broken.

Every piece of user text goes through ``visible`` first: Rich removes only a few control
characters, and an escape sequence in a title would act on the reader's terminal.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence

from rich import box
from rich.color import ColorSystem
from rich.console import Console, Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text

from gtm_check.model.results import GateResult, ItemResult, Report, next_milestone
from gtm_check.model.safetext import command_free, visible
from gtm_check.model.vocabulary import Severity, Stage, Verdict
from gtm_check.report import ASCII_GLYPHS, RenderOptions
from gtm_check.report.history import history_lines
from gtm_check.report.shared import (
    SUGGESTION,
    checks_summary,
    combined_gaps,
    drawn,
    filled,
    launch_names,
    plan_lines,
    score_text,
    status_text,
    warning_groups,
    warning_summary,
)

BAR_WIDTH = 10
STACK_BELOW = 70
"""Narrower than this, the stage and department tables stack their labels above their
values: their widest labels and every number fit side by side from 67 columns."""
VERDICT_STYLE = {Verdict.READY: "green", Verdict.AT_RISK: "yellow", Verdict.BLOCKED: "bold red"}
SEVERITY_STYLE = {
    Severity.BLOCKER: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "dim",
}


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    paint = _Painter(options.color)
    if len(reports) == 1:
        (report,) = reports
        top = print_to_string(
            Group(_header(report, options), *_journey(report, options.width)), options
        ).rstrip("\n")
        gaps = report.gaps
    else:
        top = print_to_string(_portfolio(reports, options, paint), options).rstrip("\n")
        gaps = combined_gaps(reports)
    lines = [top, "", *_history(reports, options.width), *_filtered(reports[0], paint)]
    lines += _gap_list(gaps, reports, options, paint)
    lines += _suggestions(reports, options.width, paint)
    lines += ["", _verdict_line(reports, options.width, paint)]
    text = command_free("\n".join(lines) + "\n")  # wrapped user text may start a line
    return text.translate(ASCII_GLYPHS) if options.ascii else text


def _history(reports: Sequence[Report], width: int) -> list[str]:
    """With ``audit --history``: each launch's projection, one line per gated stage."""
    lines = []
    for report in reports:
        if report.history is not None:
            name = f" of {visible(report.launch.label)}" if len(reports) > 1 else ""
            lines.append(f"Projection{name} (from the launch file's git history)")
            for line in history_lines(report.history):
                lines += textwrap.wrap(line, width, subsequent_indent="  ") or [""]
            lines.append("")
    return lines


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
    output = command_free(output)  # Rich wraps cells: a line may start inside user text
    if options.ascii:
        output = output.translate(ASCII_GLYPHS)
    if options.color:
        return output
    # Rich pads every line to the full width; without colour the padding is noise.
    return "\n".join(line.rstrip() for line in output.split("\n"))


class _Painter:
    """ANSI styles for lines laid out by hand: nothing at all without colour."""

    def __init__(self, color: bool) -> None:
        self.color = color
        self._styles: dict[str, Style] = {}

    def __call__(self, text: str, style: str) -> str:
        if not self.color or not style or not text:
            return text
        if style not in self._styles:
            self._styles[style] = Style.parse(style)
        return self._styles[style].render(text, color_system=ColorSystem.STANDARD)


# --- one launch: header, stages, departments ---------------------------------------------------


def _header(report: Report, options: RenderOptions) -> RenderableType:
    launch = report.launch
    gate = report.gate
    title = Text(visible(launch.title), style="bold")
    when = Text(f"launch {launch.launch_date.isoformat()} · {launch.when} · as of {launch.as_of}")
    line = Text.assemble(
        _verdict_badge(gate.passed),
        "  overall ",
        (score_text(report.overall.score), "bold"),
        f" · {report.overall.open} open · {report.overall.overdue} overdue",
    )
    rule = Text(f"gate: {visible(gate.describe())}", style="dim")
    lines: list[RenderableType] = [title, when, line, rule]
    shown, more = _failures_shown(gate, options.limit)
    for failure in shown:
        lines.append(_hanging("  ✗ ", visible(failure), "red"))
    if more:
        lines.append(_hanging("  ", more, "dim"))
    if (upcoming := next_milestone(report.milestones)) is not None:
        lines.append(_hanging("  ", visible(upcoming.countdown), "dim"))
    for said in plan_lines(report):
        lines.append(_hanging("  ", drawn(visible(said), options), "yellow"))
    for code, group in warning_groups(report.warnings):
        summary = visible(warning_summary(code, group, examples=False))
        lines.append(_hanging("  ⚠ ", f"{summary} [{code}]", "yellow"))
    active = [w for w in report.waivers if not w.expired and not w.idle]
    for waiver in active[:WAIVERS_SHOWN]:
        lines.append(_hanging("  ", f"waived until {waiver.expires}: {waiver.item}", "dim"))
    if len(active) > WAIVERS_SHOWN:  # a launch may hold thousands: the header stays a header
        count = len(active) - WAIVERS_SHOWN
        lines.append(_hanging("  ", f"… {count} more waived (see --format markdown)", "dim"))
    lines += _expiring(report)
    if report.verified:
        lines.append(Text(f"  {checks_summary(report)}", style="dim"))
    lines.append(Text(""))
    return Group(*lines)


def _wrapped(text: str, width: int, indent: str, style: str) -> list[RenderableType]:
    """A long line wrapped to ``width`` at spaces only (never inside an item id), each
    following line indented two more than the first."""
    lines = textwrap.wrap(
        text,
        max(width, 40),
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [Text(line, style=style) for line in lines]


WAIVERS_SHOWN = 5
"""The most waivers in force the table's header names before it counts the rest."""
EXPIRING_SHOWN = 5


def _expiring(report: Report) -> list[RenderableType]:
    """What stops counting soon: next week's red gate, named this week."""
    lines: list[RenderableType] = []
    for soon in report.expiring[:EXPIRING_SHOWN]:
        days = {0: "today", 1: "tomorrow"}.get(soon.days_left, f"in {soon.days_left} days")
        text = f"{soon.kind} for {soon.item}: last day {soon.until} ({days})"
        lines.append(_hanging("  ", text, "yellow"))
    if len(report.expiring) > EXPIRING_SHOWN:
        more = len(report.expiring) - EXPIRING_SHOWN
        text = f"… {more} more expire within {report.expiring_within} days (see --format markdown)"
        lines.append(_hanging("  ", text, "yellow"))
    return lines


def _failures_shown(gate: GateResult, limit: int | None) -> tuple[list[str], str]:
    """Why the gate failed, sized for a screen: every failed stage's reason, then the first
    ``limit`` missed milestones and policy breaches (a launch may have thousands), and what
    is left out in words ("" when nothing is)."""
    capped = set(gate.missed) | set(gate.breaches)
    always = [f for f in gate.failures if f not in capped]
    rest = [f for f in gate.failures if f in capped]
    if limit is None or len(rest) <= limit:
        return always + rest, ""
    left = rest[limit:]
    missed = set(gate.missed)
    kinds = [
        (sum(f in missed for f in left), "missed milestone", "missed milestones"),
        (sum(f not in missed for f in left), "policy breach", "policy breaches"),
    ]
    counts = [(n, one if n == 1 else many) for n, one, many in kinds if n]
    what = counts[0][1] if len(counts) == 1 else f"({', '.join(f'{n:,} {w}' for n, w in counts)})"
    more = f"… {len(left):,} more {what}: --all lists them, --format markdown lists every one"
    return always + rest[:limit], more


def _hanging(lead: str, text: str, style: str) -> RenderableType:
    """``lead`` then ``text``, whose continuation lines start under its first character,
    not at the left edge."""
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(Text(lead, style=style), Text(text, style=style))
    return grid


def _verdict_badge(passed: bool) -> Text:
    if passed:
        return Text(" GATE PASSED ", style="bold black on green")
    return Text(" GATE FAILED ", style="bold white on red")


def _journey(report: Report, width: int) -> list[RenderableType]:
    if width < STACK_BELOW:
        return [_stages_stacked(report), Text(""), *_heat_map_stacked(report)]
    return [_stages(report, width), Text(""), *_heat_map(report)]


def _stages(report: Report, width: int) -> RenderableType:
    ungated = [s.key.value for s in report.stages if s.key not in report.gate.stages]
    table = make_table("Customer journey", expand=False)
    if ungated:
        table.caption = f"not gated: {', '.join(ungated)}"
        table.caption_justify = "left"
    # The bars need 80 columns; below that they go, so the numbers stay whole.
    wide = width >= 80
    table.add_column("Stage", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    if wide:
        table.add_column("", no_wrap=True)
    for name in ("Verdict", "Open", "Blockers", "Overdue"):
        table.add_column(name, justify="left" if name == "Verdict" else "right", no_wrap=True)
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


def _stages_stacked(report: Report) -> RenderableType:
    """Each stage's name on a line of its own, its numbers under the column labels."""
    lines = [Text("Customer journey", style="bold"), Text(_columns(STAGE_COLUMNS), style="dim")]
    for stage in report.stages:
        gated = stage.key in report.gate.stages
        lines.append(Text(stage.name + ("" if gated else " (not gated)"), style="bold"))
        values = [score_text(stage.score), stage.verdict.value, stage.open]
        values += [stage.open_blockers, stage.overdue]
        lines.append(Text(_columns(STAGE_COLUMNS, values), style=VERDICT_STYLE[stage.verdict]))
    return Group(*lines)


STAGE_COLUMNS = (("score", 6), ("verdict", 9), ("open", 5), ("blockers", 9), ("overdue", 8))
HEAT_COLUMNS = (("learn", 6), ("buy", 6), ("use", 6), ("grow", 6), ("all", 6), ("open", 6))


def _columns(columns: Sequence[tuple[str, int]], values: Sequence[object] | None = None) -> str:
    """A stacked table's label line (no values) or value line, each value right-aligned."""
    texts = [label for label, _ in columns] if values is None else [str(v) for v in values]
    return "  " + "".join(
        text.rjust(width) for text, (_, width) in zip(texts, columns, strict=True)
    )


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


def _heat_map(report: Report) -> list[RenderableType]:
    table = make_table("Departments by stage (score %)", expand=False)
    table.add_column("Department", no_wrap=True)
    for stage in Stage:
        table.add_column(stage.value.capitalize(), justify="right", no_wrap=True)
    table.add_column("All", justify="right", no_wrap=True)
    table.add_column("Open", justify="right", no_wrap=True)
    threshold = report.gate.min_score
    for dept in report.departments:
        if dept.score is not None:
            table.add_row(
                Text(visible(dept.name)),
                *(_heat(dept.stages[stage], threshold) for stage in Stage),
                _heat(dept.score, threshold),
                str(dept.open),
            )
    return [table, *_idle_departments(report)]


def _heat_map_stacked(report: Report) -> list[RenderableType]:
    lines: list[RenderableType] = [
        Text("Departments by stage (score %)", style="bold"),
        Text(_columns(HEAT_COLUMNS), style="dim"),
    ]
    for dept in report.departments:
        if dept.score is not None:
            lines.append(Text(visible(dept.name), style="bold"))
            values = [*(score_text(dept.stages[s]) for s in Stage), score_text(dept.score)]
            lines.append(Text(_columns(HEAT_COLUMNS, [*values, dept.open])))
    return [*lines, *_idle_departments(report)]


def _idle_departments(report: Report) -> list[RenderableType]:
    idle = [visible(d.name) for d in report.departments if d.score is None]
    if not idle:
        return []
    return [Text(f"Nothing applies to this launch for: {', '.join(idle)}.", style="dim")]


# --- several launches --------------------------------------------------------------------------


def _portfolio(
    reports: Sequence[Report], options: RenderOptions, paint: _Painter
) -> RenderableType:
    """One row per launch, in the order the audit gives them (by launch date, then name);
    then why each failed, and each critical path that ends after launch day."""
    width = options.width
    ordered = reports
    passed = sum(r.gate.passed for r in reports)
    title = f"Portfolio: {len(reports)} launches, {passed} passing their gate"
    # Launch, date, five scores and the gate side by side need the longest name and 50 more.
    needed = max(len(visible(r.launch.title)) for r in reports) + 50
    table = _portfolio_stacked(ordered, title) if width < needed else _portfolio_table(
        ordered, title, paint.color
    )  # fmt: skip
    reasons: list[RenderableType] = []
    for report in ordered:
        if not report.gate.passed:
            shown, more = _failures_shown(report.gate, options.limit)
            reasons.append(
                Text(
                    f"✗ {visible(report.launch.title)}: "
                    + "; ".join([*(visible(f) for f in shown), *([more] if more else [])]),
                    style="red",
                )
            )
    for report in ordered:
        for line in plan_lines(report):
            text = drawn(visible(f"{report.launch.title}: {line}"), options)
            reasons += _wrapped(text, width, "", "yellow")
    return Group(table, Text(""), *reasons) if reasons else table


def _portfolio_table(reports: Sequence[Report], title: str, color: bool) -> RenderableType:
    table = make_table(title, expand=False)
    table.add_column("Launch", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    for stage in Stage:
        table.add_column(stage.value.capitalize(), justify="right", no_wrap=True)
    table.add_column("All", justify="right", no_wrap=True)
    table.add_column("Gate", no_wrap=True)
    for report in reports:
        by_stage = {s.key: s for s in report.stages}
        table.add_row(
            Text(visible(report.launch.title)),
            report.launch.launch_date.isoformat(),
            *(
                Text(score_text(by_stage[s].score), style=VERDICT_STYLE[by_stage[s].verdict])
                for s in Stage
            ),
            score_text(report.overall.score),
            Text("passed", style="green")
            if report.gate.passed
            else Text("FAILED", style="bold red"),
        )
    if color:
        table.caption = "scores coloured by stage verdict"
        table.caption_justify = "left"
    return table


def _portfolio_stacked(reports: Sequence[Report], title: str) -> RenderableType:
    lines = [Text(title, style="bold")]
    for report in reports:
        gate = "passed" if report.gate.passed else "FAILED"
        lines.append(Text(visible(report.launch.title), style="bold"))
        overall = score_text(report.overall.score)
        lines.append(Text(f"  {report.launch.launch_date} · gate {gate} · all {overall}"))
        by_stage = {s.key: s for s in report.stages}
        lines.append(Text("  " + " ".join(f"{s} {score_text(by_stage[s].score)}" for s in Stage)))
    return Group(*lines)


# --- the gap list, laid out in one pass ---------------------------------------------------------


def _filtered(report: Report, paint: _Painter) -> list[str]:
    if not report.filters.active:
        return []
    text = f"Gap list filtered: {visible(report.filters.describe())}"
    return [paint(text + " (scores cover the whole launch)", "yellow")]


def _gap_list(
    gaps: Sequence[ItemResult], reports: Sequence[Report], options: RenderOptions, paint: _Painter
) -> list[str]:
    if not gaps:
        filtered = reports[0].filters.active
        return [paint("No open items match." if filtered else "No open items.", "green")]
    shown = gaps if options.limit is None else gaps[: options.limit]
    title = f"Open items ({len(gaps)}), most urgent first"
    if len(shown) < len(gaps):
        title += f": the first {len(shown)}"
    launch_of = launch_names(reports) if len(reports) > 1 else {}
    id_width = max(len(g.id) for g in shown)
    layout = _Layout.for_width(options.width, id_width)
    lines = [
        *(paint(t, "bold") for t in textwrap.wrap(title, options.width, subsequent_indent="  ")),
        *layout.heading(paint),
    ]
    for gap in shown:
        lines += layout.rows(gap, launch_of.get(id(gap)), paint)
    lines += _hidden(gaps[len(shown) :], options.width, paint)
    return lines


_REWRITTEN = re.compile(r"[\t\n\x0b\x0c\r]")
"""Whitespace textwrap replaces or expands: text holding any is wrapped by textwrap."""


class _Layout:
    """Column widths for the gap list, fixed once for all of its rows."""

    SEVERITY = 10
    STAGE = 7
    DUE = 10

    def __init__(self, width: int, id_width: int, *, stacked: bool) -> None:
        self.width = width
        self.id_width = id_width
        self.stacked = stacked
        indent = 2 if stacked else self.SEVERITY
        self.indent = " " * indent
        self.room = max(width, indent + 20) - indent
        """Characters of detail that fit on a line after the indent."""
        self.detail = textwrap.TextWrapper(
            width=max(width, indent + 20),
            initial_indent=" " * indent,
            subsequent_indent=" " * indent,
            break_long_words=False,
            break_on_hyphens=False,
        )

    @classmethod
    def for_width(cls, width: int, id_width: int) -> _Layout:
        # Side by side only when the longest id fits whole beside the other columns.
        needed = cls.SEVERITY + id_width + 2 + cls.STAGE + cls.DUE
        return cls(width, id_width, stacked=width < max(needed, STACK_BELOW))

    def heading(self, paint: _Painter) -> list[str]:
        if self.stacked:
            return []
        head = "Severity".ljust(self.SEVERITY) + "Item".ljust(self.id_width + 2)
        head += "Stage".ljust(self.STAGE) + "Due"
        return [paint(head, "bold"), "─" * min(self.width, len(head) + self.DUE - 3)]

    def _detail(self, parts: Sequence[str]) -> list[str]:
        """The title, then owner and status: on one line when they fit, else the title
        (wrapped) and the rest on a line of their own; never a separator at a line's end."""
        title, rest = " · ".join(parts[:-2]), " · ".join(parts[-2:])
        both = f"{title} · {rest}"
        fits = self._fits(both)
        if fits:
            return [self.indent + both]
        if fits is None:
            one = self.detail.wrap(both)
            if len(one) == 1:
                return one
        return [*self._wrap(title), *self._wrap(rest)]

    def _fits(self, text: str) -> bool | None:
        """Whether ``self.detail.wrap(text)`` is the one line ``indent + text`` (True) or
        two lines at least (False), where that is plain without wrapping; None otherwise.

        Wrapping is most of the cost of a long gap list, and nearly every detail is plain
        text that fits or plainly does not: it starts and ends with a visible character,
        and holds none of the whitespace textwrap rewrites (tabs, line breaks). Then it is
        one line when it fits; when it is longer and holds a space, the words after the
        first that do not fit start a second line.
        """
        if not text or text[0].isspace() or text[-1].isspace() or _REWRITTEN.search(text):
            return None
        if len(text) <= self.room:
            return True
        return False if " " in text else None

    def _wrap(self, text: str) -> list[str]:
        fits = self._fits(text)
        if fits:
            return [self.indent + text]
        if fits is False and "  " not in text:
            return self._greedy(text)
        return self.detail.wrap(text)

    def _greedy(self, text: str) -> list[str]:
        """``self.detail.wrap(text)`` for plain text with single spaces (``_fits`` said
        False): words on a line while they fit, a word longer than a line on its own,
        as textwrap does without breaking words or hyphens. textwrap was most of a long
        portfolio table (78,000 gaps); ``tests/report/test_table_wrap.py`` compares the two
        on generated text."""
        room = self.room
        lines: list[str] = []
        line = ""
        for word in text.split(" "):
            if not line:
                line = word
            elif len(line) + 1 + len(word) <= room:
                line += " " + word
            else:
                lines.append(self.indent + line)
                line = word
        lines.append(self.indent + line)
        return lines

    def rows(self, gap: ItemResult, launch: str | None, paint: _Painter) -> list[str]:
        severity = paint(gap.severity.value, SEVERITY_STYLE[gap.severity])
        due = paint(*_due(gap))
        details = [visible(gap.title), visible(gap.owner or "no owner"), status_text(gap)]
        if launch is not None:
            details.insert(0, visible(launch))
        detail = [paint(line, "dim") for line in self._detail(details)]
        if self.stacked:
            head = f"{severity} · {gap.stage.value} · {due}"
            return [head, "  " + paint(gap.id, "bold"), *detail]
        pad = " " * (self.SEVERITY - len(gap.severity.value))
        item = paint(gap.id, "bold") + " " * (self.id_width + 2 - len(gap.id))
        stage = gap.stage.value.ljust(self.STAGE)
        return [f"{severity}{pad}{item}{stage}{due}", *detail]


def _suggestions(reports: Sequence[Report], width: int, paint: _Painter) -> list[str]:
    """With ``--verify``: open items whose check passes, suggested as done (never marked)."""
    suggested = [(r, i) for r in reports for i in r.suggestions]
    if not suggested:
        return []
    them = "them" if len(suggested) > 1 else "it"
    lines = ["", paint(f"Verified but not done ({len(suggested)}): mark {them} done?", "bold")]
    for report, item in suggested:
        launch = f"{visible(report.launch.label)}: " if len(reports) > 1 else ""
        check = item.check
        assert check is not None
        text = f"  {launch}{item.id} ({visible(check.target)}: {visible(check.why)})"
        lines += textwrap.wrap(text, width, subsequent_indent="    ") or [text]
    lines += [paint(line, "dim") for line in textwrap.wrap(SUGGESTION, width)]
    return lines


def _hidden(rest: Sequence[ItemResult], width: int, paint: _Painter) -> list[str]:
    if not rest:
        return []
    counts = [
        f"{count} {severity}" for severity in Severity
        if (count := sum(g.severity is severity for g in rest))
    ]  # fmt: skip
    more = f"… {len(rest)} more ({', '.join(counts)}): --all lists them, --limit N the first N"
    return [paint(line, "dim") for line in textwrap.wrap(more, width, subsequent_indent="  ")]


def _due(gap: ItemResult) -> tuple[str, str]:
    if gap.overdue_days is not None:
        return f"{gap.overdue_days}d late", "bold red"
    if gap.due is not None:
        return gap.due.isoformat(), ""
    return "—", "dim"


def _verdict_line(reports: Sequence[Report], width: int, paint: _Painter) -> str:
    """The last line: the gate's verdict, where it stays in view when the command ends; each
    failed stage with its score against the gate, or just its verdict where that would not
    fit on the line."""
    failed = [r for r in reports if not r.gate.passed]
    word = paint(" GATE FAILED ", "bold white on red") if failed else paint(
        " GATE PASSED ", "bold black on green"
    )  # fmt: skip
    if len(reports) > 1:
        return _beside(word, [f"{len(failed)} of {len(reports)} launches fail their gate"], width)
    (report,) = reports
    gate = report.gate
    if not failed:
        return _beside(word, [f"{', '.join(gate.stages)} ready"], width)
    by_key = {s.key: s for s in report.stages}
    scored, terse = [], []
    for stage in gate.failed_stages:
        result = by_key[stage]
        terse.append(f"{stage} {result.verdict.value}")
        if result.verdict is Verdict.AT_RISK and result.score is not None:
            scored.append(f"{stage} {result.score:.1f} < {gate.min_score:g}")
        else:
            scored.append(terse[-1])
    if gate.missed:
        count = len(gate.missed)
        scored.append(f"{count} milestone{'' if count == 1 else 's'} missed")
        terse.append(scored[-1])
    if gate.breaches:
        count = len(gate.breaches)
        scored.append(f"{count} policy breach{'' if count == 1 else 'es'}")
        terse.append(scored[-1])
    reasons = scored if len(BADGE) + len(" · ".join(scored)) <= width else terse
    return _beside(word, reasons, width)


BADGE = " GATE FAILED  "
"""The verdict's badge and the space after it: the width the verdict's reasons start at."""


def _beside(word: str, parts: Sequence[str], width: int) -> str:
    """The badge, then ``parts`` joined by " · ", on as many lines as the width needs: each
    line breaks between two parts (or, for a part too long for a line, between words),
    never inside a word, and continues under the first part, not under the badge."""
    room = max(width - len(BADGE), 20)
    wrap = textwrap.TextWrapper(room, break_long_words=False, break_on_hyphens=False).wrap
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + len(" · ") + len(part) <= room:
            lines[-1] += f" · {part}"
        else:
            lines += wrap(part)
    indent = "\n" + " " * len(BADGE)
    return f"{word} " + indent.join(lines)


def _bar(score: float | None, style: str) -> Text:
    if score is None:
        return Text("·" * BAR_WIDTH, style="dim")
    cells = filled(score, BAR_WIDTH)
    return Text.assemble(("█" * cells, style), ("░" * (BAR_WIDTH - cells), "dim"))


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
