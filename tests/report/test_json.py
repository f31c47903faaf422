"""The JSON report follows the README's documented shape exactly."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gtm_check.model.safetext import json_safe
from gtm_check.report import RenderOptions
from gtm_check.report.json import dumps
from gtm_check.report.registry import OWNERS, render
from gtm_check.review.owners import owners
from tests.conftest import EXAMPLES
from tests.report.audits import audit_text, plan_text

AS_OF = dt.date(2027, 1, 15)


def report() -> dict:  # type: ignore[type-arg]
    return json.loads(audit_text((EXAMPLES / "launch.yaml",), dt.date(2027, 1, 15), "json"))  # type: ignore[no-any-return]


def test_top_level_keys_in_documented_order() -> None:
    assert list(report()) == [
        "schema_version",
        "launch",
        "overall",
        "stages",
        "departments",
        "gaps",
        "gate",
        "warnings",
        "expiring",
    ]
    assert report()["schema_version"] == 1


def test_nested_keys_match_the_contract() -> None:
    data = report()
    assert list(data["launch"]) == [
        "name", "launch_date", "as_of", "days_to_launch", "tier", "traits"
    ]  # fmt: skip
    assert list(data["overall"]) == ["score", "applicable", "credited", "open", "overdue"]
    assert [list(s) for s in data["stages"]][0] == [
        "key", "name", "score", "verdict", "open", "open_blockers", "overdue",
    ]  # fmt: skip
    assert list(data["departments"][0]) == ["key", "name", "score", "open", "stages"]
    assert list(data["departments"][0]["stages"]) == ["learn", "buy", "use", "grow"]
    assert list(data["gaps"][0]) == [
        "id", "title", "stage", "department", "severity", "weight", "status", "expired",
        "owner", "due", "overdue_days", "waiver",
    ]  # fmt: skip
    assert list(data["gate"]) == ["passed", "stages", "min_score", "failures"]
    assert all(list(w) == ["code", "message", "item"] for w in data["warnings"])


def test_example_values() -> None:
    data = report()
    assert data["launch"]["as_of"] == "2027-01-15"
    assert data["launch"]["days_to_launch"] == 45
    assert [s["key"] for s in data["stages"]] == ["learn", "buy", "use", "grow"]
    assert data["gate"]["min_score"] == 80
    overall = data["overall"]
    assert overall["open"] == len(data["gaps"])
    assert overall["applicable"] == overall["credited"] + overall["open"]
    first = data["gaps"][0]
    assert (first["id"], first["severity"], first["overdue_days"]) == (
        "legal.channel-contracts",
        "blocker",
        10,
    )
    expired = [g for g in data["gaps"] if g["waiver"]]
    assert [g["id"] for g in expired] == ["sales.lighthouse-accounts"]
    assert expired[0]["waiver"]["expired"] is True


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(), inner, max_size=6),
    max_leaves=60,
)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_batched_encoding_is_json_dumps(value: object) -> None:
    assert dumps(value) == json_safe(json.dumps(value, indent=2, ensure_ascii=False))


def test_batched_encoding_of_many_chunks_is_json_dumps() -> None:
    value = {
        "gaps": [{"id": f"x.{n}", "title": "Über «quoted»\nline", "n": n} for n in range(5000)]
    }
    assert dumps(value) == json_safe(json.dumps(value, indent=2, ensure_ascii=False))


def test_portfolio_is_the_launch_reports_nested_one_level() -> None:
    paths = tuple(EXAMPLES / name for name in ("launch.yaml", "device.yaml"))
    portfolio = json.loads(audit_text(paths, dt.date(2027, 1, 15), "json"))
    singles = [json.loads(audit_text((path,), dt.date(2027, 1, 15), "json")) for path in paths]
    for single, path in zip(singles, paths, strict=True):
        single["launch"]["file"] = str(path)  # which launch file each is: names can repeat
    assert portfolio == {"schema_version": 1, "passed": False, "launches": singles}


HIDDEN = "\x85\x9b\x9d\u2028\u2029\u2066\u061c\u202e\x7f"


def test_hidden_characters_are_escapes_in_every_json_output(tmp_path: Path) -> None:
    """/work/hostile/repro-3.sh: C1 controls, U+2028 and bidi controls reached the JSON raw.
    Every JSON view writes them as \\u escapes: the same value read back, no raw control."""
    launch = tmp_path / "launch.yaml"
    name = "A\u2028::error::after-LS \x85::error::after-NEL \x9b31m\x9d0;t\x07 \u2066\u061c ##[x]"
    launch.write_text(
        yaml.safe_dump(
            {"launch": name, "launch_date": dt.date(2027, 2, 10), "tier": 3, "traits": ["saas"]},
            allow_unicode=True,
        ),
        "utf-8",
    )
    assert all(c in yaml.safe_load(launch.read_text("utf-8"))["launch"] for c in "\x85\u2028\u2066")
    texts = {f: audit_text((launch,), AS_OF, f) for f in ("json", "sarif", "gitlab")}
    texts["plan json"] = plan_text(launch, AS_OF, "json")
    texts["owners json"] = render(OWNERS, "json", owners(launch, AS_OF), RenderOptions())
    for fmt, text in texts.items():
        assert not [hex(ord(c)) for c in text if c in HIDDEN], fmt
        assert "##[" not in text, fmt
        assert not [line for line in text.splitlines() if line.lstrip().startswith("::")], fmt
    assert json.loads(texts["json"])["launch"]["name"] == name
    assert "\\u2028::error" in texts["json"] and "\\u0085" in texts["json"]
