"""The phase closure gate (protocol Part 6.4, Part 6.5), evaluated from the model.

Part 6.5 says a phase is ready to close ONLY when every MUST criterion is met;
SHOULD criteria are recommendations. This module turns that into data the
PHASE rules and the phase-gate page share, so the page and the build verdict
can never disagree.

What the repository's files can show, and what they cannot:

* Computed from the model: "all phase-critical WPs VALIDATED", "no unresolved
  blockers", "no deferred-work notes".
* Not visible in governance files: the spec regression run, ``cargo deny`` /
  ``npm audit``, the git commit trail, test coverage, the security audit, the
  escalation log. These are reported as ``UNKNOWN`` with the evidence that
  would settle them. The only in-repo evidence accepted is the Orchestrator's
  own phase-gate checklist on the task board (Part 6.4, ``- [x] Spec
  regression check PASS``): a ticked item counts as an attested PASS, which
  the page labels as attested, not verified.

Verdict: ``READY TO CLOSE`` only when every MUST criterion is ``PASS``. An
``UNKNOWN`` MUST means ``NOT READY``: the protocol requires the criterion to be
*met*, and an unevidenced criterion has not been shown to be met. The PHASE-001
rule is stricter about what it reports as an error: it fires only on MUST
criteria the files show to be ``FAIL``, so nobody gets a build error for a
check the plugin cannot see.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from ..findings.finding import Finding
from ..model.basics import BoardColumn, Loc, Status
from ..model.governance import GovernanceModel
from ..model.ids import variant_base
from ..model.packet import Packet
from ..model.verdicts import is_validated, latest_verdict
from .graph import dependency_graph
from .phase_basics import (
    Criterion,
    Evidence,
    FAIL,
    MUST,
    PASS,
    PhaseClaim,
    PhaseGate,
    SHOULD,
    UNKNOWN,
    first_packets,
    wp_key,
    phase_in_text,
    phase_key,
    phase_of_wp,
)
from .phase_claims import PacketScan, collect_phase_claims, scan_packet


if TYPE_CHECKING:
    import networkx as nx


# Criteria the files cannot show: (id, strength, title, checklist keywords, what would settle it).
_EXTERNAL: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    (
        "spec-regression",
        MUST,
        "Spec regression check passes",
        ("spec regression", "spec-regression"),
        "a recorded PASS of `just validator-spec-regression` for this phase, e.g. a ticked "
        "'Spec regression check PASS' item in the board's phase-gate checklist",
    ),
    (
        "supply-chain",
        MUST,
        "Supply chain audit clean (cargo deny, npm audit)",
        ("supply chain", "supply-chain", "cargo deny", "npm audit"),
        "zero violations from `cargo deny check` and no critical/high from `npm audit`, recorded as a "
        "ticked 'Supply chain clean' item in the board's phase-gate checklist",
    ),
    (
        "git-trail",
        MUST,
        "Git commit audit trail complete",
        ("git", "commit", "audit trail"),
        "every work commit traced (author, timestamp, signature if used), recorded as a ticked "
        "'All commits properly tracked' item in the board's phase-gate checklist",
    ),
)
_EXTERNAL_SHOULD: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    (
        "escalations",
        SHOULD,
        "No open escalations from the Validator",
        ("escalation",),
        "an empty escalations log, recorded as a ticked 'No escalations pending' checklist item",
    ),
    (
        "coverage",
        SHOULD,
        "Test coverage on target (>80% for the phase)",
        ("coverage",),
        "a coverage report of at least 80% for the phase, recorded as a ticked checklist item",
    ),
    (
        "security-audit",
        SHOULD,
        "Security audit clean (if the phase touches security-sensitive code)",
        ("security audit", "security"),
        "a clean security audit, recorded as a ticked checklist item",
    ),
)


@dataclass
class _Indexes:
    packets: Mapping[str, Packet]
    graph: object
    by_base: Mapping[str, tuple[str, ...]]
    superseded_on_board: frozenset[str]
    findings_by_subject: Mapping[str, tuple[Finding, ...]]


def _indexes(model: GovernanceModel, findings: Sequence[Finding], graph: nx.DiGraph | None) -> _Indexes:
    packets = first_packets(model)
    by_base: dict[str, list[str]] = {}
    for wp in packets:
        by_base.setdefault(variant_base(wp), []).append(wp)
    archived = frozenset(
        entry.wp for entry in (model.board.entries if model.board else ()) if entry.column is BoardColumn.SUPERSEDED
    )
    by_subject: dict[str, list[Finding]] = {}
    for finding in findings:
        by_subject.setdefault(finding.subject, []).append(finding)
    return _Indexes(
        packets,
        graph if graph is not None else dependency_graph(model),
        {base: tuple(sorted(wps, key=wp_key)) for base, wps in by_base.items()},
        archived,
        {key: tuple(value) for key, value in by_subject.items()},
    )


def _is_superseded(wp: str, idx: _Indexes) -> bool:
    packet = idx.packets.get(wp)
    return (packet is not None and packet.status is Status.SUPERSEDED) or wp in idx.superseded_on_board


def _dependency_satisfied(wp: str, idx: _Indexes) -> bool:
    """A dependency is satisfied when it is VALIDATED, or when it was
    superseded and one of its variants (``-v2``...) is VALIDATED."""
    if is_validated(idx.packets.get(wp)):
        return True
    if _is_superseded(wp, idx) or wp not in idx.packets:
        return any(is_validated(idx.packets.get(v)) for v in idx.by_base.get(variant_base(wp), ()) if v != wp)
    return False


def discover_phases(model: GovernanceModel, claims: Iterable[PhaseClaim] = ()) -> list[str]:
    """Every phase named by a packet, a board phase-gate section or a claim."""
    phases = {phase_of_wp(packet.id, packet) for packet in model.packets}
    for entry in model.board.entries if model.board else ():
        if entry.column is BoardColumn.PHASE_GATE:
            phases.add(phase_in_text(entry.column_raw) or phase_of_wp(entry.wp))
    for name, column, _loc in model.board.columns if model.board else ():
        if column is BoardColumn.PHASE_GATE and phase_in_text(name):
            phases.add(phase_in_text(name))
    phases.update(claim.phase for claim in claims)
    phases.discard("")
    return sorted(phases, key=phase_key)


def _critical(model: GovernanceModel, phase: str, idx: _Indexes) -> tuple[tuple[str, ...], str, Loc | None]:
    """Phase-critical WPs: the board's phase-gate list, else every live packet."""
    listed: list[str] = []
    board_loc: Loc | None = None
    for name, column, loc in model.board.columns if model.board else ():
        if column is BoardColumn.PHASE_GATE and phase_in_text(name) == phase and board_loc is None:
            board_loc = loc
    for entry in model.board.entries if model.board else ():
        if entry.column is not BoardColumn.PHASE_GATE:
            continue
        if (phase_in_text(entry.column_raw) or phase_of_wp(entry.wp)) == phase and entry.wp not in listed:
            listed.append(entry.wp)
    if listed:
        return tuple(listed), "board", board_loc
    live = [
        wp for wp, packet in idx.packets.items() if phase_of_wp(wp, packet) == phase and not _is_superseded(wp, idx)
    ]
    return tuple(sorted(live, key=wp_key)), "packets", board_loc


