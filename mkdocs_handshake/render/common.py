"""Helpers every page module shares, so that a status badge, a link to a
spec section or a code fence looks and behaves the same on every page.

This module sits below the page modules and :mod:`.site`: it imports only
the model, :mod:`.context` and :mod:`.escape`, never a page module, so the
render package imports one way (site -> page modules -> common).
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from ..findings.finding import Finding
from ..model.packet import DoneMapping, Packet
from ..model.basics import Loc, Status
from ..model.spec import Section
from ..analysis.mapping import map_done_means
from ..parse.spec_headings import section_anchor
from ..analysis.traceability import number_key
from .context import RenderContext, chapter_of, wp_key
from .escape import html_text, md_text

# --------------------------------------------------------------------------
# Ordering
# --------------------------------------------------------------------------

#: Rule families in the order the rules document lists them; unknown
#: families sort after these, alphabetically.
FAMILY_ORDER = ("REMEDY", "PARSE", "SPEC", "PKT", "ANCHOR", "DONE", "SIG", "BOARD", "DEP", "PHASE")

FAMILY_TITLES = {
    "REMEDY": "Locked packets: one new revision each, with the defects it must fix",
    "PARSE": "The documents can be read",
    "SPEC": "The current spec is the latest",
    "PKT": "Every packet is complete",
    "ANCHOR": "Every packet points at the Main Body",
    "DONE": "DONE_MEANS map 1:1 to the anchor",
    "SIG": "Signatures",
    "BOARD": "The task board mirrors the packets",
    "DEP": "Dependencies and blockers",
    "PHASE": "The phase gate",
}

STATUS_LABELS = {
    Status.READY_FOR_DEV: "Ready-for-Dev",
    Status.IN_PROGRESS: "In-Progress",
    Status.DONE: "Done",
    Status.VALIDATED: "VALIDATED",
    Status.BLOCKED: "Blocked",
    Status.FAILED: "Failed",
    Status.SUPERSEDED: "Superseded",
    Status.GAP: "Gap",
    Status.DRAFT: "Draft",
    Status.UNKNOWN: "Unknown",
}


def rule_family(rule_id: str) -> str:
    return rule_id.split("-", 1)[0].upper()


def family_key(family: str) -> tuple[int, str]:
    return (FAMILY_ORDER.index(family), "") if family in FAMILY_ORDER else (len(FAMILY_ORDER), family)


def family_anchor(family: str) -> str:
    return "family-" + re.sub(r"[^0-9a-z]+", "-", family.lower()).strip("-")


# --------------------------------------------------------------------------
# Shared rendering helpers
# --------------------------------------------------------------------------


def html_parts(ctx: RenderContext, page: str, finding: Finding, *, folded: bool = True) -> str:
    """The defects a remedy finding (REMEDY-001) lists, one per line with
    its place, rule, message and excerpt: what the new revision must fix.
    ``folded``: under a collapsed summary (the findings page); else open
    (the packet page, where whoever writes the revision reads them)."""
    if not finding.parts:
        return ""
    items = []
    for part in finding.parts:
        excerpt = f" <code>{html_text(' '.join(part.excerpt.split()))}</code>" if part.excerpt else ""
        debt = ' <span class="hs-meta">(known debt)</span>' if part.baselined else ""
        message = link_section_refs(html_text(" ".join(part.message.split())), page, ctx)
        items.append(f"<li>{html_loc(part.loc)} <strong>{html_text(part.rule)}</strong> {message}{excerpt}{debt}</li>")
    listing = f"<ul>{''.join(items)}</ul>"
    count = f"{len(finding.parts)} defect{'s' if len(finding.parts) != 1 else ''} for the revision to fix"
    if folded:
        return f'<details class="hs-parts"><summary>{count}</summary>{listing}</details>'
    return f"<p>{count}:</p>{listing}"

_SECTION_REF = re.compile(r"§\s?(\d+(?:\.\d+)*)")


def link_section_refs(text: str, from_page: str, ctx: RenderContext) -> str:
    """Turn every ``§x.y.z`` in already-escaped text into a link to the spec page.

    The link is raw HTML with a final URL (:meth:`RenderContext.href`) so it
    works both in markdown paragraphs and inside raw HTML blocks, where
    MkDocs does not rewrite ``.md`` links. A number that is not in the
    current spec stays plain text: a dead anchor would hide the problem the
    ANCHOR rules report.
    """

    def replace(match: re.Match[str]) -> str:
        number = match.group(1)
        if number not in ctx.sections_by_number:
            return match.group(0)
        href = ctx.href(from_page, ctx.spec_page(number), section_anchor(number))
        return f'<a class="hs-secref" href="{html_text(href)}">{match.group(0)}</a>'

    return _SECTION_REF.sub(replace, text)


def status_label(status: Status) -> str:
    return STATUS_LABELS.get(status, status.value)


def status_badge(status: Status, raw: str = "") -> str:
    """An inline badge whose CSS class follows the normalised status; the
    tooltip keeps what the packet actually wrote."""
    title = f' title="{html_text(raw)}"' if raw and raw != status_label(status) else ""
    return f'<span class="hs-badge hs-status hs-status-{status.value}"{title}>{html_text(status_label(status))}</span>'


def body_badge(section: Section) -> str:
    if section.main_body:
        return '<span class="hs-badge hs-mainbody">Main Body</span>'
    return '<span class="hs-badge hs-roadmap">Roadmap</span>'


def admonition(kind: str, title_html: str, body_markdown: str = "") -> str:
    """A Material admonition written as the HTML the ``admonition`` extension
    produces, with the body left as markdown (blank lines around it make it
    markdown again inside the HTML block). ``title_html`` must be escaped."""
    body = f"\n\n{body_markdown.strip()}\n\n" if body_markdown.strip() else "\n"
    return f'<div class="admonition {kind}">\n<p class="admonition-title">{title_html}</p>{body}</div>'


def fenced_code(code: str, language: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside,
    so a test plan containing a fence cannot end the block early."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    body = code.rstrip("\n")
    return f"{fence}{language}\n{body}\n{fence}"


def html_loc(loc: Loc) -> str:
    """``file:line`` as inline code showing the file name only, the full
    path in the title (hover) attribute, styled not to wrap: a narrow table
    cell then never breaks a path mid-word ("SIGNAT/URE_AUDIT.m/d")."""
    full = f"{loc.file}:{loc.line}"
    short = f"{loc.file.rsplit('/', 1)[-1]}:{loc.line}"
    return f'<code class="hs-path" title="{html_text(full)}">{html_text(short)}</code>'


def md_wp_link(ctx: RenderContext, from_page: str, wp: str) -> str:
    """Markdown link to a packet page, or the escaped id when no packet exists."""
    if wp in ctx.packets_by_id:
        return f"[{md_text(wp)}]({ctx.href(from_page, ctx.packet_page(wp))})"
    return f"{md_text(wp)} (no packet)"


def html_wp_link(ctx: RenderContext, from_page: str, wp: str) -> str:
    """HTML link to a packet page, for raw HTML blocks."""
    if wp in ctx.packets_by_id:
        return f'<a href="{html_text(ctx.href(from_page, ctx.packet_page(wp)))}">{html_text(wp)}</a>'
    return f"{html_text(wp)} (no packet)"


def md_section_link(ctx: RenderContext, from_page: str, number: str) -> str:
    """Markdown link to a section's anchor, or plain text when it does not exist."""
    if number in ctx.sections_by_number:
        target = ctx.href(from_page, ctx.spec_page(number), section_anchor(number))
        return f"[§{md_text(number)}]({target})"
    return f"§{md_text(number)}"


