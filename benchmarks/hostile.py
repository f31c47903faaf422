"""Time and peak memory of ``validate`` on launch files made of one problem repeated, of
``audit`` in every format on valid launch files made of one thing repeated, and of the
edits (``set``, ``unwaive``) on launch files that make them do one thing many times.

    python benchmarks/hostile.py                       # every shape at 500 KB
    python benchmarks/hostile.py --size 4000000 traits # one shape at 4 MB
    python benchmarks/hostile.py --gtm-check other/.venv/bin/gtm-check

Each shape is a launch file of about ``--size`` bytes whose one list or mapping repeats
an entry that is a problem (benchmarks/README.md, "Many problems in one file"), or, for
the shapes ``audit`` runs on, an entry that is valid but costly to report. Needs
``/usr/bin/time`` (GNU time).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HEAD = "launch: X\nlaunch_date: 2027-03-01\ntier: 3\n"


def _flow(key: str, entry: str, size: int) -> str:
    return HEAD + f"{key}: [" + ",".join([entry] * (size // (len(entry) + 1))) + "]\n"


def _block(key: str, line: Callable[[int], str], size: int) -> str:
    width = len(line(0)) + 3
    return HEAD + f"{key}:\n" + "".join(line(n) + "\n" for n in range(size // width))


SHAPES: dict[str, Callable[[int], str]] = {
    # unknown traits (and one "listed twice")
    "traits": lambda size: _flow("traits", "a", size),
    # traits that are not lower-case words: a Pydantic error each
    "bad-traits": lambda size: _flow("traits", "A", size),
    # item ids of a department not loaded
    "unknown-items": lambda size: _block("items", lambda n: f"  x.a{n}: done", size),
    # item ids that are not ids, of statuses that are not statuses: two Pydantic errors each
    "bad-item-keys": lambda size: _block("items", lambda n: f"  A{n}: nope", size),
    # statuses that are not statuses
    "bad-statuses": lambda size: _block("items", lambda n: f"  legal.x{n}: nope", size),
    # waivers with only an item, of an unknown id
    "waivers": lambda size: _flow("waivers", "{item: x.a}", size),
    # milestones after launch day, all of one name
    "milestones": lambda size: _flow(
        "milestones", "{name: m, date: 2028-01-01, stages: [learn], min_score: 1}", size
    ),
    # owners of departments that do not exist
    "owners": lambda size: _block("owners", lambda n: f"  d{n}: x", size),
    # the same key again and again
    "duplicate-keys": lambda size: _block("owners", lambda n: "  legal: x", size),
    # a gate's stages that are no stage (a list inside a mapping)
    "gate-stages": lambda size: (
        HEAD + "gate: {stages: [" + ",".join(["lern"] * (size // 5)) + "]}\n"
    ),
    # keys a launch file does not have, at the top
    "top-level-keys": lambda size: HEAD + "".join(f"k{n}: 1\n" for n in range(size // 9)),
    # dates that are not dates
    "bad-dates": lambda size: _block("items", lambda n: f"  legal.x{n}: {{due: 2027-02-30}}", size),
    # a team checklist's chain whose last item requires every other: a long circle each
    "circles": lambda size: HEAD + "checklists: [./circles-team.yaml]\n",
}

AUDITED: dict[str, Callable[[int], str]] = {
    # milestones long past, each missed: a gate failure and an annotation each
    "missed-milestones": lambda size: _block(
        "milestones",
        lambda n: f"  - {{name: m{n}, date: 2026-01-01, stages: [use], min_score: 1}}",
        size,
    ).replace(HEAD, HEAD + "checklists: [builtin]\nitems: {}\n"),
    # more owners than a small cache holds, each long after NFKC, waivers cycling over them
    "many-owners": lambda size: _many_owners(size),
}
"""Valid launch files ``audit`` runs on, once in each format, as of 2027-01-01."""

OWNERS = 1_100


def _many_owners(size: int) -> str:
    length = max(1, size // (2 * OWNERS * 3))  # half the bytes in owners (3 bytes a letter)
    owners = "".join(
        f'  t.i{n}: {{status: todo, owner: "{chr(0xFDFA) * length}{n}"}}\n' for n in range(OWNERS)
    )
    waiver = "  - {{item: t.i{}, reason: r, approved_by: a@b.c, expires: 2027-02-01}}\n"
    waivers = "".join(waiver.format(k % OWNERS) for k in range(size // 2 // 70))
    head = HEAD + "checklists: [./many-owners-team.yaml]\ngate: {stages: [use]}\n"
    return head + "items:\n" + owners + "waivers:\n" + waivers


FORMATS = ["table", "json", "markdown", "junit", "github", "html", "sarif", "gitlab", "ics"]

TEAM_SHAPES: dict[str, Callable[[int], str]] = {
    "circles": lambda size: _chain(size),
    "many-owners": lambda size: _team(OWNERS),
}
"""The team checklist a shape's launch file loads, written beside it."""


def _team(count: int, extra: str = "") -> str:
    rows = (
        f"  - {{id: t.i{n}, stage: use, title: T, severity: low{extra}}}\n" for n in range(count)
    )
    return "department: t\nname: T\nitems:\n" + "".join(rows)


