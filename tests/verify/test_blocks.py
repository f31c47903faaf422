"""``verify:`` blocks as validate reads them: every mistake located, with a did-you-mean
where one helps; the template and the launch file's fill; the policy's verify_hosts."""

from __future__ import annotations

import ipaddress
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from gtm_check.load import launch as launch_module
from gtm_check.model.inputs import Policy
from gtm_check.model.verify import (
    FileCheck,
    HostList,
    UrlCheck,
    address_allowed,
    host_allowed,
    merged,
)
from tests.verify.server import Site

TEAM = """\
department: team
name: Team
items:
  - id: team.pricing
    stage: buy
    title: Pricing page live
    severity: high
    verify: {kind: url, contains: Acme}
  - id: team.notes
    stage: learn
    title: Release notes
    severity: high
    verify: {kind: file}
  - id: team.runbook
    stage: use
    title: Runbook
    severity: medium
    verify: {path: docs/runbook.md}
  - id: team.plain
    stage: use
    title: No check
    severity: low
"""


def launch_with(repo: Path, items: str, checklist: str = TEAM) -> Path:
    (repo / "team.yaml").write_text(checklist, encoding="utf-8")
    path = repo / "launch.yaml"
    head = "launch: Acme\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\nitems:\n"
    path.write_text(head + textwrap.indent(textwrap.dedent(items), "  "), encoding="utf-8")
    return path


def validate(path: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["validate", str(path), *args])
    lines = [
        line.split(": ", 1)[1] if ": " in line else line for line in result.stderr.splitlines()
    ]
    return result.exit_code, [f"{loc}: {m}" for loc, m in (_where(result.stderr))] or lines


def _where(stderr: str) -> list[tuple[str, str]]:
    """Each problem as (line:column, message), the path left out."""
    found = []
    for line in stderr.splitlines():
        path_line_col, _, message = line.partition(": ")
        found.append((":".join(path_line_col.split(":")[-2:]), message))
    return found


@pytest.mark.parametrize(
    ("state", "problem"),
    [
        (
            "verify: {kind: fle, path: x}",
            "6:20: kind: 'fle' is not a kind of check; the kinds: file, url (did you mean 'file'?)",
        ),
        (
            "verify: {contains: Acme}",
            "6:13: verify: name what to check: path: for a file in the repository, or url: for "
            "an address",
        ),
        (
            "verify: https://acme.example",
            "6:13: verify: expected a mapping such as {url: "
            "https://...} or {path: docs/notes.md}, got text",
        ),  # fmt: skip
        (
            "verify: {url: 'https://a.example', contans: Acme}",
            "6:40: unknown key 'contans' (did you mean 'contains'?)",
        ),
        (
            "verify: {path: x, mathces: 'a'}",
            "6:23: unknown key 'mathces' (did you mean 'matches'?)",
        ),
        (
            "verify: {path: x, matches: '(a'}",
            "6:32: matches: not a valid regular expression: missing ), unterminated subpattern "
            "at position 1",
        ),
        (
            "verify: {url: 'ftp://acme.example/x'}",
            "6:19: url: 'ftp://acme.example/x' is not an http or https address; only those are "
            "checked",
        ),
        (
            "verify: {url: 'https://me:pw@acme.example/'}",
            "6:19: url: 'https://me:pw@acme.example/' holds a user name or password; gtm-check "
            "sends no credentials, so remove them",
        ),
        ("verify: {url: 'https:///x'}", "6:19: url: 'https:///x' names no host"),
        (
            "verify: {url: 'https://a.example/a b'}",
            "6:19: url: 'https://a.example/a b' holds a space or a control character",
        ),
        (
            "verify: {url: 'https://a.example:99999/'}",
            "6:19: url: 'https://a.example:99999/' is not a valid address",
        ),
        (
            "verify: {path: /etc/passwd}",
            "6:20: path '/etc/passwd' is absolute; write it from the repository's root (or "
            "pass --allow-outside)",
        ),
        (
            "verify: {path: .git/config, contains: extraheader}",
            "6:20: path '.git/config' leads into git's own folder, which a check may not read",
        ),
        (
            "verify: {path: docs/../../secret}",
            "6:20: path 'docs/../../secret' climbs out with '..'; write it from the "
            "repository's root (or pass --allow-outside)",
        ),
    ],
)
def test_a_bad_block_is_located(repo: Path, state: str, problem: str) -> None:
    path = launch_with(repo, f"team.plain:\n  {state}\n")
    code, problems = validate(path)
    assert (code, problems) == (2, [problem])


