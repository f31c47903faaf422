"""SECURITY.md names a test beside each rule of its checks section: each one exists."""

from __future__ import annotations

import ast
import re

from tests.conftest import ROOT

SECTION = "## Checks that read and fetch"


def test_every_test_the_checks_section_names_exists() -> None:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    named = 0
    for row in (line for line in section.splitlines() if line.startswith("| ") and "::" in line):
        current = None
        for file, test in re.findall(r"`(?:(tests/[\w/]+\.py|test_\w+\.py))?::(test_\w+)`", row):
            if file:
                current = ROOT / file if file.startswith("tests/") else ROOT / "tests/verify" / file
            assert current is not None, row
            tree = ast.parse(current.read_text(encoding="utf-8"))
            names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
            assert test in names, f"{current.name} has no {test}"
            named += 1
    assert named >= 30
