"""Every view's renderers by (view, format): the one place a format is named and loaded.

A renderer is a function ``(result, options) -> str`` in a module of this package: the
result is what the view shows (``View[T]`` says its type), the options say how the caller
wants it drawn, and the string is the whole output. Only the chosen renderer's module is
imported: importing Rich, which only the tables need, takes 47 ms, a fifth of a whole
300-item JSON audit (231 ms; medians of 20 runs on 2 cores).

Adding a format to a view is one module and one line of ``RENDERERS`` (README: "Adding a
format"); the command's ``--format`` choices come from here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from gtm_check.model.safetext import command_free
from gtm_check.report import RenderOptions

if TYPE_CHECKING:
    from gtm_check.model.inputs import Checklist
    from gtm_check.model.plan import Plan
    from gtm_check.model.problems import Problem
    from gtm_check.model.results import Report
    from gtm_check.scoring.diff import LaunchDiff
    from gtm_check.scoring.owners import OwnersReport
    from gtm_check.scoring.trend import TrendResult

T = TypeVar("T")


@dataclass(frozen=True)
class View(Generic[T]):
    """What a command shows; its renderers take a ``T``."""

    name: str


AUDIT: View[Sequence[Report]] = View("audit")
"""``audit``: one launch's report, or a portfolio's."""
PROBLEMS: View[Sequence[Problem]] = View("problems")
"""``audit``'s input problems, in the formats that can point at their lines."""
DIFF: View[LaunchDiff] = View("diff")
TREND: View[TrendResult] = View("trend")
OWNERS: View[OwnersReport] = View("owners")
PLAN: View[Plan] = View("plan")
"""``plan``: the critical path, the chain that decides it, each open item's slack."""
CHECKLISTS: View[Sequence[Checklist]] = View("checklists")
"""``checklists``: the built-in departments and the traits."""
DEPARTMENT: View[Checklist] = View("department")
"""``checklists show``: one department's items."""


@dataclass(frozen=True)
class Renderer:
    """Where a view's format is drawn: ``gtm_check.report.<module>.<function>``."""

    module: str
    function: str = "render"
    locations: bool = False
    """Whether it points at lines, so that items must carry their locations: finding them
    parses the files a second time, and only formats that use them pay for it."""
    critical_path: bool = False
    """Whether it shows the critical path: finding it takes a pass over the open items and
    their requirements, which only formats that show it pay for."""
    commands: bool = False
    """Whether its lines are GitHub Actions workflow commands of its own (``github``): its
    renderer defuses the user text in them, and the final guard leaves them be."""


RENDERERS: dict[tuple[View[Any], str], Renderer] = {
    (AUDIT, "table"): Renderer("table", critical_path=True),
    (AUDIT, "json"): Renderer("json"),
    (AUDIT, "markdown"): Renderer("markdown", critical_path=True),
    (AUDIT, "junit"): Renderer("junit"),
    (AUDIT, "github"): Renderer("github", locations=True, critical_path=True, commands=True),
    (AUDIT, "html"): Renderer("html", critical_path=True),
    (AUDIT, "sarif"): Renderer("sarif", locations=True),
    (AUDIT, "gitlab"): Renderer("gitlab", locations=True),
    (AUDIT, "ics"): Renderer("ics"),
    (PROBLEMS, "github"): Renderer("github", "render_problems", commands=True),
    (DIFF, "table"): Renderer("diff", "render_table"),
    (DIFF, "markdown"): Renderer("diff", "render_markdown"),
    (DIFF, "json"): Renderer("diff", "render_json"),
    (TREND, "table"): Renderer("trend", "render_table"),
    (TREND, "markdown"): Renderer("trend", "render_markdown"),
    (TREND, "json"): Renderer("trend", "render_json"),
    (OWNERS, "table"): Renderer("owners", "render_table"),
    (OWNERS, "markdown"): Renderer("owners", "render_markdown"),
    (OWNERS, "json"): Renderer("owners", "render_json"),
    (PLAN, "table"): Renderer("plan", "render_table"),
    (PLAN, "markdown"): Renderer("plan", "render_markdown"),
    (PLAN, "json"): Renderer("plan", "render_json"),
    (PLAN, "ics"): Renderer("ics", "render_plan"),
    (CHECKLISTS, "table"): Renderer("catalog_table", "render_summary"),
    (CHECKLISTS, "json"): Renderer("catalog", "render_summary"),
    (DEPARTMENT, "table"): Renderer("catalog_table", "render_department"),
    (DEPARTMENT, "json"): Renderer("catalog", "render_department"),
}


def formats(view: View[Any]) -> list[str]:
    """The view's formats, in the order listed: the first is the default."""
    return [name for shown, name in RENDERERS if shown == view]


def renders(view: View[Any], format: str) -> bool:
    return (view, format) in RENDERERS


def needs_locations(view: View[Any], format: str) -> bool:
    return RENDERERS[view, format].locations


def needs_critical_path(view: View[Any], format: str) -> bool:
    return RENDERERS[view, format].critical_path


def render(view: View[T], format: str, result: T, options: RenderOptions) -> str:
    """``result`` drawn in ``format``; only that format's module is imported.

    The final guard of every report but the ``github`` format's own commands: no line of
    the text starts with "::" or holds "##[" (``safetext.command_free``), wherever the
    renderer's layout broke its lines (SECURITY.md guarantee 6)."""
    entry = RENDERERS[view, format]
    function = getattr(import_module(f"gtm_check.report.{entry.module}"), entry.function)
    text = cast(Callable[[T, RenderOptions], str], function)(result, options)
    return text if entry.commands else command_free(text)
