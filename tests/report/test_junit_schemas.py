"""The JUnit output is valid against the schemas its readers validate with, and red exactly
when the gate fails: Jenkins' xUnit plugin skips a whole file that fails ``junit-10.xsd``."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
import xmlschema

from gtm_check.pipeline import AuditRequest, audit
from tests.conftest import EXAMPLES, ROOT, WriteFile
from tests.report.audits import audit_text

SCHEMAS = ROOT / "tests" / "data" / "junit"
AS_OF = dt.date(2027, 1, 15)
LAUNCHES = sorted(EXAMPLES.glob("*.yaml"))


@cache
def schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / name))


def junit(*paths: Path) -> str:
    return audit_text(paths, AS_OF, "junit")


def failures(text: str) -> int:
    return sum(int(s.get("failures", "-1")) for s in ET.fromstring(text).iter("testsuite"))


def violations(text: str, name: str) -> list[str]:
    return [str(error).splitlines()[0] for error in schema(name).iter_errors(text)]


@pytest.mark.parametrize("name", ["junit-10.xsd", "JUnit.xsd"])
@pytest.mark.parametrize(
    "launches", [[p] for p in LAUNCHES] + [LAUNCHES], ids=[p.stem for p in LAUNCHES] + ["all"]
)
def test_every_example_is_valid_junit(launches: list[Path], name: str) -> None:
    assert violations(junit(*launches), name) == []


@pytest.mark.parametrize("path", LAUNCHES, ids=lambda p: p.stem)
def test_the_file_is_red_exactly_when_the_gate_fails(path: Path) -> None:
    passed = audit(AuditRequest((path,), AS_OF)).passed
    assert (failures(junit(path)) > 0) is not passed


def test_both_kinds_of_gate_are_among_the_examples() -> None:
    verdicts = {audit(AuditRequest((p,), AS_OF)).passed for p in LAUNCHES}
    assert verdicts == {True, False}


def test_the_old_shape_is_what_jenkins_refused() -> None:
    # The schema copy itself must catch the defect readers reported: `skipped` on the root.
    old = '<testsuites name="x" tests="0" failures="0" skipped="0" errors="0" />'
    assert violations(old, "junit-10.xsd") != []


def test_user_text_waivers_milestones_and_policy_stay_valid(write: WriteFile) -> None:
    write(
        "team.yaml",
        "department: team\nname: 'Team <&> \"q\"'\nitems:\n"
        '  - {id: team.a, stage: learn, title: "A ]]> <b> \\u0007 bell", severity: blocker}\n'
        "  - {id: team.b, stage: buy, title: B, severity: high}\n"
        "  - {id: team.c, stage: use, title: C, severity: low}\n",
    )
    write(".gtm-check.yaml", "policy:\n  min_score: 90\n")
    path = write(
        "launch.yaml",
        "launch: 'L <x> & y'\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
        "milestones:\n  - {name: beta, date: 2027-01-01, stages: [learn], min_score: 50}\n"
        "items:\n  team.c: {status: n/a, note: why}\n"
        'waivers:\n  - {item: team.b, reason: "R\\nsecond line", approved_by: vp,'
        " expires: 2027-06-01}\n",
    )
    text = junit(path)
    for name in ("junit-10.xsd", "JUnit.xsd"):
        assert violations(text, name) == []
    root = ET.fromstring(text)
    buy = next(s for s in root.iter("testsuite") if s.get("name", "").startswith("buy"))
    assert "team.b: waived until 2027-06-01 by vp: R" in (buy.findtext("system-out") or "")
    assert failures(text) > 0
