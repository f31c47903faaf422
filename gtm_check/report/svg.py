"""The HTML page's charts as inline SVG: stage bars against the gate, the heat map.

Each chart is an ``<svg role="img">`` named by its own ``<title>`` and described in words by
its ``<desc>``; the page puts it in a ``<figure>`` beside the same numbers as a table. Colours
come from the page's stylesheet through classes, so dark mode and print restyle the charts
too; every coloured shape also carries its number or verdict as text. User text (department
names) goes through ``markup.esc`` like everything else on the page.

With ``audit --history``, ``trend_line`` draws each stage's weekly score, the projection
of each gated stage to the day it passes, the gate's minimum and the launch date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from gtm_check.model.history import History
from gtm_check.model.results import Report, StageResult
from gtm_check.model.vocabulary import Stage, Verdict
from gtm_check.report.markup import esc
from gtm_check.report.shared import score_text

ICON = {Verdict.READY: "✓", Verdict.AT_RISK: "⚠", Verdict.BLOCKED: "✗"}
"""A verdict's mark: colour is never the only sign of it."""

# Every chart is about 400 units wide, so that its 12.5-unit text is 11 px or more on a
# 390 px phone (about 370 px of room); wider ones would shrink their text below that.
BAR_W = 400
BAR_TOP = 22
BAR_ROW = 44
NAME_W = 170
CELL_W = 46
HEAT_HEAD = 24
HEAT_ROW = 26
NAME_CHARS = 23


def verdict_text(stage: StageResult) -> str:
    """A stage's verdict with its mark, e.g. "✗ blocked"."""
    return f"{ICON[stage.verdict]} {stage.verdict.value}"


def band(score: float | None, min_score: float) -> str:
    """The heat-map class of a score: nothing owed, below 50, below the gate, at or above."""
    if score is None:
        return "h-none"
    if score < 50:
        return "h-low"
    return "h-mid" if score < min_score else "h-ok"


def _open(uid: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" class="chart" '
        f'aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{uid}-t">{title}</title><desc id="{uid}-d">{desc}</desc>'
    )


def stage_bars(report: Report, uid: str) -> str:
    """One bar per stage, its score and verdict in words beside it, and the gate's line."""
    gate = report.gate
    height = BAR_TOP + BAR_ROW * len(report.stages)
    desc = (
        "; ".join(f"{s.name}: {score_text(s.score)}, {s.verdict.value}" for s in report.stages)
        + f". The gate's line is at {gate.min_score:g}."
    )
    parts = [_open(uid, BAR_W, height, "Readiness by stage (score out of 100)", desc)]
    for i, stage in enumerate(report.stages):
        y = BAR_TOP + i * BAR_ROW
        gated = "" if stage.key in gate.stages else " (not gated)"
        width = (stage.score or 0) * BAR_W / 100
        parts += [
            f'<text x="0" y="{y + 13}" class="lbl">{stage.name}{gated}</text>',
            f'<text x="{BAR_W}" y="{y + 13}" class="val" text-anchor="end">'
            f"{score_text(stage.score)} {verdict_text(stage)}</text>",
            f'<rect x="0" y="{y + 19}" width="{BAR_W}" height="14" class="track"/>',
            f'<rect x="0" y="{y + 19}" width="{width:.1f}" height="14" '
            f'class="v-{stage.verdict.value}"/>',
        ]
    parts += _gate_line(float(gate.min_score), len(report.stages))
    return "".join(parts) + "</svg>"


def _gate_line(min_score: float, rows: int) -> list[str]:
    """The gate's minimum as a dashed mark across each bar, labelled once above them."""
    x = min_score * BAR_W / 100
    anchor = "end" if x > BAR_W - 40 else ("start" if x < 40 else "middle")
    marks = [
        f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{BAR_TOP + i * BAR_ROW + 16}" '
        f'y2="{BAR_TOP + i * BAR_ROW + 36}" class="gate"/>'
        for i in range(rows)
    ]
    return [
        *marks,
        f'<text x="{x:.1f}" y="12" class="lbl" text-anchor="{anchor}">gate {min_score:g}</text>',
    ]


