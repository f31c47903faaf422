"""Measures ``trend`` and ``audit --history`` on a long git history: peak memory and CPU.

    python benchmarks/history.py [--weeks 600] [--out DIR]

Builds a repository (with ``git fast-import``, in seconds) where examples/launch.yaml is
committed once a day for ``--weeks`` weeks, each day's revision a little different, then runs
each command once in a child process and prints its peak resident memory (max RSS) and the
CPU time it used (user + system, its git processes included). Nothing here is a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAUNCH = HERE.parent / "examples" / "launch.yaml"
FIRST_DAY = dt.date(2015, 1, 5)


def build(root: Path, weeks: int) -> Path:
    """A repository whose launch.yaml changed every day for ``weeks`` weeks."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    text = LAUNCH.read_text(encoding="utf-8")
    stream = []
    for day in range(weeks * 7):
        content = f"{text}# day {day}\n".encode()
        stamp = int(
            dt.datetime.combine(FIRST_DAY + dt.timedelta(days=day), dt.time(12), dt.UTC).timestamp()
        )
        message = b"update"
        stream += [
            b"commit refs/heads/main\n",
            b"committer Bench <bench@example.com> %d +0000\n" % stamp,
            b"data %d\n%s\n" % (len(message), message),
            b"M 100644 inline launch.yaml\n",
            b"data %d\n%s\n" % (len(content), content),
        ]
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(stream), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)
    return root / "launch.yaml"


def measure(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (KiB) of one run of gtm-check in a child."""
    program = (
        "import resource, subprocess, sys, json\n"
        "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps([done.returncode, usage.ru_utime + usage.ru_stime, usage.ru_maxrss]))\n"
    )
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", program, sys.executable, "-m", "gtm_check", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    wall = time.perf_counter() - start
    code, cpu, peak = eval(out)  # noqa: S307 - our own child's JSON list
    if code not in (0, 1):
        raise SystemExit(f"gtm-check {' '.join(args)} exited {code}")
    return wall, cpu, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=600)
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = options.out or Path(folder)
        path = build(root / "repository", options.weeks)
        as_of = (FIRST_DAY + dt.timedelta(days=options.weeks * 7)).isoformat()
        print(f"{options.weeks} weeks, one commit a day: {os.path.getsize(path):,} bytes each")
        for args in (
            ["trend", str(path), "--as-of", as_of, "-f", "json"],
            ["trend", str(path), "--as-of", as_of, "-f", "json", "--every", "day"],
            ["audit", str(path), "--history", "--as-of", as_of, "-f", "json"],
        ):
            wall, cpu, peak = measure(args)
            name = " ".join(a for a in args if a in ("trend", "audit", "day"))
            print(f"{name:<9} wall {wall:5.1f} s  cpu {cpu:5.1f} s  peak {peak / 1024:6.1f} MB")


if __name__ == "__main__":
    main()
