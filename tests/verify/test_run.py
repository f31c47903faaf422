"""Running a launch's checks together: in parallel, each within its time, all within the
run's, identical ones once; and the cache of passes, which a pull request cannot fill."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from gtm_check.load import history as history_module
from gtm_check.load.history import Repository
from gtm_check.load.verify import file as file_checks
from gtm_check.load.verify import run as runner
from gtm_check.load.verify.cache import CACHE_ENV, cache_folder, entry_name, key_of
from gtm_check.load.verify.file import NOT_TRACKED
from gtm_check.load.verify.http import MAX_BODY_BYTES
from gtm_check.load.verify.options import CheckOptions
from gtm_check.load.verify.pattern import MAX_SEARCH_BYTES
from gtm_check.load.verify.run import Checker, git_of
from gtm_check.model import verify
from gtm_check.model.results import CheckResult
from gtm_check.model.verify import AnyCheck, FileCheck, UrlCheck
from tests.verify.conftest import commit_all
from tests.verify.server import Site

LOOPBACK = ["127.0.0.1"]


def checker(
    cache: Path | None = None,
    *,
    timeout: float = 10,
    total: float = 60,
    max_age: float = 3600,
    allow_outside: bool = False,
) -> Checker:
    options = CheckOptions(
        timeout=timeout, total=total, max_age=max_age, allow_outside=allow_outside
    )
    return Checker(options, cache=cache)


def test_each_item_gets_its_result(site: Site, repo: Path) -> None:
    (repo / "notes.md").write_text("2.0.0")
    checks: dict[str, AnyCheck] = {
        "a.page": UrlCheck(url=site.page("/p", "Acme"), contains="Acme"),
        "a.gone": UrlCheck(url=site.page("/gone", status=410)),
        "a.notes": FileCheck(path="notes.md", contains="2.0.0"),
        "a.none": FileCheck(path="none.md"),
    }
    results = checker().run(checks, repo, LOOPBACK)
    assert {item: (r.passed, r.why) for item, r in results.items()} == {
        "a.page": (True, "answered 200 with 'Acme'"),
        "a.gone": (False, "answered 410"),
        "a.notes": (True, "the file holds '2.0.0'"),
        "a.none": (False, "no such file"),
    }
    assert results["a.page"].kind == "url" and results["a.notes"].target == "notes.md"


def test_checks_run_in_parallel(site: Site, repo: Path) -> None:
    # Eight pages that never answer: run one after another, they could not overlap.
    checks: dict[str, AnyCheck] = {
        f"a.p{n}": UrlCheck(url=site.page(f"/p{n}", hang=True)) for n in range(8)
    }
    results = checker(timeout=0.5).run(checks, repo, LOOPBACK)
    assert all(not r.passed for r in results.values())
    assert site.most_at_once > 1


def test_every_check_ends_within_the_total(
    site: Site, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "WORKERS", 1)
    checks: dict[str, AnyCheck] = {
        f"a.p{n}": UrlCheck(url=site.page(f"/p{n}", hang=True)) for n in range(5)
    }
    results = checker(timeout=5, total=0.3).run(checks, repo, LOOPBACK)
    whys = [r.why for r in results.values()]
    assert whys[0] == "no full answer in the time a check has"
    # The rest were never started: the run's time had run out.
    assert set(whys[1:]) == {"not run: the checks' 0.3 seconds had run out"}
    assert len(site.requests) == 1


def test_identical_checks_run_once(site: Site, repo: Path) -> None:
    url = site.page("/p", "Acme")
    checks: dict[str, AnyCheck] = {f"a.p{n}": UrlCheck(url=url, contains="Acme") for n in range(6)}
    results = checker().run(checks, repo, LOOPBACK)
    assert all(r.passed for r in results.values())
    assert len(site.requests) == 1


def test_a_run_runs_at_most_so_many_checks(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "MAX_CHECKS", 3)
    run = checker()
    checks: dict[str, AnyCheck] = {f"a.f{n}": FileCheck(path=f"f{n}.md") for n in range(5)}
    results = run.run(checks, repo, LOOPBACK)
    assert [r.why for r in results.values()] == [
        *["no such file"] * 3,
        *["not run: one run runs at most 3 checks"] * 2,
    ]
    # The count is the run's: a second launch of the run has none left.
    again = run.run({"b.f": FileCheck(path="other.md")}, repo, LOOPBACK)
    assert again["b.f"].why == "not run: one run runs at most 3 checks"


def test_a_checker_that_breaks_is_an_internal_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> tuple[bool, str]:
        raise KeyError("a bug")

    monkeypatch.setattr(runner, "check_file", broken)
    with pytest.raises(KeyError):
        checker().run({"a.f": FileCheck(path="x")}, repo, LOOPBACK)


# --- the cache ---------------------------------------------------------------------------------


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_a_pass_is_kept_and_used_while_young(site: Site, repo: Path, cache: Path) -> None:
    checks: dict[str, AnyCheck] = {"a.p": UrlCheck(url=site.page("/p", "Acme"), contains="Acme")}
    first = checker(cache).run(checks, repo, LOOPBACK)
    second = checker(cache).run(checks, repo, LOOPBACK)
    assert first == second
    assert len(site.requests) == 1
    # --verify-max-age 0: fetched again.
    checker(cache, max_age=0).run(checks, repo, LOOPBACK)
    assert len(site.requests) == 2
    assert oct(cache.stat().st_mode & 0o777) == "0o700"


def test_a_failure_is_never_kept(site: Site, repo: Path, cache: Path) -> None:
    checks: dict[str, AnyCheck] = {"a.p": UrlCheck(url=site.page("/p", status=500))}
    checker(cache).run(checks, repo, LOOPBACK)
    checker(cache).run(checks, repo, LOOPBACK)
    assert len(site.requests) == 2
    assert list(cache.iterdir()) == []


def test_a_cached_pass_counts_only_where_the_policy_still_allows_it(
    site: Site, repo: Path, cache: Path
) -> None:
    checks: dict[str, AnyCheck] = {"a.p": UrlCheck(url=site.page("/p"))}
    checker(cache).run(checks, repo, LOOPBACK)
    refused = checker(cache).run(checks, repo, ["docs.acme.example"])
    assert not refused["a.p"].passed


def test_an_entry_planted_in_the_cache_is_not_believed(site: Site, repo: Path, cache: Path) -> None:
    url = site.page("/p", status=404)
    checks: dict[str, AnyCheck] = {"a.p": UrlCheck(url=url)}
    cache.mkdir(mode=0o700)
    key = _key(url)
    forged = {"key": key, "why": "answered 200", "hops": [["127.0.0.1", "127.0.0.1"]]}
    # Under its own name but naming another check; under another name; a link to a
    # forged entry; an entry from the future.
    (cache / entry_name(key)).write_text(json.dumps(forged | {"key": "x", "at": time.time()}))
    (cache / ("0" * 64 + ".json")).write_text(json.dumps(forged | {"at": time.time()}))
    assert _fails(checker(cache).run(checks, repo, LOOPBACK))
    (cache / entry_name(key)).unlink()
    target = cache.parent / "forged.json"
    target.write_text(json.dumps(forged | {"at": time.time()}))
    (cache / entry_name(key)).symlink_to(target)
    assert _fails(checker(cache).run(checks, repo, LOOPBACK))
    (cache / entry_name(key)).unlink()
    (cache / entry_name(key)).write_text(json.dumps(forged | {"at": time.time() + 3600}))
    assert _fails(checker(cache).run(checks, repo, LOOPBACK))
    # The same entry, but written by this user now: believed (so the others were refused
    # for what they were, not for their content).
    (cache / entry_name(key)).write_text(json.dumps(forged | {"at": time.time()}))
    assert not _fails(checker(cache).run(checks, repo, LOOPBACK))


@pytest.mark.parametrize(
    "planted",
    [
        "[" * 4000,  # nested past what the JSON reader takes: under the 4 KiB limit
        "{" * 4000,
        '{"":' * 1000,
        "{KEY, " + '"at": ' + "9" * 3500 + "}",  # a time too large for a number of seconds
        "{KEY, " + '"at": -' + "9" * 3500 + "}",
        '{KEY, "at": NaN}',
        '{KEY, "at": Infinity}',
        '{KEY, "at": true}',
        '{KEY, "at": NOW, "hops": [["127.0.0.1", ["127.0.0.1"]]]}',
        '{KEY, "at": NOW, "hops": "127.0.0.1"}',
        '{KEY, "at": NOW, "why": ["answered 200"]}',
        "[KEY]",
        "",
    ],
)
def test_an_entry_that_is_not_a_well_formed_entry_is_not_believed(
    site: Site, repo: Path, cache: Path, planted: str
) -> None:
    # The page answers 404: the check runs as it would without a cache, and fails saying so.
    url = site.page("/p", status=404)
    cache.mkdir(mode=0o700)
    key = _key(url)
    hops = '"hops": [["127.0.0.1", "127.0.0.1"]]'
    fields = f'"key": {json.dumps(key)}, "why": "answered 200", {hops}'
    text = planted.replace("KEY", fields).replace("NOW", repr(time.time()))
    (cache / entry_name(key)).write_text(text)
    results = checker(cache).run({"a.p": UrlCheck(url=url)}, repo, LOOPBACK)
    assert (results["a.p"].passed, results["a.p"].why) == (False, "answered 404")
    assert site.paths() == ["/p"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_an_entry_another_user_owns_is_not_believed(site: Site, repo: Path, cache: Path) -> None:
    url = site.page("/p", status=404)
    cache.mkdir(mode=0o700)
    entry = cache / entry_name(_key(url))
    forged = {"key": _key(url), "why": "answered 200", "hops": [["127.0.0.1", "127.0.0.1"]]}
    entry.write_text(json.dumps(forged | {"at": time.time()}))
    os.chown(entry, 65534, 65534)
    assert _fails(checker(cache).run({"a.p": UrlCheck(url=url)}, repo, LOOPBACK))


def _fails(results: dict[str, CheckResult]) -> bool:
    return not results["a.p"].passed


def _key(url: str) -> str:
    """The key a pass of ``url`` (fetched from 127.0.0.1, no text sought) is kept under."""
    return key_of(
        {
            "kind": "url",
            "url": url,
            "contains": None,
            "address": "127.0.0.1",
            "limit": MAX_BODY_BYTES,
        }
    )


def test_a_cache_inside_the_repository_is_not_used(site: Site, repo: Path) -> None:
    # A pull request controls every file of the checkout: entries committed there must
    # never make a check pass.
    inside = repo / ".gtm-check-cache"
    checks: dict[str, AnyCheck] = {"a.p": UrlCheck(url=site.page("/p"))}
    checker(inside).run(checks, repo, LOOPBACK)
    checker(inside).run(checks, repo, LOOPBACK)
    assert len(site.requests) == 2
    assert not any(inside.glob("*.json"))


def test_a_cache_others_may_write_to_is_not_used(site: Site, repo: Path, cache: Path) -> None:
    cache.mkdir()
    cache.chmod(0o777)
    checks: dict[str, AnyCheck] = {"a.p": UrlCheck(url=site.page("/p"))}
    checker(cache).run(checks, repo, LOOPBACK)
    checker(cache).run(checks, repo, LOOPBACK)
    assert len(site.requests) == 2


def test_a_cache_folder_that_is_a_link_is_not_used(site: Site, repo: Path, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(real)
    checks: dict[str, AnyCheck] = {"a.p": UrlCheck(url=site.page("/p"))}
    checker(tmp_path / "link").run(checks, repo, LOOPBACK)
    assert list(real.iterdir()) == []


def test_where_the_cache_lives(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert cache_folder() == tmp_path / "mine"
    monkeypatch.setenv(CACHE_ENV, "")
    assert cache_folder() is None
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "gtm-check" / "checks"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder() == tmp_path / "home" / ".cache" / "gtm-check" / "checks"


def test_the_cache_is_off_in_tests() -> None:
    assert os.environ[CACHE_ENV] == ""


# --- file checks ask only about what git tracks -------------------------------------------------


@pytest.mark.parametrize("allow_outside", [False, True], ids=["", "--allow-outside"])
def test_a_file_check_reads_only_what_git_tracks(repo: Path, allow_outside: bool) -> None:
    # A check is an oracle for a file's contents, a bit at a time: a pull request may ask
    # about the repository's files, never about what a CI step wrote beside them (a key, a
    # token) nor about git's own folder (where the checkout keeps its token).
    shutil.rmtree(repo / ".git")
    (repo / "notes.md").write_text("## 2.0.0\n")
    (repo / "to-git.md").symlink_to(".git/config")
    (repo / "to-secret.md").symlink_to("secret.json")
    commit_all(repo)
    (repo / "secret.json").write_text('{"token": "abc"}')  # written by a build step
    checks: dict[str, AnyCheck] = {
        "a.notes": FileCheck(path="notes.md", contains="2.0.0"),
        "a.secret": FileCheck(path="secret.json", contains="token"),
        "a.missing": FileCheck(path="missing.json"),
        "a.to-secret": FileCheck(path="to-secret.md"),
        "a.to-git": FileCheck(path="to-git.md", contains="url"),
    }
    # --allow-outside lets a check follow a link out of the repository, never around these.
    run = checker(allow_outside=allow_outside).run
    results = run(checks, repo, LOOPBACK, git_of(repo / "launch.yaml"))
    assert {item: r.why for item, r in results.items()} == {
        "a.notes": "the file holds '2.0.0'",
        "a.secret": NOT_TRACKED,
        "a.missing": NOT_TRACKED,  # the same words: nothing tells the two apart
        "a.to-secret": NOT_TRACKED,
        "a.to-git": "it leads into git's own folder, which a check may not read",
    }


def git_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The arguments of each git command the run gives, in order."""
    calls: list[list[str]] = []
    real = Repository._git

    def counted(self: Repository, args: Sequence[str], request: bytes = b"") -> bytes:
        calls.append(list(args))
        return real(self, args, request)

    monkeypatch.setattr(Repository, "_git", counted)
    return calls


