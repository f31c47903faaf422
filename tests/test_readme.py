"""The README's commands work as written, and its sample is what gtm-check prints.

Each `gtm-check` command in the README's shell blocks is run, in order, in a fresh folder
holding a copy of the examples: the way a new user pastes them.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
SETUP = re.compile(r"^python3 -m venv \.venv && \.venv/bin/pip install [^&]+ && ")


def shell_lines() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def gtm_check_commands() -> list[list[str]]:
    """Every gtm-check command of the shell blocks, as arguments, without the install."""
    commands = []
    for line in shell_lines():
        line = SETUP.sub("", line)
        words = shlex.split(line)
        if words and words[0] in ("gtm-check", ".venv/bin/gtm-check"):
            commands.append(words[1:])
    return commands


def run(args: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    return subprocess.run(
        [sys.executable, "-m", "gtm_check", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_ci_runs_the_readme_test_command() -> None:
    command = (
        'python3 -m venv .venv && .venv/bin/pip install -e ".[dev]" && .venv/bin/pytest -n auto'
    )
    assert command in shell_lines()
    assert command in CI.splitlines()


def test_the_quick_start_installs_and_audits_the_example() -> None:
    (line,) = [line for line in shell_lines() if "gtm-check audit examples/" in line]
    assert SETUP.match(line) and "pip install . &&" in line  # a user's install, not editable


def test_every_gtm_check_command_in_the_readme_runs(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    commands = gtm_check_commands()
    assert len(commands) >= 3  # the quick start, init, and the audit after it
    for args in commands:
        result = run(args, tmp_path)
        # 0 or 1 is the gate's verdict; 2 or 3 would mean the README shows a broken command.
        assert result.returncode in (0, 1), (args, result.stderr)
        # A warning (e.g. a launch date the calendar has since passed) is not a failure.
        problems = [e for e in result.stderr.splitlines() if "gtm-check: warning:" not in e]
        assert result.stdout and problems == [], (args, result.stderr)


def test_readme_sample_is_what_the_quick_start_prints() -> None:
    (args,) = [a for a in gtm_check_commands() if a[:2] == ["audit", "examples/launch.yaml"]]
    result = run(args, ROOT)
    assert result.returncode == 1  # the README says why: the example fails its gate
    sample = README.split("```text\n", 1)[1].split("\n…\n```", 1)[0]
    assert result.stdout.startswith(sample + "\n")
