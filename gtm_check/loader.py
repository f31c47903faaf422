"""Finds and reads launch files and checklists, and turns them into validated models.

Every problem is reported with the file, line and column where it was written; all problems
in a file are reported together.
"""

from __future__ import annotations

import dataclasses
import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from gtm_check import yamltree
from gtm_check.errors import GtmCheckError, Problem, did_you_mean, quoted
from gtm_check.models import Checklist, Launch
from gtm_check.validation import kind_of, problems_from_validation
from gtm_check.vocabulary import DEPARTMENTS, TRAITS
from gtm_check.yamltree import PathKey

if TYPE_CHECKING:
    from gtm_check.results import Location

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest launch or checklist file read (64 MiB, room for about 400,000 items)."""

BUILTIN = "builtin"

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class LoadedChecklist:
    checklist: Checklist
    document: yamltree.Document
    builtin: bool
    path: Path | None = None
    """The file read; None only for checklists not read from a file."""
    reference: PathKey = ("checklists",)
    """Where in the launch file this checklist was named."""


@dataclass(frozen=True)
class LoadedLaunch:
    """A launch file and every checklist it names, checked against each other."""

    launch: Launch
    document: yamltree.Document
    checklists: tuple[LoadedChecklist, ...]
    known_traits: frozenset[str] = field(default_factory=frozenset)

    @property
    def item_count(self) -> int:
        return sum(len(c.checklist.items) for c in self.checklists)

    @property
    def files(self) -> list[Path]:
        """Every file this launch was read from: the launch file and its checklists."""
        return [Path(self.document.path), *(c.path for c in self.checklists if c.path)]

    def locations(self) -> dict[str, Location]:
        """Where each item's state is set: its entry in the launch file if it has one, else
        the item in a team checklist, else (built-in items) where the launch file names the
        checklist. Reports that point at lines (GitHub annotations) use this."""
        from gtm_check.results import Location  # scoring's types: not needed to validate

        found: dict[str, Location] = {}
        loc: PathKey
        for loaded in self.checklists:
            for index, item in enumerate(loaded.checklist.items):
                if ("items", item.id) in self.document.keys:
                    document, loc, key = self.document, ("items", item.id), True
                elif loaded.builtin:
                    document, loc, key = self.document, loaded.reference, False
                else:
                    document, loc, key = loaded.document, ("items", index), False
                line, column = document.position(loc, key=key)
                found[item.id] = Location(path=document.path, line=line, column=column)
        return found


def builtin_dir() -> Path:
    """Where the built-in checklists are: inside the installed package, or the source tree."""
    packaged = Path(str(resources.files("gtm_check"))) / "checklists"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "checklists"


def builtin_names() -> list[str]:
    """Built-in checklist names, in report order (the documented departments first)."""
    names = [p.stem for p in builtin_dir().glob("*.yaml")]
    order = list(DEPARTMENTS)
    return sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))


def load_builtin(names: Sequence[str] | None = None) -> list[LoadedChecklist]:
    """The built-in checklists (all, or those named), in report order."""
    return [
        load_checklist(builtin_dir() / f"{name}.yaml", f"builtin:{name}", builtin=True)
        for name in (builtin_names() if names is None else names)
    ]


def read_text(path: Path, display: str) -> str:
    """The file's text, or a located error saying why it cannot be read."""
    try:
        if path.is_dir():
            raise GtmCheckError.single(display, "is a directory, not a file")
        if path.exists() and not path.is_file():
            # A FIFO or a device would block or never end.
            raise GtmCheckError.single(display, "is not a regular file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise GtmCheckError.single(
                display, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise GtmCheckError.single(display, "no such file") from None
    except PermissionError:
        raise GtmCheckError.single(display, "permission denied") from None
    except OSError as exc:
        raise GtmCheckError.single(display, f"cannot read: {exc.strerror or exc}") from None
    try:
        # utf-8-sig: a byte-order mark, which some editors write, is not part of the text.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise GtmCheckError.single(
            display, "not valid UTF-8 text", line=line, column=column
        ) from None


@contextmanager
def _no_gc() -> Iterator[None]:
    # Parsing builds many small objects that all stay alive; the cyclic garbage collector
    # would rescan the growing tree again and again (super-linear on large files).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_model(text: str, display: str, model: type[ModelT]) -> tuple[ModelT, yamltree.Document]:
    """Parse YAML text into ``model``; raise GtmCheckError listing every problem found."""
    with _no_gc():
        document = yamltree.parse(text, display)
        instance, problems = _validate(document, model)
    if instance is None or problems:
        raise GtmCheckError(problems)
    document.data = None  # the model holds it all now; the raw copy would double memory
    return instance, document


