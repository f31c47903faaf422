"""Telling a submodule from another repository: git's layout, or the .gitmodules above."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from gtm_check.load import submodules
from gtm_check.load.submodules import superproject_of
from tests.conftest import git_folder


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    """A repository ``outer`` holding a folder ``deps/inner`` with a .git folder of its own."""
    git_folder(tmp_path / "outer")
    inner = tmp_path / "outer" / "deps" / "inner"
    git_folder(inner)
    return inner


@pytest.mark.parametrize(
    "modules",
    [
        '[submodule "inner"]\n\tpath = deps/inner\n\turl = ../inner.git\n',
        '[submodule "inner"]\r\n\tPATH=deps/inner ; a note\r\n',
        '[submodule "inner"]\r\tpath = deps/inner\r',  # a carriage return alone: git's too
        '[submodule "inner"]\n  path = "./deps/inner/"  # a note\n',
        '[submodule "inner"] path = deps/inner\n',
        '[submodule "inner"]\n\tpath = "deps\\/inner"\n',
        '[submodule "other"]\n\tpath = other\n[submodule "inner"]\n\tpath = deps/inner\n',
    ],
)
def test_a_repository_listed_in_gitmodules_above_is_a_submodule(nested: Path, modules: str) -> None:
    (nested.parents[1] / ".gitmodules").write_text(modules, encoding="utf-8")
    assert superproject_of(nested) == nested.parents[1]


@pytest.mark.parametrize(
    "modules",
    [
        "",
        '[submodule "inner"]\n\tpath = deps/inner/sub\n',
        '[submodule "inner"]\n\t# path = deps/inner\n\tpath = deps\n',
        '[submodule "inner"]\n\turl = deps/inner\n\tsubpath = deps/inner\n',
    ],
)
def test_a_repository_gitmodules_does_not_list_is_none(nested: Path, modules: str) -> None:
    (nested.parents[1] / ".gitmodules").write_text(modules, encoding="utf-8")
    assert superproject_of(nested) is None


def test_a_gitmodules_that_cannot_be_read_lists_every_folder(
    nested: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull request can write .gitmodules: what cannot be read whole never clears a
    submodule, and a FIFO is not waited on."""
    listing = nested.parents[1] / ".gitmodules"
    os.mkfifo(listing)
    assert superproject_of(nested) == nested.parents[1]
    listing.unlink()
    listing.mkdir()
    assert superproject_of(nested) == nested.parents[1]
    listing.rmdir()
    monkeypatch.setattr(submodules, "MAX_MODULES_BYTES", 64)
    listing.write_text('[submodule "inner"]\n' + "#" * 64 + "\n\tpath = other\n", "utf-8")
    assert superproject_of(nested) == nested.parents[1]


def test_git_folders_of_submodules_and_of_worktrees(tmp_path: Path) -> None:
    """A .git file leading under .git/.../modules/NAME is a submodule's, in a linked
    worktree too; a linked worktree's own (.git/worktrees/NAME, even NAME "modules") is not."""
    root = tmp_path / "checkout" / "sub"
    root.mkdir(parents=True)
    main = tmp_path / "main"
    for gitdir, holder in [
        (main / ".git" / "modules" / "sub", tmp_path / "main"),
        (main / ".git" / "modules" / "a" / "modules" / "b", tmp_path / "main"),
        (main / ".git" / "worktrees" / "w" / "modules" / "sub", tmp_path / "main"),
        (main / ".git" / "worktrees" / "modules", None),
        (main / ".git" / "worktrees" / "sub", None),
    ]:
        (root / ".git").write_text(f"gitdir: {gitdir}\n", encoding="utf-8")
        assert superproject_of(root) == holder, gitdir
    # With a repository above, that is the working tree that holds it.
    git_folder(tmp_path / "checkout")
    (root / ".git").write_text(f"gitdir: {main / '.git' / 'modules' / 'sub'}\n", "utf-8")
    assert superproject_of(root) == tmp_path / "checkout"


def test_no_report_replaces_the_gitmodules_that_ends_the_policy_search(nested: Path) -> None:
    # The policy search reads the outer repository's .gitmodules to tell a submodule, and
    # it was no input of the run: -o .gitmodules replaced it, and the next run stopped short
    # of the outer repository's policy (GATE FAILED on a tier became GATE PASSED).
    outer = nested.parents[1]
    modules = outer / ".gitmodules"
    modules.write_text('[submodule "inner"]\n\tpath = deps/inner\n', encoding="utf-8")
    (outer / ".gtm-check.yaml").write_text("policy:\n  allowed_tiers: [2]\n", encoding="utf-8")
    launch = nested / "launch.yaml"
    launch.write_text("launch: X\nlaunch_date: 2027-03-01\nchecklists: [legal]\n", "utf-8")
    before = modules.read_bytes()
    for args in (["-o", str(modules)], ["--also", f"html={modules}"]):
        result = CliRunner().invoke(app, ["audit", str(launch), "--as-of", "2027-01-15", *args])
        assert result.exit_code == 2, result.output
        assert "is one of the input files" in result.stderr
        assert modules.read_bytes() == before
    assert CliRunner().invoke(app, ["audit", str(launch), "--as-of", "2027-01-15"]).exit_code == 1


def test_no_report_replaces_the_gitmodules_that_says_a_repository_is_no_submodule(
    nested: Path,
) -> None:
    # The outer .gitmodules lists vendor/, not deps/inner: a run on deps/inner read it, and
    # it ended the search there, but it was no input of that run. -o .gitmodules replaced
    # it, and the next run on vendor/ no longer found the outer repository's policy.
    outer = nested.parents[1]
    vendor = outer / "vendor"
    git_folder(vendor)
    modules = outer / ".gitmodules"
    modules.write_text('[submodule "vendor"]\n\tpath = vendor\n', encoding="utf-8")
    (outer / ".gtm-check.yaml").write_text("policy:\n  allowed_tiers: [2]\n", encoding="utf-8")
    text = "launch: X\nlaunch_date: 2027-03-01\nchecklists: [legal]\n"
    for folder in (nested, vendor):
        (folder / "launch.yaml").write_text(text, encoding="utf-8")
    before = modules.read_bytes()
    audit = ["audit", str(nested / "launch.yaml"), "--as-of", "2027-01-15"]
    for args in (["-o", str(modules)], ["--also", f"html={modules}"]):
        result = CliRunner().invoke(app, [*audit, *args])
        assert result.exit_code == 2, result.output
        assert "is one of the input files" in result.stderr
        assert modules.read_bytes() == before
    assert (
        CliRunner().invoke(app, [*audit[:1], str(vendor / "launch.yaml"), *audit[2:]]).exit_code
        == 1
    )
