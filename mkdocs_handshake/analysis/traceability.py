"""DONE_MEANS items and the facts about them every consumer shares.

Part 5.4: "Every DONE_MEANS MUST map 1:1 to SPEC_ANCHOR requirement". This
module says what an *item* is (:func:`done_entries`), which items are
verification steps rather than spec obligations (:func:`is_verification`),
how ``§`` references are found, and which packets are *live*
(:func:`live_packets`): the traceability matrix counts coverage only from
those. The matcher that ties an item to a requirement is
:mod:`mkdocs_handshake.analysis.mapping`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Mapping

from ..model.governance import GovernanceModel
from ..model.basics import Lifecycle
from ..model.packet import ListItem, Packet
from ..parse.anchors import find_section_refs

# Verification items (Part 3.5 Field 8: "Includes validation success: 'All
# tests pass', 'AI review passes'"; Part 5.4: "Validator sign-off (PASS
# verdict)"). Matched on NFC + casefolded text. A pass word listed with
# "fail" ("typed PASS, FAIL, BLOCKED ... results", "does not self-claim
# PASS/FAIL") names the outcomes a check can have, not that one passed;
# "approval" names a step or a record ("missing approval", "validation and
# approval evidence"), where "approved" says how one ended.
_PASS_WORDS = r"(?:pass(?:es|ed|ing)?|green|succeed(?:s|ed)?|success(?:ful(?:ly)?)?|clean|ok|approv(?:es|ed)|sign[- ]?off)(?!\s*[/,]\s*fail)"
_VERIFICATION = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\btests?\b.*\b{_PASS_WORDS}",
        r"^\W*tests?\b.*\bcover",
        rf"\bvalidat(?:or|ion)\b.*\b(?:{_PASS_WORDS}|verdict)",
        r"\bpost-?work\b",
        r"\bpre-?work\b",
        r"\bai-?review\b",
        r"\bjust\s+(?:validate|validator-[\w-]+|cargo-clean)\b",
        r"\bcargo\s+(?:test|clippy|fmt|deny|build)\b.*\b(?:pass|clean|succeed|warnings?|errors?|0)\b",
        r"\b(?:npm|pnpm)\b.*\b(?:audit|lint|test|build)\b.*\b(?:pass|clean|succeed|errors?|0)\b",
        rf"\bci\b.*\b{_PASS_WORDS}",
        r"\bforbidden[- ]patterns?\b",
        r"\bno forbidden\b",
        r"\baudit\b.*\b(?:zero|no) (?:matches|violations|findings|hits)\b",
        r"\bevidence[- ]mapping\b",
        r"\btest_plan\b.*\b(?:executed|run|ran|pass)",
        r"\bbuild\b.*\b(?:succeeds?|passes|exit code (?:of )?0|no (?:typescript )?errors)\b",
    )
)


def live_packets(model: GovernanceModel) -> tuple[Packet, ...]:
    """The packets whose DONE_MEANS count as coverage: active work and
    closed (validated) work, not history that a later revision replaced,
    stubs or packets on no board. The lifecycle (see
    :mod:`mkdocs_handshake.protocol.lifecycle`) decides, so the matrix, the DONE
    rules and the pages agree on it."""
    return tuple(packet for packet in model.packets if packet.lifecycle in (Lifecycle.ACTIVE, Lifecycle.CLOSED))


def fold(text: str) -> str:
    """NFC + casefold: the comparison form required by Part 1 PRIORITY_7."""
    return unicodedata.normalize("NFC", text).casefold()


def is_verification(text: str) -> bool:
    """True for items that state a check passed rather than a spec obligation."""
    folded = fold(text)
    return any(pattern.search(folded) for pattern in _VERIFICATION)


# --------------------------------------------------------------------------
# Packet side
# --------------------------------------------------------------------------


def done_entries(packet: Packet) -> tuple[tuple[ListItem, str], ...]:
    """``(item, group header)`` for every DONE_MEANS item of the packet.

    Every DONE_MEANS block counts: a packet that repeats the field (a later
    revision section with its own DONE_MEANS) has items in each. An item
    with sub-items ("SPEC 10.5.5.1 Problems MUST:" over five criteria) is a
    group header, not an item: its leaves are the items, and the header's
    text comes with them as context (it often carries the citation). A
    field written inline (``DONE_MEANS: the build exits 0``) is one item
    at the field's own location."""
    entries: list[tuple[ListItem, str]] = []
    for occurrence in packet.fields.get("DONE_MEANS", ()):
        if occurrence.items:
            for item in occurrence.items:
                entries.extend(_leaves(item, ""))
        elif occurrence.value.strip():
            entries.append((ListItem(occurrence.value.strip(), occurrence.loc), ""))
    return tuple(entries)


def _leaves(item: ListItem, header: str) -> list[tuple[ListItem, str]]:
    if not item.children:
        return [(item, header)]
    context = f"{header} {item.text}".strip()
    found: list[tuple[ListItem, str]] = []
    for child in item.children:
        found.extend(_leaves(child, context))
    return found


def done_items(packet: Packet) -> tuple[ListItem, ...]:
    """The DONE_MEANS items of ``packet`` (see :func:`done_entries`)."""
    return tuple(item for item, _ in done_entries(packet))


def item_text(item: ListItem) -> str:
    """An item's text with its sub-items, which elaborate the same point."""
    parts = [item.text]
    stack = list(item.children)
    while stack:
        child = stack.pop(0)
        parts.append(child.text)
        stack[:0] = list(child.children)
    return " ".join(part for part in parts if part)


def section_refs(text: str) -> list[tuple[str, int]]:
    """``(number, offset)`` of every §-reference in ``text``."""
    return [(number.rstrip("."), offset) for number, offset in find_section_refs(text)]


def section_ref_text(text: str, offset: int, number: str) -> str:
    """The reference as written at ``offset`` ("§2.3.12.1", "§ 4.6", "Section 2.6.1")."""
    end = text.find(number, offset)
    return text[offset:end + len(number)] if end >= 0 else number


def within_anchors(number: str, anchored: Mapping[str, object]) -> str | None:
    """The anchored section that ``number`` is, or lies under (a citation of
    §2.6.6.7.11.6 is inside an anchor of §2.6.6.7.11); None when outside."""
    if number in anchored:
        return number
    for anchor in anchored:
        if number.startswith(anchor + "."):
            return anchor
    return None


def number_key(number: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order for section numbers and chapter names: ``2.10`` after
    ``2.9``, numeric parts before alphabetic ones (appendix ``A``)."""
    key: list[tuple[int, int, str]] = []
    for part in number.split("."):
        if part.isdigit():
            key.append((0, int(part), ""))
        else:
            key.append((1, 0, part))
    return tuple(key)
