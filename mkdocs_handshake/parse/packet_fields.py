"""Finding the fields of a task packet in its markdown.

A field is written as a label at the start of a paragraph or bullet-item
line, as a two-column table row, or as a heading (see the reading decisions
in :mod:`.packets`). :func:`read_fields` walks the tokens once and records
every occurrence with its exact place, the label lines a validation report
is judged by, and the lines that open a report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.token import Token

from ..model.packet import FieldOccurrence, ListItem
from ..model.basics import Loc
from .markdown import block_line, inline_plain, table_rows
from .packet_labels import LABEL, REPORT_LINE, canonical_field, label_key
from .packet_markdown import (
    BACKTICK_CLOSE,
    BACKTICK_OPEN,
    HeadingInfo,
    PacketContext,
    broken_fence,
    children_of,
    cut_literal_newlines,
    following_block,
    inline_lines,
    list_items,
)

_ALL_CAPS_LABEL = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")


@dataclass
class _LabelLine:
    name: str  # label as written (tag kept)
    bare: str  # label without ** and tag
    value: str
    line: int
    label_col0: int
    value_col0: int
    bold: bool
    continuation: list[str] = field(default_factory=list)


def _match_label(ctx: PacketContext, text: str, line: int, column0: int) -> _LabelLine | None:
    match = LABEL.match(text)
    if not match:
        return None
    bare = match.group("name").strip()
    if match.group("open") and "**" in bare:
        return None
    value = text[match.end():]
    if match.group("open") and match.group("close") == ":" and value.endswith("**"):
        value = value[:-2]  # "**Status: X**": bold wraps the whole line
    value = cut_literal_newlines(ctx, value.rstrip(), line, column0 + match.end())
    name = bare + (f" {match.group('tag')}" if match.group("tag") else "")
    label_col0 = column0 + (2 if match.group("open") else 0)
    return _LabelLine(name, bare, value, line, label_col0, column0 + match.end(), bool(match.group("open")))


def _paragraph_labels(ctx: PacketContext, inline: Token) -> list[_LabelLine]:
    """Label lines of one paragraph with their continuation lines."""
    found: list[_LabelLine] = []
    in_code = False
    for text, line, column0 in inline_lines(ctx, inline):
        if found and in_code:
            found[-1].continuation.append(text)
            in_code = not BACKTICK_CLOSE.match(text)
            continue
        label = _match_label(ctx, text, line, column0)
        if label is not None:
            found.append(label)
        elif found:
            if not found[-1].continuation and BACKTICK_OPEN.match(text):
                in_code = True
            found[-1].continuation.append(text)
    return found


def _report_unmapped(ctx: PacketContext, label: _LabelLine) -> None:
    if _ALL_CAPS_LABEL.match(label.bare):
        ctx.issue(
            ctx.loc(label.line, label.label_col0),
            f"'{label.bare}:' looks like a packet field label but is not a known field",
            ctx.lines[label.line - 1],
            label.bare,
        )


def _paragraph_fields(ctx: PacketContext, index: int, section: str, first_in_item: bool, item_open: int | None) -> None:
    """Fields written in the paragraph whose ``paragraph_open`` is at ``index``."""
    inline = ctx.tokens[index + 1]
    labels = _paragraph_labels(ctx, inline)
    for position, label in enumerate(labels):
        value_loc = ctx.loc(label.line, label.value_col0 if label.value else label.label_col0)
        ctx.labels.append((label_key(label.bare), label.value, value_loc))
        name = canonical_field(label.bare)
        if name is None:
            _report_unmapped(ctx, label)
            continue
        is_last = position == len(labels) - 1
        code = broken_fence(label.continuation) or ""
        value = label.value
        if label.continuation and not code:
            value = " ".join([value, *label.continuation]).strip()
        items: tuple[ListItem, ...] = ()
        if is_last and first_in_item and item_open is not None:
            items, fence = children_of(ctx, item_open)
            code = code or fence
        elif is_last and not label.value and not label.continuation:
            items, code = following_block(ctx, index)
        form = "list" if first_in_item and label.line == block_line(inline) else ("bold" if label.bold else "plain")
        ctx.fields.append(
            FieldOccurrence(name, label.name, value, value_loc, form, items, code, section)
        )


def _table_fields(ctx: PacketContext, index: int, section: str) -> int:
    """Two-column table rows whose first cell is a field label."""
    rows, after = table_rows(ctx.tokens, index)
    for cells, line in rows:
        if len(cells) != 2:
            continue
        name = canonical_field(cells[0].strip("* "))
        if name is None:
            continue
        source = ctx.lines[line - 1]
        label_col0 = max(source.find(cells[0]), 0)
        value = cut_literal_newlines(ctx, cells[1], line, label_col0)
        value_col0 = source.find(value, label_col0 + len(cells[0])) if value else -1
        loc = ctx.loc(line, value_col0 if value_col0 >= 0 else label_col0)
        ctx.labels.append((label_key(cells[0]), value, loc))
        ctx.fields.append(FieldOccurrence(name, cells[0], value, loc, "table", section=section))
    return after


def _heading_field(ctx: PacketContext, name: str, raw: str, heading_index: int, loc: Loc, end: int) -> None:
    """A field written as a heading with its value in the heading's own body."""
    level = ctx.tokens[heading_index].level
    value, value_loc, code = "", loc, ""
    items: tuple[ListItem, ...] = ()
    index = ctx.pairs.get(heading_index, heading_index) + 1
    while index < end:
        token = ctx.tokens[index]
        if token.level == level:
            if token.type in ("bullet_list_open", "ordered_list_open") and not items:
                items = list_items(ctx, index, 0)
            elif token.type in ("fence", "code_block") and not code:
                code = token.content
            elif token.type == "paragraph_open" and not value and not code and not items:
                lines = [text for text, _, _ in inline_lines(ctx, ctx.tokens[index + 1])]
                broken = broken_fence(lines)
                if broken is not None:
                    code = broken
                else:
                    _, line, column0 = inline_lines(ctx, ctx.tokens[index + 1])[0]
                    value = cut_literal_newlines(ctx, inline_plain(ctx.tokens[index + 1]), line, column0)
                    value_loc = ctx.loc(line, column0)
            if token.nesting == 1:
                index = ctx.pairs.get(index, index)
        index += 1
    if not value and items:
        for item in items:  # "## RISK_TIER" + "- Level: HIGH"
            match = re.match(r"(?i)level\s*:\s*", item.text)
            if match:
                value = item.text[match.end():].strip()
                source = ctx.lines[item.loc.line - 1]
                column0 = source.find(value, item.loc.column - 1)
                value_loc = ctx.loc(item.loc.line, column0 if column0 >= 0 else item.loc.column - 1)
                break
    ctx.fields.append(FieldOccurrence(name, raw, value, value_loc, "heading", items, code, raw))


