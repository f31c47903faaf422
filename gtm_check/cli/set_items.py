"""``gtm-check set``: change items in place, or move the launch (``cli/launch_date.py``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from gtm_check.authoring.edit import Value, set_items
from gtm_check.authoring.launchfile import describe, editing, load_text, placements, state_of
from gtm_check.cli import values
from gtm_check.cli.app import app
from gtm_check.cli.dates import given_date, parse_date
from gtm_check.cli.edit_policy import EditPolicy
from gtm_check.cli.editing import AsOf, LaunchArg, arrow, commit, known_items
from gtm_check.cli.exits import EXIT_GATE_FAILED
from gtm_check.cli.help import PlainCommand
from gtm_check.cli.launch_date import Reschedule, reschedule
from gtm_check.cli.params import AllowOutside, PolicyOption
from gtm_check.load.launch import LoadedLaunch
from gtm_check.model.safetext import visible
from gtm_check.model.vocabulary import Status
from gtm_check.pipeline.extras import check_items

ItemsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="ITEM...",
        help="Item ids to change.",
        show_default=False,
        parser=values.text("an item id"),
    ),
]


def _text(name: str, help_text: str, what: str) -> Any:
    return typer.Option(name, help=help_text, parser=values.text(what))


StatusOption = Annotated[
    str | None,
    typer.Option(
        "--status",
        metavar="STATUS",
        help="todo, in-progress, blocked, done or n/a; done also records done_on: the date "
        "(today, or --as-of).",
        parser=values.choice("status", [status.value for status in Status]),
    ),
]
OwnerOption = Annotated[
    str | None,
    _text("--owner", "Who owns the items.", "who owns the items, e.g. an e-mail address"),
]
DueOption = Annotated[
    str | None, typer.Option("--due", metavar="YYYY-MM-DD", help="Due date.", parser=values.date)
]
EvidenceOption = Annotated[
    str | None, _text("--evidence", "Where the proof is (a link).", "where the proof is (a link)")
]
NoteOption = Annotated[str | None, _text("--note", "A note for readers.", "a note for readers")]
LaunchDateOption = Annotated[
    str | None,
    typer.Option(
        "--launch-date",
        metavar="YYYY-MM-DD",
        help="Move the launch (no ITEM): due dates from lead times follow it; due: dates the "
        "file sets stay and are listed when they fall after it or before today.",
        parser=values.date,
    ),
]
DropDerivedOption = Annotated[
    bool,
    typer.Option(
        "--drop-derived-dates",
        help="Drop each due: that equals the date a lead time of its checklist gives (as an "
        "earlier init wrote them), so that the item follows the launch date (no ITEM).",
    ),
]
VerifyOption = Annotated[
    bool,
    typer.Option(
        "--verify",
        help="Run each item's check (verify:) now and record it as evidence (the address or "
        "the path) if it passes; if one fails, exit 1 and write nothing.",
    ),
]
DryRunOption = Annotated[
    bool,
    typer.Option(
        "--dry-run", help="With --launch-date or --drop-derived-dates: say what would change."
    ),
]


@app.command(
    "set",
    cls=PlainCommand,
    short_help="Change items in place, or move the launch date.",
)
def set_command(
    launch: LaunchArg,
    items: ItemsArg = None,
    status: StatusOption = None,
    owner: OwnerOption = None,
    due: DueOption = None,
    evidence: EvidenceOption = None,
    note: NoteOption = None,
    as_of: AsOf = None,
    allow_outside: AllowOutside = False,
    launch_date: LaunchDateOption = None,
    drop_derived_dates: DropDerivedOption = False,
    dry_run: DryRunOption = False,
    verify: VerifyOption = False,
    policy: PolicyOption = None,
) -> None:
    """Change items of a launch file in place; every other line stays as it was. Or move
    the launch (--launch-date), or drop the due dates an earlier init froze into it.

    The result is validated before it is written, and written atomically; if the file
    changed meanwhile, nothing is written (exit 2). With --verify, a check that fails
    writes nothing (exit 1).
    \f
    Long because every option is a parameter; the edits are in authoring.edit.
    """
    day = parse_date(as_of) or dt.date.today()
    if launch_date is not None or drop_derived_dates or dry_run:
        given = [status, owner, due, evidence, note, verify or None]
        moving = Reschedule(
            launch,
            parse_date(launch_date, "--launch-date"),
            drop_derived_dates,
            dry_run,
            day,
            allow_outside,
            policy,
        )
        return _reschedule(moving, items or [], any(v is not None for v in given))
    items, fields = _fields(items, status, owner, due, evidence, note, verify=verify)
    with editing(launch, allow_outside=allow_outside) as opened:
        loaded = load_text(opened, opened.text, allow_outside=allow_outside)
        known_items(loaded, items, "ITEM...")
        guard = EditPolicy.of(launch, loaded, policy, day, allow_outside=allow_outside)
        stamp = day if status == Status.DONE else None
        wanted, changes = _wanted(loaded, items, fields, stamp, restamp=as_of is not None)
        if verify:
            _verified(launch, loaded, items, wanted, changes, policy, allow_outside)
        if not changes:
            typer.echo(visible(f"{launch}: nothing to change"))
            return
        text = set_items(opened.text, wanted, placements(loaded, wanted), str(launch))
        commit(opened, text, changes, allow_outside=allow_outside, check=guard.check)


def _fields(
    items: list[str] | None,
    status: str | None,
    owner: str | None,
    due: str | None,
    evidence: str | None,
    note: str | None,
    *,
    verify: bool,
) -> tuple[list[str], dict[str, Value]]:
    """The items named and the fields to set in each; a usage error when either is empty
    (``--verify`` alone sets the evidence its check gives)."""
    if not items:
        raise typer.BadParameter(
            "name the items to change, or move the launch with --launch-date",
            param_hint="'ITEM...'",
        )
    fields: dict[str, Value] = {}
    for key, value in (("status", status), ("owner", owner), ("evidence", evidence)):
        if value is not None:
            fields[key] = value
    if due is not None:
        fields["due"] = given_date(due, "--due")
    if note is not None:
        fields["note"] = note
    if not fields and not verify:
        raise typer.BadParameter(
            "say what to change: --status, --owner, --due, --evidence, --note or --verify"
        )
    if verify and evidence is not None:
        raise typer.BadParameter(
            "--verify records the check as evidence: give --evidence or --verify",
            param_hint="'--evidence'",
        )
    return items, fields


def _reschedule(request: Reschedule, items: list[str], item_options: bool) -> None:
    """The launch's date rather than items: refused with item ids or their options."""
    if items or item_options:
        raise typer.BadParameter(
            "--launch-date, --drop-derived-dates and --dry-run change the launch, not items: "
            "change items in a set of their own",
            param_hint="'ITEM...'",
        )
    if request.to is None and not request.drop:
        raise typer.BadParameter(
            "--dry-run shows what --launch-date or --drop-derived-dates would change; give one",
            param_hint="'--dry-run'",
        )
    reschedule(request)


