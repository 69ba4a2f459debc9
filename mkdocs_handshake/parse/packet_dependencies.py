"""Which packets a task packet waits for, and which wait for it.

Dependencies are written many ways: a ``Depends on`` / ``Blocks`` field, a
list under a Dependencies heading whose items carry their own label
(``Requires:``, ``Enables:``), a clause that says the direction ("is a
prerequisite for WP-X"). Reading the direction is a job of its own; the
result is ``Packet.depends_on`` and ``Packet.blocks``.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..model.ids import WP_ID
from ..model.packet import FieldOccurrence, WpRef
from ..model.basics import Loc
from .packet_labels import LABEL, canonical_field, label_key
from .packet_markdown import PacketContext, item_text_loc


def wp_refs(text: str, loc: Loc) -> list[WpRef]:
    """Every WP id in ``text`` with its column and the note written after it."""
    matches = list(WP_ID.finditer(text))
    refs: list[WpRef] = []
    for position, match in enumerate(matches):
        wp = match.group(0).rstrip(".-")
        note_end = matches[position + 1].start() if position + 1 < len(matches) else len(text)
        note = text[match.start() + len(wp):note_end].strip(" \t,;:.-—")
        refs.append(WpRef(wp, Loc(loc.file, loc.line, loc.column + match.start()), note))
    return refs


_DEPENDENCY_FIELDS = ("Dependencies", "Depends on")
# Labels of the items under a Dependencies heading, by the direction they
# give: "depends" (this packet waits for the WP named) or "blocks" (the WP
# named waits for this packet). Labels that are fields of their own
# (Depends on, Blocks, Blocker) are read as those fields and skipped here.
_ITEM_DIRECTIONS: dict[str, str] = {
    "requires": "depends", "required": "depends", "prerequisites": "depends", "prerequisite": "depends",
    "upstream": "depends", "waits on": "depends", "waits for": "depends", "needs": "depends",
    "enables": "blocks", "unblocks": "blocks", "downstream": "blocks", "blocking": "blocks",
}
# Phrases of a clause before a WP id that say which way it points; they
# override the field ("Dependencies: this packet is a prerequisite for
# WP-X"), and a supersede note is no dependency at all.
_CLAUSE_DIRECTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bsupersed|\breplac", re.IGNORECASE), "none"),
    (re.compile(r"\bprerequisite for\b|\bunblocks?\b|\benables?\b|\bdownstream\b|\bblocks\b", re.IGNORECASE), "blocks"),
    (re.compile(r"\bdepends? on\b|\brequires?\b|\bblocked by\b|\bwaits? (?:on|for)\b|\bafter\b", re.IGNORECASE), "depends"),
)
_CLAUSE_END = re.compile(r"[.;]\s|[.;]$|\n")


def _clause_direction(text: str, position: int) -> str | None:
    """The direction the clause holding ``text[position]`` gives, if any."""
    starts = [match.end() for match in _CLAUSE_END.finditer(text, 0, position)]
    clause = text[starts[-1] if starts else 0:position]
    for pattern, direction in _CLAUSE_DIRECTIONS:
        if pattern.search(clause):
            return direction
    return None


def _directed_refs(text: str, loc: Loc, default: str) -> Iterator[tuple[str, WpRef]]:
    for ref in wp_refs(text, loc):
        position = ref.loc.column - loc.column
        yield _clause_direction(text, position) or default, ref


def dependency_refs(ctx: PacketContext, fields: dict[str, tuple[FieldOccurrence, ...]]) -> tuple[tuple[WpRef, ...], tuple[WpRef, ...]]:
    """``(depends_on, blocks)`` of a packet in file order (module docstring).
    Items are read from their source text, so columns are exact."""
    found: dict[str, list[WpRef]] = {"depends": [], "blocks": []}
    for name in (*_DEPENDENCY_FIELDS, "Blocks"):
        default = "blocks" if name == "Blocks" else "depends"
        for occurrence in fields.get(name, ()):
            texts = [(occurrence.value, occurrence.loc, default)] if occurrence.value else []
            stack = [(item, default) for item in reversed(occurrence.items)]
            while stack:
                item, direction = stack.pop()
                text, loc = item_text_loc(ctx, item)
                label = LABEL.match(text)
                if label:
                    if canonical_field(label.group("name")) in (*_DEPENDENCY_FIELDS, "Blocks"):
                        continue  # read as a field of its own
                    direction = _ITEM_DIRECTIONS.get(label_key(label.group("name")), direction)
                texts.append((text, loc, direction))
                stack.extend((child, direction) for child in reversed(item.children))
            for text, loc, direction in texts:
                for way, ref in _directed_refs(text, loc, direction):
                    if way in found:
                        found[way].append(ref)
    def ordered(refs: list[WpRef]) -> tuple[WpRef, ...]:
        return tuple(sorted(dict.fromkeys(refs), key=lambda ref: (ref.loc.line, ref.loc.column)))

    return ordered(found["depends"]), ordered(found["blocks"])
