"""The package's shape: one-way layers, short functions, a true docstring on every module.

Imports are read with ``ast`` from the source, at the top of a module and inside functions
alike, relative ones resolved, so that an arrow hidden in a function body or behind a ``..``
is caught as surely as one at the top. Loading a module by name (``importlib``,
``__import__``, ``exec``) would hide an arrow from this reading: only the renderer registry
may, and only from the report package (tests/report/test_registry.py checks that it loads
exactly the modules it lists). ``test_each_planted_edge_is_caught`` proves that the check
can fail: it plants each kind of forbidden edge in a copy of the package.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gtm_check.report import registry
from tests.conftest import ROOT

PACKAGE = ROOT / "gtm_check"

# Top to bottom. A module may import from its own layer's group and from any layer below
# it; never from a layer above, nor from another group of its own layer. A group is a
# package (a folder: the group holds its modules) or a module; every module of gtm_check
# belongs to exactly one group, and a new package belongs to none until it is placed here.
LAYERS: list[set[str]] = [
    {"gtm_check.__main__"},  # python -m gtm_check
    {"gtm_check.main"},  # the entry point
    {"gtm_check.cli"},  # options in, exit code out
    {"gtm_check.pipeline", "gtm_check.authoring", "gtm_check.review"},  # a command, end to end
    {"gtm_check.report", "gtm_check.load"},  # formats (pure) and files to models
    {"gtm_check.scoring"},  # pure rules
    {"gtm_check.model"},  # input models, result types, words, problems
    {"gtm_check"},  # the package's face: __version__ (its own module only)
]

# Where deferring an import is worth it, each with the figure in a comment beside it.
DEFERRED_IMPORTS_ALLOWED = {"gtm_check.main"}

# The one module that loads modules by name, and the package it may load them from.
DYNAMIC_IMPORTS_ALLOWED = {"gtm_check.report.registry": "gtm_check.report."}
LOADER_OF_THE_REGISTRY = {"importlib.import_module", "import_module"}
"""What the registry may use: ``from importlib import import_module``, and the name."""

LONG_FUNCTION = 50

# What loads a module by name, or reaches the functions that do.
LOADERS = {"importlib", "builtins", "__builtin__", "runpy", "pkgutil", "imp", "zipimport"}
HARMLESS_IMPORTLIB = {"resources", "metadata"}  # files and versions, never code
LOADING_NAMES = {"__import__", "__builtins__", "exec", "eval", "import_module"}
LOADING_ATTRIBUTES = {"__import__", "import_module", "load_module", "exec_module", "reload"}


_NODES: dict[str, list[tuple[ast.AST, bool]]] = {}
"""Each source text's nodes, by the text."""


@dataclass(frozen=True)
class Import:
    module: str
    line: int
    deferred: bool
    """Inside a function: imported when the function runs, not with the module."""


class Package:
    """The modules under one ``gtm_check`` folder (the real one, or a test's copy)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.paths = {self.module_name(p): p for p in sorted(folder.rglob("*.py"))}

    def module_name(self, path: Path) -> str:
        parts = path.relative_to(self.folder.parent).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    def is_package(self, module: str) -> bool:
        return self.paths[module].name == "__init__.py"

    def where(self, module: str, line: int) -> str:
        return f"{self.paths[module].relative_to(self.folder.parent)}:{line}"

    def tree(self, module: str) -> ast.Module:
        return ast.parse(self.paths[module].read_text(encoding="utf-8"))

    def nodes(self, module: str) -> list[tuple[ast.AST, bool]]:
        """Every node of the module, and whether it sits inside a function."""
        text = self.paths[module].read_text(encoding="utf-8")
        if text not in _NODES:  # a copy of the package parses only what was planted in it
            _NODES[text] = list(_walk(ast.parse(text)))
        return _NODES[text]

    def imports(self, module: str) -> list[Import]:
        """Every gtm_check module ``module`` imports, relative imports resolved."""
        found = []
        for node, deferred in self.nodes(module):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = self._absolute(node, module)
                # `from gtm_check.x import y` may import the module gtm_check.x.y.
                submodules = [f"{base}.{a.name}" for a in node.names]
                names = [base, *(n for n in submodules if n in self.paths)]
            else:
                continue
            found += [
                Import(n, node.lineno, deferred) for n in names if n.split(".")[0] == "gtm_check"
            ]
        return found

    def _absolute(self, node: ast.ImportFrom, module: str) -> str:
        if node.level == 0:
            return node.module or ""
        package = module.split(".") if self.is_package(module) else module.split(".")[:-1]
        base = package[: len(package) - (node.level - 1)]
        return ".".join([*base, node.module] if node.module else base)


def _walk(node: ast.AST, deferred: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node, and whether it sits inside a function."""
    yield node, deferred
    inside = deferred or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
    for child in ast.iter_child_nodes(node):
        yield from _walk(child, inside)


