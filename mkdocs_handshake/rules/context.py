"""Indexes shared by the rules, built once per run.

Rules must stay linear in the number of packets (no rule compares every
packet with every other), so anything a rule would look up repeatedly —
packets by id, spec sections by number, the dependency graph — is built here
once and handed to every rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Mapping

from ..graph import dependency_graph
from ..model import GovernanceModel, Packet, Section

# networkx is imported where it is used (see mkdocs_handshake/graph.py).
if TYPE_CHECKING:
    import networkx as nx

    from ..mapping import RequirementIndex


@dataclass
class RuleContext:
    model: GovernanceModel
    as_of: dt.date = field(default_factory=dt.date.today)
    options: Mapping[str, object] = field(default_factory=dict)

    @cached_property
    def packets_by_id(self) -> Mapping[str, tuple[Packet, ...]]:
        index: dict[str, list[Packet]] = {}
        for packet in self.model.packets:
            index.setdefault(packet.id, []).append(packet)
        return {key: tuple(value) for key, value in index.items()}

    def packet(self, wp: str) -> Packet | None:
        found = self.packets_by_id.get(wp)
        return found[0] if found else None

    @cached_property
    def sections_by_number(self) -> Mapping[str, tuple[Section, ...]]:
        return self.model.spec.by_number() if self.model.spec else {}

    @cached_property
    def requirement_index(self) -> "RequirementIndex":
        """The spec's requirements indexed once per rule run (for models
        built without the loader, which stores the mappings)."""
        from ..mapping import RequirementIndex

        return RequirementIndex.build(self.sections_by_number)

    @cached_property
    def graph(self) -> nx.DiGraph:
        return dependency_graph(self.model)
