"""Contract-era rules and lifecycle on hand-built models (issue 20, June
sample): the packet contract is the lifecycle authority (ORCH "the packet is
authoritative"; board and registry are its projections), and superseded
packets are immutable history (WP_TRACEABILITY_REGISTRY: "do not catch them
up")."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from mkdocs_handshake.findings import Finding
from mkdocs_handshake.lifecycle import with_lifecycles
from mkdocs_handshake.model import BoardColumn, Lifecycle, Loc, PacketFile, Registry, RegistryRow, Status
from mkdocs_handshake.profiles import load_profile
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from tests.rules.builders import board_entry, make_model, make_packet

JUNE = load_profile("handshake-2026-06")
REGISTRY_FILE = ".GOV/roles_shared/records/wp_traceability_registry.json"


def contract_packet(wp: str, status: Status, raw: str, *, imported: bool = False):
    """A folder packet read from its packet.json; ``imported``: a legacy
    flat markdown packet stands beside it (the contract is its import)."""
    files = (PacketFile(f".GOV/task_packets/{wp}/packet.json", "contract"),)
    if imported:
        files += (PacketFile(f".GOV/task_packets/{wp}.md", "legacy"),)
    return replace(make_packet(wp, status=status, status_raw=raw), files=files)


def registry(*rows: tuple[str, str]) -> Registry:
    return Registry(REGISTRY_FILE, tuple(RegistryRow(base, active, f".GOV/task_packets/{active}/packet.json", Loc(REGISTRY_FILE, 10 + n)) for n, (base, active) in enumerate(rows)))


def stub_entry(wp: str, line: int):
    return replace(board_entry(wp, BoardColumn.OTHER, line, ["STUB"]), column_raw="Stub Backlog (Not Activated)")


def lifecycles(model) -> dict[str, Lifecycle]:
    return {packet.id: packet.lifecycle for packet in with_lifecycles(model, JUNE).packets}


def run(rule_id: str, model) -> list[Finding]:
    rule = REGISTRY[rule_id]
    return list(rule.check(rule, RuleContext(with_lifecycles(model, JUNE), as_of=dt.date(2026, 6, 22), profile=JUNE)))


def test_a_packet_born_a_contract_is_live_in_its_working_status_whatever_the_board_says() -> None:
    model = make_model(
        [
            contract_packet("WP-KERNEL-009-Index-v1", Status.IN_PROGRESS, "IN_PROGRESS"),
            contract_packet("WP-KERNEL-011-Shell-v1", Status.READY_FOR_DEV, "Ready for Dev"),
            contract_packet("WP-1-Old-Import", Status.READY_FOR_DEV, "Ready for Dev", imported=True),
        ],
        board=[stub_entry("WP-KERNEL-009-Index-v1", 166)],
    )
    found = lifecycles(model)
    assert found["WP-KERNEL-009-Index-v1"] is Lifecycle.ACTIVE  # the board's stub entry is BOARD-010's
    assert found["WP-KERNEL-011-Shell-v1"] is Lifecycle.ACTIVE  # on no board, no registry row: still live
    assert found["WP-1-Old-Import"] is Lifecycle.LEGACY  # an imported markdown packet keeps the board's verdict


def test_only_board_and_registry_together_make_a_working_contract_history() -> None:
    packets = [
        contract_packet("WP-1-Storage-v1", Status.BLOCKED, "Blocked"),
        contract_packet("WP-1-Storage-v2", Status.IN_PROGRESS, "In Progress"),
        contract_packet("WP-1-Sync-v1", Status.IN_PROGRESS, "In Progress"),
        contract_packet("WP-1-Sync-v2", Status.READY_FOR_DEV, "Ready for Dev"),
    ]
    board = [
        board_entry("WP-1-Storage-v1", BoardColumn.SUPERSEDED, 1317, ["SUPERSEDED"]),
        board_entry("WP-1-Storage-v2", BoardColumn.IN_PROGRESS, 40),
        board_entry("WP-1-Sync-v2", BoardColumn.READY_FOR_DEV, 41),
    ]
    model = make_model(packets, board=board, registry=registry(("WP-1-Storage", "WP-1-Storage-v2"), ("WP-1-Sync", "WP-1-Sync-v2")))
    found = lifecycles(model)
    assert found["WP-1-Storage-v1"] is Lifecycle.SUPERSEDED
    assert found["WP-1-Sync-v1"] is Lifecycle.ACTIVE  # the registry alone does not outvote the contract


def test_board_010_is_silent_on_a_packet_both_projections_supersede_and_keeps_a_live_contract_on_a_stub() -> None:
    packets = [
        contract_packet("WP-1-Storage-v1", Status.BLOCKED, "Blocked"),
        contract_packet("WP-1-Storage-v2", Status.IN_PROGRESS, "In Progress"),
        contract_packet("WP-KERNEL-009-Index-v1", Status.IN_PROGRESS, "IN_PROGRESS"),
    ]
    board = [
        board_entry("WP-1-Storage-v1", BoardColumn.SUPERSEDED, 1317, ["SUPERSEDED"]),
        board_entry("WP-1-Storage-v2", BoardColumn.IN_PROGRESS, 40),
        stub_entry("WP-KERNEL-009-Index-v1", 166),
    ]
    model = make_model(packets, board=board, registry=registry(("WP-1-Storage", "WP-1-Storage-v2"), ("WP-KERNEL-009-Index", "WP-KERNEL-009-Index-v1")))
    assert [finding.subject for finding in run("BOARD-010", model)] == ["WP-KERNEL-009-Index-v1"]
