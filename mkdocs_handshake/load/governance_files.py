"""One loader per kind of governance file: the spec, a packet (markdown or
contract), the board, protocol files, the registry, refinements and stubs;
each reads through the collector and returns the parsed parts."""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ..protocol.contract_schemas import SchemaSet, validate
from ..repository.layout import Layout
from ..model.ids import stub_id
from ..model.records import Board, Registry, SignatureUse, Refinement, TextFacts
from ..model.basics import Loc, ParseIssue
from ..model.packet import MicroTask, Packet, PacketFile
from ..model.spec import Spec
from .packet_sources import PacketSource
from ..parse.board import parse_board
from ..parse.contract import Contract, as_contract, parse_contract, parse_microtask, parse_registry_json, NEWER_SCHEMA, read_as, read_json
from ..parse.packets import parse_packet
from ..parse.refinement import parse_refinement, parse_refinement_json
from ..model.ids import WP_ID_FULL
from ..parse.registry import parse_registry
from ..parse.signatures import SIGNATURE_TOKEN, find_signature_uses
from ..parse.spec import parse_spec
from ..parse.text_facts import text_facts
from ..analysis.phase_claims import find_phase_checklist, find_phase_claims
from ..protocol.profiles import Profile
from ..repository.source import SourceText
from .file_reader import Collector, RawFile, _refusal, decode_raw
from .parse_cache import ParseCache
from .projections import folder_projections, registry_data, registry_projection
from .protocol_evidence import existing_or_found
from .spec_files import current_spec_mentions


def signature_uses_in(src: SourceText) -> tuple[SignatureUse, ...]:
    """Signature uses in a file that is its own subject (spec, protocols)."""
    return tuple(find_signature_uses(src, src.path))


def _claims_in(src: SourceText) -> tuple[tuple[str, Loc, str], ...]:
    return tuple(find_phase_claims(src))


_BACKTICKED_JSON = re.compile(r"`([^`\s]+\.json)`")


#: How far into the markdown registry a pointer to its JSON authority is looked for.
_REGISTRY_HEAD_LINES = 30


def load_registry(out: Collector, profile: Profile) -> Registry | None:
    """The traceability registry: the profile's file, or the one file of
    that name under the root. When its head names a JSON file (in
    backticks) whose ``schema_id`` the profile reads as a registry, that
    JSON is the registry and the markdown its projection."""
    paths = existing_or_found(out.layout, [profile.registry])
    if len(paths) != 1:
        return None
    parsed = out.parse(paths[0], "registry", parse_registry, what="WP traceability registry", required=False)
    if parsed is None or not profile.contract.registry_schema_ids:
        return parsed[0] if parsed else None
    head = "\n".join(parsed[1].lines[:_REGISTRY_HEAD_LINES])
    for named in dict.fromkeys(_BACKTICKED_JSON.findall(head)):
        relative = named if (out.layout.root / named).is_file() else (Path(paths[0]).parent / Path(named).name).as_posix()
        if not (out.layout.root / relative).is_file():
            continue
        read = out.read(relative, required=False, what="WP traceability registry")
        if read is None:
            continue
        data, _lines, _issues = read_json(read[0])
        if data is None or not read_as(str(data.get("schema_id", "")), profile.contract.registry_schema_ids):
            continue
        found = out.parse(relative, "registry_json", parse_registry_json, what="WP traceability registry")
        if found and found[0] is not None:
            return registry_projection(out, found[0], found[1], registry_data(found[1]), profile.projection)
    return parsed[0]


PacketParts = tuple[Packet, tuple[SignatureUse, ...], tuple[tuple[str, Loc], ...], tuple[tuple[str, Loc, str], ...], TextFacts]


