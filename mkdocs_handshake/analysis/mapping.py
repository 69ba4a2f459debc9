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
5. **ranked**: no requirement reaches those bars, but one of the packet's
   scope is clearly the best: it reaches :data:`RANKED_THRESHOLD` with
   :data:`MIN_SHARED_WORDS` shared terms, and scores at least
   :data:`RANKED_MARGIN` times any other requirement. The mapping names that
   runner-up, so a reviewer sees how far ahead it was.

6. **semantic** (with the sentence embedding of :mod:`.semantic`), last:
   when signals 1-5 leave an item unmapped, each requirement of the scope
   gets one combined score, the mean of its lexical score (below) and its
   cosine with the item in the embedding; list headers (a sentence ending
   in a colon introduces the items under it) are left out. The best is
   the one when it reaches :data:`DECISION_BAR` and leads the runner-up by
   :data:`DECISION_MARGIN`; the mapping names the runner-up. Both values
   are fitted across the two docs-era corpora (``benchmarks/mapping.py
   --fit``); fitted on either corpus, the bar comes out at the top of the
   grid, so on those corpora the decision almost never maps: the embedding
   did not tell a paraphrase from an item that proves nothing precisely
   enough. The combined score also orders the candidates a citation leaves
   (those that reach the citation's bar): the best-fitting sentence of a
   **cited requirement id's block** ("[HSK-WF-002]" cites the sentence
   holding the id and the sentences after it up to the next id) wins, not
   the first, and a list header is never the one. Without the embedding
   (package absent or its files refused: one warning), words alone order
   them.

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

import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from . import semantic
from ..model.packet import AnchorRef, DoneMapping, ListItem, Packet
from ..model.basics import Loc
from ..model.spec import Requirement, Section
from ..parse.requirements import is_identifier
from .resolve import pick_section, resolve_anchor
from .traceability import done_entries, is_verification, number_key, section_refs, within_anchors

LEXICAL_THRESHOLD = 0.5
IDENTIFIER_THRESHOLD = 0.34
CITED_THRESHOLD = 0.25
RANKED_THRESHOLD = 0.25
RANKED_MARGIN = 2.0
MIN_SHARED_WORDS = 2
#: The calibrated decision with an embedding (see :func:`_decide`): the
#: combined score the best requirement must reach, and its lead over the
#: runner-up. Fitted by ``benchmarks/mapping.py --fit`` across the two
#: docs-era corpora (fit on one, measured on the other); nothing else is
#: fitted to the labelled items.
DECISION_BAR = 0.8
DECISION_MARGIN = 0.1
DISTINCT_NAME_SPREAD = 2

_REQUIREMENT_NUMBER = re.compile(
    r"\b(?:requirements?|reqs?\.?)\s*#?\s*(?P<numbers>\d+(?:\s*(?:,|and|&|/|-|–)\s*\d+)*)",
    re.IGNORECASE,
)
_ID = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)(?![\w-])")
# A bare dotted number ("SPEC 10.5.5.1 Problems", "per 11.10.4"): a citation
# only when it is one of the packet's anchored sections or under one.
_BARE_NUMBER = re.compile(r"(?<![\w.§/:-])(\d{1,3}(?:\.\d{1,4})+)(?!\w|\.\w)")
_TOKEN = re.compile(r"[^\W_](?:[\w]|(?:[.\-/]|::)(?=\w))*")
_CODE_SPAN = re.compile(r"`([^`]+)`")

_STOP_WORDS = frozenset(
    """
    a an the and or nor but if then else of to in on at by for from with without within into onto
    over under as is are was were be been being am do does did done doing has have had having
    this that these those it its they them their there here which who whom whose what when
    where why how all any each every both either neither some such no not never none only own same
    requirement requirements spec section item items per via vs etc eg ie e.g i.e
    so than too very can will just also using use used uses
    during before after while until between through upon across against among around about
    instead longer zero one other another least most more less
    must shall should may required recommended optional mandatory normative
    s t
    """.split()
)
# "this got done" verbs: present in items and spec sentences alike, in other tenses.
_COMPLETION_VERBS = frozenset(
    """
    add added adds adding create created creates creating define defined defines defining
    implement implemented implements implementing implementation ensure ensured ensures
    exist exists existing make made makes provide provided provides update updated updates
    verify verified verifies support supported supports equivalent
    complete completed correct correctly properly new match matches matching
    """.split()
)
_SUFFIXES = ("izations", "ization", "ations", "ation", "ments", "ment", "ings", "ing", "ized", "izes", "ize", "ies", "ied", "ed", "es", "s", "ly")


