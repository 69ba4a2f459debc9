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
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Sequence

from markdown_it.token import Token

from ..findings.finding import Finding
from .graph import dependency_graph
from ..model.ids import variant_base
from ..model.verdicts import is_validated, latest_verdict
from ..model.basics import BoardColumn, Loc, Status
from ..model.governance import GovernanceModel
from ..model.packet import ListItem, Packet
from ..protocol.option_checks import strict_date
from ..parse.markdown import block_line, locate, tokenize
from ..repository.source import SourceText

if TYPE_CHECKING:
    import networkx as nx


PASS = "PASS"
FAIL = "FAIL"
UNKNOWN = "UNKNOWN"
MUST = "MUST"
SHOULD = "SHOULD"
READY = "READY TO CLOSE"
NOT_READY = "NOT READY"

# --------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One fact behind a criterion's state: a sentence, and where it comes from.

    ``wp`` lets the page link the packet; ``rule`` names a finding the fact
    repeats, so a reader can jump to the full report."""

    text: str
    wp: str = ""
    loc: Loc | None = None
    rule: str = ""


@dataclass(frozen=True)
class Criterion:
    """One Part 6.5 criterion with its state for one phase.

    ``needed`` says what evidence would settle an ``UNKNOWN`` criterion (or
    what to fix for a ``FAIL``)."""

    id: str
    title: str
    strength: str  # MUST | SHOULD
    state: str  # PASS | FAIL | UNKNOWN
    evidence: tuple[Evidence, ...] = ()
    needed: str = ""
    attested: bool = False  # PASS only because the board checklist ticks it


@dataclass(frozen=True)
class PhaseClaim:
    """A statement that a phase is closed or ready to close."""

    phase: str
    loc: Loc
    text: str


@dataclass(frozen=True)
class PhaseGate:
    phase: str
    critical: tuple[str, ...]  # phase-critical WP ids, in board / natural order
    critical_source: str  # "board" | "packets"
    validated: tuple[str, ...]  # the phase-critical WPs that are VALIDATED
    criteria: tuple[Criterion, ...]
    claims: tuple[PhaseClaim, ...] = ()
    board_loc: Loc | None = None  # heading of the board's phase-gate section

    @property
    def musts(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.strength == MUST)

    @property
    def shoulds(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.strength == SHOULD)

    @property
    def failed_musts(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.musts if c.state == FAIL)

    @property
    def unknown_musts(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.musts if c.state == UNKNOWN)

    @property
    def ready(self) -> bool:
        return bool(self.musts) and all(c.state == PASS for c in self.musts)

    @property
    def verdict(self) -> str:
        return READY if self.ready else NOT_READY

    @property
    def share(self) -> tuple[int, int]:
        """(VALIDATED, phase-critical) counts."""
        return len(self.validated), len(self.critical)

    def criterion(self, criterion_id: str) -> Criterion | None:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        return None


# --------------------------------------------------------------------------
# Small shared helpers
# --------------------------------------------------------------------------

_PHASE_WORD = re.compile(r"\bphase[\s_-]*(\d+[a-z]?)\b", re.IGNORECASE)
_WP_PHASE = re.compile(r"^WP-([0-9A-Za-z]+)-")


#: Something written as a date ("2026-02-30", "2025-13-01"): in an expiry
#: that is not a real date it is a mistake, not a phase name.
_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}")


def phase_in_text(text: str) -> str:
    """The phase a heading or an expiry names ("PHASE 1 CLOSURE GATES" -> "1")."""
    match = _PHASE_WORD.search(text)
    return match.group(1).upper() if match else ""


def phase_of_wp(wp: str, packet: Packet | None = None) -> str:
    if packet is not None and packet.phase:
        return packet.phase
    match = _WP_PHASE.match(wp)
    return match.group(1) if match else ""


def phase_key(phase: str) -> tuple[int, str]:
    digits = re.match(r"\d+", phase)
    return (int(digits.group(0)), phase) if digits else (1 << 30, phase)


def _first_packets(model: GovernanceModel) -> dict[str, Packet]:
    index: dict[str, Packet] = {}
    for packet in model.packets:
        index.setdefault(packet.id, packet)
    return index


def _wp_key(wp: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", wp) if part)


# --------------------------------------------------------------------------
# Phase claims and the board checklist (read from source files by the loader)
# --------------------------------------------------------------------------

_CLAIM_WORDS = r"ready\s+(?:to|for)\s+clos(?:e|ure)|closed"
# "Phase 1 READY TO CLOSE", "Phase 1: CLOSED", "Phase 2 is ready for closure".
_PHASE_CLAIM = re.compile(
    rf"\bphase[\s_-]*(?P<phase>\d+[a-z]?)\b(?P<between>[^.;!?\n]{{0,40}}?)\b(?P<claim>{_CLAIM_WORDS})\b",
    re.IGNORECASE,
)
# "**Status:** READY TO CLOSE" under a "PHASE 1 CLOSURE GATES" heading.
_STATUS_CLAIM = re.compile(
    rf"^[\W_]*(?:(?:phase|gate|closure)\s+)*(?:status|state|verdict)[\W_]*?[:：][\W_]*(?P<claim>{_CLAIM_WORDS})\b",
    re.IGNORECASE,
)
# Words that turn a claim into a condition or a denial: "cannot close until
# Phase 1 is closed", "Phase 1 is not ready to close", "once Phase 1 closed".
_NEGATION = re.compile(
    r"\b(?:not|no|never|cannot|can't|can’t|isn't|isn’t|won't|won’t|until|unless|before|once|when|if|after|whether|almost|nearly)\b",
    re.IGNORECASE,
)
_CHECKBOX = re.compile(r"^\s*\[(?P<mark>[ xX✓✔])\]\s+(?P<text>\S.*)$")


@dataclass(frozen=True)
class _InlineLine:
    text: str  # one source line of an inline token's content
    line: int
    phase: str  # phase named by the innermost heading that names one
    gate: bool  # that heading is a phase-gate / closure heading
    checkbox_item: bool  # first line of a list item's first paragraph
    heading: bool


def _inline_lines(src: SourceText) -> Iterator[_InlineLine]:
    """Every line of inline text with the phase its headings put it under.

    Fenced code is excluded by the tokenizer, so the protocol's own example
    ("→ Phase 1 READY TO CLOSE ✅" inside a fence) is never a claim."""
    tokens = tokenize(src.text)
    stack: list[tuple[int, str, bool]] = []
    last_line = 1
    for index, token in enumerate(tokens):
        if token.map:
            last_line = block_line(token)
        if token.type != "inline":
            continue
        opener = tokens[index - 1] if index else None
        is_heading = opener is not None and opener.type == "heading_open"
        if is_heading and opener is not None:
            level = int(opener.tag[1:])
            while stack and stack[-1][0] >= level:
                stack.pop()
            phase = phase_in_text(token.content)
            gate = bool(re.search(r"gate|clos", token.content, re.IGNORECASE))
            stack.append((level, phase, gate))
        phase, gate = _context(stack)
        first = block_line(token) if token.map else last_line
        in_item = _starts_list_item(tokens, index)
        for offset, text in enumerate(token.content.split("\n")):
            yield _InlineLine(text, first + offset, phase, gate, in_item and offset == 0, is_heading)


def _context(stack: Sequence[tuple[int, str, bool]]) -> tuple[str, bool]:
    for _level, phase, gate in reversed(stack):
        if phase:
            return phase, gate
    return "", False


def _starts_list_item(tokens: Sequence[Token], index: int) -> bool:
    return index >= 2 and tokens[index - 1].type == "paragraph_open" and tokens[index - 2].type == "list_item_open"


def _negated(text: str, start: int, between: str) -> bool:
    """A denial or condition in the same sentence before the claim word."""
    sentence_start = max(text.rfind(mark, 0, start) for mark in ".;!?")
    before = text[sentence_start + 1 : start]
    return bool(_NEGATION.search(before[-40:]) or _NEGATION.search(between))


def claims_in_text(text: str, context_phase: str = "", context_gate: bool = False) -> list[tuple[str, int, str]]:
    """Phase claims in one line of text: ``(phase, 0-based offset, excerpt)``.

    A claim either names its phase ("Phase 1 READY TO CLOSE") or is a status
    line ("Status: CLOSED") under a heading that names a phase gate."""
    found: list[tuple[str, int, str]] = []
    for match in _PHASE_CLAIM.finditer(text):
        if not _negated(text, match.start(), match.group("between")):
            found.append((match.group("phase").upper(), match.start(), match.group(0)))
    if not found and context_phase and context_gate:
        status = _STATUS_CLAIM.match(text)
        if status:
            start = len(text) - len(text.lstrip())
            found.append((context_phase, start, text.strip()))
    return found


def find_phase_claims(src: SourceText) -> list[tuple[str, Loc, str]]:
    """Every "Phase N is closed / ready to close" statement in a file.

    For the loader to fill :attr:`GovernanceModel.phase_claims` from the task
    board and the packets. The Loc is the exact place of the excerpt."""
    claims: list[tuple[str, Loc, str]] = []
    for item in _inline_lines(src):
        for phase, _offset, excerpt in claims_in_text(item.text, item.phase, item.gate):
            claims.append((phase, locate(src, item.line, excerpt), excerpt))
    return claims


def find_phase_checklist(src: SourceText) -> list[tuple[str, Loc, str, bool]]:
    """Task-list items (``- [x] Spec regression check PASS``) under a heading
    that names a phase: the Orchestrator's phase-gate checklist (Part 6.4).

    For the loader to fill :attr:`GovernanceModel.phase_checklist`."""
    items: list[tuple[str, Loc, str, bool]] = []
    for item in _inline_lines(src):
        if not (item.checkbox_item and item.phase):
            continue
        box = _CHECKBOX.match(item.text)
        if box:
            text = box.group("text").strip()
            items.append((item.phase, locate(src, item.line, item.text.strip()), text, box.group("mark") != " "))
    return items


@dataclass(frozen=True)
class PacketPhaseText:
    """What the phase gate reads in one packet's parsed text: its phase
    claims (in headings and field values) and its deferred-work notes (in
    headings, field values and list items). A function of the packet
    alone, so a caller that evaluates the gate again and again may keep it
    per packet (``scan`` of :func:`evaluate_phase_gate`)."""

    claims: tuple[tuple[str, Loc, str], ...]
    deferred: tuple[tuple[str, Loc], ...]


def scan_packet(packet: Packet) -> PacketPhaseText:
    claims: list[tuple[str, Loc, str]] = []
    texts = [(text, loc) for text, _level, loc in packet.headings]
    texts += [(occurrence.value, occurrence.loc) for occurrences in packet.fields.values() for occurrence in occurrences]
    for text, loc in texts:
        if loc is None:
            continue
        claims.extend((phase, loc, excerpt) for phase, _offset, excerpt in claims_in_text(text))
    deferred = tuple((text, loc) for text, loc in _packet_texts(packet) if _DEFERRED.search(text))
    return PacketPhaseText(tuple(claims), deferred)


PacketScan = Callable[[Packet], PacketPhaseText]


def collect_phase_claims(model: GovernanceModel, scan: PacketScan = scan_packet) -> tuple[PhaseClaim, ...]:
    """Claims from the loader's scan plus those visible in parsed model text.

    The model text (board headings and entries, packet field values and
    headings) is scanned too so the rule works even when the loader did not
    fill ``phase_claims``. Claims on the same line for the same phase are
    reported once, keeping the loader's exact column."""
    claims: list[PhaseClaim] = [PhaseClaim(phase, loc, text) for phase, loc, text in model.phase_claims]
    seen = {(claim.phase, claim.loc.file, claim.loc.line) for claim in claims}

    def add(text: str, loc: Loc | None, phase: str = "", gate: bool = False) -> None:
        if loc is None:
            return
        for found_phase, _offset, excerpt in claims_in_text(text, phase, gate):
            key = (found_phase, loc.file, loc.line)
            if key not in seen:
                seen.add(key)
                claims.append(PhaseClaim(found_phase, loc, excerpt))

    if model.board is not None:
        for name, _column, loc in model.board.columns:
            add(name, loc)
        for entry in model.board.entries:
            gate = entry.column is BoardColumn.PHASE_GATE
            add(entry.text.split("\n")[0], entry.loc, phase_in_text(entry.column_raw) if gate else "", gate)
    for packet in model.packets:
        for found_phase, loc, excerpt in scan(packet).claims:
            key = (found_phase, loc.file, loc.line)
            if key not in seen:
                seen.add(key)
                claims.append(PhaseClaim(found_phase, loc, excerpt))
    return tuple(sorted(claims, key=lambda claim: (phase_key(claim.phase), claim.loc)))


