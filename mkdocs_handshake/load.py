"""Loading a governance repository into a :class:`GovernanceModel`.

This is the only stage that touches the file system. It reads every
governance file through :func:`~mkdocs_handshake.source.read_source` (so
damaged encodings are repaired and recorded), hands each to its parser, and
assembles the model. A file that cannot be read becomes a PARSE-001 issue,
never an exception: the rules decide what that means for the build.

Parsed files are cached by content hash (:class:`ParseCache`) so that
``mkdocs serve`` re-parses only what changed; the 1.5 MB spec of the
reference corpus is the expensive one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, TypeVar

from .layout import Layout
from .model import (
    EncodingIssue,
    GovernanceModel,
    Loc,
    Packet,
    ParseIssue,
    SignatureUse,
    Spec,
    SpecPointer,
)
from .parse.audit import parse_audit
from .parse.board import parse_board
from .parse.gate_log import parse_gate_log
from .parse.packets import parse_packet
from .parse.requirements import find_requirement_ids
from .phase_gate import find_phase_checklist, find_phase_claims
from .parse.signatures import find_signature_uses
from .parse.spec import parse_spec
from .parse.spec_current import parse_spec_current
from .source import SourceText
from .traceability import map_done_means

T = TypeVar("T")

SPEC_FILE = re.compile(r"master[ _-]?spec.*?v(\d+(?:\.\d+)+)\.md$", re.IGNORECASE)
_CURRENT_SPEC_MENTION = re.compile(r"Master[ _-]?Spec[ _-]*v(\d+\.\d+)", re.IGNORECASE)
_CURRENT_WORDS = re.compile(r"\b(current|latest|authoritative)\b", re.IGNORECASE)


@dataclass
class ParseCache:
    """Parsed results keyed by (parser, path) and the bytes' SHA-256."""

    entries: dict[tuple[str, str], tuple[str, object]] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0

    def get(self, kind: str, src: SourceText, digest: str, parse: Callable[[SourceText], T]) -> T:
        key = (kind, src.path)
        cached = self.entries.get(key)
        if cached and cached[0] == digest:
            self.hits += 1
            return cached[1]  # type: ignore[return-value]
        self.misses += 1
        result = parse(src)
        self.entries[key] = (digest, result)
        return result


@dataclass
class _Collector:
    """Everything the individual files contribute beyond their parsed objects."""

    layout: Layout
    cache: ParseCache
    encoding: list[EncodingIssue] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    uses: list[SignatureUse] = field(default_factory=list)
    sources: dict[str, SourceText] = field(default_factory=dict)

    def read(self, relative: str, *, required: bool = True, what: str = "file") -> tuple[SourceText, str] | None:
        try:
            data = (self.layout.root / relative).read_bytes()
        except FileNotFoundError:
            if required:
                self.issues.append(ParseIssue("PARSE-001", Loc(relative, 1), f"the configured {what} {relative} does not exist", relative, relative))
            return None
        except OSError as error:
            if required:
                reason = "is a folder, expected a file" if isinstance(error, IsADirectoryError) else (error.strerror or str(error))
                self.issues.append(ParseIssue("PARSE-001", Loc(relative, 1), f"the configured {what} {relative} cannot be read: {reason}", relative, relative))
            return None
        digest = hashlib.sha256(data).hexdigest()
        src = self.cache.get("source", _Raw(relative, data), digest, _decode_raw)
        self.encoding.extend(src.issues)
        self.sources[relative] = src
        return src, digest

    def parse(
        self,
        relative: str,
        kind: str,
        parser: Callable[[SourceText], tuple[T, list[ParseIssue]]],
        *,
        what: str,
        required: bool = True,
    ) -> tuple[T, SourceText] | None:
        """Read one file, parse it (cached by content hash) and collect its
        parse issues: the step every governance file goes through."""
        read = self.read(relative, required=required, what=what)
        if read is None:
            return None
        src, digest = read
        result, issues = self.cache.get(kind, src, digest, parser)
        self.issues.extend(issues)
        return result, src


