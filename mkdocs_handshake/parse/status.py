"""Normalising the many ways people write a work-packet STATUS.

The corpus spells one state many ways ("Ready for Dev", "Ready-for-Dev",
"READY FOR DEV 🔴") and decorates others ("HARD-VALIDATED (2025-12-27)",
"??? FULLY VALIDATED & FUNCTIONAL" where an emoji became ``???``). Rules must
compare states, not spellings, so every STATUS value goes through
:func:`normalise_status`.

How a value is read:

1. NFC + casefold, so case and composed/decomposed accents never matter.
2. Parenthesised notes are dropped ("(2025-12-27)", "(per Task Board Done
   column)"): they qualify the state, they are not the state.
3. What is left is reduced to its words (letters/digits), which removes
   emoji, ``???``, hyphens, brackets and ``&``.
4. The *leading* words must name a state; trailing words are allowed
   ("Blocked by WP-1-X", "FULLY VALIDATED & FUNCTIONAL"). A sentence that
   merely mentions a state later ("The task is CLOSED and moved to Done")
   stays UNKNOWN, because such prose is not a status declaration.

"Done [VALIDATED]" reads as VALIDATED: the bracket records that the done work
passed validation, which is the more specific recorded state.
"""

from __future__ import annotations

import re
import unicodedata

from ..model.basics import Status

_PARENTHESISED = re.compile(r"\([^()]*\)")
_WORD = re.compile(r"[^\W_]+")

# Ordered: the first pattern matching the start of the word phrase wins, so
# the specific "done validated" is tried before the general "done".
_PATTERNS: tuple[tuple[re.Pattern[str], Status], ...] = tuple(
    (re.compile(rf"^(?:{pattern})(?: |$)"), status)
    for pattern, status in (
        (r"ready for dev(?:elopment)?", Status.READY_FOR_DEV),
        (r"in progress", Status.IN_PROGRESS),
        (r"(?:done|complete|completed) validated", Status.VALIDATED),
        (r"(?:(?:hard|fully) )?validated", Status.VALIDATED),
        (r"done|complete|completed", Status.DONE),
        (r"blocked", Status.BLOCKED),
        (r"fail|failed", Status.FAILED),
        (r"superseded", Status.SUPERSEDED),
        (r"gap", Status.GAP),
        (r"draft|tbd|pending|waiting|proposed", Status.DRAFT),
    )
)


def status_words(raw: str) -> str:
    """The comparable word phrase of a status value (see module docstring)."""
    text = unicodedata.normalize("NFC", raw).casefold()
    previous = None
    while previous != text:  # nested parentheses: strip innermost first
        previous = text
        text = _PARENTHESISED.sub(" ", text)
    return " ".join(_WORD.findall(text))


def normalise_status(raw: str) -> Status:
    """Map a STATUS value as written to a :class:`Status` (UNKNOWN if none)."""
    phrase = status_words(raw)
    for pattern, status in _PATTERNS:
        if pattern.match(phrase):
            return status
    return Status.UNKNOWN
