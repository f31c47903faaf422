"""``audit --verify`` end to end against a server on the loopback address: verified, failed
and unchecked items in every format; nothing fetched without ``--verify``; ``set --verify``."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from gtm_check.cli.commands import app
from gtm_check.load.verify.cache import entry_name, key_of
from gtm_check.load.verify.file import NOT_TRACKED
from gtm_check.load.verify.http import MAX_BODY_BYTES
from tests.conftest import EXAMPLES
from tests.report.audits import FORMATS
from tests.report.htmlscan import check_inert
from tests.test_hostile_text import assert_no_autolink, check_lines
from tests.verify.conftest import commit_all
from tests.verify.server import Site
from tests.verify.test_blocks import TEAM

AS_OF = "2027-01-01"


@pytest.fixture
def launch(repo: Path, site: Site) -> Path:
    """A launch whose pricing page passes its check, whose release notes fail theirs (both
    done), whose runbook passes (still todo: suggested as done), and one item unchecked."""
    site.page("/pricing", "<h1>Acme Insights</h1> from $10")
    (repo / "docs").mkdir()
    (repo / "docs" / "runbook.md").write_text("# Runbook\n")
    (repo / "team.yaml").write_text(TEAM, encoding="utf-8")
    (repo / ".gtm-check.yaml").write_text("policy:\n  verify_hosts: [127.0.0.1]\n")
    path = repo / "launch.yaml"
    path.write_text(
        "launch: Acme Insights\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
        "gate: {stages: [learn, buy, use], min_score: 10}\n"
        "items:\n"
        f"  team.pricing: {{status: done, verify: {{url: '{site.url('/pricing')}'}}}}\n"
        "  team.notes: {status: done, verify: {path: CHANGELOG.md, contains: 2.0.0}}\n",
        encoding="utf-8",
    )
    shutil.rmtree(repo / ".git")
    commit_all(repo)
    return path


def audit(path: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["audit", str(path), "--as-of", AS_OF, *args])


def test_nothing_is_fetched_without_verify(launch: Path, site: Site) -> None:
    assert CliRunner().invoke(app, ["validate", str(launch)]).exit_code == 0
    for fmt in FORMATS:
        assert audit(launch, "-f", fmt).exit_code in (0, 1)
    assert audit(launch, "--require-evidence", "-f", "json").exit_code in (0, 1)
    assert site.requests == []


def test_verify_fetches_each_check_once(launch: Path, site: Site) -> None:
    assert audit(launch, "--verify", "-f", "json").exit_code in (0, 1)
    assert site.paths() == ["/pricing"]


def test_json_reports_each_check_only_when_asked(launch: Path) -> None:
    plain = json.loads(audit(launch, "-f", "json").stdout)
    assert "checks" not in plain
    assert all("verification" not in gap for gap in plain["gaps"])
    report = json.loads(audit(launch, "--verify", "-f", "json").stdout)
    assert set(report) - set(plain) == {"checks"}
    checks = report["checks"]
    assert (checks["verified"], checks["failed"]) == (2, 1)
    assert checks["suggested_done"] == ["team.runbook"]
    by_id = {c["id"]: c for c in checks["items"]}
    assert by_id["team.pricing"] == {
        "id": "team.pricing",
        "status": "done",
        "result": "verified",
        "kind": "url",
        "target": by_id["team.pricing"]["target"],
        "why": "answered 200 with 'Acme'",
        "suggested_done": False,
    }
    assert (by_id["team.notes"]["result"], by_id["team.notes"]["why"]) == ("failed", NOT_TRACKED)
    assert by_id["team.runbook"]["suggested_done"] is True
    gaps = {gap["id"]: gap["verification"] for gap in report["gaps"]}
    assert gaps["team.plain"] == {
        "result": "not-checked",
        "kind": None,
        "target": None,
        "why": None,
    }
    assert gaps["team.runbook"]["result"] == "verified"
    codes = [(w["code"], w["item"]) for w in report["warnings"]]
    assert ("verification-failed", "team.notes") in codes
    # A check that passed is evidence: a done item it confirms is not "without evidence".
    assert ("done-without-evidence", "team.pricing") not in codes
    assert ("done-without-evidence", "team.notes") in codes


def test_every_format_shows_verified_failed_and_unchecked(launch: Path) -> None:
    text = {fmt: audit(launch, "--verify", "-f", fmt).stdout for fmt in FORMATS}
    assert "checks: 2 verified, 1 failed; 1 open item passes its check" in text["table"]
    assert "Verified but not done (1): mark it done?" in text["table"]
    assert "  team.runbook (docs/runbook.md: the file exists)" in text["table"]
    assert "## Checks" in text["markdown"]
    assert (
        "| `team.notes` | done | file CHANGELOG.md | ❌ verification failed (no such file in the "
        in (text["markdown"])
    )
    assert "todo (suggested: done)" in text["markdown"]
    assert "<h2>Checks (3)</h2>" in text["html"]
    assert "verification failed (no such file in the commit checked out" in text["html"]
    assert "✓ verified (the file exists)" in text["html"]
    suites = {s.get("name"): s for s in ET.fromstring(text["junit"]).iter("testsuite")}
    checks = suites["checks"]
    assert (checks.get("tests"), checks.get("skipped"), checks.get("failures")) == ("3", "1", "0")
    skipped = [c for c in checks.iter("testcase") if c.find("skipped") is not None]
    assert skipped[0].get("name") == "team.notes: file CHANGELOG.md"
    assert "::warning title=gtm-check warning%3A verification-failed::" in text["github"]
    assert (
        "::notice title=gtm-check%3A verified but not done::1 open item passes its check: "
        in (text["github"])
    )
    for fmt in ("table", "markdown", "html", "junit", "github"):
        assert "todo, verified" in text[fmt], fmt  # the suggested item's status, as a gap
    # The code-review formats: the suggested item's check in its finding, the failed one a
    # warning finding of its own.
    (runbook,) = [r for r in json.loads(text["sarif"])["runs"][0]["results"]
                  if r["ruleId"] == "team.runbook"]  # fmt: skip
    assert "Check: verified (the file exists). It passes: gtm-check set" in runbook[
        "message"]["text"]  # fmt: skip
    issues = {i["check_name"]: i["description"] for i in json.loads(text["gitlab"])}
    assert "Check: verified (the file exists)" in issues["gtm-check/team.runbook"]
    assert "gtm-check/verification-failed" in issues


def test_formats_without_verify_say_nothing_of_checks(launch: Path) -> None:
    for fmt in FORMATS:
        out = audit(launch, "-f", fmt).stdout
        for word in ("verified", "verification", "Checks", "checks:"):
            assert word not in out, (fmt, word)


def test_require_verified_opens_a_done_item_whose_check_fails(launch: Path) -> None:
    report = json.loads(audit(launch, "--verify", "--require-verified", "-f", "json").stdout)
    gaps = {gap["id"]: gap for gap in report["gaps"]}
    assert gaps["team.notes"]["status"] == "done"
    assert gaps["team.notes"]["verification"]["result"] == "failed"
    assert "team.pricing" not in gaps
    assert "--require-verified" in report["gate"]["overrides"]
    # Open instead of a warning, as --require-evidence does with done-without-evidence.
    assert "verification-failed" not in [w["code"] for w in report["warnings"]]
    table = audit(launch, "--verify", "--require-verified").stdout
    assert "done, verification failed" in table


def test_require_verified_needs_verify(launch: Path) -> None:
    result = audit(launch, "--require-verified")
    assert result.exit_code == 2
    assert "checks run only with --verify" in result.stderr


def test_verify_max_age_is_checked(launch: Path) -> None:
    assert audit(launch, "--verify", "--verify-max-age", "90m", "-f", "json").exit_code in (0, 1)
    result = audit(launch, "--verify", "--verify-max-age", "soon")
    assert result.exit_code == 2
    assert "give seconds, or a number with s, m, h or d" in result.stderr


def test_audit_never_writes_the_launch_file(launch: Path) -> None:
    before = launch.read_bytes()
    audit(launch, "--verify")
    assert launch.read_bytes() == before


def test_a_policy_can_make_a_failed_check_fail_the_gate(launch: Path) -> None:
    (launch.parent / ".gtm-check.yaml").write_text(
        "policy:\n  verify_hosts: [127.0.0.1]\n  fail_on_warnings: [verification-failed]\n"
    )
    result = audit(launch, "--verify", "-f", "json")
    assert result.exit_code == 1
    failures = json.loads(result.stdout)["gate"]["failures"]
    assert any(f.startswith("policy: warning verification-failed") for f in failures)


# --- set --verify ------------------------------------------------------------------------------


def set_items(path: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["set", str(path), *args, "--as-of", AS_OF])


def test_set_verify_records_a_passing_check_as_evidence(launch: Path) -> None:
    result = set_items(launch, "team.runbook", "--status", "done", "--verify")
    assert result.exit_code == 0, result.stderr
    assert "team.runbook: verified: docs/runbook.md: the file exists" in result.stdout
    state = yaml.safe_load(launch.read_text())["items"]["team.runbook"]
    assert state == {
        "status": "done",
        "done_on": dt.date(2027, 1, 1),
        "evidence": "docs/runbook.md",
    }


def test_set_verify_writes_the_address_as_evidence(launch: Path, site: Site) -> None:
    assert set_items(launch, "team.pricing", "--verify").exit_code == 0
    state = yaml.safe_load(launch.read_text())["items"]["team.pricing"]
    assert state["evidence"] == site.url("/pricing")


def test_set_verify_writes_nothing_when_a_check_fails(launch: Path) -> None:
    before = launch.read_bytes()
    result = set_items(launch, "team.runbook", "team.notes", "--status", "done", "--verify")
    assert result.exit_code == 1
    assert f"team.notes: verification failed: CHANGELOG.md: {NOT_TRACKED}; nothing written" in (
        result.stderr
    )
    assert launch.read_bytes() == before


def test_a_redirect_to_no_valid_address_fails_only_its_check(launch: Path, site: Site) -> None:
    site.redirect("/pricing", "http://[::1/x")
    why = "redirected to 'http://[::1/x', which is not a valid address"
    result = audit(launch, "--verify", "-f", "json")
    assert result.exit_code in (0, 1), result.stderr
    by_id = {c["id"]: (c["result"], c["why"]) for c in json.loads(result.stdout)["checks"]["items"]}
    assert by_id == {
        "team.pricing": ("failed", why),
        "team.notes": ("failed", NOT_TRACKED),
        "team.runbook": ("verified", "the file exists"),
    }
    before = launch.read_bytes()
    edit = set_items(launch, "team.pricing", "--verify")
    assert edit.exit_code == 1, edit.stderr
    assert f"team.pricing: verification failed: {site.url('/pricing')}: {why}; nothing written" in (
        edit.stderr
    )
    assert launch.read_bytes() == before


def test_set_verify_of_an_item_without_a_check_is_a_usage_error(launch: Path) -> None:
    result = set_items(launch, "team.plain", "--verify")
    assert result.exit_code == 2
    assert "team.plain has no check to run" in result.stderr


def test_set_verify_fetches_afresh(
    launch: Path, site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GTM_CHECK_CACHE_DIR", str(tmp_path / "cache"))
    audit(launch, "--verify")
    audit(launch, "--verify")
    assert site.paths() == ["/pricing"]  # the second audit took the cached pass
    set_items(launch, "team.pricing", "--verify")
    assert site.paths() == ["/pricing", "/pricing"]


def test_a_cache_entry_nested_too_deep_is_not_believed(
    launch: Path, site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    monkeypatch.setenv("GTM_CHECK_CACHE_DIR", str(cache))
    fields = {"kind": "url", "url": site.url("/pricing"), "contains": "Acme"}
    key = key_of(fields | {"address": "127.0.0.1", "limit": MAX_BODY_BYTES})
    (cache / entry_name(key)).write_text("[" * 4000)  # under the 4 KiB an entry may hold
    result = audit(launch, "--verify", "-f", "json")
    assert result.exit_code in (0, 1), result.stderr
    by_id = {c["id"]: (c["result"], c["why"]) for c in json.loads(result.stdout)["checks"]["items"]}
    assert by_id["team.pricing"] == ("verified", "answered 200 with 'Acme'")
    assert site.paths() == ["/pricing"]  # checked as without a cache


# --- the built-in templates --------------------------------------------------------------------


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_builtin_template_no_launch_fills_checks_and_warns_nothing(example: Path) -> None:
    plain = json.loads(audit(example, "-f", "json").stdout)
    verified = json.loads(audit(example, "--verify", "-f", "json").stdout)
    assert verified.pop("checks") == {
        "verified": 0,
        "failed": 0,
        "suggested_done": [],
        "items": [],
    }
    for gap in verified["gaps"]:
        assert gap.pop("verification")["result"] == "not-checked"
    assert verified == plain


HOSTILE = ["\x1b]52;c;aGk=\x07", "\n::error::forged", "##[group]x", "<script>x</script>",
           "|a|b|", "\u202eevil", "www.evil.example @someone"]  # fmt: skip


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_what_a_check_reports_is_inert_in_every_format(tmp_path: Path, text: str) -> None:
    # A check's words quote what the launch file wrote (contains:), and a server's answer
    # (a Location header) may be quoted too: every format shows them as it shows any text.
    (tmp_path / "team.yaml").write_text(TEAM, encoding="utf-8")
    (tmp_path / "notes.md").write_text("nothing here")
    launch = tmp_path / "launch.yaml"
    launch.write_text(
        "launch: Acme\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\nitems:\n"
        f"  team.notes: {{status: done, verify: {{path: notes.md, contains: {json.dumps(text)}}}}}"
        f"\n  team.plain: {{verify: {{path: notes.md, contains: {json.dumps(text + 'x')}}}}}\n",
        encoding="utf-8",
    )
    for fmt in FORMATS:
        result = audit(launch, "--verify", "-f", fmt)
        assert result.exit_code in (0, 1), result.stderr
        if fmt == "json":
            checks = json.loads(result.stdout)["checks"]["items"]
            assert {c["result"] for c in checks} == {"failed"}
            continue
        check_lines(result.stdout, fmt)
        if fmt == "markdown":
            assert_no_autolink(result.stdout)
        if fmt == "html":
            check_inert(result.stdout)


def test_the_calendar_says_what_a_due_items_check_found(launch: Path) -> None:
    text = launch.read_text(encoding="utf-8") + "  team.runbook: {status: todo, due: 2027-02-01}\n"
    launch.write_text(text, encoding="utf-8")
    calendar = re.sub(r"\r?\n ", "", audit(launch, "--verify", "-f", "ics").stdout)  # unfolded
    assert "check: verified (the file exists)\\; it passes: mark it done" in calendar
    assert "\\ncheck:" not in audit(launch, "-f", "ics").stdout


def test_no_report_replaces_a_file_a_check_read(launch: Path) -> None:
    # -o named the file a check of the same run had just read: the runbook it verified was
    # replaced by the report, and the next run's check read the report.
    runbook = launch.parent / "docs" / "runbook.md"
    before = runbook.read_bytes()
    for args in (["-o", str(runbook)], ["-f", "json", f"--also=markdown={runbook}"]):
        result = audit(launch, "--verify", *args)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            f"{runbook}:1:1: is one of the input files; choose another output file\n"
        )
        assert runbook.read_bytes() == before