def test_allow_outside_admits_a_path_out(repo: Path) -> None:
    path = launch_with(repo, "team.plain:\n  verify: {path: ../elsewhere.md}\n")
    assert validate(path, "--allow-outside")[0] == 0


@pytest.mark.parametrize(
    ("state", "problem"),
    [
        (
            "team.pricing:\n  verify: {path: docs/pricing.md}",
            "6:13: the checklist checks team.pricing with a url check: give its url: rather "
            "than path:",
        ),
        (
            "team.pricing:\n  verify: {url: 'https://a.example', contains: Other}",
            "6:40: contains is set by the checklist ('Acme'); a launch file fills in only what "
            "the checklist leaves out",
        ),
        (
            "team.runbook:\n  verify: {path: docs/other.md}",
            "6:13: the checklist already checks team.runbook (docs/runbook.md); a launch file "
            "cannot change a complete check",
        ),
        (
            "team.notes:\n  verify: {kind: file, contains: x}",
            "6:13: give path: the file this launch checks",
        ),
    ],
)
def test_a_fill_that_does_not_fit_its_template_is_located(
    repo: Path, state: str, problem: str
) -> None:
    path = launch_with(repo, state + "\n")
    assert validate(path) == (2, [problem])


def test_a_fill_of_its_template_is_valid(repo: Path) -> None:
    path = launch_with(
        repo,
        """\
        team.pricing: {status: done, verify: {url: 'https://acme.example/pricing'}}
        team.notes: {verify: {path: CHANGELOG.md, contains: 2.0.0}}
        team.plain: {verify: {path: docs/plain.md}}
        """,
    )
    assert validate(path)[0] == 0


def test_a_template_with_its_target_left_out_is_no_check() -> None:
    template = UrlCheck(contains="Acme")
    assert merged(template, None) is None
    filled = merged(template, UrlCheck(url="https://acme.example/p"))
    assert filled == UrlCheck(url="https://acme.example/p", contains="Acme")
    assert merged(FileCheck(path="x.md"), None) == FileCheck(path="x.md")
    assert merged(None, FileCheck(path="y.md", matches="^a")) == FileCheck(
        path="y.md", matches="^a"
    )


def test_a_bad_template_in_a_checklist_is_located(repo: Path) -> None:
    checklist = TEAM.replace("{kind: file}", "{kind: files}")
    path = launch_with(repo, "team.plain: todo\n", checklist)
    code, problems = validate(path)
    assert code == 2
    assert problems == [
        "13:20: kind: 'files' is not a kind of check; the kinds: file, url (did you mean 'file'?)"
    ]


# --- the policy's verify_hosts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("https://docs.acme.example", "write the host alone, without scheme or path"),
        ("docs.acme.example/pricing", "write the host alone, without scheme or path"),
        ("docs.acme.example:443", "name the host without a port"),
        ("docs_acme!", "is not a host name, an IP address or a network"),
        ("10.0.0.1/8", "write the network as 10.0.0.0/8"),
    ],
)
def test_a_bad_verify_hosts_entry_is_located(repo: Path, entry: str, problem: str) -> None:
    (repo / ".gtm-check.yaml").write_text(f"policy:\n  verify_hosts: ['{entry}']\n")
    path = launch_with(repo, "team.plain: todo\n")
    code, problems = validate(path)
    assert code == 2
    assert len(problems) == 1 and problem in problems[0] and problems[0].startswith("2:")


def test_verify_hosts_match_names_subdomains_addresses_and_networks() -> None:
    entries = Policy(
        verify_hosts=["Docs.Acme.Example.", "*.status.example", "10.0.0.0/8", "::1"]
    ).verify_hosts
    assert entries == ["docs.acme.example", "*.status.example", "10.0.0.0/8", "::1"]
    assert host_allowed(entries, "docs.acme.example")
    assert host_allowed(entries, "DOCS.acme.example.")
    assert not host_allowed(entries, "evil-docs.acme.example")
    assert host_allowed(entries, "eu.status.example")
    assert not host_allowed(entries, "status.example")
    assert not host_allowed(entries, "evilstatus.example")
    assert host_allowed(entries, "10.20.30.40")
    assert host_allowed(entries, "::1")
    assert not host_allowed(entries, "11.0.0.1")
    # A name is never matched by an address entry, nor an address by a name entry.
    assert not host_allowed(["127.0.0.1"], "localhost")


