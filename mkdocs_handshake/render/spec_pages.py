"""One page per spec chapter: an index of sections, not a copy of the spec.

The reference spec is 1.5 MB with about two thousand numbered sections, so a
chapter page shows for each section only what governance needs: its number
and title under a stable HTML id (``sec-2-3-12-1``, the target of every
``§`` link on the site), whether it is Main Body or Roadmap, its normative
requirements with their ids, and which packets anchor it. Sections one level
below the chapter become markdown headings (so the table of contents stays
short); deeper sections and list items are compact HTML blocks.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from ..model.basics import Loc
from ..model.spec import Requirement, Section
from ..parse.spec_headings import section_anchor
from .context import RenderContext
from .escape import html_text, md_code, md_text
from .common import (
    anchors_by_section,
    body_badge,
    html_wp_link,
    join_blocks,
    link_section_refs,
    shorten,
)

#: Requirement text longer than this is cut on the chapter page; the source
#: line is shown beside it.
DEFAULT_REQUIREMENT_CHARS = 500


def chapter_sections(ctx: RenderContext, chapter: str) -> list[Section]:
    """The chapter's sections in document order (the order the spec shows)."""
    return list(ctx.sections_by_chapter.get(chapter, ()))


def render_spec_chapter(ctx: RenderContext, chapter: str) -> str:
    page = ctx.page_path(f"spec/{chapter}.md")
    sections = chapter_sections(ctx, chapter)
    anchored = anchors_by_section(ctx)
    limit = int(ctx.options.get("spec_requirement_chars", DEFAULT_REQUIREMENT_CHARS))  # type: ignore[call-overload]
    ids = element_ids(sections)
    head = ctx.sections_by_number.get(chapter)
    title = f"§{chapter} {head.title}" if head else f"§{chapter}"
    spec = ctx.model.spec
    blocks = [f"# {md_text(title)} {{#{section_anchor(chapter)}}}"]
    requirement_count = sum(len(section.requirements) for section in sections)
    anchored_count = sum(1 for section in sections if section.number in anchored)
    files = list(dict.fromkeys(section.loc.file for section in sections))
    home = files[0] if spec is not None and spec.bundle is not None and files else (spec.file if spec else "")
    if spec is not None:
        if spec.bundle is not None:
            where = ("module " if len(files) == 1 else "modules ") + ", ".join(md_code(file) for file in files) + f" of the bundle {md_code(spec.file)}"
        else:
            where = md_code(spec.file)
        blocks.append(
            f"Index of chapter {md_text(chapter)} of {where}"
            + (f" (version {md_text(spec.version)})" if spec.version else "")
            + f": {len(sections)} sections, {requirement_count} requirements, "
            f"{anchored_count} sections anchored by a packet. "
            "Only numbers, titles and normative sentences are shown; read the spec file for the full text."
        )
    for index, section in enumerate(sections):
        element_id = ids[index]
        if head is not None and section is head:
            blocks.append(_section_block(ctx, page, section, anchored, limit, element_id, home, with_head=False, id_on_block=False))
        elif section.kind == "heading" and section.number.count(".") == 1:
            blocks.append(f"## {md_text(f'§{section.number} {section.title}')} {{#{element_id}}}")
            blocks.append(_section_block(ctx, page, section, anchored, limit, element_id, home, with_head=False, id_on_block=False))
        else:
            blocks.append(_section_block(ctx, page, section, anchored, limit, element_id, home, with_head=True, id_on_block=True))
    return join_blocks(blocks)


def element_ids(sections: Sequence[Section]) -> list[str]:
    """One unique id per section. A repeated number (PARSE-003) keeps the
    plain id on the occurrence the parser did not mark as a duplicate (the
    one anchors resolve to, see :mod:`mkdocs_handshake.analysis.resolve`), so every
    ``§`` and requirement link lands there; the others get a suffix."""
    owner: dict[str, int] = {}
    for position, section in enumerate(sections):
        anchor = section_anchor(section.number)
        if anchor not in owner or (sections[owner[anchor]].duplicate and not section.duplicate):
            owner[anchor] = position
    seen: dict[str, int] = {}
    ids: list[str] = []
    for position, section in enumerate(sections):
        anchor = section_anchor(section.number)
        if owner[anchor] == position:
            ids.append(anchor)
            continue
        seen[anchor] = seen.get(anchor, 1) + 1
        ids.append(f"{anchor}-dup{seen[anchor]}")
    return ids


def _section_block(
    ctx: RenderContext,
    page: str,
    section: Section,
    anchored: Mapping[str, tuple[str, ...]],
    limit: int,
    element_id: str,
    home: str,
    *,
    with_head: bool,
    id_on_block: bool,
) -> str:
    """A raw HTML block (no blank lines inside, so Markdown keeps it whole).

    ``element_id`` is the section's id (on this block, or on the markdown
    heading just above it when ``id_on_block`` is False); requirement ids
    derive from it so they stay unique even for a repeated number."""
    badges = [body_badge(section)]
    if section.kind == "list-item":
        badges.append('<span class="hs-badge">list item</span>')
    if section.duplicate:
        badges.append('<span class="hs-badge hs-sev-warning">duplicate number</span>')
    if section.out_of_order:
        badges.append('<span class="hs-badge hs-sev-warning">out of order</span>')
    meta = [" ".join(badges), _where(section.loc, home)]
    wps = anchored.get(section.number, ())
    if wps:
        meta.append("Anchored by " + ", ".join(html_wp_link(ctx, page, wp) for wp in wps))
    lines: list[str] = []
    id_attr = f' id="{element_id}"' if id_on_block else ""
    lines.append(f'<div class="hs-sec"{id_attr} data-level="{section.level}">')
    if with_head:
        lines.append(
            f'<div class="hs-sec-head"><span class="hs-sec-num">§{html_text(section.number)}</span>'
            f"{html_text(section.title)}</div>"
        )
    lines.append(f'<div class="hs-sec-meta">{" · ".join(meta)}</div>')
    if section.requirements:
        lines.append('<ol class="hs-reqs">')
        lines.extend(_requirement_item(ctx, page, element_id, requirement, limit, home) for requirement in section.requirements)
        lines.append("</ol>")
    lines.append("</div>")
    return "\n".join(lines)


def _where(loc: Loc, home: str) -> str:
    """``line N`` in the file the page header names (the spec, or the
    chapter's first module of a spec bundle); a full ``file:line``
    otherwise. Repeating the 30-character spec name on each of thousands of
    entries would only add weight."""
    if loc.file == home:
        return f"line {loc.line}"
    return html_text(str(loc))


def _requirement_item(ctx: RenderContext, page: str, element_id: str, requirement: Requirement, limit: int, home: str) -> str:
    strength = requirement.strength or "ID"
    parts = [f'<span class="hs-badge hs-strength-{strength.lower()}">{html_text(strength)}</span>']
    parts.extend(f"<code>{html_text(rid)}</code>" for rid in requirement.ids)
    parts.append(link_section_refs(html_text(shorten(requirement.text, limit)), page, ctx))
    parts.append(f'<span class="hs-meta">({_where(requirement.loc, home)})</span>')
    anchor = f"{element_id}-r{requirement.index}"
    return f'<li id="{anchor}" value="{requirement.index}">{" ".join(parts)}</li>'
