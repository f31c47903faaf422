"""Finds checklists (built-in or the team's own), reads each file once, and validates it."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from gtm_check.load.document import parse_model
from gtm_check.load.files import (
    STDIN,
    ByteBudget,
    Kind,
    Unreachable,
    confine,
    confined,
    examine,
    locked_by,
    out_of_bounds,
    read_stdin,
    read_text,
    real_path,
    under_dot_git,
)
from gtm_check.load.yamltree import Finding, Parsed, PathKey, Source
from gtm_check.model.history import ItemPeriods
from gtm_check.model.inputs import Checklist
from gtm_check.model.problems import GtmCheckError, Problem, Suggestions, quoted
from gtm_check.model.vocabulary import department_rank

BUILTIN = "builtin"

MAX_RUN_ITEMS = 100_000
"""Most checklist items one run judges launches against, each launch counting the items of
its own checklists (a portfolio of ten launches sharing a checklist of 10,000 items counts
100,000). Each item costs about 2 KB from loading to report and each launch is scored
against all of its items: 400,000 items took 22 s and 900 MB to audit, ten launches
sharing 100,000 items 57 s and 1.2 GB. The built-in checklists hold a few hundred items.
"""

# Built-in item ids that were merged into another item or renamed, with the item that holds
# them now: a launch file written for an earlier gtm-check is told where its state goes.
RETIRED_BUILTIN_IDS: dict[str, str] = {
    "cloud-operations.cost-efficiency": "finance-operations.profitability",
    "cloud-operations.uptime-managed": "cloud-operations.slos",
    "customer-success.advisory-engagement": "marketing.advisory-board",
    "customer-success.business-reviews": "customer-success.value-tracking",
    "customer-success.churn-intervention": "customer-success.health-score",
    "customer-success.feature-requests": "product-management.feedback-loop",
    "customer-success.roadmap-partnership": "marketing.advisory-board",
    "engineering.escalation-path": "support.escalation-path",
    "engineering.gross-margin": "finance-operations.profitability",
    "finance-operations.follow-the-money": "finance-operations.order-to-cash",
    "finance-operations.license-keys": "finance-operations.licence-keys",
    "finance-operations.payment-delays": "finance-operations.credit-and-collections",
    "legal.third-party-escrow": "engineering.vendor-fallback",
    "marketing.calls-to-action": "marketing.website",
    "marketing.channel-program-extended": "marketing.partner-marketing-kit",
    "marketing.launch-traffic-shared": "marketing.promotion-calendar",
    "marketing.localization": "marketing.localisation",
    "marketing.operational-results": "cloud-operations.uptime-history",
    "marketing.upsell-programs": "marketing.upgrade-offer",
    "product-management.buying-path-tested": "finance-operations.order-to-cash",
    "product-management.delivery-tested": "finance-operations.order-to-cash",
    "product-management.launch-team": "product-management.launch-plan",
    "project-management.documentation": "project-management.release-notes",
    "project-management.freeze-dates": "product-management.launch-plan",
    "project-management.order-fulfillment-review": "finance-operations.order-to-cash",
    "project-management.pricing-exceptions": "sales-enablement.deal-desk",
    "project-management.roadmap-current": "product-management.roadmap",
    "sales.channel-rules": "sales.routes-to-market",
    "sales.deal-support-call": "sales.lighthouse-accounts",
    "sales.process-walkthrough": "finance-operations.order-to-cash",
    "sales.promotions": "marketing.launch-incentives",
    "services.product-alignment": "product-management.feedback-loop",
    "services.product-gaps": "product-management.feedback-loop",
    "services.retention-goal": "finance-operations.retention-tracking",
    "support.community": "marketing.customer-community",
    "support.customer-training": "marketing.customer-education",
    "support.customer-voice": "product-management.feedback-loop",
    "support.feature-requests": "product-management.feedback-loop",
    "support.sla-management": "support.sla-defined",
    "support.sla-self-correction": "support.time-to-resolution",
    "systems-engineering.mvp-support": "systems-engineering.pilot-support",
    "systems-engineering.roadmap-input": "product-management.feedback-loop",
    "systems-engineering.security-questionnaires": "engineering.security-pack",
}


@dataclass(frozen=True)
class LoadedChecklist:
    checklist: Checklist
    source: Source
    builtin: bool
    path: Path
    """The file read."""
    reference: PathKey = ("checklists",)
    """Where in the launch file this checklist was named."""


def required_items(
    required_checklists: Sequence[str], checklists: Sequence[LoadedChecklist]
) -> frozenset[str]:
    """The ids of the items of the built-in checklists a policy requires (by name, or all of
    them for ``builtin``) among those loaded: what a launch's own checklists may not dilute."""
    names = set(required_checklists)
    every = BUILTIN in names
    return frozenset(
        item.id
        for loaded in checklists
        if loaded.builtin and (every or loaded.path.stem in names)
        for item in loaded.checklist.items
    )


def builtin_dir() -> Path:
    """Where the built-in checklists are: inside the installed package, or the source tree."""
    packaged = Path(str(resources.files("gtm_check"))) / "checklists"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "checklists"


