"""``gtm-check init``: write a ready-to-edit launch file for the traits a launch has."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from gtm_check.authoring.interrupts import signals_end_the_block, signals_held
from gtm_check.authoring.scaffold import applicable_items, launch_file
from gtm_check.authoring.schema import LAUNCH_SCHEMA_FILE, SCHEMA_FOLDER, schema_text
from gtm_check.authoring.schema_place import check_schema_place, schema_path, written_text
from gtm_check.cli import values
from gtm_check.cli.app import app
from gtm_check.cli.dates import given_date
from gtm_check.cli.help import PlainCommand
from gtm_check.cli.output import (
    check_writable,
    files_written,
    refuse_own_files,
    written_together,
)
from gtm_check.cli.params import unknown_choice
from gtm_check.cli.values import given, path, refuse, text
from gtm_check.load.checklists import ChecklistReader, builtin_names
from gtm_check.load.files import STDIN, leads_outside, refuse_too_long
from gtm_check.model.inputs import MAX_NAME, MAX_PERSON
from gtm_check.model.problems import GtmCheckError, OptionError, quoted
from gtm_check.model.safetext import visible
from gtm_check.model.vocabulary import TRAITS

Name = Annotated[
    str,
    typer.Option(
        "--name",
        metavar="NAME",
        help="The launch's name.",
        show_default=False,
        parser=text("the launch's name"),
    ),
]
LaunchDate = Annotated[
    str,
    typer.Option(
        "--launch-date",
        metavar="YYYY-MM-DD",
        help="The launch date.",
        show_default=False,
        parser=values.date,
    ),
]
Target = Annotated[
    Path,
    typer.Argument(
        metavar="PATH",
        help="Where to write the launch file.",
        show_default=True,
        parser=path("where to write the launch file"),
    ),
]
Traits = Annotated[
    list[str] | None,
    typer.Option(
        "--trait",
        metavar="TRAIT",
        help="A launch trait (repeatable): "
        + ", ".join(TRAITS)
        + ". `gtm-check checklists` says what each means.",
    ),
]
Departments = Annotated[
    list[str] | None,
    typer.Option(
        "--department",
        metavar="DEPARTMENT",
        help="Only this built-in department (repeatable; default: all of them).",
    ),
]
Owner = Annotated[
    str | None,
    typer.Option(
        "--owner",
        metavar="OWNER",
        help="The launch owner (e.g. an e-mail address).",
        parser=text("the launch owner, e.g. an e-mail address"),
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]
NoSchema = Annotated[
    bool,
    typer.Option(
        "--no-schema",
        help="Write no editor schema: by default the launch file's first line names "
        f"{SCHEMA_FOLDER}/{LAUNCH_SCHEMA_FILE} beside it, which init writes too.",
    ),
]
TIERS = {"1": "flagship", "2": "standard", "3": "minor"}


def tier(value: object) -> int:
    if isinstance(value, int):
        return value
    if given(value, "a tier: 1 (flagship), 2 (standard) or 3 (minor)") not in TIERS:
        refuse(f"{quoted(str(value))} is not a tier: give 1 (flagship), 2 (standard) or 3 (minor)")
    return int(str(value))


TierOption = Annotated[
    int,
    typer.Option(
        "--tier",
        metavar="N",
        parser=tier,
        help="The launch tier: 1 flagship (a new product or market), 2 standard (a significant "
        "release), 3 minor (a feature or an update). Smaller launches owe fewer items.",
    ),
]


@app.command(
    "init", cls=PlainCommand, short_help="Write a ready-to-edit launch file for a new launch."
)
def init_command(
    name: Name,
    launch_date: LaunchDate,
    path: Target = Path("launch.yaml"),
    tier: TierOption = 1,
    trait: Traits = None,
    department: Departments = None,
    owner: Owner = None,
    force: Force = False,
    no_schema: NoSchema = False,
) -> None:
    """Write a ready-to-edit launch file listing every item that applies, as todo."""
    if str(path) == STDIN:  # as every other command reads it; and "audit -" would hang
        raise OptionError(
            "PATH", "'-' means standard input or output, not a file: write ./- for a file named '-'"
        )
    day = given_date(launch_date, "--launch-date")
    _check_lengths(name, owner)
    traits, departments = _known(trait or [], department or [])
    checklists = [c.checklist for c in ChecklistReader().builtin(departments or None)]
    text = launch_file(
        name=name.strip(),
        launch_date=day,
        traits=traits,
        checklists=checklists,
        checklist_refs=departments or ["builtin"],
        tier=tier,
        owner=owner,
        schema=None if no_schema else f"{SCHEMA_FOLDER}/{LAUNCH_SCHEMA_FILE}",
    )
    schema = None if no_schema else schema_path(path)
    _check_places(path, schema, force)
    wrote_schema = _write(path, text, schema, force=force)
    files_written(path, *([schema] if wrote_schema and schema is not None else []))
    if wrote_schema:
        typer.echo(visible(f"Wrote {schema}: the launch schema, for editors (see the README)"))
    count = len(applicable_items(checklists, traits, tier))
    if day < dt.date.today():
        typer.echo(
            f"gtm-check: warning: the launch date {day} is in the past; every lead time is "
            "already overdue (change launch_date in the file if that is a mistake)",
            err=True,
        )
    typer.echo(
        visible(
            f"Wrote {path}: {count} items as todo. Set their status as work progresses, then "
            f"run: gtm-check audit {path}"
        )
    )


def _check_lengths(name: str, owner: str | None) -> None:
    """A name or owner longer than the launch file takes is refused, as ``set --owner``
    refuses one: every command reading the file would refuse it."""
    for option, value, limit in (
        ("--name", name.strip(), MAX_NAME),
        ("--owner", owner, MAX_PERSON),
    ):
        if value is not None and len(value) > limit:
            raise OptionError(option, f"is {len(value):,} characters; the limit is {limit:,}")


def _inside(target: Path, what: str) -> None:
    """init never writes through a symbolic link out of the repository (or folder) it is
    asked to write in: the person can name the file the link points to instead."""
    where = leads_outside(target)
    if where is not None:
        raise GtmCheckError.single(
            str(target),
            f"{what} leads outside {where} through a symbolic link; name the file it "
            "points to, or another path",
        )


INSTEAD = "init writes only a regular file: name another path"
"""What to do when the launch file or the schema's place is a device, a FIFO or a socket."""


