"""Rules of the contract era: what the JSON packet contract, the board and
the registry must agree on, and what a packet's micro-tasks must hold.

From May 2026 the repository's packet template says that ``packet.json`` is
"the authoritative lifecycle truth" and that ``TASK_BOARD.md`` and
``WP_TRACEABILITY_REGISTRY.md`` "are projections and must reconcile to the
contract". These rules judge only packets read from a contract, so earlier
eras (markdown packets) never meet them.
"""

from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..ids import variant_base
from ..lifecycle import contract_is_live
from ..model import BoardEntry, Packet, RegistryRow
from .base import Rule, rule
from .context import RuleContext


def _contract_packets(ctx: RuleContext) -> Iterator[Packet]:
    for packet in ctx.model.packets:
        if any(item.authority == "contract" for item in packet.files):
            yield packet


def _registry_row(ctx: RuleContext, packet: Packet) -> RegistryRow | None:
    rows = ctx.model.registry.rows if ctx.model.registry else ()
    base = variant_base(packet.id)
    return next((row for row in rows if row.base == base), None) or next((row for row in rows if row.base == packet.id), None)


def _board_places(ctx: RuleContext, packet: Packet) -> list[tuple[BoardEntry, str]]:
    """The packet's board entries and the lifecycle each records."""
    profile = ctx.profile
    if ctx.model.board is None or profile is None:
        return []
    placed = []
    for entry in ctx.model.board.entries:
        if entry.wp != packet.id:
            continue
        lifecycle = profile.board_lifecycle(entry.column_raw)
        for tag in entry.tags:
            lifecycle = profile.tag_lifecycle(tag) or lifecycle
        if lifecycle:
            placed.append((entry, lifecycle))
    return placed


@rule("BOARD-010", "error", "The board and the registry agree with the packet contract on a live packet")
def contract_projections_agree(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Packet template (contract era): "packet.json is the authoritative
    lifecycle truth; TASK_BOARD.md, WP_TRACEABILITY_REGISTRY.md ... are
    projections and must reconcile to the contract". A contract that says
    the packet is in progress or blocked (the profile's
    ``contract.live_statuses``) while the board files it elsewhere (Done,
    Superseded, a stub) or the registry names another packet as its base's
    active one is a disagreement. One finding per packet, at the contract's
    status, naming all three sources; the fix is to close the contract or
    reconcile the projections, whichever is stale. A packet that is on no
    board at all is BOARD-001's."""
    profile = ctx.profile
    if profile is None:
        return
    for packet in _contract_packets(ctx):
        if not contract_is_live(packet, profile):
            continue
        places = _board_places(ctx, packet)
        off_board = [(entry, lifecycle) for entry, lifecycle in places if lifecycle != "active"]
        row = _registry_row(ctx, packet)
        other_active = row is not None and row.active and row.active != packet.id
        if not off_board and not other_active:
            continue
        if places:
            board = "; ".join(f"the board files it under '{entry.column_raw}'{' ' + ' '.join(f'[{tag}]' for tag in entry.tags) if entry.tags else ''} ({entry.loc})" for entry, _ in places)
        else:
            board = f"the board does not list it ({ctx.model.board.file})" if ctx.model.board else "there is no board"
        if row is None:
            registry = "the registry has no row for its base"
        elif row.active:
            registry = f"the registry names {row.active} as the active packet of {row.base} ({row.loc})"
        else:
            registry = f"the registry records {row.base} as history with no active packet ({row.loc})"
        yield rule_.finding(
            f"the contract of {packet.id} says {packet.status_raw!r} (live), but {board}, and {registry}; "
            "close the contract if the packet is history, or reconcile the board and registry to it",
            packet.status_or_head_loc, packet.status_raw, packet.id,
        )