# --------------------------------------------------------------------------
# Terms
# --------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """Light stemming: tense and number meet ("logged"/"logs"), unrelated
    words do not collide (no Porter steps beyond suffixes)."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                stem += "y"
            elif suffix in ("ed", "ing", "ings") and len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
                stem = stem[:-1]
            word = stem
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def _has_letter(text: str) -> bool:
    return any(character.isalpha() for character in text)


@lru_cache(maxsize=1 << 16)
def _is_name(raw: str) -> bool:
    return is_identifier(raw)


@lru_cache(maxsize=1 << 16)
def identifier_key(raw: str) -> str:
    """One spelling per name: case-folded, surrounding punctuation dropped."""
    return unicodedata.normalize("NFC", raw).strip("`'\".,;:()[]{}").casefold()


@lru_cache(maxsize=1 << 16)
def _name_words(name: str) -> tuple[tuple[str, str], ...]:
    """``(stem, part)`` of the words a name is made of (``llm_inference``
    -> llm, inference); none for a name of one part."""
    parts = re.split(r"[_.:/\-]+", name)
    return tuple(
        (_stem(part), part)
        for part in (parts if len(parts) > 1 else ())
        if len(part) >= 3 and part.isalpha() and part not in _STOP_WORDS and part not in _COMPLETION_VERBS
    )


@dataclass(frozen=True)
class Terms:
    """A text's content words (stemmed) and names (exact, case-folded);
    ``surface`` keeps the first written form of each, for display."""

    words: frozenset[str]
    names: frozenset[str]
    surface: tuple[tuple[str, str], ...] = ()

    @property
    def all(self) -> frozenset[str]:
        return self.words | self.names


def terms_of(text: str, extra_names: Iterable[str] = ()) -> Terms:
    """Content words and names of ``text``; ``extra_names`` are names known
    from elsewhere (backticked spans, code-block evidence)."""
    words: set[str] = set()
    names: set[str] = set()
    surface: dict[str, str] = {}
    normal = unicodedata.normalize("NFC", text)
    for span in _CODE_SPAN.findall(normal):
        if span.strip() and " " not in span.strip():
            names.add(identifier_key(span))
            surface.setdefault(identifier_key(span), span.strip())
    for match in _TOKEN.finditer(normal):
        raw = match.group(0)
        if len(raw) > 2 and _is_name(raw) and raw.casefold() not in _STOP_WORDS:
            names.add(identifier_key(raw))
            surface.setdefault(identifier_key(raw), raw.strip("`'\".,;:()[]{}"))
            continue
        for written, part in zip(raw.split("-"), raw.casefold().split("-")):
            if len(part) < 2 or part in _STOP_WORDS or part in _COMPLETION_VERBS or not _has_letter(part):
                continue  # a number ("2.6.6.7.11", "60", "2.3.15.4/2.3.15.3") is a citation or a value, not a word
            words.add(_stem(part))
            surface.setdefault(_stem(part), written)
    # A name also contributes its parts as words ("llm_inference" -> "llm",
    # "inference") so "LLM inference" in prose can meet it, but only to the
    # word side: the name itself stays the stronger signal. Names known from
    # elsewhere (a code block's) do not: a code block is evidence for names,
    # not wording, and a long one would otherwise lend its requirement the
    # vocabulary of a whole schema.
    for name in list(names):
        for part, written in _name_words(name):
            words.add(part)
            surface.setdefault(part, written)
    names.update(identifier_key(name) for name in extra_names if name.strip())
    return Terms(frozenset(words), frozenset(names), tuple(surface.items()))


