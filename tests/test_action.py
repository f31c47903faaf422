"""The GitHub Action (action.yml) as a runner would run it, without the network: each step's
script under bash with the runner's options, inputs through the environment, a stand-in
``gh``; its problem matcher against other tools' output, in Python and in node's
JavaScript engine; its glue script's decisions (outputs, which comment to edit)."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from gtm_check.model.problems import Problem
from tests.authoring.test_schema_agrees import CASES, validate, write_case
from tests.conftest import EXAMPLES, ROOT
from tests.nodejs import run_script
from tests.test_release import blocks
from tests.verify.server import Page, Site, serve

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = {step.get("name", step.get("uses", "")): step for step in ACTION["runs"]["steps"]}
MATCHER = json.loads((ROOT / ".github" / "gtm-check-matcher.json").read_text("utf-8"))
(PATTERN,) = MATCHER["problemMatcher"][0]["pattern"]
REGEXP = PATTERN["regexp"]


def glue() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gtm_check_action", ROOT / ".github" /
                                                  "gtm_check_action.py")  # fmt: skip
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the problem matcher ---------------------------------------------------------------

OTHER_TOOLS = [
    "gtm_check/report/github.py:12:5: F401 [*] `os` imported but unused",  # ruff
    "gtm_check/x.py:12: error: Incompatible return value type",  # mypy
    "gtm_check/x.py:12:5: error: Incompatible return value type  [return-value]",  # mypy
    "main.c:3:5: error: 'x' undeclared (first use in this function)",  # gcc
    "main.c:3:9: warning: unused variable 'y' [-Wunused-variable]",  # gcc
    "include/a.h:1:1: note: declared here",  # gcc
    './main.go:5:2: "os" imported and not used',  # go build
    "main.go:12:5: undefined: foo",  # go
    "./x.go:9:2: fmt.Printf format %d has arg s of wrong type string",  # go vet
    "/home/runner/work/app/src/index.js:10:5: 'x' is assigned a value but never used. "
    "[Error/no-unused-vars]",  # eslint -f unix
    "/src/index.js: line 10, col 5, Error - 'x' is never used. (no-unused-vars)",  # compact
    "src/a.ts(3,5): error TS2322: Type 'string' is not assignable to type 'number'.",  # tsc
    "x.py:1:1: F401 'os' imported but unused",  # flake8
    "x.py:1:0: C0114: Missing module docstring (missing-module-docstring)",  # pylint
    "script.sh:3:5: warning: Quote this to prevent word splitting. [SC2086]",  # shellcheck
    'launch.yaml:1:1: [warning] missing document start "---" (document-start)',  # yamllint
    ".github/workflows/ci.yml:12:81: [error] line too long (90 > 80 characters) (line-length)",
    '.github/workflows/ci.yaml:10:16: property "foo" is not defined in object type {} '
    "[expression]",  # actionlint
    "playbook.yml:3:1: yaml[truthy]: Truthy value should be one of [false, true]",  # ansible
    "template.yaml:3:5:3:10:E3012:Property Resources/X should be of type String",  # cfn-lint
    "launch.yaml::$.tier: 4 is not one of [1, 2, 3]",  # check-jsonschema
    "README.md:12:81 MD013/line-length Line length [Expected: 80; Actual: 95]",  # markdownlint
    "  --> src/main.rs:2:5",  # rustc
    "gtm-check: warning: the launch date 2026-03-01 has passed",  # gtm-check's own warning
    # A summary line whose launch title was written to look like a problem line:
    "gtm-check: evil.yaml:1:1: boom (tier 1): gate failed: learn: score 0.0 is below 80",
    "::error file=launch.yaml,line=3,col=1::an annotation is a command, not a problem line",
]
OURS = [
    (
        "launches/q3.yaml:12:5: unknown item id 'legal.x' (did you mean 'legal.dpa'?)",
        "launches/q3.yaml",
        "12",
        "5",
    ),  # fmt: skip
    (
        "origin/main:launch.yaml:3:4: unknown status 'finished'",
        "origin/main:launch.yaml",
        "3",
        "4",
    ),  # fmt: skip
    ("C:\\work\\launch.yml:1:1: the file is empty", "C:\\work\\launch.yml", "1", "1"),
    (
        "my launches/team.yaml:7:3: weight: must be greater than 0",
        "my launches/team.yaml",
        "7",
        "3",
    ),  # fmt: skip
    (
        "a:b.yaml:2:2: x: must be 1 (flagship), 2 (standard) or 3 (minor)",
        "a:b.yaml",
        "2",
        "2",
    ),  # fmt: skip
]


def gtm_check_lines(folder: Path) -> list[str]:
    """Every problem line ``validate`` prints for the broken files of the schema table, with
    the folder named as a workflow in a repository would name it."""
    lines: list[str] = []
    for index, case in enumerate(c for c in CASES if not c.valid):
        (folder / str(index)).mkdir()
        code, stderr = validate(write_case(case, folder / str(index)))
        assert code == 2
        lines += [line.replace(str(folder), "launches") for line in stderr.splitlines()]
    assert len(lines) >= len([c for c in CASES if not c.valid])
    return lines


def match(line: str) -> tuple[str, str, str, str] | None:
    found = re.match(REGEXP, line)
    if found is None:
        return None
    file, row, column, message = (found[PATTERN[k]] for k in ("file", "line", "column", "message"))
    return file, row, column, message


NODE_SCRIPT = r"""
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const regexp = new RegExp(input.regexp);
process.stdout.write(JSON.stringify(input.lines.map((line) => {
  const found = regexp.exec(line);
  return found === null ? null : [found[1], found[2], found[3], found[4]];
})));
"""


def test_the_matcher_reads_every_problem_line_of_gtm_check_in_python_and_javascript(
    tmp_path: Path,
) -> None:
    ours = gtm_check_lines(tmp_path)
    for line in ours:
        found = match(line)
        assert found is not None, line
        assert f"{found[0]}:{found[1]}:{found[2]}: {found[3]}" == line
    # GitHub's runner reads the expression with ECMAScript semantics: node's engine is one.
    lines = [*ours, *(line for line, *_ in OURS), *OTHER_TOOLS]
    found_in_js = run_script(NODE_SCRIPT, {"regexp": REGEXP, "lines": lines}, tmp_path)
    assert found_in_js == [list(m) if (m := match(line)) else None for line in lines]
    assert found_in_js[-len(OTHER_TOOLS) :] == [None] * len(OTHER_TOOLS)


@pytest.mark.parametrize(("line", "path", "row", "column"), OURS)
def test_the_matcher_reads_paths_with_colons_and_spaces(
    line: str, path: str, row: str, column: str
) -> None:
    found = match(line)
    assert found is not None and found[:3] == (path, row, column)


def test_the_matcher_reads_problem_render() -> None:
    line = Problem("launches/q3.yaml", 12, 5, "unknown item id 'legal.x'", "did you mean?").render()
    assert match(line) == (
        "launches/q3.yaml",
        "12",
        "5",
        "unknown item id 'legal.x' (did you mean?)",
    )


@pytest.mark.parametrize("line", OTHER_TOOLS)
def test_the_matcher_ignores_other_tools(line: str) -> None:
    assert match(line) is None


# --- the steps, run as the runner runs them --------------------------------------------


@dataclass
class Runner:
    """A job's workspace, environment and files, for running the Action's steps."""

    workspace: Path
    inputs: dict[str, str]
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def temp(self) -> Path:
        return self.workspace.parent / "runner_temp"

    def expression(self, text: str) -> str:
        values = {
            "github.action_path": str(ROOT),
            "runner.temp": str(self.temp),
            "github.repository": "acme/launches",
            "github.event.pull_request.number": "7",
            "steps.audit.outputs.report": self.outputs.get("report", ""),
            **{f"inputs.{k}": v for k, v in {**self.defaults(), **self.inputs}.items()},
        }
        return re.sub(r"\$\{\{\s*(.+?)\s*\}\}", lambda m: values[m.group(1)], text)

    def example(self) -> Path:
        """The shipped example launch, written to the workspace as ``launch.yaml``."""
        launch = self.workspace / "launch.yaml"
        launch.write_text((EXAMPLES / "launch.yaml").read_text("utf-8"), encoding="utf-8")
        return launch

    def defaults(self) -> dict[str, str]:
        return {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()}

    def run(self, name: str, extra_env: dict[str, str] | None = None) -> tuple[int, str]:
        """Run one step's script; its exit code and standard output, with stderr after."""
        step = STEPS[name]
        output = self.workspace.parent / "github_output"
        output.write_text("", encoding="utf-8")
        temp = self.temp
        temp.mkdir(exist_ok=True)
        bin_folder = self.workspace.parent / "bin"
        env = {
            "PATH": f"{bin_folder}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}"
            f"{os.environ.get('PATH', '')}",
            "HOME": str(self.workspace.parent),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(self.workspace.parent / "summary.md"),
            "GITHUB_ACTIONS": "true",
            "RUNNER_TEMP": str(temp),
            "NO_COLOR": "1",
            **{k: self.expression(str(v)) for k, v in step.get("env", {}).items()},
            **(extra_env or {}),
        }
        script = self.workspace.parent / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        # The job's working directory is the checkout, unless the step names another.
        folder = self.expression(step.get("working-directory", str(self.workspace)))
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        for line in output.read_text("utf-8").splitlines():
            key, _, value = line.partition("=")
            self.outputs[key] = value
        return result.returncode, result.stdout + result.stderr


