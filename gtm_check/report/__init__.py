"""Output formats: each module renders a Report to a string; the registry names them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module

from gtm_check.results import ItemResult, Report


@dataclass(frozen=True)
class RenderOptions:
    """How the caller wants the report drawn; formats ignore what does not concern them."""

    width: int = 80
    color: bool = False


Renderer = Callable[[Sequence[Report], RenderOptions], str]

# Format name -> module; each module has `render(reports, options) -> str`, for one launch or
# a portfolio of several. Imported only when chosen, so that JSON output never pays for Rich.
FORMATS: dict[str, str] = {
    "table": "gtm_check.report.table",
    "json": "gtm_check.report.json",
    "markdown": "gtm_check.report.markdown",
    "junit": "gtm_check.report.junit",
    "github": "gtm_check.report.github",
}


def renderer(name: str) -> Renderer:
    module = import_module(FORMATS[name])
    render: Renderer = module.render
    return render


def needs_locations(name: str) -> bool:
    """Whether the format points at lines, so that items must carry their locations.

    Finding them parses the files a second time: only formats that use them pay for it.
    """
    return bool(getattr(import_module(FORMATS[name]), "NEEDS_LOCATIONS", False))


def score_text(score: float | None) -> str:
    """A score as every format shows it: one decimal, or an em dash for "no score"."""
    return "—" if score is None else f"{score:.1f}"


def combined_gaps(reports: Sequence[Report]) -> list[ItemResult]:
    """Every launch's gaps in one list, most urgent first (ties keep launch order)."""
    from gtm_check.scoring import gap_order

    return sorted((g for r in reports for g in r.gaps), key=gap_order)


def launch_names(reports: Sequence[Report]) -> dict[int, str]:
    """The launch each gap belongs to, by the gap's identity, for portfolio views."""
    return {id(g): r.launch.name for r in reports for g in r.gaps}
