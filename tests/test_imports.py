"""Each command imports only what it needs: start-up time is paid on every commit.

Run in a fresh interpreter, since this test process has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PROBE = """
import json, sys
sys.argv = ["gtm-check", *sys.argv[1:]]
from gtm_check.main import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write(json.dumps(sorted(sys.modules)))
"""

AUDIT = ["audit", "examples/launch.yaml", "--as-of", "2027-01-15"]


def imported(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT
    )
    assert result.stdout, result.stderr  # the command ran and printed its report
    return set(json.loads(result.stderr))


def packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "examples/launch.yaml"],
        [*AUDIT, "--format", "json"],
        [*AUDIT, "--format", "markdown"],
        [*AUDIT, "--format", "junit"],
        [*AUDIT, "--format", "github"],
        ["owners", "examples/launch.yaml", "--as-of", "2027-01-15", "--format", "json"],
        ["owners", "examples/launch.yaml", "--as-of", "2027-01-15"],
        ["checklists", "--format", "json"],
        ["checklists", "show", "legal", "--format", "json"],
    ],
    ids=lambda args: "-".join(a for a in args if not a.startswith(("-", "2027", "examples"))),
)
def test_commands_without_tables_do_not_import_rich(args: list[str]) -> None:
    modules = packages(imported(*args))
    assert "gtm_check" in modules
    assert not modules & {"rich", "markdown_it", "ruamel"}


def test_the_table_imports_rich_and_nothing_for_markdown() -> None:
    modules = packages(imported(*AUDIT))
    assert "rich" in modules
    assert not modules & {"markdown_it", "ruamel"}


def test_an_audit_without_a_url_check_imports_no_network_client() -> None:
    # http.client and ssl take about 45 ms to import: only a url check that runs needs them.
    for args in ([*AUDIT, "--format", "json"], [*AUDIT, "--format", "json", "--verify"]):
        modules = imported(*args)
        assert not modules & {"ssl", "http.client"}, args