@pytest.fixture
def runner(tmp_path: Path) -> Runner:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    # setup-python puts `python` on the path; here it is the interpreter running the tests
    # (started by its own path, so that it finds its environment and gtm-check in it).
    python = bin_folder / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    return Runner(workspace, {})


def test_launch_files_are_file_names_never_options_nor_patterns(runner: Runner) -> None:
    text = (EXAMPLES / "launch.yaml").read_text("utf-8")
    (runner.workspace / "-o.yaml").write_text(text, encoding="utf-8")
    (runner.workspace / "launch.yaml").write_text(text, encoding="utf-8")
    runner.inputs["launch"] = "-o.yaml\n  launch.yaml"
    code, out = runner.run("Audit launch readiness")
    assert code == 1, out  # both audited: the example fails its gate
    for name in ("-o.yaml", "launch.yaml"):  # one name: each told apart by its file
        assert f"gtm-check: Acme Insights 2.0 (tier 1) · {name}: gate failed" in out
    assert sorted(p.name for p in runner.workspace.iterdir()) == ["-o.yaml", "launch.yaml"]
    runner.inputs["launch"] = "*.yaml"  # a pattern stays a name: no such file
    code, out = runner.run("Audit launch readiness")
    assert code == 2 and "*.yaml" in out and runner.outputs["verdict"] == "invalid"


def test_a_launch_file_named_dash_is_read_not_standard_input(runner: Runner) -> None:
    (runner.workspace / "-").write_text((EXAMPLES / "launch.yaml").read_text("utf-8"), "utf-8")
    runner.inputs["launch"] = "-"
    code, out = runner.run("Audit launch readiness")
    assert code == 1, out  # the example, which fails its gate; not an empty standard input
    assert "gtm-check: Acme Insights 2.0 (tier 1): gate failed" in out
    assert runner.outputs["verdict"] == "failed"
    assert glue().launch_files(" - -o.yaml ") == ["./-", "-o.yaml"]


SHADOWS = ("pip/__init__.py", "pip/__main__.py", "typing.py", "re.py", "sitecustomize.py")
"""Modules a pull request could add to its checkout to run in place of pip or of what pip
imports, with the job's token: each writes a marker when it runs."""


def test_the_install_step_runs_no_code_from_the_checkout(runner: Runner) -> None:
    marker = runner.workspace.parent / "shadowed"
    for name in SHADOWS:
        path = runner.workspace / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"open({str(marker)!r}, 'a').write({name!r} + '\\n')\n", "utf-8")
    # Not the Action itself (that would reinstall gtm-check into the tests' environment): a
    # folder pip refuses at once, after it started, imported its modules and read the path.
    nothing = runner.workspace.parent / "not-a-project"
    nothing.mkdir()
    extra = {"ACTION_PATH": str(nothing), "PYTHONPATH": str(runner.workspace)}
    code, out = runner.run("Install gtm-check", extra)
    assert not marker.exists(), marker.read_text("utf-8")
    assert code != 0 and "is not installable" in out  # pip itself ran, and said so
    step = STEPS["Install gtm-check"]
    assert step["working-directory"] == "${{ runner.temp }}"
    assert step["run"].startswith("python -I -m pip install ")


def test_every_python_the_action_starts_is_isolated() -> None:
    scripts = [step["run"] for step in ACTION["runs"]["steps"] if "run" in step]
    started = [line for script in scripts for line in script.splitlines() if "python" in line]
    assert len(started) == 4  # pip, then the glue: run (once: every report), outputs, comment
    for line in started:
        assert re.search(r"(^|\s)python -I ", line) and not re.search(r"\bpython (?!-I )", line)
    # Nothing runs gtm-check but the glue, which starts it as `python -I -m gtm_check`.
    assert not any(re.search(r"(^|\s)gtm-check ", script) for script in scripts)
    assert glue().GTM_CHECK == (sys.executable, "-I", "-m", "gtm_check")


def test_args_are_words_never_patterns_nor_options_from_the_checkout(runner: Runner) -> None:
    text = (EXAMPLES / "launch.yaml").read_text("utf-8")
    (runner.workspace / "launch.yaml").write_text(text, encoding="utf-8")
    # Files a pull request adds, named to be read as options if a pattern expanded to them.
    for name in ("--output=owned.txt", "-o.yaml"):
        (runner.workspace / name).write_text(text, encoding="utf-8")
    before = {p.name for p in runner.workspace.iterdir()}
    runner.inputs |= {"launch": "launch.yaml", "args": "--as-of 2027-01-15 *",
                      "html": "readiness.html", "sarif": "gtm-check.sarif"}  # fmt: skip
    code, out = runner.run("Audit launch readiness")
    assert code == 2, out  # `*` is a launch file that does not exist: bad input
    assert "*" in out and "no such file" in out
    assert {p.name for p in runner.workspace.iterdir()} == before  # nothing written
    assert runner.outputs["verdict"] == "invalid" and runner.outputs["report"] == ""
    assert "html-file" not in runner.outputs and "sarif-file" not in runner.outputs


