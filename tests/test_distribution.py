"""The GitHub Action and the pre-commit hook call commands and flags that exist."""

from __future__ import annotations

import re

import pytest
import yaml
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from tests.conftest import ROOT, WriteFile
from tests.test_action import glue


def help_text(*command: str) -> str:
    return CliRunner().invoke(app, [*command, "--help"]).stdout


def test_action_runs_the_audit_with_the_github_format() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {
        "launch", "policy", "args", "html", "sarif", "comment", "github-token", "python-version"
    }  # fmt: skip
    assert action["inputs"]["launch"]["required"] is True
    scripts = [step.get("run", "") for step in action["runs"]["steps"]]
    audit = next(s for s in scripts if 'python -I "$glue" run --format github' in s)
    assert "--format" in help_text("audit") and "--policy" in help_text("audit")
    # The glue puts each launch file after `--` and the policy in one `--policy=` argument.
    command = glue().audit_command(["--format", "github"], {"LAUNCH": "a.yaml", "POLICY": "p"})
    assert command[-5:] == ["--format", "github", "--policy=p", "--", "a.yaml"]
    # One run: the annotations, and the JSON report for the outputs from the same verdict.
    assert audit.count(" run ") == 1 and '--also="json=$folder/report.json"' in audit
    # No input is pasted into a script: they pass through env.
    assert not any("${{" in script for script in scripts)


def test_action_writes_and_uploads_the_html_page_when_asked() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["inputs"]["html"]["default"] == ""
    steps = action["runs"]["steps"]
    (audit,) = [s for s in steps if "--format github" in s.get("run", "")]
    assert audit["env"]["HTML"] == "${{ inputs.html }}"
    command = glue().audit_command([], {"LAUNCH": "a.yaml", "HTML": "page.html"})
    assert "--also=html=page.html" in command[: command.index("--")]
    assert "--also" in help_text("audit")
    (upload,) = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    # The upload reads what the audit step says it wrote, never the input's name itself.
    assert upload["with"]["path"] == f"${{{{ steps.{audit['id']}.outputs.html-file }}}}"
    assert f"steps.{audit['id']}.outputs.html-file != ''" in upload["if"]


def test_pre_commit_hook_validates_launch_files() -> None:
    hook = hooks()["gtm-check-validate"]
    assert hook["entry"] == "gtm-check validate"
    assert hook["language"] == "python"
    assert "LAUNCH..." in help_text("validate")  # pre-commit passes several file names


def test_readme_shows_both_with_a_copy_paste_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "id: gtm-check-validate" in readme
    assert "uses: " in readme and "launch: " in readme


def hooks() -> dict[str, dict[str, object]]:
    listed = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in listed}


def triggers(hook: dict[str, object], path: str) -> bool:
    """Whether pre-commit runs the hook for a staged path (it matches `files` with re.search)."""
    return re.search(str(hook.get("files", "")), path) is not None


@pytest.mark.parametrize(
    "path",
    ["checklists/ours.yaml", "team.yaml", "launches/q3/sales.yml", ".gtm-check.yaml",
     "launch.yaml"],
)  # fmt: skip
def test_a_change_to_a_team_checklist_or_policy_runs_the_launches_hook(path: str) -> None:
    assert triggers(hooks()["gtm-check-validate-launches"], path)
    assert not triggers(hooks()["gtm-check-validate-launches"], "src/app.py")


def test_the_launches_hook_validates_its_args_and_catches_a_broken_team_checklist(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = hooks()["gtm-check-validate-launches"]
    assert hook["pass_filenames"] is False  # a checklist is never read as a launch file
    write("team.yaml", "department: team\nname: Team\nitems:\n"
          "  - {id: team.a, stage: learn, title: A, severity: urgent}\n")  # fmt: skip
    launch = write("launch.yaml", "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n")
    monkeypatch.chdir(launch.parent)
    # What pre-commit runs: the entry, then the user's `args` (the launch files).
    entry = str(hook["entry"]).split()
    assert entry[0] == "gtm-check"
    result = CliRunner().invoke(app, [*entry[1:], "launch.yaml"])
    assert result.exit_code == 2
    assert result.stderr.startswith("team.yaml:4:")
    (launch.parent / "team.yaml").write_text(
        "department: team\nname: Team\nitems:\n"
        "  - {id: team.a, stage: learn, title: A, severity: high}\n",
        encoding="utf-8",
    )
    assert CliRunner().invoke(app, [*entry[1:], "launch.yaml"]).exit_code == 0
