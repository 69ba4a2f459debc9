"""A technical refinement file (``docs/refinements/WP-*.md``).

The refinement is a form the orchestrator fills in before a packet exists:
``- LABEL: value`` lines under fixed headings. Only its labelled values
matter to the rules (who approved it, with which signature, for which WP),
so each label's first value is kept with its place; a value inside fenced
code (an excerpt of the spec) is not a field.
"""

from __future__ import annotations

import re

from ..model.basics import Loc
from ..model.records import Refinement
from ..repository.source import SourceText

_FIELD = re.compile(r"^\s*[-*]\s*(?:\*\*)?(?P<label>[A-Za-z][A-Za-z0-9_ ]*?)(?:\*\*)?\s*:\s*(?P<value>.*?)\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def parse_refinement(src: SourceText) -> Refinement:
    fields: dict[str, tuple[str, Loc]] = {}
    fence = ""
    for number, line in enumerate(src.lines, start=1):
        opening = _FENCE.match(line)
        if opening:
            fence = "" if fence and opening.group(1) == fence else (fence or opening.group(1))
            continue
        if fence:
            continue
        match = _FIELD.match(line)
        if match:
            label = match.group("label").strip().upper().replace(" ", "_")
            fields.setdefault(label, (match.group("value").strip().strip("`"), Loc(src.path, number, line.find(match.group("label")) + 1)))
    return Refinement(src.path, fields)
