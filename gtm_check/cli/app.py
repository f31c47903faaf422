"""The Typer application every command registers on: guarded, plain help, global options."""

from __future__ import annotations

import typer

from gtm_check.cli.global_options import global_options
from gtm_check.cli.guard import GuardedGroup

app = typer.Typer(
    name="gtm-check",
    cls=GuardedGroup,
    help="Go-to-market readiness across the customer journey: learn, buy, use, grow.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain (not Rich) help and usage errors: one readable line on stderr, and no Rich import
    # for commands that do not draw tables.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.callback()(global_options)
