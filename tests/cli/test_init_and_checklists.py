"""`gtm-check init` and `gtm-check checklists`, from the command line."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from gtm_check.cli import init as init_module
from gtm_check.cli.commands import app
from gtm_check.load.checklists import ChecklistReader
from gtm_check.model.vocabulary import DEPARTMENTS
from tests.conftest import ROOT, git_folder

BUILTIN = [c.checklist for c in ChecklistReader().builtin()]


def holds(condition: list[str] | dict[str, list[str]], traits: list[str]) -> bool:
    """``applies_if`` read straight from the YAML, by the README's words."""
    if isinstance(condition, list):
        return set(condition) <= set(traits)
    return (
        set(condition.get("all", [])) <= set(traits)
        and (not condition.get("any") or bool(set(condition["any"]) & set(traits)))
        and not set(condition.get("none", [])) & set(traits)
    )


def expected_ids(traits: list[str], tier: int = 1) -> list[str]:
    """The built-in items a launch with these traits and tier owes, read straight from the
    YAML: an oracle that shares no code with gtm-check's applicability rule."""
    raw = [
        i
        for d in DEPARTMENTS
        for i in yaml.safe_load((ROOT / "checklists" / f"{d}.yaml").read_text("utf-8"))["items"]
    ]
    owed = [i for i in raw if holds(i.get("applies_if", []), traits) and tier <= i.get("tier", 3)]
    stage_order = ["learn", "buy", "use", "grow"]
    return [i["id"] for i in sorted(owed, key=lambda i: stage_order.index(i["stage"]))]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "80"}).invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def init(path: Path, *extra: str) -> tuple[int, str, str]:
    return run("init", str(path), "--name", "X", "--launch-date", "2027-06-01", *extra)


@pytest.mark.parametrize(
    "traits",
    [
        [],
        ["saas"],
        ["saas", "subscription", "channel-sales", "personal-data"],
        ["physical-product", "multi-region", "third-party-components"],
        ["on-prem", "licensed-software", "paid-services", "regulated"],
        ["saas", "marketplace"],
    ],
)
def test_init_writes_a_file_that_validates_and_audits(tmp_path: Path, traits: list[str]) -> None:
    path = tmp_path / "launch.yaml"
    code, out, err = init(path, *[arg for t in traits for arg in ("--trait", t)])
    assert code == 0, err
    expected = expected_ids(traits)
    assert f"{len(expected)} items as todo" in out

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(data["items"]) == expected
    statuses = [s if isinstance(s, str) else s["status"] for s in data["items"].values()]
    assert set(statuses) == {"todo"}
    assert data["traits"] == traits
    assert data["gate"] == {"stages": ["learn", "buy", "use"], "min_score": 80}

    assert run("validate", str(path))[0] == 0
    code, out, _ = run("audit", str(path), "--as-of", "2027-01-01", "-f", "json")
    assert code == 1  # nothing is done yet
    assert json.loads(out)["overall"]["open"] == len(expected)


def test_marketplace_brings_what_every_marketplace_shares_and_no_cloud_items(
    tmp_path: Path,
) -> None:
    path = tmp_path / "launch.yaml"
    assert init(path, "--trait", "saas", "--trait", "marketplace")[0] == 0
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    shared = ["marketing.marketplace-listing", "product-management.marketplace-fee"]
    shared += ["finance-operations.seller-account"]
    assert [i for i in shared if i in items] == shared
    assert "sales.co-sell" not in items  # a cloud marketplace's own program


def test_init_file_reads_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "launch.yaml"
    init(path, "--trait", "saas")
    text = path.read_text(encoding="utf-8")
    assert "# === Learn about it (learn) ===" in text
    assert "# --- Legal ---" in text
    # no due date is written: the comment gives the lead time, and the date follows the launch
    assert "due:" not in text.split("\nitems:", 1)[1]
    assert "legal.trademarks: todo" in text
    assert "# blocker: Product name and marks cleared and filed (due 120 days before launch)" in (
        text
    )
    # stages appear in journey order
    positions = [text.index(f"({s})") for s in ("learn", "buy", "use", "grow")]
    assert positions == sorted(positions)


