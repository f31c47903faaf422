"""``gtm-check owners`` in each format: a ranked table, Markdown, JSON."""

from __future__ import annotations

import textwrap
from typing import Any

from gtm_check.model.safetext import command_free, visible
from gtm_check.report import RenderOptions
from gtm_check.report.markdown import cell, text
from gtm_check.report.shared import json_text
from gtm_check.scoring.owners import OwnersReport

_COLUMNS = ("Open", "Weight", "Blockers", "Overdue", "Waiting")


def _row(load: Any) -> tuple[str, ...]:
    return (
        str(load.open),
        f"{load.open_weight:g}",
        str(load.open_blockers),
        str(load.overdue),
        str(load.waiting),
    )


def render_table(result: OwnersReport, options: RenderOptions) -> str:
    """One row per owner where the width allows; on a narrow terminal each owner's name on
    a line of its own, the figures on the next, under the headings printed once."""
    names = [visible(o.owner) for o in result.owners]
    rows = [_row(load) for load in result.owners]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) + 2 for i, c in enumerate(_COLUMNS)]
    width = max([len("Owner"), *map(len, names)])
    lines = [
        visible(result.report.launch.title),
        f"open work by owner, as of {result.report.launch.as_of}",
        "",
    ]
    if width + sum(widths) <= options.width:
        lines.append("Owner".ljust(width) + _cells(_COLUMNS, widths))
        lines += [n.ljust(width) + _cells(r, widths) for n, r in zip(names, rows, strict=True)]
    else:
        widths = [w - 1 for w in widths]  # one space between figures: 37 columns in all
        lines += ["Owner", _cells(_COLUMNS, widths)]
        for name, row in zip(names, rows, strict=True):
            lines += [name, _cells(row, widths)]
    if result.unowned_blockers:
        lines += ["", f"Open blockers with no owner ({len(result.unowned_blockers)})"]
        for item in result.unowned_blockers:
            lines += textwrap.wrap(
                visible(f"{item.id} [{item.stage}] {item.title}"),
                max(options.width, 40),
                initial_indent="  ",
                subsequent_indent="    ",
                break_long_words=False,
                break_on_hyphens=False,
            )
    note = "Waiting: other open items that require one of the owner's open items."
    lines += ["", *textwrap.wrap(note, max(options.width, 40))]
    return command_free("\n".join(lines) + "\n")  # wrapped titles may start a line


def _cells(values: tuple[str, ...], widths: list[int]) -> str:
    return "".join(f"{v:>{w}}" for v, w in zip(values, widths, strict=True))


def render_markdown(result: OwnersReport, options: RenderOptions) -> str:
    lines = [
        f"### {text(result.report.launch.title)}: open work by owner",
        "",
        "| Owner | " + " | ".join(_COLUMNS) + " |",
        "|---|" + "---:|" * len(_COLUMNS),
    ]
    for load in result.owners:
        lines.append(f"| {cell(load.owner)} | " + " | ".join(_row(load)) + " |")
    if result.unowned_blockers:
        lines += ["", f"**Open blockers with no owner ({len(result.unowned_blockers)}):**", ""]
        lines += [f"- `{i.id}` {text(i.title)} ({i.stage})" for i in result.unowned_blockers]
    return "\n".join(lines) + "\n"


def render_json(result: OwnersReport, options: RenderOptions) -> str:
    data = {
        "launch": result.report.launch.name,
        "as_of": result.report.launch.as_of.isoformat(),
        "owners": [
            {
                "owner": o.owner,
                "open": o.open,
                "open_weight": o.open_weight,
                "open_blockers": o.open_blockers,
                "overdue": o.overdue,
                "waiting": o.waiting,
            }
            for o in result.owners
        ],
        "unowned_blockers": [i.id for i in result.unowned_blockers],
    }
    return json_text(data)
