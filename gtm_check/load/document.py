"""One YAML file to one validated model: parse, validate, and locate every problem found."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from gtm_check.load.parts import validate_large
from gtm_check.load.validation_errors import errors_of, findings_from_errors, kept_errors, kind_of
from gtm_check.load.yamltree import Finding, Parsed, Source, counted
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


def parse_model(
    source: Source, model: type[ModelT], before: Callable[[Parsed], None] | None = None
) -> tuple[ModelT | None, Parsed, list[Problem]]:
    """The model (None when invalid), the parsed data, and every problem, located.

    Raises GtmCheckError only when the text is not a usable YAML document at all, or when
    ``before``, given the data before any of it is validated, raises it.
    """
    with no_gc():
        parsed = source.parse()
        source.release()  # read again only to locate a problem: not kept through validation
        if before is not None:
            before(parsed)
        instance, findings = _validate(parsed, model)
    return instance, parsed, [*parsed.problems, *source.locate(findings)]


def _validate(parsed: Parsed, model: type[ModelT]) -> tuple[ModelT | None, list[Finding]]:
    if not isinstance(parsed.data, dict):
        kind = "nothing" if parsed.data is None else kind_of(parsed.data)
        return None, [Finding((), f"expected a mapping of keys to values at the top, got {kind}")]
    parts = validate_large(parsed, model)
    errors = list(parts.errors)
    instance: ModelT | None = None
    try:
        instance = model.model_validate(parts.data)
    except ValidationError as exc:
        # What a list or mapping validated in parts holds is said by its parts alone.
        errors += kept_errors(errors_of(exc), parts.replaced)
    findings = findings_from_errors(errors, parsed, model)
    if parts.more:
        findings.append(counted(parts.first, parts.more))
    return (None if findings else instance), findings
