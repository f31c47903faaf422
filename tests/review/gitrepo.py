"""A temporary git repository with a scripted history: fixed authors and dates."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import textwrap
from collections.abc import Sequence
from pathlib import Path

CHECKLIST = """\
department: legal
name: Legal
items:
  - id: legal.trademarks
    stage: learn
    title: Marks cleared
    severity: blocker
  - id: legal.privacy
    stage: learn
    title: Privacy notice
    severity: high
  - id: legal.contracts
    stage: buy
    title: Contracts
    severity: blocker
    requires: [legal.trademarks]
  - id: legal.export
    stage: buy
    title: Export control
    severity: medium
    applies_if: [hardware]
  - id: legal.sla-terms
    stage: use
    title: SLA terms
    severity: medium
"""


class GitRepo:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.com")

    def git(self, *args: str, date: str = "2027-01-01") -> str:
        stamp = f"{date}T12:00:00+00:00"
        env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        return subprocess.run(
            ["git", *args], cwd=self.root, env=env, check=True, capture_output=True, text=True
        ).stdout

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def commit(self, date: str, files: dict[str, str], message: str = "update") -> str:
        for name, content in files.items():
            self.write(name, content)
        self.git("add", "-A", date=date)
        self.git("commit", "-q", "-m", message, date=date)
        return self.git("rev-parse", "HEAD").strip()

    def daily(self, first: dt.date, days: Sequence[dict[str, str]]) -> None:
        """One commit a day from ``first``, each writing its files, made in one
        ``git fast-import`` (hundreds of commits in a fraction of a second); the working
        tree is then the last commit's."""
        stream = []
        for n, files in enumerate(days):
            day = dt.datetime.combine(first + dt.timedelta(days=n), dt.time(12), dt.UTC)
            stream += [
                b"commit refs/heads/main\n",
                b"committer Test <test@example.com> %d +0000\n" % int(day.timestamp()),
                b"data 6\nupdate\n",
            ]
            for name, text in files.items():
                data = text.encode()
                stream += [b"M 100644 inline %s\n" % name.encode(), b"data %d\n" % len(data)]
                stream += [data, b"\n"]
        subprocess.run(
            ["git", "fast-import", "--quiet"], cwd=self.root, input=b"".join(stream), check=True
        )
        self.git("reset", "-q", "--hard", "main")

    def rename(self, date: str, old: str, new: str) -> str:
        self.git("mv", old, new, date=date)
        self.git("commit", "-q", "-m", f"rename {old}", date=date)
        return self.git("rev-parse", "HEAD").strip()


def launch(items: str, *, traits: str = "[]", waivers: str = "[]", extra: str = "") -> str:
    return (
        "launch: Demo\n"
        "launch_date: 2027-03-01\n"
        "checklists: [./legal.yaml]\n"
        f"traits: {traits}\n"
        "gate: {stages: [learn, buy], min_score: 80}\n"
        f"{extra}"
        f"waivers: {waivers}\n"
        "items:\n" + textwrap.indent(textwrap.dedent(items), "  ")
    )
