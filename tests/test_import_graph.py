"""The package's modules import one way: no module, through any chain of
imports (at module top or inside a function), imports itself again.

A circle forces imports into function bodies and makes the order in which
modules are first imported matter; render/site.py once was both the page
orchestrator and the helper library every page module imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import mkdocs_handshake

PACKAGE = Path(mkdocs_handshake.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(name: str, source: str, known: set[str], *, is_package: bool = False) -> set[str]:
    """Every module of the package that module ``name`` imports, anywhere in ``source``."""
    package = name if is_package else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            for alias in node.names:
                # ``from . import x`` names a submodule; ``from .m import f`` a module.
                if f"{target}.{alias.name}" in known:
                    found.add(f"{target}.{alias.name}")
                elif target in known:
                    found.add(target)
    found.discard(name)
    return found


def import_graph() -> nx.DiGraph:
    files = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(path) for path in files}
    graph = nx.DiGraph()
    graph.add_nodes_from(known)
    for path in files:
        source = path.read_text(encoding="utf-8")
        for target in imported_modules(module_name(path), source, known, is_package=path.name == "__init__.py"):
            graph.add_edge(module_name(path), target)
    return graph


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert graph.number_of_edges() > 50
    assert sorted(nx.simple_cycles(graph)) == []


def test_render_site_orchestrates_and_the_page_modules_do_not_import_it() -> None:
    graph = import_graph()
    assert {"mkdocs_handshake.render.packet_page", "mkdocs_handshake.render.common"} <= set(graph.successors("mkdocs_handshake.render.site"))
    assert sorted(graph.predecessors("mkdocs_handshake.render.site")) == [
        "mkdocs_handshake.pipeline",
        "mkdocs_handshake.plugin",
    ]


def test_a_function_level_import_counts() -> None:
    """The cycle test can fail: an import inside a function is an edge."""
    known = {"mkdocs_handshake.render.a", "mkdocs_handshake.render.b", "mkdocs_handshake.model"}
    a = imported_modules("mkdocs_handshake.render.a", "from .b import f\nfrom ..model import Loc\n", known)
    b = imported_modules("mkdocs_handshake.render.b", "def f():\n    from . import a\n", known)
    assert a == {"mkdocs_handshake.render.b", "mkdocs_handshake.model"}
    assert b == {"mkdocs_handshake.render.a"}
