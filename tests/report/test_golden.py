"""Every format of every example, and of the portfolio, against a golden file a person read.

The goldens are never written by a test run: tests/update_golden.py rewrites them, and the
diff it shows is reviewed before it is committed.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.report.audits import FORMATS
from tests.report.goldens import EXTENSIONS, GOLDEN, ROOT, Golden, goldens


@pytest.mark.parametrize("golden", goldens(), ids=lambda g: g.path.name)
def test_golden(golden: Golden) -> None:
    assert golden.render() == golden.expected()


def test_every_golden_file_is_checked() -> None:
    assert {g.path for g in goldens()} == set(GOLDEN.iterdir())


def test_every_format_has_a_golden_extension() -> None:
    assert set(EXTENSIONS) == set(FORMATS)


def _run(fmt: str, seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed, "COLUMNS": "80", "NO_COLOR": "1"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    command = [sys.executable, "-m", "gtm_check", "audit", "examples/launch.yaml",
               "examples/device.yaml", "--as-of", "2027-01-15", "-f", fmt]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False).stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_processes_give_byte_identical_output(fmt: str) -> None:
    # Separate processes with different hash seeds: set and dict ordering cannot leak in.
    first, second = _run(fmt, "1"), _run(fmt, "2")
    assert first  # the command printed its report
    assert first == second