def test_a_minor_launch_owes_the_items_listed_here_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "launch.yaml"
    code, out, _ = init(path, "--department", "legal", "--tier", "3", "--trait", "personal-data")
    assert code == 0 and "2 items as todo" in out
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["tier"] == 3
    assert list(data["items"]) == ["legal.privacy", "legal.customer-agreement"]
    # a tier-2 launch with the same trait owes the standard items too
    code, out, _ = init(
        tmp_path / "standard.yaml",
        "--department",
        "legal",
        "--tier",
        "2",
        "--trait",
        "personal-data",
    )
    standard = yaml.safe_load((tmp_path / "standard.yaml").read_text(encoding="utf-8"))["items"]
    assert list(standard) == [
        "legal.trademarks", "legal.copyright", "legal.privacy", "legal.marketing-review",
        "legal.customer-agreement", "legal.contract-scope", "legal.dpa", "legal.sla-terms",
        "legal.breach-notification",
    ]  # fmt: skip


def test_init_dates_each_item_by_the_lead_time_of_the_launch_tier(tmp_path: Path) -> None:
    # product-management.launch-tier is due 180, 120 or 21 days out at tier 1, 2 or 3: the
    # comment says so, and the audit derives the date from the launch date.
    for tier, (lead, due) in enumerate(
        ((180, "2026-12-03"), (120, "2027-02-01"), (21, "2027-05-11")), start=1
    ):
        path = tmp_path / f"tier{tier}.yaml"
        assert init(path, "--tier", str(tier), "--no-schema")[0] == 0
        text = path.read_text(encoding="utf-8")
        line = next(t for t in text.splitlines() if "product-management.launch-tier:" in t)
        assert line.split("#")[0].split() == ["product-management.launch-tier:", "todo"]
        assert line.endswith(f"(due {lead} days before launch)")
        code, out, _ = run("audit", str(path), "--as-of", "2026-01-01", "-f", "json")
        gaps = {g["id"]: g["due"] for g in json.loads(out)["gaps"]}
        assert gaps["product-management.launch-tier"] == due


def test_a_three_week_minor_launch_starts_with_nothing_overdue(tmp_path: Path) -> None:
    path = tmp_path / "feature.yaml"
    traits = ("--trait", "saas", "--trait", "subscription", "--trait", "self-serve")
    code, _, _ = run("init", str(path), "--name", "F", "--launch-date", "2027-01-22",
                     "--tier", "3", *traits, "--no-schema")  # fmt: skip
    assert code == 0
    code, out, _ = run("audit", str(path), "--as-of", "2027-01-01", "-f", "json")
    overall = json.loads(out)["overall"]
    assert overall["open"] > 20 and overall["overdue"] == 0


def test_checklists_show_gives_each_tier_its_lead_time() -> None:
    code, out, _ = run("checklists", "show", "product-management", "--stage", "learn")
    assert code == 0
    assert "due 180 days before launch at tier 1, 120 at tier 2, 21 at tier 3" in " ".join(
        out.split()
    )


def test_init_with_departments_names_only_those(tmp_path: Path) -> None:
    path = tmp_path / "launch.yaml"
    code, _, _ = init(path, "--department", "legal", "--department", "support")
    assert code == 0
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["checklists"] == ["legal", "support"]
    assert {i.split(".")[0] for i in data["items"]} == {"legal", "support"}
    assert run("validate", str(path))[0] == 0


def test_init_quotes_a_hostile_name(tmp_path: Path) -> None:
    path = tmp_path / "launch.yaml"
    name = 'Acme: "2.0" # [beta] & *stuff*\nsecond line'
    code, _, _ = run("init", str(path), "--name", name, "--launch-date", "2027-06-01")
    assert code == 0
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["launch"] == name
    assert run("validate", str(path))[0] == 0


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "launch.yaml"
    path.write_text("precious: true\n", encoding="utf-8")
    code, out, err = init(path)
    assert code == 2
    assert err == f"{path}:1:1: already exists (pass --force to overwrite it)\n"
    assert path.read_text(encoding="utf-8") == "precious: true\n"
    assert init(path, "--force")[0] == 0
    assert "precious" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--trait", "sas"], "unknown trait 'sas' (did you mean 'saas'?)"),
        (["--department", "lgal"], "unknown built-in department 'lgal' (did you mean 'legal'?)"),
        (["--trait", "marketplce"], "unknown trait 'marketplce' (did you mean 'marketplace'?)"),
    ],
)
def test_init_rejects_unknown_words_and_writes_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    path = tmp_path / "launch.yaml"
    code, out, err = init(path, *args)
    assert code == 2
    assert message in err
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_init_bad_date_and_missing_name(tmp_path: Path) -> None:
    code, _, err = run("init", str(tmp_path / "l.yaml"), "--name", "X", "--launch-date", "soon")
    assert code == 2 and "'soon' is not a date" in err
    code, _, err = run("init", str(tmp_path / "l.yaml"), "--launch-date", "2027-01-01")
    assert (code, err) == (2, "gtm-check init: --name: missing: the launch's name\n")
    assert list(tmp_path.iterdir()) == []


