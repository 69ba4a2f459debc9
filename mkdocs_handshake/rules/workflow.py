"""Workflow gates the repository's own validators check, made from the
protocol: the coder's phase gate, the packet text and manifest the 2026
protocol asks for, the refinement a packet is activated from, and the
board / registry / stub facts of activation.

What each checks (section names, field labels, board sections and tags)
comes from the profile; these functions only know how to compare. Rules
that ask for an edit of the packet run on active packets (the profile
gives them scope ``active``); board and registry rules judge every entry,
since their fix lies outside signed history.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterator

from ..findings.finding import Finding
from ..protocol.lifecycle import contract_is_live
from ..model.basics import Lifecycle, Loc
from ..model.packet import Packet
from ..model.ids import WP_ID_FULL, stub_id
from ..model.records import TextFacts
from ..parse.board import normalise_tag
from ..parse.packet_labels import label_key
from .base import Rule, rule
from .context import RuleContext

_REVISION = re.compile(r"-v(\d+)$", re.IGNORECASE)
_WP_TOKEN = re.compile(r"WP-[A-Za-z0-9][\w.-]*[A-Za-z0-9]")
_PLACEHOLDER = re.compile(r"^(?:$|<[^>]*>$|\{[^}]*\}$|tbd$|n/?a$|pending$)", re.IGNORECASE)


def _facts(ctx: RuleContext, packet: Packet) -> TextFacts:
    return ctx.model.text_facts.get(packet.file) or TextFacts()


def _judged(ctx: RuleContext, packet: Packet) -> bool:
    """Rules of scope ``active`` are filtered by the engine; this spares
    their work on history (and keeps them right when called directly)."""
    return ctx.history or packet.lifecycle is Lifecycle.ACTIVE


def _heading(packet: Packet, name: str) -> tuple[str, int, Loc] | None:
    """The first level-2 heading that names the section: its words, then
    nothing or a bracketed note ("LINEAGE_AUDIT (ALL VERSIONS) [CX-580E]"
    is the section LINEAGE_AUDIT (ALL VERSIONS); "BOOTSTRAP (Coder Work
    Plan)" is BOOTSTRAP; "VALIDATION REPORT" is not VALIDATION)."""
    for heading in packet.headings:
        if heading[1] == 2 and names_section(heading[0], name):
            return heading
    return None


def names_section(heading: str, name: str) -> bool:
    wanted, written = label_key(name), label_key(heading)
    if not written.startswith(wanted):
        return False
    rest = written[len(wanted):].strip()
    return not rest or rest[0] in "([{"


def _template_has(ctx: RuleContext, name: str) -> bool:
    """Whether the repository's template has the section (True without a
    template: the profile is all there is to go by)."""
    info = ctx.model.protocol
    if info is None or not info.template_sections:
        return True
    return any(names_section(section, name) for section in info.template_sections)


def _value(facts: TextFacts, name: str) -> str:
    found = facts.label(label_key(name))
    return found[2].strip().strip("`").strip() if found else ""


def _filled(value: str) -> bool:
    first = value.split("(")[0].strip().strip("`").strip()
    return not _PLACEHOLDER.match(first)


# --------------------------------------------------------------------------
# Packet rules (scope active)
# --------------------------------------------------------------------------


