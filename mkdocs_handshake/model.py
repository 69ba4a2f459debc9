"""The typed governance model: what the parsers produce and the rules read.

Every value that came out of a governance file carries a :class:`Loc`, so a
finding can always point a person at ``file:line`` and the exact text. The
model is a tree of frozen dataclasses: once parsed, nothing downstream (rules,
renderers) can change what the files said, which keeps the pipeline one-way
(load -> parse -> model -> rules -> findings -> render).

Conventions shared by every parser:

* ``file`` is the POSIX path relative to the configured ``root``.
* ``line`` is 1-based; ``column`` is 1-based and counts characters (not bytes)
  in the repaired, NFC-normalised line.
* ``raw`` keeps the text as written (after encoding repair); normalised values
  sit beside it so a report can show both.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Mapping


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
    registry and the packet itself (see :mod:`mkdocs_handshake.lifecycle`).

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


# --------------------------------------------------------------------------
# Source-level facts
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Master Spec
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """A normative sentence: an RFC 2119 keyword or a bracketed requirement id.

    ``keywords`` lists the RFC 2119 words in order of appearance, with the
    negation folded in ("MUST NOT"). ``strength`` is the strongest of them:
    "MUST" (MUST/SHALL/REQUIRED and negations), "SHOULD", "MAY", or "" when the
    sentence is normative only through an id.
    """

    text: str
    loc: Loc
    keywords: tuple[str, ...]
    strength: str
    ids: tuple[str, ...] = ()
    index: int = 0  # 1-based position among the section's requirements
    # Identifiers that are evidence for this requirement without being
    # requirements themselves: its own backticked terms and the names in the
    # code blocks that follow it in its section (a code block illustrates the
    # requirement before it). The DONE_MEANS matcher reads them.
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A numbered, addressable part of the spec.

    ``kind`` is ``"heading"`` or ``"list-item"``: an item of an ordered list
    directly under a numbered heading is addressable as ``<heading>.<n>``
    (the corpus cites ``§7.6.3.14``, item 14 under heading 7.6.3).
    ``main_body`` is False for everything under a Roadmap / Future Work /
    Phase 2+ heading. ``out_of_order`` and ``duplicate`` record what PARSE-003
    reports; the section is kept either way.
    """

    number: str
    title: str
    level: int
    loc: Loc
    kind: str
    main_body: bool
    parent: str | None
    requirements: tuple[Requirement, ...] = ()
    ids: tuple[str, ...] = ()
    has_subsections: bool = False
    out_of_order: bool = False
    duplicate: bool = False
    end_line: int = 0  # last line of the section's own body (exclusive of subsections)
    anchor: str = ""  # stable HTML id for the section ("sec-2-3-12-1")


@dataclass(frozen=True)
class Spec:
    file: str
    version: str  # from the file name, e.g. "02.93"; "" when the name has none
    title: str
    title_version: str  # version written in the top heading, "" when absent
    title_loc: Loc | None
    sections: tuple[Section, ...]
    changelog_versions: tuple[tuple[str, Loc], ...] = ()
    roadmap_headings: tuple[tuple[str, Loc], ...] = ()  # headings that open a Roadmap part
    #: Numbered headings written inside a code block that swallows spec
    #: text (PARSE-006): in the file, but no section.
    swallowed_headings: tuple[tuple[str, Loc], ...] = ()
    #: The indexed bundle this spec was read from (``file`` is then its
    #: manifest and each section's ``loc.file`` its module); None for a
    #: single markdown file.
    bundle: "SpecBundle | None" = None

    def by_number(self) -> Mapping[str, tuple[Section, ...]]:
        index: dict[str, list[Section]] = {}
        for section in self.sections:
            index.setdefault(section.number, []).append(section)
        return {key: tuple(value) for key, value in index.items()}