def test_policies_only_narrow_the_hosts() -> None:
    root = Policy(verify_hosts=["a.example", "b.example"])
    nearer = Policy(verify_hosts=["b.example", "c.example"])
    assert root.tightened(nearer).verify_hosts == ["b.example"]
    assert root.tightened(Policy()).verify_hosts == ["a.example", "b.example"]
    assert Policy().tightened(Policy()).verify_hosts is None


def test_a_repository_file_cannot_list_hosts_the_policy_file_does_not(
    repo: Path, site: Site, tmp_path: Path
) -> None:
    # The trusted --policy lists no host; a pull request adds .gtm-check.yaml listing the
    # loopback address: nothing is fetched (without --policy the repository's file decides).
    trusted = tmp_path / "trusted.yaml"
    trusted.write_text("policy:\n  min_score: 50\n")
    (repo / ".gtm-check.yaml").write_text("policy:\n  verify_hosts: ['127.0.0.1']\n")
    path = launch_with(repo, f"team.plain: {{verify: {{url: '{site.page('/p')}'}}}}\n")
    args = ["audit", str(path), "--as-of", "2027-01-01", "-f", "json", "--verify"]
    refused = CliRunner().invoke(app, [*args, "--policy", str(trusted)])
    assert "the policy's verify_hosts lists no host" in refused.stdout
    assert site.requests == []
    # A --policy that lists the host lets it be fetched, narrowed by the repository's file.
    trusted.write_text("policy:\n  verify_hosts: ['127.0.0.1', docs.acme.example]\n")
    allowed = CliRunner().invoke(app, [*args, "--policy", str(trusted)])
    assert '"verified"' in allowed.stdout
    assert len(site.requests) == 1


def nested_launch(repo: Path, site: Site, root_policy: str, nested_policy: str) -> Path:
    """A launch in launches/ with one url check, a policy at the root and one beside it."""
    (repo / ".gtm-check.yaml").write_text(root_policy)
    nested = repo / "launches"
    nested.mkdir()
    (nested / ".gtm-check.yaml").write_text(nested_policy)
    moved = launch_with(repo, f"team.plain: {{verify: {{url: '{site.page('/p')}'}}}}\n")
    (nested / "team.yaml").write_text((repo / "team.yaml").read_text())
    return moved.rename(nested / "launch.yaml")


def test_a_nearer_file_cannot_list_hosts_the_repositorys_root_file_does_not(
    repo: Path, site: Site
) -> None:
    # The root's .gtm-check.yaml (reviewed, protected) lists no host; a pull request adds one
    # beside the launch file listing the loopback network: nothing is fetched.
    path = nested_launch(
        repo, site, "policy:\n  min_score: 50\n", "policy:\n  verify_hosts: ['127.0.0.0/8']\n"
    )
    args = ["audit", str(path), "--as-of", "2027-01-01", "-f", "json", "--verify"]
    result = CliRunner().invoke(app, args)
    assert "the policy's verify_hosts lists no host" in result.stdout
    assert site.requests == []
    # Where the root lists hosts, the nearer file narrows them as before.
    (repo / ".gtm-check.yaml").write_text("policy:\n  verify_hosts: ['127.0.0.0/8', b.example]\n")
    allowed = CliRunner().invoke(app, args)
    assert '"verified"' in allowed.stdout
    assert len(site.requests) == 1


