"""``gtm-check --help`` as Typer prints it on 80 columns or more, printed without Typer.

``--help`` is asked at a prompt, where a quarter of a second to start the command line
framework is felt: printed from here it takes about as long as ``python -c pass`` (figures
in benchmarks/README.md). Typer stays the source: tests/cli/test_fast_path.py compares this
text with what Typer prints, so a new command or option fails the test until it is here.
Standard library only: this module is imported before anything else is.
"""

from __future__ import annotations

import os
import sys

MAIN_HELP = """\
Usage: gtm-check [OPTIONS] COMMAND [ARGS]...

  Go-to-market readiness across the customer journey: learn, buy, use, grow.

Options:
  --version             Show the version.
  --debug               Show a traceback for internal errors.
  --install-completion  Install completion for the current shell.
  --show-completion     Show completion for the current shell, to copy it or
                        customize the installation.
  -h, --help            Show this message and exit.

Commands:
  audit       Score launches and list their gaps; exit 1 when a gate fails.
  diff        What changed since a date or revision: scores, items, dates.
  init        Write a ready-to-edit launch file for a new launch.
  owners      Rank owners by open weight, blockers and what waits on them.
  plan        When the launch can be ready, and what decides it.
  schema      Print the JSON Schema of launch files, checklists or policies.
  set         Change items in place, or move the launch date.
  trend       Readiness over the launch file's git history, and a projection.
  validate    Check launch files and their checklists; list every problem.
  waive       Add or renew a waiver for an item.
  unwaive     Remove an item's waiver.
  checklists  Browse the built-in checklists and the launch traits.
"""
"""Typer's help for ``gtm-check`` at a width of 78 (80 columns or more), as printed: with its
final newline."""


def main_help() -> str | None:
    """The main help, when Typer would print exactly this: started as ``gtm-check``, on 80
    columns or more (Click wraps to the terminal's width, up to 80), no shell completion
    asked for. None otherwise: Typer prints it."""
    if program_name() != "gtm-check" or _columns() < 80 or completing():
        return None
    return MAIN_HELP


def program_name() -> str:
    """How gtm-check was started, as help and usage lines name it: ``gtm-check``, or
    ``python -m gtm_check`` (Click's rule)."""
    main = sys.modules["__main__"]
    path = sys.argv[0]
    package = getattr(main, "__package__", None)
    if not package:
        return os.path.basename(path)
    name = os.path.splitext(os.path.basename(path))[0]
    module = package if name == "__main__" else f"{package}.{name}"
    return f"python -m {module.lstrip('.')}"


def completing() -> bool:
    """Whether the shell asks for completions (``_GTM_CHECK_COMPLETE`` and the like)."""
    return any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def _columns() -> int:
    """The terminal's width as Click reads it (``shutil.get_terminal_size``'s columns)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return columns