def _heading_label(ctx: PacketContext, info: "HeadingInfo") -> None:
    """A field written with its value in the heading text itself
    (``### RISK_TIER: HIGH``); a heading label without a value
    (``### REASON FOR PASS:``) is a title, not a field."""
    source = ctx.lines[info.loc.line - 1] if 0 < info.loc.line <= len(ctx.lines) else info.text
    column0 = source.find(info.text) if info.text else -1
    label = _match_label(ctx, info.text, info.loc.line, max(column0, 0))
    if label is None or not label.value.strip():
        return
    name = canonical_field(label.bare)
    if name is None:
        return
    value_col0 = source.find(label.value, label.value_col0) if column0 >= 0 else -1
    loc = ctx.loc(info.loc.line, value_col0 if value_col0 >= 0 else info.loc.column - 1)
    ctx.labels.append((label_key(label.bare), label.value, loc))
    ctx.fields.append(FieldOccurrence(name, label.name, label.value, loc, "heading", section=info.text))


def read_fields(ctx: PacketContext, headings: list[HeadingInfo]) -> None:
    """One pass over the tokens: every field occurrence into ``ctx.fields``,
    every label line into ``ctx.labels`` (a report's verdict is read from
    them) and every line that opens a validation report into
    ``ctx.report_lines``. Items of ordered lists are prose steps, not fields."""
    heading_at = {info.index: position for position, info in enumerate(headings)}
    section = ""
    list_kinds: list[str] = []
    items_open: list[int] = []
    index = 0
    while index < len(ctx.tokens):
        token = ctx.tokens[index]
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            list_kinds.append(kind)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_kinds.pop()
        elif kind == "list_item_open":
            items_open.append(index)
        elif kind == "list_item_close":
            items_open.pop()
        elif kind == "heading_open":
            info = headings[heading_at[index]]
            section = info.text
            name = canonical_field(info.text, heading=True)
            if name is not None:
                following = headings[heading_at[index] + 1:]
                end = following[0].index if following else len(ctx.tokens)
                _heading_field(ctx, name, info.text, index, info.loc, end)
            else:
                _heading_label(ctx, info)
        elif kind == "table_open":
            index = _table_fields(ctx, index, section)
            continue
        elif kind == "paragraph_open":
            for text, line, column0 in inline_lines(ctx, ctx.tokens[index + 1]):
                cut_literal_newlines(ctx, text, line, column0)  # reports only
                if "report" in text.casefold() and REPORT_LINE.match(label_key(text.replace("*", ""))):
                    ctx.report_lines.append((text, ctx.loc(line, column0)))
            in_ordered = bool(list_kinds) and list_kinds[-1] == "ordered_list_open" and bool(items_open)
            if not in_ordered:
                first_in_item = index > 0 and ctx.tokens[index - 1].type == "list_item_open"
                _paragraph_fields(ctx, index, section, first_in_item, items_open[-1] if items_open else None)
        index += 1
