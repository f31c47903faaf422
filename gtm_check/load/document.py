"""One YAML file to one validated model: parse, validate, and locate every problem found."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from gtm_check.load.validation_errors import findings_from_validation, kind_of
from gtm_check.load.yamltree import Finding, Parsed, Source
from gtm_check.model.problems import Problem

ModelT = TypeVar("ModelT", bound=BaseModel)


@contextmanager
def no_gc() -> Iterator[None]:
    """Parsing builds many small objects that all stay alive; the cyclic garbage collector
    would rescan the growing tree again and again (super-linear on large files)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_model(source: Source, model: type[ModelT]) -> tuple[ModelT | None, Parsed, list[Problem]]:
    """The model (None when invalid), the parsed data, and every problem, located.

    Raises GtmCheckError only when the text is not a usable YAML document at all.
    """
    with no_gc():
        parsed = source.parse()
        source.release()  # read again only to locate a problem: not kept through validation
        instance, findings = _validate(parsed, model)
    return instance, parsed, [*parsed.problems, *source.locate(findings)]


def _validate(parsed: Parsed, model: type[ModelT]) -> tuple[ModelT | None, list[Finding]]:
    if not isinstance(parsed.data, dict):
        kind = "nothing" if parsed.data is None else kind_of(parsed.data)
        return None, [Finding((), f"expected a mapping of keys to values at the top, got {kind}")]
    try:
        return model.model_validate(parsed.data), []
    except ValidationError as exc:
        return None, findings_from_validation(exc, parsed, model)
