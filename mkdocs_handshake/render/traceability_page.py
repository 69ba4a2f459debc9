"""Traceability: spec requirement -> DONE_MEANS item, and packet -> sections.

The reference spec has thousands of sections, so the page does not list the
whole spec. It shows in full the sections packets anchor (with each
requirement and the DONE_MEANS items that cover it; a MUST an anchoring
packet leaves uncovered is marked UNCOVERED, which is what DONE-002
reports), then only a per-chapter list of Main Body sections with MUST
requirements that no packet anchors yet, then the packet -> sections view.
A chapter filter (a select box the script reveals) narrows the section views;
without the script every section is simply shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import ListItem, Packet, Requirement, Section
from .context import RenderContext, chapter_of, section_anchor
from .escape import html_text, md_code
from .site import (
    anchors_by_section,
    body_badge,
    chapter_title,
    done_mappings_for,
    html_section_link,
    html_wp_link,
    join_blocks,
    link_section_refs,
    md_section_link,
    md_wp_link,
    number_key,
    requirement_anchor,
    shorten,
    sorted_packet_ids,
    status_badge,
)

REQUIREMENT_CHARS = 300
ITEM_CHARS = 160


@dataclass(frozen=True)
class Cover:
    """One DONE_MEANS item that maps to a requirement."""

    wp: str
    number: int  # 1-based position among the packet's DONE_MEANS items
    item: ListItem
    kind: str


@dataclass(frozen=True)
class RequirementCoverage:
    section: str
    requirement: Requirement
    covered_by: tuple[Cover, ...]
    missing_in: tuple[str, ...]  # anchoring packets with no item covering it

    @property
    def uncovered(self) -> bool:
        """A MUST that some anchoring packet does not cover (DONE-002)."""
        return self.requirement.strength == "MUST" and bool(self.missing_in)


@dataclass(frozen=True)
class SectionCoverage:
    section: Section
    anchored_by: tuple[str, ...]
    requirements: tuple[RequirementCoverage, ...]


def covers_by_requirement(ctx: RenderContext) -> dict[tuple[str, int], tuple[Cover, ...]]:
    """(section number, requirement index) -> DONE_MEANS items mapped to it."""
    index: dict[tuple[str, int], list[Cover]] = {}
    for wp in sorted_packet_ids(ctx):
        packet = ctx.packets_by_id[wp]
        for number, mapping in _numbered_mappings(ctx, packet):
            if mapping.kind in ("citation", "quote") and mapping.section and mapping.requirement_index:
                index.setdefault((mapping.section, mapping.requirement_index), []).append(Cover(wp, number, mapping.item, mapping.kind))
    return {key: tuple(value) for key, value in index.items()}


def _numbered_mappings(ctx: RenderContext, packet: Packet) -> list[tuple[int, object]]:
    """Each mapping with the position of its item among the DONE_MEANS items."""
    mappings = done_mappings_for(ctx, packet) or ()
    occurrence = packet.field("DONE_MEANS")
    positions = {(item.loc, item.text): number for number, item in enumerate(occurrence.items if occurrence else (), start=1)}
    return [
        (positions.get((mapping.item.loc, mapping.item.text), fallback), mapping)
        for fallback, mapping in enumerate(mappings, start=1)
    ]


def anchored_coverage(ctx: RenderContext) -> list[SectionCoverage]:
    """Every section a packet anchors that exists in the spec, in number order."""
    anchored = anchors_by_section(ctx)
    covers = covers_by_requirement(ctx)
    result: list[SectionCoverage] = []
    for number in sorted((n for n in anchored if n in ctx.sections_by_number), key=number_key):
        section = ctx.sections_by_number[number]
        wps = anchored[number]
        rows = []
        for requirement in section.requirements:
            covered_by = covers.get((number, requirement.index), ())
            covering = {cover.wp for cover in covered_by}
            rows.append(RequirementCoverage(number, requirement, covered_by, tuple(wp for wp in wps if wp not in covering)))
        result.append(SectionCoverage(section, wps, tuple(rows)))
    return result


def unanchored_must_sections(ctx: RenderContext) -> list[Section]:
    """Main Body sections with a MUST requirement that no packet anchors."""
    anchored = anchors_by_section(ctx)
    return sorted(
        (
            section
            for number, section in ctx.sections_by_number.items()
            if section.main_body and number not in anchored and any(r.strength == "MUST" for r in section.requirements)
        ),
        key=lambda section: number_key(section.number),
    )


def render_traceability_page(ctx: RenderContext) -> str:
    page = ctx.page_path("traceability.md")
    coverage = anchored_coverage(ctx)
    unanchored = unanchored_must_sections(ctx)
    blocks = ["# Traceability"]
    blocks.append(_summary(coverage, unanchored, ctx))
    blocks.append(_filter(ctx, coverage, unanchored))
    blocks.append("## Sections anchored by packets {#anchored-sections}")
    if coverage:
        blocks.extend(_section_block(ctx, page, entry) for entry in coverage)
    else:
        blocks.append("No packet anchors a section of the current spec.")
    blocks.extend(_unresolved_anchors(ctx, page))
    blocks.append("## Main Body sections with MUST requirements no packet anchors {#unanchored-sections}")
    blocks.extend(_unanchored_blocks(ctx, page, unanchored) or ["None."])
    blocks.append("## Packets and the sections they anchor {#packets}")
    blocks.append(_packet_table(ctx, page, coverage))
    return join_blocks(blocks)


def _summary(coverage: list[SectionCoverage], unanchored: list[Section], ctx: RenderContext) -> str:
    musts = [row for entry in coverage for row in entry.requirements if row.requirement.strength == "MUST"]
    uncovered = [row for row in musts if row.uncovered]
    spec = ctx.model.spec
    source = f" of {md_code(spec.file)}" if spec else ""
    lines = [
        f"Requirements{source} traced to the DONE_MEANS items that prove them.",
        "",
        "| Measure | Count |",
        "|---|---|",
        f"| Sections anchored by a packet | {len(coverage)} |",
        f"| MUST requirements in them | {len(musts)} |",
        f"| MUST requirements left uncovered by an anchoring packet | {len(uncovered)} |",
        f"| Main Body sections with MUST requirements and no packet | {len(unanchored)} |",
    ]
    return "\n".join(lines)


def _filter(ctx: RenderContext, coverage: list[SectionCoverage], unanchored: list[Section]) -> str:
    """The chapter filter, hidden until the script runs (it does nothing without it)."""
    names = sorted({chapter_of(e.section.number) for e in coverage} | {chapter_of(s.number) for s in unanchored}, key=number_key)
    options = ['<option value="">All chapters</option>']
    for name in names:
        label = f"§{name} {chapter_title(ctx, name)}".strip()
        options.append(f'<option value="{html_text(name)}">{html_text(label)}</option>')
    return (
        '<div class="hs-filter" hidden><label for="hs-chapter-filter">Show chapter: </label>'
        f'<select id="hs-chapter-filter">{"".join(options)}</select></div>'
    )


def _section_block(ctx: RenderContext, page: str, entry: SectionCoverage) -> str:
    section = entry.section
    number = section.number
    lines = [f'<div class="hs-trace-sec" id="trace-{section_anchor(number)}" data-chapter="{html_text(chapter_of(number))}">']
    lines.append(f"<h3>{html_section_link(ctx, page, number)} {html_text(section.title)} {body_badge(section)}</h3>")
    lines.append(
        '<p class="hs-meta">Anchored by ' + ", ".join(html_wp_link(ctx, page, wp) for wp in entry.anchored_by) + "</p>"
    )
    if not entry.requirements:
        lines.append("<p>No normative requirement (MUST / SHOULD sentence or requirement id) found in this section.</p>")
    else:
        lines.append('<table class="hs-table"><thead><tr><th>#</th><th>Strength</th><th>Requirement</th><th>Covered by</th></tr></thead><tbody>')
        lines.extend(_requirement_row(ctx, page, row) for row in entry.requirements)
        lines.append("</tbody></table>")
    lines.append("</div>")
    return "\n".join(lines)


def _requirement_row(ctx: RenderContext, page: str, row: RequirementCoverage) -> str:
    requirement = row.requirement
    href = ctx.href(page, ctx.spec_page(row.section), requirement_anchor(row.section, requirement.index))
    number = f'<a href="{html_text(href)}">{requirement.index}</a>'
    strength = requirement.strength or "ID"
    ids = "".join(f"<code>{html_text(rid)}</code> " for rid in requirement.ids)
    text = ids + link_section_refs(html_text(shorten(requirement.text, REQUIREMENT_CHARS)), page, ctx)
    covers = [
        f"{html_wp_link(ctx, page, cover.wp)} item {cover.number}: {html_text(shorten(cover.item.text, ITEM_CHARS))}"
        for cover in row.covered_by
    ]
    if row.uncovered:
        missing = ", ".join(html_wp_link(ctx, page, wp) for wp in row.missing_in)
        covers.append(f'<span class="hs-flag">UNCOVERED</span> by {missing}')
    elif not covers:
        covers.append("-")
    css = ' class="hs-uncovered"' if row.uncovered else ""
    return (
        f'<tr{css}><td>{number}</td><td><span class="hs-badge hs-strength-{strength.lower()}">{strength}</span></td>'
        f"<td>{text}</td><td>{'<br>'.join(covers)}</td></tr>"
    )


def _unresolved_anchors(ctx: RenderContext, page: str) -> list[str]:
    """Anchors that point at no section of the current spec (ANCHOR-001/002)."""
    lines = []
    for wp in sorted_packet_ids(ctx):
        for anchor in ctx.packets_by_id[wp].spec_anchors:
            if anchor.number in ctx.sections_by_number:
                continue
            why = "not a section number" if not anchor.number else "no such section in the current spec"
            lines.append(f"| {md_wp_link(ctx, page, wp)} | {md_code(anchor.raw)} | {why} | {md_code(str(anchor.loc))} |")
    if not lines:
        return []
    return [
        "### Anchors that match no section {#unresolved-anchors}",
        "\n".join(["| Packet | Anchor | Problem | Where |", "|---|---|---|---|", *lines]),
    ]


def _unanchored_blocks(ctx: RenderContext, page: str, sections: list[Section]) -> list[str]:
    """A collapsed list per chapter: compact, because there may be hundreds."""
    by_chapter: dict[str, list[Section]] = {}
    for section in sections:
        by_chapter.setdefault(chapter_of(section.number), []).append(section)
    blocks = []
    for chapter in sorted(by_chapter, key=number_key):
        entries = by_chapter[chapter]
        label = f"§{chapter} {chapter_title(ctx, chapter)}".strip()
        links = ", ".join(
            f'{html_section_link(ctx, page, s.number)} ({sum(1 for r in s.requirements if r.strength == "MUST")} MUST)' for s in entries
        )
        blocks.append(
            f'<details class="hs-unanchored" data-chapter="{html_text(chapter)}"><summary>{html_text(label)}: '
            f"{len(entries)} section(s)</summary><p>{links}</p></details>"
        )
    return blocks


def _packet_table(ctx: RenderContext, page: str, coverage: list[SectionCoverage]) -> str:
    uncovered_by_wp: dict[str, int] = {}
    for entry in coverage:
        for row in entry.requirements:
            if row.uncovered:
                for wp in row.missing_in:
                    uncovered_by_wp[wp] = uncovered_by_wp.get(wp, 0) + 1
    lines = ["| Packet | Status | Anchored sections | DONE_MEANS mapped | Uncovered MUST |", "|---|---|---|---|---|"]
    for wp in sorted_packet_ids(ctx):
        packet = ctx.packets_by_id[wp]
        anchors = ", ".join(
            md_section_link(ctx, page, anchor.number) if anchor.number else md_code(anchor.raw) for anchor in packet.spec_anchors
        )
        mappings = done_mappings_for(ctx, packet)
        if mappings is None:
            mapped = "not computed"
        else:
            traced = sum(1 for m in mappings if m.kind in ("citation", "quote"))
            verification = sum(1 for m in mappings if m.kind == "verification")
            mapped = f"{traced} of {len(mappings)}" + (f" (+{verification} verification)" if verification else "")
        uncovered = uncovered_by_wp.get(wp, 0)
        flag = f'<span class="hs-flag hs-uncovered">{uncovered} UNCOVERED</span>' if uncovered else "0"
        lines.append(f"| {md_wp_link(ctx, page, wp)} | {status_badge(packet.status, packet.status_raw)} | {anchors or '(none)'} | {mapped} | {flag} |")
    return "\n".join(lines)

