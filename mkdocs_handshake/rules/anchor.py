"""ANCHOR rules: every packet points at a specific Main Body section.

Protocol Part 5.2 [CX-601]: a SPEC_ANCHOR cites a Main Body section of the
current Master Spec by number, specific enough that DONE_MEANS can map 1:1
to its requirements. Each anchor is judged once, by the first of these
that fails, so one bad anchor yields one finding:

    prose (001) -> unknown number (002) -> Roadmap (003) -> too broad (004)

and, independently, its requirement ids (005), pinned version (006) and
foreign document (007). A missing SPEC_ANCHOR is PKT-004's finding.

Duplicate section numbers (PARSE-003) are resolved by the anchor's label:
``§11.5 (Flight Recorder Event Shapes)`` picks the 11.5 whose title shares
words with the label. When the label does not decide, a check fails only
if it fails for every candidate, so an ambiguous spec never produces a
false finding.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator, Mapping, Sequence

from ..findings.finding import Finding
from ..model.packet import AnchorRef, Packet
from ..model.spec import Section
from ..analysis.module_anchor import resolve_module_anchor
from ..analysis.resolve import candidates
from .base import Rule, rule
from .context import RuleContext
from .spec import current_version, same_version

def damage_note(anchor: AnchorRef) -> str:
    """Message suffix for an anchor whose ``§`` marker was damaged. An
    ``A`` (``Â§`` after an ASCII-only rewrite) and a written-out ``\\u00a7``
    escape are not encoding damage, so PARSE-002 does not report them."""
    if not anchor.damage:
        return ""
    if anchor.damage == "A":
        return f" (the file writes 'A{anchor.number}': § lost in an ASCII-only rewrite of 'Â§'; read as §{anchor.number})"
    if anchor.damage.casefold() == "\\u00a7":
        return f" (the file has the escape {anchor.damage!r} where § belongs; read as §{anchor.number})"
    return f" (the file has {anchor.damage!r} where § belongs; read as §{anchor.number}, see PARSE-002)"


_LISTED = 8  # sections named in one ANCHOR-006 message


def _pin_note(anchor: AnchorRef, current: str) -> str:
    """Message suffix for an anchor that names an older spec version."""
    if not anchor.pinned_version or (current and same_version(anchor.pinned_version, current)):
        return ""
    named = anchor.spec_file or f"v{anchor.pinned_version}"
    return f"; the anchor cites {named}, so the section may have another number now — find it in the current spec"


def _spec_anchors(packets: Iterable[Packet]) -> Iterator[tuple[Packet, AnchorRef]]:
    """Anchors into the Master Spec (a document anchor is ANCHOR-007's)."""
    for packet in packets:
        for anchor in packet.spec_anchors:
            if not anchor.document:
                yield packet, anchor


def _numbered(ctx: RuleContext) -> Iterator[tuple[Packet, AnchorRef, tuple[Section, ...]]]:
    """Numbered Master Spec anchors whose number exists, with candidates."""
    if ctx.model.spec is None:
        return
    sections = ctx.sections_by_number
    for packet, anchor in _spec_anchors(ctx.model.packets):
        found = candidates(anchor, sections) if anchor.number else ()
        if found:
            yield packet, anchor, found


def _id_index(sections: Iterable[Section]) -> dict[str, list[str]]:
    """Requirement id -> numbers of the sections that contain it."""
    index: dict[str, list[str]] = {}
    for section in sections:
        for identifier in section.ids:
            numbers = index.setdefault(identifier.casefold(), [])
            if section.number not in numbers:
                numbers.append(section.number)
    return index


@rule("ANCHOR-001", "error", "SPEC_ANCHOR is a section number, not prose")
def prose_anchor(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.2: "EVERY WP MUST reference Master Spec Main Body" by
    section number (``§2.3.12.1 (Four Portability Pillars)``). Prose such as
    "Debug bundle section (per Master Spec Main Body)" cannot be checked or
    mapped. An anchor made only of requirement ids (``[HSK-WF-002]``) is
    also not a section number; when the id is found in the spec the message
    names the section to write. A path into a spec bundle module with a
    name or line fragment is not prose: ANCHOR-008 resolves it."""
    index = _id_index(ctx.model.spec.sections) if ctx.model.spec else {}
    for packet, anchor in _spec_anchors(ctx.model.packets):
        if anchor.number or anchor.module:
            continue  # a module anchor without a number is ANCHOR-008's
        if anchor.ids:
            homes = sorted({number for identifier in anchor.ids for number in index.get(identifier.casefold(), [])})
            hint = f"; the id is in §{', §'.join(homes)}" if homes else ""
            message = f"SPEC_ANCHOR cites requirement ids without a section number; write §<section> {' '.join(f'[{i}]' for i in anchor.ids)}{hint}"
        elif anchor.spec_file:
            message = (
                f"SPEC_ANCHOR cites {anchor.spec_file} without a Main Body section number (by line, addendum "
                "or description), which cannot be checked; cite the Main Body section, e.g. §2.3.12.1 (Title)"
            )
        else:
            message = "SPEC_ANCHOR is prose, not a section number; cite the Main Body section, e.g. §2.3.12.1 (Title)"
        yield rule_.finding(message, anchor.loc, anchor.raw, packet.id)


@rule("ANCHOR-002", "error", "Anchored section exists in the current spec")
def unknown_section(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.2 checklist: "Cited section exists in SPEC_CURRENT.md"
    / "exists in latest Master Spec version". A section is a numbered heading
    or an item of a numbered list under a numbered heading (``§7.6.3.14``).
    The message names the nearest existing ancestor to help find the
    intended section, or, when the heading is written in the spec but
    inside a code block that swallows it (PARSE-006), says that the spec's
    fences are what to fix."""
    spec = ctx.model.spec
    if spec is None:
        return
    sections = ctx.sections_by_number
    current = current_version(ctx.model)
    swallowed = dict(reversed(spec.swallowed_headings))  # number -> its first place
    for packet, anchor in _spec_anchors(ctx.model.packets):
        if not anchor.number or anchor.number in sections:
            continue
        if anchor.number in swallowed:
            yield rule_.finding(
                f"§{anchor.number} is written in {spec.file} (line {swallowed[anchor.number].line}) but inside a code block, "
                "so it is no section; fix the spec's code fences (PARSE-006)" + _pin_note(anchor, current) + damage_note(anchor),
                anchor.loc,
                anchor.raw,
                packet.id,
            )
            continue
        hint = ""
        parts = anchor.number.split(".")
        while len(parts) > 1:
            parts.pop()
            parent = sections.get(".".join(parts))
            if parent:
                hint = f"; nearest existing section is §{parent[0].number} ({parent[0].title})"
                break
        yield rule_.finding(
            f"§{anchor.number} does not exist in {spec.file}{hint}{_pin_note(anchor, current)}{damage_note(anchor)}",
            anchor.loc,
            anchor.raw,
            packet.id,
        )


@rule("ANCHOR-003", "error", "Anchored section is in the Main Body")
def roadmap_section(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.2: "EVERY WP MUST reference Master Spec Main Body (NOT
    Roadmap)"; ``§Future Work (Phase 2+)`` is invalid. The Roadmap only
    points at the Main Body, which alone defines Done. Sections under a
    Roadmap, Future Work or Phase 2+ heading (including roadmap list items
    such as §7.6.3.12) are reported."""
    for packet, anchor, found in _numbered(ctx):
        if any(section.main_body for section in found):
            continue
        section = found[0]
        yield rule_.finding(
            f"§{anchor.number} ({section.title}) is in the Roadmap / future-phase part of the spec; anchor the Main Body section it points to{damage_note(anchor)}",
            anchor.loc,
            anchor.raw,
            packet.id,
        )


def _heading_parents(sections: Sequence[Section]) -> set[str]:
    """Numbers of sections that have numbered *heading* subsections."""
    return {section.parent for section in sections if section.kind == "heading" and section.parent}


def broad_anchors(ctx: RuleContext) -> Iterator[tuple[Packet, AnchorRef, list[Section], str]]:
    """Anchors ANCHOR-004 reports as too broad, with their Main Body
    sections and what they are ("a whole chapter", "a section with numbered
    subsections"); DONE-002 leaves their MUSTs to it."""
    spec = ctx.model.spec
    if spec is None:
        return
    parents = _heading_parents(spec.sections)
    for packet, anchor, found in _numbered(ctx):
        if anchor.ids or not any(section.main_body for section in found):
            continue
        main = [section for section in found if section.main_body]
        chapter = "." not in anchor.number
        if not chapter and not all(section.has_subsections and section.number in parents for section in main):
            continue
        yield packet, anchor, main, "a whole chapter" if chapter else "a section with numbered subsections"


@rule("ANCHOR-004", "error", "Anchored section is specific, not a chapter")
def broad_section(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.2: "Section number is specific (§2.3.12.1, not §2.3.12
    alone)". Too broad: a chapter (a number without a dot) or a section with
    numbered sub-*headings* of its own, cited alone.

    Decisions: a heading whose only numbered children are the items of its
    own numbered list is specific — the items are the clauses of that one
    section and a packet implementing the whole list cites it correctly.
    An anchor that names requirement ids (``§2.6.1 [HSK-WF-002]``) is not
    "alone": the ids pin it (ANCHOR-005 checks them). Roadmap sections are
    left to ANCHOR-003."""
    for packet, anchor, main, what in broad_anchors(ctx):
        yield rule_.finding(
            f"§{anchor.number} ({main[0].title}) is {what}; cite the specific subsection(s) the work implements, e.g. §{anchor.number}.1{damage_note(anchor)}",
            anchor.loc,
            anchor.raw,
            packet.id,
        )


def _ids_under(number: str, sections: Mapping[str, tuple[Section, ...]], by_parent: Mapping[str, list[Section]]) -> tuple[set[str], str]:
    """Requirement ids of a section and everything numbered under it, and
    their titles (an id may be written in a heading: "Retrieval (ACE-RAG-001)")."""
    found: set[str] = set()
    titles: list[str] = []
    stack = list(sections.get(number, ()))
    seen: set[int] = set()
    while stack:
        section = stack.pop()
        if id(section) in seen:
            continue
        seen.add(id(section))
        found.update(identifier.casefold() for identifier in section.ids)
        titles.append(section.title.casefold())
        stack.extend(by_parent.get(section.number, ()))
    return found, "\n".join(titles)


@rule("ANCHOR-005", "error", "Requirement ids cited beside an anchor exist in that section")
def anchor_ids(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.1 (``SPEC_ANCHOR: §{section} ({requirement})``) and
    Part 5.4: an id written beside the section number (``§2.6.1
    [HSK-WF-002]``) names the requirement the packet implements; it must be
    one of that section's ids (its own body or its numbered subsections).
    One finding per missing id; the message says where the id really is."""
    spec = ctx.model.spec
    if spec is None:
        return
    index = _id_index(spec.sections)
    by_parent: dict[str, list[Section]] = {}
    for section in spec.numbered_sections():
        if section.parent:
            by_parent.setdefault(section.parent, []).append(section)
    cache: dict[str, tuple[set[str], str]] = {}
    for packet, anchor, _ in _numbered(ctx):
        if not anchor.ids:
            continue
        if anchor.number not in cache:
            cache[anchor.number] = _ids_under(anchor.number, ctx.sections_by_number, by_parent)
        present, titles = cache[anchor.number]
        for identifier in anchor.ids:
            if identifier.casefold() in present or re.search(rf"(?<![\w-]){re.escape(identifier.casefold())}(?![\w-])", titles):
                continue
            homes = index.get(identifier.casefold(), [])
            where = f"it is in §{', §'.join(homes)}" if homes else "it is not in the spec at all"
            yield rule_.finding(
                f"[{identifier}] is not a requirement of §{anchor.number}; {where}{damage_note(anchor)}",
                anchor.loc,
                anchor.raw,
                packet.id,
            )


@rule("ANCHOR-006", "warning", "Anchor pinned to an older spec version")
def pinned_version(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.2: the anchor must exist "in latest Master Spec
    version". An anchor pinned to a version (``§7.6.3.15 (v02.36)``, or a
    line naming ``Handshake_Master_Spec_v02.113.md``) other than the current
    one points at text that may since have moved or changed; re-check the
    section in the current spec. A pin equal to the current version is
    harmless and not reported. One finding per packet and version, at its
    first such anchor, naming the sections; anchors whose number no longer
    exists are ANCHOR-002's and prose anchors ANCHOR-001's."""
    current = current_version(ctx.model)
    sections = ctx.sections_by_number
    groups: dict[tuple[str, str], list[AnchorRef]] = {}
    for packet, anchor in _spec_anchors(ctx.model.packets):
        if not anchor.pinned_version or (current and same_version(anchor.pinned_version, current)):
            continue
        if sections and anchor.number and anchor.number not in sections:
            continue  # ANCHOR-002 reports it, naming the pin
        if anchor.spec_file and not anchor.number:
            continue  # ANCHOR-001 reports it, naming the file
        groups.setdefault((packet.id, anchor.pinned_version), []).append(anchor)
    for (wp, version), anchors in groups.items():
        first = anchors[0]
        now = f"current is v{current}" if current else "the current version is unknown"
        cited = list(dict.fromkeys(f"§{anchor.number}" if anchor.number else anchor.raw for anchor in anchors))
        named = ", ".join(cited[:_LISTED]) + (f" and {len(cited) - _LISTED} more" if len(cited) > _LISTED else "")
        source = first.spec_file or f"v{version}"
        yield rule_.finding(
            f"SPEC_ANCHOR cites {named} from {source}, {now}; re-check the section in the current spec and "
            f"cite it there{damage_note(first)}",
            first.loc,
            first.raw,
            wp,
        )


def _document_key(document: str, known: Iterable[str]) -> str | None:
    """The ``document_ids`` key a written document path refers to."""
    wanted = document.strip().lstrip("./").replace("\\", "/").casefold()
    keys = list(known)
    for key in keys:
        if key.casefold() == wanted:
            return key
    for key in keys:
        if key.casefold().endswith("/" + wanted) or wanted.endswith("/" + key.casefold()):
            return key
    return None


@rule("ANCHOR-007", "warning", "Anchor into another document resolves")
def document_anchor(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.2 asks for Master Spec anchors; some packets anchor a
    governance document instead (``[CX-GATE-001] in
    docs/VALIDATOR_PROTOCOL.md``). Such an anchor must at least resolve: the
    document exists and contains every id cited. Section numbers inside
    other documents are not checked (only ids are indexed for them)."""
    documents = ctx.model.document_ids
    for packet in ctx.model.packets:
        for anchor in packet.spec_anchors:
            if not anchor.document:
                continue
            key = _document_key(anchor.document, documents)
            if key is None:
                yield rule_.finding(
                    f"SPEC_ANCHOR points into {anchor.document}, which does not exist or could not be read",
                    anchor.loc,
                    anchor.raw,
                    packet.id,
                )
                continue
            present = {identifier.casefold() for identifier in documents[key]}
            for identifier in anchor.ids:
                if identifier.casefold() not in present:
                    yield rule_.finding(
                        f"[{identifier}] does not occur in {key}; cite an id that the document defines",
                        anchor.loc,
                        anchor.raw,
                        packet.id,
                    )


@rule("ANCHOR-008", "warning", "Anchor into a spec module resolves in the current bundle")
def module_anchor(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """ORCHESTRATOR_PROTOCOL: current Master Spec authority resolves through
    SPEC_CURRENT to the active bundle's modules, and Part 5.2 asks that an
    anchor exist "in latest Master Spec version". An anchor written as a
    module path with a name or line fragment
    (``.../spec-modules/02-x.md#KernelActionCatalogV1``, ``...#L1158``), or
    with none, is resolved in the current bundle's module of the same path
    (:func:`mkdocs_handshake.analysis.module_anchor.resolve_module_anchor`): reported
    when it does not resolve, and when it cites an older bundle, as a
    ``(v02.63)`` pin is (ANCHOR-006), saying where it lands now. Module
    anchors with a section number go through ANCHOR-002 to ANCHOR-006 like
    any numbered anchor."""
    spec = ctx.model.spec
    if spec is None or spec.bundle is None:
        return
    for packet, anchor in _spec_anchors(ctx.model.packets):
        if not anchor.module or anchor.number:
            continue
        found = resolve_module_anchor(anchor, spec)
        if found is None or (found.resolved and not found.pinned):
            continue
        advice = "cite the section in the current bundle" if not found.resolved else "re-check the text there and cite the current bundle"
        yield rule_.finding(f"SPEC_ANCHOR {anchor.raw}: {found.message}; {advice}", anchor.loc, anchor.raw, packet.id)
