"""The output formats: each view's renderers (``registry``) and the options they all take."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderOptions:
    """How the caller wants the output drawn; formats ignore what does not concern them."""

    width: int = 80
    color: bool = False
    limit: int | None = 10
    """How many gaps the terminal table lists (None: all); the other formats list all."""
    ascii: bool = False
    """Draw the terminal views with ASCII characters only, for an output that cannot encode
    GLYPHS."""


GLYPHS = "─█░·✗—…⚠×▁▂▃▄▅▆▇→"
"""The non-ASCII characters the terminal views draw with (rules, bars, sparklines, marks,
dashes, ellipses, arrows)."""

ASCII_GLYPHS = str.maketrans(dict(zip(GLYPHS, "-#.-x-.!x_.:-=+*>", strict=True)))
"""Each drawing character for one ASCII character of the same width, so columns stay put
(arrows in running text read better as "->": ``report.shared.drawn`` writes them so)."""
