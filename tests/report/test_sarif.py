"""The SARIF output is what GitHub code scanning and other SARIF viewers take: valid against
the official SARIF 2.1.0 schema (tests/data/sarif), accepted by Microsoft's SARIF multitool
with GitHub's rules where it is installed, every reason the gate fails a result on the line
that decides it, and fingerprints that stay the same from run to run."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gtm_check import __version__
from gtm_check.model.inputs import ITEM_ID_PATTERN
from gtm_check.model.vocabulary import WARNINGS
from gtm_check.report import findings, sarif
from tests.conftest import EXAMPLES, ROOT, WriteFile
from tests.nodejs import modules, run_script
from tests.report.audits import audit_text

SCHEMA = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"
AS_OF = dt.date(2027, 1, 15)
LAUNCHES = sorted(EXAMPLES.glob("*.yaml"))
MULTITOOL = "@microsoft/sarif-multitool"

# RFC 3986: a URI reference holds only these characters, "%" only before two hex digits.
URI_CHARACTERS = re.compile(r"^([A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-F]{2})*$")


@cache
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def log_of(*paths: Path, as_of: dt.date = AS_OF) -> dict[str, Any]:
    data = json.loads(audit_text(paths, as_of, "sarif"))
    assert isinstance(data, dict)
    return data


def violations(log: dict[str, Any]) -> list[str]:
    found = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(log)]
    return found + [f"not a URI reference: {uri}" for uri in uris(log) if not _uri(uri)]


def uris(log: dict[str, Any]) -> Iterator[str]:
    for run in log["runs"]:
        for result in run["results"]:
            for location in result.get("locations", []):
                yield location["physicalLocation"]["artifactLocation"]["uri"]


def _uri(uri: str) -> bool:
    if not URI_CHARACTERS.match(uri):
        return False
    first = uri.split("/", 1)[0]
    return uri.startswith("file:///") or ":" not in first  # a relative one has no scheme


def results(log: dict[str, Any]) -> list[dict[str, Any]]:
    (run,) = log["runs"]
    found = run["results"]
    assert isinstance(found, list)
    return found


def rules(log: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (run,) = log["runs"]
    return {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}


def where(result: dict[str, Any]) -> tuple[str, int]:
    location = result["locations"][0]["physicalLocation"]
    return location["artifactLocation"]["uri"], location["region"]["startLine"]


@pytest.mark.parametrize(
    "launches", [[p] for p in LAUNCHES] + [LAUNCHES], ids=[p.stem for p in LAUNCHES] + ["all"]
)
def test_every_example_is_valid_sarif(launches: list[Path]) -> None:
    log = log_of(*launches)
    assert violations(log) == []
    assert len(log["runs"]) == 1  # a portfolio too: upload-sarif refuses two runs of a tool


def test_the_schema_copy_catches_what_github_refuses() -> None:
    log = log_of(EXAMPLES / "launch.yaml")
    results(log)[0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    results(log)[1]["locations"][0]["physicalLocation"]["region"] = {"startColumn": 3}
    assert len(violations(log)) == 3


def test_each_open_item_has_a_rule_and_a_result_at_its_line(write: WriteFile) -> None:
    write("team.yaml", TEAM)
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
                 "items:\n  team.low: in-progress\n")  # fmt: skip
    log = log_of(path)
    found = {r["ruleId"]: r for r in results(log) if r["properties"]["kind"] == "item"}
    assert set(found) == {"team.block", "team.high", "team.medium", "team.low"}
    assert {k: r["level"] for k, r in found.items()} == {
        "team.block": "error", "team.high": "error", "team.medium": "warning", "team.low": "note"
    }  # fmt: skip
    assert where(found["team.low"]) == (path.as_uri(), 5)  # its entry in the launch file
    assert where(found["team.block"]) == (path.with_name("team.yaml").as_uri(), 4)  # checklist
    rule = rules(log)["team.high"]
    assert rule["name"] == "TeamHigh"
    assert rule["shortDescription"]["text"] == "High one"
    assert rule["fullDescription"]["text"] == "Is it done?"
    assert rule["help"]["text"] == "Question: Is it done?\n\nGuidance: Do it.\n\nWhy: It broke."
    assert rule["defaultConfiguration"]["level"] == "error"
    assert found["team.block"]["properties"]["failsGate"] is True
    assert found["team.high"]["properties"]["failsGate"] is False


TEAM = """\
department: team
name: Team
items:
  - {id: team.block, stage: learn, title: Blocker one, severity: blocker}
  - {id: team.high, stage: learn, title: High one, severity: high, question: Is it done?,
     guidance: Do it., why: It broke.}
  - {id: team.medium, stage: buy, title: Medium one, severity: medium}
  - {id: team.low, stage: use, title: Low one, severity: low}
