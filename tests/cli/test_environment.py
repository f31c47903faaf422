"""A hostile environment: closed, broken or full stdout, other encodings, odd widths and dates.

None of these is a problem in the user's files, none may say "internal error", and none
may exit 1 (which says the gate failed). Where the behaviour needs a real process (file
descriptors, pipes, encodings), the test runs one.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from gtm_check.pipeline import AuditRequest, audit
from gtm_check.report import ASCII_GLYPHS, GLYPHS, RenderOptions
from gtm_check.report.registry import AUDIT, render
from tests.conftest import EXAMPLES, ROOT, WriteFile
from tests.report.audits import FORMATS

Mini = Callable[[str], Path]
EXAMPLE = str(EXAMPLES / "launch.yaml")
AS_OF = ("--as-of", "2027-01-15")
GTM_CHECK = [sys.executable, "-m", "gtm_check"]


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COLUMNS"))}
    return {**env, "NO_COLOR": "1", **extra}


def gtm_check(*args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    kwargs.setdefault("env", child_env())
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [*GTM_CHECK, *args], cwd=ROOT, timeout=60, check=False, **kwargs
    )


def big_launch(write: WriteFile, items: int = 2_000) -> Path:
    """A launch whose JSON report is far larger than a pipe's buffer (64 KiB)."""
    lines = ["department: ours", "name: Ours", "items:"]
    lines += [
        f"  - {{id: ours.task-{n}, stage: use, title: Task {n}, severity: low}}"
        for n in range(items)
    ]
    write("ours.yaml", "\n".join(lines) + "\n")
    return write("big.yaml", "launch: Big\nlaunch_date: 2027-03-01\nchecklists: [./ours.yaml]\n")


# --- Standard output closed, gone or full --------------------------------------------------


def test_a_closed_stdout_exits_2_with_a_message() -> None:
    child = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", *GTM_CHECK, "audit", EXAMPLE, *AS_OF],
        cwd=ROOT,
        env=child_env(),
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == 2
    assert child.stderr == "gtm-check: standard output is closed\n"


