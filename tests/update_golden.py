"""Rewrite the golden reports in tests/golden/ after a deliberate change, and show the diff.

    .venv/bin/python tests/update_golden.py

Read every changed line before committing: a golden is only worth something when a person
has read it. The test suite never writes a golden.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.report.goldens import GOLDEN, ROOT, goldens  # noqa: E402


def main() -> None:
    for golden in goldens():
        golden.path.write_bytes(golden.render().encode("utf-8"))
    subprocess.run(["git", "diff", "--stat", "--", str(GOLDEN)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
