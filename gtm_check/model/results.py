"""The computed readiness report: what scoring produces and every output format reads.

Plain frozen dataclasses with slots rather than Pydantic models: everything in them comes
from validated input, a large launch makes one ItemResult per item, and these are several
times lighter and faster to build (see benchmarks/README.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gtm_check.model.filters import Filters
from gtm_check.model.vocabulary import Severity, Stage, Status, Verdict

# Types only: a report's history is built by audit --history alone, and importing its
# module (seven dataclasses) was 4 ms of every audit.
if TYPE_CHECKING:
    from gtm_check.model.history import History
    from gtm_check.model.plan import CriticalPath, Outlook


@dataclass(frozen=True, slots=True)
class LaunchSummary:
    name: str
    launch_date: dt.date
    as_of: dt.date
    days_to_launch: int
    traits: list[str]
    owner: str | None = None
    tier: int = 1
    file: str | None = None
    """The launch file, as named on the command line (the pipeline sets it)."""
    same_title: bool = False
    """Whether another launch of the run has a title that reads the same (its name and
    tier, as a reader sees them): reports then name this one's file beside its name."""

    @property
    def title(self) -> str:
        """The launch's name with its tier, as every report heads it (and its file, when
        another launch of the run reads the same)."""
        return self._told_apart(f"{self.name} (tier {self.tier})")

    @property
    def label(self) -> str:
        """The launch's name where a portfolio's reports name the launch a line belongs to
        (and its file, when another launch of the run reads the same)."""
        return self._told_apart(self.name)

    def _told_apart(self, shown: str) -> str:
        return f"{shown} · {self.file}" if self.same_title and self.file else shown

    @property
    def when(self) -> str:
        days = self.days_to_launch
        if days > 1:
            return f"{days} days to launch"
        if days in (0, 1):
            return "launches today" if days == 0 else "launches tomorrow"
        return f"launched {-days} day{'' if days == -1 else 's'} ago"


@dataclass(frozen=True, slots=True)
class Overall:
    score: float | None
    applicable: int
    credited: int
    open: int
    overdue: int


@dataclass(frozen=True, slots=True)
class StageResult:
    key: Stage
    name: str
    score: float | None
    verdict: Verdict
    open: int
    open_blockers: int
    overdue: int


@dataclass(frozen=True, slots=True)
class DepartmentResult:
    key: str
    name: str
    score: float | None
    open: int
    stages: dict[Stage, float | None]


@dataclass(frozen=True, slots=True)
class WaiverResult:
    item: str
    reason: str
    approved_by: str
    expires: dt.date
    expired: bool
    idle: str | None = None
    """Why an unexpired waiver credits nothing (the item does not apply, or is done)."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where an item's state is written: the launch file, or its checklist."""

    path: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What running an item's ``verify:`` check found (``audit --verify``)."""

    kind: str
    """``file`` or ``url``."""
    target: str
    """The path or address checked, as written."""
    passed: bool
    why: str
    """What was found, in words: "answered 200", "no such file", "answered 404"."""
    read: Path | None = None
    """The file a file check looked at, from the launch's repository: an input of the run,
    which no report of it may replace."""

    @property
    def status(self) -> str:
        return "verified" if self.passed else "failed"


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One checklist item as it stands in this launch."""

    id: str
    title: str
    stage: Stage
    department: str
    severity: Severity
    weight: int | float
    status: Status
    owner: str | None
    due: dt.date | None
    """The launch file's due date, else the launch date less the item's lead time."""
    due_from_lead: bool
    """Whether ``due`` came from the item's lead time rather than the launch file."""
    question: str | None
    guidance: str | None
    applicable: bool
    credited: bool
    overdue_days: int | None
    waiver: WaiverResult | None
    """The waiver that credits the item, or else the expired one that no longer does."""
    location: Location | None = None
    done_on: dt.date | None = None
    valid_until: dt.date | None = None
    """The last day a ``done`` with ``valid_for`` and ``done_on`` counts."""
    expired: bool = False
    """Done, but its attestation ran out before the as-of date: open again."""
    dated_ahead: bool = False
    """Done, but its attestation's ``done_on`` is after the as-of date: not yet, open."""
    unproven: bool = False
    """Done without evidence, audited with --require-evidence: open."""
    evidence: str | None = None
    """The launch file's ``evidence`` for the item, as written (a URL or a note)."""
    why: str | None = None
    """The checklist's reason for the item, as written."""
    by: str | None = None
    """The milestone the launch file makes it due by (``by:``), if any."""
    check: CheckResult | None = None
    """Its ``verify:`` check's result, with ``audit --verify``; None: not checked."""
    unverified: bool = False
    """Done, but its check failed, audited with --require-verified: open."""

    @property
    def open(self) -> bool:
        return self.applicable and not self.credited

    @property
    def uncounted(self) -> str | None:
        """Why a ``done`` does not count, in words ("done, no evidence"); None: it counts, or
        the item is not done."""
        if self.expired:
            return f"expired (done {self.done_on}, valid until {self.valid_until})"
        if self.dated_ahead:
            return f"done on {self.done_on}, a date still to come: not counted"
        if self.unproven:
            return "done, no evidence"
        if self.unverified:
            return "done, verification failed"
        return None

    @property
    def verification(self) -> str:
        """``verified``, ``failed`` or ``not-checked``."""
        return "not-checked" if self.check is None else self.check.status

    @property
    def suggest_done(self) -> bool:
        """Open and not done, but its check passes: the report suggests marking it done."""
        return (
            self.open
            and self.status is not Status.DONE
            and self.check is not None
            and self.check.passed
        )