def _validate(
    document: yamltree.Document, model: type[ModelT]
) -> tuple[ModelT | None, list[Problem]]:
    """The model, or None, and every problem: the parser's and the validator's together."""
    problems = list(document.problems)
    if not isinstance(document.data, dict):
        kind = "nothing" if document.data is None else kind_of(document.data)
        problems.append(
            document.problem((), f"expected a mapping of keys to values at the top, got {kind}")
        )
        return None, problems
    try:
        return model.model_validate(document.data), problems
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc, document, model))
        return None, problems


# Each checklist file is read once per process, however many launches name it (a portfolio
# of launches usually shares the built-in checklists). Keyed by the real path and the file's
# size and modification time, so that a file changed in between is read again.
_CHECKLISTS: dict[tuple[Path, int, int], LoadedChecklist] = {}


def load_checklist(path: Path, display: str, *, builtin: bool = False) -> LoadedChecklist:
    try:
        stat = path.stat()
        key = (path.resolve(), stat.st_size, stat.st_mtime_ns)
    except OSError:
        return _read_checklist(path, display, builtin=builtin)
    if key not in _CHECKLISTS:
        _CHECKLISTS[key] = _read_checklist(path, display, builtin=builtin)
    return _CHECKLISTS[key]


def _read_checklist(path: Path, display: str, *, builtin: bool) -> LoadedChecklist:
    checklist, document = parse_model(read_text(path, display), display, Checklist)
    problems = [
        document.problem(
            ("items", index, "id"),
            f"item id {quoted(item.id)} must start with its department '{checklist.department}.'",
        )
        for index, item in enumerate(checklist.items)
        if item.department != checklist.department
    ]
    if problems:
        raise GtmCheckError(problems)
    return LoadedChecklist(checklist, document, builtin, path)


def load_launch(path: Path, *, allow_outside: bool = False) -> LoadedLaunch:
    """Read a launch file and its checklists and check that they agree with each other.

    Reports every problem it can find in one go: the launch file's own, the checklists',
    and references between them (unknown item ids and traits), even when the launch file
    has other problems too.
    """
    display = str(path)
    text = read_text(path, display)
    with _no_gc():
        document = yamltree.parse(text, display)
        launch, problems = _validate(document, Launch)
    data = document.data if isinstance(document.data, dict) else {}
    refs = data.get("checklists", [BUILTIN])
    checklists: list[LoadedChecklist] = []
    if isinstance(refs, list) and all(isinstance(r, str) for r in refs):
        try:
            checklists = _load_checklists(refs, document, path.parent, allow_outside=allow_outside)
        except GtmCheckError as exc:
            problems.extend(exc.problems)
    known_traits = frozenset(TRAITS) | {
        trait for c in checklists for item in c.checklist.items for trait in item.applies_if
    }
    if checklists and not any(p.path != display for p in problems):
        taken = {(p.line, p.column) for p in problems}
        references = [
            *_duplicate_ids(checklists),
            *_requirements(checklists),
            *_unknown_references(data, document, checklists),
            *_unknown_traits(data, document, known_traits),
        ]
        problems.extend(p for p in references if (p.line, p.column) not in taken)
    if problems or launch is None:
        raise GtmCheckError(problems)
    document.data = None  # the model holds it all now; the raw copy would double memory
    return LoadedLaunch(launch, document, tuple(checklists), known_traits)


def _load_checklists(
    refs: Sequence[str], document: yamltree.Document, folder: Path, *, allow_outside: bool
) -> list[LoadedChecklist]:
    problems: list[Problem] = []
    targets: list[tuple[Path, str, bool, PathKey]] = []
    names = builtin_names()
    for index, ref in enumerate(refs):
        loc: PathKey = ("checklists", index)
        if ref == BUILTIN:
            targets.extend((builtin_dir() / f"{n}.yaml", f"builtin:{n}", True, loc) for n in names)
        elif "/" not in ref and "\\" not in ref and not ref.endswith((".yaml", ".yml")):
            if ref in names:
                targets.append((builtin_dir() / f"{ref}.yaml", f"builtin:{ref}", True, loc))
            else:
                problems.append(
                    document.problem(
                        loc,
                        f"no built-in checklist named {quoted(ref)}",
                        hint=did_you_mean(ref, [*names, BUILTIN])
                        or "write a relative path such as ./ours.yaml for your own",
                    )
                )
        else:
            try:
                target = _confined(folder, ref, allow_outside=allow_outside)
            except ValueError as exc:
                problems.append(document.problem(loc, str(exc)))
                continue
            targets.append((target, os.path.normpath(target), False, loc))

    loaded: list[LoadedChecklist] = []
    seen: set[Path] = set()
    for target, display, builtin, loc in targets:
        real = target.resolve()
        if real in seen:
            continue  # `builtin` and `legal` together name legal.yaml once
        seen.add(real)
        if not target.is_file():
            # A checklist that is not there is a mistake in the launch file: point at it.
            if target.is_dir():
                why = "is a directory, not a file"
            elif target.exists():
                why = "is not a regular file"
            else:
                why = "does not exist"
            named = refs[int(loc[1])]
            problems.append(document.problem(loc, f"checklist {quoted(named)} {why}"))
            continue
        try:
            checklist = load_checklist(target, display, builtin=builtin)
            loaded.append(dataclasses.replace(checklist, reference=loc))
        except GtmCheckError as exc:
            problems.extend(exc.problems)
    if problems:
        raise GtmCheckError(problems)
    return loaded


