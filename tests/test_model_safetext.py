"""gtm_check.safetext: user text that cannot act on a terminal, a CI log, an XML parser or GFM."""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from gtm_check.model.safetext import (
    _JSON_SUSPECT,
    command_free,
    json_safe,
    no_autolink,
    sarif_lines,
    sarif_text,
    visible,
    visible_lines,
    xml_lines,
    xml_text,
)

# --- independent oracles (written from the specifications, not from the module) -----------

# .NET char.IsWhiteSpace, which String.TrimStart() uses in the runner's TryParseV2.
NET_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
C0_C1 = frozenset(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)])
# XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-]
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def runner_sees_command(line: str) -> bool:
    """A line the GitHub Actions runner could parse as a workflow command (either form)."""
    return line.lstrip("".join(NET_WHITESPACE)).startswith("::") or "##[" in line


def runner_lines(output: str) -> list[str]:
    """How the runner splits output: StreamReader.ReadLine ends a line at \\n, \\r or \\r\\n."""
    return re.split(r"\r\n|\r|\n", output)


def hidden_left(text: str, allowed: str = "") -> list[str]:
    """Characters that must never be printed as themselves."""
    bad = []
    for index, char in enumerate(text):
        if char in allowed:
            continue
        category = unicodedata.category(char)
        code = ord(char)
        if (
            char in C0_C1
            or char in BIDI
            or category in {"Cs", "Zl", "Zp"}
            or 0xFDD0 <= code <= 0xFDEF
            or code & 0xFFFE == 0xFFFE
        ):
            bad.append(char)
        elif category == "Cf":
            # Only a joiner between two non-ASCII characters may stay (emoji, scripts).
            inside = 0 < index < len(text) - 1
            if not (
                char in "\u200c\u200d"
                and inside
                and ord(text[index - 1]) > 0x7F
                and ord(text[index + 1]) > 0x7F
            ):
                bad.append(char)
    return bad


# --- visible: hand-written cases ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),  # CSI: clear the screen
        ("\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07"),  # OSC 52: set the clipboard
        (
            "\x1b]8;;https://evil.example\x1b\\docs\x1b]8;;\x1b\\",  # OSC 8: disguised link
            "\\x1b]8;;https://evil.example\\x1b\\docs\\x1b]8;;\\x1b\\",
        ),
        ("bell\x07", "bell\\x07"),
        ("nul\x00", "nul\\x00"),
        ("del\x7f", "del\\x7f"),
        ("c1 csi\x9b2J", "c1 csi\\x9b2J"),
        ("next line\x85", "next line\\x85"),
        ("owner\nsecond", "owner\\nsecond"),
        ("cr\rover", "cr\\rover"),
        ("crlf\r\nx", "crlf\\r\\nx"),
        ("tab\there", "tab\\there"),
        ("vt\x0bff\x0c", "vt\\x0bff\\x0c"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("\u202eevil\u202c", "\\u202eevil\\u202c"),  # Trojan Source override
        ("\u2066iso\u2069 \u2067r\u2068", "\\u2066iso\\u2069 \\u2067r\\u2068"),
        ("\u200ea\u200fb\u061c", "\\u200ea\\u200fb\\u061c"),
        ("zero\u200bwidth\u2060joiner\ufeff", "zero\\u200bwidth\\u2060joiner\\ufeff"),
        ("soft\xadhyphen", "soft\\xadhyphen"),
        ("hangul\u3164filler", "hangul\\u3164filler"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("lone \udcff surrogate", "lone \\udcff surrogate"),
        ("non\ufffe\uffff\ufdd0", "non\\ufffe\\uffff\\ufdd0"),
        ("a\u200db", "a\\u200db"),  # a joiner next to ASCII is not text
        ("::error::x", ": :error::x"),
        ("::add-mask::secret", ": :add-mask::secret"),
        ("  ::warning file=a::forged", "  : :warning file=a::forged"),
        ("\u3000\xa0::notice::x", "\u3000\xa0: :notice::x"),
        (":::", ": ::"),
        ("\n::error::x", "\\n::error::x"),  # no longer at a line start: escaped newline
        ("##[group]x", "# #[group]x"),
        ("title ##[error]forged", "title # #[error]forged"),
        ("###[x", "## #[x"),
        ("##[##[", "# #[# #["),
        ("%0A::error::x", "%0A::error::x"),  # the runner decodes %0A only inside a command
        ("a :: b", "a :: b"),
        ("C:\\x1b path", "C:\\x1b path"),  # a typed backslash stays as typed
    ],
)
def test_visible(raw: str, shown: str) -> None:
    assert visible(raw) == shown