def test_a_file_added_above_the_teams_cannot_list_hosts(repo: Path, site: Site) -> None:
    # The team's .gtm-check.yaml, in launches/, lists no host and the root has none; a pull
    # request adds one at the root listing the loopback address. As the outermost file it
    # decided, and audit --verify fetched from 127.0.0.1.
    path = nested_launch(
        repo, site, "policy:\n  verify_hosts: ['127.0.0.1']\n", "policy:\n  min_score: 50\n"
    )
    nested = path.parent
    args = ["audit", str(path), "--as-of", "2027-01-01", "-f", "json", "--verify"]
    result = CliRunner().invoke(app, args)
    assert "the policy's verify_hosts lists no host" in result.stdout
    assert site.requests == []
    assert CliRunner().invoke(app, ["validate", str(path)]).exit_code == 2
    # Each file that applies listing the host lets it be fetched.
    (nested / ".gtm-check.yaml").write_text("policy:\n  verify_hosts: ['127.0.0.1']\n")
    allowed = CliRunner().invoke(app, args)
    assert '"verified"' in allowed.stdout
    assert len(site.requests) == 1


def test_a_url_on_a_host_the_policy_does_not_list_is_a_breach(repo: Path) -> None:
    (repo / ".gtm-check.yaml").write_text("policy:\n  verify_hosts: [docs.acme.example]\n")
    path = launch_with(
        repo,
        """\
        team.pricing: {verify: {url: 'https://intranet.acme.example/admin'}}
        team.plain: {verify: {url: 'https://docs.acme.example/ok'}}
        """,
    )
    assert validate(path) == (
        2,
        [
            "5:32: policy: team.pricing is checked at intranet.acme.example, and verify_hosts "
            "does not list it"
        ],
    )
    result = CliRunner().invoke(app, ["audit", str(path), "--as-of", "2027-01-01", "-f", "json"])
    assert result.exit_code == 1
    assert (
        "policy: team.pricing is checked at intranet.acme.example, and verify_hosts does not "
        "list it"
    ) in result.stdout


def test_without_a_policy_a_url_is_no_breach_but_is_not_fetched(repo: Path, site: Site) -> None:
    path = launch_with(repo, f"team.plain: {{verify: {{url: '{site.page('/p')}'}}}}\n")
    assert validate(path)[0] == 0
    result = CliRunner().invoke(
        app, ["audit", str(path), "--as-of", "2027-01-01", "-f", "json", "--verify"]
    )
    assert "the policy's verify_hosts lists no host" in result.stdout
    assert site.requests == []


def test_a_check_on_an_item_that_does_not_apply_is_neither_breach_nor_run(
    repo: Path, site: Site
) -> None:
    (repo / ".gtm-check.yaml").write_text("policy:\n  verify_hosts: [docs.acme.example]\n")
    path = launch_with(
        repo, f"team.plain: {{status: n/a, note: none, verify: {{url: '{site.page('/p')}'}}}}\n"
    )
    assert validate(path)[0] == 0
    result = CliRunner().invoke(app, ["audit", str(path), "--as-of", "2027-01-01", "--verify"])
    assert result.exit_code in (0, 1), result.stderr
    assert site.requests == []


def test_a_launch_file_cannot_list_hosts_for_itself(repo: Path) -> None:
    path = launch_with(repo, "team.plain: todo\n")
    path.write_text(path.read_text() + "verify_hosts: [intranet.acme.example]\n")
    code, problems = validate(path)
    assert code == 2
    assert problems == [
        "6:1: unknown key 'verify_hosts' (verify_hosts is the policy's (.gtm-check.yaml or "
        "--policy FILE), never a launch file's)"
    ]


def test_a_team_checklist_is_held_to_the_same_rules(repo: Path) -> None:
    # A pull request controls its team checklists too: a complete check there is confined
    # and allowed exactly as a launch file's.
    (repo / ".gtm-check.yaml").write_text("policy:\n  verify_hosts: [docs.acme.example]\n")
    checklist = TEAM.replace(
        "verify: {path: docs/runbook.md}", "verify: {url: 'http://169.254.169.254/latest'}"
    ).replace("verify: {kind: file}", "verify: {path: ../../etc/passwd}")
    path = launch_with(repo, "team.plain: todo\n", checklist)
    code, problems = validate(path)
    assert code == 2
    assert problems == [
        "13:20: path '../../etc/passwd' climbs out with '..'; write it from the repository's "
        "root (or pass --allow-outside)"
    ]
    code, problems = validate(path, "--allow-outside")
    assert problems == [
        "3:13: policy: team.runbook is checked at 169.254.169.254, and verify_hosts does not "
        "list it"
    ]