def _confined(folder: Path, ref: str, *, allow_outside: bool) -> Path:
    """The checklist path ``ref`` names, refusing one that leads out of ``folder``."""
    candidate = Path(ref)
    if allow_outside:
        return candidate if candidate.is_absolute() else folder / candidate
    if candidate.is_absolute():
        raise ValueError(
            f"checklist path {quoted(ref)} is absolute; use a path relative to the launch file "
            "(or pass --allow-outside)"
        )
    base = folder.resolve()
    target = (folder / candidate).resolve()
    if not target.is_relative_to(base):
        raise ValueError(
            f"checklist path {quoted(ref)} leads outside the launch file's folder "
            "(pass --allow-outside to read it anyway)"
        )
    return folder / candidate


def _duplicate_ids(checklists: Sequence[LoadedChecklist]) -> Iterable[Problem]:
    # Positions are looked up only for a duplicate: finding them means parsing a file again.
    first: dict[str, tuple[yamltree.Document, int]] = {}
    for loaded in checklists:
        for index, item in enumerate(loaded.checklist.items):
            loc = ("items", index, "id")
            if item.id in first:
                document, first_index = first[item.id]
                line = document.position(("items", first_index, "id"))[0]
                yield loaded.document.problem(
                    loc,
                    f"duplicate item id {quoted(item.id)} "
                    f"(first defined at {document.path}:{line})",
                )
            else:
                first[item.id] = (loaded.document, index)


def _requirements(checklists: Sequence[LoadedChecklist]) -> Iterable[Problem]:
    """Every `requires` names a loaded item in the same or an earlier stage."""
    stages = {item.id: item.stage for c in checklists for item in c.checklist.items}
    for loaded in checklists:
        for index, item in enumerate(loaded.checklist.items):
            for position, required in enumerate(item.requires):
                loc = ("items", index, "requires", position)
                if required not in stages:
                    yield loaded.document.problem(
                        loc,
                        f"{item.id} requires unknown item id {quoted(required)}",
                        hint=did_you_mean(required, stages.keys() - {item.id}),
                    )
                elif stages[required].order > item.stage.order:
                    yield loaded.document.problem(
                        loc,
                        f"{item.id} ({item.stage}) requires {required}, which is in the later "
                        f"stage '{stages[required]}'; a stage cannot wait on a later one",
                    )


def _unknown_references(
    data: dict[str, Any], document: yamltree.Document, checklists: Sequence[LoadedChecklist]
) -> Iterable[Problem]:
    ids = {item.id for c in checklists for item in c.checklist.items}
    items = data.get("items")
    for item_id in items if isinstance(items, dict) else {}:
        if item_id not in ids:
            yield document.problem(
                ("items", item_id),
                f"unknown item id {quoted(item_id)}",
                key=True,
                hint=did_you_mean(item_id, ids),
            )
    waivers = data.get("waivers")
    for index, waiver in enumerate(waivers if isinstance(waivers, list) else []):
        item = waiver.get("item") if isinstance(waiver, dict) else None
        if isinstance(item, str) and item not in ids:
            yield document.problem(
                ("waivers", index, "item"),
                f"waiver for unknown item id {quoted(item)}",
                hint=did_you_mean(item, ids),
            )


def _unknown_traits(
    data: dict[str, Any], document: yamltree.Document, known: frozenset[str]
) -> Iterable[Problem]:
    traits = data.get("traits")
    for index, trait in enumerate(traits if isinstance(traits, list) else []):
        if isinstance(trait, str) and trait not in known:
            yield document.problem(
                ("traits", index),
                f"unknown trait {quoted(trait)}",
                hint=did_you_mean(trait, known) or "known traits: " + ", ".join(sorted(known)),
            )
