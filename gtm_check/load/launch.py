"""Reads a launch file and the checklists it names, and checks them against each other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from gtm_check.load.checklists import (
    BUILTIN,
    RETIRED_BUILTIN_IDS,
    ChecklistReader,
    LoadedChecklist,
)
from gtm_check.load.document import parse_model
from gtm_check.load.files import STDIN, STDIN_DISPLAY, as_file
from gtm_check.load.yamltree import Capped, Finding, PathKey, Positions, Source
from gtm_check.model.inputs import ChecklistItem, Launch
from gtm_check.model.problems import GtmCheckError, Problem, Suggestions, clipped, quoted
from gtm_check.model.verify import TARGETS, AnyCheck, FileCheck, describe, pattern_problem
from gtm_check.model.vocabulary import DEPARTMENTS, TRAITS


@dataclass(frozen=True)
class LoadedLaunch:
    """A launch file and every checklist it names, checked against each other."""

    launch: Launch
    source: Source
    path: Path
    checklists: tuple[LoadedChecklist, ...]

    @property
    def item_count(self) -> int:
        return sum(len(c.checklist.items) for c in self.checklists)

    @property
    def files(self) -> list[Path]:
        """Every file this launch was read from: the launch file and its checklists."""
        return [self.path, *(as_file(c.path) for c in self.checklists)]


def load_launch(
    path: Path,
    reader: ChecklistReader,
    *,
    allow_outside: bool = False,
    source: Source | None = None,
) -> LoadedLaunch:
    """Read a launch file and its checklists and check that they agree with each other.

    Reports every problem it can find in one go: the launch file's own, the checklists',
    and references between them (unknown item ids and traits), even when the launch file
    has other problems too. ``source``: the file's text from elsewhere (a git revision),
    whose checklists are still found from ``path``'s folder.
    """
    stdin = str(path) == STDIN
    display = STDIN_DISPLAY if stdin else str(path)
    if source is None:
        text = reader.text(path, display, allow_outside=allow_outside)
        again = None if stdin else reader.again(path, display, allow_outside)
        source = Source(display, text, again, reader.budget.values)
    # From standard input, relative checklist paths resolve against the working folder.
    folder = Path.cwd() if stdin else path.parent
    launch, parsed, problems = parse_model(source, Launch)
    data = parsed.data if isinstance(parsed.data, dict) else {}
    refs = data.get("checklists", [BUILTIN])
    checklists: list[LoadedChecklist] = []
    missing = False
    if isinstance(refs, list) and all(isinstance(r, str) for r in refs):
        checklists, found = reader.named(refs, source, folder, allow_outside=allow_outside)
        problems += found
        missing = bool(found)
    if checklists:
        # Even with a checklist missing, everything else is judged in this run; only ids of
        # departments that did not load are left alone: the missing checklist explains them.
        team_file = any("/" in r or r.endswith((".yaml", ".yml")) for r in refs)
        ids = _IdIndex(
            checklists,
            reader.suggestions,
            unloaded=(team_file and missing, frozenset(DEPARTMENTS) if missing else frozenset()),
        )
        problems += _cross_check(data, source, checklists, problems, ids)
    problems += _milestone_problems(data, source, problems, reader.suggestions)
    if launch is not None and not problems:
        problems += _check_problems(launch, source, checklists, allow_outside=allow_outside)
    if problems or launch is None:
        raise GtmCheckError(problems)
    return LoadedLaunch(launch, source, path, tuple(checklists))


def load_launch_text(
    source: Source, checklists: Sequence[LoadedChecklist], suggestions: Suggestions
) -> Launch:
    """A launch file's text from elsewhere (a git revision), checked against checklists
    already loaded rather than the ones it names: both sides of a comparison are read
    with the same checklists, so that only the launch file's changes show."""
    launch, parsed, problems = parse_model(source, Launch)
    data = parsed.data if isinstance(parsed.data, dict) else {}
    problems += _references(data, source, checklists, problems, _IdIndex(checklists, suggestions))
    problems += _milestone_problems(data, source, problems, suggestions)
    if problems or launch is None:
        raise GtmCheckError(problems)
    return launch


