"""Data-driven acceptance cases: tests/cases/{pass,fail,invalid}/NAME/ hold a launch file,
any checklists it names, and expect.yaml with the exit code, the exact stderr, and a subset
of the JSON report that must match."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from gtm_check.cli.commands import app

CASES = Path(__file__).resolve().parent / "cases"
EXIT_BY_FOLDER = {"pass": 0, "fail": 1, "invalid": 2}


def contains(actual: Any, expected: Any) -> bool:
    """Whether ``expected`` is a sub-document of ``actual`` (lists match item by item)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and contains(actual[k], v) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(contains(a, e) for a, e in zip(actual, expected, strict=True))
        )
    return bool(actual == expected)


@pytest.mark.parametrize(
    "case", sorted(p.parent for p in CASES.glob("*/*/launch.yaml")), ids=lambda p: p.name
)
def test_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    assert expect["exit"] == EXIT_BY_FOLDER[case.parent.name]
    monkeypatch.chdir(case)
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(
        app, ["audit", "launch.yaml", "--as-of", "2027-02-01", "--format", "json"]
    )
    assert result.exit_code == expect["exit"], result.stderr
    if "stderr" in expect:
        assert result.stderr == expect["stderr"]
    if expect["exit"] == 2:
        assert result.stdout == ""
    else:
        assert result.stderr == ""
        report = json.loads(result.stdout)
        assert contains(report, expect.get("json", {})), json.dumps(report, indent=1)


def test_there_is_a_case_of_each_kind() -> None:
    kinds = {p.parent.parent.name for p in CASES.glob("*/*/launch.yaml")}
    assert kinds == set(EXIT_BY_FOLDER)