# --------------------------------------------------------------------------
# The index: once per build
# --------------------------------------------------------------------------


@dataclass
class RequirementIndex:
    """Every requirement of the spec with its terms, the document frequency
    of each term, and each section's subtree. Built once per build."""

    sections_by_number: Mapping[str, tuple[Section, ...]]
    _terms: dict[int, Terms] = field(default_factory=dict)
    _df: dict[str, int] = field(default_factory=dict)
    _count: int = 0
    _subtree: dict[str, list[Section]] = field(default_factory=dict)
    _titled: dict[str, list[tuple[Section, frozenset[str]]]] = field(default_factory=dict)
    comparisons: int = 0  # item x requirement scores computed: the mapping's work
    #: The sentence embedding (:mod:`.semantic`), or None: the matcher then
    #: decides on citations, names and words alone.
    embedder: "semantic.Embedder | None" = None
    _vectors: dict[Loc, object] = field(default_factory=dict)
    _items: dict[str, object] = field(default_factory=dict)
    embedded: int = 0  # requirement sentences embedded: once each per index

    @classmethod
    def build(cls, sections_by_number: Mapping[str, tuple[Section, ...]], embedder: "semantic.Embedder | None | str" = "shared") -> "RequirementIndex":
        """``embedder`` "shared" takes the process's embedding (one warning
        when it is unavailable); None builds an index without one."""
        index = cls(sections_by_number, embedder=semantic.shared() if embedder == "shared" else embedder)  # type: ignore[arg-type]
        seen: dict[Loc, Terms] = {}
        ordered = sorted(
            (section for found in sections_by_number.values() for section in found),
            key=lambda section: (section.loc.file, section.loc.line, section.number),
        )
        for section in ordered:
            if not section.duplicate:
                parts = section.number.split(".")
                for cut in range(1, len(parts)):
                    index._subtree.setdefault(".".join(parts[:cut]), []).append(section)
            for requirement in section.requirements:
                if requirement.loc in seen:  # a list item's requirement is its heading's too: count it once
                    index._terms[id(requirement)] = seen[requirement.loc]
                    continue
                index._terms[id(requirement)] = seen[requirement.loc] = terms = terms_of(
                    requirement.text, (*requirement.evidence, *requirement.ids)
                )
                index._count += 1
                for term in terms.all:
                    index._df[term] = index._df.get(term, 0) + 1
        return index

    @property
    def requirement_count(self) -> int:
        return self._count

    def terms(self, requirement: Requirement) -> Terms:
        found = self._terms.get(id(requirement))
        if found is None:  # a requirement not in the spec this index was built from
            found = terms_of(requirement.text, (*requirement.evidence, *requirement.ids))
            self._terms[id(requirement)] = found
        return found

    def idf(self, term: str) -> float:
        df = self._df.get(term, 0)
        return math.log(1.0 + (self._count - df + 0.5) / (df + 0.5))

    def embed(self, requirements: Iterable[Requirement]) -> None:
        """Embed the requirements not embedded yet, in one batch: each
        sentence once per index (once per spec version and build)."""
        if self.embedder is None:
            return
        missing = list({r.loc: r for r in requirements if r.loc not in self._vectors}.values())
        if missing:
            for requirement, vector in zip(missing, self.embedder.embed([r.text for r in missing])):
                self._vectors[requirement.loc] = vector
            self.embedded += len(missing)

    def cosine(self, vector: object, requirement: Requirement) -> float:
        """The item's cosine with the requirement (0 without an embedding)."""
        if self.embedder is None or vector is None:
            return 0.0
        if requirement.loc not in self._vectors:
            self.embed((requirement,))
        return self.embedder.cosine(vector, self._vectors[requirement.loc])

    def item_vector(self, text: str) -> object:
        """The item's embedding (None without one); an item text met again
        (the same item under several packets, a sweep) is embedded once."""
        if self.embedder is None:
            return None
        found = self._items.get(text)
        if found is None:
            found = self._items[text] = self.embedder.embed([text])[0]
        return found

    def known(self, term: str) -> bool:
        return term in self._df

    def descendants(self, number: str) -> list[Section]:
        """Sections numbered under ``number`` (not duplicates), in spec order."""
        return self._subtree.get(number, [])

    def titled_children(self, number: str) -> list[tuple[Section, frozenset[str]]]:
        """The direct subsections of ``number`` whose titles hold names
        ("ContextDeterminismGuard (Normative)"), with those names; worked
        out once per section and build, however many items ask."""
        found = self._titled.get(number)
        if found is None:
            depth = number.count(".") + 1
            found = [
                (child, names) for child in self.descendants(number)
                if child.number.count(".") == depth and (names := terms_of(child.title).names)
            ]
            self._titled[number] = found
        return found


