"""Protocol profiles: what one version of the orchestrator protocol asks for.

The governed repositories change their protocol every few weeks: fields are
added, sections dropped, clauses removed. Rule code therefore names no
protocol version. A profile (a YAML file, data only) says which packet
fields and sections exist and are required, how board sections map to a
packet's lifecycle, which rules apply and with which clause. The shipped
profiles sit beside this module; a user names their own file with the
``profile:`` option, usually starting from ``extends: <shipped id>``.

A profile is chosen per repository by :func:`choose_profile` from what the
repository itself says (its packet template's PACKET_FORMAT_VERSION, marker
words in its template and protocol text), so the same plugin version judges
an old snapshot by the old protocol and a new one by the new.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from ..option_checks import strict_date
from ...parse.contract import ContractMap
from ...parse.projection import ProjectionMap, Table
from ...parse.packet_labels import label_key

PROFILE_DIR = Path(__file__).parent
LIFECYCLES = ("active", "closed", "superseded", "stub", "legacy")
#: Packet readers, in the order a profile's ``layout.packet_readers`` may
#: name them (the repository's own resolution order): ``folder_markdown``
#: ``<WP_ID>/packet.md``, ``folder_contract`` ``<WP_ID>/packet.json``,
#: ``flat_markdown`` ``WP-*.md`` in the packets folder.
PACKET_READERS = ("folder_markdown", "folder_contract", "flat_markdown")
#: The formats a refinement file may be written in (``layout.refinement_files``).
REFINEMENT_FORMATS = ("markdown", "json")
#: What a ``layout.refinement_files`` path may name: the packets folder,
#: the profile's refinements folder and the WP id (required).
REFINEMENT_PLACEHOLDERS = ("packets", "refinements", "wp")
SCOPES = ("active", "all")
SEVERITIES = ("error", "warning")


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class RuleUse:
    """How a rule applies under a profile.

    ``scope`` ``active``: the fix is an edit of the packet, so only packets
    still in play are judged (signed history is immutable). ``all``: the fix
    lies outside the packet, or other packets rely on the fact. ``evidence``:
    phrases of which one must still be in the repository's protocol text."""

    clause: str
    scope: str = "active"
    evidence: tuple[str, ...] = ()
    #: The clause binds packets written before it entered the protocol too
    #: (by default a packet is judged by the clauses in force when it was
    #: created, as git dates them; see :mod:`mkdocs_handshake.load.git_history`).
    retroactive: bool = False


LOCK_KINDS = ("signature", "verdict")


@dataclass(frozen=True)
class Remedy:
    """How the protocol remedies a packet that may no longer be edited.

    ``locked_by``: what freezes a packet: ``signature`` (a lock field holds
    a signature, not a placeholder, that the audit does not mark INVALID)
    and/or ``verdict`` (a Validator verdict is appended to it). ``action``:
    what to do instead of editing it, with ``{wp}`` (the locked packet) and
    ``{next}`` (its next ``-vN`` revision) filled in. ``keep``: rules whose
    findings on a locked packet stay on their own (the workflow updates
    that part of a packet in place). Empty ``locked_by``: the protocol
    freezes nothing, and findings are reported one by one."""

    locked_by: tuple[str, ...] = ()
    action: str = ""
    clause: str = ""
    role: str = ""
    keep: tuple[str, ...] = ()
    #: Rules whose findings on a locked packet call for no revision: the
    #: state it was signed in (anchors pinned to the bundle current at
    #: signature, ORCH "Spec enrichment alone does not force -v2") or a
    #: later gate's check (the Validator's). Folded and listed, not counted.
    no_revision: tuple[str, ...] = ()
    #: How the protocol changes the spec itself (a new version, never the
    #: current file in place): appended to a finding whose fix is an edit
    #: of a spec file, so "renumber this heading" is not read as leave to
    #: edit the current version. Empty: the protocol says nothing of it.
    spec_edit: str = ""


