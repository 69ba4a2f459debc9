"""A task packet's markdown as the field reader needs it.

markdown-it gives a flat token stream with the list markers and
indentation stripped; the field reader needs each block's exact source
line and column, the items of a list with their nesting, the code of a
fence whose backticks were eaten, and the packet's headings. This module
holds that view of the text and the state of one packet's reading
(:class:`PacketContext`); what counts as a field is :mod:`.packet_fields`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from markdown_it.token import Token

from ..model.packet import FieldOccurrence, ListItem
from ..model.basics import Loc, ParseIssue
from ..repository.source import SourceText
from .markdown import block_line, inline_plain

# The corpus shows "```bash" mangled to "`ash" and to "`<backspace>ash" (a
# shell turned "`b" into a backspace), so a control character is allowed.
BACKTICK_OPEN = re.compile(r"^`{1,2}[\x00-\x1f]?[A-Za-z0-9_+-]*$")
BACKTICK_CLOSE = re.compile(r"^`{1,2}$")
_LITERAL_NEWLINES = re.compile(r"(?:\\n){2,}")


def token_pairs(tokens: Sequence[Token]) -> dict[int, int]:
    """Index of each opening token -> index of its closing token."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.nesting == 1:
            stack.append(index)
        elif token.nesting == -1 and stack:
            pairs[stack.pop()] = index
    return pairs


def _content_column(source_line: str, content: str) -> int:
    """0-based column where an inline content line starts in its source line.

    markdown-it strips list markers and indentation from the front, so the
    content is a suffix of the source line; the fallback search covers lines
    the tokenizer re-indented (tabs)."""
    stripped = content.strip()
    trimmed = source_line.rstrip()
    if stripped and trimmed.endswith(stripped):
        return len(trimmed) - len(stripped)
    found = source_line.find(stripped[:40]) if stripped else -1
    return max(found, 0)


@dataclass
class PacketContext:
    """Everything the packet walk needs while it runs."""

    src: SourceText
    tokens: list[Token]
    pairs: dict[int, int]
    lines: list[str]
    packet_id: str
    issues: list[ParseIssue] = field(default_factory=list)
    fields: list[FieldOccurrence] = field(default_factory=list)
    labels: list[tuple[str, str, Loc]] = field(default_factory=list)  # (key, value, value loc)
    newline_lines: set[int] = field(default_factory=set)
    report_lines: list[tuple[str, Loc]] = field(default_factory=list)  # lines opening a validation report

    def loc(self, line: int, column0: int) -> Loc:
        return Loc(self.src.path, line, column0 + 1)

    def issue(self, loc: Loc, message: str, excerpt: str, label: str = "") -> None:
        """Record a PARSE-004 issue whose column is where ``excerpt`` starts,
        so an editor jump lands on the quoted text."""
        excerpt = excerpt.strip()
        line = self.src.line(loc.line)
        start = line.find(excerpt) if excerpt else -1
        if start >= 0:
            loc = Loc(loc.file, loc.line, start + 1)
        self.issues.append(ParseIssue("PARSE-004", loc, message, excerpt, self.packet_id, label))


def inline_lines(ctx: PacketContext, inline: Token) -> list[tuple[str, int, int]]:
    """``(stripped content line, source line, 0-based column)`` of an inline."""
    first = block_line(inline)
    out: list[tuple[str, int, int]] = []
    for offset, content in enumerate(inline.content.split("\n")):
        number = first + offset
        source = ctx.lines[number - 1] if 0 < number <= len(ctx.lines) else content
        out.append((content.strip(), number, _content_column(source, content)))
    return out


def cut_literal_newlines(ctx: PacketContext, text: str, line: int, column0: int) -> str:
    """Cut a value at a literal ``\\n\\n`` and report it once per line."""
    match = _LITERAL_NEWLINES.search(text)
    if not match:
        return text
    if line not in ctx.newline_lines:
        ctx.newline_lines.add(line)
        # The excerpt starts where the column points (the first "\n"), so
        # the finding quotes exactly what stands there.
        source = ctx.lines[line - 1] if 0 < line <= len(ctx.lines) else text
        position = column0 + match.start()
        if not source.startswith(match.group(0), position):
            found = source.find(match.group(0))
            position = found if found >= 0 else position
        ctx.issue(
            ctx.loc(line, position),
            "literal '\\n' escape sequences inside a line; text after them "
            f"({text[match.end():].strip()!r}) was meant as new lines and is not read as structure",
            source[position:] if source.startswith(match.group(0), position) else source,
        )
    return text[: match.start()].rstrip()


