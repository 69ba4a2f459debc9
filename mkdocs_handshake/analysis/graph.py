"""The dependency graph between work packets.

Edges point from a dependency to its dependent (``A -> B`` means B depends on
A, i.e. A blocks B), which is the direction work flows and the direction the
DAG page draws. Both "Depends on" in B and "Blocks" in A produce the edge;
the edge remembers which packets said so, for DEP-004.

A reference names a packet by its file name or by the id it declares
(:func:`~mkdocs_handshake.model.ids.packet_aliases`); nodes are always the
packet's file id, so both spellings meet in one node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.ids import packet_aliases
from ..model.governance import GovernanceModel

# networkx is imported inside the functions that use it: importing it takes
# about 85 ms, and a build whose findings and pages come from the cache
# never needs it.
if TYPE_CHECKING:
    import networkx as nx


def prepare() -> None:
    """Import networkx now, for a process that would otherwise only wait
    (the loader's, while its child parses the spec): the first graph then
    does not pay the import."""
    import networkx  # noqa: F401


def dependency_graph(model: GovernanceModel) -> nx.DiGraph:
    import networkx as nx

    graph: nx.DiGraph = nx.DiGraph()
    for packet in model.packets:
        if packet.id not in graph:
            graph.add_node(packet.id, missing=False)
    aliases = packet_aliases(model.packets)
    for packet in model.packets:
        for ref in packet.depends_on:
            _add_edge(graph, aliases.get(ref.wp, ref.wp), packet.id, said_by=packet.id, loc=ref.loc, how="depends_on")
        for ref in packet.blocks:
            _add_edge(graph, packet.id, aliases.get(ref.wp, ref.wp), said_by=packet.id, loc=ref.loc, how="blocks")
    return graph


def _add_edge(graph: nx.DiGraph, source: str, target: str, *, said_by: str, loc: object, how: str) -> None:
    for node in (source, target):
        if node not in graph:
            graph.add_node(node, missing=True)
    if graph.has_edge(source, target):
        graph.edges[source, target]["said"].append((said_by, how, loc))
    else:
        graph.add_edge(source, target, said=[(said_by, how, loc)])
