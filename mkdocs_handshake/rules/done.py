"""DONE rules: DONE_MEANS map 1:1 to the anchored requirements (Part 5.4, Part 8).

The mapping itself lives in :mod:`mkdocs_handshake.analysis.mapping`; the loader
stores it in ``model.done_mappings`` and these rules only judge it (and
compute it for models built without the loader).
"""

from __future__ import annotations

from typing import Iterator

from ..findings.finding import Finding
from ..analysis.mapping_scope import anchored
from ..analysis.mapping_coverage import coverage
from ..analysis.mapping import map_done_means
from ..model.packet import DoneMapping, Packet
from ..model.basics import Loc
from ..model.spec import Requirement
from ..analysis.resolve import pick_section
from ..analysis.traceability import done_items, live_packets, section_ref_text, section_refs, within_anchors
from .anchor import broad_anchors
from .base import Rule, rule
from .context import RuleContext


def packet_mappings(ctx: RuleContext, packet: Packet) -> tuple[DoneMapping, ...]:
    """The loader's mapping for ``packet`` when present, else a fresh one."""
    stored = ctx.model.done_mappings.get(packet.id)
    if stored is not None:
        return stored
    return map_done_means(packet, ctx.requirement_index)


def _anchor_list(packet: Packet) -> str:
    numbers = [f"§{anchor.number}" for anchor in packet.spec_anchors if anchor.number]
    return ", ".join(dict.fromkeys(numbers)) or "none that name a section"


