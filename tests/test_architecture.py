"""The architecture as a contract: the package's imports go down the layers only, with no circle.

    cli -> web -> publish -> sparql -> graph -> settings/errors

Every import statement of every module counts, those inside functions and under ``TYPE_CHECKING``
too (a deferred import is still a dependency). ``graph/``, ``sparql/`` and ``publish/`` know no web
framework: they import nothing from FastAPI, Starlette, Jinja or uvicorn.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from server.settings import PROJECT_ROOT

PACKAGE = "server"
# Lowest first; a module may import from its own layer and from the layers below it.
LAYERS = ("base", "graph", "sparql", "publish", "web", "cli")
FRAMEWORKS = ("fastapi", "starlette", "jinja2", "uvicorn")
FRAMEWORK_FREE = ("graph", "sparql", "publish")


def layer(module: str) -> str:
    """``server.sparql.engine`` -> ``sparql``; ``server.settings``, ``server.errors`` and ``server`` ->
    ``base``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "base"


def modules(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file under ``root/package``."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported_names(module: str, path: Path) -> set[str]:
    """Every module name an import statement in ``path`` names, relative imports resolved.

    ``from a.b import c`` names both ``a.b`` and ``a.b.c`` (``c`` may be a module); callers keep the
    names that are modules.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_edges(root: Path, package: str = PACKAGE) -> set[tuple[str, str]]:
    """(importer, imported) for every import between two modules of the package."""
    known = modules(root, package)
    edges = set()
    for module, path in known.items():
        for name in imported_names(module, path):
            if name in known and name != module:
                edges.add((module, name))
    return edges


def upward(edges: Iterable[tuple[str, str]], layer_of: Callable[[str], str] = layer) -> list[str]:
    return sorted(
        f"{a} ({layer_of(a)}) imports {b} ({layer_of(b)})"
        for a, b in edges
        if LAYERS.index(layer_of(a)) < LAYERS.index(layer_of(b))
    )


def circles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def cross_layer(edges: Iterable[tuple[str, str]], layer_of: Callable[[str], str] = layer) -> int:
    """How many module-to-module imports cross from one layer into another."""
    return sum(1 for a, b in edges if layer_of(a) != layer_of(b))


EDGES = import_edges(PROJECT_ROOT)


def test_the_walker_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "low").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "low" / "__init__.py").write_text("from . import leaf\n")
    (pkg / "low" / "leaf.py").write_text("def f():\n    from pkg.high import top\n")
    (pkg / "high.py").write_text("from .low.leaf import f\nimport pkg.low\n")
    (pkg / "top.py").write_text("")
    edges = import_edges(tmp_path, "pkg")
    assert edges == {
        ("pkg.low", "pkg.low.leaf"),
        ("pkg.low.leaf", "pkg.high"),
        ("pkg.high", "pkg.low.leaf"),
        ("pkg.high", "pkg.low"),
    }
    assert circles(edges) == [["pkg.high", "pkg.low", "pkg.low.leaf"]]


def test_every_module_has_a_layer() -> None:
    stray = [m for m in modules(PROJECT_ROOT) if m.count(".") >= 1 and layer(m) == "base"]
    assert stray == ["server.errors", "server.settings"], "a module outside the layer folders"


def test_imports_point_down_the_layers_only() -> None:
    assert upward(EDGES) == []


def test_no_import_circle_between_modules() -> None:
    assert circles(EDGES) == []


@pytest.mark.parametrize("folder", FRAMEWORK_FREE)
def test_the_core_imports_no_web_framework(folder: str) -> None:
    offenders = []
    for module, path in modules(PROJECT_ROOT).items():
        if layer(module) != folder:
            continue
        for name in imported_names(module, path):
            if name.split(".")[0] in FRAMEWORKS:
                offenders.append(f"{module} imports {name}")
    assert offenders == []


# Libraries a serving process needs only when asked for what they do: the reference validator (with
# rdflib's SPARQL), the spreadsheet reader and the network measures; 0.3 s of every server process's start.
ON_FIRST_NEED = ("pyshacl", "rdflib", "openpyxl", "networkx", "httpx")


@pytest.mark.process
def test_a_server_process_starts_without_the_libraries_it_loads_on_first_need() -> None:
    probe = (
        "import sys, server.web.app, server.web.serving; "
        "from server.cli.main import build_parser; build_parser(); "
        f"print(' '.join(m for m in {ON_FIRST_NEED!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == [], f"imported at start: {loaded}"
