"""Parameters several commands declare alike: launch files, --policy, --allow-outside, --format.

Each view's ``--format`` offers the formats the renderer registry lists for it, in its order.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn

import typer

from gtm_check.cli.values import EMPTY, choice, date, path
from gtm_check.model.problems import did_you_mean, quoted
from gtm_check.report.registry import (
    AUDIT,
    CHECKLISTS,
    DEPARTMENT,
    DIFF,
    OWNERS,
    PLAN,
    TREND,
    View,
    formats,
)

LaunchesArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="LAUNCH",
        help="One or more launch files (YAML); - reads one from standard input.",
        show_default=False,
        parser=path("a launch file, or - for standard input"),
    ),
]
PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        metavar="FILE",
        help="A policy the launch files may not go below, in the form of .gtm-check.yaml "
        "(added to every .gtm-check.yaml found upward from each launch file).",
        parser=path("a policy file"),
    ),
]
AllowOutside = Annotated[
    bool,
    typer.Option(
        "--allow-outside",
        help="Let the launch file name checklists outside its own folder, read a launch "
        "file or policy file that links out of its repository, and write through such a link.",
    ),
]


def as_of_option(help_text: str) -> Any:
    """``--as-of``: a ``YYYY-MM-DD`` date; empty is refused, never taken for today."""
    return typer.Option(
        "--as-of", metavar="YYYY-MM-DD", help=help_text, show_default=False, parser=date
    )


def format_option(view: View[Any], help_text: str = "Output format.") -> Any:
    """``--format``/``-f``: one of the view's formats, or a did-you-mean."""
    return typer.Option("--format", "-f", help=help_text, parser=choice("format", formats(view)))


def format_choice(view: View[Any]) -> Any:
    """The view's formats as a type Typer offers as the choices of ``--format``: the
    registry's names, in its order."""
    return Literal[tuple(formats(view))]


# Each view's ``--format`` type: a format's name to the type checker, the registry's choices
# to Typer (which reads the annotations when the commands are registered).
if TYPE_CHECKING:
    AuditFormat = str
    DiffFormat = str
    TrendFormat = str
    OwnersFormat = str
    PlanFormat = str
    ChecklistsFormat = str
    DepartmentFormat = str
else:
    AuditFormat = format_choice(AUDIT)
    DiffFormat = format_choice(DIFF)
    TrendFormat = format_choice(TREND)
    OwnersFormat = format_choice(OWNERS)
    PlanFormat = format_choice(PLAN)
    ChecklistsFormat = format_choice(CHECKLISTS)
    DepartmentFormat = format_choice(DEPARTMENT)


def unknown_choice(kind: str, value: str, choices: list[str], option: str) -> NoReturn:
    """A usage error for a value the option does not offer, with a did-you-mean."""
    if not value.strip():
        raise typer.BadParameter(
            f"{EMPTY}; give a {kind}: {', '.join(choices)}", param_hint=f"'{option}'"
        )
    hint = did_you_mean(value, choices) or f"choose from {', '.join(choices)}"
    raise typer.BadParameter(f"unknown {kind} {quoted(value)} ({hint})", param_hint=f"'{option}'")
