"""The GitHub Action's glue (action.yml): running gtm-check on the Action's inputs, its
outputs, and the pull-request comment that updates itself. Only the standard library: it
runs with the Python the Action set up, always as ``python -I`` (isolated: neither the
working directory, which is the pull request's checkout, nor a ``PYTHON*`` variable nor the
user's site folder reaches ``sys.path``).

    python -I gtm_check_action.py run OPTION...          # gtm-check audit OPTION... on the inputs
    python -I gtm_check_action.py outputs STATUS REPORT  # lines for $GITHUB_OUTPUT
    python -I gtm_check_action.py comment REPORT         # post or edit the comment

The inputs come from the environment, never pasted into a shell script: ``LAUNCH`` (file
names separated by spaces, tabs or line breaks), ``POLICY`` (one file name) and ``ARGS``
(more audit flags, separated the same way), ``HTML`` and ``SARIF`` (the report files to
write, each one file name). Each is split here, never by a shell, so no word is ever
expanded as a pattern against the checkout's files; the launch files go after ``--``, each
one argument. One audit gives the verdict and writes every report: the JSON the outputs and
the comment read, the page, the SARIF file.

The comment carries a hidden marker, ``<!-- gtm-check: KEY -->`` on its first line, KEY
naming the launch files; the next run finds the comment with its marker written by the
same account and edits it, so a pull request has one comment per set of launch files. The
decisions (which comment, what body) are plain functions, tested without the network; only
``comment`` runs ``gtm-check diff`` (under ``POLICY``, as the audit) and ``gh``. Every piece
of text from input reaches the comment through ``text``, and nowhere else.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

STAGES = ("learn", "buy", "use", "grow")
SEPARATORS = re.compile(r"[ \t\r\n]+")
"""What separates the words of an input: the white space a shell's default IFS splits on
(and the carriage return of a Windows line break), nothing else: no quotes, no patterns."""
VERDICTS = {0: "passed", 1: "failed", 2: "invalid"}
LIMIT = 60_000
"""GitHub refuses a comment over 65,536 characters: the body stays under it."""
TEXT_LIMIT = 200
"""Each piece of input text in the comment is cut to this many characters."""
GTM_CHECK = (sys.executable, "-I", "-m", "gtm_check")
"""gtm-check as installed for the Python running this script, isolated like it: nothing
from the checkout is imported."""
DIFF_LISTS = {
    "done": "Newly done",
    "reopened": "Reopened",
    "blocked": "Newly blocked",
    "overdue": "Newly overdue",
    "waived": "Newly waived",
    "unwaived": "Waivers expired or removed",
    "slipped": "Due dates slipped",
    "owners": "Owners changed",
    "added": "Added to scope",
    "removed": "Removed from scope",
}
"""The lists of ``gtm-check diff --format json``, in its order, with its headings."""
Diff = dict[str, Any] | str
"""What ``gtm-check diff --format json`` said of one launch file, or why it could not."""


def words(value: str) -> list[str]:
    """An input's words: split on white space only, never on quotes, never expanded."""
    return [word for word in SEPARATORS.split(value) if word]


def launch_files(value: str) -> list[str]:
    """The launch input's file names: its words, ``-`` written ``./-`` so that a file of
    that name is read, never the step's standard input in its place."""
    return ["./-" if word == "-" else word for word in words(value)]


REPORTS = {"html": "HTML", "sarif": "SARIF"}
"""The reports the Action writes into the workspace when asked, each format with the
variable holding its input, the file's name."""


