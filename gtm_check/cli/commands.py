"""Every command registered on the Typer application, in the order ``--help`` lists them."""

from gtm_check.cli import (
    audit,
    checklists,
    diff,
    init,
    owners,
    plan,
    schema,
    set_items,
    trend,
    validate,
    waivers,
)
from gtm_check.cli.app import app

__all__ = [
    "app",
    "audit",
    "checklists",
    "diff",
    "init",
    "owners",
    "plan",
    "schema",
    "set_items",
    "trend",
    "validate",
    "waivers",
]
