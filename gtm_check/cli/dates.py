"""Dates on the command line: ``YYYY-MM-DD``, or a usage error that names the option."""

from __future__ import annotations

import datetime as dt

import typer

from gtm_check.model.problems import parse_date as parse_calendar_date


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    """The date ``value`` names (None when it is not given)."""
    if not value:
        return None
    date, why = parse_calendar_date(value)
    if date is None:
        raise typer.BadParameter(why, param_hint=f"'{option}'")
    return date