DUPLICATE_MATCHES = ("place", "excerpt", "family")


@dataclass(frozen=True)
class Duplicate:
    """Two rules that report one defect: a finding of ``fold`` that matches
    one of ``keep`` on the same packet is named in that finding's details
    instead of standing on its own. ``same``: ``place`` (file, line and
    column), ``excerpt`` (file, subject and excerpt) or ``family`` (the
    subjects are one WP's work: a base id and its ``-vN`` revisions)."""

    keep: str
    fold: str
    same: str = "place"


@dataclass(frozen=True)
class CountLimit:
    field: str
    low: int
    high: int
    severity: str


@dataclass(frozen=True)
class Profile:
    id: str
    title: str
    source: str
    packet_format_from: str
    markers: tuple[str, ...]
    template_paths: tuple[str, ...]
    protocol_paths: tuple[str, ...]
    registry: str
    stubs: str
    fields: tuple[str, ...]
    required_fields: tuple[str, ...]
    required_sections: tuple[tuple[str, tuple[str, ...]], ...]
    counts: tuple[CountLimit, ...]
    lock_fields: tuple[str, ...]
    high_requires: tuple[str, ...]
    review_command: str
    spec_refs_in_packets: bool
    ascii_only: bool
    board_sections: tuple[tuple[str, str], ...]
    entry_tags: Mapping[str, str]
    status_lifecycle: Mapping[str, str]
    gate_required: Mapping[str, tuple[str, ...]]
    rules: Mapping[str, RuleUse] = field(default_factory=dict)
    # What the repository's own validators check and the protocol asks
    # for (issue 9): see the comments in handshake-2025-12.yaml.
    refinements: str = ""
    phase_sections: tuple[str, ...] = ()
    approval_marker: str = ""
    started_statuses: tuple[str, ...] = ()
    spec_reference: tuple[tuple[str, ...], ...] = ()
    manifest_section: str = ""
    manifest_fields: tuple[str, ...] = ()
    manifest_gates_field: str = ""
    manifest_gates: tuple[str, ...] = ()
    lineage_section: str = ""
    lineage_id_field: str = ""
    lineage_base_field: str = ""
    refinement_id_field: str = ""
    refinement_review_field: str = ""
    refinement_approved: tuple[str, ...] = ()
    refinement_signature_field: str = ""
    #: Refinement fields a refinement may leave out: judged only where written.
    refinement_optional: tuple[str, ...] = ()
    #: Where a WP's refinement is read, first present wins: (path with
    #: ``{packets}``, ``{refinements}`` and ``{wp}``, format). Without
    #: ``layout.refinement_files`` it is the refinements folder's
    #: ``{wp}.md``, the markdown era's one place.
    refinement_files: tuple[tuple[str, str], ...] = ()
    #: A JSON refinement's JSON paths per vocabulary name (``packet.refinement.fields``).
    refinement_fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    board_fixed_sections: tuple[str, ...] = ()
    board_entry_tags: tuple[tuple[str, tuple[str, ...]], ...] = ()
    board_no_stubs_in: tuple[str, ...] = ()
    #: File name patterns of a stub in ``stubs``, in the order that names
    #: the stub's file when it has several (June: ``WP-*.md`` beside its
    #: ``WP-*.contract.json``, or the contract alone).
    stub_patterns: tuple[str, ...] = ("WP-*.md",)
    #: Board lifecycles (of ``lifecycle.board_sections``) whose entries need
    #: no packet file: the era keeps them as inventory.
    board_inventory_only: tuple[str, ...] = ()
    gate_order: tuple[str, ...] = ()
    same_turn_seconds: float = 0.0
    claim_statuses: tuple[str, ...] = ()
    claim_fields: tuple[str, ...] = ()
    claim_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # How packets are found and read (issue 20): the readers in resolution
    # order, and the JSON contract field map of a contract era.
    packet_readers: tuple[str, ...] = ("flat_markdown",)
    contract: ContractMap = field(default_factory=ContractMap)
    #: Generated markdown projections of the contracts and the registry.
    projection: ProjectionMap = field(default_factory=ProjectionMap)
    remedy: Remedy = Remedy()
    duplicates: tuple[Duplicate, ...] = ()
    #: The gates a packet passes, in order, each a role's (``gates.order``),
    #: and the rules that are a later gate's check (``gates.rules``: role ->
    #: rule ids; a rule not listed is the first gate's).
    gate_roles: tuple[str, ...] = ()
    rule_roles: Mapping[str, str] = field(default_factory=dict)

    def evidence_phrases(self) -> tuple[str, ...]:
        """Every phrase whose presence in the protocol text this profile
        asks about: rule evidence and the review command."""
        phrases = {phrase for use in self.rules.values() for phrase in use.evidence}
        if self.review_command:
            phrases.add(self.review_command)
        return tuple(sorted(phrases))

    def tag_lifecycle(self, tag: str) -> str | None:
        """The lifecycle a board-entry tag means (``[SUPERSEDED]``,
        ``[OUTDATED ONLY]``), compared upper-case with spaces and dashes
        as underscores."""
        return self.entry_tags.get(re.sub(r"[\s\-]+", "_", tag.strip()).upper())

    def board_lifecycle(self, heading: str) -> str | None:
        folded = heading.casefold()
        for pattern, lifecycle in self.board_sections:
            if re.search(pattern, folded):
                return lifecycle
        return None


