"""The package's modules import one way: no module, through any chain of
imports (at module top or inside a function), imports itself again, and no
top-level part imports a part above it in the table of
``mkdocs_handshake/ARCHITECTURE.md``.

A circle forces imports into function bodies and makes the order in which
modules are first imported matter; render/site.py once was both the page
orchestrator and the helper library every page module imported. The
written directions say more: which stage may know which, so that the
folders show the pipeline.
"""

from __future__ import annotations

import ast
import re
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


ARCHITECTURE = PACKAGE / "ARCHITECTURE.md"

#: A module longer than this holds more than one job (issue 23).
MAX_LINES = 600


def written_layers(text: str) -> list[dict[str, frozenset[str]]]:
    """The table between ``<!-- layers`` and ``<!-- /layers -->``, lowest
    row first: each row maps a part to the top-level names it holds. A row
    ``label: a b c`` is one part of loose modules; any other row names
    folders, each its own part."""
    block = re.search(r"<!-- layers[^>]*-->\s*```\n(.*?)```\s*<!-- /layers -->", text, re.DOTALL)
    assert block, "ARCHITECTURE.md has no layers table"
    rows: list[dict[str, frozenset[str]]] = []
    for line in block.group(1).splitlines():
        if not line.strip():
            continue
        label, colon, names = line.partition(":")
        if colon:
            rows.append({label.strip(): frozenset(names.split())})
        else:
            rows.append({name: frozenset({name}) for name in line.split()})
    return rows[::-1]


def part_ranks(rows: list[dict[str, frozenset[str]]]) -> dict[str, tuple[str, int]]:
    """Top-level name (folder or loose module) -> (its part, its row)."""
    ranks: dict[str, tuple[str, int]] = {}
    for rank, row in enumerate(rows):
        for part, names in row.items():
            for name in names:
                ranks[name] = (part, rank)
    return ranks


def top_level(module: str) -> str:
    """``mkdocs_handshake.load.link`` -> ``load``; the package itself -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def upward_imports(graph: nx.DiGraph, ranks: dict[str, tuple[str, int]]) -> list[str]:
    """Every import from a part into a part of the same or a higher row."""
    wrong: list[str] = []
    for source, target in sorted(graph.edges):
        if not top_level(source) or not top_level(target):
            continue
        (source_part, source_rank), (target_part, target_rank) = ranks[top_level(source)], ranks[top_level(target)]
        if source_part != target_part and source_rank <= target_rank:
            wrong.append(f"{source} (part {source_part}, row {source_rank}) imports {target} (part {target_part}, row {target_rank})")
    return wrong


def top_level_names() -> set[str]:
    """The package's folders (with an ``__init__.py``) and loose modules."""
    folders = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    modules = {path.stem for path in PACKAGE.glob("*.py") if path.name != "__init__.py"}
    return folders | modules


def test_every_folder_and_loose_module_has_a_row() -> None:
    ranks = part_ranks(written_layers(ARCHITECTURE.read_text(encoding="utf-8")))
    assert sorted(top_level_names() - set(ranks)) == []
    assert sorted(set(ranks) - top_level_names()) == []


def test_no_part_imports_a_part_above_it() -> None:
    ranks = part_ranks(written_layers(ARCHITECTURE.read_text(encoding="utf-8")))
    assert upward_imports(import_graph(), ranks) == []


def test_no_part_imports_another_through_a_circle() -> None:
    """Follows from the rows, checked on its own: the top-level parts'
    graph has no cycle."""
    parts = nx.DiGraph((top_level(a), top_level(b)) for a, b in import_graph().edges if top_level(a) and top_level(b) and top_level(a) != top_level(b))
    ranks = part_ranks(written_layers(ARCHITECTURE.read_text(encoding="utf-8")))
    merged = nx.relabel_nodes(parts, {name: ranks[name][0] for name in parts.nodes})
    assert sorted(nx.simple_cycles(nx.DiGraph(e for e in merged.edges if e[0] != e[1]))) == []


def test_no_module_is_longer_than_six_hundred_lines() -> None:
    long = {path.relative_to(PACKAGE).as_posix(): n for path in PACKAGE.rglob("*.py") if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_direction_check_can_fail() -> None:
    rows = written_layers("<!-- layers: highest first -->\n```\nfront: cli\nrules render\nmodel\n```\n<!-- /layers -->\n")
    ranks = part_ranks(rows)
    graph = nx.DiGraph([
        ("mkdocs_handshake.cli", "mkdocs_handshake.rules.engine"),
        ("mkdocs_handshake.rules.engine", "mkdocs_handshake.model.basics"),
        ("mkdocs_handshake.rules.engine", "mkdocs_handshake.rules.base"),
        ("mkdocs_handshake.model.basics", "mkdocs_handshake.rules.base"),
        ("mkdocs_handshake.render.site", "mkdocs_handshake.rules.engine"),
    ])
    assert upward_imports(graph, ranks) == [
        "mkdocs_handshake.model.basics (part model, row 0) imports mkdocs_handshake.rules.base (part rules, row 1)",
        "mkdocs_handshake.render.site (part render, row 1) imports mkdocs_handshake.rules.engine (part rules, row 1)",
    ]


def test_at_most_eight_loose_modules() -> None:
    loose = sorted(path.name for path in PACKAGE.glob("*.py") if path.name not in ("__init__.py", "__main__.py"))
    assert len(loose) <= 8, loose


def test_every_folder_says_what_it_may_import() -> None:
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import:" in doc and "Must not import:" in doc, init.parent.name
