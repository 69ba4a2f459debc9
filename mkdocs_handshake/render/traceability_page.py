"""Traceability: spec requirement -> DONE_MEANS item, and packet -> sections.

The reference spec has thousands of sections, so the page does not list the
whole spec. It shows in full the sections packets anchor (with each
requirement and the DONE_MEANS items that cover it; a MUST that the
DONE_MEANS of an anchoring packet do not cover is marked "Not covered",
which is what DONE-002 reports), each collapsed under a summary line,
then one collapsed per-chapter list of Main Body sections with MUST
requirements that no packet anchors yet, then the packet -> sections view.
An anchor resolves to a section exactly as the ANCHOR rules resolve it
(a repeated number is narrowed by the anchor's label).
A chapter filter (a select box the script reveals) narrows the section views;
without the script every section is simply shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..analysis.mapping_scope import anchored
from ..model.packet import DoneMapping, ListItem, Packet
from ..model.spec import Requirement, Section
from ..parse.spec_headings import section_anchor
from ..analysis.traceability import done_entries, live_packets, number_key
from .context import RenderContext, chapter_of
from .escape import html_text, md_code
from .spec_pages import element_ids
from .common import (
    body_badge,
    chapter_title,
    done_mappings_for,
    html_wp_link,
    join_blocks,
    link_section_refs,
    md_section_link,
    md_wp_link,
    requirement_anchor,
    shorten,
    sorted_packet_ids,
    wp_key,
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
    requirement_text: str = ""  # the requirement the mapping matched, to tell duplicate numbers apart


@dataclass(frozen=True)
class RequirementCoverage:
    section: str
    requirement: Requirement
    covered_by: tuple[Cover, ...]
    missing_in: tuple[str, ...]  # live anchoring packets with no item covering it

    @property
    def uncovered(self) -> bool:
        """A MUST that some anchoring packet does not cover (DONE-002)."""
        return self.requirement.strength == "MUST" and bool(self.missing_in)


@dataclass(frozen=True)
class SectionCoverage:
    section: Section
    anchored_by: tuple[str, ...]
    requirements: tuple[RequirementCoverage, ...]
    live: tuple[str, ...] = ()  # the anchoring packets that are live; only they count as coverage


def live_ids(ctx: RenderContext) -> frozenset[str]:
    """Ids of the packets whose DONE_MEANS count as coverage (see
    :func:`mkdocs_handshake.analysis.traceability.live_packets`)."""
    return frozenset(packet.id for packet in live_packets(ctx.model))


def covers_by_requirement(ctx: RenderContext) -> dict[tuple[str, int], tuple[Cover, ...]]:
    """(section number, requirement index) -> DONE_MEANS items of live
    packets mapped to it: a superseded variant's items are history."""
    index: dict[tuple[str, int], list[Cover]] = {}
    live = live_ids(ctx)
    for wp in sorted_packet_ids(ctx):
        if wp not in live:
            continue
        packet = ctx.packets_by_id[wp]
        for number, mapping in _numbered_mappings(ctx, packet):
            if mapping.covers and mapping.section:
                index.setdefault((mapping.section, mapping.requirement_index), []).append(
                    Cover(wp, number, mapping.item, mapping.kind, mapping.requirement_text)
                )
    return {key: tuple(value) for key, value in index.items()}


def _numbered_mappings(ctx: RenderContext, packet: Packet) -> list[tuple[int, DoneMapping]]:
    """Each mapping with the position of its item among the DONE_MEANS items
    (numbered as the packet page numbers them)."""
    mappings = done_mappings_for(ctx, packet)
    positions = {(item.loc, item.text): number for number, (item, _) in enumerate(done_entries(packet), start=1)}
    return [
        (positions.get((mapping.item.loc, mapping.item.text), fallback), mapping)
        for fallback, mapping in enumerate(mappings, start=1)
    ]


def all_sections(ctx: RenderContext) -> dict[str, tuple[Section, ...]]:
    """Section number -> every section with that number, in spec order (a
    number repeats when the spec has two ``11.5`` headings, PARSE-003)."""
    index: dict[str, list[Section]] = {}
    for section in ctx.model.spec.numbered_sections() if ctx.model.spec else ():
        index.setdefault(section.number, []).append(section)
    return {number: tuple(found) for number, found in index.items()}


def _key(section: Section) -> tuple[str, str, int]:
    return (section.number, section.loc.file, section.loc.line)


def resolved_anchors(ctx: RenderContext) -> dict[tuple[str, str, int], tuple[str, ...]]:
    """Section (by number and place) -> the packets whose anchors resolve to it."""
    sections = all_sections(ctx)
    index: dict[tuple[str, str, int], set[str]] = {}
    for packet in ctx.model.packets:
        for section in anchored(packet, sections, ctx.model.spec).values():
            index.setdefault(_key(section), set()).add(packet.id)
    return {key: tuple(sorted(wps, key=wp_key)) for key, wps in index.items()}


