"""The output formats: a registry of renderers, each turning reports into one string."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import import_module
from typing import Protocol, cast

from gtm_check.model.inputs import Checklist
from gtm_check.model.results import Report
from gtm_check.model.vocabulary import Stage


@dataclass(frozen=True)
class RenderOptions:
    """How the caller wants the report drawn; formats ignore what does not concern them."""

    width: int = 80
    color: bool = False
    limit: int | None = 10
    """How many gaps the terminal table lists (None: all); the other formats list all."""
    ascii: bool = False
    """Draw the table with ASCII characters only, for an output that cannot encode GLYPHS."""


GLYPHS = "─█░·✗—…⚠×"
"""The non-ASCII characters the table draws with (rules, bars, marks, dashes, ellipses)."""


Renderer = Callable[[Sequence[Report], RenderOptions], str]


class Format(StrEnum):
    """The report formats; each is the module ``gtm_check.report.<name>``."""

    table = "table"
    json = "json"
    markdown = "markdown"
    junit = "junit"
    github = "github"
    html = "html"


def renderer(name: Format) -> Renderer:
    """The format's ``render(reports, options) -> str``, for one launch or a portfolio.

    Imported only when chosen: importing Rich, which only the table needs, takes 47 ms, a
    fifth of a whole 300-item JSON audit (231 ms; medians of 20 runs on 2 cores).
    """
    render: Renderer = import_module(f"gtm_check.report.{name.value}").render
    return render


def needs_locations(name: Format) -> bool:
    """Whether the format points at lines, so that items must carry their locations.

    Finding them parses the files a second time: only formats that use them pay for it.
    """
    return name is Format.github


class ViewFormat(StrEnum):
    """The formats of the weekly-review commands: ``diff``, ``trend`` and ``owners``."""

    table = "table"
    markdown = "markdown"
    json = "json"


class ListFormat(StrEnum):
    """The formats of ``gtm-check checklists``."""

    table = "table"
    json = "json"


class CatalogRenderer(Protocol):
    """A module that shows the checklists: ``catalog`` (JSON) or ``catalog_table``."""

    def render_summary(self, checklists: Sequence[Checklist], options: RenderOptions) -> str: ...

    def render_department(
        self, checklist: Checklist, stage: Stage | None, options: RenderOptions
    ) -> str: ...


def catalog_renderer(name: ListFormat) -> CatalogRenderer:
    """How ``gtm-check checklists`` shows the checklists; Rich is imported only for a table."""
    module = "catalog_table" if name is ListFormat.table else "catalog"
    return cast(CatalogRenderer, import_module(f"gtm_check.report.{module}"))
