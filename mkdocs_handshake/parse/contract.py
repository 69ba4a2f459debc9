"""Reading the contract era's JSON: packet contracts, micro-task contracts
and the JSON traceability registry, into the same typed model the markdown
readers produce.

From May 2026 a packet is ``<WP_ID>/packet.json``: an object whose
``schema_id`` names its schema (``hsk.work_packet_contract@1``) and whose
``contract_authority`` says whether it is the primary record. Which JSON
path holds which field of the rule vocabulary (``lifecycle.status`` is
STATUS) is the profile's business (:class:`ContractMap`, built from its
``contract`` section), so a later schema is a profile edit, not code.
Every value keeps the line of its key (:mod:`.jsonloc`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ..model.ids import WP_ID_FULL, stub_id
from .jsonloc import JsonError, get_path, load_with_lines
from ..model.packet import AcceptanceRow, FieldOccurrence, ListItem, MicroTask, Packet, WpRef
from ..model.basics import Loc, ParseIssue
from ..model.records import Registry, RegistryRow
from ..repository.source import SourceText
from .anchors import parse_anchor_value
from .status import normalise_status


#: ``ParseIssue.label`` of a contract of a later schema version than the
#: profile reads, followed by the known version it is read as (PARSE-005).
NEWER_SCHEMA = "newer-schema:"
_VERSIONED = re.compile(r"^(?P<family>.+)@(?P<version>\d+)$")


def read_as(schema_id: str, known: tuple[str, ...]) -> str:
    """The schema id of ``known`` a contract with ``schema_id`` is read as:
    itself, or, for a later version of a known schema
    (``hsk.work_packet_contract@2`` where ``@1`` is known), the newest known
    version of that schema: a version bump seldom moves every field, and
    reading nothing would check nothing (the caller says so once). "" when
    the schema is unknown or older than every known version."""
    if schema_id in known:
        return schema_id
    found = _VERSIONED.match(schema_id)
    if found is None:
        return ""
    earlier = [
        (int(match.group("version")), candidate) for candidate in known
        if (match := _VERSIONED.match(candidate)) and match.group("family") == found.group("family") and int(match.group("version")) < int(found.group("version"))
    ]
    return max(earlier)[1] if earlier else ""


@dataclass(frozen=True)
class ContractMap:
    """What a profile says about one era's JSON contracts.

    ``fields``: vocabulary name -> the JSON paths that may hold it, first
    present wins (older contracts of the same schema keep a value
    elsewhere). ``primary``: the ``contract_authority`` values that make a
    contract the packet's authority."""

    schema_ids: tuple[str, ...] = ()
    authority_key: str = "contract_authority"
    primary: tuple[str, ...] = ()
    fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    microtask_schema_ids: tuple[str, ...] = ()
    microtask_fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    registry_schema_ids: tuple[str, ...] = ()
    #: Normalised statuses (:class:`~mkdocs_handshake.model.basics.Status` values) that make a
    #: contract packet live whatever its board entry says: the contract is
    #: the lifecycle authority, the board and registry its projections.
    live_statuses: tuple[str, ...] = ()
    #: Normalised statuses in which a packet born a contract (no legacy
    #: markdown packet beside it) is live: the protocol's working states.
    #: Its contract decides, unless the board archives it as superseded
    #: and the registry names another active packet.
    working_statuses: tuple[str, ...] = ()
    #: Where the repository keeps the JSON Schemas its contracts name by
    #: ``schema_id`` (glob patterns relative to the root).
    schemas: tuple[str, ...] = ()
    #: The repository's contract templates (glob patterns relative to the
    #: root): the shape new contracts are made from, which tells whether a
    #: schema failure is the contract's drift or the schema's.
    templates: tuple[str, ...] = ()
    #: The repository's own checks (glob patterns): a check that names a
    #: value the schema rejects accepts it, so the schema is behind.
    checks: tuple[str, ...] = ()
    #: Where a packet contract keeps its acceptance rows (a dotted path to
    #: a list) and the keys of each row, per vocabulary name (ID,
    #: REQUIRED, STATUS, EVIDENCE, REASON, CITES): the first key present wins.
    acceptance_rows: str = ""
    acceptance_fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Row statuses that resolve a required row, and those of them that
    #: resolve it by a reason rather than evidence.
    acceptance_closed: tuple[str, ...] = ()
    acceptance_by_reason: tuple[str, ...] = ()

    def paths(self, name: str, micro: bool = False) -> tuple[str, ...]:
        for field_name, paths in self.microtask_fields if micro else self.fields:
            if field_name == name:
                return paths
        return ()


