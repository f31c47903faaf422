"""git on a checkout from a pull request: the history read is the checkout's own, nothing in
a repository's config or the environment starts a program, every git failure is one clear
line, commit dates at or past the ends of the calendar are handled, and reading is bounded."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from gtm_check.authoring.interrupts import Interrupted, signals_end_the_block
from gtm_check.cli.commands import app
from gtm_check.load import files, revisions
from gtm_check.load import history as git
from gtm_check.load.launch import load_launch_text
from gtm_check.model import history as periods
from gtm_check.model.history import Every
from gtm_check.model.problems import GtmCheckError
from gtm_check.review import trend as review
from gtm_check.scoring import trend as scoring
from gtm_check.scoring.score import score_launch
from tests.review.gitrepo import CHECKLIST, GitRepo, launch

AS_OF = "2027-02-10"
REAL = launch("""
    legal.trademarks: todo
    legal.privacy: todo
""")
REAL_LATER = launch("""
    legal.trademarks: todo
    legal.privacy: done
""")
FORGED = launch("""
    legal.trademarks: done
    legal.privacy: done
    legal.contracts: done
""")
SIGNATURES = {
    "gpg": "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n-----END PGP SIGNATURE-----",
    "ssh": "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----",
    "x509": "-----BEGIN SIGNED MESSAGE-----\nMIAGCSqG\n-----END SIGNED MESSAGE-----",
}


class Programs:
    """Scripts that leave a mark when they run: one for each way git could start one."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def script(self, name: str, folder: Path | None = None) -> Path:
        path = (folder or self.folder) / name
        path.write_text(f"#!/bin/sh\ntouch '{self.folder / name}.ran'\nexit 1\n", encoding="utf-8")
        path.chmod(0o755)
        return path

    def ran(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.ran"))


def git_in(root: Path, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, input=stdin, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def sign_head(root: Path, kind: str = "gpg") -> str:
    """Give HEAD's commit a signature, so that showing signatures would start a program."""
    header, _, message = git_in(root, "cat-file", "commit", "HEAD").partition("\n\n")
    signature = SIGNATURES[kind].replace("\n", "\n ")
    signed = f"{header}\ngpgsig {signature}\n\n{message}\n"
    commit = git_in(root, "hash-object", "-t", "commit", "-w", "--stdin", stdin=signed)
    git_in(root, "update-ref", "HEAD", commit)
    return commit


def commit_at(repo: GitRepo, stamp: int, files: dict[str, str]) -> str:
    """A commit whose dates are ``stamp`` seconds after 1970 (git shows any year for it)."""
    for name, text in files.items():
        repo.write(name, text)
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": f"@{stamp} +0000",
        "GIT_COMMITTER_DATE": f"@{stamp} +0000",
    }
    subprocess.run(["git", "add", "-A"], cwd=repo.root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "at"], cwd=repo.root, env=env, check=True)
    return git_in(repo.root, "rev-parse", "HEAD")


def stamp_of(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp())


def invoke(*args: str) -> Result:
    return CliRunner(env={"NO_COLOR": "1"}).invoke(app, list(args))


def commands(path: Path, since: str = "2027-01-05") -> list[Sequence[str]]:
    """The three commands that read git: trend, diff and audit --history."""
    return [
        ["trend", str(path), "--as-of", AS_OF, "-f", "json"],
        ["diff", str(path), "--since", since, "-f", "json"],
        ["audit", str(path), "--history", "--as-of", AS_OF, "-f", "json"],
    ]


def run_all(path: Path) -> list[Result]:
    return [invoke(*args) for args in commands(path)]


def commits_in(results: list[Result]) -> set[str]:
    """The commits the results of ``run_all`` report (each must have succeeded)."""
    found: set[str] = set()
    for result in results:
        assert result.exit_code in (0, 1), result.output
        data = json.loads(result.stdout)
        points = data.get("points") or data.get("history", {}).get("points", [])
        found |= {p["commit"] for p in points}
        found |= {data[side]["commit"] for side in ("old", "new") if side in data} - {None}
    return found


def commits_read(path: Path) -> set[str]:
    """The commits trend, diff and audit --history report for ``path``."""
    return commits_in(run_all(path))


class Checkout:
    """A repository as CI checks it out: a launch in ``launches/`` with two real revisions."""

    def __init__(self, tmp_path: Path) -> None:
        self.programs = Programs(tmp_path / "ran")
        self.repo = GitRepo(tmp_path / "checkout")
        files = {"launches/legal.yaml": CHECKLIST, "launches/launch.yaml": REAL}
        (self.repo.root / "launches").mkdir()
        self.first = self.repo.commit("2027-01-04", files)
        self.second = self.repo.commit("2027-01-11", {"launches/launch.yaml": REAL_LATER})
        self.launch = self.repo.root / "launches" / "launch.yaml"

    def forge(self, folder: Path) -> str:
        """A repository elsewhere whose history of launch.yaml is forged and signed; returns
        its HEAD."""
        forge = GitRepo(folder)
        forge.commit("2027-01-05", {"legal.yaml": CHECKLIST, "launch.yaml": FORGED})
        return sign_head(forge.root)

    def plant(self, folder: Path) -> str:
        """What a pull request can add: files that make ``folder`` look like a bare
        repository (HEAD, objects/, refs/, a config that shows signatures with a program of
        the pull request's), holding a forged history. Returns the forged commit."""
        forged = self.forge(self.repo.root.parent / "forge")
        folder.mkdir(exist_ok=True)
        for name in ("HEAD", "objects", "refs"):
            source = self.repo.root.parent / "forge" / ".git" / name
            copy = shutil.copytree if source.is_dir() else shutil.copy
            copy(source, folder / name)
        self.programs.script("planted-gpg", folder)
        (folder / "config").write_text(
            "[core]\n\trepositoryformatversion = 0\n\tbare = false\n"
            f"\tworktree = {folder}\n"
            "[log]\n\tshowSignature = true\n[gpg]\n\tprogram = ./planted-gpg\n",
            encoding="utf-8",
        )
        return forged


@pytest.fixture
def checkout(tmp_path: Path) -> Checkout:
    return Checkout(tmp_path)


# The repository is the checkout's own.


def test_a_bare_repository_planted_in_the_launch_folder_is_not_adopted(
    checkout: Checkout,
) -> None:
    forged = checkout.plant(checkout.launch.parent)
    checkout.repo.commit("2027-01-12", {}, message="a pull request adds the files")
    results = run_all(checkout.launch)
    assert checkout.programs.ran() == []
    assert commits_in(results) == {checkout.first, checkout.second}
    assert forged not in commits_in(results)


def test_a_dot_git_file_leading_out_of_any_git_folder_is_refused(checkout: Checkout) -> None:
    checkout.plant(checkout.repo.root / "planted")
    (checkout.launch.parent / ".git").write_text("gitdir: ../planted\n", encoding="utf-8")
    for args in commands(checkout.launch):
        result = invoke(*args)
        message = "leads to", "which is not inside a .git folder", "GTM_CHECK_GIT_DIR"
        if args[0] == "audit":
            assert result.exit_code in (0, 1) and "history: not read" in result.stdout
            assert all(part in json.loads(result.stdout)["history"]["note"] for part in message)
        else:
            assert result.exit_code == 2, result.output
            assert all(part in result.stderr for part in message), result.stderr
    assert checkout.programs.ran() == []