@dataclass(frozen=True)
class SpecModule:
    """One module of an indexed spec bundle, as its manifest lists it and
    as it was found on disk.

    ``expected_*`` are the manifest's figures, the others what was read
    (``sha256`` of the bytes as checked out, ``byte_count`` their length).
    ``declared_version`` is the ``spec_version`` its front matter carries
    (without ``v``; "" when it carries none). ``present`` is False when the
    manifest names a file the checkout does not hold. ``text`` is the
    module's repaired text, kept for resolving anchors by name; it takes no
    part in comparisons and never goes into ``model.json``.
    """

    path: str  # relative to root
    bundle_path: str  # as the manifest writes it, relative to the bundle folder
    order: int  # 1-based position in the manifest's module order
    title: str
    manifest_loc: Loc  # the module's entry in the manifest
    present: bool = True
    declared_version: str = ""
    declared_version_loc: Loc | None = None
    manifest_version: str = ""  # the entry's own ``spec_version`` ("" when absent)
    sha256: str = ""
    byte_count: int = 0
    line_count: int = 0
    expected_sha256: str = ""
    expected_byte_count: int = -1  # -1 when the manifest gives none
    heading_count: int = -1  # the manifest's heading count, -1 when absent
    section_count: int = 0  # numbered headings read as sections
    carriage_returns: int = 0  # CR bytes in the file as checked out
    text: str = field(default="", compare=False, repr=False)

    def integrity(self) -> str:
        """How a module's bytes compare with its manifest entry:

        ``"match"`` the hash (or, without one, the byte count) agrees;
        ``"line-endings"`` it does not, but only as a checkout that changed the
        line endings would make it differ: the file has no CR where the manifest
        counted more bytes, at most one per line (or CRs where it counted
        fewer), so the content cannot be judged from this checkout;
        ``"mismatch"`` the bytes differ otherwise; ``"unknown"`` the module is
        absent or the manifest gives neither hash nor byte count."""
        if not self.present or (not self.expected_sha256 and self.expected_byte_count < 0):
            return "unknown"
        if self.expected_sha256:
            if self.sha256 == self.expected_sha256:
                return "match"
        elif self.byte_count == self.expected_byte_count:
            return "match"
        if self.expected_byte_count >= 0:
            lines = max(self.line_count - 1, 0)
            missing = self.expected_byte_count - self.byte_count
            if self.carriage_returns == 0 and 0 < missing <= lines:
                return "line-endings"
            if self.carriage_returns and 0 < -missing <= self.carriage_returns:
                return "line-endings"
        return "mismatch"


@dataclass(frozen=True)
class SpecBundle:
    """An indexed Master Spec bundle: a manifest naming its modules in order,
    a resolver index and a JSONL changelog (paths relative to root; "" when
    the bundle names none). ``index_*`` record what the resolver index
    says, ``changelog_versions`` the versions the changelog has entries for."""

    manifest: str
    folder: str
    version: str  # without ``v``
    version_loc: Loc
    modules: tuple[SpecModule, ...]
    resolver_index: str = ""
    index_read: bool = False
    index_version: str = ""
    index_version_loc: Loc | None = None
    index_modules: tuple[tuple[str, str, Loc], ...] = ()  # (bundle path, sha256, loc)
    changelog: str = ""
    changelog_read: bool = False
    changelog_versions: tuple[tuple[str, Loc], ...] = ()

    def module(self, path: str) -> SpecModule | None:
        for module in self.modules:
            if module.path == path or module.bundle_path == path:
                return module
        return None


