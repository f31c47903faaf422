"""A launch file opened for an edit: under its lock, read once, each edit validated.

Writing belongs to the command line (it owns the atomic write); this module takes the
file's lock, reads the file once, refuses a file the user cannot write, keeps its bytes to
notice a change made meanwhile by something that takes no lock (an editor), says how the
file must be written, and gives back the new text with the file's byte-order mark, if it
had one.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gtm_check.authoring.edit import Placement
from gtm_check.authoring.interrupts import signals_end_the_block
from gtm_check.authoring.lock import locked
from gtm_check.authoring.scaffold import comment_text
from gtm_check.load.checklists import ChecklistReader
from gtm_check.load.files import MAX_FILE_BYTES, STDIN, Kind, Unreachable, confine, examine
from gtm_check.load.launch import LoadedLaunch, load_launch
from gtm_check.load.yamltree import parsed_once
from gtm_check.model.problems import GtmCheckError, OptionError, Problem

BOM = "\ufeff"

LOCK_WAIT_SECONDS = 10.0
"""How long an edit waits for another edit of the same file to finish before giving up."""


@dataclass(frozen=True)
class Opened:
    """The launch file as read: bytes for the change check, text (no BOM) for the edit."""

    path: Path
    raw: bytes
    text: str
    bom: bool
    status: os.stat_result | None = None
    """The file's status when read: its owner, mode and number of names."""
    reader: _WithText = field(default_factory=lambda: _WithText(), repr=False, compare=False)
    """The edit's checklists, read once for the file as read and for the edit."""

    def encoded(self, text: str) -> str:
        """``text`` as the file holds it: with its byte-order mark back if it had one."""
        return BOM + text if self.bom else text

    def changed_on_disk(self) -> bool:
        try:
            return _read(self.path)[0] != self.raw
        except GtmCheckError:
            return True

    @property
    def in_place(self) -> bool:
        """Whether the new text must be written into the file itself rather than through a
        new file renamed over it: a file with several names (hard links), which a rename
        would split, one whose group a new file of this user could not be given, or one
        with extended attributes (an access control list, a label), which a new file would
        not have: with an ACL, the mode's group bits are its mask, and on a new file they
        would give the group itself that access."""
        if self.status is None:
            return False
        return (
            self.status.st_nlink > 1
            or not _may_give_group(self.status.st_gid)
            or _has_attributes(self.path)
        )


def _has_attributes(path: Path) -> bool:
    """Whether the file has extended attributes (where the system keeps them); one that
    cannot be asked is taken to have some: writing it in place keeps whatever it has."""
    listxattr = getattr(os, "listxattr", None)
    if listxattr is None:  # pragma: no cover - a system without extended attributes
        return False
    try:
        return bool(listxattr(path))
    except OSError as exc:
        return exc.errno not in (errno.ENOTSUP, errno.EOPNOTSUPP)


def _may_give_group(gid: int) -> bool:
    if not hasattr(os, "getegid"):  # pragma: no cover - Windows has no groups to keep
        return True
    return os.geteuid() == 0 or gid == os.getegid() or gid in os.getgroups()


def _examined(path: Path) -> os.stat_result:
    """The status of the regular file ``path``, or a located error saying why it is not one
    gtm-check can edit."""
    display = str(path)
    try:
        kind, status = examine(path)
    except Unreachable as exc:
        raise GtmCheckError.single(display, f"cannot read: {exc.reason}") from None
    if kind is not Kind.FILE:
        raise GtmCheckError.single(display, "no such file" if kind is Kind.MISSING else kind.value)
    assert status is not None
    if status.st_size > MAX_FILE_BYTES:
        raise GtmCheckError.single(display, f"file is {status.st_size:,} bytes; too large to edit")
    return status


def _read(path: Path) -> tuple[bytes, os.stat_result]:
    status = _examined(path)
    try:
        return path.read_bytes(), status
    except OSError as exc:
        raise GtmCheckError.single(str(path), f"cannot read: {exc.strerror or exc}") from None