@pytest.mark.parametrize("plant", ["file", "link"])
def test_a_dot_git_leading_to_the_checkouts_own_git_folder_is_refused(
    checkout: Checkout, plant: str
) -> None:
    # git never checks out a path named .git, but a build step can leave one: a .git file
    # (or link) in the launch folder leading to the checkout's own .git made git take that
    # folder for the top of the working tree, and read the top's launch.yaml as this one.
    dot = checkout.launch.parent / ".git"
    if plant == "file":
        dot.write_text("gitdir: ../.git\n", encoding="utf-8")
        message = "which is not inside a .git folder"
    else:
        dot.symlink_to(checkout.repo.root / ".git")
        message = "is a symbolic link: git keeps a repository in a .git folder or a .git file"
    for args in commands(checkout.launch):
        result = invoke(*args)
        if args[0] == "audit":
            assert result.exit_code in (0, 1) and "history: not read" in result.stdout
            assert message in json.loads(result.stdout)["history"]["note"]
        else:
            assert (result.exit_code, result.stdout) == (2, ""), result.output
            assert message in result.stderr and "GTM_CHECK_GIT_DIR" in result.stderr


def test_a_repository_the_user_names_is_read_but_its_config_starts_nothing(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    forged = checkout.plant(checkout.repo.root / "planted")
    monkeypatch.setenv("GTM_CHECK_GIT_DIR", str(checkout.repo.root / "planted"))
    # A bare repository's working tree is the current folder, as with git's own GIT_DIR.
    monkeypatch.chdir(checkout.repo.root / "planted")
    shutil.copy(checkout.launch.parent / "legal.yaml", "legal.yaml")
    Path("launch.yaml").write_text(FORGED, encoding="utf-8")
    result = invoke("trend", "launch.yaml", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 0, result.output
    assert [p["commit"] for p in json.loads(result.stdout)["points"]] == [forged]
    assert checkout.programs.ran() == []


def test_a_linked_worktree_is_followed(tmp_path: Path) -> None:
    main = GitRepo(tmp_path / "main")
    first = main.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": REAL})
    main.git("worktree", "add", "-q", str(tmp_path / "linked"))
    assert commits_read(tmp_path / "linked" / "launch.yaml") == {first}


def test_a_dot_git_file_naming_another_worktrees_git_folder_is_refused(tmp_path: Path) -> None:
    # A .git file planted in a folder of the checkout, naming the git folder of a linked
    # worktree of the checkout: git took that folder for the worktree's top and read the
    # root's launch.yaml as this one's older side.
    main = GitRepo(tmp_path / "main")
    (main.root / "sub").mkdir()
    main.commit(
        "2027-01-04",
        {
            "legal.yaml": CHECKLIST,
            "launch.yaml": REAL,
            "sub/legal.yaml": CHECKLIST,
            "sub/launch.yaml": REAL,
        },
    )
    main.git("worktree", "add", "-q", str(tmp_path / "linked"))
    sub = main.root / "sub"
    (sub / ".git").write_text("gitdir: ../.git/worktrees/linked\n", encoding="utf-8")
    result = invoke("trend", str(sub / "launch.yaml"), "--as-of", "2027-01-20")
    assert (result.exit_code, result.stdout) == (2, "")
    assert "which git does not keep for this folder" in result.stderr


def test_a_submodules_history_is_refused_unless_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pull request can make the launch file's folder a submodule: a repository of its
    # own choosing, whose history (and origin/HEAD) would be the older side of diff and
    # the points of trend. Its .git is a file leading into the superproject's .git/modules.
    GitRepo(tmp_path / "super")
    sub = tmp_path / "super" / "sub"
    modules = tmp_path / "super" / ".git" / "modules" / "sub"
    modules.parent.mkdir()
    subprocess.run(["git", "init", "-q", f"--separate-git-dir={modules}", str(sub)], check=True)
    inner = GitRepo(sub)
    commit = inner.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": REAL})
    assert (sub / ".git").is_file()
    why = (
        f"{sub} is a submodule of {tmp_path / 'super'}: its history is the submodule's own "
        f"repository, which the checkout of {tmp_path / 'super'} does not vouch for; read the "
        "launch file's history in a checkout of that repository, or set GTM_CHECK_GIT_DIR to "
        "read it here"
    )
    *reading, audit = run_all(sub / "launch.yaml")
    for result in reading:  # trend and diff
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr.endswith(f"launch.yaml:1:1: {why}\n")
    # The audit stands without its history, and says why there is none.
    assert json.loads(audit.stdout)["history"]["note"] == f"history: not read ({why})"
    monkeypatch.setenv("GTM_CHECK_GIT_DIR", str(sub / ".git"))
    assert commits_read(sub / "launch.yaml") == {commit}


def refused_as_a_submodule(sub: Path, outer: Path) -> str:
    return (
        f"{sub} is a submodule of {outer}: its history is the submodule's own repository, "
        f"which the checkout of {outer} does not vouch for; read the launch file's history in "
        "a checkout of that repository, or set GTM_CHECK_GIT_DIR to read it here"
    )


def submodule_checkout(tmp_path: Path, layout: str) -> tuple[Path, Path, str]:
    """A superproject holding a submodule ``sub`` (its launch file committed once), checked
    out in ``layout``: the submodule's folder, the working tree that holds it, and the
    submodule's commit."""
    inner = GitRepo(tmp_path / "origin")
    commit = inner.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": REAL})
    outer = GitRepo(tmp_path / "super")
    outer.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner.root), "sub")
    outer.git("commit", "-q", "-m", "add the submodule")
    if layout == "in a linked worktree":
        outer.git("worktree", "add", "-q", str(tmp_path / "linked"))
        linked = tmp_path / "linked"
        git_in(linked, "-c", "protocol.file.allow=always", "submodule", "update", "-q", "--init")
        return linked / "sub", linked, commit
    # Its own .git folder, as old versions of git and `git submodule add` of an existing
    # clone leave it: only the superproject's .gitmodules says it is a submodule.
    sub = outer.root / "sub"
    (sub / ".git").unlink()
    shutil.move(outer.root / ".git" / "modules" / "sub", sub / ".git")
    outer.git("config", "--file", "sub/.git/config", "--unset", "core.worktree")
    return sub, outer.root, commit


@pytest.mark.parametrize("layout", ["in a linked worktree", "with its own .git folder"])
def test_a_submodule_in_a_linked_worktree_or_with_its_own_git_folder_is_refused_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    # The .git file of a submodule in a linked worktree of the superproject leads into
    # .git/worktrees/NAME/modules; a submodule may keep its repository in a .git folder of
    # its own. Either is the submodule's own repository, which a pull request can choose.
    sub, outer, commit = submodule_checkout(tmp_path, layout)
    why = refused_as_a_submodule(sub, outer)
    *reading, audit = run_all(sub / "launch.yaml")
    for result in reading:  # trend and diff
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr.endswith(f"launch.yaml:1:1: {why}\n")
    assert json.loads(audit.stdout)["history"]["note"] == f"history: not read ({why})"
    monkeypatch.setenv("GTM_CHECK_GIT_DIR", git_in(sub, "rev-parse", "--absolute-git-dir"))
    monkeypatch.chdir(sub)  # a git folder not named .git: paths are taken from here
    assert commits_read(sub / "launch.yaml") == {commit}


