"""The live revision of a work packet: which ``-vN`` of a family counts now.

A base WP is revised by new packets (``WP-1-X-v2``, ``-v3``) and the old
ones stay as history. A dependency on any member of the family means the
work, so blockers and clocks must be read off the revision that is live:
the one the WP traceability registry names for the base, else the newest
revision the board does not list as superseded, else the newest ``-vN``.
"""

from __future__ import annotations

from typing import Iterable

from .ids import variant_of
from .model import GovernanceModel, Lifecycle, Packet


def family(packets: Iterable[Packet], wp: str) -> list[Packet]:
    """Every packet of ``wp``'s family, oldest revision first."""
    base = variant_of(wp)[0]
    return sorted((packet for packet in packets if variant_of(packet.id)[0] == base), key=lambda packet: (variant_of(packet.id)[1], packet.id))


def live_revision(model: GovernanceModel, packet: Packet) -> Packet:
    """The revision of ``packet``'s family that counts now: the registry's
    active packet for the base, else the newest revision not superseded,
    else the newest revision; ``packet`` itself when it has no other."""
    members = family(model.packets, packet.id)
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
