"""Which spec section an anchor means.

Real specs repeat section numbers (the reference corpus has two ``11.5``
headings), so a number alone can be ambiguous. The ANCHOR rules, the
DONE_MEANS mapping and the traceability page must all pick the same section,
or a packet would be judged against one section and shown against another.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Mapping, Sequence

from ..model.packet import AnchorRef
from ..model.spec import Section

_WORD = re.compile(r"[^\W_]+")
_STOP_WORDS = frozenset({"and", "or", "the", "of", "a", "an", "for", "in", "to", "on", "with", "per", "section", "spec"})


def _words(text: str) -> set[str]:
    folded = unicodedata.normalize("NFC", text).casefold()
    # Crude stem (first six letters) so "Capability" meets "Capabilities".
    return {word[:6] for word in _WORD.findall(folded) if word not in _STOP_WORDS and not word.isdigit()}


def candidates(anchor: AnchorRef, sections: Mapping[str, tuple[Section, ...]]) -> tuple[Section, ...]:
    """The sections an anchor's number may mean, narrowed by its label
    (``§11.5 (Flight Recorder ...)`` prefers the 11.5 titled Flight Recorder)."""
    found = sections.get(anchor.number, ())
    if len(found) < 2 or not anchor.label:
        return found
    label = _words(anchor.label)
    scored = [(len(label & _words(section.title)), section) for section in found]
    best = max(score for score, _ in scored)
    return tuple(section for score, section in scored if score == best) if best else found


def pick_section(found: Sequence[Section]) -> Section | None:
    """Of equally plausible sections, the first one not marked as a
    duplicate (PARSE-003 reports the rest)."""
    for section in found:
        if not section.duplicate:
            return section
    return found[0] if found else None


def resolve_anchor(anchor: AnchorRef, sections: Mapping[str, tuple[Section, ...]]) -> Section | None:
    """The one section an anchor means, or None for prose / unknown numbers."""
    if not anchor.number:
        return None
    return pick_section(candidates(anchor, sections))