def _wanted(
    loaded: LoadedLaunch,
    items: list[str],
    fields: dict[str, Value],
    done_on: dt.date | None,
    *,
    restamp: bool,
) -> tuple[dict[str, dict[str, Value]], list[str]]:
    """Each item's fields that change, and the lines saying so. ``done_on``: the date a
    ``done`` records (an item already done keeps its date unless ``restamp``)."""
    wanted_by_item: dict[str, dict[str, Value]] = {}
    changes: list[str] = []
    for item in dict.fromkeys(items):
        old = state_of(loaded, item)
        wanted = dict(fields)
        if done_on is not None and (old.get("status") != Status.DONE or restamp):
            wanted["done_on"] = done_on
        wanted = {k: v for k, v in wanted.items() if old.get(k) != v}
        if wanted:
            wanted_by_item[item] = wanted
            changes += [_change(item, key, old.get(key), value) for key, value in wanted.items()]
    return wanted_by_item, changes


def _verified(
    launch: Path,
    loaded: LoadedLaunch,
    items: list[str],
    wanted: dict[str, dict[str, Value]],
    changes: list[str],
    policy: Path | None,
    allow_outside: bool,
) -> None:
    """Each item's check run now: its target recorded as evidence when it passes; when
    one fails, each failure said on standard error and exit 1, nothing written."""
    items = list(dict.fromkeys(items))
    results = check_items(launch, loaded, items, policy, allow_outside=allow_outside)
    failed = [(item, r) for item, r in results.items() if not r.passed]
    for item, result in failed:
        message = f"{item}: verification failed: {result.target}: {result.why}; nothing written"
        typer.echo(visible(message), err=True)
    if failed:
        raise typer.Exit(EXIT_GATE_FAILED)
    for item, result in results.items():
        old = state_of(loaded, item).get("evidence")
        typer.echo(visible(f"{item}: verified: {result.target}: {result.why}"))
        if old != result.target:
            wanted.setdefault(item, {})["evidence"] = result.target
            changes.append(_change(item, "evidence", old, result.target))


def _change(item: str, key: str, old: Any, new: Value) -> str:
    if key == "status":
        return f"{item}: {describe(old or Status.TODO.value)} {arrow()} {describe(new)}"
    return f"{item}: {key} {describe(old)} {arrow()} {describe(new)}"
