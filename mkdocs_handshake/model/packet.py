"""A task packet as parsed: its files, fields, anchors, micro-tasks and the
mapping of its DONE_MEANS onto the spec."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .basics import Lifecycle, Loc, Status


@dataclass(frozen=True)
class ListItem:
    """One list item under a field. ``text`` is its readable text (markup
    dropped, what rules judge); ``source`` is its first line as written,
    from ``loc`` on (what a finding quotes)."""

    text: str
    loc: Loc
    depth: int = 0
    children: tuple["ListItem", ...] = ()
    source: str = ""


@dataclass(frozen=True)
class FieldOccurrence:
    """One place a packet field is written.

    ``form`` says how: ``"list"`` (``- STATUS: X``), ``"bold"``
    (``**STATUS:** X``), ``"plain"`` (``Status: X``), ``"table"`` (a row of a
    two-column table) or ``"heading"`` (``## DONE_MEANS`` with the value in
    the body). ``value`` is the inline text after the label; ``items`` the
    list under it; ``code`` the fenced code under it, if any.
    """

    name: str
    raw_name: str
    value: str
    loc: Loc
    form: str
    items: tuple[ListItem, ...] = ()
    code: str = ""
    section: str = ""  # heading of the packet section it sits in
    # Where the first line of ``code`` sits (inside the fence; column of the
    # code's indentation), so a finding about a command points at its line.
    # None when the parser did not record it; rules then cite ``loc``.
    code_loc: Loc | None = None


@dataclass(frozen=True)
class AnchorRef:
    """A SPEC_ANCHOR entry.

    ``number`` is the section number with damage repaired ("2.6.6.7.3" for
    ``Â§2.6.6.7.3``); empty when the anchor is prose. ``damage`` holds the
    damaged marker when there was one. ``pinned_version`` is set for
    ``§7.6.3.15 (v02.36)``; ``document`` for ``[CX-GATE-001] in docs/X.md``.

    ``spec_file`` is the Master Spec file the anchor names
    (``Handshake_Master_Spec_v02.113.md 11.10.3``); its version is then also
    the ``pinned_version``. It is not a ``document``: the anchor still points
    into the Master Spec, only into the version the packet was written
    against, so the ANCHOR rules judge it against the current spec and
    ANCHOR-006 can say it names an older one.
    """

    raw: str
    loc: Loc
    number: str = ""
    ids: tuple[str, ...] = ()
    damage: str = ""
    pinned_version: str = ""
    document: str = ""
    label: str = ""
    spec_file: str = ""
    #: For an anchor into a spec bundle module (``.../spec-modules/02-x.md#2.3.13``):
    #: the module path as written and its fragment (a section number, a
    #: line ``L120`` or a name). Its bundle version is the ``pinned_version``.
    module: str = ""
    fragment: str = ""


@dataclass(frozen=True)
class WpRef:
    wp: str
    loc: Loc
    note: str = ""


@dataclass(frozen=True)
class PacketFile:
    """One file that holds (part of) a packet, and what it is worth.

    ``authority`` is ``contract`` (a JSON contract that says it is the
    primary machine-readable record), ``projection`` (markdown generated
    from the contract: read, never judged as the packet), ``markdown`` (a
    markdown packet that is its own authority) or ``legacy`` (a flat file
    the repository's resolution order passes over because the packet's
    folder exists)."""

    path: str
    authority: str


@dataclass(frozen=True)
class MicroTask:
    """A micro-task contract (``MT-*.json``) inside a packet folder: part
    of its packet, with its own status, dependencies and scope. Values
    keep the line of their JSON key."""

    id: str
    file: str
    loc: Loc
    status: str = ""
    status_loc: Loc | None = None
    title: str = ""
    depends_on: tuple[WpRef, ...] = ()
    blocks: tuple[WpRef, ...] = ()
    scope: tuple[ListItem, ...] = ()  # the paths it may touch
    schema_id: str = ""


@dataclass(frozen=True)
class AcceptanceRow:
    """One row of a contract's acceptance matrix: a closure requirement
    with a stable id, whether it is required, its status, the evidence or
    reason that resolves it, and the rule or Codex ids it cites. ``loc`` is
    its id's line, ``status_loc`` its status's."""

    id: str
    required: bool
    status: str
    evidence: str
    reason: str
    cites: tuple[str, ...]
    loc: Loc
    status_loc: Loc


@dataclass(frozen=True)
class ProjectionSync:
    """A JSON contract of a packet folder that says its markdown projection
    is generated and current, and what the pair hashes to today.

    The ``recorded_*`` hashes are the contract's ``markdown_projection``
    record, the ``header_*`` ones the projection's generated header, and
    ``source_hash`` / ``projection_hash`` what the contract and the
    projection's body hash to now, computed as the repository's library
    computes them (:mod:`mkdocs_handshake.parse.projection`). In sync means
    all three agree on both."""

    contract: str
    path: str  # the projection as the contract names it
    status: str
    loc: Loc  # the contract's markdown_projection.path value
    recorded_source: str
    recorded_projection: str
    source_hash: str
    source_loc: Loc  # the contract's recorded source_hash
    found: bool = False  # the projection file exists
    projection_hash: str = ""
    header: bool = False  # the projection opens with a generated header
    header_line: int = 1
    header_source: str = ""
    header_projection: str = ""
    line_text: str = ""  # the header's line (the first line when there is none)

    @property
    def body_drift(self) -> bool:
        """The body no longer hashes to what the contract records."""
        return self.found and self.projection_hash != self.recorded_projection

    @property
    def source_drift(self) -> bool:
        """The contract no longer hashes to what it records."""
        return self.source_hash != self.recorded_source

    @property
    def header_drift(self) -> bool:
        """The header's hashes are not the contract's record."""
        return self.header and (self.header_source, self.header_projection) != (self.recorded_source, self.recorded_projection)

    @property
    def in_sync(self) -> bool:
        return self.found and self.header and not (self.body_drift or self.source_drift or self.header_drift)


@dataclass(frozen=True)
class ValidationReport:
    heading: str
    loc: Loc
    verdict: str  # "PASS", "FAIL", or "" when none written
    verdict_loc: Loc | None = None
    date: str = ""


@dataclass(frozen=True)
class DoneMapping:
    """How one DONE_MEANS item maps to the spec, and why (see :mod:`mkdocs_handshake.analysis.mapping`).

    ``kind`` is the signal that decided: ``"citation"`` (a requirement id,
    "requirement N" or a cited section), ``"identifier"`` (a shared name:
    error code, event type, function, backticked term, also from the
    requirement's code blocks), ``"lexical"`` (the item's words drawn from the
    requirement), ``"ranked"`` (the requirement of the anchored sections the
    item's words fit clearly best), ``"semantic"`` (with the sentence
    embedding of :mod:`mkdocs_handshake.analysis.semantic`: the best combined score of words and
    meaning, clear of the runner-up), ``"verification"`` (a check passed) or
    ``"unmapped"``.
    ``terms`` are the evidence (shared names first, then shared words; the
    cited id or number for a citation), ``score`` the IDF-weighted share of the
    item found in the requirement and ``threshold`` the bar it had to reach.
    ``requirement_index`` 0 with a ``section`` is a citation of a section as a
    whole. For an unmapped item, ``nearest_*`` name the best requirement that
    was tried and its score; for a ``ranked`` one, the runner-up it is
    clearly ahead of (empty when no other requirement shares a term). ``group`` is the header the item sits under.
    """

    item: ListItem
    kind: str  # "citation" | "identifier" | "lexical" | "ranked" | "semantic" | "verification" | "unmapped"
    section: str = ""
    requirement_index: int = 0
    requirement_text: str = ""
    score: float = 0.0
    terms: tuple[str, ...] = ()
    threshold: float = 0.0
    group: str = ""
    nearest_section: str = ""
    nearest_index: int = 0
    nearest_score: float = 0.0
    #: "group" when subsections cited together stood for their parent's
    #: requirement (the one they elaborate); "list" when the item named
    #: several items of one list and was scored against the list as a
    #: whole (``score``), mapping to its best-fitting item; empty otherwise.
    via: str = ""

    @property
    def covers(self) -> bool:
        """Whether the mapping names one requirement it proves."""
        return self.kind in MAPPED_KINDS and self.requirement_index > 0


MAPPED_KINDS = ("citation", "identifier", "lexical", "ranked", "semantic")


@dataclass(frozen=True)
class Packet:
    id: str  # from the file name
    file: str
    title: str
    title_loc: Loc | None
    fields: Mapping[str, tuple[FieldOccurrence, ...]]
    headings: tuple[tuple[str, int, Loc], ...]  # (text, level, loc) of every heading
    status: Status
    status_raw: str
    status_loc: Loc | None
    spec_anchors: tuple[AnchorRef, ...] = ()
    depends_on: tuple[WpRef, ...] = ()
    blocks: tuple[WpRef, ...] = ()
    signature: str = ""
    signature_loc: Loc | None = None
    validation_reports: tuple[ValidationReport, ...] = ()
    date: str = ""
    phase: str = ""
    # Set by load.link from the board, the registry and the packet; a
    # packet built on its own (tests, a repo without a board) is active.
    lifecycle: Lifecycle = Lifecycle.ACTIVE
    lifecycle_reason: str = ""
    # The id the packet declares (TASK_ID, else WP_ID) when that is a valid
    # WP id; "" otherwise. Other packets and the board may refer to the
    # packet by it (see ids.packet_aliases); PKT-001 reports a mismatch with
    # the file name.
    declared_id: str = ""
    # The profile (era) whose reader read the packet and whose rules judge
    # it ("" only for a packet built without the loader).
    era: str = ""
    # Every file of the packet with its authority (PacketFile); empty for
    # a flat markdown packet, which is its own only file.
    files: tuple[PacketFile, ...] = ()
    micro_tasks: tuple[MicroTask, ...] = ()
    #: The folder's contracts whose generated projections claim to be in
    #: sync (a contract-era packet only).
    projections: tuple[ProjectionSync, ...] = ()
    #: The contract's acceptance matrix rows (a contract-era packet only).
    acceptance_rows: tuple[AcceptanceRow, ...] = ()

    @property
    def head_loc(self) -> Loc:
        """Where a finding about the packet as a whole points: its title, or
        the file's first line when it has none."""
        return self.title_loc or Loc(self.file, 1)

    @property
    def status_or_head_loc(self) -> Loc:
        """Where a finding about the packet's state points: its STATUS line,
        else :attr:`head_loc`."""
        return self.status_loc or self.head_loc

    def field(self, name: str) -> FieldOccurrence | None:
        """The current (last written) occurrence of a field."""
        occurrences = self.fields.get(name, ())
        return occurrences[-1] if occurrences else None
