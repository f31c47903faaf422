"""The gtm-check entry point: `--version` answers at once; anything else loads the CLI.

Pipelines call gtm-check on every commit, so start-up time is paid thousands of times a day;
importing the CLI framework alone costs far more than printing a version.
"""

from __future__ import annotations

import sys

from gtm_check import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"gtm-check {__version__}\n")
        return
    from gtm_check.cli import app

    app()