# libyaml's safe loader when PyYAML was built with it: the same documents,
# a fifth of the 0.15 s the pure-Python one took for the shipped profiles on
# every build.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def shipped() -> tuple[str, ...]:
    """Ids of the profiles shipped with the package, oldest first."""
    return tuple(sorted(path.stem for path in PROFILE_DIR.glob("*.yaml")))


def _read(reference: str, base: Path | None) -> tuple[dict[str, Any], str]:
    """The raw mapping of a profile by shipped id or by path."""
    candidate = PROFILE_DIR / f"{reference}.yaml"
    if not candidate.is_file():
        candidate = Path(reference) if base is None else base / reference
    try:
        text = candidate.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        known = ", ".join(shipped())
        raise ProfileError(f"profile {reference!r}: not a shipped profile ({known}) and not a readable file ({error})") from None
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        raise ProfileError(f"profile {candidate}: not valid YAML: {str(error).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"profile {candidate}: expected a mapping at the top")
    return data, candidate.as_posix() if candidate.parent != PROFILE_DIR else candidate.stem


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; anything else (lists included) replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolved(reference: str, base: Path | None, seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], str]:
    data, source = _read(reference, base)
    parent = data.get("extends")
    if parent:
        if parent in seen:
            raise ProfileError(f"profile {source}: 'extends' loops through {parent!r}")
        parent_data, _ = _resolved(str(parent), base, (*seen, reference))
        data = _merge(parent_data, {key: value for key, value in data.items() if key != "extends"})
    return data, source


def _strings(data: Any, where: str) -> tuple[str, ...]:
    if data is None:
        return ()
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        raise ProfileError(f"{where}: expected a list of strings")
    return tuple(data)


def _get(data: Mapping[str, Any], path: str, default: Any = None) -> Any:
    value: Any = data
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return default
        value = value[key]
    return value


