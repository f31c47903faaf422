"""``gtm-check owners`` in each format: a ranked table, Markdown, JSON."""

from __future__ import annotations

from typing import Any

from gtm_check.model.safetext import visible
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
    names = [visible(o.owner) for o in result.owners]
    width = max([len("Owner"), *map(len, names)])
    lines = [
        visible(result.report.launch.title),
        f"open work by owner, as of {result.report.launch.as_of}",
        "",
        "Owner".ljust(width) + "".join(f"{c:>10}" for c in _COLUMNS),
    ]
    for name, load in zip(names, result.owners, strict=True):
        lines.append(name.ljust(width) + "".join(f"{v:>10}" for v in _row(load)))
    if result.unowned_blockers:
        lines += ["", f"Open blockers with no owner ({len(result.unowned_blockers)})"]
        lines += [visible(f"  {i.id} [{i.stage}] {i.title}") for i in result.unowned_blockers]
    lines += ["", "Waiting: other open items that require one of the owner's open items."]
    return "\n".join(lines) + "\n"


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
