"""The dependency graph as the DAG page needs it: cycles, variants, parts.

Plain data shared by the drawing (:mod:`.dag_dot`) and the list of layers
shown without one (:mod:`.dag`): one named cycle per strongly connected
component, the variant groups, the transitive reduction kept for display,
and the sub-graphs a large graph is drawn in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from ..model.ids import variant_base
from .common import wp_key
from .context import RenderContext

# networkx is imported where it is used (see mkdocs_handshake/graph.py).
if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class DagData:
    graph: nx.DiGraph  # full dependency graph
    cycles: tuple[tuple[str, ...], ...]  # one named cycle per strongly connected component
    cycle_of: Mapping[tuple[str, str], int]  # edge -> 1-based cycle number
    groups: Mapping[str, tuple[str, ...]]  # variant base -> members (>= 2), e.g. WP-1-X, WP-1-X-v2
    #: ``cached(kind, name, source, compute)`` of the render context: the
    #: reduction is kept between builds under the graph's edges.
    cached: Callable[..., object] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def shown(self) -> frozenset[tuple[str, str]]:
        """Edges kept after transitive reduction, computed only for a
        drawing: the reduction costs nodes x edges, which for a graph too
        large to draw was most of the page's time."""
        if self.cached is None:
            return reduced_edges(self.graph)
        edges = repr(sorted(self.graph.edges))
        return self.cached("dag_reduction", "shown", edges, lambda: reduced_edges(self.graph))  # type: ignore[return-value]


def _cycles(graph: nx.DiGraph) -> tuple[tuple[str, ...], ...]:
    """One cycle per non-trivial strongly connected component (and self-loops),
    starting at its smallest id so the name is stable."""
    import networkx as nx

    found: list[tuple[str, ...]] = []
    for component in nx.strongly_connected_components(graph):
        members = sorted(component, key=wp_key)
        if len(members) == 1 and not graph.has_edge(members[0], members[0]):
            continue
        start = members[0]
        sub = graph.subgraph(component)
        if len(members) == 1:
            found.append((start, start))
            continue
        found.append(tuple(_cycle_through(sub, start)))
    return tuple(sorted(found, key=lambda cycle: wp_key(cycle[0])))


def _cycle_through(sub: nx.DiGraph, start: str) -> list[str]:
    """The shortest cycle through ``start``, visiting successors in id order."""
    import networkx as nx

    best: list[str] | None = None
    for successor in sorted(sub.successors(start), key=wp_key):
        if successor == start:
            return [start, start]
        path = nx.shortest_path(sub, successor, start)
        if best is None or len(path) + 1 < len(best):
            best = [start, *path]
    return best or [start, start]


def reduced_edges(graph: nx.DiGraph) -> frozenset[tuple[str, str]]:
    """Transitive reduction for display; edges within a cycle are all kept.
    The packet DAG and each packet's micro-task DAG are shown through it."""
    import networkx as nx

    condensed = nx.condensation(graph)
    mapping: Mapping[str, int] = condensed.graph["mapping"]
    reduced = nx.transitive_reduction(condensed)
    kept: set[tuple[str, str]] = set()
    for source, target in graph.edges:
        a, b = mapping[source], mapping[target]
        if a == b or reduced.has_edge(a, b):
            kept.add((source, target))
    return frozenset(kept)


def variant_groups(ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Packets that are variants of one another (``WP-1-X``, ``WP-1-X-v2``)."""
    by_base: dict[str, list[str]] = {}
    for wp in ids:
        by_base.setdefault(variant_base(wp), []).append(wp)
    return {base: tuple(sorted(members, key=wp_key)) for base, members in by_base.items() if len(members) > 1}


def prepare(ctx: RenderContext) -> DagData:
    graph = ctx.graph
    cycles = _cycles(graph)
    cycle_of: dict[tuple[str, str], int] = {}
    for number, cycle in enumerate(cycles, start=1):
        for source, target in zip(cycle, cycle[1:]):
            cycle_of[(source, target)] = number
    return DagData(graph, cycles, cycle_of, variant_groups(graph.nodes), ctx.cached)


def split_parts(ctx: RenderContext, data: DagData) -> list[tuple[str, list[str]]]:
    """The sub-graphs to draw: the whole graph, or past ``dag_max_nodes`` one per
    weakly connected component (variants count as connected), with all
    packets that have no dependency at all drawn together last."""
    import networkx as nx

    nodes = sorted(data.graph.nodes, key=wp_key)
    limit = int(ctx.options.get("dag_max_nodes", 60) or 60)  # type: ignore[call-overload]
    if len(nodes) <= limit:
        return [("All packets", nodes)]
    linked = nx.Graph()
    linked.add_nodes_from(nodes)
    linked.add_edges_from(data.graph.edges)
    for members in data.groups.values():
        linked.add_edges_from(zip(members, members[1:]))
    components = [sorted(c, key=wp_key) for c in nx.connected_components(linked)]
    connected = sorted((c for c in components if len(c) > 1), key=lambda c: wp_key(c[0]))
    lonely = sorted((c[0] for c in components if len(c) == 1), key=wp_key)
    parts = [(f"Group {index}: {c[0]} and {len(c) - 1} more", c) for index, c in enumerate(connected, start=1)]
    for start in range(0, len(lonely), limit):
        chunk = lonely[start : start + limit]
        parts.append((f"Packets without dependencies ({chunk[0]} … {chunk[-1]})", chunk))
    return parts
