"""``gtm-check set LAUNCH --launch-date DATE`` and ``--drop-derived-dates``: move the launch.

Due dates that come from lead times follow the launch date by themselves; this moves the
date in place (every other byte kept, as ``set`` edits items), lists the ``due:`` dates the
file keeps that now fall after the launch or before today, and refuses a move past a
milestone. ``--drop-derived-dates`` is the one-time clean-up of files an earlier ``init``
wrote with every lead time's date frozen in: it drops each ``due:`` equal to the date a lead
time of the item's checklist gives, so that the item follows the launch from then on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import typer

from gtm_check.authoring.edit import drop_due, set_launch_date
from gtm_check.authoring.launchfile import editing, load_text
from gtm_check.authoring.reschedule import Derived, Move, derived_dues, move, written_for
from gtm_check.cli.edit_policy import EditPolicy
from gtm_check.cli.editing import arrow, commit
from gtm_check.load.launch import LoadedLaunch
from gtm_check.load.yamltree import Finding
from gtm_check.model.problems import GtmCheckError, quoted
from gtm_check.model.safetext import visible

SHOWN = 10
"""The most items a list of kept due dates names before it says how many more."""


@dataclass(frozen=True)
class Reschedule:
    """What ``set`` was asked to do to the launch rather than to items."""

    launch: Path
    to: dt.date | None
    drop: bool
    dry_run: bool
    today: dt.date
    allow_outside: bool = False
    policy: Path | None = None
    """``--policy``: a policy the move may not break, beside the files found upward."""


def reschedule(request: Reschedule) -> None:
    """Read the launch file, work out the edit, and write it (or, with ``--dry-run``, say
    what it would be), all under the file's lock, as ``set`` edits items."""
    with editing(request.launch, allow_outside=request.allow_outside) as opened:
        loaded = load_text(opened, opened.text, allow_outside=request.allow_outside)
        guard = EditPolicy.of(
            request.launch,
            loaded,
            request.policy,
            request.today,
            allow_outside=request.allow_outside,
        )
        checklists = [c.checklist for c in loaded.checklists]
        dropped = derived_dues(loaded.launch, checklists) if request.drop else []
        text, changes = opened.text, []
        if dropped:
            text = drop_due(text, _ids(dropped), str(request.launch))
            verb = "would be dropped" if request.dry_run else "dropped"
            changes += [d.describe(verb) for d in dropped]
        notes = _drop_notes(loaded, request, dropped) if request.drop else []
        moved = None
        if request.to is not None and request.to != loaded.launch.launch_date:
            moved = move(
                loaded.launch, checklists, request.to, request.today, dropping=_ids(dropped)
            )
            _refuse_milestones(loaded, moved)
            text = set_launch_date(text, request.to, str(request.launch))
            changes.insert(0, f"launch_date: {moved.old} {arrow()} {moved.to} ({moved.shift})")
            notes += _move_notes(loaded, request, moved, dropped)
        if not changes:
            typer.echo(visible(f"{request.launch}: nothing to change"))
        elif request.dry_run:
            for change in changes:
                typer.echo(visible(change))
            notes.append(f"dry run: nothing written to {request.launch}")
        else:
            commit(opened, text, changes, allow_outside=request.allow_outside, check=guard.check)
    for note in notes:
        typer.echo(visible(note))


def _ids(dropped: list[Derived]) -> list[str]:
    return [d.item for d in dropped]


def _refuse_milestones(loaded: LoadedLaunch, moved: Move) -> None:
    """A milestone must come before launch day: a move past one is refused, located at
    the milestone's date, before anything is written."""
    if not moved.milestones:
        return
    findings = [
        Finding(
            ("milestones", index, "date"),
            f"cannot move the launch to {moved.to}: milestone {quoted(name)} is on {date}, "
            "which would not be before launch day; move or remove the milestone first",
        )
        for index, name, date in moved.milestones
    ]
    raise GtmCheckError(loaded.source.locate(findings))


def _move_notes(
    loaded: LoadedLaunch, request: Reschedule, moved: Move, dropped: list[Derived]
) -> list[str]:
    notes = [f"{moved.following} due dates that come from lead times follow the launch"]
    if loaded.launch.milestones:
        kept = ", ".join(f"{m.name} {m.date}" for m in loaded.launch.milestones)
        notes.append(f"milestones keep their dates: {kept}")
    notes += _listed("due: dates kept that now fall after the launch", moved.after_launch)
    notes += _listed(
        f"due: dates kept that fall before today ({request.today})", moved.before_today
    )
    if not request.drop:
        frozen = derived_dues(loaded.launch, [c.checklist for c in loaded.checklists])
        if frozen:
            notes.append(_frozen_note(len(frozen), request, moved))
    return notes


def _frozen_note(count: int, request: Reschedule, moved: Move) -> str:
    """Due dates an earlier init froze do not move: how to let them follow the launch."""
    note = (
        f"note: {count} of the kept due dates equal the date their lead time gave for "
        f"{moved.old}, as an earlier gtm-check init wrote them, so they do not move. "
    )
    if request.dry_run:
        return note + "Add --drop-derived-dates to let them follow the launch."
    return note + (
        f"To let them follow the launch, move it back and again with --drop-derived-dates: "
        f"gtm-check set {request.launch} --launch-date {moved.old}, then gtm-check set "
        f"{request.launch} --launch-date {moved.to} --drop-derived-dates"
    )


def _drop_notes(loaded: LoadedLaunch, request: Reschedule, dropped: list[Derived]) -> list[str]:
    if dropped:
        done = "would follow" if request.dry_run else "follow"
        return [f"{len(dropped)} due dates dropped: those items {done} the launch date"]
    notes = ["no due: date equals the date a lead time gives for this launch date"]
    other = written_for(loaded.launch, [c.checklist for c in loaded.checklists])
    if other is not None:
        notes.append(
            f"note: several due dates equal what their lead times give for a launch on "
            f"{other}, not {loaded.launch.launch_date}: if gtm-check init wrote them for that "
            f"date, run gtm-check set {request.launch} --launch-date {other}, then gtm-check "
            f"set {request.launch} --launch-date {loaded.launch.launch_date} "
            "--drop-derived-dates"
        )
    return notes


def _listed(heading: str, items: list[tuple[str, dt.date]]) -> list[str]:
    if not items:
        return []
    ordered = sorted(items, key=lambda entry: (entry[1], entry[0]))
    lines = [f"{heading} ({len(items)}):"]
    lines += [f"  {item}: due {due}" for item, due in ordered[:SHOWN]]
    if len(items) > SHOWN:
        lines.append(f"  … {len(items) - SHOWN} more")
    return lines
