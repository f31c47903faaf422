"""The GitLab Code Quality output is what GitLab reads: valid against GitLab's own parser
schema and the format its documentation describes (tests/data/gitlab), a unique, stable
fingerprint per finding (GitLab shows findings with one fingerprint as one, and stops
reading at the first object it cannot read), and the README's .gitlab-ci.yml runs."""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT, WriteFile
from tests.report.audits import audit_text
from tests.test_release import FROM_REPOSITORY, blocks

DATA = ROOT / "tests" / "data" / "gitlab"
AS_OF = dt.date(2027, 1, 15)
LAUNCHES = sorted(EXAMPLES.glob("*.yaml"))
SEVERITIES = ["info", "minor", "major", "critical", "blocker"]


@cache
def validator(name: str) -> jsonschema.Draft7Validator:
    schema = json.loads((DATA / name).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def violations(text: str) -> list[str]:
    """What GitLab's parser schema (per object) and the documented format refuse."""
    assert not text.startswith("\ufeff")  # GitLab's parser refuses a byte order mark
    issues = json.loads(text)
    found = [e.message for e in validator("code-quality-report.schema.json").iter_errors(issues)]
    for issue in issues:
        found += [e.message for e in validator("codeclimate.json").iter_errors(issue)]
    prints = [issue.get("fingerprint") for issue in issues]
    return found + [f"fingerprint used twice: {p}" for p in set(prints) if prints.count(p) > 1]


def issues_of(*paths: Path, as_of: dt.date = AS_OF) -> list[dict[str, Any]]:
    issues = json.loads(audit_text(paths, as_of, "gitlab"))
    assert isinstance(issues, list)
    return issues


@pytest.fixture
def in_examples(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The examples as CI names them: relative to the repository's root, run there."""
    monkeypatch.chdir(ROOT)
    return [p.relative_to(ROOT) for p in LAUNCHES]


@pytest.mark.parametrize("which", [p.stem for p in LAUNCHES] + ["all"])
def test_every_example_is_a_valid_code_quality_report(which: str, in_examples: list[Path]) -> None:
    launches = [p for p in in_examples if which in ("all", p.stem)]
    assert violations(audit_text(launches, AS_OF, "gitlab")) == []


def test_the_schemas_catch_what_gitlab_refuses() -> None:
    broken = [
        {"description": "x", "check_name": "c", "fingerprint": "f", "severity": "high",
         "location": {"path": "a.yaml", "lines": {"begin": 1}}},  # not a GitLab severity
        {"description": "x", "check_name": "c", "fingerprint": "g", "severity": "minor",
         "location": {"path": "/abs/a.yaml", "lines": {"begin": "1"}}},  # absolute, a string
        {"check_name": "c", "fingerprint": "g", "severity": "minor",
         "location": {"path": "./a.yaml"}},  # no description, no line, duplicate fingerprint
    ]  # fmt: skip
    documented = validator("code-quality-report.schema.json")
    assert [documented.is_valid([issue]) for issue in broken] == [False, False, False]
    # GitLab's parser takes any severity, but stops at a line that is not a whole number
    # and at an object without a description: nothing after it is shown.
    parser = validator("codeclimate.json")
    assert [parser.is_valid(issue) for issue in broken] == [True, False, False]
    assert "fingerprint used twice: g" in violations(json.dumps(broken))


def test_severities_in_gitlabs_words_and_every_gate_failure_first(write: WriteFile) -> None:
    write("team.yaml", TEAM)
    write(".gtm-check.yaml", "policy:\n  min_score: 90\n")
    path = write(
        "launch.yaml",
        "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
        "gate:\n  stages: [learn, buy]\n  min_score: 50\n"
        "milestones:\n  - {name: beta, date: 2027-01-01, stages: [buy], min_score: 70}\n"
        "items:\n  team.low: {status: todo, owner: me}\n  team.high: {owner: me}\n"
        "waivers:\n  - {item: team.high, reason: r, approved_by: me, expires: 2027-02-01}\n",
    )
    issues = issues_of(path)
    found = [(i["check_name"], i["severity"], i["location"]["lines"]["begin"]) for i in issues]
    assert found == [
        ("gtm-check/gate", "blocker", 4),  # learn blocked, buy's score: the gate: line
        ("gtm-check/milestone", "blocker", 8),  # its entry
        ("gtm-check/policy", "blocker", 6),  # the min_score below the policy's
        ("gtm-check/team.block", "blocker", 4),  # in its team checklist
        ("gtm-check/team.medium", "major", 6),
        ("gtm-check/team.low", "minor", 10),  # its entry in the launch file
        ("gtm-check/waiver-by-owner", "minor", 11),  # a warning, at its item
    ]
    assert issues[0]["description"].startswith(
        "Gate failed: learn: blocked by 1 open blocker; buy: score 0.0 is below 50."
    )
    assert {i["location"]["path"] for i in issues} == {str(path), str(path.parent / "team.yaml")}


TEAM = """\
department: team
name: Team
items:
  - {id: team.block, stage: learn, title: Blocker one, severity: blocker}
  - {id: team.high, stage: learn, title: High one, severity: high}
  - {id: team.medium, stage: buy, title: Medium one, severity: medium}
  - {id: team.low, stage: use, title: Low one, severity: low}
"""


def test_fingerprints_stay_while_the_findings_do(write: WriteFile) -> None:
    write("team.yaml", TEAM)
    text = (
        "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\nitems:\n  team.low: todo\n"
    )
    path = write("launch.yaml", text)
    before = {i["check_name"]: i["fingerprint"] for i in issues_of(path)}
    write("launch.yaml", "# a comment\n" + text.replace("team.low: todo", "team.low: blocked"))
    after = issues_of(path, as_of=AS_OF + dt.timedelta(days=3))
    assert {i["check_name"]: i["fingerprint"] for i in after} == before
    write("launch.yaml", text.replace("team.low: todo", "team.low: done"))
    assert "gtm-check/team.low" not in {i["check_name"] for i in issues_of(path)}


def test_a_portfolio_keeps_each_launchs_findings_apart(in_examples: list[Path]) -> None:
    issues = json.loads(audit_text(in_examples, AS_OF, "gitlab"))
    single = [json.loads(audit_text([p], AS_OF, "gitlab")) for p in in_examples]
    assert sorted(i["fingerprint"] for i in issues) == sorted(
        i["fingerprint"] for one in single for i in one
    )
    assert {i["location"]["path"] for i in issues} == {str(p) for p in in_examples}


def test_hostile_text_stays_inert(write: WriteFile) -> None:
    title = "A \x1b[31mred\x1b[0m title\n::error::forged ##[group]x \u202e"
    item = f"{{id: team.a, stage: learn, title: {json.dumps(title)}, severity: blocker}}"
    write("team.yaml", f"department: team\nname: Team\nitems:\n  - {item}\n")
    path = write("launch.yaml", "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n")
    text = audit_text([path], AS_OF, "gitlab")
    assert "\\u001b" not in text and "##[" not in text and "\u202e" not in text
    (issue,) = [i for i in json.loads(text) if i["check_name"] == "gtm-check/team.a"]
    assert issue["description"].startswith(
        "A \\x1b[31mred\\x1b[0m title\\n::error::forged # #[group]x \\u202e."
    )


# --- the README's .gitlab-ci.yml ----------------------------------------------------------


def gitlab_job() -> dict[str, Any]:
    (block,) = [b for b in blocks("yaml") if "codequality:" in b]
    config = yaml.safe_load(block)
    (job,) = config.values()
    assert isinstance(job, dict)
    return job


def test_the_readme_job_installs_from_the_repository_and_keeps_the_report() -> None:
    job = gitlab_job()
    assert set(job) == {"image", "script", "artifacts"}
    assert job["image"] == "python:3.12"  # not -slim: pip needs git for a git+https install
    install, audit = job["script"]
    assert shlex.split(install) == ["python", "-I", "-m", "pip", "install", FROM_REPOSITORY]
    words = shlex.split(audit)
    report = words[words.index("--output") + 1]
    assert words[words.index("--format") + 1] == "gitlab"
    assert job["artifacts"] == {"when": "always", "reports": {"codequality": report}}


def test_the_readme_job_writes_a_valid_report_when_the_gate_fails(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "launch.yaml", tmp_path / "launch.yaml")
    _, audit = gitlab_job()["script"]
    words = shlex.split(audit)
    assert words[0] == "gtm-check"
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    done = subprocess.run([sys.executable, "-m", "gtm_check", *words[1:]], cwd=tmp_path,
                          env=env, capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 1, done.stderr  # the example fails its gate: the job fails
    report = tmp_path / gitlab_job()["artifacts"]["reports"]["codequality"]
    text = report.read_text(encoding="utf-8")
    assert violations(text) == []
    assert {i["location"]["path"] for i in json.loads(text)} == {"launch.yaml"}
