"""User text for the HTML page and its charts: escaped once, here; links only to http(s).

Every title, owner, name, reason, note and URL a user wrote reaches the page through
``esc`` or ``evidence_link`` and nowhere else: ``visible`` first (one line, every control,
bidi or invisible character shown as an escape), then ``html.escape`` with quotes, so the
result is safe as element text and inside a double-quoted attribute alike.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

from gtm_check.model.safetext import visible

LINK_SCHEMES = frozenset({"http", "https"})


def esc(value: object, limit: int | None = None) -> str:
    """User text as HTML: one line, hidden characters shown, markup escaped; ``limit``
    shortens it (with an ellipsis) before escaping, so no entity is ever cut."""
    text = visible(" ".join(str(value).split()))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


def evidence_link(url: str | None, limit: int = 48) -> str:
    """An item's evidence: a link when it is a plain http(s) address, else its text.

    Anything else (``javascript:``, ``data:``, a relative path, a note in words, an address
    with a space or a control character in it) is shown as text and never followed.
    """
    if not url:
        return ""
    shown = esc(url, limit)
    if not linkable(url):
        return shown
    return f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">{shown}</a>'


def linkable(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) address with nothing hidden or spaced in it."""
    if visible(url) != url or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in LINK_SCHEMES and bool(parts.hostname)
    except ValueError:
        return False
