"""BOARD-001..006: the task board mirrors the packets."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.basics import BoardColumn, Lifecycle, Loc, Status
from mkdocs_handshake.model.packet import PacketFile
from mkdocs_handshake.protocol.profiles import load_profile
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from tests.rules.builders import board_entry, make_model, make_packet, occurrence

BOARD = "docs/TASK_BOARD.md"


def run(rule_id: str, model) -> list[Finding]:
    rule = REGISTRY[rule_id]
    return list(rule.check(rule, RuleContext(model, as_of=dt.date(2026, 11, 20))))


def compliant_model(**extra):
    packets = [
        make_packet("WP-1-Ready"),
        make_packet("WP-1-Going", status=Status.IN_PROGRESS, status_raw="In-Progress"),
        make_packet("WP-1-Shipped", status=Status.VALIDATED, status_raw="VALIDATED", reports=[("FAIL", "2026-11-01"), ("PASS", "2026-11-10")]),
        make_packet("WP-1-Waiting", status=Status.BLOCKED, status_raw="Blocked"),
    ]
    board = [
        board_entry("WP-1-Ready", BoardColumn.READY_FOR_DEV, 9),
        board_entry("WP-1-Going", BoardColumn.IN_PROGRESS, 12),
        board_entry("WP-1-Shipped", BoardColumn.DONE, 15, ["VALIDATED"]),
        replace(board_entry("WP-1-Waiting", BoardColumn.BLOCKED, 18), text="[WP-1-Waiting]: Waiting for WP-1-Shipped schema review (ETA 3 days)"),
        board_entry("WP-1-Shipped", BoardColumn.PHASE_GATE, 4),
    ]
    return make_model(packets, board=board, **extra)


def test_compliant_board_is_silent():
    model = compliant_model()
    for rule_id in ("BOARD-001", "BOARD-002", "BOARD-003", "BOARD-004", "BOARD-005", "BOARD-006"):
        assert run(rule_id, model) == [], rule_id


def test_board_001_both_directions():
    model = compliant_model()
    model = replace(model, packets=model.packets + (make_packet("WP-1-Lost"),))
    model = replace(model, board=replace(model.board, entries=model.board.entries + (board_entry("WP-1-Ghost", BoardColumn.READY_FOR_DEV, 10),)))
    findings = run("BOARD-001", model)
    assert [(f.loc, f.excerpt, f.subject) for f in findings] == [
        # The column is the id's inside the title "Task Packet: WP-1-Lost".
        (Loc("docs/task_packets/WP-1-Lost.md", 1, 1 + len("Task Packet: ")), "WP-1-Lost", "WP-1-Lost"),
        (Loc(BOARD, 10, 5), "WP-1-Ghost", "WP-1-Ghost"),
    ]


def test_board_001_gap_listing_needs_no_packet_but_phase_gate_listing_is_not_presence():
    model = compliant_model()
    gap = board_entry("WP-1-Future", BoardColumn.PHASE_GATE, 5, ["GAP - packet not yet created"])
    only_gate = make_packet("WP-1-Gated")
    entries = model.board.entries + (gap, board_entry("WP-1-Gated", BoardColumn.PHASE_GATE, 6))
    model = replace(model, packets=model.packets + (only_gate,), board=replace(model.board, entries=entries))
    findings = run("BOARD-001", model)
    assert [f.subject for f in findings] == ["WP-1-Gated"]
    assert "phase-gate" in findings[0].message


def test_board_002_column_disagrees_with_status():
    model = compliant_model()
    packets = tuple(replace(p, status=Status.IN_PROGRESS, status_raw="In Progress") if p.id == "WP-1-Ready" else p for p in model.packets)
    findings = run("BOARD-002", replace(model, packets=packets))
    assert [(f.loc, f.excerpt, f.subject) for f in findings] == [(Loc(BOARD, 9, 5), "WP-1-Ready", "WP-1-Ready")]
    assert "'In Progress' (line 10)" in findings[0].message


def test_board_002_failed_packet_may_wait_in_ready_for_dev_and_superseded_variant_may_be_archived():
    packets = [
        make_packet("WP-1-Retry", status=Status.FAILED, status_raw="FAILED", reports=[("FAIL", "2026-11-02")]),
        make_packet("WP-1-Engine", status=Status.READY_FOR_DEV),
        make_packet("WP-1-Engine-v2", status=Status.READY_FOR_DEV),
    ]
    board = [
        board_entry("WP-1-Retry", BoardColumn.READY_FOR_DEV, 9),
        board_entry("WP-1-Engine", BoardColumn.SUPERSEDED, 30),
        board_entry("WP-1-Engine-v2", BoardColumn.READY_FOR_DEV, 10),
    ]
    assert run("BOARD-002", make_model(packets, board=board)) == []


def test_board_002_done_entry_whose_packet_records_no_status():
    packet = make_packet("WP-1-Quiet")
    packet = replace(packet, status=Status.UNKNOWN, status_raw="", status_loc=None)
    findings = run("BOARD-002", make_model([packet], board=[board_entry("WP-1-Quiet", BoardColumn.DONE, 20, ["VALIDATED"])]))
    assert [(f.loc.line, f.subject) for f in findings] == [(20, "WP-1-Quiet")]
    assert "records no STATUS" in findings[0].message


def test_board_003_two_status_columns():
    model = compliant_model()
    entries = model.board.entries + (board_entry("WP-1-Ready", BoardColumn.DONE, 16), board_entry("WP-1-Ready", BoardColumn.SUPERSEDED, 40))
    findings = run("BOARD-003", replace(model, board=replace(model.board, entries=entries)))
    assert [(f.loc, f.excerpt) for f in findings] == [(Loc(BOARD, 16, 5), "WP-1-Ready")]
    assert "line 9" in findings[0].message


def test_board_004_done_without_pass():
    packets = [
        make_packet("WP-1-Claimed", status=Status.DONE, status_raw="Done"),
        make_packet("WP-1-Failed", status=Status.DONE, status_raw="Done", reports=[("PASS", "2026-11-01"), ("FAIL", "2026-11-09")]),
        make_packet("WP-1-Good", status=Status.DONE, status_raw="Done", reports=[("PASS", "2026-11-09")]),
    ]
    board = [board_entry(p.id, BoardColumn.DONE, 50 + i) for i, p in enumerate(packets)]
    findings = run("BOARD-004", make_model(packets, board=board))
    assert [(f.loc.line, f.excerpt) for f in findings] == [(50, "WP-1-Claimed"), (51, "WP-1-Failed")]
    assert "no validation report" in findings[0].message and "FAIL (line 91)" in findings[1].message


def test_board_005_blocked_needs_reason_and_eta():
    packets = [make_packet(wp, status=Status.BLOCKED) for wp in ("WP-1-A", "WP-1-B", "WP-1-C")]
    board = [
        replace(board_entry("WP-1-A", BoardColumn.BLOCKED, 60), text="[WP-1-A]"),
        replace(board_entry("WP-1-B", BoardColumn.BLOCKED, 61), text="[WP-1-B]: Waiting for WP-1-X to validate"),
        replace(board_entry("WP-1-C", BoardColumn.BLOCKED, 62), text="[WP-1-C]: Blocked on vendor API access, ETA 2026-12-01"),
    ]
    findings = run("BOARD-005", make_model(packets, board=board))
    assert [(f.loc.line, f.excerpt, f.severity) for f in findings] == [
        (60, "WP-1-A", Severity.WARNING),
        (61, "WP-1-B", Severity.WARNING),
    ]
    assert "a reason or an ETA" in findings[0].message and "an ETA" in findings[1].message and "reason" not in findings[1].message.split(";")[0]


def test_board_006_old_variant_not_archived_and_variant_not_naming_it():
    packets = [make_packet("WP-1-Engine"), make_packet("WP-1-Engine-v2", status=Status.READY_FOR_DEV)]
    board = [board_entry("WP-1-Engine", BoardColumn.READY_FOR_DEV, 9), board_entry("WP-1-Engine-v2", BoardColumn.READY_FOR_DEV, 10)]
    findings = run("BOARD-006", make_model(packets, board=board))
    assert [(f.loc, f.subject, f.severity) for f in findings] == [
        (Loc(BOARD, 9, 5), "WP-1-Engine", Severity.WARNING),
        (Loc("docs/task_packets/WP-1-Engine-v2.md", 1), "WP-1-Engine-v2", Severity.WARNING),
    ]
    assert "Supersedes: WP-1-Engine" in findings[1].message


def test_board_006_archived_and_named_is_silent():
    supersedes = occurrence("WP-1-Engine-v2", "Supersedes", "WP-1-Engine (audit remediation)", 7)
    variant = make_packet("WP-1-Engine-v2", fields={"Supersedes": (supersedes,)})
    old = make_packet("WP-1-Engine", status=Status.SUPERSEDED, status_raw="Superseded")
    assert run("BOARD-006", make_model([old, variant])) == []
    # naming only itself (WP-1-Engine-v2 contains "WP-1-Engine") does not count
    assert [f.subject for f in run("BOARD-006", make_model([old, make_packet("WP-1-Engine-v2")]))] == ["WP-1-Engine-v2"]


def test_board_001_leaves_a_replaced_revision_to_board_006():
    """Part 3 Error 2: the packet a -v2 replaces goes to the archive. BOARD-006
    asks for that entry; BOARD-001 asking for the column of the old STATUS
    too would be a second finding for one defect, with a remedy that puts
    the replaced packet back in the active list."""
    packets = [make_packet("WP-1-Engine", status=Status.READY_FOR_DEV), make_packet("WP-1-Engine-v2")]
    model = make_model(packets, board=[board_entry("WP-1-Engine-v2", BoardColumn.READY_FOR_DEV, 10)])
    assert run("BOARD-001", model) == []
    assert [(f.subject, f.loc.line) for f in run("BOARD-006", model) if "Superseded (Archive)" in f.message] == [("WP-1-Engine", 10)]


def test_board_001_reports_a_replaced_revision_when_board_006_is_not_in_force():
    packets = [make_packet("WP-1-Engine", status=Status.READY_FOR_DEV), make_packet("WP-1-Engine-v2")]
    model = make_model(packets, board=[board_entry("WP-1-Engine-v2", BoardColumn.READY_FOR_DEV, 10)])
    rule = REGISTRY["BOARD-001"]
    ctx = RuleContext(model, as_of=dt.date(2026, 11, 20), in_force=frozenset({"BOARD-001"}))
    assert [f.subject for f in rule.check(rule, ctx)] == ["WP-1-Engine"]


def test_board_001_names_the_column_of_the_latest_verdict_over_a_stale_status():
    """VALIDATOR_PROTOCOL [CX-WP-001] appends verdicts below a STATUS that may
    never have been updated: a PASS there puts the packet under Done (Part 6.3
    step 4), a FAIL under Ready for Dev, whatever the older STATUS says."""
    passed = make_packet("WP-1-Passed", status=Status.READY_FOR_DEV, status_raw="Ready for Dev", reports=[("FAIL", "2026-11-01"), ("PASS", "2026-11-09")])
    reopened = make_packet("WP-1-Reopened", status=Status.DONE, status_raw="Completed", reports=[("FAIL", "2026-11-09")])
    findings = {f.subject: f.message for f in run("BOARD-001", make_model([passed, reopened], board=[]))}
    assert "add it to 'Done' (its latest validation verdict, PASS at line 91, is newer than its STATUS 'Ready for Dev' (line 10))" in findings["WP-1-Passed"]
    assert "add it to 'Ready for Dev' (its latest validation verdict, FAIL at line 91" in findings["WP-1-Reopened"]


def test_board_001_keeps_the_status_column_when_the_status_is_the_later_word_or_agrees():
    # a STATUS written below the verdict re-opened the work; a FAIL packet
    # whose STATUS already says Ready for Dev needs no second reason
    reopened = replace(
        make_packet("WP-1-Again", status=Status.READY_FOR_DEV, status_raw="Ready for Dev", reports=[("PASS", "2026-11-01")]),
        status_loc=Loc("docs/task_packets/WP-1-Again.md", 120, 3),
    )
    failed = make_packet("WP-1-Failed", status=Status.READY_FOR_DEV, status_raw="Ready for Dev", reports=[("FAIL", "2026-11-01")])
    findings = {f.subject: f.message for f in run("BOARD-001", make_model([reopened, failed], board=[]))}
    assert "add it to the column of its STATUS 'Ready for Dev' (line 120)" in findings["WP-1-Again"]
    assert "add it to the column of its STATUS 'Ready for Dev' (line 10)" in findings["WP-1-Failed"]


def _profile_recording_fail_in_done():
    from mkdocs_handshake.protocol.profiles import load_profile

    return load_profile("handshake-2026-02")


def test_board_001_names_done_as_fail_where_the_board_format_records_a_failure_there():
    """2026-02: "Validator updates main TASK_BOARD to Done on PASS/FAIL", and
    the board's Done format is [VALIDATED|FAIL|OUTDATED_ONLY]."""
    failed = make_packet("WP-1-Failed", status=Status.READY_FOR_DEV, status_raw="Ready for Dev", reports=[("FAIL", "2026-11-01")])
    passed = make_packet("WP-1-Passed", status=Status.READY_FOR_DEV, status_raw="Ready for Dev", reports=[("PASS", "2026-11-01")])
    rule = REGISTRY["BOARD-001"]
    ctx = RuleContext(make_model([failed, passed], board=[]), as_of=dt.date(2026, 11, 20), profile=_profile_recording_fail_in_done())
    findings = {f.subject: f.message for f in rule.check(rule, ctx)}
    assert "add it to 'Done' as [FAIL] (its latest validation verdict, FAIL at line 91" in findings["WP-1-Failed"]
    assert "add it to 'Done' as [VALIDATED] (its latest validation verdict, PASS at line 91" in findings["WP-1-Passed"]


