"""Markdown of a generated page -> the HTML, title and table of contents MkDocs needs.

The generated pages are converted here with markdown-it-py rather than by
MkDocs' Python-Markdown pass. On the reference corpus the generated pages
hold about 2.4 MB of markdown, mostly tables and raw HTML blocks;
Python-Markdown (with ``md_in_html``) took about 1.5 s to convert them,
markdown-it-py about 0.4 s. It also means the plugin no longer has to add
markdown extensions to the user's configuration, which changed how the
user's own pages render.

The markdown the page modules write is therefore CommonMark (with GFM
tables): admonitions are written as Material's HTML, markdown inside an HTML
block is separated from its tags by blank lines, and links carry final URLs.
One extension is handled here: a heading may end in ``{#id}`` to give it a
stable id (``## Findings {#family-pkt}``). Other headings get an id the way
Python-Markdown's ``toc`` extension makes one, so anchors look the same as on
the user's own pages.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..parse.markdown import slugify

from ..model.page import RenderedPage, TocEntry
from ..parse.markdown import inline_plain

# The trailing ``{#id}`` of a heading written by a page module (never
# governance text: that is escaped, so its braces arrive as ``\{``).
_HEADING_ID = re.compile(r"\s*\{#([A-Za-z][\w.:-]*)\}\s*$")


def _heading_ids(state: StateCore) -> None:
    """Core rule: move a trailing ``{#id}`` of a heading into its id attribute."""
    tokens = state.tokens
    for position, token in enumerate(tokens):
        if token.type != "heading_open" or position + 1 >= len(tokens):
            continue
        inline = tokens[position + 1]
        match = _HEADING_ID.search(inline.content)
        if match:
            token.attrSet("id", match.group(1))
            inline.content = inline.content[: match.start()]


@lru_cache(maxsize=1)
def page_parser() -> MarkdownIt:
    """CommonMark, GFM tables, raw HTML passed through (page modules escape
    every governance string before it reaches the markdown)."""
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    parser.core.ruler.before("inline", "handshake_heading_ids", _heading_ids)
    return parser


def _unique(candidate: str, used: set[str]) -> str:
    """``candidate``, or ``candidate_1``, ``candidate_2``... when taken (the
    ``toc`` extension's scheme)."""
    result = candidate or "section"
    counter = 0
    while result in used:
        counter += 1
        result = f"{candidate or 'section'}_{counter}"
    used.add(result)
    return result


def _nest(flat: list[TocEntry]) -> tuple[TocEntry, ...]:
    """Nest headings by level the way a reader expects: each heading holds
    the following deeper ones."""

    def build(start: int, parent_level: int) -> tuple[list[TocEntry], int]:
        items: list[TocEntry] = []
        position = start
        while position < len(flat) and flat[position].level > parent_level:
            entry = flat[position]
            children, position = build(position + 1, entry.level)
            items.append(TocEntry(entry.level, entry.id, entry.title, tuple(children)))
        return items, position

    return tuple(build(0, 0)[0])


def to_html(markdown: str, *, permalink: str | None = None, permalink_title: str = "Permanent link") -> RenderedPage:
    """Convert one generated page. ``permalink`` is the text of the anchor
    link appended to each heading (the ``toc`` extension's ``permalink``
    option, honoured so generated pages match the user's own), or None."""
    parser = page_parser()
    env: dict[str, Any] = {}
    tokens = parser.parse(markdown, env)
    used: set[str] = set()
    flat: list[TocEntry] = []
    title: str | None = None
    for position, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[position + 1]
        text = " ".join(inline_plain(inline).split())
        explicit = token.attrGet("id")
        anchor = _unique(str(explicit) if explicit else slugify(text), used)
        token.attrSet("id", anchor)
        level = int(token.tag[1])
        escaped = html.escape(text, quote=False)
        flat.append(TocEntry(level, anchor, escaped))
        if level == 1 and title is None:
            title = escaped
        if permalink is not None and inline.children is not None:
            link = Token("html_inline", "", 0)
            link.content = (
                f'<a class="headerlink" href="#{html.escape(anchor)}" title="{html.escape(permalink_title)}">'
                f"{html.escape(permalink)}</a>"
            )
            inline.children.append(link)
    rendered = parser.renderer.render(tokens, parser.options, env)
    return RenderedPage(rendered, title, _nest(flat))