def group_of(module: str) -> str | None:
    """The group a module belongs to: itself, or the package (not the face) holding it."""
    for layer in LAYERS:
        for group in layer:
            if module == group or (group != "gtm_check" and module.startswith(group + ".")):
                return group
    return None


def layer_of(module: str) -> int:
    group = group_of(module)
    return next(i for i, layer in enumerate(LAYERS) if group in layer)


# --- the checks: each returns what it found wrong, one line each ------------------------------


def unplaced(package: Package) -> list[str]:
    """Modules in no layer, and layers naming a group that does not exist."""
    problems = [
        f"{m} is in no layer (add its group to LAYERS)" for m in package.paths if not group_of(m)
    ]
    groups = {g for layer in LAYERS for g in layer}
    problems += [f"LAYERS names {g}, which does not exist" for g in groups - set(package.paths)]
    return problems


def wrong_arrows(package: Package) -> list[str]:
    """Imports of a layer above, of another group of the same layer, or of no module."""
    problems = []
    for module in package.paths:
        if not group_of(module):
            continue  # reported by unplaced
        for imported in package.imports(module):
            where = f"{package.where(module, imported.line)} imports {imported.module}"
            if imported.module not in package.paths:
                problems.append(f"{where}, which is not a module of the package")
            elif not group_of(imported.module):
                continue  # reported by unplaced
            elif layer_of(imported.module) < layer_of(module):
                problems.append(f"{where}, a layer above")
            elif layer_of(imported.module) == layer_of(module) and group_of(
                imported.module
            ) != group_of(module):
                problems.append(f"{where}, a peer of its layer")
    return problems


def deferred_imports(package: Package) -> list[str]:
    return [
        f"{package.where(module, i.line)} imports {i.module} inside a function"
        for module in package.paths
        if module not in DEFERRED_IMPORTS_ALLOWED
        for i in package.imports(module)
        if i.deferred
    ]


def dynamic_imports(package: Package) -> list[str]:
    """Loading a module by name anywhere but in the registry (where ``registry_calls``
    checks what each call may load)."""
    problems = []
    for module in package.paths:
        for node, _ in package.nodes(module):
            why = _loads_by_name(node)
            if why is None:
                continue
            if module in DYNAMIC_IMPORTS_ALLOWED and why in LOADER_OF_THE_REGISTRY:
                continue
            problems.append(f"{package.where(module, getattr(node, 'lineno', 1))}: {why}")
    return problems


