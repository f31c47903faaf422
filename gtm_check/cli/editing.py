"""What ``set``, ``waive`` and ``unwaive`` share: validate the new text, then write it safely."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from gtm_check.authoring.launchfile import Opened, load_text
from gtm_check.cli.output import write_atomic, write_in_place
from gtm_check.cli.terminal import can_show
from gtm_check.model.problems import GtmCheckError
from gtm_check.model.safetext import visible

LaunchArg = Annotated[
    Path, typer.Argument(metavar="LAUNCH", help="The launch file to edit.", show_default=False)
]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="Today's date for this edit."),
]


def as_text(option: str, value: str) -> str:
    """``value``, if it is text gtm-check can write into a file.

    The system passes bytes that are not UTF-8 on as they came (Python keeps them as lone
    surrogates); written into a launch file they would fail half-way, so they are a usage
    error here, before anything is read or written.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise typer.BadParameter(
            "holds bytes that are not UTF-8 text", param_hint=f"'{option}'"
        ) from None
    return value


def arrow() -> str:
    """→ where standard output can show it, -> where it cannot."""
    return "→" if can_show("→") else "->"


def commit(opened: Opened, new_text: str, changes: Sequence[str], *, allow_outside: bool) -> None:
    """Write ``new_text`` over the launch file if it validates and nobody changed the file
    since it was read; then print what changed. Nothing is written otherwise (exit 2)."""
    load_text(opened, new_text, allow_outside=allow_outside)
    if opened.changed_on_disk():
        raise GtmCheckError.single(
            str(opened.path),
            "changed on disk while gtm-check was editing it; nothing was written: run the "
            "command again",
        )
    if opened.in_place:
        write_in_place(opened.path, opened.encoded(new_text), opened.raw)
    else:
        write_atomic(opened.path, opened.encoded(new_text), overwrite=True)
    for change in changes:
        typer.echo(visible(change))
