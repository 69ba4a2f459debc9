"""DEP rules: dependencies and blockers (Part 7).

All rules read ``ctx.graph`` (edges point from a dependency to its
dependent; each edge remembers who said it, how and where), so every check
is linear in packets plus dependency statements.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Iterator, Mapping

from ..findings.finding import Finding
from ..model.basics import Lifecycle, Loc, Status
from ..model.packet import Packet
from .base import Rule, rule
from ..protocol.revisions import families, live_revision
from ..model.verdicts import is_validated, latest_report
from .context import RuleContext

# networkx is imported where it is used (see mkdocs_handshake/graph.py).
if TYPE_CHECKING:
    import networkx as nx

# Part 7.3 SLA limits in work days; FAILED packets wait in Ready for Dev.
SLA_LIMITS: dict[Status, tuple[int, str]] = {
    Status.BLOCKED: (5, "Blocked"),
    Status.READY_FOR_DEV: (10, "Ready-for-Dev"),
    Status.FAILED: (10, "Ready-for-Dev"),
    Status.IN_PROGRESS: (30, "In-Progress"),
}
SLA_ACTIONS = {
    Status.BLOCKED: "escalate the blocker and ask for an updated ETA",
    Status.READY_FOR_DEV: "flag as risk: is a Coder assigned, is there a hidden blocker?",
    Status.FAILED: "flag as risk: is a Coder assigned, is there a hidden blocker?",
    Status.IN_PROGRESS: "reassess the estimate or split the work",
}
# Dependents that must not proceed while a blocker is not VALIDATED (Part 7.2).
_ACTIVE = frozenset({Status.READY_FOR_DEV, Status.IN_PROGRESS, Status.DONE, Status.VALIDATED, Status.FAILED})
_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def _said(graph: nx.DiGraph, source: str, target: str) -> list[tuple[str, str, Loc]]:
    return list(graph.edges[source, target].get("said", ()))


@rule("DEP-001", "error", "Every WP named as a dependency or blocker exists")
def dependency_exists(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 7.1: dependencies are documented so they can be checked; a
    dependency on a WP that has no packet can never be VALIDATED. A bare
    base id (``WP-1-X`` when only ``WP-1-X-v2``/``-v3`` exist) names the
    family's work and resolves to its live revision (Part 5.6 variants), so
    it is not missing."""
    graph = ctx.graph
    for source, target, data in graph.edges(data=True):
        for node in (source, target):
            if not graph.nodes[node].get("missing"):
                continue
            for said_by, how, loc in data.get("said", ()):
                if said_by == node:
                    continue
                relation = "depends on" if how == "depends_on" else "blocks"
                yield rule.finding(
                    f"{said_by} {relation} {node}, which has no task packet; fix the id or create the packet",
                    loc,
                    node,
                    said_by,
                )


