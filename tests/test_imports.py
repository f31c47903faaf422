"""Each command imports only what it needs: start-up time is paid on every commit.

Run in a fresh interpreter, since this test process has imported everything already.
"""

from __future__ import annotations

import json
import os
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


# What each common command may import: the start-up budget of benchmarks/README.md. The fast
# path (cli/fast.py) runs these without Typer; what they do not need is not imported.
NOT_FOR_ANY = {
    "typer",  # the command line framework: only for help, mistakes and other commands
    "click",
    "rich",
    "importlib.metadata",  # Pydantic's plugin search (main.py stands in for its loader)
    "subprocess",  # git, for --history and verify's file checks
    "gtm_check.pipeline.extras",
    "gtm_check.load.verify.run",
    "gtm_check.load.history",
}
NOT_FOR_VALIDATE = {
    "gtm_check.model.results",  # only a launch under a policy is scored
    "gtm_check.scoring.score",
    "gtm_check.pipeline",
    "gtm_check.report.json",
}


def forbidden(found: set[str], names: set[str]) -> set[str]:
    return {m for m in found if any(m == n or m.startswith(n + ".") for n in names)}


def test_validate_imports_only_what_validating_needs() -> None:
    found = imported("validate", "examples/launch.yaml")
    assert "gtm_check.load.launch" in found
    assert forbidden(found, NOT_FOR_ANY | NOT_FOR_VALIDATE) == set()


@pytest.mark.parametrize("format", ["json", "github", "junit"])
def test_audit_imports_no_command_line_framework_and_one_format(format: str) -> None:
    found = imported(*AUDIT, "--format", format)
    assert "gtm_check.pipeline" in found
    assert forbidden(found, NOT_FOR_ANY) == set()
    renderers = {m for m in found if m.startswith("gtm_check.report.") and m.count(".") == 2}
    shared = {"gtm_check.report.registry", "gtm_check.report.history", "gtm_check.report.shared"}
    assert renderers - shared <= {f"gtm_check.report.{format}", "gtm_check.report.findings"}


def test_the_audit_table_imports_rich_without_typer() -> None:
    found = imported(*AUDIT)
    assert "rich" in packages(found)
    assert forbidden(found, NOT_FOR_ANY - {"rich"}) == set()


def test_version_and_help_import_nothing_of_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "100")  # the help Typer would print at any width above 80
    for args in (["--version"], ["--help"]):
        found = imported(*args)
        assert {m for m in found if m.startswith("gtm_check")} <= {
            "gtm_check",
            "gtm_check.main",
            "gtm_check.cli",
            "gtm_check.cli.main_help",
        }, args
        assert "typing" not in found, args  # a fifth of --version
        assert forbidden(found, {"typer", "pydantic", "yaml"}) == set(), args


def test_a_plugin_setting_of_the_user_is_left_to_pydantic() -> None:
    # main.py stands in for Pydantic's plugin loader only when it sets the switch itself.
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "validate", "examples/launch.yaml"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYDANTIC_DISABLE_PLUGINS": "some-plugin"},
    )
    assert result.stdout.startswith("examples/launch.yaml: valid (")
    assert "importlib.metadata" in json.loads(result.stderr)


def test_the_stand_in_loader_finds_no_plugin_and_passes_on_the_rest() -> None:
    code = (
        "import os, sys\n"
        "os.environ.pop('PYDANTIC_DISABLE_PLUGINS', None)\n"
        "from gtm_check import main\n"
        "main._without_plugin_scan()\n"
        "from pydantic.plugin._loader import get_plugins\n"
        "assert tuple(get_plugins()) == ()\n"
        "loader = sys.modules['pydantic.plugin._loader']\n"
        "print(loader.PYDANTIC_ENTRY_POINT_GROUP, 'importlib.metadata' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout == "pydantic True\n"  # the real loader, once asked for more
