"""Shared helpers: small checklists and launches written to a temporary folder."""

from __future__ import annotations

import importlib
import os
import random
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from gtm_check.cli.usage import CommandLineMistake
from gtm_check.load.checklists import ChecklistReader, LoadedChecklist
from gtm_check.load.launch import LoadedLaunch, load_launch
from gtm_check.model.problems import GtmCheckError, Problem

# Generated inputs (Hypothesis), a bounded number of examples each. By default a test draws
# the same examples every run (derandomize: its seed comes from its name), so a developer's
# run repeats. CI (which sets CI, as .ci/run does) draws 300 from a fresh seed every run, so
# that coverage grows over time; the seed is printed ("hypothesis seed: N", at the start and
# the end of the run), and a failure prints its falsifying example and the
# @reproduce_failure line that replays it. `CI=1 pytest -n 1 --hypothesis-seed=N TEST`
# draws what that run drew for TEST (in a worker process, as CI runs it).
_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
settings.register_profile(
    "quick", max_examples=25, derandomize=True, deadline=None, suppress_health_check=_HEALTH
)
settings.register_profile(
    "ci",
    max_examples=300,
    derandomize=False,
    print_blob=True,
    deadline=None,
    suppress_health_check=_HEALTH,
)
settings.load_profile("ci" if os.environ.get("CI") else "quick")
SEED = "GTM_CHECK_HYPOTHESIS_SEED"
"""The run's seed in CI, passed from pytest to its worker processes."""


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """In CI, one fresh seed for the whole run (every worker process draws from it), unless
    ``--hypothesis-seed`` names one; before Hypothesis reads the option."""
    if os.environ.get("CI") and config.getoption("hypothesis_seed") is None:
        config.option.hypothesis_seed = os.environ.setdefault(SEED, str(random.getrandbits(32)))


def pytest_report_header(config: pytest.Config) -> str:
    return _seed_line(config)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    terminalreporter.write_line(_seed_line(config))


def _seed_line(config: pytest.Config) -> str:
    seed = config.getoption("hypothesis_seed")
    if seed is None or settings().derandomize:
        return "hypothesis seed: derived from each test's name (CI=1 draws a fresh one)"
    return f"hypothesis seed: {seed} (replay: CI=1 pytest -n 1 --hypothesis-seed={seed} TEST)"


ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# Hypothesis also draws constants it finds in the code under test, among the modules loaded
# so far. Every module of gtm_check is loaded here (a renderer is otherwise loaded only when
# chosen), so that the examples a seed gives a test do not depend on which tests ran before.
for _path in sorted((ROOT / "gtm_check").rglob("*.py")):
    _parts = _path.relative_to(ROOT).with_suffix("").parts
    importlib.import_module(".".join(_parts[:-1] if _parts[-1] == "__init__" else _parts))

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


def git_folder(root: Path) -> Path:
    """``root/.git`` shaped as git reads a repository's folder (``HEAD``, ``objects/``,
    ``refs/``), without running git: a repository's root for the policy search, which a
    ``.git`` folder without them does not end (git itself refuses one)."""
    dot = root / ".git"
    (dot / "objects").mkdir(parents=True, exist_ok=True)
    (dot / "refs").mkdir(exist_ok=True)
    (dot / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    return dot


def load(path: Path, *, allow_outside: bool = False) -> LoadedLaunch:
    """Load a launch file as one run of gtm-check does, with a reader of its own."""
    return load_launch(path, ChecklistReader(), allow_outside=allow_outside)


def read_checklist(path: Path, display: str) -> LoadedChecklist:
    return ChecklistReader().read(path, display)


@pytest.fixture(autouse=True)
def _no_check_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """``audit --verify`` keeps passed checks in a cache under the home folder: no test
    writes there (the cache's own tests name a temporary folder)."""
    monkeypatch.setenv("GTM_CHECK_CACHE_DIR", "")


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
# What the command-line framework says in its own words (its usage errors, its ranges).
FRAMEWORK_WORDING = (
    "Invalid value",
    "is not one of",
    "Error:",
    "Usage:",
    "Try '",
    "No such option",
    "No such command",
    "Missing argument",
    "Missing option",
    "Missing parameter",
    "Got unexpected",
    "requires an argument",
    "does not take a value",
    "Possible options",
    "x<=",
    "x>=",
    "<=x",
    "not a valid",
    "Value must be",
)


@pytest.fixture(autouse=True)
def _messages_speak_plainly(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every problem and every mistake on the command line that any test provokes is checked
    for a validation library's or the command-line framework's wording."""
    seen: list[str] = []
    usage: list[str] = []
    original = GtmCheckError.__init__
    original_mistake = CommandLineMistake.__init__

    def recording(self: GtmCheckError, problems: Sequence[Problem]) -> None:
        original(self, problems)
        seen.extend(problem.render() for problem in self.problems)

    def recording_mistake(self: CommandLineMistake, line: str) -> None:
        original_mistake(self, line)
        usage.append(self.line)

    monkeypatch.setattr(GtmCheckError, "__init__", recording)
    monkeypatch.setattr(CommandLineMistake, "__init__", recording_mistake)
    yield
    leaked = [m for m in seen + usage if speaks(m, LIBRARY_WORDING)]
    assert leaked == [], "a message speaks the validation library's words"
    leaked = [m for m in usage if speaks(m, FRAMEWORK_WORDING)]
    assert leaked == [], "a mistake on the command line is said in the framework's words"


def speaks(message: str, wording: Sequence[str]) -> bool:
    return any(words.casefold() in message.casefold() for words in wording)


def stalled_child(target: str, says: str) -> str:
    """A ``python -c`` script that runs gtm-check with its arguments, ``target`` (a module's
    function, ``"os.fsync"``) replaced by one that writes ``says`` and a line break to
    standard error and then waits a minute: a test sends a signal at that moment."""
    module, _, name = target.rpartition(".")
    return textwrap.dedent(
        f"""
        import importlib, sys, time
        def stalled(*args):
            sys.stderr.write({says!r} + "\\n")
            sys.stderr.flush()
            time.sleep(60)
        setattr(importlib.import_module({module!r}), {name!r}, stalled)
        from gtm_check.main import main
        sys.argv = ["gtm-check", *sys.argv[1:]]
        main()
        """
    )
