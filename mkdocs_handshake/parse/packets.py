"""Parsing task packets (``docs/task_packets/WP-*.md``) into :class:`Packet`.

The protocol (ORCHESTRATOR_PROTOCOL Part 3.5 / 5.1) prescribes ``- FIELD:
value`` lines under fixed headings, but real packets drift: ``**STATUS:** X``,
``- **Status**: X``, a two-column table row, a ``## DONE_MEANS`` heading with
the value in its body, the same field re-written later as a status update, a
code fence whose backticks were eaten (```` `ash ... ` ````). This module reads
all of those forms from the markdown-it token stream and keeps every
occurrence with its exact line and column, so rules can both judge the
*current* value and point at each place a field was written.

Reading decisions (rules depend on them):

* A field label counts only at the start of a line of a paragraph or of a
  bullet-list item (``Label:``, ``**Label:**``, ``**Label**:``, optional
  ``[CX-…]`` tag), in the first cell of a two-column table row, or as a
  heading. Mid-line mentions ("...(status: Ready for Dev)") are prose.
  Ordered-list items are numbered prose steps, never field declarations.
* Labels compare after NFC + casefold with ``_``, ``-`` and spaces
  equivalent. ``WP_STATUS`` is read as STATUS; ``Blocker`` / ``Blocked by``
  as Depends on (the WP named there blocks *this* one); ``In Scope`` /
  ``Out of Scope`` headings as IN_SCOPE_PATHS / OUT_OF_SCOPE.
* A heading may carry a field with its value (``### RISK_TIER: HIGH``).
* Lines of the same paragraph after a label line, up to the next label line,
  continue its value; when they start with a line that is only a backtick run
  (optionally followed by a word, e.g. `` `ash ``) they are read as a code
  block that lost its fence, up to a closing backtick-only line.
* The packet's status is the last STATUS occurrence whose value names a known
  state (see :mod:`.status`); STATUS lines of prose ("STATUS: The task is
  CLOSED and moved to Done...") do not override an earlier real state. When
  no occurrence names a known state, the last one is used (UNKNOWN).
* ``date`` is the ``YYYY-MM-DD`` part of the first DATE value.
* Dependencies: ``Depends on`` / ``Dependencies`` name the packets this one
  waits for, ``Blocks`` the packets waiting for this one. A list under a
  Dependencies heading is read item by item: an item's own label
  (``Blocks:``, ``Requires:``, ``Enables:``) decides its direction, and a
  clause that says so ("is a prerequisite for WP-X", "supersedes WP-Y")
  overrides the field (see :func:`.packet_dependencies.dependency_refs`).
* The lock is ``User Signature Locked`` (2025-12 template) or, failing a
  signed one, the first ``USER_SIGNATURE`` outside an appended validation
  report (2026-02 template).
* ``declared_id`` is the first TASK_ID / WP_ID value outside a validation
  report that is a whole WP id.
* Validation reports start at a heading naming a validation / validator /
  audit report (``## VALIDATION_REPORTS``, ``### 2026-02-01 Validator
  Report (PASS)``) or at a line that starts with such a title
  (``VALIDATION REPORT - WP-1-X``, also as a list item, also outside the
  reports section). A report runs to the next report start or to the end of
  its section; its verdict is its first ``Verdict:`` label (any case, bold
  or not), else a ``Status:`` / ``Result:`` label whose value is a verdict
  word, else a verdict word written in its heading (see
  :func:`.packet_reports.validation_reports`).

This module puts a :class:`Packet` together and decides its status, lock,
signature and declared id. The labels and their canonical names are in
:mod:`.packet_labels`, the markdown view of the text in
:mod:`.packet_markdown`, finding the fields in :mod:`.packet_fields`,
dependencies in :mod:`.packet_dependencies` and validation reports in
:mod:`.packet_reports`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Sequence

from ..model.ids import WP_ID, WP_ID_FULL
from ..model.packet import AnchorRef, FieldOccurrence, Packet
from ..model.basics import Loc, ParseIssue, Status
from ..repository.source import SourceText
from .anchors import parse_anchor_value
from .markdown import tokenize
from .packet_dependencies import dependency_refs
from .packet_fields import read_fields
from .packet_labels import REPORT_HEADING, label_key
from .packet_markdown import PacketContext, heading_infos, item_text_loc, token_pairs
from .packet_reports import ISO_DATE, validation_reports
from .status import normalise_status

_PHASE = re.compile(r"^WP-(\d+)-")
_SIGNED = re.compile(r"[A-Za-z]\w*\d{4,}")


def _current_status(occurrences: Sequence[FieldOccurrence]) -> tuple[Status, str, Loc | None]:
    """Last STATUS naming a known state; else the last STATUS written."""
    for occurrence in reversed(occurrences):
        status = normalise_status(occurrence.value)
        if status is not Status.UNKNOWN:
            return status, occurrence.value, occurrence.loc
    if occurrences:
        return Status.UNKNOWN, occurrences[-1].value, occurrences[-1].loc
    return Status.UNKNOWN, "", None


def _anchors(ctx: PacketContext, occurrences: Sequence[FieldOccurrence]) -> tuple[AnchorRef, ...]:
    """The packet's anchors; a SPEC_ANCHOR quoted inside an appended
    validation report is the Validator's citation, not the packet's claim."""
    anchors: list[AnchorRef] = []
    for occurrence in occurrences:
        if REPORT_HEADING.search(label_key(occurrence.section)):
            continue
        texts = [(occurrence.value, occurrence.loc)] if occurrence.value else []
        texts += [item_text_loc(ctx, item) for item in occurrence.items]
        for text, loc in texts:
            on_line = [issue for issue in ctx.src.issues if issue.loc.line == loc.line]
            anchors.extend(parse_anchor_value(text, loc, on_line))
    return tuple(anchors)


def _declared_id(fields: dict[str, tuple[FieldOccurrence, ...]]) -> str:
    """The first TASK_ID / WP_ID outside a validation report that is a
    whole WP id (decoration such as backticks ignored)."""
    for name in ("TASK_ID", "WP_ID"):
        for occurrence in fields.get(name, ()):
            if "validation" in occurrence.section.casefold():
                continue
            match = WP_ID.search(occurrence.value)
            if match and WP_ID_FULL.match(match.group(0).rstrip(".-")):
                return match.group(0).rstrip(".-")
    return ""


def _lock(fields: dict[str, tuple[FieldOccurrence, ...]]) -> FieldOccurrence | None:
    """The field that locks the packet: the last ``User Signature Locked``
    (2025-12 template; a later lock replaces a ``<pending>`` one), else the
    first ``USER_SIGNATURE`` outside a validation report (the 2026-02
    template's lock field, written once at creation). A written signature
    wins over a placeholder in the other field."""
    candidates: list[FieldOccurrence] = []
    locked = fields.get("User Signature Locked", ())
    if locked:
        candidates.append(locked[-1])
    own = [occurrence for occurrence in fields.get("USER_SIGNATURE", ()) if "validation" not in occurrence.section.casefold()]
    if own:
        candidates.append(own[0])
    for occurrence in candidates:
        if _SIGNED.search(occurrence.value):
            return occurrence
    return candidates[0] if candidates else None


def packet_id_from_path(path: str) -> str:
    """``docs/task_packets/WP-1-Foo-v2.md`` -> ``WP-1-Foo-v2``; a folder
    packet (``.GOV/task_packets/WP-1-Foo-v2/packet.md``, the path the
    repository resolves a WP id to from April 2026) is named by its folder."""
    pure = PurePosixPath(path)
    if pure.stem == "packet" and pure.parent.name:
        return pure.parent.name
    return pure.stem


_CODE_SEARCH_LINES = 60


def _with_code_loc(ctx: PacketContext, occurrence: FieldOccurrence) -> FieldOccurrence:
    """``occurrence`` with ``code_loc`` set: where the first line of its code
    stands in the file (line of code line 0, column of its first character).

    Without it every rule that quotes a code line (a ``<commit-sha>`` in
    ROLLBACK_HINT, a missing ``just post-work`` in TEST_PLAN) could only
    point at the field label, with an excerpt that is not on that line. The
    code text is de-indented by the tokenizer (list and fence indentation),
    so its first non-blank line is searched for below the label."""
    if not occurrence.code.strip() or occurrence.code_loc is not None:
        return occurrence
    code_lines = occurrence.code.split("\n")
    first = next(index for index, text in enumerate(code_lines) if text.strip())
    wanted = code_lines[first]
    start = occurrence.loc.line
    for number in range(start, min(start + _CODE_SEARCH_LINES, len(ctx.lines)) + 1):
        column0 = ctx.lines[number - 1].find(wanted.lstrip())
        if column0 < 0 or number - first < 1:
            continue
        indent = len(wanted) - len(wanted.lstrip())
        return replace(occurrence, code_loc=ctx.loc(number - first, max(column0 - indent, 0)))
    return occurrence


def _signature_value(lock: FieldOccurrence | None) -> tuple[str, Loc | None]:
    """The lock's signature without code/bold decoration (```ilja...```),
    located at its first character."""
    if lock is None:
        return "", None
    value = lock.value.strip()
    bare = value.strip("`*_ ")
    if not bare:
        return value, lock.loc
    offset = lock.value.find(bare)
    return bare, Loc(lock.loc.file, lock.loc.line, lock.loc.column + max(offset, 0))


def parse_packet(src: SourceText) -> tuple[Packet, list[ParseIssue]]:
    """Parse one task packet; never raises on malformed content."""
    packet_id = packet_id_from_path(src.path)
    tokens = tokenize(src.text)
    ctx = PacketContext(src, tokens, token_pairs(tokens), src.lines, packet_id)
    headings = heading_infos(ctx)
    read_fields(ctx, headings)

    fields: dict[str, list[FieldOccurrence]] = {}
    for occurrence in map(lambda found: _with_code_loc(ctx, found), ctx.fields):
        fields.setdefault(occurrence.name, []).append(occurrence)
    frozen = {name: tuple(values) for name, values in fields.items()}

    if not any(name in frozen for name in ("TASK_ID", "WP_ID", "STATUS")):
        ctx.issue(
            Loc(src.path, 1),
            "no packet metadata found (no TASK_ID, WP_ID or STATUS field)",
            src.line(1),
        )
    status, status_raw, status_loc = _current_status(frozen.get("STATUS", ()))
    lock = _lock(frozen)
    signature, signature_loc = _signature_value(lock)
    depends_on, blocks = dependency_refs(ctx, frozen)
    title = next((info for info in headings if info.level == 1), None)
    date_values = frozen.get("DATE", ())
    date_match = ISO_DATE.search(date_values[0].value) if date_values else None
    phase_match = _PHASE.match(packet_id)
    packet = Packet(
        id=packet_id,
        file=src.path,
        title=title.text if title else "",
        title_loc=title.loc if title else None,
        fields=frozen,
        headings=tuple((info.text, info.level, info.loc) for info in headings),
        status=status,
        status_raw=status_raw,
        status_loc=status_loc,
        spec_anchors=_anchors(ctx, frozen.get("SPEC_ANCHOR", ())),
        depends_on=depends_on,
        blocks=blocks,
        signature=signature,
        signature_loc=signature_loc,
        validation_reports=validation_reports(ctx, headings),
        date=date_match.group(1) if date_match else "",
        phase=phase_match.group(1) if phase_match else "",
        declared_id=_declared_id(frozen),
    )
    ctx.issues.sort(key=lambda issue: (issue.loc.line, issue.loc.column))
    return packet, ctx.issues
