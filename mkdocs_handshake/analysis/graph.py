"""The dependency graph between work packets.

Edges point from a dependency to its dependent (``A -> B`` means B depends on
A, i.e. A blocks B), which is the direction work flows and the direction the
DAG page draws. Both "Depends on" in B and "Blocks" in A produce the edge;
the edge remembers which packets said so, for DEP-004.

A reference names a packet by its file name or by the id it declares
(:func:`~mkdocs_handshake.model.ids.packet_aliases`); nodes are always the
packet's file id, so both spellings meet in one node.

A reference means the work, not one file of it: ``WP-1-X`` or a superseded
``WP-1-X-v2`` stands for the family's live revision
(:func:`~mkdocs_handshake.protocol.revisions.live_revision`: registry,
then board, then ``-vN`` order), so the blocker a dependent waits for, the
two ends DEP-004 compares and the DAG's arrows all meet at the packet that
is worked on now. What a superseded packet says is read as written: it
is history, and moves no live work. A revision that names its own family
(a ``-v3`` listing the ``-v2`` it replaces) states lineage, not a
dependency, and adds no edge. Each edge keeps the names as written
(``written``), so a message can say which packet the reference was read
as.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..model.basics import Lifecycle
from ..model.ids import packet_aliases, variant_of
from ..model.governance import GovernanceModel
from ..model.packet import Packet
from ..protocol.revisions import families, live_revision

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
    resolve = _resolver(model, aliases)
    for packet in model.packets:
        # A superseded packet's statements are history: they name what
        # was true then, among the files of then, and move no live work.
        read = resolve if packet.lifecycle is not Lifecycle.SUPERSEDED else (lambda name: aliases.get(name, name))
        for ref in packet.depends_on:
            if not _lineage(aliases.get(ref.wp, ref.wp), packet.id):
                _add_edge(graph, read(ref.wp), packet.id, said_by=packet.id, loc=ref.loc, how="depends_on", written=ref.wp)
        for ref in packet.blocks:
            if not _lineage(aliases.get(ref.wp, ref.wp), packet.id):
                _add_edge(graph, packet.id, read(ref.wp), said_by=packet.id, loc=ref.loc, how="blocks", written=ref.wp)
    return graph


def _resolver(model: GovernanceModel, aliases: dict[str, str]) -> Callable[[str], str]:
    """Name as written -> graph node: the live revision of the packet it
    names, or of the family a bare base id names; an unknown name is its
    own (missing) node. Resolutions are remembered, so a build resolves
    each name once whatever the number of references."""
    by_id: dict[str, Packet] = {packet.id: packet for packet in model.packets}
    index = families(model.packets)
    known: dict[str, str] = {}

    def resolve(name: str) -> str:
        if name in known:
            return known[name]
        target = aliases.get(name, name)
        packet = by_id.get(target)
        if packet is None and variant_of(target)[0] == target and index.get(target):
            # a bare base id whose packets all carry -vN: the family's work
            packet = index[target][-1]
        node = live_revision(model, packet, index).id if packet is not None else target
        known[name] = node
        return node

    return resolve


def _lineage(named: str, packet: str) -> bool:
    """True for a reference to another revision of the packet's own family
    (a packet naming itself is a real self-cycle, DEP-002's)."""
    return named != packet and variant_of(named)[0] == variant_of(packet)[0]


def _add_edge(graph: nx.DiGraph, source: str, target: str, *, said_by: str, loc: object, how: str, written: str) -> None:
    for node in (source, target):
        if node not in graph:
            graph.add_node(node, missing=True)
    if graph.has_edge(source, target):
        graph.edges[source, target]["said"].append((said_by, how, loc))
        graph.edges[source, target]["written"].append(written)
    else:
        graph.add_edge(source, target, said=[(said_by, how, loc)], written=[written])
