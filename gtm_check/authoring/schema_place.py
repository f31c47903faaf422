"""Where ``init`` puts the editor schema, checked before anything is written.

The schema is gtm-check's own generated file, in a folder ``.gtm-check`` beside the launch
file. A branch can commit anything under those names: a file named ``.gtm-check``, a
folder, a FIFO or a link where the schema goes. Each is refused with what is wrong before
``init`` writes a byte (the launch file included), and nothing there is read unless it is a
small regular file, opened without blocking (``load.files.read_text``).
"""

from __future__ import annotations

import json
from pathlib import Path

from gtm_check.authoring.schema import LAUNCH_SCHEMA_FILE, LAUNCH_SCHEMA_TITLE, SCHEMA_FOLDER
from gtm_check.load.files import ByteBudget, Kind, Unreachable, examine, read_text
from gtm_check.model.problems import GtmCheckError

MAX_SCHEMA_BYTES = 1024 * 1024
"""A schema of gtm-check's is tens of kilobytes: a larger file is not one, and is not read."""

LEAVE_IT = "nothing was written (remove it, or pass --no-schema)"


def schema_path(launch: Path) -> Path:
    """Where the schema of the launch file ``launch`` goes, as its modeline names it."""
    return launch.parent / SCHEMA_FOLDER / LAUNCH_SCHEMA_FILE


def check_schema_place(target: Path, *, force: bool) -> bool:
    """Refuse a place ``init`` cannot or must not write its schema at: a link (a branch
    could commit one to a workflow of the repository), a folder name that is not a folder,
    a folder, FIFO, device or socket where the file goes (with ``--force`` too), or a file
    that is not a schema gtm-check wrote (without ``--force``). Whether the folder is
    there already (else ``init`` makes it)."""
    folder = target.parent
    for place in (folder, target):
        if place.is_symlink():
            raise GtmCheckError.single(
                str(place),
                "is a symbolic link; init writes its generated schema only as a file of its "
                "own, never through a link (remove the link, or pass --no-schema)",
            )
    folder_kind = _kind(folder)
    if folder_kind is Kind.MISSING:
        return False
    if folder_kind is not Kind.DIRECTORY:
        what = "a file" if folder_kind is Kind.FILE else "a FIFO, device or socket"
        raise GtmCheckError.single(
            str(folder),
            f"is {what}, not a folder: init writes its editor schema into a folder of this "
            f"name; {LEAVE_IT}",
        )
    _check_file(target, force)
    return True


def _check_file(target: Path, force: bool) -> None:
    kind = _kind(target)
    if kind is Kind.DIRECTORY:
        raise GtmCheckError.single(
            str(target),
            f"is a directory, not a file: init writes its editor schema as a file of this "
            f"name; {LEAVE_IT}",
        )
    if kind is Kind.SPECIAL:
        raise GtmCheckError.single(
            str(target),
            "is a FIFO, device or socket, not a regular file: init writes its editor schema "
            f"as a file of this name, and does not read this one; {LEAVE_IT}",
        )
    if kind is Kind.FILE and not force and not _ours(target):
        raise GtmCheckError.single(
            str(target),
            "already exists and is not a schema gtm-check wrote; nothing was written "
            "(--force replaces it, --no-schema leaves it)",
        )


def _kind(path: Path) -> Kind:
    try:
        return examine(path)[0]
    except Unreachable as exc:
        raise GtmCheckError.single(str(path), f"cannot write: {exc.reason}") from None


def written_text(target: Path) -> str | None:
    """The text of the schema file at ``target`` when it is a regular file of at most
    ``MAX_SCHEMA_BYTES`` in UTF-8; else None. Opened without blocking and checked on the
    open file, so that nothing but a regular file is read."""
    try:
        return read_text(target, str(target), ByteBudget(MAX_SCHEMA_BYTES))
    except GtmCheckError:
        return None


def _ours(target: Path) -> bool:
    """Whether the file is a schema gtm-check wrote: JSON whose title is the launch
    schema's (an older one is brought up to date without ``--force``)."""
    text = written_text(target)
    try:
        found = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):  # RecursionError: a megabyte of nested brackets
        return False
    return isinstance(found, dict) and found.get("title") == LAUNCH_SCHEMA_TITLE
