"""`--output`: regular files only, written atomically with the right mode, never half-done."""

from __future__ import annotations

import errno
import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gtm_check.authoring.interrupts import Interrupted, signals_end_the_block
from gtm_check.cli import init as init_module
from gtm_check.cli import output as output_module
from gtm_check.cli.commands import app
from gtm_check.model.problems import GtmCheckError
from tests.conftest import MINI_CHECKLIST, ROOT, git_folder, stalled_child

Mini = Callable[[str], Path]
AS_OF = ("--as-of", "2027-01-15")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def audit_to(launch: Path, target: str | Path, *flags: str) -> tuple[int, str, str]:
    return run("audit", str(launch), *AS_OF, "-o", str(target), *flags)


def refused(err: str, target: str | Path) -> str:
    """The one located line of a refusal, without its location."""
    (line,) = err.splitlines()
    assert line.startswith(f"{target}:1:1: "), line
    return line.removeprefix(f"{target}:1:1: ")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_dash_is_standard_output(
    mini: Mini, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    launch = mini("")
    monkeypatch.chdir(tmp_path)
    code, out, err = audit_to(launch, "-", "-f", "json")
    assert (code, err) == (1, "")
    assert out.startswith("{")
    assert not (tmp_path / "-").exists()


# --- More views of the same run (--also) ----------------------------------------------------


def test_also_writes_every_view_of_one_run(mini: Mini, tmp_path: Path) -> None:
    """Each file holds what ``-f FORMAT -o FILE`` writes alone; standard output keeps the
    ``--format`` report; the exit code is the gate's."""
    launch = mini("")
    views = {"json": "r.json", "html": "r.html", "sarif": "r.sarif", "table": "r.txt"}
    also = [f"--also={f}={tmp_path / name}" for f, name in views.items()]
    code, out, err = run("audit", str(launch), *AS_OF, "-f", "markdown", *also)
    assert (code, err) == (1, "")
    assert out == run("audit", str(launch), *AS_OF, "-f", "markdown")[1]
    for format, name in views.items():
        alone = tmp_path / f"alone-{name}"
        assert audit_to(launch, alone, "-f", format)[0] == 1
        assert (tmp_path / name).read_bytes() == alone.read_bytes(), format
    # With -o as well, standard output stays empty and every file is written.
    code, out, err = audit_to(launch, tmp_path / "main.md", "-f", "markdown", also[0])
    assert (code, out, err) == (1, "", "")
    assert (tmp_path / "main.md").read_text("utf-8").startswith("# ")


@pytest.mark.parametrize(
    "second", ["the launch file", "the same file again", "a hard link", "no such folder"]
)
def test_also_refuses_before_writing_anything(mini: Mini, tmp_path: Path, second: str) -> None:
    launch = mini("")
    first = tmp_path / "r.json"
    first.write_text("old", encoding="utf-8")
    target = {
        "the launch file": launch,
        "the same file again": tmp_path / "sub" / ".." / "r.json",
        "a hard link": tmp_path / "also-r.json",
        "no such folder": tmp_path / "missing" / "r.html",
    }[second]
    if second == "a hard link":
        os.link(first, target)
    (tmp_path / "sub").mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(
        "audit",
        str(launch),
        *AS_OF,
        "-f",
        "github",
        f"--also=json={first}",
        f"--also=html={target}",
    )
    assert (code, out) == (2, "")  # not even the annotations: nothing written
    reason = refused(err, target)
    assert reason.startswith(
        {
            "the launch file": "is one of the input files",
            "the same file again": "is named twice as an output of this run",
            "a hard link": "is named twice as an output of this run",
            "no such folder": "folder",
        }[second]
    ), reason
    assert first.read_text("utf-8") == "old" and launch.read_text("utf-8").startswith("launch:")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("stdout", ["full", "closed"])
def test_also_writes_nothing_when_standard_output_fails(
    mini: Mini, tmp_path: Path, stdout: str
) -> None:
    # The report file was put in place before standard output was written: a full or
    # closed standard output exited 2 beside an --also file saying "passed".
    launch = mini("gate: {stages: [learn], min_score: 0}\nitems: {legal.trademarks: done}\n")
    kept = tmp_path / "kept.json"
    kept.write_text("yesterday's report", encoding="utf-8")
    fresh = tmp_path / "fresh.html"
    args = ["audit", str(launch), *AS_OF, f"--also=json={kept}", f"--also=html={fresh}"]
    command = [sys.executable, "-m", "gtm_check", *args]
    with open(os.devnull if stdout == "closed" else "/dev/full", "wb") as sink:
        child = subprocess.run(
            command if stdout == "full" else ["sh", "-c", 'exec "$@" >&-', "sh", *command],
            stdout=sink,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert child.returncode == 2, child.stderr
    assert child.stderr.decode().startswith("gtm-check: ")
    assert kept.read_text(encoding="utf-8") == "yesterday's report"
    assert not fresh.exists() and leftovers(tmp_path) == []
    # Standard output that takes the report: both files, and the gate's exit code.
    assert subprocess.run(command, capture_output=True, check=False).returncode == 0
    assert kept.read_text(encoding="utf-8").startswith("{") and fresh.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("json", "'json' is not FORMAT=FILE (e.g. json=report.json)"),
        ("jsn=r.json", "unknown format 'jsn' (did you mean 'json'?)"),
        ("json=-", "standard output takes the --format report; give --also a file"),
        ("json=", "the value is empty; give the file to write the json report to"),
    ],
)
def test_also_says_what_it_takes(mini: Mini, value: str, message: str) -> None:
    code, out, err = run("audit", str(mini("")), "--also", value)
    assert (code, out) == (2, "")
    assert err.strip().endswith(f"--also: {message}"), err