# --------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------

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

_DEFERRED = re.compile(r"\bdefer(?:red|ring|s)?\b|\bpostponed?\b", re.IGNORECASE)


@dataclass
class _Indexes:
    packets: Mapping[str, Packet]
    graph: object
    by_base: Mapping[str, tuple[str, ...]]
    superseded_on_board: frozenset[str]
    findings_by_subject: Mapping[str, tuple[Finding, ...]]


def _indexes(model: GovernanceModel, findings: Sequence[Finding], graph: nx.DiGraph | None) -> _Indexes:
    packets = _first_packets(model)
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
        {base: tuple(sorted(wps, key=_wp_key)) for base, wps in by_base.items()},
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
    return tuple(sorted(live, key=_wp_key)), "packets", board_loc


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
        for dependency in sorted(graph.predecessors(wp), key=_wp_key):  # type: ignore[attr-defined]
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


def _packet_texts(packet: Packet) -> Iterator[tuple[str, Loc]]:
    """Headings, field values and list items of a packet, with their places."""
    for text, _level, loc in packet.headings:
        yield text, loc
    for name in sorted(packet.fields):
        for occurrence in packet.fields[name]:
            if occurrence.value:
                yield occurrence.value, occurrence.loc
            yield from _item_texts(occurrence.items)


