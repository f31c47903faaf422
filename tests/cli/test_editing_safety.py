"""`set`, `waive` and `unwaive` lose nothing: edits at once, files as the user left them.

Concurrent edits take a lock beside the launch file (``.<name>.lock``) around reading,
checking and writing; a file the user cannot write is refused; a file with several names
(hard links) is edited in place; owner and mode stay. An edit reads the launch file and
each checklist once.
"""

from __future__ import annotations

import collections
import fcntl
import os
import signal
import socket
import stat
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gtm_check.authoring.launchfile as launchfile
from gtm_check.authoring import lock as lock_module
from gtm_check.authoring.interrupts import Interrupted, signals_end_the_block
from gtm_check.authoring.lock import MARK
from gtm_check.cli.commands import app
from gtm_check.load import yamltree
from tests.conftest import EXAMPLES, ROOT, load, stalled_child

EDITORS = 20
TEAM = "department: team\nname: Team\nitems:\n" + "".join(
    f"  - {{id: team.task-{n}, stage: use, title: Task {n}, severity: low}}\n"
    for n in range(EDITORS)
)
LAUNCH = (
    "launch: Team\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
    "items:\n  team.task-0: todo\n"
)


@pytest.fixture
def launch(tmp_path: Path) -> Path:
    (tmp_path / "team.yaml").write_text(TEAM, encoding="utf-8")
    path = tmp_path / "launch.yaml"
    path.write_text(LAUNCH, encoding="utf-8")
    return path


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


# --- at once ---------------------------------------------------------------------------------


@pytest.mark.parametrize("users_lock", [False, True], ids=["", "a file of the user's there"])
def test_twenty_edits_at_once_lose_nothing(launch: Path, users_lock: bool) -> None:
    # With a file of the user's named as the lock file, the edits take it as their lock,
    # and leave it as it was.
    lock = launch.parent / ".launch.yaml.lock"
    if users_lock:
        lock.write_bytes(USERS_DATA)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "gtm_check", "set", str(launch), f"team.task-{n}"]
            + ["--owner", f"owner-{n}@example.com"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(EDITORS)
    ]
    results = [(child.wait(timeout=120), *child.communicate()) for child in children]
    owners = {i: s.owner for i, s in load(launch).launch.items.items()}
    for n, (code, out, err) in enumerate(results):
        if code == 0:
            assert owners.get(f"team.task-{n}") == f"owner-{n}@example.com", (n, out, err)
        else:  # each one that fails says why, and why is that another edit got in the way
            assert code == 2 and b"another gtm-check" in err, (n, code, err)
    assert sum(code == 0 for code, _, _ in results) >= EDITORS // 2
    left = [p.name for p in launch.parent.iterdir() if p.name.startswith(".")]
    assert left == ([lock.name] if users_lock else [])
    if users_lock:
        assert lock.read_bytes() == USERS_DATA


USERS_DATA = b"notes of the user's, in a file that happens to have the lock file's name\n"


@pytest.mark.parametrize(
    "args",
    [
        ["set", "team.task-1", "--status", "done"],
        ["waive", "team.task-1", "--reason", "r", "--approved-by", "vp"]
        + ["--expires", "2027-02-01", "--as-of", "2027-01-15"],
        ["unwaive", "team.task-0"],
    ],
    ids=["set", "waive", "unwaive"],
)
def test_a_lock_file_the_edit_did_not_make_is_used_and_left_as_it_was(
    launch: Path, args: list[str]
) -> None:
    lock = launch.parent / ".launch.yaml.lock"
    lock.write_bytes(USERS_DATA)
    before = os.stat(lock)
    if args[0] == "unwaive":
        waived = ["--reason", "r", "--approved-by", "vp", "--expires", "2027-02-01"]
        assert run("waive", launch, "team.task-0", *waived, "--as-of", "2027-01-15")[0] == 0
    code, out, err = run(args[0], launch, *args[1:])
    assert (code, err) == (0, ""), err
    assert out.startswith("team.task-")
    assert launch.read_text(encoding="utf-8") != LAUNCH
    after = os.stat(lock)
    assert lock.read_bytes() == USERS_DATA
    assert (after.st_ino, after.st_mode, after.st_mtime_ns) == (
        before.st_ino,
        before.st_mode,
        before.st_mtime_ns,
    )


