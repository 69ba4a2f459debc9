"""Shared markdown-it-py plumbing for the parsers.

Structure (headings, lists, tables, code fences) always comes from the token
stream, never from regular expressions over raw text: that is what keeps a
``# comment`` inside a bash fence from becoming a spec chapter. Regular
expressions are used only on the *inline* text of a block the tokenizer has
already identified (a field label inside a list item, a section number in a
heading).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token

from ..model.basics import Loc
from ..repository.source import SourceText


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """CommonMark plus GFM tables, raw HTML kept as text blocks.

    Inline content is parsed on demand (:func:`inline_children`), not for
    every block: the parsers read it only for headings, list-item heads,
    fields and table cells, and on a 1.5 MB spec the inline pass of every
    paragraph was about a quarter of the tokenisation."""
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    parser.core.ruler.at("inline", _defer_inline)
    parser.core.ruler.disable("text_join")
    return parser


def _defer_inline(state: StateCore) -> None:
    """Core rule in place of the inline pass: each inline token keeps the
    document's env (its link reference definitions) for a later parse."""
    for token in state.tokens:
        if token.type == "inline":
            token.meta["deferred_env"] = state.env


def inline_children(token: Token) -> list[Token]:
    """The inline tokens of an inline block token, parsed on first use (the
    result is kept on the token, so a second reader does not parse again)."""
    env = token.meta.pop("deferred_env", None) if token.meta else None
    if env is not None:
        parser = markdown_parser()
        children: list[Token] = []
        parser.inline.parse(token.content, parser, env, children)
        token.children = _joined_text(children)
    return token.children or []


def _joined_text(tokens: list[Token]) -> list[Token]:
    """What the ``text_join`` core rule does, for one inline parse: escapes
    (``text_special``) become text and adjacent text tokens merge."""
    joined: list[Token] = []
    for token in tokens:
        if token.type == "text_special":
            token.type = "text"
        if token.type == "text" and joined and joined[-1].type == "text":
            joined[-1].content += token.content
        else:
            joined.append(token)
    return joined


@lru_cache(maxsize=2)
def tokenize(text: str) -> list[Token]:
    """Tokens of ``text``. The last two results are kept because the loader
    reads the same file twice in a row (the spec parser, then the signature
    scan); callers must treat the list as read-only."""
    return markdown_parser().parse(text)


def inline_plain(token: Token | None) -> str:
    """The readable text of an inline token: markup dropped, code kept,
    line breaks folded to spaces."""
    if token is None:
        return ""
    if token.meta and "deferred_env" in token.meta:  # not parsed yet
        plain = _plain_without_markup(token.content)
        if plain is not None:
            return plain
    children = inline_children(token)
    if token.children is None:
        return token.content
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts).strip()


#: Characters at which an inline rule of our parser can start (emphasis,
#: code, links and images, autolinks and HTML, entities, escapes).
_MARKUP = re.compile(r"[\\`*_\[\]<>&!~]")


def _plain_without_markup(content: str) -> str | None:
    """What :func:`inline_plain` returns for inline content without any
    markup character, computed without the inline parser (which list items
    of every packet would otherwise go through); None when there is markup.
    Line breaks become one space, with the spaces around them dropped as
    the parser's newline rule drops them."""
    if _MARKUP.search(content):
        return None
    if "\n" not in content:
        return content.strip()
    lines = content.split("\n")
    last = len(lines) - 1
    parts = [
        (line.lstrip(" \t") if index else line).rstrip(" ") if index < last else line.lstrip(" \t")
        for index, line in enumerate(lines)
    ]
    return " ".join(parts).strip()


def block_line(token: Token) -> int:
    """1-based first line of a block token (0 when the token has no map)."""
    return token.map[0] + 1 if token.map else 0


def block_end_line(token: Token) -> int:
    """1-based last line of a block token."""
    return token.map[1] if token.map else 0


def cell_column(lines: Sequence[str], token: Token, cursor: int) -> int:
    """0-based column of a table cell's text on its line, searched from
    ``cursor`` so equal cells of one row are told apart."""
    line = block_line(token)
    if not 0 < line <= len(lines) or not token.content:
        return cursor
    found = lines[line - 1].find(token.content[:20], cursor)
    return found if found >= 0 else cursor


def locate(src: SourceText, line: int, needle: str, search_lines: int = 1) -> Loc:
    """The Loc of ``needle`` on ``line`` (or within ``search_lines`` lines from
    it), with its 1-based column. Falls back to column 1 of ``line`` when the
    text was reflowed by the tokenizer and cannot be found verbatim."""
    lines = src.lines
    if needle:
        probe = needle.strip()[:60]
        for offset in range(max(1, search_lines)):
            number = line + offset
            if not 0 < number <= len(lines):
                break
            column = lines[number - 1].find(probe)
            if column >= 0:
                return Loc(src.path, number, column + 1)
    return Loc(src.path, max(line, 1), 1)


def line_of_offset(token: Token, offset: int) -> int:
    """1-based line of a character offset inside an inline token's content.

    Paragraph inline content keeps the newlines of the source, so the line is
    the block's first line plus the newlines before ``offset``."""
    return block_line(token) + token.content.count("\n", 0, offset)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int
    index: int  # position of the heading_open token in the stream


def headings(tokens: Sequence[Token]) -> Iterator[Heading]:
    """Every ATX/setext heading, in document order (fenced code excluded by the
    tokenizer)."""
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1:])
            yield Heading(level, inline_plain(tokens[index + 1]), block_line(token), index)


def table_rows(tokens: Sequence[Token], start: int) -> tuple[list[tuple[list[str], int]], int]:
    """Rows of the table whose ``table_open`` is at ``start``.

    Returns ``([(cells, line), ...], index_after_table)``; the header row is
    the first entry. Cells are plain text."""
    rows: list[tuple[list[str], int]] = []
    index = start + 1
    cells: list[str] = []
    row_line = 0
    while index < len(tokens) and tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            cells = []
            row_line = block_line(token)
        elif token.type == "inline":
            cells.append(inline_plain(token))
        elif token.type == "tr_close":
            rows.append((cells, row_line))
        index += 1
    return rows, index + 1


def slugify(text: str) -> str:
    """An id from heading text, as Python-Markdown's ``toc`` extension makes
    it: ASCII-folded, punctuation dropped, lower case, spaces to hyphens."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    folded = re.sub(r"[^\w\s-]", "", folded).strip().lower()
    return re.sub(r"[-\s]+", "-", folded)
