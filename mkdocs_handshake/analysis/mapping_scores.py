"""How well one requirement fits one DONE_MEANS item: the shared words and
names, weighted by how rare they are in the spec, and the embedding's
cosine combined with them; and picking the best of such scores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from . import semantic
from ..model.spec import Requirement
from .mapping_index import RequirementIndex
from .mapping_terms import Terms, name_words, terms_of


@dataclass(frozen=True)
class Score:
    """How well one requirement fits one item, in both views, with the
    words and names they share."""

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


class Query(dict):
    """Item terms -> weight, and the item's embedding (``vector``, None
    without one)."""

    vector: object = None


def item_query(text: str, header: str, index: "RequirementIndex | None" = None) -> Query:
    """Item terms -> weight: the item's own 1.0, its group header's 0.5
    (the header says what the sub-items are about, but less precisely).
    With an embedding, the item's own sentence is embedded (the header
    would pull every sub-item towards the same requirement)."""
    weights = Query()
    if index is not None:
        weights.vector = index.item_vector(text)
    own = terms_of(text)
    for term in own.all:
        weights[term] = 1.0
    if header:
        for term in terms_of(header).all:
            weights.setdefault(term, 0.5)
    return weights


def as_written(terms: Iterable[str], text: str, header: str) -> tuple[str, ...]:
    """Matched terms as the item (or its header) wrote them."""
    surface = dict(terms_of(header).surface) if header else {}
    surface.update(terms_of(text).surface)
    return tuple(surface.get(term, term) for term in terms)


def containment(query: Mapping[str, float], names: frozenset[str], target: Terms, index: RequirementIndex) -> tuple[float, tuple[str, ...], tuple[str, ...]]:
    """The IDF-weighted containment of the item's terms ``query`` in the
    terms ``target``, with the words and the names they share."""
    total = 0.0
    hit = 0.0
    words: list[str] = []
    found_names: list[str] = []
    # The words of a name the requirement has (in its text or its code
    # block) are accounted for by the name.
    explained = {part for name in names if name in target.names for part, _ in name_words(name)}
    for term, weight in query.items():
        if term in names and not index.known(term):
            continue  # a name the spec never uses: no evidence either way
        value = weight * index.idf(term)
        total += value
        if term in target.words or term in target.names or term in explained:
            hit += value
            (found_names if term in names else words).append(term)
    return (hit / total if total else 0.0), tuple(sorted(words)), tuple(sorted(found_names))


def score_requirement(query: Mapping[str, float], names: frozenset[str], number: str, requirement: Requirement, index: RequirementIndex) -> Score:
    """The :class:`Score` of ``requirement`` (of section ``number``) for
    the item's terms ``query``; counts a comparison on ``index``."""
    index.comparisons += 1
    score, words, found_names = containment(query, names, index.terms(requirement), index)
    vector = getattr(query, "vector", None)
    cosine = index.cosine(vector, requirement) if vector is not None else 0.0
    return Score(number, requirement, score, words, found_names, cosine, vector is not None)


def best_score(scores: Sequence[Score]) -> Score | None:
    """Highest score; ties go to the earlier requirement (spec order)."""
    best: Score | None = None
    for entry in scores:
        if best is None or entry.score > best.score + 1e-9:
            best = entry
    return best


def best_combined(scores: Sequence[Score]) -> Score | None:
    """Highest combined score (lexical and semantic); ties go to the
    earlier requirement."""
    best: Score | None = None
    for entry in scores:
        if best is None or entry.combined > best.combined + 1e-9:
            best = entry
    return best
