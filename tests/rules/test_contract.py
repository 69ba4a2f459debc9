"""Contract-era rules and lifecycle on hand-built models (issue 20, June
sample): the packet contract is the lifecycle authority (ORCH "the packet is
authoritative"; board and registry are its projections), and superseded
packets are immutable history (WP_TRACEABILITY_REGISTRY: "do not catch them
up")."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from mkdocs_handshake.findings.finding import Finding
from mkdocs_handshake.protocol.lifecycle import with_lifecycles
from mkdocs_handshake.model.basics import BoardColumn, Lifecycle, Loc, Status
from mkdocs_handshake.model.packet import PacketFile
from mkdocs_handshake.model.records import Registry, RegistryRow
from mkdocs_handshake.protocol.profiles import load_profile
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


def _storage_replaced():
    """WP-1-Storage-v1 (its contract still Blocked) archived as superseded
    on the board, its -v2 In Progress: packets and their board entries."""
    packets = [contract_packet("WP-1-Storage-v1", Status.BLOCKED, "Blocked"), contract_packet("WP-1-Storage-v2", Status.IN_PROGRESS, "In Progress")]
    board = [board_entry("WP-1-Storage-v1", BoardColumn.SUPERSEDED, 1317, ["SUPERSEDED"]), board_entry("WP-1-Storage-v2", BoardColumn.IN_PROGRESS, 40)]
    return packets, board


def test_only_board_and_registry_together_make_a_working_contract_history() -> None:
    packets, board = _storage_replaced()
    packets += [
        contract_packet("WP-1-Sync-v1", Status.IN_PROGRESS, "In Progress"),
        contract_packet("WP-1-Sync-v2", Status.READY_FOR_DEV, "Ready for Dev"),
    ]
    board += [board_entry("WP-1-Sync-v2", BoardColumn.READY_FOR_DEV, 41)]
    model = make_model(packets, board=board, registry=registry(("WP-1-Storage", "WP-1-Storage-v2"), ("WP-1-Sync", "WP-1-Sync-v2")))
    found = lifecycles(model)
    assert found["WP-1-Storage-v1"] is Lifecycle.SUPERSEDED
    assert found["WP-1-Sync-v1"] is Lifecycle.ACTIVE  # the registry alone does not outvote the contract


def test_board_010_is_silent_on_a_packet_both_projections_supersede_and_keeps_a_live_contract_on_a_stub() -> None:
    packets, board = _storage_replaced()
    packets += [contract_packet("WP-KERNEL-009-Index-v1", Status.IN_PROGRESS, "IN_PROGRESS")]
    board += [stub_entry("WP-KERNEL-009-Index-v1", 166)]
    model = make_model(packets, board=board, registry=registry(("WP-1-Storage", "WP-1-Storage-v2"), ("WP-KERNEL-009-Index", "WP-KERNEL-009-Index-v1")))
    assert [finding.subject for finding in run("BOARD-010", model)] == ["WP-KERNEL-009-Index-v1"]


SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "hsk.microtask_contract@1",
    "type": "object",
    "required": ["schema_id", "created_at_utc", "artifact_policy"],
    "properties": {
        "created_at_utc": {"type": "string"},
        "artifact_policy": {"type": "object", "properties": {"projection_creation": {"enum": ["ON_DEMAND_OR_CONTRACT_BOUND"]}}},
    },
}
TEMPLATE = {"schema_id": "hsk.microtask_contract@1", "created_at_utc": "{{CREATED_AT_UTC}}", "artifact_policy": {"projection_creation": "ON_DEMAND_OR_CONTRACT_BOUND"}}


def _governance(tmp_path, schema: dict, template: dict):  # type: ignore[no-untyped-def]
    """The micro-task schema and contract template, and a check that
    accepts one value the schema rejects; the repository's schemas."""
    import json

    from mkdocs_handshake.protocol.contract_schemas import find_schemas

    for folder in (".GOV/roles_shared/schemas", ".GOV/templates", ".GOV/roles_shared/checks"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / ".GOV/roles_shared/schemas/MICRO_TASK_CONTRACT.schema.json").write_text(json.dumps(schema))
    (tmp_path / ".GOV/templates/MICRO_TASK_CONTRACT_TEMPLATE.json").write_text(json.dumps(template))
    (tmp_path / ".GOV/roles_shared/checks/projection-check.mjs").write_text('const onDemand = creation === "ON_OPERATOR_REQUEST_ONLY";\n')
    return find_schemas(tmp_path, JUNE.contract.schemas)


