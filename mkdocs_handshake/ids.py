"""Work-packet ids: how they are written and how variants relate.

The parsers find ids in prose, and the board rules, the phase gate and the
DAG all group ``WP-1-X`` with its ``-v2``/``-v3`` variants. Each had its own
pattern, and they disagreed on case (``-V2``); one definition here keeps a
packet's family the same everywhere it is judged or drawn.
"""

from __future__ import annotations

import re

# A WP id as written in prose: ``WP-<phase>-<name>``; callers trim trailing
# punctuation the character class lets through ("WP-1-Foo." at a sentence end).
WP_ID = re.compile(r"WP-\d+-[A-Za-z0-9.\-]+")

_VARIANT = re.compile(r"^(?P<base>.+)-v(?P<n>\d+)$", re.IGNORECASE)


def variant_of(wp: str) -> tuple[str, int]:
    """``(family base, version)``: ``WP-1-X`` is version 1 of ``WP-1-X``;
    ``WP-1-X-v3`` is version 3 of it (Part 5.6 names variants ``-v2``)."""
    match = _VARIANT.match(wp)
    if match:
        return match.group("base"), int(match.group("n"))
    return wp, 1


def variant_base(wp: str) -> str:
    """``WP-1-Foo-v3`` -> ``WP-1-Foo``; other ids are their own base."""
    return variant_of(wp)[0]
