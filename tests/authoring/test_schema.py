"""The editor schemas: committed as printed, true to every shipped file, strict where the
loader is strict."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from gtm_check.authoring.schema import schema_text
from gtm_check.cli.commands import app
from gtm_check.cli.schema import Kind
from gtm_check.load.yamltree import Source
from tests.conftest import EXAMPLES, ROOT

SCHEMAS = ROOT / "schemas"


def plain(value: Any) -> Any:
    """YAML data as JSON sees it: dates as ISO text (the schema says format "date")."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def errors(kind: str, text: str) -> list[str]:
    data = plain(Source("x.yaml", text).parse().data)
    return [e.message for e in validator(kind).iter_errors(data)]


@pytest.mark.parametrize("kind", list(Kind))
def test_the_committed_schema_is_what_the_command_prints(kind: Kind) -> None:
    result = CliRunner().invoke(app, ["schema", kind.value])
    assert result.exit_code == 0, result.stderr
    committed = (SCHEMAS / f"{kind.value}.schema.json").read_text("utf-8")
    assert result.stdout == committed == schema_text(kind.value), (
        f"regenerate: gtm-check schema {kind.value} > schemas/{kind.value}.schema.json"
    )


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_is_valid_under_the_launch_schema(path: Path) -> None:
    assert errors("launch", path.read_text("utf-8")) == []


@pytest.mark.parametrize("path", sorted((ROOT / "checklists").glob("*.yaml")), ids=lambda p: p.name)
def test_every_builtin_checklist_is_valid_under_the_checklist_schema(path: Path) -> None:
    assert errors("checklist", path.read_text("utf-8")) == []


HEAD = "launch: X\nlaunch_date: 2027-03-01\n"


@pytest.mark.parametrize(
    "body",
    [
        "items:\n  legal.trademarks: done\n  acme.own-item: {status: n/a, note: why}\n",
        "traits:\nitems:\nwaivers:\n",
        "traits: [saas, kiosk]\n",
        "items:\n  legal.trademarks:\n    status: done\n    done_on: 2027-01-02\n",
        "waivers:\n  - {item: legal.dpa, reason: r, approved_by: a, expires: 2027-06-30}\n",
    ],
)
def test_the_forms_the_loader_accepts_are_valid(body: str) -> None:
    assert errors("launch", HEAD + body) == []


@pytest.mark.parametrize(
    "body",
    [
        "colour: blue\n",  # an unknown key
        "items:\n  legal.trademarks: finished\n",  # an unknown status
        "items:\n  legal.trademarks: {status: done, owner: x, colour: blue}\n",
        # A bad date: an editor sees its text (the loader refuses it before the schema would).
        'items:\n  legal.trademarks:\n    due: "2027-02-30"\n',
        "items:\n  legal.trademarks:\n    due: next week\n",
        "items:\n  Legal Trademarks: done\n",  # not an item id
        "tier: 4\n",
        "waivers:\n  - {item: legal.dpa, reason: r, expires: 2027-06-30}\n",  # no approver
        "gate: {stages: []}\n",
        "checklists: []\n",
    ],
)
def test_the_launch_schema_rejects_what_the_loader_rejects(body: str) -> None:
    assert errors("launch", HEAD + body) != []


def test_the_launch_schema_rejects_a_missing_launch_date() -> None:
    assert errors("launch", "launch: X\n") != []


README_POLICY = (ROOT / "README.md").read_text("utf-8").split("```yaml\npolicy:", 1)[1]


def test_the_readmes_policy_is_valid_under_the_policy_schema() -> None:
    assert errors("policy", "policy:" + README_POLICY.split("```", 1)[0]) == []


@pytest.mark.parametrize(
    "body",
    [
        "{min_scroe: 80}",  # an unknown key
        "{min_score: 101}",
        "{required_checklists: [suport]}",  # not a built-in checklist
        "{required_checklists: [legal, legal]}",
        "{allowed_tiers: []}",  # no launch could pass
        "{allowed_tiers: [4]}",
        "{fail_on_warnings: [waiver-by-ownr]}",
    ],
)
def test_the_policy_schema_rejects_what_the_loader_rejects(body: str) -> None:
    assert errors("policy", f"policy: {body}\n") != []


