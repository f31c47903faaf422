"""Dates that follow the launch: ``init`` freezes none, ``set --launch-date`` moves the launch,
``--drop-derived-dates`` frees the dates an earlier ``init`` froze, tried as a user would."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from gtm_check.load.checklists import ChecklistReader

TRAITS = ["--trait", "saas", "--trait", "sales-led"]
AS_OF = "2027-01-15"
BUILTIN = {i.id: i for c in ChecklistReader().builtin() for i in c.checklist.items}


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def init(path: Path, launch_date: str, *extra: str) -> Path:
    code, _, err = run(
        "init", path, "--name", "Acme 3", "--launch-date", launch_date, *TRAITS, "--no-schema",
        *extra,
    )  # fmt: skip
    assert code == 0, err
    return path


def overall(path: Path) -> dict[str, int]:
    code, out, err = run("audit", path, "--as-of", AS_OF, "-f", "json")
    assert code in (0, 1), err
    data: dict[str, int] = json.loads(out)["overall"]
    return data


def frozen(path: Path, tier: int = 1) -> str:
    """The file as ``init`` wrote it before: every lead time's date written as ``due:``."""
    text = path.read_text(encoding="utf-8")
    launch_date = re.search(r"^launch_date: (\S+)", text, re.M)
    assert launch_date is not None
    day = __import__("datetime").date.fromisoformat(launch_date.group(1))

    def due(match: re.Match[str]) -> str:
        lead = BUILTIN[match.group(1)].lead_time(tier)
        if lead is None:
            return match.group(0)
        date = day - __import__("datetime").timedelta(days=lead)
        return f"  {match.group(1)}: {{status: todo, due: {date}}}"

    return re.sub(r"^  ([a-z-]+\.[a-z0-9-]+): todo", due, text, flags=re.M)


def test_a_launch_moved_two_months_later_counts_the_overdue_items_of_its_new_date(
    tmp_path: Path,
) -> None:
    path = init(tmp_path / "launch.yaml", "2027-03-01")
    assert overall(path)["overdue"] == 10
    code, out, err = run("set", path, "--launch-date", "2027-05-01", "--as-of", AS_OF)
    assert code == 0, err
    assert out.startswith("launch_date: 2027-03-01 → 2027-05-01 (61 days later)\n")
    assert "112 due dates that come from lead times follow the launch\n" in out
    fresh = init(tmp_path / "fresh.yaml", "2027-05-01")
    assert overall(path)["overdue"] == overall(fresh)["overdue"] == 3
    # the same file init writes for the new date, byte for byte
    assert path.read_bytes() == fresh.read_bytes()


def test_an_old_init_file_drops_its_frozen_dates_and_moves(tmp_path: Path) -> None:
    path = init(tmp_path / "launch.yaml", "2027-03-01")
    new = init(tmp_path / "new.yaml", "2027-03-01").read_bytes()
    path.write_text(frozen(path), encoding="utf-8")
    before = path.read_bytes()
    assert before.split(b"\nitems:")[1].count(b"due: ") == 112
    # a dry run says what would change and writes nothing
    code, out, err = run("set", path, "--drop-derived-dates", "--dry-run", "--as-of", AS_OF)
    assert code == 0, err
    assert path.read_bytes() == before
    assert "legal.trademarks: due 2026-11-01 would be dropped (120 days before launch, what " in out
    assert out.endswith(
        "112 due dates dropped: those items would follow the launch date\n"
        f"dry run: nothing written to {path}\n"
    )
    # moving without dropping keeps them, and says how to let them follow
    code, out, _ = run("set", path, "--launch-date", "2027-05-01", "--dry-run", "--as-of", AS_OF)
    assert "note: 112 of the kept due dates equal the date their lead time gave for " in out
    assert "Add --drop-derived-dates to let them follow the launch." in out
    code, out, err = run(
        "set", path, "--launch-date", "2027-05-01", "--drop-derived-dates", "--as-of", AS_OF
    )
    assert code == 0, err
    assert overall(path)["overdue"] == 3
    # the file is what init writes today for the new date, but for the spaces that keep
    # every comment in the column it had
    after = path.read_text(encoding="utf-8").splitlines()
    today = new.decode("utf-8").replace("2027-03-01", "2027-05-01").splitlines()
    assert [line.split() for line in after] == [line.split() for line in today]
    assert [line.find("  #") for line in after] == [
        line.find("  #") for line in before.decode("utf-8").splitlines()
    ]


def test_a_launch_date_changed_by_hand_is_found_out(tmp_path: Path) -> None:
    path = init(tmp_path / "launch.yaml", "2027-03-01")
    path.write_text(frozen(path).replace("2027-03-01", "2027-05-01"), encoding="utf-8")
    code, out, _ = run("set", path, "--drop-derived-dates")
    assert code == 0 and "nothing to change" in out
    assert (
        "note: several due dates equal what their lead times give for a launch on 2027-03-01, "
        "not 2027-05-01"
    ) in out