def heat_map(report: Report, uid: str) -> str:
    """Departments down, stages across, each cell its score on a colour for its band."""
    rows = [d for d in report.departments if d.score is not None]
    if not rows:
        return ""
    columns = [s.value.capitalize() for s in Stage] + ["All"]
    width = NAME_W + CELL_W * len(columns)
    height = HEAT_HEAD + HEAT_ROW * len(rows)
    behind = sorted(rows, key=lambda d: d.score or 0)[:3]
    desc = (
        "Lowest overall: "
        + ", ".join(f"{esc(d.name)} {score_text(d.score)}" for d in behind)
        + ". Each cell is a department's score in a stage; an em dash: nothing owed there."
    )
    parts = [_open(uid, width, height, "Departments by stage (score out of 100)", desc)]
    for j, label in enumerate(columns):
        x = NAME_W + j * CELL_W + CELL_W // 2
        parts.append(f'<text x="{x}" y="16" class="lbl" text-anchor="middle">{label}</text>')
    threshold = float(report.gate.min_score)
    for i, dept in enumerate(rows):
        y = HEAT_HEAD + i * HEAT_ROW
        scores = [dept.stages[s] for s in Stage] + [dept.score]
        parts.append(
            f'<g><title>{esc(dept.name)}</title><text x="0" y="{y + 17}" class="lbl">'
            f"{esc(dept.name, NAME_CHARS)}</text>"
        )
        for j, score in enumerate(scores):
            x = NAME_W + j * CELL_W
            parts.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{CELL_W - 2}" height="{HEAT_ROW - 2}" '
                f'class="{band(score, threshold)}"/><text x="{x + CELL_W // 2}" y="{y + 17}" '
                f'class="num" text-anchor="middle">{score_text(score)}</text>'
            )
        parts.append("</g>")
    return "".join(parts) + "</svg>"


MINI_W = 104
MINI_H = 32
MINI_BAR = 20