_LAST: list[tuple[Mapping[str, tuple[Section, ...]], RequirementIndex]] = []


def index_for(sections: "RequirementIndex | Mapping[str, tuple[Section, ...]]") -> RequirementIndex:
    """The index of ``sections``; the last one built is reused, so callers
    that pass the same section mapping for every packet index it once."""
    if isinstance(sections, RequirementIndex):
        return sections
    if _LAST and _LAST[0][0] is sections:
        return _LAST[0][1]
    index = RequirementIndex.build(sections)
    _LAST[:] = [(sections, index)]
    return index


# --------------------------------------------------------------------------
# Anchors
# --------------------------------------------------------------------------


def anchor_sections(anchor: AnchorRef, sections: Mapping[str, tuple[Section, ...]]) -> list[tuple[str, Section]]:
    """The sections one SPEC_ANCHOR entry names. An anchor with a number
    resolves as the ANCHOR rules resolve it; one written without ``§``
    ("Handshake_Master_Spec_v02.113.md 2.6.6.2.8 (JobKind ...)") names the
    dotted numbers in its text that are sections of the spec."""
    if anchor.number:
        section = resolve_anchor(anchor, sections)
        return [(anchor.number, section)] if section is not None else []
    found: list[tuple[str, Section]] = []
    for number in bare_numbers(anchor.raw):
        section = pick_section(sections.get(number, ()))
        if section is not None:
            found.append((number, section))
    return found


