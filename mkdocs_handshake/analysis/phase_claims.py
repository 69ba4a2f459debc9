"""Statements that a phase is closed or ready to close, and the ticked items
of the board's phase-gate checklist: found in source files by the loader
and in packets' text, so the gate (:mod:`.phase_gate`) and the PHASE rules
can weigh them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence
from markdown_it.token import Token

from ..model.basics import BoardColumn, Loc
from ..model.governance import GovernanceModel
from ..model.packet import ListItem, Packet
from ..parse.markdown import block_line, locate, tokenize
from ..repository.source import SourceText
from .phase_basics import PhaseClaim, phase_in_text, phase_key


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


_DEFERRED = re.compile(r"\bdefer(?:red|ring|s)?\b|\bpostponed?\b", re.IGNORECASE)


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