@dataclass(frozen=True)
class SpecPointer:
    """What SPEC_CURRENT.md says: which spec file is current.

    A JSON pointer (``handshake.spec_current@1``) names its entry point in
    ``spec_names`` too, with ``entrypoint_type`` saying what it is
    (``indexed_manifest``); ``fields`` keeps every path-like field it has
    (``current_spec.resolver_index_path``, ...) as (key, value, loc). A
    provenance monolith it names (``source_baseline_path``) is one of those
    fields, never a spec name."""

    file: str  # the SPEC_CURRENT.md path
    spec_names: tuple[tuple[str, Loc], ...]  # every Master Spec file name it names
    governance_names: tuple[tuple[str, Loc], ...] = ()  # Codex / governance reference
    version: str = ""
    signatures: tuple[tuple[str, Loc], ...] = ()
    format: str = "markdown"  # "markdown" | "json"
    entrypoint_type: str = ""
    fields: tuple[tuple[str, str, Loc], ...] = ()

    def value_of(self, key: str) -> tuple[str, Loc] | None:
        for name, value, loc in self.fields:
            if name == key:
                return value, loc
        return None

    def distinct_spec_names(self) -> tuple[tuple[str, Loc], ...]:
        """Each spec file named once, at its first mention. A pointer that
        writes its file twice (as a path and again as a bare name, or in
        another case) still names one spec: the loader and SPEC-001 must
        count the same way, or the spec is found by one and lost by the other."""
        distinct: dict[str, tuple[str, Loc]] = {}
        for name, loc in self.spec_names:
            distinct.setdefault(file_key(name), (name, loc))
        return tuple(distinct.values())


def file_key(name: str) -> str:
    """A file name as written anywhere (path or bare, either slash, any
    case or Unicode form) reduced to what identifies the file it names."""
    return unicodedata.normalize("NFC", PurePosixPath(name.replace("\\", "/")).name).casefold()


# --------------------------------------------------------------------------
# Task packets
# --------------------------------------------------------------------------


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
class ValidationReport:
    heading: str
    loc: Loc
    verdict: str  # "PASS", "FAIL", or "" when none written
    verdict_loc: Loc | None = None
    date: str = ""