@dataclass(frozen=True)
class Contract:
    """A packet contract as read: the packet it describes, its schema id,
    its authority value and the paths it names for its other files."""

    packet: Packet
    schema_id: str
    authority: str
    projection: str = ""  # markdown_projection.path as written
    projection_hash: str = ""
    source_hash: str = ""


def read_json(src: SourceText) -> tuple[Any, dict[tuple[str | int, ...], int], list[ParseIssue]]:
    """The file's JSON with its lines, or (None, {}, [one PARSE-001 issue])."""
    try:
        data, lines = load_with_lines(src.text)
    except JsonError as error:
        return None, {}, [ParseIssue("PARSE-001", Loc(src.path, error.line), f"{src.path} is not valid JSON: {error.reason}; it is not read", src.line(error.line).strip() if error.line <= len(src.lines) else "", src.path)]
    if not isinstance(data, dict):
        return None, {}, [ParseIssue("PARSE-001", Loc(src.path, 1), f"{src.path} holds JSON that is not an object; it is not read", "", src.path)]
    return data, lines, []


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return ""


def _value_loc(src: SourceText, line: int, value: str, key: str = "") -> Loc:
    """Where ``value`` is written on ``line`` (after ``key`` when given):
    a finding's excerpt starts at its column. The key's column otherwise."""
    text = src.line(line) if 1 <= line <= len(src.lines) else ""
    start = text.find(f'"{key}"') if key else -1
    column = text.find(json.dumps(value, ensure_ascii=False)[1:-1], max(start, 0)) if value else -1
    if column < 0:  # no scalar value: the key itself, inside its quotes
        column = start + 1 if start >= 0 else len(text) - len(text.lstrip())
    return Loc(src.path, line, column + 1)


def _items(src: SourceText, value: Any, path: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]) -> tuple[ListItem, ...]:
    if not isinstance(value, list):
        return ()
    items = []
    for index, item in enumerate(value):
        text = _scalar(item)
        if isinstance(item, dict):  # an object item: its first string member stands for it
            text = next((str(v) for v in item.values() if isinstance(v, str) and v.strip()), "")
        if text:
            items.append(ListItem(text, _value_loc(src, lines.get((*path, index), lines.get(path, 1)), text), source=text))
    return tuple(items)


def mapped_fields(src: SourceText, data: dict, lines: dict, mapping: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, tuple[FieldOccurrence, ...]]:
    """Each vocabulary name of ``mapping`` -> its value at the first of its
    JSON paths that is present, placed at the line of its key."""
    found: dict[str, tuple[FieldOccurrence, ...]] = {}
    for name, paths in mapping:
        for dotted in paths:
            hit = get_path(data, dotted)
            if hit is None:
                continue
            value, path = hit
            text = _scalar(value)
            loc = _value_loc(src, lines.get(path, 1), text, str(path[-1]))
            # raw_name is the key as written (a finding quotes it at ``loc``)
            found[name] = (FieldOccurrence(name, str(path[-1]), text, loc, "json", _items(src, value, path, lines)),)
            break
    return found


def _refs(occurrence: FieldOccurrence | None) -> tuple[WpRef, ...]:
    if occurrence is None:
        return ()
    values = [(item.text, item.loc) for item in occurrence.items] or ([(occurrence.value, occurrence.loc)] if occurrence.value else [])
    return tuple(WpRef(text.strip(), loc) for text, loc in values if text.strip())


