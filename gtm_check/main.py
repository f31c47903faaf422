"""The gtm-check entry point: fast `--version`, lean start-up, and a standard output that fails.

The only place besides the format registry where an import is deferred; each trick carries
the figure that keeps it here (whole-process medians of 20 runs, 2 cores, a 300-item launch),
or the reason: the command line's own modules are imported only once it is needed.
"""

from __future__ import annotations

import errno
import gc
import io
import os
import signal
import sys
import types

from gtm_check import __version__

# Not `from typing import TYPE_CHECKING`: importing typing is a fifth of `--version`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import NoReturn

    from gtm_check.cli.fast import Audit, Validate
    from gtm_check.load.launch import LoadedLaunch
    from gtm_check.model.inputs import Policy
    from gtm_check.model.problems import Problem


def main() -> None:
    if sys.stdout is None:
        # Started with standard output closed (`>&-`): Python gives no stream at all. A
        # stand-in that fails on write lets `--output FILE` still work and everything else
        # end with exit 2 and a message, not a traceback.
        sys.stdout = _ClosedOutput()
    if sys.argv[1:] == ["--version"]:
        # 22 ms instead of 190: the command line framework alone costs more than printing.
        # `python -c pass` takes 13 ms here; pip's launcher imports `re` first (+6 ms).
        _write_or_end(f"gtm-check {__version__}\n")
        return
    if sys.argv[1:] in (["--help"], ["-h"]):
        # 23 ms instead of 300: the main help as Typer prints it, without Typer.
        from gtm_check.cli.main_help import main_help  # standard library only

        if (text := main_help()) is not None:
            _write_or_end(text)
            return
    # Importing builds tens of thousands of objects that live as long as the process (Pydantic
    # validators, the command line's commands): collecting while importing frees nothing,
    # and freezing them keeps every later collection from scanning them again. With this and
    # the freeze below, `audit -f json` takes 229 ms instead of 264 ms.
    gc.disable()
    _without_plugin_scan()
    from gtm_check.authoring.interrupts import signals_end_the_block
    from gtm_check.cli import fast
    from gtm_check.cli.output import guard_standard_streams
    from gtm_check.cli.terminal import replace_what_cannot_be_shown

    replace_what_cannot_be_shown(sys.stdout)
    # From here on, however the report or a message is written (gtm-check's own writes,
    # Click's help and usage errors), a write to standard output is whole or ends the run
    # below, and one to a closed or full standard error cannot change the exit code.
    guard_standard_streams()
    _check_working_folder()
    run = _fast_path(fast.read(sys.argv[1:])) or _typer()
    gc.freeze()
    gc.enable()
    try:
        # SIGTERM and SIGHUP end the run as an exception, not where it stands: every clean-up
        # runs, and the git processes gtm-check started (each in a session of its own, which
        # a signal to gtm-check's group does not reach) are stopped with it.
        with signals_end_the_block():
            _to_the_end(run)
    finally:
        # The process is about to end and give all of its memory back at once; frozen
        # objects are left out of the full collection Python runs at shutdown, which at
        # 100,000 items would spend a tenth of a second finding nothing to free.
        gc.freeze()


def _check_working_folder() -> None:
    """End with exit 2 and one line when the working folder is gone (a step removed it
    under the shell): every relative name, and the search for a launch file's policy and
    repository, starts there, and Python would fail on each with a traceback."""
    try:
        os.getcwd()
    except OSError as exc:
        _tell(
            f"gtm-check: the working folder cannot be read ({exc.strerror or exc}); run "
            "gtm-check from a folder that exists\n"
        )
        from gtm_check.cli.exits import EXIT_INVALID  # only once the run has failed

        raise SystemExit(EXIT_INVALID) from None


def _to_the_end(run: Callable[[], None]) -> None:
    """Run the command; a standard output that fails ends it as ``_output_failed`` says,
    also when what is still buffered fails on the last flush (here, not at interpreter
    shutdown), where the guarded stream says so with StandardOutputFailed, not OSError."""
    from gtm_check.cli.output import StandardOutputFailed, edits_written

    try:
        run()
    except StandardOutputFailed as exc:
        _output_failed(exc.error, edits_written())
    except SystemExit:
        try:
            sys.stdout.flush()
        except StandardOutputFailed as exc:
            _output_failed(exc.error, edits_written())
        except OSError as exc:
            _output_failed(exc, edits_written())
        raise


