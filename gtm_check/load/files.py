"""Reading the user's files safely: regular files only, bounded in size, UTF-8 text."""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path

from gtm_check.load.yamltree import ValueBudget
from gtm_check.model.problems import GtmCheckError, Problem, quoted

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest launch or checklist file read (64 MiB, room for about 400,000 items)."""

MAX_RUN_BYTES = 256 * 1024 * 1024
"""Most bytes one run reads, all launch files and checklists together (256 MiB)."""


_BY_DESCRIPTOR = "/proc/self/fd"


def real_path(path: str | os.PathLike[str]) -> str:
    """``os.path.realpath(path)``, asked of the system in one look where it can: opened
    without being read (``O_PATH``), its name read back from ``/proc``. Python's own walks
    the path a folder at a time, and the system walks each of those from the top again:
    1,000 checklists 1,000 folders deep took over two minutes. Anything the system will
    not open that way (a missing file, a link loop, a folder it may not search, no
    ``/proc``) is resolved by ``os.path.realpath``, which handles each of them."""
    flag = getattr(os, "O_PATH", 0)
    if not flag:  # pragma: no cover - not on Linux
        return os.path.realpath(path)
    try:
        fd = os.open(path, flag | os.O_CLOEXEC)
    except (OSError, ValueError):
        return os.path.realpath(path)
    try:
        found = os.readlink(f"{_BY_DESCRIPTOR}/{fd}")
    except OSError:  # pragma: no cover - /proc not mounted
        return os.path.realpath(path)
    finally:
        os.close(fd)
    # A name the system cannot give whole (a file taken away meanwhile: " (deleted)";
    # one out of this process's reach: "(unreachable)/...") is left to Python.
    return found if found.startswith("/") and os.path.exists(found) else os.path.realpath(path)


class Kind(Enum):
    """What a path names, from one ``stat`` call."""

    MISSING = "does not exist"
    DIRECTORY = "is a directory, not a file"
    SPECIAL = "is not a regular file"
    """A FIFO, a device or a socket: reading one could block forever or never end."""
    FILE = "is a file"


class Unreachable(Exception):
    """A path the system cannot even look at; ``reason`` says why in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def examine(path: Path) -> tuple[Kind, os.stat_result | None]:
    """What ``path`` names and its status, from one ``stat`` call that follows links.

    Raises Unreachable for a name the system refuses (a NUL character, too long, a link
    loop, no permission to look), so that no caller shows raw OS text or crashes.
    """
    try:
        status = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return Kind.MISSING, None
    except (OSError, ValueError) as exc:
        raise Unreachable(why_unreachable(exc)) from None
    return _kind(status.st_mode), status


def kind_of_path(path: Path) -> Kind:
    """What ``path`` names (Unreachable when the system cannot look at it)."""
    return examine(path)[0]


_REASONS = {
    errno.ELOOP: "it is a symbolic link that loops",
    errno.ENAMETOOLONG: "its name is too long for the file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "a part of its path is not a folder",
    errno.ENOENT: "no such file",
    errno.EISDIR: "it is a folder",
}


def why_unreachable(exc: OSError | ValueError) -> str:
    """Plain words for an error the system gave about a path."""
    if isinstance(exc, ValueError):
        # The only ValueError os functions raise for a str path: "embedded null byte".
        return "its name contains a NUL character"
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))


