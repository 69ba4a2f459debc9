"""Packet lifecycle: which packets are still in play, and which are history.

The protocol makes a signed packet immutable: once Done or superseded by a
``-vN`` revision it must not be edited to catch up with new rules. So a
finding that asks for an edit is worth reporting only on an active packet.
The lifecycle is decided from three sources, in this order of strength:

1. the registry: a packet of a base WP that is not the base's active packet
   is superseded;
2. the board: the section a packet is listed under (mapped by the profile)
   and tags on its entry (``[SUPERSEDED]``, ``[VALIDATED]``); when a packet
   stands in several places, the most final one wins;
3. the packet's own STATUS, for packets the board does not list. A packet
   that is on no board is *legacy*, unless the repository has no board at
   all, in which case its STATUS alone decides.
"""

from __future__ import annotations

from dataclasses import replace

from ..model.ids import variant_base, variant_of
from ..model.governance import GovernanceModel
from ..model.basics import Lifecycle
from ..model.packet import Packet
from .profiles import Profile

# Which lifecycle wins when sources disagree: history beats work in play.
_FINALITY = {
    Lifecycle.SUPERSEDED: 4,
    Lifecycle.CLOSED: 3,
    Lifecycle.STUB: 2,
    Lifecycle.ACTIVE: 1,
    Lifecycle.LEGACY: 0,
}



def _from_board(model: GovernanceModel, profile: Profile) -> dict[str, tuple[Lifecycle, str]]:
    found: dict[str, tuple[Lifecycle, str]] = {}
    if model.board is None:
        return found
    for entry in model.board.entries:
        candidates: list[tuple[Lifecycle, str]] = []
        section = profile.board_lifecycle(entry.column_raw)
        if section:
            candidates.append((Lifecycle(section), f"listed under '{entry.column_raw}' on the board ({entry.loc})"))
        for tag in entry.tags:
            mapped = profile.tag_lifecycle(tag)
            if mapped:
                candidates.append((Lifecycle(mapped), f"tagged {tag} on the board ({entry.loc})"))
        for lifecycle, reason in candidates:
            current = found.get(entry.wp)
            if current is None or _FINALITY[lifecycle] > _FINALITY[current[0]]:
                found[entry.wp] = (lifecycle, reason)
    return found


def _from_registry(model: GovernanceModel) -> dict[str, tuple[str, str]]:
    """base WP -> (active packet id, where the registry says so)."""
    if model.registry is None:
        return {}
    return {row.base: (row.active, str(row.loc)) for row in model.registry.rows if row.active}


def classify(packet: Packet, model: GovernanceModel, profile: Profile,
             board: dict[str, tuple[Lifecycle, str]], registry: dict[str, tuple[str, str]],
             latest: dict[str, tuple[str, int]] | None = None) -> tuple[Lifecycle, str]:
    latest = latest or {}
    found = _classify(packet, model, profile, board, registry, latest)
    if born_contract(packet) and packet.status.value in profile.contract.working_statuses and not archived_by_both(packet, board, registry):
        # ORCH "the packet is authoritative"; board and registry are its
        # projections: only both of them agreeing that another packet
        # replaced it makes a contract's working status frozen history.
        return Lifecycle.ACTIVE, f"its contract says {packet.status_raw} ({packet.status_or_head_loc}), and the contract is the lifecycle authority"
    if found[0] in (Lifecycle.ACTIVE, Lifecycle.LEGACY) and contract_is_live(packet, profile):
        # The contract is the lifecycle authority and no projection says
        # otherwise; where the board or registry places it in history,
        # that placement stands and BOARD-010 reports the disagreement.
        return Lifecycle.ACTIVE, f"its contract says {packet.status_raw} ({packet.status_or_head_loc}), and the contract is the lifecycle authority"
    return found


def contract_is_live(packet: Packet, profile: Profile) -> bool:
    """The packet is read from a contract whose status is one the profile
    names live (in progress, blocked)."""
    return packet.status.value in profile.contract.live_statuses and any(item.authority == "contract" for item in packet.files)


def born_contract(packet: Packet) -> bool:
    """The packet was created as a JSON contract: its authority is a
    contract and no legacy markdown packet stands beside it. A contract
    paired with a legacy flat packet is that packet imported (the
    repository's legacy inventory pairs them), and carries the status the
    markdown had when it was imported, not one anyone maintains."""
    kinds = {item.authority for item in packet.files}
    return "contract" in kinds and "legacy" not in kinds


def archived_by_both(packet: Packet, board: dict[str, tuple[Lifecycle, str]], registry: dict[str, tuple[str, str]]) -> bool:
    """The board archives the packet as superseded and the registry names
    another packet of its base as the active one: the two projections
    agree it was replaced, and a superseded packet is immutable history
    that keeps the status it had (WP_TRACEABILITY_REGISTRY: "do not catch
    them up")."""
    placed = board.get(packet.id)
    base = variant_base(packet.id)
    active = registry.get(base) or registry.get(packet.id)
    return bool(placed and placed[0] is Lifecycle.SUPERSEDED and active and active[0] != packet.id)


def _classify(packet: Packet, model: GovernanceModel, profile: Profile,
              board: dict[str, tuple[Lifecycle, str]], registry: dict[str, tuple[str, str]],
              latest: dict[str, tuple[str, int]]) -> tuple[Lifecycle, str]:
    base = variant_base(packet.id)
    active = registry.get(base) or registry.get(packet.id)
    if active and active[0] != packet.id and variant_base(active[0]) == base:
        return Lifecycle.SUPERSEDED, f"the registry names {active[0]} as the active packet of {base} ({active[1]})"
    if packet.id in board:
        return board[packet.id]
    by_status = profile.status_lifecycle.get(packet.status.value.replace("-", " ")) or profile.status_lifecycle.get(packet.status.value)
    if by_status:
        return Lifecycle(by_status), f"its STATUS is {packet.status_raw or packet.status.value}"
    if model.board is None:
        later = latest.get(base)
        if later and later[1] > variant_of(packet.id)[1]:
            return Lifecycle.SUPERSEDED, f"there is no task board, and {later[0]} is a later revision of it"
        return Lifecycle.ACTIVE, "there is no task board; its STATUS is not final"
    return Lifecycle.LEGACY, f"it is not on the task board ({model.board.file})"


def with_lifecycles(model: GovernanceModel, profile: Profile) -> GovernanceModel:
    board = _from_board(model, profile)
    registry = _from_registry(model)
    latest: dict[str, tuple[str, int]] = {}
    for packet in model.packets:
        base, version = variant_of(packet.id)
        if version > latest.get(base, ("", 0))[1]:
            latest[base] = (packet.id, version)
    packets = []
    for packet in model.packets:
        lifecycle, reason = classify(packet, model, profile, board, registry, latest)
        packets.append(replace(packet, lifecycle=lifecycle, lifecycle_reason=reason))
    return replace(model, packets=tuple(packets))