def mini_bars(report: Report, stages: Sequence[StageResult] | None = None) -> str:
    """A launch's four stage scores as small columns against the gate, for a portfolio row."""
    stages = report.stages if stages is None else stages
    label = ", ".join(f"{s.key.value} {score_text(s.score)} {s.verdict.value}" for s in stages)
    parts = [
        f'<svg viewBox="0 0 {MINI_W} {MINI_H + 12}" role="img" class="mini" '
        f'aria-label="{label}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, stage in enumerate(stages):
        x = i * (MINI_BAR + 8)
        h = (stage.score or 0) * MINI_H / 100
        parts += [
            f'<rect x="{x}" y="0" width="{MINI_BAR}" height="{MINI_H}" class="track"/>',
            f'<rect x="{x}" y="{MINI_H - h:.1f}" width="{MINI_BAR}" height="{h:.1f}" '
            f'class="v-{stage.verdict.value}"/>',
            f'<text x="{x + MINI_BAR // 2}" y="{MINI_H + 11}" class="tiny" '
            f'text-anchor="middle">{stage.key.value[0].upper()}{ICON[stage.verdict]}</text>',
        ]
    y = MINI_H - float(report.gate.min_score) * MINI_H / 100
    parts.append(f'<line x1="0" x2="{MINI_W}" y1="{y:.1f}" y2="{y:.1f}" class="gate"/>')
    return "".join(parts) + "</svg>"


TREND_W = 400
TREND_H = 240
TREND_LEFT = 30
TREND_RIGHT = 66
"""Room on the right for each line's name and the gate's: labels never sit on the plot."""
TREND_BOTTOM = 22
LABEL_H = 16
"""The least distance between two labels' baselines (a line of 12.5-unit text is 15 high)."""
CHAR_W = 7.2
"""About the width of one character of chart text, to keep labels from overlapping."""


class _Frame:
    """Dates across, scores 0-100 up: where a point falls on the trend chart."""

    def __init__(self, first: dt.date, last: dt.date, top: float) -> None:
        self.first = first
        self.span = max(1, (last - first).days)
        self.top = top

    def x(self, day: dt.date) -> float:
        width = TREND_W - TREND_LEFT - TREND_RIGHT
        return TREND_LEFT + (day - self.first).days * width / self.span

    def y(self, score: float) -> float:
        return self.top + (100 - score) * (TREND_H - self.top - TREND_BOTTOM) / 100


def trend_line(report: Report, history: History, stages: Sequence[Stage], uid: str) -> str:
    """Each stage's score week by week (solid), each gated stage's projection (dotted) to the
    day it passes, the gate's minimum (dashed: the only dashed line), the launch date (a
    red upright), the as-of date (a grey one) and the milestones (triangles on top).

    Labels keep off the plot and off each other: the dates of the uprights in rows above
    it, the stages' names and the gate's on the right, each moved up or down just enough
    to clear the one beside it.
    """
    points, launch, as_of = history.points, report.launch.launch_date, report.launch.as_of
    ends = [p.date for p in history.projections if p.date is not None]
    marks = [(m.date, m.name) for m in report.milestones]
    first = points[0].date
    last = max([launch, points[-1].date, as_of, *ends, *(day for day, _ in marks)])
    uprights = [(launch, f"launch {launch}"), (as_of, f"as of {as_of}"), *marks]
    rows = _rows([(_Frame(first, last, 0).x(day), text) for day, text in uprights])
    frame = _Frame(first, last, 8 + LABEL_H * (max(row for row, _, _ in rows) + 1))
    min_score = float(report.gate.min_score)
    desc = (
        f"{len(points)} weekly points from {points[0].date} to {points[-1].date}; "
        + "; ".join(
            f"{s}: {score_text(points[0].stages[s].score)} to "
            f"{score_text(points[-1].stages[s].score)}"
            for s in stages
        )
        + f". Gate at {min_score:g}; launch on {launch}; as of {as_of}"
        + "".join(f"; milestone {esc(name)} on {day}" for day, name in marks)
        + "."
    )
    bottom = TREND_H - TREND_BOTTOM
    parts = [
        _open(uid, TREND_W, TREND_H, "Readiness by week, with the projection", desc),
        *_axes(frame, last, min_score),
        *_uprights(frame, launch, as_of, marks, bottom),
        *(
            f'<text x="{x:.1f}" y="{8 + LABEL_H * row + 4}" text-anchor="middle">{esc(text)}</text>'
            for row, x, text in rows
        ),
    ]
    ends_at: list[tuple[float, str]] = [(frame.y(min_score), "")]
    for stage in stages:
        line, end = _stage_line(history, stage, frame, min_score)
        parts += line
        if end is not None:
            ends_at.append((end, stage.value))
    for y, name in _spread(ends_at, frame.top, bottom):
        parts += _right_label(y, name, min_score)
    return "".join(parts) + "</svg>"


def _axes(frame: _Frame, last: dt.date, min_score: float) -> list[str]:
    """The time axis with its first and last date, the scores 0, 50 and 100, and the gate's
    minimum across the plot (dashed)."""
    bottom, right = TREND_H - TREND_BOTTOM, TREND_W - TREND_RIGHT
    return [
        f'<line x1="{TREND_LEFT}" x2="{right}" y1="{bottom}" y2="{bottom}" class="axis"/>',
        *(
            f'<text x="{TREND_LEFT - 4}" y="{frame.y(v) + 4:.1f}" text-anchor="end">{v}</text>'
            for v in (0, 50, 100)
        ),
        f'<line x1="{TREND_LEFT}" x2="{right}" y1="{frame.y(min_score):.1f}" '
        f'y2="{frame.y(min_score):.1f}" class="gate"/>',
        f'<text x="{TREND_LEFT}" y="{bottom + 15}">{frame.first}</text>',
        f'<text x="{right}" y="{bottom + 15}" text-anchor="end">{last}</text>',
    ]


def _uprights(
    frame: _Frame, launch: dt.date, as_of: dt.date, marks: list[tuple[dt.date, str]], bottom: int
) -> list[str]:
    """The launch date in red, the as-of date in grey, a triangle for each milestone."""
    parts = [
        f'<line x1="{frame.x(as_of):.1f}" x2="{frame.x(as_of):.1f}" y1="{frame.top}" '
        f'y2="{bottom}" class="today"/>',
        f'<line x1="{frame.x(launch):.1f}" x2="{frame.x(launch):.1f}" y1="{frame.top}" '
        f'y2="{bottom}" class="launch"/>',
    ]
    for day, name in marks:
        x = frame.x(day)
        parts.append(
            f'<polygon points="{x - 5:.1f},{frame.top - 6} {x + 5:.1f},{frame.top - 6} '
            f'{x:.1f},{frame.top + 2}" class="ms"><title>{esc(name)} {day}</title></polygon>'
        )
    return parts


def _rows(labels: list[tuple[float, str]]) -> list[tuple[int, float, str]]:
    """Each label centred on its x (kept inside the chart) in the first row where it
    overlaps no other."""
    placed: list[tuple[int, float, str]] = []
    taken: dict[int, list[tuple[float, float]]] = {}
    for x, text in sorted(labels):
        half = len(text) * CHAR_W / 2
        x = min(max(x, half), TREND_W - half)
        row = 0
        while any(a < x + half + 4 and x - half - 4 < b for a, b in taken.get(row, [])):
            row += 1
        taken.setdefault(row, []).append((x - half, x + half))
        placed.append((row, x, text))
    return placed


def _spread(labels: list[tuple[float, str]], top: float, bottom: float) -> list[tuple[float, str]]:
    """Labels at their y, moved apart until each is LABEL_H from the next, and kept between
    ``top`` and ``bottom`` (y grows downwards; the baseline is 4 below the y given)."""
    ordered = sorted(labels)
    ys = [max(y, top) for y, _ in ordered]
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + LABEL_H)
    if ys and ys[-1] > bottom:
        ys[-1] = bottom
        for i in range(len(ys) - 2, -1, -1):
            ys[i] = min(ys[i], ys[i + 1] - LABEL_H)
    return [(y, name) for y, (_, name) in zip(ys, ordered, strict=True)]


