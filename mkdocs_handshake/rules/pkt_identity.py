"""PKT-001, PKT-002: a packet's id is its file name, and names one packet.

The board, dependencies and signatures all refer to packets by id
(protocol Part 5.1, 5.6, 6.1), so the id a file declares, its file name and
the other packets' ids are checked together here.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..findings.finding import Finding
from ..model.ids import PHASE
from ..model.basics import Loc
from ..model.packet import Packet
from .base import Rule, packet_rule, rule
from .context import PacketScope, RuleContext
from .pkt_reading import fold, packet_loc

_WP_ID = re.compile(rf"WP-{PHASE}-[A-Za-z0-9][A-Za-z0-9.\-]*", re.IGNORECASE)
_FILE_NAME = re.compile(rf"^WP-{PHASE}-[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?$")


@packet_rule("PKT-001", "error", "File name WP-{phase}-{name}.md and TASK_ID / WP_ID match it")
def packet_identity(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.1: a packet is ``# Task Packet: WP-{phase}-{name}`` with
    ``TASK_ID: WP-{phase}-{name}``, saved as ``WP-{phase}-{name}.md``. The
    board, dependencies and signatures all refer to packets by this id, so
    the file name and the TASK_ID / WP_ID it declares must agree (compared
    case-folded; decoration around the id such as backticks is ignored)."""
    if not _FILE_NAME.match(packet.id):
        loc, title = packet_loc(packet)
        yield rule_.finding(
            f"file name {packet.id}.md is not WP-{{phase}}-{{name}}.md (phase a number, name of letters, digits, '.' and '-')",
            Loc(packet.file, loc.line, loc.column), title, packet.id,
        )
    for name in ("TASK_ID", "WP_ID"):
        for occurrence in packet.fields.get(name, ()):
            if "validation" in fold(occurrence.section) or not occurrence.value.strip():
                continue
            match = _WP_ID.search(occurrence.value)
            written = match.group(0).rstrip(".-") if match else occurrence.value.strip()
            if fold(written) == fold(packet.id):
                continue
            yield rule_.finding(
                f"{name} says {written!r} but the file is {packet.id}.md; they must be the same id",
                occurrence.loc, occurrence.value, packet.id,
            )


@rule("PKT-002", "error", "No two packets share an id")
def duplicate_ids(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.6 and Part 6.1: a packet id names exactly one packet
    (a change makes a new variant such as ``-v2``). Two packet files whose
    ids are equal after case-folding (``WP-1-Foo`` / ``wp-1-foo``) or equal
    outright (the same id in two folders) are ambiguous everywhere the id is
    used. Every packet after the first is reported, naming the first."""
    first_by_id: dict[str, Packet] = {}
    for packet in ctx.model.packets:
        key = fold(packet.id)
        first = first_by_id.setdefault(key, packet)
        if first is packet:
            continue
        loc, title = packet_loc(packet)
        yield rule_.finding(
            f"packet id {packet.id} is already used by {first.file}; give this packet its own id (e.g. a -v2 variant)",
            loc, title, packet.id,
        )
