"""A launch file opened for an edit: its exact bytes, the edit validated as ``validate`` would.

Writing belongs to the command line (it owns the atomic write); this module reads the file
once, keeps its bytes to notice a change made by someone else meanwhile, and gives back the
new text with the file's byte-order mark, if it had one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gtm_check.authoring.edit import Placement
from gtm_check.load.checklists import ChecklistReader
from gtm_check.load.files import MAX_FILE_BYTES, Kind, Unreachable, confine, examine
from gtm_check.load.launch import LoadedLaunch, load_launch
from gtm_check.load.yamltree import Source
from gtm_check.model.problems import GtmCheckError, Problem

BOM = "\ufeff"


@dataclass(frozen=True)
class Opened:
    """The launch file as read: bytes for the change check, text (no BOM) for the edit."""

    path: Path
    raw: bytes
    text: str
    bom: bool

    def encoded(self, text: str) -> str:
        """``text`` as the file holds it: with its byte-order mark back if it had one."""
        return BOM + text if self.bom else text

    def changed_on_disk(self) -> bool:
        try:
            return _read(self.path) != self.raw
        except GtmCheckError:
            return True


def _read(path: Path) -> bytes:
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
    try:
        return path.read_bytes()
    except OSError as exc:
        raise GtmCheckError.single(display, f"cannot read: {exc.strerror or exc}") from None


def open_launch(path: Path, *, allow_outside: bool = False) -> Opened:
    """The launch file to edit, read whole; one that leads outside its repository through a
    link is refused unread, unless ``allow_outside``."""
    confine(path, str(path), allow_outside=allow_outside)
    raw = _read(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problem = Problem.at_offset(str(path), raw, exc.start, "not valid UTF-8 text")
        raise GtmCheckError([problem]) from None
    bom = text.startswith(BOM)
    return Opened(path, raw, text[1:] if bom else text, bom)


class _WithText(ChecklistReader):
    """Reads checklists as usual, and the launch file's text from memory."""

    def __init__(self, path: Path, text: str) -> None:
        super().__init__()
        self._path = path
        self._text = text

    def text(self, path: Path, display: str, *, allow_outside: bool = False) -> str:
        if path == self._path:
            return self._text
        return super().text(path, display, allow_outside=allow_outside)


def load_text(opened: Opened, text: str, *, allow_outside: bool = False) -> LoadedLaunch:
    """``text`` loaded as the launch file at ``opened.path`` (its checklists read from
    disk): the problems ``validate`` would report, located in ``text``."""
    return load_launch(opened.path, _WithText(opened.path, text), allow_outside=allow_outside)


def placement(loaded: LoadedLaunch, item_id: str) -> Placement:
    """Where ``init`` would put ``item_id``: stage, then checklist order."""
    items = [item for c in loaded.checklists for item in c.checklist.items]
    ranks = {item.id: (item.stage.order, index) for index, item in enumerate(items)}
    known = {item.id: item for item in items}
    item = known.get(item_id)
    comment = f"{item.severity.value}: {' '.join(item.title.split())}" if item else ""
    return Placement(ranks, comment)


def state_of(text: str, item_id: str) -> dict[str, Any]:
    """What the launch file says of ``item_id`` (``{}`` when it does not mention it)."""
    data = Source("<text>", text).parse().data
    value = (data.get("items") or {}).get(item_id) if isinstance(data, dict) else None
    if isinstance(value, dict):
        return value
    return {} if value is None else {"status": value}


def describe(value: Any) -> str:
    if value is None:
        return "(none)"
    return value.isoformat() if isinstance(value, dt.date) else str(value)
