"""The GitHub Action and the pre-commit hook call commands and flags that exist."""

from __future__ import annotations

import json
import re

import yaml
from typer.testing import CliRunner

from gtm_check.cli import app
from gtm_check.model.problems import Problem
from tests.conftest import ROOT


def help_text(*command: str) -> str:
    return CliRunner().invoke(app, [*command, "--help"]).stdout


def test_action_runs_the_audit_with_the_github_format() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"launch", "policy", "args", "html", "python-version"}
    assert action["inputs"]["launch"]["required"] is True
    scripts = [step.get("run", "") for step in action["runs"]["steps"]]
    audit = next(s for s in scripts if s.startswith("gtm-check audit"))
    assert "--format github" in audit and "--format" in help_text("audit")
    assert '--policy "$POLICY"' in audit and "--policy" in help_text("audit")
    # No input is pasted into a script: they pass through env.
    assert not any("${{" in script for script in scripts)


def test_action_writes_and_uploads_the_html_page_when_asked() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["inputs"]["html"]["default"] == ""
    steps = action["runs"]["steps"]
    (page,) = [s for s in steps if "--format html" in s.get("run", "")]
    assert page["env"]["HTML"] == "${{ inputs.html }}" and '--output "$HTML"' in page["run"]
    assert "html" in help_text("audit") and "--warn-only" in help_text("audit")
    (upload,) = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"]["path"] == "${{ inputs.html }}"
    for step in (page, upload):
        assert "inputs.html != ''" in step["if"]


def test_pre_commit_hook_validates_launch_files() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"] == "gtm-check validate"
    assert hook["language"] == "python"
    assert "LAUNCH..." in help_text("validate")  # pre-commit passes several file names


def test_readme_shows_both_with_a_copy_paste_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "id: gtm-check-validate" in readme
    assert "uses: " in readme and "launch: " in readme


def test_the_actions_problem_matcher_reads_gtm_checks_problem_lines() -> None:
    matcher = json.loads((ROOT / ".github" / "gtm-check-matcher.json").read_text("utf-8"))
    (pattern,) = matcher["problemMatcher"][0]["pattern"]
    line = Problem("launches/q3.yaml", 12, 5, "unknown item id 'legal.x'", "did you mean?").render()
    match = re.match(pattern["regexp"], line)
    assert match is not None
    found = {key: match[pattern[key]] for key in ("file", "line", "column", "message")}
    assert found == {
        "file": "launches/q3.yaml",
        "line": "12",
        "column": "5",
        "message": "unknown item id 'legal.x' (did you mean?)",
    }
    action = (ROOT / "action.yml").read_text(encoding="utf-8")
    assert "::add-matcher::$ACTION_PATH/.github/gtm-check-matcher.json" in action
