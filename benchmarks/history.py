"""Measures ``trend`` and ``audit --history`` on a long git history: peak memory and CPU.

    python benchmarks/history.py [--weeks 600] [--turns MILESTONES] [--out DIR]

Builds a repository (with ``git fast-import``, in seconds) where examples/launch.yaml is
committed once a day for ``--weeks`` weeks, each day's revision a little different (with
``--turns``: once a week, two versions carrying that many milestones taking turns, the
history a pull request can make the gate score week after week), then runs
each command once in a child process and prints its peak resident memory (max RSS; its
largest git process apart) and the CPU time it used (user + system, its git processes
included). Nothing here is a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAUNCH = HERE.parent / "examples" / "launch.yaml"
FIRST_DAY = dt.date(2015, 1, 5)


def build(root: Path, weeks: int, turns: int = 0) -> Path:
    """A repository whose launch.yaml changed every day for ``weeks`` weeks, or with
    ``turns`` milestones, every week between two versions. The commits are written to
    fast-import as they are made: this process stays small, since a child's peak memory as
    Linux counts it starts from its parent's."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    text = LAUNCH.read_text(encoding="utf-8")
    if turns:
        text = text.replace("items:\n", _milestones(turns) + "items:\n", 1)
    step = 7 if turns else 1
    with subprocess.Popen(
        ["git", "fast-import", "--quiet"], cwd=root, stdin=subprocess.PIPE
    ) as git:
        assert git.stdin is not None
        for day in range(0, weeks * 7, step):
            version = day // 7 % 2 if turns else day
            content = f"{text}# version {version}\n".encode()
            noon = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=day), dt.time(12), dt.UTC)
            git.stdin.write(
                b"commit refs/heads/main\n"
                b"committer Bench <bench@example.com> %d +0000\n"
                b"data 6\nupdate\n"
                b"M 100644 inline launch.yaml\n"
                b"data %d\n%s\n" % (int(noon.timestamp()), len(content), content)
            )
        git.stdin.close()
    if git.returncode != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)
    return root / "launch.yaml"


def _milestones(count: int) -> str:
    """``count`` milestones, each gating learn on its own date."""
    return "milestones:\n" + "".join(
        f"  - {{name: m{n}, date: {FIRST_DAY + dt.timedelta(days=n % 400)}, stages: [learn], "
        "min_score: 1}\n"
        for n in range(count)
    )


def measure(args: list[str]) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds (git's included) and peak RSS in KiB, of gtm-check and of
    its largest git process apart, for one run in a child process."""
    program = (
        "import json, resource, sys\n"
        "from gtm_check.main import main\n"
        "sys.argv = ['gtm-check', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "me = resource.getrusage(resource.RUSAGE_SELF)\n"
        "git = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "cpu = me.ru_utime + me.ru_stime + git.ru_utime + git.ru_stime\n"
        "print(json.dumps([code, cpu, me.ru_maxrss, git.ru_maxrss]), file=sys.stderr)\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", program, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    code, cpu, peak, git = json.loads(done.stderr.splitlines()[-1])
    if code not in (0, 1, None):
        raise SystemExit(f"gtm-check {' '.join(args)} exited {code}")
    return wall, cpu, peak, git


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=600)
    parser.add_argument("--turns", type=int, default=0, metavar="MILESTONES")
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = options.out or Path(folder)
        path = build(root / "repository", options.weeks, options.turns)
        as_of = (FIRST_DAY + dt.timedelta(days=options.weeks * 7)).isoformat()
        how = "two versions taking turns each week" if options.turns else "one commit a day"
        print(f"{options.weeks} weeks, {how}: {os.path.getsize(path):,} bytes each")
        for args in (
            ["trend", str(path), "--as-of", as_of, "-f", "json"],
            ["trend", str(path), "--as-of", as_of, "-f", "json", "--every", "day"],
            ["audit", str(path), "--history", "--as-of", as_of, "-f", "json"],
        ):
            wall, cpu, peak, git = measure(args)
            name = " ".join(a for a in args if a in ("trend", "audit", "day"))
            print(
                f"{name:<9} wall {wall:5.1f} s  cpu {cpu:5.1f} s  "
                f"peak {peak / 1024:6.1f} MB (largest git {git / 1024:.1f} MB)"
            )


if __name__ == "__main__":
    main()