def _repo(tmp_path):
    """A repository with a schema, a contract template that satisfies it
    and a check that accepts one value the schema rejects; a closed and a
    live packet whose micro-tasks fail it."""
    import json

    from mkdocs_handshake.protocol.contract_schemas import validate
    from mkdocs_handshake.parse.contract import read_json
    from mkdocs_handshake.repository.source import decode

    schemas = _governance(tmp_path, SCHEMA, TEMPLATE)
    issues = []
    for wp in ("WP-1-Closed-v1", "WP-1-Live-v1"):
        text = json.dumps({"schema_id": "hsk.microtask_contract@1", "created_at_utc": None, "artifact_policy": {"projection_creation": "ON_OPERATOR_REQUEST_ONLY"}}, indent=2)
        src = decode(text.encode(), f".GOV/task_packets/{wp}/MT-001.json")
        data, lines, _ = read_json(src)
        issues += validate(src, data, lines, schemas, wp)
    packets = [
        contract_packet("WP-1-Closed-v1", Status.VALIDATED, "Validated (PASS)"),
        contract_packet("WP-1-Live-v1", Status.IN_PROGRESS, "In Progress"),
    ]
    return replace(make_model(packets, board=[]), root=str(tmp_path), parse_issues=tuple(issues))


def test_pkt_024_says_which_side_is_behind_and_drops_closed_drift_the_template_settles(tmp_path) -> None:
    from mkdocs_handshake.rules.contract_drift import drift_of
    drift_of.cache_clear()
    findings = run("PKT-024", _repo(tmp_path))
    live = {("created_at_utc" if "created_at_utc" in finding.message else "projection"): finding.message for finding in findings if finding.subject == "WP-1-Live-v1"}
    assert "the template agrees with the schema" in live["created_at_utc"].replace("repository's ", "")
    assert "projection-check.mjs:1" in live["projection"] and "the schema is behind" in live["projection"]
    history = [finding.message for finding in findings if finding.subject != "WP-1-Live-v1"]
    # the closed contract's null date: the template sides with the schema, no one acts (ORCH:326);
    # its projection value: the repository's own check accepts it, so the schema is what to fix
    assert len(history) == 1 and "projection_creation" in history[0] and "closed packets stay as they are" in history[0]


def test_pkt_024_judges_a_contract_of_a_practice_newer_than_the_schema_by_that_practice(tmp_path) -> None:
    """Two live packets write a projection value the repository's own check
    accepts and the schema rejects: a practice newer than the schema. Both
    leave out the projection file the schema and the (older) template
    require, so the schema is behind that practice; one of them also leaves
    out a glob the other carries, so that contract is behind."""
    import json

    from mkdocs_handshake.protocol.contract_schemas import validate
    from mkdocs_handshake.parse.contract import read_json
    from mkdocs_handshake.repository.source import decode
    from mkdocs_handshake.rules.contract_drift import drift_of

    schema = {**SCHEMA, "required": ["schema_id", "artifact_policy", "authority_files"], "properties": {
        **SCHEMA["properties"], "authority_files": {"type": "object", "required": ["projection", "glob"]}}}
    schemas = _governance(tmp_path, schema, {**TEMPLATE, "authority_files": {"projection": "MT-001.md", "glob": "MT-*.json"}})
    issues = []
    for wp, files in (("WP-1-Alpha-v1", {}), ("WP-1-Beta-v1", {"glob": "MT-*.json"})):
        text = json.dumps({"schema_id": "hsk.microtask_contract@1", "created_at_utc": "2026-06-01T00:00:00Z",
                           "artifact_policy": {"projection_creation": "ON_OPERATOR_REQUEST_ONLY"}, "authority_files": files}, indent=2)
        src = decode(text.encode(), f".GOV/task_packets/{wp}/MT-001.json")
        data, lines, _ = read_json(src)
        issues += validate(src, data, lines, schemas, wp)
    packets = [contract_packet("WP-1-Alpha-v1", Status.IN_PROGRESS, "In Progress"), contract_packet("WP-1-Beta-v1", Status.IN_PROGRESS, "In Progress")]
    drift_of.cache_clear()
    findings = run("PKT-024", replace(make_model(packets, board=[]), root=str(tmp_path), parse_issues=tuple(issues)))
    by_field = {(f.subject, field): f.message for f in findings for field in ("'projection'", "'glob'") if field in f.message}
    for wp in ("WP-1-Alpha-v1", "WP-1-Beta-v1"):
        assert "fails this check too, so the schema is behind that practice: update the schema" in by_field[(wp, "'projection'")]
        assert "projection-check.mjs:1" in by_field[(wp, "'projection'")]
    assert by_field[("WP-1-Alpha-v1", "'glob'")].endswith(
        "and .GOV/task_packets/WP-1-Beta-v1/MT-001.json, a contract of the same newer practice (its own check accepts "
        "'ON_OPERATOR_REQUEST_ONLY' (.GOV/roles_shared/checks/projection-check.mjs:1)), satisfies it, so the contract is behind: fix the contract")
    assert ("WP-1-Beta-v1", "'glob'") not in by_field


