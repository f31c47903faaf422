"""Shared helpers: small checklists and launches written to a temporary folder."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from gtm_check.load.checklists import ChecklistReader, LoadedChecklist
from gtm_check.load.launch import LoadedLaunch, load_launch
from gtm_check.model.problems import GtmCheckError, Problem

# Generated inputs: a fixed seed, so a run is repeatable, and a bounded number of examples.
# The default is quick for a developer's loop; CI (which sets CI, as .ci/run does) runs the
# full property suite.
_PROFILE = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("quick", max_examples=25, **_PROFILE)
settings.register_profile("ci", max_examples=300, **_PROFILE)
settings.load_profile("ci" if os.environ.get("CI") else "quick")

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


def load(path: Path, *, allow_outside: bool = False) -> LoadedLaunch:
    """Load a launch file as one run of gtm-check does, with a reader of its own."""
    return load_launch(path, ChecklistReader(), allow_outside=allow_outside)


def read_checklist(path: Path, display: str) -> LoadedChecklist:
    return ChecklistReader().read(path, display)


# What a validation library says in its own words; a user of gtm-check should never read it.
LIBRARY_WORDING = (
    "Input should",
    "Value error",
    "validation error",
    "Field required",
    "Extra inputs",
    "String should",
    "pydantic",
    "type=",
)


@pytest.fixture(autouse=True)
def _messages_speak_plainly(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every problem any test provokes is checked for a validation library's wording."""
    seen: list[str] = []
    original = GtmCheckError.__init__

    def recording(self: GtmCheckError, problems: Sequence[Problem]) -> None:
        original(self, problems)
        seen.extend(problem.render() for problem in self.problems)

    monkeypatch.setattr(GtmCheckError, "__init__", recording)
    yield
    leaked = [m for m in seen if any(w.casefold() in m.casefold() for w in LIBRARY_WORDING)]
    assert leaked == [], "a message speaks the validation library's words"