"""


def test_every_reason_the_gate_fails_is_an_error_at_the_line_that_decides_it(
    write: WriteFile,
) -> None:
    write("team.yaml", TEAM)
    write(".gtm-check.yaml", "policy:\n  min_score: 90\n")
    path = write(
        "launch.yaml",
        "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
        "gate:\n  stages: [learn, buy]\n  min_score: 50\n"
        "milestones:\n  - {name: beta, date: 2027-01-01, stages: [buy], min_score: 70}\n"
        "items:\n  team.high: done\n",
    )
    log = log_of(path)
    gate = [r for r in results(log) if r["properties"]["kind"] == "gate"]
    (launch,) = log["runs"][0]["properties"]["launches"]
    assert len(launch["failures"]) == 4 and not launch["passed"]
    assert {r["level"] for r in gate} == {"error"}
    found = [(r["ruleId"], r["message"]["text"], where(r)[1]) for r in gate]
    assert found == [
        (  # the failed stages, both at gate: (a failed score is a reason too)
            "gate",
            "Gate failed: learn: blocked by 1 open blocker; buy: score 0.0 is below 50. The "
            "gate of L (tier 1): learn, buy each need 50+ and no open blocker.",
            4,
        ),
        ("milestone", "Milestone missed: beta missed by 14 days: buy 0.0 < 70. L (tier 1).", 8),
        (  # the value below the policy
            "policy",
            "Below the policy: the gate's min_score 50 is below the policy's 90. L (tier 1).",
            6,
        ),
    ]
    assert results(log)[: len(gate)] == gate  # the reasons come first


def test_findings_of_one_rule_on_one_line_are_one_result_listing_each(
    write: WriteFile,
) -> None:
    # GitHub tells alerts apart by rule, file and line: two on one line would hide one.
    write("team.yaml", TEAM)
    text = (
        "launch: {name}\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
        "milestones: [{{name: alpha, date: 2027-01-01, stages: [learn], min_score: 10}},"
        " {{name: beta, date: 2027-01-02, stages: [learn], min_score: 10}}]\n"
    )
    first = write("a.yaml", text.format(name="A"))
    second = write("b.yaml", text.format(name="B"))
    log = log_of(first, second)
    milestones = [r for r in results(log) if r["ruleId"] == "milestone"]
    assert [r["properties"]["findings"] for r in milestones] == [2, 2]  # one per file
    assert "alpha missed" in milestones[0]["message"]["text"]
    assert "beta missed" in milestones[0]["message"]["text"]
    (shared,) = [r for r in results(log) if r["ruleId"] == "team.medium"]  # in team.yaml
    assert shared["properties"]["findings"] == 2
    tail = "; A (tier 1). Medium one. Open medium item in buy: todo, owner none, no due date;"
    assert shared["message"]["text"].endswith(tail + " B (tier 1).")
    gitlab = json.loads(audit_text([first, second], AS_OF, "gitlab"))
    # GitLab tells findings apart by fingerprint: there, each is an object of its own.
    assert len(gitlab) == sum(r["properties"].get("findings", 1) for r in results(log))
    assert violations(log) == []


def test_a_launch_with_the_default_gate_points_at_its_launch_line(write: WriteFile) -> None:
    write("team.yaml", TEAM)
    path = write("launch.yaml", "# readiness\nlaunch: L\nlaunch_date: 2027-03-01\n"
                 "checklists: [./team.yaml]\n")  # fmt: skip
    (first, *_) = results(log_of(path))
    assert first["ruleId"] == "gate" and where(first) == (path.as_uri(), 2)


def test_a_passing_gate_has_no_error_about_it() -> None:
    log = log_of(EXAMPLES / "enterprise-rollout.yaml")
    assert log["runs"][0]["properties"]["passed"] is True
    assert [r for r in results(log) if r["properties"]["kind"] == "gate"] == []


def test_the_run_holds_each_launchs_verdict_and_stage_scores() -> None:
    log = log_of(*LAUNCHES)
    properties = log["runs"][0]["properties"]
    assert properties["passed"] is False
    # In the portfolio's order, as every format lists it: by launch date, then name.
    portfolio = json.loads(audit_text(LAUNCHES, AS_OF, "json"))["launches"]
    assert [launch["name"] for launch in properties["launches"]] == [
        launch["launch"]["name"] for launch in portfolio
    ]
    assert sorted(launch["file"] for launch in properties["launches"]) == sorted(map(str, LAUNCHES))
    report = json.loads(audit_text([EXAMPLES / "launch.yaml"], AS_OF, "json"))
    (mine,) = [x for x in properties["launches"] if x["name"] == "Acme Insights 2.0"]
    assert mine["failures"] == report["gate"]["failures"]
    assert {k: v["score"] for k, v in mine["stages"].items()} == {
        s["key"]: s["score"] for s in report["stages"]
    }


def test_the_tool_names_itself_and_no_address_that_does_not_exist() -> None:
    driver = log_of(EXAMPLES / "feature.yaml")["runs"][0]["tool"]["driver"]
    assert driver["name"] == "gtm-check"
    assert driver["version"] == driver["semanticVersion"] == __version__
    # gtm-check has no public address yet: no informationUri rather than a made-up one.
    assert "informationUri" not in driver
    tool = {k: v for k, v in driver.items() if k != "rules"}
    assert not re.search(r"OWNER|REF\b|example|https?:", json.dumps(tool)), tool


def test_paths_are_relative_to_the_source_root_or_file_uris(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = write("my launches/team.yaml", TEAM)
    write("my launches/é.yaml", "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n")
    monkeypatch.chdir(team.parent.parent)  # where CI runs: the repository's root
    relative = log_of(Path("my launches") / "é.yaml")
    assert set(uris(relative)) == {"my%20launches/%C3%A9.yaml", "my%20launches/team.yaml"}
    locations = [r["locations"][0]["physicalLocation"] for r in results(relative)]
    assert {loc["artifactLocation"]["uriBaseId"] for loc in locations} == {"%SRCROOT%"}
    dotted = log_of(Path(".") / "my launches" / "." / "é.yaml")
    assert uris(dotted) and list(uris(dotted)) == list(uris(relative))
    absolute = log_of(team.parent.resolve() / "é.yaml")
    assert {u.split("/")[-1] for u in uris(absolute)} == {"%C3%A9.yaml", "team.yaml"}
    assert all(u.startswith("file:///") for u in uris(absolute))
    assert violations(relative) == violations(absolute) == []


def fingerprints(log: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (r["ruleId"], r["message"]["text"].split(":")[0]): r["partialFingerprints"][
            "gtmCheckFinding/v1"
        ]
        for r in results(log)
    }


def test_fingerprints_are_unique_and_survive_edits_that_keep_the_finding(
    write: WriteFile,
) -> None:
    write("team.yaml", TEAM)
    text = ("launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
            "items:\n  team.low: in-progress\n  team.high: todo\n")  # fmt: skip
    path = write("launch.yaml", text)
    before = log_of(path)
    prints = [r["partialFingerprints"]["gtmCheckFinding/v1"] for r in results(before)]
    assert len(set(prints)) == len(prints) and all(re.fullmatch("[0-9a-f]{64}", p) for p in prints)
    # Lines move, a status changes, a day passes: the same findings, the same fingerprints.
    write("launch.yaml", "# moved down\n\n" + text.replace("team.high: todo", "team.high: blocked"))
    after = log_of(path, as_of=AS_OF + dt.timedelta(days=1))
    assert [where(r)[1] for r in results(after)] != [where(r)[1] for r in results(before)]
    assert {r["ruleId"]: r["partialFingerprints"] for r in results(after)} == {
        r["ruleId"]: r["partialFingerprints"] for r in results(before)
    }


def test_the_same_item_in_two_launches_is_two_results_of_one_rule() -> None:
    log = log_of(EXAMPLES / "launch.yaml", EXAMPLES / "feature.yaml")
    ids = [r["ruleId"] for r in results(log)]
    twice = {i for i in ids if ids.count(i) == 2 and "." in i}
    assert twice, "the examples share open items"
    for rule in twice:
        launches = {r["properties"]["launch"] for r in results(log) if r["ruleId"] == rule}
        assert launches == {"Acme Insights 2.0", "Scheduled exports (Acme Insights)"}
    assert list(rules(log)) == list(dict.fromkeys(ids))  # one rule each, in order of first use
    assert [r["ruleIndex"] for r in results(log)] == [list(rules(log)).index(i) for i in ids]
    assert len({r["partialFingerprints"]["gtmCheckFinding/v1"] for r in results(log)}) == len(ids)


def test_hostile_text_is_neither_a_placeholder_nor_a_link_nor_a_control(
    write: WriteFile,
) -> None:
    title = 'Say "{0}" [here](https://evil.example) \x1b[2J\n##[error] ok'
    item = f"{{id: team.a, stage: learn, title: {json.dumps(title)}, severity: blocker}}"
    write("team.yaml", f"department: team\nname: Team\nitems:\n  - {item}\n")
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n")
    text = audit_text([path], AS_OF, "sarif")
    assert "\\u001b" not in text and "##[" not in text
    log = json.loads(text)
    rule = rules(log)["team.a"]
    assert rule["shortDescription"]["text"] == (
        'Say "{{0}}" [here] (https://evil.example) \\x1b[2J\\n# #[error] ok'
    )
    message = next(r for r in results(log) if r["ruleId"] == "team.a")["message"]["text"]
    assert message.startswith('Say "{{0}}" [here] (https://evil.example)')
    assert violations(log) == []


def test_long_descriptions_are_cut_to_githubs_limit(write: WriteFile) -> None:
    title = "🚀" * 600  # 1,200 UTF-16 code units
    write("team.yaml", "department: team\nname: Team\nitems:\n"
          f"  - {{id: team.a, stage: learn, title: {title}, severity: low}}\n")  # fmt: skip
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n")
    short = rules(log_of(path))["team.a"]["shortDescription"]["text"]
    assert len(short.encode("utf-16-le")) // 2 <= sarif.MAX_DESCRIPTION
    assert short == "🚀" * 511 + "…"


def test_beyond_githubs_limit_the_least_urgent_are_left_out_and_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whole = results(log_of(EXAMPLES / "launch.yaml"))
    monkeypatch.setattr(sarif, "MAX_RESULTS", 5)
    log = log_of(EXAMPLES / "launch.yaml")
    assert results(log) == whole[:5]
    (invocation,) = log["runs"][0]["invocations"]
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["message"]["text"].startswith(f"{len(whole) - 5} of {len(whole)} ")
    assert invocation["executionSuccessful"] is True and violations(log) == []
    assert len(rules(log)) == len({r["ruleId"] for r in whole[:5]})


def test_no_item_or_warning_can_take_a_gate_checks_rule_id() -> None:
    checks = {findings.GATE, findings.MILESTONE, findings.POLICY}
    assert not checks & set(WARNINGS)
    assert not any(re.match(ITEM_ID_PATTERN, check) for check in checks)
    assert re.match(ITEM_ID_PATTERN, "gate.policy")  # the oracle can match


# --- Microsoft's SARIF multitool ---------------------------------------------------------

ACCEPTED = {
    # gtm-check has no public address to give as the tool's informationUri (see README).
    "SARIF2005",
}


def multitool(folder: Path) -> str:
    """The multitool's executable from the node_modules folder, or skip (fail in CI)."""
    path = modules(MULTITOOL)
    found = run_script(f"console.log(JSON.stringify(require('{MULTITOOL}')))", None, folder, path)
    assert isinstance(found, str) and os.access(found, os.X_OK), found
    return found