@rule("PKT-015", "error", "Work follows the phase gate: BOOTSTRAP, then SKELETON, then approval")
def phase_gate(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """CODER_PROTOCOL [CX-GATE-001] Binary Phase Gate: BOOTSTRAP, then the
    packet's SKELETON section with the proposed contracts, and only after
    the Validator's "SKELETON APPROVED" the implementation. Judged once
    work has begun: the STATUS says so, or the packet records the
    approval. A section the profile requires of every packet is PKT-003's.
    The sections stand in the template's order. The approval itself is
    issued in the hand-off, so neither its absence from the packet nor its
    place in the file is a finding: a file position is not a time."""
    profile = ctx.profile
    assert profile is not None
    if not profile.phase_sections:
        return
    required = [name for name, _ in profile.required_sections]
    for packet in ctx.model.packets:
        if not _judged(ctx, packet):
            continue
        facts = _facts(ctx, packet)
        approval = next((loc for marker, loc in facts.markers if marker == profile.approval_marker), None)
        started = packet.status.value in profile.started_statuses or approval is not None
        found = [(name, _heading(packet, name)) for name in profile.phase_sections if _template_has(ctx, name)]
        missing = [name for name, heading in found if heading is None and not any(names_section(name, other) for other in required)]
        if started and missing:
            why = f"is {packet.status_raw or packet.status.value}" if approval is None else f"records '{profile.approval_marker}' (line {approval.line})"
            yield rule.finding(
                f"{packet.id} {why} but has no '## {missing[0]}' section; "
                f"record the {' and '.join(missing)} phase{'s' if len(missing) > 1 else ''} in the packet before implementing",
                packet.status_or_head_loc if approval is None else approval,
                (packet.status_raw or packet.id) if approval is None else profile.approval_marker,
                packet.id,
            )
            continue
        present = [(name, heading) for name, heading in found if heading is not None]
        for (_, first), (_, second) in zip(present, present[1:]):
            if second[2].line < first[2].line:
                yield rule.finding(
                    f"'## {second[0]}' (line {second[2].line}) comes before '## {first[0]}' (line {first[2].line}); "
                    f"the template orders the phases {' -> '.join(profile.phase_sections)}",
                    second[2],
                    second[0],
                    packet.id,
                )
                break


@rule("PKT-016", "error", "Packets are ASCII-only")
def ascii_only(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """ORCHESTRATOR_PROTOCOL "Deterministic Manifest & Gate (COR-701)":
    "Packets must stay ASCII-only" (the manifest is hashed byte for byte).
    One finding per packet: how many lines, and the first ones."""
    profile = ctx.profile
    assert profile is not None
    if not profile.ascii_only:
        return
    for packet in ctx.model.packets:
        if not _judged(ctx, packet):
            continue
        facts = _facts(ctx, packet)
        if not facts.non_ascii_lines:
            continue
        loc, line = facts.non_ascii_first[0]
        character = line[loc.column - 1]
        others = [str(other.line) for other, _ in facts.non_ascii_first[1:]]
        if facts.non_ascii_lines > len(facts.non_ascii_first):
            others.append("...")
        more = ""
        if facts.non_ascii_lines > 1:
            count = facts.non_ascii_lines - 1
            more = f" (and {count} more line{'s' if count > 1 else ''}: {', '.join(others)})"
        yield rule.finding(
            f"{packet.id} has non-ASCII text: {character!r} (U+{ord(character):04X}) at line {loc.line}{more}; "
            "write it in ASCII (-> for an arrow, 'Section' or the number alone for a section sign, straight quotes)",
            loc,
            line[loc.column - 1 :].strip(),
            packet.id,
        )


@rule("PKT-017", "error", "The Validation section keeps the deterministic manifest template")
def manifest_template(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """ORCHESTRATOR_PROTOCOL "Deterministic Manifest & Gate (current
    workflow, COR-701 discipline)": "Every task packet MUST keep the
    deterministic manifest template in ## Validation (target_file,
    start/end, line_delta, pre/post SHA1, gates checklist)". The labels and
    gates are the template's (profile ``packet.manifest``). A packet
    without the section at all is PKT-003's finding."""
    profile = ctx.profile
    assert profile is not None
    if not profile.manifest_section:
        return
    for packet in ctx.model.packets:
        if not _judged(ctx, packet):
            continue
        heading = _heading(packet, profile.manifest_section)
        if heading is None:
            continue
        facts = _facts(ctx, packet)
        in_section = {key for section, key, _, _ in facts.labels if names_section(section, profile.manifest_section)}
        missing = [name for name in profile.manifest_fields if label_key(name) not in in_section]
        listed = {label_key(item) for section, item, _, _ in facts.checklist if names_section(section, profile.manifest_section)}
        gates = [gate for gate in profile.manifest_gates if label_key(gate) not in listed]
        if profile.manifest_gates_field and label_key(profile.manifest_gates_field) in {label_key(name) for name in missing}:
            gates = []  # the checklist itself is missing: named once, with the fields
        if not missing and not gates:
            continue
        parts = []
        if missing:
            parts.append(f"no {', '.join(missing)}")
        if gates:
            parts.append(f"its {profile.manifest_gates_field or 'gates'} checklist lacks {', '.join(gates)}")
        yield rule.finding(
            f"'## {heading[0]}' of {packet.id} has {' and '.join(parts)}; copy the manifest template into it",
            heading[2],
            heading[0],
            packet.id,
        )


@rule("PKT-018", "error", "A -vN revision carries its lineage audit and its base id")
def lineage(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """ORCHESTRATOR_PROTOCOL [CX-580E]: a revision packet (WP_ID ending in
    -vN) "MUST" include ``## LINEAGE_AUDIT (ALL VERSIONS)``, and its
    BASE_WP_ID is the WP_ID without the -vN (template METADATA). A packet
    that is not a revision needs neither."""
    profile = ctx.profile
    assert profile is not None
    if not profile.lineage_section:
        return
    for packet in ctx.model.packets:
        if not _judged(ctx, packet) or not _REVISION.search(packet.id):
            continue
        base = _REVISION.sub("", packet.id)
        problems = []
        if _heading(packet, profile.lineage_section) is None:
            problems.append(f"has no '## {profile.lineage_section}' section")
        facts = _facts(ctx, packet)
        where = packet.head_loc
        excerpt = packet.title
        if profile.lineage_base_field:
            written = facts.label(label_key(profile.lineage_base_field))
            token = _WP_TOKEN.search(written[2]) if written else None
            if written is None:
                problems.append(f"has no {profile.lineage_base_field} (it is {base})")
            elif token is None or token.group(0) != base:
                problems.append(f"says {profile.lineage_base_field} {token.group(0) if token else written[2]!r}, not {base}")
                where, excerpt = written[3], written[2]
        if problems:
            yield rule.finding(f"revision packet {packet.id} {' and '.join(problems)}", where, excerpt, packet.id)


@rule("PKT-019", "error", "The packet names the spec it is held to")
def spec_reference(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Template METADATA / AUTHORITY: SPEC_BASELINE (the spec the packet
    was written against) and SPEC_TARGET (the spec it closes against);
    packets of the older format name SPEC_CURRENT. One of the profile's
    ``packet.spec_reference`` groups must be written in full."""
    profile = ctx.profile
    assert profile is not None
    if not profile.spec_reference:
        return
    for packet in ctx.model.packets:
        if not _judged(ctx, packet):
            continue
        facts = _facts(ctx, packet)
        if any(all(_filled(_value(facts, name)) for name in group) for group in profile.spec_reference):
            continue
        first = profile.spec_reference[0]
        missing = [name for name in first if not _filled(_value(facts, name))]
        others = " or ".join("+".join(group) for group in profile.spec_reference[1:])
        yield rule.finding(
            f"{packet.id} does not name its spec: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing or empty"
            + (f" (and it names no {others})" if others else ""),
            packet.head_loc,
            packet.title,
            packet.id,
        )


def lock_signature(ctx: RuleContext, packet: Packet) -> str:
    """The signature that locks a packet as written in one of the
    profile's lock fields ("" when none is written)."""
    profile = ctx.profile
    assert profile is not None
    if packet.signature.strip():
        return packet.signature.strip()
    facts = _facts(ctx, packet)
    for name in profile.lock_fields:
        value = _value(facts, name)
        if value:
            return value.split()[0]
    return ""


@rule("PKT-020", "error", "An active packet has its approved, signed refinement")
def refinement(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """ORCHESTRATOR_PROTOCOL activation rule: "in-chat Technical Refinement
    Block -> USER_SIGNATURE -> docs/refinements/WP-*.md -> just
    create-task-packet". The refinement file (the packet's REFINEMENT_FILE,
    else the first of the profile's refinement places that holds one:
    from May 2026 the typed ``<WP_ID>/refinement.json``, which wins over its
    markdown projection) exists, is the WP's, records the user's approval
    and the signature that locks the packet. A refinement that is there but
    could not be read is its parse finding's, not this rule's."""
    profile = ctx.profile
    assert profile is not None
    if not profile.refinements or not profile.refinement_review_field:
        return
    places = ctx.model.refinement_places or (f"{profile.refinements}/{{wp}}.md",)
    for packet in ctx.model.packets:
        if not _judged(ctx, packet):
            continue
        facts = _facts(ctx, packet)
        named = facts.label(label_key("REFINEMENT_FILE"))
        path = named[2].strip("`").split()[0] if named and named[2].strip("`").strip() else ""
        where = named[3] if named else packet.head_loc
        found = ctx.model.refinements.get(_refinement_wp(path) if path else packet.id)
        if found is None:
            looked = path or " or ".join(place.replace("{wp}", packet.id) for place in places)
            yield rule.finding(f"{packet.id} has no refinement file {looked}; record the refinement before the packet", where, named[2] if named else packet.title, packet.id)
            continue
        if not found.read:
            continue
        # A field the profile lets a refinement leave out is judged only
        # where the refinement has it (packet.refinement.optional).
        judged = [name for name in (profile.refinement_id_field, profile.refinement_review_field, profile.refinement_signature_field) if name and (name not in profile.refinement_optional or found.has(name))]
        problems = []
        if profile.refinement_id_field in judged and found.value(profile.refinement_id_field) != packet.id:
            problems.append(f"its {profile.refinement_id_field} is {found.value(profile.refinement_id_field) or 'missing'}")
        review = found.value(profile.refinement_review_field)
        if profile.refinement_review_field in judged and review.split(" ")[0].upper() not in profile.refinement_approved:
            problems.append(f"{profile.refinement_review_field} is {review or 'missing'}, not {' or '.join(profile.refinement_approved)}")
        signed = found.value(profile.refinement_signature_field) if profile.refinement_signature_field else ""
        lock = lock_signature(ctx, packet)
        if profile.refinement_signature_field in judged and not _filled(signed):
            problems.append(f"it has no {profile.refinement_signature_field}")
        elif lock and signed and signed.split()[0] != lock:
            problems.append(f"it is signed {signed.split()[0]} but the packet is locked with {lock}")
        if problems:
            at = next((name for name in (profile.refinement_review_field, profile.refinement_signature_field, profile.refinement_id_field) if found.has(name)), profile.refinement_review_field)
            yield rule.finding(f"refinement {found.file} of {packet.id}: {'; '.join(problems)}", found.loc(at), found.value(at), packet.id)


def _refinement_wp(path: str) -> str:
    """The WP a named refinement file is of: its stem (``WP-1-A.md``) or,
    for a file inside a packet folder (``WP-1-A/refinement.json``), the folder."""
    parts = path.rstrip("/").split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    return stem if WP_ID_FULL.match(stem) or len(parts) < 2 else parts[-2]


@rule("PKT-021", "error", "A packet in progress names the coder's model and reasoning strength")
def claim(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """CODER_PROTOCOL: "At start: set the task packet **Status:** In
    Progress, fill CODER_MODEL + CODER_REASONING_STRENGTH" (the board's In
    Progress line stays minimal; the claim lives in the packet). Fields and
    vocabularies are the profile's ``packet.claim``."""
    profile = ctx.profile
    assert profile is not None
    if not profile.claim_fields:
        return
    for packet in ctx.model.packets:
        if not _judged(ctx, packet) or packet.status.value not in profile.claim_statuses:
            continue
        facts = _facts(ctx, packet)
        problems = []
        for name in profile.claim_fields:
            value = _value(facts, name)
            if not _filled(value):
                problems.append(f"{name} is {value.split('(')[0].strip() or 'missing'}")
                continue
            allowed = profile.claim_values.get(name)
            if allowed and label_key(value.split("(")[0]) not in {label_key(word) for word in allowed}:
                problems.append(f"{name} {value!r} is not one of {' | '.join(allowed)}")
        if problems:
            yield rule.finding(
                f"{packet.id} is {packet.status_raw or packet.status.value} but {'; '.join(problems)}; the coder fills the claim when work starts",
                packet.status_or_head_loc,
                packet.status_raw or packet.id,
                packet.id,
            )


# --------------------------------------------------------------------------
# Board and registry rules (scope all)
# --------------------------------------------------------------------------


@rule("BOARD-007", "error", "The board keeps its fixed sections and each entry records its state")
def board_sections(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """ORCHESTRATOR_PROTOCOL "Board Integrity": the 5 fixed sections exist
    even when empty, and an entry of Done records its verdict
    (VALIDATED / FAIL / OUTDATED_ONLY), of In Progress its state, of the
    Superseded archive SUPERSEDED (profile ``board``)."""
    profile = ctx.profile
    assert profile is not None
    board = ctx.model.board
    if board is None or not (profile.board_fixed_sections or profile.board_entry_tags):
        return
    headings = [_bare_heading(raw) for raw, _, _ in board.columns]
    for name in profile.board_fixed_sections:
        if _bare_heading(name) not in headings:
            yield rule.finding(f"the board has no '## {name}' section; keep the fixed sections, even empty", Loc(board.file, 1), name, board.file)
    for entry in board.entries:
        heading = entry.column_raw.strip().casefold()
        for pattern, tags in profile.board_entry_tags:
            if not re.search(pattern, heading):
                continue
            allowed = {normalise_tag(tag) for tag in tags}
            if not allowed & set(entry.tags):
                yield rule.finding(
                    f"{entry.wp} under '{entry.column_raw}' records no {' / '.join(tags)}; write '- **[{entry.wp}]** - [{tags[0]}]'",
                    entry.loc,
                    entry.wp,
                    entry.wp,
                )
            break


def _bare_heading(text: str) -> str:
    """A board heading compared without case or bracketed notes, so
    'Stub Backlog (Not Activated)' and 'Superseded (Archive)' are told
    apart by their words."""
    return re.sub(r"\s+", " ", text).strip().casefold()


@rule("BOARD-008", "error", "Stubs stay in the stub folder and out of Ready for Dev and In Progress")
def stubs(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """ORCHESTRATOR_PROTOCOL [CX-585C] Work Packet Stubs: "Stubs MUST live
    in docs/task_packets/stubs/" and "MUST NOT be handed off to
    Coder/Validator": a stub is never listed where work is handed off
    (profile ``board.no_stubs_in``) before it is activated into an official
    packet."""
    profile = ctx.profile
    assert profile is not None
    if not profile.stubs:
        return
    for packet in ctx.model.packets:
        if packet.lifecycle is Lifecycle.STUB and not (ctx.applies("BOARD-010") and contract_is_live(packet, profile)):
            # (a live contract the board files as a stub is BOARD-010's: the
            # contract is the authority, the board entry is what is stale)
            yield rule.finding(
                f"{packet.id} is a stub ({packet.lifecycle_reason}) but lives in {packet.file.rsplit('/', 1)[0]}; "
                f"stubs live in {profile.stubs}/ until activated",
                packet.head_loc,
                packet.title,
                packet.id,
            )
    if ctx.model.board is None or not profile.board_no_stubs_in:
        return
    stub_ids = {stub_id(path) for path in ctx.model.stub_files}
    for entry in ctx.model.board.entries:
        heading = entry.column_raw.strip().casefold()
        if not any(re.search(pattern, heading) for pattern in profile.board_no_stubs_in):
            continue
        tagged = normalise_tag("STUB") in entry.tags
        if (entry.wp in stub_ids and ctx.packet(entry.wp) is None) or tagged:
            yield rule.finding(
                f"{entry.wp} is listed under '{entry.column_raw}' but is only a stub; activate it (refinement, signature, packet) first",
                entry.loc,
                entry.wp,
                entry.wp,
            )


@rule("BOARD-009", "error", "The registry maps each base WP to its one active packet")
def registry(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """ORCHESTRATOR_PROTOCOL [CX-585C]: "If a Base WP has multiple packets
    (or a stub + official packet), the Base WP -> Active Packet mapping
    MUST be recorded in docs/WP_TRACEABILITY_REGISTRY.md". One row per
    base, naming a packet that exists, is official once activated, and is
    not still a stub on the board. (That older revisions are archived on
    the board is BOARD-006.)"""
    profile = ctx.profile
    assert profile is not None
    if not profile.registry:
        return
    rows = ctx.model.registry.rows if ctx.model.registry else ()
    by_base = defaultdict(list)
    for row in rows:
        by_base[row.base].append(row)
    stub_ids = {stub_id(path): path for path in ctx.model.stub_files}
    families: dict[str, set[str]] = defaultdict(set)  # base -> packet and stub files
    for packet in ctx.model.packets:
        families[_REVISION.sub("", packet.id)].add(packet.file)
    for stub, path in stub_ids.items():
        families[_REVISION.sub("", stub)].add(path)
    registry_file = ctx.model.registry.file if ctx.model.registry else profile.registry
    for base, files in sorted(families.items()):
        if len(files) < 2:
            continue  # one packet (or one stub): nothing to choose between
        found = by_base.get(base, [])
        if not found:
            yield rule.finding(
                f"{base} has several packets ({', '.join(sorted(files))}) but no row in {registry_file}; record which one is active",
                Loc(registry_file, 1),
                base,
                base,
            )
            continue
        for extra in found[1:]:
            yield rule.finding(f"{base} has a second row (first at line {found[0].loc.line}); one active packet per base", extra.loc, base, base)
        row = found[0]
        active = row.active
        if not active:
            if not row.active_file:  # a history row names what was superseded: the base is closed, not unmapped
                yield rule.finding(f"the row of {base} names no active packet", row.loc, base, base)
            continue
        is_stub_path = bool(profile.stubs) and row.active_file.startswith(profile.stubs.rstrip("/") + "/")
        official = ctx.packet(active)
        if is_stub_path and official is not None:
            yield rule.finding(f"{base} still points to the stub {row.active_file} but the official packet {official.file} exists", row.loc, row.active_file, base)
        elif official is None and active not in stub_ids:
            yield rule.finding(f"{base}: the active packet {active} has no file", row.loc, active, base)
        elif official is not None and official.lifecycle is Lifecycle.STUB:
            yield rule.finding(f"{active} is the active packet of {base} but the board still lists it as a stub", row.loc, active, base)