ContractTuple = tuple[Packet, str, str, str, str, str]


def as_contract(parsed: ContractTuple) -> Contract:
    """The parse cache keeps model values and tuples only (see
    :mod:`mkdocs_handshake.cache.codec`); the loader wraps them again."""
    return Contract(*parsed)


def parse_contract(src: SourceText, cmap: ContractMap) -> tuple[ContractTuple | None, list[ParseIssue]]:
    """A packet contract into a :class:`Packet` (with its schema id,
    authority and projection facts, as a tuple for the cache). Its id is
    its folder's name (as the repository resolves ``<WP_ID>/packet.json``)."""
    data, lines, issues = read_json(src)
    if data is None:
        return None, issues
    file = src.path
    wp = PurePosixPath(file).parent.name
    fields = mapped_fields(src, data, lines, cmap.fields)
    status = fields.get("STATUS", (None,))[0]
    signature = fields.get("USER_SIGNATURE", (None,))[0]
    anchors = tuple(anchor for item in (fields["SPEC_ANCHOR"][0].items if "SPEC_ANCHOR" in fields else ()) for anchor in parse_anchor_value(item.text, item.loc))
    declared = str(data.get("wp_id", "")) if isinstance(data.get("wp_id"), str) else ""
    title_hit = fields.get("TITLE", (None,))[0]
    created = fields.get("DATE", (None,))[0]
    projection = data.get("markdown_projection") if isinstance(data.get("markdown_projection"), dict) else {}
    packet = Packet(
        id=wp,
        file=file,
        title=title_hit.value if title_hit else wp,
        title_loc=title_hit.loc if title_hit else Loc(file, lines.get(("wp_id",), 1)),
        fields=fields,
        headings=(),
        status=normalise_status(status.value) if status else normalise_status(""),
        status_raw=status.value if status else "",
        status_loc=status.loc if status else None,
        spec_anchors=anchors,
        depends_on=_refs(fields.get("Depends on", (None,))[0]),
        blocks=_refs(fields.get("Blocks", (None,))[0]),
        signature=signature.value if signature else "",
        signature_loc=signature.loc if signature else None,
        date=created.value[:10] if created else "",
        declared_id=declared if WP_ID_FULL.match(declared) else "",
        acceptance_rows=acceptance_rows(src, data, lines, cmap),
    )
    return (
        packet,
        _scalar(data.get("schema_id")),
        _scalar(data.get(cmap.authority_key)),
        _scalar(projection.get("path")),
        _scalar(projection.get("projection_hash")),
        _scalar(projection.get("source_hash")),
    ), issues


def _first_key(row: dict, keys: tuple[str, ...]) -> tuple[Any, str]:
    """The value of the first of ``keys`` the row has, and that key."""
    for key in keys:
        if key in row:
            return row[key], key
    return None, ""


