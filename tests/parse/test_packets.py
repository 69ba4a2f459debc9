"""Task packets: every written field form, with the line and column a person
would be pointed at. Lines are computed from the fixture text, never typed."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from mkdocs_handshake.model.basics import Loc, ParseIssue, Status
from mkdocs_handshake.model.packet import Packet
from mkdocs_handshake.parse.markdown import tokenize
from mkdocs_handshake.parse.packets import parse_packet
from mkdocs_handshake.repository.source import SourceText, decode, read_source

PATH = "docs/task_packets/WP-3-Gizmo-Store-v2.md"

PACKET = """# Task Packet: WP-3-Gizmo-Store-v2

## Metadata
- TASK_ID: WP-3-Gizmo-Store-v2
- WP_ID: WP-3-Gizmo-Store-v2
- DATE: 2031-04-05T10:00:00Z
- ROLE: Orchestrator
**STATUS:** In Progress

## Scope
- **What**: Store gizmos durably.
- **Why**: Gizmos vanish on restart.
- **IN_SCOPE_PATHS**:
  * src/gizmo/store.rs
  * src/gizmo/mod.rs
    * src/gizmo/nested.rs

## Quality Gate
- **RISK_TIER**: MEDIUM
- **TEST_PLAN**:
  ```bash
  cargo test gizmo
  ```

## DONE_MEANS
- Gizmos survive restart.
- Store is covered by tests.

## RISK_TIER
- Level: HIGH
- Rationale: storage.

## ROLLBACK_HINT
`ash
git revert abc123
`

## BOOTSTRAP
- RUN_COMMANDS:
  `ash
  cargo build
  `

| Field | Value |
|-------|-------|
| Codex | Gizmo Codex v2.0 |

## Authority
- **SPEC_ANCHOR**: §4.1 [GZ-STORE-001], §4.2
- Task Board: docs/BOARD.md\\n\\n## EXTRA_SECTION
- **Dependencies**: WP-3-Gizmo-Core (VALIDATED) supplies ids; WP-3-Gizmo-UI.
- **Blocks**: None

**Last Updated:** 2031-04-06
**User Signature Locked:** gizmo0504203110

## VALIDATION REPORT — WP-3-Gizmo-Store-v2 (2031-04-07)
Verdict: FAIL

Scope Inputs:
- Task Packet: docs/task_packets/WP-3-Gizmo-Store-v2.md (status: Ready for Dev)
- Spec: - **SPEC_ANCHOR**: §4.1

1. STATUS: Done
- GIZMO_MAGIC: 42

**STATUS:** Done (2031-04-07)

### Closing note
  STATUS: The work is CLOSED and moved to Done on the board.