def load_source(out: Collector, source: PacketSource, profile: Profile, markers: tuple[str, ...], schemas: SchemaSet | None = None) -> PacketParts | None:
    """One packet by the repository's resolution order (see
    :mod:`.packet_sources`): a contract the profile's reader recognises and
    that says it is the primary record is the packet, its ``packet.md`` a
    projection; otherwise the markdown packet is. A contract whose schema no
    reader of the profile knows is reported (PARSE-005), not guessed at."""
    if not source.folder:
        flat = load_packet(out, source.markdown, markers)
        return (replace(flat[0], era=profile.id), *flat[1:]) if flat is not None else None
    contract = _read_contract(out, source.contract, profile) if source.contract else None
    legacy = (PacketFile(source.legacy, "legacy"),) if source.legacy else ()
    if contract is not None and contract.authority in profile.contract.primary:
        files = (PacketFile(source.contract, "contract"),) + ((PacketFile(source.markdown, "projection"),) if source.markdown else ()) + legacy
        _validate(out, source.contract, source.wp, schemas)
        projections = folder_projections(out, str(PurePosixPath(source.contract).parent), profile.projection)
        packet = replace(contract.packet, era=profile.id, files=files, micro_tasks=_micro_tasks(out, source, profile, schemas), projections=projections)
        lock = (SignatureUse(packet.signature, packet.signature_loc, "lock", packet.id),) if packet.signature and packet.signature_loc and SIGNATURE_TOKEN.fullmatch(packet.signature) else ()
        return packet, lock, (), (), TextFacts()
    if not source.markdown:
        return None
    loaded = load_packet(out, source.markdown, markers)
    if loaded is None:
        return None
    files = (PacketFile(source.markdown, "markdown"),) + ((PacketFile(source.contract, "secondary"),) if contract is not None else ()) + legacy
    return (replace(loaded[0], era=profile.id, files=files, micro_tasks=_micro_tasks(out, source, profile, schemas)), *loaded[1:])


def _validate(out: Collector, relative: str, subject: str, schemas: SchemaSet | None) -> None:
    """PKT-024 issues of one contract against the repository's schemas,
    cached with the file's parse (keyed by the schemas' digest too)."""
    if schemas is None or not schemas.schemas:
        return
    read = out.read(relative, required=False, what="contract")
    if read is None:
        return
    out.issues.extend(out.derived(f"schema_issues:{schemas.digest}", read[0], lambda src: _schema_issues(src, schemas, subject)))


def _read_contract(out: Collector, relative: str, profile: Profile) -> Contract | None:
    """The packet contract, when its ``schema_id`` is one the profile reads."""
    parsed = out.parse(relative, f"contract:{profile.id}", lambda src: parse_contract(src, profile.contract), what="packet contract")
    if not parsed or parsed[0] is None:
        return None
    contract = as_contract(parsed[0])
    read = read_as(contract.schema_id, profile.contract.schema_ids)
    if read and read != contract.schema_id:
        out.issues.append(_newer_schema(contract.packet.title_loc or Loc(relative, 1), relative, contract.schema_id, read, profile, contract.packet.id))
    if not read:
        said = f"schema_id {contract.schema_id!r}" if contract.schema_id else "no schema_id"
        known = ", ".join(profile.contract.schema_ids) or "none"
        out.issues.append(ParseIssue(
            "PARSE-005", contract.packet.title_loc or Loc(relative, 1),
            f"the packet contract {relative} has {said}; the profile in force ({profile.id}) reads {known}, so its era cannot be told and it is not read",
            contract.schema_id, contract.packet.id,
        ))
        return None
    return contract


def _newer_schema(loc: Loc, relative: str, schema_id: str, read: str, profile: Profile, wp: str) -> ParseIssue:
    """A contract of a later version of a schema the profile reads: read
    with the profile's field map, and told (PARSE-005 folds these into one
    finding per schema id)."""
    return ParseIssue(
        "PARSE-005", loc,
        f"{relative} has schema_id {schema_id!r}, a later version than the {read!r} the profile in force ({profile.id}) reads; it is read with that version's field map",
        schema_id, wp, label=NEWER_SCHEMA + read,
    )


