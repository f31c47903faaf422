"""Turns Pydantic validation errors into located, readable problems.

Messages are built from each error's type and location, never from the input value (which
may be huge, or an alias bomb that hangs anything that prints it).
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from gtm_check.errors import Problem, did_you_mean, quoted
from gtm_check.yamltree import Document, PathKey


def problems_from_validation(
    exc: ValidationError, document: Document, model: type[BaseModel]
) -> list[Problem]:
    errors = exc.errors(include_url=False, include_input=False, include_context=True)
    # The value under a key that is itself invalid is not worth a second message.
    bad_keys = [_loc(e) for e in errors if "[key]" in e["loc"]]
    skip = [*document.broken, *bad_keys]
    problems = []
    for error in errors:
        loc = _loc(error)
        # A value the parser already refused (a bad date, a bad tag) is not reported twice.
        if "[key]" not in error["loc"] and any(loc[: len(s)] == s for s in skip):
            continue
        problems.append(_problem(error, document, model))
    return problems


def _loc(error: Any) -> PathKey:
    return tuple(part for part in error["loc"] if not _is_internal(part))


def _problem(error: Any, document: Document, model: type[BaseModel]) -> Problem:
    loc = _loc(error)
    kind = error["type"]
    name = _field_name(loc)
    if kind == "missing":
        return document.problem(loc[:-1], f"missing required key {quoted(loc[-1])}")
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        return document.problem(
            loc,
            f"unknown key {quoted(loc[-1])}",
            key=True,
            hint=did_you_mean(str(loc[-1]), allowed)
            or ("allowed keys: " + ", ".join(allowed) if allowed else None),
        )
    if "[key]" in error["loc"]:
        key = str(loc[-1])
        top_level = _fields_at(model, ())
        hint = (
            f"indented too far? {quoted(key)} belongs at the top level"
            if key in top_level and len(loc) > 1
            else None
        )
        return document.problem(loc, _key_message(key), key=True, hint=hint)
    value = _value_at(document.data, loc)
    if kind == "enum":
        choices = [
            c.strip().strip("'") for c in error["ctx"]["expected"].replace(" or ", ", ").split(",")
        ]
        message = (
            f"{name}: no value given; expected one of {', '.join(choices)}"
            if value is None
            else f"{name}: {_shown(value)} is not one of {', '.join(choices)}"
        )
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else None
        if isinstance(value, bool):
            hint = "YAML reads yes/no/on/off/true/false as a boolean; write one of the values above"
        return document.problem(loc, message, hint=hint)
    if kind == "string_pattern_mismatch":
        return document.problem(loc, f"{name}: {_pattern_message(loc, value)}")
    if kind in {"string_type", "date_type", "list_type", "dict_type", "model_type"}:
        expected = {
            "string_type": "text",
            "date_type": "a date (YYYY-MM-DD)",
            "list_type": "a list",
            "dict_type": "a mapping",
            "model_type": "a mapping",
        }[kind]
        hint = (
            "put it in quotes to make it text"
            if kind == "string_type" and _is_scalar(value)
            else None
        )
        return document.problem(
            loc, f"{name}: expected {expected}, got {kind_of(value)}", hint=hint
        )
    message = error["msg"].removeprefix("Value error, ")
    message = message[0].lower() + message[1:] if message else message
    if kind == "too_short" and isinstance(value, list | str):
        message = "must not be empty"
    return document.problem(loc, f"{name}: {message}")


def _is_internal(part: str | int) -> bool:
    # Pydantic adds "[key]" for dict keys and the name of a validator function for
    # function-wrapped types; neither is part of where the user wrote the value.
    return part == "[key]" or (isinstance(part, str) and part.startswith("function-"))


def _field_name(loc: PathKey) -> str:
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return "value"


def _key_message(key: str) -> str:
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


def _fields_at(model: type[BaseModel], loc: PathKey) -> list[str]:
    """The keys allowed in the mapping at ``loc``, walking the model's field types."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _step(annotation: Any, part: str | int) -> Any:
    annotation = _unwrap(annotation)
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


def _unwrap(annotation: Any) -> Any:
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