def _quoted(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return f"'{text if len(text) <= limit else text[: limit - 3] + '...'}'"


@rule("DONE-001", "error", "Every DONE_MEANS item maps to a requirement of an anchored section")
def done_item_unmapped(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 5.4: "Every DONE_MEANS MUST map 1:1 to SPEC_ANCHOR requirement" —
    by citation (``§2.3.12.3, requirement 1``, ``[HSK-WF-002]``), a shared
    identifier, or the requirement's own wording; verification items ("All
    tests pass", "Validator PASS") are the protocol's own additions and need
    no mapping (Part 3.5 Field 8). Blanket items ("spec requirements ...
    fully implemented") name no requirement and are reported.

    One finding per packet: the unmapped items are one problem of one
    packet (its DONE_MEANS and its anchor disagree), listed in the message
    and, one line each, in the finding's details. Each says what was tried:
    the nearest requirement, its score and the bar it missed. Packets that
    are history (superseded, or replaced by a later variant) are not judged."""
    if ctx.model.spec is None:
        return  # nothing to map to: SPEC-001 / PARSE-001 report the missing spec
    for packet in live_packets(ctx.model):
        mappings = packet_mappings(ctx, packet)
        mapped = {(m.item.loc, m.item.text) for m in mappings if m.kind != "unmapped"}
        unmapped: list[DoneMapping] = []
        seen: set[tuple[Loc, str]] = set()
        for mapping in mappings:
            key = (mapping.item.loc, mapping.item.text)
            if mapping.kind == "unmapped" and key not in mapped and key not in seen:
                seen.add(key)
                unmapped.append(mapping)
        if not unmapped:
            continue
        reasons = [_why(packet, mapping, ctx) for mapping in unmapped]
        first = unmapped[0]
        count = len(unmapped)
        anchors = _anchor_list(packet)
        head = (
            f"{count} DONE_MEANS item{'s' if count != 1 else ''} of {packet.id} map{'s' if count == 1 else ''} to no requirement "
            f"of SPEC_ANCHOR ({anchors}): "
        )
        listed = "; ".join(f"{_quoted(m.item.text)} ({reason})" for m, reason in zip(unmapped, reasons))
        advice = _advice(packet, ctx)
        details = tuple(f"{m.item.loc}: {_quoted(m.item.text, 160)}: {reason}" for m, reason in zip(unmapped, reasons))
        yield rule.finding(head + listed + "; " + advice, first.item.loc, first.item.source or first.item.text, packet.id, details=details)


def _why(packet: Packet, mapping: DoneMapping, ctx: RuleContext) -> str:
    """What was tried for one unmapped item."""
    sections = ctx.sections_by_number
    if mapping.requirement_index and mapping.section:
        section = pick_section(sections.get(mapping.section, ()))
        count = len(section.requirements) if section else 0
        return (
            f"cites requirement {mapping.requirement_index} of §{mapping.section}, which has {count} "
            f"normative requirement{'s' if count != 1 else ''}"
        )
    anchors = anchored(packet, sections, ctx.model.spec)
    if mapping.section and within_anchors(mapping.section, anchors):
        return f"cites §{mapping.section}, which is not a section of the current spec"
    if mapping.section:
        return f"cites §{mapping.section}, outside SPEC_ANCHOR"
    if not anchors:
        return "no anchored section resolves, so there was nothing to match"
    if not any(section.requirements for section in anchors.values()) and not mapping.nearest_section:
        return "the anchored sections state no MUST/SHOULD requirement"
    if mapping.nearest_section:
        terms = f", shared {', '.join(mapping.terms[:4])}" if mapping.terms else ", no shared terms"
        return (
            f"nearest requirement: §{mapping.nearest_section} requirement {mapping.nearest_index}, "
            f"score {mapping.nearest_score:.2f}, below {mapping.threshold:.2f}{terms}"
        )
    return "no requirement of the anchored sections shares a term with it"


def _advice(packet: Packet, ctx: RuleContext) -> str:
    anchors = anchored(packet, ctx.sections_by_number, ctx.model.spec)
    if anchors and not any(section.requirements for section in anchors.values()):
        return "the anchor states no requirement: anchor the section whose requirements these items prove"
    return "tie each to a requirement, e.g. '(§N.N, requirement 2)' or '[REQ-ID]', or use the requirement's own wording"


@rule("DONE-002", "error", "Every MUST of each anchored section is covered by a DONE_MEANS item")
def must_uncovered(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 5.4 maps DONE_MEANS 1:1 to the anchor's requirements, so each MUST
    of an anchored section needs an item that cites or states it. Anchors
    that do not resolve are left to ANCHOR-002; packets without DONE_MEANS
    to PKT-004. Anchors into the Roadmap / future-phase part are left to
    ANCHOR-003: Part 5.2 says the Roadmap only points at the Main Body, which
    alone defines Done, so a Roadmap MUST is no Done criterion.

    A section anchored too broadly (a chapter, or a section with numbered
    subsections) is left to ANCHOR-004 while that rule is in force: the fix
    is to narrow the anchor, after which its own MUSTs are no longer
    anchored, so listing them as uncovered would be the same problem twice.

    One finding per packet, on its DONE_MEANS label: the uncovered MUSTs are
    one problem (the DONE_MEANS do not cover the anchor), listed in the
    message and one per line in the details. Packets that are history
    (superseded, or replaced by a later variant) are not judged: their items
    prove nothing any more (:func:`~mkdocs_handshake.analysis.traceability.live_packets`)."""
    live = {id(packet) for packet in live_packets(ctx.model)}
    too_broad = {(id(packet), anchor.number) for packet, anchor, _, _ in broad_anchors(ctx)} if ctx.applies("ANCHOR-004") else set()
    for packet in ctx.model.packets:
        occurrence = packet.field("DONE_MEANS")
        if occurrence is None or not done_items(packet) or id(packet) not in live:
            continue
        covered = coverage(packet, ctx.sections_by_number, packet_mappings(ctx, packet), ctx.model.spec)
        missing: list[tuple[str, Requirement]] = []
        for number, requirements in covered.items():
            if (requirements and not requirements[0].section.main_body) or (id(packet), number) in too_broad:
                continue
            missing.extend((number, entry.requirement) for entry in requirements if entry.requirement.strength == "MUST" and not entry.covered)
        if not missing:
            continue
        described = [_must(number, requirement) for number, requirement in missing]
        shown = "; ".join(described[:_LISTED]) + (f"; and {len(described) - _LISTED} more (see details)" if len(described) > _LISTED else "")
        count = len(missing)
        first_number, first = missing[0]
        # The finding sits on the packet's DONE_MEANS label (what must change)
        # and quotes that label; the uncovered sentences and their places in
        # the spec are in the message and the details.
        yield rule.finding(
            f"{count} MUST requirement{'s' if count != 1 else ''} of the anchored sections "
            f"{'are' if count != 1 else 'is'} covered by no DONE_MEANS item: {shown}; add items that cite them "
            f"(e.g. '§{first_number}, requirement {first.index}') or narrow SPEC_ANCHOR",
            occurrence.loc,
            occurrence.raw_name,
            packet.id,
            details=tuple(_must(number, requirement, where=False) for number, requirement in missing),
        )


_LISTED = 5


def _must(number: str, requirement: Requirement, where: bool = True) -> str:
    """``requirement 2 [ID] of §N (file:line: "text")`` for the message, or
    ``file:line: requirement 2 [ID] of §N: "text"`` for a detail line."""
    label = f" [{', '.join(requirement.ids)}]" if requirement.ids else ""
    quoted = requirement.text if len(requirement.text) <= 160 else requirement.text[:157] + "..."
    if where:
        return f"requirement {requirement.index}{label} of §{number} ({requirement.loc}: \"{quoted}\")"
    return f"{requirement.loc}: requirement {requirement.index}{label} of §{number}: \"{quoted}\""


@rule("DONE-003", "warning", "A DONE_MEANS item cites a section that is not anchored")
def cites_unanchored(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 5.4 / Part 8: DONE_MEANS are bounded by SPEC_ANCHOR; an item
    citing a section outside the anchors (or their subsections) invents
    scope the packet was not signed for. The message says what the matcher
    made of the item within the anchors, so the fix (re-anchor, or re-cite)
    is plain. Packets that are history are not judged."""
    for packet in live_packets(ctx.model):
        anchor_numbers: dict[str, object] = {anchor.number: anchor for anchor in packet.spec_anchors if anchor.number}
        anchor_numbers.update(anchored(packet, ctx.sections_by_number, ctx.model.spec))
        by_item: dict[tuple[Loc, str], list[DoneMapping]] = {}
        for mapping in packet_mappings(ctx, packet):
            by_item.setdefault((mapping.item.loc, mapping.item.text), []).append(mapping)
        for item in done_items(packet):
            # The line as written when the parser kept it: offsets in it are
            # true columns (the readable text has lost its backticks).
            written = item.source or item.text
            for number, offset in section_refs(written):
                if within_anchors(number, anchor_numbers) is not None:
                    continue
                excerpt = section_ref_text(written, offset, number)
                within = _within_anchors_note(by_item.get((item.loc, item.text), []))
                yield rule.finding(
                    f"DONE_MEANS item cites §{number}, which is not among the packet's anchors ({_anchor_list(packet)}); "
                    f"{within}; add §{number} to SPEC_ANCHOR or cite the anchored requirement",
                    Loc(item.loc.file, item.loc.line, item.loc.column + offset),
                    excerpt,
                    packet.id,
                )


def _within_anchors_note(mappings: list[DoneMapping]) -> str:
    """What the matcher found for the item inside the anchors."""
    covering = [m for m in mappings if m.covers]
    if covering:
        first = covering[0]
        return f"within the anchors it maps to §{first.section} requirement {first.requirement_index} ({first.kind}, score {first.score:.2f})"
    nearest = next((m for m in mappings if m.nearest_section), None)
    if nearest is not None:
        return (
            f"within the anchors the nearest requirement is §{nearest.nearest_section} requirement {nearest.nearest_index}, "
            f"score {nearest.nearest_score:.2f}, below {nearest.threshold:.2f}"
        )
    return "within the anchors it shares no term with any requirement"