# --- Targets that are not regular files ---------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "reports.pipe"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    yield path
    server.close()


@pytest.fixture(params=[(1, 3), (1, 7), (1, 5)], ids=["null", "full", "zero"])
def device(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A private copy of /dev/null, /dev/full or /dev/zero (the same device numbers).

    Never the system's own: run as root, a regression would replace the machine's
    /dev/null with a regular file, under every other process using it.
    """
    path = tmp_path / "device"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(*request.param))
    except PermissionError:
        pytest.skip("cannot make a device node here (not root)")
    return path


def test_a_device_is_refused_and_stays_a_device(mini: Mini, device: Path) -> None:
    code, out, err = audit_to(mini(""), device)
    assert (code, out) == (2, "")
    assert refused(err, device).startswith("is not a regular file")
    assert stat.S_ISCHR(os.stat(device).st_mode)  # as root, a rename would have replaced it
    assert leftovers(device.parent) == []


def test_a_fifo_is_refused(mini: Mini, fifo: Path) -> None:
    code, out, err = audit_to(mini(""), fifo)
    assert (code, out) == (2, "")
    assert refused(err, fifo).startswith("is not a regular file")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_socket_is_refused(mini: Mini, unix_socket: Path) -> None:
    code, _, err = audit_to(mini(""), unix_socket)
    assert code == 2
    assert refused(err, unix_socket).startswith("is not a regular file")
    assert stat.S_ISSOCK(os.stat(unix_socket).st_mode)


def test_a_directory_is_refused(mini: Mini, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    code, _, err = audit_to(mini(""), folder)
    assert code == 2
    assert refused(err, folder) == "is a directory, not a file"
    assert list(folder.iterdir()) == []


def test_a_link_to_a_fifo_is_refused(mini: Mini, fifo: Path, tmp_path: Path) -> None:
    link = tmp_path / "report.txt"
    link.symlink_to(fifo)
    code, _, err = audit_to(mini(""), link)
    assert code == 2
    assert refused(err, link).startswith("is not a regular file")
    assert link.is_symlink()


def test_a_link_to_standard_output_is_refused_not_replaced(mini: Mini, tmp_path: Path) -> None:
    # /dev/stdout is a link to /proc/self/fd/1; a private one behaves the same and a
    # regression cannot replace the machine's. A real process: its standard output is a pipe.
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    launch = mini("")
    child = subprocess.run(
        [sys.executable, "-m", "gtm_check", "audit", str(launch), *AS_OF, "-o", str(stdout)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        cwd=ROOT,
    )
    assert (child.returncode, child.stdout) == (2, "")
    assert refused(child.stderr, stdout).startswith("is not a regular file")
    assert stdout.is_symlink()


def test_a_link_that_loops_is_refused(mini: Mini, tmp_path: Path) -> None:
    link = tmp_path / "loop.md"
    link.symlink_to("loop.md")
    code, _, err = audit_to(mini(""), link)
    assert code == 2
    assert refused(err, link) == "cannot write: it is a symbolic link that loops"


def test_a_dangling_link_is_refused(mini: Mini, tmp_path: Path) -> None:
    link = tmp_path / "report.md"
    link.symlink_to(tmp_path / "nowhere" / "report.md")
    code, _, err = audit_to(mini(""), link)
    assert code == 2
    assert refused(err, link) == "is a symbolic link to a file that does not exist"


# --- Links to regular files, modes ---------------------------------------------------------


def test_a_link_to_a_file_is_written_through_and_stays_a_link(mini: Mini, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    real = tmp_path / "out" / "report.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(Path("out") / "report.json")
    code, _, err = audit_to(mini(""), link, "-f", "json")
    assert (code, err) == (1, "")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("{")
    assert leftovers(tmp_path / "out") == leftovers(tmp_path) == []


# --- Links out of the repository --------------------------------------------------------------


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A repository (``repo``, holding ``.git`` and a launch file) and, beside it, a folder
    ``home`` holding a file of the CI user's that a pull request would like overwritten."""
    repo = tmp_path / "repo"
    git_folder(repo)
    (repo / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
    header = "launch: Mini\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n"
    (repo / "launch.yaml").write_text(header, encoding="utf-8")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".bashrc").write_text("keep\n", encoding="utf-8")
    return repo


def test_a_link_out_of_the_repository_is_refused_and_nothing_written(checkout: Path) -> None:
    home = checkout.parent / "home"
    link = checkout / "report.html"
    link.symlink_to(home / ".bashrc")
    code, out, err = audit_to(checkout / "launch.yaml", link, "-f", "html")
    assert (code, out) == (2, "")
    assert refused(err, link) == (
        "the output file leads outside its repository through a symbolic link; nothing was "
        "written (pass --allow-outside to write it anyway)"
    )
    assert (home / ".bashrc").read_text(encoding="utf-8") == "keep\n"
    assert link.is_symlink()
    assert leftovers(home) == leftovers(checkout) == []


def test_a_folder_linked_out_of_the_repository_is_refused(checkout: Path) -> None:
    home = checkout.parent / "home"
    (checkout / "reports").symlink_to(home)
    target = checkout / "reports" / "report.md"
    code, _, err = audit_to(checkout / "launch.yaml", target, "-f", "markdown")
    assert code == 2
    assert "leads outside its repository" in refused(err, target)
    assert sorted(p.name for p in home.iterdir()) == [".bashrc"]


def test_without_a_repository_a_link_out_of_the_folder_is_refused(
    mini: Mini, tmp_path: Path
) -> None:
    launch = mini("")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "kept.txt").write_text("keep\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    link = tmp_path / "out" / "report.json"
    link.symlink_to(tmp_path / "elsewhere" / "kept.txt")
    code, _, err = audit_to(launch, link, "-f", "json")
    assert code == 2
    assert "leads outside its folder" in refused(err, link)
    assert (tmp_path / "elsewhere" / "kept.txt").read_text(encoding="utf-8") == "keep\n"


def test_allow_outside_writes_through_a_link_out_of_the_repository(checkout: Path) -> None:
    home = checkout.parent / "home"
    link = checkout / "report.json"
    link.symlink_to(home / ".bashrc")
    code, _, err = audit_to(checkout / "launch.yaml", link, "-f", "json", "--allow-outside")
    assert (code, err) == (1, "")
    assert (home / ".bashrc").read_text(encoding="utf-8").startswith("{")
    assert link.is_symlink()


def test_a_link_that_stays_in_the_repository_is_written_through(checkout: Path) -> None:
    (checkout / "reports").mkdir()
    (checkout / "reports" / "latest.json").write_text("old", encoding="utf-8")
    link = checkout / "report.json"
    link.symlink_to(Path("reports") / "latest.json")
    code, _, err = audit_to(checkout / "launch.yaml", link, "-f", "json")
    assert (code, err) == (1, "")
    assert (checkout / "reports" / "latest.json").read_text(encoding="utf-8").startswith("{")


def test_the_writer_refuses_a_link_out_unless_allowed(checkout: Path) -> None:
    home = checkout.parent / "home"
    link = checkout / "notes.txt"
    link.symlink_to(home / ".bashrc")
    with pytest.raises(GtmCheckError):
        output_module.write_atomic(link, "new\n", overwrite=True)
    with pytest.raises(GtmCheckError):
        output_module.write_in_place(link, "new\n", b"keep\n")
    assert (home / ".bashrc").read_text(encoding="utf-8") == "keep\n"
    output_module.write_atomic(link, "new\n", overwrite=True, allow_outside=True)
    assert (home / ".bashrc").read_text(encoding="utf-8") == "new\n"


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    previous = os.umask(0o022)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    yield set_mask
    os.umask(previous)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_umask_mode(
    mini: Mini, tmp_path: Path, umask: Callable[[int], None], mask: int
) -> None:
    umask(mask)
    target = tmp_path / "new.txt"
    assert audit_to(mini(""), target)[0] == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_file_written_over_keeps_its_mode(
    mini: Mini, tmp_path: Path, umask: Callable[[int], None], mode: int
) -> None:
    umask(0o077)
    target = tmp_path / "report.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(mode)
    assert audit_to(mini(""), target)[0] == 1
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_text(encoding="utf-8") != "old"


# --- Failures while writing ----------------------------------------------------------------


def test_a_full_disk_leaves_the_old_file_and_no_temporary(
    mini: Mini, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.txt"
    target.write_text("yesterday's report", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)  # as cli/output.py calls it
    code, out, err = audit_to(mini(""), target)
    assert (code, out) == (2, "")
    assert refused(err, target) == "cannot write: No space left on device"
    assert target.read_text(encoding="utf-8") == "yesterday's report"
    assert leftovers(tmp_path) == []


def test_the_signal_handlers_are_restored_after_a_write(tmp_path: Path) -> None:
    def mine(signum: int, frame: object) -> None:
        raise AssertionError

    previous = signal.signal(signal.SIGTERM, mine)
    try:
        output_module.write_atomic(tmp_path / "r.txt", "report\n")
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, previous)


# The child stalls inside the write (after the temporary file is made and filled), says
# so on stderr, and waits to be signalled; the test signals it at once.
STALLING_CHILD = stalled_child("os.fsync", "writing")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
@pytest.mark.parametrize("existing", [False, True], ids=["new", "overwrite"])
def test_a_signal_during_the_write_removes_the_temporary_file(
    mini: Mini, tmp_path: Path, signum: int, code: int, existing: bool
) -> None:
    launch = mini("")
    out = tmp_path / "out"
    out.mkdir()
    target = out / "report.md"
    if existing:
        target.write_text("old", encoding="utf-8")
    with subprocess.Popen(
        [sys.executable, "-c", STALLING_CHILD, "audit", str(launch), *AS_OF, "-o", str(target)],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    ) as child:
        assert child.stderr is not None
        assert child.stderr.readline() == "writing\n"
        assert len(leftovers(out)) == 1  # caught in the act
        child.send_signal(signum)
        assert child.wait(timeout=30) == code
        assert child.stderr.read() == ""  # no traceback
    assert leftovers(out) == []
    assert target.exists() is existing
    if existing:
        assert target.read_text(encoding="utf-8") == "old"


def test_a_second_signal_waits_until_the_old_bytes_are_written_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file edited in place gets its old bytes back after a first signal; a second one
    # during that (Ctrl-C twice) cut the write-back, and the file was left half new.
    path = tmp_path / "launch.yaml"
    path.write_text("old text, longer than the new one\n", encoding="utf-8")
    overwrite = output_module._overwrite
    calls: list[bytes] = []

    def interrupted(fd: int, data: bytes) -> None:
        calls.append(data)
        if len(calls) == 1:  # the new text written whole, then the first signal
            overwrite(fd, data)
            raise Interrupted(143)
        os.kill(os.getpid(), signal.SIGTERM)  # the second, as the old bytes go back
        overwrite(fd, data)

    monkeypatch.setattr(output_module, "_overwrite", interrupted)
    with pytest.raises(Interrupted):
        output_module.write_in_place(path, "new\n", path.read_bytes())
    assert path.read_text(encoding="utf-8") == "old text, longer than the new one\n"
    assert len(calls) == 2


def test_a_signal_while_files_go_in_place_together_waits_for_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # init puts the schema and the launch file in place together; SIGTERM between the two
    # renames left the schema alone. The signal now waits: both are in place, then it ends.
    replace = os.replace
    renamed: list[str] = []

    def then_a_signal(source: str, target: str) -> None:
        replace(source, target)
        renamed.append(Path(target).name)
        if len(renamed) == 1:
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(os, "replace", then_a_signal)
    with pytest.raises(Interrupted) as ended:
        with output_module.written_together() as writes:
            writes.add(tmp_path / "schema.json", "{}\n")
            writes.add(tmp_path / "launch.yaml", "launch: X\n")
    assert ended.value.code == 143
    assert sorted(renamed) == ["launch.yaml", "schema.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["launch.yaml", "schema.json"]


def test_a_signal_as_a_temporary_file_is_made_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The temporary file was there once mkstemp returned, but recorded for its clean-up only
    # on the next line: SIGTERM between the two left an empty .NAME.XXXX.tmp.
    made = tempfile.mkstemp

    def then_a_signal(*args: Any, **kwargs: Any) -> tuple[int, str]:
        handle, name = made(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)
        return handle, str(name)

    monkeypatch.setattr(tempfile, "mkstemp", then_a_signal)
    with pytest.raises(Interrupted):
        output_module.write_atomic(tmp_path / "report.md", "report\n")
    assert list(tmp_path.iterdir()) == []


def test_a_signal_as_init_makes_its_schema_folder_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # .gtm-check/ was made before the clean-up that removes it began: SIGTERM then left it,
    # empty, and no launch file.
    make = init_module._make_folder

    def then_a_signal(folder: Path) -> bool:
        made = make(folder)
        os.kill(os.getpid(), signal.SIGTERM)
        return made

    monkeypatch.setattr(init_module, "_make_folder", then_a_signal)
    git_folder(tmp_path)
    launch = tmp_path / "launch.yaml"
    with signals_end_the_block():  # as gtm-check's own handlers would (never the default)
        result = CliRunner().invoke(
            app, ["init", "--name", "X", "--launch-date", "2027-03-01", str(launch)]
        )
    assert result.exit_code == 143, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git"]


# --- Git's own folder -------------------------------------------------------------------------

GIT_REFUSAL = (
    "is in git's own folder (.git), where git keeps hooks and configuration; nothing was "
    "written (gtm-check never writes there, not even with --allow-outside)"
)


@pytest.fixture
def hooked(checkout: Path) -> Path:
    """``checkout`` with an executable hook and a configuration file in ``.git``."""
    (checkout / ".git" / "hooks").mkdir()
    hook = checkout / ".git" / "hooks" / "post-checkout"
    hook.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    hook.chmod(0o755)
    (checkout / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    return checkout


@pytest.mark.parametrize("inside", ["hooks/post-checkout", "config", "hooks/new-hook"])
@pytest.mark.parametrize("allow", [(), ("--allow-outside",)])
def test_a_link_into_the_git_folder_is_refused_even_with_allow_outside(
    hooked: Path, inside: str, allow: tuple[str, ...]
) -> None:
    before = {p: p.read_bytes() for p in (hooked / ".git").rglob("*") if p.is_file()}
    link = hooked / "readiness.txt"
    link.symlink_to(Path(".git") / inside)
    code, out, err = audit_to(hooked / "launch.yaml", link, *allow)
    assert (code, out) == (2, "")
    assert refused(err, link) == GIT_REFUSAL
    after = {p: p.read_bytes() for p in (hooked / ".git").rglob("*") if p.is_file()}
    assert after == before
    assert os.access(hooked / ".git" / "hooks" / "post-checkout", os.X_OK)


def test_a_path_named_into_the_git_folder_is_refused(hooked: Path) -> None:
    target = hooked / ".git" / "hooks" / "post-checkout"
    code, _, err = audit_to(hooked / "launch.yaml", target, "--allow-outside")
    assert code == 2
    assert refused(err, target) == GIT_REFUSAL
    assert target.read_text(encoding="utf-8") == "#!/bin/sh\nexit 0\n"


def test_a_linked_folder_into_a_separate_git_folder_is_refused(checkout: Path) -> None:
    """A git folder not named .git (``--separate-git-dir``, a bare repository) is known
    by what it holds."""
    gitdir = checkout.parent / "elsewhere.git"
    for folder in ("objects", "refs", "hooks"):
        (gitdir / folder).mkdir(parents=True)
    (gitdir / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (gitdir / "config").write_text("[core]\n", encoding="utf-8")
    (checkout / "reports").symlink_to(gitdir / "hooks")
    target = checkout / "reports" / "pre-commit"
    code, _, err = audit_to(checkout / "launch.yaml", target, "--allow-outside")
    assert code == 2
    assert refused(err, target) == GIT_REFUSAL
    assert not target.exists()


def test_the_writers_refuse_the_git_folder(hooked: Path) -> None:
    link = hooked / "launch-link.yaml"
    link.symlink_to(Path(".git") / "config")
    with pytest.raises(GtmCheckError):
        output_module.write_atomic(link, "x\n", overwrite=True, allow_outside=True)
    with pytest.raises(GtmCheckError):
        output_module.write_in_place(link, "x\n", b"[core]\n", allow_outside=True)
    assert (hooked / ".git" / "config").read_text(encoding="utf-8") == "[core]\n"


@pytest.mark.parametrize("mode", [0o755, 0o700, 0o775])
def test_a_report_written_over_an_executable_drops_the_execute_bits(
    mini: Mini, tmp_path: Path, mode: int
) -> None:
    target = tmp_path / "report.txt"
    target.write_text("#!/bin/sh\n", encoding="utf-8")
    target.chmod(mode)
    assert audit_to(mini(""), target)[0] == 1
    assert stat.S_IMODE(target.stat().st_mode) == mode & 0o666


@pytest.mark.parametrize("which", ["checklist", "policy"])
def test_an_input_file_named_dash_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    # A checklist ./- (joined to the working folder: "-") and --policy - (the file "-") were
    # taken for standard input by the output check, and -o ./- replaced them.
    monkeypatch.chdir(tmp_path)
    dash = tmp_path / "-"
    if which == "checklist":
        dash.write_text(MINI_CHECKLIST, encoding="utf-8")
        launch = "launch: X\nlaunch_date: 2027-04-15\nchecklists: [./-]\n"
        extra: list[str] = []
    else:
        dash.write_text("policy:\n  min_score: 90\n", encoding="utf-8")
        (tmp_path / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
        launch = "launch: X\nlaunch_date: 2027-04-15\nchecklists: [./legal.yaml]\n"
        extra = ["--policy", "-"]
    (tmp_path / "launch.yaml").write_text(launch, encoding="utf-8")
    before = dash.read_bytes()
    for target in ("./-", str(dash)):
        code, out, err = run("audit", "launch.yaml", *AS_OF, *extra, "-o", target)
        assert (code, out) == (2, "")
        assert err.endswith(": is one of the input files; choose another output file\n"), err
        assert dash.read_bytes() == before


def deeper_than_the_system_names(top: Path) -> str:
    """A folder under ``top`` whose path is longer than the system's limit (4,096 bytes),
    made one folder at a time; its path relative to ``top``, under that limit."""
    part, parts = "d" * 9, 409
    fd = os.open(top, os.O_RDONLY)
    try:
        for _ in range(parts):
            os.mkdir(part, dir_fd=fd)
            inner = os.open(part, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
    return "/".join([part] * parts)


def test_an_output_folder_deeper_than_the_system_names_is_exit_2(tmp_path: Path) -> None:
    # A link in the checkout to a folder past PATH_MAX made -o, --also and init exit 3.
    (tmp_path / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
    launch = tmp_path / "launch.yaml"
    launch.write_text("launch: M\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n")
    (tmp_path / "out").symlink_to(deeper_than_the_system_names(tmp_path))
    report = tmp_path / "out" / "r.json"
    for args in (
        ["audit", str(launch), "-f", "json", "-o", str(report)],
        ["audit", str(launch), "--also", f"json={report}"],
        ["init", str(tmp_path / "out" / "new.yaml"), "--name", "N", "--launch-date", "2027-03-01"],
    ):
        code, out, err = run(*args)
        said = f"{tmp_path / 'out'}/"
        assert (code, out) == (2, ""), (args, err)
        assert err.startswith(said) and err.endswith(
            ":1:1: cannot write: its name is too long for the file system\n"
        ), err
    # An edit there says so too, naming the lock file by its end, not its 4,100 characters.
    edited = tmp_path / "out" / "l.yaml"
    edited.write_text(launch.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run("set", str(edited), "legal.trademarks", "--status", "done")
    assert code == 2 and len(err) < 400, err
    assert err.startswith(f"{edited}:1:1: cannot take the lock file …")
    assert err.endswith(
        "/.l.yaml.lock: its name is too long for the file system; nothing was written\n"
    )


@pytest.mark.parametrize("length", [200, 250, 255])
def test_a_report_name_as_long_as_a_folder_holds_is_written(tmp_path: Path, length: int) -> None:
    # The temporary file beside it, ".NAME.random.tmp", was too long for the folder: a
    # name of 241 to 255 bytes was refused, "cannot write: File name too long".
    report = tmp_path / ("r" * (length - 5) + ".json")
    (tmp_path / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
    launch = tmp_path / "launch.yaml"
    launch.write_text("launch: M\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n")
    code, _, err = run("audit", str(launch), "-f", "json", "-o", str(report))
    assert code in (0, 1) and err == "", err
    assert report.read_text(encoding="utf-8").startswith("{")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["legal.yaml", "launch.yaml", report.name]
    )


def test_no_file_is_written_under_a_policy_files_name(tmp_path: Path) -> None:
    # init wrote a launch file named .gtm-check.yaml (with --force over the policy in
    # force), where every later run in and below its folder reads it as a policy.
    (tmp_path / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
    launch = tmp_path / "launch.yaml"
    launch.write_text("launch: M\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    target = sub / ".gtm-check.yaml"
    for args in (
        ["init", str(target), "--name", "N", "--launch-date", "2027-03-01", "--force"],
        ["audit", str(launch), "-f", "markdown", "-o", str(target)],
    ):
        code, out, err = run(*args)
        assert (code, out) == (2, ""), err
        assert err.startswith(f"{target}:1:1: is a policy file's name (.gtm-check.yaml"), err
        assert not target.exists()
    # nor through a link of another name
    policy = sub / ".gtm-check.yaml"
    policy.write_text("policy: {min_score: 50}\n", encoding="utf-8")
    (tmp_path / "report.md").symlink_to(policy)
    code, _, err = run("audit", str(launch), "-f", "markdown", "-o", str(tmp_path / "report.md"))
    assert code == 2 and "is a policy file's name" in err, err
    assert policy.read_text(encoding="utf-8") == "policy: {min_score: 50}\n"