@pytest.mark.parametrize(
    "item",
    [
        "{id: ops.a, stage: later, title: T, severity: high}",
        "{id: ops.a, stage: use, title: T, severity: urgent}",
        "{id: ops.a, stage: use, title: T, severity: high, colour: blue}",
        "{id: ops.a, stage: use, title: T, severity: high, weight: 0}",
        "{id: ops.a, stage: use, title: T, severity: high, applies_if: {some: [x]}}",
        "{id: A, stage: use, title: T, severity: high}",
    ],
)
def test_the_checklist_schema_rejects_what_the_loader_rejects(item: str) -> None:
    assert errors("checklist", f"department: ops\nname: Ops\nitems:\n  - {item}\n") != []


def test_the_launch_schema_knows_the_builtin_ids_and_the_vocabulary() -> None:
    schema = json.loads((SCHEMAS / "launch.schema.json").read_text("utf-8"))
    items = schema["properties"]["items"]
    assert "legal.trademarks" in items["properties"]
    assert items["properties"]["legal.trademarks"]["description"]
    # A team's own ids: any key of an id's shape (propertyNames, not patternProperties, which
    # ajv's strict mode refuses when a listed id matches the pattern too).
    assert items["additionalProperties"] == {"$ref": "#/$defs/ItemEntry"}
    assert items["propertyNames"]["pattern"] and "patternProperties" not in items
    owners = schema["properties"]["owners"]
    assert owners["properties"]["legal"]["description"] and owners["propertyNames"]["pattern"]
    assert schema["$defs"]["Status"]["enum"] == ["todo", "in-progress", "blocked", "done", "n/a"]
    assert "saas" in schema["properties"]["traits"]["items"]["anyOf"][0]["enum"]
    assert schema["properties"]["tier"]["enum"] == [1, 2, 3]


def test_init_names_the_schema_on_its_first_line_and_writes_it_beside(tmp_path: Path) -> None:
    path = tmp_path / "launch.yaml"
    result = CliRunner().invoke(
        app, ["init", str(path), "--name", "X", "--launch-date", "2027-06-01"]
    )
    assert result.exit_code == 0, result.stderr
    first = path.read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=.gtm-check/launch.schema.json"
    written = tmp_path / ".gtm-check" / "launch.schema.json"
    assert written.read_text("utf-8") == schema_text("launch")
    assert errors("launch", path.read_text("utf-8")) == []


def test_init_without_schema_writes_no_modeline(tmp_path: Path) -> None:
    path = tmp_path / "launch.yaml"
    args = ["init", str(path), "--name", "X", "--launch-date", "2027-06-01", "--no-schema"]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert not path.read_text("utf-8").startswith("# yaml-language-server")
    assert not (tmp_path / ".gtm-check").exists()


def properties(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every (path, schema) under a ``properties`` keyword, however deep."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found += [(f"{path}/{name}", sub) for name, sub in value.items()]
            found += properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for value in node:
            found += properties(value, path)
    return found


@pytest.mark.parametrize("kind", list(Kind))
def test_every_key_has_a_description_and_no_generated_title(kind: Kind) -> None:
    # The README promises a description on every key: an editor shows it on hover.
    schema = json.loads((SCHEMAS / f"{kind.value}.schema.json").read_text("utf-8"))
    found = properties(schema)
    assert len(found) >= (9 if kind.value == "policy" else 15)  # the walk finds every key
    assert [path for path, sub in found if not sub.get("description")] == []
    assert [path for path, sub in found if "title" in sub] == []


def test_init_into_a_folder_that_takes_no_renames_leaves_nothing_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An append-only folder (chattr +a) takes new files but lets none be renamed or
    # removed: the launch file's rename failed, the temporary file could not be removed,
    # and that error was an internal one (exit 3), with the schema left in place.
    path = tmp_path / "launch.yaml"
    replace, unlink = os.replace, Path.unlink

    def no_rename_here(source: str, target: str | Path) -> None:
        if Path(target) == path:
            raise PermissionError(errno.EPERM, "Operation not permitted")
        replace(source, target)

    def no_removal_here(self: Path, missing_ok: bool = False) -> None:
        if self.parent == tmp_path:
            raise PermissionError(errno.EPERM, "Operation not permitted")
        unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(os, "replace", no_rename_here)
    monkeypatch.setattr(Path, "unlink", no_removal_here)
    result = CliRunner().invoke(
        app, ["init", str(path), "--name", "X", "--launch-date", "2027-06-01"]
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"{path}:1:1: cannot write: Operation not permitted\n",
    )
    assert not path.exists() and not (tmp_path / ".gtm-check").exists()
