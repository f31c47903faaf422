"""Hostile text in every field a user writes reaches no reader as a command.

Generated launch names, owners, notes, titles, department names and waiver reasons full of
escape sequences, workflow commands, line breaks, bidi controls and markup go through every
format; each output is parsed (JSON, XML, CommonMark, HTML) and scanned: no control character
but the line break, no line a CI runner would obey, no HTML from the user. The HTML page is
read with the standard library's HTML5 tokenizer (tests/report/htmlscan.py): no user text
may create an element or an attribute, and no link may lead anywhere but an http(s) address.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from gtm_check.model.problems import GtmCheckError
from gtm_check.model.safetext import visible
from gtm_check.report import RenderOptions
from tests.report.audits import FORMATS, audit_text
from tests.report.htmlscan import check_inert

FRAGMENTS = [
    "\x1b[2J", "\x1b]52;c;ZXZpbA==\x07", "\x1b]8;;http://evil.example\x1b\\", "\x9b31m", "\x07",
    "\x00", "\x7f", "\r", "\n", "\n::error::forged", "::add-mask::x", "##[group]", "::", "##[",
    "\u202e", "\u2066", "\u200f", "\u2028", "\ufeff", "%0A", "%25", "<script>x</script>",
    "<img src=x>", "http://evil.example", "www.evil.example", "a@b.example", "|", "`", "*",
    "[x](javascript:y)", "javascript:alert(1)", "\"><svg onload=x>", "' onmouseover='x",
    "&#27;", "&amp;", "<!--", "]]>", "</title>", "</style>", "</script>", "é", "中文",
    "👩\u200d💻", "  ", "{0}", "{{", "}", "[x](0)", "](",
]  # fmt: skip
hostile = (
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), min_size=1, max_size=6)
    .map("".join)
    .filter(lambda s: s.strip() != "")
)

WORKFLOW_COMMAND = re.compile(r"^\s*::")
OUR_ANNOTATION = re.compile(
    r"^::(error|warning|notice) (file=[^,:]*,line=\d+,col=\d+,)?title=[^:]*::"
)
ALLOWED_CONTROLS = {"\n"}


def controls(text: str) -> set[str]:
    """Characters that could act on a terminal or hide text from a reader."""
    return {
        c
        for c in text
        if c not in ALLOWED_CONTROLS
        and (unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") and c not in "\u200d")
    }


def write_case(folder: Path, texts: list[str]) -> Path:
    name, owner, note, title, department, reason = texts
    checklist = {
        "department": "odd",
        "name": department,
        "items": [
            {"id": "odd.first", "stage": "learn", "title": title, "severity": "blocker"},
            {"id": "odd.second", "stage": "buy", "title": title + "2", "severity": "high"},
        ],
    }
    launch = {
        "launch": name,
        "launch_date": dt.date(2027, 3, 1),
        "owner": owner,
        "checklists": ["./odd.yaml"],
        "items": {
            "odd.first": {"status": "todo", "owner": owner, "note": note, "evidence": note}
        },
        "waivers": [
            {"item": "odd.second", "reason": reason, "approved_by": owner,
             "expires": dt.date(2027, 1, 1)}
        ],
    }  # fmt: skip
    (folder / "odd.yaml").write_text(yaml.safe_dump(checklist, allow_unicode=True), "utf-8")
    path = folder / "launch.yaml"
    path.write_text(yaml.safe_dump(launch, allow_unicode=True), "utf-8")
    return path


def render(path: Path, fmt: str) -> str | None:
    try:
        return audit_text((path,), dt.date(2027, 1, 15), fmt, RenderOptions(width=80))
    except GtmCheckError:
        return None  # YAML refuses some characters outright: the loader's tests cover that


def assert_no_autolink(markdown: str) -> None:
    """Nothing GitHub's autolink extension would turn into a link or a mention."""
    assert re.search(r"://|www\.|@\w", markdown, re.IGNORECASE) is None


def check_lines(output: str, fmt: str) -> None:
    assert controls(output) == set(), fmt
    assert "##[" not in output, fmt
    for line in output.split("\n"):
        if WORKFLOW_COMMAND.match(line):
            assert fmt == "github" and OUR_ANNOTATION.match(line), (fmt, line)


@given(texts=st.lists(hostile, min_size=6, max_size=6))
def test_hostile_text_in_every_field_is_inert_in_every_format(
    tmp_path: Path, texts: list[str]
) -> None:
    path = write_case(tmp_path, texts)
    outputs = {fmt: render(path, fmt) for fmt in FORMATS}
    assume(all(o is not None for o in outputs.values()))
    data = json.loads(outputs["json"] or "")
    # JSON keeps the text exactly as the launch file holds it (YAML itself may turn a
    # character such as U+0085 in a plain scalar into a space on the way in).
    written = yaml.safe_load(yaml.safe_dump(texts[0], allow_unicode=True))
    assert data["launch"]["name"] == written
    ET.fromstring((outputs["junit"] or "").encode("utf-8"))
    tokens = MarkdownIt("commonmark").enable("table").parse(outputs["markdown"] or "")
    raw_html = [t.content for t in tokens if t.type == "html_block"] + [
        c.content for t in tokens for c in (t.children or []) if c.type == "html_inline"
    ]
    assert all(re.fullmatch(r"\s*</?(details|summary)>.*", h, re.S) for h in raw_html), raw_html
    assert_no_autolink(outputs["markdown"] or "")
    check_html(outputs["html"] or "", written)
    check_sarif(outputs["sarif"] or "")
    json.loads(outputs["gitlab"] or "")
    for fmt in LINE_FORMATS:
        check_lines(outputs[fmt] or "", fmt)


def check_html(html: str, name: str) -> None:
    """Only the format's own elements and attributes; the launch's name shown exactly once
    escaped: the title reads as the name itself, neither raw nor escaped twice."""
    page = check_inert(html)
    title = page.texts["title"][0]  # the page's; the charts' own titles follow
    assert title == f"Launch readiness: {visible(' '.join(name.split()))} (tier 1)"


LINE_FORMATS = ("table", "markdown", "junit", "github", "html", "sarif", "gitlab")
"""The formats checked line by line: all but JSON, which keeps the text exactly."""


def check_sarif(output: str) -> None:
    """No user text becomes a SARIF placeholder or an embedded link in any message string."""
    log = json.loads(output)
    texts = [
        message["text"]
        for run in log["runs"]
        for message in [
            *(r["message"] for r in run["results"]),
            *(rule[key] for rule in run["tool"]["driver"]["rules"]
              for key in ("shortDescription", "fullDescription", "help")),
        ]
    ]  # fmt: skip
    for text in texts:
        assert "](" not in text, text
        assert "{" not in text.replace("{{", "") and "}" not in text.replace("}}", ""), text


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_each_hostile_fragment_alone(tmp_path: Path, fragment: str) -> None:
    path = write_case(tmp_path, [f"x{fragment}y"] * 6)
    for fmt in LINE_FORMATS:
        output = render(path, fmt)
        if output is not None:
            check_lines(output, fmt)
            if fmt == "sarif":
                check_sarif(output)
            if fmt == "html":
                check_html(output, f"x{fragment}y")
            if fmt == "markdown":
                assert_no_autolink(output)