def _cross_check(
    data: dict[str, Any],
    source: Source,
    checklists: Sequence[LoadedChecklist],
    taken: Sequence[Problem],
    ids: _IdIndex,
) -> list[Problem]:
    """What only the launch file and its checklists together can show to be wrong; a
    place that already has a problem gets no second one."""
    problems = [
        *_duplicate_ids(checklists),
        *_requirements(checklists, ids),
        *_requirement_cycles(checklists),
    ]
    return _elsewhere(problems, taken) + _references(data, source, checklists, taken, ids)


def _elsewhere(found: Sequence[Problem], taken: Sequence[Problem]) -> list[Problem]:
    """``found`` but the problems at a place ``taken`` has one at already; a count of
    problems left undescribed (``Problem.more``) is kept wherever it stands."""
    places = {(p.path, p.line, p.column) for p in taken}
    return [p for p in found if p.more or (p.path, p.line, p.column) not in places]


def _references(
    data: dict[str, Any],
    source: Source,
    checklists: Sequence[LoadedChecklist],
    taken: Sequence[Problem],
    ids: _IdIndex,
) -> list[Problem]:
    """The launch file's item ids, traits and departments that its checklists do not know."""
    known_traits = _known_traits(checklists)
    found = source.locate(
        [
            *_unknown_references(data, ids),
            *_unknown_traits(data, known_traits, ids.suggestions),
            *_unknown_departments(data, checklists, ids.suggestions),
        ]
    )
    return _elsewhere(found, taken)


def _known_traits(checklists: Sequence[LoadedChecklist]) -> frozenset[str]:
    """The documented traits and every trait a loaded checklist's items name."""
    return frozenset(TRAITS) | {
        trait for c in checklists for item in c.checklist.items for trait in item.applies_if.traits
    }


def _duplicate_ids(checklists: Sequence[LoadedChecklist]) -> list[Problem]:
    # Positions are looked up only for a duplicate: finding them means parsing a file again.
    first: dict[str, tuple[LoadedChecklist, int]] = {}
    positions: dict[str, Positions] = {}
    problems = []
    for loaded in checklists:
        for index, item in enumerate(loaded.checklist.items):
            if item.id not in first:
                first[item.id] = (loaded, index)
                continue
            earlier, earlier_index = first[item.id]
            if earlier.source.path not in positions:
                positions[earlier.source.path] = earlier.source.positions()
            line = positions[earlier.source.path].of(("items", earlier_index, "id"))[0]
            message = (
                f"duplicate item id {quoted(item.id)} "
                f"(first defined at {earlier.source.path}:{line})"
            )
            problems += loaded.source.locate([Finding(("items", index, "id"), message)])
    return problems


class _IdIndex:
    """The loaded item ids by department, for unknown-id messages and their suggestions."""

    def __init__(
        self,
        checklists: Sequence[LoadedChecklist],
        suggestions: Suggestions,
        *,
        unloaded: tuple[bool, frozenset[str]] = (False, frozenset()),
    ) -> None:
        self.any_unloaded, self.unloaded = unloaded
        """A checklist named in the launch file did not load: any department at all (a team
        file's), or these built-in ones, may be the one its unknown ids belong to."""
        self.by_department: dict[str, list[str]] = {}
        for loaded in checklists:
            for item in loaded.checklist.items:
                self.by_department.setdefault(item.department, []).append(item.id)
        self.ids = {i for ids in self.by_department.values() for i in ids}
        self.suggestions = suggestions

    def explained(self, item_id: str) -> bool:
        """Whether a missing checklist may be why ``item_id`` is unknown."""
        department = item_id.partition(".")[0]
        if department in self.by_department:
            return False
        return self.any_unloaded or department in self.unloaded

    def unknown(
        self, loc: PathKey, what: str, item_id: str, *, key: bool = False, asker: str = ""
    ) -> Finding:
        """``what`` (such as "unknown item id") for ``item_id``, with the item that replaced
        it when it is a retired built-in id, else a did-you-mean among the ids of its own
        department (but ``asker``), or among the departments when its is not loaded."""
        department, dot, _ = item_id.partition(".")
        message = f"{what} {quoted(item_id)}"
        now = RETIRED_BUILTIN_IDS.get(item_id)
        hint: str | None
        if now in self.ids:
            hint = f"the built-in checklists now call it {now}: move its state there"
        elif dot and department not in self.by_department:
            message += f": {quoted(department)} is not a department of the loaded checklists"
            hint = self.suggestions.hint(department, self.by_department.keys())
        else:
            choices = self.by_department.get(department, [])
            if self.suggestions.left and asker in choices:
                choices = [choice for choice in choices if choice != asker]
            hint = self.suggestions.hint(item_id, choices)
        return Finding(loc, message, key=key, hint=hint)


