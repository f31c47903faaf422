"""``gtm-check plan`` and the critical path in the audit: every format, the pace, hostile text."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from gtm_check.model.problems import GtmCheckError
from gtm_check.model.results import Report
from gtm_check.pipeline import with_critical_path
from gtm_check.report import RenderOptions
from gtm_check.report.registry import AUDIT, render
from gtm_check.scoring.score import score_launch
from tests.conftest import EXAMPLES, MINI_CHECKLIST, ROOT, WriteFile
from tests.report.audits import audit_text, plan_text
from tests.review.gitrepo import GitRepo
from tests.review.test_audit_history import AS_OF as HISTORY_AS_OF
from tests.review.test_audit_history import repo  # noqa: F401 - a fixture used below
from tests.test_critical_path import AS_OF as SMALL_AS_OF
from tests.test_critical_path import CHECKLIST, small_launch
from tests.test_hostile_text import assert_no_autolink, check_lines, hostile, write_case

AS_OF = dt.date(2027, 1, 15)
LATE = "critical path ends 2027-03-11, 10 days after launch: legal.channel-contracts"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args])
    return result.exit_code, result.output


def test_plan_answers_the_weekly_question_in_one_command() -> None:
    code, out = run("plan", str(EXAMPLES / "launch.yaml"), "--as-of", "2027-01-15")
    assert code == 0
    assert "the critical path ends 2027-03-11, 10 days after launch" in out
    assert "1. legal.channel-contracts: due 2027-01-05, done 2027-01-15 at the" in out
    assert "owner counsel@acme.example" in " ".join(out.split())


def test_plan_json_is_the_documented_shape() -> None:
    code, out = run("plan", str(EXAMPLES / "launch.yaml"), "--as-of", "2027-01-15", "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["schema_version", "launch", "critical_path", "items"]
    assert data["critical_path"] == {
        "ready": "2027-03-11",
        "days_after_launch": 10,
        "late": True,
        "chain": ["legal.channel-contracts"],
    }
    first = data["items"][0]
    assert (first["id"], first["slack"], first["late"], first["waits_on"]) == (
        "legal.channel-contracts",
        -10,
        10,
        None,
    )
    slacks = [i["slack"] for i in data["items"]]
    assert slacks == sorted(slacks) and len(slacks) == 55  # every open item


def test_plan_markdown_renders_its_tables() -> None:
    out = plan_text(EXAMPLES / "launch.yaml", AS_OF, "markdown")
    tokens = MarkdownIt("commonmark").enable("table").parse(out)
    assert sum(t.type == "table_open" for t in tokens) == 2
    assert "| 1 | `legal.channel-contracts` Partner and retailer contracts" in out


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "github"])
def test_the_audit_says_when_the_critical_path_ends_after_launch(fmt: str) -> None:
    late = audit_text((EXAMPLES / "launch.yaml",), AS_OF, fmt, RenderOptions(width=100))
    assert LATE in late
    in_time = audit_text((EXAMPLES / "enterprise-rollout.yaml",), AS_OF, fmt)
    assert "critical path" not in in_time


@pytest.mark.parametrize("fmt", ["json", "junit"])
def test_formats_without_a_summary_leave_it_to_plan(fmt: str) -> None:
    assert "critical path" not in audit_text((EXAMPLES / "launch.yaml",), AS_OF, fmt)


def small_report() -> Report:
    """The hand-worked launch of tests/test_critical_path.py: a.legal → a.contracts."""
    report = score_launch(small_launch(), [CHECKLIST], SMALL_AS_OF)
    return with_critical_path(report, [CHECKLIST])


def test_the_table_draws_the_chain_in_ascii_where_arrows_cannot_show() -> None:
    report = small_report()
    summary = "critical path ends 2027-03-10, 9 days after launch: a.legal → a.contracts"
    assert summary in render(AUDIT, "table", [report], RenderOptions(width=100))
    plain = render(AUDIT, "table", [report], RenderOptions(width=100, ascii=True))
    assert summary.replace("→", "->") in plain and plain.isascii()


def test_a_long_line_wraps_between_words_never_inside_an_id() -> None:
    out = render(AUDIT, "table", [small_report()], RenderOptions(width=60))
    # continued under its first word, as every wrapped line of the header
    assert "  critical path ends 2027-03-10, 9 days after launch:\n  a.legal → a.contracts" in out


# --- with the trend: which decides ------------------------------------------------------------

# The scripted history of tests/review/test_audit_history.py: learn passes 2027-02-06 at the
# current rate, buy makes no progress; the critical path ends on the as-of date (2027-01-20):
# nothing is late, every open item having no lead time and five days to launch.
DECIDES = (
    "the pace decides: at the current rate buy does not pass (no progress in 2 weeks), "
    "whatever the critical path allows (2027-01-20)"
)


def test_plan_with_history_says_the_pace_decides(repo: GitRepo) -> None:  # noqa: F811
    launch = str(repo.root / "launch.yaml")
    code, out = run("plan", launch, "--as-of", HISTORY_AS_OF, "--history")
    assert code == 0
    assert "learn: late by 12 days at the current rate (passes 2027-02-06)" in out
    assert " ".join(DECIDES.split()) in " ".join(out.split())
    code, out = run("plan", launch, "--as-of", HISTORY_AS_OF, "--history", "-f", "json")
    outlook = json.loads(out)["history"]["outlook"]
    assert outlook == {
        "decides": "pace",
        "critical_path": "2027-01-20",
        "pace": None,
        "stage": "buy",
        "verdict": "no progress in 2 weeks",
        "message": DECIDES,
    }
    code, out = run("plan", launch, "--as-of", HISTORY_AS_OF, "-f", "json")
    assert "history" not in json.loads(out)  # only when asked for


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_audit_with_history_says_which_decides(repo: GitRepo, fmt: str) -> None:  # noqa: F811
    args = ["audit", str(repo.root / "launch.yaml"), "--as-of", HISTORY_AS_OF, "-f", fmt]
    code, out = run(*args, "--history")
    assert code in (0, 1)
    assert " ".join(DECIDES.split()) in " ".join(out.split())
    assert "the pace decides" not in run(*args)[1]


# --- hostile text ------------------------------------------------------------------------------


@given(texts=st.lists(hostile, min_size=6, max_size=6))
def test_hostile_text_is_inert_in_every_plan_format(tmp_path: Path, texts: list[str]) -> None:
    path = write_case(tmp_path, texts)
    try:
        outputs = {fmt: plan_text(path, AS_OF, fmt) for fmt in ("table", "markdown", "json")}
    except GtmCheckError:
        assume(False)  # YAML refuses some characters outright
        return
    # JSON keeps each title exactly as the checklist holds it
    title = yaml.safe_load(yaml.safe_dump(texts[3], allow_unicode=True))
    items = json.loads(outputs["json"])["items"]
    assert sorted(i["title"] for i in items) == sorted([title, title + "2"])
    for fmt in ("table", "markdown"):
        check_lines(outputs[fmt], fmt)
    assert_no_autolink(outputs["markdown"])


@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "ics"])
@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01"])
def test_plan_at_the_ends_of_the_calendar(write: WriteFile, fmt: str, as_of: str) -> None:
    write("legal.yaml", MINI_CHECKLIST.replace("    severity: medium\n", _LATE_REQUIREMENT))
    path = write(
        "launch.yaml",
        "launch: Mini\nlaunch_date: 9999-12-31\nchecklists: [./legal.yaml]\nitems:\n"
        "  legal.trademarks: {status: todo, due: 0001-01-01}\n"
        "  legal.sla-terms: {status: todo, due: 9999-12-31}\n",
    )
    code, out = run("plan", str(path), "--as-of", as_of, "-f", fmt)
    assert code == 0 and out


_LATE_REQUIREMENT = "    severity: medium\n    requires: [legal.trademarks]\n"


def test_the_readme_shows_what_plan_prints() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "`gtm-check plan examples/launch.yaml --as-of 2027-01-15` begins:\n\n```text\n"
    sample = readme.split(command, 1)[1].split("```", 1)[0]
    printed = plan_text(EXAMPLES / "launch.yaml", AS_OF, "table", RenderOptions(width=80))
    assert printed.startswith(sample)


@pytest.mark.parametrize("width", [40, 60, 80])
def test_the_plan_table_fits_a_narrow_terminal(width: int) -> None:
    """Every line fits the width but for one word longer than it (an item id): a row whose
    id would run past the edge puts the id on a line of its own."""
    printed = plan_text(EXAMPLES / "launch.yaml", AS_OF, "table", RenderOptions(width=width))
    for line in printed.splitlines():
        assert len(line) <= width or len(line.split()) == 1, line
    assert "    cloud-operations.outage-communication" in printed or width == 80


def _mini_plan(write: WriteFile, rest: str, policy: str) -> tuple[Path, Path]:
    """A launch on the mini legal checklist (``rest`` after its name, date and checklists),
    and a policy file beside it."""
    write("legal.yaml", MINI_CHECKLIST)
    head = "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n"
    return write("launch.yaml", head + rest), write("policy.yaml", policy)


def test_plan_counts_the_launch_as_its_policy_lets_it(write: WriteFile) -> None:
    # The launch gates only grow and waives its learn blocker on an outsider's word: audit
    # fails the gate on both (the policy gates learn and lets only acme approve), so plan
    # must not say "ready now" with nothing open in the gated stages.
    path, policy = _mini_plan(
        write,
        "gate: {stages: [grow]}\n"
        "items: {legal.trademarks: todo, legal.sla-terms: done}\n"
        "waivers:\n"
        "  - {item: legal.trademarks, reason: r, approved_by: x@evil.example, "
        "expires: 2027-02-01}\n",
        "policy:\n  gate_stages: [learn]\n  waiver_approvers: ['@acme.example']\n",
    )
    args = ["plan", str(path), "--as-of", "2027-01-15", "-f", "json"]
    loose = json.loads(run(*args)[1])
    assert (loose["critical_path"]["chain"], loose["items"]) == ([], [])
    strict = json.loads(run(*args, "--policy", str(policy))[1])
    assert strict["critical_path"]["chain"] == ["legal.trademarks"]
    assert [(i["id"], i["gated"]) for i in strict["items"]] == [("legal.trademarks", True)]


def test_plan_never_says_ready_while_a_milestone_is_missed(write: WriteFile) -> None:
    # The gate checks learn alone, all done; beta, missed on 2027-01-10, wanted use at 50:
    # audit fails the gate on it, so plan names it and gives no day the launch is ready.
    path, _ = _mini_plan(
        write,
        "gate: {stages: [learn]}\n"
        "milestones: [{name: beta, date: 2027-01-10, stages: [use], min_score: 50}]\n"
        "items: {legal.trademarks: done, legal.sla-terms: todo}\n",
        "policy: {}\n",
    )
    args = ["plan", str(path), "--as-of", "2027-01-15"]
    missed = "beta missed by 5 days: use 0.0 < 50"
    out = run(*args)[1]
    assert "nothing is open in the gated stages, but it missed 1 milestone: not ready" in out
    assert f"Missed milestones (audit fails the gate on these):\n    {missed}\n" in out
    data = json.loads(run(*args, "-f", "json")[1])
    assert (data["critical_path"]["ready"], data["missed_milestones"]) == (None, [missed])
    assert "ready now" not in run(*args, "-f", "ics")[1].replace("\n ", "")
    assert f"- {missed.replace('<', '&lt;')}\n" in run(*args, "-f", "markdown")[1]
    assert run("audit", str(path), "--as-of", "2027-01-15")[0] == 1
    narrow = plan_text(path, dt.date(2027, 1, 15), "table", RenderOptions(width=40))
    assert "Missed milestones (audit fails the gate\n  on these):\n" in narrow
    assert max(len(line) for line in narrow.splitlines()) <= 40


def test_plan_never_says_ready_while_the_gate_fails_on_an_item_due_after_launch(
    write: WriteFile,
) -> None:
    # The learn blocker is due after launch day, so the critical path leaves it out: plan
    # said "nothing is open in the gated stages: ready now" in every format, while audit
    # failed the gate on it. A chain of other items gave a ready date just the same.
    path, _ = _mini_plan(
        write,
        "gate: {stages: [learn, use]}\n"
        "items: {legal.trademarks: {status: todo, due: 2027-04-01}, legal.sla-terms: done}\n",
        "policy: {}\n",
    )
    args = ["plan", str(path), "--as-of", "2027-01-15"]
    assert run("audit", str(path), "--as-of", "2027-01-15")[0] == 1
    held = "the gate fails on 1 open item due after launch (legal.trademarks): not ready"
    code, out = run(*args)
    assert code == 0
    assert f"nothing is on the critical path, but {held}" in " ".join(out.split())
    assert "ready now" not in out
    data = json.loads(run(*args, "-f", "json")[1])
    assert (data["critical_path"]["ready"], data["critical_path"]["days_after_launch"]) == (
        None,
        None,
    )
    calendar = run(*args, "-f", "ics")[1].replace("\r\n ", "").replace("\n ", "")
    assert held in calendar and "ready now" not in calendar
    assert "ready now" not in run(*args, "-f", "markdown")[1]
    # With the use item open and due by launch, there is a chain, and still no ready date.
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("sla-terms: done", "sla-terms: todo"), encoding="utf-8")
    data = json.loads(run(*args, "-f", "json")[1])
    assert (data["critical_path"]["chain"], data["critical_path"]["ready"]) == (
        ["legal.sla-terms"],
        None,
    )
    # ... and the table, Markdown and calendar say so too: they gave the chain's end alone,
    # which reads as ready early, and never named the item the gate fails on.
    chained = "the critical path ends 2027-01-15, 45 days before launch, but " + held
    assert chained in " ".join(run(*args)[1].split())
    markdown = " ".join(run(*args, "-f", "markdown")[1].split()).replace("\\", "")
    assert f"**T{chained[1:]}**" in markdown
    calendar = run(*args, "-f", "ics")[1].replace("\r\n ", "").replace("\n ", "")
    assert chained.replace(",", "\\,") in calendar
    # Done, it holds nothing back: ready now again.
    path.write_text(text.replace("{status: todo, due: 2027-04-01}", "done"), encoding="utf-8")
    assert "nothing is open in the gated stages: ready now" in run(*args)[1]


def test_plan_does_not_say_nothing_is_open_beside_an_item_due_after_launch(
    write: WriteFile,
) -> None:
    # The gate passes, and use's open item is due after launch day: the headline said
    # "nothing is open in the gated stages" above a table listing it, open, in use.
    path, _ = _mini_plan(
        write,
        "gate: {stages: [learn, use], min_score: 0}\n"
        "items: {legal.trademarks: done, legal.sla-terms: {status: todo, due: 2027-04-01}}\n",
        "policy: {}\n",
    )
    args = ["plan", str(path), "--as-of", "2027-01-15"]
    assert run("audit", str(path), "--as-of", "2027-01-15")[0] == 0
    out = run(*args)[1]
    assert "nothing is on the critical path: ready now (2027-01-15)" in out
    assert "nothing is open" not in out


def test_plan_never_says_ready_while_the_launch_goes_below_its_policy(write: WriteFile) -> None:
    # Nothing open in the gated stage, but learn's other item is n/a past the policy's share
    # and the tier is not allowed: audit fails the gate, so plan names the breaches.
    path, policy = _mini_plan(
        write,
        "tier: 3\ngate: {stages: [learn, use]}\n"
        "items: {legal.trademarks: n/a, legal.sla-terms: done}\n",
        "policy:\n  max_na_share: 0.25\n  allowed_tiers: [1, 2]\n",
    )
    args = ["plan", str(path), "--as-of", "2027-01-15", "--policy", str(policy)]
    breaches = [
        "tier 3 is not allowed; the policy allows 1, 2",
        "learn: 1 of the 1 items the launch owes are marked n/a (100%); the policy allows at "
        "most 25%",
    ]
    code, out = run(*args, "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["critical_path"]["chain"], data["policy"]) == ([], breaches)
    # No date the launch is ready on: the breaches are nothing the critical path finishes.
    assert (data["critical_path"]["ready"], data["critical_path"]["days_after_launch"]) == (
        None,
        None,
    )
    calendar = run(*args, "-f", "ics")[1].replace("\n ", "")  # unfolded
    assert "the launch goes below its policy (2 breaches): not ready" in calendar
    assert "ready 2027-01-15" not in calendar and "ready now" not in calendar
    out = run(*args)[1]
    assert "nothing is open in the gated stages, but the launch goes below its policy" in out
    assert "ready now" not in out
    assert "Below the policy (audit fails the gate on these):\n    tier 3 is not allowed" in out
    markdown = run(*args, "-f", "markdown")[1]
    assert f"- {breaches[0]}\n" in markdown
    plain = json.loads(run("plan", str(path), "--as-of", "2027-01-15", "-f", "json")[1])
    assert "policy" not in plain  # within its policy: the documented shape, no new key
    assert (plain["critical_path"]["ready"], plain["critical_path"]["days_after_launch"]) == (
        "2027-01-15",
        -45,
    )