def builtin_names() -> list[str]:
    """Built-in checklist names, in report order (the documented departments first)."""
    return sorted((p.stem for p in builtin_dir().glob("*.yaml")), key=department_rank)


class ChecklistReader:
    """Reads checklist files, each once for as long as the reader lives.

    A portfolio of launches usually shares the built-in checklists: the run that owns the
    reader reads them once. Keyed by the real path and the file's size and modification
    time, so that a file changed in between is read again.

    One reader serves one run, so it also keeps the run's budgets: the bytes read from all
    files together (launch files are read through ``text``), and how many unknown names
    still get a did-you-mean.
    """

    def __init__(self, budget: ByteBudget | None = None) -> None:
        self._read: dict[tuple[str, int, int], LoadedChecklist] = {}
        self.budget = budget or ByteBudget()
        self.suggestions = Suggestions()
        self.items = ItemBudget()
        self.scores = ItemPeriods()
        """The item scores the run's histories (``audit --history``) may take together."""
        self.revisions = ByteBudget()
        """The bytes the run's histories may read together, apart from the files': the
        histories of the launch files named first used up the run's budget, and a valid
        launch file named after them was refused."""

    def text(self, path: Path, display: str, *, allow_outside: bool = False) -> str:
        """A launch file's text (``-``: standard input), counted against the run's budget;
        a file that leads outside its repository through a link is refused unread, unless
        ``allow_outside``."""
        if str(path) == STDIN:
            return read_stdin(self.budget)
        confine(path, display, allow_outside=allow_outside)
        return read_text(path, display, self.budget)

    def again(self, path: Path, display: str, allow_outside: bool) -> Callable[[], str]:
        """How to read a launch file's text again (for positions), as ``text`` reads it but
        outside the budget, which counted it once."""

        def read() -> str:
            confine(path, display, allow_outside=allow_outside)
            return read_text(path, display)

        return read

    def builtin(self, names: Sequence[str] | None = None) -> list[LoadedChecklist]:
        """The built-in checklists (all, or those named), in report order."""
        return [
            self.read(builtin_dir() / f"{name}.yaml", f"builtin:{name}", builtin=True)
            for name in (builtin_names() if names is None else names)
        ]

    def read(self, path: Path, display: str, *, builtin: bool = False) -> LoadedChecklist:
        """The checklist in ``path``, refused at its first item past what the run's item
        budget has left, before any item is validated."""
        try:
            status = path.stat()
            key = (real_path(path), status.st_size, status.st_mtime_ns)
        except (OSError, ValueError):
            return _read_checklist(path, display, self.budget, self.items, builtin=builtin)
        if key not in self._read:
            read = _read_checklist(path, display, self.budget, self.items, builtin=builtin)
            self._read[key] = read
        return self._read[key]

    def named(
        self, refs: Sequence[str], launch: Source, folder: Path, *, allow_outside: bool
    ) -> tuple[list[LoadedChecklist], list[Problem]]:
        """The checklists a launch file names in ``checklists:``, and the problems found."""
        targets, findings = _resolve(refs, folder, self.suggestions, allow_outside=allow_outside)
        loaded: list[LoadedChecklist] = []
        problems: list[Problem] = []
        seen: set[str] = set()
        for target in targets:
            named = refs[int(target.reference[1])]
            try:
                kind, _ = examine(target.path)
            except Unreachable as exc:
                findings.append(
                    Finding(target.reference, f"checklist {quoted(named)} cannot be read: {exc}")
                )
                continue
            if kind is not Kind.FILE:
                # A checklist that is not there is a mistake in the launch file: point at it.
                findings.append(
                    Finding(target.reference, f"checklist {quoted(named)} {kind.value}")
                )
                continue
            real = real_path(target.path)
            if real in seen:
                continue  # `builtin` and `legal` together name legal.yaml once
            seen.add(real)
            try:
                checklist = self.read(target.path, target.display, builtin=target.builtin)
                self.items.take(checklist, launch.path)
            except GtmCheckError as exc:
                problems.extend(exc.problems)
                continue
            loaded.append(dataclasses.replace(checklist, reference=target.reference))
        return loaded, [*problems, *launch.locate(findings)]


