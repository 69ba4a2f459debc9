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

This module is the page and the drawing's retry; the graph data is
prepared by :mod:`.dag_graph`, the DOT text written by :mod:`.dag_dot`, and
``dot`` run by :mod:`.dot_program`.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from ..model.basics import Status
from .common import admonition, join_blocks, md_wp_link, status_label, wp_key
from .context import RenderContext
from .dag_dot import (
    BLOCKER_COLOUR,
    CYCLE_COLOUR,
    EDGE_COLOUR,
    MISSING_FILL,
    PAGE,
    STATUS_FILL,
    build_dot,
    is_done,
    node_state,
    state_text,
)
from .dag_graph import DagData, prepare, split_parts
from .dot_program import DEFAULT_TIMEOUT, DotFailure, clean_svg, dot_missing_message, render_svg
from .escape import html_text, md_text

#: The largest group of connected packets drawn with Graphviz; a larger one
#: is listed in layers instead (dot's layout time grows much faster than the
#: graph: at 10,000 synthetic packets it did not finish in minutes).
MAX_DRAWN_NODES = 1000


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
    blockers = sum(1 for s, _t in graph.edges if not is_done(ctx, s))
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
            state = state_text(node_state(packet)) if packet else "no packet"
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
            if not error.layout and not error.missing:  # a hang or broken output: the packet pages' drawings would meet it too
                ctx.dot_failures.append(str(error))
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
