"""Task board parsing: columns, entries, tags, and what cannot be placed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mkdocs_handshake.model.basics import BoardColumn
from mkdocs_handshake.parse.board import classify_column, extract_tags, parse_board
from mkdocs_handshake.repository.source import decode

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "handshake-2025-12-27"

BOARD = """# Demo Board

Intro paragraph.

## 🚨 PHASE 2 CLOSURE GATES (BLOCKING)

**Authority:** Spec §9.1

1. **[WP-2-Alpha-Store]** - Build the store
   - Lead: Coder
   - Status: [READY FOR DEV 🔴]
   - Blocker: None (foundational)

2. **[WP-2-Beta-Cache]** - Cache on top
   - Status: [GAP 🟡]
   - Blocker: WP-2-Alpha-Store (MUST COMPLETE FIRST)

Closure criteria:
- [ ] All gate WPs are VALIDATED
- [x] Spec regression PASS

## In Progress

- [WP_ID]: {Brief description}
- WP-2-Gamma-Index: indexing work [IN-PROGRESS]

## Ready for Dev
- **[WP-2-Delta-UI]** / FAIL (SUPERSEDED by v2): panel wiring. [READY FOR DEV]
- just a note without an id

## Done
- **[WP-2-Epsilon-Core]** [VALIDATED]
- [WP-2-Zeta-Log](task_packets/WP-2-Zeta-Log.md) [VALIDATED]

## Blocked

- WP-2-Eta-Sync: Waiting for WP-2-Alpha-Store to VALIDATE (ETA 3 days)
- WP-2-Theta-Net: Blocked on 2 dependencies (WP-2-Alpha-Store, WP-2-Beta-Cache)

WP-2-Iota-Stray is parked here in a paragraph.