def _requirements(checklists: Sequence[LoadedChecklist], ids: _IdIndex) -> list[Problem]:
    """Every `requires` names a loaded item in the same or an earlier stage. A requirement
    on a department this launch did not load (`checklists: [marketing]` without legal) is
    not this launch's to check: only an unknown id in a loaded department is a mistake."""
    items = {item.id: item for c in checklists for item in c.checklist.items}
    problems = []
    for loaded in checklists:
        found = Capped()
        for index, item in enumerate(loaded.checklist.items):
            for position, required in enumerate(item.requires):
                loc: PathKey = ("items", index, "requires", position)
                if required not in items and required.partition(".")[0] in ids.by_department:
                    if found.room(loc):
                        found.add(
                            ids.unknown(
                                loc, f"{item.id} requires unknown item id", required, asker=item.id
                            )
                        )
                elif required in items and items[required].stage.order > item.stage.order:
                    if found.room(loc):
                        stage = items[required].stage
                        found.add(
                            Finding(
                                loc,
                                f"{item.id} ({item.stage}) requires {required}, which is in the "
                                f"later stage '{stage}'; a stage cannot wait on a later one",
                            )
                        )
                elif required in items and (late := _due_later(item, items[required])):
                    if found.room(loc):
                        found.add(Finding(loc, late))
        problems += loaded.source.locate(found.all())
    return problems


def _requirement_cycles(checklists: Sequence[LoadedChecklist]) -> list[Problem]:
    """Items that wait on each other in a circle, across every checklist loaded: each
    circle found is reported once, at the ``requires`` entry that closes it. Nothing in a
    circle could ever be done first, and the critical path has no start.

    The walk costs one step per ``requires`` entry, whatever the shape: where an item stands
    on the path is a lookup, each message names at most CIRCLE_SHOWN items, and each
    checklist describes at most MAX_PROBLEMS circles (``Capped``)."""
    where: dict[str, tuple[LoadedChecklist, int]] = {}
    for loaded in checklists:
        for index, item in enumerate(loaded.checklist.items):
            where.setdefault(item.id, (loaded, index))
    found: dict[int, Capped] = {}
    walked: set[str] = set()
    for start in where:
        if start in walked:
            continue
        path = [start]
        on_path = {start: 0}  # the items on the path being walked, each at its place in it
        pending = [iter(_requires(where, start))]
        while pending:
            step = next(pending[-1], None)
            if step is None:
                walked.add(path[-1])
                del on_path[path.pop()]
                pending.pop()
                continue
            position, required = step
            if required in on_path:  # back to an item on the path: a circle
                loaded, index = where[path[-1]]
                loc: PathKey = ("items", index, "requires", position)
                out = found.setdefault(id(loaded), Capped())
                if out.room(loc):
                    circle = _circle(path[on_path[required] :], required)
                    out.add(
                        Finding(
                            loc,
                            f"{clipped(path[-1])} requires {clipped(required)}, which waits on "
                            f"it in turn ({circle}): items cannot wait on each other in a circle",
                        )
                    )
            elif required not in walked:
                on_path[required] = len(path)
                path.append(required)
                pending.append(iter(_requires(where, required)))
    return [
        problem
        for loaded in checklists
        for problem in loaded.source.locate(found[id(loaded)].all() if id(loaded) in found else [])
    ]


CIRCLE_SHOWN = 10
"""Items a circle's message names; a longer circle shows its ends and how many it holds."""


