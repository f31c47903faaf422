"""``gtm-check diff`` in each format: a terminal table, Markdown for a pull request, JSON."""

from __future__ import annotations

from typing import Any

from gtm_check.model.safetext import visible
from gtm_check.report import RenderOptions
from gtm_check.report.markdown import cell, text
from gtm_check.report.shared import MISSED_HEADING, POLICY_HEADING, drawn, json_text, score_text
from gtm_check.scoring.diff import ItemChange, LaunchDiff, Side, StageChange


def _side(side: Side) -> str:
    return f"{side.label} ({side.date})"


def _delta(change: StageChange) -> str:
    delta = change.delta
    return "" if delta is None or delta == 0 else f"{delta:+.1f}"


def headline(diff: LaunchDiff) -> str:
    """One line: the overall score before and after, and how many items moved."""
    old, new = diff.old.overall.score, diff.new.overall.score
    counts = diff.counts()
    moved = ", ".join(counts) if counts else "no item changed"
    return f"overall {score_text(old)} → {score_text(new)} · {moved}"


def _change_line(change: ItemChange) -> str:
    line = f"{change.id} [{change.severity}, {change.stage}] {change.title}"
    if change.old is not None and change.new is not None:
        line += f": {change.old} → {change.new}"
    elif change.new is not None:
        line += f": {change.new}"
    if _owner_shown(change):
        line += f" · {change.owner}"
    return line


def _owner_shown(change: ItemChange) -> bool:
    """The item's owner after the change, unless the change itself names them."""
    return bool(change.owner) and change.owner not in (change.old, change.new)


def moved_line(diff: LaunchDiff) -> str | None:
    """The launch date that moved, first of all: "launch date moved 2027-03-01 → 2027-05-03
    (63 days later); due dates from lead times moved with it"."""
    if diff.launch_date is None:
        return None
    old, new = diff.launch_date
    n = (new - old).days
    shift = f"{abs(n)} day{'' if abs(n) == 1 else 's'} {'later' if n > 0 else 'earlier'}"
    return f"launch date moved {old} → {new} ({shift}); due dates from lead times moved with it"


def _scope_lines(diff: LaunchDiff) -> list[str]:
    lines = []
    if diff.traits_added:
        lines.append("traits added: " + ", ".join(diff.traits_added))
    if diff.traits_removed:
        lines.append("traits removed: " + ", ".join(diff.traits_removed))
    if diff.tier:
        lines.append(f"tier {diff.tier[0]} → {diff.tier[1]}")
    return lines


def _policy_lines(diff: LaunchDiff) -> list[str]:
    """Where the newer side goes below the policy, each marked when the older side was not
    (or less far): the lines ``audit`` fails the gate with."""
    new = {id(b) for b in diff.policy_added}
    return [f"{b.message}{' (new)' if id(b) in new else ''}" for b in diff.policy_now]


def _missed_lines(diff: LaunchDiff) -> list[str]:
    """Each milestone the newer side misses, marked when the older side did not."""
    new = {m.name for m in diff.missed_added}
    return [f"{m.reason}{' (new)' if m.name in new else ''}" for m in diff.missed_now]


def render_table(diff: LaunchDiff, options: RenderOptions) -> str:
    """Plain aligned text for the terminal: every user string through ``visible``; in ASCII
    where the output cannot show the arrows and dashes."""
    moved = moved_line(diff)
    lines = [
        visible(diff.new.launch.title),
        *([moved] if moved else []),
        visible(f"{_side(diff.old_side)} → {_side(diff.new_side)}"),
        f"scored as of {diff.new.launch.as_of} with the same checklists",
        headline(diff),
        *(visible(line) for line in _scope_lines(diff)),
        "",
        f"{'Stage':<8}{'Before':>8}{'After':>8}{'Change':>8}  Verdict",
    ]
    for s in diff.stages:
        verdict = (
            s.new_verdict
            if s.old_verdict == s.new_verdict
            else f"{s.old_verdict} → {s.new_verdict}"
        )
        gated = "" if s.gated else " (not gated)"
        lines.append(
            f"{s.key:<8}{score_text(s.old_score):>8}{score_text(s.new_score):>8}"
            f"{_delta(s):>8}  {verdict}{gated}"
        )
    policy = _policy_lines(diff)
    if policy:
        lines += ["", f"{POLICY_HEADING} ({len(policy)})"]
        lines += ["  " + visible(line) for line in policy]
    missed = _missed_lines(diff)
    if missed:
        lines += ["", f"{MISSED_HEADING} ({len(missed)})"]
        lines += ["  " + visible(line) for line in missed]
    for _, heading, changes in diff.lists():
        if changes:
            lines += ["", f"{heading} ({len(changes)})"]
            lines += ["  " + visible(_change_line(c)) for c in changes]
    if diff.regressions:
        lines += ["", "Regressions: " + visible("; ".join(diff.regressions))]
    return drawn("\n".join(lines) + "\n", options)


