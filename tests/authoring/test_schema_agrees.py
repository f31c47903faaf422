"""The JSON Schemas agree with ``gtm-check validate``: a table of broken (and a few sound)
files, each fed to both. Where they differ on purpose, the table says why: a schema sees one
file, so it cannot know a team checklist's own ids, traits and departments, nor compare one
key with another.

The files reach the schema the way check-jsonschema and editors read YAML: an unquoted
date is the text it is written as (JSON has no date type; ``format: date`` checks the text).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from tests.conftest import ROOT

HEAD = "launch: X\nlaunch_date: 2027-03-01\n"
TEAM = "department: team\nname: Team\nitems:\n"
ITEM = "  - {id: team.a, stage: learn, title: A, severity: high"
CHECK = "items:\n  legal.trademarks:\n    verify: "
MILESTONE = "milestones:\n  - {name: beta, date: 2027-02-01, stages: [learn], min_score: 70"


@dataclass(frozen=True)
class Case:
    name: str
    launch: str
    """The launch file's text after ``launch`` and ``launch_date`` (or all of it, with
    ``head=False``)."""
    valid: bool
    """What ``validate`` says."""
    schema_valid: bool | None = None
    """What the schema says, when it differs on purpose; None: the same as ``valid``."""
    why: str = ""
    """Why they differ."""
    checklist: str | None = None
    """A team checklist (``team.yaml``, named by the launch file): the checklist schema
    checks it rather than the launch schema checking the launch file."""
    head: bool = True

    @property
    def expected_by_schema(self) -> bool:
        return self.valid if self.schema_valid is None else self.schema_valid


ONE_NUMBER = (
    "to JSON, 1.0 and 1 are one number, and an integer: only the YAML text tells them apart"
)
CROSS_KEY = "the schema cannot compare one key with another"
NOT_LOADED = (
    "the schema does not read the checklists a launch names: any id, trait or department "
    "of the right shape is allowed"
)

LAUNCH_CASES = [
    Case("minimal", "", True),
    Case("unknown key", "colour: blue\n", False),
    Case("launch date missing", "launch: X\n", False, head=False),
    Case("empty name", 'launch: ""\nlaunch_date: 2027-03-01\n', False, head=False),
    Case("launch date not a date", "launch: X\nlaunch_date: soon\n", False, head=False),
    Case("tier 2", "tier: 2\n", True),
    Case("tier 4", "tier: 4\n", False),
    Case("tier 1.0", "tier: 1.0\n", False, True, ONE_NUMBER),
    Case("tier as text", 'tier: "1"\n', False),
    Case("tier true", "tier: true\n", False),
    Case("empty traits", "traits:\n", True),
    Case("trait twice", "traits: [saas, saas]\n", False),
    Case("trait not kebab", "traits: [Saas]\n", False),
    Case("trait no checklist uses", "traits: [kiosk]\n", False, True, NOT_LOADED),
    Case("no checklists", "checklists: []\n", False),
    Case("checklist twice", "checklists: [legal, legal]\n", False),
    Case("gate on no stage", "gate: {stages: []}\n", False),
    Case("gate stage twice", "gate: {stages: [learn, learn]}\n", False),
    Case("gate unknown stage", "gate: {stages: [later]}\n", False),
    Case("gate above 100", "gate: {min_score: 101}\n", False),
    Case("gate below 0", "gate: {min_score: -1}\n", False),
    Case("gate score as text", 'gate: {min_score: "80"}\n', False),
    Case("milestone", MILESTONE + "}\n", True),
    Case("empty milestones", "milestones:\n", True),
    Case("milestone above 100", MILESTONE.replace("70", "150") + "}\n", False),
    Case("milestone below 0", MILESTONE.replace("70", "-5") + "}\n", False),
    Case("milestone on no stage", MILESTONE.replace("[learn]", "[]") + "}\n", False),
    Case("milestone stage twice", MILESTONE.replace("[learn]", "[learn, learn]") + "}\n", False),
    Case("milestone name not kebab", MILESTONE.replace("beta", "Beta") + "}\n", False),
    Case("milestone without score", MILESTONE.replace(", min_score: 70", "") + "}\n", False),
    Case("milestone unknown key", MILESTONE + ", colour: blue}\n", False),
    Case("milestone not a date", MILESTONE.replace("2027-02-01", "soon") + "}\n", False),
    Case(
        "milestone after launch",
        MILESTONE.replace("2027-02-01", "2027-04-01") + "}\n",
        False,
        True,
        CROSS_KEY,
    ),  # fmt: skip
    Case(
        "milestone twice",
        MILESTONE + "}\n  - {name: beta, date: 2027-02-10, stages: [buy], min_score: 70}\n",
        False,
        True,
        CROSS_KEY,
    ),  # fmt: skip
    Case("owners", "owners: {legal: counsel@acme.example}\n", True),
    Case("empty owners", "owners:\n", True),
    Case("owners key not kebab", "owners: {Legal: counsel@acme.example}\n", False),
    Case("owner empty", 'owners: {legal: ""}\n', False),
    Case("owner a list", "owners: {legal: [a, b]}\n", False),
    Case(
        "owners unknown department",
        "owners: {legl: counsel@acme.example}\n",
        False,
        True,
        NOT_LOADED,
    ),  # fmt: skip
    Case("item status alone", "items:\n  legal.trademarks: done\n", True),
    Case(
        "item full state",
        "items:\n  legal.trademarks: {status: done, owner: o, "
        "evidence: e, done_on: 2027-01-10, note: n}\n",
        True,
    ),  # fmt: skip
    Case("empty items", "items:\n", True),
    Case("items a list", "items: [legal.trademarks]\n", False),
    Case("unknown status", "items:\n  legal.trademarks: finished\n", False),
    Case("item without state", "items:\n  legal.trademarks:\n", False),
    Case("item id not an id", "items:\n  Legal Trademarks: done\n", False),
    Case("item unknown key", "items:\n  legal.trademarks: {status: done, colour: b}\n", False),
    Case("impossible due date", 'items:\n  legal.trademarks: {due: "2027-02-30"}\n', False),
    Case("due not a date", "items:\n  legal.trademarks: {due: next week}\n", False),
    Case("item of no checklist", "items:\n  acme.own-item: done\n", False, True, NOT_LOADED),
    Case(
        "item by no milestone", "items:\n  legal.trademarks: {by: beta}\n", False, True, CROSS_KEY
    ),  # fmt: skip
    Case("url check", f"{CHECK}{{url: 'https://acme.example/pricing', contains: Acme}}\n", True),
    Case("file check", f"{CHECK}{{path: docs/notes.md, matches: '^## 2'}}\n", True),
    Case("check with kind", f"{CHECK}{{kind: file, path: docs/notes.md}}\n", True),
    Case("check of no kind", f"{CHECK}{{contains: Acme}}\n", False),
    Case("check of unknown kind", f"{CHECK}{{kind: page, path: x}}\n", False),
    Case("check not a mapping", f"{CHECK}https://acme.example\n", False),
    Case("check unknown key", f"{CHECK}{{url: 'https://a.example', colour: b}}\n", False),
    Case("url check of a file", f"{CHECK}{{url: 'https://a.example', path: x}}\n", False),
    Case("url not http", f"{CHECK}{{url: 'ftp://acme.example/x'}}\n", False),
    Case("contains empty", f"{CHECK}{{url: 'https://a.example', contains: ''}}\n", False),
    Case("matches empty", f"{CHECK}{{path: x, matches: ''}}\n", False),
    Case(
        "url check without url",
        f"{CHECK}{{kind: url, contains: Acme}}\n",
        False,
        True,
        "the schema cannot tell a launch file's check, which needs its target, from a "
        "checklist's template",
    ),  # fmt: skip
    Case(
        "url with a password",
        f"{CHECK}{{url: 'https://me:pw@acme.example/'}}\n",
        False,
        True,
        "the schema checks the scheme of an address, not its parts",
    ),  # fmt: skip
    Case(
        "pattern not a regular expression",
        f"{CHECK}{{path: x, matches: '(a'}}\n",
        False,
        True,
        "the schema does not compile regular expressions",
    ),  # fmt: skip
    Case(
        "path climbs out",
        f"{CHECK}{{path: ../x}}\n",
        False,
        True,
        "the schema checks a path's length, not its parts",
    ),  # fmt: skip
    Case("empty waivers", "waivers:\n", True),
    Case(
        "waiver",
        "waivers:\n  - {item: legal.trademarks, reason: r, approved_by: a, expires: 2027-06-30}\n",
        True,
    ),  # fmt: skip
    Case(
        "waiver without approver",
        "waivers:\n  - {item: legal.trademarks, reason: r, expires: 2027-06-30}\n",
        False,
    ),  # fmt: skip
    Case(
        "waiver that never ends",
        "waivers:\n  - {item: legal.trademarks, reason: r, approved_by: a, expires: never}\n",
        False,
    ),  # fmt: skip
    Case(
        "waiver of no item",
        "waivers:\n  - {item: legal.nope, reason: r, approved_by: a, expires: 2027-06-30}\n",
        False,
        True,
        NOT_LOADED,
    ),  # fmt: skip
]

CHECKLIST_CASES = [
    Case("checklist", "", True, checklist=ITEM + "}\n"),
    Case(
        "checklist full item",
        "",
        True,
        checklist=ITEM + ", weight: 4, tier: 2, lead_days: "
        "30, valid_for: 365, applies_if: [saas], question: Q, guidance: G, why: W}\n",
    ),  # fmt: skip
    Case(
        "checklist with description",
        "",
        True,
        checklist=TEAM.replace("items:", "description: D\nitems:") + ITEM + "}\n",
    ),  # fmt: skip
    Case(
        "condition",
        "",
        True,
        checklist=ITEM + ", applies_if: "
        "{all: [saas], any: [on-prem, marketplace], none: [regulated]}}\n",
    ),  # fmt: skip
    Case("check template", "", True, checklist=ITEM + ", verify: {kind: url}}\n"),
    Case(
        "complete check", "", True, checklist=ITEM + ", verify: {path: docs/x.md, contains: X}}\n"
    ),  # fmt: skip
    Case("template of no kind", "", False, checklist=ITEM + ", verify: {contains: X}}\n"),
    Case("no items", "", False, checklist="department: team\nname: Team\nitems: []\n"),
    Case(
        "department not kebab",
        "",
        False,
        checklist=TEAM.replace("team\n", "Team X\n", 1) + ITEM + "}\n",
    ),  # fmt: skip
    Case("unknown stage", "", False, checklist=ITEM.replace("learn", "later") + "}\n"),
    Case("unknown severity", "", False, checklist=ITEM.replace("high", "urgent") + "}\n"),
    Case("item unknown key", "", False, checklist=ITEM + ", colour: blue}\n"),
    Case("weight 0", "", False, checklist=ITEM + ", weight: 0}\n"),
    Case("weight below 0", "", False, checklist=ITEM + ", weight: -1}\n"),
    Case("weight true", "", False, checklist=ITEM + ", weight: true}\n"),
    Case("tier 2.0", "", False, True, ONE_NUMBER, checklist=ITEM + ", tier: 2.0}\n"),
    Case("tier 0", "", False, checklist=ITEM + ", tier: 0}\n"),
    Case("lead days below 0", "", False, checklist=ITEM + ", lead_days: -1}\n"),
    Case("lead days a fraction", "", False, checklist=ITEM + ", lead_days: 1.5}\n"),
    Case("unknown condition", "", False, checklist=ITEM + ", applies_if: {some: [saas]}}\n"),
    Case("condition trait twice", "", False, checklist=ITEM + ", applies_if: [saas, saas]}\n"),
    Case("id not an id", "", False, checklist=ITEM.replace("team.a", "A") + "}\n"),
    Case(
        "requires twice",
        "",
        False,
        checklist=ITEM + ", requires: [legal.trademarks, legal.trademarks]}\n",
    ),  # fmt: skip
    Case(
        "requires no item",
        "",
        False,
        True,
        NOT_LOADED,
        checklist=ITEM + ", requires: [team.nope]}\n",
    ),  # fmt: skip
    Case(
        "id twice",
        "",
        False,
        True,
        "the schema cannot compare list items' keys",
        checklist=ITEM + "}\n" + ITEM + "}\n",
    ),  # fmt: skip
]
CASES = LAUNCH_CASES + CHECKLIST_CASES


class _JsonLikeLoader(yaml.SafeLoader):
    """YAML as a JSON validator sees it: a timestamp stays the text written."""


def _as_text(loader: _JsonLikeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_JsonLikeLoader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)


@cache
def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def schema_errors(kind: str, text: str) -> list[str]:
    data: Any = yaml.load(text, Loader=_JsonLikeLoader)  # noqa: S506 - a safe loader
    return [error.message for error in validator(kind).iter_errors(data)]


def write_case(case: Case, folder: Path) -> Path:
    """The case's files in ``folder``; the launch file's path."""
    text = (HEAD if case.head else "") + case.launch
    if case.checklist is not None:
        body = case.checklist if case.checklist.startswith("department:") else TEAM + case.checklist
        (folder / "team.yaml").write_text(body, encoding="utf-8")
        text += "checklists: [./team.yaml, legal]\n"
    launch = folder / "launch.yaml"
    launch.write_text(text, encoding="utf-8")
    return launch


def validate(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", str(path)])
    return result.exit_code, result.stderr


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_schema_agrees_with_validate(case: Case, tmp_path: Path) -> None:
    launch = write_case(case, tmp_path)
    code, stderr = validate(launch)
    assert code == (0 if case.valid else 2), stderr
    if case.checklist is not None:
        errors = schema_errors("checklist", (tmp_path / "team.yaml").read_text("utf-8"))
    else:
        errors = schema_errors("launch", launch.read_text("utf-8"))
    assert (errors == []) is case.expected_by_schema, errors


def test_every_difference_is_explained() -> None:
    for case in CASES:
        assert (case.schema_valid is None) is (case.why == ""), case.name
        if case.schema_valid is not None:
            # On purpose, and only one way: the schema is never stricter than validate.
            assert case.schema_valid and not case.valid, case.name


def test_the_table_covers_every_key_of_both_schemas() -> None:
    covered = " ".join(c.launch + (c.checklist or "") for c in CASES)
    for kind in ("launch", "checklist"):
        schema = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
        keys = set(schema["properties"])
        for definition in schema["$defs"].values():
            keys |= set(definition.get("properties", {}))
        missing = {key for key in keys if f"{key}:" not in covered and key not in HEAD + TEAM}
        assert missing == set(), kind
