"""The whole repository as one value: :class:`GovernanceModel`, what the
loader builds and every rule and page reads, and the waivers it carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from .basics import EncodingIssue, Loc, ParseIssue
from .packet import DoneMapping, Packet
from .records import AuditLog, Board, GateEvent, ProtocolInfo, Refinement, Registry, SignatureUse, TextFacts
from .spec import Spec, SpecPointer


@dataclass(frozen=True)
class Waiver:
    rule: str
    target: str
    reason: str
    approved: str
    expires: str


@dataclass(frozen=True)
class GovernanceModel:
    root: str
    spec_pointer: SpecPointer | None
    spec: Spec | None
    packets: tuple[Packet, ...]
    board: Board | None
    audit: AuditLog | None
    gate_events: tuple[GateEvent, ...]
    signature_uses: tuple[SignatureUse, ...] = ()
    encoding_issues: tuple[EncodingIssue, ...] = ()
    parse_issues: tuple[ParseIssue, ...] = ()
    sibling_specs: tuple[tuple[str, str], ...] = ()  # (file, version) of every Master Spec beside the current
    protocol_files: tuple[str, ...] = ()
    spec_version_mentions: tuple[tuple[str, Loc], ...] = ()  # "Master Spec vXX.YY" as current, in protocol files/packets
    done_mappings: Mapping[str, tuple[DoneMapping, ...]] = field(default_factory=dict)
    # Statements that a phase is closed or ready to close, found by
    # phase_claims.find_phase_claims: (phase, loc, text as written).
    phase_claims: tuple[tuple[str, Loc, str], ...] = ()
    # Ticked/unticked items of a board phase-gate checklist, found by
    # phase_claims.find_phase_checklist: (phase, loc, text, checked).
    phase_checklist: tuple[tuple[str, Loc, str, bool], ...] = ()
    # Requirement ids found in documents other than the Master Spec, by file
    # (relative to root): filled for every document a SPEC_ANCHOR points into
    # ("[CX-GATE-001] in docs/VALIDATOR_PROTOCOL.md") that exists; a document
    # that does not exist or cannot be read has no key (rule ANCHOR-007).
    document_ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    protocol: ProtocolInfo | None = None
    registry: Registry | None = None
    # Packet file -> facts about its text as written (see TextFacts).
    text_facts: Mapping[str, TextFacts] = field(default_factory=dict)
    # WP id -> its technical refinement file (the first of the profile's
    # layout.refinement_files that exists), its labelled values with their places.
    refinements: Mapping[str, Refinement] = field(default_factory=dict)
    # Where refinements were looked for, in resolution order, each a path
    # with {wp} left in: what a missing refinement's finding names.
    refinement_places: tuple[str, ...] = ()
    # Every WP-*.md file in the profile's stub folder (relative to root).
    stub_files: tuple[str, ...] = ()

    def packet(self, wp: str) -> Packet | None:
        for packet in self.packets:
            if packet.id == wp:
                return packet
        return None