@pytest.mark.parametrize(
    "text",
    [
        "Café résumé naïve",
        "中文 日本語 한국어 עברית العربية",
        "e\u0301 a\u0308 n\u0303",  # combining accents
        "🚀 ✅ ⚠️ ⛔ 👍🏽 🇫🇷",
        "👨\u200d👩\u200d👧 🏳️\u200d🌈",  # joiners inside emoji sequences
        "می\u200cخواهم",  # Persian zero-width non-joiner
        "क्\u200dष",  # Devanagari joiner
        "#️⃣ 葛\U000e0100",  # keycap, ideographic variation selector
        "a # b [c] :d: e: f",
        "\ue000 private use",
    ],
)
def test_printable_text_is_unchanged(text: str) -> None:
    assert visible(text) == text
    assert visible_lines(text) == text
    assert xml_text(text) == text


def test_visible_lines_keeps_newlines_and_defuses_every_line() -> None:
    raw = "first\r\n::error::forged\r  ::warning::x\n##[group]g\n\tend\u2028x\x1b"
    assert visible_lines(raw) == (
        "first\n: :error::forged\n  : :warning::x\n# #[group]g\n\\tend\\u2028x\\x1b"
    )
    assert visible_lines("") == ""
    assert visible_lines("a\n\nb\n") == "a\n\nb\n"


# SARIF 2.1.0 §3.11.5-6, read independently: "{" + digits + "}" is a placeholder unless
# its braces are doubled; "[" text "](" destination ")" is an embedded link.
SARIF_PLACEHOLDER = re.compile(r"(?<!\{)(\{\{)*\{\d+\}")
SARIF_LINK = re.compile(r"\[[^\]]*\]\(")


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("plain", "plain"),
        ("Say {0} and {{1}}", "Say {{0}} and {{{{1}}}}"),
        ("[here](https://evil.example)", "[here] (https://evil.example)"),
        ("[x](0) and ]((", "[x] (0) and ] (("),
        ("\x1b is typed, \x1b[2J is not", "\\x1b is typed, \\x1b[2J is not"),
        ("line\n##[error]x", "line\\n# #[error]x"),
    ],
)
def test_sarif_text(raw: str, safe: str) -> None:
    assert sarif_text(raw) == safe


def test_sarif_lines_keeps_line_breaks() -> None:
    assert sarif_lines("Why: {0}\r\n::error::x [a](b)") == "Why: {{0}}\n: :error::x [a] (b)"


@given(
    st.lists(st.sampled_from(["{", "}", "[", "]", "(", ")", "0", "x", "\n", "##["]), max_size=12)
)
def test_sarif_text_has_no_placeholder_no_link_and_no_command(pieces: list[str]) -> None:
    for safe in (sarif_text("".join(pieces)), sarif_lines("".join(pieces))):
        assert SARIF_PLACEHOLDER.search(safe) is None and SARIF_LINK.search(safe) is None
        assert not any(runner_sees_command(line) for line in safe.split("\n"))
        # Undoing the escapes gives back what visible_lines shows.
        assert safe.replace("] (", "](").replace("{{", "{").replace("}}", "}") in (
            visible("".join(pieces)).replace("] (", "]("),
            visible_lines("".join(pieces)).replace("] (", "]("),
        )


def test_xml_text_and_lines_parse() -> None:
    raw = "a\x01b\x0bc\ufffe\uffff\ud800\x00\nline\r\n"
    assert xml_text(raw) == "a\\x01b\\x0bc\\ufffe\\uffff\\ud800\\x00\\nline\\r\\n"
    assert xml_lines(raw) == "a\\x01b\\x0bc\\ufffe\\uffff\\ud800\\x00\nline\n"
    with pytest.raises(ET.ParseError):  # the oracle can fail
        ET.fromstring("<a>\x01</a>")
    _xml_round_trip(raw)


