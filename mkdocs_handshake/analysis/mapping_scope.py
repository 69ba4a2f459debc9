"""Which requirements a packet's DONE_MEANS may prove: the sections its
anchors name, and the section numbers an item's text cites."""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from ..model.basics import Loc
from ..model.packet import AnchorRef, Packet
from ..model.spec import Requirement, Section, Spec
from ..parse.module_anchors import fragment_kind
from .mapping_index import RequirementIndex
from .module_anchor import resolve_module_anchor
from .resolve import pick_section, resolve_anchor


# A bare dotted number ("SPEC 10.5.5.1 Problems", "per 11.10.4"): a citation
# only when it is one of the packet's anchored sections or under one.
_BARE_NUMBER = re.compile(r"(?<![\w.§/:-])(\d{1,3}(?:\.\d{1,4})+)(?!\w|\.\w)")


def anchor_sections(anchor: AnchorRef, sections: Mapping[str, tuple[Section, ...]], spec: Spec | None = None) -> list[tuple[str, Section]]:
    """The sections one SPEC_ANCHOR entry names. An anchor with a number
    resolves as the ANCHOR rules resolve it; one written without ``§``
    ("Handshake_Master_Spec_v02.113.md 2.6.6.2.8 (JobKind ...)") names the
    dotted numbers in its text that are sections of the spec. An anchor
    into a bundle module by name or line (``.../02-system-architecture.md#WriteBoxV1``),
    given the ``spec``, names the numbered section that name or line lies
    in, found as ANCHOR-008 finds it: the author pointed at that part of
    the spec as surely as by its number."""
    if anchor.number:
        section = resolve_anchor(anchor, sections)
        return [(anchor.number, section)] if section is not None else []
    if spec is not None and anchor.module and fragment_kind(anchor.fragment) in ("name", "line"):
        found = resolve_module_anchor(anchor, spec)
        if found is not None and found.resolved and found.section is not None and found.section.number:
            return [(found.section.number, found.section)]
        return []
    found: list[tuple[str, Section]] = []
    for number in bare_numbers(anchor.raw):
        section = pick_section(sections.get(number, ()))
        if section is not None:
            found.append((number, section))
    return found


_RANGE = re.compile(r"(?<![\w.§/:-])(\d{1,3}(?:\.\d{1,4})+)\s*[-–]\s*(\d{1,3}(?:\.\d{1,4})+)(?!\w|\.\w)")
_ESCAPED_SECTION_SIGN = re.compile(r"\\u00a7", re.IGNORECASE)
_NUMBER_LIST = re.compile(r"(?<=\d)/(?=\d)")


def bare_numbers(text: str) -> list[str]:
    """Dotted section numbers written without ``§`` (a literal ``\\u00a7``
    escape counts as ``§``). A range between siblings ("10.5.6.1-10.5.6.12")
    names every sibling in it."""
    text = _ESCAPED_SECTION_SIGN.sub("§", text)
    text = _NUMBER_LIST.sub(" ", text)  # "2.3.15.4/2.3.15.3" cites both
    numbers: list[str] = []
    for match in _RANGE.finditer(text):
        first, last = match.group(1).split("."), match.group(2).split(".")
        if len(first) == len(last) and first[:-1] == last[:-1] and int(first[-1]) < int(last[-1]) <= int(first[-1]) + 50:
            numbers.extend(".".join([*first[:-1], str(n)]) for n in range(int(first[-1]), int(last[-1]) + 1))
    for match in _BARE_NUMBER.finditer(text.replace("§", " ")):
        numbers.append(match.group(1))
    return list(dict.fromkeys(numbers))


def anchored(packet: Packet, sections: Mapping[str, tuple[Section, ...]], spec: Spec | None = None) -> dict[str, Section]:
    """Anchored section number -> Section, in anchor order (anchors by a
    module name or line count only with the ``spec`` they resolve in)."""
    result: dict[str, Section] = {}
    for anchor in packet.spec_anchors:
        for number, section in anchor_sections(anchor, sections, spec):
            result.setdefault(number, section)
    return result


def scope_of(anchors: Mapping[str, Section], index: RequirementIndex) -> list[tuple[str, Section]]:
    """Each anchored section and its subsections, once each, in order."""
    seen: set[int] = set()
    scope: list[tuple[str, Section]] = []
    for number, section in anchors.items():
        for candidate in (section, *index.subtree(section)):
            if id(candidate) not in seen:
                seen.add(id(candidate))
                scope.append((candidate.number, candidate))
    return scope


def candidates_in(scope: Iterable[tuple[str, Section]]) -> list[tuple[str, Requirement]]:
    """Requirements of the scope once each: a list item's requirement is also
    its heading's, and is tried under the first of them in scope."""
    seen: set[Loc] = set()
    found: list[tuple[str, Requirement]] = []
    for number, section in scope:
        for requirement in section.requirements:
            if requirement.loc not in seen:
                seen.add(requirement.loc)
                found.append((number, requirement))
    return found
