"""PKT-014: a packet past Draft is locked with the user's signature.

The lock (protocol Part 5.6 [CX-607]) is what makes a packet a contract;
whether the signature itself is well-formed and recorded is the SIG rules'
job. :func:`unsigned` is shared with the REMEDY rule, which asks the same
question of a lock.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..findings.finding import Finding
from ..model.packet import Packet
from ..model.basics import Status
from .base import Rule, packet_rule
from .context import PacketScope
from .pkt_reading import SIGNATURE_FIELD, fold, packet_loc

_UNSIGNED = frozenset({"", "pending", "tbd", "none", "n/a", "na", "-", "—", "todo", "unsigned"})


def unsigned(signature: str) -> bool:
    """True for an empty or placeholder signature (``<pending>``, ``TBD``)."""
    text = fold(signature).strip("`*_ ")
    return text.strip("<>{}[]") in _UNSIGNED or bool(re.fullmatch(r"[<{].*[>}]", text))


def _lock_label(packet: Packet) -> str:
    """The lock field as the packet writes it, for the message."""
    for occurrences in packet.fields.values():
        for occurrence in occurrences:
            if occurrence.loc.line == (packet.signature_loc.line if packet.signature_loc else -1):
                return occurrence.raw_name
    return "User Signature Locked"


@packet_rule("PKT-014", "error", "A packet past Draft is locked with a signature")
def packet_locked(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.6 [CX-607]: "Orchestrator MUST lock packet after
    creation" with ``**User Signature Locked:** {signature}``; the 2026-02
    packet template writes the lock as ``USER_SIGNATURE: {signature}`` in
    METADATA, and either field is the lock (``Packet.signature``). Every
    packet whose STATUS is past Draft (any known state but Draft) must carry
    one; absent, empty and ``<pending>`` are reported. A packet with no
    readable STATUS is not judged (PKT-004 / PKT-006 report the status
    first). The signature's format and audit trail are the SIG rules'.
    The missing lock is named as the profile in force names it."""
    lock_field = scope.profile.lock_fields[0] if scope.profile.lock_fields else SIGNATURE_FIELD
    if packet.status in (Status.DRAFT, Status.UNKNOWN):
        return
    if packet.signature_loc is None:
        loc, title = packet_loc(packet)
        yield rule_.finding(
            f"packet is {packet.status_raw or packet.status.value} but has no '{lock_field}:' line; lock it with the user's signature (Part 5.6)",
            loc, title, packet.id,
        )
    elif unsigned(packet.signature):
        yield rule_.finding(
            f"packet is {packet.status_raw or packet.status.value} but its lock ({_lock_label(packet)}) is {repr(packet.signature) if packet.signature else 'empty'}; lock it with the user's signature",
            packet.signature_loc, packet.signature, packet.id,
        )