def test_a_repository_nested_in_an_unrelated_one_is_read(tmp_path: Path) -> None:
    """A checkout under a home folder that is itself a repository is no submodule: only git's
    layout or a .gitmodules entry of the repository above makes it one."""
    home = GitRepo(tmp_path / "home")
    home.commit("2027-01-02", {".gitmodules": '[submodule "other"]\n\tpath = other\n'})
    checkout = GitRepo(home.root / "work" / "project")
    commit = checkout.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": REAL})
    assert commits_read(checkout.root / "launch.yaml") == {commit}


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_repository_another_user_owns_is_refused_as_git_refuses_it(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A ``.git`` in a shared folder above the launch file may be someone else's trap."""
    top = checkout.repo.root
    os.chown(top, 4242, 4242)
    monkeypatch.delenv("SUDO_UID", raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    config = tmp_path / "global.gitconfig"
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    refused = f"{top} belongs to another user, so the repository may not be this checkout's"
    for admits, values in [(False, []), (False, ["*", ""]), (True, [str(top)]), (True, ["*"])]:
        config.write_text("".join(f"[safe]\n\tdirectory = {v}\n" for v in values))
        result = invoke("trend", str(checkout.launch), "--as-of", AS_OF)
        assert result.exit_code == (0 if admits else 2), (values, result.output)
        assert (refused in result.stderr) is not admits
    config.write_text("")
    monkeypatch.setenv("SUDO_UID", "4242")  # root run through sudo by the owner
    assert invoke("trend", str(checkout.launch), "--as-of", AS_OF).exit_code == 0
    monkeypatch.delenv("SUDO_UID")
    monkeypatch.setenv("GTM_CHECK_GIT_DIR", str(top / ".git"))
    assert invoke("trend", str(checkout.launch), "--as-of", AS_OF).exit_code == 0


# No config and no environment can start a program.


def hostile_config(checkout: Checkout) -> list[tuple[str, str]]:
    """A repository config setting every program git could start on reading history."""
    script = checkout.programs.script
    hooks = checkout.programs.folder / "hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "post-index-change", "reference-transaction", "pre-auto-gc"):
        script(hook, hooks)
    return [
        ("log.showSignature", "true"),
        ("gpg.program", str(script("gpg-program"))),
        ("gpg.ssh.program", str(script("gpg-ssh-program"))),
        ("gpg.x509.program", str(script("gpg-x509-program"))),
        ("core.fsmonitor", str(script("fsmonitor"))),
        ("diff.external", str(script("external-diff"))),
        ("diff.launch.textconv", str(script("textconv"))),
        ("diff.launch.command", str(script("diff-driver"))),
        ("filter.launch.smudge", str(script("smudge"))),
        ("filter.launch.clean", str(script("clean"))),
        ("core.pager", str(script("pager"))),
        ("pager.log", str(script("pager-log"))),
        ("core.hooksPath", str(hooks)),
        ("alias.log", f"!{script('alias')}"),
        ("core.sshCommand", str(script("ssh-command"))),
        ("credential.helper", f"!{script('credential')}"),
        ("core.askPass", str(script("askpass"))),
        ("log.follow", "false"),
        ("diff.renames", "false"),
        ("color.ui", "always"),
        ("core.quotePath", "true"),
    ]


def test_a_repository_config_that_names_programs_starts_none(checkout: Checkout) -> None:
    for kind in SIGNATURES:
        checkout.repo.commit("2027-01-12", {"launches/launch.yaml": REAL_LATER + f"# {kind}\n"})
        sign_head(checkout.repo.root, kind)
    checkout.repo.write(".gitattributes", "*.yaml diff=launch filter=launch\n")
    for key, value in hostile_config(checkout):
        checkout.repo.git("config", key, value)
    results = run_all(checkout.launch)
    assert checkout.programs.ran() == []
    assert checkout.first in commits_in(results)


@pytest.mark.parametrize("encoding", ["UTF-16", "UTF-7"])
def test_a_repository_config_cannot_change_how_commits_read(
    checkout: Checkout, encoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # i18n.logOutputEncoding re-encodes what git prints of a commit: UTF-16 put NUL bytes in
    # the ids gtm-check read (diff REV:PATH ended in an internal error, exit 3), UTF-7 lost
    # the dates of commits ahead of UTC (diff --since chose an older base).
    before = commits_read(checkout.launch)
    checkout.repo.git("config", "i18n.logOutputEncoding", encoding)
    assert commits_read(checkout.launch) == before == {checkout.first, checkout.second}
    monkeypatch.chdir(checkout.repo.root)
    launch = str(checkout.launch.relative_to(checkout.repo.root))
    result = invoke("diff", f"HEAD~1:{launch}", launch, "--as-of", "2027-01-15", "-f", "json")
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["old"]["commit"] == checkout.first


def test_a_signal_stops_the_git_it_is_waiting_for(tmp_path: Path) -> None:
    # SIGTERM during an edit raised while gtm-check waited for git; leaving, it then waited
    # for git to end, with no bound (a hung file system: never), holding the edit's lock.
    # (A stand-in for git that sleeps: `_complete` runs any command the same way.)
    marker = tmp_path / "ended"
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    started = time.monotonic()
    with pytest.raises(Interrupted), signals_end_the_block():
        timer.start()
        git._complete(["sh", "-c", f"sleep 20; touch {marker}"], {}, None, b"", "x")
    assert time.monotonic() - started < 10
    time.sleep(0.5)
    assert not marker.exists()  # stopped, not left to run on


def test_inherited_git_variables_are_dropped(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    forged = checkout.forge(tmp_path / "forge")
    sign_head(checkout.repo.root)
    hostile = tmp_path / "hostile.gitconfig"
    gpg = checkout.programs.script("gpg-program")
    hostile.write_text(f"[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {gpg}\n")
    variables = {
        "GIT_DIR": str(tmp_path / "forge" / ".git"),
        "GIT_WORK_TREE": str(tmp_path / "forge"),
        "GIT_CONFIG_GLOBAL": str(hostile),
        "GIT_CONFIG_SYSTEM": str(hostile),
        "GIT_CONFIG": str(hostile),
        "GIT_CONFIG_COUNT": "2",
        "GIT_CONFIG_KEY_0": "log.showSignature",
        "GIT_CONFIG_VALUE_0": "true",
        "GIT_CONFIG_KEY_1": "gpg.program",
        "GIT_CONFIG_VALUE_1": str(gpg),
        "GIT_CONFIG_PARAMETERS": f"'log.showsignature'='true' 'gpg.program'='{gpg}'",
        "GIT_EXEC_PATH": str(tmp_path / "nowhere"),
        "GIT_EXTERNAL_DIFF": str(checkout.programs.script("external-diff")),
        "GIT_PAGER": str(checkout.programs.script("pager")),
        "GIT_SSH_COMMAND": str(checkout.programs.script("ssh-command")),
        "GIT_ASKPASS": str(checkout.programs.script("askpass")),
        "GIT_INDEX_FILE": str(tmp_path / "index"),
        "GIT_OBJECT_DIRECTORY": str(tmp_path / "forge" / ".git" / "objects"),
        "GIT_NAMESPACE": "forged",
        "GIT_TRACE": str(tmp_path / "trace"),
    }
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    results = run_all(checkout.launch)
    assert checkout.programs.ran() == [] and not (tmp_path / "trace").exists()
    read = commits_in(results)
    assert forged not in read and checkout.first in read


def test_a_partial_clone_never_fetches(tmp_path: Path) -> None:
    """A missing object would be fetched from the promisor remote; its URL could run a
    command (ext::), its config an upload-pack program or ssh."""
    programs = Programs(tmp_path / "ran")
    source = GitRepo(tmp_path / "source")
    source.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": REAL})
    source.commit("2027-01-11", {"launch.yaml": REAL_LATER})
    source.git("config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--filter=blob:none", f"file://{source.root}", str(clone)],
        check=True,
    )
    fetch = programs.script("fetch")
    git_in(clone, "config", "remote.origin.url", f"ext::{fetch}")
    git_in(clone, "config", "protocol.ext.allow", "always")
    git_in(clone, "config", "remote.origin.uploadpack", str(programs.script("upload-pack")))
    results = run_all(clone / "launch.yaml")
    assert programs.ran() == []
    for args, result in zip(commands(clone / "launch.yaml"), results, strict=True):
        if args[0] == "audit":
            assert "promisor remote" in json.loads(result.stdout)["history"]["note"]
        else:
            assert result.exit_code == 2 and "promisor remote" in result.stderr, result.output


@pytest.mark.parametrize("entry", ["relative", "absolute, inside the checkout"])
def test_git_is_never_taken_from_the_checkout_by_path(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch, entry: str
) -> None:
    # The pull request checks in bin/git: PATH names it relatively ("bin"), or absolutely, as
    # a workflow's "$PWD/bin" or node_modules/.bin does; every git process ran it.
    planted = checkout.launch.parent / "bin"
    planted.mkdir()
    checkout.programs.script("git", planted)
    monkeypatch.chdir(checkout.launch.parent)
    named = "bin" if entry == "relative" else str(planted)
    monkeypatch.setenv("PATH", f"{named}{os.pathsep}{os.environ['PATH']}")
    results = run_all(checkout.launch)
    assert checkout.programs.ran() == []
    assert commits_in(results) == {checkout.first, checkout.second}


# Every git failure is one clear line.


def test_git_missing_from_path_is_one_clear_line(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    for args in commands(checkout.launch):
        result = invoke(*args)
        said = "git is not on PATH; gtm-check runs it to read the launch file's history"
        if args[0] == "audit":
            assert said in json.loads(result.stdout)["history"]["note"]
        else:
            assert result.exit_code == 2
            assert result.stderr == f"{checkout.launch}:1:1: {said}\n"


def test_an_unknown_revision_is_named_at_its_argument(checkout: Checkout) -> None:
    path = str(checkout.launch)
    cases = {
        ("--since", "nosuchref"): "gtm-check diff: --since: unknown revision 'nosuchref'\n",
        ("nosuchref:" + path, path): "gtm-check diff: OLD: unknown revision 'nosuchref'\n",
        (path, "nosuchref:" + path): "gtm-check diff: NEW: unknown revision 'nosuchref'\n",
    }
    for args, said in cases.items():
        result = invoke("diff", *args) if args[0] != "--since" else invoke("diff", path, *args)
        assert result.exit_code == 2
        assert result.stderr == said


def test_a_revision_naming_no_commit_is_named_at_its_argument(checkout: Checkout) -> None:
    """A tree, a blob or an upstream that is not set is a wrong revision too: said at the
    argument that named it, in the words the user wrote, never blamed on the launch file."""
    path = str(checkout.launch)
    tree = "'HEAD^{tree}' names no commit: git says HEAD^{tree}: expected commit type, "
    cases = {
        ("--since", "HEAD^{tree}"): f"gtm-check diff: --since: {tree}",
        ("HEAD^{tree}:" + path, path): f"gtm-check diff: OLD: {tree}",
        (path, "HEAD^{blob}:" + path): "gtm-check diff: NEW: 'HEAD^{blob}' names no commit: "
        "git says HEAD^{blob}: expected blob type, ",
        ("--since", "HEAD@{upstream}"): "gtm-check diff: --since: 'HEAD@{upstream}' names no "
        "commit: git says no upstream configured for branch ",
    }
    for args, said in cases.items():
        result = invoke("diff", *args) if args[0] != "--since" else invoke("diff", path, *args)
        assert result.exit_code == 2
        assert result.stderr.startswith(said) and result.stderr.count("\n") == 1, result.stderr


def test_git_failures_say_what_git_said(tmp_path: Path) -> None:
    empty = GitRepo(tmp_path / "empty")
    path = empty.write("launch.yaml", REAL)
    empty.write("legal.yaml", CHECKLIST)
    for args in commands(path, since="3d")[:2]:
        result = invoke(*args)
        assert (result.exit_code, result.stderr) == (
            2,
            f"{path}:1:1: the repository has no commits yet\n",
        )
    (empty.root / ".git" / "HEAD").write_text("not a reference\n", encoding="utf-8")
    result = invoke("trend", str(path))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"{path}:1:1: git: fatal: "), result.stderr


def test_what_git_said_is_its_first_error_line_made_safe() -> None:
    said = b"warning: lazy fetching disabled\nfatal: bad \x1b]52;c;AAAA\x07 thing\nmore\n"
    [problem] = git._failed("launch.yaml", said).problems
    assert problem.render() == "launch.yaml:1:1: git: fatal: bad \\x1b]52;c;AAAA\\x07 thing"
    [problem] = git._failed("launch.yaml", b"x" * 500).problems
    assert len(problem.message) == len("git: ") + 200 and problem.message.endswith("…")
    [problem] = git._failed("launch.yaml", b"").problems
    assert problem.message == "git failed and said nothing"


# Commit dates at and past the ends of the calendar.

PAST_9999 = 253402300800  # 10000-01-01T00:00:00Z
FAR_PAST_9999 = 99_999_999_999_999


def test_commits_dated_past_9999_are_named_not_fatal(checkout: Checkout) -> None:
    repo = checkout.repo
    far = commit_at(repo, PAST_9999, {"launches/launch.yaml": REAL + "# far\n"})
    farther = commit_at(repo, FAR_PAST_9999, {"launches/launch.yaml": REAL + "# farther\n"})
    result = invoke("trend", str(checkout.launch), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert f"skipped {far[:7]} (no date): git gives its commit date as '10000-01-01'" in (
        result.stdout
    )
    assert f"skipped {farther[:7]} (no date)" in result.stdout
    data = json.loads(invoke("trend", str(checkout.launch), "--as-of", AS_OF, "-f", "json").stdout)
    assert {s["commit"]: s["date"] for s in data["skipped"]} == {far: None, farther: None}
    assert commits_read(checkout.launch) == {checkout.first, checkout.second}
    result = invoke("diff", f"{far}:{checkout.launch}", str(checkout.launch))
    assert result.exit_code == 2
    assert result.stderr == (
        f"{far[:7]}:launches/launch.yaml:1:1: git gives its commit date as '10000-01-01', "
        "outside the dates gtm-check reads (0001-01-01 to 9999-12-31)\n"
    )


def test_commits_in_the_last_days_of_9999_are_scored(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "late")
    todo = launch("legal.trademarks: todo\nlegal.privacy: todo\n")
    done = launch("legal.trademarks: todo\nlegal.privacy: done\n")
    commit_at(repo, stamp_of(dt.date(9999, 12, 6)), {"legal.yaml": CHECKLIST, "launch.yaml": todo})
    commit_at(repo, stamp_of(dt.date(9999, 12, 30)), {"launch.yaml": done})
    for fmt in ("table", "json", "markdown"):
        for every in ("week", "day", "commit"):
            args = ["--as-of", "9999-12-31", "--every", every, "-f", fmt]
            result = invoke("trend", str(repo.root / "launch.yaml"), *args)
            assert result.exit_code == 0 and result.stderr == "", result.output
    data = json.loads(
        invoke(
            "trend", str(repo.root / "launch.yaml"), "--as-of", "9999-12-31", "-f", "json"
        ).stdout
    )
    assert [p["date"] for p in data["points"]] == ["9999-12-12", "9999-12-31"]
    assert data["projection"]["learn"]["date"] is None
    assert data["projection"]["learn"]["verdict"] == "late: not passing by 9999-12-31 at this rate"
    result = invoke("audit", str(repo.root / "launch.yaml"), "--history", "--as-of", "9999-12-31")
    assert result.exit_code == 1 and result.stderr == "", result.output


def crafted_commit(repo: GitRepo, committer_date: str, files: dict[str, str]) -> str:
    """HEAD's child with ``files`` written and a committer line git would not write itself
    (``committer_date`` as it stands in the commit object, e.g. "1 -9999"); now HEAD."""
    for name, text in files.items():
        repo.write(name, text)
    repo.git("add", "-A")
    tree, parent = repo.git("write-tree").strip(), repo.git("rev-parse", "HEAD").strip()
    body = (
        f"tree {tree}\nparent {parent}\nauthor a <a@b> {committer_date}\n"
        f"committer a <a@b> {committer_date}\n\ncrafted\n"
    )
    args = ["hash-object", "-t", "commit", "-w", "--stdin", "--literally"]
    commit = git_in(repo.root, *args, stdin=body)
    repo.git("update-ref", "HEAD", commit)
    return commit


def test_a_commit_dated_before_1970_in_its_own_time_zone_is_named_not_fatal(
    checkout: Checkout,
) -> None:
    # git cannot show "1 -9999" as a day ("fatal: Timestamp before Unix epoch"): asked for
    # one (%cs), it failed every command that walked past the commit.
    early = crafted_commit(checkout.repo, "1 -9999", {"launches/launch.yaml": FORGED})
    result = invoke("trend", str(checkout.launch), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert f"skipped {early[:7]} (no date): its commit date ('1 -9999': " in result.stdout
    data = json.loads(invoke("trend", str(checkout.launch), "--as-of", AS_OF, "-f", "json").stdout)
    assert [s["commit"] for s in data["skipped"]] == [early]
    assert commits_read(checkout.launch) == {checkout.first, checkout.second}
    result = invoke("diff", f"{early}:{checkout.launch}", str(checkout.launch))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{early[:7]}:launches/launch.yaml:1:1: its commit date")
    assert "before 1970-01-01 in the committer's own time zone" in result.stderr


def test_commit_days_are_those_git_shows(tmp_path: Path) -> None:
    # gtm-check reads git's raw date and works out the day in the committer's time zone; for
    # every date git can show, that is the day git shows (%cs).
    repo = GitRepo(tmp_path / "days")
    repo.commit("2027-01-04", {"launch.yaml": REAL})
    raws = [
        "0 +0000", "86399 -0000", "86400 -2400", "3600 -0059", "1700000000 +1400",
        "1700000000 -1200", "1700000000 +0099", "1700000000 -9959", "951782400 +0000",
        "951868799 +0000", "4107542399 -0100", "253402300799 +0000", "253402300799 +0001",
        f"{PAST_9999} +0000", f"{FAR_PAST_9999} +0000", "68256000000 +0530",
    ]  # fmt: skip
    commits = [
        crafted_commit(repo, raw, {"launch.yaml": REAL + f"# {n}\n"}) for n, raw in enumerate(raws)
    ]
    shown = git_in(repo.root, "log", "--format=%H %cs", "-n", str(len(raws)))
    days = dict(line.split(" ") for line in shown.splitlines())
    listed = git_in(repo.root, "log", "--date=raw", "--format=%H %cd", "-n", str(len(raws)))
    for line in listed.splitlines():
        found, _, raw = line.partition(" ")
        commit, day = git.Commit.parse(found, raw), days[found]
        assert commit.shown == day, raw
        assert commit.date == (dt.date.fromisoformat(day) if len(day) == 10 else None), raw
    assert len(days) == len(commits)


# Bounded reading.


def test_history_counts_against_the_run_read_budget(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):  # a week apart: each is read
        padding = f"# {'x' * 2000}\n" * (n + 1)
        day = f"2027-01-{6 + 7 * n:02}"
        checkout.repo.commit(day, {"launches/launch.yaml": REAL_LATER + padding})
    on_disk = sum(
        p.stat().st_size for p in (checkout.launch, checkout.launch.parent / "legal.yaml")
    )
    monkeypatch.setattr(files, "MAX_RUN_BYTES", on_disk + 5000)
    result = invoke("trend", str(checkout.launch), "--as-of", "2027-02-28")
    assert result.exit_code == 2
    assert "would take the run past its limit of" in result.stderr
    assert result.stderr.count("\n") == 1 and ":launches/launch.yaml:1:1: reading" in result.stderr
    # audit --history reads the revisions within a budget of the run's histories, apart
    # from its files' (test_histories_read_no_launch_file_out_of_the_run); a revision past
    # it is a note, never an error.
    result = invoke("audit", str(checkout.launch), "--history", "--as-of", "2027-02-28")
    assert result.exit_code in (0, 1) and "history: not read" in result.stdout
    monkeypatch.setattr(files, "MAX_RUN_BYTES", on_disk * 10 + 20_000)
    assert invoke("trend", str(checkout.launch), "--as-of", "2027-02-28").exit_code == 0


def test_a_blob_larger_than_a_file_may_be_is_never_read(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A blob that compresses well: small in the repository, large when read."""
    huge = REAL_LATER + "#" + " " * (4 * 1024 * 1024) + "\n"
    big = checkout.repo.commit("2027-01-12", {"launches/launch.yaml": huge})
    checkout.repo.commit("2027-01-13", {"launches/launch.yaml": REAL_LATER + "# fine\n"})
    monkeypatch.setattr(git, "MAX_FILE_BYTES", 1024 * 1024)
    sized: list[str] = []
    read: list[str] = []
    sizes, ask = git.Repository.sizes, git._Process.ask

    def spy_sizes(self: git.Repository, blobs: Sequence[str]) -> dict[str, int]:
        sized.extend(blobs)
        return sizes(self, blobs)

    def spy_ask(self: Any, blob: str, size: int) -> bytes:
        read.append(blob)
        return ask(self, blob, size)

    monkeypatch.setattr(git.Repository, "sizes", spy_sizes)
    monkeypatch.setattr(git._Process, "ask", spy_ask)
    result = invoke("trend", str(checkout.launch), "--as-of", AS_OF, "--every", "commit")
    assert result.exit_code == 0, result.output
    size = len(huge.encode())
    assert f"skipped {big[:7]} (2027-01-12): file is {size:,} bytes; the limit is 1,048,576" in (
        result.stdout
    )
    blob = git_in(checkout.repo.root, "rev-parse", f"{big}:launches/launch.yaml")
    assert blob in sized  # its size was asked,
    assert len(read) == 3 and blob not in read  # its contents never: the other three were


def hash_blob(root: Path, chunks: int, tail: bytes = b"") -> str:
    """A blob of ``chunks`` MiB of zeros then ``tail``, stored by git without a file on disk."""
    with subprocess.Popen(
        ["git", "hash-object", "-w", "--stdin"],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        for _ in range(chunks):
            process.stdin.write(bytes(1024 * 1024))
        process.stdin.write(tail)
        process.stdin.close()
        return process.stdout.read().decode().strip()


def commit_tree(repo: GitRepo, entries: dict[str, str], parent: str | None, day: str) -> str:
    listing = "".join(f"100644 blob {blob}\t{name}\n" for name, blob in entries.items())
    tree = git_in(repo.root, "mktree", stdin=listing)
    parents = ["-p", parent] if parent else []
    commit = repo.git("commit-tree", tree, *parents, "-m", day, date=day).strip()
    git_in(repo.root, "update-ref", "HEAD", commit)
    return commit


def test_following_a_rename_between_huge_contents_is_bounded_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two contents of zeros, alike enough for git to compare them whole when it looks for
    where the launch file came from: a small repository, a large comparison."""
    repo = GitRepo(tmp_path / "huge")
    checklist = git_in(repo.root, "hash-object", "-w", "--stdin", stdin=CHECKLIST)
    small = git_in(repo.root, "hash-object", "-w", "--stdin", stdin=REAL)
    first = commit_tree(
        repo, {"legal.yaml": checklist, "old.bin": hash_blob(repo.root, 12)}, None, "2027-01-04"
    )
    renamed = {"legal.yaml": checklist, "launch.yaml": hash_blob(repo.root, 12, b"x")}
    second = commit_tree(repo, renamed, first, "2027-01-05")
    commit_tree(repo, {"legal.yaml": checklist, "launch.yaml": small}, second, "2027-01-11")
    repo.write("legal.yaml", CHECKLIST)
    path = repo.write("launch.yaml", REAL)
    monkeypatch.setattr(git, "GIT_MEMORY", 16 * 1024 * 1024)
    result = invoke("trend", str(path), "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{path}:1:1: git: fatal: Out of memory")
    assert result.stderr.endswith(f"(gtm-check lets git take at most {16 * 1024 * 1024:,} bytes)\n")
    monkeypatch.setattr(git, "GIT_MEMORY", 256 * 1024 * 1024)
    result = invoke("trend", str(path), "--as-of", AS_OF, "--every", "commit")
    assert result.exit_code == 0, result.output
    assert f"skipped {second[:7]} (2027-01-05): {second[:7]}:launch.yaml:1:1: " in result.stdout


def test_more_revisions_than_the_limit_stop_with_a_message(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        checkout.repo.commit(f"2027-01-2{n}", {"launches/launch.yaml": REAL_LATER + f"#{n}\n"})
    monkeypatch.setattr(git, "MAX_REVISIONS", 4)
    result = invoke("trend", str(checkout.launch), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{checkout.launch}:1:1: the file has more than 4 revisions in git to read; "
        "gtm-check reads at most 4\n"
    )
    since = invoke("trend", str(checkout.launch), "--as-of", AS_OF, "--since", "2027-01-11")
    assert since.exit_code == 0, since.output
    # No revision in the range: saying why walked the whole history again, past the limit.
    empty = invoke("trend", str(checkout.launch), "--as-of", AS_OF, "--since", "2099-01-01")
    assert (empty.exit_code, empty.stderr) == (0, ""), empty.output
    assert "no points: no commit changed it from 2099-01-01 to" in empty.stdout


def test_a_file_name_is_never_a_pattern(tmp_path: Path) -> None:
    """``launch[1].yaml`` as a pattern would match launch1.yaml, whose history is not its."""
    repo = GitRepo(tmp_path / "names")
    first = repo.commit(
        "2027-01-04",
        {"legal.yaml": CHECKLIST, "launch[1].yaml": REAL, "launch1.yaml": REAL},
    )
    repo.commit("2027-01-11", {"launch1.yaml": REAL_LATER})
    assert commits_read(repo.root / "launch[1].yaml") == {first}


# A long history: the newest periods only, one text at a time, and no git that never ends.


def daily_history(root: Path, days: int, padding: int = 0) -> Path:
    """A launch file committed once a day for ``days`` days from 2026-01-05 (a Monday),
    each day's revision different; ``padding`` bytes of comment make each one larger."""
    repo = GitRepo(root)
    first: dict[str, str] = {"legal.yaml": CHECKLIST}
    texts = [
        {**(first if n == 0 else {}), "launch.yaml": f"{REAL}# day {n}\n#{'x' * padding}\n"}
        for n in range(days)
    ]
    repo.daily(dt.date(2026, 1, 5), texts)
    return repo.root / "launch.yaml"


def test_only_the_newest_periods_are_scored_and_the_rest_are_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = daily_history(tmp_path / "long", 28)  # four weeks: 2026-01-05 to 2026-02-01
    whole = json.loads(invoke("trend", str(path), "--as-of", "2026-02-01", "-f", "json").stdout)
    assert len(whole["points"]) == 4 and "left_out" not in whole  # nothing left out: no key
    monkeypatch.setattr(periods, "MAX_PERIODS", 3)
    result = invoke("trend", str(path), "--as-of", "2026-02-01", "-f", "json")
    data = json.loads(result.stdout)
    assert [p["date"] for p in data["points"]] == ["2026-01-18", "2026-01-25", "2026-02-01"]
    assert data["left_out"] == 1
    table = invoke("trend", str(path), "--as-of", "2026-02-01")
    assert "1 older week not scored (at most 3 are)\n" in table.stdout
    markdown = invoke("trend", str(path), "--as-of", "2026-02-01", "-f", "markdown")
    assert "- 1 older week not scored (at most 3 are)\n" in markdown.stdout
    days = invoke("trend", str(path), "--as-of", "2026-02-01", "--every", "day", "-f", "json")
    assert json.loads(days.stdout)["left_out"] == 25
    commits = invoke("trend", str(path), "--as-of", "2026-02-01", "--every", "commit")
    assert "25 older commits not scored (at most 3 are)" in commits.stdout
    audit = invoke("audit", str(path), "--history", "--as-of", "2026-02-01", "-f", "json")
    history = json.loads(audit.stdout)["history"]
    assert len(history["points"]) == 3
    assert history["note"] == "history: 1 older week not scored (at most 3 are)"


def test_at_most_366_periods_are_scored(tmp_path: Path) -> None:
    assert periods.MAX_PERIODS == 366
    path = daily_history(tmp_path / "year", 400)  # 2026-01-05 to 2027-02-08
    args = ["--as-of", "2027-02-08", "--every", "day"]
    data = json.loads(invoke("trend", str(path), *args, "-f", "json").stdout)
    assert len(data["points"]) == 366 and data["left_out"] == 34
    assert data["points"][0]["date"] == "2026-02-08" and data["skipped"] == []
    assert "34 older days not scored (at most 366 are)" in invoke("trend", str(path), *args).stdout


def test_a_launch_of_many_items_has_fewer_periods_scored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each period scores every checklist item: 366 daily revisions of a launch with 100,000
    # items took over five minutes. The legal checklist here has 5 items; at most 10 item
    # scores leave room for 2 periods.
    path = daily_history(tmp_path / "long", 28)
    monkeypatch.setattr(periods, "MAX_ITEM_PERIODS", 10)
    data = json.loads(invoke("trend", str(path), "--as-of", "2026-02-01", "-f", "json").stdout)
    assert [p["date"] for p in data["points"]] == ["2026-01-25", "2026-02-01"]
    assert data["left_out"] == 2
    said = (
        "2 older weeks not scored (at most 2 are for a launch of this many checklist items: "
        "gtm-check scores at most 10 items over all periods of all the launch files of a run)"
    )
    assert f"{said}\n" in invoke("trend", str(path), "--as-of", "2026-02-01").stdout
    audit = invoke("audit", str(path), "--history", "--as-of", "2026-02-01", "-f", "json")
    assert json.loads(audit.stdout)["history"]["note"] == f"history: {said}"
    # However many items, the newest period is scored.
    monkeypatch.setattr(periods, "MAX_ITEM_PERIODS", 1)
    data = json.loads(invoke("trend", str(path), "--as-of", "2026-02-01", "-f", "json").stdout)
    assert [p["date"] for p in data["points"]] == ["2026-02-01"]


def test_the_histories_of_a_run_share_one_bound_on_item_scores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each launch file's history had a bound of its own: audit --history over 100 launch
    # files of 1,000 items each scored 366 weeks of each, 73 times the bound. Here 20 item
    # scores leave room for 4 weeks of the first launch (5 items), and the newest of the next.
    first = daily_history(tmp_path / "one", 28)
    second = daily_history(tmp_path / "two", 28)
    monkeypatch.setattr(periods, "MAX_ITEM_PERIODS", 20)
    args = ("audit", str(first), str(second), "--history", "--as-of", "2026-02-01", "-f", "json")
    reports = json.loads(invoke(*args).stdout)["launches"]
    notes = [report["history"]["note"] for report in reports]
    assert notes == [
        None,
        "history: too little to project from (1 weekly point up to the as-of date; 2 are "
        "needed); 3 older weeks not scored (at most 1 are for a launch of this many checklist "
        "items: gtm-check scores at most 20 items over all periods of all the launch files of "
        "a run)",
    ]


def test_histories_read_no_launch_file_out_of_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The revisions a history read counted against the budget of the run's files: the
    # first launch file's history used it up, and the second, valid, launch file was
    # refused (exit 2, the Action's "invalid"); named first, it passed. Histories have a
    # budget of their own.
    first = daily_history(tmp_path / "one", 28, padding=2_000)
    second = daily_history(tmp_path / "two", 1)
    files_alone = sum(p.stat().st_size for p in (first, second))
    files_alone += 2 * len(CHECKLIST.encode())
    monkeypatch.setattr(files, "MAX_RUN_BYTES", files_alone + 10_000)  # not 4 weeks of 2 KB
    args = ("audit", str(first), str(second), "--history", "--as-of", "2026-02-01", "-f", "json")
    result = invoke(*args)
    assert result.exit_code in (0, 1), result.stderr
    reports = json.loads(result.stdout)["launches"]
    assert len(reports) == 2 and all("history" in r for r in reports)
    assert "not read" not in (reports[1]["history"]["note"] or "")


def test_a_history_reads_at_most_so_many_bytes_of_revisions_newest_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A period's revisions are read until one loads: 366 weeks of 680 KB revisions that
    # never load took 84 s to parse. Here each day's revision is about 1.2 KB, a week 8.5 KB:
    # two weeks fit, and the two newest days of the week before.
    path = daily_history(tmp_path / "long", 28, padding=1_000)
    monkeypatch.setattr(periods, "MAX_HISTORY_TEXT", 20_000)
    data = json.loads(invoke("trend", str(path), "--as-of", "2026-02-01", "-f", "json").stdout)
    assert [p["date"] for p in data["points"]] == ["2026-01-18", "2026-01-25", "2026-02-01"]
    assert data["left_out"] == 1
    said = (
        "1 older week not scored (at most 3 are: gtm-check takes at most 20,000 bytes of a "
        "launch file's revisions, and the newest ones hold that)"
    )
    assert f"{said}\n" in invoke("trend", str(path), "--as-of", "2026-02-01").stdout
    audit = invoke("audit", str(path), "--history", "--as-of", "2026-02-01", "-f", "json")
    assert json.loads(audit.stdout)["history"]["note"] == f"history: {said}"
    # The newest period is read whatever its size.
    monkeypatch.setattr(periods, "MAX_HISTORY_TEXT", 1)
    data = json.loads(invoke("trend", str(path), "--as-of", "2026-02-01", "-f", "json").stdout)
    assert [p["date"] for p in data["points"]] == ["2026-02-01"]


def test_texts_are_read_one_at_a_time_as_they_are_scored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 revisions of 256 KiB each: read all at once (as before), they alone would take
    the peak past 20 MiB."""
    path = daily_history(tmp_path / "large", 40, padding=256 * 1024)
    steps: list[str] = []
    ask, score = git._Process.ask, score_launch

    def spy_ask(self: Any, blob: str, size: int) -> bytes:
        steps.append("read")
        return ask(self, blob, size)

    def spy_score(*args: Any, **kwargs: Any) -> Any:
        steps.append("score")
        return score(*args, **kwargs)

    monkeypatch.setattr(git._Process, "ask", spy_ask)
    monkeypatch.setattr(scoring, "score_launch", spy_score)
    tracemalloc.start()
    try:
        result = review.trend(path, every=Every.day, today=dt.date(2026, 2, 13))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.points) == 40
    assert steps == ["read", "score"] * 40  # each text read just before it is scored
    assert peak < 4 * 1024 * 1024, f"{peak:,} bytes at the peak"


def test_contents_already_scored_that_day_are_scored_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GitRepo(tmp_path / "same")
    first = repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": REAL})
    moved = repo.rename("2027-01-04", "launch.yaml", "plan.yaml")  # the same contents
    later = repo.commit("2027-01-04", {"plan.yaml": REAL_LATER})
    back = repo.commit("2027-01-04", {"plan.yaml": REAL})  # the first contents again
    broken = [repo.commit("2027-01-05", {"plan.yaml": f"items: [\n# {n % 2}\n"}) for n in range(4)]
    repo.write("plan.yaml", REAL)
    calls: list[str] = []
    parsed: list[str] = []
    score, parse = score_launch, load_launch_text

    def spy_score(launch: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(launch.items["legal.privacy"].status.value)
        return score(launch, *args, **kwargs)

    def spy_parse(source: Any, *args: Any, **kwargs: Any) -> Any:
        parsed.append(source.text)
        return parse(source, *args, **kwargs)

    monkeypatch.setattr(scoring, "score_launch", spy_score)
    monkeypatch.setattr(revisions, "load_launch_text", spy_parse)
    result = review.trend(repo.root / "plan.yaml", every=Every.commit, today=dt.date(2027, 1, 6))
    assert [p.commit for p in result.points] == [first, moved, later, back]
    assert calls == ["todo", "done"]  # the first contents scored once that day
    assert result.points[0].stages == result.points[1].stages == result.points[3].stages
    assert [s.commit for s in result.skipped] == broken  # each named, at its own revision,
    assert [s.why.partition(":")[0] for s in result.skipped] == [c[:7] for c in broken]
    assert sum(text.startswith("items: [") for text in parsed) == 2  # each contents parsed once


def test_a_git_that_hangs_is_stopped_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repository whose object database waits on a FIFO: every git reading it blocks."""
    checkout = Checkout(tmp_path)
    os.mkfifo(checkout.repo.root / ".git" / "objects" / "info" / "alternates")
    monkeypatch.setattr(git, "GIT_TIMEOUT", 0.5)
    said = (
        "git did not finish within 0.5 seconds, so gtm-check stopped it "
        "(is the repository on a slow or hung file system?)"
    )
    start = time.monotonic()
    for args in commands(checkout.launch):
        result = invoke(*args)
        if args[0] == "audit":
            assert json.loads(result.stdout)["history"]["note"] == f"history: not read ({said})"
        else:
            assert (result.exit_code, result.stderr) == (2, f"{checkout.launch}:1:1: {said}\n")
    assert time.monotonic() - start < 30


def test_a_git_that_hangs_reading_contents_is_stopped_with_what_it_started(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``cat-file --batch`` answers nothing, and a process it started holds its output open:
    both are stopped, and the run ends with a message, not when the child would."""
    real = shutil.which("git")
    folder = tmp_path / "slow-git"
    folder.mkdir()
    script = folder / "git"
    script.write_text(
        '#!/bin/sh\nfor a in "$@"; do [ "$a" = --batch ] && { sleep 60; exit 0; }; done\n'
        f'exec {real} "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(git, "GIT_TIMEOUT", 1)
    start = time.monotonic()
    for args in commands(checkout.launch):
        result = invoke(*args)
        said = "git did not finish within 1 seconds, so gtm-check stopped it"
        if args[0] == "audit":
            assert said in json.loads(result.stdout)["history"]["note"]
        else:
            assert result.exit_code == 2 and result.stderr.startswith(
                f"{checkout.launch}:1:1: {said}"
            ), result.output
    assert time.monotonic() - start < 30


def test_the_path_read_in_each_revision_is_the_one_named_links_unfollowed(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    (top / "other").mkdir(parents=True)
    (top / "other" / "launch.yaml").write_text("x", encoding="utf-8")
    (top / "team").symlink_to("other")
    (top / "plan.yaml").symlink_to("other/launch.yaml")
    repo = git.Repository(top / ".git", top, "launch.yaml")
    assert repo.relative(top / "team" / "launch.yaml") == "team/launch.yaml"
    assert repo.relative(top / "plan.yaml") == "plan.yaml"
    # A top the user named through a link of their own still relates to the file.
    (tmp_path / "alias").symlink_to(top)
    named = git.Repository(top / ".git", tmp_path / "alias", "launch.yaml")
    assert named.relative(top / "plan.yaml") == "plan.yaml"
    with pytest.raises(GtmCheckError) as raised:
        repo.relative(tmp_path / "elsewhere.yaml")
    assert [p.message for p in raised.value.problems] == [
        f"the file is not in the working tree of {top}"
    ]


def parses_seen(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The end of each launch text the history parses, in order, as the run goes."""
    parsed: list[str] = []
    parse = load_launch_text

    def spy_parse(source: Any, *args: Any, **kwargs: Any) -> Any:
        parsed.append(source.text[-3:])
        return parse(source, *args, **kwargs)

    monkeypatch.setattr(revisions, "load_launch_text", spy_parse)
    return parsed


def test_two_contents_taking_turns_count_each_time_and_are_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two large launch files taking turns week by week: each period scores one again, so
    # each turn counts against the history's text (two 1.35 MB contents over 366 weeks took
    # four minutes), while each content is parsed once.
    a = f"{REAL}#{'a' * 2_000}\n"
    b = f"{REAL}#{'b' * 2_000}\n"
    repo = GitRepo(tmp_path / "turns")
    repo.daily(
        dt.date(2026, 1, 5),
        [{"legal.yaml": CHECKLIST, "launch.yaml": a}]
        + [{"launch.yaml": (a, b)[(n // 7) % 2]} for n in range(1, 70)],
    )
    parsed = parses_seen(monkeypatch)
    monkeypatch.setattr(periods, "MAX_HISTORY_TEXT", 6 * len(a))
    result = review.trend(repo.root / "launch.yaml", today=dt.date(2026, 3, 15))
    assert len(result.points) == 6  # ten weeks; six turns fit
    assert result.left_out == 4
    assert sorted(parsed) == ["aa\n", "bb\n"]


def test_one_content_over_many_periods_counts_in_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Commits that only flip the launch file's mode list the same content week after week:
    # counted once for the run, a 6.8 MB launch of 100,000 milestones was scored in each of
    # 60 weeks (three minutes), past the history's text limit.
    a = f"{REAL}#{'a' * 2_000}\n"
    repo = GitRepo(tmp_path / "modes")
    repo.commit("2026-01-05", {"legal.yaml": CHECKLIST, "launch.yaml": a})
    for week in range(1, 10):
        (repo.root / "launch.yaml").chmod(0o755 if week % 2 else 0o644)
        repo.commit(str(dt.date(2026, 1, 5) + dt.timedelta(weeks=week)), {})
    parsed = parses_seen(monkeypatch)
    monkeypatch.setattr(periods, "MAX_HISTORY_TEXT", 6 * len(a))
    result = review.trend(repo.root / "launch.yaml", today=dt.date(2026, 3, 15))
    assert len(result.points) == 6
    assert result.left_out == 4
    assert parsed == ["aa\n"]


def test_a_file_named_head_in_the_checkout_is_no_revision(tmp_path: Path) -> None:
    # git read "HEAD" as ambiguous, a revision and a file, and every walk of the history
    # failed: a pull request could switch trend, a dated diff and --history off.
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": REAL})
    repo.commit("2027-01-11", {"HEAD": "x\n", "launch.yaml": REAL_LATER})
    path = str(repo.root / "launch.yaml")
    trend = invoke("trend", path, "--as-of", "2027-01-20", "-f", "json")
    assert (trend.exit_code, trend.stderr) == (0, "")
    assert len(json.loads(trend.stdout)["points"]) == 2
    diff = invoke("diff", path, "--since", "2027-01-05", "--as-of", "2027-01-20", "-f", "json")
    assert (diff.exit_code, diff.stderr) == (0, "")
    assert json.loads(diff.stdout)["old"]["date"] == "2027-01-04"


def test_standard_input_has_no_history_even_beside_a_file_named_dash(tmp_path: Path) -> None:
    # trend - and diff - read the history of a committed file named "-" as that of the
    # launch read from standard input: a pull request's "-" became the trend's points and
    # the diff's older side, where audit --history - says standard input has none.
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "-": REAL})
    said = "-:1:1: the launch file came from standard input, which has no history\n"
    here = os.getcwd()
    os.chdir(repo.root)
    try:
        for args in (["trend", "-"], ["diff", "-", "--since", "HEAD"]):
            result = CliRunner().invoke(app, [*args, "--as-of", "2027-01-20"], input=REAL)
            assert (result.exit_code, result.stdout, result.stderr) == (2, "", said), args
        named = CliRunner().invoke(app, ["trend", "./-", "--as-of", "2027-01-20", "-f", "json"])
        assert named.exit_code == 0 and len(json.loads(named.stdout)["points"]) == 1
    finally:
        os.chdir(here)
