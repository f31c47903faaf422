"""What several formats show the same way: scores as text, a portfolio's combined gaps."""

from __future__ import annotations

from collections.abc import Sequence

from gtm_check.model.results import ItemResult, Report, urgency


def score_text(score: float | None) -> str:
    """A score as every format shows it: one decimal, or an em dash for "no score"."""
    return "—" if score is None else f"{score:.1f}"


def combined_gaps(reports: Sequence[Report]) -> list[ItemResult]:
    """Every launch's gaps in one list, most urgent first (ties keep launch order)."""
    return sorted((g for r in reports for g in r.gaps), key=urgency)


def launch_names(reports: Sequence[Report]) -> dict[int, str]:
    """The launch each gap belongs to, by the gap's identity, for portfolio views."""
    return {id(g): r.launch.name for r in reports for g in r.gaps}
