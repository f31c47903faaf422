"""``audit --history`` in words every format shares: the projection per gated stage, JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gtm_check.model.vocabulary import Stage

if TYPE_CHECKING:  # the trend's types: built only by audit --history
    from gtm_check.model.history import History, Projection


def projection_text(p: Projection) -> str:
    """One gated stage's projection, e.g. "buy: late by 12 days at the current rate"."""
    if p.date is None or p.verdict == "ready now":
        return f"{p.stage}: {p.verdict}"
    return f"{p.stage}: {p.verdict} at the current rate (passes {p.date})"


def history_lines(history: History) -> list[str]:
    """The projection, one line per gated stage, the method, and the note if any."""
    lines = [projection_text(p) for p in history.projections]
    if lines:
        lines.append(history.method)
    if history.note:
        lines.append(history.note)
    return lines


def drawn_stages(history: History) -> list[Stage]:
    """The stages with a score at some point: the lines a chart draws."""
    return [s for s in Stage if any(p.stages[s].score is not None for p in history.points)]


def to_dict(history: History) -> dict[str, Any]:
    """The ``history`` key of the JSON report."""
    return {
        "points": [
            {
                "date": p.date.isoformat(),
                "commit": p.commit,
                "stages": {s.value: v.score for s, v in p.stages.items()},
                "overall": p.overall,
            }
            for p in history.points
        ],
        "projection": {
            p.stage.value: {
                "verdict": p.verdict,
                "date": p.date.isoformat() if p.date else None,
                "needed": p.needed,
                "rate_per_day": round(p.rate, 3),
            }
            for p in history.projections
        },
        "method": history.method or None,
        "note": history.note,
    }
