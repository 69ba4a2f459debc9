"""What a contract-era packet folder's generated projections hash to today
(see :mod:`mkdocs_handshake.parse.projection`), and whether the JSON
registry's markdown projection still shows the JSON's rows.

Hashes are taken of the bytes as the repository's library reads them
(UTF-8, byte-order mark and line endings kept), never of the repaired text
the other readers parse; each file's facts are cached by its digest.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from ..model.basics import Loc
from ..model.packet import ProjectionSync
from ..model.records import ProjectionRow, Registry
from ..parse.projection import ContractFacts, ProjectionFacts, ProjectionMap, contract_facts, load_js_json, projection_facts, registry_projection_rows
from ..repository.source import SourceText
from .file_reader import Collector


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def folder_projections(out: Collector, folder: str, pmap: ProjectionMap) -> tuple[ProjectionSync, ...]:
    """Every contract of ``folder`` (the profile's ``projection.contracts``)
    whose projection record claims to be in sync, with what it and its
    projection hash to now."""
    if not pmap.contracts or not pmap.in_sync:
        return ()
    base = out.layout.root / folder
    names = sorted({path.name for pattern in pmap.contracts for path in base.glob(pattern) if path.is_file()})
    found = []
    for name in names:
        relative = f"{folder}/{name}"
        read = out.raw(relative)
        if read is None or not any(status.encode("utf-8") in read[0] for status in pmap.in_sync):
            continue  # it cannot claim sync: not worth parsing (most contracts of a large packet)
        kind = f"contract_projection:{pmap.section}:{'|'.join(pmap.in_sync)}"
        facts: ContractFacts | None = out.cache.lookup(kind, relative, read[1], lambda data=read[0]: contract_facts(_text(data), pmap.section, pmap.in_sync))
        if facts is None or facts[0] not in pmap.in_sync or not facts[1]:
            continue
        status, path, source, projection, line, column, source_line, source_column, today = facts
        sync = ProjectionSync(relative, path, status, Loc(relative, line, column), source, projection, today, Loc(relative, source_line, source_column))
        if PurePosixPath(path).is_absolute():
            continue  # outside the repository: not read, not judged
        target = out.raw(path)
        if target is None and (out.layout.root / path).exists():
            continue  # there, but not to be read (outside the root, too large): not judged
        if target is not None:
            seen: ProjectionFacts = out.cache.lookup("projection_facts", path, target[1], lambda data=target[0]: projection_facts(_text(data)))
            header, header_line, header_source, header_projection, body, shown = seen
            sync = ProjectionSync(
                relative, path, status, sync.loc, source, projection, today, sync.source_loc,
                found=True, projection_hash=body, header=header, header_line=header_line,
                header_source=header_source, header_projection=header_projection, line_text=shown,
            )
        found.append(sync)
    return tuple(found)


def registry_projection(out: Collector, registry: Registry, src: SourceText, data: Any, pmap: ProjectionMap) -> Registry:
    """The JSON registry with its projection's differing rows, when the
    JSON names a markdown projection and says it is generated from it."""
    if not isinstance(data, dict) or not pmap.registry_path_key or not pmap.registry_tables:
        return registry
    path = data.get(pmap.registry_path_key)
    policy = data.get(pmap.registry_policy_key) if pmap.registry_policy_key else None
    if not isinstance(path, str) or not path.strip() or (pmap.registry_generated and policy not in pmap.registry_generated):
        return registry
    read = out.read(path.strip(), required=False, what="registry projection")
    if read is None:
        return registry
    markdown = read[0]
    rows = []
    for key, shown, expected, line in registry_projection_rows(data, markdown.lines, pmap.registry_tables):
        loc = Loc(markdown.path, line) if line else Loc(src.path, _entry_line(src, key))
        rows.append(ProjectionRow(key, shown, expected, loc))
    return Registry(registry.file, registry.rows, markdown.path, tuple(rows))


def _entry_line(src: SourceText, key: str) -> int:
    """The JSON line that names ``key`` (a base WP id), or 1."""
    needle = f'"{key}"'
    for number, text in enumerate(src.lines, 1):
        if needle in text:
            return number
    return 1


def registry_data(src: SourceText) -> Any:
    """The registry JSON as its generator reads it."""
    try:
        return load_js_json(src.text)
    except (ValueError, RecursionError):
        return None
