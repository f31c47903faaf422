"""Checklist paths the system refuses: a located problem in plain words, exit 2, never 3."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gtm_check.cli.commands import app
from tests.conftest import MINI_CHECKLIST, WriteFile, git_folder

ALLOW = [pytest.param([], id="confined"), pytest.param(["--allow-outside"], id="allow-outside")]


def launch_naming(write: WriteFile, entry: str) -> Path:
    """A launch file whose second checklist entry (line 4) is ``entry``, a YAML scalar."""
    write("legal.yaml", MINI_CHECKLIST)
    return write(
        "launch.yaml",
        f"launch: L\nlaunch_date: 2027-03-01\nchecklists:\n  - ./legal.yaml\n  - {entry}\n",
    )


def located(path: Path, *flags: str) -> list[str]:
    """The problem lines of `validate` and `audit` (the same for both), checking exit 2."""
    lines = []
    for command in ("validate", "audit"):
        result = CliRunner().invoke(
            app,
            [command, str(path), *flags, "--as-of", "2027-01-01"]
            if command == "audit"
            else [command, str(path), *flags],
        )
        assert result.exit_code == 2, result.stderr
        assert "internal error" not in result.stderr
        lines.append(result.stderr.replace(str(path.parent) + os.sep, ""))
    assert lines[0] == lines[1]
    return lines[0].splitlines()


@pytest.mark.parametrize("flags", ALLOW)
def test_a_checklist_link_that_points_to_itself(write: WriteFile, flags: list[str]) -> None:
    path = launch_naming(write, "./teams/self.yaml")
    (path.parent / "teams").mkdir()
    os.symlink("self.yaml", path.parent / "teams" / "self.yaml")
    assert located(path, *flags) == [
        "launch.yaml:5:5: checklist './teams/self.yaml' cannot be read: "
        "it is a symbolic link that loops"
    ]


@pytest.mark.parametrize("flags", ALLOW)
def test_two_checklist_links_that_point_at_each_other(write: WriteFile, flags: list[str]) -> None:
    path = launch_naming(write, "./ping.yml")
    os.symlink("pong.yml", path.parent / "ping.yml")
    os.symlink("ping.yml", path.parent / "pong.yml")
    (line,) = located(path, *flags)
    assert line.endswith("checklist './ping.yml' cannot be read: it is a symbolic link that loops")


@pytest.mark.parametrize("flags", ALLOW)
def test_a_checklist_name_longer_than_the_file_system_allows(
    write: WriteFile, flags: list[str]
) -> None:
    name = "q" * 300 + ".yaml"
    path = launch_naming(write, f"./{name}")
    (line,) = located(path, *flags)
    assert line.startswith("launch.yaml:5:5: checklist './qqqq")
    assert line.endswith("cannot be read: its name is too long for the file system")


@pytest.mark.parametrize("flags", ALLOW)
def test_a_checklist_path_longer_than_the_system_allows(write: WriteFile, flags: list[str]) -> None:
    deep = "/".join(["d" * 200] * 30) + "/x.yaml"  # every part fits; the whole does not
    path = launch_naming(write, f"./{deep}")
    (line,) = located(path, *flags)
    assert line.endswith("cannot be read: its name is too long for the file system")


@pytest.mark.parametrize("flags", ALLOW)
def test_a_nul_character_in_a_checklist_path(write: WriteFile, flags: list[str]) -> None:
    path = launch_naming(write, '"./team\\0s.yaml"')
    assert located(path, *flags) == [
        "launch.yaml:5:5: checklist './team\\x00s.yaml' cannot be read: "
        "its name contains a NUL character"
    ]


@pytest.mark.parametrize("flags", ALLOW)
@pytest.mark.parametrize("entry", ["./.git/config", "./.git/hooks/pre-commit.yaml", "./link.yaml"])
def test_a_checklist_in_gits_own_folder_is_not_read(
    write: WriteFile, flags: list[str], entry: str
) -> None:
    # Git keeps its configuration (and a checkout's token) there: nothing of it is read.
    path = launch_naming(write, entry)
    git = path.parent / ".git"
    (git / "hooks").mkdir(parents=True)
    (git / "config").write_text("[http]\n\textraheader = AUTHORIZATION: basic s3cr3t\n")
    (git / "hooks" / "pre-commit.yaml").write_text("s3cr3t: [\n")
    os.symlink(".git/config", path.parent / "link.yaml")
    (line,) = located(path, *flags)
    assert line == (
        f"launch.yaml:5:5: checklist '{entry}' leads into git's own folder, which is not read"
    )
    assert "s3cr3t" not in line


def test_a_nul_character_in_a_builtin_looking_name(write: WriteFile) -> None:
    path = launch_naming(write, '"leg\\0al"')
    (line,) = located(path)
    assert line.endswith("cannot be read: its name contains a NUL character")


# --- Launch files that lead out through a symbolic link ------------------------------------

SECRET = (
    "launch: Leaked\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\nowner: s3cr3t-t0ken\n"
)
"""A file outside the repository that happens to be a valid launch file, with a secret in it:
when refused, nothing of it may show."""

REFUSED = "leads outside its repository through a symbolic link (pass --allow-outside"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A repository (``repo``, holding ``.git``) and, beside it, a secret launch file."""
    git_folder(tmp_path / "repo")
    (tmp_path / "repo" / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
    (tmp_path / "secret" / "launch.yaml").write_text(SECRET, encoding="utf-8")
    return tmp_path


def every_command(launch: Path) -> dict[str, list[str]]:
    """Every command that reads a launch file, reading ``launch``."""
    edit = [str(launch), "legal.trademarks"]
    return {
        "validate": ["validate", str(launch)],
        "audit": ["audit", str(launch), "--as-of", "2027-01-15", "-f", "json"],
        "owners": ["owners", str(launch), "--as-of", "2027-01-15"],
        "set": ["set", *edit, "--status", "done"],
        "waive": ["waive", *edit, "--reason", "r", "--approved-by", "vp@x"]
        + ["--expires", "2027-02-01", "--as-of", "2027-01-15"],
        "unwaive": ["unwaive", *edit],
        "diff": ["diff", str(launch), str(launch)],
        "trend": ["trend", str(launch)],
    }


COMMANDS = list(every_command(Path("x")))


def invoke(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("flags", ALLOW)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_launch_file_linked_into_git_s_own_folder_is_refused_unread(
    outside: Path, command: str, flags: list[str]
) -> None:
    git = outside / "repo" / ".git"
    (git / "launch.yaml").write_text(SECRET, encoding="utf-8")
    link = outside / "repo" / "launch.yaml"
    link.symlink_to(git / "launch.yaml")
    args = every_command(link)[command]
    code, out, err = invoke([*args, *flags] if command not in ("diff",) else args)
    assert code == 2, err
    assert err == (
        f"{link}:1:1: the launch file leads into git's own folder through a symbolic link; "
        "it is not read\n"
    )
    for word in ("Leaked", "s3cr3t", "t0ken"):
        assert word not in out + err


def test_a_policy_file_linked_into_git_s_own_folder_is_refused_unread(outside: Path) -> None:
    repo = outside / "repo"
    (repo / ".git" / "config").write_text("[core]\n\tbare = false\nt0ken: s3cr3t\n")
    (repo / ".gtm-check.yaml").symlink_to(".git/config")
    launch = repo / "launch.yaml"
    launch.write_text("launch: L\nlaunch_date: 2027-03-01\nchecklists: [./legal.yaml]\n")
    code, out, err = invoke(["validate", str(launch)])
    assert code == 2
    assert err == (
        f"{repo / '.gtm-check.yaml'}:1:1: the policy file leads into git's own folder through "
        "a symbolic link; it is not read\n"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_launch_file_linked_out_of_its_repository_is_refused(outside: Path, command: str) -> None:
    link = outside / "repo" / "launch.yaml"
    link.symlink_to(outside / "secret" / "launch.yaml")
    code, out, err = invoke(every_command(link)[command])
    assert code == 2, err
    assert err == f"{link}:1:1: the launch file {REFUSED} to read it anyway)\n"
    assert out == ""
    assert (outside / "secret" / "launch.yaml").read_text(encoding="utf-8") == SECRET
    for word in ("Leaked", "s3cr3t", "t0ken", "secret"):
        assert word not in out + err


@pytest.mark.parametrize("command", COMMANDS)
def test_a_folder_linked_out_of_the_repository_is_refused_too(outside: Path, command: str) -> None:
    (outside / "repo" / "launches").symlink_to(outside / "secret")
    launch = outside / "repo" / "launches" / "launch.yaml"
    code, out, err = invoke(every_command(launch)[command])
    assert (code, out) == (2, ""), err
    assert REFUSED in err and "s3cr3t" not in err


CLIMBS = "leads outside the folder it is named in (a '..' after a linked folder) through a"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_dot_dot_after_a_folder_linked_out_is_refused_unread(outside: Path, command: str) -> None:
    # "sub/../launch.yaml" reads as the repository's launch.yaml, but the system goes up
    # from where sub points: to the secret file beside the repository.
    (outside / "secret" / "deep").mkdir()
    (outside / "repo" / "sub").symlink_to(outside / "secret" / "deep")
    launch = outside / "repo" / "sub" / ".." / "launch.yaml"
    code, out, err = invoke(every_command(launch)[command])
    assert (code, out) == (2, ""), err
    assert err == (
        f"{launch}:1:1: the launch file {CLIMBS} symbolic link (pass --allow-outside to read it "
        "anyway)\n"
    )
    assert (outside / "secret" / "launch.yaml").read_text(encoding="utf-8") == SECRET
    for word in ("Leaked", "s3cr3t", "t0ken"):
        assert word not in out + err


def test_nothing_is_written_after_a_dot_dot_out_of_a_linked_folder(outside: Path) -> None:
    (outside / "secret" / "deep").mkdir()
    (outside / "repo" / "sub").symlink_to(outside / "secret" / "deep")
    launch = outside / "repo" / "launch.yaml"
    launch.write_text(SECRET.replace("Leaked", "Mine"), encoding="utf-8")
    report = outside / "repo" / "sub" / ".." / "report.json"
    for args in (["-o", str(report)], ["--also", f"json={report}"]):
        code, _, err = invoke(["audit", str(launch), "--as-of", "2027-01-15", *args])
        assert code == 2 and err.startswith(f"{report}:1:1: the output file {CLIMBS}"), err
    created = outside / "repo" / "sub" / ".." / "new.yaml"
    code, _, err = invoke(["init", "--name", "N", "--launch-date", "2027-03-01", str(created)])
    assert code == 2 and err.startswith(f"{created}:1:1: the launch file {CLIMBS}"), err
    assert sorted(p.name for p in (outside / "secret").iterdir()) == [
        "deep",
        "launch.yaml",
        "legal.yaml",
    ]


@pytest.mark.parametrize("command", ["validate", "audit", "owners", "set", "waive", "diff"])
def test_allow_outside_reads_and_writes_through_the_link(outside: Path, command: str) -> None:
    link = outside / "repo" / "launch.yaml"
    link.symlink_to(outside / "secret" / "launch.yaml")
    code, _, err = invoke([*every_command(link)[command], "--allow-outside"])
    assert code in (0, 1), err
    assert link.is_symlink()


@pytest.mark.parametrize("command", ["validate", "audit", "owners", "set", "unwaive"])
def test_a_link_that_stays_in_the_repository_is_read(outside: Path, command: str) -> None:
    real = outside / "repo" / "launches" / "2027.yaml"
    real.parent.mkdir()
    (real.parent / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
    waiver = "waivers: [{item: legal.trademarks, reason: r, approved_by: a, expires: 2027-02-01}]"
    real.write_text(SECRET + waiver + "\n", encoding="utf-8")
    link = outside / "repo" / "launches" / "current.yaml"
    link.symlink_to("2027.yaml")
    code, _, err = invoke(every_command(link)[command])
    assert code in (0, 1), err
    assert link.is_symlink()


def test_without_a_repository_the_folder_is_the_limit(tmp_path: Path) -> None:
    (tmp_path / "launches").mkdir()
    (tmp_path / "legal.yaml").write_text(MINI_CHECKLIST, encoding="utf-8")
    (tmp_path / "other.yaml").write_text(SECRET.replace("./", "../"), encoding="utf-8")
    link = tmp_path / "launches" / "launch.yaml"
    link.symlink_to("../other.yaml")
    code, _, err = invoke(["validate", str(link)])
    assert code == 2
    assert err == (
        f"{link}:1:1: the launch file leads outside its folder through a symbolic link "
        "(pass --allow-outside to read it anyway)\n"
    )


def test_a_dangling_or_looping_launch_link_is_a_located_problem(outside: Path) -> None:
    dangling = outside / "repo" / "gone.yaml"
    dangling.symlink_to("nowhere.yaml")
    looping = outside / "repo" / "loop.yaml"
    looping.symlink_to("loop.yaml")
    for command in ("validate", "set", "audit"):
        for link, why in ((dangling, "no such file"), (looping, "symbolic link that loops")):
            code, _, err = invoke(every_command(link)[command])
            assert code == 2, err
            assert err.startswith(f"{link}:1:1: ") and why in err


def test_init_does_not_write_through_a_link_out_of_the_repository(outside: Path) -> None:
    link = outside / "repo" / "launch.yaml"
    link.symlink_to(outside / "secret" / "launch.yaml")
    code, out, err = invoke(
        ["init", "--name", "N", "--launch-date", "2027-03-01", "--force", str(link)]
    )
    assert code == 2
    assert err.startswith(f"{link}:1:1: the launch file leads outside its repository")
    assert (outside / "secret" / "launch.yaml").read_text(encoding="utf-8") == SECRET
    assert not (outside / "repo" / ".gtm-check").exists()


def test_the_policy_is_the_one_where_the_launch_file_is_named(outside: Path) -> None:
    (outside / "repo" / ".gtm-check.yaml").write_text("policy: {min_score: 99}\n")
    link = outside / "repo" / "launch.yaml"
    link.symlink_to(outside / "secret" / "launch.yaml")
    code, _, err = invoke(["validate", str(link), "--allow-outside"])
    assert code == 2
    assert "policy: the gate's min_score 80 is below the policy's 99" in err
    # and a policy beside the file linked to is not the named launch file's
    (outside / "repo" / ".gtm-check.yaml").unlink()
    (outside / "secret" / ".gtm-check.yaml").write_text("policy: {min_score: 99}\n")
    code, out, err = invoke(["validate", str(link), "--allow-outside"])
    assert code == 0, err


def test_allow_outside_reads_no_launch_file_or_checklist_in_a_bare_repository(
    tmp_path: Path,
) -> None:
    # --allow-outside refused only links into a folder named .git: a checklist or launch
    # file linked to a bare repository's config was read, its keys shown in messages.
    bare = tmp_path / "secret.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    (bare / "config").write_text("[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n")
    work = tmp_path / "work"
    git_folder(work)
    (work / "c.yaml").symlink_to(bare / "config")
    (work / "l.yaml").symlink_to(bare / "config")
    launch = work / "launch.yaml"
    launch.write_text("launch: X\nlaunch_date: 2027-02-10\nchecklists: [./c.yaml]\n")
    for path, said in (
        (launch, "launch.yaml:3:14: checklist './c.yaml' leads into git's own folder"),
        (work / "l.yaml", "l.yaml:1:1: the launch file leads into git's own folder"),
    ):
        result = CliRunner().invoke(app, ["validate", str(path), "--allow-outside"])
        assert result.exit_code == 2 and said in result.stderr, result.stderr
        assert "extraheader" not in result.stderr and "AUTHORIZATION" not in result.stderr
