"""Node.js for the checks that need a JavaScript engine: ajv (the JSON Schema validator most
editors and web tools use) and the regular expressions of GitHub's problem matchers; and the
npm packages of other checks (Microsoft's SARIF multitool).

``node`` comes from the machine. The packages (ajv, ajv-formats, the multitool) come from
the folder named by GTM_CHECK_NODE_MODULES (a ``node_modules`` folder): ``.ci/run`` installs
the versions it pins there, outside the checkout, and sets GTM_CHECK_REQUIRE_NODE so that
nothing is skipped in CI. Without them the tests skip and say how to run them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

MODULES_VARIABLE = "GTM_CHECK_NODE_MODULES"


def _unavailable(reason: str) -> None:
    if os.environ.get("GTM_CHECK_REQUIRE_NODE"):
        pytest.fail(f"{reason} (GTM_CHECK_REQUIRE_NODE is set)")
    pytest.skip(reason)


def node() -> str:
    """The node executable, or skip (fail in CI) when there is none."""
    found = shutil.which("node")
    if found is None:
        _unavailable("node is not installed: the JavaScript checks need it; .ci/run has it")
    assert found is not None
    return found


def modules(*packages: str) -> Path:
    """The node_modules folder holding ``packages``, or skip (fail in CI)."""
    folder = os.environ.get(MODULES_VARIABLE)
    if not folder:
        _unavailable(
            f"set {MODULES_VARIABLE} to a node_modules folder with {', '.join(packages)} "
            f"(npm install --prefix DIR {' '.join(packages)}); .ci/run does"
        )
    path = Path(str(folder))
    missing = [p for p in packages if not (path / p / "package.json").is_file()]
    if missing:
        _unavailable(f"{MODULES_VARIABLE}={path} has no {', '.join(missing)}")
    return path


def run_script(script: str, payload: Any, folder: Path, node_path: Path | None = None) -> Any:
    """Run a script with ``payload`` as JSON on standard input; its standard output, as JSON."""
    file = folder / "check.js"
    file.write_text(script, encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(folder)}
    if node_path is not None:
        env["NODE_PATH"] = str(node_path)
    result = subprocess.run(
        [node(), str(file)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