def test_init_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = init(tmp_path / "nope" / "launch.yaml")
    assert code == 2
    assert "does not exist" in err


def test_checklists_lists_every_department_with_counts() -> None:
    code, out, _ = run("checklists")
    assert code == 0
    for checklist in BUILTIN:
        assert checklist.department in out
    total = sum(len(c.items) for c in BUILTIN)
    assert "All departments" in out and str(total) in out
    assert "channel-sales" in out  # the traits are listed with their meaning


def test_checklists_json_counts_match_the_files() -> None:
    code, out, _ = run("checklists", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [d["key"] for d in data["departments"]] == list(DEPARTMENTS)
    for entry, checklist in zip(data["departments"], BUILTIN, strict=True):
        assert entry["items"] == len(checklist.items) == sum(entry["stages"].values())
    assert "saas" in data["traits"]


def test_checklists_show_legal_reads_as_a_legal_review() -> None:
    code, out, _ = run("checklists", "show", "legal")
    assert code == 0
    legal = next(c for c in BUILTIN if c.department == "legal")
    for item in legal.items:
        assert item.id in out
    assert "Customer agreement approved (EULA, subscription or online terms)" in out
    assert "Ask: " in out and "Done when: " in out
    assert "if personal-data" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_checklists_show_filters_by_stage() -> None:
    code, out, _ = run("checklists", "show", "legal", "--stage", "buy", "-f", "json")
    assert code == 0
    items = json.loads(out)["items"]
    assert items and {i["stage"] for i in items} == {"buy"}


def test_checklists_show_unknown_department() -> None:
    code, out, err = run("checklists", "show", "lgal")
    assert code == 2 and out == ""
    assert "unknown built-in department 'lgal' (did you mean 'legal'?)" in err


def test_init_warns_about_a_launch_date_in_the_past(tmp_path: Path) -> None:
    path = tmp_path / "launch.yaml"
    code, out, err = run("init", str(path), "--name", "X", "--launch-date", "2020-01-01")
    assert code == 0 and path.exists()
    assert "the launch date 2020-01-01 is in the past" in err
    soon = (dt.date.today() + dt.timedelta(days=100)).isoformat()
    code, _, err = run("init", str(tmp_path / "later.yaml"), "--name", "X", "--launch-date", soon)
    assert code == 0 and err == ""


class _LastDay(dt.date):
    """A calendar whose today is its last day."""

    @classmethod
    def today(cls) -> _LastDay:
        return cls(9999, 12, 31)


@pytest.mark.parametrize("launch_date", ["0001-01-01", "9999-12-31"])
def test_init_on_the_calendars_last_day_writes_a_file_that_audits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, launch_date: str
) -> None:
    monkeypatch.setattr(init_module, "dt", types.SimpleNamespace(date=_LastDay))
    path = tmp_path / "launch.yaml"
    code, out, err = run("init", str(path), "--name", "X", "--launch-date", launch_date)
    assert code == 0, err
    assert f"Wrote {path}: " in out
    past = launch_date < "9999-12-31"
    assert ("is in the past" in err) is past
    code, _, err = run("audit", str(path), "--as-of", "9999-12-31", "-f", "json")
    assert code == 1, err


def test_init_never_writes_its_schema_through_a_link(tmp_path: Path) -> None:
    """A branch commits `.gtm-check/launch.schema.json` (or the folder) as a link to a file
    of the repository, a workflow say: init refuses before writing anything, the target
    untouched."""
    git_folder(tmp_path)
    workflow = tmp_path / "release.yml"
    workflow.write_text("name: release\n", encoding="utf-8")
    folder = tmp_path / "launches"
    (folder / ".gtm-check").mkdir(parents=True)
    (folder / ".gtm-check" / "launch.schema.json").symlink_to(workflow)
    code, out, err = init(folder / "q3.yaml")
    assert code == 2 and "is a symbolic link" in err, err
    assert workflow.read_text("utf-8") == "name: release\n"
    assert not (folder / "q3.yaml").exists()
    (folder / ".gtm-check" / "launch.schema.json").unlink()
    (folder / ".gtm-check").rmdir()
    (folder / ".gtm-check").symlink_to(tmp_path)
    code, out, err = init(folder / "q3.yaml")
    assert code == 2 and "is a symbolic link" in err, err
    assert not (folder / "q3.yaml").exists() and not (tmp_path / "launch.schema.json").exists()
    assert init(folder / "q3.yaml", "--no-schema")[0] == 0


