"""Where a report goes: standard output, or a file written atomically; the step summary."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import select
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from gtm_check.authoring.interrupts import signals_end_the_block, signals_held
from gtm_check.load.checklists import builtin_dir
from gtm_check.load.files import (
    STDIN,
    Kind,
    Unreachable,
    examine,
    in_git_folder,
    kind_of_path,
    leads_outside,
    locked_by,
    real_path,
    refuse_too_long,
    why_unreachable,
)
from gtm_check.load.policy import REPOSITORY_FILE
from gtm_check.model.problems import GtmCheckError, quoted
from gtm_check.model.safetext import visible


class StandardOutputFailed(Exception):
    """The report could not be written to standard output: it is closed, the reader went
    away, or the device is full. Not a problem with the input and not a bug: the entry
    point ends the run the way a Unix tool does."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class _WholeWrites(io.BufferedIOBase):
    """A standard stream's bytes, each write taken whole or failing with an error.

    With ``PYTHONUNBUFFERED`` (set in many CI images), Python's standard output writes
    straight to the file descriptor, and a pipe whose reader went away may take part of a
    write without an error: the rest would be dropped in silence and gtm-check would exit
    with the gate's verdict although no one read it. Here every write is finished or fails.
    A failure on standard output ends the run (``StandardOutputFailed``); one on standard
    error, where there is no one left to tell, is ignored.
    """

    def __init__(self, binary: BinaryIO | io.RawIOBase, *, standard_output: bool) -> None:
        super().__init__()
        self._binary = binary
        self._standard_output = standard_output

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._binary.fileno()

    def isatty(self) -> bool:
        return self._binary.isatty()

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        done = 0
        try:
            while done < len(view):
                try:
                    written = self._binary.write(view[done:])
                    blocked = written is None  # a non-blocking descriptor that is full
                except BlockingIOError as exc:  # the same, under a buffered layer
                    written, blocked = exc.characters_written, True
                if written == 0 and not blocked:  # takes nothing and says nothing: no end
                    raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))
                done += written or 0
                if blocked:
                    self._wait()
        except OSError as exc:
            self._failed(exc)
        return len(view)

    def flush(self) -> None:
        try:
            while True:
                try:
                    self._binary.flush()
                    return
                except BlockingIOError:
                    self._wait()
        except OSError as exc:
            self._failed(exc)

    def _wait(self) -> None:
        """Wait until a non-blocking descriptor (some CI runners leave standard output so)
        takes more: its reader is slow, not gone, and a blocking descriptor would wait too.
        Where that cannot be asked, the write fails as before (EAGAIN)."""
        try:
            select.select([], [self._binary.fileno()], [])
        except (OSError, ValueError, io.UnsupportedOperation):
            raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN)) from None

    def _failed(self, error: OSError) -> None:
        if self._standard_output:
            raise StandardOutputFailed(error) from None


class _Closed(io.RawIOBase):
    """The stream of a process started without it (``>&-``): every write fails (EBADF)."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if not len(data):
            return 0
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))


def guard_standard_streams() -> None:
    """Standard output and error as text streams whose writes are whole or fail plainly,
    however Click, Typer or gtm-check writes to them: standard output fails with
    ``StandardOutputFailed`` (which the entry point turns into its exit code), standard
    error fails silently. Keeps each stream's encoding, error handler and line endings."""
    _EDITS_WRITTEN.clear()  # a new run: no edit written yet
    sys.stdout = _guarded(sys.stdout, standard_output=True)
    sys.stderr = _guarded(sys.stderr, standard_output=False)


def _guarded(stream: TextIO | None, *, standard_output: bool) -> TextIO:
    binary = stream.buffer if isinstance(stream, io.TextIOWrapper) else _Closed()
    with contextlib.suppress(OSError, ValueError):
        if stream is not None:
            stream.flush()  # nothing is written before this point; a failure shows later
    # Any: the text layer takes any binary stream that can write and flush.
    whole: Any = _WholeWrites(binary, standard_output=standard_output)
    return io.TextIOWrapper(
        whole,
        encoding=getattr(stream, "encoding", None) or "utf-8",
        errors=getattr(stream, "errors", None) or "strict",
        newline=None,  # "\n" as the system writes it, as Python's own streams do
        line_buffering=bool(getattr(stream, "line_buffering", False)),
        write_through=True,
    )


_EDITS_WRITTEN: list[str] = []


