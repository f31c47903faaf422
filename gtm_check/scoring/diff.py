"""What changed between two reports of one launch, scored on the same date: pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from gtm_check.model.results import Breach, ItemResult, MilestoneResult, Report, StageResult
from gtm_check.model.vocabulary import Severity, Stage, Status, Verdict
from gtm_check.scoring.policy import added
from gtm_check.scoring.warnings import idle


@dataclass(frozen=True, slots=True)
class StageChange:
    key: Stage
    old_score: float | None
    new_score: float | None
    old_verdict: Verdict
    new_verdict: Verdict
    gated: bool

    @property
    def delta(self) -> float | None:
        if self.old_score is None or self.new_score is None:
            return None
        return round(self.new_score - self.old_score, 1)

    @property
    def dropped(self) -> bool:
        return self.delta is not None and self.delta < 0


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One item that moved, with the value before and after where that says something."""

    id: str
    title: str
    stage: Stage
    severity: Severity
    owner: str | None
    old: str | None = None
    new: str | None = None


@dataclass(frozen=True, slots=True)
class Side:
    """One side of the comparison, as the user named it, with its commit when it has one."""

    label: str
    commit: str | None
    date: dt.date


@dataclass(frozen=True)
class LaunchDiff:
    old: Report
    new: Report
    old_side: Side
    new_side: Side
    stages: list[StageChange]
    done: list[ItemChange] = field(default_factory=list)
    reopened: list[ItemChange] = field(default_factory=list)
    blocked: list[ItemChange] = field(default_factory=list)
    overdue: list[ItemChange] = field(default_factory=list)
    waived: list[ItemChange] = field(default_factory=list)
    unwaived: list[ItemChange] = field(default_factory=list)
    """Waivers that expired (``new`` says so) or were removed."""
    slipped: list[ItemChange] = field(default_factory=list)
    owners: list[ItemChange] = field(default_factory=list)
    added: list[ItemChange] = field(default_factory=list)
    removed: list[ItemChange] = field(default_factory=list)
    traits_added: list[str] = field(default_factory=list)
    traits_removed: list[str] = field(default_factory=list)
    tier: tuple[int, int] | None = None
    launch_date: tuple[dt.date, dt.date] | None = None
    """The launch date before and after, when it moved (due dates from lead times moved
    with it and are not listed as slipped)."""
    policy_added: list[Breach] = field(default_factory=list)
    """Where the newer side goes below the policy and the older did not, or further than
    it did: each one a regression (``audit`` fails the gate on it)."""
    missed_added: list[MilestoneResult] = field(default_factory=list)
    """The milestones the newer side misses and the older did not (met, upcoming or not
    there): each one a regression, as ``audit`` fails the gate on a missed milestone."""

    LISTS = (
        ("done", "Newly done", "done"),
        ("reopened", "Reopened", "reopened"),
        ("blocked", "Newly blocked", "blocked"),
        ("overdue", "Newly overdue", "overdue"),
        ("waived", "Newly waived", "waived"),
        ("unwaived", "Waivers expired or removed", "waiver lost"),
        ("slipped", "Due dates slipped", "slipped"),
        ("owners", "Owners changed", "owner change"),
        ("added", "Added to scope", "added"),
        ("removed", "Removed from scope", "removed"),
    )

    def lists(self) -> list[tuple[str, str, list[ItemChange]]]:
        """(key, heading, changes) for every list, in the order reports show them."""
        return [(key, heading, getattr(self, key)) for key, heading, _ in self.LISTS]

    def counts(self) -> list[str]:
        """What moved, in a few words: the lists that have something ("2 done, 1 slipped,
        2 new owners"); a moved launch date has a line of its own, first (``report.diff``)."""
        found = []
        for key, _, word in self.LISTS:
            changes: list[ItemChange] = getattr(self, key)
            if key == "owners" and self.new_owners:
                found.append(_counted(len(self.new_owners), "new owner"))
            elif changes:
                found.append(_counted(len(changes), word))
        return found

    @property
    def new_owners(self) -> list[str]:
        """Each owner an item has now and did not have before, once, in the list's order."""
        return list(dict.fromkeys(c.new for c in self.owners if c.new and c.new != "nobody"))

    @property
    def regressions(self) -> list[str]:
        """What ``--fail-on-regression`` fails on, in words: a gated stage's score dropped
        or, where it did not, the stage newly fails the gate (an open blocker it did not
        have), or an open item the gate fails on newly holds it where it failed already; a
        done item reopened (or no longer counted: its sign-off expired), a blocker's due
        date slipped, a breach of the policy or a missed milestone the older side did not
        have (or a milestone missed on a stage more)."""
        found = [
            f"{s.key} dropped {s.old_score} → {s.new_score}"
            for s in self.stages
            if s.gated and s.dropped
        ]
        failed_new = {
            s.key
            for s in self.stages
            if s.gated
            and s.key in self.new.gate.failed_stages
            and s.key not in self.old.gate.failed_stages
        }
        found += [
            f"{s.key} newly fails the gate: {self.new.gate.failed_stages[s.key]}"
            for s in self.stages
            if s.key in failed_new and not s.dropped
        ]
        listed = {s.key for s in self.stages if s.gated and (s.dropped or s.key in failed_new)}
        found += [
            f"{i.severity} {i.id} newly fails the gate on {i.stage}"
            for i in self.newly_failing()
            if i.stage not in listed
        ]
        found += [f"{c.id} reopened" for c in self.reopened]
        found += [
            f"blocker {c.id} slipped {c.old} → {c.new}"
            for c in self.slipped
            if c.severity is Severity.BLOCKER
        ]
        found += [f"policy: {b.message}" for b in self.policy_added]
        found += [f"milestone {m.reason}" for m in self.missed_added]
        return found

    def newly_failing(self) -> list[ItemResult]:
        """Open items the newer side's gate fails on that the older side's did not (one that
        came into scope, lost its waiver or stopped counting), but those reopened: each makes
        the gate fail further, even on a stage that failed already for its score."""
        before = {i.id for i in self.old.items if self.old.gate.fails_on(i)}
        reopened = {c.id for c in self.reopened}
        return [
            i
            for i in self.new.items
            if self.new.gate.fails_on(i) and i.id not in before and i.id not in reopened
        ]

    @property
    def policy_now(self) -> list[Breach]:
        """Where the newer side goes below the policy, as ``audit`` fails its gate."""
        return self.new.gate.refused

    @property
    def missed_now(self) -> list[MilestoneResult]:
        """The milestones the newer side misses, as ``audit`` fails its gate on them."""
        return [m for m in self.new.milestones if m.status == "missed"]

    @property
    def changed(self) -> bool:
        return bool(
            any(s.delta or s.old_verdict != s.new_verdict for s in self.stages)
            or any(changes for _, _, changes in self.lists())
            or self.traits_added
            or self.traits_removed
            or self.tier
            or self.launch_date
            or self.policy_added
            or self.missed_added
        )


