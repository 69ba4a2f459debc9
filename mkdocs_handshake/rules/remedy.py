"""Remedies: a packet the protocol forbids editing is not asked for edits.

The protocol locks a packet with the user's signature and appends the
Validator's verdicts to it; from then on it is history ("Once locked,
packet is immutable", "Signed packets are immutable; create new variants").
Rules whose fix is an edit of the packet (profile ``scope: active``) are
still true of such a packet, but each proposes the one action the protocol
rules out, and all of them answer to one action: a new revision. This
module says which packets are locked (from the profile's ``remedy`` block),
what their next revision is called and whether it already exists, and
folds their per-field findings into one finding that names the remedy and
keeps the defects as its ``parts`` (what the new revision must fix).

The REMEDY-001 rule is unlike the others in one way: what it judges is
the other rules' findings. The engine runs it after them and hands it,
in the context's options under :data:`EDIT_FINDINGS`, the findings whose
fix is an edit of a packet; it answers with one finding per locked packet,
and the engine drops the findings it folded (their ``parts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from typing import TYPE_CHECKING, Iterator

from ..findings.finding import Finding, Severity
from ..model.ids import stub_id, variant_of
from ..model.governance import GovernanceModel
from ..model.basics import Lifecycle, Loc
from ..model.packet import Packet
from ..parse.signatures import explain_signature
from ..protocol.profiles import Profile, Remedy
from .base import Rule, rule
from .pkt_lock import unsigned

if TYPE_CHECKING:  # pragma: no cover - import only for type checkers
    from .context import RuleContext

RULE_ID = "REMEDY-001"
#: Key of :attr:`RuleContext.options` under which the engine hands this
#: rule the findings of the rules whose fix is an edit of a packet.
EDIT_FINDINGS = "remedy.edit_findings"


@dataclass(frozen=True)
class Lock:
    """Why a packet may no longer be edited: ``how`` in words, and where it
    shows (``loc``, ``excerpt``: the signature or the verdict as written)."""

    packet: Packet
    how: str
    loc: Loc
    excerpt: str


@dataclass(frozen=True)
class Variant:
    """The revision that remedies a locked packet: its id, and where it
    already stands (a packet or a stub file), ``file`` "" when not yet.
    ``done``: the revision is closed or superseded, so the locked packet's
    defects are history and only its place on the board is left to fix."""

    id: str
    file: str = ""
    loc: Loc | None = None
    done: str = ""


def invalid_signatures(model: GovernanceModel) -> frozenset[str]:
    """Signatures the audit log marks INVALID: they lock nothing."""
    if model.audit is None:
        return frozenset()
    return frozenset(row.signature for row in model.audit.rows if row.invalid)


def lock_of(packet: Packet, remedy: Remedy, invalid: frozenset[str] = frozenset()) -> Lock | None:
    """The lock that freezes ``packet`` under the profile's remedy block,
    or None when the packet may still be edited. A signature counts when
    it is written and not a placeholder nor marked INVALID (its form and
    audit row are the SIG rules' and PKT-014's to judge); a verdict counts
    when a Validator report with PASS or FAIL is appended."""
    verdict = None
    if "verdict" in remedy.locked_by:
        verdict = next((report for report in packet.validation_reports if report.verdict in ("PASS", "FAIL")), None)
    if "signature" in remedy.locked_by and packet.signature_loc is not None:
        signature = packet.signature.strip()
        if not unsigned(signature) and signature not in invalid:
            if explain_signature(signature).shape != "invalid":
                return Lock(packet, f"locked with signature {signature}", packet.signature_loc, signature)
            if verdict is None:
                # The Orchestrator locked it, with something that is not a
                # signature: the new revision needs a real one.
                return Lock(packet, f"locked with {signature!r}, which is not a valid signature", packet.signature_loc, signature)
            loc = verdict.verdict_loc or verdict.loc
            return Lock(packet, f"validated {verdict.verdict} (line {loc.line}) and locked with {signature!r}, which is not a valid signature", loc, verdict.verdict)
    if verdict is not None:
        loc = verdict.verdict_loc or verdict.loc
        return Lock(packet, f"validated {verdict.verdict} (line {loc.line})", loc, verdict.verdict)
    return None


Revisions = Mapping[str, tuple[tuple[int, Variant], ...]]


def revisions(model: GovernanceModel) -> Revisions:
    """Base id -> ``(number, revision)`` of every packet and stub of that
    family, built once per run (a lookup per locked packet stays linear)."""
    index: dict[str, list[tuple[int, Variant]]] = {}
    for packet in model.packets:
        base, number = variant_of(packet.id)
        done = packet.lifecycle.value if packet.lifecycle in (Lifecycle.CLOSED, Lifecycle.SUPERSEDED) else ""
        index.setdefault(base, []).append((number, Variant(packet.id, packet.file, packet.head_loc, done)))
    for path in model.stub_files:
        stem = stub_id(path)
        base, number = variant_of(stem)
        index.setdefault(base, []).append((number, Variant(stem, path, Loc(path, 1))))
    return {base: tuple(members) for base, members in index.items()}


def next_variant(packet: Packet, model: GovernanceModel, index: Revisions | None = None) -> Variant:
    """The revision that takes over from ``packet``: the lowest ``-vN``
    above it that is an open packet or a stub of the same family, else the
    newest closed one (the work was done there), else the next free number
    (``WP-1-X`` -> ``WP-1-X-v2``, ``WP-1-X-v3`` -> ``-v4``)."""
    index = index if index is not None else revisions(model)
    base, number = variant_of(packet.id)
    members = index.get(base, ())
    later = sorted((n, v.id, v) for n, v in members if n > number and not v.done)
    if later:
        return later[0][2]
    finished = sorted((n, v.id, v) for n, v in members if n > number and v.done)
    if finished:
        return finished[-1][2]
    following = max({number, *(n for n, _ in members)}) + 1
    return Variant(f"{base}-v{following}")


def foldable(finding: Finding, packet: Packet, remedy: Remedy, edit_rules: frozenset[str]) -> bool:
    """A finding asks for an edit of ``packet``: its rule's fix is an edit
    of the packet (``edit_rules``), it sits in the packet's file and is
    about it, the profile does not keep the rule apart, and it is not
    already excused (waived)."""
    return (
        finding.rule in edit_rules
        and finding.rule not in remedy.keep
        and finding.loc.file == packet.file
        and finding.subject in (packet.id, packet.file)
        and not finding.waived
    )


def part_line(finding: Finding) -> str:
    """One defect as a line of the remedy finding: where, which rule, what."""
    return f"{finding.loc.file}:{finding.loc.line}: {finding.rule} {finding.message}"


def fold(
    rule_id: str,
    findings: Sequence[Finding],
    model: GovernanceModel,
    profile: Profile,
    edit_rules: Iterable[str],
) -> tuple[list[Finding], list[Finding]]:
    """``(kept, remedies)``: the findings that stay as they are, and one
    REMEDY-001 finding per locked active packet that had any to fold.

    The remedy finding stands on the locked packet's lock (its signature
    or verdict), or on the revision when that already exists (a packet or
    a stub): the revision is where the fixes go. Its severity is the
    worst of its parts; ``details`` lists them and ``parts`` keeps them.
    The findings of :func:`signed_state` are in neither list."""
    remedy = profile.remedy
    if not remedy.locked_by:
        return list(findings), []
    locks = _locks(model, remedy)
    kept, grouped = _grouped(findings, locks, remedy, frozenset(edit_rules))
    for file in _only_signed_state(grouped, remedy):
        del grouped[file]
    index = revisions(model) if grouped else {}
    remedies = [_remedy_finding(rule_id, locks[file], tuple(sorted(parts, key=Finding.sort_key)), model, remedy, index) for file, parts in sorted(grouped.items())]
    return kept, remedies


def signed_state(findings: Sequence[Finding], model: GovernanceModel, profile: Profile, edit_rules: Iterable[str]) -> frozenset[Finding]:
    """The findings on locked packets whose every defect only records the
    state the packet was signed in, or is a later gate's check (the
    profile's ``remedy.no_revision``): the protocol asks no revision for
    them and the packet may not be edited, so no one may act on them and
    they are not reported at all."""
    remedy = profile.remedy
    if not remedy.locked_by or not remedy.no_revision:
        return frozenset()
    _, grouped = _grouped(findings, _locks(model, remedy), remedy, frozenset(edit_rules))
    return frozenset(finding for file in _only_signed_state(grouped, remedy) for finding in grouped[file])


def _locks(model: GovernanceModel, remedy: Remedy) -> dict[str, Lock]:
    """Packet file -> what locks it, for every locked packet still in play."""
    invalid = invalid_signatures(model)
    locks: dict[str, Lock] = {}
    for packet in model.packets:
        if packet.lifecycle is Lifecycle.ACTIVE:
            lock = lock_of(packet, remedy, invalid)
            if lock is not None:
                locks[packet.file] = lock
    return locks


def _grouped(
    findings: Sequence[Finding], locks: dict[str, Lock], remedy: Remedy, edit: frozenset[str]
) -> tuple[list[Finding], dict[str, list[Finding]]]:
    """``(kept, locked file -> the findings that ask to edit it)``."""
    grouped: dict[str, list[Finding]] = {}
    kept: list[Finding] = []
    for finding in findings:
        lock = locks.get(finding.loc.file)
        if lock is not None and foldable(finding, lock.packet, remedy, edit):
            grouped.setdefault(finding.loc.file, []).append(finding)
        else:
            kept.append(finding)
    return kept, grouped


def _only_signed_state(grouped: dict[str, list[Finding]], remedy: Remedy) -> list[str]:
    return [file for file, parts in grouped.items() if all(part.rule in remedy.no_revision for part in parts)]


def _remedy_finding(rule_id: str, lock: Lock, parts: tuple[Finding, ...], model: GovernanceModel, remedy: Remedy, index: Revisions) -> Finding:
    packet = lock.packet
    variant = next_variant(packet, model, index)
    action = remedy.action.format(wp=packet.id, next=variant.id, **_places(model, remedy))
    defects = tuple(part for part in parts if part.rule not in remedy.no_revision)
    severity = Severity.ERROR if any(part.severity is Severity.ERROR for part in defects) else Severity.WARNING
    rules = sorted({part.rule for part in defects})
    count = f"{len(defects)} defect{'s' if len(defects) != 1 else ''} ({', '.join(rules)})"
    quiet = len(parts) - len(defects)
    aside = ""
    if quiet:
        aside = f"; {quiet} more ({', '.join(sorted({part.rule for part in parts} - set(rules)))}) record the state it was signed in or a later gate's check, and call for no revision"
    who = f"{remedy.role}: " if remedy.role else ""
    if variant.done:
        severity = Severity.WARNING
        message = (
            f"{packet.id} is {lock.how}, and its revision {variant.id} is already {variant.done}; "
            f"{who}record {packet.id} as superseded on the board (its {count} are history, not edits to make)"
        )
        loc, excerpt, subject = lock.loc, lock.excerpt, packet.id
    elif variant.file:
        message = (
            f"{variant.id} is the revision of {packet.id}, which is {lock.how} and may not be edited: "
            f"{who}make {variant.id} fix the {count} found in {packet.id}"
        )
        loc, excerpt, subject = variant.loc or Loc(variant.file, 1), "", variant.id
    else:
        message = f"{packet.id} is {lock.how} and may not be edited: {who}{action}; {count} listed{aside}"
        loc, excerpt, subject = lock.loc, lock.excerpt, packet.id
    return Finding(rule_id, severity, message, loc, excerpt, subject, details=tuple(part_line(part) for part in parts), parts=parts)


def _places(model: GovernanceModel, remedy: Remedy) -> dict[str, str]:
    """Where a new revision is recorded, from what was read: the stubs
    folder of the layout and the registry file the model was read from
    (the profile's registry path when none was), never one era's paths."""
    del remedy
    stubs = sorted({path.rsplit("/", 1)[0] for path in model.stub_files})
    registry = model.registry.file if model.registry is not None else ""
    return {"stubs": stubs[0] if stubs else "the stubs folder", "registry": registry or "the traceability registry"}


def remedy_of(packet: Packet, model: GovernanceModel, remedy: Remedy, invalid: frozenset[str], index: Revisions) -> tuple[Lock, str] | None:
    """``(lock, action)`` for a packet the protocol forbids editing: what
    locks it and the remedy in the profile's words (the revision to make),
    or None when the packet may still be edited. For the packet's page,
    which says how its defects are fixed whether or not it has any."""
    if not remedy.locked_by:
        return None
    lock = lock_of(packet, remedy, invalid)
    if lock is None:
        return None
    variant = next_variant(packet, model, index)
    return lock, remedy.action.format(wp=packet.id, next=variant.id, **_places(model, remedy))


def remedy_by_packet(findings: Iterable[Finding], rule_id: str) -> Mapping[str, Finding]:
    """Packet file -> the remedy finding that folds its defects, for pages
    that show a locked packet's defects under the action they answer to."""
    found: dict[str, Finding] = {}
    for finding in findings:
        if finding.rule == rule_id and finding.parts:
            found.setdefault(finding.parts[0].loc.file, finding)
    return found


@rule(RULE_ID, "error", "A locked packet is not edited: its defects go into a new revision")
def locked_packet_remedy(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 5.6 [CX-607] (2025-12): "Once locked, packet is immutable ...
    If changes needed: Create NEW packet (WP-{ID}-variant)", and
    VALIDATOR_PROTOCOL [CX-WP-003]: a packet's verdict history is
    append-only; ORCHESTRATOR_PROTOCOL (2026-02): "Signed packets are
    immutable; create new variants/remediation WPs instead".

    What locks a packet, the remedy's wording and the rules kept apart are
    the profile's ``remedy`` block. One finding per locked active packet
    with defects that an edit would fix: it lists them (``details``,
    ``parts``) and names the revision to create, or, when that revision
    already exists as a packet or a stub, it stands on the revision. The
    severity is the worst of the defects'."""
    assert ctx.profile is not None
    edit = ctx.options.get(EDIT_FINDINGS, ())
    assert isinstance(edit, tuple)
    _, remedies = fold(rule_.id, edit, ctx.model, ctx.profile, {finding.rule for finding in edit})
    yield from remedies
