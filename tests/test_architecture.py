"""The package's shape: one-way layers, short functions, a true docstring on every module.

Imports are read with ``ast`` from the source, at the top of a module and inside functions
alike, so that an arrow hidden in a function body is caught as surely as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "gtm_check"

# Top to bottom. A module may import from its own layer's package and from any layer below
# it; never from a layer above, nor from another package of its own layer.
LAYERS: list[set[str]] = [
    {"gtm_check.__main__"},  # python -m gtm_check
    {"gtm_check.main"},  # the entry point
    {"gtm_check.cli"},  # options in, exit code out
    {"gtm_check.pipeline", "gtm_check.authoring", "gtm_check.review"},  # a command, end to end
    {"gtm_check.report", "gtm_check.load"},  # formats (pure) and files to models
    {"gtm_check.scoring"},  # pure rules
    {"gtm_check.model", "gtm_check"},  # input models, result types, words, problems
]

# Where deferring an import is worth it, each with the figure in a comment beside it.
DEFERRED_IMPORTS_ALLOWED = {"gtm_check.main"}

LONG_FUNCTION = 50


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def group_of(module: str) -> str:
    """The layer group a module belongs to: the longest listed prefix."""
    candidates = [g for layer in LAYERS for g in layer if module == g or module.startswith(g + ".")]
    return max(candidates, key=len)


def layer_of(module: str) -> int:
    group = group_of(module)
    return next(i for i, layer in enumerate(LAYERS) if group in layer)


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(module imported, line, whether inside a function) for every gtm_check import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside |= {id(n) for n in ast.walk(node)} - {id(node)}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            # `from gtm_check.x import y` may import the module gtm_check.x.y.
            names += [
                f"{node.module}.{a.name}"
                for a in node.names
                if f"{node.module}.{a.name}" in MODULES
            ]
        found += [
            (n, node.lineno, id(node) in inside) for n in names if n.split(".")[0] == "gtm_check"
        ]
    return found


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        assert group_of(module), module


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_layers(module: str) -> None:
    here = layer_of(module)
    for imported, line, _ in imports(MODULES[module]):
        if imported == "gtm_check":
            continue  # the package's face: __version__ only
        there = layer_of(imported)
        where = f"{MODULES[module].relative_to(ROOT)}:{line} imports {imported}"
        assert there >= here, f"{where}, a layer above"
        if there == here:
            assert group_of(imported) == group_of(module), f"{where}, a peer of its layer"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_are_at_the_top_of_the_module(module: str) -> None:
    deferred = [line for _, line, inside in imports(MODULES[module]) if inside]
    if module not in DEFERRED_IMPORTS_ALLOWED:
        assert deferred == [], f"{module} imports inside a function at lines {deferred}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_says_what_it_owns_in_one_line(module: str) -> None:
    docstring = ast.get_docstring(ast.parse(MODULES[module].read_text(encoding="utf-8")))
    assert docstring, f"{module} has no docstring"
    first = docstring.splitlines()[0]
    assert first.endswith((".", ")", ":")) and len(first) <= 100, first


@pytest.mark.parametrize("module", sorted(MODULES))
def test_long_functions_say_why(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > LONG_FUNCTION:
                docstring = ast.get_docstring(node) or ""
                assert "Long because" in docstring, (
                    f"{module}.{node.name} is {length} lines; split it or say why in its "
                    "docstring ('Long because ...')"
                )


def test_the_layer_test_catches_a_backward_import(tmp_path: Path) -> None:
    # The test above must be able to fail: a model module importing the CLI is caught.
    bad = tmp_path / "bad.py"
    bad.write_text('"""Bad."""\nfrom gtm_check.cli.app import app\n', encoding="utf-8")
    ((imported, line, inside),) = imports(bad)
    assert (imported, line, inside) == ("gtm_check.cli.app", 2, False)
    assert layer_of(imported) < layer_of("gtm_check.model.inputs")