def urgency(item: ItemResult) -> tuple[int, int, dt.date, int, str]:
    """Sort key for gaps, most urgent first: severity, days overdue (most first), due date
    (none last), stage, id."""
    return (
        item.severity.rank,
        -(item.overdue_days or 0),
        item.due or dt.date.max,
        item.stage.order,
        item.id,
    )


@dataclass(frozen=True, slots=True)
class GateResult:
    passed: bool
    stages: list[Stage]
    min_score: int | float
    failures: list[str]
    """Why the gate failed, in words: each failed stage's reason, then the policy's."""
    fail_on: Severity | None = Severity.BLOCKER
    """Open items at or above this severity in a gated stage fail the gate; None: never."""
    ignore_waivers: bool = False
    overrides: list[str] = field(default_factory=list)
    """The command-line flags that changed the launch file's gate, as typed."""
    failed_stages: dict[Stage, str] = field(default_factory=dict)
    """Each gated stage that failed, with its reason (one of ``failures``)."""
    breaches: list[str] = field(default_factory=list)
    """Where the launch goes below the repository's policy (the rest of ``failures``)."""
    missed: list[str] = field(default_factory=list)
    """Each milestone whose date has passed and whose stages fall short (in ``failures``,
    between the stages' reasons and the policy's)."""
    refused: list[Breach] = field(default_factory=list)
    """Each of ``breaches`` with where in the launch file's data it is, for the formats that
    point at the line that goes below the policy."""

    def fails_on(self, item: ItemResult) -> bool:
        """Whether this open item alone fails the gate: at or above ``fail_on``, gated."""
        return (
            item.open
            and self.fail_on is not None
            and item.stage in self.stages
            and item.severity.rank <= self.fail_on.rank
        )

    def describe(self) -> str:
        """The rule in words, e.g. "learn, buy, use each need 80+ and no open blocker"."""
        need = "needs" if len(self.stages) == 1 else "each need"
        rule = f"{', '.join(self.stages)} {need} {self.min_score:g}+"
        if self.fail_on is Severity.BLOCKER:
            rule += " and no open blocker"
        elif self.fail_on is not None:
            rule += f" and no open item at {self.fail_on} severity or above"
        if self.ignore_waivers:
            rule += ", waivers ignored"
        if self.overrides:
            rule += f" (set by {' '.join(self.overrides)})"
        return rule


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class MilestoneResult:
    """A milestone on the as-of date: whether its stages meet its bar, and when it falls."""

    name: str
    date: dt.date
    stages: list[Stage]
    min_score: int | float
    scores: dict[Stage, float | None]
    shortfalls: list[str]
    """Why its stages fall short today, e.g. "learn 64.0 < 70"; empty: the bar is met."""
    blocking: list[str]
    """The shortfalls that are open items rather than scores, e.g. "buy blocked by 1 open
    blocker"."""
    days: int
    """Days from the as-of date to the milestone: 0 on the day, negative once past."""
    short: list[Stage] = field(default_factory=list)
    """The stages that fall short of it: below its bar, or with an open item due by it."""
    holding: dict[Stage, int] = field(default_factory=dict)
    """How many open items the gate fails on are due by it, for each stage that has any."""

    @property
    def passed(self) -> bool:
        """Whether its stages meet its bar on the as-of date."""
        return not self.shortfalls

    @property
    def status(self) -> str:
        """``upcoming`` until its day is over, then ``met`` or ``missed``."""
        if self.days >= 0:
            return "upcoming"
        return "met" if self.passed else "missed"

    @property
    def reason(self) -> str:
        """A missed milestone as a gate failure: "beta missed by 3 days: learn 64.0 < 70"."""
        return f"{self.name} missed by {_days(-self.days)}: {'; '.join(self.shortfalls)}"

    @property
    def countdown(self) -> str:
        """The next milestone in a sentence: "next: beta in 12 days; learn 64.0, needs 70"."""
        when = {0: "today", 1: "tomorrow"}.get(self.days, f"in {_days(self.days)}")
        clauses = [f"next: {self.name} {when}"]
        for stage in self.stages:
            score = self.scores[stage]
            if score is None:
                clauses.append(f"{stage} owes nothing")
            else:
                clauses.append(f"{stage} {score:.1f}, needs {self.min_score:g}")
        return "; ".join([*clauses, *self.blocking])


