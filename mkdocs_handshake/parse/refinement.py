"""A technical refinement file, one reader per format, both into
:class:`~mkdocs_handshake.model.records.Refinement`.

Markdown (``docs/refinements/WP-*.md``, later ``<WP_ID>/refinement.md``):
the refinement is a form the orchestrator fills in before a packet exists,
``- LABEL: value`` lines under fixed headings. Only its labelled values
matter to the rules (who approved it, with which signature, for which WP),
so each label's first value is kept with its place; a value inside fenced
code (an excerpt of the spec) is not a field.

JSON (``<WP_ID>/refinement.json``, schema ``hsk.refinement_contract@1``,
from May 2026): the same values sit at JSON paths the profile names
(``packet.refinement.fields``), each placed at the line of its key.
"""

from __future__ import annotations

import re

from ..model.basics import Loc, ParseIssue
from ..model.records import Refinement
from ..repository.source import SourceText
from .contract import mapped_fields, read_json

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


def parse_refinement_json(src: SourceText, fields: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[Refinement, list[ParseIssue]]:
    """A JSON refinement: each vocabulary name of ``fields`` (``WP_ID`` ->
    ``[wp_id]``) with the value at its first present path. A file that is
    not a JSON object gives its one PARSE-001 issue and a refinement marked
    unread, so that no rule reports the same file again as missing."""
    data, lines, issues = read_json(src)
    if data is None:
        return Refinement(src.path, {}, read=False), issues
    found = mapped_fields(src, data, lines, fields)
    return Refinement(src.path, {name.upper().replace(" ", "_"): (hits[0].value.strip(), hits[0].loc) for name, hits in found.items()}), issues