_RANGE = re.compile(r"(?<![\w.§/:-])(\d{1,3}(?:\.\d{1,4})+)\s*[-–]\s*(\d{1,3}(?:\.\d{1,4})+)(?!\w|\.\w)")
_ESCAPED_SECTION_SIGN = re.compile(r"\\u00a7", re.IGNORECASE)
_NUMBER_LIST = re.compile(r"(?<=\d)/(?=\d)")
# "11.10.4 item 2", "§7.6.3, Item 14": the list item the spec parser makes
# addressable as 11.10.4.2 (as the anchor parser reads "§7.6.3 Item 14").
_ITEM_OF = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,4})+)\s*,?\s*\(?\s*item\s+(\d{1,3})\b", re.IGNORECASE)


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


def anchored(packet: Packet, sections: Mapping[str, tuple[Section, ...]]) -> dict[str, Section]:
    """Anchored section number -> Section, in anchor order."""
    result: dict[str, Section] = {}
    for anchor in packet.spec_anchors:
        for number, section in anchor_sections(anchor, sections):
            result.setdefault(number, section)
    return result


def _scope(anchors: Mapping[str, Section], index: RequirementIndex) -> list[tuple[str, Section]]:
    """Each anchored section and its subsections, once each, in order."""
    seen: set[int] = set()
    scope: list[tuple[str, Section]] = []
    for number, section in anchors.items():
        for candidate in (section, *index.descendants(number)):
            if id(candidate) not in seen:
                seen.add(id(candidate))
                scope.append((candidate.number, candidate))
    return scope


def _candidates(scope: Iterable[tuple[str, Section]]) -> list[tuple[str, Requirement]]:
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


# --------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Score:
    section: str
    requirement: Requirement
    score: float  # the IDF-weighted containment: the lexical view
    shared_words: tuple[str, ...]
    shared_names: tuple[str, ...]
    cosine: float = 0.0  # the semantic view (0 without an embedding)
    semantic: bool = False  # whether an embedding took part

    @property
    def combined(self) -> float:
        """One score from both views: their mean with an embedding (two
        views of equal standing, not a fitted weight), else the lexical
        score alone."""
        return round((self.score + self.cosine) / 2, 4) if self.semantic else self.score


class _Query(dict):
    """Item terms -> weight, and the item's embedding (``vector``, None
    without one)."""

    vector: object = None


def _query(text: str, header: str, index: "RequirementIndex | None" = None) -> _Query:
    """Item terms -> weight: the item's own 1.0, its group header's 0.5
    (the header says what the sub-items are about, but less precisely).
    With an embedding, the item's own sentence is embedded (the header
    would pull every sub-item towards the same requirement)."""
    weights = _Query()
    if index is not None:
        weights.vector = index.item_vector(text)
    own = terms_of(text)
    for term in own.all:
        weights[term] = 1.0
    if header:
        for term in terms_of(header).all:
            weights.setdefault(term, 0.5)
    return weights


def _written(terms: Iterable[str], text: str, header: str) -> tuple[str, ...]:
    """Matched terms as the item (or its header) wrote them."""
    surface = dict(terms_of(header).surface) if header else {}
    surface.update(terms_of(text).surface)
    return tuple(surface.get(term, term) for term in terms)


def _score(query: Mapping[str, float], names: frozenset[str], number: str, requirement: Requirement, index: RequirementIndex) -> _Score:
    index.comparisons += 1
    target = index.terms(requirement)
    total = 0.0
    hit = 0.0
    words: list[str] = []
    found_names: list[str] = []
    # The words of a name the requirement has (in its text or its code
    # block) are accounted for by the name.
    explained = {part for name in names if name in target.names for part, _ in _name_words(name)}
    for term, weight in query.items():
        if term in names and not index.known(term):
            continue  # a name the spec never uses: no evidence either way
        value = weight * index.idf(term)
        total += value
        if term in target.words or term in target.names or term in explained:
            hit += value
            (found_names if term in names else words).append(term)
    score = hit / total if total else 0.0
    vector = getattr(query, "vector", None)
    cosine = index.cosine(vector, requirement) if vector is not None else 0.0
    return _Score(number, requirement, score, tuple(sorted(words)), tuple(sorted(found_names)), cosine, vector is not None)


def _best(scores: Sequence[_Score]) -> _Score | None:
    """Highest score; ties go to the earlier requirement (spec order)."""
    best: _Score | None = None
    for entry in scores:
        if best is None or entry.score > best.score + 1e-9:
            best = entry
    return best


def _chosen(scores: Sequence[_Score]) -> _Score | None:
    """The requirement a cited section is narrowed to: of those that fit
    well enough (:func:`_narrows`), the best by the combined score with an
    embedding, else by words; when none fits, the best of all (to show)."""
    pick = _best_combined if any(entry.semantic for entry in scores) else _best
    return pick([entry for entry in scores if _narrows(entry)]) or pick(scores)


def _best_combined(scores: Sequence[_Score]) -> _Score | None:
    """Highest combined score (lexical and semantic); ties go to the
    earlier requirement."""
    best: _Score | None = None
    for entry in scores:
        if best is None or entry.combined > best.combined + 1e-9:
            best = entry
    return best


def _passes(entry: _Score, spread: Mapping[str, int]) -> str:
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


def _clearly_ahead(scores: Sequence[_Score]) -> tuple[_Score, _Score | None] | None:
    """The best requirement of the packet's scope and its runner-up, when
    the best is clearly ahead: it reaches :data:`RANKED_THRESHOLD` with
    :data:`MIN_SHARED_WORDS` shared terms, and no other requirement scores
    more than 1 / :data:`RANKED_MARGIN` of it (an equal score, as of two
    requirements with the same words, is a tie: nothing is ahead). Else None."""
    best = _best(scores)
    if best is None or best.score < RANKED_THRESHOLD or len(best.shared_words) + len(best.shared_names) < MIN_SHARED_WORDS:
        return None
    runner_up = _best([entry for entry in scores if entry is not best])
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


def _from_score(item: ListItem, kind: str, header: str, entry: _Score, threshold: float) -> DoneMapping:
    return _mapping(
        item,
        kind,
        header,
        section=entry.section,
        requirement_index=entry.requirement.index,
        requirement_text=entry.requirement.text,
        score=round(entry.score, 3),
        terms=_written((*entry.shared_names, *entry.shared_words), item.text, header),
        threshold=threshold,
    )


def _requirement_numbers(text: str) -> list[tuple[int, int]]:
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


def _cited_numbers(text: str, anchors: Mapping[str, Section]) -> list[tuple[str, int]]:
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
    cited = _cited_numbers(context, anchors)
    lookup = {number: section for number, section in scope}
    numbered: set[str] = set()
    for value, offset in _requirement_numbers(text):
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
        section = _section(number, lookup, index)
        requirement = next((r for r in section.requirements if r.index == value), None) if section else None
        if requirement is None:
            mappings.append(_mapping(item, "unmapped", header, section=number, requirement_index=value, terms=(f"requirement {value}",)))
        else:
            mappings.append(_cites(item, header, number, requirement, (f"requirement {value}",)))
    ids = set(_ID.findall(context))
    if ids:
        codes = {code for code in ids if code.count("-") >= 2}
        holders: dict[str, list[tuple[str, Requirement]]] = {}
        for number, requirement in _candidates(scope):
            hits = sorted(ids & set(requirement.ids))
            if hits:
                numbered.add(number)
                chosen = _sentence_of_block(requirement, lookup.get(number), hits, index, query, names)
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
    groups = {} if any(m.threshold >= 1.0 for m in mappings) else _groups(text, cited, anchors, index)
    for parent, members in sorted(groups.items()):
        found = _group_mapping(item, header, parent, members, lookup, index, query, names)
        if found is not None:
            numbered.update((parent, *(number for number, _ in members)))
            mappings.append(found)
    for number, _ in cited:
        if number in numbered:
            continue
        numbered.add(number)
        section = _section(number, lookup, index)
        if section is None:
            mappings.append(_mapping(item, "unmapped", header, section=number, terms=(f"§{number}",)))
            continue
        within = [(number, section), *((s.number, s) for s in index.descendants(number))]
        scores = [_score(query, names, n, r, index) for n, r in _statements(_candidates(within))]
        best = _chosen(scores)
        if not _narrows(best):
            # Nothing in the cited subsection fits: the sections it lies
            # under, up to the anchor, are the same part of the spec (a
            # subsection elaborates its parent's requirements).
            above = [_score(query, names, n, r, index) for n, r in _statements(_candidates(_ancestors(number, anchors, lookup, index)))]
            if _narrows(_chosen(above)):
                scores, best = above, _chosen(above)
        if not scores:
            # A section that states no requirement cannot say which one the
            # item proves: the other signals decide (see map_item).
            mappings.append(_mapping(item, "unmapped", header, section=number, terms=(f"§{number}",), threshold=CITED_THRESHOLD))
            continue
        if best is not None and _narrows(best):
            mappings.append(_from_score(item, "citation", header, best, CITED_THRESHOLD))
        else:
            mappings.append(_mapping(item, "citation", header, section=number, terms=(f"§{number}",), threshold=CITED_THRESHOLD,
                                     score=round(best.score, 3) if best else 0.0))
    return mappings


def _is_list_header(requirement: Requirement) -> bool:
    """A sentence that ends in a colon introduces the items below it: it is
    their parent, not a requirement an item proves on its own."""
    return requirement.text.rstrip().endswith(":")


def _statements(candidates: list[tuple[str, Requirement]]) -> list[tuple[str, Requirement]]:
    """The candidates without list headers (all of them when that would
    leave none)."""
    kept = [(number, requirement) for number, requirement in candidates if not _is_list_header(requirement)]
    return kept or candidates


def _sentence_of_block(
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
    block = [found for _, found in _statements([("", found) for found in block])]
    if len(block) == 1:
        return block[0]
    cited = {identifier_key(hit) for hit in hits}
    narrowed = _Query({term: weight for term, weight in query.items() if term not in cited})
    narrowed.vector = getattr(query, "vector", None)
    scores = [_score(narrowed, names - cited, section.number, found, index) for found in block]
    best = _best_combined(scores)
    return best.requirement if best is not None and best.combined > 0 else block[0]


def _section(number: str, lookup: Mapping[str, Section], index: RequirementIndex) -> Section | None:
    """Section ``number``: the packet's scope's own, else the spec's."""
    return lookup.get(number) or pick_section(index.sections_by_number.get(number, ()))


def _parent(number: str) -> str:
    return number.rsplit(".", 1)[0] if "." in number else ""


def _groups(text: str, cited: Sequence[tuple[str, int]], anchors: Mapping[str, Section], index: RequirementIndex) -> dict[str, list[tuple[str, str]]]:
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


def _evidence(members: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """How the item named the group: its titles as written, and a run of
    consecutive subsections cited by number as one range."""
    numbered = [number for number, written in members if written == f"§{number}"]
    lasts = [number_key(number)[-1] for number in numbered]  # (0, n, "") for a numeric part
    if len(numbered) >= 3 and lasts == [(0, lasts[0][1] + step, "") for step in range(len(lasts))]:
        run = (f"§{numbered[0]}–§{numbered[-1]}",)
        return (*run, *(written for number, written in members if number not in numbered))
    return tuple(dict.fromkeys(written for _, written in members))


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
        section = _section(number, lookup, index)
        if section is not None:
            within.extend([(number, section), *((s.number, s) for s in index.descendants(number))])
    best = _chosen([_score(query, names, n, r, index) for n, r in _statements(_candidates(within))])
    if best is not None and _narrows(best):
        return _from_score(item, "citation", header, best, CITED_THRESHOLD)
    section = _section(parent, lookup, index)
    own = _candidates([(parent, section)]) if section is not None else []
    evidence = _evidence(members)
    if len(own) == 1:
        number, requirement = own[0]
        return _cites(item, header, number, requirement, evidence, via="group")
    best = _chosen([_score(query, names, n, r, index) for n, r in own])
    if best is not None and _narrows(best):
        return replace(_from_score(item, "citation", header, best, CITED_THRESHOLD), via="group")
    return None


def _narrows(entry: _Score | None) -> bool:
    """Whether a requirement of a cited section fits the item well enough
    to be the one it proves: by its words (the citation's bar), or, with an
    embedding, by the combined score the decision outside citations uses.
    (Taking the best sentence of a cited section whatever its score was
    tried: it maps items that prove nothing of the section, such as a
    struct cited by its section number, to some sentence of it.)"""
    if entry is None:
        return False
    if entry.score >= CITED_THRESHOLD and bool(entry.shared_words or entry.shared_names):
        return True
    return entry.semantic and entry.combined >= DECISION_BAR


def _ancestors(number: str, anchors: Mapping[str, Section], lookup: Mapping[str, Section], index: RequirementIndex) -> list[tuple[str, Section]]:
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
        section = _section(ancestor, lookup, index)
        if section is not None:
            found.append((ancestor, section))
    return found


def _one_per_item(citations: tuple[DoneMapping, ...]) -> tuple[DoneMapping, ...]:
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


def map_item(
    item: ListItem, header: str, anchors: Mapping[str, Section], index: RequirementIndex, scope: list[tuple[str, Section]] | None = None
) -> tuple[DoneMapping, ...]:
    """Every mapping of one item (several when it cites several
    requirements); exactly one ``unmapped`` mapping when nothing fits, which
    names the nearest requirement tried and its score."""
    text = item.text
    scope = scope if scope is not None else _scope(anchors, index)
    query = _query(text, header, index)
    names = terms_of(f"{header} {text}").names
    cited = _citations(item, header, text, anchors, scope, index, query, names)
    if any(mapping.kind == "citation" for mapping in cited):
        return _one_per_item(tuple(mapping for mapping in cited if mapping.kind == "citation"))
    empty_sections = [m for m in cited if not m.requirement_index and m.section in index.sections_by_number]
    if cited and len(empty_sections) < len(cited):  # a requirement or section that does not exist
        return (next(m for m in cited if m not in empty_sections),)
    if is_verification(text):
        return (_mapping(item, "verification", header, terms=("states a check passed",)),)
    scores = [_score(query, names, number, requirement, index) for number, requirement in _candidates(scope)]
    spread: dict[str, int] = {}
    for entry in scores:
        for name in entry.shared_names:
            spread[name] = spread.get(name, 0) + 1
    qualified = [(entry, _passes(entry, spread)) for entry in scores]
    qualified = [(entry, signal) for entry, signal in qualified if signal]
    if qualified:
        best_entry = _best([entry for entry, _ in qualified])
        assert best_entry is not None
        signal = next(signal for entry, signal in qualified if entry is best_entry)
        threshold = IDENTIFIER_THRESHOLD if signal == "identifier" else LEXICAL_THRESHOLD
        return (_from_score(item, signal, header, best_entry, threshold),)
    ranked = _clearly_ahead(scores)
    if ranked is not None:
        best_entry, runner_up = ranked
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
    nearest = _best(scores)
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
            terms=_written((*nearest.shared_names, *nearest.shared_words), text, header) if nearest else (),
        ),
    )


def _statement_scores(scores: Sequence[_Score]) -> list[_Score]:
    """The scores of requirements that are not list headers (all when
    there are only headers)."""
    return [entry for entry in scores if not _is_list_header(entry.requirement)] or list(scores)


def _decide(item: ListItem, header: str, scores: Sequence[_Score]) -> DoneMapping | None:
    """The semantic signal, when the item's words and names decided
    nothing: the requirement with the best combined score of the packet's
    scope (list headers left out) is the one when it reaches
    :data:`DECISION_BAR` and leads the runner-up by :data:`DECISION_MARGIN`.
    None below that: the item is unmapped, and the caller shows the
    requirement its words come nearest to."""
    statements = _statement_scores(scores)
    best = _best_combined(statements)
    if best is None:
        return None
    runner_up = _best_combined([entry for entry in statements if entry is not best])
    lead = best.combined - (runner_up.combined if runner_up is not None else 0.0)
    if best.combined < DECISION_BAR or lead < DECISION_MARGIN - 1e-9:
        return None
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
    anchors = anchored(packet, index.sections_by_number)
    scope = _scope(anchors, index)
    entries = done_entries(packet)
    if entries:
        index.embed(requirement for _, requirement in _candidates(scope))
    mappings: list[DoneMapping] = []
    for item, header in entries:
        mappings.extend(map_item(item, header, anchors, index, scope))
    return tuple(mappings)


# --------------------------------------------------------------------------
# Coverage: which requirements of a packet's anchored sections its items prove
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementCoverage:
    """One requirement of an anchored section and the items that prove it."""

    section: Section
    requirement: Requirement
    items: tuple[ListItem, ...]

    @property
    def covered(self) -> bool:
        return bool(self.items)


def coverage(
    packet: Packet,
    sections: "RequirementIndex | Mapping[str, tuple[Section, ...]]",
    mappings: Iterable[DoneMapping] | None = None,
) -> dict[str, tuple[RequirementCoverage, ...]]:
    """Per anchored section (its own requirements, not its subsections'):
    every requirement and the items that prove it. A section-level citation
    (``requirement_index`` 0) proves nothing specific. With ``mappings``
    given and a plain section mapping, no requirement index is built: the
    matcher has already done its work."""
    if mappings is None or isinstance(sections, RequirementIndex):
        index = index_for(sections)
        anchors = anchored(packet, index.sections_by_number)
        if mappings is None:
            mappings = map_done_means(packet, index)
    else:
        anchors = anchored(packet, sections)
    covering: dict[tuple[str, int], list[ListItem]] = {}
    for mapping in mappings:
        if mapping.covers:
            bucket = covering.setdefault((mapping.section, mapping.requirement_index), [])
            if mapping.item not in bucket:
                bucket.append(mapping.item)
    return {
        number: tuple(
            RequirementCoverage(section, requirement, tuple(covering.get((number, requirement.index), ())))
            for requirement in section.requirements
        )
        for number, section in anchors.items()
    }