def test_board_004_accepts_a_closed_failure_only_where_the_board_format_records_one():
    failed = make_packet("WP-1-Failed", status=Status.FAILED, status_raw="FAIL", reports=[("FAIL", "2026-11-01")])
    model = make_model([failed], board=[board_entry("WP-1-Failed", BoardColumn.DONE, 50, ["FAIL"])])
    rule = REGISTRY["BOARD-004"]
    feb = RuleContext(model, as_of=dt.date(2026, 11, 20), profile=_profile_recording_fail_in_done())
    assert list(rule.check(rule, feb)) == []
    # the December board has no such format: Done still needs a PASS
    assert [f.loc.line for f in run("BOARD-004", model)] == [50]
    # and a Done entry claiming VALIDATED over a FAIL is reported in either era
    claimed = make_model([failed], board=[board_entry("WP-1-Failed", BoardColumn.DONE, 50, ["VALIDATED"])])
    assert [f.loc.line for f in rule.check(rule, RuleContext(claimed, as_of=dt.date(2026, 11, 20), profile=_profile_recording_fail_in_done()))] == [50]


def test_board_006_a_v1_twin_is_the_same_revision_as_the_unsuffixed_packet():
    """Part 5.6 names revisions -v2, -v3; the unsuffixed packet is revision 1.
    "WP-1-Consoles-v1" (a feature called "Consoles v1", perhaps the older
    file) neither replaces WP-1-Consoles nor is replaced by it: archiving
    either, or writing 'Supersedes' into the other, would record something
    untrue. A -v2 replaces both."""
    packets = [make_packet("WP-1-Consoles"), make_packet("WP-1-Consoles-v1")]
    board = [board_entry("WP-1-Consoles", BoardColumn.READY_FOR_DEV, 11), board_entry("WP-1-Consoles-v1", BoardColumn.READY_FOR_DEV, 42)]
    assert run("BOARD-006", make_model(packets, board=board)) == []
    model = make_model([*packets, make_packet("WP-1-Consoles-v2")], board=board)
    findings = run("BOARD-006", model)
    assert sorted((f.subject, f.loc.line) for f in findings if "Superseded (Archive)" in f.message) == [("WP-1-Consoles", 11), ("WP-1-Consoles-v1", 42)]
    assert all("WP-1-Consoles-v2" in f.message for f in findings)