@dataclass(frozen=True)
class _Raw:
    path: str
    data: bytes


def _decode_raw(raw: _Raw) -> SourceText:  # type: ignore[misc]
    from .source import decode

    return decode(raw.data, raw.path)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _find_spec_file(layout: Layout, name: str, pointer_file: str) -> str | None:
    """Resolve a spec name from SPEC_CURRENT.md: as written relative to the
    root, beside SPEC_CURRENT.md, or anywhere under root by file name."""
    candidates = [name, str(Path(pointer_file).parent / name)]
    for candidate in candidates:
        if (layout.root / candidate).is_file():
            return Path(candidate).as_posix()
    base_name = Path(name).name
    for found in sorted(layout.root.rglob(base_name)):
        if found.is_file() and ".git" not in found.parts:
            return found.relative_to(layout.root).as_posix()
    return None


def _sibling_specs(layout: Layout, spec_file: str) -> tuple[tuple[str, str], ...]:
    folder = (layout.root / spec_file).parent
    siblings = []
    for path in sorted(folder.glob("*.md")):
        match = SPEC_FILE.search(path.name)
        if match:
            siblings.append((path.relative_to(layout.root).as_posix(), match.group(1)))
    return tuple(siblings)


def _protocol_files(layout: Layout, exclude: set[str]) -> list[str]:
    found: set[str] = set()
    for pattern in layout.protocols:
        for path in layout.root.glob(pattern):
            if path.is_file():
                found.add(path.relative_to(layout.root).as_posix())
    return sorted(found - exclude)


def _current_spec_mentions(src: SourceText, packet: Packet | None) -> list[tuple[str, Loc]]:
    """Places that name a Master Spec version *as current*.

    In a packet: the version in its SPEC_CURRENT field. In a protocol file: a
    "Master Spec vNN.NN" on a line that also says current / latest /
    authoritative. Other version mentions are history and are left alone."""
    mentions: list[tuple[str, Loc]] = []
    if packet is not None:
        for occurrence in packet.fields.get("SPEC_CURRENT", ()):
            line = src.line(occurrence.loc.line)
            for match in re.finditer(r"v(\d+\.\d+)", occurrence.value):
                column = line.find(match.group(0))
                mentions.append((match.group(1), Loc(src.path, occurrence.loc.line, column + 1 if column >= 0 else occurrence.loc.column)))
        return mentions
    for number, line in enumerate(src.lines, start=1):
        if "spec" not in line.lower() or not _CURRENT_WORDS.search(line):
            continue
        for match in _CURRENT_SPEC_MENTION.finditer(line):
            mentions.append((match.group(1), Loc(src.path, number, match.start() + 1)))
    return mentions


def _document_ids(out: _Collector, packets: list[Packet]) -> dict[str, tuple[str, ...]]:
    """Requirement ids of every other document a SPEC_ANCHOR points into
    (``[CX-GATE-001] in docs/VALIDATOR_PROTOCOL.md``), for ANCHOR-007. A
    document that does not exist gets no key; the rule reports that."""
    documents = sorted({anchor.document for packet in packets for anchor in packet.spec_anchors if anchor.document})
    found: dict[str, tuple[str, ...]] = {}
    for document in documents:
        read = out.read(document, required=False, what="anchored document")
        if read:
            found[document] = tuple(dict.fromkeys(find_requirement_ids(read[0].text)))
    return found