def _counted(count: int, words: str) -> str:
    """``1 waiver lost``, ``2 waivers lost``; ``2 done``."""
    return f"{count} {words if count == 1 else _PLURALS.get(words, words)}"


_PLURALS = {
    "day": "days",
    "waiver lost": "waivers lost",
    "owner change": "owner changes",
    "new owner": "new owners",
}


def _why_unwaived(item: ItemResult) -> str:
    if item.waiver is None:
        return "removed"
    return "expired" if item.waiver.expired else "not needed"


def _change(item: ItemResult, old: object = None, new: object = None) -> ItemChange:
    return ItemChange(
        item.id,
        item.title,
        item.stage,
        item.severity,
        item.owner,
        None if old is None else str(old),
        None if new is None else str(new),
    )


def _waived(item: ItemResult, as_of: dt.date) -> bool:
    """Whether a waiver credits the item: unexpired, and not on an item that does not apply
    or is done already (``scoring.warnings.idle``)."""
    active = item.waiver is not None and not item.waiver.expired
    return active and idle(item, as_of, require_evidence=False) is None


def _detailed(key: str, old: ItemResult, new: ItemResult) -> ItemChange:
    if key == "overdue":
        return _change(new, new=f"{new.overdue_days} days late (due {new.due})")
    if key == "waived":
        assert new.waiver is not None
        return _change(new, new=f"until {new.waiver.expires}")
    if key == "reopened" and new.status is Status.DONE:  # done as written, not counted now
        return _change(new, old.uncounted or old.status, new.uncounted)
    return _change(new, old.status, new.status)


Rule = Callable[[ItemResult, ItemResult], bool]

_RULES: dict[str, Rule] = {
    "done": lambda o, n: n.status is Status.DONE and o.status is not Status.DONE,
    "reopened": lambda o, n: (
        o.status is Status.DONE and (n.status is not Status.DONE or (o.credited and not n.credited))
    ),
    "blocked": lambda o, n: n.status is Status.BLOCKED and o.status is not Status.BLOCKED,
    "overdue": lambda o, n: n.overdue_days is not None and o.overdue_days is None,
}


