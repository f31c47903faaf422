"""Where a report goes: standard output, or a file written atomically; the step summary."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from gtm_check.load.files import Kind, kind_of_path
from gtm_check.model.problems import GtmCheckError
from gtm_check.model.results import Report
from gtm_check.report import Format, RenderOptions, renderer


def write_atomic(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    A reader sees the old file or the new one, never half of one; on any error the old file
    (or no file) is left as it was.
    """
    display = str(path)
    kind = kind_of_path(path)
    if kind is Kind.DIRECTORY:
        raise GtmCheckError.single(display, kind.value)
    if kind is not Kind.MISSING and not overwrite:
        raise GtmCheckError.single(display, "already exists (pass --force to overwrite it)")
    folder = path.parent if str(path.parent) else Path(".")
    if kind_of_path(folder) is not Kind.DIRECTORY:
        raise GtmCheckError.single(display, f"folder '{folder}' does not exist")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise GtmCheckError.single(display, f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise GtmCheckError.single(display, f"cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def refuse_to_overwrite(path: Path, inputs: Sequence[Path]) -> None:
    """gtm-check never writes over a file it read."""
    target = path.resolve()
    for source in inputs:
        if source.resolve() == target:
            raise GtmCheckError.single(
                str(path), "is one of the input files; choose another output file"
            )


def append_step_summary(path: Path, reports: Sequence[Report]) -> None:
    """Append the Markdown report to GitHub Actions' step summary file.

    Appended, not written atomically: the file belongs to the runner, and other steps'
    summaries are in it.
    """
    text = renderer(Format.markdown)(reports, RenderOptions())
    try:
        with path.open("a", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        raise GtmCheckError.single(
            str(path), f"cannot write the step summary: {exc.strerror or exc}"
        ) from None
