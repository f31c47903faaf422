"""Measures gtm-check as a user pays for it: whole-process wall time and peak memory.

    python benchmarks/run.py [--sizes 300 10000 100000] [--repeat 5] [--out DIR]

Generates synthetic launches (benchmarks/generate.py), then runs every command several times
and prints, for each, the median wall time and the peak memory (max resident set size), each
next to its floor measured in the same run: `python -c pass` for `--version`, and for the
others a minimal script (benchmarks/floor.py) that imports the same libraries, loads the same
YAML with PyYAML's C loader and validates it with the same models. check-jsonschema and
yamllint are measured on the same files when they are installed. Nothing here is a test:
it prints figures, and the targets beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent

FORMATS = ["json", "table", "markdown", "junit", "github", "html"]
PAGE_SIZE = 10_000
"""The launch size whose HTML page is opened in Chromium: the page-open figure."""
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AUDIT_EXIT = (0, 1)  # passed, or the gate failed: both are whole reports


@dataclass
class Figure:
    label: str
    size: int | None
    seconds: float
    peak_mib: float
    floor: Figure | None = None
    paired: float | None = None
    """The median of pair-by-pair time ratios to the floor (or to ``versus``)."""
    versus: str = "floor"

    def ratio(self) -> str:
        if self.paired is not None:
            return f"{self.paired:5.2f}x" + ("" if self.versus == "floor" else f" {self.versus}")
        if self.floor is None:
            return ""
        return f"{self.seconds / self.floor.seconds:5.2f}x"

    def memory_ratio(self) -> str:
        if self.floor is None:
            return ""
        return f"{self.peak_mib / self.floor.peak_mib:5.2f}x"


# Children may write bytecode: an installed package has it, and a checkout installed in
# editable mode gets it on the warm-up run instead of compiling its sources on every run.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def once(command: list[str], cwd: Path, ok: tuple[int, ...]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one run; stops the benchmark when the exit code
    is not in ``ok``: a run that failed measured nothing."""
    # stderr goes to a file, not a pipe: a child writing more than a pipe holds would
    # block forever while this process waits for it to exit.
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=CHILD_ENV, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in ok:
            errors.seek(0)
            message = errors.read().decode(errors="replace")
            raise SystemExit(f"{' '.join(command)} exited {code}:\n{message}")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports KiB


def measure(
    command: list[str], repeat: int, cwd: Path, ok: tuple[int, ...] = (0,)
) -> tuple[float, float]:
    """Median wall seconds and peak resident MiB of ``command`` over ``repeat`` runs, after
    one run that is not counted (file cache, bytecode); single runs go without it."""
    runs = [once(command, cwd, ok) for _ in range((1 if repeat > 1 else 0) + repeat)]
    runs = runs[-repeat:]
    return statistics.median(t for t, _ in runs), max(p for _, p in runs)


def paired(
    command: list[str], floor: list[str], repeat: int, cwd: Path, ok: tuple[int, ...] = (0,)
) -> tuple[Figure, Figure, float]:
    """``command`` and ``floor`` run in turn (A B A B ...), each after one uncounted run: both
    figures, and the median of the pair-by-pair time ratios, which holds while the
    machine's speed drifts (other work on it) where a ratio of two medians would not."""
    if repeat > 1:
        once(command, cwd, ok), once(floor, cwd, (0, 1))
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(once(command, cwd, ok))
        theirs.append(once(floor, cwd, (0, 1)))
    ratio = statistics.median(a[0] / b[0] for a, b in zip(ours, theirs, strict=True))
    a = Figure("", None, statistics.median(t for t, _ in ours), max(p for _, p in ours))
    b = Figure("", None, statistics.median(t for t, _ in theirs), max(p for _, p in theirs))
    return a, b, ratio


def tool(name: str) -> str | None:
    """A command installed beside this Python (its virtual environment), else on the PATH."""
    script = Path(sys.executable).with_name(name)
    return str(script) if script.exists() else shutil.which(name)


def gtm_check() -> list[str]:
    script = tool("gtm-check")
    return [script] if script else [sys.executable, "-m", "gtm_check"]