def next_milestone(milestones: list[MilestoneResult]) -> MilestoneResult | None:
    """The first milestone on or after the as-of date."""
    return next((m for m in milestones if m.days >= 0), None)


@dataclass(frozen=True, slots=True)
class Warning:  # noqa: A001 - the report's word for it; builtins.Warning is never used here
    """Something legal that lets a launch file relax its own gate: always shown, never silent."""

    code: str
    message: str
    item: str | None = None
    stage: Stage | None = None
    """The stage it is about, where no item says it (``empty-gated-stage``)."""


@dataclass(frozen=True, slots=True)
class Expiring:
    """A waiver or an attestation that stops crediting its item soon."""

    kind: str
    """``waiver`` or ``attestation``."""
    item: str
    until: dt.date
    """The last day it counts."""
    days_left: int


@dataclass(frozen=True, slots=True)
class Breach:
    """Where a launch file goes below the repository's policy, and how."""

    loc: tuple[str | int, ...]
    """The path in the launch file's data that breaks the policy (for a located problem)."""
    message: str
    key: str | None = None
    """What stays the same while the breach grows or shrinks (a rule and a stage), when
    the message does not; None: the message is the key."""
    degree: float = 0
    """How far past the rule, for breaches with a ``key``: an edit that raises it adds to
    the breach."""
    stage: Stage | None = None
    """The stage the breach holds back, for a rule on one stage's items (``max_na_share``,
    the required checklists' own score, a warning on one item): ``diff`` shows that stage
    not ready, ``trend`` does not project it ready."""
    names: frozenset[str] = frozenset()
    """For a rule whose breach lists names (traits, stages, checklists a launch lacks or may
    not have), with a ``key``: the names. A breach naming one the same rule did not name
    before is a new one; one naming fewer is the same breach, less far."""

    @property
    def identity(self) -> str:
        return self.message if self.key is None else self.key


@dataclass(frozen=True, slots=True)
class Report:
    launch: LaunchSummary
    overall: Overall
    stages: list[StageResult]
    departments: list[DepartmentResult]
    gaps: list[ItemResult]
    """Every open item, most urgent first."""
    gate: GateResult
    items: list[ItemResult]
    """Every item loaded, applicable or not, in checklist order."""
    waivers: list[WaiverResult]
    warnings: list[Warning] = field(default_factory=list)
    expiring: list[Expiring] = field(default_factory=list)
    """Waivers and attestations that stop counting within ``expiring_within`` days."""
    expiring_within: int = 14
    filters: Filters = field(default_factory=lambda: Filters())
    milestones: list[MilestoneResult] = field(default_factory=list)
    """The launch file's milestones, by date."""
    history: History | None = None
    """The trend and the projection, with ``audit --history`` only."""
    gate_locations: GateLocations | None = None
    """Where the launch file writes what its gate judges, for the formats that point at
    lines (their audits ask for locations)."""
    critical_path: CriticalPath | None = None
    """When the launch can be ready and what decides it (``scoring.critical_path``)."""
    outlook: Outlook | None = None
    """With ``--history``: whether the critical path or the pace decides."""
    verified: bool = False
    """Whether the items' checks ran (``audit --verify``): only then do reports show them."""

    @property
    def checks(self) -> list[ItemResult]:
        """The applicable items whose check ran, in checklist order."""
        return [i for i in self.items if i.check is not None and i.applicable]

    @property
    def suggestions(self) -> list[ItemResult]:
        """Open items whose check passes: suggested as done, never marked by ``audit``."""
        return [i for i in self.items if i.suggest_done]


@dataclass(frozen=True, slots=True)
class GateLocations:
    """Where a launch file writes what its gate judges: the lines a failed gate points at."""

    launch: Location
    """The launch file's ``launch:`` line: what a finding about the whole launch points at."""
    gate: Location
    """The ``gate:`` line, or ``launch`` when the file keeps the default gate."""
    failures: dict[str, Location] = field(default_factory=dict)
    """Each of the gate's failures (as ``GateResult.failures`` words it) at the line that
    decides it: a failed stage at ``gate``, a missed milestone at its entry in
    ``milestones:``, a policy breach at the value that goes below the policy."""
