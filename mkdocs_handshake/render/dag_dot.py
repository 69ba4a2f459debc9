"""The DOT text of the dependency DAG: nodes, edges, colours, layout hints.

The graph is written as DOT text by hand (not through ``graphviz.Digraph``'s
attribute quoting, which passes ``<...>`` through as an HTML label), with
every string escaped by :func:`.escape.dot_text`. Output is deterministic
(sorted nodes and edges, no generator comment) so two builds of the same
repository produce the same drawing. The colours are the page's legend too
(:mod:`.dag`).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..model.packet import Packet
from ..model.basics import Status
from ..model.verdicts import is_validated
from .common import shorten, status_label, wp_key
from .context import RenderContext
from .dag_graph import DagData
from .escape import dot_quoted, dot_text

PAGE = "dag.md"
TITLE_LIMIT = 48
#: The title under a node's id is wrapped to lines of this many characters
#: (two at most): narrow nodes keep a row of the grid inside the page width.
TITLE_WIDTH = 26

#: Fill colours by normalised status; the legend is generated from this table.
#: Every status has its own hue (Gap is orange, Draft purple; Ready for Dev is
#: cyan, Superseded grey), each light enough for :data:`NODE_TEXT` to keep a
#: WCAG contrast of at least 4.5:1. Fills are explicit so a node reads the
#: same on Material's light and dark (``slate``) schemes.
STATUS_FILL: Mapping[Status, str] = {
    Status.VALIDATED: "#66bb6a",
    Status.DONE: "#c5e1a5",
    Status.IN_PROGRESS: "#64b5f6",
    Status.READY_FOR_DEV: "#80deea",
    Status.BLOCKED: "#ef5350",
    Status.FAILED: "#f48fb1",
    Status.SUPERSEDED: "#bdbdbd",
    Status.GAP: "#ffb74d",
    Status.DRAFT: "#ce93d8",
    Status.UNKNOWN: "#fff176",
}
MISSING_FILL = "#ffffff"
NODE_TEXT = "#1a1a1a"
NODE_BORDER = "#37474f"
CLUSTER_COLOUR = "#8c8c8c"
BLOCKER_COLOUR = "#c62828"
CYCLE_COLOUR = "#8e24aa"
EDGE_COLOUR = "#607d8b"
#: Packets with no dependency edge are laid out in rows of this many (A..Z,
#: left to right, top to bottom) instead of one tall column. Three keeps a
#: row of two-line nodes inside Material's content width, so the SVG is not
#: scaled down to unreadable text.
GRID_COLUMNS = 3

_TITLE_PREFIX = re.compile(r"^\s*(?:task\s+packet|work\s+packet|wp)\s*[:\-–—]\s*", re.IGNORECASE)


def short_title(packet: Packet | None) -> str:
    """What the node says under the id: the packet's What, else its title."""
    if packet is None:
        return "(no packet)"
    what = packet.field("What")
    text = what.value if what is not None and what.value.strip() else packet.title
    text = _TITLE_PREFIX.sub("", text).strip()
    if text.casefold() == packet.id.casefold():
        return ""
    return shorten(text, TITLE_LIMIT)


def title_lines(title: str, width: int = TITLE_WIDTH) -> list[str]:
    """A node's title as at most two lines of about ``width`` characters,
    broken between words (a longer word is split rather than widening the
    node), ending in an ellipsis when cut."""
    if not title:
        return []
    return textwrap.wrap(title, width=width, max_lines=2, placeholder=" …", break_on_hyphens=False)


_q = dot_quoted


@dataclass(frozen=True)
class NodeState:
    """What a node shows for its packet. Node colour, node tooltip and the
    tooltips of the edges leaving it all come from this one value, so they
    cannot disagree."""

    status: Status  # the status drawn (STATUS, or VALIDATED on a PASS verdict)
    note: str  # why, when it is not simply the packet's STATUS

    @property
    def validated(self) -> bool:
        return self.status is Status.VALIDATED


