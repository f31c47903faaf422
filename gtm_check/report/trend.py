"""``gtm-check trend`` in each format: sparklines, a Mermaid line chart, JSON points."""

from __future__ import annotations

from typing import Any

from gtm_check.model.safetext import visible
from gtm_check.model.vocabulary import Stage
from gtm_check.report import RenderOptions
from gtm_check.report.markdown import text
from gtm_check.report.shared import (
    MISSED_HEADING,
    POLICY_HEADING,
    drawn,
    filled,
    json_text,
    score_text,
)
from gtm_check.scoring.trend import HELD_BACK, SHALLOW_HINT, SHORT_OF, TrendResult, left_out_text

BARS = "▁▂▃▄▅▆▇█"


def sparkline(scores: list[float | None]) -> str:
    """One character per point, on a fixed 0-100 scale; a space where nothing applies.
    The full block only at 100: a score below it never draws the top one."""
    top = len(BARS) - 1
    return "".join(
        " " if s is None else BARS[top if s >= 100 else min(top - 1, filled(s, len(BARS)))]
        for s in scores
    )


def _stage_scores(result: TrendResult, stage: Stage) -> list[float | None]:
    return [p.stages[stage].score for p in result.points]


def _now(result: TrendResult, stage: Stage) -> str:
    """`` · now 37.5`` where the launch file as audit reads it today scores the stage other
    than the last point (an edit not committed yet); nothing where they agree."""
    if stage not in result.now or not result.points:
        return ""
    now = result.now[stage]
    return "" if now == result.points[-1].stages[stage].score else f" · now {score_text(now)}"


def _now_line(result: TrendResult) -> list[str]:
    """The stages whose score today differs from the last point, for Markdown."""
    differ = [f"{stage} {score_text(result.now[stage])}" for stage in Stage if _now(result, stage)]
    return [f"Now, in the launch file as audit reads it: {', '.join(differ)}"] if differ else []


def _notes(result: TrendResult) -> list[str]:
    lines = [f"skipped {s.commit[:7]} ({s.date or 'no date'}): {s.why}" for s in result.skipped]
    if result.left_out:
        lines.append(left_out_text(result.left_out, result.every, result.why))
    if result.shallow:
        lines.append(SHALLOW_HINT)
    return lines


def _projection_lines(result: TrendResult) -> list[str]:
    lines = []
    for p in result.projections:
        if p.verdict == HELD_BACK:
            lines.append(f"{p.stage}: {p.verdict} (no date: it passes when the policy is met)")
            continue
        if p.verdict.startswith(SHORT_OF):
            lines.append(f"{p.stage}: {p.verdict} (no date: it passes when it meets its bar)")
            continue
        when = f"passes {p.date}" if p.date else "no date"
        lines.append(f"{p.stage}: {p.verdict} ({when}; {p.needed:g} weight to close)")
    if lines:
        lines.append(result.method)
    return lines


def _policy_lines(result: TrendResult) -> list[str]:
    return [b.message for b in result.policy]


def render_table(result: TrendResult, options: RenderOptions) -> str:
    """A sparkline per stage and the projection; in ASCII where the output cannot show the
    bars."""
    lines = [visible(result.name), visible(f"{_span(result)} · launch {result.launch_date}"), ""]
    for stage in Stage:
        scores = _stage_scores(result, stage)
        latest = score_text(scores[-1]) if scores else "—"
        gated = "" if stage in result.gated else " (not gated)"
        lines.append(f"{stage:<6} {sparkline(scores)} {latest}{_now(result, stage)}{gated}")
    lines += ["", *_projection_lines(result)]
    for heading, held in ((POLICY_HEADING, _policy_lines(result)), (MISSED_HEADING, result.missed)):
        if held:
            lines += ["", f"{heading}:", *("  " + visible(line) for line in held), ""]
    lines += [visible(line) for line in _notes(result)]
    return drawn("\n".join(lines).rstrip("\n") + "\n", options)


def _span(result: TrendResult) -> str:
    """How many points, how often, from when to when; or why there are none."""
    if not result.points:
        return f"no points: {result.empty or 'no revision in that range'}"
    count = len(result.points)
    first, last = result.points[0].date, result.points[-1].date
    span = f"{first} → {last}" if first != last else f"{first}"
    return f"{count} point{'' if count == 1 else 's'}, every {result.every}, {span}"


def render_markdown(result: TrendResult, options: RenderOptions) -> str:
    """A Mermaid ``xychart-beta`` line chart (GitHub draws it), one line per stage."""
    labels = ", ".join(f'"{p.date.isoformat()}"' for p in result.points)
    lines = [f"### {text(result.name)}: readiness every {result.every}", ""]
    if not result.points:
        lines += [text(_span(result)), ""]
    drawn = [s for s in Stage if any(v is not None for v in _stage_scores(result, s))]
    if result.points:
        lines += ["```mermaid", "xychart-beta", '  title "Stage scores"']
        lines += [f"  x-axis [{labels}]", '  y-axis "score" 0 --> 100']
        for stage in drawn:
            values = ", ".join(f"{v or 0:g}" for v in _stage_scores(result, stage))
            lines.append(f"  line [{values}]")
        lines += ["```", "", "Lines, in order: " + ", ".join(str(s) for s in drawn) + "."]
    projection = _projection_lines(result)
    now = _now_line(result)
    if now:
        lines += ["", *(text(line) for line in now)]
    if projection:
        lines += ["", *(f"- {text(line)}" for line in projection[:-1]), "", f"_{projection[-1]}_"]
    for heading, held in ((POLICY_HEADING, _policy_lines(result)), (MISSED_HEADING, result.missed)):
        if held:
            lines += ["", f"{heading}:", "", *(f"- {text(line)}" for line in held)]
    notes = _notes(result)
    if notes:
        lines += ["", *(f"- {text(line)}" for line in notes)]
    return "\n".join(lines) + "\n"


def to_dict(result: TrendResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "launch": result.name,
        "launch_date": result.launch_date.isoformat(),
        "every": result.every.value,
        "points": [
            {
                "date": p.date.isoformat(),
                "commit": p.commit,
                "stages": {s.value: v.score for s, v in p.stages.items()},
                "overall": p.overall,
            }
            for p in result.points
        ],
        "skipped": [
            {"commit": s.commit, "date": s.date.isoformat() if s.date else None, "why": s.why}
            for s in result.skipped
        ],
        "shallow": result.shallow,
        "now": {stage.value: score for stage, score in result.now.items()},
        "projection": {
            p.stage.value: {
                "verdict": p.verdict,
                "date": p.date.isoformat() if p.date else None,
                "needed": p.needed,
                "rate_per_day": round(p.rate, 3),
            }
            for p in result.projections
        },
        "method": result.method,
        "policy": _policy_lines(result),
        "missed_milestones": result.missed,
    }
    if result.left_out:  # only then: a whole history keeps its shape
        data["left_out"] = result.left_out
    return data


def render_json(result: TrendResult, options: RenderOptions) -> str:
    return json_text(to_dict(result))
