"""SIGNATURE_AUDIT.md: the registry of consumed signatures (protocol Part 2.5.4).

The rows come from the table whose header has a ``Signature`` column. The
columns are matched by header name, not position, because the protocol's own
template says ``Date`` where the real log says ``Date/Time``, and people add,
drop and reorder columns. A row whose cell count differs from the header is
kept (markdown-it pads or drops cells; the raw cells are kept in
``SignatureRow.cells``) and reported as PARSE-004, since a shifted cell means
the Purpose may be sitting in the Date column.

A table missing its ``|---|`` separator is not a table to markdown-it: its
lines become a paragraph. Such pipe lines are reported (PARSE-004) and, when
their first line is a header with a Signature column, still read as rows, so
a broken log does not look empty.

``AuditLog.mentions`` holds every other signature token in the file (prose,
examples in code blocks, a signature cited in another row's Notes), all with
role ``"mention"``: the audit log records uses, it is not one (SIG-002).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from markdown_it.token import Token

from ..model.records import AuditLog, SignatureRow, SignatureUse
from ..model.basics import Loc, ParseIssue
from ..repository.source import SourceText
from .markdown import block_line, table_rows, tokenize
from .signatures import SIGNATURE_TOKEN, find_signature_uses

# Header aliases, matched on the folded header (letters and digits only).
_ALIASES: dict[str, tuple[str, ...]] = {
    "signature": ("signature", "usersignature", "sig"),
    "used_by": ("usedby", "user", "by", "consumedby", "role"),
    "datetime": ("datetime", "date", "time", "timestamp", "when"),
    "purpose": ("purpose", "reason", "use"),
    "spec_version": ("masterspecversion", "specversion", "version", "spec"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
}


_INVALID = re.compile(r"\binvalid\b", re.IGNORECASE)


def _fold(header: str) -> str:
    return re.sub(r"[^0-9a-z]", "", header.casefold())


def map_columns(header: Sequence[str]) -> dict[str, int]:
    """Field name -> column index, by exact alias first, then by substring
    (``Master Spec Version`` -> spec_version, ``Date/Time (UTC)`` -> datetime)."""
    mapping: dict[str, int] = {}
    folded = [_fold(cell) for cell in header]
    for field, aliases in _ALIASES.items():
        for index, name in enumerate(folded):
            if name in aliases and index not in mapping.values():
                mapping[field] = index
                break
    for field, aliases in _ALIASES.items():
        if field in mapping:
            continue
        for index, name in enumerate(folded):
            if index not in mapping.values() and any(alias in name for alias in aliases if len(alias) > 3):
                mapping[field] = index
                break
    return mapping


def split_pipe_row(line: str, *, code_spans: bool = False) -> list[str]:
    """Cells of a raw ``| a | b |`` line, split on unescaped pipes, outer
    pipes dropped, cells stripped. GFM splits inside code spans too, and so
    does this by default; with ``code_spans`` a pipe inside a code span
    stays in its cell, as the author of the row meant it."""
    text = line.strip()
    inside = _code_span_pipes(text) if code_spans else frozenset()
    cells: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] == "|":
            current.append("|")
            index += 2
            continue
        if char == "|" and index not in inside:
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    cells.append("".join(current))
    if text.startswith("|"):
        cells = cells[1:]
    if text.endswith("|") and not text.endswith("\\|") and cells:
        cells = cells[:-1]
    return [cell.strip() for cell in cells]


_BACKTICKS = re.compile(r"`+")


def _code_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each code span, backticks included: a run of
    backticks opens a span that the next run of the same length closes
    (CommonMark); a run that nothing closes is literal text."""
    spans: list[tuple[int, int]] = []
    runs = list(_BACKTICKS.finditer(text))
    index = 0
    while index < len(runs):
        width = len(runs[index].group(0))
        closing = next((later for later in range(index + 1, len(runs)) if len(runs[later].group(0)) == width), None)
        if closing is None:
            index += 1
            continue
        spans.append((runs[index].start(), runs[closing].end()))
        index = closing + 1
    return spans


def _code_span_pipes(text: str) -> frozenset[int]:
    return frozenset(offset for start, end in _code_spans(text) for offset in range(start, end) if text[offset] == "|")


def _is_signature_header(cells: Sequence[str]) -> bool:
    return any("signature" in cell.casefold() for cell in cells)


