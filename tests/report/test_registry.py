"""Every (view, format) the registry lists, drawn from an example: the renderer contract.

``PAIRS`` names each pair the registry should hold; a pair registered but missing here (or
listed here but not registered) fails, so a new format comes with its example check.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest
from markdown_it import MarkdownIt

from gtm_check.load.checklists import ChecklistReader
from gtm_check.model.history import Every, PastLaunch, Revisions, Skipped
from gtm_check.model.plan import Plan
from gtm_check.model.problems import Problem
from gtm_check.model.vocabulary import Stage
from gtm_check.pipeline import AuditRequest, audit
from gtm_check.report import RenderOptions, registry
from gtm_check.report.registry import (
    AUDIT,
    CHECKLISTS,
    DEPARTMENT,
    DIFF,
    OWNERS,
    PLAN,
    PROBLEMS,
    RENDERERS,
    TREND,
    View,
    formats,
    needs_critical_path,
    needs_locations,
    render,
)
from gtm_check.review.diff import DiffRequest, compare
from gtm_check.review.owners import owners
from gtm_check.scoring.trend import trend
from tests.conftest import EXAMPLES, load

AS_OF = dt.date(2027, 1, 15)
COMMAND = re.compile(r"::(error|warning|notice)( [a-z]+=[^,:]*(,[a-z]+=[^,:]*)*)?::")
LAUNCH = EXAMPLES / "launch.yaml"

PAIRS: list[tuple[View[Any], str]] = [
    (AUDIT, "table"),
    (AUDIT, "json"),
    (AUDIT, "markdown"),
    (AUDIT, "junit"),
    (AUDIT, "github"),
    (AUDIT, "html"),
    (AUDIT, "sarif"),
    (AUDIT, "gitlab"),
    (AUDIT, "ics"),
    (PROBLEMS, "github"),
    (DIFF, "table"),
    (DIFF, "markdown"),
    (DIFF, "json"),
    (TREND, "table"),
    (TREND, "markdown"),
    (TREND, "json"),
    (OWNERS, "table"),
    (OWNERS, "markdown"),
    (OWNERS, "json"),
    (PLAN, "table"),
    (PLAN, "markdown"),
    (PLAN, "json"),
    (PLAN, "ics"),
    (CHECKLISTS, "table"),
    (CHECKLISTS, "json"),
    (DEPARTMENT, "table"),
    (DEPARTMENT, "json"),
]


def audit_example(_: Path) -> object:
    return audit(AuditRequest((LAUNCH,), AS_OF, locations=True)).reports


def problems_example(_: Path) -> object:
    return [Problem("launch.yaml", 4, 10, "unknown trait 'sas'", hint="did you mean 'saas'?")]


def diff_example(folder: Path) -> object:
    """The example launch against itself with two items done since."""
    text = LAUNCH.read_text(encoding="utf-8")
    older = folder / "older.yaml"
    older.write_text(text, encoding="utf-8")
    newer = folder / "newer.yaml"
    newer.write_text(text.replace(": todo", ": done", 2), encoding="utf-8")
    return compare(DiffRequest(str(newer), old=str(older), as_of=AS_OF, allow_outside=True))


def trend_example(_: Path) -> object:
    """The example launch on four Sundays, one revision skipped, and the projection."""
    loaded = load(LAUNCH)
    days = [AS_OF - dt.timedelta(weeks=n) for n in (3, 2, 1, 0)]
    past = [PastLaunch(f"c{n}", day, loaded.launch) for n, day in enumerate(days)]
    revisions = Revisions(past, [Skipped("0123456789", days[0], "invalid YAML")], False)
    checklists = [c.checklist for c in loaded.checklists]
    return trend(loaded.launch, checklists, revisions, Every.week, AS_OF)


def owners_example(_: Path) -> object:
    return owners(LAUNCH, AS_OF)


def plan_example(_: Path) -> object:
    (report,) = audit(AuditRequest((LAUNCH,), AS_OF, critical_path=True)).reports
    return Plan.of(report)


def checklists_example(_: Path) -> object:
    return [c.checklist for c in ChecklistReader().builtin()]


def department_example(_: Path) -> object:
    (legal,) = ChecklistReader().builtin(["legal"])
    return legal.checklist.only(Stage.LEARN)


EXAMPLE: dict[View[Any], Callable[[Path], object]] = {
    AUDIT: audit_example,
    PROBLEMS: problems_example,
    DIFF: diff_example,
    TREND: trend_example,
    OWNERS: owners_example,
    PLAN: plan_example,
    CHECKLISTS: checklists_example,
    DEPARTMENT: department_example,
}


def test_every_registered_pair_is_covered_here() -> None:
    assert sorted(RENDERERS, key=_key) == sorted(PAIRS, key=_key)
    assert len(set(PAIRS)) == len(PAIRS)


def _key(pair: tuple[View[Any], str]) -> tuple[str, str]:
    return pair[0].name, pair[1]


def test_each_views_formats_are_the_command_line_choices_in_order() -> None:
    assert formats(AUDIT) == [
        "table", "json", "markdown", "junit", "github", "html", "sarif", "gitlab", "ics"
    ]  # fmt: skip
    assert formats(DIFF) == formats(TREND) == formats(OWNERS) == ["table", "markdown", "json"]
    assert formats(PLAN) == ["table", "markdown", "json", "ics"]
    assert formats(CHECKLISTS) == formats(DEPARTMENT) == ["table", "json"]
    assert [f for (view, f) in RENDERERS if needs_locations(view, f)] == [
        "github", "sarif", "gitlab"
    ]  # fmt: skip
    shown = [f for (view, f) in RENDERERS if view == AUDIT and needs_critical_path(view, f)]
    assert shown == ["table", "markdown", "github", "html"]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0].name}-{p[1]}")
def test_each_pair_draws_its_example(pair: tuple[View[Any], str], tmp_path: Path) -> None:
    view, format = pair
    result = EXAMPLE[view](tmp_path)
    text = render(view, format, result, RenderOptions())
    assert text.endswith("\n") and text.strip()
    assert render(view, format, result, RenderOptions()) == text  # deterministic
    PARSES[format](text)


def _json(text: str) -> None:
    assert isinstance(json.loads(text), dict | list)


def _markdown(text: str) -> None:
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert tokens[0].type == "heading_open"


def _junit(text: str) -> None:
    assert ET.fromstring(text.encode("utf-8")).tag == "testsuites"


def _github(text: str) -> None:
    commands = [line for line in text.splitlines() if line.startswith("::")]
    assert text.startswith("::") and all(COMMAND.match(line) for line in commands)


def _html(text: str) -> None:
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")


def _sarif(text: str) -> None:
    log = json.loads(text)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1


def _gitlab(text: str) -> None:
    issues = json.loads(text)
    assert isinstance(issues, list) and all("fingerprint" in issue for issue in issues)


def _ics(text: str) -> None:
    calendar = icalendar.Calendar.from_ical(text)
    assert calendar.name == "VCALENDAR" and calendar.walk("VEVENT")


def _table(text: str) -> None:
    assert not text.lstrip().startswith(("{", "[", "<", "#", "::"))


PARSES: dict[str, Callable[[str], None]] = {
    "json": _json,
    "markdown": _markdown,
    "junit": _junit,
    "github": _github,
    "html": _html,
    "ics": _ics,
    "table": _table,
    "sarif": _sarif,
    "gitlab": _gitlab,
}


@pytest.mark.parametrize(
    "view", [v for v in EXAMPLE if (v, "table") in RENDERERS], ids=lambda v: v.name
)
def test_each_table_draws_in_ascii_where_the_output_cannot_show_its_glyphs(
    view: View[Any], tmp_path: Path
) -> None:
    result = EXAMPLE[view](tmp_path)
    glyphs = render(view, "table", result, RenderOptions())
    plain = render(view, "table", result, RenderOptions(ascii=True))
    assert plain.isascii(), [c for c in plain if not c.isascii()]
    assert plain.count("\n") == glyphs.count("\n")  # the same lines, drawn otherwise


def test_the_registry_loads_only_the_modules_it_lists(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    loaded: list[str] = []
    real = importlib.import_module

    def recording(name: str) -> Any:
        loaded.append(name)
        return real(name)

    monkeypatch.setattr(registry, "import_module", recording)
    for view, format in PAIRS:
        render(view, format, EXAMPLE[view](tmp_path), RenderOptions())
    assert set(loaded) == {f"gtm_check.report.{entry.module}" for entry in RENDERERS.values()}


UNTYPED_DIFF: View[Any] = DIFF


def test_an_unregistered_pair_is_refused() -> None:
    with pytest.raises(KeyError):
        render(UNTYPED_DIFF, "html", None, RenderOptions())


@pytest.mark.parametrize(("view", "format"), [(v, f) for v, f in RENDERERS if f != "github"])
def test_the_final_guard_defuses_what_a_renderer_lets_through(
    monkeypatch: pytest.MonkeyPatch, view: View[Any], format: str
) -> None:
    """Whatever a renderer's layout does, no line of the output starts with "::" or holds
    "##[" (SECURITY.md guarantee 6); the github format's own commands pass as they are."""
    entry = RENDERERS[view, format]
    module = importlib.import_module(f"gtm_check.report.{entry.module}")
    leaky = "title\n::error::forged\n \u3000::add-mask::x\r::warning::y ##[group]\n"
    monkeypatch.setattr(module, entry.function, lambda result, options: leaky)
    assert render(view, format, None, RenderOptions()) == (
        "title\n: :error::forged\n \u3000: :add-mask::x\r: :warning::y # #[group]\n"
    )


@pytest.mark.parametrize(("view", "format"), [(v, f) for v, f in RENDERERS if f == "github"])
def test_the_github_formats_own_commands_are_left_as_they_are(
    monkeypatch: pytest.MonkeyPatch, view: View[Any], format: str
) -> None:
    entry = RENDERERS[view, format]
    module = importlib.import_module(f"gtm_check.report.{entry.module}")
    commands = "::error title=gtm-check::the gate failed\n"
    monkeypatch.setattr(module, entry.function, lambda result, options: commands)
    assert render(view, format, None, RenderOptions()) == commands
