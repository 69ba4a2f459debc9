"""Loading a governance repository into a :class:`GovernanceModel`.

This is the only stage that touches the file system. It reads every
governance file through :func:`~mkdocs_handshake.repository.source.read_source` (so
damaged encodings are repaired and recorded), hands each to its parser, and
assembles the model. A file that cannot be read becomes a PARSE-001 issue,
never an exception: the rules decide what that means for the build.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

from ..protocol.contract_schemas import defined_properties, find_schemas
from ..parse.contract import read_as
from ..repository.discover import discover_layout
from ..repository.layout import Layout
from ..protocol.lifecycle import with_lifecycles
from ..model.governance import GovernanceModel
from ..model.basics import Loc, ParseIssue
from ..model.packet import Packet
from ..model.records import Registry, TextFacts
from ..model.spec import Spec, SpecPointer
from .packet_sources import folder_named_by_registry, packet_sources
from ..parse.audit import parse_audit
from ..parse.gate_log import parse_gate_log
from ..parse.markdown import tokenize
from ..parse.spec_pointer import parse_spec_pointer
from ..runtime.progress import SILENT, Progress
from .spec_bundle import load_bundle, manifest_modules, sibling_bundles
from .file_reader import Collector
from .governance_files import (
    load_board,
    load_protocol_file,
    load_registry,
    load_source,
    load_spec,
    load_refinements,
    refinement_places,
    load_stub_files,
    signature_uses_in,
)
from .link import link
from .parse_ahead import parse_in_two_processes
from .parse_cache import ParseCache
from .protocol_evidence import read_protocol_evidence
from .spec_files import OutsideRoot, anchored_document_ids, find_entrypoint, find_spec_file, find_protocol_files, find_sibling_specs, is_markdown_name




def load_repo(
    layout: Layout, cache: ParseCache | None = None, progress: Progress = SILENT, *, mappings: bool = True, warm: Sequence[Callable[[], object]] = (),
) -> GovernanceModel:
    """Read and parse every governance file under ``layout.root``;
    ``progress`` hears how many packets are done during a long parse.
    ``mappings=False`` leaves the DONE_MEANS mappings for :func:`link_cached`
    to add later (the plugin maps in its second process, see on_files).
    ``warm``: work the caller needs next, done while this process waits
    for the one that parses the largest files (see
    :func:`.parse_ahead.parse_in_two_processes`)."""
    cache = cache if cache is not None else ParseCache()
    cache.used = set()
    cache.fresh = set()
    layout, ambiguities = discover_layout(layout)
    out = Collector(layout, cache)
    for problem in ambiguities:
        option = problem.split(":", 1)[0]
        out.issues.append(ParseIssue("PARSE-001", Loc(getattr(layout, option), 1), problem, getattr(layout, option), getattr(layout, option)))
    mentions: list[tuple[str, Loc]] = []
    claims: list[tuple[str, Loc, str]] = []
    checklist: list[tuple[str, Loc, str, bool]] = []

    protocol, profile = read_protocol_evidence(out, layout)
    registry: Registry | None = None
    if profile.registry:
        registry = load_registry(out, profile)

    pointer: SpecPointer | None = None
    spec: Spec | None = None
    spec_file: str | None = None
    sibling_specs: tuple[tuple[str, str], ...] = ()
    manifest_file: str | None = None
    parsed_pointer = out.parse(layout.spec_current, "spec_current", parse_spec_pointer, what="SPEC_CURRENT file")
    if parsed_pointer and parsed_pointer[0] is not None:
        pointer, src = parsed_pointer
        out.uses.extend(out.derived("signature_uses", src, signature_uses_in))
        named = pointer.distinct_spec_names()
        if pointer.format == "json":
            entry = find_entrypoint(out, layout, pointer)
            spec_file, manifest_file = (entry, None) if entry is not None and is_markdown_name(entry) else (None, entry)
        elif len(named) == 1:
            (name, loc), = named
            outside = False
            try:
                spec_file = find_spec_file(layout, name, layout.spec_current)
            except OutsideRoot:
                outside = True
                out.issues.append(ParseIssue("PARSE-001", loc, f"SPEC_CURRENT names {name}, which is outside the root folder; it is not read", name, name))
            if spec_file is None and not outside:
                out.issues.append(ParseIssue("PARSE-001", loc, f"SPEC_CURRENT names {name}, which does not exist under the root", name, name))

    if not (layout.root / layout.packets).is_dir() and layout.packets == Layout.packets:
        found = folder_named_by_registry(layout.root, registry)
        layout = replace(layout, packets=found) if found else layout
    markers = (profile.approval_marker,) if profile.approval_marker else ()
    packet_dir = layout.root / layout.packets
    sources, _empty_folders = packet_sources(layout.root, layout.packets, profile.packet_readers)
    packet_files = [source.markdown for source in sources if source.markdown]
    governance_files = {layout.spec_current, layout.task_board, layout.signature_audit}
    protocol_files = find_protocol_files(layout, governance_files)
    module_files = manifest_modules(out, manifest_file) if manifest_file else []
    parse_in_two_processes(layout, cache, spec_file, packet_files, protocol_files, markers, progress, module_files, embedding=mappings, warm=warm)

    if spec_file is not None:
        spec, spec_uses = load_spec(out, spec_file)
        out.uses.extend(spec_uses)
        sibling_specs = find_sibling_specs(layout, spec_file)
    elif manifest_file is not None:
        spec = load_bundle(out, manifest_file, pointer)
        for module in spec.bundle.modules if spec is not None and spec.bundle is not None else ():
            if module.path in out.sources:  # the signatures a module carries, as a single spec's
                out.uses.extend(out.derived("signature_uses", out.sources[module.path], signature_uses_in))
        sibling_specs = sibling_bundles(layout.root, manifest_file)

    packets: list[Packet] = []
    facts: dict[str, TextFacts] = {}
    if not packet_dir.is_dir():
        out.issues.append(ParseIssue("PARSE-001", Loc(layout.packets, 1), f"the configured packets folder {layout.packets} does not exist", layout.packets, layout.packets))
    schemas = find_schemas(layout.root, profile.contract.schemas) if profile.contract.schemas else None
    out.issues.extend(schemas.problems if schemas else ())
    if schemas is not None and protocol is not None:
        protocol = replace(
            protocol,
            # the micro-task schemas the profile reads, later versions included (see read_as)
            schema_properties=defined_properties(schemas, tuple(key for key in schemas.schemas if read_as(key, profile.contract.microtask_schema_ids))),
            schema_files=tuple((schema_id, file) for schema_id, (file, _schema) in sorted(schemas.schemas.items())),
        )
    for done, source in enumerate(sources):
        progress.tick(done, len(sources))
        loaded = load_source(out, source, profile, markers, schemas)
        if loaded is None:
            continue
        packet, uses, packet_mentions, packet_claims, packet_facts = loaded
        packets.append(packet)
        out.uses.extend(uses)
        mentions.extend(packet_mentions)
        claims.extend(packet_claims)
        facts[packet.file] = packet_facts

    board, board_claims, board_checklist = load_board(out, required=True)
    claims.extend(board_claims)
    checklist.extend(board_checklist)

    parsed_audit = out.parse(layout.signature_audit, "audit", parse_audit, what="signature audit log")
    audit = parsed_audit[0] if parsed_audit else None

    parsed_gates = out.parse(layout.gate_log, "gate_log", parse_gate_log, what="gate log", required=False)
    gate_events = parsed_gates[0] if parsed_gates else ()

    for relative in protocol_files:
        protocol_uses, protocol_mentions = load_protocol_file(out, relative)
        out.uses.extend(protocol_uses)
        mentions.extend(protocol_mentions)

    refinements, refinement_issues = load_refinements(layout, out.cache, profile, schemas)
    out.issues.extend(refinement_issues)
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
        document_ids=anchored_document_ids(out, packets),
        protocol=protocol,
        registry=registry,
        text_facts=facts,
        refinements=refinements,
        refinement_places=tuple(place for place, _form in refinement_places(layout, profile)),
        stub_files=load_stub_files(layout, out.cache, profile),
    )
    model = with_lifecycles(model, profile)
    # The last files' tokens are kept for the parsers that read a file
    # twice in a row; past the load they only cost memory (the 2.7 MB spec
    # is 150,000 objects every later collection of the build walks).
    tokenize.cache_clear()
    return link(model, cache, out.digests) if mappings else model
