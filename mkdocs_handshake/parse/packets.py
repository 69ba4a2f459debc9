"""Parsing task packets (``docs/task_packets/WP-*.md``) into :class:`Packet`.

The protocol (ORCHESTRATOR_PROTOCOL Part 3.5 / 5.1) prescribes ``- FIELD:
value`` lines under fixed headings, but real packets drift: ``**STATUS:** X``,
``- **Status**: X``, a two-column table row, a ``## DONE_MEANS`` heading with
the value in its body, the same field re-written later as a status update, a
code fence whose backticks were eaten (```` `ash ... ` ````). This module reads
all of those forms from the markdown-it token stream and keeps every
occurrence with its exact line and column, so rules can both judge the
*current* value and point at each place a field was written.

Reading decisions (rules depend on them):

* A field label counts only at the start of a line of a paragraph or of a
  bullet-list item (``Label:``, ``**Label:**``, ``**Label**:``, optional
  ``[CX-…]`` tag), in the first cell of a two-column table row, or as a
  heading. Mid-line mentions ("...(status: Ready for Dev)") are prose.
  Ordered-list items are numbered prose steps, never field declarations.
* Labels compare after NFC + casefold with ``_``, ``-`` and spaces
  equivalent. ``WP_STATUS`` is read as STATUS; ``Blocker`` / ``Blocked by``
  as Depends on (the WP named there blocks *this* one); ``In Scope`` /
  ``Out of Scope`` headings as IN_SCOPE_PATHS / OUT_OF_SCOPE.
* A heading may carry a field with its value (``### RISK_TIER: HIGH``).
* Lines of the same paragraph after a label line, up to the next label line,
  continue its value; when they start with a line that is only a backtick run
  (optionally followed by a word, e.g. `` `ash ``) they are read as a code
  block that lost its fence, up to a closing backtick-only line.
* The packet's status is the last STATUS occurrence whose value names a known
  state (see :mod:`.status`); STATUS lines of prose ("STATUS: The task is
  CLOSED and moved to Done...") do not override an earlier real state. When
  no occurrence names a known state, the last one is used (UNKNOWN).
* ``date`` is the ``YYYY-MM-DD`` part of the first DATE value.
* Dependencies: ``Depends on`` / ``Dependencies`` name the packets this one
  waits for, ``Blocks`` the packets waiting for this one. A list under a
  Dependencies heading is read item by item: an item's own label
  (``Blocks:``, ``Requires:``, ``Enables:``) decides its direction, and a
  clause that says so ("is a prerequisite for WP-X", "supersedes WP-Y")
  overrides the field (see :func:`_dependency_refs`).
* The lock is ``User Signature Locked`` (2025-12 template) or, failing a
  signed one, the first ``USER_SIGNATURE`` outside an appended validation
  report (2026-02 template).
* ``declared_id`` is the first TASK_ID / WP_ID value outside a validation
  report that is a whole WP id.
* Validation reports start at a heading naming a validation / validator /
  audit report (``## VALIDATION_REPORTS``, ``### 2026-02-01 Validator
  Report (PASS)``) or at a line that starts with such a title
  (``VALIDATION REPORT - WP-1-X``, also as a list item, also outside the
  reports section). A report runs to the next report start or to the end of
  its section; its verdict is its first ``Verdict:`` label (any case, bold
  or not), else a ``Status:`` / ``Result:`` label whose value is a verdict
  word, else a verdict word written in its heading (see
  :func:`_validation_reports`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Iterator, Sequence

from markdown_it.token import Token

from ..model.ids import WP_ID, WP_ID_FULL
from ..model.packet import AnchorRef, FieldOccurrence, ListItem, Packet, ValidationReport, WpRef
from ..model.basics import Loc, ParseIssue, Status
from ..repository.source import SourceText
from ..model.verdicts import VERDICT_WORDS, normalise_verdict
from .anchors import parse_anchor_value
from .markdown import block_line, inline_plain, table_rows, tokenize
from .status import normalise_status

CANONICAL_FIELDS: tuple[str, ...] = (
    "TASK_ID", "WP_ID", "DATE", "REQUESTOR", "AGENT_ID", "ROLE", "STATUS",
    "USER_SIGNATURE", "What", "Why", "IN_SCOPE_PATHS", "OUT_OF_SCOPE",
    "RISK_TIER", "TEST_PLAN", "DONE_MEANS", "HARDENED_INVARIANTS",
    "ROLLBACK_HINT", "FILES_TO_OPEN", "SEARCH_TERMS", "RUN_COMMANDS",
    "RISK_MAP", "SPEC_ANCHOR", "SPEC_CURRENT", "Codex", "Task Board",
    "Assumptions", "Open Questions", "Dependencies", "Depends on", "Blocks",
    "Last Updated", "User Signature Locked", "Authority",
)

_ALIASES: dict[str, str] = {
    "WP_STATUS": "STATUS",
    # "Blocker: WP-X" names the packet that blocks this one.
    "Blocker": "Depends on",
    "Blockers": "Depends on",
    "Blocked by": "Depends on",
}
_HEADING_ALIASES: dict[str, str] = {"In Scope": "IN_SCOPE_PATHS", "Out of Scope": "OUT_OF_SCOPE"}
# Fields whose value may sit in the body of a heading of that name. Headings
# such as "## Authority" or "## Scope" are section containers, not values.
_HEADING_FIELDS = frozenset({
    "IN_SCOPE_PATHS", "OUT_OF_SCOPE", "RISK_TIER", "TEST_PLAN", "DONE_MEANS",
    "HARDENED_INVARIANTS", "ROLLBACK_HINT", "FILES_TO_OPEN", "SEARCH_TERMS",
    "RUN_COMMANDS", "RISK_MAP", "SPEC_ANCHOR", "Assumptions", "Open Questions",
    "Dependencies", "Depends on", "Blocks",
})

_LABEL = re.compile(
    r"^(?P<open>\*\*)?(?P<name>[^\W\d_][\w \-/]{0,58}?)\s*(?P<tag>\[[^\]\n]{1,40}\])?\s*"
    r"(?P<close>:\*\*|\*\*\s*:|:(?!//))[ \t]*"
)
_ALL_CAPS_LABEL = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
# The corpus shows "```bash" mangled to "`ash" and to "`<backspace>ash" (a
# shell turned "`b" into a backspace), so a control character is allowed.
_BACKTICK_OPEN = re.compile(r"^`{1,2}[\x00-\x1f]?[A-Za-z0-9_+-]*$")
_BACKTICK_CLOSE = re.compile(r"^`{1,2}$")
_LITERAL_NEWLINES = re.compile(r"(?:\\n){2,}")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_PHASE = re.compile(r"^WP-(\d+)-")
_HEADING_NOTE = re.compile(r"\s*(?:\([^)]*\)|\[[^\]]*\])\s*$")
# Titles of a validation report, on label_key()-folded text: anywhere in a
# heading ("2026-02-01 Validator Report (PASS)", "RE-AUDIT VALIDATION
# REPORT"), at the start of a line (after a date) elsewhere.
_REPORT_TITLE = r"(?:re )?(?:audit |re audit )?(?:revalidation|validation|validator|audit) reports?(?: |$)"
_REPORT_HEADING = re.compile(rf"(?:^| ){_REPORT_TITLE}")
_REPORT_LINE = re.compile(rf"^(?:[\d ]+ )?{_REPORT_TITLE}")
_VERDICT_KEYS = frozenset({"verdict", "validation verdict", "validator verdict", "final verdict", "overall verdict"})
_VERDICT_FALLBACK_KEYS = frozenset({"status", "result", "outcome"})
_SIGNED = re.compile(r"[A-Za-z]\w*\d{4,}")
_HEADING_VERDICT = re.compile(r"(?<![A-Za-z_])(PASS|FAIL|OUTDATED_ONLY)(?![A-Za-z_])")


def label_key(label: str) -> str:
    """Comparable form of a label: NFC, casefold, ``_``/``-``/spaces alike."""
    text = unicodedata.normalize("NFC", label).casefold()
    return " ".join(re.split(r"[\s_\-]+", text)).strip()


_CANONICAL_BY_KEY: dict[str, str] = {label_key(name): name for name in CANONICAL_FIELDS}
_CANONICAL_BY_KEY.update({label_key(alias): name for alias, name in _ALIASES.items()})


def canonical_field(label: str, heading: bool = False) -> str | None:
    """The canonical field name a written label stands for, or None."""
    key = label_key(label)
    if heading:
        while _HEADING_NOTE.search(key):  # "BOOTSTRAP (Coder Work Plan) [X]"
            key = _HEADING_NOTE.sub("", key)
        for alias, name in _HEADING_ALIASES.items():
            if key == label_key(alias):
                return name
        name = _CANONICAL_BY_KEY.get(key)
        return name if name in _HEADING_FIELDS else None
    return _CANONICAL_BY_KEY.get(key)


# --------------------------------------------------------------------------
# Token helpers
# --------------------------------------------------------------------------


def _pairs(tokens: Sequence[Token]) -> dict[int, int]:
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
class _Context:
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


def _inline_lines(ctx: _Context, inline: Token) -> list[tuple[str, int, int]]:
    """``(stripped content line, source line, 0-based column)`` of an inline."""
    first = block_line(inline)
    out: list[tuple[str, int, int]] = []
    for offset, content in enumerate(inline.content.split("\n")):
        number = first + offset
        source = ctx.lines[number - 1] if 0 < number <= len(ctx.lines) else content
        out.append((content.strip(), number, _content_column(source, content)))
    return out


def _cut_literal_newlines(ctx: _Context, text: str, line: int, column0: int) -> str:
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


def _list_items(ctx: _Context, open_index: int, depth: int) -> tuple[ListItem, ...]:
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


def _list_item(ctx: _Context, open_index: int, close: int, depth: int) -> ListItem:
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
            _, line, column0 = _inline_lines(ctx, inline)[0]
            text = _cut_literal_newlines(ctx, inline_plain(inline), line, column0)
            loc = ctx.loc(line, column0)
            source = ctx.src.line(line)[column0:].rstrip()
        elif token.level == level + 1 and token.type in ("bullet_list_open", "ordered_list_open"):
            children.extend(_list_items(ctx, index, depth + 1))
            index = ctx.pairs.get(index, index)
        index += 1
    return ListItem(text, loc, depth, tuple(children), source)


def _broken_fence(lines: Sequence[str]) -> str | None:
    """Code of a paragraph that is a fence whose backticks were eaten.

    ``lines`` start with a backtick-only opener (`` `ash ``) and span more
    than one line; the code runs to a closing backtick-only line."""
    if len(lines) < 2 or not _BACKTICK_OPEN.match(lines[0].strip()):
        return None
    body = list(lines[1:])
    if body and _BACKTICK_CLOSE.match(body[-1].strip()):
        body.pop()
    return "\n".join(body) + "\n" if body else ""


def _children_of(ctx: _Context, open_index: int) -> tuple[tuple[ListItem, ...], str]:
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
                items.extend(_list_items(ctx, index, 0))
                index = ctx.pairs.get(index, index)
            elif token.type in ("fence", "code_block") and not code:
                code = token.content
        index += 1
    return tuple(items), code


def _following_block(ctx: _Context, paragraph_open: int) -> tuple[tuple[ListItem, ...], str]:
    """Items / code of the block right after a paragraph ending in ``Label:``."""
    after = ctx.pairs.get(paragraph_open, paragraph_open) + 1
    if after >= len(ctx.tokens):
        return (), ""
    token = ctx.tokens[after]
    if token.level != ctx.tokens[paragraph_open].level:
        return (), ""
    if token.type in ("bullet_list_open", "ordered_list_open"):
        return _list_items(ctx, after, 0), ""
    if token.type in ("fence", "code_block"):
        return (), token.content
    return (), ""


# --------------------------------------------------------------------------
# Fields
# --------------------------------------------------------------------------


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


def _match_label(ctx: _Context, text: str, line: int, column0: int) -> _LabelLine | None:
    match = _LABEL.match(text)
    if not match:
        return None
    bare = match.group("name").strip()
    if match.group("open") and "**" in bare:
        return None
    value = text[match.end():]
    if match.group("open") and match.group("close") == ":" and value.endswith("**"):
        value = value[:-2]  # "**Status: X**": bold wraps the whole line
    value = _cut_literal_newlines(ctx, value.rstrip(), line, column0 + match.end())
    name = bare + (f" {match.group('tag')}" if match.group("tag") else "")
    label_col0 = column0 + (2 if match.group("open") else 0)
    return _LabelLine(name, bare, value, line, label_col0, column0 + match.end(), bool(match.group("open")))


def _paragraph_labels(ctx: _Context, inline: Token) -> list[_LabelLine]:
    """Label lines of one paragraph with their continuation lines."""
    found: list[_LabelLine] = []
    in_code = False
    for text, line, column0 in _inline_lines(ctx, inline):
        if found and in_code:
            found[-1].continuation.append(text)
            in_code = not _BACKTICK_CLOSE.match(text)
            continue
        label = _match_label(ctx, text, line, column0)
        if label is not None:
            found.append(label)
        elif found:
            if not found[-1].continuation and _BACKTICK_OPEN.match(text):
                in_code = True
            found[-1].continuation.append(text)
    return found


def _report_unmapped(ctx: _Context, label: _LabelLine) -> None:
    if _ALL_CAPS_LABEL.match(label.bare):
        ctx.issue(
            ctx.loc(label.line, label.label_col0),
            f"'{label.bare}:' looks like a packet field label but is not a known field",
            ctx.lines[label.line - 1],
            label.bare,
        )


def _paragraph_fields(ctx: _Context, index: int, section: str, first_in_item: bool, item_open: int | None) -> None:
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
        code = _broken_fence(label.continuation) or ""
        value = label.value
        if label.continuation and not code:
            value = " ".join([value, *label.continuation]).strip()
        items: tuple[ListItem, ...] = ()
        if is_last and first_in_item and item_open is not None:
            items, fence = _children_of(ctx, item_open)
            code = code or fence
        elif is_last and not label.value and not label.continuation:
            items, code = _following_block(ctx, index)
        form = "list" if first_in_item and label.line == block_line(inline) else ("bold" if label.bold else "plain")
        ctx.fields.append(
            FieldOccurrence(name, label.name, value, value_loc, form, items, code, section)
        )


def _table_fields(ctx: _Context, index: int, section: str) -> int:
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
        value = _cut_literal_newlines(ctx, cells[1], line, label_col0)
        value_col0 = source.find(value, label_col0 + len(cells[0])) if value else -1
        loc = ctx.loc(line, value_col0 if value_col0 >= 0 else label_col0)
        ctx.labels.append((label_key(cells[0]), value, loc))
        ctx.fields.append(FieldOccurrence(name, cells[0], value, loc, "table", section=section))
    return after


def _heading_field(ctx: _Context, name: str, raw: str, heading_index: int, loc: Loc, end: int) -> None:
    """A field written as a heading with its value in the heading's own body."""
    level = ctx.tokens[heading_index].level
    value, value_loc, code = "", loc, ""
    items: tuple[ListItem, ...] = ()
    index = ctx.pairs.get(heading_index, heading_index) + 1
    while index < end:
        token = ctx.tokens[index]
        if token.level == level:
            if token.type in ("bullet_list_open", "ordered_list_open") and not items:
                items = _list_items(ctx, index, 0)
            elif token.type in ("fence", "code_block") and not code:
                code = token.content
            elif token.type == "paragraph_open" and not value and not code and not items:
                lines = [text for text, _, _ in _inline_lines(ctx, ctx.tokens[index + 1])]
                broken = _broken_fence(lines)
                if broken is not None:
                    code = broken
                else:
                    _, line, column0 = _inline_lines(ctx, ctx.tokens[index + 1])[0]
                    value = _cut_literal_newlines(ctx, inline_plain(ctx.tokens[index + 1]), line, column0)
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


def _heading_label(ctx: _Context, info: "_HeadingInfo") -> None:
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


# --------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _HeadingInfo:
    text: str
    level: int
    loc: Loc
    index: int


def _heading_infos(ctx: _Context) -> list[_HeadingInfo]:
    found: list[_HeadingInfo] = []
    for index, token in enumerate(ctx.tokens):
        if token.type == "heading_open":
            inline = ctx.tokens[index + 1]
            _, line, column0 = _inline_lines(ctx, inline)[0]
            plain = inline_plain(inline)
            source = ctx.lines[line - 1]
            column0 = source.find(plain[:40]) if plain and source.find(plain[:40]) >= 0 else column0
            _cut_literal_newlines(ctx, plain, line, column0)
            found.append(_HeadingInfo(plain, int(token.tag[1:]), ctx.loc(line, column0), index))
    return found


def _walk(ctx: _Context, headings: list[_HeadingInfo]) -> None:
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
            for text, line, column0 in _inline_lines(ctx, ctx.tokens[index + 1]):
                _cut_literal_newlines(ctx, text, line, column0)  # reports only
                if "report" in text.casefold() and _REPORT_LINE.match(label_key(text.replace("*", ""))):
                    ctx.report_lines.append((text, ctx.loc(line, column0)))
            in_ordered = bool(list_kinds) and list_kinds[-1] == "ordered_list_open" and bool(items_open)
            if not in_ordered:
                first_in_item = index > 0 and ctx.tokens[index - 1].type == "list_item_open"
                _paragraph_fields(ctx, index, section, first_in_item, items_open[-1] if items_open else None)
        index += 1


# --------------------------------------------------------------------------
# Derived packet facts
# --------------------------------------------------------------------------


def _current_status(occurrences: Sequence[FieldOccurrence]) -> tuple[Status, str, Loc | None]:
    """Last STATUS naming a known state; else the last STATUS written."""
    for occurrence in reversed(occurrences):
        status = normalise_status(occurrence.value)
        if status is not Status.UNKNOWN:
            return status, occurrence.value, occurrence.loc
    if occurrences:
        return Status.UNKNOWN, occurrences[-1].value, occurrences[-1].loc
    return Status.UNKNOWN, "", None


def _item_text_loc(ctx: _Context, item: ListItem) -> tuple[str, Loc]:
    """Raw source text of a list item from its Loc (markup kept), so columns
    computed inside it are exact."""
    loc = item.loc
    source = ctx.lines[loc.line - 1] if 0 < loc.line <= len(ctx.lines) else item.text
    return source[loc.column - 1:].rstrip(), loc


def _anchors(ctx: _Context, occurrences: Sequence[FieldOccurrence]) -> tuple[AnchorRef, ...]:
    """The packet's anchors; a SPEC_ANCHOR quoted inside an appended
    validation report is the Validator's citation, not the packet's claim."""
    anchors: list[AnchorRef] = []
    for occurrence in occurrences:
        if _REPORT_HEADING.search(label_key(occurrence.section)):
            continue
        texts = [(occurrence.value, occurrence.loc)] if occurrence.value else []
        texts += [_item_text_loc(ctx, item) for item in occurrence.items]
        for text, loc in texts:
            on_line = [issue for issue in ctx.src.issues if issue.loc.line == loc.line]
            anchors.extend(parse_anchor_value(text, loc, on_line))
    return tuple(anchors)


def wp_refs(text: str, loc: Loc) -> list[WpRef]:
    """Every WP id in ``text`` with its column and the note written after it."""
    matches = list(WP_ID.finditer(text))
    refs: list[WpRef] = []
    for position, match in enumerate(matches):
        wp = match.group(0).rstrip(".-")
        note_end = matches[position + 1].start() if position + 1 < len(matches) else len(text)
        note = text[match.start() + len(wp):note_end].strip(" \t,;:.-—")
        refs.append(WpRef(wp, Loc(loc.file, loc.line, loc.column + match.start()), note))
    return refs


_DEPENDENCY_FIELDS = ("Dependencies", "Depends on")
# Labels of the items under a Dependencies heading, by the direction they
# give: "depends" (this packet waits for the WP named) or "blocks" (the WP
# named waits for this packet). Labels that are fields of their own
# (Depends on, Blocks, Blocker) are read as those fields and skipped here.
_ITEM_DIRECTIONS: dict[str, str] = {
    "requires": "depends", "required": "depends", "prerequisites": "depends", "prerequisite": "depends",
    "upstream": "depends", "waits on": "depends", "waits for": "depends", "needs": "depends",
    "enables": "blocks", "unblocks": "blocks", "downstream": "blocks", "blocking": "blocks",
}
# Phrases of a clause before a WP id that say which way it points; they
# override the field ("Dependencies: this packet is a prerequisite for
# WP-X"), and a supersede note is no dependency at all.
_CLAUSE_DIRECTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bsupersed|\breplac", re.IGNORECASE), "none"),
    (re.compile(r"\bprerequisite for\b|\bunblocks?\b|\benables?\b|\bdownstream\b|\bblocks\b", re.IGNORECASE), "blocks"),
    (re.compile(r"\bdepends? on\b|\brequires?\b|\bblocked by\b|\bwaits? (?:on|for)\b|\bafter\b", re.IGNORECASE), "depends"),
)
_CLAUSE_END = re.compile(r"[.;]\s|[.;]$|\n")


def _clause_direction(text: str, position: int) -> str | None:
    """The direction the clause holding ``text[position]`` gives, if any."""
    starts = [match.end() for match in _CLAUSE_END.finditer(text, 0, position)]
    clause = text[starts[-1] if starts else 0:position]
    for pattern, direction in _CLAUSE_DIRECTIONS:
        if pattern.search(clause):
            return direction
    return None


def _directed_refs(text: str, loc: Loc, default: str) -> Iterator[tuple[str, WpRef]]:
    for ref in wp_refs(text, loc):
        position = ref.loc.column - loc.column
        yield _clause_direction(text, position) or default, ref


def _dependency_refs(ctx: _Context, fields: dict[str, tuple[FieldOccurrence, ...]]) -> tuple[tuple[WpRef, ...], tuple[WpRef, ...]]:
    """``(depends_on, blocks)`` of a packet in file order (module docstring).
    Items are read from their source text, so columns are exact."""
    found: dict[str, list[WpRef]] = {"depends": [], "blocks": []}
    for name in (*_DEPENDENCY_FIELDS, "Blocks"):
        default = "blocks" if name == "Blocks" else "depends"
        for occurrence in fields.get(name, ()):
            texts = [(occurrence.value, occurrence.loc, default)] if occurrence.value else []
            stack = [(item, default) for item in reversed(occurrence.items)]
            while stack:
                item, direction = stack.pop()
                text, loc = _item_text_loc(ctx, item)
                label = _LABEL.match(text)
                if label:
                    if canonical_field(label.group("name")) in (*_DEPENDENCY_FIELDS, "Blocks"):
                        continue  # read as a field of its own
                    direction = _ITEM_DIRECTIONS.get(label_key(label.group("name")), direction)
                texts.append((text, loc, direction))
                stack.extend((child, direction) for child in reversed(item.children))
            for text, loc, direction in texts:
                for way, ref in _directed_refs(text, loc, direction):
                    if way in found:
                        found[way].append(ref)
    def ordered(refs: list[WpRef]) -> tuple[WpRef, ...]:
        return tuple(sorted(dict.fromkeys(refs), key=lambda ref: (ref.loc.line, ref.loc.column)))

    return ordered(found["depends"]), ordered(found["blocks"])


def _declared_id(fields: dict[str, tuple[FieldOccurrence, ...]]) -> str:
    """The first TASK_ID / WP_ID outside a validation report that is a
    whole WP id (decoration such as backticks ignored)."""
    for name in ("TASK_ID", "WP_ID"):
        for occurrence in fields.get(name, ()):
            if "validation" in occurrence.section.casefold():
                continue
            match = WP_ID.search(occurrence.value)
            if match and WP_ID_FULL.match(match.group(0).rstrip(".-")):
                return match.group(0).rstrip(".-")
    return ""


def _lock(fields: dict[str, tuple[FieldOccurrence, ...]]) -> FieldOccurrence | None:
    """The field that locks the packet: the last ``User Signature Locked``
    (2025-12 template; a later lock replaces a ``<pending>`` one), else the
    first ``USER_SIGNATURE`` outside a validation report (the 2026-02
    template's lock field, written once at creation). A written signature
    wins over a placeholder in the other field."""
    candidates: list[FieldOccurrence] = []
    locked = fields.get("User Signature Locked", ())
    if locked:
        candidates.append(locked[-1])
    own = [occurrence for occurrence in fields.get("USER_SIGNATURE", ()) if "validation" not in occurrence.section.casefold()]
    if own:
        candidates.append(own[0])
    for occurrence in candidates:
        if _SIGNED.search(occurrence.value):
            return occurrence
    return candidates[0] if candidates else None


def _validation_reports(ctx: _Context, headings: list[_HeadingInfo]) -> tuple[ValidationReport, ...]:
    """Every validation report with its verdict (module docstring)."""
    starts: list[tuple[int, str, Loc, int | None]] = []  # (line, title, loc, heading level)
    for info in headings:
        if _REPORT_HEADING.search(label_key(info.text)):
            starts.append((info.loc.line, info.text, info.loc, info.level))
    for text, loc in ctx.report_lines:
        starts.append((loc.line, text.replace("**", "").strip(), loc, None))
    starts.sort(key=lambda start: start[0])
    reports: list[ValidationReport] = []
    for position, (line, title, loc, level) in enumerate(starts):
        if level is None:  # a line report ends with the section that holds it
            enclosing = [info for info in headings if info.loc.line < line]
            level = enclosing[-1].level if enclosing else 0
        natural_end = next(
            (info.loc.line for info in headings if info.loc.line > line and info.level <= level),
            len(ctx.lines) + 1,
        )
        next_start = starts[position + 1][0] if position + 1 < len(starts) else len(ctx.lines) + 1
        end_line = min(natural_end, next_start)
        body = sorted(
            ((key, value, at) for key, value, at in ctx.labels if line < at.line < end_line),
            key=lambda label: (label[2].line, label[2].column),
        )
        verdict, verdict_loc = _verdict(body, title, loc)
        if not verdict and next_start < natural_end:
            continue  # a container ("## VALIDATION_REPORTS") of the reports that follow
        date_match = _ISO_DATE.search(title)
        date = date_match.group(1) if date_match else ""
        if not date:
            for key, value, _ in body:
                found = _ISO_DATE.search(value) if key == "date" else None
                if found:
                    date = found.group(1)
                    break
        reports.append(ValidationReport(title, loc, verdict, verdict_loc, date))
    return tuple(reports)


def _verdict(body: Sequence[tuple[str, str, Loc]], title: str, loc: Loc) -> tuple[str, Loc | None]:
    """A report's verdict: its first Verdict label, else a Status / Result
    label holding a verdict word, else a verdict word in its title."""
    for key, value, at in body:
        if key in _VERDICT_KEYS:
            word = normalise_verdict(value)
            return (word or value.strip()), at
    for key, value, at in body:
        if key in _VERDICT_FALLBACK_KEYS and normalise_verdict(value) in VERDICT_WORDS:
            return normalise_verdict(value), at
    match = _HEADING_VERDICT.search(title)
    if match:
        column = loc.column + max(title.find(match.group(1)), 0)
        return match.group(1), Loc(loc.file, loc.line, column)
    return "", None


def packet_id_from_path(path: str) -> str:
    """``docs/task_packets/WP-1-Foo-v2.md`` -> ``WP-1-Foo-v2``; a folder
    packet (``.GOV/task_packets/WP-1-Foo-v2/packet.md``, the path the
    repository resolves a WP id to from April 2026) is named by its folder."""
    pure = PurePosixPath(path)
    if pure.stem == "packet" and pure.parent.name:
        return pure.parent.name
    return pure.stem


_CODE_SEARCH_LINES = 60


def _with_code_loc(ctx: _Context, occurrence: FieldOccurrence) -> FieldOccurrence:
    """``occurrence`` with ``code_loc`` set: where the first line of its code
    stands in the file (line of code line 0, column of its first character).

    Without it every rule that quotes a code line (a ``<commit-sha>`` in
    ROLLBACK_HINT, a missing ``just post-work`` in TEST_PLAN) could only
    point at the field label, with an excerpt that is not on that line. The
    code text is de-indented by the tokenizer (list and fence indentation),
    so its first non-blank line is searched for below the label."""
    if not occurrence.code.strip() or occurrence.code_loc is not None:
        return occurrence
    code_lines = occurrence.code.split("\n")
    first = next(index for index, text in enumerate(code_lines) if text.strip())
    wanted = code_lines[first]
    start = occurrence.loc.line
    for number in range(start, min(start + _CODE_SEARCH_LINES, len(ctx.lines)) + 1):
        column0 = ctx.lines[number - 1].find(wanted.lstrip())
        if column0 < 0 or number - first < 1:
            continue
        indent = len(wanted) - len(wanted.lstrip())
        return replace(occurrence, code_loc=ctx.loc(number - first, max(column0 - indent, 0)))
    return occurrence


def _signature_value(lock: FieldOccurrence | None) -> tuple[str, Loc | None]:
    """The lock's signature without code/bold decoration (```ilja...```),
    located at its first character."""
    if lock is None:
        return "", None
    value = lock.value.strip()
    bare = value.strip("`*_ ")
    if not bare:
        return value, lock.loc
    offset = lock.value.find(bare)
    return bare, Loc(lock.loc.file, lock.loc.line, lock.loc.column + max(offset, 0))


def parse_packet(src: SourceText) -> tuple[Packet, list[ParseIssue]]:
    """Parse one task packet; never raises on malformed content."""
    packet_id = packet_id_from_path(src.path)
    tokens = tokenize(src.text)
    ctx = _Context(src, tokens, _pairs(tokens), src.lines, packet_id)
    headings = _heading_infos(ctx)
    _walk(ctx, headings)

    fields: dict[str, list[FieldOccurrence]] = {}
    for occurrence in map(lambda found: _with_code_loc(ctx, found), ctx.fields):
        fields.setdefault(occurrence.name, []).append(occurrence)
    frozen = {name: tuple(values) for name, values in fields.items()}

    if not any(name in frozen for name in ("TASK_ID", "WP_ID", "STATUS")):
        ctx.issue(
            Loc(src.path, 1),
            "no packet metadata found (no TASK_ID, WP_ID or STATUS field)",
            src.line(1),
        )
    status, status_raw, status_loc = _current_status(frozen.get("STATUS", ()))
    lock = _lock(frozen)
    signature, signature_loc = _signature_value(lock)
    depends_on, blocks = _dependency_refs(ctx, frozen)
    title = next((info for info in headings if info.level == 1), None)
    date_values = frozen.get("DATE", ())
    date_match = _ISO_DATE.search(date_values[0].value) if date_values else None
    phase_match = _PHASE.match(packet_id)
    packet = Packet(
        id=packet_id,
        file=src.path,
        title=title.text if title else "",
        title_loc=title.loc if title else None,
        fields=frozen,
        headings=tuple((info.text, info.level, info.loc) for info in headings),
        status=status,
        status_raw=status_raw,
        status_loc=status_loc,
        spec_anchors=_anchors(ctx, frozen.get("SPEC_ANCHOR", ())),
        depends_on=depends_on,
        blocks=blocks,
        signature=signature,
        signature_loc=signature_loc,
        validation_reports=_validation_reports(ctx, headings),
        date=date_match.group(1) if date_match else "",
        phase=phase_match.group(1) if phase_match else "",
        declared_id=_declared_id(frozen),
    )
    ctx.issues.sort(key=lambda issue: (issue.loc.line, issue.loc.column))
    return packet, ctx.issues
