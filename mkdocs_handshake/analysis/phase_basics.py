"""The words and result types of the phase closure gate, shared by the
reading of phase claims (:mod:`.phase_claims`) and the gate's evaluation
(:mod:`.phase_gate`): criterion states and strengths, the verdicts, the
evidence a criterion cites, and which phase a WP or a text names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.basics import Loc
from ..model.governance import GovernanceModel
from ..model.packet import Packet


PASS = "PASS"
FAIL = "FAIL"
UNKNOWN = "UNKNOWN"
MUST = "MUST"
SHOULD = "SHOULD"
READY = "READY TO CLOSE"
NOT_READY = "NOT READY"

# --------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One fact behind a criterion's state: a sentence, and where it comes from.

    ``wp`` lets the page link the packet; ``rule`` names a finding the fact
    repeats, so a reader can jump to the full report."""

    text: str
    wp: str = ""
    loc: Loc | None = None
    rule: str = ""


@dataclass(frozen=True)
class Criterion:
    """One Part 6.5 criterion with its state for one phase.

    ``needed`` says what evidence would settle an ``UNKNOWN`` criterion (or
    what to fix for a ``FAIL``)."""

    id: str
    title: str
    strength: str  # MUST | SHOULD
    state: str  # PASS | FAIL | UNKNOWN
    evidence: tuple[Evidence, ...] = ()
    needed: str = ""
    attested: bool = False  # PASS only because the board checklist ticks it


@dataclass(frozen=True)
class PhaseClaim:
    """A statement that a phase is closed or ready to close."""

    phase: str
    loc: Loc
    text: str


@dataclass(frozen=True)
class PhaseGate:
    phase: str
    critical: tuple[str, ...]  # phase-critical WP ids, in board / natural order
    critical_source: str  # "board" | "packets"
    validated: tuple[str, ...]  # the phase-critical WPs that are VALIDATED
    criteria: tuple[Criterion, ...]
    claims: tuple[PhaseClaim, ...] = ()
    board_loc: Loc | None = None  # heading of the board's phase-gate section

    @property
    def musts(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.strength == MUST)

    @property
    def shoulds(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.strength == SHOULD)

    @property
    def failed_musts(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.musts if c.state == FAIL)

    @property
    def unknown_musts(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.musts if c.state == UNKNOWN)

    @property
    def ready(self) -> bool:
        return bool(self.musts) and all(c.state == PASS for c in self.musts)

    @property
    def verdict(self) -> str:
        return READY if self.ready else NOT_READY

    @property
    def share(self) -> tuple[int, int]:
        """(VALIDATED, phase-critical) counts."""
        return len(self.validated), len(self.critical)

    def criterion(self, criterion_id: str) -> Criterion | None:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        return None


# --------------------------------------------------------------------------
# Small shared helpers
# --------------------------------------------------------------------------

_PHASE_WORD = re.compile(r"\bphase[\s_-]*(\d+[a-z]?)\b", re.IGNORECASE)
_WP_PHASE = re.compile(r"^WP-([0-9A-Za-z]+)-")


#: Something written as a date ("2026-02-30", "2025-13-01"): in an expiry
#: that is not a real date it is a mistake, not a phase name.
DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}")


def phase_in_text(text: str) -> str:
    """The phase a heading or an expiry names ("PHASE 1 CLOSURE GATES" -> "1")."""
    match = _PHASE_WORD.search(text)
    return match.group(1).upper() if match else ""


def phase_of_wp(wp: str, packet: Packet | None = None) -> str:
    if packet is not None and packet.phase:
        return packet.phase
    match = _WP_PHASE.match(wp)
    return match.group(1) if match else ""


def phase_key(phase: str) -> tuple[int, str]:
    digits = re.match(r"\d+", phase)
    return (int(digits.group(0)), phase) if digits else (1 << 30, phase)


def first_packets(model: GovernanceModel) -> dict[str, Packet]:
    """WP id -> the first packet with that id, as the gate and the claims
    look a packet up."""
    index: dict[str, Packet] = {}
    for packet in model.packets:
        index.setdefault(packet.id, packet)
    return index


def wp_key(wp: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key of a WP id with its numbers compared as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", wp) if part)
