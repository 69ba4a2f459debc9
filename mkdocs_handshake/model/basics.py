"""Places and states every part of the model carries: :class:`Loc`, the
packet, lifecycle and board states, and what a parser saw in a file but
could not read (encoding damage, parse issues).

Conventions shared by every parser:

* ``file`` is the POSIX path relative to the configured ``root``.
* ``line`` is 1-based; ``column`` is 1-based and counts characters (not bytes)
  in the repaired, NFC-normalised line.
* ``raw`` keeps the text as written (after encoding repair); normalised values
  sit beside it so a report can show both.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Loc:
    """A place in a governance file."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class Status(str, enum.Enum):
    """Normalised work-packet state (protocol Part 6.2, Part 5.1).

    The protocol's four working states plus the recorded states people write
    (VALIDATED, Superseded) and the forbidden ones (Draft, ...), so a rule can
    tell "unknown" from "known but not allowed".
    """

    READY_FOR_DEV = "ready-for-dev"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    VALIDATED = "validated"
    BLOCKED = "blocked"
    FAILED = "failed"
    SUPERSEDED = "superseded"
    GAP = "gap"
    DRAFT = "draft"
    UNKNOWN = "unknown"


class Lifecycle(str, enum.Enum):
    """Where a packet stands in its life, decided from the board, the
    registry and the packet itself (see :mod:`mkdocs_handshake.protocol.lifecycle`).

    Only ACTIVE packets may still be edited; the protocol makes signed
    history immutable, so rules whose fix is an edit judge ACTIVE packets.
    """

    ACTIVE = "active"  # Ready for Dev, In Progress, Blocked
    CLOSED = "closed"  # Done, VALIDATED, OUTDATED_ONLY
    SUPERSEDED = "superseded"  # replaced by a later revision
    STUB = "stub"  # backlog, not activated
    LEGACY = "legacy"  # not on the board at all


class BoardColumn(str, enum.Enum):
    """Task-board columns (protocol Part 6.1)."""

    READY_FOR_DEV = "ready-for-dev"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    BLOCKED = "blocked"
    SUPERSEDED = "superseded"
    PHASE_GATE = "phase-gate"
    OTHER = "other"


@dataclass(frozen=True)
class EncodingIssue:
    """Damaged text found while decoding a file (rule PARSE-002).

    ``kind`` is ``"invalid-utf8"`` (bytes decoded as Windows-1252),
    ``"mojibake"`` (UTF-8 read as Windows-1252 and saved again, e.g. ``Â§``)
    or ``"question-marks"`` (``??`` where ``§`` stood).
    """

    loc: Loc
    kind: str
    original: str
    repaired: str


@dataclass(frozen=True)
class ParseIssue:
    """Something a parser saw but could not read as the protocol intends.

    Parsers never drop text silently: whatever they cannot place becomes a
    ParseIssue, which the PARSE rules turn into findings. ``rule`` names the
    rule that reports it (PARSE-001, PARSE-003, PARSE-004).
    """

    rule: str
    loc: Loc
    message: str
    excerpt: str = ""
    subject: str = ""
    # For a field label the parser does not know: the label as written, so
    # PARSE-004 can tell it from the labels the repository's template defines.
    label: str = ""