@lru_cache(maxsize=32)
def load_profile(reference: str, base: str = "") -> Profile:
    """A profile by shipped id (``handshake-2026-02``) or by file path
    (relative to ``base``), with ``extends`` applied and every key checked."""
    data, source = _resolved(reference, Path(base) if base else None)
    where = f"profile {source}"
    if not isinstance(data.get("id"), str):
        raise ProfileError(f"{where}: 'id' is required")
    rules: dict[str, RuleUse] = {}
    for rule_id, use in (data.get("rules") or {}).items():
        if use == "off":  # a later era drops a rule its parent applies
            continue
        if not isinstance(use, Mapping) or not isinstance(use.get("clause"), str):
            raise ProfileError(f"{where}: rules.{rule_id}: needs a 'clause'")
        scope = use.get("scope", "active")
        if scope not in SCOPES:
            raise ProfileError(f"{where}: rules.{rule_id}.scope: {scope!r} is not one of {', '.join(SCOPES)}")
        retroactive = use.get("retroactive", False)
        if not isinstance(retroactive, bool):
            raise ProfileError(f"{where}: rules.{rule_id}.retroactive: expected true or false")
        rules[str(rule_id)] = RuleUse(use["clause"], scope, _strings(use.get("evidence"), f"{where}: rules.{rule_id}.evidence"), retroactive)
    sections = []
    for entry in _get(data, "packet.required_sections", []) or []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            raise ProfileError(f"{where}: packet.required_sections: each entry needs a 'name'")
        accept = _strings(entry.get("accept"), f"{where}: packet.required_sections.{entry['name']}.accept") or (entry["name"].casefold().replace("_", " "),)
        sections.append((entry["name"], tuple(word.casefold() for word in accept)))
    counts = []
    for entry in _get(data, "packet.counts", []) or []:
        try:
            limit = CountLimit(str(entry["field"]), int(entry["min"]), int(entry["max"]), str(entry.get("severity", "error")))
        except (KeyError, TypeError, ValueError):
            raise ProfileError(f"{where}: packet.counts: each entry needs field, min and max") from None
        if limit.severity not in SEVERITIES or limit.low > limit.high:
            raise ProfileError(f"{where}: packet.counts.{limit.field}: bad severity or min > max")
        counts.append(limit)
    board = []
    for entry in _get(data, "lifecycle.board_sections", []) or []:
        lifecycle = entry.get("lifecycle") if isinstance(entry, Mapping) else None
        if lifecycle not in LIFECYCLES:
            raise ProfileError(f"{where}: lifecycle.board_sections: lifecycle must be one of {', '.join(LIFECYCLES)}")
        try:
            re.compile(str(entry.get("match", "")))
        except re.error as error:
            raise ProfileError(f"{where}: lifecycle.board_sections: bad pattern {entry.get('match')!r}: {error}") from None
        board.append((str(entry["match"]), lifecycle))
    for mapping in ("lifecycle.entry_tags", "lifecycle.status"):
        for key, value in (_get(data, mapping, {}) or {}).items():
            if value not in LIFECYCLES:
                raise ProfileError(f"{where}: {mapping}.{key}: {value!r} is not one of {', '.join(LIFECYCLES)}")
    gate = {str(kind): _strings(keys, f"{where}: gate_log.required_keys.{kind}") for kind, keys in (_get(data, "gate_log.required_keys", {}) or {}).items()}
    spec_reference = []
    for index, group in enumerate(_get(data, "packet.spec_reference", []) or []):
        spec_reference.append(_strings(group, f"{where}: packet.spec_reference[{index}]"))
    entry_tags = []
    for entry in _get(data, "board.entry_tags", []) or []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("match"), str):
            raise ProfileError(f"{where}: board.entry_tags: each entry needs 'match' and 'tags'")
        _pattern(entry["match"], f"{where}: board.entry_tags")
        entry_tags.append((entry["match"], tuple(tag.upper() for tag in _strings(entry.get("tags"), f"{where}: board.entry_tags.tags"))))
    no_stubs_in = _strings(_get(data, "board.no_stubs_in"), f"{where}: board.no_stubs_in")
    for pattern in no_stubs_in:
        _pattern(pattern, f"{where}: board.no_stubs_in")
    try:
        same_turn = float(_get(data, "gate_log.same_turn_seconds", 0) or 0)
    except (TypeError, ValueError):
        raise ProfileError(f"{where}: gate_log.same_turn_seconds: expected a number of seconds") from None
    readers = _strings(_get(data, "layout.packet_readers"), f"{where}: layout.packet_readers") or ("flat_markdown",)
    unknown_readers = [name for name in readers if name not in PACKET_READERS]
    if unknown_readers:
        raise ProfileError(f"{where}: layout.packet_readers: {', '.join(unknown_readers)} not one of {', '.join(PACKET_READERS)}")
    remedy = _remedy(data, where)
    return Profile(
        id=data["id"],
        title=str(data.get("title", data["id"])),
        source=source,
        packet_format_from=str(_get(data, "detect.packet_format_from", "") or ""),
        markers=_strings(_get(data, "detect.markers"), f"{where}: detect.markers"),
        template_paths=_strings(_get(data, "layout.template"), f"{where}: layout.template"),
        protocol_paths=_strings(_get(data, "layout.protocol"), f"{where}: layout.protocol"),
        registry=str(_get(data, "layout.registry", "") or ""),
        stubs=str(_get(data, "layout.stubs", "") or ""),
        fields=_strings(_get(data, "packet.fields"), f"{where}: packet.fields"),
        required_fields=_strings(_get(data, "packet.required_fields"), f"{where}: packet.required_fields"),
        required_sections=tuple(sections),
        counts=tuple(counts),
        lock_fields=_strings(_get(data, "packet.lock_fields"), f"{where}: packet.lock_fields"),
        high_requires=_strings(_get(data, "packet.risk_tier.high_requires"), f"{where}: packet.risk_tier.high_requires"),
        review_command=str(_get(data, "packet.risk_tier.review_command", "") or ""),
        spec_refs_in_packets=bool(_get(data, "packet.spec_refs_in_packets", True)),
        ascii_only=bool(_get(data, "packet.ascii_only", False)),
        board_sections=tuple(board),
        entry_tags={str(key).upper(): value for key, value in (_get(data, "lifecycle.entry_tags", {}) or {}).items()},
        status_lifecycle={str(key).casefold(): value for key, value in (_get(data, "lifecycle.status", {}) or {}).items()},
        gate_required=gate,
        rules=rules,
        refinements=str(_get(data, "layout.refinements", "") or ""),
        phase_sections=_strings(_get(data, "packet.phase_gate.sections"), f"{where}: packet.phase_gate.sections"),
        approval_marker=str(_get(data, "packet.phase_gate.approval_marker", "") or ""),
        started_statuses=tuple(status.casefold() for status in _strings(_get(data, "packet.phase_gate.started_statuses"), f"{where}: packet.phase_gate.started_statuses")),
        spec_reference=tuple(spec_reference),
        manifest_section=str(_get(data, "packet.manifest.section", "") or ""),
        manifest_fields=_strings(_get(data, "packet.manifest.fields"), f"{where}: packet.manifest.fields"),
        manifest_gates_field=str(_get(data, "packet.manifest.gates_field", "") or ""),
        manifest_gates=_strings(_get(data, "packet.manifest.gates"), f"{where}: packet.manifest.gates"),
        lineage_section=str(_get(data, "packet.lineage.section", "") or ""),
        lineage_id_field=str(_get(data, "packet.lineage.id_field", "") or ""),
        lineage_base_field=str(_get(data, "packet.lineage.base_field", "") or ""),
        refinement_id_field=str(_get(data, "packet.refinement.id_field", "") or ""),
        refinement_review_field=str(_get(data, "packet.refinement.review_field", "") or ""),
        refinement_approved=tuple(value.upper() for value in _strings(_get(data, "packet.refinement.approved"), f"{where}: packet.refinement.approved")),
        refinement_signature_field=str(_get(data, "packet.refinement.signature_field", "") or ""),
        refinement_optional=_strings(_get(data, "packet.refinement.optional"), f"{where}: packet.refinement.optional"),
        refinement_files=_refinement_files(data, where),
        refinement_fields=_field_map(_get(data, "packet.refinement.fields"), f"{where}: packet.refinement.fields"),
        board_fixed_sections=_strings(_get(data, "board.fixed_sections"), f"{where}: board.fixed_sections"),
        board_entry_tags=tuple(entry_tags),
        board_no_stubs_in=no_stubs_in,
        stub_patterns=_strings(_get(data, "layout.stub_files"), f"{where}: layout.stub_files") or ("WP-*.md",),
        board_inventory_only=_strings(_get(data, "board.inventory_only"), f"{where}: board.inventory_only"),
        gate_order=tuple(kind.upper() for kind in _strings(_get(data, "gate_log.order"), f"{where}: gate_log.order")),
        same_turn_seconds=same_turn,
        claim_statuses=tuple(status.casefold() for status in _strings(_get(data, "packet.claim.statuses"), f"{where}: packet.claim.statuses")),
        claim_fields=_strings(_get(data, "packet.claim.fields"), f"{where}: packet.claim.fields"),
        claim_values={str(name): _strings(values, f"{where}: packet.claim.values.{name}") for name, values in (_get(data, "packet.claim.values", {}) or {}).items()},
        packet_readers=readers,
        contract=_contract_map(data, where),
        projection=_projection_map(data, where),
        remedy=remedy,
        duplicates=_duplicates(data, where),
        gate_roles=_strings(_get(data, "gates.order"), f"{where}: gates.order"),
        rule_roles=_rule_roles(data, where),
    )