@rule("DEP-002", "error", "The dependency graph has no cycle")
def dependency_cycle(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 7.2: downstream work waits until its blocker is VALIDATED; in a
    cycle every WP waits on itself, so none can ever start. One finding per
    strongly connected group, naming one concrete cycle in it."""
    import networkx as nx

    graph = ctx.graph
    for component in nx.strongly_connected_components(graph):
        nodes = sorted(component)
        start = nodes[0]
        if len(nodes) == 1 and not graph.has_edge(start, start):
            continue
        cycle = _cycle_from(graph.subgraph(nodes), start)
        said = _said(graph, cycle[0], cycle[1])
        said_by, how, loc = said[0]
        excerpt = cycle[0] if said_by == cycle[1] else cycle[1]
        others = f" (strongly connected group: {', '.join(nodes)})" if len(nodes) > len(cycle) - 1 else ""
        yield rule.finding(
            f"dependency cycle {' -> '.join(cycle)}: each WP waits for the previous to be VALIDATED, so none can start"
            f"{others}; break one dependency",
            loc,
            excerpt,
            said_by,
        )


def _cycle_from(graph: nx.DiGraph, start: str) -> list[str]:
    """A cycle through ``start`` as a closed node list [start, ..., start]."""
    import networkx as nx

    edges = nx.find_cycle(graph, source=start)
    nodes = [edges[0][0]] + [edge[1] for edge in edges]
    if start in nodes[:-1]:
        position = nodes.index(start)
        nodes = nodes[position:-1] + nodes[:position] + [start]
    return nodes


@rule("DEP-003", "error", "A WP whose blocker is not VALIDATED is Blocked")
def blocker_not_validated(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 7.2: "Never assign downstream work until blocker is VALIDATED" —
    if the blocker is In Progress or Ready for Dev, mark the dependent
    BLOCKED. VALIDATED means STATUS VALIDATED, or Done with a PASS report
    (Part 6.5). Missing blockers are DEP-001's.

    A blocker is read off its live revision (:mod:`mkdocs_handshake.protocol.revisions`): a
    superseded ``-vN`` whose family has a VALIDATED revision is no blocker,
    and an open one is named as the revision that is live."""
    graph = ctx.graph
    index = families(ctx.model.packets)
    for packet in ctx.model.packets:
        if packet.status not in _ACTIVE or packet.id not in graph:
            continue
        for blocker in sorted(graph.predecessors(packet.id)):
            live = ctx.packet(blocker)
            if live is None or blocker == packet.id:
                continue
            blocking = live_revision(ctx.model, live, index)
            named = [found for name in sorted(set(graph.edges[blocker, packet.id]["written"])) if (found := ctx.packet(name)) is not None]
            if blocking.id == packet.id or _validated(blocking) or any(_validated(found) for found in named):
                continue
            others = sorted({found.id for found in named} - {blocking.id})
            shown = blocking.id if not others else f"{', '.join(others)} (live revision {blocking.id})"
            said = _said(graph, blocker, packet.id)
            where = ", ".join(f"{loc.file}:{loc.line}" for _, _, loc in said[:2])
            yield rule.finding(
                f"{packet.id} is {packet.status_raw.strip() or packet.status.value} but its blocker {shown} is not VALIDATED "
                f"({_blocker_state(blocking)}; dependency at {where}); mark {packet.id} Blocked until {blocking.id} validates",
                packet.status_or_head_loc,
                packet.status_raw.strip() or packet.id,
                packet.id,
            )


def _validated(packet: Packet) -> bool:
    """VALIDATED by its own STATUS and verdict, or closed by the board (a
    Done [VALIDATED] entry, the lifecycle) on a PASS: the board is where a
    WP's end is recorded when its STATUS line keeps what it was signed with."""
    if is_validated(packet):
        return True
    report = latest_report(packet)
    return packet.lifecycle is Lifecycle.CLOSED and report is not None and report.verdict == "PASS"


def _blocker_state(packet: Packet) -> str:
    report = latest_report(packet)
    verdict = f", latest verdict {report.verdict}" if report else ", no verdict"
    return f"STATUS {packet.status_raw.strip() or packet.status.value}{verdict}"


@rule("DEP-004", "warning", "'Depends on' and 'Blocks' agree in both packets")
def dependency_agreement(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 7.1: "In work packets: Depends on ... / Blocks ..." — both sides
    document the relation, so each packet shows what it waits for and whom
    it holds up. Both ends are compared as the work they name (the graph
    reads a superseded revision or a bare base id as the live revision), so
    a dependent that still names ``-v2`` agrees with the ``-v3`` that lists
    it under Blocks."""
    graph = ctx.graph
    for source, target, data in graph.edges(data=True):
        if source == target or graph.nodes[source].get("missing") or graph.nodes[target].get("missing"):
            continue
        said = data.get("said", ())
        by_dependent = any(said_by == target and how == "depends_on" for said_by, how, _ in said)
        by_blocker = any(said_by == source and how == "blocks" for said_by, how, _ in said)
        if by_dependent and by_blocker:
            continue
        said_by, how, loc = said[0]
        written = data.get("written", ())[0] if data.get("written") else (source if by_dependent else target)
        if by_dependent:
            named = source if written == source else f"{written} (live revision {source})"
            message = f"{target} depends on {named}, but {source} does not list {target} under Blocks; add it there"
        else:
            named = target if written == target else f"{written} (live revision {target})"
            message = f"{source} blocks {named}, but {target} does not list {source} under Depends on; add it there"
        yield rule.finding(message, loc, written, said_by)


#: Key of :attr:`RuleContext.options` under which the engine hands DEP-005
#: the board's history: WP id -> (date it entered its column, the column).
BOARD_ENTERED = "dep.board_entered"
#: The board column each SLA state stands in.
_STATE_COLUMN = {Status.READY_FOR_DEV: "ready-for-dev", Status.IN_PROGRESS: "in-progress", Status.BLOCKED: "blocked"}


def _dates(packet: Packet) -> list[tuple[dt.date, str, Loc | None]]:
    """Every date the packet gives for its state: DATE and Last Updated."""
    found: list[tuple[dt.date, str, Loc | None]] = []
    candidates: list[tuple[str, str, Loc | None]] = []
    date_field = packet.field("DATE")
    candidates.append((packet.date, "DATE", date_field.loc if date_field else None))
    for occurrence in packet.fields.get("Last Updated", ()):
        candidates.append((occurrence.value, "Last Updated", occurrence.loc))
    for text, label, loc in candidates:
        match = _DATE.search(text or "")
        if not match:
            continue
        try:
            found.append((dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))), label, loc))
        except ValueError:
            continue
    return found


def work_days_between(start: dt.date, end: dt.date) -> int:
    """Mon-Fri days after ``start`` up to and including ``end`` (0 if end <= start)."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, remainder = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, remainder + 1):
        if (start + dt.timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


@rule("DEP-005", "warning", "Work-state SLA: Blocked <= 5, Ready-for-Dev <= 10, In-Progress <= 30 work days")
def state_sla(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 7.3 [CX-635B]: BLOCKED max 5 work days, READY FOR DEV max 10, IN
    PROGRESS max 30, counted (Mon-Fri) from the packet's latest date (DATE or
    Last Updated, the most recent the packet shows) to the configured
    ``as_of`` date, which the message states. Inside git, the date the
    packet entered its current board section (the engine reads it from the
    board's history, :data:`BOARD_ENTERED`) counts too: a packet moved back
    to Ready for Dev starts its clock again there."""
    entered = ctx.options.get(BOARD_ENTERED, {})
    assert isinstance(entered, Mapping)
    for packet in ctx.model.packets:
        limit = SLA_LIMITS.get(packet.status)
        if limit is None:
            continue
        dates = _dates(packet)
        moved = entered.get(packet.id)
        if moved is not None and moved[1] == _STATE_COLUMN.get(packet.status):
            dates.append((moved[0], f"entered the board's {limit[1]} section, per the board's git history", None))
        if not dates:
            continue
        since, label, loc = max(dates, key=lambda entry: entry[0])
        days = work_days_between(since, ctx.as_of)
        if days <= limit[0]:
            continue
        where = f", line {loc.line}" if loc else ""
        yield rule.finding(
            f"{packet.id} has been {limit[1]} for {days} work days since {since.isoformat()} ({label}{where}) as of "
            f"{ctx.as_of.isoformat()}; the SLA is {limit[0]} — {SLA_ACTIONS[packet.status]}",
            packet.status_or_head_loc,
            packet.status_raw.strip() or packet.id,
            packet.id,
        )
