"""Checklist paths the system refuses: a located problem in plain words, exit 2, never 3."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gtm_check.cli import app
from tests.conftest import MINI_CHECKLIST, WriteFile

ALLOW = [pytest.param([], id="confined"), pytest.param(["--allow-outside"], id="allow-outside")]


def launch_naming(write: WriteFile, entry: str) -> Path:
    """A launch file whose second checklist entry (line 4) is ``entry``, a YAML scalar."""
    write("legal.yaml", MINI_CHECKLIST)
    return write(
        "launch.yaml",
        f"launch: L\nlaunch_date: 2027-03-01\nchecklists:\n  - ./legal.yaml\n  - {entry}\n",
    )


def located(path: Path, *flags: str) -> list[str]:
    """The problem lines of `validate` and `audit` (the same for both), checking exit 2."""
    lines = []
    for command in ("validate", "audit"):
        result = CliRunner().invoke(
            app,
            [command, str(path), *flags, "--as-of", "2027-01-01"]
            if command == "audit"
            else [command, str(path), *flags],
        )
        assert result.exit_code == 2, result.stderr
        assert "internal error" not in result.stderr
        lines.append(result.stderr.replace(str(path.parent) + os.sep, ""))
    assert lines[0] == lines[1]
    return lines[0].splitlines()


@pytest.mark.parametrize("flags", ALLOW)
def test_a_checklist_link_that_points_to_itself(write: WriteFile, flags: list[str]) -> None:
    path = launch_naming(write, "./teams/self.yaml")
    (path.parent / "teams").mkdir()
    os.symlink("self.yaml", path.parent / "teams" / "self.yaml")
    assert located(path, *flags) == [
        "launch.yaml:5:5: checklist './teams/self.yaml' cannot be read: "
        "it is a symbolic link that loops"
    ]


@pytest.mark.parametrize("flags", ALLOW)
def test_two_checklist_links_that_point_at_each_other(write: WriteFile, flags: list[str]) -> None:
    path = launch_naming(write, "./ping.yml")
    os.symlink("pong.yml", path.parent / "ping.yml")
    os.symlink("ping.yml", path.parent / "pong.yml")
    (line,) = located(path, *flags)
    assert line.endswith("checklist './ping.yml' cannot be read: it is a symbolic link that loops")


@pytest.mark.parametrize("flags", ALLOW)
def test_a_checklist_name_longer_than_the_file_system_allows(
    write: WriteFile, flags: list[str]
) -> None:
    name = "q" * 300 + ".yaml"
    path = launch_naming(write, f"./{name}")
    (line,) = located(path, *flags)
    assert line.startswith("launch.yaml:5:5: checklist './qqqq")
    assert line.endswith("cannot be read: its name is too long for the file system")


@pytest.mark.parametrize("flags", ALLOW)
def test_a_checklist_path_longer_than_the_system_allows(write: WriteFile, flags: list[str]) -> None:
    deep = "/".join(["d" * 200] * 30) + "/x.yaml"  # every part fits; the whole does not
    path = launch_naming(write, f"./{deep}")
    (line,) = located(path, *flags)
    assert line.endswith("cannot be read: its name is too long for the file system")


@pytest.mark.parametrize("flags", ALLOW)
def test_a_nul_character_in_a_checklist_path(write: WriteFile, flags: list[str]) -> None:
    path = launch_naming(write, '"./team\\0s.yaml"')
    assert located(path, *flags) == [
        "launch.yaml:5:5: checklist './team\\x00s.yaml' cannot be read: "
        "its name contains a NUL character"
    ]


def test_a_nul_character_in_a_builtin_looking_name(write: WriteFile) -> None:
    path = launch_naming(write, '"leg\\0al"')
    (line,) = located(path)
    assert line.endswith("cannot be read: its name contains a NUL character")
