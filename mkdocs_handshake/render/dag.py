"""The dependency DAG page: every work packet and who waits on whom.

The graph is written as DOT text by hand (not through ``graphviz.Digraph``'s
attribute quoting, which passes ``<...>`` through as an HTML label), with
every string escaped by :func:`.escape.dot_text`, and laid out by Graphviz's
``dot`` into SVG that is inlined into the page. Edges run dependency ->
dependent (the direction work flows). For display the graph is transitively
reduced: ``A -> C`` is hidden when ``A -> B -> C`` already says it; edges
inside a cycle are all kept, so the cycle stays visible.

Output is deterministic (sorted nodes and edges, no generator comment, SVG
ids prefixed per graph) so two builds of the same repository produce the
same page. Without the ``dot`` program the page still builds: it says how to
install Graphviz and lists the packets layer by layer instead. A ``dot``
that fails (exit status, timeout, output that is not UTF-8 or not SVG) gets
the same treatment and a warning that says why; a layout failure is first
retried once without the variant clusters, which is what old Graphviz
versions ("trouble in init_rank") trip over.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import textwrap
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from ..model.packet import Packet
from ..model.basics import Status
from ..model.ids import variant_base
from ..model.verdicts import is_validated
from .context import RenderContext
from .escape import dot_text, html_text, md_text
from .common import admonition, join_blocks, md_wp_link, shorten, status_label, wp_key

# networkx is imported where it is used (see mkdocs_handshake/graph.py).
if TYPE_CHECKING:
    import networkx as nx

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


def dot_missing_message() -> str:
    """One line for the build log when the ``dot`` program is absent."""
    return (
        "Graphviz 'dot' was not found on PATH: the dependency DAG page shows the packets as a list of layers "
        "instead of a drawing. Install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz)."
    )


# --------------------------------------------------------------------------
# Graph preparation (plain data, shared by the SVG and the fallback list)
# --------------------------------------------------------------------------


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
            return _shown_edges(self.graph)
        edges = repr(sorted(self.graph.edges))
        return self.cached("dag_reduction", "shown", edges, lambda: _shown_edges(self.graph))  # type: ignore[return-value]


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


def _shown_edges(graph: nx.DiGraph) -> frozenset[tuple[str, str]]:
    """Transitive reduction for display; edges within a cycle are all kept."""
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


#: The largest group of connected packets drawn with Graphviz; a larger one
#: is listed in layers instead (dot's layout time grows much faster than the
#: graph: at 10,000 synthetic packets it did not finish in minutes).
MAX_DRAWN_NODES = 1000


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


# --------------------------------------------------------------------------
# DOT
# --------------------------------------------------------------------------


def _q(text: str) -> str:
    """A quoted DOT string. ``&`` is written as an entity because Graphviz
    decodes entities in labels; this keeps ``&lt;`` in a title literal."""
    return '"' + dot_text(text.replace("&", "&amp;")) + '"'


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


def _done(ctx: RenderContext, wp: str) -> bool:
    state = _state(ctx, wp)
    return state is not None and state.validated


def _state_text(state: NodeState) -> str:
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
            f"tooltip={_q(f'{wp} - {_state_text(state)}' + (f' - {full_title}' if full_title else ''))}",
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
        tip = f"{target} waits on {source}, which is not VALIDATED ({_state_text(state) if state else 'no packet'})"
    else:
        attrs += [f'color="{EDGE_COLOUR}"']
        tip = f"{target} depends on {source} ({_state_text(state)})"
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


_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.DOTALL)
_ID_ATTR = re.compile(r'\bid="([^"]*)"')


def clean_svg(svg: str, prefix: str) -> str:
    """Inline-ready SVG: no XML prolog, doctype or comments, no blank lines
    (they would end the raw HTML block), ids made unique per graph."""
    svg = _PROLOG.sub("", svg)
    svg = _ID_ATTR.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
    return "\n".join(line for line in svg.splitlines() if line.strip())


class DotFailure(Exception):
    """One ``dot`` run that gave no usable SVG. ``str()`` says how, in words
    for the build log; ``layout`` is True when ``dot`` itself reported an
    error (worth a retry with a simpler graph), ``missing`` when there is
    no ``dot`` to run."""

    def __init__(self, reason: str, *, layout: bool = False, missing: bool = False) -> None:
        super().__init__(reason)
        self.layout = layout
        self.missing = missing


DEFAULT_TIMEOUT = 60.0


def _first_line(data: bytes) -> str:
    for line in data.decode("utf-8", errors="replace").splitlines():
        if line.strip():
            return shorten(" ".join(line.split()), 200)
    return ""


def render_svg(dot_source: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Run ``dot -Tsvg`` with a time limit; :class:`DotFailure` unless it
    exits 0 with UTF-8 SVG. ``dot`` runs in its own process group so a
    timeout stops whatever it started as well."""
    executable = shutil.which("dot")
    if executable is None:
        raise DotFailure("was not found on PATH", missing=True)
    try:
        process = subprocess.Popen(
            [executable, "-Tsvg"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=os.name == "posix",
        )
    except OSError as error:
        raise DotFailure(f"could not be started ({error.strerror or error})", missing=True) from None
    try:
        out, err = process.communicate(dot_source.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise DotFailure(f"timed out after {timeout:g} s and was stopped (option dot_timeout)") from None
    stderr = _first_line(err)
    said = f": {stderr}" if stderr else ""
    if process.returncode != 0:
        status = f"was killed by signal {-process.returncode}" if process.returncode < 0 else f"exited with status {process.returncode}"
        raise DotFailure(status + said, layout=True)
    try:
        svg = out.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DotFailure(f"exited with status 0 but wrote output that is not UTF-8 (byte 0x{out[error.start]:02X} at offset {error.start}){said}") from None
    if not svg.strip():
        raise DotFailure(f"exited with status 0 but wrote nothing{said}")
    if not re.search(r"<svg\b", svg) or "</svg>" not in svg:
        raise DotFailure(f"exited with status 0 but wrote no SVG drawing (output begins {shorten(' '.join(svg.split()), 60)!r}){said}")
    return svg


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows has no process groups here
            process.kill()
    except OSError:
        pass
    process.communicate()


def _draw_inline(ctx: RenderContext, data: DagData, nodes: Sequence[str], index: int) -> tuple[str, str]:
    """:func:`_draw` of part ``index``, ready to inline (:func:`clean_svg`):
    what the page keeps between builds."""
    svg, note = _draw(ctx, data, nodes, f"dag{index}")
    return clean_svg(svg, f"hs-dag{index}"), note


def _draw(ctx: RenderContext, data: DagData, nodes: Sequence[str], name: str) -> tuple[str, str]:
    """``(svg, note)`` for one sub-graph; the note is non-empty when the
    drawing needed the retry without clusters. Raises :class:`DotFailure`
    when neither run drew it."""
    timeout = float(ctx.options.get("dot_timeout", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT)  # type: ignore[arg-type]
    source = build_dot(ctx, data, nodes, name)
    try:
        return render_svg(source, timeout), ""
    except DotFailure as failure:
        simpler = build_dot(ctx, data, nodes, name, clusters=False)
        if not failure.layout or simpler == source:
            raise
        first = str(failure)
    try:
        return render_svg(simpler, timeout), first
    except DotFailure as again:
        raise DotFailure(f"{first}; again without variant clusters: {again}", layout=again.layout) from None


# --------------------------------------------------------------------------
# Page
# --------------------------------------------------------------------------


def _swatch(fill: str, border: str = "solid") -> str:
    return f'<span class="hs-swatch" style="background:{fill};border-style:{border}"></span>'


def _arrow(colour: str, kind: str) -> str:
    """An arrow in the edge colour; the class lets the dark scheme lighten it
    exactly as it lightens the edges themselves."""
    return f'<span class="hs-legend-arrow hs-arrow-{kind}" style="color:{colour}">&#10230;</span>'


def _legend() -> str:
    """A compact legend (it wraps into a few lines) placed above the graphs,
    so a reader knows the colours before looking at them."""
    items = [
        (_swatch(colour, "dashed" if status is Status.SUPERSEDED else "solid"), status_label(status))
        for status, colour in STATUS_FILL.items()
    ]
    items += [
        (_swatch(MISSING_FILL, "dashed"), "Referenced, but no packet exists"),
        (_arrow(BLOCKER_COLOUR, "blocker"), "Blocker that is not VALIDATED (the dependent must wait)"),
        (_arrow(EDGE_COLOUR, "validated"), "Dependency that is VALIDATED"),
        (_arrow(CYCLE_COLOUR, "cycle"), "Edge of a dependency cycle"),
        ('<span class="hs-legend-cluster"></span>', "Dashed frame: a packet and its variants (-v2, -v3)"),
    ]
    spans = [f'<span class="hs-legend-item">{mark} {html_text(text)}</span>' for mark, text in items]
    return '<div class="hs-dag-legend">\n<strong>Legend:</strong>\n' + "\n".join(spans) + "\n</div>"


def _cycle_block(ctx: RenderContext, data: DagData) -> str:
    if not data.cycles:
        return "No dependency cycles."
    page = ctx.page_path(PAGE)
    lines = [f"**Dependency cycles ({len(data.cycles)})** — no packet in a cycle can ever start (DEP-002):", ""]
    for number, cycle in enumerate(data.cycles, start=1):
        path = " → ".join(md_wp_link(ctx, page, wp) for wp in cycle)
        lines.append(f"{number}. Cycle {number}: {path}")
    return "\n".join(lines)


def _summary(ctx: RenderContext, data: DagData, drawn: bool = True) -> str:
    graph = data.graph
    missing = sorted((n for n, attrs in graph.nodes(data=True) if attrs.get("missing")), key=wp_key)
    hidden = graph.number_of_edges() - len(data.shown) if drawn else 0
    blockers = sum(1 for s, _t in graph.edges if not _done(ctx, s))
    text = (
        f"{_count(len(ctx.packets_by_id), 'packet')}, {_count(graph.number_of_edges(), 'dependency', 'dependencies')} "
        f"({blockers} on a blocker that is not VALIDATED). Arrows point from a dependency to the packet that waits on it."
    )
    if hidden:
        text += f" {hidden} implied {'dependency is' if hidden == 1 else 'dependencies are'} hidden (transitive reduction)."
    if missing:
        page = ctx.page_path(PAGE)
        text += " Referenced but missing: " + ", ".join(md_wp_link(ctx, page, wp) for wp in missing) + " (DEP-001)."
    return text


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def _svg_blocks(ctx: RenderContext, data: DagData) -> list[str]:
    """One drawing per part. Stops at the first part ``dot`` cannot draw
    (:class:`DotFailure` names it): the page then shows the list instead,
    and no more time goes into runs whose drawings would not be shown."""
    parts = split_parts(ctx, data)
    blocks: list[str] = []
    for index, (title, nodes) in enumerate(parts, start=1):
        source = build_dot(ctx, data, nodes, f"dag{index}")
        where = f"part {index} of {len(parts)} of the dependency DAG" if len(parts) > 1 else "the dependency DAG"
        try:
            svg, note = ctx.cached("dot_svg", f"dag{index}", source, lambda nodes=nodes, index=index: _draw_inline(ctx, data, nodes, index))
        except DotFailure as failure:
            raise DotFailure(f"{failure} (drawing {where})", layout=failure.layout, missing=failure.missing) from None
        if note:
            ctx.warnings.append(
                f"Graphviz 'dot' failed to draw {where} with variant clusters ({note}); it is drawn without the clusters"
            )
        if len(parts) > 1:
            blocks.append(f"### {md_text(title)}")
        blocks.append(f'<div class="hs-dag" style="overflow-x:auto">\n{svg}\n</div>')
    return blocks


def _failed_note(failure: DotFailure | None) -> str:
    """Why there is no drawing, as the admonition on the page."""
    if failure is None or failure.missing:
        return admonition(
            "warning",
            "Graphviz <code>dot</code> not found: showing the dependency graph as a list",
            "The `dot` program from Graphviz is needed to draw the graph. Install the Debian/Ubuntu package "
            "`graphviz` (`apt-get install graphviz`) or, on macOS, `brew install graphviz`, then rebuild.",
        )
    return admonition(
        "warning",
        "Graphviz <code>dot</code> failed: showing the dependency graph as a list",
        f"`dot` {md_text(str(failure))}. The build log has the same warning; the drawing comes back "
        "with the next build in which `dot` succeeds.",
    )


def _fallback_blocks(ctx: RenderContext, data: DagData, failure: DotFailure | None = None, too_big: int = 0) -> list[str]:
    """The graph as layers: layer 1 needs nothing, layer k waits only on earlier layers.
    ``failure``: why ``dot`` gave no drawing; ``too_big``: the size of the
    group that was too large to draw, if that is why."""
    import networkx as nx

    page = ctx.page_path(PAGE)
    if too_big:
        warning = admonition(
            "info",
            f"{too_big:,} connected packets: too many to draw, showing the dependency graph as a list",
            f"A drawing of more than {MAX_DRAWN_NODES:,} connected packets cannot be read, and Graphviz takes "
            "far longer than linear time to lay it out. Each packet's page lists what it depends on and blocks.",
        )
    else:
        warning = _failed_note(failure)
    graph = data.graph
    condensed = nx.condensation(graph)
    members: Mapping[int, set[str]] = nx.get_node_attributes(condensed, "members")
    in_cycle = {wp: number for number, cycle in enumerate(data.cycles, start=1) for wp in cycle}
    lines: list[str] = []
    for depth, generation in enumerate(nx.topological_generations(condensed), start=1):
        wps = sorted((wp for scc in generation for wp in members[scc]), key=wp_key)
        shown = []
        for wp in wps:
            packet = ctx.packets_by_id.get(wp)
            state = _state_text(node_state(packet)) if packet else "no packet"
            note = f", in cycle {in_cycle[wp]}" if wp in in_cycle else ""
            shown.append(f"{md_wp_link(ctx, page, wp)} ({md_text(state)}{note})")
        lines.append(f"{depth}. Layer {depth}: " + ", ".join(shown))
    return [warning, "**Layers** — each packet depends only on packets in earlier layers:", "\n".join(lines)]


def render_dag_page(ctx: RenderContext) -> str:
    """Markdown of the dependency DAG page."""
    data = prepare(ctx)
    if not data.graph.number_of_nodes():
        return join_blocks(["# Dependency DAG", _summary(ctx, data), "No work packets found."])
    largest = max(len(nodes) for _title, nodes in split_parts(ctx, data))
    too_big = largest if largest > MAX_DRAWN_NODES else 0
    blocks = ["# Dependency DAG", _summary(ctx, data, drawn=ctx.dot_available and not too_big)]
    drawn: list[str] | None = None
    failure: DotFailure | None = None
    if ctx.dot_available and not too_big:
        try:
            drawn = _svg_blocks(ctx, data)
        except DotFailure as error:
            failure = error
            ctx.warnings.append(
                dot_missing_message() if error.missing
                else f"Graphviz 'dot' {error}; the DAG page lists the packets by layer instead"
            )
    if drawn is None:
        blocks.extend(_fallback_blocks(ctx, data, failure, too_big))
    else:
        blocks.append(_legend())
        blocks.extend(drawn)
    blocks.append("## Cycles")
    blocks.append(_cycle_block(ctx, data))
    return join_blocks(blocks)
