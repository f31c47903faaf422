"""Tells a git submodule's working tree from any other repository's, without running git."""

# A submodule's history is its own repository's, which the checkout of the repository that
# holds it does not vouch for, and a submodule stays under the policy of the repository that
# holds it. A folder is a submodule when git's layout says so, or when the repository above
# it lists it in its ``.gitmodules``. A pull request can write ``.gitmodules``, so it is
# read to find submodules, never to clear one: a line added there can only make a folder a
# submodule, and a file that cannot be read lists every folder. A repository nested in an
# unrelated one (a checkout under a home folder that is itself a repository) is neither.

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from gtm_check.load.files import gitdir_of, real_path, regular_head, repository_root

MODULES_FILE = ".gitmodules"

MAX_MODULES_BYTES = 4 * 1024 * 1024
"""Most of a ``.gitmodules`` read (4 MiB, tens of thousands of submodules); a larger one is
taken to list every folder."""

_PATH_KEY = re.compile(rb"(?:^|\])[ \t]*path[ \t]*=[ \t]*(.*)$", re.IGNORECASE | re.MULTILINE)
"""A ``path = VALUE`` line of git's config syntax, alone or after a section's header."""


def superproject_of(root: Path, consulted: list[Path] | None = None) -> Path | None:
    """The working tree whose submodule ``root`` (a folder holding ``.git``) is, or None;
    ``consulted`` gets the ``.gitmodules`` read to decide it, whatever it answered.

    ``root`` is a submodule when its ``.git`` file leads into a ``modules`` folder under a
    ``.git`` folder, as git lays out a submodule's repository (``.git/modules/NAME``, and
    ``.git/worktrees/WT/modules/NAME`` in a linked worktree of the repository that holds
    it); or when the nearest folder above it holding ``.git`` lists it in its
    ``.gitmodules`` (a submodule whose ``.git`` is a folder of its own, as old versions of
    git and ``git submodule add`` of an existing clone leave it). The working tree is that
    nearest folder above; for git's layout with none above, the one whose ``.git`` folder
    holds the submodule's repository.
    """
    root = Path(os.path.abspath(root))
    outer = repository_root(root.parent) if root.parent != root else None
    owner = _modules_owner(root)
    if owner is not None:
        return outer or owner
    if outer is not None and _lists(outer, root, consulted):
        return outer
    return None


def _modules_owner(root: Path) -> Path | None:
    """The folder holding the ``.git`` folder whose ``modules`` the ``.git`` file of
    ``root`` leads into, as written and as the links on the way resolve; None when it leads
    into none (a linked worktree's, or no ``.git`` file)."""
    dot = root / ".git"
    if os.path.islink(dot) or not os.path.isfile(dot):
        return None
    try:
        named = gitdir_of(dot)
    except OSError:
        return None
    if named is None:
        return None
    for target in (os.path.normpath(root / named), real_path(root / named)):
        parts = Path(target).parts
        if ".git" in parts:
            start = parts.index(".git")
            # ``modules`` with a submodule's name after it: a linked worktree's folder is
            # ``.git/worktrees/NAME``, so a worktree named ``modules`` is not taken for one.
            if "modules" in parts[start + 1 : -1]:
                return Path(*parts[:start])
    return None


def _lists(outer: Path, root: Path, consulted: list[Path] | None) -> bool:
    """Whether ``outer``'s ``.gitmodules`` names ``root`` as a submodule's path; True too
    when there is one that cannot be read whole."""
    path = outer / MODULES_FILE
    if not os.path.lexists(path):
        return False
    if consulted is not None:
        consulted.append(path)
    text = _whole(path)
    if text is None:
        return True
    wanted = os.fsencode(root.relative_to(outer).as_posix())
    # A carriage return ends a line as git's config reader takes it too (`]\r\tpath = sub`
    # hid a submodule git saw, and with it the outer repository's policy).
    lines = text.replace(b"\r", b"\n")
    return any(_path_value(found) == wanted for found in _PATH_KEY.findall(lines))


def _whole(path: Path) -> bytes | None:
    """The bytes of a regular file of at most ``MAX_MODULES_BYTES``; None for anything else
    or a file that cannot be read (``files.regular_head``: a FIFO cannot hang the run)."""
    try:
        text = regular_head(path, MAX_MODULES_BYTES + 1)
    except (OSError, ValueError):
        return None
    return None if len(text) > MAX_MODULES_BYTES else text


def _path_value(raw: bytes) -> bytes:
    """A config value as git reads it (quotes removed, escapes undone, a comment outside
    quotes dropped), as a path without ``./`` or a trailing ``/``."""
    value = bytearray()
    quoted = False
    escapes = {ord("n"): b"\n", ord("t"): b"\t", ord("b"): b"\b"}
    index = 0
    while index < len(raw):
        byte = raw[index]
        if byte == ord("\\") and index + 1 < len(raw):
            index += 1
            value += escapes.get(raw[index], raw[index : index + 1])
        elif byte == ord('"'):
            quoted = not quoted
        elif byte in b"#;" and not quoted:
            break
        else:
            value.append(byte)
        index += 1
    text = bytes(value).strip(b" \t\r").decode("utf-8", "surrogateescape")
    return os.fsencode(str(PurePosixPath(text))) if text else b""
