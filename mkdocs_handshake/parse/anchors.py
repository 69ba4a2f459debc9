"""Reading SPEC_ANCHOR values and ``§`` section references.

A SPEC_ANCHOR line is the packet's claim about which Master Spec sections
govern it, and people write it freely: several anchors on one line
(``§2.6.6.7.3, §2.6.6.7.9``), requirement ids after a number
(``§2.6.1 [HSK-WF-002], [HSK-WF-003]``), a pinned spec version
(``§7.6.3.15 (v02.36)``), an anchor into another document
(``[CX-GATE-001] in docs/VALIDATOR_PROTOCOL.md``) or plain prose ("Debug
bundle section (per Master Spec Main Body)"). Each becomes one
:class:`~mkdocs_handshake.model.packet.AnchorRef` with the exact column of its text,
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
  to repaired columns. A JSON escape written out (``\\u00a72.6.8.10``) is
  read as ``§`` with that damage.
* A value may open with the Master Spec file or version it cites
  (``Handshake_Master_Spec_v02.113.md 11.10.3 (Title)``,
  ``Handshake_Master_Spec_v02.113.md:46633 11.7.4.2 ...``, ``Master Spec
  v02.99 10.1.1.1 ...``, ``v02.113 11.10.3``): every anchor of the value
  records it (``spec_file``, ``pinned_version``), and the numbers after it
  need no ``§``. The word "sections" before the first number is skipped.
* A value holding paths into spec bundle modules
  (``.GOV/spec/master-spec-v02.185/spec-modules/02-x.md#2.3.13.10``) is
  one anchor per path, read by :mod:`.module_anchors`.
  Numbers after "Addendum:" are an addendum's own numbering (the spec
  writes ``**Addendum: 3.3 Title**`` inside some other section), not
  Master Spec sections, so such a value stays a description of that file.
* Without any ``§``, a value is numbered only when it *starts* (after that
  prefix, after bold/code marks) with a dotted number (``10.5.6.1-10.5.6.12``,
  ``**10.5.5.8** Debug Bundle Export``, ``7.6.3.15 (v02.36)``); prose that
  merely contains numbers stays prose. An ``A`` glued to that number
  (``A2.7.5``) is a ``§`` that lost its non-ASCII bytes (``Â§`` -> ``A``), as
  the 2026-02 packets and board write it; it is read as ``§`` with damage
  ``A``.
* In such a value, further anchors start where a dotted number follows a
  separator outside parentheses (``,`` ``;`` ``+`` "and"); text between
  belongs to the anchor before it. After a colon in an anchor's own text
  (``11.8 MEX v1.2 (Verbatim): 4.1, 4.2``) the numbers up to the next ``;``
  or ``+`` are that document's parts, not Master Spec sections. A ``;``
  piece holding only requirement ids is an anchor of its own.
* A range ``2.3.10.6-2.3.10.8`` (or ``10.5.6.5-12``) is one anchor per
  section in it when its ends differ only in the last part (at most 50);
  otherwise its two ends. A number repeated in one value is one anchor.

:data:`SECTION_REF` / :func:`find_section_refs` find references in any prose:
``§2.3.12.1`` (space after ``§`` allowed), ``Section 2.3.12`` and, as the
2026-02 packets write in DONE_MEANS, ``per spec 2.3.15.5`` / ``Master Spec
v02.123 2.3.15`` — the word forms only with at least two number parts, so
"Section 3 of this note" is not taken for a spec reference.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, Sequence

from ..model.packet import AnchorRef
from ..model.basics import EncodingIssue, Loc
from .module_anchors import find_module_anchors

SECTION_REF = re.compile(
    r"(?:§\s?(?P<sign>\d+(?:\.\d+)*)|\bSection\s+(?P<word>\d+(?:\.\d+)+)"
    r"|\b(?:spec|Master[ _]Spec(?:[ _]v\d+\.\d+(?:\.md)?)?)\s+(?P<spec>\d+(?:\.\d+)+))(?![\d])",
    re.IGNORECASE,
)

_ESCAPED_MARK = "\\u00a7"
_ANCHOR_START = re.compile(r"(?:§|\\u00a7)\s?(?P<number>\d+(?:\.\d+)*)(?:\.(?P<suffix>[A-Za-z][\w-]*))?", re.IGNORECASE)
_SPEC_FILE = re.compile(
    r"(?P<file>[\w.-]*Master[_ -]?Spec[\w.-]*?v(?P<version>\d+(?:\.\d+)+)\.md)(?::(?P<line>\d+))?", re.IGNORECASE
)
_SPEC_VERSION = re.compile(r"(?:Master[_ ]Spec\s+)?v(?P<version>\d+\.\d+)(?=\s+A?\d+\.\d)", re.IGNORECASE)
_FILLER = re.compile(r"(?:\s+|[:\-]+|\bsections?\b)*", re.IGNORECASE)
_DECORATION = re.compile(r"[*`_\s]*")
_BARE_NUMBER = re.compile(r"(?P<damage>A)?(?P<number>\d+(?:\.\d+)+)(?![\d])")
_RANGE_END = re.compile(r"\s*[-\u2013]\s*(?P<end>\d+(?:\.\d+)*)(?![\d.])")
_SEPARATOR = re.compile(r"[,;+]|\band\b|&", re.IGNORECASE)
_MAX_RANGE = 50
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
        (match.group("sign") or match.group("word") or match.group("spec"), match.start())
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
    escaped = segment[: len(_ESCAPED_MARK)].casefold() == _ESCAPED_MARK
    return AnchorRef(
        raw=segment.rstrip(_TRIM + " ") or segment,
        loc=Loc(loc.file, loc.line, column),
        number=number,
        ids=tuple(_ids(rest)),
        damage=segment[: len(_ESCAPED_MARK)] if escaped else damage.get(column, ""),
        pinned_version=pinned.group("version") if pinned else "",
        document=_document(rest),
        label=" ".join(part for part in label_parts if part),
    )


def _spec_prefix(text: str) -> tuple[str, str, int]:
    """``(spec file, version, end)`` of the Master Spec file or version a
    value opens with; ``("", "", 0)`` when it opens with neither."""
    lead = _DECORATION.match(text)
    at = lead.end() if lead else 0
    match = _SPEC_FILE.match(text, at)
    if match:
        return match.group("file"), match.group("version"), match.end()
    match = _SPEC_VERSION.match(text, at)
    if match:
        return "", match.group("version"), match.end()
    return "", "", 0


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
    in_modules = find_module_anchors(text, loc)
    if in_modules:  # paths into spec bundle modules (see .module_anchors)
        return in_modules
    spec_file, version, prefix_end = _spec_prefix(text)
    starts = [match.start() for match in _ANCHOR_START.finditer(text)]
    if starts:
        anchors = _marked_anchors(text, loc, starts, issues_on_line)
    else:
        anchors = _bare_anchors(text, loc, prefix_end)
    if spec_file or version:
        anchors = [
            replace(anchor, spec_file=spec_file, pinned_version=anchor.pinned_version or version) for anchor in anchors
        ]
    return anchors


def _prose(text: str, loc: Loc) -> AnchorRef:
    offset = len(text) - len(text.lstrip())
    raw = text.strip()
    return AnchorRef(
        raw=raw,
        loc=Loc(loc.file, loc.line, loc.column + offset),
        ids=tuple(_ids(raw)),
        document=_document(raw),
        label=raw if not _ids(raw) else _label(raw),
    )


def _marked_anchors(text: str, loc: Loc, starts: list[int], issues_on_line: Sequence[EncodingIssue]) -> list[AnchorRef]:
    """Anchors of a value that marks its numbers with ``§``."""
    damage = damage_columns(issue for issue in issues_on_line if issue.loc.line == loc.line)
    anchors: list[AnchorRef] = []
    leading_ids = _ids(text[: starts[0]])
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        anchor = _numbered_anchor(text[start:end], start, loc, damage)
        if index == 0 and leading_ids:
            anchor = replace(anchor, ids=tuple(leading_ids) + anchor.ids)
        anchors.append(anchor)
    return anchors


def _pieces(text: str, start: int) -> Iterable[tuple[int, int, str]]:
    """``(start, end, separator before)`` of the pieces of ``text[start:]``
    cut at separators outside parentheses and brackets."""
    depth = 0
    piece_start, separator = start, ""
    position = start
    while position < len(text):
        char = text[position]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif depth == 0:
            match = _SEPARATOR.match(text, position)
            if match and (not match.group(0).isalpha() or _word_boundary(text, match)):
                yield piece_start, position, separator
                piece_start, separator = match.end(), match.group(0).casefold()
                position = match.end()
                continue
        position += 1
    yield piece_start, len(text), separator


def _word_boundary(text: str, match: re.Match[str]) -> bool:
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def _number_at(text: str, start: int) -> re.Match[str] | None:
    """A (possibly ``A``-damaged) dotted number opening ``text[start:]``
    after decoration; the ``A`` is only taken before a number."""
    lead = _DECORATION.match(text, start)
    at = lead.end() if lead else start
    match = _BARE_NUMBER.match(text, at)
    if match and match.group("damage") and at > 0 and text[at - 1].isalnum():
        return None
    return match


def _expand(number: str, end: str) -> list[str]:
    """The section numbers a range ``number``-``end`` names (module docstring)."""
    head, _, last = number.rpartition(".")
    if "." not in end:
        end = f"{head}.{end}"
    end_head, _, end_last = end.rpartition(".")
    if end_head == head and last.isdigit() and end_last.isdigit() and 0 <= int(end_last) - int(last) <= _MAX_RANGE:
        return [f"{head}.{value}" for value in range(int(last), int(end_last) + 1)]
    return [number, end]


def _bare_anchors(text: str, loc: Loc, prefix_end: int) -> list[AnchorRef]:
    """Anchors of a value whose numbers carry no ``§`` (module docstring)."""
    filler = _FILLER.match(text, prefix_end)
    body = filler.end() if filler else prefix_end
    if _number_at(text, body) is None:
        return [_prose(text, loc)]  # quoted whole: a file:line citation shows its file
    # [number match (None for an id-only piece), start, end] of each anchor's text
    found: list[list] = []
    colon = False
    for start, end, separator in _pieces(text, body):
        if separator in (";", "+"):
            colon = False
        number = _number_at(text, start)
        if number is not None and not (colon and separator not in (";", "+")):
            found.append([number, number.start(), end])
            rest = text[number.end():end]
            colon = ":" in re.sub(r"\([^)]*\)", "", rest)
        elif separator == ";" and _ids(text[start:end]) and found:
            found.append([None, start + len(text[start:end]) - len(text[start:end].lstrip()), end])
        elif found:
            found[-1][2] = end
    anchors: list[AnchorRef] = []
    seen: dict[str, int] = {}
    for number, start, end in found:
        segment = text[start:end]
        raw = segment.strip().rstrip(_TRIM + "`*") or segment.strip()
        if number is not None:  # "**10.5.5.8** Title": the marks around the number are not quoted
            raw = raw[: number.end() - start] + raw[number.end() - start:].lstrip("*`")
        column = loc.column + start
        if number is None:
            anchors.append(replace(_prose(segment, Loc(loc.file, loc.line, column)), raw=raw))
            continue
        rest = text[number.end():end]
        numbers = [number.group("number")]
        span = _RANGE_END.match(rest)
        if span:
            numbers = _expand(numbers[0], span.group("end"))
            rest = rest[span.end():]
        rest = rest.lstrip("*`")
        pinned = _PINNED.search(rest)
        for value in numbers:
            if value in seen:
                continue  # "4.6 (Service) and 4.6 Contract": one anchor
            seen[value] = len(anchors)
            anchors.append(
                AnchorRef(
                    raw=raw,
                    loc=Loc(loc.file, loc.line, column),
                    number=value,
                    ids=tuple(_ids(rest)),
                    damage=number.group("damage") or "",
                    pinned_version=pinned.group("version") if pinned else "",
                    document=_document(rest),
                    label=_label(rest),
                )
            )
    return anchors