def test_allow_outside_lets_no_check_read_a_bare_repository_or_the_systems_files(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With --allow-outside a check refused only a path through a folder named .git: a
    # link to a bare repository's config (where a checkout keeps its token) and
    # /proc/self/environ were oracles, a bit a check, for what they held.
    shutil.rmtree(repo / ".git")
    bare = tmp_path / "secret.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    (bare / "config").write_text("[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n")
    (repo / "cfg").symlink_to(bare / "config")
    (repo / "notes.md").write_text("## 2.0.0\n")
    commit_all(repo)
    monkeypatch.setenv("SECRET_TOKEN", "hunter2")
    checks: dict[str, AnyCheck] = {
        "a.cfg": FileCheck(path="cfg", contains="AUTHORIZATION"),
        "a.env": FileCheck(path="/proc/self/environ", contains="SECRET_TOKEN=hunter2"),
        "a.notes": FileCheck(path="notes.md", contains="2.0.0"),
    }
    run = checker(allow_outside=True).run
    results = run(checks, repo, LOOPBACK, git_of(repo / "launch.yaml"))
    assert {item: r.why for item, r in results.items()} == {
        "a.cfg": "it leads into git's own folder, which a check may not read",
        "a.env": "it leads into the system's own files (/proc, /sys, /dev), which a check "
        "may not read",
        "a.notes": "the file holds '2.0.0'",
    }


def test_a_tracked_folder_passes_with_paths_inside_it_in_the_same_run(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # git ls-tree given a folder and a path inside it lists what is inside, never the folder
    # itself: each path asked for must still be found by its own entry.
    shutil.rmtree(repo / ".git")
    (repo / "docs" / "sub").mkdir(parents=True)
    (repo / "docs" / "guide.md").write_text("v2\n")
    (repo / "docs" / "sub" / "deep.md").write_text("deep\n")
    for n in range(50):
        (repo / "docs" / f"page{n}.md").write_text(f"{n}\n")
    commit_all(repo)
    calls = git_calls(monkeypatch)
    checks: dict[str, AnyCheck] = {
        "a.docs": FileCheck(path="docs"),
        "a.guide": FileCheck(path="docs/guide.md", contains="v2"),
        "a.sub": FileCheck(path="docs/sub"),
        "a.deep": FileCheck(path="docs/sub/deep.md"),
        "a.missing": FileCheck(path="docs/none.md"),
        "a.missing-folder": FileCheck(path="none"),
        **{f"a.p{n}": FileCheck(path=f"docs/page{n}.md") for n in range(50)},
    }
    results = checker().run(checks, repo, LOOPBACK, git_of(repo / "launch.yaml"))
    assert {item: r.why for item, r in results.items() if not item.startswith("a.p")} == {
        "a.docs": "the folder exists",
        "a.guide": "the file holds 'v2'",
        "a.sub": "the folder exists",
        "a.deep": "the file exists",
        "a.missing": NOT_TRACKED,
        "a.missing-folder": NOT_TRACKED,
    }
    assert all(results[f"a.p{n}"].passed for n in range(50))
    # One ls-tree for each depth of folders asked inside one another (docs, docs/sub, then
    # docs/sub/deep.md), not one per path; then the size of the one file a text is sought in.
    assert [args[0] for args in calls] == ["ls-tree"] * 3 + ["cat-file"]
    git = git_of(repo / "launch.yaml")
    alone = checker().run({"a.docs": FileCheck(path="docs")}, repo, LOOPBACK, git)
    assert (alone["a.docs"].passed, alone["a.docs"].why) == (True, "the folder exists")


def test_file_checks_ask_git_in_batches_the_system_can_take(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1,000 file checks of 1,020 characters in a script of three bytes a character made one
    # ls-tree command line of 3 MB, past the system's limit: every check failed with
    # "Argument list too long". The paths go in batches of at most ARGUMENT_BYTES.
    shutil.rmtree(repo / ".git")
    (repo / "docs").mkdir()
    for n in range(40):
        (repo / "docs" / f"page-{n:02}-{'é' * 40}.md").write_text(f"{n}\n")
    commit_all(repo)
    calls = git_calls(monkeypatch)
    monkeypatch.setattr(history_module, "ARGUMENT_BYTES", 1_000)
    checks: dict[str, AnyCheck] = {
        f"a.p{n}": FileCheck(path=f"docs/page-{n:02}-{'é' * 40}.md") for n in range(40)
    }
    results = checker().run(checks, repo, LOOPBACK, git_of(repo / "launch.yaml"))
    assert all(r.passed for r in results.values()), {i: r.why for i, r in results.items()}
    asked = [args[args.index("--") + 1 :] for args in calls if args[0] == "ls-tree"]
    assert len(asked) == 4  # 40 paths of 96 bytes and a NUL, 10 to a batch of 1,000 bytes
    assert all(sum(len(os.fsencode(p)) + 1 for p in batch) <= 1_000 for batch in asked)


def test_a_file_check_reads_the_file_as_committed_not_as_a_build_step_left_it(
    repo: Path,
) -> None:
    # A step substitutes a secret into a tracked file before gtm-check runs: a check asking
    # about the file's text must not tell the secret apart, a character at a time.
    shutil.rmtree(repo / ".git")
    (repo / "deploy.yaml").write_text("api_token: __API_TOKEN__\n")
    (repo / "big.txt").write_text("x" * (MAX_SEARCH_BYTES + 10) + "tail")
    (repo / "docs").mkdir()
    (repo / "docs" / "a.md").write_text("a\n")
    commit_all(repo)
    (repo / "deploy.yaml").write_text("api_token: ghp_s3cr3t\n")
    (repo / "docs" / "a.md").unlink()
    (repo / "docs").rmdir()
    (repo / "docs").write_text("a file where the commit has a folder")
    checks: dict[str, AnyCheck] = {
        "a.guess": FileCheck(path="deploy.yaml", matches="^api_token: ghp_s"),
        "a.as-committed": FileCheck(path="deploy.yaml", contains="__API_TOKEN__"),
        "a.exists": FileCheck(path="deploy.yaml"),
        "a.big": FileCheck(path="big.txt", contains="tail"),
        "a.head": FileCheck(path="big.txt", contains="xxx"),
        "a.folder": FileCheck(path="docs", contains="a file"),
    }
    results = checker().run(checks, repo, LOOPBACK, git_of(repo / "launch.yaml"))
    assert {item: r.why for item, r in results.items()} == {
        "a.guess": "nothing in it matches '^api_token: ghp_s'",
        "a.as-committed": "the file holds '__API_TOKEN__'",
        "a.exists": "the file exists",
        "a.big": f"'tail' is not in its first {MAX_SEARCH_BYTES:,} bytes",
        "a.head": "the file holds 'xxx'",
        "a.folder": "it is not a file in the commit checked out",
    }


def test_file_checks_fail_where_git_cannot_say_what_it_tracks(repo: Path) -> None:
    (repo / "notes.md").write_text("x")  # repo/.git is an empty folder, not a repository
    results = checker().run({"a.f": FileCheck(path="notes.md")}, repo, LOOPBACK, git_of(repo / "x"))
    assert not results["a.f"].passed
    assert results["a.f"].why.startswith("git could not say which files it tracks: ")


def test_git_streams_a_large_committed_file_rather_than_unpacking_it_whole(
    tmp_path: Path,
) -> None:
    # 96 MiB of zeros packs to about 100 KiB; asked for it whole, git inflates all of it in
    # memory before it writes a byte, in each of the checks that run at once.
    root = tmp_path / "big"
    root.mkdir()
    (root / "a.txt").write_text("a\n")
    commit_all(root)
    zeros = (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"],
            cwd=root,
            input=bytes(96 * 1024 * 1024),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    subprocess.run(
        ["git", "pack-objects", "-q", ".git/objects/pack/pack"],
        cwd=root,
        input=f"{zeros}\n".encode(),
        capture_output=True,
        check=True,
    )
    subprocess.run(["git", "prune-packed"], cwd=root, check=True)
    program = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from gtm_check.load.history import Repository\n"
        "repo = Repository.of(Path(sys.argv[1]) / 'a.txt')\n"
        "head = repo.head_of(sys.argv[2], 1024)\n"
        "assert head == bytes(1024), head[:20]\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, str(root), zeros], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) < 32 * 1024  # KiB: git's peak, far below the 96 MiB unpacked


def test_a_committed_file_too_large_to_search_is_not_read(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Git rebuilds a blob stored as a delta whole in memory before it gives a byte: two
    # 200 MiB files of zeros, one a delta of the other, pack to 207 KiB; eight checks on it
    # took 3 GB. A text is sought only in committed files up to a size, asked first.
    shutil.rmtree(repo / ".git")
    (repo / "big.txt").write_text("x" * 200)
    (repo / "small.txt").write_text("x" * 100)
    commit_all(repo)
    monkeypatch.setattr(file_checks, "MAX_SEARCHED_BLOB", 100)
    read: list[str] = []
    real = Repository.head_of

    def spy(self: Repository, blob: str, limit: int) -> bytes:
        read.append(blob)
        return real(self, blob, limit)

    monkeypatch.setattr(Repository, "head_of", spy)
    checks: dict[str, AnyCheck] = {
        "a.big": FileCheck(path="big.txt", contains="x"),
        "a.small": FileCheck(path="small.txt", contains="x"),
        "a.exists": FileCheck(path="big.txt"),
    }
    results = checker().run(checks, repo, LOOPBACK, git_of(repo / "launch.yaml"))
    assert {item: r.why for item, r in results.items()} == {
        "a.big": "it is 200 bytes in the commit; gtm-check seeks text in committed files of "
        "at most 100",
        "a.small": "the file holds 'x'",
        "a.exists": "the file exists",
    }
    assert len(read) == 1  # the small one only


def test_the_hosts_lookups_are_built_once_for_a_runs_checks(
    site: Site, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each check, and each hop of one, built the lookups of the whole verify_hosts list
    # again: 1,000 checks against 100,000 entries spent the run's 60 seconds doing so.
    built: list[int] = []
    real = verify.AllowedHosts.__init__

    def counted(self: verify.AllowedHosts, entries: Sequence[str]) -> None:
        built.append(len(entries))
        real(self, entries)

    monkeypatch.setattr(verify.AllowedHosts, "__init__", counted)
    hosts = [*LOOPBACK, *(f"h{n}.example" for n in range(1_000))]
    checks: dict[str, AnyCheck] = {
        f"a.p{n}": UrlCheck(url=site.page(f"/p{n}", "ok")) for n in range(20)
    }
    results = checker().run(checks, repo, hosts)
    assert all(r.passed for r in results.values())
    assert built == [len(hosts)]