def edit_written(path: Path) -> None:
    """Note that an edit has written ``path``: from here on the edit is done, and a failing
    standard output no longer fails the run (see ``gtm_check.main``)."""
    _EDITS_WRITTEN.append(f"the edit was written to {visible(str(path))}")


def files_written(*paths: Path) -> None:
    """Note that ``init`` has written these files: as ``edit_written``, a failing standard
    output no longer fails the run, since running it again would find them there."""
    names = " and ".join(visible(str(path)) for path in paths)
    _EDITS_WRITTEN.append(f"{names} {'was' if len(paths) == 1 else 'were'} written")


def edits_written() -> tuple[str, ...]:
    """What this run's edits have written, in words: "the edit was written to launch.yaml"."""
    return tuple(_EDITS_WRITTEN)


def write_stdout(text: str) -> None:
    """Write the report to standard output and flush it, so that a failure shows here."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        raise StandardOutputFailed(exc) from None


REPORT_INSTEAD = "write the report to a file, or to standard output with -o -"
"""What to do instead of writing a report to a device, a FIFO or a socket."""


def write_atomic(
    path: Path,
    text: str,
    *,
    overwrite: bool = False,
    allow_outside: bool = False,
    instead: str = REPORT_INSTEAD,
) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    A reader sees the old file or the new one, never half of one; on any error, and on
    SIGTERM or SIGHUP while writing, the old file (or no file) is left as it was and the
    temporary file is removed. Only regular files are written: a device, a FIFO, a socket
    or a folder is refused (``check_writable``, whose ``instead`` says what to do). A
    symbolic link to a regular file is written through (the file it points to gets the
    report; the link stays a link). A new file gets the usual ``0o666 & ~umask``; a file
    written over keeps its permission bits (set-user-id and the like are not carried over
    to new content). A path that leads out of its repository (or its folder, outside any
    repository) through a symbolic link, to a file or a folder, is refused unless
    ``allow_outside``: a pull request could plant ``report.html`` as a link to a file of
    the CI user's. A path whose real file is in git's own folder is refused always
    (``refuse_git_folder``). Execute bits are never kept: a report or a launch file is not
    a program, and one written over a git hook must not run.
    """
    with written_together() as writes:
        writes.add(path, text, overwrite=overwrite, allow_outside=allow_outside, instead=instead)


class WrittenTogether:
    """Files written as one (``written_together``): each to a temporary file beside it as
    it is added, all renamed into place once every one is written, the first added last."""

    def __init__(self) -> None:
        self._waiting: list[tuple[str, str, Path, bool]] = []
        """Each file written to its temporary file and not yet renamed: as shown, the
        temporary file, the real path it replaces, and whether no file was there."""
        self._made: list[Path] = []
        """The files renamed into place where none was: taken away again when a later
        rename fails, so that a refused write leaves none of the files it made."""

    def add(
        self,
        path: Path,
        text: str,
        *,
        overwrite: bool = False,
        allow_outside: bool = False,
        instead: str = REPORT_INSTEAD,
    ) -> None:
        """Check ``path`` as ``write_atomic`` does and write ``text`` to a temporary file
        beside it, which replaces it when the block ends without an error."""
        status = check_writable(
            path, overwrite=overwrite, allow_outside=allow_outside, instead=instead
        )
        # The rename replaces the file at the real path: replacing ``path`` itself would
        # turn a link into a file.
        target = Path(real_path(path))
        mode = stat.S_IMODE(status.st_mode) & 0o666 if status is not None else 0o666 & ~_umask()
        try:
            with signals_held():  # made and recorded as one step: discard() finds it
                handle, temporary = tempfile.mkstemp(
                    dir=target.parent, prefix=_temporary_prefix(target.name), suffix=".tmp"
                )
                self._waiting.append((str(path), temporary, target, status is None))
            _write_temporary(handle, text, mode, status, target)
        except OSError as exc:
            raise _cannot_write(str(path), exc) from None

    def rename(self) -> None:
        """Put every file in place, the last added first. A rename that fails (a folder
        that takes no renames, as an append-only one) takes away the files this write
        made new, so that none of them stays without the others."""
        while self._waiting:
            display, temporary, target, new = self._waiting[-1]
            try:
                os.replace(temporary, target)
            except OSError as exc:
                for made in self._made:
                    with contextlib.suppress(OSError):
                        made.unlink()
                raise _cannot_write(display, exc) from None
            if new:
                self._made.append(target)
            self._waiting.pop()

    def discard(self) -> None:
        """Remove every temporary file not renamed, as far as the folder lets it: one that
        cannot be removed (an append-only folder) must not hide why the write failed."""
        for _, temporary, _, _ in self._waiting:
            with contextlib.suppress(OSError):
                Path(temporary).unlink(missing_ok=True)
        self._waiting.clear()


