"""Rules of the contract era: what the JSON packet contract, the board and
the registry must agree on, and what a packet's micro-tasks must hold.

From May 2026 the repository's packet template says that ``packet.json`` is
"the authoritative lifecycle truth" and that ``TASK_BOARD.md`` and
``WP_TRACEABILITY_REGISTRY.md`` "are projections and must reconcile to the
contract". These rules judge only packets read from a contract, so earlier
eras (markdown packets) never meet them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterator

from ..findings.finding import Finding, Severity
from ..load.git_history import last_changed
from ..model.ids import variant_base
from ..protocol.lifecycle import contract_is_live
from ..analysis.microtasks import cycle, one_sided, outside_scope, ref_ids, unknown_refs
from ..model.records import BoardEntry, RegistryRow
from ..model.basics import Lifecycle, Status
from ..model.verdicts import latest_verdict
from ..model.packet import Packet
from .base import Rule, packet_rule, rule
from .context import PacketScope, RuleContext
from .contract_drift import Drift, drift_of, rejected_value, schema_rule_at, stamp, written_value
from .parse import issues_for


def _contract_packets(ctx: RuleContext) -> Iterator[Packet]:
    for packet in ctx.model.packets:
        if any(item.authority == "contract" for item in packet.files):
            yield packet


def _registry_row(ctx: RuleContext, packet: Packet) -> RegistryRow | None:
    rows = ctx.model.registry.rows if ctx.model.registry else ()
    base = variant_base(packet.id)
    return next((row for row in rows if row.base == base), None) or next((row for row in rows if row.base == packet.id), None)


def _board_places(ctx: RuleContext, packet: Packet) -> list[tuple[BoardEntry, str]]:
    """The packet's board entries and the lifecycle each records."""
    profile = ctx.profile
    if ctx.model.board is None or profile is None:
        return []
    placed = []
    for entry in ctx.model.board.entries:
        if entry.wp != packet.id:
            continue
        lifecycle = profile.board_lifecycle(entry.column_raw)
        for tag in entry.tags:
            lifecycle = profile.tag_lifecycle(tag) or lifecycle
        if lifecycle:
            placed.append((entry, lifecycle))
    return placed


