"""Machine formats parse back to what the report says, even with hostile user text."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from gtm_check.pipeline import AuditRequest, audit
from gtm_check.report import Format
from gtm_check.report.github import escape_data
from tests.conftest import EXAMPLES, WriteFile

AS_OF = dt.date(2027, 1, 15)
HOSTILE_TITLES = [
    "Pipes | in | the | title",
    "<script>alert('x')</script> & <b>bold</b> &amp; entity",
    "Back`ticks` and ``double`` ticks",
    "Line one\nline two",
    "*Emphasis* _under_ [link](http://x) ~~strike~~ \\ backslash",
    "# not a heading - not a list 1. not a number",
]


@pytest.fixture
def hostile(write: WriteFile) -> Path:
    items = "\n".join(
        f"  - id: odd.item-{i}\n    stage: {['learn', 'buy', 'use', 'grow'][i % 4]}\n"
        f"    title: {json.dumps(title)}\n    severity: high\n"
        f"    question: {json.dumps(title + '?')}\n    guidance: {json.dumps(title)}"
        for i, title in enumerate(HOSTILE_TITLES)
    )
    write("odd.yaml", f"department: odd\nname: 'Odd | Dept <i>'\nitems:\n{items}\n")
    return write(
        "launch.yaml",
        """\
        launch: "Launch | <script>x</script> `y`"
        launch_date: 2027-03-01
        checklists: [./odd.yaml]
        items:
          odd.item-0: {status: todo, owner: "a|b@example.com", due: 2027-01-10}
          odd.item-1: {status: in-progress, owner: "<img src=x onerror=alert(1)>"}
          odd.item-2: done
        waivers:
          - item: odd.item-3
            reason: "Because | reasons\\nand <more>"
            approved_by: "vp|x"
            expires: 2027-06-01
        """,
    )


def render(path: Path, fmt: str) -> str:
    return audit(AuditRequest((path,), AS_OF, Format(fmt))).output


def report_json(path: Path) -> dict[str, Any]:
    return json.loads(render(path, "json"))  # type: ignore[no-any-return]


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table as rows of cell texts, as markdown-it-py parses them."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    found: list[list[list[str]]] = []
    row: list[str] | None = None
    for token in tokens:
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            found[-1].append(row)
            row = None
        elif token.type == "inline" and row is not None:
            row.append("".join(child.content for child in token.children or []))
    return found


def flat(text: str) -> str:
    return " ".join(text.split())


def test_markdown_tables_match_the_report(hostile: Path) -> None:
    markdown = render(hostile, "markdown")
    data = report_json(hostile)
    parsed = tables(markdown)
    stage_table = parsed[0]
    assert stage_table[0] == ["Stage", "Score", "Verdict", "Open", "Blockers", "Overdue"]
    for row, stage in zip(stage_table[1:], data["stages"], strict=True):
        assert row[0].startswith(stage["name"])
        assert row[1] == ("—" if stage["score"] is None else f"{stage['score']:.1f}")
        assert row[3:] == [str(stage["open"]), str(stage["open_blockers"]), str(stage["overdue"])]
    departments = parsed[1]
    assert [r[0] for r in departments[1:]] == ["Odd | Dept <i>"]
    gap_rows = [r for t in parsed[2:] for r in t[1:] if len(r) == 7]
    assert [r[0] for r in gap_rows] == [g["id"] for g in data["gaps"]]
    for row, gap in zip(gap_rows, data["gaps"], strict=True):
        assert row[1] == flat(gap["title"])
        # A word joiner after "@" keeps GitHub from linking an address; nothing else changes.
        assert row[4] == (gap["owner"] or "—").replace("@", "@\u2060")
    waivers = parsed[-1]
    assert waivers[1][2] == "Because | reasons and <more>"
    assert waivers[1][3] == "vp|x"


def test_markdown_injects_no_html(hostile: Path) -> None:
    markdown = render(hostile, "markdown")
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    allowed = {"details", "summary"}
    raw = re.findall(r"^<(/?)(\w+)", markdown, flags=re.MULTILINE)
    assert {tag for _, tag in raw} <= allowed


def test_markdown_has_the_sections_people_read() -> None:
    markdown = render(EXAMPLES / "launch.yaml", "markdown")
    for heading in (
        "# Launch readiness: Acme Insights 2.0",
        "## Stages",
        "```mermaid",
        "## Departments by stage",
        "## This week",
        "## Open items (67)",
        "### Blocker (1)",
        "<details>",
        "## Waivers",
    ):
        assert heading in markdown, heading
    assert "expired: credits nothing" in markdown and "| active |" in markdown


def test_junit_parses_and_counts_match_json() -> None:
    for example in sorted(EXAMPLES.glob("*.yaml")):
        root = ET.fromstring(render(example, "junit"))
        data = report_json(example)
        overall = data["overall"]
        assert int(root.get("tests", -1)) == overall["applicable"]
        assert int(root.get("failures", -1)) == overall["open"]
        skipped = int(root.get("skipped", -1))
        assert overall["applicable"] == overall["open"] + skipped + sum(
            1 for case in root.iter("testcase") if len(case) == 0
        )
        suites = root.findall("testsuite")
        assert [s.get("name", "").split(":")[0] for s in suites] == ["learn", "buy", "use", "grow"]
        for suite, stage in zip(suites, data["stages"], strict=True):
            assert int(suite.get("failures", -1)) == stage["open"]
            assert len(suite.findall("testcase")) == int(suite.get("tests", -1))


def test_junit_waived_items_are_skipped_with_the_reason() -> None:
    root = ET.fromstring(render(EXAMPLES / "launch.yaml", "junit"))
    case = next(
        c for c in root.iter("testcase") if c.get("name", "").startswith("marketing.press-")
    )
    skipped = case.find("skipped")
    assert skipped is not None
    assert "spring customer event" in skipped.get("message", "")
    names = [c.get("name", "") for c in root.iter("testcase")]
    assert not any(n.startswith("services.data-migration") for n in names)  # n/a is absent


def test_junit_survives_hostile_text(hostile: Path) -> None:
    root = ET.fromstring(render(hostile, "junit"))
    names = sorted(c.get("name", "") for c in root.iter("testcase"))
    assert names[0] == f"odd.item-0: {HOSTILE_TITLES[0]}"


COMMAND = re.compile(
    r"^::(error|warning) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"title=(?P<title>[^:,]+)::(?P<message>.+)$"
)


def test_github_lines_follow_the_workflow_command_syntax() -> None:
    example = EXAMPLES / "launch.yaml"
    lines = render(example, "github").splitlines()
    data = report_json(example)
    annotations, summary = lines[:-1], lines[-1]
    assert len(annotations) == len(data["gaps"])
    for line, gap in zip(annotations, data["gaps"], strict=True):
        match = COMMAND.match(line)
        assert match, line
        assert match["file"] == str(example)
        assert (match[1] == "error") == (gap["severity"] == "blocker")
        assert gap["id"] in match["title"]
    assert summary.startswith("gtm-check: Acme Insights 2.0 (tier 1): gate failed")


def test_github_points_at_the_line_that_sets_the_item() -> None:
    example = EXAMPLES / "launch.yaml"
    source = example.read_text(encoding="utf-8").splitlines()
    for line in render(example, "github").splitlines()[:-1]:
        match = COMMAND.match(line)
        assert match
        item_id = match["title"].split(": ")[-1].split("%3A ")[-1]
        written = source[int(match["line"]) - 1]
        assert written.lstrip().startswith(f"{item_id}:"), (item_id, written)


def test_github_points_builtin_items_not_mentioned_at_the_checklists_entry(
    write: WriteFile,
) -> None:
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-03-01\nchecklists: [legal]\n")
    first = render(path, "github").splitlines()[0]
    match = COMMAND.match(first)
    assert match and (match["line"], match["col"]) == ("3", "14")


def test_github_points_team_items_at_their_checklist(hostile: Path) -> None:
    lines = render(hostile, "github").splitlines()
    unmentioned = next(line for line in lines if "odd.item-4" in line)
    match = COMMAND.match(unmentioned)
    assert match and match["file"].endswith("odd.yaml")
    checklist = (hostile.parent / "odd.yaml").read_text(encoding="utf-8").splitlines()
    assert "odd.item-4" in checklist[int(match["line"]) - 1]


def test_github_escapes_newlines_and_percent(hostile: Path) -> None:
    for line in render(hostile, "github").splitlines():
        assert "\r" not in line
    assert escape_data("50% done\nnext") == "50%25 done%0Anext"