def _without_plugin_scan() -> None:
    """No search for Pydantic plugins: gtm-check uses none.

    Pydantic looks for plugins the first time a model is built: importing what reads
    installed distributions' entry points (importlib.metadata, email) takes 9 ms, and
    reading them 2 ms more with the 32 distributions of the benchmark's environment, of a
    170 ms `validate` of a 300-item launch. PYDANTIC_DISABLE_PLUGINS spares the reading;
    the module that would import the rest is stood in for by one that finds no plugin, as
    Pydantic's does under that setting. A PYDANTIC_DISABLE_PLUGINS the user set is theirs:
    Pydantic then reads it as usual.
    """
    if "PYDANTIC_DISABLE_PLUGINS" in os.environ:
        return
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    loader = types.ModuleType(_PLUGIN_LOADER, "Pydantic's plugin loader, under __all__.")
    loader.__dict__.update(get_plugins=_no_plugins, __getattr__=_plugin_loader_attribute)
    sys.modules.setdefault(_PLUGIN_LOADER, loader)


_PLUGIN_LOADER = "pydantic.plugin._loader"


def _no_plugins() -> tuple[()]:
    return ()


def _plugin_loader_attribute(name: str) -> object:
    """Anything else a Pydantic version asks of its loader comes from the loader itself
    (what the import system asks of any module, such as ``__path__``, it has not)."""
    if name.startswith("__"):
        raise AttributeError(name)
    stand_in = sys.modules.get(_PLUGIN_LOADER)
    if stand_in is not None and getattr(stand_in, "get_plugins", None) is _no_plugins:
        del sys.modules[_PLUGIN_LOADER]
    from pydantic.plugin import _loader

    return getattr(_loader, name)


def _fast_path(call: Validate | Audit | None) -> Callable[[], None] | None:
    """The command line run without Typer, when ``cli/fast.py`` reads it whole: Typer's
    import and its commands' construction cost more than validating a 300-item launch (38
    ms of 190; benchmarks/README.md). Only the command's own modules are imported."""
    from gtm_check.cli import fast

    if isinstance(call, fast.Validate):
        from gtm_check.cli import validating

        return lambda: _exit(fast.guarded("validate", lambda: validating.run(call, _below)))
    if isinstance(call, fast.Audit):
        from gtm_check.cli import auditing

        return lambda: _exit(fast.guarded("audit", lambda: auditing.run(call)))
    return None


def _below(loaded: LoadedLaunch, policy: Policy) -> list[Problem]:
    """A launch judged under its policy. Judging scores it: the result types and the scoring
    rules take 15 ms to import, 9% of validating a 300-item launch, which a launch with no
    policy (most) does not pay."""
    from gtm_check.cli.validate_policy import below_policy

    return below_policy(loaded, policy)


def _typer() -> Callable[[], None]:
    """Every command, registered on the Typer application."""
    from gtm_check.cli.commands import app

    return app


def _exit(code: int) -> NoReturn:
    raise SystemExit(code)


class _ClosedOutput(io.TextIOBase):
    """Standard output when the process started without one: every write fails (EBADF)."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        if text:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        return 0

    def isatty(self) -> bool:
        return False


def _write_or_end(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        _output_failed(exc)


def _output_failed(error: OSError, edited: tuple[str, ...] = ()) -> NoReturn:
    """End the run when standard output cannot take the report.

    A reader that went away (`| head -c 10`, `| true`) is not an error to report: gtm-check
    ends as other Unix tools do, killed by SIGPIPE's default action (the shell shows 141),
    silently. Not exit 0 or 1: those say whether the gate passed, and no one read the
    verdict. Anything else (a closed or full standard output) ends with one line on
    standard error and exit 2, like other problems the person running gtm-check can fix.

    Once an edit (``set``, ``waive``, ``unwaive``) has written its file (``edited``), the
    edit is done whatever happens to standard output: exit 0 with one line saying so on
    standard error, as a failure would make a script run the edit again.
    """
    _silence_stdout()
    if edited:
        _tell(f"gtm-check: {edited[0]}, but {_why(error)}\n")
        raise SystemExit(0)
    if error.errno == errno.EPIPE:
        _tell("")
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    _tell(f"gtm-check: {_why(error)}\n")
    from gtm_check.cli.exits import EXIT_INVALID  # only once the run has failed

    raise SystemExit(EXIT_INVALID)


def _why(error: OSError) -> str:
    if error.errno == errno.EBADF:
        return "standard output is closed"
    if error.errno == errno.EPIPE:
        return "standard output was closed by its reader"
    return f"cannot write the report to standard output: {error.strerror or error}"


def _tell(text: str) -> None:
    """Write ``text`` to standard error and flush it; with standard error closed or full
    there is no one to tell, and the exit code says it all."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(text)
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    # Whatever is still buffered would fail again when Python flushes at shutdown and print
    # "Exception ignored": point standard output at the null device and drop the buffer.
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        sys.stdout = io.StringIO()