def list_items(ctx: PacketContext, open_index: int, depth: int) -> tuple[ListItem, ...]:
    """The items of the list opened at ``open_index``, nested lists as children."""
    close = ctx.pairs.get(open_index, open_index)
    level = ctx.tokens[open_index].level
    items: list[ListItem] = []
    index = open_index + 1
    while index < close:
        token = ctx.tokens[index]
        if token.type == "list_item_open" and token.level == level + 1:
            item_close = ctx.pairs.get(index, index)
            items.append(_list_item(ctx, index, item_close, depth))
            index = item_close
        index += 1
    return tuple(items)


def _list_item(ctx: PacketContext, open_index: int, close: int, depth: int) -> ListItem:
    level = ctx.tokens[open_index].level
    text = ""
    source = ""
    loc = Loc(ctx.src.path, block_line(ctx.tokens[open_index]), 1)
    children: list[ListItem] = []
    index = open_index + 1
    while index < close:
        token = ctx.tokens[index]
        if token.level == level + 1 and token.type == "paragraph_open" and not text:
            inline = ctx.tokens[index + 1]
            _, line, column0 = inline_lines(ctx, inline)[0]
            text = cut_literal_newlines(ctx, inline_plain(inline), line, column0)
            loc = ctx.loc(line, column0)
            source = ctx.src.line(line)[column0:].rstrip()
        elif token.level == level + 1 and token.type in ("bullet_list_open", "ordered_list_open"):
            children.extend(list_items(ctx, index, depth + 1))
            index = ctx.pairs.get(index, index)
        index += 1
    return ListItem(text, loc, depth, tuple(children), source)


def broken_fence(lines: Sequence[str]) -> str | None:
    """Code of a paragraph that is a fence whose backticks were eaten.

    ``lines`` start with a backtick-only opener (`` `ash ``) and span more
    than one line; the code runs to a closing backtick-only line."""
    if len(lines) < 2 or not BACKTICK_OPEN.match(lines[0].strip()):
        return None
    body = list(lines[1:])
    if body and BACKTICK_CLOSE.match(body[-1].strip()):
        body.pop()
    return "\n".join(body) + "\n" if body else ""


def children_of(ctx: PacketContext, open_index: int) -> tuple[tuple[ListItem, ...], str]:
    """Items of the lists and code of the first fence directly inside a
    container (list item), skipping its first paragraph."""
    close = ctx.pairs.get(open_index, open_index)
    level = ctx.tokens[open_index].level
    items: list[ListItem] = []
    code = ""
    index = open_index + 1
    while index < close:
        token = ctx.tokens[index]
        if token.level == level + 1:
            if token.type in ("bullet_list_open", "ordered_list_open"):
                items.extend(list_items(ctx, index, 0))
                index = ctx.pairs.get(index, index)
            elif token.type in ("fence", "code_block") and not code:
                code = token.content
        index += 1
    return tuple(items), code


def following_block(ctx: PacketContext, paragraph_open: int) -> tuple[tuple[ListItem, ...], str]:
    """Items / code of the block right after a paragraph ending in ``Label:``."""
    after = ctx.pairs.get(paragraph_open, paragraph_open) + 1
    if after >= len(ctx.tokens):
        return (), ""
    token = ctx.tokens[after]
    if token.level != ctx.tokens[paragraph_open].level:
        return (), ""
    if token.type in ("bullet_list_open", "ordered_list_open"):
        return list_items(ctx, after, 0), ""
    if token.type in ("fence", "code_block"):
        return (), token.content
    return (), ""


def item_text_loc(ctx: PacketContext, item: ListItem) -> tuple[str, Loc]:
    """Raw source text of a list item from its Loc (markup kept), so columns
    computed inside it are exact."""
    loc = item.loc
    source = ctx.lines[loc.line - 1] if 0 < loc.line <= len(ctx.lines) else item.text
    return source[loc.column - 1:].rstrip(), loc


@dataclass(frozen=True)
class HeadingInfo:
    """One heading of the packet: its plain text, level and place, and the
    index of its ``heading_open`` token (sections and reports start there)."""

    text: str
    level: int
    loc: Loc
    index: int


def heading_infos(ctx: PacketContext) -> list[HeadingInfo]:
    """Every heading of the packet in order; a literal ``\\n`` in one is
    reported as in any other line."""
    found: list[HeadingInfo] = []
    for index, token in enumerate(ctx.tokens):
        if token.type == "heading_open":
            inline = ctx.tokens[index + 1]
            _, line, column0 = inline_lines(ctx, inline)[0]
            plain = inline_plain(inline)
            source = ctx.lines[line - 1]
            column0 = source.find(plain[:40]) if plain and source.find(plain[:40]) >= 0 else column0
            cut_literal_newlines(ctx, plain, line, column0)
            found.append(HeadingInfo(plain, int(token.tag[1:]), ctx.loc(line, column0), index))
    return found
