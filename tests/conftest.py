"""Shared helpers: small checklists and launches written to a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

MINI_CHECKLIST = """\
department: legal
name: Legal
items:
  - id: legal.trademarks
    stage: learn
    title: Marks cleared
    severity: blocker
  - id: legal.channel-contracts
    stage: buy
    title: Channel contracts
    severity: high
    applies_if: [channel-sales]
  - id: legal.sla-terms
    stage: use
    title: SLA terms
    severity: medium
"""


WriteFile = Callable[[str, str], Path]


@pytest.fixture
def write(tmp_path: Path) -> WriteFile:
    """Write dedented text to tmp_path/name and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def mini(write: WriteFile) -> Callable[[str], Path]:
    """A launch file using only the mini legal checklist; the argument is appended to it."""

    def _mini(body: str = "") -> Path:
        write("legal.yaml", MINI_CHECKLIST)
        header = "launch: Mini\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n"
        return write("launch.yaml", header + textwrap.dedent(body))

    return _mini
