"""The GitHub Action's glue (action.yml): its outputs, and the pull-request comment that
updates itself. Only the standard library: it runs with the Python the Action set up.

    python gtm_check_action.py outputs STATUS REPORT          # lines for $GITHUB_OUTPUT
    python gtm_check_action.py comment REPORT -- LAUNCH...    # post or edit the comment

The comment carries a hidden marker, ``<!-- gtm-check: KEY -->`` on its first line, KEY
naming the launch files; the next run finds the comment with its marker written by the
same account and edits it, so a pull request has one comment per set of launch files. The
decisions (which comment, what body) are plain functions, tested without the network; only
``main`` runs ``gtm-check diff`` and ``gh``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

STAGES = ("learn", "buy", "use", "grow")
VERDICTS = {0: "passed", 1: "failed", 2: "invalid"}
DEFAULT_AUTHOR = "github-actions[bot]"
"""Who writes the comment with the job's own token, which may not ask who it is; a personal
token's account is asked for."""
LIMIT = 60_000
"""GitHub refuses a comment over 65,536 characters: the body stays under it."""


def outputs(status: int, report: dict[str, Any] | None, path: str) -> list[str]:
    """The Action's outputs as ``name=value`` lines: the verdict, each stage's score (the
    lowest across a portfolio's launches; empty when no launch has one) and the report."""
    lines = [f"verdict={VERDICTS.get(status, 'error')}"]
    launches = _launches(report) if report is not None else []
    for stage in STAGES:
        scores = [
            s["score"]
            for launch in launches
            for s in launch.get("stages", [])
            if s.get("key") == stage and isinstance(s.get("score"), int | float)
        ]
        lines.append(f"score-{stage}={min(scores) if scores else ''}")
    lines.append(f"report={path if report is not None else ''}")
    return lines


def _launches(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One launch's report, or a portfolio's launches."""
    launches = report.get("launches")
    return launches if isinstance(launches, list) else [report]


def marker(launches: Sequence[str]) -> str:
    """The hidden first line that finds this comment again: the launch files, reduced to
    characters that cannot end an HTML comment or reach a Markdown reader."""
    key = re.sub(r"[^A-Za-z0-9._/ +-]", "_", " ".join(launches)).replace("--", "-_")
    return f"<!-- gtm-check: {key} -->"


def pick_comment(comments: Iterable[dict[str, Any]], mark: str, author: str) -> int | None:
    """The id of the comment to edit: the oldest whose first line is the marker and whose
    author is the account that posts it (anyone can write a marker; only that account's
    comment may be taken over). None: post a new one."""
    for comment in sorted(comments, key=lambda c: (str(c.get("created_at", "")), c.get("id", 0))):
        body = comment.get("body") or ""
        login = (comment.get("user") or {}).get("login")
        if body.split("\n", 1)[0].strip() == mark and login == author:
            return int(comment["id"])
    return None


def body(mark: str, report: dict[str, Any], diffs: Sequence[tuple[str, str]]) -> str:
    """The comment: the marker, each launch's verdict and stage scores, then what changed
    since the base branch (``gtm-check diff``), cut to stay under GitHub's limit."""
    parts = [mark, "## Launch readiness (gtm-check)", ""]
    for launch in _launches(report):
        parts += [_verdict(launch), ""]
    parts += ["## Since the base branch", ""]
    for name, diff in diffs:
        parts += [diff.strip() or f"`{_escape(name)}`: no change.", ""]
    text = "\n".join(parts)
    if len(text) > LIMIT:
        cut = text[:LIMIT].rsplit("\n", 1)[0]
        text = cut + "\n\n… cut short: the job summary has the whole report.\n"
    return text


def _verdict(launch: dict[str, Any]) -> str:
    info = launch.get("launch", {})
    gate = launch.get("gate", {})
    title = f"{info.get('name', '?')} (tier {info.get('tier', '?')})"
    verdict = "✅ gate passed" if gate.get("passed") else "❌ gate failed"
    lines = [f"**{_escape(title)}**: {verdict}, overall {_score(launch.get('overall', {}))}"]
    lines += [f"- {_escape(reason)}" for reason in gate.get("failures", [])]
    stages = " · ".join(f"{s.get('key')} {_score(s)}" for s in launch.get("stages", []))
    return "\n".join([*lines, f"- stages: {stages}"])


def _score(part: dict[str, Any]) -> str:
    score = part.get("score")
    return "—" if score is None else f"{score:.1f}"


def _escape(text: str) -> str:
    """User text in Markdown: no markup, no HTML, no mention."""
    text = re.sub(r"[\\`*_{}\[\]<>()#+!|~]", lambda m: "\\" + m.group(0), text)
    return text.replace("@", "@\u2060")


def _run(args: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=False, **kwargs)


def _diff(launch: str) -> str:
    """What changed in one launch file since the base branch; why not, when it cannot say."""
    result = _run(["gtm-check", "diff", "--format", "markdown", "--", launch])
    if result.returncode in (0, 1):
        return result.stdout
    why = " ".join(result.stderr.split()) or f"exit {result.returncode}"
    return f"`{_escape(launch)}`: no comparison with the base branch ({_escape(why)})."


def comment(report_path: str, launches: Sequence[str]) -> int:
    repo, number = os.environ["REPO"], os.environ["PR"]
    author = _login() or DEFAULT_AUTHOR
    report = json.loads(Path(report_path).read_text("utf-8"))
    mark = marker(launches)
    text = body(mark, report, [(launch, _diff(launch)) for launch in launches])
    listed = _run(["gh", "api", "--paginate", f"repos/{repo}/issues/{number}/comments",
                   "--jq", ".[]"])  # fmt: skip
    if listed.returncode != 0:
        return _warn(f"could not list the pull request's comments: {listed.stderr.strip()}")
    comments = [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    found = pick_comment(comments, mark, author)
    with tempfile.TemporaryDirectory() as folder:
        payload = Path(folder) / "comment.json"
        payload.write_text(json.dumps({"body": text}), encoding="utf-8")
        if found is None:
            call = ["-X", "POST", f"repos/{repo}/issues/{number}/comments"]
        else:
            call = ["-X", "PATCH", f"repos/{repo}/issues/comments/{found}"]
        sent = _run(["gh", "api", *call, "--input", str(payload)])
    if sent.returncode != 0:
        return _warn(f"could not write the comment: {sent.stderr.strip()}")
    print(f"gtm-check: {'edited' if found is not None else 'posted'} the pull-request comment")
    return 0


def _login() -> str | None:
    """The account the token belongs to, when the token may say (a personal token)."""
    found = _run(["gh", "api", "user", "--jq", ".login"])
    return found.stdout.strip() or None if found.returncode == 0 else None


def _warn(message: str) -> int:
    """A comment that cannot be written (a fork's read-only token) does not fail the gate."""
    print(f"::warning title=gtm-check comment::{message.replace(chr(10), ' ')}")
    return 0


def main(argv: Sequence[str]) -> int:
    if len(argv) == 3 and argv[0] == "outputs":
        status, path = int(argv[1]), argv[2]
        try:
            report = json.loads(Path(path).read_text("utf-8"))
        except (OSError, ValueError):
            report = None
        print("\n".join(outputs(status, report, path)))
        return 0
    if len(argv) >= 3 and argv[0] == "comment" and argv[2] == "--":
        return comment(argv[1], argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