def _refinement_files(data: Mapping[str, Any], where: str) -> tuple[tuple[str, str], ...]:
    """``layout.refinement_files``: ``[{path, format}, ...]`` in resolution
    order; by default the refinements folder's ``{wp}.md`` in markdown."""
    entries = _get(data, "layout.refinement_files")
    if entries is None:
        return (("{refinements}/{wp}.md", "markdown"),) if _get(data, "layout.refinements") else ()
    if not isinstance(entries, list):
        raise ProfileError(f"{where}: layout.refinement_files: expected a list of {{path, format}}")
    found = []
    for entry in entries:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("path"), str) or entry.get("format") not in REFINEMENT_FORMATS:
            raise ProfileError(f"{where}: layout.refinement_files: each entry needs a 'path' and a 'format' ({', '.join(REFINEMENT_FORMATS)})")
        names = re.findall(r"\{([^{}]*)\}", entry["path"])
        if "wp" not in names or any(name not in REFINEMENT_PLACEHOLDERS for name in names):
            raise ProfileError(f"{where}: layout.refinement_files: {entry['path']!r} must name {{wp}} and may name only {', '.join('{' + name + '}' for name in REFINEMENT_PLACEHOLDERS)}")
        found.append((entry["path"], entry["format"]))
    return tuple(found)


