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
from gtm_check.report.registry import OWNERS, PLAN, formats
from gtm_check.report.registry import render as registry_render
from gtm_check.review.owners import owners
from tests.conftest import git_folder
from tests.report.audits import FORMATS, audit_text, plan_text
from tests.report.htmlscan import check_inert

FRAGMENTS = [
    "\x1b[2J", "\x1b]52;c;ZXZpbA==\x07", "\x1b]8;;http://evil.example\x1b\\", "\x9b31m", "\x07",
    "\x00", "\x7f", "\r", "\n", "\n::error::forged", "::add-mask::x", "##[group]", "::", "##[",
    "\u202e", "\u2066", "\u200f", "\u2028", "\ufeff", "%0A", "%25", "<script>x</script>",
    "<img src=x>", "http://evil.example", "www.evil.example", "a@b.example", "|", "`", "*",
    "[x](javascript:y)", "javascript:alert(1)", "\"><svg onload=x>", "' onmouseover='x",
    "&#27;", "&amp;", "<!--", "]]>", "</title>", "</style>", "</script>", "é", "中文",
    "👩\u200d💻", "  ", "{0}", "{{", "}", "[x](0)", "](", "$x^{99}$", "$$", "\\$",
]  # fmt: skip
hostile = (
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), min_size=1, max_size=6)
    .map("".join)
    .filter(lambda s: s.strip() != "")
)

WORKFLOW_COMMAND = re.compile(r"^\s*::")
"""A line the runner runs once it has trimmed it (``\\s`` holds every .NET white space)."""
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


AS_OF = dt.date(2027, 1, 15)


def render(path: Path, fmt: str) -> str | None:
    try:
        return audit_text((path,), AS_OF, fmt, RenderOptions(width=80))
    except GtmCheckError:
        return None  # YAML refuses some characters outright: the loader's tests cover that


def assert_no_autolink(markdown: str) -> None:
    """Nothing GitHub's autolink extension would turn into a link or a mention."""
    assert re.search(r"://|www\.|@\w", markdown, re.IGNORECASE) is None


def assert_no_math(markdown: str) -> None:
    """No ``$`` GitHub would read as a math delimiter: outside the Mermaid chart's code
    block, each one is escaped (an odd run of backslashes before it), so it shows as ``$``."""
    prose = re.sub(r"^```.*?^```", "", markdown, flags=re.DOTALL | re.MULTILINE)
    assert re.search(r"(?<!\\)(?:\\\\)*\$", prose) is None, prose


def check_lines(output: str, fmt: str) -> None:
    assert controls(output) == set(), fmt
    assert "##[" not in output, fmt
    check_line_starts(output, fmt)


def check_line_starts(output: str, fmt: str) -> None:
    """No line a runner would obey, split as the runner splits (``\\n``, ``\\r``) or the
    Unicode way (a log viewer, an editor): only the github format's own annotations."""
    for line in {*re.split(r"\r\n|\r|\n", output), *output.splitlines()}:
        if WORKFLOW_COMMAND.match(line):
            assert fmt == "github" and OUR_ANNOTATION.match(line), (fmt, line)


RAW_HIDDEN = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
"""C1 controls, bidi controls, U+2028/U+2029 and zero-width characters, raw."""


def check_json_text(output: str, fmt: str) -> None:
    """JSON keeps the exact value, but as escapes: nothing raw for a terminal or a log."""
    assert RAW_HIDDEN.search(output.replace("\u200d", "")) is None, fmt
    assert "##[" not in output, fmt
    check_line_starts(output, fmt)


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
    assert_no_math(outputs["markdown"] or "")
    check_html(outputs["html"] or "", written)
    check_sarif(outputs["sarif"] or "")
    json.loads(outputs["gitlab"] or "")
    for fmt in LINE_FORMATS:
        check_lines(outputs[fmt] or "", fmt)
    for fmt in JSON_FORMATS:
        check_json_text(outputs[fmt] or "", fmt)


def check_html(html: str, name: str) -> None:
    """Only the format's own elements and attributes; the launch's name shown exactly once
    escaped: the title reads as the name itself, neither raw nor escaped twice."""
    page = check_inert(html)
    title = page.texts["title"][0]  # the page's; the charts' own titles follow
    assert title == f"Launch readiness: {visible(' '.join(name.split()))} (tier 1)"


LINE_FORMATS = ("table", "markdown", "junit", "github", "html", "sarif", "gitlab")
"""The formats checked line by line: all but JSON, which keeps the text exactly."""
JSON_FORMATS = ("json", "sarif", "gitlab")
"""The formats that are JSON: the exact text, every hidden character as an escape."""


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
                assert_no_math(output)
    json_text = render(path, "json")
    if json_text is not None:
        check_json_text(json_text, "json")
        assert json.loads(json_text)["launch"]["name"] == yaml.safe_load(
            yaml.safe_dump(f"x{fragment}y", allow_unicode=True)
        )


WIDTHS = (40, 60, 80, 100)
BAIT = [
    "w ::error::forged " * 8,  # textwrap and Rich break at the spaces, right before "::"
    "L" + "a" * 38 + "::add-mask::x",  # one long word: broken at the width
    "L" + "a" * 58 + "::error::x",
    "L" + "a" * 78 + "::error::x",
    "L" + "a" * 98 + "::error::x",
    "L" + "a" * 50 + "::error title=F::x",  # "::" at the calendar's 75-octet fold
]
"""User text whose "::" falls where a report breaks a line: at a space, or at the width."""


def wrapped_outputs(path: Path, width: int) -> dict[str, str]:
    """Every view a launch has, at ``width``: the audit's formats, the plan's, the owners'."""
    options = RenderOptions(width=width)
    outputs = {f: audit_text((path,), AS_OF, f, options) for f in FORMATS}
    outputs |= {f"plan {f}": plan_text(path, AS_OF, f, options) for f in formats(PLAN)}
    result = owners(path, AS_OF)
    outputs |= {f"owners {f}": registry_render(OWNERS, f, result, options) for f in formats(OWNERS)}
    return outputs


@pytest.mark.parametrize("width", WIDTHS)
def test_no_line_break_starts_a_workflow_command(tmp_path: Path, width: int) -> None:
    """/work/hostile/repro-1.sh and repro-2.sh: wrapping (tables, plan, owners) and folding
    (calendar) after escaping must not start a line with user text's "::"."""
    for bait in BAIT:
        path = write_case(tmp_path, [bait] * 6)
        for fmt, output in wrapped_outputs(path, width).items():
            check_line_starts(output, fmt.split()[-1])


def test_gitlab_and_sarif_name_a_launch_file_by_its_name_not_as_shown(tmp_path: Path) -> None:
    # The launch file's path in GitLab's report and SARIF's run properties was the text a
    # terminal shows ("a\\nb.yaml", two characters for the line break): no such file, so
    # GitLab could not place the findings. JSON keeps the exact value.
    from typer.testing import CliRunner

    from gtm_check.cli.commands import app

    git_folder(tmp_path)
    launch = tmp_path / "a\nb.yaml"
    launch.write_text("launch: L\nlaunch_date: 2027-03-01\nchecklists: [legal]\n")
    args = ["audit", str(launch), "--as-of", "2027-01-15", "-f"]
    gitlab = json.loads(CliRunner().invoke(app, [*args, "gitlab"]).stdout)
    assert {Path(issue["location"]["path"]).name for issue in gitlab} == {"a\nb.yaml"}
    sarif = json.loads(CliRunner().invoke(app, [*args, "sarif"]).stdout)
    assert Path(sarif["runs"][0]["properties"]["launches"][0]["file"]).name == "a\nb.yaml"
