"""The command line: options in, the core called, an exit code out (``app``)."""

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