def _rule_roles(data: Mapping[str, Any], where: str) -> dict[str, str]:
    order = _strings(_get(data, "gates.order"), f"{where}: gates.order")
    roles: dict[str, str] = {}
    for role, rules in (_get(data, "gates.rules", {}) or {}).items():
        if role not in order:
            raise ProfileError(f"{where}: gates.rules.{role}: not one of gates.order ({', '.join(order) or 'empty'})")
        for rule_id in _strings(rules, f"{where}: gates.rules.{role}"):
            roles[rule_id] = str(role)
    return roles


def _duplicates(data: Mapping[str, Any], where: str) -> tuple[Duplicate, ...]:
    found = []
    for entry in _get(data, "duplicates", []) or []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("keep"), str) or not isinstance(entry.get("fold"), str):
            raise ProfileError(f"{where}: duplicates: each entry needs 'keep' and 'fold' (rule ids)")
        same = entry.get("same", "place")
        if same not in DUPLICATE_MATCHES:
            raise ProfileError(f"{where}: duplicates.{entry['fold']}.same: {same!r} is not one of {', '.join(DUPLICATE_MATCHES)}")
        found.append(Duplicate(entry["keep"], entry["fold"], same))
    return tuple(found)


def _remedy(data: Mapping[str, Any], where: str) -> Remedy:
    """The profile's ``remedy`` block, checked: a lock kind must be known
    and a freezing protocol must say what to do instead of an edit."""
    locked_by = _strings(_get(data, "remedy.locked_by"), f"{where}: remedy.locked_by")
    unknown = [kind for kind in locked_by if kind not in LOCK_KINDS]
    if unknown:
        raise ProfileError(f"{where}: remedy.locked_by: {', '.join(map(repr, unknown))} is not one of {', '.join(LOCK_KINDS)}")
    action = str(_get(data, "remedy.action", "") or "")
    if locked_by and not action:
        raise ProfileError(f"{where}: remedy.action: needed when remedy.locked_by names what locks a packet")
    try:
        action.format(wp="", next="", stubs="", registry="")
    except (KeyError, IndexError, ValueError) as error:
        raise ProfileError(f"{where}: remedy.action: only {{wp}}, {{next}}, {{stubs}} and {{registry}} may be filled in ({error})") from None
    return Remedy(
        locked_by=locked_by,
        action=action,
        clause=str(_get(data, "remedy.clause", "") or ""),
        role=str(_get(data, "remedy.role", "") or ""),
        keep=_strings(_get(data, "remedy.keep"), f"{where}: remedy.keep"),
        no_revision=_strings(_get(data, "remedy.no_revision"), f"{where}: remedy.no_revision"),
        spec_edit=str(_get(data, "remedy.spec_edit", "") or ""),
    )