def audit_command(options: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """``gtm-check audit`` on the Action's inputs: the Action's own OPTIONS, one ``--also``
    for each report file asked for (``html``, ``sarif``), the policy (one argument, whatever
    it holds), the words of ARGS, then ``--`` and each launch file. The report files come
    from the same run as the verdict, so none can show a check passing that failed in it
    (a server that answers differently the second time, the cache between two runs)."""
    policy = env.get("POLICY", "")
    return [
        *GTM_CHECK,
        "audit",
        *options,
        *[f"--also={format}={name}" for format, name in report_files(env).items()],
        *([f"--policy={policy}"] if policy else []),
        *words(env.get("ARGS", "")),
        "--",
        *launch_files(env.get("LAUNCH", "")),
    ]


def report_files(env: Mapping[str, str]) -> dict[str, str]:
    """Each report asked for, by format: the input's file name, as given."""
    return {format: env[name] for format, name in REPORTS.items() if env.get(name)}


def diff_command(launch: str, env: Mapping[str, str]) -> list[str]:
    """``gtm-check diff`` of one launch file for the comment, under the same policy as the
    audit and on its date: the policy the audit took (the last of the ``policy`` input and
    ARGS' ``--policy``, one argument whatever it holds), ARGS' ``--as-of`` and
    ``--allow-outside`` after the options, then ``--`` and the launch file. Without the
    policy, a waiver the policy refuses would show as credited."""
    args = words(env.get("ARGS", ""))
    given = [env["POLICY"]] if env.get("POLICY") else []
    policies = given + [value for _, value in _options(args, {"--policy": "--policy"})]
    dates = [value for _, value in _options(args, {"--as-of": "--as-of"})]
    return [
        *GTM_CHECK,
        "diff",
        "--format",
        "json",
        *([f"--policy={policies[-1]}"] if policies else []),
        *([f"--as-of={dates[-1]}"] if dates else []),
        *(["--allow-outside"] if "--allow-outside" in _before_dashes(args) else []),
        "--",
        # A name with ":" would read as REV:PATH, and diff refuses what could be either.
        f"./{launch}" if ":" in launch and not os.path.isabs(launch) else launch,
    ]


JUDGING = ("--verify", "--require-verified", "--ignore-waivers", "--require-evidence",
           "--min-score", "--gate-stage", "--fail-on")  # fmt: skip
"""Audit flags that change how the launch is judged and that ``gtm-check diff`` does not
take: with any of them in ARGS, the comment leaves the diff's scores out."""


def unapplied(env: Mapping[str, str]) -> list[str]:
    """The flags of JUDGING that ARGS holds, each once, in JUDGING's order."""
    given = {word.partition("=")[0] for word in _before_dashes(words(env.get("ARGS", "")))}
    return [flag for flag in JUDGING if flag in given]


def _before_dashes(args: Sequence[str]) -> Sequence[str]:
    return args[: args.index("--")] if "--" in args else args


def _options(args: Sequence[str], valued: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each value given to an option ``valued`` names (each spelling to its long name),
    before ``--``, in every form the command line reads: ``--name value``,
    ``--name=value``, ``-x value``, ``-xvalue``."""
    found = []
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            break
        name, equals, value = token.partition("=")
        if token.startswith("--") and name in valued:
            found.append((valued[name], value if equals else next(tokens, "")))
        elif not token.startswith("--") and token[:2] in valued:
            found.append((valued[token[:2]], token[2:] or next(tokens, "")))
    return found


def run(options: Sequence[str]) -> int:
    """Run ``gtm-check audit`` on the inputs; its output is the step's, its exit code ours.
    A report file (``--output=NAME``, ``--also=FORMAT=NAME``, the ``html`` and ``sarif``
    inputs) the pull request already put there as a link or as anything but a regular file
    is refused first, exit 2: gtm-check writes through a link that stays in the repository,
    and the upload would follow it. So is a name with a line break, which would end the
    output line that names it. A run that exits 0 or 1 without writing each report (`--help`
    in ARGS) is exit 2 too: it gave no verdict."""
    command = audit_command(options, os.environ)
    written = _written(command)
    for name in written:
        if os.path.islink(name) or _not_a_file(name) or "\n" in name or "\r" in name:
            print(
                f"::error title=gtm-check::{_command_text(name)} is already in the checkout as "
                "a link or a folder, or holds a line break; the Action writes its reports only "
                "as new or regular files",
                flush=True,
            )
            return 2
        if any(c in name for c in GLOB):
            print(
                f"::error title=gtm-check::{_command_text(name)} holds a pattern character "
                "(*, ?, [); the upload would take it as a pattern and upload what else it "
                "matches: name the report plainly",
                flush=True,
            )
            return 2
    before = {name: _version(name) for name in written}
    sys.stdout.flush()
    code = subprocess.run(command, check=False).returncode
    unwritten = [n for n in written if _version(n) in (None, before[n])]
    if code in (0, 1) and unwritten:
        # `--help` in ARGS exits 0 and audits nothing: no verdict, and a report name would
        # point the upload at a file the pull request committed there.
        print(
            f"::error title=gtm-check::gtm-check exited {code} without writing "
            f"{_command_text(unwritten[0])}: an option in ARGS (such as --help) ends it "
            "before the audit",
            flush=True,
        )
        return 2
    return code


def _version(name: str) -> tuple[int, int, int] | None:
    """What tells a file gtm-check wrote from the one there before: a write gives it a new
    inode (a rename) or a new modification time. None: no such file."""
    try:
        status = os.stat(name)
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


GLOB = "*?["
"""Characters upload-artifact reads as a pattern in a report's name (the html-file and
sarif-file outputs): a pattern would upload what else it matches, a link the pull request
committed too."""

WRITERS = {"--output": "--output", "-o": "--output", "--also": "--also"}
"""The options of ``gtm-check audit`` that name a file to write."""


def _written(command: Sequence[str]) -> list[str]:
    """The files an audit command line writes: every ``--output``/``-o`` and ``--also``
    (``FORMAT=NAME``) in any spelling, before ``--``; not ``-``, standard output."""
    names = [
        value if name == "--output" else value.partition("=")[2]
        for name, value in _options(command, WRITERS)
    ]
    return [name for name in names if name != STDOUT]


STDOUT = "-"
"""The report name that means standard output (``-o -``): no file is written."""


def _not_a_file(name: str) -> bool:
    # A name ending in "/" or "/." names a folder, and lexists() of "link/" follows the link
    # ("link/." fails): the check would not see a link that gtm-check, dropping the ending,
    # would write through.
    last = name.replace(os.sep, "/").rpartition("/")[2]
    return last in ("", ".", "..") or (os.path.lexists(name) and not os.path.isfile(name))


def _command_text(text: str) -> str:
    """``text`` as a workflow command's message: the characters GitHub reads escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def outputs(
    status: int, report: dict[str, Any] | None, path: str, env: Mapping[str, str] | None = None
) -> list[str]:
    """The Action's outputs as ``name=value`` lines: the verdict, each stage's score (the
    lowest across a portfolio's launches; empty when no launch has one), the report, and
    each report file the run wrote (``html-file``, ``sarif-file``: only when the run got
    to a verdict, so gtm-check wrote them; never a name a pull request planted)."""
    if report is None and status in (0, 1):
        status = 2  # no report, no verdict: the run did not audit (`--help` in ARGS)
    if status not in (0, 1):
        report = None  # no verdict: no scores nor report beside `invalid`
    launches = _launches(report) if report is not None else []
    failed = any((launch.get("gate") or {}).get("passed") is False for launch in launches)
    # --warn-only in ARGS exits 0 on a failed gate: the verdict is still the gate's.
    lines = [f"verdict={VERDICTS.get(1 if status == 0 and failed else status, 'error')}"]
    for stage in STAGES:
        scores = [
            s["score"]
            for launch in launches
            for s in launch.get("stages", [])
            if s.get("key") == stage and isinstance(s.get("score"), int | float)
        ]
        lines.append(f"score-{stage}={min(scores) if scores else ''}")
    lines.append(f"report={path if report is not None else ''}")
    if status in (0, 1):
        lines += [f"{format}-file={name}" for format, name in report_files(env or {}).items()]
    return lines