@pytest.mark.parametrize("args", ["--help", "-h"])
def test_a_run_that_audits_nothing_gives_no_verdict(runner: Runner, args: str) -> None:
    # `--help` in ARGS exits 0 and writes no report: the Action said `passed`, named as its
    # html-file a page the pull request committed (for the upload to publish) and the
    # comment step ended in a traceback.
    runner.example()
    planted = runner.workspace / "readiness.html"
    planted.write_text("<h1>not a gtm-check report</h1>", encoding="utf-8")
    runner.inputs |= {"launch": "launch.yaml", "args": args, "html": "readiness.html"}
    code, out = runner.run("Audit launch readiness")
    assert code == 2, out
    assert "gtm-check exited 0 without writing" in out and "(such as --help)" in out
    assert runner.outputs["verdict"] == "invalid" and runner.outputs["report"] == ""
    assert "html-file" not in runner.outputs
    assert planted.read_text("utf-8") == "<h1>not a gtm-check report</h1>"
    # Outputs and the comment on their own: no report is no verdict and no comment.
    assert glue().outputs(0, None, "", {"HTML": "readiness.html"})[0] == "verdict=invalid"
    assert "html-file=readiness.html" not in glue().outputs(0, None, "", {"HTML": "x.html"})
    env = fake_gh(runner, []) | {"REPORT": ""}
    runner.inputs["comment"] = "true"
    code, out = runner.run("Comment on the pull request", env)
    assert code == 0 and "Traceback" not in out, out
    assert "::warning title=gtm-check comment::the audit wrote no report to comment on" in out
    assert not Path(env["GH_LOG"]).exists()  # gh was never asked


@pytest.mark.parametrize("args", ["-o -", "--output=-", "-o-"])
def test_a_report_to_standard_output_in_args_is_no_file_to_check(runner: Runner, args: str) -> None:
    # `-o -` writes the report to standard output: the Action looked for a file `-` after
    # the run and, finding none, called a finished audit `invalid` "(such as --help)".
    runner.example()
    runner.inputs |= {"launch": "launch.yaml", "args": f"--as-of 2027-01-15 {args}"}
    code, out = runner.run("Audit launch readiness")
    assert code == 1, out  # the example fails its gate, and says so
    assert "without writing" not in out and "Acme Insights 2.0" in out
    assert runner.outputs["verdict"] == "failed" and runner.outputs["score-use"] == "78.6"
    assert sorted(p.name for p in runner.workspace.iterdir()) == ["launch.yaml"]
    # `invalid` has no scores and no report beside it, whatever the run left.
    report = json.loads(Path(runner.outputs["report"]).read_text("utf-8"))
    lines = glue().outputs(2, report, runner.outputs["report"], {})
    assert lines == ["verdict=invalid", *[f"score-{s}=" for s in glue().STAGES], "report="]


def test_args_still_carry_several_flags(runner: Runner) -> None:
    runner.example()
    runner.inputs |= {"launch": "launch.yaml", "sarif": "out.sarif",
                      "args": "  --as-of\t2027-01-15\n--fail-on never --min-score 10 "}  # fmt: skip
    code, out = runner.run("Audit launch readiness")
    assert code == 0 and runner.outputs["verdict"] == "passed", out
    assert runner.outputs["sarif-file"] == "out.sarif" and (runner.workspace / "out.sarif").exists()
    assert glue().audit_command(
        ["--format", "json"], {"LAUNCH": " a.yaml\n-o.yaml ", "POLICY": "-p x.yaml", "ARGS": ""}
    )[4:] == ["audit", "--format", "json", "--policy=-p x.yaml", "--", "a.yaml", "-o.yaml"]
    assert glue().audit_command(
        [], {"LAUNCH": "a.yaml", "HTML": "-r x.html", "SARIF": "--o.sarif", "ARGS": "-f json"}
    )[4:] == ["audit", "--also=html=-r x.html", "--also=sarif=--o.sarif", "-f", "json", "--",
              "a.yaml"]  # fmt: skip


def test_the_audit_step_sets_the_outputs(runner: Runner) -> None:
    runner.example()
    runner.inputs["launch"] = "launch.yaml"
    runner.inputs["args"] = "--as-of 2027-01-15"
    code, out = runner.run("Audit launch readiness")
    assert code == 1, out
    assert out.startswith("::add-matcher::") and out.split("\n", 1)[0].endswith(
        "/.github/gtm-check-matcher.json"
    )
    report = json.loads(Path(runner.outputs["report"]).read_text("utf-8"))
    scores = {s["key"]: s["score"] for s in report["stages"]}
    assert runner.outputs == {
        "verdict": "failed",
        **{f"score-{k}": str(v) for k, v in scores.items()},
        "report": runner.outputs["report"],
    }
    assert runner.outputs["score-use"] == "78.6"


def test_a_broken_launch_file_is_invalid_and_annotated(runner: Runner) -> None:
    (runner.workspace / "launch.yaml").write_text("launch: X\n", encoding="utf-8")
    runner.inputs["launch"] = "launch.yaml"
    code, out = runner.run("Audit launch readiness")
    assert code == 2 and runner.outputs["verdict"] == "invalid"
    assert runner.outputs["report"] == "" and runner.outputs["score-learn"] == ""
    assert "::error file=launch.yaml,line=1,col=1," in out
    assert "steps.audit.outputs.verdict == 'failed'" in STEPS["Comment on the pull request"]["if"]
    # The upload reads what the audit step wrote: it runs only where that step wrote the page.
    assert (
        STEPS["Upload the HTML report"]["if"]
        == "${{ always() && steps.audit.outputs.html-file != '' }}"
    )
    assert STEPS["Upload the HTML report"]["with"]["path"] == "${{ steps.audit.outputs.html-file }}"


def test_the_matcher_is_removed_by_the_last_step_whatever_happened() -> None:
    last = ACTION["runs"]["steps"][-1]
    assert last["if"] == "${{ always() }}"
    owner = MATCHER["problemMatcher"][0]["owner"]
    assert last["run"].strip() == f'echo "::remove-matcher owner={owner}::"'
    adds = [s for s in ACTION["runs"]["steps"] if "::add-matcher::" in s.get("run", "")]
    assert [s["name"] for s in adds] == ["Audit launch readiness"]


def test_the_html_input_says_what_is_uploaded() -> None:
    upload = STEPS["Upload the HTML report"]
    assert upload["uses"].startswith("actions/upload-artifact@")
    name = upload["with"]["name"]
    description = ACTION["inputs"]["html"]["description"]
    assert f"`{name}`" in description and "artifact named" in description


def test_the_sarif_input_writes_the_file_for_upload_sarif(runner: Runner) -> None:
    runner.example()
    runner.inputs |= {"launch": "launch.yaml", "args": "--as-of 2027-01-15"}
    runner.inputs["sarif"] = "gtm-check.sarif"
    code, out = runner.run("Audit launch readiness")
    assert code == 1 and runner.outputs["sarif-file"] == "gtm-check.sarif", out
    log = json.loads((runner.workspace / "gtm-check.sarif").read_text("utf-8"))
    assert log["version"] == "2.1.0" and log["runs"][0]["properties"]["passed"] is False
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]}  # fmt: skip
    assert uris == {"launch.yaml"}  # relative to the workspace, the repository's root