def _field_map(data: Any, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``{VOCABULARY_NAME: [json.path, ...]}`` as sorted pairs."""
    if data is None:
        return ()
    if not isinstance(data, Mapping):
        raise ProfileError(f"{where}: expected a mapping of field name to JSON paths")
    return tuple(sorted((str(name), _strings(paths if isinstance(paths, list) else [paths], f"{where}.{name}")) for name, paths in data.items()))


def _contract_map(data: Mapping[str, Any], where: str) -> ContractMap:
    """The profile's ``contract`` section (empty for a markdown era)."""
    return ContractMap(
        schema_ids=_strings(_get(data, "contract.schema_ids"), f"{where}: contract.schema_ids"),
        authority_key=str(_get(data, "contract.authority_key", "contract_authority") or "contract_authority"),
        primary=_strings(_get(data, "contract.primary"), f"{where}: contract.primary"),
        fields=_field_map(_get(data, "contract.fields"), f"{where}: contract.fields"),
        microtask_schema_ids=_strings(_get(data, "contract.microtasks.schema_ids"), f"{where}: contract.microtasks.schema_ids"),
        microtask_fields=_field_map(_get(data, "contract.microtasks.fields"), f"{where}: contract.microtasks.fields"),
        registry_schema_ids=_strings(_get(data, "contract.registry_schema_ids"), f"{where}: contract.registry_schema_ids"),
        live_statuses=tuple(status.casefold() for status in _strings(_get(data, "contract.live_statuses"), f"{where}: contract.live_statuses")),
        working_statuses=tuple(status.casefold() for status in _strings(_get(data, "contract.working_statuses"), f"{where}: contract.working_statuses")),
        schemas=_strings(_get(data, "contract.schemas"), f"{where}: contract.schemas"),
        templates=_strings(_get(data, "contract.templates"), f"{where}: contract.templates"),
        checks=_strings(_get(data, "contract.checks"), f"{where}: contract.checks"),
        acceptance_rows=str(_get(data, "contract.acceptance.rows", "") or ""),
        acceptance_fields=_field_map(_get(data, "contract.acceptance.fields"), f"{where}: contract.acceptance.fields"),
        acceptance_closed=tuple(status.upper() for status in _strings(_get(data, "contract.acceptance.closed"), f"{where}: contract.acceptance.closed")),
        acceptance_by_reason=tuple(status.upper() for status in _strings(_get(data, "contract.acceptance.by_reason"), f"{where}: contract.acceptance.by_reason")),
    )


def _projection_map(data: Mapping[str, Any], where: str) -> ProjectionMap:
    """The profile's ``projection`` section (empty before the contract era)."""
    tables = []
    for index, table in enumerate(_get(data, "projection.registry.tables", []) or []):
        at = f"{where}: projection.registry.tables[{index}]"
        if not isinstance(table, Mapping) or not table.get("list") or not table.get("header"):
            raise ProfileError(f"{at}: each table needs 'list', 'header' and 'columns'")
        defaults = table.get("defaults") or {}
        if not isinstance(defaults, Mapping):
            raise ProfileError(f"{at}.defaults: expected a mapping of column to text")
        tables.append(Table(str(table["list"]), str(table["header"]).strip(), _strings(table.get("columns"), f"{at}.columns"), tuple((str(key), str(value)) for key, value in defaults.items())))
    return ProjectionMap(
        contracts=_strings(_get(data, "projection.contracts"), f"{where}: projection.contracts"),
        section=str(_get(data, "projection.section", "markdown_projection") or "markdown_projection"),
        in_sync=_strings(_get(data, "projection.in_sync"), f"{where}: projection.in_sync"),
        command=str(_get(data, "projection.command", "") or ""),
        command_file=str(_get(data, "projection.command_file", "") or ""),
        command_rebuilds=_strings(_get(data, "projection.command_rebuilds"), f"{where}: projection.command_rebuilds"),
        registry_path_key=str(_get(data, "projection.registry.path_key", "") or ""),
        registry_policy_key=str(_get(data, "projection.registry.policy_key", "") or ""),
        registry_generated=_strings(_get(data, "projection.registry.generated"), f"{where}: projection.registry.generated"),
        registry_command=str(_get(data, "projection.registry.command", "") or ""),
        registry_tables=tuple(tables),
    )


def _pattern(pattern: str, where: str) -> None:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ProfileError(f"{where}: bad pattern {pattern!r}: {error}") from None


@dataclass(frozen=True)
class Evidence:
    """What a repository says about its own protocol version."""

    template_file: str = ""
    template_labels: frozenset[str] = frozenset()  # label keys (see parse.packets.label_key)
    packet_format_version: str = ""
    protocol_text: str = ""  # case-folded protocol and template text


def _format_date(text: str) -> dt.date | None:
    """The first real ``YYYY-MM-DD`` date written in ``text``."""
    match = re.search(r"\d{4}-\d{2}-\d{2}", text)
    return strict_date(match.group(0)) if match else None


def choose_profile(evidence: Evidence) -> tuple[Profile, str, bool]:
    """``(profile, why, certain)``: the newest shipped profile the evidence
    points to. ``certain`` is False when the repository says nothing that
    tells a version apart; the oldest profile is used then, and the caller
    reports it (one finding, never a silent guess)."""
    profiles = [load_profile(name) for name in shipped()]
    profiles.sort(key=lambda profile: profile.packet_format_from)
    stamped = _format_date(evidence.packet_format_version)
    for profile in reversed(profiles):
        start = _format_date(profile.packet_format_from)
        if stamped and start and stamped >= start:
            return profile, f"{evidence.template_file} stamps PACKET_FORMAT_VERSION {evidence.packet_format_version}", True
        found = [marker for marker in profile.markers if marker.casefold() in evidence.protocol_text or label_key(marker) in evidence.template_labels]
        if found:
            return profile, f"the repository's template or protocol names {', '.join(found)}", True
    oldest = profiles[0]
    if evidence.template_file or evidence.protocol_text:
        return oldest, "the template and protocol name none of the later profiles' markers", True
    return oldest, "no packet template or protocol text was found", False
