"""BOARD rules: the task board mirrors the packets (Part 6; Part 3 Error 3).

Packets are the source of truth (Part 1 PRIORITY_5): every finding here says
what the packet says and asks for the board to follow, except BOARD-004,
where the packet itself lacks the Validator's PASS that "Done" claims.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable, Iterator

from ..findings.finding import Finding
from ..model.ids import stub_id, variant_of
from ..model.verdicts import CLOSING_VERDICTS, VERDICT_WORDS, latest_report
from ..model.basics import BoardColumn, Lifecycle, Loc, Status
from ..model.records import BoardEntry
from ..model.packet import Packet, ValidationReport
from ..parse.board import normalise_tag
from ..protocol.profiles import Profile
from .base import Rule, rule
from .context import RuleContext

# Which packet states each status column may show (Part 6.2, 6.3). A packet
# whose Validator verdict was FAIL goes back to Ready for Dev (Part 6.3 step
# 5, Part 7.2 "FAILS Validator -> don't assign, escalate"), so FAILED sits
# there too. Done means Validator-approved (6.2 "After Validator approves").
COLUMN_STATUSES: dict[BoardColumn, frozenset[Status]] = {
    BoardColumn.READY_FOR_DEV: frozenset({Status.READY_FOR_DEV, Status.FAILED}),
    BoardColumn.IN_PROGRESS: frozenset({Status.IN_PROGRESS}),
    BoardColumn.DONE: frozenset({Status.DONE, Status.VALIDATED}),
    BoardColumn.BLOCKED: frozenset({Status.BLOCKED}),
    BoardColumn.SUPERSEDED: frozenset({Status.SUPERSEDED}),
}
STATUS_COLUMNS = frozenset(COLUMN_STATUSES)
_COLUMN_NAMES = {
    BoardColumn.READY_FOR_DEV: "Ready for Dev",
    BoardColumn.IN_PROGRESS: "In Progress",
    BoardColumn.DONE: "Done",
    BoardColumn.BLOCKED: "Blocked",
    BoardColumn.SUPERSEDED: "Superseded (Archive)",
}
_ETA = re.compile(
    r"\beta\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?\b|\b(?:in|within)\s+\d+\s*(?:work\s*)?(?:hours?|days?|weeks?)\b|"
    r"\bby\s+(?:mon|tue|wed|thu|fri|sat|sun|end of|eod|eow)\w*|\b(?:today|tomorrow|next week)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]{2,}")
_GAP = re.compile(r"\bgap\b|not yet created", re.IGNORECASE)


def superseding_variant(wp: str, packet_ids: Iterable[str], families: dict[str, list[str]] | None = None) -> str | None:
    """The newest packet of ``wp``'s family when it is a later revision than
    ``wp``. Part 5.6 and Part 3 Error 2 name revisions ``-v2``, ``-v3``: the
    unsuffixed packet is revision 1, and ``-v1`` written out (often a
    feature's own name, "Operator Consoles v1") is revision 1 as well, so
    neither of the two supersedes the other."""
    base, version = variant_of(wp)
    members = families.get(base, []) if families is not None else [p for p in packet_ids if variant_of(p)[0] == base]
    newer = [member for member in members if variant_of(member)[1] > version]
    return max(newer, key=_order) if newer else None


def _order(wp: str) -> tuple[int, str]:
    """Revision order (the number of ``-vN``, the unsuffixed id being 1);
    the id breaks ties between two packets of one revision, for a stable
    order only: it says nothing about which came first."""
    return variant_of(wp)[1], wp


def packet_families(packet_ids: Iterable[str]) -> dict[str, list[str]]:
    families: dict[str, list[str]] = defaultdict(list)
    for wp in packet_ids:
        families[variant_of(wp)[0]].append(wp)
    return families


def _status_text(packet: Packet) -> str:
    where = f" (line {packet.status_loc.line})" if packet.status_loc else ""
    return f"'{packet.status_raw.strip() or packet.status.value}'{where}"


def _verdict_after_status(packet: Packet) -> ValidationReport | None:
    """The packet's latest validation report when its verdict is the later
    word on the packet's state: verdicts are appended to the packet after
    its STATUS was written (VALIDATOR_PROTOCOL [CX-WP-001] "APPENDED to the
    end", [CX-WP-003] append-only history), so a verdict below the STATUS
    line, in the same file, supersedes it. A STATUS written after the
    verdict (work re-opened) or in another file keeps the say."""
    report = latest_report(packet)
    if report is None:
        return None
    at = report.verdict_loc or report.loc
    status = packet.status_loc
    if status is None or (status.file == at.file and status.line < at.line):
        return report
    return None


# The word a board entry records for a verdict: Part 6.5, VALIDATED means
# the Validator returned PASS; other verdicts are recorded as written.
_VERDICT_TAG = {"PASS": "VALIDATED"}


def _verdict_column(profile: Profile | None, verdict: str) -> tuple[BoardColumn, str]:
    """The board section a packet whose last word is ``verdict`` stands in,
    and the tag its entry records ('' when the board format asks for none).
    The section whose entry format records that verdict when the protocol's
    board has one (profile ``board.entry_tags``, e.g. 2026-02 "Done:
    [VALIDATED|FAIL|OUTDATED_ONLY]", FAIL there a closed failure); else
    Done for a closing verdict (Part 6.3 step 4 "Validator approves -> Move
    to Done") and Ready for Dev for a FAIL (:data:`COLUMN_STATUSES`)."""
    tag = _VERDICT_TAG.get(verdict, verdict)
    for pattern, tags in profile.board_entry_tags if profile is not None else ():
        if normalise_tag(tag) not in {normalise_tag(word) for word in tags}:
            continue
        for column, name in _COLUMN_NAMES.items():
            if re.search(pattern, name.casefold()):
                return column, tag
    return (BoardColumn.DONE if verdict in CLOSING_VERDICTS else BoardColumn.READY_FOR_DEV), ""


def _board_place(packet: Packet, profile: Profile | None) -> str:
    """Where the board should list a packet it lacks, and why: the section
    of the latest verdict when that is the packet's last word and its
    STATUS says otherwise (VALIDATOR_PROTOCOL "when PASS ... move WP to
    Done"; see :func:`_verdict_column`), else the column of its STATUS."""
    by_status = f"the column of its STATUS {_status_text(packet)}"
    report = _verdict_after_status(packet)
    verdict = report.verdict.upper() if report is not None else ""
    if report is None or verdict not in VERDICT_WORDS:
        return by_status
    column, tag = _verdict_column(profile, verdict)
    if packet.status in COLUMN_STATUSES[column] or (verdict == "FAIL" and packet.status is Status.FAILED):
        return by_status  # the STATUS and the verdict agree
    line = (report.verdict_loc or report.loc).line
    entry = f" as [{tag}]" if tag else ""
    newer = f", is newer than its STATUS {_status_text(packet)}" if packet.status_loc else ""
    return f"'{_COLUMN_NAMES[column]}'{entry} (its latest validation verdict, {report.verdict} at line {line}{newer})"


def _entries_by_wp(entries: Iterable[BoardEntry]) -> dict[str, list[BoardEntry]]:
    found: dict[str, list[BoardEntry]] = defaultdict(list)
    for entry in entries:
        found[entry.wp].append(entry)
    return found


# --------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------


def _id_in_title(packet: Packet) -> Loc:
    """Where the packet's id stands in its title ("# Task Packet: WP-1-X"),
    so the finding's column points at the excerpt it quotes; the title's (or
    the file's) start when the title does not contain the id."""
    loc = packet.head_loc
    offset = packet.title.find(packet.id) if packet.title_loc else -1
    return Loc(loc.file, loc.line, loc.column + offset) if offset >= 0 else loc


@rule("BOARD-001", "error", "Every packet is on the board and every entry has a packet")
def board_packet_sync(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 6.3: "Update TASK_BOARD IMMEDIATELY" when a WP is created or
    moves; Part 3 Error 3. A phase-gate listing does not count as being on
    the board, and a GAP listing ("not yet created as packet", Part 6.2)
    or a stub entry (planned work, not yet activated) needs no packet. A
    superseded packet missing from the board is BOARD-006's (it belongs in
    the archive), so it is not reported twice: neither one whose lifecycle
    is superseded nor one a newer ``-vN`` revision replaces, for which
    BOARD-006 asks for the archive entry Part 3 Error 2 prescribes ("remove
    original from active list, mark superseded"). One defect, one finding;
    and this rule's remedy, the column of the stale STATUS, would put the
    replaced packet back in the active list. A packet off the board whose
    folder was imported from a flat packet that is still beside it (the
    folder era's resolution order passes over the flat file) keeps the
    status it had at import: it is history, and is not asked onto the
    board. Entries of the board sections
    the profile lists as ``board.inventory_only`` (from June 2026 the
    archive: the registry records its packet-less entries as "Task Board
    inventory only", and the repository's own board check asks a packet
    file of Done entries only) need no packet."""
    board = ctx.model.board
    if board is None:
        return  # PARSE-001 reports the missing board
    by_wp = _entries_by_wp(board.entries)
    families = packet_families(ctx.packets_by_id) if ctx.applies("BOARD-006") else None
    for packet in ctx.model.packets:
        # an entry by the declared id counts when that id resolves to this packet
        # (a file named by that id owns it: a copied packet is not on the board)
        own_alias = packet.declared_id and packet.declared_id != packet.id and ctx.packet_aliases.get(packet.declared_id) == packet.id
        listed = [*by_wp.get(packet.id, ()), *(by_wp.get(packet.declared_id, ()) if own_alias else ())]
        placed = [entry for entry in listed if entry.column is not BoardColumn.PHASE_GATE]
        if placed or packet.lifecycle is Lifecycle.SUPERSEDED:
            continue  # a superseded packet belongs in the archive: BOARD-006 says so
        if packet.lifecycle is Lifecycle.LEGACY and any(part.authority == "legacy" for part in packet.files):
            continue  # a folder imported from a flat packet, off the board: history kept beside its folder
        if families is not None and superseding_variant(packet.id, (), families) is not None:
            continue  # replaced by a newer revision: BOARD-006 asks for its archive entry
        gate_only = " (it appears only in the phase-gate listing)" if listed else ""
        yield rule.finding(
            f"{packet.id} is not on {board.file}{gate_only}; add it to {_board_place(packet, ctx.profile)}, "
            "or to the Superseded archive if it is no longer planned",
            _id_in_title(packet),
            packet.id,
            packet.id,
        )
    for entry in board.entries:
        if ctx.packet(entry.wp) is not None:  # by file name or declared TASK_ID
            continue
        if any(_GAP.search(tag) for tag in entry.tags) or _GAP.search(entry.text):
            continue
        if _is_stub_entry(ctx, entry) or _has_stub_file(ctx, entry.wp):
            continue  # a stub is planned work: it has no task packet until activated
        if ctx.profile is not None and ctx.profile.board_lifecycle(entry.column_raw) in ctx.profile.board_inventory_only:
            continue  # the era keeps such entries as inventory: no packet file is asked of them
        yield rule.finding(
            f"board entry {entry.wp} in '{entry.column_raw}' has no task packet (no packet file or folder of that id was read); "
            "create the packet or mark the entry as a GAP",
            entry.loc,
            entry.wp,
            entry.wp,
        )


def _has_stub_file(ctx: RuleContext, wp: str) -> bool:
    """A stub of that id is in the stub folder (``.md`` or the contract
    era's ``.contract.json`` beside it): an entry for it, even one archived
    as superseded before it was activated, has its file."""
    return any(stub_id(path) == wp for path in ctx.model.stub_files)


def _is_stub_entry(ctx: RuleContext, entry: BoardEntry) -> bool:
    """An entry the protocol profile reads as a not-yet-activated stub (a
    Stub Backlog section or a [STUB] tag)."""
    profile = ctx.profile
    if profile is None:
        return False
    if profile.board_lifecycle(entry.column_raw) == "stub":
        return True
    return any(profile.tag_lifecycle(tag) == "stub" for tag in entry.tags)


@rule("BOARD-002", "error", "The board column agrees with the packet's STATUS")
def board_column_status(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 6.3: "If WP file shows STATUS: In-Progress but TASK_BOARD shows
    Ready-for-Dev -> FAIL." Phase-gate listings are not status columns. The
    Superseded archive also holds packets superseded by a newer -vN variant.
    Packets without a readable STATUS are left to PKT-004/PKT-006."""
    board = ctx.model.board
    if board is None:
        return
    families = packet_families(ctx.packets_by_id)
    for entry in board.entries:
        allowed = COLUMN_STATUSES.get(entry.column)
        packet = ctx.packet(entry.wp)
        if allowed is None or packet is None:
            continue
        if packet.status is Status.UNKNOWN:
            if packet.status_loc is None and entry.column is not BoardColumn.SUPERSEDED:
                yield rule.finding(
                    f"board lists {entry.wp} under '{entry.column_raw}' but its packet records no STATUS, so nothing backs "
                    f"the board; write STATUS: {_COLUMN_NAMES[entry.column]} in the packet if that is its state",
                    entry.loc,
                    entry.wp,
                    entry.wp,
                )
            continue  # an unreadable STATUS is PKT-006's
        if packet.status in allowed:
            continue
        if entry.column is BoardColumn.SUPERSEDED and superseding_variant(entry.wp, (), families):
            continue
        yield rule.finding(
            f"board lists {entry.wp} under '{entry.column_raw}' but its packet STATUS is {_status_text(packet)}; "
            "the packet is the source of truth — move the entry (or update STATUS if the packet is stale)",
            entry.loc,
            entry.wp,
            entry.wp,
        )


@rule("BOARD-003", "error", "A WP stands in one column only")
def board_one_column(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 6.1: the board is the single status tracker, so a WP has one
    status column; the Superseded archive and phase-gate listings aside."""
    board = ctx.model.board
    if board is None:
        return
    first: dict[str, BoardEntry] = {}
    for entry in board.entries:
        if entry.column not in STATUS_COLUMNS or entry.column is BoardColumn.SUPERSEDED:
            continue
        earlier = first.setdefault(entry.wp, entry)
        if earlier is entry or earlier.column is entry.column:
            continue
        yield rule.finding(
            f"{entry.wp} stands under '{entry.column_raw}' and also under '{earlier.column_raw}' (line {earlier.loc.line}); "
            "keep the one matching its packet STATUS",
            entry.loc,
            entry.wp,
            entry.wp,
        )


@rule("BOARD-004", "error", "A WP in Done has a validation report with verdict PASS")
def done_needs_pass(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 6.5: VALIDATED means "Validator returned `verdict: PASS`", "not
    just 'done'"; Part 6.3 step 4 moves a WP to Done only when the Validator
    approves. The packet's latest verdict decides; a status word such as
    "HARD-VALIDATED" is not a verdict. OUTDATED_ONLY (the 2026-02
    Validator's verdict for work correct against its SPEC_BASELINE) also
    closes a packet as Done: the board's Done format lists it. Where that
    format also records FAIL (2026-02: "Validator updates main TASK_BOARD
    to Done on PASS/FAIL", "Done: [VALIDATED|FAIL|OUTDATED_ONLY]"), an
    entry tagged FAIL whose packet's latest verdict is FAIL records a
    closed failure truthfully and claims no PASS."""
    board = ctx.model.board
    if board is None:
        return
    for entry in board.entries:
        if entry.column is not BoardColumn.DONE:
            continue
        packet = ctx.packet(entry.wp)
        if packet is None:
            continue  # BOARD-001
        report = latest_report(packet)
        if report is not None and report.verdict.upper() in CLOSING_VERDICTS:
            continue
        if report is not None and _records_closed_failure(ctx.profile, entry, report.verdict.upper()):
            continue
        if report is None:
            detail = "its packet has no validation report with a verdict"
        else:
            line = (report.verdict_loc or report.loc).line
            detail = f"its packet's latest verdict is {report.verdict} (line {line})"
        yield rule.finding(
            f"{entry.wp} is under Done but {detail}; Done requires the Validator's verdict PASS — move it back or validate it",
            entry.loc,
            entry.wp,
            entry.wp,
        )


def _records_closed_failure(profile: Profile | None, entry: BoardEntry, verdict: str) -> bool:
    """The Done entry says FAIL, as the board format in force records a
    failed verdict in Done (see :func:`_verdict_column`), and so does the
    packet's latest verdict."""
    return (
        verdict == "FAIL"
        and normalise_tag("FAIL") in entry.tags
        and _verdict_column(profile, verdict) == (BoardColumn.DONE, "FAIL")
    )


@rule("BOARD-005", "warning", "A Blocked entry documents its reason and ETA")
def blocked_reason_eta(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 6.2 ("Document specific reason"), Part 6.3 step 3 and Part 7.2
    ("Waiting for X to VALIDATE (ETA 3 days)")."""
    board = ctx.model.board
    if board is None:
        return
    for entry in board.entries:
        if entry.column is not BoardColumn.BLOCKED:
            continue
        rest = entry.text.replace(entry.wp, " ")
        for tag in entry.tags:
            rest = re.sub(r"\[\s*" + re.escape(tag) + r"\s*\]", " ", rest, flags=re.IGNORECASE)
        has_eta = bool(_ETA.search(rest))
        reason_text = _ETA.sub(" ", rest)
        has_reason = len(_WORD.findall(reason_text)) >= 2
        missing = [name for name, present in (("a reason", has_reason), ("an ETA", has_eta)) if not present]
        if not missing:
            continue
        yield rule.finding(
            f"Blocked entry {entry.wp} does not give {' or '.join(missing)}; write e.g. "
            "'Waiting for WP-X to VALIDATE (ETA 3 days)'",
            entry.loc,
            entry.wp,  # the text at entry.loc; the entry's wording is judged in the message
            entry.wp,
        )


@rule("BOARD-006", "warning", "A superseded packet is archived and its variant names it")
def superseded_variants(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 3 Error 2 (a locked packet is replaced by a ``-v2`` packet that
    records what it replaces): the old packet goes to the Superseded archive
    (or says STATUS Superseded) and the variant names its predecessor. The
    archive part is a board fix and applies to every packet; naming the
    predecessor is an edit of the variant, asked of active variants only.
    Only a later revision replaces: an unsuffixed packet and its ``-v1``
    twin are both revision 1 (see :func:`superseding_variant`)."""
    families = packet_families(ctx.packets_by_id)
    by_wp = _entries_by_wp(ctx.model.board.entries) if ctx.model.board else {}
    for base, members in families.items():
        if len(members) < 2:
            continue
        ordered = sorted(members, key=_order)
        newest = ordered[-1]
        for older in ordered[:-1]:
            if superseding_variant(older, (), families) is not None:
                yield from _check_archived(rule, ctx, older, newest, by_wp)
        for position in range(1, len(ordered)):
            variant = ordered[position]
            earlier = [wp for wp in ordered[:position] if variant_of(wp)[1] < variant_of(variant)[1]]
            if earlier:  # a twin of the same revision replaces nothing
                yield from _check_names_predecessor(rule, ctx, variant, earlier)


def _check_archived(rule: Rule, ctx: RuleContext, older: str, newest: str, by_wp: dict[str, list[BoardEntry]]) -> Iterator[Finding]:
    packet = ctx.packet(older)
    if packet is None or packet.status is Status.SUPERSEDED:
        return
    entries = by_wp.get(older, [])
    if any(entry.column is BoardColumn.SUPERSEDED for entry in entries):
        return
    live = [entry for entry in entries if entry.column in STATUS_COLUMNS]
    if live:
        loc, excerpt = live[0].loc, live[0].wp
        where = f"the board still lists it under '{live[0].column_raw}'"
    else:
        loc = packet.status_or_head_loc
        excerpt = packet.status_raw if packet.status_loc else older
        where = "it is neither in the Superseded archive nor marked STATUS Superseded"
    verb = "move" if live else "add"
    yield rule.finding(
        f"{older} is superseded by {newest} but {where}; {verb} it to 'Superseded (Archive)' naming {newest}",
        loc,
        excerpt,
        older,
    )


def _packet_texts(packet: Packet) -> Iterator[str]:
    """Everything a packet writes that the model keeps: title, headings,
    field values and items (a "Supersedes:" field when a parser records one)."""
    yield packet.title
    for text, _, _ in packet.headings:
        yield text
    for occurrences in packet.fields.values():
        for occurrence in occurrences:
            yield occurrence.value
            stack = list(occurrence.items)
            while stack:
                item = stack.pop()
                yield item.text
                stack.extend(item.children)
    for report in packet.validation_reports:
        yield report.heading


def _check_names_predecessor(rule: Rule, ctx: RuleContext, variant: str, earlier: list[str]) -> Iterator[Finding]:
    packet = ctx.packet(variant)
    if packet is None or (packet.lifecycle is not Lifecycle.ACTIVE and not ctx.history):
        return  # naming the predecessor is an edit; closed and superseded packets are history
    patterns = [re.compile(rf"(?<![\w-]){re.escape(wp)}(?![\w-]|-v\d)", re.IGNORECASE) for wp in earlier]
    for text in _packet_texts(packet):
        if any(pattern.search(text) for pattern in patterns):
            return
    predecessor = earlier[-1]
    yield rule.finding(
        f"{variant} replaces {predecessor} but never names it; add 'Supersedes: {predecessor}' to its metadata",
        packet.head_loc,
        packet.title,
        variant,
    )