def element_id(section: Section, sections: Mapping[str, tuple[Section, ...]]) -> str:
    """The id the spec page gives ``section`` (:func:`.spec_pages.element_ids`,
    which decides which of a repeated number keeps the plain id)."""
    same = sections.get(section.number, ())
    position = next((i for i, other in enumerate(same) if other is section), None)
    return element_ids(same)[position] if position is not None else section_anchor(section.number)


def anchored_coverage(ctx: RenderContext) -> list[SectionCoverage]:
    """Every section a packet anchors that exists in the spec, in number order."""
    sections = all_sections(ctx)
    anchored = resolved_anchors(ctx)
    by_key = {_key(section): section for found in sections.values() for section in found}
    covers = covers_by_requirement(ctx)
    live = live_ids(ctx)
    result: list[SectionCoverage] = []
    for key in sorted(anchored, key=lambda k: (number_key(k[0]), k[1], k[2])):
        section = by_key[key]
        wps = anchored[key]
        live_wps = tuple(wp for wp in wps if wp in live)
        rows = []
        for requirement in section.requirements:
            covered_by = tuple(
                cover
                for cover in covers.get((section.number, requirement.index), ())
                if not cover.requirement_text or _same_text(cover.requirement_text, requirement.text)
            )
            covering = {cover.wp for cover in covered_by}
            rows.append(RequirementCoverage(section.number, requirement, covered_by, tuple(wp for wp in live_wps if wp not in covering)))
        result.append(SectionCoverage(section, wps, tuple(rows), live_wps))
    return result


def _same_text(one: str, other: str) -> bool:
    """A mapping's requirement text against a requirement (whitespace-folded;
    a mapping may keep a shortened copy, so a prefix counts)."""
    a, b = " ".join(one.split()), " ".join(other.split())
    return a == b or b.startswith(a.rstrip(" …")) or a.startswith(b)