def load_repo(layout: Layout, cache: ParseCache | None = None) -> GovernanceModel:
    """Read and parse every governance file under ``layout.root``."""
    cache = cache or ParseCache()
    out = _Collector(layout, cache)
    mentions: list[tuple[str, Loc]] = []
    claims: list[tuple[str, Loc, str]] = []
    checklist: list[tuple[str, Loc, str, bool]] = []

    pointer: SpecPointer | None = None
    spec: Spec | None = None
    sibling_specs: tuple[tuple[str, str], ...] = ()
    parsed_pointer = out.parse(layout.spec_current, "spec_current", parse_spec_current, what="SPEC_CURRENT file")
    if parsed_pointer:
        pointer, src = parsed_pointer
        out.uses.extend(find_signature_uses(src, src.path))
        if len(pointer.spec_names) == 1:
            name, loc = pointer.spec_names[0]
            spec_file = _find_spec_file(layout, name, layout.spec_current)
            if spec_file is None:
                out.issues.append(ParseIssue("PARSE-001", loc, f"SPEC_CURRENT names {name}, which does not exist under the root", name, name))
            else:
                parsed_spec = out.parse(spec_file, "spec", parse_spec, what="Master Spec")
                if parsed_spec:
                    spec, spec_src = parsed_spec
                    out.uses.extend(find_signature_uses(spec_src, spec_src.path))
                sibling_specs = _sibling_specs(layout, spec_file)

    packets: list[Packet] = []
    packet_dir = layout.root / layout.packets
    if not packet_dir.is_dir():
        out.issues.append(ParseIssue("PARSE-001", Loc(layout.packets, 1), f"the configured packets folder {layout.packets} does not exist", layout.packets, layout.packets))
    else:
        for path in sorted(packet_dir.glob("WP-*.md")):
            parsed_packet = out.parse(path.relative_to(layout.root).as_posix(), "packet", parse_packet, what="task packet")
            if not parsed_packet:
                continue
            packet, src = parsed_packet
            packets.append(packet)
            out.uses.extend(find_signature_uses(src, packet.id))
            mentions.extend(_current_spec_mentions(src, packet))
            claims.extend(find_phase_claims(src))

    board = None
    parsed_board = out.parse(layout.task_board, "board", parse_board, what="task board")
    if parsed_board:
        board, src = parsed_board
        claims.extend(find_phase_claims(src))
        checklist.extend(find_phase_checklist(src))

    parsed_audit = out.parse(layout.signature_audit, "audit", parse_audit, what="signature audit log")
    audit = parsed_audit[0] if parsed_audit else None

    parsed_gates = out.parse(layout.gate_log, "gate_log", parse_gate_log, what="gate log", required=False)
    gate_events = parsed_gates[0] if parsed_gates else ()

    governance_files = {layout.spec_current, layout.task_board, layout.signature_audit}
    protocol_files = _protocol_files(layout, governance_files)
    for relative in protocol_files:
        read = out.read(relative, what="protocol file")
        if read:
            src, _ = read
            out.uses.extend(find_signature_uses(src, relative))
            mentions.extend(_current_spec_mentions(src, None))

    model = GovernanceModel(
        root=layout.root.as_posix(),
        spec_pointer=pointer,
        spec=spec,
        packets=tuple(packets),
        board=board,
        audit=audit,
        gate_events=tuple(gate_events),
        signature_uses=tuple(sorted(out.uses, key=lambda use: (use.loc, use.signature))),
        encoding_issues=tuple(sorted(out.encoding, key=lambda issue: (issue.loc, issue.kind, issue.original))),
        parse_issues=tuple(sorted(out.issues, key=lambda issue: (issue.loc, issue.rule, issue.message))),
        sibling_specs=sibling_specs,
        protocol_files=tuple(protocol_files),
        spec_version_mentions=tuple(sorted(mentions, key=lambda mention: mention[1])),
        phase_claims=tuple(sorted(claims, key=lambda claim: claim[1])),
        phase_checklist=tuple(sorted(checklist, key=lambda item: item[1])),
        document_ids=_document_ids(out, packets),
    )
    return link(model)


def link(model: GovernanceModel) -> GovernanceModel:
    """Derived facts that need more than one file: DONE_MEANS mappings."""
    sections = model.spec.by_number() if model.spec else {}
    mappings = {packet.id: map_done_means(packet, sections) for packet in model.packets}
    return replace(model, done_mappings=mappings)