def _item_texts(items: Iterable[ListItem]) -> Iterator[tuple[str, Loc]]:
    for item in items:
        yield item.text, item.loc
        yield from _item_texts(item.children)


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


# --------------------------------------------------------------------------
# Waivers (configured in mkdocs.yml, judged against dates and phase gates)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class WaiverState:
    """Why a waiver does or does not count: ``active``, ``unapproved``,
    ``invalid`` (a value that is not a date, an approval after ``as_of``)
    or ``expired``. ``value`` is the value at fault, as configured."""

    state: str
    reason: str
    expiry_phase: str = ""
    value: str = ""


def parse_date(text: str) -> dt.date | None:
    """A real ``YYYY-MM-DD`` date, else None (``2025-13-01`` and
    ``2025-01-01 NOT APPROVED`` are not dates)."""
    return strict_date(text)


def waiver_state(waiver: object, as_of: dt.date, closed_phases: Iterable[str]) -> WaiverState:
    """Judge a waiver (protocol Part 1: "logged with approval date; expire at
    phase boundary").

    The expiry may be a date or a phase ("Phase 1", "end of phase 1"); with
    no expiry the waiver ends at the boundary of its target WP's phase. A
    phase boundary has passed once the phase is claimed closed or ready to
    close anywhere. Dates are read strictly: a value that is neither a real
    date nor (for the expiry) a phase makes the waiver invalid, never
    permanent, and an approval dated after ``as_of`` was not given yet."""
    approved = str(getattr(waiver, "approved", "") or "")
    expires = str(getattr(waiver, "expires", "") or "")
    target = str(getattr(waiver, "target", "") or "")
    closed = set(closed_phases)
    approval_date = parse_date(approved)
    if approval_date is None:
        if not approved.strip():
            return WaiverState("unapproved", "no approval date")
        return WaiverState("invalid", f"approval '{approved}' is not a date (YYYY-MM-DD, a day that exists)", value=approved)
    if approval_date > as_of:
        return WaiverState("invalid", f"approval date {approval_date.isoformat()} is after the build date {as_of.isoformat()} (as_of)", value=approved)
    expiry_date = parse_date(expires)
    if expiry_date is not None:
        if expiry_date < as_of:
            return WaiverState("expired", f"expired on {expiry_date.isoformat()} (as of {as_of.isoformat()})", value=expires)
        return WaiverState("active", f"valid until {expiry_date.isoformat()}")
    phase = phase_in_text(expires) if expires.strip() else phase_of_wp(target.strip())
    if expires.strip() and (not phase or _DATE_LIKE.search(expires)):
        return WaiverState("invalid", f"expiry '{expires}' is neither a date (YYYY-MM-DD, a day that exists) nor a phase", value=expires)
    if phase and phase in closed:
        how = f"expiry '{expires}'" if expires.strip() else f"its target's phase {phase} (no expiry given)"
        return WaiverState("expired", f"{how}: Phase {phase} is claimed closed or ready to close", phase, expires or target)
    return WaiverState("active", f"valid until the end of Phase {phase}" if phase else "no expiry", phase)