def test_board_001_an_archived_entry_needs_no_packet_where_the_era_keeps_the_archive_as_inventory():
    """June 2026: the registry records archive entries without a packet as
    "Task Board inventory only", and the repository's own board check asks
    a packet file of Done entries only. Before, every entry had a packet."""
    model = compliant_model()
    archived = board_entry("WP-1-Gone-v1", BoardColumn.SUPERSEDED, 30, ["SUPERSEDED"])
    model = replace(model, board=replace(model.board, entries=model.board.entries + (archived,)))
    earlier = run("BOARD-001", model)
    assert [finding.excerpt for finding in earlier] == ["WP-1-Gone-v1"]
    assert "docs/task_packets" not in earlier[0].message  # the packets folder is the layout's, not a fixed path
    rule = REGISTRY["BOARD-001"]
    june = load_profile("handshake-2026-06")
    assert list(rule.check(rule, RuleContext(model, as_of=dt.date(2026, 6, 22), profile=june))) == []


def test_board_001_leaves_off_the_board_a_folder_imported_from_a_flat_packet_still_beside_it():
    """The folder era's resolution order passes over the flat file; a
    contract imported from it keeps the status it had then, so it is
    history, not work to put on the board. A folder without such a twin
    is still asked onto the board."""
    imported = replace(
        make_packet("WP-1-Imported"), lifecycle=Lifecycle.LEGACY,
        files=(PacketFile(".GOV/task_packets/WP-1-Imported/packet.json", "contract"), PacketFile(".GOV/task_packets/WP-1-Imported.md", "legacy")),
    )
    fresh = replace(make_packet("WP-1-Fresh"), lifecycle=Lifecycle.LEGACY, files=(PacketFile(".GOV/task_packets/WP-1-Fresh/packet.json", "contract"),))
    model = compliant_model()
    model = replace(model, packets=model.packets + (imported, fresh))
    assert [finding.subject for finding in run("BOARD-001", model)] == ["WP-1-Fresh"]