def _micro_tasks(out: Collector, source: PacketSource, profile: Profile, schemas: SchemaSet | None = None) -> tuple[MicroTask, ...]:
    """The packet's micro-task contracts (part of the packet, not packets)."""
    found: list[MicroTask] = []
    for relative in source.micro_tasks:
        parsed = out.parse(relative, f"microtask:{profile.id}", lambda src: parse_microtask(src, profile.contract), what="micro-task contract")
        if not parsed or parsed[0] is None:
            continue
        task = parsed[0]
        read = read_as(task.schema_id, profile.contract.microtask_schema_ids)
        if read and read != task.schema_id:
            out.issues.append(_newer_schema(task.loc, relative, task.schema_id, read, profile, source.wp))
        if profile.contract.microtask_schema_ids and not read:
            said = f"schema_id {task.schema_id!r}" if task.schema_id else "no schema_id"
            out.issues.append(ParseIssue("PARSE-005", task.loc, f"the micro-task contract {relative} has {said}, which the profile in force ({profile.id}) does not read", task.schema_id, source.wp))
            continue
        _validate(out, relative, source.wp, schemas)
        found.append(task)
    return tuple(found)


def load_spec(out: Collector, spec_file: str) -> tuple[Spec | None, tuple[SignatureUse, ...]]:
    """The Master Spec and the signatures it carries."""
    parsed = out.parse(spec_file, "spec", parse_spec, what="Master Spec")
    if not parsed:
        return None, ()
    spec, src = parsed
    return spec, tuple(out.derived("signature_uses", src, signature_uses_in))


def load_board(out: Collector, *, required: bool) -> tuple[Board | None, tuple[tuple[str, Loc, str], ...], tuple[tuple[str, Loc, str, bool], ...]]:
    """The task board with the phase claims and checklist written on it."""
    parsed = out.parse(out.layout.task_board, "board", parse_board, what="task board", required=required)
    if not parsed:
        return None, (), ()
    board, src = parsed
    return (
        board,
        tuple(out.derived("phase_claims", src, _claims_in)),
        tuple(out.derived("phase_checklist", src, lambda text: tuple(find_phase_checklist(text)))),
    )


def load_protocol_file(out: Collector, relative: str) -> tuple[tuple[SignatureUse, ...], tuple[tuple[str, Loc], ...]]:
    """The signatures a protocol file uses and the spec versions it names as current."""
    read = out.read(relative, what="protocol file")
    if not read:
        return (), ()
    src, _ = read
    return (
        tuple(out.derived("signature_uses", src, signature_uses_in)),
        tuple(out.derived("spec_mentions", src, lambda text: tuple(current_spec_mentions(text, None)))),
    )


def load_packet(out: Collector, relative: str, markers: tuple[str, ...]) -> PacketParts | None:
    """One packet and the facts its text alone gives: signature uses, spec
    version mentions, phase claims, text facts."""
    parsed = out.parse(relative, "packet", parse_packet, what="task packet")
    if not parsed:
        return None
    packet, src = parsed
    return (
        packet,
        tuple(out.derived("signature_uses", src, lambda text: tuple(find_signature_uses(text, packet.id)))),
        tuple(out.derived("spec_mentions", src, lambda text: tuple(current_spec_mentions(text, packet)))),
        tuple(out.derived("phase_claims", src, _claims_in)),
        out.derived(f"text_facts:{'|'.join(markers)}", src, lambda text: text_facts(text, markers)),
    )


def refinement_places(layout: Layout, profile: Profile) -> tuple[tuple[str, str], ...]:
    """The profile's ``layout.refinement_files`` with the folders filled in:
    ``(path with {wp}, format)`` in resolution order."""
    folders = {"packets": layout.packets.rstrip("/"), "refinements": profile.refinements.rstrip("/")}
    places = []
    for pattern, form in profile.refinement_files:
        if "{refinements}" in pattern and not profile.refinements:
            continue
        filled = re.sub(r"\{(packets|refinements)\}", lambda match: folders[match.group(1)], pattern)
        places.append((posixpath.normpath(filled), form))  # a folder "." or "" adds no "./"
    return tuple(places)


