"""Pydantic models of what users write: checklists, launch files, item states, waivers, gates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    SerializationInfo,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from gtm_check.model.addresses import Approvers, approver_entry
from gtm_check.model.problems import quoted
from gtm_check.model.verify import Check, host_entry
from gtm_check.model.vocabulary import WARNINGS, Severity, Stage, Status

KEBAB = r"[a-z0-9]+(?:-[a-z0-9]+)*"
ITEM_ID_PATTERN = rf"^{KEBAB}\.{KEBAB}$"

Text = Annotated[str, StringConstraints(min_length=1)]

MAX_PERSON = 1_000
"""The longest owner or approver, in characters: a person's name and address, a team's list
of them. Comparing who approved a waiver with who owns the item normalizes both (NFKC can
make one character eighteen), so a longer one could cost gigabytes."""

Person = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PERSON)]
"""An owner or an approver: who is responsible, in at most ``MAX_PERSON`` characters."""
MAX_NAME = 500
"""The longest launch name or checklist name, in characters: reports repeat them beside
every item (SARIF and GitLab the launch's, Markdown and HTML the department's), so a
name of 200,000 characters over 5,000 items made a 1 GB report."""

Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME)]
"""A launch's or a checklist's name, in at most ``MAX_NAME`` characters."""
Key = Annotated[str, StringConstraints(pattern=rf"^{KEBAB}$")]
ItemId = Annotated[str, StringConstraints(pattern=ITEM_ID_PATTERN)]


def _number(value: Any) -> int | float:
    # YAML gives ints and floats; booleans are ints to Python but never a number to a user.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expected a number")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("expected a finite number")
    return value


MAX_WEIGHT = 1_000_000
"""The largest weight an item may have. The most items one run can read (its 256 MiB at
about 45 bytes an item: under 6 million) times this stays below 2**53, so every sum of
weights, every score and every figure a report prints is exact in any format and for any
JSON reader; weights near the limit of floating point would overflow their sums."""


def _weight(value: int | float) -> int | float:
    if value <= 0:
        raise ValueError("must be greater than 0")
    if value > MAX_WEIGHT:
        raise ValueError(f"must be at most {MAX_WEIGHT:,}")
    return value


def _percentage(value: int | float) -> int | float:
    if not 0 <= value <= 100:
        raise ValueError("must be between 0 and 100")
    return value


def _tier(value: Any) -> int:
    if isinstance(value, bool) or value not in (1, 2, 3) or not isinstance(value, int):
        raise ValueError("must be 1 (flagship), 2 (standard) or 3 (minor)")
    return value


def _days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("must be a whole number of days, 0 or more")
    return value


def _some_stage(values: list[Any]) -> list[Any]:
    if not values:
        raise ValueError("name at least one stage: a gate on no stage would pass every launch")
    return values


def _some_checklist(values: list[Any]) -> list[Any]:
    if not values:
        raise ValueError(
            "name at least one checklist (builtin for the built-in ones): with none, nothing "
            "would be checked"
        )
    return values


def _some_tier(values: list[Any]) -> list[Any]:
    if not values:
        raise ValueError("name at least one tier: with none, no launch could pass")
    return values


def _unique(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{quoted(value)} is listed twice")
        seen.add(value)
    return values


Number = Annotated[int | float, PlainValidator(_number), WithJsonSchema({"type": "number"})]
Weight = Annotated[Number, AfterValidator(_weight)]
Percentage = Annotated[Number, AfterValidator(_percentage)]
Tier = Annotated[int, PlainValidator(_tier), WithJsonSchema({"enum": [1, 2, 3]})]
"""1 flagship (a new product or market), 2 standard (a significant release), 3 minor."""
Days = Annotated[int, PlainValidator(_days), WithJsonSchema({"type": "integer", "minimum": 0})]
Traits = Annotated[list[Key], AfterValidator(_unique)]


def _lead_days(value: Any) -> int | dict[int, int]:
    # A number of days for every tier, or a mapping from tier to days. Mapping keys arrive
    # from YAML as text (`1:` is "1"), from Python as numbers.
    if not isinstance(value, dict):
        return _days(value)
    if not value:
        raise ValueError("give a number of days, or days per tier such as {1: 90, 2: 45, 3: 14}")
    lead: dict[int, int] = {}
    for key, days in value.items():
        tier = {"1": 1, "2": 2, "3": 3}.get(key) if isinstance(key, str) else key
        if isinstance(tier, bool) or tier not in (1, 2, 3) or not isinstance(tier, int):
            raise ValueError("days per tier take the tiers 1, 2 and 3 as keys")
        try:
            lead[tier] = _days(days)
        except ValueError as exc:
            raise ValueError(f"the lead time for tier {tier} {exc}") from None
    return dict(sorted(lead.items()))


def _lead_days_out(value: int | dict[int, int], info: SerializationInfo) -> Any:
    if isinstance(value, dict) and info.mode_is_json():
        return {str(tier): days for tier, days in value.items()}
    return value


LeadDays = Annotated[
    int | dict[int, int],
    PlainValidator(_lead_days),
    PlainSerializer(_lead_days_out, return_type=Any),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "integer", "minimum": 0},
                {
                    "type": "object",
                    "propertyNames": {"enum": ["1", "2", "3"]},
                    "additionalProperties": {"type": "integer", "minimum": 0},
                    "minProperties": 1,
                },
            ]
        }
    ),
]
"""Days before the launch date: one number for every tier, or one per tier ``{1: 90, 2: 45}``."""
# Dates arrive from the loader as datetime.date; strict so that a number is never read as a
# Unix timestamp and a date with a time is rejected rather than truncated.
Date = Annotated[dt.date, Field(strict=True)]


class _Model(BaseModel):
    # hide_input_in_errors: error messages are built from locations, never from the input
    # value, which may be huge or hostile.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class Condition(_Model):
    """Which launches owe an item, by their traits: every ``all`` one, at least one ``any``
    one (when ``any`` is given), no ``none`` one."""

    all: Traits = []
    any: Traits = []
    none: Traits = []

    @property
    def traits(self) -> list[str]:
        return [*self.all, *self.any, *self.none]

    def holds(self, traits: Set[str]) -> bool:
        return (
            all(t in traits for t in self.all)
            and (not self.any or any(t in traits for t in self.any))
            and not any(t in traits for t in self.none)
        )

    def describe(self) -> str:
        """In words, e.g. "saas + one of on-prem, physical-product + not regulated"."""
        parts = list(self.all)
        if self.any:
            parts.append(self.any[0] if len(self.any) == 1 else f"one of {', '.join(self.any)}")
        parts += [f"not {trait}" for trait in self.none]
        return " + ".join(parts)

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Condition:
        return self


def _condition(value: Any) -> Any:
    # `applies_if: [saas, subscription]` is shorthand for `applies_if: {all: [...]}`.
    return {"all": value} if isinstance(value, list) else value


ConditionEntry = Annotated[
    Condition, BeforeValidator(_condition, json_schema_input_type=Traits | Condition)
]


class ChecklistItem(_Model):
    id: ItemId
    stage: Stage
    title: Text
    severity: Severity
    weight: Weight | None = None
    applies_if: ConditionEntry = Condition()
    tier: Tier = 3
    """Needed by launches of this tier and every larger one (3, the default: every launch)."""
    lead_days: LeadDays | None = None
    """Due this many days before the launch date, when the launch file sets no due date: one
    number, or one per tier that owes the item (a smaller launch plans with less notice)."""
    valid_for: Days | None = None
    """Days a ``done`` stays valid after its ``done_on``: a review or a sign-off goes stale."""
    requires: Annotated[list[ItemId], AfterValidator(_unique)] = []
    """Items that must be done first; none of them may be in a later stage."""
    question: Text | None = None
    guidance: Text | None = None
    why: Text | None = None
    """What went wrong at launches that skipped it, in one sentence."""
    verify: Check | None = None
    """A check that confirms the item: complete, or a template each launch file fills in
    with its own target (``model/verify.py``)."""

    @field_validator("lead_days")
    @classmethod
    def _lead_days_per_owing_tier(cls, value: Any, info: ValidationInfo) -> Any:
        # Per tier, the lead time names exactly the tiers that owe the item: 1 to its tier.
        tier = info.data.get("tier")
        if not isinstance(value, dict) or tier is None:
            return value
        owing = list(range(1, tier + 1))
        extra = [t for t in value if t not in owing]
        if extra:
            raise ValueError(
                f"tier {extra[0]} does not owe this item (tier: {tier}): give days for tiers "
                f"{', '.join(map(str, range(1, tier + 1)))} only"
            )
        missing = [t for t in owing if t not in value]
        if missing:
            raise ValueError(
                f"no lead time for tier {missing[0]}: give days for every tier that owes the "
                f"item ({', '.join(map(str, owing))})"
            )
        return value

    def lead_time(self, tier: int) -> int | None:
        """Days before the launch date a launch of this tier owes the item, if it says."""
        if isinstance(self.lead_days, dict):
            return self.lead_days.get(tier)
        return self.lead_days

    @property
    def effective_weight(self) -> int | float:
        return self.weight if self.weight is not None else self.severity.default_weight

    @property
    def department(self) -> str:
        return self.id.split(".", 1)[0]

    def owed_by(self, traits: Set[str], tier: int) -> bool:
        """Whether a launch with these traits and this tier owes this item."""
        return tier <= self.tier and self.applies_if.holds(traits)


class Checklist(_Model):
    department: Key
    name: Name
    description: Text | None = None
    items: list[ChecklistItem] = Field(min_length=1)

    def only(self, stage: Stage | None) -> Checklist:
        """The checklist with only the items of ``stage`` (all of them for None), as
        ``checklists show --stage`` shows it."""
        if stage is None:
            return self
        return self.model_copy(update={"items": [i for i in self.items if i.stage is stage]})


class ItemState(_Model):
    status: Status = Status.TODO
    owner: Person | None = None
    due: Date | None = None
    evidence: Text | None = None
    note: Text | None = None
    done_on: Date | None = None
    """When it was done: an item whose checklist says ``valid_for`` expires from here."""
    by: Key | None = None
    """A milestone's name: with no ``due``, the item is due on that milestone's date."""
    verify: Check | None = None
    """This launch's check of the item, or its target for the checklist's template."""


UNSTATED = ItemState()
"""The state of an item the launch file does not mention: todo, and nothing else. One for
all (the model is frozen): building one for each item that scoring looks up took a tenth
of scoring a launch."""


_BARE = {status.value: ItemState(status=status) for status in Status}
"""The state each status written alone stands for, one for all the items that write it (the
model is frozen): at 100,000 items, half of them written so, a state each was 30 MB."""


def _from_status(value: Any) -> Any:
    # `legal.trademarks: done` is shorthand for `legal.trademarks: {status: done}`.
    if isinstance(value, str) and value in _BARE:
        return _BARE[value]
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
    approved_by: Person
    expires: Date


class Gate(_Model):
    stages: Annotated[list[Stage], AfterValidator(_unique), AfterValidator(_some_stage)] = [
        Stage.LEARN,
        Stage.BUY,
        Stage.USE,
    ]
    min_score: Percentage = 80


class Milestone(_Model):
    """A dated checkpoint before launch day: on its date its stages must reach its minimum
    score with no open blocker, as the gate asks of the launch on launch day."""

    name: Key
    date: Date
    """Before the launch date; once it has passed, a milestone not met fails the gate."""
    stages: Annotated[list[Stage], AfterValidator(_unique), AfterValidator(_some_stage)]
    min_score: Percentage


class Launch(_Model):
    launch: Name
    launch_date: Date
    owner: Person | None = None
    tier: Tier = 1
    traits: Traits = []
    checklists: Annotated[list[Text], AfterValidator(_unique), AfterValidator(_some_checklist)] = (
        Field(default_factory=lambda: ["builtin"])
    )
    gate: Gate = Gate()
    milestones: list[Milestone] = []
    """Checkpoints before launch day, each with its own stages and minimum score."""
    items: dict[ItemId, StateEntry] = {}
    waivers: list[Waiver] = []
    owners: dict[Key, Person] = {}
    """A default owner per department: an item with no owner of its own takes its
    department's."""

    @model_validator(mode="before")
    @classmethod
    def _empty_means_none(cls, value: Any) -> Any:
        # `waivers:` with nothing under it is how people write "no waivers" in YAML.
        if isinstance(value, dict):
            empty = [
                k
                for k in ("traits", "items", "waivers", "owners", "milestones")
                if k in value and value[k] is None
            ]
            if empty:
                value = {k: v for k, v in value.items() if k not in empty}
        return value