class ItemBudget:
    """How many more checklist items the run's launches may be judged against."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_RUN_ITEMS if limit is None else limit
        self.used = 0
        self._taken: set[tuple[str, str]] = set()

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)

    def take(self, loaded: LoadedChecklist, launch: str = "") -> None:
        """Count a launch's checklist, or raise a problem at its first item past the limit
        (a checklist read before, for another launch, counts again; for the same launch,
        read again to check an edit of it, it does not)."""
        key = (launch, loaded.source.path)
        if launch and key in self._taken:
            return
        count = len(loaded.checklist.items)
        if count > self.left:
            raise GtmCheckError(self.past(loaded.source))
        self.used += count
        self._taken.add(key)

    def past(self, source: Source) -> list[Problem]:
        """The problem at the first item of ``source`` past what is left."""
        message = (
            f"this item takes the run past its limit of {self.limit:,} checklist items "
            "(each launch counts the items of its checklists)"
        )
        return source.locate([Finding(("items", self.left), message)])


@dataclass(frozen=True)
class _Target:
    path: Path
    display: str
    builtin: bool
    reference: PathKey


MAX_NAMED = 1_000
"""Most entries of a launch file's ``checklists:`` that are resolved: each is a file to
find, and ``builtin`` all of the built-in ones (20,000 of it took 15 s, 200,000 two and a
half minutes and 1.5 GB)."""


def _resolve(
    refs: Sequence[str], folder: Path, suggestions: Suggestions, *, allow_outside: bool
) -> tuple[list[_Target], list[Finding]]:
    """Each reference as the files it names: `builtin`, a built-in name, or a relative path.
    A name listed again is passed over (the launch's model says it is listed twice), and
    past MAX_NAMED entries one finding says the list is too long."""
    targets: list[_Target] = []
    findings: list[Finding] = []
    if len(refs) > MAX_NAMED:
        message = f"a launch file names at most {MAX_NAMED:,} checklists; this one {len(refs):,}"
        findings.append(Finding(("checklists", MAX_NAMED), message))
    names = builtin_names()
    first: dict[str, int] = {}
    for index, ref in enumerate(refs[:MAX_NAMED]):
        first.setdefault(ref, index)
    for ref, index in first.items():
        loc: PathKey = ("checklists", index)
        if "\0" in ref:
            # The system refuses such a name outright; say so before trying to resolve it.
            message = f"checklist {quoted(ref)} cannot be read: its name contains a NUL character"
            findings.append(Finding(loc, message))
        elif ref == BUILTIN:
            targets += [_builtin_target(name, loc) for name in names]
        elif "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml")):
            found = _path_target(ref, folder, loc, allow_outside=allow_outside)
            if isinstance(found, Finding):
                findings.append(found)
            else:
                targets.append(found)
        elif ref in names:
            targets.append(_builtin_target(ref, loc))
        else:
            hint = suggestions.hint(ref, [*names, BUILTIN])
            findings.append(
                Finding(
                    loc,
                    f"no built-in checklist named {quoted(ref)}",
                    hint=hint or "write a relative path such as ./ours.yaml for your own",
                )
            )
    return targets, findings


def _path_target(ref: str, folder: Path, loc: PathKey, *, allow_outside: bool) -> _Target | Finding:
    """The file a path in ``checklists:`` names, or why it is not read."""
    try:
        target = confined(folder, ref, allow_outside=allow_outside)
    except ValueError as exc:
        return Finding(loc, str(exc))
    if under_dot_git(target):
        # Git's own files (config, hooks) are not checklists; nothing of them is read.
        # (A folder that merely looks like a bare repository is not refused here: a
        # pull request could plant one beside every checklist.)
        return Finding(
            loc, f"checklist {quoted(ref)} leads into git's own folder, which is not read"
        )
    barred = out_of_bounds(target) if allow_outside else None
    if barred is not None:  # a bare repository's config or hooks, /proc
        return Finding(loc, f"checklist {quoted(ref)} leads into {barred}, which is not read")
    real = Path(real_path(target))
    locked = locked_by(real)
    if locked is not None:  # an edit of that file makes it, then would read it back
        return Finding(
            loc,
            f"checklist {quoted(ref)} is the lock file gtm-check's edits of "
            f"{quoted(locked.name)} make; name the checklist another way",
        )
    if real.parent == Path(real_path(builtin_dir())) and real.suffix == ".yaml":
        # The built-in file named by a path (a checkout's .venv, --allow-outside): built-in
        # all the same, so that the policy's rules on the required checklists' items hold
        # whichever way it is named first.
        if real.stem in builtin_names():
            return _builtin_target(real.stem, loc)
    return _Target(target, os.path.normpath(target), False, loc)


def _builtin_target(name: str, loc: PathKey) -> _Target:
    return _Target(builtin_dir() / f"{name}.yaml", f"builtin:{name}", True, loc)


def _read_checklist(
    path: Path, display: str, budget: ByteBudget, items: ItemBudget, *, builtin: bool
) -> LoadedChecklist:
    # Read again without the budget, which counted the file once.
    source = Source(
        display, read_text(path, display, budget), lambda: read_text(path, display), budget.values
    )

    def within(parsed: Parsed) -> None:
        listed = parsed.data.get("items") if isinstance(parsed.data, dict) else None
        if isinstance(listed, list) and len(listed) > items.left:
            raise GtmCheckError(items.past(source))

    checklist, _, problems = parse_model(source, Checklist, within)
    if checklist is not None:
        problems += source.locate(
            Finding(
                ("items", index, "id"),
                f"item id {quoted(item.id)} must start with its department "
                f"'{checklist.department}.'",
            )
            for index, item in enumerate(checklist.items)
            if item.department != checklist.department
        )
    if problems or checklist is None:
        raise GtmCheckError(problems)
    return LoadedChecklist(checklist, source, builtin, path)