def _finding_evidence(idx: _Indexes, wps: Iterable[str], rules: Sequence[str]) -> list[Evidence]:
    evidence: list[Evidence] = []
    for wp in wps:
        for finding in idx.findings_by_subject.get(wp, ()):
            if finding.rule in rules and not finding.waived:
                evidence.append(Evidence(f"{finding.rule}: {finding.message}", wp, finding.loc, finding.rule))
    return evidence


def _validated_criterion(critical: Sequence[str], idx: _Indexes) -> tuple[Criterion, tuple[str, ...]]:
    validated = tuple(wp for wp in critical if is_validated(idx.packets.get(wp)))
    evidence: list[Evidence] = []
    for wp in critical:
        packet = idx.packets.get(wp)
        if packet is None:
            evidence.append(Evidence("no packet exists (GAP): cannot be VALIDATED", wp))
        elif wp in validated:
            report = next(r for r in reversed(packet.validation_reports) if r.verdict)
            evidence.append(Evidence("VALIDATED: validator verdict PASS", wp, report.verdict_loc or report.loc))
        else:
            verdict = latest_verdict(packet)
            said = f"latest validator verdict {verdict}" if verdict else "no validation report with a verdict"
            status = packet.status_raw or "not written"
            evidence.append(Evidence(f"not VALIDATED: STATUS {status}, {said}", wp, packet.status_loc or packet.title_loc))
    evidence.extend(_finding_evidence(idx, critical, ("BOARD-004",)))
    if not critical:
        state, needed = UNKNOWN, "list the phase-critical WPs in the board's PHASE N CLOSURE GATES section"
    elif len(validated) == len(critical):
        state, needed = PASS, ""
    else:
        state, needed = FAIL, "get a validator verdict PASS for every phase-critical WP listed as not VALIDATED"
    criterion = Criterion(
        "validated", "All phase-critical WPs are VALIDATED (validator verdict PASS)", MUST, state, tuple(evidence), needed
    )
    return criterion, validated