def render_markdown(diff: LaunchDiff, options: RenderOptions) -> str:
    """Headline first, then the stage table, then the lists: a pull-request comment."""
    moved = moved_line(diff)
    lines = [
        f"### {text(diff.new.launch.title)}: {text(headline(diff))}",
        "",
        *([f"**{text(moved[0].upper() + moved[1:])}.**", ""] if moved else []),
        f"{text(_side(diff.old_side))} → {text(_side(diff.new_side))}, both scored as of "
        f"{diff.new.launch.as_of} with the same checklists.",
        "",
    ]
    scope = _scope_lines(diff)
    if scope:
        lines += [*(f"- {text(line)}" for line in scope), ""]
    if diff.regressions:
        lines += ["**Regressions:** " + text("; ".join(diff.regressions)), ""]
    lines += ["| Stage | Before | After | Change | Verdict |", "|---|---:|---:|---:|---|"]
    for s in diff.stages:
        verdict = (
            s.new_verdict
            if s.old_verdict == s.new_verdict
            else f"{s.old_verdict} → {s.new_verdict}"
        )
        name = s.key if s.gated else f"{s.key} (not gated)"
        lines.append(
            f"| {name} | {score_text(s.old_score)} | {score_text(s.new_score)} | "
            f"{_delta(s) or '0'} | {verdict} |"
        )
    policy = _policy_lines(diff)
    if policy:
        lines += ["", f"#### {POLICY_HEADING} ({len(policy)})", ""]
        lines += [f"- {text(line)}" for line in policy]
    missed = _missed_lines(diff)
    if missed:
        lines += ["", f"#### {MISSED_HEADING} ({len(missed)})", ""]
        lines += [f"- {text(line)}" for line in missed]
    for _, heading, changes in diff.lists():
        if changes:
            lines += ["", f"#### {heading} ({len(changes)})", ""]
            lines += [f"- {_markdown_change(c)}" for c in changes]
    return "\n".join(lines) + "\n"


def _markdown_change(change: ItemChange) -> str:
    line = f"`{change.id}` {cell(change.title)} ({change.severity}, {change.stage})"
    if change.old is not None and change.new is not None:
        line += f": {text(change.old)} → {text(change.new)}"
    elif change.new is not None:
        line += f": {text(change.new)}"
    if _owner_shown(change):
        line += f" · {text(change.owner or '')}"
    return line


def to_dict(diff: LaunchDiff) -> dict[str, Any]:
    return {
        "launch": diff.new.launch.name,
        "as_of": diff.new.launch.as_of.isoformat(),
        "launch_date": None
        if diff.launch_date is None
        else {"old": diff.launch_date[0].isoformat(), "new": diff.launch_date[1].isoformat()},
        "old": _side_dict(diff.old_side),
        "new": _side_dict(diff.new_side),
        "overall": {"old": diff.old.overall.score, "new": diff.new.overall.score},
        "stages": {
            s.key.value: {
                "old": s.old_score,
                "new": s.new_score,
                "change": s.delta,
                "old_verdict": s.old_verdict.value,
                "new_verdict": s.new_verdict.value,
                "gated": s.gated,
            }
            for s in diff.stages
        },
        **{
            key: [
                {
                    "id": c.id,
                    "title": c.title,
                    "stage": c.stage.value,
                    "severity": c.severity.value,
                    "owner": c.owner,
                    "old": c.old,
                    "new": c.new,
                }
                for c in changes
            ]
            for key, _, changes in diff.lists()
        },
        "traits_added": diff.traits_added,
        "traits_removed": diff.traits_removed,
        "tier": list(diff.tier) if diff.tier else None,
        "policy": {
            "new": [b.message for b in diff.policy_now],
            "added": [b.message for b in diff.policy_added],
        },
        "missed_milestones": {
            "new": [m.reason for m in diff.missed_now],
            "added": [m.reason for m in diff.missed_added],
        },
        "regressions": diff.regressions,
    }


def _side_dict(side: Side) -> dict[str, Any]:
    return {"label": side.label, "commit": side.commit, "date": side.date.isoformat()}


def render_json(diff: LaunchDiff, options: RenderOptions) -> str:
    return json_text(to_dict(diff))
