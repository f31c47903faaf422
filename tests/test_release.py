"""What a release promises: one version everywhere, a changelog that says what changed, and
a README whose install snippets name only what exists (the repository at a pinned revision,
never a package or tag that does not exist and that anyone could register later)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest
import yaml

from gtm_check import __version__
from tests.conftest import ROOT

CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
RELEASE = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.M)
SECTIONS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}

REPOSITORY = "OWNER/gtm-check"
REVISION = "REF"
FROM_REPOSITORY = f"git+https://github.com/{REPOSITORY}@{REVISION}"
# Actions of others that the snippets use, each at a major version that exists.
KNOWN_ACTIONS = {
    "actions/checkout@v4",
    "actions/setup-python@v5",
    "actions/upload-artifact@v4",
    "actions/upload-pages-artifact@v3",
    "actions/deploy-pages@v4",
    "github/codeql-action/upload-sarif@v4",
}


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_the_version_is_the_changelogs_latest_release_and_what_the_cli_prints() -> None:
    releases = RELEASE.findall(CHANGELOG)
    assert releases and releases[0][0] == __version__
    printed = subprocess.run(
        [sys.executable, "-m", "gtm_check", "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed == f"gtm-check {__version__}\n"


def test_the_version_lives_in_one_place() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "gtm_check/__init__.py"
    others = [
        path
        for path in ROOT.glob("*")
        if path.is_file() and path.suffix in (".md", ".toml", ".yml", ".yaml", ".cfg")
        and path.name != "CHANGELOG.md" and __version__ in path.read_text("utf-8")
    ]  # fmt: skip
    assert others == []


def test_the_changelog_keeps_a_changelog() -> None:
    assert CHANGELOG.startswith("# Changelog\n")
    headings = re.findall(r"^## (.+)$", CHANGELOG, flags=re.M)
    assert headings[0] == "[Unreleased]"
    releases = RELEASE.findall(CHANGELOG)
    assert len(releases) == len(headings) - 1  # every other heading is a dated release
    dates = [date for _, date in releases]
    assert dates == sorted(dates, reverse=True)
    assert set(re.findall(r"^### (.+)$", CHANGELOG, flags=re.M)) <= SECTIONS


def test_the_readme_installs_only_from_the_repository() -> None:
    commands = [line for block in blocks("sh") + blocks("yaml") for line in block.splitlines()]
    installs = [line for line in commands if re.search(r"\bpip(x)? (install|run)\b", line)]
    assert len(installs) >= 4
    for line in installs:
        words = re.sub(r"^.*?\bpip(x)? (install|run)\s+", "", line).split("&&")[0].split()
        targets = [w.strip("\"'") for w in words if not w.startswith("-")]
        assert targets and set(targets) <= {".", ".[dev]", FROM_REPOSITORY}, line
    assert "pip install gtm-check" not in README


def test_every_ci_snippet_starts_python_isolated() -> None:
    """A CI job installs inside a checkout that a pull request can change, where `python -m`
    would put the working directory first on the module path (a `pip/` there would run as
    pip, with the job's token): every Python those snippets start is `-I`, and none uses
    `pipx run`, which starts pip the same way and runs a `__pypackages__` it finds there."""
    commands = [line for block in blocks("sh") + blocks("yaml") for line in block.splitlines()]
    ci = [line for line in commands if FROM_REPOSITORY in line]
    assert len(ci) >= 3
    for line in ci:
        starts = re.findall(r"\bpython3? ((?:-\S+ )*)-m (\S+)", line)
        assert starts and all("-I " in options for options, _ in starts), line
        assert re.search(r"\bpython3? -I -m pip install ", line), line
    assert "pipx" not in "".join(blocks("sh") + blocks("yaml"))


def test_the_readme_names_no_tag_or_revision_that_does_not_exist() -> None:
    uses = re.findall(r"uses: (\S+)", "".join(blocks("yaml")))
    assert f"{REPOSITORY}@{REVISION}" in uses
    assert set(uses) - {f"{REPOSITORY}@{REVISION}"} <= KNOWN_ACTIONS
    assert re.findall(r"rev: (\S+)", "".join(blocks("yaml"))) == [REVISION]
    refs = re.findall(r"@(v?\d[\w.-]*)", README)
    assert set(refs) <= {action.split("@")[1] for action in KNOWN_ACTIONS}
    assert re.search(r"\bv\d+\.\d+\.\d+\b", README) is None


def test_each_placeholder_is_explained_once() -> None:
    explained = [p for p in README.split("\n\n") if f"`{REPOSITORY}` stands for" in p]
    assert len(explained) == 1 and f"`{REVISION}` for" in explained[0]


@pytest.mark.parametrize("block", blocks("yaml"), ids=lambda b: b.split("\n", 1)[0][:40])
def test_every_yaml_snippet_parses(block: str) -> None:
    # A comment alone (the schema modeline) parses to nothing; everything else to data.
    assert yaml.safe_load(block) is not None or block.lstrip().startswith("#")
