"""User text made safe to print: no terminal escapes, workflow commands or invalid XML."""

# Standard library only, and nothing from gtm_check: this module can move to any package.
#
# What the GitHub Actions runner treats as a workflow command (actions/runner,
# src/Runner.Common/ActionCommand.cs, read at commit 258d6c8):
# - The runner reads a step's output with StreamReader.ReadLine, so "\n", "\r" and "\r\n"
#   each end a line.
# - TryParseV2: ``message.TrimStart()`` (every char.IsWhiteSpace character: Unicode spaces
#   such as U+00A0 and U+3000 count), then ``StartsWith("::")``, then a second "::" ending
#   a registered command name ("error", "add-mask", "stop-commands", ...).
# - TryParse, the legacy form: ``IndexOf("##[")`` ANYWHERE in the line, then a "]" after it.
# - Both comparisons are culture-sensitive (no StringComparison argument; the runner's
#   projects do not set InvariantGlobalization), so under ICU a zero-width character
#   inside "##[" or "::" may be ignored by the match. A zero-width "fix" could therefore be
#   neither visible to a reviewer nor certain to work; the defusal below inserts an ordinary
#   ASCII space instead, which every comparison sees and every reader can see.

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "no_autolink",
    "sarif_lines",
    "sarif_text",
    "visible",
    "visible_lines",
    "xml_lines",
    "xml_text",
]

# Categories that are never shown as themselves: controls (C0, DEL, C1), format characters
# (bidi embeddings, overrides and isolates, marks such as U+200E, zero-width characters,
# U+FEFF, tags, the soft hyphen), lone surrogates and the line/paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

# Default_Ignorable_Code_Point characters outside those categories: invisible letters and
# marks (combining grapheme joiner, Hangul fillers, Khmer inherent vowels) and the
# reserved ignorable ranges, so that a future format character there is escaped too.
# Variation selectors (U+180B-U+180D, U+180F, U+FE00-U+FE0F, U+E0100-U+E01EF) stay: they
# only choose a glyph for the character before them (emoji presentation, CJK variants).
_INVISIBLE_RANGES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x2065, 0x2065),
    (0x3164, 0x3164),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE00FF),
    (0xE01F0, 0xE0FFF),
)

# ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER are format characters that text needs: emoji
# sequences (family, flags of professions), Persian and Indic spelling. They are kept only
# between two shown non-ASCII characters, so they can never sit next to "#", ":" or "[".
_JOINERS = frozenset({"\u200c", "\u200d"})

_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

# Everything outside printable ASCII gets a closer look; printable ASCII is always shown.
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")

# A line that starts, after optional whitespace, with "::" (``\s`` covers every character
# .NET's char.IsWhiteSpace accepts). Group 1 ends with the first colon.
_LEADING_COMMAND = re.compile(r"^(\s*:)(?=:)")

_LEGACY_COMMAND = "##["
# "##[" becomes "# #[": a visible, ASCII-only change. No "##[" can remain or arise (the
# character before every "#[" that was part of a match is now a space), so the replacement
# is idempotent. "::" at the start of a line becomes ": :" for the same reasons.
_LEGACY_DEFUSED = "# #["


def visible(text: str) -> str:
    """One line of user text that shows every hidden character and cannot act on a reader.

    For a terminal table cell, a stderr message, a log line or an XML attribute:

    - C0 controls (including tab, CR and newline), DEL, C1 controls, format characters
      (bidi controls U+061C, U+200E/U+200F, U+202A-U+202E, U+2066-U+2069, zero-width
      characters, U+FEFF, tags, soft hyphen), other default-ignorable invisible characters,
      U+2028/U+2029, lone surrogates and noncharacters (U+FDD0-U+FDEF, U+xxFFFE, U+xxFFFF)
      are written as Python-style escapes: ``\\x1b``, ``\\n``, ``\\u202e``, ``\\udc80``,
      ``\\U000e0041``. A backslash in the input is left as it is, so a literal ``\\x1b``
      typed by the author looks the same as an escaped ESC: both are harmless.
    - U+200C/U+200D are kept between two shown non-ASCII characters (emoji, scripts).
    - "##[" anywhere becomes "# #["; a leading "::" (after optional whitespace) becomes
      ": :". Neither is then a GitHub Actions workflow command.

    Everything else, including non-ASCII letters, emoji, combining marks, variation
    selectors, private-use and not-yet-assigned characters, passes unchanged. The result has
    no line break, encodes as UTF-8, is valid XML 1.0 character data, and
    ``visible(visible(s)) == visible(s)``.
    """
    return _defuse(_escape_hidden(text))


def visible_lines(text: str) -> str:
    """Multi-line user text: like ``visible`` on each line, keeping the line breaks.

    "\\r\\n" and a lone "\\r" become "\\n"; every other character ``visible`` escapes
    (tab, U+2028, U+0085, ...) is escaped. No line starts with "::" after optional
    whitespace and none contains "##[". For a JUnit failure body or a Markdown code block.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(visible(line) for line in text.split("\n"))


def xml_text(text: str) -> str:
    """User text for an XML 1.0 attribute: ``visible``, so no XML-illegal character remains.

    XML-illegal are U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, surrogates and
    U+FFFE/U+FFFF; all are escaped, and so are tab, CR and newline, which an attribute would
    turn into spaces. The result still needs the usual ``&``/``<``/``"`` escaping, which
    xml.etree does when it serialises.
    """
    return visible(text)


def xml_lines(text: str) -> str:
    """User text for XML 1.0 element content: ``visible_lines``, newlines kept as "\\n"."""
    return visible_lines(text)


def sarif_text(text: str) -> str:
    """User text for a SARIF plain text message string: ``visible``, and nothing a SARIF
    viewer would read as a placeholder or a link.

    SARIF 2.1.0 reads "{0}" in a message string as a placeholder for an argument and wants a
    literal brace doubled (§3.11.5), and reads "[text](destination)" as an embedded link to
    a location or an address (§3.11.6). So "{" and "}" become "{{" and "}}", and every "]("
    becomes "] (": a visible ASCII space, as ``visible`` defuses "##[", which no link syntax
    accepts between the two. A SARIF file is also printed to CI logs, so the text is
    ``visible`` first: one line, no control, no workflow command. Not idempotent (braces
    double again): apply it once, to the user's text.
    """
    return _sarif(visible(text))


def sarif_lines(text: str) -> str:
    """Multi-line user text for a SARIF message string (a rule's help): ``visible_lines``,
    then as ``sarif_text``."""
    return _sarif(visible_lines(text))


def _sarif(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}").replace("](", "] (")


_URL_COLON = re.compile(r":(?=//)")
_WWW_DOT = re.compile(r"(www)\.", re.IGNORECASE)
_AT = re.compile(r"@(?!&#8288;)")


def no_autolink(markdown: str) -> str:
    """Markdown text in which GitHub finds no bare link, e-mail address or @mention.

    Apply to user text that is already escaped for running Markdown (not inside a code span,
    where entities show literally). GitHub renders Markdown with cmark-gfm; its autolink
    extension (extensions/autolink.c) finds ``scheme://`` and ``www.`` while parsing, in the
    raw source, but e-mail addresses only afterwards, in text whose entities and backslash
    escapes are already decoded. So:

    - every ":" followed by "//" becomes ``&#58;`` (covers http://, https://, ftp:// and
      any other scheme, in any letter case);
    - every "www." (any case) becomes ``www&#46;``;
    - every "@" is followed by ``&#8288;`` (WORD JOINER): an entity alone would not help,
      but a decoded U+2060 right after "@" is not a domain character, so neither
      ``a@b.example``, ``mailto:a@b.example``, ``xmpp:a@b.example`` nor an ``@team``
      mention is linked.

    The reader sees the same characters (U+2060 has no width); the source stays ASCII
    wherever the input was. Not covered: bare domains without "www." (GFM does not link
    them), issue references such as ``#12`` and commit hashes. Idempotent.
    """
    markdown = _URL_COLON.sub("&#58;", markdown)
    markdown = _WWW_DOT.sub(r"\1&#46;", markdown)
    return _AT.sub("@&#8288;", markdown)


def _escape_hidden(text: str) -> str:
    def shown_or_escaped(match: re.Match[str]) -> str:
        char = match.group()
        if not _hidden(char) or (char in _JOINERS and _joins(text, match.start())):
            return char
        return _escape(char)

    return _NOT_PRINTABLE_ASCII.sub(shown_or_escaped, text)


def _hidden(char: str) -> bool:
    """Whether a character is invisible, a control, or not text at all."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return True
    if code < 0xA0:
        return False
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return True  # noncharacters, including U+FFFE and U+FFFF
    if unicodedata.category(char) in _HIDDEN_CATEGORIES:
        return True
    return any(low <= code <= high for low, high in _INVISIBLE_RANGES)


def _joins(text: str, index: int) -> bool:
    """Whether the joiner at ``index`` sits between two shown non-ASCII characters."""
    if index == 0 or index + 1 >= len(text):
        return False
    return all(
        ord(near) > 0x7F and near not in _JOINERS and not _hidden(near)
        for near in (text[index - 1], text[index + 1])
    )


def _escape(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _defuse(line: str) -> str:
    """Neither form of GitHub Actions workflow command can remain in ``line``."""
    line = line.replace(_LEGACY_COMMAND, _LEGACY_DEFUSED)
    return _LEADING_COMMAND.sub(r"\1 ", line)
