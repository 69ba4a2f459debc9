"""SIG rules: user signatures (Part 2.5.3, 2.5.4, 2.5.7; Part 3 Errors 1, 5, 6).

A signature *consumes* when it locks or approves an artifact
(``SignatureUse.role`` "lock" / "approval"); mentions (protocol examples,
code blocks) and the audit log itself do not. An artifact is the packet a
use sits in, or the file for anything else — except that the Master Spec
and SPEC_CURRENT.md are one artifact: a spec enrichment is recorded in the
spec's changelog and announced in SPEC_CURRENT (Part 2.5.2), one act. A
packet that cites the enrichment signature as its authority
("Strategic Pause approval [sig]", the protocol's own example in Part
2.5.5) references that act rather than consuming the signature again; a
packet *locked* with it does consume it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Iterator

from ..findings.finding import Finding, Severity
from ..parse.signatures import explain_signature, read_time
from ..model.records import GateEvent, SignatureRow, SignatureUse
from ..model.governance import GovernanceModel
from ..model.basics import Lifecycle, Loc
from .base import Rule, rule
from .context import RuleContext
from .workflow import lock_signature

CONSUMING_ROLES = ("lock", "approval")
_VERB = {"lock": "locks", "approval": "approves"}
_LOOKS_SIGNED = re.compile(r"[A-Za-z]\w*\d{4,}")
_ROW_DATETIME = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M",
)


# --------------------------------------------------------------------------
# Reading signatures
# --------------------------------------------------------------------------


def _alt_message(alt: dt.datetime) -> str:
    return (
        f"the digits read as DDMMYYHHMMSS ({alt:%Y-%m-%d %H:%M:%S}), the shape of the protocol's own example "
        "ilja251225032800"
    )


def signature_time(signature: str, as_of: dt.date) -> tuple[str, dt.datetime | None, str]:
    """``(shape, time, explanation)``: shape "DDMMYYYYHHMM" (valid),
    "DDMMYYHHMMSS" (the protocol example's shape) or "invalid".

    A DDMMYYYYHHMM reading whose year is not plausible for a clock reading
    (before 2000 or after the year following ``as_of``) is not "a real
    calendar date and time": ``ilja251225041500`` parses as 25-12-2504
    15:00, but it was written as 25-12-25 04:15:00."""
    reading = explain_signature(signature)
    shape, when, message = reading.shape, reading.when, reading.message
    latest = as_of.year + 1
    if shape == "DDMMYYYYHHMM" and when is not None and not 2000 <= when.year <= latest:
        digits = re.sub(r"^\D+", "", signature.strip())
        alt = read_time(digits, "DDMMYYHHMMSS")
        if alt is not None:
            return "DDMMYYHHMMSS", alt, f"as DDMMYYYYHHMM it would be the year {when.year}; {_alt_message(alt)}"
        return "invalid", None, f"as DDMMYYYYHHMM it reads as the year {when.year}, not a real clock reading"
    return shape, when, message


def _spec_files(model: GovernanceModel) -> set[str]:
    """The files that are the spec: the monolith or the bundle's manifest
    and every module of it (a module's changelog row is the spec's)."""
    files = {model.spec.file} if model.spec else set()
    if model.spec and model.spec.bundle is not None:
        files.update(module.path for module in model.spec.bundle.modules)
    if model.spec_pointer:
        files.add(model.spec_pointer.file)
    return files


SPEC_ARTIFACT = "the Master Spec"


def artifact_of(use: SignatureUse, spec_files: set[str]) -> str:
    """What a use locks or approves (see the module docstring)."""
    if use.loc.file in spec_files:
        return SPEC_ARTIFACT
    return use.subject or use.loc.file


def consuming_uses(model: GovernanceModel) -> list[SignatureUse]:
    """Lock/approval uses, plus packet locks a parser recorded only on the
    packet (``Packet.signature``), in file order; never the audit log."""
    audit_file = model.audit.file if model.audit else None
    uses = [use for use in model.signature_uses if use.role in CONSUMING_ROLES and use.loc.file != audit_file]
    seen = {(use.signature, use.loc.file, use.loc.line) for use in uses}
    for packet in model.packets:
        sig = packet.signature.strip()
        if packet.signature_loc is None or not _LOOKS_SIGNED.fullmatch(sig):
            continue
        if (sig, packet.signature_loc.file, packet.signature_loc.line) not in seen:
            uses.append(SignatureUse(sig, packet.signature_loc, "lock", packet.id))
            seen.add((sig, packet.signature_loc.file, packet.signature_loc.line))
    return sorted(uses, key=lambda use: (use.loc, use.signature))


def _rows_by_signature(model: GovernanceModel) -> dict[str, list[SignatureRow]]:
    rows: dict[str, list[SignatureRow]] = defaultdict(list)
    for row in model.audit.rows if model.audit else ():
        rows[row.signature.strip()].append(row)
    return rows


# --------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------


@rule("SIG-001", "error", "Signature format {username}{DDMMYYYYHHMM} with a real date and time")
def signature_format(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 2.5.3: "Signature format: {username}{DDMMYYYYHHMM}" — a real
    calendar date and time from an external clock. Reported once per
    signature, at its audit row when it has one, else at its first use.

    The fix is a new signature on the artifact it locks, so a signature is
    judged only while it locks or approves something still in play: an
    active packet, SPEC_CURRENT or a protocol file. One that only closed or
    superseded packets, the spec's version history or the audit log carry
    is history (``history: true`` judges it too)."""
    live = _signatures_on_live_artifacts(ctx)
    places: dict[str, tuple[Loc, str]] = {}
    for row in ctx.model.audit.rows if ctx.model.audit else ():
        if row.signature.strip():
            places.setdefault(row.signature.strip(), (row.loc, "audit row"))
    for use in consuming_uses(ctx.model):
        places.setdefault(use.signature, (use.loc, use.subject))
    for signature, (loc, _) in places.items():
        if signature not in live and not ctx.history:
            continue
        shape, _, explanation = signature_time(signature, ctx.as_of)
        if shape == "DDMMYYYYHHMM":
            continue
        if shape == "DDMMYYHHMMSS":
            message = f"signature {signature} is not {{username}}{{DDMMYYYYHHMM}}: {explanation}; request a new signature written as DDMMYYYYHHMM"
        else:
            message = f"signature {signature} is not {{username}}{{DDMMYYYYHHMM}}: {explanation}"
        yield rule.finding(message, loc, signature, _subject(ctx, signature, loc))


def _live_use(ctx: RuleContext, use: SignatureUse, spec_files: set[str]) -> bool:
    """Whether a use sits on an artifact a maintainer may still change."""
    if ctx.history:
        return True
    if use.loc.file in spec_files:
        return False  # the spec's approvals are its version history
    packet = ctx.packets_by_file.get(use.loc.file)
    return packet is None or packet.lifecycle is Lifecycle.ACTIVE


def _signatures_on_live_artifacts(ctx: RuleContext) -> set[str]:
    spec_files = _spec_files(ctx.model)
    audit_file = ctx.model.audit.file if ctx.model.audit else None
    return {use.signature for use in consuming_uses(ctx.model) if use.loc.file != audit_file and _live_use(ctx, use, spec_files)}


def _subject(ctx: RuleContext, signature: str, loc: Loc) -> str:
    for use in ctx.model.signature_uses:
        if use.signature == signature and use.loc == loc and use.subject:
            return use.subject
    return signature


def _audit_text_by_signature(model: GovernanceModel) -> dict[str, str]:
    """Every audit row's cells, case-folded, by signature."""
    texts: dict[str, str] = defaultdict(str)
    for row in model.audit.rows if model.audit else ():
        texts[row.signature] += " ".join((row.used_by, row.purpose, row.notes, *row.cells)).casefold() + "\n"
    return texts


def _audit_names(text: str, subject: str) -> bool:
    """Whether an audit row names a WP (or another revision of its base:
    the row may predate a rename of the packet)."""
    if not subject.startswith("WP-"):
        return False
    return _family(subject).casefold() in text


def _family(wp: str) -> str:
    """``WP-1-X-v2`` and ``WP-1-X-20251228`` -> ``WP-1-X``."""
    return re.sub(r"-(?:v\d+|\d{8})$", "", wp, flags=re.IGNORECASE)


@rule("SIG-002", "error", "A signature locks or approves one artifact only")
def signature_reused(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 2.5.3 rule 1: "Each signature can be used exactly ONCE in entire
    repo"; Part 3 Error 1. Reported at the first use in every artifact after
    the first, naming where it was first used.

    Decision: a signature that approves a spec enrichment *together with*
    the WP that asked for it is one approval recorded in two places when
    its audit row names that WP (the corpus writes "Spec Enrichment v02.94
    & WP-1-Storage-Foundation-v2"). Such a pair is not a reuse. The fix is a
    new signature for the later artifact, so only a later artifact still in
    play (an active packet, not closed or superseded history) is reported."""
    spec_files = _spec_files(ctx.model)
    audit_text = _audit_text_by_signature(ctx.model)
    by_signature: dict[str, dict[str, list[SignatureUse]]] = defaultdict(dict)
    for use in consuming_uses(ctx.model):
        by_signature[use.signature].setdefault(artifact_of(use, spec_files), []).append(use)
    for signature, artifacts in by_signature.items():
        if SPEC_ARTIFACT in artifacts:
            # a packet citing the spec enrichment it rests on (Part 2.5.5) references it
            artifacts = {
                name: uses if name == SPEC_ARTIFACT else [use for use in uses if use.role == "lock"]
                for name, uses in artifacts.items()
            }
            artifacts = {name: uses for name, uses in artifacts.items() if uses}
            first_name = SPEC_ARTIFACT
        else:
            first_name = next(iter(artifacts))
        first_use = artifacts[first_name][0]
        for name, uses in artifacts.items():
            if name == first_name:
                continue
            use = uses[0]
            if first_name == SPEC_ARTIFACT and _audit_names(audit_text.get(signature, ""), use.subject):
                continue
            if not _live_use(ctx, use, spec_files):
                continue  # a new signature for signed history is no fix
            yield rule.finding(
                f"signature {signature} already {_VERB[first_use.role]} {first_name} "
                f"({first_use.loc.file}:{first_use.loc.line}); each signature is used once — request a new one for {name}",
                use.loc,
                signature,
                use.subject or use.loc.file,
            )


@rule("SIG-003", "error", "Every used signature has a SIGNATURE_AUDIT row")
def signature_not_audited(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 2.5.4 / Part 3 Error 6: every consumed signature is recorded in
    docs/SIGNATURE_AUDIT.md. The fix is one audit row per signature, so a
    signature missing from the log is one finding, at its first use, naming
    every artifact it is used in."""
    if ctx.model.audit is None:
        return  # PARSE-001 reports the missing audit log
    rows = _rows_by_signature(ctx.model)
    spec_files = _spec_files(ctx.model)
    missing: dict[str, dict[str, SignatureUse]] = defaultdict(dict)
    for use in consuming_uses(ctx.model):
        if use.signature not in rows:
            missing[use.signature].setdefault(artifact_of(use, spec_files), use)
    for signature, artifacts in missing.items():
        first = next(iter(artifacts.values()))
        where = "; ".join(f"{name} ({use.loc})" for name, use in artifacts.items())
        yield rule.finding(
            f"signature {signature} is used in {where} but has no row in {ctx.model.audit.file}; record it (Part 2.5.4)",
            first.loc,
            signature,
            first.subject or first.loc.file,
        )


@rule("SIG-004", "error", "A signature marked INVALID is not used as a lock or approval")
def invalid_signature_used(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 3 Error 1: a signature rejected in the audit log (INVALID) cannot
    lock or approve anything; the artifact needs a new signature.

    A closed packet is judged too: its validation rests on that lock, so the
    work needs a new signature or a revalidation. A packet a later revision
    superseded is not: the revision is the remedy (``history`` judges it)."""
    rows = _rows_by_signature(ctx.model)
    for use in consuming_uses(ctx.model):
        invalid = next((row for row in rows.get(use.signature, ()) if row.invalid), None)
        if invalid is None:
            continue
        packet = ctx.packets_by_file.get(use.loc.file)
        if packet is not None and packet.lifecycle in (Lifecycle.SUPERSEDED, Lifecycle.STUB) and not ctx.history:
            continue
        yield rule.finding(
            f"signature {use.signature} is marked INVALID in the audit log ({invalid.loc.file}:{invalid.loc.line}) "
            f"but still {_VERB[use.role]} {use.subject or use.loc.file}; request a new signature",
            use.loc,
            use.signature,
            use.subject or use.loc.file,
        )


_ROW_FIELDS = (
    ("signature", "Signature"),
    ("used_by", "Used By"),
    ("datetime", "Date/Time"),
    ("purpose", "Purpose"),
    ("spec_version", "Master Spec Version"),
    ("notes", "Notes"),
)
_EMPTY = {"", "-", "—", "–", "n/a", "tbd"}


@rule("SIG-005", "error", "One audit row per signature, no empty field")
def audit_rows(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 2.5.4: the audit log is the central registry — one row per
    consumed signature (error), each field filled (warning; Part 2.5.6
    "Leave signature audit log blank" is a DO NOT)."""
    first: dict[str, SignatureRow] = {}
    for row in ctx.model.audit.rows if ctx.model.audit else ():
        signature = row.signature.strip()
        if signature and signature in first:
            earlier = first[signature]
            yield rule.finding(
                f"signature {signature} has a second audit row (first at line {earlier.loc.line}); keep one row per signature",
                row.loc,
                signature,
                signature,
            )
        elif signature:
            first[signature] = row
        empty = [label for name, label in _ROW_FIELDS if str(getattr(row, name)).strip().casefold() in _EMPTY]
        if empty:
            yield rule.finding(
                f"audit row for {signature or 'an unnamed signature'} leaves {', '.join(empty)} empty; fill every field",
                row.loc,
                " | ".join(row.cells) if row.cells else signature,
                signature or (ctx.model.audit.file if ctx.model.audit else ""),
                severity=Severity.WARNING,
            )


def parse_row_datetime(text: str) -> tuple[dt.datetime | None, bool]:
    """``(time, has_time)`` of an audit row's Date/Time cell; a bare date
    compares by day only."""
    value = text.strip().replace("Z", "")
    head = value[:19]
    for layout in _ROW_DATETIME:
        for candidate in (head, value[:16]):
            try:
                return dt.datetime.strptime(candidate, layout), True
            except ValueError:
                continue
    try:
        return dt.datetime.strptime(value[:10], "%Y-%m-%d"), False
    except ValueError:
        return None, False


def _row_time(row) -> dt.datetime | None:
    recorded, has_time = parse_row_datetime(row.datetime)
    return recorded.replace(second=0) if recorded is not None and has_time else None


def _neighbours(rows: list, index: int) -> tuple[tuple[int, dt.datetime] | None, tuple[int, dt.datetime] | None]:
    """The nearest rows before and after ``index`` with a readable date and time."""
    before = next(((row.loc.line, when) for row in reversed(rows[:index]) if (when := _row_time(row)) is not None), None)
    after = next(((row.loc.line, when) for row in rows[index + 1:] if (when := _row_time(row)) is not None), None)
    return before, after


def _fits(when: dt.datetime, before: tuple[int, dt.datetime] | None, after: tuple[int, dt.datetime] | None) -> bool:
    return (before is None or before[1] <= when) and (after is None or when <= after[1])


def _which_side(recorded: dt.datetime | None, when: dt.datetime, before, after) -> str:
    """What to do, as the neighbouring rows corroborate one side. The audit
    is kept in the order signatures are consumed: the side whose time fits
    between the rows around it is the right one. A consumed signature
    cannot be changed, so when the signature is the side that is off the
    fix is a note in the audit (ORCH Recovery Rules, Signature Problems:
    "mark the bad usage clearly in SIGNATURE_AUDIT.md")."""
    if recorded is None or before is None or after is None:
        return "correct the row or the signature"
    around = f"the rows around it (line {before[0]}: {before[1]:%Y-%m-%d %H:%M}, line {after[0]}: {after[1]:%Y-%m-%d %H:%M})"
    row_fits, signature_fits = _fits(recorded.replace(second=0), before, after), _fits(when, before, after)
    if row_fits and not signature_fits:
        return (f"the row's time fits between {around} and the signature's does not, so the signature was written with the wrong date; "
                "it is consumed and cannot be changed: mark the bad usage in the audit, do not change the row")
    if signature_fits and not row_fits:
        return f"the signature's time fits between {around} and the row's does not: correct the row"
    return "correct the row or the signature"


@rule("SIG-006", "warning", "Audit row date/time equals the time in the signature")
def audit_time_mismatch(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 2.5.3: the signature encodes the time it was given (external
    clock); the audit row records when it was consumed. A mismatch means a
    typo in one of them; the rows around it, kept in the order signatures
    are consumed, tell which (see :func:`_which_side`)."""
    rows = list(ctx.model.audit.rows) if ctx.model.audit else []
    for index, row in enumerate(rows):
        shape, when, _ = signature_time(row.signature, ctx.as_of)
        recorded, has_time = parse_row_datetime(row.datetime)
        if when is None or recorded is None:
            continue  # SIG-001 / SIG-005 report unreadable values
        same = recorded.date() == when.date() if not has_time else recorded.replace(second=0) == when.replace(second=0)
        if same:
            continue
        before, after = _neighbours(rows, index)
        action = _which_side(recorded if has_time else None, when.replace(second=0), before, after)
        yield rule.finding(
            f"audit row says {row.datetime.strip()} but signature {row.signature} encodes {when:%Y-%m-%d %H:%M}"
            f"{' (read as DDMMYYHHMMSS)' if shape == 'DDMMYYHHMMSS' else ''}; {action}",
            row.loc,
            row.signature,  # the text at row.loc; the date it disagrees with is in the message
            row.signature,
        )


def _event_time(event: GateEvent) -> dt.datetime | None:
    try:
        stamp = dt.datetime.fromisoformat(event.timestamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)


@rule("SIG-007", "error", "Gate log order: refinement, then signature in a new turn, then prepare")
def gate_order(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 2.5.7: "Record Refinement", then the "Mandatory Turn Boundary",
    and "Only in a new turn" the signature; the 2026 activation rule adds
    PREPARE (branch, worktree, coder) after the signature and before the
    packet. The order is the profile's ``gate_log.order``; each event needs
    the one before it recorded earlier for the same WP. A signature is in
    the refinement's turn when both carry the same turn token, or, when
    the signature carries none, when it follows within the profile's
    ``same_turn_seconds`` (the gate script's own hard block). The log is
    read in time order (log order when a timestamp is unreadable). An
    active, signed packet that the log has reached (its WP has events) and
    whose chain stops short is reported once, at the packet: it was signed
    or prepared outside the gate. (An unsigned one waits for its signature,
    which PKT-014 reports.)"""
    profile = ctx.profile
    assert profile is not None
    order = profile.gate_order or ("REFINEMENT", "SIGNATURE")
    by_wp: dict[str, list[tuple[int, GateEvent]]] = defaultdict(list)
    for position, event in enumerate(ctx.model.gate_events):
        by_wp[event.wp].append((position, event))
    for wp, events in by_wp.items():
        seen: dict[str, GateEvent] = {}
        for event in _in_time_order(events):
            kind = event.type.strip().upper()
            if kind not in order:
                continue
            step = order.index(kind)
            if step > 0:
                before = order[step - 1]
                previous = seen.get(before)
                if previous is None:
                    yield _out_of_order(rule, wp, event, kind, before)
                elif kind == "SIGNATURE":
                    yield from _same_turn(rule, wp, event, previous, profile.same_turn_seconds)
            seen[kind] = event
        packet = ctx.packet(wp)
        locked = packet is not None and _LOOKS_SIGNED.fullmatch(lock_signature(ctx, packet))
        if packet is not None and locked and packet.lifecycle is Lifecycle.ACTIVE and seen:
            missing = [kind for kind in order if kind not in seen]
            if missing:
                last = max((seen[kind] for kind in seen), key=lambda event: event.loc)
                yield rule.finding(
                    f"{wp} is active but the gate log ({last.loc.file}) has no {', '.join(missing)} for it; "
                    f"the gates run {' -> '.join(order)} before work starts",
                    packet.status_or_head_loc,
                    packet.status_raw or wp,
                    wp,
                )


def _in_time_order(events: list[tuple[int, GateEvent]]) -> list[GateEvent]:
    times = [_event_time(event) for _, event in events]
    if all(times):
        return [event for _, _, event in sorted(zip(times, (p for p, _ in events), (e for _, e in events)), key=lambda item: (item[0], item[1]))]
    return [event for _, event in events]


def _out_of_order(rule: Rule, wp: str, event: GateEvent, kind: str, before: str) -> Finding:
    command = {"REFINEMENT": "record-refinement", "SIGNATURE": "record-signature", "PREPARE": "record-prepare"}.get(before, before.lower())
    return rule.finding(
        f"{kind.lower()} for {wp} was recorded ({event.timestamp}) with no {before.lower()} recorded before it; "
        f"`just {command} {wp}` comes first, in its own turn",
        event.signature_loc or event.loc,
        event.signature or event.head,
        wp,
    )


def _same_turn(rule: Rule, wp: str, event: GateEvent, refinement: GateEvent, seconds: float) -> Iterator[Finding]:
    excerpt = event.signature or event.head
    where = event.signature_loc or event.loc
    if event.turn_token and refinement.turn_token and event.turn_token == refinement.turn_token:
        yield rule.finding(
            f"signature for {wp} was recorded in the same turn ({event.turn_token}) as its refinement "
            f"({refinement.loc.file}:{refinement.loc.line}); the protocol requires a turn boundary between them",
            where,
            excerpt,
            wp,
        )
        return
    if event.turn_token or not seconds:
        return
    signed, refined = _event_time(event), _event_time(refinement)
    if signed is None or refined is None:
        return
    gap = (signed - refined).total_seconds()
    if 0 <= gap < seconds:
        yield rule.finding(
            f"signature for {wp} was recorded {gap:.1f} s after its refinement ({refinement.loc.file}:{refinement.loc.line}), "
            "within one turn; the protocol requires the user's review in a new turn before the signature",
            where,
            excerpt,
            wp,
        )