def _circle(items: Sequence[str], closing: str) -> str:
    """``a → b → … → a``: the circle ``items`` closed by ``closing``, cut in the middle when
    long so that a circle of thousands of items is one short line, not thousands of ids."""
    if len(items) <= CIRCLE_SHOWN:
        shown = [clipped(item) for item in items]
    else:
        half = CIRCLE_SHOWN // 2
        shown = [
            *(clipped(item) for item in items[:half]),
            f"… {len(items) - CIRCLE_SHOWN:,} more …",
            *(clipped(item) for item in items[-half:]),
        ]
    return " → ".join([*shown, clipped(closing)])


def _requires(where: dict[str, tuple[LoadedChecklist, int]], item_id: str) -> list[tuple[int, str]]:
    """The loaded items ``item_id`` requires, each with its position in ``requires``."""
    loaded, index = where[item_id]
    requires = loaded.checklist.items[index].requires
    return [(position, r) for position, r in enumerate(requires) if r in where]


def _due_later(item: ChecklistItem, required: ChecklistItem) -> str | None:
    """Why ``required`` would be due after ``item``, which needs it first, at a tier that owes
    both; None when it never is. A prerequisite's lead time is at least the dependent's."""
    for tier in range(1, min(item.tier, required.tier) + 1):
        lead, before = item.lead_time(tier), required.lead_time(tier)
        if lead is None or (before is not None and before >= lead):
            continue
        at = f" at tier {tier}" if _per_tier(item) or _per_tier(required) else ""
        if before is None:
            return (
                f"{item.id} is due {lead} days before launch{at} but requires {required.id}, "
                f"which has no lead time; give {required.id} lead_days of {lead} or more"
            )
        return (
            f"{item.id} is due {lead} days before launch{at} but requires {required.id}, "
            f"due only {before} days before; a prerequisite cannot be due after the item "
            f"that needs it"
        )
    return None


def _per_tier(item: ChecklistItem) -> bool:
    return isinstance(item.lead_days, dict)


MAX_CHECK_BLOCKS = 1_000
"""The most ``verify:`` blocks one launch may hold, in its file and team checklists together:
a run runs at most that many checks, and compiling a thousand patterns takes under a
second where millions would take an hour."""


def _check_problems(
    launch: Launch,
    source: Source,
    checklists: Sequence[LoadedChecklist],
    *,
    allow_outside: bool,
) -> list[Problem]:
    """``verify:`` blocks that do not fit together: a launch file's fill of another kind than
    its checklist's template, one that sets what the template sets or changes a complete
    check, one that names no target; paths that are absolute or climb out with ``..``
    (unless ``allow_outside``), or lead into ``.git``; patterns that do not compile; more
    blocks than a launch may hold (the blocks past it are not looked at)."""
    templates = {item.id: item.verify for c in checklists for item in c.checklist.items}
    blocks = _Blocks()
    findings: list[Finding] = []
    for item_id, state in launch.items.items():
        if state.verify is not None and item_id in templates:
            loc: PathKey = ("items", item_id, "verify")
            if (limit := blocks.take(loc)) is not None:
                findings.append(limit)
                break
            findings += _fill_findings(item_id, templates[item_id], state.verify)
            findings += _block_findings(loc, state.verify, allow_outside)
    problems = source.locate(findings)
    for loaded in [] if blocks.full else [c for c in checklists if not c.builtin]:
        found = []
        for index, item in enumerate(loaded.checklist.items):
            if item.verify is not None:
                if (limit := blocks.take(("items", index, "verify"))) is not None:
                    found.append(limit)
                    break
                found += _block_findings(("items", index, "verify"), item.verify, allow_outside)
        problems += loaded.source.locate(found)
        if blocks.full:
            break
    return problems


class _Blocks:
    """``verify:`` blocks counted against MAX_CHECK_BLOCKS."""

    def __init__(self) -> None:
        self.count = 0
        self.full = False

    def take(self, loc: PathKey) -> Finding | None:
        """None while there is room; the finding that says there is none, once."""
        self.count += 1
        if self.count <= MAX_CHECK_BLOCKS:
            return None
        self.full = True
        return Finding(
            loc,
            f"more than {MAX_CHECK_BLOCKS:,} checks (verify:) in one launch, its file and "
            f"team checklists together; gtm-check runs at most {MAX_CHECK_BLOCKS:,}",
        )