def unanchored_must_sections(ctx: RenderContext) -> list[Section]:
    """Main Body sections with a MUST requirement that no packet anchors."""
    anchored = resolved_anchors(ctx)
    return sorted(
        (
            section
            for found in all_sections(ctx).values()
            for section in found
            if section.main_body and _key(section) not in anchored and any(r.strength == "MUST" for r in section.requirements)
        ),
        key=lambda section: (number_key(section.number), section.loc.line),
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
        sections = all_sections(ctx)
        blocks.extend(_section_block(ctx, page, entry, sections) for entry in coverage)
    else:
        blocks.append("No packet anchors a section of the current spec.")
    blocks.extend(_uncovered_musts(ctx, page, coverage))
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
        f"| MUST requirements not covered by the DONE_MEANS of a live anchoring packet | {len(uncovered)} |",
        f"| MUST requirements covered by no live packet at all | {sum(1 for row in musts if not row.covered_by)} |",
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


def _section_href(ctx: RenderContext, page: str, section: Section, sections: Mapping[str, tuple[Section, ...]], suffix: str = "") -> str:
    return ctx.href(page, ctx.spec_page(section.number), element_id(section, sections) + suffix)


def _section_block(ctx: RenderContext, page: str, entry: SectionCoverage, sections: Mapping[str, tuple[Section, ...]] | None = None) -> str:
    """One anchored section as a collapsed block whose summary line says who
    anchors it and, flagged, how many MUSTs are not covered: the reference
    corpus anchors 43 sections (17,000 px of tables when open), and the
    summaries alone show where to look."""
    sections = sections if sections is not None else all_sections(ctx)
    section = entry.section
    number = section.number
    own_id = element_id(section, sections)
    uncovered = sum(1 for row in entry.requirements if row.uncovered)
    link = f'<a href="{html_text(_section_href(ctx, page, section, sections))}">§{html_text(number)}</a>'
    counts = f"{len(entry.requirements)} requirement(s)"
    if uncovered:
        counts += f', <span class="hs-flag">{uncovered} MUST not covered</span>'
    lines = [
        f'<details class="hs-trace-sec" id="trace-{own_id}" data-chapter="{html_text(chapter_of(number))}">',
        f'<summary><span class="hs-sec-head">{link} {html_text(section.title)}</span> {body_badge(section)} '
        f'<span class="hs-meta">{counts}; anchored by '
        + ", ".join(html_wp_link(ctx, page, wp) for wp in entry.anchored_by)
        + "</span></summary>",
    ]
    if not entry.requirements:
        lines.append("<p>No normative requirement (MUST / SHOULD sentence or requirement id) found in this section.</p>")
    else:
        lines.append('<table class="hs-table hs-trace"><thead><tr><th>#</th><th>Strength</th><th>Requirement</th><th>Covered by</th></tr></thead><tbody>')
        lines.extend(_requirement_row(ctx, page, row, _section_href(ctx, page, section, sections, f"-r{row.requirement.index}")) for row in entry.requirements)
        lines.append("</tbody></table>")
    lines.append("</details>")
    return "\n".join(lines)


def _requirement_row(ctx: RenderContext, page: str, row: RequirementCoverage, href: str = "") -> str:
    requirement = row.requirement
    href = href or ctx.href(page, ctx.spec_page(row.section), requirement_anchor(row.section, requirement.index))
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
        covers.append(f'<span class="hs-flag">Not covered</span> by the DONE_MEANS of {missing}')
    elif not covers:
        covers.append("-")
    css = ' class="hs-uncovered"' if row.uncovered else ""
    return (
        f'<tr{css}><td>{number}</td><td><span class="hs-badge hs-strength-{strength.lower()}">{strength}</span></td>'
        f"<td>{text}</td><td>{'<br>'.join(covers)}</td></tr>"
    )


def _uncovered_musts(ctx: RenderContext, page: str, coverage: list[SectionCoverage]) -> list[str]:
    """Every anchored MUST that no live packet's DONE_MEANS cover: the
    list a reviewer works through. Superseded and replaced packets anchor
    sections but prove nothing any more."""
    sections = all_sections(ctx)
    lines = []
    for entry in coverage:
        for row in entry.requirements:
            if row.requirement.strength != "MUST" or row.covered_by:
                continue
            href = _section_href(ctx, page, entry.section, sections, f"-r{row.requirement.index}")
            who = ", ".join(html_wp_link(ctx, page, wp) for wp in entry.live) or "no live packet anchors it"
            lines.append(
                f'<li><a href="{html_text(href)}">§{html_text(entry.section.number)} requirement {row.requirement.index}</a>: '
                f"{html_text(shorten(row.requirement.text, ITEM_CHARS))} <span class=\"hs-meta\">(live anchoring packets: {who})</span></li>"
            )
    if not lines:
        return []
    return [
        "## MUST requirements no live packet covers {#uncovered-musts}",
        f'<details class="hs-uncovered-musts"><summary>{len(lines)} MUST requirement(s)</summary>\n<ul>{"".join(lines)}</ul>\n</details>',
    ]


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
    """One collapsed block holding a line per chapter: there may be
    hundreds of such sections, and they are context, not findings."""
    if not sections:
        return []
    by_chapter: dict[str, list[Section]] = {}
    for section in sections:
        by_chapter.setdefault(chapter_of(section.number), []).append(section)
    spec = all_sections(ctx)
    items = []
    for chapter in sorted(by_chapter, key=number_key):
        entries = by_chapter[chapter]
        label = f"§{chapter} {chapter_title(ctx, chapter)}".strip()
        links = ", ".join(
            f'<a href="{html_text(_section_href(ctx, page, s, spec))}">§{html_text(s.number)}</a>'
            f' ({sum(1 for r in s.requirements if r.strength == "MUST")})'
            for s in entries
        )
        items.append(
            f'<li class="hs-unanchored" data-chapter="{html_text(chapter)}"><strong>{html_text(label)}</strong> '
            f'<span class="hs-meta">{len(entries)} section(s)</span>: {links}</li>'
        )
    summary = f"{len(sections)} section(s) in {len(by_chapter)} chapter(s); the number in brackets counts MUST requirements"
    return [
        f'<details class="hs-unanchored-all"><summary>{html_text(summary)}</summary>\n'
        f'<ul class="hs-unanchored-list">{"".join(items)}</ul>\n</details>'
    ]


def _packet_table(ctx: RenderContext, page: str, coverage: list[SectionCoverage]) -> str:
    uncovered_by_wp: dict[str, int] = {}
    for entry in coverage:
        for row in entry.requirements:
            if row.uncovered:
                for wp in row.missing_in:
                    uncovered_by_wp[wp] = uncovered_by_wp.get(wp, 0) + 1
    lines = ["| Packet | Status | Anchored sections | DONE_MEANS mapped | MUSTs its DONE_MEANS leave uncovered |", "|---|---|---|---|---|"]
    for wp in sorted_packet_ids(ctx):
        packet = ctx.packets_by_id[wp]
        anchors = ", ".join(
            md_section_link(ctx, page, anchor.number) if anchor.number else md_code(anchor.raw) for anchor in packet.spec_anchors
        )
        mappings = done_mappings_for(ctx, packet)
        traced = sum(1 for m in mappings if m.covers)
        verification = sum(1 for m in mappings if m.kind == "verification")
        mapped = f"{traced} of {len(mappings)}" + (f" (+{verification} verification)" if verification else "")
        uncovered = uncovered_by_wp.get(wp, 0)
        flag = f'<span class="hs-flag hs-uncovered">{uncovered} not covered</span>' if uncovered else "0"
        lines.append(f"| {md_wp_link(ctx, page, wp)} | {status_badge(packet.status, packet.status_raw)} | {anchors or '(none)'} | {mapped} | {flag} |")
    return "\n".join(lines)

