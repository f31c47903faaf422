"""The schemas under ajv, the JavaScript validator behind most editors and web tools: they
compile in its default strict mode (and with every strict option on) with no warning, and
ajv's verdict on each file of the agreement table is the one the table expects.

ajv needs ajv-formats for ``format: date``, as the README says; tests/nodejs.py says where
both come from (``.ci/run`` installs them) and when these tests skip.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from tests.authoring.test_schema_agrees import CASES, HEAD, TEAM, _JsonLikeLoader
from tests.conftest import EXAMPLES, ROOT
from tests.nodejs import modules, run_script

SCRIPT = r"""
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = {};
for (const [kind, schema] of Object.entries(input.schemas)) {
  const warnings = [];
  const logger = {
    log: (...m) => warnings.push(m.join(" ")),
    warn: (...m) => warnings.push(m.join(" ")),
    error: (...m) => warnings.push(m.join(" ")),
  };
  const result = {warnings};
  try {
    const ajv = new Ajv2020({logger});
    addFormats(ajv);
    const validate = ajv.compile(schema);
    result.valid = input.documents[kind].map((document) => validate(document));
  } catch (error) {
    result.error = error.message;
  }
  try {
    const strict = new Ajv2020({strict: true, logger});
    addFormats(strict);
    strict.compile(schema);
  } catch (error) {
    result.strictError = error.message;
  }
  out[kind] = result;
}
process.stdout.write(JSON.stringify(out));
"""


def as_json(text: str) -> Any:
    return yaml.load(text, Loader=_JsonLikeLoader)  # noqa: S506 - a safe loader


def test_ajv_compiles_both_schemas_strictly_and_agrees_with_the_table(tmp_path: Path) -> None:
    node_modules = modules("ajv", "ajv-formats")
    documents: dict[str, list[Any]] = {"launch": [], "checklist": []}
    expected: dict[str, list[bool]] = {"launch": [], "checklist": []}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        documents["launch"].append(as_json(path.read_text("utf-8")))
        expected["launch"].append(True)
    for path in sorted((ROOT / "checklists").glob("*.yaml")):
        documents["checklist"].append(as_json(path.read_text("utf-8")))
        expected["checklist"].append(True)
    for case in CASES:
        if case.checklist is not None:
            body = case.checklist
            text = body if body.startswith("department:") else TEAM + body
            documents["checklist"].append(as_json(text))
            expected["checklist"].append(case.expected_by_schema)
        else:
            documents["launch"].append(as_json((HEAD if case.head else "") + case.launch))
            expected["launch"].append(case.expected_by_schema)
    schemas = {
        kind: json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
        for kind in documents
    }
    found = run_script(SCRIPT, {"schemas": schemas, "documents": documents}, tmp_path, node_modules)
    for kind in documents:
        result = found[kind]
        assert "error" not in result and "strictError" not in result, result
        assert result["warnings"] == []
        assert result["valid"] == expected[kind], kind
