"""Pydantic models of what users write: checklists, launch files, item states, waivers, gates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from gtm_check.model.problems import quoted
from gtm_check.model.vocabulary import Severity, Stage, Status

KEBAB = r"[a-z0-9]+(?:-[a-z0-9]+)*"
ITEM_ID_PATTERN = rf"^{KEBAB}\.{KEBAB}$"

Text = Annotated[str, StringConstraints(min_length=1)]
Key = Annotated[str, StringConstraints(pattern=rf"^{KEBAB}$")]
ItemId = Annotated[str, StringConstraints(pattern=ITEM_ID_PATTERN)]


def _number(value: Any) -> int | float:
    # YAML gives ints and floats; booleans are ints to Python but never a number to a user.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expected a number")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("expected a finite number")
    return value


def _positive(value: int | float) -> int | float:
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


def _percentage(value: int | float) -> int | float:
    if not 0 <= value <= 100:
        raise ValueError("must be between 0 and 100")
    return value


def _unique(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{quoted(value)} is listed twice")
        seen.add(value)
    return values


Number = Annotated[int | float, PlainValidator(_number), WithJsonSchema({"type": "number"})]
Weight = Annotated[Number, AfterValidator(_positive)]
Percentage = Annotated[Number, AfterValidator(_percentage)]
# Dates arrive from the loader as datetime.date; strict so that a number is never read as a
# Unix timestamp and a date with a time is rejected rather than truncated.
Date = Annotated[dt.date, Field(strict=True)]


class _Model(BaseModel):
    # hide_input_in_errors: error messages are built from locations, never from the input
    # value, which may be huge or hostile.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class ChecklistItem(_Model):
    id: ItemId
    stage: Stage
    title: Text
    severity: Severity
    weight: Weight | None = None
    applies_if: Annotated[list[Key], AfterValidator(_unique)] = []
    requires: Annotated[list[ItemId], AfterValidator(_unique)] = []
    """Items that must be done first; none of them may be in a later stage."""
    question: Text | None = None
    guidance: Text | None = None

    @property
    def effective_weight(self) -> int | float:
        return self.weight if self.weight is not None else self.severity.default_weight

    @property
    def department(self) -> str:
        return self.id.split(".", 1)[0]

    def applies_to(self, traits: Set[str]) -> bool:
        """Whether a launch with these traits owes this item: it has every `applies_if` one."""
        return set(self.applies_if) <= traits


class Checklist(_Model):
    department: Key
    name: Text
    description: Text | None = None
    items: list[ChecklistItem] = Field(min_length=1)


class ItemState(_Model):
    status: Status = Status.TODO
    owner: Text | None = None
    due: Date | None = None
    evidence: Text | None = None
    note: Text | None = None


def _from_status(value: Any) -> Any:
    # `legal.trademarks: done` is shorthand for `legal.trademarks: {status: done}`.
    if isinstance(value, str | bool) or value is None:
        return {"status": value}
    return value


# An item's state in a launch file: the long form, or its status alone. The JSON Schema
# (for editors and schema validators) says both.
StateEntry = Annotated[
    ItemState, BeforeValidator(_from_status, json_schema_input_type=Status | ItemState)
]


class Waiver(_Model):
    item: ItemId
    reason: Text
    approved_by: Text
    expires: Date


class Gate(_Model):
    stages: Annotated[list[Stage], AfterValidator(_unique)] = [
        Stage.LEARN,
        Stage.BUY,
        Stage.USE,
    ]
    min_score: Percentage = 80


class Launch(_Model):
    launch: Text
    launch_date: Date
    owner: Text | None = None
    traits: Annotated[list[Key], AfterValidator(_unique)] = []
    checklists: Annotated[list[Text], AfterValidator(_unique)] = Field(
        default_factory=lambda: ["builtin"]
    )
    gate: Gate = Gate()
    items: dict[ItemId, StateEntry] = {}
    waivers: list[Waiver] = []

    @model_validator(mode="before")
    @classmethod
    def _empty_means_none(cls, value: Any) -> Any:
        # `waivers:` with nothing under it is how people write "no waivers" in YAML.
        if isinstance(value, dict):
            empty = [k for k in ("traits", "items", "waivers") if k in value and value[k] is None]
            if empty:
                value = {k: v for k, v in value.items() if k not in empty}
        return value