def _known_warning(code: str) -> str:
    if code not in WARNINGS:
        raise ValueError(f"{quoted(code)} is not a warning code; the codes: {', '.join(WARNINGS)}")
    return code


HostEntry = Annotated[Text, AfterValidator(host_entry)]
ApproverEntry = Annotated[Text, AfterValidator(approver_entry)]


def _share(value: int | float) -> int | float:
    if not 0 <= value <= 1:
        raise ValueError("must be a share between 0 and 1 (0.25 for a quarter)")
    return value


Share = Annotated[Number, AfterValidator(_share)]

WarningCode = Annotated[
    str, AfterValidator(_known_warning), WithJsonSchema({"enum": list(WARNINGS)})
]


class Policy(_Model):
    """Floors a launch file cannot go below, set by the repository, never by a launch file."""

    # Built when first used: most runs find no policy file, and building this model and
    # RepositoryFile at import was 1.3 ms of the 15 ms these models take (medians of 15).
    # The others are built at import: a launch file or a checklist uses each of them.
    model_config = ConfigDict(defer_build=True)

    min_score: Percentage | None = None
    """The lowest ``min_score`` a gate may have."""
    gate_stages: Annotated[list[Stage], AfterValidator(_unique)] = []
    """Stages every gate must include."""
    waiver_approvers: Annotated[list[ApproverEntry], AfterValidator(_unique)] | None = None
    """Who may approve waivers: plain addresses, or ``@domain`` for anyone at that domain
    exactly (not its subdomains); None: anyone. A waiver's ``approved_by`` must then be one
    plain address (``model.addresses``)."""
    max_waiver_days: Days | None = None
    """The longest a waiver may run past the as-of date."""
    waive_blockers: bool = True
    """Whether a waiver may credit a blocker."""
    fail_on_warnings: Annotated[list[WarningCode], AfterValidator(_unique)] = []
    """Warnings that fail the gate."""
    required_checklists: Annotated[list[Text], AfterValidator(_unique)] = []
    """Built-in checklists every launch must load, by name (the loader turns ``builtin``
    into every built-in name): a launch file cannot drop what the repository requires."""
    allowed_tiers: (
        Annotated[list[Tier], AfterValidator(_unique), AfterValidator(_some_tier)] | None
    ) = None
    """The tiers a launch may declare (a smaller launch owes fewer items); None: any."""
    max_na_share: Share | None = None
    """The largest share of the items a launch owes in a gated stage that it may mark
    ``n/a`` (0 to 1); None: any."""
    required_traits: Traits = []
    """Traits every launch must declare: a launch file cannot drop a trait to owe less."""
    allowed_traits: Traits | None = None
    """The only traits a launch may declare; None: any. Some built-in items stop applying
    under a trait (``none: [services-offering]``), so a launch file could add one to stop
    owing them: the repository can close that door."""
    verify_hosts: Annotated[list[HostEntry], AfterValidator(_unique)] | None = None
    """The hosts a launch may make ``audit --verify`` fetch from (names, ``*.domain``, IP
    addresses, networks); None: none. A private, loopback or link-local address is reached
    only when an entry names it as an address or a network."""

    def tightened(self, other: Policy) -> Policy:
        """The stricter of the two on every rule: policies only ever add up."""
        approvers = _approvers_of_both(self.waiver_approvers, other.waiver_approvers)
        tiers = _narrowed(self.allowed_tiers, other.allowed_tiers)
        # Built without validating again what both files' models validated: a root policy
        # of 100,000 approvers combined with a small one in each of 80 launch folders took
        # 74 s and 940 MB, each approver checked again for every folder.
        return Policy.model_construct(
            min_score=_max(self.min_score, other.min_score),
            gate_stages=[s for s in Stage if s in self.gate_stages or s in other.gate_stages],
            waiver_approvers=approvers,
            max_waiver_days=_min(self.max_waiver_days, other.max_waiver_days),
            waive_blockers=self.waive_blockers and other.waive_blockers,
            fail_on_warnings=list(dict.fromkeys([*self.fail_on_warnings, *other.fail_on_warnings])),
            required_checklists=list(
                dict.fromkeys([*self.required_checklists, *other.required_checklists])
            ),
            max_na_share=_min(self.max_na_share, other.max_na_share),
            required_traits=list(dict.fromkeys([*self.required_traits, *other.required_traits])),
            # Two policies may share no tier, which no single file may say (the loader
            # reports it where it happens); every launch then goes below the policy.
            allowed_tiers=tiers,
            verify_hosts=_narrowed(self.verify_hosts, other.verify_hosts),
            allowed_traits=_narrowed(self.allowed_traits, other.allowed_traits),
        )

    def approvers(self) -> Approvers | None:
        """Who may approve waivers, for lookups; None: anyone. Built once for each list
        (``_APPROVERS``): audit asked twice for each launch file, and 100,000 approvers
        over 200 launch files took 21 s."""
        listed = self.waiver_approvers
        if listed is None:
            return None
        known = _APPROVERS.get(id(listed))
        if known is None or known[0] is not listed:
            if len(_APPROVERS) >= MAX_APPROVER_LISTS:
                _APPROVERS.clear()
            known = _APPROVERS[id(listed)] = (listed, Approvers(listed))
        return known[1]

    def may_approve(self, approver: str) -> bool:
        approvers = self.approvers()
        return approvers is None or approvers.allows(approver)