CHECKLIST = """\
department: legal
name: Legal
items:
  - {id: legal.dpa, stage: buy, title: DPA, severity: blocker, lead_days: {1: 60, 2: 30, 3: 14}}
  - {id: legal.terms, stage: buy, title: Terms, severity: high, lead_days: 30}
  - {id: legal.sla, stage: use, title: SLA, severity: medium}
"""


def small(tmp_path: Path, body: str, tier: int = 2) -> Path:
    (tmp_path / "legal.yaml").write_text(CHECKLIST, encoding="utf-8")
    path = tmp_path / "launch.yaml"
    head = f"launch: L\nlaunch_date: 2027-03-01\ntier: {tier}\nchecklists: [./legal.yaml]\n"
    path.write_text(head + body, encoding="utf-8")
    return path


def test_explicit_dates_stay_and_those_after_launch_or_before_today_are_listed(
    tmp_path: Path,
) -> None:
    path = small(
        tmp_path,
        "items:\n"
        "  legal.dpa: {status: todo, due: 2027-01-10}\n"
        "  legal.terms:\n    status: in-progress\n    due: 2027-03-20  # after the move\n"
        "  legal.sla: {status: done, due: 2027-01-01}\n",
    )
    code, out, err = run("set", path, "--launch-date", "2027-03-15", "--as-of", AS_OF)
    assert code == 0, err
    assert out == (
        "launch_date: 2027-03-01 → 2027-03-15 (14 days later)\n"
        "0 due dates that come from lead times follow the launch\n"
        "due: dates kept that now fall after the launch (1):\n"
        "  legal.terms: due 2027-03-20\n"
        "due: dates kept that fall before today (2027-01-15) (1):\n"
        "  legal.dpa: due 2027-01-10\n"  # legal.sla is done: nothing to chase
    )


def test_a_date_from_another_tiers_lead_time_is_dropped_and_said(tmp_path: Path) -> None:
    # 2027-01-01 is 2027-03-01 less the tier-1 lead time (60); this tier-2 launch's is 30.
    path = small(
        tmp_path,
        "items:\n  legal.dpa: {status: todo, due: 2026-12-31}   # blocker\n"
        "  legal.terms:\n    status: todo\n    due: 2027-01-30\n    owner: ann\n",
    )
    line = "  legal.dpa: {status: todo, due: 2026-12-31}   # blocker"
    code, out, err = run("set", path, "--drop-derived-dates")
    assert code == 0, err
    assert out == (
        "legal.dpa: due 2026-12-31 dropped (60 days before launch; now it follows its tier's "
        "lead time: 2027-01-30)\n"
        "legal.terms: due 2027-01-30 dropped (30 days before launch, what its lead time gives)\n"
        "2 due dates dropped: those items follow the launch date\n"
    )
    # the comment stays in its column; a block mapping loses its due: line
    padded = "  legal.dpa: todo".ljust(line.index("#")) + "# blocker"
    assert path.read_text(encoding="utf-8").endswith(
        f"items:\n{padded}\n  legal.terms:\n    status: todo\n    owner: ann\n"
    )


def test_a_move_past_a_milestone_is_refused_where_the_milestone_is(tmp_path: Path) -> None:
    path = small(
        tmp_path,
        "milestones:\n  - {name: beta, date: 2027-02-01, stages: [learn], min_score: 50}\n",
    )
    before = path.read_bytes()
    code, out, err = run("set", path, "--launch-date", "2027-02-01")
    assert code == 2 and out == ""
    assert err == (
        f"{path}:6:24: cannot move the launch to 2027-02-01: milestone 'beta' is on "
        "2027-02-01, which would not be before launch day; move or remove the milestone first\n"
    )
    assert path.read_bytes() == before
    code, out, _ = run("set", path, "--launch-date", "2027-02-02")
    assert code == 0 and "milestones keep their dates: beta 2027-02-01\n" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["legal.dpa", "--launch-date", "2027-04-01"], "change the launch, not items"),
        (["--launch-date", "2027-04-01", "--owner", "x"], "change the launch, not items"),
        (["--dry-run"], "--dry-run shows what --launch-date or --drop-derived-dates"),
        ([], "name the items to change, or move the launch with --launch-date"),
        (["--launch-date", "2027-02-30"], "February 2027 has 28 days"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    path = small(tmp_path, "")
    code, _, err = run("set", path, *args)
    assert code == 2 and message in " ".join(err.split())


def test_the_same_date_changes_nothing(tmp_path: Path) -> None:
    path = small(tmp_path, "")
    assert run("set", path, "--launch-date", "2027-03-01") == (
        0,
        f"{path}: nothing to change\n",
        "",
    )