def test_pkt_024_a_template_placeholder_has_no_opinion(tmp_path) -> None:
    global TEMPLATE
    saved = TEMPLATE
    TEMPLATE = {**saved, "artifact_policy": {"projection_creation": "{{PROJECTION_CREATION}}"}}
    try:
        model = _repo(tmp_path)
        (tmp_path / ".GOV/roles_shared/checks/projection-check.mjs").write_text("// nothing\n")
    finally:
        TEMPLATE = saved
    from mkdocs_handshake.rules.contract_drift import drift_of
    drift_of.cache_clear()
    findings = run("PKT-024", model)
    live = [finding.message for finding in findings if finding.subject == "WP-1-Live-v1" and "projection_creation" in finding.message]
    assert live and "behind" not in live[0]
    history = [finding.message for finding in findings if finding.subject != "WP-1-Live-v1"]
    # live contracts fail it too and the template does not side with the schema
    assert len(history) == 1 and "live contracts fail it too" in history[0].lower()


def _task(wp: str, mt: str, depends: tuple[str, ...] = (), blocks: tuple[str, ...] = ()):
    from mkdocs_handshake.model.packet import MicroTask, WpRef

    file = f".GOV/task_packets/{wp}/{mt}.json"
    return MicroTask(mt, file, Loc(file, 1), "PENDING", depends_on=tuple(WpRef(d, Loc(file, 20)) for d in depends), blocks=tuple(WpRef(b, Loc(file, 21)) for b in blocks))


def test_pkt_022_a_blocks_list_naming_everything_downstream_agrees_with_direct_depends_on() -> None:
    wp = "WP-KERNEL-011-Shell-v1"
    tasks = (
        _task(wp, "MT-001", blocks=("MT-002", "MT-003")),  # MT-003 only transitively
        _task(wp, "MT-002", depends=("MT-001",), blocks=("MT-003",)),
        _task(wp, "MT-003", depends=("MT-002",)),
    )
    packet = replace(contract_packet(wp, Status.IN_PROGRESS, "In Progress"), micro_tasks=tasks)
    assert run("PKT-022", make_model([packet], board=[])) == []
    # an edge neither end's order reaches is still one-sided
    tasks = (
        _task(wp, "MT-001", blocks=("MT-002",)),
        _task(wp, "MT-002", depends=("MT-001",)),
        _task(wp, "MT-003", depends=("MT-001",)),
    )
    (finding,) = run("PKT-022", make_model([replace(packet, micro_tasks=tasks)], board=[]))
    assert finding.message.endswith("written on one end only: MT-003 depends on MT-001, but MT-001's blocks does not name MT-003; write each edge on both ends")


def test_the_june_protocol_has_no_blocks_field_to_mirror() -> None:
    """The contract schema and template carry workflow.depends_on_wp only."""
    assert "DEP-004" in load_profile("handshake-2026-04").rules and "DEP-004" not in JUNE.rules


