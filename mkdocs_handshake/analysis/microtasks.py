"""What a packet's micro-tasks must hold together: their dependencies form
a DAG inside the packet, each edge written on both ends when both ends
write their edges, and each micro-task's scope lies inside the packet's.

Plain functions from a :class:`~mkdocs_handshake.model.packet.Packet` to facts; the rules in
:mod:`.rules.contract` turn them into findings.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..model.packet import ListItem, MicroTask, Packet, WpRef

_GLOB = re.compile(r"[*?\[]")
_SEPARATORS = re.compile(r"[;,\s]+")


#: A micro-task id as the micro-task schema writes it (``mt_id``).
_MT_ID = re.compile(r"^(?:MT-)?[0-9][0-9A-Za-z._-]*$")


def ref_ids(refs: Iterable[WpRef]) -> list[tuple[str, WpRef]]:
    """Each micro-task id a dependency value names (``"MT-003; MT-007"``
    is two). Prose such as ``"MT-001 through MT-025"`` is a range no id
    list can be read from: such a value names nothing."""
    found = []
    for ref in refs:
        parts = [part for part in _SEPARATORS.split(ref.wp) if part]
        if parts and all(_MT_ID.match(part) for part in parts):
            found.extend((part, ref) for part in parts)
    return found


def unknown_refs(packet: Packet) -> list[tuple[MicroTask, str, WpRef]]:
    """(micro-task, id, where) for each depends_on / blocks id that is no
    micro-task of the packet."""
    ids = {task.id for task in packet.micro_tasks}
    return [(task, name, ref) for task in packet.micro_tasks for name, ref in ref_ids((*task.depends_on, *task.blocks)) if name not in ids]


def one_sided(packet: Packet) -> list[tuple[str, str, str, WpRef]]:
    """``(a, b, missing end, where the written end is)``: ``a`` depends on
    ``b`` but ``b``'s non-empty ``blocks`` does not name ``a`` (missing end
    ``blocks``), or ``b`` blocks ``a`` but ``a``'s non-empty ``depends_on``
    does not name ``b`` (``depends_on``). A micro-task that writes no edge
    of that kind says nothing, so it is not held to the other end."""
    depends = {task.id: dict((name, ref) for name, ref in ref_ids(task.depends_on)) for task in packet.micro_tasks}
    blocks = {task.id: dict((name, ref) for name, ref in ref_ids(task.blocks)) for task in packet.micro_tasks}
    found = {(a, b, "blocks", ref) for a, wanted in depends.items() for b, ref in wanted.items() if blocks.get(b) and a not in blocks[b]}
    found |= {(a, b, "depends_on", ref) for b, blocked in blocks.items() for a, ref in blocked.items() if depends.get(a) and b not in depends[a]}
    return sorted(found, key=lambda item: (item[0], item[1], item[2]))


def dependency_edges(packet: Packet) -> list[tuple[str, str]]:
    """``(dependency, dependent)`` for each edge between two micro-tasks of
    the packet, written on either end (``depends_on`` of the dependent or
    ``blocks`` of the dependency), sorted; ids that are no micro-task of
    the packet are left out (:func:`unknown_refs` names them)."""
    ids = {task.id for task in packet.micro_tasks}
    found = {(name, task.id) for task in packet.micro_tasks for name, _ in ref_ids(task.depends_on) if name in ids}
    found |= {(task.id, name) for task in packet.micro_tasks for name, _ in ref_ids(task.blocks) if name in ids}
    return sorted(found)


def cycle(packet: Packet) -> list[str]:
    """One dependency cycle among the micro-tasks (``[a, b, a]``), or []."""
    edges: dict[str, set[str]] = {task.id: set() for task in packet.micro_tasks}
    for dependency, dependent in dependency_edges(packet):
        edges[dependent].add(dependency)
    state: dict[str, int] = {}
    for start in sorted(edges):
        if state.get(start):
            continue
        stack: list[tuple[str, list[str]]] = [(start, sorted(edges[start]))]
        path = [start]
        state[start] = 1
        while stack:
            node, todo = stack[-1]
            if not todo:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            nxt = todo.pop(0)
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(edges[nxt])))
    return []


def _path(text: str) -> str:
    """A scope entry as a path prefix: list marker, quotes and ``./`` off,
    the glob tail (``/**``) dropped; "" when it is prose, not a path."""
    value = text.strip().removeprefix("- ").strip().strip("`'\"")
    value = value.removeprefix("./")
    # Prose, a bare file name (not a path from the root) or a path that
    # leaves the root (another worktree) cannot be placed: not judged.
    if not value or " " in value or "/" not in value.rstrip("/") or value.startswith(("../", "/")):
        return ""
    parts = value.replace("\\", "/").split("/")
    kept = []
    for part in parts:
        if _GLOB.search(part):
            break
        kept.append(part)
    return "/".join(part for part in kept if part)


def outside_scope(packet: Packet) -> list[tuple[MicroTask, ListItem]]:
    """Scope entries of micro-tasks that no entry of the packet's
    ``IN_SCOPE_PATHS`` contains. Entries that are not paths are not judged,
    and nothing is judged when the packet names no path."""
    occurrence = packet.field("IN_SCOPE_PATHS")
    allowed = [path for path in (_path(item.text) for item in (occurrence.items if occurrence else ())) if path]
    if not allowed:
        return []
    found = []
    for task in packet.micro_tasks:
        for item in task.scope:
            path = _path(item.text)
            if path and not any(path == base or path.startswith(base + "/") for base in allowed):
                found.append((task, item))
    return found
