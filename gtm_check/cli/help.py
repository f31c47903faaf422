"""Help that reads like the README: the command class every command is registered with."""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperCommand


class PlainCommand(TyperCommand):
    """Help that reads like the README: no Python type names beside the arguments, and
    ``LAUNCH...`` rather than ``{LAUNCH}...`` in the usage line."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:  # typer.Context, as in its base
        return [_BRACED.sub(r"\1", piece) for piece in super().collect_usage_pieces(ctx)]

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


_TYPE_NAME = re.compile(r" <(?:list\[\w+\]|path|str|int|float)>", re.IGNORECASE)
_BRACED = re.compile(r"^\{(\w+)\}")