@rule("BOARD-010", "error", "The board and the registry agree with the packet contract on a live packet")
def contract_projections_agree(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Packet template (contract era): "packet.json is the authoritative
    lifecycle truth; TASK_BOARD.md, WP_TRACEABILITY_REGISTRY.md ... are
    projections and must reconcile to the contract". A contract that says
    the packet is in progress or blocked (the profile's
    ``contract.live_statuses``) while the board files it elsewhere (Done,
    Superseded, a stub) or the registry names another packet as its base's
    active one is a disagreement. One finding per packet, at the contract's
    status, naming all three sources; the fix is to close the contract or
    reconcile the projections, whichever is stale. A packet that is on no
    board at all is BOARD-001's. A packet the board archives as superseded
    while the registry names a newer active packet is no disagreement: the
    registry protocol marks supersession on the board, never in the packet,
    and superseded packets are immutable history (not caught up)."""
    profile = ctx.profile
    if profile is None:
        return
    for packet in _contract_packets(ctx):
        if not contract_is_live(packet, profile):
            continue
        places = _board_places(ctx, packet)
        off_board = [(entry, lifecycle) for entry, lifecycle in places if lifecycle != "active"]
        row = _registry_row(ctx, packet)
        other_active = row is not None and row.active and row.active != packet.id
        if not off_board and not other_active:
            continue
        if other_active and any(lifecycle == "superseded" for _, lifecycle in places):
            # Both projections agree another packet replaced it: its
            # contract keeps the status it had when superseded, immutable
            # history (WP_TRACEABILITY_REGISTRY: "Superseded packets are
            # immutable history; do not catch them up").
            continue
        if places:
            board = "; ".join(f"the board files it under '{entry.column_raw}'{' ' + ' '.join(f'[{tag}]' for tag in entry.tags) if entry.tags else ''} ({entry.loc})" for entry, _ in places)
        else:
            board = f"the board does not list it ({ctx.model.board.file})" if ctx.model.board else "there is no board"
        if row is None:
            registry = "the registry has no row for its base"
        elif row.active:
            registry = f"the registry names {row.active} as the active packet of {row.base} ({row.loc})"
        else:
            registry = f"the registry records {row.base} as history with no active packet ({row.loc})"
        yield rule_.finding(
            f"the contract of {packet.id} says {packet.status_raw!r} (live), but {board}, and {registry}; "
            "close the contract if the packet is history, or reconcile the board and registry to it",
            packet.status_or_head_loc, packet.status_raw, packet.id,
        )


#: How many examples a folded finding names before "and N more".
_EXAMPLES = 5


def _one_sided_text(dependent: str, prerequisite: str, missing: str) -> str:
    if missing == "blocks":
        return f"{dependent} depends on {prerequisite}, but {prerequisite}'s blocks does not name {dependent}"
    return f"{prerequisite} blocks {dependent}, but {dependent}'s depends_on does not name {prerequisite}"


def _some(items: list[str]) -> str:
    shown = ", ".join(items[:_EXAMPLES])
    return shown + (f" and {len(items) - _EXAMPLES} more" if len(items) > _EXAMPLES else "")


def _reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    seen: set[str] = set()
    stack = [start]
    while stack:
        node = stack.pop()
        for following in edges.get(node, ()):
            if following == goal:
                return True
            if following not in seen:
                seen.add(following)
                stack.append(following)
    return False


def _unimplied(packet: Packet, pairs: list) -> list:
    """The one-sided edges the other end does not imply. A micro-task's
    ``blocks`` may list every task downstream of it, and its
    ``depends_on`` only the direct prerequisites (or the other way round):
    "MT-001 blocks MT-003" agrees with MT-003 depending on MT-002, which
    depends on MT-001. Only an edge the other end's own order does not
    reach is a disagreement about the order."""
    depends = {task.id: {name for name, _ in ref_ids(task.depends_on)} for task in packet.micro_tasks}
    blocks = {task.id: {name for name, _ in ref_ids(task.blocks)} for task in packet.micro_tasks}
    kept = []
    for pair in pairs:
        dependent, prerequisite, missing = pair[0], pair[1], pair[2]
        if missing == "depends_on" and _reaches(depends, dependent, prerequisite):
            continue
        if missing == "blocks" and _reaches(blocks, prerequisite, dependent):
            continue
        kept.append(pair)
    return kept


def _mirror_recorded(scope: PacketScope, packet: Packet) -> bool:
    """Whether the repository records both ends of a micro-task edge: its
    own micro-task schema (the profile's field map says where each end
    sits) defines a ``depends_on`` and a ``blocks`` property. When the
    schema defines only one, the repository's tools order by that one and
    the other is an unread note, so an edge missing from it changes no
    order. Without a schema for the micro-tasks nothing says: both are
    held to each other."""
    defined = frozenset(scope.protocol.schema_properties) if scope.protocol else frozenset()
    fields = dict(scope.profile.contract.microtask_fields) if scope.profile.contract else {}
    for schema_id in sorted({task.schema_id for task in packet.micro_tasks if task.schema_id}):
        if not any(entry.startswith(schema_id + " ") for entry in defined):
            continue
        for name in ("Depends on", "Blocks"):
            if not any(f"{schema_id} {path}" in defined for path in fields.get(name, ())):
                return False
    return True


@packet_rule("PKT-022", "error", "Micro-task dependencies stay inside the packet, agree on both ends and have no cycle")
def microtask_dependencies(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Micro-task contract schema (``lifecycle.depends_on``, ``blocks``)
    and the protocols' per-MT order ("the coder may advance one next
    declared MT"): a packet's micro-tasks are worked in dependency order, so
    every id they name must be a micro-task of the packet, an edge written
    on one end must be on the other when that end writes its edges at all
    and the repository's micro-task schema defines both ends, and the
    order must have no cycle. One finding per packet and cause,
    naming the first few cases."""
    unknown = unknown_refs(packet)
    if unknown:
        task, name, ref = unknown[0]
        yield rule_.finding(
            f"micro-tasks of {packet.id} name micro-tasks the packet does not have: "
            f"{_some([f'{task.id} -> {name}' for task, name, _ in unknown])}; fix the ids or add the micro-task contracts",
            ref.loc, ref.wp, packet.id,
        )
    pairs = _unimplied(packet, one_sided(packet)) if _mirror_recorded(scope, packet) else []
    if pairs:
        written = pairs[0][3]
        yield rule_.finding(
            f"micro-task dependencies of {packet.id} are written on one end only: "
            f"{_some([_one_sided_text(a, b, end) for a, b, end, _ in pairs])}; write each edge on both ends",
            written.loc, written.wp, packet.id,
        )
    loop = cycle(packet)
    if loop:
        first = next(task for task in packet.micro_tasks if task.id == loop[0])
        yield rule_.finding(
            f"micro-tasks of {packet.id} depend on each other in a cycle ({' -> '.join(loop)}); no order can satisfy it",
            first.loc, first.id, packet.id,
        )


@packet_rule("PKT-023", "error", "Each micro-task's scope lies inside its packet's allowed paths")
def microtask_scope(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Packet contract ``scope.allowed_paths`` is what the coder may change
    for the whole packet (Part 3.5 IN_SCOPE_PATHS); a micro-task is a part
    of that work, so its own ``scope.allowed_paths`` cannot reach beyond
    it. Entries that are not paths from the root (prose, a bare file name,
    another worktree's ``../`` path) are not judged. One finding per
    packet, at the first entry outside, naming the first few."""
    outside = outside_scope(packet)
    if not outside:
        return
    task, item = outside[0]
    yield rule_.finding(
        f"micro-task scope of {packet.id} reaches outside the packet's allowed paths: "
        f"{_some([f'{task.id} {item.text}' for task, item in outside])}; widen the packet's scope.allowed_paths or narrow the micro-task",
        item.loc, item.source or item.text, packet.id,
    )


def _drift(ctx: RuleContext) -> Drift | None:
    cmap = ctx.profile.contract if ctx.profile else None
    if cmap is None or not (cmap.templates or cmap.checks):
        return None
    return drift_of(ctx.model.root, cmap.templates, cmap.schemas, cmap.checks, stamp(ctx.model.root, cmap.templates + cmap.schemas + cmap.checks))


def _behind(drift: Drift | None, cause: str, message: str, practice: tuple[str, str] = ("", "")) -> str:
    """Which side a live contract's schema failure puts behind, as the
    repository's own check or template says; "" when neither says.

    ``practice`` is (verdict, evidence) when the contract follows a practice
    newer than the schema: it writes a value the repository's own check
    accepts and the schema rejects (a JSON-first contract that opts out of
    its markdown projection). The template was made for the schema's
    practice, so it does not judge this contract; the other live contracts
    of that practice do (see :func:`_practice_verdicts`)."""
    side, evidence = drift.side(cause, message) if drift else ("", "")
    if side == "schema":
        return f"; {evidence}, so the schema is behind: update the schema"
    if side == "template":
        return "; the repository's contract template fails it too: bring the schema and template into line"
    verdict, evidence = practice
    if side == "contract" and verdict == "schema":
        return f"; every live contract of the newer practice {evidence} fails this check too, so the schema is behind that practice: update the schema"
    if side == "contract" and verdict == "peer":
        return f"; the repository's template agrees with the schema here, and {evidence}, so the contract is behind: fix the contract"
    if side == "contract" and verdict == "open":
        return (f"; the template agrees with the schema, but this contract follows a practice the schema predates ({evidence}): "
                "if that practice writes it this way, update the schema for it; otherwise fix the contract")
    if side == "contract":
        return "; the repository's template agrees with the schema here, so the contract is behind: fix the contract"
    return ""


def _practice_verdicts(drift: Drift | None, by_packet: dict[tuple[str, str], list]) -> dict[tuple[str, str], tuple[str, str]]:
    """(packet, cause) -> how the live contracts that follow a practice
    newer than the schema judge a failure of that practice's contracts.

    A contract is of the newer practice when it writes a value the
    repository's own check accepts and its schema rejects. For a failure of
    such contracts: when every contract of that practice and schema, in at
    least two packets, fails it too, the practice leaves it out and the
    schema is behind (``"schema"``); when some of them pass, they show the
    practice keeps it and the template's verdict stands, with the first
    that passes named (``"peer"``); with one packet of that practice
    there is no telling (``"open"``)."""
    practice: dict[str, tuple[str, str]] = {}  # file -> (schema id, evidence)
    failing: dict[str, set[str]] = {}  # cause -> files
    packet_of: dict[str, str] = {}
    for (subject, cause), group in by_packet.items():
        for issue in group:
            failing.setdefault(cause, set()).add(issue.loc.file)
            packet_of[issue.loc.file] = subject
            value = rejected_value(issue.message) if drift else ""
            where = drift.accepted_by_check(value) if drift and value else ""
            if where:
                practice.setdefault(issue.loc.file, (cause.split(" ", 1)[0], f"its own check accepts {value!r} ({where})"))
    verdicts: dict[tuple[str, str], tuple[str, str]] = {}
    for (subject, cause), group in by_packet.items():
        files = {issue.loc.file for issue in group}
        if not files <= practice.keys():
            continue
        schema_id = cause.split(" ", 1)[0]
        peers = {file for file, (schema, _) in practice.items() if schema == schema_id}
        evidence = practice[group[0].loc.file][1]
        passing = sorted(peers - failing.get(cause, set()))
        if passing:
            verdicts[(subject, cause)] = ("peer", f"{passing[0]}, a contract of the same newer practice ({evidence}), satisfies it")
            continue
        packets = {packet_of[file] for file in peers}
        verdicts[(subject, cause)] = ("schema", f"({len(peers)} in {len(packets)} packets; {evidence})") if len(packets) > 1 else ("open", evidence)
    return verdicts


def _history_note(drift: Drift | None, cause: str, message: str, live_causes: set[str]) -> str | None:
    """Why a fold of closed contracts is worth a maintainer's time, or None
    when it is not: ORCH forbids mutating a locked historical packet
    "merely to make modern gates green", so a fold is reported only when
    the schema is what to fix (a check accepts the value, the template
    fails it too, or live contracts fail it and no template sides with the
    schema); when the template agrees with the schema the closed contracts
    are merely behind, and live ones are reported per packet."""
    if drift is None:
        return "Fix the schema or migrate these contracts together"
    side, evidence = drift.side(cause, message)
    if side == "schema":
        return f"{evidence}, so the schema is behind: update the schema; the closed packets stay as they are"
    if side == "template":
        return "the repository's contract template fails it too: the schema and template disagree; bring the one that is behind into line, the closed packets stay as they are"
    if side == "" and cause in live_causes:
        return "live contracts fail it too (reported per packet) and the template does not side with the schema: the schema disagrees with current practice; fix the schema, not the closed packets"
    return None


def _outgrown(by_packet: dict[tuple[str, str], list]) -> dict[str, dict[str, list[str]]]:
    """The ``const``/``enum`` causes the practice has outgrown: live
    contracts of two or more packets fail it, writing two or more values
    of their own, so there is no one value the contracts drift from and
    the schema fixes what is in fact chosen per packet (June: every packet
    born after the import writes its own ``red_team.profile``, the schema
    still pins the import's label). Cause -> value -> packets writing it."""
    written: dict[str, dict[str, set[str]]] = {}
    for (subject, cause), group in by_packet.items():
        if cause.rsplit(" ", 1)[-1] not in ("const", "enum"):
            continue
        for issue in group:
            value = written_value(issue.excerpt)
            if value is not None:
                written.setdefault(cause, {}).setdefault(value, set()).add(subject)
    return {
        cause: {value: sorted(packets) for value, packets in values.items()}
        for cause, values in written.items()
        if len(values) > 1 and len(set().union(*values.values())) > 1
    }


def _outgrown_finding(rule_: Rule, ctx: RuleContext, drift: Drift | None, cause: str, written: dict[str, list[str]], by_packet: dict) -> Finding | None:
    """One finding at the schema's ``const``/``enum`` the live contracts
    have outgrown (see :func:`_outgrown`): ORCH asks the schema to follow
    the practice and non-Coder roles to fix machine-readability drift by
    updating schemas, so the fix is the schema's, not each contract's. A
    warning about the schema, its subject the cause, as the folds are."""
    cmap = ctx.profile.contract if ctx.profile else None
    schema_id, dotted, keyword = (cause.split(" ") + ["", "", ""])[:3]
    place = schema_rule_at(ctx.model.root, cmap.schemas, schema_id, dotted, keyword) if cmap else None
    if place is None:
        return None
    packets = sorted({packet for names in written.values() for packet in names})
    contracts = sum(len(group) for (subject, each), group in by_packet.items() if each == cause)
    shown = ", ".join(f"{value!r} ({', '.join(names)})" for value, names in sorted(written.items())[:_EXAMPLES])
    more = f" and {len(written) - _EXAMPLES} more" if len(written) > _EXAMPLES else ""
    pinned = f"pins {dotted} to {place.value!r}" if keyword == "const" else f"allows only {place.value!r} at {dotted}"
    side, _evidence = drift.side(cause, "") if drift else ("", "")
    template = "; the contract template still carries the schema's value: update it with the schema" if side == "contract" else ""
    return rule_.finding(
        f"{place.loc.file} {pinned}, but {contracts} live contract(s) of {len(packets)} packets write their own values instead, "
        f"{len(written)} different ones: {shown}{more}. The practice has moved on from the schema: update the schema to the practice "
        f"(the value each packet chooses), not the contracts{template}",
        place.loc, place.excerpt, cause, severity=Severity.WARNING,
    )


def _schema_newer(ctx: RuleContext) -> Callable[[str, list[str]], str]:
    """``note(cause, contract files)``: says when git shows the schema of
    ``cause`` changed after the contracts were written (the issue asks the
    finding to say when the schema is newer than the contract): the
    contract then follows the schema of its day, and either it is migrated
    or the schema's change was not meant for contracts already written.
    "" outside git, or when the dates do not show it."""
    dates = ctx.dates
    by_id = dict(ctx.model.protocol.schema_files) if ctx.model.protocol else {}
    if dates is None or not by_id:
        return lambda cause, files: ""
    changed = last_changed(Path(ctx.model.root), sorted(by_id.values())) or {}

    def note(cause: str, files: list[str]) -> str:
        schema_file = by_id.get(cause.split(" ", 1)[0], "")
        when = changed.get(schema_file)
        written = [day for day in (dates.created.get(file) for file in files) if day is not None]
        if when is None or not written or max(written) >= when:
            return ""
        which = "this contract was" if len(files) == 1 else f"these {len(files)} contracts were"
        return (
            f"; the schema is newer than the contract: {schema_file} last changed on {when.isoformat()} (git), after {which} "
            f"written (by {max(written).isoformat()}), so migrate the contract to it, or keep the schema's change from contracts already written"
        )

    return note


@rule("PKT-024", "error", "Contracts match the repository's own JSON Schemas")
def contract_schema(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """The repository's JSON Schemas (``roles_shared/schemas``, matched to
    a contract by its ``schema_id``) define what a packet or micro-task
    contract must hold; its own Node checks do not apply them to packets or
    micro-tasks. A failure in a live packet's contracts is reported per
    packet and cause at the failing key, saying which side is behind when
    the repository's own check or template tells (see
    :mod:`.contract_drift`). Contracts of closed, superseded or unlisted
    packets are history that ORCH says not to mutate "merely to make modern
    gates green": they fold into one warning per schema and cause, and only
    when the schema disagrees with the template or with live contracts
    (then the schema or template is what to fix). A ``const`` or ``enum``
    that live contracts of several packets fail with values of their own,
    differing among themselves, is one finding at the schema's keyword:
    the practice outgrew it (ORCH: the schema changes with the practice)."""
    issues = issues_for(ctx.model, "PKT-024")
    if not issues:
        return
    live = {packet.id for packet in ctx.model.packets if packet.lifecycle is Lifecycle.ACTIVE} | (
        {packet.id for packet in ctx.model.packets} if ctx.history else set()
    )
    drift = _drift(ctx)
    by_packet: dict[tuple[str, str], list] = {}
    history: dict[str, list] = {}
    for issue in issues:
        if issue.subject in live:
            by_packet.setdefault((issue.subject, issue.label), []).append(issue)
        else:
            history.setdefault(issue.label, []).append(issue)
    outgrown = _outgrown(by_packet)
    newer = _schema_newer(ctx)
    for cause, written in sorted(outgrown.items()):
        finding = _outgrown_finding(rule_, ctx, drift, cause, written, by_packet)
        if finding is not None:
            yield finding
        else:
            del outgrown[cause]  # the schema's rule is not found: report per packet
    practices = _practice_verdicts(drift, by_packet)
    for (subject, cause), group in sorted(by_packet.items()):
        if cause in outgrown:
            continue
        first = group[0]
        behind = _behind(drift, cause, first.message, practices.get((subject, cause), ("", ""))) + newer(cause, sorted({issue.loc.file for issue in group}))
        if len(group) == 1:
            yield rule_.finding(first.message + behind, first.loc, first.excerpt, subject)
            continue
        yield rule_.finding(
            f"{len(group)} contracts of {subject} fail the same schema check ({cause}); first: {first.message}{behind}",
            first.loc, first.excerpt, subject,
        )
    live_causes = {cause for _, cause in by_packet}
    for cause, group in sorted(history.items()):
        if cause in outgrown:
            continue  # told on the schema, where the fix is
        note = _history_note(drift, cause, group[0].message, live_causes)
        if note is None:
            continue
        files = sorted({issue.loc.file for issue in group})
        first = group[0]
        yield rule_.finding(
            f"{len(files)} contract(s) of packets that are not live fail the same schema check ({cause}); "
            f"first: {first.message}. {note[0].upper() + note[1:]}",
            first.loc, first.excerpt, cause, severity=Severity.WARNING,
        )


_PASS_WORD = re.compile(r"(?:^|[^A-Z])PASS(?:ED)?(?:$|[^A-Z])")


def _closed_on_pass(packet: Packet) -> str:
    """What says the packet is closed on a PASS: its latest verdict, or its
    contract status (VALIDATED, or a status that writes PASS/PASSED, as
    June's PASSED_INTEGRATION_VALIDATION_V3); "" when nothing does."""
    if latest_verdict(packet) == "PASS":
        return "its latest verdict is PASS"
    if packet.status is Status.VALIDATED or _PASS_WORD.search(packet.status_raw.upper()):
        return f"its status is {packet.status_raw.strip()!r}"
    return ""


@packet_rule("PKT-026", "error", "A PASS closes a packet only on resolved acceptance rows")
def acceptance_rows_resolved(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """ORCHESTRATOR_PROTOCOL (June 2026): "PASS closure is illegal while
    any required acceptance row remains PENDING, STEER, or BLOCKED. Rows
    must resolve to PROVED, CONFIRMED, or NOT_APPLICABLE with concrete
    evidence or reason"; INTEGRATION_VALIDATOR_PROTOCOL reads the matrix
    before PASS. So a packet closed on a PASS whose required rows are open,
    or closed without the evidence (or, for NOT_APPLICABLE, the reason)
    that resolves them, was closed against the protocol: the Validator
    proves the rows or withdraws the PASS. Rows still open while the work
    goes on are not a defect. Where the rows are and which statuses close
    them is the profile's ``contract.acceptance``. One finding per packet,
    at its first offending row."""
    cmap = scope.profile.contract
    if cmap is None or not packet.acceptance_rows:
        return
    closed = _closed_on_pass(packet)
    if not closed:
        return
    required = [row for row in packet.acceptance_rows if row.required]
    still_open = [row for row in required if row.status.upper() not in cmap.acceptance_closed]
    unbacked = [
        row for row in required
        if row.status.upper() in cmap.acceptance_closed and not (row.reason if row.status.upper() in cmap.acceptance_by_reason else row.evidence)
    ]
    if not still_open and not unbacked:
        return
    parts = []
    if still_open:
        shown = [f"{row.id} {row.status}" if row.status else f"{row.id} (no status)" for row in still_open]
        parts.append(f"{len(still_open)} required acceptance row(s) still open ({_some(shown)})")
    if unbacked:
        parts.append(f"{len(unbacked)} closed without the evidence or reason that resolves them ({_some([f'{row.id} {row.status}' for row in unbacked])})")
    first = (still_open or unbacked)[0]
    resolved = ", ".join(status for status in cmap.acceptance_closed if status not in cmap.acceptance_by_reason)
    by_reason = ", ".join(cmap.acceptance_by_reason)
    yield rule_.finding(
        f"{packet.id} is closed on a PASS ({closed}) but has {' and '.join(parts)}; a PASS may not close it until every required "
        f"row is {resolved} with evidence" + (f" or {by_reason} with a reason" if by_reason else "") + ": prove the rows, or withdraw the PASS",
        first.status_loc, first.status, packet.id,
    )