def test_microsofts_multitool_with_githubs_rules_accepts_the_examples(tmp_path: Path) -> None:
    tool = multitool(tmp_path)
    files = []
    # The portfolio holds every example's findings; one launch alone has a run of its own.
    for name, launches in [("launch", [EXAMPLES / "launch.yaml"]), ("all", LAUNCHES)]:
        files.append(tmp_path / f"{name}.sarif")
        files[-1].write_text(audit_text(launches, AS_OF, "sarif"), encoding="utf-8")
    found = _validate(tool, files, tmp_path)
    assert found == [], found


def test_the_multitool_does_report_what_github_refuses(tmp_path: Path) -> None:
    tool = multitool(tmp_path)
    log = log_of(EXAMPLES / "feature.yaml")
    del results(log)[0]["locations"]
    broken = tmp_path / "broken.sarif"
    broken.write_text(json.dumps(log), encoding="utf-8")
    reported = _validate(tool, [broken], tmp_path)
    assert any(line.startswith("GH") and "results[0]" in line for line in reported), reported


def _validate(tool: str, files: list[Path], folder: Path) -> list[str]:
    """What the multitool reports at warning or error level, but for ACCEPTED."""
    output = folder / "validation.sarif"
    command = [tool, "validate", *map(str, files), "--output", str(output), "--log",
               "ForceOverwrite", "--rule-kind", "Gh;Sarif", "--level", "Error;Warning"]  # fmt: skip
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(folder),
           "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120,
                          check=False, cwd=folder)  # fmt: skip
    assert done.returncode == 0 and output.is_file(), done.stdout + done.stderr
    log = json.loads(output.read_text(encoding="utf-8-sig"))
    return [
        f"{r['ruleId']}: {r['message'].get('arguments')}"
        for run in log["runs"]
        for r in run.get("results", [])
        if r.get("level", "warning") in ("error", "warning") and r["ruleId"] not in ACCEPTED
    ]