def _schema_task(wp: str, mt: str, depends: tuple[str, ...] = (), blocks: tuple[str, ...] = ()):
    return replace(_task(wp, mt, depends, blocks), schema_id="hsk.microtask_contract@1")


def _with_schema(model, *paths: str):
    from mkdocs_handshake.model.records import ProtocolInfo

    info = ProtocolInfo("handshake-2026-06", "shipped", "test", schema_properties=tuple(f"hsk.microtask_contract@1 {path}" for path in paths))
    return replace(model, protocol=info)


def test_pkt_022_holds_blocks_to_depends_on_only_when_the_repositorys_schema_defines_both() -> None:
    """June: MICRO_TASK_CONTRACT.schema.json's lifecycle defines depends_on,
    no blocks, and the MT tools order by depends_on; a blocks list that
    misses a dependent changes no order anyone uses."""
    wp = "WP-KERNEL-011-Shell-v1"
    tasks = (
        _schema_task(wp, "MT-001", blocks=("MT-002",)),
        _schema_task(wp, "MT-002", depends=("MT-001",)),
        _schema_task(wp, "MT-003", depends=("MT-001",)),
    )
    packet = replace(contract_packet(wp, Status.IN_PROGRESS, "In Progress"), micro_tasks=tasks)
    model = make_model([packet], board=[])
    assert run("PKT-022", _with_schema(model, "lifecycle", "lifecycle.status", "lifecycle.depends_on")) == []
    (finding,) = run("PKT-022", _with_schema(model, "lifecycle.depends_on", "lifecycle.blocks"))
    assert "written on one end only: MT-003 depends on MT-001" in finding.message


def test_pkt_022_still_reports_unknown_ids_and_cycles_without_a_blocks_field() -> None:
    wp = "WP-KERNEL-011-Shell-v1"
    tasks = (
        _schema_task(wp, "MT-001", depends=("MT-002",)),
        _schema_task(wp, "MT-002", depends=("MT-001", "MT-009")),
    )
    packet = replace(contract_packet(wp, Status.IN_PROGRESS, "In Progress"), micro_tasks=tasks)
    findings = run("PKT-022", _with_schema(make_model([packet], board=[]), "lifecycle.depends_on"))
    assert [("MT-009" in f.message, "cycle" in f.message) for f in findings] == [(True, False), (False, True)]


def _profile_repo(tmp_path, profiles: dict[str, list[str]]):
    """A schema whose red_team.profile is a const (reached through a $ref),
    a template carrying it, and live packets whose micro-tasks write the
    ``profiles`` given per packet."""
    import json

    from mkdocs_handshake.protocol.contract_schemas import find_schemas, validate
    from mkdocs_handshake.parse.contract import read_json
    from mkdocs_handshake.repository.source import decode

    schema = {
        "$id": "hsk.microtask_contract@1",
        "type": "object",
        "properties": {"red_team": {"$ref": "#/$defs/red_team"}},
        "$defs": {"red_team": {"type": "object", "properties": {"profile": {"const": "IMPORT_V1"}}}},
    }
    (tmp_path / ".GOV/roles_shared/schemas").mkdir(parents=True)
    (tmp_path / ".GOV/templates").mkdir(parents=True)
    (tmp_path / ".GOV/roles_shared/schemas/MICRO_TASK_CONTRACT.schema.json").write_text(json.dumps(schema, indent=2))
    (tmp_path / ".GOV/templates/MICRO_TASK_CONTRACT_TEMPLATE.json").write_text(json.dumps({"schema_id": "hsk.microtask_contract@1", "red_team": {"profile": "IMPORT_V1"}}))
    schemas = find_schemas(tmp_path, JUNE.contract.schemas)
    issues, packets = [], []
    for wp, values in profiles.items():
        for n, value in enumerate(values, 1):
            text = json.dumps({"schema_id": "hsk.microtask_contract@1", "red_team": {"profile": value}}, indent=2)
            src = decode(text.encode(), f".GOV/task_packets/{wp}/MT-00{n}.json")
            data, lines, _ = read_json(src)
            issues += validate(src, data, lines, schemas, wp)
        packets.append(contract_packet(wp, Status.IN_PROGRESS, "In Progress"))
    return replace(make_model(packets, board=[]), root=str(tmp_path), parse_issues=tuple(issues))


