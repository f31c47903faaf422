"""file checks against files in a temporary repository: what passes, what fails, what is
never read."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gtm_check.load.verify import pattern as pattern_module
from gtm_check.load.verify.file import check_file
from gtm_check.load.verify.pattern import MAX_SEARCH_BYTES, SEARCH_MEMORY, search
from gtm_check.model.verify import FileCheck


def run(check: FileCheck, root: Path, *, seconds: float = 5, outside: bool = False) -> tuple[
    bool, str
]:  # fmt: skip
    return check_file(check, root, deadline=time.monotonic() + seconds, allow_outside=outside)


def test_a_file_that_exists_passes(repo: Path) -> None:
    (repo / "docs").mkdir()
    (repo / "docs" / "notes.md").write_text("# Notes\n")
    assert run(FileCheck(path="docs/notes.md"), repo) == (True, "the file exists")
    assert run(FileCheck(path="docs"), repo) == (True, "the folder exists")


def test_a_missing_file_fails(repo: Path) -> None:
    assert run(FileCheck(path="docs/notes.md"), repo) == (False, "no such file")


def test_contains_and_matches(repo: Path) -> None:
    (repo / "CHANGELOG.md").write_text("# Changelog\n\n## 2.0.0 - 2027-03-01\n- Insights\n")
    passed = run(FileCheck(path="CHANGELOG.md", contains="2.0.0", matches=r"^## 2\.0\.0 "), repo)
    assert passed == (True, "the file holds '2.0.0' and matches '^## 2\\.0\\.0 '")
    assert run(FileCheck(path="CHANGELOG.md", contains="3.0.0"), repo) == (
        False,
        "'3.0.0' is not in it",
    )
    # ^ is the start of each line: "Insights" is not at one.
    assert run(FileCheck(path="CHANGELOG.md", matches="^Insights"), repo) == (
        False,
        "nothing in it matches '^Insights'",
    )


def test_only_the_first_bytes_of_a_large_file_are_searched(repo: Path) -> None:
    (repo / "big.md").write_bytes(b"x" * MAX_SEARCH_BYTES + b"needle")
    found, why = run(FileCheck(path="big.md", contains="needle"), repo)
    assert not found
    assert why == f"'needle' is not in its first {MAX_SEARCH_BYTES:,} bytes"


def test_a_folder_where_a_text_is_sought_fails(repo: Path) -> None:
    (repo / "docs").mkdir()
    assert run(FileCheck(path="docs", contains="x"), repo) == (False, "it is a folder, not a file")


def test_a_pattern_that_backtracks_without_end_is_stopped(repo: Path) -> None:
    (repo / "notes.md").write_text("a" * 40 + "!\n")
    started = time.monotonic()
    found, why = run(FileCheck(path="notes.md", matches="^(a+)+$"), repo, seconds=0.5)
    assert not found
    assert why == "searching for '^(a+)+$' did not finish in the time a check has"
    assert time.monotonic() - started < 5  # stopped, not left to run for years


@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_CPU")
def test_the_search_child_ends_by_itself_when_nobody_is_left_to_stop_it() -> None:
    # gtm-check ended by a signal sent to it alone cannot kill its search: the child ran on,
    # a child of init, for as long as the pattern took. It bounds its own CPU time.
    encoded = b"^(a|a)*$"
    payload = len(encoded).to_bytes(4, "big") + encoded + b"a" * 40 + b"!"
    command = [sys.executable, "-I", "-S", "-c", pattern_module._CHILD, "1"]
    started = time.monotonic()
    child = subprocess.run(command, input=payload, capture_output=True, timeout=60, check=False)
    assert child.returncode < 0  # ended by the system (SIGXCPU, then SIGKILL), not finished
    assert time.monotonic() - started < 30


@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_DATA")
def test_a_pattern_that_takes_memory_without_end_is_stopped(repo: Path) -> None:
    # Python's engine keeps each group's place on every repeat: 200 empty groups took
    # 3.3 GB on 1 MiB of text, and eight checks run at once.
    (repo / "a.txt").write_text("a" * MAX_SEARCH_BYTES)
    pattern = r"\A(" + "()" * 150 + "a)*c"
    found, why = run(FileCheck(path="a.txt", matches=pattern), repo, seconds=60)
    assert not found
    assert why.endswith(f"' took more than the {SEARCH_MEMORY // 2**20} MiB a search may")


def test_the_search_runs_in_a_child_that_reads_nothing_else() -> None:
    assert search("Acme", b"Hello Acme", 5) is True
    assert search("^Acme", b"Hello Acme", 5) is False
    assert search("é", "café".encode(), 5) is True


def test_a_link_out_of_the_repository_is_refused(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("token=abc")
    (repo / "notes.md").symlink_to(secret)
    found, why = run(FileCheck(path="notes.md", contains="token"), repo)
    assert (found, why) == (False, "it leads outside the repository through a symbolic link")
    # The user may allow it.
    assert run(FileCheck(path="notes.md", contains="token"), repo, outside=True)[0]


def test_a_link_that_stays_in_the_repository_is_followed(repo: Path) -> None:
    (repo / "real.md").write_text("Acme")
    (repo / "notes.md").symlink_to(repo / "real.md")
    assert run(FileCheck(path="notes.md", contains="Acme"), repo)[0]


def test_a_fifo_is_refused_without_hanging(repo: Path) -> None:
    os.mkfifo(repo / "pipe")
    assert run(FileCheck(path="pipe", contains="x"), repo) == (False, "it is not a regular file")
    assert run(FileCheck(path="pipe"), repo) == (False, "it is not a regular file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_file_that_cannot_be_read_says_so(repo: Path) -> None:
    (repo / "locked.md").write_text("x")
    (repo / "locked.md").chmod(0)
    found, why = run(FileCheck(path="locked.md", contains="x"), repo)
    assert (found, why) == (False, "it cannot be read: permission denied")