def test_a_lock_file_an_edit_left_behind_is_removed(launch: Path) -> None:
    # An edit that was killed (or gave up waiting) leaves its lock file, which says it is
    # gtm-check's: the next edit to hold it removes it.
    lock = launch.parent / ".launch.yaml.lock"
    lock.write_bytes(MARK)
    code, _, err = run("set", launch, "team.task-1", "--status", "done")
    assert (code, err) == (0, "")
    assert not lock.exists()


@pytest.fixture
def held(launch: Path) -> Iterator[Path]:
    """The launch file's lock, held by someone else for the whole test."""
    fd = os.open(launch.parent / ".launch.yaml.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield launch
    finally:
        os.close(fd)


@pytest.mark.parametrize(
    "args",
    [
        ["set", "team.task-1", "--status", "done"],
        ["waive", "team.task-1", "--reason", "r", "--approved-by", "vp"]
        + ["--expires", "2027-02-01", "--as-of", "2027-01-15"],
        ["unwaive", "team.task-1"],
    ],
    ids=["set", "waive", "unwaive"],
)
def test_an_edit_waits_a_bounded_time_for_the_lock_and_says_so(
    held: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launchfile, "LOCK_WAIT_SECONDS", 0.2)
    code, out, err = run(args[0], held, *args[1:])
    assert (code, out) == (2, "")
    assert err == (
        f"{held}:1:1: another gtm-check is editing this file (it held "
        f"{held.parent / '.launch.yaml.lock'} for 0.2 seconds); nothing was written: "
        "run the command again\n"
    )
    assert held.read_text(encoding="utf-8") == LAUNCH


def test_a_lock_file_that_is_a_link_is_refused_not_followed(launch: Path) -> None:
    target = launch.parent / "elsewhere"
    target.write_text("keep\n", encoding="utf-8")
    (launch.parent / ".launch.yaml.lock").symlink_to(target)
    code, _, err = run("set", launch, "team.task-1", "--status", "done")
    assert code == 2
    assert "lock file" in err and "symbolic link" in err
    assert target.read_text(encoding="utf-8") == "keep\n"
    assert launch.read_text(encoding="utf-8") == LAUNCH


@pytest.mark.parametrize("kind", ["socket", "fifo", "folder"])
def test_a_lock_file_that_is_no_regular_file_is_refused_in_our_words(
    launch: Path, kind: str
) -> None:
    # A socket gave the system's "No such device or address" where the others say why.
    lock = launch.parent / ".launch.yaml.lock"
    if kind == "socket":
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(lock))  # the socket file stays once closed
    elif kind == "fifo":
        os.mkfifo(lock)
    else:
        lock.mkdir()
    code, _, err = run("set", launch, "team.task-1", "--status", "done")
    assert code == 2
    assert err.endswith(": it is not a regular file; nothing was written\n"), err
    assert launch.read_text(encoding="utf-8") == LAUNCH


