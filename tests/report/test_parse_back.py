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

from gtm_check.report.github import escape_data
from tests.conftest import EXAMPLES, WriteFile
from tests.report.audits import audit_text

AS_OF = dt.date(2027, 1, 15)
HOSTILE_TITLES = [
    "Pipes | in | the | title",
    "<script>alert('x')</script> & <b>bold</b> &amp; entity",
    "Back`ticks` and ``double`` ticks",
    "Line one\nline two",
    "*Emphasis* _under_ [link](http://x) ~~strike~~ \\ backslash",
    "# not a heading - not a list 1. not a number",
    "Math $x^{99}$ and $$\\sqrt{2}$$ inline",
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
    return audit_text((path,), AS_OF, fmt)


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


def test_markdown_shows_dollar_signs_as_written_never_as_math(write: WriteFile) -> None:
    # "$" opens math on GitHub: escaped, the name reads as written, nothing is typeset.
    launch = write(
        "launch.yaml", "launch: 'Release $x^{99}$ and $$\\sqrt{2}$$'\nlaunch_date: 2027-03-01\n"
    )
    markdown = render(launch, "markdown")
    first = markdown.splitlines()[0]
    assert first.endswith("Release \\$x^{99}\\$ and \\$\\$\\\\sqrt{2}\\$\\$ (tier 1)"), first
    shown = MarkdownIt("commonmark").renderInline(first)
    assert shown.endswith("Release $x^{99}$ and $$\\sqrt{2}$$ (tier 1)"), shown


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
    failures = sum(int(s.get("failures", -1)) for s in root.iter("testsuite"))
    assert (failures > 0) == (not gate["passed"])
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
    assert list(case) == []  # passed: no failure, no skip
    learn = root.findall("testsuite")[1]
    out = learn.findtext("system-out") or ""
    assert "marketing.press-and-analysts: waived until 2027-04-30" in out
    assert "spring customer event" in out
    names = [c.get("name", "") for c in root.iter("testcase")]
    assert not any(n.startswith("services.data-migration") for n in names)  # n/a is absent


def test_junit_survives_hostile_text(hostile: Path) -> None:
    root = ET.fromstring(render(hostile, "junit"))
    names = sorted(
        c.get("name", "") for c in root.iter("testcase") if c.get("name", "").startswith("odd.")
    )
    assert names[0] == f"odd.item-0: {HOSTILE_TITLES[0]}"


COMMANDS = ("error", "warning", "notice")
COMMAND = re.compile(
    r"^::(error|warning|notice) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"title=(?P<title>[^:,]+)::(?P<message>.+)$"
)


def kinds(lines: list[str]) -> dict[str, list[str]]:
    """The annotations by command: error, warning, notice."""
    return {k: [line for line in lines if line.startswith(f"::{k} ")] for k in COMMANDS}


def test_github_lines_follow_the_workflow_command_syntax() -> None:
    example = EXAMPLES / "launch.yaml"
    lines = render(example, "github").splitlines()
    data = report_json(example)
    annotations = [line for line in lines if COMMAND.match(line)]
    by_kind = kinds(lines)
    # Why the gate failed comes first, then the items that fail it alone (the open blockers).
    assert by_kind["error"][0] == (
        "::error title=gtm-check%3A gate failed::buy: blocked by 2 open blockers; "
        "use: score 78.6 is below 80 [Acme Insights 2.0 (tier 1)]"
    )
    assert len(by_kind["error"]) == 3 and "legal.channel-contracts" in by_kind["error"][1]
    assert "finance-operations.order-to-cash" in by_kind["error"][2]
    # Then the other open items of gated stages, most urgent first, in every free slot.
    ids = [COMMAND.match(a)["title"].split("%3A ")[-1] for a in annotations]  # type: ignore[index]
    gated = [g["id"] for g in data["gaps"] if g["stage"] in data["gate"]["stages"]]
    assert ids == gated[: len(ids)] and len(ids) < len(gated)  # grow's items find no slot
    assert [len(by_kind[k]) for k in COMMANDS] == [3, 10, 10]
    hidden = len(data["gaps"]) - len(annotations)
    notice = by_kind["notice"][-1]
    assert notice == (
        f"::notice title=gtm-check::{hidden} open items not annotated here: GitHub shows at most "
        "10 warning and 10 notice annotations per step, and more urgent ones fill them. The job "
        "summary lists them, up to GitHub's 1 MiB for a summary; gtm-check audit --format "
        "markdown lists every one."
    )
    for line in annotations:
        assert COMMAND.match(line)["file"] == str(example)  # type: ignore[index]
    assert lines[-1].startswith("gtm-check: Acme Insights 2.0 (tier 1): gate failed")
    assert len(lines) == sum(map(len, by_kind.values())) + 1


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_github_says_why_a_gate_failed_and_leaves_out_only_what_finds_no_slot(
    example: Path,
) -> None:
    lines = render(example, "github").splitlines()
    data = report_json(example)
    by_kind = kinds(lines)
    assert all(len(found) <= 10 for found in by_kind.values())
    gate_errors = [e for e in by_kind["error"] if "title=gtm-check%3A gate failed::" in e]
    assert len(gate_errors) == (0 if data["gate"]["passed"] else 1)
    for failure in data["gate"]["failures"]:
        assert failure in "".join(gate_errors)
    items = [line for line in lines if COMMAND.match(line)]
    left_out = [n for n in by_kind["notice"] if "not annotated here" in n]
    if len(items) < len(data["gaps"]):
        (notice,) = left_out
        assert notice.startswith(f"::notice title=gtm-check::{len(data['gaps']) - len(items)} ")
        assert len(by_kind["notice"]) == 10  # left out only once the mildest slots are full
    else:
        assert left_out == []


def test_github_a_gate_failed_on_a_score_alone_is_an_error() -> None:
    # The thermostat fails on buy's score; no item fails its gate alone.
    errors = kinds(render(EXAMPLES / "device.yaml", "github").splitlines())["error"]
    assert errors == [
        "::error title=gtm-check%3A gate failed::buy: score 78.6 is below 80 "
        "[Acme Thermostat Pro (tier 1)]"
    ]


def test_github_a_policy_breach_is_an_error(write: WriteFile) -> None:
    write(".gtm-check.yaml", "policy:\n  min_score: 90\n")
    write("team.yaml", "department: team\nname: Team\nitems:\n"
          "  - {id: team.a, stage: learn, title: A, severity: low}\n")  # fmt: skip
    path = write(
        "launch.yaml",
        "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
        "gate: {stages: [learn], min_score: 50}\nitems:\n  team.a: done\n",
    )
    (error,) = kinds(render(path, "github").splitlines())["error"]
    assert error.startswith("::error title=gtm-check%3A gate failed::policy") and "90" in error


def test_github_annotates_every_item_while_any_slot_is_free(write: WriteFile) -> None:
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
    by_kind = kinds(lines)
    ids = {k: [COMMAND.match(a)["title"].split("%3A ")[-1] for a in v if COMMAND.match(a)]  # type: ignore[index]
           for k, v in by_kind.items()}  # fmt: skip
    # The gate's reason takes the first error slot; the blockers fill the rest, then the
    # warning and notice slots rather than being left out.
    assert "gate failed" in by_kind["error"][0]
    assert ids == {
        "error": [f"many.b{i:02}" for i in range(9)],
        "warning": [f"many.b{i:02}" for i in range(9, 19)],
        "notice": [f"many.b{i:02}" for i in range(19, 25)],
    }
    assert not any("not annotated" in line for line in lines)


def test_github_a_portfolio_of_failed_gates_uses_milder_slots(write: WriteFile) -> None:
    write("team.yaml", "department: team\nname: Team\nitems:\n"
          "  - {id: team.a, stage: learn, title: A, severity: low}\n")  # fmt: skip
    head = "launch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
    paths = [write(f"l{i:02}.yaml", f"launch: L{i:02}\n{head}") for i in range(12)]
    out = audit_text(paths, AS_OF, "github")
    by_kind = kinds(out.splitlines())
    gate = [line for k in COMMANDS for line in by_kind[k] if "gate failed" in line]
    assert len(gate) == 12 and len(by_kind["error"]) == 10
    assert all(line.startswith("::warning ") for line in gate[10:])


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
    first = next(line for line in render(path, "github").splitlines() if COMMAND.match(line))
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
