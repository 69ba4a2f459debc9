"""The requirements of a spec, indexed once per build for the matcher
(:mod:`.mapping`): every requirement's terms and their document
frequencies, and the embedding when there is one."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from . import semantic
from ..model.basics import Loc
from ..model.spec import Requirement, Section, Spec
from .mapping_terms import Terms, terms_of
from .resolve import pick_section


@dataclass
class RequirementIndex:
    """Every requirement of the spec with its terms, the document frequency
    of each term, and each section's subtree. Built once per build."""

    sections_by_number: Mapping[str, tuple[Section, ...]]
    _terms: dict[int, Terms] = field(default_factory=dict)
    _df: dict[str, int] = field(default_factory=dict)
    _count: int = 0
    _under: dict[tuple[str, str], list[Section]] = field(default_factory=dict)
    _titled: dict[str, list[tuple[Section, frozenset[str]]]] = field(default_factory=dict)
    comparisons: int = 0  # item x requirement scores computed: the mapping's work
    #: The sentence embedding (:mod:`.semantic`), or None: the matcher then
    #: decides on citations, names and words alone.
    embedder: "semantic.Embedder | None" = None
    _vectors: dict[Loc, object] = field(default_factory=dict)
    _items: dict[str, object] = field(default_factory=dict)
    embedded: int = 0  # requirement sentences embedded: once each per index
    #: The spec the sections come from, when known: an anchor by a bundle
    #: module's name or line resolves in its text (:func:`.mapping_scope.anchored`).
    spec: Spec | None = None

    @classmethod
    def build(
        cls, sections_by_number: Mapping[str, tuple[Section, ...]], embedder: "semantic.Embedder | None | str" = "shared", spec: Spec | None = None
    ) -> "RequirementIndex":
        """``embedder`` "shared" takes the process's embedding (one warning
        when it is unavailable); None builds an index without one. ``spec``
        is the spec the sections are of (``spec.by_number()``)."""
        index = cls(sections_by_number, embedder=semantic.shared() if embedder == "shared" else embedder, spec=spec)  # type: ignore[arg-type]
        seen: dict[Loc, Terms] = {}
        ordered = sorted(
            (section for found in sections_by_number.values() for section in found),
            key=lambda section: (section.loc.file, section.loc.line, section.number),
        )
        for section in ordered:
            if not section.duplicate:
                parts = section.number.split(".")
                for cut in range(1, len(parts)):
                    index._under.setdefault((section.loc.file, ".".join(parts[:cut])), []).append(section)
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

    @property
    def item_texts(self) -> int:
        """Distinct item texts embedded (each once per index)."""
        return len(self._items)

    def known(self, term: str) -> bool:
        return term in self._df

    def subtree(self, section: Section) -> list[Section]:
        """The sections numbered under ``section`` in its own file (not
        duplicates), in spec order. By number across files, a number the
        modules of a bundle repeat would lend a section the subsections of
        another: the June bundle's appendix block "12.3" would take in the
        Tailor viewport's 12.3.x of another module. Within a file the
        number decides, wherever the subsections stand (December's roadmap
        repeats the "11.7.5" heading; its 11.7.5.x are in chapter 11)."""
        return self._under.get((section.loc.file, section.number), [])

    def descendants(self, number: str) -> list[Section]:
        """The subtree (:meth:`subtree`) of the section ``number`` names
        (the first not marked as a duplicate), in spec order."""
        section = pick_section(self.sections_by_number.get(number, ()))
        return self.subtree(section) if section is not None else []

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
