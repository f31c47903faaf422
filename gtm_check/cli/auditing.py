"""``gtm-check audit`` once its command line is read: the report written, the gate's exit code.

No Typer here: the Typer command (``cli/audit.py``) and the entry point's fast path
(``cli/fast.py``) both run this, each with its own ``echo``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from gtm_check.cli.exits import EXIT_GATE_FAILED, EXIT_INVALID, EXIT_PASSED
from gtm_check.cli.fast import EXPIRING_WITHIN, Audit, Echo, echo
from gtm_check.cli.output import (
    STEP_SUMMARY_FULL,
    append_step_summary,
    refuse_git_folder,
    refuse_own_files,
    refuse_to_overwrite,
    refuse_written_twice,
    write_stdout,
    written_together,
)
from gtm_check.cli.terminal import render_options
from gtm_check.load.verify.options import CheckOptions
from gtm_check.model.problems import GtmCheckError
from gtm_check.pipeline import AuditOutcome, AuditRequest, Extras, audit
from gtm_check.report import RenderOptions
from gtm_check.report.registry import (
    AUDIT,
    PROBLEMS,
    needs_critical_path,
    needs_locations,
    render,
    renders,
)

if TYPE_CHECKING:  # cli/values.py imports Typer, which the fast path never does
    from gtm_check.cli.values import Written


def report(
    request: AuditRequest,
    format: str,
    output: Path | None,
    *,
    limit: int | None,
    warn_only: bool,
    say: Echo,
    extras: Extras | None = None,
    also: Sequence[Written] = (),
) -> int:
    """Audit, write the report (to ``output``, or standard output for None or ``-``), and
    give the exit code: the gate's verdict, or 2 with the input's problems drawn in a
    format that can point at their lines. ``extras``: for ``--verify`` and ``--history``.

    ``also``: more reports of the same run, each in its format to its file (``--also``).
    Every view then shows the verdict the exit code gives: the checks run, and the files
    and the clock are read, once. The files are written together, all or none, and put in
    place only once the report on standard output and the step summary are written."""
    output = None if output is not None and str(output) == "-" else output
    shown = [format, *(extra.format for extra in also)]
    request = replace(
        request,
        locations=any(needs_locations(AUDIT, name) for name in shown),
        critical_path=any(needs_critical_path(AUDIT, name) for name in shown),
    )
    try:
        outcome = audit(request, extras)
    except GtmCheckError as exc:
        # In a format that points at lines (github), a pull request that breaks a launch
        # file shows where.
        if not renders(PROBLEMS, format):
            raise
        say(render(PROBLEMS, format, exc.problems, RenderOptions()), err=True, nl=False)
        return EXIT_INVALID
    options = render_options(file_output=output is not None, limit=limit)
    text = render(AUDIT, format, outcome.reports, options)
    files = [(output, text)] if output is not None else []
    if also:
        to_file = render_options(file_output=True, limit=limit)
        files += [(x.path, render(AUDIT, x.format, outcome.reports, to_file)) for x in also]
    summary = _summary_file(format)
    if summary is not None:
        _check_summary(summary, [path for path, _ in files], outcome)
    then = None if summary is None else (lambda: _step_summary(summary, outcome, say))
    _deliver(files, None if output is not None else text, outcome, request.allow_outside, then)
    return EXIT_PASSED if outcome.passed or warn_only else EXIT_GATE_FAILED


def run(call: Audit) -> int:
    """The fast path's ``audit``: every option it does not read at its default, as the Typer
    command would have it."""
    request = AuditRequest(
        launches=call.launches,
        as_of=call.as_of or dt.date.today(),
        expiring_within=EXPIRING_WITHIN,
        allow_outside=call.allow_outside,
        policy=call.policy,
        checks=CheckOptions(allow_outside=call.allow_outside),
    )
    limit = None if call.all else call.limit
    return report(
        request, call.format, call.output, limit=limit, warn_only=call.warn_only, say=echo
    )


def _summary_file(format: str) -> Path | None:
    """With the github format in a workflow step, the step summary file it appends to."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    return Path(summary) if format == "github" and summary else None


def _check_summary(summary: Path, outputs: Sequence[Path], outcome: AuditOutcome) -> None:
    """The step summary is an output too, checked before anything is written: never an
    input of the run, gtm-check's own files, git's folder, or another output's file (a
    runner sets it to a file of its own; a variable set by hand may name anything). Two
    report files with one name are said as such first, not blamed on the summary."""
    refuse_written_twice(outputs)
    try:
        refuse_git_folder(summary)
        refuse_own_files(summary)
        refuse_to_overwrite(summary, outcome.inputs)
        refuse_written_twice([*outputs, summary])
    except GtmCheckError as exc:
        raise GtmCheckError(
            [replace(p, message=f"GITHUB_STEP_SUMMARY {p.message}") for p in exc.problems]
        ) from None


def _step_summary(summary: Path, outcome: AuditOutcome, say: Echo) -> None:
    """The Markdown report appended to the step summary; standard error says so when the
    summary has no room left for it."""
    markdown = render(AUDIT, "markdown", outcome.reports, RenderOptions())
    if not append_step_summary(summary, markdown):
        say(STEP_SUMMARY_FULL, err=True)


def _deliver(
    files: Sequence[tuple[Path, str]],
    standard_output: str | None,
    outcome: AuditOutcome,
    allow_outside: bool,
    then: Callable[[], None] | None = None,
) -> None:
    """Each report file checked before any is written, then written together (a refusal
    writes none), the report for standard output, if there is one, and ``then`` (the step
    summary) written before they are put in place: a standard output or a summary that
    fails (full, closed, a reader gone) leaves none of them, so that no file shows a
    verdict beside an exit code that says the run failed."""
    paths = [path for path, _ in files]
    for path in paths:
        refuse_own_files(path)
        refuse_to_overwrite(path, outcome.inputs)
    refuse_written_twice(paths)
    with written_together() as writes:
        for path, text in files:
            writes.add(path, text, overwrite=True, allow_outside=allow_outside)
        if standard_output is not None:
            write_stdout(standard_output)
        if then is not None:
            then()
