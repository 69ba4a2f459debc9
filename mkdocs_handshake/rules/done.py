"""DONE rules: DONE_MEANS map 1:1 to the anchored requirements (Part 5.4, Part 8).

The mapping itself lives in :mod:`mkdocs_handshake.traceability`; the loader
stores it in ``model.done_mappings`` and these rules only judge it (and
compute it for models built without the loader).
"""

from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..model import DoneMapping, Loc, Packet
from ..traceability import (
    anchored_sections,
    coverage,
    done_items,
    map_done_means,
    section_ref_text,
    section_refs,
    within_anchors,
)
from ..resolve import pick_section
from .base import Rule, rule
from .context import RuleContext


def packet_mappings(ctx: RuleContext, packet: Packet) -> tuple[DoneMapping, ...]:
    """The loader's mapping for ``packet`` when present, else a fresh one."""
    stored = ctx.model.done_mappings.get(packet.id)
    if stored is not None:
        return stored
    return map_done_means(packet, ctx.sections_by_number)


def _anchor_list(packet: Packet) -> str:
    numbers = [f"§{anchor.number}" for anchor in packet.spec_anchors if anchor.number]
    return ", ".join(dict.fromkeys(numbers)) or "none that name a section"


@rule("DONE-001", "error", "Every DONE_MEANS item maps to a requirement of an anchored section")
def done_item_unmapped(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 5.4: "Every DONE_MEANS MUST map 1:1 to SPEC_ANCHOR requirement" —
    by citation (``§2.3.12.3, requirement 1``, ``[HSK-WF-002]``) or by quoting
    the requirement; verification items ("All tests pass", "Validator PASS")
    are the protocol's own additions and need no mapping (Part 3.5 Field 8).
    Blanket items ("spec requirements ... fully implemented") name no
    requirement and are reported."""
    if ctx.model.spec is None:
        return  # nothing to map to: SPEC-001 / PARSE-001 report the missing spec
    for packet in ctx.model.packets:
        mappings = packet_mappings(ctx, packet)
        mapped = {(m.item.loc, m.item.text) for m in mappings if m.kind != "unmapped"}
        reported: set[tuple[Loc, str]] = set()
        for mapping in mappings:
            key = (mapping.item.loc, mapping.item.text)
            if mapping.kind != "unmapped" or key in mapped or key in reported:
                continue
            reported.add(key)
            yield rule.finding(_unmapped_message(packet, mapping, ctx), mapping.item.loc, mapping.item.source or mapping.item.text, packet.id)


def _unmapped_message(packet: Packet, mapping: DoneMapping, ctx: RuleContext) -> str:
    anchors = _anchor_list(packet)
    if mapping.requirement_index and mapping.section:
        section = pick_section(ctx.sections_by_number.get(mapping.section, ()))
        count = len(section.requirements) if section else 0
        return (
            f"DONE_MEANS item cites requirement {mapping.requirement_index} of §{mapping.section}, "
            f"which has {count} normative requirement{'s' if count != 1 else ''}; cite an existing requirement"
        )
    if mapping.section and within_anchors(mapping.section, anchored_sections(packet, ctx.sections_by_number)):
        return f"DONE_MEANS item cites §{mapping.section}, which is not a section of the current spec; cite an existing requirement of the anchor ({anchors})"
    if mapping.section:
        return (
            f"DONE_MEANS item cites §{mapping.section}, outside SPEC_ANCHOR ({anchors}), and matches no requirement "
            "of the anchored sections; map it to an anchored requirement (e.g. '§N.N, requirement 2') or anchor that section"
        )
    resolved = anchored_sections(packet, ctx.sections_by_number)
    if resolved and not any(section.requirements for section in resolved.values()):
        # Nothing to map to: the anchor, not the item, is what needs fixing.
        return (
            f"DONE_MEANS item maps to no requirement: the anchored "
            f"{'sections' if len(resolved) > 1 else 'section'} ({anchors}) {'state' if len(resolved) > 1 else 'states'} "
            "no MUST/SHOULD requirement; Part 5.4 ties each item to one, so anchor the section whose "
            "requirement this item proves"
        )
    return (
        f"DONE_MEANS item maps to no requirement of SPEC_ANCHOR ({anchors}); Part 5.4 wants each item tied 1:1 to a "
        "requirement, e.g. '(§N.N, requirement 2)' or '[REQ-ID]', or the requirement's own wording"
    )


@rule("DONE-002", "error", "Every MUST of each anchored section is covered by a DONE_MEANS item")
def must_uncovered(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 5.4 maps DONE_MEANS 1:1 to the anchor's requirements, so each MUST
    of an anchored section needs an item that cites or states it. Anchors
    that do not resolve are left to ANCHOR-002; packets without DONE_MEANS
    to PKT-004. Anchors into the Roadmap / future-phase part are left to
    ANCHOR-003: Part 5.2 says the Roadmap only points at the Main Body, which
    alone defines Done, so a Roadmap MUST is no Done criterion (on the
    reference corpus, three packets anchoring §7.6.3 drew 23 findings each
    for one wrong anchor)."""
    for packet in ctx.model.packets:
        occurrence = packet.field("DONE_MEANS")
        if occurrence is None or not done_items(packet):
            continue
        covered = coverage(packet, ctx.sections_by_number, packet_mappings(ctx, packet))
        for number, requirements in covered.items():
            if requirements and not requirements[0].section.main_body:
                continue
            for entry in requirements:
                requirement = entry.requirement
                if requirement.strength != "MUST" or entry.covered:
                    continue
                label = f" [{', '.join(requirement.ids)}]" if requirement.ids else ""
                quoted = requirement.text if len(requirement.text) <= 160 else requirement.text[:157] + "..."
                # The finding sits on the packet's DONE_MEANS label (what must
                # change) and quotes that label; the uncovered sentence and its
                # place in the spec are in the message.
                yield rule.finding(
                    f"MUST requirement {requirement.index}{label} of anchored §{number} "
                    f"({requirement.loc.file}:{requirement.loc.line}: \"{quoted}\") is covered by no DONE_MEANS item; "
                    f"add an item that cites it ('§{number}, requirement {requirement.index}') or narrow SPEC_ANCHOR",
                    occurrence.loc,
                    occurrence.raw_name,
                    packet.id,
                )


@rule("DONE-003", "warning", "A DONE_MEANS item cites a section that is not anchored")
def cites_unanchored(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 5.4 / Part 8: DONE_MEANS are bounded by SPEC_ANCHOR; an item
    citing a section outside the anchors (or their subsections) invents
    scope the packet was not signed for."""
    for packet in ctx.model.packets:
        anchored = {anchor.number: anchor for anchor in packet.spec_anchors if anchor.number}
        for item in done_items(packet):
            # The line as written when the parser kept it: offsets in it are
            # true columns (the readable text has lost its backticks).
            written = item.source or item.text
            for number, offset in section_refs(written):
                if within_anchors(number, anchored) is not None:
                    continue
                excerpt = section_ref_text(written, offset, number)
                yield rule.finding(
                    f"DONE_MEANS item cites §{number}, which is not among the packet's anchors ({_anchor_list(packet)}); "
                    "add it to SPEC_ANCHOR or cite the anchored section",
                    Loc(item.loc.file, item.loc.line, item.loc.column + offset),
                    excerpt,
                    packet.id,
                )
