"""A portfolio in one order in every format, whatever the order of the command line; and bars
that fill only at 100."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from gtm_check.report.shared import filled
from gtm_check.report.trend import sparkline
from tests.conftest import EXAMPLES
from tests.report.audits import FORMATS, audit_text

AS_OF = dt.date(2027, 1, 15)
LAUNCHES = sorted(EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_portfolio_is_drawn_alike_whatever_order_the_launches_are_given_in(fmt: str) -> None:
    assert len(LAUNCHES) >= 3
    forward = audit_text(LAUNCHES, AS_OF, fmt)
    assert audit_text(LAUNCHES[::-1], AS_OF, fmt) == forward


def test_a_portfolio_lists_launches_by_launch_date_then_name() -> None:
    launches = json.loads(audit_text(LAUNCHES[::-1], AS_OF, "json"))["launches"]
    keys = [(x["launch"]["launch_date"], x["launch"]["name"]) for x in launches]
    assert keys == sorted(keys)


def test_the_same_launch_date_and_name_are_ordered_by_path(tmp_path: Path) -> None:
    text = (EXAMPLES / "feature.yaml").read_text(encoding="utf-8")  # built-in checklists only
    for name in ("b.yaml", "a.yaml"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = audit_text([tmp_path / "b.yaml", tmp_path / "a.yaml"], AS_OF, "github")
    assert out.index(f"file={tmp_path / 'a.yaml'}") < out.index(f"file={tmp_path / 'b.yaml'}")


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "json"])  # JSON has each "file"
def test_two_launches_of_one_name_are_told_apart_by_their_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    # A pull request adding a failing launch under a passing one's name: every format showed
    # "Scheduled exports (tier 3)" twice, one failed and one passed, and no file.
    text = (EXAMPLES / "feature.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text.replace("status: done", "status: todo"), "utf-8")
    monkeypatch.chdir(tmp_path)
    unique = EXAMPLES / "launch.yaml"
    out = audit_text([Path("b.yaml"), Path("a.yaml"), unique], AS_OF, fmt)
    title = "Scheduled exports (Acme Insights) (tier 3)"
    assert f"{title} · a.yaml" in out and f"{title} · b.yaml" in out
    assert f"(tier 1) · {unique}" not in out  # a name no other launch has stays as it is


def test_launches_whose_names_only_look_alike_are_told_apart_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A no-break space (or a trailing one) after the name made another title, so neither
    # launch was named with its file, though they read the same; and Markdown's reasons, its
    # gap table and JSON named a launch by its name alone.
    text = (EXAMPLES / "feature.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    name = 'launch: "Scheduled exports (Acme Insights)"'
    assert name in text
    look_alike = text.replace(name, 'launch: "Scheduled exports (Acme Insights)\\u00a0"')
    (tmp_path / "b.yaml").write_text(look_alike.replace("status: done", "status: todo"), "utf-8")
    monkeypatch.chdir(tmp_path)
    launches = [Path("b.yaml"), Path("a.yaml")]
    assert "(tier 3) · a.yaml" in audit_text(launches, AS_OF, "table")
    markdown = audit_text(launches, AS_OF, "markdown")
    # (Markdown shows the no-break space and the space after it as one)
    assert "- **Scheduled exports (Acme Insights) · b.yaml**: " in markdown  # a reason
    assert "| Scheduled exports (Acme Insights) · b.yaml | " in markdown  # a gap's launch
    data = json.loads(audit_text(launches, AS_OF, "json"))
    assert sorted(launch["launch"]["file"] for launch in data["launches"]) == ["a.yaml", "b.yaml"]


@pytest.mark.parametrize(
    ("score", "cells"),
    [(0.0, 0), (9.9, 0), (10.0, 1), (69.9, 6), (70.0, 7), (95.1, 9), (99.9, 9), (100.0, 10)],
)
def test_a_bar_fills_a_cell_only_when_the_score_reaches_it(score: float, cells: int) -> None:
    assert filled(score, 10) == cells


def test_a_sparkline_draws_the_full_block_only_at_100() -> None:
    assert sparkline([95.1, 99.9, 100.0, 0.0, None]) == "▇▇█▁ "
