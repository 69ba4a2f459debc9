"""The live revision of a work packet: which ``-vN`` of a family counts now.

A base WP is revised by new packets (``WP-1-X-v2``, ``-v3``) and the old
ones stay as history. A dependency on any member of the family means the
work, so blockers and clocks must be read off the revision that is live:
the one the WP traceability registry names for the base, else the newest
revision the board does not list as superseded, else the newest ``-vN``.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from ..model.ids import variant_of
from ..model.governance import GovernanceModel
from ..model.basics import Lifecycle
from ..model.packet import Packet


def families(packets: Iterable[Packet]) -> Mapping[str, list[Packet]]:
    """Base id -> every packet of that family, oldest revision first: built
    once, so resolving many references stays linear in the packets."""
    index: dict[str, list[Packet]] = {}
    for packet in packets:
        index.setdefault(variant_of(packet.id)[0], []).append(packet)
    for members in index.values():
        members.sort(key=lambda packet: (variant_of(packet.id)[1], packet.id))
    return index


def live_revision(model: GovernanceModel, packet: Packet, index: Mapping[str, list[Packet]] | None = None) -> Packet:
    """The revision of ``packet``'s family that counts now: the registry's
    active packet for the base, else the newest revision not superseded,
    else the newest revision; ``packet`` itself when it has no other.
    ``index``: :func:`families` of the model, when resolving many."""
    index = index if index is not None else families(model.packets)
    members = index.get(variant_of(packet.id)[0], [packet])
    if len(members) <= 1:
        return packet
    base = variant_of(packet.id)[0]
    if model.registry is not None:
        by_id = {member.id: member for member in members}
        for row in model.registry.rows:
            if row.base == base and row.active in by_id:
                return by_id[row.active]
    standing = [member for member in members if member.lifecycle is not Lifecycle.SUPERSEDED]
    return (standing or members)[-1]
