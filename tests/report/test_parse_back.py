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
        "## Open items (55)",
        "### Blocker (2)",
        "<details>",
        "## Waivers",
    ):
        assert heading in markdown, heading
    assert "expired: credits nothing" in markdown and "| active |" in markdown


def test_junit_parses_and_counts_match_json() -> None:
    for example in sorted(EXAMPLES.glob("*.yaml")):
        root = ET.fromstring(render(example, "junit"))
        data = report_json(example)
        overall, gate = data["overall"], data["gate"]
        suites = [s for s in root.findall("testsuite") if s.get("name") != "warnings"]
        assert [s.get("name", "").split(":")[0] for s in suites] == [
            "gate", "learn", "buy", "use", "grow"
        ]  # fmt: skip
        gate_suite, stage_suites = suites[0], suites[1:]
        assert int(gate_suite.get("tests", -1)) == len(gate["stages"])
        item_cases = [c for s in stage_suites for c in s.iter("testcase")]
        assert len(item_cases) == overall["applicable"]
        open_cases = [c for c in item_cases if len(c.findall("failure") + c.findall("skipped"))]
        assert len(open_cases) == overall["open"]
        for suite in suites:
            assert len(suite.findall("testcase")) == int(suite.get("tests", -1))


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_junit_fails_exactly_when_the_gate_fails(example: Path) -> None:
    root = ET.fromstring(render(example, "junit"))
    gate = report_json(example)["gate"]
    assert (int(root.get("failures", -1)) > 0) == (not gate["passed"])
    failed_stages = [
        c.get("name", "").split(":")[0]
        for c in root.find("testsuite").iter("testcase")  # type: ignore[union-attr]
        if c.find("failure") is not None
    ]
    assert failed_stages == [f.split(":")[0] for f in gate["failures"]]


def test_junit_open_items_that_do_not_fail_the_gate_are_skipped_with_why() -> None:
    # The thermostat's gate fails on scores only: no item alone fails it.
    root = ET.fromstring(render(EXAMPLES / "device.yaml", "junit"))
    item_failures = [
        c
        for s in root.findall("testsuite")[1:]
        for c in s.iter("testcase")
        if c.find("failure") is not None
    ]
    assert item_failures == []
    grow = next(s for s in root.findall("testsuite") if s.get("name", "").startswith("grow"))
    skipped = [c.find("skipped") for c in grow.iter("testcase")]
    messages = [s.get("message", "") for s in skipped if s is not None]
    assert messages and all(m.startswith("open, not gated: ") for m in messages)


def test_junit_waived_items_pass_and_say_so() -> None:
    root = ET.fromstring(render(EXAMPLES / "launch.yaml", "junit"))
    case = next(
        c for c in root.iter("testcase") if c.get("name", "").startswith("marketing.press-")
    )
    assert case.find("failure") is None and case.find("skipped") is None
    out = case.find("system-out")
    assert out is not None and "spring customer event" in (out.text or "")
    names = [c.get("name", "") for c in root.iter("testcase")]
    assert not any(n.startswith("services.data-migration") for n in names)  # n/a is absent


def test_junit_survives_hostile_text(hostile: Path) -> None:
    root = ET.fromstring(render(hostile, "junit"))
    names = sorted(
        c.get("name", "") for c in root.iter("testcase") if c.get("name", "").startswith("odd.")
    )
    assert names[0] == f"odd.item-0: {HOSTILE_TITLES[0]}"


COMMAND = re.compile(
    r"^::(error|warning) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"title=(?P<title>[^:,]+)::(?P<message>.+)$"
)


def test_github_lines_follow_the_workflow_command_syntax() -> None:
    example = EXAMPLES / "launch.yaml"
    lines = render(example, "github").splitlines()
    data = report_json(example)
    annotations = [line for line in lines if COMMAND.match(line)]
    # One error per item that fails the gate alone (the two open blockers in buy), a warning
    # for each overdue high item in a gated stage; one notice for the rest; then the summary.
    errors = [line for line in annotations if line.startswith("::error")]
    assert len(errors) == 2 and "legal.channel-contracts" in errors[0]
    assert "finance-operations.order-to-cash" in errors[1]
    overdue_high = [
        g for g in data["gaps"]
        if g["severity"] == "high" and g["overdue_days"] and g["stage"] in data["gate"]["stages"]
    ]  # fmt: skip
    warnings = [line for line in annotations if line.startswith("::warning")]
    assert [COMMAND.match(w)["title"].split("%3A ")[-1] for w in warnings] == [  # type: ignore[index]
        g["id"] for g in overdue_high
    ]
    hidden = len(data["gaps"]) - len(annotations)
    (notice,) = [line for line in lines if line.startswith("::notice")]
    assert notice == (
        f"::notice title=gtm-check::{hidden} open items not annotated here: GitHub shows at most "
        "10 errors and 10 warnings per step. The job summary lists every one (or run gtm-check "
        "audit --format markdown)."
    )
    for line in annotations:
        assert COMMAND.match(line)["file"] == str(example)  # type: ignore[index]
    assert lines[-1].startswith("gtm-check: Acme Insights 2.0 (tier 1): gate failed")
    cautions = [line for line in lines if line.startswith("::warning title=gtm-check warning")]
    assert len(lines) == len(annotations) + len(cautions) + 2


def test_github_annotates_at_most_ten_errors_per_step(write: WriteFile) -> None:
    items = "".join(
        f"  - {{id: many.b{i:02}, stage: learn, title: B{i}, severity: blocker}}\n"
        for i in range(25)
    )
    write("many.yaml", "department: many\nname: Many\nitems:\n" + items)
    path = write(
        "launch.yaml",
        "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./many.yaml]\ngate: {stages: [learn]}\n",
    )
    lines = render(path, "github").splitlines()
    errors = [line for line in lines if line.startswith("::error")]
    assert [COMMAND.match(e)["title"].split("%3A ")[-1] for e in errors] == [  # type: ignore[index]
        f"many.b{i:02}" for i in range(10)
    ]
    assert lines[10].startswith("::notice title=gtm-check::15 open items not annotated here")


def test_github_points_at_the_line_that_sets_the_item() -> None:
    example = EXAMPLES / "launch.yaml"
    source = example.read_text(encoding="utf-8").splitlines()
    annotations = [m for m in map(COMMAND.match, render(example, "github").splitlines()) if m]
    assert annotations
    for match in annotations:
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


def test_github_points_team_items_at_their_checklist(write: WriteFile) -> None:
    write(
        "team.yaml",
        "department: team\nname: Team\nitems:\n"
        "  - {id: team.first, stage: learn, title: F, severity: low}\n"
        "  - {id: team.gate, stage: learn, title: G, severity: blocker}\n",
    )
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n")
    lines = render(path, "github").splitlines()
    unmentioned = next(line for line in lines if "team.gate" in line)
    match = COMMAND.match(unmentioned)
    assert match and match["file"].endswith("team.yaml")
    checklist = (path.parent / "team.yaml").read_text(encoding="utf-8").splitlines()
    assert "team.gate" in checklist[int(match["line"]) - 1]


def test_github_escapes_newlines_and_percent(hostile: Path) -> None:
    for line in render(hostile, "github").splitlines():
        assert "\r" not in line
    assert escape_data("50% done\nnext") == "50%25 done%0Anext"
