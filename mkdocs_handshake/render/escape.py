"""Escaping governance text for every output language we write.

Governance files are written by people and agents; a packet title may hold
``<script>``, a pipe that would split a table cell, or ``"];`` that would end
a DOT attribute. Nothing read from a governance file reaches a page without
passing one of these functions.
"""

from __future__ import annotations

import html
import re

# Characters Python-Markdown treats as markup and accepts a backslash escape for.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!])")


def html_text(text: str) -> str:
    """Text for an HTML element or attribute value."""
    return html.escape(text, quote=True)


def md_text(text: str) -> str:
    """Text for a markdown paragraph or table cell: HTML-escaped, markdown
    punctuation backslash-escaped, line breaks folded."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return html.escape(escaped, quote=False).replace("|", "&#124;")


def md_code(text: str) -> str:
    """Inline code span that survives any backticks in ``text``."""
    folded = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", folded)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if folded.startswith("`") or folded.endswith("`") else ""
    return f"{fence}{pad}{folded}{pad}{fence}"


def dot_text(text: str) -> str:
    """Text for a double-quoted DOT string (labels, tooltips, URLs)."""
    folded = " ".join(text.split())
    return folded.replace("\\", "\\\\").replace('"', '\\"')


def dot_quoted(text: str) -> str:
    """A whole double-quoted DOT string. ``&`` is written as an entity
    because Graphviz decodes entities in labels; this keeps ``&lt;`` in a
    title literal."""
    return '"' + dot_text(text.replace("&", "&amp;")) + '"'