def _xml_round_trip(raw: str) -> None:
    element = ET.Element("failure", message=xml_text(raw))
    element.text = xml_lines(raw)
    parsed = ET.fromstring(ET.tostring(element, "unicode"))
    assert parsed.get("message") == xml_text(raw)
    assert (parsed.text or "") == xml_lines(raw)


# --- no_autolink ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("see https://evil.example/x", "see https&#58;//evil.example/x"),
        ("HTTP://X.EXAMPLE ftp://f.example", "HTTP&#58;//X.EXAMPLE ftp&#58;//f.example"),
        ("www.evil.example", "www&#46;evil.example"),
        ("(WWW.evil.example)", "(WWW&#46;evil.example)"),
        ("https://www.evil.example", "https&#58;//www&#46;evil.example"),
        ("mail a@b.example", "mail a@&#8288;b.example"),
        ("mailto:a.b+c@d.example", "mailto:a.b+c@&#8288;d.example"),
        ("xmpp:a@b.example/r", "xmpp:a@&#8288;b.example/r"),
        ("owner @org/team", "owner @&#8288;org/team"),
        ("time 10:30, ratio 1:2", "time 10:30, ratio 1:2"),
        ("plain example.com", "plain example.com"),
        ("a &amp; b \\_c\\_", "a &amp; b \\_c\\_"),
    ],
)
def test_no_autolink(raw: str, safe: str) -> None:
    assert no_autolink(raw) == safe
    assert no_autolink(safe) == safe  # idempotent


def test_no_autolink_reads_the_same() -> None:
    md = MarkdownIt("commonmark")
    raw = "Ask a@b.example or see https://x.example/p and www.y.example"
    html = md.render(no_autolink(raw))
    shown = raw.replace("@", "@\u2060")  # WORD JOINER: no width, not a domain character
    assert html == f"<p>{shown}</p>\n"
    assert "<a" not in html


# --- properties -----------------------------------------------------------------------------

TRICKY = [
    "::", "##[", "#", ":", "[", "]", " ", "\t", "\n", "\r", "\r\n", "\u3000", "\xa0", "\x1b",
    "\x07", "\x00", "\x7f", "\x85", "\x9b", "\u200b", "\u200c", "\u200d", "\u2060", "\u202e",
    "\u2066", "\u061c", "\u2028", "\u2029", "\ufeff", "\ud800", "\udcff", "\ufffe", "\uffff",
    "\U000e0041", "é", "e\u0301", "中", "👩", "\ufe0f", "www.", "https://", "a@b.example", "@",
]  # fmt: skip
# st.characters() leaves out surrogates; lone ones (from surrogateescape) are drawn on purpose.
PIECES = st.one_of(st.sampled_from(TRICKY), st.characters(), st.characters(categories=["Cs"]))
TEXTS = st.lists(PIECES, max_size=24).map("".join)


@given(TEXTS)
def test_visible_properties(text: str) -> None:
    out = visible(text)
    assert hidden_left(out) == []
    assert "\n" not in out and "\r" not in out
    assert runner_lines(out) == [out]
    assert not runner_sees_command(out)
    # A caller may indent the fragment or put it first on a line: still no command.
    assert not runner_sees_command(" \u3000" + out)
    out.encode("utf-8")
    assert visible(out) == out


@given(TEXTS)
def test_visible_lines_properties(text: str) -> None:
    out = visible_lines(text)
    assert hidden_left(out, allowed="\n") == []
    assert "\r" not in out
    assert len(out.split("\n")) == len(runner_lines(text))
    assert not any(runner_sees_command(line) for line in runner_lines(out))
    out.encode("utf-8")
    assert visible_lines(out) == out


@given(TEXTS)
def test_xml_properties(text: str) -> None:
    assert not XML_ILLEGAL.search(xml_text(text))
    assert not XML_ILLEGAL.search(xml_lines(text))
    _xml_round_trip(text)


SAFE_CHARS = st.characters(
    exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp", "Cn"),
    exclude_characters="\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0",
)


@given(st.lists(st.one_of(SAFE_CHARS, st.sampled_from(["#", ":", "[", " ", "##", "é"]))))
def test_safe_text_is_unchanged(pieces: list[str]) -> None:
    text = "".join(pieces)
    assume("##[" not in text and not re.match(r"\s*::", text))
    assert visible(text) == text
    assert visible_lines(text) == text


