"""The words and names of a DONE_MEANS item or a requirement sentence, as
the matcher (:mod:`.mapping`) compares them: stemmed words without stop
words and completion verbs, and names (error codes, event types,
identifiers, backticked terms) kept whole."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from ..parse.requirements import is_identifier


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
def name_words(name: str) -> tuple[tuple[str, str], ...]:
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


@lru_cache(maxsize=1 << 16)
def _token_terms(raw: str) -> tuple[tuple[str, str] | None, tuple[tuple[str, str], ...]]:
    """What one written token contributes: ``(name key, written form)`` when
    it is a name, else its ``(stem, written part)`` words. A spec's 2,000
    requirements repeat a few thousand tokens, so each is worked out once."""
    if len(raw) > 2 and _is_name(raw) and raw.casefold() not in _STOP_WORDS:
        return (identifier_key(raw), raw.strip("`'\".,;:()[]{}")), ()
    parts = []
    for written, part in zip(raw.split("-"), raw.casefold().split("-")):
        if len(part) < 2 or part in _STOP_WORDS or part in _COMPLETION_VERBS or not _has_letter(part):
            continue  # a number ("2.6.6.7.11", "60", "2.3.15.4/2.3.15.3") is a citation or a value, not a word
        parts.append((_stem(part), written))
    return None, tuple(parts)


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
    for raw in _TOKEN.findall(normal):
        name, parts = _token_terms(raw)
        if name is not None:
            names.add(name[0])
            surface.setdefault(*name)
            continue
        for stem, written in parts:
            words.add(stem)
            surface.setdefault(stem, written)
    # A name also contributes its parts as words ("llm_inference" -> "llm",
    # "inference") so "LLM inference" in prose can meet it, but only to the
    # word side: the name itself stays the stronger signal. Names known from
    # elsewhere (a code block's) do not: a code block is evidence for names,
    # not wording, and a long one would otherwise lend its requirement the
    # vocabulary of a whole schema.
    for name in list(names):
        for part, written in name_words(name):
            words.add(part)
            surface.setdefault(part, written)
    names.update(identifier_key(name) for name in extra_names if name.strip())
    return Terms(frozenset(words), frozenset(names), tuple(surface.items()))