def test_init_replaces_a_schema_file_only_if_it_wrote_it(tmp_path: Path) -> None:
    schema = tmp_path / ".gtm-check" / "launch.schema.json"
    schema.parent.mkdir()
    schema.write_text('{"title": "something of the team\'s"}\n', encoding="utf-8")
    code, _, err = init(tmp_path / "a.yaml")
    assert code == 2 and "not a schema gtm-check wrote" in err, err
    assert not (tmp_path / "a.yaml").exists()
    assert init(tmp_path / "a.yaml", "--force")[0] == 0
    assert json.loads(schema.read_text("utf-8"))["title"] == "gtm-check launch file"
    # An older schema of gtm-check's own is brought up to date without --force.
    schema.write_text('{"title": "gtm-check launch file"}\n', encoding="utf-8")
    assert init(tmp_path / "b.yaml")[0] == 0
    assert len(schema.read_text("utf-8")) > 100


LEAVE_IT = "nothing was written (remove it, or pass --no-schema)"


@pytest.mark.parametrize("force", [False, True], ids=["", "--force"])
def test_init_refuses_a_schema_folder_that_is_a_file_and_writes_nothing(
    tmp_path: Path, force: bool
) -> None:
    """A pull request commits a file named `.gtm-check`: init refuses before writing the
    launch file (or replacing one with --force), saying what is there."""
    git_folder(tmp_path)
    (tmp_path / ".gtm-check").write_text("hi\n", encoding="utf-8")
    path = tmp_path / "launch.yaml"
    if force:
        path.write_text("precious: true\n", encoding="utf-8")
    code, out, err = init(path, *(["--force"] if force else []))
    assert (code, out) == (2, "")
    assert err == (
        f"{tmp_path / '.gtm-check'}:1:1: is a file, not a folder: init writes its editor "
        f"schema into a folder of this name; {LEAVE_IT}\n"
    )
    assert (tmp_path / ".gtm-check").read_text("utf-8") == "hi\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".git",
        ".gtm-check",
        *(["launch.yaml"] if force else []),
    ]
    if force:
        assert path.read_text("utf-8") == "precious: true\n"


WHAT_IS_THERE = {
    "folder": "is a directory, not a file: init writes its editor schema as a file of this "
    f"name; {LEAVE_IT}",
    "fifo": "is a FIFO, device or socket, not a regular file: init writes its editor schema "
    f"as a file of this name, and does not read this one; {LEAVE_IT}",
}


def _plant(schema: Path, kind: str) -> None:
    schema.parent.mkdir()
    if kind == "folder":
        schema.mkdir()
    else:
        os.mkfifo(schema)


