"""TASK_BOARD.md: which WP stands in which column (protocol Part 6, 7.2).

Columns are the H2/H3 headings (``## Ready for Dev``, ``## Superseded
(Archive)``, ``## 🚨 PHASE 1 CLOSURE GATES (BLOCKING)``); H4 and deeper stay
inside the column above them. An entry is a list item (bullet or numbered)
whose first line names a WP id in any of the written forms: ``**[WP-1-X]**``,
``[WP-1-X]``, ``WP-1-X:``, ``✅ WP-1-X [READY FOR DEV]``. Entries under a heading that is no column
(``## Notes``) are kept with column OTHER for the rules to judge. Sub-bullets
(``Status: [READY FOR DEV 🔴]``, ``Blocker: ...``, Blocked reasons with ETA)
are part of the entry's text, not entries of their own.

A list item under a board column that names no WP cannot be placed and is
reported as PARSE-004, except two kinds that are obviously not entries:
template placeholders (``[WP_ID]: {Brief description}``, ``WP-{phase}-...``)
and task-list checkboxes (``- [ ] All WPs VALIDATED``) in a phase-gate
section, which are closure criteria. A grouping item without a WP whose
sub-items name WPs hands its sub-items on as entries. A WP id written in a
paragraph (not a list item) under a column is reported too, because the
board would otherwise silently lose it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from markdown_it.token import Token

from ..model.ids import PHASE, WP_ID
from ..model.records import Board, BoardEntry
from ..model.basics import BoardColumn, Loc, ParseIssue
from ..repository.source import SourceText
from .markdown import block_line, headings, inline_plain, locate, tokenize

_TRAILING = ".-"

# A bracketed status tag: upper-case words, then nothing, an emoji/symbol, a
# " - explanation", a "(...)" or ": ..." (``[GAP - packet not yet created]``).
# Ids such as ``[CX-585A]`` or ``[WP-1-X]`` do not match: the word run must
# not continue into digits.
_BRACKET = re.compile(r"\[([^\[\]]+)\]")
_TAG_BODY = re.compile(r"\s*([A-Z]{2,}(?:[ _-][A-Z]{2,})*)\s*(?:$|[^\w\s\-].*|-\s.*|\(.*|:.*)", re.S)
# Bare markers outside brackets: upper-case FAIL/FAILED/SUPERSEDED/VALIDATED,
# and "Superseded by ..." in any case (the archive writes it capitalised).
_BARE = re.compile(r"\b(FAIL(?:ED)?|SUPERSEDED|VALIDATED)\b|\b([Ss]uperseded)\s+by\b")
_PLACEHOLDER = re.compile(r"WP_ID|WP-\{|\{[^{}]*\}")
_TASK_CHECKBOX = re.compile(r"^\[[ xX]\]\s")


def classify_column(heading: str) -> BoardColumn:
    """The board column a heading names (protocol Part 6.1); OTHER if none.

    The phase-gate check comes first: "CLOSURE GATES (BLOCKING)" is not the
    Blocked column."""
    folded = heading.casefold()
    if re.search(r"\b(closure|phase)\s+gates?\b|\bphase\s+\d+\s+closure\b", folded):
        return BoardColumn.PHASE_GATE
    if re.search(r"\bsuperseded\b|\barchive[ds]?\b", folded):
        return BoardColumn.SUPERSEDED
    if re.search(r"\bready[\s_-]+for[\s_-]+dev", folded):
        return BoardColumn.READY_FOR_DEV
    if re.search(r"\bin[\s_-]+progress\b", folded):
        return BoardColumn.IN_PROGRESS
    if re.search(r"\bblocked\b", folded):
        return BoardColumn.BLOCKED
    if re.search(r"\b(done|validated|completed?)\b", folded):
        return BoardColumn.DONE
    return BoardColumn.OTHER


def first_wp(text: str) -> tuple[str, int] | None:
    """First WP id in ``text`` (trailing ``.``/``-`` trimmed) and its offset."""
    for match in WP_ID.finditer(text):
        wp = match.group(0)
        if wp.endswith(".md"):
            wp = wp[:-3]
        wp = wp.rstrip(_TRAILING)
        if re.fullmatch(rf"WP-{PHASE}-[A-Za-z0-9].*", wp):
            return wp, match.start()
    return None


def normalise_tag(raw: str) -> str:
    return re.sub(r"\s+", " ", raw.replace("_", " ").replace("-", " ")).strip().upper()


def extract_tags(text: str) -> tuple[str, ...]:
    """Status tags of an entry, in order of appearance, without repeats."""
    found: list[tuple[int, str]] = []
    for match in _BRACKET.finditer(text):
        body = _TAG_BODY.fullmatch(match.group(1))
        if body and not WP_ID.match(match.group(1).strip()):
            found.append((match.start(), normalise_tag(body.group(1))))
    outside = _BRACKET.sub(lambda m: " " * len(m.group(0)), text)
    for match in _BARE.finditer(outside):
        word = (match.group(1) or match.group(2)).upper()
        found.append((match.start(), "FAIL" if word == "FAILED" else word))
    tags: list[str] = []
    for _, tag in sorted(found):
        if tag not in tags:
            tags.append(tag)
    return tuple(tags)


@dataclass
class _Item:
    """A list item: its first inline token, whole text and child items."""

    open_index: int
    first_inline: Token | None
    text: str
    children: list["_Item"]
    line: int


def _collect_item(tokens: Sequence[Token], start: int) -> tuple[_Item, int]:
    """Read the list item opening at ``start``; return it and the index after
    its ``list_item_close``."""
    depth = 0
    index = start
    parts: list[str] = []
    children: list[_Item] = []
    first_inline: Token | None = None
    while index < len(tokens):
        token = tokens[index]
        if token.type == "list_item_open":
            if index != start and depth == 1:
                child, index = _collect_item(tokens, index)
                children.append(child)
                parts.append(child.text)
                continue
            depth += 1
        elif token.type == "list_item_close":
            depth -= 1
            if depth == 0:
                return _Item(start, first_inline, "\n".join(p for p in parts if p), children, block_line(tokens[start])), index + 1
        elif token.type == "inline":
            if first_inline is None:
                first_inline = token
            parts.append(inline_plain(token))
        elif token.type in ("fence", "code_block", "html_block"):
            parts.append(token.content.rstrip("\n"))
        index += 1
    return _Item(start, first_inline, "\n".join(p for p in parts if p), children, block_line(tokens[start])), index


def _wp_loc(src: SourceText, line: int, wp: str) -> Loc:
    """Exact column of ``wp`` as a whole id on ``line`` (not a prefix of a
    longer id such as ``WP-1-X-v2``)."""
    text = src.line(line)
    for match in WP_ID.finditer(text):
        if match.group(0).removesuffix(".md").rstrip(_TRAILING) == wp:
            return Loc(src.path, line, match.start() + 1)
    return locate(src, line, wp, search_lines=3)


class _BoardBuilder:
    def __init__(self, src: SourceText) -> None:
        self.src = src
        self.entries: list[BoardEntry] = []
        self.issues: list[ParseIssue] = []

    def issue(self, loc: Loc, message: str, excerpt: str) -> None:
        self.issues.append(ParseIssue("PARSE-004", loc, message, excerpt[:200], self.src.path))

    def add_item(self, item: _Item, column: BoardColumn, column_raw: str) -> None:
        found = first_wp(_first_line(item))
        if found is not None:
            wp = found[0]
            line = block_line(item.first_inline) if item.first_inline is not None else item.line
            self.entries.append(BoardEntry(wp, column, column_raw, extract_tags(item.text), item.text, _wp_loc(self.src, line, wp)))
            return
        named = [child for child in item.children if _names_wp(child)]
        if named:
            for child in item.children:
                self.add_item(child, column, column_raw)
            return
        if column is BoardColumn.OTHER or _is_placeholder(item.text):
            return
        if column is BoardColumn.PHASE_GATE and _TASK_CHECKBOX.match(item.text):
            return
        loc = Loc(self.src.path, item.line, 1)
        self.issue(loc, f"list item under '{column_raw}' names no WP id; it cannot be placed on the board", item.text.split("\n")[0])


def _first_line(item: _Item) -> str:
    """The item's first source line as written (markup kept, so a WP id in a
    link target counts like one in the link text)."""
    return item.first_inline.content.split("\n")[0] if item.first_inline is not None else ""


def _names_wp(item: _Item) -> bool:
    return first_wp(_first_line(item)) is not None or any(_names_wp(child) for child in item.children)


def _is_placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER.search(text.split("\n")[0]))


def parse_board(src: SourceText) -> tuple[Board, list[ParseIssue]]:
    """Read the task board into entries per column, reporting what cannot be placed."""
    tokens = tokenize(src.text)
    builder = _BoardBuilder(src)
    columns: list[tuple[str, BoardColumn, Loc]] = []
    column_at: dict[int, tuple[str, BoardColumn]] = {}
    for heading in headings(tokens):
        if heading.level in (2, 3):
            kind = classify_column(heading.text)
            columns.append((heading.text, kind, locate(src, heading.line, heading.text)))
            column_at[heading.index] = (heading.text, kind)
        elif heading.level == 1:
            column_at[heading.index] = (heading.text, BoardColumn.OTHER)

    current = ("", BoardColumn.OTHER)
    index = 0
    list_depth = 0
    while index < len(tokens):
        token = tokens[index]
        if index in column_at:
            current = column_at[index]
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "list_item_open" and list_depth == 1:
            item, index = _collect_item(tokens, index)
            builder.add_item(item, current[1], current[0])
            continue
        elif token.type == "inline" and list_depth == 0 and current[1] not in (BoardColumn.OTHER, BoardColumn.PHASE_GATE):
            if tokens[index - 1].type == "paragraph_open":
                found = first_wp(token.content)
                if found is not None and not _is_placeholder(token.content):
                    line = block_line(token) + token.content.count("\n", 0, found[1])
                    builder.issue(
                        _wp_loc(src, line, found[0]),
                        f"{found[0]} is written under '{current[0]}' outside a list item; it is not read as a board entry",
                        src.line(line).strip(),
                    )
        index += 1
    return Board(src.path, tuple(builder.entries), tuple(columns)), builder.issues
