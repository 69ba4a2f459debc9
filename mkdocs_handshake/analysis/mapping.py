"""DONE_MEANS item -> the requirement it proves: a matcher a reviewer can check.

Part 5.4 ties every DONE_MEANS item 1:1 to a requirement of the packet's
anchored sections. People rarely write ``(§2.3.12.3, requirement 1)``; they
restate the requirement in their own words, name the error code or event type
it is about, or cite the section in a group header above the item. This module
decides, for each item, which requirement it proves and records *why*, so the
packet page, the traceability matrix, the DONE rules and ``model.json`` all
show the same answer with its evidence.

Signals, strongest first (the first one that decides wins):

1. **citation**: the item (or its group header) names a requirement id of the
   anchored sections (``[HSK-WF-003]`` or bare ``HSK-WF-003``), "requirement
   N" of a cited or the only anchored section, or cites an anchored section
   or subsection (``§4.2.3``, ``Section 4.2.3``, or a bare ``4.2.3`` that is
   one of the packet's anchored numbers). A cited section without a
   requirement number is narrowed to its best-scoring requirement when the
   item's wording clears :data:`CITED_THRESHOLD` (when nothing in its
   subtree does, the sections between it and its anchor are tried: a
   subsection elaborates them); else it maps to the section as a whole
   (``requirement_index`` 0, which proves no single requirement).
   "11.10.4 item 2" cites the list item §11.10.4.2, and "2.3.15.4/2.3.15.3"
   both numbers. Two or more subsections cited together, by a range or
   list of their numbers or by naming their titles, are a group: when no
   member's requirement fits the wording, the item proves what they have
   in common, their parent's own requirement.
2. **verification**: the item states that a check passed (tests pass,
   validator PASS, ``just post-work``, forbidden-pattern audit, evidence
   mapping, TEST_PLAN executed); see :func:`.traceability.is_verification`.
3. **identifier**: the item shares a name with a requirement: an error code,
   event type, function or type name, a backticked term, including the names
   in the code blocks that illustrate the requirement (``Requirement.evidence``).
   Names are specific, so the bar is lower: :data:`IDENTIFIER_THRESHOLD`.
4. **lexical**: the item's words are drawn from one requirement sentence
   (:data:`LEXICAL_THRESHOLD`, at least :data:`MIN_SHARED_WORDS` words).
   Inside a cited section none of whose sentences fits, an item that
   names several items of one list (requirements of the section restating
   one header that says what the list is about, each item named by a term
   only it has) is scored against the list as a whole, against the
   citation's bar, and maps to the item that fits best (``via`` "list"):
   each alone holds a fraction of its words. Not without a citation:
   across all the anchored sections, an item that mentions several things
   a list names (June's "indexes roots ... with source hashes, typed
   entities, edges, spans, claims" against "The ProjectKnowledgeIndex MUST
   expose these canonical record families: ...") is as often about
   something else, and which member it "proves" is arbitrary; on the
   labelled set such mappings were right once in four.
5. **ranked**: no requirement reaches those bars, but one of the packet's
   scope is clearly the best: it reaches :data:`RANKED_THRESHOLD` with
   :data:`MIN_SHARED_WORDS` shared terms, and scores at least
   :data:`RANKED_MARGIN` times any other requirement. The mapping names that
   runner-up, so a reviewer sees how far ahead it was.

6. **semantic** (with the sentence embedding of :mod:`.semantic`): one
   calibrated decision (:func:`_decision`) over one score per requirement,
   the mean of its lexical score (below) and its cosine with the item in
   the embedding; list headers (a sentence ending in a colon whose list
   items restate it as requirements of their own: it is their parent, not
   a requirement) are left out. The best is the one when it reaches :data:`DECISION_BAR` and leads
   the runner-up by :data:`DECISION_MARGIN`; the mapping names the
   runner-up. The same decision (a) maps an item no word signal decides,
   (b) narrows a cited section whose sentences miss the citation's word
   bar, (c) maps within the anchors an item whose cited section holds no
   fitting sentence (the citation says where the author looked), and (d)
   overrules a word pick (identifier, lexical, ranked) when it names
   another requirement that leads every other one, the word pick
   included, by the margin. Inside a **cited requirement id's block**
   ("[HSK-WF-002]" cites the sentence holding the id and the sentences
   after it up to the next id) the best-fitting sentence wins, not the
   first. Bar and margin are the only values fitted to the labelled set,
   across its three corpora (``benchmarks/mapping.py --fit``: fit on one,
   measure on each other one). Fitted on December or February, they come
   out at the top of the grid, where the decision maps nothing: on the
   February corpus every lower setting adds more wrong mappings than
   right ones, and on the December corpus no item the decision could
   reach is a labelled requirement. Fitted on June, a lower setting maps
   two more February items right and five more wrong (see the closing
   notes of issue 22). Without the embedding (package absent or its files refused:
   one line), words alone decide and (a)-(d) never apply.

The score is the **IDF-weighted containment of the item in the
requirement**: ``sum(idf(t) for t in item & requirement) / sum(idf(t) for t
in item)``, with BM25's idf ``ln(1 + (N - df + 0.5) / (df + 0.5))`` over all
N requirements of the spec. Containment, not cosine or raw BM25: an item is a
short restatement of a long sentence, so what matters is how much of *the
item* the requirement accounts for, and the result is a fraction a threshold
can be stated in. The idf makes a shared "event" or "data" count for little
and a shared ``llm_inference`` for a lot. A name that occurs nowhere in the
spec (an implementation's file or struct name) is left out of the
denominator: it is neither evidence for nor against any requirement. A
number (a cited "2.6.6.7.11", a "60") is no word: citations are signal 1's.
A requirement's code block lends it names but not their words (a long
schema would otherwise give its requirement the vocabulary of every field);
when the item's name is one of those names, the words the name is made of
count as found.
Written here rather than taken from a library: the whole measure is twenty
lines and its terms are what the page shows.

Why these thresholds (principles, not fitted values): a lexical match must
account for at least half of what the item says (0.5) with two shared
words, so one topical word never maps an item; an identifier match needs a
third (0.34), because a shared code such as ``HSK-402-BUDGET-EXCEEDED`` is
itself most of the evidence, but only when that name occurs in at most two
requirements of the scope (a name every requirement mentions singles none
out); within a section the item cites, a quarter
(0.25) suffices, because the citation already chose the section.
The ranked signal applies the same reasoning to the anchor: the packet's
SPEC_ANCHOR chose the sections and Part 5.4 says each item proves one of
their requirements, so within them the citation bar (0.25) suffices *if*
the words single one requirement out: at least twice the score of every
other (2.0 is "clearly", not a fitted ratio). A tie or a close second means
the words do not decide between requirements, and the item stays unmapped.
It is the weakest signal: a sentence that shares its subject with one
requirement but says something else about it ("Retry button added to the
audit view" against "Every retry MUST be recorded ... in the audit_log
table") can be clearly ahead too. The page labels these "best of the anchor"
so a reviewer knows which mappings to check first.

Cost: :class:`RequirementIndex` reads every requirement of the spec once per
build (terms, document frequencies, the subtree of every section); mapping a
packet then touches only the requirements of its anchored sections and their
subsections. ``comparisons`` counts that work so a test can check it grows
linearly with the number of packets.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Mapping, Sequence

from . import semantic
from ..model.packet import DoneMapping, ListItem, Packet
from ..model.spec import Requirement, Section
from .mapping_citations import (
    section_ancestors,
    cited_numbers,
    group_evidence,
    cited_groups,
    is_list_header,
    named_list,
    one_per_item,
    requirement_numbers,
    section_at,
    sentence_of_block,
    statements_only,
)
from .mapping_index import RequirementIndex, index_for
from .mapping_scope import candidates_in, scope_of, anchored
from .mapping_scores import Score, best_score, best_combined, item_query, score_requirement, as_written
from .mapping_terms import terms_of
from .traceability import done_entries, is_verification, section_refs


LEXICAL_THRESHOLD = 0.5
IDENTIFIER_THRESHOLD = 0.34
CITED_THRESHOLD = 0.25
RANKED_THRESHOLD = 0.25
RANKED_MARGIN = 2.0
MIN_SHARED_WORDS = 2
#: The calibrated decision with an embedding (see :func:`_decision`): the
#: combined score the best requirement must reach, and its lead over the
#: runner-up. Fitted by ``benchmarks/mapping.py --fit`` across the three
#: labelled corpora (fit on one, measured on each other one, then on all
#: for the values shipped); nothing else is fitted to the labelled items.
DECISION_BAR = 0.8
DECISION_MARGIN = 0.2
DISTINCT_NAME_SPREAD = 2


_ID = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)(?![\w-])")


def _chosen(scores: Sequence[Score]) -> tuple[Score | None, bool]:
    """The requirement a cited section is narrowed to, and whether it is
    the one the item proves. Of the candidates that fit by words (the
    citation's bar, :func:`_worded`), the best by the combined score with
    an embedding, else by words; failing that, with an embedding, the one
    the calibrated decision (:func:`_decision`) picks among the cited
    candidates. When neither, the best of all is returned to show, with
    False."""
    pick = best_combined if any(entry.semantic for entry in scores) else best_score
    worded = pick([entry for entry in scores if _worded(entry)])
    if worded is not None:
        return worded, True
    decided = _decision(scores)
    if decided is not None:
        return decided[0], True
    return pick(scores), False


def _passes(entry: Score, spread: Mapping[str, int]) -> str:
    """The signal an entry qualifies by, or "". A shared name counts as an
    identifier only when it singles the requirement out: it occurs in at
    most :data:`DISTINCT_NAME_SPREAD` requirements of the packet's scope
    (``trace_id``, named by half the Flight Recorder section, identifies
    nothing there; ``HSK-402-BUDGET-EXCEEDED`` does)."""
    distinct = any(spread.get(name, 0) <= DISTINCT_NAME_SPREAD for name in entry.shared_names)
    if distinct and entry.score >= IDENTIFIER_THRESHOLD:
        return "identifier"
    if len(entry.shared_words) + len(entry.shared_names) >= MIN_SHARED_WORDS and entry.score >= LEXICAL_THRESHOLD:
        return "lexical"
    return ""


def _clearly_ahead(scores: Sequence[Score]) -> tuple[Score, Score | None] | None:
    """The best requirement of the packet's scope and its runner-up, when
    the best is clearly ahead: it reaches :data:`RANKED_THRESHOLD` with
    :data:`MIN_SHARED_WORDS` shared terms, and no other requirement scores
    more than 1 / :data:`RANKED_MARGIN` of it (an equal score, as of two
    requirements with the same words, is a tie: nothing is ahead). Else None."""
    best = best_score(scores)
    if best is None or best.score < RANKED_THRESHOLD or len(best.shared_words) + len(best.shared_names) < MIN_SHARED_WORDS:
        return None
    runner_up = best_score([entry for entry in scores if entry is not best])
    if runner_up is not None and runner_up.score * RANKED_MARGIN > best.score:
        return None
    return best, (runner_up if runner_up is not None and runner_up.score > 0 else None)


# --------------------------------------------------------------------------
# Mapping
# --------------------------------------------------------------------------


def _mapping(item: ListItem, kind: str, header: str, **values: object) -> DoneMapping:
    return DoneMapping(item=item, kind=kind, group=header, **values)  # type: ignore[arg-type]


def _cites(item: ListItem, header: str, number: str, requirement: Requirement, terms: tuple[str, ...], via: str = "") -> DoneMapping:
    """A requirement the item names outright (by number, id, code or group):
    the author's word, so its score and bar are 1."""
    return _mapping(item, "citation", header, section=number, requirement_index=requirement.index,
                    requirement_text=requirement.text, score=1.0, terms=terms, threshold=1.0, via=via)


def _from_score(item: ListItem, kind: str, header: str, entry: Score, threshold: float) -> DoneMapping:
    return _mapping(
        item,
        kind,
        header,
        section=entry.section,
        requirement_index=entry.requirement.index,
        requirement_text=entry.requirement.text,
        score=round(entry.score, 3),
        terms=as_written((*entry.shared_names, *entry.shared_words), item.text, header),
        threshold=threshold,
    )


def _citations(
    item: ListItem, header: str, text: str, anchors: Mapping[str, Section], scope: list[tuple[str, Section]],
    index: RequirementIndex, query: Mapping[str, float], names: frozenset[str],
) -> list[DoneMapping]:
    """Mappings the item's own words or its header cite; empty when none.

    Besides bracketed requirement ids, a code of three or more parts
    (``FR-EVT-MT-005``, ``HSK-402-BUDGET-EXCEEDED``) cites the one
    requirement of the scope that names it: an event table row or an error
    code is as much an identifier as ``[HSK-WF-003]``. A code several
    requirements name singles none out and is left to the other signals."""
    mappings: list[DoneMapping] = []
    context = f"{header} {text}".strip()
    cited = cited_numbers(context, anchors)
    lookup = {number: section for number, section in scope}
    numbered: set[str] = set()
    for value, offset in requirement_numbers(text):
        preceding = [entry for entry in cited if entry[1] <= offset + len(header) + 1]
        if preceding:
            number = preceding[-1][0]
        elif cited:
            number = cited[0][0]
        elif len(anchors) == 1 and not section_refs(text):
            number = next(iter(anchors))
        else:
            continue
        numbered.add(number)
        section = section_at(number, lookup, index)
        requirement = next((r for r in section.requirements if r.index == value), None) if section else None
        if requirement is None:
            mappings.append(_mapping(item, "unmapped", header, section=number, requirement_index=value, terms=(f"requirement {value}",)))
        else:
            mappings.append(_cites(item, header, number, requirement, (f"requirement {value}",)))
    ids = set(_ID.findall(context))
    if ids:
        codes = {code for code in ids if code.count("-") >= 2}
        holders: dict[str, list[tuple[str, Requirement]]] = {}
        for number, requirement in candidates_in(scope):
            hits = sorted(ids & set(requirement.ids))
            if hits:
                numbered.add(number)
                chosen = sentence_of_block(requirement, lookup.get(number), hits, index, query, names)
                mappings.append(_cites(item, header, number, chosen, tuple(hits)))
            elif codes:
                for code in codes & set(_ID.findall(requirement.text)):
                    holders.setdefault(code, []).append((number, requirement))
        for code, found in sorted(holders.items()):
            if len(found) == 1:
                number, requirement = found[0]
                numbered.add(number)
                mappings.append(_cites(item, header, number, requirement, (code,)))
    # A requirement cited by id or number is more specific than a group.
    groups = {} if any(m.threshold >= 1.0 for m in mappings) else cited_groups(text, cited, anchors, index)
    for parent, members in sorted(groups.items()):
        found = _group_mapping(item, header, parent, members, lookup, index, query, names)
        if found is not None:
            numbered.update((parent, *(number for number, _ in members)))
            mappings.append(found)
    for number, _ in cited:
        if number in numbered:
            continue
        numbered.add(number)
        section = section_at(number, lookup, index)
        if section is None:
            mappings.append(_mapping(item, "unmapped", header, section=number, terms=(f"§{number}",)))
            continue
        within = [(number, section), *((s.number, s) for s in index.subtree(section))]
        scores = [score_requirement(query, names, n, r, index) for n, r in statements_only(candidates_in(within))]
        best, narrows = _chosen(scores)
        listed = None if narrows else named_list(scores, query, names, index)
        if listed is not None and listed[1] >= CITED_THRESHOLD:
            # No one sentence fits, several items of one list do: the list.
            pick, score, terms = listed
            mappings.append(replace(_from_score(item, "citation", header, pick, CITED_THRESHOLD), score=round(score, 3),
                                    terms=as_written(terms, item.text, header), via="list"))
            continue
        if not narrows:
            # Nothing in the cited subsection fits: the sections it lies
            # under, up to the anchor, are the same part of the spec (a
            # subsection elaborates its parent's requirements).
            above = [score_requirement(query, names, n, r, index) for n, r in statements_only(candidates_in(section_ancestors(number, anchors, lookup, index)))]
            found, fits = _chosen(above)
            if fits:
                scores, best, narrows = above, found, True
        if not scores:
            # A section that states no requirement cannot say which one the
            # item proves: the other signals decide (see map_item).
            mappings.append(_mapping(item, "unmapped", header, section=number, terms=(f"§{number}",), threshold=CITED_THRESHOLD))
            continue
        if best is not None and narrows:
            mappings.append(_from_score(item, "citation", header, best, CITED_THRESHOLD))
        else:
            mappings.append(_mapping(item, "citation", header, section=number, terms=(f"§{number}",), threshold=CITED_THRESHOLD,
                                     score=round(best.score, 3) if best else 0.0))
    return mappings


def _group_mapping(
    item: ListItem, header: str, parent: str, members: Sequence[tuple[str, str]], lookup: Mapping[str, Section],
    index: RequirementIndex, query: Mapping[str, float], names: frozenset[str],
) -> DoneMapping | None:
    """What a group of cited subsections proves. A requirement of one member
    that fits the wording is the specific one; failing that, the group
    stands for what its members have in common: their parent's own
    requirement, which they elaborate ("The runtime MUST provide validators
    that reject violations:" above one subsection per validator). With one
    such requirement it is the one; with several, the wording must choose;
    when it cannot, or there is none, the citations are read one by one."""
    within: list[tuple[str, Section]] = []
    for number, _ in members:
        section = section_at(number, lookup, index)
        if section is not None:
            within.extend([(number, section), *((s.number, s) for s in index.subtree(section))])
    best, fits = _chosen([score_requirement(query, names, n, r, index) for n, r in statements_only(candidates_in(within))])
    if best is not None and fits:
        return _from_score(item, "citation", header, best, CITED_THRESHOLD)
    section = section_at(parent, lookup, index)
    own = candidates_in([(parent, section)]) if section is not None else []
    evidence = group_evidence(members)
    if len(own) == 1:
        number, requirement = own[0]
        return _cites(item, header, number, requirement, evidence, via="group")
    best, fits = _chosen([score_requirement(query, names, n, r, index) for n, r in own])
    if best is not None and fits:
        return replace(_from_score(item, "citation", header, best, CITED_THRESHOLD), via="group")
    return None


def _worded(entry: Score | None) -> bool:
    """Whether a requirement of a cited section fits the item's words well
    enough to be the one it proves (the citation's bar). (Taking the best
    sentence of a cited section whatever its score was tried: it maps items
    that prove nothing of the section, such as a struct cited by its
    section number, to some sentence of it.)"""
    return entry is not None and entry.score >= CITED_THRESHOLD and bool(entry.shared_words or entry.shared_names)


def map_item(
    item: ListItem, header: str, anchors: Mapping[str, Section], index: RequirementIndex, scope: list[tuple[str, Section]] | None = None
) -> tuple[DoneMapping, ...]:
    """Every mapping of one item (several when it cites several
    requirements); exactly one ``unmapped`` mapping when nothing fits, which
    names the nearest requirement tried and its score."""
    text = item.text
    scope = scope if scope is not None else scope_of(anchors, index)
    query = item_query(text, header, index)
    names = terms_of(f"{header} {text}").names
    cited = _citations(item, header, text, anchors, scope, index, query, names)
    scores: list[Score] | None = None
    if any(mapping.kind == "citation" for mapping in cited):
        chosen = one_per_item(tuple(mapping for mapping in cited if mapping.kind == "citation"))
        if any(mapping.covers for mapping in chosen) or index.embedder is None:
            return chosen
        # A cited section none of whose sentences fits: the citation says
        # where the author looked, the anchors where the requirement is. The
        # calibrated decision over the packet's scope may still name it.
        scores = [score_requirement(query, names, number, requirement, index) for number, requirement in statements_only(candidates_in(scope))]
        decided = _decide(item, header, scores)
        return (decided,) if decided is not None else chosen
    empty_sections = [m for m in cited if not m.requirement_index and m.section in index.sections_by_number]
    if cited and len(empty_sections) < len(cited):  # a requirement or section that does not exist
        return (next(m for m in cited if m not in empty_sections),)
    if is_verification(text):
        return (_mapping(item, "verification", header, terms=("states a check passed",)),)
    if scores is None:
        scores = [score_requirement(query, names, number, requirement, index) for number, requirement in statements_only(candidates_in(scope))]
    spread: dict[str, int] = {}
    for entry in scores:
        for name in entry.shared_names:
            spread[name] = spread.get(name, 0) + 1
    qualified = [(entry, _passes(entry, spread)) for entry in scores]
    qualified = [(entry, signal) for entry, signal in qualified if signal]
    if qualified:
        best_entry = best_score([entry for entry, _ in qualified])
        assert best_entry is not None
        signal = next(signal for entry, signal in qualified if entry is best_entry)
        threshold = IDENTIFIER_THRESHOLD if signal == "identifier" else LEXICAL_THRESHOLD
        return (_overruled(item, header, scores, best_entry) or _from_score(item, signal, header, best_entry, threshold),)
    ranked = _clearly_ahead(scores)
    if ranked is not None:
        best_entry, runner_up = ranked
        overruled = _overruled(item, header, scores, best_entry)
        if overruled is not None:
            return (overruled,)
        return (replace(_from_score(item, "ranked", header, best_entry, RANKED_THRESHOLD),
                        nearest_section=runner_up.section if runner_up else "",
                        nearest_index=runner_up.requirement.index if runner_up else 0,
                        nearest_score=round(runner_up.score, 3) if runner_up else 0.0),)
    if index.embedder is not None:
        decided = _decide(item, header, scores)
        if decided is not None:
            return (decided,)
    # The nearest requirement shown is the one the item's words come
    # closest to, against the wording bar: what the author can act on
    # ("use the requirement's own wording"); a cosine names no words.
    nearest = best_score(scores)
    if nearest is not None and nearest.score <= 0.0:
        nearest = None  # nothing shared with any requirement: there is no "nearest"
    if empty_sections:  # cited a section without requirements and nothing else fits
        first = empty_sections[0]
        return (replace(first, kind="citation", nearest_section=nearest.section if nearest else "",
                        nearest_index=nearest.requirement.index if nearest else 0,
                        nearest_score=round(nearest.score, 3) if nearest else 0.0),)
    refs = section_refs(text)
    return (
        _mapping(
            item,
            "unmapped",
            header,
            section=refs[0][0] if refs else "",
            threshold=LEXICAL_THRESHOLD,
            nearest_section=nearest.section if nearest else "",
            nearest_index=nearest.requirement.index if nearest else 0,
            nearest_score=round(nearest.score, 3) if nearest else 0.0,
            terms=as_written((*nearest.shared_names, *nearest.shared_words), text, header) if nearest else (),
        ),
    )


def _statement_scores(scores: Sequence[Score]) -> list[Score]:
    """The scores of requirements that are not list headers (all when
    there are only headers)."""
    siblings = [entry.requirement for entry in scores]
    return [entry for entry in scores if not is_list_header(entry.requirement, siblings)] or list(scores)


def _decision(scores: Sequence[Score]) -> tuple[Score, Score | None] | None:
    """The calibrated decision, with an embedding: of ``scores`` (list
    headers left out), the requirement with the best combined score is the
    one when it reaches :data:`DECISION_BAR` and leads the runner-up by
    :data:`DECISION_MARGIN`; returns it and the runner-up. None without an
    embedding or below either value."""
    statements = _statement_scores(scores)
    if not any(entry.semantic for entry in statements):
        return None
    best = best_combined(statements)
    if best is None:
        return None
    runner_up = best_combined([entry for entry in statements if entry is not best])
    lead = best.combined - (runner_up.combined if runner_up is not None else 0.0)
    if best.combined < DECISION_BAR - 1e-9 or lead < DECISION_MARGIN - 1e-9:
        return None
    return best, runner_up


def _overruled(item: ListItem, header: str, scores: Sequence[Score], picked: Score) -> DoneMapping | None:
    """One score from all signals: a requirement the words picked (a
    shared name, shared words, best of the anchor) gives way when the
    calibrated decision names another one: it leads every other
    requirement, the word pick included, by the decision's margin. The
    mapping then names the word pick as the runner-up it beat."""
    decided = _decision(scores)
    if decided is None or decided[0] is picked:
        return None
    return replace(_decide(item, header, scores) or _from_score(item, "semantic", header, decided[0], DECISION_BAR),
                   nearest_section=picked.section, nearest_index=picked.requirement.index, nearest_score=round(picked.combined, 3))


def _decide(item: ListItem, header: str, scores: Sequence[Score]) -> DoneMapping | None:
    """The semantic signal, when the item's words and names decided
    nothing: the calibrated decision (:func:`_decision`) over the packet's
    scope, naming the runner-up. None below it: the item is unmapped, and
    the caller shows the requirement its words come nearest to."""
    decided = _decision(scores)
    if decided is None:
        return None
    best, runner_up = decided
    return replace(
        _from_score(item, "semantic", header, best, DECISION_BAR),
        score=round(best.combined, 3),
        nearest_section=runner_up.section if runner_up else "",
        nearest_index=runner_up.requirement.index if runner_up else 0,
        nearest_score=round(runner_up.combined, 3) if runner_up else 0.0,
    )


def map_done_means(packet: Packet, sections: "RequirementIndex | Mapping[str, tuple[Section, ...]]") -> tuple[DoneMapping, ...]:
    """How each DONE_MEANS item of ``packet`` maps to its anchored sections."""
    index = index_for(sections)
    anchors = anchored(packet, index.sections_by_number, index.spec)
    scope = scope_of(anchors, index)
    entries = done_entries(packet)
    if entries:
        index.embed(requirement for _, requirement in candidates_in(scope))
    mappings: list[DoneMapping] = []
    for item, header in entries:
        mappings.extend(map_item(item, header, anchors, index, scope))
    return tuple(mappings)