def node_state(packet: Packet) -> NodeState:
    """The state of a packet, from the packet alone (never the task board).

    A dependency stops blocking once VALIDATED: by STATUS, or by a PASS
    verdict the phase gate accepts (:func:`phase_gate.is_validated`), in
    which case the node is drawn VALIDATED too and says why."""
    written = status_label(packet.status) if packet.status_raw.strip() else ""
    if packet.status is Status.VALIDATED:
        return NodeState(Status.VALIDATED, "")
    if is_validated(packet):
        basis = f"STATUS {written}" if written else "no STATUS in packet"
        return NodeState(Status.VALIDATED, f"{basis}; latest validator verdict PASS")
    if not written and packet.status is Status.UNKNOWN:
        return NodeState(Status.UNKNOWN, "no STATUS in packet")
    return NodeState(packet.status, "")


def _state(ctx: RenderContext, wp: str) -> NodeState | None:
    packet = ctx.packets_by_id.get(wp)
    return node_state(packet) if packet is not None else None


def is_done(ctx: RenderContext, wp: str) -> bool:
    """Whether packet ``wp`` exists and is drawn VALIDATED: a dependency on
    it no longer blocks."""
    state = _state(ctx, wp)
    return state is not None and state.validated


def state_text(state: NodeState) -> str:
    """A node's state in words, with why when it is not the packet's STATUS."""
    return status_label(state.status) + (f" ({state.note})" if state.note else "")


def _node_line(ctx: RenderContext, page: str, wp: str) -> str:
    packet = ctx.packets_by_id.get(wp)
    title = short_title(packet)
    lines = [wp, *title_lines(title)]
    label = "\\n".join(dot_text(line.replace("&", "&amp;")) for line in lines)
    attrs = [f'label="{label}"']
    if packet is None:
        attrs += [f'fillcolor="{MISSING_FILL}"', 'style="filled,dashed"', f"tooltip={_q(wp + ': referenced, but no packet exists')}"]
    else:
        state = node_state(packet)
        style = '"filled,dashed"' if state.status is Status.SUPERSEDED else "filled"
        full_title = " ".join((packet.title or "").split())
        attrs += [
            f'fillcolor="{STATUS_FILL.get(state.status, STATUS_FILL[Status.UNKNOWN])}"',
            f"style={style}",
            f"tooltip={_q(f'{wp} - {state_text(state)}' + (f' - {full_title}' if full_title else ''))}",
            f"URL={_q(ctx.href(page, ctx.packet_page(wp)))}",
            f"target={_q('_top')}",
        ]
    return f"  {_q(wp)} [{', '.join(attrs)}];"


def _edge_line(ctx: RenderContext, data: DagData, source: str, target: str) -> str:
    attrs: list[str] = []
    state = _state(ctx, source)
    cycle = data.cycle_of.get((source, target))
    if cycle:
        attrs += [f'color="{CYCLE_COLOUR}"', "penwidth=2.5", f'label="cycle {cycle}"', f'fontcolor="{CYCLE_COLOUR}"']
        tip = f"{source} -> {target}: part of cycle {cycle}"
    elif state is None or not state.validated:
        attrs += [f'color="{BLOCKER_COLOUR}"', "penwidth=2"]
        tip = f"{target} waits on {source}, which is not VALIDATED ({state_text(state) if state else 'no packet'})"
    else:
        attrs += [f'color="{EDGE_COLOUR}"']
        tip = f"{target} depends on {source} ({state_text(state)})"
    attrs.append(f"tooltip={_q(tip)}")
    return f"  {_q(source)} -> {_q(target)} [{', '.join(attrs)}];"


def _variant_row(data: DagData, members: Sequence[str]) -> list[str]:
    """Invisible edges that put a packet's variants side by side, oldest
    first (a row per cluster instead of a stack), except between two
    variants that a real dependency already orders."""
    lines = []
    for first, second in zip(members, members[1:]):
        if data.graph.has_edge(first, second) or data.graph.has_edge(second, first):
            continue
        lines.append(f'  {_q(first)} -> {_q(second)} [style="invis"];')
    return lines


