"""The repository's other records as parsed: the task board, the signature
audit, the gate log, the registry, the protocol a repository follows, a
packet's text facts and its refinement file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .basics import BoardColumn, Loc


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
class ProjectionRow:
    """A row where a generated registry projection and its JSON differ:
    ``shown`` is the markdown row ("" when it lacks one), ``expected`` the
    row the JSON entry renders to ("" when the JSON has no such entry)."""

    key: str  # the row's first cell (the base WP id)
    shown: str
    expected: str
    loc: Loc


@dataclass(frozen=True)
class Registry:
    file: str
    rows: tuple[RegistryRow, ...]
    #: The markdown file the JSON registry says is generated from it ("" when
    #: the registry is markdown or says no such thing), and its rows that
    #: differ from what the JSON renders to.
    projection: str = ""
    projection_rows: tuple[ProjectionRow, ...] = ()


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
    #: ``"<schema $id> <dotted path>"`` of each property the repository's
    #: contract schemas define: a field none defines is not one the
    #: repository records (its tools do not read it).
    schema_properties: tuple[str, ...] = ()
    #: ``(schema $id, file)`` of each contract schema the loader found: a
    #: rule that needs a schema's file asks here instead of reading them again.
    schema_files: tuple[tuple[str, str], ...] = ()


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
    -> (first value written, where). ``read`` is False for a file that is
    there but could not be read (a JSON refinement that does not parse):
    its one finding is the parse issue, not a missing refinement."""

    file: str
    fields: Mapping[str, tuple[str, Loc]]
    read: bool = True

    def value(self, label: str) -> str:
        found = self.fields.get(label.upper().replace(" ", "_"))
        return found[0] if found else ""

    def has(self, label: str) -> bool:
        """Whether the file writes ``label`` at all (empty or not)."""
        return bool(label) and label.upper().replace(" ", "_") in self.fields

    def loc(self, label: str) -> Loc:
        found = self.fields.get(label.upper().replace(" ", "_"))
        return found[1] if found else Loc(self.file, 1)