@contextmanager
def written_together() -> Iterator[WrittenTogether]:
    """Write several files so that an error (a refused place, a folder that takes no file,
    a full disk) or SIGTERM or SIGHUP before the end of the block leaves none of them
    written: each ``add`` writes a temporary file, and they are renamed into place only when
    the block has added every one. A rename failing then (as over a file made immutable)
    leaves the files renamed before it in place, so the first file added, the one the
    others serve, is renamed last."""
    writes = WrittenTogether()
    with signals_end_the_block():
        try:
            yield writes
            with signals_held():  # all renamed or none: a signal waits for the last
                writes.rename()
        finally:
            writes.discard()


def _temporary_prefix(name: str) -> str:
    """The start of a temporary file's name beside ``name``: ``.NAME.``, or where that
    would take the name past what a folder holds (255 bytes, with the random part and
    ``.tmp``), ``.gtm-check.``: a report named with 241 to 255 bytes was refused as too
    long."""
    prefix = f".{name}."
    return prefix if len(os.fsencode(prefix)) <= NAME_ROOM else ".gtm-check."


NAME_ROOM = 200
"""The longest ``.NAME.`` a temporary file's name starts with (it adds 12 bytes)."""


def check_writable(
    path: Path, *, overwrite: bool = False, allow_outside: bool = False, instead: str
) -> os.stat_result | None:
    """Everything ``write_atomic`` checks of ``path`` before it writes, writing nothing: a
    command that writes several files checks each first, so that a refusal leaves none
    written. The status of the file there, if there is one; ``instead``: what to do rather
    than write to a device, a FIFO or a socket."""
    display = str(path)
    refuse_too_long(path, display, "write")
    real = Path(real_path(path))
    if REPOSITORY_FILE in (path.name, real.name):  # as named, or linked to
        raise GtmCheckError.single(
            display,
            f"is a policy file's name ({REPOSITORY_FILE}, read for every launch file in its "
            "folder and below); nothing was written: name the file otherwise",
        )
    refuse_git_folder(path)
    refuse_edit_lock(path, real)
    try:
        kind, status = examine(path)  # one stat, following links
    except Unreachable as exc:
        raise GtmCheckError.single(display, f"cannot write: {exc.reason}") from None
    if kind is Kind.DIRECTORY:
        raise GtmCheckError.single(display, kind.value)
    if kind is Kind.SPECIAL:
        raise GtmCheckError.single(
            display, f"is not a regular file (a device, FIFO or socket); {instead}"
        )
    if kind is Kind.FILE and not overwrite:
        raise GtmCheckError.single(display, "already exists (pass --force to overwrite it)")
    if kind is Kind.MISSING and path.is_symlink():
        raise GtmCheckError.single(display, "is a symbolic link to a file that does not exist")
    refuse_outside(path, allow_outside=allow_outside)
    try:
        folder = kind_of_path(real.parent)
    except Unreachable as exc:  # a folder deeper than the system can name (ENAMETOOLONG)
        raise GtmCheckError.single(display, f"cannot write: {exc.reason}") from None
    if folder is not Kind.DIRECTORY:
        raise GtmCheckError.single(display, f"folder '{path.parent}' does not exist")
    return status


def refuse_edit_lock(path: Path, real: Path) -> None:
    """Refuse to write ``.NAME.lock`` beside a file ``NAME`` (``real``: where ``path``
    leads): the lock an edit of ``NAME`` holds. Written through a new file and a rename, it
    would be another file while an edit holds the old one, and the next edit would lock
    that one and run beside the first (an edit of it as a launch file lost edits of
    ``NAME`` made at once)."""
    locked = locked_by(real)
    if locked is not None:
        raise GtmCheckError.single(
            str(path),
            f"is where edits of {quoted(locked.name)} keep their lock; nothing was written: "
            "name the file otherwise",
        )


def refuse_git_folder(path: Path) -> None:
    """Refuse to write ``path`` when its real file is in git's own folder (``.git``, a
    worktree's or bare repository's git folder), through a link or not, and even with
    --allow-outside: git runs hooks and reads its configuration from there, so a pull
    request's link ``report.txt -> .git/hooks/post-checkout`` would turn the report into
    code the next git command runs."""
    if in_git_folder(path):
        raise GtmCheckError.single(
            str(path),
            "is in git's own folder (.git), where git keeps hooks and configuration; nothing "
            "was written (gtm-check never writes there, not even with --allow-outside)",
        )