"""


def _src(text: str, path: str = PATH) -> SourceText:
    return decode(text.encode("utf-8"), path)


def _parse(text: str = PACKET) -> tuple[Packet, list[ParseIssue]]:
    return parse_packet(_src(text))


def _at(text: str, needle: str, occurrence: int = 1, path: str = PATH) -> Loc:
    """Loc of the n-th line containing ``needle``, column of the needle."""
    seen = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return Loc(path, number, line.index(needle) + 1)
    raise AssertionError(f"{needle!r} not in fixture")


def test_identity_title_date_phase() -> None:
    packet, _ = _parse()
    assert packet.id == "WP-3-Gizmo-Store-v2"
    assert packet.phase == "3"
    assert packet.title == "Task Packet: WP-3-Gizmo-Store-v2"
    assert packet.title_loc == _at(PACKET, "Task Packet: WP-3")
    assert packet.date == "2031-04-05"
    assert ("DONE_MEANS", 2, _at(PACKET, "DONE_MEANS")) in packet.headings


def test_list_and_bold_fields_keep_value_columns() -> None:
    packet, _ = _parse()
    task = packet.fields["TASK_ID"][0]
    assert (task.value, task.form, task.loc) == ("WP-3-Gizmo-Store-v2", "list", _at(PACKET, "WP-3-Gizmo-Store-v2", 2))
    what = packet.field("What")
    assert what is not None
    assert (what.value, what.loc, what.raw_name, what.section) == (
        "Store gizmos durably.", _at(PACKET, "Store gizmos"), "What", "Scope",
    )
    # A bold line directly under a list is a lazy continuation of the last
    # item in markdown, but it is still its own field line.
    first_status = packet.fields["STATUS"][0]
    assert (first_status.value, first_status.form, first_status.loc) == ("In Progress", "bold", _at(PACKET, "In Progress"))


def test_nested_items_and_code_under_a_field() -> None:
    packet, _ = _parse()
    paths = packet.field("IN_SCOPE_PATHS")
    assert paths is not None
    assert [item.text for item in paths.items] == ["src/gizmo/store.rs", "src/gizmo/mod.rs"]
    assert paths.items[0].loc == _at(PACKET, "src/gizmo/store.rs")
    assert [child.text for child in paths.items[1].children] == ["src/gizmo/nested.rs"]
    assert paths.items[1].children[0].depth == 1
    plan = packet.field("TEST_PLAN")
    assert plan is not None and plan.code == "cargo test gizmo\n"


def test_heading_fields_take_their_body() -> None:
    packet, _ = _parse()
    done = packet.field("DONE_MEANS")
    assert done is not None and done.form == "heading"
    assert [item.loc.line for item in done.items] == [_at(PACKET, "Gizmos survive").line, _at(PACKET, "Store is covered").line]
    tiers = packet.fields["RISK_TIER"]
    assert [(tier.value, tier.form) for tier in tiers] == [("MEDIUM", "list"), ("HIGH", "heading")]
    assert tiers[1].loc == _at(PACKET, "HIGH")
    rollback = packet.field("ROLLBACK_HINT")
    assert rollback is not None and rollback.code == "git revert abc123\n"


def test_broken_backtick_fence_inside_a_list_item_is_code() -> None:
    packet, _ = _parse()
    commands = packet.field("RUN_COMMANDS")
    assert commands is not None
    assert commands.code == "cargo build\n"
    assert commands.value == ""


def test_table_row_field() -> None:
    packet, _ = _parse()
    codex = packet.field("Codex")
    assert codex is not None
    assert (codex.value, codex.form, codex.loc) == ("Gizmo Codex v2.0", "table", _at(PACKET, "Gizmo Codex"))


def test_last_real_status_wins_over_prose_and_ordered_steps() -> None:
    packet, _ = _parse()
    assert packet.status is Status.DONE
    assert packet.status_raw == "Done (2031-04-07)"
    assert packet.status_loc == _at(PACKET, "Done (2031-04-07)")
    written = [occurrence.value for occurrence in packet.fields["STATUS"]]
    # the "(status: ...)" mention and the ordered step are not field lines
    assert written == [
        "In Progress",
        "Done (2031-04-07)",
        "The work is CLOSED and moved to Done on the board.",
    ]


def test_spec_anchors_signature_dependencies() -> None:
    packet, _ = _parse()
    assert [(a.number, a.ids) for a in packet.spec_anchors] == [("4.1", ("GZ-STORE-001",)), ("4.2", ())]
    assert packet.spec_anchors[0].loc == _at(PACKET, "§4.1 [GZ")
    assert packet.signature == "gizmo0504203110"
    assert packet.signature_loc == _at(PACKET, "gizmo0504203110")
    assert [(ref.wp, ref.note) for ref in packet.depends_on] == [
        ("WP-3-Gizmo-Core", "(VALIDATED) supplies ids"),
        ("WP-3-Gizmo-UI", ""),
    ]
    assert packet.depends_on[1].loc == _at(PACKET, "WP-3-Gizmo-UI")
    assert packet.blocks == ()


def test_validation_report_verdict_and_date() -> None:
    packet, _ = _parse()
    (report,) = packet.validation_reports
    assert report.heading.startswith("VALIDATION REPORT")
    assert report.loc.line == _at(PACKET, "## VALIDATION REPORT").line
    assert (report.verdict, report.verdict_loc, report.date) == ("FAIL", _at(PACKET, "FAIL"), "2031-04-07")


def test_verdict_with_bold_label_and_date_field() -> None:
    text = "# T\n\n- TASK_ID: WP-2-X\n\n### Validation Report\n- **Verdict**: pass ✅\n- **Date**: 2030-01-02\n"
    packet, _ = parse_packet(_src(text, "docs/task_packets/WP-2-X.md"))
    (report,) = packet.validation_reports
    assert (report.verdict, report.date, report.verdict_loc.line if report.verdict_loc else 0) == ("PASS", "2030-01-02", 6)


def test_literal_newlines_and_unknown_caps_labels_are_reported() -> None:
    packet, issues = _parse()
    board = packet.field("Task Board")
    assert board is not None and board.value == "docs/BOARD.md"
    messages = {(issue.rule, issue.loc.line): issue for issue in issues}
    newline = messages[("PARSE-004", _at(PACKET, "\\n\\n").line)]
    assert newline.loc.column == _at(PACKET, "\\n\\n").column
    assert newline.excerpt == "\\n\\n## EXTRA_SECTION"  # what stands at that column
    assert "EXTRA_SECTION" in newline.message
    magic = messages[("PARSE-004", _at(PACKET, "GIZMO_MAGIC").line)]
    assert magic.loc.column == _at(PACKET, "- GIZMO_MAGIC").column  # where the quoted line starts
    assert magic.subject == "WP-3-Gizmo-Store-v2"
    assert len(issues) == 2


def test_label_spelling_variants_are_equivalent() -> None:
    text = "# X\n\n- task-id: WP-4-Y\n- **Spec Anchor**: §1.1\n- Wp_Status: Completed\n- **Blocker**: WP-4-Z\n"
    packet, issues = parse_packet(_src(text, "docs/task_packets/WP-4-Y.md"))
    assert packet.field("TASK_ID") is not None
    assert [a.number for a in packet.spec_anchors] == ["1.1"]
    assert packet.status is Status.DONE and packet.status_loc == Loc("docs/task_packets/WP-4-Y.md", 5, 14)
    # "Blocker: WP-4-Z" names the packet that blocks this one: a dependency.
    assert [ref.wp for ref in packet.depends_on] == ["WP-4-Z"] and packet.blocks == ()
    assert issues == []


def test_packet_without_metadata_is_reported() -> None:
    text = "Just some notes about gizmos.\n\nNothing structured here.\n"
    packet, issues = parse_packet(_src(text, "docs/task_packets/WP-9-Notes.md"))
    assert packet.status is Status.UNKNOWN and packet.status_loc is None
    assert [(issue.rule, issue.loc.line) for issue in issues] == [("PARSE-004", 1)]


def test_unknown_status_only_when_nothing_names_a_state() -> None:
    text = "# X\n\n- TASK_ID: WP-5-Q\n- STATUS: Sleeping\n"
    packet, _ = parse_packet(_src(text, "docs/task_packets/WP-5-Q.md"))
    assert (packet.status, packet.status_raw, packet.status_loc) == (
        Status.UNKNOWN, "Sleeping", Loc("docs/task_packets/WP-5-Q.md", 4, 11),
    )


# --------------------------------------------------------------------------
# Real corpus
# --------------------------------------------------------------------------


def _corpus_packets(root: Path) -> list[SourceText]:
    return [
        read_source(root, path.relative_to(root).as_posix())
        for path in sorted((root / "docs" / "task_packets").glob("WP-*.md"))
    ]


def _corpus_packet(root: Path, wp: str) -> tuple[SourceText, Packet]:
    src = read_source(root, f"docs/task_packets/{wp}.md")
    return src, parse_packet(src)[0]


def _line_with(src: SourceText, needle: str, last: bool = False) -> tuple[int, str]:
    hits = [(number, line) for number, line in enumerate(src.lines, start=1) if needle in line]
    assert hits, needle
    return hits[-1] if last else hits[0]


@pytest.mark.corpus
def test_every_corpus_packet_parses(corpus_root: Path) -> None:
    sources = _corpus_packets(corpus_root)
    assert len(sources) >= 70
    for src in sources:
        packet, issues = parse_packet(src)
        assert packet.id == Path(src.path).stem
        assert packet.phase == "1"
        assert all(issue.rule == "PARSE-004" for issue in issues)


@pytest.mark.corpus
def test_workflow_engine_v3(corpus_root: Path) -> None:
    src, packet = _corpus_packet(corpus_root, "WP-1-Workflow-Engine-v3")
    # Two status lines: "**STATUS:** VALIDATED" in the metadata and the
    # later update "**STATUS:** HARD-VALIDATED (...)"; the later one is current.
    number, line = _line_with(src, "**STATUS:**", last=True)
    assert packet.status is Status.VALIDATED
    assert packet.status_loc == Loc(src.path, number, line.index("HARD-VALIDATED") + 1)
    assert len(packet.fields["STATUS"]) == 2
    files, terms = packet.field("FILES_TO_OPEN"), packet.field("SEARCH_TERMS")
    assert files is not None and len(files.items) == 3
    assert terms is not None and len(terms.items) == 3
    number, line = _line_with(src, "User Signature Locked")
    assert packet.signature == "ilja261220252337"
    assert packet.signature_loc == Loc(src.path, number, line.index("ilja261220252337") + 1)
    (anchor,) = packet.spec_anchors
    assert (anchor.number, anchor.ids) == ("2.6.1", ("HSK-WF-002", "HSK-WF-003"))


@pytest.mark.corpus
def test_corpus_anchor_shapes(corpus_root: Path) -> None:
    src, ace = _corpus_packet(corpus_root, "WP-1-ACE-Auditability")
    assert [(a.number, a.damage) for a in ace.spec_anchors] == [("2.6.6.7.3", "Â§"), ("2.6.6.7.9", "Â§")]
    number, line = _line_with(src, "SPEC_ANCHOR")
    assert [a.loc for a in ace.spec_anchors] == [
        Loc(src.path, number, line.index("§2.6.6.7.3") + 1),
        Loc(src.path, number, line.index("§2.6.6.7.9") + 1),
    ]
    _, debug = _corpus_packet(corpus_root, "WP-1-Debug-Bundle")
    (prose,) = debug.spec_anchors
    assert prose.number == "" and prose.raw.startswith("Debug bundle section")
    _, calendar = _corpus_packet(corpus_root, "WP-1-Calendar-Lens")
    assert [a.number for a in calendar.spec_anchors] == ["7.6.3.12"]


_ANCHOR_LABEL_LINE = re.compile(r"^\s*(?:[-*]\s+)?(?:\*\*)?SPEC_ANCHOR")


@pytest.mark.corpus
def test_every_corpus_spec_anchor_line_produces_anchors(corpus_root: Path) -> None:
    # Independent count: lines whose label is SPEC_ANCHOR. Validation-report
    # echo lines ("- Spec: - **SPEC_ANCHOR**: ...") quote the packet and are
    # not anchors of their own; the regex excludes them by requiring the
    # label at line start.
    counted = 0
    for src in _corpus_packets(corpus_root):
        packet, _ = parse_packet(src)
        for number, line in enumerate(src.lines, start=1):
            if "SPEC_ANCHOR" not in line or not _ANCHOR_LABEL_LINE.match(line):
                continue
            counted += 1
            on_line = [a for a in packet.spec_anchors if a.loc.line == number]
            expected = max(line.count("§"), 1)
            assert len(on_line) == expected, (src.path, number, line)
            for anchor in on_line:
                assert line[anchor.loc.column - 1:].startswith(anchor.raw[:5]), (src.path, number)
        echo = [a for a in packet.spec_anchors if "Spec: -" in src.line(a.loc.line)]
        assert echo == []
    assert counted >= 50


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("wp", "label", "field"),
    [
        ("WP-1-Workflow-Engine-v3", "AGENT_ID", "AGENT_ID"),
        ("WP-1-Workflow-Engine-v3", "DATE", "DATE"),
        ("WP-1-Retention-GC", "USER_SIGNATURE", "USER_SIGNATURE"),
        ("WP-1-Retention-GC", "RISK_TIER", "RISK_TIER"),
        ("WP-1-Storage-Foundation", "**Status:**", "STATUS"),
        ("WP-1-AppState-Refactoring", "**Status:**", "STATUS"),
        ("WP-1-AppState-Refactoring", "**RISK_TIER:**", "RISK_TIER"),
        ("WP-1-Capability-Enforcement", "WP_STATUS", "STATUS"),
        ("WP-1-Frontend-Build-Debug", "**Codex**", "Codex"),
        ("WP-1-Tokenization-Service", "**Status:**", "STATUS"),
        ("WP-1-Calendar-Lens", "- SPEC_CURRENT", "SPEC_CURRENT"),
        ("WP-1-Migration-Framework", "**Last Updated:**", "Last Updated"),
    ],
)
def test_corpus_spot_checks(corpus_root: Path, wp: str, label: str, field: str) -> None:
    src, packet = _corpus_packet(corpus_root, wp)
    number, line = next(
        (n, text) for n, text in enumerate(src.lines, start=1)
        if text.lstrip(" -*").startswith(label.lstrip(" -*"))
    )
    after = line[line.index(label) + len(label):]
    value = re.sub(r"^[*:\s]+", "", after).rstrip()
    column = line.index(value, line.index(label) + len(label)) + 1
    assert any(
        occurrence.loc == Loc(src.path, number, column) and occurrence.value == value
        for occurrence in packet.fields[field]
    ), (wp, number, value, [(o.loc, o.value) for o in packet.fields[field]])


@pytest.mark.corpus
def test_parse_time_is_comparable_to_tokenizing(corpus_root: Path) -> None:
    sources = _corpus_packets(corpus_root)
    start = time.perf_counter()
    for src in sources:
        tokenize(src.text)
    tokenize_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for src in sources:
        parse_packet(src)
    parse_seconds = time.perf_counter() - start
    print(f"\n{len(sources)} packets: tokenize {tokenize_seconds:.3f}s, parse {parse_seconds:.3f}s")
    # Parsing tokenizes once and walks the tokens a few times; a generous
    # bound catches accidental quadratic behaviour without timing flakiness.
    assert parse_seconds < 10 * tokenize_seconds + 1.0


def test_code_under_a_field_records_where_its_first_line_stands() -> None:
    # Rules quote code lines (a placeholder in ROLLBACK_HINT, a missing
    # post-work in TEST_PLAN); they need the code's own line and column, not
    # the field label's.
    packet, _ = _parse()
    plan, rollback, commands = (packet.field(name) for name in ("TEST_PLAN", "ROLLBACK_HINT", "RUN_COMMANDS"))
    assert plan is not None and plan.code_loc == _at(PACKET, "cargo test gizmo")
    assert rollback is not None and rollback.code_loc == _at(PACKET, "git revert abc123")
    assert commands is not None and commands.code_loc == _at(PACKET, "cargo build")
    assert packet.field("What") is not None and packet.field("What").code_loc is None


def test_list_items_keep_their_source_line_for_quoting() -> None:
    """Rules judge an item's readable text; findings quote it as written."""
    text = "# Task Packet: WP-1-Quote\n\n## DONE_MEANS\n- ✅ `Guard` and `Cache` implemented.\n- Plain item\n"
    packet, _ = _parse(text)
    done = packet.field("DONE_MEANS")
    assert done is not None
    first, second = done.items
    assert first.text == "✅ Guard and Cache implemented."
    assert first.source == "✅ `Guard` and `Cache` implemented."
    assert first.loc == Loc(PATH, 4, 3)
    assert second.source == second.text == "Plain item"