def _blockers_criterion(model: GovernanceModel, phase: str, critical: Sequence[str], idx: _Indexes) -> Criterion:
    """Part 6.5: the board shows nothing Blocked, and every dependency of a
    phase-critical WP is VALIDATED."""
    evidence: list[Evidence] = []
    critical_set = set(critical)
    for entry in model.board.entries if model.board else ():
        if entry.column is BoardColumn.BLOCKED and (entry.wp in critical_set or phase_of_wp(entry.wp, idx.packets.get(entry.wp)) == phase):
            evidence.append(Evidence("stands in the board's Blocked column", entry.wp, entry.loc))
    for wp in critical:
        packet = idx.packets.get(wp)
        if packet is not None and packet.status is Status.BLOCKED:
            evidence.append(Evidence(f"STATUS is {packet.status_raw or 'Blocked'}", wp, packet.status_loc))
    graph = idx.graph
    for wp in critical:
        if wp not in graph:  # type: ignore[operator]
            continue
        for dependency in sorted(graph.predecessors(wp), key=wp_key):  # type: ignore[attr-defined]
            if _dependency_satisfied(dependency, idx):
                continue
            said = graph.edges[dependency, wp]["said"]  # type: ignore[index]
            loc = said[0][2] if said else None
            what = "does not exist" if dependency not in idx.packets else "is not VALIDATED"
            evidence.append(Evidence(f"depends on {dependency}, which {what}", wp, loc if isinstance(loc, Loc) else None))
    failing = bool(evidence)
    if not failing:
        checked = sum(len(list(graph.predecessors(wp))) for wp in critical if wp in graph)  # type: ignore[attr-defined,operator]
        evidence.append(Evidence(f"nothing of this phase is Blocked; all {checked} dependencies of the phase-critical WPs are VALIDATED"))
    evidence.extend(_finding_evidence(idx, critical, ("DEP-001", "DEP-002", "DEP-003")))
    return Criterion(
        "blockers",
        "No unresolved blockers (nothing Blocked, every dependency VALIDATED)",
        MUST,
        FAIL if failing else PASS,
        tuple(evidence),
        "resolve the listed blockers: validate the dependencies, then move the WPs out of Blocked" if failing else "",
    )


def _deferred_criterion(critical: Sequence[str], idx: _Indexes, scan: PacketScan) -> Criterion:
    evidence: list[Evidence] = []
    for wp in critical:
        packet = idx.packets.get(wp)
        if packet is None:
            continue
        for text, loc in scan(packet).deferred:
            evidence.append(Evidence(f"deferred-work note: {' '.join(text.split())[:160]}", wp, loc))
    if not evidence:
        evidence.append(Evidence(f"no deferred-work note in the fields and headings of {len(critical)} phase-critical packets"))
    failing = not evidence[0].text.startswith("no deferred")
    return Criterion(
        "deferred-work",
        "No deferred-work notes in the phase-critical WPs",
        SHOULD,
        FAIL if failing else PASS,
        tuple(evidence),
        "finish the deferred work in this phase or move it to a packet of a later phase" if failing else "",
    )