def repeats_for(size: int, repeat: int) -> int:
    return repeat if size <= 10_000 else max(1, repeat // 5)


LAUNCHER = [sys.executable, "-c", "import re, sys"]
"""What the console script pip writes imports before it calls gtm-check's main()."""


def run(sizes: list[int], repeat: int, out: Path, before: list[str] | None) -> list[Figure]:
    # Generated in child processes: Linux counts the parent's resident memory at fork
    # in each child's peak, so this process must stay small while it measures.
    sizes_args = [str(size) for size in sizes]
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), str(out), "--sizes", *sizes_args], check=True
    )
    schema = out / "launch.schema.json"
    subprocess.run(
        [sys.executable, str(HERE / "run.py"), "--write-schema", str(schema)], check=True
    )
    figures: list[Figure] = []
    python = [sys.executable, "-c", "pass"]
    interpreter: Figure | None = None
    # 4x the runs: a run is 20 ms, and other work on the machine moves short runs most.
    for flag in ("--version", "--help"):
        a, b, ratio = paired([*gtm_check(), flag], python, 4 * repeat, out)
        if interpreter is None:
            interpreter = Figure("python -c pass", None, b.seconds, b.peak_mib)
            figures.append(interpreter)
        figures.append(
            Figure(f"gtm-check {flag}", None, a.seconds, a.peak_mib, interpreter, ratio, "python")
        )
        # The script pip installs as `gtm-check` runs `import re` before any code of ours:
        # that much of the time is the installer's, whatever gtm-check does.
        a, _, ratio = paired([*gtm_check(), flag], LAUNCHER, 4 * repeat, out)
        label = f"gtm-check {flag} vs launcher"
        figures.append(Figure(label, None, a.seconds, a.peak_mib, None, ratio, "launcher"))
    for size in sizes:
        figures += run_size(out, size, repeats_for(size, repeat), schema, before)
    return figures


def run_size(out: Path, size: int, n: int, schema: Path, before: list[str] | None) -> list[Figure]:
    """Every command at one size, each paired with the lean floor in the same run; and with
    ``before`` (gtm-check as it was) from 10,000 items, and validate with yamllint."""
    folder = out / str(size)
    launch, checklist = folder / "launch.yaml", folder / "checklist.yaml"
    floor_script = [sys.executable, str(HERE / "floor.py")]
    lean = [*floor_script, "--lean", str(launch), str(checklist)]
    figures: list[Figure] = []
    floor: Figure | None = None

    def row(label: str, command: list[str], ok: tuple[int, ...] = (0,)) -> Figure:
        nonlocal floor
        a, b, ratio = paired(command, lean, n, out, ok)
        if floor is None:
            floor = Figure(
                "floor: lean (collector paused, C loader, models)", size, b.seconds, b.peak_mib
            )
            figures.append(floor)
        figure = Figure(label, size, a.seconds, a.peak_mib, floor, ratio)
        figures.append(figure)
        return figure

    row(
        "floor: naive (collector on, Typer)",
        [*floor_script, "--naive", str(launch), str(checklist)],
    )
    limit = [*floor_script, "--limit", str(launch), str(checklist)]
    if subprocess.run(limit, cwd=out, capture_output=True).returncode == 0:
        row("limit: rapidyaml + msgspec", limit)
    row("gtm-check validate", [*gtm_check(), "validate", str(launch)])
    audit = [*gtm_check(), "audit", "--as-of", "2027-01-15"]
    for fmt in FORMATS:
        row(f"gtm-check audit -f {fmt}", [*audit, str(launch), "-f", fmt], AUDIT_EXIT)
    json_run = [*audit, str(launch), "-f", "json"]
    a, _, ratio = paired(
        [*audit, str(launch), "-f", "table", "--all"], json_run, n, out, AUDIT_EXIT
    )
    figures.append(
        Figure("gtm-check audit -f table --all", size, a.seconds, a.peak_mib, floor, ratio, "json")
    )
    portfolio = [str(p) for p in sorted((out / f"portfolio-{size}").glob("launch-*.yaml"))]
    row("gtm-check audit portfolio (10 launches)", [*audit, *portfolio, "-f", "json"], AUDIT_EXIT)
    table = [*audit, *portfolio, "-f", "table", "--all"]
    a, _, ratio = paired(table, [*audit, *portfolio, "-f", "json"], n, out, AUDIT_EXIT)
    figures.append(
        Figure(
            "portfolio -f table --all", size, a.seconds, a.peak_mib, floor, ratio, "portfolio json"
        )
    )
    if check_jsonschema := tool("check-jsonschema"):
        row(
            "check-jsonschema (launch file)",
            [check_jsonschema, "--schemafile", str(schema), str(launch)],
        )
    if yamllint := tool("yamllint"):
        lint = [yamllint, "-d", "relaxed", str(launch)]
        row("yamllint -d relaxed", lint)
        a, _, ratio = paired([*gtm_check(), "validate", str(launch)], lint, n, out)
        label = "gtm-check validate vs yamllint"
        figures.append(Figure(label, size, a.seconds, a.peak_mib, floor, ratio, "yamllint"))
    if before and size >= 10_000:
        figures += before_figures(before, launch, size, n, out, floor)
    return figures