def test_pkt_024_a_const_live_packets_each_replace_with_their_own_value_is_the_schemas_to_fix(tmp_path) -> None:
    """June: the schema pins red_team.profile to the import's label while
    every packet born after the import writes its own: one finding at the
    schema's const, not one per packet telling contracts to go back."""
    from mkdocs_handshake.rules.contract_drift import drift_of
    drift_of.cache_clear()
    model = _profile_repo(tmp_path, {"WP-1-A-v1": ["A_FOCUS_V1", "A_FOCUS_V1"], "WP-1-B-v1": ["B_FOCUS_V1"]})
    (finding,) = run("PKT-024", model)
    assert (finding.loc.file, finding.loc.line) == (".GOV/roles_shared/schemas/MICRO_TASK_CONTRACT.schema.json", 14)
    assert finding.excerpt == '"const": "IMPORT_V1"' and finding.subject == "hsk.microtask_contract@1 red_team.profile const"
    assert "3 live contract(s) of 2 packets" in finding.message and "'A_FOCUS_V1' (WP-1-A-v1)" in finding.message
    assert "update the schema to the practice" in finding.message and "fix the contract" not in finding.message


def test_pkt_024_live_contracts_agreeing_on_one_other_value_stay_per_packet(tmp_path) -> None:
    """One value written by every failing packet is drift toward a value,
    not a field chosen per packet: nothing says the schema is behind."""
    from mkdocs_handshake.rules.contract_drift import drift_of
    drift_of.cache_clear()
    findings = run("PKT-024", _profile_repo(tmp_path, {"WP-1-A-v1": ["SAME_V1"], "WP-1-B-v1": ["SAME_V1"]}))
    assert sorted(finding.subject for finding in findings) == ["WP-1-A-v1", "WP-1-B-v1"]
    assert all("the contract is behind" in finding.message for finding in findings)


def _dated_repo(tmp_path, *, schema_changed_after: bool):
    """``_repo`` in git: the live micro-task contract and the schema are
    committed on 2026-05-01; the schema changes again on 2026-06-01, or
    the contract is (re)added only then."""
    import json
    import shutil
    import subprocess

    import pytest

    from tests.load.test_git_history import commit

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    model = _repo(tmp_path)
    contract = tmp_path / ".GOV/task_packets/WP-1-Live-v1/MT-001.json"
    contract.parent.mkdir(parents=True)
    schema = tmp_path / ".GOV/roles_shared/schemas/MICRO_TASK_CONTRACT.schema.json"
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, capture_output=True, timeout=60)
    if schema_changed_after:
        contract.write_text("{}\n")
        commit(tmp_path, "2026-05-01", "contract and schema")
        schema.write_text(json.dumps({**SCHEMA, "description": "tightened"}))
        commit(tmp_path, "2026-06-01", "the schema changes")
    else:
        commit(tmp_path, "2026-05-01", "schema")
        contract.write_text("{}\n")
        commit(tmp_path, "2026-06-01", "a contract written to the schema of its day")
    # the schema files as the loader records them (ProtocolInfo.schema_files)
    from mkdocs_handshake.model.records import ProtocolInfo
    from mkdocs_handshake.protocol.contract_schemas import find_schemas

    found = find_schemas(tmp_path, JUNE.contract.schemas).schemas
    return replace(model, protocol=ProtocolInfo(JUNE.id, "", "", schema_files=tuple((key, file) for key, (file, _schema) in sorted(found.items()))))


def test_pkt_024_says_when_the_schema_changed_after_the_contract_was_written(tmp_path) -> None:
    from mkdocs_handshake.rules.contract_drift import drift_of

    drift_of.cache_clear()
    findings = run("PKT-024", _dated_repo(tmp_path, schema_changed_after=True))
    live = [finding.message for finding in findings if finding.subject == "WP-1-Live-v1"]
    assert live and all(
        "the schema is newer than the contract: .GOV/roles_shared/schemas/MICRO_TASK_CONTRACT.schema.json last changed on 2026-06-01 (git), "
        "after this contract was written (by 2026-05-01)" in message for message in live
    )


