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

from gtm_check.report import RenderOptions
from gtm_check.report.registry import PLAN, formats
from tests.report.audits import FORMATS, audit_text, plan_text

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "golden"
AS_OF = dt.date(2027, 1, 15)
EXTENSIONS = {
    "table": "txt",
    "json": "json",
    "markdown": "md",
    "junit": "xml",
    "github": "github.txt",
    "html": "html",
    "sarif": "sarif",
    "gitlab": "gitlab.json",
    "ics": "ics",
}
PLAN_FORMATS = formats(PLAN)
PLAN_EXTENSIONS = {format: f"plan.{EXTENSIONS[format]}" for format in PLAN_FORMATS}
"""``plan``'s formats, named ``<example>.plan.<extension>``."""


@dataclass(frozen=True)
class Golden:
    name: str
    launches: tuple[Path, ...]
    """Relative to the repository root, as a user would type them."""
    format: str
    view: str = "audit"

    @property
    def path(self) -> Path:
        extension = (PLAN_EXTENSIONS if self.view == "plan" else EXTENSIONS)[self.format]
        return GOLDEN / f"{self.name}.{extension}"

    def expected(self) -> str:
        """The golden file's text, byte for byte (a calendar's CRLF line ends kept)."""
        return self.path.read_bytes().decode("utf-8")

    def render(self) -> str:
        with _at(ROOT):
            if self.view == "plan":
                (launch,) = self.launches
                return plan_text(launch, AS_OF, self.format, RenderOptions(width=80))
            return audit_text(self.launches, AS_OF, self.format, RenderOptions(width=80))


def goldens() -> list[Golden]:
    examples = sorted(p.relative_to(ROOT) for p in (ROOT / "examples").glob("*.yaml"))
    cases = [Golden(e.stem, (e,), f) for e in examples for f in FORMATS]
    cases += [Golden("portfolio", tuple(examples), f) for f in FORMATS]
    cases += [Golden(e.stem, (e,), f, "plan") for e in examples for f in PLAN_FORMATS]
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