def _found_at(root: Path, place: str) -> dict[str, str]:
    """WP id -> the file at ``place`` (a path with ``{wp}``) for each WP id
    the folder holds."""
    head, _, tail = place.partition("{wp}")
    matcher = re.compile(re.escape(head) + r"(?P<wp>WP-[^/]+)" + re.escape(tail))
    found: dict[str, str] = {}
    for path in sorted(root.glob(head + "WP-*" + tail)):
        relative = path.relative_to(root).as_posix()
        match = matcher.fullmatch(relative)
        if match and WP_ID_FULL.match(match.group("wp")) and path.is_file():
            found.setdefault(match.group("wp"), relative)
    return found


def load_refinements(layout: Layout, cache: ParseCache, profile: Profile, schemas: SchemaSet | None = None) -> tuple[dict[str, Refinement], list[ParseIssue]]:
    """Each WP's technical refinement: of the profile's places
    (``layout.refinement_files``), the first that holds a file for the WP,
    read by the reader of its format. Its encoding damage and signatures
    are not the packet's: the refinement is judged only through the packet
    it activates (PKT-020), so only a JSON refinement that does not parse
    reaches the PARSE rules (one issue at the file; the rest is read). A
    JSON refinement is a contract like the packet's: it is checked against
    the repository's schema for its ``schema_id`` (PKT-024, under the
    packet's id, so a closed packet's refinement is history)."""
    winners: dict[str, tuple[str, str]] = {}
    for place, form in refinement_places(layout, profile):
        for wp, relative in _found_at(layout.root, place).items():
            winners.setdefault(wp, (relative, form))
    found: dict[str, Refinement] = {}
    issues: list[ParseIssue] = []
    for wp in sorted(winners):
        relative, form = winners[wp]
        if _refusal(layout, relative):
            continue  # outside the root or too large: as unreadable, reported as missing where it is needed
        try:
            data = (layout.root / relative).read_bytes()
        except OSError:
            continue  # an unreadable refinement is reported as missing by the rule that needs it
        digest = hashlib.sha256(data).hexdigest()
        src = cache.get("source", RawFile(relative, data), digest, decode_raw)
        if form == "json":
            refinement, problems = cache.get(f"refinement_json:{profile.id}", src, digest, lambda text: parse_refinement_json(text, profile.refinement_fields))
            issues.extend(problems)
            if schemas is not None and schemas.schemas and not problems:
                issues.extend(cache.get(f"schema_issues:{schemas.digest}", src, digest, lambda text, wp=wp: _schema_issues(text, schemas, wp)))
        else:
            refinement = cache.get("refinement", src, digest, parse_refinement)
        found[wp] = refinement
    return found, issues


def _schema_issues(src: SourceText, schemas: SchemaSet, subject: str) -> tuple[ParseIssue, ...]:
    """A contract's failures of the repository's schema for its ``schema_id``
    (packet, micro-task or refinement contract alike)."""
    data, lines, _problems = read_json(src)
    return tuple(validate(src, data, lines, schemas, subject)) if data is not None else ()


def load_stub_files(layout: Layout, cache: ParseCache, profile: Profile) -> tuple[str, ...]:
    """The stub folder's file names; kept in the cache under their digest
    so that a stub added or removed changes the inputs digest (and the
    cached findings with it)."""
    folder = layout.root / profile.stubs if profile.stubs else None
    if folder is None or not folder.is_dir():
        return ()
    # One file per stub, the first pattern's when it has several (the
    # markdown beside its contract), the contract alone when that is all.
    chosen: dict[str, str] = {}
    for pattern in profile.stub_patterns:
        for path in sorted(folder.glob(pattern)):
            chosen.setdefault(stub_id(path.name), path.relative_to(layout.root).as_posix())
    names = tuple(sorted(chosen.values()))
    return cache.lookup("stub_files", profile.stubs, hashlib.sha256("\0".join(names).encode("utf-8")).hexdigest(), lambda: names)
