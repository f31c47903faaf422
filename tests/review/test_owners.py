"""gtm-check owners: the ranking, dependants, unowned blockers and department defaults."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from gtm_check.cli.commands import app
from gtm_check.review.owners import owners
from tests.review.gitrepo import CHECKLIST, launch


def _write(tmp_path: Path, items: str, extra: str = "", waivers: str = "[]") -> Path:
    (tmp_path / "legal.yaml").write_text(CHECKLIST, encoding="utf-8")
    path = tmp_path / "launch.yaml"
    path.write_text(launch(items, extra=extra, waivers=waivers), encoding="utf-8")
    return path


def test_owners_are_ranked_and_dependants_counted(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        legal.trademarks: {status: todo, owner: ann, due: 2027-01-10}
        legal.privacy: {status: todo, owner: bob}
        legal.contracts: {status: todo, owner: bob}
        legal.sla-terms: todo
        """,
    )
    result = owners(path, dt.date(2027, 1, 15))
    # bob: privacy (3) + contracts (5) = 8; ann: trademarks (5), overdue, and contracts
    # (bob's) requires it.
    assert [
        (o.owner, o.open, o.open_weight, o.open_blockers, o.overdue, o.waiting)
        for o in result.owners
    ] == [
        ("bob", 2, 8.0, 1, 0, 0),
        ("ann", 1, 5.0, 1, 1, 1),
    ]
    assert result.unowned_blockers == []


def test_department_default_owner_and_unowned_blockers(tmp_path: Path) -> None:
    path = _write(tmp_path, "legal.privacy: done\n")
    assert [i.id for i in owners(path, dt.date(2027, 1, 15)).unowned_blockers] == [
        "legal.trademarks",
        "legal.contracts",
    ]
    path = _write(tmp_path, "legal.privacy: done\n", extra="owners: {legal: counsel}\n")
    result = owners(path, dt.date(2027, 1, 15))
    assert result.unowned_blockers == []
    assert [(o.owner, o.open_weight) for o in result.owners] == [("counsel", 12.0)]


def test_formats(tmp_path: Path) -> None:
    path = _write(tmp_path, "legal.privacy: {status: todo, owner: '<b>x</b>'}\n")
    runner = CliRunner()
    args = ["owners", str(path), "--as-of", "2027-01-15"]
    assert "Open blockers with no owner (2)" in runner.invoke(app, args).output
    markdown = runner.invoke(app, [*args, "-f", "markdown"]).output
    assert "| &lt;b&gt;x&lt;/b&gt; | 1 | 3 | 0 | 0 | 0 |" in markdown
    data = json.loads(runner.invoke(app, [*args, "-f", "json"]).output)
    assert data["unowned_blockers"] == ["legal.trademarks", "legal.contracts"]


def test_the_table_fits_the_terminal(tmp_path: Path) -> None:
    """One row per owner where it fits; on a narrow terminal the name on a line of its own
    and the figures below it; no line runs past the width (the example's longest owner
    with the five columns took 87 columns at any width)."""
    from gtm_check.report import RenderOptions
    from gtm_check.report.owners import render_table
    from tests.conftest import EXAMPLES

    result = owners(EXAMPLES / "launch.yaml", dt.date(2027, 1, 15))
    wide = render_table(result, RenderOptions(width=80))
    assert "controller@acme.example             2       8         1        1        0" in wide
    for width in (40, 60, 80):
        printed = render_table(result, RenderOptions(width=width))
        assert max(map(len, printed.splitlines())) <= width
    narrow = render_table(result, RenderOptions(width=40)).splitlines()
    at = narrow.index("controller@acme.example")
    assert narrow[at + 1].split() == ["2", "8", "1", "1", "0"]


def test_a_launch_with_no_open_owner_draws_the_headings(tmp_path: Path) -> None:
    from gtm_check.report import RenderOptions
    from gtm_check.report.owners import render_table

    path = _write(tmp_path, "legal.trademarks: done\n")
    result = owners(path, dt.date(2027, 1, 15))
    assert result.owners == []
    printed = render_table(result, RenderOptions(width=80))
    assert "Owner  Open  Weight  Blockers  Overdue  Waiting" in printed


def test_a_waiver_the_policy_refuses_leaves_its_blocker_waiting(tmp_path: Path) -> None:
    # Waived on an outsider's word: audit fails the gate on it, so it still waits on legal.
    waiver = (
        "[{item: legal.trademarks, reason: r, approved_by: x@evil.example, expires: 2027-06-01}]"
    )
    path = _write(tmp_path, "legal.privacy: done\nlegal.contracts: done\n", waivers=waiver)
    assert owners(path, dt.date(2027, 1, 15)).unowned_blockers == []
    policy = tmp_path / "policy.yaml"
    policy.write_text("policy: {waiver_approvers: ['@acme.example']}\n", encoding="utf-8")
    result = owners(path, dt.date(2027, 1, 15), policy=policy)
    assert [i.id for i in result.unowned_blockers] == ["legal.trademarks"]
    (tmp_path / ".gtm-check.yaml").write_text(policy.read_text(), encoding="utf-8")
    out = CliRunner().invoke(app, ["owners", str(path), "--as-of", "2027-01-15", "-f", "json"])
    assert json.loads(out.stdout)["unowned_blockers"] == ["legal.trademarks"]