@pytest.fixture
def held_elsewhere(launch: Path) -> Iterator[Path]:
    """A file of the user's, locked (flock) for as long as the test runs: an edit that
    waited on a lock file linked to it would wait its whole bounded time."""
    target = launch.parent / "elsewhere"
    target.write_text("keep\n", encoding="utf-8")
    fd = os.open(target, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    yield target
    os.close(fd)


def test_a_lock_file_that_is_a_hard_link_is_refused_at_once(
    launch: Path, held_elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = launch.parent / ".launch.yaml.lock"
    os.link(held_elsewhere, lock)
    monkeypatch.setattr(launchfile, "LOCK_WAIT_SECONDS", 5.0)
    started = time.monotonic()
    code, out, err = run("set", launch, "team.task-1", "--status", "done")
    assert time.monotonic() - started < 2.5  # refused at once, not waited on
    assert (code, out) == (2, "")
    assert err == (
        f"{launch}:1:1: cannot take the lock file {lock}: it has 2 names (a hard link to "
        "another file); gtm-check does not use it: remove it; nothing was written\n"
    )
    assert held_elsewhere.read_text(encoding="utf-8") == "keep\n"
    assert lock.exists() and os.path.samefile(lock, held_elsewhere)
    assert launch.read_text(encoding="utf-8") == LAUNCH


ACL = struct.pack("<I", 2) + b"".join(
    struct.pack("<HHI", tag, permissions, who)
    for tag, permissions, who in [
        (0x01, 6, 0xFFFFFFFF),  # user::rw-
        (0x02, 6, 65534),  # user:nobody:rw-
        (0x04, 4, 0xFFFFFFFF),  # group::r--
        (0x10, 6, 0xFFFFFFFF),  # mask::rw-
        (0x20, 4, 0xFFFFFFFF),  # other::r--
    ]
)
"""A POSIX access control list in the form the system keeps (``setfacl`` need not be
installed): with it, the mode's group bits (rw-) are the mask, not the group's access."""


@pytest.mark.parametrize("command", ["set", "unwaive"])
def test_a_file_with_an_acl_or_attributes_keeps_them(launch: Path, command: str) -> None:
    # A new file renamed over the old one had no ACL: its mode's group bits, the ACL's mask,
    # became the group's own permission (r-- to rw-), and the other attributes were gone.
    if command == "unwaive":
        launch.write_text(
            LAUNCH + "waivers: [{item: team.task-1, reason: r, approved_by: vp, "
            "expires: 2027-02-01}]\n",
            encoding="utf-8",
        )
    try:
        os.setxattr(launch, "user.reviewed-by", b"legal")
        os.setxattr(launch, "system.posix_acl_access", ACL)
    except OSError as exc:
        pytest.skip(f"this file system keeps no extended attributes: {exc.strerror}")
    before = launch.stat()
    args = ["team.task-1", "--status", "done"] if command == "set" else ["team.task-1"]
    code, _, err = run(command, launch, *args)
    assert code == 0, err
    assert os.getxattr(launch, "user.reviewed-by") == b"legal"
    assert os.getxattr(launch, "system.posix_acl_access") == ACL
    after = launch.stat()
    assert (after.st_ino, stat.S_IMODE(after.st_mode)) == (
        before.st_ino,
        stat.S_IMODE(before.st_mode),
    )


@pytest.mark.parametrize("command", ["set", "audit -o"])
def test_a_file_without_an_acl_gets_none_from_its_folder(launch: Path, command: str) -> None:
    # The new file renamed over the old one took the folder's default ACL: a launch file
    # of mode 640 that user nobody could not read became readable by nobody.
    target = launch if command == "set" else launch.parent / "report.md"
    target.write_text(LAUNCH if command == "set" else "old report\n", encoding="utf-8")
    target.chmod(0o640)
    try:
        os.setxattr(launch.parent, "system.posix_acl_default", ACL)
    except OSError as exc:
        pytest.skip(f"this file system keeps no access control lists: {exc.strerror}")
    if command == "set":
        code, _, err = run("set", launch, "team.task-1", "--status", "done")
    else:
        code, _, err = run("audit", launch, "-o", str(target), "-f", "markdown")
    assert code in (0, 1) and err == "", err
    assert "system.posix_acl_access" not in os.listxattr(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = launch.parent / "fresh.md"  # a new file gets the folder's list, as any would
    run("audit", launch, "-o", str(fresh), "-f", "markdown")
    assert "system.posix_acl_access" in os.listxattr(fresh)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_lock_file_of_another_user_is_refused_at_once(launch: Path) -> None:
    lock = launch.parent / ".launch.yaml.lock"
    lock.write_bytes(b"")
    os.chown(lock, 12345, 12345)
    code, _, err = run("unwaive", launch, "team.task-1")
    assert code == 2
    assert err == (
        f"{launch}:1:1: cannot take the lock file {lock}: it belongs to another user (uid "
        "12345); gtm-check does not use it: remove it; nothing was written\n"
    )
    assert lock.stat().st_uid == 12345 and lock.read_bytes() == b""
    assert launch.read_text(encoding="utf-8") == LAUNCH


# --- the file as the user left it --------------------------------------------------------------


def test_a_read_only_file_is_refused(launch: Path) -> None:
    os.chmod(launch, 0o444)  # refused by the rule, also as root (who could write it)
    code, _, err = run("set", launch, "team.task-1", "--status", "done")
    assert code == 2
    assert err == (
        f"{launch}:1:1: the launch file is read-only (mode 444); nothing was written: make it "
        "writable to edit it with gtm-check\n"
    )
    assert launch.read_text(encoding="utf-8") == LAUNCH


def test_a_file_owned_by_someone_else_is_refused(
    launch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = launch.stat().st_uid
    monkeypatch.setattr(os, "geteuid", lambda: owner + 1 if owner else 4242)
    code, _, err = run("waive", launch, "team.task-1", "--reason", "r", "--approved-by", "vp",
                       "--expires", "2027-02-01", "--as-of", "2027-01-15")  # fmt: skip
    assert code == 2
    assert err == (
        f"{launch}:1:1: the launch file belongs to another user (uid {owner}); nothing was "
        "written: gtm-check edits only files of the user who runs it\n"
    )
    assert launch.read_text(encoding="utf-8") == LAUNCH


def test_a_hard_link_is_edited_in_place_not_split(launch: Path) -> None:
    other = launch.parent / "same-file.yaml"
    os.link(launch, other)
    os.chmod(launch, 0o640)
    code, _, err = run("set", launch, "team.task-1", "--status", "blocked")
    assert code == 0, err
    assert other.read_bytes() == launch.read_bytes()
    assert "team.task-1: blocked" in other.read_text(encoding="utf-8")
    assert os.path.samefile(launch, other) and launch.stat().st_nlink == 2
    assert stat.S_IMODE(launch.stat().st_mode) == 0o640
    assert [p.name for p in launch.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
@pytest.mark.parametrize("command", ["set", "waive", "unwaive"])
def test_root_is_refused_another_users_file(launch: Path, command: str) -> None:
    os.chown(launch, 12345, 12345)
    os.chmod(launch, 0o666)  # writable by anyone: the owner alone still decides
    args = {
        "set": ["team.task-1", "--status", "done"],
        "waive": ["team.task-1", "--reason", "r", "--approved-by", "vp"]
        + ["--expires", "2027-02-01", "--as-of", "2027-01-15"],
        "unwaive": ["team.task-1"],
    }[command]
    code, out, err = run(command, launch, *args)
    assert (code, out) == (2, "")
    assert err == (
        f"{launch}:1:1: the launch file belongs to another user (uid 12345); nothing was "
        "written: gtm-check edits only files of the user who runs it\n"
    )
    assert launch.read_text(encoding="utf-8") == LAUNCH
    status = launch.stat()
    assert (status.st_uid, status.st_gid) == (12345, 12345)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file another group")
def test_the_group_and_mode_stay_when_root_edits_its_file(launch: Path) -> None:
    os.chown(launch, -1, 4343)
    os.chmod(launch, 0o604)
    code, _, err = run("set", launch, "team.task-1", "--status", "done")
    assert code == 0, err
    status = launch.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (0, 4343, 0o604)
    assert "team.task-1: {status: done" in launch.read_text(encoding="utf-8")


# --- one read of each file --------------------------------------------------------------------


def test_set_with_two_items_parses_each_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "launch.yaml"
    path.write_bytes((EXAMPLES / "launch.yaml").read_bytes())
    parsed: collections.Counter[str] = collections.Counter()
    real = yamltree._parse

    def counting(source: yamltree.Source, **kwargs: bool) -> object:
        parsed["new" if source.path == str(path) and "zq-note" in source.text else
               "old" if source.path == str(path) else source.path] += 1  # fmt: skip
        return real(source, **kwargs)

    monkeypatch.setattr(yamltree, "_parse", counting)
    code, _, err = run(
        "set",
        path,
        "product-management.internal-announcement",
        "marketing.press-and-analysts",
        "--status",
        "done",
        "--note",
        "zq-note",
    )
    assert code == 0, err
    assert parsed.pop("old") == 1  # the launch file as read
    assert parsed.pop("new") == 1  # and as it will be written
    assert parsed and all(path.startswith("builtin:") for path in parsed)
    assert set(parsed.values()) == {1}  # each built-in checklist once


def test_no_write_replaces_the_lock_file_of_another_files_edits(launch: Path) -> None:
    # A launch file named .launch.yaml.lock, edited at the same time as launch.yaml, was
    # replaced through a rename while an edit of launch.yaml held it: the next edit locked
    # the new file and ran beside the first, and edits that exited 0 were lost.
    lock = launch.parent / ".launch.yaml.lock"
    lock.write_text(LAUNCH, encoding="utf-8")
    before = lock.read_bytes()
    commands: list[list[str | Path]] = [
        ["set", lock, "team.task-1", "--status", "done"],
        ["audit", launch, "-f", "json", "-o", lock],
    ]
    for args in commands:
        code, _, err = run(*args)
        assert code == 2, err
        assert err == (
            f"{lock}:1:1: is where edits of 'launch.yaml' keep their lock; nothing was "
            "written: name the file otherwise\n"
        )
        assert lock.read_bytes() == before


def test_the_lock_file_is_never_read_as_a_checklist(launch: Path) -> None:
    # set made its lock file, then loaded the launch's checklists, one of them named like
    # that lock: it said the lock's mark was a broken checklist, where validate said the
    # checklist did not exist. Every command now says what that name is.
    text = launch.read_text(encoding="utf-8")
    launch.write_text(text.replace("[./team.yaml]", "[./team.yaml, ./.launch.yaml.lock]"), "utf-8")
    before = launch.read_bytes()
    said = (
        f"{launch}:3:27: checklist './.launch.yaml.lock' is the lock file gtm-check's edits "
        "of 'launch.yaml' make; name the checklist another way\n"
    )
    assert run("validate", launch)[::2] == (2, said)
    assert run("set", launch, "team.task-1", "--status", "done")[::2] == (2, said)
    assert launch.read_bytes() == before
    assert sorted(p.name for p in launch.parent.iterdir()) == ["launch.yaml", "team.yaml"]


# --- signals ---------------------------------------------------------------------------------

CHECKING_CHILD = stalled_child("gtm_check.authoring.launchfile._refuse_unwritable", "checking")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_while_an_edit_reads_and_checks_leaves_no_lock_file(
    launch: Path, signum: int, code: int
) -> None:
    # Reading and checking take most of an edit: a CI job cancelled there left
    # .launch.yaml.lock in the user's folder, for the next `git add -A` to commit.
    before = launch.read_bytes()
    command = [
        sys.executable,
        "-c",
        CHECKING_CHILD,
        "set",
        str(launch),
        "team.task-1",
        "--status",
        "done",
    ]
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=ROOT) as child:
        assert child.stderr is not None
        assert child.stderr.readline() == "checking\n"
        assert (launch.parent / ".launch.yaml.lock").exists()  # caught holding it
        child.send_signal(signum)
        assert child.wait(timeout=30) == code
        assert child.stderr.read() == ""  # no traceback
    assert sorted(p.name for p in launch.parent.iterdir()) == ["launch.yaml", "team.yaml"]
    assert launch.read_bytes() == before


@pytest.mark.parametrize("when", ["as it is made", "as it waits for it"])
def test_a_signal_as_the_lock_is_taken_leaves_no_lock_file(
    launch: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    # The lock file was made before the clean-up that removes it began: SIGTERM then left
    # it, empty (taken for the user's own, never removed) when it came before its mark.
    if when == "as it is made":
        checked = lock_module._checked

        def signalled(fd: int, lock: Path, display: str, *, made: bool = False) -> int:
            os.kill(os.getpid(), signal.SIGTERM)  # before the mark is written
            return checked(fd, lock, display, made=made)

        monkeypatch.setattr(lock_module, "_checked", signalled)
    else:

        def interrupted(fd: int, deadline: float) -> bool:
            raise Interrupted(143)

        monkeypatch.setattr(lock_module, "_wait_for", interrupted)
    with pytest.raises(Interrupted), signals_end_the_block():
        with lock_module.locked(launch, str(launch), 1.0):
            pytest.fail("the block ran")
    assert sorted(p.name for p in launch.parent.iterdir()) == ["launch.yaml", "team.yaml"]


# --- limits ----------------------------------------------------------------------------------

LIMIT = 64 * 1024 * 1024


@pytest.mark.parametrize(
    "command",
    [
        ["set", "team.task-1", "--note", "n" * 300],
        [
            "waive", "team.task-1", "--reason", "r" * 300, "--approved-by", "vp@example.com",
            "--expires", "2027-02-01", "--as-of", "2027-01-15",
        ],
    ],
    ids=["set", "waive"],
)  # fmt: skip
def test_an_edit_never_makes_the_file_larger_than_any_command_reads(
    launch: Path, command: list[str]
) -> None:
    # 200 bytes under the limit, in comments: valid, and the edit adds more than 200.
    with launch.open("a", encoding="utf-8") as file:
        line = "#" + "x" * 1022 + "\n"
        room = LIMIT - 200 - file.tell()
        file.write(line * (room // len(line)) + "#" * (room % len(line) - 1) + "\n")
    before = launch.read_bytes()
    assert len(before) == LIMIT - 200
    code, _, err = run(command[0], launch, *command[1:])
    assert code == 2, err
    assert f"{launch}:1:1: the edit would make the file 67,10" in err
    assert "the limit is 67,108,864; nothing was written" in err
    assert launch.read_bytes() == before
