"""Folder packets, JSON contracts and micro-tasks: the resolution order and
what each file is worth, on small repositories written here."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from mkdocs_handshake.rules.engine import EngineConfig, run_rules

from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.load.packet_sources import packet_sources

CONTRACT = {
    "schema_id": "hsk.work_packet_contract@1",
    "contract_authority": "PRIMARY_MACHINE_READABLE",
    "wp_id": "WP-KERNEL-007-Loom-v1",
    "lifecycle": {"status": "In Progress", "risk_tier": "HIGH", "user_signature": ""},
    "scope": {"summary": "Loom", "allowed_paths": ["src/loom"], "acceptance_criteria": ["loom opens"], "spec_anchors": ["#KernelActionCatalogV1"]},
}
TEMPLATE = "# TASK_PACKET_TEMPLATE\n\nProjection of `packet.json` (schema hsk.work_packet_contract@1).\n"


def _repo(root: Path, contract: dict | str | None = CONTRACT, markdown: bool = True) -> Path:
    packets = root / ".GOV" / "task_packets"
    folder = packets / "WP-KERNEL-007-Loom-v1"
    folder.mkdir(parents=True)
    (root / ".GOV" / "templates").mkdir(parents=True)
    (root / ".GOV" / "templates" / "TASK_PACKET_TEMPLATE.md").write_text(TEMPLATE, encoding="utf-8")
    if contract is not None:
        text = contract if isinstance(contract, str) else json.dumps(contract, indent=2)
        (folder / "packet.json").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    if markdown:
        (folder / "packet.md").write_text("# WP-KERNEL-007-Loom-v1\n\n- STATUS: Ready for Dev\n", encoding="utf-8")
    (packets / "WP-KERNEL-007-Loom-v1.md").write_text("# old\n\n- STATUS: Done\n", encoding="utf-8")
    (packets / "WP-1-Old.md").write_text("# WP-1-Old\n\n- STATUS: Done\n", encoding="utf-8")
    for number, depends in ((1, []), (2, ["MT-001"])):
        task = {"schema_id": "hsk.microtask_contract@1", "mt_id": f"MT-00{number}", "lifecycle": {"status": "PENDING", "depends_on": depends}}
        (folder / f"MT-00{number}.json").write_text(json.dumps(task, indent=2), encoding="utf-8")
    return root


def test_flat_reader_alone_lists_the_flat_files_as_before(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    sources, _ = packet_sources(root, ".GOV/task_packets", ("flat_markdown",))
    assert [source.markdown for source in sources] == [".GOV/task_packets/WP-1-Old.md", ".GOV/task_packets/WP-KERNEL-007-Loom-v1.md"]


def test_the_contract_is_the_packet_and_the_markdown_its_projection(tmp_path: Path) -> None:
    model = load_repo(Layout(_repo(tmp_path)), mappings=False)
    assert model.protocol.profile == "handshake-2026-06"
    packet = model.packet("WP-KERNEL-007-Loom-v1")
    assert packet.file.endswith("WP-KERNEL-007-Loom-v1/packet.json")
    assert [(Path(item.path).name, item.authority) for item in packet.files] == [
        ("packet.json", "contract"), ("packet.md", "projection"), ("WP-KERNEL-007-Loom-v1.md", "legacy"),
    ]
    assert packet.status_raw == "In Progress" and packet.status_loc.line == 6  # the BOM does not shift lines
    assert [item.text for item in packet.fields["DONE_MEANS"][0].items] == ["loom opens"]
    assert [anchor.raw for anchor in packet.spec_anchors] == ["#KernelActionCatalogV1"]
    assert [(task.id, [ref.wp for ref in task.depends_on]) for task in packet.micro_tasks] == [("MT-001", []), ("MT-002", ["MT-001"])]
    assert model.packet("WP-1-Old") is not None  # a flat file without a folder is still a packet
    assert not [issue for issue in model.parse_issues if issue.rule == "PARSE-004"]


def test_a_contract_that_does_not_parse_is_one_finding_and_the_markdown_is_read(tmp_path: Path) -> None:
    model = load_repo(Layout(_repo(tmp_path, contract='{\n  "schema_id": "hsk.work_packet_contract@1",\n  oops\n}')), mappings=False)
    issues = [issue for issue in model.parse_issues if issue.loc.file.endswith("packet.json")]
    assert [(issue.rule, issue.loc.line) for issue in issues] == [("PARSE-001", 3)]
    packet = model.packet("WP-KERNEL-007-Loom-v1")
    assert packet.file.endswith("packet.md") and packet.status_raw == "Ready for Dev"


def test_a_contract_whose_era_cannot_be_told_is_reported_not_guessed(tmp_path: Path) -> None:
    unknown = {key: value for key, value in CONTRACT.items() if key != "schema_id"}
    model = load_repo(Layout(_repo(tmp_path, contract=unknown, markdown=False)), mappings=False)
    issues = [issue for issue in model.parse_issues if issue.rule == "PARSE-005"]
    assert len(issues) == 1 and "no schema_id" in issues[0].message and issues[0].loc.file.endswith("packet.json")
    assert model.packet("WP-KERNEL-007-Loom-v1") is None
    findings = [finding for finding in run_rules(model, EngineConfig(as_of=dt.date(2026, 6, 22))) if finding.rule == "PARSE-005"]
    assert [finding.loc.file for finding in findings] == [".GOV/task_packets/WP-KERNEL-007-Loom-v1/packet.json"]


def _registry(root: Path, *entries: tuple[str, str, str]) -> None:
    records = root / ".GOV" / "roles_shared" / "records"
    records.mkdir(parents=True, exist_ok=True)
    rows = [{"base_wp_id": base, "active_packet_path": path, "notes": note} for base, path, note in entries]
    data = {"schema_id": "hsk.wp_traceability_registry@1", "entries": rows}
    (records / "wp_traceability_registry.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    (records / "WP_TRACEABILITY_REGISTRY.md").write_text(
        "# WP Traceability Registry\n\nGenerated from `.GOV/roles_shared/records/wp_traceability_registry.json`.\n", encoding="utf-8")


def test_a_renamed_packets_folder_is_found_where_the_registry_says_the_packets_are(tmp_path: Path) -> None:
    """A later snapshot may rename the packets folder; its registry still
    says where each live packet is. The folder packets name decides, not a
    stub's flat file in a folder of its own, and not the old folder name."""
    root = _repo(tmp_path)
    (root / ".GOV" / "task_packets").rename(root / ".GOV" / "work")
    (root / ".GOV" / "work" / "stubs").mkdir()
    (root / ".GOV" / "work" / "stubs" / "WP-1-Next-v1.md").write_text("# WP-1-Next-v1\n\n- STATUS: Stub\n", encoding="utf-8")
    _registry(
        root,
        ("WP-KERNEL-007-Loom", ".GOV/work/WP-KERNEL-007-Loom-v1/packet.json", ""),
        ("WP-1-Next", ".GOV/work/stubs/WP-1-Next-v1.md", "stub"),
        ("WP-1-Gone", ".GOV/elsewhere/WP-1-Gone-v1/packet.json", "a folder that is not in the checkout"),
    )
    model = load_repo(Layout(root), mappings=False)
    assert model.registry is not None and len(model.registry.rows) == 3
    packet = model.packet("WP-KERNEL-007-Loom-v1")
    assert packet is not None and packet.file == ".GOV/work/WP-KERNEL-007-Loom-v1/packet.json"
    assert model.packet("WP-1-Old") is not None
    assert not [issue for issue in model.parse_issues if "packets folder" in issue.message]