class ByteBudget:
    """How many more bytes one run may read, all its files together; and in ``values``,
    how many values the files it keeps loaded may hold, counted as they are parsed."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_RUN_BYTES if limit is None else limit
        self.used = 0
        self.values = ValueBudget()

    def take(self, size: int, display: str) -> None:
        """Count ``size`` bytes of ``display``, or raise a problem at 1:1 of that file."""
        if self.used + size > self.limit:
            raise GtmCheckError.single(
                display,
                f"reading this file ({size:,} bytes) would take the run past its limit of "
                f"{self.limit:,} bytes for all files together",
            )
        self.used += size


def _kind(mode: int) -> Kind:
    if stat.S_ISDIR(mode):
        return Kind.DIRECTORY
    return Kind.FILE if stat.S_ISREG(mode) else Kind.SPECIAL


def _folder_hint(folder: Path, display: str) -> str | None:
    """For a folder named where a file belongs: how to name the YAML files in it."""
    try:
        found = any(p.suffix in (".yaml", ".yml") for p in folder.iterdir())
    except OSError:
        return None
    return f"to name every YAML file in it, write {display.rstrip('/')}/*.yaml" if found else None


def read_text(
    path: Path, display: str, budget: ByteBudget | None = None, *, one_of_many: bool = True
) -> str:
    """The file's text, or a located error saying why it cannot be read.

    With a ``budget``, the file's size is counted against it before a byte is read.
    ``one_of_many``: the file is one of several that could be named in its place (launch
    files), so a folder named instead gets a hint how to name the YAML files in it.
    """
    try:
        raw = _read_bytes(path, display, budget, one_of_many)
    except FileNotFoundError:
        raise GtmCheckError.single(display, "no such file") from None
    except PermissionError:
        raise GtmCheckError.single(display, "permission denied") from None
    except (OSError, ValueError) as exc:
        raise GtmCheckError.single(display, f"cannot read: {why_unreachable(exc)}") from None
    return _decode(raw, display)


STDIN = "-"
"""The launch file name that means standard input."""
STDIN_DISPLAY = "<stdin>"


def as_file(path: Path) -> Path:
    """``path`` as the file it was read from: ``-`` there (a checklist ``./-`` joined to the
    working folder, ``--policy -``) is the file of that name in the working folder, never
    standard input, which only a launch file can be."""
    return Path.cwd() / path if str(path) == STDIN else path


def named(text: str) -> Path:
    """The path a command line names: ``-`` alone is standard input or output, but a name
    that means the file ``-`` (``./-``) is taken from the current folder whole, since
    ``Path("./-")`` would be ``-``."""
    found = Path(text)
    return Path.cwd() / found if text != STDIN and str(found) == STDIN else found


def folder_ending(text: str) -> str | None:
    """How ``text`` ends when that names a folder (``/``, ``/.``, ``/..``, or it is ``.`` or
    ``..``); None when it can name a file (or is empty: said as such where it is read)."""
    _, slash, last = text.replace(os.sep, "/").rpartition("/")
    return slash + last if text and last in ("", ".", "..") else None


def read_stdin(budget: ByteBudget | None = None) -> str:
    """Standard input's text, with the same limits as a file's."""
    if sys.stdin is None:  # started with standard input closed (`<&-`)
        raise GtmCheckError.single(STDIN_DISPLAY, "cannot read: standard input is closed")
    try:
        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise GtmCheckError.single(STDIN_DISPLAY, f"cannot read: {exc.strerror or exc}") from None
    except (ValueError, AttributeError):
        raise GtmCheckError.single(STDIN_DISPLAY, "cannot read standard input") from None
    if len(raw) > MAX_FILE_BYTES:
        raise GtmCheckError.single(
            STDIN_DISPLAY, f"more than {MAX_FILE_BYTES:,} bytes; the limit is {MAX_FILE_BYTES:,}"
        )
    if budget is not None:
        budget.take(len(raw), STDIN_DISPLAY)
    return _decode(raw, STDIN_DISPLAY)


def _decode(raw: bytes, display: str) -> str:
    try:
        # utf-8-sig: a byte-order mark, which some editors write, is not part of the text.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GtmCheckError(
            [Problem.at_offset(display, raw, exc.start, "not valid UTF-8 text")]
        ) from None


def _read_bytes(
    path: Path, display: str, budget: ByteBudget | None, one_of_many: bool = True
) -> bytes:
    # Opened without blocking and checked on the open file, so that a FIFO cannot hang the
    # run and what is checked is what is read.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        status = os.fstat(fd)
        kind = _kind(status.st_mode)
        if kind is Kind.DIRECTORY:
            hint = _folder_hint(path, display) if one_of_many else None
            raise GtmCheckError.single(display, kind.value, hint=hint)
        if kind is not Kind.FILE:
            raise GtmCheckError.single(display, kind.value)
        if status.st_size > MAX_FILE_BYTES:
            raise GtmCheckError.single(
                display, f"file is {status.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
            )
        if budget is not None:
            budget.take(status.st_size, display)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as stream:
        return stream.read()


def confined(folder: Path, ref: str, *, allow_outside: bool) -> Path:
    """The path ``ref`` names relative to ``folder``; ValueError if it leads out of it."""
    candidate = Path(ref)
    if allow_outside:
        return candidate if candidate.is_absolute() else folder / candidate
    if candidate.is_absolute():
        raise ValueError(
            f"checklist path {quoted(ref)} is absolute; use a path relative to the launch file "
            "(or pass --allow-outside)"
        )
    # real_path (os.path.realpath), not Path.resolve: on a link loop it stops instead of raising
    # RuntimeError, and the loop is then reported when the file is looked at.
    base = Path(real_path(folder))
    target = Path(real_path(folder / candidate))
    if not target.is_relative_to(base):
        raise ValueError(
            f"checklist path {quoted(ref)} leads outside the launch file's folder "
            "(pass --allow-outside to read it anyway)"
        )
    return folder / candidate


def repository_root(folder: Path) -> Path | None:
    """The root of the git working tree ``folder`` is in, found without running git: the
    nearest folder at or above it, as named (links are not followed to find the parents),
    that holds ``.git`` and is not itself a symbolic link (a linked folder could lend the
    launch file another repository). None when there is none up to the file system's root.
    """
    here = Path(os.path.abspath(folder))
    while True:
        if _has_dot_git(here):
            return here
        if here.parent == here:
            return None
        here = here.parent


def repository_roots(folder: Path) -> dict[Path, Path | None]:
    """``repository_root`` of ``folder`` and of each folder above it, as named, from one
    look at each (asked of each policy file found on the way up, from the folders'
    own roots, it cost the cube of the depth: 1,200 folders with a policy each took two
    minutes)."""
    here = Path(os.path.abspath(folder))
    chain = [here, *here.parents]
    roots: dict[Path, Path | None] = {}
    nearest: Path | None = None
    for above in reversed(chain):
        if _has_dot_git(above):
            nearest = above
        roots[above] = nearest
    return roots


def _has_dot_git(folder: Path) -> bool:
    """Whether ``folder``, not itself a link, holds a ``.git`` of any kind."""
    return not os.path.islink(folder) and os.path.lexists(folder / GIT_FOLDER)


def holds_repository(folder: Path) -> bool:
    """Whether ``folder``'s ``.git`` is one git would keep: a git folder, or a file naming a git
    folder inside a ``.git`` folder (a linked worktree's, a submodule's). git never checks
    out a path named ``.git``, but a build step can leave one (an empty file, a link, a file
    leading to the checkout's own ``.git``): such a ``.git`` makes no repository."""
    dot = folder / ".git"
    if os.path.islink(dot):
        return False
    if os.path.isdir(dot):
        # Only a folder git reads as one (its HEAD, objects and refs): an empty .git
        # folder, or one holding a HEAD alone, that a build step left ended the search,
        # and the repository's policy did not hold (git itself refuses such a folder).
        return (
            os.path.isfile(dot / "HEAD")
            and os.path.isdir(dot / "objects")
            and os.path.isdir(dot / "refs")
        )
    try:
        named = gitdir_of(dot)
    except (OSError, ValueError):
        return False
    if named is None:
        return False
    target = Path(os.path.normpath(folder / named))
    return inside_git_folder(target) and git_folder_of(dot, target)


def git_folder_of(dot: Path, target: Path) -> bool:
    """Whether ``target``, the git folder the ``.git`` file ``dot`` names, is one git keeps
    for that folder: a submodule's (``.git/modules/NAME``, with its ``HEAD``, objects and
    refs) or a linked worktree's (``.git/worktrees/NAME``, with its ``HEAD`` and
    ``commondir``, whose ``gitdir`` file names ``dot`` back); no other folder under
    ``.git``. A ``.git`` file naming nothing, another worktree's git folder or one such as
    ``.git/logs`` (which holds a ``HEAD``), would end the policy search at the launch folder,
    or read another folder's files as this one's."""
    if not os.path.isfile(target / "HEAD"):
        return False
    if target.parent.name == "modules":  # a submodule's: a repository of its own
        return os.path.isdir(target / "objects") and os.path.isdir(target / "refs")
    if target.parent.name != "worktrees":
        # Nothing else under .git is a git folder, whatever it holds: .git/logs has a HEAD
        # (the reflog) and a refs/ folder.
        return False
    if not os.path.isfile(target / "commondir"):
        return False
    try:
        back = gitdir_of_file(target / "gitdir")
    except (OSError, ValueError):
        return False
    return real_path(target / back) == real_path(dot)


def inside_git_folder(target: Path) -> bool:
    """Whether the git folder a ``.git`` file names lies inside a ``.git`` folder
    (``.git/worktrees/NAME``, ``.git/modules/NAME``), as git puts a linked worktree's and a
    submodule's; never a ``.git`` folder itself: a ``.git`` file in a folder of the checkout
    naming the checkout's own ``.git`` would make git take that folder for the top of the
    working tree, and read another file's history as this one's."""
    return GIT_FOLDER in target.parts[:-1]


def leads_outside(
    path: Path, root_of: Callable[[Path], Path | None] = repository_root
) -> str | None:
    """Whether ``path``'s real file lies outside its repository, or outside its own folder
    when it is in none, through a symbolic link: "its repository" or "its folder", or None.

    Judged from the path as named: the repository is found from where the file is named,
    not from where a link points. A ``..`` after a linked folder (``sub/../launch.yaml``)
    names a place the system does not open: ``abspath`` drops ``sub/..`` as text, the
    system goes up from where ``sub`` points. Such a path is "the folder it is named in"
    whenever the two differ, wherever the link points.
    """
    named = Path(os.path.abspath(path))
    real = Path(real_path(named))
    # real_path on the path as given follows each link before the ".." after it.
    if Path(real_path(path)) != real:
        return "the folder it is named in (a '..' after a linked folder)"
    root = root_of(named.parent)
    area = Path(real_path(root or named.parent))
    # real_path stops at a loop rather than raising: the loop is then reported
    # when the file is read, as the problem it is.
    if real.is_relative_to(area):
        return None
    return "its repository" if root is not None else "its folder"


GIT_FOLDER = ".git"


def in_git_folder(path: Path) -> bool:
    """Whether ``path``'s real file (links followed, a missing file by its real folder) is
    in git's own folder: under a folder named ``.git``, is a ``.git`` file (a worktree's or
    submodule's pointer), or is under any folder that holds git's data (``HEAD``,
    ``config``, ``objects/`` and ``refs/``: a bare repository, a ``--separate-git-dir``, a linked
    worktree's common folder). Git runs hooks and reads its configuration from there: a
    file written there can become code the next git command runs. One look per folder
    of the real path, whatever the path names."""
    real = Path(real_path(path))
    return under_dot_git(real) or any(_holds_git_data(folder) for folder in real.parents)


def regular_head(path: Path, limit: int) -> bytes:
    """The first ``limit`` bytes of the regular file ``path``, opened without blocking and
    checked on the open file, so that a FIFO planted in its place cannot hang the run.
    OSError when it cannot be read or is no regular file."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    data = b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        while len(data) < limit and (chunk := os.read(fd, limit - len(data))):
            data += chunk
    finally:
        os.close(fd)
    return data


def gitdir_of_file(path: Path) -> str:
    """The path a worktree's ``gitdir`` file holds (its first 4 KiB, as written); OSError
    when it cannot be read or is no regular file."""
    return regular_head(path, 4096).decode("utf-8", "replace").strip()


def gitdir_of(dot: Path) -> str | None:
    """The git folder a ``.git`` file names (``gitdir: PATH`` in its first 4 KiB), as
    written; None when it names none. OSError when it cannot be read, or is no regular file
    (``regular_head``: a FIFO named ``.git`` cannot hang the run)."""
    first = regular_head(dot, 4096).decode("utf-8", "replace").rstrip()
    return first.removeprefix("gitdir: ") if first.startswith("gitdir: ") else None


def under_dot_git(path: Path) -> bool:
    """Whether ``path``'s real file (links followed) is under a folder named ``.git``: the
    test for files that are read (a checklist, a launch or policy file), where
    ``in_git_folder``'s look for a bare repository would let a pull request that plants one
    in the launch folder refuse every file beside it."""
    return GIT_FOLDER in Path(real_path(path)).parts


def _holds_git_data(folder: Path) -> bool:
    return (
        os.path.isfile(folder / "HEAD")
        and os.path.isfile(folder / "config")
        and os.path.isdir(folder / "objects")
        and os.path.isdir(folder / "refs")
    )


PATH_MAX = 4096
"""The longest name the system opens (Linux; the terminating NUL counts)."""


def refuse_too_long(path: Path, display: str, doing: str = "read") -> None:
    """Refuse a name the system cannot open before anything walks it: the walks up a name
    (its repository, its policy) build each folder's name again, and a name of 60,000
    links to the folder itself (``l/l/…/launch.yaml``) took a minute to be refused."""
    if str(path) != STDIN and len(os.fsencode(os.path.abspath(path))) >= PATH_MAX:
        raise GtmCheckError.single(display, f"cannot {doing}: {_REASONS[errno.ENAMETOOLONG]}")


def confine(
    path: Path,
    display: str,
    what: str = "the launch file",
    *,
    allow_outside: bool,
    root_of: Callable[[Path], Path | None] = repository_root,
) -> None:
    """Refuse to read a file that leads outside its repository (or folder) through a
    symbolic link, before a byte of it is read: nothing of the file linked to can show in
    a message. ``-`` (standard input) and ``allow_outside`` are not confined, except that
    a link into git's own folder (``.git/config``, where a checkout keeps its token) is
    refused even then. ``root_of`` finds a folder's repository (``repository_root``; a
    search that confines many files passes the roots it found once)."""
    if str(path) == STDIN:
        return
    refuse_too_long(path, display)
    named_into_git = GIT_FOLDER in Path(os.path.abspath(path)).parts
    if not named_into_git and under_dot_git(path):
        raise GtmCheckError.single(
            display, f"{what} leads into git's own folder through a symbolic link; it is not read"
        )
    if allow_outside:
        barred = out_of_bounds(path)
        if barred is not None:
            raise GtmCheckError.single(display, f"{what} leads into {barred}; it is not read")
        return
    where = leads_outside(path, root_of)
    if where is not None:
        raise GtmCheckError.single(
            display,
            f"{what} leads outside {where} through a symbolic link "
            "(pass --allow-outside to read it anyway)",
        )


SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))
"""The system's own files: ``/proc/self/environ`` holds the run's environment."""


def out_of_bounds(path: Path) -> str | None:
    """Why a file that ``--allow-outside`` lets a run read is read all the same never: it
    is in git's own folder under any name (a bare repository, a separate git folder,
    whose ``config`` keeps a checkout's token: ``in_git_folder``), or among the system's
    own files. None: it may be read. ``--allow-outside`` lets a run read outside the
    repository, never around these."""
    real = Path(real_path(path))
    if in_git_folder(real):
        return "git's own folder"
    if any(real.is_relative_to(folder) for folder in SYSTEM_FOLDERS):
        return "the system's own files (/proc, /sys, /dev)"
    return None


# --- edit locks' names ------------------------------------------------------------------


def lock_path(path: Path) -> Path:
    """The lock file of the launch file ``path``: beside its real path."""
    real = Path(real_path(path))
    return real.parent / f".{real.name}{LOCK_SUFFIX}"


LOCK_SUFFIX = ".lock"


def locked_by(real: Path) -> Path | None:
    """The file beside ``real`` whose edits would hold ``real`` as their lock (``lock_path``
    read backwards: ``.NAME.lock`` beside an existing ``NAME``), or None."""
    name = real.name
    stem = name[1 : -len(LOCK_SUFFIX)]
    if not (name.startswith(".") and name.endswith(LOCK_SUFFIX) and stem):
        return None
    locked = real.parent / stem
    return locked if os.path.lexists(locked) else None
