"""Writes synthetic launches for the benchmark: a checklist and a launch file per size.

    python benchmarks/generate.py OUT_DIR [--sizes 300 10000 100000]

Each size gets OUT_DIR/<size>/checklist.yaml (items spread over the four stages and every
severity, some with traits) and OUT_DIR/<size>/launch.yaml (a state for most items, with
owners, due dates, evidence and a few waivers), plus OUT_DIR/portfolio-<size>/ with ten
launches that share one checklist of a tenth as many items, each with a state for most of
them: ten launches judged against <size> items in all, as many as one run may judge.
Deterministic: the same sizes always give the same files.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

STAGES = ["learn", "buy", "use", "grow"]
SEVERITIES = ["blocker", "high", "high", "medium", "medium", "medium", "low", "low"]
STATUSES = ["done"] * 6 + ["todo", "in-progress", "blocked", "n/a"]
TRAITS = [[], [], [], ["saas"], ["channel-sales"], ["saas", "subscription"]]


def checklist(size: int, rng: random.Random) -> str:
    lines = ["department: bench", "name: Benchmark", "items:"]
    for i in range(size):
        traits = rng.choice(TRAITS)
        lines += [
            f"  - id: bench.item-{i:06d}",
            f"    stage: {STAGES[i % 4]}",
            f"    title: Benchmark item {i} that a department owes before launch",
            f"    severity: {rng.choice(SEVERITIES)}",
            f"    question: Is benchmark item {i} ready for customers in every launch market?",
            f"    guidance: Attach the evidence for item {i}; link the review record and owner.",
        ]
        if traits:
            lines.append(f"    applies_if: [{', '.join(traits)}]")
    return "\n".join(lines) + "\n"


def launch(name: str, ids: range, rng: random.Random, checklist_path: str) -> str:
    lines = [
        f"launch: {name}",
        "launch_date: 2027-03-01",
        "owner: pm@example.com",
        "traits: [saas, subscription]",
        f"checklists: [{checklist_path}]",
        "gate:",
        "  stages: [learn, buy, use]",
        "  min_score: 80",
        "items:",
    ]
    waived = []
    for i in ids:
        status = rng.choice(STATUSES)
        if rng.random() < 0.5:
            lines.append(f"  bench.item-{i:06d}: {status}")
        else:
            lines += [
                f"  bench.item-{i:06d}:",
                f"    status: {status}",
                f"    owner: owner-{i % 97}@example.com",
                f"    due: 2027-0{1 + i % 2}-{1 + i % 28:02d}",
                f"    evidence: https://wiki.example.com/launch/item-{i}",
            ]
        if status == "todo" and rng.random() < 0.02:
            waived.append(i)
    lines.append("waivers:" if waived else "waivers: []")
    for i in waived:
        lines += [
            f"  - item: bench.item-{i:06d}",
            "    reason: Deferred to the next release by agreement",
            "    approved_by: vp@example.com",
            f"    expires: 2027-0{1 + i % 6}-15",
        ]
    return "\n".join(lines) + "\n"


def generate(out: Path, sizes: list[int]) -> None:
    for size in sizes:
        rng = random.Random(size)
        folder = out / str(size)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "checklist.yaml").write_text(checklist(size, rng), encoding="utf-8")
        (folder / "launch.yaml").write_text(
            launch(f"Benchmark {size}", range(size), rng, "./checklist.yaml"), encoding="utf-8"
        )
        portfolio = out / f"portfolio-{size}"
        portfolio.mkdir(parents=True, exist_ok=True)
        share = max(1, size // 10)
        (portfolio / "checklist.yaml").write_text(checklist(share, rng), encoding="utf-8")
        for n in range(10):
            ids = range(share)
            text = launch(f"Benchmark {size} part {n}", ids, rng, "./checklist.yaml")
            (portfolio / f"launch-{n}.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 10_000, 100_000])
    args = parser.parse_args()
    generate(args.out, args.sizes)


if __name__ == "__main__":
    main()
