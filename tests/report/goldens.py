"""The golden reports: which launches, in which format, make which file in tests/golden/.

Shared by the test that compares them and by tests/update_golden.py, which rewrites them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gtm_check.pipeline import AuditRequest, audit
from gtm_check.report import Format, RenderOptions

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "golden"
AS_OF = dt.date(2027, 1, 15)
EXTENSIONS = {
    Format.table: "txt",
    Format.json: "json",
    Format.markdown: "md",
    Format.junit: "xml",
    Format.github: "github.txt",
    Format.html: "html",
}


@dataclass(frozen=True)
class Golden:
    name: str
    launches: tuple[Path, ...]
    """Relative to the repository root, as a user would type them."""
    format: Format

    @property
    def path(self) -> Path:
        return GOLDEN / f"{self.name}.{EXTENSIONS[self.format]}"

    def render(self) -> str:
        with _at(ROOT):
            request = AuditRequest(
                self.launches, AS_OF, self.format, render=RenderOptions(width=80, color=False)
            )
            return audit(request).output


def goldens() -> list[Golden]:
    examples = sorted(p.relative_to(ROOT) for p in (ROOT / "examples").glob("*.yaml"))
    cases = [Golden(e.stem, (e,), f) for e in examples for f in Format]
    cases += [Golden("portfolio", tuple(examples), f) for f in Format]
    return cases


@contextmanager
def _at(folder: Path) -> Iterator[None]:
    # Reports name files as the user gave them: relative paths keep the goldens portable.
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)
