"""Turns Pydantic validation errors into findings a person can act on, at the value's path.

Messages are built from each error's type and location, never from the input value (which
may be huge, or an alias bomb that hangs anything that prints it).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Collection, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from gtm_check.load.yamltree import Capped, Finding, Parsed, PathKey
from gtm_check.model.inputs import Policy, RepositoryFile
from gtm_check.model.problems import clipped, did_you_mean, quoted
from gtm_check.model.verify import KINDS


def errors_of(exc: ValidationError) -> list[Any]:
    """The errors of ``exc`` as ``findings_from_errors`` reads them."""
    return exc.errors(include_url=False, include_input=False, include_context=True)


def kept_errors(errors: Sequence[Any], broken: Collection[PathKey]) -> list[Any]:
    """The errors worth a message: not one under a value the parser already refused (a bad
    date, a bad tag) nor under a key that is itself invalid, which is reported instead."""
    # Looked up by prefix in sets: an error against every refused place was quadratic.
    placed = [(error, "[key]" in error["loc"], loc_of(error)) for error in errors]
    skip = {*broken, *(loc for _, on_key, loc in placed if on_key)}
    return [error for error, on_key, loc in placed if on_key or not _under(loc, skip)]


def _under(loc: PathKey, places: Collection[PathKey]) -> bool:
    return any(loc[:end] in places for end in range(len(loc) + 1))


def findings_from_errors(
    errors: Sequence[Any], parsed: Parsed, model: type[BaseModel]
) -> list[Finding]:
    """The errors as findings, at most MAX_PROBLEMS + 1 described under each top-level key
    (Pydantic lists them in the model's order of fields, and under one field in the
    file's): the rest only counted (``Capped``)."""
    groups: dict[PathKey, Capped] = {}
    for error in kept_errors(errors, parsed.broken):
        loc = loc_of(error)
        found = groups.setdefault(loc[:1], Capped())
        if found.room(loc):
            found.add(_finding(_Error(error, loc, parsed.data, model)))
    return [finding for found in groups.values() for finding in found.all()]


class _Error:
    """One Pydantic error with what its handler needs: where, what was written, the model."""

    def __init__(self, error: Any, loc: PathKey, data: Any, model: type[BaseModel]) -> None:
        self.kind: str = error["type"]
        self.raw = error
        self.loc = loc
        self.model_loc = _model_loc(error)
        """The location with each union member's tag (``[kind=url]``), to walk the model."""
        self.name = _field_name(loc)
        self.value = _value_at(data, loc)
        self.model = model

    @property
    def on_key(self) -> bool:
        return "[key]" in self.raw["loc"]


def _finding(error: _Error) -> Finding:
    if error.on_key:
        return _bad_key(error)
    handler = _HANDLERS.get(error.kind)
    if handler is not None:
        return handler(error)
    if error.kind in _EXPECTED:
        return _wrong_type(error)
    return _other(error)


def _missing(error: _Error) -> Finding:
    return Finding(error.loc[:-1], f"missing required key {quoted(error.loc[-1])}")


# Keys that belong somewhere else, and where.
_MISPLACED: dict[PathKey, str] = {
    ("policy",): "a policy belongs in .gtm-check.yaml or --policy FILE, never in a launch file",
    ("verify_hosts",): "verify_hosts is the policy's (.gtm-check.yaml or --policy FILE), never "
    "a launch file's",
}


def _misplaced(error: _Error) -> str | None:
    """Where a key found at the wrong place belongs: a policy file's rules go under
    ``policy:``; a launch file holds no policy."""
    if error.model is RepositoryFile:
        if len(error.loc) == 1 and str(error.loc[0]) in Policy.model_fields:
            return f"a policy's rules go under policy:, as in policy: {{{error.loc[0]}: ...}}"
        return None
    return _MISPLACED.get(error.loc)


def _unknown_key(error: _Error) -> Finding:
    allowed = _fields_at(error.model, error.model_loc[:-1])
    hint = (
        _misplaced(error)
        or did_you_mean(str(error.loc[-1]), allowed)
        or ("allowed keys: " + ", ".join(allowed) if allowed else None)
    )
    return Finding(error.loc, f"unknown key {quoted(error.loc[-1])}", key=True, hint=hint)


def _bad_key(error: _Error) -> Finding:
    key = str(error.loc[-1])
    top_level = key in _fields_at(error.model, ()) and len(error.loc) > 1
    # A key of the entries beside it (an item's ``owner``, ``status``) written at their
    # level: indented too little, not too far.
    entry_key = key in _fields_at(error.model, (*error.loc[:-1], key))
    if top_level and entry_key:
        hint = (
            f"indented too little or too far? {quoted(key)} belongs under an item, indented "
            "deeper than its id, or at the top level"
        )
    elif entry_key:
        hint = (
            f"indented too little? {quoted(key)} belongs under an item, indented deeper than its id"
        )
    elif top_level:
        hint = f"indented too far? {quoted(key)} belongs at the top level"
    else:
        hint = None
    return Finding(error.loc, _key_message(key, error.loc), key=True, hint=hint)


def _enum(error: _Error) -> Finding:
    expected = error.raw["ctx"]["expected"].replace(" or ", ", ").split(",")
    choices = [c.strip().strip("'") for c in expected]
    value = error.value
    if value is None:
        message = f"{error.name}: no value given; expected one of {', '.join(choices)}"
    else:
        message = f"{error.name}: {_shown(value)} is not one of {', '.join(choices)}"
    hint = None
    if isinstance(value, str):
        same = [c for c in choices if c.casefold() == value.casefold()]
        hint = (
            f"write it in lower case: {quoted(same[0])}" if same else did_you_mean(value, choices)
        )
    if isinstance(value, bool):
        hint = "YAML reads yes/no/on/off/true/false as a boolean; write one of the values above"
    return Finding(error.loc, message, hint=hint)


def _pattern(error: _Error) -> Finding:
    return Finding(error.loc, f"{error.name}: {_pattern_message(error.loc, error.value)}")


_EXPECTED = {
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "date_type": "a date (YYYY-MM-DD)",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
}


def _wrong_type(error: _Error) -> Finding:
    hint = (
        "put it in quotes to make it text"
        if error.kind == "string_type" and _is_scalar(error.value)
        else None
    )
    message = f"{error.name}: expected {_EXPECTED[error.kind]}, got {kind_of(error.value)}"
    return Finding(error.loc, message, hint=hint)


def _empty(error: _Error) -> Finding:
    return Finding(error.loc, f"{error.name}: must not be empty")


def _too_long(error: _Error) -> Finding:
    limit = error.raw["ctx"]["max_length"]
    size = f"{len(error.value):,} characters" if isinstance(error.value, str) else "too long"
    return Finding(error.loc, f"{error.name}: is {size}; the limit is {limit:,}")


def _other(error: _Error) -> Finding:
    """Our own validators' messages ("Value error, <ours>"); anything else is said plainly."""
    message: str = error.raw["msg"]
    if not message.startswith("Value error, "):
        return Finding(error.loc, f"{error.name}: this value is not allowed here")
    message = message.removeprefix("Value error, ")
    return Finding(error.loc, f"{error.name}: {message[0].lower() + message[1:]}")


def _check_kind(error: _Error) -> Finding:
    """A ``verify:`` block whose kind is unknown, missing or not a mapping at all."""
    value = error.value
    kinds = ", ".join(KINDS)
    if not isinstance(value, dict):
        return Finding(
            error.loc,
            f"{error.name}: expected a mapping such as {{url: https://...}} or "
            f"{{path: docs/notes.md}}, got {kind_of(value)}",
        )
    kind = value.get("kind")
    if kind is None:
        return Finding(
            error.loc,
            f"{error.name}: name what to check: path: for a file in the repository, or url: "
            "for an address",
        )
    shown = quoted(kind) if isinstance(kind, str) else kind_of(kind)
    hint = did_you_mean(kind, KINDS) if isinstance(kind, str) else None
    return Finding(
        (*error.loc, "kind"), f"kind: {shown} is not a kind of check; the kinds: {kinds}", hint=hint
    )


_HANDLERS: dict[str, Callable[[_Error], Finding]] = {
    "missing": _missing,
    "verify_kind": _check_kind,
    "extra_forbidden": _unknown_key,
    "enum": _enum,
    "string_pattern_mismatch": _pattern,
    "too_short": _empty,
    "string_too_short": _empty,
    "string_too_long": _too_long,
}


def loc_of(error: Any) -> PathKey:
    """Where in the file an error is: its location without Pydantic's own steps."""
    return tuple(
        part
        for part in error["loc"]
        if not isinstance(part, str)
        or not (part == "[key]" or part.startswith(("function-", "[kind=")))
    )


def _model_loc(error: Any) -> PathKey:
    return tuple(part for part in error["loc"] if not _is_internal(part))


def _is_internal(part: str | int) -> bool:
    # Pydantic adds "[key]" for dict keys and the name of a validator function for
    # function-wrapped types; neither is part of where the user wrote the value.
    return part == "[key]" or (isinstance(part, str) and part.startswith("function-"))


def _is_tag(part: str | int) -> bool:
    """A union member's tag, such as ``[kind=url]``: which model validated the value."""
    return isinstance(part, str) and part.startswith("[kind=")


def _field_name(loc: PathKey) -> str:
    """The key a value is under: a field's name, or a user's key (an ``items:`` id), cut
    short like any value a message quotes."""
    for part in reversed(loc):
        if isinstance(part, str):
            return clipped(part)
    return "value"


def _key_message(key: str, loc: PathKey) -> str:
    """What a key that does not match its pattern should be: a department under
    ``owners:``, else an item id."""
    if loc[:1] == ("owners",):
        return (
            f"{quoted(key)} is not a valid department name; departments are lower case words "
            "joined by dashes, e.g. legal or sales-enablement"
        )
    return f"{quoted(key)} is not a valid item id; ids look like <department>.<slug>"


def _pattern_message(loc: PathKey, value: Any) -> str:
    if "id" in loc or "item" in loc:
        return (
            f"{quoted(value)} is not a valid item id; ids look like <department>.<slug> "
            "in lower case with dashes, e.g. legal.trademarks"
        )
    return f"{quoted(value)} must be lower case words joined by dashes, e.g. channel-sales"


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return quoted(value)
    return kind_of(value)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, int | float | bool) and value is not None


def kind_of(value: Any) -> str:
    """A short name for a YAML value's kind, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _value_at(data: Any, loc: PathKey) -> Any:
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return data  # a shorthand (`id: done`) validated as {"status": "done"}
    return data


def annotation_at(model: type[BaseModel], loc: PathKey) -> Any:
    """The type of the value at ``loc``, walking the model's field types; None: unknown."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return None
    return current


def _fields_at(model: type[BaseModel], loc: PathKey) -> list[str]:
    """The keys allowed in the mapping at ``loc``, walking the model's field types."""
    current = unwrap(annotation_at(model, loc))
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _step(annotation: Any, part: str | int) -> Any:
    annotation = unwrap(annotation)
    if _is_tag(part):
        # A tagged union: the member the tag names (a check's model, by its kind).
        return KINDS.get(str(part)[len("[kind=") : -1])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0] if len(options) == 1 else annotation
            if len(options) != 1:
                return annotation
        else:
            return annotation