def html_section_link(ctx: RenderContext, from_page: str, number: str, fragment: str = "") -> str:
    if number in ctx.sections_by_number:
        href = ctx.href(from_page, ctx.spec_page(number), fragment or section_anchor(number))
        return f'<a href="{html_text(href)}">§{html_text(number)}</a>'
    return f"§{html_text(number)}"


def requirement_anchor(number: str, index: int) -> str:
    """Stable id of one requirement on its spec page: ``sec-2-3-r1``."""
    return f"{section_anchor(number)}-r{index}"


def shorten(text: str, limit: int) -> str:
    """Fold whitespace and cut long text at a word boundary, marking the cut."""
    folded = " ".join(text.split())
    if limit <= 0 or len(folded) <= limit:
        return folded
    cut = folded[:limit].rsplit(" ", 1)[0] or folded[:limit]
    return cut + " …"


# --------------------------------------------------------------------------
# Shared derived data
# --------------------------------------------------------------------------


def anchors_by_section(ctx: RenderContext) -> Mapping[str, tuple[str, ...]]:
    """Section number -> WP ids whose SPEC_ANCHOR names it (sorted)."""
    return ctx.anchored_sections


def done_mappings_for(ctx: RenderContext, packet: Packet) -> tuple[DoneMapping, ...]:
    """The DONE_MEANS mapping of a packet.

    The model carries it when it came through the loader (``load.link``);
    for a model built by hand it is computed the same way here, so the pages
    never claim items are unmapped when nobody looked.
    """
    if packet.id in ctx.model.done_mappings:
        return tuple(ctx.model.done_mappings[packet.id])
    return map_done_means(packet, ctx.requirement_index)


def chapters(ctx: RenderContext) -> list[str]:
    """Every chapter that has at least one numbered section, in natural order."""
    names = {chapter_of(section.number) for section in (ctx.model.spec.numbered_sections() if ctx.model.spec else ())}
    return sorted((name for name in names if name), key=number_key)


def chapter_title(ctx: RenderContext, chapter: str) -> str:
    section = ctx.sections_by_number.get(chapter)
    return section.title if section else ""


def top_pages(ctx: RenderContext) -> list[tuple[str, str]]:
    """The site-wide governance pages as ``(nav title, path)``, in nav order."""
    return [
        ("Overview", ctx.page_path("index.md")),
        ("Dependency DAG", ctx.page_path("dag.md")),
        ("Phase gate", ctx.page_path("phase-gate.md")),
        ("Traceability", ctx.page_path("traceability.md")),
        ("Findings", ctx.page_path("findings.md")),
    ]


def sorted_packet_ids(ctx: RenderContext) -> list[str]:
    return sorted(ctx.packets_by_id, key=wp_key)


def join_blocks(blocks: Iterable[str]) -> str:
    """Markdown blocks separated by one blank line (raw HTML blocks need it)."""
    return "\n\n".join(block.strip("\n") for block in blocks if block.strip()) + "\n"


def count_by(values: Iterable[str]) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts
