"""PKT-006, PKT-007: a packet's STATUS and RISK_TIER are ones the protocol knows.

Both fields decide what happens to the packet next: STATUS whether it may
be worked on (protocol Part 5.1, 6.2), RISK_TIER how much verification the
work gets and what the packet must list for it (Part 3.5, 5.1).
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from ..findings.finding import Finding
from ..model.packet import FieldOccurrence, Packet
from ..model.basics import Status
from .base import Rule, packet_rule
from .context import PacketScope
from .pkt_reading import current, field_excerpt, fold, has_content, units

ALLOWED_STATUSES = frozenset({
    Status.READY_FOR_DEV, Status.IN_PROGRESS, Status.DONE, Status.BLOCKED, Status.VALIDATED, Status.SUPERSEDED,
})

_RISK_TIER = re.compile(r"^[\W_]*(LOW|MEDIUM|HIGH)\b[\W_]*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_LEVEL_ITEM = re.compile(r"^\s*level\s*:", re.IGNORECASE)


@packet_rule("PKT-006", "error", "STATUS is a protocol state")
def packet_status(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.1 (``STATUS: {Ready-for-Dev|In-Progress|Done|Blocked}``)
    and Part 6.2: a packet is in one of the four working states, or in a
    recorded state (VALIDATED, Superseded). Draft, TBD, Pending, Waiting and
    Proposed are forbidden: a packet is not delegated until it is ready.
    Spellings are normalised ("READY FOR DEV 🔴", "HARD-VALIDATED (date)").
    A packet with no STATUS at all is PKT-004's finding."""
    if packet.status in ALLOWED_STATUSES or packet.status_loc is None:
        return
    if packet.status is Status.DRAFT:
        message = f"STATUS {packet.status_raw!r} is a draft state; a packet is written only when it is Ready-for-Dev"
    else:
        message = f"STATUS {packet.status_raw!r} is not a protocol state; use Ready-for-Dev, In-Progress, Done or Blocked (VALIDATED / Superseded as recorded states)"
    yield rule_.finding(message, packet.status_loc, packet.status_raw, packet.id)


def _text_of(occurrences: Iterable[FieldOccurrence]) -> str:
    return "\n".join(unit.text for occurrence in occurrences for unit in units(occurrence))


def _justified(occurrence: FieldOccurrence) -> bool:
    """A RISK_TIER occurrence says why: words after the tier in its value,
    or an item under it other than the "Level: X" line of the heading form."""
    match = _RISK_TIER.match(occurrence.value)
    if match and match.group("rest").strip(" -–—:()*"):
        return True
    return any(item.text.strip() and not _LEVEL_ITEM.match(item.text) for item in occurrence.items)


@packet_rule("PKT-007", "error", "RISK_TIER valid and justified, with what the protocol asks of its tier")
def risk_tier(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.1 (``RISK_TIER: LOW | MEDIUM | HIGH``) and Part 3.5:
    the tier decides how much verification the work gets, so it must be one
    of the three with a justification (text after the tier, or a
    Justification / Rationale item under it, in any RISK_TIER occurrence).
    What a tier asks for more comes from the profile: in the 2025-12
    protocol a HIGH packet lists HARDENED_INVARIANTS and MEDIUM and HIGH
    packets run ``just ai-review`` in their TEST_PLAN; the review command is
    not asked for once the repository's protocol text no longer names it.
    Each broken part is its own finding, since each has its own fix. A
    missing RISK_TIER is PKT-004's."""
    profile = scope.profile
    high_requires = profile.high_requires
    review = profile.review_command if profile.review_command and scope.protocol_says(profile.review_command) else ""
    tier_field = current(packet, "RISK_TIER")
    if tier_field is None or not has_content(tier_field):
        return
    match = _RISK_TIER.match(tier_field.value)
    if match is None:
        shown = tier_field.value or (tier_field.items[0].text if tier_field.items else "")
        yield rule_.finding(
            f"RISK_TIER {shown!r} is not LOW, MEDIUM or HIGH", tier_field.loc, field_excerpt(tier_field), packet.id
        )
        return
    tier = match.group(1).upper()
    occurrences = packet.fields.get("RISK_TIER", ())
    justified = any(_justified(occurrence) for occurrence in occurrences)
    if not justified:
        yield rule_.finding(
            f"RISK_TIER {tier} has no justification; say why (e.g. '{tier} - touches storage migrations')",
            tier_field.loc, field_excerpt(tier_field), packet.id,
        )
    if tier == "HIGH":
        for name in high_requires:
            if not any(has_content(occurrence) for occurrence in packet.fields.get(name, ())):
                yield rule_.finding(
                    f"RISK_TIER is HIGH but {name} is missing or empty; list the invariants the work must not break",
                    tier_field.loc, field_excerpt(tier_field), packet.id,
                )
    if tier in ("MEDIUM", "HIGH") and review:
        plan = packet.fields.get("TEST_PLAN", ())
        if plan and fold(review) not in fold(_text_of(plan)):
            target = current(packet, "TEST_PLAN") or plan[-1]
            yield rule_.finding(
                f"RISK_TIER is {tier} but TEST_PLAN does not run `{review}`; add it",
                target.loc, field_excerpt(target), packet.id,
            )