def diff_reports(old: Report, new: Report, old_side: Side, new_side: Side) -> LaunchDiff:
    """Both reports must come from the same checklists and the same as-of date."""
    gated = set(new.gate.stages)
    stages = [
        StageChange(
            o.key,
            o.score,
            n.score,
            _verdict(o, old.gate.refused),
            _verdict(n, new.gate.refused),
            n.key in gated,
        )
        for o, n in zip(old.stages, new.stages, strict=True)
    ]
    old_traits, new_traits = set(old.launch.traits), set(new.launch.traits)
    tier = (old.launch.tier, new.launch.tier) if old.launch.tier != new.launch.tier else None
    moved = (old.launch.launch_date, new.launch.launch_date)
    result = LaunchDiff(
        old,
        new,
        old_side,
        new_side,
        stages,
        traits_added=sorted(new_traits - old_traits),
        traits_removed=sorted(old_traits - new_traits),
        tier=tier,
        launch_date=moved if moved[0] != moved[1] else None,
        policy_added=added(old.gate.refused, new.gate.refused),
        missed_added=_newly_missed(old, new),
    )
    launches = _Launches(old.launch.launch_date, new.launch.launch_date)
    before = {item.id: item for item in old.items}
    for n in new.items:
        o = before.get(n.id)
        if o is None:
            continue
        if n.applicable != o.applicable:
            (result.added if n.applicable else result.removed).append(_change(n))
        elif n.applicable:
            _compare(result, o, n, new.launch.as_of, launches)
    return result


@dataclass(frozen=True, slots=True)
class _Launches:
    """The launch date of each side: where an item without a due date is due."""

    old: dt.date
    new: dt.date

    @property
    def shift(self) -> dt.timedelta:
        return self.new - self.old


def _due(written: dt.date | None, day: dt.date) -> str:
    """A due date in a slip: as written, or launch day where the item has none."""
    return str(day) if written is not None else f"{day} (launch day)"


def _newly_missed(old: Report, new: Report) -> list[MilestoneResult]:
    """The milestones ``new`` misses that ``old`` does not, by name (both sides are judged on
    one date, so a milestone missed only on the newer side fell short there, or is new), and
    those it misses further (``_further``)."""
    missed = {m.name: m for m in old.milestones if m.status == "missed"}
    return [
        m
        for m in new.milestones
        if m.status == "missed" and (m.name not in missed or _further(missed[m.name], m))
    ]


def _further(old: MilestoneResult, new: MilestoneResult) -> bool:
    """Whether ``new`` misses the milestone further than ``old``: on a stage ``old`` met it
    on, with more open items due by it, or with a score short of it that dropped."""
    for stage in new.short:
        if stage not in old.short or new.holding.get(stage, 0) > old.holding.get(stage, 0):
            return True
        was, now = old.scores.get(stage), new.scores.get(stage)
        if was is not None and now is not None and now < min(was, new.min_score):
            return True
    return False


def _verdict(stage: StageResult, refused: list[Breach]) -> Verdict:
    """The stage's verdict, and at-risk where it is ready by its score but a policy rule on
    its items holds it back (its required checklists' own score, its n/a share): the same
    stage ``audit`` fails the gate on is not shown ready here."""
    if stage.verdict is Verdict.READY and any(b.stage is stage.key for b in refused):
        return Verdict.AT_RISK
    return stage.verdict


def _compare(
    result: LaunchDiff, o: ItemResult, n: ItemResult, as_of: dt.date, launch: _Launches
) -> None:
    """What changed in an item that applies on both sides, added to ``result``'s lists. A
    due date that came from a lead time and moved with the launch did not slip; one taken
    away from an open item slipped to launch day, where an item without one is due, if that
    is later."""
    for key, rule in _RULES.items():
        if rule(o, n):
            getattr(result, key).append(_detailed(key, o, n))
    if _waived(n, as_of) and not _waived(o, as_of):
        result.waived.append(_detailed("waived", o, n))
    if _waived(o, as_of) and not _waived(n, as_of):
        result.unwaived.append(_change(n, new=_why_unwaived(n)))
    followed = (
        o.due_from_lead
        and n.due_from_lead
        and o.due is not None
        and (n.due is not None and n.due - o.due == launch.shift)
    )
    before, after = o.due or launch.old, n.due or launch.new
    dated = o.due is not None and n.due is not None
    undated = n.open and (o.due or n.due) is not None  # a done item's date no longer counts
    if (dated or undated) and after > before and not followed:
        result.slipped.append(_change(n, _due(o.due, before), _due(n.due, after)))
    if (o.owner or "") != (n.owner or ""):
        result.owners.append(_change(n, o.owner or "nobody", n.owner or "nobody"))