@given(st.lists(st.sampled_from(["://", "www.", "WwW.", "@", "a", ".", ":", "/", " ", "&"])))
def test_no_autolink_properties(pieces: list[str]) -> None:
    out = no_autolink("".join(pieces))
    assert "://" not in out
    assert "www." not in out.lower()
    assert out.count("@") == out.count("@&#8288;")
    assert no_autolink(out) == out


@pytest.mark.parametrize(
    ("laid_out", "safe"),
    [
        ("L" * 5 + "\n::error file=a::forged\n", "L" * 5 + "\n: :error file=a::forged\n"),
        ("::add-mask::x", ": :add-mask::x"),
        ("a\n \u3000::b\r::c\u2028::d\x85::e", "a\n \u3000: :b\r: :c\u2028: :d\x85: :e"),
        ("a\n  \n::b", "a\n  \n: :b"),
        ("x::y\nhttps://a\n:x:", "x::y\nhttps://a\n:x:"),  # "::" not at a line's start
        ("a ##[group]", "a # #[group]"),
        ("nothing to do\n", "nothing to do\n"),
    ],
)
def test_command_free(laid_out: str, safe: str) -> None:
    assert command_free(laid_out) == safe


@given(st.lists(st.one_of(PIECES, st.sampled_from(["\n", "\r", "::", ":", " "])), max_size=30))
def test_command_free_properties(pieces: list[str]) -> None:
    """Text laid out after escaping: wherever its lines break, none is a command."""
    text = "".join(pieces)
    out = command_free(text)
    assert not any(runner_sees_command(line) for line in runner_lines(out))
    assert not any(runner_sees_command(line) for line in out.splitlines())
    assert command_free(out) == out
    assert out.replace(" ", "") == text.replace(" ", "")  # only spaces added


def test_the_json_ranges_are_what_visible_escapes() -> None:
    """json_safe's character class, written out for speed, agrees with ``visible`` on every
    code point from U+007F to U+FFFF (below, json.dumps escapes the C0 controls itself;
    above, each character the class finds is asked about one by one)."""
    disagree = [
        hex(code)
        for code in range(0x7F, 0x10000)
        if bool(_JSON_SUSPECT.match(chr(code))) != (visible(chr(code)) != chr(code))
        and chr(code) not in "\u200c\u200d"  # joiners: kept only between shown characters
    ]
    assert disagree == []
    astral = [chr(c) for c in (0x1F469, 0x20000, 0xE0041, 0xE0100, 0x1D173, 0x10FFFF, 0xF0000)]
    for char in astral:
        escaped = json_safe(json.dumps(char, ensure_ascii=False)) != json.dumps(
            char, ensure_ascii=False
        )
        assert escaped == (visible(char) != char), hex(ord(char))


@given(st.lists(st.one_of(PIECES, st.sampled_from(["##[", "#", "["])), max_size=24).map("".join))
def test_json_safe_properties(text: str) -> None:
    """The same value decoded; nothing ``visible`` would escape left raw; no "##["."""
    # A lone high surrogate right before a lone low one reads back as one character, as
    # with json.dumps(ensure_ascii=True): JSON cannot write the two apart.
    assume(re.search("[\ud800-\udbff][\udc00-\udfff]", text) is None)
    for data in (text, {text: [text, 1]}):
        out = json_safe(json.dumps(data, indent=2, ensure_ascii=False))
        assert json.loads(out) == data
        assert hidden_left(out, allowed="\n") == []
        assert "##[" not in out
        assert json_safe(out) == out


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("A\u2028::error::x", "A\\u2028::error::x"),
        ("\x85\x9b31m\x9d0;t\x07", "\\u0085\\u009b31m\\u009d0;t\\u0007"),
        ("\u2066\u061c\x7f", "\\u2066\\u061c\\u007f"),
        ("tag \U000e0041", "tag \\udb40\\udc41"),
        ("##[group]", "#\\u0023[group]"),
        ("é 中文 👩\u200d💻", "é 中文 👩\\u200d💻"),
    ],
)
def test_json_safe(raw: str, escaped: str) -> None:
    assert json_safe(json.dumps(raw, ensure_ascii=False)) == f'"{escaped}"'