def open_launch(path: Path, *, allow_outside: bool = False) -> Opened:
    """The launch file to edit, read whole; one that leads outside its repository through a
    link is refused unread, unless ``allow_outside``."""
    confine(path, str(path), allow_outside=allow_outside)
    raw, status = _read(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problem = Problem.at_offset(str(path), raw, exc.start, "not valid UTF-8 text")
        raise GtmCheckError([problem]) from None
    bom = text.startswith(BOM)
    return Opened(path, raw, text[1:] if bom else text, bom, status, _WithText(path))


@contextmanager
def editing(path: Path, *, allow_outside: bool = False) -> Iterator[Opened]:
    """The launch file opened for an edit, for the block that reads, checks and writes it.

    The block holds the file's lock (``authoring.lock``): edits made at once follow each
    other, none is lost; waiting longer than ``LOCK_WAIT_SECONDS`` is an error. A file the
    user cannot write is refused before anything else. Each text is parsed once.
    """
    if str(path) == STDIN:  # standard input to every command: an edit cannot write it back
        raise OptionError(
            "LAUNCH",
            "'-' means standard input, which an edit cannot write back: write ./- for a "
            "file named '-'",
        )
    confine(path, str(path), allow_outside=allow_outside)
    # Looked at before a lock file is made beside it: a file that is not there says so.
    also = path if _examined(path).st_nlink > 1 else None
    # SIGTERM or SIGHUP while the lock is held (reading and checking take most of an edit)
    # ends the edit through the lock's clean-up: no lock file is left in the user's folder.
    with (
        signals_end_the_block(),
        locked(path, str(path), LOCK_WAIT_SECONDS, also=also),
        parsed_once(),
    ):
        opened = open_launch(path, allow_outside=True)  # confined above
        _refuse_unwritable(opened)
        yield opened


def _refuse_unwritable(opened: Opened) -> None:
    """A file the user cannot write, or should not: read-only (by its mode, which root could
    write anyway), or another user's (whose owner a new file could not keep; refused to
    root as well, as the file is that user's to edit)."""
    status = opened.status
    assert status is not None
    mode = stat.S_IMODE(status.st_mode)
    if not mode & stat.S_IWUSR:
        raise GtmCheckError.single(
            str(opened.path),
            f"the launch file is read-only (mode {mode:03o}); nothing was written: make it "
            "writable to edit it with gtm-check",
        )
    uid = os.geteuid() if hasattr(os, "geteuid") else status.st_uid
    if uid != status.st_uid:
        raise GtmCheckError.single(
            str(opened.path),
            f"the launch file belongs to another user (uid {status.st_uid}); nothing was "
            "written: gtm-check edits only files of the user who runs it",
        )


class _WithText(ChecklistReader):
    """Reads checklists as usual, each once for the whole edit, and the launch file's text
    from memory: the text as read, then the edit's."""

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path
        self.current = ""

    def text(self, path: Path, display: str, *, allow_outside: bool = False) -> str:
        if path == self.path:
            return self.current
        return super().text(path, display, allow_outside=allow_outside)

    def again(self, path: Path, display: str, allow_outside: bool) -> Callable[[], str]:
        # The edit's text is not on disk: a problem found in it (the policy's, after the
        # load) is located in that text, not in the file as it was.
        if path == self.path:
            current = self.current
            return lambda: current
        return super().again(path, display, allow_outside)


def load_text(opened: Opened, text: str, *, allow_outside: bool = False) -> LoadedLaunch:
    """``text`` loaded as the launch file at ``opened.path`` (its checklists read from
    disk, once for the edit): the problems ``validate`` would report, located in ``text``."""
    reader = opened.reader
    reader.path, reader.current = opened.path, text
    return load_launch(opened.path, reader, allow_outside=allow_outside)


def placements(loaded: LoadedLaunch, item_ids: Iterable[str]) -> dict[str, Placement]:
    """Where ``init`` would put each of ``item_ids``: stage, then checklist order."""
    items = [item for c in loaded.checklists for item in c.checklist.items]
    ranks = {item.id: (item.stage.order, index) for index, item in enumerate(items)}
    known = {item.id: item for item in items}
    found = {}
    for item_id in item_ids:
        item = known.get(item_id)
        comment = f"{item.severity.value}: {comment_text(item.title)}" if item else ""
        found[item_id] = Placement(ranks, comment)
    return found


def state_of(loaded: LoadedLaunch, item_id: str) -> dict[str, Any]:
    """What the launch file says of ``item_id``, key by key (``{}`` when it does not
    mention it), from the launch file as loaded: no second parse."""
    state = loaded.launch.items.get(item_id)
    return {} if state is None else state.model_dump(exclude_unset=True)


def describe(value: Any) -> str:
    if value is None:
        return "(none)"
    return value.isoformat() if isinstance(value, dt.date) else str(value)
