"""Reading SPEC_ANCHOR values and ``§`` section references.

A SPEC_ANCHOR line is the packet's claim about which Master Spec sections
govern it, and people write it freely: several anchors on one line
(``§2.6.6.7.3, §2.6.6.7.9``), requirement ids after a number
(``§2.6.1 [HSK-WF-002], [HSK-WF-003]``), a pinned spec version
(``§7.6.3.15 (v02.36)``), an anchor into another document
(``[CX-GATE-001] in docs/VALIDATOR_PROTOCOL.md``) or plain prose ("Debug
bundle section (per Master Spec Main Body)"). Each becomes one
:class:`~mkdocs_handshake.model.AnchorRef` with the exact column of its text,
so a finding about a dangling anchor points at the anchor, not the line.

Reading rules (documented here because rules depend on them):

* An anchor starts at a ``§`` followed by a dotted number and runs to the
  next ``§`` (separators ``,`` ``;`` ``/`` and a trailing ``.`` trimmed).
* Requirement ids (``[ABC-DEF-001]`` or a bare ``(ACE-RAG-001)``) that follow a
  number belong to that number.
* ``§7.6.3 Item 14`` is read as number ``7.6.3.14`` (the spec parser makes
  list items under a numbered heading addressable the same way);
  ``§7.6.3.Acceptance`` as number ``7.6.3`` with label ``Acceptance``.
* Any other words (``(Data Retention and GC)``) become the ``label``.
* A value without any ``§`` yields one anchor with ``number == ""``: with ids
  when it has bracketed ids, otherwise the prose itself as ``raw``.
* Damage: the text is already repaired (``Â§``/``??`` -> ``§``), so the
  damaged marker is recovered from the file's EncodingIssue records of the
  same line, whose columns refer to the *original* line and are shifted here
  to repaired columns.

:data:`SECTION_REF` / :func:`find_section_refs` find references in any prose:
``§2.3.12.1`` (space after ``§`` allowed) and ``Section 2.3.12`` — the latter
only with at least two number parts, so "Section 3 of this note" is not
taken for a spec reference.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from ..model import AnchorRef, EncodingIssue, Loc

SECTION_REF = re.compile(
    r"(?:§\s?(?P<sign>\d+(?:\.\d+)*)|\bSection\s+(?P<word>\d+(?:\.\d+)+))(?![\d])"
)

_ANCHOR_START = re.compile(r"§\s?(?P<number>\d+(?:\.\d+)*)(?:\.(?P<suffix>[A-Za-z][\w-]*))?")
_BRACKET_ID = re.compile(r"\[(?P<id>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]")
_PAREN_ID = re.compile(r"\((?P<id>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-\d+[A-Z]?)\)")
_PINNED = re.compile(r"\(\s*v(?P<version>\d+\.\d+)\s*\)")
_DOCUMENT = re.compile(r"\bin\s+`?(?P<doc>[\w./-]+\.md)`?")
_ITEM = re.compile(r"^\s*Item\s+(?P<item>\d+)\b", re.IGNORECASE)
_TRIM = " \t,;/."


def find_section_refs(text: str) -> list[tuple[str, int]]:
    """Every ``§N.N`` / ``Section N.N`` reference as ``(number, offset)``.

    ``offset`` is the 0-based index of the ``§`` (or of ``Section``) in
    ``text``, so callers can turn it into a column."""
    return [
        (match.group("sign") or match.group("word"), match.start())
        for match in SECTION_REF.finditer(text)
    ]


def damage_columns(issues: Iterable[EncodingIssue]) -> dict[int, str]:
    """Map repaired-line columns of repaired ``§`` markers to their original.

    EncodingIssue columns count characters of the line *before* repair; each
    earlier repair on the line shortened it by ``len(original) -
    len(repaired)``. Invalid-UTF-8 issues carry no column (the byte decodes to
    one character in place) and cannot be pinned to a marker, so they are
    skipped here."""
    shift = 0
    columns: dict[int, str] = {}
    ordered = sorted(
        (issue for issue in issues if issue.kind in ("mojibake", "question-marks")),
        key=lambda issue: issue.loc.column,
    )
    for issue in ordered:
        column = issue.loc.column - shift
        if "§" in issue.repaired:
            columns[column + issue.repaired.index("§")] = issue.original
        shift += len(issue.original) - len(issue.repaired)
    return columns


def _ids(text: str) -> list[str]:
    found = [(m.start(), m.group("id")) for m in _BRACKET_ID.finditer(text)]
    found += [(m.start(), m.group("id")) for m in _PAREN_ID.finditer(text)]
    return [identifier for _, identifier in sorted(found)]


def _label(rest: str) -> str:
    """Words of an anchor segment that are neither ids, version nor document."""
    for pattern in (_BRACKET_ID, _PAREN_ID, _PINNED, _DOCUMENT, _ITEM):
        rest = pattern.sub(" ", rest)
    rest = re.sub(r"[()\[\]]", " ", rest)
    return " ".join(rest.split()).strip(_TRIM)


def _document(text: str) -> str:
    match = _DOCUMENT.search(text)
    return match.group("doc") if match else ""


def _numbered_anchor(
    segment: str, start: int, loc: Loc, damage: dict[int, str]
) -> AnchorRef:
    match = _ANCHOR_START.match(segment)
    assert match is not None  # segments are cut at _ANCHOR_START matches
    number = match.group("number")
    rest = segment[match.end():]
    label_parts = [match.group("suffix") or ""]
    item = _ITEM.match(rest)
    if item:
        number = f"{number}.{item.group('item')}"
    pinned = _PINNED.search(rest)
    label_parts.append(_label(rest))
    column = loc.column + start
    return AnchorRef(
        raw=segment.rstrip(_TRIM + " ") or segment,
        loc=Loc(loc.file, loc.line, column),
        number=number,
        ids=tuple(_ids(rest)),
        damage=damage.get(column, ""),
        pinned_version=pinned.group("version") if pinned else "",
        document=_document(rest),
        label=" ".join(part for part in label_parts if part),
    )


def parse_anchor_value(
    text: str, loc: Loc, issues_on_line: Sequence[EncodingIssue] = ()
) -> list[AnchorRef]:
    """Split one SPEC_ANCHOR value into anchors.

    ``loc`` is where ``text`` starts (its column is that of ``text[0]`` in
    the repaired line); ``issues_on_line`` are the file's EncodingIssues on
    that line, used to recover damaged markers. An empty value yields no
    anchor (the caller reports a missing anchor, not this function)."""
    if not text.strip():
        return []
    damage = damage_columns(issue for issue in issues_on_line if issue.loc.line == loc.line)
    starts = [match.start() for match in _ANCHOR_START.finditer(text)]
    if not starts:
        offset = len(text) - len(text.lstrip())
        raw = text.strip()
        return [
            AnchorRef(
                raw=raw,
                loc=Loc(loc.file, loc.line, loc.column + offset),
                ids=tuple(_ids(raw)),
                document=_document(raw),
                label=raw if not _ids(raw) else _label(raw),
            )
        ]
    anchors: list[AnchorRef] = []
    leading_ids = _ids(text[: starts[0]])
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        anchor = _numbered_anchor(text[start:end], start, loc, damage)
        if index == 0 and leading_ids:
            anchor = AnchorRef(
                raw=anchor.raw,
                loc=anchor.loc,
                number=anchor.number,
                ids=tuple(leading_ids) + anchor.ids,
                damage=anchor.damage,
                pinned_version=anchor.pinned_version,
                document=anchor.document,
                label=anchor.label,
            )
        anchors.append(anchor)
    return anchors