def test_without_a_registry_entry_that_exists_a_missing_packets_folder_is_still_reported(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / ".GOV" / "task_packets").rename(root / ".GOV" / "work")
    _registry(root, ("WP-1-Gone", ".GOV/elsewhere/WP-1-Gone-v1/packet.json", ""), ("WP-1-Up", "../outside/WP-1-Up-v1/packet.json", ""))
    model = load_repo(Layout(root), mappings=False)
    assert model.packets == ()
    assert [issue.rule for issue in model.parse_issues if "packets folder" in issue.message] == ["PARSE-001"]


def test_a_later_version_of_the_contract_schema_is_read_and_told_once(tmp_path: Path) -> None:
    """A snapshot after a schema bump (``@2``) still has its packets read
    (with the ``@1`` field map, the newest the profile knows) and one
    PARSE-005 per schema id says so, at a live packet's contract; reading
    nothing would check nothing, and one finding per contract would bury
    the rest."""
    root = _repo(tmp_path, contract={**CONTRACT, "schema_id": "hsk.work_packet_contract@2"})
    template = root / ".GOV" / "templates" / "TASK_PACKET_TEMPLATE.md"
    template.write_text(TEMPLATE.replace("@1", "@2"), encoding="utf-8")
    for task in sorted((root / ".GOV" / "task_packets" / "WP-KERNEL-007-Loom-v1").glob("MT-*.json")):
        task.write_text(task.read_text(encoding="utf-8").replace("microtask_contract@1", "microtask_contract@2"), encoding="utf-8")
    model = load_repo(Layout(root), mappings=False)
    assert model.protocol.profile == "handshake-2026-06"
    packet = model.packet("WP-KERNEL-007-Loom-v1")
    assert packet is not None and packet.file.endswith("packet.json") and packet.status_raw == "In Progress"
    assert [task.id for task in packet.micro_tasks] == ["MT-001", "MT-002"]
    findings = [finding for finding in run_rules(model, EngineConfig(as_of=dt.date(2026, 6, 22))) if finding.rule == "PARSE-005"]
    assert [(finding.excerpt, finding.message.split(";")[0]) for finding in findings] == [
        ("hsk.microtask_contract@2", "2 contract(s) carry schema_id 'hsk.microtask_contract@2', a later version than the 'hsk.microtask_contract@1' the profile in force reads"),
        ("hsk.work_packet_contract@2", "1 contract(s) carry schema_id 'hsk.work_packet_contract@2', a later version than the 'hsk.work_packet_contract@1' the profile in force reads"),
    ]


def test_only_a_later_version_of_a_known_schema_is_read_as_it() -> None:
    from mkdocs_handshake.parse.contract import read_as

    known = ("hsk.work_packet_contract@1", "hsk.work_packet_contract@3")
    assert read_as("hsk.work_packet_contract@1", known) == "hsk.work_packet_contract@1"
    assert read_as("hsk.work_packet_contract@2", known) == "hsk.work_packet_contract@1"
    assert read_as("hsk.work_packet_contract@10", known) == "hsk.work_packet_contract@3"
    assert read_as("hsk.work_packet_contract@0", known) == ""  # older than all: another era
    assert read_as("hsk.other_contract@2", known) == "" and read_as("hsk.work_packet_contract", known) == "" and read_as("", known) == ""