def _dated_items(size: int) -> tuple[str, str, list[str]]:
    count = size // 36  # "  t.i12345: {status: todo, due: …}"
    states = "".join(f"  t.i{n}: {{status: todo, due: 2027-02-19}}\n" for n in range(count))
    launch = HEAD + "checklists: [./edited-team.yaml]\nitems:\n" + states
    return launch, _team(count, ", lead_days: 10"), ["set", "--drop-derived-dates", "--dry-run"]


def _waivers_of_one_item(size: int) -> tuple[str, str, list[str]]:
    waiver = "  - item: t.i0\n    reason: r\n    approved_by: a@b.c\n    expires: 2027-02-01\n"
    launch = HEAD + "checklists: [./edited-team.yaml]\nwaivers:\n" + waiver * (size // 81)
    return launch, _team(1), ["unwaive", "t.i0", "--as-of", "2027-01-01"]


def _new_items(size: int) -> tuple[str, str, list[str]]:
    count = size // 15  # "  t.i12345: todo", and as many items set that it does not list
    states = "".join(f"  t.i{n}: todo\n" for n in range(0, 2 * count, 2))
    launch = HEAD + "checklists: [./edited-team.yaml]\nitems:\n" + states
    ids = [f"t.i{n}" for n in range(1, 2 * count, 2)]
    return launch, _team(2 * count), ["set", *ids, "--status", "done", "--as-of", "2027-01-01"]


EDITED: dict[str, Callable[[int], tuple[str, str, list[str]]]] = {
    # items whose due dates set drops (--dry-run): each looked up in items: and the checklist
    "dated-items": _dated_items,
    # waivers of one item, all of which unwaive takes out
    "waivers-of-one-item": _waivers_of_one_item,
    # items set that the file does not list yet: each placed among the entries by rank
    "new-items": _new_items,
}
"""Launch files an edit runs on (``set``, ``unwaive``), with the team checklist they load:
(launch file, checklist, the command and its arguments but the launch file)."""


def _chain(size: int) -> str:
    count = max(2, size // 82)  # a row of 75 bytes, 7 more in the last requires
    rows = [
        f"  - {{id: t.i{n}, stage: use, title: T, severity: low, requires: [t.i{n + 1}]}}\n"
        for n in range(count - 1)
    ]
    closing = ", ".join(f"t.i{n}" for n in range(count - 1))
    rows.append(
        f"  - {{id: t.i{count - 1}, stage: use, title: T, severity: low, requires: [{closing}]}}\n"
    )
    return "department: t\nname: T\nitems:\n" + "".join(rows)


def _measure(name: str, size: int, command: list[str]) -> None:
    """One run of ``command`` under GNU time: its wall time, peak memory and lines of output
    (of standard error for ``validate``, which prints problems; of the report for ``audit``)."""
    run = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", *command], capture_output=True, text=True, check=False
    )
    *lines, timing = run.stderr.splitlines()
    seconds, kilobytes = timing.split()
    count = len(lines) if command[1] == "validate" else len(run.stdout.splitlines())
    print(
        f"{name:<30} {size:>10,} {float(seconds):>8.2f} "
        f"{int(kilobytes) / 1024:>8.0f} {count:>8,} {run.returncode}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "shapes", nargs="*", help=f"any of: {', '.join([*SHAPES, *AUDITED, *EDITED])} (default all)"
    )
    parser.add_argument("--size", type=int, default=500_000, help="bytes (default 500,000)")
    parser.add_argument("--gtm-check", default=str(Path(sys.executable).parent / "gtm-check"))
    args = parser.parse_args()
    unknown = [shape for shape in args.shapes if shape not in [*SHAPES, *AUDITED, *EDITED]]
    if unknown:
        parser.error(f"unknown shapes: {', '.join(unknown)}")
    print(f"{'shape':<30} {'bytes':>10} {'seconds':>8} {'peak MB':>8} {'lines':>8} exit")
    with tempfile.TemporaryDirectory() as folder:
        for shape in args.shapes or [*SHAPES, *AUDITED, *EDITED]:
            path = Path(folder, f"{shape}.yaml")
            if shape in EDITED:
                launch, team, edit = EDITED[shape](args.size)
                path.write_text(launch)
                Path(folder, "edited-team.yaml").write_text(team)
                size = path.stat().st_size
                _measure(shape, size, [args.gtm_check, edit[0], str(path), *edit[1:]])
                continue
            path.write_text((SHAPES | AUDITED)[shape](args.size))
            size = path.stat().st_size
            if shape in TEAM_SHAPES:
                team = Path(folder, f"{shape}-team.yaml")
                team.write_text(TEAM_SHAPES[shape](args.size))
                size += team.stat().st_size
            if shape in SHAPES:
                _measure(shape, size, [args.gtm_check, "validate", str(path)])
                continue
            for format in FORMATS:
                command = [args.gtm_check, "audit", str(path), "--as-of", "2027-01-01"]
                _measure(f"{shape} -f {format}", size, [*command, "-f", format])
    return 0


if __name__ == "__main__":
    sys.exit(main())
