"""Indexes shared by the rules, built once per run.

Rules must stay linear in the number of packets (no rule compares every
packet with every other), so anything a rule would look up repeatedly —
packets by id, spec sections by number, the dependency graph — is built here
once and handed to every rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Mapping, Protocol, TypeVar

from ..analysis.graph import dependency_graph
from ..model.ids import packet_aliases
from ..model.governance import GovernanceModel
from ..model.packet import Packet
from ..model.records import ProtocolInfo
from ..model.spec import Section
from ..analysis.phase_claims import PacketPhaseText, scan_packet
from ..protocol.profiles import Profile, load_profile

# networkx is imported where it is used (see mkdocs_handshake/graph.py).
if TYPE_CHECKING:
    import networkx as nx

    from ..analysis.mapping_index import RequirementIndex
    from ..load.git_history import History

T = TypeVar("T")


def protocol_says(info: ProtocolInfo | None, phrase: str) -> bool:
    return info is None or phrase not in info.missing_phrases


@dataclass(frozen=True)
class PacketScope:
    """All a per-packet rule (:func:`.base.packet_rule`) reads besides its
    packet: the profile in force and what the loader learnt from the
    protocol text and the packet template. Keeping the other packets out
    of reach is what makes the rule's findings on a packet a function of
    that packet and :attr:`key` alone."""

    profile: Profile
    protocol: ProtocolInfo | None
    _derived: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def protocol_says(self, phrase: str) -> bool:
        """As :meth:`RuleContext.protocol_says`."""
        return protocol_says(self.protocol, phrase)

    def once(self, name: str, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``name`` is asked for in this scope:
        what a rule derives from the scope alone, not again per packet."""
        if name not in self._derived:
            self._derived[name] = compute()
        return self._derived[name]  # type: ignore[return-value]

    @cached_property
    def key(self) -> str:
        """A digest of everything in the scope."""
        return hashlib.sha256(repr((self.profile, self.protocol)).encode("utf-8")).hexdigest()


class PacketMemo(Protocol):
    """Keeps what was computed from one packet between runs (a ``mkdocs
    serve`` session): returns what is kept for this kind of result, packet
    and scope key, or ``compute()``'s, kept for the next run. It must tell
    packets apart by everything they hold (their file's bytes and the
    lifecycle the board gives them)."""

    def __call__(self, kind: str, packet: Packet, scope_key: str, compute: Callable[[], T]) -> T: ...


@dataclass
class RuleContext:
    model: GovernanceModel
    #: The date the date-based rules judge by; always given (see EngineConfig.as_of).
    as_of: dt.date = field(kw_only=True)
    options: Mapping[str, object] = field(default_factory=dict)
    #: The protocol the repository is judged by; by default the one the
    #: loader chose for it (see :mod:`mkdocs_handshake.protocol.profiles`).
    profile: Profile | None = None
    #: An audit of history: judge closed and superseded packets as if active.
    history: bool = False
    #: Given (serve), per-packet work is kept between runs (see :class:`PacketMemo`).
    packet_memo: PacketMemo | None = None
    #: Ids of the rules this run applies (None: all of them). A rule leaves
    #: a problem to another only when that one is in force.
    in_force: frozenset[str] | None = None

    def applies(self, rule_id: str) -> bool:
        return self.in_force is None or rule_id in self.in_force

    def __post_init__(self) -> None:
        if self.profile is None:
            self.profile = profile_of(self.model)

    def protocol_says(self, phrase: str) -> bool:
        """Whether the repository's protocol text still contains ``phrase``
        (True when there is no protocol text to ask)."""
        return protocol_says(self.model.protocol, phrase)

    def scan_packet(self, packet: Packet) -> PacketPhaseText:
        """What the phase gate reads in a packet's text, kept per packet."""
        if self.packet_memo is None:
            return scan_packet(packet)
        return self.packet_memo("phase text", packet, "", lambda: scan_packet(packet))

    @cached_property
    def packet_scope(self) -> PacketScope:
        assert self.profile is not None
        return PacketScope(self.profile, self.model.protocol)

    @cached_property
    def packets_by_id(self) -> Mapping[str, tuple[Packet, ...]]:
        index: dict[str, list[Packet]] = {}
        for packet in self.model.packets:
            index.setdefault(packet.id, []).append(packet)
        return {key: tuple(value) for key, value in index.items()}

    @cached_property
    def packet_aliases(self) -> Mapping[str, str]:
        """Name a packet may be referred to by -> its id (file name or
        declared TASK_ID, see :func:`~mkdocs_handshake.model.ids.packet_aliases`)."""
        return packet_aliases(self.model.packets)

    @cached_property
    def packets_by_file(self) -> Mapping[str, Packet]:
        return {packet.file: packet for packet in self.model.packets}

    def packet(self, wp: str) -> Packet | None:
        found = self.packets_by_id.get(self.packet_aliases.get(wp, wp))
        return found[0] if found else None

    @cached_property
    def dates(self) -> "History | None":
        """The repository's git history (packet creation and clause dates,
        :func:`~mkdocs_handshake.load.git_history.profile_history`); None
        outside git. Read once per HEAD, whoever asks first."""
        from ..load.git_history import profile_history

        return profile_history(self.model, self.profile)[0] if self.profile is not None else None

    @cached_property
    def spec_files(self) -> frozenset[str]:
        """The files the current spec was read from: the one markdown file,
        or the bundle's manifest and modules."""
        spec = self.model.spec
        if spec is None:
            return frozenset()
        modules = {module.path for module in spec.bundle.modules} if spec.bundle is not None else set()
        return frozenset({spec.file, *modules})

    @cached_property
    def sections_by_number(self) -> Mapping[str, tuple[Section, ...]]:
        return self.model.spec.by_number() if self.model.spec else {}

    @cached_property
    def requirement_index(self) -> "RequirementIndex":
        """The spec's requirements indexed once per rule run (for models
        built without the loader, which stores the mappings)."""
        from ..analysis.mapping_index import RequirementIndex

        return RequirementIndex.build(self.sections_by_number, spec=self.model.spec)

    @cached_property
    def graph(self) -> nx.DiGraph:
        return dependency_graph(self.model)


def profile_of(model: GovernanceModel) -> Profile:
    """The profile the loader chose for ``model`` (the oldest shipped one
    for a model built without the loader, as in unit tests)."""
    info = model.protocol
    if info is None:
        from ..protocol.profiles import shipped

        return load_profile(shipped()[0])
    if info.profile_source.endswith((".yaml", ".yml")):
        return load_profile(info.profile_source)
    return load_profile(info.profile)