def _right_label(y: float, name: str, min_score: float) -> list[str]:
    """A stage's name beside a sample of its line, or the gate's value, right of the plot."""
    x = TREND_W - TREND_RIGHT + 4
    if not name:
        return [f'<text x="{x}" y="{y + 4:.1f}">gate {min_score:g}</text>']
    return [
        f'<line x1="{x}" x2="{x + 10}" y1="{y:.1f}" y2="{y:.1f}" class="tl tl-{name}"/>',
        f'<text x="{x + 13}" y="{y + 4:.1f}">{name}</text>',
    ]


def _stage_line(
    history: History, stage: Stage, frame: _Frame, min_score: float
) -> tuple[list[str], float | None]:
    """One stage's polyline and, if gated, its projection to the gate's minimum on the day
    it passes; with the height where the line ends, for its name."""
    drawn = [(p.date, p.stages[stage].score) for p in history.points]
    xy = [(frame.x(d), frame.y(s)) for d, s in drawn if s is not None]
    if not xy:
        return [], None
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    parts = [f'<polyline points="{line}" class="tl tl-{stage}"/>']
    last_x, last_y = xy[-1]
    projection = next((p for p in history.projections if p.stage is stage), None)
    if projection is not None and projection.date is not None and projection.needed > 0:
        end_x = frame.x(projection.date)
        end_y = frame.y(max(min_score, float(history.points[-1].stages[stage].score or 0)))
        parts.append(
            f'<line x1="{last_x:.1f}" y1="{last_y:.1f}" x2="{end_x:.1f}" y2="{end_y:.1f}" '
            f'class="tl tl-{stage} proj"/>'
        )
        last_y = end_y
    return parts, last_y