def _checklist_criterion(
    spec: tuple[str, str, str, tuple[str, ...], str], checklist: Sequence[tuple[str, Loc, str, bool]]
) -> Criterion:
    """A criterion the files cannot show, settled only by the board checklist."""
    criterion_id, strength, title, keywords, needed = spec
    matching = [(loc, text, checked) for loc, text, checked in checklist if _mentions(text, keywords)]
    if matching and all(checked for _loc, _text, checked in matching):
        evidence = tuple(Evidence(f"attested by ticked board checklist item '{text}' (not verified by the plugin)", loc=loc) for loc, text, _c in matching)
        return Criterion(criterion_id, title, strength, PASS, evidence, "", attested=True)
    evidence = tuple(Evidence(f"board checklist item '{text}' is not ticked", loc=loc) for loc, text, checked in matching if not checked)
    if not evidence:
        evidence = (Evidence("not evidenced: governance files cannot show this check"),)
    return Criterion(criterion_id, title, strength, UNKNOWN, evidence, needed)


def _mentions(text: str, keywords: Sequence[str]) -> bool:
    folded = text.casefold()
    return any(re.search(rf"\b{re.escape(keyword)}s?\b", folded) for keyword in keywords)


def evaluate_phase_gate(
    model: GovernanceModel, findings: Sequence[Finding] = (), as_of: dt.date | None = None, graph: nx.DiGraph | None = None,
    claims: tuple[PhaseClaim, ...] | None = None, claimed_only: bool = False, scan: PacketScan = scan_packet,
) -> tuple[PhaseGate, ...]:
    """One :class:`PhaseGate` per phase, in phase order.

    ``findings`` are cited as evidence (BOARD-004 on the VALIDATED criterion,
    DEP-001/002/003 on the blocker criterion). ``as_of`` is accepted so the
    page and the rules evaluate against the same day; no Part 6.5 criterion
    depends on the date today, so it only documents the evaluation.
    ``graph`` is the model's :func:`.graph.dependency_graph` and
    ``claims`` its :func:`collect_phase_claims`, when the caller has them
    already. ``claimed_only`` evaluates only the phases claimed closed
    (all PHASE-001 judges; each phase's gate is the same either way).
    ``scan`` reads a packet's text (:func:`scan_packet`, or a memo of it)."""
    del as_of  # the criteria of Part 6.5 are not time-based
    idx = _indexes(model, findings, graph)
    claims = collect_phase_claims(model, scan) if claims is None else claims
    claimed = {claim.phase for claim in claims}
    gates: list[PhaseGate] = []
    for phase in discover_phases(model, claims):
        if claimed_only and phase not in claimed:
            continue
        critical, source, board_loc = _critical(model, phase, idx)
        checklist = [(loc, text, checked) for p, loc, text, checked in model.phase_checklist if p == phase]
        validated_criterion, validated = _validated_criterion(critical, idx)
        criteria = [validated_criterion]
        criteria.append(_checklist_criterion(_EXTERNAL[0], checklist))
        criteria.append(_checklist_criterion(_EXTERNAL[1], checklist))
        criteria.append(_blockers_criterion(model, phase, critical, idx))
        criteria.append(_checklist_criterion(_EXTERNAL[2], checklist))
        criteria.append(_checklist_criterion(_EXTERNAL_SHOULD[0], checklist))
        criteria.append(_deferred_criterion(critical, idx, scan))
        criteria.extend(_checklist_criterion(spec, checklist) for spec in _EXTERNAL_SHOULD[1:])
        gates.append(
            PhaseGate(
                phase,
                critical,
                source,
                validated,
                tuple(criteria),
                tuple(claim for claim in claims if claim.phase == phase),
                board_loc,
            )
        )
    return tuple(gates)