def _block_findings(loc: PathKey, check: AnyCheck, allow_outside: bool) -> list[Finding]:
    found = _path_findings(loc, check, allow_outside=allow_outside)
    if isinstance(check, FileCheck) and check.matches is not None:
        why = pattern_problem(check.matches)
        if why is not None:
            found.append(Finding((*loc, "matches"), f"matches: {why}"))
    return found


def _fill_findings(item_id: str, template: AnyCheck | None, fill: AnyCheck) -> list[Finding]:
    loc: PathKey = ("items", item_id, "verify")
    if template is not None and template.target is not None:
        return [
            Finding(
                loc,
                f"the checklist already checks {item_id} ({describe(template)}); a launch "
                "file cannot change a complete check",
            )
        ]
    if template is not None and template.kind != fill.kind:
        target = TARGETS[template.kind]
        return [
            Finding(
                loc,
                f"the checklist checks {item_id} with a {template.kind} check: give its "
                f"{target}: rather than {TARGETS[fill.kind]}:",
            )
        ]
    set_by_checklist = template.model_dump(exclude_none=True) if template else {}
    given = fill.model_dump(exclude_none=True, exclude={"kind"})
    findings = [
        Finding(
            (*loc, key),
            f"{key} is set by the checklist ({quoted(set_by_checklist[key])}); a "
            f"launch file fills in only what the checklist leaves out",
            key=True,
        )
        for key in given
        if key in set_by_checklist
    ]
    if fill.target is None:
        findings.append(
            Finding(loc, f"give {TARGETS[fill.kind]}: the {fill.kind} this launch checks")
        )
    return findings


def _path_findings(loc: PathKey, check: AnyCheck, *, allow_outside: bool) -> list[Finding]:
    """A file check's path is in the repository: never absolute, never through ``..``
    (unless ``allow_outside``), and never into ``.git`` (even so)."""
    if not isinstance(check, FileCheck) or check.path is None:
        return []
    path = check.path
    if any(part.casefold() == ".git" for part in PurePosixPath(path.replace("\\", "/")).parts):
        return [
            Finding(
                (*loc, "path"),
                f"path {quoted(path)} leads into git's own folder, which a check may not read",
            )
        ]
    if allow_outside:
        return []
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute():
        why = "is absolute"
    elif ".." in PurePosixPath(path.replace("\\", "/")).parts:
        why = "climbs out with '..'"
    else:
        return []
    return [
        Finding(
            (*loc, "path"),
            f"path {quoted(path)} {why}; write it from the repository's root (or pass "
            "--allow-outside)",
        )
    ]


def _unknown_references(data: dict[str, Any], ids: _IdIndex) -> list[Finding]:
    items = data.get("items")
    out = Capped()
    for item_id in items if isinstance(items, dict) else {}:
        if isinstance(item_id, str) and item_id not in ids.ids and not ids.explained(item_id):
            if out.room(("items", item_id)):
                out.add(ids.unknown(("items", item_id), "unknown item id", item_id, key=True))
    waivers = data.get("waivers")
    for index, waiver in enumerate(waivers if isinstance(waivers, list) else []):
        item = waiver.get("item") if isinstance(waiver, dict) else None
        if isinstance(item, str) and item not in ids.ids and not ids.explained(item):
            loc: PathKey = ("waivers", index, "item")
            if out.room(loc):
                out.add(ids.unknown(loc, "waiver for unknown item id", item))
    return out.all()


LISTED_TRAITS = 40
"""Up to this many known traits, an unknown one's message lists them all."""
LISTED_DEPARTMENTS = 40
"""Up to this many known departments, an unknown ``owners:`` key's message lists them all;
past that, only a did-you-mean. Team checklists can name thousands of departments, and
each unknown key would carry the whole list."""


