"""Dates on the command line: ``YYYY-MM-DD``, or a usage error that names the option."""

from __future__ import annotations

import datetime as dt

import typer

from gtm_check.cli.values import EMPTY
from gtm_check.model.problems import parse_date as parse_calendar_date


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    """The date ``value`` names (None when it is not given; an empty one is refused, never
    taken for today)."""
    if value is None:
        return None
    date, why = parse_calendar_date(value)
    if date is None:
        if not value.strip():
            why = f"{EMPTY}; give a date as YYYY-MM-DD, e.g. 2027-03-01"
        raise typer.BadParameter(why, param_hint=f"'{option}'")
    return date


def given_date(value: str, option: str) -> dt.date:
    """The date ``value`` names, for an option that was given."""
    date = parse_date(value, option)
    assert date is not None  # parse_date refuses an empty value and returns None only for None
    return date