BEFORE_COMMANDS = {
    "validate": ["validate"],
    "audit -f json": ["audit", "--as-of", "2027-01-15", "-f", "json"],
    "audit -f table --all": ["audit", "--as-of", "2027-01-15", "-f", "table", "--all"],
}
BEFORE_TARGET = 1.02
"""No slower than before: the pair-by-pair median within the noise of whole runs."""


def before_figures(
    before: list[str], launch: Path, size: int, n: int, out: Path, floor: Figure | None
) -> list[Figure]:
    """Each command paired with gtm-check as it was (``--before``), on the same launch."""
    figures = []
    for label, args in BEFORE_COMMANDS.items():
        ok = (0,) if label == "validate" else AUDIT_EXIT
        a, _, ratio = paired(
            [*gtm_check(), *args, str(launch)], [*before, *args, str(launch)], n, out, ok
        )
        figures.append(
            Figure(
                f"gtm-check {label} vs before", size, a.seconds, a.peak_mib, floor, ratio, "before"
            )
        )
    return figures


def page_open_seconds(launch: Path, out: Path, repeat: int) -> float | None:
    """Median time from navigation to the load event of the launch's HTML page in headless
    Chromium (selenium and the OS package's chromedriver; None when either is missing)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        return None
    page = out / f"page-{launch.parent.name}.html"
    command = [*gtm_check(), "audit", str(launch), "--as-of", "2027-01-15", "-f", "html"]
    subprocess.run([*command, "-o", str(page)], check=False, env=CHILD_ENV)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="gtm-check-bench-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--user-data-dir={profile}"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.set_window_size(1280, 900)
        times = []
        for _ in range(1 + repeat):  # the first load is not counted: it warms the cache
            driver.get("about:blank")
            driver.get(page.as_uri())
            times.append(
                driver.execute_script(
                    "const t = performance.getEntriesByType('navigation')[0];"
                    "return t.loadEventEnd - t.startTime;"
                )
                / 1000
            )
        return statistics.median(times[1:])
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def write_schema(path: Path) -> None:
    from gtm_check.model.inputs import Launch

    path.write_text(json.dumps(Launch.model_json_schema(mode="validation")), encoding="utf-8")


def print_table(figures: list[Figure]) -> None:
    print(
        f"{'command':<50} {'items':>7} {'median':>10} {'vs floor':>22} {'peak':>9} {'vs floor':>9}"
    )
    print("-" * 111)
    for f in figures:
        size = "" if f.size is None else f"{f.size:,}"
        print(
            f"{f.label:<50} {size:>7} {f.seconds * 1000:>8.0f}ms {f.ratio():>22} "
            f"{f.peak_mib:>6.0f}MiB {f.memory_ratio():>9}"
        )


def print_targets(figures: list[Figure]) -> None:
    def find(label: str, size: int | None) -> Figure | None:
        return next((f for f in figures if f.label == label and f.size == size), None)

    print("\nTargets")
    checks: list[tuple[str, bool | None]] = []
    infos: list[str] = []
    for label, size, limit in [
        ("gtm-check --version", None, 1.5),
        ("gtm-check --help", None, 1.5),
        ("gtm-check audit -f json", 300, 1.1),
        ("gtm-check audit -f table", 300, 1.3),
        ("gtm-check audit -f table --all", 10_000, 1.3),
        ("gtm-check audit -f table --all", 100_000, 1.3),
        ("portfolio -f table --all", 10_000, 1.5),
        ("portfolio -f table --all", 100_000, 1.5),
    ]:
        f = find(label, size)
        if f and f.paired is not None:
            at = "" if size is None else f" at {size:,}"
            checks.append(
                (f"{label}{at}: {f.paired:.2f}x {f.versus} (<= {limit}x)", f.paired <= limit)
            )
    for flag in ("--version", "--help"):
        f = find(f"gtm-check {flag} vs launcher", None)
        if f and f.paired is not None:
            text = f"gtm-check {flag}: {f.paired:.2f}x python -c 'import re, sys', the floor "
            infos.append(text + "of the script pip installs")
    # The github format points at lines: its files are walked again for those positions.
    for fmt in ("json", "github"):
        f = find(f"gtm-check audit -f {fmt}", 100_000)
        if f and f.floor:
            ratio = f.peak_mib / f.floor.peak_mib
            text = f"audit -f {fmt} at 100,000: {ratio:.2f}x the lean floor's memory (<= 0.6x)"
            checks.append((text, ratio <= 0.6))
    small, large = find("gtm-check audit -f json", 10_000), find("gtm-check audit -f json", 100_000)
    if small and large:
        ratio = large.seconds / small.seconds
        checks.append((f"100,000 vs 10,000 items: {ratio:.1f}x the time (<= 11x)", ratio <= 11))
        checks.append(
            (f"100,000 items: {large.peak_mib:.0f} MiB peak (< 600 MiB)", large.peak_mib < 600)
        )
    for size in sorted({f.size for f in figures if f.size}):
        ours = find("gtm-check validate", size)
        schema = find("check-jsonschema (launch file)", size)
        if ours and schema:
            ratio = ours.seconds / schema.seconds
            checks.append(
                (f"validate at {size:,}: {ratio:.2f}x check-jsonschema (<= 0.3x)", ratio <= 0.3)
            )
        elif ours:
            checks.append((f"validate at {size:,} vs check-jsonschema: not installed", None))
        versus = find("gtm-check validate vs yamllint", size)
        if versus and versus.paired is not None:
            checks.append(
                (
                    f"validate at {size:,}: {versus.paired:.2f}x yamllint, paired (<= 1x)",
                    versus.paired <= 1,
                )
            )
        elif ours:
            checks.append((f"validate at {size:,} vs yamllint: not installed", None))
    for f in figures:
        if f.versus == "before" and f.paired is not None and f.size is not None:
            checks.append(
                (
                    f"{f.label} at {f.size:,}: {f.paired:.2f}x (no slower: <= {BEFORE_TARGET}x)",
                    f.paired <= BEFORE_TARGET,
                )
            )
    f = find(f"gtm-check audit -f json ({MILESTONES:,} milestones)", MILESTONE_ITEMS)
    if f:
        checks.append(
            (
                f"{MILESTONES:,} milestones x {MILESTONE_ITEMS:,} items: {f.seconds:.1f} s (< 5 s)",
                f.seconds < 5,
            )
        )
    f = find(f"gtm-check audit --verify ({VERIFY_CHECKS} local checks)", VERIFY_CHECKS)
    if f and f.paired is not None:
        checks.append(
            (
                f"audit --verify, {VERIFY_CHECKS} local checks: {f.paired:.2f}x audit "
                f"(a small multiple: <= {VERIFY_TARGET:g}x)",
                f.paired <= VERIFY_TARGET,
            )
        )
    for text, ok in checks:
        mark = "met" if ok else ("n/a" if ok is None else "MISSED")
        print(f"  [{mark:>6}] {text}")
    for text in infos:
        print(f"  [  info] {text}")


TREND_COMMITS = 500


def trend_repository(out: Path, launch: Path, checklist: Path, commits: int) -> Path:
    """A git repository whose launch file has ``commits`` revisions, one a day, each marking
    one more item done; written with one ``git fast-import``."""
    repo = out / f"trend-{commits}"
    shutil.rmtree(repo, ignore_errors=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    text = launch.read_text(encoding="utf-8")
    start = 1_788_000_000  # 2026-08-29, then one commit a day
    stream = []
    for k in range(commits):
        body = (text.replace("todo", "done", k) + f"# revision {k}\n").encode()
        message = f"revision {k}".encode()
        stamp = f"bench <bench@example.com> {start + k * 86_400} +0000"
        stream += [b"commit refs/heads/main", f"committer {stamp}".encode()]
        stream += [f"data {len(message)}".encode(), message]
        if k == 0:
            data = checklist.read_bytes()
            stream += [f"M 100644 inline {checklist.name}".encode(), f"data {len(data)}".encode()]
            stream.append(data)
        stream += [b"M 100644 inline launch.yaml", f"data {len(body)}".encode(), body]
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=repo, input=b"\n".join(stream) + b"\n", check=True
    )
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True)
    return repo


def trend_figure(out: Path, repeat: int) -> Figure:
    """``gtm-check trend --every commit`` over 500 revisions of the 300-item launch."""
    folder = out / "300"
    repo = trend_repository(out, folder / "launch.yaml", folder / "checklist.yaml", TREND_COMMITS)
    command = [*gtm_check(), "trend", str(repo / "launch.yaml"), "--every", "commit", "-f", "json"]
    seconds, peak = measure(command, repeat, out)
    return Figure(f"gtm-check trend --every commit ({TREND_COMMITS} commits)", 300, seconds, peak)


MILESTONES = 2_000
MILESTONE_ITEMS = 10_000


def milestone_launch(folder: Path) -> Path:
    """The 10,000-item launch with 2,000 milestones, every item due ``by`` one of them."""
    lines = (folder / "launch.yaml").read_text(encoding="utf-8").splitlines()
    head = lines[: lines.index("items:")]  # the states and waivers are replaced
    first = dt.date(2021, 1, 1)
    milestones = ["milestones:"] + [
        f"  - {{name: m-{n}, date: {first + dt.timedelta(days=n)}, "
        "stages: [learn, buy, use], min_score: 50}"
        for n in range(MILESTONES)
    ]
    states = [
        f"  bench.item-{i:06d}: {{status: todo, by: m-{i % MILESTONES}}}"
        for i in range(MILESTONE_ITEMS)
    ]
    path = folder / "milestones.yaml"
    text = [*head, *milestones, "items:", *states, "waivers: []"]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def milestone_figure(out: Path, repeat: int) -> Figure:
    """``gtm-check audit -f json`` of a launch with 2,000 milestones and 10,000 items: the work
    grows with milestones + items, never milestones x items (SECURITY.md)."""
    launch = milestone_launch(out / str(MILESTONE_ITEMS))
    command = [*gtm_check(), "audit", str(launch), "-f", "json", "--as-of", "2026-01-01"]
    seconds, peak = measure(command, repeat, out, AUDIT_EXIT)
    label = f"gtm-check audit -f json ({MILESTONES:,} milestones)"
    return Figure(label, MILESTONE_ITEMS, seconds, peak)


VERIFY_CHECKS = 50
VERIFY_TARGET = 2.0
"""``audit --verify`` with 50 local checks: within this multiple of ``audit`` (a small one)."""


class _Page(http.server.BaseHTTPRequestHandler):
    """Every path answers 200 with a short page naming the product."""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        body = b"<h1>Acme Insights</h1>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    # Room for every connection the checks open at once: a backlog of 5 (the default)
    # drops some, and the system retries them a second later, which is the server's cost.
    request_queue_size = 128
    daemon_threads = True


def verify_launch(out: Path, port: int) -> Path:
    """A launch in a repository of its own whose 50 items each carry a check: 45 pages on
    the local server (each a different address, so none is run twice) and 5 files."""
    folder = out / "verify"
    (folder / ".git").mkdir(parents=True, exist_ok=True)
    (folder / "docs").mkdir(exist_ok=True)
    items = []
    states = []
    for n in range(VERIFY_CHECKS):
        kind = "file" if n % 10 == 9 else "url"
        items.append(
            f"  - {{id: bench.item-{n:02d}, stage: learn, title: Item {n}, severity: high, "
            f"verify: {{kind: {kind}}}}}"
        )
        if kind == "file":
            (folder / "docs" / f"notes-{n}.md").write_text("## 2.0.0\n", encoding="utf-8")
            target = f"{{path: docs/notes-{n}.md, contains: 2.0.0}}"
        else:
            target = f"{{url: 'http://127.0.0.1:{port}/page-{n}', contains: Acme}}"
        states.append(f"  bench.item-{n:02d}: {{status: done, verify: {target}}}")
    checklist = "department: bench\nname: Bench\nitems:\n" + "\n".join(items) + "\n"
    (folder / "bench.yaml").write_text(checklist, encoding="utf-8")
    (folder / ".gtm-check.yaml").write_text("policy:\n  verify_hosts: [127.0.0.1]\n")
    launch = folder / "launch.yaml"
    head = "launch: Verify\nlaunch_date: 2027-03-01\nchecklists: [./bench.yaml]\nitems:\n"
    launch.write_text(head + "\n".join(states) + "\n", encoding="utf-8")
    return launch


def verify_figure(out: Path, repeat: int) -> Figure:
    """``audit --verify`` of 50 local checks, paired with ``audit`` of the same launch: every
    check is fetched or read on each run (the cache is off)."""
    server = _Server(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        launch = verify_launch(out, server.server_address[1])
        audit = [*gtm_check(), "audit", str(launch), "-f", "json", "--as-of", "2027-01-15"]
        CHILD_ENV["GTM_CHECK_CACHE_DIR"] = ""
        a, _, ratio = paired([*audit, "--verify"], audit, repeat, out, AUDIT_EXIT)
    finally:
        server.shutdown()
        server.server_close()
    label = f"gtm-check audit --verify ({VERIFY_CHECKS} local checks)"
    return Figure(label, VERIFY_CHECKS, a.seconds, a.peak_mib, None, ratio, "audit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (fewer at 100k)")
    parser.add_argument("--out", type=Path, help="where to write the synthetic launches")
    parser.add_argument(
        "--before",
        help="gtm-check as it was (a command, e.g. /path/to/old/.venv/bin/gtm-check): "
        "from 10,000 items, validate and audit are paired with it",
    )
    parser.add_argument("--write-schema", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_schema:
        write_schema(args.write_schema)
        return
    out = args.out or Path(tempfile.mkdtemp(prefix="gtm-check-bench-"))
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} cores; files in {out}\n")
    before = shlex.split(args.before) if args.before else None
    figures = run(args.sizes, args.repeat, out, before)
    if 300 in args.sizes:
        figures.append(trend_figure(out, max(1, args.repeat // 5)))
    if MILESTONE_ITEMS in args.sizes:
        figures.append(milestone_figure(out, max(1, args.repeat // 5)))
    figures.append(verify_figure(out, args.repeat))
    print_table(figures)
    print_targets(figures)
    if PAGE_SIZE in args.sizes:
        seconds = page_open_seconds(out / str(PAGE_SIZE) / "launch.yaml", out, args.repeat)
        if seconds is None:
            print(f"\n{PAGE_SIZE:,}-item HTML page in Chromium: n/a (no Chromium or selenium)")
        else:
            mark = "met" if seconds < 2 else "MISSED"
            print(
                f"\n  [{mark:>6}] {PAGE_SIZE:,}-item HTML page opens in Chromium in "
                f"{seconds * 1000:.0f} ms, navigation to load event (< 2 s)"
            )


if __name__ == "__main__":
    main()