_APPROVERS: dict[int, tuple[list[str], Approvers]] = {}
"""Each ``waiver_approvers`` list's lookups, by the list's identity (the list is kept
beside them, so that identity is never another list's)."""

MAX_APPROVER_LISTS = 16
"""Lists whose lookups are kept at once: a run has a few policies."""


def _approvers_of_both(mine: list[str] | None, theirs: list[str] | None) -> list[str] | None:
    """Who both lists let approve (None lets anyone): an address one lists that the other
    allows (by itself or by its domain), a domain both list."""
    if theirs is None:
        return mine
    if mine is None:
        return theirs
    by_mine, by_theirs = Approvers(mine), Approvers(theirs)
    both = [e for e in mine if e.startswith("@") and e[1:] in by_theirs.domains]
    both += [e for e in mine if not e.startswith("@") and by_theirs.allows(e)]
    both += [e for e in theirs if not e.startswith("@") and by_mine.allows(e)]
    return list(dict.fromkeys(both))


_T = TypeVar("_T")


def _narrowed(mine: list[_T] | None, theirs: list[_T] | None) -> list[_T] | None:
    """What both lists allow (None allows anything), in ``mine``'s order."""
    if theirs is None:
        return mine
    if mine is None:
        return theirs
    allowed = set(theirs)
    return [entry for entry in mine if entry in allowed]


def _max(a: int | float | None, b: int | float | None) -> int | float | None:
    return b if a is None else a if b is None else max(a, b)


_N = TypeVar("_N", int, float)


def _min(a: _N | None, b: _N | None) -> _N | None:
    return b if a is None else a if b is None else min(a, b)


class RepositoryFile(_Model):
    """``.gtm-check.yaml``: settings for every launch file below it (today: the policy)."""

    model_config = ConfigDict(defer_build=True)  # as Policy

    policy: Policy = Field(default_factory=Policy)  # a default instance would build Policy