def test_a_closed_stdout_does_not_stop_output_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    child = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", *GTM_CHECK, "audit", EXAMPLE, *AS_OF, "-f", "json"]
        + ["-o", str(target)],
        cwd=ROOT,
        env=child_env(),
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )
    assert (child.returncode, child.stderr) == (1, "")  # the gate's verdict
    assert target.read_text(encoding="utf-8").startswith("{")


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_a_reader_that_closes_the_pipe_at_once_ends_the_run_quietly(fmt: str) -> None:
    # `gtm-check audit … | true`: the reader is gone before the report is written.
    with subprocess.Popen(
        [*GTM_CHECK, "audit", EXAMPLE, *AS_OF, "-f", fmt],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        child.stdout.close()
        err = child.stderr.read()
        code = child.wait(timeout=60)
    assert err == b""  # no traceback, no "Exception ignored"
    assert code == -signal.SIGPIPE  # as `yes | true`: the shell shows 141


def test_a_reader_that_stops_after_ten_bytes_ends_the_run_quietly(write: WriteFile) -> None:
    # `gtm-check audit … -f json | head -c 10`
    launch = big_launch(write)
    with subprocess.Popen(
        [*GTM_CHECK, "audit", str(launch), *AS_OF, "-f", "json"],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        assert child.stdout.read(10).startswith(b"{")
        child.stdout.close()
        err = child.stderr.read()
        code = child.wait(timeout=60)
    assert err == b""
    assert code == -signal.SIGPIPE


@pytest.mark.parametrize("unbuffered", [False, True])
def test_a_non_blocking_stdout_with_a_slow_reader_gets_the_whole_report(
    write: WriteFile, unbuffered: bool
) -> None:
    # Some CI runners leave standard output non-blocking: a pipe-full at once, then EAGAIN
    # while the reader catches up. That was exit 2 and a report cut at 65,536 bytes.
    launch = big_launch(write, 3_000)
    args = [*GTM_CHECK, "audit", str(launch), *AS_OF, "-f", "json"]
    whole = gtm_check(*args[3:], stdout=subprocess.PIPE).stdout
    assert len(whole) > 4 * 65_536
    read, written = os.pipe()
    os.set_blocking(written, False)
    env = child_env(**({"PYTHONUNBUFFERED": "1"} if unbuffered else {}))
    with subprocess.Popen(args, cwd=ROOT, env=env, stdout=written, stderr=subprocess.PIPE) as child:
        os.close(written)
        time.sleep(0.5)  # a reader that is slow, not gone
        got = b""
        while chunk := os.read(read, 65_536):
            got += chunk
        os.close(read)
        assert child.stderr is not None
        err = child.stderr.read()
        code = child.wait(timeout=60)
    assert (code, err) == (1, b"")  # its gate fails on its open items: the gate's exit code
    assert got == whole


def test_a_full_stdout_exits_2_with_one_line() -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:  # opened for writing only, never replaced
        child = gtm_check("audit", EXAMPLE, *AS_OF, stdout=full, stderr=subprocess.PIPE)
    assert child.returncode == 2
    assert child.stderr.decode() == (
        "gtm-check: cannot write the report to standard output: No space left on device\n"
    )


# --- An edit is done once its file is written ----------------------------------------------

EDIT_CHECKLIST = (
    "department: team\nname: Team\nitems:\n"
    "  - {id: team.task, stage: use, title: Task, severity: low}\n"
)
EDIT_LAUNCH = "launch: Team\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
EDITS = {
    "set": ["set", "{launch}", "team.task", "--status", "done"],
    "waive": ["waive", "{launch}", "team.task", "--reason", "r", "--approved-by", "vp"]
    + ["--expires", "2027-02-01", "--as-of", "2027-01-15"],
    "unwaive": ["unwaive", "{launch}", "team.task"],
}
EDITED: dict[str, Callable[[str], bool]] = {
    "set": lambda text: "status: done" in text,
    "waive": lambda text: "approved_by: vp" in text,
    "unwaive": lambda text: "team.task" not in text,
}


def edit_launch(write: WriteFile, command: str) -> tuple[Path, list[str]]:
    write("team.yaml", EDIT_CHECKLIST)
    body = EDIT_LAUNCH + "waivers:\n  - {item: team.task, reason: r, approved_by: vp, "
    body += "expires: 2027-02-01}\n"
    launch = write("launch.yaml", body if command == "unwaive" else EDIT_LAUNCH)
    return launch, [a.format(launch=launch) for a in EDITS[command]]


@pytest.mark.parametrize("command", list(EDITS))
def test_an_edit_written_before_stdout_closed_exits_0_and_says_so(
    write: WriteFile, command: str
) -> None:
    launch, args = edit_launch(write, command)
    child = run_with(">&-", args, stderr=subprocess.PIPE)
    assert child.stderr == (
        f"gtm-check: the edit was written to {launch}, but standard output is closed\n"
    )
    assert child.returncode == 0
    assert EDITED[command](launch.read_text(encoding="utf-8"))


def test_an_edit_written_before_stdout_filled_up_exits_0_and_says_so(write: WriteFile) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    launch, args = edit_launch(write, "set")
    with open("/dev/full", "w") as full:  # opened for writing only, never replaced
        child = gtm_check(*args, stdout=full, stderr=subprocess.PIPE)
    assert child.stderr.decode() == (
        f"gtm-check: the edit was written to {launch}, but cannot write the report to "
        "standard output: No space left on device\n"
    )
    assert child.returncode == 0
    assert "status: done" in launch.read_text(encoding="utf-8")


def test_an_edit_written_before_its_reader_went_away_exits_0(write: WriteFile) -> None:
    launch, args = edit_launch(write, "set")
    with subprocess.Popen(
        [*GTM_CHECK, *args], cwd=ROOT, env=child_env(), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:  # fmt: skip
        assert child.stdout is not None and child.stderr is not None
        child.stdout.close()
        err = child.stderr.read().decode()
        code = child.wait(timeout=60)
    assert err == (
        f"gtm-check: the edit was written to {launch}, but standard output was closed by "
        "its reader\n"
    )
    assert code == 0
    assert "status: done" in launch.read_text(encoding="utf-8")


@pytest.mark.parametrize("schema", [True, False])
@pytest.mark.parametrize("redirection", [">&-", ">/dev/full"])
def test_init_written_before_stdout_failed_exits_0_and_says_so(
    tmp_path: Path, schema: bool, redirection: str
) -> None:
    # init has written its files when it says so: exit 2 made a script run it again, and
    # the second run found the file there ("already exists").
    launch = tmp_path / "launch.yaml"
    args = ["init", str(launch), "--name", "N", "--launch-date", "2027-06-01"]
    child = run_with(
        redirection, args if schema else [*args, "--no-schema"], stderr=subprocess.PIPE
    )
    written = (
        f"{launch} and {tmp_path / '.gtm-check' / 'launch.schema.json'} were written"
        if schema
        else f"{launch} was written"
    )
    why = (
        "standard output is closed"
        if redirection == ">&-"
        else "cannot write the report to standard output: No space left on device"
    )
    assert (child.returncode, child.stderr) == (0, f"gtm-check: {written}, but {why}\n")
    assert '\nlaunch: "N"\n' in launch.read_text(encoding="utf-8")


def test_an_edit_refused_with_stdout_closed_still_exits_2(write: WriteFile) -> None:
    launch, args = edit_launch(write, "set")
    child = run_with(">&-", [*args[:3], "--status", "finished"], stderr=subprocess.PIPE)
    assert child.returncode == 2
    assert launch.read_text(encoding="utf-8") == EDIT_LAUNCH


# A command whose output is still buffered when it ends: the last flush fails in the entry
# point's guarded standard output, which says so with StandardOutputFailed.
UNFLUSHED = """
import sys
import gtm_check.main as entry

def command():
    sys.stdout.write("x" * 100)  # buffered: not flushed before the exit
    raise SystemExit(0)

entry._typer = lambda: command
sys.argv = ["gtm-check", "checklists"]
entry.main()
"""


@pytest.mark.parametrize("redirection", [">&-", "> {full}"], ids=["closed", "full"])
def test_a_last_flush_that_fails_exits_2_with_one_line(tmp_path: Path, redirection: str) -> None:
    full = tmp_path / "full.txt"
    full.touch()
    child = subprocess.run(
        ["sh", "-c", f'exec "$@" {redirection.format(full=full)}', "sh", sys.executable]
        + ["-c", UNFLUSHED],
        cwd=ROOT,
        env=child_env(),
        text=True,
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
        preexec_fn=limited_file(4),
    )
    assert child.returncode == 2
    assert len(child.stderr.splitlines()) == 1, child.stderr
    assert child.stderr.startswith("gtm-check: ")


# --- Every path, every way a standard output can fail --------------------------------------

BIG_ITEMS = 2_000


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder (written once for the module) with a launch whose reports in every format
    but github are far larger than a pipe holds, an older version of it for diff, and 600
    launch files with long names for validate."""
    folder = tmp_path_factory.mktemp("big")
    lines = ["department: ours", "name: Ours", "items:"]
    lines += [
        f"  - {{id: ours.task-{n}, stage: use, title: Task {n}, severity: low}}"
        for n in range(BIG_ITEMS)
    ]
    (folder / "ours.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    head = "launch: Big\nlaunch_date: 2027-03-01\nchecklists: [./ours.yaml]\nitems:\n"
    owned = "".join(
        f"  ours.task-{n}: {{owner: owner-{n}@example.com}}\n" for n in range(BIG_ITEMS)
    )
    (folder / "owned.yaml").write_text(head + owned, encoding="utf-8")
    done = "".join(f"  ours.task-{n}: done\n" for n in range(BIG_ITEMS))
    (folder / "done.yaml").write_text(head + done, encoding="utf-8")
    (folder / "many").mkdir()
    for n in range(600):
        name = f"launch-{n:04d}-{'with-a-name-long-enough-to-fill-the-pipe-' * 3}.yaml"
        (folder / "many" / name).write_text("launch: L\nlaunch_date: 2027-03-01\n")
    return folder


LARGE_OUTPUTS = {
    "audit-json": ["audit", "owned.yaml", *AS_OF, "-f", "json"],
    "audit-table": ["audit", "owned.yaml", *AS_OF, "-f", "table", "--all"],
    "audit-markdown": ["audit", "owned.yaml", *AS_OF, "-f", "markdown"],
    "audit-junit": ["audit", "owned.yaml", *AS_OF, "-f", "junit"],
    "audit-html": ["audit", "owned.yaml", *AS_OF, "-f", "html"],
    "owners": ["owners", "owned.yaml", *AS_OF, "-f", "json"],
    "diff": ["diff", "owned.yaml", "done.yaml", "-f", "json"],
    "validate": ["validate", "MANY"],
}
"""Commands whose standard output is far beyond what a pipe holds (64 KiB): a reader that
stops early is always still there to be noticed."""


def reads_ten_bytes(folder: Path, args: list[str], **env: str) -> tuple[int, bytes]:
    """`gtm-check … | head -c 10`: the exit status and standard error."""
    if args[-1] == "MANY":
        args = [*args[:-1], *sorted(str(p) for p in (folder / "many").iterdir())]
    with subprocess.Popen(
        [*GTM_CHECK, *args],
        cwd=folder,
        env=child_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        assert len(child.stdout.read(10)) == 10
        child.stdout.close()
        err = child.stderr.read()
        return child.wait(timeout=60), err


@pytest.mark.parametrize("command", list(LARGE_OUTPUTS))
def test_a_reader_that_stops_early_ends_every_command_quietly_unbuffered(
    big: Path, command: str
) -> None:
    # PYTHONUNBUFFERED=1, as many CI images set it: standard output then writes straight to
    # the pipe, and a write the pipe took only part of must not pass for a whole one.
    code, err = reads_ten_bytes(big, LARGE_OUTPUTS[command], PYTHONUNBUFFERED="1")
    assert (code, err) == (-signal.SIGPIPE, b"")


@pytest.mark.parametrize("command", ["validate"])  # audit: the test above this section
def test_a_reader_that_stops_early_ends_every_command_quietly(big: Path, command: str) -> None:
    code, err = reads_ten_bytes(big, LARGE_OUTPUTS[command])
    assert (code, err) == (-signal.SIGPIPE, b"")


CLOSED_OUTPUTS = {
    "audit": ["audit", EXAMPLE, *AS_OF],
    "validate": ["validate", EXAMPLE],
    "help": ["--help"],
    "command-help": ["audit", "--help"],
}


def run_with(
    redirections: str, args: list[str], **kwargs: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        ["sh", "-c", f'exec "$@" {redirections}', "sh", *GTM_CHECK, *args],
        cwd=ROOT,
        env=child_env(),
        text=True,
        timeout=60,
        check=False,
        **kwargs,
    )


@pytest.mark.parametrize("command", ["validate", "help", "command-help"])  # audit: above
def test_a_closed_stdout_exits_2_on_every_path(command: str) -> None:
    child = run_with(">&-", CLOSED_OUTPUTS[command], stderr=subprocess.PIPE)
    assert (child.returncode, child.stderr) == (2, "gtm-check: standard output is closed\n")


@pytest.mark.parametrize("command", ["audit", "validate", "command-help"])
def test_a_closed_stdout_exits_2_with_stderr_closed_too(command: str) -> None:
    assert run_with(">&- 2>&-", CLOSED_OUTPUTS[command]).returncode == 2


def limited_file(limit: int) -> Callable[[], None]:
    """Before the child starts: files it writes may not grow past ``limit`` bytes, so that a
    regular file in a temporary folder fills up as a full disk would (Python ignores the
    signal that would otherwise end the process, and the write fails instead)."""

    def limit_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_size


@pytest.mark.parametrize(
    ("command", "stderr_closed"),
    [("audit", True), ("validate", False), ("command-help", True)],
    ids=["audit-stderr-closed", "validate", "command-help-stderr-closed"],
)
def test_a_full_stdout_exits_2_on_every_path(
    tmp_path: Path, command: str, stderr_closed: bool
) -> None:
    full = tmp_path / "full.txt"
    with full.open("w") as stdout:
        child = run_with(
            "2>&-" if stderr_closed else "",
            CLOSED_OUTPUTS[command],
            stdout=stdout,
            stderr=subprocess.PIPE,
            preexec_fn=limited_file(4),
        )
    assert child.returncode == 2
    if not stderr_closed:
        assert (
            child.stderr
            == "gtm-check: cannot write the report to standard output: File too large\n"
        )


# --- Encodings and widths ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1252", "ascii", "latin-1"])
def test_a_stdout_that_cannot_encode_the_table_gets_it_in_ascii(encoding: str) -> None:
    child = gtm_check(
        "audit",
        EXAMPLE,
        *AS_OF,
        env=child_env(PYTHONIOENCODING=encoding),
        capture_output=True,
    )
    assert (child.returncode, child.stderr) == (1, b"")  # the gate's verdict, unchanged
    out = child.stdout.decode("ascii")  # nothing but ASCII
    assert "GATE FAILED" in out
    assert "  x buy: blocked by 2 open blockers" in out
    assert "########.." in out  # the bars, drawn in ASCII


def test_user_text_the_encoding_cannot_take_is_replaced_not_fatal(mini: Mini) -> None:
    launch = mini("owner: 発売チーム\n")
    for fmt in ("table", "markdown", "github", "junit"):
        child = gtm_check(
            "audit",
            str(launch),
            *AS_OF,
            "-f",
            fmt,
            env=child_env(PYTHONIOENCODING="cp1252"),
            capture_output=True,
        )
        assert (child.returncode, child.stderr) == (1, b""), fmt


def test_the_ascii_table_is_the_utf8_table_with_each_glyph_replaced() -> None:
    reports = audit(AuditRequest(launches=(EXAMPLES / "launch.yaml",), as_of=dt.date(2027, 1, 15)))
    utf8 = render(AUDIT, "table", reports.reports, RenderOptions())
    ascii_only = render(AUDIT, "table", reports.reports, RenderOptions(ascii=True))
    assert ascii_only.isascii()
    assert any(glyph in utf8 for glyph in GLYPHS)
    assert ascii_only == utf8.translate(ASCII_GLYPHS)
    # One character for one: the columns the table laid out stay where they were.
    assert all(len(glyph.translate(ASCII_GLYPHS)) == 1 for glyph in GLYPHS)


@pytest.mark.parametrize(
    ("columns", "widest"),
    [("99999999999", 1000), ("1001", 1000), ("-5", 80), ("eighty", 80), ("12", 80), ("", 80)],
)
def test_columns_is_clamped_to_a_sane_width(columns: str, widest: int) -> None:
    result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": columns}).invoke(
        app, ["audit", EXAMPLE, *AS_OF]
    )
    assert (result.exit_code, result.stderr) == (1, "")
    width = max(len(line) for line in result.stdout.splitlines())
    assert 40 <= width <= widest


# --- Dates at the ends of the calendar ------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("as_of", ["9999-12-31", "9999-12-27", "0001-01-01"])
def test_as_of_at_the_ends_of_the_calendar(fmt: str, as_of: str) -> None:
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(
        app, ["audit", EXAMPLE, "--as-of", as_of, "-f", fmt]
    )
    assert result.exit_code in (0, 1), result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "5000-06-15"])
def test_launch_and_due_dates_at_the_ends_of_the_calendar(mini: Mini, fmt: str, as_of: str) -> None:
    path = mini(
        """\
        items:
          legal.trademarks: {status: todo, due: 0001-01-01}
          legal.sla-terms: {status: todo, due: 9999-12-31}
        """
    )
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("2027-03-01", "9999-12-31"), encoding="utf-8")
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(
        app, ["audit", str(path), "--as-of", as_of, "-f", fmt]
    )
    assert result.exit_code in (0, 1), result.stderr
    assert result.stderr == ""


def test_days_late_at_the_ends_of_the_calendar_are_exact(mini: Mini) -> None:
    path = mini("items:\n  legal.trademarks: {status: todo, due: 0001-01-01}\n")
    outcome = audit(AuditRequest(launches=(path,), as_of=dt.date.max))
    (report,) = outcome.reports
    late = {g.id: g.overdue_days for g in report.gaps}
    assert late["legal.trademarks"] == (dt.date.max - dt.date.min).days
    assert report.launch.days_to_launch == (dt.date(2027, 3, 1) - dt.date.max).days


@pytest.mark.parametrize(
    "args", [["audit", "./-"], ["validate", "./-"], ["audit", "-"], ["plan", EXAMPLE]]
)
def test_a_working_folder_that_is_gone_is_one_line_and_exit_2(
    tmp_path: Path, args: list[str]
) -> None:
    # A step that removed its own working folder: every relative name, and the search for
    # the policy, start there. No traceback, no exit 1 (the gate failed) or 3.
    gone = tmp_path / "gone"
    gone.mkdir()
    script = 'cd "$1" && rmdir "$1" && shift && exec "$@"'
    result = subprocess.run(
        ["sh", "-c", script, "sh", str(gone), *GTM_CHECK, *args],
        input=(EXAMPLES / "launch.yaml").read_bytes(),
        capture_output=True,
        env=child_env(),
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr == (
        b"gtm-check: the working folder cannot be read (No such file or directory); run "
        b"gtm-check from a folder that exists\n"
    )


@pytest.mark.parametrize("command", ["audit", "validate", "plan"])
def test_a_closed_standard_input_named_as_the_launch_file_says_so(command: str) -> None:
    child = run_with("<&-", [command, "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert (child.returncode, child.stdout) == (2, "")
    assert child.stderr == "<stdin>:1:1: cannot read: standard input is closed\n"