def test_a_pattern_the_library_warns_about_is_compiled_quietly(repo: Path) -> None:
    path = launch_with(repo, "team.plain:\n  verify: {path: x.md, matches: '[[a]'}\n")
    assert validate(path)[0] == 0


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("(?u)(?a)x", "ASCII and UNICODE flags are incompatible"),  # a ValueError: exit 3
        ("(?<=a+)b", "look-behind requires fixed-width pattern"),  # found by the compiler
        ("x(?:(?<!a|bc))", "look-behind requires fixed-width pattern"),
        ("x(?>y(?<=a|bb))", "look-behind requires fixed-width pattern"),  # in an atomic group
    ],
)
def test_a_pattern_only_the_compiler_refuses_is_a_located_problem(
    repo: Path, pattern: str, why: str
) -> None:
    path = launch_with(repo, f"team.plain:\n  verify: {{path: x.md, matches: '{pattern}'}}\n")
    code, problems = validate(path)
    assert code == 2
    assert [p.split(": ", 1)[1] for p in problems] == [
        f"matches: not a valid regular expression: {why}"
    ]


def test_patterns_are_parsed_not_compiled(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Compiling folds the case of each range: 1,000 characters of (?i)[\u0100-\uffff] took
    # half a second, and a launch may hold 1,000 patterns. The search compiles its own.
    compiled: list[str] = []
    real = re.compile

    def counting(pattern: Any, flags: int = 0) -> Any:
        compiled.append(pattern)
        return real(pattern, flags)

    monkeypatch.setattr(re, "compile", counting)
    costly = "(?i)" + "[\\u0100-\\uffff]" * 66  # 994 characters
    path = launch_with(repo, f"team.plain:\n  verify: {{path: x.md, matches: '{costly}'}}\n")
    assert validate(path)[0] == 0
    assert [p for p in compiled if isinstance(p, str) and "uffff" in p] == []


def test_a_launch_holds_a_bounded_number_of_checks(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compiling a pattern takes up to a millisecond: a file of millions would take an hour.
    monkeypatch.setattr(launch_module, "MAX_CHECK_BLOCKS", 2)
    path = launch_with(
        repo,
        """\
        team.pricing: {verify: {url: 'https://acme.example/p'}}
        team.notes: {verify: {path: a.md, matches: '(a'}}
        team.plain: {verify: {path: b.md, matches: '(b'}}
        """,
    )
    code, problems = validate(path)
    assert code == 2
    assert problems == [
        "6:46: matches: not a valid regular expression: missing ), unterminated subpattern at "
        "position 1",
        "7:24: more than 2 checks (verify:) in one launch, its file and team checklists "
        "together; gtm-check runs at most 2",
    ]


def test_allow_outside_never_lets_a_check_into_git_s_own_folder(repo: Path) -> None:
    path = launch_with(repo, "team.plain:\n  verify: {path: .git/config, contains: basic}\n")
    code, problems = validate(path, "--allow-outside")
    assert (code, problems) == (
        2,
        ["6:20: path '.git/config' leads into git's own folder, which a check may not read"],
    )


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    networks=st.lists(
        st.ip_addresses().flatmap(
            lambda a: st.integers(0, a.max_prefixlen).map(
                lambda p: ipaddress.ip_network(f"{a}/{p}", strict=False)
            )
        ),
        max_size=12,
    ),
    address=st.ip_addresses(),
)
def test_an_address_is_allowed_by_a_listed_network_as_ipaddress_says(
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network],
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    # Networks are looked up by prefix length (200,000 of them were each asked about every
    # url check's host): the answer is the one a walk of the list gives.
    entries = HostList(str(n) for n in networks)
    assert host_allowed(entries, str(address)) == any(address in n for n in networks)
    assert address_allowed(entries, address) == any(address in n for n in networks)


def test_many_listed_networks_are_kept_by_prefix_length() -> None:
    networks = [f"10.{n // 256}.{n % 256}.0/24" for n in range(20_000)] + ["fd00::/8"]
    allowed = HostList(networks).allowed
    assert {key: len(starts) for key, starts in allowed.networks.starts.items()} == {
        (4, 24): 20_000,
        (6, 8): 1,
    }
    assert host_allowed(HostList(networks), "10.78.31.9") and not host_allowed(
        HostList(networks), "10.200.0.1"
    )
