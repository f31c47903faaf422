"""A file's large lists and mappings validated a part at a time, their bad entries counted.

Pydantic describes every error it finds, and its error list cannot be cut short: a 4 MB
list of two million bad traits made two million errors, 0.8 GB and 2 s to build and
another 9 s to read. Validated a part at a time, only the first parts' errors are read
(the first MAX_PROBLEMS of a file are all that is listed); the others are counted.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from gtm_check.load.validation_errors import errors_of, kept_errors, loc_of, unwrap
from gtm_check.load.yamltree import Parsed, PathKey
from gtm_check.model.problems import MAX_PROBLEMS

PART = 1_000
"""Entries validated at once."""

LARGE = 4 * PART
"""A top-level list or mapping with more entries than this is validated in parts."""


@dataclass
class Parts:
    """What validating the large lists and mappings in parts found."""

    data: dict[str, Any]
    """The data to validate the model with: each large list or mapping replaced by its
    validated entries, or by an empty one when an entry was bad (``replaced``)."""
    errors: list[Any] = field(default_factory=list)
    """Errors of bad entries, at their place in the file, to be described."""
    replaced: set[PathKey] = field(default_factory=set)
    """Where a bad entry was found: whatever the model says about it there is said here."""
    more: int = 0
    """Errors of bad entries counted, not described."""
    first: PathKey = ()
    """The entry the first error counted is in."""


def validate_large(parsed: Parsed, model: type[BaseModel]) -> Parts:
    """Each top-level list or mapping of more than LARGE entries validated PART at a time."""
    data: dict[str, Any] = parsed.data
    parts = Parts(dict(data))
    for name, info in model.model_fields.items():
        value = data.get(name)
        shape = unwrap(info.annotation)
        if not isinstance(value, list | dict) or len(value) <= LARGE:
            continue
        if typing.get_origin(shape) is not type(value):
            continue  # a list where a mapping belongs, or so: the model says so at once
        _validate(parts, name, value, TypeAdapter(shape), parsed.broken)
    return parts


def _validate(
    parts: Parts,
    name: str,
    value: list[Any] | dict[Any, Any],
    adapter: TypeAdapter[Any],
    broken: frozenset[PathKey],
) -> None:
    mapping = isinstance(value, dict)
    # The entries that hold a value the parser refused: their errors are looked at one by
    # one, as the parser has reported the value already.
    refused = {place[1] for place in broken if len(place) > 1 and place[0] == name}
    entries = list(value.items()) if isinstance(value, dict) else value
    validated: list[Any] = []
    bad = False
    for start in range(0, len(entries), PART):
        part = entries[start : start + PART]
        try:
            validated.append(adapter.validate_python(dict(part) if mapping else part))
            continue
        except ValidationError as exc:
            bad = True
            keys = [key for key, _ in part] if mapping else range(start, start + len(part))
            room = len(parts.errors) <= MAX_PROBLEMS
            if not (room or mapping or refused.intersection(keys)):
                # A list's entries have no keys to be bad: every error is worth a message.
                parts.more += exc.error_count()
                parts.first = parts.first or (name, start)
                continue
            errors = [_placed(error, name, 0 if mapping else start) for error in errors_of(exc)]
        kept = kept_errors(errors, broken)
        if room:
            parts.errors += kept
        elif kept:
            parts.more += len(kept)
            parts.first = parts.first or loc_of(kept[0])[:2]
    if bad:
        parts.replaced.add((name,))
        parts.data[name] = {} if mapping else []
    elif mapping:
        parts.data[name] = {key: state for chunk in validated for key, state in chunk.items()}
    else:
        parts.data[name] = [entry for chunk in validated for entry in chunk]


def _placed(error: Any, name: str, start: int) -> Any:
    """An error of a part at its place in the file: under ``name``, a list's index counted
    from the whole list's start."""
    first, *rest = error["loc"]
    if isinstance(first, int):
        first += start
    return {**error, "loc": (name, first, *rest)}
