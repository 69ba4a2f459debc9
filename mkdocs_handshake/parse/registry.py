"""Parsing the WP traceability registry: base WP -> its one active packet.

Protocols that revise packets as ``-vN`` files keep a table whose rows name
a base WP id and the packet that is authoritative for it now ("Active
Packet", a path or an id). Every other packet of that base is history. The
table is found by its rows, not its header wording: a row counts when its
first cell is a WP id and another cell names a WP id or a packet path.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from ..model.basics import Loc, ParseIssue
from ..model.records import Registry, RegistryRow
from ..repository.source import SourceText
from .board import first_wp
from .markdown import table_rows, tokenize


def _active_cell(cells: list[str]) -> tuple[str, str]:
    """(WP id, path) of the active packet named in a row's second cell."""
    if len(cells) < 2:
        return "", ""
    cell = cells[1].strip()
    found = first_wp(cell)
    if found is None:
        return "", ""
    wp = found[0]
    if wp.endswith(".md"):
        wp = wp[:-3]
    path = cell.split()[0] if cell.endswith(".md") or "/" in cell.split()[0] else ""
    return PurePosixPath(wp).name, path


def parse_registry(src: SourceText) -> tuple[Registry, list[ParseIssue]]:
    tokens = tokenize(src.text)
    rows: list[RegistryRow] = []
    for index, token in enumerate(tokens):
        if token.type != "table_open":
            continue
        for cells, line in table_rows(tokens, index)[0][1:]:
            base = first_wp(cells[0]) if cells else None
            if base is None or base[1] != cells[0].find(base[0]) or cells[0].strip() != base[0]:
                continue
            active, path = _active_cell(cells)
            column = src.line(line).find(base[0])
            rows.append(RegistryRow(base[0], active, path, Loc(src.path, line, column + 1 if column >= 0 else 1)))
    return Registry(src.path, tuple(rows)), []