def _loads_by_name(node: ast.AST) -> str | None:
    """What in ``node`` can load a module by name, if anything."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            top, _, rest = alias.name.partition(".")
            harmless = top == "importlib" and alias.asname and rest in HARMLESS_IMPORTLIB
            if top in LOADERS and not harmless:
                return f"import {alias.name}"
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        top, _, rest = node.module.partition(".")
        if top == "importlib" and not rest:
            loading = [a.name for a in node.names if a.name not in HARMLESS_IMPORTLIB]
            return f"importlib.{loading[0]}" if loading else None
        if top in LOADERS and not (top == "importlib" and rest.split(".")[0] in HARMLESS_IMPORTLIB):
            return f"from {node.module} import"
    if isinstance(node, ast.Name) and node.id in LOADING_NAMES:
        return node.id
    if isinstance(node, ast.Attribute) and node.attr in LOADING_ATTRIBUTES:
        return f".{node.attr}"
    if isinstance(node, ast.Constant) and node.value in LOADING_NAMES | LOADERS:
        return f"the name {node.value!r}"
    return None


def registry_calls(package: Package) -> list[str]:
    """In the registry, each call of ``import_module`` names a module under its package."""
    problems = []
    for module, prefix in DYNAMIC_IMPORTS_ALLOWED.items():
        for node, _ in package.nodes(module):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "import_module"
            ):
                first = node.args[0] if node.args else None
                head = first.values[0] if isinstance(first, ast.JoinedStr) else first
                if not (isinstance(head, ast.Constant) and str(head.value).startswith(prefix)):
                    problems.append(
                        f"{package.where(module, node.lineno)}: loads outside {prefix}*"
                    )
    return problems


def registry_listing(package: Package) -> list[str]:
    """Every module the registry lists is a module of the report package."""
    return [
        f"the registry lists gtm_check.report.{entry.module}, which does not exist"
        for entry in registry.RENDERERS.values()
        if f"gtm_check.report.{entry.module}" not in package.paths
    ]


CHECKS: list[Callable[[Package], list[str]]] = [
    unplaced,
    wrong_arrows,
    deferred_imports,
    dynamic_imports,
    registry_calls,
    registry_listing,
]


def violations(folder: Path) -> list[str]:
    package = Package(folder)
    return [problem for check in CHECKS for problem in check(package)]


# --- the package as it is ---------------------------------------------------------------------

PACKAGE_MODULES = Package(PACKAGE)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_the_package_keeps_its_shape(check: Callable[[Package], list[str]]) -> None:
    assert check(PACKAGE_MODULES) == []


def test_the_readme_layer_table_names_every_group() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| layer | folder | what it owns |", 1)[1].split("\n\n", 1)[0]
    for group in {g for layer in LAYERS for g in layer}:
        path = group.replace(".", "/")
        named = f"`{path}/`" if PACKAGE_MODULES.is_package(group) else f"`{path}.py`"
        if group == "gtm_check":
            named = "`gtm_check/__init__.py`"
        assert named in table, f"the README's layer table does not name {named}"


@pytest.mark.parametrize("module", sorted(PACKAGE_MODULES.paths))
def test_every_module_says_what_it_owns_in_one_line(module: str) -> None:
    docstring = ast.get_docstring(PACKAGE_MODULES.tree(module))
    assert docstring, f"{module} has no docstring"
    first = docstring.splitlines()[0]
    assert first.endswith((".", ")", ":")) and len(first) <= 100, first


@pytest.mark.parametrize("module", sorted(PACKAGE_MODULES.paths))
def test_long_functions_say_why(module: str) -> None:
    for node in ast.walk(PACKAGE_MODULES.tree(module)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > LONG_FUNCTION:
                docstring = ast.get_docstring(node) or ""
                assert "Long because" in docstring, (
                    f"{module}.{node.name} is {length} lines; split it or say why in its "
                    "docstring ('Long because ...')"
                )


# --- the check can fail: each forbidden edge, planted in a copy of the package -----------------

PLANTS: dict[str, tuple[str, str, str]] = {
    # name: (file, text appended to it (or a new file's text), what the check must say)
    "upward import": ("scoring/score.py", "from gtm_check.cli.app import app\n", "a layer above"),
    "upward import, aliased": (
        "model/inputs.py",
        "import gtm_check.review.trend as t\n",
        "a layer above",
    ),
    "upward import of a package": ("load/files.py", "from gtm_check import cli\n", "a layer above"),
    "peer import": (
        "pipeline/__init__.py",
        "from gtm_check.review.owners import owners\n",
        "a peer of its layer",
    ),
    "peer import, relative": (
        "report/json.py",
        "from ..load import files\n",
        "a peer of its layer",
    ),
    "relative upward import": (
        "scoring/score.py",
        "from ..report import shared\n",
        "a layer above",
    ),
    "relative upward import of a package": (
        "scoring/__init__.py",
        "from .. import pipeline\n",
        "a layer above",
    ),
    "relative upward import, two levels": (
        "model/inputs.py",
        "from ..cli.app import app\n",
        "a layer above",
    ),
    "import of no module": (
        "scoring/score.py",
        "from gtm_check.nowhere import x\n",
        "not a module",
    ),
    "import inside a function": (
        "scoring/score.py",
        "def later():\n    from gtm_check.model import inputs\n",
        "inside a function",
    ),
    "import inside a method": (
        "load/files.py",
        "class Later:\n    def now(self):\n        import gtm_check.model.inputs\n",
        "inside a function",
    ),
    "importlib": (
        "scoring/score.py",
        "import importlib\nimportlib.import_module('gtm_check.cli')\n",
        "import importlib",
    ),
    "importlib under another name": (
        "scoring/score.py",
        "import importlib as loader\n",
        "import importlib",
    ),
    "import_module under another name": (
        "model/inputs.py",
        "from importlib import import_module as load\n",
        "importlib.import_module",
    ),
    "importlib.util": ("scoring/score.py", "import importlib.util as u\n", "import importlib.util"),
    "importlib submodule binding importlib": (
        "load/files.py",
        "import importlib.resources\n",
        "import importlib.resources",
    ),
    "__import__": ("scoring/score.py", "__import__('gtm_check.cli')\n", "__import__"),
    "__import__ via builtins": (
        "scoring/score.py",
        "import builtins\nbuiltins.__import__('gtm_check.cli')\n",
        "import builtins",
    ),
    "__import__ via getattr": (
        "scoring/score.py",
        "getattr(__builtins__, '__import__')('x')\n",
        "__builtins__",
    ),
    "__import__ via a string": (
        "scoring/score.py",
        "load = vars(dict)['__import__']\n",
        "'__import__'",
    ),
    "exec": ("scoring/score.py", "exec('import gtm_check.cli')\n", "exec"),
    "the registry loading outside report": (
        "report/registry.py",
        "import_module('gtm_check.cli.app')\n",
        "loads outside gtm_check.report.",
    ),
    "the registry loading through a variable": (
        "report/registry.py",
        "NAME = 'gtm_check.cli'\nimport_module(NAME)\n",
        "loads outside gtm_check.report.",
    ),
    "a module in no layer": ("extra.py", '"""Extra."""\n', "gtm_check.extra is in no layer"),
    "a package in no layer": (
        "plugins/__init__.py",
        '"""Plugins."""\n',
        "gtm_check.plugins is in no layer",
    ),
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("pristine") / "gtm_check"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert violations(copy) == []
    return copy


@pytest.mark.parametrize("plant", PLANTS, ids=str)
def test_each_planted_edge_is_caught(plant: str, pristine: Path, tmp_path: Path) -> None:
    file, text, message = PLANTS[plant]
    copy = tmp_path / "gtm_check"
    shutil.copytree(pristine, copy)
    target = copy / file
    target.parent.mkdir(exist_ok=True)
    existing = target.read_text(encoding="utf-8") if target.exists() else ""
    target.write_text(existing + text, encoding="utf-8")
    found = violations(copy)
    assert any(message in problem for problem in found), (plant, found)
    assert all(re.match(r"(gtm_check[/.]|LAYERS|the registry)", p) for p in found), found