def test_the_readme_uploads_the_file_the_sarif_input_writes() -> None:
    (block,) = [b for b in blocks("yaml") if "upload-sarif" in b]
    workflow = yaml.safe_load(block)
    assert workflow["permissions"]["security-events"] == "write"
    (job,) = workflow["jobs"].values()
    ours = next(s for s in job["steps"] if s.get("uses") == "OWNER/gtm-check@REF")
    upload = next(s for s in job["steps"] if "upload-sarif" in s.get("uses", ""))
    # The file the Action says it wrote, also when the gate failed (the step before fails),
    # never a file, link or folder a pull request put under the input's name.
    assert upload["with"]["sarif_file"] == f"${{{{ steps.{ours['id']}.outputs.sarif }}}}"
    assert upload["if"] == f"${{{{ always() && steps.{ours['id']}.outputs.sarif != '' }}}}"


def test_every_output_comes_from_the_audit_step() -> None:
    code = (ROOT / ".github" / "gtm_check_action.py").read_text("utf-8")
    outputs = dict(ACTION["outputs"])
    assert outputs.pop("sarif")["value"] == "${{ steps.audit.outputs.sarif-file }}"
    for name, output in outputs.items():
        assert output["value"] == f"${{{{ steps.audit.outputs.{name} }}}}"
        assert name.split("-")[0] in code


@pytest.fixture
def site() -> Iterator[Site]:
    yield from serve()


def test_every_report_the_action_writes_comes_from_the_run_that_gives_the_verdict(
    runner: Runner, site: Site, tmp_path: Path
) -> None:
    """A page on a host the policy allows fails the first fetch and passes every later one
    (or the cache keeps a pass a later run could use): the outputs, the JSON report the
    comment reads, the page and the SARIF file all show the gate that failed, from one
    fetch."""
    url = site.page("/pricing", "not yet", status=404,
                    then=Page(200, b"<h1>Pricing</h1> from $10"))  # fmt: skip
    (runner.workspace / "team.yaml").write_text(
        "department: team\nname: Team\nitems:\n  - {id: team.pricing, stage: learn, "
        "title: Pricing page, severity: blocker}\n",
        encoding="utf-8",
    )
    (runner.workspace / "launch.yaml").write_text(
        "launch: X\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\n"
        "gate: {stages: [learn], min_score: 50}\nitems:\n  team.pricing: {status: done, "
        f"verify: {{url: '{url}', contains: Pricing}}}}\n",
        encoding="utf-8",
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text("policy:\n  verify_hosts: [127.0.0.1]\n", encoding="utf-8")
    runner.inputs |= {
        "launch": "launch.yaml",
        "policy": str(policy),
        "args": "--verify --require-verified --as-of 2027-01-01",
        "html": "readiness.html",
        "sarif": "gtm-check.sarif",
    }
    code, out = runner.run("Audit launch readiness", {"GTM_CHECK_CACHE_DIR": str(tmp_path)})
    assert code == 1 and runner.outputs["verdict"] == "failed", out
    assert "team.pricing" in out and "verification failed" in out
    assert site.paths() == ["/pricing"]  # one fetch judged the gate and drew every view
    assert runner.outputs["score-learn"] == "0.0"
    report = json.loads(Path(runner.outputs["report"]).read_text("utf-8"))
    assert report["gate"]["passed"] is False
    assert "gate failed" in glue().body(glue().marker(["launch.yaml"]), report, [])
    page = (runner.workspace / runner.outputs["html-file"]).read_text("utf-8")
    assert "Gate failed" in page and "Gate passed" not in page
    log = json.loads((runner.workspace / runner.outputs["sarif-file"]).read_text("utf-8"))
    assert log["runs"][0]["properties"]["passed"] is False
    assert "team.pricing" in json.dumps(log["runs"][0]["results"])


FAKE_GH = """#!{python}
import json, os, sys
from pathlib import Path
state = Path(os.environ["GH_STATE"])
comments = json.loads(state.read_text()) if state.exists() else []
args = sys.argv[1:]
with open(os.environ["GH_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
assert os.environ["GH_TOKEN"] == "the-token"
if args[:2] == ["api", "user"]:  # the job's own token may not ask who it is
    print("gh: Resource not accessible by integration (HTTP 403)", file=sys.stderr)
    sys.exit(1)
if "--paginate" in args:
    for comment in comments:  # as gh prints them: U+0085 and U+2028 unescaped
        print(json.dumps(comment, ensure_ascii=False))
    sys.exit(0)
body = json.loads(Path(args[args.index("--input") + 1]).read_text())["body"]
method, url = args[args.index("-X") + 1], args[args.index("-X") + 2]
if method == "POST":
    comments.append({{"id": 100 + len(comments), "body": body,
                     "created_at": "2027-01-0" + str(len(comments) + 1),
                     "user": {{"login": os.environ.get("GH_BOT", "github-actions[bot]"),
                              "type": "Bot"}}}})  # as GitHub gives a bot's comments
else:
    number = int(url.rsplit("/", 1)[1])
    for comment in comments:
        if comment["id"] == number:
            comment["body"] = body
state.write_text(json.dumps(comments))
print("{{}}")
"""


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    )


def fake_gh(runner: Runner, comments: list[dict[str, Any]]) -> dict[str, str]:
    """A stand-in ``gh`` on the runner's path holding COMMENTS; the environment it needs."""
    gh = runner.workspace.parent / "bin" / "gh"
    gh.write_text(FAKE_GH.format(python=sys.executable), encoding="utf-8")
    gh.chmod(0o755)
    state, log = runner.workspace.parent / "comments.json", runner.workspace.parent / "gh.log"
    state.write_text(json.dumps(comments))
    return {"GH_STATE": str(state), "GH_LOG": str(log)}


def pull_request(runner: Runner, edit: dict[str, str]) -> Path:
    """The example launch committed as the base branch, then edited in the checkout."""
    launch = runner.example()
    git(runner.workspace, "init", "-q")
    git(runner.workspace, "add", ".")
    git(runner.workspace, "commit", "-qm", "base")
    text = launch.read_text("utf-8")
    for old, new in edit.items():
        assert old in text
        text = text.replace(old, new)
    launch.write_text(text, encoding="utf-8")
    runner.inputs.update({"launch": "launch.yaml", "comment": "true", "github-token": "the-token"})
    return launch


def test_the_comment_is_posted_once_then_edited(runner: Runner) -> None:
    # Someone else's comment carrying the same marker is never taken over.
    forged = {"id": 5, "body": "<!-- gtm-check: launch.yaml -->\nmine", "created_at": "2027-01-01"}
    env = fake_gh(runner, [{**forged, "user": {"login": "mallory"}}])
    pull_request(runner, {"legal.trademarks: done": "legal.trademarks: todo"})
    for run in range(2):
        code, out = runner.run("Audit launch readiness")
        assert code == 1, out
        code, out = runner.run("Comment on the pull request", env)
        assert code == 0, out
        assert ("edited" if run else "posted") in out
    comments = json.loads(Path(env["GH_STATE"]).read_text())
    assert [c["id"] for c in comments] == [5, 101]
    assert comments[0]["body"].endswith("mine")
    ours = comments[1]["body"]
    assert ours.startswith("<!-- gtm-check: launch.yaml -->\n")
    # The verdict, then the change since the base branch, read from `gtm-check diff`.
    assert "\n❌ gate failed: **Acme Insights 2\\.0** (tier 1)" in ours
    assert "\n- Reopened: legal\\.trademarks Product name and marks" in ours
    calls = [json.loads(line) for line in Path(env["GH_LOG"]).read_text().splitlines()]
    assert [c[1:3] for c in calls if "-X" in c] == [["-X", "POST"], ["-X", "PATCH"]]
    assert calls[-1][3] == "repos/acme/launches/issues/comments/101"