## Superseded (Archive)
- **[WP-2-Delta-UI-v1]** - Superseded by v2 (rework).
"""


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in fixture")


def _parse(text: str = BOARD, path: str = "docs/TASK_BOARD.md"):
    return parse_board(decode(text.encode("utf-8"), path))


def test_entries_land_in_their_columns_in_order() -> None:
    board, _ = _parse()
    placed = [(entry.wp, entry.column) for entry in board.entries]
    assert placed == [
        ("WP-2-Alpha-Store", BoardColumn.PHASE_GATE),
        ("WP-2-Beta-Cache", BoardColumn.PHASE_GATE),
        ("WP-2-Gamma-Index", BoardColumn.IN_PROGRESS),
        ("WP-2-Delta-UI", BoardColumn.READY_FOR_DEV),
        ("WP-2-Epsilon-Core", BoardColumn.DONE),
        ("WP-2-Zeta-Log", BoardColumn.DONE),
        ("WP-2-Eta-Sync", BoardColumn.BLOCKED),
        ("WP-2-Theta-Net", BoardColumn.BLOCKED),
        ("WP-2-Delta-UI-v1", BoardColumn.SUPERSEDED),
    ]
    raw = {entry.wp: entry.column_raw for entry in board.entries}
    assert raw["WP-2-Alpha-Store"] == "🚨 PHASE 2 CLOSURE GATES (BLOCKING)"
    assert raw["WP-2-Delta-UI-v1"] == "Superseded (Archive)"


def test_entry_loc_points_at_the_wp_id() -> None:
    board, _ = _parse()
    by_wp = {entry.wp: entry for entry in board.entries}
    for wp in ("WP-2-Alpha-Store", "WP-2-Gamma-Index", "WP-2-Delta-UI", "WP-2-Eta-Sync", "WP-2-Delta-UI-v1"):
        line = _line_of(BOARD, f"{wp}]" if wp != "WP-2-Gamma-Index" and wp != "WP-2-Eta-Sync" else f"- {wp}")
        loc = by_wp[wp].loc
        assert (loc.file, loc.line) == ("docs/TASK_BOARD.md", line)
        assert BOARD.split("\n")[line - 1][loc.column - 1 :].startswith(wp)


def test_longer_id_before_shorter_does_not_shift_the_column() -> None:
    text = "## Done\n- See WP-3-Kappa-v2 then WP-3-Kappa [VALIDATED]\n"
    board, _ = _parse(text)
    assert board.entries[0].wp == "WP-3-Kappa-v2"
    assert board.entries[0].loc.column == text.split("\n")[1].index("WP-3-Kappa-v2") + 1


def test_sub_bullets_belong_to_the_entry_text_and_give_tags() -> None:
    board, _ = _parse()
    by_wp = {entry.wp: entry for entry in board.entries}
    alpha = by_wp["WP-2-Alpha-Store"]
    assert "Status: [READY FOR DEV 🔴]" in alpha.text
    assert "Blocker: None (foundational)" in alpha.text
    assert alpha.tags == ("READY FOR DEV",)
    beta = by_wp["WP-2-Beta-Cache"]
    assert beta.tags == ("GAP",)
    assert "Blocker: WP-2-Alpha-Store (MUST COMPLETE FIRST)" in beta.text
    # the blocker named in a sub-bullet is not an entry of its own
    assert [entry.wp for entry in board.entries].count("WP-2-Alpha-Store") == 1


def test_blocked_entries_keep_reason_and_eta() -> None:
    board, _ = _parse()
    eta = next(entry for entry in board.entries if entry.wp == "WP-2-Eta-Sync")
    assert eta.text == "WP-2-Eta-Sync: Waiting for WP-2-Alpha-Store to VALIDATE (ETA 3 days)"
    assert eta.loc.line == _line_of(BOARD, "- WP-2-Eta-Sync")


def test_tags_are_normalised() -> None:
    board, _ = _parse()
    by_wp = {entry.wp: entry for entry in board.entries}
    assert by_wp["WP-2-Delta-UI"].tags == ("FAIL", "SUPERSEDED", "READY FOR DEV")
    assert by_wp["WP-2-Gamma-Index"].tags == ("IN PROGRESS",)
    assert by_wp["WP-2-Epsilon-Core"].tags == ("VALIDATED",)
    assert by_wp["WP-2-Delta-UI-v1"].tags == ("SUPERSEDED",)


def test_tag_extraction_ignores_ids_and_checkboxes() -> None:
    assert extract_tags("[CX-585A] [WP-1-Foo] [x] [HSK-WF-003] [Approved: abc]") == ()
    assert extract_tags("[GAP - packet not yet created] and FAILED") == ("GAP", "FAIL")


def test_link_form_reads_the_id_without_md_suffix() -> None:
    board, _ = _parse()
    zeta = next(entry for entry in board.entries if entry.wp == "WP-2-Zeta-Log")
    assert zeta.loc.line == _line_of(BOARD, "[WP-2-Zeta-Log]")
    assert zeta.loc.column == 4


def test_unplaceable_items_are_reported_placeholders_and_criteria_are_not() -> None:
    _, issues = _parse()
    lines = sorted((issue.rule, issue.loc.line) for issue in issues)
    assert lines == [
        ("PARSE-004", _line_of(BOARD, "just a note without an id")),
        ("PARSE-004", _line_of(BOARD, "WP-2-Iota-Stray is parked")),
    ]
    stray = next(issue for issue in issues if "Iota" in issue.message)
    assert stray.loc.column == 1


def test_columns_are_listed_with_their_heading_lines() -> None:
    board, _ = _parse()
    assert [(name, kind, loc.line) for name, kind, loc in board.columns] == [
        ("🚨 PHASE 2 CLOSURE GATES (BLOCKING)", BoardColumn.PHASE_GATE, _line_of(BOARD, "CLOSURE GATES")),
        ("In Progress", BoardColumn.IN_PROGRESS, _line_of(BOARD, "## In Progress")),
        ("Ready for Dev", BoardColumn.READY_FOR_DEV, _line_of(BOARD, "## Ready for Dev")),
        ("Done", BoardColumn.DONE, _line_of(BOARD, "## Done")),
        ("Blocked", BoardColumn.BLOCKED, _line_of(BOARD, "## Blocked")),
        ("Superseded (Archive)", BoardColumn.SUPERSEDED, _line_of(BOARD, "## Superseded")),
    ]


def test_column_names() -> None:
    assert classify_column("PHASE 1 CLOSURE GATES (BLOCKING - MUST COMPLETE)") is BoardColumn.PHASE_GATE
    assert classify_column("Ready-for-Dev") is BoardColumn.READY_FOR_DEV
    assert classify_column("Notes") is BoardColumn.OTHER


def test_items_under_other_headings_are_kept_as_other() -> None:
    board, issues = _parse("## Notes\n- a remark\n- WP-4-Foo is mentioned\n")
    assert [(entry.wp, entry.column, entry.column_raw, entry.loc.line) for entry in board.entries] == [
        ("WP-4-Foo", BoardColumn.OTHER, "Notes", 3)
    ]
    assert issues == []


def test_grouping_item_hands_down_its_sub_items() -> None:
    text = "## Ready for Dev\n- Storage track:\n  - [WP-5-One] first\n  - [WP-5-Two] second\n"
    board, issues = _parse(text)
    assert [(entry.wp, entry.loc.line) for entry in board.entries] == [("WP-5-One", 3), ("WP-5-Two", 4)]
    assert issues == []


def test_bom_and_crlf_keep_lines_and_columns() -> None:
    text = "## Done\n\n- **[WP-6-Crlf]** [VALIDATED]\n"
    data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    board, issues = parse_board(decode(data, "b.md"))
    assert issues == []
    entry = board.entries[0]
    assert (entry.wp, entry.column, entry.loc.line, entry.loc.column, entry.tags) == ("WP-6-Crlf", BoardColumn.DONE, 3, 6, ("VALIDATED",))


@pytest.mark.corpus
def test_real_board() -> None:
    path = CORPUS / "docs" / "TASK_BOARD.md"
    if not path.is_file():
        pytest.skip("corpus not present")
    raw = path.read_bytes()
    board, issues = parse_board(decode(raw, "docs/TASK_BOARD.md"))
    # count independently: list items naming a WP under each H2/H3 heading
    expected: dict[str, int] = {}
    heading = ""
    first_line: dict[str, int] = {}
    for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        found = re.match(r"#{2,3}\s+(.*)", line)
        if found:
            heading = found.group(1).strip()
            continue
        item = re.match(r"\s*(?:[-*+]|\d+\.)\s+.*?(WP-\d+-[A-Za-z0-9.\-]+)", line)
        if item:
            expected[heading] = expected.get(heading, 0) + 1
            first_line.setdefault(item.group(1).rstrip(".-"), number)
    got: dict[str, int] = {}
    for entry in board.entries:
        got[entry.column_raw] = got.get(entry.column_raw, 0) + 1
    assert got == expected
    assert len(board.entries) == sum(expected.values()) == 52
    columns = {entry.column for entry in board.entries}
    assert sum(entry.column is BoardColumn.READY_FOR_DEV for entry in board.entries) == expected["Ready for Dev"] == 35
    assert sum(entry.column is BoardColumn.DONE for entry in board.entries) == expected["Done"] == 14
    assert sum(entry.column is BoardColumn.SUPERSEDED for entry in board.entries) == 3
    assert columns == {BoardColumn.READY_FOR_DEV, BoardColumn.DONE, BoardColumn.SUPERSEDED}
    assert issues == []
    for entry in board.entries:
        assert entry.loc.line == first_line[entry.wp]
    ui = next(entry for entry in board.entries if entry.wp == "WP-1-Flight-Recorder-UI")
    assert ui.tags == ("FAIL", "SUPERSEDED", "READY FOR DEV")
