"""JSON Schemas (draft 2020-12) of launch files, checklists and policies, for editors.

Generated from the Pydantic input models, then adjusted where the loader accepts more than
the models' own schema says (a status alone for an item, ``applies_if`` as a list, an empty
``traits:``/``items:``/``waivers:``/``milestones:``/``owners:`` for none) and where a schema
can say more than a type: the built-in item ids and departments as the known keys of
``items:`` and ``owners:``, the traits, bounds, a description on every key.

Both schemas compile under ajv's default strict mode (with ajv-formats for ``format: date``):
so no key of ``properties`` may also match a ``patternProperties`` pattern, and a team's own
ids and departments are allowed by ``additionalProperties`` under a ``propertyNames`` pattern
instead. tests/authoring/test_schema_agrees.py checks them against ``validate``, case by case.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gtm_check.load.checklists import ChecklistReader, builtin_names
from gtm_check.model.addresses import APPROVER_PATTERN
from gtm_check.model.inputs import (
    ITEM_ID_PATTERN,
    KEBAB,
    MAX_WEIGHT,
    Checklist,
    ChecklistItem,
    Launch,
    RepositoryFile,
)
from gtm_check.model.verify import (
    MAX_PATH_LENGTH,
    MAX_PATTERN_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_URL_LENGTH,
)
from gtm_check.model.vocabulary import DEFAULT_WEIGHTS, STAGE_NAMES, TIERS, TRAITS, Status
from gtm_check.report.shared import json_text

DRAFT = "https://json-schema.org/draft/2020-12/schema"

LAUNCH_FIELDS = {
    "launch": "The launch's name, as reports show it.",
    "launch_date": "The launch date, YYYY-MM-DD.",
    "owner": "Who owns the launch (e.g. an e-mail address).",
    "tier": "1 flagship (a new product or market, the default), 2 standard (a significant "
    "release), 3 minor (a feature or an update): smaller launches owe fewer items.",
    "traits": "What kind of launch this is; decides which items apply. Empty: none.",
    "checklists": "builtin (the default), built-in department names, or relative paths to "
    "your own checklist files.",
    "gate": "What the release gate requires; these are the defaults.",
    "items": "The state of the items you know, by item id; the rest are todo. Write a status "
    "alone (legal.trademarks: done) or a mapping. Empty: none.",
    "waivers": "Items credited until a date without being done; each needs item, reason, "
    "approved_by and expires. Empty: none.",
    "milestones": "Dated checkpoints before launch day, each gated like launch day on its own "
    "stages and minimum score once its date has passed. Empty: none.",
    "owners": "A default owner per department, by department key: an item with no owner of "
    "its own takes its department's. Empty: none.",
}
STATE_FIELDS = {
    "status": "todo | in-progress | blocked | done | n/a (n/a: does not apply, say why in note).",
    "owner": "Who owns the item.",
    "due": "When it is due, YYYY-MM-DD; default: the launch date less the item's lead_days.",
    "evidence": "Where the proof is: a link to the sign-off, test report or ticket.",
    "note": "Anything a reader should know, e.g. why the item is n/a.",
    "done_on": "When it was done, YYYY-MM-DD: an item whose checklist says valid_for "
    "expires that many days later. gtm-check set --status done writes it.",
    "by": "The name of a milestone: with no due date of its own, the item is due on that "
    "milestone's date and counts against it.",
    "verify": "This launch's check of the item, run by audit --verify: {url: ...} or {path: "
    "...}, optionally with contains (and matches, for a file); or the target the "
    "checklist's check leaves to the launch file.",
}
CHECK_FIELDS = {
    "kind": "file (a path in the repository) or url (an http or https address); given by "
    "path: or url: when left out.",
    "path": "A file or folder from the repository's root (no .., not absolute).",
    "url": "An http or https address the policy's verify_hosts allows; it must answer 2xx.",
    "contains": f"A text the file, or the address's answer, must hold in its first "
    f"{1024 * 1024:,} bytes.",
    "matches": "A regular expression (Python syntax, ^ and $ at each line) the file must "
    "match in its first 1,048,576 bytes.",
}
MILESTONE_FIELDS = {
    "name": "The milestone's name: lower-case words joined by dashes, e.g. beta.",
    "date": "Its date, YYYY-MM-DD, before the launch date.",
    "stages": "The stages it checks (at least one).",
    "min_score": "The score (0-100) each of its stages needs on its date.",
}
WAIVER_FIELDS = {
    "item": "The id of the item waived.",
    "reason": "Why launching without it is acceptable.",
    "approved_by": "Who approved the waiver.",
    "expires": "The last day the waiver credits the item, YYYY-MM-DD.",
}
GATE_FIELDS = {
    "stages": "The stages the gate checks (at least one).",
    "min_score": "The score (0-100) each gated stage needs.",
}
CHECKLIST_FIELDS = {
    "department": "The department's key: lower-case words joined by dashes.",
    "name": "The department's name, as reports show it.",
    "description": "What the department is responsible for.",
    "items": "The department's items (at least one).",
}
ITEM_FIELDS = {
    "id": "<department>.<slug>, unique across everything loaded.",
    "stage": "The stage of the customer journey it belongs to: learn, buy, use or grow.",
    "title": "What must be true, in a few words.",
    "severity": "How bad launching without it is: blocker, high, medium or low.",
    "weight": f"A positive number, at most {MAX_WEIGHT:,}; default from severity ("
    + ", ".join(f"{s.value} {w}" for s, w in DEFAULT_WEIGHTS.items())
    + ").",
    "applies_if": "Traits the launch must have: a list (every one), or {all, any, none}.",
    "tier": "Owed by launches of this tier and smaller numbers (3, the default: every launch).",
    "lead_days": (
        "Due this many days before the launch date unless the launch file says: one number,"
        " or days per tier that owes the item, such as {1: 90, 2: 45, 3: 14}."
    ),
    "valid_for": "Days a done stays valid after its done_on: a review or sign-off goes stale.",
    "requires": "Items to finish first; never in a later stage.",
    "question": "The question a reviewer asks.",
    "guidance": "How to answer it: what good looks like, what to attach.",
    "why": "What went wrong at launches that skipped it, in one sentence.",
    "verify": "A check that confirms the item (audit --verify): complete, or a template such "
    "as {kind: url} that each launch file fills in with its own url: or path:.",
}

CONDITION_FIELDS = {
    "all": "Traits the launch must all have.",
    "any": "Traits of which the launch must have at least one (when any are listed).",
    "none": "Traits the launch must not have.",
}


POLICY_FIELDS = {
    "min_score": "The lowest min_score a gate may have (0-100).",
    "gate_stages": "Stages every gate must include.",
    "waiver_approvers": "Who may approve waivers: plain e-mail addresses, or @domain for "
    "anyone at that domain exactly (not its subdomains). A waiver's approved_by must then be "
    "one plain address. Absent: anyone.",
    "max_waiver_days": "The longest a waiver may run past the as-of date, in days.",
    "waive_blockers": "Whether a waiver may credit a blocker.",
    "fail_on_warnings": "Warnings that fail the gate (and validate); blocker-na fails every "
    "blocker marked n/a, with a note or without.",
    "required_checklists": "Built-in checklists every launch must load: their names, or "
    "builtin for all of them.",
    "allowed_tiers": "The tiers a launch may declare (1 flagship, 2 standard, 3 minor). "
    "Absent: any.",
    "max_na_share": "The largest share (0-1) of the items a launch owes in each gated stage "
    "that it may mark n/a. Absent: any.",
    "required_traits": "Traits every launch must declare.",
    "allowed_traits": "The only traits a launch may declare (some built-in items stop "
    "applying under a trait). Absent: any.",
    "verify_hosts": "The hosts a launch file may make audit --verify fetch from: names, "
    "*.domain for any host under it, IP addresses or networks (10.0.0.0/8); a private, "
    "loopback or link-local address only when named as an address or network. Absent: none.",
}


def _trait() -> dict[str, Any]:
    """A known trait (listed, for completion) or a team's own one (any kebab-case word)."""
    return {
        "anyOf": [
            {"enum": list(TRAITS), "description": "A built-in trait."},
            {"type": "string", "pattern": rf"^{KEBAB}$", "description": "A checklist's trait."},
        ],
    }


