"""Derived facts that need more than one file, added to a loaded model:
the DONE_MEANS mappings, cached per packet and spec."""

from __future__ import annotations

from dataclasses import replace

from ..analysis import semantic
from ..analysis.mapping_index import RequirementIndex
from ..analysis.mapping import map_done_means
from ..model.governance import GovernanceModel
from .parse_cache import ParseCache


def link_cached(model: GovernanceModel, cache: ParseCache) -> GovernanceModel:
    """:func:`link` for a model :func:`load_repo` made with ``mappings=False``
    into ``cache``: the files' content hashes are those of their parses."""
    files = ([("spec", model.spec.file)] if model.spec else []) + [("packet", packet.file) for packet in model.packets]
    digests = {name: cache.entries[(kind, name)][0] for kind, name in files if (kind, name) in cache.entries}
    return link(model, cache, digests)


def link(model: GovernanceModel, cache: ParseCache | None = None, digests: dict[str, str] | None = None) -> GovernanceModel:
    """Derived facts that need more than one file: DONE_MEANS mappings.

    A packet's mapping depends on the packet and the spec only, so with a
    cache (and the files' content hashes) it is kept under both hashes."""
    # The requirements are indexed at most once per build, and only when a
    # packet's mapping is not in the cache; each packet is then mapped
    # against its own anchored sections only. A process that links again
    # (serve) keeps the index in memory while the spec is unchanged.
    built: list[RequirementIndex] = []
    spec_digest = (digests or {}).get(model.spec.file, "") if model.spec else ""
    if cache is not None and spec_digest:
        spec_digest = f"{spec_digest}:{semantic.signature()}"  # mappings made with another embedding (or none) are made again

    def build_index() -> RequirementIndex:
        return RequirementIndex.build(model.spec.by_number() if model.spec else {}, spec=model.spec)

    def index() -> RequirementIndex:
        if not built:
            kept = cache is not None and model.spec is not None and spec_digest
            built.append(cache.lookup("requirement_index", model.spec.file, spec_digest, build_index) if kept else build_index())  # type: ignore[union-attr]
        return built[0]

    mappings = {}
    for packet in model.packets:
        packet_digest = (digests or {}).get(packet.file)
        if cache is None or not packet_digest:
            mappings[packet.id] = map_done_means(packet, index())
        else:
            mappings[packet.id] = cache.lookup(
                "done_mappings", packet.file, f"{packet_digest}:{spec_digest}", lambda found=packet: map_done_means(found, index())
            )
    return replace(model, done_mappings=mappings)
