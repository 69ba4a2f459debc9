"""Issue 20, packet half: the June 2026 snapshot read with nothing but its root.

Every expectation is computed from the corpus files themselves (folders,
contracts, registry JSON), never written down as a count: another snapshot
of the same repository must pass the same tests.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from mkdocs_handshake.rules.engine import EngineConfig, rule_plan, run_rules
from mkdocs_handshake.findings.finding import Finding
from mkdocs_handshake.model.ids import WP_ID_FULL
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.model.governance import GovernanceModel
from mkdocs_handshake.model.basics import Lifecycle
from mkdocs_handshake.parse.status import normalise_status
from tests.conftest import REPO

JUNE = (REPO / ".." / "shared" / "corpus" / "handshake-2026-06-22").resolve()
AS_OF = dt.date(2026, 6, 22)


@pytest.fixture(scope="module")
def june() -> GovernanceModel:
    if not (JUNE / ".GOV").is_dir():
        pytest.skip(f"June corpus not found at {JUNE}")
    return load_repo(Layout(JUNE), mappings=False)


@pytest.fixture(scope="module")
def june_findings(june: GovernanceModel) -> list[Finding]:
    return run_rules(june, EngineConfig(as_of=AS_OF))


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8-sig"))


def _packet_folders() -> dict[str, Path]:
    """Folders under the packets folder that hold a contract or a markdown packet."""
    folder = JUNE / ".GOV" / "task_packets"
    return {
        sub.name: sub for sub in folder.iterdir()
        if sub.is_dir() and ((sub / "packet.json").is_file() or (sub / "packet.md").is_file())
    }


def test_the_june_profile_is_chosen_from_what_the_repository_says(june: GovernanceModel) -> None:
    assert june.protocol is not None and june.protocol.certain
    assert june.protocol.profile == "handshake-2026-06"
    template = (JUNE / june.protocol.template_file).read_text(encoding="utf-8")
    assert "hsk.work_packet_contract@1" in template
    # the role protocols are found, one per role folder
    protocols = sorted(path.relative_to(JUNE).as_posix() for path in (JUNE / ".GOV" / "roles").glob("*/*_PROTOCOL.md"))
    assert protocols and set(protocols) <= set(june.protocol.protocol_files)


def test_every_packet_folder_with_a_contract_or_markdown_packet_is_a_packet(june: GovernanceModel) -> None:
    folders = _packet_folders()
    read = {packet.id: packet for packet in june.packets if packet.files}
    assert set(read) == set(folders)
    for wp, sub in folders.items():
        packet = read[wp]
        contract = sub / "packet.json"
        authorities = dict((Path(item.path).name, item.authority) for item in packet.files)
        if contract.is_file() and _json(contract).get("contract_authority") == "PRIMARY_MACHINE_READABLE":
            assert authorities["packet.json"] == "contract" and packet.file.endswith("/packet.json")
            if (sub / "packet.md").is_file():
                assert authorities["packet.md"] == "projection"
        if (sub.parent / f"{wp}.md").is_file():
            assert authorities[f"{wp}.md"] == "legacy"


def test_flat_files_without_a_folder_are_still_packets(june: GovernanceModel) -> None:
    folder = JUNE / ".GOV" / "task_packets"
    flat_only = {path.stem for path in folder.glob("WP-*.md") if not (folder / path.stem).is_dir()}
    assert flat_only <= {packet.id for packet in june.packets if not packet.files}


def test_contract_values_carry_the_line_of_their_key(june: GovernanceModel) -> None:
    for packet in june.packets:
        if not packet.files or packet.status_loc is None or not packet.file.endswith(".json"):
            continue
        line = (JUNE / packet.file).read_text(encoding="utf-8-sig").splitlines()[packet.status_loc.line - 1]
        # the value as written (the reader repairs damaged encodings, as PARSE-002 reports)
        assert '"status"' in line
        if packet.status_raw:  # the column is where the value starts, after its quote
            assert line[packet.status_loc.column - 2] == '"'



def _superseded_by_board_and_registry(june: GovernanceModel) -> set[str]:
    """Packets the board tags [SUPERSEDED] whose base the JSON registry
    gives another active packet, read from the files themselves."""
    assert june.board is not None and june.registry is not None
    board = (JUNE / june.board.file).read_text(encoding="utf-8-sig")
    tagged = set(re.findall(r"\*\*\[(WP-[^\]]+)\]\*\*[^\n]*\[SUPERSEDED\]", board))
    active = {entry["base_wp_id"]: entry.get("active_packet_path", "") for entry in _json(JUNE / june.registry.file)["entries"]}
    found = set()
    for wp in tagged:
        base = re.sub(r"-v\d+$", "", wp)
        path = active.get(base, "")
        if path and f"/{wp}/" not in path and not path.endswith(f"/{wp}.md") and not path.endswith(f"/{wp}.contract.json"):
            found.add(wp)
    return found


def test_live_contracts_are_active_or_their_disagreement_is_reported(june: GovernanceModel, june_findings: list[Finding]) -> None:
    reported = {finding.subject: finding for finding in june_findings if finding.rule == "BOARD-010"}
    live = []
    for wp, sub in _packet_folders().items():
        contract = sub / "packet.json"
        if not contract.is_file():
            continue
        status = normalise_status(str(_json(contract).get("lifecycle", {}).get("status", "")))
        if status.value in ("in-progress", "blocked"):
            live.append(wp)
    assert live
    superseded = _superseded_by_board_and_registry(june)
    for wp in live:
        packet = june.packet(wp)
        assert packet is not None
        if wp in superseded:
            # both projections agree another packet replaced it: immutable
            # history keeps the status it had (WP_TRACEABILITY_REGISTRY.md:
            # "do not catch them up"), no disagreement to report
            assert packet.lifecycle is Lifecycle.SUPERSEDED and wp not in reported
            continue
        if packet.lifecycle is not Lifecycle.ACTIVE:
            finding = reported[wp]
            assert "contract" in finding.message and "board" in finding.message and "registry" in finding.message
            assert finding.loc.file == packet.file
    # one problem, one finding: a live contract the board files as a stub is not also a misplaced stub
    assert not [finding for finding in june_findings if finding.rule == "BOARD-008" and finding.subject in reported]


def test_kernel_ids_are_wp_ids(june: GovernanceModel, june_findings: list[Finding]) -> None:
    kernel = [name for name in _packet_folders() if not name.split("-")[1].isdigit()]
    assert kernel and all(WP_ID_FULL.match(name) for name in kernel)
    assert {packet.id for packet in june.packets} >= set(kernel)
    assert not [finding for finding in june_findings if finding.rule == "PARSE-004" and any(name in finding.message for name in kernel)]


def test_the_json_registry_is_read_through_the_markdown_pointer(june: GovernanceModel) -> None:
    assert june.registry is not None and june.registry.file.endswith(".json")
    data = _json(JUNE / june.registry.file)
    entries = {entry["base_wp_id"] for entry in data["entries"] if WP_ID_FULL.match(entry.get("base_wp_id", ""))}
    rows = {row.base: row for row in june.registry.rows}
    assert entries <= set(rows)
    for entry in data["entries"]:
        if entry.get("base_wp_id") in rows and entry.get("active_packet_path"):
            assert rows[entry["base_wp_id"]].active_file == entry["active_packet_path"]


def test_micro_tasks_are_part_of_their_packet(june: GovernanceModel) -> None:
    for wp, sub in _packet_folders().items():
        packet = june.packet(wp)
        files = sorted(path.relative_to(JUNE).as_posix() for path in sub.glob("MT-*.json"))
        assert sorted(task.file for task in packet.micro_tasks) == files
    # no micro-task is a packet of its own
    assert not [packet for packet in june.packets if "/MT-" in packet.file]


def test_schema_failures_judge_live_contracts_and_fold_history(june: GovernanceModel, june_findings: list[Finding]) -> None:
    findings = [finding for finding in june_findings if finding.rule == "PKT-024"]
    live = {packet.id for packet in june.packets if packet.lifecycle is Lifecycle.ACTIVE}
    errors = [finding for finding in findings if finding.severity.value == "error"]
    folded = [finding for finding in findings if finding.severity.value == "warning"]
    assert all(finding.subject in live for finding in errors)
    # one warning per schema and cause: the subject is the cause, never a packet
    assert folded and len({finding.subject for finding in folded}) == len(folded)
    assert not {finding.subject for finding in folded} & {packet.id for packet in june.packets}
    # each finding points at the failing key's text in its contract, or at
    # the keyword of the schema the live contracts outgrew
    for finding in findings:
        line = (JUNE / finding.loc.file).read_text(encoding="utf-8-sig").splitlines()[finding.loc.line - 1]
        assert finding.excerpt and line[finding.loc.column - 1 :].startswith(finding.excerpt[:20])


def test_clauses_the_june_protocol_dropped_are_not_judged(june: GovernanceModel, june_findings: list[Finding]) -> None:
    """The June role protocols no longer ask DONE_MEANS to map 1:1 to
    SPEC_ANCHOR requirements, nor a section number "specific (§2.3.12.1)":
    their contracts cite Codex ids and bundle anchors on purpose. The
    rules resting on those clauses say why they are out, and report
    nothing; a locked packet is not asked for a revision over them."""
    plans = {plan.rule: plan for plan in rule_plan(june, EngineConfig(as_of=AS_OF))}
    for rule_id in ("DONE-001", "DONE-002", "DONE-003", "ANCHOR-001", "ANCHOR-004"):
        assert not plans[rule_id].applied and "its clause is gone" in plans[rule_id].reason, rule_id
    reported = {finding.rule for finding in june_findings} | {part.rule for finding in june_findings for part in finding.parts}
    assert reported.isdisjoint({"DONE-001", "DONE-002", "DONE-003", "ANCHOR-001", "ANCHOR-004"})


def test_a_locked_packet_is_not_asked_to_change_the_bundle_it_was_signed_against(june: GovernanceModel, june_findings: list[Finding]) -> None:
    """ORCHESTRATOR_PROTOCOL "Spec Drift After Validation": a packet behind
    the current spec is history unless new work is needed; an anchor
    pinned to the bundle a locked packet was signed against asks neither
    an edit (the packet is immutable) nor a revision."""
    locked = {packet.file for packet in june.packets if packet.signature}
    pinned = [finding for finding in june_findings if finding.rule in ("ANCHOR-006", "ANCHOR-008") and finding.loc.file in locked]
    assert pinned == []


def test_projection_hashes_agree_with_the_repositorys_own_library(june: GovernanceModel, june_findings: list[Finding]) -> None:
    """PKT-025: the repository's packet-contract-lib.mjs, run under Node on
    this snapshot, finds 814 contracts claiming GENERATED_IN_SYNC, of which
    350 drift: every micro-task body of KERNEL-002 and KERNEL-003, and all
    of KERNEL-005, whose contracts changed too (208 source_hash drifts).
    An untouched pair must hash equal here as it does there."""
    pairs = [item for packet in june.packets for item in packet.projections]
    drifted = [item for item in pairs if not item.in_sync]
    assert len(pairs) == 814 and len(drifted) == 350
    assert sum(item.source_drift for item in pairs) == 208
    assert {item.contract.split("/")[2] for item in drifted} == {
        "WP-KERNEL-002-CRDT-Workspace-Write-Box-Preuse-Hardening-v1", "WP-KERNEL-003-Sandbox-Validation-Promotion-v1", "WP-KERNEL-005",
    }
    # only the live one is reported (ORCH: history is not mutated to make gates green), and the registry
    found = sorted(finding.subject for finding in june_findings if finding.rule == "PKT-025")
    assert found == [".GOV/roles_shared/records/WP_TRACEABILITY_REGISTRY.md", "WP-KERNEL-002-CRDT-Workspace-Write-Box-Preuse-Hardening-v1"]


def test_typed_refinements_are_read_and_judge_the_active_packets(june: GovernanceModel, june_findings: list[Finding]) -> None:
    """A packet folder's ``refinement.json`` is the WP's refinement (it wins
    over ``refinement.md`` and the flat ``refinements/<WP_ID>.md``), each
    value placed at its key's line; PKT-020 applies and finds every active
    packet's refinement (none is reported missing)."""
    typed = {sub.name for sub in (JUNE / ".GOV" / "task_packets").iterdir() if (sub / "refinement.json").is_file()}
    assert typed and {wp for wp, found in june.refinements.items() if found.file.endswith("/refinement.json")} == typed
    for wp in sorted(typed):
        found = june.refinements[wp]
        data = _json(JUNE / found.file)
        assert found.value("WP_ID") == data["wp_id"]
        if found.has("USER_REVIEW_STATUS"):
            line = (JUNE / found.file).read_text(encoding="utf-8-sig").splitlines()[found.loc("USER_REVIEW_STATUS").line - 1]
            assert '"user_review_status"' in line, wp
    plans = {plan.rule: plan for plan in rule_plan(june, EngineConfig(as_of=AS_OF))}
    assert plans["PKT-020"].applied
    active = [packet.id for packet in june.packets if packet.lifecycle is Lifecycle.ACTIVE]
    assert active and all(wp in june.refinements for wp in active)
    assert not [finding for finding in june_findings if finding.rule == "PKT-020" and "has no refinement file" in finding.message]