@dataclass
class _AuditBuilder:
    src: SourceText
    rows: list[SignatureRow]
    issues: list[ParseIssue]
    row_sig_locs: set[Loc]
    saw_header: bool = False
    #: Rows whose cell count is off only by pipes inside code spans.
    code_span_rows: list[int] = field(default_factory=list)

    def issue(self, line: int, message: str, subject: str = "") -> None:
        self.issues.append(ParseIssue("PARSE-004", Loc(self.src.path, line, 1), message, self.src.line(line).strip()[:200], subject or self.src.path))

    def add_row(self, cells: list[str], line: int, columns: dict[str, int], header_len: int) -> None:
        """One audit row: fields by header name, cell count checked."""
        raw = split_pipe_row(self.src.line(line))
        if len(raw) != header_len and len(meant := split_pipe_row(self.src.line(line), code_spans=True)) == header_len:
            # GFM splits the cell at the pipe, but the row says what its author meant.
            self.code_span_rows.append(line)
            raw = cells = meant
        if len(raw) > len(cells):
            cells = cells + raw[len(cells):]

        def cell(field: str) -> str:
            index = columns.get(field)
            return cells[index] if index is not None and index < len(cells) else ""

        sig_cell = cell("signature")
        match = SIGNATURE_TOKEN.search(sig_cell)
        signature = match.group(0) if match else sig_cell
        if len(raw) != header_len:
            self.issue(line, f"audit row has {len(raw)} cells but the header has {header_len}; fields may be shifted", signature)
        loc = self._signature_loc(line, signature)
        if match:
            self.row_sig_locs.add(loc)
        invalid = any(_INVALID.search(value) for value in cells)
        self.rows.append(
            SignatureRow(signature, cell("used_by"), cell("datetime"), cell("purpose"), cell("spec_version"), cell("notes"), invalid, loc, tuple(cells))
        )

    def _signature_loc(self, line: int, signature: str) -> Loc:
        text = self.src.line(line)
        column = text.find(signature) if signature else -1
        return Loc(self.src.path, line, column + 1 if column >= 0 else 1)


def _tables(builder: _AuditBuilder, tokens: Sequence[Token]) -> None:
    for index, token in enumerate(tokens):
        if token.type != "table_open":
            continue
        rows, _ = table_rows(tokens, index)
        if not rows or not _is_signature_header(rows[0][0]):
            continue
        header, _ = rows[0]
        builder.saw_header = True
        columns = map_columns(header)
        for cells, line in rows[1:]:
            builder.add_row(list(cells), line, columns, len(header))


def _broken_tables(builder: _AuditBuilder, tokens: Sequence[Token]) -> None:
    """Pipe lines markdown-it read as a paragraph (no separator row)."""
    for index, token in enumerate(tokens):
        if token.type != "inline" or index == 0 or tokens[index - 1].type != "paragraph_open":
            continue
        first = block_line(token)
        pieces = token.content.split("\n")
        pipe_lines = [(first + offset, piece) for offset, piece in enumerate(pieces) if piece.lstrip().startswith("|") and piece.count("|") >= 2]
        if not pipe_lines:
            continue
        start_line = pipe_lines[0][0]
        builder.issue(start_line, f"{len(pipe_lines)} table-like line(s) are not a markdown table (missing the |---| separator row?)")
        header = split_pipe_row(pipe_lines[0][1])
        if not _is_signature_header(header):
            continue
        builder.saw_header = True
        columns = map_columns(header)
        for line, piece in pipe_lines[1:]:
            if re.fullmatch(r"\|?[\s:|-]+\|?", piece.strip()):
                continue
            builder.add_row(split_pipe_row(piece), line, columns, len(header))


def parse_audit(src: SourceText) -> tuple[AuditLog, list[ParseIssue]]:
    """Read the consumed-signatures table and every other signature mention."""
    tokens = tokenize(src.text)
    builder = _AuditBuilder(src, [], [], set())
    _tables(builder, tokens)
    _broken_tables(builder, tokens)
    builder.rows.sort(key=lambda row: row.loc)
    mentions = tuple(
        SignatureUse(use.signature, use.loc, "mention", src.path)
        for use in find_signature_uses(src, src.path)
        if use.loc not in builder.row_sig_locs
    )
    if not builder.saw_header:
        builder.issues.append(ParseIssue("PARSE-004", Loc(src.path, 1), "no table with a Signature column found in the audit log", "", src.path))
    if builder.code_span_rows:
        builder.issues.append(_code_span_issue(src, builder.code_span_rows))
    return AuditLog(src.path, tuple(builder.rows), mentions), builder.issues


def _code_span_issue(src: SourceText, lines: Sequence[int]) -> ParseIssue:
    """One issue for a file's rows with a pipe in a code span: it is one
    habit with one fix, however many rows show it."""
    first = lines[0]
    text = src.line(first)
    start, end = next(span for span in _code_spans(text) if "|" in text[span[0]:span[1]])
    others = f" and {len(lines) - 1} more row(s)" if len(lines) > 1 else ""
    return ParseIssue(
        "PARSE-007",
        Loc(src.path, first, start + 1),
        f"the table row at line {first}{others} hold a | inside a code span; GitHub-flavoured markdown ends the cell "
        "there even between backticks, so the rendered table shows shifted columns: write it as \\| inside the code span",
        text[start:end],
        src.path,
    )
