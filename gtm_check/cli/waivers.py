"""``gtm-check waive`` and ``gtm-check unwaive``: add, renew or remove a waiver in place."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from gtm_check.authoring.edit import Value, unwaive, waive
from gtm_check.authoring.launchfile import editing, load_text
from gtm_check.cli.app import app
from gtm_check.cli.dates import given_date, parse_date
from gtm_check.cli.edit_policy import EditPolicy
from gtm_check.cli.editing import AsOf, LaunchArg, commit, known_items
from gtm_check.cli.help import PlainCommand
from gtm_check.cli.params import AllowOutside, PolicyOption
from gtm_check.cli.values import text
from gtm_check.load.launch import LoadedLaunch
from gtm_check.model.problems import Suggestions, clipped, quoted
from gtm_check.model.safetext import visible
from gtm_check.model.vocabulary import LONG_WAIVER_DAYS
from gtm_check.scoring.score import score_launch
from gtm_check.scoring.warnings import idle

ItemArg = Annotated[
    str,
    typer.Argument(
        metavar="ITEM", help="The item id.", show_default=False, parser=text("an item id")
    ),
]
Reason = Annotated[
    str | None,
    typer.Option(
        "--reason",
        help="Why launching without it is acceptable.",
        parser=text("why launching without it is acceptable"),
    ),
]
ApprovedBy = Annotated[
    str | None,
    typer.Option(
        "--approved-by", help="Who approved the waiver.", parser=text("who approved the waiver")
    ),
]
Expires = Annotated[
    str | None,
    typer.Option("--expires", metavar="YYYY-MM-DD", help="The last day the waiver credits it."),
]
Long = Annotated[
    bool,
    typer.Option("--long", help=f"Allow an expiry more than {LONG_WAIVER_DAYS} days away."),
]


@app.command(
    "waive",
    cls=PlainCommand,
    short_help="Add or renew a waiver for an item.",
)
def waive_command(
    launch: LaunchArg,
    item: ItemArg,
    reason: Reason = None,
    approved_by: ApprovedBy = None,
    expires: Expires = None,
    long: Long = False,
    as_of: AsOf = None,
    allow_outside: AllowOutside = False,
    policy: PolicyOption = None,
) -> None:
    """Waive an item until a date (renew its waiver if it has one), in place.

    --reason, --approved-by and --expires are all required; the expiry may not be in the
    past, nor more than a year away without --long. A waiver the policy does not allow
    (its approver, its length, a blocker) is refused, nothing written (exit 2).
    """
    until = _expiry(reason, approved_by, expires, as_of, long=long)
    assert reason and approved_by
    fields: dict[str, Value] = {
        "item": item,
        "reason": reason.strip(),
        "approved_by": approved_by.strip(),
        "expires": until,
    }
    with editing(launch, allow_outside=allow_outside) as opened:
        loaded = load_text(opened, opened.text, allow_outside=allow_outside)
        known_items(loaded, [item], "ITEM")
        day = parse_date(as_of) or dt.date.today()
        guard = EditPolicy.of(launch, loaded, policy, day, allow_outside=allow_outside)
        renewing = item in (w.item for w in loaded.launch.waivers)
        text = waive(opened.text, fields, str(launch))
        verb = "waiver renewed" if renewing else "waived"
        change = f"{item}: {verb} until {until} (approved by {approved_by.strip()})"
        commit(opened, text, [change], allow_outside=allow_outside, check=guard.check)
    why = _credits_nothing(loaded, item, parse_date(as_of) or dt.date.today())
    if why:
        typer.echo(
            visible(f"gtm-check: warning: the waiver for {item} credits nothing: {why}"), err=True
        )


def _credits_nothing(loaded: LoadedLaunch, item: str, day: dt.date) -> str | None:
    """Why a waiver on ``item`` would credit nothing on ``day`` (see ``scoring.warnings``)."""
    report = score_launch(loaded.launch, [c.checklist for c in loaded.checklists], day)
    return idle(next((i for i in report.items if i.id == item), None), day, False)


@app.command(
    "unwaive",
    cls=PlainCommand,
    short_help="Remove an item's waiver.",
)
def unwaive_command(
    launch: LaunchArg,
    item: ItemArg,
    as_of: AsOf = None,
    allow_outside: AllowOutside = False,
    policy: PolicyOption = None,
) -> None:
    """Remove an item's waiver, in place; say so if it had already expired (as of today, or
    --as-of). Refused, nothing written (exit 2), if the launch would then break its
    policy where it did not before."""
    today = parse_date(as_of) or dt.date.today()
    with editing(launch, allow_outside=allow_outside) as opened:
        loaded = load_text(opened, opened.text, allow_outside=allow_outside)
        waived = list(dict.fromkeys(w.item for w in loaded.launch.waivers))
        if item not in waived:
            hint = Suggestions().hint(item, waived) or _waived(waived)
            raise typer.BadParameter(f"no waiver for {quoted(item)} ({hint})", param_hint="'ITEM'")
        guard = EditPolicy.of(launch, loaded, policy, today, allow_outside=allow_outside)
        text = unwaive(opened.text, item, str(launch))
        ended = [w.expires for w in loaded.launch.waivers if w.item == item and w.expires < today]
        note = f" (it had expired on {ended[0]})" if ended else ""
        commit(
            opened,
            text,
            [f"{item}: waiver removed{note}"],
            allow_outside=allow_outside,
            check=guard.check,
        )


WAIVED_SHOWN = 5
"""The waived items a "no waiver" message names before it counts the rest."""


def _waived(waived: list[str]) -> str:
    """The items the file waives, for a message: the first few, each cut short, then how
    many more (a file may hold 50,000, and an id 100,000 characters)."""
    if not waived:
        return "the file has no waivers"
    shown = ", ".join(clipped(w) for w in waived[:WAIVED_SHOWN])
    more = len(waived) - WAIVED_SHOWN
    return f"waived: {shown}" + (f" and {more:,} more" if more > 0 else "")


def _expiry(
    reason: str | None,
    approved_by: str | None,
    expires: str | None,
    as_of: str | None,
    *,
    long: bool,
) -> dt.date:
    """The waiver's expiry, once all three parts are there and the date is acceptable."""
    missing = [
        name
        for name, value in (
            ("--reason", reason),
            ("--approved-by", approved_by),
            ("--expires", expires),
        )
        if not (value or "").strip()
    ]
    if missing:
        raise typer.BadParameter(
            f"a waiver needs a reason, an approver and an expiry; missing: {', '.join(missing)}",
            param_hint=f"'{missing[0]}'",
        )
    assert expires
    until = given_date(expires, "--expires")
    today = parse_date(as_of) or dt.date.today()
    if until < today:
        raise typer.BadParameter(
            f"{until} is in the past (today is {today})", param_hint="'--expires'"
        )
    if (until - today).days > LONG_WAIVER_DAYS and not long:
        raise typer.BadParameter(
            f"{until} is more than {LONG_WAIVER_DAYS} days away; pass --long if that is meant",
            param_hint="'--expires'",
        )
    return until