def isolated_nodes(data: DagData, nodes: Sequence[str]) -> list[str]:
    """Nodes of ``nodes`` with no dependency edge at all and no variant
    cluster, in id order: the ones :func:`grid_lines` lays out in rows."""
    grouped = {wp for members in data.groups.values() for wp in members}
    return sorted(
        (wp for wp in nodes if data.graph.degree(wp) == 0 and wp not in grouped),
        key=wp_key,
    )


def grid_lines(nodes: Sequence[str], columns: int = GRID_COLUMNS) -> list[str]:
    """Invisible edges that lay ``nodes`` out as rows of ``columns``.

    With ``rankdir=LR`` a rank is a column: an invisible chain through a row
    puts its nodes side by side, and an invisible edge between the first
    nodes of consecutive rows inside one ``rank=same`` group stacks the rows
    top to bottom in order (without it ``dot`` stacks them bottom-up, which
    reversed the A..Z order). Invisible edges are not written to the SVG."""
    rows = [list(nodes[start : start + columns]) for start in range(0, len(nodes), columns)]
    lines = [
        "  " + " -> ".join(_q(wp) for wp in row) + ' [style="invis"];'
        for row in rows
        if len(row) > 1
    ]
    if len(rows) > 1:
        firsts = " -> ".join(_q(row[0]) for row in rows)
        lines.append(f'  {{ rank="same"; {firsts} [style="invis"]; }}')
    return lines


def build_dot(ctx: RenderContext, data: DagData, nodes: Sequence[str], name: str = "dag", *, clusters: bool = True) -> str:
    """DOT text for the sub-graph on ``nodes`` (sorted, fully escaped).
    ``clusters=False`` leaves out the dashed frames around variants."""
    page = ctx.page_path(PAGE)
    members = set(nodes)
    edges = sorted(
        ((s, t) for s, t in data.shown if s in members and t in members),
        key=lambda edge: (wp_key(edge[0]), wp_key(edge[1])),
    )
    # Ranks are columns; without arrows between them (a grid of packets
    # without dependencies) they can sit closer together.
    ranksep = 0.5 if edges else 0.2
    lines = [
        f"digraph {_q(name)} {{",
        f'  graph [rankdir="LR", bgcolor="transparent", fontname="Helvetica", fontsize=10, nodesep=0.2, ranksep={ranksep}, tooltip=" "];',
        f'  node [shape="box", style="filled", fontname="Helvetica", fontsize=10, margin="0.12,0.06", '
        f'fontcolor="{NODE_TEXT}", color="{NODE_BORDER}"];',
        f'  edge [arrowsize=0.7, fontname="Helvetica", fontsize=9, color="{EDGE_COLOUR}"];',
    ]
    grouped: set[str] = set()
    for index, base in enumerate(sorted(data.groups, key=wp_key), start=1):
        inside = [wp for wp in data.groups[base] if wp in members]
        if len(inside) < 2 or not clusters:
            continue
        lines.append(f'  subgraph "cluster_variants_{index}" {{')
        lines.append(f'    graph [label={_q(base + " and its variants")}, style="dashed", color="{CLUSTER_COLOUR}", fontcolor="{CLUSTER_COLOUR}", fontsize=9];')
        lines.extend("  " + _node_line(ctx, page, wp) for wp in inside)
        lines.extend("  " + line for line in _variant_row(data, inside))
        lines.append("  }")
        grouped.update(inside)
    lines.extend(_node_line(ctx, page, wp) for wp in nodes if wp not in grouped)
    lines.extend(_edge_line(ctx, data, source, target) for source, target in edges)
    lines.extend(grid_lines(isolated_nodes(data, nodes)))
    lines.append("}")
    return "\n".join(lines) + "\n"
