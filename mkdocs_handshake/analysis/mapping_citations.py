"""What a DONE_MEANS item cites by number: "requirement N", a section or
subsection, a list item, a group of subsections; and the sections and
sentences such a citation points into."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping, Sequence

from ..model.packet import DoneMapping
from ..model.spec import Requirement, Section
from .mapping_index import RequirementIndex
from .mapping_scope import bare_numbers
from .mapping_scores import Query, Score, best_combined, best_score, containment, score_requirement
from .mapping_terms import Terms, identifier_key, terms_of
from .resolve import pick_section
from .traceability import number_key, section_refs, within_anchors


_REQUIREMENT_NUMBER = re.compile(
    r"\b(?:requirements?|reqs?\.?)\s*#?\s*(?P<numbers>\d+(?:\s*(?:,|and|&|/|-|–)\s*\d+)*)",
    re.IGNORECASE,
)


# "11.10.4 item 2", "§7.6.3, Item 14": the list item the spec parser makes
# addressable as 11.10.4.2 (as the anchor parser reads "§7.6.3 Item 14").
_ITEM_OF = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,4})+)\s*,?\s*\(?\s*item\s+(\d{1,3})\b", re.IGNORECASE)


def requirement_numbers(text: str) -> list[tuple[int, int]]:
    """``(N, offset)`` of every "requirement N" the text names (ranges and
    lists of numbers count each number)."""
    numbers: list[tuple[int, int]] = []
    for match in _REQUIREMENT_NUMBER.finditer(text):
        spec = match.group("numbers")
        span = re.fullmatch(r"\s*(\d+)\s*[-–]\s*(\d+)\s*", spec)
        if span and int(span.group(1)) <= int(span.group(2)) <= int(span.group(1)) + 50:
            values = list(range(int(span.group(1)), int(span.group(2)) + 1))
        else:
            values = [int(value) for value in re.findall(r"\d+", spec)]
        numbers.extend((value, match.start()) for value in values)
    return numbers


def cited_numbers(text: str, anchors: Mapping[str, Section]) -> list[tuple[str, int]]:
    """``(number, offset)`` of every section the text cites inside the
    anchors: ``§`` / ``Section`` references, and bare dotted numbers that are
    an anchored number or lie under one."""
    found: dict[str, int] = {}
    for match in _ITEM_OF.finditer(text):
        number = f"{match.group(1)}.{match.group(2)}"
        if within_anchors(number, anchors) is not None:
            found.setdefault(number, match.start())
            # The section number belongs to the item reference: blank it
            # (same length, so offsets hold) before the plain scan.
            text = text[: match.start(1)] + " " * len(match.group(1)) + text[match.end(1):]
    for number, offset in section_refs(text):
        if within_anchors(number, anchors) is not None:
            found.setdefault(number, offset)
    for number in bare_numbers(text):
        if within_anchors(number, anchors) is not None:
            found.setdefault(number, max(text.find(number), 0))
    return sorted(found.items(), key=lambda entry: entry[1])


def is_list_header(requirement: Requirement, siblings: Sequence[Requirement]) -> bool:
    """A sentence that ends in a colon and whose list items are
    requirements of their own (they restate it: "Exports MUST be
    accessible from: Evidence Drawer ...") is their parent, not a
    requirement an item proves on its own. A colon sentence that nothing
    restates is one: what follows it is a code block that illustrates it
    (``Requirement.evidence``) or a list the spec did not make into
    requirements, and the sentence is the only requirement that holds it."""
    text = requirement.text.rstrip()
    return text.endswith(":") and any(other is not requirement and other.text.startswith(text) for other in siblings)


def statements_only(candidates: list[tuple[str, Requirement]]) -> list[tuple[str, Requirement]]:
    """The candidates without list headers (all of them when that would
    leave none)."""
    siblings = [requirement for _, requirement in candidates]
    kept = [(number, requirement) for number, requirement in candidates if not is_list_header(requirement, siblings)]
    return kept or candidates


def sentence_of_block(
    requirement: Requirement, section: Section | None, hits: Sequence[str], index: RequirementIndex,
    query: Mapping[str, float], names: frozenset[str],
) -> Requirement:
    """The sentence of a cited requirement id's block the item proves. The
    block is the sentence holding the id and the requirements after it in
    its section, up to the next one with an id of its own ("[HSK-WF-002]
    ... Workflows MUST follow a strict state machine. Upon engine restart,
    the system MUST ..."). The best-scoring sentence wins, not the first;
    the id itself is left out of the scoring (only the first sentence
    holds it), and a tie keeps the first."""
    if section is None:
        return requirement
    sentences = list(section.requirements)
    position = next((at for at, found in enumerate(sentences) if found is requirement), None)
    if position is None:
        return requirement
    block = [requirement]
    for follower in sentences[position + 1:]:
        if follower.ids:
            break
        block.append(follower)
    block = [found for _, found in statements_only([("", found) for found in block])]
    if len(block) == 1:
        return block[0]
    cited = {identifier_key(hit) for hit in hits}
    narrowed = Query({term: weight for term, weight in query.items() if term not in cited})
    narrowed.vector = getattr(query, "vector", None)
    scores = [score_requirement(narrowed, names - cited, section.number, found, index) for found in block]
    best = best_combined(scores)
    return best.requirement if best is not None and best.combined > 0 else block[0]


# "Debug Bundle export MUST be accessible from: Jobs View - ...": the
# header a list item restates, up to its colon.
_LIST_HEAD = re.compile(r"(.{3,}?:)\s+\S")


@lru_cache(maxsize=1 << 14)
def _list_head(text: str) -> str:
    """The header a list item restates, when it says what the list is
    about ("Debug Bundle export MUST be accessible from:"); "" for none, and
    for a bare keyword label ("MUST:", "REQUIRED:", "Requirement:"), which
    introduces unrelated obligations of a section, not items of one list."""
    head = _LIST_HEAD.match(text)
    return head.group(1) if head and terms_of(head.group(1)).all else ""


def named_list(scores: Sequence[Score], query: Mapping[str, float], names: frozenset[str], index: RequirementIndex) -> tuple[Score, float, tuple[str, ...]] | None:
    """An item that names several items of one list proves the list
    ("export triggers exist from Evidence Drawer, Jobs View, Problems View,
    Timeline View" against "Debug Bundle export MUST be accessible from:
    Evidence Drawer ...", "... from: Jobs View ..."): each item alone
    holds a fraction of its words, the list as a whole most of them. A
    list is two or more requirements of one section restating one header;
    an item names a member when it shares a term only that member has.
    Returns the best-fitting named member, the item's containment in the
    whole list (header and all its items) and the terms shared with it,
    for the list that contains the item best; None when the item names
    fewer than two members of any list."""
    lists: dict[tuple[str, str], list[Score]] = {}
    for entry in scores:
        head = _list_head(entry.requirement.text)
        if head:
            lists.setdefault((entry.section, head), []).append(entry)
    found: tuple[Score, float, tuple[str, ...]] | None = None
    for members in lists.values():
        if sum(1 for member in members if member.shared_words or member.shared_names) < 2:
            continue
        own = [index.terms(member.requirement).all for member in members]
        named = []
        for at, member in enumerate(members):
            only = own[at].difference(*(terms for other, terms in enumerate(own) if other != at))
            if only & {*member.shared_words, *member.shared_names}:
                named.append(member)
        if len(named) < 2:
            continue
        whole = Terms(frozenset().union(*(index.terms(m.requirement).words for m in members)),
                      frozenset().union(*(index.terms(m.requirement).names for m in members)))
        score, words, shared_names = containment(query, names, whole, index)
        pick = best_score(named)
        if pick is not None and (found is None or score > found[1] + 1e-9):
            found = (pick, score, (*shared_names, *words))
    return found


def section_at(number: str, lookup: Mapping[str, Section], index: RequirementIndex) -> Section | None:
    """Section ``number``: the packet's scope's own, else the spec's."""
    return lookup.get(number) or pick_section(index.sections_by_number.get(number, ()))


def _parent(number: str) -> str:
    return number.rsplit(".", 1)[0] if "." in number else ""


def cited_groups(text: str, cited: Sequence[tuple[str, int]], anchors: Mapping[str, Section], index: RequirementIndex) -> dict[str, list[tuple[str, str]]]:
    """Parent section -> ``(number, evidence)`` of two or more of its
    subsections the item cites together: by number ("2.6.6.7.11.1-2.6.6.7.11.12",
    "2.3.15.4/2.3.15.3") or by naming their titles ("ContextDeterminismGuard,
    ArtifactHandleOnlyGuard ... per §2.6.6.7.11", where each name is the
    title of a subsection of the cited section). Only the item's own text
    names titles: a header that lists them introduces sub-items that each
    take one. The parent must lie within the anchors."""
    groups: dict[str, dict[str, str]] = {}
    for number, _ in cited:
        parent = _parent(number)
        if parent and within_anchors(parent, anchors) is not None:
            groups.setdefault(parent, {}).setdefault(number, f"§{number}")
    own = terms_of(text)
    if own.names:
        surface = dict(own.surface)
        for parent in dict.fromkeys([*(number for number, _ in cited), *anchors]):
            for child, titled in index.titled_children(parent):
                if titled <= own.names:
                    groups.setdefault(parent, {}).setdefault(child.number, ", ".join(surface.get(name, name) for name in sorted(titled)))
    return {
        parent: sorted(members.items(), key=lambda member: number_key(member[0]))
        for parent, members in groups.items()
        if len(members) >= 2
    }


def group_evidence(members: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """How the item named the group: its titles as written, and a run of
    consecutive subsections cited by number as one range."""
    numbered = [number for number, written in members if written == f"§{number}"]
    lasts = [number_key(number)[-1] for number in numbered]  # (0, n, "") for a numeric part
    if len(numbered) >= 3 and lasts == [(0, lasts[0][1] + step, "") for step in range(len(lasts))]:
        run = (f"§{numbered[0]}–§{numbered[-1]}",)
        return (*run, *(written for number, written in members if number not in numbered))
    return tuple(dict.fromkeys(written for _, written in members))


def section_ancestors(number: str, anchors: Mapping[str, Section], lookup: Mapping[str, Section], index: RequirementIndex) -> list[tuple[str, Section]]:
    """The sections between the anchored section ``number`` lies under and
    ``number`` itself (both ends included for the anchor, excluded for
    ``number``), nearest first: their own requirements, not their subtrees."""
    anchor = within_anchors(number, anchors)
    if anchor is None or anchor == number:
        return []
    parts = number.split(".")
    found: list[tuple[str, Section]] = []
    for cut in range(len(parts) - 1, len(anchor.split(".")) - 1, -1):
        ancestor = ".".join(parts[:cut])
        section = section_at(ancestor, lookup, index)
        if section is not None:
            found.append((ancestor, section))
    return found


def one_per_item(citations: tuple[DoneMapping, ...]) -> tuple[DoneMapping, ...]:
    """Part 5.4 ties an item to one requirement. Citations by number or id
    are the author's word and all stay; of the requirements found by
    narrowing cited sections on wording, only the best-scoring one does, and
    a section-level citation only when nothing narrower was found."""
    explicit = tuple(m for m in citations if m.threshold >= 1.0)
    narrowed = [m for m in citations if m.threshold < 1.0 and m.requirement_index]
    if explicit:
        return explicit
    if narrowed:
        return (max(narrowed, key=lambda m: m.score),)  # max keeps the first of equals
    return citations