def test_pkt_024_says_nothing_of_dates_when_the_contract_is_newer_than_the_schema(tmp_path) -> None:
    from mkdocs_handshake.rules.contract_drift import drift_of

    drift_of.cache_clear()
    findings = run("PKT-024", _dated_repo(tmp_path, schema_changed_after=False))
    assert findings and not any("newer than the contract" in finding.message for finding in findings)


def _matrix_packet(status: str, rows: list[dict]):
    """A June packet contract with an acceptance matrix, read by the
    contract reader (rows at their key lines)."""
    import json

    from mkdocs_handshake.parse.contract import parse_contract
    from mkdocs_handshake.repository.source import decode

    data = {
        "schema_id": "hsk.work_packet_contract@1", "contract_authority": "PRIMARY_MACHINE_READABLE", "wp_id": "WP-1-Matrix-v1",
        "lifecycle": {"status": status}, "acceptance_matrix": {"schema_version": 1, "hbr": rows},
    }
    parsed, issues = parse_contract(decode(json.dumps(data, indent=2).encode(), ".GOV/task_packets/WP-1-Matrix-v1/packet.json"), JUNE.contract)
    assert parsed is not None and not issues
    return parsed[0]


ROWS = [
    {"id": "HBRROW-001", "required": True, "status": "PROVED", "evidence": "tests/storage.rs::durable", "applicable": ["HBR-INT-001", "CX-503R"]},
    {"id": "HBRROW-002", "required": True, "status": "PENDING", "evidence": None, "reason": "waits for MT-065"},
    {"id": "HBRROW-003", "required": True, "status": "NOT_APPLICABLE", "reason": ""},
    {"id": "HBRROW-004", "required": False, "status": "PENDING"},
]


def test_acceptance_rows_are_read_with_their_ids_status_evidence_and_citations() -> None:
    packet = _matrix_packet("IN_PROGRESS", ROWS)
    first, second = packet.acceptance_rows[:2]
    assert (first.id, first.required, first.status, first.evidence, first.cites) == ("HBRROW-001", True, "PROVED", "tests/storage.rs::durable", ("HBR-INT-001", "CX-503R"))
    assert (second.status, second.evidence, second.reason) == ("PENDING", "", "waits for MT-065")
    assert second.status_loc.line > second.loc.line > first.loc.line


def test_pkt_026_a_pass_with_open_or_unbacked_required_rows_is_against_the_protocol() -> None:
    packet = _matrix_packet("PASSED_INTEGRATION_VALIDATION_V3", ROWS)
    (finding,) = run("PKT-026", make_model([packet], board=[]))
    assert finding.subject == "WP-1-Matrix-v1" and finding.excerpt == "PENDING"
    assert "1 required acceptance row(s) still open (HBRROW-002 PENDING)" in finding.message
    assert "1 closed without the evidence or reason that resolves them (HBRROW-003 NOT_APPLICABLE)" in finding.message
    assert "HBRROW-004" not in finding.message  # not required
    assert finding.message.endswith("prove the rows, or withdraw the PASS")


def test_pkt_026_rows_open_while_the_work_goes_on_are_no_defect() -> None:
    assert run("PKT-026", make_model([_matrix_packet("IN_PROGRESS", ROWS)], board=[])) == []
    resolved = [dict(row, status="PROVED", evidence="proof") if row["id"] == "HBRROW-002" else dict(row, reason="no UI surface") if row["id"] == "HBRROW-003" else row for row in ROWS]
    assert run("PKT-026", make_model([_matrix_packet("VALIDATED", resolved)], board=[])) == []


def test_a_check_accepts_a_value_it_quotes_anywhere_on_a_line_and_the_first_place_is_named() -> None:
    from mkdocs_handshake.rules.contract_drift import quoted_literals

    checks = [
        ("a.mjs", ('const x = "foo" + bar + "ON_OPERATOR_REQUEST_ONLY";', "if (s === 'NOT_GENERATED_BY_DEFAULT') {}")),
        ("b.mjs", ('"ON_OPERATOR_REQUEST_ONLY"',)),
    ]
    literals = quoted_literals(checks)
    assert literals["ON_OPERATOR_REQUEST_ONLY"] == "a.mjs:1"
    assert literals["NOT_GENERATED_BY_DEFAULT"] == "a.mjs:2"
    assert "bar" not in literals and "x = " not in literals