@dataclass(frozen=True)
class DoneMapping:
    """How one DONE_MEANS item maps to the spec, and why (see :mod:`.mapping`).

    ``kind`` is the signal that decided: ``"citation"`` (a requirement id,
    "requirement N" or a cited section), ``"identifier"`` (a shared name:
    error code, event type, function, backticked term, also from the
    requirement's code blocks), ``"lexical"`` (the item's words drawn from the
    requirement), ``"ranked"`` (the requirement of the anchored sections the
    item's words fit clearly best), ``"semantic"`` (with the sentence
    embedding of :mod:`.semantic`: the best combined score of words and
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
    #: requirement (the one they elaborate); empty otherwise.
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
    # The profile (era) whose reader read the packet: "" for the
    # repository's own profile (flat markdown), else the reader's era.
    era: str = ""
    # Every file of the packet with its authority (PacketFile); empty for
    # a flat markdown packet, which is its own only file.
    files: tuple[PacketFile, ...] = ()
    micro_tasks: tuple[MicroTask, ...] = ()

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


# --------------------------------------------------------------------------
# Board, audit log, gate log
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardEntry:
    wp: str
    column: BoardColumn
    column_raw: str
    tags: tuple[str, ...]
    text: str
    loc: Loc


@dataclass(frozen=True)
class Board:
    file: str
    entries: tuple[BoardEntry, ...]
    columns: tuple[tuple[str, BoardColumn, Loc], ...] = ()


@dataclass(frozen=True)
class SignatureRow:
    signature: str
    used_by: str
    datetime: str
    purpose: str
    spec_version: str
    notes: str
    invalid: bool
    loc: Loc
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignatureUse:
    """A signature written somewhere in the repo.

    ``role`` is ``"lock"`` (User Signature Locked), ``"approval"`` (an
    approval or authority reference) or ``"mention"`` (anything else, such as
    an example in a protocol file). Only locks and approvals consume a
    signature (SIG-002).
    """

    signature: str
    loc: Loc
    role: str
    subject: str = ""  # WP id or file it locks/approves


@dataclass(frozen=True)
class AuditLog:
    file: str
    rows: tuple[SignatureRow, ...]
    mentions: tuple[SignatureUse, ...] = ()


@dataclass(frozen=True)
class GateEvent:
    wp: str
    type: str
    data: str
    timestamp: str
    turn_token: str
    loc: Loc
    signature: str = ""
    extra: tuple[tuple[str, str], ...] = ()  # keys the parser does not know, as (key, JSON text)
    # Where the signature / turn token values are written, so a finding that
    # quotes one points at it rather than at the event's opening brace.
    signature_loc: Loc | None = None
    turn_token_loc: Loc | None = None
    head: str = ""  # the event's first line as written (what a finding quotes)


@dataclass(frozen=True)
class RegistryRow:
    """One row of the WP traceability registry: a base WP and the one
    packet that is authoritative for it now."""

    base: str
    active: str  # WP id of the active packet ("" when the row names none)
    active_file: str
    loc: Loc


@dataclass(frozen=True)
class Registry:
    file: str
    rows: tuple[RegistryRow, ...]


@dataclass(frozen=True)
class ProtocolInfo:
    """Which protocol version the repository is judged by, and why.

    ``template_labels`` / ``template_sections`` are label and heading keys
    of the repository's own packet template: a label it defines is never
    "unknown", and a field or section it lacks is not required.
    ``missing_phrases`` are phrases the profile asks about that the
    repository's protocol text no longer contains: a rule whose clause
    rests on one of them is not applied."""

    profile: str
    profile_source: str
    reason: str
    certain: bool = True
    template_file: str = ""
    template_labels: tuple[str, ...] = ()
    template_sections: tuple[str, ...] = ()
    packet_format_version: str = ""
    protocol_files: tuple[str, ...] = ()
    missing_phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextFacts:
    """What a packet's text says as written that its parsed fields do not
    keep: characters outside ASCII (the 2026 protocol keeps packets
    ASCII-only) and marker lines such as the Validator's "SKELETON
    APPROVED", found outside code fences."""

    non_ascii_lines: int = 0
    non_ascii_first: tuple[tuple[Loc, str], ...] = ()  # (first such character, its line as written), the first few lines
    markers: tuple[tuple[str, Loc], ...] = ()  # (marker as the profile names it, the line it stands alone on)
    # Every labelled line: (level-2 section heading as written, label key
    # (parse.packets.label_key), value after the colon, where the label is).
    labels: tuple[tuple[str, str, str, Loc], ...] = ()
    # Every task-list item ``- [ ] name`` / ``- [x] name``: (level-2
    # section heading, item text, checked, where).
    checklist: tuple[tuple[str, str, bool, Loc], ...] = ()

    def label(self, name_key: str, section_key: str = "") -> tuple[str, str, str, Loc] | None:
        """The first line with this label key (in a section whose heading
        starts with ``section_key``, case-folded, when given)."""
        for entry in self.labels:
            if entry[1] == name_key and (not section_key or entry[0].casefold().startswith(section_key)):
                return entry
        return None


@dataclass(frozen=True)
class Refinement:
    """A WP's technical refinement file: label (upper case, spaces as _)
    -> (first value written, where)."""

    file: str
    fields: Mapping[str, tuple[str, Loc]]

    def value(self, label: str) -> str:
        found = self.fields.get(label.upper().replace(" ", "_"))
        return found[0] if found else ""

    def loc(self, label: str) -> Loc:
        found = self.fields.get(label.upper().replace(" ", "_"))
        return found[1] if found else Loc(self.file, 1)


# --------------------------------------------------------------------------
# The whole repository
# --------------------------------------------------------------------------


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
    # phase_gate.find_phase_claims: (phase, loc, text as written).
    phase_claims: tuple[tuple[str, Loc, str], ...] = ()
    # Ticked/unticked items of a board phase-gate checklist, found by
    # phase_gate.find_phase_checklist: (phase, loc, text, checked).
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
    # WP id -> its technical refinement file (profile layout.refinements),
    # its labelled values with their places.
    refinements: Mapping[str, Refinement] = field(default_factory=dict)
    # Every WP-*.md file in the profile's stub folder (relative to root).
    stub_files: tuple[str, ...] = ()

    def packet(self, wp: str) -> Packet | None:
        for packet in self.packets:
            if packet.id == wp:
                return packet
        return None