OUTSIDER_WAIVER = """waivers:
  - item: legal.channel-contracts
    reason: later
    approved_by: evil@evil.example
    expires: 2027-04-30
"""


@pytest.mark.parametrize("policy", ["none", "input", "args", "args="])
def test_the_comment_scores_the_diff_under_the_audits_policy(runner: Runner, policy: str) -> None:
    # A pull request waives an open blocker, approved by someone the policy does not allow:
    # the audit fails on it, and the comment's diff must not credit it (it did: buy rose
    # and the blocker was listed as newly waived), whether the policy is the Action's
    # `policy` input or a `--policy` among its `args`.
    env = fake_gh(runner, [])
    pull_request(runner, {"waivers:\n": OUTSIDER_WAIVER})
    trusted = runner.workspace.parent / "trusted policy.yaml"  # a space: one argument
    trusted.write_text("policy:\n  waiver_approvers: ['@acme.example']\n", "utf-8")
    named = runner.workspace.parent / "trusted.yaml"
    named.write_text(trusted.read_text("utf-8"), "utf-8")
    if policy == "input":
        runner.inputs["policy"] = str(trusted)
    elif policy.startswith("args"):
        runner.inputs["args"] = f"--policy{'=' if policy == 'args=' else ' '}{named}"
    assert runner.run("Audit launch readiness")[0] == 1
    code, out = runner.run("Comment on the pull request", env)
    assert code == 0 and "posted" in out, out
    (posted,) = json.loads(Path(env["GH_STATE"]).read_text())
    waived = "\n- Newly waived: legal\\.channel\\-contracts "
    assert (waived in posted["body"]) is (policy == "none"), posted["body"]
    refused = "- regression: policy: the waiver for legal\\.channel\\-contracts"
    assert (refused in posted["body"]) is (policy != "none"), posted["body"]


def test_the_diff_command_passes_the_policy_as_one_argument_before_the_launch() -> None:
    command = glue().diff_command("-o.yaml", {"POLICY": "-p *.yaml", "LAUNCH": "x"})
    assert command[4:] == ["diff", "--format", "json", "--policy=-p *.yaml", "--", "-o.yaml"]
    assert glue().diff_command("l.yaml", {})[4:] == ["diff", "--format", "json", "--", "l.yaml"]
    # The audit takes the last policy it is given: the input's, then each in ARGS.
    args = "--policy a.yaml --policy=b.yaml -- --policy=c.yaml"
    for env, taken in [({"ARGS": args}, "b.yaml"), ({"ARGS": args, "POLICY": "p"}, "b.yaml"),
                       ({"ARGS": "--as-of 2027-01-15", "POLICY": "p"}, "p")]:  # fmt: skip
        assert f"--policy={taken}" in glue().diff_command("l.yaml", env)
        assert sum(word.startswith("--policy") for word in glue().diff_command("l.yaml", env)) == 1


def test_the_diff_command_scores_on_the_audits_date_and_reads_what_it_reads() -> None:
    args = "--as-of 2027-01-15 --verify --as-of=2027-02-01 --allow-outside -- --as-of=2030-01-01"
    command = glue().diff_command("l.yaml", {"ARGS": args})
    assert command[4:] == ["diff", "--format", "json", "--as-of=2027-02-01", "--allow-outside",
                           "--", "l.yaml"]  # fmt: skip
    assert glue().unapplied({"ARGS": args}) == ["--verify"]
    flags = "--min-score=90 --ignore-waivers --stage buy --fail-on high --require-verified"
    assert glue().unapplied({"ARGS": flags}) == [
        "--require-verified",
        "--ignore-waivers",
        "--min-score",
        "--fail-on",
    ]


def test_the_comment_leaves_out_scores_the_diff_judged_without_the_audits_flags(
    runner: Runner,
) -> None:
    """The audit ignores waivers; the diff cannot, and would show the waiver that the
    pull request adds raising buy beside a verdict that counts the blocker open."""
    env = fake_gh(runner, [])
    pull_request(runner, {"waivers:\n": OUTSIDER_WAIVER.replace("evil.example", "acme.example")})
    runner.inputs["args"] = "--as-of 2027-01-15 --ignore-waivers"
    assert runner.run("Audit launch readiness")[0] == 1
    code, out = runner.run("Comment on the pull request", env)
    assert code == 0 and "posted" in out, out
    (posted,) = json.loads(Path(env["GH_STATE"]).read_text())
    since = posted["body"].split("## Since the base branch\n", 1)[1]
    assert since.startswith(
        "\nWhat changed in the launch files. Scores are the audit's, above: `gtm-check diff` "
        "does not apply `--ignore-waivers`, so its scores are left out.\n"
    ), since
    assert "\nFile launch\\.yaml, **Acme Insights 2\\.0**\n" in since
    assert "→" not in since.replace("owner", "").split("Newly waived", 1)[0]
    assert "- stages:" not in since and "overall" not in since
    assert "\n- Newly waived: legal\\.channel\\-contracts " in since  # what the file says
    # Without such flags the diff's scores are shown, judged on the audit's date.
    assert "- stages: " in glue().body("m", {}, [("l.yaml", {"stages": {"buy": {"new": 1}}})])


def test_a_github_apps_token_edits_its_own_comment(runner: Runner) -> None:
    # A GitHub App's token cannot ask who it is either, and its comments are its app's
    # bot's: the step looked for github-actions[bot]'s, found none, and posted another
    # comment on every run. A person's comment with the marker is never taken over.
    forged = {"id": 5, "body": "<!-- gtm-check: launch.yaml -->\nmine", "created_at": "2027-01-01",
              "user": {"login": "mallory", "type": "User"}}  # fmt: skip
    env = fake_gh(runner, [forged]) | {"GH_BOT": "launch-bot[bot]"}
    pull_request(runner, {"legal.trademarks: done": "legal.trademarks: todo"})
    for _ in range(3):
        assert runner.run("Audit launch readiness")[0] == 1
        code, out = runner.run("Comment on the pull request", env)
        assert code == 0, out
    comments = json.loads(Path(env["GH_STATE"]).read_text())
    assert [(c["id"], c["user"]["login"]) for c in comments] == [
        (5, "mallory"), (101, "launch-bot[bot]"),
    ]  # fmt: skip


def test_file_names_that_differ_only_in_invisible_characters_differ_in_the_comment() -> None:
    # The comment's escaper drops a zero-width space and folds a no-break space: x.yaml and
    # x<ZWSP>.yaml, one failed and one passed, were both "in x.yaml".
    shown = [glue().file_text(n) for n in ("x.yaml", "x\u200b.yaml", "x\u00a0.yaml", "x .yaml")]
    assert shown == ["x\\.yaml", "x\\\\u200b\\.yaml", "x\\\\u00a0\\.yaml", "x \\.yaml"]
    assert len(set(shown)) == 4