def _check_places(path: Path, schema: Path | None, force: bool) -> None:
    """Every check of where init writes, the launch file's and the schema's, before it
    writes either: a refusal leaves nothing written."""
    refuse_too_long(path, str(path), "write")
    _inside(path, "the launch file")
    refuse_own_files(path)
    check_writable(path, overwrite=force, instead=INSTEAD)
    if schema is None:
        return
    if schema.parent == path:
        raise GtmCheckError.single(
            str(path),
            f"is the folder init writes the editor schema into ({SCHEMA_FOLDER}); nothing was "
            "written: name the launch file otherwise, or pass --no-schema",
        )
    _inside(schema, "the schema file")
    refuse_own_files(schema)
    if check_schema_place(schema, force=force):  # the folder is there: its file, as written
        check_writable(schema, overwrite=True, instead=INSTEAD)


def _write(path: Path, text: str, schema: Path | None, *, force: bool) -> bool:
    """Write the launch file and the launch schema beside it (unless ``schema`` is None)
    together: a place that takes no file, such as a folder that cannot be written, leaves
    neither written, and a ``.gtm-check`` folder made for the schema is removed. The schema
    is put in place first. Whether it was written."""
    due = _schema_due(schema)
    made = False
    # From the folder on, SIGTERM or SIGHUP ends init through the clean-up below: a signal
    # just after the folder was made left it, empty, without the launch file.
    with signals_end_the_block():
        try:
            with signals_held():  # made and known to be made as one step
                made = due is not None and _make_folder(due[0].parent)
            with written_together() as writes:
                writes.add(path, text, overwrite=force, instead=INSTEAD)
                if due is not None:
                    writes.add(due[0], due[1], overwrite=True, instead=INSTEAD)
        except BaseException:
            if made and due is not None:
                with contextlib.suppress(OSError):
                    due[0].parent.rmdir()
            raise
    return due is not None


def _schema_due(schema: Path | None) -> tuple[Path, str] | None:
    """The schema's place and text when it is missing or out of date (it is generated,
    never edited by hand); None when there is nothing to write."""
    if schema is None:
        return None
    text = schema_text("launch")
    return None if written_text(schema) == text else (schema, text)


def _make_folder(folder: Path) -> bool:
    """Make the schema's folder when it is missing; whether it was made. A folder that
    cannot be made is said, located, when the schema is written into it."""
    try:
        folder.mkdir()
    except OSError:
        return False
    return True


def _known(traits: list[str], departments: list[str]) -> tuple[list[str], list[str]]:
    """The traits and departments asked for, each once; an unknown one is a usage error."""
    traits = list(dict.fromkeys(traits))
    for value in traits:
        if value not in TRAITS:
            unknown_choice("trait", value, list(TRAITS), "--trait")
    names = builtin_names()
    departments = list(dict.fromkeys(departments))
    for value in departments:
        if value not in names:
            unknown_choice("built-in department", value, names, "--department")
    return traits, departments