@pytest.mark.parametrize("force", [False, True], ids=["", "--force"])
@pytest.mark.parametrize("kind", list(WHAT_IS_THERE))
def test_init_refuses_a_folder_or_fifo_where_its_schema_goes_and_writes_nothing(
    tmp_path: Path, kind: str, force: bool
) -> None:
    """A folder or a FIFO at `.gtm-check/launch.schema.json`: refused, with --force too,
    before the launch file is written or replaced; a FIFO is never opened to be read (that
    would wait for a writer for ever), so a real process is run, with a time limit."""
    schema = tmp_path / ".gtm-check" / "launch.schema.json"
    _plant(schema, kind)
    path = tmp_path / "launch.yaml"
    if force:
        path.write_text("precious: true\n", encoding="utf-8")
    child = subprocess.run(
        [sys.executable, "-m", "gtm_check", "init", str(path), "--name", "X"]
        + ["--launch-date", "2027-06-01", *(["--force"] if force else [])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (child.returncode, child.stdout) == (2, "")
    assert child.stderr == f"{schema}:1:1: {WHAT_IS_THERE[kind]}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".gtm-check",
        *(["launch.yaml"] if force else []),
    ]
    assert [p.name for p in schema.parent.iterdir()] == ["launch.schema.json"]
    if force:
        assert path.read_text("utf-8") == "precious: true\n"


def test_init_refuses_a_fifo_as_the_launch_file_in_its_own_words(tmp_path: Path) -> None:
    path = tmp_path / "launch.yaml"
    os.mkfifo(path)
    code, out, err = init(path, "--force", "--no-schema")
    assert (code, out) == (2, "")
    assert err == (
        f"{path}:1:1: is not a regular file (a device, FIFO or socket); init writes only a "
        "regular file: name another path\n"
    )


def test_init_refuses_a_launch_file_named_as_its_schema_folder(tmp_path: Path) -> None:
    path = tmp_path / ".gtm-check"
    code, out, err = init(path)
    assert (code, out) == (2, "")
    assert err == (
        f"{path}:1:1: is the folder init writes the editor schema into (.gtm-check); nothing "
        "was written: name the launch file otherwise, or pass --no-schema\n"
    )
    assert list(tmp_path.iterdir()) == []
    assert init(path, "--no-schema")[0] == 0


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A ``.gtm-check`` folder that takes no file, and why the system says it does not:
    immutable (``chattr +i``) as root, whom permissions do not stop; read-only otherwise."""
    folder = tmp_path / ".gtm-check"
    folder.mkdir()
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(folder)], check=False).returncode:
            pytest.skip("as root, only an immutable folder refuses files; chattr +i failed")
        yield folder, "Operation not permitted"
        subprocess.run([chattr, "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        yield folder, "Permission denied"
        folder.chmod(0o755)


@pytest.mark.parametrize("force", [False, True], ids=["", "--force"])
def test_init_writes_nothing_when_the_schema_folder_takes_no_file(
    tmp_path: Path, unwritable: tuple[Path, str], force: bool
) -> None:
    """A `.gtm-check` folder that cannot be written: init exits 2 at the schema's place
    without writing the launch file, or replacing it with --force."""
    folder, why = unwritable
    path = tmp_path / "launch.yaml"
    if force:
        path.write_text("precious: true\n", encoding="utf-8")
    code, out, err = init(path, *(["--force"] if force else []))
    assert (code, out) == (2, "")
    assert err == f"{folder / 'launch.schema.json'}:1:1: cannot write: {why}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".gtm-check",
        *(["launch.yaml"] if force else []),
    ]
    assert list(folder.iterdir()) == []
    if force:
        assert path.read_text("utf-8") == "precious: true\n"


def test_init_writes_nothing_when_the_disk_fills_and_removes_the_folder_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The launch file is written to its temporary file, the schema's fails (a full disk):
    neither is put in place, no temporary file is left, nor the `.gtm-check` folder made."""
    synced: list[int] = []

    def full_at_the_second(fd: int) -> None:
        synced.append(fd)
        if len(synced) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_at_the_second)  # as cli/output.py calls it
    path = tmp_path / "launch.yaml"
    code, out, err = init(path)
    assert (code, out) == (2, "")
    assert err == (
        f"{tmp_path / '.gtm-check' / 'launch.schema.json'}:1:1: cannot write: No space left "
        "on device\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_init_never_writes_into_the_built_in_checklists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # init --force over the installed legal.yaml made every later run fail to load it (as
    # root in CI, the package itself). Here the built-ins are a copy, in case it did.
    copy = _builtin_copy(tmp_path, monkeypatch)
    before = (copy / "legal.yaml").read_bytes()
    target = copy / "legal.yaml"
    result = CliRunner().invoke(
        app, ["init", str(target), "--name", "T", "--launch-date", "2027-06-01", "--force"]
    )
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"{target}:1:1: {OWN_FILES}\n"
    assert (copy / "legal.yaml").read_bytes() == before
    assert not (copy / ".gtm-check").exists()


OWN_FILES = (
    "is in gtm-check's own files (its package or its built-in checklists); choose another path"
)


def _builtin_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built-in checklists that gtm-check takes for them, so that a test
    that fails writes into the copy, never the real ones."""
    from gtm_check.cli import output
    from gtm_check.load import checklists as checklists_module

    copy = tmp_path / "builtin"
    shutil.copytree(checklists_module.builtin_dir(), copy)
    monkeypatch.setattr(checklists_module, "builtin_dir", lambda: copy)
    monkeypatch.setattr(output, "builtin_dir", lambda: copy)
    return copy


@pytest.mark.parametrize("where", ["built-in checklists", "package"])
def test_audit_output_never_writes_into_gtm_checks_own_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    # -o into the built-in checklists' folder made every later run load the report as a
    # checklist; into the package, every later run ended in a traceback.
    import gtm_check

    copy = _builtin_copy(tmp_path, monkeypatch)
    folder = copy if where == "built-in checklists" else Path(gtm_check.__file__).parent
    target = folder / "zzz-gtm-check-test-report.json"
    launch = ROOT / "examples" / "feature.yaml"
    args = ["audit", str(launch), "--as-of", "2027-01-15", "-f", "json", "-o", str(target)]
    try:
        result = CliRunner().invoke(app, args)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == f"{target}:1:1: {OWN_FILES}\n"
        assert not target.exists()
    finally:
        target.unlink(missing_ok=True)


def test_init_refuses_dash_which_names_standard_input_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file named "-" would be read back by "gtm-check audit -" as standard input, which
    # init's own closing line suggested: ./- names the file.
    monkeypatch.chdir(tmp_path)
    code, out, err = run("init", "-", "--name", "X", "--launch-date", "2027-06-01")
    assert (code, out, list(tmp_path.iterdir())) == (2, "", [])
    assert err == (
        "gtm-check init: PATH: '-' means standard input or output, not a file: write ./- for a "
        "file named '-'\n"
    )
    code, out, _ = run("init", "./-", "--name", "X", "--launch-date", "2027-06-01", "--no-schema")
    assert code == 0 and (tmp_path / "-").is_file()
    assert out.endswith(f"gtm-check audit {tmp_path / '-'}\n")


HOSTILE_TEXT = "".join(map(chr, [*range(1, 32), *range(0x7F, 0xA0), 0x2028, 0x2029, 0xFFFE]))
"""Every character a YAML value or comment cannot hold raw (NUL cannot be an argument)."""


@pytest.mark.parametrize("cut", range(0, len(HOSTILE_TEXT), 8))
def test_init_writes_any_name_and_owner_as_a_file_that_reads_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut: int
) -> None:
    # A pipeline may pass outside text (a pull request's title) to --name and --owner: init
    # wrote control characters raw, into a value and into the first line's comment, and
    # the file it said to audit was refused (or set a terminal's title when shown).
    monkeypatch.chdir(tmp_path)
    name = f"N{HOSTILE_TEXT[cut : cut + 8]}\x1b]0;title\x07 end"
    owner = f"o{HOSTILE_TEXT[cut : cut + 8]}w"
    args = ["init", "a.yaml", "--name", name, "--owner", owner, "--launch-date", "2027-06-01"]
    code, _, err = run(*args, "--no-schema")
    assert code == 0, err
    assert run("validate", "a.yaml")[0] == 0
    text = (tmp_path / "a.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert (data["launch"], data["owner"]) == (name, owner)
    first = text.splitlines()[0]
    assert first.isprintable() and "\\x1b]0;title\\x07" in first


def test_init_refuses_an_owner_no_command_would_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An owner of 1,001 characters was written, exit 0, and every command reading the file
    # refused it ("owner: is 1,001 characters; the limit is 1,000"), as set --owner does.
    monkeypatch.chdir(tmp_path)
    args = ["init", "a.yaml", "--name", "N", "--launch-date", "2027-06-01", "--no-schema"]
    code, out, err = run(*args, "--owner", "x" * 1_001)
    assert (code, out) == (2, "")
    assert err == "gtm-check init: --owner: is 1,001 characters; the limit is 1,000\n"
    assert list(tmp_path.iterdir()) == []
    assert run(*args, "--owner", "x" * 1_000)[0] == 0
    assert run("validate", "a.yaml")[0] == 0


def test_a_launch_or_checklist_name_past_its_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reports repeat the launch's name beside every item (SARIF, GitLab) and the
    # department's (Markdown, HTML): 200,000 characters over 5,000 items made a 1 GB report.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "team.yaml").write_text(
        f"department: team\nname: {'N' * 501}\n"
        "items:\n  - {id: team.a, stage: learn, title: T, severity: low}\n",
        encoding="utf-8",
    )
    (tmp_path / "a.yaml").write_text(
        f"launch: {'x' * 501}\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n",
        encoding="utf-8",
    )
    code, _, err = run("validate", "a.yaml")
    assert code == 2
    assert "a.yaml:1:9: launch: is 501 characters; the limit is 500\n" in err
    assert "team.yaml:2:7: name: is 501 characters; the limit is 500\n" in err
    args = ["init", "i.yaml", "--launch-date", "2027-06-01", "--no-schema", "--name"]
    code, out, err = run(*args, "n" * 501)
    assert (code, out) == (2, "")
    assert err == "gtm-check init: --name: is 501 characters; the limit is 500\n"
    assert not (tmp_path / "i.yaml").exists()
    assert run(*args, "n" * 500)[0] == 0
