"""The generated governance site: which pages exist, their nav, their assets.

:func:`generate_pages` is the one entry point the plugin calls: it returns
``{path relative to docs_dir: markdown}`` for every governance page. This
module only orchestrates; the helpers the page modules share live in
:mod:`.common`, so the render package imports one way.
"""

from __future__ import annotations

from typing import Iterator

from ..runtime.progress import SILENT, Progress
from .assets import HANDSHAKE_CSS, HANDSHAKE_JS
from .common import chapter_title, chapters, sorted_packet_ids, top_pages
from .context import RenderContext
from .dag import render_dag_page
from .escape import html_text
from .findings_page import render_findings_page
from .overview import render_overview
from .packet_page import kept_packet_header, render_packet_page
from .phase_gate_page import render_phase_gate_page
from .spec_pages import render_spec_chapter
from .traceability_page import render_traceability_page

# --------------------------------------------------------------------------
# The site
# --------------------------------------------------------------------------


def generate_pages(ctx: RenderContext, progress: Progress = SILENT) -> dict[str, str]:
    """Every governance page: ``{path relative to docs_dir: markdown}``, sorted by path."""

    pages: dict[str, str] = {
        ctx.page_path("index.md"): render_overview(ctx),
        ctx.page_path("dag.md"): render_dag_page(ctx),
        ctx.page_path("phase-gate.md"): render_phase_gate_page(ctx),
        ctx.page_path("traceability.md"): render_traceability_page(ctx),
        ctx.page_path("findings.md"): render_findings_page(ctx),
    }
    packets, spec_chapters = generated_packet_ids(ctx), chapters(ctx)
    total = len(pages) + len(packets) + len(spec_chapters)
    for wp in packets:
        pages[ctx.packet_page(wp)] = render_packet_page(ctx, ctx.packets_by_id[wp])
        progress.tick(len(pages), total)
    for chapter in spec_chapters:
        pages[ctx.page_path(f"spec/{chapter}.md")] = SEARCH_EXCLUDED + render_spec_chapter(ctx, chapter)
        progress.tick(len(pages), total)
    for name in ("findings.md", "traceability.md", "dag.md"):
        pages[ctx.page_path(name)] = SEARCH_EXCLUDED + pages[ctx.page_path(name)]
    return {path: _final_newline(pages[path]) for path in sorted(pages)}


def page_paths(ctx: RenderContext) -> list[str]:
    """The paths :func:`generate_pages` returns, sorted, without rendering
    anything: they depend on the model alone, so a context without
    findings answers (the plugin registers the pages with MkDocs before
    the rules have run)."""
    paths = [path for _title, path in top_pages(ctx)]
    paths += [ctx.packet_page(wp) for wp in generated_packet_ids(ctx)]
    paths += [ctx.page_path(f"spec/{chapter}.md") for chapter in chapters(ctx)]
    return sorted(paths)


def annotated_pages(ctx: RenderContext) -> frozenset[str]:
    """The docs pages :func:`generate_annotations` gives a header."""
    return frozenset(page for page in (ctx.docs_pages.get(packet.file) for packet in ctx.model.packets) if page is not None)


# Front matter that keeps a page out of the search index (Material's search
# plugin honours it; other themes ignore it). The spec chapters, matrix,
# findings table and DAG repeat what the packet pages and the governance files
# themselves say, and indexing their ~2.5 MB of tables on a large repo cost
# more build time than rendering them.
SEARCH_EXCLUDED = "---\nsearch:\n  exclude: true\n---\n\n"


def _final_newline(text: str) -> str:
    return text.rstrip("\n") + "\n"


def nav_entries(ctx: RenderContext, *, per_page: bool = True) -> list[object]:
    """The entries of the Governance nav section (the plugin wraps them as
    ``{"Governance": nav_entries(ctx)}``); ``per_page=False`` leaves out the
    packet pages and spec chapters (the ``nav_packets`` option)."""
    entries: list[object] = [{title: path} for title, path in top_pages(ctx)]
    if not per_page:
        return entries
    # A packet that is a docs page is in the nav wherever the user put it.
    packets = [{wp: ctx.packet_page(wp)} for wp in generated_packet_ids(ctx)]
    if packets:
        entries.append({"Packets": packets})
    spec = [{_chapter_nav_title(ctx, chapter): ctx.page_path(f"spec/{chapter}.md")} for chapter in chapters(ctx)]
    if spec:
        entries.append({"Spec": spec})
    return entries


def _chapter_nav_title(ctx: RenderContext, chapter: str) -> str:
    title = chapter_title(ctx, chapter)
    return f"§{chapter} {title}".strip()


def extra_files(ctx: RenderContext) -> dict[str, str]:
    """Stylesheet and script shipped with the pages (the plugin adds them to
    ``extra_css`` / ``extra_javascript``)."""
    return {
        ctx.page_path("assets/handshake.css"): HANDSHAKE_CSS,
        ctx.page_path("assets/handshake.js"): HANDSHAKE_JS,
    }


def generated_packet_ids(ctx: RenderContext) -> list[str]:
    """Packets that get a generated page: those that are not docs pages."""
    return [wp for wp in sorted_packet_ids(ctx) if ctx.packets_by_id[wp].file not in ctx.docs_pages]


def generate_annotations(ctx: RenderContext, progress: Progress = SILENT) -> dict[str, str]:
    """``{docs page path: markdown}`` of the header shown on top of every
    packet file that is already a docs page (sorted by path). Each packet
    file gets its own, duplicates of an id included."""
    annotations: dict[str, str] = {}
    total = len(ctx.docs_pages)
    for packet in ctx.model.packets:
        page = ctx.docs_pages.get(packet.file)
        if page is not None:
            annotations[page] = kept_packet_header(ctx, packet, page)
            progress.tick(len(annotations), total)
    return {path: annotations[path] for path in sorted(annotations)}


def _redirects(ctx: RenderContext) -> Iterator[tuple[str, str, str, str]]:
    """``(wp, file under site_dir, its page, the packet's own page)`` of
    every packet whose promised ``packets/<id>/`` page is a redirect."""
    for wp in sorted_packet_ids(ctx):
        target = ctx.packet_page(wp)
        source = ctx.generated_packet_page(wp)
        if target != source:
            url = ctx.url_of(source)
            yield wp, url + "index.html" if url.endswith("/") else url, source, target


def redirect_paths(ctx: RenderContext) -> list[str]:
    """The files :func:`redirect_pages` writes (under ``site_dir``), without
    writing their HTML."""
    return [path for _wp, path, _source, _target in _redirects(ctx)]


def redirect_pages(ctx: RenderContext) -> dict[str, str]:
    """``{file under site_dir: HTML}`` keeping the promised URL
    ``<output_dir>/packets/<id>/`` of a packet whose page is its own docs
    page. These are plain files written next to the built site, not MkDocs
    pages: a page would be templated with the whole nav, which is most of
    what a page costs on a large repo, only to send the reader on."""
    redirects: dict[str, str] = {}
    for wp, path, source, target in _redirects(ctx):
        href = html_text(ctx.href(source, target))
        redirects[path] = (
            "<!doctype html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html_text(wp)}</title>\n"
            f'<link rel="canonical" href="{href}">\n'
            f'<meta http-equiv="refresh" content="0; url={href}">\n'
            '<meta name="robots" content="noindex">\n</head>\n'
            f'<body>\n<p>The page of {html_text(wp)} is <a href="{href}">{html_text(target)}</a>.</p>\n</body>\n</html>\n'
        )
    return redirects
