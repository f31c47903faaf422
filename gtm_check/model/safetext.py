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
    "blank",
    "command_free",
    "json_safe",
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


# Where a reader may start a new line: "\n" and "\r" (the runner's ReadLine), and the other
# boundaries of str.splitlines (log viewers and editors may split there too).
_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def command_free(text: str) -> str:
    """Text of many lines in which no line starts with "::" after white space and none
    holds "##[": ": :" and "# #[", as ``visible`` writes them.

    ``visible`` defuses the start of each piece of user text, but a report lays its text
    out afterwards: wrapping a long launch name at the width can start a line in the
    middle of user text, right before a "::" it holds. This is the final guard every text
    report passes (``report.registry.render``); the wrap sites apply it too. Not for the
    ``github`` format, whose own lines are commands. The work is a substring search for
    "::" and one for "##[", then a look back from each "::" found, so a report of many
    megabytes costs milliseconds. Idempotent; changes nothing else.
    """
    if "::" in text:
        text = _line_starts_defused(text)
    if _LEGACY_COMMAND in text:
        text = text.replace(_LEGACY_COMMAND, _LEGACY_DEFUSED)
    return text


def _line_starts_defused(text: str) -> str:
    pieces: list[str] = []
    done = 0
    at = text.find("::")
    while at != -1:
        before = at  # back over the white space the runner trims, to the line's start
        while before and text[before - 1].isspace() and text[before - 1] not in _BREAKS:
            before -= 1
        if before == 0 or text[before - 1] in _BREAKS:
            pieces += (text[done : at + 1], " ")
            done = at + 1
        at = text.find("::", at + 1)
    pieces.append(text[done:])
    return "".join(pieces)


# Every character ``_hidden`` finds from U+007F to U+FFFF, as ranges (Unicode 14.0, Python
# 3.11's unicodedata; tests/test_model_safetext.py checks the two agree on every one), and
# every character above U+FFFF, which ``_json_escape`` then asks ``_hidden`` about: a class
# of BMP ranges and one astral range is a bitmap lookup per character for the regex
# engine, several times faster than a list of ranges.
_HIDDEN_FROM_DEL = (
    "\x7f-\x9f\xad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ud800-\udfff"
    "\ufdd0-\ufdef\ufeff\uffa0\ufff0-\ufffb\ufffe\uffff"
)
_JSON_SUSPECT = re.compile(f"[{_HIDDEN_FROM_DEL}\U00010000-\U0010ffff]")


def json_safe(json_text: str) -> str:
    """JSON text in which every character ``visible`` would escape is a ``\\uXXXX`` escape
    (a surrogate pair above U+FFFF) and "##[" is written "#\\u0023[".

    For text ``json.dumps`` wrote with ``ensure_ascii=False``, which escapes only C0
    controls, quotes and backslashes: C1 controls (U+0085 NEL, U+009B CSI), DEL, bidi and
    other format characters, U+2028/U+2029 passed through raw, so a terminal, a log or a
    consumer that splits lines the Unicode way saw them. The decoded value is exactly the
    same; only the JSON text changes. Such characters only occur inside strings (the JSON's
    own text is ASCII), and never inside an escape, so the whole text can be passed. ASCII
    text (``str.isascii`` is free) costs two substring searches; other text one regex scan
    more (a bitmap lookup per character).
    Idempotent.
    """
    if not json_text.isascii() and _JSON_SUSPECT.search(json_text):
        json_text = _JSON_SUSPECT.sub(_json_escape, json_text)
    elif "\x7f" in json_text:
        json_text = json_text.replace("\x7f", "\\u007f")
    if _LEGACY_COMMAND in json_text:
        json_text = json_text.replace(_LEGACY_COMMAND, "#\\u0023[")
    return json_text


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code > 0xFFFF and not _hidden(char):
        return char  # emoji, CJK extensions, ...: shown as themselves
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


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


def blank(text: str | None) -> bool:
    """Whether ``text`` says nothing a reader can see: None, or only white space, controls,
    invisible characters and the blank-looking Braille pattern (U+2800). Evidence or a
    note like that is none: a diff shows ``evidence: " "`` as if it were something."""
    return text is None or all(c.isspace() or c == "\u2800" or _hidden(c) for c in text)


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
