"""What standard output can show: its width, whether in colour, which characters it encodes."""

from __future__ import annotations

import io
import os
import shutil
import sys

from gtm_check.report import GLYPHS, RenderOptions

MIN_WIDTH = 40
MAX_WIDTH = 1000
"""Widths beyond this are a mistake (COLUMNS=99999999999), not a terminal: clamped."""


def render_options(*, file_output: bool = False, limit: int | None = 10) -> RenderOptions:
    """A report written to a file is never coloured, has the standard width and is UTF-8;
    on standard output the terminal views draw in ASCII when its encoding cannot take our
    glyphs."""
    if file_output:
        return RenderOptions(limit=limit)
    return RenderOptions(width=_width(), color=_color(), ascii=not can_show(GLYPHS), limit=limit)


def can_show(text: str) -> bool:
    """Whether standard output's encoding has every character of ``text``."""
    try:
        text.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def replace_what_cannot_be_shown(stream: object) -> None:
    """On an output in another encoding than UTF-8 (cp1252 on Windows), user text that the
    encoding cannot take shows as '?' instead of ending the run with UnicodeEncodeError;
    the terminal views draw in ASCII there (``render_options``)."""
    encoding = getattr(stream, "encoding", None)
    if encoding and encoding.lower().replace("-", "") != "utf8":
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def _width() -> int:
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit():  # not "-5", "80px" or "": those fall through
        return _clamp(int(columns))
    if sys.stdout.isatty():
        return _clamp(shutil.get_terminal_size().columns)
    return 80


def _clamp(width: int) -> int:
    return min(MAX_WIDTH, max(MIN_WIDTH, width))


def _color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
