"""What ``set``, ``waive`` and ``unwaive`` share: validate the new text, then write it safely."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated

import typer

from gtm_check.authoring.launchfile import Opened, load_text
from gtm_check.cli.output import edit_written, write_atomic, write_in_place
from gtm_check.cli.params import as_of_option
from gtm_check.cli.terminal import can_show
from gtm_check.cli.values import path
from gtm_check.load.files import MAX_FILE_BYTES
from gtm_check.load.launch import LoadedLaunch
from gtm_check.model.problems import GtmCheckError, did_you_mean, quoted
from gtm_check.model.safetext import visible

LaunchArg = Annotated[
    Path,
    typer.Argument(
        metavar="LAUNCH",
        help="The launch file to edit.",
        show_default=False,
        parser=path("the launch file to edit"),
    ),
]
AsOf = Annotated[str | None, as_of_option("Today's date for this edit (default: today).")]


def known_items(loaded: LoadedLaunch, items: Sequence[str], where: str) -> None:
    """Refuse an item id the launch's checklists do not have: a mistake on the command line,
    said at the argument, not at a line of the file."""
    known = {item.id for c in loaded.checklists for item in c.checklist.items}
    for item in items:
        if item not in known:
            hint = did_you_mean(item, known) or "gtm-check checklists lists the built-in ones"
            raise typer.BadParameter(
                f"unknown item id {quoted(item)} ({hint})", param_hint=f"'{where}'"
            )


def arrow() -> str:
    """→ where standard output can show it, -> where it cannot."""
    return "→" if can_show("→") else "->"


def commit(
    opened: Opened,
    new_text: str,
    changes: Sequence[str],
    *,
    allow_outside: bool,
    check: Callable[[LoadedLaunch], None] | None = None,
) -> None:
    """Write ``new_text`` over the launch file if it validates, ``check`` (the policy,
    ``cli/edit_policy.py``) accepts it and nobody changed the file since it was read; then
    print what changed. Nothing is written otherwise (exit 2)."""
    _refuse_too_large(opened, new_text)
    loaded = load_text(opened, new_text, allow_outside=allow_outside)
    if check is not None:
        check(loaded)
    if opened.changed_on_disk():
        raise GtmCheckError.single(
            str(opened.path),
            "changed on disk while gtm-check was editing it; nothing was written: run the "
            "command again",
        )
    if opened.in_place:
        write_in_place(
            opened.path, opened.encoded(new_text), opened.raw, allow_outside=allow_outside
        )
    else:
        write_atomic(
            opened.path, opened.encoded(new_text), overwrite=True, allow_outside=allow_outside
        )
    edit_written(opened.path)
    for change in changes:
        typer.echo(visible(change))


def _refuse_too_large(opened: Opened, new_text: str) -> None:
    """An edit never makes the file larger than any command reads (``MAX_FILE_BYTES``): it
    would exit 0 and leave a file that every later run, its own undo included, refuses."""
    size = len(opened.encoded(new_text).encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise GtmCheckError.single(
            str(opened.path),
            f"the edit would make the file {size:,} bytes; the limit is {MAX_FILE_BYTES:,}; "
            "nothing was written",
        )