def _unknown_traits(
    data: dict[str, Any], known: frozenset[str], suggestions: Suggestions
) -> list[Finding]:
    traits = data.get("traits")
    listed = ", ".join(sorted(known)) if len(known) <= LISTED_TRAITS else None
    out = Capped()
    for index, trait in enumerate(traits if isinstance(traits, list) else []):
        if isinstance(trait, str) and trait not in known and out.room(("traits", index)):
            hint = suggestions.hint(trait, known)
            if hint is None and listed is not None:
                hint = f"known traits: {listed}"
            out.add(Finding(("traits", index), f"unknown trait {quoted(trait)}", hint=hint))
    return out.all()


def _unknown_departments(
    data: dict[str, Any], checklists: Sequence[LoadedChecklist], suggestions: Suggestions
) -> list[Finding]:
    """``owners:`` keys that name no department: a misspelt one would leave its items
    without the owner the file means them to have."""
    owners = data.get("owners")
    known = set(DEPARTMENTS) | {c.checklist.department for c in checklists}
    listed = None
    if len(known) <= LISTED_DEPARTMENTS:
        listed = f"the departments: {', '.join(sorted(clipped(name) for name in known))}"
    out = Capped()
    for key in owners if isinstance(owners, dict) else {}:
        if isinstance(key, str) and key not in known and out.room(("owners", key)):
            hint = suggestions.hint(key, known) or listed
            out.add(
                Finding(("owners", key), f"unknown department {quoted(key)}", hint=hint, key=True)
            )
    return out.all()


def _milestone_problems(
    data: dict[str, Any], source: Source, taken: Sequence[Problem], suggestions: Suggestions
) -> list[Problem]:
    """Milestones that clash with each other or the launch date, and ``by:`` names that no
    milestone has; a place that already has a problem gets no second one."""
    found = source.locate([*_milestone_findings(data), *_by_findings(data, suggestions)])
    return _elsewhere(found, taken)


def _milestones(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    listed = data.get("milestones")
    return [(i, m) for i, m in enumerate(listed if isinstance(listed, list) else [])
            if isinstance(m, dict)]  # fmt: skip


def _milestone_findings(data: dict[str, Any]) -> list[Finding]:
    launch_date = data.get("launch_date")
    seen: dict[str, int] = {}
    out = Capped()
    for index, milestone in _milestones(data):
        name, date = milestone.get("name"), milestone.get("date")
        if isinstance(name, str) and name in seen:
            if out.room(("milestones", index, "name")):
                out.add(
                    Finding(
                        ("milestones", index, "name"),
                        f"milestone {quoted(name)} is listed twice (first as milestone "
                        f"{seen[name] + 1})",
                    )
                )
        elif isinstance(name, str):
            seen[name] = index
        if isinstance(date, dt.date) and isinstance(launch_date, dt.date) and date >= launch_date:
            if out.room(("milestones", index, "date")):
                out.add(
                    Finding(
                        ("milestones", index, "date"),
                        f"milestone {quoted(name)} is on {date}, not before the launch date "
                        f"{launch_date}: launch day is the gate's",
                    )
                )
    return out.all()


LISTED_MILESTONES = 20
"""Up to this many milestones, an unknown ``by:`` with no close match lists them all."""


def _by_findings(data: dict[str, Any], suggestions: Suggestions) -> list[Finding]:
    names = list(
        dict.fromkeys(m["name"] for _, m in _milestones(data) if isinstance(m.get("name"), str))
    )
    known = frozenset(names)
    if not names:
        listed = "the launch file has none"
    elif len(names) <= LISTED_MILESTONES:
        listed = "the milestones: " + ", ".join(clipped(name) for name in names)
    else:
        listed = f"the launch file has {len(names):,} milestones, none of that name"
    items = data.get("items")
    out = Capped()
    for item_id, state in (items if isinstance(items, dict) else {}).items():
        by = state.get("by") if isinstance(state, dict) else None
        if not isinstance(by, str):
            continue
        loc: PathKey = ("items", item_id, "by")
        if by not in known:
            if out.room(loc):
                hint = suggestions.hint(by, names) or listed
                out.add(Finding(loc, f"unknown milestone {quoted(by)}", hint=hint))
        elif state.get("due") is not None and out.room(loc):
            out.add(Finding(loc, f"{item_id} has both due and by: give one due date"))
    return out.all()
