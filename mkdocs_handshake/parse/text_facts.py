"""Facts about a packet's text as written, beyond its parsed fields.

Two protocol requirements are about the characters and lines themselves,
not about any field: the 2026 protocol keeps packets ASCII-only (a
manifest is hashed and compared byte for byte), and the Validator's
approval of a skeleton is a line that says exactly "SKELETON APPROVED".
Both are read outside fenced code, where an example is not a statement.

It also indexes every labelled line (``- LABEL: value``, ``- **Label**:
value``, ``**Label:** value``) with the level-2 section it stands in,
whether or not the packet parser knows the label: the manifest, lineage
and spec-reference rules ask about labels that only the repository's
template defines.
"""

from __future__ import annotations

import re

from ..model.basics import Loc
from ..model.records import TextFacts
from ..repository.source import SourceText
from .packet_labels import label_key

_FENCE = re.compile(r"^\s*(```|~~~)")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CHECK = re.compile(r"^\s*[-*+]\s+\[(?P<mark>[ xX])\]\s+(?P<text>.+?)\s*$")
_HEADING = re.compile(r"^##\s+(?P<text>.+?)\s*#*\s*$")
_LABEL = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*(?P<bold>[^*:]+?)(?::\*\*|\*\*\s*:)|(?P<plain>[A-Za-z][A-Za-z0-9_ -]{0,60}?)\s*:)(?P<value>.*)$")
FIRST_LINES = 3


def text_facts(src: SourceText, markers: tuple[str, ...]) -> TextFacts:
    wanted = {marker.casefold(): marker for marker in markers if marker}
    non_ascii = 0
    first: list[tuple[Loc, str]] = []
    found: list[tuple[str, Loc]] = []
    labels: list[tuple[str, str, str, Loc]] = []
    checklist: list[tuple[str, str, bool, Loc]] = []
    section = ""
    fence = ""
    for number, line in enumerate(src.lines, start=1):
        match = _NON_ASCII.search(line)
        if match:  # code is packet text too: the ASCII rule has no exception for it
            non_ascii += 1
            if len(first) < FIRST_LINES:
                first.append((Loc(src.path, number, match.start() + 1), line))
        opening = _FENCE.match(line)
        if opening:
            fence = "" if fence and opening.group(1) == fence else (fence or opening.group(1))
            continue
        if fence:
            continue
        bare = line.strip().strip("#*_`\"' ").rstrip(".!").casefold()
        if bare in wanted:  # a line that says only the marker (a heading too)
            found.append((wanted[bare], Loc(src.path, number, line.find(line.strip()) + 1)))
        heading = _HEADING.match(line)
        if heading:
            section = heading.group("text")
            continue
        check = _CHECK.match(line)
        if check:
            checklist.append((section, check.group("text").strip("`"), check.group("mark") != " ", Loc(src.path, number, line.find("[") + 1)))
            continue
        label = _LABEL.match(line)
        if label:
            name = (label.group("bold") or label.group("plain") or "").strip()
            if name:
                labels.append((section, label_key(name), label.group("value").strip(), Loc(src.path, number, line.find(name) + 1)))
    return TextFacts(non_ascii, tuple(first), tuple(found), tuple(labels), tuple(checklist))