def refuse_outside(path: Path, *, allow_outside: bool) -> None:
    """Refuse to write ``path`` when it leads out of its repository (or its folder) through
    a symbolic link, unless ``allow_outside``."""
    where = None if allow_outside else leads_outside(path)
    if where is not None:
        raise GtmCheckError.single(
            str(path),
            f"the output file leads outside {where} through a symbolic link; nothing was "
            "written (pass --allow-outside to write it anyway)",
        )


def _cannot_write(display: str, error: OSError) -> GtmCheckError:
    return GtmCheckError.single(display, f"cannot write: {error.strerror or error}")


def _write_temporary(
    handle: int, text: str, mode: int, old: os.stat_result | None, target: Path
) -> None:
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
        if old is not None:
            _keep_owner(handle, old)
            _no_acl_it_lacked(handle, target)
        os.fchmod(handle, mode)
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())


_ACCESS_ACL = "system.posix_acl_access"


def _no_acl_it_lacked(handle: int, target: Path) -> None:
    """A new file made in a folder with a default access control list gets that list; one
    that replaces a file without one (the file ``target``) keeps none, so that no one the
    folder's list names gains access the old file never gave (the mode's group bits
    would become the list's mask)."""
    listxattr = getattr(os, "listxattr", None)
    if listxattr is None:  # pragma: no cover - a system without extended attributes
        return
    try:
        if _ACCESS_ACL in listxattr(handle) and _ACCESS_ACL not in listxattr(target):
            os.removexattr(handle, _ACCESS_ACL)
    except OSError as exc:
        if exc.errno not in (errno.ENOTSUP, errno.EOPNOTSUPP):
            raise


def _keep_owner(handle: int, old: os.stat_result) -> None:
    """The new file gets the old one's owner (when gtm-check runs as root: only root can
    give a file away) and group (when the system lets this user set it)."""
    if not hasattr(os, "fchown"):  # pragma: no cover - Windows keeps no owners this way
        return
    new = os.fstat(handle)
    uid = old.st_uid if os.geteuid() == 0 and old.st_uid != new.st_uid else -1
    gid = old.st_gid if old.st_gid != new.st_gid else -1
    if uid != -1 or gid != -1:
        with contextlib.suppress(PermissionError):
            os.fchown(handle, uid, gid)


