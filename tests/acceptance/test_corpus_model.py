"""Issue 2 acceptance: the real corpus parses into a complete model.

Expected counts are derived from the files themselves where that is possible
(a test that re-derives the number independently), so the test does not
freeze a number that only the parser ever computed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mkdocs_handshake.model.basics import BoardColumn, Status
from mkdocs_handshake.model.governance import GovernanceModel

from .conftest import line_of

pytestmark = pytest.mark.corpus


def test_every_packet_file_is_in_the_model(corpus_model: GovernanceModel, corpus_root: Path) -> None:
    files = sorted(p.name[:-3] for p in (corpus_root / "docs" / "task_packets").glob("WP-*.md"))
    assert sorted(p.id for p in corpus_model.packets) == files
    assert len(files) == 70  # the folder has 71 files: 70 packets and a README


def test_board_audit_and_gate_log_counts(corpus_model: GovernanceModel) -> None:
    assert corpus_model.board is not None and corpus_model.audit is not None
    columns = [entry.column for entry in corpus_model.board.entries]
    assert len(columns) == 52
    assert columns.count(BoardColumn.READY_FOR_DEV) == 35
    assert columns.count(BoardColumn.DONE) == 14
    assert columns.count(BoardColumn.SUPERSEDED) == 3
    assert len(corpus_model.audit.rows) == 20
    assert [row.signature for row in corpus_model.audit.rows if row.invalid] == ["ilja261220252337"]
    assert len(corpus_model.gate_events) == 4


def test_spec_is_v02_93_with_its_roadmap(corpus_model: GovernanceModel, corpus_root: Path) -> None:
    spec = corpus_model.spec
    assert spec is not None and spec.version == "02.93" and spec.title_version == "02.93"
    index = spec.by_number()
    spec_path = corpus_root / spec.file
    heading = index["2.6.1"][0]
    assert heading.loc.line == line_of(spec_path, "### 2.6.1 ")
    assert heading.main_body
    assert index["2.3.12.1"][0].main_body
    roadmap = [s for s in spec.sections if s.number.startswith("7.6.")]
    assert roadmap and not any(s.main_body for s in roadmap)
    item = index["7.6.3.12"][0]
    assert item.kind == "list-item" and item.parent == "7.6.3" and "Calendar" in item.title
    stray = [s for s in index["11.7.5"] if s.out_of_order]
    assert stray and stray[0].loc.line == line_of(spec_path, "#### 11.7.5 ")


def test_spec_anchors_including_damaged_forms(corpus_model: GovernanceModel) -> None:
    packets = {packet.id: packet for packet in corpus_model.packets}
    engine = packets["WP-1-Workflow-Engine-v3"]
    assert [(a.number, a.ids) for a in engine.spec_anchors] == [("2.6.1", ("HSK-WF-002", "HSK-WF-003"))]
    ace = packets["WP-1-ACE-Auditability"]
    assert [(a.number, a.damage) for a in ace.spec_anchors] == [("2.6.6.7.3", "Â§"), ("2.6.6.7.9", "Â§")]
    assert [a.number for a in packets["WP-1-Calendar-Lens"].spec_anchors] == ["7.6.3.12"]
    debug = packets["WP-1-Debug-Bundle"].spec_anchors
    assert len(debug) == 1 and debug[0].number == "" and "Debug bundle section" in debug[0].raw
    question_marks = [a for p in corpus_model.packets for a in p.spec_anchors if a.damage == "??"]
    assert question_marks, "the corpus writes some anchors as ??N.N"


def test_spot_values_carry_their_lines(corpus_model: GovernanceModel, corpus_root: Path) -> None:
    packets = {packet.id: packet for packet in corpus_model.packets}
    engine = packets["WP-1-Workflow-Engine-v3"]
    path = corpus_root / engine.file
    assert engine.signature == "ilja261220252337"
    assert engine.signature_loc is not None and engine.signature_loc.line == line_of(path, "User Signature Locked")
    assert engine.status is Status.VALIDATED
    assert engine.status_loc is not None and engine.status_loc.line == line_of(path, "HARD-VALIDATED")
    files = engine.field("FILES_TO_OPEN")
    assert files is not None and len(files.items) == 3
    assert files.loc.line == line_of(path, "FILES_TO_OPEN")
    risk = engine.field("RISK_TIER")
    assert risk is not None and risk.value.startswith("HIGH")
    assert engine.validation_reports and engine.validation_reports[0].verdict == "PASS"

    calendar = packets["WP-1-Calendar-Lens"]
    assert calendar.status is Status.READY_FOR_DEV
    assert calendar.spec_anchors[0].loc.line == line_of(corpus_root / calendar.file, "SPEC_ANCHOR")
    assert [r.verdict for r in calendar.validation_reports] == ["FAIL", "FAIL"]

    board_path = corpus_root / "docs" / "TASK_BOARD.md"
    entry = next(e for e in corpus_model.board.entries if e.wp == "WP-1-Gate-Check-Tool")
    assert entry.column is BoardColumn.DONE and "VALIDATED" in entry.tags
    assert entry.loc.line == line_of(board_path, "[WP-1-Gate-Check-Tool]")

    audit_path = corpus_root / "docs" / "SIGNATURE_AUDIT.md"
    row = next(r for r in corpus_model.audit.rows if r.signature == "ilja261220252337")
    assert row.loc.line == line_of(audit_path, "| ilja261220252337")
    event = corpus_model.gate_events[2]
    assert event.wp == "WP-1-AppState-Refactoring-v2" and event.turn_token == "zw6yu"


def test_damaged_packets_are_recorded_not_dropped(corpus_model: GovernanceModel, corpus_root: Path) -> None:
    invalid = {issue.loc.file for issue in corpus_model.encoding_issues if issue.kind == "invalid-utf8"}
    expected = set()
    for path in sorted((corpus_root / "docs" / "task_packets").glob("WP-*.md")):
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            expected.add(path.relative_to(corpus_root).as_posix())
    assert expected and expected <= invalid
    assert len(expected) == 25


def test_spec_current_names_the_spec_and_codex(corpus_model: GovernanceModel) -> None:
    pointer = corpus_model.spec_pointer
    assert pointer is not None
    assert [name for name, _ in pointer.spec_names] == ["Handshake_Master_Spec_v02.93.md"]
    assert any("Codex" in name for name, _ in pointer.governance_names)
    assert re.fullmatch(r"0?2\.93", pointer.version)
