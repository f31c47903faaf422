"""Checklist weights: validate refuses every weight audit could not score, in every format."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from gtm_check.model.inputs import MAX_WEIGHT
from gtm_check.model.problems import GtmCheckError
from gtm_check.pipeline import AuditRequest, audit
from gtm_check.report import RenderOptions
from gtm_check.report.registry import AUDIT, formats, render

CHECKLIST = """\
department: ours
name: Ours
items:
  - {{id: ours.heavy, stage: learn, title: Heavy, severity: low, weight: {weight}}}
  - {{id: ours.heavy-too, stage: learn, title: Heavy too, severity: low, weight: {weight}}}
  - {{id: ours.light, stage: learn, title: Light, severity: low}}
"""
LAUNCH = (
    "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./ours.yaml]\nitems: {ours.heavy: done}\n"
)


def with_weight(folder: Path, weight: str) -> Path:
    (folder / "ours.yaml").write_text(CHECKLIST.format(weight=weight), encoding="utf-8")
    launch = folder / "launch.yaml"
    launch.write_text(LAUNCH, encoding="utf-8")
    return launch


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def judged(launch: Path) -> tuple[int, set[int]]:
    """validate's exit code, and audit's in every format and owners'."""
    code, _, _ = run("validate", str(launch))
    audits = {
        run("audit", str(launch), "--as-of", "2027-01-01", "-f", fmt)[0] for fmt in formats(AUDIT)
    }
    audits.add(run("owners", str(launch), "--as-of", "2027-01-01", "-f", "json")[0])
    return code, audits


@pytest.mark.parametrize(
    "weight",
    ["9" * 400, "1" + "0" * 309, "1.7e+308", "1.0e+300", str(MAX_WEIGHT + 1), "1000000.5"],
    ids=["400 digits", "10^309", "near the float limit", "1e300", "just over", "a half over"],
)
def test_a_weight_audit_could_not_score_is_refused_by_validate_and_audit(
    tmp_path: Path, weight: str
) -> None:
    launch = with_weight(tmp_path, weight)
    code, err = run("validate", str(launch))[0::2]
    assert code == 2
    lines = CHECKLIST.format(weight=weight).splitlines()
    assert err.splitlines() == [
        f"{tmp_path / 'ours.yaml'}:{n}:{lines[n - 1].index(weight) + 1}: weight: must be at "
        f"most {MAX_WEIGHT:,}"
        for n in (4, 5)
    ]
    assert judged(launch) == (2, {2})


def test_the_largest_weight_is_scored_exactly_in_every_format(tmp_path: Path) -> None:
    launch = with_weight(tmp_path, str(MAX_WEIGHT))
    assert judged(launch) == (0, {0, 1})
    report = json.loads(run("audit", str(launch), "--as-of", "2027-01-01", "-f", "json")[1])
    (learn,) = [s for s in report["stages"] if s["key"] == "learn"]
    assert learn["score"] == 50.0  # 1,000,000 of 2,000,001


def test_a_number_too_long_to_read_says_so_in_plain_words(tmp_path: Path) -> None:
    launch = with_weight(tmp_path, "9" * 5_000)
    code, _, err = run("validate", str(launch))
    assert code == 2
    assert "invalid whole number '9999" in err
    assert "digits" not in err.replace("more than 4,300 digits", "")  # no library wording
    assert "Exceeds the limit" not in err and "conversion" not in err


weights = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=MAX_WEIGHT * 0.99, max_value=MAX_WEIGHT * 1.01),
    st.integers(min_value=MAX_WEIGHT - 3, max_value=MAX_WEIGHT + 3),
)


@given(weight=weights)
def test_validate_passes_only_weights_audit_can_score(tmp_path: Path, weight: float) -> None:
    text = repr(weight) if isinstance(weight, float) else str(weight)
    if isinstance(weight, float) and "e" in text and "." not in text:
        text = text.replace("e", ".0e")  # YAML's float needs the dot: 1e+20 would be text
    launch = with_weight(tmp_path, text)
    try:
        outcome = audit(AuditRequest((launch,), dt.date(2027, 1, 1)))
    except GtmCheckError:
        assert not 0 < weight <= MAX_WEIGHT
        return
    assert 0 < weight <= MAX_WEIGHT
    text = render(AUDIT, "json", outcome.reports, RenderOptions())
    json.loads(text, parse_constant=lambda c: pytest.fail(f"JSON holds {c}"))
    for fmt in formats(AUDIT):
        assert render(AUDIT, fmt, outcome.reports, RenderOptions())


@pytest.mark.parametrize(
    ("field", "number"),
    [("valid_for", "0x" + "f" * 4_000), ("lead_days", "0" + "7" * 6_000)],
    ids=["hex valid_for", "octal lead_days"],
)
def test_a_hex_or_octal_number_too_long_to_show_is_refused_where_it_is(
    tmp_path: Path, field: str, number: str
) -> None:
    # Python reads hex and octal of any length; a message that named such a number in
    # decimal was an internal error (exit 3) in audit, plan and owners, while validate of a
    # huge valid_for said "valid".
    (tmp_path / "team.yaml").write_text(
        "department: team\nname: Team\nitems:\n"
        f"  - {{id: team.a, stage: learn, title: T, severity: low, {field}: {number}}}\n",
        encoding="utf-8",
    )
    launch = tmp_path / "launch.yaml"
    launch.write_text(
        "launch: X\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\nitems: {team.a: done}\n",
        encoding="utf-8",
    )
    assert judged(launch) == (2, {2})
    err = run("validate", str(launch))[2]
    assert err.startswith(f"{tmp_path / 'team.yaml'}:4:")
    assert "it has more than 4,300 digits written in decimal" in err