def _launches(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One launch's report, or a portfolio's launches."""
    launches = report.get("launches")
    return launches if isinstance(launches, list) else [report]


def marker(launches: Sequence[str]) -> str:
    """The hidden first line that finds this comment again: the launch files, reduced to
    characters that cannot end an HTML comment or reach a Markdown reader."""
    named = " ".join(launches)
    key = re.sub(r"[^A-Za-z0-9._/ +-]", "_", named).replace("--", "-_")
    if key != named or len(key) > MARKER_NAMES:
        # Reduced, two names could meet (a:b.yaml, a_b.yaml): their own digest keeps them
        # apart, and two steps' comments from overwriting each other. Cut, the marker stays
        # a line the comment's own cut never reaches (names past 60,000 characters left a
        # comment of half a marker: nothing shown, and a new one posted on every push).
        digest = hashlib.sha256(named.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        key = f"{key[:MARKER_NAMES]}{'...' if len(key) > MARKER_NAMES else ''} {digest}"
    return f"<!-- gtm-check: {key} -->"


MARKER_NAMES = 200
"""The most characters of the launch files' names the marker holds."""


def pick_comment(comments: Iterable[dict[str, Any]], mark: str, author: str | None) -> int | None:
    """The id of the comment to edit: the oldest whose first line is the marker and whose
    author is the account that posts it (anyone can write a marker; only that account's
    comment may be taken over). ``author`` None: the token cannot say whose it is (the
    job's own, a GitHub App's), and it is a bot's: only a bot's comment may be taken over,
    which no person can write. None: post a new one."""
    for comment in sorted(comments, key=lambda c: (str(c.get("created_at", "")), c.get("id", 0))):
        body = comment.get("body") or ""
        user = comment.get("user") or {}
        ours = user.get("login") == author if author else user.get("type") == "Bot"
        if body.split("\n", 1)[0].strip() == mark and ours:
            return int(comment["id"])
    return None


# --- the comment's text ----------------------------------------------------------------

_REMOVED = frozenset({"Cf", "Cs", "Co", "Cn"})
"""Format characters (bidi controls, zero-width characters), surrogates, private-use and
unassigned characters: dropped from input text."""
_SPACE = frozenset({"Cc", "Zl", "Zp", "Zs"})
"""Controls (line breaks, tabs, escapes) and separators: one space each, runs collapsed."""
_MARKDOWN = re.compile(r"[\\`*_{}\[\]()#+\-.!|~$]")
"""ASCII punctuation Markdown reads as syntax (``$`` opens GitHub's math): each gets a
backslash, shown as itself."""
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_JOINER = "\u2060"
"""WORD JOINER: no width, but after "@" or "#" GitHub sees neither a mention nor an issue
reference, and inside "://" or "www." no address: nobody is notified, nothing is linked.
A literal character, not an entity: GitHub finds mentions and references in the rendered
text, where an entity would already be decoded."""
_LINKS = re.compile(r"(?i)(@|#|:(?=//)|\bwww(?=\.)|\bgh(?=-\d)|\b[0-9a-f](?=[0-9a-f]{6,39}\b))")
"""After each of these, a word joiner: a mention, an issue or pull-request reference, an
address, a GitHub advisory id, and the first character of what could be a commit id (7 to
40 hexadecimal characters, which GitHub links to the commit)."""


def text(value: object, limit: int = TEXT_LIMIT, *, end: bool = False) -> str:
    """Any text that came from input (a launch's name, an item's title, owner or state, a
    reason, a file name, a message) as Markdown for the comment, the one way it gets there:
    one line (controls and line breaks become spaces, invisible characters go), cut to
    ``limit`` characters (keeping its ``end``, for a file name: two files of one long
    folder differ there), no mention, issue reference or link (a word joiner after "@" and
    "#", inside "://" and "www.", after the first character of a commit id), every Markdown
    character escaped and the HTML ones as
    entities. The reader sees the text as written; GitHub acts on none of it."""
    kept = "".join(
        " " if unicodedata.category(c) in _SPACE else c
        for c in str(value)
        if unicodedata.category(c) not in _REMOVED
    )
    flat = re.sub(" +", " ", kept).strip()
    if len(flat) > limit:
        flat = "…" + flat[1 - limit :] if end else flat[: limit - 1] + "…"
    flat = _LINKS.sub(lambda m: m.group(0) + _JOINER, flat)
    flat = _MARKDOWN.sub(lambda m: "\\" + m.group(0), flat)
    return "".join(_HTML.get(c, c) for c in flat)


def file_text(name: str) -> str:
    """A file's name for the comment (``text``, keeping its end), with each character
    ``text`` would drop or turn into a space written as an escape (``\\u200b``): two
    names that differ only there (``x.yaml``, ``x\\u200b.yaml``) still differ."""
    shown = "".join(
        f"\\u{ord(c):04x}" if c != " " and unicodedata.category(c) in _REMOVED | _SPACE else c
        for c in name
    )
    return text(shown, end=True)


def body(
    mark: str,
    report: dict[str, Any],
    diffs: Sequence[tuple[str, Diff]],
    unapplied: Sequence[str] = (),
) -> str:
    """The comment: the marker, each launch's verdict and stage scores (a portfolio's
    counted first, its failing launches before the others), then what changed since the
    base branch (``gtm-check diff``), cut to stay under GitHub's limit. Every
    piece of input text goes through ``text``; each line the comment starts is the
    Action's own words, so no title can start a line of its own. ``unapplied``: the
    audit's flags the diff does not take (``JUDGING``); the diff's scores and
    regressions, judged without them, are left out, so that no score there contradicts
    the verdict above (a check that failed, a waiver the audit ignored)."""
    parts = [mark, "## Launch readiness (gtm-check)", ""]
    launches = _launches(report)
    passed = [(launch.get("gate") or {}).get("passed") is True for launch in launches]
    if len(launches) > 1:  # the run's verdict first, whatever the cut leaves of the rest
        parts += [_portfolio_verdict(passed.count(False), len(launches)), ""]
    # Failing launches first: a cut for length never leaves only passing ones.
    for _, launch in sorted(zip(passed, launches, strict=True), key=lambda pair: pair[0]):
        parts += [_verdict(launch), ""]
    parts += ["## Since the base branch", ""]
    if unapplied:
        flags = ", ".join(f"`{flag}`" for flag in unapplied)
        parts += [
            f"What changed in the launch files. Scores are the audit's, above: `gtm-check "
            f"diff` does not apply {flags}, so its scores are left out.",
            "",
        ]
    for name, diff in diffs:
        parts += [*_diff_lines(name, diff, scores=not unapplied), ""]
    joined = "\n".join(parts)
    if len(joined) > LIMIT:
        cut = joined[:LIMIT].rsplit("\n", 1)[0]
        joined = cut + (
            "\n\n… cut short to fit a comment: `gtm-check diff` lists every change, and the "
            "job summary has the gap report.\n"
        )
    return joined


def _portfolio_verdict(failing: int, launches: int) -> str:
    """A portfolio's verdict, counted: "❌ 1 of 61 launches fail their gate"."""
    if failing:
        return f"❌ {failing} of {launches} launches fail their gate"
    return f"✅ all {launches} launches pass their gate"


def _verdict(launch: dict[str, Any]) -> str:
    """The verdict first on its line, then whose it is: "❌ gate failed: **NAME** (tier 1),
    overall 69.5" (in a portfolio, "… (tier 1) in FILE, …": names can repeat), each reason
    the gate failed and the stage scores below."""
    info = launch.get("launch") or {}
    gate = launch.get("gate") or {}
    verdict = "✅ gate passed" if gate.get("passed") is True else "❌ gate failed"
    where = f" in {file_text(str(info['file']))}" if info.get("file") else ""
    lines = [
        f"{verdict}: **{text(info.get('name', '?'))}** (tier {text(info.get('tier', '?'))})"
        f"{where}, overall {_score((launch.get('overall') or {}).get('score'))}"
    ]
    lines += [f"- reason: {text(reason)}" for reason in gate.get("failures") or []]
    stages = " · ".join(
        f"{text(s.get('key'))} {_score(s.get('score'))}" for s in launch.get("stages") or []
    )
    return "\n".join([*lines, f"- stages: {stages}"])


def _diff_lines(name: str, diff: Diff, *, scores: bool = True) -> list[str]:
    """One launch file's changes since the base branch, from the diff's JSON; without
    ``scores``, only what changed in the file."""
    if isinstance(diff, str):
        return [f"File {file_text(name)}: no comparison with the base branch ({text(diff)})."]
    overall = diff.get("overall") or {}
    heading = f"File {file_text(name)}, **{text(diff.get('launch', '?'))}**"
    if not scores:
        lines = [heading]
    else:
        lines = [f"{heading}: overall {_score(overall.get('old'))} → {_score(overall.get('new'))}"]
    moved = diff.get("launch_date")
    if isinstance(moved, dict):
        lines.append(f"- launch date moved {text(moved.get('old'))} → {text(moved.get('new'))}")
    if scores:
        lines += [f"- regression: {text(r)}" for r in diff.get("regressions") or []]
        stages = diff.get("stages") or {}
        shown = (
            f"{text(key)} {_score(s.get('old'))} → {_score(s.get('new'))}"
            for key, s in stages.items()
            if isinstance(s, dict)
        )
        lines.append(f"- stages: {' · '.join(shown)}")
    changed = False
    for key, heading in DIFF_LISTS.items():
        for change in diff.get(key) or []:
            lines.append(f"- {heading}: {_change(change)}")
            changed = True
    if not changed:
        lines.append("- no item changed")
    return lines


def _change(change: dict[str, Any]) -> str:
    line = (
        f"{text(change.get('id'))} {text(change.get('title'))} "
        f"({text(change.get('severity'))}, {text(change.get('stage'))})"
    )
    old, new, owner = change.get("old"), change.get("new"), change.get("owner")
    if old is not None and new is not None:
        line += f": {text(old)} → {text(new)}"
    elif new is not None:
        line += f": {text(new)}"
    if owner and owner not in (old, new):
        line += f", owner {text(owner)}"
    return line


def _score(score: object) -> str:
    is_number = isinstance(score, int | float) and not isinstance(score, bool)
    return f"{score:.1f}" if is_number else "—"


# --- the network -----------------------------------------------------------------------


def _run(args: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=False, **kwargs)


def _diff(launch: str) -> Diff:
    """What changed in one launch file since the base branch; why not, when it cannot say."""
    result = _run(diff_command(launch, os.environ))
    if result.returncode in (0, 1):
        try:
            found = json.loads(result.stdout)
        except ValueError:
            found = None
        return found if isinstance(found, dict) else "gtm-check diff wrote no report"
    return " ".join(result.stderr.split()) or f"exit {result.returncode}"


def comment(report_path: str, launches: Sequence[str]) -> int:
    repo, number = os.environ["REPO"], os.environ["PR"]
    try:
        report = json.loads(Path(report_path).read_text("utf-8")) if report_path else None
    except (OSError, ValueError):
        report = None
    if not isinstance(report, dict):
        return _warn("the audit wrote no report to comment on")
    author = _login()  # None: a bot's token (the job's own, a GitHub App's)
    mark = marker(launches)
    diffs = [(launch, _diff(launch)) for launch in launches]
    written = body(mark, report, diffs, unapplied(os.environ))
    listed = _run(["gh", "api", "--paginate", f"repos/{repo}/issues/{number}/comments",
                   "--jq", ".[]"])  # fmt: skip
    if listed.returncode != 0:
        return _warn(f"could not list the pull request's comments: {listed.stderr.strip()}")
    try:
        # One JSON value a line: gh escapes the line breaks inside strings, but not every
        # character str.splitlines breaks on (U+0085, U+2028…), which a comment may hold.
        comments = [json.loads(line) for line in listed.stdout.split("\n") if line.strip()]
    except ValueError:
        return _warn("could not read the pull request's comments as gh listed them")
    found = pick_comment([c for c in comments if isinstance(c, dict)], mark, author)
    with tempfile.TemporaryDirectory() as folder:
        payload = Path(folder) / "comment.json"
        payload.write_text(json.dumps({"body": written}), encoding="utf-8")
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
    if argv and argv[0] == "run":
        return run(argv[1:])
    if len(argv) == 3 and argv[0] == "outputs":
        status, path = int(argv[1]), argv[2]
        try:
            report = json.loads(Path(path).read_text("utf-8"))
        except (OSError, ValueError):
            report = None
        print("\n".join(outputs(status, report, path, os.environ)))
        return 0
    if len(argv) == 2 and argv[0] == "comment":
        return comment(argv[1], launch_files(os.environ.get("LAUNCH", "")))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
