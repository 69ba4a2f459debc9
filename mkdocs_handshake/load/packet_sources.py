"""Which files hold which packet: the repository's resolution order as data.

Until February 2026 a packet was one file, ``<packets>/WP-*.md``. From
April the repository resolves a WP id to ``<WP_ID>/packet.md``, then
``<WP_ID>/packet.json``, then the flat ``<WP_ID>.md``; the flat files stay
beside the folders as history. The profile in force lists the readers it
uses (``layout.packet_readers``); this module lists, per WP id, every file
those readers may read, and the loader decides from the contract itself
(its ``schema_id`` and ``contract_authority``) which file is the authority.

A folder that holds neither ``packet.md`` nor ``packet.json`` is no packet
(micro-task contracts alone do not make one); its name is kept so a report
can say so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..model.ids import WP_ID_FULL
from ..model.records import Registry

PACKET_MD = "packet.md"
PACKET_JSON = "packet.json"
MICROTASK_GLOB = "MT-*.json"


@dataclass(frozen=True)
class PacketSource:
    """Candidate files of one packet, relative to the root ("" when absent)."""

    wp: str
    markdown: str = ""  # <WP_ID>/packet.md, or the flat WP-*.md when there is no folder
    contract: str = ""  # <WP_ID>/packet.json
    legacy: str = ""  # the flat <WP_ID>.md the folder takes precedence over
    micro_tasks: tuple[str, ...] = ()
    folder: bool = False


def packet_sources(root: Path, packets: str, readers: tuple[str, ...]) -> tuple[list[PacketSource], list[str]]:
    """``(sources, empty folders)``: the packets under ``root/packets`` as the
    readers find them, sorted by WP id. With only ``flat_markdown`` this is
    every ``WP-*.md`` file, as before folder packets existed."""
    folder = root / packets
    if not folder.is_dir():
        return [], []
    flat = {path.stem: path for path in folder.glob("WP-*.md") if path.is_file()}
    if "flat_markdown" in readers and not ({"folder_markdown", "folder_contract"} & set(readers)):
        return [PacketSource(wp, markdown=_rel(root, path)) for wp, path in sorted(flat.items(), key=lambda item: item[1].name)], []
    sources: dict[str, PacketSource] = {}
    empty: list[str] = []
    for sub in sorted(path for path in folder.iterdir() if path.is_dir() and WP_ID_FULL.match(path.name)):
        markdown = sub / PACKET_MD if "folder_markdown" in readers and (sub / PACKET_MD).is_file() else None
        contract = sub / PACKET_JSON if "folder_contract" in readers and (sub / PACKET_JSON).is_file() else None
        if markdown is None and contract is None:
            empty.append(_rel(root, sub))
            continue
        legacy = flat.get(sub.name)
        sources[sub.name] = PacketSource(
            sub.name,
            markdown=_rel(root, markdown) if markdown else "",
            contract=_rel(root, contract) if contract else "",
            legacy=_rel(root, legacy) if legacy else "",
            micro_tasks=tuple(_rel(root, path) for path in sorted(sub.glob(MICROTASK_GLOB)) if path.is_file()),
            folder=True,
        )
    if "flat_markdown" in readers:
        for wp, path in flat.items():
            sources.setdefault(wp, PacketSource(wp, markdown=_rel(root, path)))
    return [sources[wp] for wp in sorted(sources)], empty


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def folder_named_by_registry(root: Path, registry: Registry | None) -> str:
    """The packets folder the registry's ``active_packet_path`` entries point
    into (relative to root), or "" when it names none that exists.

    The registry is the repository's own word on where each live packet is:
    ``.GOV/task_packets/<WP_ID>/packet.json`` puts the folder at
    ``.GOV/task_packets``. Asked only when the packets folder is not where
    the option says and no folder of that name exists, so a renamed folder
    is still found. A folder packet's path is decisive; a flat
    ``<dir>/<WP_ID>.md`` counts only when no entry names a folder packet,
    and a folder inside another named one (the stubs under the packets)
    counts for the outer one. Most entries win; a tie goes to the first in
    sorted order."""
    if registry is None:
        return ""
    folders: Counter[str] = Counter()
    flat: Counter[str] = Counter()
    for row in registry.rows:
        parts = PurePosixPath(row.active_file).parts
        if not row.active or not parts or PurePosixPath(row.active_file).is_absolute() or ".." in parts:
            continue
        inside = row.active in parts[:-1]
        folder = PurePosixPath(*parts[: parts.index(row.active)]) if inside else PurePosixPath(*parts[:-1])
        if folder.parts and (root / folder).is_dir():
            (folders if inside else flat)[folder.as_posix()] += 1
    votes = folders or flat
    merged: Counter[str] = Counter()
    for folder, count in votes.items():
        outer = [other for other in votes if folder.startswith(other + "/")]
        merged[min(outer, key=len) if outer else folder] += count
    if not merged:
        return ""
    return sorted(merged.items(), key=lambda item: (-item[1], item[0]))[0][0]
