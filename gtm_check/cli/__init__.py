"""The command line: options in, the core called, an exit code out (``app``)."""

from gtm_check.cli import audit, checklists, init, schema, set_items, validate, waivers
from gtm_check.cli.app import app

__all__ = ["app", "audit", "checklists", "init", "schema", "set_items", "validate", "waivers"]
