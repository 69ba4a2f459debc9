"""The micro-task DAG on a packet's page: which micro-task waits on which.

A contract packet's micro-tasks (``MT-*.json``) name what they depend on
(``depends_on``) and what they block (``blocks``); the edges of both ends
are drawn dependency -> dependent, as the site's packet DAG draws packets
(:mod:`.dag`), with the same machinery: DOT written by hand with every
string escaped (:func:`.escape.dot_quoted`), the transitive reduction for
display (:func:`.dag_graph.reduced_edges`, edges inside a cycle all kept),
``dot`` run with its time limit (:mod:`.dot_program`), the SVG cleaned for
inlining and kept between builds (``RenderContext.cached``).

Packets have hundreds of micro-tasks, mostly in long sequences. A run of
micro-tasks in one sequence with the same status (each the only successor
of the one before, after the reduction) is drawn as one box, ``MT-010 …
MT-040``, so a 200-task chain is a few boxes that still show how far it
got. A drawing that would still have more than :data:`MAX_DRAWN_BOXES`
boxes is not attempted: the page says so, and the table below it (the
section's list of micro-tasks) is always there. A ``dot`` that fails or
hangs is one warning for the build log and one note on each page; it is
not run again in the same build (``RenderContext.dot_failures``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..analysis.microtasks import dependency_edges
from ..model.packet import Packet
from ..parse.status import normalise_status
from .common import admonition
from .context import RenderContext
from .dag_dot import CYCLE_COLOUR, EDGE_COLOUR, NODE_BORDER, NODE_TEXT, STATUS_FILL, title_lines
from .dag_graph import reduced_edges
from .dot_program import DEFAULT_TIMEOUT, DotFailure, clean_svg, render_svg
from .escape import dot_quoted, html_text, md_text

if TYPE_CHECKING:
    import networkx as nx

#: The most boxes (micro-tasks, or folded runs of them) drawn on one page.
#: Past it a drawing is a wall of boxes no one reads, and ``dot``'s time
#: grows faster than the graph; the table says the same thing in order.
MAX_DRAWN_BOXES = 200
#: A sequence of at least this many micro-tasks with one status is one box.
FOLD_RUN = 3

_NUMBER = re.compile(r"(\d+)")


def mt_key(mt_id: str) -> tuple[object, ...]:
    """Natural order of micro-task ids: MT-2 before MT-10."""
    return tuple(int(part) if part.isdigit() else part for part in _NUMBER.split(mt_id))


@dataclass(frozen=True)
class Box:
    """One box of the drawing: a micro-task (``kind`` "task"), a run of them
    in sequence ("sequence"), or several with the same dependencies and
    status that may run side by side ("parallel")."""

    ids: tuple[str, ...]
    status: str
    title: str = ""
    kind: str = "task"

    @property
    def name(self) -> str:
        return self.ids[0]

    @property
    def label(self) -> list[str]:
        status = self.status or "(no status)"
        if self.kind == "sequence":
            return [f"{self.ids[0]} … {self.ids[-1]}", f"{len(self.ids)} in sequence", status]
        if self.kind == "parallel":
            return [f"{self.ids[0]} and {len(self.ids) - 1} more", f"{len(self.ids)} side by side", status]
        return [self.ids[0], *title_lines(self.title)]

    @property
    def tooltip(self) -> str:
        status = self.status or "no status"
        if self.kind == "sequence":
            return f"{self.ids[0]} … {self.ids[-1]}: {len(self.ids)} micro-tasks in sequence, each {status}"
        if self.kind == "parallel":
            return f"{', '.join(self.ids)}: {len(self.ids)} micro-tasks with the same dependencies, each {status}"
        return f"{self.ids[0]} - {status}" + (f" - {' '.join(self.title.split())}" if self.title.strip() else "")


@dataclass(frozen=True)
class MicroTaskGraph:
    """The drawing's content: boxes, the edges between them (reduced), and
    what the reduction and the folding left out, for the summary line."""

    boxes: tuple[Box, ...]
    edges: tuple[tuple[str, str], ...]  # box name -> box name
    cycle_edges: frozenset[tuple[str, str]]
    edge_count: int  # edges between micro-tasks, before the reduction
    hidden: int  # implied edges the reduction hides


def _graph(packet: Packet) -> nx.DiGraph:
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(task.id for task in packet.micro_tasks)
    graph.add_edges_from(dependency_edges(packet))
    return graph


def _side_by_side(shown: nx.DiGraph, status: dict[str, str], fixed: set[str]) -> dict[str, tuple[str, ...]]:
    """Node -> its group, for groups of at least :data:`FOLD_RUN` nodes with
    the same predecessors, successors and status (none of them in
    ``fixed``): they wait on the same and are waited on by the same."""
    keyed: dict[tuple[frozenset[str], frozenset[str], str], list[str]] = {}
    for node in sorted(shown.nodes, key=mt_key):
        if node not in fixed:
            keyed.setdefault((frozenset(shown.predecessors(node)), frozenset(shown.successors(node)), status[node]), []).append(node)
    return {node: tuple(members) for members in keyed.values() if len(members) >= FOLD_RUN for node in members}


def _runs(shown: nx.DiGraph, status: dict[str, str], fixed: set[str]) -> list[list[str]]:
    """Maximal sequences ``a -> b -> c`` in which each step is the only
    edge out of the one and into the next, with one status throughout and
    no node in ``fixed``; every other node is a run of one."""

    def linked(a: str, b: str) -> bool:
        return (
            a != b and shown.out_degree(a) == 1 and shown.in_degree(b) == 1
            and a not in fixed and b not in fixed and status[a] == status[b]
        )

    runs: list[list[str]] = []
    for node in sorted(shown.nodes, key=mt_key):
        before = list(shown.predecessors(node))
        if len(before) == 1 and linked(before[0], node):
            continue  # inside a run that starts earlier
        run = [node]
        while shown.out_degree(run[-1]) == 1:
            after = next(iter(shown.successors(run[-1])))
            if not linked(run[-1], after) or after in run:
                break
            run.append(after)
        runs.append(run)
    return runs


def micro_task_graph(packet: Packet) -> MicroTaskGraph:
    """The packet's micro-tasks as boxes and reduced edges, deterministic
    (boxes in natural id order, edges sorted). Nodes of a dependency cycle
    are never folded, so the cycle stays visible edge by edge."""
    import networkx as nx

    tasks = {task.id: task for task in packet.micro_tasks}
    graph = _graph(packet)
    kept = reduced_edges(graph)
    shown = nx.DiGraph()
    shown.add_nodes_from(graph.nodes)
    shown.add_edges_from(kept)
    component = nx.condensation(graph).graph["mapping"]
    cycles = {(a, b) for a, b in kept if a == b or component[a] == component[b]}
    in_cycle = {node for edge in cycles for node in edge}
    status = {name: task.status for name, task in tasks.items()}
    # First micro-tasks side by side, then sequences of the boxes left single.
    group = _side_by_side(shown, status, in_cycle)
    box_of = {node: group[node][0] if node in group else node for node in shown.nodes}
    boxed = nx.DiGraph()
    boxed.add_nodes_from(set(box_of.values()))
    boxed.add_edges_from((box_of[a], box_of[b]) for a, b in kept if box_of[a] != box_of[b] or a == b)
    boxes: list[Box] = []
    for run in _runs(boxed, status, in_cycle | {node for node in group}):
        if len(run) >= FOLD_RUN:
            boxes.append(Box(tuple(run), status[run[0]], kind="sequence"))
            box_of.update((node, run[0]) for node in run)
        elif run[0] in group:
            boxes.append(Box(group[run[0]], status[run[0]], kind="parallel"))
        else:
            boxes.extend(Box((node,), status[node], tasks[node].title) for node in run)
    edges = {(box_of[a], box_of[b]) for a, b in kept if box_of[a] != box_of[b] or a == b}
    return MicroTaskGraph(
        tuple(sorted(boxes, key=lambda box: mt_key(box.name))),
        tuple(sorted(edges, key=lambda edge: (mt_key(edge[0]), mt_key(edge[1])))),
        frozenset(cycles), graph.number_of_edges(), graph.number_of_edges() - len(kept),
    )


def _fill(status: str) -> str:
    return STATUS_FILL.get(normalise_status(status), STATUS_FILL[normalise_status("")])


def build_microtask_dot(content: MicroTaskGraph, name: str = "microtasks") -> str:
    """DOT text of the drawing: every string escaped, nodes and edges sorted."""
    lines = [
        f"digraph {dot_quoted(name)} {{",
        '  graph [rankdir="LR", bgcolor="transparent", fontname="Helvetica", fontsize=10, nodesep=0.2, ranksep=0.4, tooltip=" "];',
        f'  node [shape="box", style="filled", fontname="Helvetica", fontsize=10, margin="0.12,0.06", fontcolor="{NODE_TEXT}", color="{NODE_BORDER}"];',
        f'  edge [arrowsize=0.7, color="{EDGE_COLOUR}"];',
    ]
    for box in content.boxes:
        label = "\\n".join(dot_quoted(line)[1:-1] for line in box.label)
        style = "filled" if box.kind == "task" else '"filled,bold"'
        lines.append(f'  {dot_quoted(box.name)} [label="{label}", fillcolor="{_fill(box.status)}", style={style}, tooltip={dot_quoted(box.tooltip)}];')
    for source, target in content.edges:
        if (source, target) in content.cycle_edges:
            attrs = f'color="{CYCLE_COLOUR}", penwidth=2.5, tooltip={dot_quoted(f"{source} -> {target}: part of a dependency cycle")}'
        else:
            attrs = f"tooltip={dot_quoted(f'{target} waits on {source}')}"
        lines.append(f"  {dot_quoted(source)} -> {dot_quoted(target)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend(content: MicroTaskGraph) -> str:
    """The status words of the drawing with their fill, as written."""
    statuses = sorted({box.status for box in content.boxes}, key=lambda status: (status == "", status))
    spans = [
        f'<span class="hs-legend-item"><span class="hs-swatch" style="background:{_fill(status)};border-style:solid"></span> '
        f"{html_text(status or '(no status)')}</span>"
        for status in statuses
    ]
    return '<div class="hs-dag-legend">\n<strong>Status:</strong>\n' + "\n".join(spans) + "\n</div>"


def _summary(packet: Packet, content: MicroTaskGraph) -> str:
    count = len(packet.micro_tasks)
    text = f"{count} micro-task{'s' if count != 1 else ''}, {content.edge_count} dependenc{'ies' if content.edge_count != 1 else 'y'} between them."
    if not content.edges:  # nothing to draw: the folded runs in words
        runs = [f"{box.ids[0]} … {box.ids[-1]} ({box.status or 'no status'})" for box in content.boxes if box.kind == "sequence"]
        return text + (f" In sequence: {'; '.join(runs)}." if runs else "")
    text += " Arrows point from a micro-task to the one that waits on it."
    if content.hidden:
        text += f" {content.hidden} implied {'dependency is' if content.hidden == 1 else 'dependencies are'} hidden (transitive reduction)."
    for kind, what in (("sequence", "in sequence"), ("parallel", "with the same dependencies")):
        folded = [box for box in content.boxes if box.kind == kind]
        if folded:
            text += (
                f" {sum(len(box.ids) for box in folded)} micro-tasks {what} and with one status are drawn as "
                f"{len(folded)} box{'es' if len(folded) != 1 else ''} (bold frame)."
            )
    return text


def _note(title: str, body: str) -> str:
    return admonition("info", html_text(title), md_text(body))


def microtask_drawing(ctx: RenderContext, packet: Packet) -> list[str]:
    """Blocks for the micro-task section above its table: the summary and
    the drawing, or a note saying why there is none."""
    if not packet.micro_tasks:
        return []
    content = micro_task_graph(packet)
    blocks = [md_text(_summary(packet, content))]
    if not content.edges:
        return blocks  # nothing waits on anything drawn: the table says the rest
    if len(content.boxes) > MAX_DRAWN_BOXES:
        return blocks + [_note(
            f"{len(content.boxes)} boxes: too many to draw",
            f"Even with sequences folded, the dependencies of these micro-tasks would need {len(content.boxes)} boxes "
            f"(more than {MAX_DRAWN_BOXES}); the table lists each micro-task with what it depends on.",
        )]
    if not ctx.dot_available:
        return blocks + [_note("Graphviz dot not found: no drawing", "The table lists each micro-task with what it depends on.")]
    if ctx.dot_failures:
        return blocks + [_note("Graphviz dot failed: no drawing", f"dot {ctx.dot_failures[0]}; the table lists each micro-task with what it depends on.")]
    source = build_microtask_dot(content)
    timeout = float(ctx.options.get("dot_timeout", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT)  # type: ignore[arg-type]
    try:
        svg = ctx.cached("dot_svg", f"microtasks:{packet.id}", source, lambda: clean_svg(render_svg(source, timeout), "hs-mt"))
    except DotFailure as failure:
        ctx.dot_failures.append(str(failure))
        ctx.warnings.append(
            f"Graphviz 'dot' {failure} (drawing the micro-tasks of {packet.id}); packet pages show their micro-tasks "
            "as tables without a drawing for the rest of this build"
        )
        return blocks + [_note("Graphviz dot failed: no drawing", f"dot {failure}; the table lists each micro-task with what it depends on.")]
    return blocks + [_legend(content), f'<div class="hs-dag hs-microtask-dag" style="overflow-x:auto">\n{svg}\n</div>']