def _traits(*, empty_is_none: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": _trait(), "uniqueItems": True}
    if empty_is_none:
        schema["type"] = ["array", "null"]
    return schema


def _describe(properties: dict[str, Any], descriptions: dict[str, str]) -> None:
    for key, text in descriptions.items():
        properties[key]["description"] = text
        properties[key].pop("title", None)


def _checks(defs: dict[str, Any]) -> None:
    """The kinds of check: their keys described, their texts bounded as the loader bounds
    them."""
    bounds = {
        "path": MAX_PATH_LENGTH,
        "url": MAX_URL_LENGTH,
        "contains": MAX_TEXT_LENGTH,
        "matches": MAX_PATTERN_LENGTH,
    }
    for name in ("FileCheck", "UrlCheck"):
        properties = defs[name]["properties"]
        _describe(properties, {k: v for k, v in CHECK_FIELDS.items() if k in properties})
        for key, limit in bounds.items():
            if key in properties:
                properties[key]["anyOf"][0]["maxLength"] = limit
        properties["kind"].pop("default", None)
        defs[name].pop("title", None)
    defs["UrlCheck"]["properties"]["url"]["anyOf"][0]["pattern"] = "^[Hh][Tt][Tt][Pp][Ss]?://"


def _dates_and_numbers(defs: dict[str, Any]) -> None:
    for gate in (defs["Gate"], defs["Milestone"]):
        gate["properties"]["min_score"].update({"minimum": 0, "maximum": 100})
        gate["properties"]["stages"].update({"minItems": 1, "uniqueItems": True})


def _tier(schema: dict[str, Any]) -> None:
    """A tier is the whole number 1, 2 or 3: JSON Schema's enum alone would take 1.0."""
    schema["type"] = "integer"


def _keys(
    schema: dict[str, Any], known: dict[str, dict[str, Any]], pattern: str, value: dict[str, Any]
) -> None:
    """A mapping whose known keys are listed (for completion) and whose other keys must match
    ``pattern``: ``propertyNames`` rather than ``patternProperties``, which ajv's strict mode
    refuses when a listed key matches the pattern too."""
    schema.pop("patternProperties", None)
    schema.pop("additionalProperties", None)
    schema.update(
        {
            "type": ["object", "null"],
            "properties": known,
            "propertyNames": {"pattern": pattern},
            "additionalProperties": value,
        }
    )


def launch_schema(
    builtin_items: Sequence[ChecklistItem], departments: dict[str, str] | None = None
) -> dict[str, Any]:
    """The launch file's schema; ``builtin_items`` become the known keys of ``items:``, and
    ``departments`` (key: name) those of ``owners:``."""
    schema = Launch.model_json_schema()
    defs = schema["$defs"]
    props = schema["properties"]
    _describe(props, LAUNCH_FIELDS)
    _describe(defs["ItemState"]["properties"], STATE_FIELDS)
    _describe(defs["Waiver"]["properties"], WAIVER_FIELDS)
    _describe(defs["Gate"]["properties"], GATE_FIELDS)
    _describe(defs["Milestone"]["properties"], MILESTONE_FIELDS)
    _dates_and_numbers(defs)
    _checks(defs)
    _tier(props["tier"])
    props["traits"].update(_traits(empty_is_none=True))
    props["checklists"].update({"minItems": 1, "uniqueItems": True})
    props["waivers"]["type"] = ["array", "null"]
    props["milestones"]["type"] = ["array", "null"]
    defs["ItemEntry"] = {
        "description": "A status alone (shorthand for {status: ...}) or the item's state.",
        "anyOf": [{"$ref": "#/$defs/Status"}, {"$ref": "#/$defs/ItemState"}],
    }
    entry = {"$ref": "#/$defs/ItemEntry"}
    known_items = {
        item.id: {
            **entry,
            "description": f"{item.title} ({item.severity.value}, {STAGE_NAMES[item.stage]})",
        }
        for item in builtin_items
    }
    _keys(props["items"], known_items, ITEM_ID_PATTERN, entry)
    owner = {"type": "string", "minLength": 1}
    known_owners = {
        key: {**owner, "description": f"Who owns {name}'s items unless an item names its own."}
        for key, name in (departments or {}).items()
    }
    _keys(props["owners"], known_owners, rf"^{KEBAB}$", owner)
    props["owners"].pop("title", None)
    defs["Status"]["enum"] = [status.value for status in Status]
    return _wrap(schema, LAUNCH_SCHEMA_TITLE, "Where one launch stands: gtm-check audit")


def checklist_schema() -> dict[str, Any]:
    """A department checklist's schema: the built-in ones and a team's own."""
    schema = Checklist.model_json_schema()
    defs = schema["$defs"]
    _describe(schema["properties"], CHECKLIST_FIELDS)
    _describe(defs["ChecklistItem"]["properties"], ITEM_FIELDS)
    item = defs["ChecklistItem"]["properties"]
    item["weight"]["anyOf"][0].update({"exclusiveMinimum": 0, "maximum": MAX_WEIGHT})
    _tier(item["tier"])
    item["requires"]["uniqueItems"] = True
    item["tier"]["description"] += " " + "; ".join(f"{k} {v}" for k, v in TIERS.items())
    item["applies_if"]["anyOf"][0] = _traits(empty_is_none=False)
    for key in ("all", "any", "none"):
        defs["Condition"]["properties"][key].update(_traits(empty_is_none=False))
    _describe(defs["Condition"]["properties"], CONDITION_FIELDS)
    _checks(defs)
    return _wrap(schema, "gtm-check checklist", "What one department must have done to launch")


def policy_schema(builtin: Sequence[str]) -> dict[str, Any]:
    """``.gtm-check.yaml``'s schema: the policy; ``builtin``: the built-in checklists' names."""
    schema = RepositoryFile.model_json_schema()
    policy = schema["$defs"]["Policy"]
    props = policy["properties"]
    _describe(props, POLICY_FIELDS)
    props["min_score"]["anyOf"][0].update({"minimum": 0, "maximum": 100})
    for key in ("gate_stages", "fail_on_warnings", "required_checklists"):
        props[key]["uniqueItems"] = True
    props["waiver_approvers"]["anyOf"][0]["uniqueItems"] = True
    props["allowed_tiers"]["anyOf"][0].update({"minItems": 1, "uniqueItems": True})
    props["required_checklists"]["items"] = {"enum": ["builtin", *builtin]}
    props["verify_hosts"]["anyOf"][0]["uniqueItems"] = True
    props["max_na_share"]["anyOf"][0].update({"minimum": 0, "maximum": 1})
    props["required_traits"].update(_traits(empty_is_none=False))
    props["allowed_traits"]["anyOf"][0].update(_traits(empty_is_none=False))
    props["waiver_approvers"]["anyOf"][0]["items"]["pattern"] = APPROVER_PATTERN
    policy.pop("title", None)
    schema.pop("description", None)
    schema["properties"]["policy"] = {
        "$ref": "#/$defs/Policy",
        "description": "Floors no launch file below this folder may go below.",
    }
    return _wrap(schema, "gtm-check policy", "The repository's policy: .gtm-check.yaml")


def _wrap(schema: dict[str, Any], title: str, description: str) -> dict[str, Any]:
    schema.pop("title", None)
    return {"$schema": DRAFT, "title": title, "description": description, **schema}


def dumps(schema: dict[str, Any]) -> str:
    """The schema as the committed files hold it: two-space indent, UTF-8, a final newline."""
    return json_text(schema)


SCHEMA_FOLDER = ".gtm-check"
"""Where ``init`` puts the launch schema, beside the launch file, for the modeline to name."""

LAUNCH_SCHEMA_FILE = "launch.schema.json"
LAUNCH_SCHEMA_TITLE = "gtm-check launch file"
"""The launch schema's title, by which init knows a schema file it wrote before."""


def modeline(schema_path: str) -> str:
    """The comment that tells the YAML language server (VS Code and others) the schema."""
    return f"# yaml-language-server: $schema={schema_path}"


def schema_text(kind: str) -> str:
    """The text of the ``launch``, ``checklist`` or ``policy`` schema, as the repository's
    schemas/ holds it."""
    if kind == "launch":
        checklists = [loaded.checklist for loaded in ChecklistReader().builtin()]
        items = [item for checklist in checklists for item in checklist.items]
        departments = {checklist.department: checklist.name for checklist in checklists}
        return dumps(launch_schema(items, departments))
    if kind == "policy":
        return dumps(policy_schema(builtin_names()))
    return dumps(checklist_schema())
