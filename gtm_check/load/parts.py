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

from gtm_check.load.validation_errors import annotation_at, errors_of, kept_errors, loc_of, unwrap
from gtm_check.load.yamltree import Parsed, PathKey
from gtm_check.model.problems import MAX_PROBLEMS

PART = 1_000
"""Entries validated at once."""


@dataclass
class Parts:
    """What validating the large lists and mappings in parts found."""

    data: Any
    """The data to validate the model with: each large list or mapping replaced by its
    validated entries, or by an empty one when an entry was bad (``replaced``); a large
    mapping of a model's keys by the keys the model has."""
    errors: list[Any] = field(default_factory=list)
    """Errors of bad entries, at their place in the file, to be described."""
    replaced: set[PathKey] = field(default_factory=set)
    """Where a bad entry was found: whatever the model says about it there is said here."""
    more: int = 0
    """Errors of bad entries counted, not described."""
    first: PathKey = ()
    """The entry the first error counted is in."""
    copied: dict[PathKey, Any] = field(default_factory=dict)
    """The mappings and lists on the way to a value replaced, each copied once."""

    def put(self, path: PathKey, value: Any) -> None:
        """``value`` at ``path`` in ``data``, copying what holds it (the parsed data is
        shared: a text parsed once may be validated again)."""
        if not path:
            self.data = value
            return
        if () not in self.copied:
            self.data = self.copied[()] = _copy(self.data)
        node = self.copied[()]
        for end in range(1, len(path)):
            if path[:end] not in self.copied:
                node[path[end - 1]] = self.copied[path[:end]] = _copy(node[path[end - 1]])
            node = self.copied[path[:end]]
        node[path[-1]] = value

    def take(self, errors: list[Any]) -> None:
        """Errors to describe while there is room, else to count."""
        if len(self.errors) <= MAX_PROBLEMS:
            self.errors += errors
        elif errors:
            self.more += len(errors)
            self.first = self.first or loc_of(errors[0])


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else list(value)


def validate_large(parsed: Parsed, model: type[BaseModel]) -> Parts:
    """Each list or mapping of more than LARGE entries (``Parsed.large``) validated PART
    entries at a time, the outermost of those that hold each other."""
    parts = Parts(parsed.data)
    large = sorted(parsed.large, key=len)
    done: set[PathKey] = set()
    refused = _refused(parsed.broken, set(large))
    for path in large:
        if any(path[:end] in done for end in range(len(path))):
            continue
        value = _value(parsed.data, path)
        shape = unwrap(annotation_at(model, path))
        if isinstance(shape, type) and issubclass(shape, BaseModel) and isinstance(value, dict):
            _unknown_keys(parts, path, value, shape)
        elif typing.get_origin(shape) is type(value):
            _validate(
                parts, path, value, TypeAdapter(shape), parsed.broken, refused.get(path, set())
            )
        else:
            continue  # a list where a mapping belongs, or so: the model says so at once
        done.add(path)
    return parts


def _refused(broken: frozenset[PathKey], large: set[PathKey]) -> dict[PathKey, set[Any]]:
    """For each large list or mapping, its entries that hold a value the parser refused."""
    found: dict[PathKey, set[Any]] = {}
    for place in broken:
        for end in range(len(place)):
            if place[:end] in large:
                found.setdefault(place[:end], set()).add(place[end])
    return found


def _value(data: Any, path: PathKey) -> Any:
    for part in path:
        data = data[part]
    return data


def _unknown_keys(
    parts: Parts, path: PathKey, value: dict[Any, Any], model: type[BaseModel]
) -> None:
    """A mapping of a model's keys with thousands of keys: all but the model's are unknown,
    each an error of its own; only the first are made."""
    unknown = [key for key in value if key not in model.model_fields]
    errors = [
        {"type": "extra_forbidden", "loc": (*path, key), "msg": "Extra inputs are not permitted"}
        for key in unknown[: MAX_PROBLEMS + 1]
    ]
    parts.take(errors)
    if len(unknown) > len(errors):
        parts.more += len(unknown) - len(errors)
        parts.first = parts.first or (*path, unknown[len(errors)])
    parts.put(path, {key: entry for key, entry in value.items() if key in model.model_fields})


def _validate(
    parts: Parts,
    path: PathKey,
    value: list[Any] | dict[Any, Any],
    adapter: TypeAdapter[Any],
    broken: frozenset[PathKey],
    refused: set[Any],
) -> None:
    mapping = isinstance(value, dict)
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
            # Read an error list only to describe it, or to leave out the errors under a
            # bad key or a refused value (reported in their place); a list's other errors
            # are each worth a message, so counting them is enough.
            if not (len(parts.errors) <= MAX_PROBLEMS or mapping or refused & set(keys)):
                parts.more += exc.error_count()
                parts.first = parts.first or (*path, start)
                continue
            errors = [_placed(error, path, 0 if mapping else start) for error in errors_of(exc)]
        parts.take(kept_errors(errors, broken))
    if bad:
        parts.replaced.add(path)
        parts.put(path, {} if mapping else [])
    elif mapping:
        parts.put(path, {key: state for chunk in validated for key, state in chunk.items()})
    else:
        parts.put(path, [entry for chunk in validated for entry in chunk])


def _placed(error: Any, path: PathKey, start: int) -> Any:
    """An error of a part at its place in the file: under ``path``, a list's index counted
    from the whole list's start."""
    first, *rest = error["loc"]
    if isinstance(first, int):
        first += start
    return {**error, "loc": (*path, first, *rest)}