def test_a_launch_file_with_a_colon_in_its_name_gets_its_diff() -> None:
    # `gtm-check diff v2:final.yaml` refuses a name that could be a revision's file: the
    # comment never showed what changed in it.
    command = glue().diff_command("v2:final.yaml", {})
    assert command[-2:] == ["--", "./v2:final.yaml"]
    assert glue().diff_command("launch.yaml", {})[-1] == "launch.yaml"


def test_a_comment_holding_any_line_separator_is_read_not_a_traceback(runner: Runner) -> None:
    ours = {"id": 7, "created_at": "2027-01-01",
            "user": {"login": "github-actions[bot]", "type": "Bot"},
            "body": "<!-- gtm-check: launch.yaml -->\n✅ gate passed"}  # fmt: skip
    other = {"id": 8, "created_at": "2027-01-02", "user": {"login": "drive-by"},
             "body": "looks good\u0085{x}\u2028\u2029\x1c\x0b\x0c"}  # fmt: skip
    env = fake_gh(runner, [ours, other])
    pull_request(runner, {"legal.trademarks: done": "legal.trademarks: todo"})
    assert runner.run("Audit launch readiness")[0] == 1
    code, out = runner.run("Comment on the pull request", env)
    assert code == 0 and "edited the pull-request comment" in out, out
    comments = json.loads(Path(env["GH_STATE"]).read_text())
    assert "❌ gate failed" in comments[0]["body"] and comments[1] == other
    # A listing that is not JSON at all is a warning, never a failed job.
    (runner.workspace.parent / "bin" / "gh").write_text("#!/bin/sh\necho '{oops'\n", "utf-8")
    code, out = runner.run("Comment on the pull request", env)
    assert code == 0 and "::warning title=gtm-check comment::could not read" in out, out


HOSTILE = "Evil @someone #1 <img src=x>\n**passed** https://x.example/?a=1 www.x.example GH-2"
"""A pull request's text written to mention, reference, link, inject HTML and fake a verdict."""


def assert_inert(body: str) -> None:
    """Nothing in a comment body mentions, references, links or injects; every line that
    starts with the Action's own words, so no title can fake a verdict."""
    assert re.search("@(?!\u2060)", body) is None  # no @mention, no e-mail address
    assert all(re.search("#(?!\u2060)", line) is None
               for line in body.splitlines() if not line.startswith("#"))  # fmt: skip
    assert "://" not in body and re.search("(?i)www[.]", body) is None
    assert re.search("(?i)gh-", body) is None
    assert "<img" not in body and "**passed**" not in body
    assert "<" not in body.split("\n", 1)[1]  # HTML only in the marker line
    own = ("<!-- gtm-check: ", "## ", "❌ gate failed: ", "File ", "- reason: ", "- stages: ",
           "- regression: ", "- launch date moved ", "- no item changed",
           *(f"- {heading}: " for heading in glue().DIFF_LISTS.values()))  # fmt: skip
    assert all(line == "" or line.startswith(own) for line in body.splitlines()), body
    assert "gate passed" not in body  # the verdict is the Action's, first on its line


def test_the_comment_escapes_every_piece_of_text_from_the_pull_request() -> None:
    module = glue()
    report = {"launch": {"name": HOSTILE, "tier": HOSTILE}, "overall": {"score": 10.0},
              "gate": {"passed": False, "failures": [HOSTILE]},
              "stages": [{"key": HOSTILE, "score": 10.0}]}  # fmt: skip
    body = module.body("<!-- gtm-check: l.yaml -->", report, [])
    assert_inert(body)
    lines = body.splitlines()
    assert len(lines) == 8  # marker, heading, blank, verdict, reason, stages, blank, heading
    name = "Evil @\u2060someone \\#\u20601 &lt;img src=x&gt; "
    assert lines[3].startswith(f"❌ gate failed: **{name}")
    assert "\\*\\*passed\\*\\* https:\u2060//x\\.example/?a=1" in lines[3]
    change = {"id": HOSTILE, "title": HOSTILE, "stage": HOSTILE, "severity": HOSTILE,
              "owner": HOSTILE + "!", "old": HOSTILE, "new": HOSTILE}  # fmt: skip
    diff = {"launch": HOSTILE, "overall": {}, "regressions": [HOSTILE],
            "launch_date": {"old": HOSTILE, "new": HOSTILE}, "done": [change],
            "stages": {HOSTILE: {"old": 1.0, "new": 2.0}}}  # fmt: skip
    body = module.body("<!-- gtm-check: l.yaml -->", report, [(HOSTILE, diff), (HOSTILE, HOSTILE)])
    assert_inert(body)


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("a\nb\r\nc\td\x1b[31me\x85f\u2028g", "a b c d \\[31me f g"),  # one line
        ("\u202eevil\u200b\u2066x\ufeff", "evilx"),  # no bidi, no invisible character
        ("<b>&amp;\"'", "&lt;b&gt;&amp;amp;&quot;&#39;"),  # HTML as entities
        ("`*_{}[]()#+-.!|~\\", "\\`\\*\\_\\{\\}\\[\\]\\(\\)\\#\u2060\\+\\-\\.\\!\\|\\~\\\\"),
        ("$x^{99}$ $$", "\\$x^\\{99\\}\\$ \\$\\$"),  # no math: "$" shows as written
        ("@team a@b.example", "@\u2060team a@\u2060b\\.example"),  # no mention, no e-mail
        ("#12 acme/app#3 GH-4", "\\#\u206012 acme/app\\#\u20603 GH\u2060\\-4"),  # no reference
        ("HTTP://x www.y", "HTTP:\u2060//x www\u2060\\.y"),  # no link
        ("0123456 DEADBEEF1 cafe", "0\u2060123456 D\u2060EADBEEF1 cafe"),  # no commit link
        ("x" * 250, "x" * 199 + "…"),  # cut at 200 characters, before escaping
        (None, "None"),
    ],
)
def test_text_is_the_comments_one_escaper(given: object, shown: str) -> None:
    assert glue().text(given) == shown


def test_the_comment_reads_the_lists_gtm_check_diff_writes() -> None:
    from gtm_check.scoring.diff import LaunchDiff

    assert glue().DIFF_LISTS == {key: heading for key, heading, _ in LaunchDiff.LISTS}


def test_a_hostile_launch_reaches_the_comment_inert(runner: Runner) -> None:
    env = fake_gh(runner, [])
    name = HOSTILE.replace("\n", " ")  # a launch name is one line (validate says so)
    pull_request(runner, {'launch: "Acme Insights 2.0"': f"launch: {json.dumps(name)}",
                          "owner: events@acme.example": "owner: '@someone #1'"})  # fmt: skip
    code, out = runner.run("Audit launch readiness")
    assert code == 1, out
    code, out = runner.run("Comment on the pull request", env)
    assert code == 0 and "posted" in out, out
    (posted,) = json.loads(Path(env["GH_STATE"]).read_text())
    assert_inert(posted["body"])
    assert "\n❌ gate failed: **Evil @\u2060someone \\#\u20601 &lt;img src=x&gt; " in posted["body"]


