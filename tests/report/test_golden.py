"""Every format of every example against a golden file a person has read.

Run with GTM_CHECK_UPDATE_GOLDEN=1 to rewrite them, then read the diff before committing.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from gtm_check.audit import AuditRequest, audit
from gtm_check.report import FORMATS, RenderOptions
from tests.conftest import EXAMPLES

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
AS_OF = dt.date(2027, 1, 15)
EXTENSIONS = {
    "table": "txt",
    "json": "json",
    "markdown": "md",
    "junit": "xml",
    "github": "github.txt",
}


@pytest.fixture(autouse=True)
def _from_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reports name files as the user gave them: relative paths keep the goldens portable.
    monkeypatch.chdir(EXAMPLES.parent)


def relative(example: Path) -> Path:
    return example.relative_to(EXAMPLES.parent)


def render(example: Path, fmt: str) -> str:
    request = AuditRequest(
        (relative(example),), AS_OF, fmt, render=RenderOptions(width=80, color=False)
    )
    return audit(request).output


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_golden(example: Path, fmt: str) -> None:
    golden = GOLDEN / f"{example.stem}.{EXTENSIONS[fmt]}"
    output = render(example, fmt)
    if os.environ.get("GTM_CHECK_UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_same_inputs_give_byte_identical_output(fmt: str) -> None:
    example = EXAMPLES / "launch.yaml"
    assert render(example, fmt) == render(example, fmt)


def test_every_format_has_a_golden_extension() -> None:
    assert set(EXTENSIONS) == set(FORMATS)


def test_cli_format_choices_are_the_registry() -> None:
    from gtm_check.cli import Format

    assert {f.value for f in Format} == set(FORMATS)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_portfolio_of_every_example(fmt: str) -> None:
    examples = tuple(relative(p) for p in sorted(EXAMPLES.glob("*.yaml")))
    request = AuditRequest(examples, AS_OF, fmt, render=RenderOptions(width=80, color=False))
    output = audit(request).output
    golden = GOLDEN / f"portfolio.{EXTENSIONS[fmt]}"
    if os.environ.get("GTM_CHECK_UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")
