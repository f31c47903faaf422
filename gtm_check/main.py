"""The gtm-check entry point: `--version` answers at once; anything else loads the CLI.

Pipelines call gtm-check on every commit, so start-up time is paid thousands of times a day;
importing the CLI framework alone costs far more than printing a version.
"""

from __future__ import annotations

import gc
import sys

from gtm_check import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"gtm-check {__version__}\n")
        return
    # Importing builds tens of thousands of objects that live as long as the process (Pydantic
    # validators, the command line's commands): collecting while importing frees nothing,
    # and freezing them keeps every later collection from scanning them again.
    gc.disable()
    from gtm_check.cli import app

    gc.freeze()
    gc.enable()
    try:
        app()
    finally:
        # The process is about to end and give all of its memory back at once; frozen
        # objects are left out of the full collection Python runs at shutdown, which at
        # 100,000 items would spend a tenth of a second finding nothing to free.
        gc.freeze()