# --- the glue's decisions --------------------------------------------------------------


def test_pick_comment_takes_the_oldest_of_the_account_with_the_marker() -> None:
    pick = glue().pick_comment
    mark = "<!-- gtm-check: launch.yaml -->"
    bot = {"login": "github-actions[bot]"}
    comments = [
        {"id": 3, "body": f"{mark}\nlater", "created_at": "2027-01-03", "user": bot},
        {"id": 1, "body": f"{mark}\nfirst", "created_at": "2027-01-02", "user": bot},
        {"id": 2, "body": f"{mark}\nforged", "created_at": "2027-01-01", "user": {"login": "x"}},
        {"id": 4, "body": f"quoted:\n{mark}", "created_at": "2027-01-01", "user": bot},
        {
            "id": 5,
            "body": "<!-- gtm-check: other.yaml -->",
            "created_at": "2027-01-01",
            "user": bot,
        },
    ]
    assert pick(comments, mark, "github-actions[bot]") == 1
    assert pick(comments[2:], mark, "github-actions[bot]") is None
    assert pick([], mark, "github-actions[bot]") is None
    assert pick([{"id": 9, "body": None, "user": None}], mark, "github-actions[bot]") is None


def test_the_marker_cannot_close_its_comment() -> None:
    marker = glue().marker
    assert marker(["launch.yaml"]) == "<!-- gtm-check: launch.yaml -->"
    assert marker(["a.yaml", "b/c.yaml"]) == "<!-- gtm-check: a.yaml b/c.yaml -->"
    hostile = marker(["x-->.yaml", "<b>\n@all"])
    assert hostile.count("-->") == 1 and hostile.endswith(" -->") and "\n" not in hostile
    # Reduced to the same characters, two launch inputs kept one comment between them.
    assert marker(["launches/a:b.yaml"]) != marker(["launches/a_b.yaml"])
    assert marker(["launches/a_b.yaml"]) == "<!-- gtm-check: launches/a_b.yaml -->"


def test_outputs_of_a_portfolio_take_each_stages_lowest_score() -> None:
    outputs = glue().outputs

    def launch(learn: float | None) -> dict[str, Any]:
        return {"stages": [{"key": "learn", "score": learn}, {"key": "grow", "score": None}]}

    report = {"launches": [launch(90.0), launch(70.5), launch(None)]}
    assert outputs(1, report, "/r.json") == [
        "verdict=failed", "score-learn=70.5", "score-buy=", "score-use=", "score-grow=",
        "report=/r.json",
    ]  # fmt: skip
    assert outputs(2, None, "/r.json")[0] == "verdict=invalid"
    assert outputs(3, None, "/r.json")[-1] == "report="


def test_the_comment_body_escapes_names_and_stays_under_githubs_limit() -> None:
    module = glue()
    report = {
        "launch": {"name": "<script>x</script> @team", "tier": 1},
        "overall": {"score": 50.0},
        "gate": {"passed": False, "failures": ["buy: score 50.0 is below 80"]},
        "stages": [{"key": "buy", "score": 50.0}],
    }
    change = {"id": "legal.dpa", "title": "x" * 300, "stage": "buy", "severity": "high",
              "owner": None, "old": "todo", "new": "done"}  # fmt: skip
    diff = {"launch": "X", "overall": {"old": 40.0, "new": 50.0}, "done": [change] * 1_000}
    text = module.body("<!-- gtm-check: l.yaml -->", report, [("l.yaml", diff)])
    assert text.startswith("<!-- gtm-check: l.yaml -->\n")
    assert "<script>" not in text and "@team" not in text and "&lt;script&gt;" in text
    assert "buy: score 50\\.0 is below 80" in text and len(text) < 65_536
    # The comment holds what changed, which the job summary does not: it names the command
    # that lists every change.
    assert text.endswith(
        "\n\n… cut short to fit a comment: `gtm-check diff` lists every change, and the job "
        "summary has the gap report.\n"
    )
    assert "x" * 199 + "…" in text and "x" * 200 not in text  # each title cut at 200


def test_a_portfolios_comment_counts_first_and_puts_failing_launches_before_the_cut() -> None:
    # 60 passing launches with names that escape to ~1,100 characters each and one failing
    # launch dated later (so sorted last): the comment was cut after 54 "gate passed" lines,
    # none failed, while the audit failed; and two launches of one name were told apart by
    # nothing.
    def launch(name: str, passed: bool, file: str) -> dict[str, Any]:
        return {
            "launch": {"name": name, "tier": 2, "file": file},
            "overall": {"score": 100.0 if passed else 0.0},
            "gate": {"passed": passed, "failures": [] if passed else ["learn: blocked"]},
            "stages": [{"key": "learn", "score": 100.0 if passed else 0.0}],
        }

    launches = [launch("&" * 200, True, f"p{n}.yaml") for n in range(60)]
    report = {"passed": False, "launches": [*launches, launch("New", False, "new.yaml")]}
    text = glue().body("<!-- gtm-check: x -->", report, [])
    head = "<!-- gtm-check: x -->\n## Launch readiness (gtm-check)\n\n"
    head += "❌ 1 of 61 launches fail their gate\n\n"
    assert text.startswith(head + "❌ gate failed: **New** (tier 2) in new\\.yaml, overall 0.0\n")
    assert len(text) < 65_536 and "cut short" in text
    two = {"launches": [launch("Same", True, "b/l.yaml"), launch("Same", True, "a/l.yaml")]}
    text = glue().body("<!-- gtm-check: x -->", two, [])
    assert "✅ all 2 launches pass their gate" in text
    assert text.index("**Same** (tier 2) in b/l\\.yaml") < text.index("**Same** (tier 2) in a/l")


def test_a_long_launch_input_keeps_the_marker_short_and_each_file_told_apart() -> None:
    # The marker held every launch file's name: past the comment's 60,000 characters it was
    # all the comment held (no verdict, and no marker to find it again: a new comment on
    # every push). And a file name cut at its start showed two files of one long folder
    # the same.
    folder = "launches/" + "deep/" * 60
    files = [f"{folder}eu-{n}.yaml" for n in range(300)]
    mark = glue().marker(files)
    assert len(mark) < 300 and mark.startswith("<!-- gtm-check: launches/deep/")
    assert mark == glue().marker(files) and mark != glue().marker(files[:-1])
    assert "--" not in mark[4:-3]

    def launch(file: str, passed: bool) -> dict[str, Any]:
        return {
            "launch": {"name": "Same", "tier": 2, "file": file},
            "overall": {"score": 100.0},
            "gate": {"passed": passed},
            "stages": [],
        }

    report = {"launches": [launch(f"{folder}us.yaml", False), launch(f"{folder}eu.yaml", True)]}
    text = glue().body(mark, report, [(f, "base not fetched") for f in files])
    assert text.startswith(mark + "\n## Launch readiness (gtm-check)\n\n❌ 1 of 2 launches")
    assert "❌ gate failed: **Same** (tier 2) in …" in text and "/us\\.yaml, overall" in text
    assert "/eu\\.yaml, overall" in text and len(text) < 65_536


