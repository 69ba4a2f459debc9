"""Which requirements of a packet's anchored sections its DONE_MEANS items
prove, from the mappings :mod:`.mapping` made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..model.packet import DoneMapping, ListItem, Packet
from ..model.spec import Requirement, Section, Spec
from .mapping import map_done_means
from .mapping_index import RequirementIndex, index_for
from .mapping_scope import anchored


@dataclass(frozen=True)
class RequirementCoverage:
    """One requirement of an anchored section and the items that prove it."""

    section: Section
    requirement: Requirement
    items: tuple[ListItem, ...]

    @property
    def covered(self) -> bool:
        return bool(self.items)


def coverage(
    packet: Packet,
    sections: "RequirementIndex | Mapping[str, tuple[Section, ...]]",
    mappings: Iterable[DoneMapping] | None = None,
    spec: Spec | None = None,
) -> dict[str, tuple[RequirementCoverage, ...]]:
    """Per anchored section (its own requirements, not its subsections'):
    every requirement and the items that prove it. A section-level citation
    (``requirement_index`` 0) proves nothing specific. With ``mappings``
    given and a plain section mapping, no requirement index is built: the
    matcher has already done its work (``spec``: the spec an anchor by a
    module name resolves in, as :func:`.mapping_scope.anchored` takes it)."""
    if mappings is None or isinstance(sections, RequirementIndex):
        index = index_for(sections)
        anchors = anchored(packet, index.sections_by_number, index.spec)
        if mappings is None:
            mappings = map_done_means(packet, index)
    else:
        anchors = anchored(packet, sections, spec)
    covering: dict[tuple[str, int], list[ListItem]] = {}
    for mapping in mappings:
        if mapping.covers:
            bucket = covering.setdefault((mapping.section, mapping.requirement_index), [])
            if mapping.item not in bucket:
                bucket.append(mapping.item)
    return {
        number: tuple(
            RequirementCoverage(section, requirement, tuple(covering.get((number, requirement.index), ())))
            for requirement in section.requirements
        )
        for number, section in anchors.items()
    }