def write_in_place(path: Path, text: str, original: bytes, *, allow_outside: bool = False) -> None:
    """Write ``text`` into the file itself, not through a new file and a rename: for a file
    with several names (hard links), which a rename would split, or whose group a new file
    could not be given. Owner, group, mode and every name stay.

    Not atomic: a reader may see the file half-written. If writing fails (a full disk, or
    SIGTERM/SIGHUP), the file's ``original`` bytes are written back before gtm-check ends.
    """
    display = str(path)
    refuse_git_folder(path)
    refuse_outside(path, allow_outside=allow_outside)
    data = text.encode("utf-8")
    try:
        fd = os.open(real_path(path), os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as exc:
        raise GtmCheckError.single(display, f"cannot write: {why_unreachable(exc)}") from None
    try:
        with signals_end_the_block():
            try:
                _overwrite(fd, data)
            except BaseException:
                with signals_held(), contextlib.suppress(OSError):
                    _overwrite(fd, original)
                raise
    except OSError as exc:
        raise GtmCheckError.single(display, f"cannot write: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _overwrite(fd: int, data: bytes) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.ftruncate(fd, len(data))
    os.fsync(fd)


def _umask() -> int:
    # The only portable way to read the umask is to set it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def refuse_own_files(path: Path) -> None:
    """gtm-check never writes into its own package (its code, its built-in checklists and
    schemas): every later run would load what it wrote there (as root, or wherever the
    package can be written)."""
    real = Path(real_path(path))
    for folder in (builtin_dir(), Path(__file__).resolve().parent.parent):
        if real.is_relative_to(real_path(folder)):
            raise GtmCheckError.single(
                str(path),
                "is in gtm-check's own files (its package or its built-in "
                "checklists); choose another path",
            )


def refuse_to_overwrite(path: Path, inputs: Sequence[Path]) -> None:
    """gtm-check never writes over a file it read (``same_file``)."""
    if any(same_file(path, source) for source in inputs):
        raise GtmCheckError.single(
            str(path), "is one of the input files; choose another output file"
        )


def refuse_written_twice(paths: Sequence[Path]) -> None:
    """Two outputs of one run never name one file: the later would replace the earlier."""
    for index, path in enumerate(paths):
        if any(same_file(path, earlier) for earlier in paths[:index]):
            raise GtmCheckError.single(
                str(path),
                "is named twice as an output of this run (--output, --also); give each "
                "report its own file",
            )


def same_file(path: Path, other: Path) -> bool:
    """Whether ``path`` names the file ``other`` names: by the same path, through a link,
    or by another name of the same file (a hard link); ``other`` read from standard input
    is the file standard input is (``-o`` a link to ``/dev/stdin``, with ``- < launch.yaml``)."""
    stdin = str(other) == STDIN
    if not stdin and real_path(other) == real_path(path):
        return True
    status = _status(path)
    status_of_other = _standard_input() if stdin else _status(other)
    return (
        status is not None
        and status_of_other is not None
        and os.path.samestat(status, status_of_other)
    )


def _standard_input() -> os.stat_result | None:
    try:
        return os.fstat(0)
    except (OSError, ValueError):
        return None


def _status(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


STEP_SUMMARY_LIMIT = 1_000_000
"""GitHub shows no step summary over 1 MiB (1,048,576 bytes), not a line of it: the summary
file stays under this many bytes, with room to spare."""
STEP_SUMMARY_CUT = (
    "*gtm-check cut this report short here: GitHub shows no step summary over 1 MiB. "
    "`gtm-check audit --format markdown` or `--format json` (with `--output FILE`) writes "
    "the whole report.*\n"
)
"""The last line of a step summary that was cut, after a blank line: no table or list of
the report takes it as one of its own."""


def append_step_summary(path: Path, text: str) -> bool:
    """Append the Markdown report to GitHub Actions' step summary file; False when the file
    has no room left for even the note that the report was cut (nothing is appended).

    Appended, not written atomically: the file belongs to the runner, and other steps'
    summaries are in it. What the file already holds counts: a report that would take it
    over ``STEP_SUMMARY_LIMIT`` is cut (``fit_step_summary``), or GitHub would show none of it.
    An append that fails (a full disk, SIGTERM) is taken back: the file is cut to the size it
    had, never left holding part of a report.
    """
    try:
        written = _status(path)
        room = STEP_SUMMARY_LIMIT - (written.st_size if written is not None else 0)
        fitted = fit_step_summary(text, room)
        if fitted:
            _append(path, fitted.encode("utf-8"))
    except OSError as exc:
        raise GtmCheckError.single(
            str(path), f"cannot write the step summary: {exc.strerror or exc}"
        ) from None
    return bool(fitted) or not text


def _append(path: Path, data: bytes) -> None:
    """Append ``data`` to ``path`` whole, or leave the file as long as it was."""
    # Never blocks: a FIFO with no reader there fails at once (ENXIO), where it hung.
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags, 0o666)
    try:
        start = os.fstat(fd).st_size
        with signals_end_the_block():
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            except BaseException:
                with signals_held(), contextlib.suppress(OSError):
                    os.ftruncate(fd, start)
                raise
    finally:
        os.close(fd)


STEP_SUMMARY_FULL = (
    "gtm-check: the step summary is full (GitHub shows none over 1 MiB), so this report was "
    "not added to it; --format markdown writes it"
)
"""What standard error says when the step summary has no room for the report."""


def fit_step_summary(markdown: str, room: int) -> str:
    """``markdown`` whole if its UTF-8 takes at most ``room`` bytes; else its start, cut at
    the end of a line, with a code block or ``<details>`` it leaves open closed, then a blank
    line and ``STEP_SUMMARY_CUT``. Only the note when not even a line fits beside it, and
    nothing when the note does not fit: a summary that GitHub shows stays one it shows."""
    data = markdown.encode("utf-8")
    if len(data) <= room:
        return markdown
    note = f"\n{STEP_SUMMARY_CUT}"
    if len(note.encode("utf-8")) > room:
        return ""
    # Room for the note and for closing what the cut leaves open ("```" and "</details>"
    # lines, a few at most: gtm-check nests neither).
    budget = room - len(note.encode("utf-8")) - 64
    cut = data[: max(budget, 0)]
    kept = cut[: cut.rfind(b"\n") + 1].decode("utf-8")  # a whole line ends a whole character
    lines = kept.split("\n")
    if sum(line.startswith("```") for line in lines) % 2:
        kept += "```\n"
    kept += "\n</details>\n" * (
        sum(line == "<details>" for line in lines) - sum(line == "</details>" for line in lines)
    )
    return kept + note
