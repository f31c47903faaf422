"""Help and usage errors that read like the README: the classes every command is made of."""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperCommand, TyperGroup

from gtm_check.cli.usage import no_such_command, said_plainly


class PlainCommand(TyperCommand):
    """Help that reads like the README: no Python type names beside the arguments, and
    ``LAUNCH...`` rather than ``{LAUNCH}...`` in the usage line; mistakes on its command
    line said in our words (``cli/usage.py``)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer.Context
        with said_plainly(ctx):
            return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        with said_plainly(ctx):
            return super().invoke(ctx)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:  # typer.Context, as in its base
        return [_unbraced(piece) for piece in super().collect_usage_pieces(ctx)]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"argument": [], "option": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None and param.param_type_name in sections:
                name, text = record
                sections[param.param_type_name].append((_TYPE_NAME.sub("", name), text))
        for title, kind in (("Arguments", "argument"), ("Options", "option")):
            if sections[kind]:
                with formatter.section(title):
                    formatter.write_dl(sections[kind])


class PlainGroup(TyperGroup):
    """A group of commands whose own command line (an unknown command, a missing one) is
    said in our words too."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        with said_plainly(ctx):
            return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and self.get_command(ctx, args[0]) is None and not args[0].startswith("-"):
            raise no_such_command(ctx, args[0], self.list_commands(ctx))
        with said_plainly(ctx):
            return super().resolve_command(ctx, args)


def _unbraced(piece: str) -> str:
    """``{ITEM...}...`` and ``{LAUNCH}...`` as ``ITEM...`` and ``LAUNCH...``; an optional
    ``[ITEM...]...`` as ``[ITEM...]``."""
    braced = _BRACED.match(piece)
    if braced is None:
        return piece
    opening, name, many = braced.group(1), braced.group(2), bool(braced.group(3) or braced.group(4))
    shown = name + ("..." if many else "")
    return f"[{shown}]" if opening == "[" else shown


_TYPE_NAME = re.compile(r" <(?:list\[\w+\]|path|str|int|float)>", re.IGNORECASE)
_BRACED = re.compile(r"^([{\[])(\w+)(\.\.\.)?[}\]](\.\.\.)?$")