def test_every_test_security_md_names_for_the_action_exists() -> None:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    section = text.split("## The GitHub Action\n", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(test_\w+)`", section))
    defined = {
        node.name
        for path in ("tests/test_action.py", "tests/test_release.py")
        for node in ast.parse((ROOT / path).read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef)
    }
    assert len(named) >= 9 and named <= defined, named - defined


@pytest.mark.parametrize("report", ["html", "sarif"])
@pytest.mark.parametrize("planted", ["link out", "link in", "folder"])
def test_a_report_gtm_check_refused_to_write_is_never_uploaded(
    runner: Runner, tmp_path: Path, report: str, planted: str
) -> None:
    """A pull request commits the report's name as a link out of the checkout (to a
    runner's secret), a link to a file of the checkout (a script a later step runs) or a
    folder holding a forged page: nothing is written, and the step's output that the
    upload reads stays unset."""
    runner.example()
    secret = tmp_path / "docker-config.json"
    secret.write_text('{"auths": {}}', encoding="utf-8")
    name = f"readiness.{report}"
    victim = runner.workspace / "deploy.sh"  # a file of the checkout a later step runs
    victim.write_text("echo trusted\n", encoding="utf-8")
    if planted == "link out":
        (runner.workspace / name).symlink_to(secret)
    elif planted == "link in":
        (runner.workspace / name).symlink_to("deploy.sh")
    else:
        (runner.workspace / name).mkdir()
        (runner.workspace / name / "index.html").write_text("GATE PASSED", encoding="utf-8")
    runner.inputs |= {"launch": "launch.yaml", "args": "--as-of 2027-01-15", report: name}
    code, out = runner.run("Audit launch readiness")
    assert code == 2 and runner.outputs["verdict"] == "invalid", out
    assert f"{report}-file" not in runner.outputs and runner.outputs["report"] == ""
    assert secret.read_text("utf-8") == '{"auths": {}}'
    assert victim.read_text("utf-8") == "echo trusted\n"
    # Written: the output names the file.
    (runner.workspace / name).unlink() if planted.startswith("link") else None
    if planted == "folder":
        return
    code, out = runner.run("Audit launch readiness")
    assert code == 1 and runner.outputs[f"{report}-file"] == name, out
    assert (runner.workspace / name).is_file() and not (runner.workspace / name).is_symlink()


def test_a_report_name_with_a_line_break_cannot_set_an_output(runner: Runner) -> None:
    """The outputs are ``name=value`` lines: a name holding a line break would set another
    output (``verdict=passed``) after its own."""
    runner.example()
    runner.inputs |= {"launch": "launch.yaml", "args": "--as-of 2027-01-15",
                      "html": "page.html\nverdict=passed"}  # fmt: skip
    code, out = runner.run("Audit launch readiness")
    assert code == 2 and runner.outputs["verdict"] == "invalid", out
    assert "html-file" not in runner.outputs and "holds a line break" in out
    assert not any(p.name.startswith("page.html") for p in runner.workspace.iterdir())


def test_the_verdict_output_is_the_gates_even_with_warn_only(runner: Runner) -> None:
    runner.example()
    runner.inputs |= {"launch": "launch.yaml", "args": "--as-of 2027-01-15 --warn-only"}
    code, out = runner.run("Audit launch readiness")
    assert code == 0 and runner.outputs["verdict"] == "failed", out
    passed = {"gate": {"passed": True}}
    assert glue().outputs(0, passed, "r.json")[0] == "verdict=passed"
    assert (
        glue().outputs(0, {"launches": [passed, {"gate": {"passed": False}}]}, "r.json")[0]
        == "verdict=failed"
    )


@pytest.mark.parametrize(
    "args",
    ["-o report.md", "-oreport.md", "--output report.md", "--output=report.md",
     "--also markdown=report.md", "--also=markdown=report.md"],
)  # fmt: skip
def test_every_spelling_of_a_report_file_in_args_is_checked_for_links(
    runner: Runner, args: str
) -> None:
    runner.example()
    (runner.workspace / "NOTES.md").write_text("keep me\n", encoding="utf-8")
    (runner.workspace / "report.md").symlink_to("NOTES.md")
    runner.inputs |= {"launch": "launch.yaml", "args": f"--as-of 2027-01-15 {args}"}
    code, out = runner.run("Audit launch readiness")
    assert code == 2 and runner.outputs["verdict"] == "invalid", out
    assert "report.md is already in the checkout as a link" in out
    assert (runner.workspace / "NOTES.md").read_text("utf-8") == "keep me\n"


@pytest.mark.parametrize("report", ["html", "sarif"])
def test_a_report_name_holding_a_pattern_is_refused(runner: Runner, report: str) -> None:
    # upload-artifact reads the html-file output as a pattern: "readiness*.html" would
    # upload a link the pull request committed beside the report, and follow it.
    runner.example()
    (runner.workspace / f"readiness-planted.{report}").symlink_to("/etc/hostname")
    runner.inputs |= {"launch": "launch.yaml", "args": "--as-of 2027-01-15",
                      report: f"readiness*.{report}"}  # fmt: skip
    code, out = runner.run("Audit launch readiness")
    assert code == 2 and runner.outputs["verdict"] == "invalid", out
    assert "holds a pattern character" in out
    assert f"{report}-file" not in runner.outputs


@pytest.mark.parametrize("ending", ["/", "/."])
@pytest.mark.parametrize("report", ["html", "sarif"])
def test_a_report_name_ending_in_a_slash_is_no_way_through_a_link(
    runner: Runner, report: str, ending: str
) -> None:
    # "readiness.html/" (and then "readiness.html/.") made the link check (lexists, islink)
    # see no link at the committed link readiness.html -> build.sh, and gtm-check, dropping
    # the ending, wrote the report over build.sh.
    runner.example()
    victim = runner.workspace / "build.sh"
    victim.write_text("echo trusted\n", encoding="utf-8")
    (runner.workspace / f"readiness.{report}").symlink_to("build.sh")
    runner.inputs |= {"launch": "launch.yaml", "args": "--as-of 2027-01-15",
                      report: f"readiness.{report}{ending}"}  # fmt: skip
    code, out = runner.run("Audit launch readiness")
    assert code == 2 and runner.outputs["verdict"] == "invalid", out
    assert f"{report}-file" not in runner.outputs
    assert victim.read_text("utf-8") == "echo trusted\n"


@pytest.mark.parametrize("ending", ["/", "/."])
@pytest.mark.parametrize("option", ["-o", "--also"])
def test_gtm_check_refuses_a_report_file_ending_in_a_slash(
    tmp_path: Path, option: str, ending: str
) -> None:
    # Path() drops the slash (and "/."): the file "r.html" was written, through a link if
    # one was there.
    args = [option, ("" if option == "-o" else "html=") + f"r.html{ending}"]
    (tmp_path / "build.sh").write_text("echo trusted\n", encoding="utf-8")
    (tmp_path / "r.html").symlink_to("build.sh")
    result = subprocess.run(
        [sys.executable, "-m", "gtm_check", "audit", str(EXAMPLES / "feature.yaml"), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    said = f"'r.html{ending}' ends in '{ending}', which names a folder: give the report's file"
    assert said in result.stderr
    assert (tmp_path / "build.sh").read_text("utf-8") == "echo trusted\n"