def _evidence_text(value: Any) -> str:
    """A row's evidence as text: a scalar as written, a list or object (an
    evidence record) as its JSON, nothing as ""."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True) if value else ""
    return _scalar(value).strip()


def acceptance_rows(src: SourceText, data: dict, lines: dict, cmap: ContractMap) -> tuple[AcceptanceRow, ...]:
    """The contract's acceptance matrix rows where the profile says they
    are, each at the line of its id key."""
    if not cmap.acceptance_rows:
        return ()
    hit = get_path(data, cmap.acceptance_rows)
    if hit is None or not isinstance(hit[0], list):
        return ()
    rows_value, path = hit
    keys = dict(cmap.acceptance_fields)
    found = []
    for index, row in enumerate(rows_value):
        if not isinstance(row, dict):
            continue
        values = {name: _first_key(row, keys.get(name, ())) for name in ("ID", "STATUS", "REQUIRED", "EVIDENCE", "REASON", "CITES")}
        (ident, id_key), (status, status_key) = values["ID"], values["STATUS"]
        at = (*path, index)
        loc = _value_loc(src, lines.get((*at, id_key), lines.get(at, 1)), _scalar(ident), id_key) if id_key else Loc(src.path, lines.get(at, 1))
        status_loc = _value_loc(src, lines.get((*at, status_key), 1), _scalar(status), status_key) if status_key else loc
        cites = values["CITES"][0]
        found.append(AcceptanceRow(
            _scalar(ident) or f"{cmap.acceptance_rows}[{index}]",
            values["REQUIRED"][0] is True or _scalar(values["REQUIRED"][0]).casefold() == "true",
            _scalar(status).strip(),
            _evidence_text(values["EVIDENCE"][0]),
            _scalar(values["REASON"][0]).strip(),
            tuple(text for text in map(_scalar, cites if isinstance(cites, list) else [cites]) if text),
            loc, status_loc,
        ))
    return tuple(found)


def parse_microtask(src: SourceText, cmap: ContractMap) -> tuple[MicroTask | None, list[ParseIssue]]:
    """One ``MT-*.json`` contract; its id is ``mt_id`` or the file stem."""
    data, lines, issues = read_json(src)
    if data is None:
        return None, issues
    file = src.path
    fields = mapped_fields(src, data, lines, cmap.microtask_fields)

    def first(name: str) -> FieldOccurrence | None:
        return fields.get(name, (None,))[0]

    status, title, scope = first("STATUS"), first("TITLE"), first("IN_SCOPE_PATHS")
    mt_id = _scalar(data.get("mt_id")) or PurePosixPath(file).stem
    return MicroTask(
        id=mt_id,
        file=file,
        loc=_value_loc(src, lines.get(("mt_id",), 1), mt_id, "mt_id") if "mt_id" in data else Loc(file, 1),
        status=status.value if status else "",
        status_loc=status.loc if status else None,
        title=title.value if title else "",
        depends_on=_refs(first("Depends on")),
        blocks=_refs(first("Blocks")),
        scope=scope.items if scope else (),
        schema_id=_scalar(data.get("schema_id")),
    ), issues


def parse_registry_json(src: SourceText) -> tuple[Registry | None, list[ParseIssue]]:
    """The JSON traceability registry: ``entries`` of ``base_wp_id`` and
    ``active_packet_path`` (the md file beside it is its projection)."""
    data, lines, issues = read_json(src)
    if data is None:
        return None, issues
    entries = data.get("entries")
    rows = []
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict):
            continue
        base = _scalar(entry.get("base_wp_id")).strip()
        path = _scalar(entry.get("active_packet_path")).strip()
        if not WP_ID_FULL.match(base):
            continue
        name = PurePosixPath(path).name if path else ""
        active = PurePosixPath(path).parent.name if name in ("packet.md", "packet.json") else stub_id(name)
        rows.append(RegistryRow(base, active if WP_ID_FULL.match(active) else "", path, Loc(src.path, lines.get(("entries", index, "base_wp_id"), lines.get(("entries", index), 1)))))
    # Bases whose every packet was superseded or folded into another WP
    # are recorded in the history lists, not as entries: a row with no
    # active packet that names what it superseded (its first path).
    recorded = {row.base for row in rows}
    for key, value in data.items():
        if key == "entries" or not isinstance(value, list):
            continue
        for index, entry in enumerate(value):
            base = _scalar(entry.get("base_wp_id")).strip() if isinstance(entry, dict) else ""
            if not WP_ID_FULL.match(base) or base in recorded:
                continue
            named = next((str(v) for v in entry.values() if isinstance(v, str) and ("/" in v or v.startswith("WP-")) and v != base), "")
            recorded.add(base)
            rows.append(RegistryRow(base, "", named, Loc(src.path, lines.get((key, index, "base_wp_id"), lines.get((key, index), 1)))))
    return Registry(src.path, tuple(rows)), issues
