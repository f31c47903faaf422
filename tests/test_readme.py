"""The README's quick start is what CI runs, and its sample is what gtm-check prints."""

from __future__ import annotations

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
GOLDEN = (ROOT / "tests" / "golden" / "launch.txt").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command() -> None:
    command = 'python3 -m venv .venv && .venv/bin/pip install -e ".[dev]" && .venv/bin/pytest'
    assert command in README
    assert command in CI


def test_readme_quick_start_audits_the_example() -> None:
    assert (
        "python3 -m venv .venv && .venv/bin/pip install . && "
        ".venv/bin/gtm-check audit examples/launch.yaml --as-of 2027-01-15"
    ) in README


def test_readme_sample_is_the_real_report() -> None:
    sample = README.split("```text\n", 1)[1].split("\n…\n```", 1)[0]
    assert GOLDEN.startswith(sample + "\n")
